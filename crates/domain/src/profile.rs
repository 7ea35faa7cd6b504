//! A city's profile (profiles/*.toml): its units and its clusters → chains → links.
//! Everything city-specific is this data; the loader in `store` writes it as a new version.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;

use crate::unit::UnitKind;
use crate::{industry, region};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub profile: ProfileHead,
    #[serde(default)]
    pub units: Vec<ProfileUnit>,
    #[serde(default)]
    pub clusters: Vec<ProfileCluster>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileHead {
    pub city: String,
    pub region: String,
    pub version: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUnit {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub region: String,
    #[serde(default)]
    pub parent: Option<String>,
    #[serde(default)]
    pub covers: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileCluster {
    pub name: String,
    #[serde(default)]
    pub chains: Vec<ProfileChain>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileChain {
    pub name: String,
    pub lead: String,
    #[serde(default)]
    pub links: Vec<ProfileLink>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileLink {
    pub name: String,
    pub position: String,
    pub strength: String,
    #[serde(default)]
    pub industry_codes: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub children: Vec<ProfileLink>,
}

pub const POSITIONS: [(&str, &str); 3] = [("up", "上游"), ("mid", "中游"), ("down", "下游")];
pub const STRENGTHS: [(&str, &str); 3] = [("strong", "强"), ("weak", "弱（补链）"), ("missing", "缺失（延链）")];

pub fn position_label(code: &str) -> &'static str {
    POSITIONS.iter().find(|(c, _)| *c == code).map_or("未定", |(_, l)| l)
}

pub fn strength_label(code: &str) -> &'static str {
    STRENGTHS.iter().find(|(c, _)| *c == code).map_or("未定", |(_, l)| l)
}

impl Profile {
    /// Parses and checks a profile; every problem found is listed, in Chinese.
    pub fn parse(text: &str) -> Result<Profile, Vec<String>> {
        let profile: Profile = toml::from_str(text).map_err(|e| vec![format!("配置文件格式错误：{e}")])?;
        let problems = profile.problems();
        if problems.is_empty() { Ok(profile) } else { Err(problems) }
    }

    fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = region::lookup(&self.profile.region) {
            problems.push(format!("城市：{e}"));
        }
        let mut codes = HashSet::new();
        for unit in &self.units {
            let at = format!("单位「{}」", unit.name);
            if unit.code.trim().is_empty() || !unit.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                problems.push(format!("{at}：代码「{}」只能由字母、数字和 - 组成", unit.code));
            }
            if !codes.insert(unit.code.as_str()) {
                problems.push(format!("{at}：代码「{}」重复", unit.code));
            }
            if UnitKind::parse(&unit.kind).is_none() {
                problems.push(format!("{at}：类型「{}」应为 bureau、county、park、office 或 department", unit.kind));
            }
            if let Err(e) = region::lookup(&unit.region) {
                problems.push(format!("{at}：{e}"));
            }
            for cover in &unit.covers {
                if let Err(e) = region::lookup(cover) {
                    problems.push(format!("{at} 的联系区域：{e}"));
                }
            }
        }
        for unit in &self.units {
            if let Some(parent) = &unit.parent {
                if !codes.contains(parent.as_str()) {
                    problems.push(format!("单位「{}」：上级单位「{parent}」未定义", unit.name));
                }
            }
        }
        let departments: HashSet<&str> =
            self.units.iter().filter(|u| u.kind == "department").map(|u| u.code.as_str()).collect();
        let mut cluster_names = HashSet::new();
        for cluster in &self.clusters {
            if !cluster_names.insert(cluster.name.as_str()) {
                problems.push(format!("产业集群「{}」重复", cluster.name));
            }
            let mut chain_names = HashSet::new();
            for chain in &cluster.chains {
                let at = format!("产业链「{}」", chain.name);
                if !chain_names.insert(chain.name.as_str()) {
                    problems.push(format!("{at}在集群「{}」中重复", cluster.name));
                }
                if !departments.contains(chain.lead.as_str()) {
                    problems.push(format!("{at}：牵头部门「{}」不是已定义的市级部门", chain.lead));
                }
                check_links(&at, &chain.links, &mut problems);
            }
        }
        problems
    }
}

fn check_links(at: &str, links: &[ProfileLink], problems: &mut Vec<String>) {
    let mut names = HashSet::new();
    for link in links {
        let here = format!("{at} 环节「{}」", link.name);
        if link.name.trim().is_empty() {
            problems.push(format!("{at}：有环节没有名称"));
        }
        if !names.insert(link.name.as_str()) {
            problems.push(format!("{here}：同级名称重复"));
        }
        if !POSITIONS.iter().any(|(c, _)| *c == link.position) {
            problems.push(format!("{here}：位置「{}」应为 up、mid 或 down", link.position));
        }
        if !STRENGTHS.iter().any(|(c, _)| *c == link.strength) {
            problems.push(format!("{here}：强弱「{}」应为 strong、weak 或 missing", link.strength));
        }
        for code in &link.industry_codes {
            if let Err(e) = industry::lookup(code) {
                problems.push(format!("{here}：{e}"));
            }
        }
        check_links(&here, &link.children, problems);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[profile]
city = "汉中市"
region = "610700"
version = "2024"

[[units]]
code = "610700"
name = "汉中市投资促进局"
kind = "bureau"
region = "610700"

[[units]]
code = "gxj"
name = "汉中市工业和信息化局"
kind = "department"
region = "610700"
parent = "610700"

[[clusters]]
name = "装备制造"
[[clusters.chains]]
name = "航空装备"
lead = "gxj"
[[clusters.chains.links]]
name = "机载设备"
position = "mid"
strength = "missing"
industry_codes = ["3741"]
[[clusters.chains.links.children]]
name = "航电系统"
position = "mid"
strength = "missing"
"#;

    #[test]
    fn a_good_profile_parses() {
        let profile = Profile::parse(GOOD).expect("valid");
        assert_eq!(profile.units.len(), 2);
        assert_eq!(profile.clusters[0].chains[0].links[0].children[0].name, "航电系统");
    }

    #[test]
    fn problems_table() {
        let cases: &[(&str, &str, &str)] = &[
            ("lead = \"gxj\"", "lead = \"nobody\"", "产业链「航空装备」：牵头部门「nobody」不是已定义的市级部门"),
            ("industry_codes = [\"3741\"]", "industry_codes = [\"9999\"]", "产业链「航空装备」 环节「机载设备」：行业代码「9999」不在 GB/T 4754-2017 中"),
            ("strength = \"missing\"\nindustry", "strength = \"absent\"\nindustry", "产业链「航空装备」 环节「机载设备」：强弱「absent」应为 strong、weak 或 missing"),
            ("parent = \"610700\"", "parent = \"999\"", "单位「汉中市工业和信息化局」：上级单位「999」未定义"),
            ("kind = \"bureau\"", "kind = \"ministry\"", "单位「汉中市投资促进局」：类型「ministry」应为 bureau、county、park、office 或 department"),
        ];
        for (from, to, expected) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{from} must occur in the sample");
            let problems = Profile::parse(&text).unwrap_err();
            assert!(problems.iter().any(|p| p == expected), "{expected} not in {problems:?}");
        }
    }

    #[test]
    fn unknown_keys_are_refused() {
        let text = GOOD.replacen("version = \"2024\"", "version = \"2024\"\nmayor = \"x\"", 1);
        let problems = Profile::parse(&text).unwrap_err();
        assert!(problems[0].contains("mayor"), "{problems:?}");
    }
}
