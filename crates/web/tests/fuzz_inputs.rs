//! Property tests of what the web layer reads from a request: form bodies and query strings, path
//! ids, the API's cursor, JSON bodies and their conversion to page forms, cookies, and the HTML it
//! builds in Rust; then hostile query strings and bodies sent to the real server, which must answer
//! every one of them without a server error. ZS_FUZZ_CASES=<n> sets the cases per target (default
//! 2000; the server target takes a tenth); ZS_FUZZ_SEED=<n> fixes the RNG.

mod helpers;

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::{HeaderMap, HeaderValue, Request, header};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use serde_json::{Map, Value};

use web::api::{Body, Cursor, MAX_LIMIT, form_from, overlay, version_in};
use web::error::AppError;
use web::forms::{FormData, Query, parse_id, url_encode};

// ---------------------------------------------------------------------------------------------
// Configuration and generators.

fn cases() -> u32 {
    std::env::var("ZS_FUZZ_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(2000)
}

/// Failures are not persisted into the source tree; the shrunk input is printed instead.
fn config_with(cases: u32) -> Config {
    let mut config = Config { cases: cases.max(1), failure_persistence: None, ..Config::default() };
    if let Some(seed) = std::env::var("ZS_FUZZ_SEED").ok().and_then(|v| v.trim().parse().ok()) {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config
}

fn config() -> Config {
    config_with(cases())
}

/// Characters that break request parsers: URL syntax and escapes, HTML and JSON syntax, the
/// full-width forms, controls, invisibles and multi-byte characters.
const POOL: &[char] = &[
    '0', '1', '9', 'a', 'f', 'p', 'x', 'A', 'F', 'Z', '-', '_', '.', '~',
    '%', '+', '&', '=', '?', '#', '/', '\\', ';', ',', ':', '@', '!', '$', '*', '(', ')', '[', ']', '{', '}', '|', '^', '`',
    '<', '>', '"', '\'', ' ', '\t', '\n', '\r',
    '０', '９', 'Ａ', '－', '，', '＝', '＆', '\u{3000}', '中', '企', '业', '项', '目',
    '\u{0}', '\u{1}', '\u{1b}', '\u{7f}', '\u{85}', '\u{200B}', '\u{FEFF}', '\u{202E}', '\u{301}',
    'ß', 'İ', '😀', 'é', '\u{FFFD}',
];

fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(select(POOL), 0..40).prop_map(String::from_iter),
        2 => any::<String>(),
        1 => "-?[0-9]{1,30}",
        1 => "(%[0-9A-Fa-fGgZz]{0,2}){1,12}",
    ]
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

/// An error a user reads: a 4xx with a Chinese message.
fn user_error(e: &AppError) -> Result<(), TestCaseError> {
    prop_assert!(e.status().is_client_error(), "{:?}", e);
    prop_assert!(has_cjk(&e.to_string()), "{}", e);
    Ok(())
}

/// Any JSON value, nested a few levels.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        noise().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((noise(), inner), 0..6).prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A JSON object with the field names the API's write bodies use, and any values.
fn json_body() -> impl Strategy<Value = Value> {
    proptest::collection::vec((prop_oneof![3 => select(FIELDS).prop_map(str::to_string), 1 => noise()], json_value()), 0..8)
        .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>()))
}

/// Field and filter names of the pages and the API.
const FIELDS: &[&str] = &[
    "name", "uscc", "capital", "industry_code", "region_code", "tags", "version", "enterprise_id", "target_id", "project_id", "event_id",
    "unit_id", "owner_user_id", "landing_unit_id", "source_unit_id", "organizer_unit_id", "owner_unit_id", "total_wan", "fixed_wan",
    "kind", "source_channel", "status", "priority", "note", "summary", "text", "deadline", "start_on", "end_on", "happened_on",
    "next_due", "lead_on", "month", "amount", "q", "stage", "sort", "page", "per_page", "cursor", "limit", "since", "year", "week",
    "reached", "reached_from", "reached_until", "reached_verified", "overdue", "level", "chain_id", "link_id", "region", "industry",
    "tab", "confidential", "link_ids", "to", "on", "dates", "evidence", "latitude", "longitude", "client_key", "category",
];

// ---------------------------------------------------------------------------------------------
// Form bodies, query strings, path ids.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn form_bodies_never_panic_and_every_accessor_agrees(body in prop_oneof![
        noise().prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..256),
        proptest::collection::vec((noise(), noise()), 0..6).prop_map(|p| p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&").into_bytes()),
    ]) {
        match FormData::parse(&body) {
            Ok(form) => {
                for (k, _) in &form.0 {
                    let first = form.0.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()).unwrap();
                    prop_assert_eq!(form.raw(k), first.clone());
                    prop_assert_eq!(form.get(k), first.trim().to_string());
                    prop_assert_eq!(form.all(k).len(), form.0.iter().filter(|(key, _)| key == k).count());
                    prop_assert_eq!(form.checked(k), form.0.iter().any(|(key, v)| key == k && !v.is_empty() && v != "0" && v != "false"));
                    match form.id(k, "编号") {
                        Ok(Some(n)) => prop_assert_eq!(form.get(k).parse::<i64>(), Ok(n)),
                        Ok(None) => prop_assert!(form.get(k).is_empty()),
                        Err(e) => user_error(&e)?,
                    }
                }
            }
            Err(e) => user_error(&e)?,
        }
    }

    #[test]
    fn encoded_forms_read_back_exactly(pairs in proptest::collection::vec((noise(), noise()), 0..6)) {
        let body = pairs.iter().map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v))).collect::<Vec<_>>().join("&");
        prop_assert!(body.bytes().all(|b| b.is_ascii_graphic()), "{}", body);
        // Text with a NUL character is refused (it is never typed, and PostgreSQL cannot store it);
        // everything else reads back exactly.
        let expected = if pairs.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) { Err(web::forms::NUL_MESSAGE.to_string()) } else { Ok(pairs.clone()) };
        prop_assert_eq!(FormData::parse(body.as_bytes()).map(|f| f.0).map_err(|e| e.to_string()), expected.clone());
        let serialised = serde_urlencoded::to_string(&pairs).unwrap();
        prop_assert_eq!(FormData::parse(serialised.as_bytes()).map(|f| f.0).map_err(|e| e.to_string()), expected);
    }

    #[test]
    fn query_strings_never_panic(query in prop_oneof![
        noise(),
        proptest::collection::vec((select(FIELDS), noise()), 0..6).prop_map(|p| serde_urlencoded::to_string(&p).unwrap()),
    ]) {
        let Ok(request) = Request::builder().uri(format!("/projects?{query}")).body(()) else { return Ok(()) };
        let (mut parts, ()) = request.into_parts();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        match runtime.block_on(Query::from_request_parts(&mut parts, &())) {
            Ok(Query(q)) => prop_assert_eq!(q.0, FormData::parse(parts.uri.query().unwrap_or_default().as_bytes()).unwrap().0),
            Err(e) => user_error(&e)?,
        }
    }

    #[test]
    fn path_ids_are_positive_numbers_or_not_found(raw in noise()) {
        match parse_id(&raw) {
            Ok(id) => {
                prop_assert!(id > 0);
                prop_assert_eq!(raw.parse::<i64>(), Ok(id));
            }
            Err(e) => {
                prop_assert_eq!(e.status().as_u16(), 404);
                prop_assert!(has_cjk(&e.to_string()));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The API: cursors, JSON bodies, bodies made into page forms.

fn cursor_text() -> impl Strategy<Value = String> {
    prop_oneof![
        noise(),
        (noise(), noise()).prop_map(|(a, b)| hex::encode(format!("p{a}:{b}"))),
        ("[+-]?[0-9]{1,22}", "[+-]?[0-9]{1,22}").prop_map(|(a, b)| hex::encode(format!("p{a}:{b}"))),
        "[0-9a-fA-F]{0,40}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cursors_never_panic_and_stay_in_bounds(cursor in cursor_text(), limit in prop_oneof![Just(String::new()), noise(), "[0-9]{1,4}".prop_map(String::from)]) {
        let q = FormData(vec![("cursor".into(), cursor), ("limit".into(), limit)]);
        match Cursor::from_query(&q) {
            Ok(c) => prop_assert!((1..=MAX_LIMIT).contains(&c.limit) && c.page <= 1_000_000, "{:?}", c),
            Err(e) => user_error(&e)?,
        }
    }

    #[test]
    fn cursors_read_back_and_lead_to_the_next_page(page in 0u64..1_000_000, limit in 1u64..=MAX_LIMIT, returned in 0usize..=200, total in proptest::option::of(0u64..300_000_000), asked in proptest::option::of(1u64..=MAX_LIMIT)) {
        let c = Cursor { page, limit };
        let mut q = FormData(vec![("cursor".into(), c.encode())]);
        if let Some(l) = asked {
            q.0.push(("limit".into(), l.to_string()));
        }
        prop_assert_eq!(Cursor::from_query(&q).map_err(|e| e.to_string()), Ok(c), "a cursor keeps the limit it was made with");
        if let Some(next) = c.next(returned, total) {
            let q = FormData(vec![("cursor".into(), next)]);
            prop_assert_eq!(Cursor::from_query(&q).map_err(|e| e.to_string()), Ok(Cursor { page: page + 1, limit }));
        }
        let first = Cursor::from_query(&FormData(vec![("limit".into(), limit.to_string())])).map_err(|e| e.to_string());
        prop_assert_eq!(first, Ok(Cursor { page: 0, limit }));
    }

    #[test]
    fn json_bodies_become_the_form_a_page_would_post(body in json_value(), current in proptest::collection::vec((select(FIELDS), noise()), 0..8)) {
        let form = form_from(&body);
        match &body {
            Value::Object(map) => {
                for (key, value) in map {
                    match value {
                        Value::String(s) => prop_assert_eq!(form.get(key), s.trim().to_string()),
                        Value::Number(n) => prop_assert_eq!(form.get(key), n.to_string()),
                        Value::Bool(b) => prop_assert_eq!(form.checked(key), *b),
                        Value::Null => prop_assert_eq!(form.get(key), ""),
                        Value::Array(_) => prop_assert_eq!(form.all(key).len(), leaves(value)),
                        Value::Object(_) => prop_assert_eq!(form.raw(key), value.to_string()),
                    }
                    if let Some(n) = value.as_i64() {
                        prop_assert_eq!(form.id(key, "编号").map_err(|e| e.to_string()), Ok(Some(n)));
                    }
                }
                prop_assert_eq!(form.0.len(), map.values().map(leaves).sum::<usize>());
            }
            _ => prop_assert!(form.0.is_empty()),
        }
        match version_in(&body) {
            Ok(v) => prop_assert_eq!(body.get("version").and_then(Value::as_i64), Some(i64::from(v))),
            Err(e) => {
                user_error(&e)?;
                prop_assert!(body.get("version").and_then(Value::as_i64).and_then(|v| i32::try_from(v).ok()).is_none());
            }
        }
        let current = FormData(current.into_iter().map(|(k, v)| (k.to_string(), v)).collect());
        let merged = overlay(current.clone(), &body);
        let given = form_from(&body);
        let keys: Vec<&String> = current.0.iter().map(|(k, _)| k).chain(given.0.iter().map(|(k, _)| k)).collect();
        for key in keys {
            let patched = body.as_object().is_some_and(|m| m.contains_key(key.as_str()));
            let expected = if patched { given.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect::<Vec<_>>() } else { current.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect() };
            let got: Vec<String> = merged.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.clone()).collect();
            prop_assert_eq!(got, expected, "field {}", key);
        }
    }

    #[test]
    fn json_request_bodies_are_read_or_refused_in_chinese(
        bytes in prop_oneof![
            json_body().prop_map(|v| v.to_string().into_bytes()),
            json_value().prop_map(|v| v.to_string().into_bytes()),
            noise().prop_map(String::into_bytes),
            proptest::collection::vec(any::<u8>(), 0..200),
        ],
        content_type in select(vec!["application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "application/problem+json", "text/plain", "application/x-www-form-urlencoded", "", "application/jsonx"]),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let request = |bytes: Vec<u8>| {
            let mut builder = Request::builder().method("POST").uri("/api/v1/enterprises");
            if !content_type.is_empty() {
                builder = builder.header(header::CONTENT_TYPE, content_type);
            }
            builder.body(axum::body::Body::from(bytes)).unwrap()
        };
        match runtime.block_on(Body::<Value>::from_request(request(bytes.clone()), &())) {
            Ok(Body(typed, raw)) => {
                prop_assert!(typed.is_object());
                prop_assert_eq!(typed, raw);
            }
            Err(e) => user_error(&e)?,
        }
        match runtime.block_on(Body::<Probe>::from_request(request(bytes), &())) {
            Ok(Body(probe, raw)) => {
                prop_assert!(raw.as_object().is_some_and(|m| m.keys().all(|k| ["name", "version", "link_ids", "is_local"].contains(&k.as_str()))));
                prop_assert_eq!(probe.version.map(i64::from), raw.get("version").and_then(Value::as_i64));
            }
            Err(e) => user_error(&e)?,
        }
    }
}

/// A write body of the API's shape: optional fields, unknown ones refused.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct Probe {
    name: Option<String>,
    version: Option<i32>,
    link_ids: Option<Vec<i64>>,
    is_local: Option<bool>,
}

/// The form fields a JSON value becomes: arrays spread into repeated fields.
fn leaves(value: &Value) -> usize {
    match value {
        Value::Array(items) => items.iter().map(leaves).sum(),
        _ => 1,
    }
}

// ---------------------------------------------------------------------------------------------
// Cookies, public paths, HTML built in Rust, imported files.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn cookies_are_read_strictly(raw in prop_oneof![noise(), proptest::collection::vec((noise(), noise()), 0..5).prop_map(|p| p.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; "))], value in "[A-Za-z0-9]{1,128}") {
        if let Ok(header_value) = HeaderValue::from_str(&raw) {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, header_value);
            if let Some(v) = web::auth::cookie(&headers, "zs_session") {
                prop_assert!(!v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_alphanumeric()), "{}", v);
            }
        }
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_str(&format!("a=1; zs_session={value}; b=2")).unwrap());
        prop_assert_eq!(web::auth::cookie(&headers, "zs_session"), Some(value));
    }

    #[test]
    fn only_the_listed_paths_are_public(path in prop_oneof![noise(), noise().prop_map(|s| format!("/{s}")), noise().prop_map(|s| format!("/api/{s}")), noise().prop_map(|s| format!("/login{s}"))]) {
        let public = web::auth::is_public(&path);
        prop_assert_eq!(public, web::auth::PUBLIC_PATHS.contains(&path.as_str()) || path.starts_with("/assets/"), "{}", path);
    }

    #[test]
    fn html_escaping_is_complete_and_reversible(text in noise()) {
        let escaped = web::views::escape(&text);
        prop_assert!(!escaped.contains(['<', '>', '"', '\'']), "{}", escaped);
        let back = escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&");
        prop_assert_eq!(&back, &text);
        let marked = web::api::docs::markup(&text);
        let stripped = ["<code>", "</code>", "<strong>", "</strong>"].iter().fold(marked, |s, tag| s.replace(tag, ""));
        prop_assert!(!stripped.contains(['<', '>']), "{}", stripped);
    }

    #[test]
    fn charts_escape_every_label(label in noise(), text in noise(), href in noise(), value in any::<f64>()) {
        // Markers no SVG tag starts with: a raw one in the output is a label that escaped escaping.
        let bar = web::charts::Bar { label: format!("<qa{label}"), value, text: format!("<qb{text}"), href: format!("\"qc{href}") };
        let svg = web::charts::bars(&format!("<qd{label}"), &[bar]);
        prop_assert!(!svg.contains("<qa") && !svg.contains("<qb") && !svg.contains("\"qc") && !svg.contains("<qd"), "{}", svg);
        let line = web::charts::Line { title: format!("<qd{label}"), points: vec![(1, value, value), (13, -value, 0.0)], unit: format!("<qe{text}"), href: format!("\"qc{href}") };
        let svg = web::charts::line(&line);
        prop_assert!(!svg.contains("<qd") && !svg.contains("<qe") && !svg.contains("\"qc"), "{}", svg);
    }
}

proptest! {
    // Each case reads a whole file: a tenth of the cases.
    #![proptest_config(config_with(cases() / 10))]

    #[test]
    fn imported_tables_never_panic(kind in select(domain::imports::ImportKind::ALL.to_vec()), rows in proptest::collection::vec(proptest::collection::vec(noise(), 0..6), 0..20), name in select(vec!["台账.csv", "台账.xlsx", "台账.xls", "台账.txt", "台账"]), raw in proptest::collection::vec(any::<u8>(), 0..400)) {
        let columns = kind.columns();
        let header: Vec<String> = columns.iter().map(|c| if c.key == "total" { "总投资（亿元）".to_string() } else { c.label.to_string() }).collect();
        let mut csv = header.join(",");
        for row in &rows {
            csv.push('\n');
            csv.push_str(&row.iter().map(|cell| format!("\"{}\"", cell.replace('"', "\"\""))).collect::<Vec<_>>().join(","));
        }
        let limits = office::table::Limits { max_bytes: 1 << 20, max_rows: 1000 };
        match web::routes::imports::read_rows(kind, "台账.csv", csv.as_bytes(), &limits) {
            Ok(read) => prop_assert!(read.len() <= rows.len()),
            Err(m) => prop_assert!(has_cjk(&m), "{}", m),
        }
        if let Err(m) = web::routes::imports::read_rows(kind, name, &raw, &limits) {
            prop_assert!(!m.is_empty());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The real server: hostile query strings and bodies, never a server error.

/// The probe with every NUL character taken out (PostgreSQL refuses NUL in text: a known server
/// error, kept apart in its own test below).
fn without_nul(hit: Hit) -> Hit {
    fn strip(value: Value) -> Value {
        match value {
            Value::String(s) => Value::String(s.replace('\0', "")),
            Value::Array(items) => Value::Array(items.into_iter().map(strip).collect()),
            Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k.replace('\0', ""), strip(v))).collect()),
            other => other,
        }
    }
    let clean = |pairs: Vec<(String, String)>| pairs.into_iter().map(|(k, v)| (k.replace('\0', ""), v.replace('\0', ""))).collect::<Vec<_>>();
    match hit {
        Hit::List(path, query) => {
            let decoded = FormData::parse(query.as_bytes()).map(|f| f.0).unwrap_or_default();
            if query.contains('\0') || decoded.iter().any(|(k, v)| k.contains('\0') || v.contains('\0')) {
                Hit::List(path, serde_urlencoded::to_string(clean(decoded)).unwrap())
            } else {
                Hit::List(path, query)
            }
        }
        Hit::Json(method, path, body) => Hit::Json(method, path, strip(body)),
        Hit::Form(path, pairs) => Hit::Form(path, clean(pairs)),
    }
}

/// Pages and API lists that read a query string.
const LISTS: &[&str] = &[
    "/", "/enterprises", "/enterprises/suggest", "/targets", "/targets/board", "/projects", "/projects/board", "/events", "/requests",
    "/search", "/followups/new", "/dispatch", "/assessment", "/assessment/progress", "/audit", "/cockpit", "/natives", "/rates",
    "/verifications", "/approvals", "/aftercare", "/matching", "/policies", "/industries", "/chains", "/notifications", "/users",
    "/api/v1/enterprises", "/api/v1/targets", "/api/v1/projects", "/api/v1/followups", "/api/v1/requests", "/api/v1/events",
    "/api/v1/dispatch", "/api/v1/assessment/runs", "/api/v1/verifications", "/api/v1/users",
];

/// API operations that take a JSON body (`{id}` is a record made before the run).
const WRITES: &[(&str, &str)] = &[
    ("POST", "/api/v1/enterprises"),
    ("PATCH", "/api/v1/enterprises/{id}"),
    ("POST", "/api/v1/enterprises/{id}/contacts"),
    ("POST", "/api/v1/targets"),
    ("POST", "/api/v1/followups"),
    ("POST", "/api/v1/projects"),
    ("PATCH", "/api/v1/projects/{project}"),
    ("POST", "/api/v1/projects/{project}/advance"),
    ("POST", "/api/v1/projects/{project}/state"),
    ("POST", "/api/v1/projects/{project}/funds"),
    ("POST", "/api/v1/requests"),
    ("POST", "/api/v1/events"),
    ("POST", "/api/v1/verifications/stage-1"),
];

/// Page forms posted with the session's CSRF token.
const FORMS: &[&str] = &["/enterprises/new", "/targets/new", "/projects/new", "/events/new", "/requests", "/enterprises/{id}/edit", "/projects/{project}/edit", "/projects/{project}/funds", "/dispatch/notes", "/targets/views"];

#[derive(Debug, Clone)]
enum Hit {
    List(&'static str, String),
    Json(&'static str, &'static str, Value),
    Form(&'static str, Vec<(String, String)>),
}

/// Field names (mostly real ones) with any values.
fn pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((prop_oneof![3 => select(FIELDS).prop_map(str::to_string), 1 => noise()], noise()), 0..6)
}

fn server_probe() -> impl Strategy<Value = Hit> {
    prop_oneof![
        3 => (select(LISTS), prop_oneof![pairs().prop_map(|p| serde_urlencoded::to_string(&p).unwrap()), noise()]).prop_map(|(path, q)| Hit::List(path, q)),
        2 => (select(WRITES), json_body()).prop_map(|((method, path), body)| Hit::Json(method, path, body)),
        2 => (select(FORMS), pairs()).prop_map(|(path, p)| Hit::Form(path, p)),
    ]
    .prop_map(without_nul)
}

#[test]
fn hostile_query_strings_and_bodies_never_reach_a_server_error() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (app, token, enterprise, project, csrf) = runtime.block_on(async {
        let app = helpers::spawn_with(|c| c.api.requests_per_minute = 1_000_000).await;
        let who = store::Who::system("test");
        let input = store::enterprises::EnterpriseInput { name: "汉中测试企业有限公司".into(), industry_code: "3841".into(), region_code: "610703".into(), ..Default::default() };
        let enterprise = app.store.create_enterprise(&who, &input, false).await.unwrap().id;
        let unit = app.store.unit_by_code("610703").await.unwrap().unwrap().id;
        let project = store::projects::ProjectInput {
            name: "测试项目".into(),
            enterprise_id: enterprise,
            industry_code: "3841".into(),
            kind: Some(domain::project::ProjectKind::New),
            total_wan: 100_000,
            source_channel: Some(domain::project::SourceChannel::Native),
            source_unit_id: unit,
            landing_unit_id: unit,
            ..Default::default()
        };
        let project = app.store.create_project(&who, &project, chrono::Utc::now().date_naive(), None).await.unwrap().id;
        let user = app.user_id("bureau").await;
        let token = app.store.create_token(&who, user, "fuzz", 1).await.unwrap().secret;
        app.sign_in("bureau").await;
        let csrf = helpers::csrf_in(&app.get_html("/").await);
        (app, token, enterprise, project, csrf)
    });
    let fill = |path: &str| path.replace("{id}", &enterprise.to_string()).replace("{project}", &project.to_string());

    let mut runner = TestRunner::new(config_with((cases() / 10).max(20)));
    let result = runner.run(&server_probe(), |probe| {
        let (status, what) = runtime.block_on(async {
            match &probe {
                Hit::List(path, query) => {
                    let url = format!("{}?{query}", app.url(path));
                    let Ok(url) = reqwest::Url::parse(&url) else { return (200, String::new()) };
                    let request = if path.starts_with("/api/") { app.client.get(url).bearer_auth(&token) } else { app.client.get(url) };
                    (request.send().await.unwrap().status().as_u16(), format!("GET {path}?{query}"))
                }
                Hit::Json(method, path, body) => {
                    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
                    let response = reqwest::Client::new().request(method.clone(), app.url(&fill(path))).bearer_auth(&token).json(body).send().await.unwrap();
                    (response.status().as_u16(), format!("{method} {path} {body}"))
                }
                Hit::Form(path, pairs) => {
                    let mut pairs = pairs.clone();
                    pairs.push(("csrf_token".into(), csrf.clone()));
                    let response = app.client.post(app.url(&fill(path))).form(&pairs).send().await.unwrap();
                    (response.status().as_u16(), format!("POST {path} {pairs:?}"))
                }
            }
        });
        prop_assert!(status < 500, "{} answered {}", what, status);
        prop_assert!(status != 401, "{} answered 401: the session or token was lost", what);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// A NUL character typed or pasted into any text is refused in Chinese or stored, never a server
/// error. (SQLite stores it; PostgreSQL refuses text with NUL, and the error reaches the user as a
/// 500: the server fuzz target above found it with a company named "\0" on /enterprises/new.)
#[tokio::test]
async fn a_nul_character_in_text_is_refused_or_stored_never_a_server_error() {
    let app = helpers::spawn_app().await;
    let who = store::Who::system("test");
    let input = store::enterprises::EnterpriseInput { name: "汉中空字符测试有限公司".into(), industry_code: "3841".into(), region_code: "610703".into(), ..Default::default() };
    let enterprise = app.store.create_enterprise(&who, &input, false).await.unwrap().id;
    let user = app.user_id("officer-610703").await;
    let token = app.store.create_token(&who, user, "nul", 1).await.unwrap().secret;
    app.sign_in("officer-610703").await;
    let csrf = helpers::csrf_in(&app.get_html("/").await);
    let mut failures = Vec::new();
    for path in ["/enterprises/new", "/targets/new", "/events/new"] {
        let response = app.client.post(app.url(path)).form(&[("name", "企业\0名称"), ("enterprise_id", &enterprise.to_string()), ("priority", "A"), ("note", "备\0注"), ("csrf_token", &csrf)]).send().await.unwrap();
        if response.status().is_server_error() {
            failures.push(format!("POST {path}: {}", response.status()));
        }
    }
    let bodies = [
        ("/api/v1/enterprises", serde_json::json!({ "name": "企业\u{0}名称" })),
        ("/api/v1/followups", serde_json::json!({ "enterprise_id": enterprise, "kind": "call", "summary": "情况\u{0}记录" })),
    ];
    for (path, body) in bodies {
        let response = reqwest::Client::new().post(app.url(path)).bearer_auth(&token).json(&body).send().await.unwrap();
        if response.status().is_server_error() {
            failures.push(format!("POST {path}: {}", response.status()));
        }
    }
    for path in ["/search?q=%00", "/enterprises?q=a%00b", "/projects?q=%00", "/targets?q=%00", "/api/v1/enterprises?q=%00"] {
        let response = app.get(path).await;
        if response.status().is_server_error() {
            failures.push(format!("GET {path}: {}", response.status()));
        }
    }
    assert!(failures.is_empty(), "server errors: {failures:#?}");
}
