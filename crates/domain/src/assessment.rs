//! The assessment engine (DESIGN §7): a scheme is data, a month's run scores every unit of a group
//! from the facts the caller has already filtered, and every point carries its arithmetic in Chinese.
//!
//! Numbers are fixed-point i64 in hundredths everywhere: points (12.34 分 → 1234), weights, caps and
//! per-item points of a scheme (权重 30 → 3000), amounts (万元 hundredths, as in `money`), counts
//! (1 个 → 100, so a 30 % credit share is 0.30 个 → 30) and rates (50.00 % → 5000).
//! Intermediate products are i128. Rounding is half away from zero, and happens only where a
//! number is shown: an indicator's points are computed in one step from the shown actual and target
//! and rounded once; the shown actual and completion rate are rounded to hundredths before anything
//! uses them, so a bureau officer redoing the table with a calculator gets the same points.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

coded!(
    /// What an indicator measures; the caller supplies the records behind it.
    Metric {
        SignedCount = "signed_count", "新签约项目数";
        SignedAmount = "signed_amount", "新签约项目投资额";
        ContractAmount = "contract_amount", "合同项目投资额";
        BigProjects = "big_projects", "亿元以上项目数";
        ProvinceOutsideBigProjects = "outside_big_projects", "省外亿元以上项目数";
        StartedCount = "started_count", "新开工项目数";
        StartRate = "start_rate", "开工率";
        FundsInPlace = "funds", "到位资金";
        FundsOutsideProvince = "funds_outside", "省外到位资金";
        Fortune500Investors = "fortune500", "500强企业投资项目数";
        TargetsContacted = "targets_contacted", "对接目标企业数";
        FollowUps = "follow_ups", "跟进记录数";
        Events = "events", "招商活动场次";
        RequestsClosedOnTime = "requests_on_time", "诉求按期办结数";
        FakeProjects = "fake_projects", "核查不实项目数";
        OverdueStarts = "overdue_starts", "逾期未开工项目数";
        LateReports = "late_reports", "周调度逾期报送次数";
        LandingRate = "landing_rate", "招商引资落地率";
        ApprovalsRate = "approvals_rate", "前期手续办结率";
        ReserveStartRate = "reserve_start_rate", "储备项目开工率";
        InvestmentRate = "investment_rate", "计划投资完成率";
        EfficacyRate = "efficacy_rate", "竣工投产达效率";
    }
);

coded!(
    /// How a quarter combines its months.
    QuarterMode {
        Sum = "sum", "求和";
        Mean = "mean", "平均";
    }
);

coded!(
    /// The units a scheme ranks against each other.
    Group {
        Counties = "counties", "县区";
        Parks = "parks", "园区";
        Offices = "offices", "驻外招商机构";
    }
);

impl Metric {
    /// Amounts add up item values (万元); every other metric but the start rate counts items.
    pub fn is_amount(self) -> bool {
        matches!(self, Metric::SignedAmount | Metric::ContractAmount | Metric::FundsInPlace | Metric::FundsOutsideProvince)
    }

    /// The unit a value of this metric is read in, for explanations and tables.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::SignedAmount | Metric::ContractAmount | Metric::FundsInPlace | Metric::FundsOutsideProvince => "万元",
            Metric::StartRate => "%",
            Metric::LandingRate | Metric::ApprovalsRate | Metric::ReserveStartRate | Metric::InvestmentRate | Metric::EfficacyRate => "%",
            Metric::TargetsContacted => "家",
            Metric::FollowUps => "条",
            Metric::Events => "场",
            Metric::RequestsClosedOnTime => "件",
            Metric::LateReports => "次",
            Metric::SignedCount
            | Metric::BigProjects
            | Metric::ProvinceOutsideBigProjects
            | Metric::StartedCount
            | Metric::Fortune500Investors
            | Metric::FakeProjects
            | Metric::OverdueStarts => "个",
        }
    }
}

/// How an indicator turns its actual value into points. All parameters are hundredths of a point
/// (权重 30 → 3000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Rule {
    /// actual / target × weight, capped at `cap` points (cap ≥ weight allows over-achievement bonus)
    Ratio { weight: i64, cap: i64 },
    /// efficacy coefficient over the group: best gets `weight` × 100%, worst gets `weight` × 60%, linear between;
    /// basis is the completion ratio when the indicator has a target, else the raw value.
    Efficacy { weight: i64 },
    /// `per` points for each unit of the metric (per whole item, so 0.3 of a project gives 0.3 × per), capped at `cap`
    Points { per: i64, cap: i64 },
    /// minus `per` points per item, at most `cap` deducted (result ≤ 0)
    Deduction { per: i64, cap: i64 },
}

/// One line of a scheme: `key` is stable (forms, stored runs), `name` is what the 通报 prints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    pub key: String,
    pub name: String,
    pub metric: Metric,
    pub uses_target: bool,
    pub rule: Rule,
}

/// A reward tier: "一等奖" up to rank 1, "二等奖" up to rank 3 …
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    pub name: String,
    pub up_to_rank: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scheme {
    pub name: String,
    pub group: Group,
    pub quarter_mode: QuarterMode,
    pub indicators: Vec<Indicator>,
    pub tiers: Vec<Tier>,
}

/// The largest weight, cap or per-item value a scheme takes: 1000 分. Far above any real scheme,
/// and small enough that no product of it with an amount overflows.
pub const MAX_POINTS: i64 = 100_000;

impl Scheme {
    /// Whether the scheme can be used, with the first problem in words the bureau can act on.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("考核办法名称不能为空".into());
        }
        if self.indicators.is_empty() {
            return Err("考核办法至少要有一项指标".into());
        }
        let mut keys = BTreeSet::new();
        for (i, ind) in self.indicators.iter().enumerate() {
            let n = i + 1;
            if ind.key.is_empty() || !ind.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
                return Err(format!("第 {n} 项指标的代码「{}」无效：只能用小写字母、数字和下划线", ind.key));
            }
            if !keys.insert(ind.key.as_str()) {
                return Err(format!("指标代码「{}」重复，每项指标的代码须唯一", ind.key));
            }
            let name = ind.name.trim();
            if name.is_empty() {
                return Err(format!("第 {n} 项指标（{}）的名称不能为空", ind.key));
            }
            let bounded = |value: i64, what: &str| -> Result<(), String> {
                if value <= 0 {
                    return Err(format!("指标「{name}」的{what}须大于 0（现为 {}）", fmt_short(value)));
                }
                if value > MAX_POINTS {
                    return Err(format!("指标「{name}」的{what} {} 分超过上限 {} 分，请检查", fmt_short(value), fmt_short(MAX_POINTS)));
                }
                Ok(())
            };
            match ind.rule {
                Rule::Ratio { weight, cap } => {
                    bounded(weight, "权重")?;
                    bounded(cap, "封顶分")?;
                    if cap < weight {
                        return Err(format!("指标「{name}」的封顶分 {} 低于权重 {}：完成目标也拿不到满分", fmt_short(cap), fmt_short(weight)));
                    }
                    if !ind.uses_target {
                        return Err(format!("指标「{name}」按完成率计分，须使用目标任务"));
                    }
                }
                Rule::Efficacy { weight } => bounded(weight, "权重")?,
                Rule::Points { per, cap } | Rule::Deduction { per, cap } => {
                    let kind = if matches!(ind.rule, Rule::Points { .. }) { "加分" } else { "扣分" };
                    bounded(per, &format!("每项{kind}"))?;
                    bounded(cap, &format!("{kind}上限"))?;
                    if ind.uses_target {
                        return Err(format!("指标「{name}」按项{kind}，不使用目标任务，请取消「使用目标」"));
                    }
                }
            }
        }
        let mut previous = 0;
        for (i, tier) in self.tiers.iter().enumerate() {
            if tier.name.trim().is_empty() {
                return Err(format!("第 {} 个奖励等次的名称不能为空", i + 1));
            }
            if tier.up_to_rank <= previous {
                return Err(format!(
                    "奖励等次「{}」截至第 {} 名，须大于上一等次的第 {previous} 名（等次按名次由高到低排列）",
                    tier.name, tier.up_to_rank
                ));
            }
            previous = tier.up_to_rank;
        }
        Ok(())
    }
}

/// One record behind a metric: e.g. a project, with its label and value (hundredths) and credit share in percent (100 = whole).
/// For count metrics `value` is not read: each record is one item, times its share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: i64,
    pub label: String,
    pub value: i64,
    pub share_percent: i64,
}

/// Facts of one unit for one run: per metric the items that count (already filtered by the caller to verified, eligible, within the period).
/// StartRate is special: the caller provides SignedCount and StartedCount items; actual = started/signed.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UnitFacts {
    pub unit_id: i64,
    pub unit_name: String,
    pub items: BTreeMap<Metric, Vec<Item>>,
    /// Scheduled target as of the cut-off, hundredths (see `scheduled_target`); an indicator whose
    /// target is missing scores nothing.
    pub targets: BTreeMap<Metric, i64>,
    /// For the five rates (五率): the records behind each rate's denominator; `items` holds its
    /// numerator. Values are raw (100 per project, or the amount) and shares apply.
    #[serde(default)]
    pub denominators: BTreeMap<Metric, Vec<Item>>,
}

impl Metric {
    /// The five rates (五率), each computed as numerator ÷ denominator records.
    pub fn five_rate(self) -> Option<crate::rates::FiveRate> {
        use crate::rates::FiveRate;
        match self {
            Metric::LandingRate => Some(FiveRate::Landing),
            Metric::ApprovalsRate => Some(FiveRate::Approvals),
            Metric::ReserveStartRate => Some(FiveRate::ReserveStart),
            Metric::InvestmentRate => Some(FiveRate::Investment),
            Metric::EfficacyRate => Some(FiveRate::Efficacy),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorScore {
    pub key: String,
    pub name: String,
    pub actual: i64,
    /// `Some` exactly when the indicator uses a target (0 when none was set).
    pub target: Option<i64>,
    pub points: i64,
    pub explanation: String,
    /// The records behind `actual`; for the start rate the started ones (labelled 开工：) then the signed ones (签约：).
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit_id: i64,
    pub unit_name: String,
    pub total: i64,
    pub rank: u32,
    pub indicators: Vec<IndicatorScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuarterScore {
    pub unit_id: i64,
    pub unit_name: String,
    /// One entry per month given, `None` where the unit had no score that month.
    pub months: Vec<Option<i64>>,
    pub total: i64,
    pub rank: u32,
    pub tier: Option<String>,
}

/// A completion rate when the target is 0 (or was never set): a zero task is a task met, so the
/// unit gets 100 % — the full weight and no over-achievement bonus, since any excess over nothing
/// would be an infinite rate.
const FULL_RATE: i64 = 10_000;

/// The actual value, target and records of one indicator for one unit, before the rule applies.
struct Measured {
    actual: i64,
    target: Option<i64>,
    /// Completion rate in hundredths of a percent, when there is a target.
    rate: Option<i64>,
    /// "完成 12.00 个" or, for the start rate, the started and signed counts.
    actual_text: String,
    /// " / 目标 20.00 个，完成率 60.00%" or empty.
    target_text: String,
    items: Vec<Item>,
}

/// Sum of the items' values (or counts) times their shares, in hundredths, rounded once.
/// A share outside 0–100 is clamped, so one bad record cannot inflate a score.
fn sum_items(metric: Metric, items: &[Item]) -> i64 {
    let total: i128 = items
        .iter()
        .map(|item| {
            let value = if metric.is_amount() { item.value as i128 } else { 100 };
            value * item.share_percent.clamp(0, 100) as i128
        })
        .sum();
    div_round(total, 100)
}

fn shared_note(items: &[Item]) -> String {
    let shared = items.iter().filter(|i| i.share_percent != 100).count();
    if shared == 0 {
        String::new()
    } else {
        format!("（含 {shared} 条按分成比例折算）")
    }
}

fn measure(ind: &Indicator, facts: &UnitFacts) -> Measured {
    let empty = Vec::new();
    let (actual, actual_text, items) = if ind.metric == Metric::StartRate {
        let started_items = facts.items.get(&Metric::StartedCount).unwrap_or(&empty);
        let signed_items = facts.items.get(&Metric::SignedCount).unwrap_or(&empty);
        let started = sum_items(Metric::StartedCount, started_items);
        let signed = sum_items(Metric::SignedCount, signed_items);
        let (rate, text) = if signed <= 0 {
            (0, format!("开工 {} 个 / 签约 0.00 个，本期无签约项目，开工率按 0.00% 计", fmt2(started)))
        } else {
            let rate = div_round(started as i128 * 10_000, signed as i128);
            (
                rate,
                format!(
                    "开工 {} 个{} / 签约 {} 个{}，开工率 {}%",
                    fmt2(started),
                    shared_note(started_items),
                    fmt2(signed),
                    shared_note(signed_items),
                    fmt2(rate)
                ),
            )
        };
        let labelled = |prefix: &str, list: &[Item]| list.iter().map(|i| Item { label: format!("{prefix}{}", i.label), ..i.clone() }).collect::<Vec<_>>();
        let mut items = labelled("开工：", started_items);
        items.extend(labelled("签约：", signed_items));
        (rate, text, items)
    } else if let Some(five) = ind.metric.five_rate() {
        let numerator_items = facts.items.get(&ind.metric).unwrap_or(&empty);
        let denominator_items = facts.denominators.get(&ind.metric).unwrap_or(&empty);
        let sum = |list: &[Item]| crate::rates::sum_shared(list.iter().map(|i| (i.value, i.share_percent)));
        let (num, den) = (sum(numerator_items), sum(denominator_items));
        let what = |v: i64| if five.is_amount() { format!("{} 万元", fmt2(v)) } else { format!("{} 个", fmt2(v)) };
        let (rate, text) = match crate::rates::ratio(num, den) {
            None => (0, format!("{}：分母为 0（本期没有计入的项目），按 0.00% 计", five.label())),
            Some(rate) => (rate, format!("{} {}{} ÷ {}{} = {}%", five.label(), what(num), shared_note(numerator_items), what(den), shared_note(denominator_items), fmt2(rate))),
        };
        let labelled = |prefix: &str, list: &[Item]| list.iter().map(|i| Item { label: format!("{prefix}{}", i.label), ..i.clone() }).collect::<Vec<_>>();
        let mut items = labelled("分子：", numerator_items);
        items.extend(labelled("分母：", denominator_items));
        (rate, text, items)
    } else {
        let list = facts.items.get(&ind.metric).unwrap_or(&empty);
        let actual = sum_items(ind.metric, list);
        let lead = if ind.uses_target { "完成" } else { ind.metric.label() };
        (actual, format!("{lead} {}{}", with_unit(actual, ind.metric), shared_note(list)), list.clone())
    };
    if !ind.uses_target {
        return Measured { actual, target: None, rate: None, actual_text, target_text: String::new(), items };
    }
    // No target set is a gap in the bureau's set-up, not an achievement: the indicator scores
    // nothing and says where to fix it. A target of 0, set on purpose, is met.
    let Some(target) = facts.targets.get(&ind.metric).copied() else {
        let text = "，未设置目标，本项完成率按 0 计（请在“任务目标”中设置）".to_string();
        return Measured { actual, target: None, rate: Some(0), actual_text, target_text: text, items };
    };
    let target = target.max(0);
    let (rate, target_text) = if target == 0 {
        (FULL_RATE, format!(" / 目标 {}，目标为 0 视为完成，完成率按 100.00% 计", with_unit(0, ind.metric)))
    } else {
        let rate = div_round(actual as i128 * 10_000, target as i128);
        (rate, format!(" / 目标 {}，完成率 {}%", with_unit(target, ind.metric), fmt2(rate)))
    };
    Measured { actual, target: Some(target), rate: Some(rate), actual_text, target_text, items }
}

/// What an efficacy indicator ranks by: the completion rate when there is a target, else the actual.
fn efficacy_basis(m: &Measured) -> i64 {
    m.rate.unwrap_or(m.actual)
}

/// Points and the rule's half of the explanation. `range` is the group's (worst, best) basis for efficacy.
fn apply(rule: &Rule, metric: Metric, m: &Measured, range: (i64, i64)) -> (i64, String) {
    let unit = metric.unit();
    match *rule {
        Rule::Ratio { weight, cap } => {
            let Some(target) = m.target else {
                return (0, "，本项不计分".to_string());
            };
            if target <= 0 {
                let points = weight.min(cap);
                return (points, format!("，得权重 {} 分 = {} 分（封顶 {} 分）", fmt_short(weight), fmt2(points), fmt_short(cap)));
            }
            let raw = div_round(m.actual as i128 * weight as i128, target as i128).max(0);
            let text = format!("，× 权重 {} = {} 分", fmt_short(weight), fmt2(raw));
            if raw > cap {
                (cap, format!("{text}，超过封顶 {} 分，按 {} 分计", fmt_short(cap), fmt2(cap)))
            } else {
                (raw, format!("{text}（封顶 {} 分）", fmt_short(cap)))
            }
        }
        Rule::Efficacy { weight } => {
            let (worst, best) = range;
            let x = efficacy_basis(m);
            let (what, shown): (&str, fn(i64, Metric) -> String) = if m.rate.is_some() { ("完成率", |v, _| format!("{}%", fmt2(v))) } else { ("", with_unit) };
            if best == worst {
                // Nobody did anything: nobody earns more than the floor of the method.
                if best <= 0 {
                    let points = div_round(weight as i128 * 60, 100);
                    return (points, format!("；全组{what}均为 {}，功效系数均按最低 60 计，得 {} 分", shown(best, metric), fmt2(points)));
                }
                return (weight, format!("；全组{what}相同（均为 {}），无法拉开差距，功效系数均按 100 计，得满分 {} 分", shown(best, metric), fmt2(weight)));
            }
            let spread = (best - worst) as i128;
            let coefficient_num = 60 * spread + 40 * (x - worst) as i128;
            let coefficient = div_round(coefficient_num * 100, spread);
            let points = div_round(weight as i128 * coefficient_num, 100 * spread);
            (
                points,
                format!(
                    "；全组{what}最高 {best_shown}、最低 {worst_shown}，功效系数 = 60 + 40 × ({x} − {w}) ÷ ({b} − {w}) = {c}，× 权重 {weight} ÷ 100 = {p} 分",
                    best_shown = shown(best, metric),
                    worst_shown = shown(worst, metric),
                    b = fmt2(best),
                    w = fmt2(worst),
                    x = fmt2(x),
                    c = fmt2(coefficient),
                    weight = fmt_short(weight),
                    p = fmt2(points)
                ),
            )
        }
        Rule::Points { per, cap } => {
            let raw = div_round(m.actual as i128 * per as i128, 100).max(0);
            let text = format!("，× 每{unit} {} 分 = {} 分", fmt_short(per), fmt2(raw));
            if raw > cap {
                (cap, format!("{text}，超过加分上限 {} 分，按 {} 分计", fmt_short(cap), fmt2(cap)))
            } else {
                (raw, format!("{text}（加分上限 {} 分）", fmt_short(cap)))
            }
        }
        Rule::Deduction { per, cap } => {
            let raw = div_round(m.actual as i128 * per as i128, 100).max(0);
            let text = format!("，× 每{unit}扣 {} 分 = 扣 {} 分", fmt_short(per), fmt2(raw));
            if raw > cap {
                (-cap, format!("{text}，超过扣分上限 {} 分，按扣 {} 分计", fmt_short(cap), fmt2(cap)))
            } else {
                (-raw, format!("{text}（最多扣 {} 分）", fmt_short(cap)))
            }
        }
    }
}

/// What a unit achieved on one metric, in hundredths, counted exactly as `score` counts it
/// (shares applied; StartRate as started ÷ signed in hundredths of a percent).
pub fn actual(metric: Metric, facts: &UnitFacts) -> i64 {
    let probe = Indicator { key: "probe".into(), name: String::new(), metric, uses_target: false, rule: Rule::Points { per: 1, cap: 1 } };
    measure(&probe, facts).actual
}

impl Rule {
    /// The rule in a bureau officer's words, for the scheme page.
    pub fn describe(&self) -> String {
        match *self {
            Rule::Ratio { weight, cap } => format!("完成率 × 权重 {} 分，封顶 {} 分", fmt_short(weight), fmt_short(cap)),
            Rule::Efficacy { weight } => format!("功效系数排名：最好 {} 分，最差 {} 分，之间按比例", fmt_short(weight), fmt2(div_round(weight as i128 * 60, 100))),
            Rule::Points { per, cap } => format!("每项加 {} 分，最多加 {} 分", fmt_short(per), fmt_short(cap)),
            Rule::Deduction { per, cap } => format!("每项扣 {} 分，最多扣 {} 分", fmt_short(per), fmt_short(cap)),
        }
    }
}

/// Scores every unit of the group and ranks them (total descending; ties share the rank, "1,2,2,4" competition ranking; tie order by unit name for display).
/// Efficacy indicators compare the units given here with each other: pass the whole group.
pub fn score(scheme: &Scheme, units: &[UnitFacts]) -> Vec<UnitScore> {
    let measured: Vec<Vec<Measured>> = units.iter().map(|facts| scheme.indicators.iter().map(|ind| measure(ind, facts)).collect()).collect();
    let ranges: Vec<(i64, i64)> = (0..scheme.indicators.len())
        .map(|i| {
            let bases = measured.iter().map(|unit| efficacy_basis(&unit[i]));
            let worst = bases.clone().min().unwrap_or(0);
            let best = bases.max().unwrap_or(0);
            (worst, best)
        })
        .collect();
    let mut scores: Vec<UnitScore> = units
        .iter()
        .zip(measured)
        .map(|(facts, measured)| {
            let indicators: Vec<IndicatorScore> = scheme
                .indicators
                .iter()
                .zip(measured)
                .zip(&ranges)
                .map(|((ind, m), range)| {
                    let (points, rule_text) = apply(&ind.rule, ind.metric, &m, *range);
                    IndicatorScore {
                        key: ind.key.clone(),
                        name: ind.name.clone(),
                        actual: m.actual,
                        target: m.target,
                        points,
                        explanation: format!("{}{}{rule_text}", m.actual_text, m.target_text),
                        items: m.items,
                    }
                })
                .collect();
            UnitScore { unit_id: facts.unit_id, unit_name: facts.unit_name.clone(), total: indicators.iter().map(|i| i.points).sum(), rank: 0, indicators }
        })
        .collect();
    let ranks = competition_ranks(&scores.iter().map(|s| (s.total, s.unit_name.as_str(), s.unit_id)).collect::<Vec<_>>());
    for (score, rank) in scores.iter_mut().zip(&ranks) {
        score.rank = *rank;
    }
    scores.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.unit_name.cmp(&b.unit_name)).then(a.unit_id.cmp(&b.unit_id)));
    scores
}

/// Rank of each entry (total, name, id) by total descending: equal totals share a rank and the next
/// rank skips (1, 2, 2, 4), as in the 通报.
fn competition_ranks(entries: &[(i64, &str, i64)]) -> Vec<u32> {
    entries.iter().map(|(total, _, _)| 1 + entries.iter().filter(|(other, _, _)| other > total).count() as u32).collect()
}

/// Cumulative scheduled target for a month: annual × schedule[month-1] / 100, where schedule is 12 cumulative percentages (时序进度), e.g. [8,16,25,33,41,50,58,66,75,83,91,100].
/// Month 0 (before the year) gives 0 and a month past 12 gives the annual figure.
pub fn scheduled_target(annual: i64, schedule: &[i64; 12], month: u32) -> i64 {
    if month == 0 {
        return 0;
    }
    let percent = schedule[(month.min(12) - 1) as usize];
    div_round(annual as i128 * percent as i128, 100)
}

/// Checks a time schedule: 12 cumulative percentages, each 0–100, never falling, reaching 100 in December.
pub fn check_schedule(schedule: &[i64]) -> Result<(), String> {
    if schedule.len() != 12 {
        return Err(format!("时序进度须为 1–12 月共 12 个累计百分比（现有 {} 个）", schedule.len()));
    }
    for (i, percent) in schedule.iter().enumerate() {
        let month = i + 1;
        if !(0..=100).contains(percent) {
            return Err(format!("{month} 月的累计进度 {percent}% 超出 0–100%"));
        }
        if i > 0 && *percent < schedule[i - 1] {
            return Err(format!("{month} 月的累计进度 {percent}% 低于 {} 月的 {}%：累计进度不能下降", i, schedule[i - 1]));
        }
    }
    if schedule[11] != 100 {
        return Err(format!("12 月的累计进度须为 100%（现为 {}%）", schedule[11]));
    }
    Ok(())
}

/// The even pace, month × 100 / 12 rounded down ([8, 16, 25, …, 91, 100]): the schedule never asks
/// for more than an even share of the year.
pub fn even_schedule() -> [i64; 12] {
    std::array::from_fn(|i| (i as i64 + 1) * 100 / 12)
}

/// Combines monthly totals (a unit missing a month counts as 0 for Sum; Mean divides by the number of months given); ranks and maps ranks to tiers.
/// For Mean, "months given" are the months in which the unit has a score: a unit set up in the
/// quarter's second month is averaged over two months, not penalised for the first.
/// A rank gets the first tier whose `up_to_rank` reaches it, so units tied at a rank share a tier.
pub fn quarter(scheme: &Scheme, months: &[Vec<UnitScore>]) -> Vec<QuarterScore> {
    let mut units: BTreeMap<i64, (String, Vec<Option<i64>>)> = BTreeMap::new();
    for (m, month) in months.iter().enumerate() {
        for score in month {
            let entry = units.entry(score.unit_id).or_insert_with(|| (String::new(), vec![None; months.len()]));
            // The latest month's name wins: a unit renamed in the quarter is shown as it is now.
            entry.0 = score.unit_name.clone();
            entry.1[m] = Some(score.total);
        }
    }
    let mut scores: Vec<QuarterScore> = units
        .into_iter()
        .map(|(unit_id, (unit_name, monthly))| {
            let given: Vec<i64> = monthly.iter().flatten().copied().collect();
            let sum: i64 = given.iter().sum();
            let total = match scheme.quarter_mode {
                QuarterMode::Sum => sum,
                QuarterMode::Mean => div_round(sum as i128, given.len() as i128),
            };
            QuarterScore { unit_id, unit_name, months: monthly, total, rank: 0, tier: None }
        })
        .collect();
    let ranks = competition_ranks(&scores.iter().map(|s| (s.total, s.unit_name.as_str(), s.unit_id)).collect::<Vec<_>>());
    for (score, rank) in scores.iter_mut().zip(&ranks) {
        score.rank = *rank;
        // A reward needs points: a group where nobody scored rewards nobody.
        score.tier = if score.total > 0 { scheme.tiers.iter().find(|t| *rank <= t.up_to_rank).map(|t| t.name.clone()) } else { None };
    }
    scores.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.unit_name.cmp(&b.unit_name)).then(a.unit_id.cmp(&b.unit_id)));
    scores
}

fn indicator(key: &str, name: &str, metric: Metric, uses_target: bool, rule: Rule) -> Indicator {
    Indicator { key: key.into(), name: name.into(), metric, uses_target, rule }
}

fn tiers(list: &[(&str, u32)]) -> Vec<Tier> {
    list.iter().map(|(name, up_to_rank)| Tier { name: (*name).into(), up_to_rank: *up_to_rank }).collect()
}

/// A scheme modelled on published county schemes, for demo data. 产业契合度 counts signed projects:
/// the caller passes only those in the city's chains.
pub fn demo_county_scheme() -> Scheme {
    Scheme {
        name: "2026年县区招商引资月度考核办法".into(),
        group: Group::Counties,
        quarter_mode: QuarterMode::Sum,
        indicators: vec![
            indicator("outside_big", "省外亿元以上项目数", Metric::ProvinceOutsideBigProjects, true, Rule::Ratio { weight: 3000, cap: 3600 }),
            indicator("funds", "到位资金", Metric::FundsInPlace, true, Rule::Ratio { weight: 2000, cap: 2400 }),
            indicator("chain_fit", "产业契合度", Metric::SignedCount, false, Rule::Efficacy { weight: 2000 }),
            indicator("started", "新开工项目数", Metric::StartedCount, true, Rule::Ratio { weight: 1500, cap: 1800 }),
            indicator("requests", "诉求按期办结", Metric::RequestsClosedOnTime, false, Rule::Efficacy { weight: 1500 }),
            indicator("fortune500", "500强企业投资项目", Metric::Fortune500Investors, false, Rule::Points { per: 1000, cap: 2000 }),
            indicator("fake", "核查不实项目", Metric::FakeProjects, false, Rule::Deduction { per: 500, cap: 2000 }),
            indicator("overdue", "逾期未开工项目", Metric::OverdueStarts, false, Rule::Deduction { per: 200, cap: 1000 }),
        ],
        tiers: tiers(&[("一等奖", 1), ("二等奖", 3), ("三等奖", 5)]),
    }
}

/// A ranking-based scheme (all Efficacy) for the out-of-town offices, for demo data.
pub fn demo_office_scheme() -> Scheme {
    Scheme {
        name: "2026年驻外招商机构考核办法".into(),
        group: Group::Offices,
        quarter_mode: QuarterMode::Mean,
        indicators: vec![
            indicator("signed", "签约项目数", Metric::SignedCount, false, Rule::Efficacy { weight: 4000 }),
            indicator("signed_amount", "签约额", Metric::SignedAmount, false, Rule::Efficacy { weight: 4000 }),
            indicator("targets", "对接目标企业", Metric::TargetsContacted, false, Rule::Efficacy { weight: 2000 }),
            indicator("late", "周调度迟报", Metric::LateReports, false, Rule::Deduction { per: 100, cap: 500 }),
        ],
        tiers: tiers(&[("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]),
    }
}

/// num / den rounded half away from zero, saturating at the i64 range; a zero denominator gives 0
/// (every caller handles its zero case before, this only keeps the engine from panicking).
fn div_round(num: i128, den: i128) -> i64 {
    if den == 0 {
        return 0;
    }
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let quotient = num / den;
    let remainder = num % den;
    let rounded = if 2 * remainder.abs() >= den { quotient + num.signum() } else { quotient };
    rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

/// Hundredths with two decimals: 1234 → "12.34", -50 → "-0.50".
fn fmt2(hundredths: i64) -> String {
    let sign = if hundredths < 0 { "-" } else { "" };
    let abs = hundredths.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A value with its unit: "12.00 个", "7500.00 万元", "50.00%".
fn with_unit(hundredths: i64, metric: Metric) -> String {
    match metric.unit() {
        "%" => format!("{}%", fmt2(hundredths)),
        unit => format!("{} {unit}", fmt2(hundredths)),
    }
}

/// Scheme parameters as written in the 办法: 3000 → "30", 1250 → "12.5", 5 → "0.05".
fn fmt_short(hundredths: i64) -> String {
    let text = fmt2(hundredths);
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Items of `n` whole records of the given value.
    fn items(values: &[(i64, i64)]) -> Vec<Item> {
        values.iter().enumerate().map(|(i, (value, share))| Item { id: i as i64 + 1, label: format!("项目{}", i + 1), value: *value, share_percent: *share }).collect()
    }

    /// `n` whole projects of a count metric (value 100 = one project).
    fn count(n: usize) -> Vec<Item> {
        items(&vec![(100, 100); n])
    }

    fn unit(id: i64, name: &str, facts: Vec<(Metric, Vec<Item>)>, targets: &[(Metric, i64)]) -> UnitFacts {
        UnitFacts { unit_id: id, unit_name: name.into(), items: facts.into_iter().collect(), targets: targets.iter().copied().collect(), ..Default::default() }
    }

    fn scheme(indicators: Vec<Indicator>) -> Scheme {
        Scheme { name: "测试办法".into(), group: Group::Counties, quarter_mode: QuarterMode::Sum, indicators, tiers: tiers(&[("一等奖", 1), ("二等奖", 3)]) }
    }

    /// (unit name, rank, total, points per indicator) in display order.
    fn summary(scores: &[UnitScore]) -> Vec<(String, u32, i64, Vec<i64>)> {
        scores.iter().map(|s| (s.unit_name.clone(), s.rank, s.total, s.indicators.iter().map(|i| i.points).collect())).collect()
    }

    fn expect(rows: &[(&str, u32, i64, &[i64])]) -> Vec<(String, u32, i64, Vec<i64>)> {
        rows.iter().map(|(n, r, t, p)| (n.to_string(), *r, *t, p.to_vec())).collect()
    }

    #[test]
    fn div_round_is_half_away_from_zero_and_never_panics() {
        let cases = [((5, 10), 1), ((-5, 10), -1), ((4, 10), 0), ((-4, 10), 0), ((15, 10), 2), ((-15, 10), -2), ((14, 10), 1), ((7, -2), -4), ((1, 0), 0), ((i128::MAX, 1), i64::MAX)];
        for ((num, den), expected) in cases {
            assert_eq!(div_round(num, den), expected, "{num}/{den}");
        }
    }

    #[test]
    fn format_table() {
        let cases = [(1234, "12.34", "12.34"), (-50, "-0.50", "-0.5"), (0, "0.00", "0"), (3000, "30.00", "30"), (1250, "12.50", "12.5"), (5, "0.05", "0.05"), (-1, "-0.01", "-0.01")];
        for (h, two, short) in cases {
            assert_eq!((fmt2(h), fmt_short(h)), (two.to_string(), short.to_string()), "{h}");
        }
    }

    /// (1) Two ratio indicators over three counties, computed by hand:
    /// 签约额 (weight 60, cap 72, 万元):
    ///   甲 3000 + 4500 = 7500 / 10000 = 75.00 % × 60 = 45.00
    ///   乙 13000 / 10000 = 130.00 % × 60 = 78.00 → capped 72.00
    ///   丙 1234.56 / 5000 = 24.69 % ; 1234.56 × 60 / 5000 = 14.81472 → 14.81
    /// 开工数 (weight 40, cap 40):
    ///   甲 2 / 3 × 40 = 26.666… → 26.67 ; 乙 4 / 4 → 40.00 ; 丙 5 / 3 → 66.67 → capped 40.00
    /// Totals: 乙 112.00 (1st), 甲 71.67 (2nd), 丙 54.81 (3rd).
    #[test]
    fn ratio_scheme_by_hand() {
        let s = scheme(vec![
            indicator("amount", "签约额", Metric::SignedAmount, true, Rule::Ratio { weight: 6000, cap: 7200 }),
            indicator("started", "开工数", Metric::StartedCount, true, Rule::Ratio { weight: 4000, cap: 4000 }),
        ]);
        let units = [
            unit(1, "甲县", vec![(Metric::SignedAmount, items(&[(300_000, 100), (450_000, 100)])), (Metric::StartedCount, count(2))], &[(Metric::SignedAmount, 1_000_000), (Metric::StartedCount, 300)]),
            unit(2, "乙县", vec![(Metric::SignedAmount, items(&[(1_300_000, 100)])), (Metric::StartedCount, count(4))], &[(Metric::SignedAmount, 1_000_000), (Metric::StartedCount, 400)]),
            unit(3, "丙县", vec![(Metric::SignedAmount, items(&[(123_456, 100)])), (Metric::StartedCount, count(5))], &[(Metric::SignedAmount, 500_000), (Metric::StartedCount, 300)]),
        ];
        let scores = score(&s, &units);
        assert_eq!(summary(&scores), expect(&[("乙县", 1, 11_200, &[7200, 4000]), ("甲县", 2, 7167, &[4500, 2667]), ("丙县", 3, 5481, &[1481, 4000])]));
        let jia = &scores[1];
        assert_eq!((jia.indicators[0].actual, jia.indicators[0].target), (750_000, Some(1_000_000)));
        assert_eq!(jia.indicators[0].items.len(), 2);
        assert_eq!(jia.indicators[0].explanation, "完成 7500.00 万元 / 目标 10000.00 万元，完成率 75.00%，× 权重 60 = 45.00 分（封顶 72 分）");
        assert_eq!(jia.indicators[1].explanation, "完成 2.00 个 / 目标 3.00 个，完成率 66.67%，× 权重 40 = 26.67 分（封顶 40 分）");
        assert_eq!(scores[0].indicators[0].explanation, "完成 13000.00 万元 / 目标 10000.00 万元，完成率 130.00%，× 权重 60 = 78.00 分，超过封顶 72 分，按 72.00 分计");
        assert_eq!(scores[2].indicators[0].explanation, "完成 1234.56 万元 / 目标 5000.00 万元，完成率 24.69%，× 权重 60 = 14.81 分（封顶 72 分）");
    }

    /// (2) Efficacy over four counties, computed by hand (coefficient = 60 + 40 × (x − worst) / (best − worst)):
    /// 签约项目数 (weight 40, no target): 甲 8, 乙 5, 丙 5, 丁 0 → best 8, worst 0
    ///   甲 100 % → 40.00 ; 乙 丙 60 + 40 × 5/8 = 85 → 34.00 ; 丁 60 → 24.00
    /// 签约额 (weight 60, completion rate): 甲 3000/9000 = 33.33 %, 乙 6000/6000 = 100.00 %,
    ///   丙 9000/9000 = 100.00 %, 丁 0/5000 = 0.00 % → best 100.00, worst 0.00
    ///   甲 60 × (60 + 40 × 33.33/100) / 100 = 60 × 73.332 / 100 = 43.9992 → 44.00 ; 乙 丙 60.00 ; 丁 36.00
    /// Totals: 乙 94.00, 丙 94.00 (tied 1st, shown 丙 before 乙 by name), 甲 84.00 (3rd), 丁 60.00 (4th).
    #[test]
    fn efficacy_scheme_by_hand_with_tie_and_zero() {
        let s = scheme(vec![
            indicator("signed", "签约项目数", Metric::SignedCount, false, Rule::Efficacy { weight: 4000 }),
            indicator("amount", "签约额", Metric::SignedAmount, true, Rule::Efficacy { weight: 6000 }),
        ]);
        let units = [
            unit(1, "甲县", vec![(Metric::SignedCount, count(8)), (Metric::SignedAmount, items(&[(300_000, 100)]))], &[(Metric::SignedAmount, 900_000)]),
            unit(2, "乙县", vec![(Metric::SignedCount, count(5)), (Metric::SignedAmount, items(&[(600_000, 100)]))], &[(Metric::SignedAmount, 600_000)]),
            unit(3, "丙县", vec![(Metric::SignedCount, count(5)), (Metric::SignedAmount, items(&[(900_000, 100)]))], &[(Metric::SignedAmount, 900_000)]),
            unit(4, "丁县", vec![], &[(Metric::SignedAmount, 500_000)]),
        ];
        let scores = score(&s, &units);
        assert_eq!(
            summary(&scores),
            expect(&[("丙县", 1, 9400, &[3400, 6000]), ("乙县", 1, 9400, &[3400, 6000]), ("甲县", 3, 8400, &[4000, 4400]), ("丁县", 4, 6000, &[2400, 3600])])
        );
        let jia = &scores[2];
        assert_eq!(jia.indicators[1].explanation, "完成 3000.00 万元 / 目标 9000.00 万元，完成率 33.33%；全组完成率最高 100.00%、最低 0.00%，功效系数 = 60 + 40 × (33.33 − 0.00) ÷ (100.00 − 0.00) = 73.33，× 权重 60 ÷ 100 = 44.00 分");
        assert_eq!(scores[1].indicators[0].explanation, "新签约项目数 5.00 个；全组最高 8.00 个、最低 0.00 个，功效系数 = 60 + 40 × (5.00 − 0.00) ÷ (8.00 − 0.00) = 85.00，× 权重 40 ÷ 100 = 34.00 分");
        assert_eq!(scores[3].indicators[0].explanation, "新签约项目数 0.00 个；全组最高 8.00 个、最低 0.00 个，功效系数 = 60 + 40 × (0.00 − 0.00) ÷ (8.00 − 0.00) = 60.00，× 权重 40 ÷ 100 = 24.00 分");
    }

    /// (3) Caps and deductions, one unit and one indicator per row.
    #[test]
    fn caps_and_deductions_table() {
        let points = Rule::Points { per: 1000, cap: 2000 };
        let fake = Rule::Deduction { per: 500, cap: 2000 };
        let late = Rule::Deduction { per: 100, cap: 500 };
        // (metric, rule, number of items, expected points, expected explanation)
        let cases: &[(Metric, &Rule, usize, i64, &str)] = &[
            (Metric::Fortune500Investors, &points, 0, 0, "500强企业投资项目数 0.00 个，× 每个 10 分 = 0.00 分（加分上限 20 分）"),
            (Metric::Fortune500Investors, &points, 1, 1000, "500强企业投资项目数 1.00 个，× 每个 10 分 = 10.00 分（加分上限 20 分）"),
            (Metric::Fortune500Investors, &points, 2, 2000, "500强企业投资项目数 2.00 个，× 每个 10 分 = 20.00 分（加分上限 20 分）"),
            (Metric::Fortune500Investors, &points, 3, 2000, "500强企业投资项目数 3.00 个，× 每个 10 分 = 30.00 分，超过加分上限 20 分，按 20.00 分计"),
            (Metric::FakeProjects, &fake, 0, 0, "核查不实项目数 0.00 个，× 每个扣 5 分 = 扣 0.00 分（最多扣 20 分）"),
            (Metric::FakeProjects, &fake, 3, -1500, "核查不实项目数 3.00 个，× 每个扣 5 分 = 扣 15.00 分（最多扣 20 分）"),
            (Metric::FakeProjects, &fake, 4, -2000, "核查不实项目数 4.00 个，× 每个扣 5 分 = 扣 20.00 分（最多扣 20 分）"),
            (Metric::FakeProjects, &fake, 5, -2000, "核查不实项目数 5.00 个，× 每个扣 5 分 = 扣 25.00 分，超过扣分上限 20 分，按扣 20.00 分计"),
            (Metric::LateReports, &late, 7, -500, "周调度逾期报送次数 7.00 次，× 每次扣 1 分 = 扣 7.00 分，超过扣分上限 5 分，按扣 5.00 分计"),
        ];
        for (metric, rule, n, expected, explanation) in cases {
            let s = scheme(vec![indicator("x", "指标", *metric, false, (*rule).clone())]);
            let got = score(&s, &[unit(1, "甲县", vec![(*metric, count(*n))], &[])]);
            assert_eq!((got[0].total, got[0].indicators[0].explanation.as_str()), (*expected, *explanation), "{metric:?} {n}");
        }
    }

    /// (4) A 30 % credit share counts 0.30 of a project and 30 % of its amount; the actual is rounded
    /// half away from zero once (1234.55 万元 × 30 % = 370.365 → 370.37).
    #[test]
    fn credit_shares_count_their_part() {
        let s = scheme(vec![
            indicator("signed", "签约项目数", Metric::SignedCount, false, Rule::Points { per: 1000, cap: 5000 }),
            indicator("amount", "签约额", Metric::SignedAmount, true, Rule::Ratio { weight: 2000, cap: 2000 }),
        ]);
        // (items: value and share, expected count actual, expected amount actual)
        #[allow(clippy::type_complexity)]
        let cases: &[(&[(i64, i64)], i64, i64)] = &[
            (&[(1_000_000, 100)], 100, 1_000_000),
            (&[(1_000_000, 100), (500_000, 30)], 130, 1_150_000),
            (&[(500_000, 30)], 30, 150_000),
            (&[(123_455, 30)], 30, 37_037),
            (&[(500_000, 70), (500_000, 30)], 100, 500_000),
        ];
        for (values, count_actual, amount_actual) in cases {
            let list = items(values);
            let facts = unit(1, "甲县", vec![(Metric::SignedCount, list.clone()), (Metric::SignedAmount, list)], &[(Metric::SignedAmount, 10_000_000)]);
            let got = &score(&s, &[facts])[0];
            assert_eq!((got.indicators[0].actual, got.indicators[1].actual), (*count_actual, *amount_actual), "{values:?}");
            // 10 points per whole project: 0.30 个 → 3.00 分.
            assert_eq!(got.indicators[0].points, count_actual * 10, "{values:?}");
        }
        let facts = unit(1, "甲县", vec![(Metric::SignedCount, items(&[(100, 100), (100, 30)]))], &[]);
        assert_eq!(score(&s, &[facts])[0].indicators[0].explanation, "新签约项目数 1.30 个（含 1 条按分成比例折算），× 每个 10 分 = 13.00 分（加分上限 50 分）");
    }

    #[test]
    fn actual_and_rule_descriptions() {
        let facts = unit(1, "甲县", vec![(Metric::SignedCount, items(&[(100, 100), (100, 30)])), (Metric::StartedCount, items(&[(100, 100)]))], &[]);
        // 1.30 projects signed, 1 started: 76.92 %.
        let rows: &[(Metric, i64)] = &[(Metric::SignedCount, 130), (Metric::StartedCount, 100), (Metric::StartRate, 7692), (Metric::FundsInPlace, 0)];
        for (metric, expected) in rows {
            assert_eq!(actual(*metric, &facts), *expected, "{metric:?}");
        }
        let rules: &[(Rule, &str)] = &[
            (Rule::Ratio { weight: 3000, cap: 3600 }, "完成率 × 权重 30 分，封顶 36 分"),
            (Rule::Efficacy { weight: 1500 }, "功效系数排名：最好 15 分，最差 9.00 分，之间按比例"),
            (Rule::Points { per: 1000, cap: 2000 }, "每项加 10 分，最多加 20 分"),
            (Rule::Deduction { per: 250, cap: 1000 }, "每项扣 2.5 分，最多扣 10 分"),
        ];
        for (rule, text) in rules {
            assert_eq!(rule.describe(), *text);
        }
    }

    /// (5) Zero targets and a group with no spread.
    #[test]
    fn zero_target_and_equal_group() {
        let ratio = indicator("started", "开工数", Metric::StartedCount, true, Rule::Ratio { weight: 3000, cap: 3600 });
        // A target of 0 set on purpose is met: full weight, never the cap, whatever the actual.
        // A missing target scores nothing: the bureau has to set it.
        let cases: &[(usize, Option<i64>, i64)] = &[(3, Some(0), 3000), (0, Some(0), 3000), (2, None, 0), (0, Some(200), 0), (3, Some(200), 3600)];
        for (n, target, expected) in cases {
            let targets: Vec<(Metric, i64)> = target.iter().map(|t| (Metric::StartedCount, *t)).collect();
            let got = score(&scheme(vec![ratio.clone()]), &[unit(1, "甲县", vec![(Metric::StartedCount, count(*n))], &targets)]);
            assert_eq!((got[0].total, got[0].indicators[0].target), (*expected, *target), "{n} {target:?}");
        }
        let got = score(&scheme(vec![ratio.clone()]), &[unit(1, "甲县", vec![(Metric::StartedCount, count(3))], &[(Metric::StartedCount, 0)])]);
        assert_eq!(got[0].indicators[0].explanation, "完成 3.00 个 / 目标 0.00 个，目标为 0 视为完成，完成率按 100.00% 计，得权重 30 分 = 30.00 分（封顶 36 分）");
        let got = score(&scheme(vec![ratio]), &[unit(1, "甲县", vec![(Metric::StartedCount, count(3))], &[])]);
        assert_eq!(got[0].indicators[0].explanation, "完成 3.00 个，未设置目标，本项完成率按 0 计（请在“任务目标”中设置），本项不计分");

        // All equal: best == worst, nobody can be ranked above anybody, so everyone gets the full weight.
        let s = scheme(vec![indicator("signed", "签约项目数", Metric::SignedCount, false, Rule::Efficacy { weight: 2000 })]);
        let units: Vec<UnitFacts> = ["甲县", "乙县", "丙县"].iter().enumerate().map(|(i, n)| unit(i as i64, n, vec![(Metric::SignedCount, count(2))], &[])).collect();
        let got = score(&s, &units);
        assert_eq!(got.iter().map(|u| (u.rank, u.total)).collect::<Vec<_>>(), vec![(1, 2000), (1, 2000), (1, 2000)]);
        assert_eq!(got[0].indicators[0].explanation, "新签约项目数 2.00 个；全组相同（均为 2.00 个），无法拉开差距，功效系数均按 100 计，得满分 20.00 分");
        // All nothing: the floor of the method, 60 % of the weight, not full marks for doing nothing.
        let idle: Vec<UnitFacts> = ["甲县", "乙县"].iter().enumerate().map(|(i, n)| unit(i as i64, n, vec![], &[])).collect();
        let got = score(&s, &idle);
        assert_eq!(got.iter().map(|u| (u.rank, u.total)).collect::<Vec<_>>(), vec![(1, 1200), (1, 1200)]);
        assert_eq!(got[0].indicators[0].explanation, "新签约项目数 0.00 个；全组均为 0.00 个，功效系数均按最低 60 计，得 12.00 分");
        // A single unit is its own best and worst.
        assert_eq!(score(&s, &units[..1])[0].total, 2000);
        // Efficacy on completion rates: a zero target counts as 100 %, here the best of the group.
        let s = scheme(vec![indicator("amount", "签约额", Metric::SignedAmount, true, Rule::Efficacy { weight: 2000 })]);
        let units = [
            unit(1, "甲县", vec![], &[(Metric::SignedAmount, 0)]),
            unit(2, "乙县", vec![(Metric::SignedAmount, items(&[(50_000, 100)]))], &[(Metric::SignedAmount, 100_000)]),
        ];
        // 甲 100 % → 20.00 ; 乙 50 % is the worst → 20 × 60 % = 12.00
        assert_eq!(summary(&score(&s, &units)), expect(&[("甲县", 1, 2000, &[2000]), ("乙县", 2, 1200, &[1200])]));
        // An empty group scores nobody.
        assert_eq!(score(&s, &[]), vec![]);
    }

    /// (6) The start rate: started / signed from the SignedCount and StartedCount items.
    #[test]
    fn start_rate_table() {
        // Ratio against a 60 % target, weight 10, cap 12.
        let s = scheme(vec![indicator("rate", "开工率", Metric::StartRate, true, Rule::Ratio { weight: 1000, cap: 1200 })]);
        // (signed items, started items, expected rate, expected points, explanation)
        #[allow(clippy::type_complexity)]
        let cases: &[(Vec<Item>, Vec<Item>, i64, i64, &str)] = &[
            // 2 / 4 = 50.00 %; 50 / 60 × 10 = 8.333 → 8.33
            (count(4), count(2), 5000, 833, "开工 2.00 个 / 签约 4.00 个，开工率 50.00% / 目标 60.00%，完成率 83.33%，× 权重 10 = 8.33 分（封顶 12 分）"),
            // 3 / 3 = 100 %; 100 / 60 × 10 = 16.67 → capped 12
            (count(3), count(3), 10_000, 1200, "开工 3.00 个 / 签约 3.00 个，开工率 100.00% / 目标 60.00%，完成率 166.67%，× 权重 10 = 16.67 分，超过封顶 12 分，按 12.00 分计"),
            // nothing signed: the rate is 0, not a division by zero
            (vec![], count(1), 0, 0, "开工 1.00 个 / 签约 0.00 个，本期无签约项目，开工率按 0.00% 计 / 目标 60.00%，完成率 0.00%，× 权重 10 = 0.00 分（封顶 12 分）"),
            // signed 2.30 (one at 30 %), started 1: 1 / 2.3 = 43.478 % → 43.48 %; 43.48 / 60 × 10 = 7.2467 → 7.25
            (items(&[(100, 100), (100, 100), (100, 30)]), count(1), 4348, 725, "开工 1.00 个 / 签约 2.30 个（含 1 条按分成比例折算），开工率 43.48% / 目标 60.00%，完成率 72.47%，× 权重 10 = 7.25 分（封顶 12 分）"),
        ];
        for (signed, started, rate, points, explanation) in cases {
            let facts = unit(1, "甲县", vec![(Metric::SignedCount, signed.clone()), (Metric::StartedCount, started.clone())], &[(Metric::StartRate, 6000)]);
            let got = &score(&s, &[facts])[0].indicators[0];
            assert_eq!((got.actual, got.points, got.explanation.as_str()), (*rate, *points, *explanation));
            assert_eq!(got.items.len(), signed.len() + started.len());
        }
        let facts = unit(1, "甲县", vec![(Metric::SignedCount, count(1)), (Metric::StartedCount, count(1))], &[(Metric::StartRate, 6000)]);
        let labels: Vec<String> = score(&s, &[facts])[0].indicators[0].items.iter().map(|i| i.label.clone()).collect();
        assert_eq!(labels, ["开工：项目1", "签约：项目1"]);
    }

    #[test]
    fn five_rates_as_metrics() {
        // Efficacy-ranked 招商引资落地率 and a ratio-scored 计划投资完成率 against an 80 % target.
        let s = scheme(vec![
            indicator("landing", "招商引资落地率", Metric::LandingRate, false, Rule::Efficacy { weight: 1000 }),
            indicator("invest", "计划投资完成率", Metric::InvestmentRate, true, Rule::Ratio { weight: 1000, cap: 1000 }),
        ]);
        let mut a = unit(1, "甲县", vec![(Metric::LandingRate, count(1)), (Metric::InvestmentRate, items(&[(600_00, 100)]))], &[(Metric::InvestmentRate, 8000)]);
        a.denominators = [(Metric::LandingRate, count(2)), (Metric::InvestmentRate, items(&[(1_000_00, 100)]))].into_iter().collect();
        // 乙县 has nothing in any denominator: the rate is 0, not a division by zero.
        let b = unit(2, "乙县", vec![], &[(Metric::InvestmentRate, 8000)]);
        let scores = score(&s, &[a, b]);
        let first = &scores[0];
        assert_eq!(first.unit_name, "甲县");
        assert_eq!(first.indicators[0].actual, 5000);
        assert!(first.indicators[0].explanation.starts_with("招商引资落地率 1.00 个 ÷ 2.00 个 = 50.00%"), "{}", first.indicators[0].explanation);
        assert_eq!(first.indicators[0].items.iter().map(|i| i.label.as_str()).collect::<Vec<_>>(), ["分子：项目1", "分母：项目1", "分母：项目2"]);
        // 600 of 1,000 万 = 60 %; 60 / 80 × 10 = 7.5 分.
        assert_eq!((first.indicators[1].actual, first.indicators[1].points), (6000, 750));
        assert!(first.indicators[1].explanation.starts_with("计划投资完成率 600.00 万元 ÷ 1000.00 万元 = 60.00%"), "{}", first.indicators[1].explanation);
        let second = &scores[1];
        assert_eq!((second.indicators[0].actual, second.indicators[1].points), (0, 0));
        assert!(second.indicators[0].explanation.contains("分母为 0"));
        assert_eq!(Metric::EfficacyRate.unit(), "%");
        assert_eq!(actual(Metric::LandingRate, &scores_facts()), 3333);
    }

    fn scores_facts() -> UnitFacts {
        let mut f = unit(1, "甲县", vec![(Metric::LandingRate, count(1))], &[]);
        f.denominators.insert(Metric::LandingRate, count(3));
        f
    }

    /// (7) Scheduled targets and schedule checks.
    #[test]
    fn schedule_table() {
        assert_eq!(even_schedule(), [8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100]);
        let even = even_schedule();
        let front = [10, 20, 30, 40, 50, 60, 70, 80, 85, 90, 95, 100];
        // (annual, schedule, month, expected)
        let cases: &[(i64, &[i64; 12], u32, i64)] = &[
            (1200, &even, 1, 96),       // 12 × 8 % = 0.96
            (1200, &even, 6, 600),      // half the year
            (1200, &even, 12, 1200),
            (1200, &even, 0, 0),        // before the year
            (1200, &even, 13, 1200),    // past December: the annual figure
            (333, &even, 1, 27),        // 3.33 × 8 % = 0.2664 → 0.27
            (50, &even, 1, 4),          // 0.50 × 8 % = 0.04
            (1_000_000, &front, 9, 850_000),
            (0, &front, 5, 0),
        ];
        for (annual, schedule, month, expected) in cases {
            assert_eq!(scheduled_target(*annual, schedule, *month), *expected, "{annual} {month}");
        }
        let checks: &[(&[i64], Result<(), &str>)] = &[
            (&even, Ok(())),
            (&front, Ok(())),
            (&[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100], Ok(())),
            (&[8, 16, 25], Err("时序进度须为 1–12 月共 12 个累计百分比（现有 3 个）")),
            (&[8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100, 100], Err("时序进度须为 1–12 月共 12 个累计百分比（现有 13 个）")),
            (&[-1, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 100], Err("1 月的累计进度 -1% 超出 0–100%")),
            (&[8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 120, 100], Err("11 月的累计进度 120% 超出 0–100%")),
            (&[8, 16, 25, 33, 40, 39, 58, 66, 75, 83, 91, 100], Err("6 月的累计进度 39% 低于 5 月的 40%：累计进度不能下降")),
            (&[8, 16, 25, 33, 41, 50, 58, 66, 75, 83, 91, 95], Err("12 月的累计进度须为 100%（现为 95%）")),
        ];
        for (schedule, expected) in checks {
            assert_eq!(check_schedule(schedule), expected.map_err(str::to_string), "{schedule:?}");
        }
    }

    fn month(totals: &[(i64, &str, i64)]) -> Vec<UnitScore> {
        totals.iter().map(|(id, name, total)| UnitScore { unit_id: *id, unit_name: name.to_string(), total: *total, rank: 0, indicators: vec![] }).collect()
    }

    /// (8) Quarters: months combined, ranked with ties, ranks mapped to tiers.
    #[test]
    fn quarter_table() {
        let months = vec![
            month(&[(1, "甲县", 9000), (2, "乙县", 8000), (3, "丙县", 7000), (4, "丁县", 9500)]),
            month(&[(1, "甲县", 8000), (2, "乙县", 9000), (3, "丙县", 6000)]), // 丁县 missing
            month(&[(1, "甲县", 7001), (2, "乙县", 7001), (3, "丙县", 9000), (4, "丁县", 8000)]),
        ];
        let s = Scheme { tiers: tiers(&[("一等奖", 1), ("二等奖", 2), ("三等奖", 3)]), ..scheme(vec![]) };
        // Sum: 甲 240.01, 乙 240.01 (tied 1st), 丙 220.00 (3rd), 丁 175.00 (4th, missing month = 0).
        // Tied at 1 both take 一等奖; the next rank is 3, which is 三等奖; rank 4 gets nothing.
        let got = quarter(&s, &months);
        let rows: Vec<(&str, u32, i64, Option<&str>)> = got.iter().map(|q| (q.unit_name.as_str(), q.rank, q.total, q.tier.as_deref())).collect();
        assert_eq!(rows, [("乙县", 1, 24_001, Some("一等奖")), ("甲县", 1, 24_001, Some("一等奖")), ("丙县", 3, 22_000, Some("三等奖")), ("丁县", 4, 17_500, None)]);
        assert_eq!(got[3].months, [Some(9500), None, Some(8000)]);

        // Mean over the months each unit was scored: 甲 (90 + 80 + 70.01) / 3 = 80.0033 → 80.00,
        // 乙 80.00 (tie), 丙 73.33, 丁 (95 + 80) / 2 = 87.50 → 1st.
        let mean = Scheme { quarter_mode: QuarterMode::Mean, ..s.clone() };
        let got = quarter(&mean, &months);
        let rows: Vec<(&str, u32, i64, Option<&str>)> = got.iter().map(|q| (q.unit_name.as_str(), q.rank, q.total, q.tier.as_deref())).collect();
        assert_eq!(rows, [("丁县", 1, 8750, Some("一等奖")), ("乙县", 2, 8000, Some("二等奖")), ("甲县", 2, 8000, Some("二等奖")), ("丙县", 4, 7333, None)]);

        // Mean rounds half away from zero: (0.01 + 0.02) / 2 = 0.015 → 0.02; negatives too.
        let got = quarter(&mean, &[month(&[(1, "甲县", 1), (2, "乙县", -1)]), month(&[(1, "甲县", 2), (2, "乙县", -2)])]);
        assert_eq!(got.iter().map(|q| (q.unit_id, q.total, q.rank)).collect::<Vec<_>>(), [(1, 2, 1), (2, -2, 2)]);
        assert_eq!(quarter(&s, &[]), vec![]);
        // Nobody scored: all tie for first, and nobody is rewarded for nothing.
        let idle = quarter(&s, &[month(&[(1, "甲县", 0), (2, "乙县", 0)])]);
        assert_eq!(idle.iter().map(|q| (q.rank, q.tier.clone())).collect::<Vec<_>>(), [(1, None), (1, None)]);
    }

    /// (9) Scheme checks, one mistake per row.
    #[test]
    fn scheme_check_table() {
        let good = demo_county_scheme();
        let with = |f: &dyn Fn(&mut Scheme)| {
            let mut s = good.clone();
            f(&mut s);
            s
        };
        let cases: Vec<(Scheme, &str)> = vec![
            (with(&|s| s.name = " ".into()), "考核办法名称不能为空"),
            (with(&|s| s.indicators.clear()), "考核办法至少要有一项指标"),
            (with(&|s| s.indicators[1].key = "outside_big".into()), "指标代码「outside_big」重复，每项指标的代码须唯一"),
            (with(&|s| s.indicators[0].key = "省外".into()), "第 1 项指标的代码「省外」无效：只能用小写字母、数字和下划线"),
            (with(&|s| s.indicators[2].name = "".into()), "第 3 项指标（chain_fit）的名称不能为空"),
            (with(&|s| s.indicators[0].rule = Rule::Ratio { weight: -3000, cap: 3600 }), "指标「省外亿元以上项目数」的权重须大于 0（现为 -30）"),
            (with(&|s| s.indicators[0].rule = Rule::Ratio { weight: 3000, cap: 2500 }), "指标「省外亿元以上项目数」的封顶分 25 低于权重 30：完成目标也拿不到满分"),
            (with(&|s| s.indicators[0].uses_target = false), "指标「省外亿元以上项目数」按完成率计分，须使用目标任务"),
            (with(&|s| s.indicators[2].rule = Rule::Efficacy { weight: 0 }), "指标「产业契合度」的权重须大于 0（现为 0）"),
            (with(&|s| s.indicators[2].rule = Rule::Efficacy { weight: 200_000 }), "指标「产业契合度」的权重 2000 分超过上限 1000 分，请检查"),
            (with(&|s| s.indicators[5].rule = Rule::Points { per: 1000, cap: -1 }), "指标「500强企业投资项目」的加分上限须大于 0（现为 -0.01）"),
            (with(&|s| s.indicators[6].rule = Rule::Deduction { per: -500, cap: 2000 }), "指标「核查不实项目」的每项扣分须大于 0（现为 -5）"),
            (with(&|s| s.indicators[6].uses_target = true), "指标「核查不实项目」按项扣分，不使用目标任务，请取消「使用目标」"),
            (with(&|s| s.tiers[1].up_to_rank = 1), "奖励等次「二等奖」截至第 1 名，须大于上一等次的第 1 名（等次按名次由高到低排列）"),
            (with(&|s| s.tiers[0].up_to_rank = 0), "奖励等次「一等奖」截至第 0 名，须大于上一等次的第 0 名（等次按名次由高到低排列）"),
            (with(&|s| s.tiers[2].name = "".into()), "第 3 个奖励等次的名称不能为空"),
        ];
        for (scheme, expected) in cases {
            assert_eq!(scheme.check(), Err(expected.to_string()));
        }
        assert_eq!(with(&|s| s.tiers.clear()).check(), Ok(()));
    }

    /// (10) The demo schemes are valid, add up to 100 before bonuses, and survive storage as JSON and TOML.
    #[test]
    fn demo_schemes_check_and_round_trip() {
        for s in [demo_county_scheme(), demo_office_scheme()] {
            assert_eq!(s.check(), Ok(()), "{}", s.name);
            let weights: i64 = s.indicators.iter().map(|i| match i.rule {
                Rule::Ratio { weight, .. } | Rule::Efficacy { weight } => weight,
                Rule::Points { .. } | Rule::Deduction { .. } => 0,
            }).sum();
            assert_eq!(weights, 10_000, "{}", s.name);
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(serde_json::from_str::<Scheme>(&json).unwrap(), s);
            let toml_text = toml::to_string(&s).unwrap();
            assert_eq!(toml::from_str::<Scheme>(&toml_text).unwrap(), s);
        }
        let json = serde_json::to_value(demo_county_scheme()).unwrap();
        assert_eq!(json["indicators"][0]["rule"], serde_json::json!({"kind": "ratio", "weight": 3000, "cap": 3600}));
        assert_eq!(json["group"], "Counties");
        assert_eq!(demo_county_scheme().quarter_mode, QuarterMode::Sum);
        assert_eq!(demo_office_scheme().quarter_mode, QuarterMode::Mean);
        assert_eq!(demo_office_scheme().group, Group::Offices);
    }

    /// A demo month over three counties, through the demo scheme end to end, and the scores survive JSON (a published run is frozen as such).
    #[test]
    fn demo_county_month_end_to_end() {
        let s = demo_county_scheme();
        let county = |id, name: &str, outside: usize, funds: i64, signed: usize, started: usize, requests: usize, f500: usize, fake: usize, overdue: usize| {
            unit(
                id,
                name,
                vec![
                    (Metric::ProvinceOutsideBigProjects, count(outside)),
                    (Metric::FundsInPlace, items(&[(funds, 100)])),
                    (Metric::SignedCount, count(signed)),
                    (Metric::StartedCount, count(started)),
                    (Metric::RequestsClosedOnTime, count(requests)),
                    (Metric::Fortune500Investors, count(f500)),
                    (Metric::FakeProjects, count(fake)),
                    (Metric::OverdueStarts, count(overdue)),
                ],
                &[(Metric::ProvinceOutsideBigProjects, 400), (Metric::FundsInPlace, 2_000_000), (Metric::StartedCount, 200)],
            )
        };
        let units = [
            // 省外亿元 3/4×30 = 22.50; 到位 15000/20000×20 = 15.00; 契合 6 best → 20.00; 开工 2/2 → 15.00;
            // 诉求 10 best → 15.00; 500强 1 → 10.00; 核查不实 1 → −5.00; 逾期 0 → 0. Total 92.50.
            county(1, "汉台区", 3, 1_500_000, 6, 2, 10, 1, 1, 0),
            // 5/4×30 = 37.50 → 36.00; 30000/20000×20 = 30 → 24.00; 契合 2 worst → 12.00; 开工 1/2×15 = 7.50;
            // 诉求 4 worst → 9.00; 500强 0; 逾期 6 × 2 = 12 → −10.00. Total 78.50.
            county(2, "南郑区", 5, 3_000_000, 2, 1, 4, 0, 0, 6),
            // 4/4 → 30.00; 10000/20000 → 10.00; 契合 4 → 20 × (60 + 40 × 2/4) % = 16.00; 开工 0 → 0;
            // 诉求 7 → 15 × (60 + 40 × 3/6) % = 12.00; 500强 3 → 30 → 20.00. Total 88.00.
            county(3, "城固县", 4, 1_000_000, 4, 0, 7, 3, 0, 0),
        ];
        let got = score(&s, &units);
        assert_eq!(
            summary(&got),
            expect(&[
                ("汉台区", 1, 9250, &[2250, 1500, 2000, 1500, 1500, 1000, -500, 0]),
                ("城固县", 2, 8800, &[3000, 1000, 1600, 0, 1200, 2000, 0, 0]),
                ("南郑区", 3, 7850, &[3600, 2400, 1200, 750, 900, 0, 0, -1000]),
            ])
        );
        let json = serde_json::to_string(&got).unwrap();
        assert_eq!(serde_json::from_str::<Vec<UnitScore>>(&json).unwrap(), got);
    }
}
