//! Target companies (目标企业): each unit's list of the companies it courts.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::access::Access;
use store::targets::TargetRow;

use super::{Body, Cursor, Errors, Paging, created, date_text, form_from, list_of, overlay, version_in};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{Query, parse_id};
use crate::routes::targets as page;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Target {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise_name: String,
    pub uscc: Option<String>,
    /// 负责单位
    pub owner_unit_id: i64,
    pub owner_unit_name: String,
    /// 负责人
    pub owner_user_id: Option<i64>,
    /// A / B / C
    pub priority: String,
    /// 对接状态：not_contacted / contacted / in_talks / intent / converted / dropped
    pub status: String,
    pub drop_reason: String,
    pub source: String,
    pub note: String,
    /// 最近一次对接日期
    #[schema(format = Date)]
    pub last_contact_on: Option<String>,
    /// 所属产业链环节名称
    pub links: Vec<String>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<TargetRow> for Target {
    fn from(r: TargetRow) -> Target {
        let t = r.target;
        Target {
            id: t.id,
            enterprise_id: t.enterprise_id,
            enterprise_name: r.enterprise.name,
            uscc: r.enterprise.uscc,
            owner_unit_id: t.owner_unit_id,
            owner_unit_name: r.unit_name,
            owner_user_id: t.owner_user_id,
            priority: t.priority,
            status: t.status,
            drop_reason: t.drop_reason,
            source: t.source,
            note: t.note,
            last_contact_on: date_text(t.last_contact_on),
            links: r.links,
            created_at: t.created_at,
            updated_at: t.updated_at,
            version: t.version,
        }
    }
}

list_of!(TargetList, Target);

/// A target's fields as on the page. POST needs `enterprise_id` and `priority`; PATCH changes the
/// fields given and needs `version`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct TargetWrite {
    /// 企业 id（仅新建）
    pub enterprise_id: Option<i64>,
    /// 负责单位 id（仅新建；默认本单位，给其他单位建须有其写权限）
    pub unit_id: Option<i64>,
    pub owner_user_id: Option<i64>,
    /// A / B / C
    pub priority: Option<String>,
    /// 对接状态（仅修改）
    pub status: Option<String>,
    /// 放弃原因（状态为 dropped 时必填）
    pub drop_reason: Option<String>,
    pub source: Option<String>,
    pub note: Option<String>,
    /// 产业链环节 id
    pub link_ids: Option<Vec<i64>>,
    pub version: Option<i32>,
}

/// 目标企业：本账号可见的（本单位的；牵头部门另见其产业链的；全市权限见全部）。
#[utoipa::path(get, path = "/api/v1/targets", tag = "目标企业",
    params(
        ("q" = Option<String>, Query, description = "企业名称或信用代码"),
        ("unit_id" = Option<i64>, Query, description = "负责单位"),
        ("chain_id" = Option<i64>, Query, description = "产业链"),
        ("link_id" = Option<i64>, Query, description = "产业链环节"),
        ("status" = Option<String>, Query, description = "对接状态"),
        ("priority" = Option<String>, Query, description = "优先级 A / B / C"),
        ("tag" = Option<String>, Query, description = "企业标签"),
        ("region" = Option<String>, Query, description = "行政区划代码前缀，如 44 或 4403"),
        ("stale" = Option<i64>, Query, description = "至少这么多天未联系"),
        ("mine" = Option<String>, Query, description = "为 1 时只看本人负责的"),
        ("sort" = Option<String>, Query, description = "recent / name / priority / contact"),
        Paging),
    responses((status = 200, body = TargetList), Errors))]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<TargetList>> {
    let cursor = Cursor::from_query(&q)?;
    let mut filter = page::filter_from(&q, &user)?;
    filter.page = cursor.page;
    filter.per_page = cursor.limit;
    let (rows, total) = state.store.list_targets(user.actor.visibility(), &filter).await?;
    let next = cursor.next(rows.len(), Some(total));
    Ok(Json(TargetList { items: rows.into_iter().map(Target::from).collect(), next_cursor: next, total: Some(total) }))
}

/// 一家目标企业。
#[utoipa::path(get, path = "/api/v1/targets/{id}", tag = "目标企业", params(("id" = i64, Path, description = "目标企业 id")), responses((status = 200, body = Target), Errors))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Json<Target>> {
    let id = parse_id(&id)?;
    let row = state.store.target_row(id).await?;
    let owner = page::owner_of(&state, &user, &row.target).await?;
    user.may(Access::Read, owner, "target", id)?;
    Ok(Json(row.into()))
}

/// 把企业库中的一家企业设为目标企业。本单位已有时返回 409。
#[utoipa::path(post, path = "/api/v1/targets", tag = "目标企业", request_body = TargetWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Target), Errors))]
pub async fn create(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<TargetWrite>) -> Result<Response> {
    let new = page::new_target_from(&user, &form_from(&body))?;
    let t = state.store.create_target(&user.who(), &new).await?;
    Ok(created(format!("/api/v1/targets/{}", t.id), Target::from(state.store.target_row(t.id).await?)))
}

/// 修改目标企业（只改给出的字段；须带 version）。
#[utoipa::path(patch, path = "/api/v1/targets/{id}", tag = "目标企业", request_body = TargetWrite, params(("id" = i64, Path, description = "目标企业 id")), responses((status = 200, body = Target), Errors))]
pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<TargetWrite>) -> Result<Json<Target>> {
    let id = parse_id(&id)?;
    let target = state.store.target(id).await?;
    let owner = page::owner_of(&state, &user, &target).await?;
    user.may(Access::Write, owner, "target", id)?;
    let version = version_in(&body)?;
    let linked = state.store.target_link_ids(id).await?;
    let changes = page::changes_from(&overlay(page::form_of(&target, &linked), &body))?;
    state.store.update_target(&user.who(), id, version, &changes).await?;
    Ok(Json(state.store.target_row(id).await?.into()))
}
