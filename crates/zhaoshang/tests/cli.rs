//! The commands an operator runs, run as the real binary against a real database.

use std::process::{Command, Output};

use store::test_support::TestDb;

fn zhaoshang(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(args)
        .env("ZS__DATABASE__URL", url)
        // Tests keep the search index in memory (on PostgreSQL it would go to ./search-index).
        .env("ZS__SEARCH__DIR", ":memory:")
        .env_remove("ZS_ADMIN_PASSWORD")
        .output()
        .expect("run zhaoshang")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn an_unknown_config_key_is_named() {
    let dir = std::env::temp_dir().join(format!("zs_cli_cfg_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("zs.toml");
    std::fs::write(&file, "[server]\nbnd = \"0.0.0.0:1\"\n").unwrap();
    let output = zhaoshang("sqlite::memory:", &["--config", file.to_str().unwrap(), "migrate"]);
    assert!(!output.status.success());
    assert!(text(&output).contains("bnd"), "{}", text(&output));
    let output = Command::new(env!("CARGO_BIN_EXE_zhaoshang")).args(["migrate"]).env("ZS__SERVER__PORTT", "1").output().unwrap();
    assert!(!output.status.success());
    assert!(text(&output).contains("未知的配置项 ZS__SERVER__PORTT"), "{}", text(&output));
}

#[test]
fn an_unreachable_database_is_a_clear_message_not_a_panic() {
    let output = zhaoshang("postgres://postgres@127.0.0.1:1/none", &["migrate"]);
    assert_eq!(output.status.code(), Some(1));
    let all = text(&output);
    assert!(all.contains("无法连接数据库"), "{all}");
    assert!(!all.contains("panicked"), "{all}");
}

#[tokio::test]
async fn generate_manage_accounts_verify_back_up_and_restore() {
    let db = TestDb::new().await;
    let url = db.url.clone();
    let output = zhaoshang(&url, &["gen", "--scale", "city"]);
    assert!(output.status.success(), "{}", text(&output));
    assert!(text(&output).contains("单位 30 个"), "{}", text(&output));
    assert_eq!(db.store.count_users().await.unwrap(), 3 + 2 * 30 + 5 * 30);

    let again = zhaoshang(&url, &["gen"]);
    assert!(!again.status.success(), "gen refuses a database with data");

    let add = zhaoshang(&url, &["user", "add", "li-si", "--unit", "610703", "--role", "officer,unit_head", "--name", "李四"]);
    assert!(text(&add).contains("初始密码"), "{}", text(&add));
    let bad_unit = zhaoshang(&url, &["user", "add", "x1", "--unit", "999"]);
    assert!(text(&bad_unit).contains("没有代码为「999」的单位"));
    assert!(zhaoshang(&url, &["user", "lock", "li-si"]).status.success());
    assert!(text(&zhaoshang(&url, &["user", "list", "--unit", "610703"])).contains("li-si\t李四\t南郑区\tunit_head,officer [锁定]"));
    assert!(zhaoshang(&url, &["user", "unlock", "li-si"]).status.success());
    assert!(text(&zhaoshang(&url, &["user", "passwd", "li-si"])).contains("的新密码"));

    // An API token: printed once on stdout (the note goes to stderr), listed by prefix, revocable.
    let made = zhaoshang(&url, &["token", "create", "--user", "li-si", "--expires", "30", "--name", "统计局"]);
    assert!(made.status.success(), "{}", text(&made));
    let secret = String::from_utf8_lossy(&made.stdout).trim().to_string();
    assert!(secret.starts_with("zs_") && secret.len() == 67, "{secret}");
    let kept = zhaoshang(&url, &["token", "create", "--user", "li-si"]);
    let kept = String::from_utf8_lossy(&kept.stdout).trim().to_string();
    let listed = text(&zhaoshang(&url, &["token", "list", "--user", "li-si"]));
    assert!(listed.contains(&secret[..10]) && listed.contains("统计局") && !listed.contains(&secret), "{listed}");
    assert!(text(&zhaoshang(&url, &["token", "create", "--user", "li-si", "--expires", "400"])).contains("有效期应为 1 至 366 天"));
    assert!(text(&zhaoshang(&url, &["token", "create", "--user", "nobody"])).contains("没有用户 nobody"));
    let id = listed.lines().find(|l| l.contains("统计局")).and_then(|l| l.strip_prefix('#')).and_then(|l| l.split('\t').next()).unwrap().to_string();
    assert!(text(&zhaoshang(&url, &["token", "revoke", &id])).contains("已吊销"));
    let now = chrono::Utc::now();
    assert!(db.store.token_by_secret(&secret, now).await.unwrap().is_err(), "revoked");
    assert!(db.store.token_by_secret(&kept, now).await.unwrap().is_ok());

    let verify = zhaoshang(&url, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", text(&verify));
    assert!(text(&verify).contains("审计链完整"));

    let file = std::env::temp_dir().join(format!("zs_cli_backup_{}_{}.jsonl", std::process::id(), db.is_postgres()));
    let backup = zhaoshang(&url, &["backup", "--to", file.to_str().unwrap()]);
    assert!(backup.status.success(), "{}", text(&backup));
    let target = TestDb::new().await;
    let restore = zhaoshang(&target.url, &["restore", "--from", file.to_str().unwrap()]);
    assert!(restore.status.success(), "{}", text(&restore));
    assert_eq!(target.store.count_users().await.unwrap(), db.store.count_users().await.unwrap());
    assert!(target.store.token_by_secret(&kept, chrono::Utc::now()).await.unwrap().is_ok(), "tokens survive a restore");
    let refused = zhaoshang(&target.url, &["restore", "--from", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--force"));
    std::fs::remove_file(file).ok();
}

#[tokio::test]
async fn audit_verify_exits_1_and_names_the_broken_row() {
    use sea_orm::ConnectionTrait;
    let db = TestDb::new().await;
    assert!(zhaoshang(&db.url, &["gen"]).status.success());
    let drop_guard = if db.is_postgres() { "DROP TRIGGER audit_events_no_update ON audit_events" } else { "DROP TRIGGER audit_events_no_update" };
    db.store.db.execute_unprepared(drop_guard).await.unwrap();
    db.store.db.execute_unprepared("UPDATE audit_events SET username = 'someone-else' WHERE seq = 2").await.unwrap();
    let output = zhaoshang(&db.url, &["audit", "verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(text(&output).contains("第一条问题记录序号 2"), "{}", text(&output));
}

#[cfg(unix)]
#[tokio::test]
async fn serve_stops_cleanly_on_sigterm() {
    let db = TestDb::new().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(["serve", "--migrate", "--bind", &format!("127.0.0.1:{port}")])
        .env("ZS__DATABASE__URL", &db.url)
        .env("ZS__SEARCH__DIR", ":memory:")
        .spawn()
        .unwrap();
    let mut up = false;
    for _ in 0..100 {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/healthz")).await {
            up = r.status() == 200;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(up, "the server answered /healthz");
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
}

#[tokio::test]
async fn import_checks_reports_as_json_and_applies_a_gbk_csv_from_a_data_service() {
    let db = TestDb::new().await;
    db.store.load_profile(&store::Who::system("test"), include_str!("../../../profiles/hanzhong.toml")).await.unwrap();
    let dir = std::env::temp_dir().join(format!("zs_cli_import_{}_{}", std::process::id(), db.is_postgres()));
    std::fs::create_dir_all(&dir).unwrap();
    // As a company-data service exports it: a title row, its own column names, GBK.
    let csv = "企业名单导出（2026-11-27）\n\
               公司名称,统一社会信用代码,法定代表人,成立日期,注册资本,经营状态,所属省份,所属城市,所属区县\n\
               苏州华瑞航空科技有限公司,91110108551385082Q,张华,2015-03-02,5000万元人民币,存续,江苏省,苏州市,吴中区\n\
               坏代码有限公司,91110108551385082X,李四,2016/5/1,100万,存续,,,\n";
    let (gbk, _, _) = encoding_rs::GBK.encode(csv);
    let file = dir.join("企业名单.csv");
    std::fs::write(&file, &gbk).unwrap();
    let path = file.to_str().unwrap();
    let before = db.store.count_enterprises().await.unwrap();

    let dry = zhaoshang(&db.url, &["import", "enterprises", path, "--dry-run", "--json"]);
    assert_eq!(dry.status.code(), Some(0), "{}", text(&dry));
    let report: serde_json::Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(report["rows"], 2);
    assert_eq!(report["inserted"], 1);
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["errors"][0]["row"], 4, "row numbers as Excel shows them");
    assert_eq!(report["errors"][0]["column"], "统一社会信用代码");
    assert_eq!(db.store.count_enterprises().await.unwrap(), before, "a dry run writes nothing");

    let strict = zhaoshang(&db.url, &["import", "enterprises", path, "--strict", "--json"]);
    assert_eq!(strict.status.code(), Some(2), "{}", text(&strict));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before, "strict takes all or nothing");

    let applied = zhaoshang(&db.url, &["import", "enterprises", path, "--unit", "610703"]);
    assert_eq!(applied.status.code(), Some(0), "{}", text(&applied));
    assert!(text(&applied).contains("新增 1") && text(&applied).contains("第 4 行「统一社会信用代码」"), "{}", text(&applied));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before + 1);
    let again = zhaoshang(&db.url, &["import", "enterprises", path, "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!((report["inserted"].as_u64(), report["unchanged"].as_u64()), (Some(0), Some(1)), "re-import does not duplicate");

    // Not a table at all: exit 1 with a Chinese message, nothing written.
    let junk = dir.join("junk.xlsx");
    std::fs::write(&junk, b"PK\x03\x04 truncated zip").unwrap();
    let broken = zhaoshang(&db.url, &["import", "enterprises", junk.to_str().unwrap()]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(!text(&broken).contains("panicked"));
    assert!(text(&broken).contains("错误："), "{}", text(&broken));
    let unknown = zhaoshang(&db.url, &["import", "planets", path]);
    assert!(text(&unknown).contains("未知的导入内容「planets」"));
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn import_limits_come_from_the_configuration() {
    let db = TestDb::new().await;
    db.store.load_profile(&store::Who::system("test"), include_str!("../../../profiles/hanzhong.toml")).await.unwrap();
    let dir = std::env::temp_dir().join(format!("zs_cli_limits_{}_{}", std::process::id(), db.is_postgres()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("三行.csv");
    std::fs::write(&file, "企业名称,统一社会信用代码\n甲有限公司,\n乙有限公司,\n丙有限公司,\n").unwrap();
    let before = db.store.count_enterprises().await.unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(["import", "enterprises", file.to_str().unwrap(), "--json"])
        .env("ZS__DATABASE__URL", &db.url)
        .env("ZS__IMPORT__MAX_ROWS", "2")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    assert!(text(&output).contains("数据超过 2 行上限，请分批导入"), "{}", text(&output));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before, "nothing was written");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_universe_loads_in_batches_shows_progress_and_resumes_where_it_stopped() {
    let db = TestDb::new().await;
    db.store.load_profile(&store::Who::system("test"), include_str!("../../../profiles/hanzhong.toml")).await.unwrap();
    let dir = std::env::temp_dir().join(format!("zs_cli_universe_{}_{}", std::process::id(), db.is_postgres()));
    std::fs::create_dir_all(&dir).unwrap();
    // A data service's export: a title line, its column names, GBK, a scope with a line break.
    let mut csv = String::from("全国企业名录导出\n企业名称,法定代表人,注册资本,登记状态,所属省份,所属城市,所属区县,经营范围\n");
    for i in 1..=24 {
        let scope = if i == 5 { "\"碳纤维复合材料\n研发、生产\"".to_string() } else { "碳纤维复合材料研发".to_string() };
        let capital = if i == 23 { "很多".to_string() } else { format!("{}万元", 1000 + i) };
        csv.push_str(&format!("苏州全量{i}号材料有限公司,张{i},{capital},存续,江苏省,苏州市,吴中区,{scope}\n"));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&csv);
    let file = dir.join("全量企业.csv");
    std::fs::write(&file, &gbk).unwrap();
    let path = file.to_str().unwrap();
    let before = db.store.count_enterprises().await.unwrap();

    let first = zhaoshang(&db.url, &["universe", path, "--batch", "10", "--max-batches", "1"]);
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(text(&first).contains("已处理到第 12/26 行"), "{}", text(&first));
    assert!(text(&first).contains("再次运行同一命令即从断点继续"));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before + 10);

    let rest = zhaoshang(&db.url, &["universe", path, "--batch", "10"]);
    assert_eq!(rest.status.code(), Some(0), "{}", text(&rest));
    let out = text(&rest);
    assert!(out.contains("续传：第 12 行及以前已在此前导入"), "{out}");
    // The bad capital is reported at its row as Excel shows the file (a quoted break stays in its row).
    assert!(out.contains("第 25 行「注册资本」"), "{out}");
    assert!(out.contains("导入完成：新增 13") && out.contains("拒绝 1"), "{out}");
    assert!(out.contains("不会自动成为目标企业"));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before + 23);
    let (targets, _) = db.store.list_targets(domain::access::Visibility::All, &Default::default()).await.unwrap();
    assert!(targets.is_empty(), "a company becomes a target by choice, never by import");

    let again = zhaoshang(&db.url, &["universe", path]);
    assert!(text(&again).contains("续传：第 26 行及以前"), "{}", text(&again));
    assert_eq!(db.store.count_enterprises().await.unwrap(), before + 23, "nothing twice");
    std::fs::remove_dir_all(&dir).ok();
}
