//! Enterprises with their contacts, the target library (tied to chain links), follow-ups with
//! attachments stored in the database, and saved list views.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("enterprises")
                .col(big_pk_auto("id"))
                .col(string_null("uscc"))
                .col(boolean("uscc_valid").default(true))
                .col(text("uscc_note").default(""))
                .col(string("name"))
                .col(string("name_norm"))
                .col(text("former_names").default(""))
                .col(string("legal_rep").default(""))
                .col(date_null("established_on"))
                .col(big_integer_null("capital_wan"))
                .col(string("capital_currency").default("CNY"))
                .col(string("status").default(""))
                .col(string("company_type").default(""))
                .col(string("industry_code").default(""))
                .col(string("region_code").default(""))
                .col(text("address").default(""))
                .col(text("business_scope").default(""))
                .col(big_integer_null("revenue_wan"))
                .col(integer_null("employees"))
                .col(string("tags").default(""))
                .col(string("listing").default(""))
                .col(boolean("is_local").default(false))
                .col(big_integer_null("merged_into_id"))
                .col(big_integer_null("created_by_unit_id"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_enterprises_merged", "enterprises", "merged_into_id", "enterprises"))
                .foreign_key(&mut fk("fk_enterprises_unit", "enterprises", "created_by_unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_enterprises_uscc", "enterprises", &["uscc"]).unique().to_owned()).await?;
        m.create_index(index("ix_enterprises_name", "enterprises", &["name_norm"])).await?;
        m.create_index(index("ix_enterprises_region", "enterprises", &["region_code"])).await?;
        m.create_index(index("ix_enterprises_industry", "enterprises", &["industry_code"])).await?;
        // The chain map counts local companies per industry.
        m.create_index(index("ix_enterprises_local_industry", "enterprises", &["is_local", "industry_code"])).await?;

        m.create_table(
            Table::create()
                .table("contacts")
                .col(big_pk_auto("id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer("unit_id"))
                .col(string("name"))
                .col(string("title").default(""))
                .col(string("phone").default(""))
                .col(string("wechat").default(""))
                .col(boolean("is_native").default(false))
                .col(string("home_county").default(""))
                .col(text("note").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_contacts_enterprise", "contacts", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_contacts_unit", "contacts", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_contacts_enterprise", "contacts", &["enterprise_id"])).await?;
        m.create_index(index("ix_contacts_phone", "contacts", &["phone"])).await?;

        m.create_table(
            Table::create()
                .table("targets")
                .col(big_pk_auto("id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer("owner_unit_id"))
                .col(big_integer_null("owner_user_id"))
                .col(string("priority"))
                .col(string("status"))
                .col(text("drop_reason").default(""))
                .col(string("source").default(""))
                .col(text("note").default(""))
                .col(date_null("last_contact_on"))
                .col(string("region_code").default(""))
                .col(string("tags").default(""))
                .col(text("search_text").default(""))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_targets_enterprise", "targets", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_targets_unit", "targets", "owner_unit_id", "units"))
                .foreign_key(&mut fk("fk_targets_user", "targets", "owner_user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_targets_enterprise_unit", "targets", &["enterprise_id", "owner_unit_id"]).unique().to_owned()).await?;
        m.create_index(index("ix_targets_unit_status", "targets", &["owner_unit_id", "status", "priority"])).await?;
        m.create_index(index("ix_targets_contact", "targets", &["last_contact_on"])).await?;
        m.create_index(index("ix_targets_updated", "targets", &["updated_at"])).await?;
        m.create_index(index("ix_targets_region_contact", "targets", &["region_code", "last_contact_on"])).await?;
        m.create_index(index("ix_targets_status_priority", "targets", &["status", "priority"])).await?;
        m.create_index(index("ix_targets_priority", "targets", &["priority"])).await?;
        m.create_index(index("ix_targets_tags", "targets", &["tags"])).await?;
        m.create_index(index("ix_targets_unit_updated", "targets", &["owner_unit_id", "updated_at"])).await?;

        m.create_table(
            Table::create()
                .table("target_links")
                .col(big_integer("target_id"))
                .col(big_integer("link_id"))
                .primary_key(Index::create().col("target_id").col("link_id"))
                .foreign_key(&mut fk("fk_target_links_target", "target_links", "target_id", "targets"))
                .foreign_key(&mut fk("fk_target_links_link", "target_links", "link_id", "links"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_target_links_link", "target_links", &["link_id"])).await?;

        m.create_table(
            Table::create()
                .table("follow_ups")
                .col(big_pk_auto("id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("target_id"))
                .col(big_integer("unit_id"))
                .col(big_integer("user_id"))
                .col(date("happened_on"))
                .col(string("kind"))
                .col(string("place").default(""))
                .col(big_integer_null("latitude_e6"))
                .col(big_integer_null("longitude_e6"))
                .col(string("participants").default(""))
                .col(text("summary"))
                .col(text("next_step").default(""))
                .col(date_null("next_due"))
                .col(boolean("next_done").default(false))
                .col(string_uniq("client_key"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_follow_ups_enterprise", "follow_ups", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_follow_ups_target", "follow_ups", "target_id", "targets"))
                .foreign_key(&mut fk("fk_follow_ups_unit", "follow_ups", "unit_id", "units"))
                .foreign_key(&mut fk("fk_follow_ups_user", "follow_ups", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_follow_ups_enterprise", "follow_ups", &["enterprise_id", "happened_on"])).await?;
        m.create_index(index("ix_follow_ups_target", "follow_ups", &["target_id"])).await?;
        m.create_index(index("ix_follow_ups_next", "follow_ups", &["user_id", "next_done", "next_due"])).await?;

        m.create_table(
            Table::create()
                .table("attachments")
                .col(big_pk_auto("id"))
                .col(big_integer("follow_up_id"))
                .col(big_integer("unit_id"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("data"))
                .col(big_integer("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_attachments_follow_up", "attachments", "follow_up_id", "follow_ups"))
                .foreign_key(&mut fk("fk_attachments_unit", "attachments", "unit_id", "units"))
                .foreign_key(&mut fk("fk_attachments_user", "attachments", "uploaded_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_attachments_follow_up", "attachments", &["follow_up_id"])).await?;

        m.create_table(
            Table::create()
                .table("saved_views")
                .col(big_pk_auto("id"))
                .col(big_integer("user_id"))
                .col(string("page"))
                .col(string("name"))
                .col(text("query"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_saved_views_user", "saved_views", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_saved_views_user", "saved_views", &["user_id", "page"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["saved_views", "attachments", "follow_ups", "target_links", "targets", "contacts", "enterprises"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
