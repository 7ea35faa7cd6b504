//! What stands in front of the API besides the session check: bearer tokens (the user they were
//! made for, with that user's rights and nothing more), a rate limit per token, and idempotent
//! retries of POST requests.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;

use domain::Role;
use domain::access::Actor;
use store::api_tokens::{Claim, Replay};
use store::{Who, audit};

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::AppState;

/// Per-token buckets for the rate limit.
#[derive(Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<i64, (f64, Instant)>>,
}

impl Limiter {
    /// Takes one request from the token's bucket (`per_minute` deep, refilled evenly); when it is
    /// empty, the seconds until the next request is allowed.
    pub fn take(&self, token_id: i64, per_minute: u32, now: Instant) -> Result<(), u64> {
        let capacity = f64::from(per_minute.max(1));
        let rate = capacity / 60.0;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > 100_000 {
            // Tokens unseen for a minute are full again: forget them.
            buckets.retain(|_, (_, at)| now.duration_since(*at).as_secs() < 60);
        }
        let (tokens, at) = buckets.entry(token_id).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(capacity);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / rate).ceil().max(1.0) as u64)
        }
    }
}

/// The user behind `Authorization: Bearer <token>`, or the 401 answer (audited like a failed
/// sign-in). A token carries its user's current roles and unit: revoking a role takes effect at once.
pub async fn token_user(state: &AppState, secret: &str, ip: &str) -> Result<CurrentUser, Response> {
    let now = Utc::now();
    let refused = |reason: &str| AppError::Unauthorized(format!("接口令牌无效：{reason}。请在「账户 → 接口令牌」重新创建")).into_response();
    match state.store.token_by_secret(secret, now).await {
        Ok(Ok((token, user))) => {
            // Like a sign-in, the first use of a token, and each use from a new address, is audited.
            if token.last_used_at.is_none() || token.last_used_ip != ip {
                let who = Who { user_id: Some(user.id), username: user.username.clone(), unit_id: Some(user.unit_id), ip: ip.to_string() };
                let event = audit::Event::new("login", "api_token", token.id).detail(format!("接口令牌「{}」（{}…）从 {ip} 使用", token.name, token.prefix));
                if let Err(e) = state.store.audit(&who, event).await {
                    tracing::error!(error = %e, "auditing a token's use failed");
                }
            }
            if let Err(e) = state.store.touch_token(&token, ip, now).await {
                tracing::warn!(error = %e, "recording a token's use failed");
            }
            let unit = match state.store.unit(user.unit_id).await {
                Ok(u) => u,
                Err(e) => return Err(AppError::from(e).into_response()),
            };
            let roles = Role::parse_list(&user.roles).unwrap_or_default();
            Ok(CurrentUser {
                actor: Actor { user_id: user.id, unit_id: unit.id, roles },
                session_id: 0,
                csrf: String::new(),
                ip: ip.to_string(),
                must_change_password: false,
                unread: 0,
                token_id: Some(token.id),
                user,
                unit,
            })
        }
        Ok(Err((why, token))) => {
            let who = Who { user_id: token.as_ref().map(|t| t.user_id), username: String::new(), unit_id: None, ip: ip.to_string() };
            let id = token.as_ref().map(|t| t.id.to_string()).unwrap_or_default();
            let event = audit::Event::new("login", "api_token", id).outcome(audit::FAILED).detail(format!("接口令牌被拒绝：{}", why.reason()));
            if let Err(e) = state.store.audit(&who, event).await {
                tracing::error!(error = %e, "auditing a refused token failed");
            }
            Err(refused(why.reason()))
        }
        Err(e) => Err(AppError::from(e).into_response()),
    }
}

/// The rate limit of a token-authenticated request; 429 with `Retry-After` when exceeded.
pub fn rate_limit(state: &AppState, user: &CurrentUser) -> Result<(), Response> {
    let Some(token_id) = user.token_id else { return Ok(()) };
    match state.api.take(token_id, state.config.api.requests_per_minute, Instant::now()) {
        Ok(()) => Ok(()),
        Err(wait) => {
            let mut response = AppError::TooMany.into_response();
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            Err(response)
        }
    }
}

/// The largest answer kept for a replay; a larger one is sent but not kept.
const MAX_KEPT: usize = 4 * 1024 * 1024;

fn valid_key(key: &str) -> bool {
    (1..=100).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic())
}

/// `Idempotency-Key` on a POST: the key is taken before the request runs and its first answer kept
/// (with a hash of the request); a retry with the same key gets that answer again without running
/// anything, the same key on a different request is refused, and a retry of a request that was
/// cut off (the process died) is told its outcome is unknown rather than run twice. Answers that
/// say "try again" (401, 429, 5xx) give the key back.
pub async fn idempotency(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(key) = req.headers().get("idempotency-key").map(|v| v.to_str().map(str::to_string)) else {
        return next.run(req).await;
    };
    let Some(user) = req.extensions().get::<CurrentUser>().cloned() else {
        return next.run(req).await;
    };
    let key = match key {
        Ok(k) if valid_key(&k) => k,
        _ => return crate::auth::to_problem(AppError::BadRequest("Idempotency-Key 应为 1–100 个可见 ASCII 字符".into()).into_response()),
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, super::EVIDENCE_LIMIT).await else {
        return crate::auth::to_problem(AppError::BadRequest("请求体过大或不完整".into()).into_response());
    };
    let path = parts.uri.path().to_string();
    let hash = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(parts.method.as_str().as_bytes());
        h.update(b" ");
        h.update(path.as_bytes());
        h.update(b"\n");
        h.update(&bytes);
        hex::encode(h.finalize())
    };
    match state.store.claim_idempotency(user.user.id, &key, "POST", &path, &hash).await {
        Ok(Claim::Fresh) => {}
        Ok(Claim::Replay(replay)) => return replayed(replay),
        Ok(Claim::Mismatch) => return crate::auth::to_problem(AppError::BadRequest("这个 Idempotency-Key 已用于另一个请求；新的请求请换一个键".into()).into_response()),
        Ok(Claim::InProgress) => {
            return crate::auth::to_problem(
                AppError::Conflict("同一 Idempotency-Key 的请求正在处理或上次中断、结果未知；请先查询是否已生效，确未生效再换一个键重新提交".into()).into_response(),
            );
        }
        Err(e) => return crate::auth::to_problem(AppError::from(e).into_response()),
    }
    let response = crate::auth::to_problem(next.run(Request::from_parts(parts, Body::from(bytes))).await);
    let status = response.status();
    let keep = status.is_success() || (status.is_client_error() && !matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS | StatusCode::REQUEST_TIMEOUT));
    if !keep {
        if let Err(e) = state.store.release_idempotency(user.user.id, &key).await {
            tracing::warn!(error = %e, "giving back an idempotency key failed");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_KEPT).await else {
        return AppError::Internal("idempotent answer too large to keep".into()).into_response();
    };
    let header_text = |name: header::HeaderName| parts.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let replay = Replay {
        request_hash: hash,
        method: "POST".into(),
        path,
        status: status.as_u16(),
        content_type: header_text(header::CONTENT_TYPE),
        body: String::from_utf8_lossy(&bytes).into_owned(),
        location: header_text(header::LOCATION),
    };
    if let Err(e) = state.store.finish_idempotency(user.user.id, &key, &replay).await {
        tracing::warn!(error = %e, "keeping an idempotent answer failed");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replayed(replay: Replay) -> Response {
    let status = StatusCode::from_u16(replay.status).unwrap_or(StatusCode::OK);
    let mut response = (status, replay.body).into_response();
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&replay.content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if !replay.location.is_empty()
        && let Ok(v) = HeaderValue::from_str(&replay.location)
    {
        headers.insert(header::LOCATION, v);
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_bucket_allows_a_burst_then_refills_evenly() {
        let limiter = Limiter::default();
        let t0 = Instant::now();
        for _ in 0..60 {
            assert_eq!(limiter.take(1, 60, t0), Ok(()));
        }
        assert_eq!(limiter.take(1, 60, t0), Err(1));
        // Another token has its own bucket.
        assert_eq!(limiter.take(2, 60, t0), Ok(()));
        // One request a second comes back.
        assert_eq!(limiter.take(1, 60, t0 + Duration::from_millis(1100)), Ok(()));
        assert!(limiter.take(1, 60, t0 + Duration::from_millis(1100)).is_err());
    }

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(valid_key("a"));
        assert!(valid_key("2026-11-27/follow-up/17"));
        assert!(!valid_key(""));
        assert!(!valid_key("has space"));
        assert!(!valid_key("中文"));
        assert!(!valid_key(&"x".repeat(101)));
    }
}
