//! Policy delivery (政策兑现): for each policy package, what was promised, the conditions tied to
//! commitments and whether the latest reported year meets them, and what was paid when.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;

use domain::access::Access;
use domain::aftercare::Indicator;
use store::entities::project;
use store::policies::{Delivery, PackageRow};

use super::aftercare::{date_field, wan_field};
use super::projects::{Rights, check, shown_name};
use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "project_policies.html")]
struct DeliveryPage {
    page: Page,
    p: project::Model,
    name: String,
    rights: Rights,
    items: Vec<Delivery>,
    indicators: Vec<(&'static str, &'static str)>,
    form: FormData,
    error: Option<String>,
    open: String,
    today: NaiveDate,
}

impl DeliveryPage {
    fn open_for(&self, kind: &str, d: &Delivery) -> bool {
        self.open == format!("{kind}-{}", d.item.id)
    }

    fn typed(&self, kind: &str, d: &Delivery, name: &str) -> String {
        if self.open_for(kind, d) { self.form.get(name) } else { String::new() }
    }

    fn promised(&self) -> i64 {
        self.items.iter().filter(|d| d.item.review != domain::project::Review::Failed.code()).map(|d| d.item.amount_wan).sum()
    }

    fn paid(&self) -> i64 {
        self.items.iter().map(|d| d.paid_wan).sum()
    }
}

async fn render(state: &AppState, user: &CurrentUser, id: i64, form: FormData, error: Option<String>, open: &str, flash: &str) -> Result<Response> {
    let p = state.store.project(id).await?;
    let rights = check(state, user, &p, Access::Read).await?;
    let page = DeliveryPage {
        page: Page::new(state, user, format!("政策兑现 {}", p.code), "policies").with_flash(flash),
        name: shown_name(&p, &rights.real_name),
        items: state.store.policy_delivery(id).await?,
        indicators: Indicator::options(),
        rights,
        p,
        form,
        error,
        open: open.to_string(),
        today: chrono::Utc::now().date_naive(),
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    render(&state, &user, parse_id(&id)?, FormData::default(), None, "", &q.get("done")).await
}

/// Runs a change on an item of a project the user may write; the item must be the project's.
async fn act<F, Fut>(state: &AppState, user: &CurrentUser, id: &str, item: &str, form: FormData, kind: &str, action: F) -> Result<Response>
where
    F: FnOnce(i64, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<()>>,
{
    let (id, item) = (parse_id(id)?, parse_id(item)?);
    let p = state.store.project(id).await?;
    check(state, user, &p, Access::Write).await?;
    if state.store.policy_item(item).await?.project_id != p.id {
        return Err(AppError::NotFound("没有这项政策".into()));
    }
    let open = format!("{kind}-{item}");
    match action(item, form.clone()).await {
        Ok(()) => Ok(Redirect::to(&format!("/projects/{id}/policies?done=saved#item-{item}")).into_response()),
        Err(AppError::BadRequest(m) | AppError::Conflict(m)) => render(state, user, id, form, Some(m), &open, "").await,
        Err(e) => Err(e),
    }
}

pub async fn add_condition(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, &item, form, "condition", |item, form| async move {
        let indicator = Indicator::parse(&form.get("indicator")).ok_or_else(|| AppError::BadRequest("请选择条件指标".into()))?;
        let threshold = if indicator.is_amount() {
            wan_field(&form, "threshold", "条件数值")?
        } else {
            form.get("threshold").parse::<i64>().ok().map(Some).ok_or_else(|| AppError::BadRequest("「条件数值」应为人数（整数）".into()))?
        };
        let threshold = threshold.ok_or_else(|| AppError::BadRequest("请填写条件数值".into()))?;
        st.store.add_policy_condition(&who, item, indicator, threshold).await?;
        Ok(())
    })
    .await
}

pub async fn remove_condition(State(state): State<AppState>, user: CurrentUser, Path((id, item, condition)): Path<(String, String, String)>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    let condition = parse_id(&condition)?;
    act(&state, &user, &id, &item, form, "condition", |item, _| async move {
        if st.store.policy_condition(condition).await?.policy_item_id != item {
            return Err(AppError::NotFound("没有这项兑现条件".into()));
        }
        st.store.remove_policy_condition(&who, condition).await?;
        Ok(())
    })
    .await
}

pub async fn add_payment(State(state): State<AppState>, user: CurrentUser, Path((id, item)): Path<(String, String)>, form: FormData) -> Result<Response> {
    let (st, who) = (state.clone(), user.who());
    act(&state, &user, &id, &item, form, "payment", |item, form| async move {
        let paid_on = date_field(&form, "paid_on", "兑现日期")?.ok_or_else(|| AppError::BadRequest("请填写兑现日期".into()))?;
        let amount = wan_field(&form, "amount", "兑现金额")?.ok_or_else(|| AppError::BadRequest("请填写兑现金额".into()))?;
        st.store.record_policy_payment(&who, item, paid_on, amount, &form.get("document"), &form.get("note")).await?;
        Ok(())
    })
    .await
}

#[derive(Template)]
#[template(path = "policies.html")]
struct ListPage {
    page: Page,
    rows: Vec<PackageRow>,
    real: bool,
}

impl ListPage {
    fn name(&self, p: &project::Model) -> String {
        shown_name(p, &(self.real || p.landing_unit_id == self.page.unit_id || p.source_unit_id == self.page.unit_id))
    }

    fn totals(&self) -> (i64, i64) {
        (self.rows.iter().map(|r| r.promised_wan).sum(), self.rows.iter().map(|r| r.paid_wan).sum())
    }
}

/// Every policy package the user may see: promised, paid, conditions not yet met.
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let rows = state.store.policy_packages(user.actor.visibility(), 500).await?;
    let page = ListPage { page: Page::new(&state, &user, "政策兑现", "policies"), rows, real: user.has(domain::Role::Admin) || user.has(domain::Role::Bureau) };
    Ok(Html(page.render()?).into_response())
}
