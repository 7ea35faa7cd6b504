//! Which chain links a target would fill.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "target_links")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub target_id: i64,
    #[sea_orm(primary_key, auto_increment = false)]
    pub link_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
