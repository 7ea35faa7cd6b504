//! Projects from lead to statistics (DESIGN §5): the stage machine, what evidence a stage needs,
//! which stages the bureau verifies on site, eligibility (认定) as rule data, whether a project
//! counts in a figure, credit shares (飞地分成), duplicates, funds in place, investors' requests
//! and the health check (项目体检). Every rule explains its result in words a bureau officer uses.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

coded!(
    /// Where a project stands, in order.
    Stage {
        Lead = "lead", "线索";
        Negotiating = "negotiating", "在谈";
        Signed = "signed", "签约";
        Started = "started", "开工";
        Operating = "operating", "投产";
        InStatistics = "in_statistics", "入库纳统";
    }
);

coded!(
    /// Whether the project is moving: suspended projects keep their stage and return to it.
    State {
        Active = "active", "推进中";
        Suspended = "suspended", "暂停";
        Dropped = "dropped", "已终止";
    }
);

coded!(
    ProjectKind {
        New = "new", "新建";
        Expansion = "expansion", "扩建";
        Upgrade = "upgrade", "技术改造";
    }
);

coded!(
    /// How the lead reached the city.
    SourceChannel {
        Office = "office", "驻外招商";
        Business = "business", "以商招商";
        Event = "event", "活动招商";
        Intermediary = "intermediary", "中介招商";
        Native = "native", "汉商回归";
        ChainLeader = "chain_leader", "链主配套";
        Fund = "fund", "基金招商";
        Other = "other", "其他";
    }
);

coded!(
    ContractKind {
        Contract = "contract", "合同";
        Agreement = "agreement", "协议";
    }
);

coded!(
    /// The bureau's on-site check of one stage change.
    Verification {
        NotNeeded = "not_needed", "无需核查";
        Pending = "pending", "待核查";
        Approved = "approved", "核查通过";
        Rejected = "rejected", "核查未通过";
    }
);

coded!(
    /// A possible duplicate of another unit's project and the bureau's decision on it.
    Duplicate {
        None = "none", "无";
        Pending = "pending", "疑似重复待判定";
        KeepBoth = "keep_both", "判定不重复";
        Shared = "shared", "飞地分成";
        Merged = "merged", "已合并";
    }
);

coded!(
    FundsOrigin {
        OutOfProvince = "out_of_province", "省外";
        InProvince = "in_province", "省内市外";
        InCity = "in_city", "市内";
    }
);

coded!(
    FundsUse {
        Fixed = "fixed", "固定资产";
        Working = "working", "流动资金";
    }
);

coded!(
    RequestCategory {
        Land = "land", "土地";
        Planning = "planning", "规划";
        Environment = "environment", "环评";
        Energy = "energy", "能耗";
        Utilities = "utilities", "水电气";
        Finance = "finance", "融资";
        Labour = "labour", "用工";
        Approval = "approval", "审批";
        Other = "other", "其他";
    }
);

coded!(
    RequestStatus {
        Open = "open", "待办理";
        InProgress = "in_progress", "办理中";
        Resolved = "resolved", "已办结";
    }
);

coded!(
    /// Who is working on a request: a request climbs when the level below cannot solve it.
    Escalation {
        County = "county", "县级";
        City = "city", "市级";
        Joint = "joint", "联席会议";
    }
);

coded!(
    /// The fair-competition review (公平竞争审查) of a proposed incentive.
    Review {
        Pending = "pending", "待审查";
        Passed = "passed", "审查通过";
        Failed = "failed", "审查未通过";
    }
);

coded!(
    TeamRole {
        Lead = "lead", "专班组长";
        Member = "member", "专班成员";
    }
);

coded!(
    HealthLevel {
        Green = "green", "正常";
        Amber = "amber", "关注";
        Red = "red", "预警";
        Idle = "idle", "不体检";
    }
);

impl Stage {
    /// Stages the bureau checks on site before they count: what is reported upward.
    pub fn needs_verification(self) -> bool {
        self >= Stage::Signed
    }

    /// What a user must attach or enter to claim this stage; `None` when a note is enough.
    pub fn evidence_needed(self) -> Option<&'static str> {
        match self {
            Stage::Lead | Stage::Negotiating => None,
            Stage::Signed => Some("签约须上传合同或协议文本"),
            Stage::Started => Some("开工须上传施工许可证或带日期的现场照片"),
            Stage::Operating => Some("投产须上传投产证明或现场照片"),
            Stage::InStatistics => Some("入库纳统须填写统计库入库编号"),
        }
    }

    pub fn next(self) -> Option<Stage> {
        Self::ALL.iter().copied().find(|s| *s > self)
    }
}

/// A requested forward move: the target stage and the date of every stage it reaches.
#[derive(Debug, Clone, Default)]
pub struct Advance {
    /// Dates given on the form, by stage; the target stage's own date included.
    pub dates: BTreeMap<Stage, NaiveDate>,
    /// Number of evidence files uploaded for each stage reached.
    pub files: BTreeMap<Stage, usize>,
    /// A reference such as the statistics entry number.
    pub reference: String,
}

/// Checks a forward move and returns each stage reached with its date, in order.
/// `current_on` is the date the project reached its current stage.
pub fn plan_advance(current: Stage, state: State, current_on: NaiveDate, to: Stage, advance: &Advance, today: NaiveDate) -> Result<Vec<(Stage, NaiveDate)>, String> {
    match state {
        State::Active => {}
        State::Suspended => return Err("项目已暂停，请先恢复再推进".into()),
        State::Dropped => return Err("项目已终止，不能再推进".into()),
    }
    if to <= current {
        return Err(format!("项目已在「{}」阶段，只能向后推进", current.label()));
    }
    let mut steps = Vec::new();
    let mut previous = (current, current_on);
    for stage in Stage::ALL.iter().copied().filter(|s| *s > current && *s <= to) {
        let Some(on) = advance.dates.get(&stage).copied() else {
            return Err(if stage == to { format!("请填写「{}」的日期", stage.label()) } else { format!("跳过「{}」阶段时须填写其日期", stage.label()) });
        };
        if on > today {
            return Err(format!("「{}」的日期 {on} 晚于今天", stage.label()));
        }
        if on < previous.1 {
            return Err(format!("「{}」的日期 {on} 早于「{}」的日期 {}", stage.label(), previous.0.label(), previous.1));
        }
        steps.push((stage, on));
        previous = (stage, on);
    }
    // Every stage reached carries its own evidence, skipped ones included.
    for (stage, _) in &steps {
        let missing = match stage {
            Stage::InStatistics => advance.reference.trim().is_empty(),
            Stage::Signed | Stage::Started | Stage::Operating => advance.files.get(stage).copied().unwrap_or(0) == 0,
            Stage::Lead | Stage::Negotiating => false,
        };
        if missing {
            return Err(stage.evidence_needed().unwrap_or_default().into());
        }
    }
    Ok(steps)
}

/// Suspending, resuming and dropping: the new state, or why not.
pub fn change_state(stage: Stage, state: State, to: State, reason: &str) -> Result<State, String> {
    if state == State::Dropped {
        return Err("项目已终止，不能再改变状态".into());
    }
    if stage == Stage::InStatistics {
        return Err("项目已入库纳统，无需暂停或终止".into());
    }
    match (state, to) {
        (State::Active, State::Suspended) | (State::Active | State::Suspended, State::Dropped) if reason.trim().is_empty() => {
            Err(if to == State::Dropped { "终止项目须写明原因".into() } else { "暂停项目须写明原因".into() })
        }
        (State::Active, State::Suspended) | (State::Suspended, State::Active) | (State::Active | State::Suspended, State::Dropped) => Ok(to),
        (State::Active, State::Active) => Err("项目正在推进中".into()),
        (State::Suspended, State::Suspended) => Err("项目已经暂停".into()),
        _ => Err("不能这样改变项目状态".into()),
    }
}

/// Eligibility rules (认定规则), kept as data that the bureau edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EligibilityRules {
    /// Minimum total investment in 万元 for industrial projects.
    pub industrial_min_wan: i64,
    /// Minimum total investment in 万元 for every other project.
    pub other_min_wan: i64,
    /// GB/T 4754 sections that are industry (采矿业, 制造业, 电力热力燃气及水).
    pub industrial_sections: Vec<String>,
    /// Sections that never count (房地产业).
    pub excluded_sections: Vec<String>,
    /// A purely local investor brings no outside money.
    pub exclude_local_investors: bool,
    /// A later phase of a project already counted under an earlier contract.
    pub exclude_follow_on_phases: bool,
}

impl Default for EligibilityRules {
    fn default() -> Self {
        EligibilityRules {
            industrial_min_wan: 3000,
            other_min_wan: 10000,
            industrial_sections: vec!["B".into(), "C".into(), "D".into()],
            excluded_sections: vec!["K".into()],
            exclude_local_investors: true,
            exclude_follow_on_phases: true,
        }
    }
}

impl EligibilityRules {
    pub fn parse(text: &str) -> Result<EligibilityRules, String> {
        let rules: EligibilityRules = toml::from_str(text).map_err(|e| format!("认定规则格式有误：{}", e.message()))?;
        let limit = crate::money::MAX_HUNDREDTHS / 100;
        if !(0..=limit).contains(&rules.industrial_min_wan) || !(0..=limit).contains(&rules.other_min_wan) {
            return Err(format!("认定门槛应在 0 到 {limit} 万元之间"));
        }
        for s in rules.industrial_sections.iter().chain(&rules.excluded_sections) {
            if crate::industry::lookup(s).map(|i| i.level) != Ok(crate::industry::IndustryLevel::Section) {
                return Err(format!("「{s}」不是 GB/T 4754 的门类字母"));
            }
        }
        Ok(rules)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// What eligibility looks at.
#[derive(Debug, Clone, Default)]
pub struct EligibilityFacts {
    /// Total investment in hundredths of 万元.
    pub total_hundredths: i64,
    pub industry_code: String,
    pub investor_is_local: bool,
    pub follow_on_phase: bool,
}

/// Whether a project counts, and the rule that decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    pub counts: bool,
    pub rule: String,
}

pub fn eligibility(facts: &EligibilityFacts, rules: &EligibilityRules) -> Eligibility {
    let section = crate::industry::lineage(&facts.industry_code).first().map(|i| i.code.to_string());
    let no = |rule: String| Eligibility { counts: false, rule };
    let Some(section) = section else {
        return no("未填写主要产品的国民经济行业代码，无法认定".into());
    };
    if rules.excluded_sections.contains(&section) {
        let name = crate::industry::lookup(&section).map_or("", |i| i.name);
        return no(format!("{name}项目不计入招商引资（排除门类 {section}）"));
    }
    if rules.exclude_local_investors && facts.investor_is_local {
        return no("投资方为本地企业，不属于引进项目".into());
    }
    if rules.exclude_follow_on_phases && facts.follow_on_phase {
        return no("已签约项目的后续分期，不重复认定".into());
    }
    let industrial = rules.industrial_sections.contains(&section);
    let (kind, min) = if industrial { ("工业", rules.industrial_min_wan) } else { ("非工业", rules.other_min_wan) };
    let (amount, threshold) = (crate::money::format_wan(facts.total_hundredths), crate::money::format_wan(min * 100));
    if facts.total_hundredths < min * 100 {
        return no(format!("{kind}项目总投资 {amount} 万元，低于认定门槛 {threshold} 万元"));
    }
    Eligibility { counts: true, rule: format!("{kind}项目总投资 {amount} 万元，达到认定门槛 {threshold} 万元") }
}

/// Whether a project's stage counts in a figure: verified, eligible, and not a suspected duplicate.
pub fn counts(verification: Verification, eligible: bool, duplicate: Duplicate, state: State) -> Result<(), String> {
    if state == State::Dropped {
        return Err("项目已终止".into());
    }
    if duplicate == Duplicate::Pending {
        return Err("疑似与其他单位项目重复，待市局判定".into());
    }
    if duplicate == Duplicate::Merged {
        return Err("已合并到另一个项目，由那个项目计数".into());
    }
    if !eligible {
        return Err("未通过认定".into());
    }
    match verification {
        Verification::Approved | Verification::NotNeeded => Ok(()),
        Verification::Pending => Err("尚未实地核查".into()),
        Verification::Rejected => Err("实地核查未通过".into()),
    }
}

/// Checks a split of credit between units: each share 1–100, no unit twice, summing to 100.
pub fn check_shares(shares: &[(i64, i32)]) -> Result<(), String> {
    if shares.len() < 2 {
        return Err("分成至少涉及两个单位".into());
    }
    let mut seen = Vec::new();
    for (unit, percent) in shares {
        if !(1..=99).contains(percent) {
            return Err("每个单位的分成比例应在 1% 到 99% 之间".into());
        }
        if seen.contains(unit) {
            return Err("同一个单位只能出现一次".into());
        }
        seen.push(*unit);
    }
    let sum: i32 = shares.iter().map(|(_, p)| p).sum();
    if sum != 100 {
        return Err(format!("分成比例合计 {sum}%，应为 100%"));
    }
    Ok(())
}

/// An investor as duplicate detection sees it.
#[derive(Debug, Clone, Default)]
pub struct InvestorKey<'a> {
    pub uscc: Option<&'a str>,
    pub name_norm: &'a str,
    pub chain_id: Option<i64>,
}

/// Why two projects look like the same investment, or `None`. The same investor is the same
/// 统一社会信用代码, or, when either lacks one, the same normalised name; the chains must agree
/// (a project with no chain yet cannot be told apart, so it matches).
pub fn duplicate_reason(a: &InvestorKey, b: &InvestorKey) -> Option<String> {
    let investor = match (a.uscc, b.uscc) {
        (Some(x), Some(y)) => (x == y).then_some("统一社会信用代码相同"),
        _ => (!a.name_norm.is_empty() && a.name_norm == b.name_norm).then_some("投资方名称相同"),
    }?;
    match (a.chain_id, b.chain_id) {
        (Some(x), Some(y)) if x != y => None,
        (Some(_), Some(_)) => Some(format!("{investor}，且属于同一产业链")),
        _ => Some(format!("{investor}，产业链未定")),
    }
}

/// The next level of a request that the level below could not solve.
pub fn escalate(level: Escalation) -> Result<Escalation, String> {
    match level {
        Escalation::County => Ok(Escalation::City),
        Escalation::City => Ok(Escalation::Joint),
        Escalation::Joint => Err("已提交联席会议，不能再上报".into()),
    }
}

/// Days a request is past its deadline; `None` when it is resolved or not yet due.
pub fn days_overdue(status: RequestStatus, deadline: NaiveDate, today: NaiveDate) -> Option<i64> {
    (status != RequestStatus::Resolved && today > deadline).then(|| (today - deadline).num_days())
}

/// The first day of a month typed as 2026-11, 2026/11 or 2026年11月.
pub fn parse_month(text: &str) -> Result<NaiveDate, String> {
    let digits: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|p| !p.is_empty()).collect();
    let bad = || format!("月份「{}」应写成 2026-11 的形式", text.trim());
    let [year, month, ..] = digits.as_slice() else { return Err(bad()) };
    let (year, month) = (year.parse::<i32>().map_err(|_| bad())?, month.parse::<u32>().map_err(|_| bad())?);
    if !(2000..=2100).contains(&year) {
        return Err(bad());
    }
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)
}

/// Funds the plan expects in place by `today`: the planned amount spread evenly by month from the
/// signing month to the month it should all be in place.
pub fn expected_funds(plan_hundredths: i64, from: NaiveDate, by: NaiveDate, today: NaiveDate) -> i64 {
    let months = |d: NaiveDate| i64::from(d.year()) * 12 + i64::from(d.month0());
    let total = (months(by) - months(from) + 1).max(1);
    let elapsed = (months(today) - months(from) + 1).clamp(0, total);
    i64::try_from(i128::from(plan_hundredths) * i128::from(elapsed) / i128::from(total)).unwrap_or(i64::MAX)
}

/// Thresholds of the health check, kept as a setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthRules {
    /// No follow-up or stage change for this many days: amber.
    pub stalled_amber_days: i64,
    /// … and for this many: red.
    pub stalled_red_days: i64,
    /// A planned milestone missed by more than this many days is red (amber before).
    pub milestone_red_days: i64,
    /// A request past its deadline by more than this many days is red (amber before).
    pub request_red_days: i64,
    /// Verified funds below this percentage of what the plan expects: amber.
    pub funds_amber_percent: i64,
    /// … below this: red.
    pub funds_red_percent: i64,
}

impl Default for HealthRules {
    fn default() -> Self {
        HealthRules { stalled_amber_days: 30, stalled_red_days: 45, milestone_red_days: 30, request_red_days: 7, funds_amber_percent: 80, funds_red_percent: 50 }
    }
}

impl HealthRules {
    pub fn parse(text: &str) -> Result<HealthRules, String> {
        let rules: HealthRules = toml::from_str(text).map_err(|e| format!("体检规则格式有误：{}", e.message()))?;
        if rules.stalled_amber_days <= 0 || rules.stalled_red_days < rules.stalled_amber_days {
            return Err("停滞天数应为正数，且红色不少于黄色".into());
        }
        if !(0..=100).contains(&rules.funds_red_percent) || rules.funds_amber_percent < rules.funds_red_percent || rules.funds_amber_percent > 100 {
            return Err("资金比例应在 0–100 之间，且黄色不低于红色".into());
        }
        if rules.milestone_red_days < 0 || rules.request_red_days < 0 {
            return Err("天数不能为负数".into());
        }
        Ok(rules)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }
}

/// What the health check looks at.
#[derive(Debug, Clone)]
pub struct HealthFacts {
    pub today: NaiveDate,
    pub stage: Stage,
    pub state: State,
    /// The latest follow-up, stage change, funds report or request update.
    pub last_activity: NaiveDate,
    pub planned_start: Option<NaiveDate>,
    pub planned_operation: Option<NaiveDate>,
    /// Deadlines of requests not yet resolved.
    pub open_request_deadlines: Vec<NaiveDate>,
    /// Verified funds in place and what the plan expects by today, in hundredths of 万元.
    pub funds_verified: i64,
    pub funds_expected: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Health {
    pub level: HealthLevel,
    pub reasons: Vec<String>,
}

pub fn health(f: &HealthFacts, rules: &HealthRules) -> Health {
    if f.state == State::Dropped || f.stage == Stage::InStatistics {
        return Health { level: HealthLevel::Idle, reasons: vec![if f.state == State::Dropped { "项目已终止".into() } else { "项目已入库纳统".into() }] };
    }
    let mut level = HealthLevel::Green;
    let mut reasons = Vec::new();
    let mut flag = |l: HealthLevel, reason: String| {
        level = level.max(l);
        reasons.push(reason);
    };
    if f.state == State::Suspended {
        flag(HealthLevel::Amber, "项目暂停中".into());
    }
    let idle = (f.today - f.last_activity).num_days();
    if idle >= rules.stalled_red_days {
        flag(HealthLevel::Red, format!("已 {idle} 天无进展（满 {} 天为红色）", rules.stalled_red_days));
    } else if idle >= rules.stalled_amber_days {
        flag(HealthLevel::Amber, format!("已 {idle} 天无进展（满 {} 天为黄色）", rules.stalled_amber_days));
    }
    let milestones = [(f.planned_start, Stage::Started, "计划开工"), (f.planned_operation, Stage::Operating, "计划投产")];
    for (planned, stage, label) in milestones {
        if let Some(planned) = planned.filter(|p| f.stage < stage && f.today > *p) {
            let late = (f.today - planned).num_days();
            let l = if late > rules.milestone_red_days { HealthLevel::Red } else { HealthLevel::Amber };
            flag(l, format!("{label}日期 {planned} 已过 {late} 天"));
        }
    }
    for deadline in &f.open_request_deadlines {
        if let Some(late) = days_overdue(RequestStatus::Open, *deadline, f.today) {
            let l = if late > rules.request_red_days { HealthLevel::Red } else { HealthLevel::Amber };
            flag(l, format!("有诉求超过办理期限 {late} 天（期限 {deadline}）"));
        }
    }
    if f.funds_expected > 0 {
        let percent = i64::try_from(i128::from(f.funds_verified) * 100 / i128::from(f.funds_expected)).unwrap_or(i64::MAX);
        let (v, e) = (crate::money::format_wan(f.funds_verified), crate::money::format_wan(f.funds_expected));
        if percent < rules.funds_red_percent {
            flag(HealthLevel::Red, format!("到位资金 {v} 万元，仅为计划进度 {e} 万元的 {percent}%"));
        } else if percent < rules.funds_amber_percent {
            flag(HealthLevel::Amber, format!("到位资金 {v} 万元，为计划进度 {e} 万元的 {percent}%"));
        }
    }
    if reasons.is_empty() {
        reasons.push("进展正常".into());
    }
    Health { level, reasons }
}

/// A project's code: XM, the year and a serial number.
pub fn project_code(year: i32, serial: i64) -> String {
    format!("XM{year}-{serial:05}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// Dates as given; `files` evidence files for every stage that has a date.
    fn advance(dates: &[(Stage, &str)], files: usize, reference: &str) -> Advance {
        Advance { dates: dates.iter().map(|(s, x)| (*s, d(x))).collect(), files: dates.iter().map(|(s, _)| (*s, files)).collect(), reference: reference.into() }
    }

    #[test]
    fn stage_machine_table() {
        use Stage::*;
        let today = d("2026-11-27");
        let since = d("2026-05-01");
        // (current, state, to, dates, files, reference, expected stages reached or the error)
        #[allow(clippy::type_complexity)]
        let cases: &[(Stage, State, Stage, &[(Stage, &str)], usize, &str, Result<&[Stage], &str>)] = &[
            (Lead, State::Active, Negotiating, &[(Negotiating, "2026-06-01")], 0, "", Ok(&[Negotiating])),
            (Negotiating, State::Active, Signed, &[(Signed, "2026-07-01")], 1, "", Ok(&[Signed])),
            (Negotiating, State::Active, Signed, &[(Signed, "2026-07-01")], 0, "", Err("签约须上传合同或协议文本")),
            (Signed, State::Active, Started, &[(Started, "2026-08-01")], 2, "", Ok(&[Started])),
            (Started, State::Active, Operating, &[(Operating, "2026-10-01")], 0, "", Err("投产须上传投产证明或现场照片")),
            (Operating, State::Active, InStatistics, &[(InStatistics, "2026-11-01")], 0, "", Err("入库纳统须填写统计库入库编号")),
            (Operating, State::Active, InStatistics, &[(InStatistics, "2026-11-01")], 0, "610700-2026-0042", Ok(&[InStatistics])),
            // Skipped stages need their own evidence: no contract, no signing on the way to 开工…
            (Negotiating, State::Active, InStatistics, &[(Signed, "2026-07-01"), (Started, "2026-08-01"), (Operating, "2026-09-01"), (InStatistics, "2026-10-01")], 0, "ref", Err("签约须上传合同或协议文本")),
            // Skipping stages: every skipped stage needs its date, in order.
            (Lead, State::Active, Signed, &[(Signed, "2026-07-01")], 1, "", Err("跳过「在谈」阶段时须填写其日期")),
            (Lead, State::Active, Signed, &[(Negotiating, "2026-06-01"), (Signed, "2026-07-01")], 1, "", Ok(&[Negotiating, Signed])),
            (Lead, State::Active, Signed, &[(Negotiating, "2026-08-01"), (Signed, "2026-07-01")], 1, "", Err("「签约」的日期 2026-07-01 早于「在谈」的日期 2026-08-01")),
            (Lead, State::Active, Negotiating, &[(Negotiating, "2026-04-01")], 0, "", Err("「在谈」的日期 2026-04-01 早于「线索」的日期 2026-05-01")),
            (Lead, State::Active, Negotiating, &[(Negotiating, "2026-12-01")], 0, "", Err("「在谈」的日期 2026-12-01 晚于今天")),
            (Lead, State::Active, Negotiating, &[], 0, "", Err("请填写「在谈」的日期")),
            // Backwards, sideways, and from a state that does not move.
            (Signed, State::Active, Negotiating, &[(Negotiating, "2026-08-01")], 0, "", Err("项目已在「签约」阶段，只能向后推进")),
            (Signed, State::Active, Signed, &[(Signed, "2026-08-01")], 1, "", Err("项目已在「签约」阶段，只能向后推进")),
            (Signed, State::Suspended, Started, &[(Started, "2026-08-01")], 1, "", Err("项目已暂停，请先恢复再推进")),
            (Signed, State::Dropped, Started, &[(Started, "2026-08-01")], 1, "", Err("项目已终止，不能再推进")),
        ];
        for (current, state, to, dates, files, reference, expected) in cases {
            let got = plan_advance(*current, *state, since, *to, &advance(dates, *files, reference), today);
            let got = got.map(|steps| steps.into_iter().map(|(s, _)| s).collect::<Vec<_>>());
            assert_eq!(got, expected.map(<[Stage]>::to_vec).map_err(str::to_string), "{current:?} {state:?} → {to:?}");
        }
    }

    #[test]
    fn every_forward_pair_with_dates_and_evidence_is_legal_and_every_other_is_not() {
        let today = d("2026-11-27");
        for from in Stage::ALL {
            for to in Stage::ALL {
                let dates = Stage::ALL.iter().map(|s| (*s, d("2026-06-01"))).collect();
                let a = Advance { dates, files: Stage::ALL.iter().map(|s| (*s, 1)).collect(), reference: "ref".into() };
                let got = plan_advance(*from, State::Active, d("2026-05-01"), *to, &a, today);
                assert_eq!(got.is_ok(), to > from, "{from:?} → {to:?}: {got:?}");
                if let Ok(steps) = got {
                    assert_eq!(steps.len(), Stage::ALL.iter().filter(|s| *s > from && *s <= to).count());
                }
            }
        }
    }

    #[test]
    fn suspend_resume_drop_table() {
        use State::*;
        let cases: &[(Stage, State, State, &str, Result<State, &str>)] = &[
            (Stage::Signed, Active, Suspended, "企业资金链紧张", Ok(Suspended)),
            (Stage::Signed, Active, Suspended, "", Err("暂停项目须写明原因")),
            (Stage::Signed, Suspended, Active, "", Ok(Active)),
            (Stage::Signed, Suspended, Suspended, "x", Err("项目已经暂停")),
            (Stage::Lead, Active, Active, "", Err("项目正在推进中")),
            (Stage::Lead, Active, Dropped, "企业落户成都", Ok(Dropped)),
            (Stage::Lead, Suspended, Dropped, "企业落户成都", Ok(Dropped)),
            (Stage::Lead, Active, Dropped, " ", Err("终止项目须写明原因")),
            (Stage::Lead, Dropped, Active, "", Err("项目已终止，不能再改变状态")),
            (Stage::InStatistics, Active, Suspended, "x", Err("项目已入库纳统，无需暂停或终止")),
        ];
        for (stage, from, to, reason, expected) in cases {
            assert_eq!(change_state(*stage, *from, *to, reason), expected.map_err(str::to_string), "{stage:?} {from:?} → {to:?}");
        }
    }

    #[test]
    fn eligibility_table() {
        let rules = EligibilityRules::default();
        let f = |wan: i64, code: &str, local: bool, follow_on: bool| EligibilityFacts { total_hundredths: wan * 100, industry_code: code.into(), investor_is_local: local, follow_on_phase: follow_on };
        let cases: &[(EligibilityFacts, bool, &str)] = &[
            (f(3000, "3670", false, false), true, "工业项目总投资 3,000 万元，达到认定门槛 3,000 万元"),
            (f(2999, "3670", false, false), false, "工业项目总投资 2,999 万元，低于认定门槛 3,000 万元"),
            (f(5000, "5211", false, false), false, "非工业项目总投资 5,000 万元，低于认定门槛 10,000 万元"),
            (f(12000, "5211", false, false), true, "非工业项目总投资 12,000 万元，达到认定门槛 10,000 万元"),
            (f(90000, "7010", false, false), false, "房地产业项目不计入招商引资（排除门类 K）"),
            (f(90000, "3670", true, false), false, "投资方为本地企业，不属于引进项目"),
            (f(90000, "3670", false, true), false, "已签约项目的后续分期，不重复认定"),
            (f(90000, "", false, false), false, "未填写主要产品的国民经济行业代码，无法认定"),
            (f(3500, "44", false, false), true, "工业项目总投资 3,500 万元，达到认定门槛 3,000 万元"),
        ];
        for (facts, counts, rule) in cases {
            let got = eligibility(facts, &rules);
            assert_eq!((got.counts, got.rule.as_str()), (*counts, *rule), "{facts:?}");
        }
        let lenient = EligibilityRules { exclude_local_investors: false, ..EligibilityRules::default() };
        assert!(eligibility(&f(90000, "3670", true, false), &lenient).counts);
    }

    #[test]
    fn eligibility_rules_round_trip_and_refuse_nonsense() {
        let rules = EligibilityRules::default();
        assert_eq!(EligibilityRules::parse(&rules.to_toml()), Ok(rules));
        assert_eq!(EligibilityRules::parse("industrial_min_wan = 1").unwrap_err().starts_with("认定规则格式有误"), true);
        let bad = EligibilityRules { excluded_sections: vec!["Q9".into()], ..EligibilityRules::default() }.to_toml();
        assert_eq!(EligibilityRules::parse(&bad), Err("「Q9」不是 GB/T 4754 的门类字母".into()));
    }

    #[test]
    fn counts_table() {
        use Verification::*;
        let cases: &[(Verification, bool, Duplicate, State, Result<(), &str>)] = &[
            (Approved, true, Duplicate::None, State::Active, Ok(())),
            (NotNeeded, true, Duplicate::None, State::Active, Ok(())),
            (Pending, true, Duplicate::None, State::Active, Err("尚未实地核查")),
            (Rejected, true, Duplicate::None, State::Active, Err("实地核查未通过")),
            (Approved, false, Duplicate::None, State::Active, Err("未通过认定")),
            (Approved, true, Duplicate::Pending, State::Active, Err("疑似与其他单位项目重复，待市局判定")),
            (Approved, true, Duplicate::Merged, State::Active, Err("已合并到另一个项目，由那个项目计数")),
            (Approved, true, Duplicate::Shared, State::Active, Ok(())),
            (Approved, true, Duplicate::KeepBoth, State::Suspended, Ok(())),
            (Approved, true, Duplicate::None, State::Dropped, Err("项目已终止")),
        ];
        for (v, eligible, dup, state, expected) in cases {
            assert_eq!(counts(*v, *eligible, *dup, *state), expected.map_err(str::to_string), "{v:?} {eligible} {dup:?} {state:?}");
        }
    }

    #[test]
    fn credit_shares_must_sum_to_100() {
        let cases: &[(&[(i64, i32)], Result<(), &str>)] = &[
            (&[(1, 70), (2, 30)], Ok(())),
            (&[(1, 50), (2, 25), (3, 25)], Ok(())),
            (&[(1, 70), (2, 20)], Err("分成比例合计 90%，应为 100%")),
            (&[(1, 70), (2, 40)], Err("分成比例合计 110%，应为 100%")),
            (&[(1, 100)], Err("分成至少涉及两个单位")),
            (&[(1, 100), (2, 0)], Err("每个单位的分成比例应在 1% 到 99% 之间")),
            (&[(1, 50), (1, 50)], Err("同一个单位只能出现一次")),
        ];
        for (shares, expected) in cases {
            assert_eq!(check_shares(shares), expected.map_err(str::to_string), "{shares:?}");
        }
    }

    #[test]
    fn duplicate_table() {
        let k = |uscc: Option<&'static str>, name: &'static str, chain: Option<i64>| InvestorKey { uscc, name_norm: name, chain_id: chain };
        let a = "91610700MA6YQ0001X";
        let b = "91440300MA5FQ0002Y";
        let cases: &[(InvestorKey, InvestorKey, Option<&str>)] = &[
            (k(Some(a), "甲电池", Some(1)), k(Some(a), "甲电池有限公司", Some(1)), Some("统一社会信用代码相同，且属于同一产业链")),
            (k(Some(a), "甲电池", Some(1)), k(Some(a), "甲电池", Some(2)), None),
            (k(Some(a), "甲电池", Some(1)), k(Some(b), "甲电池", Some(1)), None),
            (k(None, "甲电池", Some(1)), k(Some(b), "甲电池", Some(1)), Some("投资方名称相同，且属于同一产业链")),
            (k(None, "甲电池", None), k(None, "甲电池", Some(3)), Some("投资方名称相同，产业链未定")),
            (k(None, "甲电池", Some(1)), k(None, "乙电池", Some(1)), None),
            (k(None, "", Some(1)), k(None, "", Some(1)), None),
        ];
        for (x, y, expected) in cases {
            assert_eq!(duplicate_reason(x, y).as_deref(), *expected, "{x:?} {y:?}");
            assert_eq!(duplicate_reason(y, x).as_deref(), *expected, "symmetric: {x:?} {y:?}");
        }
    }

    #[test]
    fn requests_escalate_and_fall_overdue() {
        assert_eq!(escalate(Escalation::County), Ok(Escalation::City));
        assert_eq!(escalate(Escalation::City), Ok(Escalation::Joint));
        assert_eq!(escalate(Escalation::Joint), Err("已提交联席会议，不能再上报".into()));
        let today = d("2026-11-27");
        assert_eq!(days_overdue(RequestStatus::Open, d("2026-11-13"), today), Some(14));
        assert_eq!(days_overdue(RequestStatus::InProgress, d("2026-11-26"), today), Some(1));
        assert_eq!(days_overdue(RequestStatus::Open, d("2026-11-27"), today), None);
        assert_eq!(days_overdue(RequestStatus::Resolved, d("2026-01-01"), today), None);
    }

    #[test]
    fn months_and_expected_funds() {
        assert_eq!(parse_month("2026-11"), Ok(d("2026-11-01")));
        assert_eq!(parse_month("2026年3月"), Ok(d("2026-03-01")));
        assert_eq!(parse_month("2026/13"), Err("月份「2026/13」应写成 2026-11 的形式".into()));
        assert!(parse_month("11").is_err());
        // 12 months of plan from January: by the end of March a quarter is expected.
        assert_eq!(expected_funds(120_000, d("2026-01-15"), d("2026-12-01"), d("2026-03-20")), 30_000);
        assert_eq!(expected_funds(120_000, d("2026-01-15"), d("2026-12-01"), d("2027-05-01")), 120_000);
        assert_eq!(expected_funds(120_000, d("2026-06-01"), d("2026-12-01"), d("2026-03-01")), 0);
        assert_eq!(expected_funds(5_000, d("2026-06-01"), d("2026-01-01"), d("2026-07-01")), 5_000);
    }

    fn facts() -> HealthFacts {
        HealthFacts {
            today: d("2026-11-27"),
            stage: Stage::Signed,
            state: State::Active,
            last_activity: d("2026-11-20"),
            planned_start: None,
            planned_operation: None,
            open_request_deadlines: vec![],
            funds_verified: 0,
            funds_expected: 0,
        }
    }

    #[test]
    fn health_table() {
        use HealthLevel::*;
        let rules = HealthRules::default();
        let cases: Vec<(HealthFacts, HealthLevel, Vec<&str>)> = vec![
            (facts(), Green, vec!["进展正常"]),
            (HealthFacts { last_activity: d("2026-10-20"), ..facts() }, Amber, vec!["已 38 天无进展（满 30 天为黄色）"]),
            (HealthFacts { last_activity: d("2026-10-01"), ..facts() }, Red, vec!["已 57 天无进展（满 45 天为红色）"]),
            (HealthFacts { planned_start: Some(d("2026-11-10")), ..facts() }, Amber, vec!["计划开工日期 2026-11-10 已过 17 天"]),
            (HealthFacts { planned_start: Some(d("2026-09-10")), ..facts() }, Red, vec!["计划开工日期 2026-09-10 已过 78 天"]),
            (HealthFacts { planned_start: Some(d("2026-09-10")), stage: Stage::Started, ..facts() }, Green, vec!["进展正常"]),
            (HealthFacts { open_request_deadlines: vec![d("2026-11-13")], ..facts() }, Red, vec!["有诉求超过办理期限 14 天（期限 2026-11-13）"]),
            (HealthFacts { open_request_deadlines: vec![d("2026-11-25"), d("2026-12-25")], ..facts() }, Amber, vec!["有诉求超过办理期限 2 天（期限 2026-11-25）"]),
            (HealthFacts { funds_verified: 30_000, funds_expected: 100_000, ..facts() }, Red, vec!["到位资金 300 万元，仅为计划进度 1,000 万元的 30%"]),
            (HealthFacts { funds_verified: 70_000, funds_expected: 100_000, ..facts() }, Amber, vec!["到位资金 700 万元，为计划进度 1,000 万元的 70%"]),
            (HealthFacts { funds_verified: 90_000, funds_expected: 100_000, ..facts() }, Green, vec!["进展正常"]),
            (HealthFacts { state: State::Suspended, ..facts() }, Amber, vec!["项目暂停中"]),
            (HealthFacts { state: State::Dropped, last_activity: d("2020-01-01"), ..facts() }, Idle, vec!["项目已终止"]),
            (HealthFacts { stage: Stage::InStatistics, ..facts() }, Idle, vec!["项目已入库纳统"]),
            (
                HealthFacts { last_activity: d("2026-10-01"), open_request_deadlines: vec![d("2026-11-25")], ..facts() },
                Red,
                vec!["已 57 天无进展（满 45 天为红色）", "有诉求超过办理期限 2 天（期限 2026-11-25）"],
            ),
        ];
        for (f, level, reasons) in cases {
            let got = health(&f, &rules);
            assert_eq!((got.level, got.reasons.iter().map(String::as_str).collect::<Vec<_>>()), (level, reasons), "{f:?}");
        }
    }

    #[test]
    fn health_rules_validate() {
        let rules = HealthRules::default();
        assert_eq!(HealthRules::parse(&rules.to_toml()), Ok(rules));
        let bad = HealthRules { stalled_red_days: 10, ..HealthRules::default() }.to_toml();
        assert_eq!(HealthRules::parse(&bad), Err("停滞天数应为正数，且红色不少于黄色".into()));
    }

    #[test]
    fn codes_and_next_stage() {
        assert_eq!(project_code(2026, 42), "XM2026-00042");
        assert_eq!(Stage::Lead.next(), Some(Stage::Negotiating));
        assert_eq!(Stage::InStatistics.next(), None);
        assert!(!Stage::Negotiating.needs_verification());
        assert!(Stage::Signed.needs_verification());
        assert_eq!(HealthLevel::Red.max(HealthLevel::Amber), HealthLevel::Red);
    }
}
