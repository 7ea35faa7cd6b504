//! The weekly dispatch (周调度): each unit's week counted from the records, the notes unit heads
//! write on key projects by the deadline, and the city's report the bureau compiles and freezes.
//! Frozen reports are what the assessment's late-report deduction counts.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};

use domain::dispatch::{DispatchRules, NoteStatus};
use domain::project::{Escalation, HealthLevel, RequestCategory, RequestStatus, Stage, State};

use crate::audit::{self, Event};
use crate::projects::public_name;
use crate::entities::{dispatch_note, dispatch_report, follow_up, project, request, stage_change, unit, user};
use crate::{settings, Result, Store, StoreError, Who};

pub const DISPATCH_RULES: &str = "dispatch_rules";

/// The longest note field kept, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// One unit's week in figures.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct UnitWeek {
    pub unit_id: i64,
    pub unit_name: String,
    pub new_leads: i64,
    pub stage_moves: i64,
    pub follow_ups: i64,
    pub requests_opened: i64,
    pub requests_closed: i64,
    pub requests_overdue: i64,
    /// Active projects whose health check is red.
    pub red_projects: i64,
    pub key_projects: i64,
    pub notes_on_time: i64,
    pub notes_late: i64,
    pub notes_missing: i64,
}

impl UnitWeek {
    /// Every key project has a note, on time or not.
    pub fn reported(&self) -> bool {
        self.notes_on_time + self.notes_late >= self.key_projects
    }

    /// Some note came late or never: a late report for the assessment.
    pub fn late(&self) -> bool {
        self.notes_late + self.notes_missing > 0
    }
}

/// A unit's note as shown and edited.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Note {
    pub progress: String,
    pub next_plan: String,
    pub coordination: String,
    pub by: String,
    pub submitted_at: DateTime<Utc>,
    pub version: i32,
}

/// A key project of the week with its note.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyProject {
    pub project_id: i64,
    pub code: String,
    /// The real name, or the codename of a confidential project.
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub stage: Stage,
    pub health: HealthLevel,
    pub health_reasons: String,
    pub reason: String,
    pub note: Option<Note>,
    pub status: NoteStatus,
}

/// A request on the joint meeting's agenda (联席会议).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AgendaItem {
    pub request_id: i64,
    pub enterprise: String,
    pub project_id: Option<i64>,
    pub category: String,
    pub text: String,
    pub owner_unit: String,
    pub deadline: NaiveDate,
    pub overdue_days: i64,
}

/// The city's week: every unit's figures, the key projects with their notes, the agenda.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct CityReport {
    pub week: NaiveDate,
    pub deadline: DateTime<Utc>,
    pub deadline_text: String,
    pub units: Vec<UnitWeek>,
    pub key_projects: Vec<KeyProject>,
    pub agenda: Vec<AgendaItem>,
}

impl CityReport {
    pub fn totals(&self) -> UnitWeek {
        let mut t = UnitWeek { unit_name: "合计".into(), ..Default::default() };
        for u in &self.units {
            t.new_leads += u.new_leads;
            t.stage_moves += u.stage_moves;
            t.follow_ups += u.follow_ups;
            t.requests_opened += u.requests_opened;
            t.requests_closed += u.requests_closed;
            t.requests_overdue += u.requests_overdue;
            t.red_projects += u.red_projects;
            t.key_projects += u.key_projects;
            t.notes_on_time += u.notes_on_time;
            t.notes_late += u.notes_late;
            t.notes_missing += u.notes_missing;
        }
        t
    }
}

/// What happened in one unit's week, for the drill-down below the city.
#[derive(Debug, Clone, Serialize)]
pub struct UnitWeekDetail {
    pub figures: UnitWeek,
    pub key_projects: Vec<KeyProject>,
    /// (project id, project, from, to, date)
    pub moves: Vec<(i64, String, Stage, Stage, NaiveDate)>,
    pub follow_ups: Vec<FollowUpLine>,
    pub requests: Vec<AgendaItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FollowUpLine {
    pub id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub project_id: Option<i64>,
    pub on: NaiveDate,
    pub kind: String,
    pub summary: String,
    pub by: String,
}

/// A week's notes as typed in.
#[derive(Debug, Clone, Default)]
pub struct NoteInput {
    pub progress: String,
    pub next_plan: String,
    pub coordination: String,
}

fn week_end(week: NaiveDate) -> NaiveDate {
    week + Duration::days(6)
}

fn check_text(label: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(StoreError::Invalid(format!("「{label}」不能超过 {MAX_NOTE_CHARS} 字")));
    }
    Ok(text.to_string())
}

impl Store {
    /// The weekly dispatch's rules, kept briefly: every unit officer's home page asks them.
    pub async fn dispatch_rules(&self) -> Result<DispatchRules> {
        let rules = self
            .dispatch_rules
            .get_or_read(|| async {
                match settings::get(&self.db, DISPATCH_RULES).await? {
                    Some(text) => DispatchRules::parse(&text).map_err(StoreError::Invalid),
                    None => Ok(DispatchRules::default()),
                }
            })
            .await?;
        Ok((*rules).clone())
    }

    pub async fn set_dispatch_rules(&self, who: &Who, rules: &DispatchRules) -> Result<()> {
        DispatchRules::parse(&rules.to_toml()).map_err(StoreError::Invalid)?;
        let before = self.dispatch_rules().await?;
        let txn = self.begin_write().await?;
        settings::set(&txn, DISPATCH_RULES, &rules.to_toml()).await?;
        audit::append(&txn, who, Event::new("update", "dispatch_rules", "").change(Some(&before), Some(rules))).await?;
        txn.commit().await?;
        self.dispatch_rules.forget();
        Ok(())
    }

    /// Key projects of `units` (all units when `None`) for a week, with their notes.
    pub async fn key_projects(&self, units: Option<&[i64]>, week: NaiveDate, now: DateTime<Utc>) -> Result<Vec<KeyProject>> {
        let rules = self.dispatch_rules().await?;
        let deadline = rules.deadline(week);
        let stages: Vec<&str> = [Stage::Negotiating, Stage::Signed, Stage::Started, Stage::Operating].iter().map(|s| s.code()).collect();
        let mut q = project::Entity::find().filter(project::Column::State.eq(State::Active.code())).filter(project::Column::Stage.is_in(stages)).order_by_asc(project::Column::LandingUnitId).order_by_asc(project::Column::Code);
        if let Some(units) = units {
            q = q.filter(project::Column::LandingUnitId.is_in(units.to_vec()));
        }
        let unit_names = self.unit_names().await?;
        let mut out = Vec::new();
        let mut ids = Vec::new();
        for p in q.all(&self.db).await? {
            let stage = Stage::parse(&p.stage).unwrap_or(Stage::Lead);
            let health = HealthLevel::parse(&p.health).unwrap_or(HealthLevel::Green);
            let Some(reason) = rules.key_reason(stage, State::Active, p.total_wan, health) else { continue };
            ids.push(p.id);
            out.push(KeyProject {
                project_id: p.id,
                code: p.code.clone(),
                name: public_name(&p),
                unit_id: p.landing_unit_id,
                unit_name: unit_names.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                stage,
                health,
                health_reasons: p.health_reasons.clone(),
                reason,
                note: None,
                status: NoteStatus::Due,
            });
        }
        let mut notes: HashMap<i64, dispatch_note::Model> = HashMap::new();
        for chunk in ids.chunks(5000) {
            for n in dispatch_note::Entity::find().filter(dispatch_note::Column::Week.eq(week)).filter(dispatch_note::Column::ProjectId.is_in(chunk.to_vec())).all(&self.db).await? {
                notes.insert(n.project_id, n);
            }
        }
        // The names of the notes' authors only: a province has thousands of accounts.
        let mut authors: Vec<i64> = notes.values().filter_map(|n| n.user_id).collect();
        authors.sort_unstable();
        authors.dedup();
        let mut users: HashMap<i64, String> = HashMap::new();
        for chunk in authors.chunks(5000) {
            let names = user::Entity::find().select_only().columns([user::Column::Id, user::Column::DisplayName]).filter(user::Column::Id.is_in(chunk.to_vec())).into_tuple::<(i64, String)>().all(&self.db).await?;
            users.extend(names);
        }
        for k in &mut out {
            let note = notes.remove(&k.project_id);
            k.status = NoteStatus::of(note.as_ref().map(|n| n.submitted_at), deadline, now);
            k.note = note.map(|n| Note {
                progress: n.progress,
                next_plan: n.next_plan,
                coordination: n.coordination,
                by: n.user_id.and_then(|u| users.get(&u).cloned()).unwrap_or_default(),
                submitted_at: n.submitted_at,
                version: n.version,
            });
        }
        Ok(out)
    }

    /// Every county, park and office's week in figures (or only `units`).
    pub async fn week_figures(&self, units: Option<&[i64]>, week: NaiveDate, key: &[KeyProject]) -> Result<Vec<UnitWeek>> {
        let end = week_end(week);
        let today = Utc::now().date_naive();
        let all = self.units().await?;
        let listed: Vec<&unit::Model> = all
            .iter()
            .filter(|u| u.active && ["county", "park", "office"].contains(&u.kind.as_str()))
            .filter(|u| units.is_none_or(|list| list.contains(&u.id)))
            .collect();
        let mut figures: Vec<UnitWeek> = listed.iter().map(|u| UnitWeek { unit_id: u.id, unit_name: u.name.clone(), ..Default::default() }).collect();
        let ids: Vec<i64> = listed.iter().map(|u| u.id).collect();
        let (start_at, end_at) = (week.and_hms_opt(0, 0, 0).map(|t| t.and_utc()), end.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()));

        let count = |rows: Vec<(i64, i64)>| -> HashMap<i64, i64> { rows.into_iter().collect() };
        let leads = count(
            project::Entity::find()
                .select_only()
                .column(project::Column::LandingUnitId)
                .column_as(project::Column::Id.count(), "n")
                .filter(project::Column::LeadOn.between(week, end))
                .filter(project::Column::LandingUnitId.is_in(ids.clone()))
                .group_by(project::Column::LandingUnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let moves = count(
            stage_change::Entity::find()
                .select_only()
                .column(stage_change::Column::UnitId)
                .column_as(stage_change::Column::Id.count(), "n")
                .filter(stage_change::Column::Kind.eq("advance"))
                .filter(stage_change::Column::HappenedOn.between(week, end))
                .filter(stage_change::Column::UnitId.is_in(ids.clone()))
                .group_by(stage_change::Column::UnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let follow_ups = count(
            follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::UnitId)
                .column_as(follow_up::Column::Id.count(), "n")
                .filter(follow_up::Column::HappenedOn.between(week, end))
                .filter(follow_up::Column::UnitId.is_in(ids.clone()))
                .group_by(follow_up::Column::UnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let opened = match (start_at, end_at) {
            (Some(a), Some(b)) => count(
                request::Entity::find()
                    .select_only()
                    .column(request::Column::OwnerUnitId)
                    .column_as(request::Column::Id.count(), "n")
                    .filter(request::Column::CreatedAt.gte(a))
                    .filter(request::Column::CreatedAt.lt(b))
                    .filter(request::Column::OwnerUnitId.is_in(ids.clone()))
                    .group_by(request::Column::OwnerUnitId)
                    .into_tuple()
                    .all(&self.db)
                    .await?,
            ),
            _ => HashMap::new(),
        };
        let closed = count(
            request::Entity::find()
                .select_only()
                .column(request::Column::OwnerUnitId)
                .column_as(request::Column::Id.count(), "n")
                .filter(request::Column::ResolvedOn.between(week, end))
                .filter(request::Column::OwnerUnitId.is_in(ids.clone()))
                .group_by(request::Column::OwnerUnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        // Overdue at the end of the week (or today, for the running week).
        let as_of = end.min(today);
        let overdue = count(
            request::Entity::find()
                .select_only()
                .column(request::Column::OwnerUnitId)
                .column_as(request::Column::Id.count(), "n")
                .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
                .filter(request::Column::Deadline.lt(as_of))
                .filter(request::Column::OwnerUnitId.is_in(ids.clone()))
                .group_by(request::Column::OwnerUnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let red = count(
            project::Entity::find()
                .select_only()
                .column(project::Column::LandingUnitId)
                .column_as(project::Column::Id.count(), "n")
                .filter(project::Column::State.eq(State::Active.code()))
                .filter(project::Column::Health.eq(HealthLevel::Red.code()))
                .filter(project::Column::LandingUnitId.is_in(ids))
                .group_by(project::Column::LandingUnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        for f in &mut figures {
            let id = f.unit_id;
            let get = |m: &HashMap<i64, i64>| m.get(&id).copied().unwrap_or(0);
            f.new_leads = get(&leads);
            f.stage_moves = get(&moves);
            f.follow_ups = get(&follow_ups);
            f.requests_opened = get(&opened);
            f.requests_closed = get(&closed);
            f.requests_overdue = get(&overdue);
            f.red_projects = get(&red);
            for k in key.iter().filter(|k| k.unit_id == id) {
                f.key_projects += 1;
                match k.status {
                    NoteStatus::OnTime => f.notes_on_time += 1,
                    NoteStatus::Late => f.notes_late += 1,
                    NoteStatus::Missing => f.notes_missing += 1,
                    NoteStatus::Due => {}
                }
            }
        }
        Ok(figures)
    }

    /// Requests escalated to the joint meeting and not yet resolved: its agenda.
    pub async fn joint_agenda(&self, units: Option<&[i64]>) -> Result<Vec<AgendaItem>> {
        let mut q = request::Entity::find()
            .filter(request::Column::Escalation.eq(Escalation::Joint.code()))
            .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
            .order_by_asc(request::Column::Deadline);
        if let Some(units) = units {
            q = q.filter(request::Column::OwnerUnitId.is_in(units.to_vec()));
        }
        self.agenda_items(q.all(&self.db).await?).await
    }

    pub(crate) async fn agenda_items(&self, rows: Vec<request::Model>) -> Result<Vec<AgendaItem>> {
        let today = Utc::now().date_naive();
        let unit_names = self.unit_names().await?;
        let names = self.enterprise_names(rows.iter().map(|r| r.enterprise_id).collect()).await?;
        Ok(rows
            .into_iter()
            .map(|r| AgendaItem {
                request_id: r.id,
                enterprise: names.get(&r.enterprise_id).cloned().unwrap_or_default(),
                project_id: r.project_id,
                category: RequestCategory::parse(&r.category).map_or("其他", |c| c.label()).to_string(),
                text: r.text,
                owner_unit: unit_names.get(&r.owner_unit_id).cloned().unwrap_or_default(),
                deadline: r.deadline,
                overdue_days: if r.status != RequestStatus::Resolved.code() { (today - r.deadline).num_days().max(0) } else { 0 },
            })
            .collect())
    }

    /// The city's week as the records stand now.
    pub async fn city_week(&self, week: NaiveDate) -> Result<CityReport> {
        let rules = self.dispatch_rules().await?;
        let key = self.key_projects(None, week, Utc::now()).await?;
        let units = self.week_figures(None, week, &key).await?;
        let agenda = self.joint_agenda(None).await?;
        Ok(CityReport { week, deadline: rules.deadline(week), deadline_text: rules.deadline_text(), units, key_projects: key, agenda })
    }

    /// The frozen report of a week, if the bureau compiled it.
    pub async fn frozen_week(&self, week: NaiveDate) -> Result<Option<(dispatch_report::Model, CityReport)>> {
        let Some(row) = dispatch_report::Entity::find().filter(dispatch_report::Column::Week.eq(week)).one(&self.db).await? else { return Ok(None) };
        let report: CityReport = serde_json::from_str(&row.body).map_err(|e| StoreError::Invalid(format!("调度报告无法读取：{e}")))?;
        Ok(Some((row, report)))
    }

    /// Compiles the city's week and freezes it; notes of that week can no longer change.
    pub async fn freeze_week(&self, who: &Who, week: NaiveDate) -> Result<dispatch_report::Model> {
        if week > domain::dispatch::current_week(Utc::now()) {
            return Err(StoreError::Invalid(format!("{week} 这一周尚未开始，不能汇总")));
        }
        let report = self.city_week(week).await?;
        let body = serde_json::to_string(&report).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let txn = self.begin_write().await?;
        if dispatch_report::Entity::find().filter(dispatch_report::Column::Week.eq(week)).one(&txn).await?.is_some() {
            return Err(StoreError::Conflict(format!("{week} 这一周的调度报告已汇总定稿，不能再改")));
        }
        let row = dispatch_report::ActiveModel { week: Set(week), body: Set(body), frozen_by: Set(who.user_id), frozen_at: Set(Utc::now()), ..Default::default() }.insert(&txn).await?;
        let t = report.totals();
        audit::append(&txn, who, Event::new("freeze", "dispatch_report", row.id).detail(format!("{week} 周全市调度报告定稿：重点项目 {} 个，按时报送 {}、逾期 {}、未报送 {}", t.key_projects, t.notes_on_time, t.notes_late, t.notes_missing))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Writes or updates a unit's note on a project for a week. The first save is the submission
    /// the deadline is checked against; a frozen week is closed.
    pub async fn save_note(&self, who: &Who, week: NaiveDate, project_id: i64, input: &NoteInput, version: Option<i32>) -> Result<dispatch_note::Model> {
        if week > domain::dispatch::current_week(Utc::now()) {
            return Err(StoreError::Invalid("不能填写尚未开始的一周".into()));
        }
        let progress = check_text("本周进展", &input.progress)?;
        let next_plan = check_text("下周计划", &input.next_plan)?;
        let coordination = check_text("需协调事项", &input.coordination)?;
        if progress.is_empty() {
            return Err(StoreError::Invalid("请填写本周进展".into()));
        }
        let txn = self.begin_write().await?;
        if dispatch_report::Entity::find().filter(dispatch_report::Column::Week.eq(week)).one(&txn).await?.is_some() {
            return Err(StoreError::Conflict(format!("{week} 这一周的调度报告已汇总定稿，不能再修改进展")));
        }
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let existing = dispatch_note::Entity::find().filter(dispatch_note::Column::Week.eq(week)).filter(dispatch_note::Column::ProjectId.eq(project_id)).one(&txn).await?;
        let now = Utc::now();
        let row = match existing {
            Some(before) => {
                if version.is_some_and(|v| v != before.version) {
                    return Err(StoreError::Conflict("这条进展在您打开之后已被他人修改，请刷新后再改".into()));
                }
                let mut row = before.clone().into_active_model();
                row.progress = Set(progress);
                row.next_plan = Set(next_plan);
                row.coordination = Set(coordination);
                row.user_id = Set(who.user_id);
                row.updated_at = Set(now);
                row.version = Set(before.version + 1);
                let after = row.update(&txn).await?;
                audit::append(&txn, who, Event::new("update", "dispatch_note", after.id).change(Some(&before), Some(&after))).await?;
                after
            }
            None => {
                let row = dispatch_note::ActiveModel {
                    week: Set(week),
                    unit_id: Set(p.landing_unit_id),
                    project_id: Set(project_id),
                    progress: Set(progress),
                    next_plan: Set(next_plan),
                    coordination: Set(coordination),
                    user_id: Set(who.user_id),
                    submitted_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                audit::append(&txn, who, Event::new("create", "dispatch_note", row.id).change(None, Some(&row)).detail(format!("{week} 周「{}」进展", public_name(&p)))).await?;
                row
            }
        };
        txn.commit().await?;
        Ok(row)
    }

    /// One unit's week, down to its follow-ups.
    pub async fn unit_week(&self, unit_id: i64, week: NaiveDate) -> Result<UnitWeekDetail> {
        let end = week_end(week);
        let key = self.key_projects(Some(&[unit_id]), week, Utc::now()).await?;
        let figures = self.week_figures(Some(&[unit_id]), week, &key).await?.into_iter().next().unwrap_or_default();
        let changes = stage_change::Entity::find()
            .filter(stage_change::Column::UnitId.eq(unit_id))
            .filter(stage_change::Column::Kind.eq("advance"))
            .filter(stage_change::Column::HappenedOn.between(week, end))
            .order_by_asc(stage_change::Column::HappenedOn)
            .all(&self.db)
            .await?;
        let ids: Vec<i64> = changes.iter().map(|c| c.project_id).collect();
        let projects: HashMap<i64, project::Model> = project::Entity::find().filter(project::Column::Id.is_in(ids)).all(&self.db).await?.into_iter().map(|p| (p.id, p)).collect();
        let moves = changes
            .iter()
            .map(|c| (c.project_id, projects.get(&c.project_id).map(|p| p.name.clone()).unwrap_or_default(), Stage::parse(&c.from_stage).unwrap_or(Stage::Lead), Stage::parse(&c.to_stage).unwrap_or(Stage::Lead), c.happened_on))
            .collect();
        let rows = follow_up::Entity::find()
            .filter(follow_up::Column::UnitId.eq(unit_id))
            .filter(follow_up::Column::HappenedOn.between(week, end))
            .order_by_desc(follow_up::Column::HappenedOn)
            .limit(300)
            .all(&self.db)
            .await?;
        let names = self.enterprise_names(rows.iter().map(|f| f.enterprise_id).collect()).await?;
        let users: HashMap<i64, String> = user::Entity::find().select_only().columns([user::Column::Id, user::Column::DisplayName]).filter(user::Column::UnitId.eq(unit_id)).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
        let follow_ups = rows
            .into_iter()
            .map(|f| FollowUpLine {
                id: f.id,
                enterprise_id: f.enterprise_id,
                enterprise: names.get(&f.enterprise_id).cloned().unwrap_or_default(),
                project_id: f.project_id,
                on: f.happened_on,
                kind: domain::target::FollowUpKind::parse(&f.kind).map_or("", |k| k.label()).to_string(),
                summary: f.summary,
                by: users.get(&f.user_id).cloned().unwrap_or_default(),
            })
            .collect();
        let today = Utc::now().date_naive();
        let open = request::Entity::find()
            .filter(request::Column::OwnerUnitId.eq(unit_id))
            .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
            .filter(request::Column::Deadline.lt(end.min(today)))
            .order_by_asc(request::Column::Deadline)
            .limit(100)
            .all(&self.db)
            .await?;
        let requests = self.agenda_items(open).await?;
        Ok(UnitWeekDetail { figures, key_projects: key, moves, follow_ups, requests })
    }

    /// For the demo data only: a note as if written at `submitted_at`.
    pub async fn demo_note(&self, week: NaiveDate, project_id: i64, input: &NoteInput, submitted_at: DateTime<Utc>) -> Result<()> {
        let p = project::Entity::find_by_id(project_id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        dispatch_note::ActiveModel {
            week: Set(week),
            unit_id: Set(p.landing_unit_id),
            project_id: Set(project_id),
            progress: Set(input.progress.clone()),
            next_plan: Set(input.next_plan.clone()),
            coordination: Set(input.coordination.clone()),
            user_id: Set(None),
            submitted_at: Set(submitted_at),
            updated_at: Set(submitted_at),
            version: Set(1),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(())
    }

    /// Frozen weeks in which a unit reported late or not at all, from `start` to `end`:
    /// (unit id, week, key projects late or missing).
    pub async fn late_reports(&self, start: NaiveDate, end: NaiveDate) -> Result<Vec<(i64, NaiveDate, i64)>> {
        let rows = dispatch_report::Entity::find().filter(dispatch_report::Column::Week.between(start, end)).order_by_asc(dispatch_report::Column::Week).all(&self.db).await?;
        let mut out = Vec::new();
        for row in rows {
            let report: CityReport = serde_json::from_str(&row.body).map_err(|e| StoreError::Invalid(format!("调度报告无法读取：{e}")))?;
            for u in report.units.iter().filter(|u| u.late()) {
                out.push((u.unit_id, report.week, u.notes_late + u.notes_missing));
            }
        }
        Ok(out)
    }

    /// Weeks already frozen, newest first.
    pub async fn frozen_weeks(&self, limit: u64) -> Result<Vec<NaiveDate>> {
        Ok(dispatch_report::Entity::find().select_only().column(dispatch_report::Column::Week).order_by_desc(dispatch_report::Column::Week).limit(limit).into_tuple().all(&self.db).await?)
    }

    /// How many of a unit's key projects still need this week's note, with the week and its deadline,
    /// once the reminder window before the deadline has opened (for the home page); `None` before.
    pub async fn notes_due(&self, unit_id: i64) -> Result<Option<(NaiveDate, usize, DateTime<Utc>)>> {
        let now = Utc::now();
        let week = domain::dispatch::current_week(now);
        let rules = self.dispatch_rules().await?;
        let deadline = rules.deadline(week);
        // Before the reminder window opens there is nothing to say, so nothing is counted.
        if now + Duration::hours(rules.remind_hours_before) < deadline {
            return Ok(None);
        }
        let frozen = dispatch_report::Entity::find().filter(dispatch_report::Column::Week.eq(week)).one(&self.db).await?.is_some();
        let due = if frozen { 0 } else { self.key_projects(Some(&[unit_id]), week, now).await?.iter().filter(|k| k.note.is_none()).count() };
        Ok(Some((week, due, deadline)))
    }
}
