//! Webhooks to other systems (/webhooks): a person's subscriptions (administrators see all), each
//! with its delivery log, a test push and redelivery. A subscription is its owner's alone: every
//! handler checks that, and a refusal is audited. Nothing here sends: the worker (crate::webhooks) does.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;

use domain::webhook::{self as rules, DeliveryState, EventType};
use domain::Role;
use store::entities::{webhook_delivery, webhook_subscription};
use store::webhooks::{SubscriptionInput, SubscriptionRow};
use store::StoreError;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::{self, Page};
use crate::AppState;

/// Entries of a subscription's delivery log shown.
const LOG: u64 = 100;

fn flash(code: &str) -> Option<String> {
    Some(
        match code {
            "saved" => "已保存",
            "deleted" => "推送订阅已删除",
            "test_queued" => "测试推送已排队，几秒内发出；结果见下面的推送记录",
            "retry_queued" => "已安排重新推送",
            _ => return None,
        }
        .to_string(),
    )
}

/// Whether this person may see and change a subscription: their own, or any for administrators.
fn may_manage(user: &CurrentUser, s: &webhook_subscription::Model, action: &str) -> Result<()> {
    if s.user_id == user.user.id || user.has(Role::Admin) {
        return Ok(());
    }
    let reason = if action == "read" { "这是别人的推送订阅，您无权查看" } else { "这是别人的推送订阅，您无权修改" };
    Err(AppError::denied(reason, action, "webhook_subscription", s.id))
}

pub fn events_text(events: &[EventType]) -> String {
    events.iter().map(|e| e.label()).collect::<Vec<_>>().join("、")
}

pub fn state_of(d: &webhook_delivery::Model) -> DeliveryState {
    DeliveryState::of(&d.status, d.attempts)
}

pub fn event_label(code: &str) -> &'static str {
    EventType::parse(code).map_or("事件", EventType::label)
}

fn input_from(form: &FormData, active: bool) -> Result<SubscriptionInput, String> {
    let events = rules::parse_events(&form.all("events"))?;
    Ok(SubscriptionInput { url: form.get("url"), events, description: form.get("description"), active })
}

// -- The list and the new subscription -------------------------------------------------------------

#[derive(Template)]
#[template(path = "webhooks.html")]
struct ListPage {
    page: Page,
    rows: Vec<SubscriptionRow>,
    all: bool,
    subscribable: Vec<EventType>,
    error: Option<String>,
    form: FormData,
}

impl ListPage {
    /// New subscriptions take every event unless the returned form said otherwise.
    fn wants(&self, code: &str) -> bool {
        if self.error.is_some() { self.form.all("events").iter().any(|e| e == code) } else { true }
    }
}

async fn list_page(state: &AppState, user: &CurrentUser, flash_code: &str, error: Option<String>, form: FormData) -> Result<Response> {
    let all = user.has(Role::Admin);
    let rows = state.store.webhooks(if all { None } else { Some(user.user.id) }).await?;
    let mut page = Page::new(state, user, "数据推送", "account");
    page.flash = flash(flash_code);
    let page = ListPage { page, rows, all, subscribable: EventType::subscribable(), error, form };
    Ok(Html(page.render()?).into_response())
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    list_page(&state, &user, &q.get("done"), None, FormData::default()).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let input = match input_from(&form, true) {
        Ok(i) => i,
        Err(m) => return list_page(&state, &user, "", Some(m), form).await,
    };
    match state.store.create_webhook(&user.who(), user.user.id, user.unit.id, &input, Utc::now()).await {
        // The secret is shown on this answer only: never in a URL, never again.
        Ok((s, secret)) => detail_page(&state, &user, s, Some(secret), "", None, None).await,
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => list_page(&state, &user, "", Some(m), form).await,
        Err(e) => Err(e.into()),
    }
}

// -- One subscription ----------------------------------------------------------------------------------

struct LogLine {
    d: webhook_delivery::Model,
    state: DeliveryState,
    /// The state chip's colour class.
    chip: &'static str,
    event: &'static str,
    created: String,
    when: String,
    /// The button that sends it again, if any.
    again: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "webhook.html")]
struct DetailPage {
    page: Page,
    s: webhook_subscription::Model,
    events: Vec<EventType>,
    owner: String,
    own: bool,
    secret: Option<String>,
    log: Vec<LogLine>,
    subscribable: Vec<EventType>,
    error: Option<String>,
    form: Option<FormData>,
}

impl DetailPage {
    fn url(&self) -> String {
        match &self.form {
            Some(f) => f.get("url"),
            None => self.s.url.clone(),
        }
    }

    fn description(&self) -> String {
        match &self.form {
            Some(f) => f.get("description"),
            None => self.s.description.clone(),
        }
    }

    fn wants(&self, code: &str) -> bool {
        match &self.form {
            Some(f) => f.all("events").iter().any(|e| e == code),
            None => self.events.iter().any(|e| e.code() == code),
        }
    }

    fn active(&self) -> bool {
        match &self.form {
            Some(f) => f.checked("active"),
            None => self.s.active,
        }
    }
}

/// The page of one subscription; `form` is what was typed into its edit form when that came back
/// with `error`.
async fn detail_page(state: &AppState, user: &CurrentUser, s: webhook_subscription::Model, secret: Option<String>, flash_code: &str, error: Option<String>, form: Option<FormData>) -> Result<Response> {
    let log = state
        .store
        .webhook_deliveries(s.id, LOG)
        .await?
        .into_iter()
        .map(|d| LogLine {
            state: state_of(&d),
            chip: match state_of(&d) {
                DeliveryState::Delivered => "chip-ok",
                DeliveryState::Failed => "chip-bad",
                DeliveryState::Retrying => "chip-warn",
                DeliveryState::Cancelled => "chip-muted",
                DeliveryState::Pending => "",
            },
            again: match state_of(&d) {
                DeliveryState::Pending => None,
                DeliveryState::Delivered => Some("重新推送"),
                _ => Some("立即重试"),
            },
            event: event_label(&d.event_type),
            created: views::local_time(&d.created_at),
            when: match (d.delivered_at, d.status.as_str()) {
                (Some(at), "delivered") => format!("送达 {}", views::local_time(&at)),
                (_, "pending") => format!("{} 推送", views::local_time(&d.next_attempt_at)),
                _ => "—".into(),
            },
            d,
        })
        .collect();
    let owner = if s.user_id == user.user.id { user.user.display_name.clone() } else { state.store.user(s.user_id).await?.display_name };
    let mut page = Page::new(state, user, "推送订阅", "account");
    page.flash = flash(flash_code);
    let page = DetailPage {
        page,
        events: rules::stored_events(&s.events),
        own: s.user_id == user.user.id,
        owner,
        secret,
        log,
        subscribable: EventType::subscribable(),
        error,
        form,
        s,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let s = state.store.webhook(id).await?;
    may_manage(&user, &s, "read")?;
    detail_page(&state, &user, s, None, &q.get("done"), None, None).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let s = state.store.webhook(id).await?;
    may_manage(&user, &s, "update")?;
    let result = match (input_from(&form, form.checked("active")), form.get("version").parse::<i32>()) {
        (Err(m), _) => Err(StoreError::Invalid(m)),
        (_, Err(_)) => Err(StoreError::Invalid("表单已失效，请刷新后再改".into())),
        (Ok(input), Ok(version)) => state.store.update_webhook(&user.who(), id, version, &input, Utc::now()).await.map(|_| ()),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/webhooks/{id}?done=saved")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => detail_page(&state, &user, s, None, "", Some(m), Some(form)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn delete(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let s = state.store.webhook(id).await?;
    may_manage(&user, &s, "delete")?;
    state.store.delete_webhook(&user.who(), id).await?;
    Ok(Redirect::to("/webhooks?done=deleted").into_response())
}

/// Queues a test push; the worker sends it within a tick, the request never waits for it.
pub async fn test(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let s = state.store.webhook(id).await?;
    may_manage(&user, &s, "test")?;
    match state.store.queue_webhook_ping(&user.who(), id, Utc::now()).await {
        Ok(_) => Ok(Redirect::to(&format!("/webhooks/{id}?done=test_queued")).into_response()),
        Err(StoreError::Invalid(m)) => detail_page(&state, &user, s, None, "", Some(m), None).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn retry(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let d = state.store.webhook_delivery(id).await?;
    let s = state.store.webhook(d.subscription_id).await?;
    if s.user_id != user.user.id && !user.has(Role::Admin) {
        return Err(AppError::denied("这是别人的推送记录，您无权重新推送", "redeliver", "webhook_delivery", id));
    }
    state.store.retry_webhook_delivery(&user.who(), id, Utc::now()).await?;
    Ok(Redirect::to(&format!("/webhooks/{}?done=retry_queued#log", s.id)).into_response())
}
