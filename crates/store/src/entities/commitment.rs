//! What a project's investor committed to (承诺指标): investment, output, tax, jobs, land.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub project_id: i64,
    /// Amounts in hundredths of 万元; `None` is not committed / not reported.
    pub investment_wan: Option<i64>,
    pub fixed_wan: Option<i64>,
    pub output_wan: Option<i64>,
    pub tax_wan: Option<i64>,
    pub jobs: Option<i64>,
    /// Land used, in hundredths of a 亩.
    pub land_mu: Option<i64>,
    /// When it should reach full production (约定达产日期).
    pub full_production_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub updated_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
