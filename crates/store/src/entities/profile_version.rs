//! Each load of a city profile; clusters, chains and links remember the versions they lived in.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "profile_versions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub city: String,
    pub label: String,
    pub note: String,
    #[sea_orm(column_type = "Text")]
    pub source: String,
    pub loaded_by: String,
    pub loaded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
