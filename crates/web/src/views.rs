//! Page furniture shared by every page: the layout context (user, unit, navigation by role,
//! demo banner, CSRF token, flash message) and small formatting helpers.

use askama::Template;
use chrono::{DateTime, FixedOffset, Utc};

use domain::Role;

use crate::auth::CurrentUser;
use crate::AppState;

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub key: &'static str,
    pub href: &'static str,
    pub label: &'static str,
    /// One character shown in the phone's bottom bar.
    pub glyph: &'static str,
    pub group: &'static str,
    /// Whether a group heading goes above this item.
    pub starts_group: bool,
}

/// What the layout needs on every signed-in page.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub active: &'static str,
    pub demo: bool,
    pub csrf: String,
    pub display_name: String,
    pub unit_name: String,
    pub unit_id: i64,
    pub nav: Vec<NavItem>,
    pub flash: Option<String>,
    /// Unread notifications, for the bell.
    pub unread: u64,
}

impl Page {
    pub fn new(state: &AppState, user: &CurrentUser, title: impl Into<String>, active: &'static str) -> Page {
        Page {
            title: title.into(),
            active,
            demo: state.demo,
            csrf: user.csrf.clone(),
            display_name: user.user.display_name.clone(),
            unit_name: user.unit.name.clone(),
            unit_id: user.unit.id,
            nav: navigation(user),
            flash: None,
            unread: user.unread,
        }
    }

    /// Shows the message that a redirect asked for with `?done=…`.
    pub fn with_flash(mut self, code: &str) -> Page {
        self.flash = flash_text(code).map(str::to_string);
        self
    }

    pub fn is_active(&self, key: &str) -> bool {
        self.active == key
    }

    /// The bottom bar on a phone: at most five destinations, 我的 always last.
    pub fn tabs(&self) -> Vec<&NavItem> {
        let mut tabs: Vec<&NavItem> = self.nav.iter().filter(|n| n.key != "account").take(4).collect();
        if let Some(me) = self.nav.iter().find(|n| n.key == "account") {
            tabs.push(me);
        }
        tabs
    }
}

fn flash_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存",
        "created" => "已创建",
        "password" => "密码已修改",
        "reset" => "已重置密码，请把新密码当面或电话告知本人",
        "locked" => "账号已锁定",
        "unlocked" => "账号已解锁",
        "signed_out_others" => "已退出您在其他设备上的登录",
        "retired" => "环节已停用，历史记录保留",
        "followup" => "对接记录已保存",
        "followup_again" => "这条对接记录之前已保存，没有重复记录",
        "done" => "已标记完成",
        "merged" => "已合并",
        "revoked" => "令牌已吊销",
        "view_saved" => "视图已保存",
        "view_deleted" => "视图已删除",
        "contact" => "联系人已添加",
        "advanced" => "已推进；签约及以后的阶段待市局实地核查后计入统计",
        "verified" => "已记录核查通过",
        "rejected" => "已记录核查不通过及原因",
        "escalated" => "诉求已上报",
        "imported" => "已导入",
        "undone" => "已撤销这次导入",
        "published" => "已发布，结果已冻结",
        "frozen" => "本周调度报告已汇总定稿",
        "read_all" => "通知已全部标为已读",
        "channel_deleted" => "通知渠道已删除",
        "test_queued" => "测试消息已排队发送，约一分钟内送达；没收到请看渠道下方的错误说明",
        "retry_queued" => "已安排立即重试",
        _ => return None,
    })
}

/// Navigation fitted to the user's roles (DESIGN §6).
pub fn navigation(user: &CurrentUser) -> Vec<NavItem> {
    let admin = user.has(Role::Admin);
    let bureau = user.has(Role::Bureau);
    let sees_all = admin || bureau || user.has(Role::Leader);
    let writes = !user.has(Role::Leader) && !user.has(Role::Viewer) || admin || bureau;
    let item = |key, href, label, glyph, group| NavItem { key, href, label, glyph, group, starts_group: false };
    let leader = user.has(Role::Leader);
    let mut nav = vec![item("home", "/", "首页", "首", "工作台")];
    // A leader's phone opens on the cockpit: it comes second, in the bottom bar.
    if leader {
        nav.push(item("cockpit", "/cockpit", "驾驶舱", "舱", "工作台"));
    }
    nav.push(item("targets", "/targets", "目标企业", "标", "工作台"));
    if writes {
        nav.push(item("followup", "/followups/new", "记一笔", "记", "工作台"));
    }
    nav.push(item("projects", "/projects", "项目库", "项", "工作台"));
    nav.push(item("events", "/events", "招商活动", "活", "工作台"));
    nav.push(item("natives", "/natives", "汉商", "汉", "工作台"));
    nav.push(item("enterprises", "/enterprises", "企业库", "企", "工作台"));
    nav.push(item("chains", "/chains", "产业链", "链", "工作台"));
    nav.push(item("matching", "/matching", "精准招商", "准", "工作台"));
    nav.push(item("requests", "/requests", "企业诉求", "诉", "服务"));
    nav.push(item("approvals", "/approvals", "前期手续", "续", "服务"));
    nav.push(item("aftercare", "/aftercare", "企业服务", "服", "服务"));
    nav.push(item("policies", "/policies", "政策兑现", "策", "服务"));
    if sees_all {
        nav.push(item("verifications", "/verifications", "实地核查", "核", "服务"));
    }
    if !leader {
        nav.push(item("cockpit", "/cockpit", "驾驶舱", "舱", "调度考核"));
    }
    nav.push(item("dispatch", "/dispatch", "周调度", "调", "调度考核"));
    nav.push(item("assessment", "/assessment", "考核", "考", "调度考核"));
    nav.push(item("rates", "/rates", "五率", "率", "调度考核"));
    if writes {
        nav.push(item("imports", "/imports", "导入", "导", "管理"));
    }
    nav.push(item("units", "/units", "单位", "位", "管理"));
    nav.push(item("users", "/users", if sees_all { "用户" } else { "本单位人员" }, "人", "管理"));
    if admin || bureau || user.has(Role::Department) {
        nav.push(item("profile", "/profile", "产业链配置", "配", "管理"));
    }
    if admin || bureau {
        nav.push(item("audit", "/audit", "审计日志", "审", "管理"));
    }
    nav.push(item("account", "/account", "我的", "我", "个人"));
    let mut previous = "";
    for entry in &mut nav {
        entry.starts_group = entry.group != previous;
        previous = entry.group;
    }
    nav
}

/// Links grouped by chain ("集群 · 产业链"), nested links indented, for pickers.
pub fn link_groups(tree: &[store::profile::ClusterTree]) -> Vec<(String, Vec<(i64, String)>)> {
    fn walk(nodes: &[store::profile::LinkNode], depth: usize, out: &mut Vec<(i64, String)>) {
        for n in nodes {
            let gap = match n.link.strength.as_str() {
                "missing" => "（缺）",
                "weak" => "（弱）",
                _ => "",
            };
            out.push((n.link.id, format!("{}{}{gap}", "　".repeat(depth), n.link.name)));
            walk(&n.children, depth + 1, out);
        }
    }
    tree.iter()
        .flat_map(|c| {
            c.chains.iter().map(move |h| {
                let mut links = Vec::new();
                walk(&h.links, 0, &mut links);
                (format!("{} · {}", c.cluster.name, h.chain.name), links)
            })
        })
        .collect()
}

/// ` selected` when an option's value is the current one.
/// String equality for templates (askama compares references of different types poorly).
pub fn is(a: &str, b: &str) -> bool {
    a == b
}

pub fn selected(current: &str, option: &str) -> &'static str {
    if current == option { " selected" } else { "" }
}

pub fn role_labels(roles: &str) -> String {
    Role::parse_list(roles).unwrap_or_default().iter().map(|r| r.label()).collect::<Vec<_>>().join("、")
}

/// Instants in China Standard Time, as 2026-11-27 08:30.
pub fn local_time(at: &DateTime<Utc>) -> String {
    let cst = FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    at.with_timezone(&cst).format("%Y-%m-%d %H:%M").to_string()
}

pub fn local_time_opt(at: &Option<DateTime<Utc>>) -> String {
    at.as_ref().map(local_time).unwrap_or_else(|| "—".into())
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub title: &'static str,
    pub message: String,
    pub status: u16,
}

impl ErrorPage {
    pub fn to_html(&self) -> String {
        self.render().unwrap_or_else(|_| format!("<!doctype html><title>错误</title><p>{}</p>", self.status))
    }
}

/// Escapes text for HTML (for the few fragments built in Rust, such as nested trees).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_table() {
        assert_eq!(escape("<script>alert('x')</script>&"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;");
        assert_eq!(escape("机载设备"), "机载设备");
    }

    #[test]
    fn times_are_shown_in_china_time() {
        let at = DateTime::parse_from_rfc3339("2026-11-27T00:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(local_time(&at), "2026-11-27 08:30");
    }
}
