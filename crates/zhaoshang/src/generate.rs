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
    let links: Vec<_> = store.profile_tree().await?.into_iter().flat_map(|c| c.chains).flat_map(|h| store::profile::LinkNode::flatten(&h.links)).collect();
    let mut data = crate::companies::generate(&scale.sizes(), &units, &users, &links, 0x5EED);
    story(&mut data, &units, &users);
    crate::projects_gen::generate(&mut data, &units, &users, &links, scale.sizes().projects_per_unit, 0x9A07);
    crate::projects_gen::story(&mut data, &units, &users, &links);
    let companies = store.load_generated(&who, data).await?;
    dispatch(store, &who).await?;
    assessment(store, &who).await?;
    Ok(Report { units: units.len(), users: n, companies })
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
