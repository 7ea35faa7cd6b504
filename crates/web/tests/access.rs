//! Deny by default: every route outside the public list refuses an anonymous request, and a
//! user of one unit can neither read nor change another unit's records; each denial is audited.

mod helpers;

use helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn every_route_but_the_public_ones_refuses_an_anonymous_request() {
    let app = spawn_app().await;
    let anonymous = helpers::client();
    let mut checked = 0;
    let api = web::api::operations();
    assert!(api.iter().any(|(m, p)| m == "PATCH" && p == "/api/v1/projects/{id}"), "the walk includes the API's operations");
    let routes = web::routes::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).chain(api);
    for (method, path) in routes {
        let concrete = path.replace("{id}", "1").replace("{file}", "app.css").replace("{key}", "stage-1");
        let public = web::auth::is_public(&concrete);
        let request = match method.as_str() {
            "GET" => anonymous.get(app.url(&concrete)),
            "PATCH" => anonymous.patch(app.url(&concrete)).json(&serde_json::json!({ "version": 1 })),
            _ => anonymous.post(app.url(&concrete)).form(&[("x", "1")]),
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        if public {
            assert!(status != StatusCode::UNAUTHORIZED, "{method} {path} is public");
            continue;
        }
        checked += 1;
        let refused = match (method.as_str(), concrete.starts_with("/api/")) {
            (_, true) => status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN,
            ("GET", false) => status == StatusCode::SEE_OTHER && location(&response).starts_with("/login"),
            // Unsafe requests fail the CSRF check before anything else.
            _ => status == StatusCode::FORBIDDEN,
        };
        assert!(refused, "{method} {path} answered {status} to an anonymous request");
    }
    assert!(checked >= 25, "the walk covered {checked} routes");
    // And paths that do not exist do not reveal so to strangers.
    let unknown = anonymous.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::SEE_OTHER);
    let api = anonymous.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = api.json().await.unwrap();
    assert_eq!(problem["status"], 401);
    assert_eq!(problem["detail"], "请先登录");
}

#[tokio::test]
async fn an_officer_of_nanzheng_cannot_read_or_change_chenggu_records() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    let colleague = app.user_id("officer-610703").await;
    let stranger = app.user_id("officer-610722").await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap();
    let before = app.store.user(stranger).await.unwrap();

    // Own unit: fine.
    assert!(app.get_html(&format!("/users/{colleague}")).await.contains("officer-610703"));
    // Another unit's person, page and API, and another unit's page.
    for path in [format!("/users/{stranger}"), format!("/api/v1/users/{stranger}"), format!("/units/{}", chenggu.id)] {
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("这是其他单位的记录，您无权查看"), "{path}: {body}");
        assert!(!body.contains("officer-610722"), "nothing of the record leaks");
    }
    // Lists show only the own unit.
    let list = app.get_html(&format!("/users?unit_id={}", chenggu.id)).await;
    assert!(list.contains("officer-610703") && !list.contains("officer-610722"));
    // Changing by form with a valid token, or by guessing URLs.
    let token = csrf_in(&app.get_html("/").await);
    for path in [format!("/users/{stranger}/edit"), format!("/users/{stranger}/lock"), format!("/users/{stranger}/reset-password")] {
        let response = app
            .client
            .post(app.url(&path))
            .form(&[("csrf_token", token.as_str()), ("display_name", "改名"), ("unit_id", "1"), ("roles", "admin"), ("active", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.store.user(stranger).await.unwrap(), before, "nothing changed");

    let denials = app.audit("", "denied").await;
    assert_eq!(denials.len(), 6, "each attempt is audited: {denials:#?}");
    assert!(denials.iter().all(|d| d.username == "officer-610703" && !d.ip.is_empty()));
    assert!(denials.iter().any(|d| d.entity == "user" && d.entity_id == stranger.to_string() && d.action == "read"));
    assert!(denials.iter().any(|d| d.action == "lock"));
}

#[tokio::test]
async fn roles_see_the_pages_that_fit_them() {
    let app = spawn_app().await;
    let cases: &[(&str, &[&str], &[&str])] = &[
        // (user, may open, refused)
        ("admin", &["/", "/units", "/users", "/audit", "/profile", "/users/new", "/units/new"], &[]),
        ("bureau", &["/", "/units", "/users", "/audit", "/profile"], &["/users/new", "/units/new"]),
        ("officer-610703", &["/", "/units", "/users", "/profile", "/account"], &["/audit", "/users/new", "/units/new"]),
    ];
    for (username, allowed, refused) in cases {
        let browser = spawn_client(&app);
        browser.sign_in(username).await;
        for path in *allowed {
            assert_eq!(browser.get(path).await.status(), StatusCode::OK, "{username} {path}");
        }
        for path in *refused {
            assert_eq!(browser.get(path).await.status(), StatusCode::FORBIDDEN, "{username} {path}");
        }
        let home = browser.get_html("/").await;
        assert_eq!(home.contains("href=\"/audit\""), *username != "officer-610703", "{username}: navigation fits the role");
    }
}

#[tokio::test]
async fn a_chain_lead_department_edits_its_own_chains_only() {
    let app = spawn_app().await;
    app.sign_in("head-gxj").await;
    let tree = app.store.profile_tree().await.unwrap();
    let gxj = app.store.unit_by_code("gxj").await.unwrap().unwrap();
    let chains: Vec<_> = tree.iter().flat_map(|c| &c.chains).collect();
    let own = chains.iter().find(|h| h.chain.lead_unit_id == gxj.id).expect("gxj leads a chain");
    let other = chains.iter().find(|h| h.chain.lead_unit_id != gxj.id).expect("another department leads one");
    let own_link = &own.links[0].link;
    let other_link = &other.links[0].link;

    let page = format!("/profile/links/{}/edit", own_link.id);
    let response = app
        .post_form(&page, &page, &[("name", &own_link.name), ("position", &own_link.position), ("strength", "weak"), ("industry_codes", &own_link.industry_codes), ("keywords", "钛合金")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.link(own_link.id).await.unwrap().strength, "weak");

    let forbidden = format!("/profile/links/{}/edit", other_link.id);
    assert_eq!(app.get(&forbidden).await.status(), StatusCode::FORBIDDEN);
    let token = csrf_in(&app.get_html("/").await);
    let response = app.client.post(app.url(&forbidden)).form(&[("csrf_token", token.as_str()), ("name", "x"), ("position", "up"), ("strength", "strong")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.link(other_link.id).await.unwrap(), *other_link);

    // A bad industry code is explained next to the form, and what was typed stays.
    let response = app
        .post_form(&page, &page, &[("name", "新名称"), ("position", "up"), ("strength", "weak"), ("industry_codes", "9999"), ("keywords", "")])
        .await
        .text()
        .await
        .unwrap();
    assert!(response.contains("行业代码「9999」不在 GB/T 4754-2017 中"));
    assert!(response.contains("value=\"新名称\""));
}
