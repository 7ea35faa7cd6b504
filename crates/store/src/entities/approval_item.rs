//! One item of a project's pre-construction approvals (前期手续), with its owner and document.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "approval_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub kind: String,
    pub name: String,
    pub status: String,
    pub started_on: Option<Date>,
    /// When it should be done (计划办结).
    pub due_on: Option<Date>,
    pub done_on: Option<Date>,
    /// The department responsible for it.
    pub owner_unit_id: Option<i64>,
    /// The approval document or its number (批复文号).
    pub document: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// The request (诉求) raised when the item was blocked.
    pub request_id: Option<i64>,
    pub position: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
