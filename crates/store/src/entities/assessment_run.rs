//! A published monthly assessment, frozen: the scheme as it was and every unit's score with the
//! records behind it. A correction is a new version; the old one stays, marked superseded.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "assessment_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub scheme_id: i64,
    pub year: i32,
    pub month: i32,
    pub cutoff: Date,
    pub version: i32,
    /// published / superseded
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub scheme_body: String,
    /// `Vec<domain::assessment::UnitScore>` as JSON.
    #[sea_orm(column_type = "Text")]
    pub results: String,
    #[sea_orm(column_type = "Text")]
    pub correction: String,
    pub published_by: Option<i64>,
    pub published_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
