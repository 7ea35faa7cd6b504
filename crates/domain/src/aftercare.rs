//! After a project lands (达产达效 and 企业全周期服务): what the company committed against what it
//! reports each year, the per-mu intensities (亩均), the yearly evaluation, the conditions of its
//! policy package, and the risk signals that say it may need help or may expand.
//!
//! Amounts are hundredths of 万元 as everywhere; land is hundredths of a 亩; jobs are whole people;
//! rates are hundredths of a percent (100.00 % → 10000).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::money::format_wan;

coded!(
    /// What a company commits to and reports.
    Indicator {
        Investment = "investment", "累计完成投资";
        Fixed = "fixed", "固定资产投资";
        Output = "output", "年产值";
        Tax = "tax", "年税收";
        Jobs = "jobs", "就业人数";
    }
);

coded!(
    /// The yearly evaluation's conclusion (达产评价).
    Conclusion {
        Achieved = "achieved", "达产达效";
        Partly = "partly", "基本达效";
        Behind = "behind", "未达效";
    }
);

coded!(
    /// What a visit found about the company's course.
    Signal {
        Stable = "stable", "经营正常";
        Expanding = "expanding", "有扩产意向";
        Shrinking = "shrinking", "经营收缩";
        Relocating = "relocating", "有外迁意向";
        Difficulty = "difficulty", "经营困难";
    }
);

coded!(
    RiskLevel {
        Low = "low", "低";
        Medium = "medium", "中";
        High = "high", "高";
    }
);

/// Fulfilment at or above this is met (100 %).
pub const MET: i64 = 10_000;
/// Every indicator at or above this is 基本达效 (80 %).
pub const PARTLY: i64 = 8_000;
/// Below this an indicator is far behind (50 %): a high risk.
pub const FAR_BEHIND: i64 = 5_000;
/// Output or tax at or above this shows room to expand (120 %).
pub const EXPANDING: i64 = 12_000;

impl Indicator {
    pub fn is_amount(self) -> bool {
        self != Indicator::Jobs
    }

    pub fn unit(self) -> &'static str {
        if self.is_amount() { "万元" } else { "人" }
    }

    /// A value of this indicator as people read it: 1,200 万元, 350 人.
    pub fn show(self, value: i64) -> String {
        if self.is_amount() { format!("{} 万元", format_wan(value)) } else { format!("{value} 人") }
    }
}

/// The five figures of a commitment or of a year's results; `None` is not committed / not reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub investment_wan: Option<i64>,
    pub fixed_wan: Option<i64>,
    pub output_wan: Option<i64>,
    pub tax_wan: Option<i64>,
    pub jobs: Option<i64>,
}

impl Figures {
    pub fn get(&self, i: Indicator) -> Option<i64> {
        match i {
            Indicator::Investment => self.investment_wan,
            Indicator::Fixed => self.fixed_wan,
            Indicator::Output => self.output_wan,
            Indicator::Tax => self.tax_wan,
            Indicator::Jobs => self.jobs,
        }
    }
}

fn div_round(num: i128, den: i128) -> i64 {
    if den == 0 {
        return 0;
    }
    let q = (num.abs() * 2 + den.abs()) / (den.abs() * 2);
    i64::try_from(if (num < 0) != (den < 0) { -q } else { q }).unwrap_or(i64::MAX)
}

/// 12.34 from 1234 hundredths.
pub fn fmt2(v: i64) -> String {
    format!("{}{}.{:02}", if v < 0 { "-" } else { "" }, v.abs() / 100, v.abs() % 100)
}

/// A percentage with one decimal, from hundredths of a percent (UI.md: one decimal).
pub fn percent1(rate: i64) -> String {
    let tenths = div_round(i128::from(rate), 10);
    format!("{}{}.{}%", if tenths < 0 { "-" } else { "" }, tenths.abs() / 10, tenths.abs() % 10)
}

/// Parses a number with up to two decimals (80, 80.5, 80.25亩) into hundredths.
pub fn parse_hundredths(text: &str, label: &str) -> Result<i64, String> {
    let t = text.trim().trim_end_matches('亩').trim_end_matches('人').trim().replace([',', '，'], "");
    let bad = || format!("「{label}」应为数字，最多两位小数（例：80 或 80.5）");
    let (int, frac) = t.split_once('.').unwrap_or((&t, ""));
    if int.is_empty() || int.len() > 12 || frac.len() > 2 || !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let int: i64 = int.parse().map_err(|_| bad())?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    Ok(int * 100 + frac)
}

/// Per-mu intensities (亩均): investment (固定资产投资 ÷ 亩) and tax and output (÷ 亩), in
/// hundredths of 万元 per 亩, with how each was worked out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Intensity {
    pub investment_per_mu: Option<i64>,
    pub tax_per_mu: Option<i64>,
    pub output_per_mu: Option<i64>,
    pub explanation: Vec<String>,
}

pub fn intensity(f: &Figures, land_mu: Option<i64>) -> Intensity {
    let mut explanation = Vec::new();
    let Some(mu) = land_mu.filter(|m| *m > 0) else {
        explanation.push("未填写用地面积，无法计算亩均指标".into());
        return Intensity { investment_per_mu: None, tax_per_mu: None, output_per_mu: None, explanation };
    };
    let per = |v: Option<i64>, what: &str, explanation: &mut Vec<String>| {
        let v = v?;
        // hundredths of 万元 ÷ hundredths of 亩 = 万元/亩; kept in hundredths.
        let r = div_round(i128::from(v) * 100, i128::from(mu));
        explanation.push(format!("亩均{what} = {} 万元 ÷ {} 亩 = {} 万元/亩", format_wan(v), fmt2(mu), fmt2(r)));
        Some(r)
    };
    // 亩均投资 is the fixed-asset investment per mu; total investment when fixed is not given.
    let invest = f.fixed_wan.or(f.investment_wan);
    let investment_per_mu = per(invest, if f.fixed_wan.is_some() { "投资（固定资产投资）" } else { "投资（总投资）" }, &mut explanation);
    let tax_per_mu = per(f.tax_wan, "税收", &mut explanation);
    let output_per_mu = per(f.output_wan, "产值", &mut explanation);
    Intensity { investment_per_mu, tax_per_mu, output_per_mu, explanation }
}

/// One indicator's result against its commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fulfilment {
    pub indicator: Indicator,
    pub committed: i64,
    pub actual: Option<i64>,
    /// actual ÷ committed, hundredths of a percent; `None` when not reported.
    pub rate: Option<i64>,
    pub shortfall: bool,
    pub text: String,
}

/// Results against commitments, indicator by indicator; only committed (non-zero) indicators are
/// measured. A committed indicator not reported is a shortfall: the company owes the figure.
pub fn fulfilment(committed: &Figures, actual: &Figures) -> Vec<Fulfilment> {
    Indicator::ALL
        .iter()
        .filter_map(|i| {
            let c = committed.get(*i).filter(|c| *c > 0)?;
            let a = actual.get(*i);
            let (rate, text) = match a {
                None => (None, format!("{}：承诺 {}，未报送", i.label(), i.show(c))),
                Some(a) => {
                    let r = div_round(i128::from(a) * 10_000, i128::from(c));
                    let gap = if r < MET { format!("，差 {}", i.show(c - a)) } else { String::new() };
                    (Some(r), format!("{}：承诺 {}，实际 {}，完成 {}{gap}", i.label(), i.show(c), i.show(a), percent1(r)))
                }
            };
            Some(Fulfilment { indicator: *i, committed: c, actual: a, rate, shortfall: rate.is_none_or(|r| r < MET), text })
        })
        .collect()
}

/// A year's evaluation (达产评价).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    pub conclusion: Conclusion,
    pub lines: Vec<Fulfilment>,
    pub reasons: Vec<String>,
}

/// Evaluates a year: 达产达效 when every committed indicator is met, 基本达效 when every one is at
/// least 80 %, else 未达效. Nothing committed cannot be evaluated.
pub fn evaluate(committed: &Figures, actual: &Figures) -> Result<Evaluation, String> {
    let lines = fulfilment(committed, actual);
    if lines.is_empty() {
        return Err("尚未填写承诺指标（投资、产值、税收或就业），无法评价".into());
    }
    let worst = lines.iter().map(|l| l.rate.unwrap_or(0)).min().unwrap_or(0);
    let conclusion = if worst >= MET {
        Conclusion::Achieved
    } else if worst >= PARTLY {
        Conclusion::Partly
    } else {
        Conclusion::Behind
    };
    let mut reasons: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
    reasons.push(match conclusion {
        Conclusion::Achieved => "各项承诺指标均已完成，评为达产达效".to_string(),
        Conclusion::Partly => format!("最低一项完成 {}，不低于 80%，评为基本达效", percent1(worst)),
        Conclusion::Behind => format!("最低一项完成 {}，低于 80%，评为未达效", percent1(worst)),
    });
    Ok(Evaluation { conclusion, lines, reasons })
}

/// Risk thresholds, kept as a setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskRules {
    /// No visit for this many days is a medium risk.
    pub no_visit_days: i64,
    /// A request overdue this many days is a high risk.
    pub request_high_days: i64,
    /// A visit's signal older than this no longer counts.
    pub signal_days: i64,
}

impl Default for RiskRules {
    fn default() -> Self {
        RiskRules { no_visit_days: 90, request_high_days: 30, signal_days: 180 }
    }
}

impl RiskRules {
    pub fn check(&self) -> Result<(), String> {
        for (v, what) in [(self.no_visit_days, "未走访天数"), (self.request_high_days, "诉求逾期高风险天数"), (self.signal_days, "走访信号有效天数")] {
            if !(1..=3650).contains(&v) {
                return Err(format!("「{what}」应在 1–3650 天之间（现为 {v}）"));
            }
        }
        Ok(())
    }
}

/// What the risk rules read about one landed company.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RiskFacts {
    /// When it landed (its first project started).
    pub landed_on: Option<NaiveDate>,
    pub last_visit: Option<NaiveDate>,
    /// (what the request is about, days past its deadline)
    pub overdue_requests: Vec<(String, i64)>,
    /// The latest year's fulfilment of each committed indicator: (year, lines).
    pub fulfilment: Option<(i32, Vec<Fulfilment>)>,
    /// The latest signal noted on a visit: (signal, day, note).
    pub signal: Option<(Signal, NaiveDate, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Risk {
    pub level: RiskLevel,
    pub reasons: Vec<String>,
    pub expanding: bool,
    pub expand_reasons: Vec<String>,
}

/// Reads a company's signals into a level with its reasons. Any high signal makes it high; two or
/// more medium signals together are high; one is medium; none is low.
pub fn risk(f: &RiskFacts, rules: &RiskRules, today: NaiveDate) -> Risk {
    let mut high = Vec::new();
    let mut medium = Vec::new();
    let mut expand_reasons = Vec::new();

    let signal = f.signal.as_ref().filter(|(_, on, _)| (today - *on).num_days() <= rules.signal_days);
    if let Some((s, on, note)) = signal {
        let note = if note.trim().is_empty() { String::new() } else { format!("：{}", note.trim()) };
        let text = format!("{on} 走访记录：{}{note}", s.label());
        match s {
            Signal::Relocating => high.push(text),
            Signal::Difficulty | Signal::Shrinking => medium.push(text),
            Signal::Expanding => expand_reasons.push(text),
            Signal::Stable => {}
        }
    }

    for (what, days) in &f.overdue_requests {
        let text = format!("诉求「{what}」已逾期 {days} 天");
        if *days >= rules.request_high_days { high.push(text) } else { medium.push(text) }
    }

    if let Some((year, lines)) = &f.fulfilment {
        for l in lines.iter().filter(|l| l.shortfall) {
            let text = format!("{year} 年{}", l.text);
            match l.rate {
                Some(r) if r >= PARTLY => {}
                Some(r) if r >= FAR_BEHIND => medium.push(text),
                _ => high.push(text),
            }
        }
        for l in lines.iter().filter(|l| matches!(l.indicator, Indicator::Output | Indicator::Tax)) {
            if l.rate.is_some_and(|r| r >= EXPANDING) {
                expand_reasons.push(format!("{year} 年{}，超出承诺，具备扩产潜力", l.text));
            }
        }
    }

    match f.last_visit {
        Some(v) if (today - v).num_days() > rules.no_visit_days => medium.push(format!("已 {} 天未走访（上次 {v}）", (today - v).num_days())),
        None if f.landed_on.is_some_and(|l| (today - l).num_days() > rules.no_visit_days) => medium.push("落地以来没有走访记录".into()),
        _ => {}
    }

    let level = if !high.is_empty() || medium.len() >= 2 {
        RiskLevel::High
    } else if !medium.is_empty() {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    };
    let mut reasons: Vec<String> = high.into_iter().chain(medium.iter().cloned()).collect();
    if level == RiskLevel::High && reasons.len() == medium.len() {
        reasons.push(format!("{} 项中风险信号叠加，升为高风险", medium.len()));
    }
    if reasons.is_empty() {
        reasons.push("无风险信号".into());
    }
    Risk { level, reasons, expanding: !expand_reasons.is_empty(), expand_reasons }
}

/// A condition of a policy item tied to a commitment: the indicator must reach `threshold` in a
/// reported year (e.g. 年税收 ≥ 500 万元).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PolicyCondition {
    pub indicator: Indicator,
    pub threshold: i64,
}

/// Whether a condition is met by the latest reported year, and why.
pub fn condition_met(c: &PolicyCondition, latest: Option<(i32, &Figures)>) -> (bool, String) {
    let wanted = format!("{} ≥ {}", c.indicator.label(), c.indicator.show(c.threshold));
    match latest.map(|(y, f)| (y, f.get(c.indicator))) {
        None => (false, format!("{wanted}：尚无报送的年度实绩")),
        Some((y, None)) => (false, format!("{wanted}：{y} 年未报送该项")),
        Some((y, Some(v))) if v >= c.threshold => (true, format!("{wanted}：{y} 年实际 {}，已达成", c.indicator.show(v))),
        Some((y, Some(v))) => (false, format!("{wanted}：{y} 年实际 {}，未达成", c.indicator.show(v))),
    }
}

/// Whether a payment (兑现) of `amount` may be recorded: the item passed its fair-competition
/// review, every condition is met, and the total paid stays within what was promised.
pub fn check_payment(promised: i64, paid: i64, amount: i64, review_passed: bool, conditions: &[(bool, String)]) -> Result<(), String> {
    if amount <= 0 {
        return Err("兑现金额应大于 0".into());
    }
    if !review_passed {
        return Err("该政策事项尚未通过公平竞争审查，不能兑现".into());
    }
    let unmet: Vec<&str> = conditions.iter().filter(|(ok, _)| !ok).map(|(_, t)| t.as_str()).collect();
    if !unmet.is_empty() {
        return Err(format!("兑现条件未达成：{}", unmet.join("；")));
    }
    if paid + amount > promised {
        return Err(format!("累计兑现 {} 万元将超过承诺的 {} 万元（已兑现 {} 万元）", format_wan(paid + amount), format_wan(promised), format_wan(paid)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn figures(investment: Option<i64>, fixed: Option<i64>, output: Option<i64>, tax: Option<i64>, jobs: Option<i64>) -> Figures {
        Figures { investment_wan: investment, fixed_wan: fixed, output_wan: output, tax_wan: tax, jobs }
    }

    #[test]
    fn intensity_table() {
        // 5 亿 fixed investment on 80 亩: 625 万元/亩; 1,200 万元 tax: 15 万元/亩.
        let f = figures(Some(60_000_00), Some(50_000_00), Some(80_000_00), Some(1_200_00), Some(300));
        let i = intensity(&f, Some(80_00));
        assert_eq!((i.investment_per_mu, i.tax_per_mu, i.output_per_mu), (Some(625_00), Some(15_00), Some(1_000_00)));
        assert_eq!(i.explanation[0], "亩均投资（固定资产投资） = 50,000 万元 ÷ 80.00 亩 = 625.00 万元/亩");
        assert_eq!(i.explanation[1], "亩均税收 = 1,200 万元 ÷ 80.00 亩 = 15.00 万元/亩");
        // A third of a mu rounds half away from zero.
        let odd = intensity(&figures(None, None, None, Some(100_00), None), Some(3_00));
        assert_eq!(odd.tax_per_mu, Some(33_33));
        // Total investment stands in when fixed is not given.
        let total = intensity(&figures(Some(1_000_00), None, None, None, None), Some(10_00));
        assert_eq!(total.investment_per_mu, Some(100_00));
        assert!(total.explanation[0].contains("总投资"));
        // No land, or zero land: nothing per mu, and it says why.
        for land in [None, Some(0)] {
            let none = intensity(&f, land);
            assert_eq!((none.investment_per_mu, none.tax_per_mu), (None, None));
            assert_eq!(none.explanation, vec!["未填写用地面积，无法计算亩均指标"]);
        }
    }

    #[test]
    fn fulfilment_and_evaluation_table() {
        let committed = figures(Some(50_000_00), Some(40_000_00), Some(100_000_00), Some(2_000_00), Some(400));
        // (results, conclusion, worst text)
        let cases: &[(Figures, Result<Conclusion, &str>, &str)] = &[
            (figures(Some(50_000_00), Some(40_000_00), Some(120_000_00), Some(2_000_00), Some(400)), Ok(Conclusion::Achieved), "各项承诺指标均已完成"),
            (figures(Some(50_000_00), Some(40_000_00), Some(80_000_00), Some(2_000_00), Some(400)), Ok(Conclusion::Partly), "最低一项完成 80.0%"),
            (figures(Some(50_000_00), Some(40_000_00), Some(79_990_00), Some(2_000_00), Some(400)), Ok(Conclusion::Behind), "最低一项完成 80.0%，低于 80%"),
            // Not reporting a committed figure is a shortfall of everything.
            (figures(Some(50_000_00), Some(40_000_00), Some(100_000_00), None, Some(400)), Ok(Conclusion::Behind), "年税收：承诺 2,000 万元，未报送"),
        ];
        for (actual, conclusion, text) in cases {
            let e = evaluate(&committed, actual);
            assert_eq!(e.as_ref().map(|e| e.conclusion).map_err(|m| m.as_str()), conclusion.map_err(|m| m), "{actual:?}");
            assert!(e.unwrap().reasons.iter().any(|r| r.contains(text)), "{text}");
        }
        let lines = fulfilment(&committed, &figures(Some(25_000_00), None, Some(150_000_00), Some(1_500_00), Some(410)));
        let by = |i: Indicator| lines.iter().find(|l| l.indicator == i).unwrap().clone();
        assert_eq!(by(Indicator::Investment).rate, Some(5_000));
        assert_eq!(by(Indicator::Investment).text, "累计完成投资：承诺 50,000 万元，实际 25,000 万元，完成 50.0%，差 25,000 万元");
        assert!(by(Indicator::Investment).shortfall);
        assert_eq!(by(Indicator::Fixed).rate, None);
        assert!(by(Indicator::Fixed).shortfall);
        assert_eq!(by(Indicator::Output).rate, Some(15_000));
        assert!(!by(Indicator::Output).shortfall);
        assert_eq!(by(Indicator::Tax).text, "年税收：承诺 2,000 万元，实际 1,500 万元，完成 75.0%，差 500 万元");
        assert_eq!(by(Indicator::Jobs).text, "就业人数：承诺 400 人，实际 410 人，完成 102.5%");
        // Uncommitted (None or 0) indicators are not measured; nothing committed cannot be evaluated.
        assert_eq!(fulfilment(&figures(Some(0), None, Some(1_00), None, None), &Figures::default()).len(), 1);
        assert!(evaluate(&Figures::default(), &committed).unwrap_err().contains("尚未填写承诺指标"));
    }

    #[test]
    fn parse_hundredths_table() {
        let cases: &[(&str, Result<i64, ()>)] = &[("80", Ok(80_00)), ("80.5", Ok(80_50)), ("80.25亩", Ok(80_25)), ("1,200", Ok(1_200_00)), ("0", Ok(0)), ("-3", Err(())), ("8.123", Err(())), ("八十", Err(())), ("", Err(()))];
        for (text, want) in cases {
            assert_eq!(parse_hundredths(text, "用地面积").map_err(|_| ()), *want, "{text}");
        }
        assert_eq!(percent1(9_995), "100.0%");
        assert_eq!(percent1(7_549), "75.5%");
    }

    fn line(indicator: Indicator, rate: Option<i64>) -> Fulfilment {
        Fulfilment { indicator, committed: 100_00, actual: rate.map(|r| r / 100), rate, shortfall: rate.is_none_or(|r| r < MET), text: format!("{}完成 {:?}", indicator.label(), rate) }
    }

    #[test]
    fn risk_table() {
        let today = d("2026-11-27");
        let rules = RiskRules::default();
        let visited = Some(d("2026-11-01"));
        let base = RiskFacts { landed_on: Some(d("2024-05-01")), last_visit: visited, ..Default::default() };
        let with = |f: &dyn Fn(&mut RiskFacts)| {
            let mut facts = base.clone();
            f(&mut facts);
            facts
        };
        // (facts, level, a reason it must give)
        let cases: Vec<(RiskFacts, RiskLevel, &str)> = vec![
            (base.clone(), RiskLevel::Low, "无风险信号"),
            (with(&|f| f.signal = Some((Signal::Relocating, d("2026-10-20"), "拟迁往成都".into()))), RiskLevel::High, "2026-10-20 走访记录：有外迁意向：拟迁往成都"),
            (with(&|f| f.signal = Some((Signal::Difficulty, d("2026-10-20"), String::new()))), RiskLevel::Medium, "走访记录：经营困难"),
            (with(&|f| f.signal = Some((Signal::Shrinking, d("2026-10-20"), String::new()))), RiskLevel::Medium, "经营收缩"),
            // A signal older than 180 days no longer counts.
            (with(&|f| f.signal = Some((Signal::Relocating, d("2026-04-01"), String::new()))), RiskLevel::Low, "无风险信号"),
            (with(&|f| f.overdue_requests = vec![("用电报装".into(), 5)]), RiskLevel::Medium, "诉求「用电报装」已逾期 5 天"),
            (with(&|f| f.overdue_requests = vec![("用电报装".into(), 30)]), RiskLevel::High, "已逾期 30 天"),
            (with(&|f| f.last_visit = Some(d("2026-08-01"))), RiskLevel::Medium, "已 118 天未走访（上次 2026-08-01）"),
            (with(&|f| f.last_visit = Some(d("2026-08-29"))), RiskLevel::Low, "无风险信号"),
            (with(&|f| f.last_visit = None), RiskLevel::Medium, "落地以来没有走访记录"),
            (with(&|f| { f.last_visit = None; f.landed_on = Some(d("2026-10-01")) }), RiskLevel::Low, "无风险信号"),
            (with(&|f| f.fulfilment = Some((2025, vec![line(Indicator::Tax, Some(7_000))]))), RiskLevel::Medium, "2025 年年税收完成"),
            (with(&|f| f.fulfilment = Some((2025, vec![line(Indicator::Tax, Some(4_000))]))), RiskLevel::High, "2025 年年税收"),
            (with(&|f| f.fulfilment = Some((2025, vec![line(Indicator::Jobs, None)]))), RiskLevel::High, "就业人数完成 None"),
            // 80–100 % is a shortfall shown on the page, not a risk.
            (with(&|f| f.fulfilment = Some((2025, vec![line(Indicator::Tax, Some(9_000))]))), RiskLevel::Low, "无风险信号"),
            // Two medium signals together are high, and it says so.
            (
                with(&|f| {
                    f.last_visit = Some(d("2026-01-01"));
                    f.overdue_requests = vec![("招工".into(), 3)];
                }),
                RiskLevel::High,
                "2 项中风险信号叠加，升为高风险",
            ),
        ];
        for (facts, level, reason) in &cases {
            let r = risk(facts, &rules, today);
            assert_eq!(r.level, *level, "{facts:?}: {:?}", r.reasons);
            assert!(r.reasons.iter().any(|x| x.contains(reason)), "{reason} not in {:?}", r.reasons);
        }
        let expanding = risk(&with(&|f| f.signal = Some((Signal::Expanding, d("2026-11-20"), "拟建二期".into()))), &rules, today);
        assert!(expanding.expanding && expanding.level == RiskLevel::Low);
        assert_eq!(expanding.expand_reasons, vec!["2026-11-20 走访记录：有扩产意向：拟建二期"]);
        let over = risk(&with(&|f| f.fulfilment = Some((2025, vec![line(Indicator::Output, Some(13_000)), line(Indicator::Jobs, Some(12_000))]))), &rules, today);
        assert!(over.expanding);
        assert_eq!(over.expand_reasons.len(), 1, "only output and tax show room to expand");
        assert!(RiskRules { no_visit_days: 0, ..Default::default() }.check().unwrap_err().contains("未走访天数"));
    }

    #[test]
    fn policy_payment_table() {
        let c = PolicyCondition { indicator: Indicator::Tax, threshold: 500_00 };
        let year = figures(None, None, None, Some(620_00), None);
        assert_eq!(condition_met(&c, Some((2025, &year))), (true, "年税收 ≥ 500 万元：2025 年实际 620 万元，已达成".into()));
        assert!(!condition_met(&c, Some((2025, &figures(None, None, None, Some(499_99), None)))).0);
        assert_eq!(condition_met(&c, None).1, "年税收 ≥ 500 万元：尚无报送的年度实绩");
        assert_eq!(condition_met(&c, Some((2025, &Figures::default()))).1, "年税收 ≥ 500 万元：2025 年未报送该项");

        let met = vec![(true, "ok".to_string())];
        let cases: &[(i64, i64, i64, bool, &[(bool, String)], Result<(), &str>)] = &[
            (1_000_00, 0, 400_00, true, &met, Ok(())),
            (1_000_00, 600_00, 400_00, true, &met, Ok(())),
            (1_000_00, 700_00, 400_00, true, &met, Err("将超过承诺的 1,000 万元")),
            (1_000_00, 0, 400_00, false, &met, Err("尚未通过公平竞争审查")),
            (1_000_00, 0, 0, true, &met, Err("应大于 0")),
            (1_000_00, 0, 400_00, true, &[], Ok(())),
        ];
        for (promised, paid, amount, passed, conditions, want) in cases {
            let got = check_payment(*promised, *paid, *amount, *passed, conditions);
            match (got, want) {
                (Ok(()), Ok(())) => {}
                (Err(m), Err(w)) => assert!(m.contains(w), "{m}"),
                (g, w) => panic!("got {g:?}, wanted {w:?}"),
            }
        }
        let unmet = check_payment(1_000_00, 0, 100_00, true, &[(false, "年税收 ≥ 500 万元：2025 年实际 300 万元，未达成".into())]);
        assert_eq!(unmet.unwrap_err(), "兑现条件未达成：年税收 ≥ 500 万元：2025 年实际 300 万元，未达成");
    }
}
