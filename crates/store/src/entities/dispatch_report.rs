//! The city's weekly dispatch report, compiled and frozen by the bureau (JSON of
//! `store::dispatch::CityReport`).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "dispatch_reports")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub week: Date,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub frozen_by: Option<i64>,
    pub frozen_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
