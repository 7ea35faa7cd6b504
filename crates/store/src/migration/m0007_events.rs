//! Promotion events (推介会, 路演, 招商周, 展会, 恳谈会, 集中签约): who organised them where and when,
//! the companies and contacts that took part, the projects made or signed there; follow-ups of
//! kind `event` may name their event.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("events")
                .col(big_pk_auto("id"))
                .col(string("kind"))
                .col(string("name"))
                .col(string("city"))
                .col(string("venue").default(""))
                .col(date("start_on"))
                .col(date("end_on"))
                .col(big_integer("organizer_unit_id"))
                .col(string("status").default("planned"))
                .col(text("summary").default(""))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_events_unit", "events", "organizer_unit_id", "units"))
                .foreign_key(&mut fk("fk_events_creator", "events", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_events_start", "events", &["start_on"])).await?;
        m.create_index(index("ix_events_unit", "events", &["organizer_unit_id", "start_on"])).await?;

        m.create_table(
            Table::create()
                .table("event_participants")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("contact_id"))
                .col(string("note").default(""))
                .col(big_integer_null("added_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_event_participants_event", "event_participants", "event_id", "events"))
                .foreign_key(&mut fk("fk_event_participants_enterprise", "event_participants", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_event_participants_contact", "event_participants", "contact_id", "contacts"))
                .foreign_key(&mut fk("fk_event_participants_user", "event_participants", "added_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_event_participants_event", "event_participants", &["event_id"])).await?;
        m.create_index(index("ix_event_participants_enterprise", "event_participants", &["enterprise_id"])).await?;

        m.create_table(
            Table::create()
                .table("event_projects")
                .col(big_pk_auto("id"))
                .col(big_integer("event_id"))
                .col(big_integer("project_id"))
                .col(string("relation"))
                .col(big_integer_null("added_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_event_projects_event", "event_projects", "event_id", "events"))
                .foreign_key(&mut fk("fk_event_projects_project", "event_projects", "project_id", "projects"))
                .foreign_key(&mut fk("fk_event_projects_user", "event_projects", "added_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_event_projects", "event_projects", &["event_id", "project_id", "relation"]).unique().to_owned()).await?;
        m.create_index(index("ix_event_projects_project", "event_projects", &["project_id"])).await?;

        m.get_connection().execute_unprepared("ALTER TABLE follow_ups ADD COLUMN event_id BIGINT REFERENCES events(id)").await?;
        m.create_index(index("ix_follow_ups_event", "follow_ups", &["event_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_follow_ups_event").table("follow_ups").to_owned()).await?;
        m.alter_table(Table::alter().table("follow_ups").drop_column("event_id").to_owned()).await?;
        for table in ["event_projects", "event_participants", "events"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
