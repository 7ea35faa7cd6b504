//! Projects from lead to statistics: stage changes with their verification, evidence files,
//! funds in place, credit shares, service teams, investors' requests and policy packages;
//! follow-ups may now be about a project.

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The site-check state of a stage, `not_needed` until the stage is claimed.
fn verification(name: &str) -> ColumnDef {
    let mut column = string(name.to_string());
    column.default("not_needed");
    column
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("projects")
                .col(big_pk_auto("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("codename").default(""))
                .col(boolean("confidential").default(false))
                .col(big_integer("enterprise_id"))
                .col(big_integer_null("target_id"))
                .col(big_integer_null("chain_id"))
                .col(big_integer_null("link_id"))
                .col(string("industry_code").default(""))
                .col(string("kind"))
                .col(boolean("follow_on").default(false))
                .col(big_integer("total_wan").default(0))
                .col(big_integer("fixed_wan").default(0))
                .col(integer_null("planned_jobs"))
                .col(big_integer_null("planned_output_wan"))
                .col(big_integer_null("planned_tax_wan"))
                .col(string("source_channel"))
                .col(big_integer("source_unit_id"))
                .col(big_integer("landing_unit_id"))
                .col(big_integer_null("owner_user_id"))
                .col(string("contract_kind").default(""))
                .col(big_integer_null("contract_wan"))
                .col(string("stage"))
                .col(string("state").default("active"))
                .col(date("stage_on"))
                .col(text("state_reason").default(""))
                .col(date_null("lead_on"))
                .col(date_null("negotiating_on"))
                .col(date_null("signed_on"))
                .col(date_null("started_on"))
                .col(date_null("operating_on"))
                .col(date_null("in_statistics_on"))
                .col(verification("signed_verification"))
                .col(verification("started_verification"))
                .col(verification("operating_verification"))
                .col(verification("in_statistics_verification"))
                .col(string("statistics_ref").default(""))
                .col(date_null("planned_start_on"))
                .col(date_null("planned_operation_on"))
                .col(big_integer("funds_plan_wan").default(0))
                .col(date_null("funds_plan_by"))
                .col(big_integer("funds_verified_wan").default(0))
                .col(boolean("eligible").default(false))
                .col(text("eligibility_rule").default(""))
                .col(string("duplicate").default("none"))
                .col(big_integer_null("duplicate_of_id"))
                .col(text("duplicate_reason").default(""))
                .col(string("health").default("green"))
                .col(text("health_reasons").default(""))
                .col(date("last_activity_on"))
                .col(string("region_code").default(""))
                .col(string("tags").default(""))
                .col(text("search_text").default(""))
                .col(text("note").default(""))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_projects_enterprise", "projects", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_projects_target", "projects", "target_id", "targets"))
                .foreign_key(&mut fk("fk_projects_chain", "projects", "chain_id", "chains"))
                .foreign_key(&mut fk("fk_projects_link", "projects", "link_id", "links"))
                .foreign_key(&mut fk("fk_projects_source_unit", "projects", "source_unit_id", "units"))
                .foreign_key(&mut fk("fk_projects_landing_unit", "projects", "landing_unit_id", "units"))
                .foreign_key(&mut fk("fk_projects_owner", "projects", "owner_user_id", "users"))
                .foreign_key(&mut fk("fk_projects_duplicate", "projects", "duplicate_of_id", "projects"))
                .foreign_key(&mut fk("fk_projects_creator", "projects", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        for (name, cols) in [
            ("ix_projects_landing", &["landing_unit_id", "updated_at"][..]),
            ("ix_projects_source", &["source_unit_id"]),
            ("ix_projects_stage", &["stage", "updated_at"]),
            ("ix_projects_updated", &["updated_at"]),
            ("ix_projects_enterprise", &["enterprise_id"]),
            ("ix_projects_chain", &["chain_id"]),
            ("ix_projects_health", &["health"]),
            ("ix_projects_total", &["total_wan"]),
            ("ix_projects_signed", &["signed_on"]),
            ("ix_projects_duplicate", &["duplicate"]),
        ] {
            m.create_index(index(name, "projects", cols)).await?;
        }

        m.create_table(
            Table::create()
                .table("stage_changes")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(string("kind"))
                .col(string("from_stage"))
                .col(string("to_stage"))
                .col(string("from_state"))
                .col(string("to_state"))
                .col(date("happened_on"))
                .col(text("note").default(""))
                .col(string("reference").default(""))
                .col(verification("verification"))
                .col(big_integer("unit_id"))
                .col(big_integer_null("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_stage_changes_project", "stage_changes", "project_id", "projects"))
                .foreign_key(&mut fk("fk_stage_changes_unit", "stage_changes", "unit_id", "units"))
                .foreign_key(&mut fk("fk_stage_changes_user", "stage_changes", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_stage_changes_project", "stage_changes", &["project_id"])).await?;
        m.create_index(index("ix_stage_changes_verification", "stage_changes", &["verification", "created_at"])).await?;

        m.create_table(
            Table::create()
                .table("funds_reports")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(date("month"))
                .col(big_integer("amount_wan"))
                .col(string("origin"))
                .col(string("use_kind"))
                .col(text("note").default(""))
                .col(verification("verification"))
                .col(big_integer("unit_id"))
                .col(big_integer_null("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_funds_reports_project", "funds_reports", "project_id", "projects"))
                .foreign_key(&mut fk("fk_funds_reports_unit", "funds_reports", "unit_id", "units"))
                .foreign_key(&mut fk("fk_funds_reports_user", "funds_reports", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_funds_reports_month", "funds_reports", &["project_id", "month", "origin", "use_kind"]).unique().to_owned()).await?;
        m.create_index(index("ix_funds_reports_verification", "funds_reports", &["verification"])).await?;

        m.create_table(
            Table::create()
                .table("verifications")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer_null("stage_change_id"))
                .col(big_integer_null("funds_report_id"))
                .col(string("result"))
                .col(text("note").default(""))
                .col(big_integer_null("latitude_e6"))
                .col(big_integer_null("longitude_e6"))
                .col(big_integer_null("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_verifications_project", "verifications", "project_id", "projects"))
                .foreign_key(&mut fk("fk_verifications_stage", "verifications", "stage_change_id", "stage_changes"))
                .foreign_key(&mut fk("fk_verifications_funds", "verifications", "funds_report_id", "funds_reports"))
                .foreign_key(&mut fk("fk_verifications_user", "verifications", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_verifications_project", "verifications", &["project_id"])).await?;

        m.create_table(
            Table::create()
                .table("project_files")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(big_integer_null("stage_change_id"))
                .col(big_integer_null("verification_id"))
                .col(big_integer("unit_id"))
                .col(string("file_name"))
                .col(string("content_type"))
                .col(big_integer("size"))
                .col(string("sha256"))
                .col(blob("data"))
                .col(big_integer_null("uploaded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_project_files_project", "project_files", "project_id", "projects"))
                .foreign_key(&mut fk("fk_project_files_stage", "project_files", "stage_change_id", "stage_changes"))
                .foreign_key(&mut fk("fk_project_files_verification", "project_files", "verification_id", "verifications"))
                .foreign_key(&mut fk("fk_project_files_unit", "project_files", "unit_id", "units"))
                .foreign_key(&mut fk("fk_project_files_user", "project_files", "uploaded_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_project_files_project", "project_files", &["project_id"])).await?;

        m.create_table(
            Table::create()
                .table("credit_shares")
                .col(big_integer("project_id"))
                .col(big_integer("unit_id"))
                .col(integer("percent"))
                .primary_key(Index::create().col("project_id").col("unit_id"))
                .foreign_key(&mut fk("fk_credit_shares_project", "credit_shares", "project_id", "projects"))
                .foreign_key(&mut fk("fk_credit_shares_unit", "credit_shares", "unit_id", "units"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_credit_shares_unit", "credit_shares", &["unit_id"])).await?;

        m.create_table(
            Table::create()
                .table("service_members")
                .col(big_pk_auto("id"))
                .col(big_integer_null("project_id"))
                .col(big_integer_null("enterprise_id"))
                .col(big_integer("user_id"))
                .col(string("role"))
                .col(big_integer_null("added_by_unit_id"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_service_members_unit", "service_members", "added_by_unit_id", "units"))
                .foreign_key(&mut fk("fk_service_members_project", "service_members", "project_id", "projects"))
                .foreign_key(&mut fk("fk_service_members_enterprise", "service_members", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_service_members_user", "service_members", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_service_members_project", "service_members", &["project_id"])).await?;
        m.create_index(index("ix_service_members_enterprise", "service_members", &["enterprise_id"])).await?;
        m.create_index(index("ix_service_members_user", "service_members", &["user_id"])).await?;

        m.create_table(
            Table::create()
                .table("requests")
                .col(big_pk_auto("id"))
                .col(big_integer_null("project_id"))
                .col(big_integer("enterprise_id"))
                .col(string("category"))
                .col(text("text"))
                .col(big_integer("owner_unit_id"))
                .col(big_integer("raised_by_unit_id"))
                .col(date("deadline"))
                .col(string("status"))
                .col(text("resolution").default(""))
                .col(string("escalation"))
                .col(date_null("resolved_on"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_requests_project", "requests", "project_id", "projects"))
                .foreign_key(&mut fk("fk_requests_enterprise", "requests", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_requests_owner_unit", "requests", "owner_unit_id", "units"))
                .foreign_key(&mut fk("fk_requests_raised_unit", "requests", "raised_by_unit_id", "units"))
                .foreign_key(&mut fk("fk_requests_creator", "requests", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_requests_project", "requests", &["project_id"])).await?;
        m.create_index(index("ix_requests_owner", "requests", &["owner_unit_id", "status", "deadline"])).await?;
        m.create_index(index("ix_requests_status", "requests", &["status", "deadline"])).await?;

        m.create_table(
            Table::create()
                .table("policy_items")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(string("title"))
                .col(text("detail").default(""))
                .col(big_integer("amount_wan").default(0))
                .col(string("review"))
                .col(text("review_note").default(""))
                .col(big_integer_null("reviewed_by"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .foreign_key(&mut fk("fk_policy_items_project", "policy_items", "project_id", "projects"))
                .foreign_key(&mut fk("fk_policy_items_reviewer", "policy_items", "reviewed_by", "users"))
                .foreign_key(&mut fk("fk_policy_items_creator", "policy_items", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_policy_items_project", "policy_items", &["project_id"])).await?;

        // A record's history (the conflict page shows what others changed since a version).
        m.create_index(index("ix_audit_entity", "audit_events", &["entity", "entity_id"])).await?;

        // SQLite cannot add a foreign key with ALTER TABLE … ADD CONSTRAINT, but it accepts a
        // column-level REFERENCES on a nullable new column; PostgreSQL accepts the same text.
        m.get_connection().execute_unprepared("ALTER TABLE follow_ups ADD COLUMN project_id BIGINT REFERENCES projects(id)").await?;
        m.create_index(index("ix_follow_ups_project", "follow_ups", &["project_id"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(Index::drop().name("ix_audit_entity").table("audit_events").to_owned()).await?;
        m.drop_index(Index::drop().name("ix_follow_ups_project").table("follow_ups").to_owned()).await?;
        m.alter_table(Table::alter().table("follow_ups").drop_column("project_id").to_owned()).await?;
        for table in ["policy_items", "requests", "service_members", "credit_shares", "project_files", "verifications", "funds_reports", "stage_changes", "projects"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
