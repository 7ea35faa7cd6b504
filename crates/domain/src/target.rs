//! The target library's vocabulary: priorities, engagement status and its rules, follow-up kinds,
//! enterprise tags. Codes are stored; labels are what the bureau says.

use serde::{Deserialize, Serialize};

coded!(
    /// How much a target matters to the unit.
    Priority {
        A = "A", "A 重点";
        B = "B", "B 一般";
        C = "C", "C 储备";
    }
);

coded!(
    /// Where the courting of a target stands.
    Engagement {
        NotContacted = "not_contacted", "未接触";
        Contacted = "contacted", "已接触";
        InTalks = "in_talks", "洽谈中";
        Intent = "intent", "有意向";
        Converted = "converted", "已转化为项目";
        Dropped = "dropped", "已放弃";
    }
);

coded!(
    /// Kinds of contact with a company.
    FollowUpKind {
        Visit = "visit", "拜访";
        Hosted = "hosted", "接待来访";
        Call = "call", "电话";
        Video = "video", "视频";
        Meeting = "meeting", "会议";
        Event = "event", "活动";
        Service = "service", "服务";
        SiteCheck = "site_check", "实地核查";
    }
);

coded!(
    /// Tags on an enterprise that matter for targeting and assessment.
    Tag {
        Global500 = "global500", "世界500强";
        China500 = "china500", "中国500强";
        Private500 = "private500", "民营500强";
        Listed = "listed", "上市";
        Specialized = "specialized", "专精特新";
        LittleGiant = "little_giant", "小巨人";
        HighTech = "high_tech", "高新技术";
        Unicorn = "unicorn", "独角兽";
        ChainLeader = "chain_leader", "链主";
    }
);

impl Engagement {
    /// The status after a follow-up is logged: a first contact moves a target out of 未接触;
    /// anything further is the officer's judgement.
    pub fn after_follow_up(self) -> Engagement {
        match self {
            Engagement::NotContacted => Engagement::Contacted,
            other => other,
        }
    }

    /// Whether a change of status is allowed, and why not. 已转化 is reached by making a
    /// project (a later capability) and then stays; 已放弃 needs a reason.
    pub fn change(self, to: Engagement, reason: &str) -> Result<Engagement, String> {
        if self == to {
            return Ok(to);
        }
        if self == Engagement::Converted {
            return Err("已转化为项目的目标不能再改状态；请在项目中跟进".into());
        }
        if to == Engagement::Dropped && reason.trim().is_empty() {
            return Err("放弃目标企业时请写明原因".into());
        }
        Ok(to)
    }
}

/// Tags stored as a comma-separated list of codes; unknown ones are an error naming them.
pub fn parse_tags(text: &str) -> Result<Vec<Tag>, String> {
    let mut tags = Vec::new();
    for part in text.split([',', '，', '、', ' ']).map(str::trim).filter(|s| !s.is_empty()) {
        let tag = Tag::parse_any(part).ok_or_else(|| format!("未知的企业标签「{part}」"))?;
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.sort();
    Ok(tags)
}

pub fn join_tags(tags: &[Tag]) -> String {
    tags.iter().map(|t| t.code()).collect::<Vec<_>>().join(",")
}

/// Days between the last contact and today; `None` when there never was one.
pub fn days_since(last: Option<chrono::NaiveDate>, today: chrono::NaiveDate) -> Option<i64> {
    last.map(|d| (today - d).num_days().max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engagement_change_table() {
        use Engagement::*;
        let cases: &[(Engagement, Engagement, &str, Result<Engagement, &str>)] = &[
            (NotContacted, Contacted, "", Ok(Contacted)),
            (Contacted, InTalks, "", Ok(InTalks)),
            (InTalks, Intent, "", Ok(Intent)),
            (Intent, Contacted, "", Ok(Contacted)), // talks cooled off: allowed, it is the officer's call
            (InTalks, Dropped, "", Err("放弃目标企业时请写明原因")),
            (InTalks, Dropped, "企业决定在成都建厂", Ok(Dropped)),
            (Dropped, Contacted, "", Ok(Contacted)), // courted again
            (Converted, InTalks, "", Err("已转化为项目的目标不能再改状态；请在项目中跟进")),
            (Converted, Converted, "", Ok(Converted)),
        ];
        for (from, to, reason, expected) in cases {
            assert_eq!(from.change(*to, reason), expected.map_err(str::to_string), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn a_first_follow_up_marks_the_target_contacted() {
        assert_eq!(Engagement::NotContacted.after_follow_up(), Engagement::Contacted);
        assert_eq!(Engagement::Intent.after_follow_up(), Engagement::Intent);
        assert_eq!(Engagement::Dropped.after_follow_up(), Engagement::Dropped);
    }

    #[test]
    fn tags_table() {
        let cases: &[(&str, Result<Vec<Tag>, &str>)] = &[
            ("china500,listed", Ok(vec![Tag::China500, Tag::Listed])),
            ("上市、专精特新", Ok(vec![Tag::Listed, Tag::Specialized])),
            ("链主, 链主", Ok(vec![Tag::ChainLeader])),
            ("", Ok(vec![])),
            ("独角兽,龙头", Err("未知的企业标签「龙头」")),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_tags(input), expected.clone().map_err(str::to_string), "{input}");
        }
        assert_eq!(join_tags(&[Tag::Global500, Tag::ChainLeader]), "global500,chain_leader");
    }

    #[test]
    fn labels_and_codes_parse() {
        assert_eq!(Priority::parse_any("A"), Some(Priority::A));
        assert_eq!(Engagement::parse_any("洽谈中"), Some(Engagement::InTalks));
        assert_eq!(FollowUpKind::parse("visit").map(FollowUpKind::label), Some("拜访"));
        assert_eq!(FollowUpKind::parse("tea"), None);
    }

    #[test]
    fn days_since_contact() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(days_since(chrono::NaiveDate::from_ymd_opt(2026, 10, 28), today), Some(30));
        assert_eq!(days_since(None, today), None);
    }
}
