//! The bureau's site checks (实地核查): the queue of claimed stages and funds reports waiting,
//! and the check itself from a phone: photos, location, note, approve or reject with a reason.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::access::{Access, Power};
use domain::project::Verification;
use store::entities::project;
use store::projects::{Checked, QueueItem, SiteCheck, TimelineItem};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "verifications.html")]
struct QueuePage {
    page: Page,
    items: Vec<QueueItem>,
    rejected: bool,
    can_verify: bool,
    real: bool,
}

/// The queue is the bureau's; others see it read-only to know what waits on their projects.
pub async fn queue(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    user.can(Power::SeeAllUnits, "read", "verification_queue", "")?;
    let rejected = q.checked("rejected");
    let page = QueuePage {
        page: Page::new(&state, &user, "实地核查", "verifications").with_flash(&q.get("done")),
        items: state.store.verification_queue(rejected, 500).await?,
        rejected,
        can_verify: user.actor.can(Power::Verify).is_ok(),
        real: user.has(domain::Role::Admin) || user.has(domain::Role::Bureau),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "verify.html")]
struct CheckPage {
    page: Page,
    key: String,
    project: project::Model,
    name: String,
    what: String,
    status: Verification,
    evidence: Vec<TimelineItem>,
    form: FormData,
    error: Option<String>,
}

pub(crate) fn parse_key(key: &str) -> Result<Checked> {
    Checked::parse(key).ok_or_else(|| AppError::NotFound("没有这条待核查记录".into()))
}

async fn render(state: &AppState, user: &CurrentUser, key: &str, form: FormData, error: Option<String>) -> Result<Response> {
    let what = parse_key(key)?;
    let (project, text, status) = state.store.checked_item(what).await?;
    let rights = super::projects::check(state, user, &project, Access::Read).await?;
    // The claim's own evidence, and earlier checks, from the project's timeline.
    let evidence = state
        .store
        .project_timeline(project.id)
        .await?
        .into_iter()
        .filter(|t| t.verify_ref.as_deref() == Some(key) || t.kind == "verification")
        .collect();
    let page = CheckPage {
        page: Page::new(state, user, "实地核查", "verifications"),
        key: key.to_string(),
        name: super::projects::shown_name(&project, &rights.real_name),
        project,
        what: text,
        status,
        evidence,
        form,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn check_page(State(state): State<AppState>, user: CurrentUser, Path(key): Path<String>) -> Result<Response> {
    user.can(Power::Verify, "verify", "project", &key)?;
    render(&state, &user, &key, FormData::default(), None).await
}

/// The note and place of a site check, as the form or an API body gives them.
pub(crate) fn site_check_from(form: &FormData, approve: bool) -> Result<SiteCheck> {
    let coordinate = |name: &str| -> Result<Option<i64>> {
        match form.get(name) {
            v if v.is_empty() => Ok(None),
            v => super::followups::coordinate(&v).map(Some),
        }
    };
    Ok(SiteCheck { approve, note: form.get("note"), latitude_e6: coordinate("latitude")?, longitude_e6: coordinate("longitude")? })
}

pub async fn submit(State(state): State<AppState>, user: CurrentUser, Path(key): Path<String>, multipart: Multipart) -> Result<Response> {
    user.can(Power::Verify, "verify", "project", &key)?;
    let what = parse_key(&key)?;
    let (form, files) = match super::followups::read_form(multipart).await {
        Ok(v) => v,
        Err(AppError::BadRequest(m)) => return render(&state, &user, &key, FormData::default(), Some(m)).await,
        Err(e) => return Err(e),
    };
    let approve = match form.get("result").as_str() {
        "approve" => true,
        "reject" => false,
        _ => return render(&state, &user, &key, form, Some("请选择核查结果：通过或不通过".into())).await,
    };
    let check = site_check_from(&form, approve)?;
    match state.store.verify(&user.who(), what, &check, files).await {
        Ok(p) => Ok(Redirect::to(&format!("/verifications?done={}&project={}", if approve { "verified" } else { "rejected" }, p.id)).into_response()),
        Err(store::StoreError::Invalid(m)) => render(&state, &user, &key, form, Some(m)).await,
        Err(e) => Err(e.into()),
    }
}
