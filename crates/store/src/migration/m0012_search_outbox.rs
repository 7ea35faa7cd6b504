//! The search index's feed: every write to a searched table notes (kind, id) in `search_outbox`,
//! by trigger, in the writing transaction, whatever code path wrote it. Each instance keeps its
//! own index and its own position in the outbox (see the `search` crate).
//!
//! On PostgreSQL a row also carries its transaction id, because ids from a sequence are not in
//! commit order: the reader keeps its place by transaction (see store::search_feed), so none is
//! skipped. SQLite has one writer at a time, so there the id order is the commit order.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

use super::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, kind noted, column holding the record id).
const FEEDS: [(&str, &str, &str); 7] = [
    ("enterprises", "e", "id"),
    ("contacts", "e", "enterprise_id"),
    ("targets", "t", "id"),
    ("target_links", "t", "target_id"),
    ("projects", "p", "id"),
    ("credit_shares", "p", "project_id"),
    ("follow_ups", "f", "id"),
];

/// The column list's and the values' additions for `writer` (see [`pg_note_function`]).
fn writer_column(writer: Option<&str>) -> (String, String) {
    writer.map_or((String::new(), String::new()), |w| (", writer".to_string(), format!(", {w}")))
}

/// The function PostgreSQL's triggers call; `writer`, when given, is the expression of the
/// account writing, noted with each change (m0018).
pub(super) fn pg_note_function(writer: Option<&str>) -> String {
    let (column, value) = writer_column(writer);
    format!(
        "CREATE OR REPLACE FUNCTION search_outbox_note() RETURNS trigger AS $$
         BEGIN
           IF TG_OP = 'DELETE' THEN
             INSERT INTO search_outbox (kind, record_id, txid{column}) VALUES (TG_ARGV[0], (to_jsonb(OLD) ->> TG_ARGV[1])::bigint, pg_current_xact_id()::text::bigint{value});
             RETURN OLD;
           END IF;
           INSERT INTO search_outbox (kind, record_id, txid{column}) VALUES (TG_ARGV[0], (to_jsonb(NEW) ->> TG_ARGV[1])::bigint, pg_current_xact_id()::text::bigint{value});
           RETURN NEW;
         END $$ LANGUAGE plpgsql"
    )
}

/// SQLite's triggers, one per table and event; `writer` as for [`pg_note_function`].
pub(super) fn sqlite_triggers(writer: Option<&str>) -> Vec<String> {
    let (column, value) = writer_column(writer);
    let mut out = Vec::new();
    for (table, kind, col) in FEEDS {
        for (event, row) in [("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")] {
            out.push(format!(
                "CREATE TRIGGER tr_search_{table}_{} AFTER {event} ON {table} BEGIN INSERT INTO search_outbox (kind, record_id, txid, created_at{column}) VALUES ('{kind}', {row}.{col}, 0, strftime('%Y-%m-%d %H:%M:%S+00:00', 'now'){value}); END",
                event.to_lowercase()
            ));
        }
    }
    out
}

/// Drops [`sqlite_triggers`].
pub(super) fn drop_sqlite_triggers() -> Vec<String> {
    FEEDS.iter().flat_map(|(table, _, _)| ["insert", "update", "delete"].map(|event| format!("DROP TRIGGER IF EXISTS tr_search_{table}_{event}"))).collect()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("search_outbox")
                .col(ColumnDef::new("id").big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new("kind").string_len(2).not_null())
                .col(ColumnDef::new("record_id").big_integer().not_null())
                .col(ColumnDef::new("txid").big_integer().not_null().default(0))
                .col(ColumnDef::new("created_at").timestamp_with_time_zone().not_null().default(Expr::current_timestamp()))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_search_outbox_txid", "search_outbox", &["txid"])).await?;
        m.create_index(index("ix_search_outbox_created", "search_outbox", &["created_at"])).await?;
        // Which database an index was built from: made here, never copied by backup and restore,
        // so an index of another (or a restored) database is never taken for this one's.
        m.create_table(Table::create().table("search_source").col(ColumnDef::new("id").string_len(64).not_null().primary_key()).to_owned()).await?;
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("INSERT INTO search_source (id) VALUES (md5(random()::text || clock_timestamp()::text))").await?;
                db.execute_unprepared(&pg_note_function(None)).await?;
                for (table, kind, col) in FEEDS {
                    db.execute_unprepared(&format!("CREATE TRIGGER tr_search_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION search_outbox_note('{kind}', '{col}')")).await?;
                }
            }
            _ => {
                db.execute_unprepared("INSERT INTO search_source (id) VALUES (lower(hex(randomblob(16))))").await?;
                for create in sqlite_triggers(None) {
                    db.execute_unprepared(&create).await?;
                }
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                for (table, _, _) in FEEDS {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS tr_search_{table} ON {table}")).await?;
                }
                db.execute_unprepared("DROP FUNCTION IF EXISTS search_outbox_note()").await?;
            }
            _ => {
                for drop in drop_sqlite_triggers() {
                    db.execute_unprepared(&drop).await?;
                }
            }
        }
        m.drop_table(Table::drop().table("search_outbox").to_owned()).await?;
        m.drop_table(Table::drop().table("search_source").to_owned()).await?;
        Ok(())
    }
}
