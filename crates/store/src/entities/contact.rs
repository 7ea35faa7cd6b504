//! People at an enterprise; 汉商 (natives of the city) flagged with their home county.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "contacts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub enterprise_id: i64,
    /// The unit that recorded the contact; others see that it exists, not the person.
    pub unit_id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub wechat: String,
    pub is_native: bool,
    pub home_county: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
