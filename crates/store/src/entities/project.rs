//! Projects (项目): an investment from lead to statistics.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "projects")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub code: String,
    pub name: String,
    /// Shown instead of the name outside the owning units and the bureau when confidential.
    pub codename: String,
    pub confidential: bool,
    /// The investor.
    pub enterprise_id: i64,
    pub target_id: Option<i64>,
    pub chain_id: Option<i64>,
    pub link_id: Option<i64>,
    /// GB/T 4754 code of the main product.
    pub industry_code: String,
    pub kind: String,
    /// A later phase of a project already signed (二期), which eligibility may exclude.
    pub follow_on: bool,
    /// Amounts in hundredths of 万元.
    pub total_wan: i64,
    pub fixed_wan: i64,
    pub planned_jobs: Option<i32>,
    pub planned_output_wan: Option<i64>,
    pub planned_tax_wan: Option<i64>,
    pub source_channel: String,
    pub source_unit_id: i64,
    pub landing_unit_id: i64,
    pub owner_user_id: Option<i64>,
    pub contract_kind: String,
    pub contract_wan: Option<i64>,
    pub stage: String,
    pub state: String,
    /// The date the current stage was reached.
    pub stage_on: Date,
    #[sea_orm(column_type = "Text")]
    pub state_reason: String,
    pub lead_on: Option<Date>,
    pub negotiating_on: Option<Date>,
    pub signed_on: Option<Date>,
    pub started_on: Option<Date>,
    pub operating_on: Option<Date>,
    pub in_statistics_on: Option<Date>,
    /// Verification of each verified stage, copied from its stage change for fast counts.
    pub signed_verification: String,
    pub started_verification: String,
    pub operating_verification: String,
    pub in_statistics_verification: String,
    pub statistics_ref: String,
    pub planned_start_on: Option<Date>,
    pub planned_operation_on: Option<Date>,
    pub funds_plan_wan: i64,
    pub funds_plan_by: Option<Date>,
    /// Sum of verified funds reports, kept with each verification.
    pub funds_verified_wan: i64,
    pub eligible: bool,
    #[sea_orm(column_type = "Text")]
    pub eligibility_rule: String,
    pub duplicate: String,
    pub duplicate_of_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub duplicate_reason: String,
    pub health: String,
    /// The health check's reasons, one per line.
    #[sea_orm(column_type = "Text")]
    pub health_reasons: String,
    pub last_activity_on: Date,
    /// The investor's region, tags and searchable names, copied like on targets.
    pub region_code: String,
    pub tags: String,
    #[sea_orm(column_type = "Text")]
    pub search_text: String,
    #[sea_orm(column_type = "Text")]
    pub note: String,
    /// Empty when the system did it (an import, the command line).
    pub created_by: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
