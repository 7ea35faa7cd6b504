//! Sign-in, sign-out, lockout, timeouts, CSRF, forced password change, sessions.

mod helpers;

use helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn sign_in_and_sign_out() {
    let app = spawn_app().await;
    let anonymous = app.get("/").await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&anonymous), "/login?next=%2F");

    app.sign_in("officer-610703").await;
    let home = app.get_html("/").await;
    assert!(home.contains("南郑区"), "home shows the user's unit");
    assert!(home.contains("测试officer-610703"));
    assert_eq!(app.audit("login", "ok").await.len(), 1);

    let response = app.post_form("/", "/logout", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?bye=1");
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER, "signed out");
    assert_eq!(app.audit("logout", "ok").await.len(), 1);
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_the_same_message() {
    let app = spawn_app().await;
    let wrong = app.login_as("officer-610703", "Wrong#password1").await;
    assert_eq!(wrong.status(), StatusCode::OK);
    let wrong = wrong.text().await.unwrap();
    let unknown = app.login_as("nobody", "Wrong#password1").await.text().await.unwrap();
    for page in [&wrong, &unknown] {
        assert!(page.contains("用户名或密码错误"), "{page}");
    }
    assert!(unknown.contains("value=\"nobody\""), "what was typed is kept");
    let failures = app.audit("login", "failed").await;
    assert_eq!(failures.len(), 2);
    let user = app.store.user_by_name("officer-610703").await.unwrap().unwrap();
    assert_eq!(user.failed_logins, 1, "the failure is counted");
}

#[tokio::test]
async fn five_failures_lock_the_account_until_an_admin_unlocks_it() {
    let app = spawn_app().await;
    for _ in 0..4 {
        let page = app.login_as("officer-610703", "Wrong#password1").await.text().await.unwrap();
        assert!(page.contains("用户名或密码错误"));
    }
    let fifth = app.login_as("officer-610703", "Wrong#password1").await.text().await.unwrap();
    assert!(fifth.contains("账号已锁定"), "{fifth}");
    let correct = app.login_as("officer-610703", PASSWORD).await;
    assert_eq!(correct.status(), StatusCode::OK, "locked: the right password does not sign in");
    assert!(correct.text().await.unwrap().contains("已锁定"));

    let admin = helpers::spawn_client(&app);
    admin.sign_in("admin").await;
    let id = app.user_id("officer-610703").await;
    let page = format!("/users/{id}");
    assert!(admin.get_html(&page).await.contains("锁定至"));
    let unlock = admin.post_form(&page, &format!("/users/{id}/unlock"), &[]).await;
    assert_eq!(unlock.status(), StatusCode::SEE_OTHER);
    app.sign_in("officer-610703").await;
    assert_eq!(app.audit("unlock", "ok").await.len(), 1);
}

#[tokio::test]
async fn idle_and_absolute_timeouts_end_a_session() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);

    // 31 minutes without a request.
    app.db.backdate_sessions(chrono::Duration::minutes(31), chrono::Duration::minutes(31)).await;
    let expired = app.get("/").await;
    assert_eq!(expired.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&expired), "/login?next=%2F&expired=1");
    assert!(app.get_html("/login?expired=1").await.contains("登录已超时"));

    // Active all along, but signed in 12 hours ago.
    app.sign_in("officer-610703").await;
    app.db.backdate_sessions(chrono::Duration::minutes(1), chrono::Duration::hours(12) + chrono::Duration::minutes(1)).await;
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER, "absolute timeout");

    // Still within both limits: the session lives.
    app.sign_in("officer-610703").await;
    app.db.backdate_sessions(chrono::Duration::minutes(29), chrono::Duration::hours(11)).await;
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn unsafe_requests_without_the_csrf_token_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    app.sign_in("admin").await;
    let id = app.user_id("officer-610703").await;
    let before = app.store.user(id).await.unwrap();

    for token in [None, Some("0".repeat(64))] {
        let mut form = vec![("display_name", "篡改".to_string()), ("unit_id", before.unit_id.to_string()), ("roles", "admin".into()), ("active", "1".into())];
        if let Some(t) = &token {
            form.push(("csrf_token", t.clone()));
        }
        let response = app.client.post(app.url(&format!("/users/{id}/edit"))).form(&form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.text().await.unwrap().contains("页面已过期"));
    }
    // A forged cross-site form: right cookie, token guessed wrong, foreign Origin.
    let token = csrf_in(&app.get_html("/").await);
    let foreign = app
        .client
        .post(app.url("/account/sign-out-everywhere"))
        .header("origin", "https://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.user(id).await.unwrap(), before, "nothing changed");
    assert_eq!(app.get("/").await.status(), StatusCode::OK, "still signed in");
    assert_eq!(app.audit("csrf", "denied").await.len(), 3);

    // The sign-in form needs its token too.
    let fresh = helpers::client();
    let response = fresh
        .post(app.url("/login"))
        .form(&[("username", "admin"), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_tampered_session_cookie_gets_the_sign_in_page() {
    let app = spawn_app().await;
    for value in ["0000000000000000000000000000000000000000000000000000000000000000", "abc'; DROP TABLE users;--", "%00%ff"] {
        let response = helpers::client().get(app.url("/users")).header("cookie", format!("zs_session={value}")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{value}");
        assert!(location(&response).starts_with("/login"));
    }
    assert_eq!(app.store.count_users().await.unwrap(), 5);
}

#[tokio::test]
async fn a_new_account_must_change_its_password_first_and_the_policy_applies() {
    let app = spawn_app().await;
    app.sign_in("admin").await;
    let unit = app.store.unit_by_code("610703").await.unwrap().unwrap();
    let created = app
        .post_form("/users/new", "/users/new", &[("username", "zhang-san"), ("display_name", "张三"), ("unit_id", &unit.id.to_string()), ("roles", "officer")])
        .await;
    assert_eq!(created.status(), StatusCode::OK);
    let page = created.text().await.unwrap();
    let marker = "<strong class=\"mono\">";
    let start = page.find(marker).expect("the first password is shown once") + marker.len();
    let first_password = page[start..].split('<').next().unwrap().to_string();

    let newcomer = helpers::spawn_client(&app);
    let response = newcomer.login_as("zhang-san", &first_password).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let home = newcomer.get("/").await;
    assert_eq!(location(&home), "/account/password", "must change first");
    let weak = newcomer
        .post_form("/account/password", "/account/password", &[("current_password", &first_password), ("new_password", "short"), ("confirm_password", "short")])
        .await
        .text()
        .await
        .unwrap();
    assert!(weak.contains("密码至少需要 10 个字符"), "{weak}");
    let same = newcomer
        .post_form("/account/password", "/account/password", &[("current_password", &first_password), ("new_password", &first_password), ("confirm_password", &first_password)])
        .await
        .text()
        .await
        .unwrap();
    assert!(same.contains("不能与最近"), "no reuse");
    let wrong = newcomer
        .post_form("/account/password", "/account/password", &[("current_password", "Not-the-password-1"), ("new_password", "Qinling&Hanjiang9"), ("confirm_password", "Qinling&Hanjiang9")])
        .await
        .text()
        .await
        .unwrap();
    assert!(wrong.contains("当前密码不正确"), "the current password is checked: {wrong}");
    let ok = newcomer
        .post_form("/account/password", "/account/password", &[("current_password", &first_password), ("new_password", "Qinling&Hanjiang9"), ("confirm_password", "Qinling&Hanjiang9")])
        .await;
    assert_eq!(location(&ok), "/?done=password");
    assert_eq!(newcomer.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    let phone = helpers::spawn_client(&app);
    phone.sign_in("officer-610703").await;
    let response = app.post_form("/account", "/account/sign-out-everywhere", &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(phone.get("/").await.status(), StatusCode::SEE_OTHER, "the other device is signed out");
    assert_eq!(app.get("/").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn signing_in_again_gives_a_new_session_token() {
    let app = spawn_app().await;
    let first = app.login_as("officer-610703", PASSWORD).await;
    // Signing in again from the same browser (the sign-in form posted with the session's token).
    let token = csrf_in(&app.get_html("/").await);
    let second = app
        .client
        .post(app.url("/login"))
        .form(&[("username", "officer-610703"), ("password", PASSWORD), ("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    let token = |r: &reqwest::Response| r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string();
    assert_ne!(token(&first), token(&second));
    let stale = helpers::client().get(app.url("/")).header("cookie", token(&first)).send().await.unwrap();
    assert_eq!(stale.status(), StatusCode::SEE_OTHER, "the earlier session ended");
}

#[tokio::test]
async fn too_many_failures_from_one_address_are_throttled() {
    let app = spawn_with(|c| c.security.login_throttle_per_ip = 3).await;
    for name in ["a1", "a2", "a3"] {
        app.login_as(name, "Wrong#password1").await;
    }
    let response = app.login_as("officer-610703", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.text().await.unwrap().contains("尝试过于频繁"));
}

#[tokio::test]
async fn pages_carry_strict_security_headers() {
    let app = spawn_app().await;
    let response = app.get("/login").await;
    let h = response.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "same-origin");
    assert_eq!(h["x-frame-options"], "DENY");
    assert!(h.contains_key("x-request-id"));
    let cookie = h["set-cookie"].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
}
