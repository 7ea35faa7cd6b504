//! After a project lands: its commitments against yearly results and the yearly evaluation
//! (达产达效), every landed company's service page (visits, requests, results, policies, signals),
//! and each unit's companies at risk and likely to expand (企业全周期服务).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};

use domain::access::{Access, Owner, Power, Visibility};
use domain::aftercare::{Conclusion, Figures, Fulfilment, Indicator, RiskLevel, RiskRules, Signal};
use store::aftercare::{CommitmentInput, CompanyRisk, Performance};
use store::entities::{enterprise, project, request, unit, visit_signal};
use store::follow_ups::FollowUpView;
use store::policies::Delivery;

use super::projects::{Rights, check, shown_name};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

// ---- form fields shared by these pages ----------------------------------------------------

pub(crate) fn date_field(form: &FormData, name: &str, label: &str) -> Result<Option<NaiveDate>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => domain::dates::parse_date(&v).map(Some).map_err(|e| AppError::BadRequest(format!("「{label}」{e}"))),
    }
}

pub(crate) fn version_field(form: &FormData) -> Result<i32> {
    form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再操作".into()))
}

/// An amount in 万元 (人民币); empty is `None`.
pub(crate) fn wan_field(form: &FormData, name: &str, label: &str) -> Result<Option<i64>> {
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

fn people_field(form: &FormData, name: &str, label: &str) -> Result<Option<i64>> {
    match form.get(name) {
        v if v.is_empty() => Ok(None),
        v => v.trim_end_matches('人').trim().parse::<i64>().ok().filter(|n| *n >= 0).map(Some).ok_or_else(|| AppError::BadRequest(format!("「{label}」应为人数（整数）"))),
    }
}

fn figures_from(form: &FormData) -> Result<Figures> {
    Ok(Figures {
        investment_wan: wan_field(form, "investment", Indicator::Investment.label())?,
        fixed_wan: wan_field(form, "fixed", Indicator::Fixed.label())?,
        output_wan: wan_field(form, "output", Indicator::Output.label())?,
        tax_wan: wan_field(form, "tax", Indicator::Tax.label())?,
        jobs: people_field(form, "jobs", Indicator::Jobs.label())?,
    })
}

pub fn wan(v: &i64) -> String {
    domain::money::format_wan(*v)
}

/// A computed amount (templates pass fields by reference, computed values by value).
pub fn wan_v(v: i64) -> String {
    domain::money::format_wan(v)
}

/// An indicator's value with its unit.
pub fn show(i: &Indicator, v: &i64) -> String {
    i.show(*v)
}


/// 万元/亩 from hundredths, two decimals.
pub fn per_mu(v: &Option<i64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{} 万元/亩", domain::aftercare::fmt2(v)))
}

pub fn mu(v: &Option<i64>) -> String {
    v.map_or_else(String::new, |v| domain::aftercare::fmt2(v).trim_end_matches(".00").to_string())
}

pub fn rate(v: &Option<i64>) -> String {
    v.map_or_else(|| "未报送".into(), domain::aftercare::percent1)
}

pub fn conclusion_label(code: &str) -> &'static str {
    Conclusion::parse(code).map_or("", Conclusion::label)
}

pub fn signal_label(code: &str) -> &'static str {
    Signal::parse(code).map_or("", Signal::label)
}

pub fn risk_class(level: &RiskLevel) -> &'static str {
    match level {
        RiskLevel::High => "health-red",
        RiskLevel::Medium => "health-amber",
        RiskLevel::Low => "health-green",
    }
}

// ---- 达产达效 of one project -----------------------------------------------------------------

#[derive(Template)]
#[template(path = "project_performance.html")]
struct PerformancePage {
    page: Page,
    p: project::Model,
    name: String,
    rights: Rights,
    perf: Performance,
    form: FormData,
    error: Option<String>,
    open: String,
    years: Vec<i32>,
    landed: bool,
}

impl PerformancePage {
    fn is_open(&self, key: &str) -> bool {
        self.open == key
    }

    /// The commitment form's value: what was typed, the commitment, or the project's plan.
    fn committed_value(&self, name: &str) -> String {
        if self.open == "commitment" {
            return self.form.get(name);
        }
        let plain = |v: Option<i64>| v.map(|v| domain::money::format_wan(v).replace(',', "")).unwrap_or_default();
        match &self.perf.commitment {
            Some(c) => match name {
                "investment" => plain(c.investment_wan),
                "fixed" => plain(c.fixed_wan),
                "output" => plain(c.output_wan),
                "tax" => plain(c.tax_wan),
                "jobs" => c.jobs.map(|j| j.to_string()).unwrap_or_default(),
                "land_mu" => mu(&c.land_mu),
                "full_production_on" => c.full_production_on.map(|d| d.to_string()).unwrap_or_default(),
                "note" => c.note.clone(),
                _ => String::new(),
            },
            // Nothing committed yet: start from what the project planned.
            None => match name {
                "investment" => plain(Some(self.p.total_wan).filter(|v| *v > 0)),
                "fixed" => plain(Some(self.p.fixed_wan).filter(|v| *v > 0)),
                "output" => plain(self.p.planned_output_wan),
                "tax" => plain(self.p.planned_tax_wan),
                "jobs" => self.p.planned_jobs.map(|j| j.to_string()).unwrap_or_default(),
                _ => String::new(),
            },
        }
    }

    fn line_class(&self, l: &Fulfilment) -> &'static str {
        match l.rate {
            Some(r) if r >= domain::aftercare::MET => "health-green",
            Some(r) if r >= domain::aftercare::PARTLY => "health-amber",
            _ => "health-red",
        }
    }
}

async fn performance_render(state: &AppState, user: &CurrentUser, id: i64, form: FormData, error: Option<String>, open: &str, flash: &str) -> Result<Response> {
    let p = state.store.project(id).await?;
    let rights = check(state, user, &p, Access::Read).await?;
    let this_year = chrono::Utc::now().date_naive().year();
    let page = PerformancePage {
        page: Page::new(state, user, format!("达产达效 {}", p.code), "aftercare").with_flash(flash),
        name: shown_name(&p, &rights.real_name),
        perf: state.store.performance(id).await?,
        landed: store::aftercare::LANDED.iter().any(|s| s.code() == p.stage),
        years: (this_year - 5..=this_year).rev().collect(),
        rights,
        p,
        form,
        error,
        open: open.to_string(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn performance(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    performance_render(&state, &user, parse_id(&id)?, FormData::default(), None, "", &q.get("done")).await
}

async fn act<F, Fut>(state: &AppState, user: &CurrentUser, id: &str, form: FormData, open: &str, action: F) -> Result<Response>
where
    F: FnOnce(project::Model, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let id = parse_id(id)?;
    let p = state.store.project(id).await?;
    check(state, user, &p, Access::Write).await?;
    match action(p, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/performance?done=saved#{open}")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => performance_render(state, user, id, form, Some(m), open, "").await,
        Err(e) => Err(e),
    }
}

pub async fn save_commitment(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "commitment", |p, form| async move {
        let land_mu = match form.get("land_mu") {
            v if v.is_empty() => None,
            v => Some(domain::aftercare::parse_hundredths(&v, "用地面积").map_err(AppError::BadRequest)?),
        };
        let input = CommitmentInput { figures: figures_from(&form)?, land_mu, full_production_on: date_field(&form, "full_production_on", "约定达产日期")?, note: form.get("note") };
        let version = match form.get("version") {
            v if v.is_empty() => None,
            _ => Some(version_field(&form)?),
        };
        st.store.save_commitment(&who, p.id, version, &input).await?;
        Ok(())
    })
    .await
}

fn year_field(form: &FormData) -> Result<i32> {
    form.get("year").parse().map_err(|_| AppError::BadRequest("请选择年度".into()))
}

pub async fn save_result(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "results", |p, form| async move {
        st.store.save_yearly_result(&who, p.id, year_field(&form)?, &figures_from(&form)?, &form.get("note")).await?;
        Ok(())
    })
    .await
}

pub async fn review(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, form, "reviews", |p, form| async move {
        st.store.review_year(&who, p.id, year_field(&form)?, &form.get("note")).await?;
        Ok(())
    })
    .await
}

// ---- landed companies ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "aftercare.html")]
struct ListPage {
    page: Page,
    rows: Vec<CompanyRisk>,
    view: String,
    counts: (usize, usize, usize),
    units: Vec<unit::Model>,
    see_all: bool,
    form: FormData,
    rules: RiskRules,
    can_edit: bool,
    error: Option<String>,
}

/// A landed company's name as this viewer may see it: all-confidential companies show by their
/// project's codename outside their units and the bureau.
fn company_name(c: &CompanyRisk, user: &CurrentUser) -> String {
    let real = user.has(domain::Role::Admin) || user.has(domain::Role::Bureau) || c.unit_ids.contains(&user.unit.id);
    if c.confidential && !real { format!("{}（保密项目）", c.codename) } else { c.name.clone() }
}

async fn list_render(state: &AppState, user: &CurrentUser, q: FormData, error: Option<String>) -> Result<Response> {
    let visibility = user.actor.visibility();
    let today = chrono::Utc::now().date_naive();
    let all = state.store.landed_companies(visibility, q.id("unit_id", "单位")?, today).await?;
    let view = match q.get("view").as_str() {
        "" | "risk" => "risk",
        "expand" => "expand",
        "all" => "all",
        other => return Err(AppError::BadRequest(format!("未知的视图「{other}」"))),
    };
    let at_risk = |c: &CompanyRisk| c.risk.level != RiskLevel::Low;
    let counts = (all.iter().filter(|c| at_risk(c)).count(), all.iter().filter(|c| c.risk.expanding).count(), all.len());
    let rows: Vec<CompanyRisk> = all
        .into_iter()
        .map(|mut c| {
            c.name = company_name(&c, user);
            c
        })
        .filter(|c| match view {
            "risk" => at_risk(c),
            "expand" => c.risk.expanding,
            _ => true,
        })
        .collect();
    let page = ListPage {
        page: Page::new(state, user, "企业服务", "aftercare").with_flash(&q.get("done")),
        rows,
        view: view.to_string(),
        counts,
        units: state.store.units().await?.into_iter().filter(|u| u.active && matches!(u.kind.as_str(), "county" | "park" | "office")).collect(),
        see_all: visibility == Visibility::All,
        rules: state.store.risk_rules().await?,
        can_edit: user.actor.can(Power::Adjudicate).is_ok(),
        form: q,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

/// A unit's landed companies: at risk, likely to expand, or all.
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    list_render(&state, &user, q, None).await
}

/// The bureau's risk thresholds.
pub async fn save_rules(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::Adjudicate, "update", "risk_rules", "")?;
    let number = |name: &str, label: &str| -> Result<i64> { form.get(name).parse().map_err(|_| AppError::BadRequest(format!("「{label}」应为整数天数"))) };
    let parsed = (|| -> Result<RiskRules> { Ok(RiskRules { no_visit_days: number("no_visit_days", "未走访天数")?, request_high_days: number("request_high_days", "诉求逾期高风险天数")?, signal_days: number("signal_days", "走访信号有效天数")? }) })();
    let result = match parsed {
        Ok(rules) => state.store.set_risk_rules(&user.who(), &rules).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/aftercare?done=saved").into_response()),
        Err(AppError::BadRequest(m)) => list_render(&state, &user, FormData::default(), Some(m)).await,
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "aftercare_company.html")]
struct CompanyPage {
    page: Page,
    company: enterprise::Model,
    risk: CompanyRisk,
    projects: Vec<(project::Model, String, Performance, Vec<Delivery>)>,
    visits: Vec<FollowUpView>,
    requests: Vec<(request::Model, String, Option<i64>)>,
    signals: Vec<visit_signal::Model>,
    signal_options: Vec<(&'static str, &'static str)>,
    can_write: bool,
    form: FormData,
    error: Option<String>,
    today: NaiveDate,
}

impl CompanyPage {
    fn promised(&self, d: &[Delivery]) -> i64 {
        d.iter().filter(|x| x.item.review != domain::project::Review::Failed.code()).map(|x| x.item.amount_wan).sum()
    }

    fn paid(&self, d: &[Delivery]) -> i64 {
        d.iter().map(|x| x.paid_wan).sum()
    }
}

/// Who a landed company belongs to: the landing and source units of its landed projects.
fn owners(projects: &[project::Model]) -> Vec<Owner> {
    projects.iter().flat_map(|p| [Owner::unit(p.landing_unit_id), Owner::unit(p.source_unit_id)]).collect()
}

async fn company_render(state: &AppState, user: &CurrentUser, id: i64, form: FormData, error: Option<String>, flash: &str) -> Result<Response> {
    let company = state.store.enterprise(id).await?;
    let landed = state.store.landed_projects(id).await?;
    if landed.is_empty() {
        return Err(AppError::NotFound("这家企业还没有已开工落地的项目".into()));
    }
    user.actor.may_any(Access::Read, &owners(&landed)).map_err(|d| AppError::denied(d, "read", "enterprise_service", id))?;
    let can_write = user.actor.may_any(Access::Write, &owners(&landed)).is_ok();
    let today = chrono::Utc::now().date_naive();
    let mut risk = state.store.company_risk(id, today).await?.ok_or_else(|| AppError::NotFound("这家企业还没有已开工落地的项目".into()))?;
    risk.name = company_name(&risk, user);
    let mut company = company;
    company.name = risk.name.clone();
    let real = user.has(domain::Role::Admin) || user.has(domain::Role::Bureau);
    let mut projects = Vec::new();
    for p in landed {
        let name = shown_name(&p, &(real || p.landing_unit_id == user.unit.id || p.source_unit_id == user.unit.id));
        let perf = state.store.performance(p.id).await?;
        let delivery = state.store.policy_delivery(p.id).await?;
        projects.push((p, name, perf, delivery));
    }
    let page = CompanyPage {
        page: Page::new(state, user, format!("企业服务 · {}", company.name), "aftercare").with_flash(flash),
        visits: state.store.follow_ups(Some(id), None, user.actor.visibility(), 20).await?,
        requests: state.store.company_requests(id, today).await?,
        signals: state.store.signals(id, 20).await?,
        signal_options: Signal::options(),
        company,
        risk,
        projects,
        can_write,
        form,
        error,
        today,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn company(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    company_render(&state, &user, parse_id(&id)?, FormData::default(), None, &q.get("done")).await
}

/// Notes what a visit found (扩产、收缩、外迁、困难…), by a unit serving the company.
pub async fn add_signal(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let landed = state.store.landed_projects(id).await?;
    if landed.is_empty() {
        return Err(AppError::NotFound("这家企业还没有已开工落地的项目".into()));
    }
    user.actor.may_any(Access::Write, &owners(&landed)).map_err(|d| AppError::denied(d, "write", "enterprise_service", id))?;
    // A visit cited as the source must be one this user may read (another unit's is refused, audited).
    if let Some(f) = form.id("follow_up_id", "走访记录")? {
        let visit = state.store.follow_up(f).await?;
        user.may(Access::Read, domain::access::Owner::unit(visit.unit_id), "follow_up", f)?;
    }
    let result = async {
        let signal = Signal::parse(&form.get("signal")).ok_or_else(|| AppError::BadRequest("请选择企业动态".into()))?;
        let on = date_field(&form, "noted_on", "日期")?.unwrap_or_else(|| chrono::Utc::now().date_naive());
        let follow_up = form.id("follow_up_id", "走访记录")?;
        state.store.add_signal(&user.who(), user.unit.id, id, follow_up, signal, &form.get("note"), on).await?;
        Ok(())
    }
    .await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/aftercare/{id}?done=saved#signals")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => company_render(&state, &user, id, form, Some(m), "").await,
        Err(e) => Err(e),
    }
}
