//! Synthetic companies, targets and follow-ups: realistic Chinese names, valid 统一社会信用代码,
//! GB/T 4754 industries matching the chain links, GB/T 2260 regions weighted to where industry
//! moves from (长三角, 珠三角, 京津冀, 成渝), and next steps due around today.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use domain::target::{Engagement, FollowUpKind, Priority, Tag, join_tags};
use domain::uscc::{Uscc, org_code_check};
use store::bulk::Generated;
use store::entities::{contact, enterprise, follow_up, link, target, target_link, unit, user};

use crate::generate::{Rng, person_name};

/// How much to make.
pub struct Sizes {
    pub enterprises: usize,
    pub targets_per_unit: usize,
    pub follow_ups: usize,
    pub projects_per_unit: usize,
}

const CORES: &[&str] = &["秦岭", "汉江", "华瑞", "鼎盛", "恒通", "天成", "博远", "中科", "宏达", "金桥", "瑞丰", "海川", "星河", "嘉禾", "安泰", "明德", "众诚", "信达", "远航", "佳兴", "立讯", "国盛", "正泰", "润泽", "东方", "长风", "凯越", "联创", "智源", "新程"];
const SUFFIXES: &[&str] = &["有限公司", "科技有限公司", "股份有限公司", "实业有限公司", "集团有限公司"];
const STATUSES: &[&str] = &["存续", "存续", "存续", "在业", "在业", "注销", "吊销"];
const TITLES: &[&str] = &["董事长", "总经理", "副总经理", "投资总监", "战略发展部经理", "办公室主任"];
const SUMMARIES: &[&str] = &[
    "与企业负责人面谈，介绍园区土地、能源价格和产业配套，企业对西部布局有兴趣，关注物流成本。",
    "电话沟通扩产计划，企业计划明年新增产能，正在比较汉中、宝鸡两地条件。",
    "企业来汉考察航空经开区，查看标准化厂房，提出用电负荷和人才公寓需求。",
    "参加推介会后回访，企业已组织内部评估，希望提供地价测算和税收政策清单。",
    "视频会议讨论合作方式，企业倾向于先租赁厂房试产，再购地建设。",
    "陪同企业实地踏勘地块，确认水电气接入条件，企业将于下月上会研究。",
];
const NEXT_STEPS: &[&str] = &["发送地价测算表", "提供政策清单", "安排分管领导会见", "邀请来汉考察", "对接电力公司确认负荷", "回访了解上会结果"];

/// The places (prefecture-level GB/T 2260 codes) companies come from, weighted toward the east.
const SOURCE_REGIONS: &[(&str, &str)] = &[
    ("310100", "上海"), ("320500", "苏州"), ("320100", "南京"), ("330100", "杭州"), ("330200", "宁波"), ("340100", "合肥"),
    ("440300", "深圳"), ("440100", "广州"), ("441900", "东莞"), ("440600", "佛山"), ("350200", "厦门"),
    ("110100", "北京"), ("120100", "天津"), ("370200", "青岛"), ("510100", "成都"), ("500100", "重庆"),
    ("610100", "西安"), ("610300", "宝鸡"), ("610700", "汉中"), ("610700", "汉中"),
];

fn uscc(rng: &mut Rng, region: &str) -> String {
    const BODY: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
    loop {
        let body8: String = (0..8).map(|i| if i < 2 { BODY[(rng.next() % 10) as usize] as char } else { BODY[(rng.next() % BODY.len() as u64) as usize] as char }).collect();
        let Some(check) = org_code_check(&body8) else { continue };
        let first17 = format!("91{region}{body8}{check}");
        if let Ok(code) = Uscc::complete(&first17) {
            return code.as_str().to_string();
        }
    }
}

fn industry_word(code: &str) -> String {
    let name = domain::industry::lookup(code).map(|i| i.name).unwrap_or("科技");
    let head = name.split(['及', '、', '和', '（']).next().unwrap_or(name);
    let trimmed = head.trim_end_matches("制造").trim_end_matches("加工").trim_end_matches("生产").trim_end_matches("服务").trim_end_matches("批发");
    let short: String = trimmed.chars().take(5).collect();
    if short.is_empty() { "科技".into() } else { short }
}

/// All the county-level codes under a prefecture (so a company's region is a real county).
fn county_of(rng: &mut Rng, prefecture: &str) -> String {
    let prefix = &prefecture[..4];
    let counties: Vec<&str> = include_str!("../../domain/data/gb2260-regions.tsv")
        .lines()
        .filter_map(|l| l.split('\t').next())
        .filter(|c| c.len() == 6 && c.starts_with(prefix) && !c.ends_with("00"))
        .collect();
    if counties.is_empty() { prefecture.to_string() } else { rng.pick(&counties).to_string() }
}

/// (link id, enterprise id) of the companies built to fit each gap.
pub type Fits = Vec<(i64, i64)>;

/// Eastern prefectures (the provinces industry moves from), for the companies built to fit.
const EASTERN: &[(&str, &str)] = &[("310100", "上海"), ("320500", "苏州"), ("320100", "南京"), ("330100", "杭州"), ("330200", "宁波"), ("440300", "深圳"), ("440100", "广州"), ("441900", "东莞"), ("440600", "佛山"), ("350200", "厦门"), ("110100", "北京"), ("120100", "天津"), ("370200", "青岛")];

/// Turns some companies into ones that fit a weak or missing link by construction: the link's own
/// class, all its keywords in the business scope, 10 亿元 or more, 500强 or listed, operating, in
/// the east. Ranking quality is measured by how many of them come first (precision at 20).
fn build_fits(data: &mut Generated, links: &[link::Model], per_gap: usize, rng: &mut Rng) -> Fits {
    let mut fits = Vec::new();
    if per_gap == 0 || data.enterprises.is_empty() {
        return fits;
    }
    let mut used = std::collections::HashSet::new();
    let n = data.enterprises.len() as u64;
    for l in links.iter().filter(|l| l.strength != "strong" && l.active) {
        let Some(code) = l.industry_codes.split(',').map(str::trim).find(|c| c.len() == 4) else { continue };
        let keywords: Vec<&str> = l.keywords.split(',').map(str::trim).filter(|k| !k.is_empty()).collect();
        if keywords.is_empty() {
            continue;
        }
        for k in 0..per_gap {
            let mut i = (rng.next() % n) as usize;
            while !used.insert(i) {
                i = (i + 1) % n as usize;
            }
            let (prefecture, place) = *rng.pick(EASTERN);
            let e = &mut data.enterprises[i];
            let name = format!("{place}{}{}{}号有限公司", rng.pick(CORES), keywords[k % keywords.len()], i % 9973);
            e.name_norm = domain::names::normalize_name(&name);
            e.name = name;
            e.industry_code = code.to_string();
            e.business_scope = format!("{}的研发、生产和销售；{}；技术服务；货物进出口。", keywords.join("、"), domain::industry::lookup(code).map_or("", |x| x.name));
            e.capital_wan = Some((100_000 + (rng.next() % 400_000) as i64) * 100);
            e.tags = join_tags(&[if k % 2 == 0 { Tag::China500 } else { Tag::Listed }]);
            e.region_code = county_of(rng, prefecture);
            e.status = "存续".into();
            e.is_local = false;
            fits.push((l.id, e.id));
        }
    }
    fits
}

pub fn generate(sizes: &Sizes, units: &[unit::Model], users: &[user::Model], links: &[link::Model], seed: u64) -> (Generated, Fits) {
    let mut rng = Rng::new(seed);
    let today = Utc::now().date_naive();
    let now = Utc::now();
    let link_codes: Vec<(i64, Vec<String>)> = links.iter().map(|l| (l.id, l.industry_codes.split(',').filter(|c| c.len() == 4).map(str::to_string).collect::<Vec<_>>())).filter(|(_, c)| !c.is_empty()).collect();
    let all_classes: Vec<&'static str> = include_str!("../../domain/data/gb4754-2017.tsv").lines().filter_map(|l| l.split('\t').next()).filter(|c| c.len() == 4 && c.bytes().all(|b| b.is_ascii_digit())).collect();
    let mut data = Generated::default();
    let mut county_cache: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();

    for i in 0..sizes.enterprises {
        let id = i as i64 + 1;
        // Two in five companies work in an industry of some chain link; the rest anywhere.
        let industry = if rng.next() % 5 < 2 && !link_codes.is_empty() {
            let (_, codes) = rng.pick(&link_codes);
            rng.pick(codes).clone()
        } else {
            rng.pick(&all_classes).to_string()
        };
        let (prefecture, place) = *rng.pick(SOURCE_REGIONS);
        let counties = county_cache.entry(prefecture).or_insert_with(|| {
            let mut r = Rng::new(prefecture.parse::<u64>().unwrap_or(1));
            (0..8).map(|_| county_of(&mut r, prefecture)).collect()
        });
        let region = rng.pick(counties).clone();
        let is_local = prefecture == "610700";
        let name = format!("{place}{}{}{}", rng.pick(CORES), industry_word(&industry), rng.pick(SUFFIXES));
        // Unique names: the index keeps generated names apart without looking artificial at small scale.
        let name = if i < 2000 { name } else { format!("{}{}", name.trim_end_matches("有限公司"), format!("{}号有限公司", i % 9973)) };
        let capital = (rng.next() % 200_000 + 100) as i64 * 100;
        let mut tags = Vec::new();
        let roll = rng.next() % 1000;
        if roll < 8 {
            tags.push(Tag::China500);
        }
        if roll < 3 {
            tags.push(Tag::Global500);
        }
        if (10..60).contains(&roll) {
            tags.push(Tag::Specialized);
        }
        if (60..90).contains(&roll) {
            tags.push(Tag::HighTech);
        }
        if (90..110).contains(&roll) {
            tags.push(Tag::Listed);
        }
        if is_local && roll % 37 == 0 {
            tags.push(Tag::ChainLeader);
        }
        tags.sort();
        tags.dedup();
        let established = NaiveDate::from_ymd_opt(1995 + (rng.next() % 30) as i32, 1 + (rng.next() % 12) as u32, 1 + (rng.next() % 28) as u32);
        data.enterprises.push(enterprise::Model {
            id,
            uscc: Some(uscc(&mut rng, &region)),
            uscc_valid: true,
            uscc_note: String::new(),
            name_norm: domain::names::normalize_name(&name),
            name,
            former_names: String::new(),
            legal_rep: person_name(&mut rng),
            established_on: established,
            capital_wan: Some(capital),
            capital_currency: "CNY".into(),
            status: rng.pick(STATUSES).to_string(),
            company_type: "有限责任公司".into(),
            industry_code: industry.clone(),
            region_code: region,
            address: String::new(),
            business_scope: format!("{}；技术开发、技术服务；货物进出口。", domain::industry::lookup(&industry).map_or("", |i| i.name)),
            revenue_wan: None,
            employees: Some((rng.next() % 3000) as i32 + 10),
            tags: join_tags(&tags),
            listing: String::new(),
            is_local,
            merged_into_id: None,
            created_by_unit_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        });
        if rng.next() % 4 == 0 {
            let unit = rng.pick(units);
            data.contacts.push(contact::Model {
                id: data.contacts.len() as i64 + 1,
                enterprise_id: id,
                unit_id: unit.id,
                name: person_name(&mut rng),
                title: rng.pick(TITLES).to_string(),
                phone: format!("13{:09}", rng.next() % 1_000_000_000),
                wechat: String::new(),
                is_native: rng.next() % 6 == 0,
                home_county: if rng.next() % 6 == 0 { "610703".into() } else { String::new() },
                note: String::new(),
                created_at: now,
            });
        }
    }

    let per_gap = match sizes.enterprises {
        n if n >= 500_000 => 25,
        n if n >= 10_000 => 3,
        _ => 0,
    };
    let fits = build_fits(&mut data, links, per_gap, &mut rng);

    // Targets: each courting unit takes companies, mostly from other places, tied to matching links.
    let courting: Vec<&unit::Model> = units.iter().filter(|u| matches!(u.kind.as_str(), "county" | "park" | "office")).collect();
    let mut taken = std::collections::HashSet::new();
    for unit in &courting {
        let officers: Vec<&user::Model> = users.iter().filter(|u| u.unit_id == unit.id).collect();
        for _ in 0..sizes.targets_per_unit {
            let e = &data.enterprises[(rng.next() % data.enterprises.len() as u64) as usize];
            if !taken.insert((e.id, unit.id)) || e.is_local {
                continue;
            }
            let id = data.targets.len() as i64 + 1;
            let status = *rng.pick(&[Engagement::NotContacted, Engagement::Contacted, Engagement::Contacted, Engagement::InTalks, Engagement::Intent, Engagement::Dropped]);
            data.targets.push(target::Model {
                id,
                enterprise_id: e.id,
                owner_unit_id: unit.id,
                owner_user_id: officers.get((rng.next() % officers.len().max(1) as u64) as usize).map(|u| u.id),
                priority: rng.pick(&[Priority::A, Priority::B, Priority::B, Priority::C]).code().into(),
                status: status.code().into(),
                drop_reason: if status == Engagement::Dropped { "企业已在其他城市落地".into() } else { String::new() },
                source: rng.pick(&["驻外分局", "以商招商", "推介会", "汉商回归", "链主企业配套"]).to_string(),
                note: String::new(),
                last_contact_on: None,
                region_code: e.region_code.clone(),
                tags: e.tags.clone(),
                search_text: store::enterprises::search_text(e),
                created_at: now - Duration::days((rng.next() % 300) as i64 + 60),
                updated_at: now - Duration::seconds((rng.next() % (60 * 86_400)) as i64),
                version: 1,
            });
            if let Some((link_id, _)) = link_codes.iter().find(|(_, codes)| codes.contains(&e.industry_code)) {
                data.target_links.push(target_link::Model { target_id: id, link_id: *link_id });
            }
        }
    }

    // Follow-ups on targets, by the target unit's people; some next steps due today or overdue.
    if !data.targets.is_empty() {
        let mut attempts = 0;
        while data.follow_ups.len() < sizes.follow_ups && attempts < sizes.follow_ups * 3 {
            attempts += 1;
            let i = data.follow_ups.len();
            let t_index = (rng.next() % data.targets.len() as u64) as usize;
            let t = &data.targets[t_index];
            if t.status == Engagement::NotContacted.code() {
                continue;
            }
            let Some(author) = t.owner_user_id.or_else(|| users.iter().find(|u| u.unit_id == t.owner_unit_id).map(|u| u.id)) else { continue };
            let days_ago = (rng.next() % 120) as i64;
            let happened_on = today - Duration::days(days_ago);
            let with_next = rng.next() % 3 == 0;
            let next_due = with_next.then(|| happened_on + Duration::days((rng.next() % 20) as i64));
            data.follow_ups.push(follow_up::Model {
                id: i as i64 + 1,
                enterprise_id: t.enterprise_id,
                target_id: Some(t.id),
                project_id: None,
                event_id: None,
                unit_id: t.owner_unit_id,
                user_id: author,
                happened_on,
                kind: rng.pick(FollowUpKind::ALL).code().into(),
                place: String::new(),
                latitude_e6: None,
                longitude_e6: None,
                participants: String::new(),
                summary: rng.pick(SUMMARIES).to_string(),
                next_step: if with_next { rng.pick(NEXT_STEPS).to_string() } else { String::new() },
                next_due,
                next_done: next_due.is_some_and(|d| d < today - Duration::days(10)),
                client_key: format!("gen-{seed:x}-{i}"),
                created_at: Utc.from_utc_datetime(&happened_on.and_hms_opt(9, 0, 0).unwrap_or_default()),
            });
            let target = &mut data.targets[t_index];
            target.last_contact_on = Some(target.last_contact_on.map_or(happened_on, |d| d.max(happened_on)));
        }
    }
    (data, fits)
}
