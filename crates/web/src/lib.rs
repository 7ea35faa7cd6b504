//! The web face of zhaoshang: axum routes, middleware (sessions, CSRF, audit of denials,
//! security headers, metrics) and askama pages. Knows HTTP, not SQL.

pub mod api;
pub mod auth;
pub mod charts;
pub mod config;
pub mod error;
pub mod forms;
mod headers;
pub mod metrics;
pub mod notify;
pub mod routes;
pub mod views;
pub mod webhooks;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;

pub use config::Config;
use store::Store;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub store: Store,
    pub config: Config,
    pub metrics: metrics::Metrics,
    /// Whether the database holds generated demo data (shown on every page).
    pub demo: bool,
    /// The cockpit's figures per scope, at most a minute old.
    pub cockpit: routes::cockpit::CockpitCache,
    /// This instance's search index.
    pub search: Arc<search::Search>,
    /// The API's rate limits and idempotency keys in flight.
    pub api: api::guard::Limiter,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store, config: Config, demo: bool, search: Arc<search::Search>) -> AppState {
        AppState(Arc::new(Inner { store, config, metrics: metrics::Metrics::default(), demo, cockpit: Default::default(), search, api: Default::default() }))
    }
}

/// The running server: built once, by the binary and by every test alike.
pub struct Application {
    listener: TcpListener,
    router: Router,
    grace: Duration,
    state: AppState,
}

impl Application {
    /// Binds the configured address (port 0 picks a free one) over an open, migrated store.
    pub async fn build(config: Config, store: Store) -> std::io::Result<Application> {
        let demo = store::settings::get(&store.db, store::settings::DEMO_DATA).await.ok().flatten().as_deref() == Some("true");
        let listener = TcpListener::bind(&config.server.bind).await?;
        let grace = Duration::from_secs(config.server.shutdown_grace_seconds);
        let search = open_search(&store, &config).await?;
        let state = AppState::new(store, config, demo, search);
        let router = routes::router(state.clone());
        Ok(Application { listener, router, grace, state })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Serves until SIGTERM or Ctrl-C, then lets in-flight requests finish (up to the grace period).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let jobs = tokio::spawn(background_jobs(self.state.clone()));
        // Reminders: worked out and sent beside the server, never on a request.
        let reminders = tokio::spawn(notify::run(self.state.clone()));
        // Webhooks to other systems: dispatched from the audit log and sent the same way.
        let webhooks = tokio::spawn(webhooks::run(self.state.clone()));
        // The search index follows the database's outbox (and is rebuilt when missing).
        let feed = tokio::spawn(self.state.search.clone().run_feed(Duration::from_secs(1)));
        // The city's cockpit, computed again before it expires while leaders look at it.
        let cockpit = tokio::spawn(routes::cockpit::keep_city_warm(self.state.clone()));
        let grace = self.grace;
        let server = axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal());
        let result = server.into_future();
        tokio::pin!(result);
        let outcome = tokio::select! {
            r = &mut result => r,
            _ = async { shutdown_signal().await; tokio::time::sleep(grace).await } => {
                tracing::warn!("requests still running after the grace period; stopping");
                Ok(())
            }
        };
        jobs.abort();
        reminders.abort();
        webhooks.abort();
        feed.abort();
        cockpit.abort();
        outcome
    }
}

/// Opens this instance's search index. A missing one is built at once for a small database (a
/// demo, a test) and otherwise in the background, while searches go to the database.
pub async fn open_search(store: &Store, config: &Config) -> std::io::Result<Arc<search::Search>> {
    let folder = config.search.folder(&config.database.url);
    let search = search::Search::open(store.clone(), folder).await.map_err(std::io::Error::other)?;
    if search.needs_rebuild() && store.count_enterprises().await.map_err(std::io::Error::other)? < 50_000 {
        search.rebuild(&|_, _, _| {}).await.map_err(std::io::Error::other)?;
    }
    Ok(search)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutdown requested; finishing in-flight requests");
}

/// Housekeeping that every instance may run: each step is idempotent.
async fn background_jobs(state: AppState) {
    let mut tick = tokio::time::interval(Duration::from_secs(600));
    loop {
        tick.tick().await;
        // The planner's statistics, at start and as tables grow (cheap when nothing changed).
        if let Err(e) = state.store.optimize().await {
            tracing::warn!(error = %e, "refreshing the query planner's statistics failed");
        }
        let security = &state.config.security;
        let idle = chrono::Duration::minutes(security.idle_timeout_minutes);
        let absolute = chrono::Duration::hours(security.absolute_timeout_hours);
        if let Err(e) = state.store.purge_sessions(idle, absolute).await {
            tracing::warn!(error = %e, "purging expired sessions failed");
        }
        match store::audit::prune(&state.store, state.config.audit.retention_days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(pruned = n, "audit entries past retention removed"),
            Err(e) => tracing::warn!(error = %e, "audit pruning failed"),
        }
        if let Err(e) = state.store.purge_idempotency(chrono::Duration::hours(state.config.api.idempotency_hours.max(1))).await {
            tracing::warn!(error = %e, "purging old idempotency keys failed");
        }
        if let Err(e) = state.store.purge_previews().await {
            tracing::warn!(error = %e, "purging old import previews failed");
        }
        // Health depends on the date (days without progress, deadlines): once a day.
        match state.store.refresh_projects_daily(chrono::Utc::now().date_naive()).await {
            Ok(Some(n)) => tracing::info!(changed = n, "daily project health check"),
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "daily project health check failed"),
        }
    }
}

use std::future::IntoFuture;
