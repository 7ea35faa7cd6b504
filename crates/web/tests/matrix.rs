//! The permission matrix (issue 10): every role × every route of `routes::ROUTES` and every API
//! operation × a record of the user's own unit (南郑区, A) and one of another unit (城固县, B).
//! What each cell should answer is declared below from DESIGN §6, not asked of `domain::access`.
//! A denial must be a 403 (the Chinese page, or problem+json from the API) with one new `denied`
//! audit row, show nothing of either record and change nothing; an allowance must not be a 403.
//! A route or operation added without a row here fails `every_route_is_in_the_matrix`.

mod helpers;

use std::collections::HashMap;
use std::time::Instant;

use chrono::{Datelike, Duration, Utc};
use domain::Role;
use domain::event::{EventKind, EventStatus, Relation};
use domain::project::{Advance, ContractKind, FundsOrigin, FundsUse, ProjectKind, RequestCategory, SourceChannel, Stage, TeamRole};
use domain::target::{FollowUpKind, Priority};
use helpers::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, FromQueryResult, JsonValue, PaginatorTrait, QueryFilter, QueryOrder, Set, Statement};
use store::follow_ups::{NewAttachment, NewFollowUp};
use store::projects::ProjectInput;
use store::{Store, Who};

// ---------------------------------------------------------------------------------------------
// The declared expectations.

/// Whose the record a row addresses is, and so which of A / B is the caller's own.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Own {
    /// No record: the row is checked once per role.
    None,
    /// A city-wide record (a scheme, a run, a task list): once per role.
    City,
    /// A unit's record: A belongs to 南郑区, B to 城固县.
    Unit,
    /// A chain's link or the chain: A's chain is led by 工信局 (gxj), B's by another department.
    Chain,
    /// An out-of-town office's recommendations: A and B are two offices, no account's own.
    Office,
    /// A person's own thing (token, webhook, saved view, notification): A belongs to `target-a`,
    /// B to `target-b`, never to the caller.
    Person,
}

/// Who may, written from DESIGN §6.
#[derive(Debug, Clone, Copy)]
enum Rule {
    /// Every signed-in role (lists filter to what the role sees; the caller's own things).
    Any,
    /// Read a record: admin, bureau and leaders everything; unit heads, officers and viewers
    /// their own unit's; a department its own unit's and its chains'.
    Read,
    /// Change a record: admin and bureau any; unit heads and officers their own unit's; a
    /// department its own unit's and its chains'; leaders and viewers nothing.
    Write,
    /// A city-wide power, held by these roles only.
    Roles(&'static [Role]),
    /// Someone else's personal record (a saved view, a notification): its owner's alone, not even
    /// the administrator's; refused like any other denial, with a 403 and an audit row. (One that
    /// does not exist is a 404: `a_personal_record_that_does_not_exist_is_not_found`.)
    Nobody,
}

use Role::*;
/// Users and units (DESIGN §6: the administrator changes users and units).
const ADMIN: &[Role] = &[Admin];
/// The profile, the audit log, company merges, unit notification channels: administrator and bureau.
const BUREAU_OR_ADMIN: &[Role] = &[Admin, Bureau];
/// City-wide figures and queues: whoever sees everything.
const SEES_ALL: &[Role] = &[Admin, Bureau, Leader];
/// Verification, eligibility, assessment, dispatch (DESIGN §6 bureau column; `Power::{Verify,
/// Adjudicate, Assess}` are the bureau's alone, the administrator runs the system, not the scoring).
const BUREAU: &[Role] = &[Bureau];
/// Whoever changes anything (in their own unit): leaders and viewers change nothing.
const WRITERS: &[Role] = &[Admin, Bureau, UnitHead, Officer, Department];

fn expected(rule: Rule, role: Role, own: bool) -> bool {
    match rule {
        Rule::Any => true,
        Rule::Read => match role {
            Admin | Bureau | Leader => true,
            UnitHead | Officer | Viewer | Department => own,
        },
        Rule::Write => match role {
            Admin | Bureau => true,
            Leader | Viewer => false,
            UnitHead | Officer | Department => own,
        },
        Rule::Roles(roles) => roles.contains(&role),
        Rule::Nobody => false,
    }
}

/// What a request carries. Values may hold `{placeholder}`s filled from the side's records.
#[derive(Debug, Clone, Copy)]
enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Multipart(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    /// A query string for a GET.
    Query(&'static str),
}

struct Row {
    method: &'static str,
    path: &'static str,
    own: Own,
    rule: Rule,
    /// Which record fills each path placeholder: "id=project,item=policy".
    ids: &'static str,
    body: Body,
}

const fn row(method: &'static str, path: &'static str, own: Own, rule: Rule, ids: &'static str, body: Body) -> Row {
    Row { method, path, own, rule, ids, body }
}

use Body::{Form as F, Json as J, Multipart as M, None as N, Query as Q};
use Own::{Chain as CH, City as CITY, None as NONE, Office as OFFICE, Person as PERSON, Unit as UNIT};
use Rule::{Any as ANY, Nobody as NOBODY, Read as READ, Roles as R, Write as WRITE};

/// Routes left out, with the reason.
const EXCLUDED: &[(&str, &str, &str)] = &[
    ("GET", "/login", "public (auth::PUBLIC_PATHS); access.rs walks it anonymously"),
    ("POST", "/login", "public: the sign-in itself"),
    ("GET", "/healthz", "public probe"),
    ("GET", "/readyz", "public probe"),
    ("GET", "/metrics", "public probe, limited by address (ops.rs)"),
    ("GET", "/assets/{file}", "public static files"),
    ("GET", "/api/openapi.json", "public API description"),
    ("GET", "/api/docs", "public API description"),
    ("POST", "/logout", "ends the caller's own session; no record; auth.rs"),
    ("POST", "/account/sign-out-everywhere", "ends the caller's own sessions; no record; auth.rs"),
];

/// Write forms are deliberately incomplete where an allowed write would do harm (rename a unit,
/// lock an account used here): the allowed answer is then a 422 or the form again.
const MATRIX: &[Row] = &[
    row("GET", "/", NONE, ANY, "", N),
    row("GET", "/account", NONE, ANY, "", N),
    row("GET", "/account/password", NONE, ANY, "", N),
    row("POST", "/account/password", NONE, ANY, "", F(&[("current", ""), ("new", ""), ("again", "")])),
    // Units and users (DESIGN §6: admin changes users and units; a unit's page lists its people).
    row("GET", "/units", NONE, ANY, "", N),
    row("GET", "/units/new", NONE, R(ADMIN), "", N),
    row("POST", "/units/new", NONE, R(ADMIN), "", F(&[("code", ""), ("name", "")])),
    row("GET", "/units/{id}", UNIT, READ, "id=unit", N),
    row("GET", "/units/{id}/edit", UNIT, R(ADMIN), "id=unit", N),
    row("POST", "/units/{id}/edit", UNIT, R(ADMIN), "id=unit", F(&[("name", ""), ("kind", "county"), ("active", "1")])),
    row("GET", "/users", NONE, ANY, "", N),
    row("GET", "/users/new", NONE, R(ADMIN), "", N),
    row("POST", "/users/new", NONE, R(ADMIN), "", F(&[("username", ""), ("display_name", "")])),
    row("GET", "/users/{id}", UNIT, READ, "id=user", N),
    row("GET", "/users/{id}/edit", UNIT, R(ADMIN), "id=user", N),
    row("POST", "/users/{id}/edit", UNIT, R(ADMIN), "id=user", F(&[("display_name", ""), ("unit_id", "{unit}"), ("roles", "officer"), ("active", "1")])),
    row("POST", "/users/{id}/reset-password", UNIT, R(ADMIN), "id=user", F(&[])),
    row("POST", "/users/{id}/lock", UNIT, R(ADMIN), "id=user", F(&[])),
    row("POST", "/users/{id}/unlock", UNIT, R(ADMIN), "id=user", F(&[])),
    // The profile: everyone reads the chains; the bureau and each chain's lead department edit.
    row("GET", "/profile", NONE, ANY, "", N),
    row("GET", "/profile/links/{id}/edit", CH, WRITE, "id=link", N),
    row("POST", "/profile/links/{id}/edit", CH, WRITE, "id=link", F(&[("name", ""), ("position", "up"), ("strength", "weak")])),
    row("POST", "/profile/links/{id}/retire", CH, WRITE, "id=link", F(&[])),
    row("GET", "/profile/chains/{id}/links/new", CH, WRITE, "id=chain", N),
    row("POST", "/profile/chains/{id}/links/new", CH, WRITE, "id=chain", F(&[("name", ""), ("position", "up"), ("strength", "weak")])),
    row("GET", "/audit", NONE, R(BUREAU_OR_ADMIN), "", N),
    // The company library is shared (DESIGN §4: a company is keyed by its code, units court it
    // as targets); whoever changes records may correct it; merging is the bureau's.
    row("GET", "/enterprises", NONE, ANY, "", N),
    row("GET", "/enterprises/new", NONE, R(WRITERS), "", N),
    row("POST", "/enterprises/new", NONE, R(WRITERS), "", F(&[("name", "")])),
    row("GET", "/enterprises/suggest", NONE, ANY, "", N),
    row("GET", "/enterprises/export.xlsx", NONE, ANY, "", N),
    row("GET", "/enterprises/{id}", UNIT, ANY, "id=enterprise", N),
    row("GET", "/enterprises/{id}/edit", UNIT, R(WRITERS), "id=enterprise", N),
    row("POST", "/enterprises/{id}/edit", UNIT, R(WRITERS), "id=enterprise", F(&[("version", "x"), ("name", "")])),
    row("POST", "/enterprises/{id}/contacts", UNIT, R(WRITERS), "id=enterprise", F(&[("name", "")])),
    row("GET", "/enterprises/{id}/merge", UNIT, R(BUREAU_OR_ADMIN), "id=enterprise", N),
    row("POST", "/enterprises/{id}/merge", UNIT, R(BUREAU_OR_ADMIN), "id=enterprise", F(&[("other", "")])),
    // Targets.
    row("GET", "/targets", NONE, ANY, "", N),
    row("GET", "/targets/board", NONE, ANY, "", N),
    row("GET", "/targets/export.xlsx", NONE, ANY, "", N),
    row("POST", "/targets/views", NONE, ANY, "", F(&[("name", "矩阵视图"), ("query", "priority=A")])),
    row("POST", "/targets/views/{id}/delete", PERSON, NOBODY, "id=view", F(&[])),
    row("GET", "/targets/new", NONE, R(WRITERS), "", Q("enterprise_id={fresh}")),
    row("POST", "/targets/new", UNIT, WRITE, "", F(&[("enterprise_id", "{fresh}"), ("unit_id", "{unit}"), ("priority", "")])),
    row("GET", "/targets/{id}", UNIT, READ, "id=target", N),
    row("POST", "/targets/{id}/edit", UNIT, WRITE, "id=target", F(&[("version", "x")])),
    // Follow-ups and their files.
    row("GET", "/followups/new", NONE, R(WRITERS), "", N),
    row("POST", "/followups/new", UNIT, WRITE, "", M(&[("target_id", "{target}"), ("enterprise_id", "{enterprise}"), ("kind", "visit"), ("happened_on", "{today}"), ("summary", "矩阵走访"), ("client_key", "matrix-{side}-{role}")])),
    row("POST", "/followups/{id}/done", UNIT, WRITE, "id=followup", F(&[])),
    row("GET", "/attachments/{id}", UNIT, READ, "id=attachment", N),
    // Projects.
    row("GET", "/projects", NONE, ANY, "", N),
    row("GET", "/projects/board", NONE, ANY, "", N),
    row("GET", "/projects/export.xlsx", NONE, ANY, "", N),
    row("GET", "/projects/ledger.xlsx", NONE, ANY, "", N),
    row("GET", "/projects/new", NONE, R(WRITERS), "", N),
    row("POST", "/projects/new", UNIT, WRITE, "", F(&[("name", ""), ("enterprise_id", "{fresh}"), ("landing_unit_id", "{unit}"), ("source_unit_id", "{unit}")])),
    row("GET", "/projects/rules", NONE, ANY, "", N),
    row("POST", "/projects/rules", NONE, R(BUREAU), "", F(&[("eligibility", "x"), ("health", "x")])),
    row("GET", "/projects/{id}", UNIT, READ, "id=project", N),
    row("GET", "/projects/{id}/edit", UNIT, WRITE, "id=project", N),
    row("GET", "/projects/{id}/brief.docx", UNIT, READ, "id=project", N),
    row("POST", "/projects/{id}/edit", UNIT, WRITE, "id=project", F(&[("version", "x")])),
    row("POST", "/projects/{id}/advance", UNIT, WRITE, "id=project", M(&[("stage", "")])),
    row("POST", "/projects/{id}/state", UNIT, WRITE, "id=project", F(&[("version", "x"), ("state", "")])),
    row("POST", "/projects/{id}/funds", UNIT, WRITE, "id=project", F(&[("month", ""), ("amount", "")])),
    row("POST", "/projects/{id}/team", UNIT, WRITE, "id=project", F(&[("user_id", ""), ("role", "member")])),
    row("POST", "/projects/{id}/team/{member}/delete", UNIT, WRITE, "id=project,member=member", F(&[])),
    row("POST", "/projects/{id}/policy", UNIT, WRITE, "id=project", F(&[("title", ""), ("amount", "")])),
    row("POST", "/projects/{id}/policy/{item}/review", UNIT, R(BUREAU), "id=project,item=policy", F(&[("decision", "")])),
    row("POST", "/projects/{id}/shares", UNIT, R(BUREAU), "id=project", F(&[("shares", "x")])),
    row("POST", "/projects/{id}/duplicate", UNIT, R(BUREAU), "id=project", F(&[("decision", "")])),
    row("GET", "/project-files/{id}", UNIT, READ, "id=pfile", N),
    row("GET", "/verifications", NONE, R(SEES_ALL), "", N),
    row("GET", "/verifications/{key}", UNIT, R(BUREAU), "key=stage", N),
    row("POST", "/verifications/{key}", UNIT, R(BUREAU), "key=stage", M(&[("decision", "")])),
    row("GET", "/requests", NONE, ANY, "", N),
    row("POST", "/requests", UNIT, WRITE, "", F(&[("project_id", "{project}"), ("text", ""), ("category", "")])),
    row("POST", "/requests/{id}", UNIT, WRITE, "id=request", F(&[("status", ""), ("version", "x")])),
    row("POST", "/requests/{id}/escalate", UNIT, WRITE, "id=request", F(&[("level", "")])),
    row("GET", "/approvals", NONE, ANY, "", N),
    row("POST", "/approvals/settings", NONE, R(BUREAU), "", F(&[("body", "x")])),
    row("GET", "/projects/{id}/approvals", UNIT, READ, "id=project", N),
    row("POST", "/projects/{id}/approvals/checklist", UNIT, WRITE, "id=project", F(&[])),
    row("POST", "/projects/{id}/approvals/items", UNIT, WRITE, "id=project", F(&[("name", "")])),
    row("POST", "/projects/{id}/approvals/items/{item}", UNIT, WRITE, "id=project,item=approval", F(&[("status", ""), ("version", "x")])),
    row("POST", "/projects/{id}/approvals/items/{item}/request", UNIT, WRITE, "id=project,item=approval", F(&[("text", "")])),
    row("POST", "/projects/{id}/approvals/filing", UNIT, WRITE, "id=project", F(&[("code", "x")])),
    row("GET", "/projects/{id}/performance", UNIT, READ, "id=project", N),
    row("POST", "/projects/{id}/performance/commitment", UNIT, WRITE, "id=project", F(&[("investment", "x")])),
    row("POST", "/projects/{id}/performance/results", UNIT, WRITE, "id=project", F(&[("year", "x")])),
    // 达产评价: the landing unit evaluates a year against the commitment (store::review_year).
    row("POST", "/projects/{id}/performance/reviews", UNIT, WRITE, "id=project", F(&[("year", "x")])),
    row("GET", "/projects/{id}/policies", UNIT, READ, "id=project", N),
    row("POST", "/projects/{id}/policies/{item}/conditions", UNIT, WRITE, "id=project,item=policy", F(&[("indicator", ""), ("threshold", "")])),
    row("POST", "/projects/{id}/policies/{item}/conditions/{condition}/delete", UNIT, WRITE, "id=project,item=policy,condition=condition", F(&[])),
    row("POST", "/projects/{id}/policies/{item}/payments", UNIT, WRITE, "id=project,item=policy", F(&[("amount", ""), ("paid_on", "")])),
    row("GET", "/policies", NONE, ANY, "", N),
    row("GET", "/rates", NONE, ANY, "", N),
    row("GET", "/rates.xlsx", NONE, ANY, "", N),
    // After-care of landed companies: the landing unit's.
    row("GET", "/aftercare", NONE, ANY, "", N),
    row("POST", "/aftercare/rules", NONE, R(BUREAU), "", F(&[("body", "x")])),
    row("GET", "/aftercare/{id}", UNIT, READ, "id=landed", N),
    row("POST", "/aftercare/{id}/signals", UNIT, WRITE, "id=landed", F(&[("signal", ""), ("note", "")])),
    // Imports: a unit's change set, opened by whoever may apply it.
    row("GET", "/imports", NONE, ANY, "", N),
    row("POST", "/imports", NONE, R(WRITERS), "", M(&[("kind", "")])),
    row("GET", "/imports/template/{kind}", NONE, ANY, "kind=kind", N),
    row("GET", "/imports/{id}", UNIT, WRITE, "id=import", N),
    row("POST", "/imports/{id}/apply", UNIT, WRITE, "id=import", F(&[])),
    row("POST", "/imports/{id}/undo", UNIT, WRITE, "id=import", F(&[])),
    // Assessment: every unit sees the published rankings; the bureau assesses.
    row("GET", "/assessment", NONE, ANY, "", N),
    row("GET", "/assessment/quotas", NONE, ANY, "", N),
    row("POST", "/assessment/quotas", NONE, R(BUREAU), "", F(&[("year", "x")])),
    row("GET", "/assessment/progress", NONE, ANY, "", N),
    row("GET", "/assessment/schemes/new", NONE, R(BUREAU), "", N),
    row("POST", "/assessment/schemes", NONE, R(BUREAU), "", F(&[("year", "x"), ("body", "")])),
    row("GET", "/assessment/schemes/{id}", CITY, ANY, "id=scheme", N),
    row("POST", "/assessment/schemes/{id}", CITY, R(BUREAU), "id=scheme", F(&[("year", "x"), ("body", "")])),
    row("GET", "/assessment/schemes/{id}/preview", CITY, R(SEES_ALL), "id=scheme", N),
    row("POST", "/assessment/schemes/{id}/publish", CITY, R(BUREAU), "id=scheme", F(&[("year", "x"), ("month", "x")])),
    row("GET", "/assessment/schemes/{id}/quarter", CITY, ANY, "id=scheme", Q("year={year}&q=1")),
    row("GET", "/assessment/schemes/{id}/quarter.docx", CITY, ANY, "id=scheme", Q("year={year}&q=1")),
    row("GET", "/assessment/schemes/{id}/quarter.xlsx", CITY, ANY, "id=scheme", Q("year={year}&q=1")),
    row("GET", "/assessment/runs/{id}", CITY, ANY, "id=run", N),
    row("GET", "/assessment/runs/{id}/units/{unit}", UNIT, READ, "id=run,unit=unit", N),
    row("GET", "/assessment/runs/{id}/bulletin.docx", CITY, ANY, "id=run", N),
    row("GET", "/assessment/runs/{id}/results.xlsx", CITY, ANY, "id=run", N),
    row("GET", "/assessment/tasks", NONE, ANY, "", N),
    row("POST", "/assessment/tasks", NONE, R(BUREAU), "", F(&[("name", "")])),
    row("GET", "/assessment/tasks/{id}", CITY, ANY, "id=tasklist", N),
    row("GET", "/assessment/tasks/{id}/export.xlsx", CITY, ANY, "id=tasklist", N),
    row("POST", "/assessment/tasks/{id}/items", CITY, R(BUREAU), "id=tasklist", F(&[("title", ""), ("unit_id", "{unit}")])),
    row("POST", "/assessment/tasks/{id}/items/{item}", UNIT, R(BUREAU), "id=tasklist,item=taskitem", F(&[("title", ""), ("version", "x")])),
    row("POST", "/assessment/tasks/{id}/items/{item}/done", UNIT, WRITE, "id=tasklist,item=taskitem", F(&[("version", "x")])),
    row("POST", "/assessment/tasks/{id}/items/{item}/reopen", UNIT, WRITE, "id=tasklist,item=taskitem", F(&[("version", "x")])),
    row("POST", "/assessment/tasks/{id}/items/{item}/delete", UNIT, R(BUREAU), "id=tasklist,item=taskitem", F(&[])),
    row("GET", "/cockpit", NONE, ANY, "", N),
    row("GET", "/natives", NONE, ANY, "", N),
    // Weekly dispatch: each unit its notes, the bureau the city's report.
    row("GET", "/dispatch", NONE, ANY, "", N),
    row("GET", "/dispatch/units/{id}", UNIT, READ, "id=unit", N),
    row("POST", "/dispatch/notes", UNIT, WRITE, "", F(&[("project_id", "{project}"), ("note", "")])),
    row("POST", "/dispatch/freeze", NONE, R(BUREAU), "", F(&[("week", "x")])),
    row("POST", "/dispatch/rules", NONE, R(BUREAU), "", F(&[("body", "x")])),
    row("GET", "/dispatch/report.docx", NONE, R(SEES_ALL), "", N),
    row("GET", "/dispatch/report.xlsx", NONE, R(SEES_ALL), "", N),
    // Events: the city's calendar is read by all; the organising unit changes its events.
    row("GET", "/events", NONE, ANY, "", N),
    row("GET", "/events/new", NONE, R(WRITERS), "", N),
    row("POST", "/events/new", UNIT, WRITE, "", F(&[("organizer_unit_id", "{unit}"), ("name", "矩阵推介会"), ("kind", "promotion"), ("status", "planned"), ("city", "深圳"), ("start_on", "{today}"), ("end_on", "{today}")])),
    row("GET", "/events/export.xlsx", NONE, ANY, "", N),
    row("GET", "/events/{id}", UNIT, ANY, "id=event", N),
    row("GET", "/events/{id}/edit", UNIT, WRITE, "id=event", N),
    row("POST", "/events/{id}/edit", UNIT, WRITE, "id=event", F(&[("organizer_unit_id", "{unit}"), ("name", ""), ("version", "x")])),
    row("POST", "/events/{id}/participants", UNIT, WRITE, "id=event", F(&[("enterprise_id", "")])),
    row("POST", "/events/{id}/participants/{participant}/delete", UNIT, WRITE, "id=event,participant=participant", F(&[])),
    row("POST", "/events/{id}/projects", UNIT, WRITE, "id=event", F(&[("project_id", ""), ("relation", "lead")])),
    row("POST", "/events/{id}/projects/{link}/delete", UNIT, WRITE, "id=event,link=elink", F(&[])),
    // Notifications: one's own; a unit's channels are set up by the administrator and bureau.
    row("GET", "/notifications", NONE, ANY, "", N),
    row("POST", "/notifications/read-all", NONE, ANY, "", F(&[])),
    row("POST", "/notifications/{id}/read", PERSON, NOBODY, "id=notification", F(&[])),
    row("GET", "/notifications/settings", NONE, ANY, "", N),
    row("POST", "/notifications/channels", NONE, ANY, "", F(&[("owner", "me"), ("kind", "email"), ("name", ""), ("address", "")])),
    row("POST", "/notifications/channels/{id}", UNIT, R(BUREAU_OR_ADMIN), "id=channel", F(&[("kind", "wecom"), ("name", ""), ("address", "")])),
    row("POST", "/notifications/channels/{id}/delete", UNIT, R(BUREAU_OR_ADMIN), "id=channel", F(&[])),
    row("POST", "/notifications/channels/{id}/test", UNIT, R(BUREAU_OR_ADMIN), "id=channel", F(&[])),
    row("POST", "/notifications/rules", NONE, R(BUREAU_OR_ADMIN), "", F(&[("stalled_days", "x")])),
    row("GET", "/notifications/deliveries", NONE, R(ADMIN), "", N),
    row("POST", "/notifications/deliveries/{id}/retry", UNIT, R(ADMIN), "id=delivery", F(&[])),
    // Chains and precision targeting.
    row("GET", "/chains", NONE, ANY, "", N),
    row("GET", "/chains/{id}", CH, ANY, "id=chain", N),
    row("GET", "/chains/{id}/export.xlsx", CH, ANY, "id=chain", N),
    row("GET", "/chains/{id}/links/{link_id}/matches", CH, ANY, "id=chain,link_id=link", N),
    row("GET", "/matching", NONE, ANY, "", N),
    row("GET", "/matching/offices/{id}", OFFICE, READ, "id=office", N),
    row("POST", "/matching/weights", NONE, R(BUREAU_OR_ADMIN), "", F(&[("body", "x")])),
    row("GET", "/search", NONE, ANY, "", N),
    row("GET", "/industries", NONE, ANY, "", N),
    // Webhooks and tokens: the owner's, and the administrator's.
    row("GET", "/webhooks", NONE, ANY, "", N),
    row("POST", "/webhooks", NONE, ANY, "", F(&[("url", ""), ("description", "")])),
    row("GET", "/webhooks/{id}", PERSON, R(ADMIN), "id=webhook", N),
    row("POST", "/webhooks/{id}/edit", PERSON, R(ADMIN), "id=webhook", F(&[("url", ""), ("version", "x")])),
    row("POST", "/webhooks/{id}/delete", PERSON, R(ADMIN), "id=webhook", F(&[])),
    row("POST", "/webhooks/{id}/test", PERSON, R(ADMIN), "id=webhook", F(&[])),
    row("POST", "/webhooks/deliveries/{id}/retry", PERSON, R(ADMIN), "id=wdelivery", F(&[])),
    row("GET", "/account/tokens", NONE, ANY, "", N),
    row("POST", "/account/tokens", NONE, ANY, "", F(&[("name", ""), ("days", "7")])),
    row("POST", "/account/tokens/{id}/revoke", PERSON, R(ADMIN), "id=token", F(&[])),
    // The API: the same rules as the pages.
    row("GET", "/api/v1/me", NONE, ANY, "", N),
    row("GET", "/api/v1/units", NONE, ANY, "", N),
    // The API's unit is the directory entry (code, name, kind), as in its list: no people.
    row("GET", "/api/v1/units/{id}", UNIT, ANY, "id=unit", N),
    row("GET", "/api/v1/users", NONE, ANY, "", N),
    row("GET", "/api/v1/users/{id}", UNIT, READ, "id=user", N),
    row("GET", "/api/v1/enterprises", NONE, ANY, "", N),
    row("POST", "/api/v1/enterprises", NONE, R(WRITERS), "", J(r#"{"name": ""}"#)),
    row("GET", "/api/v1/enterprises/{id}", UNIT, ANY, "id=enterprise", N),
    row("PATCH", "/api/v1/enterprises/{id}", UNIT, R(WRITERS), "id=enterprise", J(r#"{"version": -1, "name": ""}"#)),
    row("GET", "/api/v1/enterprises/{id}/contacts", UNIT, ANY, "id=enterprise", N),
    row("POST", "/api/v1/enterprises/{id}/contacts", UNIT, R(WRITERS), "id=enterprise", J(r#"{"name": ""}"#)),
    row("GET", "/api/v1/targets", NONE, ANY, "", N),
    row("POST", "/api/v1/targets", UNIT, WRITE, "", J(r#"{"enterprise_id": {fresh}, "unit_id": {unit}, "priority": ""}"#)),
    row("GET", "/api/v1/targets/{id}", UNIT, READ, "id=target", N),
    row("PATCH", "/api/v1/targets/{id}", UNIT, WRITE, "id=target", J(r#"{"version": -1}"#)),
    row("GET", "/api/v1/followups", NONE, ANY, "", N),
    row("POST", "/api/v1/followups", UNIT, WRITE, "", J(r#"{"target_id": {target}, "enterprise_id": {enterprise}, "kind": "visit", "happened_on": "{today}", "summary": "矩阵走访", "client_key": "matrix-api-{side}-{role}"}"#)),
    row("GET", "/api/v1/followups/{id}", UNIT, READ, "id=followup", N),
    row("GET", "/api/v1/projects", NONE, ANY, "", N),
    row("POST", "/api/v1/projects", UNIT, WRITE, "", J(r#"{"name": "", "enterprise_id": {fresh}, "landing_unit_id": {unit}, "source_unit_id": {unit}}"#)),
    row("GET", "/api/v1/projects/{id}", UNIT, READ, "id=project", N),
    row("PATCH", "/api/v1/projects/{id}", UNIT, WRITE, "id=project", J(r#"{"version": -1}"#)),
    row("POST", "/api/v1/projects/{id}/advance", UNIT, WRITE, "id=project", J(r#"{"version": -1, "to": ""}"#)),
    row("POST", "/api/v1/projects/{id}/state", UNIT, WRITE, "id=project", J(r#"{"version": -1, "to": "suspended", "reason": "矩阵"}"#)),
    row("GET", "/api/v1/projects/{id}/funds", UNIT, READ, "id=project", N),
    row("POST", "/api/v1/projects/{id}/funds", UNIT, WRITE, "id=project", J(r#"{"month": "{month}", "amount": "", "origin": "out_of_province", "use_kind": "fixed"}"#)),
    row("GET", "/api/v1/verifications", NONE, R(SEES_ALL), "", N),
    row("POST", "/api/v1/verifications/{key}", UNIT, R(BUREAU), "key=stage", J(r#"{"result": ""}"#)),
    row("GET", "/api/v1/requests", NONE, ANY, "", N),
    row("POST", "/api/v1/requests", UNIT, WRITE, "", J(r#"{"project_id": {project}, "category": "", "text": "", "owner_unit_id": {unit}, "deadline": ""}"#)),
    row("PATCH", "/api/v1/requests/{id}", UNIT, WRITE, "id=request", J(r#"{"version": -1, "status": ""}"#)),
    row("GET", "/api/v1/events", NONE, ANY, "", N),
    row("POST", "/api/v1/events", UNIT, WRITE, "", J(r#"{"organizer_unit_id": {unit}, "name": "矩阵推介会", "kind": "promotion", "status": "planned", "city": "深圳", "start_on": "{today}", "end_on": "{today}"}"#)),
    row("GET", "/api/v1/events/{id}", UNIT, ANY, "id=event", N),
    row("PATCH", "/api/v1/events/{id}", UNIT, WRITE, "id=event", J(r#"{"version": -1, "organizer_unit_id": {unit}}"#)),
    row("GET", "/api/v1/assessment/runs", NONE, ANY, "", N),
    row("GET", "/api/v1/assessment/runs/{id}", CITY, ANY, "id=run", N),
    row("GET", "/api/v1/dispatch", NONE, ANY, "", N),
];

/// One account per role, in unit A (南郑区) or at the bureau as the role requires; the
/// department is 工信局, which leads chain A.
const ACCOUNTS: [(Role, &str, &str); 7] = [
    (Admin, "admin", "610700"),
    (Bureau, "bureau", "610700"),
    (Leader, "leader", "610700"),
    (UnitHead, "head-610703", "610703"),
    (Officer, "officer-610703", "610703"),
    (Department, "dept-gxj", "gxj"),
    (Viewer, "viewer-610703", "610703"),
];

// ---------------------------------------------------------------------------------------------
// Coverage: a new route or operation without a row fails here.

#[test]
fn every_route_is_in_the_matrix() {
    let mut all: Vec<(String, String)> = web::routes::ROUTES.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    all.extend(web::api::operations());
    let declared = |m: &str, p: &str| MATRIX.iter().filter(|r| r.method == m && r.path == p).count() + EXCLUDED.iter().filter(|(em, ep, _)| *em == m && *ep == p).count();
    let missing: Vec<String> = all.iter().filter(|(m, p)| declared(m, p) == 0).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(missing.is_empty(), "routes without a row in the permission matrix (add one to MATRIX, or to EXCLUDED with a reason):\n{}", missing.join("\n"));
    let twice: Vec<String> = all.iter().filter(|(m, p)| declared(m, p) > 1).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(twice.is_empty(), "routes declared twice: {twice:?}");
    let stale: Vec<String> = MATRIX.iter().map(|r| (r.method, r.path)).chain(EXCLUDED.iter().map(|(m, p, _)| (*m, *p))).filter(|(m, p)| !all.iter().any(|(am, ap)| am == m && ap == p)).map(|(m, p)| format!("{m} {p}")).collect();
    assert!(stale.is_empty(), "rows for routes that no longer exist: {stale:?}");
    for (_, _, reason) in EXCLUDED {
        assert!(!reason.is_empty());
    }
    // Every path placeholder has a record behind it.
    for r in MATRIX {
        let mut path = r.path.to_string();
        for pair in r.ids.split(',').filter(|s| !s.is_empty()) {
            let (name, _) = pair.split_once('=').unwrap();
            path = path.replace(&format!("{{{name}}}"), "1");
        }
        assert!(!path.contains('{'), "{} {}: a placeholder without a record in `ids`", r.method, r.path);
    }
}

#[test]
fn the_declared_rules_say_what_design_section_6_says() {
    // A few cells a bureau officer would recognise, so that a slip in `expected` shows here.
    let cases: &[(Rule, Role, bool, bool)] = &[
        (Rule::Read, Officer, true, true),
        (Rule::Read, Officer, false, false),
        (Rule::Read, Leader, false, true),
        (Rule::Write, Leader, true, false),
        (Rule::Write, Viewer, true, false),
        (Rule::Read, Viewer, true, true),
        (Rule::Write, Bureau, false, true),
        (Rule::Read, Department, false, false),
        (Rule::Write, Department, true, true),
        (Rule::Roles(ADMIN), Bureau, true, false),
        (Rule::Roles(BUREAU), Admin, true, false),
    ];
    for (rule, role, own, allowed) in cases {
        assert_eq!(expected(*rule, *role, *own), *allowed, "{rule:?} {role:?} own={own}");
    }
}

// ---------------------------------------------------------------------------------------------
// The records.

type Ids = HashMap<&'static str, String>;

async fn unit_id(store: &Store, code: &str) -> i64 {
    store.unit_by_code(code).await.unwrap().expect("unit").id
}

async fn company(store: &Store, name: &str) -> i64 {
    let input = store::enterprises::EnterpriseInput { name: name.into(), industry_code: "3841".into(), region_code: "440305".into(), ..Default::default() };
    store.create_enterprise(&Who::system("test"), &input, false).await.unwrap().id
}

/// A project landed in `unit`, started, with its contract and site photo.
async fn started_project(store: &Store, name: &str, enterprise_id: i64, unit: i64) -> store::entities::project::Model {
    let who = Who::system("test");
    let today = Utc::now().date_naive();
    let input = ProjectInput {
        name: name.into(),
        enterprise_id,
        industry_code: "3841".into(),
        kind: Some(ProjectKind::New),
        total_wan: 500_000,
        fixed_wan: 400_000,
        source_channel: Some(SourceChannel::Native),
        source_unit_id: unit,
        landing_unit_id: unit,
        contract_kind: Some(ContractKind::Contract),
        ..Default::default()
    };
    let p = store.create_project(&who, &input, today - Duration::days(100), None).await.unwrap();
    let stages = [(Stage::Negotiating, 90), (Stage::Signed, 60), (Stage::Started, 30)];
    let advance = Advance {
        dates: stages.iter().map(|(s, ago)| (*s, today - Duration::days(*ago))).collect(),
        files: stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, 1)).collect(),
        reference: String::new(),
    };
    let files = stages.iter().filter(|(s, _)| *s >= Stage::Signed).map(|(s, _)| (*s, NewAttachment { file_name: format!("{}.pdf", s.label()), content_type: "application/pdf".into(), data: b"%PDF-1.7\n".to_vec() })).collect();
    store.advance_project(&who, p.id, p.version, Stage::Started, &advance, "推进", files).await.unwrap()
}

/// The records of one unit (`side` is "甲" for A, "乙" for B): every name carries 「标记」, which
/// no refusal may show.
async fn unit_records(app: &TestApp, side: &str, code: &str, person: &str) -> Ids {
    use store::entities::*;
    let store = &app.store;
    let db = &store.db;
    let who = Who::system("test");
    let today = Utc::now().date_naive();
    let unit = unit_id(store, code).await;
    let mut ids = Ids::new();
    let mut put = |k: &'static str, v: i64| {
        ids.insert(k, v.to_string());
    };
    put("unit", unit);
    put("user", add_user(store, person, code, vec![Officer]).await);
    let enterprise = company(store, &format!("汉中{side}标记投资有限公司")).await;
    put("enterprise", enterprise);
    put("fresh", company(store, &format!("汉中{side}标记新企业有限公司")).await);
    let target = store
        .create_target(&who, &store::targets::NewTarget { enterprise_id: enterprise, owner_unit_id: unit, owner_user_id: None, priority: Priority::A, source: format!("{side}标记来源"), note: format!("{side}标记备注"), link_ids: vec![] })
        .await
        .unwrap();
    put("target", target.id);
    let project = started_project(store, &format!("{side}标记项目"), enterprise, unit).await;
    put("project", project.id);
    put("landed", enterprise);
    let stage = stage_change::Entity::find().filter(stage_change::Column::ProjectId.eq(project.id)).filter(stage_change::Column::Kind.eq("advance")).order_by_asc(stage_change::Column::Id).all(db).await.unwrap();
    ids.insert("stage", format!("stage-{}", stage.last().expect("a stage change").id));
    let file = project_file::Entity::find().filter(project_file::Column::ProjectId.eq(project.id)).one(db).await.unwrap().expect("a project file");
    let mut put = |k: &'static str, v: i64| {
        ids.insert(k, v.to_string());
    };
    put("pfile", file.id);
    let officer = app.user_id(person).await;
    let visit = NewFollowUp {
        enterprise_id: enterprise,
        target_id: Some(target.id),
        project_id: None,
        happened_on: today,
        kind: FollowUpKind::Visit,
        place: String::new(),
        latitude_e6: None,
        longitude_e6: None,
        participants: String::new(),
        summary: format!("{side}标记走访"),
        next_step: format!("{side}标记下一步"),
        next_due: Some(today + Duration::days(3)),
        client_key: format!("matrix-{code}"),
    };
    let photo = NewAttachment { file_name: "现场.png".into(), content_type: "image/png".into(), data: b"\x89PNG\r\n\x1a\n".to_vec() };
    let followup = store.create_follow_up(&who, officer, unit, &visit, vec![photo]).await.unwrap().0.id;
    put("followup", followup);
    let attachment = store.follow_ups(Some(enterprise), None, domain::access::Visibility::All, 10).await.unwrap().into_iter().find(|v| v.follow_up.id == followup).unwrap().attachments[0].0;
    put("attachment", attachment);
    let contact = store::enterprises::NewContact { name: format!("{side}标记联系人"), title: "总经理".into(), phone: "13900000000".into(), wechat: String::new(), is_native: false, home_county: String::new(), note: String::new() };
    put("contact", store.add_contact(&who, enterprise, unit, &contact).await.unwrap().id);
    let request = store::services::NewRequest { project_id: Some(project.id), enterprise_id: enterprise, category: RequestCategory::ALL[0], text: format!("{side}标记诉求"), owner_unit_id: unit, deadline: today + Duration::days(10) };
    put("request", store.create_request(&who, unit, &request).await.unwrap().id);
    store.add_member(&who, Some(project.id), None, officer, TeamRole::Member).await.unwrap();
    put("member", service_member::Entity::find().filter(service_member::Column::ProjectId.eq(project.id)).one(db).await.unwrap().unwrap().id);
    let policy = store.add_policy_item(&who, project.id, &format!("{side}标记用地补助"), "", 100).await.unwrap();
    put("policy", policy.id);
    put("condition", store.add_policy_condition(&who, policy.id, domain::aftercare::Indicator::Investment, 100).await.unwrap().id);
    put("approval", store.add_approval_item(&who, project.id, "用地预审与选址意见书").await.unwrap().id);
    let month = today.with_day(1).unwrap();
    store.add_funds(&who, project.id, &store::projects::FundsInput { month, amount_wan: 100, origin: FundsOrigin::OutOfProvince, use_kind: FundsUse::Fixed, note: String::new() }).await.unwrap();
    let event = store::events::EventInput { kind: EventKind::Promotion, name: format!("{side}标记推介会"), city: "深圳".into(), venue: String::new(), start_on: today, end_on: today, organizer_unit_id: unit, status: EventStatus::Planned, summary: String::new() };
    let event = store.create_event(&who, &event).await.unwrap().id;
    put("event", event);
    put("participant", store.add_participant(&who, event, enterprise, None, "").await.unwrap().id);
    put("elink", store.link_project(&who, event, project.id, Relation::Lead).await.unwrap().id);
    // The person's own things.
    let owner = app.user_id(person).await;
    let hook = store::webhooks::SubscriptionInput { url: format!("https://hooks.example.gov.cn/{code}"), events: vec![domain::webhook::EventType::ProjectCreated], description: format!("{side}标记推送"), active: true };
    let (hook, _) = store.create_webhook(&who, owner, unit, &hook, Utc::now()).await.unwrap();
    put("webhook", hook.id);
    put("wdelivery", store.queue_webhook_ping(&who, hook.id, Utc::now() + Duration::days(30)).await.unwrap().id);
    put("token", store.create_token(&who, owner, &format!("{side}标记令牌"), 30).await.unwrap().token.id);
    put("view", store.save_view(owner, "targets", &format!("{side}标记视图"), "priority=A").await.unwrap().id);
    let now = Utc::now();
    let n = notification::ActiveModel {
        user_id: Set(owner),
        rule: Set("next_step_due".into()),
        dedup_key: Set(format!("matrix-{side}")),
        title: Set(format!("{side}标记提醒")),
        body: Set(String::new()),
        link: Set(format!("/targets/{}", target.id)),
        created_at: Set(now),
        read_at: Set(None),
        ..Default::default()
    };
    put("notification", n.insert(db).await.unwrap().id);
    let channel = store::notifications::ChannelInput { kind: domain::notify::ChannelKind::Wecom, name: format!("{side}标记群"), address: format!("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={code}"), secret: String::new(), rules: vec![], enabled: false };
    let channel = store.add_channel(&who, store::notifications::ChannelOwner::Unit(unit), &channel, now).await.unwrap().id;
    put("channel", channel);
    let d = delivery::ActiveModel {
        channel_id: Set(channel),
        rule: Set("next_step_due".into()),
        dedup_key: Set(format!("matrix-{side}")),
        title: Set(format!("{side}标记消息")),
        body: Set(String::new()),
        link: Set(String::new()),
        status: Set("failed".into()),
        attempts: Set(5),
        next_attempt_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        last_error: Set("测试".into()),
        sent_at: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    put("delivery", d.insert(db).await.unwrap().id);
    ids.insert("kind", "enterprises".into());
    ids
}

/// An applied import by an officer of the unit (a previewed one is its uploader's draft).
async fn applied_import(app: &TestApp, username: &str, side: &str) -> String {
    let (browser, preview) = previewed_import(app, username, side).await;
    let applied = browser.post_form(&preview, &format!("{preview}/apply"), &[]).await;
    assert_eq!(applied.status(), StatusCode::SEE_OTHER, "apply");
    preview.trim_start_matches("/imports/").split('?').next().unwrap().to_string()
}

/// An uploaded, not yet applied import (its uploader's draft): the uploader's browser and the
/// preview's path.
async fn previewed_import(app: &TestApp, username: &str, side: &str) -> (Browser, String) {
    use office::xlsx::{Cell, Column};
    let browser = spawn_client(app);
    browser.sign_in(username).await;
    let columns: Vec<Column> = ["公司名称", "统一社会信用代码", "所属省份", "所属城市"].iter().map(|h| Column::new(*h, 20.0)).collect();
    let rows = vec![vec![Cell::text(format!("汉中{side}标记导入有限公司").as_str()), Cell::Empty, Cell::text("陕西省"), Cell::text("汉中市")]];
    let bytes = office::xlsx::write_table("企业", "2026 年重点企业名单", &columns, rows).unwrap();
    let token = csrf_in(&browser.get_html("/imports").await);
    let form = Form::new().text("kind", "enterprises").part("file", Part::bytes(bytes).file_name(format!("{side}名单.xlsx")));
    let uploaded = browser.client.post(browser.url(&format!("/imports?csrf_token={token}"))).multipart(form).send().await.unwrap();
    if uploaded.status() != StatusCode::SEE_OTHER {
        panic!("upload: {}", excerpt(&uploaded.text().await.unwrap()));
    }
    let preview = location(&uploaded);
    (browser, preview)
}

const SCHEME: &str = r#"
name = "矩阵测试考核办法"
group = "Counties"
quarter_mode = "Sum"

[[indicators]]
key = "signed"
name = "签约项目"
metric = "SignedCount"
uses_target = false
[indicators.rule]
kind = "points"
per = 1000
cap = 10000

[[tiers]]
name = "一等奖"
up_to_rank = 1
"#;

/// Both sides' records, and the city-wide ones in both.
async fn records(app: &TestApp, accounts: &[Account]) -> (Ids, Ids) {
    use store::entities::*;
    let store = &app.store;
    let mut a = unit_records(app, "甲", "610703", "target-a").await;
    let mut b = unit_records(app, "乙", "610722", "target-b").await;
    a.insert("import", applied_import(app, "officer-610703", "甲").await);
    b.insert("import", applied_import(app, "officer-610722", "乙").await);
    // Chains: A led by 工信局, B by another department.
    let gxj = unit_id(store, "gxj").await;
    let tree = store.profile_tree().await.unwrap();
    let chains: Vec<_> = tree.iter().flat_map(|c| &c.chains).collect();
    let own = chains.iter().find(|h| h.chain.lead_unit_id == gxj && !h.links.is_empty()).expect("gxj leads a chain");
    let other = chains.iter().find(|h| h.chain.lead_unit_id != gxj && !h.links.is_empty()).expect("another department leads one");
    for (ids, chain) in [(&mut a, own), (&mut b, other)] {
        ids.insert("chain", chain.chain.id.to_string());
        ids.insert("link", chain.links[0].link.id.to_string());
    }
    let offices = store.offices().await.unwrap();
    a.insert("office", offices[0].id.to_string());
    b.insert("office", offices[1].id.to_string());
    // City-wide: a scheme with a published run, and the task list with items for every county.
    let bureau = accounts.iter().find(|x| x.role == Bureau).unwrap();
    let year = Utc::now().date_naive().year() - 1;
    let created = bureau.browser.post_form("/assessment/schemes/new", "/assessment/schemes", &[("year", &year.to_string()), ("body", SCHEME)]).await;
    if created.status() != StatusCode::SEE_OTHER {
        panic!("scheme: {}", excerpt(&created.text().await.unwrap()));
    }
    let scheme: i64 = location(&created).trim_start_matches("/assessment/schemes/").split('?').next().unwrap().parse().unwrap();
    let run = store.publish_run(&Who::system("test"), scheme, year, 1, "").await.unwrap().id;
    for month in [2, 3] {
        store.publish_run(&Who::system("test"), scheme, year, month, "").await.unwrap();
    }
    let today = Utc::now().date_naive();
    let list = store.seed_task_list(&Who::system("test"), today).await.unwrap().id;
    let items = task_item::Entity::find().filter(task_item::Column::ListId.eq(list)).all(&store.db).await.unwrap();
    for ids in [&mut a, &mut b] {
        ids.insert("scheme", scheme.to_string());
        ids.insert("year", year.to_string());
        ids.insert("today", today.to_string());
        ids.insert("month", today.format("%Y-%m").to_string());
        ids.insert("run", run.to_string());
        ids.insert("tasklist", list.to_string());
        let unit: i64 = ids["unit"].parse().unwrap();
        ids.insert("taskitem", items.iter().find(|i| i.unit_id == unit).expect("an item for the unit").id.to_string());
    }
    (a, b)
}

// ---------------------------------------------------------------------------------------------
// Asking.

struct Account {
    role: Role,
    username: &'static str,
    unit_code: &'static str,
    browser: Browser,
    csrf: String,
    token: String,
    /// A script's client for the API: no cookies, the bearer token.
    api: reqwest::Client,
}

struct Answer {
    status: StatusCode,
    content_type: String,
    location: String,
    body: String,
}

fn fill(text: &str, ids: &Ids, extra: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in extra {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    for (k, v) in ids {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

fn concrete_path(r: &Row, ids: &Ids) -> String {
    let mut path = r.path.to_string();
    for pair in r.ids.split(',').filter(|s| !s.is_empty()) {
        let (name, record) = pair.split_once('=').unwrap();
        let value = ids.get(record).unwrap_or_else(|| panic!("{} {}: no record {record}", r.method, r.path));
        path = path.replace(&format!("{{{name}}}"), value);
    }
    assert!(!path.contains('{'), "{path}");
    path
}

async fn ask(account: &Account, r: &Row, path: &str, ids: &Ids, side: &str) -> Answer {
    let extra = [("side", side.to_string()), ("role", account.username.to_string())];
    let url = account.browser.url(path);
    let client = &account.browser.client;
    let request = if path.starts_with("/api/") {
        let url = if let Body::Query(query) = r.body { format!("{url}?{}", fill(query, ids, &extra)) } else { url };
        let mut request = account.api.request(r.method.parse().unwrap(), &url).bearer_auth(&account.token);
        if let Body::Json(template) = r.body {
            let json: serde_json::Value = serde_json::from_str(&fill(template, ids, &extra)).unwrap_or_else(|e| panic!("{} {}: body {e}", r.method, r.path));
            request = request.json(&json);
        }
        request
    } else {
        match r.body {
            Body::None => client.request(r.method.parse().unwrap(), &url),
            Body::Query(query) => client.request(r.method.parse().unwrap(), format!("{url}?{}", fill(query, ids, &extra))),
            Body::Form(fields) => {
                let mut form: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), fill(v, ids, &extra))).collect();
                form.push(("csrf_token".into(), account.csrf.clone()));
                client.request(r.method.parse().unwrap(), &url).form(&form)
            }
            Body::Multipart(fields) => {
                let mut form = Form::new();
                for (k, v) in fields {
                    form = form.text(k.to_string(), fill(v, ids, &extra));
                }
                client.request(r.method.parse().unwrap(), format!("{url}?csrf_token={}", account.csrf)).multipart(form)
            }
            Body::Json(_) => panic!("{} {}: JSON for a page", r.method, r.path),
        }
    };
    let response = request.send().await.unwrap();
    let status = response.status();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    let location = location(&response);
    let bytes = response.bytes().await.unwrap();
    Answer { status, content_type, location, body: readable(&bytes) }
}

/// A body as text to search: a .xlsx or .docx (a zip) is the text of all its parts.
fn readable(bytes: &[u8]) -> String {
    use std::io::Read;
    if !bytes.starts_with(b"PK") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut text = String::new();
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let mut content = Vec::new();
        part.read_to_end(&mut content).unwrap();
        text.push_str(&String::from_utf8_lossy(&content));
    }
    text
}

async fn denied_count(store: &Store) -> u64 {
    use store::entities::audit_event;
    audit_event::Entity::find().filter(audit_event::Column::Outcome.eq(store::audit::DENIED)).count(&store.db).await.unwrap()
}

async fn last_denial_id(store: &Store) -> i64 {
    use store::entities::audit_event;
    audit_event::Entity::find().order_by_desc(audit_event::Column::Id).one(&store.db).await.unwrap().map_or(0, |e| e.id)
}

/// The denials audited after entry `mark`.
async fn denials_since(store: &Store, mark: i64) -> Vec<store::entities::audit_event::Model> {
    use store::entities::audit_event;
    audit_event::Entity::find().filter(audit_event::Column::Outcome.eq(store::audit::DENIED)).filter(audit_event::Column::Id.gt(mark)).order_by_asc(audit_event::Column::Id).all(&store.db).await.unwrap()
}

/// What of a unit's records only the unit (and the city) may read: a project's name, a visit's
/// summary and next step, a contact, a request, a target's note and source, a policy item.
/// (The company itself is in the shared library, and the city's events are everyone's.)
const CONFIDENTIAL: &[&str] = &["项目", "走访", "下一步", "联系人", "诉求", "备注", "来源", "用地补助"];

/// Pages whose allowed answer must show the record: (method, path, marker).
const SHOWS: &[(&str, &str, &str)] = &[
    ("GET", "/projects/{id}", "项目"),
    ("GET", "/targets/{id}", "投资有限公司"),
    ("GET", "/events/{id}", "推介会"),
    ("GET", "/api/v1/projects/{id}", "项目"),
    ("GET", "/api/v1/followups/{id}", "走访"),
    ("GET", "/api/v1/targets/{id}", "备注"),
    ("GET", "/projects/{id}/brief.docx", "项目"),
    ("GET", "/projects", "项目"),
    ("GET", "/projects/export.xlsx", "项目"),
    ("GET", "/targets/export.xlsx", "投资有限公司"),
    ("GET", "/api/v1/projects", "项目"),
    ("GET", "/api/v1/followups", "走访"),
    ("GET", "/requests", "诉求"),
];

/// Tables that change without anyone writing a record: the audit chain, sessions, tokens' last
/// use, idempotency keys, and the delivery queues the background workers tend.
const VOLATILE: &[&str] = &["audit_events", "audit_head", "sessions", "api_tokens", "idempotency_keys", "deliveries", "webhook_deliveries", "seaql_migrations"];

async fn tables(store: &Store) -> Vec<String> {
    let backend = store.backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1",
    };
    let rows = JsonValue::find_by_statement(Statement::from_string(backend, sql)).all(&store.db).await.unwrap();
    rows.into_iter().filter_map(|r| r["name"].as_str().map(str::to_string)).filter(|t| !VOLATILE.contains(&t.as_str())).collect()
}

/// Every row of every business table, as text.
async fn world(store: &Store, tables: &[String]) -> Vec<String> {
    let backend = store.backend();
    let mut out = Vec::new();
    for table in tables {
        // Settings the workers keep (the webhook cursor follows the audit log) are not records.
        let sql = if table == "settings" {
            "SELECT * FROM settings WHERE key NOT IN ('webhooks_cursor', 'projects_refreshed_on') AND key NOT LIKE 'reminders_done:%'".to_string()
        } else {
            format!("SELECT * FROM {table}")
        };
        let rows = JsonValue::find_by_statement(Statement::from_string(backend, sql)).all(&store.db).await.unwrap();
        let mut rows: Vec<String> = rows.iter().map(|r| r.to_string()).collect();
        rows.sort();
        out.push(format!("{table}: {}", rows.join("\n")));
    }
    out
}

fn first_difference(before: &[String], after: &[String]) -> String {
    before.iter().zip(after).find(|(b, a)| b != a).map(|(b, _)| b.split(':').next().unwrap_or_default().to_string()).unwrap_or_default()
}

struct MatrixCell<'a> {
    row: &'a Row,
    account: usize,
    side: &'static str,
    own: bool,
    allowed: bool,
}

#[tokio::test]
async fn every_role_on_every_route_against_own_and_other_units_records() {
    let started = Instant::now();
    let app = spawn_app().await;
    let store = &app.store;
    for (role, username, code) in ACCOUNTS {
        if store.user_by_name(username).await.unwrap().is_none() {
            add_user(store, username, code, vec![role]).await;
        }
    }
    let mut accounts = Vec::new();
    for (role, username, unit_code) in ACCOUNTS {
        let browser = spawn_client(&app);
        browser.sign_in(username).await;
        let csrf = csrf_in(&browser.get_html("/").await);
        let id = app.user_id(username).await;
        let token = store.create_token(&Who::system("test"), id, "权限矩阵", 30).await.unwrap().secret;
        let api = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        accounts.push(Account { role, username, unit_code, browser, csrf, token, api });
    }
    let (a, b) = records(&app, &accounts).await;
    let owner_code = |own: Own, side: &str| -> String {
        match (own, side) {
            (Own::Unit, "A") => "610703".into(),
            (Own::Unit, _) => "610722".into(),
            (Own::Chain, "A") => "gxj".into(),
            (Own::Chain, _) => "another-department".into(),
            (Own::Office | Own::Person, _) => "nobody".into(),
            (Own::None | Own::City, _) => String::new(),
        }
    };
    let setup = started.elapsed();

    // The cells: both sides for owned records, once for the rest.
    let mut cells = Vec::new();
    for row in MATRIX {
        let sides: &[&'static str] = if matches!(row.own, Own::None | Own::City) { &["A"] } else { &["A", "B"] };
        for (i, account) in accounts.iter().enumerate() {
            for side in sides {
                let own = owner_code(row.own, side) == account.unit_code || matches!(row.own, Own::None | Own::City);
                cells.push(MatrixCell { row, account: i, side, own, allowed: expected(row.rule, account.role, own) });
            }
        }
    }
    let ids = |side: &str| if side == "A" { &a } else { &b };
    let markers = ["甲标记", "乙标记"];
    let tables = tables(store).await;
    let mut failures: Vec<String> = Vec::new();
    let debug = std::env::var("ZS_DEBUG_MATRIX").is_ok();

    // 1. Every refusal, first, while every record is as made: 403, one new audit row by the
    //    caller, nothing of either record shown, nothing changed.
    // The database is compared before and after each route's refusals (all roles, both sides):
    // a difference names the route and the table.
    let world_before_refusals = world(store, &tables).await;
    let mut before = world_before_refusals.clone();
    let mut refused = 0;
    for r in MATRIX {
        let row_cells: Vec<&MatrixCell> = cells.iter().filter(|c| !c.allowed && std::ptr::eq(c.row, r)).collect();
        if row_cells.is_empty() {
            continue;
        }
        // One route's refusals go out together (all roles, both sides); each is then found in the
        // audit log by its caller and path.
        let mark = last_denial_id(store).await;
        let answers = futures_util::future::join_all(row_cells.iter().map(|cell| {
            let account = &accounts[cell.account];
            let path = concrete_path(r, ids(cell.side));
            async move {
                let answer = ask(account, r, &path, ids(cell.side), cell.side).await;
                (*cell, path, answer)
            }
        }))
        .await;
        let mut entries = denials_since(store, mark).await;
        for (cell, path, answer) in answers {
            let account = &accounts[cell.account];
            let what = format!("{:?} {} {} {path} (side {}, own={})", account.role, account.username, r.method, cell.side, cell.own);
            refused += 1;
            if debug {
                eprintln!("REFUSE {what}: {}", answer.status);
            }
            let api = path.starts_with("/api/");
            if answer.status != StatusCode::FORBIDDEN {
                failures.push(format!("{what}: expected a refusal, got {} {}", answer.status, excerpt(&answer.body)));
                continue;
            }
            if api && !answer.content_type.starts_with("application/problem+json") {
                failures.push(format!("{what}: API refusal as {}", answer.content_type));
            }
            if !api && !answer.body.contains("无权") && !answer.body.contains("只能查看") {
                failures.push(format!("{what}: the refusal page does not say why: {}", excerpt(&answer.body)));
            }
            if let Some(m) = markers.iter().find(|m| answer.body.contains(*m)) {
                failures.push(format!("{what}: the refusal shows 「{m}」 of a record"));
            }
            let prefix = format!("{path}：");
            match entries.iter().position(|e| e.username == account.username && e.detail.starts_with(&prefix)) {
                Some(i) => {
                    entries.remove(i);
                }
                None => failures.push(format!("{what}: the denial was not audited")),
            }
        }
        for e in entries {
            failures.push(format!("{} {}: an extra denial was audited: {} {} {}", r.method, r.path, e.username, e.action, e.detail));
        }
        if r.method != "GET" {
            let after = world(store, &tables).await;
            if after != before {
                let who: Vec<String> = row_cells.iter().map(|c| format!("{:?}/{}", accounts[c.account].role, c.side)).collect();
                failures.push(format!("{} {}: a refused write ({}) changed table {}", r.method, r.path, who.join(" "), first_difference(&before, &after)));
            }
            before = after;
        }
    }
    let world_after_refusals = world(store, &tables).await;
    if world_after_refusals != world_before_refusals {
        failures.push(format!("the refusals changed table {}", first_difference(&world_before_refusals, &world_after_refusals)));
    }
    let refusals_took = started.elapsed() - setup;

    // 2. Every allowance: reads (each role's in parallel with the others'), then writes one by
    //    one, then the writes that delete their record (so that the others still find it).
    let mut allowed = 0;
    let mut leak_checked = 0;
    let audited_before_allowances = denied_count(store).await;
    let destructive = |r: &Row| r.path.ends_with("/delete") || r.path.ends_with("/revoke");
    for pass in 0..3 {
        let in_pass = |c: &&MatrixCell| c.allowed && pass == if c.row.method == "GET" { 0 } else if destructive(c.row) { 2 } else { 1 };
        let answers: Vec<(&MatrixCell, String, Answer)> = if pass == 0 {
            let per_account = futures_util::future::join_all((0..accounts.len()).map(|i| {
                let mine: Vec<&MatrixCell> = cells.iter().filter(in_pass).filter(|c| c.account == i).collect();
                let ids = &ids;
                let accounts = &accounts;
                async move {
                    let mut out = Vec::new();
                    for cell in mine {
                        let path = concrete_path(cell.row, ids(cell.side));
                        let answer = ask(&accounts[i], cell.row, &path, ids(cell.side), cell.side).await;
                        out.push((cell, path, answer));
                    }
                    out
                }
            }))
            .await;
            per_account.into_iter().flatten().collect()
        } else {
            let mut out = Vec::new();
            for cell in cells.iter().filter(in_pass) {
                let path = concrete_path(cell.row, ids(cell.side));
                let answer = ask(&accounts[cell.account], cell.row, &path, ids(cell.side), cell.side).await;
                out.push((cell, path, answer));
            }
            out
        };
        let write = pass > 0;
        for (cell, path, answer) in answers {
            let account = &accounts[cell.account];
            let r = cell.row;
            let what = format!("{:?} {} {} {path} (side {}, own={})", account.role, account.username, r.method, cell.side, cell.own);
            allowed += 1;
            if debug {
                eprintln!("ALLOW {what}: {} {}", answer.status, answer.location);
            }
            let status = answer.status;
            let fine = match status.as_u16() {
                200..=299 => true,
                300..=399 => !answer.location.starts_with("/login"),
                // An incomplete form or a stale version is refused for what it says, after the check.
                400 | 409 | 422 => write,
                // A delete whose record another role deleted before it in this phase.
                404 => destructive(r),
                _ => false,
            };
            if !fine {
                failures.push(format!("{what}: expected it allowed, got {status} {}", excerpt(&answer.body)));
            }
            // A few pages must show the record they were allowed to open (so that an allowance is
            // the record, not an empty page).
            // A list shows the caller's own unit's record (A) to everyone but the department.
            let shown_side = match r.own {
                Own::None => (account.role != Department).then_some("甲"),
                _ => Some(if cell.side == "A" { "甲" } else { "乙" }),
            };
            if let (Some((_, _, what_of)), Some(side)) = (SHOWS.iter().find(|(m, p, _)| *m == r.method && *p == r.path), shown_side) {
                let marker = format!("{side}标记{what_of}");
                if !answer.body.contains(&marker) {
                    failures.push(format!("{what}: allowed, but 「{marker}」 is not shown"));
                }
            }
            // What a unit's people may not read of another unit's records does not show on the
            // pages they may open either (lists, search, the company and event pages …).
            if !write && matches!(account.role, UnitHead | Officer | Viewer | Department) {
                leak_checked += 1;
                for (side, code) in [("甲", "610703"), ("乙", "610722")] {
                    if code == account.unit_code {
                        continue;
                    }
                    for what_of in CONFIDENTIAL {
                        let marker = format!("{side}标记{what_of}");
                        if answer.body.contains(&marker) {
                            failures.push(format!("{what}: shows 「{marker}」 of another unit's record"));
                        }
                    }
                }
            }
        }
    }
    let audited = denied_count(store).await - audited_before_allowances;
    if audited != 0 {
        failures.push(format!("the allowed requests audited {audited} denials"));
    }
    let total = started.elapsed();
    eprintln!(
        "permission matrix: {} rows ({} routes excluded), {} roles, {} cells: {refused} refused, {allowed} allowed ({leak_checked} pages checked for other units' records); setup {:.1?}, refusals {:.1?}, total {:.1?}",
        MATRIX.len(),
        EXCLUDED.len(),
        accounts.len(),
        cells.len(),
        setup,
        refusals_took,
        total
    );
    assert!(failures.is_empty(), "{} of {} cells disagree with the matrix:\n{}", failures.len(), cells.len(), failures.join("\n"));
}

/// The `Nobody` rows' other half: a saved view or notification that does not exist is a 404 and
/// no denial (there is nobody's record to refuse), while the owner's own goes through. And an
/// import's preview, its uploader's draft, is refused to another writer of the same unit like
/// the matrix's denials: 403, audited, nothing applied.
#[tokio::test]
async fn a_personal_record_that_does_not_exist_is_not_found() {
    let app = spawn_app().await;
    let store = &app.store;
    let officer = spawn_client(&app);
    officer.sign_in("officer-610703").await;
    let me = app.user_id("officer-610703").await;

    let mark = last_denial_id(store).await;
    for path in ["/targets/views/999999/delete", "/notifications/999999/read"] {
        let response = officer.post_form("/targets", path, &[]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(response.text().await.unwrap().contains("没有这"), "{path}: the 404 says what is missing");
    }
    assert!(denials_since(store, mark).await.is_empty(), "a record that does not exist is no denial");

    let view = store.save_view(me, "targets", "我的视图", "priority=A").await.unwrap().id;
    let deleted = officer.post_form("/targets", &format!("/targets/views/{view}/delete"), &[]).await;
    assert_eq!(location(&deleted), "/targets?done=view_deleted", "the owner deletes their own view");
    let n = store::entities::notification::ActiveModel {
        user_id: Set(me),
        rule: Set("next_step_due".into()),
        dedup_key: Set("matrix-own".into()),
        title: Set("我的提醒".into()),
        body: Set(String::new()),
        link: Set("/targets".into()),
        created_at: Set(Utc::now()),
        read_at: Set(None),
        ..Default::default()
    };
    let n = n.insert(&store.db).await.unwrap().id;
    let read = officer.post_form("/notifications", &format!("/notifications/{n}/read"), &[]).await;
    assert_eq!(location(&read), "/notifications", "the owner marks their own notification read");
    assert_eq!(store.unread_count(me).await.unwrap(), 0);
    assert!(denials_since(store, mark).await.is_empty(), "the owner's own records are no denial");

    add_user(store, "officer2-610703", "610703", vec![Officer]).await;
    let (_, preview) = previewed_import(&app, "officer-610703", "甲").await;
    let preview = preview.split('?').next().unwrap().to_string();
    let colleague = spawn_client(&app);
    colleague.sign_in("officer2-610703").await;
    let csrf = csrf_in(&colleague.get_html("/").await);
    for (method, path) in [("GET", preview.clone()), ("POST", format!("{preview}/apply"))] {
        let mark = last_denial_id(store).await;
        let request = if method == "GET" { colleague.client.get(colleague.url(&path)) } else { colleague.client.post(colleague.url(&path)).form(&[("csrf_token", csrf.as_str())]) };
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}: another's draft");
        assert!(response.text().await.unwrap().contains("无权"), "{method} {path}: the refusal says why");
        let denials = denials_since(store, mark).await;
        assert!(denials.len() == 1 && denials[0].username == "officer2-610703" && denials[0].detail.starts_with(&format!("{path}：")), "{method} {path}: audited once: {denials:?}");
    }
    let id: i64 = preview.trim_start_matches("/imports/").parse().unwrap();
    assert_eq!(store.import(id).await.unwrap().status, "previewed", "nothing applied");
}

fn excerpt(body: &str) -> String {
    let text: String = body.split(['<', '>']).enumerate().filter(|(i, _)| i % 2 == 0).map(|(_, t)| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join("|");
    text.chars().take(200).collect()
}
