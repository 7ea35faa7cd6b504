//! SeaORM entities, one per table.

pub mod approval_item;
pub mod assessment_run;
pub mod assessment_scheme;
pub mod attachment;
pub mod audit_event;
pub mod audit_head;
pub mod chain;
pub mod cluster;
pub mod commitment;
pub mod contact;
pub mod credit_share;
pub mod delivery;
pub mod dispatch_note;
pub mod dispatch_report;
pub mod efficacy_review;
pub mod enterprise;
pub mod event;
pub mod event_participant;
pub mod event_project;
pub mod follow_up;
pub mod funds_report;
pub mod import;
pub mod import_change;
pub mod link;
pub mod notification;
pub mod notify_channel;
pub mod password_history;
pub mod policy_condition;
pub mod policy_item;
pub mod policy_payment;
pub mod profile_version;
pub mod project_filing;
pub mod quota;
pub mod project;
pub mod project_file;
pub mod request;
pub mod saved_view;
pub mod service_member;
pub mod session;
pub mod api_token;
pub mod idempotency_key;
pub mod setting;
pub mod stage_change;
pub mod target;
pub mod target_link;
pub mod task_item;
pub mod task_list;
pub mod unit;
pub mod user;
pub mod verification;
pub mod visit_signal;
pub mod webhook_delivery;
pub mod webhook_subscription;
pub mod yearly_result;

/// Binary columns in backups as hex text (JSON has no bytes).
pub mod hex_bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        hex::decode(text).map_err(serde::de::Error::custom)
    }
}
