//! One error type for every handler: a status, a short Chinese message for the user, and for
//! internal errors the chain in the log only. HTML callers get a page, /api callers JSON.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    NotFound(String),
    #[error("{reason}")]
    Denied { reason: String, action: String, entity: String, entity_id: String },
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    #[error("尝试过于频繁，请稍后再试")]
    TooMany,
    /// A credential that is not accepted (an API token): 401 with the reason.
    #[error("{0}")]
    Unauthorized(String),
    /// Not signed in: a redirect to the sign-in page (HTML) or 401 (API).
    #[error("请先登录")]
    SignIn { next: String, expired: bool },
    /// Every database connection stayed in use for the pool's whole wait (the instance is
    /// overloaded, or its pool too small): 503, worth trying again.
    #[error("系统繁忙，请稍后再试")]
    Busy,
    #[error("系统内部错误，请稍后再试；如果反复出现，请联系管理员")]
    Internal(String),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// Attached to a denial response so the audit middleware records it.
#[derive(Debug, Clone)]
pub struct Denial {
    pub reason: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
}

impl AppError {
    pub fn denied(reason: impl ToString, action: &str, entity: &str, entity_id: impl ToString) -> AppError {
        AppError::Denied { reason: reason.to_string(), action: action.into(), entity: entity.into(), entity_id: entity_id.to_string() }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Denied { .. } => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::SignIn { .. } => StatusCode::UNAUTHORIZED,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::NotFound(_) => "找不到页面",
            AppError::Denied { .. } => "无权访问",
            AppError::BadRequest(_) => "输入有误",
            AppError::Conflict(_) => "数据冲突",
            AppError::TooMany => "请稍后再试",
            AppError::Unauthorized(_) => "请先登录",
            AppError::SignIn { .. } => "请先登录",
            AppError::Busy => "系统繁忙",
            AppError::Internal(_) => "出错了",
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(m) => AppError::NotFound(m),
            StoreError::Invalid(m) => AppError::BadRequest(m),
            StoreError::Conflict(m) => AppError::Conflict(m),
            StoreError::Duplicate { message, .. } => AppError::Conflict(message),
            busy if busy.is_busy() => AppError::Busy,
            other => AppError::Internal(format!("{other}: {other:?}")),
        }
    }
}

impl From<search::Error> for AppError {
    fn from(e: search::Error) -> Self {
        match e {
            search::Error::Store(s) => s.into(),
            search::Error::Invalid(m) => AppError::BadRequest(m),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(chain) = &self {
            tracing::error!(error = %chain, "internal error");
        }
        if let AppError::Busy = &self {
            tracing::warn!("no database connection became free in time: the pool (database.max_connections) is too small for the traffic");
        }
        let status = self.status();
        let detail = self.to_string();
        let mut response = match &self {
            AppError::SignIn { next, expired } => {
                let mut to = format!("/login?next={}", crate::forms::url_encode(next));
                if *expired {
                    to.push_str("&expired=1");
                }
                Redirect::to(&to).into_response()
            }
            _ => {
                let page = crate::views::ErrorPage { title: self.title(), message: detail.clone(), status: status.as_u16() };
                (status, [(header::CACHE_CONTROL, "no-store")], page.to_html()).into_response()
            }
        };
        if let AppError::Denied { reason, action, entity, entity_id } = self {
            response.extensions_mut().insert(Denial { reason, action, entity, entity_id });
        }
        response.extensions_mut().insert(ErrorBody { status, detail });
        response
    }
}

/// What an API client receives instead of the HTML page: RFC 9457 problem details
/// (the API middleware turns any response carrying this into JSON).
#[derive(Debug, Clone)]
pub struct ErrorBody {
    pub status: StatusCode,
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_that_stays_busy_answers_503_in_chinese_and_other_database_errors_500() {
        let busy = AppError::from(StoreError::Db(sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)));
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.to_string(), "系统繁忙，请稍后再试");
        let closed = AppError::from(StoreError::Db(sea_orm::DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed)));
        assert_eq!(closed.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let broken = AppError::from(StoreError::Db(sea_orm::DbErr::Custom("broken".into())));
        assert_eq!(broken.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}
