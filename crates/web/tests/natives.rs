//! The 汉商 network: a native of 城固县 running a company in 深圳 shows under his home county,
//! under 广东 and the 深圳 office that covers it, with his visits and the project he brought home;
//! his phone number stays with the unit that keeps the contact.

mod helpers;

use chrono::Utc;
use domain::project::{ProjectKind, SourceChannel};
use domain::target::FollowUpKind;
use helpers::*;
use reqwest::StatusCode;
use store::projects::ProjectInput;
use store::Who;

#[tokio::test]
async fn natives_by_home_work_and_office_with_what_they_brought() {
    let app = spawn_app().await;
    let who = Who::system("test");
    let nanzheng = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
    let input = store::enterprises::EnterpriseInput { name: "深圳汉江电池科技有限公司".into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    let company = app.store.create_enterprise(&who, &input, false).await.unwrap().id;
    let contact = store::enterprises::NewContact { name: "张汉生".into(), title: "董事长".into(), phone: "13800138000".into(), wechat: String::new(), is_native: true, home_county: "610722".into(), note: String::new() };
    app.store.add_contact(&who, company, nanzheng, &contact).await.unwrap();
    let other = store::enterprises::NewContact { name: "李四".into(), title: "经理".into(), phone: "13900000000".into(), wechat: String::new(), is_native: false, home_county: String::new(), note: String::new() };
    app.store.add_contact(&who, company, nanzheng, &other).await.unwrap();
    let today = Utc::now().date_naive();
    let visit = store::follow_ups::NewFollowUp { enterprise_id: company, target_id: None, project_id: None, happened_on: today, kind: FollowUpKind::Visit, place: "深圳".into(), latitude_e6: None, longitude_e6: None, participants: String::new(), summary: "回乡投资意向".into(), next_step: String::new(), next_due: None, client_key: "natives-visit-1".into() };
    let officer = app.store.user_by_name("officer-610703").await.unwrap().unwrap();
    app.store.create_follow_up(&who, officer.id, nanzheng, &visit, vec![]).await.unwrap();
    let project = ProjectInput { name: "汉江电池回乡项目".into(), enterprise_id: company, industry_code: "3841".into(), kind: Some(ProjectKind::New), total_wan: 1_000_000, source_channel: Some(SourceChannel::Native), source_unit_id: nanzheng, landing_unit_id: nanzheng, ..Default::default() };
    app.store.create_project(&who, &project, today, None).await.unwrap();

    app.sign_in("officer-610703").await;
    let page = app.get_html("/natives").await;
    assert!(page.contains("张汉生") && !page.contains("李四"), "only natives are listed");
    assert!(page.contains("城固县 1 人") && page.contains("广东省 1 人") && page.contains("驻深圳招商分局 1 人"), "{page}");
    assert!(page.contains("广东省 深圳市 南山区"));
    assert!(page.contains("13800138000"), "the unit that keeps the contact sees the phone");
    let net = app.store.native_network(&store::natives::NativeFilter::default()).await.unwrap();
    assert_eq!((net.total, net.projects, net.projects_signed, net.people[0].visits), (1, 1, 0, 1));

    // Filters: another home county or province finds nobody; bad input is explained.
    assert!(app.get_html("/natives?home=610723").await.contains("没有符合条件的汉商"));
    assert!(app.get_html("/natives?province=44").await.contains("张汉生"));
    assert!(app.get_html("/natives?province=31").await.contains("没有符合条件的汉商"));
    assert_eq!(app.get("/natives?province=广东").await.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // 城固县's officer sees the network, not the phone number 南郑区 keeps.
    let other = spawn_client(&app);
    other.sign_in("officer-610722").await;
    let theirs = other.get_html("/natives").await;
    assert!(theirs.contains("张汉生") && !theirs.contains("13800138000") && theirs.contains("由对接单位掌握"));
}
