//! The data layer on a real database (SQLite, or PostgreSQL with ZS_TEST_DATABASE_URL):
//! migrations, the audit chain, backup and restore, profile versions.

use domain::Role;
use sea_orm::{ConnectionTrait, DbBackend};
use store::audit::{self, Event};
use store::test_support::TestDb;
use store::users::NewUser;
use store::{Store, Who};

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

fn who() -> Who {
    Who { user_id: None, username: "test".into(), unit_id: None, ip: "127.0.0.1".into() }
}

async fn with_data(store: &Store) {
    store.load_profile(&who(), PROFILE).await.unwrap();
    let unit = store.unit_by_code("610703").await.unwrap().unwrap();
    for name in ["zhang", "li"] {
        store
            .create_user(
                &who(),
                NewUser {
                    username: name.into(),
                    display_name: format!("{name} 先生"),
                    phone: "13900000000".into(),
                    unit_id: unit.id,
                    roles: vec![Role::Officer],
                    password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
                    must_change_password: true,
                },
            )
            .await
            .unwrap();
    }
    // Companies, one merged into a later one (a row pointing forward), a target and a follow-up
    // with a photo (binary data).
    let mk = |name: &str| store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3741".into(), ..Default::default() };
    let first = store.create_enterprise(&who(), &mk("秦岭航空零部件有限公司"), false).await.unwrap();
    let second = store.create_enterprise(&who(), &mk("秦岭航空零部件（汉中）有限公司"), false).await.unwrap();
    store.merge_enterprises(&who(), second.id, first.id).await.unwrap();
    let target = store
        .create_target(&who(), &store::targets::NewTarget { enterprise_id: second.id, owner_unit_id: unit.id, owner_user_id: None, priority: domain::target::Priority::A, source: String::new(), note: String::new(), link_ids: vec![] })
        .await
        .unwrap();
    let officer = store.user_by_name("zhang").await.unwrap().unwrap();
    let visit = store::follow_ups::NewFollowUp {
        enterprise_id: second.id,
        target_id: Some(target.id),
        project_id: None,
        happened_on: chrono::Utc::now().date_naive(),
        kind: domain::target::FollowUpKind::Visit,
        place: String::new(),
        latitude_e6: Some(33_067_000),
        longitude_e6: Some(107_023_000),
        participants: String::new(),
        summary: "拜访".into(),
        next_step: String::new(),
        next_due: None,
        client_key: "backup-test-0001".into(),
    };
    let photo = store::follow_ups::NewAttachment { file_name: "车间.png".into(), content_type: "image/png".into(), data: vec![0x89, b'P', b'N', b'G', 0, 255, 10] };
    store.create_follow_up(&who(), officer.id, unit.id, &visit, vec![photo]).await.unwrap();
    // Projects of two units on the same investor: the later one points back at the first
    // (a self-reference), and the first carries credit shares after the bureau's decision.
    let chenggu = store.unit_by_code("610722").await.unwrap().unwrap();
    let input = |unit_id: i64| store::projects::ProjectInput {
        name: "航空零部件生产基地".into(),
        enterprise_id: second.id,
        industry_code: "3741".into(),
        kind: Some(domain::project::ProjectKind::New),
        total_wan: 5_000_000,
        source_channel: Some(domain::project::SourceChannel::Office),
        source_unit_id: unit_id,
        landing_unit_id: unit_id,
        ..Default::default()
    };
    let today = chrono::Utc::now().date_naive();
    store.create_project(&who(), &input(unit.id), today, None).await.unwrap();
    let later = store.create_project(&who(), &input(chenggu.id), today, None).await.unwrap();
    assert_eq!(later.duplicate, "pending");
    store.decide_duplicate(&who(), later.id, later.version, &store::projects::DuplicateDecision::Share(vec![(unit.id, 70), (chenggu.id, 30)])).await.unwrap();
    // An event with a participant and a lead tied to it.
    let event = store::events::EventInput { kind: domain::event::EventKind::Promotion, name: "深圳电子信息产业推介会".into(), city: "深圳".into(), venue: String::new(), start_on: today, end_on: today, organizer_unit_id: unit.id, status: domain::event::EventStatus::Planned, summary: String::new() };
    let event = store.create_event(&who(), &event).await.unwrap();
    store.add_participant(&who(), event.id, second.id, None, "参会").await.unwrap();
    store.link_project(&who(), event.id, later.id, domain::event::Relation::Lead).await.unwrap();
    // A unit's DingTalk robot with its secret, a person's e-mail, and a reminder to both.
    use store::notifications::{ChannelInput, ChannelOwner};
    let now = chrono::Utc::now();
    let robot = ChannelInput { kind: domain::notify::ChannelKind::Dingtalk, name: "南郑区招商群".into(), address: "https://oapi.dingtalk.com/robot/send?access_token=abc123".into(), secret: "SEC0123456789abcdef".into(), rules: vec![], enabled: true };
    store.add_channel(&who(), ChannelOwner::Unit(unit.id), &robot, now).await.unwrap();
    let mail = ChannelInput { kind: domain::notify::ChannelKind::Email, name: "邮箱".into(), address: "zhang@nanzheng.gov.cn".into(), secret: String::new(), rules: vec![domain::notify::Rule::Digest], enabled: true };
    store.add_channel(&who(), ChannelOwner::User(officer.id), &mail, now).await.unwrap();
    let reminder = domain::notify::Reminder { rule: domain::notify::Rule::Digest, key: "digest:user:1:2026-11-27".into(), title: "今日待办".into(), body: "下一步：今天到期 1 条".into(), link: "/".into(), recipients: vec![officer.id], units: vec![unit.id] };
    assert_eq!(store.enqueue(&[reminder], now).await.unwrap(), (1, 2));
    // Approvals with a request raised for a blocked item, the filing, a commitment, a visit's
    // signal and a policy condition.
    store.create_checklist(&who(), later.id).await.unwrap();
    let item = store.approval_items(later.id).await.unwrap()[0].item.clone();
    store.raise_approval_request(&who(), unit.id, item.id, "用地预审材料被退回", Some(unit.id), today + chrono::Duration::days(5)).await.unwrap();
    let code = domain::approvals::ProjectCode::parse("2403-610703-04-01-000123", today).unwrap();
    store.save_filing(&who(), later.id, None, &store::approvals::FilingInput { national_code: Some(code), filing_kind: None, authority: "南郑区发改局".into(), approved_on: None }).await.unwrap();
    let figures = domain::aftercare::Figures { tax_wan: Some(500_00), ..Default::default() };
    store.save_commitment(&who(), later.id, None, &store::aftercare::CommitmentInput { figures, land_mu: Some(80_00), ..Default::default() }).await.unwrap();
    store.add_signal(&who(), unit.id, second.id, None, domain::aftercare::Signal::Expanding, "拟建二期", today).await.unwrap();
    let policy = store.add_policy_item(&who(), later.id, "税收贡献奖励", "", 100_00).await.unwrap();
    store.add_policy_condition(&who(), policy.id, domain::aftercare::Indicator::Tax, 500_00).await.unwrap();
}

#[tokio::test]
async fn migrations_run_from_empty_and_again_without_change() {
    let db = TestDb::new().await;
    assert_eq!(db.store.schema_version().await.unwrap(), vec!["m0001_foundation", "m0002_enterprises", "m0003_projects", "m0004_imports", "m0005_assessment", "m0006_dispatch", "m0007_events", "m0008_notifications", "m0009_import_plan", "m0010_follow_up_counts", "m0011_aftercare", "m0012_search_outbox", "m0013_api", "m0014_webhooks", "m0015_project_facts", "m0016_project_fact_counts", "m0017_follow_up_kept_counts", "m0018_outbox_writer"]);
    assert_eq!(db.store.pending_migrations().await.unwrap(), 0);
    db.store.migrate().await.unwrap();
    assert!(db.store.is_empty().await.unwrap());
    // Down and up again: every migration is reversible.
    use sea_orm_migration::MigratorTrait;
    store::Migrator::down(db.store.db.pool(), None).await.unwrap();
    assert_eq!(db.store.pending_migrations().await.unwrap(), store::Migrator::migrations().len());
    db.store.migrate().await.unwrap();
    with_data(&db.store).await;
}

/// Without statistics SQLite guesses its plans (docs/performance.md: the officer's home page cost three
/// times as much); `optimize` gives it them for every table with rows, and can run again at any time.
#[tokio::test]
async fn optimize_gives_the_planner_statistics_and_can_run_again() {
    let db = TestDb::new().await;
    with_data(&db.store).await;
    db.store.optimize().await.unwrap();
    db.store.optimize().await.unwrap();
    if db.store.backend() == DbBackend::Sqlite {
        let analysed = |sql: &str| {
            let store = db.store.clone();
            let sql = sql.to_string();
            async move { store.db.query_one_raw(sea_orm::Statement::from_string(DbBackend::Sqlite, sql)).await.unwrap().map(|r| r.try_get_by_index::<i64>(0).unwrap()) }
        };
        for table in ["units", "users", "projects", "enterprises"] {
            let rows = analysed(&format!("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = '{table}'")).await.unwrap_or(0);
            assert!(rows > 0, "no statistics for {table}");
        }
    }
}

#[tokio::test]
async fn the_audit_chain_verifies_and_finds_a_tampered_row() {
    let db = TestDb::new().await;
    let store = &db.store;
    for i in 0..5 {
        store.audit(&who(), Event::new("read", "user", i).detail(format!("第 {i} 次"))).await.unwrap();
    }
    let check = audit::verify(store).await.unwrap();
    assert_eq!(check, audit::Verification { checked: 5, broken: None });

    // The database itself refuses to update an audit row.
    let refused = store.db.execute_unprepared("UPDATE audit_events SET detail = 'x' WHERE seq = 3").await;
    assert!(refused.is_err(), "audit rows are append-only");

    // Someone with direct access removes the guard and edits a row.
    let drop_guard = match store.backend() {
        DbBackend::Postgres => "DROP TRIGGER audit_events_no_update ON audit_events",
        _ => "DROP TRIGGER audit_events_no_update",
    };
    store.db.execute_unprepared(drop_guard).await.unwrap();
    store.db.execute_unprepared("UPDATE audit_events SET detail = '无事发生' WHERE seq = 3").await.unwrap();
    let check = audit::verify(store).await.unwrap();
    let (seq, _, why) = check.broken.expect("tampering is found");
    assert_eq!(seq, 3);
    assert!(why.contains("篡改"), "{why}");
    assert_eq!(check.checked, 2);
}

#[tokio::test]
async fn a_deleted_audit_row_breaks_the_chain() {
    let db = TestDb::new().await;
    for i in 0..4 {
        db.store.audit(&who(), Event::new("read", "unit", i)).await.unwrap();
    }
    db.store.db.execute_unprepared("DELETE FROM audit_events WHERE seq = 2").await.unwrap();
    let (seq, _, why) = audit::verify(&db.store).await.unwrap().broken.unwrap();
    assert_eq!(seq, 2);
    assert!(why.contains("缺少序号 2"), "{why}");
    // Deleting the newest row is found too.
    let db = TestDb::new().await;
    for i in 0..3 {
        db.store.audit(&who(), Event::new("read", "unit", i)).await.unwrap();
    }
    db.store.db.execute_unprepared("DELETE FROM audit_events WHERE seq = 3").await.unwrap();
    assert!(audit::verify(&db.store).await.unwrap().broken.is_some());
}

#[tokio::test]
async fn concurrent_writers_keep_the_chain_whole() {
    let db = TestDb::new().await;
    let mut tasks = Vec::new();
    for t in 0..8 {
        let store = db.store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                store.audit(&who(), Event::new("write", "unit", format!("{t}-{i}"))).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let check = audit::verify(&db.store).await.unwrap();
    assert_eq!(check, audit::Verification { checked: 80, broken: None });
}

#[tokio::test]
async fn pruning_past_retention_keeps_the_chain_verifiable() {
    let db = TestDb::new().await;
    for i in 0..3 {
        db.store.audit(&who(), Event::new("read", "unit", i)).await.unwrap();
    }
    // Nothing is old enough yet.
    assert_eq!(audit::prune(&db.store, 180).await.unwrap(), 0);
    assert_eq!(audit::verify(&db.store).await.unwrap().checked, 3);
}

fn without_header(backup: &str) -> Vec<String> {
    backup.lines().skip(1).map(str::to_string).collect()
}

#[tokio::test]
async fn backup_then_restore_gives_identical_rows() {
    let source = TestDb::new().await;
    with_data(&source.store).await;
    let dir = std::env::temp_dir();
    let first = dir.join(format!("zs_backup_{}_{}.jsonl", std::process::id(), source.is_postgres()));
    let counts = source.store.backup_to(&first).await.unwrap();
    assert!(counts.iter().any(|(t, n)| t == "units" && *n == 30), "{counts:?}");

    let target = TestDb::new().await;
    let restored = target.store.restore_from(&first, false).await.unwrap();
    assert_eq!(restored, counts);
    let second = dir.join(format!("zs_backup_{}_{}_again.jsonl", std::process::id(), source.is_postgres()));
    target.store.backup_to(&second).await.unwrap();
    let a = std::fs::read_to_string(&first).unwrap();
    let b = std::fs::read_to_string(&second).unwrap();
    assert_eq!(without_header(&a), without_header(&b), "every row of every table is the same");
    assert_eq!(audit::verify(&target.store).await.unwrap().broken, None);

    // New rows after a restore get fresh ids (sequences were moved past the restored rows).
    with_more(&target.store).await;

    // A database with data is not overwritten without --force.
    let refused = target.store.restore_from(&first, false).await.unwrap_err();
    assert!(refused.to_string().contains("--force"), "{refused}");
    target.store.restore_from(&first, true).await.unwrap();
    std::fs::remove_file(first).ok();
    std::fs::remove_file(second).ok();
}

async fn with_more(store: &Store) {
    let unit = store.unit_by_code("610722").await.unwrap().unwrap();
    store
        .create_user(
            &who(),
            NewUser {
                username: "wang".into(),
                display_name: "王".into(),
                phone: String::new(),
                unit_id: unit.id,
                roles: vec![Role::Officer],
                password_hash: "x".into(),
                must_change_password: true,
            },
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_broken_backup_file_is_refused_and_changes_nothing() {
    let source = TestDb::new().await;
    with_data(&source.store).await;
    let path = std::env::temp_dir().join(format!("zs_backup_broken_{}_{}.jsonl", std::process::id(), source.is_postgres()));
    source.store.backup_to(&path).await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let truncated: String = text.lines().take(40).collect::<Vec<_>>().join("\n");
    std::fs::write(&path, truncated).unwrap();
    let target = TestDb::new().await;
    let err = target.store.restore_from(&path, false).await.unwrap_err();
    assert!(err.to_string().contains("不完整"), "{err}");
    assert!(target.store.is_empty().await.unwrap(), "the failed restore left nothing behind");
    std::fs::write(&path, "hello").unwrap();
    assert!(target.store.restore_from(&path, false).await.unwrap_err().to_string().contains("不是 zhaoshang 的备份文件"));
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn backup_while_writers_run_is_consistent() {
    let source = TestDb::new().await;
    with_data(&source.store).await;
    let writer = {
        let store = source.store.clone();
        tokio::spawn(async move {
            for i in 0..200 {
                store.audit(&who(), Event::new("write", "unit", i)).await.unwrap();
            }
        })
    };
    let path = std::env::temp_dir().join(format!("zs_backup_live_{}_{}.jsonl", std::process::id(), source.is_postgres()));
    source.store.backup_to(&path).await.unwrap();
    writer.await.unwrap();
    let target = TestDb::new().await;
    target.store.restore_from(&path, false).await.unwrap();
    assert_eq!(audit::verify(&target.store).await.unwrap().broken, None, "the snapshot's chain is whole");
    std::fs::remove_file(path).ok();
}

#[tokio::test]
async fn loading_a_new_profile_version_keeps_the_old_one() {
    let db = TestDb::new().await;
    let first = db.store.load_profile(&who(), PROFILE).await.unwrap();
    assert_eq!(first.units_added, 30);
    let before = db.store.profile_tree().await.unwrap();
    let chains_before: usize = before.iter().map(|c| c.chains.len()).sum();

    // The next year's profile drops 出版印刷 and gives 航空装备 a new link.
    let next = PROFILE.replacen("version = \"2024\"", "version = \"2025\"", 1).replacen("name = \"出版印刷\"", "name = \"数字出版\"", 1);
    assert_ne!(next, PROFILE);
    let second = db.store.load_profile(&who(), &next).await.unwrap();
    assert_eq!(second.units_added, 0);
    assert_eq!(second.units_updated, 30);
    assert!(second.retired >= 1, "{second:?}");
    let after = db.store.profile_tree().await.unwrap();
    let names: Vec<&str> = after.iter().flat_map(|c| &c.chains).map(|h| h.chain.name.as_str()).collect();
    assert!(names.contains(&"数字出版") && !names.contains(&"出版印刷"));
    assert_eq!(after.iter().map(|c| c.chains.len()).sum::<usize>(), chains_before);
    assert_eq!(db.store.profile_versions().await.unwrap().len(), 2);

    // A broken profile changes nothing and says why.
    let broken = PROFILE.replacen("lead = \"gxj\"", "lead = \"nobody\"", 1);
    let err = db.store.load_profile(&who(), &broken).await.unwrap_err().to_string();
    assert!(err.contains("牵头部门「nobody」"), "{err}");
    assert_eq!(db.store.profile_versions().await.unwrap().len(), 2);
}

#[tokio::test]
async fn link_forests_flatten_and_count_every_link_once() {
    use store::profile::LinkNode;
    let db = TestDb::new().await;
    let report = db.store.load_profile(&who(), PROFILE).await.unwrap();
    let tree = db.store.profile_tree().await.unwrap();
    let chains: Vec<_> = tree.iter().flat_map(|c| &c.chains).collect();
    let all: usize = chains.iter().map(|h| LinkNode::flatten(&h.links).len()).sum();
    assert_eq!(all, report.links, "every link of the profile, nested ones included");
    let counted: usize = chains.iter().map(|h| LinkNode::strength_counts(&h.links).iter().sum::<usize>()).sum();
    assert_eq!(counted, report.links);
    let missing: usize = chains.iter().map(|h| LinkNode::strength_counts(&h.links)[2]).sum();
    assert!(missing > 0 && missing < report.links, "the Hanzhong profile has gaps and strengths");
    // Parents come before their children.
    for h in &chains {
        let flat = LinkNode::flatten(&h.links);
        for (i, l) in flat.iter().enumerate() {
            if let Some(parent) = l.parent_id {
                assert!(flat[..i].iter().any(|p| p.id == parent), "{} after its parent", l.name);
            }
        }
    }
}

#[tokio::test]
async fn the_unit_directory_shows_a_unit_made_or_changed_here_at_once() {
    use domain::UnitKind;
    use store::units::UnitInput;
    let db = TestDb::new().await;
    let store = &db.store;
    store.load_profile(&who(), PROFILE).await.unwrap();
    let before = store.units().await.unwrap().len();
    assert!(before > 0, "the profile made units");
    // Read once more so the directory is kept, then write through this instance.
    assert_eq!(store.unit_names().await.unwrap().len(), before);
    let input = UnitInput { code: "test-park".into(), name: "试验园区".into(), kind: UnitKind::Park, region_code: "610703".into(), parent_id: None, covers: vec![], active: true };
    let made = store.create_unit(&who(), &input).await.unwrap();
    assert_eq!(store.units().await.unwrap().len(), before + 1);
    assert_eq!(store.unit_names().await.unwrap().get(&made.id).map(String::as_str), Some("试验园区"));
    assert_eq!(store.unit(made.id).await.unwrap().name, "试验园区");
    store.update_unit(&who(), made.id, &UnitInput { name: "试验园区（改）".into(), active: false, ..input.clone() }).await.unwrap();
    assert_eq!(store.unit(made.id).await.unwrap().name, "试验园区（改）");
    assert!(!store.units().await.unwrap().iter().find(|u| u.id == made.id).unwrap().active);
    // Another instance on the same database, holding its own copy of the directory, reads the
    // database for a unit made since.
    let other = Store::connect(&db.url, 2).await.unwrap();
    assert_eq!(other.units().await.unwrap().len(), before + 1);
    let later = store.create_unit(&who(), &UnitInput { code: "test-park-2".into(), name: "二号园区".into(), ..input }).await.unwrap();
    assert_eq!(other.unit(later.id).await.unwrap().name, "二号园区");
    assert!(other.unit(later.id + 1000).await.is_err(), "a unit that does not exist is still not found");
}

#[tokio::test]
async fn the_kept_account_names_show_an_account_made_or_renamed_here_at_once() {
    use store::users::UserChanges;
    let db = TestDb::new().await;
    let store = &db.store;
    with_data(store).await;
    let unit = store.unit_by_code("610703").await.unwrap().unwrap();
    let zhang = store.user_by_name("zhang").await.unwrap().unwrap();
    let li = store.user_by_name("li").await.unwrap().unwrap();
    // Read once so the names are kept, then make an account: it is named although it is newer.
    let names = store.user_names([zhang.id, li.id]).await.unwrap();
    assert_eq!((names[&zhang.id].as_str(), names[&li.id].as_str()), ("zhang 先生", "li 先生"));
    let new = NewUser { username: "wang".into(), display_name: "王五".into(), phone: "13900000001".into(), unit_id: unit.id, roles: vec![Role::Officer], password_hash: zhang.password_hash.clone(), must_change_password: true };
    let wang = store.create_user(&who(), new).await.unwrap();
    let names = store.user_names([wang.id, zhang.id, wang.id]).await.unwrap();
    assert_eq!(names.len(), 2);
    assert_eq!(names[&wang.id], "王五");
    // A rename here of a kept name is shown at once.
    let changes = UserChanges { display_name: "张三（改）".into(), phone: zhang.phone.clone(), unit_id: unit.id, roles: vec![Role::Officer], active: true };
    store.update_user(&who(), zhang.id, changes).await.unwrap();
    assert_eq!(store.user_names([zhang.id]).await.unwrap()[&zhang.id], "张三（改）");
    // Another instance, holding its own names, reads an account made since; no name for none.
    let other = Store::connect(&db.url, 2).await.unwrap();
    assert_eq!(other.user_names([li.id]).await.unwrap()[&li.id], "li 先生");
    let zhao = NewUser { username: "zhao".into(), display_name: "赵六".into(), phone: "13900000002".into(), unit_id: unit.id, roles: vec![Role::Officer], password_hash: zhang.password_hash.clone(), must_change_password: true };
    let zhao = store.create_user(&who(), zhao).await.unwrap();
    let names = other.user_names([zhao.id, zhao.id + 1000]).await.unwrap();
    assert_eq!(names.get(&zhao.id).map(String::as_str), Some("赵六"));
    assert!(!names.contains_key(&(zhao.id + 1000)), "an account that does not exist has no name");
}

#[tokio::test]
async fn the_kept_profile_shows_a_link_edited_here_and_a_renamed_lead_at_once() {
    use domain::UnitKind;
    use store::profile::{LinkInput, LinkNode};
    use store::units::UnitInput;
    let db = TestDb::new().await;
    let store = &db.store;
    store.load_profile(&who(), PROFILE).await.unwrap();
    let links = |tree: &[store::profile::ClusterTree]| tree.iter().flat_map(|c| &c.chains).flat_map(|h| LinkNode::flatten(&h.links)).collect::<Vec<_>>();
    let tree = store.profile_tree().await.unwrap();
    let chain = tree[0].chains[0].chain.clone();
    let first = links(&tree)[0].clone();
    // Edit, add and retire through this instance: each is in the next read.
    let input = LinkInput { name: "改过的环节".into(), position: first.position.clone(), strength: first.strength.clone(), industry_codes: first.industry_codes.clone(), keywords: first.keywords.clone() };
    store.update_link(&who(), first.id, &input).await.unwrap();
    assert!(links(&store.profile_tree().await.unwrap()).iter().any(|l| l.id == first.id && l.name == "改过的环节"));
    let added = store.add_link(&who(), chain.id, None, &LinkInput { name: "新加的环节".into(), ..input.clone() }).await.unwrap();
    assert!(links(&store.profile_tree().await.unwrap()).iter().any(|l| l.id == added.id));
    store.retire_link(&who(), added.id).await.unwrap();
    assert!(!links(&store.profile_tree().await.unwrap()).iter().any(|l| l.id == added.id));
    // A chain's lead is named from the units: renaming the unit renames it in the profile too.
    let lead = store.unit(chain.lead_unit_id).await.unwrap();
    let rename = UnitInput { code: lead.code.clone(), name: "改名的牵头部门".into(), kind: UnitKind::parse(&lead.kind).unwrap(), region_code: lead.region_code.clone(), parent_id: lead.parent_id, covers: lead.covers.split(',').filter(|c| !c.is_empty()).map(str::to_string).collect(), active: lead.active };
    store.update_unit(&who(), lead.id, &rename).await.unwrap();
    let tree = store.profile_tree().await.unwrap();
    assert_eq!(tree.iter().flat_map(|c| &c.chains).find(|h| h.chain.id == chain.id).unwrap().lead_unit_name, "改名的牵头部门");
}

#[tokio::test]
async fn the_search_outbox_is_read_in_batches_that_never_split_a_transaction() {
    use sea_orm::TransactionTrait;
    use std::collections::BTreeSet;
    let db = TestDb::new().await;
    let store = &db.store;
    let pg = store.backend() == DbBackend::Postgres;
    let start = store.outbox_head().await.unwrap();
    let insert = if pg {
        "INSERT INTO search_outbox (kind, record_id, txid) VALUES ('e', $1, pg_current_xact_id()::text::bigint)"
    } else {
        "INSERT INTO search_outbox (kind, record_id, txid) VALUES ('e', ?, 0)"
    };
    // Four transactions noting 2, 3, 1 and 7 changes.
    let mut written = Vec::new();
    for size in [2, 3, 1, 7] {
        let txn = store.db.begin().await.unwrap();
        for _ in 0..size {
            let id = 1_000 + written.len() as i64;
            txn.execute_raw(sea_orm::Statement::from_sql_and_values(store.backend(), insert, [id.into()])).await.unwrap();
            written.push(id);
        }
        txn.commit().await.unwrap();
    }
    let (mut cursor, mut skip, mut read, mut sizes) = (start, BTreeSet::new(), Vec::new(), Vec::new());
    for _ in 0..10 {
        let batch = store.outbox_after(cursor, &skip, 4).await.unwrap();
        assert!(batch.changes.iter().all(|(k, _)| *k == store::search_feed::Kind::Enterprise));
        sizes.push(batch.changes.len());
        read.extend(batch.changes.iter().map(|(_, id)| *id));
        skip.extend(batch.applied_above.iter().copied());
        skip.retain(|t| *t >= batch.cursor);
        cursor = batch.cursor;
        if !batch.more {
            break;
        }
    }
    assert_eq!(read, written, "every change once, in order");
    if pg {
        // Transactions are never split: the one the limit cuts into waits for the next batch, and
        // one larger than the limit is read whole.
        assert_eq!(sizes, vec![2, 4, 7]);
    } else {
        // SQLite commits one writer at a time, so its notes are in commit order and may be cut anywhere.
        assert_eq!(sizes, vec![4, 4, 4, 1]);
    }
    assert_eq!(store.outbox_pending(cursor, &skip, 100).await.unwrap(), 0);
}

/// Each change in the search outbox names the account whose request wrote it (m0018), or none
/// when it was written outside one; a transaction that names no account after one that did is not
/// taken for that account's (SQLite keeps the writer in a row).
#[tokio::test]
async fn the_search_outbox_notes_the_account_that_wrote_each_change() {
    use store::search_feed::{Kind, writing_as};
    let db = TestDb::new().await;
    let store = &db.store;
    let start = store.outbox_head().await.unwrap();
    let company = |name: &'static str| async move { store.create_enterprise(&who(), &store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3741".into(), ..Default::default() }, false).await.unwrap().id };
    let by_a = writing_as(Some(41), company("汉江药业股份有限公司")).await;
    let by_b = writing_as(Some(42), company("陕西汉中钢铁有限责任公司")).await;
    let by_no_one = company("汉中航空零部件有限公司").await;
    let by_no_one_either = writing_as(None, company("汉中数控机床有限公司")).await;
    // A bulk load begins its own transactions: it writes as no one, even right after a request's write.
    let by_a_again = writing_as(Some(41), company("汉中精密铸造有限公司")).await;
    let mut generated = store.enterprise(by_a_again).await.unwrap();
    (generated.id, generated.name, generated.uscc) = (by_a_again + 1_000, "汉中批量导入有限公司".into(), None);
    let bulk = generated.id;
    store.load_generated(&who(), store::bulk::Generated { enterprises: vec![generated], ..Default::default() }).await.unwrap();
    let batch = store.outbox_after(start, &Default::default(), 100).await.unwrap();
    let noted: Vec<(i64, Option<i64>)> = batch.changes.iter().zip(&batch.writers).filter(|((k, _), _)| *k == Kind::Enterprise).map(|((_, id), w)| (*id, *w)).collect();
    assert_eq!(noted, vec![(by_a, Some(41)), (by_b, Some(42)), (by_no_one, None), (by_no_one_either, None), (by_a_again, Some(41)), (bulk, None)]);
    let ids = |changes: Vec<(Kind, i64)>| changes.into_iter().map(|(_, id)| id).collect::<Vec<_>>();
    assert_eq!(ids(batch.changes_by(41)), vec![by_a, by_no_one, by_no_one_either, by_a_again, bulk], "an account's own changes and those of no known account");
    assert_eq!(ids(batch.changes_by(42)), vec![by_b, by_no_one, by_no_one_either, bulk]);
}

/// Follow-ups and targets reached are counted from tables triggers keep (m0017); after every kind
/// of write to follow-ups (logging one, an edit of its unit, target or day, a delete, a restore)
/// they must equal the counts grouped from the follow-ups themselves, for any cut-off.
#[tokio::test]
async fn the_kept_contact_counts_equal_the_follow_ups_grouped_after_every_kind_of_write() {
    use chrono::{Datelike, NaiveDate};
    let db = TestDb::new().await;
    let store = &db.store;
    with_data(store).await;
    let nanzheng = store.unit_by_code("610703").await.unwrap().unwrap();
    let chenggu = store.unit_by_code("610722").await.unwrap().unwrap();
    let units = [nanzheng.id, chenggu.id];
    let officer = store.user_by_name("zhang").await.unwrap().unwrap();
    let company = |name: &'static str| async move { store.create_enterprise(&who(), &store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3741".into(), ..Default::default() }, false).await.unwrap() };
    let (a, b) = (company("汉江药业股份有限公司").await, company("陕西汉中钢铁有限责任公司").await);
    let target_of = |enterprise_id: i64, unit_id: i64| async move {
        store
            .create_target(&who(), &store::targets::NewTarget { enterprise_id, owner_unit_id: unit_id, owner_user_id: None, priority: domain::target::Priority::B, source: String::new(), note: String::new(), link_ids: vec![] })
            .await
            .unwrap()
    };
    let (ta, tb) = (target_of(a.id, nanzheng.id).await, target_of(b.id, chenggu.id).await);
    let year = chrono::Utc::now().year() - 1;
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).unwrap();
    let mut serial = 0;
    let mut log = |unit_id: i64, enterprise_id: i64, target_id: Option<i64>, happened_on: NaiveDate| {
        serial += 1;
        let visit = store::follow_ups::NewFollowUp {
            enterprise_id,
            target_id,
            project_id: None,
            happened_on,
            kind: domain::target::FollowUpKind::Call,
            place: String::new(),
            latitude_e6: None,
            longitude_e6: None,
            participants: String::new(),
            summary: "电话沟通".into(),
            next_step: String::new(),
            next_due: None,
            client_key: format!("kept-counts-{serial:04}"),
        };
        async move { store.create_follow_up(&who(), officer.id, unit_id, &visit, vec![]).await.unwrap().0 }
    };
    // The periods the assessment asks for (1 January to each month's end, and to a day inside a
    // month), the year before and the year after included.
    let cutoffs: Vec<NaiveDate> = (1..=12).map(|m| day(m, 28)).chain([day(2, 10), day(3, 9), day(12, 31), NaiveDate::from_ymd_opt(year + 1, 1, 31).unwrap()]).collect();
    let same = |step: &'static str| {
        let cutoffs = cutoffs.clone();
        async move {
            for to in cutoffs {
                let from = NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap();
                let kept = store.contact_counts(&units, from, to).await.unwrap();
                assert_eq!(kept, store.contact_counts_grouped(&units, from, to).await.unwrap(), "after {step}, 1 January to {to}");
            }
            store.contact_counts(&units, day(1, 1), day(12, 31)).await.unwrap()
        }
    };
    same("no follow-ups of that year").await;
    log(nanzheng.id, a.id, Some(ta.id), day(3, 10)).await;
    let first = log(nanzheng.id, a.id, Some(ta.id), day(2, 1)).await;
    log(nanzheng.id, a.id, Some(ta.id), day(2, 20)).await;
    log(nanzheng.id, b.id, None, day(2, 1)).await;
    let late = log(chenggu.id, b.id, Some(tb.id), day(12, 30)).await;
    log(chenggu.id, a.id, Some(ta.id), day(6, 1)).await;
    log(chenggu.id, b.id, Some(tb.id), NaiveDate::from_ymd_opt(year + 1, 1, 5).unwrap()).await;
    let counts = same("follow-ups logged over two years").await;
    assert_eq!(counts.follow_ups.get(&nanzheng.id), Some(&4), "Nanzheng's four follow-ups of the year");
    assert_eq!(counts.targets.get(&nanzheng.id), Some(&1), "one target, however often followed up");
    assert_eq!(counts.targets.get(&chenggu.id), Some(&2));
    let first_of_march = store.contact_counts(&units, day(1, 1), day(3, 1)).await.unwrap();
    assert_eq!((first_of_march.follow_ups.get(&nanzheng.id), first_of_march.targets.get(&chenggu.id)), (Some(&3), None), "Chenggu reached nobody by 1 March");
    // Whatever writes a follow-up's unit, target or day, or deletes one, the counts follow.
    store.db.execute_unprepared(&format!("UPDATE follow_ups SET happened_on = '{}' WHERE id = {}", day(11, 2), first.id)).await.unwrap();
    same("the first contact moved to November, the next one becoming the first").await;
    store.db.execute_unprepared(&format!("UPDATE follow_ups SET unit_id = {}, target_id = NULL WHERE id = {}", chenggu.id, late.id)).await.unwrap();
    same("a follow-up moved to another unit, without its target").await;
    store.db.execute_unprepared(&format!("DELETE FROM attachments WHERE follow_up_id = {}", first.id)).await.unwrap();
    store.db.execute_unprepared(&format!("DELETE FROM follow_ups WHERE id = {}", first.id)).await.unwrap();
    let before = same("a follow-up deleted").await;
    // A restore deletes every follow-up and writes it again: the counts follow both.
    let file = std::env::temp_dir().join(format!("zs-contacts-{}.jsonl", std::process::id()));
    store.backup_to(&file).await.unwrap();
    store.restore_from(&file, true).await.unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(same("a restore over the same data").await, before);
}
