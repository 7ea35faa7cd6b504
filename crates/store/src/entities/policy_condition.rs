//! A condition of a policy item tied to a commitment (e.g. 年税收 ≥ 500 万元).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "policy_conditions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub policy_item_id: i64,
    pub indicator: String,
    /// Hundredths of 万元, or people for jobs.
    pub threshold: i64,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
