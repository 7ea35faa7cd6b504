//! The account behind each change in the search outbox. A search by someone who has just written
//! reads that account's changes waiting for the index from the database and lays them over the
//! index (the `search` crate, decision 0004); the outbox had no way to tell them from everyone
//! else's, so each such search read every change waiting, about a hundred under the province load.
//!
//! `Store::begin_write` names the account writing: on PostgreSQL in a setting local to the
//! transaction (`zs.writer`), read by the trigger function; on SQLite, which has no such settings,
//! in the one row of `search_writer`, which the triggers read. SQLite runs one write transaction at
//! a time, and that statement is the one that takes its write lock, so the row names the writer
//! of the transaction running (and stays so until the next). Changes written outside a request
//! (the generator, a restore, imports running on their own) name no account: every write of a
//! searched table in the store goes through `begin_write`, and the bulk load and the restore,
//! which begin their own transactions, clear the row first. A later migration that writes a
//! searched table on SQLite should clear it too.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

use super::m0012_search_outbox::{drop_sqlite_triggers, pg_note_function, sqlite_triggers};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table("search_outbox").add_column(ColumnDef::new("writer").big_integer().null()).to_owned()).await?;
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&pg_note_function(Some("NULLIF(current_setting('zs.writer', true), '')::bigint"))).await?;
            }
            _ => {
                m.create_table(Table::create().table("search_writer").col(ColumnDef::new("id").integer().not_null().primary_key()).col(ColumnDef::new("writer").big_integer().null()).to_owned()).await?;
                db.execute_unprepared("INSERT INTO search_writer (id, writer) VALUES (1, NULL)").await?;
                for sql in drop_sqlite_triggers().into_iter().chain(sqlite_triggers(Some("(SELECT writer FROM search_writer WHERE id = 1)"))) {
                    db.execute_unprepared(&sql).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&pg_note_function(None)).await?;
            }
            _ => {
                for sql in drop_sqlite_triggers().into_iter().chain(sqlite_triggers(None)) {
                    db.execute_unprepared(&sql).await?;
                }
                m.drop_table(Table::drop().table("search_writer").to_owned()).await?;
            }
        }
        m.alter_table(Table::alter().table("search_outbox").drop_column("writer").to_owned()).await?;
        Ok(())
    }
}
