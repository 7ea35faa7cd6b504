//! Investors' requests (诉求): the list of open and overdue ones for the owner unit and the
//! bureau, raising one on a project or an investor, working it to a resolution, escalating it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::access::{Access, Owner, Visibility};
use domain::project::{Escalation, RequestCategory, RequestStatus};
use store::StoreError;
use store::entities::unit;
use store::services::{NewRequest, RequestFilter, RequestRow};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "requests.html")]
struct ListPage {
    page: Page,
    rows: Vec<RequestRow>,
    total: u64,
    form: FormData,
    units: Vec<unit::Model>,
    statuses: Vec<(&'static str, &'static str)>,
    levels: Vec<(&'static str, &'static str)>,
    see_all: bool,
    /// Admin and bureau see every confidential investor; others only their projects'.
    real: bool,
    error: Option<String>,
}

pub(crate) fn filter_from(q: &FormData) -> Result<RequestFilter> {
    let parse = |name: &str| q.get(name);
    Ok(RequestFilter {
        unit_id: q.id("unit_id", "责任单位")?,
        status: match parse("status") {
            v if v.is_empty() => None,
            v => Some(RequestStatus::parse(&v).ok_or_else(|| AppError::BadRequest(format!("未知的办理状态「{v}」")))?),
        },
        overdue: q.checked("overdue"),
        escalation: match parse("level") {
            v if v.is_empty() => None,
            v => Some(Escalation::parse(&v).ok_or_else(|| AppError::BadRequest(format!("未知的层级「{v}」")))?),
        },
        project_id: q.id("project_id", "项目")?,
        id: None,
        offset: 0,
    })
}

async fn render_list(state: &AppState, user: &CurrentUser, q: FormData, error: Option<String>) -> Result<Response> {
    let filter = filter_from(&q)?;
    let visibility = user.actor.visibility();
    let (rows, total) = state.store.list_requests(visibility, &filter, 500).await?;
    let page = ListPage {
        page: Page::new(state, user, "企业诉求", "requests").with_flash(&q.get("done")),
        rows,
        total,
        form: q,
        units: state.store.units().await?,
        statuses: RequestStatus::options(),
        levels: Escalation::options(),
        see_all: visibility == Visibility::All,
        real: user.has(domain::Role::Admin) || user.has(domain::Role::Bureau),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// The investor as this viewer may see it.
pub fn investor_of(row: &RequestRow, real: &bool, unit_id: &i64) -> String {
    if row.confidential && !*real && !row.project_units.contains(unit_id) { "（保密）".into() } else { row.enterprise.clone() }
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    render_list(&state, &user, q, None).await
}

/// Where to go after an action: back to the project page or the list, never elsewhere.
fn back(form: &FormData, done: &str) -> String {
    let back = form.get("back");
    let safe = back.starts_with("/projects/") && back[10..].chars().all(|c| c.is_ascii_digit()) && back.len() > 10;
    if safe { format!("{back}?done={done}#requests") } else { format!("/requests?done={done}") }
}

/// Raises a request on a project (the project's units) or on an investor (any unit serving it).
pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let result = match new_request_from(&state, &user, &form).await {
        Ok(new) => state.store.create_request(&user.who(), user.unit.id, &new).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    finish(&state, &user, form, result.map(|_| ()), "saved").await
}

/// A new request as the form (or an API body) gives it, after checking the user may raise it:
/// on a project they may change, or on an investor their unit serves (the bureau on any).
pub(crate) async fn new_request_from(state: &AppState, user: &CurrentUser, form: &FormData) -> Result<NewRequest> {
    let project_id = form.id("project_id", "项目")?;
    let enterprise_id = match project_id {
        Some(p) => {
            let p = state.store.project(p).await?;
            super::projects::check(state, user, &p, Access::Write).await?;
            p.enterprise_id
        }
        None => {
            user.may(Access::Write, Owner::unit(user.unit.id), "request", "")?;
            let enterprise = form.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请选择企业".into()))?;
            // An investor's request comes from a unit that courts or hosts it, or the bureau.
            if !user.has(domain::Role::Bureau) && !user.has(domain::Role::Admin) && !state.store.unit_serves(user.unit.id, enterprise).await? {
                return Err(AppError::denied(domain::Denied { reason: "本单位没有对接这家企业，不能为它登记诉求".into() }, "create", "request", ""));
            }
            enterprise
        }
    };
    Ok(NewRequest {
        project_id,
        enterprise_id,
        category: RequestCategory::parse(&form.get("category")).ok_or_else(|| AppError::BadRequest("请选择诉求类别".into()))?,
        text: form.get("text"),
        owner_unit_id: form.id("owner_unit_id", "责任单位")?.ok_or_else(|| AppError::BadRequest("请选择责任单位".into()))?,
        deadline: chrono::NaiveDate::parse_from_str(&form.get("deadline"), "%Y-%m-%d").map_err(|_| AppError::BadRequest("请填写办理期限（如 2026-12-15）".into()))?,
    })
}

/// Success goes back where the form came from; a broken rule is shown there.
async fn finish(state: &AppState, user: &CurrentUser, form: FormData, result: Result<()>, done: &str) -> Result<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&back(&form, done)).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => {
            let project = back(&form, done).strip_prefix("/projects/").and_then(|rest| rest.split('?').next()).and_then(|id| id.parse::<i64>().ok());
            match project {
                Some(id) => super::projects::render_show(state, user, id, form, Some(m), "requests", "").await,
                None => render_list(state, user, FormData::default(), Some(m)).await,
            }
        }
        Err(e) => Err(e),
    }
}

/// Works a request: status and resolution, by its owner unit (or the bureau).
pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let r = state.store.request(id).await?;
    user.may(Access::Write, Owner::unit(r.owner_unit_id), "request", id)?;
    let result = async {
        let status = RequestStatus::parse(&form.get("status")).ok_or_else(|| AppError::BadRequest("请选择办理状态".into()))?;
        let version: i32 = form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再改".into()))?;
        state.store.update_request(&user.who(), id, version, status, &form.get("resolution")).await.map_err(|e| match e {
            StoreError::Invalid(m) | StoreError::Conflict(m) => AppError::BadRequest(m),
            other => other.into(),
        })?;
        Ok(())
    }
    .await;
    finish(&state, &user, form, result, "saved").await
}

/// Escalates a request one level, by its owner unit, the unit that raised it, or the bureau.
pub async fn escalate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let r = state.store.request(id).await?;
    user.actor.may_any(Access::Write, &[Owner::unit(r.owner_unit_id), Owner::unit(r.raised_by_unit_id)]).map_err(|d| AppError::denied(d, "escalate", "request", id))?;
    let result = match form.get("version").parse::<i32>() {
        Ok(version) => state.store.escalate_request(&user.who(), id, version, &form.get("reason")).await.map(|_| ()).map_err(AppError::from),
        Err(_) => Err(AppError::BadRequest("表单已失效，请刷新后再上报".into())),
    };
    finish(&state, &user, form, result, "escalated").await
}
