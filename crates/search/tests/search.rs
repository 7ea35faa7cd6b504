//! Search and ranking on a real database (SQLite, or PostgreSQL with ZS_TEST_DATABASE_URL):
//! permissions filter hits and facet counts, the index fed change by change equals one rebuilt
//! from scratch, and the ranking puts the companies built to fit a gap first, explained.

use chrono::Utc;
use domain::Role;
use domain::access::Visibility;
use domain::matching::{Gap, MatchWeights, Reach};
use domain::money::{Currency, Wan};
use domain::target::{FollowUpKind, Priority, Tag};
use search::{Filters, RankRequest, Request, Search, index};
use store::enterprises::EnterpriseInput;
use store::follow_ups::NewFollowUp;
use store::search_feed::{Kind, writing_as};
use store::targets::NewTarget;
use store::test_support::TestDb;
use store::{Store, Who};

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

fn company(name: &str, industry: &str, region: &str, scope: &str, capital_wan: i64, tags: Vec<Tag>) -> EnterpriseInput {
    EnterpriseInput {
        name: name.into(),
        industry_code: industry.into(),
        region_code: region.into(),
        business_scope: scope.into(),
        capital: Some(Wan { hundredths: capital_wan * 100, currency: Currency::Cny }),
        status: "存续".into(),
        tags,
        ..Default::default()
    }
}

struct World {
    db: TestDb,
    nanzheng: i64,
    chenggu: i64,
    a: Who,
    b: Who,
    hanjiang: i64,
    /// Fits the 航空复合材料 gap by construction too.
    qinling: i64,
    target_a: i64,
}

async fn world() -> World {
    let db = TestDb::new().await;
    let store = &db.store;
    let sys = Who::system("test");
    store.load_profile(&sys, PROFILE).await.unwrap();
    let unit = |code: &'static str| async move { store.unit_by_code(code).await.unwrap().unwrap().id };
    let (nanzheng, chenggu) = (unit("610703").await, unit("610722").await);
    let a = db.person("officer.a", nanzheng, Role::Officer).await;
    let b = db.person("officer.b", chenggu, Role::Officer).await;
    let hanjiang = store.create_enterprise(&sys, &company("汉江机床有限公司", "3421", "610702", "金属切削机床制造", 30_000, vec![]), false).await.unwrap().id;
    store.create_enterprise(&sys, &company("ＡＢＣ精密科技（苏州）有限公司", "3484", "320506", "精密零部件；数控加工", 5_000, vec![Tag::Listed]), false).await.unwrap();
    let qinling = store.create_enterprise(&sys, &company("秦岭航空复合材料股份有限公司", "3062", "310115", "碳纤维预浸料及复合材料研发", 200_000, vec![Tag::China500]), false).await.unwrap().id;
    let target_a = store.create_target(&a, &NewTarget { enterprise_id: hanjiang, owner_unit_id: nanzheng, owner_user_id: a.user_id, priority: Priority::A, source: String::new(), note: "机床扩产".into(), link_ids: vec![] }).await.unwrap().id;
    store
        .create_follow_up(&a, a.user_id.unwrap(), nanzheng, &NewFollowUp { enterprise_id: hanjiang, target_id: Some(target_a), project_id: None, happened_on: Utc::now().date_naive(), kind: FollowUpKind::Visit, place: "南郑".into(), latitude_e6: None, longitude_e6: None, participants: String::new(), summary: "企业计划新增五轴联动加工中心产能".into(), next_step: "发送地价测算表".into(), next_due: None, client_key: "search-test-1".into() }, vec![])
        .await
        .unwrap();
    World { db, nanzheng, chenggu, a, b, hanjiang, qinling, target_a }
}

fn ask(q: &str, visibility: Visibility) -> Request {
    Request { q: q.into(), kind: None, filters: Filters::default(), limit: 50, visibility, led_chains: vec![], also_enterprises: vec![], asker: None }
}

async fn built(store: &Store) -> std::sync::Arc<Search> {
    let s = Search::open(store.clone(), None).await.unwrap();
    s.rebuild(&|_, _, _| {}).await.unwrap();
    s
}

#[tokio::test]
async fn two_characters_find_a_company_and_permissions_filter_hits_and_facets() {
    let w = world().await;
    let s = built(&w.db.store).await;

    for q in ["汉江", "江机", "机床有限", "abc", "ＡＢＣ", "苏州", "预浸料", "复合材料"] {
        let out = s.search(&ask(q, Visibility::All)).await.unwrap();
        assert!(out.from_index, "{q}");
        assert!(out.count(Kind::Enterprise) >= 1, "{q}: {:?}", out.counts);
    }
    let out = s.search(&ask("汉江", Visibility::All)).await.unwrap();
    assert_eq!(out.hits(Kind::Enterprise)[0].id, w.hanjiang, "the company whose name begins with it first");
    assert!(s.search(&ask("不存在的公司名", Visibility::All)).await.unwrap().count(Kind::Enterprise) == 0);

    // The universe is shared; the target and the follow-up belong to 南郑区.
    let mine = s.search(&ask("汉江", Visibility::Unit(w.nanzheng))).await.unwrap();
    let theirs = s.search(&ask("汉江", Visibility::Unit(w.chenggu))).await.unwrap();
    assert_eq!((mine.count(Kind::Enterprise), mine.count(Kind::Target)), (1, 1));
    assert_eq!(mine.hits(Kind::Target)[0].id, w.target_a);
    assert_eq!((theirs.count(Kind::Enterprise), theirs.count(Kind::Target)), (1, 0));
    let visit_mine = s.search(&ask("五轴联动", Visibility::Unit(w.nanzheng))).await.unwrap();
    let visit_theirs = s.search(&ask("五轴联动", Visibility::Unit(w.chenggu))).await.unwrap();
    assert_eq!((visit_mine.count(Kind::FollowUp), visit_theirs.count(Kind::FollowUp)), (1, 0));

    // Facet counts are taken after the permission filter.
    let status = |o: &search::Outcome, path: &str| o.facets.status.iter().find(|f| f.0 == path).map_or(0, |f| f.2);
    assert_eq!(status(&mine, "/t/not_contacted") + status(&mine, "/t/contacted"), 1, "{:?}", mine.facets.status);
    assert_eq!(status(&theirs, "/t/not_contacted") + status(&theirs, "/t/contacted"), 0, "{:?}", theirs.facets.status);
    let all = s.search(&ask("", Visibility::Unit(w.chenggu))).await.unwrap();
    let region_total: u64 = all.facets.region.iter().map(|f| f.2).sum();
    assert_eq!(region_total, all.count(Kind::Enterprise) + all.count(Kind::Target) + all.count(Kind::Project), "{:?}", all.facets.region);

    // Filters narrow by facet.
    let mut r = ask("", Visibility::All);
    r.filters.region = Some("/32".into());
    let out = s.search(&r).await.unwrap();
    assert_eq!(out.count(Kind::Enterprise), 1);
    let mut r = ask("", Visibility::All);
    r.filters.capital = Some("/ge10e".into());
    assert_eq!(s.search(&r).await.unwrap().count(Kind::Enterprise), 1);
    let mut r = ask("", Visibility::All);
    r.filters.tag = Some("/china500".into());
    assert_eq!(s.search(&r).await.unwrap().count(Kind::Enterprise), 1);
    let _ = &w.b;
}

#[tokio::test]
async fn a_department_sees_the_targets_tied_to_the_chains_it_leads_but_not_their_follow_ups() {
    let w = world().await;
    let store = &w.db.store;
    let tree = store.profile_tree().await.unwrap();
    let chains: Vec<&store::profile::ChainTree> = tree.iter().flat_map(|c| &c.chains).filter(|h| !h.links.is_empty()).collect();
    let (led, other) = (chains[0], chains[1]);
    let department = led.chain.lead_unit_id;
    // 南郑区's target on 秦岭航空, tied to a link of the led chain, and a visit to it.
    let tied = store
        .create_target(&w.a, &NewTarget { enterprise_id: w.qinling, owner_unit_id: w.nanzheng, owner_user_id: w.a.user_id, priority: Priority::B, source: String::new(), note: String::new(), link_ids: vec![led.links[0].link.id] })
        .await
        .unwrap()
        .id;
    store
        .create_follow_up(&w.a, w.a.user_id.unwrap(), w.nanzheng, &NewFollowUp { enterprise_id: w.qinling, target_id: Some(tied), project_id: None, happened_on: Utc::now().date_naive(), kind: FollowUpKind::Visit, place: "上海".into(), latitude_e6: None, longitude_e6: None, participants: String::new(), summary: "秦岭航空预浸料产线选址".into(), next_step: String::new(), next_due: None, client_key: "search-test-chain".into() }, vec![])
        .await
        .unwrap();
    let s = built(store).await;
    let as_department = |q: &str, led_chains: Vec<i64>| {
        let mut r = ask(q, Visibility::UnitAndLedChains(department));
        r.led_chains = led_chains;
        let s = s.clone();
        async move { s.search(&r).await.unwrap() }
    };
    let leading = as_department("秦岭", vec![led.chain.id]).await;
    assert_eq!((leading.count(Kind::Enterprise), leading.count(Kind::Target)), (1, 1), "{:?}", leading.counts);
    assert_eq!(leading.hits(Kind::Target)[0].id, tied);
    assert_eq!(as_department("预浸料产线", vec![led.chain.id]).await.count(Kind::FollowUp), 0, "follow-ups are not shared through chains");
    let elsewhere = as_department("秦岭", vec![other.chain.id]).await;
    assert_eq!((elsewhere.count(Kind::Enterprise), elsewhere.count(Kind::Target)), (1, 0), "{:?}", elsewhere.counts);
    // 南郑区 itself sees both; 城固县 neither.
    let owner = s.search(&ask("预浸料产线", Visibility::Unit(w.nanzheng))).await.unwrap();
    let stranger = s.search(&ask("预浸料产线", Visibility::Unit(w.chenggu))).await.unwrap();
    assert_eq!((owner.count(Kind::FollowUp), stranger.count(Kind::FollowUp)), (1, 0));
    // Facets are counted after the filter: the department's targets by status are its one.
    let targets: u64 = leading.facets.status.iter().filter(|f| f.0.starts_with("/t/")).map(|f| f.2).sum();
    assert_eq!(targets, 1, "{:?}", leading.facets.status);
}

#[tokio::test]
async fn facets_count_the_children_of_each_filter_level_with_labels() {
    let w = world().await;
    let sys = Who::system("test");
    // A company with neither industry nor region: counted under 「未知」.
    w.db.store.create_enterprise(&sys, &company("无码贸易有限公司", "", "", "日用品销售", 0, vec![]), false).await.unwrap();
    let s = built(&w.db.store).await;
    let facets = |industry: Option<&str>, region: Option<&str>| {
        let mut r = ask("", Visibility::All);
        r.filters.industry = industry.map(str::to_string);
        r.filters.region = region.map(str::to_string);
        let s = s.clone();
        async move { s.search(&r).await.unwrap().facets }
    };
    let counts = |v: &[(String, String, u64)]| v.iter().map(|(p, _, n)| (p.clone(), *n)).collect::<Vec<_>>();
    let pairs = |v: &[(&str, u64)]| v.iter().map(|(p, n)| (p.to_string(), *n)).collect::<Vec<_>>();

    // Four companies and 南郑区's target (汉江机床's facts); the follow-up carries none of these.
    let top = facets(None, None).await;
    assert_eq!(counts(&top.industry), pairs(&[("/C", 4), ("/-", 1)]));
    assert_eq!(top.industry[0].1, "制造业");
    assert_eq!(top.industry[1].1, "未知");
    assert_eq!(counts(&top.region), pairs(&[("/61", 2), ("/-", 1), ("/31", 1), ("/32", 1)]));
    assert_eq!(counts(&top.capital), pairs(&[("/1e", 2), ("/1000w", 1), ("/ge10e", 1), ("/unknown", 1)]));
    assert_eq!(top.capital[0].1, "1–10 亿元");
    assert_eq!(counts(&top.tags), pairs(&[("/china500", 1), ("/listed", 1)]));
    assert_eq!(top.tags[1].1, "上市");
    assert_eq!(counts(&top.status), pairs(&[("/e/operating", 4), ("/t/contacted", 1)]));
    assert_eq!(top.status[1].1, "目标企业·已接触");

    let c = facets(Some("/C"), None).await;
    assert_eq!(counts(&c.industry), pairs(&[("/C/34", 3), ("/C/30", 1)]));
    let c34 = facets(Some("/C/34"), None).await;
    assert_eq!(counts(&c34.industry), pairs(&[("/C/34/342", 2), ("/C/34/348", 1)]));
    assert_eq!(c34.industry[0].1, domain::industry::lookup("342").unwrap().name);
    let c342 = facets(Some("/C/34/342"), None).await;
    assert_eq!(counts(&c342.industry), pairs(&[("/C/34/342/3421", 2)]));
    assert!(facets(Some("/C/34/342/3421"), None).await.industry.is_empty(), "a class has no children");
    // A filter that is no facet path is ignored, as the query ignores it.
    assert_eq!(counts(&facets(Some("C"), None).await.industry), counts(&top.industry));

    let r61 = facets(None, Some("/61")).await;
    assert_eq!(counts(&r61.region), pairs(&[("/61/6107", 2)]));
    assert_eq!(r61.region[0].1, "汉中市");
    let r6107 = facets(None, Some("/61/6107")).await;
    assert_eq!(counts(&r6107.region), pairs(&[("/61/6107/610702", 2)]));
    assert_eq!(r6107.region[0].1, "汉台区");
    assert!(facets(None, Some("/61/6107/610702")).await.region.is_empty());
}

#[tokio::test]
async fn an_index_fed_by_the_outbox_equals_one_rebuilt() {
    let w = world().await;
    let store = &w.db.store;
    let fed = built(store).await;
    let sys = Who::system("test");

    // Changes after the build: a new company, a renamed one, a target for 城固县, a follow-up.
    let new = store.create_enterprise(&sys, &company("汉中天成钛业有限公司", "3254", "610702", "钛合金材料", 8_000, vec![]), false).await.unwrap();
    let old = store.enterprise(w.hanjiang).await.unwrap();
    let mut renamed = company("汉江智能机床有限公司", "3421", "610702", "金属切削机床制造", 30_000, vec![]);
    renamed.former_names = "汉江机床有限公司".into();
    store.update_enterprise(&sys, old.id, old.version, &renamed, false).await.unwrap();
    let t = store.create_target(&w.b, &NewTarget { enterprise_id: new.id, owner_unit_id: w.chenggu, owner_user_id: w.b.user_id, priority: Priority::B, source: String::new(), note: String::new(), link_ids: vec![] }).await.unwrap();
    assert!(fed.lag(100).await.unwrap().unwrap() > 0, "the outbox noted the changes");

    let out = fed.search(&ask("天成", Visibility::Unit(w.chenggu))).await.unwrap();
    assert!(out.from_index);
    assert_eq!((out.count(Kind::Enterprise), out.count(Kind::Target)), (1, 1), "caught up before answering");
    assert_eq!(out.hits(Kind::Target)[0].id, t.id);
    assert_eq!(fed.lag(100).await.unwrap(), Some(0));
    // Found by the new name and by the former one.
    assert_eq!(fed.search(&ask("智能机床", Visibility::All)).await.unwrap().count(Kind::Enterprise), 1);
    assert_eq!(fed.search(&ask("汉江机床", Visibility::All)).await.unwrap().count(Kind::Enterprise), 1);

    let rebuilt = built(store).await;
    for q in ["", "汉江", "天成", "机床", "钛合金", "五轴联动", "abc"] {
        for v in [Visibility::All, Visibility::Unit(w.nanzheng), Visibility::Unit(w.chenggu)] {
            let a = fed.search(&ask(q, v)).await.unwrap();
            let b = rebuilt.search(&ask(q, v)).await.unwrap();
            for k in Kind::ALL {
                let ids = |o: &search::Outcome| {
                    let mut v: Vec<i64> = o.hits(k).iter().map(|h| h.id).collect();
                    v.sort();
                    v
                };
                assert_eq!(a.count(k), b.count(k), "{q} {v:?} {k:?}");
                assert_eq!(ids(&a), ids(&b), "{q} {v:?} {k:?}");
            }
            assert_eq!(format!("{:?}", a.facets), format!("{:?}", b.facets), "{q} {v:?}");
        }
    }
    let _ = &w.a;
}

#[tokio::test]
async fn without_an_index_the_search_says_so_instead_of_guessing() {
    let w = world().await;
    let s = Search::open(w.db.store.clone(), None).await.unwrap();
    assert!(s.needs_rebuild());
    let out = s.search(&ask("汉江", Visibility::All)).await.unwrap();
    assert!(!out.from_index && out.counts.is_empty());
}

#[tokio::test]
async fn ranking_puts_the_constructed_fits_first_and_explains_each_score() {
    let w = world().await;
    let store = &w.db.store;
    let sys = Who::system("test");
    let gap = Gap::new("3062,3091", "复合材料,碳纤维,预浸料");
    // Built to fit: the link's own class, all keywords, large, 500强 or listed, in the east.
    let mut fits = vec![w.qinling];
    for (i, region) in ["320506", "330106", "440305", "310115"].iter().enumerate() {
        let tags = if i % 2 == 0 { vec![Tag::China500] } else { vec![Tag::Listed] };
        let e = store.create_enterprise(&sys, &company(&format!("东部{i}号碳纤维复合材料有限公司"), "3062", region, "碳纤维、预浸料及复合材料的研发与生产", 150_000 + i as i64, tags), false).await.unwrap();
        fits.push(e.id);
    }
    // Near misses: the right 大类 without keywords; keywords in the wrong industry and the west.
    store.create_enterprise(&sys, &company("宁波塑料制品有限公司", "3079", "330203", "塑料制品", 500, vec![]), false).await.unwrap();
    store.create_enterprise(&sys, &company("兰州碳纤维贸易有限公司", "5179", "620102", "碳纤维销售", 100, vec![]), false).await.unwrap();
    // Excluded: local, closed, already a target.
    let mut local = company("汉中复合材料有限公司", "3062", "610702", "复合材料", 200_000, vec![Tag::China500]);
    local.is_local = true;
    store.create_enterprise(&sys, &local, false).await.unwrap();
    let mut closed = company("常州碳纤维复合材料有限公司", "3062", "320411", "碳纤维复合材料", 200_000, vec![]);
    closed.status = "注销".into();
    store.create_enterprise(&sys, &closed, false).await.unwrap();
    let courted = store.create_enterprise(&sys, &company("杭州预浸料复合材料有限公司", "3062", "330106", "预浸料、复合材料、碳纤维", 200_000, vec![Tag::China500]), false).await.unwrap();
    store.create_target(&w.a, &NewTarget { enterprise_id: courted.id, owner_unit_id: w.nanzheng, owner_user_id: w.a.user_id, priority: Priority::A, source: String::new(), note: String::new(), link_ids: vec![] }).await.unwrap();

    let s = built(store).await;
    let reach = Reach { offices: vec![("驻上海招商分局".into(), vec!["31".into(), "32".into(), "33".into()])] };
    let r = RankRequest { gap: gap.clone(), weights: MatchWeights::default(), reach, provinces: vec![], min_capital_wan: None, tag: None, limit: 20 };
    let ranking = s.rank(&r).await.unwrap();
    let top: Vec<i64> = ranking.ranked.iter().take(fits.len()).map(|x| x.enterprise_id).collect();
    let mut sorted_top = top.clone();
    sorted_top.sort();
    assert_eq!(sorted_top, fits, "the constructed fits come first: {:?}", ranking.ranked.iter().map(|x| (x.enterprise_id, x.score)).collect::<Vec<_>>());
    assert_eq!(ranking.ranked.len(), fits.len() + 2, "near misses follow");
    for x in &ranking.ranked {
        assert_eq!(x.score, x.factors.iter().map(|f| f.points).sum::<i64>(), "explanations add up");
        assert!(x.factors.iter().all(|f| !f.why.is_empty()));
    }
    assert!(ranking.ranked.windows(2).all(|p| p[0].score >= p[1].score));
    let excluded: std::collections::HashMap<_, _> = ranking.excluded.iter().cloned().collect();
    use domain::matching::Exclusion;
    assert_eq!((excluded.get(&Exclusion::Local), excluded.get(&Exclusion::NotOperating), excluded.get(&Exclusion::Targeted)), (Some(&1), Some(&1), Some(&1)));
    assert!(!ranking.ranked.iter().any(|x| x.enterprise_id == courted.id));

    // Filters: provinces and capital.
    let only_gd = s.rank(&RankRequest { provinces: vec!["44".into()], ..r.clone() }).await.unwrap();
    assert_eq!(only_gd.ranked.len(), 1);
    let big = s.rank(&RankRequest { min_capital_wan: Some(100_000), ..r.clone() }).await.unwrap();
    assert_eq!(big.ranked.len(), fits.len());
}

#[tokio::test]
async fn an_index_on_disk_survives_a_restart_and_catches_up_on_what_it_missed() {
    let w = world().await;
    let store = &w.db.store;
    let dir = std::env::temp_dir().join(format!("zs_search_{}_{}", std::process::id(), w.db.is_postgres()));
    let _ = std::fs::remove_dir_all(&dir);
    let first = Search::open(store.clone(), Some(dir.clone())).await.unwrap();
    assert!(first.needs_rebuild(), "nothing on disk yet");
    first.rebuild(&|_, _, _| {}).await.unwrap();
    drop(first);
    // Written while no instance was running.
    store.create_enterprise(&Who::system("test"), &company("宝鸡钛谷新材料有限公司", "3254", "610302", "钛合金", 20_000, vec![]), false).await.unwrap();
    let second = Search::open(store.clone(), Some(dir.clone())).await.unwrap();
    assert!(!second.needs_rebuild(), "the index and its place in the outbox were kept");
    let out = second.search(&ask("钛谷", Visibility::All)).await.unwrap();
    assert!(out.from_index);
    assert_eq!(out.count(Kind::Enterprise), 1, "caught up with the outbox after the restart");
    // A rebuild switches to a new folder and removes the old one.
    second.rebuild(&|_, _, _| {}).await.unwrap();
    let generations = std::fs::read_dir(&dir).unwrap().filter(|e| e.as_ref().unwrap().path().is_dir()).count();
    assert_eq!(generations, 1);
    assert_eq!(second.search(&ask("钛谷", Visibility::All)).await.unwrap().count(Kind::Enterprise), 1);
    drop(second);
    // Another database (or one restored from a backup) never takes this index for its own.
    let other = TestDb::new().await;
    assert!(Search::open(other.store.clone(), Some(dir.clone())).await.unwrap().needs_rebuild());
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_long_transaction_elsewhere_does_not_hide_what_others_committed() {
    let w = world().await;
    let store = &w.db.store;
    let s = built(store).await;
    // PostgreSQL: a transaction that has written and stays open holds back the horizon below
    // which every transaction has ended. (SQLite has one writer at a time: nothing to hold.)
    let held = if w.db.is_postgres() {
        use sea_orm::{ConnectionTrait, TransactionTrait};
        let other = sea_orm::Database::connect(w.db.url.as_str()).await.unwrap();
        let txn = other.begin().await.unwrap();
        txn.execute_unprepared("INSERT INTO settings (key, value) VALUES ('held_open', 'x')").await.unwrap();
        Some((other, txn))
    } else {
        None
    };
    store.create_enterprise(&Who::system("test"), &company("西安长安航电有限公司", "3744", "610113", "航电", 9_000, vec![]), false).await.unwrap();
    let out = s.search(&ask("长安航电", Visibility::All)).await.unwrap();
    assert!(out.from_index);
    assert_eq!(out.count(Kind::Enterprise), 1, "committed is found at once, whatever else is still running");
    assert_eq!(s.lag(100).await.unwrap(), Some(0), "and not counted as waiting again");
    if let Some((_, txn)) = held {
        txn.rollback().await.unwrap();
    }
    // Applied once only: the next change is found too, and the first one is not lost.
    store.create_enterprise(&Who::system("test"), &company("西安长安飞控有限公司", "3744", "610113", "飞控", 9_000, vec![]), false).await.unwrap();
    assert_eq!(s.search(&ask("长安", Visibility::All)).await.unwrap().count(Kind::Enterprise), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn searches_that_arrive_together_share_a_catch_up_and_each_finds_its_own_write() {
    let w = world().await;
    let store = &w.db.store;
    let s = built(store).await;
    // Eight people each save a company and search for it at once, while the others' saves keep
    // the outbox busy: whichever catch-up serves a search, it must have read that search's write.
    let mut runs = tokio::task::JoinSet::new();
    for (i, n) in ["甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"].into_iter().enumerate() {
        let (store, s) = (store.clone(), s.clone());
        runs.spawn(async move {
            for round in 0..3 {
                let name = format!("汉中{n}{round}号联动科技有限公司");
                let id = store.create_enterprise(&Who::system("test"), &company(&name, "3484", "610702", "数控加工", 1_000 + i as i64, vec![]), false).await.unwrap().id;
                let out = s.search(&ask(&name, Visibility::All)).await.unwrap();
                assert!(out.from_index);
                assert!(out.hits(Kind::Enterprise).iter().any(|h| h.id == id), "{name} is found right after it was saved");
            }
        });
    }
    while let Some(run) = runs.join_next().await {
        run.unwrap();
    }
    assert_eq!(s.lag(100).await.unwrap(), Some(0));
    assert_eq!(s.search(&ask("联动科技", Visibility::All)).await.unwrap().count(Kind::Enterprise), 24);
}

#[tokio::test]
async fn a_search_reads_its_askers_own_writes_and_waits_for_no_one_elses() {
    let w = world().await;
    let store = &w.db.store;
    let s = built(store).await;
    let (a, b) = (w.a.user_id.unwrap(), w.b.user_id.unwrap());
    let by = |who: i64, q: &str| Request { asker: Some(who), ..ask(q, Visibility::All) };
    let found = |out: &search::Outcome, id: i64| out.hits(Kind::Enterprise).iter().any(|h| h.id == id);
    let waiting = async || s.lag(100).await.unwrap().unwrap() > 0;
    // As the web layer does for every request: the outbox notes the account writing, and the
    // index learns that the account wrote once it has been answered.
    let save = |who: &store::Who, name: &str, county: &str| {
        let (who, input, s) = (who.clone(), company(name, "3484", county, "数控加工", 1_000, vec![]), s.clone());
        async move {
            let user = who.user_id.unwrap();
            let id = writing_as(Some(user), store.create_enterprise(&who, &input, false)).await.unwrap().id;
            s.note_write(user);
            id
        }
    };
    // No feed runs here: the index moves only when something catches it up.
    let ours = save(&w.a, "汉中甲乙联动科技有限公司", "610702").await;
    let theirs_view = s.search(&by(b, "联动科技")).await.unwrap();
    assert!(theirs_view.from_index);
    assert!(!found(&theirs_view, ours), "B wrote nothing, so B's search did not read A's company");
    let second = save(&w.b, "城固丙丁联动科技有限公司", "610722").await;
    let own_view = s.search(&by(a, "联动科技")).await.unwrap();
    assert!(own_view.from_index && found(&own_view, ours), "A finds what A just saved");
    assert!(!found(&own_view, second), "and not what B saved since");
    let b_view = s.search(&by(b, "联动科技")).await.unwrap();
    assert!(found(&b_view, second) && !found(&b_view, ours), "B finds B's, not A's");
    assert!(waiting().await, "no search waited for the index to take the companies");
    // Once the index has them, both find both, each counted once.
    s.catch_up(100).await.unwrap();
    for asker in [a, b] {
        let view = s.search(&by(asker, "联动科技")).await.unwrap();
        assert!(found(&view, ours) && found(&view, second) && view.count(Kind::Enterprise) == 2);
    }
    // A change no account is known to have written (the generator, an import running on its own)
    // is read for every search of an account that wrote since the index last caught up.
    let fourth = save(&w.a, "勉县戊己联动科技有限公司", "610725").await;
    let anonymous = store.create_enterprise(&w.b, &company("略阳庚辛联动科技有限公司", "3484", "610727", "数控加工", 1_000, vec![]), false).await.unwrap().id;
    let view = s.search(&by(a, "联动科技")).await.unwrap();
    assert!(found(&view, fourth) && found(&view, anonymous) && view.count(Kind::Enterprise) == 4);
    assert!(waiting().await);
    // A search that names no asker waits for everything committed before it.
    let fifth = save(&w.b, "宁强壬癸联动科技有限公司", "610726").await;
    assert!(found(&s.search(&ask("联动科技", Visibility::All)).await.unwrap(), fifth));
    assert_eq!(s.lag(100).await.unwrap(), Some(0));
}

#[tokio::test]
async fn a_search_answers_with_its_askers_writes_laid_over_the_index_as_if_it_had_caught_up() {
    let w = world().await;
    let store = &w.db.store;
    let s = built(store).await;
    let a = w.a.user_id.unwrap();
    let by = |q: &str| Request { asker: Some(a), ..ask(q, Visibility::All) };
    let found = |out: &search::Outcome, id: i64| out.hits(Kind::Enterprise).iter().any(|h| h.id == id);
    let waiting = async || s.lag(100).await.unwrap().unwrap() > 0;
    // A saves a company and looks for it: found, though the index has not taken it.
    let input = company("汉中庚辛新材料有限公司", "2669", "610702", "光刻胶研发与销售", 1_000, vec![]);
    let ours = store.create_enterprise(&w.a, &input, false).await.unwrap();
    s.note_write(a);
    let own = s.search(&by("光刻胶")).await.unwrap();
    assert!(own.from_index && found(&own, ours.id) && own.count(Kind::Enterprise) == 1);
    assert!(waiting().await, "the search did not wait for the index to take the new company");
    assert!(s.search(&by("无锡")).await.unwrap().count(Kind::Enterprise) == 0, "what matches nothing still matches nothing");
    // A change that takes a record out of the answer: the version in the index still matches, the
    // one in the database no longer does, and the index's is left out.
    s.catch_up(100).await.unwrap();
    let ours = store.update_enterprise(&w.a, ours.id, ours.version, &company("汉中庚辛新材料有限公司", "2669", "610702", "电子专用材料销售", 1_000, vec![]), false).await.unwrap();
    s.note_write(a);
    let after = s.search(&by("光刻胶")).await.unwrap();
    assert!(after.from_index && !found(&after, ours.id), "the company no longer matches and is not shown");
    assert_eq!(after.count(Kind::Enterprise), 0, "nor counted");
    assert!(waiting().await);
    // A follow-up that mentions what is searched for is found, and the answer, hits, counts and
    // facets, is the one the index gives once it has taken the follow-up.
    store
        .create_follow_up(&w.a, a, w.nanzheng, &NewFollowUp { enterprise_id: w.hanjiang, target_id: Some(w.target_a), project_id: None, happened_on: Utc::now().date_naive(), kind: FollowUpKind::Call, place: String::new(), latitude_e6: None, longitude_e6: None, participants: String::new(), summary: "了解光刻胶配套需求".into(), next_step: String::new(), next_due: None, client_key: "search-test-pending".into() }, vec![])
        .await
        .unwrap();
    // And the company moved to another county, so that what waits also differs in its facets.
    store.update_enterprise(&w.a, ours.id, ours.version, &company("汉中庚辛新材料有限公司", "2669", "610722", "光刻胶研发与销售", 1_000, vec![Tag::Listed]), false).await.unwrap();
    s.note_write(a);
    let asked = Request { asker: Some(a), ..ask("光刻胶", Visibility::Unit(w.nanzheng)) };
    // The small index of what waits holds only the fields each query has terms in: the facets it
    // filters on, the text fields when it has text.
    let filtered = |q: &str, filters: Filters| Request { asker: Some(a), filters, ..ask(q, Visibility::Unit(w.nanzheng)) };
    let questions = [
        asked.clone(),
        filtered("光刻胶", Filters { region: Some(index::region_path("610722")), ..Filters::default() }),
        filtered("", Filters { industry: Some(index::industry_path("2669")), ..Filters::default() }),
        filtered("", Filters { tag: Some("/listed".into()), capital: Some("/1000w".into()), ..Filters::default() }),
        filtered("", Filters { region: Some(index::region_path("610702")), ..Filters::default() }),
        filtered("", Filters::default()),
    ];
    let mut laid_over = Vec::new();
    for q in &questions {
        laid_over.push(s.search(q).await.unwrap());
    }
    assert_eq!(laid_over[0].count(Kind::FollowUp), 1, "the follow-up just written is found");
    for (i, out) in laid_over.iter().enumerate().take(4) {
        assert!(found(out, ours.id), "the company is found by its new county, industry, tag and capital ({i})");
    }
    assert!(!found(&laid_over[4], ours.id), "and not by the county it left");
    assert!(waiting().await);
    s.catch_up(100).await.unwrap();
    let ids = |o: &search::Outcome| [Kind::Enterprise, Kind::Target, Kind::Project, Kind::FollowUp].map(|k| o.hits(k).iter().map(|h| h.id).collect::<Vec<_>>());
    for (q, laid_over) in questions.iter().zip(&laid_over) {
        let caught_up = s.search(q).await.unwrap();
        assert_eq!(ids(laid_over), ids(&caught_up), "{q:?}");
        assert_eq!(laid_over.counts, caught_up.counts, "{q:?}");
        assert_eq!(format!("{:?}", laid_over.facets), format!("{:?}", caught_up.facets), "{q:?}");
    }
    let caught_up = s.search(&asked).await.unwrap();
    // A record deleted since the index took it: left out, with nothing in its place.
    use sea_orm::ConnectionTrait;
    let follow_up = caught_up.hits(Kind::FollowUp)[0].id;
    store.db.execute_unprepared(&format!("DELETE FROM follow_ups WHERE id = {follow_up}")).await.unwrap();
    s.note_write(a);
    let gone = s.search(&asked).await.unwrap();
    assert!(gone.from_index && gone.count(Kind::FollowUp) == 0 && gone.hits(Kind::FollowUp).is_empty(), "the deleted follow-up is neither found nor counted");
    assert!(waiting().await);
}
