//! Promotion events (招商活动): 推介会, 路演, 招商周, 展会, 恳谈会, 集中签约.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub city: String,
    pub venue: String,
    pub start_on: Date,
    pub end_on: Date,
    /// The unit that organised it: it alone (and the bureau) may change it.
    pub organizer_unit_id: i64,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
