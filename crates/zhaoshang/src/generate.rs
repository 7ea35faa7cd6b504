//! Deterministic synthetic data for demos and benchmarks: the same scale always gives the same
//! data. Units come from the Hanzhong profile (plus, at province scale, synthetic units on real
//! GB/T 2260 counties); accounts get realistic Chinese names.

use std::fmt;

use anyhow::bail;

use domain::{Role, UnitKind};
use store::units::UnitInput;
use store::users::NewUser;
use store::{Store, Who, passwords};

pub const HANZHONG: &str = include_str!("../../../profiles/hanzhong.toml");

/// The demo accounts' password unless ZS_ADMIN_PASSWORD is set.
pub const DEMO_PASSWORD: &str = "Zhaoshang@2026";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// 演示：汉中配置的单位与演示账号
    Demo,
    /// 一个城市：每个单位 5 名专员
    City,
    /// 一个省：300 个单位、3000 个账号
    Province,
}

pub struct Report {
    pub units: usize,
    pub users: usize,
    pub companies: String,
    /// (link id, enterprise id) of the companies built to fit each gap.
    pub fits: crate::companies::Fits,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "单位 {} 个，账号 {} 个，{}", self.units, self.users, self.companies)
    }
}

impl Scale {
    pub fn sizes(self) -> crate::companies::Sizes {
        match self {
            Scale::Demo => crate::companies::Sizes { enterprises: 800, targets_per_unit: 6, follow_ups: 400, projects_per_unit: 5 },
            Scale::City => crate::companies::Sizes { enterprises: 20_000, targets_per_unit: 100, follow_ups: 20_000, projects_per_unit: 40 },
            Scale::Province => crate::companies::Sizes { enterprises: 1_000_000, targets_per_unit: 380, follow_ups: 2_000_000, projects_per_unit: 60 },
        }
    }
}

/// splitmix64: small, fast, and the same on every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
}

const SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕"];
const GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "华", "红", "玉兰", "志强", "晓燕", "海燕", "建军", "小龙", "思远", "雨婷", "浩然", "子涵", "欣怡", "俊杰", "秦岭", "汉江"];

pub fn person_name(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
}

fn phone(rng: &mut Rng) -> String {
    let prefix = rng.pick(&["139", "138", "137", "136", "135", "159", "158", "188", "187", "177"]);
    format!("{prefix}{:08}", rng.next() % 100_000_000)
}

/// The demo accounts of DESIGN §12: admin, bureau, leader, and per unit head-<code> and officer-<code>.
fn demo_accounts(units: &[store::entities::unit::Model], hash: &str, rng: &mut Rng) -> Vec<NewUser> {
    let bureau = units.iter().find(|u| u.kind == "bureau").map_or(units[0].id, |u| u.id);
    let mut out = vec![
        account("admin", "系统管理员", bureau, vec![Role::Admin], hash, rng),
        account("bureau", &person_name(rng), bureau, vec![Role::Bureau], hash, rng),
        account("leader", &person_name(rng), bureau, vec![Role::Leader], hash, rng),
    ];
    for unit in units {
        let (head_roles, officer_roles) = match UnitKind::parse(&unit.kind) {
            Some(UnitKind::Bureau) => (vec![Role::UnitHead, Role::Bureau], vec![Role::Bureau]),
            Some(UnitKind::Department) => (vec![Role::UnitHead, Role::Department], vec![Role::Department]),
            _ => (vec![Role::UnitHead], vec![Role::Officer]),
        };
        out.push(account(&format!("head-{}", unit.code), &person_name(rng), unit.id, head_roles, hash, rng));
        out.push(account(&format!("officer-{}", unit.code), &person_name(rng), unit.id, officer_roles, hash, rng));
    }
    out
}

fn account(username: &str, name: &str, unit_id: i64, roles: Vec<Role>, hash: &str, rng: &mut Rng) -> NewUser {
    NewUser {
        username: username.to_lowercase(),
        display_name: name.to_string(),
        phone: phone(rng),
        unit_id,
        roles,
        password_hash: hash.to_string(),
        must_change_password: false,
    }
}

pub fn demo_password() -> String {
    std::env::var("ZS_ADMIN_PASSWORD").ok().filter(|p| !p.is_empty()).unwrap_or_else(|| DEMO_PASSWORD.to_string())
}

/// Fills an empty database. All generated accounts share one password (hashed once).
pub async fn generate(store: &Store, scale: Scale) -> anyhow::Result<Report> {
    if !store.is_empty().await? {
        bail!("数据库里已有单位或账号；gen 只在空数据库上生成（换一个数据库地址，或先清空）");
    }
    let who = Who::system("gen");
    store.load_profile(&who, HANZHONG).await?;
    store::settings::set(&store.db, store::settings::DEMO_DATA, "true").await?;
    let mut rng = Rng::new(0x7A68_616F_7368_616E);
    if scale == Scale::Province {
        add_synthetic_units(store, &who, 300).await?;
    }
    let units = store.units().await?;
    let hash = passwords::hash(&demo_password());
    let mut users = demo_accounts(&units, &hash, &mut rng);
    let extra_per_unit = match scale {
        Scale::Demo => 0,
        Scale::City => 5,
        Scale::Province => 8,
    };
    for unit in &units {
        for i in 1..=extra_per_unit {
            let roles = if unit.kind == "department" { vec![Role::Department] } else { vec![Role::Officer] };
            users.push(account(&format!("u{}-{i}", unit.code.to_lowercase()), &person_name(&mut rng), unit.id, roles, &hash, &mut rng));
        }
    }
    let n = store.insert_users_bulk(&who, users, "生成数据").await?;
    let users = store.users(None, "").await?;
    let links: Vec<_> = store.profile_tree().await?.iter().flat_map(|c| &c.chains).flat_map(|h| store::profile::LinkNode::flatten(&h.links)).collect();
    let (mut data, fits) = crate::companies::generate(&scale.sizes(), &units, &users, &links, 0x5EED);
    story(&mut data, &units, &users);
    crate::projects_gen::generate(&mut data, &units, &users, &links, scale.sizes().projects_per_unit, 0x9A07);
    crate::projects_gen::story(&mut data, &units, &users, &links);
    let companies = store.load_generated(&who, data).await?;
    events(store, &who).await?;
    dispatch(store, &who).await?;
    store.seed_aftercare(&who, chrono::Utc::now().date_naive()).await?;
    assessment(store, &who).await?;
    // The search index of a new data set is built from the tables, not from millions of notes.
    store.clear_outbox().await?;
    Ok(Report { units: units.len(), users: n, companies, fits })
}

/// About eight promotion events over the year, organised by the bureau and the offices, with the
/// companies that came and existing projects tied to them (leads made there, projects signed
/// there), so the effect funnel shows real numbers from the start.
async fn events(store: &Store, who: &Who) -> anyhow::Result<()> {
    use chrono::Datelike;
    use domain::event::{EventKind, EventStatus, Relation};
    use domain::project::Stage;
    let today = chrono::Utc::now().date_naive();
    let year = today.year();
    let jan1 = chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let units = store.units().await?;
    let unit_of = |code: &str| units.iter().find(|u| u.code == code).map(|u| u.id);
    let (rows, _) = store
        .list_projects(domain::access::Visibility::All, &store::projects::ProjectFilter { per_page: 1000, sort: store::projects::ProjectSort::Amount, ..Default::default() }, true)
        .await?;
    let stage = |r: &store::projects::ProjectRow| Stage::parse(&r.project.stage).unwrap_or(Stage::Lead);
    let mut used = std::collections::HashSet::new();
    let mut investors = store.enterprises_after(0, 200).await?.into_iter().map(|e| e.id).collect::<Vec<_>>().into_iter().cycle().step_by(7);
    /// One event of the demo year: `ago` days back (negative: ahead), lasting `days`, with so many
    /// leads made there and projects signed there.
    struct Plan {
        kind: EventKind,
        name: String,
        city: &'static str,
        venue: &'static str,
        ago: i64,
        days: i64,
        organiser: &'static str,
        leads: usize,
        signed_here: usize,
        summary: &'static str,
    }
    let plan = |kind, name: String, city, venue, ago, days, organiser, leads, signed_here, summary| Plan { kind, name, city, venue, ago, days, organiser, leads, signed_here, summary };
    let plans = [
        plan(EventKind::Signing, format!("{year}丝博会汉中签约活动"), "西安", "西安国际会展中心", 150, 1, "610700", 0, 5, "市政府主要领导出席，集中签约重点项目。"),
        plan(EventKind::Promotion, "深圳电子信息产业推介会".into(), "深圳", "深圳会展中心", 120, 1, "sz", 4, 0, "推介汉中电子元器件和传感器产业园，40 余家企业参会。"),
        plan(EventKind::Roadshow, "上海航空装备路演".into(), "上海", "虹桥商务区", 95, 2, "sh", 3, 1, "面向机载设备和航空零部件企业路演，现场签约 1 个项目。"),
        plan(EventKind::Week, format!("{year}汉中招商周"), "汉中", "汉中市会议中心", 70, 5, "610700", 3, 2, "集中推介六大园区，组织客商实地考察。"),
        plan(EventKind::Forum, "长三角汉商恳谈会".into(), "上海", "汉中商会", 45, 1, "sh", 2, 0, "在沪汉中籍企业家座谈，征集回乡投资意向。"),
        plan(EventKind::Expo, "中国国际装备制造业博览会汉中展区".into(), "沈阳", "沈阳国际展览中心", 30, 4, "bj", 2, 0, "展示汉中装备制造产业链，收集客商名片 60 余张。"),
        plan(EventKind::Promotion, "成渝地区新材料产业推介会".into(), "成都", "成都世纪城国际会议中心", 12, 1, "cd", 1, 0, "推介钢铁和有色金属精深加工项目。"),
        plan(EventKind::Promotion, "粤港澳大湾区招商推介会".into(), "广州", "", -20, 1, "sz", 0, 0, "筹备中：拟邀请 30 家重点目标企业。"),
    ];
    for Plan { kind, name, city, venue, ago, days, organiser, leads, signed_here, summary } in plans {
        let Some(organizer_unit_id) = unit_of(organiser) else { continue };
        let start_on = (today - chrono::Duration::days(ago)).max(jan1);
        let end_on = start_on + chrono::Duration::days(days - 1);
        let status = if end_on < today { EventStatus::Held } else { EventStatus::Planned };
        let input = store::events::EventInput { kind, name, city: city.into(), venue: venue.into(), start_on, end_on, organizer_unit_id, status, summary: summary.into() };
        let event = store.create_event(who, &input).await?;
        if status == EventStatus::Planned {
            continue;
        }
        // Leads: projects brought in by the organiser (or any, for the bureau), most through events.
        let own = |r: &&store::projects::ProjectRow| organiser == "610700" || r.project.source_unit_id == organizer_unit_id;
        let mut tied = Vec::new();
        let lead_rows: Vec<i64> = rows.iter().filter(|r| !used.contains(&r.project.id) && own(r)).filter(|r| r.project.source_channel == "event").chain(rows.iter().filter(|r| !used.contains(&r.project.id) && own(r))).map(|r| r.project.id).collect();
        for id in lead_rows.into_iter().take(leads) {
            if used.insert(id) {
                tied.push((id, Relation::Lead));
            }
        }
        let signed_rows: Vec<i64> = rows.iter().filter(|r| !used.contains(&r.project.id) && stage(r) >= Stage::Signed).map(|r| r.project.id).take(signed_here).collect();
        for id in signed_rows {
            used.insert(id);
            tied.push((id, Relation::Signed));
        }
        let mut came = Vec::new();
        for (id, relation) in &tied {
            store.link_project(who, event.id, *id, *relation).await?;
            if let Some(r) = rows.iter().find(|r| r.project.id == *id) {
                came.push(r.project.enterprise_id);
            }
        }
        came.extend(investors.by_ref().take(4));
        let mut seen = std::collections::HashSet::new();
        for enterprise_id in came.into_iter().filter(|e| seen.insert(*e)) {
            let contact = store.contacts_of(enterprise_id, domain::access::Visibility::All).await?.0.first().map(|c| c.id);
            store.add_participant(who, event.id, enterprise_id, contact, "").await?;
        }
        // The organiser's officer logged who they met there.
        let officer = store.users(Some(organizer_unit_id), "").await?.into_iter().find(|u| u.active);
        if let (Some(officer), Some((id, _))) = (officer, tied.first())
            && let Some(r) = rows.iter().find(|r| r.project.id == *id)
        {
            store.demo_event_follow_up(event.id, r.project.enterprise_id, officer.id, organizer_unit_id, start_on, "活动现场洽谈，企业有意向来汉考察。").await?;
        }
    }
    Ok(())
}

/// This year's schemes and targets, and every finished month published, so rankings have a
/// history and movement from the start.
async fn assessment(store: &Store, who: &Who) -> anyhow::Result<()> {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    store.seed_assessment(who, today.year()).await?;
    for scheme in store.schemes(Some(today.year())).await? {
        for month in 1..today.month() {
            store.publish_run(who, scheme.id, today.year(), month, "").await?;
        }
    }
    store.seed_task_list(who, today).await?;
    Ok(())
}

/// The last two weeks' dispatch, frozen: most key projects reported on time, some late, some
/// never; and this week's notes from the first units.
async fn dispatch(store: &Store, who: &Who) -> anyhow::Result<()> {
    let now = chrono::Utc::now();
    let rules = store.dispatch_rules().await?;
    let this_week = domain::dispatch::current_week(now);
    let plans = [
        ("完成项目用地预审，规划方案已报审", "推进规划许可办理", ""),
        ("双方就投资协议条款达成一致", "安排签约仪式", "请市局协调签约时间"),
        ("主体厂房封顶，设备采购合同已签", "设备进场安装", "需电力公司提前接入双回路"),
        ("企业高管来汉考察园区", "报送项目可研", ""),
    ];
    for (weeks_back, frozen) in [(2, true), (1, true), (0, false)] {
        let week = this_week - chrono::Duration::days(7 * weeks_back);
        let deadline = rules.deadline(week);
        for (i, k) in store.key_projects(None, week, now).await?.iter().enumerate() {
            // Every seventh never reports, every fifth reports late; this week, only some have written yet.
            let at = match i % 7 {
                0 => continue,
                _ if i % 5 == 0 => deadline + chrono::Duration::hours(20),
                n => deadline - chrono::Duration::hours(6 + n as i64),
            };
            if at > now {
                continue;
            }
            let (progress, next_plan, coordination) = plans[i % plans.len()];
            let input = store::dispatch::NoteInput { progress: progress.into(), next_plan: next_plan.into(), coordination: coordination.into() };
            store.demo_note(week, k.project_id, &input, at).await?;
        }
        if frozen {
            store.freeze_week(who, week).await?;
        }
    }
    Ok(())
}

/// The company of the design's Monday story (DESIGN §13): 秦岭航空零部件, courted by 南郑区.
fn story(data: &mut store::bulk::Generated, units: &[store::entities::unit::Model], users: &[store::entities::user::Model]) {
    let (Some(first), Some(nanzheng)) = (data.enterprises.first_mut(), units.iter().find(|u| u.code == "610703")) else { return };
    first.name = "秦岭航空零部件有限公司".into();
    first.name_norm = domain::names::normalize_name(&first.name);
    first.industry_code = "3741".into();
    first.is_local = false;
    first.tags = "specialized".into();
    let (id, region, tags, search_text) = (first.id, first.region_code.clone(), first.tags.clone(), store::enterprises::search_text(first));
    data.targets.retain(|t| t.enterprise_id != id);
    data.target_links.retain(|l| data.targets.iter().any(|t| t.id == l.target_id));
    data.follow_ups.retain(|f| f.enterprise_id != id);
    let officer = users.iter().find(|u| u.username == "officer-610703").map(|u| u.id);
    let target_id = data.targets.iter().map(|t| t.id).max().unwrap_or(0) + 1;
    let now = chrono::Utc::now();
    // Her Monday morning: three next steps due today and one overdue, on her unit's other targets.
    let today = now.date_naive();
    let mut next_id = data.follow_ups.iter().map(|f| f.id).max().unwrap_or(0);
    let own: Vec<(i64, i64)> = data.targets.iter().filter(|t| t.owner_unit_id == nanzheng.id && t.status != "not_contacted").map(|t| (t.id, t.enterprise_id)).take(4).collect();
    for (n, (target, enterprise)) in own.into_iter().enumerate() {
        let (Some(officer), due) = (officer, if n == 3 { today - chrono::Duration::days(2) } else { today }) else { continue };
        next_id += 1;
        data.follow_ups.push(store::entities::follow_up::Model {
            id: next_id,
            enterprise_id: enterprise,
            target_id: Some(target),
            unit_id: nanzheng.id,
            user_id: officer,
            happened_on: due - chrono::Duration::days(7),
            kind: "call".into(),
            place: String::new(),
            latitude_e6: None,
            longitude_e6: None,
            participants: String::new(),
            summary: "电话沟通项目进展，企业希望尽快拿到测算资料。".into(),
            next_step: ["发送地价测算表", "确认考察行程", "提供标准化厂房图纸", "回复用电负荷问题"][n].into(),
            next_due: Some(due),
            next_done: false,
            client_key: format!("story-{n}"),
            project_id: None,
            event_id: None,
            created_at: now - chrono::Duration::days(7),
        });
    }
    data.targets.push(store::entities::target::Model {
        id: target_id,
        enterprise_id: id,
        owner_unit_id: nanzheng.id,
        owner_user_id: officer,
        priority: "A".into(),
        status: "not_contacted".into(),
        drop_reason: String::new(),
        source: "链主企业配套".into(),
        note: String::new(),
        last_contact_on: None,
        region_code: region,
        tags,
        search_text,
        created_at: now,
        updated_at: now,
        version: 1,
    });
}

/// Province scale: more county-level units, on real counties of provinces other than the city's.
async fn add_synthetic_units(store: &Store, who: &Who, total: usize) -> anyhow::Result<()> {
    let have = store.units().await?.len();
    let bureau = store.units().await?.into_iter().find(|u| u.kind == "bureau").map(|u| u.id);
    let counties: Vec<(String, String)> = include_str!("../../domain/data/gb2260-regions.tsv")
        .lines()
        .skip(1)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            (cols.len() >= 3 && cols[2] == "county" && !cols[0].starts_with("6107")).then(|| (cols[0].to_string(), cols[1].to_string()))
        })
        .collect();
    for (code, name) in counties.iter().take(total.saturating_sub(have)) {
        let input = UnitInput {
            code: code.clone(),
            name: format!("{name}投资促进中心"),
            kind: UnitKind::County,
            region_code: code.clone(),
            parent_id: bureau,
            covers: Vec::new(),
            active: true,
        };
        store.create_unit(who, &input).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_names() {
        let a: Vec<String> = { let mut r = Rng::new(1); (0..5).map(|_| person_name(&mut r)).collect() };
        let b: Vec<String> = { let mut r = Rng::new(1); (0..5).map(|_| person_name(&mut r)).collect() };
        assert_eq!(a, b);
        let mut r = Rng::new(1);
        let p = phone(&mut r);
        assert_eq!(p.len(), 11);
        assert!(p.starts_with('1'));
    }

    #[test]
    fn the_profile_shipped_in_the_binary_is_valid() {
        let profile = domain::profile::Profile::parse(HANZHONG).expect("profiles/hanzhong.toml is valid");
        assert!(profile.units.iter().any(|u| u.code == "610703" && u.name == "南郑区"));
        assert!(profile.units.iter().filter(|u| u.kind == "office").count() == 5);
    }
}
