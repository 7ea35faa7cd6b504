//! From signed to producing as promised: each project's pre-construction approvals (前期手续) and
//! the code it is filed under, its commitments and yearly results (达产达效) with their yearly
//! evaluation, signals noted on visits to landed companies, and the conditions and payments of
//! policy packages (政策兑现).

use sea_orm_migration::{prelude::*, schema::*};

use super::{fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The figures a commitment and a year's results share (amounts in hundredths of 万元).
fn figures(t: &mut TableCreateStatement) -> &mut TableCreateStatement {
    t.col(big_integer_null("investment_wan")).col(big_integer_null("fixed_wan")).col(big_integer_null("output_wan")).col(big_integer_null("tax_wan")).col(big_integer_null("jobs"))
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("approval_items")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(string("kind"))
                .col(string("name"))
                .col(string("status"))
                .col(date_null("started_on"))
                .col(date_null("due_on"))
                .col(date_null("done_on"))
                .col(big_integer_null("owner_unit_id"))
                .col(string("document").default(""))
                .col(text("note").default(""))
                .col(big_integer_null("request_id"))
                .col(integer("position").default(0))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_approval_items_project", "approval_items", "project_id", "projects"))
                .foreign_key(&mut fk("fk_approval_items_owner", "approval_items", "owner_unit_id", "units"))
                .foreign_key(&mut fk("fk_approval_items_request", "approval_items", "request_id", "requests"))
                .foreign_key(&mut fk("fk_approval_items_creator", "approval_items", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_approval_items_name", "approval_items", &["project_id", "name"]).unique().to_owned()).await?;
        m.create_index(index("ix_approval_items_owner", "approval_items", &["owner_unit_id", "status"])).await?;

        m.create_table(
            Table::create()
                .table("project_filings")
                .col(big_pk_auto("id"))
                .col(big_integer_uniq("project_id"))
                .col(string("national_code").default(""))
                .col(string("filing_kind").default(""))
                .col(string("authority").default(""))
                .col(date_null("approved_on"))
                .col(big_integer_null("updated_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version").default(1))
                .foreign_key(&mut fk("fk_project_filings_project", "project_filings", "project_id", "projects"))
                .foreign_key(&mut fk("fk_project_filings_user", "project_filings", "updated_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_project_filings_code", "project_filings", &["national_code"])).await?;

        let mut commitments = Table::create();
        commitments.table("commitments").col(big_pk_auto("id")).col(big_integer_uniq("project_id"));
        figures(&mut commitments)
            .col(big_integer_null("land_mu"))
            .col(date_null("full_production_on"))
            .col(text("note").default(""))
            .col(big_integer_null("updated_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .col(integer("version").default(1))
            .foreign_key(&mut fk("fk_commitments_project", "commitments", "project_id", "projects"))
            .foreign_key(&mut fk("fk_commitments_user", "commitments", "updated_by", "users"));
        m.create_table(commitments.to_owned()).await?;

        let mut results = Table::create();
        results.table("yearly_results").col(big_pk_auto("id")).col(big_integer("project_id")).col(integer("year"));
        figures(&mut results)
            .col(text("note").default(""))
            .col(big_integer_null("reported_by"))
            .col(timestamp_with_time_zone("created_at"))
            .col(timestamp_with_time_zone("updated_at"))
            .foreign_key(&mut fk("fk_yearly_results_project", "yearly_results", "project_id", "projects"))
            .foreign_key(&mut fk("fk_yearly_results_user", "yearly_results", "reported_by", "users"));
        m.create_table(results.to_owned()).await?;
        m.create_index(index("ux_yearly_results_year", "yearly_results", &["project_id", "year"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table("efficacy_reviews")
                .col(big_pk_auto("id"))
                .col(big_integer("project_id"))
                .col(integer("year"))
                .col(string("conclusion"))
                .col(text("detail").default(""))
                .col(text("note").default(""))
                .col(date("reviewed_on"))
                .col(big_integer_null("reviewed_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_efficacy_reviews_project", "efficacy_reviews", "project_id", "projects"))
                .foreign_key(&mut fk("fk_efficacy_reviews_user", "efficacy_reviews", "reviewed_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ux_efficacy_reviews_year", "efficacy_reviews", &["project_id", "year"]).unique().to_owned()).await?;

        m.create_table(
            Table::create()
                .table("visit_signals")
                .col(big_pk_auto("id"))
                .col(big_integer("enterprise_id"))
                .col(big_integer("unit_id"))
                .col(big_integer_null("follow_up_id"))
                .col(string("signal"))
                .col(text("note").default(""))
                .col(date("noted_on"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_visit_signals_enterprise", "visit_signals", "enterprise_id", "enterprises"))
                .foreign_key(&mut fk("fk_visit_signals_unit", "visit_signals", "unit_id", "units"))
                .foreign_key(&mut fk("fk_visit_signals_follow_up", "visit_signals", "follow_up_id", "follow_ups"))
                .foreign_key(&mut fk("fk_visit_signals_creator", "visit_signals", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_visit_signals_enterprise", "visit_signals", &["enterprise_id", "noted_on"])).await?;

        m.create_table(
            Table::create()
                .table("policy_conditions")
                .col(big_pk_auto("id"))
                .col(big_integer("policy_item_id"))
                .col(string("indicator"))
                .col(big_integer("threshold"))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_policy_conditions_item", "policy_conditions", "policy_item_id", "policy_items"))
                .foreign_key(&mut fk("fk_policy_conditions_creator", "policy_conditions", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_policy_conditions_item", "policy_conditions", &["policy_item_id"])).await?;

        m.create_table(
            Table::create()
                .table("policy_payments")
                .col(big_pk_auto("id"))
                .col(big_integer("policy_item_id"))
                .col(date("paid_on"))
                .col(big_integer("amount_wan"))
                .col(string("document").default(""))
                .col(text("note").default(""))
                .col(big_integer_null("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .foreign_key(&mut fk("fk_policy_payments_item", "policy_payments", "policy_item_id", "policy_items"))
                .foreign_key(&mut fk("fk_policy_payments_creator", "policy_payments", "created_by", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_policy_payments_item", "policy_payments", &["policy_item_id", "paid_on"])).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in ["policy_payments", "policy_conditions", "visit_signals", "efficacy_reviews", "yearly_results", "commitments", "project_filings", "approval_items"] {
            m.drop_table(Table::drop().table(table.to_string()).to_owned()).await?;
        }
        Ok(())
    }
}
