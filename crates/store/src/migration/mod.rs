//! Schema migrations, the same on SQLite and PostgreSQL. Released migrations are never edited:
//! a change is a new migration.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_enterprises;
mod m0003_projects;
mod m0004_imports;
mod m0005_assessment;
mod m0006_dispatch;
mod m0007_events;
mod m0008_notifications;
mod m0009_import_plan;
mod m0010_follow_up_counts;
mod m0011_aftercare;
mod m0012_search_outbox;
mod m0013_api;
mod m0014_webhooks;
mod m0015_project_facts;
mod m0016_project_fact_counts;
mod m0017_follow_up_kept_counts;
mod m0018_outbox_writer;

pub struct Migrator;

// Helpers shared by the migrations. Released migrations call them, so they never change
// behaviour: a different need is a new helper.

/// A foreign key to `to_table.id` that refuses deleting a referenced row.
fn fk(name: &str, from_table: &str, from_col: &str, to_table: &str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from_table.to_string(), from_col.to_string())
        .to(to_table.to_string(), "id")
        .on_delete(ForeignKeyAction::Restrict)
        .to_owned()
}

/// A plain index over `cols`, in order.
fn index(name: &str, table: &str, cols: &[&str]) -> IndexCreateStatement {
    let mut i = Index::create();
    i.name(name).table(table.to_string());
    for c in cols {
        i.col(ToString::to_string(c));
    }
    i.to_owned()
}

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_foundation::Migration), Box::new(m0002_enterprises::Migration), Box::new(m0003_projects::Migration), Box::new(m0004_imports::Migration), Box::new(m0005_assessment::Migration), Box::new(m0006_dispatch::Migration), Box::new(m0007_events::Migration), Box::new(m0008_notifications::Migration), Box::new(m0009_import_plan::Migration), Box::new(m0010_follow_up_counts::Migration), Box::new(m0011_aftercare::Migration), Box::new(m0012_search_outbox::Migration), Box::new(m0013_api::Migration), Box::new(m0014_webhooks::Migration), Box::new(m0015_project_facts::Migration), Box::new(m0016_project_fact_counts::Migration), Box::new(m0017_follow_up_kept_counts::Migration), Box::new(m0018_outbox_writer::Migration)]
    }
}
