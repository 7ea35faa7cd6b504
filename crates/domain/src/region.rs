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

/// Finds a region by the names company-data exports give in 所属省份 / 所属城市 / 所属区县
/// (any of them may be empty; "广东" matches 广东省, "南山" matches 南山区). The most specific name
/// that resolves wins; a county or city name must lie under the province or city given with it.
pub fn by_names(province: &str, city: &str, county: &str) -> Option<&'static Region> {
    fn matches(region: &Region, name: &str) -> bool {
        let name = name.trim();
        !name.is_empty() && (region.name == name || region.name.strip_suffix(['省', '市', '区', '县']).is_some_and(|short| short == name) || region.name.starts_with(name) && name.chars().count() >= 2)
    }
    fn under(region: &Region, ancestor: Option<&Region>) -> bool {
        let Some(ancestor) = ancestor else { return true };
        let mut next = region.parent.and_then(|p| REGIONS.get(p));
        while let Some(r) = next {
            if r.code == ancestor.code {
                return true;
            }
            next = r.parent.and_then(|p| REGIONS.get(p));
        }
        false
    }
    let find = |name: &str, level: RegionLevel, ancestor: Option<&Region>| -> Option<&'static Region> {
        let mut found: Vec<&'static Region> = REGIONS.values().filter(|r| r.level == level && matches(r, name) && under(r, ancestor)).collect();
        // Exact names first, then the lowest code, so the answer never depends on hash order.
        found.sort_by_key(|r| (r.name != name.trim(), r.code));
        found.first().copied()
    };
    let province = find(province, RegionLevel::Province, None);
    let city = find(city, RegionLevel::Prefecture, province);
    let county = find(county, RegionLevel::County, city.or(province));
    county.or(city).or(province)
}

/// Every region's name (province, prefecture, county), e.g. for a segmentation dictionary.
pub fn names() -> Vec<&'static str> {
    REGIONS.values().map(|r| r.name).collect()
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

    #[test]
    fn regions_by_the_names_exports_give() {
        let cases: &[(&str, &str, &str, Option<&str>)] = &[
            ("广东省", "深圳市", "南山区", Some("440305")),
            ("广东", "深圳", "南山", Some("440305")),
            ("", "深圳市", "", Some("440300")),
            ("陕西省", "汉中市", "南郑区", Some("610703")),
            ("陕西省", "", "", Some("610000")),
            ("", "", "", None),
            ("火星", "", "", None),
            // A county that is not under the city given is not taken.
            ("广东省", "深圳市", "南郑区", Some("440300")),
        ];
        for (p, c, d, expected) in cases {
            assert_eq!(by_names(p, c, d).map(|r| r.code), *expected, "{p} {c} {d}");
        }
    }
}
