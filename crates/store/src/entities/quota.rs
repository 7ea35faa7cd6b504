//! A unit's annual target for one indicator, with its cumulative monthly schedule (时序进度).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "quotas")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: i64,
    pub year: i32,
    /// A `domain::assessment::Metric` code.
    pub metric: String,
    /// Hundredths (万元 for amounts, items for counts).
    pub annual: i64,
    /// Twelve cumulative percentages, comma-separated.
    pub schedule: String,
    pub updated_by: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
