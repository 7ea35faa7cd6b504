//! Enterprises (企业), keyed by 统一社会信用代码 when known. Money in hundredths of 万元.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel, Serialize, Deserialize)]
#[sea_orm(table_name = "enterprises")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub uscc: Option<String>,
    /// False when bureau kept a code that fails its check, with the reason in `uscc_note`.
    pub uscc_valid: bool,
    #[sea_orm(column_type = "Text")]
    pub uscc_note: String,
    pub name: String,
    /// The name folded for search and duplicate checks (see `enterprises::normalize_name`).
    pub name_norm: String,
    /// Former names, separated by 、.
    #[sea_orm(column_type = "Text")]
    pub former_names: String,
    pub legal_rep: String,
    pub established_on: Option<Date>,
    pub capital_wan: Option<i64>,
    pub capital_currency: String,
    pub status: String,
    pub company_type: String,
    pub industry_code: String,
    pub region_code: String,
    #[sea_orm(column_type = "Text")]
    pub address: String,
    #[sea_orm(column_type = "Text")]
    pub business_scope: String,
    pub revenue_wan: Option<i64>,
    pub employees: Option<i32>,
    /// Tag codes, comma-separated (domain::target::Tag).
    pub tags: String,
    /// Exchange and stock code when listed, e.g. 上交所 688001.
    pub listing: String,
    pub is_local: bool,
    pub merged_into_id: Option<i64>,
    pub created_by_unit_id: Option<i64>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
