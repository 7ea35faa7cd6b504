//! The leaders' cockpit (领导驾驶舱): one screen of where the city stands, for a phone or a wall
//! screen. Figures are cached per scope for at most a minute, never shared across permissions;
//! the city's are kept warm beside the server while leaders look, so no request waits for them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;

use domain::access::Visibility;
use domain::project::Stage;
use store::cockpit::Cockpit;

use crate::auth::CurrentUser;
use crate::charts::{self, Bar, Line};
use crate::error::Result;
use crate::forms::Query;
use crate::views::Page;
use crate::AppState;

/// How long a computed cockpit may be shown: the issue allows a minute of staleness.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// The city's figures are computed again when this old, so that they never expire while in use.
const REFRESH_AFTER: Duration = Duration::from_secs(40);
/// The city's figures are kept warm for this long after the last leader looked.
const WARM_FOR: Duration = Duration::from_secs(600);

/// Computed cockpits by scope ("all", "unit:12"): a unit's figures never serve another scope.
#[derive(Default)]
pub struct CockpitCache {
    entries: Mutex<HashMap<String, (Instant, Arc<Cockpit>)>>,
    /// One computation at a time: leaders who arrive together wait for one result, not each
    /// for their own.
    computing: tokio::sync::Mutex<()>,
    /// When the city's figures were last asked for.
    city_viewed: Mutex<Option<Instant>>,
}

impl CockpitCache {
    fn get(&self, key: &str) -> Option<Arc<Cockpit>> {
        self.get_younger(key, MAX_AGE)
    }

    fn get_younger(&self, key: &str, age: Duration) -> Option<Arc<Cockpit>> {
        let map = self.entries.lock().ok()?;
        map.get(key).filter(|(at, _)| at.elapsed() < age).map(|(_, c)| c.clone())
    }

    fn put(&self, key: String, cockpit: Arc<Cockpit>) {
        if let Ok(mut map) = self.entries.lock() {
            map.retain(|_, (at, _)| at.elapsed() < MAX_AGE);
            map.insert(key, (Instant::now(), cockpit));
        }
    }
}

/// The figures of a scope: from the cache, or computed once for everyone waiting.
async fn figures(state: &AppState, key: &str, visibility: Visibility) -> Result<Arc<Cockpit>> {
    let cache = &state.cockpit;
    if visibility == Visibility::All {
        if let Ok(mut viewed) = cache.city_viewed.lock() {
            *viewed = Some(Instant::now());
        }
    }
    if let Some(c) = cache.get(key) {
        return Ok(c);
    }
    // Whoever computes now (perhaps the warmer beside the server) may need a connection.
    store::release_connection().await;
    let _turn = cache.computing.lock().await;
    if let Some(c) = cache.get(key) {
        return Ok(c);
    }
    compute(state, key, visibility).await
}

/// Computes a scope's figures and keeps them; the caller holds `computing`.
async fn compute(state: &AppState, key: &str, visibility: Visibility) -> Result<Arc<Cockpit>> {
    let fresh = Arc::new(state.store.cockpit(visibility, Utc::now().date_naive()).await?);
    state.cockpit.put(key.to_string(), fresh.clone());
    Ok(fresh)
}

/// Beside the server: while leaders look at the city's cockpit (in the last ten minutes), its
/// figures are computed again before they are a minute old, so the first leader of a minute does
/// not wait a second for them.
pub async fn keep_city_warm(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        let cache = &state.cockpit;
        let viewed = cache.city_viewed.lock().ok().and_then(|v| *v).is_some_and(|at| at.elapsed() < WARM_FOR);
        if !viewed || cache.get_younger("all", REFRESH_AFTER).is_some() {
            continue;
        }
        let _turn = cache.computing.lock().await;
        if let Err(e) = compute(&state, "all", Visibility::All).await {
            tracing::warn!(error = %e, "refreshing the city's cockpit failed");
        }
    }
}

/// 「8.50 亿元」 or 「3,000 万元」 from hundredths of 万元.
pub fn money(hundredths: &i64) -> String {
    if hundredths.abs() >= 1_000_000 {
        format!("{} 亿元", charts::fmt(*hundredths as f64 / 1_000_000.0))
    } else {
        format!("{} 万元", domain::money::format_wan(*hundredths).trim_end_matches(".00"))
    }
}

/// A count that may be fractional through credit shares (hundredths): 「3」 or 「2.3」.
pub fn count(hundredths: &i64) -> String {
    charts::fmt(*hundredths as f64 / 100.0)
}

#[derive(Template)]
#[template(path = "cockpit.html")]
struct CockpitPage {
    page: Page,
    c: Arc<Cockpit>,
    scope: String,
    funnel_svg: String,
    trends: Vec<(String, String, String)>,
    signed: i64,
    signed_total: i64,
    started: i64,
    funds: i64,
    funds_scheduled: i64,
    unit_query: String,
}

#[derive(Template)]
#[template(path = "cockpit_screen.html")]
struct ScreenPage {
    title: String,
    c: Arc<Cockpit>,
    funnel_svg: String,
    trends: Vec<(String, String, String)>,
    signed: i64,
    signed_total: i64,
    started: i64,
    funds: i64,
    funds_scheduled: i64,
}

pub async fn cockpit(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let visibility = user.actor.visibility();
    let (key, scope, unit_query) = match visibility {
        Visibility::All => ("all".to_string(), "全市".to_string(), String::new()),
        Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => (format!("unit:{u}"), user.unit.name.clone(), format!("&unit_id={u}")),
    };
    let c = figures(&state, &key, visibility).await?;
    let funnel: Vec<Bar> = c
        .funnel
        .iter()
        .map(|f| Bar {
            label: f.stage.label().to_string(),
            value: if f.stage <= Stage::Negotiating { f.reached as f64 } else { f.counted },
            text: if f.stage <= Stage::Negotiating { format!("{} 个", f.reached) } else { format!("{} 个 · {}", charts::fmt(f.counted), money(&f.counted_total)) },
            href: format!("/projects?stage={}{unit_query}", f.stage.code()),
        })
        .collect();
    let funnel_svg = charts::bars("项目漏斗（签约及以后只计核查认定的）", &funnel);
    let cumulative = c.cumulative();
    let series = |title: &str, unit: &str, href: &str, pick: fn(&store::cockpit::MonthFigure) -> (i64, i64), scale: f64| -> (String, String, String) {
        let points = cumulative.iter().map(|m| (m.month, pick(m).0 as f64 / scale, pick(m).1 as f64 / scale)).collect();
        let svg = charts::line(&Line { title: title.to_string(), points, unit: unit.to_string(), href: href.to_string() });
        let last = cumulative.last().map(pick).unwrap_or_default();
        let caption = if last.1 > 0 { format!("累计 {}{unit}，按进度应完成 {}{unit}", charts::fmt(last.0 as f64 / scale), charts::fmt(last.1 as f64 / scale)) } else { format!("累计 {}{unit}", charts::fmt(last.0 as f64 / scale)) };
        (title.to_string(), svg, caption)
    };
    let trends = vec![
        series("签约项目（个）", " 个", &format!("/projects?stage=signed{unit_query}"), |m| (m.signed, m.signed_scheduled), 100.0),
        series("开工项目（个）", " 个", &format!("/projects?stage=started{unit_query}"), |m| (m.started, m.started_scheduled), 100.0),
        series("到位资金（亿元）", " 亿元", &format!("/projects?eligible=yes{unit_query}"), |m| (m.funds, m.funds_scheduled), 1_000_000.0),
    ];
    let last = cumulative.last().cloned().unwrap_or_default();
    let signed_total = c.funnel.iter().find(|f| f.stage == Stage::Signed).map_or(0, |f| f.counted_total);
    if q.checked("screen") {
        let page = ScreenPage { title: format!("{scope}招商引资驾驶舱"), c, funnel_svg, trends, signed: last.signed, signed_total, started: last.started, funds: last.funds, funds_scheduled: last.funds_scheduled };
        return Ok(Html(page.render()?).into_response());
    }
    let page = CockpitPage {
        page: Page::new(&state, &user, "驾驶舱", "cockpit"),
        c,
        scope,
        funnel_svg,
        trends,
        signed: last.signed,
        signed_total,
        started: last.started,
        funds: last.funds,
        funds_scheduled: last.funds_scheduled,
        unit_query,
    };
    Ok(Html(page.render()?).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(unit_id: Option<i64>) -> Arc<Cockpit> {
        let today = Utc::now().date_naive();
        Arc::new(Cockpit { computed_at: Utc::now(), year: 2026, today, unit_id, funnel: vec![], months: vec![], rankings: vec![], chains: vec![], red: vec![], red_total: 0, waiting: vec![] })
    }

    #[test]
    fn cache_is_per_scope_and_expires_within_a_minute() {
        let cache = CockpitCache::default();
        cache.put("unit:3".into(), sample(Some(3)));
        assert_eq!(cache.get("unit:3").and_then(|c| c.unit_id), Some(3));
        assert!(cache.get("all").is_none(), "a unit's figures never serve the city");
        assert!(cache.get("unit:4").is_none(), "nor another unit");
        // An entry computed more than a minute ago is not served.
        let old = Instant::now().checked_sub(MAX_AGE + Duration::from_secs(1)).expect("the clock is past a minute");
        cache.entries.lock().unwrap().insert("all".into(), (old, sample(None)));
        assert!(cache.get("all").is_none());
        // Forty seconds old: still served, but due for the warm-keeper's refresh.
        let aging = Instant::now().checked_sub(REFRESH_AFTER + Duration::from_secs(1)).expect("the clock is past 41 s");
        cache.entries.lock().unwrap().insert("all".into(), (aging, sample(None)));
        assert!(cache.get("all").is_some() && cache.get_younger("all", REFRESH_AFTER).is_none());
    }

    #[test]
    fn money_and_counts_read_naturally() {
        let rows: &[(i64, &str)] = &[(7_000_000, "7 亿元"), (850_000, "8,500 万元"), (100_000, "1,000 万元"), (1_250_000, "1.25 亿元"), (0, "0 万元")];
        for (v, text) in rows {
            assert_eq!(money(v), *text);
        }
        assert_eq!((count(&170), count(&30), count(&200)), ("1.7".to_string(), "0.3".to_string(), "2".to_string()));
    }
}
