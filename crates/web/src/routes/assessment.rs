//! Monthly assessment and quarterly rewards (月考核 / 季奖励): targets with their time schedule,
//! schemes as data, preview and publish, rankings with movement, a unit's breakdown down to the
//! records behind each point, and the 通报 as Word and Excel.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, Utc};

use domain::access::Power;
use domain::assessment::{Metric, QuarterScore, Scheme, UnitScore};
use store::assessment::{Progress, RunView};
use store::entities::{assessment_run, assessment_scheme, unit};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{parse_id, url_encode, FormData, Query};
use crate::views::Page;
use crate::AppState;

/// Hundredths as a figure with two decimals: 1234 → "12.34", -50 → "-0.50".
pub fn hundredths(v: &i64) -> String {
    let sign = if *v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

fn this_year() -> i32 {
    Utc::now().date_naive().year()
}

fn year_of(q: &FormData) -> Result<i32> {
    match q.get("year") {
        y if y.is_empty() => Ok(this_year()),
        y => y.parse().ok().filter(|y| (2000..=2100).contains(y)).ok_or_else(|| AppError::BadRequest(format!("年份「{y}」无效"))),
    }
}

fn month_of(q: &FormData) -> Result<u32> {
    match q.get("month") {
        m if m.is_empty() => {
            // By default the month just ended: on 1 April the bureau runs March.
            let today = Utc::now().date_naive();
            Ok(if today.day() <= 10 && today.month() > 1 { today.month() - 1 } else { today.month() })
        }
        m => m.parse().ok().filter(|m| (1..=12).contains(m)).ok_or_else(|| AppError::BadRequest(format!("月份「{m}」无效"))),
    }
}

fn sees_all(user: &CurrentUser) -> bool {
    user.actor.can(Power::SeeAllUnits).is_ok()
}

// ---- overview -----------------------------------------------------------------------------

struct SchemeLine {
    scheme: assessment_scheme::Model,
    group: String,
    runs: Vec<assessment_run::Model>,
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct OverviewPage {
    page: Page,
    year: i32,
    month: u32,
    schemes: Vec<SchemeLine>,
    can_assess: bool,
    sees_all: bool,
}

pub async fn overview(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let year = year_of(&q)?;
    let mut schemes = Vec::new();
    for s in state.store.schemes(Some(year)).await? {
        let runs = state.store.runs(Some(s.id)).await?.into_iter().filter(|r| r.year == year).collect();
        let group = domain::assessment::Group::parse(&s.group_code).map_or("", |g| g.label()).to_string();
        schemes.push(SchemeLine { scheme: s, group, runs });
    }
    let page = OverviewPage {
        page: Page::new(&state, &user, "考核", "assessment").with_flash(&q.get("done")),
        year,
        month: month_of(&FormData::default())?,
        schemes,
        can_assess: user.actor.can(Power::Assess).is_ok(),
        sees_all: sees_all(&user),
    };
    Ok(Html(page.render()?).into_response())
}

// ---- quotas ---------------------------------------------------------------------------------

struct QuotaRow {
    unit: unit::Model,
    values: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "assessment_quotas.html")]
struct QuotasPage {
    page: Page,
    year: i32,
    metrics: Vec<Metric>,
    rows: Vec<QuotaRow>,
    schedule: String,
    can_assess: bool,
    error: Option<String>,
}

/// Metrics a target can be set for (deductions have no target).
fn quota_metrics() -> Vec<Metric> {
    use Metric::*;
    vec![SignedCount, SignedAmount, ContractAmount, BigProjects, ProvinceOutsideBigProjects, StartedCount, FundsInPlace, FundsOutsideProvince, Fortune500Investors, TargetsContacted, FollowUps, Events, RequestsClosedOnTime]
}

async fn quotas_render(state: &AppState, user: &CurrentUser, year: i32, form: Option<FormData>, error: Option<String>, flash: &str) -> Result<Response> {
    let quotas = state.store.quotas(year).await?;
    let metrics = quota_metrics();
    let units: Vec<unit::Model> = state.store.units().await?.into_iter().filter(|u| u.active && ["county", "park", "office"].contains(&u.kind.as_str())).collect();
    let visible: Vec<unit::Model> = if sees_all(user) { units } else { units.into_iter().filter(|u| u.id == user.unit.id).collect() };
    let schedule = quotas.first().map_or_else(|| domain::assessment::even_schedule().map(|v| v.to_string()).join(","), |q| q.schedule.clone());
    let rows = visible
        .into_iter()
        .map(|u| {
            let values = metrics
                .iter()
                .map(|m| {
                    let name = format!("q_{}_{}", u.id, m.code());
                    let value = match &form {
                        Some(f) => f.get(&name),
                        None => quotas.iter().find(|q| q.unit_id == u.id && q.metric == m.code()).map(|q| hundredths(&q.annual).trim_end_matches(".00").to_string()).unwrap_or_default(),
                    };
                    (name, value)
                })
                .collect();
            QuotaRow { unit: u, values }
        })
        .collect();
    let page = QuotasPage {
        page: Page::new(state, user, "任务目标", "assessment").with_flash(flash),
        year,
        metrics,
        rows,
        schedule: form.as_ref().map_or(schedule, |f| f.get("schedule")),
        can_assess: user.actor.can(Power::Assess).is_ok(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn quotas(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let year = year_of(&q)?;
    quotas_render(&state, &user, year, None, None, &q.get("done")).await
}

/// A figure typed into the target grid: a count or a 万元 amount, up to two decimals.
fn parse_figure(text: &str, label: &str) -> std::result::Result<Option<i64>, String> {
    let t = text.trim().replace([',', '，'], "");
    if t.is_empty() {
        return Ok(None);
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let bad = || format!("「{label}」应为不小于 0 的数字（最多两位小数），实为「{text}」");
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) || whole.len() > 12 {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    Ok(Some(w * 100 + f))
}

/// A 万元 figure typed in a settings form, in hundredths; `None` when it is not one.
pub fn parse_figure_wan(text: &str) -> Option<i64> {
    parse_figure(text, "").ok().flatten()
}

pub async fn save_quotas(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Assess, "update", "quota", "")?;
    let year = year_of(&form)?;
    let schedule: Vec<i64> = form.get("schedule").split([',', '，', ' ']).filter(|s| !s.is_empty()).map(|s| s.trim().parse::<i64>().unwrap_or(-1)).collect();
    let schedule: [i64; 12] = match schedule.try_into() {
        Ok(s) => s,
        Err(_) => return quotas_render(&state, &user, year, Some(form), Some("时序进度应为 12 个累计百分比，用逗号分隔，如 8,16,25,…,100".into()), "").await,
    };
    if let Err(m) = domain::assessment::check_schedule(&schedule) {
        return quotas_render(&state, &user, year, Some(form), Some(m), "").await;
    }
    let units = state.store.units().await?;
    // Check every figure first, so a mistake changes nothing.
    let mut wanted = Vec::new();
    for u in units.iter().filter(|u| u.active && ["county", "park", "office"].contains(&u.kind.as_str())) {
        for m in quota_metrics() {
            let name = format!("q_{}_{}", u.id, m.code());
            match parse_figure(&form.raw(&name), &format!("{} {}", u.name, m.label())) {
                Ok(v) => wanted.push((u.id, m, v)),
                Err(e) => return quotas_render(&state, &user, year, Some(form), Some(e), "").await,
            }
        }
    }
    for (unit_id, metric, value) in wanted {
        state.store.set_quota(&user.who(), unit_id, year, metric, value, &schedule).await?;
    }
    Ok(Redirect::to(&format!("/assessment/quotas?year={year}&done=saved")).into_response())
}

// ---- progress against schedule ------------------------------------------------------------

#[derive(Template)]
#[template(path = "assessment_progress.html")]
struct ProgressPage {
    page: Page,
    year: i32,
    cutoff: chrono::NaiveDate,
    rows: Vec<Progress>,
    behind: usize,
}

/// The leader's one screen: every unit's targets against the time schedule, behind first.
pub async fn progress(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let year = year_of(&q)?;
    let today = Utc::now().date_naive();
    let cutoff = if year < today.year() { chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today) } else { today };
    let mut rows = state.store.schedule_progress(year, cutoff).await?;
    if !sees_all(&user) {
        rows.retain(|r| r.unit_id == user.unit.id);
    }
    rows.sort_by_key(|r| (r.percent.unwrap_or(i64::MAX), r.unit_name.clone()));
    let behind = rows.iter().filter(|r| r.behind()).count();
    let page = ProgressPage { page: Page::new(&state, &user, "目标进度", "assessment"), year, cutoff, rows, behind };
    Ok(Html(page.render()?).into_response())
}

// ---- schemes --------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "assessment_scheme.html")]
struct SchemePage {
    page: Page,
    id: Option<i64>,
    year: i32,
    version: i32,
    body: String,
    scheme: Option<Scheme>,
    can_assess: bool,
    error: Option<String>,
}

pub async fn new_scheme(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    user.can(Power::Assess, "create", "assessment_scheme", "")?;
    let body = toml::to_string(&domain::assessment::demo_county_scheme()).map_err(|e| AppError::Internal(e.to_string()))?;
    let page = SchemePage { page: Page::new(&state, &user, "新建考核方案", "assessment"), id: None, year: this_year(), version: 0, body, scheme: None, can_assess: true, error: None };
    Ok(Html(page.render()?).into_response())
}

pub async fn scheme_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let (row, scheme) = state.store.scheme(id).await?;
    let page = SchemePage {
        page: Page::new(&state, &user, "考核方案", "assessment").with_flash(&q.get("done")),
        id: Some(id),
        year: row.year,
        version: row.version,
        body: row.body,
        scheme: Some(scheme),
        can_assess: user.actor.can(Power::Assess).is_ok(),
        error: None,
    };
    Ok(Html(page.render()?).into_response())
}

async fn save(state: AppState, user: CurrentUser, id: Option<i64>, form: FormData) -> Result<Response> {
    user.can(Power::Assess, if id.is_some() { "update" } else { "create" }, "assessment_scheme", id.map(|i| i.to_string()).unwrap_or_default())?;
    let year = year_of(&form)?;
    let version = form.get("version").parse().ok();
    let body = form.raw("body");
    match state.store.save_scheme(&user.who(), id, year, &body, version).await {
        Ok(row) => Ok(Redirect::to(&format!("/assessment/schemes/{}?done=saved", row.id)).into_response()),
        Err(store::StoreError::Invalid(m) | store::StoreError::Conflict(m)) => {
            let page = SchemePage { page: Page::new(&state, &user, "考核方案", "assessment"), id, year, version: version.unwrap_or(0), body, scheme: None, can_assess: true, error: Some(m) };
            Ok(Html(page.render()?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn create_scheme(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    save(state, user, None, form).await
}

pub async fn update_scheme(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    save(state, user, Some(id), form).await
}

// ---- runs -----------------------------------------------------------------------------------

/// A ranking line with its movement since the previous month's published run.
pub struct Ranked {
    pub score: UnitScore,
    /// Places gained (positive) or lost since last month; `None` when there is no last month.
    pub movement: Option<i64>,
}

impl Ranked {
    pub fn movement_text(&self) -> String {
        match self.movement {
            None => "—".into(),
            Some(0) => "持平".into(),
            Some(m) if m > 0 => format!("↑{m}"),
            Some(m) => format!("↓{}", -m),
        }
    }
}

async fn ranked(state: &AppState, scheme_id: i64, view: &RunView) -> Result<Vec<Ranked>> {
    let previous = if view.month > 1 { state.store.published_run(scheme_id, view.year, view.month - 1).await? } else { None };
    Ok(view
        .scores
        .iter()
        .map(|s| Ranked {
            score: s.clone(),
            movement: previous.as_ref().and_then(|p| p.scores.iter().find(|o| o.unit_id == s.unit_id)).map(|o| i64::from(o.rank) - i64::from(s.rank)),
        })
        .collect())
}

#[derive(Template)]
#[template(path = "assessment_run.html")]
struct RunPage {
    page: Page,
    scheme_id: i64,
    view: RunView,
    ranked: Vec<Ranked>,
    can_assess: bool,
    sees_all: bool,
    own_unit: i64,
    versions: Vec<assessment_run::Model>,
    error: Option<String>,
}

async fn render_run(state: &AppState, user: &CurrentUser, scheme_id: i64, view: RunView, flash: &str, error: Option<String>) -> Result<Response> {
    let ranked = ranked(state, scheme_id, &view).await?;
    let versions = state.store.runs(Some(scheme_id)).await?.into_iter().filter(|r| r.year == view.year && r.month == i32::try_from(view.month).unwrap_or(0)).collect();
    let title = format!("{} 年 {} 月考核", view.year, view.month);
    let page = RunPage {
        page: Page::new(state, user, title, "assessment").with_flash(flash),
        scheme_id,
        view,
        ranked,
        can_assess: user.actor.can(Power::Assess).is_ok(),
        sees_all: sees_all(user),
        own_unit: user.unit.id,
        versions,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// Scores as the records stand now, before publishing: the bureau's and the leaders'.
pub async fn preview(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::SeeAllUnits, "preview", "assessment_scheme", id)?;
    let (year, month) = (year_of(&q)?, month_of(&q)?);
    let view = match state.store.preview_run(id, year, month).await {
        Ok(v) => v,
        Err(store::StoreError::Invalid(m)) => return Err(AppError::BadRequest(m)),
        Err(e) => return Err(e.into()),
    };
    render_run(&state, &user, id, view, "", None).await
}

pub async fn publish(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::Assess, "publish", "assessment_scheme", id)?;
    let (year, month) = (year_of(&form)?, month_of(&form)?);
    match state.store.publish_run(&user.who(), id, year, month, &form.get("correction")).await {
        Ok(run) => Ok(Redirect::to(&format!("/assessment/runs/{}?done=published", run.id)).into_response()),
        Err(store::StoreError::Invalid(m)) => {
            let view = state.store.preview_run(id, year, month).await?;
            render_run(&state, &user, id, view, "", Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A published run, exactly as frozen; every signed-in user sees the rankings.
pub async fn run_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let view = state.store.run(id).await?;
    let scheme_id = view.run.as_ref().map_or(0, |r| r.scheme_id);
    render_run(&state, &user, scheme_id, view, &q.get("done"), None).await
}

/// An indicator of a unit's breakdown, with where its records can be opened.
struct IndicatorView {
    score: domain::assessment::IndicatorScore,
    /// "/projects/" when the records are projects; empty for counts kept in aggregate.
    link: &'static str,
}

#[derive(Template)]
#[template(path = "assessment_unit.html")]
struct UnitPage {
    page: Page,
    view: RunView,
    score: UnitScore,
    indicators: Vec<IndicatorView>,
    units_ranked: usize,
    history: Vec<(u32, i64, u32, usize)>,
    chart: String,
}

/// One unit's score, indicator by indicator, down to the records; the unit's own and the city's.
pub async fn unit_breakdown(State(state): State<AppState>, user: CurrentUser, Path((id, unit_id)): Path<(String, String)>) -> Result<Response> {
    let (id, unit_id) = (parse_id(&id)?, parse_id(&unit_id)?);
    if unit_id != user.unit.id {
        user.can(Power::SeeAllUnits, "read", "assessment_breakdown", format!("{id}/{unit_id}"))?;
    }
    let view = state.store.run(id).await?;
    let score = view.scores.iter().find(|s| s.unit_id == unit_id).cloned().ok_or_else(|| AppError::NotFound("这次考核没有这个单位".into()))?;
    let scheme_id = view.run.as_ref().map_or(0, |r| r.scheme_id);
    let history = state.store.unit_history(scheme_id, view.year, unit_id).await?;
    let chart = history_svg(&history);
    let indicators = score
        .indicators
        .iter()
        .map(|i| {
            let metric = view.scheme.indicators.iter().find(|d| d.key == i.key).map(|d| d.metric);
            let link = match metric {
                // Counted in aggregate, or requests (which have no page of their own).
                Some(Metric::FollowUps | Metric::TargetsContacted | Metric::LateReports | Metric::RequestsClosedOnTime) | None => "",
                Some(Metric::Events) => "/events/",
                Some(_) => "/projects/",
            };
            IndicatorView { score: i.clone(), link }
        })
        .collect();
    let page = UnitPage { page: Page::new(&state, &user, format!("{} 考核得分", score.unit_name), "assessment"), units_ranked: view.scores.len(), view, score, indicators, history, chart };
    Ok(Html(page.render()?).into_response())
}

/// Monthly totals as bars with the rank over each, drawn as SVG (numbers only; no user text).
fn history_svg(history: &[(u32, i64, u32, usize)]) -> String {
    let (w, h, pad) = (360i64, 160i64, 24i64);
    let max = history.iter().map(|h| h.1).max().unwrap_or(0).max(1);
    let slot = (w - pad) / 12;
    let mut out = format!(r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-label="各月得分"><line x1="{pad}" y1="{}" x2="{w}" y2="{}" stroke="currentColor" stroke-opacity=".3"/>"#, h - pad, h - pad);
    for (month, total, rank, _) in history {
        let x = pad + (i64::from(*month) - 1) * slot + 2;
        let bar = ((*total).max(0) * (h - 2 * pad) / max).max(1);
        let y = h - pad - bar;
        out.push_str(&format!(r#"<rect x="{x}" y="{y}" width="{}" height="{bar}" fill="currentColor" fill-opacity=".6"><title>{month} 月 {} 分，第 {rank} 名</title></rect>"#, slot - 4, hundredths(total)));
        out.push_str(&format!(r#"<text x="{}" y="{}" font-size="10" text-anchor="middle">{rank}</text>"#, x + (slot - 4) / 2, y - 3));
    }
    for m in 1..=12i64 {
        out.push_str(&format!(r#"<text x="{}" y="{}" font-size="9" text-anchor="middle" fill-opacity=".7">{m}</text>"#, pad + (m - 1) * slot + slot / 2, h - pad + 12));
    }
    out.push_str("</svg>");
    out
}

// ---- quarter ----------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "assessment_quarter.html")]
struct QuarterPage {
    page: Page,
    scheme_id: i64,
    scheme: Scheme,
    year: i32,
    quarter: u32,
    months: Vec<u32>,
    scores: Vec<QuarterScore>,
    missing: Vec<u32>,
}

fn quarter_of(q: &FormData) -> Result<u32> {
    match q.get("q") {
        v if v.is_empty() => Ok((Utc::now().date_naive().month() - 1) / 3 + 1),
        v => v.parse().ok().filter(|v| (1..=4).contains(v)).ok_or_else(|| AppError::BadRequest(format!("季度「{v}」无效，应为 1–4"))),
    }
}

pub async fn quarter(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let (year, quarter) = (year_of(&q)?, quarter_of(&q)?);
    let (scheme, scores, missing) = state.store.quarter_scores(id, year, quarter).await?;
    let page = QuarterPage { page: Page::new(&state, &user, format!("{year} 年第 {quarter} 季度"), "assessment"), scheme_id: id, scheme, year, quarter, months: (quarter * 3 - 2..=quarter * 3).collect(), scores, missing };
    Ok(Html(page.render()?).into_response())
}

// ---- bulletins ----------------------------------------------------------------------------------

fn attachment(bytes: Vec<u8>, kind: &str, ascii: &str, name: &str) -> Response {
    let content_type = if kind == "docx" { "application/vnd.openxmlformats-officedocument.wordprocessingml.document" } else { "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" };
    (
        [(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii}.{kind}\"; filename*=UTF-8''{}", url_encode(&format!("{name}.{kind}"))))],
        bytes,
    )
        .into_response()
}

fn ranking_table(view: &RunView, ranked: &[Ranked]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut header = vec!["名次".to_string(), "单位".to_string()];
    header.extend(view.scheme.indicators.iter().map(|i| i.name.clone()));
    header.push("总分".into());
    header.push("较上月".into());
    let rows = ranked
        .iter()
        .map(|r| {
            let mut row = vec![r.score.rank.to_string(), r.score.unit_name.clone()];
            row.extend(view.scheme.indicators.iter().map(|i| r.score.indicators.iter().find(|s| s.key == i.key).map_or_else(String::new, |s| hundredths(&s.points))));
            row.push(hundredths(&r.score.total));
            row.push(r.movement_text());
            row
        })
        .collect();
    (header, rows)
}

async fn bureau_name(state: &AppState) -> Result<String> {
    Ok(state.store.units().await?.into_iter().find(|u| u.kind == "bureau").map(|u| u.name).unwrap_or_default())
}

/// The month's 通报 in 公文 layout: ranking table, chart, who led and who lagged, and why.
pub async fn bulletin(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    use office::docx::{Block, Document};
    let id = parse_id(&id)?;
    let view = state.store.run(id).await?;
    let scheme_id = view.run.as_ref().map_or(0, |r| r.scheme_id);
    let ranked = ranked(&state, scheme_id, &view).await?;
    let group = view.scheme.group.label();
    let version = view.run.as_ref().map_or(1, |r| r.version);
    let mut blocks = vec![
        Block::Paragraph(format!("各{group}：")),
        Block::Paragraph(format!(
            "根据《{}》，现将{}年1—{}月各{group}招商引资工作考核结果通报如下。本次考核数据截至{}，只计入经实地核查通过、符合认定条件且未被判定为重复的项目，飞地分成项目按分成比例计分。{}",
            view.scheme.name,
            view.year,
            view.month,
            view.cutoff.format("%Y年%-m月%-d日"),
            if version > 1 { format!("本通报为更正版（第 {version} 版），更正原因：{}。", view.run.as_ref().map_or("", |r| r.correction.as_str())) } else { String::new() }
        )),
        Block::Heading1("一、考核排名".into()),
    ];
    let (header, rows) = ranking_table(&view, &ranked);
    blocks.push(Block::Table { header, rows, widths_mm: None });
    let values: Vec<(String, f64)> = view.scores.iter().map(|s| (s.unit_name.clone(), s.total as f64 / 100.0)).collect();
    if !values.is_empty() {
        blocks.push(Block::Image { png: office::chart::bar_chart_png(&values, 640, 320), width_px: 640, height_px: 320, caption: "各单位考核总分".into() });
    }
    blocks.push(Block::Heading1("二、主要情况".into()));
    if let Some(first) = view.scores.first() {
        let best: Vec<String> = first.indicators.iter().filter(|i| i.points > 0).take(3).map(|i| format!("{}得 {} 分", i.name, hundredths(&i.points))).collect();
        blocks.push(Block::Paragraph(format!("{}以 {} 分位居第一，其中{}。", first.unit_name, hundredths(&first.total), best.join("，"))));
    }
    if let Some(last) = view.scores.last().filter(|_| view.scores.len() > 1) {
        let weak: Vec<String> = last.indicators.iter().filter_map(|i| i.target.filter(|t| *t > 0 && i.actual < *t).map(|t| format!("{}完成 {}（目标 {}）", i.name, hundredths(&i.actual), hundredths(&t)))).take(3).collect();
        blocks.push(Block::Paragraph(format!("{}得 {} 分，排名靠后{}。", last.unit_name, hundredths(&last.total), if weak.is_empty() { String::new() } else { format!("，{}", weak.join("，")) })));
    }
    for s in &view.scores {
        let deductions: Vec<String> = s.indicators.iter().filter(|i| i.points < 0).map(|i| format!("{}扣 {} 分", i.name, hundredths(&-i.points))).collect();
        if !deductions.is_empty() {
            blocks.push(Block::Paragraph(format!("{}：{}。", s.unit_name, deductions.join("，"))));
        }
    }
    blocks.push(Block::Heading1("三、有关要求".into()));
    blocks.push(Block::Paragraph("各单位要对照年度目标任务和时序进度，查找差距，落实措施；排名靠后的单位要认真分析原因，加快在谈项目签约、签约项目开工和资金到位。每项得分所依据的项目明细可在系统“考核”页面逐项查看。".into()));
    let doc = Document { title: format!("关于{}年{}月招商引资考核结果的通报", view.year, view.month), issuer: None, doc_number: None, blocks, signature: Some((bureau_name(&state).await?, Utc::now().date_naive())) };
    let bytes = office::docx::write(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(bytes, "docx", &format!("bulletin-{}-{:02}", view.year, view.month), &format!("{}年{}月考核通报", view.year, view.month)))
}

pub async fn results_xlsx(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    let id = parse_id(&id)?;
    let view = state.store.run(id).await?;
    let scheme_id = view.run.as_ref().map_or(0, |r| r.scheme_id);
    let ranked = ranked(&state, scheme_id, &view).await?;
    let mut columns = vec![Column::new("名次", 6.0), Column::new("单位", 16.0)];
    columns.extend(view.scheme.indicators.iter().map(|i| Column::new(i.name.clone(), 12.0)));
    columns.push(Column::new("总分", 10.0));
    columns.push(Column::new("较上月", 8.0));
    // Points are hundredths, the same fixed point as 万元 amounts, so they share the number format.
    let rows = ranked.iter().map(|r| {
        let mut row = vec![Cell::Int(i64::from(r.score.rank)), Cell::text(&r.score.unit_name)];
        row.extend(view.scheme.indicators.iter().map(|i| r.score.indicators.iter().find(|s| s.key == i.key).map_or(Cell::Empty, |s| Cell::Wan(s.points))));
        row.push(Cell::Wan(r.score.total));
        row.push(Cell::text(r.movement_text()));
        row
    });
    let title = format!("{}年{}月招商引资考核结果（截至{}）", view.year, view.month, view.cutoff);
    let bytes = office::xlsx::write_table("考核结果", &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(bytes, "xlsx", &format!("assessment-{}-{:02}", view.year, view.month), &format!("{}年{}月考核结果", view.year, view.month)))
}

/// The quarter's reward 通报: ranks, tiers and each month's score.
pub async fn quarter_bulletin(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    use office::docx::{Block, Document};
    let id = parse_id(&id)?;
    let (year, quarter) = (year_of(&q)?, quarter_of(&q)?);
    let (scheme, scores, missing) = state.store.quarter_scores(id, year, quarter).await?;
    if !missing.is_empty() {
        let months: Vec<String> = missing.iter().map(|m| format!("{m} 月")).collect();
        return Err(AppError::BadRequest(format!("{} 的考核结果尚未发布，季度通报须待三个月都发布后生成", months.join("、"))));
    }
    let mode = scheme.quarter_mode.label();
    let first = quarter * 3 - 2;
    let mut header = vec!["名次".to_string(), "单位".to_string()];
    header.extend((first..first + 3).map(|m| format!("{m}月")));
    header.push(format!("季度（{mode}）"));
    header.push("奖励等次".into());
    let rows: Vec<Vec<String>> = scores
        .iter()
        .map(|s| {
            let mut row = vec![s.rank.to_string(), s.unit_name.clone()];
            row.extend(s.months.iter().map(|m| m.map_or_else(|| "—".into(), |v| hundredths(&v))));
            row.push(hundredths(&s.total));
            row.push(s.tier.clone().unwrap_or_default());
            row
        })
        .collect();
    let awarded: Vec<String> = scores.iter().filter_map(|s| s.tier.as_ref().map(|t| format!("{}（{}）", s.unit_name, t))).collect();
    let blocks = vec![
        Block::Paragraph(format!("各{}：", scheme.group.label())),
        Block::Paragraph(format!("根据《{}》，按{}年第{}季度各月考核得分{}排名，现将季度考核及奖励结果通报如下。", scheme.name, year, quarter, mode)),
        Block::Heading1("一、季度排名".into()),
        Block::Table { header, rows, widths_mm: None },
        Block::Heading1("二、奖励".into()),
        Block::Paragraph(if awarded.is_empty() { "本季度无获奖单位。".into() } else { format!("{}。", awarded.join("、")) }),
    ];
    let doc = Document { title: format!("关于{year}年第{quarter}季度招商引资考核奖励的通报"), issuer: None, doc_number: None, blocks, signature: Some((bureau_name(&state).await?, Utc::now().date_naive())) };
    let bytes = office::docx::write(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(bytes, "docx", &format!("quarter-{year}-q{quarter}"), &format!("{year}年第{quarter}季度考核奖励通报")))
}

/// The quarter's ranking as a spreadsheet.
pub async fn quarter_xlsx(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    let id = parse_id(&id)?;
    let (year, quarter) = (year_of(&q)?, quarter_of(&q)?);
    let (scheme, scores, missing) = state.store.quarter_scores(id, year, quarter).await?;
    let first = quarter * 3 - 2;
    let mut columns = vec![Column::new("名次", 6.0), Column::new("单位", 18.0)];
    columns.extend((first..first + 3).map(|m| Column::new(format!("{m}月"), 10.0)));
    columns.push(Column::new(format!("季度（{}）", scheme.quarter_mode.label()), 12.0));
    columns.push(Column::new("奖励等次", 10.0));
    let rows = scores.iter().map(|s| {
        let mut row = vec![Cell::Int(i64::from(s.rank)), Cell::text(&s.unit_name)];
        row.extend(s.months.iter().map(|m| m.map_or(Cell::Empty, Cell::Wan)));
        row.push(Cell::Wan(s.total));
        row.push(Cell::text(s.tier.clone().unwrap_or_default()));
        row
    });
    let pending = if missing.is_empty() { String::new() } else { format!("（{} 月未发布，暂定）", missing.iter().map(u32::to_string).collect::<Vec<_>>().join("、")) };
    let title = format!("{year}年第{quarter}季度招商引资考核排名{pending}");
    let bytes = office::xlsx::write_table("季度排名", &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(attachment(bytes, "xlsx", &format!("quarter-{year}-q{quarter}"), &format!("{year}年第{quarter}季度考核排名")))
}
