//! Task lists (任务清单) under /assessment: the bureau hands items to units with deadlines, each
//! unit marks its own done; everyone sees every list and who is behind.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};

use domain::access::{Access, Owner, Power};
use store::StoreError;
use store::entities::{task_item, task_list, unit};
use store::tasks::{ListSummary, TaskInput, TaskRow, TaskState, UnitTaskCount};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn year_of(q: &FormData) -> Result<i32> {
    match q.get("year") {
        y if y.is_empty() => Ok(today().year()),
        y => y.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| AppError::BadRequest(format!("年份「{y}」无效"))),
    }
}

/// Done out of total as a percentage with one decimal: 2 of 3 → "66.7%".
pub fn percent(done: &usize, total: &usize) -> String {
    if *total == 0 {
        return "—".into();
    }
    let tenths = (*done as u64 * 1000 + *total as u64 / 2) / *total as u64;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

/// Flash messages of this page that the shared list does not know.
fn flash(page: Page, code: &str) -> Page {
    let mut page = page.with_flash(code);
    if page.flash.is_none() {
        page.flash = match code {
            "reopened" => Some("已重新打开".into()),
            "deleted" => Some("已删除，删除前的内容记入审计日志".into()),
            _ => None,
        };
    }
    page
}

/// A store refusal the user can fix is shown on the form; anything else is an error page.
fn refusal(e: StoreError) -> std::result::Result<String, AppError> {
    match e {
        StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::Duplicate { message: m, .. } => Ok(m),
        other => Err(other.into()),
    }
}

// ---- the year's lists ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "tasks.html")]
struct ListsPage {
    page: Page,
    year: i32,
    lists: Vec<ListSummary>,
    counts: Vec<UnitTaskCount>,
    can_assess: bool,
    form: FormData,
    error: Option<String>,
}

async fn render_lists(state: &AppState, user: &CurrentUser, year: i32, form: FormData, error: Option<String>, done: &str) -> Result<Response> {
    let today = today();
    let mut counts = state.store.task_counts(year, today).await?;
    // Who is behind comes first: most overdue, then least done.
    counts.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| (a.done * b.total.max(1)).cmp(&(b.done * a.total.max(1)))));
    let page = ListsPage {
        page: flash(Page::new(state, user, "任务清单", "assessment"), done),
        year,
        lists: state.store.task_lists(year, today).await?,
        counts,
        can_assess: user.actor.can(Power::Assess).is_ok(),
        form,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn lists(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let year = year_of(&q)?;
    render_lists(&state, &user, year, FormData::default(), None, &q.get("done")).await
}

pub async fn create_list(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Assess, "create", "task_list", "")?;
    let year = match year_of(&form) {
        Ok(y) => y,
        Err(AppError::BadRequest(m)) => return render_lists(&state, &user, today().year(), form, Some(m), "").await,
        Err(e) => return Err(e),
    };
    match state.store.create_task_list(&user.who(), year, &form.get("name"), &form.get("note")).await {
        Ok(list) => Ok(Redirect::to(&format!("/assessment/tasks/{}?done=created", list.id)).into_response()),
        Err(e) => render_lists(&state, &user, year, form, Some(refusal(e)?), "").await,
    }
}

// ---- one list -------------------------------------------------------------------------------

/// An item with what this viewer may do to it, and the values its edit form shows.
struct ItemView {
    row: TaskRow,
    writable: bool,
    edit_open: bool,
    edit_unit: String,
    edit_title: String,
    edit_due: String,
    edit_note: String,
}

/// A unit with items on the list, for the filter.
struct UnitChip {
    id: i64,
    name: String,
    total: usize,
    overdue: usize,
}

#[derive(Template)]
#[template(path = "task_list.html")]
struct ListPage {
    page: Page,
    list: task_list::Model,
    rows: Vec<ItemView>,
    shown: usize,
    total: usize,
    done: usize,
    overdue: usize,
    chips: Vec<UnitChip>,
    units: Vec<unit::Model>,
    unit_filter: String,
    state_filter: String,
    /// The query string of the current filter, for links and the export.
    filter_query: String,
    can_assess: bool,
    own_unit: i64,
    own_items: bool,
    form: FormData,
    error: Option<String>,
}

/// The filter of the list page: a unit and a state, both optional.
struct Filter {
    unit: Option<i64>,
    state: Option<TaskState>,
}

impl Filter {
    /// Unknown values are ignored rather than refused: a filter never blocks the page.
    fn read(q: &FormData, unit_key: &str, state_key: &str) -> Filter {
        Filter { unit: q.get(unit_key).parse().ok().filter(|id: &i64| *id > 0), state: TaskState::parse(&q.get(state_key)) }
    }

    fn keeps(&self, row: &TaskRow) -> bool {
        self.unit.is_none_or(|u| row.item.unit_id == u) && self.state.is_none_or(|s| row.state == s)
    }

    fn query(&self) -> String {
        let mut parts = Vec::new();
        if let Some(u) = self.unit {
            parts.push(format!("unit_id={u}"));
        }
        if let Some(s) = self.state {
            parts.push(format!("state={}", s.code()));
        }
        parts.join("&")
    }
}

/// Renders a list; `editing` names the item whose edit form shows what was typed in `form`.
async fn render_list(state: &AppState, user: &CurrentUser, list: task_list::Model, filter: &Filter, form: FormData, editing: Option<i64>, error: Option<String>, done: &str) -> Result<Response> {
    let all = state.store.task_items(list.id, today()).await?;
    let mut chips: Vec<UnitChip> = Vec::new();
    for r in &all {
        match chips.iter_mut().find(|c| c.id == r.item.unit_id) {
            Some(c) => {
                c.total += 1;
                c.overdue += usize::from(r.state == TaskState::Overdue);
            }
            None => chips.push(UnitChip { id: r.item.unit_id, name: r.unit_name.clone(), total: 1, overdue: usize::from(r.state == TaskState::Overdue) }),
        }
    }
    chips.sort_by(|a, b| a.name.cmp(&b.name));
    let (total, done_count, overdue) = (all.len(), all.iter().filter(|r| r.state == TaskState::Done).count(), all.iter().filter(|r| r.state == TaskState::Overdue).count());
    let own_items = all.iter().any(|r| r.item.unit_id == user.unit.id);
    let rows: Vec<ItemView> = all
        .into_iter()
        .filter(|r| filter.keeps(r))
        .map(|row| {
            let typed = editing == Some(row.item.id);
            let pick = |name: &str, stored: String| if typed { form.get(name) } else { stored };
            ItemView {
                writable: user.actor.may(Access::Write, Owner::unit(row.item.unit_id)).is_ok(),
                edit_open: typed,
                edit_unit: pick("unit_id", row.item.unit_id.to_string()),
                edit_title: pick("title", row.item.title.clone()),
                edit_due: pick("due_on", row.item.due_on.to_string()),
                edit_note: pick("note", row.item.note.clone()),
                row,
            }
        })
        .collect();
    let units = state.store.units().await?.into_iter().filter(|u| u.active).collect();
    let page = ListPage {
        page: flash(Page::new(state, user, list.name.clone(), "assessment"), done),
        shown: rows.len(),
        rows,
        total,
        done: done_count,
        overdue,
        chips,
        units,
        unit_filter: filter.unit.map(|u| u.to_string()).unwrap_or_default(),
        state_filter: filter.state.map(|s| s.code().to_string()).unwrap_or_default(),
        filter_query: filter.query(),
        can_assess: user.actor.can(Power::Assess).is_ok(),
        own_unit: user.unit.id,
        own_items,
        list,
        form: if editing.is_some() { FormData::default() } else { form },
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let list = state.store.task_list(parse_id(&id)?).await?;
    render_list(&state, &user, list, &Filter::read(&q, "unit_id", "state"), FormData::default(), None, None, &q.get("done")).await
}

/// Back to the list with the filter the form was sent from.
fn back(list_id: i64, form: &FormData, done: &str, anchor: Option<i64>) -> String {
    let filter = Filter::read(form, "back_unit", "back_state").query();
    let anchor = anchor.map(|a| format!("#item-{a}")).unwrap_or_default();
    if filter.is_empty() { format!("/assessment/tasks/{list_id}?done={done}{anchor}") } else { format!("/assessment/tasks/{list_id}?{filter}&done={done}{anchor}") }
}

/// What the bureau typed for an item, or the reason it cannot be read.
fn task_input(form: &FormData) -> std::result::Result<TaskInput, String> {
    let unit_id = match form.get("unit_id").parse::<i64>() {
        Ok(id) if id > 0 => id,
        _ if form.get("unit_id").is_empty() => return Err("请选择责任单位".into()),
        _ => return Err("所选责任单位不存在或已停用".into()),
    };
    let due = form.get("due_on");
    if due.is_empty() {
        return Err("请填写截止日期（如 2026-12-15）".into());
    }
    // Without a date picker the field is text: 2026/12/15 and 2026年12月15日 are read too.
    let due_on = domain::dates::parse_date(&due).map_err(|e| format!("截止日期{}", e.strip_prefix("日期").unwrap_or(&e)))?;
    Ok(TaskInput { unit_id, title: form.get("title"), due_on, note: form.get("note") })
}

fn version_of(form: &FormData) -> std::result::Result<i32, String> {
    form.get("version").parse().map_err(|_| "表单已失效，请刷新后再改".to_string())
}

/// The item of a list named in the path; an item of another list is not found here.
async fn item_of(state: &AppState, id: &str, item: &str) -> Result<(task_list::Model, task_item::Model)> {
    let list = state.store.task_list(parse_id(id)?).await?;
    let item = state.store.task_item(parse_id(item)?).await?;
    if item.list_id != list.id {
        return Err(AppError::NotFound("这个清单里没有这项任务".into()));
    }
    Ok((list, item))
}

pub async fn add_item(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let list = state.store.task_list(parse_id(&id)?).await?;
    user.can(Power::Assess, "create", "task_item", format!("list {}", list.id))?;
    let filter = Filter::read(&form, "back_unit", "back_state");
    let result = match task_input(&form) {
        Ok(input) => state.store.add_task_item(&user.who(), list.id, &input).await.map_err(refusal),
        Err(m) => Err(Ok(m)),
    };
    match result {
        Ok(item) => Ok(Redirect::to(&back(list.id, &form, "created", Some(item.id))).into_response()),
        Err(e) => render_list(&state, &user, list, &filter, form, None, Some(e?), "").await,
    }
}

pub async fn update_item(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let (list, item) = item_of(&state, &id, &item).await?;
    user.can(Power::Assess, "update", "task_item", item.id)?;
    let filter = Filter::read(&form, "back_unit", "back_state");
    let result = match (task_input(&form), version_of(&form)) {
        (Ok(input), Ok(version)) => state.store.update_task_item(&user.who(), item.id, version, &input).await.map(|_| ()).map_err(refusal),
        (Err(m), _) | (_, Err(m)) => Err(Ok(m)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back(list.id, &form, "saved", Some(item.id))).into_response()),
        Err(e) => render_list(&state, &user, list, &filter, form, Some(item.id), Some(e?), "").await,
    }
}

async fn set_done(state: AppState, user: CurrentUser, id: String, item: String, form: FormData, done: bool) -> Result<Response> {
    let (list, item) = item_of(&state, &id, &item).await?;
    // The owning unit's head or officer, or the bureau; the denial is audited.
    user.may(Access::Write, Owner::unit(item.unit_id), "task_item", item.id)?;
    let filter = Filter::read(&form, "back_unit", "back_state");
    let result = match version_of(&form) {
        Ok(version) => state.store.set_task_done(&user.who(), item.id, version, done).await.map(|_| ()).map_err(refusal),
        Err(m) => Err(Ok(m)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back(list.id, &form, if done { "done" } else { "reopened" }, Some(item.id))).into_response()),
        Err(e) => render_list(&state, &user, list, &filter, FormData::default(), None, Some(e?), "").await,
    }
}

pub async fn mark_done(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    set_done(state, user, id, item, form, true).await
}

pub async fn reopen(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    set_done(state, user, id, item, form, false).await
}

pub async fn delete_item(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let (list, item) = item_of(&state, &id, &item).await?;
    user.can(Power::Assess, "delete", "task_item", item.id)?;
    let filter = Filter::read(&form, "back_unit", "back_state");
    let result = match version_of(&form) {
        Ok(version) => state.store.delete_task_item(&user.who(), item.id, version).await.map_err(refusal),
        Err(m) => Err(Ok(m)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&back(list.id, &form, "deleted", None)).into_response()),
        Err(e) => render_list(&state, &user, list, &filter, FormData::default(), None, Some(e?), "").await,
    }
}

/// The list as Excel, with the page's filter; every signed-in user may export what they see.
pub async fn export(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    let list = state.store.task_list(parse_id(&id)?).await?;
    let filter = Filter::read(&q, "unit_id", "state");
    let today = today();
    let rows = state.store.task_items(list.id, today).await?;
    let columns = [
        Column::new("序号", 6.0),
        Column::new("责任单位", 16.0),
        Column::new("任务", 40.0),
        Column::new("截止日期", 12.0),
        Column::new("状态", 8.0),
        Column::new("逾期天数", 9.0),
        Column::new("完成日期", 12.0),
        Column::new("备注", 30.0),
    ];
    let cells = rows.iter().filter(|r| filter.keeps(r)).enumerate().map(|(n, r)| {
        vec![
            Cell::Int(n as i64 + 1),
            Cell::text(&r.unit_name),
            Cell::text(&r.item.title),
            Cell::Date(r.item.due_on),
            Cell::text(r.state.label()),
            r.overdue_days.map_or(Cell::Empty, Cell::Int),
            r.item.done_on.map_or(Cell::Empty, Cell::Date),
            Cell::text(&r.item.note),
        ]
    });
    let title = format!("{}（截至{}）", list.name, today);
    let bytes = office::xlsx::write_table("任务清单", &title, &columns, cells).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, &format!("tasks-{}.xlsx", list.id), &format!("{}.xlsx", list.name)))
}
