//! An import keeps its plan: what each accepted row inserts, updates or leaves as it is, so the
//! preview (and later the history) can show it row by row.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("imports").add_column(text("plan").default("")).to_owned()).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("imports").drop_column("plan").to_owned()).await
    }
}
