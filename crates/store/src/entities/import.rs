//! An import: its file, counts and status (previewed, applied, undone).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "imports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    /// The unit the rows are for.
    pub unit_id: i64,
    pub user_id: Option<i64>,
    pub file_name: String,
    pub sha256: String,
    pub size: i64,
    /// The file itself, so that a preview can be applied and a whole import undone.
    #[sea_orm(column_type = "Blob")]
    #[serde(with = "crate::entities::hex_bytes")]
    pub data: Vec<u8>,
    /// previewed / applied / undone
    pub status: String,
    pub rows: i32,
    pub inserted: i32,
    pub updated: i32,
    pub unchanged: i32,
    pub rejected: i32,
    /// The rejected rows (JSON list of row, column, message), as the preview showed them.
    #[sea_orm(column_type = "Text")]
    pub errors: String,
    /// What each accepted row does (JSON list of `imports::PlannedRow`, the first 500 of each action).
    #[sea_orm(column_type = "Text")]
    pub plan: String,
    pub created_at: DateTimeUtc,
    pub applied_at: Option<DateTimeUtc>,
    pub undone_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
