//! The weekly dispatch (周调度): each unit's note on each key project for a week, and the city's
//! report compiled and frozen by the bureau.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("dispatch_notes")
                .col(big_pk_auto("id"))
                .col(date("week"))
                .col(big_integer("unit_id"))
                .col(big_integer("project_id"))
                .col(text("progress").default(""))
                .col(text("next_plan").default(""))
                .col(text("coordination").default(""))
                .col(big_integer_null("user_id"))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_dispatch_notes_unit", "dispatch_notes", "unit_id", "units"))
                .foreign_key(&mut fk("fk_dispatch_notes_project", "dispatch_notes", "project_id", "projects"))
                .foreign_key(&mut fk("fk_dispatch_notes_user", "dispatch_notes", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_dispatch_notes", "dispatch_notes", &["week", "project_id"]).unique().to_owned()).await?;
        m.create_index(index("ix_dispatch_notes_unit", "dispatch_notes", &["unit_id", "week"])).await?;

        m.create_table(
            Table::create()
                .table("dispatch_reports")
                .col(big_pk_auto("id"))
                .col(date_uniq("week"))
                .col(text("body"))
                .col(big_integer_null("frozen_by"))
                .col(timestamp_with_time_zone("frozen_at"))
                .foreign_key(&mut fk("fk_dispatch_reports_user", "dispatch_reports", "frozen_by", "users"))
                .to_owned(),
        )
        .await?;
        // The weekly figures count stage changes and requests over a week.
        m.create_index(index("ix_stage_changes_day", "stage_changes", &["happened_on"])).await?;
        m.create_index(index("ix_requests_created", "requests", &["created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_requests_created").table("requests").to_owned()).await?;
        m.drop_index(Index::drop().name("ix_stage_changes_day").table("stage_changes").to_owned()).await?;
        for table in ["dispatch_reports", "dispatch_notes"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
