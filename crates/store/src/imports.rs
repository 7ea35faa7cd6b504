//! Imports: rows read from a spreadsheet become enterprises, targets, projects, follow-ups or funds
//! reports. A dry run does everything inside a transaction and rolls it back, so the preview is
//! exactly what applying will do; applying is one transaction, all accepted rows or none.
//! Re-importing updates by key (统一社会信用代码 or name, project code, month) and never
//! duplicates; every import keeps its file, counts and changed records, and can be undone whole.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait};
use serde::{Deserialize, Serialize};

use domain::imports::ImportKind;
use domain::project::{ContractKind, FundsOrigin, FundsUse, ProjectKind, SourceChannel, Verification};
use domain::target::{Engagement, FollowUpKind, Priority};

use crate::audit::{self, Event};
use crate::enterprises::EnterpriseInput;
use crate::entities::{chain, contact, enterprise, follow_up, funds_report, import, import_change, link, project, target, target_link, unit, user};
use crate::projects::ProjectInput;
use crate::{Result, Store, StoreError, Who};

/// One data row: its number as the user sees it in Excel, and its cells by column key.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    pub number: usize,
    pub values: HashMap<String, String>,
}

impl ImportRow {
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", |v| v.trim())
    }
}

/// A row that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<RowError>,
}

/// Who imports for which unit, and which units' records the importer may write (`None`: all).
#[derive(Debug, Clone)]
pub struct Scope {
    pub unit_id: i64,
    pub writable_units: Option<Vec<i64>>,
    /// The city's GB/T 2260 prefix (e.g. 6107): companies registered there are local.
    pub local_prefix: String,
}

impl Scope {
    fn may_write(&self, unit: i64) -> bool {
        self.writable_units.as_ref().is_none_or(|units| units.contains(&unit))
    }
}

/// The file an import came from.
#[derive(Debug, Clone)]
pub struct ImportFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// A record the import wrote: for the history and for undo.
struct Change {
    entity: &'static str,
    id: i64,
    action: &'static str,
    before: String,
    after: String,
}

/// How a row went.
enum Done {
    Inserted(Vec<Change>),
    Updated(Vec<Change>),
    Unchanged,
}

/// Why a row is rejected: the column (its Chinese name) and the reason.
struct Reject(String, String);

type RowResult = std::result::Result<Done, Reject>;

fn reject(kind: ImportKind, key: &str, message: impl Into<String>) -> Reject {
    let label = kind.columns().iter().find(|c| c.key == key).map_or(key, |c| c.label);
    Reject(label.to_string(), message.into())
}

fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn parse_date(kind: ImportKind, row: &ImportRow, key: &str) -> std::result::Result<Option<NaiveDate>, Reject> {
    match row.get(key) {
        "" => Ok(None),
        text => domain::dates::parse_date(text).map(Some).map_err(|e| reject(kind, key, e)),
    }
}

/// An amount in 万元 (人民币); other currencies are refused for ledgers in 万元.
fn parse_amount(kind: ImportKind, row: &ImportRow, key: &str) -> std::result::Result<Option<i64>, Reject> {
    match row.get(key) {
        "" => Ok(None),
        text => {
            let w = domain::money::parse_wan(text).map_err(|e| reject(kind, key, e))?;
            if w.currency != domain::money::Currency::Cny {
                return Err(reject(kind, key, format!("「{text}」不是人民币，请折算为人民币万元")));
            }
            domain::money::check_amount(w.hundredths, "金额").map(Some).map_err(|e| reject(kind, key, e))
        }
    }
}

fn parse_coded<T>(kind: ImportKind, row: &ImportRow, key: &str, parse: fn(&str) -> Option<T>, allowed: &str) -> std::result::Result<Option<T>, Reject> {
    match row.get(key) {
        "" => Ok(None),
        text => parse(text).map(Some).ok_or_else(|| reject(kind, key, format!("「{text}」无法识别，应为{allowed}"))),
    }
}

/// The industry a data service writes: a GB/T 4754 code ("C3670", "3670") or its name.
fn industry_code(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let digits = text.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let code = if digits.is_empty() { text } else { digits };
    if let Ok(i) = domain::industry::lookup(code) {
        return Some(i.code.to_string());
    }
    domain::industry::search(text, 5).into_iter().find(|i| i.name == text).map(|i| i.code.to_string())
}

/// Finds an enterprise by its code, or by its folded name when the row has no code.
async fn find_enterprise(conn: &impl ConnectionTrait, uscc: Option<&str>, name: &str) -> Result<Option<enterprise::Model>> {
    if let Some(code) = uscc {
        if let Some(e) = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(code)).one(conn).await? {
            return Ok(Some(follow_merge(conn, e).await?));
        }
    }
    let norm = domain::names::normalize_name(name);
    if norm.is_empty() {
        return Ok(None);
    }
    let found = enterprise::Entity::find().filter(enterprise::Column::NameNorm.eq(norm)).filter(enterprise::Column::MergedIntoId.is_null()).order_by_asc(enterprise::Column::Id).one(conn).await?;
    Ok(found)
}

async fn follow_merge(conn: &impl ConnectionTrait, e: enterprise::Model) -> Result<enterprise::Model> {
    match e.merged_into_id {
        Some(into) => enterprise::Entity::find_by_id(into).one(conn).await?.ok_or_else(|| StoreError::NotFound("合并后的企业不存在".into())),
        None => Ok(e),
    }
}

/// The row's enterprise, made when it is not in the library yet (targets, projects, follow-ups).
async fn enterprise_of(conn: &impl ConnectionTrait, kind: ImportKind, row: &ImportRow, who: &Who, changes: &mut Vec<Change>) -> Result<std::result::Result<enterprise::Model, Reject>> {
    let name = row.get("name");
    let uscc = match row.get("uscc") {
        "" => None,
        raw => match domain::uscc::Uscc::parse(&domain::uscc::Uscc::normalize(raw)) {
            Ok(code) => Some(code.as_str().to_string()),
            Err(e) => return Ok(Err(reject(kind, "uscc", e.to_string()))),
        },
    };
    if let Some(e) = find_enterprise(conn, uscc.as_deref(), name).await? {
        return Ok(Ok(e));
    }
    if name.is_empty() {
        return Ok(Err(reject(kind, "name", "企业不在库中，请填写企业名称")));
    }
    let input = EnterpriseInput { name: name.into(), uscc: uscc.unwrap_or_default(), ..Default::default() };
    let checked = input.check(false);
    if let Some((_, e)) = checked.errors.first() {
        return Ok(Err(reject(kind, "name", e.clone())));
    }
    let now = Utc::now();
    let mut model = enterprise::ActiveModel { merged_into_id: Set(None), created_by_unit_id: Set(who.unit_id), created_at: Set(now), updated_at: Set(now), version: Set(1), ..Default::default() };
    crate::enterprises::fill(&mut model, &input, &checked);
    let saved = model.insert(conn).await?;
    changes.push(Change { entity: "enterprise", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) });
    Ok(Ok(saved))
}

impl Store {
    /// Runs an import. With `dry_run` every row is written and the transaction rolled back, and the
    /// file is kept as a previewed import; otherwise the accepted rows are committed together
    /// (updating the previewed import `previewed` when given). Returns the outcome and the import id.
    pub async fn run_import(&self, who: &Who, kind: ImportKind, file: &ImportFile, rows: &[ImportRow], scope: &Scope, dry_run: bool, previewed: Option<i64>) -> Result<(Outcome, i64)> {
        let txn = self.begin_write().await?;
        let mut outcome = Outcome { rows: rows.len(), ..Default::default() };
        let mut written: Vec<(usize, Change)> = Vec::new();
        let results: Vec<(usize, RowResult)> = match kind {
            ImportKind::Enterprises => import_enterprises(&txn, rows, scope, who).await?,
            _ => {
                let mut results = Vec::with_capacity(rows.len());
                for row in rows {
                    let result = match kind {
                        ImportKind::Targets => import_target(&txn, row, scope, who).await?,
                        ImportKind::Projects => import_project(&txn, row, scope, who).await?,
                        ImportKind::FollowUps => import_follow_up(&txn, row, scope, who).await?,
                        ImportKind::Funds | ImportKind::Enterprises => import_funds(&txn, row, scope, who).await?,
                    };
                    results.push((row.number, result));
                }
                results
            }
        };
        for (number, result) in results {
            match result {
                Ok(Done::Inserted(changes)) => {
                    outcome.inserted += 1;
                    written.extend(changes.into_iter().map(|c| (number, c)));
                }
                Ok(Done::Updated(changes)) => {
                    outcome.updated += 1;
                    written.extend(changes.into_iter().map(|c| (number, c)));
                }
                Ok(Done::Unchanged) => outcome.unchanged += 1,
                Err(Reject(column, message)) => {
                    outcome.rejected += 1;
                    outcome.errors.push(RowError { row: number, column, message });
                }
            }
        }
        outcome.errors.sort_by_key(|e| e.row);
        use sha2::Digest;
        let sha = hex::encode(sha2::Sha256::digest(&file.bytes));
        let record = |status: &str| import::ActiveModel {
            kind: Set(kind.code().into()),
            unit_id: Set(scope.unit_id),
            user_id: Set(who.user_id),
            file_name: Set(file.name.chars().take(200).collect()),
            sha256: Set(sha.clone()),
            size: Set(file.bytes.len() as i64),
            data: Set(file.bytes.clone()),
            status: Set(status.into()),
            rows: Set(outcome.rows as i32),
            inserted: Set(outcome.inserted as i32),
            updated: Set(outcome.updated as i32),
            unchanged: Set(outcome.unchanged as i32),
            rejected: Set(outcome.rejected as i32),
            errors: Set(json(&outcome.errors)),
            created_at: Set(Utc::now()),
            applied_at: Set(None),
            undone_at: Set(None),
            ..Default::default()
        };
        if dry_run {
            txn.rollback().await?;
            let saved = record("previewed").insert(&self.db).await?;
            return Ok((outcome, saved.id));
        }
        let mut row = record("applied");
        row.applied_at = Set(Some(Utc::now()));
        let saved = match previewed {
            Some(id) => {
                let before = import::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这次导入".into()))?;
                if before.status != "previewed" {
                    return Err(StoreError::Invalid("这次导入已经执行过或已撤销".into()));
                }
                row.id = Set(id);
                row.created_at = Set(before.created_at);
                row.update(&txn).await?
            }
            None => row.insert(&txn).await?,
        };
        let changes: Vec<import_change::ActiveModel> = written
            .into_iter()
            .map(|(number, c)| import_change::ActiveModel {
                import_id: Set(saved.id),
                row_number: Set(number as i32),
                entity: Set(c.entity.into()),
                entity_id: Set(c.id),
                action: Set(c.action.into()),
                before: Set(c.before),
                after: Set(c.after),
                ..Default::default()
            })
            .collect();
        for chunk in changes.chunks(BATCH) {
            import_change::Entity::insert_many(chunk.to_vec()).exec_without_returning(&txn).await?;
        }
        let detail = format!("导入{}「{}」：新增 {}、更新 {}、未变 {}、拒绝 {}", kind.label(), file.name, outcome.inserted, outcome.updated, outcome.unchanged, outcome.rejected);
        audit::append(&txn, who, Event::new("import", "import", saved.id).detail(detail)).await?;
        txn.commit().await?;
        Ok((outcome, saved.id))
    }

    /// Forgets previews nobody applied (and their files) once they are a day old.
    pub async fn purge_previews(&self) -> Result<u64> {
        let cutoff = Utc::now() - chrono::Duration::days(1);
        let done = import::Entity::delete_many().filter(import::Column::Status.eq("previewed")).filter(import::Column::CreatedAt.lt(cutoff)).exec(&self.db).await?;
        Ok(done.rows_affected)
    }

    pub async fn import(&self, id: i64) -> Result<import::Model> {
        import::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这次导入".into()))
    }

    /// The import history of some units (`None`: all), newest first, without the files.
    pub async fn imports(&self, units: Option<Vec<i64>>, limit: u64) -> Result<Vec<import::Model>> {
        let mut query = import::Entity::find();
        if let Some(units) = units {
            query = query.filter(import::Column::UnitId.is_in(units));
        }
        let mut rows = query.filter(import::Column::Status.ne("previewed")).order_by_desc(import::Column::Id).limit(limit).all(&self.db).await?;
        for r in &mut rows {
            r.data = Vec::new();
        }
        Ok(rows)
    }

    /// Undoes a whole import: inserted records are removed and changed ones restored, in reverse
    /// order, in one transaction. Refused when any of them changed since (someone worked on it).
    pub async fn undo_import(&self, who: &Who, id: i64) -> Result<import::Model> {
        let txn = self.db.begin().await?;
        txn.execute_unprepared("UPDATE audit_head SET seq = seq WHERE id = 1").await?;
        let record = import::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这次导入".into()))?;
        if record.status != "applied" {
            return Err(StoreError::Invalid("只能撤销已执行的导入".into()));
        }
        let changes = import_change::Entity::find().filter(import_change::Column::ImportId.eq(id)).order_by_desc(import_change::Column::Id).all(&txn).await?;
        for c in &changes {
            let current = current_fingerprint(&txn, &c.entity, c.entity_id).await?;
            if current.as_deref() != Some(c.after.as_str()) {
                return Err(StoreError::Conflict(format!("第 {} 行导入的记录在导入之后又被修改或删除过，不能撤销整个导入", c.row_number)));
            }
            let result = if c.action == "insert" { delete_entity(&txn, &c.entity, c.entity_id).await } else { restore_entity(&txn, &c.entity, &c.before).await };
            if let Err(StoreError::Db(_)) = result {
                return Err(StoreError::Conflict(format!("第 {} 行导入的记录已被后来的记录引用（如新建的目标企业、项目或对接记录），不能撤销整个导入", c.row_number)));
            }
            result?;
        }
        let mut row = record.clone().into_active_model();
        row.status = Set("undone".into());
        row.undone_at = Set(Some(Utc::now()));
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("undo", "import", id).detail(format!("撤销导入「{}」：{} 条记录", record.file_name, changes.len()))).await?;
        txn.commit().await?;
        Ok(after)
    }
}

/// What a record looked like right after the import wrote it, as a SHA-256 of its JSON without
/// timestamps (they may come back from the database rounded): undo compares it with the record
/// now, without keeping a second copy of every imported row.
fn fingerprint<T: Serialize>(record: &T) -> String {
    use sha2::Digest;
    let mut value = serde_json::to_value(record).unwrap_or_default();
    if let Some(map) = value.as_object_mut() {
        map.retain(|k, _| !k.ends_with("_at"));
    }
    hex::encode(sha2::Sha256::digest(value.to_string().as_bytes()))
}

/// Runs `$body` with `$e` naming the entity module of an import change.
macro_rules! by_entity {
    ($name:expr, $e:ident => $body:block) => {
        match $name {
            "enterprise" => { use enterprise as $e; $body }
            "contact" => { use contact as $e; $body }
            "target" => { use target as $e; $body }
            "project" => { use project as $e; $body }
            "follow_up" => { use follow_up as $e; $body }
            "funds_report" => { use funds_report as $e; $body }
            other => Err(StoreError::Invalid(format!("未知的导入记录类型 {other}"))),
        }
    };
}

async fn current_fingerprint(conn: &impl ConnectionTrait, entity: &str, id: i64) -> Result<Option<String>> {
    by_entity!(entity, e => { Ok(e::Entity::find_by_id(id).one(conn).await?.map(|m| fingerprint(&m))) })
}

async fn delete_entity(conn: &impl ConnectionTrait, entity: &str, id: i64) -> Result<()> {
    if entity == "target" {
        target_link::Entity::delete_many().filter(target_link::Column::TargetId.eq(id)).exec(conn).await?;
    }
    if entity == "project" {
        // A lead's own history goes with it (its first stage change).
        crate::entities::stage_change::Entity::delete_many().filter(crate::entities::stage_change::Column::ProjectId.eq(id)).exec(conn).await?;
    }
    by_entity!(entity, e => {
        e::Entity::delete_by_id(id).exec(conn).await?;
        Ok(())
    })
}

async fn restore_entity(conn: &impl ConnectionTrait, entity: &str, before: &str) -> Result<()> {
    let broken = |_| StoreError::Invalid("导入记录的原始数据已损坏，不能撤销".into());
    by_entity!(entity, e => {
        let model: e::Model = serde_json::from_str(before).map_err(broken)?;
        model.into_active_model().reset_all().update(conn).await?;
        Ok(())
    })
}

/// Reads and checks one company row; no database.
fn parse_enterprise(row: &ImportRow, scope: &Scope) -> std::result::Result<(EnterpriseInput, crate::enterprises::Checked), Reject> {
    let kind = ImportKind::Enterprises;
    let region = match row.get("region_code") {
        "" => domain::region::by_names(row.get("province"), row.get("city"), row.get("county")).map(|r| r.code.to_string()).unwrap_or_default(),
        code => domain::region::lookup(code).map(|r| r.code.to_string()).map_err(|e| reject(kind, "region_code", e))?,
    };
    let capital = match row.get("capital") {
        "" => None,
        text => Some(domain::money::parse_wan(text).map_err(|e| reject(kind, "capital", e))?),
    };
    // Head counts such as "50-99人" are bands, not numbers: only a plain number is kept.
    let employees = row.get("employees").trim_end_matches('人').parse::<i32>().ok().filter(|n| *n >= 0);
    let tags = row.get("tags").split(['、', ',', '，', ';', '；', ' ']).filter_map(domain::target::Tag::parse_any).collect::<Vec<_>>();
    let input = EnterpriseInput {
        uscc: row.get("uscc").into(),
        name: row.get("name").into(),
        former_names: row.get("former_names").into(),
        legal_rep: row.get("legal_rep").into(),
        established_on: parse_date(kind, row, "established_on")?,
        capital,
        status: row.get("status").into(),
        company_type: row.get("company_type").into(),
        industry_code: industry_code(row.get("industry")).unwrap_or_default(),
        is_local: !scope.local_prefix.is_empty() && region.starts_with(&scope.local_prefix),
        region_code: region,
        address: row.get("address").into(),
        business_scope: row.get("business_scope").into(),
        employees,
        tags,
        ..Default::default()
    };
    let checked = input.check(false);
    if let Some((field, message)) = checked.errors.first() {
        let key = match *field {
            "industry_code" => "industry",
            other => other,
        };
        return Err(reject(kind, key, message.clone()));
    }
    Ok((input, checked))
}

/// Applies a row to a company already in the library: what the file says overrides what we
/// have, an empty cell never blanks a field. `None` when nothing changes.
async fn update_existing(conn: &impl ConnectionTrait, before: &enterprise::Model, input: &EnterpriseInput, checked: &crate::enterprises::Checked) -> Result<std::result::Result<Option<Change>, Reject>> {
    if let (Some(theirs), Some(ours)) = (&before.uscc, &checked.uscc) {
        if theirs != ours {
            return Ok(Err(reject(ImportKind::Enterprises, "uscc", format!("库中同名企业「{}」的信用代码是 {theirs}，与本行不同", before.name))));
        }
    }
    let merged = EnterpriseInput {
        uscc: checked.uscc.clone().or(before.uscc.clone()).unwrap_or_default(),
        name: before.name.clone(),
        former_names: pick(&input.former_names, &before.former_names),
        legal_rep: pick(&input.legal_rep, &before.legal_rep),
        established_on: input.established_on.or(before.established_on),
        capital: input.capital.or(before.capital_wan.map(|h| domain::money::Wan { hundredths: h, currency: domain::money::Currency::parse(&before.capital_currency).unwrap_or(domain::money::Currency::Cny) })),
        status: pick(&input.status, &before.status),
        company_type: pick(&input.company_type, &before.company_type),
        industry_code: pick(&input.industry_code, &before.industry_code),
        region_code: pick(&input.region_code, &before.region_code),
        address: pick(&input.address, &before.address),
        business_scope: pick(&input.business_scope, &before.business_scope),
        revenue_wan: before.revenue_wan,
        employees: input.employees.or(before.employees),
        tags: if input.tags.is_empty() { domain::target::parse_tags(&before.tags).unwrap_or_default() } else { input.tags.clone() },
        listing: before.listing.clone(),
        is_local: if input.region_code.is_empty() { before.is_local } else { input.is_local },
        uscc_override_reason: String::new(),
    };
    let merged_checked = merged.check(true);
    let mut active = before.clone().into_active_model();
    crate::enterprises::fill(&mut active, &merged, &merged_checked);
    active.uscc_valid = Set(before.uscc_valid || merged_checked.uscc_valid);
    active.uscc_note = Set(before.uscc_note.clone());
    if same(&active, before) {
        return Ok(Ok(None));
    }
    active.updated_at = Set(Utc::now());
    active.version = Set(before.version + 1);
    let after = active.update(conn).await?;
    if after.region_code != before.region_code || after.tags != before.tags || crate::enterprises::search_text(&after) != crate::enterprises::search_text(before) {
        crate::enterprises::copy_to_targets(conn, &after).await?;
    }
    Ok(Ok(Some(Change { entity: "enterprise", id: after.id, action: "update", before: json(before), after: fingerprint(&after) })))
}

/// A company's public phone or e-mail as a contact of the importing unit.
fn contact_of(enterprise_id: i64, row: &ImportRow, scope: &Scope, legal_rep: &str) -> Option<contact::ActiveModel> {
    let (phone, email) = (row.get("phone"), row.get("email"));
    if phone.is_empty() && email.is_empty() {
        return None;
    }
    Some(contact::ActiveModel {
        enterprise_id: Set(enterprise_id),
        unit_id: Set(scope.unit_id),
        name: Set(if legal_rep.is_empty() { "企业公开联系方式".into() } else { legal_rep.to_string() }),
        title: Set("公开联系方式".into()),
        phone: Set(phone.chars().take(50).collect()),
        wechat: Set(String::new()),
        is_native: Set(false),
        home_county: Set(String::new()),
        note: Set(email_note(email)),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
}

/// Rows per multi-row INSERT: below both databases' limits on bound parameters.
const BATCH: usize = 200;

/// Companies in bulk: every row checked first, the library searched once for all their codes and
/// names, new companies inserted many rows per statement. A company twice in one file is taken
/// once, and the second row says so.
async fn import_enterprises(conn: &impl ConnectionTrait, rows: &[ImportRow], scope: &Scope, who: &Who) -> Result<Vec<(usize, RowResult)>> {
    let kind = ImportKind::Enterprises;
    let mut results: Vec<(usize, Option<RowResult>)> = rows.iter().map(|r| (r.number, None)).collect();
    let mut parsed = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, row) in rows.iter().enumerate() {
        match parse_enterprise(row, scope) {
            Ok((input, checked)) => {
                let key = checked.uscc.clone().unwrap_or_else(|| domain::names::normalize_name(&input.name));
                if let Some(first) = seen.get(&key) {
                    results[i].1 = Some(Err(reject(kind, "name", format!("与第 {first} 行是同一家企业，只导入一次"))));
                    continue;
                }
                seen.insert(key, row.number);
                parsed.push((i, input, checked));
            }
            Err(e) => results[i].1 = Some(Err(e)),
        }
    }
    // What the library already holds, in a few queries.
    let codes: Vec<String> = parsed.iter().filter_map(|(_, _, c)| c.uscc.clone()).collect();
    let names: Vec<String> = parsed.iter().map(|(_, input, _)| domain::names::normalize_name(&input.name)).collect();
    let mut by_code: HashMap<String, enterprise::Model> = HashMap::new();
    for chunk in codes.chunks(500) {
        for e in enterprise::Entity::find().filter(enterprise::Column::Uscc.is_in(chunk.to_vec())).all(conn).await? {
            let e = follow_merge(conn, e.clone()).await?;
            if let Some(code) = e.uscc.clone() {
                by_code.insert(code, e);
            }
        }
    }
    let mut by_name: HashMap<String, enterprise::Model> = HashMap::new();
    for chunk in names.chunks(500) {
        for e in enterprise::Entity::find().filter(enterprise::Column::NameNorm.is_in(chunk.to_vec())).filter(enterprise::Column::MergedIntoId.is_null()).order_by_asc(enterprise::Column::Id).all(conn).await? {
            by_name.entry(e.name_norm.clone()).or_insert(e);
        }
    }
    let now = Utc::now();
    let mut fresh: Vec<(usize, enterprise::ActiveModel)> = Vec::new();
    for (i, input, checked) in &parsed {
        let existing = checked.uscc.as_ref().and_then(|c| by_code.get(c)).or_else(|| by_name.get(&domain::names::normalize_name(&input.name)));
        match existing {
            Some(before) => {
                let mut changes = Vec::new();
                match update_existing(conn, before, input, checked).await? {
                    Ok(Some(change)) => changes.push(change),
                    Ok(None) => {}
                    Err(e) => {
                        results[*i].1 = Some(Err(e));
                        continue;
                    }
                }
                if let Some(c) = contact_of(before.id, &rows[*i], scope, &input.legal_rep) {
                    let phone: String = rows[*i].get("phone").chars().take(50).collect();
                    let note = email_note(rows[*i].get("email"));
                    let known = contact::Entity::find().filter(contact::Column::EnterpriseId.eq(before.id)).filter(contact::Column::UnitId.eq(scope.unit_id)).filter(contact::Column::Phone.eq(phone)).filter(contact::Column::Note.eq(note)).one(conn).await?;
                    if known.is_none() {
                        let saved = c.insert(conn).await?;
                        changes.push(Change { entity: "contact", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) });
                    }
                }
                results[*i].1 = Some(Ok(if changes.is_empty() { Done::Unchanged } else { Done::Updated(changes) }));
            }
            None => {
                let mut active = enterprise::ActiveModel { merged_into_id: Set(None), created_by_unit_id: Set(who.unit_id), created_at: Set(now), updated_at: Set(now), version: Set(1), ..Default::default() };
                crate::enterprises::fill(&mut active, input, checked);
                fresh.push((*i, active));
            }
        }
    }
    // New companies, many per statement; matched back to their rows by code or folded name.
    let mut contacts: Vec<(usize, contact::ActiveModel)> = Vec::new();
    for chunk in fresh.chunks(BATCH) {
        let index: HashMap<String, usize> = chunk.iter().map(|(i, a)| (key_of(a), *i)).collect();
        let saved = enterprise::Entity::insert_many(chunk.iter().map(|(_, a)| a.clone())).exec_with_returning(conn).await?;
        for e in saved {
            let Some(i) = index.get(&key_of(&e.clone().into_active_model())).copied() else { continue };
            if let Some(c) = contact_of(e.id, &rows[i], scope, &e.legal_rep) {
                contacts.push((i, c));
            }
            results[i].1 = Some(Ok(Done::Inserted(vec![Change { entity: "enterprise", id: e.id, action: "insert", before: String::new(), after: fingerprint(&e) }])));
        }
    }
    for chunk in contacts.chunks(BATCH) {
        let saved = contact::Entity::insert_many(chunk.iter().map(|(_, c)| c.clone())).exec_with_returning(conn).await?;
        let by_enterprise: HashMap<i64, usize> = chunk.iter().filter_map(|(i, c)| match &c.enterprise_id { sea_orm::ActiveValue::Set(e) => Some((*e, *i)), _ => None }).collect();
        for c in saved {
            if let Some(Some(Ok(Done::Inserted(changes)))) = by_enterprise.get(&c.enterprise_id).map(|i| results[*i].1.as_mut()) {
                changes.push(Change { entity: "contact", id: c.id, action: "insert", before: String::new(), after: fingerprint(&c) });
            }
        }
    }
    Ok(results.into_iter().map(|(n, r)| (n, r.unwrap_or(Ok(Done::Unchanged)))).collect())
}

/// The key a new company is matched back by: its code, or its folded name.
fn key_of(active: &enterprise::ActiveModel) -> String {
    match (&active.uscc, &active.name_norm) {
        (sea_orm::ActiveValue::Set(Some(code)) | sea_orm::ActiveValue::Unchanged(Some(code)), _) => code.clone(),
        (_, sea_orm::ActiveValue::Set(name) | sea_orm::ActiveValue::Unchanged(name)) => name.clone(),
        _ => String::new(),
    }
}

/// Whether an edited record still equals what it was (fields set to the value they had do not count).
fn same<A, M>(active: &A, before: &M) -> bool
where
    A: ActiveModelTrait + sea_orm::TryIntoModel<M> + Clone,
    M: sea_orm::ModelTrait + PartialEq,
{
    active.clone().try_into_model().is_ok_and(|m| m == *before)
}

fn email_note(email: &str) -> String {
    if email.is_empty() { String::new() } else { format!("邮箱：{email}") }
}

fn pick(new: &str, old: &str) -> String {
    if new.trim().is_empty() { old.to_string() } else { new.trim().to_string() }
}

async fn import_target(conn: &impl ConnectionTrait, row: &ImportRow, scope: &Scope, who: &Who) -> Result<RowResult> {
    let kind = ImportKind::Targets;
    let priority = match parse_coded(kind, row, "priority", Priority::parse_any, "A、B、C") {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let status = match parse_coded(kind, row, "status", Engagement::parse_any, "未接触、已接触、洽谈中、有意向、已放弃") {
        Ok(Some(Engagement::Converted)) => return Ok(Err(reject(kind, "status", "「已转化为项目」由登记项目产生，不能导入"))),
        Ok(s) => s,
        Err(e) => return Ok(Err(e)),
    };
    if status == Some(Engagement::Dropped) && row.get("note").is_empty() {
        return Ok(Err(reject(kind, "note", "已放弃的目标请在备注中写明原因")));
    }
    let owner = match row.get("owner") {
        "" => None,
        name => {
            let found = user::Entity::find().filter(user::Column::UnitId.eq(scope.unit_id)).filter(user::Column::Active.eq(true)).all(conn).await?.into_iter().find(|u| u.username == name || u.display_name == name);
            match found {
                Some(u) => Some(u.id),
                None => return Ok(Err(reject(kind, "owner", format!("本单位没有名为「{name}」的在职人员")))),
            }
        }
    };
    let mut link_ids = Vec::new();
    for name in row.get("links").split(['、', ',', '，', ';', '；']).map(str::trim).filter(|s| !s.is_empty()) {
        match link::Entity::find().filter(link::Column::Name.eq(name)).filter(link::Column::Active.eq(true)).order_by_asc(link::Column::Id).one(conn).await? {
            Some(l) => link_ids.push(l.id),
            None => return Ok(Err(reject(kind, "links", format!("产业链配置中没有名为「{name}」的环节")))),
        }
    }
    let mut changes = Vec::new();
    let ent = match enterprise_of(conn, kind, row, who, &mut changes).await? {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    let existing = target::Entity::find().filter(target::Column::EnterpriseId.eq(ent.id)).filter(target::Column::OwnerUnitId.eq(scope.unit_id)).one(conn).await?;
    match existing {
        Some(before) => {
            let mut active = before.clone().into_active_model();
            if let Some(p) = priority {
                active.priority = Set(p.code().into());
            }
            if let Some(s) = status {
                let from = Engagement::parse(&before.status).unwrap_or(Engagement::NotContacted);
                match from.change(s, row.get("note")) {
                    Ok(to) => {
                        active.status = Set(to.code().into());
                        active.drop_reason = Set(if to == Engagement::Dropped { row.get("note").into() } else { String::new() });
                    }
                    Err(e) => return Ok(Err(reject(kind, "status", e))),
                }
            }
            if !row.get("source").is_empty() {
                active.source = Set(row.get("source").into());
            }
            if !row.get("note").is_empty() {
                active.note = Set(row.get("note").into());
            }
            if owner.is_some() {
                active.owner_user_id = Set(owner);
            }
            if same(&active, &before) {
                return Ok(Ok(if changes.is_empty() { Done::Unchanged } else { Done::Updated(changes) }));
            }
            active.updated_at = Set(Utc::now());
            active.version = Set(before.version + 1);
            let after = active.update(conn).await?;
            changes.push(Change { entity: "target", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) });
            Ok(Ok(Done::Updated(changes)))
        }
        None => {
            let now = Utc::now();
            let status = status.unwrap_or(Engagement::NotContacted);
            let saved = target::ActiveModel {
                enterprise_id: Set(ent.id),
                owner_unit_id: Set(scope.unit_id),
                owner_user_id: Set(owner),
                priority: Set(priority.unwrap_or(Priority::B).code().into()),
                status: Set(status.code().into()),
                drop_reason: Set(if status == Engagement::Dropped { row.get("note").into() } else { String::new() }),
                source: Set(row.get("source").into()),
                note: Set(row.get("note").into()),
                last_contact_on: Set(None),
                region_code: Set(ent.region_code.clone()),
                tags: Set(ent.tags.clone()),
                search_text: Set(crate::enterprises::search_text(&ent)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            link_ids.sort_unstable();
            link_ids.dedup();
            for link_id in link_ids {
                target_link::ActiveModel { target_id: Set(saved.id), link_id: Set(link_id) }.insert(conn).await?;
            }
            changes.push(Change { entity: "target", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) });
            Ok(Ok(Done::Inserted(changes)))
        }
    }
}

/// A unit given by name or code, or the importing unit when empty.
async fn unit_of(conn: &impl ConnectionTrait, text: &str, default: i64) -> Result<Option<i64>> {
    if text.is_empty() {
        return Ok(Some(default));
    }
    let units = unit::Entity::find().filter(unit::Column::Active.eq(true)).all(conn).await?;
    Ok(units.iter().find(|u| u.code == text || u.name == text).or_else(|| units.iter().find(|u| u.name.starts_with(text) && text.chars().count() >= 2)).map(|u| u.id))
}

async fn import_project(conn: &impl ConnectionTrait, row: &ImportRow, scope: &Scope, who: &Who) -> Result<RowResult> {
    let kind = ImportKind::Projects;
    let facts = (|| -> std::result::Result<_, Reject> {
        Ok((
            parse_coded(kind, row, "kind", ProjectKind::parse_any, "新建、扩建、技术改造")?,
            parse_coded(kind, row, "source_channel", SourceChannel::parse_any, "驻外招商、以商招商、活动招商、中介招商、汉商回归、链主配套、基金招商、其他")?,
            parse_coded(kind, row, "contract_kind", |t| ContractKind::parse_any(t.trim_end_matches("项目")), "合同 或 协议")?,
            parse_amount(kind, row, "total")?,
            parse_amount(kind, row, "fixed")?,
            parse_date(kind, row, "lead_on")?,
            parse_date(kind, row, "planned_start_on")?,
            parse_date(kind, row, "planned_operation_on")?,
        ))
    })();
    let (project_kind, channel, contract, total, fixed, lead_on, planned_start, planned_operation) = match facts {
        Ok(f) => f,
        Err(e) => return Ok(Err(e)),
    };
    let industry = match row.get("industry_code") {
        "" => String::new(),
        text => match industry_code(text) {
            Some(code) => code,
            None => return Ok(Err(reject(kind, "industry_code", format!("行业代码「{text}」不在 GB/T 4754 中")))),
        },
    };
    let chain_id = match row.get("chain") {
        "" => None,
        name => match chain::Entity::find().filter(chain::Column::Name.eq(name)).one(conn).await? {
            Some(c) => Some(c.id),
            None => return Ok(Err(reject(kind, "chain", format!("产业链配置中没有「{name}」")))),
        },
    };
    let Some(landing) = unit_of(conn, row.get("landing_unit"), scope.unit_id).await? else {
        return Ok(Err(reject(kind, "landing_unit", format!("没有名为「{}」的单位", row.get("landing_unit")))));
    };
    if !scope.may_write(landing) {
        return Ok(Err(reject(kind, "landing_unit", "不能为其他单位导入项目")));
    }
    let mut changes = Vec::new();
    // An existing project, by its code: the file's facts update it.
    if !row.get("code").is_empty() {
        let Some(before) = project::Entity::find().filter(project::Column::Code.eq(row.get("code"))).one(conn).await? else {
            return Ok(Err(reject(kind, "code", format!("没有编号为「{}」的项目", row.get("code")))));
        };
        if !scope.may_write(before.landing_unit_id) && !scope.may_write(before.source_unit_id) {
            return Ok(Err(reject(kind, "code", "这是其他单位的项目，不能导入修改")));
        }
        let mut active = before.clone().into_active_model();
        if !row.get("project_name").is_empty() {
            active.name = Set(row.get("project_name").into());
        }
        if let Some(k) = project_kind {
            active.kind = Set(k.code().into());
        }
        if let Some(c) = channel {
            active.source_channel = Set(c.code().into());
        }
        if let Some(c) = contract {
            active.contract_kind = Set(c.code().into());
        }
        if let Some(t) = total {
            active.total_wan = Set(t);
        }
        if let Some(f) = fixed {
            active.fixed_wan = Set(f);
        }
        if !industry.is_empty() {
            active.industry_code = Set(industry.clone());
        }
        if chain_id.is_some() {
            active.chain_id = Set(chain_id);
        }
        if planned_start.is_some() {
            active.planned_start_on = Set(planned_start);
        }
        if planned_operation.is_some() {
            active.planned_operation_on = Set(planned_operation);
        }
        if !row.get("note").is_empty() {
            active.note = Set(row.get("note").into());
        }
        if same(&active, &before) {
            return Ok(Ok(Done::Unchanged));
        }
        let (total_now, fixed_now) = (total.unwrap_or(before.total_wan), fixed.unwrap_or(before.fixed_wan));
        if fixed_now > total_now {
            return Ok(Err(reject(kind, "fixed", "固定资产投资不能大于总投资")));
        }
        active.updated_at = Set(Utc::now());
        active.version = Set(before.version + 1);
        active.update(conn).await?;
        let after = crate::projects::refresh_id(conn, before.id).await?;
        audit::append(conn, who, Event::new("update", "project", before.id).change(Some(&before), Some(&after)).detail("导入更新")).await?;
        changes.push(Change { entity: "project", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) });
        return Ok(Ok(Done::Updated(changes)));
    }
    let ent = match enterprise_of(conn, kind, row, who, &mut changes).await? {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    // The same project imported again (same investor, name and unit) is not made twice.
    let again = project::Entity::find()
        .filter(project::Column::EnterpriseId.eq(ent.id))
        .filter(project::Column::Name.eq(row.get("project_name")))
        .filter(project::Column::LandingUnitId.eq(landing))
        .one(conn)
        .await?;
    if again.is_some() {
        return Ok(Ok(Done::Unchanged));
    }
    let input = ProjectInput {
        name: row.get("project_name").into(),
        enterprise_id: ent.id,
        chain_id,
        industry_code: industry,
        kind: Some(project_kind.unwrap_or(ProjectKind::New)),
        total_wan: total.unwrap_or(0),
        fixed_wan: fixed.unwrap_or(0),
        source_channel: Some(channel.unwrap_or(SourceChannel::Other)),
        source_unit_id: scope.unit_id,
        landing_unit_id: landing,
        contract_kind: contract,
        planned_start_on: planned_start,
        planned_operation_on: planned_operation,
        note: row.get("note").into(),
        ..Default::default()
    };
    if let Some((field, message)) = input.check().first() {
        let key = match *field {
            "name" => "project_name",
            "total_wan" => "total",
            "fixed_wan" => "fixed",
            other => other,
        };
        return Ok(Err(reject(kind, key, message.clone())));
    }
    let today = Utc::now().date_naive();
    let lead_on = lead_on.unwrap_or(today);
    if lead_on > today {
        return Ok(Err(reject(kind, "lead_on", "登记日期不能晚于今天")));
    }
    let created = crate::projects::insert_project(conn, who, &input, lead_on, None).await?;
    changes.push(Change { entity: "project", id: created.id, action: "insert", before: String::new(), after: fingerprint(&created) });
    Ok(Ok(Done::Inserted(changes)))
}

async fn import_follow_up(conn: &impl ConnectionTrait, row: &ImportRow, scope: &Scope, who: &Who) -> Result<RowResult> {
    let kind = ImportKind::FollowUps;
    let happened_on = match parse_date(kind, row, "happened_on") {
        Ok(Some(d)) if d > Utc::now().date_naive() => return Ok(Err(reject(kind, "happened_on", "对接日期不能晚于今天"))),
        Ok(Some(d)) => d,
        Ok(None) => return Ok(Err(reject(kind, "happened_on", "请填写对接日期"))),
        Err(e) => return Ok(Err(e)),
    };
    let follow_kind = match parse_coded(kind, row, "kind", FollowUpKind::parse_any, "拜访、接待来访、电话、视频、会议、活动、服务、实地核查") {
        Ok(k) => k.unwrap_or(FollowUpKind::Visit),
        Err(e) => return Ok(Err(e)),
    };
    let next_due = match parse_date(kind, row, "next_due") {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let summary = row.get("summary");
    if summary.is_empty() {
        return Ok(Err(reject(kind, "summary", "请填写对接情况")));
    }
    if next_due.is_some() && row.get("next_step").is_empty() {
        return Ok(Err(reject(kind, "next_step", "设了期限，请写下一步要做什么")));
    }
    // The author: the importing user, or (from the command line) the unit's first active person.
    let author = match who.user_id {
        Some(u) => u,
        None => match user::Entity::find().filter(user::Column::UnitId.eq(scope.unit_id)).filter(user::Column::Active.eq(true)).order_by_asc(user::Column::Id).one(conn).await? {
            Some(u) => u.id,
            None => return Ok(Err(reject(kind, "name", "导入单位没有在职人员，无法记为对接人"))),
        },
    };
    let mut changes = Vec::new();
    let ent = match enterprise_of(conn, kind, row, who, &mut changes).await? {
        Ok(e) => e,
        Err(e) => return Ok(Err(e)),
    };
    // The same entry imported again has the same key and is not saved twice.
    use sha2::Digest;
    let key = hex::encode(sha2::Sha256::digest(format!("{}|{}|{}|{}|{}", scope.unit_id, ent.id, happened_on, follow_kind.code(), summary).as_bytes()));
    let client_key = format!("import-{}", &key[..40]);
    if follow_up::Entity::find().filter(follow_up::Column::ClientKey.eq(&client_key)).one(conn).await?.is_some() {
        return Ok(Ok(Done::Unchanged));
    }
    let target = target::Entity::find().filter(target::Column::EnterpriseId.eq(ent.id)).filter(target::Column::OwnerUnitId.eq(scope.unit_id)).one(conn).await?;
    let saved = follow_up::ActiveModel {
        enterprise_id: Set(ent.id),
        target_id: Set(target.as_ref().map(|t| t.id)),
        project_id: Set(None),
        unit_id: Set(scope.unit_id),
        user_id: Set(author),
        happened_on: Set(happened_on),
        kind: Set(follow_kind.code().into()),
        place: Set(row.get("place").chars().take(200).collect()),
        latitude_e6: Set(None),
        longitude_e6: Set(None),
        participants: Set(row.get("participants").chars().take(200).collect()),
        summary: Set(summary.chars().take(5000).collect()),
        next_step: Set(row.get("next_step").into()),
        next_due: Set(next_due),
        next_done: Set(false),
        client_key: Set(client_key),
        created_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    changes.push(Change { entity: "follow_up", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) });
    // The target's last contact moves forward with it.
    if let Some(t) = target.filter(|t| t.last_contact_on.is_none_or(|d| d < happened_on)) {
        let mut active = t.clone().into_active_model();
        active.last_contact_on = Set(Some(happened_on));
        active.status = Set(Engagement::parse(&t.status).unwrap_or(Engagement::NotContacted).after_follow_up().code().into());
        let after = active.update(conn).await?;
        changes.push(Change { entity: "target", id: t.id, action: "update", before: json(&t), after: fingerprint(&after) });
    }
    Ok(Ok(Done::Inserted(changes)))
}

async fn import_funds(conn: &impl ConnectionTrait, row: &ImportRow, scope: &Scope, who: &Who) -> Result<RowResult> {
    let kind = ImportKind::Funds;
    let code = row.get("code");
    let Some(p) = project::Entity::find().filter(project::Column::Code.eq(code)).one(conn).await? else {
        return Ok(Err(reject(kind, "code", format!("没有编号为「{code}」的项目"))));
    };
    if !scope.may_write(p.landing_unit_id) && !scope.may_write(p.source_unit_id) {
        return Ok(Err(reject(kind, "code", "这是其他单位的项目，不能导入到位资金")));
    }
    if domain::project::Stage::parse(&p.stage).unwrap_or(domain::project::Stage::Lead) < domain::project::Stage::Signed {
        return Ok(Err(reject(kind, "code", "项目签约后才能填报到位资金")));
    }
    let month = match domain::project::parse_month(row.get("month")) {
        Ok(m) if m > Utc::now().date_naive() => return Ok(Err(reject(kind, "month", "不能填报未来月份的到位资金"))),
        Ok(m) => m,
        Err(e) => return Ok(Err(reject(kind, "month", e))),
    };
    let amount = match parse_amount(kind, row, "amount") {
        Ok(Some(a)) if a > 0 => a,
        Ok(_) => return Ok(Err(reject(kind, "amount", "到位金额应大于 0"))),
        Err(e) => return Ok(Err(e)),
    };
    let (origin, use_kind) = match (parse_coded(kind, row, "origin", FundsOrigin::parse_any, "省外、省内市外、市内"), parse_coded(kind, row, "use_kind", FundsUse::parse_any, "固定资产、流动资金")) {
        (Ok(o), Ok(u)) => (o.unwrap_or(FundsOrigin::OutOfProvince), u.unwrap_or(FundsUse::Fixed)),
        (Err(e), _) | (_, Err(e)) => return Ok(Err(e)),
    };
    let existing = funds_report::Entity::find()
        .filter(funds_report::Column::ProjectId.eq(p.id))
        .filter(funds_report::Column::Month.eq(month))
        .filter(funds_report::Column::Origin.eq(origin.code()))
        .filter(funds_report::Column::UseKind.eq(use_kind.code()))
        .one(conn)
        .await?;
    match existing {
        Some(before) if before.amount_wan == amount => Ok(Ok(Done::Unchanged)),
        Some(before) if before.verification == Verification::Approved.code() => Ok(Err(reject(kind, "amount", "这个月的到位资金已核查通过，不能由导入修改"))),
        Some(before) => {
            let mut active = before.clone().into_active_model();
            active.amount_wan = Set(amount);
            active.note = Set(pick(row.get("note"), &before.note));
            active.verification = Set(Verification::Pending.code().into());
            let after = active.update(conn).await?;
            Ok(Ok(Done::Updated(vec![Change { entity: "funds_report", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) }])))
        }
        None => {
            let saved = funds_report::ActiveModel {
                project_id: Set(p.id),
                month: Set(month),
                amount_wan: Set(amount),
                origin: Set(origin.code().into()),
                use_kind: Set(use_kind.code().into()),
                note: Set(row.get("note").into()),
                verification: Set(Verification::Pending.code().into()),
                unit_id: Set(scope.unit_id),
                user_id: Set(who.user_id),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            Ok(Ok(Done::Inserted(vec![Change { entity: "funds_report", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) }])))
        }
    }
}
