//! One record an import inserted or changed, with how it was before and after (for undo).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "import_changes")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub import_id: i64,
    pub row_number: i32,
    /// The table: enterprise, contact, target, project, follow_up, funds_report.
    pub entity: String,
    pub entity_id: i64,
    /// insert / update
    pub action: String,
    /// The record as JSON before an update (empty for an insert), and a SHA-256 of it after.
    #[sea_orm(column_type = "Text")]
    pub before: String,
    #[sea_orm(column_type = "Text")]
    pub after: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
