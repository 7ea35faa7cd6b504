//! A unit's weekly note on one key project: this week's progress, next week's plan, and what
//! needs coordinating.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dispatch_notes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The Monday of the week.
    pub week: Date,
    pub unit_id: i64,
    pub project_id: i64,
    #[sea_orm(column_type = "Text")]
    pub progress: String,
    #[sea_orm(column_type = "Text")]
    pub next_plan: String,
    #[sea_orm(column_type = "Text")]
    pub coordination: String,
    pub user_id: Option<i64>,
    /// First written: what the deadline is checked against.
    pub submitted_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
