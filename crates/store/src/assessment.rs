//! Targets, schemes and monthly runs: gathers from the records what each unit achieved as of a
//! cut-off (verified, eligible, credit-shared only), hands it to `domain::assessment` to score, and
//! freezes published runs. A correction is a new version; a published run is never edited.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::assessment::{self as rules, Group, Item, Metric, QuarterScore, Scheme, UnitFacts, UnitScore};
use domain::project::{ContractKind, Duplicate, FundsOrigin, RequestStatus, State, Verification};
use domain::target::Tag;
use domain::UnitKind;

use crate::audit::{self, Event};
use crate::entities::{assessment_run, assessment_scheme, credit_share, event, funds_report, project, quota, request, unit, verification};
use crate::{Result, Store, StoreError, Who};

/// The most records listed behind one indicator of one unit in a frozen run; the score always
/// uses all of them.
pub const MAX_ITEMS_KEPT: usize = 200;

/// 1 亿元 in hundredths of 万元.
const YI: i64 = 1_000_000;

/// A month's assessment as computed now (preview) or as frozen (published).
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub scheme: Scheme,
    pub year: i32,
    pub month: u32,
    pub cutoff: NaiveDate,
    pub scores: Vec<UnitScore>,
    /// The frozen run, when this is one.
    pub run: Option<assessment_run::Model>,
}

/// One unit's progress on one quota against the time schedule (时序进度).
#[derive(Debug, Clone, Serialize)]
pub struct Progress {
    pub unit_id: i64,
    pub unit_name: String,
    pub metric: Metric,
    pub annual: i64,
    pub scheduled: i64,
    pub actual: i64,
    /// actual / scheduled in hundredths of a percent; `None` when nothing is scheduled yet.
    pub percent: Option<i64>,
}

impl Progress {
    pub fn behind(&self) -> bool {
        self.actual < self.scheduled
    }
}

/// The last day counted by a month's run: the month's end, or today while the month runs.
pub fn cutoff(year: i32, month: u32, today: NaiveDate) -> Result<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(|| StoreError::Invalid(format!("无效的月份：{year} 年 {month} 月")))?;
    if first > today {
        return Err(StoreError::Invalid(format!("{year} 年 {month} 月尚未开始，不能考核")));
    }
    let next = if month == 12 { NaiveDate::from_ymd_opt(year + 1, 1, 1) } else { NaiveDate::from_ymd_opt(year, month + 1, 1) };
    let end = next.and_then(|d| d.pred_opt()).unwrap_or(first);
    Ok(end.min(today))
}

fn parse_schedule(text: &str) -> [i64; 12] {
    let values: Vec<i64> = text.split(',').filter_map(|v| v.trim().parse().ok()).collect();
    values.try_into().unwrap_or_else(|_| rules::even_schedule())
}

fn unit_kind(group: Group) -> UnitKind {
    match group {
        Group::Counties => UnitKind::County,
        Group::Parks => UnitKind::Park,
        Group::Offices => UnitKind::Office,
    }
}

fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!("年份 {year} 不在 2000–2100 之间")))
    }
}

impl Store {
    // ---- quotas -------------------------------------------------------------------------

    pub async fn quotas(&self, year: i32) -> Result<Vec<quota::Model>> {
        Ok(quota::Entity::find().filter(quota::Column::Year.eq(year)).order_by_asc(quota::Column::UnitId).order_by_asc(quota::Column::Metric).all(&self.db).await?)
    }

    /// Sets (or, with `annual` = `None`, removes) a unit's target for a year.
    pub async fn set_quota(&self, who: &Who, unit_id: i64, year: i32, metric: Metric, annual: Option<i64>, schedule: &[i64; 12]) -> Result<()> {
        check_year(year)?;
        rules::check_schedule(schedule).map_err(StoreError::Invalid)?;
        if let Some(a) = annual {
            domain::money::check_amount(a, metric.label()).map_err(StoreError::Invalid)?;
        }
        let txn = self.begin_write().await?;
        let u = unit::Entity::find_by_id(unit_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个单位".into()))?;
        let existing = quota::Entity::find()
            .filter(quota::Column::Year.eq(year))
            .filter(quota::Column::UnitId.eq(unit_id))
            .filter(quota::Column::Metric.eq(metric.code()))
            .one(&txn)
            .await?;
        let schedule_text = schedule.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let detail = format!("{} {year} 年「{}」", u.name, metric.label());
        match (existing, annual) {
            (None, None) => {}
            (Some(q), None) => {
                quota::Entity::delete_by_id(q.id).exec(&txn).await?;
                audit::append(&txn, who, Event::new("delete", "quota", q.id).change(Some(&q), None).detail(detail)).await?;
            }
            (Some(q), Some(a)) => {
                if q.annual != a || q.schedule != schedule_text {
                    let mut row = q.clone().into_active_model();
                    row.annual = Set(a);
                    row.schedule = Set(schedule_text);
                    row.updated_by = Set(who.user_id);
                    row.updated_at = Set(Utc::now());
                    let after = row.update(&txn).await?;
                    audit::append(&txn, who, Event::new("update", "quota", q.id).change(Some(&q), Some(&after)).detail(detail)).await?;
                }
            }
            (None, Some(a)) => {
                let row = quota::ActiveModel {
                    unit_id: Set(unit_id),
                    year: Set(year),
                    metric: Set(metric.code().into()),
                    annual: Set(a),
                    schedule: Set(schedule_text),
                    updated_by: Set(who.user_id),
                    updated_at: Set(Utc::now()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::append(&txn, who, Event::new("create", "quota", row.id).change(None, Some(&row)).detail(detail)).await?;
            }
        }
        txn.commit().await?;
        Ok(())
    }

    // ---- schemes ------------------------------------------------------------------------

    pub async fn schemes(&self, year: Option<i32>) -> Result<Vec<assessment_scheme::Model>> {
        let mut q = assessment_scheme::Entity::find().order_by_desc(assessment_scheme::Column::Year).order_by_asc(assessment_scheme::Column::Id);
        if let Some(y) = year {
            q = q.filter(assessment_scheme::Column::Year.eq(y));
        }
        Ok(q.all(&self.db).await?)
    }

    pub async fn scheme(&self, id: i64) -> Result<(assessment_scheme::Model, Scheme)> {
        let row = assessment_scheme::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个考核方案".into()))?;
        let scheme = parse_scheme(&row.body)?;
        Ok((row, scheme))
    }

    /// Creates a scheme (`id` = `None`) or replaces one's rules; `version` guards against
    /// overwriting a colleague's edit. Published runs keep the scheme as it was.
    pub async fn save_scheme(&self, who: &Who, id: Option<i64>, year: i32, body: &str, version: Option<i32>) -> Result<assessment_scheme::Model> {
        check_year(year)?;
        let scheme = parse_scheme(body)?;
        let canonical = toml::to_string(&scheme).map_err(|e| StoreError::Invalid(format!("方案无法保存：{e}")))?;
        let txn = self.begin_write().await?;
        let row = match id {
            None => {
                let row = assessment_scheme::ActiveModel {
                    year: Set(year),
                    name: Set(scheme.name.clone()),
                    group_code: Set(scheme.group.code().into()),
                    body: Set(canonical),
                    active: Set(true),
                    created_at: Set(Utc::now()),
                    updated_at: Set(Utc::now()),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::append(&txn, who, Event::new("create", "assessment_scheme", row.id).detail(format!("{year} 年考核方案「{}」", row.name))).await?;
                row
            }
            Some(id) => {
                let before = assessment_scheme::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个考核方案".into()))?;
                if version.is_some_and(|v| v != before.version) {
                    return Err(StoreError::Conflict("方案已被他人修改，请刷新后再改".into()));
                }
                let mut row = before.clone().into_active_model();
                row.year = Set(year);
                row.name = Set(scheme.name.clone());
                row.group_code = Set(scheme.group.code().into());
                row.body = Set(canonical);
                row.updated_at = Set(Utc::now());
                row.version = Set(before.version + 1);
                let after = row.update(&txn).await?;
                audit::append(&txn, who, Event::new("update", "assessment_scheme", id).change(Some(&before), Some(&after))).await?;
                after
            }
        };
        txn.commit().await?;
        Ok(row)
    }

    /// The demo data's schemes and targets for `year`: one ratio-based for the counties, one
    /// ranking-based for the offices, and quotas for every county and office.
    pub async fn seed_assessment(&self, who: &Who, year: i32) -> Result<()> {
        for scheme in [rules::demo_county_scheme(), rules::demo_office_scheme()] {
            let body = toml::to_string(&scheme).map_err(|e| StoreError::Invalid(e.to_string()))?;
            self.save_scheme(who, None, year, &body, None).await?;
        }
        let schedule = [8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100];
        for u in self.units().await? {
            let targets: &[(Metric, i64)] = match u.kind.as_str() {
                "county" => &[(Metric::ProvinceOutsideBigProjects, 6_00), (Metric::FundsInPlace, 50_000_00), (Metric::StartedCount, 8_00), (Metric::SignedCount, 10_00)],
                "office" => &[(Metric::SignedCount, 4_00), (Metric::SignedAmount, 100_000_00), (Metric::TargetsContacted, 40_00)],
                "park" => &[(Metric::SignedCount, 6_00), (Metric::StartedCount, 4_00)],
                _ => &[],
            };
            for (metric, annual) in targets {
                self.set_quota(who, u.id, year, *metric, Some(*annual), &schedule).await?;
            }
        }
        Ok(())
    }

    // ---- facts and runs -----------------------------------------------------------------

    /// Active units assessed by a group's scheme.
    pub async fn group_units(&self, group: Group) -> Result<Vec<unit::Model>> {
        Ok(unit::Entity::find()
            .filter(unit::Column::Kind.eq(unit_kind(group).code()))
            .filter(unit::Column::Active.eq(true))
            .order_by_asc(unit::Column::Code)
            .all(&self.db)
            .await?)
    }

    /// What each unit achieved from 1 January to `cutoff`, per metric, with the records behind it.
    /// Only stages and funds the bureau verified, of eligible projects that are not suspected or
    /// merged duplicates, count; a project with credit shares counts for each unit by its share.
    pub async fn unit_facts(&self, units: &[unit::Model], year: i32, cutoff: NaiveDate) -> Result<Vec<UnitFacts>> {
        let start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(|| StoreError::Invalid("无效的年份".into()))?;
        let month = cutoff.month();
        let province: String = self.units().await?.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.chars().take(2).collect()).unwrap_or_default();
        let mut facts: BTreeMap<i64, UnitFacts> = units
            .iter()
            .map(|u| (u.id, UnitFacts { unit_id: u.id, unit_name: u.name.clone(), items: BTreeMap::new(), targets: BTreeMap::new(), denominators: BTreeMap::new() }))
            .collect();
        let ids: Vec<i64> = units.iter().map(|u| u.id).collect();

        // Targets scheduled as of the cut-off month.
        for q in quota::Entity::find().filter(quota::Column::Year.eq(year)).filter(quota::Column::UnitId.is_in(ids.clone())).all(&self.db).await? {
            if let (Some(f), Some(metric)) = (facts.get_mut(&q.unit_id), Metric::parse(&q.metric)) {
                f.targets.insert(metric, rules::scheduled_target(q.annual, &parse_schedule(&q.schedule), month));
            }
        }

        // Credit shares: a project with shares counts for each unit by its percent.
        let mut shares: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for s in credit_share::Entity::find().all(&self.db).await? {
            shares.entry(s.project_id).or_default().push((s.unit_id, i64::from(s.percent)));
        }
        let weights = |id: i64, landing: i64| -> Vec<(i64, i64)> { shares.get(&id).cloned().unwrap_or_else(|| vec![(landing, 100)]) };
        let add = |facts: &mut BTreeMap<i64, UnitFacts>, w: &[(i64, i64)], metric: Metric, id: i64, label: &str, value: i64| {
            for (unit_id, pct) in w {
                if let Some(f) = facts.get_mut(unit_id) {
                    f.items.entry(metric).or_default().push(Item { id, label: label.to_string(), value, share_percent: *pct });
                }
            }
        };

        let rows = project::Entity::find().filter(project::Column::SignedOn.lte(cutoff)).all(&self.db).await?;
        let mut counted: HashMap<i64, (String, Vec<(i64, i64)>)> = HashMap::new();
        let mut labels: HashMap<i64, (String, Vec<(i64, i64)>)> = HashMap::new();
        for p in rows {
            let (id, landing, eligible, total) = (p.id, p.landing_unit_id, p.eligible, p.total_wan);
            let label = format!("{} {}", p.code, crate::projects::public_name(&p));
            let w = weights(id, landing);
            labels.insert(id, (label.clone(), w.clone()));
            let state = State::parse(&p.state).unwrap_or(State::Active);
            let duplicate = Duplicate::parse(&p.duplicate).unwrap_or(Duplicate::None);
            let counts = |v: &str| domain::project::counts(Verification::parse(v).unwrap_or(Verification::Pending), eligible, duplicate, state).is_ok();
            if !counts(Verification::NotNeeded.code()) {
                continue;
            }
            counted.insert(id, (label.clone(), w.clone()));
            let Some(signed) = p.signed_on else { continue };
            if signed >= start && counts(&p.signed_verification) {
                let l = format!("{label}（签约 {signed}）");
                add(&mut facts, &w, Metric::SignedCount, id, &l, 100);
                add(&mut facts, &w, Metric::SignedAmount, id, &l, total);
                if ContractKind::parse(&p.contract_kind) == Some(ContractKind::Contract) {
                    add(&mut facts, &w, Metric::ContractAmount, id, &l, total);
                }
                if total >= YI {
                    add(&mut facts, &w, Metric::BigProjects, id, &l, 100);
                    if !p.region_code.is_empty() && !province.is_empty() && !p.region_code.starts_with(&province) {
                        add(&mut facts, &w, Metric::ProvinceOutsideBigProjects, id, &l, 100);
                    }
                }
                let tags: Vec<&str> = p.tags.split(',').collect();
                if [Tag::Global500, Tag::China500, Tag::Private500].iter().any(|t| tags.contains(&t.code())) {
                    add(&mut facts, &w, Metric::Fortune500Investors, id, &l, 100);
                }
            }
            match p.started_on {
                Some(started) if started <= cutoff => {
                    if started >= start && counts(&p.started_verification) {
                        add(&mut facts, &w, Metric::StartedCount, id, &format!("{label}（开工 {started}）"), 100);
                    }
                }
                _ => {
                    if let Some(planned) = p.planned_start_on.filter(|d| *d < cutoff && state == State::Active) {
                        add(&mut facts, &w, Metric::OverdueStarts, id, &format!("{label}（计划 {planned} 开工，截至 {cutoff} 未开工）"), 100);
                    }
                }
            }
        }

        // Funds in place, verified, of counted projects.
        let funds = funds_report::Entity::find()
            .filter(funds_report::Column::Month.gte(start))
            .filter(funds_report::Column::Month.lte(cutoff))
            .filter(funds_report::Column::Verification.eq(Verification::Approved.code()))
            .all(&self.db)
            .await?;
        for f in funds {
            let Some((label, w)) = counted.get(&f.project_id) else { continue };
            let origin = FundsOrigin::parse(&f.origin);
            let l = format!("{label}（{} {}）", f.month.format("%Y-%m"), origin.map_or("", |o| o.label()));
            add(&mut facts, w, Metric::FundsInPlace, f.project_id, &l, f.amount_wan);
            if origin == Some(FundsOrigin::OutOfProvince) {
                add(&mut facts, w, Metric::FundsOutsideProvince, f.project_id, &l, f.amount_wan);
            }
        }

        // Site checks that found a claimed stage untrue, in the period.
        let end = cutoff.succ_opt().unwrap_or(cutoff).and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        let begin = start.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
        if let (Some(begin), Some(end)) = (begin, end) {
            let rejected = verification::Entity::find()
                .filter(verification::Column::Result.eq(Verification::Rejected.code()))
                .filter(verification::Column::StageChangeId.is_not_null())
                .filter(verification::Column::CreatedAt.gte(begin))
                .filter(verification::Column::CreatedAt.lt(end))
                .all(&self.db)
                .await?;
            for v in rejected {
                let (label, w) = match labels.get(&v.project_id) {
                    Some(x) => x.clone(),
                    None => {
                        let Some(p) = project::Entity::find_by_id(v.project_id).one(&self.db).await? else { continue };
                        (format!("{} {}", p.code, crate::projects::public_name(&p)), weights(p.id, p.landing_unit_id))
                    }
                };
                let l = format!("{label}（{} 核查不通过：{}）", v.created_at.date_naive(), v.note);
                add(&mut facts, &w, Metric::FakeProjects, v.project_id, &l, 100);
            }
        }

        // Requests closed by their deadline, by the unit that owned them.
        let closed: Vec<(i64, i64, String, NaiveDate, Option<NaiveDate>)> = request::Entity::find()
            .select_only()
            .columns([request::Column::Id, request::Column::OwnerUnitId, request::Column::Category, request::Column::Deadline, request::Column::ResolvedOn])
            .filter(request::Column::Status.eq(RequestStatus::Resolved.code()))
            .filter(request::Column::ResolvedOn.gte(start))
            .filter(request::Column::ResolvedOn.lte(cutoff))
            .filter(request::Column::OwnerUnitId.is_in(ids.clone()))
            .into_tuple()
            .all(&self.db)
            .await?;
        for (id, owner, category, deadline, resolved) in closed {
            if resolved.is_some_and(|r| r <= deadline) {
                let cat = domain::project::RequestCategory::parse(&category).map_or("其他", |c| c.label());
                let l = format!("诉求 #{id}（{cat}，期限 {deadline}，{} 办结）", resolved.unwrap_or(deadline));
                add(&mut facts, &[(owner, 100)], Metric::RequestsClosedOnTime, id, &l, 100);
            }
        }

        // Weeks the bureau froze in which a unit's notes on key projects came late or never.
        for (unit_id, week, n) in self.late_reports(start, cutoff).await? {
            add(&mut facts, &[(unit_id, 100)], Metric::LateReports, 0, &format!("{week} 周调度：{n} 个重点项目逾期或未报送进展"), 100);
        }

        // Follow-ups and targets contacted: they run to millions, so counted from the kept counts.
        let period = format!("{start} 至 {cutoff}");
        let contacts = self.contact_counts(&ids, start, cutoff).await?;
        for (unit_id, n) in contacts.follow_ups {
            add(&mut facts, &[(unit_id, 100)], Metric::FollowUps, 0, &format!("{period} 跟进记录 {n} 条"), n * 100);
        }
        for (unit_id, n) in contacts.targets {
            add(&mut facts, &[(unit_id, 100)], Metric::TargetsContacted, 0, &format!("{period} 对接目标企业 {n} 家"), n * 100);
        }
        // Promotion events the unit organised and held in the period, one record each.
        let held = event::Entity::find()
            .filter(event::Column::Status.eq(domain::event::EventStatus::Held.code()))
            .filter(event::Column::StartOn.gte(start))
            .filter(event::Column::StartOn.lte(cutoff))
            .filter(event::Column::OrganizerUnitId.is_in(ids.clone()))
            .order_by_asc(event::Column::StartOn)
            .all(&self.db)
            .await?;
        for e in held {
            let kind = domain::event::EventKind::parse(&e.kind).map_or("活动", |k| k.label());
            add(&mut facts, &[(e.organizer_unit_id, 100)], Metric::Events, e.id, &format!("{}（{kind}，{} {}）", e.name, e.start_on, e.city), 100);
        }
        // The five rates (五率): numerator and denominator records of each unit.
        self.add_five_rates(&mut facts, start, cutoff).await?;
        Ok(facts.into_values().collect())
    }

    /// Scores a scheme's units for a month as the records stand now.
    pub async fn preview_run(&self, scheme_id: i64, year: i32, month: u32) -> Result<RunView> {
        let (_, scheme) = self.scheme(scheme_id).await?;
        let cutoff = cutoff(year, month, Utc::now().date_naive())?;
        let units = self.group_units(scheme.group).await?;
        let facts = self.unit_facts(&units, year, cutoff).await?;
        let scores = rules::score(&scheme, &facts);
        Ok(RunView { scheme, year, month, cutoff, scores, run: None })
    }

    /// Freezes a month's scores. Publishing again is a correction: it needs a reason, becomes the
    /// next version, and the earlier one stays, marked superseded.
    pub async fn publish_run(&self, who: &Who, scheme_id: i64, year: i32, month: u32, correction: &str) -> Result<assessment_run::Model> {
        let view = self.preview_run(scheme_id, year, month).await?;
        let mut scores = view.scores;
        for s in &mut scores {
            for i in &mut s.indicators {
                i.items.truncate(MAX_ITEMS_KEPT);
            }
        }
        let results = serde_json::to_string(&scores).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let body = toml::to_string(&view.scheme).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let month_i = i32::try_from(month).unwrap_or(1);
        let txn = self.begin_write().await?;
        let earlier = assessment_run::Entity::find()
            .filter(assessment_run::Column::SchemeId.eq(scheme_id))
            .filter(assessment_run::Column::Year.eq(year))
            .filter(assessment_run::Column::Month.eq(month_i))
            .order_by_desc(assessment_run::Column::Version)
            .all(&txn)
            .await?;
        if !earlier.is_empty() && correction.trim().is_empty() {
            return Err(StoreError::Invalid(format!("{year} 年 {month} 月已发布；重新发布即更正，须写明更正原因")));
        }
        let version = earlier.first().map_or(1, |r| r.version + 1);
        for r in earlier.iter().filter(|r| r.status == "published") {
            let mut row = r.clone().into_active_model();
            row.status = Set("superseded".into());
            row.update(&txn).await?;
        }
        let run = assessment_run::ActiveModel {
            scheme_id: Set(scheme_id),
            year: Set(year),
            month: Set(month_i),
            cutoff: Set(view.cutoff),
            version: Set(version),
            status: Set("published".into()),
            scheme_body: Set(body),
            results: Set(results),
            correction: Set(if version > 1 { correction.trim().to_string() } else { String::new() }),
            published_by: Set(who.user_id),
            published_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let what = if version == 1 { "发布".to_string() } else { format!("更正发布（第 {version} 版）：{}", correction.trim()) };
        audit::append(&txn, who, Event::new("publish", "assessment_run", run.id).detail(format!("{}「{}」{year} 年 {month} 月考核结果，截至 {}", what, view.scheme.name, view.cutoff))).await?;
        txn.commit().await?;
        Ok(run)
    }

    /// Published runs, newest first; `scheme_id` narrows to one scheme.
    pub async fn runs(&self, scheme_id: Option<i64>) -> Result<Vec<assessment_run::Model>> {
        let mut q = light_runs().order_by_desc(assessment_run::Column::Year).order_by_desc(assessment_run::Column::Month).order_by_desc(assessment_run::Column::Version);
        if let Some(s) = scheme_id {
            q = q.filter(assessment_run::Column::SchemeId.eq(s));
        }
        Ok(q.into_model::<assessment_run::Model>().all(&self.db).await?)
    }

    /// A frozen run with its scores, exactly as published.
    pub async fn run(&self, id: i64) -> Result<RunView> {
        let run = light_runs().filter(assessment_run::Column::Id.eq(id)).into_model::<assessment_run::Model>().one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这次考核结果".into()))?;
        self.frozen(run).await
    }

    /// The run in force for a scheme and month: the latest published version.
    pub async fn published_run(&self, scheme_id: i64, year: i32, month: u32) -> Result<Option<RunView>> {
        let run = light_runs()
            .filter(assessment_run::Column::SchemeId.eq(scheme_id))
            .filter(assessment_run::Column::Year.eq(year))
            .filter(assessment_run::Column::Month.eq(i32::try_from(month).unwrap_or(0)))
            .filter(assessment_run::Column::Status.eq("published"))
            .into_model::<assessment_run::Model>()
            .one(&self.db)
            .await?;
        match run {
            Some(r) => Ok(Some(self.frozen(r).await?)),
            None => Ok(None),
        }
    }

    /// Each published month of the year for one unit: (month, total, rank, units ranked).
    pub async fn unit_history(&self, scheme_id: i64, year: i32, unit_id: i64) -> Result<Vec<(u32, i64, u32, usize)>> {
        let mut runs: Vec<assessment_run::Model> = self.runs(Some(scheme_id)).await?.into_iter().filter(|r| r.year == year && r.status == "published").collect();
        runs.sort_by_key(|r| r.month);
        let mut out = Vec::new();
        for r in runs {
            let (_, scores) = self.scores_of(&r).await?;
            if let Some(s) = scores.iter().find(|s| s.unit_id == unit_id) {
                out.push((u32::try_from(r.month).unwrap_or(1), s.total, s.rank, scores.len()));
            }
        }
        Ok(out)
    }

    /// A quarter from its published months (sum or mean as the scheme says), ranked, with reward
    /// tiers; also the months not yet published.
    pub async fn quarter_scores(&self, scheme_id: i64, year: i32, quarter: u32) -> Result<(Scheme, Vec<QuarterScore>, Vec<u32>)> {
        if !(1..=4).contains(&quarter) {
            return Err(StoreError::Invalid("季度应为 1–4".into()));
        }
        let (_, scheme) = self.scheme(scheme_id).await?;
        let mut months = Vec::new();
        let mut missing = Vec::new();
        for m in (quarter * 3 - 2)..=(quarter * 3) {
            match self.published_run(scheme_id, year, m).await? {
                Some(v) => months.push(v.scores),
                None => missing.push(m),
            }
        }
        Ok((scheme.clone(), rules::quarter(&scheme, &months), missing))
    }

    /// Every quota of the year against its time schedule as of `cutoff`, using the same counting
    /// as the monthly run.
    pub async fn schedule_progress(&self, year: i32, cutoff: NaiveDate) -> Result<Vec<Progress>> {
        let quotas = self.quotas(year).await?;
        let unit_ids: Vec<i64> = quotas.iter().map(|q| q.unit_id).collect();
        let units: Vec<unit::Model> = self.units().await?.into_iter().filter(|u| unit_ids.contains(&u.id)).collect();
        let facts = self.unit_facts(&units, year, cutoff).await?;
        let mut out = Vec::new();
        for q in quotas {
            let (Some(metric), Some(f)) = (Metric::parse(&q.metric), facts.iter().find(|f| f.unit_id == q.unit_id)) else { continue };
            let scheduled = rules::scheduled_target(q.annual, &parse_schedule(&q.schedule), cutoff.month());
            let actual = rules::actual(metric, f);
            let percent = (scheduled > 0).then(|| i64::try_from(i128::from(actual) * 10_000 / i128::from(scheduled)).unwrap_or(i64::MAX));
            out.push(Progress { unit_id: q.unit_id, unit_name: f.unit_name.clone(), metric, annual: q.annual, scheduled, actual, percent });
        }
        Ok(out)
    }
}

/// Runs without their two large texts (the scheme as published and the scores), which
/// `scores_of` reads once and keeps parsed.
fn light_runs() -> sea_orm::Select<assessment_run::Entity> {
    assessment_run::Entity::find()
        .select_only()
        .columns([
            assessment_run::Column::Id,
            assessment_run::Column::SchemeId,
            assessment_run::Column::Year,
            assessment_run::Column::Month,
            assessment_run::Column::Cutoff,
            assessment_run::Column::Version,
            assessment_run::Column::Status,
            assessment_run::Column::Correction,
            assessment_run::Column::PublishedBy,
            assessment_run::Column::PublishedAt,
        ])
        .column_as(Expr::value(""), "scheme_body")
        .column_as(Expr::value(""), "results")
}

fn parse_scheme(body: &str) -> Result<Scheme> {
    let scheme: Scheme = toml::from_str(body).map_err(|e| StoreError::Invalid(format!("方案格式有误：{}", e.message())))?;
    scheme.check().map_err(StoreError::Invalid)?;
    Ok(scheme)
}

/// Parsed scores of published runs by run id. Results are frozen, so an entry never goes stale;
/// the run's status (superseded or not) is always read fresh from its row.
#[derive(Debug, Default, Clone)]
pub struct ScoresCache(Arc<Mutex<HashMap<i64, (Arc<Scheme>, Arc<Vec<UnitScore>>)>>>);

/// Runs kept parsed; a year of months for a few schemes.
const SCORES_CACHED: usize = 64;

impl Store {
    /// A run's scheme and scores, parsed once; `run` may come without its texts when cached.
    async fn scores_of(&self, run: &assessment_run::Model) -> Result<(Arc<Scheme>, Arc<Vec<UnitScore>>)> {
        if let Some(hit) = self.frozen_scores.0.lock().ok().and_then(|m| m.get(&run.id).cloned()) {
            return Ok(hit);
        }
        let full = if run.results.is_empty() { assessment_run::Entity::find_by_id(run.id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这次考核结果".into()))? } else { run.clone() };
        self.frozen_parts(&full)
    }

    fn frozen_parts(&self, run: &assessment_run::Model) -> Result<(Arc<Scheme>, Arc<Vec<UnitScore>>)> {
        let cached = self.frozen_scores.0.lock().ok().and_then(|m| m.get(&run.id).cloned());
        Ok(match cached {
            Some(hit) => hit,
            None => {
                let scheme = Arc::new(parse_scheme(&run.scheme_body)?);
                let scores: Arc<Vec<UnitScore>> = Arc::new(serde_json::from_str(&run.results).map_err(|e| StoreError::Invalid(format!("考核结果无法读取：{e}")))?);
                if let Ok(mut map) = self.frozen_scores.0.lock() {
                    if map.len() >= SCORES_CACHED {
                        map.clear();
                    }
                    map.insert(run.id, (scheme.clone(), scores.clone()));
                }
                (scheme, scores)
            }
        })
    }

    async fn frozen(&self, mut run: assessment_run::Model) -> Result<RunView> {
        let (scheme, scores) = self.scores_of(&run).await?;
        // The page needs the row, not its two large texts again.
        run.results.clear();
        run.scheme_body.clear();
        Ok(RunView { scheme: (*scheme).clone(), year: run.year, month: u32::try_from(run.month).unwrap_or(1), cutoff: run.cutoff, scores: (*scores).clone(), run: Some(run) })
    }
}
