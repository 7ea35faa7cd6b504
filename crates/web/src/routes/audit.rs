//! The audit log, searchable by admin and bureau.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{NaiveDate, TimeZone, Utc};

use domain::access::Power;
use store::audit::AuditFilter;
use store::entities::audit_event;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::Query;
use crate::views::{self, Page};
use crate::AppState;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    page: Page,
    rows: Vec<(audit_event::Model, String)>,
    total: u64,
    page_no: u64,
    pages: u64,
    username: String,
    action: String,
    outcome: String,
    from: String,
    to: String,
    query: String,
}

const PER_PAGE: u64 = 50;

fn date(raw: &str, label: &str) -> Result<Option<NaiveDate>> {
    if raw.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map(Some).map_err(|_| AppError::BadRequest(format!("「{label}」应为 2026-11-27 这样的日期")))
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    user.can(Power::ViewAudit, "read", "audit", "")?;
    let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let from = date(&q.get("from"), "开始日期")?;
    let to = date(&q.get("to"), "结束日期")?;
    let page_no = q.get("page").parse::<u64>().unwrap_or(1).max(1);
    let filter = AuditFilter {
        username: Some(q.get("username")),
        action: Some(q.get("action")),
        entity: Some(q.get("entity")),
        outcome: Some(q.get("outcome")),
        from: from.and_then(|d| cst.from_local_datetime(&d.and_hms_opt(0, 0, 0)?).single()).map(|t| t.with_timezone(&Utc)),
        to: to.and_then(|d| cst.from_local_datetime(&d.succ_opt()?.and_hms_opt(0, 0, 0)?).single()).map(|t| t.with_timezone(&Utc)),
        page: page_no - 1,
        per_page: PER_PAGE,
    };
    let (rows, total) = store::audit::search(&state.store, &filter).await?;
    let query = ["username", "action", "outcome", "from", "to"]
        .iter()
        .map(|k| format!("{k}={}", crate::forms::url_encode(&q.get(k))))
        .collect::<Vec<_>>()
        .join("&");
    let page = AuditPage {
        page: Page::new(&state, &user, "审计日志", "audit"),
        rows: rows.into_iter().map(|r| { let t = views::local_time(&r.at); (r, t) }).collect(),
        total,
        page_no,
        pages: total.div_ceil(PER_PAGE).max(1),
        username: q.get("username"),
        action: q.get("action"),
        outcome: q.get("outcome"),
        from: q.get("from"),
        to: q.get("to"),
        query,
    };
    Ok(Html(page.render()?))
}

/// The audit log's action codes, as the page shows them.
pub const ACTIONS: [(&str, &str); 15] = [
    ("login", "登录"),
    ("logout", "退出"),
    ("logout_everywhere", "退出所有设备"),
    ("read", "查看"),
    ("write", "修改"),
    ("create", "新建"),
    ("update", "修改记录"),
    ("retire", "停用"),
    ("csrf", "跨站请求"),
    ("change_password", "修改密码"),
    ("reset_password", "重置密码"),
    ("lock", "锁定"),
    ("unlock", "解锁"),
    ("load", "加载配置"),
    ("reset", "重置"),
];

pub fn action_label(action: &str) -> String {
    ACTIONS.iter().find(|(c, _)| *c == action).map_or_else(|| action.to_string(), |(_, l)| l.to_string())
}

pub fn entity_label(entity: &str) -> &str {
    match entity {
        "user" => "账号",
        "unit" => "单位",
        "link" => "环节",
        "chain" => "产业链",
        "profile" => "产业链配置",
        "audit" => "审计日志",
        "request" => "请求",
        other => other,
    }
}

pub fn outcome_label(outcome: &str) -> &'static str {
    match outcome {
        "ok" => "成功",
        "denied" => "拒绝",
        "failed" => "失败",
        _ => "其他",
    }
}
