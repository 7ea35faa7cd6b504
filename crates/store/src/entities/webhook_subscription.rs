//! A user's subscription to events, delivered to an address of another system and signed with
//! the subscription's secret.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_subscriptions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Whose it is: deliveries carry only what this user may read.
    pub user_id: i64,
    /// The user's unit when it was made.
    pub unit_id: i64,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// The signing key: shown once when made, never again (nor in the audit log).
    pub secret: String,
    /// `domain::webhook::EventType` codes, comma-separated.
    #[sea_orm(column_type = "Text")]
    pub events: String,
    pub active: bool,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
