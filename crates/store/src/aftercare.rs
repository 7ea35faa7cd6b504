//! After a project lands: its commitments and yearly results (达产达效) with the yearly evaluation,
//! signals noted on visits, and each landed company's risk level with its reasons (企业全周期服务).

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::aftercare::{self as rules, Conclusion, Evaluation, Figures, Fulfilment, Intensity, Risk, RiskFacts, RiskLevel, RiskRules, Signal};
use domain::project::{RequestStatus, Stage, State};

use crate::audit::{self, Event};
use crate::entities::{commitment, efficacy_review, enterprise, follow_up, project, request, unit, visit_signal, yearly_result};
use crate::{Result, Store, StoreError, Who, settings};

/// Setting: the risk thresholds (TOML).
pub const RISK_RULES: &str = "aftercare_risk_rules";

/// Stages at which a company has landed: its project has started.
pub const LANDED: [Stage; 3] = [Stage::Started, Stage::Operating, Stage::InStatistics];

#[derive(Debug, Clone, Default)]
pub struct CommitmentInput {
    pub figures: Figures,
    pub land_mu: Option<i64>,
    pub full_production_on: Option<NaiveDate>,
    pub note: String,
}

/// A year's results against the commitment.
#[derive(Debug, Clone, Serialize)]
pub struct YearView {
    pub result: yearly_result::Model,
    pub lines: Vec<Fulfilment>,
    pub intensity: Intensity,
    pub shortfalls: usize,
}

/// What a project promised and delivered.
#[derive(Debug, Clone, Serialize)]
pub struct Performance {
    pub commitment: Option<commitment::Model>,
    pub committed: Figures,
    pub committed_intensity: Intensity,
    /// Newest year first.
    pub years: Vec<YearView>,
    pub reviews: Vec<efficacy_review::Model>,
}

/// A landed company as a unit's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct CompanyRisk {
    pub enterprise_id: i64,
    pub name: String,
    /// Landing units of its landed projects.
    pub unit_ids: Vec<i64>,
    pub units: String,
    pub projects: Vec<(i64, String)>,
    /// Every landed project of it is confidential: outside its units and the bureau it shows by
    /// the first project's codename.
    pub confidential: bool,
    pub codename: String,
    pub last_visit: Option<NaiveDate>,
    pub risk: Risk,
}

pub fn figures_of_commitment(c: &commitment::Model) -> Figures {
    Figures { investment_wan: c.investment_wan, fixed_wan: c.fixed_wan, output_wan: c.output_wan, tax_wan: c.tax_wan, jobs: c.jobs }
}

pub fn figures_of_result(r: &yearly_result::Model) -> Figures {
    Figures { investment_wan: r.investment_wan, fixed_wan: r.fixed_wan, output_wan: r.output_wan, tax_wan: r.tax_wan, jobs: r.jobs }
}

fn check_figures(f: &Figures) -> Result<()> {
    for i in domain::aftercare::Indicator::ALL {
        if let Some(v) = f.get(*i) {
            if i.is_amount() {
                domain::money::check_amount(v, i.label()).map_err(StoreError::Invalid)?;
            } else if !(0..=1_000_000).contains(&v) {
                return Err(StoreError::Invalid(format!("「{}」应在 0–1000000 人之间", i.label())));
            }
        }
    }
    Ok(())
}

fn check_year(year: i32) -> Result<()> {
    let now = Utc::now().date_naive().year();
    if !(2000..=now).contains(&year) {
        return Err(StoreError::Invalid(format!("年度 {year} 应在 2000 年至今年（{now}）之间")));
    }
    Ok(())
}

impl Store {
    pub async fn risk_rules(&self) -> Result<RiskRules> {
        Ok(match settings::get(&self.db, RISK_RULES).await? {
            Some(text) => toml::from_str(&text).unwrap_or_default(),
            None => RiskRules::default(),
        })
    }

    pub async fn set_risk_rules(&self, who: &Who, rules: &RiskRules) -> Result<()> {
        rules.check().map_err(StoreError::Invalid)?;
        let text = toml::to_string(rules).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let txn = self.begin_write().await?;
        let before = self.risk_rules().await?;
        settings::set(&txn, RISK_RULES, &text).await?;
        audit::append(&txn, who, Event::new("update", "risk_rules", "").change(Some(&before), Some(rules))).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn commitment(&self, project_id: i64) -> Result<Option<commitment::Model>> {
        Ok(commitment::Entity::find().filter(commitment::Column::ProjectId.eq(project_id)).one(&self.db).await?)
    }

    /// Saves what the investor committed to (optimistic locking once it exists).
    pub async fn save_commitment(&self, who: &Who, project_id: i64, version: Option<i32>, input: &CommitmentInput) -> Result<commitment::Model> {
        check_figures(&input.figures)?;
        if input.land_mu.is_some_and(|m| !(0..=100_000_000).contains(&m)) {
            return Err(StoreError::Invalid("「用地面积」应在 0–1000000 亩之间".into()));
        }
        if input.note.chars().count() > 2000 {
            return Err(StoreError::Invalid("备注最长 2000 字".into()));
        }
        let f = &input.figures;
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let before = commitment::Entity::find().filter(commitment::Column::ProjectId.eq(project_id)).one(&txn).await?;
        let now = Utc::now();
        let after = match before.clone() {
            Some(b) => {
                if version.is_some_and(|v| v != b.version) {
                    return Err(StoreError::Conflict(format!("承诺指标在您打开之后已被他人更新（现在是第 {} 版），请刷新后再改", b.version)));
                }
                let mut row = b.clone().into_active_model();
                row.investment_wan = Set(f.investment_wan);
                row.fixed_wan = Set(f.fixed_wan);
                row.output_wan = Set(f.output_wan);
                row.tax_wan = Set(f.tax_wan);
                row.jobs = Set(f.jobs);
                row.land_mu = Set(input.land_mu);
                row.full_production_on = Set(input.full_production_on);
                row.note = Set(input.note.trim().to_string());
                row.updated_by = Set(who.user_id);
                row.updated_at = Set(now);
                row.version = Set(b.version + 1);
                row.update(&txn).await?
            }
            None => {
                commitment::ActiveModel {
                    project_id: Set(project_id),
                    investment_wan: Set(f.investment_wan),
                    fixed_wan: Set(f.fixed_wan),
                    output_wan: Set(f.output_wan),
                    tax_wan: Set(f.tax_wan),
                    jobs: Set(f.jobs),
                    land_mu: Set(input.land_mu),
                    full_production_on: Set(input.full_production_on),
                    note: Set(input.note.trim().to_string()),
                    updated_by: Set(who.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        audit::append(&txn, who, Event::new(if before.is_some() { "update" } else { "create" }, "commitment", after.id).change(before.as_ref(), Some(&after)).detail(format!("项目 {} 承诺指标", p.code))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Records (or corrects) a year's reported results.
    pub async fn save_yearly_result(&self, who: &Who, project_id: i64, year: i32, figures: &Figures, note: &str) -> Result<yearly_result::Model> {
        check_year(year)?;
        check_figures(figures)?;
        if *figures == Figures::default() {
            return Err(StoreError::Invalid("请至少填写一项实绩（投资、产值、税收或就业）".into()));
        }
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if !LANDED.iter().any(|s| s.code() == p.stage) {
            return Err(StoreError::Invalid("项目开工后才报送年度实绩".into()));
        }
        let before = yearly_result::Entity::find().filter(yearly_result::Column::ProjectId.eq(project_id)).filter(yearly_result::Column::Year.eq(year)).one(&txn).await?;
        let now = Utc::now();
        let after = match before.clone() {
            Some(b) => {
                let mut row = b.into_active_model();
                row.investment_wan = Set(figures.investment_wan);
                row.fixed_wan = Set(figures.fixed_wan);
                row.output_wan = Set(figures.output_wan);
                row.tax_wan = Set(figures.tax_wan);
                row.jobs = Set(figures.jobs);
                row.note = Set(note.trim().to_string());
                row.reported_by = Set(who.user_id);
                row.updated_at = Set(now);
                row.update(&txn).await?
            }
            None => {
                yearly_result::ActiveModel {
                    project_id: Set(project_id),
                    year: Set(year),
                    investment_wan: Set(figures.investment_wan),
                    fixed_wan: Set(figures.fixed_wan),
                    output_wan: Set(figures.output_wan),
                    tax_wan: Set(figures.tax_wan),
                    jobs: Set(figures.jobs),
                    note: Set(note.trim().to_string()),
                    reported_by: Set(who.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        audit::append(&txn, who, Event::new(if before.is_some() { "update" } else { "create" }, "yearly_result", after.id).change(before.as_ref(), Some(&after)).detail(format!("项目 {} {year} 年实绩", p.code))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Evaluates a year against the commitment and records it (达产评价); evaluating a year again
    /// replaces the record, and the audit log keeps the earlier one.
    pub async fn review_year(&self, who: &Who, project_id: i64, year: i32, note: &str) -> Result<(efficacy_review::Model, Evaluation)> {
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let c = commitment::Entity::find().filter(commitment::Column::ProjectId.eq(project_id)).one(&txn).await?.ok_or_else(|| StoreError::Invalid("请先填写承诺指标，再做达产评价".into()))?;
        let r = yearly_result::Entity::find()
            .filter(yearly_result::Column::ProjectId.eq(project_id))
            .filter(yearly_result::Column::Year.eq(year))
            .one(&txn)
            .await?
            .ok_or_else(|| StoreError::Invalid(format!("{year} 年尚未报送实绩，无法评价")))?;
        let evaluation = rules::evaluate(&figures_of_commitment(&c), &figures_of_result(&r)).map_err(StoreError::Invalid)?;
        let before = efficacy_review::Entity::find().filter(efficacy_review::Column::ProjectId.eq(project_id)).filter(efficacy_review::Column::Year.eq(year)).one(&txn).await?;
        if let Some(b) = &before {
            efficacy_review::Entity::delete_by_id(b.id).exec(&txn).await?;
        }
        let row = efficacy_review::ActiveModel {
            project_id: Set(project_id),
            year: Set(year),
            conclusion: Set(evaluation.conclusion.code().into()),
            detail: Set(evaluation.reasons.join("\n")),
            note: Set(note.trim().to_string()),
            reviewed_on: Set(Utc::now().date_naive()),
            reviewed_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("review", "efficacy_review", row.id).change(before.as_ref(), Some(&row)).detail(format!("项目 {} {year} 年达产评价：{}", p.code, evaluation.conclusion.label()))).await?;
        txn.commit().await?;
        Ok((row, evaluation))
    }

    /// A project's commitments, years and evaluations, worked out.
    pub async fn performance(&self, project_id: i64) -> Result<Performance> {
        let commitment = self.commitment(project_id).await?;
        let committed = commitment.as_ref().map(figures_of_commitment).unwrap_or_default();
        let land = commitment.as_ref().and_then(|c| c.land_mu);
        let results = yearly_result::Entity::find().filter(yearly_result::Column::ProjectId.eq(project_id)).order_by_desc(yearly_result::Column::Year).all(&self.db).await?;
        let years = results
            .into_iter()
            .map(|r| {
                let f = figures_of_result(&r);
                let lines = rules::fulfilment(&committed, &f);
                YearView { shortfalls: lines.iter().filter(|l| l.shortfall).count(), intensity: rules::intensity(&f, land), lines, result: r }
            })
            .collect();
        let reviews = efficacy_review::Entity::find().filter(efficacy_review::Column::ProjectId.eq(project_id)).order_by_desc(efficacy_review::Column::Year).all(&self.db).await?;
        Ok(Performance { committed_intensity: rules::intensity(&committed, land), committed, commitment, years, reviews })
    }

    /// Notes what a visit found about a company (扩产、收缩、外迁、困难…), by the user's unit.
    #[allow(clippy::too_many_arguments)]
    pub async fn add_signal(&self, who: &Who, unit_id: i64, enterprise_id: i64, follow_up_id: Option<i64>, signal: Signal, note: &str, noted_on: NaiveDate) -> Result<visit_signal::Model> {
        if noted_on > Utc::now().date_naive() {
            return Err(StoreError::Invalid("日期不能晚于今天".into()));
        }
        if note.chars().count() > 1000 {
            return Err(StoreError::Invalid("说明最长 1000 字".into()));
        }
        if signal != Signal::Stable && note.trim().is_empty() {
            return Err(StoreError::Invalid(format!("请写明「{}」的具体情况", signal.label())));
        }
        let txn = self.begin_write().await?;
        let e = enterprise::Entity::find_by_id(enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这家企业".into()))?;
        if let Some(f) = follow_up_id {
            let f = follow_up::Entity::find_by_id(f).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选走访记录不存在".into()))?;
            if f.enterprise_id != enterprise_id {
                return Err(StoreError::Invalid("走访记录与企业不一致".into()));
            }
        }
        let row = visit_signal::ActiveModel {
            enterprise_id: Set(enterprise_id),
            unit_id: Set(unit_id),
            follow_up_id: Set(follow_up_id),
            signal: Set(signal.code().into()),
            note: Set(note.trim().to_string()),
            noted_on: Set(noted_on),
            created_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "visit_signal", row.id).change(None, Some(&row)).detail(format!("「{}」{}", e.name, signal.label()))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn signals(&self, enterprise_id: i64, limit: u64) -> Result<Vec<visit_signal::Model>> {
        Ok(visit_signal::Entity::find()
            .filter(visit_signal::Column::EnterpriseId.eq(enterprise_id))
            .order_by_desc(visit_signal::Column::NotedOn)
            .order_by_desc(visit_signal::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    /// A company's landed projects (started or later, not dropped).
    pub async fn landed_projects(&self, enterprise_id: i64) -> Result<Vec<project::Model>> {
        Ok(project::Entity::find()
            .filter(project::Column::EnterpriseId.eq(enterprise_id))
            .filter(project::Column::Stage.is_in(LANDED.iter().map(|s| s.code())))
            .filter(project::Column::State.ne(State::Dropped.code()))
            .order_by_asc(project::Column::StartedOn)
            .all(&self.db)
            .await?)
    }

    /// Landed companies `visibility` may see (by their projects' landing units), each with its
    /// risk level and reasons; `unit_id` narrows to one unit. Highest risk first.
    pub async fn landed_companies(&self, visibility: Visibility, unit_id: Option<i64>, today: NaiveDate) -> Result<Vec<CompanyRisk>> {
        let mut query = project::Entity::find().filter(project::Column::Stage.is_in(LANDED.iter().map(|s| s.code()))).filter(project::Column::State.ne(State::Dropped.code()));
        query = match visibility {
            Visibility::All => query,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => query.filter(Condition::any().add(project::Column::LandingUnitId.eq(u)).add(project::Column::SourceUnitId.eq(u))),
        };
        if let Some(u) = unit_id {
            query = query.filter(project::Column::LandingUnitId.eq(u));
        }
        let projects = query.all(&self.db).await?;
        let mut by_company: BTreeMap<i64, Vec<project::Model>> = BTreeMap::new();
        for p in projects {
            by_company.entry(p.enterprise_id).or_default().push(p);
        }
        let ids: Vec<i64> = by_company.keys().copied().collect();
        self.company_risks(&ids, by_company, today).await
    }

    /// The risk of one landed company (for its page).
    pub async fn company_risk(&self, enterprise_id: i64, today: NaiveDate) -> Result<Option<CompanyRisk>> {
        let projects = self.landed_projects(enterprise_id).await?;
        if projects.is_empty() {
            return Ok(None);
        }
        let map = BTreeMap::from([(enterprise_id, projects)]);
        Ok(self.company_risks(&[enterprise_id], map, today).await?.into_iter().next())
    }

    async fn company_risks(&self, ids: &[i64], by_company: BTreeMap<i64, Vec<project::Model>>, today: NaiveDate) -> Result<Vec<CompanyRisk>> {
        let rules = self.risk_rules().await?;
        let mut out = Vec::new();
        // In slices, so the IN lists stay small at province scale.
        for chunk in ids.chunks(500) {
            let chunk = chunk.to_vec();
            let names: HashMap<i64, String> = enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(chunk.clone())).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
            let visits: HashMap<i64, NaiveDate> = follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::EnterpriseId)
                .column_as(follow_up::Column::HappenedOn.max(), "last")
                .filter(follow_up::Column::EnterpriseId.is_in(chunk.clone()))
                .group_by(follow_up::Column::EnterpriseId)
                .into_tuple::<(i64, Option<NaiveDate>)>()
                .all(&self.db)
                .await?
                .into_iter()
                .filter_map(|(e, d)| d.map(|d| (e, d)))
                .collect();
            let overdue = request::Entity::find()
                .filter(request::Column::EnterpriseId.is_in(chunk.clone()))
                .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
                .filter(request::Column::Deadline.lt(today))
                .all(&self.db)
                .await?;
            let mut signals: HashMap<i64, visit_signal::Model> = HashMap::new();
            for s in visit_signal::Entity::find().filter(visit_signal::Column::EnterpriseId.is_in(chunk.clone())).order_by_asc(visit_signal::Column::NotedOn).order_by_asc(visit_signal::Column::Id).all(&self.db).await? {
                signals.insert(s.enterprise_id, s);
            }
            let project_ids: Vec<i64> = chunk.iter().flat_map(|e| by_company.get(e).into_iter().flatten().map(|p| p.id)).collect();
            let commitments: HashMap<i64, commitment::Model> = commitment::Entity::find().filter(commitment::Column::ProjectId.is_in(project_ids.clone())).all(&self.db).await?.into_iter().map(|c| (c.project_id, c)).collect();
            let mut latest: HashMap<i64, yearly_result::Model> = HashMap::new();
            for r in yearly_result::Entity::find().filter(yearly_result::Column::ProjectId.is_in(project_ids)).order_by_asc(yearly_result::Column::Year).all(&self.db).await? {
                latest.insert(r.project_id, r);
            }
            let units = self.unit_names().await?;
            for e in &chunk {
                let Some(projects) = by_company.get(e) else { continue };
                let landed_on = projects.iter().filter_map(|p| p.started_on).min();
                // Fulfilment of the latest reported year, over every project with a commitment.
                let mut year = None;
                let mut lines = Vec::new();
                for p in projects {
                    let (Some(c), Some(r)) = (commitments.get(&p.id), latest.get(&p.id)) else { continue };
                    year = year.max(Some(r.year));
                    let many = projects.len() > 1;
                    for mut l in rules::fulfilment(&figures_of_commitment(c), &figures_of_result(r)) {
                        if many {
                            l.text = format!("（{}）{}", p.code, l.text);
                        }
                        lines.push(l);
                    }
                }
                let facts = RiskFacts {
                    landed_on,
                    last_visit: visits.get(e).copied(),
                    overdue_requests: overdue
                        .iter()
                        .filter(|r| r.enterprise_id == *e)
                        .map(|r| (r.text.chars().take(30).collect(), (today - r.deadline).num_days()))
                        .collect(),
                    fulfilment: year.map(|y| (y, lines)),
                    signal: signals.get(e).and_then(|s| Signal::parse(&s.signal).map(|k| (k, s.noted_on, s.note.clone()))),
                };
                let mut unit_ids: Vec<i64> = projects.iter().map(|p| p.landing_unit_id).collect();
                unit_ids.sort_unstable();
                unit_ids.dedup();
                out.push(CompanyRisk {
                    enterprise_id: *e,
                    name: names.get(e).cloned().unwrap_or_default(),
                    units: unit_ids.iter().filter_map(|u| units.get(u).cloned()).collect::<Vec<_>>().join("、"),
                    unit_ids,
                    projects: projects.iter().map(|p| (p.id, p.code.clone())).collect(),
                    confidential: projects.iter().all(|p| p.confidential),
                    codename: projects.iter().find(|p| p.confidential).map(|p| p.codename.clone()).unwrap_or_default(),
                    last_visit: facts.last_visit,
                    risk: rules::risk(&facts, &rules, today),
                });
            }
        }
        let order = |l: RiskLevel| match l {
            RiskLevel::High => 0,
            RiskLevel::Medium => 1,
            RiskLevel::Low => 2,
        };
        out.sort_by(|a, b| order(a.risk.level).cmp(&order(b.risk.level)).then_with(|| a.name.cmp(&b.name)));
        Ok(out)
    }

    /// Every request of a company (on its projects or on itself), open ones first: (request,
    /// owner unit, days overdue).
    pub async fn company_requests(&self, enterprise_id: i64, today: NaiveDate) -> Result<Vec<(request::Model, String, Option<i64>)>> {
        let rows = request::Entity::find().filter(request::Column::EnterpriseId.eq(enterprise_id)).order_by_asc(request::Column::Deadline).all(&self.db).await?;
        let units = self.unit_names().await?;
        let mut out: Vec<(request::Model, String, Option<i64>)> = rows
            .into_iter()
            .map(|r| {
                let overdue = domain::project::days_overdue(RequestStatus::parse(&r.status).unwrap_or(RequestStatus::Open), r.deadline, today);
                (units.get(&r.owner_unit_id).cloned().unwrap_or_default(), overdue, r)
            })
            .map(|(u, o, r)| (r, u, o))
            .collect();
        out.sort_by_key(|(r, _, _)| r.status == RequestStatus::Resolved.code());
        Ok(out)
    }

    /// The latest evaluation of each project up to `year`: (year, conclusion).
    pub async fn latest_reviews(&self, project_ids: &[i64], up_to_year: i32) -> Result<HashMap<i64, (i32, Conclusion)>> {
        let mut out = HashMap::new();
        for chunk in project_ids.chunks(500) {
            let rows = efficacy_review::Entity::find()
                .filter(efficacy_review::Column::ProjectId.is_in(chunk.to_vec()))
                .filter(efficacy_review::Column::Year.lte(up_to_year))
                .order_by_asc(efficacy_review::Column::Year)
                .all(&self.db)
                .await?;
            for r in rows {
                if let Some(c) = Conclusion::parse(&r.conclusion) {
                    out.insert(r.project_id, (r.year, c));
                }
            }
        }
        Ok(out)
    }
}

impl Store {
    /// The demo data's approvals, commitments, results, evaluations, visit signals and policy
    /// deliveries, so the pages are not empty: checklists for signed projects (some items done,
    /// some overdue with a request), commitments and last year's results for landed ones with
    /// every kind of fulfilment, a few companies weighing a move or an expansion, and policy
    /// packages paid where their conditions are met. Deterministic; bounded at province scale.
    pub async fn seed_aftercare(&self, who: &Who, today: NaiveDate) -> Result<()> {
        use domain::aftercare::Indicator;
        use domain::approvals::{ApprovalStatus, FilingKind, ProjectCode};
        use domain::project::Review;

        let units = unit::Entity::find().all(&self.db).await?;
        let departments: Vec<&unit::Model> = units.iter().filter(|u| u.kind == "department" && u.active).collect();
        let bureau_region = units.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.clone()).unwrap_or_default();
        let signed = project::Entity::find()
            .filter(project::Column::Stage.eq(Stage::Signed.code()))
            .filter(project::Column::State.ne(State::Dropped.code()))
            .order_by_asc(project::Column::Id)
            .limit(30)
            .all(&self.db)
            .await?;
        for (n, p) in signed.iter().enumerate() {
            let Some(signed_on) = p.signed_on else { continue };
            self.create_checklist(who, p.id).await?;
            let region = units.iter().find(|u| u.id == p.landing_unit_id).map(|u| u.region_code.clone()).filter(|r| domain::region::lookup(r).is_ok()).unwrap_or_else(|| bureau_region.clone());
            let code = format!("{}-{region}-03-01-{:06}", signed_on.format("%y%m"), 100 + p.id);
            if let Ok(code) = ProjectCode::parse(&code, today) {
                let authority = format!("{}发展和改革局", units.iter().find(|u| u.id == p.landing_unit_id).map_or("汉中市", |u| u.name.as_str()));
                let input = crate::approvals::FilingInput { national_code: Some(code), filing_kind: Some(FilingKind::Record), authority, approved_on: Some(signed_on.min(today)) };
                self.save_filing(who, p.id, None, &input).await?;
            }
            let items = self.approval_items(p.id).await?;
            for (k, row) in items.iter().enumerate() {
                let owner = (!departments.is_empty()).then(|| departments[(n + k) % departments.len()].id);
                let done_on = (signed_on + chrono::Duration::days(20 + 15 * k as i64)).min(today);
                // The first items done, one applying item stuck (overdue on every third project),
                // safety and soil-and-water not needed on small projects.
                // Every fourth project has all its approvals through.
                let complete = n % 4 == 1;
                let (status, due_on, done, document) = match k {
                    5 | 6 if complete && p.total_wan < 1_000_000 => (ApprovalStatus::NotApplicable, None, None, String::new()),
                    _ if complete || k < 2 + n % 3 => (ApprovalStatus::Done, None, Some(done_on), format!("汉审批〔{}〕{}号", done_on.year(), 10 + k + n)),
                    _ if k == 2 + n % 3 => {
                        let due = if n % 3 == 0 { today - chrono::Duration::days(12 + n as i64) } else { today + chrono::Duration::days(20) };
                        (ApprovalStatus::InProgress, Some(due), None, String::new())
                    }
                    5 | 6 if p.total_wan < 1_000_000 => (ApprovalStatus::NotApplicable, None, None, String::new()),
                    _ => (ApprovalStatus::NotStarted, None, None, String::new()),
                };
                let input = crate::approvals::ApprovalInput { status, started_on: None, due_on, done_on: done, owner_unit_id: owner, document, note: String::new() };
                let updated = self.update_approval_item(who, row.item.id, row.item.version, &input).await?;
                if status == ApprovalStatus::InProgress && n % 3 == 0 && !complete && owner.is_some() {
                    self.raise_approval_request(who, p.landing_unit_id, updated.id, "审批部门要求补充材料，企业已补报两周仍未受理，请协调加快办理", owner, today + chrono::Duration::days(7)).await?;
                }
            }
        }

        let landed = project::Entity::find()
            .filter(project::Column::Stage.is_in(LANDED.iter().map(|s| s.code())))
            .filter(project::Column::State.ne(State::Dropped.code()))
            .order_by_asc(project::Column::Id)
            .limit(40)
            .all(&self.db)
            .await?;
        let last_year = today.year() - 1;
        for (n, p) in landed.iter().enumerate() {
            let total = p.total_wan.max(100_000);
            let fixed = if p.fixed_wan > 0 { p.fixed_wan } else { total * 8 / 10 };
            let committed = Figures {
                investment_wan: Some(total),
                fixed_wan: Some(fixed),
                output_wan: Some(p.planned_output_wan.filter(|v| *v > 0).unwrap_or(total * 3 / 2)),
                tax_wan: Some(p.planned_tax_wan.filter(|v| *v > 0).unwrap_or(total / 25)),
                jobs: Some(i64::from(p.planned_jobs.unwrap_or(0)).max(total / 100_000 * 3 + 20)),
            };
            // About 300 万元 of fixed investment per 亩.
            let land_mu = (fixed / 300).max(500);
            let due = p.operating_on.and_then(|o| o.checked_add_months(chrono::Months::new(12)));
            self.save_commitment(who, p.id, None, &CommitmentInput { figures: committed, land_mu: Some(land_mu), full_production_on: due, note: "依据投资合同约定".into() }).await?;
            let producing = p.operating_on.is_some_and(|o| o.year() <= last_year);
            if !producing {
                continue;
            }
            // Fulfilment spread over the cases the bureau meets: ahead, on target, a little, well and far behind.
            let percent = [130, 100, 85, 60, 30][n % 5];
            let scale = |v: Option<i64>| v.map(|v| v * percent / 100);
            let results = Figures { investment_wan: committed.investment_wan, fixed_wan: committed.fixed_wan, output_wan: scale(committed.output_wan), tax_wan: scale(committed.tax_wan), jobs: committed.jobs.map(|j| j * percent.min(110) / 100) };
            self.save_yearly_result(who, p.id, last_year, &results, "企业报送，经税务、统计部门核对").await?;
            self.review_year(who, p.id, last_year, "").await?;
            let signal = match n % 7 {
                3 => Some((Signal::Relocating, "外省园区给出土地和电价优惠，企业在比较")),
                5 => Some((Signal::Difficulty, "订单下滑，资金周转紧张")),
                0 => Some((Signal::Expanding, "计划建设二期，需新增用地 50 亩")),
                _ => None,
            };
            if let Some((s, note)) = signal {
                // Noted on a visit by an officer of the landing unit.
                let on = today - chrono::Duration::days(10 + n as i64);
                let visitor = crate::entities::user::Entity::find().filter(crate::entities::user::Column::UnitId.eq(p.landing_unit_id)).filter(crate::entities::user::Column::Active.eq(true)).order_by_asc(crate::entities::user::Column::Id).one(&self.db).await?;
                let visit = match visitor {
                    Some(u) => {
                        let new = crate::follow_ups::NewFollowUp {
                            enterprise_id: p.enterprise_id,
                            target_id: None,
                            project_id: Some(p.id),
                            happened_on: on,
                            kind: domain::target::FollowUpKind::Visit,
                            place: String::new(),
                            latitude_e6: None,
                            longitude_e6: None,
                            participants: String::new(),
                            summary: format!("走访企业，了解生产经营情况：{note}"),
                            next_step: String::new(),
                            next_due: None,
                            client_key: format!("demo-aftercare-{}", p.id),
                        };
                        Some(self.create_follow_up(who, u.id, p.landing_unit_id, &new, vec![]).await?.0.id)
                    }
                    None => None,
                };
                self.add_signal(who, p.landing_unit_id, p.enterprise_id, visit, s, note, on).await?;
            }
            if n % 3 == 0 {
                let subsidy = self.add_policy_item(who, p.id, "固定资产投资补助", "按设备投资额的 5% 分两年补助", fixed / 20).await?;
                self.review_policy_item(who, subsidy.id, Review::Passed, "").await?;
                self.add_policy_condition(who, subsidy.id, Indicator::Fixed, fixed * 8 / 10).await?;
                self.record_policy_payment(who, subsidy.id, today - chrono::Duration::days(40), fixed / 40, &format!("汉财企〔{}〕{}号", today.year(), 20 + n), "第一期").await?;
                let reward = self.add_policy_item(who, p.id, "税收贡献奖励", "达产后三年按地方留成部分的 50% 奖励", committed.tax_wan.unwrap_or(0) / 2 + 100).await?;
                self.review_policy_item(who, reward.id, Review::Passed, "").await?;
                self.add_policy_condition(who, reward.id, Indicator::Tax, committed.tax_wan.unwrap_or(100)).await?;
                if percent >= 100 {
                    self.record_policy_payment(who, reward.id, today - chrono::Duration::days(15), committed.tax_wan.unwrap_or(0) / 4 + 1, &format!("汉财企〔{}〕{}号", today.year(), 60 + n), "").await?;
                }
            }
        }
        Ok(())
    }
}
