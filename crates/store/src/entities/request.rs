//! An investor's request (诉求) with its owner unit, deadline and escalation.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: Option<i64>,
    pub enterprise_id: i64,
    pub category: String,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub owner_unit_id: i64,
    pub raised_by_unit_id: i64,
    pub deadline: Date,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub resolution: String,
    pub escalation: String,
    pub resolved_on: Option<Date>,
    /// Empty when the system did it (an import, the command line).
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
