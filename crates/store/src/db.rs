//! The connection the store works through: the pool, and within [`one_connection`] one pooled
//! connection held for a whole request.
//!
//! SeaORM takes a connection from the pool for every statement and gives it back after: the pool's
//! bookkeeping, a task spawned to return it, a test of the connection on the way back (a round trip
//! to SQLite's worker thread or to PostgreSQL) and the thread wake-ups around them, for each of the
//! eight or so statements of a page. Inside [`one_connection`] the statements sent outside a
//! transaction take one connection at the first, keep it, and give it back (tested once) when the
//! request ends: the province mix ran 10 % faster on SQLite (docs/performance.md). Each statement still runs on its own, in autocommit: it sees everything
//! committed before it, exactly as on a connection of its own from the pool.
//!
//! A transaction is begun on a connection of the pool, never on the held one, and the held one is
//! given back first: a request never waits for a second connection while holding one, so requests
//! cannot starve each other of connections.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use sea_orm::sea_query::Values;
use sea_orm::sqlx::pool::PoolConnection;
use sea_orm::sqlx::{self, Postgres, Sqlite};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    IsolationLevel, QueryResult, RuntimeErr, Statement, TransactionError, TransactionOptions, TransactionTrait,
};
use sea_query_sqlx::SqlxValues;

type Callback = Arc<dyn Fn(&sea_orm::metric::Info<'_>) + Send + Sync>;

/// The store's handle on the database: the pool, or the connection the current request holds.
#[derive(Clone)]
pub struct Db {
    pool: DatabaseConnection,
    metric: Option<Callback>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("pool", &self.pool).finish_non_exhaustive()
    }
}

/// A connection taken from the pool for the rest of a request.
enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// The connection of the request running on this task, once its first statement has taken one.
#[derive(Default)]
struct Held(tokio::sync::Mutex<Option<Conn>>);

tokio::task_local! {
    static HELD: Arc<Held>;
}

/// Runs `work` with the statements it sends outside a transaction on one connection, taken at the
/// first and given back to the pool when `work` ends. Tasks `work` spawns use the pool.
pub async fn one_connection<F: Future>(work: F) -> F::Output {
    HELD.scope(Arc::default(), work).await
}

fn held() -> Option<Arc<Held>> {
    HELD.try_with(Arc::clone).ok()
}

/// Gives back the connection the current request holds (its next statement takes one again).
/// Call it before waiting for a lock that another task holds across statements: were every
/// connection held by requests waiting so, that task could never get one to finish.
pub async fn release_connection() {
    if let Some(held) = held() {
        held.0.lock().await.take();
    }
}

fn query_err(e: sqlx::Error) -> DbErr {
    DbErr::Query(RuntimeErr::SqlxError(e.into()))
}

fn exec_err(e: sqlx::Error) -> DbErr {
    DbErr::Exec(RuntimeErr::SqlxError(e.into()))
}

fn acquire_err(e: sqlx::Error) -> DbErr {
    match e {
        sqlx::Error::PoolTimedOut => DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::Timeout),
        sqlx::Error::PoolClosed => DbErr::ConnectionAcquire(sea_orm::ConnAcquireErr::ConnectionClosed),
        e => DbErr::Conn(RuntimeErr::SqlxError(e.into())),
    }
}

/// Runs one statement as SeaORM would: on the pool with `$on_pool` outside a request; inside one,
/// `$run` with `$query` (the statement, its values bound) on `$conn`, the request's connection of
/// either database, taken first if the request holds none yet, and timed for the metric callback.
macro_rules! statement {
    ($db:expr, $stmt:expr, $on_pool:ident, |$query:ident, $conn:ident| $run:expr) => {{
        let Some(held) = held() else { return $db.pool.$on_pool($stmt).await };
        let mut slot = held.0.lock().await;
        let conn = match slot.take() {
            Some(conn) => slot.insert(conn),
            None => slot.insert($db.take_connection().await?),
        };
        let started = Instant::now();
        let values = $stmt.values.clone().unwrap_or(Values(Vec::new()));
        let got = match conn {
            Conn::Sqlite($conn) => {
                let $query = sqlx::query_with(sqlx::AssertSqlSafe($stmt.sql.as_str()), SqlxValues(values));
                let $conn = &mut **$conn;
                $run
            }
            Conn::Postgres($conn) => {
                let $query = sqlx::query_with(sqlx::AssertSqlSafe($stmt.sql.as_str()), SqlxValues(values));
                let $conn = &mut **$conn;
                $run
            }
        };
        if let Some(callback) = &$db.metric {
            callback(&sea_orm::metric::Info { elapsed: started.elapsed(), statement: &$stmt, failed: got.is_err() });
        }
        got
    }};
}

impl Db {
    pub(crate) fn new(pool: DatabaseConnection) -> Db {
        Db { pool, metric: None }
    }

    /// The pool itself, for what only it does (migrations, its size, closing).
    pub fn pool(&self) -> &DatabaseConnection {
        &self.pool
    }

    /// Calls `callback` with every statement's text and time, on the pool and on held connections.
    pub fn set_metric_callback<F>(&mut self, callback: F)
    where
        F: Fn(&sea_orm::metric::Info<'_>) + Send + Sync + 'static,
    {
        let callback: Callback = Arc::new(callback);
        let on_pool = callback.clone();
        self.pool.set_metric_callback(move |info| on_pool(info));
        self.metric = Some(callback);
    }

    async fn take_connection(&self) -> Result<Conn, DbErr> {
        Ok(match self.pool.get_database_backend() {
            DbBackend::Postgres => Conn::Postgres(self.pool.get_postgres_connection_pool().acquire().await.map_err(acquire_err)?),
            _ => Conn::Sqlite(self.pool.get_sqlite_connection_pool().acquire().await.map_err(acquire_err)?),
        })
    }

}

#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.pool.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        statement!(self, stmt, execute_raw, |query, conn| query.execute(conn).await.map(Into::into).map_err(exec_err))
    }

    /// Several statements in one string (migrations, pragmas): on the pool.
    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.pool.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        statement!(self, stmt, query_one_raw, |query, conn| query.fetch_optional(conn).await.map(|row| row.map(Into::into)).map_err(query_err))
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        statement!(self, stmt, query_all_raw, |query, conn| query.fetch_all(conn).await.map(|rows| rows.into_iter().map(Into::into).collect()).map_err(query_err))
    }

    fn support_returning(&self) -> bool {
        self.pool.support_returning()
    }
}

#[async_trait::async_trait]
impl TransactionTrait for Db {
    type Transaction = DatabaseTransaction;

    async fn begin(&self) -> Result<DatabaseTransaction, DbErr> {
        release_connection().await;
        self.pool.begin().await
    }

    async fn begin_with_config(&self, isolation_level: Option<IsolationLevel>, access_mode: Option<AccessMode>) -> Result<DatabaseTransaction, DbErr> {
        release_connection().await;
        self.pool.begin_with_config(isolation_level, access_mode).await
    }

    async fn begin_with_options(&self, options: TransactionOptions) -> Result<DatabaseTransaction, DbErr> {
        release_connection().await;
        self.pool.begin_with_options(options).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        release_connection().await;
        self.pool.transaction(callback).await
    }

    async fn transaction_with_config<F, T, E>(&self, callback: F, isolation_level: Option<IsolationLevel>, access_mode: Option<AccessMode>) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>> + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        release_connection().await;
        self.pool.transaction_with_config(callback, isolation_level, access_mode).await
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sea_orm::{ConnectionTrait, DbBackend, Statement, TransactionTrait};

    use super::one_connection;
    use crate::Store;

    async fn file_store(name: &str, connections: u32) -> (Store, std::path::PathBuf) {
        let path = std::env::temp_dir().join(format!("zs_db_{name}_{}.db", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let store = Store::connect(&format!("sqlite://{}", path.display()), connections).await.unwrap();
        (store, path)
    }

    fn sql(text: &str) -> Statement {
        Statement::from_string(DbBackend::Sqlite, text)
    }

    /// Waits until the pool has `idle` idle connections, up to five seconds; returns what it saw.
    async fn idle_becomes(store: &Store, idle: usize) -> usize {
        for _ in 0..100 {
            if store.pool_use().1 == idle {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        store.pool_use().1
    }

    #[tokio::test]
    async fn a_requests_statements_share_one_connection_and_give_it_back_at_the_end() {
        let (store, path) = file_store("held", 3).await;
        // Three idle connections: the pool hands them out in turn, so statements sent outside a
        // request land on different connections, and a temporary table is seen only by its own.
        let taken = [store.db.pool().get_sqlite_connection_pool().acquire().await.unwrap(), store.db.pool().get_sqlite_connection_pool().acquire().await.unwrap(), store.db.pool().get_sqlite_connection_pool().acquire().await.unwrap()];
        drop(taken);
        assert_eq!(idle_becomes(&store, 3).await, 3);
        store.db.execute_raw(sql("CREATE TEMP TABLE mine (x INTEGER)")).await.unwrap();
        assert!(store.db.query_all_raw(sql("SELECT x FROM temp.mine")).await.is_err(), "outside a request the next statement runs on another connection");

        let db = store.db.clone();
        let rows = one_connection(async {
            db.execute_raw(sql("CREATE TEMP TABLE ours (x INTEGER)")).await.unwrap();
            db.execute_raw(sql("INSERT INTO temp.ours VALUES (1), (2)")).await.unwrap();
            // A failed statement leaves the held connection usable.
            assert!(db.query_all_raw(sql("SELECT nothing FROM nowhere")).await.is_err());
            tokio::time::sleep(Duration::from_millis(200)).await;
            assert_eq!(store.pool_use().1, 2, "the request holds one connection between its statements");
            db.query_all_raw(sql("SELECT x FROM temp.ours")).await.unwrap().len()
        })
        .await;
        assert_eq!(rows, 2, "every statement of the request ran on the connection that made the table");
        assert_eq!(idle_becomes(&store, 3).await, 3, "the connection goes back to the pool when the request ends");
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn a_request_waiting_for_another_task_can_give_its_connection_to_it() {
        // One connection in all, held by the request; the task it waits for needs a connection.
        let (store, path) = file_store("let_go", 1).await;
        let db = store.db.clone();
        let answered = tokio::time::timeout(Duration::from_secs(5), one_connection(async {
            db.query_all_raw(sql("SELECT 1")).await.unwrap();
            super::release_connection().await;
            let other = db.clone();
            let task = tokio::spawn(async move { other.query_all_raw(sql("SELECT 2")).await.map(|rows| rows.len()) });
            let from_task = task.await.unwrap().unwrap();
            from_task + db.query_all_raw(sql("SELECT 3")).await.unwrap().len()
        }))
        .await
        .expect("the task got the connection the request gave back");
        assert_eq!(answered, 2);
        let _ = std::fs::remove_file(&path);
    }

    #[tokio::test]
    async fn a_transaction_in_a_request_never_waits_for_the_connection_the_request_holds() {
        // One connection in all: had the request kept it, the transaction would wait for it forever.
        let (store, path) = file_store("txn", 1).await;
        store.db.execute_raw(sql("CREATE TABLE notes (x INTEGER)")).await.unwrap();
        let db = store.db.clone();
        let counted = tokio::time::timeout(Duration::from_secs(5), one_connection(async {
            db.query_all_raw(sql("SELECT x FROM notes")).await.unwrap();
            let txn = db.begin().await.unwrap();
            txn.execute_raw(sql("INSERT INTO notes VALUES (7)")).await.unwrap();
            txn.commit().await.unwrap();
            // The read after the commit takes the connection again and sees the write.
            db.query_all_raw(sql("SELECT x FROM notes")).await.unwrap().len()
        }))
        .await
        .expect("the transaction did not wait for the held connection");
        assert_eq!(counted, 1);
        let _ = std::fs::remove_file(&path);
    }
}
