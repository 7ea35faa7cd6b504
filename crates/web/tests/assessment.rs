//! The monthly assessment through the real pages: targets and a scheme set by the bureau, a
//! preview whose points come only from verified, eligible projects (shared ones by their share),
//! a published run that later records cannot change, a correction as a new version, the 通报, and
//! what another unit may not see or do.

mod helpers;

use chrono::Datelike;
use domain::Role;
use domain::project::{Advance, ProjectKind, SourceChannel, Stage};
use helpers::*;
use reqwest::StatusCode;
use store::follow_ups::NewAttachment;
use store::projects::{Checked, ProjectInput, SiteCheck};
use store::{Store, Who};

const SCHEME: &str = r#"
name = "测试县区考核办法"
group = "Counties"
quarter_mode = "Sum"

[[indicators]]
key = "signed"
name = "签约项目"
metric = "SignedCount"
uses_target = false
[indicators.rule]
kind = "points"
per = 1000
cap = 10000

[[indicators]]
key = "outside_big"
name = "省外亿元项目"
metric = "ProvinceOutsideBigProjects"
uses_target = true
[indicators.rule]
kind = "ratio"
weight = 3000
cap = 3600

[[tiers]]
name = "一等奖"
up_to_rank = 1
"#;

/// A signed project of `unit_code` (investor from 深圳, outside the province), verified or not.
async fn signed_project(store: &Store, name: &str, unit_code: &str, total_wan: i64, verified: bool) -> i64 {
    let who = Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who, &input, false).await.unwrap().id;
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let today = chrono::Utc::now().date_naive();
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        contract_kind: Some(domain::project::ContractKind::Contract),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, today, None).await.unwrap();
    let advance = Advance {
        dates: [(Stage::Negotiating, today), (Stage::Signed, today)].into_iter().collect(),
        files: [(Stage::Signed, 1)].into_iter().collect(),
        reference: String::new(),
    };
    let contract = NewAttachment { file_name: "合同.pdf".into(), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() };
    let p = store.advance_project(&who, p.id, p.version, Stage::Signed, &advance, "签约", vec![(Stage::Signed, contract)]).await.unwrap();
    if verified {
        verify_signing(store, p.id).await;
    }
    p.id
}

async fn verify_signing(store: &Store, project_id: i64) {
    let queue = store.verification_queue(false, 100).await.unwrap();
    let key = queue.iter().find(|q| q.project_id == project_id).expect("signing waits for a check").key.clone();
    let check = SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: None, longitude_e6: None };
    store.verify(&Who::system("test"), Checked::parse(&key).unwrap(), &check, vec![]).await.unwrap();
}

fn cell_after<'a>(page: &'a str, marker: &str) -> &'a str {
    page.split(marker).nth(1).unwrap_or_default()
}

#[tokio::test]
async fn a_month_is_scored_from_verified_records_published_frozen_and_corrected() {
    let app = spawn_app().await;
    add_user(&app.store, "head-610722", "610722", vec![Role::UnitHead]).await;
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let today = chrono::Utc::now().date_naive();
    let (year, month) = (today.year(), today.month());

    // 南郑区: one verified 5亿 project, and one shared 70/30 with 城固县.
    signed_project(&app.store, "航空零部件基地", "610703", 5_000_000, true).await;
    let shared = signed_project(&app.store, "锂电池结构件", "610703", 2_000_000, true).await;
    app.store.set_credit_shares(&Who::system("test"), shared, &[(nanzheng, 70), (chenggu, 30)]).await.unwrap();
    // 城固县: one not yet verified, one verified but below the 3000万 threshold (not eligible).
    let pending = signed_project(&app.store, "食品加工园", "610722", 3_000_000, false).await;
    signed_project(&app.store, "小型仓储", "610722", 10_000, true).await;

    // The bureau sets the scheme and the targets.
    app.sign_in("bureau").await;
    let created = app.post_form("/assessment/schemes/new", "/assessment/schemes", &[("year", &year.to_string()), ("body", SCHEME)]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "scheme saved");
    let scheme_id: i64 = location(&created).trim_start_matches("/assessment/schemes/").split('?').next().unwrap().parse().unwrap();
    let broken = app.post_form("/assessment/schemes/new", "/assessment/schemes", &[("year", &year.to_string()), ("body", "name = \"\"")]).await;
    assert_eq!(broken.status(), StatusCode::OK);
    assert!(broken.text().await.unwrap().contains("方案格式有误"), "a broken scheme is refused in Chinese");

    let all_year = "100,100,100,100,100,100,100,100,100,100,100,100";
    let q_nz = format!("q_{nanzheng}_outside_big_projects");
    let q_cg = format!("q_{chenggu}_outside_big_projects");
    let year_text = year.to_string();
    let bad = app.post_form("/assessment/quotas", "/assessment/quotas", &[("year", &year_text), ("schedule", all_year), (&q_nz, "四个")]).await;
    assert!(bad.text().await.unwrap().contains("应为不小于 0 的数字"), "a bad figure is refused");
    assert!(app.store.quotas(year).await.unwrap().is_empty(), "and nothing was saved");
    let saved = app.post_form("/assessment/quotas", "/assessment/quotas", &[("year", &year_text), ("schedule", all_year), (&q_nz, "4"), (&q_cg, "2")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.quotas(year).await.unwrap().len(), 2);

    // Preview, computed by hand:
    //   南郑区 signed 1 + 0.7 = 1.70 projects × 10 = 17.00; outside-province 亿元 1.70 / 4 = 42.5 % × 30 = 12.75 → 29.75
    //   城固县 signed 0.30 × 10 = 3.00; outside-province 0.30 / 2 = 15 % × 30 = 4.50 → 7.50
    //   (the unverified and the ineligible project add nothing)
    let view = app.store.preview_run(scheme_id, year, month).await.unwrap();
    let total_of = |scores: &[domain::assessment::UnitScore], unit: i64| scores.iter().find(|s| s.unit_id == unit).map(|s| (s.total, s.rank)).unwrap();
    assert_eq!(total_of(&view.scores, nanzheng), (2975, 1));
    assert_eq!(total_of(&view.scores, chenggu), (750, 2));
    let preview = app.get_html(&format!("/assessment/schemes/{scheme_id}/preview?year={year}&month={month}")).await;
    assert!(preview.contains("29.75") && preview.contains("7.50"));
    assert!(preview.contains("分成 30%"), "the shared project shows its share");
    assert!(!preview.contains("食品加工园"), "an unverified project is not behind any point");

    // Publish; then a verification that comes later does not change the published run.
    let published = app.post_form(&format!("/assessment/schemes/{scheme_id}/preview?year={year}&month={month}"), &format!("/assessment/schemes/{scheme_id}/publish"), &[("year", &year_text), ("month", &month.to_string())]).await;
    assert_eq!(published.status(), StatusCode::SEE_OTHER);
    let run_url = location(&published).split('?').next().unwrap().to_string();
    verify_signing(&app.store, pending).await;
    let run = app.get_html(&run_url).await;
    assert!(run.contains("7.50") && !run.contains("32.50"), "the published run is frozen");
    let run_id: i64 = run_url.trim_start_matches("/assessment/runs/").parse().unwrap();
    let frozen = app.store.run(run_id).await.unwrap();
    assert_eq!(total_of(&frozen.scores, chenggu), (750, 2));

    // Publishing the month again is a correction: it needs a reason and becomes version 2.
    let again = app.post_form(&format!("/assessment/schemes/{scheme_id}/preview?year={year}&month={month}"), &format!("/assessment/schemes/{scheme_id}/publish"), &[("year", &year_text), ("month", &month.to_string())]).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert!(again.text().await.unwrap().contains("须写明更正原因"));
    let corrected = app
        .post_form(&format!("/assessment/schemes/{scheme_id}/preview?year={year}&month={month}"), &format!("/assessment/schemes/{scheme_id}/publish"), &[("year", &year_text), ("month", &month.to_string()), ("correction", "食品加工园补充核查通过")])
        .await;
    assert_eq!(corrected.status(), StatusCode::SEE_OTHER);
    // 城固县 now: signed 1.30 × 10 = 13.00; 1.30 / 2 = 65 % × 30 = 19.50 → 32.50, first place.
    let v2 = app.get_html(location(&corrected).split('?').next().unwrap()).await;
    assert!(v2.contains("32.50") && v2.contains("第 2 版") && v2.contains("食品加工园补充核查通过"));
    let v1 = app.store.run(run_id).await.unwrap();
    assert_eq!(v1.run.unwrap().status, "superseded");
    assert_eq!(total_of(&v1.scores, chenggu), (750, 2), "version 1 is kept as it was");
    assert!(!app.audit("publish", "ok").await.is_empty(), "publishing is audited");

    // The 通报 and the table.
    let docx = app.get(&format!("{run_url}/bulletin.docx")).await;
    assert_eq!(docx.status(), StatusCode::OK);
    let text = docx_text(&docx.bytes().await.unwrap());
    assert!(text.contains(&format!("关于{year}年{month}月招商引资考核结果的通报")), "{text}");
    assert!(text.contains("南郑区") && text.contains("29.75") && text.contains("城固县") && text.contains("7.50"), "the frozen scores: {text}");
    let xlsx = app.get(&format!("{run_url}/results.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let table = office::xlsx::read_first_sheet(&xlsx.bytes().await.unwrap()).unwrap();
    assert!(table.iter().any(|row| row.iter().any(|c| c == "南郑区")), "the ranking lists the units");

    // 城固县's head: sees the ranking and its own breakdown, not 南郑区's, and cannot publish.
    let head = spawn_client(&app);
    head.sign_in("head-610722").await;
    let ranking = head.get_html(&run_url).await;
    assert!(ranking.contains("南郑区") && ranking.contains(&format!("/units/{chenggu}")) && !ranking.contains(&format!("/units/{nanzheng}")));
    let own = head.get_html(&format!("{run_url}/units/{chenggu}")).await;
    assert!(own.contains("锂电池结构件") && own.contains("分成 30%"), "every point traced to its project");
    let denied_before = app.audit("read", "denied").await.len();
    assert_eq!(head.get(&format!("{run_url}/units/{nanzheng}")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit("read", "denied").await.len(), denied_before + 1, "the denial is audited");
    assert_eq!(head.get(&format!("/assessment/schemes/{scheme_id}/preview?year={year}&month={month}")).await.status(), StatusCode::FORBIDDEN);
    let token = csrf_in(&head.get_html("/assessment").await);
    let publish = head.client.post(head.url(&format!("/assessment/schemes/{scheme_id}/publish"))).form(&[("year", year_text.as_str()), ("month", "1"), ("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(publish.status(), StatusCode::FORBIDDEN);
    let quota = head.client.post(head.url("/assessment/quotas")).form(&[("year", year_text.as_str()), ("schedule", all_year), (q_cg.as_str(), "0"), ("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(quota.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.quotas(year).await.unwrap().len(), 2, "a unit cannot change its own target");
    assert!(cell_after(&head.get_html(&format!("/assessment/progress?year={year}")).await, "<tbody>").contains("城固县"));
}

#[tokio::test]
async fn held_events_count_for_their_organiser_and_planned_ones_do_not() {
    let app = spawn_app().await;
    let who = Who::system("test");
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let today = chrono::Utc::now().date_naive();
    let year = today.year();
    let first = today.with_day(1).unwrap();
    let event = |name: &str, status: domain::event::EventStatus, on: chrono::NaiveDate| store::events::EventInput {
        kind: domain::event::EventKind::Promotion,
        name: name.into(),
        city: "深圳".into(),
        venue: String::new(),
        start_on: on,
        end_on: on,
        organizer_unit_id: nanzheng,
        status,
        summary: String::new(),
    };
    app.store.create_event(&who, &event("深圳电子信息产业推介会", domain::event::EventStatus::Held, first)).await.unwrap();
    app.store.create_event(&who, &event("上海路演（筹备）", domain::event::EventStatus::Planned, today + chrono::Duration::days(20))).await.unwrap();
    let units = app.store.group_units(domain::assessment::Group::Counties).await.unwrap();
    let facts = app.store.unit_facts(&units, year, today).await.unwrap();
    let items = facts.iter().find(|f| f.unit_id == nanzheng).and_then(|f| f.items.get(&domain::assessment::Metric::Events)).cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{items:?}");
    assert!(items[0].label.starts_with("深圳电子信息产业推介会（推介会，"));
}

#[tokio::test]
async fn quarter_sums_published_months_and_names_missing_ones() {
    let app = spawn_app().await;
    app.sign_in("bureau").await;
    let year = chrono::Utc::now().date_naive().year() - 1;
    let created = app.post_form("/assessment/schemes/new", "/assessment/schemes", &[("year", &year.to_string()), ("body", SCHEME)]).await;
    let scheme_id: i64 = location(&created).trim_start_matches("/assessment/schemes/").split('?').next().unwrap().parse().unwrap();
    for month in [1, 2] {
        app.store.publish_run(&Who::system("test"), scheme_id, year, month, "").await.unwrap();
    }
    let page = app.get_html(&format!("/assessment/schemes/{scheme_id}/quarter?year={year}&q=1")).await;
    assert!(page.contains("3 月") && page.contains("尚未发布"));
    let docx = app.get(&format!("/assessment/schemes/{scheme_id}/quarter.docx?year={year}&q=1")).await;
    assert_eq!(docx.status(), StatusCode::UNPROCESSABLE_ENTITY, "no reward bulletin before all three months are published");
    assert!(docx.text().await.unwrap().contains("3 月 的考核结果尚未发布"));
    app.store.publish_run(&Who::system("test"), scheme_id, year, 3, "").await.unwrap();
    let docx = app.get(&format!("/assessment/schemes/{scheme_id}/quarter.docx?year={year}&q=1")).await;
    assert_eq!(docx.status(), StatusCode::OK);
    assert!(docx_text(&docx.bytes().await.unwrap()).contains(&format!("关于{year}年第1季度招商引资考核奖励的通报")));
    let xlsx = app.get(&format!("/assessment/schemes/{scheme_id}/quarter.xlsx?year={year}&q=1")).await;
    let table = office::xlsx::read_first_sheet(&xlsx.bytes().await.unwrap()).unwrap();
    // Nothing was signed in that year: every county scores 0, all tied first, and nobody is rewarded.
    assert!(table.iter().any(|row| row.first().is_some_and(|c| c == "1") && row.iter().any(|c| c == "南郑区")), "{table:?}");
    assert!(!table.iter().flatten().any(|c| c == "一等奖"), "no reward without points: {table:?}");
    assert_eq!(app.get(&format!("/assessment/schemes/{scheme_id}/quarter?year={year}&q=5")).await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
