//! The weekly dispatch (周调度): the city's week (bureau and leaders), each unit's week down to
//! its follow-ups, the notes unit heads write on key projects, the frozen city report and its
//! Word version, and the joint meeting's agenda.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, NaiveDate, Utc};

use domain::access::{Access, Owner, Power};
use domain::dispatch::{DispatchRules, NoteStatus};
use store::dispatch::{CityReport, NoteInput, UnitWeekDetail};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{parse_id, url_encode, FormData, Query};
use crate::views::Page;
use crate::AppState;

fn week_of(q: &FormData) -> Result<NaiveDate> {
    domain::dispatch::parse_week(&q.get("week"), Utc::now()).map_err(AppError::BadRequest)
}

pub fn local(at: &chrono::DateTime<Utc>) -> String {
    at.with_timezone(&domain::dispatch::china()).format("%m-%d %H:%M").to_string()
}

#[derive(Template)]
#[template(path = "dispatch.html")]
struct CityPage {
    page: Page,
    week: NaiveDate,
    previous: NaiveDate,
    next: Option<NaiveDate>,
    report: CityReport,
    frozen: Option<store::entities::dispatch_report::Model>,
    frozen_weeks: Vec<NaiveDate>,
    can_assess: bool,
    rules: DispatchRules,
    error: Option<String>,
}

async fn city_page(state: &AppState, user: &CurrentUser, week: NaiveDate, flash: &str, error: Option<String>) -> Result<Response> {
    let current = domain::dispatch::current_week(Utc::now());
    let frozen = state.store.frozen_week(week).await?;
    let (frozen, report) = match frozen {
        Some((row, report)) => (Some(row), report),
        None => (None, state.store.city_week(week).await?),
    };
    let page = CityPage {
        page: Page::new(state, user, "周调度", "dispatch").with_flash(flash),
        week,
        previous: week - Duration::days(7),
        next: (week < current).then(|| week + Duration::days(7)),
        report,
        frozen,
        frozen_weeks: state.store.frozen_weeks(12).await?,
        can_assess: user.actor.can(Power::Assess).is_ok(),
        rules: state.store.dispatch_rules().await?,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// The city's week for the bureau and leaders; a unit's own people go straight to their unit.
pub async fn city(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let week = week_of(&q)?;
    if user.actor.can(Power::SeeAllUnits).is_err() {
        return Ok(Redirect::to(&format!("/dispatch/units/{}?week={week}", user.unit.id)).into_response());
    }
    city_page(&state, &user, week, &q.get("done"), None).await
}

#[derive(Template)]
#[template(path = "dispatch_unit.html")]
struct UnitPage {
    page: Page,
    unit: store::entities::unit::Model,
    week: NaiveDate,
    previous: NaiveDate,
    next: Option<NaiveDate>,
    detail: UnitWeekDetail,
    frozen: bool,
    deadline_text: String,
    can_write: bool,
    sees_all: bool,
    error: Option<(i64, String)>,
}

async fn unit_page(state: &AppState, user: &CurrentUser, unit_id: i64, week: NaiveDate, flash: &str, error: Option<(i64, String)>) -> Result<Response> {
    let unit = state.store.unit(unit_id).await?;
    user.may(Access::Read, Owner::unit(unit.id), "dispatch_unit", unit.id)?;
    let current = domain::dispatch::current_week(Utc::now());
    let rules = state.store.dispatch_rules().await?;
    let frozen = state.store.frozen_week(week).await?.is_some();
    let can_write = user.actor.may(Access::Write, Owner::unit(unit.id)).is_ok() && !frozen && week <= current;
    let page = UnitPage {
        page: Page::new(state, user, format!("{} 周调度", unit.name), "dispatch").with_flash(flash),
        detail: state.store.unit_week(unit.id, week).await?,
        unit,
        week,
        previous: week - Duration::days(7),
        next: (week < current).then(|| week + Duration::days(7)),
        frozen,
        deadline_text: format!("{}（{}）", rules.deadline_text(), local(&rules.deadline(week))),
        can_write,
        sees_all: user.actor.can(Power::SeeAllUnits).is_ok(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// One unit's week: its figures, key projects with notes, stage moves, follow-ups, late requests.
pub async fn unit(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let week = week_of(&q)?;
    unit_page(&state, &user, id, week, &q.get("done"), None).await
}

/// A unit's note on one of its projects for the week.
pub async fn save_note(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let week = week_of(&form)?;
    let project_id = form.id("project_id", "项目")?.ok_or_else(|| AppError::BadRequest("缺少项目".into()))?;
    let project = state.store.project(project_id).await?;
    user.may(Access::Write, Owner::unit(project.landing_unit_id), "dispatch_note", project_id)?;
    let input = NoteInput { progress: form.get("progress"), next_plan: form.get("next_plan"), coordination: form.get("coordination") };
    let version = form.get("version").parse().ok();
    match state.store.save_note(&user.who(), week, project_id, &input, version).await {
        Ok(_) => Ok(Redirect::to(&format!("/dispatch/units/{}?week={week}&done=saved#p{project_id}", project.landing_unit_id)).into_response()),
        Err(store::StoreError::Invalid(m) | store::StoreError::Conflict(m)) => unit_page(&state, &user, project.landing_unit_id, week, "", Some((project_id, m))).await,
        Err(e) => Err(e.into()),
    }
}

/// The bureau compiles the city's week and freezes it.
pub async fn freeze(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Assess, "freeze", "dispatch_report", form.get("week"))?;
    let week = week_of(&form)?;
    match state.store.freeze_week(&user.who(), week).await {
        Ok(_) => Ok(Redirect::to(&format!("/dispatch?week={week}&done=frozen")).into_response()),
        Err(store::StoreError::Invalid(m) | store::StoreError::Conflict(m)) => city_page(&state, &user, week, "", Some(m)).await,
        Err(e) => Err(e.into()),
    }
}

/// The deadline and the key-project threshold.
pub async fn save_rules(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Assess, "update", "dispatch_rules", "")?;
    let week = week_of(&form)?;
    let number = |name: &str| form.get(name).parse::<i64>().ok();
    let key_min = super::assessment::parse_figure_wan(&form.get("key_min_wan"));
    let rules = match (number("deadline_weekday"), number("deadline_hour"), key_min, number("remind_hours_before")) {
        (Some(d), Some(h), Some(k), Some(r)) => DispatchRules { deadline_weekday: u32::try_from(d).unwrap_or(0), deadline_hour: u32::try_from(h).unwrap_or(99), key_min_wan: k, remind_hours_before: r },
        _ => return city_page(&state, &user, week, "", Some("调度设置应填整数：截止日 1–7、截止时间 0–23、重点项目门槛（万元）、提前提醒小时数".into())).await,
    };
    if let Err(m) = DispatchRules::parse(&rules.to_toml()) {
        return city_page(&state, &user, week, "", Some(m)).await;
    }
    state.store.set_dispatch_rules(&user.who(), &rules).await?;
    Ok(Redirect::to(&format!("/dispatch?week={week}&done=saved")).into_response())
}

/// The city's weekly report in 公文 layout: the frozen one when there is one.
pub async fn report_docx(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::docx::{Block, Document};
    user.can(Power::SeeAllUnits, "read", "dispatch_report", q.get("week"))?;
    let week = week_of(&q)?;
    let (frozen, report) = match state.store.frozen_week(week).await? {
        Some((_, r)) => (true, r),
        None => (false, state.store.city_week(week).await?),
    };
    let end = week + Duration::days(6);
    let t = report.totals();
    let mut blocks = vec![
        Block::Paragraph(format!(
            "本周（{}—{}）全市新增项目线索 {} 个，项目推进 {} 次，对接记录 {} 条；新提企业诉求 {} 条、办结 {} 条，逾期未办结 {} 条；体检红色项目 {} 个。重点项目 {} 个，按时报送进展 {} 个、逾期报送 {} 个、未报送 {} 个。{}",
            week.format("%-m月%-d日"), end.format("%-m月%-d日"), t.new_leads, t.stage_moves, t.follow_ups, t.requests_opened, t.requests_closed, t.requests_overdue, t.red_projects, t.key_projects, t.notes_on_time, t.notes_late, t.notes_missing,
            if frozen { "" } else { "（本报告尚未定稿，数据以定稿为准。）" }
        )),
        Block::Heading1("一、各单位本周情况".into()),
    ];
    let header = ["单位", "新线索", "推进", "对接", "新诉求", "办结", "逾期诉求", "红色项目", "进展报送"].map(String::from).to_vec();
    let rows = report
        .units
        .iter()
        .map(|u| vec![u.unit_name.clone(), u.new_leads.to_string(), u.stage_moves.to_string(), u.follow_ups.to_string(), u.requests_opened.to_string(), u.requests_closed.to_string(), u.requests_overdue.to_string(), u.red_projects.to_string(), format!("{}/{}", u.notes_on_time + u.notes_late, u.key_projects)])
        .collect();
    blocks.push(Block::Table { header, rows, widths_mm: Some(vec![26.0, 14.0, 14.0, 14.0, 16.0, 14.0, 18.0, 18.0, 22.0]) });
    blocks.push(Block::Heading1("二、重点项目进展".into()));
    let mut any = false;
    for k in report.key_projects.iter().filter(|k| k.note.is_some() || k.health == domain::project::HealthLevel::Red) {
        any = true;
        let mut text = format!("{}（{}，{}）", k.name, k.unit_name, k.stage.label());
        match &k.note {
            Some(n) => {
                text.push_str(&format!("：{}", n.progress));
                if !n.next_plan.is_empty() {
                    text.push_str(&format!("下周计划：{}", n.next_plan));
                }
                if !n.coordination.is_empty() {
                    text.push_str(&format!("需协调：{}", n.coordination));
                }
            }
            None => text.push_str(&format!("：{}，本周未报送进展。", k.status.label())),
        }
        if k.health == domain::project::HealthLevel::Red {
            text.push_str(&format!("【红色预警：{}】", k.health_reasons.replace('\n', "；")));
        }
        blocks.push(Block::Paragraph(text));
    }
    if !any {
        blocks.push(Block::Paragraph("本周无重点项目进展报送。".into()));
    }
    blocks.push(Block::Heading1("三、提请联席会议协调事项".into()));
    if report.agenda.is_empty() {
        blocks.push(Block::Paragraph("本周无提请联席会议协调的事项。".into()));
    }
    for (i, a) in report.agenda.iter().enumerate() {
        blocks.push(Block::Paragraph(format!("{}. {}（{}）：{}。责任单位{}，期限 {}{}。", i + 1, a.enterprise, a.category, a.text, a.owner_unit, a.deadline, if a.overdue_days > 0 { format!("，已逾期 {} 天", a.overdue_days) } else { String::new() })));
    }
    let late: Vec<String> = report.units.iter().filter(|u| u.late()).map(|u| u.unit_name.clone()).collect();
    if !late.is_empty() {
        blocks.push(Block::Heading1("四、报送情况".into()));
        blocks.push(Block::Paragraph(format!("{}未按时（{}前）报送全部重点项目进展，计入月度考核。", late.join("、"), report.deadline_text)));
    }
    let bureau = state.store.units().await?.into_iter().find(|u| u.kind == "bureau").map(|u| u.name).unwrap_or_default();
    let doc = Document { title: format!("全市招商引资项目周调度报告\n（{}—{}）", week.format("%Y年%-m月%-d日"), end.format("%-m月%-d日")), issuer: None, doc_number: None, blocks, signature: Some((bureau, Utc::now().date_naive())) };
    let bytes = office::docx::write(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"dispatch-{week}.docx\"; filename*=UTF-8''{}", url_encode(&format!("周调度报告-{week}.docx")))),
        ],
        bytes,
    )
        .into_response())
}

/// The city's week as a spreadsheet: one row per unit, then one per key project with its note.
pub async fn report_xlsx(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    user.can(Power::SeeAllUnits, "read", "dispatch_report", q.get("week"))?;
    let week = week_of(&q)?;
    let (frozen, report) = match state.store.frozen_week(week).await? {
        Some((_, r)) => (true, r),
        None => (false, state.store.city_week(week).await?),
    };
    let columns = ["单位", "项目", "阶段", "体检", "报送情况", "本周进展", "下周计划", "需协调事项", "新线索", "推进", "对接", "新诉求", "办结", "逾期诉求"]
        .iter()
        .zip([14.0, 30.0, 8.0, 8.0, 10.0, 40.0, 30.0, 30.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0])
        .map(|(h, w)| Column::new(*h, w))
        .collect::<Vec<_>>();
    let mut rows = Vec::new();
    for u in &report.units {
        rows.push(vec![
            Cell::text(&u.unit_name), Cell::text("（单位合计）"), Cell::Empty, Cell::Empty, Cell::text(format!("{}/{}", u.notes_on_time + u.notes_late, u.key_projects)), Cell::Empty, Cell::Empty, Cell::Empty,
            Cell::Int(u.new_leads), Cell::Int(u.stage_moves), Cell::Int(u.follow_ups), Cell::Int(u.requests_opened), Cell::Int(u.requests_closed), Cell::Int(u.requests_overdue),
        ]);
        for k in report.key_projects.iter().filter(|k| k.unit_id == u.unit_id) {
            let (progress, next, coordination) = k.note.as_ref().map_or((String::new(), String::new(), String::new()), |n| (n.progress.clone(), n.next_plan.clone(), n.coordination.clone()));
            rows.push(vec![Cell::text(&u.unit_name), Cell::text(&k.name), Cell::text(k.stage.label()), Cell::text(k.health.label()), Cell::text(k.status.label()), Cell::text(progress), Cell::text(next), Cell::text(coordination)]);
        }
    }
    let title = format!("全市周调度（{}起）{}", week, if frozen { "" } else { "（未定稿）" });
    let bytes = office::xlsx::write_table("周调度", &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"dispatch-{week}.xlsx\"; filename*=UTF-8''{}", url_encode(&format!("周调度-{week}.xlsx")))),
        ],
        bytes,
    )
        .into_response())
}

/// Whether a note status reads as a problem (for the chip colour).
pub fn bad(status: &NoteStatus) -> bool {
    status.is_late()
}
