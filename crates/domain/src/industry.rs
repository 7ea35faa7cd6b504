//! GB/T 4754-2017 industry classification, carried in the binary (data/gb4754-2017.tsv):
//! 门类 (letter) → 大类 (2 digits) → 中类 (3) → 小类 (4).

use std::collections::HashMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IndustryLevel {
    Section,
    Division,
    Group,
    Class,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Industry {
    pub code: &'static str,
    pub name: &'static str,
    pub level: IndustryLevel,
    pub parent: Option<&'static str>,
}

static TABLE: &str = include_str!("../data/gb4754-2017.tsv");

static INDUSTRIES: LazyLock<HashMap<&'static str, Industry>> = LazyLock::new(|| {
    TABLE
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let code = cols.next()?;
            let name = cols.next()?;
            let level = match cols.next()? {
                "section" => IndustryLevel::Section,
                "division" => IndustryLevel::Division,
                "group" => IndustryLevel::Group,
                _ => IndustryLevel::Class,
            };
            let parent = cols.next().filter(|p| !p.is_empty());
            Some((code, Industry { code, name, level, parent }))
        })
        .collect()
});

/// Looks a code up; the error names what is wrong with it.
pub fn lookup(code: &str) -> Result<&'static Industry, String> {
    let code = code.trim();
    let shape_ok = (code.len() == 1 && code.bytes().all(|b| b.is_ascii_uppercase()))
        || ((2..=4).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()));
    if !shape_ok {
        return Err(format!("行业代码「{code}」应为门类字母或 2–4 位数字"));
    }
    INDUSTRIES.get(code).ok_or_else(|| format!("行业代码「{code}」不在 GB/T 4754-2017 中"))
}

/// The code and every level above it, from the section down.
pub fn lineage(code: &str) -> Vec<&'static Industry> {
    let mut chain = Vec::new();
    let mut next = lookup(code).ok();
    while let Some(industry) = next {
        chain.push(industry);
        next = industry.parent.and_then(|p| INDUSTRIES.get(p));
    }
    chain.reverse();
    chain
}

/// Codes whose code starts with, or whose name contains, what was typed; 小类 first.
pub fn search(query: &str, limit: usize) -> Vec<&'static Industry> {
    let q = query.trim();
    if q.is_empty() {
        return Vec::new();
    }
    let mut found: Vec<&'static Industry> = INDUSTRIES.values().filter(|i| i.code.starts_with(q) || i.name.contains(q)).collect();
    found.sort_by(|a, b| b.level.cmp(&a.level).then(a.code.cmp(b.code)));
    found.truncate(limit);
    found
}

pub fn count() -> usize {
    INDUSTRIES.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete() {
        assert_eq!(count(), 20 + 97 + 473 + 1381);
    }

    #[test]
    fn hierarchy_table() {
        // (code, codes from the section down)
        let cases: &[(&str, &[&str])] = &[
            ("3741", &["C", "37", "374", "3741"]),
            ("0111", &["A", "01", "011", "0111"]),
            ("37", &["C", "37"]),
            ("C", &["C"]),
            ("9999", &[]),
        ];
        for (code, expected) in cases {
            let got: Vec<&str> = lineage(code).iter().map(|i| i.code).collect();
            assert_eq!(&got, expected, "{code}");
        }
        assert_eq!(lookup("3741").unwrap().name, "飞机制造");
        assert_eq!(lookup("3741").unwrap().level, IndustryLevel::Class);
    }

    #[test]
    fn search_by_name_or_code() {
        let codes: Vec<&str> = search("飞机", 10).iter().map(|i| i.code).collect();
        assert!(codes.contains(&"3741"), "{codes:?}");
        assert_eq!(search("3741", 5)[0].code, "3741");
        assert!(search("", 5).is_empty());
        assert!(search("茶", 50).iter().any(|i| i.name.contains("茶")));
    }

    #[test]
    fn bad_codes_say_why() {
        assert_eq!(lookup("37A").unwrap_err(), "行业代码「37A」应为门类字母或 2–4 位数字");
        assert_eq!(lookup("0000").unwrap_err(), "行业代码「0000」不在 GB/T 4754-2017 中");
    }
}
