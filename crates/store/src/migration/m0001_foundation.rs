//! Units, accounts, sessions, the audit chain, settings and the versioned industry-chain profile.

use sea_orm_migration::{prelude::*, schema::*};
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

use super::fk;

#[derive(DeriveMigrationName)]
pub struct Migration;

fn instant(name: &str) -> ColumnDef {
    timestamp_with_time_zone(name.to_string())
}

fn instant_null(name: &str) -> ColumnDef {
    timestamp_with_time_zone_null(name.to_string())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("settings")
                .col(string("key").primary_key())
                .col(text("value"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("units")
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(string("region_code"))
                .col(big_integer_null("parent_id"))
                .col(string("covers").default(""))
                .col(boolean("active").default(true))
                .col(instant("created_at"))
                .col(instant("updated_at"))
                .foreign_key(&mut fk("fk_units_parent", "units", "parent_id", "units"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(big_pk_auto("id"))
                .col(string_uniq("username"))
                .col(string("display_name"))
                .col(string("phone").default(""))
                .col(big_integer("unit_id"))
                .col(string("roles"))
                .col(string("password_hash"))
                .col(instant("password_changed_at"))
                .col(boolean("must_change_password").default(true))
                .col(integer("failed_logins").default(0))
                .col(instant_null("locked_until"))
                .col(boolean("active").default(true))
                .col(instant_null("last_login_at"))
                .col(instant("created_at"))
                .col(instant("updated_at"))
                .foreign_key(&mut fk("fk_users_unit", "users", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_users_unit").table("users").col("unit_id").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("password_history")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("password_hash"))
                .col(instant("created_at"))
                .foreign_key(&mut fk("fk_password_history_user", "password_history", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("ix_password_history_user").table("password_history").col("user_id").to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(big_pk_auto("id"))
                .col(string_uniq("token_hash"))
                .col(big_integer("user_id"))
                .col(string("csrf_token"))
                .col(instant("created_at"))
                .col(instant("last_seen_at"))
                .col(string("ip"))
                .col(string("user_agent"))
                .foreign_key(&mut fk("fk_sessions_user", "sessions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_sessions_user").table("sessions").col("user_id").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("audit_events")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("seq"))
                .col(instant("at"))
                .col(big_integer_null("user_id"))
                .col(string("username"))
                .col(big_integer_null("unit_id"))
                .col(string("ip"))
                .col(string("action"))
                .col(string("entity"))
                .col(string("entity_id"))
                .col(text("before"))
                .col(text("after"))
                .col(string("outcome"))
                .col(text("detail"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_at").table("audit_events").col("at").to_owned()).await?;
        m.create_index(
            Index::create().name("ix_audit_action_ip").table("audit_events").col("action").col("ip").col("at").to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_audit_user").table("audit_events").col("user_id").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("audit_head")
                .col(big_integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("hash"))
                .col(big_integer("anchor_seq"))
                .col(string("anchor_hash"))
                .to_owned(),
        )
        .await?;
        let genesis = domain::audit::GENESIS;
        m.get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO audit_head (id, seq, hash, anchor_seq, anchor_hash) VALUES (1, 0, '{genesis}', 0, '{genesis}')"
            ))
            .await?;
        // Append-only: an UPDATE of an audit row is refused by the database itself.
        let guard = match m.get_database_backend() {
            DbBackend::Postgres => vec![
                "CREATE FUNCTION zs_audit_no_update() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$"
                    .to_string(),
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                 FOR EACH ROW EXECUTE FUNCTION zs_audit_no_update()"
                    .to_string(),
            ],
            _ => vec![
                "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
                    .to_string(),
            ],
        };
        for sql in guard {
            m.get_connection().execute_unprepared(&sql).await?;
        }

        m.create_table(
            Table::create()
                .table("profile_versions")
                .col(big_pk_auto("id"))
                .col(string("city"))
                .col(string("label"))
                .col(text("note"))
                .col(text("source"))
                .col(string("loaded_by"))
                .col(instant("loaded_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("clusters")
                .col(big_pk_auto("id"))
                .col(string("name"))
                .col(integer("sort"))
                .col(boolean("active"))
                .col(big_integer("since_version_id"))
                .col(big_integer_null("retired_version_id"))
                .foreign_key(&mut fk("fk_clusters_since", "clusters", "since_version_id", "profile_versions"))
                .foreign_key(&mut fk("fk_clusters_retired", "clusters", "retired_version_id", "profile_versions"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("chains")
                .col(big_pk_auto("id"))
                .col(big_integer("cluster_id"))
                .col(string("name"))
                .col(big_integer("lead_unit_id"))
                .col(integer("sort"))
                .col(boolean("active"))
                .col(big_integer("since_version_id"))
                .col(big_integer_null("retired_version_id"))
                .foreign_key(&mut fk("fk_chains_cluster", "chains", "cluster_id", "clusters"))
                .foreign_key(&mut fk("fk_chains_lead", "chains", "lead_unit_id", "units"))
                .foreign_key(&mut fk("fk_chains_since", "chains", "since_version_id", "profile_versions"))
                .foreign_key(&mut fk("fk_chains_retired", "chains", "retired_version_id", "profile_versions"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_chains_cluster").table("chains").col("cluster_id").to_owned()).await?;

        m.create_table(
            Table::create()
                .table("links")
                .col(big_pk_auto("id"))
                .col(big_integer("chain_id"))
                .col(big_integer_null("parent_id"))
                .col(string("name"))
                .col(string("position"))
                .col(string("strength"))
                .col(text("industry_codes"))
                .col(text("keywords"))
                .col(integer("sort"))
                .col(boolean("active"))
                .col(big_integer("since_version_id"))
                .col(big_integer_null("retired_version_id"))
                .col(instant("updated_at"))
                .foreign_key(&mut fk("fk_links_chain", "links", "chain_id", "chains"))
                .foreign_key(&mut fk("fk_links_parent", "links", "parent_id", "links"))
                .foreign_key(&mut fk("fk_links_since", "links", "since_version_id", "profile_versions"))
                .foreign_key(&mut fk("fk_links_retired", "links", "retired_version_id", "profile_versions"))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("ix_links_chain").table("links").col("chain_id").to_owned()).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "links",
            "chains",
            "clusters",
            "profile_versions",
            "audit_head",
            "audit_events",
            "sessions",
            "password_history",
            "users",
            "units",
            "settings",
        ] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection().execute_unprepared("DROP FUNCTION IF EXISTS zs_audit_no_update()").await?;
        }
        Ok(())
    }
}
