//! The shared company library (企业库) and its contacts.

use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use domain::access::Power;
use store::entities::{contact, enterprise};

use super::{Body, Errors, Paging, created, date_text, form_from, list_of, overlay, version_in};
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{FormData, Query, parse_id};
use crate::routes::enterprises as page;
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct Enterprise {
    pub id: i64,
    /// 统一社会信用代码
    pub uscc: Option<String>,
    pub uscc_valid: bool,
    pub name: String,
    /// 曾用名，以「、」分隔
    pub former_names: String,
    pub legal_rep: String,
    #[schema(format = Date)]
    pub established_on: Option<String>,
    /// 注册资本，万元的百分之一
    pub capital_wan: Option<i64>,
    /// CNY / USD / EUR / HKD …
    pub capital_currency: String,
    /// 登记状态
    pub status: String,
    pub company_type: String,
    /// GB/T 4754 行业代码
    pub industry_code: String,
    /// GB/T 2260 行政区划代码
    pub region_code: String,
    pub address: String,
    pub business_scope: String,
    pub revenue_wan: Option<i64>,
    pub employees: Option<i32>,
    /// 标签代码：global500 / china500 / private500 / listed / specialized / …
    pub tags: Vec<String>,
    pub listing: String,
    pub is_local: bool,
    /// 已并入的企业（重复登记合并后）
    pub merged_into_id: Option<i64>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub version: i32,
}

impl From<enterprise::Model> for Enterprise {
    fn from(e: enterprise::Model) -> Enterprise {
        Enterprise {
            tags: e.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).map(String::from).collect(),
            established_on: date_text(e.established_on),
            id: e.id,
            uscc: e.uscc,
            uscc_valid: e.uscc_valid,
            name: e.name,
            former_names: e.former_names,
            legal_rep: e.legal_rep,
            capital_wan: e.capital_wan,
            capital_currency: e.capital_currency,
            status: e.status,
            company_type: e.company_type,
            industry_code: e.industry_code,
            region_code: e.region_code,
            address: e.address,
            business_scope: e.business_scope,
            revenue_wan: e.revenue_wan,
            employees: e.employees,
            listing: e.listing,
            is_local: e.is_local,
            merged_into_id: e.merged_into_id,
            created_at: e.created_at,
            updated_at: e.updated_at,
            version: e.version,
        }
    }
}

list_of!(EnterpriseList, Enterprise);

/// The fields of a company, as on the page's form. On POST `name` is required; on PATCH only the
/// fields given change and `version` is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct EnterpriseWrite {
    /// 统一社会信用代码（18 位，校验位须正确）
    pub uscc: Option<String>,
    /// 代码校验不通过仍要保存时的理由（仅产业链管理权限可用）
    pub uscc_override_reason: Option<String>,
    pub name: Option<String>,
    pub former_names: Option<String>,
    pub legal_rep: Option<String>,
    #[schema(format = Date)]
    pub established_on: Option<String>,
    /// 注册资本，如「5000」「5000万元人民币」「1.2亿」「300万美元」
    pub capital: Option<String>,
    pub status: Option<String>,
    pub company_type: Option<String>,
    pub industry_code: Option<String>,
    pub region_code: Option<String>,
    pub address: Option<String>,
    pub business_scope: Option<String>,
    /// 营业收入，写法同注册资本
    pub revenue: Option<String>,
    pub employees: Option<i32>,
    pub tags: Option<Vec<String>>,
    pub listing: Option<String>,
    pub is_local: Option<bool>,
    /// 修改时必填：读取时的版本号
    pub version: Option<i32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub enterprise_id: i64,
    /// 记录该联系人的单位
    pub unit_id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    pub wechat: String,
    /// 是否汉中籍（乡贤）
    pub is_native: bool,
    pub home_county: String,
    pub note: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl From<contact::Model> for Contact {
    fn from(c: contact::Model) -> Contact {
        Contact { id: c.id, enterprise_id: c.enterprise_id, unit_id: c.unit_id, name: c.name, title: c.title, phone: c.phone, wechat: c.wechat, is_native: c.is_native, home_county: c.home_county, note: c.note, created_at: c.created_at }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactList {
    pub items: Vec<Contact>,
    /// Contacts other units recorded, which this account may not see.
    pub hidden: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct ContactWrite {
    pub name: String,
    pub title: Option<String>,
    pub phone: Option<String>,
    pub wechat: Option<String>,
    pub is_native: Option<bool>,
    pub home_county: Option<String>,
    pub note: Option<String>,
}

/// Where an id-ordered walk of the library continues.
fn after_of(q: &FormData) -> Result<(i64, u64)> {
    let limit = super::limit_of(q)?;
    match q.get("cursor") {
        v if v.is_empty() => Ok((0, limit)),
        v => hex::decode(&v)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|t| {
                let (after, limit) = t.strip_prefix('k')?.split_once(':')?;
                Some((after.parse::<i64>().ok().filter(|a| *a >= 0)?, limit.parse::<u64>().ok().filter(|l| (1..=super::MAX_LIMIT).contains(l))?))
            })
            .ok_or_else(super::bad_cursor),
    }
}

/// 企业库：带 `q` 时按名称、曾用名、信用代码查找（最多 `limit` 家，不分页）；不带时按 id 顺序遍历全库。
#[utoipa::path(get, path = "/api/v1/enterprises", tag = "企业库",
    params(("q" = Option<String>, Query, description = "名称、曾用名或信用代码"), Paging),
    responses((status = 200, body = EnterpriseList), Errors))]
pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<EnterpriseList>> {
    let (after, limit) = after_of(&q)?;
    let query = q.get("q");
    if !query.is_empty() {
        let found = state.store.find_enterprises(&query, user.actor.visibility(), limit).await?;
        return Ok(Json(EnterpriseList { items: found.into_iter().map(Enterprise::from).collect(), next_cursor: None, total: None }));
    }
    let page = state.store.enterprises_after(after, limit).await?;
    let next = (page.len() as u64 == limit).then(|| page.last().map(|e| hex::encode(format!("k{}:{limit}", e.id)))).flatten();
    Ok(Json(EnterpriseList { items: page.into_iter().map(Enterprise::from).collect(), next_cursor: next, total: None }))
}

/// 一家企业。
#[utoipa::path(get, path = "/api/v1/enterprises/{id}", tag = "企业库", params(("id" = i64, Path, description = "企业 id")), responses((status = 200, body = Enterprise), Errors))]
pub async fn get(State(state): State<AppState>, _user: CurrentUser, Path(id): Path<String>) -> Result<Json<Enterprise>> {
    let id = parse_id(&id)?;
    Ok(Json(state.store.enterprise(id).await?.into()))
}

/// 登记一家企业。信用代码重复时返回 409。
#[utoipa::path(post, path = "/api/v1/enterprises", tag = "企业库", request_body = EnterpriseWrite,
    params(("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Enterprise), Errors))]
pub async fn create(State(state): State<AppState>, user: CurrentUser, Body(_, body): Body<EnterpriseWrite>) -> Result<Response> {
    page::require_edit(&user, "create", "")?;
    let input = page::input_from(&form_from(&body))?;
    let may_override = user.actor.can(Power::EditProfile).is_ok();
    let e = state.store.create_enterprise(&user.who(), &input, may_override).await?;
    Ok(created(format!("/api/v1/enterprises/{}", e.id), Enterprise::from(e)))
}

/// 修改企业信息（只改给出的字段；须带 version）。
#[utoipa::path(patch, path = "/api/v1/enterprises/{id}", tag = "企业库", request_body = EnterpriseWrite, params(("id" = i64, Path, description = "企业 id")), responses((status = 200, body = Enterprise), Errors))]
pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<EnterpriseWrite>) -> Result<Json<Enterprise>> {
    let id = parse_id(&id)?;
    page::require_edit(&user, "update", id)?;
    let current = state.store.enterprise(id).await?;
    let version = version_in(&body)?;
    let input = page::input_from(&overlay(page::form_of(&current), &body))?;
    let may_override = user.actor.can(Power::EditProfile).is_ok();
    Ok(Json(state.store.update_enterprise(&user.who(), id, version, &input, may_override).await?.into()))
}

/// 一家企业的联系人：只列本单位记录的（全市权限可见全部），`hidden` 为看不到的个数。
#[utoipa::path(get, path = "/api/v1/enterprises/{id}/contacts", tag = "企业库", params(("id" = i64, Path, description = "企业 id")), responses((status = 200, body = ContactList), Errors))]
pub async fn contacts(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Json<ContactList>> {
    let id = parse_id(&id)?;
    state.store.enterprise(id).await?;
    let (items, hidden) = state.store.contacts_of(id, user.actor.visibility()).await?;
    Ok(Json(ContactList { items: items.into_iter().map(Contact::from).collect(), hidden: hidden as u64 }))
}

/// 为企业添加一位联系人（记在本单位名下）。
#[utoipa::path(post, path = "/api/v1/enterprises/{id}/contacts", tag = "企业库", request_body = ContactWrite,
    params(("id" = i64, Path, description = "企业 id"), ("Idempotency-Key" = Option<String>, Header, description = "幂等键")),
    responses((status = 201, body = Contact), Errors))]
pub async fn add_contact(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Body(_, body): Body<ContactWrite>) -> Result<Response> {
    let id = parse_id(&id)?;
    page::require_edit(&user, "create", id)?;
    let c = state.store.add_contact(&user.who(), id, user.unit.id, &page::contact_from(&form_from(&body))).await?;
    Ok(created(format!("/api/v1/enterprises/{id}/contacts"), Contact::from(c)))
}
