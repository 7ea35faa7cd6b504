//! The commands an operator runs, run as the real binary against a real database.

use std::process::{Command, Output};

use store::test_support::TestDb;

fn zhaoshang(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_zhaoshang"))
        .args(args)
        .env("ZS__DATABASE__URL", url)
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
