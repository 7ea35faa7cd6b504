//! One incentive of a project's policy package (一事一议), with its fair-competition review.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "policy_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    pub amount_wan: i64,
    pub review: String,
    #[sea_orm(column_type = "Text")]
    pub review_note: String,
    pub reviewed_by: Option<i64>,
    /// Empty when the system did it (an import, the command line).
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
