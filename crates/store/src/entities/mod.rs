//! SeaORM entities, one per table.

pub mod audit_event;
pub mod audit_head;
pub mod chain;
pub mod cluster;
pub mod link;
pub mod password_history;
pub mod profile_version;
pub mod session;
pub mod setting;
pub mod unit;
pub mod user;
