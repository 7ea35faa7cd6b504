//! The five rates (五率) by which Shaanxi measures a city and its counties: 招商引资落地率,
//! 前期手续办结率, 储备项目开工率, 计划投资完成率, 竣工投产达效率. Each has a written definition,
//! is computed for any period from the records the caller gathers, and lists the records behind
//! its numerator and denominator with why each does or does not count.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::aftercare::{fmt2, percent1, Conclusion};
use crate::approvals::{self, ItemFacts};
use crate::money::format_wan;

coded!(
    FiveRate {
        Landing = "landing", "招商引资落地率";
        Approvals = "approvals", "前期手续办结率";
        ReserveStart = "reserve_start", "储备项目开工率";
        Investment = "investment", "计划投资完成率";
        Efficacy = "efficacy", "竣工投产达效率";
    }
);

impl FiveRate {
    /// The definition, as printed on the page and in the user guide.
    pub fn definition(self) -> &'static str {
        match self {
            FiveRate::Landing => "统计期内签约（经核查）的项目中，截至期末已开工（经核查）的项目数 ÷ 统计期内签约项目数",
            FiveRate::Approvals => "储备项目（截至期末已签约、期初尚未开工的项目）中，截至期末前期手续全部办结（各项已办结或不涉及）的项目数 ÷ 储备项目数",
            FiveRate::ReserveStart => "储备项目（截至期末已签约、期初尚未开工的项目）中，统计期内开工（经核查）的项目数 ÷ 储备项目数",
            FiveRate::Investment => "有资金到位计划的已签约项目，统计期内经核查的到位资金 ÷ 统计期内按计划应到位的资金（计划额自签约当月至计划到位月按月平均分摊）",
            FiveRate::Efficacy => "已投产（经核查）且约定达产日期（未约定的按投产满一年）不晚于期末的项目中，最近一次达产评价为「达产达效」的项目数 ÷ 这些项目数",
        }
    }

    pub fn is_amount(self) -> bool {
        self == FiveRate::Investment
    }
}

/// A project as the five rates read it; the caller has already decided whether it counts at all
/// (eligible, not dropped, not a pending or merged duplicate).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateProject {
    pub id: i64,
    pub label: String,
    /// The unit's share of the project, in percent (100 = whole; 飞地分成 splits it).
    pub share_percent: i64,
    /// Stage dates, only when the bureau verified that stage (or it needs no check).
    pub signed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub operating_on: Option<NaiveDate>,
    pub approvals: Vec<ItemFacts>,
    pub funds_plan_wan: i64,
    pub funds_plan_by: Option<NaiveDate>,
    /// Verified funds in place: (month, amount).
    pub funds: Vec<(NaiveDate, i64)>,
    /// The committed full-production date (约定达产日期).
    pub full_production_on: Option<NaiveDate>,
    /// The latest evaluation up to the period's end: (year, conclusion).
    pub evaluation: Option<(i32, Conclusion)>,
}

/// One project behind a rate: its part of the numerator and the denominator (raw: 100 per project
/// or the amount), its share, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLine {
    pub id: i64,
    pub label: String,
    pub numerator: i64,
    pub denominator: i64,
    pub share_percent: i64,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateResult {
    pub rate: FiveRate,
    /// Sums with shares applied, in hundredths (projects ×100, amounts in hundredths of 万元).
    pub numerator: i64,
    pub denominator: i64,
    /// Hundredths of a percent; `None` when the denominator is zero.
    pub value: Option<i64>,
    pub explanation: String,
    pub lines: Vec<RateLine>,
}

impl RateResult {
    pub fn shown(&self) -> String {
        self.value.map_or_else(|| "—".to_string(), percent1)
    }
}

fn div_round(num: i128, den: i128) -> i64 {
    if den == 0 {
        return 0;
    }
    i64::try_from((num * 2 + den) / (den * 2)).unwrap_or(i64::MAX)
}

/// Sum of raw values times shares, in hundredths, rounded once.
pub fn sum_shared(values: impl Iterator<Item = (i64, i64)>) -> i64 {
    div_round(values.map(|(v, share)| i128::from(v) * i128::from(share.clamp(0, 100))).sum(), 100)
}

/// A rate from numerator and denominator in hundredths; `None` when there is nothing to divide by.
pub fn ratio(numerator: i64, denominator: i64) -> Option<i64> {
    (denominator > 0).then(|| div_round(i128::from(numerator) * 10_000, i128::from(denominator)))
}

fn within(d: Option<NaiveDate>, from: NaiveDate, to: NaiveDate) -> bool {
    d.is_some_and(|d| d >= from && d <= to)
}

/// A reserve project: signed by the period's end and not started before it began.
fn in_reserve(p: &RateProject, from: NaiveDate, to: NaiveDate) -> bool {
    p.signed_on.is_some_and(|s| s <= to) && p.started_on.is_none_or(|s| s >= from)
}

/// Computes one rate over [from, to] for the projects given (those of one unit, or of the city).
pub fn compute(rate: FiveRate, projects: &[RateProject], from: NaiveDate, to: NaiveDate) -> RateResult {
    let count = |id: i64, label: &str, share: i64, yes: bool, note: String| RateLine { id, label: label.to_string(), numerator: if yes { 100 } else { 0 }, denominator: 100, share_percent: share, note };
    let mut lines = Vec::new();
    for p in projects {
        let share = p.share_percent;
        match rate {
            FiveRate::Landing => {
                if !within(p.signed_on, from, to) {
                    continue;
                }
                let signed = p.signed_on.unwrap_or(from);
                let started = p.started_on.filter(|s| *s <= to);
                let note = match started {
                    Some(s) => format!("{signed} 签约，{s} 开工"),
                    None => format!("{signed} 签约，截至 {to} 未开工"),
                };
                lines.push(count(p.id, &p.label, share, started.is_some(), note));
            }
            FiveRate::Approvals => {
                if !in_reserve(p, from, to) {
                    continue;
                }
                let progress = approvals::progress(&p.approvals, to);
                let note = match &progress.holding {
                    _ if progress.complete => format!("手续已全部办结（{} 项）", progress.required),
                    Some(h) => format!("已办结 {}/{} 项，卡在：{h}", progress.done, progress.required),
                    None => "尚未建立前期手续清单".to_string(),
                };
                lines.push(count(p.id, &p.label, share, progress.complete, note));
            }
            FiveRate::ReserveStart => {
                if !in_reserve(p, from, to) {
                    continue;
                }
                let started = p.started_on.filter(|s| *s >= from && *s <= to);
                let note = match started {
                    Some(s) => format!("{} 签约，{s} 开工", p.signed_on.unwrap_or(from)),
                    None => format!("{} 签约，统计期内未开工", p.signed_on.unwrap_or(from)),
                };
                lines.push(count(p.id, &p.label, share, started.is_some(), note));
            }
            FiveRate::Investment => {
                let (Some(signed), Some(by)) = (p.signed_on.filter(|s| *s <= to), p.funds_plan_by) else { continue };
                if p.funds_plan_wan <= 0 {
                    continue;
                }
                let before = from.pred_opt().unwrap_or(from);
                let due_before = if before < signed { 0 } else { crate::project::expected_funds(p.funds_plan_wan, signed, by, before) };
                let due = crate::project::expected_funds(p.funds_plan_wan, signed, by, to) - due_before;
                if due <= 0 {
                    continue;
                }
                let arrived: i64 = p.funds.iter().filter(|(m, _)| *m >= from && *m <= to).map(|(_, a)| a).sum();
                let note = format!("计划 {} 万元（{signed} 至 {}），本期应到位 {} 万元，实际到位 {} 万元", format_wan(p.funds_plan_wan), by.format("%Y-%m"), format_wan(due), format_wan(arrived));
                lines.push(RateLine { id: p.id, label: p.label.clone(), numerator: arrived, denominator: due, share_percent: share, note });
            }
            FiveRate::Efficacy => {
                let Some(operating) = p.operating_on.filter(|o| *o <= to) else { continue };
                let due = p.full_production_on.unwrap_or_else(|| operating.checked_add_months(chrono::Months::new(12)).unwrap_or(operating));
                if due > to {
                    continue;
                }
                let due_text = if p.full_production_on.is_some() { format!("约定 {due} 达产") } else { format!("{operating} 投产，按满一年 {due} 应达产") };
                let (yes, note) = match p.evaluation {
                    Some((y, c)) => (c == Conclusion::Achieved, format!("{due_text}；{y} 年达产评价：{}", c.label())),
                    None => (false, format!("{due_text}；尚未进行达产评价")),
                };
                lines.push(count(p.id, &p.label, share, yes, note));
            }
        }
    }
    let numerator = sum_shared(lines.iter().map(|l| (l.numerator, l.share_percent)));
    let denominator = sum_shared(lines.iter().map(|l| (l.denominator, l.share_percent)));
    let value = ratio(numerator, denominator);
    let show = |v: i64| if rate.is_amount() { format!("{} 万元", format_wan(v)) } else { format!("{} 个", fmt2(v)) };
    let explanation = match value {
        Some(v) => format!("{} ÷ {} = {}", show(numerator), show(denominator), percent1(v)),
        None => format!("{} 至 {} 没有计入分母的项目，无法计算（分母为 0）", from, to),
    };
    RateResult { rate, numerator, denominator, value, explanation, lines }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::approvals::ApprovalStatus;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn p(id: i64, signed: Option<&str>, started: Option<&str>) -> RateProject {
        RateProject { id, label: format!("项目{id}"), share_percent: 100, signed_on: signed.map(d), started_on: started.map(d), ..Default::default() }
    }

    fn done(name: &str, on: &str) -> ItemFacts {
        ItemFacts { name: name.into(), status: ApprovalStatus::Done, due_on: None, done_on: Some(d(on)), owner: String::new() }
    }

    fn open(name: &str) -> ItemFacts {
        ItemFacts { name: name.into(), status: ApprovalStatus::InProgress, due_on: None, done_on: None, owner: "市生态环境局".into() }
    }

    const FROM: &str = "2026-01-01";
    const TO: &str = "2026-06-30";

    fn run(rate: FiveRate, projects: &[RateProject]) -> RateResult {
        compute(rate, projects, d(FROM), d(TO))
    }

    #[test]
    fn every_rate_has_a_definition() {
        for r in FiveRate::ALL {
            assert!(r.definition().contains('÷'), "{r:?}");
        }
    }

    #[test]
    fn zero_denominators_give_no_rate() {
        for r in FiveRate::ALL {
            let result = run(*r, &[]);
            assert_eq!((result.numerator, result.denominator, result.value), (0, 0, None), "{r:?}");
            assert!(result.explanation.contains("分母为 0"));
            assert_eq!(result.shown(), "—");
        }
        // Projects that are outside every rate's population give no rate either.
        let outside = [p(1, Some("2025-03-01"), Some("2025-06-01")), p(2, None, None)];
        for r in FiveRate::ALL {
            assert_eq!(run(*r, &outside).value, None, "{r:?}");
        }
    }

    #[test]
    fn landing_rate() {
        let projects = [
            p(1, Some("2026-02-01"), Some("2026-05-01")),
            p(2, Some("2026-03-01"), None),
            p(3, Some("2026-04-01"), Some("2026-07-15")), // started after the period: not yet landed
            p(4, Some("2025-12-31"), Some("2026-02-01")), // signed before the period
            p(5, Some("2026-06-30"), Some("2026-06-30")),
        ];
        let r = run(FiveRate::Landing, &projects);
        assert_eq!((r.numerator, r.denominator, r.value), (200, 400, Some(5_000)));
        assert_eq!(r.explanation, "2.00 个 ÷ 4.00 个 = 50.0%");
        assert_eq!(r.lines.iter().map(|l| l.id).collect::<Vec<_>>(), vec![1, 2, 3, 5]);
        assert_eq!(r.lines[2].note, "2026-04-01 签约，截至 2026-06-30 未开工");
    }

    #[test]
    fn credit_shares_split_the_counts() {
        // 30 % of a landed project and a whole one not landed: 0.3 ÷ 1.3.
        let mut shared = p(1, Some("2026-02-01"), Some("2026-03-01"));
        shared.share_percent = 30;
        let r = run(FiveRate::Landing, &[shared, p(2, Some("2026-02-01"), None)]);
        assert_eq!((r.numerator, r.denominator, r.value), (30, 130, Some(2_308)));
    }

    #[test]
    fn approvals_and_reserve_start_rates() {
        let mut a = p(1, Some("2025-10-01"), Some("2026-03-01")); // in reserve at the start, started in the period
        a.approvals = vec![done("用地预审", "2025-11-01"), done("施工许可", "2026-02-20")];
        let mut b = p(2, Some("2026-02-01"), None); // an item still open
        b.approvals = vec![done("用地预审", "2026-03-01"), open("环境影响评价")];
        let c = p(3, Some("2026-05-01"), None); // no checklist yet
        let mut e = p(4, Some("2026-01-10"), None); // done only after the period
        e.approvals = vec![done("用地预审", "2026-07-02")];
        let old = p(5, Some("2024-01-01"), Some("2024-06-01")); // started before the period: not reserve
        let projects = [a, b, c, e, old];

        let r = run(FiveRate::Approvals, &projects);
        assert_eq!((r.numerator, r.denominator, r.value), (100, 400, Some(2_500)));
        assert_eq!(r.lines[0].note, "手续已全部办结（2 项）");
        assert_eq!(r.lines[1].note, "已办结 1/2 项，卡在：环境影响评价（办理中，责任单位：市生态环境局）");
        assert_eq!(r.lines[2].note, "尚未建立前期手续清单");
        assert!(r.lines[3].note.contains("卡在：用地预审"));

        let s = run(FiveRate::ReserveStart, &projects);
        assert_eq!((s.numerator, s.denominator, s.value), (100, 400, Some(2_500)));
        assert_eq!(s.lines[0].note, "2025-10-01 签约，2026-03-01 开工");
        assert_eq!(s.lines[1].note, "2026-02-01 签约，统计期内未开工");
    }

    #[test]
    fn investment_rate() {
        // 1,200 万 planned from 2025-07 to 2026-06 (12 months, 100 a month): 600 due in the period.
        let mut a = p(1, Some("2025-07-10"), None);
        a.funds_plan_wan = 1_200_00;
        a.funds_plan_by = Some(d("2026-06-30"));
        a.funds = vec![(d("2025-12-01"), 500_00), (d("2026-02-01"), 300_00), (d("2026-05-01"), 150_00)];
        // Signed in March, 300 planned by May: all 300 due in the period; 300 arrived.
        let mut b = p(2, Some("2026-03-05"), None);
        b.funds_plan_wan = 300_00;
        b.funds_plan_by = Some(d("2026-05-31"));
        b.funds = vec![(d("2026-04-01"), 300_00)];
        let no_plan = p(3, Some("2026-02-01"), None);
        let r = run(FiveRate::Investment, &[a, b, no_plan]);
        assert_eq!((r.numerator, r.denominator), (750_00, 900_00));
        assert_eq!(r.value, Some(8_333));
        assert_eq!(r.explanation, "750 万元 ÷ 900 万元 = 83.3%");
        assert_eq!(r.lines[0].note, "计划 1,200 万元（2025-07-10 至 2026-06），本期应到位 600 万元，实际到位 450 万元");
        assert_eq!(r.lines.len(), 2, "a project without a plan is not in the denominator");
    }

    #[test]
    fn efficacy_rate() {
        let operating = |id: i64, on: &str| {
            let mut x = p(id, Some("2023-01-01"), Some("2023-06-01"));
            x.operating_on = Some(d(on));
            x
        };
        let mut achieved = operating(1, "2024-06-01");
        achieved.evaluation = Some((2025, Conclusion::Achieved));
        let mut partly = operating(2, "2024-06-01");
        partly.evaluation = Some((2025, Conclusion::Partly));
        let unevaluated = operating(3, "2025-05-01"); // a year on: due 2026-05-01
        let young = operating(4, "2025-12-01"); // due 2026-12-01: not yet
        let mut promised_later = operating(5, "2024-01-01");
        promised_later.full_production_on = Some(d("2026-12-31"));
        let r = run(FiveRate::Efficacy, &[achieved, partly, unevaluated, young, promised_later]);
        assert_eq!((r.numerator, r.denominator, r.value), (100, 300, Some(3_333)));
        assert_eq!(r.lines[0].note, "2024-06-01 投产，按满一年 2025-06-01 应达产；2025 年达产评价：达产达效");
        assert_eq!(r.lines[2].note, "2025-05-01 投产，按满一年 2026-05-01 应达产；尚未进行达产评价");
    }
}
