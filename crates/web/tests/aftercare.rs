//! From signed to producing as promised, through the real pages: a county builds a signed
//! project's approvals checklist and raises a request for a blocked item in one step, the bureau's
//! board and the five rates show it, a landed company's commitments, results and evaluation, a
//! relocation signal that makes it high risk, a policy payment held to its conditions, and
//! everything another county may not see or do (403, audited, nothing changed).

mod helpers;

use chrono::{Datelike, Duration, Utc};
use domain::project::{Advance, ContractKind, ProjectKind, SourceChannel, Stage};
use helpers::*;
use reqwest::StatusCode;
use store::follow_ups::NewAttachment;
use store::projects::{Checked, ProjectInput, SiteCheck};
use store::{Store, Who};

/// A verified project of `unit_code` moved to `to` (签约, 开工 or 投产) with evidence.
async fn project_at(store: &Store, name: &str, unit_code: &str, to: Stage) -> store::entities::project::Model {
    project_with(store, name, "", unit_code, to).await
}

/// The same, confidential under `codename` when one is given.
async fn project_with(store: &Store, name: &str, codename: &str, unit_code: &str, to: Stage) -> store::entities::project::Model {
    let who = Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: format!("{name}有限公司"), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let enterprise_id = store.create_enterprise(&who, &input, false).await.unwrap().id;
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let today = Utc::now().date_naive();
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
        contract_kind: Some(ContractKind::Contract),
        confidential: !codename.is_empty(),
        codename: codename.into(),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, today - Duration::days(400), None).await.unwrap();
    let stages: Vec<(Stage, i64)> = [(Stage::Negotiating, 380), (Stage::Signed, 360), (Stage::Started, 300), (Stage::Operating, 200)].into_iter().filter(|(s, _)| *s <= to).collect();
    let advance = Advance {
        dates: stages.iter().map(|(s, ago)| (*s, today - Duration::days(*ago))).collect(),
        files: stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, 1)).collect(),
        reference: String::new(),
    };
    let files = stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, NewAttachment { file_name: format!("{}.pdf", s.label()), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() })).collect();
    let p = store.advance_project(&who, p.id, p.version, to, &advance, "推进", files).await.unwrap();
    for q in store.verification_queue(false, 500).await.unwrap().into_iter().filter(|q| q.project_id == p.id) {
        let check = SiteCheck { approve: true, note: "现场核实".into(), latitude_e6: None, longitude_e6: None };
        store.verify(&who, Checked::parse(&q.key).unwrap(), &check, vec![]).await.unwrap();
    }
    store.project(p.id).await.unwrap()
}

/// The value of the first input named `name`.
fn field<'a>(page: &'a str, name: &str) -> &'a str {
    let input = page.split(&format!("name=\"{name}\"")).nth(1).unwrap_or_default();
    input.split("value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default()
}

#[tokio::test]
async fn a_county_works_its_approvals_the_board_and_the_rates_show_them_and_another_county_may_not() {
    let app = spawn_app().await;
    let p = project_at(&app.store, "航空零部件精密制造", "610703", Stage::Signed).await;
    assert_eq!(p.signed_verification, "approved");
    let url = format!("/projects/{}/approvals", p.id);
    let today = Utc::now().date_naive();

    app.sign_in("officer-610703").await;
    assert!(app.get_html(&format!("/projects/{}", p.id)).await.contains(&format!("href=\"{url}\"")), "the project page links its approvals");
    let page = app.get_html(&url).await;
    assert!(page.contains("还没有前期手续清单"));
    let built = app.post_form(&url, &format!("{url}/checklist"), &[]).await;
    assert_eq!(built.status(), StatusCode::SEE_OTHER);
    let items = app.store.approval_items(p.id).await.unwrap();
    assert_eq!(items.len(), 9);
    let page = app.get_html(&url).await;
    for name in ["用地预审", "环境影响评价", "节能审查", "安全评价", "水土保持", "施工图审查", "施工许可"] {
        assert!(page.contains(name), "{name}");
    }

    // Done without its document: the message by the form, what was typed kept, nothing saved.
    let land = &items[0].item;
    let land_url = format!("{url}/items/{}", land.id);
    let version = land.version.to_string();
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id.to_string();
    let refused = app.post_form(&url, &land_url, &[("version", &version), ("status", "done"), ("done_on", "2026-01-05"), ("owner_unit_id", &nanzheng), ("note", "已报市局")]).await;
    assert_eq!(refused.status(), StatusCode::OK);
    let text = refused.text().await.unwrap();
    assert!(text.contains("已办结的手续请填写批复文件或文号"));
    assert!(text.contains("value=\"已报市局\""), "what was typed is kept");
    assert_eq!(app.store.approval_item(land.id).await.unwrap().version, land.version);
    let done = app.post_form(&url, &land_url, &[("version", &version), ("status", "done"), ("done_on", &(today - Duration::days(30)).to_string()), ("owner_unit_id", &nanzheng), ("document", "汉自然资预审〔2026〕8号")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.approval_item(land.id).await.unwrap().status, "done");

    // 环评 is stuck: one step raises a request owned by the chosen department.
    let eia = items.iter().find(|i| i.item.name == "环境影响评价").unwrap().item.clone();
    let department = app.store.units().await.unwrap().into_iter().find(|u| u.kind == "department").unwrap();
    let overdue = (today - Duration::days(3)).to_string();
    let eia_version = eia.version.to_string();
    let late = app.post_form(&url, &format!("{url}/items/{}", eia.id), &[("version", &eia_version), ("status", "in_progress"), ("due_on", &overdue), ("owner_unit_id", &department.id.to_string())]).await;
    assert_eq!(late.status(), StatusCode::SEE_OTHER);
    let deadline = (today + Duration::days(10)).to_string();
    // No unit chosen: the item's own department owns the request.
    let raised = app.post_form(&url, &format!("{url}/items/{}/request", eia.id), &[("text", "专家评审迟迟未安排"), ("owner_unit_id", ""), ("deadline", &deadline)]).await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let eia = app.store.approval_item(eia.id).await.unwrap();
    let request = app.store.request(eia.request_id.expect("the item links its request")).await.unwrap();
    assert_eq!((request.owner_unit_id, request.project_id, eia.status.as_str()), (department.id, Some(p.id), "in_progress"));
    assert!(app.get_html(&format!("/projects/{}", p.id)).await.contains("【前期手续·环境影响评价】专家评审迟迟未安排"), "the request shows on the project");

    // The filing: a malformed code is explained; a good one is kept in standard form.
    let filing_url = format!("{url}/filing");
    let bad = app.post_form(&url, &filing_url, &[("national_code", "2403-610703-04-01-12345"), ("authority", "南郑区发改局")]).await;
    assert_eq!(bad.status(), StatusCode::OK);
    let text = bad.text().await.unwrap();
    assert!(text.contains("项目代码第 5 段「12345」（流水号）应为 6 位数字"));
    assert!(text.contains("value=\"南郑区发改局\""));
    let good = app.post_form(&url, &filing_url, &[("national_code", "24036107030401000123"), ("filing_kind", "record"), ("authority", "南郑区发改局"), ("approved_on", "2024-03-20")]).await;
    assert_eq!(good.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.filing(p.id).await.unwrap().unwrap().national_code, "2403-610703-04-01-000123");

    // The bureau's board names what holds the project up and who owns it.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let board = bureau.get_html("/approvals").await;
    assert!(board.contains("航空零部件精密制造") && board.contains("1/9") && board.contains("环境影响评价（办理中，计划") && board.contains("已逾期 3 天"), "{board}");
    assert!(board.contains(&format!("<td data-label=\"责任单位\">{}</td>", department.name)), "{board}");

    // Another county: no page, no change, every denial audited.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    assert_eq!(other.get(&url).await.status(), StatusCode::FORBIDDEN);
    assert!(!other.get_html("/approvals").await.contains("航空零部件精密制造"));
    let denied_before = app.audit("write", "denied").await.len();
    let eia_version = eia.version.to_string();
    for (path, fields) in [
        (format!("{url}/checklist"), vec![]),
        (format!("{url}/items"), vec![("name", "消防设计审查")]),
        (format!("{url}/items/{}", eia.id), vec![("version", eia_version.as_str()), ("status", "not_applicable")]),
        (format!("{url}/items/{}/request", eia.id), vec![("text", "x"), ("deadline", deadline.as_str())]),
        (filing_url.clone(), vec![("national_code", "")]),
    ] {
        let response = other.post_form("/", &path, &fields).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let denials = app.audit("write", "denied").await;
    assert_eq!(denials.len(), denied_before + 5);
    assert!(denials.iter().take(5).all(|d| d.entity == "project" && d.entity_id == p.id.to_string()));
    assert_eq!(app.store.approval_item(eia.id).await.unwrap().version, eia.version, "nothing changed");
    assert_eq!(app.store.approval_items(p.id).await.unwrap().len(), 9);
    assert_eq!(app.store.filing(p.id).await.unwrap().unwrap().national_code, "2403-610703-04-01-000123");

    // The five rates: the bureau drills into 南郑区's landing rate down to the project; the other
    // county sees only its own row and may not open 南郑区's records.
    let from = format!("{}-01-01", today.year() - 1);
    let rates = bureau.get_html(&format!("/rates?from={from}&to={today}")).await;
    assert!(rates.contains("南郑区") && rates.contains("城固县") && rates.contains("招商引资落地率"));
    let detail = bureau.get_html(&format!("/rates?from={from}&to={today}&rate=landing&unit={nanzheng}")).await;
    assert!(detail.contains("统计期内签约（经核查）的项目中") && detail.contains(&p.code) && detail.contains("0.00 个 ÷ 1.00 个 = 0.0%"), "{detail}");
    let approvals_rate = bureau.get_html(&format!("/rates?from={from}&to={today}&rate=approvals&unit={nanzheng}")).await;
    assert!(approvals_rate.contains("卡在：环境影响评价"), "{approvals_rate}");
    let export = bureau.get(&format!("/rates.xlsx?from={from}&to={today}")).await;
    assert_eq!(export.status(), StatusCode::OK);
    let sheet = office::xlsx::read_first_sheet(&export.bytes().await.unwrap()).unwrap();
    let flat: Vec<String> = sheet.into_iter().flatten().collect();
    assert!(flat.iter().any(|c| c == "全市") && flat.iter().any(|c| c == "南郑区") && flat.iter().any(|c| c == "招商引资落地率（%）"), "{flat:?}");
    let own = other.get_html(&format!("/rates?from={from}&to={today}")).await;
    assert!(own.contains("城固县") && !own.contains("<td data-label=\"单位\">南郑区</td>"));
    assert_eq!(other.get(&format!("/rates?rate=landing&unit={nanzheng}")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(other.get("/rates?rate=landing&unit=city").await.status(), StatusCode::FORBIDDEN);
    assert!(app.audit("read", "denied").await.iter().any(|d| d.entity == "five_rates"));
}

#[tokio::test]
async fn a_landed_company_shows_what_it_promised_what_it_delivers_and_whether_it_needs_help() {
    let app = spawn_app().await;
    let p = project_at(&app.store, "新材料产业园", "610703", Stage::Operating).await;
    assert_eq!((p.stage.as_str(), p.operating_verification.as_str()), ("operating", "approved"));
    let perf = format!("/projects/{}/performance", p.id);
    let last_year = (Utc::now().date_naive().year() - 1).to_string();

    app.sign_in("officer-610703").await;
    let page = app.get_html(&perf).await;
    assert!(page.contains("还没有填写承诺指标"));
    assert_eq!(field(&page, "investment"), "50000", "the form starts from the project's plan");
    let bad = app.post_form(&perf, &format!("{perf}/commitment"), &[("investment", "50000"), ("tax", "1000"), ("land_mu", "八十")]).await;
    assert_eq!(bad.status(), StatusCode::OK);
    assert!(bad.text().await.unwrap().contains("「用地面积」应为数字"));
    let saved = app.post_form(&perf, &format!("{perf}/commitment"), &[("investment", "50000"), ("fixed", "40000"), ("output", "80000"), ("tax", "1000"), ("jobs", "300"), ("land_mu", "80")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let page = app.get_html(&perf).await;
    assert!(page.contains("500.00 万元/亩") && page.contains("12.50 万元/亩"), "亩均投资 and 亩均税收 of the commitment");
    let reported = app.post_form(&perf, &format!("{perf}/results"), &[("year", &last_year), ("investment", "50000"), ("fixed", "40000"), ("output", "60000"), ("tax", "300"), ("jobs", "280")]).await;
    assert_eq!(reported.status(), StatusCode::SEE_OTHER);
    let reviewed = app.post_form(&perf, &format!("{perf}/reviews"), &[("year", &last_year), ("note", "约谈企业")]).await;
    assert_eq!(reviewed.status(), StatusCode::SEE_OTHER);
    let page = app.get_html(&perf).await;
    assert!(page.contains("3 项未达承诺") && page.contains("30.0%") && page.contains("未达效") && page.contains("最低一项完成 30.0%，低于 80%，评为未达效"), "{page}");

    // A visit finds the company weighing a move: it becomes high risk, with the reasons.
    let company = format!("/aftercare/{}", p.enterprise_id);
    let signal = app.post_form(&company, &format!("{company}/signals"), &[("signal", "relocating"), ("note", "成都给出更低电价")]).await;
    assert_eq!(signal.status(), StatusCode::SEE_OTHER);
    let list = app.get_html("/aftercare").await;
    assert!(list.contains("新材料产业园有限公司") && list.contains("高风险") && list.contains("有外迁意向：成都给出更低电价"), "{list}");
    assert!(list.contains("年税收：承诺 1,000 万元，实际 300 万元，完成 30.0%"));
    let page = app.get_html(&company).await;
    assert!(page.contains("承诺与实绩") && page.contains("年税收 30.0%") && page.contains("企业动态"));

    // The policy package: promised, reviewed by the bureau, tied to tax, paid only when met.
    let added = app.post_form(&format!("/projects/{}", p.id), &format!("/projects/{}/policy", p.id), &[("title", "税收贡献奖励"), ("amount", "1000")]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let item = app.store.policy_items(p.id).await.unwrap()[0].clone();
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let passed = bureau.post_form(&format!("/projects/{}", p.id), &format!("/projects/{}/policy/{}/review", p.id, item.id), &[("review", "passed")]).await;
    assert_eq!(passed.status(), StatusCode::SEE_OTHER);
    let policies = format!("/projects/{}/policies", p.id);
    let condition = app.post_form(&policies, &format!("{policies}/{}/conditions", item.id), &[("indicator", "tax"), ("threshold", "500")]).await;
    assert_eq!(condition.status(), StatusCode::SEE_OTHER);
    let today = Utc::now().date_naive().to_string();
    let refused = app.post_form(&policies, &format!("{policies}/{}/payments", item.id), &[("paid_on", &today), ("amount", "400"), ("document", "汉财〔2026〕3号")]).await;
    assert_eq!(refused.status(), StatusCode::OK);
    let text = refused.text().await.unwrap();
    assert!(text.contains(&format!("兑现条件未达成：年税收 ≥ 500 万元：{last_year} 年实际 300 万元，未达成")), "{text}");
    assert!(text.contains("value=\"汉财〔2026〕3号\""));
    app.post_form(&perf, &format!("{perf}/results"), &[("year", &last_year), ("tax", "620")]).await;
    let paid = app.post_form(&policies, &format!("{policies}/{}/payments", item.id), &[("paid_on", &today), ("amount", "400"), ("document", "汉财〔2026〕3号")]).await;
    assert_eq!(paid.status(), StatusCode::SEE_OTHER);
    let list = bureau.get_html("/policies").await;
    assert!(list.contains("新材料产业园") && list.contains("1,000") && list.contains("400"));

    // Another county sees none of it and changes nothing.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    for path in [company.clone(), perf.clone(), policies.clone()] {
        assert_eq!(other.get(&path).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert!(!other.get_html("/aftercare?view=all").await.contains("新材料产业园有限公司"));
    assert!(!other.get_html("/policies").await.contains("新材料产业园"));
    let denied_before = app.audit("write", "denied").await.len();
    for (path, fields) in [
        (format!("{company}/signals"), vec![("signal", "stable"), ("note", "")]),
        (format!("{perf}/commitment"), vec![("tax", "1")]),
        (format!("{perf}/results"), vec![("year", last_year.as_str()), ("tax", "1")]),
        (format!("{perf}/reviews"), vec![("year", last_year.as_str())]),
        (format!("{policies}/{}/payments", item.id), vec![("paid_on", today.as_str()), ("amount", "1")]),
        (format!("{policies}/{}/conditions", item.id), vec![("indicator", "tax"), ("threshold", "1")]),
    ] {
        assert_eq!(other.post_form("/", &path, &fields).await.status(), StatusCode::FORBIDDEN, "{path}");
    }
    assert_eq!(app.audit("write", "denied").await.len(), denied_before + 6);
    assert_eq!(app.store.signals(p.enterprise_id, 10).await.unwrap().len(), 1);
    assert_eq!(app.store.policy_delivery(p.id).await.unwrap()[0].payments.len(), 1);
    assert_eq!(app.store.performance(p.id).await.unwrap().years[0].result.tax_wan, Some(620_00));
    // Only the bureau sets the risk thresholds.
    assert_eq!(other.post_form("/", "/aftercare/rules", &[("no_visit_days", "1"), ("request_high_days", "1"), ("signal_days", "1")]).await.status(), StatusCode::FORBIDDEN);
    let rules = bureau.post_form("/aftercare", "/aftercare/rules", &[("no_visit_days", "60"), ("request_high_days", "20"), ("signal_days", "365")]).await;
    assert_eq!(rules.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.risk_rules().await.unwrap().no_visit_days, 60);
}

#[tokio::test]
async fn a_confidential_company_shows_by_its_codename_outside_its_units_and_the_bureau() {
    let app = spawn_app().await;
    let p = project_with(&app.store, "稀土永磁电机", "X-07", "610703", Stage::Started).await;
    add_user(&app.store, "leader", "610700", vec![domain::Role::Leader]).await;
    let leader = spawn_client(&app);
    leader.sign_in("leader").await;
    let list = leader.get_html("/aftercare?view=all").await;
    assert!(list.contains("X-07（保密项目）") && !list.contains("稀土永磁电机有限公司"), "{list}");
    let page = leader.get_html(&format!("/aftercare/{}", p.enterprise_id)).await;
    assert!(page.contains("X-07（保密项目）") && !page.contains("稀土永磁电机有限公司"));
    assert!(!page.contains("记企业动态"), "a leader reads only");
    assert_eq!(leader.post_form("/", &format!("/aftercare/{}/signals", p.enterprise_id), &[("signal", "stable")]).await.status(), StatusCode::FORBIDDEN);
    app.sign_in("bureau").await;
    assert!(app.get_html("/aftercare?view=all").await.contains("稀土永磁电机有限公司"));
}
