//! Imports on a real database: a dry run changes nothing and says row by row what is wrong;
//! applying takes the accepted rows together; importing again updates instead of duplicating; a
//! whole import can be undone unless someone worked on its records since.

use domain::imports::ImportKind;
use store::imports::{ImportFile, ImportRow, Scope};
use store::test_support::TestDb;
use store::{StoreError, Who};

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

fn row(number: usize, cells: &[(&'static str, &str)]) -> ImportRow {
    ImportRow::new(number, cells.iter().map(|(k, v)| (*k, v.to_string())))
}

fn file(name: &str) -> ImportFile {
    ImportFile { name: name.into(), bytes: name.as_bytes().to_vec() }
}

async fn setup() -> (TestDb, Scope, Who) {
    let db = TestDb::new().await;
    db.store.load_profile(&Who::system("test"), PROFILE).await.unwrap();
    let unit = db.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let scope = Scope { unit_id: unit, writable_units: Some(vec![unit]), local_prefix: "6107".into() };
    // The unit's officer, who becomes the author of imported follow-ups when the command line imports.
    let officer = store::users::NewUser {
        username: "officer-610703".into(),
        display_name: "李娜".into(),
        phone: String::new(),
        unit_id: unit,
        roles: vec![domain::Role::Officer],
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
        must_change_password: false,
    };
    db.store.create_user(&Who::system("test"), officer).await.unwrap();
    let who = Who { user_id: None, username: "importer".into(), unit_id: Some(unit), ip: String::new() };
    (db, scope, who)
}

/// A company list as a data service exports it: one good row, one with a bad code, one with a
/// bad date, one with an amount in dollars and region names instead of a code.
fn company_list() -> Vec<ImportRow> {
    vec![
        row(3, &[("name", "苏州华瑞航空科技有限公司"), ("uscc", "91110108551385082Q"), ("legal_rep", "张华"), ("established_on", "2015年3月2日"), ("capital", "5000万元人民币"), ("status", "存续"), ("industry", "C3741"), ("province", "江苏省"), ("city", "苏州市"), ("county", "吴中区"), ("phone", "0512-66668888"), ("tags", "专精特新、高新技术企业")]),
        row(4, &[("name", "校验位不对有限公司"), ("uscc", "91110108551385082X")]),
        row(5, &[("name", "日期不对有限公司"), ("established_on", "2024/13/45")]),
        row(6, &[("name", "汉中本地制造有限公司"), ("capital", "300万美元"), ("province", "陕西"), ("city", "汉中"), ("county", "南郑"), ("employees", "50-99人")]),
    ]
}

#[tokio::test]
async fn a_dry_run_shows_every_problem_and_changes_nothing_then_applying_takes_the_rest() {
    let (db, scope, who) = setup().await;
    let store = &db.store;
    let before = store.count_enterprises().await.unwrap();
    let (preview, preview_id) = store.run_import(&who, ImportKind::Enterprises, &file("企业名单.xlsx"), &company_list(), &scope, true, None).await.unwrap();
    assert_eq!((preview.rows, preview.inserted, preview.rejected), (4, 2, 2), "{preview:?}");
    assert_eq!(preview.errors[0].row, 4);
    assert_eq!(preview.errors[0].column, "统一社会信用代码");
    assert_eq!(preview.errors[1].row, 5);
    assert_eq!(preview.errors[1].column, "成立日期");
    assert!(preview.errors[1].message.contains("2024/13/45"), "{}", preview.errors[1].message);
    assert_eq!(store.count_enterprises().await.unwrap(), before, "a dry run writes nothing");
    assert_eq!(store.import(preview_id).await.unwrap().status, "previewed");

    let (applied, id) = store.run_import(&who, ImportKind::Enterprises, &file("企业名单.xlsx"), &company_list(), &scope, false, Some(preview_id)).await.unwrap();
    assert_eq!(applied, preview, "applying does what the preview said");
    assert_eq!(id, preview_id);
    assert_eq!(store.count_enterprises().await.unwrap(), before + 2);
    let huarui = store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap();
    assert_eq!(huarui.established_on, chrono::NaiveDate::from_ymd_opt(2015, 3, 2));
    assert_eq!(huarui.capital_wan, Some(500_000));
    assert_eq!(huarui.industry_code, "3741");
    assert_eq!(huarui.region_code, "320506", "江苏省 苏州市 吴中区");
    assert_eq!(huarui.tags, "specialized", "known tags kept, others ignored");
    assert!(!huarui.is_local);
    let local = store.find_enterprises("汉中本地制造", domain::access::Visibility::All, 5).await.unwrap().remove(0);
    assert_eq!((local.region_code.as_str(), local.is_local, local.capital_currency.as_str(), local.employees), ("610703", true, "USD", None));
    let (contacts, _) = store.contacts_of(huarui.id, domain::access::Visibility::All).await.unwrap();
    assert_eq!(contacts[0].phone, "0512-66668888");
    let record = store.import(id).await.unwrap();
    assert_eq!((record.status.as_str(), record.inserted, record.rejected), ("applied", 2, 2));
    assert!(store.run_import(&who, ImportKind::Enterprises, &file("企业名单.xlsx"), &company_list(), &scope, false, Some(preview_id)).await.is_err(), "a preview is applied once");
}

#[tokio::test]
async fn importing_again_updates_and_never_duplicates_and_undo_restores() {
    let (db, scope, who) = setup().await;
    let store = &db.store;
    let list = company_list();
    let (first, first_id) = store.run_import(&who, ImportKind::Enterprises, &file("a.xlsx"), &list, &scope, false, None).await.unwrap();
    assert_eq!(first.inserted, 2);
    let count = store.count_enterprises().await.unwrap();
    // The same file again: nothing new.
    let (again, _) = store.run_import(&who, ImportKind::Enterprises, &file("a.xlsx"), &list, &scope, false, None).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2), "{again:?}");
    // A newer file: the changed company is updated by its code, empty cells change nothing.
    let newer = vec![row(3, &[("name", "苏州华瑞航空科技有限公司"), ("uscc", "91110108551385082Q"), ("status", "在业"), ("legal_rep", "")])];
    let (update, update_id) = store.run_import(&who, ImportKind::Enterprises, &file("b.xlsx"), &newer, &scope, false, None).await.unwrap();
    assert_eq!((update.updated, update.inserted), (1, 0));
    assert_eq!(store.count_enterprises().await.unwrap(), count);
    let huarui = store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap();
    assert_eq!((huarui.status.as_str(), huarui.legal_rep.as_str()), ("在业", "张华"));

    // Undo the newer import: the status is back.
    store.undo_import(&who, update_id).await.unwrap();
    assert_eq!(store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap().status, "存续");
    assert!(store.undo_import(&who, update_id).await.is_err(), "undone once");
    // Someone edits a record of the first import: that import can no longer be undone, and nothing changes.
    let e = store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap();
    let mut input = store::enterprises::EnterpriseInput { name: e.name.clone(), uscc: e.uscc.clone().unwrap(), address: "苏州工业园区星湖街 1 号".into(), ..Default::default() };
    input.industry_code = e.industry_code.clone();
    store.update_enterprise(&Who::system("test"), e.id, e.version, &input, false).await.unwrap();
    let refused = store.undo_import(&who, first_id).await.unwrap_err();
    assert!(matches!(refused, StoreError::Conflict(_)), "{refused:?}");
    assert!(refused.to_string().contains("第 3 行"), "{refused}");
    assert_eq!(store.count_enterprises().await.unwrap(), count, "a refused undo changes nothing");
}

#[tokio::test]
async fn a_whole_import_is_undone_and_the_history_keeps_it() {
    let (db, scope, who) = setup().await;
    let store = &db.store;
    let before = store.count_enterprises().await.unwrap();
    let rows = vec![
        row(2, &[("name", "汉江新材料有限公司"), ("happened_on", "2026/11/20"), ("kind", "拜访"), ("summary", "企业介绍扩产计划"), ("next_step", "发送地价测算表"), ("next_due", "20261130")]),
        row(3, &[("name", "汉江新材料有限公司"), ("happened_on", "2026年11月21日"), ("kind", "电话"), ("summary", "确认考察时间")]),
        row(4, &[("name", "汉江新材料有限公司"), ("happened_on", "明天"), ("summary", "x")]),
    ];
    let (outcome, id) = store.run_import(&who, ImportKind::FollowUps, &file("对接台账.xlsx"), &rows, &scope, false, None).await.unwrap();
    assert_eq!((outcome.inserted, outcome.rejected), (2, 1), "{outcome:?}");
    assert_eq!(store.count_enterprises().await.unwrap(), before + 1, "the company was made once");
    // The same ledger again adds nothing.
    let (again, _) = store.run_import(&who, ImportKind::FollowUps, &file("对接台账.xlsx"), &rows, &scope, false, None).await.unwrap();
    assert_eq!((again.inserted, again.unchanged), (0, 2));
    let history = store.imports(Some(vec![scope.unit_id]), 10).await.unwrap();
    assert_eq!(history.len(), 2);
    assert!(history.iter().all(|h| h.data.is_empty()), "the list does not carry the files");
    store.undo_import(&who, id).await.unwrap();
    assert_eq!(store.count_enterprises().await.unwrap(), before, "the company made by the import is gone too");
    assert_eq!(store.import(id).await.unwrap().status, "undone");
}

#[tokio::test]
async fn targets_projects_and_funds_import_within_the_unit() {
    let (db, scope, who) = setup().await;
    let store = &db.store;
    let link = store.profile_tree().await.unwrap()[0].chains[0].links[0].link.clone();
    let targets = vec![
        row(2, &[("name", "深圳市锂安电池部件有限公司"), ("priority", "A"), ("status", "洽谈中"), ("links", &link.name)]),
        row(3, &[("name", "另一家公司"), ("priority", "Z")]),
        row(4, &[("name", "第三家公司"), ("status", "已转化为项目")]),
    ];
    let (outcome, _) = store.run_import(&who, ImportKind::Targets, &file("目标.xlsx"), &targets, &scope, false, None).await.unwrap();
    assert_eq!((outcome.inserted, outcome.rejected), (1, 2), "{outcome:?}");
    let projects = vec![
        row(2, &[("project_name", "锂电池结构件基地"), ("name", "深圳市锂安电池部件有限公司"), ("total", "5亿"), ("fixed", "40000"), ("kind", "新建"), ("industry_code", "3841")]),
        row(3, &[("project_name", "别人的项目"), ("name", "深圳市锂安电池部件有限公司"), ("landing_unit", "城固县")]),
    ];
    let (outcome, _) = store.run_import(&who, ImportKind::Projects, &file("项目.xlsx"), &projects, &scope, false, None).await.unwrap();
    assert_eq!((outcome.inserted, outcome.rejected), (1, 1), "{outcome:?}");
    assert_eq!(outcome.errors[0].message, "不能为其他单位导入项目");
    let (rows, _) = store.list_projects(domain::access::Visibility::All, &store::projects::ProjectFilter { per_page: 10, ..Default::default() }, true).await.unwrap();
    let p = &rows[0].project;
    assert_eq!((p.total_wan, p.fixed_wan, p.stage.as_str(), p.eligible), (5_000_000, 4_000_000, "lead", true));
    // Importing the same ledger again does not make the project twice; with its code it updates it.
    let (again, _) = store.run_import(&who, ImportKind::Projects, &file("项目.xlsx"), &projects[..1], &scope, false, None).await.unwrap();
    assert_eq!(again.unchanged, 1);
    let by_code = vec![row(2, &[("code", &p.code), ("project_name", "锂电池结构件基地"), ("total", "6亿")])];
    let (updated, _) = store.run_import(&who, ImportKind::Projects, &file("项目2.xlsx"), &by_code, &scope, false, None).await.unwrap();
    assert_eq!(updated.updated, 1);
    assert_eq!(store.project(p.id).await.unwrap().total_wan, 6_000_000);
    // Funds need a signed project.
    let funds = vec![row(2, &[("code", &p.code), ("month", "2026-10"), ("amount", "3000")])];
    let (outcome, _) = store.run_import(&who, ImportKind::Funds, &file("资金.xlsx"), &funds, &scope, false, None).await.unwrap();
    assert_eq!(outcome.errors[0].message, "项目签约后才能填报到位资金");
}

#[tokio::test]
async fn a_long_company_list_goes_in_by_the_thousand_and_is_undone_whole() {
    let (db, scope, who) = setup().await;
    let store = &db.store;
    let before = store.count_enterprises().await.unwrap();
    // More than two statements' worth, each with a public phone (a contact of the unit).
    let names: Vec<String> = (0..2500).map(|n| format!("汉中第{n}号制造有限公司")).collect();
    let rows: Vec<ImportRow> = names.iter().enumerate().map(|(n, name)| row(n + 2, &[("name", name), ("phone", "0916-2626262"), ("capital", "300")])).collect();
    let (outcome, id) = store.run_import(&who, ImportKind::Enterprises, &file("长名单.xlsx"), &rows, &scope, false, None).await.unwrap();
    assert_eq!((outcome.inserted, outcome.rejected), (2500, 0), "{:?}", outcome.errors);
    assert_eq!(outcome.plan.len(), store::imports::PLAN_ROWS, "the plan lists the first rows only");
    assert_eq!((outcome.plan[0].row, outcome.plan[0].name.as_str(), outcome.plan[0].action), (2, "汉中第0号制造有限公司", store::imports::Action::Insert));
    assert_eq!(store.count_enterprises().await.unwrap(), before + 2500);
    let last = store.find_enterprises("汉中第2499号制造", domain::access::Visibility::All, 5).await.unwrap().remove(0);
    assert_eq!(last.capital_wan, Some(30_000));
    let (contacts, _) = store.contacts_of(last.id, domain::access::Visibility::All).await.unwrap();
    assert_eq!(contacts[0].phone, "0916-2626262");

    store.undo_import(&who, id).await.unwrap();
    assert_eq!(store.count_enterprises().await.unwrap(), before, "every company the import made is gone, with its contact");
}
