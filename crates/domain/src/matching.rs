//! Matching (精准招商): how well a company of the universe fits a chain's weak or missing link.
//!
//! The score is the sum of six factors, each in hundredths of a point so that the explanation adds
//! up exactly: industry proximity (小类 > 中类 > 大类), business-scope keywords, registered capital,
//! standing (500强, listed, 专精特新…), region (eastern provinces that industry moves from, or a
//! province an out-of-town office covers) and ties to the city (汉商 contacts). Companies already
//! targeted, already local or not operating are excluded, with the reason. The weights are data
//! (the `match_weights` setting, TOML); the defaults add up to 100.

use serde::{Deserialize, Serialize};

use crate::target::Tag;

/// Points per factor at full fit. A factor with weight 0 is left out of scores and explanations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchWeights {
    pub industry: u32,
    pub scope: u32,
    pub capital: u32,
    pub standing: u32,
    pub region: u32,
    pub ties: u32,
}

impl Default for MatchWeights {
    fn default() -> Self {
        MatchWeights { industry: 30, scope: 25, capital: 15, standing: 10, region: 15, ties: 5 }
    }
}

impl MatchWeights {
    pub fn parse(text: &str) -> Result<MatchWeights, String> {
        let w: MatchWeights = toml::from_str(text).map_err(|e| format!("匹配权重格式有误：{}", e.message()))?;
        if w.total() == 0 {
            return Err("匹配权重不能全为 0".into());
        }
        if [w.industry, w.scope, w.capital, w.standing, w.region, w.ties].iter().any(|v| *v > 1000) {
            return Err("单项权重不能超过 1000".into());
        }
        Ok(w)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    pub fn total(&self) -> u32 {
        self.industry + self.scope + self.capital + self.standing + self.region + self.ties
    }
}

/// The link a company is matched against: its GB/T 4754 codes and scope keywords.
#[derive(Debug, Clone, Default)]
pub struct Gap {
    pub industry_codes: Vec<String>,
    pub keywords: Vec<String>,
}

impl Gap {
    /// From a link's comma-separated codes and keywords.
    pub fn new(industry_codes: &str, keywords: &str) -> Gap {
        let split = |s: &str| s.split([',', '，', '、']).map(str::trim).filter(|x| !x.is_empty()).map(str::to_string).collect::<Vec<_>>();
        Gap { industry_codes: split(industry_codes), keywords: split(keywords) }
    }
}

/// What is known of a company when it is scored.
#[derive(Debug, Clone, Default)]
pub struct Company<'a> {
    pub industry_code: &'a str,
    /// The link keywords found in its business scope or name.
    pub keywords_found: Vec<String>,
    /// Registered capital in hundredths of 万元.
    pub capital_wan: Option<i64>,
    pub tags: Vec<Tag>,
    /// GB/T 2260 county-level code.
    pub region_code: &'a str,
    /// Contacts marked 汉商 (natives of the city).
    pub native_contacts: u32,
    pub status: &'a str,
    pub is_local: bool,
    pub targeted: bool,
}

/// Where the company sits relative to the city's offices: the provinces each office covers.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// (office name, two-digit province prefixes it covers).
    pub offices: Vec<(String, Vec<String>)>,
}

impl Reach {
    /// The office covering a county-level code, if any.
    pub fn office_for(&self, region_code: &str) -> Option<&str> {
        let province = region_code.get(..2)?;
        self.offices.iter().find(|(_, covers)| covers.iter().any(|c| c == province)).map(|(name, _)| name.as_str())
    }
}

/// Provinces of the eastern region (国家统计局东部地区): where industry moves west from.
pub const EASTERN_PROVINCES: &[(&str, &str)] = &[
    ("11", "北京"), ("12", "天津"), ("13", "河北"), ("31", "上海"), ("32", "江苏"),
    ("33", "浙江"), ("35", "福建"), ("37", "山东"), ("44", "广东"), ("46", "海南"),
];

/// One factor's part of a score and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Factor {
    pub name: &'static str,
    /// Hundredths of a point.
    pub points: i64,
    pub max: i64,
    pub why: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Verdict {
    /// Hundredths of a point, and the factors that add up to it.
    Scored { score: i64, factors: Vec<Factor> },
    Excluded(Exclusion),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Exclusion {
    Targeted,
    Local,
    NotOperating,
}

impl Exclusion {
    pub fn label(self) -> &'static str {
        match self {
            Exclusion::Targeted => "已在目标库",
            Exclusion::Local => "本地企业",
            Exclusion::NotOperating => "非存续经营",
        }
    }
}

/// Registration statuses that mean the company no longer operates.
pub fn operating(status: &str) -> bool {
    !["注销", "吊销", "撤销", "停业", "清算", "迁出", "歇业"].iter().any(|s| status.contains(s))
}

/// The link keywords a text mentions, in the link's order.
pub fn keywords_in(text: &str, keywords: &[String]) -> Vec<String> {
    keywords.iter().filter(|k| !k.is_empty() && text.contains(k.as_str())).cloned().collect()
}

/// `weight × percent`, in hundredths of a point.
fn part(weight: u32, percent: i64) -> i64 {
    weight as i64 * percent
}

fn points(p: i64) -> String {
    if p % 100 == 0 { format!("{}", p / 100) } else { format!("{}.{:02}", p / 100, p % 100).trim_end_matches('0').to_string() }
}

/// The closest of the gap's codes: (percent, shared digits). Codes are a 2/3/4-digit hierarchy:
/// 大类 (2), 中类 (3), 小类 (4).
fn industry_percent(gap: &Gap, code: &str) -> (i64, usize) {
    let mut best = (0, 0);
    for wanted in &gap.industry_codes {
        let shared = wanted.bytes().zip(code.bytes()).take_while(|(a, b)| a == b).count();
        let percent = match shared {
            n if n >= 4 && wanted.len() >= 4 => 100,
            n if n >= 3 && wanted.len() >= 3 => 60,
            n if n >= 2 => 30,
            _ => 0,
        };
        if percent > best.0 {
            best = (percent, shared.min(4));
        }
    }
    best
}

fn industry_factor(w: u32, gap: &Gap, code: &str) -> Factor {
    let name = |c: &str| crate::industry::lookup(c).map_or_else(|_| c.to_string(), |i| format!("{c} {}", i.name));
    let (percent, shared) = industry_percent(gap, code);
    let why = if percent == 0 {
        format!("所属行业 {} 与本环节无关", name(code))
    } else {
        let level = match shared { 4 => "小类", 3 => "中类", _ => "大类" };
        let prefix: String = code.chars().take(shared).collect();
        format!("所属行业 {} 与环节同{level}（{}）", name(code), name(&prefix))
    };
    Factor { name: "行业", points: part(w, percent), max: part(w, 100), why }
}

fn scope_factor(w: u32, gap: &Gap, found: &[String]) -> Factor {
    let total = gap.keywords.len() as i64;
    if total == 0 {
        return Factor { name: "经营范围", points: 0, max: part(w, 100), why: "本环节未设关键词".into() };
    }
    let hit = found.iter().filter(|k| gap.keywords.contains(k)).count() as i64;
    // Each keyword is an equal share; rounding is down so the parts never exceed the weight.
    let p = w as i64 * 100 * hit / total;
    let why = if hit == 0 { format!("经营范围未提及本环节关键词（{}）", gap.keywords.join("、")) } else { format!("经营范围含 {}/{} 个关键词：{}", hit, total, found.join("、")) };
    Factor { name: "经营范围", points: p, max: part(w, 100), why }
}

fn capital_percent(capital: Option<i64>) -> i64 {
    match capital.unwrap_or(0) / 100 {
        c if c >= 100_000 => 100,
        c if c >= 10_000 => 70,
        c if c >= 1_000 => 40,
        c if c > 0 => 10,
        _ => 0,
    }
}

fn capital_factor(w: u32, capital: Option<i64>) -> Factor {
    let wan = capital.unwrap_or(0) / 100;
    let percent = capital_percent(capital);
    let why = match wan {
        c if c >= 100_000 => "注册资本 10 亿元及以上",
        c if c >= 10_000 => "注册资本 1 亿至 10 亿元",
        c if c >= 1_000 => "注册资本 1000 万至 1 亿元",
        c if c > 0 => "注册资本不足 1000 万元",
        _ => "注册资本未知",
    };
    let why = if wan > 0 { format!("{why}（{wan} 万元）") } else { why.to_string() };
    Factor { name: "规模", points: part(w, percent), max: part(w, 100), why }
}

/// The highest of the company's tags: (percent, which).
fn standing_percent(tags: &[Tag]) -> (i64, Option<Tag>) {
    let has = |t: Tag| tags.contains(&t);
    let (percent, which) = if has(Tag::Global500) {
        (100, Tag::Global500)
    } else if has(Tag::China500) {
        (90, Tag::China500)
    } else if has(Tag::Private500) {
        (80, Tag::Private500)
    } else if has(Tag::Listed) {
        (70, Tag::Listed)
    } else if has(Tag::Unicorn) {
        (60, Tag::Unicorn)
    } else if has(Tag::LittleGiant) {
        (50, Tag::LittleGiant)
    } else if has(Tag::Specialized) || has(Tag::HighTech) {
        (40, if has(Tag::Specialized) { Tag::Specialized } else { Tag::HighTech })
    } else {
        return (0, None);
    };
    (percent, Some(which))
}

fn standing_factor(w: u32, tags: &[Tag]) -> Factor {
    let (percent, which) = standing_percent(tags);
    let why = match which {
        Some(t) => format!("{}（按最高的一项计）", t.label()),
        None => "无 500 强、上市、专精特新等标签".into(),
    };
    Factor { name: "企业地位", points: part(w, percent), max: part(w, 100), why }
}

fn region_percent(region: &str, reach: &Reach) -> i64 {
    let province = region.get(..2).unwrap_or("");
    if EASTERN_PROVINCES.iter().any(|(p, _)| *p == province) {
        100
    } else if reach.office_for(region).is_some() {
        70
    } else {
        0
    }
}

fn region_factor(w: u32, region: &str, reach: &Reach) -> Factor {
    let province = region.get(..2).unwrap_or("");
    let region_name = crate::region::lookup(region).map(|r| r.name.to_string()).unwrap_or_else(|_| region.to_string());
    let eastern = EASTERN_PROVINCES.iter().find(|(p, _)| *p == province);
    let office = reach.office_for(region);
    let (percent, why) = match (eastern, office) {
        (Some((_, p)), Some(o)) => (100, format!("位于东部{p}（{region_name}），产业转移来源地，由{o}联系")),
        (Some((_, p)), None) => (100, format!("位于东部{p}（{region_name}），产业转移来源地")),
        (None, Some(o)) => (70, format!("位于{region_name}，{o}覆盖该地")),
        (None, None) => (0, format!("位于{region_name}，非东部且无驻外分局覆盖")),
    };
    Factor { name: "区域", points: part(w, percent), max: part(w, 100), why }
}

fn ties_percent(natives: u32) -> i64 {
    match natives {
        0 => 0,
        1 => 70,
        _ => 100,
    }
}

fn ties_factor(w: u32, natives: u32) -> Factor {
    let (percent, why) = match natives {
        0 => (0, "尚无汉商联系人".to_string()),
        1 => (70, "有 1 位汉商联系人".to_string()),
        n => (100, format!("有 {n} 位汉商联系人")),
    };
    Factor { name: "与本市关系", points: part(w, percent), max: part(w, 100), why }
}

fn excluded(c: &Company) -> Option<Exclusion> {
    if c.targeted {
        Some(Exclusion::Targeted)
    } else if c.is_local {
        Some(Exclusion::Local)
    } else if !operating(c.status) {
        Some(Exclusion::NotOperating)
    } else {
        None
    }
}

/// Scores a company against a gap, or says why it is left out.
pub fn score(w: &MatchWeights, gap: &Gap, reach: &Reach, c: &Company) -> Verdict {
    if let Some(e) = excluded(c) {
        return Verdict::Excluded(e);
    }
    let factors: Vec<Factor> = [
        (w.industry, industry_factor(w.industry, gap, c.industry_code)),
        (w.scope, scope_factor(w.scope, gap, &c.keywords_found)),
        (w.capital, capital_factor(w.capital, c.capital_wan)),
        (w.standing, standing_factor(w.standing, &c.tags)),
        (w.region, region_factor(w.region, c.region_code, reach)),
        (w.ties, ties_factor(w.ties, c.native_contacts)),
    ]
    .into_iter()
    .filter(|(weight, _)| *weight > 0)
    .map(|(_, f)| f)
    .collect();
    Verdict::Scored { score: factors.iter().map(|f| f.points).sum(), factors }
}

/// The same score as [`score`] without the explanation, for ranking hundreds of thousands of
/// companies; only the ones shown are then explained. `keywords_found` is a count here.
pub fn quick_score(w: &MatchWeights, gap: &Gap, reach: &Reach, c: &Company, keywords_found: usize) -> Result<i64, Exclusion> {
    if let Some(e) = excluded(c) {
        return Err(e);
    }
    let industry = industry_percent(gap, c.industry_code).0;
    let total = gap.keywords.len() as i64;
    let scope = if total == 0 { 0 } else { w.scope as i64 * 100 * (keywords_found as i64).min(total) / total };
    Ok(part(w.industry, industry) + scope + part(w.capital, capital_percent(c.capital_wan)) + part(w.standing, standing_percent(&c.tags).0) + part(w.region, region_percent(c.region_code, reach)) + part(w.ties, ties_percent(c.native_contacts)))
}

/// A score in hundredths as the pages show it: "72.5".
pub fn show(hundredths: i64) -> String {
    points(hundredths)
}

/// Which unit should court a company: the office covering its province, else the chain's park.
pub fn suggested_unit(region_code: &str, offices: &[(i64, Vec<String>)], chain_park: Option<i64>) -> Option<i64> {
    let province = region_code.get(..2)?;
    offices.iter().find(|(_, covers)| covers.iter().any(|c| c.get(..2) == Some(province))).map(|(id, _)| *id).or(chain_park)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap() -> Gap {
        Gap::new("3062,3091", "复合材料,碳纤维,预浸料")
    }

    fn reach() -> Reach {
        Reach { offices: vec![("驻上海招商分局".into(), vec!["31".into(), "32".into()]), ("驻成都招商分局".into(), vec!["51".into()])] }
    }

    fn company() -> Company<'static> {
        Company { industry_code: "3062", keywords_found: vec!["复合材料".into(), "碳纤维".into()], capital_wan: Some(200_000 * 100), tags: vec![Tag::Listed], region_code: "320506", native_contacts: 1, status: "存续", is_local: false, targeted: false }
    }

    fn factors(v: &Verdict) -> (i64, Vec<Factor>) {
        match v {
            Verdict::Scored { score, factors } => (*score, factors.clone()),
            Verdict::Excluded(e) => panic!("excluded: {e:?}"),
        }
    }

    #[test]
    fn factors_add_up_and_explain() {
        let (score, f) = factors(&score(&MatchWeights::default(), &gap(), &reach(), &company()));
        assert_eq!(score, f.iter().map(|x| x.points).sum::<i64>());
        let by = |n: &str| f.iter().find(|x| x.name == n).unwrap().clone();
        assert_eq!(by("行业").points, 3000);
        assert!(by("行业").why.contains("小类"), "{}", by("行业").why);
        // 2 of 3 keywords of weight 25: 16.66 (rounded down).
        assert_eq!(by("经营范围").points, 1666);
        assert!(by("经营范围").why.contains("2/3"));
        assert_eq!(by("规模").points, 1500);
        assert_eq!(by("企业地位").points, 700);
        assert_eq!(by("区域").points, 1500);
        assert!(by("区域").why.contains("江苏") && by("区域").why.contains("驻上海招商分局"), "{}", by("区域").why);
        assert_eq!(by("与本市关系").points, 350);
        assert_eq!(score, 3000 + 1666 + 1500 + 700 + 1500 + 350);
        assert_eq!(show(score), "87.16");
    }

    #[test]
    fn quick_score_equals_explained_score() {
        let w = MatchWeights::default();
        let r = reach();
        let tags = [vec![], vec![Tag::Global500], vec![Tag::Specialized]];
        for code in ["3062", "3069", "3011", "4411"] {
            for found in [vec![], vec!["碳纤维".to_string()], vec!["复合材料".to_string(), "碳纤维".to_string(), "预浸料".to_string()]] {
                for capital in [None, Some(90_000), Some(20_000_000)] {
                    for t in &tags {
                        for region in ["320506", "510104", "620102"] {
                            for natives in [0, 1, 3] {
                                let c = Company { industry_code: code, keywords_found: found.clone(), capital_wan: capital, tags: t.clone(), region_code: region, native_contacts: natives, status: "存续", ..Default::default() };
                                let Verdict::Scored { score: s, .. } = score(&w, &gap(), &r, &c) else { panic!() };
                                assert_eq!(quick_score(&w, &gap(), &r, &c, found.len()), Ok(s), "{code} {found:?} {capital:?} {t:?} {region} {natives}");
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn industry_proximity_table() {
        let w = MatchWeights::default();
        let g = Gap::new("3062,3741", "");
        for (code, points, level) in [("3062", 3000, "小类"), ("3069", 1800, "中类"), ("3011", 900, "大类"), ("3742", 1800, "中类"), ("3511", 0, "无关")] {
            let f = industry_factor(w.industry, &g, code);
            assert_eq!(f.points, points, "{code}");
            assert!(f.why.contains(level), "{code}: {}", f.why);
        }
    }

    #[test]
    fn capital_and_standing_and_region_tables() {
        for (wan, percent) in [(Some(150_000), 100), (Some(10_000), 70), (Some(9_999), 40), (Some(500), 10), (None, 0)] {
            assert_eq!(capital_factor(10, wan.map(|w| w * 100)).points, 10 * percent, "{wan:?}");
        }
        for (tags, percent) in [(vec![Tag::Global500, Tag::Listed], 100), (vec![Tag::China500], 90), (vec![Tag::Listed], 70), (vec![Tag::HighTech], 40), (vec![], 0)] {
            assert_eq!(standing_factor(10, &tags).points, 10 * percent, "{tags:?}");
        }
        let r = reach();
        for (region, percent) in [("310115", 100), ("440305", 100), ("510104", 70), ("610702", 0), ("620102", 0)] {
            assert_eq!(region_factor(10, region, &r).points, 10 * percent, "{region}");
        }
    }

    #[test]
    fn exclusions_come_before_scores() {
        let w = MatchWeights::default();
        let mut c = company();
        c.targeted = true;
        assert_eq!(score(&w, &gap(), &reach(), &c), Verdict::Excluded(Exclusion::Targeted));
        let mut c = company();
        c.is_local = true;
        assert_eq!(score(&w, &gap(), &reach(), &c), Verdict::Excluded(Exclusion::Local));
        for status in ["注销", "吊销，未注销", "停业"] {
            let mut c = company();
            c.status = status;
            assert_eq!(score(&w, &gap(), &reach(), &c), Verdict::Excluded(Exclusion::NotOperating), "{status}");
        }
        for status in ["存续", "在业", "开业", ""] {
            assert!(operating(status), "{status}");
        }
    }

    #[test]
    fn weights_are_data() {
        let w = MatchWeights::parse("industry = 50\nscope = 50\ncapital = 0\nstanding = 0\nregion = 0\nties = 0\n").unwrap();
        let (score, f) = factors(&super::score(&w, &gap(), &reach(), &company()));
        assert_eq!(f.len(), 2, "zero weights are left out");
        assert_eq!(score, 5000 + 3333);
        assert!(MatchWeights::parse("industry = 0\nscope = 0\ncapital = 0\nstanding = 0\nregion = 0\nties = 0").unwrap_err().contains("全为 0"));
        assert!(MatchWeights::parse("speed = 3").unwrap_err().contains("格式有误"));
        assert_eq!(MatchWeights::parse(&MatchWeights::default().to_toml()).unwrap(), MatchWeights::default());
    }

    #[test]
    fn keywords_and_suggested_unit() {
        let g = gap();
        assert_eq!(keywords_in("碳纤维及复合材料研发、销售", &g.keywords), vec!["复合材料".to_string(), "碳纤维".to_string()]);
        let offices = vec![(7, vec!["310000".to_string(), "320000".to_string()]), (8, vec!["440000".to_string()])];
        assert_eq!(suggested_unit("320506", &offices, Some(3)), Some(7));
        assert_eq!(suggested_unit("440305", &offices, Some(3)), Some(8));
        assert_eq!(suggested_unit("420102", &offices, Some(3)), Some(3));
        assert_eq!(suggested_unit("420102", &offices, None), None);
    }
}
