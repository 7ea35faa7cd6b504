//! The weekly dispatch through the real pages: a unit writes its note on a key project, another
//! unit cannot, the reminder before the deadline, the city's week with the joint meeting's agenda,
//! freezing a week (late and missing notes become late reports for the assessment), the report
//! as Word.

mod helpers;

use chrono::{Duration, Utc};
use domain::Role;
use domain::project::{Advance, ProjectKind, SourceChannel, Stage};
use helpers::*;
use reqwest::StatusCode;
use store::projects::ProjectInput;
use store::{Store, Who};

/// A 5亿 project in talks (a key project) of `unit_code`.
async fn key_project(store: &Store, name: &str, unit_code: &str) -> i64 {
    let who = Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who, &input, false).await.unwrap().id;
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let today = Utc::now().date_naive();
    let input = ProjectInput { name: name.into(), enterprise_id, industry_code: "3841".into(), kind: Some(ProjectKind::New), total_wan: 5_000_000, source_channel: Some(SourceChannel::Office), source_unit_id: unit, landing_unit_id: unit, ..Default::default() };
    let p = store.create_project(&who, &input, today - Duration::days(20), None).await.unwrap();
    let advance = Advance { dates: [(Stage::Negotiating, today - Duration::days(14))].into_iter().collect(), files: Default::default(), reference: String::new() };
    store.advance_project(&who, p.id, p.version, Stage::Negotiating, &advance, "洽谈", vec![]).await.unwrap().id
}

#[tokio::test]
async fn units_report_key_projects_and_the_bureau_freezes_the_week() {
    let app = spawn_app().await;
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let ours = key_project(&app.store, "航空零部件基地", "610703").await;
    let theirs = key_project(&app.store, "食品加工园", "610722").await;
    let week = domain::dispatch::current_week(Utc::now());
    let last_week = week - Duration::days(7);

    // A request escalated twice reaches the joint meeting's agenda.
    let enterprise_id = app.store.project(theirs).await.unwrap().enterprise_id;
    let new = store::services::NewRequest { project_id: Some(theirs), enterprise_id, category: domain::project::RequestCategory::Utilities, text: "双回路供电接入".into(), owner_unit_id: chenggu, deadline: Utc::now().date_naive() + Duration::days(1) };
    let r = app.store.create_request(&Who::system("test"), chenggu, &new).await.unwrap();
    app.db.backdate_request(r.id, Utc::now().date_naive() - Duration::days(14)).await;
    let r = app.store.escalate_request(&Who::system("test"), r.id, r.version, "县里协调不了").await.unwrap();
    app.store.escalate_request(&Who::system("test"), r.id, r.version, "提请联席会议").await.unwrap();

    // 南郑区's officer goes to the unit's week and writes the note on its key project.
    let officer = spawn_client(&app);
    officer.sign_in("officer-610703").await;
    let own = officer.get("/dispatch").await;
    assert_eq!(own.status(), StatusCode::SEE_OTHER, "a unit user lands on the unit's own week");
    let unit_url = format!("/dispatch/units/{nanzheng}?week={week}");
    let page = officer.get_html(&unit_url).await;
    assert!(page.contains("航空零部件基地") && (page.contains("待报送") || page.contains("未报送")) && page.contains("总投资达到 10,000 万元"));
    let empty = officer.post_form(&unit_url, "/dispatch/notes", &[("week", &week.to_string()), ("project_id", &ours.to_string()), ("progress", "  ")]).await;
    assert!(empty.text().await.unwrap().contains("请填写本周进展"), "an empty note is refused");
    let saved = officer
        .post_form(&unit_url, "/dispatch/notes", &[("week", &week.to_string()), ("project_id", &ours.to_string()), ("progress", "完成土地预审"), ("next_plan", "报规划方案"), ("coordination", "需电力公司配合")])
        .await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = officer.get_html(&unit_url).await;
    assert!(page.contains("完成土地预审") && page.contains("报规划方案"));
    // A stale second save is refused (someone else changed it first).
    let stale = officer.post_form(&unit_url, "/dispatch/notes", &[("week", &week.to_string()), ("project_id", &ours.to_string()), ("progress", "旧版本"), ("version", "7")]).await;
    assert!(stale.text().await.unwrap().contains("已被他人修改"));

    // 城固县's officer may neither read 南郑区's week nor write on its project.
    add_user(&app.store, "head-610722", "610722", vec![Role::UnitHead]).await;
    let other = spawn_client(&app);
    other.sign_in("head-610722").await;
    let denied = app.audit("write", "denied").await.len();
    let token = csrf_in(&other.get_html(&format!("/dispatch/units/{chenggu}?week={week}")).await);
    let forged = other.client.post(other.url("/dispatch/notes")).form(&[("week", week.to_string()), ("project_id", ours.to_string()), ("progress", "伪造".into()), ("csrf_token", token.clone())]).send().await.unwrap();
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.audit("write", "denied").await.len(), denied + 1, "the denial is audited");
    assert_eq!(other.get(&unit_url).await.status(), StatusCode::FORBIDDEN);
    assert!(!officer.get_html(&unit_url).await.contains("伪造"));
    let freeze = other.client.post(other.url("/dispatch/freeze")).form(&[("week", week.to_string()), ("csrf_token", token)]).send().await.unwrap();
    assert_eq!(freeze.status(), StatusCode::FORBIDDEN, "only the bureau freezes");

    // The bureau widens the reminder window; 城固县's head is reminded on the home page.
    app.sign_in("bureau").await;
    let rules = app.post_form("/dispatch", "/dispatch/rules", &[("week", &week.to_string()), ("deadline_weekday", "9"), ("deadline_hour", "18"), ("key_min_wan", "10000"), ("remind_hours_before", "168")]).await;
    assert!(rules.text().await.unwrap().contains("周一到周日"), "a bad setting is refused");
    let rules = app.post_form("/dispatch", "/dispatch/rules", &[("week", &week.to_string()), ("deadline_weekday", "2"), ("deadline_hour", "18"), ("key_min_wan", "10000"), ("remind_hours_before", "168")]).await;
    assert_eq!(rules.status(), StatusCode::SEE_OTHER);
    assert!(other.get_html("/").await.contains("本周调度：1 个重点项目"));
    assert!(!officer.get_html("/").await.contains("本周调度："), "a unit that reported is not reminded");

    // The city's week: both units, who reported, the agenda.
    let city = app.get_html(&format!("/dispatch?week={week}")).await;
    assert!(city.contains("南郑区") && city.contains("城固县") && city.contains("双回路供电接入") && city.contains("逾期 14 天"));
    let report = app.store.city_week(week).await.unwrap();
    let of = |id: i64| report.units.iter().find(|u| u.unit_id == id).unwrap().clone();
    assert_eq!((of(nanzheng).key_projects, of(nanzheng).notes_on_time + of(nanzheng).notes_late), (1, 1));
    assert_eq!((of(chenggu).key_projects, of(chenggu).notes_on_time + of(chenggu).notes_late), (1, 0));

    // Last week: 南郑区 writes now, after last Tuesday's deadline (late); 城固县 never does
    // (missing). Frozen, both count as late reports; the week can no longer change.
    let saved = officer.post_form(&unit_url, "/dispatch/notes", &[("week", &last_week.to_string()), ("project_id", &ours.to_string()), ("progress", "补报上周进展")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let frozen = app.post_form("/dispatch", "/dispatch/freeze", &[("week", &last_week.to_string())]).await;
    assert_eq!(frozen.status(), StatusCode::SEE_OTHER);
    let again = app.post_form("/dispatch", "/dispatch/freeze", &[("week", &last_week.to_string())]).await;
    assert!(again.text().await.unwrap().contains("已汇总定稿"));
    let closed = officer.post_form(&unit_url, "/dispatch/notes", &[("week", &last_week.to_string()), ("project_id", &ours.to_string()), ("progress", "再改")]).await;
    assert!(closed.text().await.unwrap().contains("已汇总定稿"));
    let mut late = app.store.late_reports(last_week, last_week).await.unwrap();
    late.sort();
    let mut expected = vec![(nanzheng, last_week, 1), (chenggu, last_week, 1)];
    expected.sort();
    assert_eq!(late, expected);
    let (_, frozen_report) = app.store.frozen_week(last_week).await.unwrap().unwrap();
    let status = |id: i64| frozen_report.key_projects.iter().find(|k| k.project_id == id).unwrap().status;
    assert_eq!((status(ours), status(theirs)), (domain::dispatch::NoteStatus::Late, domain::dispatch::NoteStatus::Missing));
    assert!(app.get_html(&format!("/dispatch?week={last_week}")).await.contains("汇总定稿"));

    // The late reports reach the assessment as the late-report metric.
    let units = app.store.group_units(domain::assessment::Group::Counties).await.unwrap();
    use chrono::Datelike;
    let facts = app.store.unit_facts(&units, last_week.year(), last_week + Duration::days(6)).await.unwrap();
    let lates = |id: i64| facts.iter().find(|f| f.unit_id == id).and_then(|f| f.items.get(&domain::assessment::Metric::LateReports)).map_or(0, Vec::len);
    assert_eq!((lates(nanzheng), lates(chenggu)), (1, 1));

    // The report as Word, for the bureau and leaders only.
    let docx = app.get(&format!("/dispatch/report.docx?week={last_week}")).await;
    assert_eq!(docx.status(), StatusCode::OK);
    let text = docx_text(&docx.bytes().await.unwrap());
    assert!(text.contains("全市招商引资项目周调度报告") && text.contains("补报上周进展") && text.contains("双回路供电接入"), "{text}");
    assert!(text.contains("南郑区、城固县未按时") || text.contains("城固县、南郑区未按时"), "late units named: {text}");
    assert_eq!(officer.get(&format!("/dispatch/report.docx?week={week}")).await.status(), StatusCode::FORBIDDEN);
    let xlsx = app.get(&format!("/dispatch/report.xlsx?week={last_week}")).await;
    let table = office::xlsx::read_first_sheet(&xlsx.bytes().await.unwrap()).unwrap();
    assert!(table.iter().any(|row| row.iter().any(|c| c == "航空零部件基地") && row.iter().any(|c| c == "逾期报送")), "{table:?}");
    assert!(table.iter().any(|row| row.iter().any(|c| c == "食品加工园") && row.iter().any(|c| c == "未报送")));
    assert_eq!(app.get("/dispatch?week=下周").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
