//! The signed-in account, units and users (read only).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;

use domain::access::{Access, Owner, Power};
use store::entities::{unit, user};

use super::Errors;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{Query, parse_id};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Unit {
    pub id: i64,
    /// 单位代码（区县为行政区划代码）
    pub code: String,
    pub name: String,
    /// bureau / county / park / office / department
    pub kind: String,
    pub region_code: String,
    pub parent_id: Option<i64>,
    pub active: bool,
}

impl From<unit::Model> for Unit {
    fn from(u: unit::Model) -> Unit {
        Unit { id: u.id, code: u.code, name: u.name, kind: u.kind, region_code: u.region_code, parent_id: u.parent_id, active: u.active }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit_id: i64,
    /// admin / bureau / leader / unit_head / officer / department / viewer
    pub roles: Vec<String>,
    pub active: bool,
}

impl From<user::Model> for User {
    fn from(u: user::Model) -> User {
        User {
            roles: domain::Role::parse_list(&u.roles).unwrap_or_default().into_iter().map(|r| r.code().to_string()).collect(),
            id: u.id,
            username: u.username,
            display_name: u.display_name,
            unit_id: u.unit_id,
            active: u.active,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub unit: Unit,
    pub roles: Vec<String>,
    /// The token this request came with, when it came with one.
    pub token_id: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitList {
    pub items: Vec<Unit>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserList {
    pub items: Vec<User>,
}

/// 当前账号：谁、属于哪个单位、有哪些角色。
#[utoipa::path(get, path = "/api/v1/me", tag = "账号与单位", responses((status = 200, body = Me), Errors))]
pub async fn me(user: CurrentUser) -> Json<Me> {
    Json(Me {
        id: user.user.id,
        username: user.user.username.clone(),
        display_name: user.user.display_name.clone(),
        roles: user.actor.roles.iter().map(|r| r.code().to_string()).collect(),
        token_id: user.token_id,
        unit: user.unit.into(),
    })
}

/// 全部单位（组织结构对所有账号公开）。
#[utoipa::path(get, path = "/api/v1/units", tag = "账号与单位", responses((status = 200, body = UnitList), Errors))]
pub async fn units(State(state): State<AppState>, _user: CurrentUser) -> Result<Json<UnitList>> {
    let units = state.store.units().await?;
    Ok(Json(UnitList { items: units.into_iter().map(Unit::from).collect() }))
}

/// 一个单位。
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "账号与单位", params(("id" = i64, Path, description = "单位 id")), responses((status = 200, body = Unit), Errors))]
pub async fn unit(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Json<Unit>> {
    let id = parse_id(&id)?;
    Ok(Json(state.store.unit(id).await?.into()))
}

/// 用户：本单位的；有全市权限的账号可按 `unit_id` 查任一单位，或不带它查全部。
#[utoipa::path(get, path = "/api/v1/users", tag = "账号与单位",
    params(("unit_id" = Option<i64>, Query, description = "单位 id"), ("q" = Option<String>, Query, description = "姓名或用户名包含")),
    responses((status = 200, body = UserList), Errors))]
pub async fn users(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<UserList>> {
    // The same rule as the users page: the city-wide see every unit, others their own.
    let see_all = user.actor.can(Power::SeeAllUnits).is_ok();
    let unit_filter = if see_all { q.id("unit_id", "单位")? } else { Some(user.unit.id) };
    let users = state.store.users(unit_filter, &q.get("q")).await?;
    Ok(Json(UserList { items: users.into_iter().map(User::from).collect() }))
}

/// 一个用户（其他单位的用户须有全市权限）。
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "账号与单位", params(("id" = i64, Path, description = "用户 id")), responses((status = 200, body = User), Errors))]
pub async fn user(State(state): State<AppState>, viewer: CurrentUser, Path(id): Path<String>) -> Result<Json<User>> {
    let id = parse_id(&id)?;
    let target = state.store.user(id).await?;
    viewer.may(Access::Read, Owner::unit(target.unit_id), "user", id)?;
    Ok(Json(target.into()))
}
