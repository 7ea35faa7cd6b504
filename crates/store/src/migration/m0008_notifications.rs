//! Reminders and notifications: the in-app notification centre, the delivery channels of units
//! and people (WeCom and DingTalk robots, e-mail), and the outbox of deliveries. Unique keys make
//! each reminder go out once however many instances work out the same rule.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("notifications")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("rule"))
                .col(string("dedup_key"))
                .col(text("title"))
                .col(text("body").default(""))
                .col(text("link").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("read_at"))
                .foreign_key(&mut fk("fk_notifications_user", "notifications", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_notifications_key", "notifications", &["dedup_key", "user_id"]).unique().to_owned()).await?;
        // The bell counts a person's unread ones on every page.
        m.create_index(index("ix_notifications_user", "notifications", &["user_id", "read_at", "created_at"])).await?;
        m.create_index(index("ix_notifications_created", "notifications", &["created_at"])).await?;

        m.create_table(
            Table::create()
                .table("notify_channels")
                .col(big_pk_auto("id"))
                // Exactly one of unit_id and user_id: a unit's group robot or a person's own channel.
                .col(big_integer_null("unit_id"))
                .col(big_integer_null("user_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(text("address"))
                .col(text("secret").default(""))
                .col(text("rules").default(""))
                .col(boolean("enabled").default(true))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("fk_notify_channels_unit", "notify_channels", "unit_id", "units"))
                .foreign_key(&mut fk("fk_notify_channels_user", "notify_channels", "user_id", "users"))
                .foreign_key(&mut fk("fk_notify_channels_creator", "notify_channels", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_notify_channels_unit", "notify_channels", &["unit_id"])).await?;
        m.create_index(index("ix_notify_channels_user", "notify_channels", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("channel_id"))
                .col(string("rule"))
                .col(string("dedup_key"))
                .col(text("title"))
                .col(text("body").default(""))
                .col(text("link").default(""))
                // pending → sent, or failed when the retries are spent (or cancelled).
                .col(string("status").default("pending"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                // The sender working on it and until when; another may take it over after that.
                .col(string_null("claimed_by"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(text("last_error").default(""))
                .col(timestamp_with_time_zone_null("sent_at"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_deliveries_channel", "deliveries", "channel_id", "notify_channels"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_deliveries_key", "deliveries", &["dedup_key", "channel_id"]).unique().to_owned()).await?;
        m.create_index(index("ix_deliveries_due", "deliveries", &["status", "next_attempt_at"])).await?;
        // The platforms take 20 messages a minute per robot: recent sends per channel.
        m.create_index(index("ix_deliveries_channel_sent", "deliveries", &["channel_id", "sent_at"])).await?;
        // The daily reminders look for next steps by due date across all people.
        m.create_index(index("ix_follow_ups_due", "follow_ups", &["next_due"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_follow_ups_due").table("follow_ups").to_owned()).await?;
        for table in ["deliveries", "notify_channels", "notifications"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
