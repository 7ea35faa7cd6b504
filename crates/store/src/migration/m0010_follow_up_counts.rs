//! Counting a unit's follow-ups and the distinct targets they reached over a period (monthly
//! assessment, weekly dispatch) reads only an index: (unit, day, target) replaces (unit, day).
//! Measured at province scale: the distinct-target count went from 24.7 s to 0.3 s.

use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("ix_follow_ups_unit_day_target", "follow_ups", &["unit_id", "happened_on", "target_id"]).if_not_exists().to_owned()).await?;
        m.drop_index(Index::drop().name("ix_follow_ups_unit_day").table("follow_ups").to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("ix_follow_ups_unit_day", "follow_ups", &["unit_id", "happened_on"])).await?;
        m.drop_index(Index::drop().name("ix_follow_ups_unit_day_target").table("follow_ups").to_owned()).await?;
        Ok(())
    }
}
