//! Sign-in and sign-out.

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use store::passwords;
use store::users::FailureOutcome;
use store::{Who, audit};

use crate::auth::{self, ClientIp, CurrentUser, PRE_SESSION_COOKIE, SESSION_COOKIE};
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query};
use crate::AppState;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    demo: bool,
    csrf: String,
    next: String,
    username: String,
    notice: Option<&'static str>,
    error: Option<String>,
}

/// Where to go after signing in: only a path on this site.
fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.starts_with("/login");
    if ok { next.to_string() } else { "/".to_string() }
}

fn login_form(state: &AppState, headers: &HeaderMap, next: String, username: String, notice: Option<&'static str>, error: Option<String>) -> Result<Response> {
    let existing = auth::cookie(headers, PRE_SESSION_COOKIE);
    let csrf = existing.clone().unwrap_or_else(passwords::random_token);
    let page = LoginPage { demo: state.demo, csrf: csrf.clone(), next, username, notice, error };
    let mut response = Html(page.render()?).into_response();
    if existing.is_none() {
        auth::append_cookie(&mut response, &auth::set_cookie(state, PRE_SESSION_COOKIE, &csrf, false));
    }
    Ok(response)
}

pub async fn login_page(State(state): State<AppState>, user: Option<CurrentUser>, headers: HeaderMap, Query(q): Query) -> Result<Response> {
    if user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let notice = if q.get("expired") == "1" {
        Some("登录已超时，请重新登录")
    } else if q.get("bye") == "1" {
        Some("您已安全退出")
    } else {
        None
    };
    login_form(&state, &headers, safe_next(&q.get("next")), String::new(), notice, None)
}

const GENERIC_FAILURE: &str = "用户名或密码错误";

/// Runs password hashing (argon2: tens of milliseconds of CPU for each hash or check) on a blocking
/// thread, not on one that answers other requests, with the request's database connection given
/// back meanwhile.
pub(crate) async fn hashing<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    store::release_connection().await;
    tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(format!("password hashing: {e}")))
}

/// Checks a password against its stored hash, or against a dummy when the account does not exist
/// (the same time either way).
async fn check_password(password: String, stored: Option<String>) -> Result<bool> {
    hashing(move || match stored {
        Some(hash) => passwords::verify(&password, &hash),
        None => {
            passwords::verify_dummy(&password);
            false
        }
    })
    .await
}

pub async fn login(State(state): State<AppState>, ClientIp(ip): ClientIp, headers: HeaderMap, form: FormData) -> Result<Response> {
    let username = form.get("username").to_lowercase();
    let password = form.raw("password");
    let next = safe_next(&form.get("next"));
    let security = &state.config.security;
    let anonymous = Who { user_id: None, username: username.chars().take(64).collect(), unit_id: None, ip: ip.clone() };

    let since = Utc::now() - Duration::minutes(security.login_throttle_minutes);
    if state.store.failed_logins_from(&ip, since).await? >= security.login_throttle_per_ip {
        state.store.audit(&anonymous, audit::Event::new("login", "user", "").outcome(audit::DENIED).detail("同一地址失败次数过多，暂停登录")).await?;
        return Err(AppError::TooMany);
    }

    let fail = |message: String| login_form(&state, &headers, next.clone(), username.clone(), None, Some(message));
    let user = match state.store.user_by_name(&username).await? {
        Some(user) if user.active => user,
        found => {
            check_password(password, None).await?;
            let detail = if found.is_some() { "账号已停用" } else { "用户不存在" };
            state.store.audit(&anonymous, audit::Event::new("login", "user", "").outcome(audit::FAILED).detail(detail)).await?;
            return fail(GENERIC_FAILURE.into());
        }
    };
    let who = Who { user_id: Some(user.id), username: user.username.clone(), unit_id: Some(user.unit_id), ip: ip.clone() };
    let password_ok = check_password(password, Some(user.password_hash.clone())).await?;
    if let Some(until) = user.locked_until.filter(|t| *t > Utc::now()) {
        state.store.audit(&who, audit::Event::new("login", "user", user.id).outcome(audit::DENIED).detail("账号锁定中")).await?;
        // Only someone who knows the password learns that the account is locked.
        let message = if password_ok {
            format!("账号因多次密码错误已锁定，请于 {} 后再试，或联系管理员解锁", crate::views::local_time(&until))
        } else {
            GENERIC_FAILURE.into()
        };
        return fail(message);
    }
    if !password_ok {
        let outcome = state.store.record_login_failure(&who, user.id, security.lockout_threshold, security.lockout_minutes).await?;
        let message = match outcome {
            FailureOutcome::LockedUntil(until) => format!("密码连续错误 {} 次，账号已锁定至 {}", security.lockout_threshold, crate::views::local_time(&until)),
            FailureOutcome::Counted(_) => GENERIC_FAILURE.into(),
        };
        return fail(message);
    }

    // A fresh session on every sign-in (no fixation); any session the browser had ends.
    if let Some(old) = auth::cookie(&headers, SESSION_COOKIE) {
        let idle = Duration::minutes(security.idle_timeout_minutes);
        let absolute = Duration::hours(security.absolute_timeout_hours);
        if let Some((session, _)) = state.store.session_by_token(&old, idle, absolute).await? {
            state.store.delete_session(session.id).await?;
        }
    }
    state.store.record_login_success(&who, user.id).await?;
    let agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let session = state.store.create_session(user.id, &ip, agent).await?;
    let mut response = Redirect::to(&next).into_response();
    auth::append_cookie(&mut response, &auth::set_cookie(&state, SESSION_COOKIE, &session.token, false));
    Ok(response)
}

pub async fn logout(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    state.store.delete_session(user.session_id).await?;
    state.store.audit(&user.who(), audit::Event::new("logout", "user", user.user.id)).await?;
    let mut response = Redirect::to("/login?bye=1").into_response();
    auth::append_cookie(&mut response, &auth::set_cookie(&state, SESSION_COOKIE, "", true));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        let cases = [
            ("/users/3", "/users/3"),
            ("/users?q=a", "/users?q=a"),
            ("https://evil.example/", "/"),
            ("//evil.example/", "/"),
            ("/\\evil.example", "/"),
            ("", "/"),
            ("/login", "/"),
        ];
        for (input, expected) in cases {
            assert_eq!(safe_next(input), expected, "{input}");
        }
    }
}
