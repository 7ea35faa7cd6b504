//! Projects (项目库) from lead to statistics: create (from a target or fresh, with duplicate
//! detection), edit with optimistic locking, move through the stages with evidence, site checks
//! by the bureau, funds in place, duplicate decisions and credit shares, eligibility and health
//! kept current, filtered lists, figures that count only what counts, and one timeline.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query as SqlQuery, UnionType};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IdenStatic, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use domain::access::Visibility;
use domain::project::{
    self as rules, Advance, ContractKind, Duplicate, EligibilityFacts, EligibilityRules, FundsOrigin, FundsUse, HealthFacts, HealthLevel, HealthRules,
    ProjectKind, SourceChannel, Stage, State, Verification,
};
use domain::target::Engagement;

use crate::audit::{self, Event};
use crate::entities::{
    audit_event, chain, credit_share, enterprise, follow_up, funds_report, link, policy_item, project, project_file, request, service_member, stage_change, target, unit,
    user, verification,
};
use crate::follow_ups::NewAttachment;
use crate::{Result, Store, StoreError, Who, settings};

pub const ELIGIBILITY_RULES: &str = "eligibility_rules";
pub const HEALTH_RULES: &str = "health_rules";

/// What a project form holds; amounts in hundredths of 万元.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ProjectInput {
    pub name: String,
    pub codename: String,
    pub confidential: bool,
    pub enterprise_id: i64,
    pub chain_id: Option<i64>,
    pub link_id: Option<i64>,
    pub industry_code: String,
    pub kind: Option<ProjectKind>,
    pub follow_on: bool,
    pub total_wan: i64,
    pub fixed_wan: i64,
    pub planned_jobs: Option<i32>,
    pub planned_output_wan: Option<i64>,
    pub planned_tax_wan: Option<i64>,
    pub source_channel: Option<SourceChannel>,
    pub source_unit_id: i64,
    pub landing_unit_id: i64,
    pub owner_user_id: Option<i64>,
    pub contract_kind: Option<ContractKind>,
    pub contract_wan: Option<i64>,
    pub planned_start_on: Option<NaiveDate>,
    pub planned_operation_on: Option<NaiveDate>,
    pub funds_plan_wan: i64,
    pub funds_plan_by: Option<NaiveDate>,
    pub note: String,
}

impl ProjectInput {
    /// Field errors, in the order of the form.
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let name = self.name.trim().chars().count();
        if name == 0 || name > 100 {
            errors.push(("name", "项目名称必填，最长 100 个字".to_string()));
        }
        if self.confidential && self.codename.trim().is_empty() {
            errors.push(("codename", "保密项目须填写代号".to_string()));
        }
        if self.enterprise_id <= 0 {
            errors.push(("enterprise_id", "请从企业库选择投资方".to_string()));
        }
        if !self.industry_code.trim().is_empty() {
            if let Err(e) = domain::industry::lookup(&self.industry_code) {
                errors.push(("industry_code", e));
            }
        }
        if self.kind.is_none() {
            errors.push(("kind", "请选择项目类型".to_string()));
        }
        if self.source_channel.is_none() {
            errors.push(("source_channel", "请选择来源渠道".to_string()));
        }
        let amounts = [
            ("total_wan", "总投资", Some(self.total_wan)),
            ("fixed_wan", "固定资产投资", Some(self.fixed_wan)),
            ("planned_output_wan", "计划年产值", self.planned_output_wan),
            ("planned_tax_wan", "计划年税收", self.planned_tax_wan),
            ("contract_wan", "合同金额", self.contract_wan),
            ("funds_plan_wan", "计划到位资金", Some(self.funds_plan_wan)),
        ];
        for (field, label, amount) in amounts {
            if let Some(Err(e)) = amount.map(|a| domain::money::check_amount(a, label)) {
                errors.push((field, e));
            }
        }
        if self.fixed_wan > self.total_wan {
            errors.push(("fixed_wan", "固定资产投资不能大于总投资".to_string()));
        }
        if self.planned_jobs.is_some_and(|j| j < 0) {
            errors.push(("planned_jobs", "计划用工不能为负数".to_string()));
        }
        if let (Some(start), Some(operate)) = (self.planned_start_on, self.planned_operation_on) {
            if operate < start {
                errors.push(("planned_operation_on", "计划投产日期不能早于计划开工日期".to_string()));
            }
        }
        if self.funds_plan_wan > 0 && self.funds_plan_by.is_none() {
            errors.push(("funds_plan_by", "填写了计划到位资金，请填写计划全部到位的月份".to_string()));
        }
        errors
    }
}

/// A possible duplicate: another unit's project with the same investor and chain.
#[derive(Debug, Clone, Serialize)]
pub struct DuplicateMatch {
    pub project_id: i64,
    pub code: String,
    pub name: String,
    pub unit_name: String,
    pub stage: String,
    pub since: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProjectSort {
    #[default]
    Recent,
    Amount,
    Stage,
    Health,
}

impl ProjectSort {
    pub const ALL: [(ProjectSort, &'static str, &'static str); 4] =
        [(ProjectSort::Recent, "recent", "最近更新"), (ProjectSort::Amount, "amount", "总投资"), (ProjectSort::Stage, "stage", "阶段"), (ProjectSort::Health, "health", "体检结果")];

    pub fn parse(code: &str) -> ProjectSort {
        Self::ALL.iter().find(|(_, c, _)| *c == code).map_or(ProjectSort::Recent, |(s, _, _)| *s)
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProjectFilter {
    pub q: String,
    pub stage: Option<Stage>,
    pub state: Option<State>,
    pub unit_id: Option<i64>,
    pub chain_id: Option<i64>,
    /// Total investment at least this many hundredths of 万元 (亿元以上 = 1,000,000).
    pub min_total: Option<i64>,
    pub source: Option<SourceChannel>,
    pub eligible: Option<bool>,
    pub health: Option<HealthLevel>,
    /// Investors tagged 世界/中国/民营 500强.
    pub top500: bool,
    /// Suspected duplicates waiting for the bureau.
    pub duplicates: bool,
    /// Projects that reached this stage on or after `reached_from` and before `reached_until`
    /// (either bound optional), and with `reached_verified` only those whose arrival there was
    /// verified on site.
    pub reached: Option<Stage>,
    pub reached_from: Option<NaiveDate>,
    pub reached_until: Option<NaiveDate>,
    pub reached_verified: bool,
    pub sort: ProjectSort,
    pub page: u64,
    pub per_page: u64,
}

/// One row of a list, with the names a page needs.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectRow {
    pub project: project::Model,
    pub investor: String,
    pub investor_uscc: String,
    pub landing_unit: String,
    pub source_unit: String,
    pub chain: String,
    pub owner: String,
    /// (unit name, percent) when credit is shared.
    pub shares: Vec<(String, i32)>,
}

/// Figures of one stage over a filtered set: how many reached it and how many of those count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageFigure {
    pub stage: Stage,
    /// Projects now at this stage (not dropped).
    pub current: u64,
    /// Projects that reached this stage (not dropped).
    pub reached: u64,
    /// Of those, verified, eligible and not double-counted; weighted by credit share when a
    /// unit is selected (so 0.3 of a project shows as 0.3).
    pub counted: f64,
    /// Total investment of the counted ones, hundredths of 万元, weighted likewise.
    pub counted_total: i64,
}

/// The ledger's columns that are not on the project row.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LedgerFacts {
    /// Verified funds in place this month, hundredths of 万元.
    pub month_funds: i64,
    /// Open requests, by deadline.
    pub problems: Vec<String>,
    /// Follow-ups of the last seven days, newest first.
    pub progress: Vec<String>,
}

/// One entry of a project's timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineItem {
    pub on: NaiveDate,
    pub at: chrono::DateTime<Utc>,
    /// stage / verification / follow_up / funds / request: for the page's styling.
    pub kind: &'static str,
    pub title: String,
    pub body: String,
    pub who: String,
    /// (id, file name) of evidence files.
    pub files: Vec<(i64, String)>,
    /// Site-check state of a stage change or a funds report, when it has one.
    pub verification: Option<Verification>,
    /// The id of the stage change or funds report to verify.
    pub verify_ref: Option<String>,
}

/// A stage change or funds report waiting for the bureau.
#[derive(Debug, Clone, Serialize)]
pub struct QueueItem {
    /// "stage-12" or "funds-7".
    pub key: String,
    pub project_id: i64,
    pub project_code: String,
    /// The real name, or the codename for a confidential project (see `shown`).
    pub project_name: String,
    pub confidential: bool,
    pub codename: String,
    pub unit_name: String,
    pub what: String,
    pub on: NaiveDate,
    pub waiting_days: i64,
    pub files: usize,
    pub verification: Verification,
}

/// Another user's change since the version a form was opened at.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeNote {
    pub who: String,
    pub at: chrono::DateTime<Utc>,
    /// (field label, before, after)
    pub fields: Vec<(String, String, String)>,
}

/// The bureau's decision on a suspected duplicate.
#[derive(Debug, Clone)]
pub enum DuplicateDecision {
    /// Different investments: both count.
    KeepBoth,
    /// The same investment: this project merges into the earlier one.
    Merge,
    /// The same investment, credit shared: this project merges into the earlier one, which
    /// shares its credit as given (unit id, percent).
    Share(Vec<(i64, i32)>),
}

/// What is verified: a stage change or a funds report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Stage(i64),
    Funds(i64),
}

impl Checked {
    pub fn parse(key: &str) -> Option<Checked> {
        let (kind, id) = key.split_once('-')?;
        let id: i64 = id.parse().ok().filter(|i| *i > 0)?;
        match kind {
            "stage" => Some(Checked::Stage(id)),
            "funds" => Some(Checked::Funds(id)),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SiteCheck {
    pub approve: bool,
    pub note: String,
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct FundsInput {
    pub month: NaiveDate,
    pub amount_wan: i64,
    pub origin: FundsOrigin,
    pub use_kind: FundsUse,
    pub note: String,
}

/// What a project's searchable text holds: the investor's names and code.
pub fn project_search_text(e: &enterprise::Model) -> String {
    crate::enterprises::search_text(e)
}

/// The condition restricting projects to what a viewer may see: the landing unit, the unit that
/// brought the lead, units sharing the credit and, for departments, projects on chains they lead.
pub async fn visible(store: &Store, visibility: Visibility) -> Result<Condition> {
    let unit_cond = |u: i64| Condition::any().add(project::Column::Id.in_subquery(projects_of_unit(u)));
    Ok(match visibility {
        Visibility::All => Condition::all(),
        Visibility::Unit(u) => unit_cond(u),
        Visibility::UnitAndLedChains(u) => {
            let chains: Vec<i64> = chain::Entity::find().select_only().column(chain::Column::Id).filter(chain::Column::LeadUnitId.eq(u)).into_tuple().all(&store.db).await?;
            unit_cond(u).add(project::Column::ChainId.is_in(chains))
        }
    })
}

/// The ids of a unit's projects: landed there, sourced there, or credited to it in part. One list
/// from three index lookups: written as `landing = u OR source = u OR id IN (credit shares)`,
/// PostgreSQL cannot combine an index with the subquery and read every project instead (3.7 ms
/// against 0.3 ms at province scale, for each list and count an officer asks for).
fn projects_of_unit(u: i64) -> sea_orm::sea_query::SelectStatement {
    let by = |column: project::Column| SqlQuery::select().column(project::Column::Id).from(project::Entity).and_where(Expr::col(column).eq(u)).to_owned();
    let shared = SqlQuery::select().column(credit_share::Column::ProjectId).from(credit_share::Entity).and_where(Expr::col(credit_share::Column::UnitId).eq(u)).to_owned();
    by(project::Column::LandingUnitId).union(UnionType::All, by(project::Column::SourceUnitId)).union(UnionType::All, shared).to_owned()
}

fn stage_of(p: &project::Model) -> Stage {
    Stage::parse(&p.stage).unwrap_or(Stage::Lead)
}

fn state_of(p: &project::Model) -> State {
    State::parse(&p.state).unwrap_or(State::Active)
}

/// The verification recorded on a project for one stage.
pub fn stage_verification(p: &project::Model, stage: Stage) -> Verification {
    let code = match stage {
        Stage::Lead | Stage::Negotiating => return Verification::NotNeeded,
        Stage::Signed => &p.signed_verification,
        Stage::Started => &p.started_verification,
        Stage::Operating => &p.operating_verification,
        Stage::InStatistics => &p.in_statistics_verification,
    };
    Verification::parse(code).unwrap_or(Verification::Pending)
}

/// The date a project reached a stage.
pub fn stage_date(p: &project::Model, stage: Stage) -> Option<NaiveDate> {
    match stage {
        Stage::Lead => p.lead_on,
        Stage::Negotiating => p.negotiating_on,
        Stage::Signed => p.signed_on,
        Stage::Started => p.started_on,
        Stage::Operating => p.operating_on,
        Stage::InStatistics => p.in_statistics_on,
    }
}

fn set_stage_date(row: &mut project::ActiveModel, stage: Stage, on: NaiveDate) {
    match stage {
        Stage::Lead => row.lead_on = Set(Some(on)),
        Stage::Negotiating => row.negotiating_on = Set(Some(on)),
        Stage::Signed => row.signed_on = Set(Some(on)),
        Stage::Started => row.started_on = Set(Some(on)),
        Stage::Operating => row.operating_on = Set(Some(on)),
        Stage::InStatistics => row.in_statistics_on = Set(Some(on)),
    }
}

fn set_stage_verification(row: &mut project::ActiveModel, stage: Stage, v: Verification) {
    let v = Set(v.code().to_string());
    match stage {
        Stage::Lead | Stage::Negotiating => {}
        Stage::Signed => row.signed_verification = v,
        Stage::Started => row.started_verification = v,
        Stage::Operating => row.operating_verification = v,
        Stage::InStatistics => row.in_statistics_verification = v,
    }
}

/// The name shown where a confidential project's real name must not go: its codename.
pub(crate) fn public_name(p: &project::Model) -> String {
    if p.confidential && !p.codename.is_empty() { p.codename.clone() } else { p.name.clone() }
}

/// Whether a project's stage counts in figures, and if not, why.
pub fn counts_at(p: &project::Model, stage: Stage) -> Result<(), String> {
    if stage_of(p) < stage {
        return Err(format!("尚未{}", stage.label()));
    }
    rules::counts(stage_verification(p, stage), p.eligible, Duplicate::parse(&p.duplicate).unwrap_or(Duplicate::None), state_of(p))
}

async fn load_rules(conn: &impl ConnectionTrait) -> Result<(EligibilityRules, HealthRules)> {
    let eligibility = match settings::get(conn, ELIGIBILITY_RULES).await? {
        Some(text) => EligibilityRules::parse(&text).map_err(StoreError::Invalid)?,
        None => EligibilityRules::default(),
    };
    let health = match settings::get(conn, HEALTH_RULES).await? {
        Some(text) => HealthRules::parse(&text).map_err(StoreError::Invalid)?,
        None => HealthRules::default(),
    };
    Ok((eligibility, health))
}

/// Recomputes a project's eligibility and health from its facts and writes them when changed.
async fn refresh(conn: &impl ConnectionTrait, p: project::Model, eligibility: &EligibilityRules, health: &HealthRules, today: NaiveDate) -> Result<project::Model> {
    let investor_is_local = enterprise::Entity::find_by_id(p.enterprise_id).one(conn).await?.is_some_and(|e| e.is_local);
    let verdict = rules::eligibility(
        &EligibilityFacts { total_hundredths: p.total_wan, industry_code: p.industry_code.clone(), investor_is_local, follow_on_phase: p.follow_on },
        eligibility,
    );
    let deadlines: Vec<NaiveDate> = request::Entity::find()
        .select_only()
        .column(request::Column::Deadline)
        .filter(request::Column::ProjectId.eq(p.id))
        .filter(request::Column::Status.ne(rules::RequestStatus::Resolved.code()))
        .into_tuple()
        .all(conn)
        .await?;
    let expected = match (p.signed_on, p.funds_plan_by) {
        (Some(from), Some(by)) => rules::expected_funds(p.funds_plan_wan, from, by, today),
        _ => 0,
    };
    let check = rules::health(
        &HealthFacts {
            today,
            stage: stage_of(&p),
            state: state_of(&p),
            last_activity: p.last_activity_on,
            planned_start: p.planned_start_on,
            planned_operation: p.planned_operation_on,
            open_request_deadlines: deadlines,
            funds_verified: p.funds_verified_wan,
            funds_expected: expected,
        },
        health,
    );
    let reasons = check.reasons.join("\n");
    if p.eligible == verdict.counts && p.eligibility_rule == verdict.rule && p.health == check.level.code() && p.health_reasons == reasons {
        return Ok(p);
    }
    let mut row = p.into_active_model();
    row.eligible = Set(verdict.counts);
    row.eligibility_rule = Set(verdict.rule);
    row.health = Set(check.level.code().into());
    row.health_reasons = Set(reasons);
    Ok(row.update(conn).await?)
}

/// Refreshes one project inside a write transaction.
pub(crate) async fn refresh_id(conn: &impl ConnectionTrait, id: i64) -> Result<project::Model> {
    let (e, h) = load_rules(conn).await?;
    let p = project::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
    refresh(conn, p, &e, &h, Utc::now().date_naive()).await
}

/// Moves the project's last activity forward to `on` (never back).
async fn touch(conn: &impl ConnectionTrait, id: i64, on: NaiveDate) -> Result<()> {
    project::Entity::update_many()
        .col_expr(project::Column::LastActivityOn, Expr::value(on))
        .col_expr(project::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(project::Column::Id.eq(id))
        .filter(project::Column::LastActivityOn.lt(on))
        .exec(conn)
        .await?;
    Ok(())
}

async fn check_refs(conn: &impl ConnectionTrait, input: &ProjectInput) -> Result<enterprise::Model> {
    let ent = enterprise::Entity::find_by_id(input.enterprise_id).one(conn).await?.ok_or_else(|| StoreError::Invalid("所选投资方企业不存在".into()))?;
    if ent.merged_into_id.is_some() {
        return Err(StoreError::Invalid("这家企业已合并到另一条记录，请选择合并后的企业".into()));
    }
    if let Some(c) = input.chain_id {
        chain::Entity::find_by_id(c).one(conn).await?.ok_or_else(|| StoreError::Invalid("所选产业链不存在".into()))?;
    }
    if let Some(l) = input.link_id {
        let l = link::Entity::find_by_id(l).one(conn).await?.filter(|l| l.active).ok_or_else(|| StoreError::Invalid("所选环节不存在或已停用".into()))?;
        if input.chain_id.is_some_and(|c| c != l.chain_id) {
            return Err(StoreError::Invalid("所选环节不属于所选产业链".into()));
        }
    }
    for (id, what) in [(input.source_unit_id, "来源单位"), (input.landing_unit_id, "落地单位")] {
        crate::units::active_unit(conn, id, what).await?;
    }
    if let Some(owner) = input.owner_user_id {
        match user::Entity::find_by_id(owner).one(conn).await? {
            Some(u) if u.active && (u.unit_id == input.landing_unit_id || u.unit_id == input.source_unit_id) => {}
            _ => return Err(StoreError::Invalid("负责人必须是落地单位或来源单位的在职人员".into())),
        }
    }
    Ok(ent)
}

fn apply(row: &mut project::ActiveModel, input: &ProjectInput, ent: &enterprise::Model) {
    row.name = Set(input.name.trim().to_string());
    row.codename = Set(input.codename.trim().to_string());
    row.confidential = Set(input.confidential);
    row.enterprise_id = Set(ent.id);
    row.chain_id = Set(input.chain_id);
    row.link_id = Set(input.link_id);
    row.industry_code = Set(input.industry_code.trim().to_string());
    row.kind = Set(input.kind.unwrap_or(ProjectKind::New).code().into());
    row.follow_on = Set(input.follow_on);
    row.total_wan = Set(input.total_wan);
    row.fixed_wan = Set(input.fixed_wan);
    row.planned_jobs = Set(input.planned_jobs);
    row.planned_output_wan = Set(input.planned_output_wan);
    row.planned_tax_wan = Set(input.planned_tax_wan);
    row.source_channel = Set(input.source_channel.unwrap_or(SourceChannel::Other).code().into());
    row.source_unit_id = Set(input.source_unit_id);
    row.landing_unit_id = Set(input.landing_unit_id);
    row.owner_user_id = Set(input.owner_user_id);
    row.contract_kind = Set(input.contract_kind.map_or("", ContractKind::code).into());
    row.contract_wan = Set(input.contract_wan);
    row.planned_start_on = Set(input.planned_start_on);
    row.planned_operation_on = Set(input.planned_operation_on);
    row.funds_plan_wan = Set(input.funds_plan_wan);
    row.funds_plan_by = Set(input.funds_plan_by);
    row.note = Set(input.note.trim().to_string());
    row.region_code = Set(ent.region_code.clone());
    row.tags = Set(ent.tags.clone());
    row.search_text = Set(project_search_text(ent));
}

pub(crate) async fn duplicates_in(conn: &impl ConnectionTrait, ent: &enterprise::Model, chain_id: Option<i64>, units: &[i64], exclude: Option<i64>) -> Result<Vec<DuplicateMatch>> {
    // Candidates: projects of the same enterprise, or of another with the same folded name.
    let same_name: Vec<i64> = enterprise::Entity::find().select_only().column(enterprise::Column::Id).filter(enterprise::Column::NameNorm.eq(&ent.name_norm)).into_tuple().all(conn).await?;
    let mut query = project::Entity::find()
        .filter(Condition::any().add(project::Column::EnterpriseId.eq(ent.id)).add(project::Column::EnterpriseId.is_in(same_name)))
        .filter(project::Column::State.ne(State::Dropped.code()))
        .filter(project::Column::LandingUnitId.is_not_in(units.to_vec()))
        .filter(project::Column::SourceUnitId.is_not_in(units.to_vec()));
    if let Some(id) = exclude {
        query = query.filter(project::Column::Id.ne(id));
    }
    let candidates = query.order_by_asc(project::Column::Id).limit(20).all(conn).await?;
    let mut out = Vec::new();
    for c in candidates {
        let other = enterprise::Entity::find_by_id(c.enterprise_id).one(conn).await?.ok_or_else(|| StoreError::NotFound("投资方缺失".into()))?;
        let a = rules::InvestorKey { uscc: ent.uscc.as_deref(), name_norm: &ent.name_norm, chain_id };
        let b = rules::InvestorKey { uscc: other.uscc.as_deref(), name_norm: &other.name_norm, chain_id: c.chain_id };
        let reason = if ent.id == other.id { rules::duplicate_reason(&a, &rules::InvestorKey { uscc: ent.uscc.as_deref(), ..b }) } else { rules::duplicate_reason(&a, &b) };
        if let Some(reason) = reason {
            let unit_name = unit::Entity::find_by_id(c.landing_unit_id).one(conn).await?.map(|u| u.name).unwrap_or_default();
            out.push(DuplicateMatch {
                project_id: c.id,
                code: c.code.clone(),
                name: if c.confidential { c.codename.clone() } else { c.name.clone() },
                unit_name,
                stage: Stage::parse(&c.stage).map_or("", Stage::label).into(),
                since: c.created_at.date_naive(),
                reason,
            });
        }
    }
    Ok(out)
}

impl Store {
    pub async fn project(&self, id: i64) -> Result<project::Model> {
        project::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))
    }

    /// The units taking part in a project: landing, source, and those sharing its credit.
    pub async fn project_units(&self, p: &project::Model) -> Result<Vec<i64>> {
        let mut units = vec![p.landing_unit_id, p.source_unit_id];
        let shares: Vec<i64> = credit_share::Entity::find().select_only().column(credit_share::Column::UnitId).filter(credit_share::Column::ProjectId.eq(p.id)).into_tuple().all(&self.db).await?;
        units.extend(shares);
        units.dedup();
        Ok(units)
    }

    /// The lead department of a project's chain.
    pub async fn project_chain_lead(&self, p: &project::Model) -> Result<Option<i64>> {
        let Some(c) = p.chain_id else { return Ok(None) };
        // The kept profile names the lead of every active chain; a retired chain is read.
        if let Some(kept) = crate::profile::kept_chain(&self.profile_tree().await?, c) {
            return Ok(Some(kept.lead_unit_id));
        }
        Ok(chain::Entity::find_by_id(c).one(&self.db).await?.map(|c| c.lead_unit_id))
    }

    pub async fn project_rules(&self) -> Result<(EligibilityRules, HealthRules)> {
        load_rules(&self.db).await
    }

    /// Saves new rules and re-evaluates every project under them.
    pub async fn set_project_rules(&self, who: &Who, eligibility: &EligibilityRules, health: &HealthRules) -> Result<u64> {
        let txn = self.begin_write().await?;
        let (old_e, old_h) = load_rules(&txn).await?;
        settings::set(&txn, ELIGIBILITY_RULES, &eligibility.to_toml()).await?;
        settings::set(&txn, HEALTH_RULES, &health.to_toml()).await?;
        audit::append(&txn, who, Event::new("update", "project_rules", "").change(Some(&(old_e, old_h)), Some(&(eligibility.clone(), health.clone())))).await?;
        txn.commit().await?;
        self.refresh_projects(Utc::now().date_naive()).await
    }

    /// Re-evaluates eligibility and health of every open project (daily, and after a rule change).
    /// Returns how many changed.
    pub async fn refresh_projects(&self, today: NaiveDate) -> Result<u64> {
        let (e, h) = load_rules(&self.db).await?;
        let mut changed = 0;
        let mut after = 0i64;
        loop {
            let txn = self.begin_write().await?;
            let batch = project::Entity::find().filter(project::Column::Id.gt(after)).order_by_asc(project::Column::Id).limit(500).all(&txn).await?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            for p in batch {
                let before = (p.eligible, p.health.clone(), p.health_reasons.clone());
                let p = refresh(&txn, p, &e, &h, today).await?;
                if before != (p.eligible, p.health.clone(), p.health_reasons.clone()) {
                    changed += 1;
                }
            }
            txn.commit().await?;
        }
        Ok(changed)
    }

    /// The daily health check: runs once per day whichever instance gets there first; `None`
    /// when today's has run.
    pub async fn refresh_projects_daily(&self, today: NaiveDate) -> Result<Option<u64>> {
        const KEY: &str = "projects_refreshed_on";
        let txn = self.begin_write().await?;
        if settings::get(&txn, KEY).await?.as_deref() == Some(today.to_string().as_str()) {
            return Ok(None);
        }
        settings::set(&txn, KEY, &today.to_string()).await?;
        txn.commit().await?;
        Ok(Some(self.refresh_projects(today).await?))
    }

    /// Projects of other units than `units` with the same investor and chain.
    pub async fn project_duplicates(&self, enterprise_id: i64, chain_id: Option<i64>, units: &[i64], exclude: Option<i64>) -> Result<Vec<DuplicateMatch>> {
        let ent = self.enterprise(enterprise_id).await?;
        duplicates_in(&self.db, &ent, chain_id, units, exclude).await
    }

    /// Creates a lead. When another unit has a project with the same investor and chain, the new
    /// one is saved flagged (疑似重复) and does not count until the bureau decides.
    pub async fn create_project(&self, who: &Who, input: &ProjectInput, lead_on: NaiveDate, target_id: Option<i64>) -> Result<project::Model> {
        let errors = input.check();
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")));
        }
        let today = Utc::now().date_naive();
        if lead_on > today {
            return Err(StoreError::Invalid("线索日期不能晚于今天".into()));
        }
        let txn = self.begin_write().await?;
        let created = insert_project(&txn, who, input, lead_on, target_id).await?;
        txn.commit().await?;
        Ok(created)
    }

    pub async fn update_project(&self, who: &Who, id: i64, version: i32, input: &ProjectInput) -> Result<project::Model> {
        let errors = input.check();
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")));
        }
        let txn = self.begin_write().await?;
        let before = project::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个项目在您打开之后已被他人修改（现在是第 {} 版），您的修改没有保存", before.version)));
        }
        let ent = check_refs(&txn, input).await?;
        let stage = stage_of(&before);
        if stage >= Stage::Signed && input.contract_kind.is_none() {
            return Err(StoreError::Invalid("项目已签约，须注明是合同项目还是协议项目".into()));
        }
        let mut row = before.clone().into_active_model();
        apply(&mut row, input, &ent);
        if ent.id != before.enterprise_id {
            // Another investor: only before signing, and everything of the project moves with it.
            if stage >= Stage::Signed {
                return Err(StoreError::Invalid("项目已签约，投资方不能更改；如确实登记错了，请终止本项目后重新登记".into()));
            }
            follow_up::Entity::update_many().col_expr(follow_up::Column::EnterpriseId, Expr::value(ent.id)).filter(follow_up::Column::ProjectId.eq(id)).exec(&txn).await?;
            request::Entity::update_many().col_expr(request::Column::EnterpriseId, Expr::value(ent.id)).filter(request::Column::ProjectId.eq(id)).exec(&txn).await?;
            row.target_id = Set(None);
        }
        if ent.id != before.enterprise_id || input.chain_id != before.chain_id || input.landing_unit_id != before.landing_unit_id || input.source_unit_id != before.source_unit_id {
            // What makes a duplicate changed: look again (a decided duplicate stays decided).
            if before.duplicate == Duplicate::None.code() {
                let dups = duplicates_in(&txn, &ent, input.chain_id, &[input.landing_unit_id, input.source_unit_id], Some(id)).await?;
                if let Some(d) = dups.first() {
                    row.duplicate = Set(Duplicate::Pending.code().into());
                    row.duplicate_of_id = Set(Some(d.project_id));
                    row.duplicate_reason = Set(format!("与「{}」{} 的项目 {} 疑似重复：{}", d.unit_name, d.since, d.code, d.reason));
                }
            }
        }
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        row.update(&txn).await?;
        let after = refresh_id(&txn, id).await?;
        audit::append(&txn, who, Event::new("update", "project", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// What others changed on a project after `version`: who, when and which fields.
    pub async fn project_changes_since(&self, id: i64, version: i32) -> Result<Vec<ChangeNote>> {
        let events = audit_event::Entity::find()
            .filter(audit_event::Column::Entity.eq("project"))
            .filter(audit_event::Column::EntityId.eq(id.to_string()))
            .order_by_asc(audit_event::Column::Seq)
            .all(&self.db)
            .await?;
        let units = self.unit_names().await?;
        let mut out = Vec::new();
        for e in events {
            let before: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&e.before).unwrap_or_default();
            let after: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&e.after).unwrap_or_default();
            let from_version = before.get("version").and_then(serde_json::Value::as_i64).unwrap_or(0);
            if from_version < i64::from(version) {
                continue;
            }
            let fields = after
                .keys()
                .filter(|k| !matches!(k.as_str(), "version" | "updated_at" | "health" | "health_reasons" | "eligible" | "eligibility_rule" | "search_text" | "last_activity_on"))
                .map(|k| (field_label(k).to_string(), shown_value(&units, k, before.get(k)), shown_value(&units, k, after.get(k))))
                .collect();
            out.push(ChangeNote { who: e.username, at: e.at, fields });
        }
        Ok(out)
    }

    /// Moves a project forward, one stage or several (each with its date), with the evidence
    /// files attached to the last one. Stages from 签约 on wait for the bureau's site check.
    pub async fn advance_project(&self, who: &Who, id: i64, version: i32, to: Stage, advance: &Advance, note: &str, files: Vec<(Stage, NewAttachment)>) -> Result<project::Model> {
        let today = Utc::now().date_naive();
        let txn = self.begin_write().await?;
        let before = project::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个项目在您打开之后已被他人更新（现在是第 {} 版），请刷新后再推进", before.version)));
        }
        if before.duplicate == Duplicate::Merged.code() {
            return Err(StoreError::Invalid("这个项目已合并到另一个项目，请在那个项目中推进".into()));
        }
        let mut counted = std::collections::BTreeMap::new();
        for (stage, _) in &files {
            *counted.entry(*stage).or_insert(0) += 1;
        }
        let advance = Advance { files: counted, ..advance.clone() };
        let steps = rules::plan_advance(stage_of(&before), state_of(&before), before.stage_on, to, &advance, today).map_err(StoreError::Invalid)?;
        if to >= Stage::Signed && before.contract_kind.is_empty() {
            return Err(StoreError::Invalid("签约项目须注明是合同项目还是协议项目：请先在“修改项目信息”中选择签约形式".into()));
        }
        let mut row = before.clone().into_active_model();
        let mut files = files;
        let now = Utc::now();
        for (stage, on) in &steps {
            let v = if stage.needs_verification() { Verification::Pending } else { Verification::NotNeeded };
            let change = stage_change::ActiveModel {
                project_id: Set(id),
                kind: Set("advance".into()),
                from_stage: Set(before.stage.clone()),
                to_stage: Set(stage.code().into()),
                from_state: Set(before.state.clone()),
                to_state: Set(before.state.clone()),
                happened_on: Set(*on),
                note: Set(if *stage == to { note.trim().to_string() } else { format!("（跳过阶段时补记日期）{}", note.trim()) }),
                reference: Set(if *stage == Stage::InStatistics { advance.reference.trim().to_string() } else { String::new() }),
                verification: Set(v.code().into()),
                unit_id: Set(who.unit_id.unwrap_or(before.landing_unit_id)),
                user_id: Set(who.user_id),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            set_stage_date(&mut row, *stage, *on);
            set_stage_verification(&mut row, *stage, v);
            // Each stage's evidence goes with its own change, for the bureau to check.
            let (mine, rest): (Vec<_>, Vec<_>) = files.into_iter().partition(|(s, _)| s == stage);
            files = rest;
            for (_, f) in mine {
                save_file(&txn, id, Some(change.id), None, who, f).await?;
            }
        }
        let (stage, on) = steps.last().copied().unwrap_or((to, today));
        row.stage = Set(stage.code().into());
        row.stage_on = Set(on);
        if stage == Stage::InStatistics {
            row.statistics_ref = Set(advance.reference.trim().to_string());
        }
        row.last_activity_on = Set(Ord::max(before.last_activity_on, on));
        row.updated_at = Set(now);
        row.version = Set(before.version + 1);
        row.update(&txn).await?;
        let after = refresh_id(&txn, id).await?;
        let stages: Vec<&str> = steps.iter().map(|(s, _)| s.label()).collect();
        audit::append(&txn, who, Event::new("advance", "project", id).change(Some(&before), Some(&after)).detail(format!("推进到{}", stages.join("→")))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Suspends, resumes or drops a project.
    pub async fn change_project_state(&self, who: &Who, id: i64, version: i32, to: State, reason: &str) -> Result<project::Model> {
        let today = Utc::now().date_naive();
        let txn = self.begin_write().await?;
        let before = project::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个项目在您打开之后已被他人更新（现在是第 {} 版），请刷新后再操作", before.version)));
        }
        let state = rules::change_state(stage_of(&before), state_of(&before), to, reason).map_err(StoreError::Invalid)?;
        let kind = match state {
            State::Active => "resume",
            State::Suspended => "suspend",
            State::Dropped => "drop",
        };
        record_state_change(&txn, who, &before, kind, state, reason.trim()).await?;
        let mut row = before.clone().into_active_model();
        row.state = Set(state.code().into());
        row.state_reason = Set(if state == State::Active { String::new() } else { reason.trim().to_string() });
        row.last_activity_on = Set(today);
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        row.update(&txn).await?;
        let after = refresh_id(&txn, id).await?;
        audit::append(&txn, who, Event::new(kind, "project", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Records a site check of a stage change or a funds report. Pending and rejected ones may
    /// be checked (a rejected one again after new evidence); an approved one is final.
    pub async fn verify(&self, who: &Who, what: Checked, check: &SiteCheck, files: Vec<NewAttachment>) -> Result<project::Model> {
        if !check.approve && check.note.trim().is_empty() {
            return Err(StoreError::Invalid("核查不通过时请写明原因".into()));
        }
        let lat_ok = check.latitude_e6.is_none_or(|v| v.abs() <= 90_000_000);
        let lng_ok = check.longitude_e6.is_none_or(|v| v.abs() <= 180_000_000);
        if !lat_ok || !lng_ok {
            return Err(StoreError::Invalid("位置坐标无效".into()));
        }
        let result = if check.approve { Verification::Approved } else { Verification::Rejected };
        let txn = self.begin_write().await?;
        let (project_id, stage_change_id, funds_report_id, what_label) = match what {
            Checked::Stage(id) => {
                let c = stage_change::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条阶段记录".into()))?;
                check_verifiable(&c.verification)?;
                let stage = Stage::parse(&c.to_stage).unwrap_or(Stage::Lead);
                let mut row = c.clone().into_active_model();
                row.verification = Set(result.code().into());
                row.update(&txn).await?;
                // The project's copy follows the latest change into that stage.
                let latest = stage_change::Entity::find()
                    .filter(stage_change::Column::ProjectId.eq(c.project_id))
                    .filter(stage_change::Column::Kind.eq("advance"))
                    .filter(stage_change::Column::ToStage.eq(&c.to_stage))
                    .order_by_desc(stage_change::Column::Id)
                    .one(&txn)
                    .await?;
                if latest.is_some_and(|l| l.id == c.id) {
                    let p = project::Entity::find_by_id(c.project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
                    let mut prow = p.into_active_model();
                    set_stage_verification(&mut prow, stage, result);
                    prow.updated_at = Set(Utc::now());
                    prow.update(&txn).await?;
                }
                (c.project_id, Some(c.id), None, format!("{}（{}）", stage.label(), c.happened_on))
            }
            Checked::Funds(id) => {
                let f = funds_report::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条到位资金记录".into()))?;
                check_verifiable(&f.verification)?;
                let mut row = f.clone().into_active_model();
                row.verification = Set(result.code().into());
                row.update(&txn).await?;
                recount_funds(&txn, f.project_id).await?;
                (f.project_id, None, Some(f.id), format!("{} 月到位资金 {} 万元", f.month.format("%Y-%m"), domain::money::format_wan(f.amount_wan)))
            }
        };
        let v = verification::ActiveModel {
            project_id: Set(project_id),
            stage_change_id: Set(stage_change_id),
            funds_report_id: Set(funds_report_id),
            result: Set(result.code().into()),
            note: Set(check.note.trim().to_string()),
            latitude_e6: Set(check.latitude_e6),
            longitude_e6: Set(check.longitude_e6),
            user_id: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        for f in files {
            save_file(&txn, project_id, None, Some(v.id), who, f).await?;
        }
        touch(&txn, project_id, Utc::now().date_naive()).await?;
        let after = refresh_id(&txn, project_id).await?;
        audit::append(&txn, who, Event::new("verify", "project", project_id).outcome(if check.approve { audit::OK } else { "rejected" }).detail(format!("实地核查{}：{}{}", result.label(), what_label, if check.note.trim().is_empty() { String::new() } else { format!("。{}", check.note.trim()) }))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Stage changes and funds reports waiting for a site check, oldest first.
    pub async fn verification_queue(&self, include_rejected: bool, limit: u64) -> Result<Vec<QueueItem>> {
        let states: Vec<&str> = if include_rejected { vec![Verification::Pending.code(), Verification::Rejected.code()] } else { vec![Verification::Pending.code()] };
        let changes = stage_change::Entity::find().filter(stage_change::Column::Verification.is_in(states.clone())).order_by_asc(stage_change::Column::Id).limit(limit).all(&self.db).await?;
        let funds = funds_report::Entity::find().filter(funds_report::Column::Verification.is_in(states)).order_by_asc(funds_report::Column::Id).limit(limit).all(&self.db).await?;
        let mut project_ids: Vec<i64> = changes.iter().map(|c| c.project_id).chain(funds.iter().map(|f| f.project_id)).collect();
        project_ids.sort_unstable();
        project_ids.dedup();
        let projects: HashMap<i64, project::Model> = project::Entity::find().filter(project::Column::Id.is_in(project_ids)).all(&self.db).await?.into_iter().map(|p| (p.id, p)).collect();
        let units = self.unit_names().await?;
        let change_ids: Vec<i64> = changes.iter().map(|c| c.id).collect();
        let file_counts: Vec<Option<i64>> = project_file::Entity::find().select_only().column(project_file::Column::StageChangeId).filter(project_file::Column::StageChangeId.is_in(change_ids)).into_tuple().all(&self.db).await?;
        let today = Utc::now().date_naive();
        // One queue line: what waits, on which project, since when.
        let item = |p: &project::Model, key: String, what: String, at: chrono::DateTime<Utc>, files: usize, verification: &str| QueueItem {
            key,
            project_id: p.id,
            project_code: p.code.clone(),
            project_name: p.name.clone(),
            confidential: p.confidential,
            codename: p.codename.clone(),
            unit_name: units.get(&p.landing_unit_id).cloned().unwrap_or_default(),
            what,
            on: at.date_naive(),
            waiting_days: (today - at.date_naive()).num_days(),
            files,
            verification: Verification::parse(verification).unwrap_or(Verification::Pending),
        };
        let mut out = Vec::new();
        for c in changes {
            let Some(p) = projects.get(&c.project_id) else { continue };
            let what = format!("{}：{}", Stage::parse(&c.to_stage).map_or("", Stage::label), c.happened_on);
            let files = file_counts.iter().filter(|f| **f == Some(c.id)).count();
            out.push(item(p, format!("stage-{}", c.id), what, c.created_at, files, &c.verification));
        }
        for f in funds {
            let Some(p) = projects.get(&f.project_id) else { continue };
            let what = format!(
                "到位资金：{} 月 {} 万元（{}，{}）",
                f.month.format("%Y-%m"),
                domain::money::format_wan(f.amount_wan),
                FundsOrigin::parse(&f.origin).map_or("", FundsOrigin::label),
                FundsUse::parse(&f.use_kind).map_or("", FundsUse::label)
            );
            out.push(item(p, format!("funds-{}", f.id), what, f.created_at, 0, &f.verification));
        }
        out.sort_by(|a, b| b.waiting_days.cmp(&a.waiting_days).then(a.key.cmp(&b.key)));
        Ok(out)
    }

    /// How many stage changes and funds reports wait for a site check.
    pub async fn count_pending_verifications(&self) -> Result<u64> {
        let pending = Verification::Pending.code();
        let changes = stage_change::Entity::find().filter(stage_change::Column::Verification.eq(pending)).count(&self.db).await?;
        let funds = funds_report::Entity::find().filter(funds_report::Column::Verification.eq(pending)).count(&self.db).await?;
        Ok(changes + funds)
    }

    /// What a queue key refers to, with its project (for the site-check page).
    pub async fn checked_item(&self, what: Checked) -> Result<(project::Model, String, Verification)> {
        let queue_text = |stage: &str, on: NaiveDate| format!("{}：{}", Stage::parse(stage).map_or("", Stage::label), on);
        match what {
            Checked::Stage(id) => {
                let c = stage_change::Entity::find_by_id(id).one(&self.db).await?.filter(|c| c.kind == "advance").ok_or_else(|| StoreError::NotFound("没有这条阶段记录".into()))?;
                Ok((self.project(c.project_id).await?, queue_text(&c.to_stage, c.happened_on), Verification::parse(&c.verification).unwrap_or(Verification::NotNeeded)))
            }
            Checked::Funds(id) => {
                let f = funds_report::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条到位资金记录".into()))?;
                let text = format!("到位资金：{} 月 {} 万元", f.month.format("%Y-%m"), domain::money::format_wan(f.amount_wan));
                Ok((self.project(f.project_id).await?, text, Verification::parse(&f.verification).unwrap_or(Verification::Pending)))
            }
        }
    }

    /// Reports one month's funds in place; it counts once the bureau verifies it.
    pub async fn add_funds(&self, who: &Who, project_id: i64, input: &FundsInput) -> Result<funds_report::Model> {
        if input.amount_wan <= 0 {
            return Err(StoreError::Invalid("到位金额应大于 0".into()));
        }
        domain::money::check_amount(input.amount_wan, "到位金额").map_err(StoreError::Invalid)?;
        let today = Utc::now().date_naive();
        if input.month > today {
            return Err(StoreError::Invalid("不能填报未来月份的到位资金".into()));
        }
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if stage_of(&p) < Stage::Signed {
            return Err(StoreError::Invalid("项目签约后才能填报到位资金".into()));
        }
        let existing = funds_report::Entity::find()
            .filter(funds_report::Column::ProjectId.eq(project_id))
            .filter(funds_report::Column::Month.eq(input.month))
            .filter(funds_report::Column::Origin.eq(input.origin.code()))
            .filter(funds_report::Column::UseKind.eq(input.use_kind.code()))
            .one(&txn)
            .await?;
        if let Some(e) = existing {
            return Err(StoreError::Duplicate { message: format!("{} 月{}、{}的到位资金已填报过", input.month.format("%Y-%m"), input.origin.label(), input.use_kind.label()), id: e.id });
        }
        let row = funds_report::ActiveModel {
            project_id: Set(project_id),
            month: Set(input.month),
            amount_wan: Set(input.amount_wan),
            origin: Set(input.origin.code().into()),
            use_kind: Set(input.use_kind.code().into()),
            note: Set(input.note.trim().to_string()),
            verification: Set(Verification::Pending.code().into()),
            unit_id: Set(who.unit_id.unwrap_or(p.landing_unit_id)),
            user_id: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        touch(&txn, project_id, today).await?;
        refresh_id(&txn, project_id).await?;
        audit::append(&txn, who, Event::new("create", "funds_report", row.id).change(None, Some(&row)).detail(format!("项目 {} 到位资金", p.code))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn funds_reports(&self, project_id: i64) -> Result<Vec<funds_report::Model>> {
        Ok(funds_report::Entity::find().filter(funds_report::Column::ProjectId.eq(project_id)).order_by_asc(funds_report::Column::Month).order_by_asc(funds_report::Column::Id).all(&self.db).await?)
    }

    /// The bureau's decision on a suspected duplicate.
    pub async fn decide_duplicate(&self, who: &Who, id: i64, version: i32, decision: &DuplicateDecision) -> Result<project::Model> {
        let txn = self.begin_write().await?;
        let before = project::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个项目在您打开之后已被他人更新（现在是第 {} 版），请刷新后再判定", before.version)));
        }
        if before.duplicate != Duplicate::Pending.code() {
            return Err(StoreError::Invalid("这个项目没有待判定的重复".into()));
        }
        let earlier_id = before.duplicate_of_id.ok_or_else(|| StoreError::Invalid("找不到与之重复的项目".into()))?;
        let earlier = project::Entity::find_by_id(earlier_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("与之重复的项目已不存在".into()))?;
        let merging = !matches!(decision, DuplicateDecision::KeepBoth);
        if merging && (earlier.state == State::Dropped.code() || earlier.duplicate == Duplicate::Merged.code()) {
            return Err(StoreError::Invalid(format!("项目 {} 已终止或已合并，不能并入；请判定为不重复", earlier.code)));
        }
        if merging && funds_report::Entity::find().filter(funds_report::Column::ProjectId.eq(id)).count(&txn).await? > 0 {
            return Err(StoreError::Invalid("这个项目已填报到位资金，不能直接合并：请先核对两个项目的资金记录".into()));
        }
        let mut row = before.clone().into_active_model();
        let detail;
        match decision {
            DuplicateDecision::KeepBoth => {
                row.duplicate = Set(Duplicate::KeepBoth.code().into());
                detail = format!("判定与 {} 不重复，两个项目都计数", earlier.code);
            }
            DuplicateDecision::Merge | DuplicateDecision::Share(_) => {
                row.duplicate = Set(Duplicate::Merged.code().into());
                row.state = Set(State::Dropped.code().into());
                row.state_reason = Set(format!("与 {} 重复，已合并", earlier.code));
                if let DuplicateDecision::Share(shares) = decision {
                    rules::check_shares(shares).map_err(StoreError::Invalid)?;
                    write_shares(&txn, earlier.id, shares).await?;
                    detail = format!("判定与 {} 重复，合并并分成：{}", earlier.code, share_text(&txn, shares).await?);
                } else {
                    detail = format!("判定与 {} 重复，已合并", earlier.code);
                }
                // Follow-ups, requests, policy items and team members move to the project that goes on
                // (and to its investor record, when the same investor was registered twice).
                follow_up::Entity::update_many()
                    .col_expr(follow_up::Column::ProjectId, Expr::value(earlier.id))
                    .col_expr(follow_up::Column::EnterpriseId, Expr::value(earlier.enterprise_id))
                    .filter(follow_up::Column::ProjectId.eq(id))
                    .exec(&txn)
                    .await?;
                request::Entity::update_many()
                    .col_expr(request::Column::ProjectId, Expr::value(earlier.id))
                    .col_expr(request::Column::EnterpriseId, Expr::value(earlier.enterprise_id))
                    .filter(request::Column::ProjectId.eq(id))
                    .exec(&txn)
                    .await?;
                policy_item::Entity::update_many().col_expr(policy_item::Column::ProjectId, Expr::value(earlier.id)).filter(policy_item::Column::ProjectId.eq(id)).exec(&txn).await?;
                let kept: Vec<i64> = service_member::Entity::find().select_only().column(service_member::Column::UserId).filter(service_member::Column::ProjectId.eq(earlier.id)).into_tuple().all(&txn).await?;
                service_member::Entity::delete_many().filter(service_member::Column::ProjectId.eq(id)).filter(service_member::Column::UserId.is_in(kept)).exec(&txn).await?;
                service_member::Entity::update_many().col_expr(service_member::Column::ProjectId, Expr::value(earlier.id)).filter(service_member::Column::ProjectId.eq(id)).exec(&txn).await?;
                record_state_change(&txn, who, &before, "drop", State::Dropped, &format!("市局判定与 {} 重复，已合并", earlier.code)).await?;
            }
        }
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        row.update(&txn).await?;
        let after = refresh_id(&txn, id).await?;
        refresh_id(&txn, earlier.id).await?;
        audit::append(&txn, who, Event::new("decide_duplicate", "project", id).change(Some(&before), Some(&after)).detail(detail)).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Sets (or, with an empty list, clears) how a project's credit is shared between units.
    pub async fn set_credit_shares(&self, who: &Who, id: i64, shares: &[(i64, i32)]) -> Result<()> {
        if !shares.is_empty() {
            rules::check_shares(shares).map_err(StoreError::Invalid)?;
        }
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let text = if shares.is_empty() { "取消分成".to_string() } else { share_text(&txn, shares).await? };
        write_shares(&txn, id, shares).await?;
        touch(&txn, id, Utc::now().date_naive()).await?;
        audit::append(&txn, who, Event::new("share", "project", id).detail(format!("项目 {} 飞地分成：{text}", p.code))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// (unit id, unit name, percent) of a project's credit shares.
    pub async fn credit_shares(&self, id: i64) -> Result<Vec<(i64, String, i32)>> {
        let shares = credit_share::Entity::find().filter(credit_share::Column::ProjectId.eq(id)).order_by_desc(credit_share::Column::Percent).all(&self.db).await?;
        let units = self.unit_names().await?;
        Ok(shares.into_iter().map(|s| (s.unit_id, units.get(&s.unit_id).cloned().unwrap_or_default(), s.percent)).collect())
    }

    pub async fn project_file(&self, id: i64) -> Result<project_file::Model> {
        project_file::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个文件".into()))
    }

    pub async fn list_projects(&self, visibility: Visibility, f: &ProjectFilter, real_names: bool) -> Result<(Vec<ProjectRow>, u64)> {
        let query = self.project_query(visibility, f, real_names).await?;
        let total = query.clone().count(&self.db).await?;
        let per_page = f.per_page.clamp(1, 1000);
        let query = match f.sort {
            ProjectSort::Recent => query.order_by_desc(project::Column::UpdatedAt).order_by_desc(project::Column::Id),
            ProjectSort::Amount => query.order_by_desc(project::Column::TotalWan).order_by_desc(project::Column::Id),
            ProjectSort::Stage => query.order_by_desc(project::Column::Stage).order_by_desc(project::Column::Id),
            ProjectSort::Health => query.order_by_desc(project::Column::Health).order_by_desc(project::Column::Id),
        };
        let mut projects = query.offset(f.page.saturating_mul(per_page)).limit(per_page).all(&self.db).await?;
        if f.sort == ProjectSort::Stage {
            // Codes do not sort in stage order: sort the page by the stage itself.
            projects.sort_by_key(|p| std::cmp::Reverse(stage_of(p)));
        }
        Ok((self.project_rows(projects).await?, total))
    }

    /// How many projects [`Store::list_projects`] would list, without reading them.
    pub async fn count_projects(&self, visibility: Visibility, f: &ProjectFilter, real_names: bool) -> Result<u64> {
        Ok(self.project_query(visibility, f, real_names).await?.count(&self.db).await?)
    }

    async fn project_query(&self, visibility: Visibility, f: &ProjectFilter, real_names: bool) -> Result<sea_orm::Select<project::Entity>> {
        let mut query = project::Entity::find().filter(visible(self, visibility).await?);
        if let Some(s) = f.stage {
            query = query.filter(project::Column::Stage.eq(s.code()));
        }
        match f.state {
            Some(s) => query = query.filter(project::Column::State.eq(s.code())),
            None if f.stage.is_some() => query = query.filter(project::Column::State.ne(State::Dropped.code())),
            None => {}
        }
        // A unit's own projects are already all its officers see: the same filter again would only
        // make the database look twice.
        if let Some(u) = f.unit_id
            && visibility != Visibility::Unit(u)
        {
            query = query.filter(project::Column::Id.in_subquery(projects_of_unit(u)));
        }
        if let Some(c) = f.chain_id {
            query = query.filter(project::Column::ChainId.eq(c));
        }
        if let Some(min) = f.min_total {
            query = query.filter(project::Column::TotalWan.gte(min));
        }
        if let Some(s) = f.source {
            query = query.filter(project::Column::SourceChannel.eq(s.code()));
        }
        if let Some(e) = f.eligible {
            query = query.filter(project::Column::Eligible.eq(e));
        }
        if let Some(h) = f.health {
            query = query.filter(project::Column::Health.eq(h.code()));
        }
        if f.top500 {
            query = query.filter(Condition::any().add(project::Column::Tags.contains("global500")).add(project::Column::Tags.contains("china500")).add(project::Column::Tags.contains("private500")));
        }
        if f.duplicates {
            query = query.filter(project::Column::Duplicate.eq(Duplicate::Pending.code()));
        }
        if let Some(stage) = f.reached {
            let (on, verification) = match stage {
                Stage::Lead => (project::Column::LeadOn, None),
                Stage::Negotiating => (project::Column::NegotiatingOn, None),
                Stage::Signed => (project::Column::SignedOn, Some(project::Column::SignedVerification)),
                Stage::Started => (project::Column::StartedOn, Some(project::Column::StartedVerification)),
                Stage::Operating => (project::Column::OperatingOn, Some(project::Column::OperatingVerification)),
                Stage::InStatistics => (project::Column::InStatisticsOn, Some(project::Column::InStatisticsVerification)),
            };
            query = query.filter(on.is_not_null());
            if let Some(from) = f.reached_from {
                query = query.filter(on.gte(from));
            }
            if let Some(until) = f.reached_until {
                query = query.filter(on.lt(until));
            }
            if f.reached_verified {
                // Stages that need no site check have nothing to verify: none of them qualifies.
                let Some(column) = verification else { return Ok(query.filter(Expr::val(1).eq(0))) };
                query = query.filter(column.eq(Verification::Approved.code()));
            }
        }
        let q = f.q.trim();
        if !q.is_empty() {
            let folded = domain::names::normalize_name(q);
            let matches = Condition::any()
                .add(project::Column::SearchText.contains(&folded))
                .add(project::Column::Code.contains(q))
                .add(project::Column::Codename.contains(q))
                .add(project::Column::Name.contains(q));
            // A confidential project is found by its investor or real name only within its units.
            let text_match = if real_names {
                matches
            } else {
                Condition::any()
                    .add(Condition::all().add(matches).add(project::Column::Confidential.eq(false)))
                    .add(Condition::all().add(project::Column::Confidential.eq(true)).add(Condition::any().add(project::Column::Code.contains(q)).add(project::Column::Codename.contains(q))))
            };
            query = query.filter(text_match);
        }
        Ok(query)
    }

    async fn project_rows(&self, projects: Vec<project::Model>) -> Result<Vec<ProjectRow>> {
        if projects.is_empty() {
            return Ok(Vec::new());
        }
        let ent_ids: Vec<i64> = projects.iter().map(|p| p.enterprise_id).collect();
        let names: HashMap<i64, (String, Option<String>)> = enterprise::Entity::find()
            .select_only()
            .columns([enterprise::Column::Id, enterprise::Column::Name, enterprise::Column::Uscc])
            .filter(enterprise::Column::Id.is_in(ent_ids))
            .into_tuple::<(i64, String, Option<String>)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, name, uscc)| (id, (name, uscc)))
            .collect();
        let units = self.unit_names().await?;
        let chains = self.chain_names(projects.iter().filter_map(|p| p.chain_id)).await?;
        let owner_ids: Vec<i64> = projects.iter().filter_map(|p| p.owner_user_id).collect();
        let owners = self.user_names(owner_ids).await?;
        let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
        let shares = credit_share::Entity::find().filter(credit_share::Column::ProjectId.is_in(ids)).order_by_desc(credit_share::Column::Percent).all(&self.db).await?;
        Ok(projects
            .into_iter()
            .map(|p| ProjectRow {
                investor: names.get(&p.enterprise_id).map(|n| n.0.clone()).unwrap_or_default(),
                investor_uscc: names.get(&p.enterprise_id).and_then(|n| n.1.clone()).unwrap_or_default(),
                landing_unit: units.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                source_unit: units.get(&p.source_unit_id).cloned().unwrap_or_default(),
                chain: p.chain_id.and_then(|c| chains.get(&c).cloned()).unwrap_or_default(),
                owner: p.owner_user_id.and_then(|u| owners.get(&u).cloned()).unwrap_or_default(),
                shares: shares.iter().filter(|s| s.project_id == p.id).map(|s| (units.get(&s.unit_id).cloned().unwrap_or_default(), s.percent)).collect(),
                project: p,
            })
            .collect())
    }

    pub async fn project_row(&self, id: i64) -> Result<ProjectRow> {
        let p = self.project(id).await?;
        self.project_rows(vec![p]).await?.pop().ok_or_else(|| StoreError::NotFound("没有这个项目".into()))
    }

    /// The figures by stage over every project, grouped from the projects themselves: what the
    /// counts kept by trigger (m0016) must always equal.
    pub async fn project_figures_grouped(&self) -> Result<Vec<StageFigure>> {
        self.figures(Visibility::All, &ProjectFilter::default(), true, false).await
    }

    /// Figures by stage over the filtered set (the filter's own stage and page are ignored).
    /// City-wide figures come from one GROUP BY over the columns that decide counting; one unit's
    /// figures read that unit's projects one by one, because credit shares weigh each differently.
    pub async fn project_figures(&self, visibility: Visibility, f: &ProjectFilter, real_names: bool) -> Result<Vec<StageFigure>> {
        self.figures(visibility, f, real_names, true).await
    }

    async fn figures(&self, visibility: Visibility, f: &ProjectFilter, real_names: bool, kept: bool) -> Result<Vec<StageFigure>> {
        let f = ProjectFilter { stage: None, page: 0, ..f.clone() };
        let query = self.project_query(visibility, &f, real_names).await?;
        let facts = [
            project::Column::Stage,
            project::Column::State,
            project::Column::Eligible,
            project::Column::Duplicate,
            project::Column::SignedVerification,
            project::Column::StartedVerification,
            project::Column::OperatingVerification,
            project::Column::InStatisticsVerification,
        ];
        // (facts…, projects, their total investment, weight in percent)
        type Group = (String, String, bool, String, String, String, String, String, i64, i64, i32);
        // The whole city, unfiltered (the register's first view): the groups kept by trigger.
        let whole_city = kept && visibility == Visibility::All && ProjectFilter { sort: f.sort, per_page: f.per_page, ..ProjectFilter::default() } == f;
        let groups: Vec<Group> = match f.unit_id {
            None if whole_city => {
                let sql = format!("SELECT {}, projects, total_wan FROM project_fact_counts WHERE projects > 0", facts.map(|c| c.as_str()).join(", "));
                let rows = self.db.query_all_raw(sea_orm::Statement::from_string(self.backend(), sql)).await?;
                let counts: Vec<(String, String, bool, String, String, String, String, String, i64, i64)> = rows.iter().map(|r| r.try_get_many_by_index()).collect::<std::result::Result<_, _>>()?;
                counts.into_iter().map(|(a, b, c, d, e, g, h, i, n, t)| (a, b, c, d, e, g, h, i, n, t, 100)).collect()
            }
            None => {
                let mut grouped = query.select_only().columns(facts).column_as(project::Column::Id.count(), "n").column_as(Expr::cust("CAST(SUM(total_wan) AS BIGINT)"), "t");
                for c in facts {
                    grouped = grouped.group_by(c);
                }
                let rows: Vec<(String, String, bool, String, String, String, String, String, i64, Option<i64>)> = grouped.into_tuple().all(&self.db).await?;
                rows.into_iter().map(|(a, b, c, d, e, g, h, i, n, t)| (a, b, c, d, e, g, h, i, n, t.unwrap_or(0), 100)).collect()
            }
            Some(u) => {
                type Row = (i64, i64, i64, String, String, bool, String, String, String, String, String);
                let rows: Vec<Row> = query
                    .select_only()
                    .columns([project::Column::Id, project::Column::LandingUnitId, project::Column::TotalWan])
                    .columns(facts)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                // A project with shares counts for each unit by its share; without, for its landing unit.
                let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
                let mut shares: HashMap<i64, Vec<(i64, i32)>> = HashMap::new();
                for chunk in ids.chunks(5000) {
                    for s in credit_share::Entity::find().filter(credit_share::Column::ProjectId.is_in(chunk.to_vec())).all(&self.db).await? {
                        shares.entry(s.project_id).or_default().push((s.unit_id, s.percent));
                    }
                }
                rows.into_iter()
                    .map(|(id, landing, total, a, b, c, d, e, g, h, i)| {
                        let weight = match shares.get(&id) {
                            Some(list) => list.iter().find(|(unit, _)| *unit == u).map_or(0, |(_, pct)| *pct),
                            None if landing == u => 100,
                            None => 0,
                        };
                        (a, b, c, d, e, g, h, i, 1, total, weight)
                    })
                    .collect()
            }
        };
        let mut out: Vec<StageFigure> = Stage::ALL.iter().map(|s| StageFigure { stage: *s, current: 0, reached: 0, counted: 0.0, counted_total: 0 }).collect();
        for (stage, state, eligible, duplicate, signed, started, operating, in_statistics, n, total, weight) in &groups {
            let state = State::parse(state).unwrap_or(State::Active);
            if state == State::Dropped {
                continue;
            }
            let stage = Stage::parse(stage).unwrap_or(Stage::Lead);
            let duplicate = Duplicate::parse(duplicate).unwrap_or(Duplicate::None);
            let n = u64::try_from(*n).unwrap_or(0);
            for fig in out.iter_mut() {
                if fig.stage == stage {
                    fig.current += n;
                }
                if stage < fig.stage {
                    continue;
                }
                fig.reached += n;
                let verification = match fig.stage {
                    Stage::Lead | Stage::Negotiating => Verification::NotNeeded,
                    Stage::Signed => Verification::parse(signed).unwrap_or(Verification::Pending),
                    Stage::Started => Verification::parse(started).unwrap_or(Verification::Pending),
                    Stage::Operating => Verification::parse(operating).unwrap_or(Verification::Pending),
                    Stage::InStatistics => Verification::parse(in_statistics).unwrap_or(Verification::Pending),
                };
                if rules::counts(verification, *eligible, duplicate, state).is_ok() {
                    fig.counted += n as f64 * f64::from(*weight) / 100.0;
                    fig.counted_total += total * i64::from(*weight) / 100;
                }
            }
        }
        Ok(out)
    }

    /// Everything that happened to a project, newest first.
    pub async fn project_timeline(&self, id: i64) -> Result<Vec<TimelineItem>> {
        Ok(self.project_history(id).await?.0)
    }

    /// A project's timeline with the funds reports and the investor's requests it is made of: a
    /// project's page lists those too, and need not read them again.
    pub async fn project_history(&self, id: i64) -> Result<(Vec<TimelineItem>, Vec<funds_report::Model>, Vec<request::Model>)> {
        let files: Vec<(i64, Option<i64>, Option<i64>, String)> = project_file::Entity::find()
            .select_only()
            .columns([project_file::Column::Id, project_file::Column::StageChangeId, project_file::Column::VerificationId, project_file::Column::FileName])
            .filter(project_file::Column::ProjectId.eq(id))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut items = Vec::new();
        for c in stage_change::Entity::find().filter(stage_change::Column::ProjectId.eq(id)).all(&self.db).await? {
            let stage = Stage::parse(&c.to_stage).map_or("", Stage::label);
            let title = match c.kind.as_str() {
                "create" => "登记为线索".to_string(),
                "advance" => format!("进入「{stage}」"),
                "suspend" => "暂停".to_string(),
                "resume" => "恢复推进".to_string(),
                "drop" => "终止".to_string(),
                other => other.to_string(),
            };
            let v = Verification::parse(&c.verification).filter(|v| *v != Verification::NotNeeded);
            let body = if c.reference.is_empty() { c.note.clone() } else { format!("入库编号 {}。{}", c.reference, c.note) };
            items.push((c.user_id, TimelineItem {
                on: c.happened_on,
                at: c.created_at,
                kind: "stage",
                title,
                body,
                who: String::new(),
                files: files.iter().filter(|f| f.1 == Some(c.id)).map(|f| (f.0, f.3.clone())).collect(),
                verification: v,
                verify_ref: v.map(|_| format!("stage-{}", c.id)),
            }));
        }
        for v in verification::Entity::find().filter(verification::Column::ProjectId.eq(id)).all(&self.db).await? {
            let result = Verification::parse(&v.result).unwrap_or(Verification::Pending);
            let place = match (v.latitude_e6, v.longitude_e6) {
                (Some(lat), Some(lng)) => format!("（位置 {:.5}, {:.5}）", lat as f64 / 1e6, lng as f64 / 1e6),
                _ => String::new(),
            };
            items.push((v.user_id, TimelineItem {
                on: v.created_at.date_naive(),
                at: v.created_at,
                kind: "verification",
                title: format!("实地核查：{}", result.label()),
                body: format!("{}{place}", v.note),
                who: String::new(),
                files: files.iter().filter(|f| f.2 == Some(v.id)).map(|f| (f.0, f.3.clone())).collect(),
                verification: Some(result),
                verify_ref: None,
            }));
        }
        let funds = self.funds_reports(id).await?;
        for f in &funds {
            let v = Verification::parse(&f.verification).unwrap_or(Verification::Pending);
            items.push((f.user_id, TimelineItem {
                on: f.created_at.date_naive(),
                at: f.created_at,
                kind: "funds",
                title: format!("到位资金 {} 月 {} 万元", f.month.format("%Y-%m"), domain::money::format_wan(f.amount_wan)),
                body: format!("{}，{}。{}", FundsOrigin::parse(&f.origin).map_or("", FundsOrigin::label), FundsUse::parse(&f.use_kind).map_or("", FundsUse::label), f.note),
                who: String::new(),
                files: vec![],
                verification: Some(v),
                verify_ref: Some(format!("funds-{}", f.id)),
            }));
        }
        for f in follow_up::Entity::find().filter(follow_up::Column::ProjectId.eq(id)).all(&self.db).await? {
            items.push((Some(f.user_id), TimelineItem {
                on: f.happened_on,
                at: f.created_at,
                kind: "follow_up",
                title: domain::target::FollowUpKind::parse(&f.kind).map_or("对接", domain::target::FollowUpKind::label).to_string(),
                body: if f.next_step.is_empty() { f.summary.clone() } else { format!("{}　下一步：{}", f.summary, f.next_step) },
                who: String::new(),
                files: vec![],
                verification: None,
                verify_ref: None,
            }));
        }
        let requests = request::Entity::find().filter(request::Column::ProjectId.eq(id)).all(&self.db).await?;
        for r in &requests {
            let status = rules::RequestStatus::parse(&r.status).unwrap_or(rules::RequestStatus::Open);
            items.push((r.created_by, TimelineItem {
                on: r.created_at.date_naive(),
                at: r.created_at,
                kind: "request",
                title: format!("诉求（{}）：{}", rules::RequestCategory::parse(&r.category).map_or("", rules::RequestCategory::label), status.label()),
                body: if r.resolution.is_empty() { r.text.clone() } else { format!("{}　办理结果：{}", r.text, r.resolution) },
                who: String::new(),
                files: vec![],
                verification: None,
                verify_ref: None,
            }));
        }
        let names = self.user_names(items.iter().filter_map(|(u, _)| *u)).await?;
        let mut items: Vec<TimelineItem> = items.into_iter().map(|(u, item)| TimelineItem { who: u.and_then(|u| names.get(&u).cloned()).unwrap_or_else(|| "系统".into()), ..item }).collect();
        items.sort_by(|a, b| b.on.cmp(&a.on).then(b.at.cmp(&a.at)));
        Ok((items, funds, requests))
    }

    /// What the ledger (台账) adds to a page of projects: this month's verified funds, open
    /// problems (requests not resolved) and this week's progress (follow-ups of the last 7 days).
    pub async fn ledger_facts(&self, ids: &[i64], today: NaiveDate) -> Result<HashMap<i64, LedgerFacts>> {
        let month = today.with_day(1).unwrap_or(today);
        let mut out: HashMap<i64, LedgerFacts> = ids.iter().map(|id| (*id, LedgerFacts::default())).collect();
        let funds: Vec<(i64, i64)> = funds_report::Entity::find()
            .select_only()
            .columns([funds_report::Column::ProjectId, funds_report::Column::AmountWan])
            .filter(funds_report::Column::ProjectId.is_in(ids.to_vec()))
            .filter(funds_report::Column::Month.eq(month))
            .filter(funds_report::Column::Verification.eq(Verification::Approved.code()))
            .into_tuple()
            .all(&self.db)
            .await?;
        for (id, amount) in funds {
            if let Some(f) = out.get_mut(&id) {
                f.month_funds = f.month_funds.saturating_add(amount);
            }
        }
        let problems: Vec<(Option<i64>, String)> = request::Entity::find()
            .select_only()
            .columns([request::Column::ProjectId, request::Column::Text])
            .filter(request::Column::ProjectId.is_in(ids.to_vec()))
            .filter(request::Column::Status.ne(rules::RequestStatus::Resolved.code()))
            .order_by_asc(request::Column::Deadline)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (id, text) in problems {
            if let Some(f) = id.and_then(|id| out.get_mut(&id)) {
                f.problems.push(text);
            }
        }
        let progress: Vec<(Option<i64>, NaiveDate, String)> = follow_up::Entity::find()
            .select_only()
            .columns([follow_up::Column::ProjectId, follow_up::Column::HappenedOn, follow_up::Column::Summary])
            .filter(follow_up::Column::ProjectId.is_in(ids.to_vec()))
            .filter(follow_up::Column::HappenedOn.gte(today - chrono::Duration::days(7)))
            .order_by_desc(follow_up::Column::HappenedOn)
            .into_tuple()
            .all(&self.db)
            .await?;
        for (id, on, text) in progress {
            if let Some(f) = id.and_then(|id| out.get_mut(&id)) {
                f.progress.push(format!("{}：{text}", on.format("%m-%d")));
            }
        }
        Ok(out)
    }

    /// Projects with the longest timelines (most follow-ups), for benchmarks.
    pub async fn busiest_projects(&self, n: u64) -> Result<Vec<i64>> {
        use sea_orm::sea_query::Order;
        let rows: Vec<(Option<i64>, i64)> = follow_up::Entity::find()
            .select_only()
            .column(follow_up::Column::ProjectId)
            .column_as(follow_up::Column::Id.count(), "n")
            .filter(follow_up::Column::ProjectId.is_not_null())
            .group_by(follow_up::Column::ProjectId)
            .order_by(Expr::col("n"), Order::Desc)
            .limit(n)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().filter_map(|(p, _)| p).collect())
    }
}

/// Inserts a lead inside the caller's write transaction (the form and the importer), with its
/// first stage change, duplicate flag, eligibility and health, and the audit entry.
pub(crate) async fn insert_project(txn: &impl ConnectionTrait, who: &Who, input: &ProjectInput, lead_on: NaiveDate, target_id: Option<i64>) -> Result<project::Model> {
    let ent = check_refs(txn, input).await?;
    if let Some(t) = target_id {
        let t = target::Entity::find_by_id(t).one(txn).await?.ok_or_else(|| StoreError::Invalid("所选目标企业不存在".into()))?;
        if t.enterprise_id != ent.id {
            return Err(StoreError::Invalid("目标企业与投资方不一致".into()));
        }
        let mut row = t.clone().into_active_model();
        row.status = Set(Engagement::Converted.code().into());
        row.updated_at = Set(Utc::now());
        row.version = Set(t.version + 1);
        row.update(txn).await?;
    }
    let dups = duplicates_in(txn, &ent, input.chain_id, &[input.landing_unit_id, input.source_unit_id], None).await?;
    let serial = project::Entity::find().select_only().column_as(project::Column::Id.max(), "m").into_tuple::<Option<i64>>().one(txn).await?.flatten().unwrap_or(0) + 1;
    let now = Utc::now();
    let mut row = project::ActiveModel {
        code: Set(rules::project_code(lead_on.year(), serial)),
        target_id: Set(target_id),
        stage: Set(Stage::Lead.code().into()),
        state: Set(State::Active.code().into()),
        stage_on: Set(lead_on),
        state_reason: Set(String::new()),
        lead_on: Set(Some(lead_on)),
        signed_verification: Set(Verification::NotNeeded.code().into()),
        started_verification: Set(Verification::NotNeeded.code().into()),
        operating_verification: Set(Verification::NotNeeded.code().into()),
        in_statistics_verification: Set(Verification::NotNeeded.code().into()),
        statistics_ref: Set(String::new()),
        funds_verified_wan: Set(0),
        eligible: Set(false),
        eligibility_rule: Set(String::new()),
        duplicate: Set(if dups.is_empty() { Duplicate::None } else { Duplicate::Pending }.code().into()),
        duplicate_of_id: Set(dups.first().map(|d| d.project_id)),
        duplicate_reason: Set(dups.first().map(|d| format!("与「{}」{} 的项目 {} 疑似重复：{}", d.unit_name, d.since, d.code, d.reason)).unwrap_or_default()),
        health: Set(HealthLevel::Green.code().into()),
        health_reasons: Set(String::new()),
        last_activity_on: Set(lead_on),
        created_by: Set(who.user_id),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    };
    apply(&mut row, input, &ent);
    let created = row.insert(txn).await?;
    stage_change::ActiveModel {
        project_id: Set(created.id),
        kind: Set("create".into()),
        from_stage: Set(Stage::Lead.code().into()),
        to_stage: Set(Stage::Lead.code().into()),
        from_state: Set(State::Active.code().into()),
        to_state: Set(State::Active.code().into()),
        happened_on: Set(lead_on),
        note: Set(input.note.trim().to_string()),
        reference: Set(String::new()),
        verification: Set(Verification::NotNeeded.code().into()),
        unit_id: Set(who.unit_id.unwrap_or(input.source_unit_id)),
        user_id: Set(created.created_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    let created = refresh_id(txn, created.id).await?;
    let mut event = Event::new("create", "project", created.id).change(None, Some(&created)).detail(format!("项目 {}「{}」", created.code, created.name));
    if !dups.is_empty() {
        event = event.detail(format!("项目 {}「{}」，{}", created.code, created.name, created.duplicate_reason));
    }
    audit::append(txn, who, event).await?;
    Ok(created)
}

/// A suspension, resumption or drop on the project's history (its stage stays where it is).
async fn record_state_change(conn: &impl ConnectionTrait, who: &Who, before: &project::Model, kind: &str, to: State, note: &str) -> Result<()> {
    stage_change::ActiveModel {
        project_id: Set(before.id),
        kind: Set(kind.into()),
        from_stage: Set(before.stage.clone()),
        to_stage: Set(before.stage.clone()),
        from_state: Set(before.state.clone()),
        to_state: Set(to.code().into()),
        happened_on: Set(Utc::now().date_naive()),
        note: Set(note.to_string()),
        reference: Set(String::new()),
        verification: Set(Verification::NotNeeded.code().into()),
        unit_id: Set(who.unit_id.unwrap_or(before.landing_unit_id)),
        user_id: Set(who.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

fn check_verifiable(code: &str) -> Result<()> {
    match Verification::parse(code) {
        Some(Verification::Pending | Verification::Rejected) => Ok(()),
        Some(Verification::Approved) => Err(StoreError::Invalid("这一项已核查通过".into())),
        _ => Err(StoreError::Invalid("这一项无需核查".into())),
    }
}

async fn recount_funds(conn: &impl ConnectionTrait, project_id: i64) -> Result<()> {
    let amounts: Vec<i64> = funds_report::Entity::find()
        .select_only()
        .column(funds_report::Column::AmountWan)
        .filter(funds_report::Column::ProjectId.eq(project_id))
        .filter(funds_report::Column::Verification.eq(Verification::Approved.code()))
        .into_tuple()
        .all(conn)
        .await?;
    let sum: i128 = amounts.iter().map(|a| i128::from(*a)).sum();
    let sum = i64::try_from(sum).unwrap_or(i64::MAX);
    project::Entity::update_many().col_expr(project::Column::FundsVerifiedWan, Expr::value(sum)).filter(project::Column::Id.eq(project_id)).exec(conn).await?;
    Ok(())
}

async fn write_shares(conn: &impl ConnectionTrait, project_id: i64, shares: &[(i64, i32)]) -> Result<()> {
    for (u, _) in shares {
        crate::units::active_unit(conn, *u, "分成单位").await?;
    }
    credit_share::Entity::delete_many().filter(credit_share::Column::ProjectId.eq(project_id)).exec(conn).await?;
    if !shares.is_empty() {
        credit_share::Entity::insert_many(shares.iter().map(|(u, p)| credit_share::ActiveModel { project_id: Set(project_id), unit_id: Set(*u), percent: Set(*p) })).exec(conn).await?;
    }
    Ok(())
}

async fn share_text(conn: &impl ConnectionTrait, shares: &[(i64, i32)]) -> Result<String> {
    let mut parts = Vec::new();
    for (u, p) in shares {
        let name = unit::Entity::find_by_id(*u).one(conn).await?.map(|u| u.name).unwrap_or_default();
        parts.push(format!("{name} {p}%"));
    }
    Ok(parts.join("、"))
}

async fn save_file(conn: &impl ConnectionTrait, project_id: i64, stage_change_id: Option<i64>, verification_id: Option<i64>, who: &Who, file: NewAttachment) -> Result<()> {
    use sha2::Digest;
    // A file the system adds belongs to the project's landing unit.
    let unit_id = match who.unit_id {
        Some(u) => u,
        None => project::Entity::find_by_id(project_id).one(conn).await?.map(|p| p.landing_unit_id).ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?,
    };
    project_file::ActiveModel {
        project_id: Set(project_id),
        stage_change_id: Set(stage_change_id),
        verification_id: Set(verification_id),
        unit_id: Set(unit_id),
        file_name: Set(file.file_name.chars().take(200).collect()),
        content_type: Set(file.content_type),
        size: Set(file.data.len() as i64),
        sha256: Set(hex::encode(sha2::Sha256::digest(&file.data))),
        data: Set(file.data),
        uploaded_by: Set(who.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// A field's value as the form shows it: amounts in 万元, units by name, codes by label.
fn shown_value(units: &HashMap<i64, String>, key: &str, v: Option<&serde_json::Value>) -> String {
    use serde_json::Value;
    match v {
        Some(Value::Null) | None => "（空）".into(),
        Some(Value::Number(n)) if key.ends_with("_wan") => n.as_i64().map(domain::money::format_wan).unwrap_or_default(),
        Some(Value::Number(n)) if key.ends_with("unit_id") => n.as_i64().and_then(|id| units.get(&id).cloned()).unwrap_or_default(),
        Some(Value::String(s)) if key == "stage" => Stage::parse(s).map_or_else(|| s.clone(), |x| x.label().to_string()),
        Some(Value::String(s)) if key == "state" => State::parse(s).map_or_else(|| s.clone(), |x| x.label().to_string()),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The Chinese name of a project field, for the conflict page.
fn field_label(field: &str) -> &str {
    match field {
        "name" => "项目名称",
        "codename" => "代号",
        "confidential" => "保密",
        "enterprise_id" => "投资方",
        "chain_id" => "产业链",
        "link_id" => "环节",
        "industry_code" => "行业代码",
        "kind" => "项目类型",
        "follow_on" => "后续分期",
        "total_wan" => "总投资（万元）",
        "fixed_wan" => "固定资产投资（万元）",
        "planned_jobs" => "计划用工",
        "planned_output_wan" => "计划年产值（万元）",
        "planned_tax_wan" => "计划年税收（万元）",
        "source_channel" => "来源渠道",
        "source_unit_id" => "来源单位",
        "landing_unit_id" => "落地单位",
        "owner_user_id" => "负责人",
        "contract_kind" => "签约形式",
        "contract_wan" => "合同金额（万元）",
        "stage" => "阶段",
        "state" => "状态",
        "state_reason" => "暂停/终止原因",
        "planned_start_on" => "计划开工",
        "planned_operation_on" => "计划投产",
        "funds_plan_wan" => "计划到位资金（万元）",
        "funds_plan_by" => "计划到位月份",
        "note" => "备注",
        other => other,
    }
}

/// A request of a project was raised, changed or escalated: the project moved.
pub(crate) async fn after_request(conn: &impl ConnectionTrait, project_id: i64) -> Result<()> {
    touch(conn, project_id, Utc::now().date_naive()).await?;
    refresh_id(conn, project_id).await?;
    Ok(())
}

/// A follow-up on a project was logged on `on`.
pub(crate) async fn after_follow_up(conn: &impl ConnectionTrait, project_id: i64, on: NaiveDate) -> Result<()> {
    touch(conn, project_id, on).await?;
    refresh_id(conn, project_id).await?;
    Ok(())
}
