//! A payment of a policy item (政策兑现): how much, when, under which document.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "policy_payments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub policy_item_id: i64,
    pub paid_on: Date,
    pub amount_wan: i64,
    pub document: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
