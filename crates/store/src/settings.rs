//! Key/value settings kept in the database, so every instance reads the same.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait, sea_query::OnConflict};

use crate::entities::setting;
use crate::Result;

pub const DEMO_DATA: &str = "demo_data";

pub async fn get(conn: &impl ConnectionTrait, key: &str) -> Result<Option<String>> {
    Ok(setting::Entity::find_by_id(key.to_string()).one(conn).await?.map(|s| s.value))
}

pub async fn set(conn: &impl ConnectionTrait, key: &str, value: &str) -> Result<()> {
    let row = setting::ActiveModel { key: Set(key.to_string()), value: Set(value.to_string()) };
    setting::Entity::insert(row)
        .on_conflict(OnConflict::column(setting::Column::Key).update_column(setting::Column::Value).to_owned())
        .exec(conn)
        .await?;
    Ok(())
}
