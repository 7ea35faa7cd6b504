//! One event to deliver to one subscription, unique per (subscription, event key), with its
//! attempts, the receiver's last answer, the next retry, and which sender holds it (a claim that
//! lapses if that sender dies).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "webhook_deliveries")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub subscription_id: i64,
    pub event_key: String,
    pub event_type: String,
    /// The JSON body, exactly as signed and sent.
    #[sea_orm(column_type = "Text")]
    pub payload: String,
    /// pending, delivered, failed (retries spent) or cancelled (subscription or account off).
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// The receiver's HTTP status at the last attempt, if it answered.
    pub last_status: Option<i32>,
    #[sea_orm(column_type = "Text")]
    pub last_error: String,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub delivered_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
