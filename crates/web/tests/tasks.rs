//! Task lists (任务清单) through the real pages: the bureau creates a list and hands items to
//! units, the owning unit marks its item done, another unit may not, overdue items come first, bad
//! input is refused in Chinese and changes nothing, and the list exports to Excel.

mod helpers;

use chrono::{Datelike, Duration, Utc};
use helpers::*;
use reqwest::StatusCode;
use store::tasks::TaskState;

fn id_after(location: &str, prefix: &str) -> i64 {
    location.trim_start_matches(prefix).split(['?', '#', '/']).next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn the_bureau_hands_out_tasks_and_each_unit_marks_only_its_own() {
    let app = spawn_app().await;
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let chenggu = app.store.unit_by_code("610722").await.unwrap().unwrap().id;
    let today = Utc::now().date_naive();
    let year = today.year().to_string();

    // The bureau creates the list; an empty or repeated name is refused.
    app.sign_in("bureau").await;
    let overview = app.get_html("/assessment").await;
    assert!(overview.contains("/assessment/tasks?year="), "the assessment page links the task lists");
    let created = app.post_form("/assessment/tasks", "/assessment/tasks", &[("year", &year), ("name", "承接东部产业转移任务清单"), ("note", "每个县区至少落地一个转移项目")]).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    let list = id_after(&location(&created), "/assessment/tasks/");
    let list_url = format!("/assessment/tasks/{list}");
    let empty = app.post_form("/assessment/tasks", "/assessment/tasks", &[("year", &year), ("name", "  ")]).await;
    assert_eq!(empty.status(), StatusCode::OK);
    assert!(empty.text().await.unwrap().contains("请填写清单名称"));
    let again = app.post_form("/assessment/tasks", "/assessment/tasks", &[("year", &year), ("name", "承接东部产业转移任务清单")]).await;
    assert!(again.text().await.unwrap().contains("已有「承接东部产业转移任务清单」"));
    assert_eq!(app.store.task_lists(today.year(), today).await.unwrap().len(), 1, "refused lists are not saved");

    // Two items: 南郑区's due in ten days, 城固县's three days past its deadline.
    let items_url = format!("{list_url}/items");
    let soon = (today + Duration::days(10)).to_string();
    let past = (today - Duration::days(3)).to_string();
    let added = app.post_form(&list_url, &items_url, &[("unit_id", &nanzheng.to_string()), ("title", "赴长三角开展专题招商"), ("due_on", &soon)]).await;
    assert_eq!(added.status(), StatusCode::SEE_OTHER);
    let item = id_after(location(&added).split('#').nth(1).unwrap(), "item-");
    let late = app.post_form(&list_url, &items_url, &[("unit_id", &chenggu.to_string()), ("title", "报送承接产业转移项目清单"), ("due_on", &past), ("note", "报市局投资促进科")]).await;
    assert_eq!(late.status(), StatusCode::SEE_OTHER);

    // Bad input: the form again, in Chinese, with what was typed; nothing added.
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("title", ""), ("due_on", "2026-12-15")], "请填写任务内容"),
        (&[("unit_id", "999999"), ("title", "招商推介会"), ("due_on", "2026-12-15")], "所选责任单位不存在或已停用"),
        (&[("unit_id", "abc"), ("title", "招商推介会"), ("due_on", "2026-12-15")], "所选责任单位不存在或已停用"),
        (&[("unit_id", ""), ("title", "招商推介会"), ("due_on", "2026-12-15")], "请选择责任单位"),
        (&[("title", "招商推介会"), ("due_on", "2026-13-45")], "截止日期「2026-13-45」无法识别"),
        (&[("title", "招商推介会"), ("due_on", "")], "请填写截止日期"),
    ];
    let nanzheng_text = nanzheng.to_string();
    for (fields, message) in cases {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        if !fields.iter().any(|(k, _)| *k == "unit_id") {
            fields.push(("unit_id", &nanzheng_text));
        }
        let refused = app.post_form(&list_url, &items_url, &fields).await;
        assert_eq!(refused.status(), StatusCode::OK, "{fields:?}");
        let page = refused.text().await.unwrap();
        assert!(page.contains(message), "{fields:?} should say {message}");
        if let Some((_, title)) = fields.iter().find(|(k, _)| *k == "title").filter(|(_, t)| !t.is_empty()) {
            assert!(page.contains(&format!("value=\"{title}\"")), "what was typed is kept");
        }
    }
    assert_eq!(app.store.task_items(list, today).await.unwrap().len(), 2, "refused items are not added");

    // Overdue shows, with its days, above the open item.
    let page = app.get_html(&list_url).await;
    assert!(page.contains("已逾期") && page.contains("逾期 3 天"));
    let (overdue_at, open_at) = (page.find("报送承接产业转移项目清单").unwrap(), page.find("赴长三角开展专题招商").unwrap());
    assert!(overdue_at < open_at, "overdue first");
    let rows = app.store.task_items(list, today).await.unwrap();
    assert_eq!(rows[0].state, TaskState::Overdue);
    assert_eq!(rows[0].overdue_days, Some(3));
    assert_eq!(rows[1].state, TaskState::Open);

    // 城固县's officer sees the list and 南郑区's item, but cannot mark it: 403, audited, still open.
    let chenggu_officer = spawn_client(&app);
    chenggu_officer.sign_in("officer-610722").await;
    let seen = chenggu_officer.get_html(&list_url).await;
    assert!(seen.contains("赴长三角开展专题招商"), "a unit sees the whole list");
    let done_url = format!("{list_url}/items/{item}/done");
    assert!(!seen.contains(&format!("action=\"{done_url}\"")), "no button on another unit's item");
    assert!(!seen.contains("交办任务"), "only the bureau hands out tasks");
    let denied_before = app.audit("write", "denied").await.len();
    let foreign = chenggu_officer.post_form(&list_url, &done_url, &[("version", "1")]).await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    let denials = app.audit("write", "denied").await;
    assert_eq!(denials.len(), denied_before + 1, "the denial is audited");
    assert_eq!(denials[0].entity, "task_item");
    assert_eq!(denials[0].entity_id, item.to_string());
    assert_eq!(app.store.task_item(item).await.unwrap().status, "open", "and the item stays open");
    let add_denied = chenggu_officer.post_form(&list_url, &items_url, &[("unit_id", &chenggu.to_string()), ("title", "自加任务"), ("due_on", &soon)]).await;
    assert_eq!(add_denied.status(), StatusCode::FORBIDDEN);
    let delete_denied = chenggu_officer.post_form(&list_url, &format!("{list_url}/items/{item}/delete"), &[("version", "1")]).await;
    assert_eq!(delete_denied.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.store.task_items(list, today).await.unwrap().len(), 2);

    // 南郑区's officer marks it done: the day is recorded and audited.
    let officer = spawn_client(&app);
    officer.sign_in("officer-610703").await;
    assert!(officer.get_html(&list_url).await.contains(&format!("action=\"{done_url}\"")));
    let done = officer.post_form(&list_url, &done_url, &[("version", "1")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let marked = app.store.task_item(item).await.unwrap();
    assert_eq!((marked.status.as_str(), marked.done_on, marked.version), ("done", Some(today), 2));
    assert!(app.audit("done", "ok").await.iter().any(|e| e.entity == "task_item" && e.entity_id == item.to_string()));

    // A stale form is refused with a message and changes nothing; reopening clears the day.
    let reopen_url = format!("{list_url}/items/{item}/reopen");
    let stale = officer.post_form(&list_url, &reopen_url, &[("version", "1")]).await;
    assert_eq!(stale.status(), StatusCode::OK);
    assert!(stale.text().await.unwrap().contains("已被他人更新"));
    assert_eq!(app.store.task_item(item).await.unwrap().status, "done");
    let reopened = officer.post_form(&list_url, &reopen_url, &[("version", "2")]).await;
    assert_eq!(reopened.status(), StatusCode::SEE_OTHER);
    let open = app.store.task_item(item).await.unwrap();
    assert_eq!((open.status.as_str(), open.done_on), ("open", None));
    let done = officer.post_form(&list_url, &done_url, &[("version", "3")]).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);

    // The bureau edits: a bad date is refused and changes nothing; a good edit is saved.
    let late_item = rows[0].item.id;
    let edit_url = format!("{list_url}/items/{late_item}");
    let chenggu_text = chenggu.to_string();
    let bad_edit = app.post_form(&list_url, &edit_url, &[("version", "1"), ("unit_id", &chenggu_text), ("title", "报送项目清单（改）"), ("due_on", "明天")]).await;
    assert_eq!(bad_edit.status(), StatusCode::OK);
    let bad_page = bad_edit.text().await.unwrap();
    assert!(bad_page.contains("截止日期「明天」无法识别") && bad_page.contains("报送项目清单（改）"));
    assert_eq!(app.store.task_item(late_item).await.unwrap().version, 1);
    let edited = app.post_form(&list_url, &edit_url, &[("version", "1"), ("unit_id", &chenggu_text), ("title", "报送承接产业转移项目清单（第一批）"), ("due_on", &soon)]).await;
    assert_eq!(edited.status(), StatusCode::SEE_OTHER);
    let after = app.store.task_item(late_item).await.unwrap();
    assert_eq!((after.title.as_str(), after.version, after.due_on.to_string()), ("报送承接产业转移项目清单（第一批）", 2, soon.clone()));

    // Per-unit counts for the year: what the leader's view and the dispatch read.
    let counts = app.store.task_counts(today.year(), today).await.unwrap();
    let of = |unit: i64| counts.iter().find(|c| c.unit_id == unit).map(|c| (c.total, c.done, c.overdue)).unwrap();
    assert_eq!(of(nanzheng), (1, 1, 0));
    assert_eq!(of(chenggu), (1, 0, 0));
    let overview = app.get_html(&format!("/assessment/tasks?year={year}")).await;
    assert!(overview.contains("承接东部产业转移任务清单") && overview.contains("南郑区") && overview.contains("50.0%"));

    // Excel: the items as the page lists them.
    let xlsx = officer.get(&format!("{list_url}/export.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let table = office::xlsx::read_first_sheet(&xlsx.bytes().await.unwrap()).unwrap();
    let has = |text: &str| table.iter().any(|row| row.iter().any(|c| c == text));
    assert!(has("赴长三角开展专题招商") && has("报送承接产业转移项目清单（第一批）") && has("已完成") && has("南郑区") && has("城固县"));
    let filtered = office::xlsx::read_first_sheet(&officer.get(&format!("{list_url}/export.xlsx?unit_id={nanzheng}")).await.bytes().await.unwrap()).unwrap();
    assert!(!filtered.iter().any(|row| row.iter().any(|c| c == "城固县")), "the export follows the filter");

    // The bureau deletes an item; the audit keeps what it was.
    let stale_delete = app.post_form(&list_url, &format!("{edit_url}/delete"), &[("version", "1")]).await;
    assert_eq!(stale_delete.status(), StatusCode::OK);
    assert_eq!(app.store.task_items(list, today).await.unwrap().len(), 2);
    let deleted = app.post_form(&list_url, &format!("{edit_url}/delete"), &[("version", "2")]).await;
    assert_eq!(deleted.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.store.task_items(list, today).await.unwrap().len(), 1);
    let audit = app.audit("delete", "ok").await;
    let entry = audit.iter().find(|e| e.entity == "task_item" && e.entity_id == late_item.to_string()).expect("the delete is audited");
    assert!(entry.before.contains("报送承接产业转移项目清单（第一批）"), "with the before image");

    // An item reached through another list's path is not found there.
    let other = app.post_form("/assessment/tasks", "/assessment/tasks", &[("year", &year), ("name", "另一张清单")]).await;
    let other = id_after(&location(&other), "/assessment/tasks/");
    let wrong = officer.post_form(&list_url, &format!("/assessment/tasks/{other}/items/{item}/reopen"), &[("version", "4")]).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_list_has_items_for_every_county_some_done_some_overdue() {
    let app = spawn_app().await;
    let today = Utc::now().date_naive();
    let list = app.store.seed_task_list(&store::Who::system("test"), today).await.unwrap();
    let rows = app.store.task_items(list.id, today).await.unwrap();
    let counties = app.store.units().await.unwrap().into_iter().filter(|u| u.kind == "county").count();
    assert_eq!(rows.len(), counties * 2);
    assert!(rows.iter().any(|r| r.state == TaskState::Done));
    assert!(rows.iter().any(|r| r.state == TaskState::Overdue));
    assert!(rows.iter().any(|r| r.state == TaskState::Open));
    app.sign_in("officer-610703").await;
    let page = app.get_html(&format!("/assessment/tasks/{}", list.id)).await;
    assert!(page.contains("承接东部产业转移任务清单") && page.contains("标记完成"));
}
