//! Promotion events (招商活动): the list with the effect per kind, the event page with its
//! participants, linked projects and the effect funnel, the form, every change on an event, and
//! the export. Every unit sees every event; only the organiser unit (and the bureau) changes one,
//! and tying a project to it also takes the right to change that project.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate, Utc};

use domain::Role;
use domain::access::{Access, Owner, Visibility};
use domain::event::{Effect, EventKind, EventStatus, Relation};
use store::StoreError;
use store::entities::{contact, enterprise, event, unit};
use store::events::{EventDetail, EventFilter, EventInput, EventRow, KindFigure, LinkedRow, ParticipantRow};
use store::projects::{ProjectFilter, ProjectRow};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id, url_encode};
use crate::views::Page;
use crate::AppState;

pub fn wan(hundredths: &i64) -> String {
    domain::money::format_wan(*hundredths)
}

pub fn kind_label(code: &str) -> &'static str {
    EventKind::parse(code).map_or("其他", EventKind::label)
}

pub fn status_label(code: &str) -> &'static str {
    EventStatus::parse(code).map_or("", EventStatus::label)
}

/// The chip class of an event's status.
pub fn status_chip(code: &str) -> &'static str {
    match EventStatus::parse(code) {
        Some(EventStatus::Held) => "chip-ok",
        Some(EventStatus::Cancelled) => "chip-muted",
        _ => "chip-warn",
    }
}

/// "2026-05-20" or "2026-05-20 至 05-24".
pub fn dates(e: &event::Model) -> String {
    if e.end_on == e.start_on {
        e.start_on.to_string()
    } else if e.end_on.year() == e.start_on.year() {
        format!("{} 至 {}", e.start_on, e.end_on.format("%m-%d"))
    } else {
        format!("{} 至 {}", e.start_on, e.end_on)
    }
}

/// Whether the user may change the event (its organiser unit, or the bureau).
fn may_edit(user: &CurrentUser, e: &event::Model) -> bool {
    user.actor.may(Access::Write, Owner::unit(e.organizer_unit_id)).is_ok()
}

pub(crate) fn check_edit(user: &CurrentUser, e: &event::Model) -> Result<()> {
    user.may(Access::Write, Owner::unit(e.organizer_unit_id), "event", e.id)
}

/// The year a list shows: this year unless asked; `all` for every year.
fn year_of(q: &FormData) -> Result<Option<i32>> {
    match q.get("year").as_str() {
        "" => Ok(Some(Utc::now().year())),
        "all" => Ok(None),
        y => y.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).map(Some).ok_or_else(|| AppError::BadRequest(format!("年份「{y}」无效"))),
    }
}

pub(crate) fn filter_from(q: &FormData) -> Result<EventFilter> {
    let coded = |name: &str, what: &str, parse: fn(&str) -> bool| -> Result<()> {
        let v = q.get(name);
        if v.is_empty() || parse(&v) { Ok(()) } else { Err(AppError::BadRequest(format!("未知的{what}「{v}」"))) }
    };
    coded("kind", "活动类型", |v| EventKind::parse(v).is_some())?;
    coded("status", "活动状态", |v| EventStatus::parse(v).is_some())?;
    Ok(EventFilter { year: year_of(q)?, kind: EventKind::parse(&q.get("kind")), unit_id: q.id("unit_id", "主办单位")?, status: EventStatus::parse(&q.get("status")) })
}

fn query_of(q: &FormData) -> String {
    ["year", "kind", "unit_id", "status"]
        .iter()
        .filter_map(|k| {
            let v = q.get(k);
            (!v.is_empty()).then(|| format!("{k}={}", url_encode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Template)]
#[template(path = "events.html")]
struct ListPage {
    page: Page,
    rows: Vec<EventRow>,
    figures: Vec<KindFigure>,
    form: FormData,
    query: String,
    year: Option<i32>,
    years: Vec<i32>,
    units: Vec<unit::Model>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    can_create: bool,
}

impl ListPage {
    fn year_is(&self, y: &i32) -> bool {
        self.year == Some(*y)
    }
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let filter = filter_from(&q)?;
    let rows = state.store.list_events(&filter).await?;
    let figures = state.store.event_figures(&rows).await?;
    let this_year = Utc::now().year();
    let page = ListPage {
        page: Page::new(&state, &user, "招商活动", "events").with_flash(&q.get("done")),
        rows,
        figures,
        query: query_of(&q),
        year: filter.year,
        years: (this_year - 5..=this_year + 1).rev().collect(),
        form: q,
        units: state.store.units().await?,
        kinds: EventKind::options(),
        statuses: EventStatus::options(),
        can_create: user.actor.may(Access::Write, Owner::unit(user.unit.id)).is_ok(),
    };
    Ok(Html(page.render()?).into_response())
}

/// The list as filtered, as .xlsx: one row per event with its effect.
pub async fn export(State(state): State<AppState>, _user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    let filter = filter_from(&q)?;
    let rows = state.store.list_events(&filter).await?;
    let columns: Vec<Column> = [
        ("序号", 6.0),
        ("活动名称", 32.0),
        ("类型", 10.0),
        ("状态", 8.0),
        ("举办城市", 10.0),
        ("举办地点", 20.0),
        ("开始日期", 12.0),
        ("结束日期", 12.0),
        ("主办单位", 16.0),
        ("参会企业", 10.0),
        ("关联项目", 10.0),
        ("线索（计入）", 12.0),
        ("签约（计入）", 12.0),
        ("其中现场签约", 12.0),
        ("签约总投资（万元）", 16.0),
        ("开工（计入）", 12.0),
        ("到位资金（万元，已核查）", 18.0),
    ]
    .iter()
    .map(|(h, w)| Column::new(*h, *w))
    .collect();
    let table: Vec<Vec<Cell>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (e, x) = (&r.event, &r.effect);
            vec![
                Cell::Int(i as i64 + 1),
                Cell::text(&e.name),
                Cell::text(r.kind.label()),
                Cell::text(r.status.label()),
                Cell::text(&e.city),
                Cell::text(&e.venue),
                Cell::Date(e.start_on),
                Cell::Date(e.end_on),
                Cell::text(&r.organizer),
                Cell::Int(r.participants),
                Cell::Int(x.projects),
                Cell::Int(x.leads),
                Cell::Int(x.signed),
                Cell::Int(x.signed_here),
                Cell::Wan(x.signed_hundredths),
                Cell::Int(x.started),
                Cell::Wan(x.funds_hundredths),
            ]
        })
        .collect();
    let today = Utc::now().date_naive();
    let scope = filter.year.map_or("全部年份".to_string(), |y| format!("{y} 年"));
    let title = format!("招商活动及成效（{scope}，{today} 导出；只计已核查、已认定、非重复的项目）");
    let bytes = office::xlsx::write_table("招商活动", &title, &columns, table).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, &format!("events-{today}.xlsx"), &format!("招商活动-{today}.xlsx")))
}

#[derive(Template)]
#[template(path = "event_form.html")]
struct FormPage {
    page: Page,
    event: Option<event::Model>,
    form: FormData,
    units: Vec<unit::Model>,
    kinds: Vec<(&'static str, &'static str)>,
    statuses: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn render_form(state: &AppState, user: &CurrentUser, event: Option<event::Model>, form: FormData, error: Option<String>) -> Result<Response> {
    // The organiser is one's own unit; the bureau organises for any unit.
    let units = state.store.units().await?.into_iter().filter(|u| u.active && (u.id == user.unit.id || user.actor.may(Access::Write, Owner::unit(u.id)).is_ok())).collect();
    let title = match &event {
        Some(e) => format!("修改活动「{}」", e.name),
        None => "新建招商活动".to_string(),
    };
    let page = FormPage { page: Page::new(state, user, title, "events"), event, form, units, kinds: EventKind::options(), statuses: EventStatus::options(), error };
    Ok(Html(page.render()?).into_response())
}

fn date_field(form: &FormData, name: &str, label: &str) -> Result<NaiveDate> {
    let v = form.get(name);
    if v.is_empty() {
        return Err(AppError::BadRequest(format!("请填写{label}")));
    }
    NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| AppError::BadRequest(format!("「{label}」应为 2026-11-27 这样的日期")))
}

/// Reads the event form; errors name the field.
pub(crate) fn input_from(form: &FormData) -> Result<EventInput> {
    let start_on = date_field(form, "start_on", "开始日期")?;
    let end_on = match form.get("end_on") {
        v if v.is_empty() => start_on,
        _ => date_field(form, "end_on", "结束日期")?,
    };
    Ok(EventInput {
        kind: EventKind::parse(&form.get("kind")).ok_or_else(|| AppError::BadRequest("请选择活动类型".into()))?,
        name: form.get("name"),
        city: form.get("city"),
        venue: form.get("venue"),
        start_on,
        end_on,
        organizer_unit_id: form.id("organizer_unit_id", "主办单位")?.ok_or_else(|| AppError::BadRequest("请选择主办单位".into()))?,
        status: EventStatus::parse(&form.get("status")).ok_or_else(|| AppError::BadRequest("请选择活动状态".into()))?,
        summary: form.get("summary"),
    })
}

pub(crate) fn form_of(e: &event::Model) -> FormData {
    FormData(
        [
            ("kind", e.kind.clone()),
            ("name", e.name.clone()),
            ("city", e.city.clone()),
            ("venue", e.venue.clone()),
            ("start_on", e.start_on.to_string()),
            ("end_on", e.end_on.to_string()),
            ("organizer_unit_id", e.organizer_unit_id.to_string()),
            ("status", e.status.clone()),
            ("summary", e.summary.clone()),
            ("version", e.version.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

/// The organiser a form names must exist (else the form again) and be one the user may act for.
pub(crate) async fn check_organizer(state: &AppState, user: &CurrentUser, unit_id: i64, event_id: Option<i64>) -> Result<std::result::Result<(), String>> {
    if !state.store.units().await?.iter().any(|u| u.id == unit_id && u.active) {
        return Ok(Err(format!("所选主办单位（编号 {unit_id}）不存在或已停用")));
    }
    user.may(Access::Write, Owner::unit(unit_id), "event", event_id.map(|i| i.to_string()).unwrap_or_default())?;
    Ok(Ok(()))
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    user.may(Access::Write, Owner::unit(user.unit.id), "event", "")?;
    let today = Utc::now().date_naive().to_string();
    let form = FormData(
        [("kind", "promotion".to_string()), ("status", "planned".to_string()), ("organizer_unit_id", user.unit.id.to_string()), ("start_on", today.clone()), ("end_on", today)]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    );
    render_form(&state, &user, None, form, None).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.may(Access::Write, Owner::unit(user.unit.id), "event", "")?;
    let input = match input_from(&form) {
        Ok(i) => i,
        Err(AppError::BadRequest(m)) => return render_form(&state, &user, None, form, Some(m)).await,
        Err(e) => return Err(e),
    };
    if let Err(m) = check_organizer(&state, &user, input.organizer_unit_id, None).await? {
        return render_form(&state, &user, None, form, Some(m)).await;
    }
    match state.store.create_event(&user.who(), &input).await {
        Ok(e) => Ok(Redirect::to(&format!("/events/{}?done=created", e.id)).into_response()),
        Err(StoreError::Invalid(m)) => render_form(&state, &user, None, form, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let e = state.store.event(parse_id(&id)?).await?;
    check_edit(&user, &e)?;
    let form = form_of(&e);
    render_form(&state, &user, Some(e), form, None).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let e = state.store.event(parse_id(&id)?).await?;
    check_edit(&user, &e)?;
    let Ok(version) = form.get("version").parse::<i32>() else {
        return render_form(&state, &user, Some(e), form, Some("表单已失效，请刷新后再改".into())).await;
    };
    let input = match input_from(&form) {
        Ok(i) => i,
        Err(AppError::BadRequest(m)) => return render_form(&state, &user, Some(e), form, Some(m)).await,
        Err(err) => return Err(err),
    };
    if input.organizer_unit_id != e.organizer_unit_id
        && let Err(m) = check_organizer(&state, &user, input.organizer_unit_id, Some(e.id)).await?
    {
        return render_form(&state, &user, Some(e), form, Some(m)).await;
    }
    match state.store.update_event(&user.who(), e.id, version, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}?done=saved", e.id)).into_response()),
        Err(StoreError::Invalid(m)) => render_form(&state, &user, Some(e), form, Some(m)).await,
        Err(StoreError::Conflict(m)) => {
            // The current record goes with the form: its version, and what it now says.
            let current = state.store.event(e.id).await?;
            let mut form = form;
            form.0.retain(|(k, _)| k != "version");
            form.0.push(("version".into(), current.version.to_string()));
            let now = format!("{m}。现在的内容：{}，{}，{}，{}，{}", current.name, kind_label(&current.kind), current.city, dates(&current), status_label(&current.status));
            render_form(&state, &user, Some(current), form, Some(now)).await
        }
        Err(err) => Err(err.into()),
    }
}

/// A company found on the event page, with the contacts the user may see.
pub struct Choice {
    pub enterprise: enterprise::Model,
    pub contacts: Vec<contact::Model>,
}

#[derive(Template)]
#[template(path = "event.html")]
struct ShowPage {
    page: Page,
    d: EventDetail,
    can_edit: bool,
    can_create_lead: bool,
    sees_all: bool,
    unit_id: i64,
    real_names: bool,
    q: String,
    pq: String,
    choices: Vec<Choice>,
    candidates: Vec<ProjectRow>,
    form: FormData,
    error: Option<String>,
    open: String,
}

impl ShowPage {
    /// A participant's contact as this viewer may see it: contacts belong to the unit that
    /// recorded them.
    fn contact_text(&self, p: &ParticipantRow) -> String {
        match &p.contact {
            Some(c) if self.sees_all || c.unit_id == self.unit_id => {
                if c.title.is_empty() { c.name.clone() } else { format!("{}（{}）", c.name, c.title) }
            }
            Some(_) => "（其他单位登记的联系人）".into(),
            None => String::new(),
        }
    }

    /// Whether the viewer may open the project (the list counterpart of the project page's check).
    fn readable(&self, r: &LinkedRow) -> bool {
        self.sees_all || r.units.contains(&self.unit_id)
    }

    fn project_name(&self, r: &LinkedRow) -> String {
        let real = self.real_names || r.units.contains(&self.unit_id);
        if !self.readable(r) {
            format!("{}的项目", r.landing_unit)
        } else if r.project.confidential && !real {
            format!("{}（保密项目）", r.project.codename)
        } else {
            r.project.name.clone()
        }
    }

    fn investor(&self, r: &LinkedRow) -> String {
        let real = self.real_names || r.units.contains(&self.unit_id);
        if !self.readable(r) || (r.project.confidential && !real) { "—".into() } else { r.investor.clone() }
    }

    fn counts(&self, step: &std::result::Result<(), String>) -> String {
        match step {
            Ok(()) => "计入".into(),
            Err(why) => format!("不计入：{why}"),
        }
    }

    fn lead_code(&self) -> &'static str {
        Relation::Lead.code()
    }

    fn signed_code(&self) -> &'static str {
        Relation::Signed.code()
    }

    fn effect(&self) -> &Effect {
        &self.d.effect
    }

    fn open_for_changes(&self) -> bool {
        self.d.status != EventStatus::Cancelled
    }
}

#[allow(clippy::too_many_arguments)]
async fn render_show(state: &AppState, user: &CurrentUser, id: i64, q: &str, pq: &str, form: FormData, error: Option<String>, open: &str, flash: &str) -> Result<Response> {
    let visibility = user.actor.visibility();
    let d = state.store.event_detail(id, visibility).await?;
    let can_edit = may_edit(user, &d.event);
    let real_names = user.has(Role::Admin) || user.has(Role::Bureau);
    let mut choices = Vec::new();
    let mut candidates = Vec::new();
    if can_edit {
        for e in state.store.find_enterprises(q, visibility, 10).await? {
            let (contacts, _) = state.store.contacts_of(e.id, visibility).await?;
            choices.push(Choice { enterprise: e, contacts });
        }
        if !pq.trim().is_empty() {
            let filter = ProjectFilter { q: pq.to_string(), per_page: 10, ..Default::default() };
            let (rows, _) = state.store.list_projects(visibility, &filter, real_names).await?;
            // Only projects the user may also change can be tied to the event.
            candidates = rows.into_iter().filter(|r| user.actor.may_any(Access::Write, &[Owner::unit(r.project.landing_unit_id), Owner::unit(r.project.source_unit_id)]).is_ok()).collect();
        }
    }
    let page = ShowPage {
        page: Page::new(state, user, d.event.name.clone(), "events").with_flash(flash),
        can_create_lead: can_edit && d.status != EventStatus::Cancelled,
        can_edit,
        sees_all: visibility == Visibility::All,
        unit_id: user.unit.id,
        real_names,
        q: q.to_string(),
        pq: pq.to_string(),
        choices,
        candidates,
        form,
        error,
        open: open.to_string(),
        d,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let open = if !q.get("q").is_empty() { "participants" } else if !q.get("pq").is_empty() { "projects" } else { "" };
    render_show(&state, &user, id, &q.get("q"), &q.get("pq"), FormData::default(), None, open, &q.get("done")).await
}

/// Runs a change on an event the user may change; a rule broken shows the page again with the
/// message, nothing changed.
async fn change<F, Fut>(state: &AppState, user: &CurrentUser, id: &str, form: FormData, section: &str, action: F) -> Result<Response>
where
    F: FnOnce(event::Model, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let e = state.store.event(parse_id(id)?).await?;
    check_edit(user, &e)?;
    let event_id = e.id;
    match action(e, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/events/{event_id}?done=saved#{section}")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => render_show(state, user, event_id, "", "", form, Some(m), section, "").await,
        Err(err) => Err(err),
    }
}

/// Adds a company (found by search, or by its number in the 企业库) and optionally a contact.
pub async fn add_participant(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who, visibility) = (state.clone(), user.who(), user.actor.visibility());
    change(&state, &user, &id, form, "participants", |e, form| async move {
        let enterprise_id = form.id("enterprise_id", "企业编号")?.ok_or_else(|| AppError::BadRequest("请先查找并选择企业，或填写企业库中的企业编号".into()))?;
        let contact_id = form.id("contact_id", "联系人")?;
        if let Some(c) = contact_id {
            // Only a contact the user may see: another unit's person stays theirs.
            let (visible, _) = st.store.contacts_of(enterprise_id, visibility).await?;
            if !visible.iter().any(|v| v.id == c) {
                return Err(AppError::BadRequest("所选联系人不存在或不属于这家企业".into()));
            }
        }
        st.store.add_participant(&who, e.id, enterprise_id, contact_id, &form.get("note")).await?;
        Ok(())
    })
    .await
}

pub async fn remove_participant(State(state): State<AppState>, user: CurrentUser, Path((id, participant)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let participant = parse_id(&participant)?;
    let (st, who) = (state.clone(), user.who());
    change(&state, &user, &id, form, "participants", |e, _| async move {
        st.store.remove_participant(&who, e.id, participant).await?;
        Ok(())
    })
    .await
}

/// Ties a project (by code or number) to the event as a lead made there or signed there. The
/// user must be able to change the project too: a county cannot attach another county's project.
pub async fn link_project(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let e = state.store.event(parse_id(&id)?).await?;
    check_edit(&user, &e)?;
    let reference = form.get("project");
    let relation = Relation::parse(&form.get("relation"));
    let bad = |m: String| render_show(&state, &user, e.id, "", "", form.clone(), Some(m), "projects", "");
    let Some(relation) = relation else { return bad("请选择关联方式：活动线索或现场签约".into()).await };
    if reference.is_empty() {
        return bad("请填写项目编号（如 XM2026-00012）".into()).await;
    }
    let Some(p) = state.store.project_by_ref(&reference).await? else {
        return bad(format!("没有编号为「{reference}」的项目")).await;
    };
    super::projects::check(&state, &user, &p, Access::Write).await?;
    match state.store.link_project(&user.who(), e.id, p.id, relation).await {
        Ok(_) => Ok(Redirect::to(&format!("/events/{}?done=saved#projects", e.id)).into_response()),
        Err(StoreError::Invalid(m)) => bad(m).await,
        Err(err) => Err(err.into()),
    }
}

pub async fn unlink_project(State(state): State<AppState>, user: CurrentUser, Path((id, link)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let link = parse_id(&link)?;
    let (st, who) = (state.clone(), user.who());
    change(&state, &user, &id, form, "projects", |e, _| async move {
        st.store.unlink_project(&who, e.id, link).await?;
        Ok(())
    })
    .await
}
