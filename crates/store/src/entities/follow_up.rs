//! Follow-ups (对接记录): visits, calls, meetings… with the next step.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "follow_ups")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub target_id: Option<i64>,
    pub project_id: Option<i64>,
    /// The event it happened at, for follow-ups of kind `event`.
    pub event_id: Option<i64>,
    pub unit_id: i64,
    pub user_id: i64,
    pub happened_on: Date,
    pub kind: String,
    pub place: String,
    /// Coordinates in millionths of a degree (no floating point in stored data).
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub participants: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    #[sea_orm(column_type = "Text")]
    pub next_step: String,
    pub next_due: Option<Date>,
    pub next_done: bool,
    /// Chosen by the phone, so that a resend after lost signal is not saved twice.
    #[sea_orm(unique)]
    pub client_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
