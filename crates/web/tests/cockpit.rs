//! The cockpit's tiles equal the records behind them: verified, eligible signings only, credit
//! shares per unit, funds against the schedule, red projects, requests waiting for a leader; the
//! charts are well-formed SVG; a unit's cockpit is its own.

mod helpers;

use chrono::{Datelike, Duration, Utc};
use domain::Role;
use domain::access::Visibility;
use domain::project::{Advance, FundsOrigin, FundsUse, ProjectKind, SourceChannel, Stage};
use helpers::*;
use store::follow_ups::NewAttachment;
use store::projects::{Checked, ProjectInput, SiteCheck};
use store::{Store, Who};

async fn signed(store: &Store, name: &str, unit_code: &str, total_wan: i64, verified: bool) -> i64 {
    let who = Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who, &input, false).await.unwrap().id;
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let today = Utc::now().date_naive();
    let input = ProjectInput { name: name.into(), enterprise_id, industry_code: "3841".into(), kind: Some(ProjectKind::New), total_wan, source_channel: Some(SourceChannel::Office), source_unit_id: unit, landing_unit_id: unit, contract_kind: Some(domain::project::ContractKind::Contract), ..Default::default() };
    let p = store.create_project(&who, &input, today, None).await.unwrap();
    let advance = Advance { dates: [(Stage::Negotiating, today), (Stage::Signed, today)].into_iter().collect(), files: [(Stage::Signed, 1)].into_iter().collect(), reference: String::new() };
    let contract = NewAttachment { file_name: "合同.pdf".into(), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() };
    let p = store.advance_project(&who, p.id, p.version, Stage::Signed, &advance, "签约", vec![(Stage::Signed, contract)]).await.unwrap();
    if verified {
        approve_all(store, p.id).await;
    }
    p.id
}

async fn approve_all(store: &Store, project_id: i64) {
    for item in store.verification_queue(false, 100).await.unwrap().into_iter().filter(|q| q.project_id == project_id) {
        let check = SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: None, longitude_e6: None };
        store.verify(&Who::system("test"), Checked::parse(&item.key).unwrap(), &check, vec![]).await.unwrap();
    }
}

/// Every element closes and every attribute quotes: the SVG parses as XML.
fn assert_well_formed(svg: &str) {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed SVG: {e}\n{svg}"),
        }
    }
    assert_eq!(depth, 0, "unclosed elements in {svg}");
}

fn svgs(page: &str) -> Vec<String> {
    // The charts only (the page may carry icons of its own).
    page.split("<svg").skip(1).map(|rest| format!("<svg{}</svg>", rest.split("</svg>").next().unwrap())).filter(|svg| svg.contains(r#"class="chart""#)).collect()
}

#[tokio::test]
async fn every_tile_equals_the_records() {
    let app = spawn_app().await;
    let who = Who::system("test");
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let today = Utc::now().date_naive();
    let year = today.year();

    let ours = signed(&app.store, "航空零部件基地", "610703", 5_000_000, true).await;
    let shared = signed(&app.store, "锂电池结构件", "610703", 2_000_000, true).await;
    app.store.set_credit_shares(&who, shared, &[(nanzheng, 70), (chenggu, 30)]).await.unwrap();
    signed(&app.store, "食品加工园", "610722", 3_000_000, false).await; // not verified: counts nowhere
    signed(&app.store, "小型仓储", "610722", 10_000, true).await; // below the threshold: not eligible
    // Funds: 1,000 万元 verified on ours, 500 万元 reported but not verified.
    let month = today.with_day(1).unwrap();
    for (amount, origin) in [(100_000, FundsOrigin::OutOfProvince), (50_000, FundsOrigin::InCity)] {
        let input = store::projects::FundsInput { month, amount_wan: amount, origin, use_kind: FundsUse::Fixed, note: String::new() };
        app.store.add_funds(&who, ours, &input).await.unwrap();
        if amount == 100_000 {
            approve_all(&app.store, ours).await;
        }
    }
    // A schedule: 南郑区 should sign 4 this year, all due by now.
    let all = [100; 12];
    app.store.set_quota(&who, nanzheng, year, domain::assessment::Metric::SignedCount, Some(400), &all).await.unwrap();
    // A request escalated to the city waits for a leader.
    let enterprise_id = app.store.project(ours).await.unwrap().enterprise_id;
    let new = store::services::NewRequest { project_id: Some(ours), enterprise_id, category: domain::project::RequestCategory::Land, text: "用地指标".into(), owner_unit_id: nanzheng, deadline: today + Duration::days(5) };
    let r = app.store.create_request(&who, nanzheng, &new).await.unwrap();
    app.store.escalate_request(&who, r.id, r.version, "县里无指标").await.unwrap();

    // The city, from the store: 2 signed (the shared one once), 7亿 of counted investment, 1,000 万元 in place.
    let city = app.store.cockpit(Visibility::All, today).await.unwrap();
    let last = city.cumulative().last().cloned().unwrap();
    assert_eq!((last.signed, last.funds, last.signed_scheduled), (200, 100_000, 400));
    let signed_stage = city.funnel.iter().find(|f| f.stage == Stage::Signed).unwrap();
    assert_eq!((signed_stage.reached, signed_stage.counted, signed_stage.counted_total), (4, 2.0, 7_000_000));
    assert_eq!(city.waiting.len(), 1);
    // 南郑区: 1 + 0.7; 城固县: 0.3.
    let nz = app.store.cockpit(Visibility::Unit(nanzheng), today).await.unwrap();
    assert_eq!(nz.cumulative().last().unwrap().signed, 170);
    let cg = app.store.cockpit(Visibility::Unit(chenggu), today).await.unwrap();
    assert_eq!(cg.cumulative().last().unwrap().signed, 30);
    assert_eq!(cg.waiting.len(), 0, "城固县 does not see 南郑区's request");

    // The leader's page shows the same figures, with charts that parse and link to records.
    add_user(&app.store, "leader", "610700", vec![Role::Leader]).await;
    app.sign_in("leader").await;
    let page = app.get_html("/cockpit").await;
    assert!(page.contains("全市 · ") && page.contains(r#"<span class="stat-value">2</span><span class="stat-label">今年签约（个）</span>"#), "{page}");
    assert!(page.contains("<span class=\"stat-value\">7 亿元</span>") && page.contains("<span class=\"stat-value\">1,000 万元</span>"));
    assert!(page.contains("用地指标") && page.contains("累计 2 个，按进度应完成 4 个"));
    let charts = svgs(&page);
    assert_eq!(charts.len(), 4, "funnel and three trends");
    for svg in &charts {
        assert_well_formed(svg);
    }
    assert!(charts[0].contains(r#"href="/projects?stage=signed""#) && charts[0].contains("<title>签约：2 个 · 7 亿元</title>"));
    let screen = app.get_html("/cockpit?screen=1").await;
    assert!(screen.contains(r#"http-equiv="refresh" content="60""#) && screen.contains("全市招商引资驾驶舱"));

    // 城固县's head sees 城固县's cockpit, not the city's (and not a cached city page).
    add_user(&app.store, "head-610722", "610722", vec![Role::UnitHead]).await;
    let head = spawn_client(&app);
    head.sign_in("head-610722").await;
    let own = head.get_html("/cockpit").await;
    assert!(own.contains("城固县 · ") && own.contains(r#"<span class="stat-value">0.3</span><span class="stat-label">今年签约（个）</span>"#), "{own}");
    assert!(!own.contains("用地指标"));
    assert!(own.contains(&format!("/projects?stage=signed&amp;unit_id={chenggu}")) || own.contains(&format!("/projects?stage=signed&unit_id={chenggu}")));
}
