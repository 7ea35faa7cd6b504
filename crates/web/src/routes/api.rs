//! The first JSON endpoints. They use the same session and the same `may` / `can` checks as
//! the pages; errors are problem details (see `auth::api_errors`).

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use domain::access::{Access, Owner};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::parse_id;
use crate::AppState;

pub async fn me(user: CurrentUser) -> Json<Value> {
    Json(json!({
        "id": user.user.id,
        "username": user.user.username,
        "display_name": user.user.display_name,
        "unit": { "id": user.unit.id, "code": user.unit.code, "name": user.unit.name },
        "roles": user.actor.roles,
    }))
}

pub async fn units(State(state): State<AppState>, _user: CurrentUser) -> Result<Json<Value>> {
    let units = state.store.units().await?;
    let items: Vec<Value> = units
        .into_iter()
        .map(|u| json!({ "id": u.id, "code": u.code, "name": u.name, "kind": u.kind, "region_code": u.region_code, "parent_id": u.parent_id, "active": u.active }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

pub async fn user(State(state): State<AppState>, viewer: CurrentUser, Path(id): Path<String>) -> Result<Json<Value>> {
    let id = parse_id(&id)?;
    let target = state.store.user(id).await?;
    viewer.may(Access::Read, Owner::unit(target.unit_id), "user", id)?;
    Ok(Json(json!({
        "id": target.id,
        "username": target.username,
        "display_name": target.display_name,
        "unit_id": target.unit_id,
        "roles": domain::Role::parse_list(&target.roles).unwrap_or_default(),
        "active": target.active,
    })))
}
