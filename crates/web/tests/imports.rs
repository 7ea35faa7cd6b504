//! Imports through the pages: upload a spreadsheet with a title row and a bad row, read the
//! preview, apply, find the history, undo; another unit cannot see or apply it; the templates.

mod helpers;

use helpers::*;
use office::xlsx::{Cell, Column};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

/// A company list as people make them: a merged title row above the header, then the rows.
fn company_list() -> Vec<u8> {
    let columns: Vec<Column> = ["公司名称", "统一社会信用代码", "成立日期", "注册资本", "所属省份", "所属城市"].iter().map(|h| Column::new(*h, 20.0)).collect();
    let rows = vec![
        vec![Cell::text("苏州华瑞航空科技有限公司"), Cell::text("91110108551385082Q"), Cell::Date(chrono::NaiveDate::from_ymd_opt(2015, 3, 2).unwrap()), Cell::text("5000万元人民币"), Cell::text("江苏省"), Cell::text("苏州市")],
        vec![Cell::text("坏代码有限公司"), Cell::text("91110108551385082X"), Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
        vec![Cell::text("=HYPERLINK(\"http://evil\")有限公司"), Cell::Empty, Cell::text("2020年1月5日"), Cell::text("1.2亿"), Cell::Empty, Cell::Empty],
    ];
    office::xlsx::write_table("企业", "2026 年重点企业名单", &columns, rows).unwrap()
}

async fn upload(app: &Browser, kind: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let token = csrf_in(&app.get_html("/imports").await);
    let form = Form::new().text("kind", kind.to_string()).part("file", Part::bytes(bytes).file_name(name.to_string()));
    app.client.post(app.url(&format!("/imports?csrf_token={token}"))).multipart(form).send().await.unwrap()
}

#[tokio::test]
async fn an_officer_previews_applies_and_undoes_an_import_and_another_unit_cannot_touch_it() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    let before = app.store.count_enterprises().await.unwrap();
    let uploaded = upload(&app, "enterprises", "重点企业名单.xlsx", company_list()).await;
    assert_eq!(uploaded.status(), StatusCode::SEE_OTHER);
    let preview_url = location(&uploaded);
    let preview = app.get_html(&preview_url).await;
    assert!(preview.contains("将新增") && preview.contains("第 4 行") && preview.contains("统一社会信用代码"), "{preview}");
    assert!(preview.contains("确认导入"));
    assert_eq!(app.store.count_enterprises().await.unwrap(), before, "the preview wrote nothing");

    // Another unit: cannot see or apply it.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    assert_eq!(other.get(&preview_url).await.status(), StatusCode::FORBIDDEN);
    let token = csrf_in(&other.get_html("/").await);
    let stolen = other.client.post(other.url(&format!("{preview_url}/apply"))).form(&[("csrf_token", token.as_str())]).send().await.unwrap();
    assert_eq!(stolen.status(), StatusCode::FORBIDDEN);

    let applied = app.post_form(&preview_url, &format!("{preview_url}/apply"), &[]).await;
    assert_eq!(applied.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.count_enterprises().await.unwrap(), before + 2);
    // A name that looks like a formula is kept as text, not run.
    let formula = app.store.find_enterprises("HYPERLINK", domain::access::Visibility::All, 5).await.unwrap();
    assert_eq!(formula[0].name, "=HYPERLINK(\"http://evil\")有限公司");
    assert_eq!(formula[0].capital_wan, Some(1_200_000));
    let history = app.get_html("/imports").await;
    assert!(history.contains("重点企业名单.xlsx") && history.contains("已导入"));
    assert!(!other.get_html("/imports").await.contains("重点企业名单.xlsx"), "another unit's history is not shown");

    let undone = app.post_form(&preview_url, &format!("{preview_url}/undo"), &[]).await;
    assert_eq!(location(&undone), format!("{preview_url}?done=undone"));
    assert_eq!(app.store.count_enterprises().await.unwrap(), before);
}

#[tokio::test]
async fn the_preview_shows_each_row_with_what_would_change_and_header_units_scale_the_amounts() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    // The library already holds the company, with 300 万元 of registered capital.
    let first = "企业名称,统一社会信用代码,注册资本（万元）\n苏州华瑞航空科技有限公司,91110108551385082Q,300\n";
    let preview_url = location(&upload(&app, "enterprises", "第一批.csv", first.as_bytes().to_vec()).await);
    app.post_form(&preview_url, &format!("{preview_url}/apply"), &[]).await;
    let huarui = app.store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap();
    assert_eq!(huarui.capital_wan, Some(30_000), "300 in a 万元 column is 300 万元");

    // A later list gives capital in 亿元: 0.05 亿元 is 500 万元, 5 亿元 is 50,000 万元.
    let columns: Vec<Column> = ["公司名称", "统一社会信用代码", "注册资本（亿元）"].iter().map(|h| Column::new(*h, 20.0)).collect();
    let rows = vec![
        vec![Cell::text("苏州华瑞航空科技有限公司"), Cell::text("91110108551385082Q"), Cell::text("0.05")],
        vec![Cell::text("汉中秦巴新材料有限公司"), Cell::Empty, Cell::Int(5)],
        vec![Cell::text("金额不对有限公司"), Cell::Empty, Cell::text("abc")],
    ];
    let second = office::xlsx::write_table("企业", "2026 年企业名单", &columns, rows).unwrap();
    let preview_url = location(&upload(&app, "enterprises", "第二批.xlsx", second).await);
    let preview = app.get_html(&preview_url).await;
    assert!(preview.contains("逐行预览"), "{preview}");
    assert!(preview.contains(">更新<") && preview.contains("91110108551385082Q") && preview.contains("注册资本：300 万元 → 500 万元"), "{preview}");
    assert!(preview.contains(">新增<") && preview.contains("汉中秦巴新材料有限公司"), "{preview}");
    assert!(preview.contains("第 5 行") && preview.contains("「abc」不是有效的金额"), "a bad amount names its row and value: {preview}");
    assert_eq!(app.store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap().capital_wan, Some(30_000), "the preview wrote nothing");

    app.post_form(&preview_url, &format!("{preview_url}/apply"), &[]).await;
    assert_eq!(app.store.enterprise_by_uscc("91110108551385082Q").await.unwrap().unwrap().capital_wan, Some(50_000));
    let new = app.store.find_enterprises("秦巴新材料", domain::access::Visibility::All, 5).await.unwrap();
    assert_eq!(new[0].capital_wan, Some(5_000_000), "5 in a 亿元 column is 50,000 万元");
    // The history keeps the plan.
    assert!(app.get_html(&preview_url).await.contains("逐行明细"));
}

#[tokio::test]
async fn size_and_row_limits_are_settings_and_a_file_over_them_changes_nothing() {
    let app = spawn_with(|config| {
        config.import.max_file_mb = 1;
        config.import.max_rows = 2;
    })
    .await;
    app.sign_in("officer-610703").await;
    let before = app.store.count_enterprises().await.unwrap();
    assert!(app.get_html("/imports").await.contains("不超过 1 MB、2 行"));

    let mut big = String::from("企业名称,统一社会信用代码\n");
    let mut n = 0;
    while big.len() <= 1024 * 1024 + 1000 {
        n += 1;
        big.push_str(&format!("汉中第{n}号制造有限公司,\n"));
    }
    let html = upload(&app, "enterprises", "大文件.csv", big.into_bytes()).await.text().await.unwrap();
    assert!(html.contains("「大文件.csv」无法导入：文件超过 1 MB 上限"), "{html}");

    let three = "企业名称,统一社会信用代码\n甲有限公司,\n乙有限公司,\n丙有限公司,\n";
    let html = upload(&app, "enterprises", "三行.csv", three.as_bytes().to_vec()).await.text().await.unwrap();
    assert!(html.contains("「三行.csv」无法导入：数据超过 2 行上限，请分批导入"), "{html}");

    assert_eq!(app.store.count_enterprises().await.unwrap(), before, "nothing was written");
    assert!(app.store.imports(None, 10).await.unwrap().is_empty(), "nothing was recorded");
}

#[tokio::test]
async fn files_that_are_not_tables_are_refused_in_chinese() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    for (name, bytes) in [("空.xlsx", Vec::new()), ("坏.xlsx", b"PK\x03\x04\x14\x00broken".to_vec()), ("图片.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00".to_vec())] {
        let response = upload(&app, "enterprises", name, bytes).await;
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        let html = response.text().await.unwrap();
        assert!(html.contains("flash-error"), "{name}: {html}");
    }
    let missing = upload(&app, "enterprises", "没有表头.csv", "甲,乙\n1,2\n".as_bytes().to_vec()).await.text().await.unwrap();
    assert!(missing.contains("无法导入"), "{missing}");
    assert!(app.store.imports(None, 10).await.unwrap().is_empty(), "nothing was recorded");
}

#[tokio::test]
async fn templates_carry_the_column_names_the_importer_reads() {
    let app = spawn_app().await;
    app.sign_in("officer-610703").await;
    for kind in ["enterprises", "targets", "projects", "followups", "funds"] {
        let response = app.get(&format!("/imports/template/{kind}.xlsx")).await;
        assert_eq!(response.status(), StatusCode::OK, "{kind}");
        let bytes = response.bytes().await.unwrap();
        let sheet = office::xlsx::read_first_sheet(&bytes).unwrap();
        let kind = domain::imports::ImportKind::parse(kind).unwrap();
        let required: Vec<String> = kind.columns().iter().filter(|c| c.required).map(|c| format!("{}*", c.label)).collect();
        assert!(required.iter().all(|r| sheet[0].contains(r)), "{kind:?}: {:?}", sheet[0]);
        // The empty template reads back as a table with no rows.
        let rows = web::routes::imports::read_rows(kind, "模板.xlsx", &bytes, &web::routes::imports::limits(&web::Config::default())).unwrap();
        assert!(rows.is_empty());
    }
    assert_eq!(app.get("/imports/template/planets.xlsx").await.status(), StatusCode::NOT_FOUND);
}
