//! The enterprise library: search, create, edit (with optimistic locking), contacts, merging
//! duplicates, and each company's page with who courts it and what happened.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use domain::Role;
use domain::access::Power;
use domain::money::{Currency, format_wan, parse_wan};
use domain::target::{Tag, parse_tags};
use domain::{industry, region};
use store::StoreError;
use store::enterprises::{EnterpriseInput, NewContact};
use store::entities::{contact, enterprise};
use store::follow_ups::FollowUpView;
use store::targets::OtherUnit;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

/// Leaders and viewers read; everyone else may add and correct company data (audited).
pub fn may_edit_companies(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Bureau) || user.has(Role::UnitHead) || user.has(Role::Officer) || user.has(Role::Department)
}

pub(crate) fn require_edit(user: &CurrentUser, action: &str, id: impl ToString) -> Result<()> {
    if may_edit_companies(user) {
        Ok(())
    } else {
        Err(AppError::denied("您的角色只能查看企业信息", action, "enterprise", id))
    }
}

/// How an enterprise is shown in lists.
pub struct EnterpriseLine {
    pub e: enterprise::Model,
    pub region: String,
    pub industry: String,
    pub tags: Vec<&'static str>,
    pub capital: String,
}

pub fn line(e: enterprise::Model) -> EnterpriseLine {
    EnterpriseLine {
        region: region::full_name(&e.region_code).unwrap_or_default(),
        industry: industry::lookup(&e.industry_code).map(|i| format!("{} {}", i.code, i.name)).unwrap_or_default(),
        tags: parse_tags(&e.tags).unwrap_or_default().into_iter().map(Tag::label).collect(),
        capital: capital_text(&e),
        e,
    }
}

pub fn capital_text(e: &enterprise::Model) -> String {
    match e.capital_wan {
        Some(h) => {
            let currency = Currency::parse(&e.capital_currency).filter(|c| *c != Currency::Cny).map(|c| c.label()).unwrap_or("");
            format!("{} 万元{}", format_wan(h), currency)
        }
        None => String::new(),
    }
}

#[derive(Template)]
#[template(path = "enterprises.html")]
struct ListPage {
    page: Page,
    q: String,
    rows: Vec<EnterpriseLine>,
    total: u64,
    searched: bool,
    can_edit: bool,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let query = q.get("q");
    let searched = !query.is_empty();
    let found = if searched { state.store.find_enterprises(&query, user.actor.visibility(), 100).await? } else { state.store.recent_enterprises(30).await? };
    let page = ListPage {
        page: Page::new(&state, &user, "企业库", "enterprises").with_flash(&q.get("done")),
        q: query,
        rows: found.into_iter().map(line).collect(),
        total: state.store.count_enterprises().await?,
        searched,
        can_edit: may_edit_companies(&user),
    };
    Ok(Html(page.render()?))
}

/// The companies found for a query (or the most recent ones), as .xlsx.
/// The library as .xlsx: what was searched (up to 10,000 companies), or, for the bureau, the whole
/// library streamed in id order with flat memory.
pub async fn export(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::Column;
    let query = q.get("q");
    let columns: Vec<Column> = [("序号", 6.0), ("企业名称", 36.0), ("统一社会信用代码", 22.0), ("法定代表人", 10.0), ("成立日期", 12.0), ("注册资本（万元）", 14.0), ("登记状态", 8.0), ("国标行业", 26.0), ("所在地区", 24.0), ("标签", 20.0), ("本地企业", 8.0)]
        .into_iter()
        .map(|(h, w)| Column { header: h.to_string(), width: w })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let (ascii, name) = (format!("enterprises-{today}.xlsx"), format!("企业库-{today}.xlsx"));
    if query.is_empty() && q.get("all") == "1" {
        user.can(domain::access::Power::SeeAllUnits, "export", "enterprise", "all")?;
        let store = state.store.clone();
        let after = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let next = move |page: u64| -> super::PageFuture {
            let (store, after) = (store.clone(), after.clone());
            Box::pin(async move {
                let batch = store.enterprises_after(after.load(std::sync::atomic::Ordering::Relaxed), 2000).await?;
                if let Some(last) = batch.last() {
                    after.store(last.id, std::sync::atomic::Ordering::Relaxed);
                }
                Ok(batch.into_iter().enumerate().map(|(i, e)| export_row(page as usize * 2000 + i + 1, e)).collect())
            })
        };
        return super::xlsx_stream("企业".into(), format!("企业库（全部，{today} 导出）"), columns, ascii, name, next).await;
    }
    let found = if query.is_empty() { state.store.recent_enterprises(10_000).await? } else { state.store.find_enterprises(&query, user.actor.visibility(), 10_000).await? };
    let rows = found.into_iter().enumerate().map(|(i, e)| export_row(i + 1, e));
    let title = if query.is_empty() { format!("企业库（最近更新，{today} 导出）") } else { format!("企业库：「{query}」的查找结果（{today} 导出）") };
    let bytes = office::xlsx::write_table("企业", &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, &ascii, &name))
}

fn export_row(number: usize, e: enterprise::Model) -> Vec<office::xlsx::Cell> {
    use office::xlsx::Cell;
    let (established, capital, status, is_local) = (e.established_on, e.capital_wan, e.status.clone(), e.is_local);
    let (name, uscc, legal_rep) = (e.name.clone(), e.uscc.clone().unwrap_or_default(), e.legal_rep.clone());
    let l = line(e);
    vec![
        Cell::Int(number as i64),
        Cell::Text(name),
        Cell::Text(uscc),
        Cell::Text(legal_rep),
        established.map_or(Cell::Empty, Cell::Date),
        capital.map_or(Cell::Empty, Cell::Wan),
        Cell::Text(status),
        Cell::Text(l.industry),
        Cell::Text(l.region),
        Cell::Text(l.tags.join("、")),
        Cell::Text(if is_local { "是".into() } else { String::new() }),
    ]
}

/// Suggestions for the quick entry: a few companies whose name contains what was typed.
pub async fn suggest(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Json<serde_json::Value>> {
    let query = q.get("q");
    let found = if query.chars().count() >= 2 || query.len() >= 4 { state.store.find_enterprises(&query, user.actor.visibility(), 8).await? } else { Vec::new() };
    let items: Vec<_> = found.into_iter().map(|e| serde_json::json!({ "id": e.id, "name": e.name, "uscc": e.uscc })).collect();
    Ok(Json(serde_json::json!({ "items": items })))
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct ShowPage {
    page: Page,
    l: EnterpriseLine,
    others: Vec<OtherUnit>,
    own_target: Option<i64>,
    contacts: Vec<contact::Model>,
    hidden_contacts: usize,
    timeline: Vec<FollowUpView>,
    show_enterprise: bool,
    can_edit: bool,
    can_merge: bool,
    merged_into: Option<enterprise::Model>,
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Html<String>> {
    let id = parse_id(&id)?;
    let e = state.store.enterprise(id).await?;
    let merged_into = match e.merged_into_id {
        Some(m) => Some(state.store.enterprise(m).await?),
        None => None,
    };
    let engagements = state.store.engagements(id).await?;
    let visibility = user.actor.visibility();
    let own_target = state.store.target_for(id, user.unit.id).await?.map(|t| t.id);
    let (contacts, hidden_contacts) = state.store.contacts_of(id, visibility).await?;
    let page = ShowPage {
        page: Page::new(&state, &user, e.name.clone(), "enterprises").with_flash(&q.get("done")),
        others: engagements.into_iter().filter(|o| o.unit_id != user.unit.id).collect(),
        own_target,
        contacts,
        hidden_contacts,
        timeline: state.store.follow_ups(Some(id), None, visibility, 200).await?,
        show_enterprise: false,
        can_edit: may_edit_companies(&user),
        can_merge: user.actor.can(Power::EditProfile).is_ok(),
        merged_into,
        l: line(e),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "enterprise_form.html")]
struct FormPage {
    page: Page,
    action: String,
    form: FormData,
    tags: Vec<(&'static str, &'static str)>,
    may_override: bool,
    error: Option<String>,
    existing: Option<i64>,
}

pub(crate) fn input_from(form: &FormData) -> Result<EnterpriseInput> {
    let date = |name: &str, label: &str| -> Result<Option<NaiveDate>> {
        let v = form.get(name);
        if v.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(&v, "%Y-%m-%d").map(Some).map_err(|_| AppError::BadRequest(format!("「{label}」应为 2024-06-21 这样的日期")))
    };
    let capital = match form.get("capital") {
        v if v.is_empty() => None,
        v => Some(parse_wan(&v).map_err(|e| AppError::BadRequest(format!("注册资本：{e}")))?),
    };
    let revenue = match form.get("revenue") {
        v if v.is_empty() => None,
        v => Some(parse_wan(&v).map_err(|e| AppError::BadRequest(format!("营业收入：{e}")))?.hundredths),
    };
    let employees = match form.get("employees") {
        v if v.is_empty() => None,
        v => Some(v.parse::<i32>().map_err(|_| AppError::BadRequest("从业人数应为整数".into()))?),
    };
    let tags = parse_tags(&form.all("tags").join(",")).map_err(AppError::BadRequest)?;
    Ok(EnterpriseInput {
        uscc: form.get("uscc"),
        uscc_override_reason: form.get("uscc_override_reason"),
        name: form.get("name"),
        former_names: form.get("former_names"),
        legal_rep: form.get("legal_rep"),
        established_on: date("established_on", "成立日期")?,
        capital,
        status: form.get("status"),
        company_type: form.get("company_type"),
        industry_code: form.get("industry_code"),
        region_code: form.get("region_code"),
        address: form.get("address"),
        business_scope: form.get("business_scope"),
        revenue_wan: revenue,
        employees,
        tags,
        listing: form.get("listing"),
        is_local: form.checked("is_local"),
    })
}

pub(crate) fn form_of(e: &enterprise::Model) -> FormData {
    let mut fields = vec![
        ("uscc".to_string(), e.uscc.clone().unwrap_or_default()),
        ("uscc_override_reason".to_string(), e.uscc_note.clone()),
        ("name".to_string(), e.name.clone()),
        ("former_names".to_string(), e.former_names.clone()),
        ("legal_rep".to_string(), e.legal_rep.clone()),
        ("established_on".to_string(), e.established_on.map(|d| d.to_string()).unwrap_or_default()),
        ("capital".to_string(), e.capital_wan.map(|h| format!("{}{}", format_wan(h).replace(',', ""), if e.capital_currency == "CNY" { String::new() } else { format!("万{}", Currency::parse(&e.capital_currency).map_or("", Currency::label)) })).unwrap_or_default()),
        ("status".to_string(), e.status.clone()),
        ("company_type".to_string(), e.company_type.clone()),
        ("industry_code".to_string(), e.industry_code.clone()),
        ("region_code".to_string(), e.region_code.clone()),
        ("address".to_string(), e.address.clone()),
        ("business_scope".to_string(), e.business_scope.clone()),
        ("revenue".to_string(), e.revenue_wan.map(|h| format_wan(h).replace(',', "")).unwrap_or_default()),
        ("employees".to_string(), e.employees.map(|n| n.to_string()).unwrap_or_default()),
        ("listing".to_string(), e.listing.clone()),
        ("is_local".to_string(), if e.is_local { "1".into() } else { String::new() }),
        ("version".to_string(), e.version.to_string()),
    ];
    fields.extend(parse_tags(&e.tags).unwrap_or_default().into_iter().map(|t| ("tags".to_string(), t.code().to_string())));
    FormData(fields)
}

async fn render_form(state: &AppState, user: &CurrentUser, title: &str, action: String, form: FormData, error: Option<String>, existing: Option<i64>) -> Result<Response> {
    let page = FormPage {
        page: Page::new(state, user, title, "enterprises"),
        action,
        form,
        tags: Tag::options(),
        may_override: user.actor.can(Power::EditProfile).is_ok(),
        error,
        existing,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    require_edit(&user, "create", "")?;
    let form = FormData(vec![("name".into(), q.get("name"))]);
    render_form(&state, &user, "新建企业", "/enterprises/new".into(), form, None, None).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    require_edit(&user, "create", "")?;
    let may_override = user.actor.can(Power::EditProfile).is_ok();
    let result = match input_from(&form) {
        Ok(input) => state.store.create_enterprise(&user.who(), &input, may_override).await,
        Err(AppError::BadRequest(m)) => Err(StoreError::Invalid(m)),
        Err(e) => return Err(e),
    };
    match result {
        Ok(e) => Ok(Redirect::to(&format!("/enterprises/{}?done=created", e.id)).into_response()),
        Err(StoreError::Invalid(m)) => render_form(&state, &user, "新建企业", "/enterprises/new".into(), form, Some(m), None).await,
        Err(StoreError::Duplicate { message, id }) => render_form(&state, &user, "新建企业", "/enterprises/new".into(), form, Some(message), Some(id)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    require_edit(&user, "update", id)?;
    let e = state.store.enterprise(id).await?;
    render_form(&state, &user, "修改企业信息", format!("/enterprises/{id}/edit"), form_of(&e), None, None).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    require_edit(&user, "update", id)?;
    state.store.enterprise(id).await?;
    let version: i32 = form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再改".into()))?;
    let may_override = user.actor.can(Power::EditProfile).is_ok();
    let result = match input_from(&form) {
        Ok(input) => state.store.update_enterprise(&user.who(), id, version, &input, may_override).await,
        Err(AppError::BadRequest(m)) => Err(StoreError::Invalid(m)),
        Err(e) => return Err(e),
    };
    let action = format!("/enterprises/{id}/edit");
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/enterprises/{id}?done=saved")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => render_form(&state, &user, "修改企业信息", action, form, Some(m), None).await,
        Err(StoreError::Duplicate { message, id: other }) => render_form(&state, &user, "修改企业信息", action, form, Some(message), Some(other)).await,
        Err(e) => Err(e.into()),
    }
}

/// A contact as the form (or an API body) gives it.
pub(crate) fn contact_from(form: &FormData) -> NewContact {
    NewContact {
        name: form.get("name"),
        title: form.get("title"),
        phone: form.get("phone"),
        wechat: form.get("wechat"),
        is_native: form.checked("is_native"),
        home_county: form.get("home_county"),
        note: form.get("note"),
    }
}

pub async fn add_contact(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    require_edit(&user, "create", id)?;
    state.store.add_contact(&user.who(), id, user.unit.id, &contact_from(&form)).await?;
    Ok(Redirect::to(&format!("/enterprises/{id}?done=contact#contacts")).into_response())
}

#[derive(Template)]
#[template(path = "enterprise_merge.html")]
struct MergePage {
    page: Page,
    keep: enterprise::Model,
    error: Option<String>,
    other: String,
}

pub async fn merge_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::EditProfile, "merge", "enterprise", id)?;
    let keep = state.store.enterprise(id).await?;
    let page = MergePage { page: Page::new(&state, &user, "合并重复企业", "enterprises"), keep, error: None, other: String::new() };
    Ok(Html(page.render()?).into_response())
}

pub async fn merge(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::EditProfile, "merge", "enterprise", id)?;
    let keep = state.store.enterprise(id).await?;
    let other = form.get("other");
    let duplicate = match other.parse::<i64>() {
        Ok(n) => state.store.enterprise(n).await.ok(),
        Err(_) => state.store.enterprise_by_uscc(&domain::uscc::Uscc::normalize(&other)).await?,
    };
    let result = match duplicate {
        Some(d) => state.store.merge_enterprises(&user.who(), id, d.id).await.map(|_| ()),
        None => Err(StoreError::Invalid(format!("找不到编号或统一社会信用代码为「{other}」的企业"))),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/enterprises/{id}?done=merged")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => {
            let page = MergePage { page: Page::new(&state, &user, "合并重复企业", "enterprises"), keep, error: Some(m), other };
            Ok(Html(page.render()?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
