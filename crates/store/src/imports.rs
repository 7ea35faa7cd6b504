//! Imports: rows read from a spreadsheet become enterprises, targets, projects, follow-ups or funds
//! reports. A dry run does everything inside a transaction and rolls it back, so the preview is
//! exactly what applying will do; applying is one transaction, all accepted rows or none.
//! Re-importing updates by key (统一社会信用代码 or name, project code, month) and never
//! duplicates; every import keeps its file, counts, row-by-row plan and the records it wrote, and
//! can be undone whole.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, EntityName, IdenStatic, IntoActiveModel,
    Iterable, QueryFilter, QueryOrder, QuerySelect, Statement, TryIntoModel,
};
use serde::{Deserialize, Serialize};

use domain::imports::ImportKind;
use domain::money::AmountUnit;
use domain::project::{ContractKind, FundsOrigin, FundsUse, ProjectKind, SourceChannel, Verification};
use domain::target::{Engagement, FollowUpKind, Priority};

use crate::audit::{self, Event};
use crate::enterprises::EnterpriseInput;
use crate::entities::{chain, contact, enterprise, follow_up, funds_report, import, import_change, link, project, target, target_link, unit, user};
use crate::projects::ProjectInput;
use crate::{Result, Store, StoreError, Who};

/// One data row: its number as the user sees it in Excel, and its non-empty cells by column key.
#[derive(Debug, Clone, Default)]
pub struct ImportRow {
    pub number: usize,
    cells: Vec<(&'static str, String)>,
    /// The unit each amount column's header gives (总投资（亿元）); one list shared by a file's rows.
    units: Arc<[(&'static str, AmountUnit)]>,
}

impl ImportRow {
    /// A row from its cells by column key; empty cells are left out.
    pub fn new(number: usize, cells: impl IntoIterator<Item = (&'static str, String)>) -> ImportRow {
        let cells = cells.into_iter().filter(|(_, text)| !text.trim().is_empty()).collect();
        ImportRow { number, cells, units: Arc::default() }
    }

    /// The row with the units its file's headers give amount columns.
    pub fn with_units(mut self, units: Arc<[(&'static str, AmountUnit)]>) -> ImportRow {
        self.units = units;
        self
    }

    /// The trimmed text of a cell; "" when it is empty or the file has no such column.
    pub fn get(&self, key: &str) -> &str {
        self.cells.iter().find(|(k, _)| *k == key).map_or("", |(_, text)| text.trim())
    }

    /// The unit of a bare number in an amount column: what its header says, or 万元.
    pub fn unit(&self, key: &str) -> AmountUnit {
        self.units.iter().find(|(k, _)| *k == key).map_or(AmountUnit::WAN, |(_, unit)| *unit)
    }
}

/// A row that was not taken, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// What a row does (or, in a dry run, would do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Insert,
    Update,
    Unchanged,
}

impl Action {
    pub const ALL: [Action; 3] = [Action::Insert, Action::Update, Action::Unchanged];

    pub fn label(self) -> &'static str {
        match self {
            Action::Insert => "新增",
            Action::Update => "更新",
            Action::Unchanged => "不变",
        }
    }
}

/// One accepted row of the plan: what it is and what happens to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedRow {
    pub row: usize,
    pub action: Action,
    /// What the row is known by: 统一社会信用代码, project code (and month, for funds); empty for a
    /// new record that has none yet.
    pub key: String,
    pub name: String,
    /// For an update, each field that changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<FieldChange>,
}

/// A field an update changes, as the preview shows it: 注册资本 300 万元 → 500 万元.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Rows of each action the plan lists; the rest are counted only, so that the plan of a
/// 200,000-row file stays small.
pub const PLAN_ROWS: usize = 500;

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    pub rows: usize,
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected: usize,
    pub errors: Vec<RowError>,
    /// Row by row what is inserted, updated or left as it is: the first [`PLAN_ROWS`] rows of each.
    #[serde(default)]
    pub plan: Vec<PlannedRow>,
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

/// Records a bulk path inserted, each with its row and fingerprint: logged for undo a thousand to
/// an entry rather than one entry each.
struct Inserted {
    entity: &'static str,
    records: Vec<(usize, i64, String)>,
}

/// Records per `insert_many` entry of the undo log.
const UNDO_CHUNK: usize = 1000;

/// How a row went: its action, what it wrote, and the line of the plan.
struct Done {
    action: Action,
    changes: Vec<Change>,
    key: String,
    name: String,
    fields: Vec<FieldChange>,
}

impl Done {
    fn new(action: Action, key: impl Into<String>, name: impl Into<String>) -> Done {
        Done { action, changes: Vec::new(), key: key.into(), name: name.into(), fields: Vec::new() }
    }

    fn inserted(changes: Vec<Change>, key: impl Into<String>, name: impl Into<String>) -> Done {
        Done { changes, ..Done::new(Action::Insert, key, name) }
    }

    fn updated(changes: Vec<Change>, key: impl Into<String>, name: impl Into<String>, fields: Vec<FieldChange>) -> Done {
        Done { changes, fields, ..Done::new(Action::Update, key, name) }
    }

    fn unchanged(key: impl Into<String>, name: impl Into<String>) -> Done {
        Done::new(Action::Unchanged, key, name)
    }
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

/// An amount in 万元 (人民币), a bare number in the unit its header gives; other currencies are
/// refused for ledgers in 万元.
fn parse_amount(kind: ImportKind, row: &ImportRow, key: &str) -> std::result::Result<Option<i64>, Reject> {
    match row.get(key) {
        "" => Ok(None),
        text => {
            let w = domain::money::parse_wan_in(text, row.unit(key)).map_err(|e| reject(kind, key, e))?;
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
        let mut bulk: Vec<Inserted> = Vec::new();
        let results: Vec<(usize, RowResult)> = match kind {
            ImportKind::Enterprises => import_enterprises(&txn, rows, scope, who, &mut bulk).await?,
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
        let mut written: Vec<(usize, Change)> = Vec::new();
        let mut listed = [0usize; 3];
        for (number, result) in results {
            match result {
                Ok(done) => {
                    let count = match done.action {
                        Action::Insert => &mut outcome.inserted,
                        Action::Update => &mut outcome.updated,
                        Action::Unchanged => &mut outcome.unchanged,
                    };
                    *count += 1;
                    let shown = &mut listed[done.action as usize];
                    if *shown < PLAN_ROWS {
                        *shown += 1;
                        outcome.plan.push(PlannedRow { row: number, action: done.action, key: done.key, name: done.name, changes: done.fields });
                    }
                    written.extend(done.changes.into_iter().map(|c| (number, c)));
                }
                Err(Reject(column, message)) => {
                    outcome.rejected += 1;
                    outcome.errors.push(RowError { row: number, column, message });
                }
            }
        }
        outcome.errors.sort_by_key(|e| e.row);
        outcome.plan.sort_by_key(|p| p.row);
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
            plan: Set(json(&outcome.plan)),
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
        // The undo log in the order the records were written: row by row, then what was inserted
        // in bulk (which nothing written row by row refers to).
        let mut log: Vec<import_change::ActiveModel> = written
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
        for inserted in &bulk {
            for chunk in inserted.records.chunks(UNDO_CHUNK) {
                let (first_row, first_id, _) = &chunk[0];
                log.push(import_change::ActiveModel {
                    import_id: Set(saved.id),
                    row_number: Set(*first_row as i32),
                    entity: Set(inserted.entity.into()),
                    entity_id: Set(*first_id),
                    action: Set("insert_many".into()),
                    before: Set(String::new()),
                    after: Set(json(&chunk)),
                    ..Default::default()
                });
            }
        }
        while !log.is_empty() {
            let rest = log.split_off(log.len().min(BATCH));
            import_change::Entity::insert_many(std::mem::replace(&mut log, rest)).exec_without_returning(&txn).await?;
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

    /// (file name, status) of the imports whose file name begins with `prefix`: the batches a
    /// resumable load has committed.
    pub async fn imports_named(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        Ok(import::Entity::find()
            .select_only()
            .columns([import::Column::FileName, import::Column::Status])
            .filter(import::Column::FileName.starts_with(prefix))
            .into_tuple()
            .all(&self.db)
            .await?)
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
            r.plan = String::new();
        }
        Ok(rows)
    }

    /// Undoes a whole import: inserted records are removed and changed ones restored, in reverse
    /// order, in one transaction. Refused when any of them changed since (someone worked on it).
    pub async fn undo_import(&self, who: &Who, id: i64) -> Result<import::Model> {
        let txn = self.begin_write().await?;
        let record = import::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这次导入".into()))?;
        if record.status != "applied" {
            return Err(StoreError::Invalid("只能撤销已执行的导入".into()));
        }
        let changes = import_change::Entity::find().filter(import_change::Column::ImportId.eq(id)).order_by_desc(import_change::Column::Id).all(&txn).await?;
        let mut records = 0;
        for c in &changes {
            if c.action == "insert_many" {
                let inserted: Vec<(usize, i64, String)> = serde_json::from_str(&c.after).map_err(|_| broken_log())?;
                records += inserted.len();
                undo_inserts(&txn, &c.entity, &inserted).await?;
                continue;
            }
            records += 1;
            let current = current_fingerprint(&txn, &c.entity, c.entity_id).await?;
            if current.as_deref() != Some(c.after.as_str()) {
                return Err(StoreError::Conflict(format!("第 {} 行导入的记录在导入之后又被修改或删除过，不能撤销整个导入", c.row_number)));
            }
            let result = if c.action == "insert" { delete_entities(&txn, &c.entity, &[c.entity_id]).await } else { restore_entity(&txn, &c.entity, &c.before).await };
            if let Err(StoreError::Db(_)) = result {
                return Err(StoreError::Conflict(format!("第 {} 行导入的记录已被后来的记录引用（如新建的目标企业、项目或对接记录），不能撤销整个导入", c.row_number)));
            }
            result?;
        }
        let mut row = record.clone().into_active_model();
        row.status = Set("undone".into());
        row.undone_at = Set(Some(Utc::now()));
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("undo", "import", id).detail(format!("撤销导入「{}」：{records} 条记录", record.file_name))).await?;
        txn.commit().await?;
        Ok(after)
    }
}

fn broken_log() -> StoreError {
    StoreError::Invalid("导入记录的原始数据已损坏，不能撤销".into())
}

/// Removes records a bulk path inserted, after checking that none changed since.
async fn undo_inserts(conn: &impl ConnectionTrait, entity: &str, inserted: &[(usize, i64, String)]) -> Result<()> {
    let ids: Vec<i64> = inserted.iter().map(|(_, id, _)| *id).collect();
    let current = current_fingerprints(conn, entity, &ids).await?;
    if let Some((row, _, _)) = inserted.iter().find(|(_, id, after)| current.get(id) != Some(after)) {
        return Err(StoreError::Conflict(format!("第 {row} 行导入的记录在导入之后又被修改或删除过，不能撤销整个导入")));
    }
    match delete_entities(conn, entity, &ids).await {
        Err(StoreError::Db(_)) => {
            let first = inserted.iter().map(|(row, _, _)| *row).min().unwrap_or_default();
            let last = inserted.iter().map(|(row, _, _)| *row).max().unwrap_or_default();
            Err(StoreError::Conflict(format!("第 {first}–{last} 行导入的记录中有的已被后来的记录引用（如新建的目标企业、项目或对接记录），不能撤销整个导入")))
        }
        other => other,
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

/// The fingerprint of a record a bulk path inserted (`insert_many` entries): the SHA-256 of its
/// JSON as it is, timestamps included (they are written to the microsecond, so they read back the
/// same), without the detour through a JSON map that [`fingerprint`] takes.
fn exact_fingerprint<T: Serialize>(record: &T) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(serde_json::to_vec(record).unwrap_or_default()))
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

/// The exact fingerprints of records by id; a record no longer there is missing from the map.
async fn current_fingerprints(conn: &impl ConnectionTrait, entity: &str, ids: &[i64]) -> Result<HashMap<i64, String>> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(500) {
        by_entity!(entity, e => {
            for m in e::Entity::find().filter(e::Column::Id.is_in(chunk.to_vec())).all(conn).await? {
                found.insert(m.id, exact_fingerprint(&m));
            }
            Ok::<(), StoreError>(())
        })?;
    }
    Ok(found)
}

async fn delete_entities(conn: &impl ConnectionTrait, entity: &str, ids: &[i64]) -> Result<()> {
    for chunk in ids.chunks(500) {
        if entity == "target" {
            target_link::Entity::delete_many().filter(target_link::Column::TargetId.is_in(chunk.to_vec())).exec(conn).await?;
        }
        if entity == "project" {
            // A lead's own history goes with it (its first stage change).
            crate::entities::stage_change::Entity::delete_many().filter(crate::entities::stage_change::Column::ProjectId.is_in(chunk.to_vec())).exec(conn).await?;
        }
        by_entity!(entity, e => {
            e::Entity::delete_many().filter(e::Column::Id.is_in(chunk.to_vec())).exec(conn).await?;
            Ok::<(), StoreError>(())
        })?;
    }
    Ok(())
}

async fn restore_entity(conn: &impl ConnectionTrait, entity: &str, before: &str) -> Result<()> {
    let broken = |_| broken_log();
    if entity == "enterprise" {
        // Targets and projects carry copies of a company's region, tags and name: they go back too.
        let model: enterprise::Model = serde_json::from_str(before).map_err(broken)?;
        let restored = model.into_active_model().reset_all().update(conn).await?;
        return crate::enterprises::copy_to_targets(conn, &restored).await;
    }
    by_entity!(entity, e => {
        let model: e::Model = serde_json::from_str(before).map_err(broken)?;
        model.into_active_model().reset_all().update(conn).await?;
        Ok(())
    })
}

/// Bound parameters one statement may carry: below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMETERS: usize = 30_000;

/// Rows per multi-row INSERT through SeaORM's models (the undo log).
const BATCH: usize = 200;

/// Codes or names per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 5000;

/// Ids for `n` new records of `table`, taken before they are written so that no RETURNING is
/// needed: on SQLite the next ones after the highest ever given (an import holds the write lock,
/// so no one else takes them); on PostgreSQL reserved from the table's sequence.
async fn reserve_ids(conn: &impl ConnectionTrait, table: &str, n: usize) -> Result<Vec<i64>> {
    if n == 0 {
        return Ok(Vec::new());
    }
    let backend = conn.get_database_backend();
    if backend == DbBackend::Postgres {
        let sql = format!("SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)");
        let rows = conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [(n as i64).into()])).await?;
        return Ok(rows.iter().map(|row| row.try_get_by_index::<i64>(0)).collect::<std::result::Result<_, _>>()?);
    }
    let sql = format!("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{table}'), 0), COALESCE((SELECT MAX(id) FROM \"{table}\"), 0))");
    let highest: i64 = match conn.query_one_raw(Statement::from_string(backend, sql)).await? {
        Some(row) => row.try_get_by_index(0)?,
        None => 0,
    };
    Ok((highest + 1..=highest + n as i64).collect())
}

/// Records per multi-row INSERT of an entity: as many as the bound parameters allow, at most 1000.
fn rows_per_statement<E: EntityTrait>() -> usize {
    (MAX_PARAMETERS / E::Column::iter().count().max(1)).clamp(1, 1000)
}

/// One INSERT of records whose ids are given, built straight from their values (no SeaORM model
/// conversion or statement tree on this path, and each value moved, not copied).
fn insert_statement<A: ActiveModelTrait>(backend: DbBackend, records: Vec<A>) -> Result<Statement> {
    use std::fmt::Write;
    let columns: Vec<<A::Entity as EntityTrait>::Column> = <A::Entity as EntityTrait>::Column::iter().collect();
    let names = columns.iter().map(|c| format!("\"{}\"", c.as_str())).collect::<Vec<_>>().join(", ");
    let mut sql = format!("INSERT INTO \"{}\" ({names}) VALUES ", A::Entity::default().table_name());
    let mut values: Vec<sea_orm::Value> = Vec::with_capacity(records.len() * columns.len());
    for (n, mut record) in records.into_iter().enumerate() {
        sql.push_str(if n == 0 { "(" } else { ", (" });
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let value = record.take(*column).into_value().ok_or_else(|| StoreError::Invalid(format!("导入的记录缺少 {}", column.as_str())))?;
            values.push(value);
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${}", values.len());
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    Ok(Statement::from_sql_and_values(backend, sql, values))
}

impl Store {
    /// What writing `rows` costs the database alone: the import's own multi-row INSERTs, in one
    /// transaction, without reading, checking, lookups, undo log or audit. The import benchmark's
    /// floor (`zhaoshang bench --office`); rows keep the ids they come with.
    pub async fn insert_enterprises_as_given(&self, rows: Vec<enterprise::Model>) -> Result<()> {
        let txn = self.begin_write().await?;
        insert_rows(&txn, rows.into_iter().map(IntoActiveModel::into_active_model).collect::<Vec<enterprise::ActiveModel>>()).await?;
        txn.commit().await?;
        Ok(())
    }
}

/// Inserts records whose ids are given, many to a statement.
async fn insert_rows<A: ActiveModelTrait>(conn: &impl ConnectionTrait, records: Vec<A>) -> Result<()> {
    let mut records = records.into_iter().peekable();
    while records.peek().is_some() {
        let chunk: Vec<A> = records.by_ref().take(rows_per_statement::<A::Entity>()).collect();
        conn.execute_raw(insert_statement(conn.get_database_backend(), chunk)?).await?;
    }
    Ok(())
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
        text => Some(domain::money::parse_wan_in(text, row.unit("capital")).map_err(|e| reject(kind, "capital", e))?),
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
/// have, an empty cell never blanks a field. `None` when nothing changes; otherwise the undo
/// entry and the fields that changed.
async fn update_existing(conn: &impl ConnectionTrait, before: &enterprise::Model, input: &EnterpriseInput, checked: &crate::enterprises::Checked) -> Result<std::result::Result<Option<(Change, Vec<FieldChange>)>, Reject>> {
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
    let fields = changed_fields(before, &after, ENTERPRISE_FIELDS);
    Ok(Ok(Some((Change { entity: "enterprise", id: after.id, action: "update", before: json(before), after: fingerprint(&after) }, fields))))
}

/// A company's public phone or e-mail as a contact of the importing unit.
fn contact_of(enterprise_id: i64, row: &ImportRow, scope: &Scope, legal_rep: &str, now: chrono::DateTime<Utc>) -> Option<contact::Model> {
    let (phone, email) = (row.get("phone"), row.get("email"));
    if phone.is_empty() && email.is_empty() {
        return None;
    }
    Some(contact::Model {
        id: 0,
        enterprise_id,
        unit_id: scope.unit_id,
        name: if legal_rep.is_empty() { "企业公开联系方式".into() } else { legal_rep.to_string() },
        title: "公开联系方式".into(),
        phone: phone.chars().take(50).collect(),
        wechat: String::new(),
        is_native: false,
        home_county: String::new(),
        note: email_note(email),
        created_at: now,
    })
}

/// A company row after its checks, with the folded name it is matched by.
struct ParsedCompany {
    at: usize,
    input: EnterpriseInput,
    checked: crate::enterprises::Checked,
    name_norm: String,
}

/// Companies in bulk: every row checked first, the library searched once for all their codes and
/// names, new companies inserted a thousand to a statement and logged for undo in as few entries.
/// A company twice in one file is taken once, and the second row says so.
async fn import_enterprises(conn: &impl ConnectionTrait, rows: &[ImportRow], scope: &Scope, who: &Who, bulk: &mut Vec<Inserted>) -> Result<Vec<(usize, RowResult)>> {
    let kind = ImportKind::Enterprises;
    let mut results: Vec<Option<RowResult>> = rows.iter().map(|_| None).collect();
    let mut parsed = Vec::with_capacity(rows.len());
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(rows.len());
    for (at, row) in rows.iter().enumerate() {
        match parse_enterprise(row, scope) {
            Ok((input, checked)) => {
                let name_norm = domain::names::normalize_name(&input.name);
                let key = checked.uscc.clone().unwrap_or_else(|| name_norm.clone());
                if let Some(first) = seen.get(&key) {
                    results[at] = Some(Err(reject(kind, "name", format!("与第 {first} 行是同一家企业，只导入一次"))));
                    continue;
                }
                seen.insert(key, row.number);
                parsed.push(ParsedCompany { at, input, checked, name_norm });
            }
            Err(e) => results[at] = Some(Err(e)),
        }
    }
    drop(seen);
    // What the library already holds, in a few queries.
    let mut by_code: HashMap<String, enterprise::Model> = HashMap::new();
    let codes: Vec<&String> = parsed.iter().filter_map(|p| p.checked.uscc.as_ref()).collect();
    for chunk in codes.chunks(LOOKUP_CHUNK) {
        for e in enterprise::Entity::find().filter(enterprise::Column::Uscc.is_in(chunk.iter().copied())).all(conn).await? {
            let e = follow_merge(conn, e).await?;
            if let Some(code) = e.uscc.clone() {
                by_code.insert(code, e);
            }
        }
    }
    let mut by_name: HashMap<String, enterprise::Model> = HashMap::new();
    let names: Vec<&String> = parsed.iter().map(|p| &p.name_norm).collect();
    for chunk in names.chunks(LOOKUP_CHUNK) {
        for e in enterprise::Entity::find().filter(enterprise::Column::NameNorm.is_in(chunk.iter().copied())).filter(enterprise::Column::MergedIntoId.is_null()).order_by_asc(enterprise::Column::Id).all(conn).await? {
            by_name.entry(e.name_norm.clone()).or_insert(e);
        }
    }
    // To the microsecond, as PostgreSQL keeps it, so the fingerprints of new records match them
    // as read back.
    let now = domain::audit::truncate_to_micros(Utc::now());
    let mut fresh: Vec<ParsedCompany> = Vec::new();
    for p in parsed {
        let row = &rows[p.at];
        let existing = p.checked.uscc.as_ref().and_then(|c| by_code.get(c)).or_else(|| by_name.get(&p.name_norm));
        let Some(before) = existing else {
            fresh.push(p);
            continue;
        };
        let key = before.uscc.clone().unwrap_or_default();
        let mut changes = Vec::new();
        let mut fields = Vec::new();
        match update_existing(conn, before, &p.input, &p.checked).await? {
            Ok(Some((change, changed))) => {
                changes.push(change);
                fields = changed;
            }
            Ok(None) => {}
            Err(e) => {
                results[p.at] = Some(Err(e));
                continue;
            }
        }
        if let Some(c) = contact_of(before.id, row, scope, &p.input.legal_rep, now) {
            let known = contact::Entity::find().filter(contact::Column::EnterpriseId.eq(before.id)).filter(contact::Column::UnitId.eq(scope.unit_id)).filter(contact::Column::Phone.eq(&c.phone)).filter(contact::Column::Note.eq(&c.note)).one(conn).await?;
            if known.is_none() {
                let mut active = c.into_active_model();
                active.id = sea_orm::ActiveValue::NotSet;
                let saved = active.insert(conn).await?;
                fields.push(FieldChange { field: "联系方式".into(), before: "（空）".into(), after: [saved.phone.as_str(), saved.note.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ") });
                changes.push(Change { entity: "contact", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) });
            }
        }
        results[p.at] = Some(Ok(if changes.is_empty() { Done::unchanged(key, &before.name) } else { Done::updated(changes, key, &before.name, fields) }));
    }
    drop((by_code, by_name));

    // New companies, with ids taken first, a thousand to a statement, logged for undo with their
    // fingerprints in as few entries. Each statement is built while the one before runs in the
    // database: the two take about as long, and there are two cores.
    let backend = conn.get_database_backend();
    let ids = reserve_ids(conn, "enterprises", fresh.len()).await?;
    let mut inserted = Inserted { entity: "enterprise", records: Vec::with_capacity(fresh.len()) };
    let mut contacts: Vec<(usize, contact::Model)> = Vec::new();
    let mut fresh = fresh.into_iter().zip(ids);
    let per_statement = rows_per_statement::<enterprise::Entity>();
    let mut pending: Option<Statement> = None;
    loop {
        let chunk: Vec<(ParsedCompany, i64)> = fresh.by_ref().take(per_statement).collect();
        let build = || -> Result<Option<Statement>> {
            if chunk.is_empty() {
                return Ok(None);
            }
            let mut companies = Vec::with_capacity(chunk.len());
            for (p, id) in chunk {
                let mut active = enterprise::ActiveModel { id: Set(id), merged_into_id: Set(None), created_by_unit_id: Set(who.unit_id), created_at: Set(now), updated_at: Set(now), version: Set(1), ..Default::default() };
                crate::enterprises::fill(&mut active, &p.input, &p.checked);
                let company = active.try_into_model()?;
                let row = &rows[p.at];
                inserted.records.push((row.number, id, exact_fingerprint(&company)));
                if let Some(c) = contact_of(id, row, scope, &company.legal_rep, now) {
                    contacts.push((p.at, c));
                }
                results[p.at] = Some(Ok(Done::new(Action::Insert, company.uscc.clone().unwrap_or_default(), company.name.clone())));
                companies.push(company.into_active_model());
            }
            insert_statement(backend, companies).map(Some)
        };
        let (ran, next) = tokio::join!(
            async {
                match pending.take() {
                    Some(statement) => conn.execute_raw(statement).await.map(|_| ()),
                    None => Ok(()),
                }
            },
            async { build() }
        );
        ran?;
        pending = next?;
        if pending.is_none() {
            break;
        }
    }
    bulk.push(inserted);

    // Their public phones and e-mails, one contact each.
    let ids = reserve_ids(conn, "contacts", contacts.len()).await?;
    let mut inserted = Inserted { entity: "contact", records: Vec::with_capacity(contacts.len()) };
    let mut models = Vec::with_capacity(contacts.len());
    for ((at, mut contact), id) in contacts.into_iter().zip(ids) {
        contact.id = id;
        inserted.records.push((rows[at].number, id, exact_fingerprint(&contact)));
        models.push(contact.into_active_model());
    }
    insert_rows(conn, models).await?;
    bulk.push(inserted);

    Ok(rows.iter().zip(results).map(|(row, result)| (row.number, result.unwrap_or_else(|| Ok(Done::unchanged("", ""))))).collect())
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
            let key = ent.uscc.clone().unwrap_or_default();
            if same(&active, &before) {
                return Ok(Ok(if changes.is_empty() { Done::unchanged(key, ent.name) } else { Done::updated(changes, key, ent.name, Vec::new()) }));
            }
            active.updated_at = Set(Utc::now());
            active.version = Set(before.version + 1);
            let after = active.update(conn).await?;
            let mut fields = changed_fields(&before, &after, TARGET_FIELDS);
            if after.owner_user_id != before.owner_user_id {
                fields.push(FieldChange { field: "负责人".into(), before: user_name(conn, before.owner_user_id).await?, after: row.get("owner").into() });
            }
            changes.push(Change { entity: "target", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) });
            Ok(Ok(Done::updated(changes, key, ent.name, fields)))
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
            Ok(Ok(Done::inserted(changes, ent.uscc.unwrap_or_default(), ent.name)))
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
            return Ok(Ok(Done::unchanged(before.code, before.name)));
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
        let mut fields = changed_fields(&before, &after, PROJECT_FIELDS);
        if after.chain_id != before.chain_id {
            fields.push(FieldChange { field: "产业链".into(), before: chain_name(conn, before.chain_id).await?, after: row.get("chain").into() });
        }
        changes.push(Change { entity: "project", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) });
        return Ok(Ok(Done::updated(changes, after.code.clone(), after.name.clone(), fields)));
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
    if let Some(again) = again {
        return Ok(Ok(Done::unchanged(again.code, again.name)));
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
    // The code is given when the project is saved: a preview does not know it yet.
    Ok(Ok(Done::inserted(changes, "", created.name)))
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
    let name = format!("{}（{}）", ent.name, happened_on);
    if follow_up::Entity::find().filter(follow_up::Column::ClientKey.eq(&client_key)).one(conn).await?.is_some() {
        return Ok(Ok(Done::unchanged(ent.uscc.unwrap_or_default(), name)));
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
    Ok(Ok(Done::inserted(changes, ent.uscc.unwrap_or_default(), name)))
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
    let key = format!("{} {}", p.code, month.format("%Y-%m"));
    match existing {
        Some(before) if before.amount_wan == amount => Ok(Ok(Done::unchanged(key, p.name))),
        Some(before) if before.verification == Verification::Approved.code() => Ok(Err(reject(kind, "amount", "这个月的到位资金已核查通过，不能由导入修改"))),
        Some(before) => {
            let mut active = before.clone().into_active_model();
            active.amount_wan = Set(amount);
            active.note = Set(pick(row.get("note"), &before.note));
            active.verification = Set(Verification::Pending.code().into());
            let after = active.update(conn).await?;
            let fields = changed_fields(&before, &after, FUNDS_FIELDS);
            Ok(Ok(Done::updated(vec![Change { entity: "funds_report", id: after.id, action: "update", before: json(&before), after: fingerprint(&after) }], key, p.name, fields)))
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
            Ok(Ok(Done::inserted(vec![Change { entity: "funds_report", id: saved.id, action: "insert", before: String::new(), after: fingerprint(&saved) }], key, p.name)))
        }
    }
}

/// How a stored value reads in the preview.
#[derive(Clone, Copy)]
enum Shown {
    Text,
    Money,
    Region,
    Industry,
    Tags,
    YesNo,
    Coded(fn(&str) -> Option<&'static str>),
}

/// The fields of a record an import may change, by their JSON names, with the names people know.
type Fields = &'static [(&'static str, &'static str, Shown)];

const ENTERPRISE_FIELDS: Fields = &[
    ("uscc", "统一社会信用代码", Shown::Text),
    ("former_names", "曾用名", Shown::Text),
    ("legal_rep", "法定代表人", Shown::Text),
    ("established_on", "成立日期", Shown::Text),
    ("capital_wan", "注册资本", Shown::Money),
    ("capital_currency", "注册资本币种", Shown::Coded(currency_label)),
    ("status", "登记状态", Shown::Text),
    ("company_type", "企业类型", Shown::Text),
    ("industry_code", "所属行业", Shown::Industry),
    ("region_code", "所在地区", Shown::Region),
    ("address", "注册地址", Shown::Text),
    ("business_scope", "经营范围", Shown::Text),
    ("employees", "参保人数", Shown::Text),
    ("tags", "标签", Shown::Tags),
    ("is_local", "本地企业", Shown::YesNo),
];

const TARGET_FIELDS: Fields = &[
    ("priority", "优先级", Shown::Text),
    ("status", "对接状态", Shown::Coded(engagement_label)),
    ("drop_reason", "放弃原因", Shown::Text),
    ("source", "来源", Shown::Text),
    ("note", "备注", Shown::Text),
];

const PROJECT_FIELDS: Fields = &[
    ("name", "项目名称", Shown::Text),
    ("kind", "项目类型", Shown::Coded(project_kind_label)),
    ("source_channel", "来源渠道", Shown::Coded(channel_label)),
    ("contract_kind", "签约类型", Shown::Coded(contract_label)),
    ("total_wan", "总投资", Shown::Money),
    ("fixed_wan", "固定资产投资", Shown::Money),
    ("industry_code", "行业代码", Shown::Industry),
    ("planned_start_on", "计划开工日期", Shown::Text),
    ("planned_operation_on", "计划投产日期", Shown::Text),
    ("note", "备注", Shown::Text),
];

const FUNDS_FIELDS: Fields = &[
    ("amount_wan", "到位金额", Shown::Money),
    ("note", "说明", Shown::Text),
    ("verification", "核查状态", Shown::Coded(verification_label)),
];

fn currency_label(code: &str) -> Option<&'static str> {
    domain::money::Currency::parse(code).map(domain::money::Currency::label)
}

fn engagement_label(code: &str) -> Option<&'static str> {
    Engagement::parse(code).map(Engagement::label)
}

fn project_kind_label(code: &str) -> Option<&'static str> {
    ProjectKind::parse(code).map(ProjectKind::label)
}

fn channel_label(code: &str) -> Option<&'static str> {
    SourceChannel::parse(code).map(SourceChannel::label)
}

fn contract_label(code: &str) -> Option<&'static str> {
    ContractKind::parse(code).map(ContractKind::label)
}

fn verification_label(code: &str) -> Option<&'static str> {
    Verification::parse(code).map(Verification::label)
}

/// The listed fields that differ between two states of a record, as the preview shows them.
fn changed_fields<T: Serialize>(before: &T, after: &T, fields: Fields) -> Vec<FieldChange> {
    let (before, after) = (serde_json::to_value(before).unwrap_or_default(), serde_json::to_value(after).unwrap_or_default());
    fields
        .iter()
        .filter(|(key, _, _)| before.get(key) != after.get(key))
        .map(|(key, label, shown)| FieldChange { field: label.to_string(), before: show(before.get(key), *shown), after: show(after.get(key), *shown) })
        .collect()
}

/// A stored value as people read it: 12,500 万元, 陕西省 汉中市 南郑区, 3670 汽车零部件及配件制造.
fn show(value: Option<&serde_json::Value>, shown: Shown) -> String {
    use serde_json::Value;
    let text = match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Bool(yes)) => if *yes { "是" } else { "否" }.to_string(),
        Some(Value::Number(n)) => match (shown, n.as_i64()) {
            (Shown::Money, Some(hundredths)) => format!("{} 万元", domain::money::format_wan(hundredths)),
            _ => n.to_string(),
        },
        Some(Value::String(s)) => match shown {
            Shown::Region => domain::region::full_name(s).unwrap_or_else(|| s.clone()),
            Shown::Industry => domain::industry::lookup(s).map_or_else(|_| s.clone(), |i| format!("{} {}", i.code, i.name)),
            Shown::Tags => s.split(',').filter(|t| !t.is_empty()).map(|t| domain::target::Tag::parse(t).map_or_else(|| t.to_string(), |tag| tag.label().to_string())).collect::<Vec<_>>().join("、"),
            Shown::Coded(label) => label(s).map_or_else(|| s.clone(), str::to_string),
            Shown::Text | Shown::Money | Shown::YesNo => s.clone(),
        },
        Some(other) => other.to_string(),
    };
    // Long texts (经营范围) are cut: the preview shows that they change, the record keeps them whole.
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None if text.is_empty() => "（空）".to_string(),
        None => text,
    }
}

async fn user_name(conn: &impl ConnectionTrait, id: Option<i64>) -> Result<String> {
    let Some(id) = id else { return Ok("（空）".into()) };
    Ok(user::Entity::find_by_id(id).one(conn).await?.map_or_else(String::new, |u| u.display_name))
}

async fn chain_name(conn: &impl ConnectionTrait, id: Option<i64>) -> Result<String> {
    let Some(id) = id else { return Ok("（空）".into()) };
    Ok(chain::Entity::find_by_id(id).one(conn).await?.map_or_else(String::new, |c| c.name))
}

