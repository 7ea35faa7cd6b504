//! The leaders' cockpit (领导驾驶舱): where the city (or one unit) stands this year, computed from
//! the same counting rules as every other figure — verified, eligible, not double-counted, credit
//! shares weighted — so a tile never disagrees with the records behind it.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait};
use serde::Serialize;

use domain::access::Visibility;
use domain::assessment::{self as rules, Metric};
use domain::project::{Duplicate, Escalation, HealthLevel, RequestStatus, State, Verification};

use crate::dispatch::AgendaItem;
use crate::entities::{credit_share, funds_report, project, quota, request, target, target_link};
use crate::projects::{ProjectFilter, StageFigure};
use crate::{Result, Store};

/// One month of the year: what was achieved in it (hundredths: counts weighted by share, 万元).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct MonthFigure {
    pub month: u32,
    pub signed: i64,
    pub started: i64,
    pub funds: i64,
    /// Cumulative targets by the time schedule, summed over the units in scope.
    pub signed_scheduled: i64,
    pub started_scheduled: i64,
    pub funds_scheduled: i64,
}

/// A chain's links by strength, and what is being done about its gaps.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ChainCoverage {
    pub chain_id: i64,
    pub name: String,
    pub strong: usize,
    pub weak: usize,
    pub missing: usize,
    /// Targets courted for the weak and missing links.
    pub gap_targets: i64,
    /// Active projects on the weak and missing links.
    pub gap_projects: i64,
}

/// A red project for the leader's attention.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RedProject {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit_name: String,
    pub total_wan: i64,
    pub reasons: String,
}

/// The latest published ranking of a scheme: first and last places.
#[derive(Debug, Clone, Serialize)]
pub struct RankingTile {
    pub scheme: String,
    pub run_id: i64,
    pub month: u32,
    pub top: Vec<(String, i64, u32)>,
    pub bottom: Vec<(String, i64, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cockpit {
    pub computed_at: DateTime<Utc>,
    pub year: i32,
    pub today: NaiveDate,
    /// `None` for the whole city.
    pub unit_id: Option<i64>,
    pub funnel: Vec<StageFigure>,
    pub months: Vec<MonthFigure>,
    pub rankings: Vec<RankingTile>,
    pub chains: Vec<ChainCoverage>,
    pub red: Vec<RedProject>,
    pub red_total: usize,
    pub waiting: Vec<AgendaItem>,
}

impl Cockpit {
    /// Cumulative figures month by month (what the trend charts draw), up to the current month.
    pub fn cumulative(&self) -> Vec<MonthFigure> {
        let mut acc = MonthFigure::default();
        let last = if self.today.year() == self.year { self.today.month() } else { 12 };
        self.months
            .iter()
            .filter(|m| m.month <= last)
            .map(|m| {
                acc.signed += m.signed;
                acc.started += m.started;
                acc.funds += m.funds;
                MonthFigure { month: m.month, signed: acc.signed, started: acc.started, funds: acc.funds, ..m.clone() }
            })
            .collect()
    }
}

impl Store {
    /// The cockpit for everything `visibility` allows: the whole city, or one unit (weighted by
    /// its credit shares).
    pub async fn cockpit(&self, visibility: Visibility, today: NaiveDate) -> Result<Cockpit> {
        let year = today.year();
        let unit_id = match visibility {
            Visibility::All => None,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => Some(u),
        };
        let start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
        let filter = ProjectFilter { unit_id, ..Default::default() };
        let funnel = self.project_figures(visibility, &filter, false).await?;

        // Shares: a project counts for a unit by its percent; for the city, once.
        let mut shares: HashMap<i64, Vec<(i64, i64)>> = HashMap::new();
        for s in credit_share::Entity::find().all(&self.db).await? {
            shares.entry(s.project_id).or_default().push((s.unit_id, i64::from(s.percent)));
        }
        let weight = |id: i64, landing: i64| -> i64 {
            match unit_id {
                None => 100,
                Some(u) => match shares.get(&id) {
                    Some(list) => list.iter().find(|(unit, _)| *unit == u).map_or(0, |(_, p)| *p),
                    None if landing == u => 100,
                    None => 0,
                },
            }
        };
        let mut months: Vec<MonthFigure> = (1..=12).map(|m| MonthFigure { month: m, ..Default::default() }).collect();
        let rows = project::Entity::find()
            .filter(project::Column::SignedOn.gte(start).or(project::Column::StartedOn.gte(start)).or(project::Column::Id.in_subquery(
                // Projects with funds this year are loaded too (their signing may be older).
                funds_report::Entity::find().select_only().column(funds_report::Column::ProjectId).filter(funds_report::Column::Month.gte(start)).into_query(),
            )))
            .all(&self.db)
            .await?;
        let mut counted: HashMap<i64, i64> = HashMap::new();
        for p in rows {
            let w = weight(p.id, p.landing_unit_id);
            if w == 0 {
                continue;
            }
            let state = State::parse(&p.state).unwrap_or(State::Active);
            let duplicate = Duplicate::parse(&p.duplicate).unwrap_or(Duplicate::None);
            let counts = |v: &str| domain::project::counts(Verification::parse(v).unwrap_or(Verification::Pending), p.eligible, duplicate, state).is_ok();
            if !counts(Verification::NotNeeded.code()) {
                continue;
            }
            counted.insert(p.id, w);
            if let Some(d) = p.signed_on.filter(|d| d.year() == year && *d <= today && counts(&p.signed_verification)) {
                months[d.month0() as usize].signed += w;
            }
            if let Some(d) = p.started_on.filter(|d| d.year() == year && *d <= today && counts(&p.started_verification)) {
                months[d.month0() as usize].started += w;
            }
        }
        let funds = funds_report::Entity::find()
            .filter(funds_report::Column::Month.gte(start))
            .filter(funds_report::Column::Month.lte(today))
            .filter(funds_report::Column::Verification.eq(Verification::Approved.code()))
            .all(&self.db)
            .await?;
        for f in funds {
            if let Some(w) = counted.get(&f.project_id) {
                months[f.month.month0() as usize].funds += i64::try_from(i128::from(f.amount_wan) * i128::from(*w) / 100).unwrap_or(i64::MAX);
            }
        }

        // The time schedule: the units' quotas, summed.
        let mut q = quota::Entity::find().filter(quota::Column::Year.eq(year));
        if let Some(u) = unit_id {
            q = q.filter(quota::Column::UnitId.eq(u));
        }
        for row in q.all(&self.db).await? {
            let schedule: [i64; 12] = row.schedule.split(',').filter_map(|v| v.trim().parse().ok()).collect::<Vec<i64>>().try_into().unwrap_or_else(|_| rules::even_schedule());
            for m in &mut months {
                let target = rules::scheduled_target(row.annual, &schedule, m.month);
                match Metric::parse(&row.metric) {
                    Some(Metric::SignedCount) => m.signed_scheduled += target,
                    Some(Metric::StartedCount) => m.started_scheduled += target,
                    Some(Metric::FundsInPlace) => m.funds_scheduled += target,
                    _ => {}
                }
            }
        }

        // The latest published ranking of each scheme of the year.
        let mut rankings = Vec::new();
        for scheme in self.schemes(Some(year)).await? {
            let Some(latest) = self.runs(Some(scheme.id)).await?.into_iter().find(|r| r.status == "published" && r.year == year) else { continue };
            let view = self.run(latest.id).await?;
            let line = |s: &domain::assessment::UnitScore| (s.unit_name.clone(), s.total, s.rank);
            let n = view.scores.len();
            rankings.push(RankingTile {
                scheme: scheme.name.clone(),
                run_id: latest.id,
                month: view.month,
                top: view.scores.iter().take(3).map(line).collect(),
                bottom: view.scores.iter().skip(n.saturating_sub(3).max(3)).map(line).collect(),
            });
        }

        // Chain coverage: links by strength; targets and projects on the gaps.
        let tree = self.profile_tree().await?;
        let mut gap_links: HashMap<i64, i64> = HashMap::new();
        for c in tree.iter() {
            for h in &c.chains {
                for l in crate::profile::LinkNode::flatten(&h.links) {
                    if l.strength != "strong" {
                        gap_links.insert(l.id, h.chain.id);
                    }
                }
            }
        }
        let gap_ids: Vec<i64> = gap_links.keys().copied().collect();
        let mut targets_q = target_link::Entity::find()
            .select_only()
            .column(target_link::Column::LinkId)
            .column_as(target_link::Column::TargetId.count(), "n")
            .filter(target_link::Column::LinkId.is_in(gap_ids.clone()))
            .group_by(target_link::Column::LinkId);
        if let Some(u) = unit_id {
            targets_q = targets_q.filter(target_link::Column::TargetId.in_subquery(target::Entity::find().select_only().column(target::Column::Id).filter(target::Column::OwnerUnitId.eq(u)).into_query()));
        }
        let targets_per_link: Vec<(i64, i64)> = targets_q.into_tuple().all(&self.db).await?;
        let mut projects_q = project::Entity::find()
            .select_only()
            .column(project::Column::LinkId)
            .column_as(project::Column::Id.count(), "n")
            .filter(project::Column::LinkId.is_in(gap_ids))
            .filter(project::Column::State.ne(State::Dropped.code()))
            .group_by(project::Column::LinkId);
        if let Some(u) = unit_id {
            projects_q = projects_q.filter(project::Column::LandingUnitId.eq(u));
        }
        let projects_per_link: Vec<(Option<i64>, i64)> = projects_q.into_tuple().all(&self.db).await?;
        let mut per_chain: HashMap<i64, (i64, i64)> = HashMap::new();
        for (link, n) in targets_per_link {
            if let Some(chain) = gap_links.get(&link) {
                per_chain.entry(*chain).or_default().0 += n;
            }
        }
        for (link, n) in projects_per_link {
            if let Some(chain) = link.and_then(|l| gap_links.get(&l)) {
                per_chain.entry(*chain).or_default().1 += n;
            }
        }
        let chains = tree
            .iter()
            .flat_map(|c| &c.chains)
            .map(|h| {
                let [strong, weak, missing] = crate::profile::LinkNode::strength_counts(&h.links);
                let (gap_targets, gap_projects) = per_chain.get(&h.chain.id).copied().unwrap_or_default();
                ChainCoverage { chain_id: h.chain.id, name: h.chain.name.clone(), strong, weak, missing, gap_targets, gap_projects }
            })
            .collect();

        // Red projects, largest first.
        let unit_names = self.unit_names().await?;
        let mut red_q = project::Entity::find().filter(project::Column::State.eq(State::Active.code())).filter(project::Column::Health.eq(HealthLevel::Red.code()));
        if let Some(u) = unit_id {
            red_q = red_q.filter(project::Column::LandingUnitId.eq(u));
        }
        let red_rows = red_q.order_by_desc(project::Column::TotalWan).all(&self.db).await?;
        let red_total = red_rows.len();
        let red = red_rows
            .into_iter()
            .take(10)
            .map(|p| RedProject {
                id: p.id,
                code: p.code.clone(),
                name: crate::projects::public_name(&p),
                unit_name: unit_names.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                total_wan: p.total_wan,
                reasons: p.health_reasons.replace('\n', "；"),
            })
            .collect();

        // Requests escalated to the city or the joint meeting, still open: they wait for a leader.
        let mut req_q = request::Entity::find()
            .filter(request::Column::Escalation.is_in([Escalation::City.code(), Escalation::Joint.code()]))
            .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
            .order_by_asc(request::Column::Deadline);
        if let Some(u) = unit_id {
            req_q = req_q.filter(request::Column::OwnerUnitId.eq(u));
        }
        let waiting = self.agenda_items(req_q.all(&self.db).await?).await?;
        Ok(Cockpit { computed_at: Utc::now(), year, today, unit_id, funnel, months, rankings, chains, red, red_total, waiting })
    }
}
