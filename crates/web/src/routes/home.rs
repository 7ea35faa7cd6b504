//! The home page: the user's unit and what is waiting for them.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::Utc;

use domain::Role;

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::Query;
use crate::views::{self, Page};
use crate::AppState;

/// One thing the user should look at, with where to do it.
struct Waiting {
    text: String,
    href: String,
    action: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    roles: String,
    last_login: String,
    waiting: Vec<Waiting>,
    gaps: usize,
    chains: usize,
    unit_users: u64,
    overdue: Vec<store::follow_ups::FollowUpView>,
    due_soon: Vec<store::follow_ups::FollowUpView>,
    stale: u64,
    served: Vec<store::services::Served>,
    today: chrono::NaiveDate,
    can_log: bool,
}

pub async fn home(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let mut waiting = Vec::new();
    let policy = &state.config.password;
    if policy.rotation_days > 0 {
        let left = policy.rotation_days - (Utc::now() - user.user.password_changed_at).num_days();
        if left <= 14 {
            waiting.push(Waiting { text: format!("您的密码将在 {} 天后到期", left.max(0)), href: "/account/password".into(), action: "修改密码" });
        }
    }
    if user.has(Role::Admin) {
        let locked = state.store.count_locked_users().await?;
        if locked > 0 {
            waiting.push(Waiting { text: format!("{locked} 个账号因密码错误被锁定"), href: "/users?locked=1".into(), action: "查看" });
        }
    }
    // Projects and investors' requests that need someone (DESIGN §5: overdue requests surface
    // to the owner unit and the bureau).
    let visibility = user.actor.visibility();
    let sees_all = visibility == domain::access::Visibility::All;
    let unit_filter = if sees_all { None } else { Some(user.unit.id) };
    let overdue_requests = store::services::RequestFilter { overdue: true, unit_id: unit_filter, ..Default::default() };
    let late = state.store.count_requests(visibility, &overdue_requests).await?;
    if late > 0 {
        let href = match unit_filter {
            Some(u) => format!("/requests?overdue=1&unit_id={u}"),
            None => "/requests?overdue=1".into(),
        };
        waiting.push(Waiting { text: format!("{late} 条企业诉求已超过办理期限"), href, action: "查看" });
    }
    let red = store::projects::ProjectFilter { health: Some(domain::project::HealthLevel::Red), unit_id: unit_filter, per_page: 1, ..Default::default() };
    let reds = state.store.count_projects(visibility, &red, false).await?;
    if reds > 0 {
        let href = match unit_filter {
            Some(u) => format!("/projects?health=red&unit_id={u}"),
            None => "/projects?health=red".into(),
        };
        waiting.push(Waiting { text: format!("{reds} 个项目体检为红色预警"), href, action: "查看" });
    }
    if user.actor.can(domain::access::Power::Verify).is_ok() {
        let pending = state.store.count_pending_verifications().await?;
        if pending > 0 {
            waiting.push(Waiting { text: format!("{pending} 项签约、开工或到位资金待实地核查"), href: "/verifications".into(), action: "去核查" });
        }
    }
    if user.actor.can(domain::access::Power::Adjudicate).is_ok() {
        let dup = store::projects::ProjectFilter { duplicates: true, per_page: 1, ..Default::default() };
        let duplicates = state.store.count_projects(visibility, &dup, true).await?;
        if duplicates > 0 {
            waiting.push(Waiting { text: format!("{duplicates} 个疑似重复项目待判定"), href: "/projects?dup=1".into(), action: "去判定" });
        }
    }
    // The weekly dispatch: a unit's key projects still without this week's note, once the
    // reminder window before the deadline opens (or after it has passed).
    if (user.has(Role::UnitHead) || user.has(Role::Officer))
        && ["county", "park", "office"].contains(&user.unit.kind.as_str())
        && let Some((week, due, deadline)) = state.store.notes_due(user.unit.id).await?
        && due > 0
    {
        let when = deadline.with_timezone(&domain::dispatch::china()).format("%m月%d日 %H:%M");
        let text = if Utc::now() > deadline { format!("本周调度：{due} 个重点项目未报送进展，已超过截止时间 {when}") } else { format!("本周调度：{due} 个重点项目还未填写进展，{when} 截止") };
        waiting.push(Waiting { text, href: format!("/dispatch/units/{}?week={week}", user.unit.id), action: "去填写" });
    }
    let served = state.store.served_projects(user.user.id).await?;
    let tree = state.store.profile_tree().await?;
    let chains = tree.iter().map(|c| c.chains.len()).sum();
    let gaps = tree
        .iter()
        .flat_map(|c| &c.chains)
        .filter(|h| !user.has(Role::Department) || user.has(Role::Bureau) || h.chain.lead_unit_id == user.unit.id)
        .map(|h| {
            let [_, weak, missing] = store::profile::LinkNode::strength_counts(&h.links);
            weak + missing
        })
        .sum();
    let unit_users = state.store.count_users_of(user.unit.id).await?;
    let today = Utc::now().date_naive();
    let (overdue, due_soon): (Vec<_>, Vec<_>) = state.store.next_steps(user.user.id, 30).await?.into_iter().partition(|f| f.follow_up.next_due.is_some_and(|d| d < today));
    let stale_filter = store::targets::TargetFilter { stale_days: Some(30), unit_id: Some(user.unit.id), per_page: 1, ..Default::default() };
    let stale = state.store.count_targets(user.actor.visibility(), &stale_filter).await?;
    let page = HomePage {
        page: Page::new(&state, &user, "首页", "home").with_flash(&q.get("done")),
        roles: views::role_labels(&user.user.roles),
        last_login: views::local_time_opt(&user.user.last_login_at),
        waiting,
        gaps,
        chains,
        unit_users,
        overdue,
        due_soon,
        stale,
        served,
        today,
        can_log: crate::routes::enterprises::may_edit_companies(&user),
    };
    Ok(Html(page.render()?))
}
