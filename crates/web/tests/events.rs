//! Promotion events through the real pages: a county plans and records an event, adds the
//! companies that came, ties the leads and signings made there; the effect counts only verified,
//! eligible stages and equals a hand count; another county sees the event but can neither change
//! it nor tie projects to it, and nobody ties another unit's project; bad input changes nothing;
//! a lead registered from the event page is tied to it; the export opens.

mod helpers;

use chrono::{Duration, NaiveDate, Utc};
use domain::event::Effect;
use domain::project::{Advance, ContractKind, FundsOrigin, FundsUse, ProjectKind, SourceChannel, Stage};
use helpers::*;
use reqwest::StatusCode;
use store::projects::{Checked, FundsInput, ProjectInput, SiteCheck};
use store::{Store, Who};

fn ago(days: i64) -> NaiveDate {
    Utc::now().date_naive() - Duration::days(days)
}

fn approve() -> SiteCheck {
    SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: Some(33_067_000), longitude_e6: Some(107_023_000) }
}

/// The bureau approves every stage change of a project still waiting for its site check.
async fn verify_stages(store: &Store, project_id: i64) {
    for item in store.project_timeline(project_id).await.unwrap() {
        if let (Some(key), Some(domain::project::Verification::Pending)) = (item.verify_ref, item.verification)
            && let Some(Checked::Stage(id)) = Checked::parse(&key)
        {
            store.verify(&Who::system("test"), Checked::Stage(id), &approve(), vec![]).await.unwrap();
        }
    }
}

/// A manufacturing project of `unit_code` by a 深圳 investor, moved to `stage`; its stages
/// verified when `verified`; `funds` (hundredths of 万元) in place, verified.
async fn project(store: &Store, name: &str, unit_code: &str, total: i64, stage: Stage, verified: bool, funds: i64) -> i64 {
    let who = Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who, &input, false).await.unwrap().id;
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: total,
        source_channel: Some(SourceChannel::Event),
        source_unit_id: unit,
        landing_unit_id: unit,
        contract_kind: (stage >= Stage::Signed).then_some(ContractKind::Contract),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, ago(100), None).await.unwrap();
    if stage > Stage::Lead {
        let dates = [(Stage::Negotiating, ago(90)), (Stage::Signed, ago(60)), (Stage::Started, ago(30))].into_iter().filter(|(s, _)| *s <= stage).collect();
        let files = [Stage::Signed, Stage::Started]
            .into_iter()
            .filter(|s| *s <= stage)
            .map(|s| (s, store::follow_ups::NewAttachment { file_name: format!("{}.pdf", s.label()), content_type: "application/pdf".into(), data: b"%PDF-1.7 evidence".to_vec() }))
            .collect();
        store.advance_project(&who, p.id, p.version, stage, &Advance { dates, files: Default::default(), reference: String::new() }, "", files).await.unwrap();
    }
    if verified {
        verify_stages(store, p.id).await;
    }
    if funds > 0 {
        let month = domain::project::parse_month(&ago(20).format("%Y-%m").to_string()).unwrap();
        let report = store.add_funds(&who, p.id, &FundsInput { month, amount_wan: funds, origin: FundsOrigin::OutOfProvince, use_kind: FundsUse::Fixed, note: String::new() }).await.unwrap();
        store.verify(&who, Checked::Funds(report.id), &approve(), vec![]).await.unwrap();
    }
    p.id
}

#[tokio::test]
async fn an_event_records_what_it_produced_and_only_its_organiser_changes_it() {
    let app = spawn_app().await;
    let store = &app.store;
    let nanzheng = store.unit_by_code("610703").await.unwrap().unwrap().id;
    // 南郑区's projects, 5亿 each unless said otherwise.
    let lead = project(store, "智能装备线索", "610703", 5_000_000, Stage::Lead, false, 0).await;
    let signed = project(store, "航空零部件基地", "610703", 5_000_000, Stage::Signed, true, 0).await;
    let pending = project(store, "新材料产业园", "610703", 5_000_000, Stage::Signed, false, 0).await;
    let started = project(store, "动力电池结构件", "610703", 8_000_000, Stage::Started, true, 30_000).await;
    let small = project(store, "小型加工厂", "610703", 10_000, Stage::Lead, false, 0).await;
    // 城固县's project: 南郑区 may not tie it to anything.
    let theirs = project(store, "食品加工园", "610722", 5_000_000, Stage::Lead, false, 0).await;
    assert!(!store.project(small).await.unwrap().eligible, "100 万元 is below the threshold");

    let officer = spawn_client(&app);
    officer.sign_in("officer-610703").await;
    assert!(officer.get_html("/").await.contains("href=\"/events\""), "the navigation has the events");

    // Bad input: the form again with the reason, nothing saved.
    let bad: &[(&[(&str, &str)], &str)] = &[
        (&[("name", " "), ("kind", "promotion"), ("city", "深圳"), ("start_on", "2026-03-01")], "请填写活动名称"),
        (&[("name", "深圳电子信息产业推介会"), ("kind", "promotion"), ("city", "深圳"), ("start_on", "2026-03-05"), ("end_on", "2026-03-01")], "结束日期 2026-03-01 早于开始日期 2026-03-05"),
        (&[("name", "深圳电子信息产业推介会"), ("kind", "promotion"), ("city", "深圳"), ("start_on", "2026-3-5号")], "「开始日期」应为 2026-11-27 这样的日期"),
        (&[("name", "深圳电子信息产业推介会"), ("kind", "party"), ("city", "深圳"), ("start_on", "2026-03-01")], "请选择活动类型"),
    ];
    for (fields, message) in bad {
        let mut fields = fields.to_vec();
        let unit = nanzheng.to_string();
        fields.extend([("organizer_unit_id", unit.as_str()), ("status", "planned")]);
        let response = officer.post_form("/events/new", "/events/new", &fields).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body = response.text().await.unwrap();
        assert!(body.contains(message), "{message}: {body}");
        assert!(body.contains("深圳") || message.contains("名称"), "what was typed is kept");
    }
    let unknown_unit = officer
        .post_form("/events/new", "/events/new", &[("name", "深圳推介会"), ("kind", "promotion"), ("city", "深圳"), ("start_on", "2026-03-01"), ("organizer_unit_id", "999999"), ("status", "planned")])
        .await;
    assert!(unknown_unit.text().await.unwrap().contains("所选主办单位（编号 999999）不存在或已停用"));
    assert!(store.list_events(&store::events::EventFilter::default()).await.unwrap().is_empty(), "nothing was saved");

    // The event, held last month in 深圳.
    let (start, end) = (ago(40), ago(39));
    let created = officer
        .post_form(
            "/events/new",
            "/events/new",
            &[("name", "深圳电子信息产业推介会"), ("kind", "promotion"), ("city", "深圳"), ("venue", "福田会展中心"), ("start_on", &start.to_string()), ("end_on", &end.to_string()), ("organizer_unit_id", &nanzheng.to_string()), ("status", "held"), ("summary", "推介南郑区航空和电子产业园")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let url = location(&created).split('?').next().unwrap().to_string();
    let event_id: i64 = url.trim_start_matches("/events/").parse().unwrap();
    assert!(app.audit("create", "ok").await.iter().any(|a| a.entity == "event" && a.entity_id == event_id.to_string()), "the creation is audited");

    // Participants: found by name, with a contact of our own; twice is refused; an unknown company too.
    let investor = store.project(signed).await.unwrap().enterprise_id;
    let contact = store
        .add_contact(&Who::system("test"), investor, nanzheng, &store::enterprises::NewContact { name: "周总".into(), title: "董事长".into(), phone: "13800000001".into(), wechat: String::new(), is_native: true, home_county: "610703".into(), note: String::new() })
        .await
        .unwrap();
    let search = officer.get_html(&format!("{url}?q=航空零部件")).await;
    assert!(search.contains("航空零部件基地有限公司") && search.contains("周总"), "search finds the company and its contact");
    let added = officer.post_form(&url, &format!("{url}/participants"), &[("enterprise_id", &investor.to_string()), ("contact_id", &contact.id.to_string()), ("note", "参加签约仪式")]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let second = store.project(lead).await.unwrap().enterprise_id;
    officer.post_form(&url, &format!("{url}/participants"), &[("enterprise_id", &second.to_string())]).await;
    let again = officer.post_form(&url, &format!("{url}/participants"), &[("enterprise_id", &investor.to_string()), ("contact_id", &contact.id.to_string())]).await;
    assert!(again.text().await.unwrap().contains("已在参会名单中"));
    let unknown = officer.post_form(&url, &format!("{url}/participants"), &[("enterprise_id", "999999")]).await;
    assert!(unknown.text().await.unwrap().contains("企业库中没有编号为 999999 的企业"));
    assert_eq!(store.event_detail(event_id, domain::access::Visibility::All).await.unwrap().participants.len(), 2);

    // Projects: leads made there, one signed there (and one both ways); an unknown code is refused.
    let code = |id: i64| async move { store.project(id).await.unwrap().code };
    for (id, relation) in [(lead, "lead"), (signed, "lead"), (signed, "signed"), (pending, "lead"), (started, "signed"), (small, "lead")] {
        let r = officer.post_form(&url, &format!("{url}/projects"), &[("project", &code(id).await), ("relation", relation)]).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "link {id} as {relation}");
    }
    let twice = officer.post_form(&url, &format!("{url}/projects"), &[("project", &code(lead).await), ("relation", "lead")]).await;
    assert!(twice.text().await.unwrap().contains("已作为「活动线索」关联到本活动"));
    let missing = officer.post_form(&url, &format!("{url}/projects"), &[("project", "XM2099-99999"), ("relation", "lead")]).await;
    assert!(missing.text().await.unwrap().contains("没有编号为「XM2099-99999」的项目"));

    // 南郑区 cannot tie 城固县's project, even to its own event: 403, audited, nothing tied.
    let denied = app.audit("write", "denied").await.len();
    let foreign = officer.post_form(&url, &format!("{url}/projects"), &[("project", &code(theirs).await), ("relation", "lead")]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let after = app.audit("write", "denied").await;
    assert_eq!(after.len(), denied + 1);
    assert_eq!((after[0].entity.as_str(), after[0].entity_id.clone()), ("project", theirs.to_string()));

    // The effect, by hand: five projects tied (the small one among them). Leads: the three
    // eligible ones tied as leads (智能装备, 航空零部件, 新材料); the small one fails eligibility and
    // 动力电池 was only signed there. Signed: 航空零部件 (verified) and 动力电池 (verified), both
    // signed there; 新材料's signing waits for its site check. Started: 动力电池. Funds: its 300万.
    let expected = Effect { projects: 5, leads: 3, signed: 2, signed_here: 2, signed_hundredths: 13_000_000, started: 1, funds_hundredths: 30_000 };
    let detail = store.event_detail(event_id, domain::access::Visibility::All).await.unwrap();
    assert_eq!(detail.effect, expected);
    let row = detail.projects.iter().find(|r| r.project.id == pending).unwrap();
    assert_eq!(row.contribution.signed, Err("尚未实地核查".into()));
    let page = officer.get_html(&url).await;
    assert!(page.contains("不计入：尚未实地核查") && page.contains("不计入：未通过认定") && page.contains("福田会展中心") && page.contains("周总（董事长）"), "{page}");
    assert!(page.contains("修改活动") && page.contains("登记活动线索"));

    // The list and its figures per kind agree.
    let list = officer.get_html("/events?year=all").await;
    assert!(list.contains("深圳电子信息产业推介会") && list.contains("推介会"));
    let rows = store.list_events(&store::events::EventFilter::default()).await.unwrap();
    let figures = store.event_figures(&rows).await.unwrap();
    assert_eq!(figures.len(), 2, "推介会 and the total");
    assert_eq!((figures[0].kind, figures[0].events, figures[0].participants, figures[0].effect), (Some(domain::event::EventKind::Promotion), 1, 2, expected));
    assert_eq!(figures[1].effect, expected);

    // The bureau approves 新材料's signing: now it counts.
    verify_stages(store, pending).await;
    let detail = store.event_detail(event_id, domain::access::Visibility::All).await.unwrap();
    assert_eq!(detail.effect, Effect { signed: 3, signed_hundredths: 18_000_000, ..expected });

    // 城固县 sees the event (promotion is public work) but cannot change it or tie to it.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    let seen = other.get_html(&url).await;
    assert!(seen.contains("深圳电子信息产业推介会") && !seen.contains("修改活动") && !seen.contains("关联为活动线索"));
    assert!(!seen.contains("周总"), "another unit's contact stays theirs");
    assert!(seen.contains("南郑区的项目"), "another unit's projects show without names");
    let token = csrf_in(&seen);
    let denied = app.audit("write", "denied").await.len();
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut fields = fields;
        fields.push(("csrf_token", token.clone()));
        other.client.post(other.url(&path)).form(&fields).send()
    };
    let edit = post(format!("{url}/edit"), vec![("name", "被改掉的名称".into()), ("kind", "promotion".into()), ("city", "深圳".into()), ("start_on", start.to_string()), ("organizer_unit_id", nanzheng.to_string()), ("status", "held".into()), ("version", "1".into())]).await.unwrap();
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);
    let link = post(format!("{url}/projects"), vec![("project", code(theirs).await), ("relation", "lead".into())]).await.unwrap();
    assert_eq!(link.status(), StatusCode::FORBIDDEN);
    let join = post(format!("{url}/participants"), vec![("enterprise_id", investor.to_string())]).await.unwrap();
    assert_eq!(join.status(), StatusCode::FORBIDDEN);
    let unlink = post(format!("{url}/projects/{}/delete", detail.projects[0].links[0].1), vec![]).await.unwrap();
    assert_eq!(unlink.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.get(&format!("{url}/edit")).await.status(), StatusCode::FORBIDDEN);
    let audited = app.audit("write", "denied").await;
    assert_eq!(audited.len(), denied + 5, "every attempt is audited");
    assert!(audited.iter().take(5).all(|a| a.entity == "event" && a.entity_id == event_id.to_string()));
    assert_eq!(other.get(&format!("/projects/new?event_id={event_id}")).await.status(), StatusCode::FORBIDDEN, "leads tie only to one's own events");
    let unchanged = store.event(event_id).await.unwrap();
    assert_eq!((unchanged.name.as_str(), unchanged.version), ("深圳电子信息产业推介会", 1));
    assert_eq!(store.event_detail(event_id, domain::access::Visibility::All).await.unwrap().effect.projects, 5);

    // A stale edit is refused and changes nothing; a fresh one is saved.
    let form_page = format!("{url}/edit");
    let fields = |name: &'static str, version: &'static str| {
        vec![("name", name.to_string()), ("kind", "promotion".into()), ("city", "深圳".into()), ("venue", "福田会展中心".into()), ("start_on", start.to_string()), ("end_on", end.to_string()), ("organizer_unit_id", nanzheng.to_string()), ("status", "held".into()), ("version", version.into())]
    };
    let stale = fields("深圳电子信息产业推介会（改）", "7");
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = officer.post_form(&form_page, &form_page, &stale).await;
    assert!(response.text().await.unwrap().contains("已被他人修改"));
    assert_eq!(store.event(event_id).await.unwrap().name, "深圳电子信息产业推介会");
    let fresh = fields("深圳电子信息产业推介会（第二场）", "1");
    let fresh: Vec<(&str, &str)> = fresh.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(officer.post_form(&form_page, &form_page, &fresh).await.status(), StatusCode::SEE_OTHER);
    let saved = store.event(event_id).await.unwrap();
    assert_eq!((saved.name.as_str(), saved.version), ("深圳电子信息产业推介会（第二场）", 2));

    // A lead registered from the event page: source channel 活动招商, tied to the event.
    let new_page = format!("/projects/new?event_id={event_id}&enterprise_id={second}");
    let form = officer.get_html(&new_page).await;
    assert!(form.contains("来自招商活动") && form.contains("value=\"event\" selected"));
    let created = officer
        .post_form(
            &new_page,
            "/projects/new",
            &[("name", "智能装备二期研发中心"), ("enterprise_id", &second.to_string()), ("event_id", &event_id.to_string()), ("kind", "new"), ("industry_code", "3841"), ("total_wan", "50000"), ("source_channel", "event"), ("source_unit_id", &nanzheng.to_string()), ("landing_unit_id", &nanzheng.to_string()), ("lead_on", &start.to_string()), ("confirm_duplicate", "1")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", created.text().await.unwrap_or_default());
    let project_url = location(&created).split('?').next().unwrap().to_string();
    let new_id: i64 = project_url.trim_start_matches("/projects/").parse().unwrap();
    assert_eq!(store.project(new_id).await.unwrap().source_channel, "event");
    assert_eq!(store.project_events(new_id).await.unwrap().len(), 1);
    let project_page = officer.get_html(&project_url).await;
    assert!(project_page.contains("深圳电子信息产业推介会（第二场）") && project_page.contains("活动线索"), "the project page names its event");
    assert!(officer.get_html(&format!("/projects/{signed}")).await.contains("现场签约"));
    assert_eq!(store.event_detail(event_id, domain::access::Visibility::All).await.unwrap().effect.leads, 4);

    // Taking a tie off is audited; the project stays.
    let tie = store.event_detail(event_id, domain::access::Visibility::All).await.unwrap().projects.iter().find(|r| r.project.id == small).unwrap().links[0].1;
    let removed = officer.post_form(&url, &format!("{url}/projects/{tie}/delete"), &[]).await;
    assert_eq!(removed.status(), StatusCode::SEE_OTHER);
    assert!(app.audit("delete", "ok").await.iter().any(|a| a.entity == "event_project" && a.entity_id == tie.to_string()));
    assert!(store.project(small).await.is_ok());

    // The export opens and holds the event with its figures.
    let xlsx = officer.get("/events/export.xlsx?year=all").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let table = office::xlsx::read_first_sheet(&xlsx.bytes().await.unwrap()).unwrap();
    let row = table.iter().find(|r| r.iter().any(|c| c == "深圳电子信息产业推介会（第二场）")).unwrap_or_else(|| panic!("{table:?}"));
    assert!(row.iter().any(|c| c == "南郑区") && row.iter().any(|c| c == "推介会") && row.iter().any(|c| c == "已举办"), "{row:?}");

    // Filters that make no sense are explained.
    assert_eq!(officer.get("/events?kind=party").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(officer.get("/events?year=1800").await.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
