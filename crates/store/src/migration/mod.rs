//! Schema migrations, the same on SQLite and PostgreSQL. Released migrations are never edited:
//! a change is a new migration.

use sea_orm_migration::prelude::*;

mod m0001_foundation;
mod m0002_enterprises;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(m0001_foundation::Migration), Box::new(m0002_enterprises::Migration)]
    }
}
