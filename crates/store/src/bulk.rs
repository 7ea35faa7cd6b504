//! Bulk loading of generated data: many rows per statement, one transaction per table, one audit
//! entry for the lot. Rows come with their ids; PostgreSQL's id sequences are moved past them.

use sea_orm::{ActiveModelTrait, ConnectionTrait, DbBackend, EntityTrait, IntoActiveModel, TransactionTrait};

use crate::audit::Event;
use crate::entities::{contact, enterprise, follow_up, funds_report, project, request, service_member, stage_change, target, target_link, verification};
use crate::{Result, Store, Who};

/// Rows per INSERT: below SQLite's and PostgreSQL's limits on bound parameters for every table here.
const BATCH: usize = 500;

async fn insert_all<M, A>(store: &Store, rows: Vec<M>) -> Result<usize>
where
    M: IntoActiveModel<A> + Send,
    A: ActiveModelTrait + Send,
{
    let count = rows.len();
    let txn = store.db.begin().await?;
    crate::write_as_no_one(&txn).await?;
    let mut batch = Vec::with_capacity(BATCH);
    for row in rows {
        batch.push(row.into_active_model());
        if batch.len() == BATCH {
            A::Entity::insert_many(std::mem::take(&mut batch)).exec_without_returning(&txn).await?;
        }
    }
    if !batch.is_empty() {
        A::Entity::insert_many(batch).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(count)
}

/// Generated data, in foreign-key order.
#[derive(Default)]
pub struct Generated {
    pub enterprises: Vec<enterprise::Model>,
    pub contacts: Vec<contact::Model>,
    pub targets: Vec<target::Model>,
    pub target_links: Vec<target_link::Model>,
    pub follow_ups: Vec<follow_up::Model>,
    pub projects: Vec<project::Model>,
    pub stage_changes: Vec<stage_change::Model>,
    pub funds_reports: Vec<funds_report::Model>,
    pub verifications: Vec<verification::Model>,
    pub requests: Vec<request::Model>,
    pub service_members: Vec<service_member::Model>,
}

impl Store {
    /// Inserts generated rows (ids included) and records one audit entry.
    pub async fn load_generated(&self, who: &Who, data: Generated) -> Result<String> {
        let summary = format!(
            "企业 {}、联系人 {}、目标企业 {}、对接记录 {}、项目 {}、到位资金 {}、诉求 {}",
            data.enterprises.len(),
            data.contacts.len(),
            data.targets.len(),
            data.follow_ups.len(),
            data.projects.len(),
            data.funds_reports.len(),
            data.requests.len()
        );
        insert_all(self, data.enterprises).await?;
        insert_all(self, data.contacts).await?;
        insert_all(self, data.targets).await?;
        insert_all(self, data.target_links).await?;
        insert_all(self, data.projects).await?;
        insert_all(self, data.stage_changes).await?;
        insert_all(self, data.funds_reports).await?;
        insert_all(self, data.verifications).await?;
        insert_all(self, data.requests).await?;
        insert_all(self, data.service_members).await?;
        insert_all(self, data.follow_ups).await?;
        if self.backend() == DbBackend::Postgres {
            for table in ["enterprises", "contacts", "targets", "follow_ups", "projects", "stage_changes", "funds_reports", "verifications", "requests", "service_members"] {
                self.db
                    .execute_unprepared(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))
                    .await?;
            }
        }
        // Eligibility and health follow from the loaded facts and the rules in force.
        self.refresh_projects(chrono::Utc::now().date_naive()).await?;
        self.audit(who, Event::new("create", "generated", "").detail(format!("生成数据：{summary}"))).await?;
        Ok(summary)
    }
}
