//! Links (环节) of a chain, nested; strength marks the gaps the city wants filled.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "links")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub chain_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// up / mid / down
    pub position: String,
    /// strong / weak / missing
    pub strength: String,
    /// GB/T 4754 codes, comma-separated.
    pub industry_codes: String,
    /// Keywords for matching business scopes, comma-separated.
    pub keywords: String,
    pub sort: i32,
    pub active: bool,
    pub since_version_id: i64,
    pub retired_version_id: Option<i64>,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
