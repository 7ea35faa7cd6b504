//! GB/T 2260 administrative divisions, carried in the binary (data/gb2260-regions.tsv).
//! Retired codes still seen in old ledgers resolve to their successors.

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    Prefecture,
    County,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub code: &'static str,
    pub name: &'static str,
    pub level: RegionLevel,
    pub parent: Option<&'static str>,
}

/// Retired code → successor, for codes that old data still carries.
pub const SUCCESSORS: &[(&str, &str, &str)] = &[("610721", "610703", "2017 年南郑县撤县设区")];

static TABLE: &str = include_str!("../data/gb2260-regions.tsv");

static REGIONS: LazyLock<HashMap<&'static str, Region>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let code = cols.next()?;
            let name = cols.next()?;
            let level = match cols.next()? {
                "province" => RegionLevel::Province,
                "prefecture" => RegionLevel::Prefecture,
                _ => RegionLevel::County,
            };
            let parent = cols.next().filter(|p| !p.is_empty());
            Some((code, Region { code, name, level, parent }))
        })
        .collect()
});

/// Looks a code up, following a retired code to its successor. The error says what was wrong.
pub fn lookup(code: &str) -> Result<&'static Region, String> {
    let code = code.trim();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("行政区划代码「{code}」应为 6 位数字"));
    }
    let current = SUCCESSORS.iter().find(|(old, _, _)| *old == code).map_or(code, |(_, new, _)| *new);
    REGIONS.get(current).ok_or_else(|| format!("行政区划代码「{code}」不在 GB/T 2260 代码表中"))
}

/// The region's names from the province down, e.g. 陕西省 汉中市 南郑区.
pub fn full_name(code: &str) -> Option<String> {
    let mut names = Vec::new();
    let mut next = lookup(code).ok();
    while let Some(region) = next {
        names.push(region.name);
        next = region.parent.and_then(|p| REGIONS.get(p));
    }
    names.reverse();
    (!names.is_empty()).then(|| names.join(" "))
}

pub fn count() -> usize {
    REGIONS.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        assert_eq!(count(), 34 + 337 + 2846);
    }

    #[test]
    fn lookup_table() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("610700", Ok("汉中市")),
            ("610703", Ok("南郑区")),
            ("610721", Ok("南郑区")), // retired 南郑县
            (" 610722 ", Ok("城固县")),
            ("610000", Ok("陕西省")),
            ("999999", Err("行政区划代码「999999」不在 GB/T 2260 代码表中")),
            ("6107", Err("行政区划代码「6107」应为 6 位数字")),
            ("61070X", Err("行政区划代码「61070X」应为 6 位数字")),
        ];
        for (code, expected) in cases {
            let got = lookup(code).map(|r| r.name).map_err(|e| e);
            assert_eq!(got, expected.map_err(str::to_string), "{code}");
        }
    }

    #[test]
    fn full_names() {
        assert_eq!(full_name("610703").as_deref(), Some("陕西省 汉中市 南郑区"));
        assert_eq!(full_name("110000").as_deref(), Some("北京市"));
    }
}
