//! The audit log: every sign-in, denial and write, appended in the writer's transaction and
//! hash-chained (domain::audit), verified end to end by `zhaoshang audit verify`.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use serde::Serialize;

use domain::audit::{AuditFields, chain_hash, truncate_to_micros};

use crate::entities::{audit_event, audit_head};
use crate::{Result, Store, StoreError, Who};

/// Takes the head row on SQLite, and with it the database's write lock.
pub(crate) const LOCK_HEAD_SQLITE: &str = "UPDATE audit_head SET seq = seq WHERE id = 1";
/// Takes the head row on PostgreSQL without writing a version of it.
pub(crate) const LOCK_HEAD_POSTGRES: &str = "SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE";

pub const OK: &str = "ok";
pub const DENIED: &str = "denied";
pub const FAILED: &str = "failed";

/// One thing to record. `before` and `after` are JSON of the changed fields, or empty.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub before: String,
    pub after: String,
    pub outcome: &'static str,
    pub detail: String,
}

impl Event {
    pub fn new(action: &str, entity: &str, entity_id: impl ToString) -> Event {
        Event {
            action: action.to_string(),
            entity: entity.to_string(),
            entity_id: entity_id.to_string(),
            outcome: OK,
            ..Event::default()
        }
    }

    pub fn outcome(mut self, outcome: &'static str) -> Event {
        self.outcome = outcome;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Event {
        self.detail = detail.into();
        self
    }

    /// Records the fields that changed between two serialisable states.
    pub fn change<T: Serialize>(mut self, before: Option<&T>, after: Option<&T>) -> Event {
        let (b, a) = diff(before, after);
        self.before = b;
        self.after = a;
        self
    }
}

/// Only the fields that differ, so the log says what changed; secrets are never included
/// (password hashes are skipped by the entities' serialisation).
fn diff<T: Serialize>(before: Option<&T>, after: Option<&T>) -> (String, String) {
    let to_map = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(serde_json::Value::Object(map))) => map,
        _ => serde_json::Map::new(),
    };
    let (b, a) = (to_map(before), to_map(after));
    let mut changed_b = serde_json::Map::new();
    let mut changed_a = serde_json::Map::new();
    for key in b.keys().chain(a.keys()) {
        if key == "password_hash" || key == "updated_at" {
            continue;
        }
        if b.get(key) != a.get(key) {
            if let Some(v) = b.get(key) {
                changed_b.insert(key.clone(), v.clone());
            }
            if let Some(v) = a.get(key) {
                changed_a.insert(key.clone(), v.clone());
            }
        }
    }
    let text = |m: serde_json::Map<String, serde_json::Value>| {
        if m.is_empty() { String::new() } else { serde_json::Value::Object(m).to_string() }
    };
    (text(changed_b), text(changed_a))
}

/// Appends inside the caller's write transaction (see `Store::begin_write`).
///
/// The chain's head row stays locked until the transaction ends, so entries chain in commit order.
/// `begin_write` has taken it already; a transaction begun otherwise takes it here. SQLite locks by
/// writing (its write lock covers the database); PostgreSQL by `FOR UPDATE`, which leaves no dead
/// version of the row behind, so the row is written once an entry: with the new sequence and hash.
pub async fn append(conn: &impl ConnectionTrait, who: &Who, event: Event) -> Result<()> {
    if conn.get_database_backend() == DbBackend::Sqlite {
        conn.execute_unprepared(LOCK_HEAD_SQLITE).await?;
    }
    let head = audit_head::Entity::find_by_id(1)
        .lock_exclusive()
        .one(conn)
        .await?
        .ok_or_else(|| StoreError::NotFound("审计链头缺失".into()))?;
    let seq = head.seq + 1;
    let at = truncate_to_micros(Utc::now());
    let fields = AuditFields {
        seq,
        at,
        user_id: who.user_id,
        username: &who.username,
        unit_id: who.unit_id,
        ip: &who.ip,
        action: &event.action,
        entity: &event.entity,
        entity_id: &event.entity_id,
        before: &event.before,
        after: &event.after,
        outcome: event.outcome,
        detail: &event.detail,
    };
    let hash = chain_hash(&head.hash, &fields);
    audit_event::Entity::insert(audit_event::ActiveModel {
        seq: Set(seq),
        at: Set(at),
        user_id: Set(who.user_id),
        username: Set(who.username.clone()),
        unit_id: Set(who.unit_id),
        ip: Set(who.ip.clone()),
        action: Set(event.action),
        entity: Set(event.entity),
        entity_id: Set(event.entity_id),
        before: Set(event.before),
        after: Set(event.after),
        outcome: Set(event.outcome.to_string()),
        detail: Set(event.detail),
        prev_hash: Set(head.hash),
        hash: Set(hash.clone()),
        ..Default::default()
    })
    .exec(conn)
    .await?;
    audit_head::Entity::update(audit_head::ActiveModel { id: Set(1), seq: Set(seq), hash: Set(hash), ..Default::default() })
        .exec(conn)
        .await?;
    Ok(())
}

impl Store {
    /// Records an event on its own (a sign-in, a denial).
    pub async fn audit(&self, who: &Who, event: Event) -> Result<()> {
        let txn = self.begin_write().await?;
        append(&txn, who, event).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Failed sign-ins from one address since `since`, for throttling.
    pub async fn failed_logins_from(&self, ip: &str, since: DateTime<Utc>) -> Result<u64> {
        Ok(audit_event::Entity::find()
            .filter(audit_event::Column::Action.eq("login"))
            .filter(audit_event::Column::Ip.eq(ip))
            .filter(audit_event::Column::At.gte(since))
            .filter(audit_event::Column::Outcome.eq(FAILED))
            .count(&self.db)
            .await?)
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub entity: Option<String>,
    pub outcome: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    pub page: u64,
    pub per_page: u64,
}

pub async fn search(store: &Store, filter: &AuditFilter) -> Result<(Vec<audit_event::Model>, u64)> {
    let mut cond = Condition::all();
    if let Some(v) = filter.username.as_deref().filter(|v| !v.is_empty()) {
        cond = cond.add(audit_event::Column::Username.contains(v));
    }
    if let Some(v) = filter.action.as_deref().filter(|v| !v.is_empty()) {
        cond = cond.add(audit_event::Column::Action.eq(v));
    }
    if let Some(v) = filter.entity.as_deref().filter(|v| !v.is_empty()) {
        cond = cond.add(audit_event::Column::Entity.eq(v));
    }
    if let Some(v) = filter.outcome.as_deref().filter(|v| !v.is_empty()) {
        cond = cond.add(audit_event::Column::Outcome.eq(v));
    }
    if let Some(v) = filter.from {
        cond = cond.add(audit_event::Column::At.gte(v));
    }
    if let Some(v) = filter.to {
        cond = cond.add(audit_event::Column::At.lt(v));
    }
    let query = audit_event::Entity::find().filter(cond).order_by_desc(audit_event::Column::Seq);
    let per_page = filter.per_page.clamp(1, 500);
    let paginator = query.paginate(&store.db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(filter.page).await?;
    Ok((rows, total))
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub checked: u64,
    /// The first broken entry: its sequence number, its row id and what is wrong.
    pub broken: Option<(i64, i64, String)>,
}

/// Recomputes every hash from the anchor (the last pruned entry) to the head.
pub async fn verify(store: &Store) -> Result<Verification> {
    let head = audit_head::Entity::find_by_id(1)
        .one(&store.db)
        .await?
        .ok_or_else(|| StoreError::NotFound("审计链头缺失".into()))?;
    let mut expected_seq = head.anchor_seq + 1;
    let mut prev = head.anchor_hash.clone();
    let mut checked = 0u64;
    let broken = |seq: i64, id: i64, why: String, checked| Ok(Verification { checked, broken: Some((seq, id, why)) });
    loop {
        let batch = audit_event::Entity::find()
            .filter(audit_event::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_event::Column::Seq)
            .limit(1000)
            .all(&store.db)
            .await?;
        if batch.is_empty() {
            break;
        }
        for row in batch {
            if row.seq != expected_seq {
                return broken(expected_seq, row.id, format!("缺少序号 {expected_seq} 的记录（下一条是 {}）", row.seq), checked);
            }
            if row.prev_hash != prev {
                return broken(row.seq, row.id, "前一条记录的哈希不符（记录被删除或替换）".into(), checked);
            }
            let fields = AuditFields {
                seq: row.seq,
                at: row.at,
                user_id: row.user_id,
                username: &row.username,
                unit_id: row.unit_id,
                ip: &row.ip,
                action: &row.action,
                entity: &row.entity,
                entity_id: &row.entity_id,
                before: &row.before,
                after: &row.after,
                outcome: &row.outcome,
                detail: &row.detail,
            };
            if chain_hash(&row.prev_hash, &fields) != row.hash {
                return broken(row.seq, row.id, "内容与哈希不符（记录被篡改）".into(), checked);
            }
            prev = row.hash;
            expected_seq += 1;
            checked += 1;
        }
    }
    if expected_seq - 1 != head.seq || prev != head.hash {
        return broken(expected_seq, 0, format!("链头记录为序号 {}，实际只到 {}（末尾记录被删除）", head.seq, expected_seq - 1), checked);
    }
    Ok(Verification { checked, broken: None })
}

/// Deletes entries older than the retention period; the anchor keeps the chain verifiable.
pub async fn prune(store: &Store, retention_days: i64) -> Result<u64> {
    let cutoff = Utc::now() - Duration::days(retention_days.max(180));
    let txn = store.begin_write().await?;
    let last_old = audit_event::Entity::find()
        .filter(audit_event::Column::At.lt(cutoff))
        .order_by_desc(audit_event::Column::Seq)
        .one(&txn)
        .await?;
    let Some(last_old) = last_old else {
        return Ok(0);
    };
    let deleted = audit_event::Entity::delete_many()
        .filter(audit_event::Column::Seq.lte(last_old.seq))
        .exec(&txn)
        .await?
        .rows_affected;
    audit_head::Entity::update(audit_head::ActiveModel {
        id: Set(1),
        anchor_seq: Set(last_old.seq),
        anchor_hash: Set(last_old.hash),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    txn.commit().await?;
    Ok(deleted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Thing {
        name: &'static str,
        phone: &'static str,
        password_hash: &'static str,
    }

    #[test]
    fn diff_keeps_only_changed_fields_and_no_secrets() {
        let before = Thing { name: "张三", phone: "1", password_hash: "x" };
        let after = Thing { name: "张三", phone: "2", password_hash: "y" };
        let (b, a) = diff(Some(&before), Some(&after));
        assert_eq!(b, r#"{"phone":"1"}"#);
        assert_eq!(a, r#"{"phone":"2"}"#);
        let (b, a) = diff(None, Some(&after));
        assert_eq!(b, "");
        assert_eq!(a, r#"{"name":"张三","phone":"2"}"#);
    }
}
