//! Promotion events, the monthly assessment results and the weekly dispatch report.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::access::{Access, Owner, Power};
use store::dispatch::{KeyProject, UnitWeek};
use store::entities::event;

use super::{Body, Cursor, Errors, Paging, created, form_from, list_of, overlay, version_in};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{Query, parse_id};
use crate::routes::events as page;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Event {
    pub id: i64,
    /// promotion / roadshow / week / expo / forum / signing / other
    pub kind: String,
    pub name: String,
    pub city: String,
    pub venue: String,
    #[schema(format = Date)]
    pub start_on: String,
    #[schema(format = Date)]
    pub end_on: String,
    pub organizer_unit_id: i64,
    /// planned / held / cancelled
    pub status: String,
    pub summary: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<event::Model> for Event {
    fn from(e: event::Model) -> Event {
        Event {
            id: e.id,
            kind: e.kind,
            name: e.name,
            city: e.city,
            venue: e.venue,
            start_on: e.start_on.to_string(),
            end_on: e.end_on.to_string(),
            organizer_unit_id: e.organizer_unit_id,
            status: e.status,
            summary: e.summary,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

list_of!(EventList, Event);

/// An event's fields as on the page. POST needs kind, name, start_on, organizer_unit_id and
/// status; PATCH changes the fields given and needs `version`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EventWrite {
    pub kind: Option<String>,
    pub name: Option<String>,
    pub city: Option<String>,
    pub venue: Option<String>,
    #[schema(format = Date)]
    pub start_on: Option<String>,
    #[schema(format = Date)]
    pub end_on: Option<String>,
    pub organizer_unit_id: Option<i64>,
    pub status: Option<String>,
    pub summary: Option<String>,
    pub version: Option<i32>,
}

/// 招商活动（对所有账号公开）：默认今年的，`year=all` 为全部。
#[utoipa::path(get, path = "/api/v1/events", tag = "招商活动",
    params(
        ("year" = Option<String>, Query, description = "年份，或 all"),
        ("kind" = Option<String>, Query, description = "活动类型"),
        ("unit_id" = Option<i64>, Query, description = "主办单位"),
        ("status" = Option<String>, Query, description = "活动状态"),
        Paging),
    responses((status = 200, body = EventList), Errors))]
pub async fn events(State(state): State<AppState>, _user: CurrentUser, Query(q): Query) -> Result<Json<EventList>> {
    let cursor = Cursor::from_query(&q)?;
    let rows = state.store.list_events(&page::filter_from(&q)?).await?;
    let total = rows.len() as u64;
    let start = usize::try_from(cursor.page.saturating_mul(cursor.limit)).unwrap_or(usize::MAX);
    let items: Vec<Event> = rows.into_iter().skip(start).take(usize::try_from(cursor.limit).unwrap_or(0)).map(|r| Event::from(r.event)).collect();
    let next = cursor.next(items.len(), Some(total));
    Ok(Json(EventList { items, next_cursor: next, total: Some(total) }))
}

/// 一次招商活动。
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "招商活动", params(("id" = i64, Path, description = "活动 id")), responses((status = 200, body = Event), Errors))]
pub async fn event(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Json<Event>> {
    let id = parse_id(&id)?;
    Ok(Json(state.store.event(id).await?.into()))
}

/// 登记一次招商活动（主办单位须是本单位，市局不限）。
#[utoipa::path(post, path = "/api/v1/events", tag = "招商活动", request_body = EventWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Event), Errors))]
pub async fn create_event(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<EventWrite>) -> Result<Response> {
    user.may(Access::Write, Owner::unit(user.unit.id), "event", "")?;
    let input = page::input_from(&form_from(&body))?;
    page::check_organizer(&state, &user, input.organizer_unit_id, None).await?.map_err(AppError::BadRequest)?;
    let e = state.store.create_event(&user.who(), &input).await?;
    Ok(created(format!("/api/v1/events/{}", e.id), Event::from(e)))
}

/// 修改招商活动（只改给出的字段；须带 version）。
#[utoipa::path(patch, path = "/api/v1/events/{id}", tag = "招商活动", request_body = EventWrite, params(("id" = i64, Path, description = "活动 id")), responses((status = 200, body = Event), Errors))]
pub async fn update_event(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<EventWrite>) -> Result<Json<Event>> {
    let id = parse_id(&id)?;
    let e = state.store.event(id).await?;
    page::check_edit(&user, &e)?;
    let version = version_in(&body)?;
    let input = page::input_from(&overlay(page::form_of(&e), &body))?;
    if input.organizer_unit_id != e.organizer_unit_id {
        page::check_organizer(&state, &user, input.organizer_unit_id, Some(id)).await?.map_err(AppError::BadRequest)?;
    }
    Ok(Json(state.store.update_event(&user.who(), id, version, &input).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Run {
    pub id: i64,
    pub scheme_id: i64,
    pub year: i32,
    pub month: i32,
    #[schema(format = Date)]
    pub cutoff: String,
    /// 同一月份发布的第几版
    pub version: i32,
    /// published / superseded
    pub status: String,
    pub correction: String,
    pub published_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunList {
    pub items: Vec<Run>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorResult {
    pub key: String,
    pub name: String,
    pub actual: i64,
    pub target: Option<i64>,
    /// 得分，分的百分之一
    pub points: i64,
    pub explanation: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitResult {
    pub unit_id: i64,
    pub unit_name: String,
    /// 总分，分的百分之一
    pub total: i64,
    pub rank: u32,
    pub indicators: Vec<IndicatorResult>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RunResults {
    pub run: Run,
    pub scheme_name: String,
    pub units: Vec<UnitResult>,
}

fn run_of(r: store::entities::assessment_run::Model) -> Run {
    Run { id: r.id, scheme_id: r.scheme_id, year: r.year, month: r.month, cutoff: r.cutoff.to_string(), version: r.version, status: r.status, correction: r.correction, published_at: r.published_at }
}

/// 已发布的月度考核（对所有账号公开，与页面相同），新的在前。
#[utoipa::path(get, path = "/api/v1/assessment/runs", tag = "考核与调度",
    params(("scheme_id" = Option<i64>, Query, description = "考核方案"), ("year" = Option<i32>, Query, description = "年份")),
    responses((status = 200, body = RunList), Errors))]
pub async fn runs(State(state): State<AppState>, _user: CurrentUser, Query(q): Query) -> Result<Json<RunList>> {
    let year = match q.get("year") {
        v if v.is_empty() => None,
        v => Some(v.parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| AppError::BadRequest(format!("年份「{v}」无效")))?),
    };
    let runs = state.store.runs(q.id("scheme_id", "考核方案")?).await?;
    Ok(Json(RunList { items: runs.into_iter().filter(|r| year.is_none_or(|y| r.year == y)).map(run_of).collect() }))
}

/// 一次已发布考核的各单位得分、名次和各项指标（逐条记录见页面）。
#[utoipa::path(get, path = "/api/v1/assessment/runs/{id}", tag = "考核与调度", params(("id" = i64, Path, description = "考核结果 id")), responses((status = 200, body = RunResults), Errors))]
pub async fn run(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Json<RunResults>> {
    let id = parse_id(&id)?;
    let view = state.store.run(id).await?;
    let run = view.run.ok_or_else(|| AppError::NotFound("没有这次考核结果".into()))?;
    let units = view
        .scores
        .into_iter()
        .map(|s| UnitResult {
            unit_id: s.unit_id,
            unit_name: s.unit_name,
            total: s.total,
            rank: s.rank,
            indicators: s.indicators.into_iter().map(|i| IndicatorResult { key: i.key, name: i.name, actual: i.actual, target: i.target, points: i.points, explanation: i.explanation }).collect(),
        })
        .collect();
    Ok(Json(RunResults { run: run_of(run), scheme_name: view.scheme.name, units }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitWeekFigures {
    pub unit_id: i64,
    pub unit_name: String,
    pub new_leads: i64,
    pub stage_moves: i64,
    pub follow_ups: i64,
    pub requests_opened: i64,
    pub requests_closed: i64,
    pub requests_overdue: i64,
    pub red_projects: i64,
    pub key_projects: i64,
    pub notes_on_time: i64,
    pub notes_late: i64,
    pub notes_missing: i64,
}

impl From<UnitWeek> for UnitWeekFigures {
    fn from(u: UnitWeek) -> UnitWeekFigures {
        UnitWeekFigures {
            unit_id: u.unit_id,
            unit_name: u.unit_name,
            new_leads: u.new_leads,
            stage_moves: u.stage_moves,
            follow_ups: u.follow_ups,
            requests_opened: u.requests_opened,
            requests_closed: u.requests_closed,
            requests_overdue: u.requests_overdue,
            red_projects: u.red_projects,
            key_projects: u.key_projects,
            notes_on_time: u.notes_on_time,
            notes_late: u.notes_late,
            notes_missing: u.notes_missing,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeyProjectNote {
    pub project_id: i64,
    pub code: String,
    /// 名称；保密项目为代号
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub stage: String,
    pub health: String,
    /// 列为重点的原因
    pub reason: String,
    /// on_time / late / missing / due
    pub status: String,
    pub progress: Option<String>,
    pub next_plan: Option<String>,
    pub coordination: Option<String>,
}

impl From<KeyProject> for KeyProjectNote {
    fn from(k: KeyProject) -> KeyProjectNote {
        KeyProjectNote {
            project_id: k.project_id,
            code: k.code,
            name: k.name,
            unit_id: k.unit_id,
            unit_name: k.unit_name,
            stage: k.stage.code().to_string(),
            health: k.health.code().to_string(),
            reason: k.reason,
            status: match k.status {
                domain::dispatch::NoteStatus::OnTime => "on_time",
                domain::dispatch::NoteStatus::Late => "late",
                domain::dispatch::NoteStatus::Missing => "missing",
                domain::dispatch::NoteStatus::Due => "due",
            }
            .to_string(),
            progress: k.note.as_ref().map(|n| n.progress.clone()),
            next_plan: k.note.as_ref().map(|n| n.next_plan.clone()),
            coordination: k.note.as_ref().map(|n| n.coordination.clone()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DispatchReport {
    /// 该周周一
    #[schema(format = Date)]
    pub week: String,
    /// 市局是否已汇总定稿（定稿后数字不再变化）
    pub frozen: bool,
    pub units: Vec<UnitWeekFigures>,
    pub key_projects: Vec<KeyProjectNote>,
}

/// 周调度：全市权限得全市各单位的数字和重点项目进展（已定稿的周为定稿内容）；其他账号得本单位的。
#[utoipa::path(get, path = "/api/v1/dispatch", tag = "考核与调度",
    params(("week" = Option<String>, Query, format = Date, description = "该周任一天，默认本周")),
    responses((status = 200, body = DispatchReport), Errors))]
pub async fn dispatch(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<DispatchReport>> {
    let week = domain::dispatch::parse_week(&q.get("week"), Utc::now()).map_err(AppError::BadRequest)?;
    let frozen = state.store.frozen_week(week).await?;
    let is_frozen = frozen.is_some();
    if user.actor.can(Power::SeeAllUnits).is_ok() {
        let report = match frozen {
            Some((_, report)) => report,
            None => state.store.city_week(week).await?,
        };
        return Ok(Json(DispatchReport {
            week: week.to_string(),
            frozen: is_frozen,
            units: report.units.into_iter().map(UnitWeekFigures::from).collect(),
            key_projects: report.key_projects.into_iter().map(KeyProjectNote::from).collect(),
        }));
    }
    user.may(Access::Read, Owner::unit(user.unit.id), "dispatch_unit", user.unit.id)?;
    let detail = state.store.unit_week(user.unit.id, week).await?;
    Ok(Json(DispatchReport {
        week: week.to_string(),
        frozen: is_frozen,
        units: vec![detail.figures.into()],
        key_projects: detail.key_projects.into_iter().map(KeyProjectNote::from).collect(),
    }))
}
