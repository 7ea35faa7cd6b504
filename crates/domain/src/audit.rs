//! The audit log's hash chain: each entry's hash covers the previous hash and every field,
//! so changing, removing or reordering a row breaks the chain from that row on.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first entry of a fresh log.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Every field of an audit entry that the hash covers, in a fixed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditFields<'a> {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub unit_id: Option<i64>,
    pub ip: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: &'a str,
    pub before: &'a str,
    pub after: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

/// Instants are stored with microsecond precision on both databases; hash what is stored.
pub fn truncate_to_micros(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

pub fn chain_hash(prev_hash: &str, fields: &AuditFields<'_>) -> String {
    let at = truncate_to_micros(fields.at).to_rfc3339_opts(SecondsFormat::Micros, true);
    // A JSON array is an unambiguous encoding: no field can bleed into the next.
    let canonical = serde_json::json!([
        prev_hash,
        fields.seq,
        at,
        fields.user_id,
        fields.username,
        fields.unit_id,
        fields.ip,
        fields.action,
        fields.entity,
        fields.entity_id,
        fields.before,
        fields.after,
        fields.outcome,
        fields.detail,
    ]);
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fields(action: &str) -> AuditFields<'_> {
        AuditFields {
            seq: 1,
            at: Utc.with_ymd_and_hms(2026, 11, 27, 8, 30, 0).unwrap(),
            user_id: Some(7),
            username: "officer-610703",
            unit_id: Some(3),
            ip: "10.0.0.8",
            action,
            entity: "user",
            entity_id: "12",
            before: "",
            after: "",
            outcome: "denied",
            detail: "这是其他单位的记录，您无权查看",
        }
    }

    #[test]
    fn hash_is_stable_and_covers_every_field() {
        let base = chain_hash(GENESIS, &fields("read"));
        assert_eq!(base, chain_hash(GENESIS, &fields("read")));
        assert_eq!(base.len(), 64);
        assert_ne!(base, chain_hash(GENESIS, &fields("write")));
        assert_ne!(base, chain_hash(&base, &fields("read")));
        let mut later = fields("read");
        later.at += chrono::Duration::microseconds(1);
        assert_ne!(base, chain_hash(GENESIS, &later));
        let mut moved = fields("read");
        moved.username = "officer-61070";
        moved.ip = "310.0.0.8";
        assert_ne!(base, chain_hash(GENESIS, &moved), "fields must not bleed into each other");
    }

    #[test]
    fn nanoseconds_do_not_change_the_hash() {
        let mut a = fields("read");
        a.at += chrono::Duration::nanoseconds(999);
        assert_eq!(chain_hash(GENESIS, &a), chain_hash(GENESIS, &fields("read")));
    }
}
