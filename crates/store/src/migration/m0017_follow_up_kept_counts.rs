//! A unit's follow-ups and the targets they reached, kept as they are written. The monthly
//! assessment and the leader's progress screen count, for every unit, its follow-ups since 1 January
//! and the distinct targets they reached; at province scale (two million follow-ups in a year) that
//! read the whole year's index twice, about 0.5 s a view. Two tables hold the same answers, kept by
//! trigger in the writing transaction whatever code path writes (a restore and an import's undo
//! included):
//!
//! - `follow_up_day_counts`: follow-ups per (unit, day);
//! - `target_first_contacts`: per (unit, target, year), the first day of that year the unit followed
//!   the target up and how many follow-ups it logged. The targets a unit reached from 1 January to a
//!   day of the same year are its rows of that year whose first day is on or before it.
//!
//! No code path changes a follow-up's unit, target or day today; the update triggers keep the
//! tables exact if one ever does.

use sea_orm::DbBackend;
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The year of a date column, as each database writes it.
fn year(backend: DbBackend, date: &str) -> String {
    match backend {
        DbBackend::Postgres => format!("CAST(EXTRACT(YEAR FROM {date}) AS INTEGER)"),
        _ => format!("CAST(strftime('%Y', {date}) AS INTEGER)"),
    }
}

/// The first and last day of the year in column `year` of `target_first_contacts`.
fn year_bounds(backend: DbBackend) -> (&'static str, &'static str) {
    match backend {
        DbBackend::Postgres => ("make_date(target_first_contacts.year, 1, 1)", "make_date(target_first_contacts.year, 12, 31)"),
        _ => ("(target_first_contacts.year || '-01-01')", "(target_first_contacts.year || '-12-31')"),
    }
}

/// One follow-up more: `row` is NEW.
fn add(backend: DbBackend) -> [String; 2] {
    let least = if backend == DbBackend::Postgres { "LEAST" } else { "MIN" };
    [
        "INSERT INTO follow_up_day_counts (unit_id, day, follow_ups) VALUES (NEW.unit_id, NEW.happened_on, 1) \
         ON CONFLICT (unit_id, day) DO UPDATE SET follow_ups = follow_up_day_counts.follow_ups + 1"
            .to_string(),
        format!(
            "INSERT INTO target_first_contacts (unit_id, target_id, year, first_on, follow_ups) \
             SELECT NEW.unit_id, NEW.target_id, {y}, NEW.happened_on, 1 WHERE NEW.target_id IS NOT NULL \
             ON CONFLICT (unit_id, target_id, year) DO UPDATE SET follow_ups = target_first_contacts.follow_ups + 1, \
             first_on = {least}(target_first_contacts.first_on, excluded.first_on)",
            y = year(backend, "NEW.happened_on"),
        ),
    ]
}

/// One follow-up fewer: `row` is OLD, already gone from `follow_ups`. When it was the first contact
/// of its year, the next one becomes the first; a row counting nothing is removed.
fn remove(backend: DbBackend) -> [String; 4] {
    let (from, to) = year_bounds(backend);
    let same = format!("unit_id = OLD.unit_id AND target_id = OLD.target_id AND year = {}", year(backend, "OLD.happened_on"));
    [
        "UPDATE follow_up_day_counts SET follow_ups = follow_ups - 1 WHERE unit_id = OLD.unit_id AND day = OLD.happened_on".to_string(),
        "DELETE FROM follow_up_day_counts WHERE unit_id = OLD.unit_id AND day = OLD.happened_on AND follow_ups <= 0".to_string(),
        format!(
            "UPDATE target_first_contacts SET follow_ups = follow_ups - 1, first_on = CASE WHEN first_on = OLD.happened_on THEN \
             COALESCE((SELECT MIN(f.happened_on) FROM follow_ups f WHERE f.unit_id = OLD.unit_id AND f.target_id = OLD.target_id \
             AND f.happened_on >= {from} AND f.happened_on <= {to}), first_on) ELSE first_on END WHERE {same}"
        ),
        format!("DELETE FROM target_first_contacts WHERE {same} AND follow_ups <= 0"),
    ]
}

const CHANGED: &str = "OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.target_id IS DISTINCT FROM NEW.target_id OR OLD.happened_on IS DISTINCT FROM NEW.happened_on";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let backend = m.get_database_backend();
        let db = m.get_connection();
        // SQLite keeps both as their key's b-tree alone (no rowid table beside it).
        let without_rowid = if backend == DbBackend::Postgres { "" } else { " WITHOUT ROWID" };
        db.execute_unprepared(&format!(
            "CREATE TABLE follow_up_day_counts (unit_id BIGINT NOT NULL, day DATE NOT NULL, follow_ups BIGINT NOT NULL, \
             PRIMARY KEY (unit_id, day)){without_rowid}"
        ))
        .await?;
        db.execute_unprepared(&format!(
            "CREATE TABLE target_first_contacts (unit_id BIGINT NOT NULL, target_id BIGINT NOT NULL, year INTEGER NOT NULL, \
             first_on DATE NOT NULL, follow_ups BIGINT NOT NULL, PRIMARY KEY (unit_id, target_id, year)){without_rowid}"
        ))
        .await?;
        db.execute_unprepared("CREATE INDEX ix_target_first_contacts_unit_year ON target_first_contacts (unit_id, year, first_on)").await?;
        db.execute_unprepared("INSERT INTO follow_up_day_counts (unit_id, day, follow_ups) SELECT unit_id, happened_on, COUNT(*) FROM follow_ups GROUP BY unit_id, happened_on").await?;
        let y = year(backend, "happened_on");
        db.execute_unprepared(&format!(
            "INSERT INTO target_first_contacts (unit_id, target_id, year, first_on, follow_ups) \
             SELECT unit_id, target_id, {y}, MIN(happened_on), COUNT(*) FROM follow_ups WHERE target_id IS NOT NULL GROUP BY unit_id, target_id, {y}"
        ))
        .await?;
        let [add_day, add_first] = add(backend);
        let [less_day, drop_day, less_first, drop_first] = remove(backend);
        match backend {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION follow_up_counts_note() RETURNS trigger AS $$
                     BEGIN
                       IF TG_OP = 'UPDATE' AND NOT ({CHANGED}) THEN
                         RETURN NULL;
                       END IF;
                       IF TG_OP IN ('UPDATE', 'DELETE') THEN
                         {less_day}; {drop_day}; {less_first}; {drop_first};
                       END IF;
                       IF TG_OP IN ('UPDATE', 'INSERT') THEN
                         {add_day}; {add_first};
                       END IF;
                       RETURN NULL;
                     END $$ LANGUAGE plpgsql"
                ))
                .await?;
                db.execute_unprepared("CREATE TRIGGER tr_follow_up_counts AFTER INSERT OR UPDATE OR DELETE ON follow_ups FOR EACH ROW EXECUTE FUNCTION follow_up_counts_note()").await?;
            }
            _ => {
                db.execute_unprepared(&format!("CREATE TRIGGER tr_follow_up_counts_insert AFTER INSERT ON follow_ups BEGIN {add_day}; {add_first}; END")).await?;
                db.execute_unprepared(&format!("CREATE TRIGGER tr_follow_up_counts_delete AFTER DELETE ON follow_ups BEGIN {less_day}; {drop_day}; {less_first}; {drop_first}; END")).await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER tr_follow_up_counts_update AFTER UPDATE ON follow_ups WHEN {} BEGIN {less_day}; {drop_day}; {less_first}; {drop_first}; {add_day}; {add_first}; END",
                    CHANGED.replace("IS DISTINCT FROM", "IS NOT")
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared("DROP TRIGGER IF EXISTS tr_follow_up_counts ON follow_ups").await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS follow_up_counts_note()").await?;
            }
            _ => {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS tr_follow_up_counts_{event}")).await?;
                }
            }
        }
        db.execute_unprepared("DROP TABLE IF EXISTS target_first_contacts").await?;
        db.execute_unprepared("DROP TABLE IF EXISTS follow_up_day_counts").await?;
        Ok(())
    }
}
