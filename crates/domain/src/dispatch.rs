//! The weekly dispatch (周调度): which week a day belongs to, when a unit's notes are due, which
//! projects are key and need a note, and whether a unit reported on time.

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::project::{HealthLevel, Stage, State};

/// China Standard Time; deadlines such as 「周二 18:00」 are local time (no daylight saving).
pub fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset is valid"))
}

/// The Monday of the week `day` falls in: weeks are named by their Monday.
pub fn week_of(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The week being reported now, in China's time.
pub fn current_week(now: DateTime<Utc>) -> NaiveDate {
    week_of(now.with_timezone(&china()).date_naive())
}

/// A week given as any of its days ("2026-11-25") or empty for the current one.
pub fn parse_week(text: &str, now: DateTime<Utc>) -> Result<NaiveDate, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(current_week(now));
    }
    let day = crate::dates::parse_date(text).map_err(|_| format!("周次「{text}」无法识别，请写这一周中的任一天，如 2026-11-23"))?;
    Ok(week_of(day))
}

/// The dispatch settings; stored as TOML like the other rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DispatchRules {
    /// Day of the week notes are due, 1 = Monday … 7 = Sunday.
    pub deadline_weekday: u32,
    /// Hour (local time) on that day by which notes are due.
    pub deadline_hour: u32,
    /// A project with at least this total investment (hundredths of 万元) is key.
    pub key_min_wan: i64,
    /// Hours before the deadline when a unit that has not reported is reminded.
    pub remind_hours_before: i64,
}

impl Default for DispatchRules {
    fn default() -> Self {
        DispatchRules { deadline_weekday: 2, deadline_hour: 18, key_min_wan: 1_000_000, remind_hours_before: 24 }
    }
}

impl DispatchRules {
    pub fn parse(text: &str) -> Result<DispatchRules, String> {
        let rules: DispatchRules = toml::from_str(text).map_err(|e| format!("调度设置格式有误：{}", e.message()))?;
        if !(1..=7).contains(&rules.deadline_weekday) {
            return Err("报送截止日应为周一到周日（1–7）".into());
        }
        if rules.deadline_hour > 23 {
            return Err("报送截止时间应为 0–23 点".into());
        }
        if rules.key_min_wan < 0 {
            return Err("重点项目投资门槛不能为负数".into());
        }
        if !(0..=168).contains(&rules.remind_hours_before) {
            return Err("提前提醒的小时数应在 0–168 之间".into());
        }
        Ok(rules)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// When notes for `week` are due, as an instant.
    pub fn deadline(&self, week: NaiveDate) -> DateTime<Utc> {
        let day = week + Duration::days(i64::from(self.deadline_weekday.clamp(1, 7)) - 1);
        let at = day.and_time(NaiveTime::from_hms_opt(self.deadline_hour.min(23), 0, 0).unwrap_or_default());
        china().from_local_datetime(&at).single().map_or_else(|| at.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// 「周二 18:00」
    pub fn deadline_text(&self) -> String {
        let day = ["一", "二", "三", "四", "五", "六", "日"][usize::try_from(self.deadline_weekday.clamp(1, 7) - 1).unwrap_or(0)];
        format!("周{day} {:02}:00", self.deadline_hour)
    }

    /// Whether a project needs a weekly note, and why: active, between talks and operation, and
    /// either large or red in the health check.
    pub fn key_reason(&self, stage: Stage, state: State, total_wan: i64, health: HealthLevel) -> Option<String> {
        if state != State::Active || !(Stage::Negotiating..=Stage::Operating).contains(&stage) {
            return None;
        }
        if total_wan >= self.key_min_wan {
            return Some(format!("总投资达到 {} 万元", crate::money::format_wan(self.key_min_wan)));
        }
        if health == HealthLevel::Red {
            return Some("项目体检为红色".into());
        }
        None
    }
}

/// Where a key project's weekly note stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoteStatus {
    OnTime,
    /// Written after the deadline.
    Late,
    /// Not written, and the deadline has passed.
    Missing,
    /// Not written yet, before the deadline.
    Due,
}

impl NoteStatus {
    pub fn of(submitted: Option<DateTime<Utc>>, deadline: DateTime<Utc>, now: DateTime<Utc>) -> NoteStatus {
        match submitted {
            Some(at) if at <= deadline => NoteStatus::OnTime,
            Some(_) => NoteStatus::Late,
            None if now > deadline => NoteStatus::Missing,
            None => NoteStatus::Due,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NoteStatus::OnTime => "按时报送",
            NoteStatus::Late => "逾期报送",
            NoteStatus::Missing => "未报送",
            NoteStatus::Due => "待报送",
        }
    }

    /// Whether this note makes the unit's week a late report (for the assessment).
    pub fn is_late(self) -> bool {
        matches!(self, NoteStatus::Late | NoteStatus::Missing)
    }
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

    #[test]
    fn weeks_are_named_by_their_monday() {
        let cases = [("2026-11-23", "2026-11-23"), ("2026-11-27", "2026-11-23"), ("2026-11-29", "2026-11-23"), ("2026-11-30", "2026-11-30"), ("2027-01-01", "2026-12-28")];
        for (day, monday) in cases {
            assert_eq!(week_of(d(day)), d(monday), "{day}");
        }
        // Sunday 23:00 in Beijing is already Monday's week only after midnight local time.
        assert_eq!(current_week(utc("2026-11-29T15:30:00Z")), d("2026-11-23"));
        assert_eq!(current_week(utc("2026-11-29T16:30:00Z")), d("2026-11-30"));
        assert_eq!(parse_week("2026年11月25日", utc("2026-01-01T00:00:00Z")), Ok(d("2026-11-23")));
        assert!(parse_week("下周", utc("2026-01-01T00:00:00Z")).unwrap_err().contains("无法识别"));
    }

    #[test]
    fn deadline_is_tuesday_18_beijing_by_default() {
        let rules = DispatchRules::default();
        assert_eq!(rules.deadline(d("2026-11-23")), utc("2026-11-24T10:00:00Z"));
        assert_eq!(rules.deadline_text(), "周二 18:00");
        let friday_noon = DispatchRules { deadline_weekday: 5, deadline_hour: 12, ..rules };
        assert_eq!(friday_noon.deadline(d("2026-11-23")), utc("2026-11-27T04:00:00Z"));
        assert_eq!(friday_noon.deadline_text(), "周五 12:00");
    }

    #[test]
    fn note_status_table() {
        let deadline = utc("2026-11-24T10:00:00Z");
        let before = utc("2026-11-24T09:59:59Z");
        let after = utc("2026-11-24T10:00:01Z");
        let cases = [
            (Some(before), after, NoteStatus::OnTime, false),
            (Some(deadline), after, NoteStatus::OnTime, false),
            (Some(after), after, NoteStatus::Late, true),
            (None, after, NoteStatus::Missing, true),
            (None, before, NoteStatus::Due, false),
        ];
        for (submitted, now, status, late) in cases {
            assert_eq!(NoteStatus::of(submitted, deadline, now), status, "{submitted:?} {now}");
            assert_eq!(status.is_late(), late);
        }
    }

    #[test]
    fn key_projects_table() {
        let rules = DispatchRules::default();
        use HealthLevel::*;
        let cases: &[(Stage, State, i64, HealthLevel, Option<&str>)] = &[
            (Stage::Signed, State::Active, 5_000_000, Green, Some("总投资达到 10,000 万元")),
            (Stage::Negotiating, State::Active, 1_000_000, Green, Some("总投资达到 10,000 万元")),
            (Stage::Started, State::Active, 300_000, Red, Some("项目体检为红色")),
            (Stage::Started, State::Active, 300_000, Amber, None),
            (Stage::Lead, State::Active, 9_000_000, Red, None),
            (Stage::InStatistics, State::Active, 9_000_000, Green, None),
            (Stage::Signed, State::Suspended, 9_000_000, Red, None),
            (Stage::Signed, State::Dropped, 9_000_000, Green, None),
        ];
        for (stage, state, total, health, reason) in cases {
            assert_eq!(rules.key_reason(*stage, *state, *total, *health).as_deref(), *reason, "{stage:?} {state:?} {total} {health:?}");
        }
    }

    #[test]
    fn rules_parse_and_refuse() {
        assert_eq!(DispatchRules::parse(&DispatchRules::default().to_toml()), Ok(DispatchRules::default()));
        let bad = [
            ("deadline_weekday = 8\ndeadline_hour = 18\nkey_min_wan = 0\nremind_hours_before = 24", "周一到周日"),
            ("deadline_weekday = 2\ndeadline_hour = 24\nkey_min_wan = 0\nremind_hours_before = 24", "0–23"),
            ("deadline_weekday = 2\ndeadline_hour = 18\nkey_min_wan = -1\nremind_hours_before = 24", "负数"),
            ("deadline_weekday = 2\ndeadline_hour = 18\nkey_min_wan = 0\nremind_hours_before = 200", "0–168"),
            ("deadline_weekday = 2", "格式有误"),
        ];
        for (text, message) in bad {
            assert!(DispatchRules::parse(text).unwrap_err().contains(message), "{text}");
        }
    }
}
