//! Pre-construction approvals (前期手续): each project's checklist with owner, dates and document,
//! the code it is filed under, a request (诉求) raised in one step for a blocked item, and the
//! board of signed projects that shows which item holds each one up and who owns it.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::approvals::{self as rules, ApprovalKind, ApprovalStatus, FilingKind, ItemFacts, ProjectCode};
use domain::project::{Escalation, RequestCategory, RequestStatus, Stage, State};

use crate::audit::{self, Event};
use crate::entities::{approval_item, enterprise, project, project_filing, request, unit};
use crate::units::active_unit;
use crate::{Result, Store, StoreError, Who, settings};

/// Setting: names of items every new checklist gets besides the standard ones, one per line.
pub const EXTRA_ITEMS: &str = "approvals_extra_items";

/// An item as a page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalRow {
    pub item: approval_item::Model,
    pub owner_unit: String,
    /// The request raised for it: (id, status, deadline).
    pub request: Option<(i64, String, NaiveDate)>,
    pub overdue_days: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct ApprovalInput {
    pub status: ApprovalStatus,
    pub started_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    pub owner_unit_id: Option<i64>,
    pub document: String,
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct FilingInput {
    pub national_code: Option<ProjectCode>,
    pub filing_kind: Option<FilingKind>,
    pub authority: String,
    pub approved_on: Option<NaiveDate>,
}

/// One signed project on the approvals board.
#[derive(Debug, Clone, Serialize)]
pub struct BoardRow {
    pub project: project::Model,
    pub investor: String,
    pub landing_unit: String,
    pub progress: rules::Progress,
    /// The unit that owns the holding item.
    pub holding_owner: String,
    pub national_code: String,
}

pub(crate) fn facts(items: &[approval_item::Model], units: &HashMap<i64, String>) -> Vec<ItemFacts> {
    items
        .iter()
        .map(|i| ItemFacts {
            name: i.name.clone(),
            status: ApprovalStatus::parse(&i.status).unwrap_or(ApprovalStatus::NotStarted),
            due_on: i.due_on,
            done_on: i.done_on,
            owner: i.owner_unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
        })
        .collect()
}

fn category_for(kind: ApprovalKind) -> RequestCategory {
    match kind {
        ApprovalKind::LandPreliminary | ApprovalKind::LandSupply => RequestCategory::Land,
        ApprovalKind::Planning => RequestCategory::Planning,
        ApprovalKind::Environment => RequestCategory::Environment,
        ApprovalKind::Energy => RequestCategory::Energy,
        _ => RequestCategory::Approval,
    }
}

async fn unit_names(conn: &impl ConnectionTrait) -> Result<HashMap<i64, String>> {
    Ok(unit::Entity::find().all(conn).await?.into_iter().map(|u| (u.id, u.name)).collect())
}

impl Store {
    pub async fn approval_item(&self, id: i64) -> Result<approval_item::Model> {
        approval_item::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这项手续".into()))
    }

    /// A project's checklist in order, with owners and the requests raised for blocked items.
    pub async fn approval_items(&self, project_id: i64) -> Result<Vec<ApprovalRow>> {
        let items = approval_item::Entity::find()
            .filter(approval_item::Column::ProjectId.eq(project_id))
            .order_by_asc(approval_item::Column::Position)
            .order_by_asc(approval_item::Column::Id)
            .all(&self.db)
            .await?;
        let units = unit_names(&self.db).await?;
        let request_ids: Vec<i64> = items.iter().filter_map(|i| i.request_id).collect();
        let requests: HashMap<i64, request::Model> = request::Entity::find().filter(request::Column::Id.is_in(request_ids)).all(&self.db).await?.into_iter().map(|r| (r.id, r)).collect();
        let today = Utc::now().date_naive();
        Ok(items
            .into_iter()
            .map(|i| {
                let settled = ApprovalStatus::parse(&i.status).is_some_and(ApprovalStatus::settled);
                ApprovalRow {
                    owner_unit: i.owner_unit_id.and_then(|u| units.get(&u).cloned()).unwrap_or_default(),
                    request: i.request_id.and_then(|r| requests.get(&r)).map(|r| (r.id, r.status.clone(), r.deadline)),
                    overdue_days: i.due_on.filter(|d| !settled && *d < today).map(|d| (today - d).num_days()),
                    item: i,
                }
            })
            .collect())
    }

    /// Names every new checklist gets besides the standard items (a setting of the bureau).
    pub async fn extra_approval_items(&self) -> Result<Vec<String>> {
        Ok(settings::get(&self.db, EXTRA_ITEMS).await?.unwrap_or_default().lines().map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect())
    }

    pub async fn set_extra_approval_items(&self, who: &Who, names: &[String]) -> Result<()> {
        let names: Vec<String> = names.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).collect();
        if let Some(long) = names.iter().find(|n| n.chars().count() > 50) {
            return Err(StoreError::Invalid(format!("手续名称「{long}」过长（最长 50 字）")));
        }
        let txn = self.begin_write().await?;
        let before = settings::get(&txn, EXTRA_ITEMS).await?.unwrap_or_default();
        settings::set(&txn, EXTRA_ITEMS, &names.join("\n")).await?;
        audit::append(&txn, who, Event::new("update", "approval_settings", "").change(Some(&before), Some(&names.join("\n")))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Adds the standard items (and the bureau's extra ones) a project does not have yet.
    /// Returns how many were added.
    pub async fn create_checklist(&self, who: &Who, project_id: i64) -> Result<usize> {
        let extra = self.extra_approval_items().await?;
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let existing = approval_item::Entity::find().filter(approval_item::Column::ProjectId.eq(project_id)).all(&txn).await?;
        let mut position = existing.iter().map(|i| i.position).max().unwrap_or(0);
        let wanted = ApprovalKind::standard().into_iter().map(|k| (k, k.label().to_string())).chain(extra.into_iter().map(|n| (ApprovalKind::Other, n)));
        let mut added = 0;
        let now = Utc::now();
        for (kind, name) in wanted {
            if existing.iter().any(|i| i.name == name) {
                continue;
            }
            position += 1;
            approval_item::ActiveModel {
                project_id: Set(project_id),
                kind: Set(kind.code().into()),
                name: Set(name),
                status: Set(ApprovalStatus::NotStarted.code().into()),
                started_on: Set(None),
                due_on: Set(None),
                done_on: Set(None),
                owner_unit_id: Set(None),
                document: Set(String::new()),
                note: Set(String::new()),
                request_id: Set(None),
                position: Set(position),
                created_by: Set(who.user_id),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            added += 1;
        }
        if added > 0 {
            audit::append(&txn, who, Event::new("create", "approval_checklist", project_id).detail(format!("项目 {} 建立前期手续清单（{added} 项）", p.code))).await?;
        }
        txn.commit().await?;
        Ok(added)
    }

    /// Adds an item of the bureau's or the project's own (其他).
    pub async fn add_approval_item(&self, who: &Who, project_id: i64, name: &str) -> Result<approval_item::Model> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            return Err(StoreError::Invalid("请填写手续名称（最长 50 字）".into()));
        }
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let existing = approval_item::Entity::find().filter(approval_item::Column::ProjectId.eq(project_id)).all(&txn).await?;
        if existing.iter().any(|i| i.name == name) {
            return Err(StoreError::Invalid(format!("清单中已有「{name}」")));
        }
        let kind = ApprovalKind::ALL.iter().copied().find(|k| k.label() == name).unwrap_or(ApprovalKind::Other);
        let now = Utc::now();
        let row = approval_item::ActiveModel {
            project_id: Set(project_id),
            kind: Set(kind.code().into()),
            name: Set(name.to_string()),
            status: Set(ApprovalStatus::NotStarted.code().into()),
            started_on: Set(None),
            due_on: Set(None),
            done_on: Set(None),
            owner_unit_id: Set(None),
            document: Set(String::new()),
            note: Set(String::new()),
            request_id: Set(None),
            position: Set(existing.iter().map(|i| i.position).max().unwrap_or(0) + 1),
            created_by: Set(who.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "approval_item", row.id).change(None, Some(&row)).detail(format!("项目 {} 前期手续「{name}」", p.code))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Updates one item (optimistic locking): status, dates, owner department, document.
    pub async fn update_approval_item(&self, who: &Who, id: i64, version: i32, input: &ApprovalInput) -> Result<approval_item::Model> {
        let today = Utc::now().date_naive();
        rules::check_item(input.status, input.done_on, &input.document, input.started_on, today).map_err(StoreError::Invalid)?;
        if input.document.chars().count() > 200 || input.note.chars().count() > 2000 {
            return Err(StoreError::Invalid("文号最长 200 字，备注最长 2000 字".into()));
        }
        let txn = self.begin_write().await?;
        let before = approval_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项手续".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("「{}」在您打开之后已被他人更新（现在是第 {} 版），请刷新后再改", before.name, before.version)));
        }
        if let Some(u) = input.owner_unit_id {
            active_unit(&txn, u, "责任单位").await?;
        }
        let mut row = before.clone().into_active_model();
        row.status = Set(input.status.code().into());
        row.started_on = Set(input.started_on);
        row.due_on = Set(input.due_on);
        row.done_on = Set(input.done_on);
        row.owner_unit_id = Set(input.owner_unit_id);
        row.document = Set(input.document.trim().to_string());
        row.note = Set(input.note.trim().to_string());
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        crate::projects::after_request(&txn, after.project_id).await?;
        audit::append(&txn, who, Event::new("update", "approval_item", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Raises a request (诉求) for a blocked item in one step: the item's department owns it (or
    /// the unit given), the item links to it and is marked 办理中 if it had not started.
    pub async fn raise_approval_request(&self, who: &Who, raised_by_unit_id: i64, id: i64, text: &str, owner_unit_id: Option<i64>, deadline: NaiveDate) -> Result<request::Model> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            return Err(StoreError::Invalid("请写明卡在哪里、需要协调什么（最长 2000 字）".into()));
        }
        let today = Utc::now().date_naive();
        if deadline < today {
            return Err(StoreError::Invalid("办理期限不能早于今天".into()));
        }
        let txn = self.begin_write().await?;
        let item = approval_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项手续".into()))?;
        if ApprovalStatus::parse(&item.status).is_some_and(ApprovalStatus::settled) {
            return Err(StoreError::Invalid(format!("「{}」{}，无需提诉求", item.name, ApprovalStatus::parse(&item.status).map_or("", |s| s.label()))));
        }
        if let Some(r) = item.request_id {
            let open = request::Entity::find_by_id(r).one(&txn).await?.filter(|r| r.status != RequestStatus::Resolved.code());
            if let Some(r) = open {
                return Err(StoreError::Invalid(format!("「{}」已有未办结的诉求 #{}，请在诉求中跟进或上报", item.name, r.id)));
            }
        }
        let owner = owner_unit_id.or(item.owner_unit_id).ok_or_else(|| StoreError::Invalid("请选择负责协调的单位（或先为这项手续指定责任单位）".into()))?;
        active_unit(&txn, owner, "责任单位").await?;
        let p = project::Entity::find_by_id(item.project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let kind = ApprovalKind::parse(&item.kind).unwrap_or(ApprovalKind::Other);
        let now = Utc::now();
        let req = request::ActiveModel {
            project_id: Set(Some(p.id)),
            enterprise_id: Set(p.enterprise_id),
            category: Set(category_for(kind).code().into()),
            text: Set(format!("【前期手续·{}】{text}", item.name)),
            owner_unit_id: Set(owner),
            raised_by_unit_id: Set(raised_by_unit_id),
            deadline: Set(deadline),
            status: Set(RequestStatus::Open.code().into()),
            resolution: Set(String::new()),
            escalation: Set(Escalation::County.code().into()),
            resolved_on: Set(None),
            created_by: Set(who.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut row = item.clone().into_active_model();
        row.request_id = Set(Some(req.id));
        if item.status == ApprovalStatus::NotStarted.code() {
            row.status = Set(ApprovalStatus::InProgress.code().into());
        }
        row.updated_at = Set(now);
        row.version = Set(item.version + 1);
        let after = row.update(&txn).await?;
        crate::projects::after_request(&txn, p.id).await?;
        audit::append(&txn, who, Event::new("create", "request", req.id).change(None, Some(&req)).detail(format!("项目 {} 前期手续「{}」受阻，提出诉求", p.code, item.name))).await?;
        audit::append(&txn, who, Event::new("update", "approval_item", id).change(Some(&item), Some(&after))).await?;
        txn.commit().await?;
        Ok(req)
    }

    pub async fn filing(&self, project_id: i64) -> Result<Option<project_filing::Model>> {
        Ok(project_filing::Entity::find().filter(project_filing::Column::ProjectId.eq(project_id)).one(&self.db).await?)
    }

    /// Saves how a project is filed. A national code belongs to one project only.
    pub async fn save_filing(&self, who: &Who, project_id: i64, version: Option<i32>, input: &FilingInput) -> Result<project_filing::Model> {
        if input.authority.chars().count() > 100 {
            return Err(StoreError::Invalid("审批（核准、备案）机关最长 100 字".into()));
        }
        if input.approved_on.is_some_and(|d| d > Utc::now().date_naive()) {
            return Err(StoreError::Invalid("审批（核准、备案）日期不能晚于今天".into()));
        }
        let code = input.national_code.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default();
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        if !code.is_empty() {
            let other = project_filing::Entity::find().filter(project_filing::Column::NationalCode.eq(&code)).filter(project_filing::Column::ProjectId.ne(project_id)).one(&txn).await?;
            if let Some(o) = other {
                let op = project::Entity::find_by_id(o.project_id).one(&txn).await?.map(|p| p.code).unwrap_or_default();
                return Err(StoreError::Invalid(format!("项目代码 {code} 已用于项目 {op}，一个项目代码只对应一个项目")));
            }
        }
        let before = project_filing::Entity::find().filter(project_filing::Column::ProjectId.eq(project_id)).one(&txn).await?;
        let now = Utc::now();
        let after = match before.clone() {
            Some(b) => {
                if version.is_some_and(|v| v != b.version) {
                    return Err(StoreError::Conflict(format!("立项信息在您打开之后已被他人更新（现在是第 {} 版），请刷新后再改", b.version)));
                }
                let mut row = b.clone().into_active_model();
                row.national_code = Set(code);
                row.filing_kind = Set(input.filing_kind.map(|k| k.code().to_string()).unwrap_or_default());
                row.authority = Set(input.authority.trim().to_string());
                row.approved_on = Set(input.approved_on);
                row.updated_by = Set(who.user_id);
                row.updated_at = Set(now);
                row.version = Set(b.version + 1);
                row.update(&txn).await?
            }
            None => {
                project_filing::ActiveModel {
                    project_id: Set(project_id),
                    national_code: Set(code),
                    filing_kind: Set(input.filing_kind.map(|k| k.code().to_string()).unwrap_or_default()),
                    authority: Set(input.authority.trim().to_string()),
                    approved_on: Set(input.approved_on),
                    updated_by: Set(who.user_id),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                    ..Default::default()
                }
                .insert(&txn)
                .await?
            }
        };
        audit::append(&txn, who, Event::new(if before.is_some() { "update" } else { "create" }, "project_filing", after.id).change(before.as_ref(), Some(&after)).detail(format!("项目 {} 立项信息", p.code))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Signed projects not yet started (and not dropped) that `visibility` may see, with what
    /// holds each up and who owns it; those held by an overdue item first.
    pub async fn approvals_board(&self, visibility: Visibility, unit_id: Option<i64>, limit: u64) -> Result<Vec<BoardRow>> {
        let mut query = project::Entity::find()
            .filter(project::Column::Stage.eq(Stage::Signed.code()))
            .filter(project::Column::State.ne(State::Dropped.code()))
            .filter(crate::projects::visible(self, visibility).await?);
        if let Some(u) = unit_id {
            query = query.filter(Condition::any().add(project::Column::LandingUnitId.eq(u)).add(project::Column::SourceUnitId.eq(u)));
        }
        let projects = query.order_by_asc(project::Column::SignedOn).order_by_asc(project::Column::Id).limit(limit).all(&self.db).await?;
        let ids: Vec<i64> = projects.iter().map(|p| p.id).collect();
        let items = approval_item::Entity::find().filter(approval_item::Column::ProjectId.is_in(ids.clone())).order_by_asc(approval_item::Column::Position).order_by_asc(approval_item::Column::Id).all(&self.db).await?;
        let filings: HashMap<i64, String> = project_filing::Entity::find().filter(project_filing::Column::ProjectId.is_in(ids)).all(&self.db).await?.into_iter().map(|f| (f.project_id, f.national_code)).collect();
        let units = unit_names(&self.db).await?;
        let ent_ids: Vec<i64> = projects.iter().map(|p| p.enterprise_id).collect();
        let investors: HashMap<i64, String> = enterprise::Entity::find().filter(enterprise::Column::Id.is_in(ent_ids)).all(&self.db).await?.into_iter().map(|e| (e.id, e.name)).collect();
        let today = Utc::now().date_naive();
        let mut rows: Vec<BoardRow> = projects
            .into_iter()
            .map(|p| {
                let mine: Vec<approval_item::Model> = items.iter().filter(|i| i.project_id == p.id).cloned().collect();
                let facts = facts(&mine, &units);
                let progress = rules::progress(&facts, today);
                let holding_owner = progress.holding_index.and_then(|n| facts.get(n)).map(|f| f.owner.clone()).unwrap_or_default();
                BoardRow {
                    investor: investors.get(&p.enterprise_id).cloned().unwrap_or_default(),
                    landing_unit: units.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                    national_code: filings.get(&p.id).cloned().unwrap_or_default(),
                    holding_owner,
                    progress,
                    project: p,
                }
            })
            .collect();
        // Complete last; overdue holds first.
        rows.sort_by_key(|r| (r.progress.complete, !r.progress.holding.as_deref().is_some_and(|h| h.contains("已逾期"))));
        Ok(rows)
    }
}
