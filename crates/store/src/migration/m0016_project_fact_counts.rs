//! The city's figures by stage, kept as they change. The bureau's project register (and the board
//! and the home page) shows how many projects reached each stage and how many of those count; the
//! city-wide figures grouped every project by the eight columns that decide counting on each view
//! (about 4 ms at province scale even from the covering index of m0015, the largest part of the
//! register's cost under load). `project_fact_counts` holds the same groups with their number of
//! projects and investment, kept by trigger in the writing transaction whatever code path writes,
//! so reading them is exact and costs a few dozen rows.

use sea_orm::DbBackend;
use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The columns that decide counting, as in m0015 (without the investment, which is summed).
const FACTS: [&str; 8] = [
    "stage",
    "state",
    "eligible",
    "duplicate",
    "signed_verification",
    "started_verification",
    "operating_verification",
    "in_statistics_verification",
];

fn list(prefix: &str) -> String {
    FACTS.iter().map(|c| format!("{prefix}{c}")).collect::<Vec<_>>().join(", ")
}

fn same_group(row: &str) -> String {
    FACTS.iter().map(|c| format!("{c} = {row}.{c}")).collect::<Vec<_>>().join(" AND ")
}

fn changed() -> String {
    FACTS.iter().chain(["total_wan"].iter()).map(|c| format!("OLD.{c} IS DISTINCT FROM NEW.{c}")).collect::<Vec<_>>().join(" OR ")
}

/// One project more in NEW's group (the group is made when it is the first).
fn add_new(table_prefix: &str) -> String {
    format!(
        "INSERT INTO project_fact_counts ({cols}, projects, total_wan) VALUES ({new}, 1, NEW.total_wan) \
         ON CONFLICT ({cols}) DO UPDATE SET projects = {table_prefix}projects + 1, total_wan = {table_prefix}total_wan + excluded.total_wan",
        cols = list(""),
        new = list("NEW."),
    )
}

fn remove_old() -> String {
    format!("UPDATE project_fact_counts SET projects = projects - 1, total_wan = total_wan - OLD.total_wan WHERE {}", same_group("OLD"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut table = Table::create();
        table.table("project_fact_counts");
        for c in FACTS {
            table.col(if c == "eligible" { boolean(c) } else { string(c) });
        }
        table.col(big_integer("projects")).col(big_integer("total_wan"));
        let mut key = Index::create();
        for c in FACTS {
            key.col(c);
        }
        table.primary_key(&mut key);
        m.create_table(table.to_owned()).await?;
        let db = m.get_connection();
        db.execute_unprepared(&format!(
            "INSERT INTO project_fact_counts ({cols}, projects, total_wan) SELECT {cols}, COUNT(*), COALESCE(SUM(total_wan), 0) FROM projects GROUP BY {cols}",
            cols = list("")
        ))
        .await?;
        match m.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(&format!(
                    "CREATE FUNCTION project_fact_counts_note() RETURNS trigger AS $$
                     BEGIN
                       IF TG_OP = 'UPDATE' THEN
                         IF NOT ({changed}) THEN
                           RETURN NULL;
                         END IF;
                         -- Two groups' rows, locked in one order by every writer: two projects
                         -- crossing between the same groups in opposite directions wait, not deadlock.
                         IF ROW({old_key}) < ROW({new_key}) THEN
                           {remove};
                           {add};
                         ELSE
                           {add};
                           {remove};
                         END IF;
                       ELSIF TG_OP = 'DELETE' THEN
                         {remove};
                       ELSE
                         {add};
                       END IF;
                       RETURN NULL;
                     END $$ LANGUAGE plpgsql",
                    changed = changed(),
                    old_key = list("OLD."),
                    new_key = list("NEW."),
                    remove = remove_old(),
                    add = add_new("project_fact_counts."),
                ))
                .await?;
                db.execute_unprepared("CREATE TRIGGER tr_project_fact_counts AFTER INSERT OR UPDATE OR DELETE ON projects FOR EACH ROW EXECUTE FUNCTION project_fact_counts_note()").await?;
            }
            _ => {
                db.execute_unprepared(&format!("CREATE TRIGGER tr_project_fact_counts_insert AFTER INSERT ON projects BEGIN {}; END", add_new(""))).await?;
                db.execute_unprepared(&format!("CREATE TRIGGER tr_project_fact_counts_delete AFTER DELETE ON projects BEGIN {}; END", remove_old())).await?;
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER tr_project_fact_counts_update AFTER UPDATE ON projects WHEN {} BEGIN {}; {}; END",
                    changed().replace("IS DISTINCT FROM", "IS NOT"),
                    remove_old(),
                    add_new("")
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
                db.execute_unprepared("DROP TRIGGER IF EXISTS tr_project_fact_counts ON projects").await?;
                db.execute_unprepared("DROP FUNCTION IF EXISTS project_fact_counts_note()").await?;
            }
            _ => {
                for event in ["insert", "update", "delete"] {
                    db.execute_unprepared(&format!("DROP TRIGGER IF EXISTS tr_project_fact_counts_{event}")).await?;
                }
            }
        }
        m.drop_table(Table::drop().table("project_fact_counts").to_owned()).await
    }
}
