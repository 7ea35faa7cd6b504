//! Precision targeting through the pages: a gap's ranking explained, one click to a target for
//! the right unit (and not for someone else's), an office's recommendations kept to the office
//! and the city, the weights edited by the bureau only; and the search page's facets.

mod helpers;

use domain::money::{Currency, Wan};
use domain::target::Tag;
use helpers::*;
use reqwest::StatusCode;
use store::Who;
use store::enterprises::EnterpriseInput;

async fn company(app: &TestApp, name: &str, industry: &str, region: &str, scope: &str, capital_wan: i64, tags: Vec<Tag>) -> i64 {
    let input = EnterpriseInput { name: name.into(), industry_code: industry.into(), region_code: region.into(), business_scope: scope.into(), capital: Some(Wan { hundredths: capital_wan * 100, currency: Currency::Cny }), status: "存续".into(), tags, ..Default::default() };
    app.store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

/// The 航空复合材料 link (missing; 3062/3091; 复合材料、碳纤维、预浸料) and its chain.
async fn gap(app: &TestApp) -> (i64, i64) {
    let g = app.store.gap_links().await.unwrap().into_iter().find(|g| g.link.name == "航空复合材料").expect("the profile has the link");
    (g.chain.id, g.link.id)
}

#[tokio::test]
async fn a_gap_ranks_the_universe_with_reasons_and_one_click_makes_a_target() {
    let app = spawn_app().await;
    let best = company(&app, "苏州碳纤维复合材料股份有限公司", "3062", "320506", "碳纤维、预浸料、复合材料研发生产", 150_000, vec![Tag::China500]).await;
    let second = company(&app, "成都复合材料有限公司", "3062", "510104", "复合材料", 2_000, vec![]).await;
    let far = company(&app, "兰州塑料制品有限公司", "3079", "620102", "塑料制品", 100, vec![]).await;
    let (chain, link) = gap(&app).await;
    app.sign_in("officer-610703").await;
    let html = app.get_html(&format!("/chains/{chain}/links/{link}/matches")).await;
    let (b, s, f) = (html.find("苏州碳纤维复合材料").unwrap(), html.find("成都复合材料").unwrap(), html.find("兰州塑料制品").unwrap());
    assert!(b < s && s < f, "ranked best first");
    assert!(html.contains("得分构成") && html.contains("与环节同小类") && html.contains("经营范围含 3/3 个关键词"), "explained");
    assert!(html.contains("建议由驻上海招商分局跟进"), "the office covering 江苏 is suggested");
    // Filters: a bad province code is refused in Chinese; a good one narrows.
    let bad = app.get_html(&format!("/chains/{chain}/links/{link}/matches?province=江苏")).await;
    assert!(bad.contains("省份代码应为两位数字"));
    let sichuan = app.get_html(&format!("/chains/{chain}/links/{link}/matches?province=51")).await;
    assert!(sichuan.contains("成都复合材料") && !sichuan.contains("苏州碳纤维复合材料"));
    // A link of another chain under this chain's address is not found.
    assert_eq!(app.get(&format!("/chains/{}/links/{link}/matches", chain + 1000)).await.status(), StatusCode::NOT_FOUND);

    // One click: the officer's own unit.
    let page = format!("/chains/{chain}/links/{link}/matches");
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id.to_string();
    let made = app.post_form(&page, "/targets/new", &[("enterprise_id", &best.to_string()), ("unit_id", &nanzheng), ("priority", "B"), ("source", "精准招商推荐"), ("note", ""), ("link_ids", &link.to_string())]).await;
    assert_eq!(made.status(), StatusCode::SEE_OTHER, "{}", made.text().await.unwrap_or_default());
    let after = app.get_html(&page).await;
    assert!(!after.contains("苏州碳纤维复合材料"), "a company now targeted leaves the ranking");
    assert!(after.contains("已在目标库 1 家未列入"), "{after}");

    // Another county's officer cannot make it a target of 南郑区.
    let chenggu = spawn_client(&app);
    chenggu.sign_in("officer-610722").await;
    let denied = chenggu.post_form(&page, "/targets/new", &[("enterprise_id", &second.to_string()), ("unit_id", &nanzheng), ("priority", "B"), ("link_ids", &link.to_string())]).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert!(!app.audit("write", "denied").await.is_empty());
    let _ = far;
}

#[tokio::test]
async fn office_recommendations_belong_to_the_office_and_the_city() {
    let app = spawn_app().await;
    company(&app, "杭州预浸料科技有限公司", "3062", "330106", "预浸料、碳纤维复合材料", 60_000, vec![Tag::Listed]).await;
    company(&app, "广州碳纤维有限公司", "3062", "440106", "碳纤维", 60_000, vec![]).await;
    let shanghai = app.store.unit_by_code("sh").await.unwrap().unwrap().id;
    app.sign_in("officer-610722").await;
    assert_eq!(app.get(&format!("/matching/offices/{shanghai}")).await.status(), StatusCode::FORBIDDEN);
    assert!(app.audit("read", "denied").await.iter().any(|a| a.entity == "recommendations"));
    let city = spawn_client(&app);
    city.sign_in("bureau").await;
    let html = city.get_html(&format!("/matching/offices/{shanghai}")).await;
    assert!(html.contains("杭州预浸料科技") && !html.contains("广州碳纤维"), "only the provinces the office covers");
    assert!(html.contains("适合"), "each company says which link it fits");
    assert!(city.get_html("/matching").await.contains("航空复合材料"));
}

#[tokio::test]
async fn only_the_bureau_changes_the_weights_and_bad_ones_change_nothing() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    let denied = app.post_form("/", "/matching/weights", &[("weights", "industry = 100\nscope = 0\ncapital = 0\nstanding = 0\nregion = 0\nties = 0")]).await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let city = spawn_client(&app);
    city.sign_in("bureau").await;
    let bad = city.post_form("/matching", "/matching/weights", &[("weights", "industry = \"很多\"")]).await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("匹配权重格式有误"));
    assert_eq!(app.store.match_weights().await.unwrap(), domain::matching::MatchWeights::default());
    let ok = city.post_form("/matching", "/matching/weights", &[("weights", "industry = 60\nscope = 40\ncapital = 0\nstanding = 0\nregion = 0\nties = 0")]).await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.match_weights().await.unwrap().industry, 60);
    assert!(!app.audit("update", "ok").await.iter().filter(|a| a.entity == "match_weights").collect::<Vec<_>>().is_empty());
}

#[tokio::test]
async fn the_search_page_counts_only_what_the_viewer_may_see_and_narrows_by_facet() {
    let app = spawn_app().await;
    company(&app, "汉江重工机床有限公司", "3421", "610702", "机床", 30_000, vec![]).await;
    let suzhou = company(&app, "苏州汉江精密机械有限公司", "3484", "320506", "精密零部件", 5_000, vec![Tag::Listed]).await;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let t = app.store.create_target(&Who::system("test"), &store::targets::NewTarget { enterprise_id: suzhou, owner_unit_id: chenggu, owner_user_id: None, priority: domain::target::Priority::A, source: String::new(), note: String::new(), link_ids: vec![] }).await.unwrap();
    app.index_caught_up().await;
    app.sign_in("officer-610703").await;
    let html = app.get_html("/search?q=汉江").await;
    assert!(html.contains("汉江重工机床") && html.contains("苏州汉江精密机械"), "two characters find both");
    assert!(html.contains("目标企业 0"), "another county's target is not counted");
    assert!(!html.contains(&format!("/targets/{}", t.id)));
    assert!(html.contains("江苏省") && html.contains("region=%2F32"), "a region facet to narrow by");
    let narrowed = app.get_html("/search?q=汉江&region=/32").await;
    assert!(narrowed.contains("苏州汉江精密机械") && !narrowed.contains("汉江重工机床"));
    let owner = spawn_client(&app);
    owner.sign_in("officer-610722").await;
    let theirs = owner.get_html("/search?q=汉江").await;
    assert!(theirs.contains("目标企业 1") && theirs.contains(&format!("/targets/{}", t.id)));
    // A hostile facet parameter is ignored, not an error.
    assert_eq!(app.get("/search?q=汉江&industry=/../../x").await.status(), StatusCode::OK);
}
