//! A site check (实地核查) of a stage change or a funds report: the result and why.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "verifications")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub project_id: i64,
    pub stage_change_id: Option<i64>,
    pub funds_report_id: Option<i64>,
    pub result: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    /// Empty when the system did it (an import, the command line).
    pub user_id: Option<i64>,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
