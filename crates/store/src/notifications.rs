//! Reminders and notifications: the reminder rules worked out over the records, the in-app
//! notification centre, the delivery channels of units and people, and the outbox the sender
//! works through.
//!
//! Each reminder goes out once however many instances run: notifications are unique per
//! (key, person) and deliveries per (key, channel), inserted with ON CONFLICT DO NOTHING; a
//! sender takes a delivery with one conditional UPDATE that only one sender can win, and only the
//! holder of that claim may record the outcome.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, TryInsertResult};
use serde::Serialize;

use domain::notify::{self, ChannelKind, DigestCounts, MissingNotes, Person, Reminder, ReminderRules, Rule, StaleTargets};
use domain::project::{RequestCategory, RequestStatus, Verification};
use domain::target::Engagement;
use domain::Role;

use crate::audit::{self, Event};
use crate::entities::{delivery, follow_up, funds_report, notification, notify_channel, project, request, stage_change, target, unit, user};
use crate::{settings, Result, Store, StoreError, Who};

pub const REMINDER_RULES: &str = "reminder_rules";
/// Settings keys `reminders_done:<family>` hold the last period (day or week) worked out.
const DONE_PREFIX: &str = "reminders_done:";

pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// Channels one person or one unit may have.
const MAX_CHANNELS: u64 = 10;

/// What one evaluation did: reminders worked out per rule, rows added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub reminders: Vec<(Rule, usize)>,
    pub notifications: u64,
    pub deliveries: u64,
}

/// Whose a channel is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChannelOwner {
    Unit(i64),
    User(i64),
}

/// A channel as typed in. On an update an empty address or secret keeps the stored one (they
/// are never shown back, so they cannot be typed again).
#[derive(Debug, Clone)]
pub struct ChannelInput {
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub secret: String,
    pub rules: Vec<Rule>,
    pub enabled: bool,
}

/// A channel as pages show it: address and secret masked, and how its deliveries are going.
#[derive(Debug, Clone, Serialize)]
pub struct ChannelView {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub user_id: Option<i64>,
    pub owner: String,
    pub kind: ChannelKind,
    pub name: String,
    pub address: String,
    pub secret: String,
    pub rules: Vec<Rule>,
    pub enabled: bool,
    pub pending: u64,
    pub failed: u64,
    pub last_error: String,
    pub last_sent: Option<DateTime<Utc>>,
}

/// A delivery the sender may take now, with its channel.
#[derive(Debug, Clone)]
pub struct Due {
    pub delivery: delivery::Model,
    pub channel: notify_channel::Model,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Worth trying again later (network, platform busy, platform error).
    Failed(String),
    /// Will not get better by waiting (no mail server configured, address refused).
    Permanent(String),
    /// The channel was switched off or removed meanwhile.
    Cancelled(String),
}

/// A delivery as the admins' list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct DeliveryRow {
    pub delivery: delivery::Model,
    pub channel_name: String,
    pub kind: ChannelKind,
    pub owner: String,
}

#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    /// pending, retrying (pending after a failure), sent, failed, cancelled; empty for all.
    pub status: String,
    pub limit: u64,
}

fn to_person(u: &user::Model) -> Person {
    Person { id: u.id, unit_id: u.unit_id, roles: Role::parse_list(&u.roles).unwrap_or_default() }
}

fn inserted(result: TryInsertResult<u64>) -> u64 {
    match result {
        TryInsertResult::Inserted(n) => n,
        _ => 0,
    }
}

fn rule_list(rules: &[Rule]) -> String {
    rules.iter().map(|r| r.code()).collect::<Vec<_>>().join(",")
}

impl Store {
    pub async fn reminder_rules(&self) -> Result<ReminderRules> {
        match settings::get(&self.db, REMINDER_RULES).await? {
            Some(text) => ReminderRules::parse(&text).map_err(StoreError::Invalid),
            None => Ok(ReminderRules::default()),
        }
    }

    pub async fn set_reminder_rules(&self, who: &Who, rules: &ReminderRules) -> Result<()> {
        rules.check().map_err(StoreError::Invalid)?;
        let before = self.reminder_rules().await?;
        let txn = self.begin_write().await?;
        settings::set(&txn, REMINDER_RULES, &rules.to_toml()).await?;
        audit::append(&txn, who, Event::new("update", "reminder_rules", "").change(Some(&before), Some(rules))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Active accounts, as the rules need them.
    async fn people(&self) -> Result<Vec<Person>> {
        Ok(user::Entity::find().filter(user::Column::Active.eq(true)).all(&self.db).await?.iter().map(to_person).collect())
    }

    async fn done(&self, family: &str, period: &str) -> Result<bool> {
        Ok(settings::get(&self.db, &format!("{DONE_PREFIX}{family}")).await?.as_deref() == Some(period))
    }

    async fn mark_done(&self, family: &str, period: &str) -> Result<()> {
        settings::set(&self.db, &format!("{DONE_PREFIX}{family}"), period).await
    }

    /// Works out every rule that is due at `now` and queues its reminders. Daily rules run once a
    /// day (weekly ones once a week) within the rules' hours; a family is marked done only after
    /// its reminders are in, so a crash halfway is made good at the next run, and two instances
    /// running at once insert each reminder once.
    pub async fn evaluate_reminders(&self, now: DateTime<Utc>) -> Result<Evaluation> {
        let rules = self.reminder_rules().await?;
        let mut out = Evaluation::default();
        if !rules.in_hours(now) {
            return Ok(out);
        }
        let today = notify::china_today(now);
        let day = today.to_string();
        let week = domain::dispatch::week_of(today).to_string();
        let people = self.people().await?;

        if !self.done("next_steps", &day).await? {
            let reminders = self.next_step_reminders(&rules, today, &people).await?;
            self.queue_family(&mut out, reminders, now).await?;
            self.mark_done("next_steps", &day).await?;
        }
        if !self.done("requests", &day).await? {
            let reminders = self.request_reminders(&rules, today, &people).await?;
            self.queue_family(&mut out, reminders, now).await?;
            self.mark_done("requests", &day).await?;
        }
        if !self.done("verifications", &day).await? {
            let reminders = self.verification_reminders(&rules, now, today, &people).await?;
            self.queue_family(&mut out, reminders, now).await?;
            self.mark_done("verifications", &day).await?;
        }
        if !self.done("targets", &week).await? {
            let reminders = self.stale_reminders(&rules, today, &people).await?;
            self.queue_family(&mut out, reminders, now).await?;
            self.mark_done("targets", &week).await?;
        }
        let dispatch_week = domain::dispatch::current_week(now).to_string();
        if !self.done("dispatch", &dispatch_week).await? {
            // Done for the week only once the reminder window has opened.
            if let Some(reminders) = self.dispatch_reminders(&rules, now, &people).await? {
                self.queue_family(&mut out, reminders, now).await?;
                self.mark_done("dispatch", &dispatch_week).await?;
            }
        }
        if !self.done("digest", &day).await? {
            let reminders = self.digest_reminders(&rules, now, today, &people).await?;
            self.queue_family(&mut out, reminders, now).await?;
            self.mark_done("digest", &day).await?;
            self.purge_notifications(now).await?;
        }
        Ok(out)
    }

    async fn queue_family(&self, out: &mut Evaluation, reminders: Vec<Reminder>, now: DateTime<Utc>) -> Result<()> {
        let mut per_rule: Vec<(Rule, usize)> = Vec::new();
        for r in &reminders {
            match per_rule.iter_mut().find(|(rule, _)| *rule == r.rule) {
                Some((_, n)) => *n += 1,
                None => per_rule.push((r.rule, 1)),
            }
        }
        let (n, d) = self.enqueue(&reminders, now).await?;
        out.reminders.extend(per_rule);
        out.notifications += n;
        out.deliveries += d;
        Ok(())
    }

    async fn next_step_reminders(&self, rules: &ReminderRules, today: NaiveDate, people: &[Person]) -> Result<Vec<Reminder>> {
        let (due, overdue) = (rules.next_step_due, rules.next_step_overdue);
        if !due.enabled && !overdue.enabled {
            return Ok(Vec::new());
        }
        let from = today - Duration::days(overdue.days + notify::LOOKBACK_DAYS);
        let until = today + Duration::days(due.days.max(0));
        let rows = follow_up::Entity::find()
            .filter(follow_up::Column::NextDone.eq(false))
            .filter(follow_up::Column::NextDue.between(from, until))
            .all(&self.db)
            .await?;
        let names = self.enterprise_names(rows.iter().map(|f| f.enterprise_id).collect()).await?;
        let users: HashMap<i64, String> = user::Entity::find().select_only().columns([user::Column::Id, user::Column::DisplayName]).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
        Ok(rows
            .iter()
            .filter_map(|f| {
                let step = notify::NextStep {
                    follow_up_id: f.id,
                    enterprise_id: f.enterprise_id,
                    target_id: f.target_id,
                    enterprise: names.get(&f.enterprise_id).cloned().unwrap_or_default(),
                    step: f.next_step.clone(),
                    due: f.next_due?,
                    user_id: f.user_id,
                    person: users.get(&f.user_id).cloned().unwrap_or_default(),
                    unit_id: f.unit_id,
                };
                notify::next_step_reminder(rules, &step, today, people)
            })
            .collect())
    }

    async fn request_reminders(&self, rules: &ReminderRules, today: NaiveDate, people: &[Person]) -> Result<Vec<Reminder>> {
        let setting = rules.request_overdue;
        if !setting.enabled {
            return Ok(Vec::new());
        }
        let from = today - Duration::days(setting.days + notify::LOOKBACK_DAYS);
        let until = today - Duration::days(setting.days);
        let rows = request::Entity::find()
            .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
            .filter(request::Column::Deadline.between(from, until))
            .all(&self.db)
            .await?;
        let names = self.enterprise_names(rows.iter().map(|r| r.enterprise_id).collect()).await?;
        let projects: HashMap<i64, project::Model> = project::Entity::find().filter(project::Column::Id.is_in(rows.iter().filter_map(|r| r.project_id).collect::<Vec<_>>())).all(&self.db).await?.into_iter().map(|p| (p.id, p)).collect();
        let units = self.unit_names().await?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                // A confidential project's investor is named only by the codename.
                let investor = match r.project_id.and_then(|p| projects.get(&p)) {
                    Some(p) if p.confidential => crate::projects::public_name(p),
                    _ => names.get(&r.enterprise_id).cloned().unwrap_or_default(),
                };
                let open = notify::OpenRequest {
                    request_id: r.id,
                    project_id: r.project_id,
                    investor,
                    category: RequestCategory::parse(&r.category).map_or("其他", |c| c.label()).to_string(),
                    text: r.text.clone(),
                    deadline: r.deadline,
                    owner_unit_id: r.owner_unit_id,
                    owner_unit: units.get(&r.owner_unit_id).cloned().unwrap_or_default(),
                    raised_by_unit_id: r.raised_by_unit_id,
                    created_by: r.created_by,
                };
                notify::request_reminder(rules, &open, today, people)
            })
            .collect())
    }

    async fn bureau_units(&self) -> Result<Vec<i64>> {
        Ok(unit::Entity::find().select_only().column(unit::Column::Id).filter(unit::Column::Kind.eq("bureau")).filter(unit::Column::Active.eq(true)).into_tuple().all(&self.db).await?)
    }

    async fn verification_reminders(&self, rules: &ReminderRules, now: DateTime<Utc>, today: NaiveDate, people: &[Person]) -> Result<Vec<Reminder>> {
        let setting = rules.verification_waiting;
        if !setting.enabled {
            return Ok(Vec::new());
        }
        let cutoff = now - Duration::days(setting.days);
        let pending = Verification::Pending.code();
        let changes = stage_change::Entity::find().filter(stage_change::Column::Verification.eq(pending)).filter(stage_change::Column::CreatedAt.lte(cutoff));
        let funds = funds_report::Entity::find().filter(funds_report::Column::Verification.eq(pending)).filter(funds_report::Column::CreatedAt.lte(cutoff));
        let waiting = changes.clone().count(&self.db).await? + funds.clone().count(&self.db).await?;
        let oldest = [
            changes.order_by_asc(stage_change::Column::CreatedAt).one(&self.db).await?.map(|c| c.created_at),
            funds.order_by_asc(funds_report::Column::CreatedAt).one(&self.db).await?.map(|f| f.created_at),
        ]
        .into_iter()
        .flatten()
        .min()
        .map_or(today, notify::china_today);
        Ok(notify::verification_reminder(rules, waiting, oldest, today, &self.bureau_units().await?, people).into_iter().collect())
    }

    /// Targets without contact: each owner's count, and each unit's total.
    async fn stale_reminders(&self, rules: &ReminderRules, today: NaiveDate, people: &[Person]) -> Result<Vec<Reminder>> {
        let setting = rules.target_stale;
        if !setting.enabled {
            return Ok(Vec::new());
        }
        let stale = self.stale_targets(today, setting.days);
        let by_user: Vec<(Option<i64>, i64, i64)> = stale
            .clone()
            .select_only()
            .column(target::Column::OwnerUserId)
            .column(target::Column::OwnerUnitId)
            .column_as(target::Column::Id.count(), "n")
            .filter(target::Column::OwnerUserId.is_not_null())
            .group_by(target::Column::OwnerUserId)
            .group_by(target::Column::OwnerUnitId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let by_unit: Vec<(i64, i64)> = stale.select_only().column(target::Column::OwnerUnitId).column_as(target::Column::Id.count(), "n").group_by(target::Column::OwnerUnitId).into_tuple().all(&self.db).await?;
        let units = self.unit_names().await?;
        let mut out = Vec::new();
        for (user_id, unit_id, count) in by_user {
            let Some(user_id) = user_id else { continue };
            let s = StaleTargets::Person { user_id, unit_id, count: u64::try_from(count).unwrap_or(0) };
            out.extend(notify::stale_reminder(rules, &s, today, people));
        }
        for (unit_id, count) in by_unit {
            let s = StaleTargets::Unit { unit_id, unit_name: units.get(&unit_id).cloned().unwrap_or_default(), count: u64::try_from(count).unwrap_or(0) };
            out.extend(notify::stale_reminder(rules, &s, today, people));
        }
        Ok(out)
    }

    /// Targets still courted (neither converted nor dropped) without contact for `days`.
    fn stale_targets(&self, today: NaiveDate, days: i64) -> sea_orm::Select<target::Entity> {
        let cutoff = today - Duration::days(days);
        target::Entity::find()
            .filter(target::Column::Status.is_not_in([Engagement::Converted.code(), Engagement::Dropped.code()]))
            .filter(Condition::any().add(target::Column::LastContactOn.is_null()).add(target::Column::LastContactOn.lte(cutoff)))
    }

    /// Units' key projects still without this week's note, once the reminder window before the
    /// deadline has opened; `None` before that (and for a frozen week: nothing to remind).
    async fn missing_notes(&self, now: DateTime<Utc>) -> Result<Option<Vec<MissingNotes>>> {
        let dispatch = self.dispatch_rules().await?;
        let week = domain::dispatch::current_week(now);
        let deadline = dispatch.deadline(week);
        if now + Duration::hours(dispatch.remind_hours_before) < deadline {
            return Ok(None);
        }
        if self.frozen_week(week).await?.is_some() {
            return Ok(Some(Vec::new()));
        }
        let units: HashMap<i64, unit::Model> = unit::Entity::find()
            .filter(unit::Column::Active.eq(true))
            .filter(unit::Column::Kind.is_in(["county", "park", "office"]))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        let mut missing: HashMap<i64, usize> = HashMap::new();
        for k in self.key_projects(None, week, now).await?.iter().filter(|k| k.note.is_none()) {
            *missing.entry(k.unit_id).or_default() += 1;
        }
        let mut out: Vec<MissingNotes> = missing
            .into_iter()
            .filter_map(|(unit_id, n)| units.get(&unit_id).map(|u| MissingNotes { unit_id, unit_name: u.name.clone(), week, missing: n, deadline }))
            .collect();
        out.sort_by_key(|m| m.unit_id);
        Ok(Some(out))
    }

    async fn dispatch_reminders(&self, rules: &ReminderRules, now: DateTime<Utc>, people: &[Person]) -> Result<Option<Vec<Reminder>>> {
        if !rules.dispatch_note_due.enabled {
            return Ok(None);
        }
        let hours = self.dispatch_rules().await?.remind_hours_before;
        Ok(self.missing_notes(now).await?.map(|all| all.iter().filter_map(|m| notify::dispatch_reminder(rules, m, hours, now, people)).collect()))
    }

    /// One digest per person with something open: their next steps and targets; a unit head's
    /// unit's late requests and missing notes; the bureau's checks and the city's late requests.
    async fn digest_reminders(&self, rules: &ReminderRules, now: DateTime<Utc>, today: NaiveDate, people: &[Person]) -> Result<Vec<Reminder>> {
        let setting = rules.digest;
        if !setting.enabled || !setting.owner {
            return Ok(Vec::new());
        }
        let count_by = |rows: Vec<(i64, i64)>| -> HashMap<i64, u64> { rows.into_iter().map(|(k, n)| (k, u64::try_from(n).unwrap_or(0))).collect() };
        let steps = |due: Condition| {
            follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::UserId)
                .column_as(follow_up::Column::Id.count(), "n")
                .filter(follow_up::Column::NextDone.eq(false))
                .filter(due)
                .group_by(follow_up::Column::UserId)
                .into_tuple::<(i64, i64)>()
        };
        let due_today = count_by(steps(Condition::all().add(follow_up::Column::NextDue.eq(today))).all(&self.db).await?);
        let overdue = count_by(steps(Condition::all().add(follow_up::Column::NextDue.lt(today))).all(&self.db).await?);
        let stale_days = rules.target_stale.days;
        let stale: HashMap<i64, u64> = self
            .stale_targets(today, stale_days)
            .select_only()
            .column(target::Column::OwnerUserId)
            .column_as(target::Column::Id.count(), "n")
            .filter(target::Column::OwnerUserId.is_not_null())
            .group_by(target::Column::OwnerUserId)
            .into_tuple::<(Option<i64>, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|(u, n)| Some((u?, u64::try_from(n).unwrap_or(0))))
            .collect();
        let late_requests = count_by(
            request::Entity::find()
                .select_only()
                .column(request::Column::OwnerUnitId)
                .column_as(request::Column::Id.count(), "n")
                .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
                .filter(request::Column::Deadline.lt(today))
                .group_by(request::Column::OwnerUnitId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let city_late: u64 = late_requests.values().sum();
        let notes: HashMap<i64, u64> = self.missing_notes(now).await?.unwrap_or_default().into_iter().map(|m| (m.unit_id, m.missing as u64)).collect();
        let verifications = self.count_pending_verifications().await?;
        let unread = count_by(
            notification::Entity::find()
                .select_only()
                .column(notification::Column::UserId)
                .column_as(notification::Column::Id.count(), "n")
                .filter(notification::Column::ReadAt.is_null())
                .group_by(notification::Column::UserId)
                .into_tuple()
                .all(&self.db)
                .await?,
        );
        let get = |m: &HashMap<i64, u64>, k: i64| m.get(&k).copied().unwrap_or(0);
        Ok(people
            .iter()
            .filter_map(|p| {
                let head = p.roles.contains(&Role::UnitHead);
                let bureau = p.roles.contains(&Role::Bureau);
                let counts = DigestCounts {
                    steps_due_today: get(&due_today, p.id),
                    steps_overdue: get(&overdue, p.id),
                    stale_targets: get(&stale, p.id),
                    stale_days,
                    unit_requests_overdue: head.then(|| get(&late_requests, p.unit_id)),
                    unit_notes_missing: head.then(|| get(&notes, p.unit_id)),
                    verifications: bureau.then_some(verifications),
                    city_requests_overdue: bureau.then_some(city_late),
                    unread: get(&unread, p.id),
                };
                notify::digest_reminder(p.id, &counts, today)
            })
            .collect())
    }

    /// Puts reminders in the notification centre of their recipients and in the outbox of every
    /// enabled channel that takes them: the recipients' own channels, and the group channels of
    /// the units they concern. Returns (notifications, deliveries) actually added: a reminder
    /// already there is skipped by the unique keys.
    pub async fn enqueue(&self, reminders: &[Reminder], now: DateTime<Utc>) -> Result<(u64, u64)> {
        if reminders.is_empty() {
            return Ok((0, 0));
        }
        let channels = notify_channel::Entity::find().filter(notify_channel::Column::Enabled.eq(true)).all(&self.db).await?;
        let mut notes = Vec::new();
        let mut outbox = Vec::new();
        for r in reminders {
            for user_id in &r.recipients {
                notes.push(notification::ActiveModel {
                    user_id: Set(*user_id),
                    rule: Set(r.rule.code().into()),
                    dedup_key: Set(r.key.clone()),
                    title: Set(r.title.clone()),
                    body: Set(r.body.clone()),
                    link: Set(r.link.clone()),
                    created_at: Set(now),
                    read_at: Set(None),
                    ..Default::default()
                });
            }
            let takes = |c: &&notify_channel::Model| {
                notify::accepts(&c.rules, r.rule) && (c.user_id.is_some_and(|u| r.recipients.contains(&u)) || c.unit_id.is_some_and(|u| r.units.contains(&u)))
            };
            for c in channels.iter().filter(takes) {
                outbox.push(outbox_row(r, c.id, now));
            }
        }
        let mut added = (0, 0);
        while !notes.is_empty() {
            let batch: Vec<_> = notes.drain(..notes.len().min(200)).collect();
            added.0 += inserted(notification::Entity::insert_many(batch).on_conflict_do_nothing_on([notification::Column::DedupKey, notification::Column::UserId]).exec_without_returning(&self.db).await?);
        }
        while !outbox.is_empty() {
            let batch: Vec<_> = outbox.drain(..outbox.len().min(200)).collect();
            added.1 += inserted(delivery::Entity::insert_many(batch).on_conflict_do_nothing_on([delivery::Column::DedupKey, delivery::Column::ChannelId]).exec_without_returning(&self.db).await?);
        }
        Ok(added)
    }

    /// Old notifications and finished deliveries go after a while: read or not, notifications
    /// after 180 days; sent or cancelled deliveries after 90 (failed ones stay for the admins).
    pub async fn purge_notifications(&self, now: DateTime<Utc>) -> Result<u64> {
        let a = notification::Entity::delete_many().filter(notification::Column::CreatedAt.lt(now - Duration::days(180))).exec(&self.db).await?.rows_affected;
        let b = delivery::Entity::delete_many()
            .filter(delivery::Column::Status.is_in([SENT, CANCELLED]))
            .filter(delivery::Column::NextAttemptAt.lt(now - Duration::days(90)))
            .exec(&self.db)
            .await?
            .rows_affected;
        Ok(a + b)
    }

    // -- The notification centre ------------------------------------------------------------

    /// Unread notifications of a person (the bell).
    pub async fn unread_count(&self, user_id: i64) -> Result<u64> {
        Ok(notification::Entity::find().filter(notification::Column::UserId.eq(user_id)).filter(notification::Column::ReadAt.is_null()).count(&self.db).await?)
    }

    /// A person's notifications: unread first, newest first within each.
    pub async fn inbox(&self, user_id: i64, limit: u64) -> Result<Vec<notification::Model>> {
        let mine = notification::Entity::find().filter(notification::Column::UserId.eq(user_id));
        let mut rows = mine.clone().filter(notification::Column::ReadAt.is_null()).order_by_desc(notification::Column::CreatedAt).order_by_desc(notification::Column::Id).limit(limit).all(&self.db).await?;
        let left = limit.saturating_sub(rows.len() as u64);
        if left > 0 {
            rows.extend(mine.filter(notification::Column::ReadAt.is_not_null()).order_by_desc(notification::Column::CreatedAt).order_by_desc(notification::Column::Id).limit(left).all(&self.db).await?);
        }
        Ok(rows)
    }

    /// One notification, whoever's it is: the caller checks that it is theirs, so that someone
    /// else's is refused (and audited) rather than not found.
    pub async fn notification(&self, id: i64) -> Result<notification::Model> {
        notification::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条通知".into()))
    }

    /// Marks one of a person's notifications read and returns it; someone else's is not found.
    pub async fn read_notification(&self, user_id: i64, id: i64, now: DateTime<Utc>) -> Result<notification::Model> {
        let row = notification::Entity::find_by_id(id).filter(notification::Column::UserId.eq(user_id)).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条通知".into()))?;
        if row.read_at.is_some() {
            return Ok(row);
        }
        let mut active = row.into_active_model();
        active.read_at = Set(Some(now));
        Ok(active.update(&self.db).await?)
    }

    pub async fn read_all_notifications(&self, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
        Ok(notification::Entity::update_many()
            .col_expr(notification::Column::ReadAt, Expr::value(now))
            .filter(notification::Column::UserId.eq(user_id))
            .filter(notification::Column::ReadAt.is_null())
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    // -- Channels ---------------------------------------------------------------------------

    pub async fn channel(&self, id: i64) -> Result<notify_channel::Model> {
        notify_channel::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个通知渠道".into()))
    }

    /// A person's own channels, or one unit's, or (`None`) every unit's.
    pub async fn channels(&self, owner: Option<ChannelOwner>) -> Result<Vec<ChannelView>> {
        let q = notify_channel::Entity::find();
        let q = match owner {
            Some(ChannelOwner::User(u)) => q.filter(notify_channel::Column::UserId.eq(u)),
            Some(ChannelOwner::Unit(u)) => q.filter(notify_channel::Column::UnitId.eq(u)),
            None => q.filter(notify_channel::Column::UnitId.is_not_null()),
        };
        let rows = q.order_by_asc(notify_channel::Column::UnitId).order_by_asc(notify_channel::Column::Id).all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|c| c.id).collect();
        let counts: Vec<(i64, String, i64)> = delivery::Entity::find()
            .select_only()
            .column(delivery::Column::ChannelId)
            .column(delivery::Column::Status)
            .column_as(delivery::Column::Id.count(), "n")
            .filter(delivery::Column::ChannelId.is_in(ids.clone()))
            .filter(delivery::Column::Status.is_in([PENDING, FAILED]))
            .group_by(delivery::Column::ChannelId)
            .group_by(delivery::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        let units = self.unit_names().await?;
        let users: HashMap<i64, String> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName])
            .filter(user::Column::Id.is_in(rows.iter().filter_map(|c| c.user_id).collect::<Vec<_>>()))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        // Each channel's latest error and latest delivery: two grouped queries, then those rows.
        let latest = |errors: bool| {
            let q = delivery::Entity::find()
                .select_only()
                .column(delivery::Column::ChannelId)
                .column_as(delivery::Column::Id.max(), "last")
                .filter(delivery::Column::ChannelId.is_in(ids.clone()));
            let q = if errors { q.filter(delivery::Column::LastError.ne("")).filter(delivery::Column::Status.ne(SENT)) } else { q.filter(delivery::Column::Status.eq(SENT)) };
            q.group_by(delivery::Column::ChannelId).into_tuple::<(i64, Option<i64>)>()
        };
        let error_ids: HashMap<i64, i64> = latest(true).all(&self.db).await?.into_iter().filter_map(|(c, id)| Some((c, id?))).collect();
        let sent_ids: HashMap<i64, i64> = latest(false).all(&self.db).await?.into_iter().filter_map(|(c, id)| Some((c, id?))).collect();
        let latest_rows: HashMap<i64, delivery::Model> = delivery::Entity::find()
            .filter(delivery::Column::Id.is_in(error_ids.values().chain(sent_ids.values()).copied().collect::<Vec<_>>()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        let mut out = Vec::new();
        for c in rows {
            let count = |status: &str| counts.iter().find(|(id, s, _)| *id == c.id && s == status).map_or(0, |(_, _, n)| u64::try_from(*n).unwrap_or(0));
            let last_error = error_ids.get(&c.id).and_then(|id| latest_rows.get(id)).map(|d| d.last_error.clone()).unwrap_or_default();
            let last_sent = sent_ids.get(&c.id).and_then(|id| latest_rows.get(id)).and_then(|d| d.sent_at);
            let kind = ChannelKind::parse(&c.kind).unwrap_or(ChannelKind::Email);
            out.push(ChannelView {
                id: c.id,
                unit_id: c.unit_id,
                user_id: c.user_id,
                owner: match (c.unit_id, c.user_id) {
                    (Some(u), _) => units.get(&u).cloned().unwrap_or_default(),
                    (None, Some(u)) => users.get(&u).cloned().unwrap_or_default(),
                    _ => String::new(),
                },
                kind,
                name: c.name.clone(),
                address: notify::mask_address(kind, &c.address),
                secret: notify::mask_secret(&c.secret),
                rules: notify::parse_rule_list(&c.rules).unwrap_or_default(),
                enabled: c.enabled,
                pending: count(PENDING),
                failed: count(FAILED),
                last_error,
                last_sent,
            });
        }
        Ok(out)
    }

    /// Checks a channel as typed; `before` is the stored one on an update (empty address and
    /// secret keep it).
    fn check_channel(input: &ChannelInput, before: Option<&notify_channel::Model>) -> Result<(String, String, String)> {
        let name = input.name.trim();
        let name = if name.is_empty() { input.kind.label().to_string() } else { name.to_string() };
        if name.chars().count() > 40 {
            return Err(StoreError::Invalid("渠道名称最长 40 个字".into()));
        }
        let same_kind = before.is_some_and(|b| b.kind == input.kind.code());
        let address = match (input.address.trim(), before) {
            ("", Some(b)) if same_kind => b.address.clone(),
            ("", _) if input.kind == ChannelKind::Email => return Err(StoreError::Invalid("请填写接收提醒的邮箱地址".into())),
            (typed, _) if input.kind == ChannelKind::Email => notify::check_email(typed).map_err(StoreError::Invalid)?,
            (typed, _) => notify::check_webhook(typed).map_err(StoreError::Invalid)?,
        };
        let secret = match (input.kind, input.secret.trim(), before) {
            (ChannelKind::Dingtalk, "", Some(b)) if same_kind => b.secret.clone(),
            (ChannelKind::Dingtalk, typed, _) => notify::check_secret(typed).map_err(StoreError::Invalid)?,
            (_, "", _) => String::new(),
            (kind, _, _) => return Err(StoreError::Invalid(format!("{}不需要加签密钥，只有钉钉机器人需要", kind.label()))),
        };
        Ok((name, address, secret))
    }

    /// What the audit log says about a channel: never its secret or the robot's key.
    fn channel_text(c: &notify_channel::Model) -> String {
        let kind = ChannelKind::parse(&c.kind).unwrap_or(ChannelKind::Email);
        let rules = notify::parse_rule_list(&c.rules).unwrap_or_default();
        let rules = if rules.is_empty() { "全部提醒".to_string() } else { rules.iter().map(|r| r.label()).collect::<Vec<_>>().join("、") };
        format!(
            "{}「{}」{}，{}，{}{}",
            kind.label(),
            c.name,
            notify::mask_address(kind, &c.address),
            rules,
            if c.enabled { "启用" } else { "停用" },
            if c.secret.is_empty() { "" } else { "，已设加签" }
        )
    }

    pub async fn add_channel(&self, who: &Who, owner: ChannelOwner, input: &ChannelInput, now: DateTime<Utc>) -> Result<notify_channel::Model> {
        let (name, address, secret) = Self::check_channel(input, None)?;
        let txn = self.begin_write().await?;
        let (unit_id, user_id, mine) = match owner {
            ChannelOwner::Unit(u) => {
                unit::Entity::find_by_id(u).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选单位不存在".into()))?;
                (Some(u), None, notify_channel::Column::UnitId.eq(u))
            }
            ChannelOwner::User(u) => (None, Some(u), notify_channel::Column::UserId.eq(u)),
        };
        if notify_channel::Entity::find().filter(mine).count(&txn).await? >= MAX_CHANNELS {
            return Err(StoreError::Invalid(format!("最多设置 {MAX_CHANNELS} 个通知渠道，请先删除不用的")));
        }
        let row = notify_channel::ActiveModel {
            unit_id: Set(unit_id),
            user_id: Set(user_id),
            kind: Set(input.kind.code().into()),
            name: Set(name),
            address: Set(address),
            secret: Set(secret),
            rules: Set(rule_list(&input.rules)),
            enabled: Set(input.enabled),
            created_by: Set(who.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "notify_channel", row.id).detail(Self::channel_text(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_channel(&self, who: &Who, id: i64, input: &ChannelInput, now: DateTime<Utc>) -> Result<notify_channel::Model> {
        let txn = self.begin_write().await?;
        let before = notify_channel::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个通知渠道".into()))?;
        let (name, address, secret) = Self::check_channel(input, Some(&before))?;
        let mut row = before.clone().into_active_model();
        row.kind = Set(input.kind.code().into());
        row.name = Set(name);
        row.address = Set(address);
        row.secret = Set(secret);
        row.rules = Set(rule_list(&input.rules));
        row.enabled = Set(input.enabled);
        row.updated_at = Set(now);
        let after = row.update(&txn).await?;
        let changed_key = if before.address != after.address || before.secret != after.secret { "（地址或密钥已更换）" } else { "" };
        audit::append(&txn, who, Event::new("update", "notify_channel", id).detail(format!("{} → {}{changed_key}", Self::channel_text(&before), Self::channel_text(&after)))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes a channel with its outbox.
    pub async fn delete_channel(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let before = notify_channel::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个通知渠道".into()))?;
        delivery::Entity::delete_many().filter(delivery::Column::ChannelId.eq(id)).exec(&txn).await?;
        notify_channel::Entity::delete_by_id(id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "notify_channel", id).detail(Self::channel_text(&before))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Queues a test message on one channel; the sender sends it like any other.
    pub async fn queue_test(&self, who: &Who, id: i64, now: DateTime<Utc>) -> Result<()> {
        let c = self.channel(id).await?;
        if !c.enabled {
            return Err(StoreError::Invalid("这个渠道已停用，请先启用再测试".into()));
        }
        let r = notify::test_reminder(c.id, now);
        let txn = self.begin_write().await?;
        delivery::Entity::insert(outbox_row(&r, c.id, now)).on_conflict_do_nothing_on([delivery::Column::DedupKey, delivery::Column::ChannelId]).exec_without_returning(&txn).await?;
        audit::append(&txn, who, Event::new("test", "notify_channel", id).detail(format!("测试{}", Self::channel_text(&c)))).await?;
        txn.commit().await?;
        Ok(())
    }

    // -- The outbox -------------------------------------------------------------------------

    /// Deliveries due at `now` that no live claim holds, oldest first.
    pub async fn due_deliveries(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<Due>> {
        let rows = delivery::Entity::find()
            .filter(delivery::Column::Status.eq(PENDING))
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(delivery::Column::ClaimedUntil.is_null()).add(delivery::Column::ClaimedUntil.lt(now)))
            .order_by_asc(delivery::Column::NextAttemptAt)
            .order_by_asc(delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let channels: HashMap<i64, notify_channel::Model> = notify_channel::Entity::find()
            .filter(notify_channel::Column::Id.is_in(rows.iter().map(|d| d.channel_id).collect::<Vec<_>>()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(rows.into_iter().filter_map(|d| Some(Due { channel: channels.get(&d.channel_id)?.clone(), delivery: d })).collect())
    }

    /// Puts deliveries a robot has no room for this minute behind the others, without counting
    /// an attempt, so one busy robot does not hold up the rest of the outbox.
    pub async fn defer_deliveries(&self, ids: &[i64], now: DateTime<Utc>, until: DateTime<Utc>) -> Result<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        Ok(delivery::Entity::update_many()
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(until))
            .filter(delivery::Column::Id.is_in(ids.to_vec()))
            .filter(delivery::Column::Status.eq(PENDING))
            .filter(Condition::any().add(delivery::Column::ClaimedUntil.is_null()).add(delivery::Column::ClaimedUntil.lt(now)))
            .exec(&self.db)
            .await?
            .rows_affected)
    }

    /// Messages a channel sent since `since` (the platforms' per-minute limit).
    pub async fn sent_since(&self, channel_id: i64, since: DateTime<Utc>) -> Result<u64> {
        Ok(delivery::Entity::find().filter(delivery::Column::ChannelId.eq(channel_id)).filter(delivery::Column::SentAt.gte(since)).count(&self.db).await?)
    }

    /// Takes a delivery for `sender` until `until`. One UPDATE whose condition only one sender
    /// can meet: true when this sender got it, false when another has it or it is done.
    pub async fn claim_delivery(&self, id: i64, sender: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<bool> {
        let taken = delivery::Entity::update_many()
            .col_expr(delivery::Column::ClaimedBy, Expr::value(sender.to_string()))
            .col_expr(delivery::Column::ClaimedUntil, Expr::value(until))
            .filter(delivery::Column::Id.eq(id))
            .filter(delivery::Column::Status.eq(PENDING))
            .filter(delivery::Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(delivery::Column::ClaimedUntil.is_null()).add(delivery::Column::ClaimedUntil.lt(now)))
            .exec(&self.db)
            .await?;
        Ok(taken.rows_affected == 1)
    }

    /// Records how an attempt went, if `sender` still holds the claim. A failure is tried again
    /// after the retry schedule's wait, and given up (failed, shown to admins) when it is spent.
    pub async fn finish_delivery(&self, id: i64, sender: &str, now: DateTime<Utc>, outcome: &Outcome) -> Result<bool> {
        let Some(row) = delivery::Entity::find_by_id(id).filter(delivery::Column::ClaimedBy.eq(sender)).one(&self.db).await? else { return Ok(false) };
        let attempts = row.attempts + 1;
        let (status, next, error, sent_at) = match outcome {
            Outcome::Sent => (SENT, now, String::new(), Some(now)),
            Outcome::Failed(e) => match notify::retry_after(attempts) {
                Some(wait) => (PENDING, now + wait, e.clone(), None),
                None => (FAILED, now, e.clone(), None),
            },
            Outcome::Permanent(e) => (FAILED, now, e.clone(), None),
            Outcome::Cancelled(e) => (CANCELLED, now, e.clone(), None),
        };
        let attempts = if matches!(outcome, Outcome::Cancelled(_)) { row.attempts } else { attempts };
        let done = delivery::Entity::update_many()
            .col_expr(delivery::Column::Status, Expr::value(status))
            .col_expr(delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(delivery::Column::NextAttemptAt, Expr::value(next))
            .col_expr(delivery::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
            .col_expr(delivery::Column::SentAt, Expr::value(sent_at))
            .col_expr(delivery::Column::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(delivery::Column::Id.eq(id))
            .filter(delivery::Column::ClaimedBy.eq(sender))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// The outbox for the admins: failures and retries first.
    pub async fn deliveries(&self, f: &DeliveryFilter) -> Result<(Vec<DeliveryRow>, Vec<(String, u64)>)> {
        let mut q = delivery::Entity::find();
        q = match f.status.as_str() {
            "retrying" => q.filter(delivery::Column::Status.eq(PENDING)).filter(delivery::Column::Attempts.gt(0)),
            "" => q,
            s => q.filter(delivery::Column::Status.eq(s)),
        };
        let rows = q.order_by_desc(delivery::Column::NextAttemptAt).order_by_desc(delivery::Column::Id).limit(f.limit.max(1)).all(&self.db).await?;
        let counts: Vec<(String, i64)> = delivery::Entity::find().select_only().column(delivery::Column::Status).column_as(delivery::Column::Id.count(), "n").group_by(delivery::Column::Status).into_tuple().all(&self.db).await?;
        let retrying = delivery::Entity::find().filter(delivery::Column::Status.eq(PENDING)).filter(delivery::Column::Attempts.gt(0)).count(&self.db).await?;
        let mut totals: Vec<(String, u64)> = [PENDING, SENT, FAILED, CANCELLED].iter().map(|s| (s.to_string(), counts.iter().find(|(c, _)| c == s).map_or(0, |(_, n)| u64::try_from(*n).unwrap_or(0)))).collect();
        totals.push(("retrying".into(), retrying));
        let channels = self.channel_names(rows.iter().map(|d| d.channel_id).collect()).await?;
        let rows = rows
            .into_iter()
            .map(|d| {
                let (name, kind, owner) = channels.get(&d.channel_id).cloned().unwrap_or((String::new(), ChannelKind::Email, String::new()));
                DeliveryRow { delivery: d, channel_name: name, kind, owner }
            })
            .collect();
        Ok((rows, totals))
    }

    async fn channel_names(&self, ids: Vec<i64>) -> Result<HashMap<i64, (String, ChannelKind, String)>> {
        let rows = notify_channel::Entity::find().filter(notify_channel::Column::Id.is_in(ids)).all(&self.db).await?;
        let units = self.unit_names().await?;
        let users: HashMap<i64, String> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName])
            .filter(user::Column::Id.is_in(rows.iter().filter_map(|c| c.user_id).collect::<Vec<_>>()))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok(rows
            .into_iter()
            .map(|c| {
                let owner = match (c.unit_id, c.user_id) {
                    (Some(u), _) => units.get(&u).cloned().unwrap_or_default(),
                    (None, Some(u)) => format!("个人：{}", users.get(&u).cloned().unwrap_or_default()),
                    _ => String::new(),
                };
                (c.id, (c.name, ChannelKind::parse(&c.kind).unwrap_or(ChannelKind::Email), owner))
            })
            .collect())
    }

    /// An admin's「立即重试」: a failed or waiting delivery is due again now (one more attempt;
    /// if it fails again after its retries were spent, it is given up again).
    pub async fn retry_delivery(&self, who: &Who, id: i64, now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin_write().await?;
        let row = delivery::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条发送记录".into()))?;
        if row.status == SENT {
            return Err(StoreError::Invalid("这条消息已发送成功，无需重试".into()));
        }
        let mut active = row.clone().into_active_model();
        active.status = Set(PENDING.into());
        active.next_attempt_at = Set(now);
        active.claimed_by = Set(None);
        active.claimed_until = Set(None);
        active.update(&txn).await?;
        audit::append(&txn, who, Event::new("retry", "delivery", id).detail(format!("立即重试「{}」（已尝试 {} 次，上次错误：{}）", row.title, row.attempts, row.last_error))).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn outbox_row(r: &Reminder, channel_id: i64, now: DateTime<Utc>) -> delivery::ActiveModel {
    delivery::ActiveModel {
        channel_id: Set(channel_id),
        rule: Set(r.rule.code().into()),
        dedup_key: Set(r.key.clone()),
        title: Set(r.title.clone()),
        body: Set(r.body.clone()),
        link: Set(r.link.clone()),
        status: Set(PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        last_error: Set(String::new()),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
}
