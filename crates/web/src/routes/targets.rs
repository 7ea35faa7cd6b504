//! The target library: filtered lists (what the viewer may see only), saved views, the board by
//! engagement status, export to .xlsx exactly as filtered, and each target's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::Role;
use domain::access::{Access, Owner, Power, Visibility};
use domain::target::{Engagement, Priority, Tag};
use store::StoreError;
use store::entities::{saved_view, user};
use store::follow_ups::FollowUpView;
use store::profile::ClusterTree;
use store::targets::{NewTarget, OtherUnit, TargetChanges, TargetFilter, TargetRow, TargetSort};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id, url_encode};
use crate::views::Page;
use crate::AppState;

const PER_PAGE: u64 = 50;

/// The filter a query string asks for; bad values are explained, not ignored.
pub fn filter_from(q: &FormData, user: &CurrentUser) -> Result<TargetFilter> {
    let status = match q.get("status") {
        v if v.is_empty() => None,
        v => Some(Engagement::parse(&v).ok_or_else(|| AppError::BadRequest(format!("未知的状态「{v}」")))?),
    };
    let priority = match q.get("priority") {
        v if v.is_empty() => None,
        v => Some(Priority::parse(&v).ok_or_else(|| AppError::BadRequest(format!("未知的优先级「{v}」")))?),
    };
    let stale_days = match q.get("stale") {
        v if v.is_empty() => None,
        v => Some(v.parse::<i64>().ok().filter(|d| (0..=3650).contains(d)).ok_or_else(|| AppError::BadRequest("「未联系天数」应为 0–3650 的整数".into()))?),
    };
    let tag = q.get("tag");
    if !tag.is_empty() && Tag::parse(&tag).is_none() {
        return Err(AppError::BadRequest(format!("未知的标签「{tag}」")));
    }
    let region = q.get("region");
    if !region.chars().all(|c| c.is_ascii_digit()) || region.len() > 6 {
        return Err(AppError::BadRequest("「地区」应为行政区划代码的前几位，如 44 或 4403".into()));
    }
    let page = q.get("page").parse::<u64>().unwrap_or(1).clamp(1, 100_000);
    Ok(TargetFilter {
        q: q.get("q"),
        unit_id: q.id("unit_id", "单位")?,
        chain_id: q.id("chain_id", "产业链")?,
        link_id: q.id("link_id", "环节")?,
        status,
        priority,
        tag: tag.clone(),
        region: region.trim_end_matches("00").to_string(),
        stale_days,
        owner_user_id: if q.get("mine") == "1" { Some(user.user.id) } else { None },
        sort: TargetSort::parse(&q.get("sort")),
        page: page - 1,
        per_page: PER_PAGE,
    })
}

/// The query string of the current filter without the page, for links and saved views.
fn query_of(q: &FormData) -> String {
    ["q", "unit_id", "chain_id", "link_id", "status", "priority", "tag", "region", "stale", "mine", "sort"]
        .iter()
        .filter_map(|k| {
            let v = q.get(k);
            (!v.is_empty()).then(|| format!("{k}={}", url_encode(&v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[derive(Template)]
#[template(path = "targets.html")]
struct ListPage {
    page: Page,
    rows: Vec<TargetRow>,
    total: u64,
    page_no: u64,
    pages: u64,
    form: FormData,
    query: String,
    units: Vec<store::entities::unit::Model>,
    tree: std::sync::Arc<Vec<ClusterTree>>,
    statuses: Vec<(&'static str, &'static str)>,
    priorities: Vec<(&'static str, &'static str)>,
    tags: Vec<(&'static str, &'static str)>,
    sorts: Vec<(&'static str, &'static str)>,
    views: Vec<saved_view::Model>,
    see_all: bool,
    today: chrono::NaiveDate,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let filter = filter_from(&q, &user)?;
    let (rows, total) = state.store.list_targets(user.actor.visibility(), &filter).await?;
    let page = ListPage {
        page: Page::new(&state, &user, "目标企业", "targets").with_flash(&q.get("done")),
        rows,
        total,
        page_no: filter.page + 1,
        pages: total.div_ceil(PER_PAGE).max(1),
        query: query_of(&q),
        form: q,
        units: state.store.units().await?,
        tree: state.store.profile_tree().await?,
        statuses: Engagement::options(),
        priorities: Priority::options(),
        tags: Tag::options(),
        sorts: TargetSort::ALL.iter().map(|(_, c, l)| (*c, *l)).collect(),
        views: state.store.saved_views(user.user.id, "targets").await?,
        see_all: user.actor.visibility() == Visibility::All,
        today: chrono::Utc::now().date_naive(),
    };
    Ok(Html(page.render()?))
}

pub fn days_since(last: &Option<chrono::NaiveDate>, today: &chrono::NaiveDate) -> String {
    match domain::target::days_since(*last, *today) {
        Some(0) => "今天".into(),
        Some(d) => format!("{d} 天前"),
        None => "从未".into(),
    }
}

pub fn status_label(code: &str) -> &'static str {
    Engagement::parse(code).map_or("", Engagement::label)
}

pub fn priority_label(code: &str) -> &'static str {
    Priority::parse(code).map_or("", Priority::label)
}

#[derive(Template)]
#[template(path = "targets_board.html")]
struct BoardPage {
    page: Page,
    columns: Vec<(&'static str, &'static str, u64, Vec<TargetRow>)>,
}

pub async fn board(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>> {
    let visibility = user.actor.visibility();
    let mut columns = Vec::new();
    for (status, count) in state.store.target_counts_by_status(visibility).await? {
        let filter = TargetFilter { status: Some(status), per_page: 20, sort: TargetSort::Priority, ..Default::default() };
        let (rows, _) = state.store.list_targets(visibility, &filter).await?;
        columns.push((status.code(), status.label(), count, rows));
    }
    let page = BoardPage { page: Page::new(&state, &user, "目标企业看板", "targets"), columns };
    Ok(Html(page.render()?))
}

/// The list as filtered, as .xlsx, streamed page by page with flat memory.
pub async fn export(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use office::xlsx::{Cell, Column};
    let filter = filter_from(&q, &user)?;
    let visibility = user.actor.visibility();
    let columns: Vec<Column> = [("序号", 6.0), ("企业名称", 36.0), ("统一社会信用代码", 22.0), ("地区", 20.0), ("行业代码", 10.0), ("对应环节", 24.0), ("责任单位", 16.0), ("负责人", 10.0), ("优先级", 8.0), ("状态", 12.0), ("最近对接", 12.0), ("来源", 14.0)]
        .into_iter()
        .map(|(h, w)| Column { header: h.to_string(), width: w })
        .collect();
    let today = chrono::Utc::now().date_naive();
    let store = state.store.clone();
    let next = move |page: u64| -> super::PageFuture {
        let (store, filter) = (store.clone(), TargetFilter { page, per_page: 1000, ..filter.clone() });
        Box::pin(async move {
            let (rows, _) = store.list_targets(visibility, &filter).await?;
            Ok(rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    vec![
                        Cell::Int((page * 1000) as i64 + i as i64 + 1),
                        Cell::Text(r.enterprise.name.clone()),
                        Cell::Text(r.enterprise.uscc.clone().unwrap_or_default()),
                        Cell::Text(domain::region::full_name(&r.enterprise.region_code).unwrap_or_default()),
                        Cell::Text(r.enterprise.industry_code.clone()),
                        Cell::Text(r.links.join("、")),
                        Cell::Text(r.unit_name.clone()),
                        Cell::Text(r.owner_name.clone()),
                        Cell::Text(r.target.priority.clone()),
                        Cell::Text(status_label(&r.target.status).to_string()),
                        r.target.last_contact_on.map_or(Cell::Empty, Cell::Date),
                        Cell::Text(r.target.source.clone()),
                    ]
                })
                .collect())
        })
    };
    super::xlsx_stream("目标企业".into(), format!("目标企业清单（{today} 导出）"), columns, format!("targets-{today}.xlsx"), format!("目标企业-{today}.xlsx"), next).await
}

pub async fn save_view(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    state.store.save_view(user.user.id, "targets", &form.get("name"), &form.get("query")).await?;
    Ok(Redirect::to(&format!("/targets?{}&done=view_saved", form.get("query"))).into_response())
}

pub async fn delete_view(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    // Someone else's view is a denial like any other (audited); one that does not exist is a 404.
    if state.store.saved_view(id).await?.user_id != user.user.id {
        return Err(AppError::denied("这是别人保存的视图，您无权删除", "delete", "saved_view", id));
    }
    state.store.delete_view(user.user.id, id).await?;
    Ok(Redirect::to("/targets?done=view_deleted").into_response())
}

/// Whose a target is, for `may`: its unit, and the lead department if one of its chains is the viewer's.
pub(crate) async fn owner_of(state: &AppState, user: &CurrentUser, target: &store::entities::target::Model) -> Result<Owner> {
    Ok(owner_led_by(user, target, state.store.target_chain_leads(target.id).await?))
}

/// Whose a target is, given the lead departments of its chains.
fn owner_led_by(user: &CurrentUser, target: &store::entities::target::Model, leads: impl IntoIterator<Item = i64>) -> Owner {
    Owner { unit_id: target.owner_unit_id, chain_lead_unit_id: leads.into_iter().find(|l| *l == user.unit.id) }
}

#[derive(Template)]
#[template(path = "target.html")]
struct ShowPage {
    page: Page,
    row: TargetRow,
    form: FormData,
    officers: Vec<user::Model>,
    tree: std::sync::Arc<Vec<ClusterTree>>,
    statuses: Vec<(&'static str, &'static str)>,
    priorities: Vec<(&'static str, &'static str)>,
    timeline: Vec<FollowUpView>,
    show_enterprise: bool,
    others: Vec<OtherUnit>,
    can_write: bool,
    error: Option<String>,
    today: chrono::NaiveDate,
}

/// The form's values for an existing target.
pub(crate) fn form_of(t: &store::entities::target::Model, linked: &[i64]) -> FormData {
    let mut f = vec![
        ("priority".to_string(), t.priority.clone()),
        ("status".to_string(), t.status.clone()),
        ("drop_reason".to_string(), t.drop_reason.clone()),
        ("source".to_string(), t.source.clone()),
        ("note".to_string(), t.note.clone()),
        ("owner_user_id".to_string(), t.owner_user_id.map(|u| u.to_string()).unwrap_or_default()),
        ("version".to_string(), t.version.to_string()),
    ];
    f.extend(linked.iter().map(|l| ("link_ids".to_string(), l.to_string())));
    FormData(f)
}

async fn render_target(state: &AppState, user: &CurrentUser, id: i64, form: Option<FormData>, error: Option<String>, flash: &str) -> Result<Response> {
    let row = state.store.target_row(id).await?;
    let links = state.store.target_links(id).await?;
    let owner = owner_led_by(user, &row.target, links.iter().map(|(_, lead)| *lead));
    user.may(Access::Read, owner, "target", id)?;
    let linked: Vec<i64> = links.into_iter().map(|(link, _)| link).collect();
    let form = form.unwrap_or_else(|| form_of(&row.target, &linked));
    let page = ShowPage {
        page: Page::new(state, user, row.enterprise.name.clone(), "targets").with_flash(flash),
        officers: state.store.users(Some(row.target.owner_unit_id), "").await?.into_iter().filter(|u| u.active).collect(),
        tree: state.store.profile_tree().await?,
        statuses: Engagement::options(),
        priorities: Priority::options(),
        timeline: state.store.follow_ups(Some(row.enterprise.id), None, user.actor.visibility(), 200).await?,
        show_enterprise: false,
        others: state.store.engagements(row.enterprise.id).await?.into_iter().filter(|o| o.unit_id != row.target.owner_unit_id).collect(),
        can_write: user.actor.may(Access::Write, owner).is_ok(),
        error,
        today: chrono::Utc::now().date_naive(),
        form,
        row,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    render_target(&state, &user, id, None, None, &q.get("done")).await
}

fn link_ids(form: &FormData) -> Result<Vec<i64>> {
    form.all("link_ids").iter().filter(|v| !v.is_empty()).map(|v| v.parse::<i64>().map_err(|_| AppError::BadRequest("所选环节无效".into()))).collect()
}

/// A target's changes as the form (or an API body) gives them.
pub(crate) fn changes_from(form: &FormData) -> Result<TargetChanges> {
    Ok(TargetChanges {
        owner_user_id: form.id("owner_user_id", "负责人")?,
        priority: Priority::parse(&form.get("priority")).ok_or_else(|| AppError::BadRequest("请选择优先级".into()))?,
        status: Engagement::parse(&form.get("status")).ok_or_else(|| AppError::BadRequest("请选择状态".into()))?,
        drop_reason: form.get("drop_reason"),
        source: form.get("source"),
        note: form.get("note"),
        link_ids: link_ids(form)?,
    })
}

/// A new target as the form (or an API body) asks for it; assigning a target to a unit is
/// writing that unit's record, checked here (and audited when denied).
pub(crate) fn new_target_from(user: &CurrentUser, form: &FormData) -> Result<NewTarget> {
    let enterprise_id = form.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请先在企业库中选择企业".into()))?;
    let unit_id = form.id("unit_id", "责任单位")?.unwrap_or(user.unit.id);
    user.may(Access::Write, Owner::unit(unit_id), "target", "")?;
    Ok(NewTarget {
        enterprise_id,
        owner_unit_id: unit_id,
        owner_user_id: form.id("owner_user_id", "负责人")?,
        priority: Priority::parse(&form.get("priority")).ok_or_else(|| AppError::BadRequest("请选择优先级".into()))?,
        source: form.get("source"),
        note: form.get("note"),
        link_ids: link_ids(form)?,
    })
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let target = state.store.target(id).await?;
    let owner = owner_of(&state, &user, &target).await?;
    user.may(Access::Write, owner, "target", id)?;
    let version: i32 = form.get("version").parse().map_err(|_| AppError::BadRequest("表单已失效，请刷新后再改".into()))?;
    let result = match changes_from(&form) {
        Ok(changes) => state.store.update_target(&user.who(), id, version, &changes).await,
        Err(AppError::BadRequest(m)) => Err(StoreError::Invalid(m)),
        Err(e) => return Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/targets/{id}?done=saved")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => render_target(&state, &user, id, Some(form), Some(m), "").await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "target_new.html")]
struct NewPage {
    page: Page,
    enterprise: store::entities::enterprise::Model,
    others: Vec<OtherUnit>,
    units: Vec<store::entities::unit::Model>,
    officers: Vec<user::Model>,
    tree: std::sync::Arc<Vec<ClusterTree>>,
    linked: Vec<i64>,
    priorities: Vec<(&'static str, &'static str)>,
    form: FormData,
    choose_unit: bool,
    error: Option<String>,
    existing: Option<i64>,
}

async fn render_new(state: &AppState, user: &CurrentUser, enterprise_id: i64, form: FormData, error: Option<String>, existing: Option<i64>) -> Result<Response> {
    let enterprise = state.store.enterprise(enterprise_id).await?;
    let linked = link_ids(&form).unwrap_or_default();
    let page = NewPage {
        page: Page::new(state, user, "设为目标企业", "targets"),
        others: state.store.engagements(enterprise_id).await?,
        units: state.store.units().await?,
        officers: state.store.users(Some(user.unit.id), "").await?.into_iter().filter(|u| u.active).collect(),
        tree: state.store.profile_tree().await?,
        linked,
        priorities: Priority::options(),
        choose_unit: user.actor.can(Power::SeeAllUnits).is_ok() && !user.has(Role::Leader),
        enterprise,
        form,
        error,
        existing,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let enterprise_id = q.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请先在企业库中选择企业".into()))?;
    user.may(Access::Write, Owner::unit(user.unit.id), "target", "")?;
    let form = FormData(vec![("priority".into(), "B".into()), ("owner_user_id".into(), user.user.id.to_string()), ("unit_id".into(), user.unit.id.to_string())]);
    render_new(&state, &user, enterprise_id, form, None, None).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let enterprise_id = form.id("enterprise_id", "企业")?.ok_or_else(|| AppError::BadRequest("请先在企业库中选择企业".into()))?;
    let result = match new_target_from(&user, &form) {
        Ok(new) => state.store.create_target(&user.who(), &new).await,
        Err(AppError::BadRequest(m)) => Err(StoreError::Invalid(m)),
        Err(e) => return Err(e),
    };
    match result {
        Ok(t) => Ok(Redirect::to(&format!("/targets/{}?done=created", t.id)).into_response()),
        Err(StoreError::Invalid(m)) => render_new(&state, &user, enterprise_id, form, Some(m), None).await,
        Err(StoreError::Duplicate { message, id }) => render_new(&state, &user, enterprise_id, form, Some(message), Some(id)).await,
        Err(e) => Err(e.into()),
    }
}
