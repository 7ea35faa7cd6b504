//! Enterprises, the target library and follow-ups through the real pages: the round trip of a
//! follow-up with a photo, duplicates, optimistic locking, and what a user of another unit may
//! (not) see by id, list, search, export and attachment.

mod helpers;

use domain::target::{Priority, Tag};
use helpers::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use store::enterprises::EnterpriseInput;
use store::targets::NewTarget;
use store::{Store, Who};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89";

async fn company(store: &Store, name: &str, uscc: &str) -> i64 {
    let input = EnterpriseInput {
        uscc: uscc.into(),
        name: name.into(),
        industry_code: "3741".into(),
        region_code: "320505".into(),
        tags: vec![Tag::Specialized],
        ..Default::default()
    };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

async fn target_of(store: &Store, enterprise_id: i64, unit_code: &str) -> i64 {
    let unit = store.unit_by_code(unit_code).await.unwrap().unwrap();
    let link = store.profile_tree().await.unwrap()[0].chains[0].links[0].link.id;
    let new = NewTarget { enterprise_id, owner_unit_id: unit.id, owner_user_id: None, priority: Priority::A, source: "推介会".into(), note: "城固县的内部备注".into(), link_ids: vec![link] };
    store.create_target(&Who::system("test"), &new).await.unwrap().id
}

/// Posts the quick entry as a phone does (multipart, CSRF token in the action URL).
async fn log_follow_up(app: &Browser, enterprise_id: i64, target: Option<i64>, summary: &str, key: &str, photo: Option<&[u8]>) -> reqwest::Response {
    let page = app.get_html(&format!("/followups/new?enterprise_id={enterprise_id}")).await;
    let token = csrf_in(&page);
    let mut form = Form::new()
        .text("enterprise_id", enterprise_id.to_string())
        .text("target_id", target.map(|t| t.to_string()).unwrap_or_default())
        .text("kind", "visit")
        .text("summary", summary.to_string())
        .text("next_step", "发送地价测算表")
        .text("next_due", (chrono::Utc::now().date_naive() + chrono::Duration::days(3)).to_string())
        .text("client_key", key.to_string());
    if let Some(bytes) = photo {
        form = form.part("files", Part::bytes(bytes.to_vec()).file_name("车间.png").mime_str("image/png").unwrap());
    }
    app.client.post(app.url(&format!("/followups/new?csrf_token={token}"))).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn a_follow_up_with_a_photo_lands_on_the_timeline_once() {
    let app = spawn_app().await;
    let e = company(&app.store, "秦岭航空零部件有限公司", "").await;
    let t = target_of(&app.store, e, "610703").await;
    app.sign_in("officer-610703").await;

    let response = log_follow_up(&app, e, Some(t), "在园区拜访，企业计划新增产线", "key-0000000001", Some(PNG)).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), format!("/targets/{t}?done=followup"));
    let page = app.get_html(&format!("/targets/{t}")).await;
    assert!(page.contains("在园区拜访，企业计划新增产线") && page.contains("下一步：发送地价测算表"));
    assert!(page.contains("已接触"), "the first contact moves the target out of 未接触");
    let target = app.store.target(t).await.unwrap();
    assert_eq!(target.last_contact_on, Some(chrono::Utc::now().date_naive()));

    // The photo is served as an image, sandboxed; the next step is on the home page.
    let img = page.split("src=\"/attachments/").nth(1).and_then(|s| s.split('"').next()).expect("a thumbnail").to_string();
    let photo = app.get(&format!("/attachments/{img}")).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/png");
    assert!(photo.headers()["content-security-policy"].to_str().unwrap().contains("sandbox"));
    assert_eq!(photo.bytes().await.unwrap().as_ref(), PNG);
    assert!(app.get_html("/").await.contains("发送地价测算表"));

    // Sent again after a lost signal: recognised, not saved twice.
    let again = log_follow_up(&app, e, Some(t), "在园区拜访，企业计划新增产线", "key-0000000001", Some(PNG)).await;
    assert!(location(&again).ends_with("done=followup_again"), "{}", location(&again));
    let timeline = app.store.follow_ups(Some(e), None, domain::access::Visibility::All, 100).await.unwrap();
    assert_eq!(timeline.len(), 1);
}

#[tokio::test]
async fn bad_follow_ups_are_explained_and_keep_what_was_typed() {
    let app = spawn_app().await;
    let e = company(&app.store, "汉江机床配套有限公司", "").await;
    app.sign_in("officer-610703").await;
    let empty = log_follow_up(&app, e, None, "", "key-0000000002", None).await.text().await.unwrap();
    assert!(empty.contains("请写下这次对接的情况"), "{empty}");
    let html = log_follow_up(&app, e, None, "带了一个网页文件", "key-0000000003", Some(b"<html><script>alert(1)</script></html>")).await;
    let html = html.text().await.unwrap();
    assert!(html.contains("不是支持的文件类型"), "{html}");
    assert!(app.store.follow_ups(Some(e), None, domain::access::Visibility::All, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn another_units_target_is_invisible_by_id_list_search_export_and_attachment() {
    let app = spawn_app().await;
    let e = company(&app.store, "苏州华瑞航空科技有限公司", "91110108551385082Q").await;
    let t = target_of(&app.store, e, "610722").await;
    let chenggu = spawn_client(&app);
    chenggu.sign_in("officer-610722").await;
    let logged = log_follow_up(&chenggu, e, Some(t), "城固县的保密谈判记录", "key-0000000004", Some(PNG)).await;
    assert_eq!(logged.status(), StatusCode::SEE_OTHER);
    let contact = chenggu.post_form(&format!("/enterprises/{e}"), &format!("/enterprises/{e}/contacts"), &[("name", "王总"), ("phone", "13912345678")]).await;
    assert_eq!(contact.status(), StatusCode::SEE_OTHER);
    let attachment = app.store.follow_ups(Some(e), None, domain::access::Visibility::All, 10).await.unwrap()[0].attachments[0].0;

    app.sign_in("officer-610703").await;
    // By id: page, change, follow-up onto it, attachment.
    assert_eq!(app.get(&format!("/targets/{t}")).await.status(), StatusCode::FORBIDDEN);
    let token = csrf_in(&app.get_html("/").await);
    let edit = app.client.post(app.url(&format!("/targets/{t}/edit"))).form(&[("csrf_token", token.as_str()), ("version", "1"), ("priority", "C"), ("status", "dropped"), ("drop_reason", "x")]).send().await.unwrap();
    assert_eq!(edit.status(), StatusCode::FORBIDDEN);
    assert_eq!(log_follow_up(&app, e, Some(t), "冒充", "key-0000000005", None).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/attachments/{attachment}")).await.status(), StatusCode::FORBIDDEN);
    // By list, search and export.
    let list = app.get_html("/targets").await;
    assert!(!list.contains("苏州华瑞航空科技"), "not in the list");
    app.index_caught_up().await;
    let search = app.get_html("/search?q=华瑞").await;
    assert!(search.contains("苏州华瑞航空科技"), "the company itself is in the shared library");
    assert!(!search.contains(&format!("/targets/{t}")), "but not their target");
    let by_phone = app.get_html("/search?q=13912345678").await;
    assert!(!by_phone.contains("苏州华瑞航空科技"), "another unit's contact phone finds nothing");
    let export = app.get("/targets/export.xlsx").await;
    assert_eq!(export.status(), StatusCode::OK);
    let sheet = office::xlsx::read_first_sheet(&export.bytes().await.unwrap()).unwrap();
    assert!(!sheet.iter().flatten().any(|c| c.contains("华瑞")), "{sheet:?}");
    // The company list exports as searched: the shared company data, no other unit's target.
    let companies = app.get("/enterprises/export.xlsx?q=华瑞").await;
    let sheet = office::xlsx::read_first_sheet(&companies.bytes().await.unwrap()).unwrap();
    assert_eq!(sheet[2][1], "苏州华瑞航空科技有限公司");
    assert_eq!(sheet[2][2], "91110108551385082Q");
    assert_eq!(sheet.len(), 3, "title, header, one company");
    // The company page says who courts it and since when, not their notes.
    let page = app.get_html(&format!("/enterprises/{e}")).await;
    assert!(page.contains("「城固县」自") && page.contains("已在对接这家企业"));
    assert!(!page.contains("城固县的保密谈判记录") && !page.contains("城固县的内部备注") && !page.contains("王总"));
    assert!(page.contains("另有 1 位联系人由其他单位登记"));

    let denials = app.audit("", "denied").await;
    assert_eq!(denials.len(), 4, "{denials:#?}");
    assert!(denials.iter().all(|d| d.username == "officer-610703"));

    // The bureau sees it all.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    assert!(bureau.get_html(&format!("/targets/{t}")).await.contains("城固县的保密谈判记录"));
    assert!(bureau.get_html("/targets").await.contains("苏州华瑞航空科技"));
}

#[tokio::test]
async fn codes_are_checked_and_a_duplicate_links_to_the_existing_company() {
    let app = spawn_app().await;
    let existing = company(&app.store, "小米科技有限责任公司", "91110108551385082Q").await;
    app.sign_in("officer-610703").await;
    let wrong = app.post_form("/enterprises/new", "/enterprises/new", &[("name", "某公司"), ("uscc", "91110108551385082A")]).await.text().await.unwrap();
    assert!(wrong.contains("校验位错误：第 18 位应为「Q」，实为「A」"), "{wrong}");
    assert!(wrong.contains("value=\"某公司\""), "what was typed stays");
    let lower = app.post_form("/enterprises/new", "/enterprises/new", &[("name", "小米（重复）"), ("uscc", " 9111 0108 5513 8508 2q ")]).await.text().await.unwrap();
    assert!(lower.contains("已登记为「小米科技有限责任公司」"), "{lower}");
    assert!(lower.contains(&format!("/enterprises/{existing}")), "links to the existing company");
    let forbidden = app.post_form("/enterprises/new", "/enterprises/new", &[("name", "某公司"), ("uscc", "91110108551385082O")]).await.text().await.unwrap();
    assert!(forbidden.contains("不使用 I、O、S、V、Z"), "{forbidden}");
    // Bureau may keep a failing code with a reason.
    let bureau = spawn_client(&app);
    bureau.sign_in("bureau").await;
    let kept = bureau.post_form("/enterprises/new", "/enterprises/new", &[("name", "老字号商行"), ("uscc", "91110108551385082A"), ("uscc_override_reason", "营业执照原件如此，已向市场监管局核实")]).await;
    assert_eq!(kept.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.count_enterprises().await.unwrap(), 2);
}

#[tokio::test]
async fn two_officers_editing_one_target_conflict_instead_of_overwriting() {
    let app = spawn_app().await;
    let e = company(&app.store, "汉中宏达电子有限公司", "").await;
    let t = target_of(&app.store, e, "610703").await;
    app.sign_in("officer-610703").await;
    let colleague = spawn_client(&app);
    helpers::add_user(&app.store, "officer2-610703", "610703", vec![domain::Role::Officer]).await;
    colleague.sign_in("officer2-610703").await;
    let page = format!("/targets/{t}");
    let first = app.post_form(&page, &format!("/targets/{t}/edit"), &[("version", "1"), ("priority", "A"), ("status", "in_talks"), ("note", "第一位")]).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = colleague.post_form(&page, &format!("/targets/{t}/edit"), &[("version", "1"), ("priority", "C"), ("status", "contacted"), ("note", "第二位")]).await;
    let text = second.text().await.unwrap();
    assert!(text.contains("已被他人修改"), "{text}");
    let saved = app.store.target(t).await.unwrap();
    assert_eq!((saved.priority.as_str(), saved.status.as_str(), saved.note.as_str(), saved.version), ("A", "in_talks", "第一位", 2));
    // Dropping needs a reason.
    let drop = app.post_form(&page, &format!("/targets/{t}/edit"), &[("version", "2"), ("priority", "A"), ("status", "dropped")]).await.text().await.unwrap();
    assert!(drop.contains("放弃目标企业时请写明原因"));
}

#[tokio::test]
async fn lists_filter_sort_save_views_and_export_as_filtered() {
    let app = spawn_app().await;
    let a = company(&app.store, "深圳星河储能有限公司", "").await;
    let b = company(&app.store, "上海远航航电有限公司", "").await;
    target_of(&app.store, a, "610703").await;
    let tb = target_of(&app.store, b, "610703").await;
    app.sign_in("officer-610703").await;
    let page = format!("/targets/{tb}");
    app.post_form(&page, &format!("/targets/{tb}/edit"), &[("version", "1"), ("priority", "C"), ("status", "intent")]).await;

    let filtered = app.get_html("/targets?status=intent").await;
    assert!(filtered.contains("上海远航航电") && !filtered.contains("深圳星河储能"));
    assert!(app.get_html("/targets?stale=30").await.contains("深圳星河储能"), "never contacted counts as stale");
    let bad = app.get("/targets?status=sleeping").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("未知的状态「sleeping」"));

    let saved = app.post_form("/targets", "/targets/views", &[("name", "有意向"), ("query", "status=intent")]).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    assert!(app.get_html("/targets").await.contains("href=\"/targets?status=intent\">有意向</a>"));

    let export = app.get("/targets/export.xlsx?status=intent").await;
    let sheet = office::xlsx::read_first_sheet(&export.bytes().await.unwrap()).unwrap();
    let names: Vec<&String> = sheet.iter().skip(2).map(|r| &r[1]).collect();
    assert_eq!(names, vec!["上海远航航电有限公司"]);

    let board = app.get_html("/targets/board").await;
    assert!(board.contains("有意向") && board.contains("上海远航航电"));
}

#[tokio::test]
async fn the_chain_map_shows_gaps_local_companies_and_targets() {
    let app = spawn_app().await;
    let e = company(&app.store, "成都天成机载设备有限公司", "").await;
    target_of(&app.store, e, "610703").await;
    let mut local = EnterpriseInput { name: "汉中航空工业本地配套有限公司".into(), industry_code: "3741".into(), is_local: true, tags: vec![Tag::ChainLeader], ..Default::default() };
    local.region_code = "610702".into();
    app.store.create_enterprise(&Who::system("test"), &local, false).await.unwrap();
    app.sign_in("bureau").await;
    // The chain with a link in 3741 飞机制造 (航空装备 in the Hanzhong profile).
    fn has_code(nodes: &[store::profile::LinkNode]) -> bool {
        nodes.iter().any(|n| n.link.industry_codes.split(',').any(|c| c == "3741") || has_code(&n.children))
    }
    let tree = app.store.profile_tree().await.unwrap();
    let chain = tree.iter().flat_map(|c| &c.chains).find(|h| has_code(&h.links)).expect("a chain covers 3741");
    // The target is tied to the first link of the first chain (see target_of).
    let first = &tree[0].chains[0];
    let map = app.get_html(&format!("/chains/{}", first.chain.id)).await;
    assert!(map.contains("成都天成机载设备有限公司"), "the target sits on its link");
    assert!(map.contains("strength-missing") || map.contains("strength-weak"), "gaps are marked");
    let aviation = app.get_html(&format!("/chains/{}", chain.chain.id)).await;
    assert!(aviation.contains("汉中航空工业本地配套有限公司") && aviation.contains("链主"), "local companies and chain leaders in the link's industry");
    let export = app.get(&format!("/chains/{}/export.xlsx", first.chain.id)).await;
    assert_eq!(export.status(), StatusCode::OK);
    let sheet = office::xlsx::read_first_sheet(&export.bytes().await.unwrap()).unwrap();
    assert!(sheet[0][0].contains(&first.chain.name));
    assert!(sheet.iter().flatten().any(|c| c.contains("成都天成机载设备有限公司")));
}

#[tokio::test]
async fn lists_follow_a_companys_region_and_tags_when_they_change() {
    let app = spawn_app().await;
    let e = company(&app.store, "东莞凯越新能源有限公司", "").await;
    target_of(&app.store, e, "610703").await;
    app.sign_in("officer-610703").await;
    assert!(!app.get_html("/targets?region=44").await.contains("东莞凯越新能源"), "registered in 苏州 (32) first");
    let before = app.store.enterprise(e).await.unwrap();
    let moved = EnterpriseInput { name: before.name.clone(), industry_code: "3741".into(), region_code: "441900".into(), tags: vec![Tag::Listed], ..Default::default() };
    app.store.update_enterprise(&Who::system("test"), e, before.version, &moved, false).await.unwrap();
    let page = app.get_html("/targets?region=44&tag=listed").await;
    assert!(page.contains("东莞凯越新能源"), "the target follows its company to 广东 and 上市");
    assert!(!app.get_html("/targets?tag=specialized").await.contains("东莞凯越新能源"));
    assert!(app.get_html("/targets?q=凯越").await.contains("东莞凯越新能源"), "by part of the name");
    // Renamed: the old name becomes a former name and still finds it.
    let current = app.store.enterprise(e).await.unwrap();
    let renamed = EnterpriseInput { name: "广东凯越储能股份有限公司".into(), former_names: "东莞凯越新能源有限公司".into(), industry_code: "3741".into(), region_code: "441900".into(), ..Default::default() };
    app.store.update_enterprise(&Who::system("test"), e, current.version, &renamed, false).await.unwrap();
    assert!(app.get_html("/targets?q=东莞凯越").await.contains("广东凯越储能股份有限公司"), "by a former name");
}

#[tokio::test]
async fn an_officer_finds_the_company_they_just_saved_at_once() {
    // The feed applies the outbox each second; a search by the person who just wrote does not wait
    // for it (decision 0004). Three rounds make passing by the feed's luck unlikely.
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    for n in ["甲", "乙", "丙"] {
        let name = format!("汉中{n}号即存即搜科技有限公司");
        let token = csrf_in(&app.get_html("/enterprises/new").await);
        let saved = app.client.post(app.url("/enterprises/new")).form(&[("csrf_token", token.as_str()), ("name", name.as_str()), ("industry_code", "3841"), ("region_code", "610703")]).send().await.unwrap();
        assert_eq!(saved.status(), StatusCode::SEE_OTHER, "{name} saved");
        let found = app.get_html(&format!("/search?q={n}号即存即搜")).await;
        assert!(found.contains(&name), "{name} is found right after it was saved");
    }
}
