//! Funds in place (到位资金) for one month, origin and use.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "funds_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    /// The first day of the month.
    pub month: Date,
    pub amount_wan: i64,
    pub origin: String,
    pub use_kind: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub verification: String,
    pub unit_id: i64,
    /// Empty when the system did it (an import, the command line).
    pub user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
