//! One box over the universe of companies, targets, projects and follow-ups: words, any two
//! characters of a name, 统一社会信用代码 or project code, a contact's phone. Facets narrow the
//! results. Only what the viewer may see is found, counted or shown: the index filters by unit,
//! and every record shown is checked again against the database.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Html;

use search::{Facets, Filters, Request};
use store::search_feed::{FollowUpLine, Kind, ProjectLine};
use store::targets::{TargetFilter, TargetRow};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::Query;
use crate::routes::enterprises::{EnterpriseLine, line};
use crate::views::Page;

/// Hits per kind on the "all" tab, and on a kind's own tab.
const PER_KIND: usize = 10;
const PER_TAB: usize = 50;

pub struct Section<T> {
    pub total: u64,
    pub rows: Vec<T>,
}

/// A facet value as a link that adds (or, when chosen, removes) the filter.
pub struct FacetLink {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub on: bool,
}

pub struct FacetGroup {
    pub title: &'static str,
    pub links: Vec<FacetLink>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: Page,
    q: String,
    tab: String,
    tabs: Vec<(String, String, u64, bool)>,
    enterprises: Section<EnterpriseLine>,
    targets: Section<TargetRow>,
    projects: Section<ProjectLine>,
    follow_ups: Section<FollowUpLine>,
    facets: Vec<FacetGroup>,
    filtered: bool,
    /// Why results came from the database instead of the index, if they did.
    fallback: Option<String>,
    millis: String,
}

fn empty<T>(_kind: Kind) -> Section<T> {
    Section { total: 0, rows: Vec::new() }
}

/// The query string of this search with one parameter changed (empty removes it).
fn href(params: &[(&str, String)], key: &str, value: &str) -> String {
    let mut pairs: Vec<(&str, &str)> = params.iter().filter(|(k, v)| *k != key && !v.is_empty()).map(|(k, v)| (*k, v.as_str())).collect();
    if !value.is_empty() {
        pairs.push((key, value));
    }
    format!("/search?{}", serde_urlencoded::to_string(&pairs).unwrap_or_default())
}

fn groups(facets: &Facets, params: &[(&str, String)], filters: &Filters) -> Vec<FacetGroup> {
    let group = |title: &'static str, key: &'static str, values: &[(String, String, u64)], chosen: &Option<String>| {
        let mut links: Vec<FacetLink> = Vec::new();
        if let Some(c) = chosen {
            links.push(FacetLink { label: "不限".into(), count: 0, href: href(params, key, ""), on: false });
            let _ = c;
        }
        links.extend(values.iter().map(|(path, label, count)| FacetLink { label: label.clone(), count: *count, href: href(params, key, path), on: chosen.as_deref() == Some(path.as_str()) }));
        FacetGroup { title, links }
    };
    vec![
        group("行业", "industry", &facets.industry, &filters.industry),
        group("地区", "region", &facets.region, &filters.region),
        group("注册资本", "capital", &facets.capital, &filters.capital),
        group("标签", "tag", &facets.tags, &filters.tag),
        group("状态", "status", &facets.status, &filters.status),
    ]
    .into_iter()
    .filter(|g| g.links.iter().any(|l| l.count > 0 || !l.on))
    .filter(|g| !g.links.is_empty())
    .collect()
}

/// A facet parameter: a path of letters, digits and "_" segments, or nothing.
fn facet_param(q: &crate::forms::FormData, key: &str) -> Option<String> {
    let v = q.get(key);
    let ok = v.starts_with('/') && v.len() <= 40 && v.split('/').skip(1).all(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    ok.then_some(v)
}

pub async fn search(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let query: String = q.get("q").chars().take(100).collect();
    let tab = Kind::parse(&q.get("kind"));
    let filters = Filters { industry: facet_param(&q, "industry"), region: facet_param(&q, "region"), capital: facet_param(&q, "capital"), tag: facet_param(&q, "tag"), status: facet_param(&q, "status") };
    let filtered = filters != Filters::default();
    let visibility = user.actor.visibility();
    let led = match visibility {
        domain::access::Visibility::UnitAndLedChains(u) => state.store.chains_led_by(u).await?,
        _ => Vec::new(),
    };
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    let by_phone = if digits.len() >= 7 && digits.len() == query.chars().filter(|c| !c.is_whitespace() && *c != '-').count() { state.store.enterprises_by_phone(&digits, visibility).await? } else { Vec::new() };
    let params: Vec<(&str, String)> = vec![
        ("q", query.clone()),
        ("kind", tab.map(|k| k.code().to_string()).unwrap_or_default()),
        ("industry", filters.industry.clone().unwrap_or_default()),
        ("region", filters.region.clone().unwrap_or_default()),
        ("capital", filters.capital.clone().unwrap_or_default()),
        ("tag", filters.tag.clone().unwrap_or_default()),
        ("status", filters.status.clone().unwrap_or_default()),
    ];
    let mut page = SearchPage {
        page: Page::new(&state, &user, "搜索", ""),
        q: query.clone(),
        tab: tab.map(|k| k.code().to_string()).unwrap_or_default(),
        tabs: Vec::new(),
        enterprises: empty(Kind::Enterprise),
        targets: empty(Kind::Target),
        projects: empty(Kind::Project),
        follow_ups: empty(Kind::FollowUp),
        facets: Vec::new(),
        filtered,
        fallback: None,
        millis: String::new(),
    };
    if query.trim().is_empty() && !filtered {
        return Ok(Html(page.render()?));
    }
    let request = Request { q: query.clone(), kind: tab, filters: filters.clone(), limit: if tab.is_some() { PER_TAB } else { PER_KIND }, visibility, led_chains: led, also_enterprises: by_phone, asker: Some(user.user.id) };
    let outcome = state.search.search(&request).await?;
    if !outcome.from_index {
        // No index yet (or far behind): the database answers names, codes, phones and targets.
        let progress = match state.search.status() {
            search::Status::Building { done, total } if total > 0 => format!("（已完成 {}%）", done * 100 / total),
            _ => String::new(),
        };
        page.fallback = Some(format!("搜索索引正在建立或更新{progress}，以下结果直接来自数据库：只查企业与目标企业，暂无分类统计。"));
        if !query.trim().is_empty() {
            let enterprises = state.store.find_enterprises(&query, visibility, 50).await?;
            let (targets, _) = state.store.list_targets(visibility, &TargetFilter { q: query.clone(), per_page: 50, ..Default::default() }).await?;
            page.enterprises = Section { total: enterprises.len() as u64, rows: enterprises.into_iter().map(line).collect(), ..empty(Kind::Enterprise) };
            page.targets = Section { total: targets.len() as u64, rows: targets, ..empty(Kind::Target) };
        }
        return Ok(Html(page.render()?));
    }
    page.millis = format!("{:.1}", outcome.micros as f64 / 1000.0);
    // Each record shown is checked against the database: a moment-old index never shows more.
    let checked = |kind: Kind| {
        let ids: Vec<i64> = outcome.hits(kind).iter().map(|h| h.id).collect();
        let store = state.store.clone();
        async move {
            let ok = store.visible_among(kind, &ids, visibility).await?;
            Ok::<Vec<i64>, store::StoreError>(ids.into_iter().filter(|id| ok.contains(id)).collect())
        }
    };
    let companies = state.store.enterprises_in_order(&checked(Kind::Enterprise).await?).await?;
    page.enterprises = Section { total: outcome.count(Kind::Enterprise), rows: companies.into_iter().map(line).collect(), ..empty(Kind::Enterprise) };
    let targets = state.store.target_rows_in_order(&checked(Kind::Target).await?).await?;
    page.targets = Section { total: outcome.count(Kind::Target), rows: targets, ..empty(Kind::Target) };
    let sees_all = matches!(visibility, domain::access::Visibility::All);
    page.projects = Section { total: outcome.count(Kind::Project), rows: state.store.project_lines(&checked(Kind::Project).await?, user.unit.id, sees_all).await?, ..empty(Kind::Project) };
    page.follow_ups = Section { total: outcome.count(Kind::FollowUp), rows: state.store.follow_up_lines(&checked(Kind::FollowUp).await?).await?, ..empty(Kind::FollowUp) };
    let all: u64 = Kind::ALL.iter().map(|k| outcome.count(*k)).sum();
    page.tabs = std::iter::once(("".to_string(), "全部".to_string(), all, tab.is_none()))
        .chain(Kind::ALL.iter().map(|k| (k.code().to_string(), k.label().to_string(), outcome.count(*k), tab == Some(*k))))
        .map(|(code, label, n, on)| (href(&params, "kind", &code), label, n, on))
        .collect();
    page.facets = groups(&outcome.facets, &params, &filters);
    Ok(Html(page.render()?))
}

pub fn stage_label(code: &str) -> &'static str {
    domain::project::Stage::parse(code).map_or("", |s| s.label())
}

pub fn more_href(q: &str, kind: &str) -> String {
    format!("/search?{}", serde_urlencoded::to_string([("q", q), ("kind", kind)]).unwrap_or_default())
}

/// GB/T 4754 codes by name or code, for the industry picker.
pub async fn industries(_user: CurrentUser, Query(q): Query) -> Json<serde_json::Value> {
    let items: Vec<_> = domain::industry::search(&q.get("q"), 20)
        .into_iter()
        .map(|i| serde_json::json!({ "code": i.code, "name": i.name, "path": domain::industry::lineage(i.code).iter().map(|x| x.name).collect::<Vec<_>>().join(" › ") }))
        .collect();
    Json(serde_json::json!({ "items": items }))
}
