//! Reminders and notifications: each rule reaches the right people and nobody of another unit;
//! the notification centre and its bell; WeCom and DingTalk robots receive exactly the documented
//! payloads (DingTalk signed) at a local receiver; a failing receiver is retried with back-off and
//! admins see it; e-mail reaches a local SMTP server; and two senders racing over one outbox send
//! each message once. Runs on PostgreSQL when ZS_TEST_DATABASE_URL is set.

mod helpers;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use domain::notify::{ChannelKind, Reminder, Rule};
use domain::project::{Advance, ProjectKind, SourceChannel, Stage};
use domain::target::{FollowUpKind, Priority};
use domain::Role;
use helpers::*;
use reqwest::StatusCode;
use store::follow_ups::{NewAttachment, NewFollowUp};
use store::notifications::{ChannelInput, ChannelOwner, DeliveryFilter};
use store::projects::ProjectInput;
use store::targets::NewTarget;
use store::{Store, Who};
use web::notify::Sender;

async fn app() -> TestApp {
    spawn_with(|c| c.notifications.worker = false).await
}

fn who(app_user: i64, username: &str, unit: i64) -> Who {
    Who { user_id: Some(app_user), username: username.into(), unit_id: Some(unit), ip: String::new() }
}

async fn unit_id(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().expect("unit").id
}

async fn enterprise(store: &Store, name: &str) -> i64 {
    let input = store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

/// A target of `unit` owned by `owner`, with a follow-up today whose next step is due `due`.
async fn target_with_next_step(store: &Store, owner: &Who, name: &str, step: &str, due: NaiveDate) -> i64 {
    let (user, unit) = (owner.user_id.unwrap(), owner.unit_id.unwrap());
    let enterprise_id = enterprise(store, name).await;
    let target = store
        .create_target(owner, &NewTarget { enterprise_id, owner_unit_id: unit, owner_user_id: Some(user), priority: Priority::A, source: String::new(), note: String::new(), link_ids: vec![] })
        .await
        .unwrap();
    let new = NewFollowUp {
        enterprise_id,
        target_id: Some(target.id),
        project_id: None,
        happened_on: Utc::now().date_naive(),
        kind: FollowUpKind::Visit,
        place: String::new(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: "上门拜访".into(),
        next_step: step.into(),
        next_due: Some(due),
        client_key: format!("notify-{}", &store::passwords::random_token()[..16]),
    };
    store.create_follow_up(owner, user, unit, &new, vec![]).await.unwrap();
    target.id
}

/// A signed 5亿 project of `unit_code`: a key project for the weekly dispatch, waiting for the
/// bureau's on-site check.
async fn signed_key_project(store: &Store, name: &str, unit_code: &str) -> i64 {
    let who = Who::system("test");
    let enterprise_id = enterprise(store, &format!("{name}有限公司")).await;
    let unit = unit_id(store, unit_code).await;
    let today = Utc::now().date_naive();
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 5_000_000,
        source_channel: Some(SourceChannel::Office),
        source_unit_id: unit,
        landing_unit_id: unit,
        contract_kind: Some(domain::project::ContractKind::Contract),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, today, None).await.unwrap();
    let advance = Advance { dates: [(Stage::Negotiating, today), (Stage::Signed, today)].into_iter().collect(), files: [(Stage::Signed, 1)].into_iter().collect(), reference: String::new() };
    let contract = NewAttachment { file_name: "合同.pdf".into(), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() };
    store.advance_project(&who, p.id, p.version, Stage::Signed, &advance, "签约", vec![(Stage::Signed, contract)]).await.unwrap().id
}

/// A Tuesday a month ahead, 09:00 in Beijing: working hours, inside the weekly dispatch's
/// reminder window (notes due Tuesday 18:00), and far enough for targets to count as stale.
fn a_tuesday_morning() -> (NaiveDate, DateTime<Utc>) {
    let mut day = domain::notify::china_today(Utc::now()) + Duration::days(31);
    while day.weekday() != Weekday::Tue {
        day += Duration::days(1);
    }
    let at = domain::dispatch::china().from_local_datetime(&day.and_hms_opt(9, 0, 0).unwrap()).unwrap().with_timezone(&Utc);
    (day, at)
}

async fn titles(store: &Store, user: i64) -> Vec<(String, String)> {
    store.inbox(user, 100).await.unwrap().into_iter().map(|n| (n.rule, format!("{}\n{}", n.title, n.body))).collect()
}

fn rules_of(list: &[(String, String)]) -> Vec<&str> {
    let mut rules: Vec<&str> = list.iter().map(|(r, _)| r.as_str()).collect();
    rules.sort_unstable();
    rules
}

fn channel(kind: ChannelKind, name: &str, address: &str, secret: &str) -> ChannelInput {
    ChannelInput { kind, name: name.into(), address: address.into(), secret: secret.into(), rules: vec![], enabled: true }
}

#[tokio::test]
async fn each_rule_reaches_the_right_people_and_no_one_of_another_unit() {
    let app = app().await;
    let store = &app.store;
    let (nanzheng, chenggu) = (unit_id(store, "610703").await, unit_id(store, "610722").await);
    let head_nz = add_user(store, "head-610703", "610703", vec![Role::UnitHead]).await;
    let head_cg = add_user(store, "head-610722", "610722", vec![Role::UnitHead]).await;
    let (officer_nz, officer_cg) = (app.user_id("officer-610703").await, app.user_id("officer-610722").await);
    let (bureau, admin, gxj) = (app.user_id("bureau").await, app.user_id("admin").await, app.user_id("head-gxj").await);
    let nz = who(officer_nz, "officer-610703", nanzheng);
    let cg = who(officer_cg, "officer-610722", chenggu);
    let (day, now) = a_tuesday_morning();

    // 南郑区: a next step due that Tuesday, a request three days past its deadline, a key project
    // without its weekly note (and its signing waiting for the bureau's check).
    target_with_next_step(store, &nz, "秦岭航空零部件有限公司", "送地价表", day).await;
    let ent = enterprise(store, "汉江锂电有限公司").await;
    let new = store::services::NewRequest { project_id: None, enterprise_id: ent, category: domain::project::RequestCategory::Utilities, text: "双回路供电接入".into(), owner_unit_id: nanzheng, deadline: day - Duration::days(3) };
    store.create_request(&nz, nanzheng, &new).await.unwrap();
    signed_key_project(store, "航空零部件基地", "610703").await;
    // 城固县: a next step two days overdue.
    target_with_next_step(store, &cg, "城固食品加工有限公司", "报送用地需求", day - Duration::days(2)).await;
    // Each unit's group robot.
    store.add_channel(&Who::system("test"), ChannelOwner::Unit(nanzheng), &channel(ChannelKind::Wecom, "南郑区招商群", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=nz-0000-1111", ""), now).await.unwrap();
    store.add_channel(&Who::system("test"), ChannelOwner::Unit(chenggu), &channel(ChannelKind::Wecom, "城固县招商群", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=cg-0000-1111", ""), now).await.unwrap();

    // Nothing at night.
    let night = now - Duration::hours(3);
    assert_eq!(store.evaluate_reminders(night).await.unwrap(), Default::default(), "06:00 in Beijing: no reminders");

    let done = store.evaluate_reminders(now).await.unwrap();
    assert!(done.notifications > 0 && done.deliveries > 0, "{done:?}");

    let officer_nz_got = titles(store, officer_nz).await;
    assert_eq!(rules_of(&officer_nz_got), ["digest", "next_step_due", "request_overdue", "target_stale"], "{officer_nz_got:#?}");
    assert!(officer_nz_got.iter().any(|(r, t)| r == "next_step_due" && t.contains("下一步今天到期：秦岭航空零部件有限公司") && t.contains("送地价表")));
    assert!(officer_nz_got.iter().any(|(r, t)| r == "request_overdue" && t.contains("诉求超过办理期限 3 天：汉江锂电有限公司")));
    assert!(officer_nz_got.iter().any(|(r, t)| r == "digest" && t.contains("今天到期 1 条")));

    let head_nz_got = titles(store, head_nz).await;
    assert_eq!(rules_of(&head_nz_got), ["digest", "dispatch_note_due", "request_overdue", "target_stale"], "{head_nz_got:#?}");
    assert!(head_nz_got.iter().any(|(r, t)| r == "dispatch_note_due" && t.contains("南郑区 还有 1 个重点项目未报送本周进展")));
    assert!(head_nz_got.iter().any(|(r, t)| r == "target_stale" && t.contains("南郑区有 1 家目标企业超过 30 天未联系")));

    let officer_cg_got = titles(store, officer_cg).await;
    assert_eq!(rules_of(&officer_cg_got), ["digest", "next_step_overdue", "target_stale"], "{officer_cg_got:#?}");
    assert!(officer_cg_got.iter().any(|(r, t)| r == "next_step_overdue" && t.contains("下一步已逾期 2 天：城固食品加工有限公司")));
    let head_cg_got = titles(store, head_cg).await;
    assert_eq!(rules_of(&head_cg_got), ["target_stale"], "{head_cg_got:#?}");
    // Another unit's people never see a 南郑区 reminder.
    for (rule, text) in officer_cg_got.iter().chain(&head_cg_got) {
        assert!(!text.contains("南郑") && !text.contains("秦岭") && !text.contains("汉江锂电") && !text.contains("航空零部件基地"), "{rule}: {text}");
    }

    let bureau_got = titles(store, bureau).await;
    assert_eq!(rules_of(&bureau_got), ["digest", "verification_waiting"], "{bureau_got:#?}");
    assert!(bureau_got.iter().any(|(r, t)| r == "verification_waiting" && t.contains("1 项签约、开工或到位资金待实地核查")));
    assert!(bureau_got.iter().any(|(r, t)| r == "digest" && t.contains("实地核查：1 项待核查") && t.contains("全市企业诉求：1 条超过办理期限")));
    assert!(titles(store, admin).await.is_empty(), "nothing is the admin's");
    assert!(titles(store, gxj).await.is_empty(), "a department has none of these");

    // The units' group robots: each only its own unit's reminders.
    let (rows, _) = store.deliveries(&DeliveryFilter { limit: 500, ..Default::default() }).await.unwrap();
    let to = |name: &str| rows.iter().filter(|r| r.channel_name == name).map(|r| r.delivery.title.clone()).collect::<Vec<_>>();
    let nz_group = to("南郑区招商群");
    assert!(nz_group.iter().any(|t| t.contains("秦岭航空零部件")) && nz_group.iter().any(|t| t.contains("汉江锂电")) && nz_group.iter().any(|t| t.contains("周调度")), "{nz_group:#?}");
    let cg_group = to("城固县招商群");
    assert!(cg_group.iter().any(|t| t.contains("城固食品加工")), "{cg_group:#?}");
    assert!(cg_group.iter().all(|t| !t.contains("南郑") && !t.contains("秦岭") && !t.contains("汉江锂电")), "{cg_group:#?}");
    assert!(nz_group.iter().all(|t| !t.contains("城固")), "{nz_group:#?}");

    // Once: working the rules out again, here or on a second instance, adds nothing.
    let second = Store::connect(&app.db.url, 4).await.unwrap();
    let again = second.evaluate_reminders(now + Duration::minutes(10)).await.unwrap();
    assert_eq!((again.notifications, again.deliveries), (0, 0), "{again:?}");
    assert_eq!(titles(store, officer_nz).await.len(), officer_nz_got.len());
}

#[tokio::test]
async fn two_instances_working_out_the_same_day_insert_each_reminder_once() {
    let app = app().await;
    let store = &app.store;
    let nanzheng = unit_id(store, "610703").await;
    let officer = app.user_id("officer-610703").await;
    let nz = who(officer, "officer-610703", nanzheng);
    let (day, now) = a_tuesday_morning();
    for i in 0..12 {
        target_with_next_step(store, &nz, &format!("第{i}家测试企业有限公司"), "回访", day).await;
    }
    store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Email, "我的邮箱", "li.na@nanzheng.gov.cn", ""), now).await.unwrap();
    let other = Store::connect(&app.db.url, 4).await.unwrap();
    let (a, b) = tokio::join!(store.evaluate_reminders(now), other.evaluate_reminders(now));
    let (a, b) = (a.unwrap(), b.unwrap());
    let inbox = store.inbox(officer, 100).await.unwrap();
    let steps = inbox.iter().filter(|n| n.rule == "next_step_due").count();
    assert_eq!(steps, 12);
    assert_eq!(inbox.iter().filter(|n| n.rule == "digest").count(), 1);
    assert_eq!(a.notifications + b.notifications, inbox.len() as u64, "between them, each notification was inserted once: {a:?} {b:?}");
    let (rows, _) = store.deliveries(&DeliveryFilter { limit: 500, ..Default::default() }).await.unwrap();
    assert_eq!(rows.len() as u64, a.deliveries + b.deliveries);
    assert_eq!(rows.len(), 14, "12 next steps, the week's stale targets and the digest, to the e-mail channel");
}

#[tokio::test]
async fn the_centre_lists_unread_first_links_to_records_and_marks_read() {
    let app = app().await;
    let officer = app.user_id("officer-610703").await;
    let stranger = app.user_id("officer-610722").await;
    let now = Utc::now();
    let reminder = |key: &str, title: &str, link: &str| Reminder { rule: Rule::NextStepDue, key: key.into(), title: title.into(), body: "下一步：送地价表\n期限：2026-11-27".into(), link: link.into(), recipients: vec![officer], units: vec![] };
    app.store.enqueue(&[reminder("a:1", "下一步今天到期：秦岭航空零部件", "/targets/7"), reminder("a:2", "下一步今天到期：汉江锂电", "https://evil.example/")], now).await.unwrap();
    app.store.enqueue(&[reminder("a:3", "较早的一条", "/")], now - Duration::hours(1)).await.unwrap();
    // Another officer's unread one: never counted on this officer's bell.
    app.store.enqueue(&[Reminder { recipients: vec![stranger], ..reminder("b:1", "别人的提醒", "/") }], now).await.unwrap();
    let first = app.store.inbox(officer, 10).await.unwrap();
    app.store.read_notification(officer, first.iter().find(|n| n.title == "较早的一条").unwrap().id, now).await.unwrap();

    app.sign_in("officer-610703").await;
    let home = app.get_html("/").await;
    assert!(home.contains("通知：2 条未读") && home.contains("class=\"bell-count\">2<"), "the bell counts unread ones");
    let page = app.get_html("/notifications").await;
    let (a, b, read) = (page.find("秦岭航空零部件").unwrap(), page.find("汉江锂电").unwrap(), page.find("较早的一条").unwrap());
    assert!(a < read && b < read, "unread first");
    assert!(page.contains("下一步：送地价表") && page.contains("下一步即将到期"));

    let ids: Vec<i64> = app.store.inbox(officer, 10).await.unwrap().iter().map(|n| n.id).collect();
    let open = app.store.inbox(officer, 10).await.unwrap().into_iter().find(|n| n.link == "/targets/7").unwrap();
    let response = app.post_form("/notifications", &format!("/notifications/{}/read", open.id), &[("open", "1")]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/targets/7", "opening a notification goes to its record");
    let evil = app.store.inbox(officer, 10).await.unwrap().into_iter().find(|n| n.link.starts_with("https://")).unwrap();
    let response = app.post_form("/notifications", &format!("/notifications/{}/read", evil.id), &[("open", "1")]).await;
    assert_eq!(location(&response), "/notifications", "a link never leaves the system");
    assert_eq!(app.store.unread_count(officer).await.unwrap(), 0);

    // Someone else's notification is not theirs to mark: refused and audited, like any denial.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    let response = other.post_form("/notifications", &format!("/notifications/{}/read", ids[0]), &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let denials = app.audit("update", "denied").await;
    assert!(denials.iter().any(|e| e.username == "officer-610722" && e.entity == "notification" && e.entity_id == ids[0].to_string()), "the denial is audited");
    let theirs: Vec<String> = app.store.inbox(stranger, 10).await.unwrap().into_iter().map(|n| n.title).collect();
    assert_eq!(theirs, vec!["别人的提醒".to_string()], "the refused mark moved nothing into their inbox");
    assert!(other.get_html("/").await.contains("通知：1 条未读"), "their bell counts their own");

    app.store.enqueue(&[reminder("a:4", "又一条", "/")], now).await.unwrap();
    assert!(app.get_html("/").await.contains("通知：1 条未读"));
    let response = app.post_form("/notifications", "/notifications/read-all", &[]).await;
    assert_eq!(location(&response), "/notifications?done=read_all");
    let home = app.get_html("/").await;
    assert!(!home.contains("bell-count") && home.contains("aria-label=\"通知\""), "no count once all are read");
}

// -- A local receiver standing in for the two platforms ------------------------------------------

#[derive(Clone, Default)]
struct Receiver {
    calls: Arc<Mutex<Vec<(String, serde_json::Value)>>>,
    /// Requests to /flaky that fail before one succeeds.
    flaky_failures: Arc<AtomicUsize>,
}

impl Receiver {
    fn calls(&self) -> Vec<(String, serde_json::Value)> {
        self.calls.lock().unwrap().clone()
    }
}

/// Answers as both robots do: `{"errcode":0,"errmsg":"ok"}`; /flaky fails first (a platform
/// error, then an HTTP 502), /fail always, /slow takes a minute.
async fn spawn_receiver(flaky_failures: usize) -> (String, Receiver) {
    use axum::body::Bytes;
    use axum::extract::State;
    use axum::http::{StatusCode as Status, Uri};
    let receiver = Receiver { calls: Default::default(), flaky_failures: Arc::new(AtomicUsize::new(flaky_failures)) };
    async fn hook(State(r): State<Receiver>, uri: Uri, body: Bytes) -> (Status, String) {
        let json = serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null);
        let path = uri.path_and_query().map(|p| p.to_string()).unwrap_or_default();
        r.calls.lock().unwrap().push((path.clone(), json));
        let ok = (Status::OK, r#"{"errcode":0,"errmsg":"ok"}"#.to_string());
        if path.starts_with("/slow") {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
        if path.starts_with("/fail") {
            return (Status::INTERNAL_SERVER_ERROR, "upstream down".into());
        }
        if path.starts_with("/flaky") {
            let left = r.flaky_failures.load(Ordering::SeqCst);
            if left > 0 {
                r.flaky_failures.store(left - 1, Ordering::SeqCst);
                return if left % 2 == 0 { (Status::OK, r#"{"errcode":45009,"errmsg":"api freq out of limit"}"#.into()) } else { (Status::BAD_GATEWAY, "bad gateway".into()) };
            }
        }
        ok
    }
    let router = axum::Router::new().fallback(hook).with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    tokio::spawn(async move { axum::serve(listener, router).await.ok() });
    (address, receiver)
}

fn sender_config() -> web::Config {
    let mut config = web::Config::default();
    config.server.public_url = "https://zs.example.gov.cn".into();
    config.notifications.timeout_seconds = 5;
    config
}

fn query_param(path: &str, name: &str) -> Option<String> {
    path.split_once('?')?.1.split('&').find_map(|pair| pair.strip_prefix(&format!("{name}=")).map(str::to_string))
}

#[tokio::test]
async fn robots_receive_exactly_the_documented_payloads_and_dingtalk_is_signed() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(0).await;
    let nanzheng = unit_id(&app.store, "610703").await;
    let chenggu = unit_id(&app.store, "610722").await;
    let officer = app.user_id("officer-610703").await;
    let secret = "SECb1f5d0c3e7a9f2468ace13579bdf02468ace13579bdf02468ace13579bdf0246";
    let key = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa";

    // The officer sets up their own WeCom robot; plain http to another host is refused.
    app.sign_in("officer-610703").await;
    let refused = app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "me"), ("kind", "wecom"), ("name", "我的群"), ("address", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"), ("rules", "next_step_due")]).await;
    assert_eq!(refused.status(), StatusCode::OK);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Webhook 地址必须以 https:// 开头") && page.contains("我的群"), "the error in Chinese, what was typed kept");
    let added = app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "me"), ("kind", "wecom"), ("name", "我的群"), ("address", &format!("{base}/wecom?key={key}")), ("rules", "next_step_due"), ("rules", "digest"), ("enabled", "1")]).await;
    assert_eq!(location(&added), "/notifications/settings?done=created");
    // An officer cannot set up a unit's robot.
    let denied = app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "unit"), ("unit_id", &nanzheng.to_string()), ("kind", "wecom"), ("address", &format!("{base}/x")), ("rules", "digest")]).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);

    // The bureau sets up 南郑区's DingTalk robot with a signing secret, and 城固县's.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let bad_secret = bureau.post_form("/notifications/settings", "/notifications/channels", &[("owner", "unit"), ("unit_id", &nanzheng.to_string()), ("kind", "dingtalk"), ("address", &format!("{base}/ding?access_token=tok-123456789")), ("secret", "abc"), ("rules", "next_step_due"), ("enabled", "1")]).await;
    assert!(bad_secret.text().await.unwrap().contains("钉钉加签密钥应以 SEC 开头"));
    for (unit, path) in [(nanzheng, "ding"), (chenggu, "ding-chenggu")] {
        let r = bureau.post_form("/notifications/settings", "/notifications/channels", &[("owner", "unit"), ("unit_id", &unit.to_string()), ("kind", "dingtalk"), ("name", "招商群"), ("address", &format!("{base}/{path}?access_token=tok-123456789")), ("secret", secret), ("rules", "next_step_due"), ("enabled", "1")]).await;
        assert_eq!(location(&r), "/notifications/settings?done=created");
    }
    let settings = bureau.get_html("/notifications/settings").await;
    assert!(settings.contains("加签 SEC…0246") && !settings.contains(secret), "the secret is never shown back in full");
    assert!(settings.contains("access_token=tok…6789") && !settings.contains("tok-123456789"), "nor the robot's token");
    let mine = app.get_html("/notifications/settings").await;
    assert!(mine.contains("key=693…5aaa") && !mine.contains(key));
    assert!(!mine.contains("单位通知渠道"), "an officer sees only their own channels");

    // A reminder for the officer about 南郑区.
    let now = Utc::now();
    let reminder = Reminder { rule: Rule::NextStepDue, key: "next_step_due:follow_up:7:2026-11-27".into(), title: "下一步今天到期：秦岭航空零部件".into(), body: "下一步：送地价表\n期限：2026-11-27".into(), link: "/targets/7".into(), recipients: vec![officer], units: vec![nanzheng] };
    app.store.enqueue(&[reminder.clone()], now).await.unwrap();
    let sender = Sender::new(app.store.clone(), &sender_config());
    let pass = sender.deliver_due(now).await.unwrap();
    assert_eq!((pass.sent, pass.failed), (2, 0), "{pass:?}");

    let calls = receiver.calls();
    assert_eq!(calls.len(), 2, "{calls:#?}");
    let (wecom_path, wecom) = calls.iter().find(|(p, _)| p.starts_with("/wecom")).unwrap();
    assert_eq!(wecom_path, &format!("/wecom?key={key}"));
    assert_eq!(
        wecom,
        &serde_json::json!({"msgtype": "markdown", "markdown": {"content": "**下一步今天到期：秦岭航空零部件**\n> 下一步：送地价表\n> 期限：2026-11-27\n[在系统中查看](https://zs.example.gov.cn/targets/7)"}})
    );
    let (ding_path, ding) = calls.iter().find(|(p, _)| p.starts_with("/ding")).unwrap();
    assert!(ding_path.starts_with("/ding?access_token=tok-123456789&timestamp="), "{ding_path}");
    let timestamp = query_param(ding_path, "timestamp").unwrap();
    assert_eq!(timestamp, now.timestamp_millis().to_string(), "milliseconds, from the sender's clock");
    let sign = query_param(ding_path, "sign").unwrap();
    assert_eq!(sign, domain::notify::dingtalk_sign(secret, now.timestamp_millis()));
    // The signature checked the way DingTalk does: URL-decode, then compare with Base64 of
    // HMAC-SHA256(secret, timestamp + "\n" + secret).
    let decoded = sign.replace("%2B", "+").replace("%2F", "/").replace("%3D", "=");
    assert_eq!(decoded, domain::notify::base64(&domain::notify::hmac_sha256(secret.as_bytes(), format!("{timestamp}\n{secret}").as_bytes())));
    assert_eq!(
        ding,
        &serde_json::json!({"msgtype": "markdown", "markdown": {"title": "下一步今天到期：秦岭航空零部件", "text": "#### 下一步今天到期：秦岭航空零部件\n\n> 下一步：送地价表\n\n> 期限：2026-11-27\n\n[在系统中查看](https://zs.example.gov.cn/targets/7)"}})
    );
    assert!(calls.iter().all(|(p, _)| !p.starts_with("/ding-chenggu")), "城固县's robot gets nothing of 南郑区");

    // Once: the same reminder again, and another pass, send nothing more.
    app.store.enqueue(&[reminder], now).await.unwrap();
    let pass = sender.deliver_due(now + Duration::minutes(5)).await.unwrap();
    assert_eq!(pass, Default::default());
    assert_eq!(receiver.calls().len(), 2);
    assert!(app.get_html("/notifications/settings").await.contains("最近送达"));
}

#[tokio::test]
async fn sending_never_holds_up_a_request_and_the_worker_delivers_in_the_background() {
    let app = spawn_with(|c| {
        c.notifications.tick_seconds = 1;
        c.notifications.timeout_seconds = 2;
    })
    .await;
    let (base, receiver) = spawn_receiver(0).await;
    let officer = app.user_id("officer-610703").await;
    let nz = who(officer, "officer-610703", unit_id(&app.store, "610703").await);
    let slow = app.store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Wecom, "慢", &format!("{base}/slow?key=1"), ""), Utc::now()).await.unwrap();
    let fast = app.store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Wecom, "快", &format!("{base}/fast?key=1"), ""), Utc::now()).await.unwrap();
    app.sign_in("officer-610703").await;
    let started = std::time::Instant::now();
    for c in [&slow, &fast] {
        let r = app.post_form("/notifications/settings", &format!("/notifications/channels/{}/test", c.id), &[]).await;
        assert_eq!(location(&r), "/notifications/settings?done=test_queued");
    }
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "the page does not wait for a robot that hangs");
    // The worker sends the test message within a few ticks.
    let mut got = false;
    for _ in 0..100 {
        if receiver.calls().iter().any(|(p, body)| p.starts_with("/fast") && body["markdown"]["content"].as_str().unwrap_or_default().contains("招商系统测试消息")) {
            got = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(got, "{:#?}", receiver.calls());
}

#[tokio::test]
async fn a_failing_robot_is_retried_with_back_off_and_admins_see_the_failures() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(2).await;
    let officer = app.user_id("officer-610703").await;
    let nz = who(officer, "officer-610703", unit_id(&app.store, "610703").await);
    app.store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Wecom, "时好时坏", &format!("{base}/flaky?key=1"), ""), Utc::now()).await.unwrap();
    // Whole microseconds, as both databases keep them.
    let t0 = domain::audit::truncate_to_micros(Utc::now());
    let reminder = Reminder { rule: Rule::Digest, key: "digest:user:1:2026-11-27".into(), title: "今日待办（2026年11月27日）".into(), body: "下一步：今天到期 2 条，已逾期 1 条".into(), link: "/".into(), recipients: vec![officer], units: vec![] };
    app.store.enqueue(&[reminder], t0).await.unwrap();
    let sender = Sender::new(app.store.clone(), &sender_config());
    let delivery = || async { app.store.deliveries(&DeliveryFilter { limit: 10, ..Default::default() }).await.unwrap().0.remove(0).delivery };

    assert_eq!(sender.deliver_due(t0).await.unwrap().failed, 1);
    let d = delivery().await;
    assert_eq!((d.status.as_str(), d.attempts, d.next_attempt_at), ("pending", 1, t0 + Duration::minutes(1)));
    assert!(d.last_error.contains("45009"), "a platform error with HTTP 200 is a failure too: {}", d.last_error);
    // Not before its time.
    assert_eq!(sender.deliver_due(t0 + Duration::seconds(59)).await.unwrap(), Default::default());

    // Admins see it waiting for a retry, with the platform's answer.
    let admin = spawn_client(&app);
    admin.sign_in("admin").await;
    let page = admin.get_html("/notifications/deliveries?status=retrying").await;
    assert!(page.contains("重试中") && page.contains("45009") && page.contains("今日待办（2026年11月27日）") && page.contains("时好时坏"), "{page}");

    let t1 = t0 + Duration::minutes(1);
    assert_eq!(sender.deliver_due(t1).await.unwrap().failed, 1);
    let d = delivery().await;
    assert_eq!((d.attempts, d.next_attempt_at), (2, t1 + Duration::minutes(5)));
    assert!(d.last_error.contains("HTTP 502"), "{}", d.last_error);
    let t2 = t1 + Duration::minutes(5);
    assert_eq!(sender.deliver_due(t2).await.unwrap().sent, 1);
    let d = delivery().await;
    assert_eq!((d.status.as_str(), d.attempts, d.sent_at, d.last_error.as_str()), ("sent", 3, Some(t2), ""));
    assert_eq!(receiver.calls().len(), 3);

    // A robot that always fails is given up after the schedule, shown as failed, and can be retried.
    app.store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Dingtalk, "坏的", &format!("{base}/fail?access_token=x"), ""), t2).await.unwrap();
    let reminder = Reminder { rule: Rule::Digest, key: "digest:user:1:2026-11-28".into(), title: "今日待办（2026年11月28日）".into(), body: "实地核查：1 项待核查".into(), link: "/".into(), recipients: vec![officer], units: vec![] };
    app.store.enqueue(&[reminder], t2).await.unwrap();
    let mut at = t2;
    for wait in [0, 60, 300, 1800, 7200, 43200] {
        at += Duration::seconds(wait);
        let pass = sender.deliver_due(at).await.unwrap();
        assert_eq!(pass.failed, 1, "after {wait}s: {pass:?}");
    }
    let (failed, totals) = app.store.deliveries(&DeliveryFilter { status: "failed".into(), limit: 10 }).await.unwrap();
    assert_eq!(failed.len(), 1, "given up after six attempts");
    assert_eq!(failed[0].delivery.attempts, 6);
    assert!(totals.contains(&("failed".to_string(), 1)));
    assert_eq!(sender.deliver_due(at + Duration::days(2)).await.unwrap(), Default::default(), "given up: no more attempts");
    let page = admin.get_html("/notifications/deliveries?status=failed").await;
    assert!(page.contains("已放弃") && page.contains("upstream down") && page.contains("立即重试"), "{page}");
    let broken = failed.iter().find(|r| r.channel_name == "坏的").unwrap().delivery.id;
    let r = admin.post_form("/notifications/deliveries", &format!("/notifications/deliveries/{broken}/retry"), &[]).await;
    assert_eq!(location(&r), "/notifications/deliveries?done=retry_queued");
    let retried = app.store.deliveries(&DeliveryFilter { status: "pending".into(), limit: 10 }).await.unwrap().0;
    assert_eq!(retried.len(), 1);
    assert_eq!(app.audit("retry", "ok").await.len(), 1, "the retry is audited");

    // Only admins see the outbox.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    assert_eq!(bureau.get("/notifications/deliveries").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_robot_gets_no_more_than_its_per_minute_limit() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(0).await;
    let officer = app.user_id("officer-610703").await;
    let nz = who(officer, "officer-610703", unit_id(&app.store, "610703").await);
    app.store.add_channel(&nz, ChannelOwner::User(officer), &channel(ChannelKind::Wecom, "群", &format!("{base}/wecom?key=1"), ""), Utc::now()).await.unwrap();
    let now = Utc::now();
    let reminders: Vec<Reminder> = (0..20).map(|i| Reminder { rule: Rule::NextStepDue, key: format!("k:{i}"), title: format!("第 {i} 条"), body: String::new(), link: "/".into(), recipients: vec![officer], units: vec![] }).collect();
    app.store.enqueue(&reminders, now).await.unwrap();
    let sender = Sender::new(app.store.clone(), &sender_config());
    let pass = sender.deliver_due(now).await.unwrap();
    assert_eq!((pass.sent, pass.deferred), (15, 5), "{pass:?}");
    assert_eq!(sender.deliver_due(now + Duration::seconds(30)).await.unwrap().sent, 0, "still within the minute");
    assert_eq!(sender.deliver_due(now + Duration::seconds(61)).await.unwrap().sent, 5);
    assert_eq!(receiver.calls().len(), 20);
}

// -- A fake mail server ---------------------------------------------------------------------------

/// Speaks just enough SMTP for one client at a time and keeps each session's transcript.
async fn spawn_smtp() -> (u16, Arc<Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let sessions: Arc<Mutex<Vec<String>>> = Default::default();
    let kept = sessions.clone();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                let mut transcript = String::new();
                write.write_all(b"220 fake.example ESMTP\r\n").await.ok();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    transcript.push_str(&line);
                    transcript.push('\n');
                    if in_data {
                        if line == "." {
                            in_data = false;
                            write.write_all(b"250 2.0.0 queued\r\n").await.ok();
                        }
                        continue;
                    }
                    let command = line.to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                        b"250-fake.example\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if command.starts_with("QUIT") {
                        write.write_all(b"221 bye\r\n").await.ok();
                        break;
                    } else {
                        b"250 OK\r\n"
                    };
                    write.write_all(reply).await.ok();
                }
                kept.lock().unwrap().push(transcript);
            });
        }
    });
    (port, sessions)
}

fn decode_base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let digits: Vec<u8> = text.bytes().filter_map(value).collect();
    let mut out = Vec::new();
    for chunk in digits.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, d)| acc | (u32::from(*d) << (18 - 6 * i)));
        out.extend(n.to_be_bytes()[1..chunk.len()].iter());
    }
    out
}

#[tokio::test]
async fn e_mail_reaches_a_local_smtp_server() {
    let app = app().await;
    let (port, sessions) = spawn_smtp().await;
    let officer = app.user_id("officer-610703").await;
    app.sign_in("officer-610703").await;
    let bad = app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "me"), ("kind", "email"), ("address", "li.na"), ("rules", "digest"), ("enabled", "1")]).await;
    assert!(bad.text().await.unwrap().contains("邮箱地址「li.na」格式不正确"));
    let r = app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "me"), ("kind", "email"), ("name", "我的邮箱"), ("address", "li.na@nanzheng.gov.cn"), ("rules", "digest"), ("enabled", "1")]).await;
    assert_eq!(location(&r), "/notifications/settings?done=created");
    let now = Utc::now();
    let reminder = Reminder { rule: Rule::Digest, key: "digest:user:1:2026-11-27".into(), title: "今日待办（2026年11月27日）".into(), body: "下一步：今天到期 2 条，已逾期 1 条".into(), link: "/".into(), recipients: vec![officer], units: vec![] };
    // Not a digest: this channel does not take it.
    let other = Reminder { rule: Rule::TargetStale, key: "target_stale:user:1:2026-11-23".into(), title: "您负责的 5 家目标企业超过 30 天未联系".into(), ..reminder.clone() };
    app.store.enqueue(&[reminder, other], now).await.unwrap();

    // Without a mail server configured, e-mail fails at once, saying why.
    let unconfigured = Sender::new(app.store.clone(), &sender_config());
    let pass = unconfigured.deliver_due(now).await.unwrap();
    assert_eq!(pass.failed, 1);
    let (rows, _) = app.store.deliveries(&DeliveryFilter { limit: 10, ..Default::default() }).await.unwrap();
    assert_eq!(rows.len(), 1, "only the digest was queued for this channel");
    assert!(rows[0].delivery.last_error.contains("smtp.host") && rows[0].delivery.status == "failed");
    let admin = spawn_client(&app);
    admin.sign_in("admin").await;
    admin.post_form("/notifications/deliveries", &format!("/notifications/deliveries/{}/retry", rows[0].delivery.id), &[]).await;

    let mut config = sender_config();
    config.smtp.host = "127.0.0.1".into();
    config.smtp.port = port;
    config.smtp.starttls = false;
    config.smtp.from = "招商提醒 <zs@example.gov.cn>".into();
    let sender = Sender::new(app.store.clone(), &config);
    let pass = sender.deliver_due(Utc::now()).await.unwrap();
    assert_eq!((pass.sent, pass.failed), (1, 0), "{pass:?}");
    let transcript = sessions.lock().unwrap().join("\n---\n");
    assert!(transcript.contains("MAIL FROM:<zs@example.gov.cn>"), "{transcript}");
    assert!(transcript.contains("RCPT TO:<li.na@nanzheng.gov.cn>"), "{transcript}");
    assert!(transcript.contains("EHLO zs.example.gov.cn"), "greets with the public host name: {transcript}");
    // The body, base64 as lettre encodes Chinese text.
    let body_start = transcript.find("\n\n").map(|i| i + 2).expect("headers then body");
    let body: String = transcript[body_start..].lines().take_while(|l| *l != ".").collect();
    let text = String::from_utf8(decode_base64(&body)).unwrap_or_default();
    assert!(transcript.contains("Content-Transfer-Encoding: base64"), "{transcript}");
    assert!(text.contains("下一步：今天到期 2 条，已逾期 1 条") && text.contains("https://zs.example.gov.cn/"), "{text}");
}

#[tokio::test]
async fn two_senders_racing_over_one_outbox_send_each_message_once() {
    let app = app().await;
    let (base, receiver) = spawn_receiver(0).await;
    let nanzheng = unit_id(&app.store, "610703").await;
    let officer = app.user_id("officer-610703").await;
    let system = Who::system("test");
    let now = Utc::now();
    app.store.add_channel(&system, ChannelOwner::Unit(nanzheng), &channel(ChannelKind::Wecom, "企业微信群", &format!("{base}/wecom?key=1"), ""), now).await.unwrap();
    app.store.add_channel(&system, ChannelOwner::Unit(nanzheng), &channel(ChannelKind::Dingtalk, "钉钉群", &format!("{base}/ding?access_token=1"), "SECb1f5d0c3e7a9f2468ace13579bdf0246"), now).await.unwrap();
    app.store.add_channel(&system, ChannelOwner::User(officer), &channel(ChannelKind::Wecom, "个人群", &format!("{base}/mine?key=1"), ""), now).await.unwrap();
    let reminders: Vec<Reminder> = (0..30)
        .map(|i| Reminder { rule: Rule::NextStepDue, key: format!("next_step_due:follow_up:{i}:2026-11-27"), title: format!("提醒 {i}"), body: "下一步：回访".into(), link: "/".into(), recipients: vec![officer], units: vec![nanzheng] })
        .collect();
    let (notes, deliveries) = app.store.enqueue(&reminders, now).await.unwrap();
    assert_eq!((notes, deliveries), (30, 90));

    // Two instances: separate connection pools on the same database, separate senders.
    let mut config = sender_config();
    config.notifications.per_channel_per_minute = 1000;
    let other = Store::connect(&app.db.url, 4).await.unwrap();
    let a = Sender::new(app.store.clone(), &config).named("instance-a");
    let b = Sender::new(other, &config).named("instance-b");
    let (pa, pb) = tokio::join!(a.deliver_due(now), b.deliver_due(now));
    let (pa, pb) = (pa.unwrap(), pb.unwrap());
    assert_eq!(pa.sent + pb.sent, 90, "{pa:?} {pb:?}");

    let calls = receiver.calls();
    assert_eq!(calls.len(), 90, "each message reached its robot once");
    let mut seen: Vec<(String, String)> = calls
        .iter()
        .map(|(path, body)| {
            let text = body["markdown"]["content"].as_str().or(body["markdown"]["title"].as_str()).unwrap_or_default().to_string();
            (path.split('?').next().unwrap_or_default().to_string(), text.lines().next().unwrap_or_default().trim_matches('*').to_string())
        })
        .collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 90, "no message twice");
    let (rows, totals) = app.store.deliveries(&DeliveryFilter { limit: 500, ..Default::default() }).await.unwrap();
    assert!(rows.iter().all(|r| r.delivery.status == "sent" && r.delivery.attempts == 1 && r.delivery.claimed_by.is_none()));
    assert!(totals.contains(&("sent".to_string(), 90)));
    // Another round by both finds nothing to send.
    let (pa, pb) = tokio::join!(a.deliver_due(now + Duration::minutes(1)), b.deliver_due(now + Duration::minutes(1)));
    assert_eq!(pa.unwrap().sent + pb.unwrap().sent, 0);
    assert_eq!(receiver.calls().len(), 90);
}

#[tokio::test]
async fn channels_and_rules_are_edited_on_the_settings_page() {
    let app = app().await;
    let officer = app.user_id("officer-610703").await;
    app.sign_in("officer-610703").await;
    let address = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa";
    app.post_form("/notifications/settings", "/notifications/channels", &[("owner", "me"), ("kind", "wecom"), ("name", "我的群"), ("address", address), ("rules", "next_step_due"), ("enabled", "1")]).await;
    let id = app.store.channels(Some(ChannelOwner::User(officer))).await.unwrap()[0].id;
    let none = app.post_form("/notifications/settings", &format!("/notifications/channels/{id}"), &[("kind", "wecom"), ("name", "我的群")]).await;
    assert!(none.text().await.unwrap().contains("请至少选择一种要接收的提醒"));
    // An empty address keeps the stored one (it is never shown back to be typed again).
    let r = app.post_form("/notifications/settings", &format!("/notifications/channels/{id}"), &[("kind", "wecom"), ("name", "改名了"), ("address", ""), ("rules", "digest"), ("rules", "target_stale")]).await;
    assert_eq!(location(&r), "/notifications/settings?done=saved");
    let stored = app.store.channel(id).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.address.as_str(), stored.rules.as_str(), stored.enabled), ("改名了", address, "digest,target_stale", false));
    let page = app.get_html("/notifications/settings").await;
    assert!(page.contains("每日待办摘要、目标企业久未联系") && page.contains("已停用"));
    // A secret only for DingTalk.
    let r = app.post_form("/notifications/settings", &format!("/notifications/channels/{id}"), &[("kind", "wecom"), ("secret", "SEC0123456789abcdef"), ("rules", "digest")]).await;
    assert!(r.text().await.unwrap().contains("不需要加签密钥"));
    // The audit log has the change, without the robot's key.
    let audit = app.audit("update", "ok").await;
    let entry = audit.iter().find(|e| e.entity == "notify_channel").expect("audited");
    assert!(entry.detail.contains("key=693…5aaa") && !entry.detail.contains("0ec2sifa5aaa"), "{}", entry.detail);

    // Another person cannot change or delete it.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    for path in [format!("/notifications/channels/{id}"), format!("/notifications/channels/{id}/delete"), format!("/notifications/channels/{id}/test")] {
        let r = other.post_form("/notifications/settings", &path, &[("kind", "wecom"), ("rules", "digest")]).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let r = app.post_form("/notifications/settings", &format!("/notifications/channels/{id}/delete"), &[]).await;
    assert_eq!(location(&r), "/notifications/settings?done=channel_deleted");
    assert!(app.store.channels(Some(ChannelOwner::User(officer))).await.unwrap().is_empty());

    // Rules: the bureau's, checked; an officer's attempt is refused.
    assert_eq!(other.post_form("/notifications/settings", "/notifications/rules", &[("from_hour", "8"), ("until_hour", "22")]).await.status(), StatusCode::FORBIDDEN);
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let page = bureau.get_html("/notifications/settings").await;
    assert!(page.contains("提醒规则") && page.contains("单位通知渠道"));
    let mut fields: Vec<(String, String)> = vec![("from_hour".into(), "9".into()), ("until_hour".into(), "21".into())];
    for rule in domain::notify::Rule::subscribable() {
        let code = rule.code();
        fields.push((format!("{code}_enabled"), "1".into()));
        fields.push((format!("{code}_days"), if code == "target_stale" { "45".into() } else { "1".into() }));
        fields.push((format!("{code}_owner"), "1".into()));
    }
    fields.push(("next_step_overdue_heads".into(), "1".into()));
    let body: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = bureau.post_form("/notifications/settings", "/notifications/rules", &body).await;
    assert_eq!(location(&r), "/notifications/settings?done=saved");
    let rules = app.store.reminder_rules().await.unwrap();
    assert_eq!((rules.from_hour, rules.until_hour, rules.target_stale.days), (9, 21, 45));
    assert!(rules.next_step_overdue.heads && !rules.request_overdue.heads && rules.dispatch_note_due.owner);
    assert!(!rules.verification_waiting.owner, "a rule without an owner keeps none");
    let mut bad = body.clone();
    bad.retain(|(k, _)| *k != "target_stale_days");
    bad.push(("target_stale_days", "0"));
    let r = bureau.post_form("/notifications/settings", "/notifications/rules", &bad).await;
    assert!(r.text().await.unwrap().contains("「目标企业久未联系」的天数应为 1–3650 的整数"));
    assert_eq!(app.store.reminder_rules().await.unwrap().target_stale.days, 45, "a refused form changes nothing");
}
