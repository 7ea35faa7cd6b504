//! Projects through the real pages: a lead moved to 签约 with a contract and verified by the
//! bureau from a phone, the figures that change only then, a duplicate from another unit caught
//! and shared, the conflict page of a second save, and everything another unit may not do.

mod helpers;

use domain::Role;
use domain::project::{ProjectKind, SourceChannel};
use helpers::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use store::projects::ProjectInput;
use store::{Store, Who};

const PDF: &[u8] = b"%PDF-1.7\n% contract\n";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00";

async fn company(store: &Store, name: &str) -> i64 {
    let input = store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

async fn first_chain(store: &Store) -> i64 {
    store.profile_tree().await.unwrap()[0].chains[0].chain.id
}

/// A lead of `unit_code` made directly in the store (the setting of a test, not its subject).
async fn project_of(store: &Store, enterprise_id: i64, unit_code: &str) -> i64 {
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap().id;
    let input = ProjectInput {
        name: "锂电池结构件生产基地".into(),
        enterprise_id,
        chain_id: Some(first_chain(store).await),
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 5_000_000,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        ..Default::default()
    };
    store.create_project(&Who::system("test"), &input, chrono::Utc::now().date_naive() - chrono::Duration::days(60), None).await.unwrap().id
}

fn today() -> String {
    chrono::Utc::now().date_naive().to_string()
}

fn days_ago(n: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(n)).to_string()
}

/// Posts the advance form as a phone does: multipart, CSRF token in the action URL.
async fn advance(app: &Browser, id: i64, to: &str, dates: &[(&str, String)], file: Option<(&str, &[u8])>) -> reqwest::Response {
    let page = app.get(&format!("/projects/{id}")).await.text().await.unwrap();
    let token = if page.contains("csrf_token") { csrf_in(&page) } else { csrf_in(&app.get_html("/").await) };
    let version = page.split("name=\"version\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or("1").to_string();
    let mut form = Form::new().text("version", version).text("to", to.to_string()).text("note", "附合同");
    for (stage, date) in dates {
        form = form.text(format!("date_{stage}"), date.clone());
    }
    if let Some((name, bytes)) = file {
        form = form.part(format!("files_{to}"), Part::bytes(bytes.to_vec()).file_name(name.to_string()));
    }
    app.client.post(app.url(&format!("/projects/{id}/advance?csrf_token={token}"))).multipart(form).send().await.unwrap()
}

/// The edit form's fields as the page renders them, with some replaced.
async fn edit_fields(app: &Browser, id: i64, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let page = app.get_html(&format!("/projects/{id}/edit")).await;
    let value_of = |name: &str| -> String {
        let marker = format!("name=\"{name}\" value=\"");
        page.split(&marker).nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string()
    };
    let selected_of = |name: &str| -> String {
        let start = page.find(&format!("name=\"{name}\"")).unwrap_or(0);
        let select = &page[start..];
        let end = select.find("</select>").unwrap_or(select.len());
        select[..end].split("<option value=\"").filter(|o| o.contains("\" selected")).next().and_then(|o| o.split('"').next()).unwrap_or_default().to_string()
    };
    let mut fields: Vec<(String, String)> = ["name", "enterprise_id", "industry_code", "total_wan", "fixed_wan", "version", "codename", "contract_wan"].iter().map(|k| (k.to_string(), value_of(k))).collect();
    fields.extend(["kind", "chain_id", "source_channel", "source_unit_id", "landing_unit_id", "owner_user_id", "contract_kind"].iter().map(|k| (k.to_string(), selected_of(k))));
    fields.push(("csrf_token".into(), csrf_in(&page)));
    for (k, v) in changes {
        fields.retain(|(name, _)| name != k);
        fields.push((k.to_string(), v.to_string()));
    }
    fields
}

#[tokio::test]
async fn a_lead_is_signed_with_its_contract_and_counts_once_the_bureau_checks_it_on_site() {
    let app = spawn_app().await;
    let investor = company(&app.store, "深圳市锂安电池部件有限公司").await;
    let chenggu = spawn_client(&app);
    chenggu.sign_in("officer-610722").await;

    // The lead, through the form.
    let form_page = chenggu.get_html(&format!("/projects/new?enterprise_id={investor}")).await;
    assert!(form_page.contains("深圳市锂安电池部件有限公司"));
    let unit = app.store.unit_by_code("610722").await.unwrap().unwrap().id.to_string();
    let created = chenggu
        .post_form(
            &format!("/projects/new?enterprise_id={investor}"),
            "/projects/new",
            &[("name", "锂安电池结构件生产基地"), ("enterprise_id", &investor.to_string()), ("kind", "new"), ("industry_code", "3841"), ("total_wan", "5亿"), ("fixed_wan", "40000"), ("source_channel", "native"), ("source_unit_id", &unit), ("landing_unit_id", &unit), ("lead_on", &days_ago(90)), ("contract_kind", "contract")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER, "{}", created.text().await.unwrap());
    let id: i64 = location(&created).trim_start_matches("/projects/").split('?').next().unwrap().parse().unwrap();
    let project = app.store.project(id).await.unwrap();
    assert_eq!((project.total_wan, project.stage.as_str(), project.eligible), (5_000_000, "lead", true));

    // Signing without the contract is refused with the reason; with it, it waits for the check.
    let refused = advance(&chenggu, id, "signed", &[("negotiating", days_ago(60)), ("signed", days_ago(30))], None).await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert!(refused.text().await.unwrap().contains("签约须上传合同或协议文本"));
    let signed = advance(&chenggu, id, "signed", &[("negotiating", days_ago(60)), ("signed", days_ago(30))], Some(("投资合同.pdf", PDF))).await;
    assert_eq!(signed.status(), StatusCode::SEE_OTHER);
    let page = chenggu.get_html(&format!("/projects/{id}")).await;
    assert!(page.contains("待核查") && page.contains("投资合同.pdf"));
    assert!(chenggu.get_html("/projects").await.contains("核查认定计入 0 个"), "not counted before the check");

    // The bureau, on a phone at the site: the queue, the claim with its contract, photo and place.
    app.sign_in("bureau").await;
    let queue = app.get_html("/verifications").await;
    assert!(queue.contains("锂安电池结构件生产基地"));
    let key = queue.split("href=\"/verifications/").nth(1).and_then(|s| s.split('"').next()).expect("a check link").to_string();
    let check_page = app.get_html(&format!("/verifications/{key}")).await;
    assert!(check_page.contains("投资合同.pdf") && check_page.contains("capture=\"environment\""));
    let token = csrf_in(&check_page);
    let form = Form::new()
        .text("result", "approve")
        .text("note", "合同原件与现场一致，已平整场地")
        .text("latitude", "33.157200")
        .text("longitude", "107.328100")
        .part("files", Part::bytes(JPEG.to_vec()).file_name("现场.jpg"));
    let done = app.client.post(app.url(&format!("/verifications/{key}?csrf_token={token}"))).multipart(form).send().await.unwrap();
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    assert!(location(&done).starts_with("/verifications?done=verified"));
    let project = app.store.project(id).await.unwrap();
    assert_eq!(project.signed_verification, "approved");
    assert!(chenggu.get_html("/projects").await.contains("核查认定计入 1 个 / 50,000 万元"));
    let page = chenggu.get_html(&format!("/projects/{id}")).await;
    assert!(page.contains("实地核查：核查通过") && page.contains("33.15720, 107.32810") && page.contains("现场.jpg"));

    // The contract goes to the project's units and the bureau, not to another unit.
    let file = page.split("href=\"/project-files/").nth(1).and_then(|s| s.split('"').next()).unwrap().to_string();
    assert_eq!(chenggu.get(&format!("/project-files/{file}")).await.status(), StatusCode::OK);
    let other = spawn_client(&app);
    other.sign_in("officer-610703").await;
    assert_eq!(other.get(&format!("/project-files/{file}")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn another_unit_cannot_read_change_advance_verify_or_export_a_project() {
    let app = spawn_app().await;
    let investor = company(&app.store, "苏州华瑞电池科技有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    let before = app.store.project(id).await.unwrap();
    app.sign_in("officer-610703").await;
    let token = csrf_in(&app.get_html("/").await);
    let post = |path: String, fields: Vec<(&'static str, String)>| {
        let mut body = fields;
        body.push(("csrf_token", token.clone()));
        app.client.post(app.url(&path)).form(&body).send()
    };

    assert_eq!(app.get(&format!("/projects/{id}")).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/projects/{id}/edit")).await.status(), StatusCode::FORBIDDEN);
    let edit = post(format!("/projects/{id}/edit"), vec![("version", "1".into()), ("name", "改名".into())]).await.unwrap();
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);
    let moved = advance(&app, id, "negotiating", &[("negotiating", today())], None).await;
    assert_eq!(moved.status(), StatusCode::FORBIDDEN);
    for (path, fields) in [
        (format!("/projects/{id}/state"), vec![("version", "1".to_string()), ("to", "dropped".to_string()), ("reason", "x".to_string())]),
        (format!("/projects/{id}/funds"), vec![("month", "2026-11".into()), ("amount", "100".into()), ("origin", "in_city".into()), ("use_kind", "fixed".into())]),
        (format!("/projects/{id}/team"), vec![("user_id", app.user_id("officer-610703").await.to_string())]),
        (format!("/projects/{id}/policy"), vec![("title", "减免".into())]),
        ("/requests".to_string(), vec![("project_id", id.to_string()), ("category", "land".into()), ("text", "x".into()), ("owner_unit_id", "1".into()), ("deadline", today())]),
        // The bureau's powers: decide duplicates, shares, verify.
        (format!("/projects/{id}/shares"), vec![]),
        (format!("/projects/{id}/duplicate"), vec![("decision", "keep_both".into())]),
    ] {
        let response = post(path.clone(), fields).await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "POST {path}");
    }
    // The site check is the bureau's alone.
    assert_eq!(app.get("/verifications").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get("/verifications/stage-1").await.status(), StatusCode::FORBIDDEN);
    // Lists and exports leave it out; a lead cannot be registered for another unit.
    assert!(!app.get_html("/projects").await.contains("华瑞电池"));
    assert!(!app.get_html("/projects/board").await.contains("华瑞电池"));
    let export = app.get("/projects/export.xlsx").await;
    assert_eq!(export.status(), StatusCode::OK);
    let sheet = office::xlsx::read_first_sheet(&export.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.len(), 2, "title and header only: {sheet:?}");
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id.to_string();
    let foreign = post(
        "/projects/new".into(),
        vec![("name", "冒名项目".into()), ("enterprise_id", investor.to_string()), ("kind", "new".into()), ("source_channel", "office".into()), ("source_unit_id", chenggu.clone()), ("landing_unit_id", chenggu)],
    )
    .await
    .unwrap();
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);

    // Nothing changed, and every denial is in the audit log.
    let after = app.store.project(id).await.unwrap();
    assert_eq!((after.version, after.name, after.state), (before.version, before.name, before.state));
    let mut denials = 0;
    for action in ["read", "write", "create", "adjudicate", "verify"] {
        denials += app.audit(action, "denied").await.len();
    }
    assert!(denials >= 12, "{denials} denials audited");
}

#[tokio::test]
async fn a_duplicate_lead_from_the_shenzhen_office_is_caught_and_the_bureau_shares_the_credit() {
    let app = spawn_app().await;
    add_user(&app.store, "officer-sz", "sz", vec![Role::Officer]).await;
    let investor = company(&app.store, "深圳市锂安电池部件有限公司").await;
    let chenggu_project = project_of(&app.store, investor, "610722").await;
    let sz = app.store.unit_by_code("sz").await.unwrap().unwrap().id.to_string();
    let chain = first_chain(&app.store).await.to_string();
    app.sign_in("officer-sz").await;
    let fields = |confirm: bool| {
        let mut f = vec![
            ("name", "锂安电池部件项目".to_string()),
            ("enterprise_id", investor.to_string()),
            ("kind", "new".into()),
            ("chain_id", chain.clone()),
            ("industry_code", "3841".into()),
            ("total_wan", "50000".into()),
            ("source_channel", "native".into()),
            ("source_unit_id", sz.clone()),
            ("landing_unit_id", sz.clone()),
        ];
        if confirm {
            f.push(("confirm_duplicate", "1".into()));
        }
        f
    };
    let form_page = format!("/projects/new?enterprise_id={investor}");
    let owned = |v: Vec<(&'static str, String)>| v;
    let warn = {
        let f = owned(fields(false));
        let body: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&form_page, "/projects/new", &body).await
    };
    assert_eq!(warn.status(), StatusCode::OK);
    let html = warn.text().await.unwrap();
    assert!(html.contains("可能与其他单位的项目重复") && html.contains("城固县"), "the warning names the unit");
    let (_, total) = app.store.list_projects(domain::access::Visibility::All, &Default::default(), true).await.unwrap();
    assert_eq!(total, 1, "nothing saved before the officer confirms");
    let saved = {
        let f = owned(fields(true));
        let body: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
        app.post_form(&form_page, "/projects/new", &body).await
    };
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&saved).trim_start_matches("/projects/").split('?').next().unwrap().parse().unwrap();
    let page = app.get_html(&format!("/projects/{id}")).await;
    assert!(page.contains("疑似重复") && page.contains("判定之前本项目不计入任何统计"));

    // The bureau keeps 城固县's and credits the office 30 %; a split that is not 100 % is refused.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id.to_string();
    let decide = |a: &'static str, b: &'static str| {
        let (chenggu, sz) = (chenggu.clone(), sz.clone());
        let (bureau, store) = (&bureau, &app.store);
        async move {
            let version = store.project(id).await.unwrap().version.to_string();
            bureau
                .post_form(
                    &format!("/projects/{id}"),
                    &format!("/projects/{id}/duplicate"),
                    &[("version", &version), ("decision", "share"), ("share_unit", &chenggu), ("share_percent", a), ("share_unit", &sz), ("share_percent", b), ("share_unit", ""), ("share_percent", "")],
                )
                .await
        }
    };
    let wrong = decide("70", "20").await;
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(wrong.text().await.unwrap().contains("分成比例合计 90%，应为 100%"));
    let right = decide("70", "30").await;
    assert_eq!(right.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.project(id).await.unwrap().duplicate, "merged");
    let shares = app.store.credit_shares(chenggu_project).await.unwrap();
    assert_eq!(shares.iter().map(|s| s.2).sum::<i32>(), 100);
    // The office now sees 城固县's project with its share.
    let office_view = app.get_html(&format!("/projects/{chenggu_project}")).await;
    assert!(office_view.contains("飞地分成") && office_view.contains("30%"));
}

#[tokio::test]
async fn the_second_of_two_saves_gets_a_conflict_showing_what_changed() {
    let app = spawn_app().await;
    let investor = company(&app.store, "汉江新材料有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    let first = spawn_client(&app);
    first.sign_in("officer-610722").await;
    let second = spawn_client(&app);
    second.sign_in("officer-610722").await;
    // Both open the form at the same version.
    let a = edit_fields(&first, id, &[("total_wan", "60000")]).await;
    let b = edit_fields(&second, id, &[("note", "第二位的备注")]).await;
    let saved = first.client.post(first.url(&format!("/projects/{id}/edit"))).form(&a).send().await.unwrap();
    assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{}", saved.text().await.unwrap());
    let conflict = second.client.post(second.url(&format!("/projects/{id}/edit"))).form(&b).send().await.unwrap();
    assert_eq!(conflict.status(), StatusCode::OK);
    let html = conflict.text().await.unwrap();
    assert!(html.contains("已被他人修改") && html.contains("别人做了这些修改"), "{html}");
    assert!(html.contains("总投资（万元）：50,000 → 60,000"), "the change is shown");
    assert!(html.contains("第二位的备注"), "what the second officer typed is kept in the form");
    let project = app.store.project(id).await.unwrap();
    assert_eq!((project.total_wan, project.note.as_str()), (6_000_000, ""), "nothing was overwritten");
}

#[tokio::test]
async fn bad_input_is_explained_in_chinese_and_changes_nothing() {
    let app = spawn_app().await;
    let investor = company(&app.store, "宝鸡精工有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    app.sign_in("officer-610722").await;
    let bad_filter = app.get("/projects?stage=flying").await;
    assert_eq!(bad_filter.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_filter.text().await.unwrap().contains("未知的阶段「flying」"));
    assert_eq!(app.get("/projects/abc").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/projects/999999").await.status(), StatusCode::NOT_FOUND);
    let fields = edit_fields(&app, id, &[("total_wan", "很多"), ("name", "")]).await;
    let response = app.client.post(app.url(&format!("/projects/{id}/edit"))).form(&fields).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.text().await.unwrap().contains("「总投资」"));
    let future = advance(&app, id, "negotiating", &[("negotiating", (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string())], None).await;
    assert!(future.text().await.unwrap().contains("晚于今天"));
    let funds = app.post_form(&format!("/projects/{id}"), &format!("/projects/{id}/funds"), &[("month", "2026-13"), ("amount", "100"), ("origin", "in_city"), ("use_kind", "fixed")]).await;
    assert!(funds.text().await.unwrap().contains("月份「2026-13」应写成 2026-11 的形式"));
    let project = app.store.project(id).await.unwrap();
    assert_eq!((project.version, project.stage.as_str(), project.total_wan), (1, "lead", 5_000_000));
}

#[tokio::test]
async fn a_target_becomes_a_lead_and_follow_ups_reach_the_project_timeline() {
    let app = spawn_app().await;
    let investor = company(&app.store, "秦岭航空零部件有限公司").await;
    let unit = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let target = app
        .store
        .create_target(&Who::system("test"), &store::targets::NewTarget { enterprise_id: investor, owner_unit_id: unit, owner_user_id: None, priority: domain::target::Priority::A, source: String::new(), note: String::new(), link_ids: vec![] })
        .await
        .unwrap();
    app.sign_in("officer-610703").await;
    assert!(app.get_html(&format!("/targets/{}", target.id)).await.contains("转为项目线索"));
    let form = app.get_html(&format!("/projects/new?target_id={}", target.id)).await;
    assert!(form.contains(&format!("name=\"target_id\" value=\"{}\"", target.id)));
    let created = app
        .post_form(
            &format!("/projects/new?target_id={}", target.id),
            "/projects/new",
            &[("name", "航空零部件配套项目"), ("enterprise_id", &investor.to_string()), ("target_id", &target.id.to_string()), ("kind", "new"), ("source_channel", "chain_leader"), ("source_unit_id", &unit.to_string()), ("landing_unit_id", &unit.to_string()), ("total_wan", "8000")],
        )
        .await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let id: i64 = location(&created).trim_start_matches("/projects/").split('?').next().unwrap().parse().unwrap();
    assert_eq!(app.store.target(target.id).await.unwrap().status, "converted");

    // A visit logged from the project page lands on its timeline.
    let page = app.get_html(&format!("/followups/new?enterprise_id={investor}&project_id={id}")).await;
    let token = csrf_in(&page);
    let form = Form::new().text("enterprise_id", investor.to_string()).text("project_id", id.to_string()).text("kind", "visit").text("summary", "企业确认二季度上会").text("client_key", "project-visit-0001");
    let logged = app.client.post(app.url(&format!("/followups/new?csrf_token={token}"))).multipart(form).send().await.unwrap();
    assert_eq!(location(&logged), format!("/projects/{id}?done=followup"));
    assert!(app.get_html(&format!("/projects/{id}")).await.contains("企业确认二季度上会"));
}

#[tokio::test]
async fn overdue_requests_and_red_projects_surface_to_the_owner_unit_and_the_bureau() {
    let app = spawn_app().await;
    let investor = company(&app.store, "汉中电子封测有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let new = store::services::NewRequest {
        project_id: Some(id),
        enterprise_id: investor,
        category: domain::project::RequestCategory::Utilities,
        text: "10 千伏双回路供电接入".into(),
        owner_unit_id: chenggu,
        deadline: chrono::Utc::now().date_naive(),
    };
    let r = app.store.create_request(&Who::system("test"), chenggu, &new).await.unwrap();
    let past = chrono::Utc::now().date_naive() - chrono::Duration::days(14);
    app.db.backdate_request(r.id, past).await;
    app.store.refresh_projects(chrono::Utc::now().date_naive()).await.unwrap();

    let owner = spawn_client(&app);
    owner.sign_in("officer-610722").await;
    let home = owner.get_html("/").await;
    assert!(home.contains("1 条企业诉求已超过办理期限") && home.contains("1 个项目体检为红色预警"), "{home}");
    let list = owner.get_html("/requests?overdue=1").await;
    assert!(list.contains("逾期 14 天"));
    app.sign_in("bureau").await;
    assert!(app.get_html("/").await.contains("1 条企业诉求已超过办理期限"));
    // The bureau escalates it to the joint meeting from the project page.
    let up = app.post_form(&format!("/projects/{id}"), &format!("/requests/{}/escalate", r.id), &[("version", "1"), ("reason", "供电公司迟迟不出方案"), ("back", &format!("/projects/{id}"))]).await;
    assert_eq!(location(&up), format!("/projects/{id}?done=escalated#requests"));
    assert_eq!(app.store.request(r.id).await.unwrap().escalation, "city");
    // The same form sent again (a double tap) is refused on the page, not escalated twice.
    let twice = app.post_form(&format!("/projects/{id}"), &format!("/requests/{}/escalate", r.id), &[("version", "1"), ("reason", "供电公司迟迟不出方案"), ("back", &format!("/projects/{id}"))]).await;
    assert!(twice.text().await.unwrap().contains("已被他人更新"));
    assert_eq!(app.store.request(r.id).await.unwrap().escalation, "city");
    // Another unit sees none of it.
    let other = spawn_client(&app);
    other.sign_in("officer-610703").await;
    let home = other.get_html("/").await;
    assert!(!home.contains("诉求已超过办理期限") && !home.contains("红色预警"));
    assert!(!other.get_html("/requests").await.contains("双回路"));
    let token = csrf_in(&home);
    let meddle = other.client.post(other.url(&format!("/requests/{}", r.id))).form(&[("csrf_token", token.as_str()), ("status", "resolved"), ("resolution", "x"), ("version", "2")]).send().await.unwrap();
    assert_eq!(meddle.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn units_cannot_take_over_projects_teams_or_confidential_names_that_are_not_theirs() {
    let app = spawn_app().await;
    add_user(&app.store, "officer-sz", "sz", vec![Role::Officer]).await;
    add_user(&app.store, "leader", "610700", vec![Role::Leader]).await;
    let investor = company(&app.store, "汉中隐秘新材料有限公司").await;
    let (sz, chenggu) = (app.store.unit_by_code("sz").await.unwrap().unwrap().id, app.store.unit_by_code("610722").await.unwrap().unwrap().id);
    // A confidential lead the 深圳 office brought, landing in 城固县, already signed.
    let input = ProjectInput {
        name: "隐秘新材料基地".into(),
        codename: "X-07".into(),
        confidential: true,
        enterprise_id: investor,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 5_000_000,
        source_channel: Some(SourceChannel::Office),
        source_unit_id: sz,
        landing_unit_id: chenggu,
        contract_kind: Some(domain::project::ContractKind::Contract),
        ..Default::default()
    };
    let who = Who::system("test");
    let p = app.store.create_project(&who, &input, chrono::Utc::now().date_naive() - chrono::Duration::days(30), None).await.unwrap();
    let dates = [(domain::project::Stage::Negotiating, chrono::Utc::now().date_naive() - chrono::Duration::days(20)), (domain::project::Stage::Signed, chrono::Utc::now().date_naive() - chrono::Duration::days(10))];
    let advance_to = domain::project::Advance { dates: dates.into_iter().collect(), files: Default::default(), reference: String::new() };
    let contract = store::follow_ups::NewAttachment { file_name: "合同.pdf".into(), content_type: "application/pdf".into(), data: PDF.to_vec() };
    let p = app.store.advance_project(&who, p.id, p.version, domain::project::Stage::Signed, &advance_to, "", vec![(domain::project::Stage::Signed, contract)]).await.unwrap();
    let id = p.id;

    // The office, as source unit, may edit the project but not move it onto its own books.
    app.sign_in("officer-sz").await;
    let fields = edit_fields(&app, id, &[("landing_unit_id", &sz.to_string())]).await;
    let moved = app.client.post(app.url(&format!("/projects/{id}/edit"))).form(&fields).send().await.unwrap();
    assert_eq!(moved.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.project(id).await.unwrap().landing_unit_id, chenggu);
    // Team members come from the project's units, the bureau or the departments, not any county.
    let stranger = app.user_id("officer-610703").await.to_string();
    let office_member = app.user_id("officer-sz").await.to_string();
    let page = app.get_html(&format!("/projects/{id}")).await;
    let picker = page.split("id=\"member\" name=\"user_id\">").nth(1).and_then(|rest| rest.split("</select>").next()).expect("the team picker");
    assert!(picker.contains(&format!("<option value=\"{office_member}\">")) && picker.contains("（officer-sz）"), "the picker offers the source unit's people, by name and user name");
    assert!(!picker.contains(&format!("value=\"{stranger}\"")), "and no one from an unrelated county");
    let refused = app.post_form(&format!("/projects/{id}"), &format!("/projects/{id}/team"), &[("user_id", &stranger), ("role", "member"), ("team", "project")]).await;
    assert!(refused.text().await.unwrap().contains("专班成员应来自本项目的落地单位、来源单位、市局或市级部门"));
    let added = app.post_form(&format!("/projects/{id}"), &format!("/projects/{id}/team"), &[("user_id", &office_member), ("role", "member"), ("team", "investor")]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let member = app.store.team(None, Some(investor)).await.unwrap()[0].id;
    // 城固县 serves the same investor but cannot take the office's member off the investor's team.
    let chenggu_browser = spawn_client(&app);
    chenggu_browser.sign_in("officer-610722").await;
    let removed = chenggu_browser.post_form(&format!("/projects/{id}"), &format!("/projects/{id}/team/{member}/delete"), &[]).await;
    assert_eq!(removed.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.team(None, Some(investor)).await.unwrap().len(), 1);

    // A leader sees the codename only, in the queue as on the list; the bureau sees the name.
    let leader = spawn_client(&app);
    leader.sign_in("leader").await;
    let queue = leader.get_html("/verifications").await;
    assert!(queue.contains("X-07") && !queue.contains("隐秘新材料基地"), "{queue}");
    assert!(!leader.get_html("/projects").await.contains("隐秘新材料"));
    assert!(leader.get_html("/projects?q=隐秘").await.contains("共 0 个项目"), "a leader's search does not reveal it");
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    assert!(bureau.get_html("/verifications").await.contains("隐秘新材料基地"));

    // A request of the project owned by a department: the department sees the request, not the investor.
    let gxj = app.store.unit_by_code("gxj").await.unwrap().unwrap().id.to_string();
    let raised = chenggu_browser.post_form(&format!("/projects/{id}"), "/requests", &[("project_id", &id.to_string()), ("category", "energy"), ("text", "能评指标需要市级统筹"), ("owner_unit_id", &gxj), ("deadline", &(chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string()), ("back", &format!("/projects/{id}"))]).await;
    assert_eq!(raised.status(), StatusCode::SEE_OTHER);
    let department = spawn_client(&app);
    department.sign_in("head-gxj").await;
    let list = department.get_html("/requests").await;
    assert!(list.contains("能评指标需要市级统筹") && list.contains("（保密）") && !list.contains("汉中隐秘新材料"), "{list}");
    // And a unit cannot raise a request on an investor it does not serve.
    let other = spawn_client(&app);
    other.sign_in("officer-610703").await;
    let foreign = other.post_form("/", "/requests", &[("enterprise_id", &investor.to_string()), ("category", "land"), ("text", "x"), ("owner_unit_id", &gxj), ("deadline", &(chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string())]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_ledger_lists_the_units_projects_in_the_reporting_layout() {
    let app = spawn_app().await;
    let investor = company(&app.store, "汉中台账测试有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let new = store::services::NewRequest { project_id: Some(id), enterprise_id: investor, category: domain::project::RequestCategory::Land, text: "二期用地指标未落实".into(), owner_unit_id: chenggu, deadline: chrono::Utc::now().date_naive() + chrono::Duration::days(10) };
    app.store.create_request(&Who::system("test"), chenggu, &new).await.unwrap();
    app.sign_in("officer-610722").await;
    let response = app.get("/projects/ledger.xlsx").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("ledger-"));
    let sheet = office::xlsx::read_first_sheet(&response.bytes().await.unwrap()).unwrap();
    assert!(sheet[0][0].starts_with("招商引资项目台账"));
    assert_eq!(sheet[1][..5], ["序号", "项目名称", "产业链", "行业代码", "投资方及信用代码"]);
    let row = &sheet[2];
    assert_eq!((row[0].as_str(), row[1].as_str(), row[4].as_str()), ("1", "锂电池结构件生产基地", "汉中台账测试有限公司"));
    assert_eq!(row[16], "否", "not yet in the statistics");
    assert_eq!(row[17], "二期用地指标未落实");
    // Another unit's ledger does not carry it.
    let other = spawn_client(&app);
    other.sign_in("officer-610703").await;
    let sheet = office::xlsx::read_first_sheet(&other.get("/projects/ledger.xlsx").await.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet.len(), 2, "{sheet:?}");
}

#[tokio::test]
async fn a_project_brief_comes_as_a_word_document_to_those_who_may_read_the_project() {
    let app = spawn_app().await;
    let investor = company(&app.store, "汉中简报测试有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    app.sign_in("officer-610722").await;
    let response = app.get(&format!("/projects/{id}/brief.docx")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"));
    // The parts are stored, not deflated: the text is there as UTF-8.
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("关于锂电池结构件生产基地的情况简报") && text.contains("汉中简报测试有限公司"), "the brief names the project and its investor");
    let other = spawn_client(&app);
    other.sign_in("officer-610703").await;
    assert_eq!(other.get(&format!("/projects/{id}/brief.docx")).await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_projects_page_shows_each_team_in_its_place_and_the_requests_by_deadline() {
    let app = spawn_app().await;
    let who = Who::system("test");
    let investor = company(&app.store, "汉中专班测试有限公司").await;
    let id = project_of(&app.store, investor, "610722").await;
    let other = project_of(&app.store, investor, "610722").await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let officer = app.user_id("officer-610722").await;
    let bureau = app.user_id("bureau").await;
    app.store.add_member(&who, Some(id), None, officer, domain::project::TeamRole::Lead).await.unwrap();
    app.store.add_member(&who, None, Some(investor), bureau, domain::project::TeamRole::Member).await.unwrap();
    // The same investor's other project has its own team, which is not this project's.
    app.store.add_member(&who, Some(other), None, bureau, domain::project::TeamRole::Member).await.unwrap();
    let today = chrono::Utc::now().date_naive();
    for (text, days, project) in [("排污指标", 30, id), ("用电增容", 5, id), ("另一项目的用地", 1, other)] {
        let new = store::services::NewRequest { project_id: Some(project), enterprise_id: investor, category: domain::project::RequestCategory::Land, text: text.into(), owner_unit_id: chenggu, deadline: today + chrono::Duration::days(days) };
        app.store.create_request(&who, chenggu, &new).await.unwrap();
    }
    let (team, investor_team) = app.store.teams(id, investor).await.unwrap();
    assert_eq!(team.iter().map(|m| m.user_id).collect::<Vec<_>>(), vec![officer]);
    assert_eq!(investor_team.iter().map(|m| m.user_id).collect::<Vec<_>>(), vec![bureau]);
    assert_eq!((app.store.team(Some(id), None).await.unwrap().len(), app.store.team(None, Some(investor)).await.unwrap().len()), (1, 1), "the same as asked one by one");

    app.sign_in("officer-610722").await;
    let page = app.get_html(&format!("/projects/{id}")).await;
    let section = |name: &str| page.split(&format!("<section class=\"card\" id=\"{name}\">")).nth(1).and_then(|rest| rest.split("</section>").next()).unwrap_or_default().to_string();
    let teams = section("team");
    let (project_team, investor_part) = teams.split_once("客商专班").expect("both teams");
    // The investor's team, without the form for adding members below it.
    let investor_part = investor_part.split("<details").next().unwrap_or_default();
    assert!(project_team.contains("测试officer-610722") && !project_team.contains("测试bureau"), "{teams}");
    assert!(investor_part.contains("测试bureau") && !investor_part.contains("测试officer-610722"), "{teams}");
    let requests = section("requests");
    let (first, second) = (requests.find("用电增容").expect("the nearer deadline"), requests.find("排污指标").expect("the later one"));
    assert!(first < second, "by deadline: {requests}");
    assert!(!requests.contains("另一项目的用地"), "not the other project's: {requests}");
    assert!(section("timeline").contains("排污指标"), "the requests are in the record too");
}
