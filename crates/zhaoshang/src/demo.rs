//! `zhaoshang demo`: a demo database under DIR, made once and reused, and the accounts to try.

use std::path::Path;

use anyhow::Context;

use store::Store;
use web::Config;

use crate::generate::{self, Scale};

pub async fn prepare(config: &mut Config, data: &Path, reset: bool) -> anyhow::Result<Store> {
    let db = data.join("zhaoshang.db");
    if reset {
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", db.display());
            if Path::new(&file).exists() {
                std::fs::remove_file(&file).with_context(|| format!("无法删除 {file}"))?;
            }
        }
    }
    config.database.url = format!("sqlite://{}", db.display());
    let store = Store::connect(&config.database.url, config.database.max_connections).await?;
    store.migrate().await?;
    let fresh = store.is_empty().await?;
    if fresh {
        let report = generate::generate(&store, Scale::Demo).await?;
        println!("已生成演示数据：{report}");
    } else {
        println!("沿用已有演示数据库 {}（加 --reset 重新生成）", db.display());
        if std::env::var("ZS_ADMIN_PASSWORD").is_ok_and(|p| !p.is_empty()) {
            store.demo_set_all_passwords(&store::passwords::hash(&generate::demo_password())).await?;
        }
    }
    print_accounts(&store, config).await?;
    Ok(store)
}

async fn print_accounts(store: &Store, config: &Config) -> anyhow::Result<()> {
    let password = generate::demo_password();
    let password_note = if std::env::var("ZS_ADMIN_PASSWORD").is_ok_and(|p| !p.is_empty()) { "（来自 ZS_ADMIN_PASSWORD）" } else { "" };
    println!();
    println!("招商 · 演示站点：http://{}/", config.server.bind);
    println!("所有演示账号的密码：{password}{password_note}");
    println!("  admin   系统管理员");
    println!("  bureau  市局工作人员");
    println!("  leader  领导");
    for unit in store.units().await? {
        println!("  head-{0:<10} officer-{0:<10} {1}", unit.code, unit.name);
    }
    println!();
    Ok(())
}
