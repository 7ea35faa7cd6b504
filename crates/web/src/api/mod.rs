//! The open API under `/api/v1`: JSON over the same store calls, permission checks and input
//! parsers as the pages (a request body is read into the same `FormData` a page form gives, so a
//! value the page refuses the API refuses with the same Chinese message). Errors are RFC 9457
//! problem details (`auth::api_errors`). The OpenAPI document is derived from the handlers and
//! the types below (utoipa) and served at `/api/openapi.json`, readable at `/api/docs`.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{AppError, Result};
use crate::forms::FormData;
use crate::AppState;

mod companies;
pub mod docs;
mod followups;
pub mod guard;
mod people;
mod projects;
mod reports;
mod targets;

/// The most records one list call returns.
pub const MAX_LIMIT: u64 = 200;
pub const DEFAULT_LIMIT: u64 = 50;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "招商管理系统开放接口",
        version = "1.0.0",
        description = "供统计、省级项目库、企业微信小程序等系统和脚本读写招商数据。\n\n\
            **认证**：在「账户 → 接口令牌」或用 `zhaoshang token create --user 用户名` 创建令牌，\
            每个请求带 `Authorization: Bearer <令牌>`。令牌只有创建它的账号的权限，可设有效期、可随时吊销。\n\n\
            **错误**：一律为 RFC 9457 problem details（`application/problem+json`），`detail` 为中文说明。\n\n\
            **分页**：列表返回 `next_cursor`；把它作为 `cursor` 参数再请求即得下一页，为 null 时已到末页。\n\n\
            **并发修改**：修改时须带上读到的 `version`；期间他人已改则返回 409，请重新读取后再改。\n\n\
            **幂等**：POST 请求可带 `Idempotency-Key` 头（1–100 个可见 ASCII 字符）；同一令牌同一键 24 小时内重发，\
            返回第一次的结果而不再执行；键相同而内容不同返回 422。\n\n\
            **限流**：每个令牌每分钟默认 600 次，超出返回 429 并带 `Retry-After`。\n\n\
            **金额**：读出的金额单位均为「万元」的百分之一（整数，即 1 万元 = 100），写入时与页面表单相同，\
            可写「5000」「1.2亿」「300万美元」等。日期为 `YYYY-MM-DD`。"
    ),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    tags(
        (name = "账号与单位", description = "当前账号、单位、用户"),
        (name = "企业库", description = "企业及联系人"),
        (name = "目标企业", description = "各单位的目标企业"),
        (name = "对接记录", description = "拜访、电话、会谈等对接记录"),
        (name = "项目", description = "项目及阶段推进、核查、到位资金、服务诉求"),
        (name = "招商活动", description = "推介会、展会等活动"),
        (name = "考核与调度", description = "月度考核结果、周调度报告"),
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.description = Some("接口令牌（zs_ 开头）".into());
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

/// Every API route with the OpenAPI document derived from them.
pub fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(people::me))
        .routes(routes!(people::units))
        .routes(routes!(people::unit))
        .routes(routes!(people::users))
        .routes(routes!(people::user))
        .routes(routes!(companies::list, companies::create))
        .routes(routes!(companies::get, companies::update))
        .routes(routes!(companies::contacts, companies::add_contact))
        .routes(routes!(targets::list, targets::create))
        .routes(routes!(targets::get, targets::update))
        .routes(routes!(followups::list, followups::create))
        .routes(routes!(followups::get))
        .routes(routes!(projects::list, projects::create))
        .routes(routes!(projects::get, projects::update))
        .merge(OpenApiRouter::new().routes(routes!(projects::advance)).layer(axum::extract::DefaultBodyLimit::max(EVIDENCE_LIMIT)))
        .routes(routes!(projects::change_state))
        .routes(routes!(projects::funds, projects::add_funds))
        .routes(routes!(projects::verifications, projects::verify))
        .routes(routes!(projects::requests, projects::create_request))
        .routes(routes!(projects::update_request))
        .routes(routes!(reports::events, reports::create_event))
        .routes(routes!(reports::event, reports::update_event))
        .routes(routes!(reports::runs))
        .routes(routes!(reports::run))
        .routes(routes!(reports::dispatch))
        .split_for_parts()
}

/// The OpenAPI document, built once.
pub fn openapi() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::LazyLock<utoipa::openapi::OpenApi> = std::sync::LazyLock::new(|| router().1);
    &DOC
}

/// (method, path) of every API operation, for the route walk.
pub fn operations() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, item) in &openapi().paths.paths {
        let methods = [("GET", item.get.is_some()), ("POST", item.post.is_some()), ("PATCH", item.patch.is_some()), ("PUT", item.put.is_some()), ("DELETE", item.delete.is_some())];
        for (method, present) in methods {
            if present {
                out.push((method.to_string(), path.clone()));
            }
        }
    }
    out
}

/// An RFC 9457 problem: what every error answer of the API is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status phrase.
    pub title: String,
    pub status: u16,
    /// What went wrong, in Chinese, for the person running the script.
    pub detail: String,
}

/// The error answers any operation may give, each a [`Problem`].
#[derive(utoipa::IntoResponses)]
#[allow(dead_code)]
pub enum Errors {
    /// 请求无法解析
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(Problem),
    /// 未登录，或令牌无效、已过期、已吊销
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(Problem),
    /// 无权查看或修改（每次拒绝都记入审计日志）
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(Problem),
    /// 没有这条记录
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(Problem),
    /// 与现有数据冲突：version 已过期、重复登记等
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(Problem),
    /// 输入有误，`detail` 说明哪一项、为什么
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(Problem),
    /// 请求过于频繁
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(Problem),
}

/// A JSON request body of at most `LIMIT` bytes; anything that is not the documented object is
/// refused in Chinese.
pub struct Body<T, const LIMIT: usize = { crate::forms::FORM_LIMIT }>(pub T, pub Value);

/// The largest body with evidence files: one file at its limit, in base64, and the rest.
pub const EVIDENCE_LIMIT: usize = crate::routes::followups::MAX_FILE_BYTES / 3 * 4 + 1024 * 1024;

impl<S: Send + Sync, T: DeserializeOwned, const LIMIT: usize> FromRequest<S> for Body<T, LIMIT> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            v.starts_with("application/json") || (v.starts_with("application/") && v.contains("+json"))
        });
        if !json {
            return Err(AppError::BadRequest("请求体应为 JSON（Content-Type: application/json）".into()));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await.map_err(|_| AppError::BadRequest("请求体过大或不完整".into()))?;
        if bytes.len() > LIMIT {
            return Err(AppError::BadRequest("请求体过大".into()));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| AppError::BadRequest(format!("请求体不是有效的 JSON：{}", json_error(&e))))?;
        if !value.is_object() {
            return Err(AppError::BadRequest("请求体应为一个 JSON 对象".into()));
        }
        if has_nul(&value) {
            return Err(AppError::BadRequest(crate::forms::NUL_MESSAGE.into()));
        }
        let typed = serde_json::from_value::<T>(value.clone()).map_err(|e| AppError::BadRequest(format!("请求体字段有误：{}", json_error(&e))))?;
        Ok(Body(typed, value))
    }
}

/// Whether any key or string in the value carries a NUL character.
fn has_nul(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains('\0'),
        Value::Array(items) => items.iter().any(has_nul),
        Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// serde's message with its English words for the common cases put into Chinese.
fn json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if let Some(rest) = text.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("没有「{name}」这个字段");
    }
    if let Some(rest) = text.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return format!("缺少字段「{name}」");
    }
    if text.starts_with("invalid type") {
        return format!("字段类型不对（{text}）");
    }
    text
}

/// A JSON object read into the form a page would have posted: strings as they are, numbers in
/// decimal, `true` as "1", `false` and `null` as empty, arrays as repeated fields.
pub fn form_from(value: &Value) -> FormData {
    let mut fields = Vec::new();
    if let Value::Object(map) = value {
        for (key, v) in map {
            push_field(&mut fields, key, v);
        }
    }
    FormData(fields)
}

fn push_field(fields: &mut Vec<(String, String)>, key: &str, v: &Value) {
    match v {
        Value::Null => fields.push((key.to_string(), String::new())),
        Value::Bool(b) => fields.push((key.to_string(), if *b { "1".into() } else { String::new() })),
        Value::Number(n) => fields.push((key.to_string(), n.to_string())),
        Value::String(s) => fields.push((key.to_string(), s.clone())),
        Value::Array(items) => {
            for item in items {
                push_field(fields, key, item);
            }
        }
        Value::Object(_) => fields.push((key.to_string(), v.to_string())),
    }
}

/// A record's current form with the fields a PATCH body names replaced (null clears a field).
pub fn overlay(mut current: FormData, patch: &Value) -> FormData {
    let given = form_from(patch);
    if let Value::Object(map) = patch {
        current.0.retain(|(k, _)| !map.contains_key(k));
    }
    current.0.extend(given.0);
    current
}

/// The version a PATCH must carry (optimistic locking).
pub fn version_in(value: &Value) -> Result<i32> {
    value
        .get("version")
        .and_then(Value::as_i64)
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| AppError::BadRequest("请带上读取时的 version，以免覆盖他人的修改".into()))
}

/// The `limit` of a list query: 1 to `MAX_LIMIT`, `DEFAULT_LIMIT` when absent.
pub fn limit_of(q: &FormData) -> Result<u64> {
    match q.get("limit") {
        v if v.is_empty() => Ok(DEFAULT_LIMIT),
        v => v.parse::<u64>().ok().filter(|n| (1..=MAX_LIMIT).contains(n)).ok_or_else(|| AppError::BadRequest(format!("「limit」应为 1–{MAX_LIMIT} 的整数"))),
    }
}

/// The answer to a cursor this server did not give out.
pub fn bad_cursor() -> AppError {
    AppError::BadRequest("「cursor」无效：请使用上一页返回的 next_cursor".into())
}

/// Where a list continues: an opaque cursor over the list's own order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// The zero-based page of `limit` records.
    pub page: u64,
    pub limit: u64,
}

impl Cursor {
    /// From `cursor` and `limit` of the query; a cursor keeps the limit it was made with.
    pub fn from_query(q: &FormData) -> Result<Cursor> {
        let limit = limit_of(q)?;
        match q.get("cursor") {
            v if v.is_empty() => Ok(Cursor { page: 0, limit }),
            v => Cursor::decode(&v).ok_or_else(bad_cursor),
        }
    }

    fn decode(text: &str) -> Option<Cursor> {
        let bytes = hex::decode(text).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        let (page, limit) = text.strip_prefix("p")?.split_once(':')?;
        let cursor = Cursor { page: page.parse().ok()?, limit: limit.parse().ok()? };
        ((1..=MAX_LIMIT).contains(&cursor.limit) && cursor.page <= 1_000_000).then_some(cursor)
    }

    pub fn encode(self) -> String {
        hex::encode(format!("p{}:{}", self.page, self.limit))
    }

    /// The cursor of the page after this one, when there is more.
    pub fn next(self, returned: usize, total: Option<u64>) -> Option<String> {
        let seen = (self.page + 1).saturating_mul(self.limit);
        let more = match total {
            Some(total) => seen < total,
            None => returned as u64 == self.limit,
        };
        more.then(|| Cursor { page: self.page + 1, limit: self.limit }.encode())
    }
}

/// A created record: 201 with its address.
pub fn created<T: Serialize>(location: String, body: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}

/// Declares a list type `$name { items: Vec<$item>, next_cursor, total }` for the document.
macro_rules! list_of {
    ($name:ident, $item:ty) => {
        #[derive(Debug, serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Pass as `cursor` for the next page; null on the last page.
            pub next_cursor: Option<String>,
            /// How many records match the filter (null where counting would cost too much).
            pub total: Option<u64>,
        }
    };
}
pub(crate) use list_of;

/// The query parameters every list takes.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Records per page, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
}

/// A date as the API writes it (`YYYY-MM-DD`).
pub fn date_text(d: Option<chrono::NaiveDate>) -> Option<String> {
    d.map(|d| d.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let c = Cursor { page: 3, limit: 20 };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        for bad in ["", "zz", &hex::encode("p1:0"), &hex::encode("p1:999"), &hex::encode("x1:2"), &hex::encode("p-1:2")] {
            assert_eq!(Cursor::decode(bad), None, "{bad}");
        }
        // Pages 0 to 3 of 20 cover 80 records.
        assert_eq!(c.next(20, Some(81)), Some(Cursor { page: 4, limit: 20 }.encode()));
        assert_eq!(c.next(20, Some(80)), None);
        assert_eq!(c.next(19, None), None);
    }

    #[test]
    fn bodies_become_page_forms() {
        let v = serde_json::json!({"name": "甲", "n": 12, "yes": true, "no": false, "none": null, "tags": ["a", "b"]});
        let f = form_from(&v);
        assert_eq!(f.get("name"), "甲");
        assert_eq!(f.get("n"), "12");
        assert!(f.checked("yes"));
        assert!(!f.checked("no"));
        assert_eq!(f.get("none"), "");
        assert_eq!(f.all("tags"), vec!["a", "b"]);
        let current = FormData(vec![("name".into(), "旧".into()), ("note".into(), "留".into()), ("tags".into(), "x".into())]);
        let merged = overlay(current, &serde_json::json!({"name": "新", "tags": ["y", "z"]}));
        assert_eq!(merged.get("name"), "新");
        assert_eq!(merged.get("note"), "留");
        assert_eq!(merged.all("tags"), vec!["y", "z"]);
    }
}
