//! Online, consistent backup to a file and restore from it, the same on both databases
//! (a backup of SQLite restores into PostgreSQL and back).
//!
//! Format: JSON lines. A header line, then for each table a `{"table": …, "rows": n}` line followed
//! by its rows. The whole file is read in one snapshot: a read-only transaction (REPEATABLE READ on
//! PostgreSQL; on SQLite in WAL mode the first read fixes the snapshot), so writes that go on meanwhile
//! are either wholly in the file or not at all. Sessions are left out on purpose: a restored
//! database must not carry live sign-ins.

use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::Path;

use futures_util::TryStreamExt;
use sea_orm::{
    AccessMode, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, IsolationLevel, PaginatorTrait, QueryOrder,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

use crate::entities::*;
use sea_orm::Iterable;
use crate::{Result, Store, StoreError};

const FORMAT: &str = "zhaoshang-backup-1";

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    schema: Vec<String>,
    created_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Serialize, Deserialize)]
struct TableHead {
    table: String,
    rows: u64,
}

/// Columns that point at a row of their own table.
const SELF_REFERENCES: [(&str, &str); 4] = [("units", "parent_id"), ("links", "parent_id"), ("enterprises", "merged_into_id"), ("projects", "duplicate_of_id")];

/// Rows per table written or restored.
pub type Counts = Vec<(String, u64)>;

/// Runs `$body` once per table, in foreign-key order, with `$entity` naming the entity module.
macro_rules! each_table {
    ($entity:ident => $body:block) => {{
        { use setting as $entity; $body }
        { use unit as $entity; $body }
        { use user as $entity; $body }
        { use password_history as $entity; $body }
        { use profile_version as $entity; $body }
        { use cluster as $entity; $body }
        { use chain as $entity; $body }
        { use link as $entity; $body }
        { use enterprise as $entity; $body }
        { use contact as $entity; $body }
        { use target as $entity; $body }
        { use target_link as $entity; $body }
        { use project as $entity; $body }
        { use stage_change as $entity; $body }
        { use funds_report as $entity; $body }
        { use verification as $entity; $body }
        { use project_file as $entity; $body }
        { use credit_share as $entity; $body }
        { use service_member as $entity; $body }
        { use request as $entity; $body }
        { use policy_item as $entity; $body }
        { use event as $entity; $body }
        { use event_participant as $entity; $body }
        { use event_project as $entity; $body }
        { use follow_up as $entity; $body }
        { use attachment as $entity; $body }
        { use approval_item as $entity; $body }
        { use project_filing as $entity; $body }
        { use commitment as $entity; $body }
        { use yearly_result as $entity; $body }
        { use efficacy_review as $entity; $body }
        { use visit_signal as $entity; $body }
        { use policy_condition as $entity; $body }
        { use policy_payment as $entity; $body }
        { use import as $entity; $body }
        { use import_change as $entity; $body }
        { use saved_view as $entity; $body }
        { use quota as $entity; $body }
        { use task_list as $entity; $body }
        { use task_item as $entity; $body }
        { use assessment_scheme as $entity; $body }
        { use assessment_run as $entity; $body }
        { use dispatch_note as $entity; $body }
        { use dispatch_report as $entity; $body }
        { use notification as $entity; $body }
        { use notify_channel as $entity; $body }
        { use delivery as $entity; $body }
        { use api_token as $entity; $body }
        { use webhook_subscription as $entity; $body }
        { use webhook_delivery as $entity; $body }
        { use audit_event as $entity; $body }
        { use audit_head as $entity; $body }
    }};
}

/// Table names in foreign-key order, children last.
const TABLES: [&str; 52] = [
    "settings", "units", "users", "password_history", "profile_versions", "clusters", "chains", "links",
    "enterprises", "contacts", "targets", "target_links", "projects", "stage_changes", "funds_reports",
    "verifications", "project_files", "credit_shares", "service_members", "requests", "policy_items", "events", "event_participants", "event_projects", "follow_ups", "attachments", "approval_items", "project_filings", "commitments", "yearly_results", "efficacy_reviews", "visit_signals", "policy_conditions", "policy_payments", "imports", "import_changes", "saved_views",
    "quotas", "task_lists", "task_items", "assessment_schemes", "assessment_runs", "dispatch_notes", "dispatch_reports",
    "notifications", "notify_channels", "deliveries", "api_tokens", "webhook_subscriptions", "webhook_deliveries",
    "audit_events", "audit_head",
];

impl Store {
    pub async fn backup_to(&self, path: &Path) -> Result<Counts> {
        let schema = self.schema_version().await?;
        let txn = match self.backend() {
            DbBackend::Postgres => self.db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly)).await?,
            _ => self.db.begin().await?,
        };
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp)?;
        let mut out = BufWriter::new(file);
        let header = Header { format: FORMAT.into(), schema, created_at: chrono::Utc::now() };
        writeln!(out, "{}", serde_json::to_string(&header).map_err(json_err)?)?;
        let mut counts = Vec::new();
        each_table!(e => {
            let table = <e::Entity as sea_orm::EntityName>::table_name(&e::Entity).to_string();
            let rows = e::Entity::find().count(&txn).await?;
            writeln!(out, "{}", serde_json::to_string(&TableHead { table: table.clone(), rows }).map_err(json_err)?)?;
            // One ordered read of the whole table, streamed: pages by LIMIT/OFFSET read every earlier
            // row again for each page, which made a province's backup take minutes.
            let mut ordered = e::Entity::find();
            for key in <e::Entity as EntityTrait>::PrimaryKey::iter() {
                ordered = ordered.order_by_asc(sea_orm::PrimaryKeyToColumn::into_column(key));
            }
            let mut rows_read = ordered.stream(&txn).await?;
            let mut written = 0u64;
            while let Some(row) = rows_read.try_next().await? {
                writeln!(out, "{}", serde_json::to_string(&row).map_err(json_err)?)?;
                written += 1;
            }
            if written != rows {
                return Err(StoreError::Conflict(format!("表 {table} 在备份中途变化（{rows} → {written}）")));
            }
            counts.push((table, rows));
        });
        txn.commit().await?;
        out.flush()?;
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, path)?;
        Ok(counts)
    }

    /// Whether the database holds any account or unit.
    pub async fn is_empty(&self) -> Result<bool> {
        Ok(unit::Entity::find().count(&self.db).await? == 0 && user::Entity::find().count(&self.db).await? == 0)
    }

    /// Restores a backup into this (migrated) database, in one transaction. Refuses a non-empty
    /// database unless `force`, in which case every table is emptied first.
    pub async fn restore_from(&self, path: &Path, force: bool) -> Result<Counts> {
        let file = std::fs::File::open(path)?;
        let mut lines = BufReader::new(file).lines();
        let header: Header = match lines.next() {
            Some(line) => serde_json::from_str(&line?).map_err(|_| StoreError::Invalid("这不是 zhaoshang 的备份文件".into()))?,
            None => return Err(StoreError::Invalid("备份文件是空的".into())),
        };
        if header.format != FORMAT {
            return Err(StoreError::Invalid(format!("备份文件格式「{}」无法识别", header.format)));
        }
        let schema = self.schema_version().await?;
        if header.schema != schema {
            return Err(StoreError::Invalid(format!(
                "备份的数据库结构（{} 个迁移）与当前程序（{} 个迁移）不同：请用生成备份的版本恢复，再升级",
                header.schema.len(),
                schema.len()
            )));
        }
        if !force && !self.is_empty().await? {
            return Err(StoreError::Invalid("目标数据库不是空的；确认要覆盖请加 --force".into()));
        }
        let backend = self.backend();
        let txn = self.db.begin().await?;
        crate::write_as_no_one(&txn).await?;
        txn.execute_unprepared("DELETE FROM sessions").await?;
        txn.execute_unprepared("DELETE FROM idempotency_keys").await?;
        for table in TABLES.iter().rev() {
            // Self-references first, so rows can go in any order.
            let unlink = SELF_REFERENCES.iter().find(|(t, _)| t == table).map(|(t, column)| format!("UPDATE {t} SET {column} = NULL"));
            if let Some(sql) = unlink {
                txn.execute_unprepared(&sql).await?;
            }
            txn.execute_unprepared(&format!("DELETE FROM {table}")).await?;
        }
        let mut counts = Vec::new();
        each_table!(e => {
            let table = <e::Entity as sea_orm::EntityName>::table_name(&e::Entity).to_string();
            let head: TableHead = match lines.next() {
                Some(line) => serde_json::from_str(&line?).map_err(|_| StoreError::Invalid(format!("备份文件在表 {table} 处损坏")))?,
                None => return Err(StoreError::Invalid(format!("备份文件不完整：缺少表 {table}"))),
            };
            if head.table != table {
                return Err(StoreError::Invalid(format!("备份文件顺序不符：应为表 {table}，实为 {}", head.table)));
            }
            let mut batch = Vec::new();
            let self_ref = SELF_REFERENCES.iter().find(|(t, _)| *t == table).map(|(_, c)| *c);
            let mut deferred: Vec<(i64, i64)> = Vec::new();
            for n in 0..head.rows {
                let line = lines.next().ok_or_else(|| StoreError::Invalid(format!("备份文件不完整：表 {table} 只有 {n} 行")))??;
                let broken = |err: serde_json::Error| StoreError::Invalid(format!("备份文件表 {table} 第 {} 行损坏：{err}", n + 1));
                let mut value: serde_json::Value = serde_json::from_str(&line).map_err(broken)?;
                // A row may point at a later row of its own table: set the link after all are in.
                if let Some(column) = self_ref {
                    let id = value.get("id").and_then(serde_json::Value::as_i64);
                    if let (Some(id), Some(target)) = (id, value.get_mut(column)) {
                        if let Some(to) = target.as_i64() {
                            deferred.push((id, to));
                            *target = serde_json::Value::Null;
                        }
                    }
                }
                let row: e::Model = serde_json::from_value(value).map_err(broken)?;
                batch.push(row.into_active_model());
                if batch.len() == 200 {
                    e::Entity::insert_many(std::mem::take(&mut batch)).exec(&txn).await?;
                }
            }
            if !batch.is_empty() {
                e::Entity::insert_many(batch).exec(&txn).await?;
            }
            if let Some(column) = self_ref {
                for (id, to) in deferred {
                    txn.execute_unprepared(&format!("UPDATE {table} SET {column} = {to} WHERE id = {id}")).await?;
                }
            }
            counts.push((table, head.rows));
        });
        if backend == DbBackend::Postgres {
            for table in TABLES {
                if matches!(table, "settings" | "audit_head" | "target_links" | "credit_shares") {
                    continue;
                }
                txn.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ))
                .await?;
            }
        }
        txn.commit().await?;
        self.forget_kept();
        // Freshly filled tables have no planner statistics yet (see `Store::optimize`).
        self.db.execute_unprepared("ANALYZE").await?;
        Ok(counts)
    }
}

fn json_err(e: serde_json::Error) -> StoreError {
    StoreError::Io(std::io::Error::other(e))
}
