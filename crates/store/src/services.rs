//! Serving investors: service teams (专班) per project and per investor, the investors' requests
//! (诉求) with owner unit, deadline and escalation, and policy packages (一事一议) with their
//! fair-competition review.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::project::{Escalation, RequestCategory, RequestStatus, Review, TeamRole};

use crate::audit::{self, Event};
use crate::entities::{enterprise, policy_item, project, request, service_member, user};
use crate::units::active_unit;
use crate::{Result, Store, StoreError, Who};

/// A service team member as a page shows them.
#[derive(Debug, Clone, Serialize)]
pub struct Member {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub unit_name: String,
    pub phone: String,
    pub role: TeamRole,
}

/// A project a team member serves, with what is open on it.
#[derive(Debug, Clone, Serialize)]
pub struct Served {
    pub project: project::Model,
    pub open_requests: usize,
    pub next_deadline: Option<NaiveDate>,
    pub overdue: bool,
}

#[derive(Debug, Clone)]
pub struct NewRequest {
    pub project_id: Option<i64>,
    pub enterprise_id: i64,
    pub category: RequestCategory,
    pub text: String,
    pub owner_unit_id: i64,
    pub deadline: NaiveDate,
}

#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    pub unit_id: Option<i64>,
    pub status: Option<RequestStatus>,
    pub overdue: bool,
    pub escalation: Option<Escalation>,
    pub project_id: Option<i64>,
    /// One request only.
    pub id: Option<i64>,
    /// Rows skipped before the page (in deadline order).
    pub offset: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRow {
    pub request: request::Model,
    pub enterprise: String,
    /// The request's project is confidential: the investor shows only to its units and the bureau.
    pub confidential: bool,
    /// The project's landing and source units (who may see a confidential investor).
    pub project_units: Vec<i64>,
    pub project_code: String,
    pub owner_unit: String,
    pub raised_by_unit: String,
    pub overdue_days: Option<i64>,
}

/// Who may see a request: the unit that raised it, the unit that owns it, and the bureau.
pub fn visible(visibility: Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => Condition::any().add(request::Column::OwnerUnitId.eq(u)).add(request::Column::RaisedByUnitId.eq(u)),
    }
}

impl Store {
    /// The team of a project (`project_id`) or of an investor (`enterprise_id`).
    pub async fn team(&self, project_id: Option<i64>, enterprise_id: Option<i64>) -> Result<Vec<Member>> {
        let mut query = service_member::Entity::find();
        query = match (project_id, enterprise_id) {
            (Some(p), _) => query.filter(service_member::Column::ProjectId.eq(p)),
            (None, Some(e)) => query.filter(service_member::Column::EnterpriseId.eq(e)).filter(service_member::Column::ProjectId.is_null()),
            (None, None) => return Ok(Vec::new()),
        };
        let rows = query.order_by_asc(service_member::Column::Id).all(&self.db).await?;
        Ok(self.members(rows).await?.into_iter().map(|(_, m)| m).collect())
    }

    /// A project's team and its investor's, as [`Store::team`] gives each, read together.
    pub async fn teams(&self, project_id: i64, enterprise_id: i64) -> Result<(Vec<Member>, Vec<Member>)> {
        let rows = service_member::Entity::find()
            .filter(
                Condition::any()
                    .add(service_member::Column::ProjectId.eq(project_id))
                    .add(Condition::all().add(service_member::Column::EnterpriseId.eq(enterprise_id)).add(service_member::Column::ProjectId.is_null())),
            )
            .order_by_asc(service_member::Column::Id)
            .all(&self.db)
            .await?;
        let (project, investor): (Vec<_>, Vec<_>) = self.members(rows).await?.into_iter().partition(|(m, _)| m.project_id == Some(project_id));
        Ok((project.into_iter().map(|(_, m)| m).collect(), investor.into_iter().map(|(_, m)| m).collect()))
    }

    /// Team rows with their people (a row whose account is gone is left out), in the rows' order.
    async fn members(&self, rows: Vec<service_member::Model>) -> Result<Vec<(service_member::Model, Member)>> {
        let ids: Vec<i64> = rows.iter().map(|m| m.user_id).collect();
        let users: HashMap<i64, user::Model> = user::Entity::find().filter(user::Column::Id.is_in(ids)).all(&self.db).await?.into_iter().map(|u| (u.id, u)).collect();
        let units = self.unit_names().await?;
        Ok(rows
            .into_iter()
            .filter_map(|m| {
                let u = users.get(&m.user_id)?;
                let member = Member {
                    id: m.id,
                    user_id: u.id,
                    name: u.display_name.clone(),
                    unit_name: units.get(&u.unit_id).cloned().unwrap_or_default(),
                    phone: u.phone.clone(),
                    role: TeamRole::parse(&m.role).unwrap_or(TeamRole::Member),
                };
                Some((m, member))
            })
            .collect())
    }

    /// Adds a member to a project's or an investor's team. Members may come from any unit (the
    /// land bureau for a land request, say); each person once per team.
    pub async fn add_member(&self, who: &Who, project_id: Option<i64>, enterprise_id: Option<i64>, user_id: i64, role: TeamRole) -> Result<()> {
        let txn = self.begin_write().await?;
        let u = user::Entity::find_by_id(user_id).one(&txn).await?.filter(|u| u.active).ok_or_else(|| StoreError::Invalid("所选人员不存在或已停用".into()))?;
        let mut existing = service_member::Entity::find().filter(service_member::Column::UserId.eq(user_id));
        let subject = match (project_id, enterprise_id) {
            (Some(p), _) => {
                existing = existing.filter(service_member::Column::ProjectId.eq(p));
                let p = project::Entity::find_by_id(p).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
                format!("项目 {}", p.code)
            }
            (None, Some(e)) => {
                existing = existing.filter(service_member::Column::EnterpriseId.eq(e)).filter(service_member::Column::ProjectId.is_null());
                let e = enterprise::Entity::find_by_id(e).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这家企业".into()))?;
                format!("客商「{}」", e.name)
            }
            (None, None) => return Err(StoreError::Invalid("请指明专班服务的项目或客商".into())),
        };
        if existing.one(&txn).await?.is_some() {
            return Err(StoreError::Invalid(format!("{} 已在专班中", u.display_name)));
        }
        let row = service_member::ActiveModel {
            project_id: Set(project_id),
            enterprise_id: Set(if project_id.is_some() { None } else { enterprise_id }),
            user_id: Set(user_id),
            role: Set(role.code().into()),
            added_by_unit_id: Set(who.unit_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "service_member", row.id).detail(format!("{subject} 专班加入 {}（{}）", u.display_name, role.label()))).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn service_member(&self, id: i64) -> Result<service_member::Model> {
        service_member::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这位专班成员".into()))
    }

    pub async fn remove_member(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let m = service_member::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这位专班成员".into()))?;
        service_member::Entity::delete_by_id(id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "service_member", id).change(Some(&m), None)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Whether a unit courts or hosts an investor (a target or a project of it).
    pub async fn unit_serves(&self, unit_id: i64, enterprise_id: i64) -> Result<bool> {
        if self.target_for(enterprise_id, unit_id).await?.is_some() {
            return Ok(true);
        }
        let projects = project::Entity::find()
            .filter(project::Column::EnterpriseId.eq(enterprise_id))
            .filter(Condition::any().add(project::Column::LandingUnitId.eq(unit_id)).add(project::Column::SourceUnitId.eq(unit_id)))
            .count(&self.db)
            .await?;
        Ok(projects > 0)
    }

    /// The projects whose team a user is on, with their open requests and the nearest deadline
    /// (the team member's home list).
    pub async fn served_projects(&self, user_id: i64) -> Result<Vec<Served>> {
        let ids: Vec<i64> = service_member::Entity::find()
            .select_only()
            .column(service_member::Column::ProjectId)
            .filter(service_member::Column::UserId.eq(user_id))
            .filter(service_member::Column::ProjectId.is_not_null())
            .limit(50)
            .into_tuple::<Option<i64>>()
            .all(&self.db)
            .await?
            .into_iter()
            .flatten()
            .collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let projects = project::Entity::find().filter(project::Column::Id.is_in(ids.clone())).order_by_desc(project::Column::UpdatedAt).all(&self.db).await?;
        let open = request::Entity::find().filter(request::Column::ProjectId.is_in(ids)).filter(request::Column::Status.ne(RequestStatus::Resolved.code())).all(&self.db).await?;
        let today = Utc::now().date_naive();
        Ok(projects
            .into_iter()
            .map(|p| {
                let mine: Vec<&request::Model> = open.iter().filter(|r| r.project_id == Some(p.id)).collect();
                Served {
                    open_requests: mine.len(),
                    next_deadline: mine.iter().map(|r| r.deadline).min(),
                    overdue: mine.iter().any(|r| r.deadline < today),
                    project: p,
                }
            })
            .collect())
    }

    pub async fn create_request(&self, who: &Who, raised_by_unit_id: i64, new: &NewRequest) -> Result<request::Model> {
        let text = new.text.trim();
        if text.is_empty() || text.chars().count() > 2000 {
            return Err(StoreError::Invalid("请写明诉求内容（最长 2000 字）".into()));
        }
        let today = Utc::now().date_naive();
        if new.deadline < today {
            return Err(StoreError::Invalid("办理期限不能早于今天".into()));
        }
        let txn = self.begin_write().await?;
        let ent = enterprise::Entity::find_by_id(new.enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选企业不存在".into()))?;
        if let Some(p) = new.project_id {
            let p = project::Entity::find_by_id(p).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选项目不存在".into()))?;
            if p.enterprise_id != ent.id {
                return Err(StoreError::Invalid("诉求的企业与项目的投资方不一致".into()));
            }
        }
        active_unit(&txn, new.owner_unit_id, "责任单位").await?;
        let now = Utc::now();
        let row = request::ActiveModel {
            project_id: Set(new.project_id),
            enterprise_id: Set(ent.id),
            category: Set(new.category.code().into()),
            text: Set(text.to_string()),
            owner_unit_id: Set(new.owner_unit_id),
            raised_by_unit_id: Set(raised_by_unit_id),
            deadline: Set(new.deadline),
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
        if let Some(p) = new.project_id {
            crate::projects::after_request(&txn, p).await?;
        }
        audit::append(&txn, who, Event::new("create", "request", row.id).change(None, Some(&row)).detail(format!("「{}」的{}诉求", ent.name, new.category.label()))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn request(&self, id: i64) -> Result<request::Model> {
        request::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条诉求".into()))
    }

    /// Updates a request's status and resolution (optimistic locking). Resolving needs a resolution.
    pub async fn update_request(&self, who: &Who, id: i64, version: i32, status: RequestStatus, resolution: &str) -> Result<request::Model> {
        if status == RequestStatus::Resolved && resolution.trim().is_empty() {
            return Err(StoreError::Invalid("办结诉求请写明办理结果".into()));
        }
        let txn = self.begin_write().await?;
        let before = request::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条诉求".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这条诉求在您打开之后已被他人更新（现在是第 {} 版），请刷新后再改", before.version)));
        }
        let mut row = before.clone().into_active_model();
        row.status = Set(status.code().into());
        row.resolution = Set(resolution.trim().to_string());
        row.resolved_on = Set((status == RequestStatus::Resolved).then(|| Utc::now().date_naive()));
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        if let Some(p) = after.project_id {
            crate::projects::after_request(&txn, p).await?;
        }
        audit::append(&txn, who, Event::new("update", "request", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Sends a request one level up (县级 → 市级 → 联席会议), with the reason.
    pub async fn escalate_request(&self, who: &Who, id: i64, version: i32, reason: &str) -> Result<request::Model> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid("上报时请写明需要协调解决的问题".into()));
        }
        let txn = self.begin_write().await?;
        let before = request::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条诉求".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这条诉求在您打开之后已被他人更新（现在是第 {} 版），请刷新后再上报", before.version)));
        }
        if before.status == RequestStatus::Resolved.code() {
            return Err(StoreError::Invalid("诉求已办结，无需上报".into()));
        }
        let level = domain::project::escalate(Escalation::parse(&before.escalation).unwrap_or(Escalation::County)).map_err(StoreError::Invalid)?;
        let mut row = before.clone().into_active_model();
        row.escalation = Set(level.code().into());
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        if let Some(p) = after.project_id {
            crate::projects::after_request(&txn, p).await?;
        }
        audit::append(&txn, who, Event::new("escalate", "request", id).change(Some(&before), Some(&after)).detail(format!("上报{}：{}", level.label(), reason.trim()))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// How many requests [`Store::list_requests`] would list, without reading them.
    pub async fn count_requests(&self, visibility: Visibility, f: &RequestFilter) -> Result<u64> {
        Ok(request_query(visibility, f).count(&self.db).await?)
    }

    pub async fn list_requests(&self, visibility: Visibility, f: &RequestFilter, limit: u64) -> Result<(Vec<RequestRow>, u64)> {
        let today = Utc::now().date_naive();
        let query = request_query(visibility, f);
        let total = query.clone().count(&self.db).await?;
        let rows = query.order_by_asc(request::Column::Deadline).order_by_asc(request::Column::Id).offset(f.offset).limit(limit).all(&self.db).await?;
        let ent_ids: Vec<i64> = rows.iter().map(|r| r.enterprise_id).collect();
        let names: HashMap<i64, String> = enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(ent_ids)).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
        let project_ids: Vec<i64> = rows.iter().filter_map(|r| r.project_id).collect();
        let projects: HashMap<i64, (String, bool, i64, i64)> = project::Entity::find()
            .select_only()
            .columns([project::Column::Id, project::Column::Code, project::Column::Confidential, project::Column::LandingUnitId, project::Column::SourceUnitId])
            .filter(project::Column::Id.is_in(project_ids))
            .into_tuple::<(i64, String, bool, i64, i64)>()
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(id, code, confidential, landing, source)| (id, (code, confidential, landing, source)))
            .collect();
        let units = self.unit_names().await?;
        let rows = rows
            .into_iter()
            .map(|r| {
                let enterprise = names.get(&r.enterprise_id).cloned().unwrap_or_default();
                let project = r.project_id.and_then(|p| projects.get(&p)).map(|(code, confidential, landing, source)| (code.as_str(), *confidential, [*landing, *source]));
                request_row(r, enterprise, project, &units, today)
            })
            .collect();
        Ok((rows, total))
    }

    /// A project's requests as [`Store::list_requests`] lists them (by deadline, at most `limit`),
    /// from the project's requests already read ([`Store::project_history`]): the project and its
    /// investor are known, so only an investor other than the project's is looked up.
    pub async fn project_request_rows(&self, p: &project::Model, investor: &str, mut requests: Vec<request::Model>, limit: usize) -> Result<Vec<RequestRow>> {
        let today = Utc::now().date_naive();
        requests.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.id.cmp(&b.id)));
        requests.truncate(limit);
        let others: Vec<i64> = requests.iter().map(|r| r.enterprise_id).filter(|e| *e != p.enterprise_id).collect();
        let mut names: HashMap<i64, String> = if others.is_empty() {
            HashMap::new()
        } else {
            enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(others)).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect()
        };
        names.insert(p.enterprise_id, investor.to_string());
        let units = self.unit_names().await?;
        Ok(requests
            .into_iter()
            .map(|r| {
                let enterprise = names.get(&r.enterprise_id).cloned().unwrap_or_default();
                request_row(r, enterprise, Some((p.code.as_str(), p.confidential, [p.landing_unit_id, p.source_unit_id])), &units, today)
            })
            .collect())
    }

    pub async fn add_policy_item(&self, who: &Who, project_id: i64, title: &str, detail: &str, amount_wan: i64) -> Result<policy_item::Model> {
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            return Err(StoreError::Invalid("请写明政策事项（最长 100 字）".into()));
        }
        domain::money::check_amount(amount_wan, "金额").map_err(StoreError::Invalid)?;
        let txn = self.begin_write().await?;
        let p = project::Entity::find_by_id(project_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个项目".into()))?;
        let now = Utc::now();
        let row = policy_item::ActiveModel {
            project_id: Set(project_id),
            title: Set(title.to_string()),
            detail: Set(detail.trim().to_string()),
            amount_wan: Set(amount_wan),
            review: Set(Review::Pending.code().into()),
            review_note: Set(String::new()),
            reviewed_by: Set(None),
            created_by: Set(who.user_id),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "policy_item", row.id).change(None, Some(&row)).detail(format!("项目 {} 政策包", p.code))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn policy_item(&self, id: i64) -> Result<policy_item::Model> {
        policy_item::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这项政策".into()))
    }

    pub async fn policy_items(&self, project_id: i64) -> Result<Vec<policy_item::Model>> {
        Ok(policy_item::Entity::find().filter(policy_item::Column::ProjectId.eq(project_id)).order_by_asc(policy_item::Column::Id).all(&self.db).await?)
    }

    /// Records the fair-competition review of one incentive; a failed review needs a reason.
    pub async fn review_policy_item(&self, who: &Who, id: i64, review: Review, note: &str) -> Result<policy_item::Model> {
        if review == Review::Failed && note.trim().is_empty() {
            return Err(StoreError::Invalid("审查未通过时请写明原因".into()));
        }
        let txn = self.begin_write().await?;
        let before = policy_item::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项政策".into()))?;
        let mut row = before.clone().into_active_model();
        row.review = Set(review.code().into());
        row.review_note = Set(note.trim().to_string());
        row.reviewed_by = Set(who.user_id);
        row.updated_at = Set(Utc::now());
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("review", "policy_item", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }
}

/// A request as listed: its investor's name, and its project's code, confidentiality and units.
fn request_row(r: request::Model, enterprise: String, project: Option<(&str, bool, [i64; 2])>, units: &HashMap<i64, String>, today: NaiveDate) -> RequestRow {
    RequestRow {
        enterprise,
        project_code: project.map(|p| p.0.to_string()).unwrap_or_default(),
        confidential: project.is_some_and(|p| p.1),
        project_units: project.map(|p| p.2.to_vec()).unwrap_or_default(),
        owner_unit: units.get(&r.owner_unit_id).cloned().unwrap_or_default(),
        raised_by_unit: units.get(&r.raised_by_unit_id).cloned().unwrap_or_default(),
        overdue_days: domain::project::days_overdue(RequestStatus::parse(&r.status).unwrap_or(RequestStatus::Open), r.deadline, today),
        request: r,
    }
}

/// The requests a filter selects, unordered.
fn request_query(visibility: Visibility, f: &RequestFilter) -> sea_orm::Select<request::Entity> {
    let today = Utc::now().date_naive();
    let mut query = request::Entity::find().filter(visible(visibility));
    if let Some(u) = f.unit_id {
        query = query.filter(request::Column::OwnerUnitId.eq(u));
    }
    if let Some(s) = f.status {
        query = query.filter(request::Column::Status.eq(s.code()));
    }
    if f.overdue {
        query = query.filter(request::Column::Status.ne(RequestStatus::Resolved.code())).filter(request::Column::Deadline.lt(today));
    }
    if let Some(e) = f.escalation {
        query = query.filter(request::Column::Escalation.eq(e.code()));
    }
    if let Some(p) = f.project_id {
        query = query.filter(request::Column::ProjectId.eq(p));
    }
    if let Some(id) = f.id {
        query = query.filter(request::Column::Id.eq(id));
    }
    query
}
