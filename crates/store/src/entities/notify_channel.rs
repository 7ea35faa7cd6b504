//! Where reminders go besides the notification centre: a unit's group robot (WeCom, DingTalk) or
//! e-mail, or a person's own. Exactly one of `unit_id` and `user_id` is set.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "notify_channels")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub unit_id: Option<i64>,
    pub user_id: Option<i64>,
    /// A domain::notify::ChannelKind code.
    pub kind: String,
    pub name: String,
    /// The webhook URL (it carries the robot's key: shown masked) or the e-mail address.
    #[sea_orm(column_type = "Text")]
    pub address: String,
    /// DingTalk's signing secret (加签), or empty. Never shown back in full.
    #[sea_orm(column_type = "Text")]
    pub secret: String,
    /// Rule codes this channel takes, comma-separated; empty for all.
    #[sea_orm(column_type = "Text")]
    pub rules: String,
    pub enabled: bool,
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
