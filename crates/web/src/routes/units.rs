//! Units: everyone sees the list; a unit's page needs read access to it; admins change them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::access::{Access, Owner, Power};
use domain::{UnitKind, region};
use store::entities::{unit, user};
use store::units::UnitInput;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::{self, Page};
use crate::AppState;

pub struct UnitRow {
    pub unit: unit::Model,
    pub kind: &'static str,
    pub region: String,
    pub parent: String,
}

fn rows(units: &[unit::Model]) -> Vec<UnitRow> {
    units
        .iter()
        .map(|u| UnitRow {
            kind: UnitKind::parse(&u.kind).map_or("未知", UnitKind::label),
            region: region::full_name(&u.region_code).unwrap_or_else(|| u.region_code.clone()),
            parent: u.parent_id.and_then(|p| units.iter().find(|x| x.id == p)).map(|p| p.name.clone()).unwrap_or_default(),
            unit: u.clone(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    page: Page,
    rows: Vec<UnitRow>,
    kind: String,
    kinds: Vec<(&'static str, &'static str)>,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let units = state.store.units().await?;
    let kind = q.get("kind");
    let all = rows(&units);
    let rows = all.into_iter().filter(|r| kind.is_empty() || r.unit.kind == kind).collect();
    let page = UnitsPage {
        page: Page::new(&state, &user, "单位", "units").with_flash(&q.get("done")),
        rows,
        kind,
        kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        can_manage: user.actor.can(Power::ManageUnits).is_ok(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    page: Page,
    row: UnitRow,
    users: Vec<user::Model>,
    can_manage: bool,
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>> {
    let id = parse_id(&id)?;
    let unit = state.store.unit(id).await?;
    user.may(Access::Read, Owner::unit(unit.id), "unit", unit.id)?;
    let units = state.store.units().await?;
    let row = rows(&units).into_iter().find(|r| r.unit.id == id).ok_or_else(|| AppError::NotFound("没有这个单位".into()))?;
    let page = UnitPage {
        page: Page::new(&state, &user, unit.name.clone(), "units"),
        users: state.store.users(Some(id), "").await?,
        row,
        can_manage: user.actor.can(Power::ManageUnits).is_ok(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitForm {
    page: Page,
    action: String,
    form: FormData,
    parents: Vec<unit::Model>,
    kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

fn form_from(u: &unit::Model) -> FormData {
    FormData(vec![
        ("code".into(), u.code.clone()),
        ("name".into(), u.name.clone()),
        ("kind".into(), u.kind.clone()),
        ("region_code".into(), u.region_code.clone()),
        ("parent_id".into(), u.parent_id.map(|p| p.to_string()).unwrap_or_default()),
        ("covers".into(), u.covers.clone()),
        ("active".into(), if u.active { "1".into() } else { String::new() }),
    ])
}

async fn render_form(state: &AppState, user: &CurrentUser, title: &str, action: String, form: FormData, error: Option<String>) -> Result<Response> {
    let page = UnitForm {
        page: Page::new(state, user, title, "units"),
        action,
        form,
        parents: state.store.units().await?,
        kinds: UnitKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

fn input_from(form: &FormData) -> Result<UnitInput> {
    let kind = UnitKind::parse(&form.get("kind")).ok_or_else(|| AppError::BadRequest("请选择单位类型".into()))?;
    Ok(UnitInput {
        code: form.get("code"),
        name: form.get("name"),
        kind,
        region_code: form.get("region_code"),
        parent_id: form.id("parent_id", "上级单位")?,
        covers: store::profile::split_list(&form.get("covers")),
        active: form.checked("active"),
    })
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    user.can(Power::ManageUnits, "create", "unit", "")?;
    let form = FormData(vec![("active".into(), "1".into()), ("kind".into(), "county".into())]);
    render_form(&state, &user, "新建单位", "/units/new".into(), form, None).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::ManageUnits, "create", "unit", "")?;
    let result = match input_from(&form) {
        Ok(input) => state.store.create_unit(&user.who(), &input).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(unit) => Ok(Redirect::to(&format!("/units/{}?done=created", unit.id)).into_response()),
        Err(AppError::BadRequest(message)) => render_form(&state, &user, "新建单位", "/units/new".into(), form, Some(message)).await,
        Err(e) => Err(e),
    }
}

pub async fn edit_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUnits, "update", "unit", id)?;
    let unit = state.store.unit(id).await?;
    render_form(&state, &user, "修改单位", format!("/units/{id}/edit"), form_from(&unit), None).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUnits, "update", "unit", id)?;
    state.store.unit(id).await?;
    let result = match input_from(&form) {
        Ok(input) => state.store.update_unit(&user.who(), id, &input).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/units/{id}?done=saved")).into_response()),
        Err(AppError::BadRequest(message)) => render_form(&state, &user, "修改单位", format!("/units/{id}/edit"), form, Some(message)).await,
        Err(e) => Err(e),
    }
}

pub fn roles_of(u: &user::Model) -> String {
    views::role_labels(&u.roles)
}
