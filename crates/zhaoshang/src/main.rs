//! The zhaoshang binary: serve the site, make the demo, run migrations, manage accounts,
//! load the city profile, back up and restore, verify the audit chain, generate data.

mod bench;
mod companies;
mod demo;
mod generate;
mod load;
mod projects_gen;
mod sqlite_memory;
mod universe;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use domain::Role;
use store::{Store, Who, passwords};
use web::{Application, Config};

/// Imports and exports make and drop millions of small strings, across the request threads and
/// SQLite's worker thread; mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(name = "zhaoshang", version, about = "招商 · 投资促进工作平台 (investment promotion for a city bureau)")]
struct Cli {
    /// 数据库地址 Database URL (sqlite://FILE or postgres://…); overrides the config file.
    #[arg(long, global = true, env = "ZS__DATABASE__URL")]
    database_url: Option<String>,
    /// 配置文件 TOML config file.
    #[arg(long, global = true, env = "ZS_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 启动服务 Serve the web site.
    Serve {
        /// 监听地址 Address to listen on, e.g. 0.0.0.0:8080.
        #[arg(long)]
        bind: Option<String>,
        /// 启动前升级 PostgreSQL 数据库结构 Migrate a PostgreSQL database first (SQLite always migrates).
        #[arg(long)]
        migrate: bool,
    },
    /// 演示：新建演示数据库并启动 Make (or reuse) a demo database and serve it.
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// 演示数据目录 Folder of the demo database.
        #[arg(long, default_value = "demo-data")]
        data: PathBuf,
        /// 删除已有演示数据重新生成 Start over.
        #[arg(long)]
        reset: bool,
    },
    /// 升级数据库结构 Apply pending migrations.
    Migrate,
    /// 账号管理 Manage accounts.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// 产业链配置 City profile.
    Profile {
        #[command(subcommand)]
        action: ProfileAction,
    },
    /// 在线备份 Online, consistent backup to a file.
    Backup {
        #[arg(long)]
        to: PathBuf,
    },
    /// 从备份恢复 Restore a backup into an empty database.
    Restore {
        #[arg(long)]
        from: PathBuf,
        /// 覆盖非空数据库 Overwrite a database that has data.
        #[arg(long)]
        force: bool,
    },
    /// 压力测试 Load a running server over HTTP with the mix of a province's day (pages and API);
    /// needs the server's database (--database-url) to pick accounts and records.
    Load {
        /// The server, e.g. http://127.0.0.1:8080
        #[arg(long)]
        url: String,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Requests in flight at once.
        #[arg(long, default_value_t = 32)]
        connections: usize,
        /// County officers taking part.
        #[arg(long, default_value_t = 20)]
        officers: usize,
        /// The server's process id, to sample its memory (soak).
        #[arg(long)]
        pid: Option<u32>,
        /// Seconds between memory samples.
        #[arg(long, default_value_t = 30)]
        sample_seconds: u64,
        /// Send only the cheapest signed-in request (GET /api/v1/me): the ceiling of the server,
        /// its HTTP stack and this client on this machine, to set the mix's figures against.
        #[arg(long)]
        floor: bool,
        /// Send only the kinds of the mix whose name contains this (e.g. "search"), to see what
        /// one kind costs the server.
        #[arg(long)]
        only: Option<String>,
    },
    /// 接口令牌 API tokens for scripts and other systems.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// 审计日志 Audit log.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// 性能测试 Generate a data set once (SQLite, under --data) and measure page times.
    Bench {
        #[arg(long, value_enum, default_value = "province")]
        scale: generate::Scale,
        #[arg(long, default_value = "bench-data")]
        data: PathBuf,
        /// Requests per page measured.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
        /// 测导入导出 Measure the Excel import (against calamine alone) and the whole-library export instead of pages.
        #[arg(long)]
        office: bool,
        /// Rows of the import file for --office.
        #[arg(long, default_value_t = 100_000)]
        import_rows: usize,
        /// 测搜索与匹配 Measure search (index against SQL LIKE), ranking and precision instead of pages.
        #[arg(long)]
        search: bool,
        /// 全部指标 Everything: pages, search, imports and exports, then a load over HTTP, and one table of every figure against its requirement and floor.
        #[arg(long)]
        all: bool,
        /// Seconds of load over HTTP for --all.
        #[arg(long, default_value_t = 60)]
        load_seconds: u64,
    },
    /// 重建搜索索引 Rebuild this instance's search index from the database (the server must not be running on the same index folder).
    Reindex,
    /// 导入 Excel/CSV Import a spreadsheet: enterprises, targets, projects, followups or funds.
    Import {
        /// enterprises | targets | projects | followups | funds
        kind: String,
        file: PathBuf,
        /// 只检查不写入 Check every row and report; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// 导入到的单位代码 The unit the rows are for (default: the bureau).
        #[arg(long)]
        unit: Option<String>,
        /// 输出一个 JSON 对象 Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// 有任何一行不合格就不导入，退出码 2 Refuse the whole file when any row is rejected (exit 2).
        #[arg(long)]
        strict: bool,
    },
    /// 导入企业全量库 Load millions of companies into the universe in batches; run again to resume.
    Universe {
        file: PathBuf,
        /// 每批行数 Rows per batch (each batch is one transaction).
        #[arg(long, default_value_t = 5_000)]
        batch: usize,
        /// 导入到的单位代码 The unit recorded as importing (default: the bureau).
        #[arg(long)]
        unit: Option<String>,
        /// 本次最多导入的批数 Stop after this many batches; running again resumes.
        #[arg(long)]
        max_batches: Option<usize>,
    },
    /// 生成合成数据 Generate a deterministic synthetic data set.
    Gen {
        #[arg(long, value_enum, default_value = "demo")]
        scale: generate::Scale,
    },
}

#[derive(Subcommand)]
enum UserAction {
    /// 新建账号（打印初始密码）Add an account; prints its first password.
    Add {
        username: String,
        /// 单位代码 Unit code, e.g. 610703.
        #[arg(long)]
        unit: String,
        /// 角色 Roles, comma-separated: admin, bureau, leader, unit_head, officer, department, viewer.
        #[arg(long, default_value = "officer")]
        role: String,
        /// 姓名 Display name.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value = "")]
        phone: String,
    },
    /// 重置密码（打印新密码）Reset a password; prints the new one.
    Passwd { username: String },
    /// 锁定 Lock an account.
    Lock { username: String },
    /// 解锁 Unlock an account.
    Unlock { username: String },
    /// 列出账号 List accounts.
    List {
        #[arg(long)]
        unit: Option<String>,
    },
}

#[derive(Subcommand)]
enum ProfileAction {
    /// 加载新版本配置 Load a profile file as a new version.
    Load { file: PathBuf },
}

#[derive(Subcommand)]
enum TokenAction {
    /// 创建令牌（只打印这一次）Make a token for a user; prints it once.
    Create {
        /// 用户名 The user whose rights the token carries.
        #[arg(long)]
        user: String,
        /// 有效天数 Days until it expires (1–366).
        #[arg(long, default_value_t = 90)]
        expires: i64,
        /// 用途 What it is for.
        #[arg(long, default_value = "命令行创建")]
        name: String,
    },
    /// 列出某用户的令牌 List a user's tokens.
    List {
        #[arg(long)]
        user: String,
    },
    /// 吊销令牌 Revoke a token by id.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum AuditAction {
    /// 校验哈希链 Verify the hash chain; exit 1 if broken.
    Verify,
}

fn main() -> ExitCode {
    // Before the first database connection: SQLite may be configured only before it starts.
    sqlite_memory::configure();
    sqlite_memory::keep_freed_memory_briefly();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("错误：无法启动运行时：{e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `zhaoshang import`: exit 0 when it applied (or, with --dry-run, could read the file), 1 when the
/// file cannot be read as a table, 2 with --strict when any row was rejected (nothing written).
#[allow(clippy::too_many_arguments)]
async fn import_command(store: &Store, who: &Who, kind: &str, file: &std::path::Path, dry_run: bool, unit: Option<&str>, json: bool, strict: bool, limits: &office::table::Limits) -> anyhow::Result<ExitCode> {
    use domain::imports::ImportKind;
    let Some(kind) = ImportKind::parse(kind) else {
        bail!("未知的导入内容「{kind}」：应为 enterprises、targets、projects、followups 或 funds");
    };
    let units = store.units().await?;
    let unit = match unit {
        Some(code) => units.iter().find(|u| u.code == code).with_context(|| format!("没有代码为「{code}」的单位"))?,
        None => units.iter().find(|u| u.kind == "bureau").context("还没有单位：请先加载产业链配置（profile load）")?,
    };
    let fail = |message: String| {
        if json {
            println!("{}", serde_json::json!({ "error": message }));
        } else {
            eprintln!("错误：{message}");
        }
        Ok(ExitCode::from(1))
    };
    // The size limit is checked before the file is read into memory.
    match std::fs::metadata(file) {
        Ok(meta) if meta.len() > limits.max_bytes as u64 => return fail(office::table::TableError::TooLarge { max_bytes: limits.max_bytes }.to_string()),
        _ => {}
    }
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => return fail(format!("无法读取 {}：{e}", file.display())),
    };
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let rows = match web::routes::imports::read_rows(kind, &name, &bytes, limits) {
        Ok(rows) => rows,
        Err(message) => return fail(message),
    };
    let bureau_region = units.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.chars().take(4).collect()).unwrap_or_default();
    let scope = store::imports::Scope { unit_id: unit.id, writable_units: None, local_prefix: bureau_region };
    let import_file = store::imports::ImportFile { name, bytes };
    // A dry run or --strict looks first (strict writes only when every row is accepted); a plain
    // import applies at once, in one transaction, without a preview first.
    let (mut outcome, mut previewed) = (None, None);
    if dry_run || strict {
        let (looked, id) = store.run_import(who, kind, &import_file, &rows, &scope, true, None).await?;
        outcome = Some(looked);
        previewed = Some(id);
    }
    let refused = outcome.as_ref().is_some_and(|o| strict && o.rejected > 0);
    if !dry_run && !refused {
        outcome = Some(store.run_import(who, kind, &import_file, &rows, &scope, false, previewed).await?.0);
    }
    let outcome = outcome.context("nothing was run")?;
    if json {
        println!("{}", serde_json::to_string(&outcome)?);
    } else {
        let verb = if dry_run || refused { "检查" } else { "导入" };
        println!("{verb}{}「{}」：共 {} 行，新增 {}，更新 {}，未变 {}，拒绝 {}", kind.label(), file.display(), outcome.rows, outcome.inserted, outcome.updated, outcome.unchanged, outcome.rejected);
        for e in &outcome.errors {
            println!("  第 {} 行「{}」：{}", e.row, e.column, e.message);
        }
        if refused {
            println!("有不合格的行（--strict），全部未导入");
        }
    }
    Ok(if refused { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    // ZS__DATABASE__URL is read by clap into --database-url as well; both land in the same place.
    let mut config = Config::load(cli.config.as_deref(), std::env::vars())?;
    if let Some(url) = &cli.database_url {
        config.database.url = url.clone();
    }
    Ok(config)
}

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.filter));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if config.log.format == "json" { builder.json().try_init() } else { builder.try_init() };
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    Ok(Store::connect(&config.database.url, config.database.max_connections).await?)
}

fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = load_config(&cli)?;
    init_logging(&config);
    let cli_who = Who::system("cli");
    match cli.command {
        Command::Serve { bind, migrate } => {
            if let Some(bind) = bind {
                config.server.bind = bind;
            }
            let store = open(&config).await?;
            if migrate || is_sqlite(&config.database.url) {
                store.migrate().await.context("数据库结构升级失败")?;
            } else if store.pending_migrations().await? > 0 {
                bail!("数据库结构需要升级：请先运行 `zhaoshang migrate`（或 serve --migrate）");
            }
            serve(config, store).await?;
        }
        Command::Demo { bind, data, reset } => {
            config.server.bind = bind;
            let store = demo::prepare(&mut config, &data, reset).await?;
            serve(config, store).await?;
        }
        Command::Migrate => {
            let store = open(&config).await?;
            let pending = store.pending_migrations().await?;
            store.migrate().await.context("数据库结构升级失败")?;
            println!("已应用 {pending} 个迁移；当前结构：{}", store.schema_version().await?.join(", "));
        }
        Command::User { action } => {
            let store = open(&config).await?;
            store.migrate().await?;
            user_command(&store, &cli_who, action).await?;
        }
        Command::Profile { action: ProfileAction::Load { file } } => {
            let store = open(&config).await?;
            store.migrate().await?;
            let text = std::fs::read_to_string(&file).with_context(|| format!("无法读取 {}", file.display()))?;
            let report = store.load_profile(&cli_who, &text).await?;
            println!(
                "已加载配置版本 #{}：单位新增 {}、更新 {}；集群 {}、产业链 {}、环节 {}；停用 {}",
                report.version_id, report.units_added, report.units_updated, report.clusters, report.chains, report.links, report.retired
            );
        }
        Command::Import { kind, file, dry_run, unit, json, strict } => {
            let store = open(&config).await?;
            store.migrate().await?;
            let limits = web::routes::imports::limits(&config);
            return import_command(&store, &cli_who, &kind, &file, dry_run, unit.as_deref(), json, strict, &limits).await;
        }
        Command::Backup { to } => {
            let store = open(&config).await?;
            let counts = store.backup_to(&to).await?;
            let rows: u64 = counts.iter().map(|(_, n)| n).sum();
            println!("备份完成：{}（{} 张表，{rows} 行）", to.display(), counts.len());
        }
        Command::Restore { from, force } => {
            let store = open(&config).await?;
            store.migrate().await?;
            let counts = store.restore_from(&from, force).await?;
            let rows: u64 = counts.iter().map(|(_, n)| n).sum();
            println!("恢复完成：{} 张表，{rows} 行", counts.len());
            let check = store::audit::verify(&store).await?;
            if let Some((seq, _, why)) = check.broken {
                bail!("恢复后审计链校验失败：序号 {seq}：{why}");
            }
        }
        Command::Load { url, seconds, connections, officers, pid, sample_seconds, floor, only } => {
            let store = open(&config).await?;
            let outcome = load::run(&store, load::Options { url, seconds, connections, officers, pid, sample_seconds, floor, only }).await?;
            return Ok(if outcome.errors == 0 { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        Command::Token { action } => {
            let store = open(&config).await?;
            store.migrate().await?;
            token_command(&store, &cli_who, action).await?;
        }
        Command::Audit { action: AuditAction::Verify } => {
            let store = open(&config).await?;
            let check = store::audit::verify(&store).await?;
            match check.broken {
                None => println!("审计链完整：已校验 {} 条记录", check.checked),
                Some((seq, id, why)) => {
                    println!("审计链被破坏：第一条问题记录序号 {seq}（id {id}）：{why}；此前 {} 条完好", check.checked);
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Universe { file, batch, unit, max_batches } => {
            let store = open(&config).await?;
            store.migrate().await?;
            let limits = web::routes::imports::limits(&config);
            return universe::load(&store, &cli_who, universe::Options { file: &file, batch, unit: unit.as_deref(), limits, max_batches }).await;
        }
        Command::Reindex => {
            let store = open(&config).await?;
            store.migrate().await?;
            let folder = config.search.folder(&config.database.url);
            let Some(dir) = folder.clone() else { bail!("search.dir 设为 :memory: 时索引不落盘，无需重建") };
            let index = search::Search::open(store, folder).await?;
            let started = std::time::Instant::now();
            let docs = index
                .rebuild(&|kind, at, max| {
                    if at == max || at % 100_000 < 5_000 {
                        eprintln!("{}：{at}/{max}", kind.label());
                    }
                })
                .await?;
            println!("索引重建完成：{docs} 条记录，用时 {:.1} 秒，位于 {}", started.elapsed().as_secs_f64(), dir.display());
        }
        Command::Bench { scale, data, rounds, office, import_rows, search, all, load_seconds } => {
            let mut summary = bench::Summary::default();
            if all {
                bench::all(scale, &data, rounds, import_rows, load_seconds, &mut summary).await?;
            } else if search {
                bench::search(scale, &data, rounds, &mut summary).await?;
            } else if office {
                bench::office(scale, &data, import_rows, &mut summary).await?;
            } else {
                bench::run(scale, &data, rounds, &mut summary).await?;
            }
            summary.print();
        }
        Command::Gen { scale } => {
            let store = open(&config).await?;
            store.migrate().await?;
            let report = generate::generate(&store, scale).await?;
            store.optimize().await?;
            println!("{report}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(config: Config, store: Store) -> anyhow::Result<()> {
    let app = Application::build(config, store).await.context("无法监听地址")?;
    tracing::info!(port = app.port(), "serving");
    app.run_until_stopped().await?;
    Ok(())
}

async fn user_command(store: &Store, who: &Who, action: UserAction) -> anyhow::Result<()> {
    let find = |username: String| async move {
        store.user_by_name(&username).await?.with_context(|| format!("没有用户「{username}」"))
    };
    match action {
        UserAction::Add { username, unit, role, name, phone } => {
            let unit = store.unit_by_code(&unit).await?.with_context(|| format!("没有代码为「{unit}」的单位"))?;
            let roles = Role::parse_list(&role).map_err(anyhow::Error::msg)?;
            let password = passwords::random_password();
            let new = store::users::NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username: username.to_lowercase(),
                phone,
                unit_id: unit.id,
                roles,
                password_hash: passwords::hash(&password),
                must_change_password: true,
            };
            let user = store.create_user(who, new).await?;
            println!("已创建 {}（{}），初始密码：{password}（首次登录须修改）", user.username, unit.name);
        }
        UserAction::Passwd { username } => {
            let user = find(username).await?;
            let password = passwords::random_password();
            store.set_password(who, user.id, passwords::hash(&password), true, None).await?;
            println!("{} 的新密码：{password}（登录后须修改）", user.username);
        }
        UserAction::Lock { username } => {
            let user = find(username).await?;
            store.set_locked(who, user.id, Some(chrono::Utc::now() + chrono::Duration::days(3650))).await?;
            println!("已锁定 {}", user.username);
        }
        UserAction::Unlock { username } => {
            let user = find(username).await?;
            store.set_locked(who, user.id, None).await?;
            println!("已解锁 {}", user.username);
        }
        UserAction::List { unit } => {
            let unit_id = match unit {
                Some(code) => Some(store.unit_by_code(&code).await?.with_context(|| format!("没有代码为「{code}」的单位"))?.id),
                None => None,
            };
            let units = store.units().await?;
            for u in store.users(unit_id, "").await? {
                let unit_name = units.iter().find(|x| x.id == u.unit_id).map_or("", |x| x.name.as_str());
                let locked = if u.locked_until.is_some_and(|t| t > chrono::Utc::now()) { " [锁定]" } else { "" };
                let inactive = if u.active { "" } else { " [停用]" };
                println!("{}\t{}\t{}\t{}{locked}{inactive}", u.username, u.display_name, unit_name, u.roles);
            }
        }
    }
    Ok(())
}

async fn token_command(store: &Store, who: &Who, action: TokenAction) -> anyhow::Result<()> {
    let user_named = |name: String| async move {
        store.user_by_name(&name).await?.ok_or_else(|| anyhow::anyhow!("没有用户 {name}"))
    };
    match action {
        TokenAction::Create { user, expires, name } => {
            let owner = user_named(user).await?;
            let made = store.create_token(who, owner.id, &name, expires).await?;
            println!("{}", made.secret);
            eprintln!("已为 {} 创建令牌 #{}（{}），{} 到期。令牌只显示这一次，请妥善保存。", owner.username, made.token.id, made.token.name, made.token.expires_at.format("%Y-%m-%d %H:%M UTC"));
        }
        TokenAction::List { user } => {
            let owner = user_named(user).await?;
            let now = chrono::Utc::now();
            for t in store.tokens_of(owner.id).await? {
                let status = match (t.revoked_at, t.expires_at <= now) {
                    (Some(_), _) => "已吊销",
                    (None, true) => "已过期",
                    (None, false) => "有效",
                };
                println!("#{}\t{}…\t{}\t{}\t到期 {}", t.id, t.prefix, status, t.name, t.expires_at.format("%Y-%m-%d"));
            }
        }
        TokenAction::Revoke { id } => {
            let t = store.revoke_token(who, id).await?;
            println!("已吊销令牌 #{}（{}）", t.id, t.name);
        }
    }
    Ok(())
}
