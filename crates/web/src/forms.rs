//! Form bodies and query strings read leniently into name → values, so that a malformed
//! request gets a Chinese message instead of the framework's English rejection.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;

use crate::error::AppError;

/// The answer to input carrying a NUL character.
pub const NUL_MESSAGE: &str = "提交的内容含有无效的控制字符（NUL），请删除后重试";

/// Largest form body accepted (file uploads have their own limits).
pub const FORM_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(bytes: &[u8]) -> Result<FormData, AppError> {
        let fields = serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).map_err(|_| AppError::BadRequest("提交的表单无法识别，请刷新页面后重试".into()))?;
        // A NUL character is never text anyone typed, and PostgreSQL cannot store it.
        if fields.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) {
            return Err(AppError::BadRequest(NUL_MESSAGE.into()));
        }
        Ok(FormData(fields))
    }

    /// The first value of a field, trimmed; empty when absent.
    pub fn get(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).unwrap_or_default()
    }

    /// The value untrimmed (passwords).
    pub fn raw(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.trim().to_string()).collect()
    }

    pub fn checked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && !v.is_empty() && v != "0" && v != "false")
    }

    /// An optional id field: empty is `None`, anything not a number is an error naming the field.
    pub fn id(&self, name: &str, label: &str) -> Result<Option<i64>, AppError> {
        let v = self.get(name);
        if v.is_empty() {
            return Ok(None);
        }
        v.parse().map(Some).map_err(|_| AppError::BadRequest(format!("「{label}」的取值无效")))
    }
}

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| AppError::BadRequest("提交的内容过大或不完整".into()))?;
        if bytes.len() > FORM_LIMIT {
            return Err(AppError::BadRequest("提交的内容过大".into()));
        }
        FormData::parse(&bytes)
    }
}

/// The query string, read the same way.
#[derive(Debug, Clone, Default)]
pub struct Query(pub FormData);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or_default();
        FormData::parse(q.as_bytes()).map(Query)
    }
}

pub fn url_encode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)]).map(|s| s[1..].to_string()).unwrap_or_default()
}

/// A path parameter that must be a record id; anything else is "not found", never a panic.
pub fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| AppError::NotFound("没有这条记录".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_values() {
        let form = FormData::parse("a=+x+&roles=officer&roles=leader&n=12&bad=%E4%B8%AD".as_bytes()).unwrap();
        assert_eq!(form.get("a"), "x");
        assert_eq!(form.raw("a"), " x ");
        assert_eq!(form.all("roles"), vec!["officer", "leader"]);
        assert_eq!(form.id("n", "编号").unwrap(), Some(12));
        assert_eq!(form.get("bad"), "中");
        assert!(form.id("a", "编号").is_err());
        assert_eq!(form.id("missing", "编号").unwrap(), None);
    }

    #[test]
    fn ids_from_paths() {
        assert_eq!(parse_id("42").unwrap(), 42);
        for bad in ["", "-1", "0", "1e3", "../1", "99999999999999999999"] {
            assert!(parse_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn url_encoding() {
        assert_eq!(url_encode("/users?q=张"), "%2Fusers%3Fq%3D%E5%BC%A0");
    }
}
