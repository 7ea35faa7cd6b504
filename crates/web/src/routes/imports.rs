//! Imports (导入): drop in a spreadsheet, see row by row what is wrong and what would change,
//! apply the rest in one go, keep the history, undo a whole import; and the templates.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::Role;
use domain::access::{Access, Owner};
use domain::imports::ImportKind;
use store::StoreError;
use store::entities::{import, unit};
use store::imports::{Action, ImportFile, ImportRow, PlannedRow, RowError, Scope};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::Page;
use crate::AppState;

/// The size and row limits of an import, as the configuration sets them (`[import]`).
pub fn limits(config: &crate::Config) -> office::table::Limits {
    office::table::Limits { max_bytes: config.import.max_bytes(), max_rows: config.import.max_rows() }
}

/// Reads a file handed in as the rows of an import of `kind`, within `limits`; the error is for
/// the user. A unit in an amount column's header (总投资（亿元）) goes with every row.
pub fn read_rows(kind: ImportKind, file_name: &str, bytes: &[u8], limits: &office::table::Limits) -> std::result::Result<Vec<ImportRow>, String> {
    let fields: Vec<office::table::Field> = kind.columns().iter().map(|c| office::table::Field { key: c.key, label: c.label, synonyms: c.synonyms, required: c.required }).collect();
    let table = office::table::read_table(bytes, file_name, &fields, limits).map_err(|e| e.to_string())?;
    let units: std::sync::Arc<[(&'static str, domain::money::AmountUnit)]> = table.units.iter().filter_map(|(key, unit)| domain::money::AmountUnit::parse(unit).map(|unit| (*key, unit))).collect();
    let keys: Vec<&'static str> = table.columns.iter().map(|(key, _)| *key).collect();
    Ok(table.rows.into_iter().map(|row| ImportRow::new(row.number, keys.iter().copied().zip(row.into_cells())).with_units(units.clone())).collect())
}

/// The city's GB/T 2260 prefix, from the bureau's unit: companies registered there are local.
pub async fn local_prefix(state: &AppState) -> Result<String> {
    let units = state.store.units().await?;
    Ok(units.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.chars().take(4).collect()).unwrap_or_default())
}

fn may_import(user: &CurrentUser) -> bool {
    crate::routes::enterprises::may_edit_companies(user)
}

fn sees_all(user: &CurrentUser) -> bool {
    user.has(Role::Admin) || user.has(Role::Bureau)
}

#[derive(Template)]
#[template(path = "imports.html")]
struct ListPage {
    page: Page,
    kinds: Vec<(&'static str, &'static str)>,
    max_file_mb: u64,
    max_rows: u64,
    units: Vec<unit::Model>,
    history: Vec<import::Model>,
    unit_names: std::collections::HashMap<i64, String>,
    choose_unit: bool,
    error: Option<String>,
}

async fn render_list(state: &AppState, user: &CurrentUser, error: Option<String>, flash: &str) -> Result<Response> {
    let units = state.store.units().await?;
    let scope = if sees_all(user) { None } else { Some(vec![user.unit.id]) };
    let page = ListPage {
        page: Page::new(state, user, "导入", "imports").with_flash(flash),
        kinds: ImportKind::options(),
        max_file_mb: state.config.import.max_file_mb,
        max_rows: state.config.import.max_rows,
        history: state.store.imports(scope, 100).await?,
        unit_names: units.iter().map(|u| (u.id, u.name.clone())).collect(),
        units: units.into_iter().filter(|u| u.active).collect(),
        choose_unit: sees_all(user),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    render_list(&state, &user, None, &q.get("done")).await
}

/// Takes the upload, runs it as a dry run and shows the preview.
pub async fn upload(State(state): State<AppState>, user: CurrentUser, mut multipart: Multipart) -> Result<Response> {
    if !may_import(&user) {
        return Err(AppError::denied(domain::Denied { reason: "您的角色不能导入数据".into() }, "import", "import", ""));
    }
    let mut form = Vec::new();
    let mut file: Option<ImportFile> = None;
    let interrupted = format!("上传中断或文件超过 {} MB，请重试", state.config.import.max_file_mb);
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return render_list(&state, &user, Some(interrupted), "").await,
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("导入文件").to_string();
            match field.bytes().await {
                Ok(bytes) if !bytes.is_empty() => file = Some(ImportFile { name: file_name, bytes: bytes.to_vec() }),
                Ok(_) => {}
                Err(_) => return render_list(&state, &user, Some(interrupted), "").await,
            }
        } else {
            form.push((name, field.text().await.unwrap_or_default()));
        }
    }
    let form = FormData(form);
    let Some(kind) = ImportKind::parse(&form.get("kind")) else {
        return render_list(&state, &user, Some("请选择导入的内容".into()), "").await;
    };
    let Some(file) = file else {
        return render_list(&state, &user, Some("请选择要导入的文件".into()), "").await;
    };
    let unit_id = if sees_all(&user) { form.id("unit_id", "单位")?.unwrap_or(user.unit.id) } else { user.unit.id };
    user.may(Access::Write, Owner::unit(unit_id), "import", "")?;
    let rows = match read_rows(kind, &file.name, &file.bytes, &limits(&state.config)) {
        Ok(rows) => rows,
        Err(message) => return render_list(&state, &user, Some(format!("「{}」无法导入：{message}", file.name)), "").await,
    };
    let scope = scope_for(&state, &user, unit_id).await?;
    let (_, id) = state.store.run_import(&user.who(), kind, &file, &rows, &scope, true, None).await?;
    Ok(Redirect::to(&format!("/imports/{id}")).into_response())
}

async fn scope_for(state: &AppState, user: &CurrentUser, unit_id: i64) -> Result<Scope> {
    Ok(Scope { unit_id, writable_units: if sees_all(user) { None } else { Some(vec![user.unit.id]) }, local_prefix: local_prefix(state).await? })
}

#[derive(Template)]
#[template(path = "import.html")]
struct ShowPage {
    page: Page,
    record: import::Model,
    kind_label: &'static str,
    unit_name: String,
    errors: Vec<RowError>,
    plan: Vec<PlannedRow>,
    /// Rows of each action the plan does not list (it keeps the first 500 of each).
    unlisted: Vec<(&'static str, i32)>,
    error: Option<String>,
}

async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<import::Model> {
    let record = state.store.import(id).await?;
    user.may(Access::Write, Owner::unit(record.unit_id), "import", id)?;
    // A preview is its uploader's draft: another's is a denial like any other (audited), not a 404.
    if !sees_all(user) && record.user_id != Some(user.user.id) && record.status == "previewed" {
        return Err(AppError::denied("这是别人尚未确认的导入预览，您无权查看或确认", "write", "import", id));
    }
    Ok(record)
}

async fn render_show(state: &AppState, user: &CurrentUser, record: import::Model, error: Option<String>, flash: &str) -> Result<Response> {
    let plan: Vec<PlannedRow> = serde_json::from_str(&record.plan).unwrap_or_default();
    let unlisted = Action::ALL
        .iter()
        .map(|action| {
            let total = match action {
                Action::Insert => record.inserted,
                Action::Update => record.updated,
                Action::Unchanged => record.unchanged,
            };
            let listed = plan.iter().filter(|p| p.action == *action).count() as i32;
            (action.label(), total - listed)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    let page = ShowPage {
        page: Page::new(state, user, format!("导入「{}」", record.file_name), "imports").with_flash(flash),
        kind_label: ImportKind::parse(&record.kind).map_or("", ImportKind::label),
        unit_name: state.store.unit(record.unit_id).await?.name,
        errors: serde_json::from_str(&record.errors).unwrap_or_default(),
        plan,
        unlisted,
        record,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let id = parse_id(&id)?;
    let record = load(&state, &user, id).await?;
    render_show(&state, &user, record, None, &q.get("done")).await
}

/// Applies a previewed import: the same file, read again, in one transaction.
pub async fn apply(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let record = load(&state, &user, id).await?;
    let kind = ImportKind::parse(&record.kind).ok_or_else(|| AppError::Internal(format!("import {id} has kind {}", record.kind)))?;
    let file = ImportFile { name: record.file_name.clone(), bytes: record.data.clone() };
    let rows = read_rows(kind, &file.name, &file.bytes, &limits(&state.config)).map_err(AppError::BadRequest)?;
    let scope = scope_for(&state, &user, record.unit_id).await?;
    match state.store.run_import(&user.who(), kind, &file, &rows, &scope, false, Some(id)).await {
        Ok(_) => Ok(Redirect::to(&format!("/imports/{id}?done=imported")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => render_show(&state, &user, record, Some(m), "").await,
        Err(e) => Err(e.into()),
    }
}

pub async fn undo(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let record = load(&state, &user, id).await?;
    match state.store.undo_import(&user.who(), id).await {
        Ok(_) => Ok(Redirect::to(&format!("/imports/{id}?done=undone")).into_response()),
        Err(StoreError::Invalid(m) | StoreError::Conflict(m)) => render_show(&state, &user, record, Some(m), "").await,
        Err(e) => Err(e.into()),
    }
}

/// A template for one kind of import, with notes and drop-down lists.
pub async fn template(State(state): State<AppState>, _user: CurrentUser, Path(kind): Path<String>) -> Result<Response> {
    let code = kind.trim_end_matches(".xlsx");
    let kind = ImportKind::parse(code).ok_or_else(|| AppError::NotFound("没有这种导入模板".into()))?;
    let units: Vec<String> = state.store.units().await?.into_iter().filter(|u| u.active).map(|u| u.name).collect();
    let links: Vec<String> = state.store.profile_tree().await?.iter().flat_map(|c| &c.chains).flat_map(|h| store::profile::LinkNode::flatten(&h.links)).map(|l| l.name).collect();
    let chains: Vec<String> = state.store.profile_tree().await?.iter().flat_map(|c| &c.chains).map(|h| h.chain.name.clone()).collect();
    let labels = |options: &[(&'static str, &'static str)]| options.iter().map(|(_, l)| l.to_string()).collect::<Vec<_>>();
    let columns: Vec<office::xlsx::TemplateColumn> = kind
        .columns()
        .iter()
        .map(|c| {
            let options = match c.key {
                "priority" => vec!["A".into(), "B".into(), "C".into()],
                "status" => labels(&domain::target::Engagement::options()).into_iter().filter(|l| l != "已转化为项目").collect(),
                "kind" if kind == ImportKind::Projects => labels(&domain::project::ProjectKind::options()),
                "kind" => labels(&domain::target::FollowUpKind::options()),
                "source_channel" => labels(&domain::project::SourceChannel::options()),
                "contract_kind" => labels(&domain::project::ContractKind::options()),
                "landing_unit" => units.clone(),
                "chain" => chains.clone(),
                "links" => links.clone(),
                "origin" => labels(&domain::project::FundsOrigin::options()),
                "use_kind" => labels(&domain::project::FundsUse::options()),
                "tags" => labels(&domain::target::Tag::options()),
                _ => Vec::new(),
            };
            let synonyms = if c.synonyms.is_empty() { String::new() } else { format!("（也认：{}）", c.synonyms.join("、")) };
            office::xlsx::TemplateColumn {
                header: if c.required { format!("{}*", c.label) } else { c.label.to_string() },
                note: format!("{}{}{}", if c.required { "必填。" } else { "" }, c.note, synonyms),
                width: (c.label.chars().count() as f64 * 2.5).max(12.0),
                options,
            }
        })
        .collect();
    let bytes = office::xlsx::template(kind.label(), &columns).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, &format!("template-{}.xlsx", kind.code()), &format!("{}导入模板.xlsx", kind.label())))
}

pub fn kind_label(code: &str) -> &'static str {
    ImportKind::parse(code).map_or("", ImportKind::label)
}

/// The chip an action of the plan wears.
pub fn action_chip(action: &Action) -> &'static str {
    match action {
        Action::Insert => "chip chip-ok",
        Action::Update => "chip chip-warn",
        Action::Unchanged => "chip chip-muted",
    }
}

pub fn status_label(code: &str) -> &'static str {
    match code {
        "previewed" => "已预览，未导入",
        "applied" => "已导入",
        "undone" => "已撤销",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain number in an amount column is in the unit its header names; a cell that names its
    /// own unit keeps it.
    #[test]
    fn units_in_headers_table() {
        let cases: &[(ImportKind, &str, &str, &str, i64, domain::money::Currency)] = &[
            (ImportKind::Projects, "total", "总投资（亿元）", "5", 5_000_000, domain::money::Currency::Cny),
            (ImportKind::Enterprises, "capital", "注册资本(万元)", "300", 30_000, domain::money::Currency::Cny),
            // 12,345,678 元 = 1,234.5678 万元, kept to the hundredth: 1,234.57.
            (ImportKind::Projects, "total", "投资额（元）", "12345678", 123_457, domain::money::Currency::Cny),
            (ImportKind::Projects, "total", "计划总投资(单位：千元)", "2500", 25_000, domain::money::Currency::Cny),
            (ImportKind::Funds, "amount", "到位金额【万元】", "3,000", 300_000, domain::money::Currency::Cny),
            (ImportKind::Enterprises, "capital", "注册资本（万美元）", "300", 30_000, domain::money::Currency::Usd),
            (ImportKind::Projects, "total", "总投资（亿元）", "5000万", 500_000, domain::money::Currency::Cny),
            (ImportKind::Enterprises, "capital", "注册资本(元)", "1.2亿", 1_200_000, domain::money::Currency::Cny),
            (ImportKind::Projects, "total", "总投资", "5", 500, domain::money::Currency::Cny),
            (ImportKind::Enterprises, "capital", "注册资本（人民币）", "300", 30_000, domain::money::Currency::Cny),
        ];
        for (kind, key, header, cell, hundredths, currency) in cases {
            // The required columns of the kind, then the amount column.
            let required: Vec<&str> = kind.columns().iter().filter(|c| c.required && c.key != *key).map(|c| c.label).collect();
            let filler: Vec<&str> = required.iter().map(|_| "甲").collect();
            let csv = format!("{},\"{header}\"\n{},\"{cell}\"\n", required.join(","), filler.join(","));
            let rows = read_rows(*kind, "台账.csv", csv.as_bytes(), &office::table::Limits::default()).unwrap_or_else(|e| panic!("{header}: {e}"));
            let amount = domain::money::parse_wan_in(rows[0].get(key), rows[0].unit(key)).unwrap();
            assert_eq!((amount.hundredths, amount.currency), (*hundredths, *currency), "{header} {cell}");
        }
    }
}
