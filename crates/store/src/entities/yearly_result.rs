//! A project's reported results for one year (年度实绩).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "yearly_results")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub year: i32,
    /// Amounts in hundredths of 万元; `None` is not committed / not reported.
    pub investment_wan: Option<i64>,
    pub fixed_wan: Option<i64>,
    pub output_wan: Option<i64>,
    pub tax_wan: Option<i64>,
    pub jobs: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub reported_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
