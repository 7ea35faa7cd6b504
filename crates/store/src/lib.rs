//! Database access for zhaoshang: entities, migrations and repositories over SQLite and
//! PostgreSQL through one set of SeaORM queries. The only crate that knows SQL.

pub mod aftercare;
pub mod api_tokens;
pub mod approvals;
pub mod assessment;
pub mod audit;
pub mod backup;
pub mod bulk;
pub mod chains;
pub mod cockpit;
mod db;
pub mod dispatch;
pub mod enterprises;
pub mod events;
pub mod follow_ups;
pub mod imports;
mod kept;
pub mod matching;
pub mod natives;
pub mod entities;
mod migration;
pub mod notifications;
pub mod passwords;
pub mod policies;
pub mod profile;
pub mod projects;
pub mod rates;
pub mod search_feed;
pub mod services;
pub mod sessions;
pub mod targets;
pub mod tasks;
pub mod settings;
pub mod test_support;
pub mod units;
pub mod users;
pub mod webhooks;

use std::time::Duration;

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseTransaction, DbBackend, DbErr,
    TransactionTrait,
};
use sea_orm_migration::MigratorTrait;

pub use migration::Migrator;
pub use db::{Db, one_connection, release_connection};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库操作失败")]
    Db(#[from] DbErr),
    #[error("{0}")]
    NotFound(String),
    /// Input that breaks a rule; the message is for the user, in Chinese.
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Conflict(String),
    /// The record exists already; `id` is the existing one, to link to.
    #[error("{message}")]
    Duplicate { message: String, id: i64 },
    #[error("无法连接数据库（{url}）：{reason}")]
    Connect { url: String, reason: String },
    #[error("文件读写失败：{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Who is acting, as the audit log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    pub user_id: Option<i64>,
    pub username: String,
    pub unit_id: Option<i64>,
    pub ip: String,
}

impl StoreError {
    /// No connection of the pool became free within the pool's wait, or (SQLite) the write gate
    /// did not open within the busy timeout: the instance is overloaded or its pool too small,
    /// and the same request may well succeed a moment later.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Db(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)))
    }
}

impl Who {
    /// The command line or a background job acting on its own.
    pub fn system(what: &str) -> Who {
        Who { user_id: None, username: format!("system:{what}"), unit_id: None, ip: String::new() }
    }
}

/// A handle on the database. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pub db: Db,
    /// Scores of published assessment runs, parsed once: a run's results never change.
    pub(crate) frozen_scores: assessment::ScoresCache,
    /// The unit directory and the industry profile, kept briefly (see [`kept`]).
    pub(crate) units: kept::Kept<units::Directory>,
    pub(crate) profile: kept::Kept<Vec<profile::ClusterTree>>,
    /// Every account's display name, kept briefly (see [`Store::user_names`]).
    pub(crate) user_names: kept::Kept<std::collections::HashMap<i64, String>>,
    /// The weekly dispatch's rules, kept briefly.
    pub(crate) dispatch_rules: kept::Kept<domain::dispatch::DispatchRules>,
    /// SQLite's writers queue here (see [`Store::begin_write`]).
    write_gate: std::sync::Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction ([`Store::begin_write`]). On SQLite it also holds the store's write gate
/// until it ends: one writer at a time.
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _gate: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTxn {
    pub async fn commit(self) -> std::result::Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> std::result::Result<(), DbErr> {
        self.txn.rollback().await
    }
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;

    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> std::result::Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> std::result::Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// How long a writer waits for SQLite's write lock: the busy timeout, and the gate's wait.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// Rows a SQLite connection's thread may read ahead of the page taking them.
const ROWS_AHEAD: usize = 4096;

impl Store {
    /// Connects; for SQLite the file (and its folder) is created when missing and WAL,
    /// foreign keys, a busy timeout and NORMAL synchronous mode are set on every connection.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store> {
        let fail = |reason: String| StoreError::Connect { url: redact(url), reason };
        if let Some(path) = sqlite_path(url) {
            if let Some(dir) = std::path::Path::new(&path).parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| fail(format!("无法创建目录 {}：{e}", dir.display())))?;
            }
        }
        let mut options = ConnectOptions::new(url.to_string());
        options
            .max_connections(max_connections.max(1))
            .min_connections(1)
            .connect_timeout(Duration::from_secs(5))
            .acquire_timeout(Duration::from_secs(10))
            // sqlx pings a connection when it returns to the pool, and by default again when it
            // is taken: every statement cost three trips to SQLite's worker thread or to
            // PostgreSQL. Only a connection idle this long is pinged before use.
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            .sqlx_logging(false)
            .map_sqlx_sqlite_opts(|o| {
                o.create_if_missing(true)
                    .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                    .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(WRITE_WAIT)
                    // ANALYZE (and `PRAGMA optimize`) read a sample of each index, not all of it.
                    .pragma("analysis_limit", "1000")
                    // sqlx runs each connection on a thread of its own and hands rows over a channel.
                    // With its default of 50 rows, a statement reading thousands (the city's
                    // projects, a rates page) stalled that thread on every row the page had not yet
                    // taken, and woke it again for the next: two thread switches a row. With room
                    // for this many the thread reads a whole page's rows and goes back to sleep.
                    .row_buffer_size(ROWS_AHEAD)
            })
            .map_sqlx_sqlite_pool_opts(|pool| pool.after_connect(|conn, _| Box::pin(async move { plan_from_sql_alone(conn, true).await.map(drop) })));
        let db = Database::connect(options).await.map_err(|e| fail(e.to_string()))?;
        Ok(Store { db: Db::new(db), frozen_scores: Default::default(), units: Default::default(), profile: Default::default(), user_names: Default::default(), dispatch_rules: Default::default(), write_gate: Default::default() })
    }

    /// Forgets everything kept: after a write to the units or the profile (a unit's name is shown
    /// in the profile as a chain's lead), and after a restore.
    pub(crate) fn forget_kept(&self) {
        self.units.forget();
        self.profile.forget();
        self.user_names.forget();
        self.dispatch_rules.forget();
    }

    pub fn backend(&self) -> DbBackend {
        self.db.get_database_backend()
    }

    pub async fn migrate(&self) -> Result<()> {
        Migrator::up(self.db.pool(), None).await?;
        Ok(())
    }

    /// Names of applied migrations, oldest first.
    pub async fn schema_version(&self) -> Result<Vec<String>> {
        let applied = Migrator::get_applied_migrations(self.db.pool()).await?;
        Ok(applied.iter().map(|m| m.name().to_string()).collect())
    }

    pub async fn pending_migrations(&self) -> Result<usize> {
        Ok(Migrator::get_pending_migrations(self.db.pool()).await?.len())
    }

    /// Gives the query planner statistics where they are missing or stale. SQLite keeps none
    /// until asked, and without them it guesses: a county's red projects were found by reading
    /// every red project of the province (2.5 ms instead of 0.4 ms at province scale), and the
    /// officer's home page cost three times what it does with them. `PRAGMA optimize` analyses
    /// only the tables that never were or whose size changed markedly since, each from a sample,
    /// so it is cheap enough to run at start and every few minutes. PostgreSQL's autovacuum
    /// keeps its own statistics.
    pub async fn optimize(&self) -> Result<()> {
        if self.backend() == DbBackend::Sqlite {
            self.db.execute_unprepared("PRAGMA optimize=0x10002").await?;
        }
        Ok(())
    }

    pub async fn ping(&self) -> Result<()> {
        self.db.pool().ping().await?;
        Ok(())
    }

    /// Connections open and idle in the pool, for /metrics.
    pub fn pool_use(&self) -> (u32, usize) {
        match self.backend() {
            DbBackend::Postgres => {
                let pool = self.db.pool().get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.pool().get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        }
    }

    /// Begins a transaction that writes. Its first statement ([`first_write`]) serialises
    /// writers: SQLite takes its write lock at once (no failed lock upgrade later), PostgreSQL
    /// locks the audit chain's head row (`FOR UPDATE`) until commit, so audit entries chain in
    /// commit order.
    ///
    /// On SQLite the writers of this process first queue for the store's write gate, and hold it
    /// until the transaction ends. SQLite itself does not queue a writer that finds the lock taken:
    /// its busy handler puts the connection to sleep for 1, 2, 5, 10 … 100 ms and tries again, so
    /// under a steady stream of writes a follow-up waited a quarter of a second at the 99th
    /// percentile for a lock held a few milliseconds at a time (docs/performance.md). The gate
    /// hands the lock on in arrival order the moment it is free. PostgreSQL queues row locks
    /// itself.
    pub async fn begin_write(&self) -> Result<WriteTxn> {
        let gate = match self.backend() {
            DbBackend::Sqlite => {
                // Not while holding the request's connection: the writer ahead may need one.
                db::release_connection().await;
                // As long as SQLite would have waited for its lock (the busy timeout), and then
                // the same answer as when no connection comes free: busy, try again.
                let queued = tokio::time::timeout(WRITE_WAIT, self.write_gate.clone().lock_owned()).await;
                Some(queued.map_err(|_| StoreError::Db(DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout)))?)
            }
            _ => None,
        };
        let txn = self.db.begin().await?;
        txn.execute_unprepared(&first_write(self.backend(), search_feed::writer())).await?;
        Ok(WriteTxn { txn, _gate: gate })
    }
}

/// Notes that a transaction begun without [`Store::begin_write`] (a bulk load, a restore) writes as
/// no account: on SQLite `search_writer` would otherwise still name the last request's writer.
async fn write_as_no_one(txn: &impl ConnectionTrait) -> Result<()> {
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared(&first_write(DbBackend::Sqlite, None)).await?;
    }
    Ok(())
}

/// The first statement of a transaction that writes: it takes the write lock, and tells the search
/// outbox's triggers which account writes (migration m0018). SQLite writes the account to
/// `search_writer`, which takes its write lock as a write to the head row would (one writer at a
/// time, so the row names this transaction's writer while it runs; it keeps it until the next);
/// PostgreSQL locks the audit chain's head row and sets the account for the transaction.
fn first_write(backend: DbBackend, writer: Option<i64>) -> String {
    match (backend, writer) {
        (DbBackend::Sqlite, Some(w)) => format!("UPDATE search_writer SET writer = {w} WHERE id = 1"),
        (DbBackend::Sqlite, None) => "UPDATE search_writer SET writer = NULL WHERE id = 1".to_string(),
        (_, Some(w)) => format!("SELECT seq, set_config('zs.writer', '{w}', true) FROM audit_head WHERE id = 1 FOR UPDATE"),
        (_, None) => audit::LOCK_HEAD_POSTGRES.to_string(),
    }
}

/// SQLite (3.51) plans a statement with `LIMIT ?`, which is how SeaORM writes every limit, from the
/// value bound to it, and so marks the prepared statement to be prepared again whenever it is bound
/// to another value: under the province load 4.4 % of the server's time went to preparing the same
/// statements again (docs/performance.md). The query planner stability guarantee plans from the SQL
/// and the statistics alone, so a cached statement stays prepared. Nothing here needs a plan made
/// from bound values: no `LIKE` pattern starts with a bound prefix (names are searched for anywhere
/// in them), and there are no STAT4 samples to estimate ranges from.
///
/// `enable` false leaves the option as it is; either way returns whether it is now on.
async fn plan_from_sql_alone(conn: &mut sea_orm::sqlx::SqliteConnection, enable: bool) -> Result<bool, sea_orm::sqlx::Error> {
    use std::ffi::c_int;
    let mut handle = conn.lock_handle().await?;
    let db = handle.as_raw_handle().as_ptr();
    let mut now: c_int = 0;
    // SAFETY: `db` is this connection's open handle, locked for the call. The option takes an int
    // (1 on, -1 unchanged) and a pointer to an int that receives the setting afterwards.
    let rc = unsafe { libsqlite3_sys::sqlite3_db_config(db, libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG, if enable { 1 } else { -1 } as c_int, &mut now as *mut c_int) };
    if rc != libsqlite3_sys::SQLITE_OK {
        return Err(sea_orm::sqlx::Error::Protocol(format!("SQLite refused the query planner stability guarantee (code {rc})")));
    }
    Ok(now == 1)
}

fn sqlite_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_string())
}

/// A database URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme + 3], &creds[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_table() {
        let cases = [
            ("postgres://zs:secret@db:5432/zs", "postgres://zs:***@db:5432/zs"),
            ("postgres://postgres@127.0.0.1/test", "postgres://postgres@127.0.0.1/test"),
            ("sqlite://data/zhaoshang.db", "sqlite://data/zhaoshang.db"),
        ];
        for (url, expected) in cases {
            assert_eq!(redact(url), expected);
        }
    }

    #[tokio::test]
    async fn every_sqlite_connection_plans_from_sql_alone() {
        let store = Store::connect("sqlite::memory:", 1).await.unwrap();
        let mut conn = store.db.pool().get_sqlite_connection_pool().acquire().await.unwrap();
        assert!(plan_from_sql_alone(&mut conn, false).await.unwrap(), "the pool's connection has the option on");
    }

    #[tokio::test]
    async fn a_connection_in_use_is_not_pinged_before_each_statement() {
        let store = Store::connect("sqlite::memory:", 1).await.unwrap();
        let pool = store.db.pool().get_sqlite_connection_pool();
        assert!(!pool.options().get_test_before_acquire(), "no ping on every acquire");
    }

    #[tokio::test]
    async fn writers_queue_and_a_transaction_ended_or_dropped_lets_the_next_in() {
        let db = crate::test_support::TestDb::new().await;
        let store = &db.store;
        let first = store.begin_write().await.unwrap();
        let s = store.clone();
        let second = tokio::spawn(async move { s.begin_write().await?.commit().await.map_err(StoreError::from) });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!second.is_finished(), "the second writer waits while the first is open");
        first.commit().await.unwrap();
        tokio::time::timeout(Duration::from_secs(3), second).await.expect("let in once the first committed").unwrap().unwrap();
        // A transaction given up without commit (an error on the way) lets the next writer in too.
        drop(store.begin_write().await.unwrap());
        let third = tokio::time::timeout(Duration::from_secs(3), store.begin_write()).await.expect("let in after the drop").unwrap();
        third.rollback().await.unwrap();
    }

    #[test]
    fn sqlite_path_table() {
        assert_eq!(sqlite_path("sqlite://data/zs.db?mode=rwc").as_deref(), Some("data/zs.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
