//! The five rates (五率) per unit and for the city over any period: gathers each counted project's
//! verified stage dates, approvals, funds, commitment and evaluation, and lets
//! `domain::rates` compute and explain each rate. The monthly assessment uses the same records.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use domain::assessment::{Item, Metric, UnitFacts};
use domain::project::{Duplicate, State, Verification};
use domain::rates::{self as rules, FiveRate, RateProject, RateResult};

use crate::entities::{approval_item, assessment_scheme, commitment, credit_share, funds_report, project, unit};
use crate::{Result, Store, StoreError};

/// One unit's five rates.
#[derive(Debug, Clone, Serialize)]
pub struct UnitRates {
    pub unit_id: i64,
    pub unit_name: String,
    pub results: Vec<RateResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FiveRates {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub city: Vec<RateResult>,
    pub units: Vec<UnitRates>,
}

/// A counted project and who it counts for: (unit, percent).
struct Counted {
    project: RateProject,
    weights: Vec<(i64, i64)>,
}

pub fn metric_of(rate: FiveRate) -> Metric {
    match rate {
        FiveRate::Landing => Metric::LandingRate,
        FiveRate::Approvals => Metric::ApprovalsRate,
        FiveRate::ReserveStart => Metric::ReserveStartRate,
        FiveRate::Investment => Metric::InvestmentRate,
        FiveRate::Efficacy => Metric::EfficacyRate,
    }
}

fn check_period(from: NaiveDate, to: NaiveDate) -> Result<()> {
    if from > to {
        return Err(StoreError::Invalid(format!("统计期起始日 {from} 晚于截止日 {to}")));
    }
    if (to - from).num_days() > 366 * 10 {
        return Err(StoreError::Invalid("统计期最长 10 年".into()));
    }
    Ok(())
}

impl Store {
    /// Every project signed by `to` that counts at all (eligible, not dropped, not a pending or
    /// merged duplicate), as the five rates read it.
    async fn counted_for_rates(&self, to: NaiveDate) -> Result<Vec<Counted>> {
        let rows = project::Entity::find().filter(project::Column::SignedOn.lte(to)).order_by_asc(project::Column::Id).all(&self.db).await?;
        let mut shares: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for s in credit_share::Entity::find().all(&self.db).await? {
            shares.entry(s.project_id).or_default().push((s.unit_id, i64::from(s.percent)));
        }
        let units = self.unit_names().await?;
        let mut counted = Vec::new();
        for p in rows {
            let state = State::parse(&p.state).unwrap_or(State::Active);
            let duplicate = Duplicate::parse(&p.duplicate).unwrap_or(Duplicate::None);
            let counts = |v: &str| domain::project::counts(Verification::parse(v).unwrap_or(Verification::Pending), p.eligible, duplicate, state).is_ok();
            if !counts(Verification::NotNeeded.code()) {
                continue;
            }
            let verified = |d: Option<NaiveDate>, v: &str| d.filter(|_| counts(v));
            let signed_on = verified(p.signed_on, &p.signed_verification);
            if signed_on.is_none() {
                continue;
            }
            counted.push(Counted {
                weights: shares.get(&p.id).cloned().unwrap_or_else(|| vec![(p.landing_unit_id, 100)]),
                project: RateProject {
                    id: p.id,
                    label: format!("{} {}（{}）", p.code, crate::projects::public_name(&p), units.get(&p.landing_unit_id).map_or("", String::as_str)),
                    share_percent: 100,
                    signed_on,
                    started_on: verified(p.started_on, &p.started_verification),
                    operating_on: verified(p.operating_on, &p.operating_verification),
                    approvals: Vec::new(),
                    funds_plan_wan: p.funds_plan_wan,
                    funds_plan_by: p.funds_plan_by,
                    funds: Vec::new(),
                    full_production_on: None,
                    evaluation: None,
                },
            });
        }
        let ids: Vec<i64> = counted.iter().map(|c| c.project.id).collect();
        let mut approvals: HashMap<i64, Vec<approval_item::Model>> = HashMap::new();
        let mut funds: HashMap<i64, Vec<(NaiveDate, i64)>> = HashMap::new();
        let mut due: HashMap<i64, NaiveDate> = HashMap::new();
        for chunk in ids.chunks(500) {
            let chunk = chunk.to_vec();
            for i in approval_item::Entity::find().filter(approval_item::Column::ProjectId.is_in(chunk.clone())).order_by_asc(approval_item::Column::Position).order_by_asc(approval_item::Column::Id).all(&self.db).await? {
                approvals.entry(i.project_id).or_default().push(i);
            }
            let verified = funds_report::Entity::find()
                .filter(funds_report::Column::ProjectId.is_in(chunk.clone()))
                .filter(funds_report::Column::Month.lte(to))
                .filter(funds_report::Column::Verification.eq(Verification::Approved.code()))
                .all(&self.db)
                .await?;
            for f in verified {
                funds.entry(f.project_id).or_default().push((f.month, f.amount_wan));
            }
            for c in commitment::Entity::find().filter(commitment::Column::ProjectId.is_in(chunk)).all(&self.db).await? {
                if let Some(d) = c.full_production_on {
                    due.insert(c.project_id, d);
                }
            }
        }
        let reviews = self.latest_reviews(&ids, to.year()).await?;
        for c in &mut counted {
            let id = c.project.id;
            c.project.approvals = crate::approvals::facts(approvals.get(&id).map_or(&[][..], Vec::as_slice), &units);
            c.project.funds = funds.remove(&id).unwrap_or_default();
            c.project.full_production_on = due.get(&id).copied();
            c.project.evaluation = reviews.get(&id).copied();
        }
        Ok(counted)
    }

    /// The five rates over [from, to] for the city (every project whole) and for each unit given
    /// (by credit share).
    pub async fn five_rates(&self, units: &[unit::Model], from: NaiveDate, to: NaiveDate) -> Result<FiveRates> {
        check_period(from, to)?;
        let counted = self.counted_for_rates(to).await?;
        let all: Vec<RateProject> = counted.iter().map(|c| c.project.clone()).collect();
        let city = FiveRate::ALL.iter().map(|r| rules::compute(*r, &all, from, to)).collect();
        let units = units
            .iter()
            .map(|u| {
                let mine: Vec<RateProject> = counted
                    .iter()
                    .filter_map(|c| c.weights.iter().find(|(unit, _)| *unit == u.id).map(|(_, pct)| RateProject { share_percent: *pct, ..c.project.clone() }))
                    .collect();
                UnitRates { unit_id: u.id, unit_name: u.name.clone(), results: FiveRate::ALL.iter().map(|r| rules::compute(*r, &mine, from, to)).collect() }
            })
            .collect();
        Ok(FiveRates { from, to, city, units })
    }

    /// Adds each unit's five rates to its assessment facts: numerator records in `items`,
    /// denominator records in `denominators`.
    pub(crate) async fn add_five_rates(&self, facts: &mut BTreeMap<i64, UnitFacts>, from: NaiveDate, to: NaiveDate) -> Result<()> {
        // Gathering the rates reads every signed project's approvals and funds: only when some
        // scheme measures one of them.
        let names: Vec<String> = FiveRate::ALL.iter().map(|r| format!("{:?}", metric_of(*r))).collect();
        let schemes = assessment_scheme::Entity::find().all(&self.db).await?;
        if !schemes.iter().any(|s| names.iter().any(|n| s.body.contains(&format!("\"{n}\"")))) {
            return Ok(());
        }
        let units: Vec<unit::Model> = unit::Entity::find().filter(unit::Column::Id.is_in(facts.keys().copied().collect::<Vec<_>>())).all(&self.db).await?;
        let rates = self.five_rates(&units, from, to).await?;
        for u in rates.units {
            let Some(f) = facts.get_mut(&u.unit_id) else { continue };
            for r in u.results {
                let metric = metric_of(r.rate);
                let item = |value: i64, l: &domain::rates::RateLine| Item { id: l.id, label: format!("{}（{}）", l.label, l.note), value, share_percent: l.share_percent };
                let numerator: Vec<Item> = r.lines.iter().filter(|l| l.numerator > 0).map(|l| item(l.numerator, l)).collect();
                let denominator: Vec<Item> = r.lines.iter().map(|l| item(l.denominator, l)).collect();
                f.items.insert(metric, numerator);
                f.denominators.insert(metric, denominator);
            }
        }
        Ok(())
    }
}
