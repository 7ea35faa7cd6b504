//! The five rates (五率) per unit and for the city over any period, each with its written
//! definition, down to the projects behind its numerator and denominator.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate};

use domain::access::Power;
use domain::assessment::Group;
use domain::rates::{FiveRate, RateResult};
use store::rates::FiveRates;

use super::aftercare::date_field;
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{Query, url_encode};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "rates.html")]
struct RatesPage {
    page: Page,
    rates: FiveRates,
    all_rates: Vec<FiveRate>,
    groups: Vec<(&'static str, &'static str)>,
    group: String,
    /// The drill-down: (whose, result).
    detail: Option<(String, RateResult)>,
    see_all: bool,
    query: String,
}

impl RatesPage {
    fn link(&self, rate: &FiveRate, unit: &str) -> String {
        format!("/rates?{}&rate={}&unit={}#detail", self.query, rate.code(), url_encode(unit))
    }

    fn has_shares(&self, r: &RateResult) -> bool {
        r.lines.iter().any(|l| l.share_percent != 100)
    }
}

/// The period, group and rates a query asks for, with the units this user may see.
async fn compute(state: &AppState, user: &CurrentUser, q: &crate::forms::FormData) -> Result<(Group, FiveRates, bool)> {
    let today = chrono::Utc::now().date_naive();
    let from = date_field(q, "from", "起始日期")?.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
    let to = date_field(q, "to", "截止日期")?.unwrap_or(today);
    let group = match q.get("group").as_str() {
        "" => Group::Counties,
        g => Group::parse(g).ok_or_else(|| AppError::BadRequest(format!("未知的单位类别「{g}」")))?,
    };
    let see_all = user.actor.can(Power::SeeAllUnits).is_ok();
    let units: Vec<_> = state.store.group_units(group).await?.into_iter().filter(|u| see_all || u.id == user.unit.id).collect();
    Ok((group, state.store.five_rates(&units, from, to).await?, see_all))
}

pub async fn page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let (group, rates, see_all) = compute(&state, &user, &q).await?;
    let (from, to) = (rates.from, rates.to);
    let detail = match (q.get("rate").as_str(), q.get("unit")) {
        ("", _) => None,
        (code, unit) => {
            let rate = FiveRate::parse(code).ok_or_else(|| AppError::BadRequest(format!("未知的指标「{code}」")))?;
            if unit == "city" {
                // The records behind the city's figure name every unit's projects.
                user.can(Power::SeeAllUnits, "read", "five_rates", "city")?;
                rates.city.iter().find(|r| r.rate == rate).map(|r| ("全市".to_string(), r.clone()))
            } else {
                let id: i64 = unit.parse().map_err(|_| AppError::NotFound("没有这个单位".into()))?;
                if id != user.unit.id {
                    user.can(Power::SeeAllUnits, "read", "five_rates", id)?;
                }
                let u = rates.units.iter().find(|u| u.unit_id == id).ok_or_else(|| AppError::NotFound("这个类别中没有这个单位".into()))?;
                u.results.iter().find(|r| r.rate == rate).map(|r| (u.unit_name.clone(), r.clone()))
            }
        }
    };
    let query = format!("from={from}&to={to}&group={}", group.code());
    let page = RatesPage {
        page: Page::new(&state, &user, "五率", "rates"),
        rates,
        all_rates: FiveRate::ALL.to_vec(),
        groups: Group::options(),
        group: group.code().to_string(),
        detail,
        see_all,
        query,
    };
    Ok(Html(page.render()?).into_response())
}

/// The table as .xlsx: each rate with its numerator and denominator, the city first.
pub async fn export(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    use axum::http::header;
    use office::xlsx::{Cell, Column};
    let (group, rates, _) = compute(&state, &user, &q).await?;
    let mut columns = vec![Column::new("单位", 16.0)];
    for r in FiveRate::ALL {
        let unit = if r.is_amount() { "万元" } else { "个" };
        columns.push(Column::new(format!("{}（%）", r.label()), 14.0));
        columns.push(Column::new(format!("分子（{unit}）"), 10.0));
        columns.push(Column::new(format!("分母（{unit}）"), 10.0));
    }
    let row = |name: &str, results: &[RateResult]| {
        let mut cells = vec![Cell::text(name)];
        for r in results {
            // Rates are hundredths of a percent and counts hundredths of a project: the same fixed point as 万元.
            cells.push(r.value.map_or_else(|| Cell::text("—"), Cell::Wan));
            cells.push(Cell::Wan(r.numerator));
            cells.push(Cell::Wan(r.denominator));
        }
        cells
    };
    let mut rows = vec![row("全市", &rates.city)];
    rows.extend(rates.units.iter().map(|u| row(&u.unit_name, &u.results)));
    let title = format!("五率（{}，{} 至 {}）", group.label(), rates.from, rates.to);
    let bytes = office::xlsx::write_table("五率", &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    let name = format!("五率-{}-{}", rates.from, rates.to);
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"five-rates-{}-{}.xlsx\"; filename*=UTF-8''{}", rates.from, rates.to, url_encode(&format!("{name}.xlsx")))),
        ],
        bytes,
    )
        .into_response())
}
