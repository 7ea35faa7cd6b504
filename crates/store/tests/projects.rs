//! Projects on a real database (SQLite, or PostgreSQL with ZS_TEST_DATABASE_URL): a lead moved to
//! 入库纳统 with evidence, figures that change only when the bureau verifies, duplicates caught
//! and shared, optimistic locking that says what changed, funds, requests and the health check.

use chrono::{Duration, NaiveDate, Utc};
use domain::Role;
use domain::project::{Advance, ContractKind, FundsOrigin, FundsUse, ProjectKind, RequestCategory, RequestStatus, SourceChannel, Stage, State};
use sea_orm::ConnectionTrait;
use store::projects::{Checked, DuplicateDecision, FundsInput, ProjectFilter, ProjectInput, SiteCheck, StageFigure};
use store::services::NewRequest;
use store::test_support::TestDb;
use store::users::NewUser;
use store::{Store, StoreError, Who};

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

struct World {
    db: TestDb,
    nanzheng: i64,
    chenggu: i64,
    shenzhen: i64,
    officer: Who,
    bureau: Who,
    investor: i64,
    chain: i64,
    link: i64,
}

async fn person(store: &Store, username: &str, unit_id: i64, role: Role) -> Who {
    let user = store
        .create_user(
            &Who::system("test"),
            NewUser {
                username: username.into(),
                display_name: username.into(),
                phone: String::new(),
                unit_id,
                roles: vec![role],
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
                must_change_password: false,
            },
        )
        .await
        .unwrap();
    Who { user_id: Some(user.id), username: username.into(), unit_id: Some(unit_id), ip: "127.0.0.1".into() }
}

async fn world() -> World {
    let db = TestDb::new().await;
    let store = &db.store;
    store.load_profile(&Who::system("test"), PROFILE).await.unwrap();
    let unit = |code: &'static str| async move { store.unit_by_code(code).await.unwrap().unwrap().id };
    let (nanzheng, chenggu, shenzhen, bureau_unit) = (unit("610703").await, unit("610722").await, unit("sz").await, unit("610700").await);
    let officer = person(store, "officer", nanzheng, Role::Officer).await;
    let bureau = person(store, "bureau", bureau_unit, Role::Bureau).await;
    let input = store::enterprises::EnterpriseInput {
        uscc: "91440300MA5FQ0002Y".into(),
        name: "深圳市锂安电池部件有限公司".into(),
        industry_code: "3841".into(),
        region_code: "440305".into(),
        ..Default::default()
    };
    let investor = match store.create_enterprise(&Who::system("test"), &input, false).await {
        Ok(e) => e.id,
        // The made-up code may fail its checksum: keep the company without one.
        Err(_) => store.create_enterprise(&Who::system("test"), &store::enterprises::EnterpriseInput { uscc: String::new(), ..input }, false).await.unwrap().id,
    };
    let tree = store.profile_tree().await.unwrap();
    let chain = &tree[0].chains[0];
    World { nanzheng, chenggu, shenzhen, officer, bureau, investor, chain: chain.chain.id, link: chain.links[0].link.id, db }
}

fn input(w: &World, unit: i64, total_yi: i64) -> ProjectInput {
    ProjectInput {
        name: "动力电池结构件生产基地".into(),
        enterprise_id: w.investor,
        chain_id: Some(w.chain),
        link_id: Some(w.link),
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: total_yi * 1_000_000,
        fixed_wan: total_yi * 800_000,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        ..Default::default()
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn ago(days: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(days)
}

fn advance(dates: &[(Stage, NaiveDate)], reference: &str) -> Advance {
    Advance { dates: dates.iter().copied().collect(), files: Default::default(), reference: reference.into() }
}

/// One evidence file for each of `stages`.
fn evidence(stages: &[Stage]) -> Vec<(Stage, store::follow_ups::NewAttachment)> {
    stages.iter().map(|s| (*s, store::follow_ups::NewAttachment { file_name: format!("{}证明.pdf", s.label()), content_type: "application/pdf".into(), data: b"%PDF-1.7 evidence".to_vec() })).collect()
}

fn figure(figures: &[StageFigure], stage: Stage) -> &StageFigure {
    figures.iter().find(|f| f.stage == stage).unwrap()
}

fn approve() -> SiteCheck {
    SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: Some(33_067_000), longitude_e6: Some(107_023_000) }
}

/// The stage change a project's latest move created (what the bureau verifies).
async fn last_change(store: &Store, project_id: i64) -> i64 {
    let timeline = store.project_timeline(project_id).await.unwrap();
    let key = timeline.iter().find_map(|t| t.verify_ref.clone().filter(|k| k.starts_with("stage-"))).expect("a verifiable change");
    match Checked::parse(&key).unwrap() {
        Checked::Stage(id) => id,
        Checked::Funds(_) => unreachable!(),
    }
}

#[tokio::test]
async fn a_lead_moves_to_the_statistics_and_counts_only_once_verified() {
    let w = world().await;
    let store = &w.db.store;
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(200), None).await.unwrap();
    assert_eq!((p.stage.as_str(), p.code.starts_with("XM")), ("lead", true));
    assert!(p.eligible, "{}", p.eligibility_rule);

    // Skipping 在谈 needs its date; signing needs the contract and the contract kind.
    let err = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &advance(&[(Stage::Signed, ago(150))], ""), "", evidence(&[Stage::Signed])).await.unwrap_err();
    assert_eq!(err.to_string(), "跳过「在谈」阶段时须填写其日期");
    let both = advance(&[(Stage::Negotiating, ago(180)), (Stage::Signed, ago(150))], "");
    let err = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &both, "", vec![]).await.unwrap_err();
    assert_eq!(err.to_string(), "签约须上传合同或协议文本");
    let err = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &both, "", evidence(&[Stage::Signed])).await.unwrap_err();
    assert!(err.to_string().contains("合同项目还是协议项目"), "{err}");
    let mut with_kind = input(&w, w.nanzheng, 5);
    with_kind.contract_kind = Some(ContractKind::Contract);
    let p = store.update_project(&w.officer, p.id, p.version, &with_kind).await.unwrap();
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &both, "签约仪式", evidence(&[Stage::Signed])).await.unwrap();
    assert_eq!((p.stage.as_str(), p.signed_verification.as_str()), ("signed", "pending"));
    // Once signed, the contract kind stays and the investor cannot be swapped.
    let mut unsigned = with_kind.clone();
    unsigned.contract_kind = None;
    assert_eq!(store.update_project(&w.officer, p.id, p.version, &unsigned).await.unwrap_err().to_string(), "项目已签约，须注明是合同项目还是协议项目");
    let other = store.create_enterprise(&Who::system("test"), &store::enterprises::EnterpriseInput { name: "另一家电池公司".into(), ..Default::default() }, false).await.unwrap();
    let mut swapped = with_kind.clone();
    swapped.enterprise_id = other.id;
    assert!(store.update_project(&w.officer, p.id, p.version, &swapped).await.unwrap_err().to_string().starts_with("项目已签约，投资方不能更改"));
    assert_eq!(p.negotiating_on, Some(ago(180)));

    // Signed but not verified: it does not count.
    let visibility = domain::access::Visibility::All;
    let figures = store.project_figures(visibility, &ProjectFilter::default(), true).await.unwrap();
    assert_eq!((figure(&figures, Stage::Signed).reached, figure(&figures, Stage::Signed).counted), (1, 0.0));
    assert_eq!(store::projects::counts_at(&p, Stage::Signed), Err("尚未实地核查".into()));
    let queue = store.verification_queue(false, 100).await.unwrap();
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].files, 1, "the contract travels with the claim");

    // The bureau verifies on site: now it counts, with its amount.
    let change = last_change(store, p.id).await;
    store.verify(&w.bureau, Checked::Stage(change), &approve(), vec![]).await.unwrap();
    let figures = store.project_figures(visibility, &ProjectFilter::default(), true).await.unwrap();
    assert_eq!((figure(&figures, Stage::Signed).counted, figure(&figures, Stage::Signed).counted_total), (1.0, 5_000_000));
    assert!(store.verification_queue(false, 100).await.unwrap().is_empty());
    // An approved check is final.
    let again = store.verify(&w.bureau, Checked::Stage(change), &approve(), vec![]).await.unwrap_err();
    assert_eq!(again.to_string(), "这一项已核查通过");

    // Started, then a rejected check: the stage stays, the count does not, the reason shows.
    let p = store.project(p.id).await.unwrap();
    let photo = vec![(Stage::Started, store::follow_ups::NewAttachment { file_name: "现场.jpg".into(), content_type: "image/jpeg".into(), data: vec![0xFF, 0xD8, 0xFF, 0xE0] })];
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Started, &advance(&[(Stage::Started, ago(100))], ""), "", photo).await.unwrap();
    let change = last_change(store, p.id).await;
    let reject = SiteCheck { approve: false, note: String::new(), latitude_e6: None, longitude_e6: None };
    assert_eq!(store.verify(&w.bureau, Checked::Stage(change), &reject, vec![]).await.unwrap_err().to_string(), "核查不通过时请写明原因");
    let reject = SiteCheck { note: "现场仅完成场地平整".into(), ..reject };
    let p = store.verify(&w.bureau, Checked::Stage(change), &reject, vec![]).await.unwrap();
    assert_eq!((p.stage.as_str(), p.started_verification.as_str()), ("started", "rejected"));
    assert_eq!(store::projects::counts_at(&p, Stage::Started), Err("实地核查未通过".into()));
    assert!(store.project_timeline(p.id).await.unwrap().iter().any(|t| t.body.contains("现场仅完成场地平整")));
    // Checked again after new evidence, it counts.
    let p = store.verify(&w.bureau, Checked::Stage(change), &approve(), vec![]).await.unwrap();
    assert_eq!(store::projects::counts_at(&p, Stage::Started), Ok(()));

    // Operating and in the statistics (which needs the statistics entry number).
    // Operating's evidence does not do for the start: each stage brings its own.
    let wrong = store.advance_project(&w.officer, p.id, p.version, Stage::Operating, &advance(&[(Stage::Operating, ago(40))], ""), "", evidence(&[Stage::Started])).await.unwrap_err();
    assert_eq!(wrong.to_string(), "投产须上传投产证明或现场照片");
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Operating, &advance(&[(Stage::Operating, ago(40))], ""), "", evidence(&[Stage::Operating])).await.unwrap();
    let err = store.advance_project(&w.officer, p.id, p.version, Stage::InStatistics, &advance(&[(Stage::InStatistics, ago(10))], ""), "", vec![]).await.unwrap_err();
    assert_eq!(err.to_string(), "入库纳统须填写统计库入库编号");
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::InStatistics, &advance(&[(Stage::InStatistics, ago(10))], "610703-2026-0042"), "", vec![]).await.unwrap();
    assert_eq!((p.stage.as_str(), p.statistics_ref.as_str(), p.health.as_str()), ("in_statistics", "610703-2026-0042", "idle"));
    // Nothing moves past the end, or backwards.
    assert!(store.advance_project(&w.officer, p.id, p.version, Stage::Operating, &advance(&[(Stage::Operating, ago(5))], ""), "", vec![]).await.is_err());
    // Every write is in the audit log.
    let (events, _) = store::audit::search(store, &store::audit::AuditFilter { entity: Some("project".into()), per_page: 100, ..Default::default() }).await.unwrap();
    assert!(events.iter().filter(|e| e.action == "advance").count() >= 4);
    assert!(events.iter().filter(|e| e.action == "verify").count() >= 3);
}

/// The city's figures by stage are kept by trigger (m0016) for the register's first view; after every
/// kind of write to projects they must equal the figures grouped from the projects themselves.
#[tokio::test]
async fn the_kept_city_figures_equal_the_projects_grouped_after_every_kind_of_write() {
    let w = world().await;
    let store = &w.db.store;
    let all = domain::access::Visibility::All;
    let same = |step: &'static str| async move {
        let kept = store.project_figures(all, &ProjectFilter::default(), true).await.unwrap();
        let grouped = store.project_figures_grouped().await.unwrap();
        assert_eq!(kept, grouped, "after {step}");
        kept
    };
    same("nothing yet").await;
    let mut with_kind = input(&w, w.nanzheng, 5);
    with_kind.contract_kind = Some(ContractKind::Contract);
    let p = store.create_project(&w.officer, &with_kind, ago(200), None).await.unwrap();
    let q = store.create_project(&w.officer, &input(&w, w.chenggu, 3), ago(100), None).await.unwrap();
    let dup = store.create_project(&w.officer, &input(&w, w.shenzhen, 2), ago(1), None).await.unwrap();
    assert_eq!(dup.duplicate, "pending");
    same("three leads, one a suspected duplicate").await;
    let both = advance(&[(Stage::Negotiating, ago(180)), (Stage::Signed, ago(150))], "");
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &both, "", evidence(&[Stage::Signed])).await.unwrap();
    same("signed, not yet verified").await;
    store.verify(&w.bureau, Checked::Stage(last_change(store, p.id).await), &approve(), vec![]).await.unwrap();
    let figures = same("the signing verified").await;
    assert_eq!(figure(&figures, Stage::Signed).counted_total, 5_000_000);
    let p = store.project(p.id).await.unwrap();
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Started, &advance(&[(Stage::Started, ago(100))], ""), "", evidence(&[Stage::Started])).await.unwrap();
    let reject = SiteCheck { approve: false, note: "现场仅完成场地平整".into(), latitude_e6: None, longitude_e6: None };
    store.verify(&w.bureau, Checked::Stage(last_change(store, p.id).await), &reject, vec![]).await.unwrap();
    same("the start rejected on site").await;
    let mut bigger = with_kind.clone();
    bigger.total_wan = 8_000_000;
    let p = store.project(p.id).await.unwrap();
    store.update_project(&w.officer, p.id, p.version, &bigger).await.unwrap();
    same("the investment changed").await;
    let q = store.change_project_state(&w.officer, q.id, q.version, State::Suspended, "企业资金推迟").await.unwrap();
    same("suspended").await;
    let q = store.change_project_state(&w.officer, q.id, q.version, State::Active, "").await.unwrap();
    store.change_project_state(&w.officer, q.id, q.version, State::Dropped, "企业落户成都").await.unwrap();
    same("resumed, then dropped").await;
    let dup = store.project(dup.id).await.unwrap();
    store.decide_duplicate(&w.bureau, dup.id, dup.version, &DuplicateDecision::KeepBoth).await.unwrap();
    let before = same("the duplicate kept").await;
    // A restore deletes every project and writes it again: the kept figures follow both.
    let file = std::env::temp_dir().join(format!("zs-facts-{}.jsonl", std::process::id()));
    store.backup_to(&file).await.unwrap();
    store.restore_from(&file, true).await.unwrap();
    let _ = std::fs::remove_file(&file);
    assert_eq!(same("a restore over the same data").await, before);
}

/// Two projects crossing between the same two groups of the kept figures in opposite directions, at
/// the same time and many times over: every write succeeds and no change to a group is lost (on
/// PostgreSQL the writers update the same rows of `project_fact_counts` concurrently). That the
/// trigger locks the two groups in one order, so that such writers cannot deadlock, this cannot show:
/// the window is a few microseconds inside one statement.
#[tokio::test]
async fn projects_crossing_between_groups_at_once_keep_the_figures_exact() {
    let w = world().await;
    let store = &w.db.store;
    let a = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(200), None).await.unwrap();
    let b = store.create_project(&w.officer, &input(&w, w.chenggu, 3), ago(100), None).await.unwrap();
    store.db.execute_unprepared(&format!("UPDATE projects SET state = 'suspended' WHERE id = {}", b.id)).await.unwrap();
    let flip = |id: i64| {
        let db = store.db.clone();
        tokio::spawn(async move {
            for _ in 0..150 {
                let sql = format!("UPDATE projects SET state = CASE WHEN state = 'active' THEN 'suspended' ELSE 'active' END WHERE id = {id}");
                db.execute_unprepared(&sql).await?;
            }
            Ok::<_, sea_orm::DbErr>(())
        })
    };
    let (ra, rb) = (flip(a.id), flip(b.id));
    ra.await.unwrap().expect("every write of the first project succeeds");
    rb.await.unwrap().expect("every write of the second project succeeds");
    let all = domain::access::Visibility::All;
    let kept = store.project_figures(all, &ProjectFilter::default(), true).await.unwrap();
    assert_eq!(kept, store.project_figures_grouped().await.unwrap());
    assert_eq!(figure(&kept, Stage::Lead).current, 2, "both projects are still leads, one active and one suspended");
}

#[tokio::test]
async fn suspending_resuming_and_dropping() {
    let w = world().await;
    let store = &w.db.store;
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 2), ago(30), None).await.unwrap();
    assert_eq!(store.change_project_state(&w.officer, p.id, p.version, State::Suspended, "").await.unwrap_err().to_string(), "暂停项目须写明原因");
    let p = store.change_project_state(&w.officer, p.id, p.version, State::Suspended, "企业资金推迟").await.unwrap();
    assert_eq!((p.state.as_str(), p.health.as_str()), ("suspended", "amber"));
    let err = store.advance_project(&w.officer, p.id, p.version, Stage::Negotiating, &advance(&[(Stage::Negotiating, ago(1))], ""), "", vec![]).await.unwrap_err();
    assert_eq!(err.to_string(), "项目已暂停，请先恢复再推进");
    let p = store.change_project_state(&w.officer, p.id, p.version, State::Active, "").await.unwrap();
    assert_eq!(p.stage, "lead", "resuming returns to the stage it was at");
    let p = store.change_project_state(&w.officer, p.id, p.version, State::Dropped, "企业落户成都").await.unwrap();
    assert_eq!((p.state.as_str(), p.state_reason.as_str()), ("dropped", "企业落户成都"));
    assert!(store.change_project_state(&w.officer, p.id, p.version, State::Active, "").await.is_err(), "dropped is final");
    // A stale version is refused.
    assert!(matches!(store.change_project_state(&w.officer, p.id, 1, State::Suspended, "x").await, Err(StoreError::Conflict(_))));
}

#[tokio::test]
async fn a_duplicate_from_another_unit_is_caught_and_its_credit_shared() {
    let w = world().await;
    let store = &w.db.store;
    // 城固县 has had the investor since May.
    let first = store.create_project(&w.officer, &input(&w, w.chenggu, 5), day("2026-05-12"), None).await.unwrap();
    assert_eq!(first.duplicate, "none");
    // The same investor on the same chain from the 深圳 office: found before saving…
    let dups = store.project_duplicates(w.investor, Some(w.chain), &[w.shenzhen], None).await.unwrap();
    assert_eq!(dups.len(), 1);
    assert_eq!(dups[0].project_id, first.id);
    assert!(dups[0].reason.contains("同一产业链"), "{}", dups[0].reason);
    // …not for the unit's own project, nor for another chain.
    assert!(store.project_duplicates(w.investor, Some(w.chain), &[w.chenggu], None).await.unwrap().is_empty());
    let other_chain = store.profile_tree().await.unwrap()[0].chains[1].chain.id;
    assert!(store.project_duplicates(w.investor, Some(other_chain), &[w.shenzhen], None).await.unwrap().is_empty());

    // Saved anyway, it is flagged and does not count until the bureau decides.
    let second = store.create_project(&w.officer, &input(&w, w.shenzhen, 5), ago(1), None).await.unwrap();
    assert_eq!((second.duplicate.as_str(), second.duplicate_of_id), ("pending", Some(first.id)));
    assert!(second.duplicate_reason.contains("城固县"), "{}", second.duplicate_reason);
    assert_eq!(store::projects::counts_at(&second, Stage::Lead), Err("疑似与其他单位项目重复，待市局判定".into()));

    // A decision made on a stale page is refused.
    let stale = store.decide_duplicate(&w.bureau, second.id, second.version - 1, &DuplicateDecision::KeepBoth).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale:?}");
    // A follow-up logged on the duplicate moves with it when merged.
    let visit = store::follow_ups::NewFollowUp {
        enterprise_id: w.investor,
        target_id: None,
        project_id: Some(second.id),
        happened_on: ago(0),
        kind: domain::target::FollowUpKind::Call,
        place: String::new(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: "深圳办电话沟通".into(),
        next_step: String::new(),
        next_due: None,
        client_key: "dup-visit-00001".into(),
    };
    store.create_follow_up(&w.officer, w.officer.user_id.unwrap(), w.shenzhen, &visit, vec![]).await.unwrap();
    let second = store.project(second.id).await.unwrap();

    // Shares must add up to 100.
    let bad = store.decide_duplicate(&w.bureau, second.id, second.version, &DuplicateDecision::Share(vec![(w.chenggu, 70), (w.shenzhen, 20)])).await.unwrap_err();
    assert_eq!(bad.to_string(), "分成比例合计 90%，应为 100%");
    assert_eq!(store.project(second.id).await.unwrap().duplicate, "pending", "a refused decision changes nothing");
    store.decide_duplicate(&w.bureau, second.id, second.version, &DuplicateDecision::Share(vec![(w.chenggu, 70), (w.shenzhen, 30)])).await.unwrap();
    let second = store.project(second.id).await.unwrap();
    assert_eq!((second.duplicate.as_str(), second.state.as_str()), ("merged", "dropped"));
    let history = store.project_timeline(second.id).await.unwrap();
    assert!(history.iter().any(|t| t.title == "终止" && t.body.contains("重复")), "the drop is in the project's history");
    assert!(store.project_timeline(first.id).await.unwrap().iter().any(|t| t.body.contains("深圳办电话沟通")), "the follow-up moved to the project that goes on");
    let shares: Vec<(String, i32)> = store.credit_shares(first.id).await.unwrap().into_iter().map(|(_, n, p)| (n, p)).collect();
    assert_eq!(shares.len(), 2);
    assert!(shares.iter().any(|(_, p)| *p == 30));

    // Figures: the city counts the project once; 深圳 office gets 30 % of it.
    let figures = store.project_figures(domain::access::Visibility::All, &ProjectFilter::default(), true).await.unwrap();
    assert_eq!(figure(&figures, Stage::Lead).counted, 1.0);
    let office = ProjectFilter { unit_id: Some(w.shenzhen), ..Default::default() };
    let figures = store.project_figures(domain::access::Visibility::All, &office, true).await.unwrap();
    assert!((figure(&figures, Stage::Lead).counted - 0.3).abs() < 1e-9);
    assert_eq!(figure(&figures, Stage::Lead).counted_total, 1_500_000);
    // The office now sees the shared project in its own list.
    let (rows, _) = store.list_projects(domain::access::Visibility::Unit(w.shenzhen), &ProjectFilter { per_page: 50, ..Default::default() }, false).await.unwrap();
    assert!(rows.iter().any(|r| r.project.id == first.id));
    // Setting shares directly checks the same rule.
    assert!(store.set_credit_shares(&w.bureau, first.id, &[(w.chenggu, 100)]).await.is_err());
    store.set_credit_shares(&w.bureau, first.id, &[]).await.unwrap();
    assert!(store.credit_shares(first.id).await.unwrap().is_empty());
}

#[tokio::test]
async fn keep_both_counts_both() {
    let w = world().await;
    let store = &w.db.store;
    store.create_project(&w.officer, &input(&w, w.chenggu, 5), ago(100), None).await.unwrap();
    let second = store.create_project(&w.officer, &input(&w, w.nanzheng, 3), ago(1), None).await.unwrap();
    store.decide_duplicate(&w.bureau, second.id, second.version, &DuplicateDecision::KeepBoth).await.unwrap();
    let figures = store.project_figures(domain::access::Visibility::All, &ProjectFilter::default(), true).await.unwrap();
    assert_eq!(figure(&figures, Stage::Lead).counted, 2.0);
    let decided = store.project(second.id).await.unwrap();
    let again = store.decide_duplicate(&w.bureau, second.id, decided.version, &DuplicateDecision::Merge).await.unwrap_err();
    assert_eq!(again.to_string(), "这个项目没有待判定的重复", "decided once");
}

#[tokio::test]
async fn the_second_save_of_a_project_gets_a_conflict_that_says_what_changed() {
    let w = world().await;
    let store = &w.db.store;
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(10), None).await.unwrap();
    // Two officers open version 1; the first saves a new total.
    let mut first = input(&w, w.nanzheng, 6);
    first.name = "动力电池结构件生产基地（一期）".into();
    store.update_project(&w.officer, p.id, p.version, &first).await.unwrap();
    let mut second = input(&w, w.nanzheng, 9);
    second.note = "第二位的修改".into();
    let err = store.update_project(&w.bureau, p.id, p.version, &second).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let now = store.project(p.id).await.unwrap();
    assert_eq!((now.total_wan, now.note.as_str()), (6_000_000, ""), "nothing of the second save was written");
    let changes = store.project_changes_since(p.id, p.version).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].who, "officer");
    assert!(changes[0].fields.iter().any(|(field, before, after)| field == "项目名称" && before == "动力电池结构件生产基地" && after.contains("一期")), "{:?}", changes[0].fields);
    assert!(changes[0].fields.iter().any(|(field, before, after)| field.starts_with("总投资") && before == "50,000" && after == "60,000"), "{:?}", changes[0].fields);
}

#[tokio::test]
async fn funds_in_place_count_once_verified() {
    let w = world().await;
    let store = &w.db.store;
    let mut i = input(&w, w.nanzheng, 5);
    i.contract_kind = Some(ContractKind::Agreement);
    i.funds_plan_wan = 1_200_000;
    i.funds_plan_by = Some(Utc::now().date_naive() + Duration::days(400));
    let p = store.create_project(&w.officer, &i, ago(100), None).await.unwrap();
    let month = domain::project::parse_month(&Utc::now().date_naive().format("%Y-%m").to_string()).unwrap();
    let funds = FundsInput { month, amount_wan: 300_000, origin: FundsOrigin::OutOfProvince, use_kind: FundsUse::Fixed, note: String::new() };
    assert_eq!(store.add_funds(&w.officer, p.id, &funds).await.unwrap_err().to_string(), "项目签约后才能填报到位资金");
    let p = store.advance_project(&w.officer, p.id, p.version, Stage::Signed, &advance(&[(Stage::Negotiating, ago(60)), (Stage::Signed, ago(30))], ""), "", evidence(&[Stage::Signed])).await.unwrap();
    let report = store.add_funds(&w.officer, p.id, &funds).await.unwrap();
    assert!(matches!(store.add_funds(&w.officer, p.id, &funds).await, Err(StoreError::Duplicate { .. })), "one report per month, origin and use");
    assert_eq!(store.project(p.id).await.unwrap().funds_verified_wan, 0);
    store.verify(&w.bureau, Checked::Funds(report.id), &approve(), vec![]).await.unwrap();
    assert_eq!(store.project(p.id).await.unwrap().funds_verified_wan, 300_000);
    let future = FundsInput { month: month + Duration::days(40), ..funds };
    assert_eq!(store.add_funds(&w.officer, p.id, &future).await.unwrap_err().to_string(), "不能填报未来月份的到位资金");
}

#[tokio::test]
async fn the_health_check_turns_red_with_its_reasons() {
    let w = world().await;
    let store = &w.db.store;
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(5), None).await.unwrap();
    assert_eq!(p.health, "green");
    // A power request, then its deadline passes two weeks ago (moved in the database: a request
    // cannot be raised with a past deadline).
    let new = NewRequest { project_id: Some(p.id), enterprise_id: w.investor, category: RequestCategory::Utilities, text: "10 千伏专线接入".into(), owner_unit_id: w.nanzheng, deadline: ago(-10) };
    let r = store.create_request(&w.officer, w.nanzheng, &new).await.unwrap();
    assert!(store.create_request(&w.officer, w.nanzheng, &NewRequest { deadline: ago(1), ..new.clone() }).await.is_err());
    store.db.execute_unprepared(&format!("UPDATE requests SET deadline = '{}' WHERE id = {}", ago(14), r.id)).await.unwrap();
    store.db.execute_unprepared(&format!("UPDATE projects SET last_activity_on = '{}' WHERE id = {}", ago(50), p.id)).await.unwrap();
    store.refresh_projects(Utc::now().date_naive()).await.unwrap();
    let p = store.project(p.id).await.unwrap();
    assert_eq!(p.health, "red");
    assert!(p.health_reasons.contains("已 50 天无进展"), "{}", p.health_reasons);
    assert!(p.health_reasons.contains("有诉求超过办理期限 14 天"), "{}", p.health_reasons);
    // The overdue request surfaces in the owner's list; escalating climbs one level at a time.
    let overdue = store.list_requests(domain::access::Visibility::Unit(w.nanzheng), &store::services::RequestFilter { overdue: true, ..Default::default() }, 10).await.unwrap().0;
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].overdue_days, Some(14));
    let first = store.escalate_request(&w.officer, r.id, r.version, "供电公司迟迟不出方案").await.unwrap();
    // The same form sent twice (a double tap) does not climb twice.
    assert!(matches!(store.escalate_request(&w.officer, r.id, r.version, "供电公司迟迟不出方案").await, Err(StoreError::Conflict(_))));
    assert_eq!(first.escalation, "city");
    let r = store.escalate_request(&w.bureau, r.id, first.version, "需联席会议协调").await.unwrap();
    assert_eq!(r.escalation, "joint");
    assert!(store.escalate_request(&w.bureau, r.id, r.version, "再上报").await.is_err());
    // Resolving needs a resolution; then the project is green again.
    assert!(store.update_request(&w.officer, r.id, r.version, RequestStatus::Resolved, "").await.is_err());
    store.update_request(&w.officer, r.id, r.version, RequestStatus::Resolved, "供电公司已出具接入方案").await.unwrap();
    let p = store.project(p.id).await.unwrap();
    assert_eq!(p.health, "green", "{}", p.health_reasons);
    // Other units do not see the request.
    let theirs = store.list_requests(domain::access::Visibility::Unit(w.chenggu), &Default::default(), 10).await.unwrap();
    assert_eq!(theirs.1, 0);
}

#[tokio::test]
async fn eligibility_follows_the_rules_in_force() {
    let w = world().await;
    let store = &w.db.store;
    // 0.25 亿 of manufacturing: below the 3000 万 industrial threshold.
    let mut small = input(&w, w.nanzheng, 0);
    small.total_wan = 250_000;
    let p = store.create_project(&w.officer, &small, ago(3), None).await.unwrap();
    assert!(!p.eligible);
    assert_eq!(p.eligibility_rule, "工业项目总投资 2,500 万元，低于认定门槛 3,000 万元");
    let (mut rules, health) = store.project_rules().await.unwrap();
    rules.industrial_min_wan = 2000;
    let changed = store.set_project_rules(&w.bureau, &rules, &health).await.unwrap();
    assert_eq!(changed, 1);
    let p = store.project(p.id).await.unwrap();
    assert!(p.eligible, "{}", p.eligibility_rule);
    let figures = store.project_figures(domain::access::Visibility::All, &ProjectFilter { eligible: Some(true), ..Default::default() }, true).await.unwrap();
    assert_eq!(figure(&figures, Stage::Lead).counted, 1.0);
}

#[tokio::test]
async fn converting_a_target_makes_a_lead_linked_to_it() {
    let w = world().await;
    let store = &w.db.store;
    let target = store
        .create_target(&Who::system("test"), &store::targets::NewTarget { enterprise_id: w.investor, owner_unit_id: w.nanzheng, owner_user_id: None, priority: domain::target::Priority::A, source: String::new(), note: String::new(), link_ids: vec![w.link] })
        .await
        .unwrap();
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(1), Some(target.id)).await.unwrap();
    assert_eq!(p.target_id, Some(target.id));
    assert_eq!(store.target(target.id).await.unwrap().status, "converted");
    // A target of another company cannot be used.
    let other = store.create_enterprise(&Who::system("test"), &store::enterprises::EnterpriseInput { name: "另一家公司".into(), ..Default::default() }, false).await.unwrap();
    let mut wrong = input(&w, w.nanzheng, 5);
    wrong.enterprise_id = other.id;
    assert!(store.create_project(&w.officer, &wrong, ago(1), Some(target.id)).await.is_err());
}

#[tokio::test]
async fn a_confidential_project_is_not_found_by_its_investor_outside_its_units() {
    let w = world().await;
    let store = &w.db.store;
    let mut secret = input(&w, w.nanzheng, 5);
    secret.confidential = true;
    assert!(store.create_project(&w.officer, &secret, ago(1), None).await.is_err(), "a confidential project needs a codename");
    secret.codename = "X-07".into();
    store.create_project(&w.officer, &secret, ago(1), None).await.unwrap();
    let by_name = ProjectFilter { q: "锂安".into(), per_page: 10, ..Default::default() };
    assert_eq!(store.list_projects(domain::access::Visibility::All, &by_name, true).await.unwrap().1, 1, "the bureau finds it");
    assert_eq!(store.list_projects(domain::access::Visibility::All, &by_name, false).await.unwrap().1, 0, "a leader's search does not reveal it");
    let by_code = ProjectFilter { q: "X-07".into(), per_page: 10, ..Default::default() };
    assert_eq!(store.list_projects(domain::access::Visibility::All, &by_code, false).await.unwrap().1, 1);
}

#[tokio::test]
async fn service_teams_and_policy_packages() {
    let w = world().await;
    let store = &w.db.store;
    let p = store.create_project(&w.officer, &input(&w, w.nanzheng, 5), ago(1), None).await.unwrap();
    let officer = w.officer.user_id.unwrap();
    store.add_member(&w.officer, Some(p.id), None, officer, domain::project::TeamRole::Lead).await.unwrap();
    assert!(store.add_member(&w.officer, Some(p.id), None, officer, domain::project::TeamRole::Member).await.is_err(), "once per team");
    store.add_member(&w.officer, None, Some(w.investor), w.bureau.user_id.unwrap(), domain::project::TeamRole::Member).await.unwrap();
    assert_eq!(store.team(Some(p.id), None).await.unwrap().len(), 1);
    assert_eq!(store.team(None, Some(w.investor)).await.unwrap().len(), 1);
    let item = store.add_policy_item(&w.officer, p.id, "厂房租金前三年减半", "", 30_000).await.unwrap();
    assert_eq!(item.review, "pending", "never automatic");
    assert!(store.review_policy_item(&w.bureau, item.id, domain::project::Review::Failed, "").await.is_err());
    let item = store.review_policy_item(&w.bureau, item.id, domain::project::Review::Passed, "符合公平竞争审查要求").await.unwrap();
    assert_eq!(item.review, "passed");
}
