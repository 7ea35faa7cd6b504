//! Accounts. Roles are a comma-separated list of domain::Role codes.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub unit_id: i64,
    pub roles: String,
    #[serde(skip_serializing_if = "String::is_empty", default)]
    pub password_hash: String,
    pub password_changed_at: DateTimeUtc,
    pub must_change_password: bool,
    pub failed_logins: i32,
    pub locked_until: Option<DateTimeUtc>,
    pub active: bool,
    pub last_login_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
