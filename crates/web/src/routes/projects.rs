//! Projects (项目库): filtered lists with figures that count only what counts, the board by stage,
//! export as filtered, a new lead (from a target or fresh) with duplicate warning, the project page
//! with its timeline and every action on it, editing with optimistic locking, evidence files, and
//! the bureau's rules for eligibility and health.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use domain::Role;
use domain::access::{Access, Owner, Power, Visibility};
use domain::project::{
    Advance, ContractKind, EligibilityRules, Escalation, FundsOrigin, FundsUse, HealthLevel, HealthRules, ProjectKind, RequestCategory, RequestStatus, Review,
    SourceChannel, Stage, State as ProjectState, TeamRole, Verification,
};
use store::StoreError;
use store::entities::{funds_report, policy_item, project, unit, user};
use store::profile::ClusterTree;
use store::projects::{ChangeNote, DuplicateDecision, DuplicateMatch, FundsInput, ProjectFilter, ProjectInput, ProjectRow, ProjectSort, StageFigure, TimelineItem};
use store::services::{Member, RequestRow};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id, url_encode};
use crate::views::Page;
use crate::AppState;

const PER_PAGE: u64 = 50;
/// 1 亿元 in hundredths of 万元.
const YI: i64 = 1_000_000;

/// What the signed-in user may do with one project.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rights {
    pub write: bool,
    pub verify: bool,
    pub adjudicate: bool,
    pub real_name: bool,
}

/// The owners a project is read as: landing unit (with its chain's lead department), the unit
/// that brought it, and units sharing its credit.
async fn read_owners(state: &AppState, user: &CurrentUser, p: &project::Model, units: &[i64]) -> Result<Vec<Owner>> {
    let lead = state.store.project_chain_lead(p).await?.filter(|l| *l == user.unit.id);
    let mut owners = vec![Owner { unit_id: p.landing_unit_id, chain_lead_unit_id: lead }];
    owners.extend(units.iter().skip(1).copied().map(Owner::unit));
    Ok(owners)
}

fn write_owners(p: &project::Model) -> [Owner; 2] {
    [Owner::unit(p.landing_unit_id), Owner::unit(p.source_unit_id)]
}

/// Checks access to a project (audited when denied) and says what else the user may do.
pub async fn check(state: &AppState, user: &CurrentUser, p: &project::Model, access: Access) -> Result<Rights> {
    let action = if access == Access::Read { "read" } else { "write" };
    let units = state.store.project_units(p).await?;
    let owners = if access == Access::Read { read_owners(state, user, p, &units).await? } else { write_owners(p).to_vec() };
    user.actor.may_any(access, &owners).map_err(|d| AppError::denied(d, action, "project", p.id))?;
    Ok(Rights {
        write: user.actor.may_any(Access::Write, &write_owners(p)).is_ok(),
        verify: user.actor.can(Power::Verify).is_ok(),
        adjudicate: user.actor.can(Power::Adjudicate).is_ok(),
        real_name: sees_real_names(user) || units.contains(&user.unit.id),
    })
}

/// The bureau and administrators see every confidential project's real name.
pub(crate) fn sees_real_names(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Bureau)
}

/// A project's name as this viewer may see it.
pub fn shown_name(p: &project::Model, real: &bool) -> String {
    if p.confidential && !*real { format!("{}（保密项目）", p.codename) } else { p.name.clone() }
}

pub fn shown_investor(row: &ProjectRow, real: &bool) -> String {
    if row.project.confidential && !*real { "（保密）".into() } else { row.investor.clone() }
}

pub fn stage_label(code: &str) -> &'static str {
    Stage::parse(code).map_or("", Stage::label)
}

pub fn state_label(code: &str) -> &'static str {
    ProjectState::parse(code).map_or("", ProjectState::label)
}

pub fn health_label(code: &str) -> &'static str {
    HealthLevel::parse(code).map_or("", HealthLevel::label)
}

pub fn verification_label(code: &str) -> &'static str {
    Verification::parse(code).map_or("", Verification::label)
}

pub fn wan(hundredths: &i64) -> String {
    domain::money::format_wan(*hundredths)
}

pub fn wan_opt(hundredths: &Option<i64>) -> String {
    hundredths.map(|h| domain::money::format_wan(h)).unwrap_or_default()
}

pub fn source_label(code: &str) -> &'static str {
    SourceChannel::parse(code).map_or("", SourceChannel::label)
}

pub fn label_of(options: &[(&'static str, &'static str)], code: &str) -> &'static str {
    options.iter().find(|(c, _)| *c == code).map_or("", |(_, l)| l)
}

/// An amount field in 万元 (人民币); empty is `None`.
fn wan_field(form: &FormData, name: &str, label: &str) -> Result<Option<i64>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => {
            let w = domain::money::parse_wan(&v).map_err(|e| AppError::BadRequest(format!("「{label}」{e}")))?;
            if w.currency != domain::money::Currency::Cny {
                return Err(AppError::BadRequest(format!("「{label}」请折算为人民币万元填写")));
            }
            Ok(Some(w.hundredths))
        }
    }
}

fn date_field(form: &FormData, name: &str, label: &str) -> Result<Option<NaiveDate>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => NaiveDate::parse_from_str(&v, "%Y-%m-%d").map(Some).map_err(|_| AppError::BadRequest(format!("「{label}」应为 2026-11-27 这样的日期"))),
    }
}

fn month_field(form: &FormData, name: &str, label: &str) -> Result<Option<NaiveDate>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => domain::project::parse_month(&v).map(Some).map_err(|e| AppError::BadRequest(format!("「{label}」{e}"))),
    }
}

fn coded<T>(form: &FormData, name: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<Option<T>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => parse(&v).map(Some).ok_or_else(|| AppError::BadRequest(format!("未知的{what}「{v}」"))),
    }
}

/// The filter a query string asks for; bad values are explained, not ignored.
pub fn filter_from(q: &FormData) -> Result<ProjectFilter> {
    let page = q.get("page").parse::<u64>().unwrap_or(1).clamp(1, 100_000);
    let min_total = match q.get("band").as_str() {
        "" => None,
        "yi" => Some(YI),
        "ten_yi" => Some(10 * YI),
        "fifty_yi" => Some(50 * YI),
        other => return Err(AppError::BadRequest(format!("未知的金额档次「{other}」"))),
    };
    let eligible = match q.get("eligible").as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        other => return Err(AppError::BadRequest(format!("未知的认定条件「{other}」"))),
    };
    Ok(ProjectFilter {
        q: q.get("q"),
        stage: coded(q, "stage", Stage::parse, "阶段")?,
        state: coded(q, "state", ProjectState::parse, "状态")?,
        unit_id: q.id("unit_id", "单位")?,
        chain_id: q.id("chain_id", "产业链")?,
        min_total,
        source: coded(q, "source", SourceChannel::parse, "来源渠道")?,
        eligible,
        health: coded(q, "health", HealthLevel::parse, "体检结果")?,
        top500: q.checked("top500"),
        duplicates: q.checked("dup"),
        reached: coded(q, "reached", Stage::parse, "阶段")?,
        reached_from: date_field(q, "reached_from", "到达阶段的起始日期")?,
        reached_until: date_field(q, "reached_until", "到达阶段的截止日期")?,
        reached_verified: q.checked("reached_verified"),
        sort: ProjectSort::parse(&q.get("sort")),
        page: page - 1,
        per_page: PER_PAGE,
    })
}

fn query_of(q: &FormData) -> String {
    ["q", "stage", "state", "unit_id", "chain_id", "band", "source", "eligible", "health", "top500", "dup", "reached", "reached_from", "reached_until", "reached_verified", "sort"]
        .iter()
        .filter_map(|k| {
            let v = q.get(k);
            (!v.is_empty()).then(|| format!("{k}={}", url_encode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

pub fn counted(n: &f64) -> String {
    if n.fract() == 0.0 { format!("{n:.0}") } else { format!("{n:.1}") }
}

#[derive(Template)]
#[template(path = "projects.html")]
struct ListPage {
    page: Page,
    rows: Vec<ProjectRow>,
    figures: Vec<StageFigure>,
    total: u64,
    page_no: u64,
    pages: u64,
    form: FormData,
    query: String,
    units: Vec<unit::Model>,
    tree: std::sync::Arc<Vec<ClusterTree>>,
    stages: Vec<(&'static str, &'static str)>,
    states: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    healths: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    see_all: bool,
    real: bool,
    can_create: bool,
    pending_duplicates: u64,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let filter = filter_from(&q)?;
    let visibility = user.actor.visibility();
    let real = sees_real_names(&user);
    let (rows, total) = state.store.list_projects(visibility, &filter, real).await?;
    let figures = state.store.project_figures(visibility, &filter, real).await?;
    let dup_filter = ProjectFilter { duplicates: true, per_page: 1, ..Default::default() };
    let pending_duplicates = if user.actor.can(Power::Adjudicate).is_ok() { state.store.list_projects(visibility, &dup_filter, real).await?.1 } else { 0 };
    let page = ListPage {
        page: Page::new(&state, &user, "项目库", "projects").with_flash(&q.get("done")),
        rows,
        figures,
        total,
        page_no: filter.page + 1,
        pages: total.div_ceil(PER_PAGE).max(1),
        query: query_of(&q),
        form: q,
        units: state.store.units().await?,
        tree: state.store.profile_tree().await?,
        stages: Stage::options(),
        states: ProjectState::options(),
        sources: SourceChannel::options(),
        healths: HealthLevel::options(),
        sorts: ProjectSort::ALL.iter().map(|(_, c, l)| (*c, *l)).collect(),
        see_all: visibility == Visibility::All,
        real,
        can_create: may_create(&user),
        pending_duplicates,
    };
    Ok(Html(page.render()?))
}

fn may_create(user: &CurrentUser) -> bool {
    user.actor.may(Access::Write, Owner::unit(user.unit.id)).is_ok()
}

#[derive(Template)]
#[template(path = "projects_board.html")]
struct BoardPage {
    page: Page,
    columns: Vec<(StageFigure, Vec<ProjectRow>)>,
    real: bool,
}

pub async fn board(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>> {
    let visibility = user.actor.visibility();
    let real = sees_real_names(&user);
    let figures = state.store.project_figures(visibility, &ProjectFilter::default(), real).await?;
    let mut columns = Vec::new();
    for fig in figures {
        let filter = ProjectFilter { stage: Some(fig.stage), state: Some(ProjectState::Active), per_page: 20, sort: ProjectSort::Amount, ..Default::default() };
        let (rows, _) = state.store.list_projects(visibility, &filter, real).await?;
        columns.push((fig, rows));
    }
    let page = BoardPage { page: Page::new(&state, &user, "项目看板", "projects"), columns, real };
    Ok(Html(page.render()?))
}

/// Pages of the filtered list, 1,000 projects each, for the exports.
fn project_pages(state: &AppState, user: &CurrentUser, filter: ProjectFilter, ledger: bool, mapper: fn(usize, &ProjectRow, bool, &store::projects::LedgerFacts) -> Vec<office::xlsx::Cell>) -> impl FnMut(u64) -> super::PageFuture + Send + 'static {
    let store = state.store.clone();
    let visibility = user.actor.visibility();
    let real_all = sees_real_names(user);
    let unit_id = user.unit.id;
    move |page| {
        let (store, filter) = (store.clone(), ProjectFilter { page, per_page: 1000, ..filter.clone() });
        Box::pin(async move {
            let (rows, _) = store.list_projects(visibility, &filter, real_all).await?;
            let ids: Vec<i64> = rows.iter().map(|r| r.project.id).collect();
            let facts = if ledger { store.ledger_facts(&ids, chrono::Utc::now().date_naive()).await? } else { Default::default() };
            let none = store::projects::LedgerFacts::default();
            Ok(rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let real = real_all || r.project.landing_unit_id == unit_id || r.project.source_unit_id == unit_id;
                    mapper(page as usize * 1000 + i + 1, r, real, facts.get(&r.project.id).unwrap_or(&none))
                })
                .collect())
        })
    }
}

fn columns(spec: &[(&str, f64)]) -> Vec<office::xlsx::Column> {
    spec.iter().map(|(h, w)| office::xlsx::Column { header: h.to_string(), width: *w }).collect()
}

/// The list as filtered, as .xlsx, streamed with flat memory.
pub async fn export(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::Cell;
    let filter = filter_from(&q)?;
    let columns = columns(&[
        ("序号", 6.0),
        ("项目编号", 14.0),
        ("项目名称", 32.0),
        ("投资方", 30.0),
        ("产业链", 14.0),
        ("类型", 8.0),
        ("总投资（万元）", 14.0),
        ("固定资产投资（万元）", 14.0),
        ("阶段", 10.0),
        ("状态", 8.0),
        ("签约日期", 12.0),
        ("签约核查", 12.0),
        ("开工日期", 12.0),
        ("开工核查", 12.0),
        ("到位资金（万元，已核查）", 16.0),
        ("落地单位", 14.0),
        ("来源单位", 14.0),
        ("来源渠道", 12.0),
        ("认定", 8.0),
        ("认定依据", 36.0),
        ("体检", 8.0),
        ("飞地分成", 24.0),
    ]);
    let row = |n: usize, r: &ProjectRow, real: bool, _: &store::projects::LedgerFacts| {
        let p = &r.project;
        vec![
            Cell::Int(n as i64),
            Cell::Text(p.code.clone()),
            Cell::Text(shown_name(p, &real)),
            Cell::Text(shown_investor(r, &real)),
            Cell::Text(r.chain.clone()),
            Cell::Text(ProjectKind::parse(&p.kind).map_or("", ProjectKind::label).into()),
            Cell::Wan(p.total_wan),
            Cell::Wan(p.fixed_wan),
            Cell::Text(stage_label(&p.stage).into()),
            Cell::Text(state_label(&p.state).into()),
            p.signed_on.map_or(Cell::Empty, Cell::Date),
            Cell::Text(if p.signed_on.is_some() { verification_label(&p.signed_verification).into() } else { String::new() }),
            p.started_on.map_or(Cell::Empty, Cell::Date),
            Cell::Text(if p.started_on.is_some() { verification_label(&p.started_verification).into() } else { String::new() }),
            Cell::Wan(p.funds_verified_wan),
            Cell::Text(r.landing_unit.clone()),
            Cell::Text(r.source_unit.clone()),
            Cell::Text(SourceChannel::parse(&p.source_channel).map_or("", SourceChannel::label).into()),
            Cell::Text(if p.eligible { "计入" } else { "不计入" }.into()),
            Cell::Text(p.eligibility_rule.clone()),
            Cell::Text(health_label(&p.health).into()),
            Cell::Text(r.shares.iter().map(|(u, pct)| format!("{u} {pct}%")).collect::<Vec<_>>().join("、")),
        ]
    };
    let today = chrono::Utc::now().date_naive();
    let pages = project_pages(&state, &user, filter, false, row);
    super::xlsx_stream("项目".into(), format!("项目清单（{today} 导出）"), columns, format!("projects-{today}.xlsx"), format!("项目清单-{today}.xlsx"), pages).await
}

/// The project ledger (项目台账) in the layout bureaus report in, as filtered, streamed.
pub async fn ledger(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::Cell;
    let filter = filter_from(&q)?;
    let columns = columns(&[
        ("序号", 6.0),
        ("项目名称", 30.0),
        ("产业链", 14.0),
        ("行业代码", 9.0),
        ("投资方及信用代码", 36.0),
        ("总投资（万元）", 13.0),
        ("固定资产投资（万元）", 13.0),
        ("签约类型", 8.0),
        ("签约日期", 11.0),
        ("落地单位", 12.0),
        ("责任单位", 12.0),
        ("阶段", 9.0),
        ("开工日期", 11.0),
        ("投产日期", 11.0),
        ("本月到位资金（万元）", 13.0),
        ("累计到位资金（万元）", 13.0),
        ("入库纳统", 11.0),
        ("存在问题", 30.0),
        ("本周进展", 30.0),
        ("认定", 8.0),
    ]);
    let row = |n: usize, r: &ProjectRow, real: bool, facts: &store::projects::LedgerFacts| {
        let p = &r.project;
        let investor = match (real, r.investor_uscc.is_empty()) {
            (true, false) => format!("{}（{}）", r.investor, r.investor_uscc),
            _ => shown_investor(r, &real),
        };
        vec![
            Cell::Int(n as i64),
            Cell::Text(shown_name(p, &real)),
            Cell::Text(r.chain.clone()),
            Cell::Text(p.industry_code.clone()),
            Cell::Text(investor),
            Cell::Wan(p.total_wan),
            Cell::Wan(p.fixed_wan),
            Cell::Text(ContractKind::parse(&p.contract_kind).map_or("", ContractKind::label).into()),
            p.signed_on.map_or(Cell::Empty, Cell::Date),
            Cell::Text(r.landing_unit.clone()),
            Cell::Text(r.source_unit.clone()),
            Cell::Text(format!("{}{}", stage_label(&p.stage), if p.state == ProjectState::Active.code() { String::new() } else { format!("（{}）", state_label(&p.state)) })),
            p.started_on.map_or(Cell::Empty, Cell::Date),
            p.operating_on.map_or(Cell::Empty, Cell::Date),
            Cell::Wan(facts.month_funds),
            Cell::Wan(p.funds_verified_wan),
            p.in_statistics_on.map_or(Cell::text("否"), Cell::Date),
            Cell::Text(facts.problems.join("；")),
            Cell::Text(facts.progress.join("；")),
            Cell::Text(if p.eligible { "计入" } else { "不计入" }.into()),
        ]
    };
    let today = chrono::Utc::now().date_naive();
    let pages = project_pages(&state, &user, filter, true, row);
    super::xlsx_stream("项目台账".into(), format!("招商引资项目台账（{today}）"), columns, format!("ledger-{today}.xlsx"), format!("项目台账-{today}.xlsx"), pages).await
}

#[derive(Template)]
#[template(path = "project_form.html")]
struct FormPage {
    page: Page,
    project: Option<project::Model>,
    enterprise: Option<store::entities::enterprise::Model>,
    form: FormData,
    units: Vec<unit::Model>,
    tree: std::sync::Arc<Vec<ClusterTree>>,
    officers: Vec<user::Model>,
    kinds: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    contract_kinds: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    duplicates: Vec<DuplicateMatch>,
    changes: Vec<ChangeNote>,
    today: NaiveDate,
    /// The event a new lead comes from (登记活动线索), tied to it on saving.
    event: Option<store::entities::event::Model>,
}

#[allow(clippy::too_many_arguments)]
async fn render_form(state: &AppState, user: &CurrentUser, project: Option<project::Model>, form: FormData, error: Option<String>, duplicates: Vec<DuplicateMatch>, changes: Vec<ChangeNote>) -> Result<Response> {
    let enterprise = match form.id("enterprise_id", "投资方")? {
        Some(id) => Some(state.store.enterprise(id).await?),
        None => None,
    };
    let mut officer_units = vec![user.unit.id];
    if let Some(p) = &project {
        officer_units = vec![p.landing_unit_id, p.source_unit_id];
    }
    let mut officers = Vec::new();
    for u in officer_units {
        officers.extend(state.store.users(Some(u), "").await?.into_iter().filter(|u| u.active));
    }
    let title = match &project {
        Some(p) => format!("修改项目 {}", p.code),
        None => "登记项目线索".to_string(),
    };
    let event = match form.id("event_id", "招商活动")? {
        Some(id) if project.is_none() => Some(state.store.event(id).await?),
        _ => None,
    };
    let page = FormPage {
        page: Page::new(state, user, title, "projects"),
        project,
        enterprise,
        form,
        units: state.store.units().await?.into_iter().filter(|u| u.active).collect(),
        tree: state.store.profile_tree().await?,
        officers,
        kinds: ProjectKind::options(),
        sources: SourceChannel::options(),
        contract_kinds: ContractKind::options(),
        error,
        duplicates,
        changes,
        today: chrono::Utc::now().date_naive(),
        event,
    };
    Ok(Html(page.render()?).into_response())
}

/// Reads the project form into an input; errors name the field.
pub(crate) fn input_from(form: &FormData) -> Result<ProjectInput> {
    let jobs = match form.get("planned_jobs") {
        v if v.is_empty() => None,
        v => Some(v.parse::<i32>().map_err(|_| AppError::BadRequest("「计划用工」应为整数".into()))?),
    };
    Ok(ProjectInput {
        name: form.get("name"),
        codename: form.get("codename"),
        confidential: form.checked("confidential"),
        enterprise_id: form.id("enterprise_id", "投资方")?.unwrap_or(0),
        chain_id: form.id("chain_id", "产业链")?,
        link_id: form.id("link_id", "环节")?,
        industry_code: form.get("industry_code"),
        kind: coded(form, "kind", ProjectKind::parse, "项目类型")?,
        follow_on: form.checked("follow_on"),
        total_wan: wan_field(form, "total_wan", "总投资")?.unwrap_or(0),
        fixed_wan: wan_field(form, "fixed_wan", "固定资产投资")?.unwrap_or(0),
        planned_jobs: jobs,
        planned_output_wan: wan_field(form, "planned_output_wan", "计划年产值")?,
        planned_tax_wan: wan_field(form, "planned_tax_wan", "计划年税收")?,
        source_channel: coded(form, "source_channel", SourceChannel::parse, "来源渠道")?,
        source_unit_id: form.id("source_unit_id", "来源单位")?.unwrap_or(0),
        landing_unit_id: form.id("landing_unit_id", "落地单位")?.unwrap_or(0),
        owner_user_id: form.id("owner_user_id", "负责人")?,
        contract_kind: coded(form, "contract_kind", ContractKind::parse, "签约形式")?,
        contract_wan: wan_field(form, "contract_wan", "合同金额")?,
        planned_start_on: date_field(form, "planned_start_on", "计划开工日期")?,
        planned_operation_on: date_field(form, "planned_operation_on", "计划投产日期")?,
        funds_plan_wan: wan_field(form, "funds_plan_wan", "计划到位资金")?.unwrap_or(0),
        funds_plan_by: month_field(form, "funds_plan_by", "计划全部到位月份")?,
        note: form.get("note"),
    })
}

/// The form's values for an existing project.
pub(crate) fn form_of(p: &project::Model) -> FormData {
    let opt_wan = |v: Option<i64>| v.map(|h| domain::money::format_wan(h).replace(',', "")).unwrap_or_default();
    let opt_date = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
    let id = |v: Option<i64>| v.map(|i| i.to_string()).unwrap_or_default();
    let flag = |b: bool| if b { "1".to_string() } else { String::new() };
    FormData(
        [
            ("name", p.name.clone()),
            ("codename", p.codename.clone()),
            ("confidential", flag(p.confidential)),
            ("enterprise_id", p.enterprise_id.to_string()),
            ("chain_id", id(p.chain_id)),
            ("link_id", id(p.link_id)),
            ("industry_code", p.industry_code.clone()),
            ("kind", p.kind.clone()),
            ("follow_on", flag(p.follow_on)),
            ("total_wan", opt_wan(Some(p.total_wan))),
            ("fixed_wan", opt_wan(Some(p.fixed_wan))),
            ("planned_jobs", p.planned_jobs.map(|j| j.to_string()).unwrap_or_default()),
            ("planned_output_wan", opt_wan(p.planned_output_wan)),
            ("planned_tax_wan", opt_wan(p.planned_tax_wan)),
            ("source_channel", p.source_channel.clone()),
            ("source_unit_id", p.source_unit_id.to_string()),
            ("landing_unit_id", p.landing_unit_id.to_string()),
            ("owner_user_id", id(p.owner_user_id)),
            ("contract_kind", p.contract_kind.clone()),
            ("contract_wan", opt_wan(p.contract_wan)),
            ("planned_start_on", opt_date(p.planned_start_on)),
            ("planned_operation_on", opt_date(p.planned_operation_on)),
            ("funds_plan_wan", if p.funds_plan_wan > 0 { opt_wan(Some(p.funds_plan_wan)) } else { String::new() }),
            ("funds_plan_by", p.funds_plan_by.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default()),
            ("note", p.note.clone()),
            ("version", p.version.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    if !may_create(&user) {
        return Err(AppError::denied(domain::Denied { reason: "您的角色不能登记项目".into() }, "create", "project", ""));
    }
    let mut form = FormData(vec![
        ("source_unit_id".into(), user.unit.id.to_string()),
        ("landing_unit_id".into(), user.unit.id.to_string()),
        ("owner_user_id".into(), user.user.id.to_string()),
        ("kind".into(), ProjectKind::New.code().into()),
        ("lead_on".into(), chrono::Utc::now().date_naive().to_string()),
    ]);
    if let Some(t) = q.id("target_id", "目标企业")? {
        let target = state.store.target(t).await?;
        let leads = state.store.target_chain_leads(t).await?;
        user.may(Access::Write, Owner { unit_id: target.owner_unit_id, chain_lead_unit_id: leads.into_iter().find(|l| *l == user.unit.id) }, "target", t)?;
        let ent = state.store.enterprise(target.enterprise_id).await?;
        form.0.push(("target_id".into(), t.to_string()));
        form.0.push(("enterprise_id".into(), ent.id.to_string()));
        form.0.push(("industry_code".into(), ent.industry_code.clone()));
        form.0.push(("landing_unit_id".into(), target.owner_unit_id.to_string()));
        if let Some(link) = state.store.target_link_ids(t).await?.first() {
            let l = state.store.link(*link).await?;
            form.0.push(("chain_id".into(), l.chain_id.to_string()));
            form.0.push(("link_id".into(), l.id.to_string()));
        }
    } else if let Some(e) = q.id("enterprise_id", "企业")? {
        let ent = state.store.enterprise(e).await?;
        form.0.push(("enterprise_id".into(), ent.id.to_string()));
        form.0.push(("industry_code".into(), ent.industry_code));
    }
    // A lead from an event (活动招商): only the event's organiser ties leads to it.
    if let Some(id) = q.id("event_id", "招商活动")? {
        let event = state.store.event(id).await?;
        user.may(Access::Write, Owner::unit(event.organizer_unit_id), "event", id)?;
        form.0.push(("event_id".into(), id.to_string()));
        form.0.push(("source_channel".into(), SourceChannel::Event.code().into()));
        form.0.push(("lead_on".into(), event.start_on.min(chrono::Utc::now().date_naive()).to_string()));
    }
    dedupe_last_wins(&mut form);
    render_form(&state, &user, None, form, None, vec![], vec![]).await
}

/// Later values replace earlier ones of the same name (defaults, then what the target says).
fn dedupe_last_wins(form: &mut FormData) {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<(String, String)> = form.0.drain(..).rev().filter(|(k, _)| seen.insert(k.clone())).collect();
    kept.reverse();
    form.0 = kept;
}

/// Whether the user may register a project as asked: registering a project for a unit is writing
/// that unit's record (the user must belong to the landing or the source unit, or be the bureau),
/// and the target and event it comes from must be ones the user may change. Returns their ids.
pub(crate) async fn check_new(state: &AppState, user: &CurrentUser, input: &ProjectInput, form: &FormData) -> Result<(Option<i64>, Option<i64>)> {
    user.actor
        .may_any(Access::Write, &[Owner::unit(input.landing_unit_id), Owner::unit(input.source_unit_id)])
        .map_err(|d| AppError::denied(d, "create", "project", ""))?;
    let target_id = form.id("target_id", "目标企业")?;
    if let Some(t) = target_id {
        let target = state.store.target(t).await?;
        user.may(Access::Write, Owner::unit(target.owner_unit_id), "target", t)?;
    }
    let event_id = form.id("event_id", "招商活动")?;
    if let Some(id) = event_id {
        let event = state.store.event(id).await?;
        user.may(Access::Write, Owner::unit(event.organizer_unit_id), "event", id)?;
    }
    Ok((target_id, event_id))
}

/// Moving a project between units takes the right to write the units it leaves and the ones it
/// goes to: a source unit cannot take a project off its landing unit's books.
pub(crate) fn check_move(user: &CurrentUser, p: &project::Model, input: &ProjectInput) -> Result<()> {
    if input.landing_unit_id != p.landing_unit_id || input.source_unit_id != p.source_unit_id {
        for unit in [p.landing_unit_id, input.landing_unit_id, input.source_unit_id] {
            user.may(Access::Write, Owner::unit(unit), "project", p.id)?;
        }
    }
    Ok(())
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let input = match input_from(&form) {
        Ok(i) => i,
        Err(AppError::BadRequest(m)) => return render_form(&state, &user, None, form, Some(m), vec![], vec![]).await,
        Err(e) => return Err(e),
    };
    let (target_id, event_id) = check_new(&state, &user, &input, &form).await?;
    let lead_on = match date_field(&form, "lead_on", "线索日期") {
        Ok(d) => d.unwrap_or_else(|| chrono::Utc::now().date_naive()),
        Err(AppError::BadRequest(m)) => return render_form(&state, &user, None, form, Some(m), vec![], vec![]).await,
        Err(e) => return Err(e),
    };
    let errors = input.check();
    if !errors.is_empty() {
        let message = errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；");
        return render_form(&state, &user, None, form, Some(message), vec![], vec![]).await;
    }
    // Another unit's project with the same investor and chain: warn before saving.
    if input.enterprise_id > 0 && !form.checked("confirm_duplicate") {
        let dups = state.store.project_duplicates(input.enterprise_id, input.chain_id, &[input.landing_unit_id, input.source_unit_id], None).await?;
        if !dups.is_empty() {
            return render_form(&state, &user, None, form, None, dups, vec![]).await;
        }
    }
    let created = match event_id {
        Some(id) => state.store.create_event_lead(&user.who(), id, &input, lead_on, target_id).await,
        None => state.store.create_project(&user.who(), &input, lead_on, target_id).await,
    };
    match created {
        Ok(p) => Ok(Redirect::to(&format!("/projects/{}?done=created", p.id)).into_response()),
        Err(StoreError::Invalid(m)) => render_form(&state, &user, None, form, Some(m), vec![], vec![]).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    check(&state, &user, &p, Access::Write).await?;
    let form = form_of(&p);
    render_form(&state, &user, Some(p), form, None, vec![], vec![]).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    check(&state, &user, &p, Access::Write).await?;
    let version: i32 = form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再改".into()))?;
    let input = match input_from(&form) {
        Ok(i) => i,
        Err(AppError::BadRequest(m)) => return render_form(&state, &user, Some(p), form, Some(m), vec![], vec![]).await,
        Err(e) => return Err(e),
    };
    check_move(&user, &p, &input)?;
    match state.store.update_project(&user.who(), id, version, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/projects/{id}?done=saved")).into_response()),
        Err(StoreError::Invalid(m)) => render_form(&state, &user, Some(p), form, Some(m), vec![], vec![]).await,
        Err(StoreError::Conflict(m)) => {
            let changes = state.store.project_changes_since(id, version).await?;
            let current = state.store.project(id).await?;
            render_form(&state, &user, Some(current), form, Some(m), vec![], changes).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "project.html")]
struct ShowPage {
    page: Page,
    row: ProjectRow,
    rights: Rights,
    timeline: Vec<TimelineItem>,
    funds: Vec<funds_report::Model>,
    funds_expected: i64,
    team: Vec<Member>,
    investor_team: Vec<Member>,
    requests: Vec<RequestRow>,
    policy: Vec<policy_item::Model>,
    shares: Vec<(i64, String, i32)>,
    units: Vec<unit::Model>,
    people: Vec<store::users::Person>,
    next_stages: Vec<Stage>,
    stages: Vec<(Stage, Option<NaiveDate>, Verification, bool)>,
    duplicate_of: Option<project::Model>,
    /// The promotion events the project is tied to, and how.
    events: Vec<(store::entities::event::Model, Vec<domain::event::Relation>)>,
    form: FormData,
    error: Option<String>,
    open: String,
    today: NaiveDate,
    categories: Vec<(&'static str, &'static str)>,
    origins: Vec<(&'static str, &'static str)>,
    uses: Vec<(&'static str, &'static str)>,
    request_statuses: Vec<(&'static str, &'static str)>,
    reviews: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
}

impl ShowPage {
    fn name(&self) -> String {
        shown_name(&self.row.project, &self.rights.real_name)
    }

    fn investor(&self) -> String {
        shown_investor(&self.row, &self.rights.real_name)
    }

    fn health_reasons(&self) -> Vec<&str> {
        self.row.project.health_reasons.lines().collect()
    }

    fn stage_is(&self, s: &Stage) -> bool {
        self.row.project.stage == s.code()
    }

    fn share_at(&self, i: &usize) -> Option<&(i64, String, i32)> {
        self.shares.get(*i)
    }

    fn in_statistics(&self) -> bool {
        self.row.project.stage == Stage::InStatistics.code()
    }

    fn active(&self) -> bool {
        self.row.project.state == ProjectState::Active.code()
    }

    fn suspended(&self) -> bool {
        self.row.project.state == ProjectState::Suspended.code()
    }

    fn dropped(&self) -> bool {
        self.row.project.state == ProjectState::Dropped.code()
    }

    fn duplicate_pending(&self) -> bool {
        self.row.project.duplicate == domain::project::Duplicate::Pending.code()
    }

    fn duplicate_label(&self) -> &'static str {
        domain::project::Duplicate::parse(&self.row.project.duplicate).map_or("", domain::project::Duplicate::label)
    }

    fn counts_text(&self, stage: &Stage) -> String {
        match store::projects::counts_at(&self.row.project, *stage) {
            Ok(()) => "计入统计".into(),
            Err(why) => format!("不计入：{why}"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn render_show(state: &AppState, user: &CurrentUser, id: i64, form: FormData, error: Option<String>, open: &str, flash: &str) -> Result<Response> {
    let row = state.store.project_row(id).await?;
    let p = row.project.clone();
    let rights = check(state, user, &p, Access::Read).await?;
    let current = Stage::parse(&p.stage).unwrap_or(Stage::Lead);
    let stages = Stage::ALL
        .iter()
        .map(|s| (*s, store::projects::stage_date(&p, *s), store::projects::stage_verification(&p, *s), store::projects::counts_at(&p, *s).is_ok()))
        .collect();
    let funds_expected = match (p.signed_on, p.funds_plan_by) {
        (Some(from), Some(by)) => domain::project::expected_funds(p.funds_plan_wan, from, by, chrono::Utc::now().date_naive()),
        _ => 0,
    };
    let duplicate_of = match p.duplicate_of_id {
        Some(d) => Some(state.store.project(d).await?),
        None => None,
    };
    // Team members come from the project's units, the bureau and the city departments (land,
    // power, permits…), not from every account of the province.
    let all_units = state.store.units().await?;
    let people = if rights.write {
        let serving: Vec<i64> = all_units.iter().filter(|u| u.id == p.landing_unit_id || u.id == p.source_unit_id || matches!(u.kind.as_str(), "bureau" | "department")).map(|u| u.id).collect();
        state.store.active_people_of(&serving).await?
    } else {
        Vec::new()
    };
    let (timeline, funds, requests) = state.store.project_history(id).await?;
    let (team, investor_team) = state.store.teams(id, p.enterprise_id).await?;
    let page = ShowPage {
        page: Page::new(state, user, format!("项目 {}", p.code), "projects").with_flash(flash),
        timeline,
        funds,
        funds_expected,
        team,
        investor_team,
        requests: state.store.project_request_rows(&p, &row.investor, requests, 200).await?,
        policy: state.store.policy_items(id).await?,
        shares: state.store.credit_shares(id).await?,
        units: all_units.into_iter().filter(|u| u.active).collect(),
        people,
        next_stages: Stage::ALL.iter().copied().filter(|s| *s > current).collect(),
        stages,
        duplicate_of,
        events: state.store.project_events(id).await?,
        rights,
        row,
        form,
        error,
        open: open.to_string(),
        today: chrono::Utc::now().date_naive(),
        categories: RequestCategory::options(),
        origins: FundsOrigin::options(),
        uses: FundsUse::options(),
        request_statuses: RequestStatus::options(),
        reviews: Review::options(),
        roles: TeamRole::options(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    render_show(&state, &user, id, FormData::default(), None, "", &q.get("done")).await
}

/// Runs an action on a project the user may change; a rule broken re-renders the page with the
/// message and the section open, anything else is an error page.
async fn act<F, Fut>(state: &AppState, user: &CurrentUser, id: &str, form: FormData, section: &str, done: &str, access: Power2, action: F) -> Result<Response>
where
    F: FnOnce(project::Model, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let id = parse_id(id)?;
    let p = state.store.project(id).await?;
    match access {
        Power2::Write => {
            check(state, user, &p, Access::Write).await?;
        }
        Power2::Adjudicate => {
            check(state, user, &p, Access::Read).await?;
            user.can(Power::Adjudicate, "adjudicate", "project", id)?;
        }
    }
    match action(p, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}?done={done}#{section}")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => render_show(state, user, id, form, Some(m), section, "").await,
        Err(e) => Err(e),
    }
}

/// Which check an action needs beyond reading.
#[derive(Debug, Clone, Copy)]
enum Power2 {
    Write,
    Adjudicate,
}

pub(crate) fn version_of(form: &FormData) -> Result<i32> {
    form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再操作".into()))
}

/// Moves a project forward (multipart: dates, note, reference, evidence files).
pub async fn advance(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, multipart: Multipart) -> Result<Response> {
    let (form, files) = match super::followups::read_form_named(multipart).await {
        Ok(v) => v,
        Err(AppError::BadRequest(m)) => return render_show(&state, &user, parse_id(&id)?, FormData::default(), Some(m), "advance", "").await,
        Err(e) => return Err(e),
    };
    // Evidence comes per stage, in fields files_<stage>.
    let files: Vec<(Stage, store::follow_ups::NewAttachment)> = files.into_iter().filter_map(|(name, f)| Stage::parse(name.strip_prefix("files_")?).map(|s| (s, f))).collect();
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "advance", "advanced", Power2::Write, |p, form| async move {
        let (to, advance) = advance_from(&form)?;
        st.store.advance_project(&who, p.id, version_of(&form)?, to, &advance, &form.get("note"), files).await?;
        Ok(())
    })
    .await
}

/// The stage to move to and the dates of each stage reached on the way (fields `to`,
/// `date_<stage>`, `reference`), as the form or an API body gives them.
pub(crate) fn advance_from(form: &FormData) -> Result<(Stage, Advance)> {
    let to = Stage::parse(&form.get("to")).ok_or_else(|| AppError::BadRequest("请选择要推进到的阶段".into()))?;
    let mut dates = std::collections::BTreeMap::new();
    for s in Stage::ALL {
        if let Some(d) = date_field(form, &format!("date_{}", s.code()), s.label())? {
            dates.insert(*s, d);
        }
    }
    Ok((to, Advance { dates, files: Default::default(), reference: form.get("reference") }))
}

/// A month's funds report as the form or an API body gives it.
pub(crate) fn funds_from(form: &FormData) -> Result<FundsInput> {
    Ok(FundsInput {
        month: month_field(form, "month", "月份")?.ok_or_else(|| AppError::BadRequest("请填写月份".into()))?,
        amount_wan: wan_field(form, "amount", "到位金额")?.ok_or_else(|| AppError::BadRequest("请填写到位金额".into()))?,
        origin: coded(form, "origin", FundsOrigin::parse, "资金来源")?.ok_or_else(|| AppError::BadRequest("请选择资金来源".into()))?,
        use_kind: coded(form, "use_kind", FundsUse::parse, "资金用途")?.ok_or_else(|| AppError::BadRequest("请选择资金用途".into()))?,
        note: form.get("note"),
    })
}

pub async fn change_state(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "state", "saved", Power2::Write, |p, form| async move {
        let to = ProjectState::parse(&form.get("to")).ok_or_else(|| AppError::BadRequest("请选择要进行的操作".into()))?;
        st.store.change_project_state(&who, p.id, version_of(&form)?, to, &form.get("reason")).await?;
        Ok(())
    })
    .await
}

pub async fn add_funds(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "funds", "saved", Power2::Write, |p, form| async move {
        st.store.add_funds(&who, p.id, &funds_from(&form)?).await?;
        Ok(())
    })
    .await
}

pub async fn add_member(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "team", "saved", Power2::Write, |p, form| async move {
        let user_id = form.id("user_id", "人员")?.ok_or_else(|| AppError::BadRequest("请选择人员".into()))?;
        // Members come from the project's units, the bureau and the city departments.
        let member = st.store.user(user_id).await.map_err(|_| AppError::BadRequest("所选人员不存在".into()))?;
        let member_unit = st.store.unit(member.unit_id).await?;
        if member.unit_id != p.landing_unit_id && member.unit_id != p.source_unit_id && !matches!(member_unit.kind.as_str(), "bureau" | "department") {
            return Err(AppError::BadRequest("专班成员应来自本项目的落地单位、来源单位、市局或市级部门".into()));
        }
        let role = coded(&form, "role", TeamRole::parse, "专班角色")?.unwrap_or(TeamRole::Member);
        // 一项目一专班 or 一客商一专班: the form says which team.
        if form.get("team") == "investor" {
            st.store.add_member(&who, None, Some(p.enterprise_id), user_id, role).await?;
        } else {
            st.store.add_member(&who, Some(p.id), None, user_id, role).await?;
        }
        Ok(())
    })
    .await
}

pub async fn remove_member(State(state): State<AppState>, user: CurrentUser, Path((id, member)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    let user_may = user.clone();
    let member = parse_id(&member)?;
    act(&state, &user, &id, form, "team", "saved", Power2::Write, |p, _| async move {
        let m = st.store.service_member(member).await?;
        // Only a member of this project's team, or of its investor's team.
        if m.project_id != Some(p.id) && !(m.project_id.is_none() && m.enterprise_id == Some(p.enterprise_id)) {
            return Err(AppError::NotFound("没有这位专班成员".into()));
        }
        // The investor's team is shared by every unit serving it: a member leaves it by the unit
        // that added them (or the bureau).
        if m.project_id.is_none() {
            let adder = m.added_by_unit_id.unwrap_or(p.landing_unit_id);
            user_may.may(Access::Write, Owner::unit(adder), "service_member", member)?;
        }
        st.store.remove_member(&who, member).await?;
        Ok(())
    })
    .await
}

pub async fn add_policy(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "policy", "saved", Power2::Write, |p, form| async move {
        let amount = wan_field(&form, "amount", "金额")?.unwrap_or(0);
        st.store.add_policy_item(&who, p.id, &form.get("title"), &form.get("detail"), amount).await?;
        Ok(())
    })
    .await
}

pub async fn review_policy(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    let item = parse_id(&item)?;
    act(&state, &user, &id, form, "policy", "saved", Power2::Adjudicate, |p, form| async move {
        let i = st.store.policy_item(item).await?;
        if i.project_id != p.id {
            return Err(AppError::NotFound("没有这项政策".into()));
        }
        let review = coded(&form, "review", Review::parse, "审查结果")?.ok_or_else(|| AppError::BadRequest("请选择审查结果".into()))?;
        st.store.review_policy_item(&who, item, review, &form.get("note")).await?;
        Ok(())
    })
    .await
}

/// Reads `share_unit`/`share_percent` pairs; empty rows are skipped.
fn shares_from(form: &FormData) -> Result<Vec<(i64, i32)>> {
    let units = form.all("share_unit");
    let percents = form.all("share_percent");
    let mut out = Vec::new();
    for (u, p) in units.iter().zip(percents.iter()) {
        if u.is_empty() && p.is_empty() {
            continue;
        }
        let unit: i64 = u.parse().map_err(|_| AppError::BadRequest("请选择分成单位".into()))?;
        let percent: i32 = p.trim_end_matches('%').parse().map_err(|_| AppError::BadRequest("分成比例应为整数百分比".into()))?;
        out.push((unit, percent));
    }
    Ok(out)
}

pub async fn set_shares(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "shares", "saved", Power2::Adjudicate, |p, form| async move {
        st.store.set_credit_shares(&who, p.id, &shares_from(&form)?).await?;
        Ok(())
    })
    .await
}

pub async fn decide_duplicate(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let st = state.clone();
    let who = user.who();
    act(&state, &user, &id, form, "duplicate", "saved", Power2::Adjudicate, |p, form| async move {
        let decision = match form.get("decision").as_str() {
            "keep_both" => DuplicateDecision::KeepBoth,
            "merge" => DuplicateDecision::Merge,
            "share" => DuplicateDecision::Share(shares_from(&form)?),
            _ => return Err(AppError::BadRequest("请选择判定结果".into())),
        };
        st.store.decide_duplicate(&who, p.id, version_of(&form)?, &decision).await?;
        Ok(())
    })
    .await
}

/// A one-page brief of the project in 公文 layout (.docx), for a leader's desk or a meeting.
pub async fn brief(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    use office::docx::{Block, Document};
    let id = parse_id(&id)?;
    let p = state.store.project(id).await?;
    let rights = check(&state, &user, &p, Access::Read).await?;
    let row = state.store.project_row(id).await?;
    let real = rights.real_name;
    let name = shown_name(&p, &real);
    let today = chrono::Utc::now().date_naive();
    let mut blocks = vec![Block::Heading1("一、项目基本情况".into())];
    let contract = ContractKind::parse(&p.contract_kind).map(|k| format!("，{}项目", k.label())).unwrap_or_default();
    blocks.push(Block::Paragraph(format!(
        "{}由{}投资，总投资 {} 万元，其中固定资产投资 {} 万元{}。项目属{}，落地{}，由{}引进（{}）。",
        name,
        shown_investor(&row, &real),
        wan(&p.total_wan),
        wan(&p.fixed_wan),
        contract,
        if row.chain.is_empty() { "产业链未定".to_string() } else { format!("{}产业链", row.chain) },
        row.landing_unit,
        row.source_unit,
        source_label(&p.source_channel),
    )));
    let stages: Vec<String> = Stage::ALL
        .iter()
        .filter_map(|s| {
            let on = store::projects::stage_date(&p, *s)?;
            let v = store::projects::stage_verification(&p, *s);
            Some(format!("{}（{}{}）", s.label(), on, if s.needs_verification() { format!("，{}", v.label()) } else { String::new() }))
        })
        .collect();
    blocks.push(Block::Paragraph(format!("目前处于{}阶段{}。已历经：{}。认定：{}。体检：{}。", stage_label(&p.stage), if p.state == ProjectState::Active.code() { String::new() } else { format!("（{}：{}）", state_label(&p.state), p.state_reason) }, stages.join("、"), p.eligibility_rule, p.health_reasons.replace('\n', "；"))));
    blocks.push(Block::Heading1("二、近期推进".into()));
    let (timeline, _, requests) = state.store.project_history(id).await?;
    if timeline.is_empty() {
        blocks.push(Block::Paragraph("暂无推进记录。".into()));
    }
    for t in timeline.iter().take(5) {
        blocks.push(Block::Paragraph(format!("{}，{}{}", t.on, t.title, if t.body.is_empty() { String::new() } else { format!("：{}", t.body) })));
    }
    blocks.push(Block::Heading1("三、存在问题".into()));
    let requests = state.store.project_request_rows(&p, &row.investor, requests, 50).await?;
    let open: Vec<_> = requests.iter().filter(|r| r.request.status != domain::project::RequestStatus::Resolved.code()).collect();
    if open.is_empty() {
        blocks.push(Block::Paragraph("无未办结的企业诉求。".into()));
    }
    for r in open {
        blocks.push(Block::Paragraph(format!("{}：{}（责任单位{}，期限 {}，{}{}）", category_label(&r.request.category), r.request.text, r.owner_unit, r.request.deadline, escalation_label(&r.request.escalation), r.overdue_days.map(|d| format!("，已逾期 {d} 天")).unwrap_or_default())));
    }
    let funds = state.store.funds_reports(id).await?;
    if !funds.is_empty() {
        blocks.push(Block::Heading1("四、资金到位".into()));
        blocks.push(Block::Paragraph(format!("经核查累计到位 {} 万元{}。", wan(&p.funds_verified_wan), if p.funds_plan_wan > 0 { format!("，计划 {} 万元", wan(&p.funds_plan_wan)) } else { String::new() })));
        let mut by_month: std::collections::BTreeMap<String, i64> = std::collections::BTreeMap::new();
        for f in funds.iter().filter(|f| f.verification == Verification::Approved.code()) {
            *by_month.entry(f.month.format("%Y-%m").to_string()).or_default() += f.amount_wan;
        }
        let rows: Vec<Vec<String>> = by_month.iter().map(|(m, a)| vec![m.clone(), wan(a)]).collect();
        if !rows.is_empty() {
            let values: Vec<(String, f64)> = by_month.iter().map(|(m, a)| (m.clone(), *a as f64 / 100.0)).collect();
            blocks.push(Block::Image { png: office::chart::bar_chart_png(&values, 600, 300), width_px: 600, height_px: 300, caption: "各月核查到位资金（万元）".into() });
            blocks.push(Block::Table { header: vec!["月份".into(), "核查到位（万元）".into()], rows, widths_mm: None });
        }
    }
    let bureau = state.store.units().await?.into_iter().find(|u| u.kind == "bureau").map(|u| u.name).unwrap_or_default();
    let doc = Document { title: format!("关于{}的情况简报", name), issuer: None, doc_number: None, blocks, signature: Some((bureau, today)) };
    let bytes = office::docx::write(&doc).map_err(|e| AppError::Internal(e.to_string()))?;
    use axum::http::header;
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.wordprocessingml.document".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"brief-{}.docx\"; filename*=UTF-8''{}", p.code, url_encode(&format!("项目简报-{}.docx", p.code)))),
        ],
        bytes,
    )
        .into_response())
}

/// Evidence files go only to those who may read their project; never rendered as a page.
pub async fn file(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let f = state.store.project_file(id).await?;
    let p = state.store.project(f.project_id).await?;
    check(&state, &user, &p, Access::Read).await?;
    Ok(super::followups::serve_file(&f.file_name, &f.content_type, f.data))
}

#[derive(Template)]
#[template(path = "project_rules.html")]
struct RulesPage {
    page: Page,
    form: FormData,
    error: Option<String>,
    can_edit: bool,
}

fn rules_form(e: &EligibilityRules, h: &HealthRules) -> FormData {
    FormData(
        [
            ("industrial_min_wan", e.industrial_min_wan.to_string()),
            ("other_min_wan", e.other_min_wan.to_string()),
            ("industrial_sections", e.industrial_sections.join(",")),
            ("excluded_sections", e.excluded_sections.join(",")),
            ("exclude_local_investors", if e.exclude_local_investors { "1".into() } else { String::new() }),
            ("exclude_follow_on_phases", if e.exclude_follow_on_phases { "1".into() } else { String::new() }),
            ("stalled_amber_days", h.stalled_amber_days.to_string()),
            ("stalled_red_days", h.stalled_red_days.to_string()),
            ("milestone_red_days", h.milestone_red_days.to_string()),
            ("request_red_days", h.request_red_days.to_string()),
            ("funds_amber_percent", h.funds_amber_percent.to_string()),
            ("funds_red_percent", h.funds_red_percent.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

pub async fn rules_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let (e, h) = state.store.project_rules().await?;
    let page = RulesPage { page: Page::new(&state, &user, "认定与体检规则", "projects").with_flash(&q.get("done")), form: rules_form(&e, &h), error: None, can_edit: user.actor.can(Power::Adjudicate).is_ok() };
    Ok(Html(page.render()?).into_response())
}

pub async fn save_rules(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Adjudicate, "update", "project_rules", "")?;
    let number = |name: &str, label: &str| -> Result<i64> { form.get(name).parse().map_err(|_| AppError::BadRequest(format!("「{label}」应为整数"))) };
    let sections = |name: &str| -> Vec<String> { form.get(name).split([',', '，', '、', ' ']).map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty()).collect() };
    let parsed = (|| -> Result<(EligibilityRules, HealthRules)> {
        let e = EligibilityRules {
            industrial_min_wan: number("industrial_min_wan", "工业项目认定门槛")?,
            other_min_wan: number("other_min_wan", "非工业项目认定门槛")?,
            industrial_sections: sections("industrial_sections"),
            excluded_sections: sections("excluded_sections"),
            exclude_local_investors: form.checked("exclude_local_investors"),
            exclude_follow_on_phases: form.checked("exclude_follow_on_phases"),
        };
        let h = HealthRules {
            stalled_amber_days: number("stalled_amber_days", "无进展黄色天数")?,
            stalled_red_days: number("stalled_red_days", "无进展红色天数")?,
            milestone_red_days: number("milestone_red_days", "节点逾期红色天数")?,
            request_red_days: number("request_red_days", "诉求逾期红色天数")?,
            funds_amber_percent: number("funds_amber_percent", "资金到位黄色比例")?,
            funds_red_percent: number("funds_red_percent", "资金到位红色比例")?,
        };
        // The same checks as rules read from the database.
        let e = EligibilityRules::parse(&e.to_toml()).map_err(AppError::BadRequest)?;
        let h = HealthRules::parse(&h.to_toml()).map_err(AppError::BadRequest)?;
        Ok((e, h))
    })();
    match parsed {
        Ok((e, h)) => {
            state.store.set_project_rules(&user.who(), &e, &h).await?;
            Ok(Redirect::to("/projects/rules?done=saved").into_response())
        }
        Err(AppError::BadRequest(m)) => {
            let page = RulesPage { page: Page::new(&state, &user, "认定与体检规则", "projects"), form, error: Some(m), can_edit: true };
            Ok(Html(page.render()?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Request states and escalation levels for templates.
pub fn request_status_label(code: &str) -> &'static str {
    RequestStatus::parse(code).map_or("", RequestStatus::label)
}

pub fn escalation_label(code: &str) -> &'static str {
    Escalation::parse(code).map_or("", Escalation::label)
}

pub fn category_label(code: &str) -> &'static str {
    RequestCategory::parse(code).map_or("", RequestCategory::label)
}

pub fn review_label(code: &str) -> &'static str {
    Review::parse(code).map_or("", Review::label)
}
