//! One move of a project: a stage reached, a suspension, a resumption or a drop.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "stage_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// advance / suspend / resume / drop
    pub kind: String,
    pub from_stage: String,
    pub to_stage: String,
    pub from_state: String,
    pub to_state: String,
    pub happened_on: Date,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub reference: String,
    pub verification: String,
    pub unit_id: i64,
    /// Empty when the system did it (an import, the command line).
    pub user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
