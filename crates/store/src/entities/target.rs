//! The target library: an enterprise a unit courts.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "targets")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    pub owner_unit_id: i64,
    pub owner_user_id: Option<i64>,
    pub priority: String,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub drop_reason: String,
    pub source: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// Date of the latest follow-up, kept with each follow-up for fast lists.
    pub last_contact_on: Option<Date>,
    /// The enterprise's region, tags and searchable names (folded name, former names, code),
    /// copied here so lists filter without a join over every company; kept equal by
    /// `create_target`, `update_enterprise` and `merge_enterprises`.
    pub region_code: String,
    pub tags: String,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
