//! Every route of the application, in one table. The route walk test reads `ROUTES` (and the API's
//! operations from its OpenAPI document) to prove that everything outside the public list refuses
//! an anonymous request.

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::{Router, middleware};
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::{AppState, auth, headers, metrics};

mod account;
mod aftercare;
mod approvals;
pub(crate) mod assessment;
pub(crate) mod dispatch;
mod natives;
mod policies;
mod rates;
mod assets;
mod audit;
mod chains;
mod matching;
pub mod cockpit;
pub(crate) mod enterprises;
pub(crate) mod events;
pub(crate) mod followups;
mod home;
pub mod imports;
mod notifications;
mod ops;
mod profile;
pub(crate) mod projects;
pub(crate) mod requests;
mod search;
mod session;
pub(crate) mod targets;
pub(crate) mod tasks;
mod units;
mod users;
pub(crate) mod verifications;
mod webhooks;

/// (method, path) of every route; `{id}` stands for a record id.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
    ("GET", "/assets/{file}"),
    ("GET", "/"),
    ("GET", "/account"),
    ("GET", "/account/password"),
    ("POST", "/account/password"),
    ("POST", "/account/sign-out-everywhere"),
    ("GET", "/units"),
    ("GET", "/units/new"),
    ("POST", "/units/new"),
    ("GET", "/units/{id}"),
    ("GET", "/units/{id}/edit"),
    ("POST", "/units/{id}/edit"),
    ("GET", "/users"),
    ("GET", "/users/new"),
    ("POST", "/users/new"),
    ("GET", "/users/{id}"),
    ("GET", "/users/{id}/edit"),
    ("POST", "/users/{id}/edit"),
    ("POST", "/users/{id}/reset-password"),
    ("POST", "/users/{id}/lock"),
    ("POST", "/users/{id}/unlock"),
    ("GET", "/profile"),
    ("GET", "/profile/links/{id}/edit"),
    ("POST", "/profile/links/{id}/edit"),
    ("POST", "/profile/links/{id}/retire"),
    ("GET", "/profile/chains/{id}/links/new"),
    ("POST", "/profile/chains/{id}/links/new"),
    ("GET", "/audit"),
    ("GET", "/enterprises"),
    ("GET", "/enterprises/new"),
    ("POST", "/enterprises/new"),
    ("GET", "/enterprises/suggest"),
    ("GET", "/enterprises/export.xlsx"),
    ("GET", "/enterprises/{id}"),
    ("GET", "/enterprises/{id}/edit"),
    ("POST", "/enterprises/{id}/edit"),
    ("POST", "/enterprises/{id}/contacts"),
    ("GET", "/enterprises/{id}/merge"),
    ("POST", "/enterprises/{id}/merge"),
    ("GET", "/targets"),
    ("GET", "/targets/board"),
    ("GET", "/targets/export.xlsx"),
    ("POST", "/targets/views"),
    ("POST", "/targets/views/{id}/delete"),
    ("GET", "/targets/new"),
    ("POST", "/targets/new"),
    ("GET", "/targets/{id}"),
    ("POST", "/targets/{id}/edit"),
    ("GET", "/followups/new"),
    ("POST", "/followups/new"),
    ("POST", "/followups/{id}/done"),
    ("GET", "/attachments/{id}"),
    ("GET", "/projects"),
    ("GET", "/projects/board"),
    ("GET", "/projects/export.xlsx"),
    ("GET", "/projects/ledger.xlsx"),
    ("GET", "/projects/new"),
    ("POST", "/projects/new"),
    ("GET", "/projects/rules"),
    ("POST", "/projects/rules"),
    ("GET", "/projects/{id}"),
    ("GET", "/projects/{id}/edit"),
    ("GET", "/projects/{id}/brief.docx"),
    ("POST", "/projects/{id}/edit"),
    ("POST", "/projects/{id}/advance"),
    ("POST", "/projects/{id}/state"),
    ("POST", "/projects/{id}/funds"),
    ("POST", "/projects/{id}/team"),
    ("POST", "/projects/{id}/team/{member}/delete"),
    ("POST", "/projects/{id}/policy"),
    ("POST", "/projects/{id}/policy/{item}/review"),
    ("POST", "/projects/{id}/shares"),
    ("POST", "/projects/{id}/duplicate"),
    ("GET", "/project-files/{id}"),
    ("GET", "/verifications"),
    ("GET", "/verifications/{key}"),
    ("POST", "/verifications/{key}"),
    ("GET", "/requests"),
    ("POST", "/requests"),
    ("POST", "/requests/{id}"),
    ("POST", "/requests/{id}/escalate"),
    ("GET", "/approvals"),
    ("POST", "/approvals/settings"),
    ("GET", "/projects/{id}/approvals"),
    ("POST", "/projects/{id}/approvals/checklist"),
    ("POST", "/projects/{id}/approvals/items"),
    ("POST", "/projects/{id}/approvals/items/{item}"),
    ("POST", "/projects/{id}/approvals/items/{item}/request"),
    ("POST", "/projects/{id}/approvals/filing"),
    ("GET", "/projects/{id}/performance"),
    ("POST", "/projects/{id}/performance/commitment"),
    ("POST", "/projects/{id}/performance/results"),
    ("POST", "/projects/{id}/performance/reviews"),
    ("GET", "/projects/{id}/policies"),
    ("POST", "/projects/{id}/policies/{item}/conditions"),
    ("POST", "/projects/{id}/policies/{item}/conditions/{condition}/delete"),
    ("POST", "/projects/{id}/policies/{item}/payments"),
    ("GET", "/policies"),
    ("GET", "/rates"),
    ("GET", "/rates.xlsx"),
    ("GET", "/aftercare"),
    ("POST", "/aftercare/rules"),
    ("GET", "/aftercare/{id}"),
    ("POST", "/aftercare/{id}/signals"),
    ("GET", "/imports"),
    ("POST", "/imports"),
    ("GET", "/imports/template/{kind}"),
    ("GET", "/imports/{id}"),
    ("POST", "/imports/{id}/apply"),
    ("POST", "/imports/{id}/undo"),
    ("GET", "/assessment"),
    ("GET", "/assessment/quotas"),
    ("POST", "/assessment/quotas"),
    ("GET", "/assessment/progress"),
    ("GET", "/assessment/schemes/new"),
    ("POST", "/assessment/schemes"),
    ("GET", "/assessment/schemes/{id}"),
    ("POST", "/assessment/schemes/{id}"),
    ("GET", "/assessment/schemes/{id}/preview"),
    ("POST", "/assessment/schemes/{id}/publish"),
    ("GET", "/assessment/schemes/{id}/quarter"),
    ("GET", "/assessment/schemes/{id}/quarter.docx"),
    ("GET", "/assessment/schemes/{id}/quarter.xlsx"),
    ("GET", "/assessment/runs/{id}"),
    ("GET", "/assessment/runs/{id}/units/{unit}"),
    ("GET", "/assessment/runs/{id}/bulletin.docx"),
    ("GET", "/assessment/runs/{id}/results.xlsx"),
    ("GET", "/assessment/tasks"),
    ("POST", "/assessment/tasks"),
    ("GET", "/assessment/tasks/{id}"),
    ("GET", "/assessment/tasks/{id}/export.xlsx"),
    ("POST", "/assessment/tasks/{id}/items"),
    ("POST", "/assessment/tasks/{id}/items/{item}"),
    ("POST", "/assessment/tasks/{id}/items/{item}/done"),
    ("POST", "/assessment/tasks/{id}/items/{item}/reopen"),
    ("POST", "/assessment/tasks/{id}/items/{item}/delete"),
    ("GET", "/cockpit"),
    ("GET", "/natives"),
    ("GET", "/dispatch"),
    ("GET", "/dispatch/units/{id}"),
    ("POST", "/dispatch/notes"),
    ("POST", "/dispatch/freeze"),
    ("POST", "/dispatch/rules"),
    ("GET", "/dispatch/report.docx"),
    ("GET", "/dispatch/report.xlsx"),
    ("GET", "/events"),
    ("GET", "/events/new"),
    ("POST", "/events/new"),
    ("GET", "/events/export.xlsx"),
    ("GET", "/events/{id}"),
    ("GET", "/events/{id}/edit"),
    ("POST", "/events/{id}/edit"),
    ("POST", "/events/{id}/participants"),
    ("POST", "/events/{id}/participants/{participant}/delete"),
    ("POST", "/events/{id}/projects"),
    ("POST", "/events/{id}/projects/{link}/delete"),
    ("GET", "/notifications"),
    ("POST", "/notifications/read-all"),
    ("POST", "/notifications/{id}/read"),
    ("GET", "/notifications/settings"),
    ("POST", "/notifications/channels"),
    ("POST", "/notifications/channels/{id}"),
    ("POST", "/notifications/channels/{id}/delete"),
    ("POST", "/notifications/channels/{id}/test"),
    ("POST", "/notifications/rules"),
    ("GET", "/notifications/deliveries"),
    ("POST", "/notifications/deliveries/{id}/retry"),
    ("GET", "/chains"),
    ("GET", "/chains/{id}"),
    ("GET", "/chains/{id}/export.xlsx"),
    ("GET", "/chains/{id}/links/{link_id}/matches"),
    ("GET", "/matching"),
    ("GET", "/matching/offices/{id}"),
    ("POST", "/matching/weights"),
    ("GET", "/search"),
    ("GET", "/industries"),
    ("GET", "/webhooks"),
    ("POST", "/webhooks"),
    ("GET", "/webhooks/{id}"),
    ("POST", "/webhooks/{id}/edit"),
    ("POST", "/webhooks/{id}/delete"),
    ("POST", "/webhooks/{id}/test"),
    ("POST", "/webhooks/deliveries/{id}/retry"),
    ("GET", "/account/tokens"),
    ("POST", "/account/tokens"),
    ("POST", "/account/tokens/{id}/revoke"),
    ("GET", "/api/openapi.json"),
    ("GET", "/api/docs"),
];

/// The largest multipart body: every file at its limit, plus the form.
const UPLOAD_LIMIT: usize = followups::MAX_FILES * followups::MAX_FILE_BYTES + 1024 * 1024;

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/login", get(session::login_page).post(session::login))
        .route("/logout", post(session::logout))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/assets/{file}", get(assets::asset))
        .route("/", get(home::home))
        .route("/account", get(account::account))
        .route("/account/password", get(account::password_page).post(account::change_password))
        .route("/account/sign-out-everywhere", post(account::sign_out_everywhere))
        .route("/units", get(units::list))
        .route("/units/new", get(units::new_page).post(units::create))
        .route("/units/{id}", get(units::show))
        .route("/units/{id}/edit", get(units::edit_page).post(units::update))
        .route("/users", get(users::list))
        .route("/users/new", get(users::new_page).post(users::create))
        .route("/users/{id}", get(users::show))
        .route("/users/{id}/edit", get(users::edit_page).post(users::update))
        .route("/users/{id}/reset-password", post(users::reset_password))
        .route("/users/{id}/lock", post(users::lock))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/profile", get(profile::tree))
        .route("/profile/links/{id}/edit", get(profile::edit_link_page).post(profile::update_link))
        .route("/profile/links/{id}/retire", post(profile::retire_link))
        .route("/profile/chains/{id}/links/new", get(profile::new_link_page).post(profile::create_link))
        .route("/audit", get(audit::list))
        .route("/enterprises", get(enterprises::list))
        .route("/enterprises/new", get(enterprises::new_page).post(enterprises::create))
        .route("/enterprises/suggest", get(enterprises::suggest))
        .route("/enterprises/export.xlsx", get(enterprises::export))
        .route("/enterprises/{id}", get(enterprises::show))
        .route("/enterprises/{id}/edit", get(enterprises::edit_page).post(enterprises::update))
        .route("/enterprises/{id}/contacts", post(enterprises::add_contact))
        .route("/enterprises/{id}/merge", get(enterprises::merge_page).post(enterprises::merge))
        .route("/targets", get(targets::list))
        .route("/targets/board", get(targets::board))
        .route("/targets/export.xlsx", get(targets::export))
        .route("/targets/views", post(targets::save_view))
        .route("/targets/views/{id}/delete", post(targets::delete_view))
        .route("/targets/new", get(targets::new_page).post(targets::create))
        .route("/targets/{id}", get(targets::show))
        .route("/targets/{id}/edit", post(targets::update))
        .route(
            "/followups/new",
            get(followups::new_page)
                .post(followups::create)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/followups/{id}/done", post(followups::mark_done))
        .route("/attachments/{id}", get(followups::attachment))
        .route("/projects", get(projects::list))
        .route("/projects/board", get(projects::board))
        .route("/projects/export.xlsx", get(projects::export))
        .route("/projects/ledger.xlsx", get(projects::ledger))
        .route("/projects/new", get(projects::new_page).post(projects::create))
        .route("/projects/rules", get(projects::rules_page).post(projects::save_rules))
        .route("/projects/{id}", get(projects::show))
        .route("/projects/{id}/edit", get(projects::edit_page).post(projects::update))
        .route("/projects/{id}/brief.docx", get(projects::brief))
        .route("/projects/{id}/advance", post(projects::advance).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/projects/{id}/state", post(projects::change_state))
        .route("/projects/{id}/funds", post(projects::add_funds))
        .route("/projects/{id}/team", post(projects::add_member))
        .route("/projects/{id}/team/{member}/delete", post(projects::remove_member))
        .route("/projects/{id}/policy", post(projects::add_policy))
        .route("/projects/{id}/policy/{item}/review", post(projects::review_policy))
        .route("/projects/{id}/shares", post(projects::set_shares))
        .route("/projects/{id}/duplicate", post(projects::decide_duplicate))
        .route("/project-files/{id}", get(projects::file))
        .route("/verifications", get(verifications::queue))
        .route("/verifications/{key}", get(verifications::check_page).post(verifications::submit).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)))
        .route("/requests", get(requests::list).post(requests::create))
        .route("/requests/{id}", post(requests::update))
        .route("/requests/{id}/escalate", post(requests::escalate))
        .route("/approvals", get(approvals::board))
        .route("/approvals/settings", post(approvals::save_settings))
        .route("/projects/{id}/approvals", get(approvals::show))
        .route("/projects/{id}/approvals/checklist", post(approvals::create_checklist))
        .route("/projects/{id}/approvals/items", post(approvals::add_item))
        .route("/projects/{id}/approvals/items/{item}", post(approvals::update_item))
        .route("/projects/{id}/approvals/items/{item}/request", post(approvals::raise_request))
        .route("/projects/{id}/approvals/filing", post(approvals::save_filing))
        .route("/projects/{id}/performance", get(aftercare::performance))
        .route("/projects/{id}/performance/commitment", post(aftercare::save_commitment))
        .route("/projects/{id}/performance/results", post(aftercare::save_result))
        .route("/projects/{id}/performance/reviews", post(aftercare::review))
        .route("/projects/{id}/policies", get(policies::show))
        .route("/projects/{id}/policies/{item}/conditions", post(policies::add_condition))
        .route("/projects/{id}/policies/{item}/conditions/{condition}/delete", post(policies::remove_condition))
        .route("/projects/{id}/policies/{item}/payments", post(policies::add_payment))
        .route("/policies", get(policies::list))
        .route("/rates", get(rates::page))
        .route("/rates.xlsx", get(rates::export))
        .route("/aftercare", get(aftercare::list))
        .route("/aftercare/rules", post(aftercare::save_rules))
        .route("/aftercare/{id}", get(aftercare::company))
        .route("/aftercare/{id}/signals", post(aftercare::add_signal))
        .route("/imports", get(imports::list).post(imports::upload).layer(DefaultBodyLimit::max(state.config.import.max_bytes().saturating_add(1024 * 1024))))
        .route("/imports/template/{kind}", get(imports::template))
        .route("/imports/{id}", get(imports::show))
        .route("/imports/{id}/apply", post(imports::apply))
        .route("/imports/{id}/undo", post(imports::undo))
        .route("/assessment", get(assessment::overview))
        .route("/assessment/quotas", get(assessment::quotas).post(assessment::save_quotas))
        .route("/assessment/progress", get(assessment::progress))
        .route("/assessment/schemes/new", get(assessment::new_scheme))
        .route("/assessment/schemes", post(assessment::create_scheme))
        .route("/assessment/schemes/{id}", get(assessment::scheme_page).post(assessment::update_scheme))
        .route("/assessment/schemes/{id}/preview", get(assessment::preview))
        .route("/assessment/schemes/{id}/publish", post(assessment::publish))
        .route("/assessment/schemes/{id}/quarter", get(assessment::quarter))
        .route("/assessment/schemes/{id}/quarter.docx", get(assessment::quarter_bulletin))
        .route("/assessment/schemes/{id}/quarter.xlsx", get(assessment::quarter_xlsx))
        .route("/assessment/runs/{id}", get(assessment::run_page))
        .route("/assessment/runs/{id}/units/{unit}", get(assessment::unit_breakdown))
        .route("/assessment/runs/{id}/bulletin.docx", get(assessment::bulletin))
        .route("/assessment/runs/{id}/results.xlsx", get(assessment::results_xlsx))
        .route("/assessment/tasks", get(tasks::lists).post(tasks::create_list))
        .route("/assessment/tasks/{id}", get(tasks::show))
        .route("/assessment/tasks/{id}/export.xlsx", get(tasks::export))
        .route("/assessment/tasks/{id}/items", post(tasks::add_item))
        .route("/assessment/tasks/{id}/items/{item}", post(tasks::update_item))
        .route("/assessment/tasks/{id}/items/{item}/done", post(tasks::mark_done))
        .route("/assessment/tasks/{id}/items/{item}/reopen", post(tasks::reopen))
        .route("/assessment/tasks/{id}/items/{item}/delete", post(tasks::delete_item))
        .route("/cockpit", get(cockpit::cockpit))
        .route("/natives", get(natives::list))
        .route("/dispatch", get(dispatch::city))
        .route("/dispatch/units/{id}", get(dispatch::unit))
        .route("/dispatch/notes", post(dispatch::save_note))
        .route("/dispatch/freeze", post(dispatch::freeze))
        .route("/dispatch/rules", post(dispatch::save_rules))
        .route("/dispatch/report.docx", get(dispatch::report_docx))
        .route("/dispatch/report.xlsx", get(dispatch::report_xlsx))
        .route("/events", get(events::list))
        .route("/events/new", get(events::new_page).post(events::create))
        .route("/events/export.xlsx", get(events::export))
        .route("/events/{id}", get(events::show))
        .route("/events/{id}/edit", get(events::edit_page).post(events::update))
        .route("/events/{id}/participants", post(events::add_participant))
        .route("/events/{id}/participants/{participant}/delete", post(events::remove_participant))
        .route("/events/{id}/projects", post(events::link_project))
        .route("/events/{id}/projects/{link}/delete", post(events::unlink_project))
        .route("/notifications", get(notifications::centre))
        .route("/notifications/read-all", post(notifications::read_all))
        .route("/notifications/{id}/read", post(notifications::read))
        .route("/notifications/settings", get(notifications::settings))
        .route("/notifications/channels", post(notifications::create_channel))
        .route("/notifications/channels/{id}", post(notifications::update_channel))
        .route("/notifications/channels/{id}/delete", post(notifications::delete_channel))
        .route("/notifications/channels/{id}/test", post(notifications::test_channel))
        .route("/notifications/rules", post(notifications::save_rules))
        .route("/notifications/deliveries", get(notifications::deliveries))
        .route("/notifications/deliveries/{id}/retry", post(notifications::retry))
        .route("/chains", get(chains::list))
        .route("/chains/{id}", get(chains::show))
        .route("/chains/{id}/export.xlsx", get(chains::export))
        .route("/chains/{id}/links/{link_id}/matches", get(matching::matches))
        .route("/matching", get(matching::index))
        .route("/matching/offices/{id}", get(matching::recommendations))
        .route("/matching/weights", post(matching::save_weights))
        .route("/search", get(search::search))
        .route("/industries", get(search::industries))
        .route("/webhooks", get(webhooks::list).post(webhooks::create))
        .route("/webhooks/{id}", get(webhooks::show))
        .route("/webhooks/{id}/edit", post(webhooks::update))
        .route("/webhooks/{id}/delete", post(webhooks::delete))
        .route("/webhooks/{id}/test", post(webhooks::test))
        .route("/webhooks/deliveries/{id}/retry", post(webhooks::retry))
        .route("/account/tokens", get(account::tokens).post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/api/openapi.json", get(crate::api::docs::spec))
        .route("/api/docs", get(crate::api::docs::page))
        .merge(crate::api::router().0.layer(middleware::from_fn_with_state(state.clone(), crate::api::guard::idempotency)))
        .fallback(not_found);

    routes
        .layer(middleware::from_fn_with_state(state.clone(), auth::authenticate))
        .layer(middleware::from_fn(auth::api_errors))
        .layer(middleware::from_fn(one_connection))
        .layer(middleware::from_fn_with_state(state.clone(), headers::security_headers))
        .layer(middleware::from_fn_with_state(state.clone(), metrics::track))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
            let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default();
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
        }))
        .layer(SetRequestIdLayer::x_request_id(RequestIds::default()))
        .with_state(state)
}

/// The statements of a request, its sign-in check and any denial audited included, share one
/// connection of the pool instead of taking and testing one each (see `store::one_connection`).
async fn one_connection(request: axum::extract::Request, next: middleware::Next) -> axum::response::Response {
    store::one_connection(next.run(request)).await
}

/// An .xlsx file as a download: an ASCII file name for old clients, the Chinese one for the rest.
pub(crate) fn xlsx_download(bytes: Vec<u8>, ascii_name: &str, name: &str) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}", crate::forms::url_encode(name))),
        ],
        bytes,
    )
        .into_response()
}

/// Rows of an export, fetched page by page (`page` from 0; an empty page ends the export).
pub(crate) type PageFuture = std::pin::Pin<Box<dyn std::future::Future<Output = crate::error::Result<Vec<Vec<office::xlsx::Cell>>>> + Send>>;

/// Most rows in one export: Excel's sheet limit less the title and header rows.
pub(crate) const MAX_EXPORT_ROWS: usize = 1_048_574;

/// An export of any size with flat memory: pages are fetched one at a time on a blocking thread,
/// each row goes to the workbook's temporary files as it comes, the finished workbook is written
/// to a temporary file, and that file is streamed to the client in chunks.
pub(crate) async fn xlsx_stream(
    sheet: String,
    title: String,
    columns: Vec<office::xlsx::Column>,
    ascii_name: String,
    name: String,
    mut next_page: impl FnMut(u64) -> PageFuture + Send + 'static,
) -> crate::error::Result<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    use crate::error::AppError;
    let handle = tokio::runtime::Handle::current();
    let path = std::env::temp_dir().join(format!("zs-export-{}.xlsx", store::passwords::random_token()));
    let target = path.clone();
    let written = tokio::task::spawn_blocking(move || -> crate::error::Result<()> {
        let mut failure = None;
        let mut page = 0;
        let mut count = 0usize;
        let mut buffer: std::vec::IntoIter<Vec<office::xlsx::Cell>> = Vec::new().into_iter();
        let rows = std::iter::from_fn(|| loop {
            if let Some(row) = buffer.next() {
                count += 1;
                return (count <= MAX_EXPORT_ROWS).then_some(row);
            }
            if failure.is_some() {
                return None;
            }
            match handle.block_on(next_page(page)) {
                Ok(rows) if rows.is_empty() => return None,
                Ok(rows) => {
                    page += 1;
                    buffer = rows.into_iter();
                }
                Err(e) => {
                    failure = Some(e);
                    return None;
                }
            }
        });
        office::xlsx::write_table_file(&target, &sheet, &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
        failure.map_or(Ok(()), Err)
    })
    .await
    .unwrap_or_else(|e| Err(AppError::Internal(format!("export task: {e}"))));
    if let Err(e) = written {
        std::fs::remove_file(&path).ok();
        return Err(e);
    }
    let file = tokio::fs::File::open(&path).await.map_err(|e| AppError::Internal(format!("export file: {e}")))?;
    let length = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    // The temporary file goes when the stream is dropped: at its end, on an error, or when the
    // client leaves halfway.
    struct Remove(std::path::PathBuf);
    impl Drop for Remove {
        fn drop(&mut self) {
            std::fs::remove_file(&self.0).ok();
        }
    }
    let stream = futures_util::stream::unfold((file, Remove(path)), |(mut file, guard)| async move {
        use tokio::io::AsyncReadExt;
        let mut chunk = vec![0u8; 64 * 1024];
        match file.read(&mut chunk).await {
            Ok(0) => None,
            Ok(n) => {
                chunk.truncate(n);
                Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk)), (file, guard)))
            }
            // One error item ends the body; the next poll finds the end of the file or the same error.
            Err(e) => Some((Err(e), (file, guard))),
        }
    });
    Ok((
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{}", crate::forms::url_encode(&name))),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

async fn not_found() -> crate::error::AppError {
    crate::error::AppError::NotFound("没有这个页面".into())
}

/// Request ids: a random prefix per process and a counter, enough to find a request in the logs.
#[derive(Clone, Default)]
struct RequestIds;

impl MakeRequestId for RequestIds {
    fn make_request_id<B>(&mut self, _req: &axum::http::Request<B>) -> Option<RequestId> {
        use std::sync::LazyLock;
        use std::sync::atomic::{AtomicU64, Ordering};
        static PREFIX: LazyLock<String> = LazyLock::new(|| store::passwords::random_token()[..8].to_string());
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = format!("{}-{}", *PREFIX, NEXT.fetch_add(1, Ordering::Relaxed));
        id.parse().ok().map(RequestId::new)
    }
}
