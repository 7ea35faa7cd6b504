//! Imports and their history: each import with its file (kept so that a preview can be applied
//! and a whole import undone) and every row it inserted or changed, with the row before.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("imports")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(big_integer("unit_id"))
                .col(big_integer_null("user_id"))
                .col(string("file_name"))
                .col(string("sha256"))
                .col(big_integer("size"))
                .col(blob("data"))
                .col(string("status"))
                .col(integer("rows").default(0))
                .col(integer("inserted").default(0))
                .col(integer("updated").default(0))
                .col(integer("unchanged").default(0))
                .col(integer("rejected").default(0))
                .col(text("errors").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("applied_at"))
                .col(timestamp_with_time_zone_null("undone_at"))
                .foreign_key(&mut fk("fk_imports_unit", "imports", "unit_id", "units"))
                .foreign_key(&mut fk("fk_imports_user", "imports", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_imports_unit", "imports", &["unit_id", "created_at"])).await?;
        m.create_index(index("ix_imports_sha", "imports", &["sha256"])).await?;

        m.create_table(
            Table::create()
                .table("import_changes")
                .col(big_pk_auto("id"))
                .col(big_integer("import_id"))
                .col(integer("row_number"))
                .col(string("entity"))
                .col(big_integer("entity_id"))
                .col(string("action"))
                .col(text("before").default(""))
                .col(text("after").default(""))
                .foreign_key(&mut fk("fk_import_changes_import", "import_changes", "import_id", "imports"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_import_changes_import", "import_changes", &["import_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["import_changes", "imports"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
