//! Reminders for people: the notification centre (/notifications, unread first), where reminders
//! also go — a person's own channels and, for admins and the bureau, each unit's group robots —
//! and the reminder rules (/notifications/settings), and the outbox with its failures for admins
//! (/notifications/deliveries). Nothing here sends: the worker (crate::notify) does.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;

use domain::notify::{ChannelKind, ReminderRules, Rule, RuleSetting};
use domain::Role;
use store::entities::{notification, unit};
use store::notifications::{ChannelInput, ChannelOwner, ChannelView, DeliveryFilter, DeliveryRow};
use store::StoreError;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{parse_id, FormData, Query};
use crate::views::{self, Page};
use crate::AppState;

/// Notifications shown at once.
const SHOWN: u64 = 200;

pub fn rule_label(code: &str) -> &'static str {
    Rule::parse(code).map_or("提醒", Rule::label)
}

pub fn rules_text(rules: &[Rule]) -> String {
    if rules.is_empty() { "全部提醒".into() } else { rules.iter().map(|r| r.label()).collect::<Vec<_>>().join("、") }
}

/// Whether a channel's list of rules includes `code` (an empty list is every rule).
pub fn takes(rules: &[Rule], code: &str) -> bool {
    rules.is_empty() || rules.iter().any(|r| r.code() == code)
}

fn status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待发送",
        "sent" => "已发送",
        "failed" => "已放弃",
        "cancelled" => "已取消",
        "retrying" => "重试中",
        _ => "",
    }
}

/// Admins and bureau staff set up the units' group channels and the rules.
fn manages_units(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Bureau)
}

// -- The notification centre --------------------------------------------------------------------

struct Item {
    n: notification::Model,
    rule: &'static str,
    when: String,
    lines: Vec<String>,
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct CentrePage {
    page: Page,
    items: Vec<Item>,
    unread: u64,
}

pub async fn centre(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    let rows = state.store.inbox(user.user.id, SHOWN).await?;
    let unread = state.store.unread_count(user.user.id).await?;
    let items = rows
        .into_iter()
        .map(|n| Item { rule: rule_label(&n.rule), when: views::local_time(&n.created_at), lines: n.body.lines().map(str::to_string).collect(), n })
        .collect();
    let mut page = Page::new(&state, &user, "通知", "notifications").with_flash(&q.get("done"));
    page.unread = unread;
    Ok(Html(CentrePage { page, items, unread }.render()?).into_response())
}

/// Only a path inside the system, never another site.
fn local_link(link: &str) -> &str {
    if link.starts_with('/') && !link.starts_with("//") && !link.contains('\\') { link } else { "/notifications" }
}

/// Marks one of the person's notifications read; with `open` it goes on to the record.
pub async fn read(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    // Someone else's notification is a denial like any other (audited); one that does not exist is a 404.
    if state.store.notification(id).await?.user_id != user.user.id {
        return Err(AppError::denied("这是别人的通知，您无权标记为已读", "update", "notification", id));
    }
    let n = state.store.read_notification(user.user.id, id, Utc::now()).await?;
    let to = if form.checked("open") { local_link(&n.link).to_string() } else { "/notifications".into() };
    Ok(Redirect::to(&to).into_response())
}

pub async fn read_all(State(state): State<AppState>, user: CurrentUser, _form: FormData) -> Result<Response> {
    state.store.read_all_notifications(user.user.id, Utc::now()).await?;
    Ok(Redirect::to("/notifications?done=read_all").into_response())
}

// -- Settings: channels and rules ------------------------------------------------------------------

/// One row of the rules form.
struct RuleRow {
    rule: Rule,
    setting: RuleSetting,
    days_label: Option<&'static str>,
    owner_label: Option<&'static str>,
}

/// The person's own channels, or (admins and bureau) the units'.
struct Section {
    key: &'static str,
    title: &'static str,
    hint: &'static str,
    channels: Vec<ChannelView>,
}

#[derive(Template)]
#[template(path = "notification_settings.html")]
struct SettingsPage {
    page: Page,
    sections: Vec<Section>,
    units: Vec<unit::Model>,
    manages_units: bool,
    admin: bool,
    rule_rows: Vec<RuleRow>,
    hours: (u32, u32),
    kinds: Vec<(&'static str, &'static str)>,
    subscribable: Vec<Rule>,
    /// (which form, message): "mine", "unit", "c<id>" or "rules".
    error: Option<(String, String)>,
    form: FormData,
}

impl SettingsPage {
    fn error_for(&self, which: &str) -> Option<String> {
        self.error.as_ref().filter(|(w, _)| w == which).map(|(_, m)| m.clone())
    }

    fn channel_error(&self, id: &i64) -> Option<String> {
        self.error_for(&format!("c{id}"))
    }

    /// What was typed into a form that came back with an error, else empty.
    fn typed(&self, which: &str, field: &str) -> String {
        if self.error_for(which).is_some() { self.form.get(field) } else { String::new() }
    }

    fn new_kind_is(&self, which: &str, code: &str) -> bool {
        let typed = self.typed(which, "kind");
        if typed.is_empty() { code == "wecom" } else { typed == code }
    }

    /// New channels take every reminder unless the returned form said otherwise.
    fn new_takes(&self, which: &str, code: &str) -> bool {
        if self.error_for(which).is_some() { self.form.all("rules").iter().any(|r| r == code) } else { true }
    }

    fn new_enabled(&self, which: &str) -> bool {
        self.error_for(which).is_none() || self.form.checked("enabled")
    }
}

pub fn last_sent_text(at: &Option<chrono::DateTime<Utc>>) -> String {
    match at {
        Some(t) => format!("最近送达 {}", views::local_time(t)),
        None => "还没有送达过".into(),
    }
}

async fn settings_page(state: &AppState, user: &CurrentUser, flash: &str, error: Option<(String, String)>, form: FormData) -> Result<Response> {
    let manages = manages_units(user);
    let rules = state.store.reminder_rules().await?;
    let rule_rows = Rule::subscribable()
        .into_iter()
        .map(|rule| RuleRow { rule, setting: rules.setting(rule), days_label: rule.days_label(), owner_label: rule.owner_label() })
        .collect();
    let mut sections = vec![Section {
        key: "mine",
        title: "我的通知渠道",
        hint: "发给您本人的提醒（下一步到期、每日待办摘要等）除了在「通知」里，还会发到这里设置的渠道。可以是只有您和机器人的企业微信或钉钉群，也可以是邮箱。",
        channels: state.store.channels(Some(ChannelOwner::User(user.user.id))).await?,
    }];
    if manages {
        sections.push(Section {
            key: "unit",
            title: "单位通知渠道",
            hint: "单位的工作群机器人：收到与该单位有关的提醒（本单位人员的下一步、责任诉求逾期、周调度待报送、久未联系的目标企业），其他单位的提醒不会发到这里。",
            channels: state.store.channels(None).await?,
        });
    }
    let page = SettingsPage {
        page: Page::new(state, user, "通知设置", "notifications").with_flash(flash),
        sections,
        units: if manages { state.store.units().await?.into_iter().filter(|u| u.active).collect() } else { Vec::new() },
        manages_units: manages,
        admin: user.has(Role::Admin),
        rule_rows,
        hours: (rules.from_hour, rules.until_hour),
        kinds: ChannelKind::options(),
        subscribable: Rule::subscribable(),
        error,
        form,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn settings(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    settings_page(&state, &user, &q.get("done"), None, FormData::default()).await
}

fn channel_input(form: &FormData) -> Result<ChannelInput, String> {
    let kind = ChannelKind::parse(&form.get("kind")).ok_or_else(|| "请选择渠道类型：企业微信群机器人、钉钉群机器人或电子邮件".to_string())?;
    let mut rules = Vec::new();
    for code in form.all("rules") {
        let rule = Rule::parse(&code).filter(|r| *r != Rule::Test).ok_or_else(|| format!("未知的提醒类型「{code}」"))?;
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    if rules.is_empty() {
        return Err("请至少选择一种要接收的提醒".into());
    }
    // Every rule chosen is stored as "all", so rules added later are taken too.
    if rules.len() == Rule::subscribable().len() {
        rules.clear();
    }
    Ok(ChannelInput { kind, name: form.get("name"), address: form.get("address"), secret: form.get("secret"), rules, enabled: form.checked("enabled") })
}

/// Whether this person may change a channel: their own, or a unit's for admins and the bureau.
fn may_manage(user: &CurrentUser, c: &store::entities::notify_channel::Model) -> Result<()> {
    let own = c.user_id == Some(user.user.id);
    let unit = c.unit_id.is_some() && manages_units(user);
    if own || unit {
        Ok(())
    } else {
        Err(AppError::denied("这是别人的通知渠道，您无权修改", "write", "notify_channel", c.id))
    }
}

/// Invalid input goes back to the form with the message beside it; anything else is an error.
async fn or_form(state: &AppState, user: &CurrentUser, which: String, form: FormData, result: Result<(), StoreError>, done: &str) -> Result<Response> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/notifications/settings?done={done}")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => settings_page(state, user, "", Some((which, m)), form).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn create_channel(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let (owner, which) = if form.get("owner") == "unit" {
        let unit = form.id("unit_id", "单位")?;
        if !manages_units(&user) {
            return Err(AppError::denied("只有系统管理员和市局工作人员可以设置单位的通知渠道", "create", "notify_channel", unit.unwrap_or_default()));
        }
        match unit {
            Some(u) => (ChannelOwner::Unit(u), "unit"),
            None => return settings_page(&state, &user, "", Some(("unit".into(), "请选择单位".into())), form).await,
        }
    } else {
        (ChannelOwner::User(user.user.id), "mine")
    };
    let input = match channel_input(&form) {
        Ok(i) => i,
        Err(m) => return settings_page(&state, &user, "", Some((which.into(), m)), form).await,
    };
    let result = state.store.add_channel(&user.who(), owner, &input, Utc::now()).await.map(|_| ());
    or_form(&state, &user, which.into(), form, result, "created").await
}

pub async fn update_channel(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let channel = state.store.channel(id).await?;
    may_manage(&user, &channel)?;
    let which = format!("c{id}");
    let input = match channel_input(&form) {
        Ok(i) => i,
        Err(m) => return settings_page(&state, &user, "", Some((which, m)), form).await,
    };
    let result = state.store.update_channel(&user.who(), id, &input, Utc::now()).await.map(|_| ());
    or_form(&state, &user, which, form, result, "saved").await
}

pub async fn delete_channel(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let channel = state.store.channel(id).await?;
    may_manage(&user, &channel)?;
    state.store.delete_channel(&user.who(), id).await?;
    Ok(Redirect::to("/notifications/settings?done=channel_deleted").into_response())
}

/// Queues a test message; the worker sends it within a tick, the request never waits for it.
pub async fn test_channel(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let channel = state.store.channel(id).await?;
    may_manage(&user, &channel)?;
    let result = state.store.queue_test(&user.who(), id, Utc::now()).await;
    or_form(&state, &user, format!("c{id}"), form, result, "test_queued").await
}

fn rules_from(form: &FormData, mut rules: ReminderRules) -> Result<ReminderRules, String> {
    let hour = |name: &str, label: &str| form.get(name).parse::<u32>().map_err(|_| format!("「{label}」应为 0–24 的整数"));
    rules.from_hour = hour("from_hour", "提醒开始时间")?;
    rules.until_hour = hour("until_hour", "提醒结束时间")?;
    for rule in Rule::subscribable() {
        let code = rule.code();
        let mut s = rules.setting(rule);
        s.enabled = form.checked(&format!("{code}_enabled"));
        if rule.days_label().is_some() {
            s.days = form.get(&format!("{code}_days")).parse().map_err(|_| format!("「{}」的天数应为整数", rule.label()))?;
        }
        s.owner = rule.owner_label().is_some() && form.checked(&format!("{code}_owner"));
        s.heads = rule != Rule::Digest && form.checked(&format!("{code}_heads"));
        s.bureau = rule != Rule::Digest && form.checked(&format!("{code}_bureau"));
        rules.set(rule, s);
    }
    rules.check()?;
    Ok(rules)
}

pub async fn save_rules(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    if !manages_units(&user) {
        return Err(AppError::denied("只有系统管理员和市局工作人员可以修改提醒规则", "update", "reminder_rules", ""));
    }
    let rules = match rules_from(&form, state.store.reminder_rules().await?) {
        Ok(r) => r,
        Err(m) => return settings_page(&state, &user, "", Some(("rules".into(), m)), form).await,
    };
    let result = state.store.set_reminder_rules(&user.who(), &rules).await;
    or_form(&state, &user, "rules".into(), form, result, "saved").await
}

// -- The outbox, for admins ------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "notification_deliveries.html")]
struct DeliveriesPage {
    page: Page,
    rows: Vec<DeliveryRow>,
    totals: Vec<(String, u64)>,
    status: String,
}

fn see_deliveries(user: &CurrentUser, action: &str, id: impl ToString) -> Result<()> {
    if user.has(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::denied("只有系统管理员可以查看和重试消息发送记录", action, "delivery", id))
    }
}

pub async fn deliveries(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    see_deliveries(&user, "read", "")?;
    let status = q.get("status");
    if !matches!(status.as_str(), "" | "pending" | "retrying" | "sent" | "failed" | "cancelled") {
        return Err(AppError::BadRequest(format!("未知的发送状态「{status}」")));
    }
    let (rows, totals) = state.store.deliveries(&DeliveryFilter { status: status.clone(), limit: 500 }).await?;
    let page = DeliveriesPage { page: Page::new(&state, &user, "消息发送记录", "notifications").with_flash(&q.get("done")), rows, totals, status };
    Ok(Html(page.render()?).into_response())
}

pub async fn retry(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, _form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    see_deliveries(&user, "retry", id)?;
    state.store.retry_delivery(&user.who(), id, Utc::now()).await?;
    Ok(Redirect::to("/notifications/deliveries?done=retry_queued").into_response())
}

impl DeliveriesPage {
    fn label(&self, status: &str) -> &'static str {
        status_label(status)
    }

    fn count(&self, status: &str) -> u64 {
        self.totals.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n)
    }
}

pub fn delivery_state(d: &store::entities::delivery::Model) -> &'static str {
    if d.status == "pending" && d.attempts > 0 { status_label("retrying") } else { status_label(&d.status) }
}
