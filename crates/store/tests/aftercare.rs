//! From signed to producing as promised, on a real database (SQLite, or PostgreSQL with
//! ZS_TEST_DATABASE_URL): the approvals checklist with a request raised for a blocked item and the
//! board that names what holds each project up, the five rates per county and for the city (and
//! in the monthly assessment), commitments against results with the yearly evaluation, landed
//! companies' risk with its reasons, and policy payments held to their conditions.

use chrono::{Duration, NaiveDate, Utc};
use domain::access::Visibility;
use domain::aftercare::{Conclusion, Figures, Indicator, RiskLevel, Signal};
use domain::approvals::{ApprovalStatus, FilingKind, ProjectCode};
use domain::project::{ProjectKind, Review, SourceChannel, Stage};
use domain::rates::FiveRate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel};
use store::aftercare::CommitmentInput;
use store::approvals::{ApprovalInput, FilingInput};
use store::entities::project;
use store::projects::ProjectInput;
use store::test_support::TestDb;
use store::{Store, StoreError, Who};

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

fn who() -> Who {
    Who::system("test")
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn setup() -> TestDb {
    let db = TestDb::new().await;
    db.store.load_profile(&who(), PROFILE).await.unwrap();
    db
}

async fn unit(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().unwrap().id
}

/// A 5 亿 project of `unit_code` by a new investor.
async fn project_of(store: &Store, name: &str, unit_code: &str) -> project::Model {
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who(), &input, false).await.unwrap().id;
    let unit = unit(store, unit_code).await;
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 5_000_000,
        fixed_wan: 4_000_000,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        ..Default::default()
    };
    store.create_project(&who(), &input, day("2024-01-02"), None).await.unwrap()
}

/// Puts a project at a stage with verified dates (the setting of a test, not its subject).
async fn place(store: &Store, id: i64, signed: Option<&str>, started: Option<&str>, operating: Option<&str>) -> project::Model {
    let p = store.project(id).await.unwrap();
    assert!(p.eligible, "{}", p.eligibility_rule);
    let stage = if operating.is_some() { Stage::Operating } else if started.is_some() { Stage::Started } else { Stage::Signed };
    let mut row = p.into_active_model();
    row.stage = Set(stage.code().into());
    row.negotiating_on = Set(signed.map(day));
    row.signed_on = Set(signed.map(day));
    row.started_on = Set(started.map(day));
    row.operating_on = Set(operating.map(day));
    row.signed_verification = Set("approved".into());
    row.started_verification = Set(if started.is_some() { "approved" } else { "not_needed" }.into());
    row.operating_verification = Set(if operating.is_some() { "approved" } else { "not_needed" }.into());
    row.update(&store.db).await.unwrap()
}

fn input(status: ApprovalStatus, done: Option<&str>, owner: Option<i64>, document: &str) -> ApprovalInput {
    ApprovalInput { status, started_on: None, due_on: None, done_on: done.map(day), owner_unit_id: owner, document: document.into(), note: String::new() }
}

#[tokio::test]
async fn a_checklist_names_what_holds_a_project_up_and_a_blocked_item_raises_a_request() {
    let db = setup().await;
    let store = &db.store;
    let nanzheng = unit(store, "610703").await;
    let land_bureau = store.units().await.unwrap().into_iter().find(|u| u.kind == "department").map(|u| u.id).unwrap_or(nanzheng);
    let p = project_of(store, "航空零部件精密制造", "610703").await;
    place(store, p.id, Some("2026-03-01"), None, None).await;

    // The bureau adds an item of its own to every new checklist.
    store.set_extra_approval_items(&who(), &["消防设计审查".to_string()]).await.unwrap();
    assert_eq!(store.create_checklist(&who(), p.id).await.unwrap(), 10);
    assert_eq!(store.create_checklist(&who(), p.id).await.unwrap(), 0, "a second time adds nothing");
    let items = store.approval_items(p.id).await.unwrap();
    assert_eq!(items.iter().map(|i| i.item.name.as_str()).collect::<Vec<_>>()[..3], ["用地预审", "土地供应", "规划许可"]);
    assert_eq!(items.last().unwrap().item.name, "消防设计审查");
    let err = store.add_approval_item(&who(), p.id, "规划许可").await.unwrap_err();
    assert_eq!(err.to_string(), "清单中已有「规划许可」");

    // Done needs its date and document; a stale form is refused.
    let land = items[0].item.clone();
    let err = store.update_approval_item(&who(), land.id, land.version, &input(ApprovalStatus::Done, Some("2026-04-01"), Some(land_bureau), "")).await.unwrap_err();
    assert!(err.to_string().contains("批复文件或文号"), "{err}");
    store.update_approval_item(&who(), land.id, land.version, &input(ApprovalStatus::Done, Some("2026-04-01"), Some(land_bureau), "汉自然资预审〔2026〕8号")).await.unwrap();
    let stale = store.update_approval_item(&who(), land.id, land.version, &input(ApprovalStatus::NotApplicable, None, None, "")).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)), "{stale}");
    let err = store.update_approval_item(&who(), land.id, land.version + 1, &input(ApprovalStatus::InProgress, None, Some(999_999), "")).await.unwrap_err();
    assert_eq!(err.to_string(), "所选责任单位不存在或已停用");
    for row in &items[1..] {
        if row.item.name != "环境影响评价" {
            store.update_approval_item(&who(), row.item.id, row.item.version, &input(ApprovalStatus::NotApplicable, None, None, "")).await.unwrap();
        }
    }

    // 环评 is overdue with the environment bureau: the board says so.
    let eia = items.iter().find(|i| i.item.name == "环境影响评价").unwrap().item.clone();
    let mut overdue = input(ApprovalStatus::InProgress, None, Some(land_bureau), "");
    overdue.due_on = Some(today() - Duration::days(10));
    let eia = store.update_approval_item(&who(), eia.id, eia.version, &overdue).await.unwrap();
    let board = store.approvals_board(Visibility::All, None, 100).await.unwrap();
    let row = board.iter().find(|r| r.project.id == p.id).unwrap();
    assert!(!row.progress.complete);
    assert!(row.progress.holding.as_deref().unwrap().starts_with("环境影响评价（办理中") && row.progress.holding.as_deref().unwrap().contains("已逾期 10 天"), "{:?}", row.progress.holding);
    assert_eq!(row.holding_owner, store.unit(land_bureau).await.unwrap().name);
    assert!(store.approvals_board(Visibility::Unit(unit(store, "610722").await), None, 100).await.unwrap().is_empty(), "another county sees none of it");

    // One step from the blocked item to a request owned by its department.
    let err = store.raise_approval_request(&who(), nanzheng, land.id, "再协调", None, today() + Duration::days(5)).await.unwrap_err();
    assert_eq!(err.to_string(), "「用地预审」已办结，无需提诉求");
    let req = store.raise_approval_request(&who(), nanzheng, eia.id, "环评报告专家评审迟迟未安排", None, today() + Duration::days(7)).await.unwrap();
    assert_eq!((req.owner_unit_id, req.category.as_str(), req.project_id), (land_bureau, "environment", Some(p.id)));
    assert_eq!(req.text, "【前期手续·环境影响评价】环评报告专家评审迟迟未安排");
    let linked = store.approval_item(eia.id).await.unwrap();
    assert_eq!(linked.request_id, Some(req.id));
    let again = store.raise_approval_request(&who(), nanzheng, eia.id, "再催", None, today() + Duration::days(7)).await.unwrap_err();
    assert!(again.to_string().contains(&format!("已有未办结的诉求 #{}", req.id)), "{again}");

    // The filing: the code is checked and belongs to one project only.
    let code = ProjectCode::parse("2403-610703-04-01-000123", today()).unwrap();
    let filing = FilingInput { national_code: Some(code.clone()), filing_kind: Some(FilingKind::Record), authority: "南郑区发展和改革局".into(), approved_on: Some(day("2024-03-20")) };
    let saved = store.save_filing(&who(), p.id, None, &filing).await.unwrap();
    assert_eq!(saved.national_code, "2403-610703-04-01-000123");
    let other = project_of(store, "另一个项目", "610703").await;
    let err = store.save_filing(&who(), other.id, None, &filing).await.unwrap_err();
    assert!(err.to_string().contains(&format!("已用于项目 {}", p.code)), "{err}");
    let stale = store.save_filing(&who(), p.id, Some(saved.version + 5), &filing).await.unwrap_err();
    assert!(matches!(stale, StoreError::Conflict(_)));
}

#[tokio::test]
async fn the_five_rates_per_county_and_city_show_the_projects_behind_them() {
    let db = setup().await;
    let store = &db.store;
    let (from, to) = (day("2025-01-01"), day("2025-12-31"));
    // 南郑区: A signed and started in 2025; B signed in 2025 with its approvals done, not started;
    // C signed in 2024, started in 2025 (a reserve project that started).
    let a = project_of(store, "甲项目", "610703").await;
    place(store, a.id, Some("2025-02-01"), Some("2025-06-01"), None).await;
    let b = project_of(store, "乙项目", "610703").await;
    place(store, b.id, Some("2025-04-01"), None, None).await;
    store.create_checklist(&who(), b.id).await.unwrap();
    for row in store.approval_items(b.id).await.unwrap() {
        store.update_approval_item(&who(), row.item.id, row.item.version, &input(ApprovalStatus::NotApplicable, None, None, "")).await.unwrap();
    }
    let first = store.approval_items(b.id).await.unwrap()[0].item.clone();
    store.update_approval_item(&who(), first.id, first.version, &input(ApprovalStatus::Done, Some("2025-05-01"), None, "文号")).await.unwrap();
    let c = project_of(store, "丙项目", "610703").await;
    place(store, c.id, Some("2024-10-01"), Some("2025-03-01"), None).await;
    // 城固县: D signed in 2025 with 1,200 万 planned through 2025-12 (evenly from March); 400 arrived.
    let d = project_of(store, "丁项目", "610722").await;
    place(store, d.id, Some("2025-03-10"), None, None).await;
    let mut row = store.project(d.id).await.unwrap().into_active_model();
    row.funds_plan_wan = Set(1_000_00);
    row.funds_plan_by = Set(Some(day("2025-12-31")));
    row.update(&store.db).await.unwrap();
    let funds = store::entities::funds_report::ActiveModel {
        project_id: Set(d.id),
        month: Set(day("2025-06-01")),
        amount_wan: Set(400_00),
        origin: Set("out_of_province".into()),
        use_kind: Set("fixed".into()),
        verification: Set("approved".into()),
        note: Set(String::new()),
        unit_id: Set(d.landing_unit_id),
        user_id: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    funds.insert(&store.db).await.unwrap();
    // 城固县: E operating since 2023, evaluated 2025 achieved.
    let e = project_of(store, "戊项目", "610722").await;
    place(store, e.id, Some("2022-05-01"), Some("2022-08-01"), Some("2023-06-01")).await;
    store.save_commitment(&who(), e.id, None, &CommitmentInput { figures: Figures { output_wan: Some(10_000_00), tax_wan: Some(500_00), ..Default::default() }, ..Default::default() }).await.unwrap();
    store.save_yearly_result(&who(), e.id, 2025, &Figures { output_wan: Some(12_000_00), tax_wan: Some(520_00), ..Default::default() }, "").await.unwrap();
    store.review_year(&who(), e.id, 2025, "").await.unwrap();

    let units: Vec<_> = store.units().await.unwrap().into_iter().filter(|u| ["610703", "610722", "610723"].contains(&u.code.as_str())).collect();
    let rates = store.five_rates(&units, from, to).await.unwrap();
    let of = |code: &str, rate: FiveRate| {
        let u = units.iter().find(|u| u.code == code).unwrap().id;
        rates.units.iter().find(|x| x.unit_id == u).unwrap().results.iter().find(|r| r.rate == rate).unwrap().clone()
    };
    // 落地率 南郑区: A and B signed in 2025, A started: 50 %.
    let landing = of("610703", FiveRate::Landing);
    assert_eq!((landing.numerator, landing.denominator, landing.value), (100, 200, Some(5_000)));
    assert_eq!(landing.lines.iter().map(|l| l.id).collect::<Vec<_>>(), vec![a.id, b.id]);
    // 手续办结率 南郑区: reserve A, B, C; only B has its checklist done.
    let approvals = of("610703", FiveRate::Approvals);
    assert_eq!((approvals.numerator, approvals.denominator), (100, 300));
    assert!(approvals.lines.iter().any(|l| l.id == a.id && l.note == "尚未建立前期手续清单"));
    // 储备项目开工率 南郑区: A and C started in 2025 of A, B, C.
    let reserve = of("610703", FiveRate::ReserveStart);
    assert_eq!((reserve.numerator, reserve.denominator, reserve.value), (200, 300, Some(6_667)));
    // 计划投资完成率 城固县: 1,000 万 over 10 months, all due in 2025; 400 arrived.
    let invest = of("610722", FiveRate::Investment);
    assert_eq!((invest.numerator, invest.denominator, invest.value), (400_00, 1_000_00, Some(4_000)));
    // 达效率 城固县: E is due (operating + 1 year) and achieved.
    let efficacy = of("610722", FiveRate::Efficacy);
    assert_eq!((efficacy.numerator, efficacy.denominator, efficacy.value), (100, 100, Some(10_000)));
    assert!(efficacy.lines[0].note.contains("2025 年达产评价：达产达效"), "{}", efficacy.lines[0].note);
    // 洋县 has nothing: every rate is undefined, not zero.
    for r in FiveRate::ALL {
        assert_eq!(of("610723", *r).value, None, "{r:?}");
    }
    // The city counts every project once.
    let city_landing = rates.city.iter().find(|r| r.rate == FiveRate::Landing).unwrap();
    assert_eq!((city_landing.numerator, city_landing.denominator), (100, 300));

    // The same records feed the monthly assessment as metrics, once a scheme measures them.
    let scheme = r#"
name = "五率考核办法"
group = "Counties"
quarter_mode = "Sum"

[[indicators]]
key = "landing"
name = "招商引资落地率"
metric = "LandingRate"
uses_target = false
[indicators.rule]
kind = "efficacy"
weight = 1000

[[tiers]]
name = "一等奖"
up_to_rank = 1
"#;
    let scheme = store.save_scheme(&who(), None, 2025, scheme, None).await.unwrap();
    let view = store.preview_run(scheme.id, 2025, 12).await.unwrap();
    let score = view.scores.iter().find(|s| s.unit_name == "南郑区").unwrap();
    assert_eq!(score.indicators[0].actual, 5_000);
    assert!(score.indicators[0].explanation.starts_with("招商引资落地率 1.00 个 ÷ 2.00 个 = 50.00%"), "{}", score.indicators[0].explanation);
    assert!(score.indicators[0].items.iter().any(|i| i.label.starts_with("分母：") && i.label.contains("乙项目")));
    let facts = store.unit_facts(&units, 2025, to).await.unwrap();
    let nz = facts.iter().find(|f| f.unit_name == "南郑区").unwrap();
    assert_eq!(domain::assessment::actual(domain::assessment::Metric::LandingRate, nz), 5_000);
    assert_eq!(domain::assessment::actual(domain::assessment::Metric::ReserveStartRate, nz), 6_667);
    let cg = facts.iter().find(|f| f.unit_name == "城固县").unwrap();
    assert_eq!(domain::assessment::actual(domain::assessment::Metric::InvestmentRate, cg), 4_000);
    assert_eq!(domain::assessment::actual(domain::assessment::Metric::EfficacyRate, cg), 10_000);
    assert!(store.five_rates(&units, to, from).await.unwrap_err().to_string().contains("晚于截止日"));
}

#[tokio::test]
async fn commitments_against_results_give_an_evaluation_and_a_risk_with_reasons() {
    let db = setup().await;
    let store = &db.store;
    let nanzheng = unit(store, "610703").await;
    let p = project_of(store, "新材料产业园", "610703").await;
    let p = place(store, p.id, Some("2023-01-10"), Some("2023-05-01"), Some("2024-06-01")).await;

    // Results before a commitment cannot be evaluated; a lead cannot report results.
    store.save_yearly_result(&who(), p.id, 2025, &Figures { tax_wan: Some(300_00), ..Default::default() }, "").await.unwrap();
    assert_eq!(store.review_year(&who(), p.id, 2025, "").await.unwrap_err().to_string(), "请先填写承诺指标，再做达产评价");
    let lead = project_of(store, "还在谈的项目", "610703").await;
    assert!(store.save_yearly_result(&who(), lead.id, 2025, &Figures { tax_wan: Some(1), ..Default::default() }, "").await.unwrap_err().to_string().contains("开工后"));
    assert!(store.save_yearly_result(&who(), p.id, 2025, &Figures::default(), "").await.unwrap_err().to_string().contains("至少填写一项"));

    let commitment = CommitmentInput {
        figures: Figures { investment_wan: Some(50_000_00), fixed_wan: Some(40_000_00), output_wan: Some(80_000_00), tax_wan: Some(1_000_00), jobs: Some(300) },
        land_mu: Some(80_00),
        full_production_on: Some(day("2025-06-30")),
        note: String::new(),
    };
    let c = store.save_commitment(&who(), p.id, None, &commitment).await.unwrap();
    assert!(matches!(store.save_commitment(&who(), p.id, Some(c.version + 1), &commitment).await.unwrap_err(), StoreError::Conflict(_)));
    store.save_yearly_result(&who(), p.id, 2025, &Figures { investment_wan: Some(50_000_00), fixed_wan: Some(40_000_00), output_wan: Some(60_000_00), tax_wan: Some(300_00), jobs: Some(280) }, "订单下滑").await.unwrap();
    let perf = store.performance(p.id).await.unwrap();
    assert_eq!(perf.committed_intensity.investment_per_mu, Some(500_00), "40,000 万 ÷ 80 亩");
    assert_eq!(perf.committed_intensity.tax_per_mu, Some(12_50));
    let year = &perf.years[0];
    assert_eq!(year.intensity.tax_per_mu, Some(3_75));
    assert_eq!(year.shortfalls, 3);
    let tax = year.lines.iter().find(|l| l.indicator == Indicator::Tax).unwrap();
    assert_eq!(tax.text, "年税收：承诺 1,000 万元，实际 300 万元，完成 30.0%，差 700 万元");

    let (review, evaluation) = store.review_year(&who(), p.id, 2025, "约谈企业").await.unwrap();
    assert_eq!((review.conclusion.as_str(), evaluation.conclusion), ("behind", Conclusion::Behind));
    assert!(review.detail.contains("最低一项完成 30.0%，低于 80%，评为未达效"));
    // Evaluating again replaces the year's record.
    store.review_year(&who(), p.id, 2025, "复评").await.unwrap();
    assert_eq!(store.performance(p.id).await.unwrap().reviews.len(), 1);

    // The company's risk: tax far behind (high), a relocation signal (high), an overdue request.
    let today = today();
    let risk = store.company_risk(p.enterprise_id, today).await.unwrap().unwrap();
    assert_eq!(risk.risk.level, RiskLevel::High);
    assert!(risk.risk.reasons.iter().any(|r| r.contains("2025 年年税收：承诺 1,000 万元，实际 300 万元")), "{:?}", risk.risk.reasons);
    assert!(risk.risk.reasons.iter().any(|r| r == "落地以来没有走访记录"), "{:?}", risk.risk.reasons);
    let err = store.add_signal(&who(), nanzheng, p.enterprise_id, None, Signal::Relocating, " ", today).await.unwrap_err();
    assert_eq!(err.to_string(), "请写明「有外迁意向」的具体情况");
    store.add_signal(&who(), nanzheng, p.enterprise_id, None, Signal::Relocating, "成都给出更低电价", today - Duration::days(3)).await.unwrap();
    let req = store
        .create_request(&who(), nanzheng, &store::services::NewRequest { project_id: Some(p.id), enterprise_id: p.enterprise_id, category: domain::project::RequestCategory::Utilities, text: "二期用电增容".into(), owner_unit_id: nanzheng, deadline: today + Duration::days(1) })
        .await
        .unwrap();
    db.backdate_request(req.id, today - Duration::days(12)).await;
    let risk = store.company_risk(p.enterprise_id, today).await.unwrap().unwrap();
    assert!(risk.risk.reasons.iter().any(|r| r.ends_with("走访记录：有外迁意向：成都给出更低电价")), "{:?}", risk.risk.reasons);
    assert!(risk.risk.reasons.iter().any(|r| r == "诉求「二期用电增容」已逾期 12 天"), "{:?}", risk.risk.reasons);

    // Another company of 南郑区 doing better than promised is likely to expand; 城固县 sees neither.
    let q = project_of(store, "食品加工扩产", "610703").await;
    let q = place(store, q.id, Some("2023-01-10"), Some("2023-05-01"), Some("2024-01-01")).await;
    store.save_commitment(&who(), q.id, None, &CommitmentInput { figures: Figures { output_wan: Some(10_000_00), ..Default::default() }, ..Default::default() }).await.unwrap();
    store.save_yearly_result(&who(), q.id, 2025, &Figures { output_wan: Some(13_000_00), ..Default::default() }, "").await.unwrap();
    let visit = store::follow_ups::NewFollowUp {
        enterprise_id: q.enterprise_id,
        target_id: None,
        project_id: Some(q.id),
        happened_on: today,
        kind: domain::target::FollowUpKind::Visit,
        place: String::new(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: "企业计划建设二期".into(),
        next_step: String::new(),
        next_due: None,
        client_key: "aftercare-visit-1".into(),
    };
    let officer = store.create_user(&who(), store::users::NewUser { username: "o1".into(), display_name: "o1".into(), phone: String::new(), unit_id: nanzheng, roles: vec![domain::Role::Officer], password_hash: "x".into(), must_change_password: false }).await.unwrap();
    let (fu, _) = store.create_follow_up(&who(), officer.id, nanzheng, &visit, vec![]).await.unwrap();
    store.add_signal(&who(), nanzheng, q.enterprise_id, Some(fu.id), Signal::Expanding, "拟新增 50 亩建二期", today).await.unwrap();
    let list = store.landed_companies(Visibility::Unit(nanzheng), None, today).await.unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].enterprise_id, p.enterprise_id, "highest risk first");
    let grower = list.iter().find(|c| c.enterprise_id == q.enterprise_id).unwrap();
    assert_eq!((grower.risk.level, grower.risk.expanding), (RiskLevel::Low, true));
    assert_eq!(grower.last_visit, Some(today));
    assert_eq!(grower.risk.expand_reasons.len(), 2, "{:?}", grower.risk.expand_reasons);
    assert!(store.landed_companies(Visibility::Unit(unit(store, "610722").await), None, today).await.unwrap().is_empty());
    assert!(store.company_risk(lead.enterprise_id, today).await.unwrap().is_none(), "not landed");
}

#[tokio::test]
async fn policy_payments_wait_for_review_and_conditions_and_stay_within_the_promise() {
    let db = setup().await;
    let store = &db.store;
    let p = project_of(store, "锂电材料项目", "610703").await;
    place(store, p.id, Some("2024-01-10"), Some("2024-05-01"), Some("2025-01-01")).await;
    let item = store.add_policy_item(&who(), p.id, "税收贡献奖励", "按地方留成部分的 50% 奖励，三年", 1_000_00).await.unwrap();
    store.add_policy_condition(&who(), item.id, Indicator::Tax, 500_00).await.unwrap();
    assert!(store.add_policy_condition(&who(), item.id, Indicator::Tax, 0).await.unwrap_err().to_string().contains("应大于 0"));

    let system = who();
    let pay = |amount: i64| store.record_policy_payment(&system, item.id, today(), amount, "汉财〔2026〕3号", "");
    assert!(pay(400_00).await.unwrap_err().to_string().contains("尚未通过公平竞争审查"));
    store.review_policy_item(&who(), item.id, Review::Passed, "").await.unwrap();
    assert_eq!(pay(400_00).await.unwrap_err().to_string(), "兑现条件未达成：年税收 ≥ 500 万元：尚无报送的年度实绩");
    store.save_yearly_result(&who(), p.id, 2025, &Figures { tax_wan: Some(300_00), ..Default::default() }, "").await.unwrap();
    assert_eq!(pay(400_00).await.unwrap_err().to_string(), "兑现条件未达成：年税收 ≥ 500 万元：2025 年实际 300 万元，未达成");
    store.save_yearly_result(&who(), p.id, 2025, &Figures { tax_wan: Some(620_00), ..Default::default() }, "更正").await.unwrap();
    pay(400_00).await.unwrap();
    pay(500_00).await.unwrap();
    assert!(pay(200_00).await.unwrap_err().to_string().contains("累计兑现 1,100 万元将超过承诺的 1,000 万元"));
    assert!(store.record_policy_payment(&who(), item.id, today() + Duration::days(1), 1, "", "").await.unwrap_err().to_string().contains("不能晚于今天"));

    let delivery = store.policy_delivery(p.id).await.unwrap();
    assert_eq!((delivery[0].paid_wan, delivery[0].payments.len(), delivery[0].all_met()), (900_00, 2, true));
    assert_eq!(delivery[0].conditions[0].text, "年税收 ≥ 500 万元：2025 年实际 620 万元，已达成");
    let packages = store.policy_packages(Visibility::All, 100).await.unwrap();
    assert_eq!((packages.len(), packages[0].promised_wan, packages[0].paid_wan, packages[0].unmet_conditions), (1, 1_000_00, 900_00, 0));
    assert!(store.policy_packages(Visibility::Unit(unit(store, "610722").await), 100).await.unwrap().is_empty());
}
