//! How the city steers: each unit's annual targets with their time schedule (任务目标), task lists,
//! assessment schemes as data, and published monthly runs frozen with every score and the records
//! behind it.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("quotas")
                .col(big_pk_auto("id"))
                .col(big_integer("unit_id"))
                .col(integer("year"))
                .col(string("metric"))
                .col(big_integer("annual"))
                .col(string("schedule"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("fk_quotas_unit", "quotas", "unit_id", "units"))
                .foreign_key(&mut fk("fk_quotas_user", "quotas", "updated_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_quotas", "quotas", &["year", "unit_id", "metric"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table("task_lists")
                .col(big_pk_auto("id"))
                .col(integer("year"))
                .col(string("name"))
                .col(text("note").default(""))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_task_lists_user", "task_lists", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("task_items")
                .col(big_pk_auto("id"))
                .col(big_integer("list_id"))
                .col(big_integer("unit_id"))
                .col(string("title"))
                .col(date("due_on"))
                .col(string("status").default("open"))
                .col(date_null("done_on"))
                .col(text("note").default(""))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_task_items_list", "task_items", "list_id", "task_lists"))
                .foreign_key(&mut fk("fk_task_items_unit", "task_items", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_task_items_list", "task_items", &["list_id", "unit_id"])).await?;

        m.create_table(
            Table::create()
                .table("assessment_schemes")
                .col(big_pk_auto("id"))
                .col(integer("year"))
                .col(string("name"))
                .col(string("group_code"))
                .col(text("body"))
                .col(boolean("active").default(true))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("assessment_runs")
                .col(big_pk_auto("id"))
                .col(big_integer("scheme_id"))
                .col(integer("year"))
                .col(integer("month"))
                .col(date("cutoff"))
                .col(integer("version"))
                .col(string("status"))
                .col(text("scheme_body"))
                .col(text("results"))
                .col(text("correction").default(""))
                .col(big_integer_null("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .foreign_key(&mut fk("fk_assessment_runs_scheme", "assessment_runs", "scheme_id", "assessment_schemes"))
                .foreign_key(&mut fk("fk_assessment_runs_user", "assessment_runs", "published_by", "users"))
                .to_owned(),
        )
        .await?;
        // Monthly runs and the weekly dispatch count a unit's follow-ups over a period.
        m.create_index(index("ix_follow_ups_unit_day", "follow_ups", &["unit_id", "happened_on"])).await?;
        m.create_index(index("ux_assessment_runs", "assessment_runs", &["scheme_id", "year", "month", "version"]).unique().to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_follow_ups_unit_day").table("follow_ups").to_owned()).await?;
        for table in ["assessment_runs", "assessment_schemes", "task_items", "task_lists", "quotas"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
