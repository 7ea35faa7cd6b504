//! Who is asking, and may they: the session middleware (deny by default, outside an explicit
//! public list), CSRF on every unsafe request, forced password change, and the audit of every
//! denial. Handlers receive `CurrentUser` and ask it `can` / `may`.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use domain::access::{Access, Actor, Owner, Power};
use domain::Role;
use store::entities::{unit, user};
use store::{Who, audit};

use crate::error::{AppError, Denial, ErrorBody};
use crate::forms::{FORM_LIMIT, FormData};
use crate::AppState;

pub const SESSION_COOKIE: &str = "zs_session";
pub const PRE_SESSION_COOKIE: &str = "zs_csrf";

/// Paths anyone may request: sign-in, operations probes, static assets and the API's documentation.
pub const PUBLIC_PATHS: [&str; 6] = ["/login", "/healthz", "/readyz", "/metrics", "/api/openapi.json", "/api/docs"];
pub const PUBLIC_PREFIXES: [&str; 1] = ["/assets/"];

pub fn is_public(path: &str) -> bool {
    PUBLIC_PATHS.contains(&path) || PUBLIC_PREFIXES.iter().any(|p| path.starts_with(p))
}

/// Paths a user who must change their password may still reach.
const WHILE_PASSWORD_CHANGE: [&str; 2] = ["/account/password", "/logout"];

/// The caller's address: the peer, or the client named by a trusted proxy.
#[derive(Debug, Clone)]
pub struct ClientIp(pub String);

/// The signed-in user of this request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: user::Model,
    pub unit: unit::Model,
    pub actor: Actor,
    pub session_id: i64,
    pub csrf: String,
    pub ip: String,
    /// Whether the password must be changed before anything else.
    pub must_change_password: bool,
    /// Unread notifications (the bell in the top bar); counted for pages only.
    pub unread: u64,
    /// The API token the request came with (then `session_id` is 0 and there is no CSRF token).
    pub token_id: Option<i64>,
}

impl CurrentUser {
    pub fn who(&self) -> Who {
        Who { user_id: Some(self.user.id), username: self.user.username.clone(), unit_id: Some(self.unit.id), ip: self.ip.clone() }
    }

    pub fn has(&self, role: Role) -> bool {
        self.actor.has(role)
    }

    /// A city-wide power; the denial names what was attempted and is audited by the middleware.
    pub fn can(&self, power: Power, action: &str, entity: &str, entity_id: impl ToString) -> Result<(), AppError> {
        self.actor.can(power).map_err(|d| AppError::denied(d, action, entity, entity_id))
    }

    /// Access to one record owned as `owner` says.
    pub fn may(&self, access: Access, owner: Owner, entity: &str, entity_id: impl ToString) -> Result<(), AppError> {
        let action = match access {
            Access::Read => "read",
            Access::Write => "write",
        };
        self.actor.may(access, owner).map_err(|d| AppError::denied(d, action, entity, entity_id))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<CurrentUser>().cloned().ok_or_else(|| AppError::SignIn { next: "/".into(), expired: false })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<ClientIp>().cloned().unwrap_or(ClientIp(String::new())))
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
        .filter(|v| !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub fn set_cookie(state: &AppState, name: &str, value: &str, clear: bool) -> String {
    let secure = if state.config.cookies_secure() { "; Secure" } else { "" };
    let age = if clear { "; Max-Age=0" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}")
}

fn client_ip(state: &AppState, req: &Request) -> String {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let trusted = |ip: &IpAddr| state.config.server.trusted_proxies.iter().any(|p| p.parse::<IpAddr>().ok() == Some(*ip));
    match peer {
        Some(peer) if trusted(&peer) => {
            // The right-most address that is not one of our proxies is the client.
            let forwarded = req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()).unwrap_or_default();
            forwarded
                .split(',')
                .rev()
                .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                .find(|ip| !trusted(ip))
                .unwrap_or(peer)
                .to_string()
        }
        Some(peer) => peer.to_string(),
        None => String::new(),
    }
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn origin_matches(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else { return true };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let origin_host = origin.split("://").nth(1).unwrap_or_default();
    origin_host == host
}

/// Takes the CSRF token from the header, or from the form body (which is read and put back).
async fn supplied_csrf(req: Request) -> Result<(Request, String), AppError> {
    if let Some(token) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        let token = token.to_string();
        return Ok((req, token));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    if content_type.starts_with("multipart/form-data") {
        // File uploads are not read twice: their form carries the token in its action URL.
        let query = req.uri().query().unwrap_or_default();
        let token = FormData::parse(query.as_bytes()).map(|f| f.get("csrf_token")).unwrap_or_default();
        return Ok((req, token));
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok((req, String::new()));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| AppError::BadRequest("提交的内容过大".into()))?;
    let token = FormData::parse(&bytes).map(|f| f.get("csrf_token")).unwrap_or_default();
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

/// The middleware behind every route.
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = client_ip(&state, &req);
    req.extensions_mut().insert(ClientIp(ip.clone()));
    let path = req.uri().path().to_string();
    let path_and_query = req.uri().path_and_query().map_or(path.clone(), |p| p.as_str().to_string());

    let mut current = None;
    let mut stale_cookie = false;
    // Under /api a bearer token stands for the session: it carries no ambient authority (a
    // browser never sends it on its own), so it needs no CSRF token; cookies are then ignored.
    let bearer = path
        .starts_with("/api/")
        .then(|| req.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")).map(|v| v.trim().to_string()))
        .flatten();
    if let Some(secret) = &bearer {
        match crate::api::guard::token_user(&state, secret, &ip).await {
            Ok(user) => {
                if let Err(response) = crate::api::guard::rate_limit(&state, &user) {
                    return response;
                }
                current = Some(user);
            }
            Err(response) => return response,
        }
    } else if let Some(token) = cookie(req.headers(), SESSION_COOKIE) {
        // A page view shows the unread notifications: counted in the session's own statement
        // (not for assets, probes or the API).
        let page_view = req.method() == Method::GET && !is_public(&path) && !path.starts_with("/api/");
        match load_user(&state, &token, &ip, page_view).await {
            Ok(Some(user)) => current = Some(user),
            Ok(None) => stale_cookie = true,
            Err(e) => return e.into_response(),
        }
    }

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method && bearer.is_none() {
        let expected = match &current {
            Some(c) => Some(c.csrf.clone()),
            None => cookie(req.headers(), PRE_SESSION_COOKIE),
        };
        let origin_ok = origin_matches(req.headers());
        let (r, supplied) = match supplied_csrf(req).await {
            Ok(v) => v,
            Err(e) => return e.into_response(),
        };
        req = r;
        let ok = origin_ok && expected.is_some_and(|e| !supplied.is_empty() && constant_time_eq(&e, &supplied));
        if !ok {
            let who = current.as_ref().map(CurrentUser::who).unwrap_or(Who { user_id: None, username: String::new(), unit_id: None, ip: ip.clone() });
            let event = audit::Event::new("csrf", "request", &path).outcome(audit::DENIED).detail(format!("{} {path}", req.method()));
            if let Err(e) = state.store.audit(&who, event).await {
                tracing::error!(error = %e, "auditing a CSRF rejection failed");
            }
            let mut response = AppError::BadRequest("页面已过期或来源不明，请刷新页面后重新提交".into()).into_response();
            *response.status_mut() = StatusCode::FORBIDDEN;
            return response;
        }
    }

    if !is_public(&path) {
        let Some(user) = &current else {
            let mut response = AppError::SignIn { next: path_and_query, expired: stale_cookie }.into_response();
            if stale_cookie {
                append_cookie(&mut response, &set_cookie(&state, SESSION_COOKIE, "", true));
            }
            return response;
        };
        if user.must_change_password && !WHILE_PASSWORD_CHANGE.contains(&path.as_str()) && !path.starts_with("/api/") {
            return Redirect::to("/account/password").into_response();
        }
    }

    let who = current.as_ref().map(CurrentUser::who);
    if let Some(user) = current {
        req.extensions_mut().insert(user);
    }
    // The search outbox notes this account as the writer of what the request changes.
    let account = who.as_ref().and_then(|w| w.user_id);
    let mut response = store::search_feed::writing_as(account, next.run(req)).await;
    // The writer's own next searches read what this request wrote until the index holds it.
    if unsafe_method && let Some(user_id) = account {
        state.search.note_write(user_id);
    }
    if let Some(denial) = response.extensions().get::<Denial>().cloned() {
        let who = who.unwrap_or(Who { user_id: None, username: String::new(), unit_id: None, ip });
        let event = audit::Event::new(&denial.action, &denial.entity, &denial.entity_id)
            .outcome(audit::DENIED)
            .detail(format!("{path}：{}", denial.reason));
        if let Err(e) = state.store.audit(&who, event).await {
            tracing::error!(error = %e, "auditing a denial failed");
        }
    }
    if stale_cookie {
        append_cookie(&mut response, &set_cookie(&state, SESSION_COOKIE, "", true));
    }
    response
}

pub fn append_cookie(response: &mut Response, cookie: &str) {
    if let Ok(value) = cookie.parse() {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

async fn load_user(state: &AppState, token: &str, ip: &str, page_view: bool) -> Result<Option<CurrentUser>, AppError> {
    let security = &state.config.security;
    let idle = Duration::minutes(security.idle_timeout_minutes);
    let absolute = Duration::hours(security.absolute_timeout_hours);
    let Some(store::sessions::LiveSession { session, user, unread }) = state.store.live_session(token, idle, absolute, page_view).await? else {
        return Ok(None);
    };
    if user.locked_until.is_some_and(|t| t > Utc::now()) {
        state.store.delete_session(session.id).await?;
        return Ok(None);
    }
    state.store.touch_session(&session).await?;
    let unit = state.store.unit(user.unit_id).await?;
    let roles = Role::parse_list(&user.roles).unwrap_or_default();
    let age_days = (Utc::now() - user.password_changed_at).num_days();
    let must_change_password = user.must_change_password || state.config.password.expired(age_days);
    Ok(Some(CurrentUser {
        actor: Actor { user_id: user.id, unit_id: unit.id, roles },
        session_id: session.id,
        csrf: session.csrf_token,
        ip: ip.to_string(),
        must_change_password,
        unread,
        token_id: None,
        user,
        unit,
    }))
}

/// Under /api, errors are RFC 9457 problem details in JSON, and "sign in" is a 401, not a redirect.
pub async fn api_errors(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if is_api { to_problem(response) } else { response }
}

/// An error answer as problem details (RFC 9457); any other answer unchanged. The denial (for the
/// audit), cookies and `Retry-After` go along.
pub fn to_problem(response: Response) -> Response {
    let Some(body) = response.extensions().get::<ErrorBody>().cloned() else { return response };
    // The answer's own status: a handler may have changed it (a CSRF refusal is a 403).
    let status = if response.status().is_redirection() { StatusCode::UNAUTHORIZED } else { response.status() };
    let problem = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": body.detail,
    });
    let mut out = (status, [(header::CONTENT_TYPE, "application/problem+json"), (header::CACHE_CONTROL, "no-store")], problem.to_string()).into_response();
    for (name, value) in response.headers() {
        if name == header::SET_COOKIE || name == header::RETRY_AFTER {
            out.headers_mut().append(name, value.clone());
        }
    }
    if let Some(denial) = response.extensions().get::<Denial>().cloned() {
        out.extensions_mut().insert(denial);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_list_is_explicit() {
        for path in ["/login", "/healthz", "/readyz", "/metrics", "/assets/app.css"] {
            assert!(is_public(path), "{path}");
        }
        for path in ["/", "/users", "/login/x", "/assets", "/api/v1/me", "/healthzz"] {
            assert!(!is_public(path), "{path}");
        }
    }

    #[test]
    fn cookies_are_parsed_strictly() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; zs_session=abc123; b=2".parse().unwrap());
        assert_eq!(cookie(&headers, "zs_session").as_deref(), Some("abc123"));
        headers.insert(header::COOKIE, "zs_session=abc%27;".parse().unwrap());
        assert_eq!(cookie(&headers, "zs_session"), None);
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<CurrentUser>().cloned())
    }
}
