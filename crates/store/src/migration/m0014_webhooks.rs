//! Outgoing webhooks: a user's subscriptions (an address, a signing secret, the events wanted) and
//! the log of deliveries, one per (subscription, event) under a unique key, so that reading the
//! audit log again never sends an event twice.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("webhook_subscriptions")
                .col(big_pk_auto("id"))
                // Whose it is: deliveries carry only what this user may read.
                .col(big_integer("user_id"))
                .col(big_integer("unit_id"))
                .col(text("url"))
                // Kept to sign each delivery; shown to the user once, when made.
                .col(string("secret"))
                .col(text("events"))
                .col(boolean("active").default(true))
                .col(text("description").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_webhook_subscriptions_user", "webhook_subscriptions", "user_id", "users"))
                .foreign_key(&mut fk("fk_webhook_subscriptions_unit", "webhook_subscriptions", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_webhook_subscriptions_user", "webhook_subscriptions", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("webhook_deliveries")
                .col(big_pk_auto("id"))
                .col(big_integer("subscription_id"))
                // `audit:<id>` or `request_overdue:<id>`: the same event reaches a subscription once.
                .col(string("event_key"))
                .col(string("event_type"))
                .col(text("payload"))
                // pending → delivered, or failed when the retries are spent (or cancelled).
                .col(string("status").default("pending"))
                .col(integer("attempts").default(0))
                .col(timestamp_with_time_zone("next_attempt_at"))
                .col(integer_null("last_status"))
                .col(text("last_error").default(""))
                // The sender working on it and until when; another may take it over after that.
                .col(string_null("claimed_by"))
                .col(timestamp_with_time_zone_null("claimed_until"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("delivered_at"))
                .foreign_key(&mut fk("fk_webhook_deliveries_subscription", "webhook_deliveries", "subscription_id", "webhook_subscriptions"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_webhook_deliveries_key", "webhook_deliveries", &["subscription_id", "event_key"]).unique().to_owned()).await?;
        m.create_index(index("ix_webhook_deliveries_due", "webhook_deliveries", &["status", "next_attempt_at"])).await?;
        // A subscription's log, newest first.
        m.create_index(index("ix_webhook_deliveries_log", "webhook_deliveries", &["subscription_id", "created_at"])).await?;
        // The dispatcher looks for requests past their deadline every minute.
        m.create_index(index("ix_requests_deadline", "requests", &["deadline"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_requests_deadline").table("requests").to_owned()).await?;
        for table in ["webhook_deliveries", "webhook_subscriptions"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
