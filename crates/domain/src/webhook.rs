//! Outgoing webhooks: the events other systems may subscribe to and the audit entries they come
//! from, who may receive one, the signature a receiver checks, the retry schedule, and the checks
//! of what a subscriber types in (address, events, description).

use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Access, Actor, Owner};
use crate::dispatch::china;
use crate::notify::hmac_sha256;
use crate::role::Role;

coded!(
    /// What a subscriber can be told about.
    EventType {
        ProjectCreated = "project.created", "新建项目";
        ProjectStageChanged = "project.stage_changed", "项目阶段推进";
        ProjectVerified = "project.verified", "项目通过实地核查";
        RequestCreated = "request.created", "新的企业诉求";
        RequestUpdated = "request.updated", "企业诉求办理进展";
        RequestOverdue = "request.overdue", "企业诉求超过办理期限";
        AssessmentPublished = "assessment.published", "考核结果发布";
        FollowUpCreated = "follow_up.created", "新的对接记录";
        TargetCreated = "target.created", "新的目标企业";
        Ping = "ping", "测试推送";
    }
);

/// The audit entries (action, entity) that are events, with outcome "ok". A rejected site check
/// is audited with outcome "rejected", so only passed checks become `project.verified`.
const AUDIT_SOURCES: [(&str, &str, EventType); 9] = [
    ("create", "project", EventType::ProjectCreated),
    ("advance", "project", EventType::ProjectStageChanged),
    ("verify", "project", EventType::ProjectVerified),
    ("create", "request", EventType::RequestCreated),
    ("update", "request", EventType::RequestUpdated),
    // Sending a request up a level is progress on it too.
    ("escalate", "request", EventType::RequestUpdated),
    ("publish", "assessment_run", EventType::AssessmentPublished),
    ("create", "follow_up", EventType::FollowUpCreated),
    ("create", "target", EventType::TargetCreated),
];

impl EventType {
    /// The events a subscription can choose (all but the test message, which always goes).
    pub fn subscribable() -> Vec<EventType> {
        EventType::ALL.iter().copied().filter(|e| *e != EventType::Ping).collect()
    }

    /// The event an audit entry stands for, if any.
    pub fn from_audit(action: &str, entity: &str) -> Option<EventType> {
        AUDIT_SOURCES.iter().find(|(a, e, _)| *a == action && *e == entity).map(|(_, _, t)| *t)
    }

    /// Every (action, entity) pair that is an event, for the query over the audit log.
    pub fn audit_sources() -> Vec<(&'static str, &'static str)> {
        AUDIT_SOURCES.iter().map(|(a, e, _)| (*a, *e)).collect()
    }
}

/// A subscription's events as typed in (codes); at least one, the test message excluded.
pub fn parse_events(codes: &[String]) -> Result<Vec<EventType>, String> {
    let mut events = Vec::new();
    for code in codes.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        let event = EventType::parse(code).filter(|e| *e != EventType::Ping).ok_or_else(|| format!("未知的事件类型「{code}」"))?;
        if !events.contains(&event) {
            events.push(event);
        }
    }
    if events.is_empty() {
        return Err("请至少选择一种要推送的事件".into());
    }
    events.sort();
    Ok(events)
}

/// Events as stored: comma-separated codes.
pub fn event_list(events: &[EventType]) -> String {
    events.iter().map(|e| e.code()).collect::<Vec<_>>().join(",")
}

/// Events as stored, read back; unknown codes (an event since retired) are skipped.
pub fn stored_events(text: &str) -> Vec<EventType> {
    text.split(',').filter_map(EventType::parse).collect()
}

/// Whether a subscription with `events` (as stored) takes `event`. The test message always goes.
pub fn accepts(events: &str, event: EventType) -> bool {
    event == EventType::Ping || events.split(',').any(|c| c.trim() == event.code())
}

/// The key that makes an event go to a subscription once, however often the log is read again.
pub fn audit_key(audit_id: i64) -> String {
    format!("audit:{audit_id}")
}

pub fn overdue_key(request_id: i64) -> String {
    format!("request_overdue:{request_id}")
}

// -- Who receives --------------------------------------------------------------------------------

/// Whose the record behind an event is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Audience {
    /// Those who may read a record owned as any of these says (`Actor::may_any`).
    Owners(Vec<Owner>),
    /// Every signed-in user (a published assessment: every user sees the rankings).
    Everyone,
}

/// The person behind a subscription, as their account stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub actor: Actor,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
}

/// What an account's state means for its deliveries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Send,
    /// Locked for a while after failed sign-ins: nothing goes out until the lock ends, then the
    /// deliveries follow (else anyone could silence a subscription by mistyping its owner's password).
    WaitUntil(DateTime<Utc>),
    /// Switched off, or locked by an administrator: nothing is delivered, now or later.
    Stopped(&'static str),
}

/// A lock longer than this is an administrator's, not the sign-in throttle's.
pub const LONGEST_PASSING_LOCK_HOURS: i64 = 24;

impl Subscriber {
    pub fn standing(&self, now: DateTime<Utc>) -> Standing {
        if !self.active {
            return Standing::Stopped("订阅人账号已停用，未推送");
        }
        match self.locked_until {
            Some(until) if until > now + Duration::hours(LONGEST_PASSING_LOCK_HOURS) => Standing::Stopped("订阅人账号已被锁定，未推送"),
            Some(until) if until > now => Standing::WaitUntil(until),
            _ => Standing::Send,
        }
    }
}

/// Whether a subscriber is told about a record: the same decision the pages make on reading it.
pub fn may_receive(subscriber: &Subscriber, audience: &Audience, now: DateTime<Utc>) -> bool {
    if matches!(subscriber.standing(now), Standing::Stopped(_)) {
        return false;
    }
    match audience {
        Audience::Everyone => true,
        Audience::Owners(owners) => subscriber.actor.may_any(Access::Read, owners).is_ok(),
    }
}

/// Whether a confidential project's real name may go to this actor: the bureau and admins, and
/// the units taking part in the project (as the project page decides); others get the codename.
pub fn sees_real_name(actor: &Actor, project_units: &[i64]) -> bool {
    actor.has(Role::Admin) || actor.has(Role::Bureau) || project_units.contains(&actor.unit_id)
}

// -- What is sent ----------------------------------------------------------------------------------

/// The body of a delivery: `{"id", "type", "occurred_at", "data"}`; `id` is the event key, the
/// same for every subscriber and every retry, so a receiver can drop a repeat.
pub fn payload(id: &str, event: EventType, occurred_at: DateTime<Utc>, data: serde_json::Value) -> String {
    #[derive(Serialize)]
    struct Body<'a> {
        id: &'a str,
        #[serde(rename = "type")]
        kind: &'a str,
        occurred_at: String,
        data: serde_json::Value,
    }
    let body = Body { id, kind: event.code(), occurred_at: occurred_at.to_rfc3339_opts(SecondsFormat::Secs, true), data };
    serde_json::to_string(&body).unwrap_or_default()
}

/// When a request counts as overdue: the start of the day after its deadline, in China.
pub fn overdue_since(deadline: NaiveDate) -> DateTime<Utc> {
    let next = deadline.succ_opt().unwrap_or(deadline).and_hms_opt(0, 0, 0).unwrap_or_default();
    china().from_local_datetime(&next).single().map_or_else(|| next.and_utc(), |t| t.with_timezone(&Utc))
}

/// An amount in hundredths of 万元 as a plain decimal for machines: 123456 → "1234.56".
pub fn wan_decimal(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

// -- Signature -----------------------------------------------------------------------------------

pub const SIGNATURE_HEADER: &str = "X-Zhaoshang-Signature";
pub const EVENT_HEADER: &str = "X-Zhaoshang-Event";
pub const DELIVERY_HEADER: &str = "X-Zhaoshang-Delivery";

/// The signature header's value: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
/// The time is inside what is signed, so a captured request cannot be replayed much later.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mac = hmac_sha256(secret.as_bytes(), format!("{timestamp}.{body}").as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac))
}

/// A receiver's check, as docs/webhooks.md describes it: the signature matches and its time is
/// within `tolerance_seconds` of `now`.
pub fn verify(secret: &str, header: &str, body: &str, now: i64, tolerance_seconds: i64) -> Result<(), String> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => timestamp = v.parse::<i64>().ok(),
            Some(("v1", v)) => signatures.push(v.to_string()),
            _ => {}
        }
    }
    let timestamp = timestamp.ok_or("签名缺少时间 t")?;
    if now.abs_diff(timestamp) > tolerance_seconds.unsigned_abs() {
        return Err(format!("签名时间与当前相差超过 {tolerance_seconds} 秒"));
    }
    let expected = signature(secret, timestamp, body);
    let expected = expected.rsplit("v1=").next().unwrap_or_default();
    let same = |s: &String| s.len() == expected.len() && s.bytes().zip(expected.bytes()).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0;
    if signatures.iter().any(same) { Ok(()) } else { Err("签名不符".into()) }
}

// -- Retries -------------------------------------------------------------------------------------

/// Waits after the 1st, 2nd… failed attempt: 1 min, 5 min, 30 min, 2 h, 6 h, 24 h; the seventh
/// failure gives the delivery up (about a day and a half after the event).
pub const RETRY_SCHEDULE: [i64; 6] = [60, 5 * 60, 30 * 60, 2 * 3600, 6 * 3600, 24 * 3600];

/// How long to wait after `attempts` failed attempts, or `None` to give up.
pub fn retry_after(attempts: i32) -> Option<Duration> {
    let index = usize::try_from(attempts.checked_sub(1)?).ok()?;
    RETRY_SCHEDULE.get(index).map(|s| Duration::seconds(*s))
}

// -- What a subscriber types in -----------------------------------------------------------------

pub const MAX_URL_CHARS: usize = 1000;
pub const MAX_DESCRIPTION_CHARS: usize = 200;

/// The receiving address: http or https, with a host and without user name or password.
pub fn check_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    if url.is_empty() {
        return Err("请填写接收推送的地址，如 https://example.gov.cn/hooks/zhaoshang".into());
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(format!("推送地址过长（最多 {MAX_URL_CHARS} 个字符）"));
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("推送地址中不能有空格或换行".into());
    }
    let lower = url.to_ascii_lowercase();
    let Some(rest) = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://")) else {
        return Err("推送地址必须以 http:// 或 https:// 开头，如 https://example.gov.cn/hooks/zhaoshang".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err("推送地址中不能含用户名或密码（@ 之前的部分）；请让接收方改用签名验证".into());
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((host, tail)) => (host, tail.strip_prefix(':')),
            None => ("", None),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if host.is_empty() {
        return Err("推送地址缺少服务器名，如 https://example.gov.cn/hooks/zhaoshang".into());
    }
    if let Some(port) = port.filter(|p| !p.parse::<u16>().is_ok_and(|p| p != 0)) {
        return Err(format!("推送地址的端口「{port}」无效，应为 1–65535"));
    }
    if url.contains('#') {
        return Err("推送地址中不能有 # 及其后的部分".into());
    }
    Ok(url.to_string())
}

/// The address as the audit log and lists keep it: without its query, which may carry a key.
pub fn redact_url(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

pub fn check_description(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(format!("说明最长 {MAX_DESCRIPTION_CHARS} 个字"));
    }
    Ok(text.to_string())
}

/// What a delivery's receiver answered, for the log: a short error when it is not a success.
pub fn reply_error(status: u16) -> Option<String> {
    match status {
        200..=299 => None,
        300..=399 => Some(format!("HTTP {status}：接收方要求跳转，推送不跟随跳转，请填写最终地址")),
        _ => Some(format!("HTTP {status}")),
    }
}

/// Text cut to `max` characters, for the delivery log.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max { text.to_string() } else { format!("{}…", text.chars().take(max).collect::<String>()) }
}

/// What a delivery log entry says about its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryState {
    Pending,
    Retrying,
    Delivered,
    Failed,
    Cancelled,
}

impl DeliveryState {
    pub fn of(status: &str, attempts: i32) -> DeliveryState {
        match status {
            "delivered" => DeliveryState::Delivered,
            "failed" => DeliveryState::Failed,
            "cancelled" => DeliveryState::Cancelled,
            _ if attempts > 0 => DeliveryState::Retrying,
            _ => DeliveryState::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DeliveryState::Pending => "待推送",
            DeliveryState::Retrying => "重试中",
            DeliveryState::Delivered => "已送达",
            DeliveryState::Failed => "已放弃",
            DeliveryState::Cancelled => "已取消",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audit_mapping_table() {
        // (action, entity, event): each row an entry of the audit log a bureau officer would know.
        let cases: &[(&str, &str, Option<EventType>)] = &[
            ("create", "project", Some(EventType::ProjectCreated)),
            ("advance", "project", Some(EventType::ProjectStageChanged)),
            ("verify", "project", Some(EventType::ProjectVerified)),
            ("create", "request", Some(EventType::RequestCreated)),
            ("update", "request", Some(EventType::RequestUpdated)),
            ("escalate", "request", Some(EventType::RequestUpdated)),
            ("publish", "assessment_run", Some(EventType::AssessmentPublished)),
            ("create", "follow_up", Some(EventType::FollowUpCreated)),
            ("create", "target", Some(EventType::TargetCreated)),
            // Not events: edits, sign-ins, denials of anything.
            ("update", "project", None),
            ("suspend", "project", None),
            ("update", "target", None),
            ("update", "follow_up", None),
            ("login", "session", None),
            ("read", "project", None),
            ("create", "webhook_subscription", None),
        ];
        for (action, entity, event) in cases {
            assert_eq!(EventType::from_audit(action, entity), *event, "{action} {entity}");
        }
        // Every subscribable event but the overdue request (worked out, not audited) has a source.
        for event in EventType::subscribable() {
            let sourced = EventType::audit_sources().iter().any(|(a, e)| EventType::from_audit(a, e) == Some(event));
            assert_eq!(sourced, event != EventType::RequestOverdue, "{event:?}");
        }
        assert!(!EventType::subscribable().contains(&EventType::Ping));
    }

    #[test]
    fn event_lists_table() {
        let codes = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let cases: &[(&[&str], Result<&str, &str>)] = &[
            (&["project.stage_changed"], Ok("project.stage_changed")),
            (&["request.overdue", "project.created", "request.overdue"], Ok("project.created,request.overdue")),
            (&[], Err("请至少选择一种要推送的事件")),
            (&["", " "], Err("请至少选择一种要推送的事件")),
            (&["ping"], Err("未知的事件类型「ping」")),
            (&["project.deleted"], Err("未知的事件类型「project.deleted」")),
        ];
        for (input, expected) in cases {
            let got = parse_events(&codes(input)).map(|e| event_list(&e));
            assert_eq!(got.as_deref().map_err(String::as_str), *expected, "{input:?}");
        }
        assert!(accepts("project.created,request.overdue", EventType::RequestOverdue));
        assert!(!accepts("project.created", EventType::ProjectStageChanged));
        assert!(accepts("", EventType::Ping), "the test message always goes");
        assert_eq!(stored_events("project.created,gone.away,target.created"), vec![EventType::ProjectCreated, EventType::TargetCreated]);
    }

    #[test]
    fn signature_matches_an_independent_computation() {
        // Computed with Python's hmac module: hmac.new(key, msg, hashlib.sha256).hexdigest().
        assert_eq!(hex::encode(hmac_sha256(b"key", b"The quick brown fox jumps over the lazy dog")), "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
        let body = r#"{"id":"audit:42","type":"project.stage_changed","occurred_at":"2026-11-27T02:30:00Z","data":{"id":7,"stage":"signed","stage_label":"签约"}}"#;
        let secret = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";
        let header = signature(secret, 1_796_178_600, body);
        assert_eq!(header, "t=1796178600,v1=3e450cb211fd6417ed6aa680f5091e58febf882296af3b96aedb8b06b221f088");
        // (header, body, now, accepted): what a receiver's check says.
        let cases: &[(&str, &str, i64, bool)] = &[
            (&header, body, 1_796_178_600, true),
            (&header, body, 1_796_178_600 + 299, true),
            (&header, body, 1_796_178_600 + 301, false),
            (&header, &body.replace("signed", "started"), 1_796_178_600, false),
            (&header.replace("t=1796178600", "t=1796178601"), body, 1_796_178_600, false),
            ("v1=3e450cb211fd6417ed6aa680f5091e58febf882296af3b96aedb8b06b221f088", body, 1_796_178_600, false),
            ("t=1796178600", body, 1_796_178_600, false),
        ];
        for (header, body, now, accepted) in cases {
            assert_eq!(verify(secret, header, body, *now, 300).is_ok(), *accepted, "{header} at {now}");
        }
        assert!(verify("another-secret", &header, body, 1_796_178_600, 300).is_err());
    }

    #[test]
    fn retry_schedule_table() {
        let cases: &[(i32, Option<i64>)] = &[(0, None), (1, Some(60)), (2, Some(300)), (3, Some(1800)), (4, Some(7200)), (5, Some(21600)), (6, Some(86400)), (7, None), (100, None), (-1, None)];
        for (attempts, wait) in cases {
            assert_eq!(retry_after(*attempts), wait.map(Duration::seconds), "after {attempts} attempts");
        }
        let total: i64 = RETRY_SCHEDULE.iter().sum();
        assert_eq!(total, 32 * 3600 + 36 * 60, "given up about a day and a half after the event");
    }

    #[test]
    fn url_table() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("https://example.gov.cn/hooks/zhaoshang", Ok("https://example.gov.cn/hooks/zhaoshang")),
            ("  http://10.1.2.3:8080/zs?token=abc  ", Ok("http://10.1.2.3:8080/zs?token=abc")),
            ("HTTPS://Example.gov.cn", Ok("HTTPS://Example.gov.cn")),
            ("http://[::1]:9000/hook", Ok("http://[::1]:9000/hook")),
            ("", Err("请填写接收推送的地址")),
            ("ftp://example.gov.cn/x", Err("推送地址必须以 http:// 或 https:// 开头")),
            ("javascript:alert(1)", Err("推送地址必须以 http:// 或 https:// 开头")),
            ("example.gov.cn/hook", Err("推送地址必须以 http:// 或 https:// 开头")),
            ("https://", Err("推送地址缺少服务器名")),
            ("https:///path", Err("推送地址缺少服务器名")),
            ("https://user:pw@example.gov.cn/", Err("不能含用户名或密码")),
            ("https://example.gov.cn:99999/", Err("端口「99999」无效")),
            ("https://example.gov.cn:0/", Err("端口「0」无效")),
            ("https://example.gov.cn/a b", Err("不能有空格")),
            ("https://example.gov.cn/#frag", Err("不能有 #")),
        ];
        for (input, expected) in cases {
            match (check_url(input), expected) {
                (Ok(got), Ok(want)) => assert_eq!(got, *want, "{input}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{input}: {got}"),
                (got, want) => panic!("{input}: got {got:?}, wanted {want:?}"),
            }
        }
        assert_eq!(redact_url("https://a.gov.cn/h?key=secret"), "https://a.gov.cn/h?…");
        assert_eq!(redact_url("https://a.gov.cn/h"), "https://a.gov.cn/h");
    }

    #[test]
    fn who_receives_table() {
        const OWN: i64 = 3;
        const OTHER: i64 = 4;
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 2, 0, 0).unwrap();
        let sub = |roles: &[Role]| Subscriber { actor: Actor { user_id: 1, unit_id: OWN, roles: roles.to_vec() }, active: true, locked_until: None };
        let own = Audience::Owners(vec![Owner::unit(OWN)]);
        let other = Audience::Owners(vec![Owner::unit(OTHER)]);
        let shared = Audience::Owners(vec![Owner::unit(OTHER), Owner::unit(OWN)]);
        let in_my_chain = Audience::Owners(vec![Owner { unit_id: OTHER, chain_lead_unit_id: Some(OWN) }]);
        let locked = Subscriber { locked_until: Some(now + Duration::days(3650)), ..sub(&[Role::Officer]) };
        let throttled = Subscriber { locked_until: Some(now + Duration::minutes(30)), ..sub(&[Role::Officer]) };
        let lock_over = Subscriber { locked_until: Some(now - Duration::minutes(1)), ..sub(&[Role::Officer]) };
        let inactive = Subscriber { active: false, ..sub(&[Role::Admin]) };
        let cases: Vec<(&str, Subscriber, &Audience, bool)> = vec![
            ("officer, own unit's project", sub(&[Role::Officer]), &own, true),
            ("officer, another unit's project", sub(&[Role::Officer]), &other, false),
            ("officer, project brought by another unit but landing here", sub(&[Role::Officer]), &shared, true),
            ("bureau, any unit's", sub(&[Role::Bureau]), &other, true),
            ("leader reads everything", sub(&[Role::Leader]), &other, true),
            ("chain department, a target on its chain", sub(&[Role::Department]), &in_my_chain, true),
            ("officer, not a department", sub(&[Role::Officer]), &in_my_chain, false),
            ("no roles", sub(&[]), &own, false),
            ("a published assessment goes to every user", sub(&[Role::Viewer]), &Audience::Everyone, true),
            ("account locked by an administrator", locked.clone(), &own, false),
            ("locked account, assessment", locked.clone(), &Audience::Everyone, false),
            ("locked for half an hour after wrong passwords: queued, sent later", throttled.clone(), &own, true),
            ("lock expired", lock_over, &own, true),
            ("switched-off admin", inactive, &Audience::Everyone, false),
        ];
        for (case, subscriber, audience, expected) in cases {
            assert_eq!(may_receive(&subscriber, audience, now), expected, "{case}");
        }
        assert_eq!(locked.standing(now), Standing::Stopped("订阅人账号已被锁定，未推送"));
        assert_eq!(throttled.standing(now), Standing::WaitUntil(now + Duration::minutes(30)));
        assert_eq!(sub(&[Role::Admin]).standing(now), Standing::Send);
        let officer = Actor { user_id: 1, unit_id: OWN, roles: vec![Role::Officer] };
        assert!(sees_real_name(&officer, &[OTHER, OWN]));
        assert!(!sees_real_name(&officer, &[OTHER]));
        assert!(sees_real_name(&Actor { roles: vec![Role::Bureau], ..officer.clone() }, &[OTHER]));
        assert!(!sees_real_name(&Actor { roles: vec![Role::Leader], ..officer }, &[OTHER]), "leaders read codenames, as on the pages");
    }

    #[test]
    fn payload_and_small_helpers() {
        let at = Utc.with_ymd_and_hms(2026, 11, 27, 2, 30, 0).unwrap();
        let body = payload("audit:42", EventType::ProjectStageChanged, at, serde_json::json!({"id": 7}));
        assert_eq!(body, r#"{"id":"audit:42","type":"project.stage_changed","occurred_at":"2026-11-27T02:30:00Z","data":{"id":7}}"#);
        // Overdue from midnight after the deadline, Beijing time.
        assert_eq!(overdue_since(NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()), Utc.with_ymd_and_hms(2026, 11, 27, 16, 0, 0).unwrap());
        for (hundredths, text) in [(0, "0.00"), (5, "0.05"), (123_456, "1234.56"), (-250, "-2.50")] {
            assert_eq!(wan_decimal(hundredths), text);
        }
        for (status, error) in [(200, None), (204, None), (301, Some("跳转")), (404, Some("HTTP 404")), (500, Some("HTTP 500"))] {
            let got = reply_error(status);
            assert_eq!(got.is_some(), error.is_some(), "{status}");
            if let (Some(got), Some(want)) = (got, error) {
                assert!(got.contains(want), "{status}: {got}");
            }
        }
        assert_eq!(truncate("一二三四五", 3), "一二三…");
        assert_eq!(DeliveryState::of("pending", 0), DeliveryState::Pending);
        assert_eq!(DeliveryState::of("pending", 2).label(), "重试中");
        assert_eq!(DeliveryState::of("delivered", 1).label(), "已送达");
        assert_eq!(check_description(&"长".repeat(201)).unwrap_err(), "说明最长 200 个字");
    }
}
