//! The 汉商 network (汉商回归): natives of the city working elsewhere, by home county, by where
//! they work and by the office that covers them, with their visits and the projects they brought.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};

use domain::access::Power;
use store::natives::{NativeFilter, NativeNetwork};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::Query;
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "natives.html")]
struct NativesPage {
    page: Page,
    net: NativeNetwork,
    q: String,
    home: String,
    province: String,
    office: String,
    homes: Vec<(String, String)>,
    offices: Vec<(i64, String)>,
    sees_all: bool,
    own_unit: i64,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let home = q.get("home");
    if !home.is_empty() {
        domain::region::lookup(&home).map_err(AppError::BadRequest)?;
    }
    let province = q.get("province");
    if !province.is_empty() && (province.len() != 2 || !province.bytes().all(|b| b.is_ascii_digit())) {
        return Err(AppError::BadRequest(format!("省份代码「{province}」应为 2 位数字，如 44")));
    }
    let filter = NativeFilter { home_county: (!home.is_empty()).then(|| home.clone()), province: (!province.is_empty()).then(|| province.clone()), office_id: q.id("office", "驻外分局")?, q: q.get("q") };
    let units = state.store.units().await?;
    // The city's own counties, for the home-county filter.
    let city: String = units.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.chars().take(4).collect()).unwrap_or_default();
    let homes = units.iter().filter(|u| u.kind == "county" && !city.is_empty() && u.region_code.starts_with(&city)).map(|u| (u.region_code.clone(), u.name.clone())).collect();
    let offices = units.iter().filter(|u| u.kind == "office" && u.active).map(|u| (u.id, u.name.clone())).collect();
    let page = NativesPage {
        page: Page::new(&state, &user, "汉商", "natives"),
        net: state.store.native_network(&filter).await?,
        q: filter.q,
        office: filter.office_id.map(|o| o.to_string()).unwrap_or_default(),
        home,
        province,
        homes,
        offices,
        sees_all: user.actor.can(Power::SeeAllUnits).is_ok(),
        own_unit: user.unit.id,
    };
    Ok(Html(page.render()?).into_response())
}
