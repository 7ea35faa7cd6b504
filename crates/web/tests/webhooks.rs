//! Outgoing webhooks through the real pages and the real worker passes: a unit's officer receives
//! its own unit's project events, signed, and nothing of another unit's; confidential projects
//! reach others by codename only; reading the audit log again never sends twice; a failing
//! receiver is retried with back-off and the log shows it; another unit's user cannot see or
//! touch a subscription (and the refusal is audited); a non-http address is refused in Chinese;
//! overdue requests, locked accounts, test pushes and the background worker. Runs on PostgreSQL
//! when ZS_TEST_DATABASE_URL is set.

mod helpers;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use domain::project::{Advance, ContractKind, ProjectKind, RequestCategory, SourceChannel, Stage};
use domain::webhook::{self as rules, EventType};
use domain::Role;
use helpers::*;
use reqwest::StatusCode;
use store::follow_ups::NewAttachment;
use store::projects::{Checked, ProjectInput, SiteCheck};
use store::services::NewRequest;
use store::webhooks::SubscriptionInput;
use store::{Store, Who};
use web::webhooks::WebhookSender;

async fn app() -> TestApp {
    spawn_with(|c| c.notifications.worker = false).await
}

fn sender(store: &Store) -> WebhookSender {
    let mut config = web::Config::default();
    config.server.public_url = "https://zs.example.gov.cn".into();
    config.notifications.timeout_seconds = 5;
    WebhookSender::new(store.clone(), &config)
}

async fn unit_id(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().expect("unit").id
}

async fn who(app: &TestApp, username: &str) -> Who {
    let u = app.store.user_by_name(username).await.unwrap().expect("user");
    Who { user_id: Some(u.id), username: username.into(), unit_id: Some(u.unit_id), ip: String::new() }
}

async fn enterprise(store: &Store, name: &str) -> i64 {
    let input = store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

/// A new lead landing in `landing` and brought by `source`, made by `by`.
async fn lead(store: &Store, by: &Who, name: &str, landing: &str, source: &str, codename: Option<&str>) -> store::entities::project::Model {
    let enterprise_id = enterprise(store, &format!("{name}有限公司")).await;
    let input = ProjectInput {
        name: name.into(),
        codename: codename.unwrap_or_default().into(),
        confidential: codename.is_some(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 5_000_000,
        source_channel: Some(SourceChannel::Office),
        source_unit_id: unit_id(store, source).await,
        landing_unit_id: unit_id(store, landing).await,
        contract_kind: Some(ContractKind::Contract),
        ..Default::default()
    };
    store.create_project(by, &input, Utc::now().date_naive(), None).await.unwrap()
}

async fn advance(store: &Store, by: &Who, p: &store::entities::project::Model, to: Stage) -> store::entities::project::Model {
    let today = Utc::now().date_naive();
    let stages: Vec<Stage> = Stage::ALL.iter().copied().filter(|s| *s > Stage::parse(&p.stage).unwrap() && *s <= to).collect();
    let advance = Advance { dates: stages.iter().map(|s| (*s, today)).collect(), files: stages.iter().filter(|s| **s >= Stage::Signed).map(|s| (*s, 1)).collect(), reference: String::new() };
    let files = stages.iter().filter(|s| **s >= Stage::Signed).map(|s| (*s, NewAttachment { file_name: "合同.pdf".into(), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() })).collect();
    store.advance_project(by, p.id, p.version, to, &advance, "推进", files).await.unwrap()
}

// -- A local receiver --------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Call {
    path: String,
    event: String,
    delivery: String,
    signature: String,
    body: String,
}

impl Call {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<Call>>>,
    /// Requests to /flaky that fail before one succeeds.
    failures_left: Arc<AtomicUsize>,
}

impl Receiver {
    fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    fn to(&self, prefix: &str) -> Vec<Call> {
        self.calls().into_iter().filter(|c| c.path.starts_with(prefix)).collect()
    }
}

/// Records every request; /flaky answers 500 the first N times, /fail always 503, the rest 204.
async fn spawn_receiver(failures: usize) -> (String, Receiver) {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{HeaderMap, StatusCode as Status, Uri};
    let receiver = Receiver { calls: Default::default(), failures_left: Arc::new(AtomicUsize::new(failures)) };
    async fn hook(State(r): State<Receiver>, uri: Uri, headers: HeaderMap, body: Bytes) -> Status {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let path = uri.path().to_string();
        r.calls.lock().unwrap().push(Call {
            path: path.clone(),
            event: header("x-zhaoshang-event"),
            delivery: header("x-zhaoshang-delivery"),
            signature: header("x-zhaoshang-signature"),
            body: String::from_utf8(body.to_vec()).unwrap(),
        });
        if path.starts_with("/fail") {
            return Status::SERVICE_UNAVAILABLE;
        }
        if path.starts_with("/flaky") && r.failures_left.load(Ordering::SeqCst) > 0 {
            r.failures_left.fetch_sub(1, Ordering::SeqCst);
            return Status::INTERNAL_SERVER_ERROR;
        }
        Status::NO_CONTENT
    }
    let router = axum::Router::new().fallback(hook).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (address, receiver)
}

/// Makes a subscription on the page and returns its id and the secret shown once.
async fn subscribe(browser: &Browser, url: &str, events: &[&str]) -> (i64, String) {
    let mut fields = vec![("url", url), ("description", "测试对接")];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let response = browser.post_form("/webhooks", "/webhooks", &fields).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(page.contains("签名密钥（只显示这一次）"), "{page}");
    let secret = page.split("id=\"secret\">").nth(1).and_then(|rest| rest.split('<').next()).expect("the secret on the page").to_string();
    assert_eq!(secret.len(), 64);
    let id = page.split("action=\"/webhooks/").nth(1).and_then(|rest| rest.split('/').next()).and_then(|id| id.parse().ok()).expect("the subscription's id");
    (id, secret)
}

async fn deliveries(store: &Store, subscription: i64) -> Vec<store::entities::webhook_delivery::Model> {
    store.webhook_deliveries(subscription, 100).await.unwrap()
}

fn verified(secret: &str, call: &Call, now: DateTime<Utc>) -> bool {
    rules::verify(secret, &call.signature, &call.body, now.timestamp(), 300).is_ok()
}

// -- The tests ----------------------------------------------------------------------------------------

#[tokio::test]
async fn an_officer_receives_its_own_units_project_events_signed_and_nothing_of_another_unit() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(0).await;
    app.sign_in("officer-610703").await;
    let (sub, secret) = subscribe(&app, &format!("{base}/nanzheng?token=abc"), &["project.created", "project.stage_changed", "project.verified"]).await;
    // The secret is shown once: not on the subscription's page, not in the list, not in the audit log.
    let page = app.get_html(&format!("/webhooks/{sub}")).await;
    assert!(!page.contains(&secret) && page.contains("/nanzheng?token=abc") && page.contains("项目阶段推进"), "{page}");
    assert!(!app.get_html("/webhooks").await.contains(&secret));
    let created = app.audit("create", "ok").await.into_iter().find(|e| e.entity == "webhook_subscription").expect("the subscription is audited");
    assert!(!created.after.contains(&secret) && !created.after.contains("token=abc"), "{}", created.after);

    // A leader reads every unit's projects, confidential ones by codename.
    add_user(&app.store, "leader", "610700", vec![Role::Leader]).await;
    let leader = who(&app, "leader").await;
    let input = SubscriptionInput { url: format!("{base}/leader"), events: vec![EventType::ProjectStageChanged], description: String::new(), active: true };
    let (leader_sub, leader_secret) = app.store.create_webhook(&leader, leader.user_id.unwrap(), leader.unit_id.unwrap(), &input, Utc::now()).await.unwrap();

    let nz = who(&app, "officer-610703").await;
    let cg = who(&app, "officer-610722").await;
    let ours = lead(&app.store, &nz, "秦岭航空零部件", "610703", "610703", None).await;
    let theirs = lead(&app.store, &cg, "城固食品加工园", "610722", "610722", None).await;
    let secret_one = lead(&app.store, &cg, "汉江新能源电池", "610722", "610722", Some("江河一号")).await;
    let ours = advance(&app.store, &nz, &ours, Stage::Negotiating).await;
    let theirs = advance(&app.store, &cg, &theirs, Stage::Negotiating).await;
    advance(&app.store, &cg, &secret_one, Stage::Negotiating).await;

    let sender = sender(&app.store);
    let now = Utc::now();
    let pass = sender.pass(now).await.unwrap();
    // Ours created and moved to us; all three moves to the leader.
    assert_eq!((pass.enqueued, pass.delivered, pass.failed), (5, 5, 0), "{pass:?}");
    let mine = receiver.to("/nanzheng");
    let kinds: Vec<&str> = mine.iter().map(|c| c.event.as_str()).collect();
    assert_eq!(kinds, ["project.created", "project.stage_changed"], "only 南郑区's own project");
    assert!(mine.iter().all(|c| !c.body.contains("城固") && !c.body.contains("汉江") && !c.body.contains("江河一号")));

    // Signed as documented, with the event and the delivery in the headers.
    let changed = &mine[1];
    assert_eq!(changed.path, "/nanzheng");
    assert!(verified(&secret, changed, now), "{changed:?}");
    assert!(!verified(&leader_secret, changed, now), "another subscription's secret does not verify it");
    let (t, v1) = changed.signature.split_once(',').unwrap();
    let t = t.strip_prefix("t=").unwrap();
    let mac = domain::notify::hmac_sha256(secret.as_bytes(), format!("{t}.{}", changed.body).as_bytes());
    assert_eq!(v1, format!("v1={}", hex::encode(mac)));
    let log = deliveries(&app.store, sub).await;
    let logged = log.iter().find(|d| d.event_type == "project.stage_changed").unwrap();
    assert_eq!(changed.delivery, logged.id.to_string());
    assert_eq!((logged.status.as_str(), logged.attempts, logged.last_status), ("delivered", 1, Some(204)));
    let body = changed.json();
    assert_eq!(body["type"], "project.stage_changed");
    assert!(body["id"].as_str().unwrap().starts_with("audit:"));
    assert!(DateTime::parse_from_rfc3339(body["occurred_at"].as_str().unwrap()).is_ok());
    let data = &body["data"];
    assert_eq!(data["id"], ours.id);
    assert_eq!(data["code"], ours.code.as_str());
    assert_eq!(data["name"], "秦岭航空零部件");
    assert_eq!((data["stage"].as_str(), data["stage_label"].as_str()), (Some("negotiating"), Some("在谈")));
    assert_eq!((data["from_stage"].as_str(), data["from_stage_label"].as_str()), (Some("lead"), Some("线索")));
    assert_eq!(data["unit_id"], unit_id(&app.store, "610703").await);
    assert_eq!(data["url"], format!("https://zs.example.gov.cn/projects/{}", ours.id));

    // The leader got both of 城固县's and 南郑区's changes; the confidential one by codename only.
    let leaders = receiver.to("/leader");
    assert_eq!(leaders.len(), 3, "{leaders:?}");
    assert!(leaders.iter().all(|c| verified(&leader_secret, c, now)));
    let hidden = leaders.iter().find(|c| c.body.contains("江河一号")).expect("the confidential project");
    assert!(!hidden.body.contains("汉江新能源电池"), "{}", hidden.body);
    assert_eq!(hidden.json()["data"]["confidential"], true);

    // Reading the log again — another pass, another instance rereading the last minutes, or
    // from the very start — never sends twice.
    assert_eq!(sender.pass(now).await.unwrap(), Default::default());
    let other_instance = self::sender(&app.store).named("instance-2");
    let again = other_instance.dispatch(now).await.unwrap();
    assert_eq!(again.enqueued, 0, "{again:?}");
    assert!(again.read >= 6, "the last minutes were read again: {again:?}");
    settings_cursor(&app.store, "0").await;
    let again = sender.dispatch(now).await.unwrap();
    assert_eq!(again.enqueued, 0, "{again:?}");
    assert!(again.read >= 6, "the whole log was read again: {again:?}");
    assert_eq!(sender.deliver_due(now + Duration::minutes(1)).await.unwrap(), Default::default());
    assert_eq!(receiver.calls().len(), 5);
    assert_eq!(deliveries(&app.store, leader_sub.id).await.len(), 3);
    // Two instances reading the same new entry at once add its deliveries once.
    let theirs = advance(&app.store, &cg, &theirs, Stage::Signed).await;
    let (a, b) = tokio::join!(sender.dispatch(now), other_instance.dispatch(now));
    assert_eq!(a.unwrap().enqueued + b.unwrap().enqueued, 1, "the leader's, once");
    assert_eq!(deliveries(&app.store, leader_sub.id).await.len(), 4);

    // A passed site check: signed, then verified by the bureau.
    let ours = advance(&app.store, &nz, &ours, Stage::Signed).await;
    let queue = app.store.verification_queue(false, 100).await.unwrap();
    let key = queue.iter().find(|q| q.project_id == ours.id).expect("signing waits for a check").key.clone();
    let check = SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: None, longitude_e6: None };
    app.store.verify(&who(&app, "bureau").await, Checked::parse(&key).unwrap(), &check, vec![]).await.unwrap();
    let now = Utc::now();
    assert_eq!(sender.pass(now).await.unwrap().delivered, 4, "城固县's signing to the leader; ours to us and the leader, and its check to us");
    assert_eq!(theirs.stage, "signed");
    let check = receiver.to("/nanzheng").into_iter().find(|c| c.event == "project.verified").expect("the check");
    let data = &check.json()["data"];
    assert_eq!((data["verified"].as_str(), data["verified_stage"].as_str(), data["verified_stage_label"].as_str()), (Some("stage"), Some("signed"), Some("签约")));
    assert!(verified(&secret, &check, now));
}

async fn settings_cursor(store: &Store, value: &str) {
    store::settings::set(&store.db, store::webhooks::CURSOR, value).await.unwrap();
}

#[tokio::test]
async fn a_failing_receiver_is_retried_with_back_off_and_the_log_shows_each_attempt() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(2).await;
    app.sign_in("officer-610703").await;
    let (sub, secret) = subscribe(&app, &format!("{base}/flaky"), &["project.created"]).await;
    let nz = who(&app, "officer-610703").await;
    lead(&app.store, &nz, "勉县铜材深加工", "610703", "610703", None).await;
    let sender = sender(&app.store);
    let delivery = || async { deliveries(&app.store, sub).await.remove(0) };

    // Whole microseconds, as both databases keep them.
    let t0 = domain::audit::truncate_to_micros(Utc::now());
    let pass = sender.pass(t0).await.unwrap();
    assert_eq!((pass.enqueued, pass.failed), (1, 1), "{pass:?}");
    let d = delivery().await;
    assert_eq!((d.status.as_str(), d.attempts, d.last_status, d.next_attempt_at), ("pending", 1, Some(500), t0 + Duration::minutes(1)));
    assert_eq!(d.last_error, "HTTP 500");
    // Not before its time.
    assert_eq!(sender.pass(t0 + Duration::seconds(59)).await.unwrap(), Default::default());
    let page = app.get_html(&format!("/webhooks/{sub}")).await;
    assert!(page.contains("重试中") && page.contains("HTTP 500") && page.contains("1 次"), "{page}");

    let t1 = t0 + Duration::minutes(1);
    assert_eq!(sender.pass(t1).await.unwrap().failed, 1);
    let d = delivery().await;
    assert_eq!((d.attempts, d.next_attempt_at), (2, t1 + Duration::minutes(5)));
    let t2 = t1 + Duration::minutes(5);
    assert_eq!(sender.pass(t2).await.unwrap().delivered, 1);
    let d = delivery().await;
    assert_eq!((d.status.as_str(), d.attempts, d.last_status, d.delivered_at, d.last_error.as_str()), ("delivered", 3, Some(204), Some(t2), ""));
    // The same event each time, freshly signed at each attempt.
    let calls = receiver.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.body == calls[0].body && c.delivery == d.id.to_string()));
    for (call, at) in calls.iter().zip([t0, t1, t2]) {
        assert!(verified(&secret, call, at), "{call:?}");
    }
    let page = app.get_html(&format!("/webhooks/{sub}")).await;
    assert!(page.contains("已送达") && page.contains("3 次") && page.contains("重新推送"), "{page}");

    // A receiver that is always down is given up after the schedule, then retried by hand.
    let (down, _) = subscribe(&app, &format!("{base}/fail"), &["project.created"]).await;
    lead(&app.store, &nz, "西乡茶叶精深加工", "610703", "610703", None).await;
    let mut at = domain::audit::truncate_to_micros(Utc::now());
    for wait in [0, 60, 300, 1800, 7200, 21600, 86400] {
        at += Duration::seconds(wait);
        let pass = sender.pass(at).await.unwrap();
        assert_eq!(pass.failed, 1, "after {wait}s: {pass:?}");
    }
    let d = deliveries(&app.store, down).await.remove(0);
    assert_eq!((d.status.as_str(), d.attempts, d.last_status), ("failed", 7, Some(503)), "given up after seven attempts");
    assert_eq!(sender.pass(at + Duration::days(3)).await.unwrap(), Default::default(), "given up: no more attempts");
    let page = app.get_html(&format!("/webhooks/{down}")).await;
    assert!(page.contains("已放弃") && page.contains("HTTP 503") && page.contains("立即重试"), "{page}");
    let list = app.get_html("/webhooks").await;
    assert!(list.contains("已放弃 1 条"), "{list}");
    let r = app.post_form(&format!("/webhooks/{down}"), &format!("/webhooks/deliveries/{}/retry", d.id), &[]).await;
    assert_eq!(location(&r), format!("/webhooks/{down}?done=retry_queued#log"));
    assert_eq!(deliveries(&app.store, down).await[0].status, "pending");
    assert_eq!(app.audit("redeliver", "ok").await.len(), 1, "the redelivery is audited");
}

#[tokio::test]
async fn another_units_user_cannot_see_or_touch_a_subscription_and_is_audited() {
    let app = app().await;
    let (base, _receiver) = spawn_receiver(0).await;
    app.sign_in("officer-610703").await;
    let (sub, _) = subscribe(&app, &format!("{base}/nanzheng"), &["request.created"]).await;
    let ping = app.store.queue_webhook_ping(&who(&app, "officer-610703").await, sub, Utc::now()).await.unwrap();
    let before = app.store.webhook(sub).await.unwrap();

    let stranger = spawn_client(&app);
    stranger.sign_in("officer-610722").await;
    assert_eq!(stranger.get(&format!("/webhooks/{sub}")).await.status(), StatusCode::FORBIDDEN);
    let edit = stranger.post_form("/webhooks", &format!("/webhooks/{sub}/edit"), &[("url", "https://evil.example.com/"), ("events", "project.created"), ("version", "1"), ("active", "1")]).await;
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);
    for action in ["delete", "test"] {
        let r = stranger.post_form("/webhooks", &format!("/webhooks/{sub}/{action}"), &[]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{action}");
    }
    let r = stranger.post_form("/webhooks", &format!("/webhooks/deliveries/{}/retry", ping.id), &[]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(!stranger.get_html("/webhooks").await.contains("/nanzheng"), "not in their list either");
    assert_eq!(app.store.webhook(sub).await.unwrap(), before, "nothing changed");
    assert_eq!(deliveries(&app.store, sub).await.len(), 1);

    // Every refusal is in the audit log, with who tried.
    let denied = |action: &'static str| {
        let app = &app;
        async move { app.audit(action, "denied").await.into_iter().filter(|e| e.username == "officer-610722").collect::<Vec<_>>() }
    };
    let read = denied("read").await;
    assert!(read.iter().any(|e| e.entity == "webhook_subscription" && e.entity_id == sub.to_string() && e.detail.contains("无权查看")), "{read:?}");
    for action in ["update", "delete", "test"] {
        assert!(denied(action).await.iter().any(|e| e.entity == "webhook_subscription" && e.entity_id == sub.to_string()), "{action}");
    }
    assert!(denied("redeliver").await.iter().any(|e| e.entity == "webhook_delivery" && e.entity_id == ping.id.to_string()));

    // An administrator sees everyone's; the owner changes and removes their own.
    let admin = spawn_client(&app);
    admin.sign_in("admin").await;
    assert!(admin.get_html("/webhooks").await.contains("/nanzheng"));
    assert_eq!(admin.get(&format!("/webhooks/{sub}")).await.status(), StatusCode::OK);
    let stale = app.post_form(&format!("/webhooks/{sub}"), &format!("/webhooks/{sub}/edit"), &[("url", &format!("{base}/nanzheng-2")), ("events", "request.overdue"), ("version", "0")]).await;
    assert!(stale.text().await.unwrap().contains("已被修改"), "optimistic locking");
    let saved = app.post_form(&format!("/webhooks/{sub}"), &format!("/webhooks/{sub}/edit"), &[("url", &format!("{base}/nanzheng-2")), ("events", "request.overdue"), ("events", "request.created"), ("version", "1")]).await;
    assert_eq!(location(&saved), format!("/webhooks/{sub}?done=saved"));
    let after = app.store.webhook(sub).await.unwrap();
    assert_eq!((after.events.as_str(), after.active, after.secret == before.secret, after.version), ("request.created,request.overdue", false, true, 2));
    let updated = app.audit("update", "ok").await.into_iter().find(|e| e.entity == "webhook_subscription").unwrap();
    assert!(!updated.after.contains(&before.secret) && updated.after.contains("nanzheng-2"));
    let gone = app.post_form(&format!("/webhooks/{sub}"), &format!("/webhooks/{sub}/delete"), &[]).await;
    assert_eq!(location(&gone), "/webhooks?done=deleted");
    assert!(app.store.webhooks(None).await.unwrap().is_empty());
    assert!(deliveries(&app.store, sub).await.is_empty());
    assert_eq!(app.audit("delete", "ok").await.iter().filter(|e| e.entity == "webhook_subscription").count(), 1);
}

#[tokio::test]
async fn an_address_that_is_not_http_is_refused_in_chinese_and_nothing_is_stored() {
    let app = app().await;
    app.sign_in("officer-610703").await;
    for url in ["ftp://files.example.gov.cn/in", "javascript:alert(1)", "file:///etc/passwd"] {
        let response = app.post_form("/webhooks", "/webhooks", &[("url", url), ("events", "project.created")]).await;
        assert_eq!(response.status(), StatusCode::OK);
        let page = response.text().await.unwrap();
        assert!(page.contains("推送地址必须以 http:// 或 https:// 开头"), "{url}: {page}");
        assert!(page.contains("value=\"ftp://files.example.gov.cn/in\"") || url != "ftp://files.example.gov.cn/in", "what was typed is kept");
    }
    let none = app.post_form("/webhooks", "/webhooks", &[("url", "https://example.gov.cn/hook")]).await;
    assert!(none.text().await.unwrap().contains("请至少选择一种要推送的事件"));
    assert!(app.store.webhooks(None).await.unwrap().is_empty(), "nothing stored");
    assert!(app.audit("create", "ok").await.iter().all(|e| e.entity != "webhook_subscription"), "nothing audited as made");
    // The account page leads here.
    assert!(app.get_html("/account").await.contains("href=\"/webhooks\""));
}

#[tokio::test]
async fn overdue_requests_go_once_and_accounts_switched_off_receive_nothing() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(0).await;
    app.sign_in("officer-610703").await;
    let (sub, _) = subscribe(&app, &format!("{base}/nanzheng"), &["request.created", "request.overdue"]).await;
    let stranger = spawn_client(&app);
    stranger.sign_in("officer-610722").await;
    let (other, _) = subscribe(&stranger, &format!("{base}/chenggu"), &["request.created", "request.overdue"]).await;
    let nz = who(&app, "officer-610703").await;
    let nanzheng = unit_id(&app.store, "610703").await;
    let p = lead(&app.store, &nz, "宁强县矿产品加工", "610703", "610703", None).await;
    let today = domain::notify::china_today(Utc::now());
    let new = NewRequest { project_id: Some(p.id), enterprise_id: p.enterprise_id, category: RequestCategory::Utilities, text: "用电接入".into(), owner_unit_id: nanzheng, deadline: today + Duration::days(1) };
    let r = app.store.create_request(&nz, nanzheng, &new).await.unwrap();
    let sender = sender(&app.store);
    assert_eq!(sender.pass(Utc::now()).await.unwrap().delivered, 1);
    assert_eq!(receiver.to("/nanzheng")[0].event, "request.created");
    assert!(receiver.to("/chenggu").is_empty(), "another unit's request");

    // Two days past the deadline: one overdue event, however often the worker looks.
    let later = Utc::now() + Duration::days(3);
    assert_eq!(sender.pass(later).await.unwrap().delivered, 1);
    assert_eq!(sender.pass(later + Duration::hours(1)).await.unwrap(), Default::default());
    let overdue = receiver.to("/nanzheng").into_iter().find(|c| c.event == "request.overdue").expect("overdue");
    let body = overdue.json();
    assert_eq!(body["id"], format!("request_overdue:{}", r.id));
    assert_eq!((body["data"]["id"].as_i64(), body["data"]["overdue_days"].as_i64(), body["data"]["category_label"].as_str()), (Some(r.id), Some(2), Some("水电气")));
    assert_eq!(body["data"]["project_code"], p.code.as_str());
    assert!(receiver.to("/chenggu").is_empty());
    assert!(deliveries(&app.store, other).await.is_empty());

    // Locked for half an hour after wrong passwords: held back until the lock ends, then sent.
    let admin = who(&app, "admin").await;
    let user = nz.user_id.unwrap();
    let soon = Utc::now();
    app.store.set_locked(&admin, user, Some(soon + Duration::minutes(30))).await.unwrap();
    let ping = app.store.queue_webhook_ping(&nz, sub, soon).await.unwrap();
    assert_eq!(sender.pass(soon).await.unwrap().deferred, 1);
    assert_eq!(app.store.webhook_delivery(ping.id).await.unwrap().attempts, 0, "waiting is not an attempt");
    assert_eq!(sender.pass(soon + Duration::minutes(31)).await.unwrap().delivered, 1);
    assert_eq!(app.store.webhook_delivery(ping.id).await.unwrap().status, "delivered");
    assert_eq!(receiver.calls().iter().filter(|c| c.event == "ping").count(), 1);

    // Locked by an administrator: what waits is cancelled, and new events are not queued.
    app.store.set_locked(&admin, user, None).await.unwrap();
    let ping = app.store.queue_webhook_ping(&nz, sub, Utc::now()).await.unwrap();
    app.store.set_locked(&admin, user, Some(Utc::now() + Duration::days(3650))).await.unwrap();
    app.store.create_request(&nz, nanzheng, &new).await.unwrap();
    let pass = sender.pass(Utc::now()).await.unwrap();
    assert_eq!((pass.enqueued, pass.delivered, pass.cancelled), (0, 0, 1), "{pass:?}");
    let cancelled = app.store.webhook_delivery(ping.id).await.unwrap();
    assert_eq!((cancelled.status.as_str(), cancelled.last_error.as_str()), ("cancelled", "订阅人账号已被锁定，未推送"));
    assert_eq!(receiver.calls().iter().filter(|c| c.event == "ping").count(), 1);
    // Switched off: nothing either.
    app.store.set_locked(&admin, user, None).await.unwrap();
    let input = SubscriptionInput { url: format!("{base}/nanzheng"), events: vec![EventType::RequestCreated], description: String::new(), active: false };
    app.store.update_webhook(&nz, sub, 1, &input, Utc::now()).await.unwrap();
    app.store.create_request(&nz, nanzheng, &new).await.unwrap();
    assert_eq!(sender.pass(Utc::now()).await.unwrap(), Default::default());
}

#[tokio::test]
async fn the_worker_delivers_a_test_push_in_the_background() {
    let app = spawn_with(|c| {
        c.notifications.tick_seconds = 1;
        c.notifications.timeout_seconds = 2;
    })
    .await;
    let (base, receiver) = spawn_receiver(0).await;
    app.sign_in("officer-610703").await;
    let (sub, secret) = subscribe(&app, &format!("{base}/bg"), &["target.created"]).await;
    let r = app.post_form(&format!("/webhooks/{sub}"), &format!("/webhooks/{sub}/test"), &[]).await;
    assert_eq!(location(&r), format!("/webhooks/{sub}?done=test_queued"));
    let mut got = None;
    for _ in 0..100 {
        if let Some(call) = receiver.calls().into_iter().find(|c| c.event == "ping") {
            got = Some(call);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let call = got.expect("the worker sent the test push");
    assert!(verified(&secret, &call, Utc::now()));
    assert_eq!(call.json()["data"]["subscription_id"], sub);
    assert_eq!(app.audit("test", "ok").await.iter().filter(|e| e.entity == "webhook_subscription").count(), 1);
}
