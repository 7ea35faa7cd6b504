//! Pre-construction approvals (前期手续): the checklist a signed project works through before it
//! can start, the national investment project code (项目代码) it is filed under, and which item
//! holds a project up. Every rule says why in words the bureau uses.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

coded!(
    /// The standard items of the checklist; `Other` items carry their own name.
    ApprovalKind {
        LandPreliminary = "land_preliminary", "用地预审";
        LandSupply = "land_supply", "土地供应";
        Planning = "planning", "规划许可";
        Environment = "environment", "环境影响评价";
        Energy = "energy", "节能审查";
        Safety = "safety", "安全评价";
        SoilWater = "soil_water", "水土保持";
        Drawings = "drawings", "施工图审查";
        ConstructionPermit = "construction_permit", "施工许可";
        Other = "other", "其他";
    }
);

coded!(
    ApprovalStatus {
        NotStarted = "not_started", "未开始";
        InProgress = "in_progress", "办理中";
        Done = "done", "已办结";
        NotApplicable = "not_applicable", "不涉及";
    }
);

coded!(
    /// How the project was authorised (审批 / 核准 / 备案).
    FilingKind {
        Approval = "approval", "审批";
        Ratification = "ratification", "核准";
        Record = "record", "备案";
    }
);

impl ApprovalKind {
    /// The checklist a new project starts with, in the order they are usually done.
    pub fn standard() -> Vec<ApprovalKind> {
        ApprovalKind::ALL.iter().copied().filter(|k| *k != ApprovalKind::Other).collect()
    }
}

impl ApprovalStatus {
    /// Finished: done, or not needed for this project.
    pub fn settled(self) -> bool {
        matches!(self, ApprovalStatus::Done | ApprovalStatus::NotApplicable)
    }
}

/// One item of a project's checklist as the rules need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFacts {
    pub name: String,
    pub status: ApprovalStatus,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub owner: String,
}

/// Where a project's approvals stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// Items that apply (not 不涉及).
    pub required: usize,
    pub done: usize,
    /// Every item that applies is done, and there is at least one item.
    pub complete: bool,
    /// The item that holds the project up: the first overdue one, else the first unfinished one.
    pub holding: Option<String>,
    /// Its place in the items given.
    pub holding_index: Option<usize>,
    pub reasons: Vec<String>,
}

/// Reads a checklist: how many items are done, whether it is complete as of `on`, and which item
/// holds the project up (overdue first, then the first not finished, in checklist order).
pub fn progress(items: &[ItemFacts], on: NaiveDate) -> Progress {
    let applying: Vec<&ItemFacts> = items.iter().filter(|i| i.status != ApprovalStatus::NotApplicable).collect();
    let done_by = |i: &ItemFacts| i.status == ApprovalStatus::Done && i.done_on.is_none_or(|d| d <= on);
    let done = applying.iter().filter(|i| done_by(i)).count();
    let mut reasons = Vec::new();
    if items.is_empty() {
        reasons.push("尚未建立前期手续清单".to_string());
    }
    let open: Vec<(usize, &ItemFacts)> = items.iter().enumerate().filter(|(_, i)| i.status != ApprovalStatus::NotApplicable && !done_by(i)).collect();
    let overdue = open.iter().find(|(_, i)| i.due_on.is_some_and(|d| d < on));
    let held = overdue.or(open.first()).copied();
    let holding_index = held.map(|(n, _)| n);
    let holding = held.map(|(_, i)| {
        let owner = if i.owner.is_empty() { "责任单位未定".to_string() } else { format!("责任单位：{}", i.owner) };
        match i.due_on {
            Some(d) if d < on => format!("{}（{}，计划 {d} 办结，已逾期 {} 天，{owner}）", i.name, i.status.label(), (on - d).num_days()),
            Some(d) => format!("{}（{}，计划 {d} 办结，{owner}）", i.name, i.status.label()),
            None => format!("{}（{}，{owner}）", i.name, i.status.label()),
        }
    });
    if let Some(h) = &holding {
        reasons.push(format!("卡在：{h}"));
    }
    let complete = !items.is_empty() && open.is_empty();
    if complete {
        reasons.push(format!("应办 {} 项已全部办结", applying.len()));
    } else if !items.is_empty() {
        reasons.push(format!("应办 {} 项，已办结 {done} 项", applying.len()));
    }
    Progress { required: applying.len(), done, complete, holding, holding_index, reasons }
}

/// Checks a status change of one item: done needs its date (not in the future) and its document.
pub fn check_item(status: ApprovalStatus, done_on: Option<NaiveDate>, document: &str, started_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), String> {
    if status == ApprovalStatus::Done {
        let Some(done) = done_on else { return Err("已办结的手续请填写办结日期".into()) };
        if done > today {
            return Err("办结日期不能晚于今天".into());
        }
        if document.trim().is_empty() {
            return Err("已办结的手续请填写批复文件或文号".into());
        }
        if started_on.is_some_and(|s| s > done) {
            return Err("办结日期不能早于开始办理的日期".into());
        }
    } else if done_on.is_some() {
        return Err(format!("状态为「{}」的手续不应有办结日期", status.label()));
    }
    if started_on.is_some_and(|s| s > today) {
        return Err("开始办理的日期不能晚于今天".into());
    }
    Ok(())
}

/// A national investment project code (投资项目统一代码), as 2403-610702-04-01-123456:
/// year and month given (YYMM), the giving authority's GB/T 2260 division, project type, industry,
/// serial number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectCode(String);

impl ProjectCode {
    /// Parses what people type: full-width digits and dashes, spaces, or the 20 digits without
    /// dashes are accepted and written back in the standard form. The error names the part that is wrong.
    pub fn parse(text: &str, today: NaiveDate) -> Result<ProjectCode, String> {
        let shown = text.trim();
        let normal: String = shown
            .chars()
            .filter_map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
                '－' | '—' | '–' | '‐' | '-' => Some('-'),
                c if c.is_whitespace() => None,
                c => Some(c),
            })
            .collect();
        if normal.is_empty() {
            return Err("项目代码不能为空".into());
        }
        let parts: Vec<&str> = if normal.contains('-') {
            normal.split('-').collect()
        } else if normal.len() == 20 && normal.bytes().all(|b| b.is_ascii_digit()) {
            vec![&normal[0..4], &normal[4..10], &normal[10..12], &normal[12..14], &normal[14..20]]
        } else {
            return Err(format!("项目代码「{shown}」应为 24 位，形如 2403-610702-04-01-123456"));
        };
        let widths = [(4, "赋码年月"), (6, "行政区划代码"), (2, "项目类型代码"), (2, "行业代码"), (6, "流水号")];
        if parts.len() != widths.len() {
            return Err(format!("项目代码「{shown}」应由 5 段组成（年月-区划-类型-行业-流水号），形如 2403-610702-04-01-123456"));
        }
        for (i, (part, (width, name))) in parts.iter().zip(widths).enumerate() {
            if part.len() != width || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("项目代码第 {} 段「{part}」（{name}）应为 {width} 位数字", i + 1));
            }
        }
        let (yy, mm) = (parts[0][0..2].parse::<i32>().unwrap_or(0), parts[0][2..4].parse::<u32>().unwrap_or(0));
        if !(1..=12).contains(&mm) {
            return Err(format!("项目代码的赋码年月「{}」中月份 {mm:02} 无效", parts[0]));
        }
        // The national platform gives codes since 2014.
        let year = 2000 + yy;
        if year < 2014 || (year, mm) > (today.year(), today.month()) {
            return Err(format!("项目代码的赋码年月「{}」（{year} 年 {mm} 月）不在 2014 年至今之间", parts[0]));
        }
        crate::region::lookup(parts[1]).map_err(|e| format!("项目代码第 2 段：{e}"))?;
        if parts[2] == "00" || parts[3] == "00" {
            return Err("项目代码的项目类型代码和行业代码不能为 00".into());
        }
        if parts[4] == "000000" {
            return Err("项目代码的流水号不能为 000000".into());
        }
        Ok(ProjectCode(parts.join("-")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The division (GB/T 2260) of the authority that gave the code.
    pub fn region(&self) -> &str {
        &self.0[5..11]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn project_code_table() {
        let today = d("2026-11-27");
        // (typed, Ok(normalised) or Err(part of the message))
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("2403-610702-04-01-123456", Ok("2403-610702-04-01-123456")),
            (" 2403-610702-04-01-123456 ", Ok("2403-610702-04-01-123456")),
            ("24036107020401123456", Ok("2403-610702-04-01-123456")),
            ("２４０３－６１０７０２－０４－０１－１２３４５６", Ok("2403-610702-04-01-123456")),
            ("2403 610702 04 01 123456", Ok("2403-610702-04-01-123456")),
            // 南郑县's retired code still resolves (codes given before 2017).
            ("1605-610721-03-01-000123", Ok("1605-610721-03-01-000123")),
            ("", Err("不能为空")),
            ("2403-610702-04-01", Err("应由 5 段组成")),
            ("2403-610702-04-01-12345", Err("第 5 段「12345」（流水号）应为 6 位数字")),
            ("24O3-610702-04-01-123456", Err("第 1 段「24O3」（赋码年月）应为 4 位数字")),
            ("2413-610702-04-01-123456", Err("月份 13 无效")),
            ("2400-610702-04-01-123456", Err("月份 00 无效")),
            ("1305-610702-04-01-123456", Err("不在 2014 年至今之间")),
            ("2712-610702-04-01-123456", Err("不在 2014 年至今之间")),
            ("2403-619999-04-01-123456", Err("不在 GB/T 2260 代码表中")),
            ("2403-610702-00-01-123456", Err("不能为 00")),
            ("2403-610702-04-01-000000", Err("流水号不能为 000000")),
            ("2403610702", Err("应为 24 位")),
            ("2403-610702-4-01-123456", Err("第 3 段「4」（项目类型代码）应为 2 位数字")),
        ];
        for (typed, expected) in cases {
            match (ProjectCode::parse(typed, today), expected) {
                (Ok(code), Ok(want)) => assert_eq!(code.as_str(), *want, "{typed}"),
                (Err(message), Err(want)) => assert!(message.contains(want), "{typed}: {message}"),
                (got, want) => panic!("{typed}: got {got:?}, wanted {want:?}"),
            }
        }
        assert_eq!(ProjectCode::parse("2403-610702-04-01-123456", today).unwrap().region(), "610702");
    }

    fn item(name: &str, status: ApprovalStatus, due: Option<&str>, done: Option<&str>) -> ItemFacts {
        ItemFacts { name: name.into(), status, due_on: due.map(d), done_on: done.map(d), owner: "市自然资源局".into() }
    }

    #[test]
    fn progress_table() {
        use ApprovalStatus::*;
        let on = d("2026-06-30");
        let empty = progress(&[], on);
        assert!(!empty.complete);
        assert_eq!(empty.reasons, vec!["尚未建立前期手续清单"]);

        let items = vec![
            item("用地预审", Done, None, Some("2026-03-01")),
            item("环境影响评价", InProgress, Some("2026-08-01"), None),
            item("节能审查", NotStarted, Some("2026-06-01"), None),
            item("安全评价", NotApplicable, None, None),
        ];
        let p = progress(&items, on);
        assert_eq!((p.required, p.done, p.complete), (3, 1, false));
        // The overdue item holds the project up, not the first unfinished one.
        assert_eq!(p.holding.as_deref(), Some("节能审查（未开始，计划 2026-06-01 办结，已逾期 29 天，责任单位：市自然资源局）"));
        assert_eq!(p.holding_index, Some(2));
        assert!(p.reasons.contains(&"应办 3 项，已办结 1 项".to_string()));

        let no_overdue = progress(&items, d("2026-05-01"));
        assert!(no_overdue.holding.unwrap().starts_with("环境影响评价（办理中"));

        let all_done = vec![item("用地预审", Done, None, Some("2026-03-01")), item("安全评价", NotApplicable, None, None)];
        let p = progress(&all_done, on);
        assert!(p.complete && p.holding.is_none());
        assert_eq!(p.reasons, vec!["应办 1 项已全部办结"]);
        // As of a day before it was done, it was not.
        assert!(!progress(&all_done, d("2026-02-28")).complete);
    }

    #[test]
    fn item_check_table() {
        use ApprovalStatus::*;
        let today = d("2026-11-27");
        let cases: &[(ApprovalStatus, Option<&str>, &str, Option<&str>, Result<(), &str>)] = &[
            (Done, Some("2026-11-01"), "汉环批复〔2026〕12号", None, Ok(())),
            (Done, None, "汉环批复〔2026〕12号", None, Err("请填写办结日期")),
            (Done, Some("2026-12-01"), "文号", None, Err("不能晚于今天")),
            (Done, Some("2026-11-01"), " ", None, Err("批复文件或文号")),
            (Done, Some("2026-11-01"), "文号", Some("2026-11-02"), Err("不能早于开始办理")),
            (InProgress, Some("2026-11-01"), "", None, Err("不应有办结日期")),
            (InProgress, None, "", Some("2026-12-01"), Err("开始办理的日期不能晚于今天")),
            (NotApplicable, None, "", None, Ok(())),
        ];
        for (status, done, doc, started, want) in cases {
            let got = check_item(*status, done.map(d), doc, started.map(d), today);
            match (got, want) {
                (Ok(()), Ok(())) => {}
                (Err(m), Err(w)) => assert!(m.contains(w), "{status:?}: {m}"),
                (g, w) => panic!("{status:?} {done:?}: got {g:?}, wanted {w:?}"),
            }
        }
    }
}
