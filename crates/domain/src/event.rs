//! Promotion events (推介会, 路演, 招商周, 展会, 恳谈会, 集中签约): their kinds and states, the check of
//! what is typed in about one, and what an event produced afterwards — leads, signings, starts and
//! funds in place — counted by the same rule as every other figure (`project::counts`).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::project::{counts, Duplicate, Stage, State, Verification};

coded!(
    EventKind {
        Promotion = "promotion", "推介会";
        Roadshow = "roadshow", "路演";
        Week = "week", "招商周";
        Expo = "expo", "展会";
        Forum = "forum", "恳谈会";
        Signing = "signing", "集中签约";
        Other = "other", "其他";
    }
);

coded!(
    EventStatus {
        Planned = "planned", "筹备中";
        Held = "held", "已举办";
        Cancelled = "cancelled", "已取消";
    }
);

coded!(
    /// How a project is tied to an event: a lead made there, or signed there (集中签约). A project
    /// may be both.
    Relation {
        Lead = "lead", "活动线索";
        Signed = "signed", "现场签约";
    }
);

/// The longest event name, city and venue, in characters.
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_PLACE_CHARS: usize = 50;
pub const MAX_SUMMARY_CHARS: usize = 5000;
/// The longest event in days (a 招商周 or an expo of several weeks at most).
pub const MAX_DAYS: i64 = 62;

/// What a user types about an event, before it is saved.
#[derive(Debug, Clone)]
pub struct EventFacts<'a> {
    pub name: &'a str,
    pub city: &'a str,
    pub venue: &'a str,
    pub start_on: NaiveDate,
    pub end_on: NaiveDate,
    pub status: EventStatus,
    pub summary: &'a str,
}

/// Checks an event's facts; every problem in words a bureau officer uses.
pub fn check(f: &EventFacts, today: NaiveDate) -> Vec<String> {
    let mut errors = Vec::new();
    let (name, city) = (f.name.trim(), f.city.trim());
    if name.is_empty() {
        errors.push("请填写活动名称".to_string());
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(format!("活动名称最长 {MAX_NAME_CHARS} 字"));
    }
    if city.is_empty() {
        errors.push("请填写举办城市".to_string());
    } else if city.chars().count() > MAX_PLACE_CHARS {
        errors.push(format!("举办城市最长 {MAX_PLACE_CHARS} 字"));
    }
    if f.venue.trim().chars().count() > MAX_PLACE_CHARS * 2 {
        errors.push(format!("举办地点最长 {} 字", MAX_PLACE_CHARS * 2));
    }
    if f.summary.trim().chars().count() > MAX_SUMMARY_CHARS {
        errors.push(format!("活动情况最长 {MAX_SUMMARY_CHARS} 字"));
    }
    if !(2000..=2100).contains(&f.start_on.year()) || !(2000..=2100).contains(&f.end_on.year()) {
        errors.push("活动日期应在 2000 年到 2100 年之间".to_string());
    }
    if f.end_on < f.start_on {
        errors.push(format!("结束日期 {} 早于开始日期 {}", f.end_on, f.start_on));
    } else if (f.end_on - f.start_on).num_days() >= MAX_DAYS {
        errors.push(format!("活动最长 {MAX_DAYS} 天，请检查日期"));
    }
    if f.status == EventStatus::Held && f.start_on > today {
        errors.push(format!("活动 {} 才开始，还不能标为“已举办”", f.start_on));
    }
    errors
}

/// Whether an event still takes participants and projects.
pub fn accepts_changes(status: EventStatus) -> Result<(), String> {
    match status {
        EventStatus::Cancelled => Err("活动已取消，不能再添加参会企业或关联项目".into()),
        EventStatus::Planned | EventStatus::Held => Ok(()),
    }
}

/// One project linked to an event, as the effect rule needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedProject {
    pub project_id: i64,
    /// Linked as a lead made at the event.
    pub lead: bool,
    /// Linked as signed at the event (集中签约).
    pub signed_here: bool,
    pub stage: Stage,
    pub state: State,
    pub eligible: bool,
    pub duplicate: Duplicate,
    pub signed_verification: Verification,
    pub started_verification: Verification,
    /// Total investment, hundredths of 万元.
    pub total_hundredths: i64,
    /// Verified funds in place, hundredths of 万元.
    pub funds_hundredths: i64,
}

/// What one linked project adds to an event's effect, each step with the reason it does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contribution {
    /// Counts as a lead of the event: linked as a lead, and the project counts at all.
    pub lead: Result<(), String>,
    pub signed: Result<(), String>,
    pub started: Result<(), String>,
    /// Verified funds in place that count (0 when the project does not count).
    pub funds_hundredths: i64,
}

/// Whether a stage of a linked project counts: reached, and then `project::counts`.
fn stage_counts(p: &LinkedProject, stage: Stage, verification: Verification) -> Result<(), String> {
    if p.stage < stage {
        return Err(format!("尚未{}", stage.label()));
    }
    counts(verification, p.eligible, p.duplicate, p.state)
}

/// The effect rule for one project: a lead counts when the project counts at all (eligible, not a
/// pending or merged duplicate, not dropped); a signing or a start counts when reached and verified
/// on site; funds are the project's verified funds in place, when the project counts.
pub fn contribution(p: &LinkedProject) -> Contribution {
    let counted = counts(Verification::NotNeeded, p.eligible, p.duplicate, p.state);
    Contribution {
        lead: if p.lead { counted.clone() } else { Err("不是在本次活动中获得的线索".into()) },
        signed: stage_counts(p, Stage::Signed, p.signed_verification),
        started: stage_counts(p, Stage::Started, p.started_verification),
        funds_hundredths: if counted.is_ok() { p.funds_hundredths } else { 0 },
    }
}

/// What events produced: each project once, however many times it is linked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Effect {
    /// Projects linked, counted or not.
    pub projects: i64,
    /// Leads made at the events that count.
    pub leads: i64,
    /// Signings that count, of every linked project (leads that went on to sign, and projects signed at the events).
    pub signed: i64,
    /// Of those, projects signed at the events themselves (集中签约).
    pub signed_here: i64,
    /// Total investment of the signings that count, hundredths of 万元.
    pub signed_hundredths: i64,
    pub started: i64,
    /// Verified funds in place of the projects that count, hundredths of 万元.
    pub funds_hundredths: i64,
}

impl Effect {
    /// The effect of a set of linked projects; a project linked twice (as a lead and as signed,
    /// or to two events) counts once, with both ties.
    pub fn of(linked: &[LinkedProject]) -> Effect {
        let mut once: BTreeMap<i64, LinkedProject> = BTreeMap::new();
        for p in linked {
            once.entry(p.project_id)
                .and_modify(|seen| {
                    seen.lead |= p.lead;
                    seen.signed_here |= p.signed_here;
                })
                .or_insert_with(|| p.clone());
        }
        let mut e = Effect::default();
        for p in once.values() {
            let c = contribution(p);
            e.projects += 1;
            e.leads += i64::from(c.lead.is_ok());
            if c.signed.is_ok() {
                e.signed += 1;
                e.signed_here += i64::from(p.signed_here);
                e.signed_hundredths += p.total_hundredths;
            }
            e.started += i64::from(c.started.is_ok());
            e.funds_hundredths += c.funds_hundredths;
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn facts<'a>(name: &'a str, city: &'a str, start: &str, end: &str, status: EventStatus) -> EventFacts<'a> {
        EventFacts { name, city, venue: "", start_on: d(start), end_on: d(end), status, summary: "" }
    }

    #[test]
    fn event_check_table() {
        use EventStatus::*;
        let today = d("2026-06-10");
        let cases: &[(EventFacts, &[&str])] = &[
            (facts("2026丝博会汉中签约活动", "西安", "2026-05-20", "2026-05-24", Held), &[]),
            (facts("深圳电子信息产业推介会", "深圳", "2026-09-01", "2026-09-01", Planned), &[]),
            (facts("  ", "深圳", "2026-09-01", "2026-09-01", Planned), &["请填写活动名称"]),
            (facts("上海航空装备路演", "", "2026-09-01", "2026-09-01", Planned), &["请填写举办城市"]),
            (facts("汉中招商周", "汉中", "2026-09-05", "2026-09-01", Planned), &["结束日期 2026-09-01 早于开始日期 2026-09-05"]),
            (facts("长三角汉商恳谈会", "上海", "2026-07-01", "2026-07-02", Held), &["活动 2026-07-01 才开始，还不能标为“已举办”"]),
            (facts("取消的推介会", "成都", "2026-07-01", "2026-07-02", Cancelled), &[]),
            (facts("超长展会", "北京", "2026-01-01", "2026-04-01", Held), &["活动最长 62 天，请检查日期"]),
            (facts("", "", "1999-01-01", "1999-01-01", Planned), &["请填写活动名称", "请填写举办城市", "活动日期应在 2000 年到 2100 年之间"]),
        ];
        for (f, expected) in cases {
            assert_eq!(check(f, today), expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{f:?}");
        }
        let long = "展".repeat(MAX_NAME_CHARS + 1);
        assert_eq!(check(&facts(&long, "西安", "2026-05-20", "2026-05-20", Planned), today), vec!["活动名称最长 100 字".to_string()]);
    }

    #[test]
    fn cancelled_events_take_nothing_more() {
        assert!(accepts_changes(EventStatus::Planned).is_ok());
        assert!(accepts_changes(EventStatus::Held).is_ok());
        assert_eq!(accepts_changes(EventStatus::Cancelled), Err("活动已取消，不能再添加参会企业或关联项目".into()));
    }

    /// A verified, eligible project linked as a lead, at `stage`.
    fn linked(id: i64, stage: Stage) -> LinkedProject {
        LinkedProject {
            project_id: id,
            lead: true,
            signed_here: false,
            stage,
            state: State::Active,
            eligible: true,
            duplicate: Duplicate::None,
            signed_verification: if stage >= Stage::Signed { Verification::Approved } else { Verification::NotNeeded },
            started_verification: if stage >= Stage::Started { Verification::Approved } else { Verification::NotNeeded },
            total_hundredths: 5_000_000,
            funds_hundredths: 0,
        }
    }

    #[test]
    fn contribution_table() {
        let ok = || Ok(());
        let no = |why: &str| Err(why.to_string());
        // (case, project, lead, signed, started, funds)
        let cases: Vec<(&str, LinkedProject, Result<(), String>, Result<(), String>, Result<(), String>, i64)> = vec![
            ("新线索", linked(1, Stage::Lead), ok(), no("尚未签约"), no("尚未开工"), 0),
            ("在谈", linked(1, Stage::Negotiating), ok(), no("尚未签约"), no("尚未开工"), 0),
            ("签约已核查", linked(1, Stage::Signed), ok(), ok(), no("尚未开工"), 0),
            ("签约待核查", LinkedProject { signed_verification: Verification::Pending, ..linked(1, Stage::Signed) }, ok(), no("尚未实地核查"), no("尚未开工"), 0),
            ("签约核查未通过", LinkedProject { signed_verification: Verification::Rejected, ..linked(1, Stage::Signed) }, ok(), no("实地核查未通过"), no("尚未开工"), 0),
            ("开工已核查、资金到位", LinkedProject { funds_hundredths: 120_000, ..linked(1, Stage::Started) }, ok(), ok(), ok(), 120_000),
            ("开工待核查", LinkedProject { started_verification: Verification::Pending, ..linked(1, Stage::Started) }, ok(), ok(), no("尚未实地核查"), 0),
            ("投产后开工仍计入", linked(1, Stage::Operating), ok(), ok(), ok(), 0),
            ("未通过认定", LinkedProject { eligible: false, funds_hundredths: 50_000, ..linked(1, Stage::Started) }, no("未通过认定"), no("未通过认定"), no("未通过认定"), 0),
            ("疑似重复", LinkedProject { duplicate: Duplicate::Pending, ..linked(1, Stage::Signed) }, no("疑似与其他单位项目重复，待市局判定"), no("疑似与其他单位项目重复，待市局判定"), no("尚未开工"), 0),
            ("已合并", LinkedProject { duplicate: Duplicate::Merged, ..linked(1, Stage::Lead) }, no("已合并到另一个项目，由那个项目计数"), no("尚未签约"), no("尚未开工"), 0),
            ("已终止", LinkedProject { state: State::Dropped, funds_hundredths: 10_000, ..linked(1, Stage::Signed) }, no("项目已终止"), no("项目已终止"), no("尚未开工"), 0),
            ("暂停仍计入", LinkedProject { state: State::Suspended, ..linked(1, Stage::Signed) }, ok(), ok(), no("尚未开工"), 0),
            ("只是现场签约", LinkedProject { lead: false, signed_here: true, ..linked(1, Stage::Signed) }, no("不是在本次活动中获得的线索"), ok(), no("尚未开工"), 0),
        ];
        for (case, p, lead, signed, started, funds) in cases {
            let c = contribution(&p);
            assert_eq!(c, Contribution { lead, signed, started, funds_hundredths: funds }, "{case}");
        }
    }

    #[test]
    fn effect_counts_each_project_once() {
        let lead_signed_pending = LinkedProject { signed_verification: Verification::Pending, ..linked(2, Stage::Signed) };
        let at_ceremony = LinkedProject { lead: false, signed_here: true, funds_hundredths: 30_000, ..linked(3, Stage::Started) };
        let also_lead = LinkedProject { lead: true, signed_here: false, ..at_ceremony.clone() };
        let ineligible = LinkedProject { eligible: false, ..linked(4, Stage::Signed) };
        let linked = vec![linked(1, Stage::Lead), lead_signed_pending, at_ceremony, also_lead, ineligible];
        assert_eq!(
            Effect::of(&linked),
            Effect { projects: 4, leads: 3, signed: 1, signed_here: 1, signed_hundredths: 5_000_000, started: 1, funds_hundredths: 30_000 }
        );
        assert_eq!(Effect::of(&[]), Effect::default());
    }

    #[test]
    fn vocabularies() {
        assert_eq!(EventKind::parse("expo").map(EventKind::label), Some("展会"));
        assert_eq!(EventKind::parse_any("集中签约"), Some(EventKind::Signing));
        assert_eq!(EventKind::ALL.len(), 7);
        assert_eq!(EventStatus::parse("held").map(EventStatus::label), Some("已举办"));
        assert_eq!(Relation::parse("signed").map(Relation::label), Some("现场签约"));
        assert_eq!(Relation::parse("visit"), None);
    }
}
