//! Pre-construction approvals (前期手续): a project's checklist with owner, dates and document, its
//! filing (项目代码), a request raised in one step for a blocked item, and the city's board of
//! signed projects showing which item holds each one up and who owns it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use domain::access::{Access, Power, Visibility};
use domain::approvals::{ApprovalStatus, FilingKind, ProjectCode, Progress};
use store::approvals::{ApprovalInput, ApprovalRow, BoardRow, FilingInput};
use store::entities::{project, project_filing, unit};

use super::aftercare::{date_field, version_field};
use super::projects::{Rights, check, shown_name};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "project_approvals.html")]
struct ApprovalsPage {
    page: Page,
    p: project::Model,
    name: String,
    rights: Rights,
    items: Vec<ApprovalRow>,
    progress: Progress,
    filing: Option<project_filing::Model>,
    units: Vec<unit::Model>,
    statuses: Vec<(&'static str, &'static str)>,
    filing_kinds: Vec<(&'static str, &'static str)>,
    form: FormData,
    error: Option<String>,
    /// The form the error belongs to ("filing", "add", "item-12", "request-12").
    open: String,
    today: NaiveDate,
}

impl ApprovalsPage {
    fn is_open(&self, key: &str) -> bool {
        self.open == key
    }

    /// Whether the error shown belongs to this item's form of `kind` ("item" or "request").
    fn open_for(&self, kind: &str, r: &ApprovalRow) -> bool {
        self.open == format!("{kind}-{}", r.item.id)
    }

    /// A field of an item's form: what was typed when that form failed, else the stored value.
    fn item_value(&self, r: &ApprovalRow, name: &str) -> String {
        if self.open_for("item", r) {
            return self.form.get(name);
        }
        let i = &r.item;
        match name {
            "status" => i.status.clone(),
            "owner_unit_id" => i.owner_unit_id.map(|v| v.to_string()).unwrap_or_default(),
            "started_on" => date_text(&i.started_on),
            "due_on" => date_text(&i.due_on),
            "done_on" => date_text(&i.done_on),
            "document" => i.document.clone(),
            "note" => i.note.clone(),
            _ => String::new(),
        }
    }

    fn status_label(&self, code: &str) -> &'static str {
        ApprovalStatus::parse(code).map_or("", ApprovalStatus::label)
    }

    fn filing_kind_label(&self, code: &str) -> &'static str {
        FilingKind::parse(code).map_or("", FilingKind::label)
    }

    fn settled(&self, code: &str) -> bool {
        ApprovalStatus::parse(code).is_some_and(ApprovalStatus::settled)
    }
}

fn date_text(d: &Option<NaiveDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

async fn render(state: &AppState, user: &CurrentUser, id: i64, form: FormData, error: Option<String>, open: &str, flash: &str) -> Result<Response> {
    let p = state.store.project(id).await?;
    let rights = check(state, user, &p, Access::Read).await?;
    let items = state.store.approval_items(id).await?;
    let units_all = state.store.units().await?;
    let names: std::collections::HashMap<i64, String> = units_all.iter().map(|u| (u.id, u.name.clone())).collect();
    let facts: Vec<domain::approvals::ItemFacts> = items
        .iter()
        .map(|r| domain::approvals::ItemFacts {
            name: r.item.name.clone(),
            status: ApprovalStatus::parse(&r.item.status).unwrap_or(ApprovalStatus::NotStarted),
            due_on: r.item.due_on,
            done_on: r.item.done_on,
            owner: r.item.owner_unit_id.and_then(|u| names.get(&u).cloned()).unwrap_or_default(),
        })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let page = ApprovalsPage {
        page: Page::new(state, user, format!("前期手续 {}", p.code), "approvals").with_flash(flash),
        name: shown_name(&p, &rights.real_name),
        progress: domain::approvals::progress(&facts, today),
        filing: state.store.filing(id).await?,
        units: units_all.into_iter().filter(|u| u.active).collect(),
        statuses: ApprovalStatus::options(),
        filing_kinds: FilingKind::options(),
        items,
        rights,
        p,
        form,
        error,
        open: open.to_string(),
        today,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    render(&state, &user, parse_id(&id)?, FormData::default(), None, "", &q.get("done")).await
}

/// Runs a change on a project the user may write; a broken rule re-renders the page with the
/// message by the form, anything else is an error page.
async fn act<F, Fut>(state: &AppState, user: &CurrentUser, id: &str, form: FormData, open: &str, action: F) -> Result<Response>
where
    F: FnOnce(project::Model, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let id = parse_id(id)?;
    let p = state.store.project(id).await?;
    check(state, user, &p, Access::Write).await?;
    match action(p, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/approvals?done=saved#{open}")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => render(state, user, id, form, Some(m), open, "").await,
        Err(e) => Err(e),
    }
}

/// The item, when it belongs to the project.
async fn item_of(state: &AppState, p: &project::Model, item: i64) -> Result<store::entities::approval_item::Model> {
    let i = state.store.approval_item(item).await?;
    if i.project_id != p.id {
        return Err(AppError::NotFound("没有这项手续".into()));
    }
    Ok(i)
}

pub async fn create_checklist(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "checklist", |p, _| async move {
        st.store.create_checklist(&who, p.id).await?;
        Ok(())
    })
    .await
}

pub async fn add_item(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "add", |p, form| async move {
        st.store.add_approval_item(&who, p.id, &form.get("name")).await?;
        Ok(())
    })
    .await
}

pub async fn update_item(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let item = parse_id(&item)?;
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, &format!("item-{item}"), |p, form| async move {
        item_of(&st, &p, item).await?;
        let input = ApprovalInput {
            status: ApprovalStatus::parse(&form.get("status")).ok_or_else(|| AppError::BadRequest("请选择办理状态".into()))?,
            started_on: date_field(&form, "started_on", "开始办理日期")?,
            due_on: date_field(&form, "due_on", "计划办结日期")?,
            done_on: date_field(&form, "done_on", "办结日期")?,
            owner_unit_id: form.id("owner_unit_id", "责任单位")?,
            document: form.get("document"),
            note: form.get("note"),
        };
        st.store.update_approval_item(&who, item, version_field(&form)?, &input).await?;
        Ok(())
    })
    .await
}

/// A blocked item becomes a request (诉求) in one step, owned by the item's department.
pub async fn raise_request(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let item = parse_id(&item)?;
    let (st, who, unit_id) = (state.clone(), user.who(), user.unit.id);
    act(&state, &user, &id, form, &format!("request-{item}"), |p, form| async move {
        item_of(&st, &p, item).await?;
        let deadline = date_field(&form, "deadline", "办理期限")?.ok_or_else(|| AppError::BadRequest("请填写办理期限".into()))?;
        st.store.raise_approval_request(&who, unit_id, item, &form.get("text"), form.id("owner_unit_id", "责任单位")?, deadline).await?;
        Ok(())
    })
    .await
}

pub async fn save_filing(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "filing", |p, form| async move {
        let today = chrono::Utc::now().date_naive();
        let code = match form.get("national_code") {
            c if c.is_empty() => None,
            c => Some(ProjectCode::parse(&c, today).map_err(AppError::BadRequest)?),
        };
        let kind = match form.get("filing_kind") {
            k if k.is_empty() => None,
            k => Some(FilingKind::parse(&k).ok_or_else(|| AppError::BadRequest(format!("未知的立项方式「{k}」")))?),
        };
        let version = match form.get("version") {
            v if v.is_empty() => None,
            _ => Some(version_field(&form)?),
        };
        let input = FilingInput { national_code: code, filing_kind: kind, authority: form.get("authority"), approved_on: date_field(&form, "approved_on", "审批（核准、备案）日期")? };
        st.store.save_filing(&who, p.id, version, &input).await?;
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "approvals.html")]
struct BoardPage {
    page: Page,
    rows: Vec<BoardRow>,
    units: Vec<unit::Model>,
    see_all: bool,
    real: bool,
    form: FormData,
    extra: String,
    can_edit: bool,
    error: Option<String>,
}

impl BoardPage {
    fn name(&self, p: &project::Model) -> String {
        shown_name(p, &(self.real || p.landing_unit_id == self.page.unit_id || p.source_unit_id == self.page.unit_id))
    }
}

async fn board_render(state: &AppState, user: &CurrentUser, q: FormData, error: Option<String>) -> Result<Response> {
    let visibility = user.actor.visibility();
    let unit_id = q.id("unit_id", "单位")?;
    let rows = state.store.approvals_board(visibility, unit_id, 500).await?;
    let page = BoardPage {
        page: Page::new(state, user, "前期手续", "approvals").with_flash(&q.get("done")),
        rows,
        units: state.store.units().await?.into_iter().filter(|u| u.active && matches!(u.kind.as_str(), "county" | "park" | "office")).collect(),
        see_all: visibility == Visibility::All,
        real: user.has(domain::Role::Admin) || user.has(domain::Role::Bureau),
        extra: state.store.extra_approval_items().await?.join("\n"),
        can_edit: user.actor.can(Power::Adjudicate).is_ok(),
        form: q,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// Signed projects not yet started: what holds each up and who owns it.
pub async fn board(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    board_render(&state, &user, q, None).await
}

/// The bureau's extra items for every new checklist.
pub async fn save_settings(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Adjudicate, "update", "approval_settings", "")?;
    let names: Vec<String> = form.get("extra").lines().map(str::to_string).collect();
    match state.store.set_extra_approval_items(&user.who(), &names).await {
        Ok(()) => Ok(Redirect::to("/approvals?done=saved").into_response()),
        Err(store::StoreError::Invalid(m)) => board_render(&state, &user, FormData::default(), Some(m)).await,
        Err(e) => Err(e.into()),
    }
}
