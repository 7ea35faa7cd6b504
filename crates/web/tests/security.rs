//! Security through the real server, on SQLite and PostgreSQL: stored and reflected script in every
//! free-text field comes back escaped, a session cannot be fixed or outlive its sign-out, forged
//! requests are refused, every answer carries the security headers, and an officer cannot point a
//! record of their own at another unit's records through any foreign key.

mod helpers;

use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use domain::Role;
use domain::event::{EventKind, EventStatus, Relation};
use domain::project::{Advance, ContractKind, ProjectKind, RequestCategory, SourceChannel, Stage, TeamRole};
use domain::target::{FollowUpKind, Priority};
use helpers::*;
use reqwest::{Method, StatusCode};
use reqwest::multipart::Form;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use store::follow_ups::{NewAttachment, NewFollowUp};
use store::projects::ProjectInput;
use store::{Store, Who};

// ---------------------------------------------------------------------------------------------
// Helpers.

/// What an attacker types: a script, an attribute break-out and an event handler.
const SCRIPT: &str = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>";

/// The payload for one field, tagged so that a page shows which field it came from.
fn payload(field: &str) -> String {
    format!("〔{field}〕{SCRIPT}")
}

/// The payload for a field limited to 50 characters: the script and the attribute break-out.
fn short_payload(field: &str) -> String {
    format!("〔{field}〕<script>alert(1)</script>\"'>")
}

/// Whether the field's payload is on the page escaped: as askama writes it (numeric references)
/// or as `views::escape` does (named ones).
fn shown_escaped(html: &str, field: &str) -> bool {
    html.contains(&format!("〔{field}〕&#60;script&#62;alert(1)&#60;/script&#62;")) || html.contains(&format!("〔{field}〕&lt;script&gt;alert(1)&lt;/script&gt;"))
}

/// A page in which no payload is live markup.
fn assert_inert(what: &str, html: &str) {
    for live in ["<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>"] {
        if let Some(at) = html.find(live) {
            let from = html.floor_char_boundary(at.saturating_sub(200));
            panic!("{what}: the payload is live markup ({live}): …{}…", &html[from..html.len().min(at + 80)]);
        }
    }
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

async fn unit_id(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().unwrap().id
}

async fn token(app: &TestApp, username: &str) -> String {
    let id = app.user_id(username).await;
    app.store.create_token(&Who::system("test"), id, "安全测试", 30).await.unwrap().secret
}

/// A call to the API with a bearer token: the status and the JSON answer.
async fn api(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// The same, expecting success.
async fn api_ok(app: &TestApp, token: &str, method: Method, path: &str, body: Value) -> Value {
    let (status, value) = api(app, token, method.clone(), path, Some(body)).await;
    assert!(status.is_success(), "{method} {path}: {status} {value}");
    value
}

/// A browser whose cookies the test sets by hand, following no redirects.
fn plain_client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// Signs in with hand-kept cookies: the session cookie and the session's CSRF token.
async fn sign_in_plain(app: &TestApp, plain: &reqwest::Client, username: &str) -> (String, String) {
    let login = plain.get(app.url("/login")).send().await.unwrap();
    let pre = cookie_value(&login, web::auth::PRE_SESSION_COOKIE).unwrap();
    let token = csrf_in(&login.text().await.unwrap());
    let response = plain.post(app.url("/login")).header("cookie", format!("zs_csrf={pre}")).form(&[("username", username), ("password", PASSWORD), ("csrf_token", &token), ("next", "/")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "sign-in of {username}");
    let session = session_cookie(&response).unwrap();
    let home = plain.get(app.url("/")).header("cookie", format!("zs_session={session}")).send().await.unwrap().text().await.unwrap();
    (session, csrf_in(&home))
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{}=", web::auth::SESSION_COOKIE)).map(|rest| rest.split(';').next().unwrap_or_default().to_string()))
}

fn cookie_value(response: &reqwest::Response, name: &str) -> Option<String> {
    response.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| v.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap_or_default().to_string()))
}

/// A company in the shared library.
async fn company(store: &Store, name: &str) -> i64 {
    let input = store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

/// A project of `unit_code` on `enterprise_id`, moved on to `to` with a contract and a site photo.
async fn project(store: &Store, name: &str, enterprise_id: i64, unit_code: &str, to: Stage) -> store::entities::project::Model {
    let who = Who::system("test");
    let unit = unit_id(store, unit_code).await;
    let today = Utc::now().date_naive();
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 500_000,
        fixed_wan: 400_000,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        contract_kind: Some(ContractKind::Contract),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, today - Duration::days(100), None).await.unwrap();
    if to == Stage::Lead {
        return p;
    }
    let stages: Vec<(Stage, i64)> = [(Stage::Negotiating, 90), (Stage::Signed, 60), (Stage::Started, 30)].into_iter().filter(|(s, _)| *s <= to).collect();
    let advance = Advance {
        dates: stages.iter().map(|(s, ago)| (*s, today - Duration::days(*ago))).collect(),
        files: stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, 1)).collect(),
        reference: String::new(),
    };
    let files = stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, NewAttachment { file_name: format!("{}.pdf", s.label()), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() })).collect();
    store.advance_project(&who, p.id, p.version, to, &advance, "推进", files).await.unwrap()
}

async fn follow_up(app: &TestApp, username: &str, unit_code: &str, enterprise_id: i64, files: Vec<NewAttachment>) -> i64 {
    let user = app.user_id(username).await;
    let unit = unit_id(&app.store, unit_code).await;
    let new = NewFollowUp {
        enterprise_id,
        target_id: None,
        project_id: None,
        happened_on: Utc::now().date_naive(),
        kind: FollowUpKind::Visit,
        place: String::new(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: format!("{unit_code} 的走访"),
        next_step: String::new(),
        next_due: None,
        client_key: format!("key-{unit_code}-{enterprise_id}-{}", files.len()),
    };
    app.store.create_follow_up(&Who::system("test"), user, unit, &new, files).await.unwrap().0.id
}

// ---------------------------------------------------------------------------------------------
// Stored and reflected XSS.

#[tokio::test]
async fn script_typed_into_any_free_text_field_is_shown_as_text_everywhere() {
    let app = spawn_app().await;
    add_user(&app.store, "leader", "610700", vec![Role::Leader]).await;
    let nanzheng = unit_id(&app.store, "610703").await;
    let officer = token(&app, "officer-610703").await;
    let today = Utc::now().date_naive();
    let mut fields: Vec<&str> = Vec::new();
    let mut field = |name: &'static str| {
        fields.push(name);
        // A name ending in * is a field of at most 50 or 60 characters: the short payload.
        if name.ends_with('*') { short_payload(name) } else { payload(name) }
    };

    // Everything an officer writes, through the API (the same parsers as the pages).
    let e = api_ok(&app, &officer, Method::POST, "/api/v1/enterprises", json!({
        "name": field("企业名称"), "former_names": field("曾用名"), "legal_rep": field("法定代表人"), "address": field("注册地址"),
        "business_scope": field("经营范围"), "company_type": field("企业类型"), "status": field("登记状态"), "industry_code": "3841", "region_code": "440305",
    })).await;
    let e = e["id"].as_i64().unwrap();
    api_ok(&app, &officer, Method::POST, &format!("/api/v1/enterprises/{e}/contacts"), json!({
        "name": field("联系人姓名"), "title": field("联系人职务"), "note": field("联系人备注"), "phone": "13800000000", "is_native": true,
    })).await;
    let t = api_ok(&app, &officer, Method::POST, "/api/v1/targets", json!({ "enterprise_id": e, "priority": "A", "source": field("线索来源"), "note": field("目标备注") })).await;
    let t = t["id"].as_i64().unwrap();
    let project_body = |name: String, extra: Value| {
        let mut body = json!({ "name": name, "enterprise_id": e, "landing_unit_id": nanzheng, "source_unit_id": nanzheng, "total_wan": "5000", "kind": "new", "source_channel": "native", "industry_code": "3841", "confirm_duplicate": true });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let p = api_ok(&app, &officer, Method::POST, "/api/v1/projects", project_body(field("项目名称"), json!({ "note": field("项目备注"), "target_id": t }))).await;
    let p = p["id"].as_i64().unwrap();
    let secret = api_ok(&app, &officer, Method::POST, "/api/v1/projects", project_body(field("保密项目名称"), json!({ "confidential": true, "codename": field("项目代号") }))).await;
    let secret = secret["id"].as_i64().unwrap();
    api_ok(&app, &officer, Method::POST, "/api/v1/followups", json!({
        "enterprise_id": e, "project_id": p, "kind": "visit", "summary": field("对接情况"), "place": field("对接地点"),
        "participants": payload("参加人员"), "next_step": field("下一步"), "next_due": (today + Duration::days(1)).to_string(),
    })).await;
    api_ok(&app, &officer, Method::POST, "/api/v1/followups", json!({ "enterprise_id": e, "target_id": t, "kind": "call", "summary": field("目标对接情况") })).await;
    let ev = api_ok(&app, &officer, Method::POST, "/api/v1/events", json!({
        "kind": "promotion", "name": field("活动名称"), "city": field("活动城市*"), "venue": field("活动场馆*"), "summary": field("活动总结"),
        "start_on": today.to_string(), "organizer_unit_id": nanzheng, "status": "planned",
    })).await;
    let ev = ev["id"].as_i64().unwrap();
    let category = RequestCategory::ALL[0].code();
    let deadline = (today + Duration::days(10)).to_string();
    api_ok(&app, &officer, Method::POST, "/api/v1/requests", json!({ "project_id": p, "category": category, "text": field("诉求内容"), "owner_unit_id": nanzheng, "deadline": deadline })).await;
    let r = api_ok(&app, &officer, Method::POST, "/api/v1/requests", json!({ "project_id": p, "category": category, "text": field("已办诉求"), "owner_unit_id": nanzheng, "deadline": deadline })).await;
    api_ok(&app, &officer, Method::PATCH, &format!("/api/v1/requests/{}", r["id"]), json!({ "status": "in_progress", "resolution": field("办理结果"), "version": r["version"] })).await;

    // And on pages: an event's guest list, a token's purpose, a chain link's name.
    app.sign_in("officer-610703").await;
    let page = format!("/events/{ev}");
    let response = app.post_form(&page, &format!("/events/{ev}/participants"), &[("enterprise_id", &e.to_string()), ("note", &field("参会备注"))]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app.post_form("/account/tokens", "/account/tokens", &[("name", &field("令牌用途*")), ("days", "7")]).await;
    assert_eq!(response.status(), StatusCode::OK);
    // 参加人员 is shown on no page but the form it was typed into: the form comes back with it
    // when something else is missing.
    let quick = csrf_in(&app.get_html(&format!("/followups/new?enterprise_id={e}")).await);
    let upload = Form::new().text("enterprise_id", e.to_string()).text("kind", "visit").text("summary", "").text("participants", field("参加人员（回填）")).text("client_key", "xss-test-0001");
    let response = app.client.post(app.url(&format!("/followups/new?csrf_token={quick}"))).multipart(upload).send().await.unwrap();
    let refilled = response.text().await.unwrap();
    assert!(refilled.contains("请写下这次对接的情况"), "the quick-entry form came back");
    assert_inert("the quick-entry form shown again", &refilled);
    let department = spawn_client(&app);
    department.sign_in("head-gxj").await;
    let gxj = unit_id(&app.store, "gxj").await;
    let tree = app.store.profile_tree().await.unwrap();
    let chain = tree.iter().flat_map(|c| &c.chains).find(|h| h.chain.lead_unit_id == gxj).expect("gxj leads a chain");
    let link = &chain.links[0].link;
    let edit = format!("/profile/links/{}/edit", link.id);
    let response = department.post_form(&edit, &edit, &[("name", &field("环节名称")), ("position", &link.position), ("strength", "weak"), ("industry_codes", &link.industry_codes), ("keywords", &field("环节关键词"))]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let chain_id = chain.chain.id;

    // Every page that shows them, as the officer, a city leader (who sees code names) and the bureau.
    let search = web::forms::url_encode("企业名称");
    let pages: Vec<String> = vec![
        "/".into(),
        "/enterprises".into(),
        format!("/enterprises?q={search}"),
        format!("/enterprises/{e}"),
        format!("/enterprises/{e}/edit"),
        format!("/search?q={search}"),
        format!("/followups/new?enterprise_id={e}"),
        "/targets".into(),
        "/targets/board".into(),
        format!("/targets/{t}"),
        "/projects".into(),
        "/projects/board".into(),
        format!("/projects/{p}"),
        format!("/projects/{p}/edit"),
        format!("/projects/{secret}"),
        format!("/projects/{secret}/edit"),
        "/events".into(),
        format!("/events/{ev}"),
        format!("/events/{ev}/edit"),
        "/requests".into(),
        "/account/tokens".into(),
        "/profile".into(),
        format!("/chains/{chain_id}"),
        format!("/dispatch/units/{nanzheng}"),
        "/notifications".into(),
    ];
    // The stored payloads reach the search index as the feed would bring them.
    app.index_caught_up().await;
    let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let leader = spawn_client(&app);
    leader.sign_in("leader").await;
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let viewers: [(&str, &Browser, Vec<String>); 3] = [
        ("officer-610703", &app.browser, pages.clone()),
        ("leader", &leader, vec!["/".into(), "/projects".into(), format!("/projects/{secret}"), format!("/projects/{p}"), format!("/search?q={search}"), "/events".into(), "/requests".into()]),
        ("bureau", &bureau, vec!["/".into(), "/projects".into(), "/requests".into(), "/audit".into(), "/cockpit".into(), format!("/enterprises/{e}"), format!("/projects/{secret}")]),
    ];
    for (who, browser, paths) in &viewers {
        for path in paths {
            let response = browser.get(path).await;
            assert_eq!(response.status(), StatusCode::OK, "{who} GET {path}");
            let html = response.text().await.unwrap();
            assert_inert(&format!("{who} GET {path}"), &html);
            for f in &fields {
                if shown_escaped(&html, f) {
                    seen.entry(f).or_default().push(format!("{who} {path}"));
                }
            }
        }
    }
    if shown_escaped(&refilled, "参加人员（回填）") {
        seen.entry("参加人员（回填）").or_default().push("POST /followups/new".into());
    }
    let unseen: Vec<&&str> = fields.iter().filter(|f| !seen.contains_key(**f)).collect();
    assert!(unseen.is_empty(), "fields stored but shown escaped on none of the pages: {unseen:?}");

    // The API gives the text back as it was typed, as JSON a browser will not render.
    let response = reqwest::Client::new().get(app.url(&format!("/api/v1/enterprises/{e}"))).bearer_auth(&officer).send().await.unwrap();
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["name"], payload("企业名称"));
}

#[tokio::test]
async fn script_in_a_query_string_or_path_is_never_echoed_as_markup() {
    let app = spawn_app().await;
    let p = web::forms::url_encode(&payload("查询"));
    let anonymous = helpers::client();
    for path in [format!("/login?next=/{p}"), format!("/login?next={p}&expired=1")] {
        let html = anonymous.get(app.url(&path)).send().await.unwrap().text().await.unwrap();
        assert_inert(&format!("anonymous GET {path}"), &html);
    }
    app.sign_in("officer-610703").await;
    let project = project(&app.store, "南郑区项目", company(&app.store, "汉中查询测试有限公司").await, "610703", Stage::Lead).await;
    let paths = [
        format!("/search?q={p}"),
        format!("/search?q={p}&tab={p}&region={p}&industry={p}"),
        format!("/enterprises?q={p}"),
        format!("/enterprises/suggest?q={p}"),
        format!("/projects?q={p}&stage={p}&sort={p}"),
        format!("/projects/{}?done={p}", project.id),
        format!("/targets?q={p}&status={p}&priority={p}"),
        format!("/targets/board?link_id={p}"),
        format!("/events?year={p}&kind={p}"),
        format!("/requests?status={p}&level={p}"),
        format!("/followups/new?q={p}"),
        format!("/dispatch?week={p}"),
        format!("/assessment?year={p}"),
        format!("/industries?q={p}"),
        format!("/no/such/page/{p}"),
        format!("/projects/{p}"),
        format!("/?done={p}"),
    ];
    for path in paths {
        let response = app.get(&path).await;
        let status = response.status();
        assert!(status.as_u16() < 500, "GET {path}: {status}");
        let html = response.text().await.unwrap();
        assert_inert(&format!("GET {path} ({status})"), &html);
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions.

#[tokio::test]
async fn a_planted_session_cookie_is_replaced_at_sign_in_and_a_signed_out_one_is_dead() {
    let app = spawn_app().await;
    let plain = plain_client();

    // A value an attacker set in the victim's browser before the victim signs in.
    let planted = "f".repeat(64);
    let login = plain.get(app.url("/login")).header("cookie", format!("zs_session={planted}")).send().await.unwrap();
    assert_eq!(login.status(), StatusCode::OK, "an unknown session cookie gets the sign-in page");
    let pre = cookie_value(&login, web::auth::PRE_SESSION_COOKIE).expect("a pre-session cookie for the sign-in form");
    let form_token = csrf_in(&login.text().await.unwrap());
    let signed_in = plain
        .post(app.url("/login"))
        .header("cookie", format!("zs_session={planted}; zs_csrf={pre}"))
        .form(&[("username", "officer-610703"), ("password", PASSWORD), ("csrf_token", &form_token), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    let session = session_cookie(&signed_in).expect("sign-in sets a session cookie");
    assert_ne!(session, planted, "the session is the server's, not the one planted");
    assert!(session.len() >= 32 && session.bytes().all(|b| b.is_ascii_alphanumeric()), "{session}");
    let with = |cookie: &str| plain.get(app.url("/")).header("cookie", format!("zs_session={cookie}"));
    assert_eq!(with(&session).send().await.unwrap().status(), StatusCode::OK);
    let stale = with(&planted).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::SEE_OTHER);
    assert!(location(&stale).starts_with("/login"));
    // The form token of the signed-in session is not the one the sign-in form carried.
    let home = with(&session).send().await.unwrap().text().await.unwrap();
    let session_token = csrf_in(&home);
    assert_ne!(session_token, form_token, "the CSRF token changes at sign-in");

    // An attacker's own live session planted in the victim's browser: signing in ends it and
    // starts a new one that belongs to the victim alone.
    let (attacker_session, attacker_token) = sign_in_plain(&app, &plain, "officer-610722").await;
    let victim = plain
        .post(app.url("/login"))
        .header("cookie", format!("zs_session={attacker_session}"))
        .form(&[("username", "officer-610703"), ("password", PASSWORD), ("csrf_token", &attacker_token), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(victim.status(), StatusCode::SEE_OTHER);
    let victim_session = session_cookie(&victim).unwrap();
    assert_ne!(victim_session, attacker_session);
    assert_eq!(with(&attacker_session).send().await.unwrap().status(), StatusCode::SEE_OTHER, "the planted session ended at sign-in");
    let me: Value = plain.get(app.url("/api/v1/me")).header("cookie", format!("zs_session={victim_session}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "officer-610703");

    // Signing out ends the session on the server: the old cookie, replayed, gets the sign-in page,
    // a 401 from the API, and its CSRF token no longer works.
    let victim_token = csrf_in(&with(&victim_session).send().await.unwrap().text().await.unwrap());
    let out = plain.post(app.url("/logout")).header("cookie", format!("zs_session={victim_session}")).form(&[("csrf_token", &victim_token)]).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::SEE_OTHER);
    assert_eq!(session_cookie(&out).as_deref(), Some(""), "the browser is told to drop the cookie");
    let replayed = with(&victim_session).send().await.unwrap();
    assert_eq!(replayed.status(), StatusCode::SEE_OTHER);
    assert!(location(&replayed).starts_with("/login"), "{}", location(&replayed));
    let api = plain.get(app.url("/api/v1/me")).header("cookie", format!("zs_session={victim_session}")).send().await.unwrap();
    assert_eq!(api.status(), StatusCode::UNAUTHORIZED);
    let before = store::entities::enterprise::Entity::find().all(&app.store.db).await.unwrap().len();
    let forged = plain
        .post(app.url("/enterprises/new"))
        .header("cookie", format!("zs_session={victim_session}"))
        .form(&[("csrf_token", victim_token.as_str()), ("name", "登出后提交的企业")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(store::entities::enterprise::Entity::find().all(&app.store.db).await.unwrap().len(), before);
    let gone = app.store.session_by_token(&victim_session, Duration::hours(8), Duration::hours(24)).await.unwrap();
    assert!(gone.is_none(), "the session row is gone");
}

// ---------------------------------------------------------------------------------------------
// CSRF.

#[tokio::test]
async fn forged_posts_without_the_right_token_or_from_another_origin_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let e = company(&app.store, "汉中跨站测试有限公司").await;
    let nanzheng = unit_id(&app.store, "610703").await;
    let t = app.store.create_target(&Who::system("test"), &store::targets::NewTarget { enterprise_id: e, owner_unit_id: nanzheng, owner_user_id: None, priority: Priority::B, source: String::new(), note: String::new(), link_ids: vec![] }).await.unwrap();
    app.sign_in("officer-610703").await;
    let token = csrf_in(&app.get_html("/").await);
    let other = spawn_client(&app);
    other.sign_in("bureau").await;
    let others_token = csrf_in(&other.get_html("/").await);
    assert_ne!(token, others_token);

    let snapshot = || async {
        (
            store::entities::enterprise::Entity::find().all(&app.store.db).await.unwrap().len(),
            store::entities::follow_up::Entity::find().all(&app.store.db).await.unwrap().len(),
            app.store.target(t.id).await.unwrap(),
        )
    };
    let before = snapshot().await;
    let denied_before = app.audit("csrf", "denied").await.len();
    let create = [("name", "跨站伪造企业有限公司"), ("industry_code", "3841"), ("region_code", "610703")];
    let version = t.version.to_string();
    let edit = [("version", version.as_str()), ("priority", "C"), ("status", "dropped"), ("drop_reason", "跨站")];
    let forms: [(String, &[(&str, &str)]); 2] = [("/enterprises/new".into(), &create), (format!("/targets/{}/edit", t.id), &edit)];
    let origin = app.address.clone();
    let mut attempts = 0;
    for (path, fields) in &forms {
        // (what, token, Origin header)
        let cases: [(&str, Option<&str>, Option<&str>); 5] = [
            ("no token", None, None),
            ("a wrong token", Some(&"0".repeat(64)), None),
            ("another session's token", Some(&others_token), None),
            ("the right token from a foreign origin", Some(&token), Some("https://evil.example")),
            ("the right token from an opaque origin", Some(&token), Some("null")),
        ];
        for (what, csrf, from) in cases {
            let mut body: Vec<(&str, &str)> = fields.to_vec();
            if let Some(c) = csrf {
                body.push(("csrf_token", c));
            }
            let mut request = app.client.post(app.url(path)).form(&body);
            if let Some(o) = from {
                request = request.header("origin", o);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), StatusCode::FORBIDDEN, "POST {path} with {what}");
            assert!(response.text().await.unwrap().contains("页面已过期或来源不明"), "POST {path} with {what}: the reason in Chinese");
            attempts += 1;
        }
        // The token in a body the server does not read as a form does not count.
        let raw = fields.iter().map(|(k, v)| format!("{k}={}", web::forms::url_encode(v))).collect::<Vec<_>>().join("&") + &format!("&csrf_token={token}");
        let response = app.client.post(app.url(path)).header("content-type", "text/plain").body(raw).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "POST {path} as text/plain");
        attempts += 1;
    }
    // A file upload form (multipart) carries its token in the URL: without it, refused.
    let upload = Form::new().text("enterprise_id", e.to_string()).text("kind", "visit").text("summary", "跨站上传").text("client_key", "csrf-test-0001");
    let response = app.client.post(app.url("/followups/new")).multipart(upload).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "multipart without its token");
    let upload = Form::new().text("enterprise_id", e.to_string()).text("kind", "visit").text("summary", "跨站上传").text("client_key", "csrf-test-0002");
    let response = app.client.post(app.url(&format!("/followups/new?csrf_token={token}"))).header("origin", "https://evil.example").multipart(upload).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN, "multipart from a foreign origin");
    attempts += 2;

    // The API called with the session cookie (a page's script) needs the page's token in X-CSRF-Token.
    let body = json!({ "enterprise_id": e, "kind": "call", "summary": "跨站接口调用" });
    let patch = json!({ "priority": "C", "version": t.version });
    let api_cases: [(&str, Method, String, &Value, Option<&str>, Option<&str>); 5] = [
        ("no token", Method::POST, "/api/v1/followups".into(), &body, None, None),
        ("a wrong token", Method::POST, "/api/v1/followups".into(), &body, Some("0000"), None),
        ("another session's token", Method::POST, "/api/v1/followups".into(), &body, Some(&others_token), None),
        ("the right token from a foreign origin", Method::POST, "/api/v1/followups".into(), &body, Some(&token), Some("https://evil.example")),
        ("no token", Method::PATCH, format!("/api/v1/targets/{}", t.id), &patch, None, None),
    ];
    for (what, method, path, json_body, csrf, from) in api_cases {
        let mut request = app.client.request(method.clone(), app.url(&path)).json(json_body);
        if let Some(c) = csrf {
            request = request.header("x-csrf-token", c);
        }
        if let Some(o) = from {
            request = request.header("origin", o);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path} with {what}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        attempts += 1;
    }
    assert_eq!(snapshot().await, before, "nothing changed");
    assert_eq!(app.audit("csrf", "denied").await.len(), denied_before + attempts, "every refusal is audited");

    // The same requests with the right token from this origin go through: the refusals above
    // were for the token and the origin, not for the forms.
    let response = app.client.post(app.url("/enterprises/new")).header("origin", &origin).form(&[create.as_slice(), &[("csrf_token", token.as_str())]].concat()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = app.client.post(app.url("/api/v1/followups")).header("x-csrf-token", &token).header("origin", &origin).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

// ---------------------------------------------------------------------------------------------
// Headers.

/// What the middleware promises on every answer.
fn assert_security_headers(what: &str, response: &reqwest::Response, data: bool) {
    let h = response.headers();
    let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    let sandboxed = csp == "default-src 'none'; sandbox";
    if !sandboxed {
        for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'"] {
            assert!(csp.contains(directive), "{what}: CSP lacks {directive}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), "{what}: {csp}");
    }
    assert_eq!(h.get("x-content-type-options").map(|v| v.to_str().unwrap()), Some("nosniff"), "{what}");
    assert_eq!(h.get("x-frame-options").map(|v| v.to_str().unwrap()), Some("DENY"), "{what}");
    assert_eq!(h.get("referrer-policy").map(|v| v.to_str().unwrap()), Some("same-origin"), "{what}");
    assert_eq!(h.get("cross-origin-opener-policy").map(|v| v.to_str().unwrap()), Some("same-origin"), "{what}");
    assert!(h.contains_key("permissions-policy"), "{what}");
    if data {
        let cache = h.get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(cache.contains("no-store") || (sandboxed && cache.starts_with("private")), "{what}: Cache-Control {cache:?}");
    }
}

#[tokio::test]
async fn every_page_the_api_and_the_assets_carry_the_security_headers() {
    let app = spawn_app().await;
    // Records behind the ids the walk uses, and a stored file of each kind.
    let e = company(&app.store, "汉中响应头测试有限公司").await;
    let p = project(&app.store, "响应头测试项目", e, "610703", Stage::Signed).await;
    let f = follow_up(&app, "officer-610703", "610703", e, vec![NewAttachment { file_name: "现场.png".into(), content_type: "image/png".into(), data: b"\x89PNG\r\n\x1a\n".to_vec() }]).await;
    let attachment = app.store.follow_ups(Some(e), None, domain::access::Visibility::All, 10).await.unwrap().into_iter().find(|v| v.follow_up.id == f).unwrap().attachments[0].0;
    let file = store::entities::project_file::Entity::find().all(&app.store.db).await.unwrap().into_iter().find(|x| x.project_id == p.id).unwrap().id;

    // Signed out: the sign-in page, a redirect, probes, the API document, an asset, a 404.
    let anonymous = helpers::client();
    for path in ["/login", "/", "/healthz", "/api/openapi.json", "/api/docs", "/no/such/page"] {
        let response = anonymous.get(app.url(path)).send().await.unwrap();
        assert_security_headers(&format!("anonymous GET {path} ({})", response.status()), &response, path != "/api/openapi.json" && path != "/healthz");
    }
    for asset in ["/assets/app.css", "/assets/app.js"] {
        let response = anonymous.get(app.url(asset)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_security_headers(asset, &response, false);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with(if asset.ends_with("css") { "text/css" } else { "text/javascript" }));
    }

    // Signed in as the administrator: every GET route of the application, with real ids.
    app.sign_in("admin").await;
    let mut walked = 0;
    for (method, path) in web::routes::ROUTES {
        if *method != "GET" || path.starts_with("/assets/") {
            continue;
        }
        let concrete = path
            .replace("/attachments/{id}", &format!("/attachments/{attachment}"))
            .replace("/project-files/{id}", &format!("/project-files/{file}"))
            .replace("/enterprises/{id}", &format!("/enterprises/{e}"))
            .replace("/aftercare/{id}", &format!("/aftercare/{e}"))
            .replace("/projects/{id}", &format!("/projects/{}", p.id))
            .replace("{id}", "1")
            .replace("{key}", &format!("stage-{}", p.id))
            .replace("{kind}", "enterprises")
            .replace("{unit}", "1")
            .replace("{link_id}", "1");
        let response = app.get(&concrete).await;
        let status = response.status();
        assert!(status.as_u16() < 500, "GET {concrete}: {status}");
        // The API's document is public and the same for everyone: cacheable.
        assert_security_headers(&format!("GET {concrete} ({status})"), &response, *path != "/api/openapi.json");
        walked += 1;
    }
    assert!(walked > 80, "walked {walked} routes");
    // A stored file is served in a sandbox, never as a page of this site.
    for path in [format!("/attachments/{attachment}"), format!("/project-files/{file}")] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["content-security-policy"], "default-src 'none'; sandbox", "{path}");
        assert!(!response.headers()["cache-control"].to_str().unwrap().contains("public"), "{path}");
    }

    // The API: answers and refusals alike.
    let bearer = token(&app, "officer-610703").await;
    for path in ["/api/v1/me", "/api/v1/projects", &format!("/api/v1/projects/{}", p.id), "/api/v1/units/999999"] {
        let response = reqwest::Client::new().get(app.url(path)).bearer_auth(&bearer).send().await.unwrap();
        assert_security_headers(&format!("API GET {path} ({})", response.status()), &response, true);
    }
    let response = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth("zs_nonsense").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_security_headers("API with a bad token", &response, true);
    let response = reqwest::Client::new().post(app.url("/api/v1/followups")).bearer_auth(&bearer).header("content-type", "application/json").body("{").send().await.unwrap();
    assert_security_headers("API with a broken body", &response, true);

    // Behind HTTPS the browser is also told to come back only over HTTPS, and the cookie is Secure.
    let secure = spawn_with(|c| c.server.public_url = "https://zs.example.gov.cn".into()).await;
    let response = secure.get("/login").await;
    assert_eq!(response.headers()["strict-transport-security"], "max-age=31536000");
    assert!(response.headers()["set-cookie"].to_str().unwrap().contains("Secure"));
}

/// Paths the router does not normalise: `..` and encoded slashes never reach another route
/// past the public prefix of the assets.
#[tokio::test]
async fn dot_segments_after_a_public_prefix_reach_no_private_page() {
    use std::io::{Read, Write};
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_string();
    let paths = ["/assets/../users", "/assets/..%2Fusers", "/assets/%2e%2e/users", "/assets/app.css/../../audit", "/login/../users", "/healthz/../api/v1/me"];
    for path in paths {
        let address = address.clone();
        let raw = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(&address).unwrap();
            write!(stream, "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").unwrap();
            let mut out = String::new();
            stream.read_to_string(&mut out).unwrap();
            out
        })
        .await
        .unwrap();
        let status = raw.split_whitespace().nth(1).unwrap_or_default().to_string();
        assert!(["303", "400", "401", "404"].contains(&status.as_str()), "GET {path} answered {status}");
        assert!(!raw.contains("officer-610703") && !raw.contains("测试admin"), "GET {path} leaked a private page: {status}");
    }
}

// ---------------------------------------------------------------------------------------------
// Foreign keys (IDOR).

/// Rows as text, in an order that does not depend on the database's.
fn sorted<M: std::fmt::Debug>(models: Vec<M>) -> String {
    let mut rows: Vec<String> = models.iter().map(|m| format!("{m:?}")).collect();
    rows.sort();
    rows.join("\n")
}

/// Everything an attempt could change, to compare before and after.
async fn world(store: &Store) -> String {
    use store::entities::*;
    let db = &store.db;
    let mut all = Vec::new();
    all.push(sorted(project::Entity::find().all(db).await.unwrap()));
    all.push(sorted(target::Entity::find().all(db).await.unwrap()));
    all.push(sorted(target_link::Entity::find().all(db).await.unwrap()));
    all.push(sorted(follow_up::Entity::find().all(db).await.unwrap()));
    all.push(sorted(request::Entity::find().all(db).await.unwrap()));
    all.push(sorted(event::Entity::find().all(db).await.unwrap()));
    all.push(sorted(event_participant::Entity::find().all(db).await.unwrap()));
    all.push(sorted(event_project::Entity::find().all(db).await.unwrap()));
    all.push(sorted(service_member::Entity::find().all(db).await.unwrap()));
    all.push(sorted(visit_signal::Entity::find().all(db).await.unwrap()));
    all.push(sorted(dispatch_note::Entity::find().all(db).await.unwrap()));
    all.push(sorted(approval_item::Entity::find().all(db).await.unwrap()));
    all.push(sorted(contact::Entity::find().all(db).await.unwrap()));
    all.push(sorted(funds_report::Entity::find().all(db).await.unwrap()));
    all.join("\n")
}

/// One attempt: refused (403 with a new `denied` audit row, or 404/409/422, or the form shown
/// again with `message`), and nothing changed.
async fn assert_refused(app: &TestApp, what: &str, before: &str, response: reqwest::Response, denied_before: usize, message: Option<&str>) {
    let status = response.status();
    let body = response.text().await.unwrap();
    if std::env::var("ZS_DEBUG_REFUSALS").is_ok() {
        let text: String = body.split(['<', '>', '"']).filter(|p| has_cjk(p)).collect::<Vec<_>>().join("|").chars().take(160).collect();
        eprintln!("REFUSAL {status} {what}: {text}");
    }
    match status.as_u16() {
        403 => {
            let denied = app.audit("", "denied").await.len();
            assert_eq!(denied, denied_before + 1, "{what}: a 403 leaves one denied audit row");
            assert!(has_cjk(&body), "{what}: {body}");
        }
        404 | 409 | 422 => {
            assert!(has_cjk(&body), "{what}: {status} without a Chinese reason: {body}");
            if let Some(m) = message {
                assert!(body.contains(m), "{what}: {status} without「{m}」: {body}");
            }
        }
        200 => {
            let m = message.unwrap_or_else(|| panic!("{what}: answered 200"));
            assert!(body.contains(m), "{what}: the form came back without「{m}」");
        }
        _ => panic!("{what}: answered {status} (accepted?): {}", &body[..body.len().min(300)]),
    }
    assert_eq!(world(&app.store).await, before, "{what}: something changed");
}

/// Another county's records, and the attacker's own, for the foreign-key attempts.
struct Scene {
    nanzheng: i64,
    chenggu: i64,
    stranger: i64,
    investor: i64,
    fresh_company: i64,
    own_project: store::entities::project::Model,
    own_target: store::entities::target::Model,
    own_event: store::entities::event::Model,
    their_project: store::entities::project::Model,
    their_target: i64,
    their_event: i64,
    their_follow_up: i64,
    their_contact: i64,
    their_request: store::entities::request::Model,
    their_member: i64,
    their_participant: i64,
    their_link: i64,
    their_item: i64,
}

async fn scene(app: &TestApp) -> Scene {
    let store = &app.store;
    let who = Who::system("test");
    let nanzheng = unit_id(store, "610703").await;
    let chenggu = unit_id(store, "610722").await;
    let stranger = app.user_id("officer-610722").await;
    let investor = company(store, "汉中两地投资有限公司").await;
    let fresh_company = company(store, "汉中尚未对接企业有限公司").await;
    let own_project = project(store, "南郑区落地项目", investor, "610703", Stage::Started).await;
    let their_project = project(store, "城固县洽谈项目", investor, "610722", Stage::Lead).await;
    let target = |unit| store::targets::NewTarget { enterprise_id: investor, owner_unit_id: unit, owner_user_id: None, priority: Priority::A, source: String::new(), note: String::new(), link_ids: vec![] };
    let own_target = store.create_target(&who, &target(nanzheng)).await.unwrap();
    let their_target = store.create_target(&who, &target(chenggu)).await.unwrap().id;
    let today = Utc::now().date_naive();
    let event = |unit, name: &str| store::events::EventInput { kind: EventKind::Promotion, name: name.into(), city: "深圳".into(), venue: String::new(), start_on: today, end_on: today, organizer_unit_id: unit, status: EventStatus::Planned, summary: String::new() };
    let own_event = store.create_event(&who, &event(nanzheng, "南郑区推介会")).await.unwrap();
    let their_event = store.create_event(&who, &event(chenggu, "城固县推介会")).await.unwrap().id;
    let their_follow_up = follow_up(app, "officer-610722", "610722", investor, vec![]).await;
    let contact = store::enterprises::NewContact { name: "城固县登记的联系人".into(), title: "总经理".into(), phone: "13900000000".into(), wechat: String::new(), is_native: false, home_county: String::new(), note: String::new() };
    let their_contact = store.add_contact(&who, investor, chenggu, &contact).await.unwrap().id;
    let new_request = store::services::NewRequest { project_id: Some(their_project.id), enterprise_id: investor, category: RequestCategory::ALL[0], text: "城固县的诉求".into(), owner_unit_id: chenggu, deadline: today + Duration::days(10) };
    let their_request = store.create_request(&who, chenggu, &new_request).await.unwrap();
    store.add_member(&who, Some(their_project.id), None, stranger, TeamRole::Member).await.unwrap();
    let their_member = store::entities::service_member::Entity::find().all(&store.db).await.unwrap().into_iter().find(|m| m.project_id == Some(their_project.id)).unwrap().id;
    let their_participant = store.add_participant(&who, their_event, investor, None, "").await.unwrap().id;
    let their_link = store.link_project(&who, their_event, their_project.id, Relation::Lead).await.unwrap().id;
    let their_item = store.add_approval_item(&who, their_project.id, "用地预审与选址意见书").await.unwrap().id;
    let own_project = store.project(own_project.id).await.unwrap();
    let their_project = store.project(their_project.id).await.unwrap();
    Scene { nanzheng, chenggu, stranger, investor, fresh_company, own_project, own_target, own_event, their_project, their_target, their_event, their_follow_up, their_contact, their_request, their_member, their_participant, their_link, their_item }
}

#[tokio::test]
async fn an_officer_cannot_point_records_at_another_units_records() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    let officer = token(&app, "officer-610703").await;
    app.sign_in("officer-610703").await;
    let csrf = csrf_in(&app.get_html("/").await);
    let today = Utc::now().date_naive().to_string();
    let deadline = (Utc::now().date_naive() + Duration::days(10)).to_string();
    let category = RequestCategory::ALL[0].code();
    let new_project = |extra: Value| {
        let mut body = json!({ "name": "越权项目", "enterprise_id": s.investor, "landing_unit_id": s.nanzheng, "source_unit_id": s.nanzheng, "total_wan": "1000", "kind": "new", "source_channel": "native", "industry_code": "3841", "confirm_duplicate": true });
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let (op, ot, oe) = (&s.own_project, &s.own_target, &s.own_event);

    // Through the API, with the officer's token: (what, method, path, body, message for a 422).
    let api_cases: Vec<(&str, Method, String, Value, Option<&str>)> = vec![
        ("a project landing in and sourced from 城固县", Method::POST, "/api/v1/projects".into(), new_project(json!({ "landing_unit_id": s.chenggu, "source_unit_id": s.chenggu })), None),
        ("a project from 城固县's target", Method::POST, "/api/v1/projects".into(), new_project(json!({ "target_id": s.their_target })), None),
        ("a project from 城固县's event", Method::POST, "/api/v1/projects".into(), new_project(json!({ "event_id": s.their_event })), None),
        ("a project owned by 城固县's officer", Method::POST, "/api/v1/projects".into(), new_project(json!({ "owner_user_id": s.stranger })), Some("负责人必须是落地单位或来源单位的在职人员")),
        ("moving its project to land in 城固县", Method::PATCH, format!("/api/v1/projects/{}", op.id), json!({ "landing_unit_id": s.chenggu, "version": op.version }), None),
        ("crediting its project to 城固县 as source", Method::PATCH, format!("/api/v1/projects/{}", op.id), json!({ "source_unit_id": s.chenggu, "version": op.version }), None),
        ("giving its project to 城固县's officer", Method::PATCH, format!("/api/v1/projects/{}", op.id), json!({ "owner_user_id": s.stranger, "version": op.version }), Some("负责人必须是落地单位或来源单位的在职人员")),
        ("changing 城固县's project", Method::PATCH, format!("/api/v1/projects/{}", s.their_project.id), json!({ "note": "改", "version": s.their_project.version }), None),
        ("funds on 城固县's project", Method::POST, format!("/api/v1/projects/{}/funds", s.their_project.id), json!({ "month": &today[..7], "amount": "100", "origin": domain::project::FundsOrigin::ALL[0].code(), "use_kind": domain::project::FundsUse::ALL[0].code() }), None),
        ("a follow-up filed under 城固县's target", Method::POST, "/api/v1/followups".into(), json!({ "enterprise_id": s.investor, "target_id": s.their_target, "kind": "call", "summary": "越权" }), None),
        ("a follow-up filed under 城固县's project", Method::POST, "/api/v1/followups".into(), json!({ "enterprise_id": s.investor, "project_id": s.their_project.id, "kind": "call", "summary": "越权" }), None),
        ("a request on 城固县's project", Method::POST, "/api/v1/requests".into(), json!({ "project_id": s.their_project.id, "category": category, "text": "越权", "owner_unit_id": s.nanzheng, "deadline": deadline }), None),
        ("a request for a company the unit does not serve", Method::POST, "/api/v1/requests".into(), json!({ "enterprise_id": s.fresh_company, "category": category, "text": "越权", "owner_unit_id": s.nanzheng, "deadline": deadline }), None),
        ("resolving 城固县's request", Method::PATCH, format!("/api/v1/requests/{}", s.their_request.id), json!({ "status": "resolved", "resolution": "越权", "version": s.their_request.version }), None),
        ("a target for 城固县", Method::POST, "/api/v1/targets".into(), json!({ "enterprise_id": s.fresh_company, "unit_id": s.chenggu, "priority": "A" }), None),
        ("a target owned by 城固县's officer", Method::POST, "/api/v1/targets".into(), json!({ "enterprise_id": s.fresh_company, "owner_user_id": s.stranger, "priority": "A" }), Some("负责人必须是本单位的在职人员")),
        ("giving its target to 城固县's officer", Method::PATCH, format!("/api/v1/targets/{}", ot.id), json!({ "owner_user_id": s.stranger, "version": ot.version }), Some("负责人必须是本单位的在职人员")),
        ("an event organised by 城固县", Method::POST, "/api/v1/events".into(), json!({ "kind": "promotion", "name": "越权活动", "city": "深圳", "start_on": today, "organizer_unit_id": s.chenggu, "status": "planned" }), None),
        ("moving its event to 城固县", Method::PATCH, format!("/api/v1/events/{}", oe.id), json!({ "organizer_unit_id": s.chenggu, "version": oe.version }), None),
        ("changing 城固县's event", Method::PATCH, format!("/api/v1/events/{}", s.their_event), json!({ "venue": "越权", "version": 1 }), None),
    ];
    let mut tried = 0;
    for (what, method, path, body, message) in api_cases {
        let before = world(&app.store).await;
        let denied = app.audit("", "denied").await.len();
        let response = reqwest::Client::new().request(method.clone(), app.url(&path)).bearer_auth(&officer).json(&body).send().await.unwrap();
        assert_refused(&app, &format!("API {method} {path}: {what}"), &before, response, denied, message).await;
        tried += 1;
    }

    // Through the pages, with the session's token: (what, path, fields, message when the form comes back).
    let id = |n: i64| n.to_string();
    let page_cases: Vec<(&str, String, Vec<(&str, String)>, Option<&str>)> = vec![
        ("a project for 城固县 on the page", "/projects/new".into(), vec![("name", "越权项目".into()), ("enterprise_id", id(s.investor)), ("landing_unit_id", id(s.chenggu)), ("source_unit_id", id(s.chenggu)), ("total_wan", "1000".into()), ("kind", "new".into()), ("source_channel", "native".into()), ("industry_code", "3841".into()), ("confirm_duplicate", "1".into())], None),
        ("a project from 城固县's target on the page", "/projects/new".into(), vec![("name", "越权项目".into()), ("enterprise_id", id(s.investor)), ("landing_unit_id", id(s.nanzheng)), ("source_unit_id", id(s.nanzheng)), ("total_wan", "1000".into()), ("kind", "new".into()), ("source_channel", "native".into()), ("industry_code", "3841".into()), ("target_id", id(s.their_target)), ("confirm_duplicate", "1".into())], None),
        ("城固县's officer on its project's team", format!("/projects/{}/team", op.id), vec![("user_id", id(s.stranger)), ("role", "member".into())], Some("专班成员应来自本项目的落地单位、来源单位、市局或市级部门")),
        ("removing 城固县's team member through its own project", format!("/projects/{}/team/{}/delete", op.id, s.their_member), vec![], None),
        ("城固县's approval item through its own project", format!("/projects/{}/approvals/items/{}", op.id, s.their_item), vec![("status", "done".into()), ("done_on", today.clone()), ("document", "越权".into()), ("version", "1".into())], None),
        ("城固县's project tied to its event", format!("/events/{}/projects", oe.id), vec![("project", s.their_project.code.clone()), ("relation", "lead".into())], None),
        ("城固县's contact on its guest list", format!("/events/{}/participants", oe.id), vec![("enterprise_id", id(s.investor)), ("contact_id", id(s.their_contact))], Some("所选联系人不存在或不属于这家企业")),
        ("removing 城固县's guest through its own event", format!("/events/{}/participants/{}/delete", oe.id, s.their_participant), vec![], None),
        ("untying 城固县's project through its own event", format!("/events/{}/projects/{}/delete", oe.id, s.their_link), vec![], None),
        ("a guest on 城固县's event", format!("/events/{}/participants", s.their_event), vec![("enterprise_id", id(s.investor))], None),
        ("closing 城固县's next step", format!("/followups/{}/done", s.their_follow_up), vec![], None),
        ("giving its target to 城固县's officer on the page", format!("/targets/{}/edit", ot.id), vec![("owner_user_id", id(s.stranger)), ("version", ot.version.to_string()), ("priority", "A".into()), ("status", ot.status.clone())], Some("负责人必须是本单位的在职人员")),
        ("a request on 城固县's project on the page", "/requests".into(), vec![("project_id", id(s.their_project.id)), ("category", category.into()), ("text", "越权".into()), ("owner_unit_id", id(s.nanzheng)), ("deadline", deadline.clone())], None),
        ("escalating 城固县's request", format!("/requests/{}/escalate", s.their_request.id), vec![("version", s.their_request.version.to_string()), ("reason", "越权".into())], None),
        ("a weekly note on 城固县's project", "/dispatch/notes".into(), vec![("project_id", id(s.their_project.id)), ("week", today.clone()), ("progress", "越权".into())], None),
    ];
    for (what, path, fields, message) in page_cases {
        let before = world(&app.store).await;
        let denied = app.audit("", "denied").await.len();
        let mut body: Vec<(&str, String)> = fields;
        body.push(("csrf_token", csrf.clone()));
        let response = app.client.post(app.url(&path)).form(&body).send().await.unwrap();
        assert_refused(&app, &format!("POST {path}: {what}"), &before, response, denied, message).await;
        tried += 1;
    }
    // The quick-entry form (multipart) filing a follow-up under 城固县's project.
    let before = world(&app.store).await;
    let denied = app.audit("", "denied").await.len();
    let upload = Form::new().text("enterprise_id", s.investor.to_string()).text("project_id", s.their_project.id.to_string()).text("kind", "visit").text("summary", "越权").text("client_key", "idor-test-0001");
    let response = app.client.post(app.url(&format!("/followups/new?csrf_token={csrf}"))).multipart(upload).send().await.unwrap();
    assert_refused(&app, "multipart follow-up under 城固县's project", &before, response, denied, None).await;
    tried += 1;
    assert!(tried >= 35, "{tried} attempts");

    // The same writes pointing at its own records go through: the refusals were for the keys.
    let (status, created) = api(&app, &officer, Method::POST, "/api/v1/followups", Some(json!({ "enterprise_id": s.investor, "project_id": op.id, "kind": "call", "summary": "本单位项目" }))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

/// A signal noted on a landed company may cite the visit it came from; that visit must be one
/// the officer may see, not another county's (the page offers only those, the handler should
/// check as much).
#[tokio::test]
async fn a_signal_cannot_cite_another_units_visit() {
    let app = spawn_app().await;
    let s = scene(&app).await;
    app.sign_in("officer-610703").await;
    let page = format!("/aftercare/{}", s.investor);
    assert_eq!(app.get(&page).await.status(), StatusCode::OK, "the company has a landed project of 南郑区");
    let before = world(&app.store).await;
    let denied = app.audit("", "denied").await.len();
    let response = app.post_form(&page, &format!("{page}/signals"), &[("signal", "stable"), ("follow_up_id", &s.their_follow_up.to_string()), ("note", "引用城固县的走访")]).await;
    assert_refused(&app, "a signal citing 城固县's visit", &before, response, denied, Some("走访记录")).await;
}
