//! A fresh database per test: a temporary SQLite file by default, or a new PostgreSQL
//! database on the server named by `ZS_TEST_DATABASE_URL`, dropped when the test ends.

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};

use crate::Store;

pub struct TestDb {
    pub url: String,
    pub store: Store,
    /// Taken by `remove`; what is left is removed on drop (also after a panic).
    cleanup: Option<Cleanup>,
}

enum Cleanup {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// A migrated, empty database.
    pub async fn new() -> TestDb {
        let db = TestDb::unmigrated(true).await;
        db.store.migrate().await.expect("migrate the test database");
        db
    }

    /// An empty database without any migration applied: on the server of `ZS_TEST_DATABASE_URL`
    /// when it is set and `postgres_if_set`, otherwise a temporary SQLite file.
    pub async fn unmigrated(postgres_if_set: bool) -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let tag = format!("{}_{}_{n}", std::process::id(), chrono::Utc::now().timestamp_micros() % 1_000_000_000);
        let (url, cleanup) = match std::env::var("ZS_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty() && postgres_if_set) {
            Some(admin_url) => {
                let name = format!("zs_t_{tag}");
                let admin = Database::connect(admin_url.as_str()).await.expect("connect to ZS_TEST_DATABASE_URL");
                admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("create test database");
                admin.close().await.ok();
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
                (format!("{base}/{name}"), Cleanup::Postgres { admin_url: admin_url.clone(), name })
            }
            None => {
                let path = std::env::temp_dir().join(format!("zs_t_{tag}.db"));
                (format!("sqlite://{}", path.display()), Cleanup::Sqlite(path))
            }
        };
        let store = Store::connect(&url, 8).await.expect("connect to the test database");
        TestDb { url, store, cleanup: Some(cleanup) }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self.cleanup, Some(Cleanup::Postgres { .. }))
    }

    /// The SQLite file, for a tool that opens it by path.
    pub fn sqlite_path(&self) -> Option<&std::path::Path> {
        match &self.cleanup {
            Some(Cleanup::Sqlite(path)) => Some(path),
            _ => None,
        }
    }

    /// Closes the connections and removes the database without blocking the runtime (drop
    /// does the same from a thread of its own, which holds up other tasks meanwhile).
    pub async fn remove(mut self) {
        self.store.db.pool().clone().close().await.ok();
        match self.cleanup.take() {
            Some(Cleanup::Postgres { admin_url, name }) => {
                if let Ok(admin) = Database::connect(admin_url.as_str()).await {
                    admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok();
                    admin.close().await.ok();
                }
            }
            Some(Cleanup::Sqlite(path)) => remove_sqlite(&path),
            None => {}
        }
    }
}

fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    // A search index kept beside the file, if a test made one.
    let _ = std::fs::remove_dir_all(format!("{}.search", path.display()));
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            None => {}
            Some(Cleanup::Sqlite(path)) => remove_sqlite(path),
            Some(Cleanup::Postgres { admin_url, name }) => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime; use a runtime of our own on another thread.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().ok()?;
                    rt.block_on(async {
                        let admin = Database::connect(admin_url.as_str()).await.ok()?;
                        admin.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await.ok()?;
                        admin.close().await.ok()
                    })
                })
                .join();
            }
        }
    }
}

impl TestDb {
    /// Moves every session's last request and sign-in back in time, to test the timeouts.
    pub async fn backdate_sessions(&self, last_seen_ago: chrono::Duration, signed_in_ago: chrono::Duration) {
        use crate::entities::session;
        use sea_orm::{EntityTrait, sea_query::Expr};
        let now = chrono::Utc::now();
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now - last_seen_ago))
            .col_expr(session::Column::CreatedAt, Expr::value(now - signed_in_ago))
            .exec(&self.store.db)
            .await
            .expect("backdate sessions");
    }

    /// Moves a request's deadline into the past (the application refuses to set one there).
    pub async fn backdate_request(&self, id: i64, deadline: chrono::NaiveDate) {
        use crate::entities::request;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
        request::Entity::update_many().col_expr(request::Column::Deadline, Expr::value(deadline)).filter(request::Column::Id.eq(id)).exec(&self.store.db).await.expect("backdate request");
    }
}

impl TestDb {
    /// An account of `unit_id` with one role (its password hash is a placeholder nobody signs in
    /// with), and the `Who` its writes are made as.
    pub async fn person(&self, username: &str, unit_id: i64, role: domain::Role) -> crate::Who {
        let new = crate::users::NewUser {
            username: username.into(),
            display_name: username.into(),
            phone: String::new(),
            unit_id,
            roles: vec![role],
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA".into(),
            must_change_password: false,
        };
        let user = self.store.create_user(&crate::Who::system("test"), new).await.expect("create the test account");
        crate::Who { user_id: Some(user.id), username: username.into(), unit_id: Some(unit_id), ip: "127.0.0.1".into() }
    }
}
