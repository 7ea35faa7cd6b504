//! Outgoing webhooks: users' subscriptions (made, changed and removed under audit), the
//! dispatcher that turns audit entries and overdue requests into deliveries for the subscribers
//! allowed to read them, and the outbox the sender works through (claim, finish, retry).
//!
//! Events come from the audit log, which every writer appends to in its own transaction, so an
//! event is there exactly when its change is. The dispatcher keeps its place by audit id (the
//! `webhooks_cursor` setting). Ids are taken under the audit chain's head lock and so arrive in
//! commit order, but as a safety net each pass reads the last minutes behind the cursor again;
//! deliveries are unique per (subscription, event key) and inserted with ON CONFLICT DO NOTHING,
//! so a second reading, or a second instance, never sends anything twice. Like reminders
//! (store::notifications), a sender takes a delivery with one conditional UPDATE that only one
//! sender can win, and only the holder of that claim records the outcome.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TryInsertResult,
};
use serde::Serialize;
use serde_json::{Value, json};

use domain::access::{Actor, Owner};
use domain::notify::{LOOKBACK_DAYS, absolute_link, china_today};
use domain::project::{RequestCategory, RequestStatus, Stage, State as ProjectState};
use domain::target::{Engagement, FollowUpKind, Priority};
use domain::webhook::{self as rules, Audience, EventType, Subscriber};
use domain::Role;

use crate::audit::{self, Event};
use crate::entities::{
    assessment_run, assessment_scheme, audit_event, follow_up, funds_report, project, request, stage_change, target, user, verification, webhook_delivery,
    webhook_subscription,
};
use crate::{Result, Store, StoreError, Who, settings};

/// The last audit id the dispatcher has read.
pub const CURSOR: &str = "webhooks_cursor";

pub const PENDING: &str = "pending";
pub const DELIVERED: &str = "delivered";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// Subscriptions one person may have.
const MAX_SUBSCRIPTIONS: u64 = 20;
/// Audit entries read per pass; the rest wait for the next pass.
const BATCH: u64 = 500;
/// How far behind the cursor each pass reads again: entries of the last minutes, at most this
/// many ids back.
const RESCAN_MINUTES: i64 = 10;
const RESCAN_IDS: i64 = 1000;
/// Entries of the delivery log kept after they are done.
const KEEP_DAYS: i64 = 90;
/// The longest error text kept in the log.
const ERROR_CHARS: usize = 300;

/// A subscription as typed in.
#[derive(Debug, Clone)]
pub struct SubscriptionInput {
    pub url: String,
    pub events: Vec<EventType>,
    pub description: String,
    pub active: bool,
}

/// A subscription as the list shows it, with how its deliveries are going.
#[derive(Debug, Clone, Serialize)]
pub struct SubscriptionRow {
    pub subscription: webhook_subscription::Model,
    pub events: Vec<EventType>,
    pub owner: String,
    pub unit: String,
    pub pending: u64,
    pub failed: u64,
    pub last_delivered: Option<DateTime<Utc>>,
}

/// What one dispatcher pass added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Dispatched {
    /// Audit entries read (new and read again).
    pub read: usize,
    /// Deliveries added.
    pub enqueued: u64,
}

/// Audit entries one dispatcher has worked through, so that its rereading of the last minutes
/// skips them (an entry seen once was complete then); kept in memory, per instance. A new one
/// (another instance, a restart) rereads them all, which the unique key makes harmless.
#[derive(Debug, Clone, Default)]
pub struct Seen {
    ids: BTreeSet<i64>,
}

/// A delivery the sender may take now, with its subscription and the subscriber as they are now.
#[derive(Debug, Clone)]
pub struct DueWebhook {
    pub delivery: webhook_delivery::Model,
    pub subscription: webhook_subscription::Model,
    pub subscriber: Subscriber,
}

/// How one attempt went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// Worth trying again later: no answer, or an answer other than 2xx.
    Failed { status: Option<u16>, error: String },
    /// Not sent: the subscription or the account was switched off meanwhile.
    Cancelled(String),
}

fn inserted(result: TryInsertResult<u64>) -> u64 {
    match result {
        TryInsertResult::Inserted(n) => n,
        _ => 0,
    }
}

/// A subscription as the audit log keeps it: never the secret, and the address without its query.
#[derive(Serialize)]
struct Audited {
    url: String,
    events: String,
    active: bool,
    description: String,
}

fn audited(s: &webhook_subscription::Model) -> Audited {
    Audited { url: rules::redact_url(&s.url), events: s.events.clone(), active: s.active, description: s.description.clone() }
}

fn check(input: &SubscriptionInput) -> Result<(String, String, String)> {
    let url = rules::check_url(&input.url).map_err(StoreError::Invalid)?;
    let codes: Vec<String> = input.events.iter().map(|e| e.code().to_string()).collect();
    let events = rules::parse_events(&codes).map_err(StoreError::Invalid)?;
    let description = rules::check_description(&input.description).map_err(StoreError::Invalid)?;
    Ok((url, rules::event_list(&events), description))
}

fn subscriber_of(u: &user::Model) -> Subscriber {
    Subscriber {
        actor: Actor { user_id: u.id, unit_id: u.unit_id, roles: Role::parse_list(&u.roles).unwrap_or_default() },
        active: u.active,
        locked_until: u.locked_until,
    }
}

/// The record behind an event: whose it is, and what is sent about it.
struct Record {
    audience: Audience,
    data: Value,
    /// For a confidential project: the units that see its real name, and the data with it.
    real: Option<(Vec<i64>, Value)>,
}

impl Record {
    fn data_for(&self, actor: &Actor) -> &Value {
        match &self.real {
            Some((units, real)) if rules::sees_real_name(actor, units) => real,
            _ => &self.data,
        }
    }
}

/// What one pass knows: units by id and the public address for links.
struct Context<'a> {
    units: HashMap<i64, String>,
    public_url: &'a str,
}

impl Context<'_> {
    fn unit(&self, id: i64) -> String {
        self.units.get(&id).cloned().unwrap_or_default()
    }

    /// The record's page: absolute when the public address is configured, else a path.
    fn url(&self, path: String) -> String {
        absolute_link(self.public_url, &path).unwrap_or(path)
    }
}

fn stage_label(code: &str) -> &'static str {
    Stage::parse(code).map_or("", Stage::label)
}

fn delivery_row(subscription_id: i64, key: &str, event: EventType, payload: String, now: DateTime<Utc>) -> webhook_delivery::ActiveModel {
    webhook_delivery::ActiveModel {
        subscription_id: Set(subscription_id),
        event_key: Set(key.to_string()),
        event_type: Set(event.code().to_string()),
        payload: Set(payload),
        status: Set(PENDING.into()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        last_status: Set(None),
        last_error: Set(String::new()),
        claimed_by: Set(None),
        claimed_until: Set(None),
        created_at: Set(now),
        delivered_at: Set(None),
        ..Default::default()
    }
}

impl Store {
    // -- Subscriptions ------------------------------------------------------------------------

    /// Makes a subscription for `owner` (a user of `unit_id`) and returns it with its secret,
    /// which the page shows once.
    pub async fn create_webhook(&self, who: &Who, owner: i64, unit_id: i64, input: &SubscriptionInput, now: DateTime<Utc>) -> Result<(webhook_subscription::Model, String)> {
        let (url, events, description) = check(input)?;
        let txn = self.begin_write().await?;
        let count = webhook_subscription::Entity::find().filter(webhook_subscription::Column::UserId.eq(owner)).count(&txn).await?;
        if count >= MAX_SUBSCRIPTIONS {
            return Err(StoreError::Invalid(format!("每人最多 {MAX_SUBSCRIPTIONS} 个推送订阅，请先删除不用的")));
        }
        let secret = crate::passwords::random_token();
        let row = webhook_subscription::ActiveModel {
            user_id: Set(owner),
            unit_id: Set(unit_id),
            url: Set(url),
            secret: Set(secret.clone()),
            events: Set(events),
            active: Set(input.active),
            description: Set(description),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "webhook_subscription", row.id).change(None, Some(&audited(&row))).detail(format!("推送到 {}", rules::redact_url(&row.url)))).await?;
        txn.commit().await?;
        Ok((row, secret))
    }

    pub async fn webhook(&self, id: i64) -> Result<webhook_subscription::Model> {
        webhook_subscription::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个推送订阅".into()))
    }

    /// Subscriptions of one user, or of everybody (`None`), newest first.
    pub async fn webhooks(&self, owner: Option<i64>) -> Result<Vec<SubscriptionRow>> {
        let mut q = webhook_subscription::Entity::find();
        if let Some(owner) = owner {
            q = q.filter(webhook_subscription::Column::UserId.eq(owner));
        }
        let rows = q.order_by_desc(webhook_subscription::Column::Id).all(&self.db).await?;
        let ids: Vec<i64> = rows.iter().map(|s| s.id).collect();
        let counts: Vec<(i64, String, i64)> = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::SubscriptionId)
            .column(webhook_delivery::Column::Status)
            .column_as(webhook_delivery::Column::Id.count(), "n")
            .filter(webhook_delivery::Column::SubscriptionId.is_in(ids.clone()))
            .filter(webhook_delivery::Column::Status.is_in([PENDING, FAILED]))
            .group_by(webhook_delivery::Column::SubscriptionId)
            .group_by(webhook_delivery::Column::Status)
            .into_tuple()
            .all(&self.db)
            .await?;
        // Each subscription's latest delivery: a grouped query for its id, then those rows (a
        // MAX over timestamps reads back differently on the two databases).
        let latest: Vec<(i64, Option<i64>)> = webhook_delivery::Entity::find()
            .select_only()
            .column(webhook_delivery::Column::SubscriptionId)
            .column_as(webhook_delivery::Column::Id.max(), "last")
            .filter(webhook_delivery::Column::SubscriptionId.is_in(ids))
            .filter(webhook_delivery::Column::DeliveredAt.is_not_null())
            .group_by(webhook_delivery::Column::SubscriptionId)
            .into_tuple()
            .all(&self.db)
            .await?;
        let last: HashMap<i64, Option<DateTime<Utc>>> = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Id.is_in(latest.iter().filter_map(|(_, id)| *id).collect::<Vec<_>>()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|d| (d.subscription_id, d.delivered_at))
            .collect();
        let users: HashMap<i64, String> = user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::DisplayName])
            .filter(user::Column::Id.is_in(rows.iter().map(|s| s.user_id).collect::<Vec<_>>()))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let units = self.unit_names().await?;
        let count = |id: i64, status: &str| counts.iter().find(|(s, st, _)| *s == id && st == status).map_or(0, |(_, _, n)| u64::try_from(*n).unwrap_or(0));
        Ok(rows
            .into_iter()
            .map(|s| SubscriptionRow {
                events: rules::stored_events(&s.events),
                owner: users.get(&s.user_id).cloned().unwrap_or_default(),
                unit: units.get(&s.unit_id).cloned().unwrap_or_default(),
                pending: count(s.id, PENDING),
                failed: count(s.id, FAILED),
                last_delivered: last.get(&s.id).copied().flatten(),
                subscription: s,
            })
            .collect())
    }

    /// Changes the address, events, description or switch (optimistic locking); the secret stays.
    pub async fn update_webhook(&self, who: &Who, id: i64, version: i32, input: &SubscriptionInput, now: DateTime<Utc>) -> Result<webhook_subscription::Model> {
        let (url, events, description) = check(input)?;
        let txn = self.begin_write().await?;
        let before = webhook_subscription::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个推送订阅".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个推送订阅在您打开之后已被修改（现在是第 {} 版），请刷新后再改", before.version)));
        }
        let mut row = before.clone().into_active_model();
        row.url = Set(url);
        row.events = Set(events);
        row.description = Set(description);
        row.active = Set(input.active);
        row.updated_at = Set(now);
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "webhook_subscription", id).change(Some(&audited(&before)), Some(&audited(&after)))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Removes a subscription with its delivery log.
    pub async fn delete_webhook(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let before = webhook_subscription::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个推送订阅".into()))?;
        webhook_delivery::Entity::delete_many().filter(webhook_delivery::Column::SubscriptionId.eq(id)).exec(&txn).await?;
        webhook_subscription::Entity::delete_by_id(id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "webhook_subscription", id).change(Some(&audited(&before)), None).detail(format!("推送到 {}", rules::redact_url(&before.url)))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Queues a test event (`ping`) on one subscription; the sender sends it like any other.
    pub async fn queue_webhook_ping(&self, who: &Who, id: i64, now: DateTime<Utc>) -> Result<webhook_delivery::Model> {
        let s = self.webhook(id).await?;
        if !s.active {
            return Err(StoreError::Invalid("这个推送订阅已停用，请先启用再测试".into()));
        }
        let key = format!("ping:{}", now.timestamp_micros());
        let data = json!({ "subscription_id": s.id, "message": "这是一条测试推送：招商系统可以把事件推送到这个地址。" });
        let payload = rules::payload(&key, EventType::Ping, now, data);
        let txn = self.begin_write().await?;
        let row = delivery_row(s.id, &key, EventType::Ping, payload, now).insert(&txn).await?;
        audit::append(&txn, who, Event::new("test", "webhook_subscription", id).detail(format!("测试推送到 {}", rules::redact_url(&s.url)))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// A subscription's delivery log, newest first.
    pub async fn webhook_deliveries(&self, subscription_id: i64, limit: u64) -> Result<Vec<webhook_delivery::Model>> {
        Ok(webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::SubscriptionId.eq(subscription_id))
            .order_by_desc(webhook_delivery::Column::Id)
            .limit(limit.max(1))
            .all(&self.db)
            .await?)
    }

    pub async fn webhook_delivery(&self, id: i64) -> Result<webhook_delivery::Model> {
        webhook_delivery::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条推送记录".into()))
    }

    /// 「重新推送」: a delivery is due again now, whatever its state (a delivered one is sent once
    /// more; the receiver knows it by its `id`). If it fails after its retries were spent, it is
    /// given up again.
    pub async fn retry_webhook_delivery(&self, who: &Who, id: i64, now: DateTime<Utc>) -> Result<()> {
        let txn = self.begin_write().await?;
        let row = webhook_delivery::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条推送记录".into()))?;
        let state = rules::DeliveryState::of(&row.status, row.attempts);
        let mut active = row.clone().into_active_model();
        active.status = Set(PENDING.into());
        active.next_attempt_at = Set(now);
        active.claimed_by = Set(None);
        active.claimed_until = Set(None);
        active.update(&txn).await?;
        let event = EventType::parse(&row.event_type).map_or("事件", EventType::label);
        audit::append(
            &txn,
            who,
            Event::new("redeliver", "webhook_delivery", id).detail(format!("重新推送订阅 {} 的「{event}」（{}，已尝试 {} 次）", row.subscription_id, state.label(), row.attempts)),
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    // -- The dispatcher ---------------------------------------------------------------------

    /// One pass: audit entries since the cursor (and those of the last minutes not in `seen`)
    /// and requests past their deadline become deliveries for each active subscription that
    /// wants the event and whose owner may read the record. `public_url` makes the records'
    /// links absolute.
    pub async fn dispatch_webhooks(&self, now: DateTime<Utc>, public_url: &str, seen: &mut Seen) -> Result<Dispatched> {
        let mut out = Dispatched::default();
        // The head is read before the subscriptions: an entry after it is read next time, even
        // if a subscription made meanwhile is missed by this pass.
        let head: i64 = audit_event::Entity::find().select_only().column_as(audit_event::Column::Id.max(), "head").into_tuple::<Option<i64>>().one(&self.db).await?.flatten().unwrap_or(0);
        let subscriptions = webhook_subscription::Entity::find().filter(webhook_subscription::Column::Active.eq(true)).order_by_asc(webhook_subscription::Column::Id).all(&self.db).await?;
        let stored = settings::get(&self.db, CURSOR).await?.and_then(|v| v.parse::<i64>().ok());
        if subscriptions.is_empty() {
            // Nobody listens: keep up with the log without reading it.
            if stored != Some(head) {
                settings::set(&self.db, CURSOR, &head.to_string()).await?;
            }
            return Ok(out);
        }
        let cursor = match stored {
            // A database restored from an older backup may be behind the cursor.
            Some(c) => c.min(head),
            // The setting was lost: start where the oldest subscription began.
            None => {
                let since = subscriptions.iter().map(|s| s.created_at).min().unwrap_or(now);
                audit_event::Entity::find().select_only().column_as(audit_event::Column::Id.min(), "first").filter(audit_event::Column::At.gte(since)).into_tuple::<Option<i64>>().one(&self.db).await?.flatten().map_or(head, |first| first - 1)
            }
        };
        let people = self.subscribers(&subscriptions).await?;
        let context = Context { units: self.unit_names().await?.as_ref().clone(), public_url };

        let sources = EventType::audit_sources().into_iter().fold(Condition::any(), |c, (action, entity)| {
            c.add(Condition::all().add(audit_event::Column::Action.eq(action)).add(audit_event::Column::Entity.eq(entity)))
        });
        let relevant = || audit_event::Entity::find().filter(audit_event::Column::Outcome.eq(audit::OK)).filter(sources.clone());
        let fresh = relevant()
            .filter(audit_event::Column::Id.gt(cursor))
            .filter(audit_event::Column::Id.lte(head))
            .order_by_asc(audit_event::Column::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let again = relevant()
            .filter(audit_event::Column::Id.gt((cursor - RESCAN_IDS).max(0)))
            .filter(audit_event::Column::Id.lte(cursor))
            .filter(audit_event::Column::At.gte(now - Duration::minutes(RESCAN_MINUTES)))
            .order_by_asc(audit_event::Column::Id)
            .limit(BATCH)
            .all(&self.db)
            .await?;
        let next_cursor = if fresh.len() as u64 == BATCH { fresh.last().map_or(head, |e| e.id) } else { head };
        let entries: Vec<audit_event::Model> = again.into_iter().filter(|e| !seen.ids.contains(&e.id)).chain(fresh).collect();
        out.read = entries.len();

        let keys: Vec<String> = entries.iter().map(|e| rules::audit_key(e.id)).collect();
        let existing = self.existing_keys(keys).await?;
        let mut rows = Vec::new();
        for entry in &entries {
            let Some(event) = EventType::from_audit(&entry.action, &entry.entity) else { continue };
            let key = rules::audit_key(entry.id);
            // Only events after a subscription was made, and not already in its log.
            let wanting: Vec<&webhook_subscription::Model> = subscriptions
                .iter()
                .filter(|s| rules::accepts(&s.events, event) && s.created_at <= entry.at && !existing.contains(&(s.id, key.clone())))
                .collect();
            if wanting.is_empty() {
                continue;
            }
            let Some(record) = self.audit_record(event, entry, &context).await? else { continue };
            for s in wanting {
                let Some(subscriber) = people.get(&s.user_id) else { continue };
                if rules::may_receive(subscriber, &record.audience, now) {
                    let payload = rules::payload(&key, event, entry.at, record.data_for(&subscriber.actor).clone());
                    rows.push(delivery_row(s.id, &key, event, payload, now));
                }
            }
        }
        out.enqueued += self.insert_deliveries(rows).await?;
        seen.ids.extend(entries.iter().map(|e| e.id));
        seen.ids = seen.ids.split_off(&(next_cursor.max(cursor) - RESCAN_IDS));
        out.enqueued += self.overdue_requests(now, &subscriptions, &people, &context).await?;
        if stored != Some(next_cursor.max(cursor)) {
            settings::set(&self.db, CURSOR, &next_cursor.max(cursor).to_string()).await?;
        }
        Ok(out)
    }

    async fn subscribers(&self, subscriptions: &[webhook_subscription::Model]) -> Result<HashMap<i64, Subscriber>> {
        let ids: Vec<i64> = subscriptions.iter().map(|s| s.user_id).collect();
        Ok(user::Entity::find().filter(user::Column::Id.is_in(ids)).all(&self.db).await?.iter().map(|u| (u.id, subscriber_of(u))).collect())
    }

    async fn existing_keys(&self, keys: Vec<String>) -> Result<HashSet<(i64, String)>> {
        let mut found = HashSet::new();
        for chunk in keys.chunks(500) {
            let rows: Vec<(i64, String)> = webhook_delivery::Entity::find()
                .select_only()
                .columns([webhook_delivery::Column::SubscriptionId, webhook_delivery::Column::EventKey])
                .filter(webhook_delivery::Column::EventKey.is_in(chunk.to_vec()))
                .into_tuple()
                .all(&self.db)
                .await?;
            found.extend(rows);
        }
        Ok(found)
    }

    async fn insert_deliveries(&self, mut rows: Vec<webhook_delivery::ActiveModel>) -> Result<u64> {
        let mut added = 0;
        while !rows.is_empty() {
            let batch: Vec<_> = rows.drain(..rows.len().min(200)).collect();
            added += inserted(
                webhook_delivery::Entity::insert_many(batch)
                    .on_conflict_do_nothing_on([webhook_delivery::Column::SubscriptionId, webhook_delivery::Column::EventKey])
                    .exec_without_returning(&self.db)
                    .await?,
            );
        }
        Ok(added)
    }

    /// Open requests past their deadline (within the reminders' look-back, so that a new
    /// subscription is not flooded with old ones): one `request.overdue` per request.
    async fn overdue_requests(&self, now: DateTime<Utc>, subscriptions: &[webhook_subscription::Model], people: &HashMap<i64, Subscriber>, context: &Context<'_>) -> Result<u64> {
        let wanting: Vec<&webhook_subscription::Model> = subscriptions.iter().filter(|s| rules::accepts(&s.events, EventType::RequestOverdue)).collect();
        if wanting.is_empty() {
            return Ok(0);
        }
        let today = china_today(now);
        let rows = request::Entity::find()
            .filter(request::Column::Status.ne(RequestStatus::Resolved.code()))
            .filter(request::Column::Deadline.lt(today))
            .filter(request::Column::Deadline.gte(today - Duration::days(LOOKBACK_DAYS)))
            .order_by_asc(request::Column::Id)
            .all(&self.db)
            .await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let existing = self.existing_keys(rows.iter().map(|r| rules::overdue_key(r.id)).collect()).await?;
        let codes = self.project_codes(rows.iter().filter_map(|r| r.project_id).collect()).await?;
        let mut out = Vec::new();
        for r in &rows {
            let key = rules::overdue_key(r.id);
            let audience = Audience::Owners(vec![Owner::unit(r.owner_unit_id), Owner::unit(r.raised_by_unit_id)]);
            let mut data = request_data(r, &codes, context);
            data["overdue_days"] = json!((today - r.deadline).num_days());
            let payload = rules::payload(&key, EventType::RequestOverdue, rules::overdue_since(r.deadline), data);
            for s in wanting.iter().filter(|s| !existing.contains(&(s.id, key.clone()))) {
                if people.get(&s.user_id).is_some_and(|p| rules::may_receive(p, &audience, now)) {
                    out.push(delivery_row(s.id, &key, EventType::RequestOverdue, payload.clone(), now));
                }
            }
        }
        self.insert_deliveries(out).await
    }

    async fn project_codes(&self, ids: Vec<i64>) -> Result<HashMap<i64, String>> {
        Ok(project::Entity::find()
            .select_only()
            .columns([project::Column::Id, project::Column::Code])
            .filter(project::Column::Id.is_in(ids))
            .into_tuple::<(i64, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect())
    }

    /// The record an audit entry is about, as it is now (with the stage the entry recorded), or
    /// `None` when it is gone.
    async fn audit_record(&self, event: EventType, entry: &audit_event::Model, context: &Context<'_>) -> Result<Option<Record>> {
        let Ok(id) = entry.entity_id.parse::<i64>() else { return Ok(None) };
        Ok(match event {
            EventType::ProjectCreated | EventType::ProjectStageChanged | EventType::ProjectVerified => {
                let Some(p) = project::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
                let extra = match event {
                    EventType::ProjectStageChanged => stage_change_data(entry, &p),
                    EventType::ProjectVerified => self.verification_data(entry, &p).await?,
                    _ => json!({}),
                };
                Some(self.project_record(&p, extra, context).await?)
            }
            EventType::RequestCreated | EventType::RequestUpdated => {
                let Some(r) = request::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
                let codes = self.project_codes(r.project_id.into_iter().collect()).await?;
                Some(Record { audience: Audience::Owners(vec![Owner::unit(r.owner_unit_id), Owner::unit(r.raised_by_unit_id)]), data: request_data(&r, &codes, context), real: None })
            }
            EventType::AssessmentPublished => {
                let Some(run) = assessment_run::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
                let scheme = assessment_scheme::Entity::find_by_id(run.scheme_id).one(&self.db).await?.map(|s| s.name).unwrap_or_default();
                let data = json!({
                    "id": run.id,
                    "scheme_id": run.scheme_id,
                    "scheme": scheme,
                    "year": run.year,
                    "month": run.month,
                    "cutoff": run.cutoff,
                    "version": run.version,
                    "url": context.url(format!("/assessment/runs/{}", run.id)),
                });
                Some(Record { audience: Audience::Everyone, data, real: None })
            }
            EventType::FollowUpCreated => {
                let Some(f) = follow_up::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
                let path = match (f.target_id, f.project_id) {
                    (_, Some(p)) => format!("/projects/{p}"),
                    (Some(t), None) => format!("/targets/{t}"),
                    (None, None) => format!("/enterprises/{}", f.enterprise_id),
                };
                let data = json!({
                    "id": f.id,
                    "kind": f.kind,
                    "kind_label": FollowUpKind::parse(&f.kind).map_or("", FollowUpKind::label),
                    "happened_on": f.happened_on,
                    "unit_id": f.unit_id,
                    "unit": context.unit(f.unit_id),
                    "target_id": f.target_id,
                    "project_id": f.project_id,
                    "url": context.url(path),
                });
                // Who may read a follow-up: its unit (as its attachments are guarded).
                Some(Record { audience: Audience::Owners(vec![Owner::unit(f.unit_id)]), data, real: None })
            }
            EventType::TargetCreated => {
                let Some(t) = target::Entity::find_by_id(id).one(&self.db).await? else { return Ok(None) };
                let enterprise = self.enterprise_names(vec![t.enterprise_id]).await?.remove(&t.enterprise_id).unwrap_or_default();
                // As the target page: its unit, and the lead departments of its chains.
                let mut owners = vec![Owner::unit(t.owner_unit_id)];
                owners.extend(self.target_chain_leads(t.id).await?.into_iter().map(|lead| Owner { unit_id: t.owner_unit_id, chain_lead_unit_id: Some(lead) }));
                let data = json!({
                    "id": t.id,
                    "enterprise_id": t.enterprise_id,
                    "enterprise": enterprise,
                    "priority": t.priority,
                    "priority_label": Priority::parse(&t.priority).map_or("", Priority::label),
                    "status": t.status,
                    "status_label": Engagement::parse(&t.status).map_or("", Engagement::label),
                    "unit_id": t.owner_unit_id,
                    "unit": context.unit(t.owner_unit_id),
                    "url": context.url(format!("/targets/{}", t.id)),
                });
                Some(Record { audience: Audience::Owners(owners), data, real: None })
            }
            EventType::RequestOverdue | EventType::Ping => None,
        })
    }

    /// A project's owners as the project page reads them (landing unit with its chain's lead
    /// department, the unit that brought it, units sharing its credit), and its data, with the
    /// codename for those who may not see a confidential project's name.
    async fn project_record(&self, p: &project::Model, extra: Value, context: &Context<'_>) -> Result<Record> {
        let lead = self.project_chain_lead(p).await?;
        let units = self.project_units(p).await?;
        let mut owners = vec![Owner { unit_id: p.landing_unit_id, chain_lead_unit_id: lead }];
        owners.extend(units.iter().skip(1).copied().map(Owner::unit));
        let shown = |name: &str| {
            let mut data = json!({
                "id": p.id,
                "code": p.code,
                "name": name,
                "confidential": p.confidential,
                "stage": p.stage,
                "stage_label": stage_label(&p.stage),
                "state": p.state,
                "state_label": ProjectState::parse(&p.state).map_or("", ProjectState::label),
                "unit_id": p.landing_unit_id,
                "unit": context.unit(p.landing_unit_id),
                "source_unit_id": p.source_unit_id,
                "url": context.url(format!("/projects/{}", p.id)),
            });
            if let (Some(map), Value::Object(more)) = (data.as_object_mut(), extra.clone()) {
                map.extend(more);
            }
            data
        };
        let public = crate::projects::public_name(p);
        let real = p.confidential.then(|| (units.clone(), shown(&p.name)));
        Ok(Record { audience: Audience::Owners(owners), data: shown(&public), real })
    }

    /// What a passed site check was of: the stage change or the month's funds, found as the
    /// latest passed check of the project recorded up to the audit entry.
    async fn verification_data(&self, entry: &audit_event::Model, p: &project::Model) -> Result<Value> {
        let check = verification::Entity::find()
            .filter(verification::Column::ProjectId.eq(p.id))
            .filter(verification::Column::Result.eq(domain::project::Verification::Approved.code()))
            .filter(verification::Column::CreatedAt.lte(entry.at + Duration::seconds(1)))
            .order_by_desc(verification::Column::Id)
            .one(&self.db)
            .await?;
        let Some(check) = check else { return Ok(json!({ "verified": "stage" })) };
        if let Some(change) = check.stage_change_id
            && let Some(c) = stage_change::Entity::find_by_id(change).one(&self.db).await?
        {
            return Ok(json!({ "verified": "stage", "verified_stage": c.to_stage, "verified_stage_label": stage_label(&c.to_stage), "happened_on": c.happened_on }));
        }
        if let Some(funds) = check.funds_report_id
            && let Some(f) = funds_report::Entity::find_by_id(funds).one(&self.db).await?
        {
            return Ok(json!({ "verified": "funds", "month": f.month.format("%Y-%m").to_string(), "amount_wan": rules::wan_decimal(f.amount_wan) }));
        }
        Ok(json!({ "verified": "stage" }))
    }

    // -- The outbox -------------------------------------------------------------------------

    /// Deliveries due at `now` that no live claim holds, oldest first, with their subscription
    /// and subscriber.
    pub async fn due_webhook_deliveries(&self, now: DateTime<Utc>, limit: u64) -> Result<Vec<DueWebhook>> {
        let rows = webhook_delivery::Entity::find()
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(webhook_delivery::Column::ClaimedUntil.is_null()).add(webhook_delivery::Column::ClaimedUntil.lt(now)))
            .order_by_asc(webhook_delivery::Column::NextAttemptAt)
            .order_by_asc(webhook_delivery::Column::Id)
            .limit(limit)
            .all(&self.db)
            .await?;
        let subscriptions: HashMap<i64, webhook_subscription::Model> = webhook_subscription::Entity::find()
            .filter(webhook_subscription::Column::Id.is_in(rows.iter().map(|d| d.subscription_id).collect::<Vec<_>>()))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        let people = self.subscribers(&subscriptions.values().cloned().collect::<Vec<_>>()).await?;
        Ok(rows
            .into_iter()
            .filter_map(|d| {
                let subscription = subscriptions.get(&d.subscription_id)?.clone();
                let subscriber = people.get(&subscription.user_id)?.clone();
                Some(DueWebhook { delivery: d, subscription, subscriber })
            })
            .collect())
    }

    /// Takes a delivery for `sender` until `until`: true when this sender got it.
    pub async fn claim_webhook_delivery(&self, id: i64, sender: &str, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<bool> {
        let taken = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::ClaimedBy, Expr::value(sender.to_string()))
            .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(until))
            .filter(webhook_delivery::Column::Id.eq(id))
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
            .filter(Condition::any().add(webhook_delivery::Column::ClaimedUntil.is_null()).add(webhook_delivery::Column::ClaimedUntil.lt(now)))
            .exec(&self.db)
            .await?;
        Ok(taken.rows_affected == 1)
    }

    /// Puts a delivery off until `until` without counting an attempt (its subscriber is locked
    /// for a while), if nobody holds it.
    pub async fn defer_webhook_delivery(&self, id: i64, now: DateTime<Utc>, until: DateTime<Utc>) -> Result<bool> {
        let done = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(until))
            .filter(webhook_delivery::Column::Id.eq(id))
            .filter(webhook_delivery::Column::Status.eq(PENDING))
            .filter(Condition::any().add(webhook_delivery::Column::ClaimedUntil.is_null()).add(webhook_delivery::Column::ClaimedUntil.lt(now)))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Records how an attempt went, if `sender` still holds the claim. A failure is tried again
    /// after the schedule's wait (`domain::webhook::RETRY_SCHEDULE`), and given up when it is spent.
    pub async fn finish_webhook_delivery(&self, id: i64, sender: &str, now: DateTime<Utc>, attempt: &Attempt) -> Result<bool> {
        let Some(row) = webhook_delivery::Entity::find_by_id(id).filter(webhook_delivery::Column::ClaimedBy.eq(sender)).one(&self.db).await? else { return Ok(false) };
        let (status, attempts, next, last_status, error, delivered_at) = match attempt {
            Attempt::Delivered { status } => (DELIVERED, row.attempts + 1, now, Some(i32::from(*status)), String::new(), Some(now)),
            Attempt::Failed { status, error } => {
                let attempts = row.attempts + 1;
                let (state, next) = match rules::retry_after(attempts) {
                    Some(wait) => (PENDING, now + wait),
                    None => (FAILED, now),
                };
                (state, attempts, next, status.map(i32::from), rules::truncate(error, ERROR_CHARS), None)
            }
            Attempt::Cancelled(why) => (CANCELLED, row.attempts, now, row.last_status, rules::truncate(why, ERROR_CHARS), None),
        };
        let done = webhook_delivery::Entity::update_many()
            .col_expr(webhook_delivery::Column::Status, Expr::value(status))
            .col_expr(webhook_delivery::Column::Attempts, Expr::value(attempts))
            .col_expr(webhook_delivery::Column::NextAttemptAt, Expr::value(next))
            .col_expr(webhook_delivery::Column::LastStatus, Expr::value(last_status))
            .col_expr(webhook_delivery::Column::LastError, Expr::value(error))
            .col_expr(webhook_delivery::Column::DeliveredAt, Expr::value(delivered_at.or(row.delivered_at)))
            .col_expr(webhook_delivery::Column::ClaimedBy, Expr::value(Option::<String>::None))
            .col_expr(webhook_delivery::Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(webhook_delivery::Column::Id.eq(id))
            .filter(webhook_delivery::Column::ClaimedBy.eq(sender))
            .exec(&self.db)
            .await?;
        Ok(done.rows_affected == 1)
    }

    /// Finished deliveries go after a while: delivered or cancelled ones after 90 days (failed
    /// ones stay for their owner to see).
    pub async fn purge_webhook_deliveries(&self, now: DateTime<Utc>) -> Result<u64> {
        Ok(webhook_delivery::Entity::delete_many()
            .filter(webhook_delivery::Column::Status.is_in([DELIVERED, CANCELLED]))
            .filter(webhook_delivery::Column::CreatedAt.lt(now - Duration::days(KEEP_DAYS)))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}

/// The stage a project moved to and from, as the audit entry recorded them (the project may
/// have moved on since).
fn stage_change_data(entry: &audit_event::Model, p: &project::Model) -> Value {
    let field = |text: &str, name: &str| serde_json::from_str::<Value>(text).ok().and_then(|v| v.get(name).and_then(Value::as_str).map(str::to_string));
    let to = field(&entry.after, "stage").unwrap_or_else(|| p.stage.clone());
    let from = field(&entry.before, "stage").unwrap_or_default();
    let on = field(&entry.after, "stage_on").unwrap_or_else(|| p.stage_on.to_string());
    json!({
        "stage": to,
        "stage_label": stage_label(&to),
        "stage_on": on,
        "from_stage": from,
        "from_stage_label": stage_label(&from),
    })
}

fn request_data(r: &request::Model, codes: &HashMap<i64, String>, context: &Context<'_>) -> Value {
    let path = match r.project_id {
        Some(p) => format!("/projects/{p}#requests"),
        None => format!("/requests?unit_id={}", r.owner_unit_id),
    };
    json!({
        "id": r.id,
        "project_id": r.project_id,
        "project_code": r.project_id.and_then(|p| codes.get(&p).cloned()),
        "category": r.category,
        "category_label": RequestCategory::parse(&r.category).map_or("", RequestCategory::label),
        "status": r.status,
        "status_label": RequestStatus::parse(&r.status).map_or("", RequestStatus::label),
        "escalation": r.escalation,
        "deadline": r.deadline,
        "owner_unit_id": r.owner_unit_id,
        "owner_unit": context.unit(r.owner_unit_id),
        "raised_by_unit_id": r.raised_by_unit_id,
        "url": context.url(path),
    })
}
