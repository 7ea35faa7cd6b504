//! Follow-ups (对接记录): every visit, call and meeting with a company.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::access::{Access, Owner};
use store::follow_ups::{FollowUpFilter, FollowUpView};

use super::{Body, Cursor, Errors, Paging, created, date_text, form_from, list_of};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::routes::followups as page;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUp {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub target_id: Option<i64>,
    pub project_id: Option<i64>,
    pub event_id: Option<i64>,
    /// 记录人的单位
    pub unit_id: i64,
    pub unit_name: String,
    pub user_id: i64,
    pub user_name: String,
    #[schema(format = Date)]
    pub happened_on: String,
    /// visit（拜访）/ hosted（接待来访）/ call / video / meeting / event / service / site_check …
    pub kind: String,
    pub place: String,
    /// 纬度，百万分之一度
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub participants: String,
    pub summary: String,
    pub next_step: String,
    #[schema(format = Date)]
    pub next_due: Option<String>,
    pub next_done: bool,
    /// 附件个数（文件经页面查看）
    pub attachments: u64,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<FollowUpView> for FollowUp {
    fn from(v: FollowUpView) -> FollowUp {
        let f = v.follow_up;
        FollowUp {
            id: f.id,
            enterprise_id: f.enterprise_id,
            enterprise_name: v.enterprise_name,
            target_id: f.target_id,
            project_id: f.project_id,
            event_id: f.event_id,
            unit_id: f.unit_id,
            unit_name: v.unit_name,
            user_id: f.user_id,
            user_name: v.user_name,
            happened_on: f.happened_on.to_string(),
            kind: f.kind,
            place: f.place,
            latitude_e6: f.latitude_e6,
            longitude_e6: f.longitude_e6,
            participants: f.participants,
            summary: f.summary,
            next_step: f.next_step,
            next_due: date_text(f.next_due),
            next_done: f.next_done,
            attachments: v.attachments.len() as u64,
            created_at: f.created_at,
        }
    }
}

list_of!(FollowUpList, FollowUp);

/// A follow-up as the phone form records it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct FollowUpWrite {
    pub enterprise_id: i64,
    /// 归入本单位的目标企业（须有其写权限）
    pub target_id: Option<i64>,
    /// 归入项目（须有其写权限）
    pub project_id: Option<i64>,
    /// 默认今天
    #[schema(format = Date)]
    pub happened_on: Option<String>,
    /// visit（拜访）/ hosted（接待来访）/ call / video / meeting / event / service / site_check …
    pub kind: String,
    pub place: Option<String>,
    /// 纬度（度），如 "33.067321"
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub participants: Option<String>,
    /// 对接情况（必填，5000 字以内）
    pub summary: String,
    pub next_step: Option<String>,
    #[schema(format = Date)]
    pub next_due: Option<String>,
    /// 客户端生成的唯一键（8–64 位字母数字或 -）；同一键重发不会重复保存。不填则自动生成。
    pub client_key: Option<String>,
}

/// 对接记录：本账号可见的（本单位记录的；全市权限见全部），新的在前。
#[utoipa::path(get, path = "/api/v1/followups", tag = "对接记录",
    params(
        ("enterprise_id" = Option<i64>, Query, description = "企业"),
        ("target_id" = Option<i64>, Query, description = "目标企业"),
        ("project_id" = Option<i64>, Query, description = "项目"),
        ("since" = Option<String>, Query, format = Date, description = "此日期及以后"),
        Paging),
    responses((status = 200, body = FollowUpList), Errors))]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<FollowUpList>> {
    let cursor = Cursor::from_query(&q)?;
    let since = match q.get("since") {
        v if v.is_empty() => None,
        v => Some(chrono::NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| AppError::BadRequest("「since」应为 2026-11-27 这样的日期".into()))?),
    };
    let filter = FollowUpFilter {
        enterprise_id: q.id("enterprise_id", "企业")?,
        target_id: q.id("target_id", "目标企业")?,
        project_id: q.id("project_id", "项目")?,
        since,
        page: cursor.page,
        per_page: cursor.limit,
    };
    let rows = state.store.follow_ups_page(&filter, user.actor.visibility()).await?;
    let next = cursor.next(rows.len(), None);
    Ok(Json(FollowUpList { items: rows.into_iter().map(FollowUp::from).collect(), next_cursor: next, total: None }))
}

/// 一条对接记录（其他单位的不可见）。
#[utoipa::path(get, path = "/api/v1/followups/{id}", tag = "对接记录", params(("id" = i64, Path, description = "对接记录 id")), responses((status = 200, body = FollowUp), Errors))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Json<FollowUp>> {
    let id = parse_id(&id)?;
    let f = state.store.follow_up(id).await?;
    user.may(Access::Read, Owner::unit(f.unit_id), "follow_up", id)?;
    let view = state.store.follow_up_view(id).await?;
    Ok(Json(view.into()))
}

/// 记一次对接（记在本人和本单位名下）。同一 `client_key` 重发返回已保存的那条（200）。
#[utoipa::path(post, path = "/api/v1/followups", tag = "对接记录", request_body = FollowUpWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = FollowUp), (status = 200, description = "同一 client_key 已保存过", body = FollowUp), Errors))]
pub async fn create(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<FollowUpWrite>) -> Result<Response> {
    page::require_writer(&user)?;
    let mut form: FormData = form_from(&body);
    if form.get("client_key").is_empty() {
        form.0.retain(|(k, _)| k != "client_key");
        form.0.push(("client_key".into(), store::passwords::random_token()[..32].to_string()));
    }
    let enterprise_id = form.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请先选择企业".into()))?;
    state.store.enterprise(enterprise_id).await?;
    let input = page::parse_input(&form, enterprise_id)?;
    page::check_links(&state, &user, &input).await?;
    let (saved, fresh) = state.store.create_follow_up(&user.who(), user.user.id, user.unit.id, &input, Vec::new()).await?;
    let view = FollowUp::from(state.store.follow_up_view(saved.id).await?);
    if fresh {
        Ok(created(format!("/api/v1/followups/{}", saved.id), view))
    } else {
        use axum::response::IntoResponse;
        Ok(Json(view).into_response())
    }
}
