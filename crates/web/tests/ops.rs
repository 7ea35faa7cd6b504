//! Health, readiness, metrics, assets and error pages.

mod helpers;

use helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = spawn_app().await;
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    assert_eq!(health.text().await.unwrap(), "ok");
    assert_eq!(app.get("/readyz").await.status(), StatusCode::OK);
    app.get("/login").await;
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(metrics.contains("zs_http_requests_total{route=\"/login\",method=\"GET\",status=\"200\"} 1"), "{metrics}");
    assert!(metrics.contains("zs_http_request_duration_seconds_bucket{route=\"/healthz\""));
    assert!(metrics.contains("zs_db_pool_connections{state=\"open\"}"));
}

#[tokio::test]
async fn assets_are_served_from_the_binary_and_unknown_ones_are_not_found() {
    let app = spawn_app().await;
    let css = app.get("/assets/app.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    assert_eq!(app.get("/assets/../Cargo.toml").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/assets/x.js").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_ids_in_urls_are_not_found_not_errors() {
    let app = spawn_app().await;
    app.sign_in("admin").await;
    for path in ["/users/abc", "/users/-1", "/users/999999", "/units/1e9", "/api/v1/users/0", "/no/such"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains("没有"), "{path}: {body}");
    }
}

#[tokio::test]
async fn bad_form_input_gets_a_chinese_message_and_changes_nothing() {
    let app = spawn_app().await;
    app.sign_in("admin").await;
    let count = app.store.count_users().await.unwrap();
    let unit = app.store.unit_by_code("610703").await.unwrap().unwrap().id.to_string();
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("username", "Bad Name"), ("display_name", "张三"), ("unit_id", &unit), ("roles", "officer")], "用户名为 2–64 位小写字母"),
        (&[("username", "zs1"), ("display_name", ""), ("unit_id", &unit), ("roles", "officer")], "姓名必填"),
        (&[("username", "zs2"), ("display_name", "张三"), ("unit_id", "x"), ("roles", "officer")], "「单位」的取值无效"),
        (&[("username", "zs3"), ("display_name", "张三"), ("unit_id", "999999"), ("roles", "officer")], "所选单位不存在"),
        (&[("username", "zs4"), ("display_name", "张三"), ("unit_id", &unit), ("roles", "emperor")], "未知的角色「emperor」"),
        (&[("username", "zs5"), ("display_name", "张三"), ("unit_id", &unit), ("phone", "12345")], "手机号应为 11 位数字"),
        (&[("username", "admin"), ("display_name", "张三"), ("unit_id", &unit), ("roles", "officer")], "用户名「admin」已存在"),
    ];
    for (fields, message) in cases {
        let response = app.post_form("/users/new", "/users/new", fields).await;
        assert_eq!(response.status(), StatusCode::OK, "{message}");
        let page = response.text().await.unwrap();
        assert!(page.contains(message), "{message} not in page");
    }
    assert_eq!(app.store.count_users().await.unwrap(), count);
}
