//! Precision targeting (精准招商): for a chain's weak or missing link, the universe ranked by how
//! well each company fits, every score explained factor by factor, and one click to make a
//! company a target of the unit that should court it. Offices get the companies in the provinces
//! they cover. The weights are a setting the bureau edits.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::access::{Access, Owner, Power};
use domain::matching::{Factor, Gap, MatchWeights};
use domain::target::Tag;
use search::RankRequest;
use store::matching::{GapLink, Office, reach};

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::routes::enterprises::{EnterpriseLine, line};
use crate::views::Page;

const SHOWN: usize = 50;

pub struct Row {
    pub rank: usize,
    pub e: EnterpriseLine,
    pub score: String,
    pub factors: Vec<(String, String, String)>,
    /// The unit suggested to court it, and the link it fills (recommendations span links).
    pub unit_id: i64,
    pub unit_name: String,
    pub link: Option<(i64, i64, String)>,
}

/// Who a ranked company should be assigned to: the office covering its province, else the
/// viewer's own unit when it may keep targets, else the chain's lead unit.
fn suggest(region: &str, offices: &[Office], user: &CurrentUser, lead: i64) -> i64 {
    let pairs: Vec<(i64, Vec<String>)> = offices.iter().map(|o| (o.id, o.covers.clone())).collect();
    let own = if user.actor.may(Access::Write, Owner::unit(user.unit.id)).is_ok() && user.unit.kind != "bureau" { Some(user.unit.id) } else { Some(lead) };
    domain::matching::suggested_unit(region, &pairs, own).unwrap_or(lead)
}

fn factor_rows(factors: &[Factor]) -> Vec<(String, String, String)> {
    factors.iter().map(|f| (f.name.to_string(), format!("{} / {}", domain::matching::show(f.points), domain::matching::show(f.max)), f.why.clone())).collect()
}

#[derive(Template)]
#[template(path = "matches.html")]
struct MatchesPage {
    page: Page,
    gap: GapLink,
    keywords: String,
    rows: Vec<Row>,
    considered: u64,
    excluded: Vec<(&'static str, u64)>,
    millis: String,
    province: String,
    capital: String,
    tag: String,
    tags: Vec<(&'static str, &'static str)>,
    /// Units the viewer may assign targets to (only their own unless city-wide).
    units: Vec<(i64, String)>,
    pick_unit: bool,
    error: Option<String>,
}

async fn assignable(state: &AppState, user: &CurrentUser) -> Result<(Vec<(i64, String)>, bool)> {
    if user.actor.can(Power::SeeAllUnits).is_ok() {
        let units = state.store.units().await?.into_iter().filter(|u| u.active && u.kind != "bureau").map(|u| (u.id, u.name)).collect();
        Ok((units, true))
    } else {
        Ok((vec![(user.unit.id, user.unit.name.clone())], false))
    }
}

async fn names_of(state: &AppState) -> Result<HashMap<i64, String>> {
    Ok(state.store.units().await?.into_iter().map(|u| (u.id, u.name)).collect())
}

pub async fn matches(State(state): State<AppState>, user: CurrentUser, Path((chain_id, link_id)): Path<(String, String)>, Query(q): Query) -> Result<Html<String>> {
    let (chain_id, link_id) = (parse_id(&chain_id)?, parse_id(&link_id)?);
    let gap = state.store.link_with_chain(link_id).await?;
    if gap.chain.id != chain_id {
        return Err(AppError::NotFound("这条产业链没有这个环节".into()));
    }
    let province = q.get("province");
    let capital = q.get("capital");
    let tag = q.get("tag");
    let mut error = None;
    let provinces: Vec<String> = match province.trim() {
        "" => Vec::new(),
        p if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) => vec![p.to_string()],
        _ => {
            error = Some("省份代码应为两位数字，例如 32（江苏）".to_string());
            Vec::new()
        }
    };
    let min_capital_wan = match capital.trim() {
        "" => None,
        c => match c.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                error = Some("注册资本下限应为整数（万元）".to_string());
                None
            }
        },
    };
    let tag_filter = if tag.is_empty() { None } else { Tag::parse(&tag) };
    let offices = state.store.offices().await?;
    let weights = state.store.match_weights().await?;
    let request = RankRequest { gap: Gap::new(&gap.link.industry_codes, &gap.link.keywords), weights, reach: reach(&offices), provinces, min_capital_wan, tag: tag_filter, limit: SHOWN };
    let ranking = state.search.rank(&request).await?;
    let units = names_of(&state).await?;
    let ids: Vec<i64> = ranking.ranked.iter().map(|r| r.enterprise_id).collect();
    let mut companies: HashMap<i64, _> = state.store.enterprises_in_order(&ids).await?.into_iter().map(|e| (e.id, e)).collect();
    let mut rows = Vec::new();
    for r in &ranking.ranked {
        let Some(e) = companies.remove(&r.enterprise_id) else { continue };
        let unit_id = suggest(&e.region_code, &offices, &user, gap.chain.lead_unit_id);
        rows.push(Row { rank: rows.len() + 1, score: domain::matching::show(r.score), factors: factor_rows(&r.factors), unit_name: units.get(&unit_id).cloned().unwrap_or_default(), unit_id, link: None, e: line(e) });
    }
    let (assign, pick_unit) = assignable(&state, &user).await?;
    let page = MatchesPage {
        page: Page::new(&state, &user, format!("{} · 推荐企业", gap.link.name), "matching"),
        keywords: gap.link.keywords.replace(',', "、"),
        gap,
        rows,
        considered: ranking.considered,
        excluded: ranking.excluded.iter().map(|(e, n)| (e.label(), *n)).collect(),
        millis: format!("{:.0}", ranking.micros as f64 / 1000.0),
        province,
        capital,
        tag,
        tags: Tag::options(),
        units: assign,
        pick_unit,
        error,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "matching.html")]
struct IndexPage {
    page: Page,
    chains: Vec<(String, Vec<(i64, i64, String, &'static str)>)>,
    offices: Vec<(i64, String)>,
    may_edit: bool,
    weights: String,
}

/// The gaps of every chain, each leading to its ranking; offices to their recommendations.
pub async fn index(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    // An office's officers land on their own recommendations.
    if user.unit.kind == "office" && user.actor.can(Power::SeeAllUnits).is_err() {
        return Ok(Redirect::to(&format!("/matching/offices/{}", user.unit.id)).into_response());
    }
    let mut chains: Vec<(String, Vec<(i64, i64, String, &'static str)>)> = Vec::new();
    for g in state.store.gap_links().await? {
        let label = domain::profile::strength_label(&g.link.strength);
        match chains.last_mut() {
            Some((name, links)) if *name == g.chain.name => links.push((g.chain.id, g.link.id, g.link.name.clone(), label)),
            _ => chains.push((g.chain.name.clone(), vec![(g.chain.id, g.link.id, g.link.name.clone(), label)])),
        }
    }
    // Only the recommendations the viewer may open: the city sees every office's.
    let offices = state.store.offices().await?.into_iter().filter(|o| user.actor.may(Access::Read, Owner::unit(o.id)).is_ok()).map(|o| (o.id, o.name)).collect();
    let weights = state.store.match_weights().await?.to_toml();
    let page = IndexPage { page: Page::new(&state, &user, "精准招商", "matching"), chains, offices, may_edit: user.actor.can(Power::EditProfile).is_ok(), weights };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "recommendations.html")]
struct RecommendationsPage {
    page: Page,
    office: Office,
    rows: Vec<Row>,
    millis: String,
    units: Vec<(i64, String)>,
    pick_unit: bool,
}

/// "Companies in your region worth a visit": every gap ranked over the office's provinces, the
/// best of each merged, one line per company with the link it fits best.
pub async fn recommendations(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>> {
    let id = parse_id(&id)?;
    let offices = state.store.offices().await?;
    let office = offices.iter().find(|o| o.id == id).cloned().ok_or_else(|| AppError::NotFound("没有这个驻外分局".into()))?;
    user.may(Access::Read, Owner::unit(office.id), "recommendations", office.id)?;
    let started = std::time::Instant::now();
    let provinces: Vec<String> = office.covers.iter().filter_map(|c| c.get(..2)).map(str::to_string).collect();
    let weights = state.store.match_weights().await?;
    let reach_all = reach(&offices);
    let mut best: HashMap<i64, (i64, Vec<Factor>, GapLink)> = HashMap::new();
    for g in state.store.gap_links().await? {
        let request = RankRequest { gap: Gap::new(&g.link.industry_codes, &g.link.keywords), weights: weights.clone(), reach: reach_all.clone(), provinces: provinces.clone(), min_capital_wan: None, tag: None, limit: 3 };
        for r in state.search.rank(&request).await?.ranked {
            let better = best.get(&r.enterprise_id).is_none_or(|(s, _, _)| r.score > *s);
            if better {
                best.insert(r.enterprise_id, (r.score, r.factors, g.clone()));
            }
        }
    }
    let mut merged: Vec<(i64, (i64, Vec<Factor>, GapLink))> = best.into_iter().collect();
    merged.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
    merged.truncate(SHOWN);
    let ids: Vec<i64> = merged.iter().map(|(eid, _)| *eid).collect();
    let mut companies: HashMap<i64, _> = state.store.enterprises_in_order(&ids).await?.into_iter().map(|e| (e.id, e)).collect();
    let mut rows = Vec::new();
    for (eid, (score, factors, g)) in merged {
        let Some(e) = companies.remove(&eid) else { continue };
        rows.push(Row { rank: rows.len() + 1, score: domain::matching::show(score), factors: factor_rows(&factors), unit_id: office.id, unit_name: office.name.clone(), link: Some((g.chain.id, g.link.id, format!("{} · {}", g.chain.name, g.link.name))), e: line(e) });
    }
    let (units, pick_unit) = assignable(&state, &user).await?;
    let page = RecommendationsPage { page: Page::new(&state, &user, format!("{} · 值得拜访的企业", office.name), "matching"), office, rows, millis: format!("{:.0}", started.elapsed().as_secs_f64() * 1000.0), units, pick_unit };
    Ok(Html(page.render()?))
}

/// Saves the weights (bureau and admins who edit the profile).
pub async fn save_weights(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::EditProfile, "update", "match_weights", "")?;
    let weights = MatchWeights::parse(&form.get("weights")).map_err(AppError::BadRequest)?;
    state.store.set_match_weights(&user.who(), &weights).await?;
    Ok(Redirect::to("/matching?done=saved").into_response())
}
