//! Promotion events (招商活动): planned and recorded with organiser, city and dates, the companies
//! and contacts that took part, the projects made or signed there (集中签约), and the effect
//! afterwards — leads, signings, starts, funds in place — per event and per kind, counted by
//! `domain::event::Effect` (only verified, eligible, non-duplicate stages count).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::event::{self as rules, Contribution, Effect, EventFacts, EventKind, EventStatus, LinkedProject, Relation};
use domain::project::{Duplicate, Stage, State, Verification};

use crate::audit::{self, Event};
use crate::entities::{contact, credit_share, enterprise, event, event_participant, event_project, follow_up, project, user};
use crate::projects::ProjectInput;
use crate::units::active_unit;
use crate::{Result, Store, StoreError, Who};

/// Most events a list shows (a city holds a few dozen a year).
const LIST_LIMIT: u64 = 1000;
const MAX_NOTE_CHARS: usize = 200;

/// What the event form holds.
#[derive(Debug, Clone, Serialize)]
pub struct EventInput {
    pub kind: EventKind,
    pub name: String,
    pub city: String,
    pub venue: String,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub organizer_unit_id: i64,
    pub status: EventStatus,
    pub summary: String,
}

impl EventInput {
    pub fn check(&self, today: NaiveDate) -> Vec<String> {
        rules::check(
            &EventFacts { name: &self.name, city: &self.city, venue: &self.venue, start_on: self.start_on, end_on: self.end_on, status: self.status, summary: &self.summary },
            today,
        )
    }
}

#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    /// Events starting in this year.
    pub year: Option<i32>,
    pub kind: Option<EventKind>,
    pub unit_id: Option<i64>,
    pub status: Option<EventStatus>,
}

/// One event of a list, with its figures.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub event: event::Model,
    pub kind: EventKind,
    pub status: EventStatus,
    pub organizer: String,
    /// Companies that took part.
    pub participants: i64,
    pub effect: Effect,
}

/// The events of one kind over a filtered list.
#[derive(Debug, Clone, Serialize)]
pub struct KindFigure {
    /// `None` for the total line.
    pub kind: Option<EventKind>,
    pub events: i64,
    /// Companies that took part, summed over the events (家次).
    pub participants: i64,
    /// Each project once, however many events of the kind it is linked to.
    pub effect: Effect,
}

/// A company (and contact) at an event as the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ParticipantRow {
    pub participant: event_participant::Model,
    pub enterprise: String,
    pub contact: Option<contact::Model>,
}

/// A project linked to an event, with what it adds to the effect.
#[derive(Debug, Clone, Serialize)]
pub struct LinkedRow {
    pub project: project::Model,
    /// (relation, link id) of each tie.
    pub links: Vec<(Relation, i64)>,
    pub investor: String,
    pub landing_unit: String,
    /// Units taking part in the project (landing, source, credit shares): who may read it.
    pub units: Vec<i64>,
    #[serde(skip)]
    pub contribution: Contribution,
}

impl LinkedRow {
    pub fn has(&self, relation: Relation) -> bool {
        self.links.iter().any(|(r, _)| *r == relation)
    }
}

/// A follow-up made at the event.
#[derive(Debug, Clone, Serialize)]
pub struct EventFollowUp {
    pub follow_up: follow_up::Model,
    pub enterprise: String,
    pub unit: String,
    pub user: String,
}

/// Everything the event page shows.
#[derive(Debug, Clone, Serialize)]
pub struct EventDetail {
    pub event: event::Model,
    pub kind: EventKind,
    pub status: EventStatus,
    pub organizer: String,
    pub created_by: String,
    pub participants: Vec<ParticipantRow>,
    pub projects: Vec<LinkedRow>,
    pub effect: Effect,
    pub follow_ups: Vec<EventFollowUp>,
}

fn kind_of(e: &event::Model) -> EventKind {
    EventKind::parse(&e.kind).unwrap_or(EventKind::Other)
}

fn status_of(e: &event::Model) -> EventStatus {
    EventStatus::parse(&e.status).unwrap_or(EventStatus::Planned)
}

/// A project as the effect rule sees it, tied to an event as `relation`.
fn linked(p: &project::Model, relation: Relation) -> LinkedProject {
    let verification = |code: &str| Verification::parse(code).unwrap_or(Verification::Pending);
    LinkedProject {
        project_id: p.id,
        lead: relation == Relation::Lead,
        signed_here: relation == Relation::Signed,
        stage: Stage::parse(&p.stage).unwrap_or(Stage::Lead),
        state: State::parse(&p.state).unwrap_or(State::Active),
        eligible: p.eligible,
        duplicate: Duplicate::parse(&p.duplicate).unwrap_or(Duplicate::None),
        signed_verification: verification(&p.signed_verification),
        started_verification: verification(&p.started_verification),
        total_hundredths: p.total_wan,
        funds_hundredths: p.funds_verified_wan,
    }
}

fn trimmed(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

impl Store {
    pub async fn event(&self, id: i64) -> Result<event::Model> {
        event::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个活动".into()))
    }

    /// Events as filtered, latest first, each with its participants and effect.
    pub async fn list_events(&self, f: &EventFilter) -> Result<Vec<EventRow>> {
        let mut q = event::Entity::find();
        if let Some(year) = f.year
            && let (Some(from), Some(to)) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31))
        {
            q = q.filter(event::Column::StartOn.between(from, to));
        }
        if let Some(k) = f.kind {
            q = q.filter(event::Column::Kind.eq(k.code()));
        }
        if let Some(u) = f.unit_id {
            q = q.filter(event::Column::OrganizerUnitId.eq(u));
        }
        if let Some(s) = f.status {
            q = q.filter(event::Column::Status.eq(s.code()));
        }
        let events = q.order_by_desc(event::Column::StartOn).order_by_desc(event::Column::Id).limit(LIST_LIMIT).all(&self.db).await?;
        let ids: Vec<i64> = events.iter().map(|e| e.id).collect();
        let units = self.unit_names().await?;
        let mut participants: HashMap<i64, HashSet<i64>> = HashMap::new();
        let mut links: HashMap<i64, Vec<LinkedProject>> = HashMap::new();
        for chunk in ids.chunks(500) {
            let rows: Vec<(i64, i64)> = event_participant::Entity::find()
                .select_only()
                .columns([event_participant::Column::EventId, event_participant::Column::EnterpriseId])
                .filter(event_participant::Column::EventId.is_in(chunk.to_vec()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (event_id, enterprise_id) in rows {
                participants.entry(event_id).or_default().insert(enterprise_id);
            }
            let ties = event_project::Entity::find().filter(event_project::Column::EventId.is_in(chunk.to_vec())).all(&self.db).await?;
            let project_ids: Vec<i64> = ties.iter().map(|t| t.project_id).collect::<HashSet<_>>().into_iter().collect();
            let mut projects: HashMap<i64, project::Model> = HashMap::new();
            for ids in project_ids.chunks(500) {
                for p in project::Entity::find().filter(project::Column::Id.is_in(ids.to_vec())).all(&self.db).await? {
                    projects.insert(p.id, p);
                }
            }
            for t in ties {
                if let (Some(p), Some(r)) = (projects.get(&t.project_id), Relation::parse(&t.relation)) {
                    links.entry(t.event_id).or_default().push(linked(p, r));
                }
            }
        }
        Ok(events
            .into_iter()
            .map(|e| EventRow {
                kind: kind_of(&e),
                status: status_of(&e),
                organizer: units.get(&e.organizer_unit_id).cloned().unwrap_or_default(),
                participants: participants.get(&e.id).map_or(0, |s| s.len() as i64),
                effect: Effect::of(links.get(&e.id).map_or(&[][..], Vec::as_slice)),
                event: e,
            })
            .collect())
    }

    /// The effect of listed events by kind, and a total line last. A project linked to several
    /// events of a kind counts once for the kind, and once in the total.
    pub async fn event_figures(&self, rows: &[EventRow]) -> Result<Vec<KindFigure>> {
        let ids: Vec<i64> = rows.iter().map(|r| r.event.id).collect();
        let kinds: HashMap<i64, EventKind> = rows.iter().map(|r| (r.event.id, r.kind)).collect();
        let mut by_kind: BTreeMap<EventKind, Vec<LinkedProject>> = BTreeMap::new();
        let mut all = Vec::new();
        for chunk in ids.chunks(500) {
            let ties = event_project::Entity::find().filter(event_project::Column::EventId.is_in(chunk.to_vec())).all(&self.db).await?;
            let project_ids: Vec<i64> = ties.iter().map(|t| t.project_id).collect::<HashSet<_>>().into_iter().collect();
            let mut projects: HashMap<i64, project::Model> = HashMap::new();
            for ids in project_ids.chunks(500) {
                for p in project::Entity::find().filter(project::Column::Id.is_in(ids.to_vec())).all(&self.db).await? {
                    projects.insert(p.id, p);
                }
            }
            for t in ties {
                if let (Some(p), Some(r), Some(k)) = (projects.get(&t.project_id), Relation::parse(&t.relation), kinds.get(&t.event_id)) {
                    let l = linked(p, r);
                    by_kind.entry(*k).or_default().push(l.clone());
                    all.push(l);
                }
            }
        }
        let mut out: Vec<KindFigure> = EventKind::ALL
            .iter()
            .filter_map(|k| {
                let of_kind: Vec<&EventRow> = rows.iter().filter(|r| r.kind == *k).collect();
                (!of_kind.is_empty()).then(|| KindFigure {
                    kind: Some(*k),
                    events: of_kind.len() as i64,
                    participants: of_kind.iter().map(|r| r.participants).sum(),
                    effect: Effect::of(by_kind.get(k).map_or(&[][..], Vec::as_slice)),
                })
            })
            .collect();
        out.push(KindFigure { kind: None, events: rows.len() as i64, participants: rows.iter().map(|r| r.participants).sum(), effect: Effect::of(&all) });
        Ok(out)
    }

    /// One event with its participants, linked projects, effect and follow-ups (those
    /// `visibility` may see).
    pub async fn event_detail(&self, id: i64, visibility: Visibility) -> Result<EventDetail> {
        let e = self.event(id).await?;
        let units = self.unit_names().await?;
        let created_by = match e.created_by {
            Some(u) => user::Entity::find_by_id(u).one(&self.db).await?.map(|u| u.display_name).unwrap_or_default(),
            None => "系统".into(),
        };

        let rows = event_participant::Entity::find().filter(event_participant::Column::EventId.eq(id)).order_by_asc(event_participant::Column::Id).all(&self.db).await?;
        let names = self.enterprise_names(rows.iter().map(|p| p.enterprise_id).collect()).await?;
        let contact_ids: Vec<i64> = rows.iter().filter_map(|p| p.contact_id).collect();
        let contacts: HashMap<i64, contact::Model> = contact::Entity::find().filter(contact::Column::Id.is_in(contact_ids)).all(&self.db).await?.into_iter().map(|c| (c.id, c)).collect();
        let participants = rows
            .into_iter()
            .map(|p| ParticipantRow {
                enterprise: names.get(&p.enterprise_id).cloned().unwrap_or_default(),
                contact: p.contact_id.and_then(|c| contacts.get(&c).cloned()),
                participant: p,
            })
            .collect();

        let ties = event_project::Entity::find().filter(event_project::Column::EventId.eq(id)).order_by_asc(event_project::Column::Id).all(&self.db).await?;
        let project_ids: Vec<i64> = ties.iter().map(|t| t.project_id).collect();
        let projects: HashMap<i64, project::Model> = project::Entity::find().filter(project::Column::Id.is_in(project_ids.clone())).all(&self.db).await?.into_iter().map(|p| (p.id, p)).collect();
        let investors: HashMap<i64, String> = enterprise::Entity::find()
            .select_only()
            .columns([enterprise::Column::Id, enterprise::Column::Name])
            .filter(enterprise::Column::Id.is_in(projects.values().map(|p| p.enterprise_id).collect::<Vec<_>>()))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let shares: Vec<(i64, i64)> = credit_share::Entity::find()
            .select_only()
            .columns([credit_share::Column::ProjectId, credit_share::Column::UnitId])
            .filter(credit_share::Column::ProjectId.is_in(project_ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut linked_rows: Vec<LinkedRow> = Vec::new();
        let mut all = Vec::new();
        for t in &ties {
            let (Some(p), Some(relation)) = (projects.get(&t.project_id), Relation::parse(&t.relation)) else { continue };
            all.push(linked(p, relation));
            if let Some(row) = linked_rows.iter_mut().find(|r| r.project.id == p.id) {
                row.links.push((relation, t.id));
                continue;
            }
            let mut project_units = vec![p.landing_unit_id, p.source_unit_id];
            project_units.extend(shares.iter().filter(|(pid, _)| *pid == p.id).map(|(_, u)| *u));
            linked_rows.push(LinkedRow {
                project: p.clone(),
                links: vec![(relation, t.id)],
                investor: investors.get(&p.enterprise_id).cloned().unwrap_or_default(),
                landing_unit: units.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                units: project_units,
                contribution: rules::contribution(&linked(p, relation)),
            });
        }
        // A project tied both ways is judged with both ties.
        for row in &mut linked_rows {
            let mut l = linked(&row.project, Relation::Lead);
            l.lead = row.has(Relation::Lead);
            l.signed_here = row.has(Relation::Signed);
            row.contribution = rules::contribution(&l);
        }

        let mut q = follow_up::Entity::find().filter(follow_up::Column::EventId.eq(id));
        q = match visibility {
            Visibility::All => q,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => q.filter(follow_up::Column::UnitId.eq(u)),
        };
        let rows = q.order_by_desc(follow_up::Column::HappenedOn).limit(100).all(&self.db).await?;
        let names = self.enterprise_names(rows.iter().map(|f| f.enterprise_id).collect()).await?;
        let user_ids: Vec<i64> = rows.iter().map(|f| f.user_id).collect();
        let users: HashMap<i64, String> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName])
            .filter(user::Column::Id.is_in(user_ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let follow_ups = rows
            .into_iter()
            .map(|f| EventFollowUp {
                enterprise: names.get(&f.enterprise_id).cloned().unwrap_or_default(),
                unit: units.get(&f.unit_id).cloned().unwrap_or_default(),
                user: users.get(&f.user_id).cloned().unwrap_or_default(),
                follow_up: f,
            })
            .collect();

        Ok(EventDetail {
            kind: kind_of(&e),
            status: status_of(&e),
            organizer: units.get(&e.organizer_unit_id).cloned().unwrap_or_default(),
            created_by,
            participants,
            projects: linked_rows,
            effect: Effect::of(&all),
            follow_ups,
            event: e,
        })
    }

    /// The events a project is linked to, latest first, with how.
    pub async fn project_events(&self, project_id: i64) -> Result<Vec<(event::Model, Vec<Relation>)>> {
        let ties = event_project::Entity::find().filter(event_project::Column::ProjectId.eq(project_id)).all(&self.db).await?;
        let ids: Vec<i64> = ties.iter().map(|t| t.event_id).collect();
        let events = event::Entity::find().filter(event::Column::Id.is_in(ids)).order_by_desc(event::Column::StartOn).all(&self.db).await?;
        Ok(events
            .into_iter()
            .map(|e| {
                let relations = ties.iter().filter(|t| t.event_id == e.id).filter_map(|t| Relation::parse(&t.relation)).collect();
                (e, relations)
            })
            .collect())
    }

    /// Events a unit may tie a new lead to: its own (or every one, for the bureau) not cancelled,
    /// latest first.
    pub async fn open_events(&self, organizer_unit_id: Option<i64>, limit: u64) -> Result<Vec<event::Model>> {
        let mut q = event::Entity::find().filter(event::Column::Status.ne(EventStatus::Cancelled.code()));
        if let Some(u) = organizer_unit_id {
            q = q.filter(event::Column::OrganizerUnitId.eq(u));
        }
        Ok(q.order_by_desc(event::Column::StartOn).limit(limit).all(&self.db).await?)
    }

    pub async fn create_event(&self, who: &Who, input: &EventInput) -> Result<event::Model> {
        let errors = input.check(Utc::now().date_naive());
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.join("；")));
        }
        let txn = self.begin_write().await?;
        active_unit(&txn, input.organizer_unit_id, "主办单位").await?;
        let now = Utc::now();
        let row = event::ActiveModel {
            kind: Set(input.kind.code().into()),
            name: Set(input.name.trim().into()),
            city: Set(input.city.trim().into()),
            venue: Set(input.venue.trim().into()),
            start_on: Set(input.start_on),
            end_on: Set(input.end_on),
            organizer_unit_id: Set(input.organizer_unit_id),
            status: Set(input.status.code().into()),
            summary: Set(input.summary.trim().into()),
            created_by: Set(who.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "event", row.id).change(None, Some(&row)).detail(format!("{}「{}」（{}，{}）", input.kind.label(), row.name, row.city, row.start_on))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Changes an event; `version` is the one the form was opened at.
    pub async fn update_event(&self, who: &Who, id: i64, version: i32, input: &EventInput) -> Result<event::Model> {
        let errors = input.check(Utc::now().date_naive());
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.join("；")));
        }
        let txn = self.begin_write().await?;
        let before = event::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个活动".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个活动在您打开之后已被他人修改（现在是第 {} 版），您的修改没有保存，请刷新后再改", before.version)));
        }
        if input.organizer_unit_id != before.organizer_unit_id {
            active_unit(&txn, input.organizer_unit_id, "主办单位").await?;
        }
        let mut row = before.clone().into_active_model();
        row.kind = Set(input.kind.code().into());
        row.name = Set(input.name.trim().into());
        row.city = Set(input.city.trim().into());
        row.venue = Set(input.venue.trim().into());
        row.start_on = Set(input.start_on);
        row.end_on = Set(input.end_on);
        row.organizer_unit_id = Set(input.organizer_unit_id);
        row.status = Set(input.status.code().into());
        row.summary = Set(input.summary.trim().into());
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "event", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Adds a company (and one of its contacts) to an event's participants.
    pub async fn add_participant(&self, who: &Who, event_id: i64, enterprise_id: i64, contact_id: Option<i64>, note: &str) -> Result<event_participant::Model> {
        let txn = self.begin_write().await?;
        let e = event::Entity::find_by_id(event_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个活动".into()))?;
        rules::accepts_changes(status_of(&e)).map_err(StoreError::Invalid)?;
        let ent = enterprise::Entity::find_by_id(enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid(format!("企业库中没有编号为 {enterprise_id} 的企业")))?;
        // A company merged into another takes part as the one it was merged into.
        let ent = match ent.merged_into_id {
            Some(m) => enterprise::Entity::find_by_id(m).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选企业已合并，合并后的企业不存在".into()))?,
            None => ent,
        };
        if let Some(c) = contact_id {
            let c = contact::Entity::find_by_id(c).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选联系人不存在".into()))?;
            if c.enterprise_id != ent.id && c.enterprise_id != enterprise_id {
                return Err(StoreError::Invalid("联系人不属于所选企业".into()));
            }
        }
        let mut existing = event_participant::Entity::find().filter(event_participant::Column::EventId.eq(event_id)).filter(event_participant::Column::EnterpriseId.eq(ent.id));
        existing = match contact_id {
            Some(c) => existing.filter(event_participant::Column::ContactId.eq(c)),
            None => existing.filter(event_participant::Column::ContactId.is_null()),
        };
        if existing.one(&txn).await?.is_some() {
            return Err(StoreError::Invalid(format!("「{}」已在参会名单中", ent.name)));
        }
        let row = event_participant::ActiveModel {
            event_id: Set(event_id),
            enterprise_id: Set(ent.id),
            contact_id: Set(contact_id),
            note: Set(trimmed(note, MAX_NOTE_CHARS)),
            added_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "event_participant", row.id).change(None, Some(&row)).detail(format!("「{}」参加活动「{}」", ent.name, e.name))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn remove_participant(&self, who: &Who, event_id: i64, participant_id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let p = event_participant::Entity::find_by_id(participant_id).one(&txn).await?.filter(|p| p.event_id == event_id).ok_or_else(|| StoreError::NotFound("参会名单中没有这一项".into()))?;
        event_participant::Entity::delete_by_id(participant_id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "event_participant", participant_id).change(Some(&p), None)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Ties a project to an event as a lead made there or as signed there. The caller checks
    /// that the user may change both.
    pub async fn link_project(&self, who: &Who, event_id: i64, project_id: i64, relation: Relation) -> Result<event_project::Model> {
        let txn = self.begin_write().await?;
        let e = event::Entity::find_by_id(event_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个活动".into()))?;
        rules::accepts_changes(status_of(&e)).map_err(StoreError::Invalid)?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid(format!("没有编号为 {project_id} 的项目")))?;
        let row = insert_link(&txn, who, &e, &p, relation).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn unlink_project(&self, who: &Who, event_id: i64, link_id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let link = event_project::Entity::find_by_id(link_id).one(&txn).await?.filter(|l| l.event_id == event_id).ok_or_else(|| StoreError::NotFound("本活动没有关联这个项目".into()))?;
        event_project::Entity::delete_by_id(link_id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "event_project", link_id).change(Some(&link), None)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// A project as typed on the event page: its code (XM2026-00012) or its number.
    pub async fn project_by_ref(&self, text: &str) -> Result<Option<project::Model>> {
        let text = text.trim();
        if let Some(p) = project::Entity::find().filter(project::Column::Code.eq(text.to_uppercase())).one(&self.db).await? {
            return Ok(Some(p));
        }
        match text.parse::<i64>() {
            Ok(id) if id > 0 => Ok(project::Entity::find_by_id(id).one(&self.db).await?),
            _ => Ok(None),
        }
    }

    /// For the demo data only: a follow-up of kind `event` made at an event, as if logged then.
    pub async fn demo_event_follow_up(&self, event_id: i64, enterprise_id: i64, user_id: i64, unit_id: i64, on: NaiveDate, summary: &str) -> Result<()> {
        // A write transaction, so that the search outbox names its writer (none, in the generator).
        let txn = self.begin_write().await?;
        follow_up::ActiveModel {
            enterprise_id: Set(enterprise_id),
            unit_id: Set(unit_id),
            user_id: Set(user_id),
            event_id: Set(Some(event_id)),
            happened_on: Set(on),
            kind: Set(domain::target::FollowUpKind::Event.code().into()),
            place: Set(String::new()),
            participants: Set(String::new()),
            summary: Set(summary.into()),
            next_step: Set(String::new()),
            next_done: Set(false),
            client_key: Set(format!("event-{event_id}-{enterprise_id}")),
            created_at: Set(on.and_hms_opt(18, 0, 0).map_or_else(Utc::now, |t| t.and_utc())),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn event_link(&self, link_id: i64) -> Result<event_project::Model> {
        event_project::Entity::find_by_id(link_id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条关联".into()))
    }

    /// Registers a lead that came from an event (source channel 活动招商) and ties it to the event,
    /// in one transaction. The caller checks that the user may change the event and the units.
    pub async fn create_event_lead(&self, who: &Who, event_id: i64, input: &ProjectInput, lead_on: NaiveDate, target_id: Option<i64>) -> Result<project::Model> {
        let errors = input.check();
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")));
        }
        if lead_on > Utc::now().date_naive() {
            return Err(StoreError::Invalid("线索日期不能晚于今天".into()));
        }
        let txn = self.begin_write().await?;
        let e = event::Entity::find_by_id(event_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选活动不存在".into()))?;
        rules::accepts_changes(status_of(&e)).map_err(StoreError::Invalid)?;
        let created = crate::projects::insert_project(&txn, who, input, lead_on, target_id).await?;
        insert_link(&txn, who, &e, &created, Relation::Lead).await?;
        txn.commit().await?;
        Ok(created)
    }
}

async fn insert_link(txn: &sea_orm::DatabaseTransaction, who: &Who, e: &event::Model, p: &project::Model, relation: Relation) -> Result<event_project::Model> {
    let existing = event_project::Entity::find()
        .filter(event_project::Column::EventId.eq(e.id))
        .filter(event_project::Column::ProjectId.eq(p.id))
        .filter(event_project::Column::Relation.eq(relation.code()))
        .one(txn)
        .await?;
    if existing.is_some() {
        return Err(StoreError::Invalid(format!("项目 {} 已作为「{}」关联到本活动", p.code, relation.label())));
    }
    let row = event_project::ActiveModel {
        event_id: Set(e.id),
        project_id: Set(p.id),
        relation: Set(relation.code().into()),
        added_by: Set(who.user_id),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    audit::append(txn, who, Event::new("create", "event_project", row.id).change(None, Some(&row)).detail(format!("项目 {} 作为「{}」关联到活动「{}」", p.code, relation.label(), e.name))).await?;
    Ok(row)
}
