//! Reminders and notifications: the reminder rules as data (threshold, who receives), the Chinese
//! message of each reminder, the key that makes it go out once, the retry schedule, and the
//! payloads the two chat platforms accept (WeCom and DingTalk group robots) with DingTalk's signature.

use std::fmt::Display;

use chrono::{DateTime, Duration, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dispatch::{china, week_of};
use crate::role::Role;

coded!(
    /// What a reminder is about.
    Rule {
        NextStepDue = "next_step_due", "下一步即将到期";
        NextStepOverdue = "next_step_overdue", "下一步已逾期";
        RequestOverdue = "request_overdue", "诉求超过办理期限";
        VerificationWaiting = "verification_waiting", "待实地核查";
        DispatchNoteDue = "dispatch_note_due", "周调度进展待报送";
        TargetStale = "target_stale", "目标企业久未联系";
        Digest = "digest", "每日待办摘要";
        Test = "test", "测试消息";
    }
);

coded!(
    /// Where a reminder can go besides the in-app notification centre.
    ChannelKind {
        Wecom = "wecom", "企业微信群机器人";
        Dingtalk = "dingtalk", "钉钉群机器人";
        Email = "email", "电子邮件";
    }
);

impl Rule {
    /// The rules a person or a unit can choose to receive on a channel (all but the test message).
    pub fn subscribable() -> Vec<Rule> {
        Rule::ALL.iter().copied().filter(|r| *r != Rule::Test).collect()
    }

    /// What the rule's number of days means, for the settings form; `None` when it has none.
    pub fn days_label(self) -> Option<&'static str> {
        match self {
            Rule::NextStepDue => Some("到期前几天提醒（0 为当天）"),
            Rule::NextStepOverdue => Some("逾期几天后提醒"),
            Rule::RequestOverdue => Some("超过期限几天后提醒"),
            Rule::VerificationWaiting => Some("等待几天后提醒"),
            Rule::TargetStale => Some("多少天未联系算久未联系"),
            Rule::DispatchNoteDue | Rule::Digest | Rule::Test => None,
        }
    }

    /// Who「本人」is for this rule, for the settings form; `None` when the rule has no owner.
    pub fn owner_label(self) -> Option<&'static str> {
        match self {
            Rule::NextStepDue | Rule::NextStepOverdue => Some("记录人"),
            Rule::RequestOverdue => Some("提出人"),
            Rule::TargetStale => Some("目标企业负责人"),
            Rule::DispatchNoteDue => Some("本单位招商专员"),
            Rule::Digest => Some("本人"),
            Rule::VerificationWaiting | Rule::Test => None,
        }
    }
}

/// A channel's chosen rules, stored as comma-separated codes; empty means every rule.
pub fn parse_rule_list(text: &str) -> Result<Vec<Rule>, String> {
    let mut rules = Vec::new();
    for code in text.split(',').map(str::trim).filter(|c| !c.is_empty()) {
        let rule = Rule::parse(code).ok_or_else(|| format!("未知的提醒类型「{code}」"))?;
        if !rules.contains(&rule) {
            rules.push(rule);
        }
    }
    Ok(rules)
}

/// Whether a channel with `rules` (as stored) takes reminders of `rule`. The test message always
/// goes through: it is how a channel is checked.
pub fn accepts(rules: &str, rule: Rule) -> bool {
    rule == Rule::Test || rules.trim().is_empty() || rules.split(',').any(|c| c.trim() == rule.code())
}

/// One rule's setting: on or off, its threshold, and who receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetting {
    pub enabled: bool,
    /// The threshold in days (see `Rule::days_label`); ignored by rules without one.
    pub days: i64,
    /// The person the item belongs to (see `Rule::owner_label`).
    pub owner: bool,
    /// The heads (单位负责人) of the unit the item belongs to.
    pub heads: bool,
    /// Bureau staff (市局).
    pub bureau: bool,
}

impl RuleSetting {
    const fn new(days: i64, owner: bool, heads: bool, bureau: bool) -> RuleSetting {
        RuleSetting { enabled: true, days, owner, heads, bureau }
    }
}

/// Every rule's setting, and the hours of the day (China time) in which reminders are worked
/// out: none at night; the daily digest goes out at the start of the window. Stored as TOML.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReminderRules {
    pub from_hour: u32,
    pub until_hour: u32,
    pub next_step_due: RuleSetting,
    pub next_step_overdue: RuleSetting,
    pub request_overdue: RuleSetting,
    pub verification_waiting: RuleSetting,
    pub dispatch_note_due: RuleSetting,
    pub target_stale: RuleSetting,
    pub digest: RuleSetting,
}

impl Default for ReminderRules {
    fn default() -> Self {
        ReminderRules {
            from_hour: 8,
            until_hour: 22,
            next_step_due: RuleSetting::new(1, true, false, false),
            next_step_overdue: RuleSetting::new(1, true, false, false),
            request_overdue: RuleSetting::new(1, true, true, false),
            verification_waiting: RuleSetting::new(3, false, false, true),
            dispatch_note_due: RuleSetting::new(0, false, true, false),
            target_stale: RuleSetting::new(30, true, true, false),
            digest: RuleSetting::new(0, true, false, false),
        }
    }
}

/// Reminders of an overdue item are made only within this many days after it became overdue, so
/// that switching a rule on (or a first start on old data) does not flood anyone; the daily
/// digest keeps counting the older ones.
pub const LOOKBACK_DAYS: i64 = 7;

impl ReminderRules {
    pub fn parse(text: &str) -> Result<ReminderRules, String> {
        let rules: ReminderRules = toml::from_str(text).map_err(|e| format!("提醒规则格式有误：{}", e.message()))?;
        rules.check()?;
        Ok(rules)
    }

    pub fn check(&self) -> Result<(), String> {
        if self.from_hour > 23 || !(1..=24).contains(&self.until_hour) || self.from_hour >= self.until_hour {
            return Err("提醒时段应在 0–24 点之间，且开始早于结束，如 8 点到 22 点".into());
        }
        for rule in Rule::subscribable() {
            let s = self.setting(rule);
            let (min, max) = match rule {
                Rule::NextStepOverdue | Rule::RequestOverdue | Rule::TargetStale => (1, 3650),
                _ => (0, 365),
            };
            if rule.days_label().is_some() && !(min..=max).contains(&s.days) {
                return Err(format!("「{}」的天数应为 {min}–{max} 的整数", rule.label()));
            }
        }
        Ok(())
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    pub fn setting(&self, rule: Rule) -> RuleSetting {
        match rule {
            Rule::NextStepDue => self.next_step_due,
            Rule::NextStepOverdue => self.next_step_overdue,
            Rule::RequestOverdue => self.request_overdue,
            Rule::VerificationWaiting => self.verification_waiting,
            Rule::DispatchNoteDue => self.dispatch_note_due,
            Rule::TargetStale => self.target_stale,
            Rule::Digest => self.digest,
            Rule::Test => RuleSetting::new(0, true, false, false),
        }
    }

    pub fn set(&mut self, rule: Rule, setting: RuleSetting) {
        match rule {
            Rule::NextStepDue => self.next_step_due = setting,
            Rule::NextStepOverdue => self.next_step_overdue = setting,
            Rule::RequestOverdue => self.request_overdue = setting,
            Rule::VerificationWaiting => self.verification_waiting = setting,
            Rule::DispatchNoteDue => self.dispatch_note_due = setting,
            Rule::TargetStale => self.target_stale = setting,
            Rule::Digest => self.digest = setting,
            Rule::Test => {}
        }
    }

    /// Whether reminders are worked out at `now` (China time): not at night.
    pub fn in_hours(&self, now: DateTime<Utc>) -> bool {
        let hour = now.with_timezone(&china()).hour();
        (self.from_hour..self.until_hour).contains(&hour)
    }
}

/// The day in China at `now`: reminders and digests are per Chinese calendar day.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&china()).date_naive()
}

/// The key that makes a reminder go out once: rule, subject and period, e.g.
/// `next_step_overdue:follow_up:123:2026-11-27`. One notification per (key, person) and one
/// delivery per (key, channel), under unique constraints.
pub fn dedup_key(rule: Rule, subject: &str, id: i64, period: impl Display) -> String {
    format!("{}:{subject}:{id}:{period}", rule.code())
}

// -- Who receives ---------------------------------------------------------------------------

/// An active account, as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: i64,
    pub unit_id: i64,
    pub roles: Vec<Role>,
}

impl Person {
    fn sees_all(&self) -> bool {
        self.roles.iter().any(|r| matches!(r, Role::Admin | Role::Bureau | Role::Leader))
    }
}

/// Whose the item is: the people it belongs to, the unit it belongs to, and other units that may
/// see it (the unit that raised a request).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Audience {
    pub owners: Vec<i64>,
    pub unit: Option<i64>,
    pub also_visible_to: Vec<i64>,
}

/// Who receives a reminder, as the rule's setting says: the owners, the unit's heads, bureau
/// staff. Only people who may see the unit's records receive it (another unit's officer never
/// does); when no owner can be reached, the unit's heads stand in, so the reminder is not lost.
pub fn recipients(setting: &RuleSetting, audience: &Audience, people: &[Person]) -> Vec<i64> {
    let may_see = |p: &Person| p.sees_all() || audience.unit == Some(p.unit_id) || audience.also_visible_to.contains(&p.unit_id);
    let mut out = Vec::new();
    let mut owner_reached = false;
    if setting.owner {
        for p in people.iter().filter(|p| audience.owners.contains(&p.id) && may_see(p)) {
            out.push(p.id);
            owner_reached = true;
        }
    }
    if let Some(unit) = audience.unit.filter(|_| setting.heads || (setting.owner && !owner_reached)) {
        out.extend(people.iter().filter(|p| p.unit_id == unit && p.roles.contains(&Role::UnitHead)).map(|p| p.id));
    }
    if setting.bureau {
        out.extend(people.iter().filter(|p| p.roles.contains(&Role::Bureau)).map(|p| p.id));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A unit's officers (招商专员), the「本人」of the weekly dispatch reminder.
pub fn officers_of(unit: i64, people: &[Person]) -> Vec<i64> {
    people.iter().filter(|p| p.unit_id == unit && p.roles.contains(&Role::Officer)).map(|p| p.id).collect()
}

// -- Reminders ------------------------------------------------------------------------------

/// One reminder: its rule and key, the message, the link to the record, who receives it in the
/// notification centre and on their own channels, and which units' group channels get it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reminder {
    pub rule: Rule,
    pub key: String,
    pub title: String,
    /// Lines of plain text, joined by `\n`.
    pub body: String,
    /// A path in the system, such as `/targets/12`.
    pub link: String,
    pub recipients: Vec<i64>,
    pub units: Vec<i64>,
}

/// A next step set on a follow-up (对接记录).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStep {
    pub follow_up_id: i64,
    pub enterprise_id: i64,
    pub target_id: Option<i64>,
    pub enterprise: String,
    pub step: String,
    pub due: NaiveDate,
    pub user_id: i64,
    pub person: String,
    pub unit_id: i64,
}

fn short(text: &str, max: usize) -> String {
    let text: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max { text } else { format!("{}…", text.chars().take(max).collect::<String>()) }
}

/// The reminder a next step calls for today, if any: due within the rule's days (or today), or
/// overdue by at least its days (within `LOOKBACK_DAYS` after that).
pub fn next_step_reminder(rules: &ReminderRules, s: &NextStep, today: NaiveDate, people: &[Person]) -> Option<Reminder> {
    let (due_rule, overdue_rule) = (rules.next_step_due, rules.next_step_overdue);
    let late = (today - s.due).num_days();
    let rule = if due_rule.enabled && (-due_rule.days..=0).contains(&late) {
        Rule::NextStepDue
    } else if overdue_rule.enabled && late >= overdue_rule.days && late <= overdue_rule.days + LOOKBACK_DAYS {
        Rule::NextStepOverdue
    } else {
        return None;
    };
    let setting = rules.setting(rule);
    let title = match (rule, late) {
        (Rule::NextStepDue, 0) => format!("下一步今天到期：{}", short(&s.enterprise, 40)),
        (Rule::NextStepDue, _) => format!("下一步 {} 天后到期：{}", -late, short(&s.enterprise, 40)),
        _ => format!("下一步已逾期 {late} 天：{}", short(&s.enterprise, 40)),
    };
    let body = [format!("下一步：{}", short(&s.step, 200)), format!("期限：{}", s.due), format!("记录人：{}", s.person)].join("\n");
    let link = match s.target_id {
        Some(t) => format!("/targets/{t}"),
        None => format!("/enterprises/{}", s.enterprise_id),
    };
    let audience = Audience { owners: vec![s.user_id], unit: Some(s.unit_id), also_visible_to: vec![] };
    Some(Reminder {
        rule,
        key: dedup_key(rule, "follow_up", s.follow_up_id, s.due),
        title,
        body,
        link,
        recipients: recipients(&setting, &audience, people),
        units: vec![s.unit_id],
    })
}

/// An investor's request (诉求) still open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenRequest {
    pub request_id: i64,
    pub project_id: Option<i64>,
    /// The investor, or a confidential project's codename.
    pub investor: String,
    pub category: String,
    pub text: String,
    pub deadline: NaiveDate,
    pub owner_unit_id: i64,
    pub owner_unit: String,
    pub raised_by_unit_id: i64,
    pub created_by: Option<i64>,
}

/// The reminder an open request past its deadline calls for.
pub fn request_reminder(rules: &ReminderRules, r: &OpenRequest, today: NaiveDate, people: &[Person]) -> Option<Reminder> {
    let setting = rules.request_overdue;
    let late = (today - r.deadline).num_days();
    if !setting.enabled || late < setting.days || late > setting.days + LOOKBACK_DAYS {
        return None;
    }
    let audience = Audience { owners: r.created_by.into_iter().collect(), unit: Some(r.owner_unit_id), also_visible_to: vec![r.raised_by_unit_id] };
    Some(Reminder {
        rule: Rule::RequestOverdue,
        key: dedup_key(Rule::RequestOverdue, "request", r.request_id, r.deadline),
        title: format!("诉求超过办理期限 {late} 天：{}", short(&r.investor, 40)),
        body: [format!("{}：{}", r.category, short(&r.text, 200)), format!("责任单位：{}", r.owner_unit), format!("办理期限：{}", r.deadline)].join("\n"),
        link: match r.project_id {
            Some(p) => format!("/projects/{p}#requests"),
            None => format!("/requests?overdue=1&unit_id={}", r.owner_unit_id),
        },
        recipients: recipients(&setting, &audience, people),
        units: vec![r.owner_unit_id],
    })
}

/// The bureau's daily reminder of stages and funds waiting for an on-site check: `waiting` items
/// waited at least the rule's days, the oldest since `oldest`.
pub fn verification_reminder(rules: &ReminderRules, waiting: u64, oldest: NaiveDate, today: NaiveDate, bureau_units: &[i64], people: &[Person]) -> Option<Reminder> {
    let setting = rules.verification_waiting;
    if !setting.enabled || waiting == 0 {
        return None;
    }
    let audience = Audience { owners: vec![], unit: None, also_visible_to: vec![] };
    Some(Reminder {
        rule: Rule::VerificationWaiting,
        key: dedup_key(Rule::VerificationWaiting, "city", 0, today),
        title: format!("{waiting} 项签约、开工或到位资金待实地核查"),
        body: format!("已等待 {} 天以上；最早一项提交于 {oldest}", setting.days),
        link: "/verifications".into(),
        recipients: recipients(&setting, &audience, people),
        units: bureau_units.to_vec(),
    })
}

/// A unit's key projects still without this week's dispatch note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingNotes {
    pub unit_id: i64,
    pub unit_name: String,
    pub week: NaiveDate,
    pub missing: usize,
    pub deadline: DateTime<Utc>,
}

/// The weekly dispatch reminder, once the reminder window before the deadline has opened
/// (`remind_hours_before` of the dispatch settings).
pub fn dispatch_reminder(rules: &ReminderRules, m: &MissingNotes, remind_hours_before: i64, now: DateTime<Utc>, people: &[Person]) -> Option<Reminder> {
    let setting = rules.dispatch_note_due;
    if !setting.enabled || m.missing == 0 || now + Duration::hours(remind_hours_before) < m.deadline {
        return None;
    }
    let when = m.deadline.with_timezone(&china()).format("%m月%d日 %H:%M").to_string();
    let line = if now > m.deadline { format!("已超过截止时间 {when}，请尽快报送") } else { format!("{when} 截止") };
    let audience = Audience { owners: officers_of(m.unit_id, people), unit: Some(m.unit_id), also_visible_to: vec![] };
    Some(Reminder {
        rule: Rule::DispatchNoteDue,
        key: dedup_key(Rule::DispatchNoteDue, "unit", m.unit_id, m.week),
        title: format!("周调度：{} 还有 {} 个重点项目未报送本周进展", m.unit_name, m.missing),
        body: [format!("周次：{} 这一周", m.week), line].join("\n"),
        link: format!("/dispatch/units/{}?week={}", m.unit_id, m.week),
        recipients: recipients(&setting, &audience, people),
        units: vec![m.unit_id],
    })
}

/// Targets without contact for the rule's days: one person's, or one unit's in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StaleTargets {
    Person { user_id: i64, unit_id: i64, count: u64 },
    Unit { unit_id: i64, unit_name: String, count: u64 },
}

/// The weekly reminder of targets without contact: to their owner (personal channels only), and
/// each unit's total to its heads and its group channels.
pub fn stale_reminder(rules: &ReminderRules, s: &StaleTargets, today: NaiveDate, people: &[Person]) -> Option<Reminder> {
    let setting = rules.target_stale;
    let week = week_of(today);
    let days = setting.days;
    match s {
        StaleTargets::Person { user_id, unit_id, count } if setting.enabled && setting.owner && *count > 0 => {
            let only_owner = RuleSetting { heads: false, bureau: false, ..setting };
            let audience = Audience { owners: vec![*user_id], unit: Some(*unit_id), also_visible_to: vec![] };
            let to = recipients(&only_owner, &audience, people).into_iter().filter(|id| id == user_id).collect::<Vec<_>>();
            (!to.is_empty()).then(|| Reminder {
                rule: Rule::TargetStale,
                key: dedup_key(Rule::TargetStale, "user", *user_id, week),
                title: format!("您负责的 {count} 家目标企业超过 {days} 天未联系"),
                body: "久未联系的目标企业容易流失，请安排拜访或电话".into(),
                link: format!("/targets?stale={days}&mine=1"),
                recipients: to,
                units: vec![],
            })
        }
        StaleTargets::Unit { unit_id, unit_name, count } if setting.enabled && setting.heads && *count > 0 => {
            let only_heads = RuleSetting { owner: false, ..setting };
            let audience = Audience { owners: vec![], unit: Some(*unit_id), also_visible_to: vec![] };
            Some(Reminder {
                rule: Rule::TargetStale,
                key: dedup_key(Rule::TargetStale, "unit", *unit_id, week),
                title: format!("{unit_name}有 {count} 家目标企业超过 {days} 天未联系"),
                body: "久未联系的目标企业容易流失，请安排拜访或电话".into(),
                link: format!("/targets?stale={days}&unit_id={unit_id}"),
                recipients: recipients(&only_heads, &audience, people),
                units: vec![*unit_id],
            })
        }
        _ => None,
    }
}

/// What is open for one person on a day; `None` for figures their role does not cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DigestCounts {
    pub steps_due_today: u64,
    pub steps_overdue: u64,
    pub stale_targets: u64,
    pub stale_days: i64,
    pub unit_requests_overdue: Option<u64>,
    pub unit_notes_missing: Option<u64>,
    pub verifications: Option<u64>,
    pub city_requests_overdue: Option<u64>,
    pub unread: u64,
}

/// The daily digest of one person: one message a day, only when something is open.
pub fn digest_reminder(user_id: i64, c: &DigestCounts, today: NaiveDate) -> Option<Reminder> {
    let mut lines = Vec::new();
    if c.steps_due_today + c.steps_overdue > 0 {
        lines.push(format!("下一步：今天到期 {} 条，已逾期 {} 条", c.steps_due_today, c.steps_overdue));
    }
    if c.stale_targets > 0 {
        lines.push(format!("目标企业：{} 家超过 {} 天未联系", c.stale_targets, c.stale_days));
    }
    if let Some(n) = c.unit_requests_overdue.filter(|n| *n > 0) {
        lines.push(format!("本单位企业诉求：{n} 条超过办理期限"));
    }
    if let Some(n) = c.unit_notes_missing.filter(|n| *n > 0) {
        lines.push(format!("本周调度：{n} 个重点项目未报送进展"));
    }
    if let Some(n) = c.verifications.filter(|n| *n > 0) {
        lines.push(format!("实地核查：{n} 项待核查"));
    }
    if let Some(n) = c.city_requests_overdue.filter(|n| *n > 0) {
        lines.push(format!("全市企业诉求：{n} 条超过办理期限"));
    }
    if lines.is_empty() {
        return None;
    }
    if c.unread > 0 {
        lines.push(format!("另有 {} 条未读通知", c.unread));
    }
    Some(Reminder {
        rule: Rule::Digest,
        key: dedup_key(Rule::Digest, "user", user_id, today),
        title: format!("今日待办（{}）", today.format("%Y年%m月%d日")),
        body: lines.join("\n"),
        link: "/".into(),
        recipients: vec![user_id],
        units: vec![],
    })
}

/// The message that checks a channel.
pub fn test_reminder(channel_id: i64, now: DateTime<Utc>) -> Reminder {
    Reminder {
        rule: Rule::Test,
        key: dedup_key(Rule::Test, "channel", channel_id, now.timestamp_millis()),
        title: "招商系统测试消息".into(),
        body: format!("这个渠道能收到招商系统的提醒。发送时间：{}", now.with_timezone(&china()).format("%Y-%m-%d %H:%M")),
        link: "/notifications/settings".into(),
        recipients: vec![],
        units: vec![],
    }
}

// -- Retries --------------------------------------------------------------------------------

/// Waits after the 1st, 2nd… failed attempt: 1 min, 5 min, 30 min, 2 h, 12 h; after the sixth
/// failure the delivery is given up and shown to admins as failed.
pub const RETRY_SCHEDULE: [i64; 5] = [60, 5 * 60, 30 * 60, 2 * 3600, 12 * 3600];

/// How long to wait after `attempts` failed attempts, or `None` to give up.
pub fn retry_after(attempts: i32) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_SCHEDULE.get(index).map(|s| Duration::seconds(*s))
}

// -- Channels -------------------------------------------------------------------------------

/// A robot's webhook address: https only, since the address carries the robot's key; plain http
/// only to this machine (127.0.0.1, localhost), for tests and a local relay.
pub fn check_webhook(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("请填写群机器人的 Webhook 地址".into());
    }
    if url.chars().count() > 1000 {
        return Err("Webhook 地址过长（最多 1000 个字符）".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("Webhook 地址中不能有空格或换行，请从群机器人设置中完整复制".into());
    }
    let lower = url.to_ascii_lowercase();
    let (rest, https) = if let Some(rest) = lower.strip_prefix("https://") {
        (rest, true)
    } else if let Some(rest) = lower.strip_prefix("http://") {
        (rest, false)
    } else {
        return Err("Webhook 地址应以 https:// 开头，请从群机器人设置中完整复制".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty() || authority.contains('@') {
        return Err("Webhook 地址缺少服务器名，请从群机器人设置中完整复制".into());
    }
    let host = if authority.starts_with('[') {
        // An IPv6 address must be closed: "[::1" is no address at all.
        match authority.find(']') {
            Some(end) => authority[..=end].to_string(),
            None => return Err("Webhook 地址的服务器名无效，请从群机器人设置中完整复制".into()),
        }
    } else {
        authority.split(':').next().unwrap_or_default().to_string()
    };
    if !https && !matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]") {
        return Err("Webhook 地址必须以 https:// 开头：地址中含有机器人的密钥，用 http 明文发送会在网络上泄露（只有本机地址 http://127.0.0.1 可用于测试）".into());
    }
    Ok(url.to_string())
}

/// An e-mail address, as far as a form can tell.
pub fn check_email(address: &str) -> Result<String, String> {
    let address = address.trim();
    let ok = address.len() <= 254
        && !address.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';' | '"'))
        && match address.split_once('@') {
            Some((local, domain)) => !local.is_empty() && !domain.contains('@') && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'),
            None => false,
        };
    if ok { Ok(address.to_string()) } else { Err(format!("邮箱地址「{}」格式不正确，应如 zhangsan@example.gov.cn", short(address, 60))) }
}

/// A DingTalk robot's signing secret (加签), optional: it starts with SEC.
pub fn check_secret(secret: &str) -> Result<String, String> {
    let secret = secret.trim();
    if secret.is_empty() {
        return Ok(String::new());
    }
    if !secret.starts_with("SEC") || !(10..=200).contains(&secret.len()) || !secret.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("钉钉加签密钥应以 SEC 开头、只含字母和数字，请从机器人安全设置的「加签」一栏完整复制".into());
    }
    Ok(secret.to_string())
}

/// A secret as shown back: its first three and last four characters only.
pub fn mask_secret(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().collect();
    if chars.is_empty() {
        return String::new();
    }
    if chars.len() <= 10 {
        return "****".into();
    }
    format!("{}…{}", chars[..3].iter().collect::<String>(), chars[chars.len() - 4..].iter().collect::<String>())
}

/// A channel's address as shown back: a webhook's query values (the robot's key or access
/// token) are masked; an e-mail address is shown as it is.
pub fn mask_address(kind: ChannelKind, address: &str) -> String {
    if kind == ChannelKind::Email {
        return address.to_string();
    }
    let Some((base, query)) = address.split_once('?') else { return address.to_string() };
    let masked: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => format!("{k}={}", mask_secret(v)),
            None => pair.to_string(),
        })
        .collect();
    format!("{base}?{}", masked.join("&"))
}

// -- Payloads -------------------------------------------------------------------------------

/// Text typed by users, made inert inside a chat platform's markdown: no links, tags, mentions
/// or emphasis of its own (full-width look-alikes keep it readable).
pub fn md_escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '<' => '＜',
            '>' => '＞',
            '[' => '［',
            ']' => '］',
            '*' => '＊',
            '`' => '\'',
            '#' => '＃',
            '\r' | '\n' => ' ',
            c => c,
        })
        .collect()
}

/// Cuts text to at most `max` bytes of UTF-8 at a character boundary.
fn cut_bytes(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub("…".len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

/// WeCom (企业微信) group robot, markdown message, as its documentation「群机器人配置说明」
/// (developer.work.weixin.qq.com/document/path/91770) gives it: POST JSON
/// `{"msgtype":"markdown","markdown":{"content":"…"}}` to `…/cgi-bin/webhook/send?key=…`;
/// content is UTF-8, at most 4096 bytes; a line starting with `>` is a quote.
pub fn wecom_markdown(title: &str, body: &str, url: Option<&str>) -> serde_json::Value {
    let mut content = format!("**{}**", md_escape(title));
    for line in body.lines() {
        content.push_str(&format!("\n> {}", md_escape(line)));
    }
    if let Some(url) = url {
        content.push_str(&format!("\n[在系统中查看]({url})"));
    }
    serde_json::json!({ "msgtype": "markdown", "markdown": { "content": cut_bytes(&content, 4096) } })
}

/// DingTalk (钉钉) custom group robot, markdown message, as its documentation「自定义机器人发送
/// 群消息」(open.dingtalk.com/document/robots/custom-robot-access) gives it: POST JSON
/// `{"msgtype":"markdown","markdown":{"title":"…","text":"…"}}` to `…/robot/send?access_token=…`;
/// `title` is what the conversation list shows, `text` the markdown (a blank line breaks lines).
pub fn dingtalk_markdown(title: &str, body: &str, url: Option<&str>) -> serde_json::Value {
    let title = md_escape(title);
    let mut text = format!("#### {title}");
    for line in body.lines() {
        text.push_str(&format!("\n\n> {}", md_escape(line)));
    }
    if let Some(url) = url {
        text.push_str(&format!("\n\n[在系统中查看]({url})"));
    }
    serde_json::json!({ "msgtype": "markdown", "markdown": { "title": cut_bytes(&title, 300), "text": cut_bytes(&text, 4000) } })
}

/// DingTalk's signature for a robot with「加签」, as its security settings documentation
/// (open.dingtalk.com/document/robots/customize-robot-security-settings) defines it: HMAC-SHA256
/// keyed with the secret over `timestamp + "\n" + secret` (timestamp in milliseconds, within an
/// hour of DingTalk's clock), Base64-encoded, then URL-encoded.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let to_sign = format!("{timestamp_ms}\n{secret}");
    url_encode(&base64(&hmac_sha256(secret.as_bytes(), to_sign.as_bytes())))
}

/// The address to post to: the robot's webhook, with `&timestamp=…&sign=…` when it has a secret.
pub fn dingtalk_url(webhook: &str, secret: &str, timestamp_ms: i64) -> String {
    if secret.is_empty() {
        return webhook.to_string();
    }
    let joiner = if webhook.contains('?') { '&' } else { '?' };
    format!("{webhook}{joiner}timestamp={timestamp_ms}&sign={}", dingtalk_sign(secret, timestamp_ms))
}

/// Both robots answer HTTP 200 with `{"errcode":0,"errmsg":"ok"}` on success; anything else is a
/// failure, described for the admins' list.
pub fn robot_reply(status: u16, body: &str) -> Result<(), String> {
    let detail = short(body, 200);
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}：{detail}"));
    }
    let value: serde_json::Value = serde_json::from_str(body).map_err(|_| format!("平台返回的内容无法识别：{detail}"))?;
    match value.get("errcode").and_then(serde_json::Value::as_i64) {
        Some(0) => Ok(()),
        Some(code) => Err(format!("平台返回错误 {code}：{}", value.get("errmsg").and_then(serde_json::Value::as_str).unwrap_or_default())),
        None => Err(format!("平台返回的内容缺少 errcode：{detail}")),
    }
}

/// An e-mail's subject and plain-text body.
pub fn email_text(title: &str, body: &str, url: Option<&str>) -> (String, String) {
    let mut text = format!("{title}\n\n{body}\n");
    if let Some(url) = url {
        text.push_str(&format!("\n在系统中查看：{url}\n"));
    }
    text.push_str("\n——招商工作系统自动发送，请勿直接回复。可在系统「通知设置」中调整提醒。\n");
    (format!("【招商提醒】{}", title.replace(['\r', '\n'], " ")), text)
}

/// A link into the system for a message sent outside it: the public address and the path, or
/// none when the public address is not configured.
pub fn absolute_link(public_url: &str, path: &str) -> Option<String> {
    let base = public_url.trim().trim_end_matches('/');
    (!base.is_empty() && !path.is_empty()).then(|| format!("{base}{path}"))
}

// -- Small codecs (no dependency for three functions) --------------------------------------

/// HMAC-SHA256 (RFC 2104).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    inner.update(message);
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

/// Standard Base64 with padding (RFC 4648 §4).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16) | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8) | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Percent-encoding of everything but RFC 3986's unreserved characters.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    // Units: 1 the bureau, 3 南郑区, 4 城固县.
    fn people() -> Vec<Person> {
        vec![
            Person { id: 11, unit_id: 3, roles: vec![Role::Officer] },
            Person { id: 12, unit_id: 3, roles: vec![Role::UnitHead] },
            Person { id: 13, unit_id: 3, roles: vec![Role::Officer] },
            Person { id: 21, unit_id: 4, roles: vec![Role::Officer] },
            Person { id: 22, unit_id: 4, roles: vec![Role::UnitHead] },
            Person { id: 31, unit_id: 1, roles: vec![Role::Bureau] },
            Person { id: 32, unit_id: 1, roles: vec![Role::Admin] },
            Person { id: 33, unit_id: 1, roles: vec![Role::Leader] },
        ]
    }

    #[test]
    fn recipients_table() {
        let s = |owner, heads, bureau| RuleSetting { enabled: true, days: 1, owner, heads, bureau };
        let nz = |owners: Vec<i64>| Audience { owners, unit: Some(3), also_visible_to: vec![] };
        let cases: Vec<(&str, RuleSetting, Audience, Vec<i64>)> = vec![
            ("南郑区专员自己的下一步", s(true, false, false), nz(vec![11]), vec![11]),
            ("本人和单位负责人", s(true, true, false), nz(vec![11]), vec![11, 12]),
            ("加上市局", s(true, true, true), nz(vec![11]), vec![11, 12, 31]),
            ("记录人已停用：负责人代收", s(true, false, false), nz(vec![99]), vec![12]),
            ("城固县的人不是南郑区记录的本人", s(true, false, false), nz(vec![21]), vec![12]),
            ("只给负责人", s(false, true, false), nz(vec![11]), vec![12]),
            ("市局的人看得到一切", s(true, false, false), nz(vec![31]), vec![31]),
            ("提出单位的人也看得到诉求", s(true, false, false), Audience { owners: vec![21], unit: Some(3), also_visible_to: vec![4] }, vec![21]),
            ("只给市局", s(false, false, true), Audience::default(), vec![31]),
            ("谁都不给", s(false, false, false), nz(vec![11]), vec![]),
        ];
        for (case, setting, audience, expected) in cases {
            assert_eq!(recipients(&setting, &audience, &people()), expected, "{case}");
        }
    }

    fn step(due: &str) -> NextStep {
        NextStep { follow_up_id: 123, enterprise_id: 5, target_id: Some(7), enterprise: "秦岭航空零部件有限公司".into(), step: "送地价表".into(), due: d(due), user_id: 11, person: "李娜".into(), unit_id: 3 }
    }

    #[test]
    fn next_step_table() {
        let rules = ReminderRules::default();
        let today = d("2026-11-27");
        let cases: &[(&str, Option<(Rule, &str)>)] = &[
            ("2026-11-30", None),
            ("2026-11-28", Some((Rule::NextStepDue, "下一步 1 天后到期：秦岭航空零部件有限公司"))),
            ("2026-11-27", Some((Rule::NextStepDue, "下一步今天到期：秦岭航空零部件有限公司"))),
            ("2026-11-26", Some((Rule::NextStepOverdue, "下一步已逾期 1 天：秦岭航空零部件有限公司"))),
            ("2026-11-19", Some((Rule::NextStepOverdue, "下一步已逾期 8 天：秦岭航空零部件有限公司"))),
            // Older than the look-back: the digest counts it, no new reminder.
            ("2026-11-18", None),
        ];
        for (due, expected) in cases {
            let got = next_step_reminder(&rules, &step(due), today, &people());
            assert_eq!(got.as_ref().map(|r| (r.rule, r.title.as_str())), *expected, "due {due}");
            if let Some(r) = got {
                assert_eq!(r.recipients, vec![11]);
                assert_eq!(r.units, vec![3]);
                assert_eq!(r.link, "/targets/7");
                assert_eq!(r.key, format!("{}:follow_up:123:{due}", r.rule.code()));
                assert!(r.body.contains("下一步：送地价表") && r.body.contains("记录人：李娜"));
            }
        }
        let mut off = rules.clone();
        off.next_step_due.enabled = false;
        assert_eq!(next_step_reminder(&off, &step("2026-11-27"), today, &people()), None, "a rule switched off fires for nobody");
        let mut heads = rules;
        heads.next_step_overdue.heads = true;
        heads.next_step_overdue.days = 3;
        assert_eq!(next_step_reminder(&heads, &step("2026-11-26"), today, &people()), None, "overdue by less than the rule's days");
        assert_eq!(next_step_reminder(&heads, &step("2026-11-24"), today, &people()).unwrap().recipients, vec![11, 12]);
    }

    #[test]
    fn request_and_bureau_rules() {
        let rules = ReminderRules::default();
        let today = d("2026-11-27");
        let r = OpenRequest { request_id: 9, project_id: Some(4), investor: "汉中锂电".into(), category: "水电气".into(), text: "双回路供电接入".into(), deadline: d("2026-11-20"), owner_unit_id: 3, owner_unit: "南郑区".into(), raised_by_unit_id: 3, created_by: Some(13) };
        let got = request_reminder(&rules, &r, today, &people()).unwrap();
        assert_eq!(got.title, "诉求超过办理期限 7 天：汉中锂电");
        assert_eq!(got.recipients, vec![12, 13], "the one who raised it and the owner unit's head");
        assert_eq!(got.key, "request_overdue:request:9:2026-11-20");
        assert_eq!(got.link, "/projects/4#requests");
        assert!(request_reminder(&rules, &OpenRequest { deadline: d("2026-11-27"), ..r.clone() }, today, &people()).is_none(), "not yet overdue");

        let v = verification_reminder(&rules, 4, d("2026-11-10"), today, &[1], &people()).unwrap();
        assert_eq!((v.title.as_str(), v.recipients.clone(), v.units.clone()), ("4 项签约、开工或到位资金待实地核查", vec![31], vec![1]));
        assert_eq!(v.key, "verification_waiting:city:0:2026-11-27");
        assert!(verification_reminder(&rules, 0, today, today, &[1], &people()).is_none());

        let stale = StaleTargets::Unit { unit_id: 4, unit_name: "城固县".into(), count: 12 };
        let got = stale_reminder(&rules, &stale, today, &people()).unwrap();
        assert_eq!((got.recipients.clone(), got.units.clone()), (vec![22], vec![4]), "城固县's head, 城固县's group");
        assert_eq!(got.key, "target_stale:unit:4:2026-11-23", "weekly: keyed by the week's Monday");
        let mine = stale_reminder(&rules, &StaleTargets::Person { user_id: 11, unit_id: 3, count: 5 }, today, &people()).unwrap();
        assert_eq!((mine.recipients.clone(), mine.units.clone()), (vec![11], vec![]), "a person's count goes to them alone");
        assert!(stale_reminder(&rules, &StaleTargets::Person { user_id: 99, unit_id: 3, count: 5 }, today, &people()).is_none(), "no stand-in for a personal count");
    }

    #[test]
    fn dispatch_reminder_opens_before_the_deadline() {
        let rules = ReminderRules::default();
        let m = MissingNotes { unit_id: 3, unit_name: "南郑区".into(), week: d("2026-11-23"), missing: 2, deadline: utc("2026-11-24T10:00:00Z") };
        assert!(dispatch_reminder(&rules, &m, 24, utc("2026-11-23T09:59:00Z"), &people()).is_none(), "window not yet open");
        let got = dispatch_reminder(&rules, &m, 24, utc("2026-11-23T10:00:00Z"), &people()).unwrap();
        assert_eq!(got.title, "周调度：南郑区 还有 2 个重点项目未报送本周进展");
        assert!(got.body.contains("11月24日 18:00 截止"), "{}", got.body);
        assert_eq!(got.recipients, vec![12], "heads by default");
        assert_eq!(got.key, "dispatch_note_due:unit:3:2026-11-23");
        let late = dispatch_reminder(&rules, &m, 24, utc("2026-11-25T01:00:00Z"), &people()).unwrap();
        assert!(late.body.contains("已超过截止时间"));
        let mut officers = rules;
        officers.dispatch_note_due.owner = true;
        assert_eq!(dispatch_reminder(&officers, &m, 24, utc("2026-11-24T01:00:00Z"), &people()).unwrap().recipients, vec![11, 12, 13]);
        assert!(dispatch_reminder(&ReminderRules::default(), &MissingNotes { missing: 0, ..m }, 24, utc("2026-11-24T01:00:00Z"), &people()).is_none());
    }

    #[test]
    fn digest_table() {
        let today = d("2026-11-27");
        assert_eq!(digest_reminder(1, &DigestCounts { unread: 3, ..Default::default() }, today), None, "nothing open, no digest");
        let c = DigestCounts { steps_due_today: 2, steps_overdue: 1, stale_targets: 5, stale_days: 30, unit_requests_overdue: Some(0), unit_notes_missing: Some(1), unread: 3, ..Default::default() };
        let got = digest_reminder(11, &c, today).unwrap();
        assert_eq!(got.title, "今日待办（2026年11月27日）");
        assert_eq!(got.body, "下一步：今天到期 2 条，已逾期 1 条\n目标企业：5 家超过 30 天未联系\n本周调度：1 个重点项目未报送进展\n另有 3 条未读通知");
        assert_eq!(got.key, "digest:user:11:2026-11-27");
        assert_eq!(got.recipients, vec![11]);
    }

    #[test]
    fn hours_and_days_are_china_time() {
        let rules = ReminderRules::default();
        assert!(!rules.in_hours(utc("2026-11-26T23:59:00Z")), "07:59 in Beijing");
        assert!(rules.in_hours(utc("2026-11-27T00:00:00Z")), "08:00 in Beijing");
        assert!(!rules.in_hours(utc("2026-11-27T14:00:00Z")), "22:00 in Beijing");
        assert_eq!(china_today(utc("2026-11-26T16:30:00Z")), d("2026-11-27"));
    }

    #[test]
    fn rules_round_trip_and_are_checked() {
        let rules = ReminderRules::default();
        assert_eq!(ReminderRules::parse(&rules.to_toml()).unwrap(), rules);
        let mut bad = rules.clone();
        bad.target_stale.days = 0;
        assert!(ReminderRules::parse(&bad.to_toml()).unwrap_err().contains("目标企业久未联系"));
        let mut hours = rules;
        hours.from_hour = 22;
        hours.until_hour = 8;
        assert!(hours.check().unwrap_err().contains("提醒时段"));
        assert!(ReminderRules::parse("from_hour = 8\nfoo = 1").unwrap_err().contains("foo"));
    }

    #[test]
    fn retry_schedule_then_give_up() {
        let cases = [(0, None), (1, Some(60)), (2, Some(300)), (3, Some(1800)), (4, Some(7200)), (5, Some(43200)), (6, None), (7, None)];
        for (attempts, wait) in cases {
            assert_eq!(retry_after(attempts), wait.map(Duration::seconds), "after {attempts} failures");
        }
    }

    #[test]
    fn channel_lists_and_keys() {
        assert_eq!(parse_rule_list(" next_step_due,digest,digest ").unwrap(), vec![Rule::NextStepDue, Rule::Digest]);
        assert!(parse_rule_list("next_step_due,weather").unwrap_err().contains("weather"));
        assert!(accepts("", Rule::RequestOverdue));
        assert!(accepts("digest,request_overdue", Rule::RequestOverdue));
        assert!(!accepts("digest", Rule::RequestOverdue));
        assert!(accepts("digest", Rule::Test), "a channel can always be tested");
        assert_eq!(dedup_key(Rule::NextStepOverdue, "follow_up", 123, d("2026-11-27")), "next_step_overdue:follow_up:123:2026-11-27");
    }

    #[test]
    fn webhook_addresses_table() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx", Ok(())),
            ("  https://oapi.dingtalk.com/robot/send?access_token=abc  ", Ok(())),
            ("HTTPS://oapi.dingtalk.com/robot/send?access_token=abc", Ok(())),
            ("http://127.0.0.1:8099/hook", Ok(())),
            ("http://localhost/hook", Ok(())),
            ("http://[::1]:9/hook", Ok(())),
            ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", Err("必须以 https:// 开头")),
            ("http://127.0.0.1.evil.example/hook", Err("必须以 https:// 开头")),
            ("http://localhost@evil.example/hook", Err("缺少服务器名")),
            ("qyapi.weixin.qq.com/cgi-bin/webhook/send", Err("应以 https:// 开头")),
            ("https://oapi.dingtalk.com/robot/send?access_token=a b", Err("不能有空格")),
            ("", Err("请填写")),
            ("https:///x", Err("缺少服务器名")),
            // Found by the fuzz target: an IPv6 address left open.
            ("http://[::1", Err("服务器名无效")),
            ("https://[::1/hook", Err("服务器名无效")),
        ];
        for (url, expected) in cases {
            match (check_webhook(url), expected) {
                (Ok(u), Ok(())) => assert_eq!(u, url.trim()),
                (Err(e), Err(part)) => assert!(e.contains(part), "{url}: {e}"),
                (got, _) => panic!("{url}: {got:?}"),
            }
        }
    }

    #[test]
    fn emails_and_secrets_table() {
        for ok in ["li.na@nanzheng.gov.cn", "zs+remind@163.com"] {
            assert_eq!(check_email(ok).unwrap(), ok);
        }
        for bad in ["li.na", "li na@x.cn", "@x.cn", "a@b", "a@b@c.cn", "a@.cn", "<a@b.cn>"] {
            assert!(check_email(bad).unwrap_err().contains("格式不正确"), "{bad}");
        }
        assert_eq!(check_secret("  ").unwrap(), "");
        assert!(check_secret("SECb1f5d0c3e7a9f2468ace").is_ok());
        assert!(check_secret("https://oapi.dingtalk.com/robot/send").unwrap_err().contains("SEC"));
        assert_eq!(mask_secret("SECb1f5d0c3e7a9f2468ace13579bdf0246"), "SEC…0246");
        assert_eq!(mask_secret("short"), "****");
        assert_eq!(mask_address(ChannelKind::Wecom, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa"), "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693…5aaa");
        assert_eq!(mask_address(ChannelKind::Email, "li.na@nanzheng.gov.cn"), "li.na@nanzheng.gov.cn");
    }

    #[test]
    fn codecs_match_their_standards() {
        // RFC 4648 §10.
        for (input, expected) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64(input.as_bytes()), expected);
        }
        // RFC 4231 test case 2, and the well-known pangram vector.
        assert_eq!(hex::encode(hmac_sha256(b"Jefe", b"what do ya want for nothing?")), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assert_eq!(hex::encode(hmac_sha256(b"key", b"The quick brown fox jumps over the lazy dog")), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        // A key longer than the block is hashed first (RFC 4231 test case 6).
        assert_eq!(hex::encode(hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First")), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        assert_eq!(url_encode("a+b/c=d ~中"), "a%2Bb%2Fc%3Dd%20~%E4%B8%AD");
    }

    #[test]
    fn dingtalk_signature_matches_a_hand_computed_vector() {
        // Computed independently with Python's hmac/base64/urllib.parse.quote_plus, as in
        // DingTalk's own example code.
        let secret = "SECb1f5d0c3e7a9f2468ace13579bdf02468ace13579bdf02468ace13579bdf0246";
        assert_eq!(dingtalk_sign(secret, 1_795_747_800_000), "doSv5olciZ%2FXTRlaf55IuJoCbDNOursU1HpWvrTiAUQ%3D");
        assert_eq!(dingtalk_sign(secret, 1_795_747_800_001), "jWsBQTMc43%2FY%2F%2Frl8fsBF4%2FO92EGN%2B05zX0g%2B1euzss%3D");
        assert_eq!(
            dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", secret, 1_795_747_800_000),
            "https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1795747800000&sign=doSv5olciZ%2FXTRlaf55IuJoCbDNOursU1HpWvrTiAUQ%3D"
        );
        assert_eq!(dingtalk_url("https://oapi.dingtalk.com/robot/send?access_token=abc", "", 1), "https://oapi.dingtalk.com/robot/send?access_token=abc");
    }

    #[test]
    fn payloads_have_the_documented_shapes() {
        let wecom = wecom_markdown("下一步今天到期：秦岭航空", "下一步：送地价表\n期限：2026-11-27", Some("https://zs.example.gov.cn/targets/7"));
        assert_eq!(wecom["msgtype"], "markdown");
        assert_eq!(wecom["markdown"]["content"], "**下一步今天到期：秦岭航空**\n> 下一步：送地价表\n> 期限：2026-11-27\n[在系统中查看](https://zs.example.gov.cn/targets/7)");
        assert_eq!(wecom.as_object().unwrap().len(), 2);
        let ding = dingtalk_markdown("下一步今天到期：秦岭航空", "下一步：送地价表", None);
        assert_eq!(ding["msgtype"], "markdown");
        assert_eq!(ding["markdown"]["title"], "下一步今天到期：秦岭航空");
        assert_eq!(ding["markdown"]["text"], "#### 下一步今天到期：秦岭航空\n\n> 下一步：送地价表");
        // Users' text cannot link, mention or shout.
        let sneaky = wecom_markdown("标题", "[点我](http://evil) <@all> **大**", None);
        assert_eq!(sneaky["markdown"]["content"], "**标题**\n> ［点我］(http://evil) ＜@all＞ ＊＊大＊＊");
        // WeCom's 4096-byte limit, cut on a character boundary.
        let long = wecom_markdown("长", &"汉".repeat(3000), None);
        let content = long["markdown"]["content"].as_str().unwrap();
        assert!(content.len() <= 4096 && content.ends_with('…'));
        assert_eq!(robot_reply(200, r#"{"errcode":0,"errmsg":"ok"}"#), Ok(()));
        assert!(robot_reply(200, r#"{"errcode":310000,"errmsg":"sign not match"}"#).unwrap_err().contains("310000"));
        assert!(robot_reply(502, "bad gateway").unwrap_err().contains("HTTP 502"));
        let (subject, text) = email_text("今日待办", "下一步：今天到期 2 条", Some("https://zs.example.gov.cn/"));
        assert_eq!(subject, "【招商提醒】今日待办");
        assert!(text.contains("下一步：今天到期 2 条") && text.contains("https://zs.example.gov.cn/"));
        assert_eq!(absolute_link("https://zs.example.gov.cn/", "/targets/7").as_deref(), Some("https://zs.example.gov.cn/targets/7"));
        assert_eq!(absolute_link("", "/targets/7"), None);
    }
}
