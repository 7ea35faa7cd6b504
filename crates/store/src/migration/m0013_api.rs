//! The open API: tokens a user creates for scripts and other systems (only their SHA-256 is
//! stored), and the first response to each `Idempotency-Key`, so that a retried POST is answered
//! the same way instead of being applied twice.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("name"))
                .col(string("prefix"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("last_used_at"))
                .col(string("last_used_ip").default(""))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .col(big_integer_null("created_by"))
                .foreign_key(&mut fk("fk_api_tokens_user", "api_tokens", "user_id", "users"))
                .foreign_key(&mut fk("fk_api_tokens_creator", "api_tokens", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_api_tokens_user", "api_tokens", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("key"))
                .col(string("method"))
                .col(string("path"))
                .col(string("request_hash"))
                .col(integer("status"))
                .col(string("content_type").default(""))
                .col(text("body").default(""))
                .col(string("location").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_idempotency_keys_user", "idempotency_keys", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_idempotency_keys", "idempotency_keys", &["user_id", "key"]).unique().to_owned()).await?;
        m.create_index(index("ix_idempotency_keys_created", "idempotency_keys", &["created_at"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("idempotency_keys").to_owned()).await?;
        m.drop_table(Table::drop().table("api_tokens").to_owned()).await
    }
}
