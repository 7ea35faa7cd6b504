//! The target library (目标企业库): lists filtered by chain, link, unit, status, priority, tag,
//! region and days since contact, always within what the viewer may see; create and change
//! targets with optimistic locking; who else courts a company.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query as SqlQuery};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, IntoActiveModel, JoinType, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;

use domain::access::Visibility;
use domain::target::{Engagement, Priority};

use crate::audit::{self, Event};
use crate::entities::{chain, enterprise, link, target, target_link, unit, user};
use crate::units::active_unit;
use crate::{Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetFilter {
    pub q: String,
    pub unit_id: Option<i64>,
    pub chain_id: Option<i64>,
    pub link_id: Option<i64>,
    pub status: Option<Engagement>,
    pub priority: Option<Priority>,
    pub tag: String,
    /// A province or city prefix of the GB/T 2260 code (e.g. 44 for 广东, 4403 for 深圳).
    pub region: String,
    /// Only targets not contacted for at least this many days (never contacted included).
    pub stale_days: Option<i64>,
    pub owner_user_id: Option<i64>,
    pub sort: TargetSort,
    pub page: u64,
    pub per_page: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TargetSort {
    #[default]
    Recent,
    Name,
    Priority,
    LastContact,
}

impl TargetSort {
    pub const ALL: [(TargetSort, &'static str, &'static str); 4] = [
        (TargetSort::Recent, "recent", "最近更新"),
        (TargetSort::Name, "name", "企业名称"),
        (TargetSort::Priority, "priority", "优先级"),
        (TargetSort::LastContact, "contact", "最久未联系"),
    ];

    pub fn parse(code: &str) -> TargetSort {
        Self::ALL.iter().find(|(_, c, _)| *c == code).map_or(TargetSort::Recent, |(s, _, _)| *s)
    }

    pub fn code(self) -> &'static str {
        Self::ALL.iter().find(|(s, _, _)| *s == self).map_or("recent", |(_, c, _)| c)
    }
}

/// One row of the list, with the names a page needs.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    pub target: target::Model,
    pub enterprise: enterprise::Model,
    pub unit_name: String,
    pub owner_name: String,
    pub links: Vec<String>,
}

/// Ids of chains led by a unit, and of their links.
async fn led_links(store: &Store, unit_id: i64) -> Result<Vec<i64>> {
    let chains: Vec<i64> = chain::Entity::find().select_only().column(chain::Column::Id).filter(chain::Column::LeadUnitId.eq(unit_id)).into_tuple().all(&store.db).await?;
    if chains.is_empty() {
        return Ok(Vec::new());
    }
    Ok(link::Entity::find().select_only().column(link::Column::Id).filter(link::Column::ChainId.is_in(chains)).into_tuple().all(&store.db).await?)
}

/// The condition restricting targets to what a viewer may see.
pub async fn visible(store: &Store, visibility: Visibility) -> Result<Condition> {
    Ok(match visibility {
        Visibility::All => Condition::all(),
        Visibility::Unit(u) => Condition::all().add(target::Column::OwnerUnitId.eq(u)),
        Visibility::UnitAndLedChains(u) => {
            let links = led_links(store, u).await?;
            let tied = SqlQuery::select().column(target_link::Column::TargetId).from(target_link::Entity).and_where(Expr::col(target_link::Column::LinkId).is_in(links)).to_owned();
            Condition::any().add(target::Column::OwnerUnitId.eq(u)).add(target::Column::Id.in_subquery(tied))
        }
    })
}

/// From a target's tie to the link it names (for joins; the entities declare no relations).
fn tie_to_link() -> sea_orm::RelationDef {
    target_link::Entity::belongs_to(link::Entity).from(target_link::Column::LinkId).to(link::Column::Id).into()
}

#[derive(Debug, Clone)]
pub struct NewTarget {
    pub enterprise_id: i64,
    pub owner_unit_id: i64,
    pub owner_user_id: Option<i64>,
    pub priority: Priority,
    pub source: String,
    pub note: String,
    pub link_ids: Vec<i64>,
}

#[derive(Debug, Clone)]
pub struct TargetChanges {
    pub owner_user_id: Option<i64>,
    pub priority: Priority,
    pub status: Engagement,
    pub drop_reason: String,
    pub source: String,
    pub note: String,
    pub link_ids: Vec<i64>,
}

/// Another unit already courting a company: which unit and since when (never their notes).
#[derive(Debug, Clone, Serialize)]
pub struct OtherUnit {
    pub unit_id: i64,
    pub unit_name: String,
    pub since: NaiveDate,
    pub status: String,
}

impl Store {
    pub async fn list_targets(&self, visibility: Visibility, f: &TargetFilter) -> Result<(Vec<TargetRow>, u64)> {
        let query = self.target_query(visibility, f).await?;
        // Counted before ordering: a count over an ordered subquery would sort every row.
        let total = query.clone().count(&self.db).await?;
        let per_page = f.per_page.clamp(1, 1000);
        // Each order ends with the id in the index's own direction, so that an index walk
        // yields the page without sorting ties (every index carries the row id last).
        let targets = match f.sort {
            TargetSort::Recent => query.order_by_desc(target::Column::UpdatedAt).order_by_desc(target::Column::Id),
            TargetSort::Priority => query.order_by_asc(target::Column::Priority).order_by_asc(target::Column::Id),
            TargetSort::LastContact => query.order_by_asc(target::Column::LastContactOn).order_by_asc(target::Column::Id),
            TargetSort::Name => query.order_by_asc(target::Column::EnterpriseId).order_by_asc(target::Column::Id),
        }
        .offset(f.page.saturating_mul(per_page))
        .limit(per_page)
        .all(&self.db)
        .await?;
        let mut rows = self.target_rows(targets).await?;
        if f.sort == TargetSort::Name {
            rows.sort_by(|a, b| a.enterprise.name_norm.cmp(&b.enterprise.name_norm));
        }
        Ok((rows, total))
    }

    /// How many targets [`Store::list_targets`] would list, without reading them.
    pub async fn count_targets(&self, visibility: Visibility, f: &TargetFilter) -> Result<u64> {
        Ok(self.target_query(visibility, f).await?.count(&self.db).await?)
    }

    async fn target_query(&self, visibility: Visibility, f: &TargetFilter) -> Result<sea_orm::Select<target::Entity>> {
        let mut query = target::Entity::find().filter(visible(self, visibility).await?);
        if let Some(u) = f.unit_id {
            query = query.filter(target::Column::OwnerUnitId.eq(u));
        }
        if let Some(s) = f.status {
            query = query.filter(target::Column::Status.eq(s.code()));
        }
        if let Some(p) = f.priority {
            query = query.filter(target::Column::Priority.eq(p.code()));
        }
        if let Some(owner) = f.owner_user_id {
            query = query.filter(target::Column::OwnerUserId.eq(owner));
        }
        if let Some(days) = f.stale_days {
            let cutoff = Utc::now().date_naive() - Duration::days(days);
            query = query.filter(Condition::any().add(target::Column::LastContactOn.is_null()).add(target::Column::LastContactOn.lte(cutoff)));
        }
        let link_ids: Option<Vec<i64>> = match (f.link_id, f.chain_id) {
            (Some(l), _) => Some(vec![l]),
            (None, Some(c)) => Some(link::Entity::find().select_only().column(link::Column::Id).filter(link::Column::ChainId.eq(c)).into_tuple().all(&self.db).await?),
            _ => None,
        };
        if let Some(ids) = link_ids {
            let tied = SqlQuery::select().column(target_link::Column::TargetId).from(target_link::Entity).and_where(Expr::col(target_link::Column::LinkId).is_in(ids)).to_owned();
            query = query.filter(target::Column::Id.in_subquery(tied));
        }
        if !f.tag.is_empty() {
            query = query.filter(target::Column::Tags.contains(&f.tag));
        }
        if !f.region.is_empty() {
            // A prefix as a range, which every database answers from the index (LIKE 'x%' is not).
            query = query.filter(target::Column::RegionCode.gte(f.region.as_str()));
            if let Some(end) = prefix_end(&f.region) {
                query = query.filter(target::Column::RegionCode.lt(end));
            }
        }
        let q = f.q.trim();
        if !q.is_empty() {
            let folded = domain::names::normalize_name(q);
            let code = domain::uscc::Uscc::normalize(q);
            query = query.filter(Condition::any().add(target::Column::SearchText.contains(&folded)).add(target::Column::SearchText.contains(&code)));
        }
        Ok(query)
    }

    /// Adds the names behind a page of targets, in a fixed number of queries.
    async fn target_rows(&self, targets: Vec<target::Model>) -> Result<Vec<TargetRow>> {
        if targets.is_empty() {
            return Ok(Vec::new());
        }
        let ent_ids: Vec<i64> = targets.iter().map(|t| t.enterprise_id).collect();
        let enterprises: HashMap<i64, enterprise::Model> = enterprise::Entity::find().filter(enterprise::Column::Id.is_in(ent_ids)).all(&self.db).await?.into_iter().map(|e| (e.id, e)).collect();
        let units = self.unit_names().await?;
        let user_ids: Vec<i64> = targets.iter().filter_map(|t| t.owner_user_id).collect();
        let users = self.user_names(user_ids).await?;
        // Each target's links by name, in one statement.
        let target_ids: Vec<i64> = targets.iter().map(|t| t.id).collect();
        let ties: Vec<(i64, String)> = target_link::Entity::find()
            .select_only()
            .column(target_link::Column::TargetId)
            .column(link::Column::Name)
            .join(JoinType::InnerJoin, tie_to_link())
            .filter(target_link::Column::TargetId.is_in(target_ids))
            .order_by_asc(target_link::Column::TargetId)
            .order_by_asc(target_link::Column::LinkId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(targets
            .into_iter()
            .filter_map(|t| {
                Some(TargetRow {
                    enterprise: enterprises.get(&t.enterprise_id)?.clone(),
                    unit_name: units.get(&t.owner_unit_id).cloned().unwrap_or_default(),
                    owner_name: t.owner_user_id.and_then(|u| users.get(&u).cloned()).unwrap_or_default(),
                    links: ties.iter().filter(|(target, _)| *target == t.id).map(|(_, name)| name.clone()).collect(),
                    target: t,
                })
            })
            .collect())
    }

    pub async fn target(&self, id: i64) -> Result<target::Model> {
        target::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个目标企业".into()))
    }

    /// A unit's own target for an enterprise, if it has one.
    pub async fn target_for(&self, enterprise_id: i64, unit_id: i64) -> Result<Option<target::Model>> {
        Ok(target::Entity::find().filter(target::Column::EnterpriseId.eq(enterprise_id)).filter(target::Column::OwnerUnitId.eq(unit_id)).one(&self.db).await?)
    }

    /// Targets by id with their names, in the order given; ids without a row are skipped.
    pub async fn target_rows_in_order(&self, ids: &[i64]) -> Result<Vec<TargetRow>> {
        let found = target::Entity::find().filter(target::Column::Id.is_in(ids.to_vec())).all(&self.db).await?;
        let mut rows: HashMap<i64, TargetRow> = self.target_rows(found).await?.into_iter().map(|r| (r.target.id, r)).collect();
        Ok(ids.iter().filter_map(|id| rows.remove(id)).collect())
    }

    pub async fn target_row(&self, id: i64) -> Result<TargetRow> {
        let t = self.target(id).await?;
        self.target_rows(vec![t]).await?.pop().ok_or_else(|| StoreError::NotFound("没有这个目标企业".into()))
    }

    /// The lead departments of the chains a target is tied to (for `Owner::chain_lead_unit_id`).
    pub async fn target_chain_leads(&self, target_id: i64) -> Result<Vec<i64>> {
        let mut leads: Vec<i64> = self.target_links(target_id).await?.into_iter().map(|(_, lead)| lead).collect();
        leads.sort_unstable();
        leads.dedup();
        Ok(leads)
    }

    /// A target's links, each with the lead department of its chain: what its form shows and who
    /// besides its unit may see it, in one statement.
    pub async fn target_links(&self, target_id: i64) -> Result<Vec<(i64, i64)>> {
        let to_chain: sea_orm::RelationDef = link::Entity::belongs_to(chain::Entity).from(link::Column::ChainId).to(chain::Column::Id).into();
        Ok(target_link::Entity::find()
            .select_only()
            .column(target_link::Column::LinkId)
            .column(chain::Column::LeadUnitId)
            .join(JoinType::InnerJoin, tie_to_link())
            .join(JoinType::InnerJoin, to_chain)
            .filter(target_link::Column::TargetId.eq(target_id))
            .order_by_asc(target_link::Column::LinkId)
            .into_tuple()
            .all(&self.db)
            .await?)
    }

    pub async fn target_link_ids(&self, target_id: i64) -> Result<Vec<i64>> {
        Ok(target_link::Entity::find().select_only().column(target_link::Column::LinkId).filter(target_link::Column::TargetId.eq(target_id)).into_tuple().all(&self.db).await?)
    }

    /// Every unit courting an enterprise, with the date it started.
    pub async fn engagements(&self, enterprise_id: i64) -> Result<Vec<OtherUnit>> {
        let targets = target::Entity::find().filter(target::Column::EnterpriseId.eq(enterprise_id)).order_by_asc(target::Column::CreatedAt).all(&self.db).await?;
        let units = self.unit_names().await?;
        Ok(targets
            .into_iter()
            .map(|t| OtherUnit {
                unit_id: t.owner_unit_id,
                unit_name: units.get(&t.owner_unit_id).cloned().unwrap_or_default(),
                since: t.created_at.date_naive(),
                status: Engagement::parse(&t.status).map_or("", Engagement::label).to_string(),
            })
            .collect())
    }

    pub async fn create_target(&self, who: &Who, new: &NewTarget) -> Result<target::Model> {
        let txn = self.begin_write().await?;
        let ent = enterprise::Entity::find_by_id(new.enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选企业不存在".into()))?;
        if ent.merged_into_id.is_some() {
            return Err(StoreError::Invalid("这家企业已合并到另一条记录，请对合并后的企业操作".into()));
        }
        if let Some(existing) = target::Entity::find().filter(target::Column::EnterpriseId.eq(new.enterprise_id)).filter(target::Column::OwnerUnitId.eq(new.owner_unit_id)).one(&txn).await? {
            return Err(StoreError::Duplicate { message: format!("「{}」已经是本单位的目标企业", ent.name), id: existing.id });
        }
        active_unit(&txn, new.owner_unit_id, "责任单位").await?;
        check_links(&txn, &new.link_ids).await?;
        check_owner(&txn, new.owner_user_id, new.owner_unit_id).await?;
        let now = Utc::now();
        let row = target::ActiveModel {
            enterprise_id: Set(new.enterprise_id),
            owner_unit_id: Set(new.owner_unit_id),
            owner_user_id: Set(new.owner_user_id),
            priority: Set(new.priority.code().into()),
            status: Set(Engagement::NotContacted.code().into()),
            drop_reason: Set(String::new()),
            source: Set(new.source.trim().to_string()),
            note: Set(new.note.trim().to_string()),
            last_contact_on: Set(None),
            region_code: Set(ent.region_code.clone()),
            tags: Set(ent.tags.clone()),
            search_text: Set(crate::enterprises::search_text(&ent)),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        set_links(&txn, row.id, &new.link_ids).await?;
        audit::append(&txn, who, Event::new("create", "target", row.id).change(None, Some(&row)).detail(format!("目标企业「{}」", ent.name))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_target(&self, who: &Who, id: i64, version: i32, changes: &TargetChanges) -> Result<target::Model> {
        let txn = self.begin_write().await?;
        let before = target::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个目标企业".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这个目标企业在您打开之后已被他人修改（现在是第 {} 版），请刷新后再改", before.version)));
        }
        let from = Engagement::parse(&before.status).unwrap_or(Engagement::NotContacted);
        let status = from.change(changes.status, &changes.drop_reason).map_err(StoreError::Invalid)?;
        check_links(&txn, &changes.link_ids).await?;
        check_owner(&txn, changes.owner_user_id, before.owner_unit_id).await?;
        let mut row = before.clone().into_active_model();
        row.owner_user_id = Set(changes.owner_user_id);
        row.priority = Set(changes.priority.code().into());
        row.status = Set(status.code().into());
        row.drop_reason = Set(if status == Engagement::Dropped { changes.drop_reason.trim().to_string() } else { String::new() });
        row.source = Set(changes.source.trim().to_string());
        row.note = Set(changes.note.trim().to_string());
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        set_links(&txn, id, &changes.link_ids).await?;
        audit::append(&txn, who, Event::new("update", "target", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Counts of visible targets by status, for the board.
    pub async fn target_counts_by_status(&self, visibility: Visibility) -> Result<Vec<(Engagement, u64)>> {
        let cond = visible(self, visibility).await?;
        let mut out = Vec::new();
        for status in Engagement::ALL {
            let n = target::Entity::find().filter(cond.clone()).filter(target::Column::Status.eq(status.code())).count(&self.db).await?;
            out.push((*status, n));
        }
        Ok(out)
    }
}

/// The smallest code after every code that starts with the digits `prefix` ("44" → "45"); none
/// for all nines. Digits only, so the bound holds under any collation.
fn prefix_end(prefix: &str) -> Option<String> {
    let n: u64 = prefix.parse().ok()?;
    let next = format!("{:0width$}", n + 1, width = prefix.len());
    (next.len() == prefix.len()).then_some(next)
}

async fn check_links(conn: &impl sea_orm::ConnectionTrait, ids: &[i64]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    let found = link::Entity::find().filter(link::Column::Id.is_in(ids.to_vec())).filter(link::Column::Active.eq(true)).count(conn).await?;
    if found as usize != ids.len() {
        return Err(StoreError::Invalid("所选的产业链环节不存在或已停用".into()));
    }
    Ok(())
}

/// The responsible officer must belong to the target's unit.
async fn check_owner(conn: &impl sea_orm::ConnectionTrait, owner: Option<i64>, unit_id: i64) -> Result<()> {
    let Some(owner) = owner else { return Ok(()) };
    match user::Entity::find_by_id(owner).one(conn).await? {
        Some(u) if u.unit_id == unit_id && u.active => Ok(()),
        _ => Err(StoreError::Invalid("负责人必须是本单位的在职人员".into())),
    }
}

async fn set_links(conn: &impl sea_orm::ConnectionTrait, target_id: i64, ids: &[i64]) -> Result<()> {
    target_link::Entity::delete_many().filter(target_link::Column::TargetId.eq(target_id)).exec(conn).await?;
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if !unique.is_empty() {
        target_link::Entity::insert_many(unique.into_iter().map(|link_id| target_link::ActiveModel { target_id: Set(target_id), link_id: Set(link_id) })).exec(conn).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn prefix_end_table() {
        let cases = [("44", Some("45")), ("4403", Some("4404")), ("49", Some("50")), ("0999", Some("1000")), ("99", None), ("x", None)];
        for (prefix, end) in cases {
            assert_eq!(super::prefix_end(prefix).as_deref(), end, "{prefix}");
        }
    }
}

impl Store {
    /// (enterprise id, target id) of the targets with the most follow-ups, for benchmarks.
    pub async fn busiest_targets(&self, n: u64) -> Result<Vec<(i64, i64)>> {
        use crate::entities::follow_up;
        use sea_orm::sea_query::Order;
        let rows: Vec<(Option<i64>, i64)> = follow_up::Entity::find()
            .select_only()
            .column(follow_up::Column::TargetId)
            .column_as(follow_up::Column::Id.count(), "n")
            .filter(follow_up::Column::TargetId.is_not_null())
            .group_by(follow_up::Column::TargetId)
            .order_by(Expr::col("n"), Order::Desc)
            .limit(n)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out = Vec::new();
        for (t, _) in rows {
            if let Some(t) = t {
                let target = self.target(t).await?;
                out.push((target.enterprise_id, t));
            }
        }
        Ok(out)
    }

    /// Rows per table, for reports.
    pub async fn table_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        use crate::entities::{contact, follow_up};
        Ok(vec![
            ("enterprises", enterprise::Entity::find().count(&self.db).await?),
            ("contacts", contact::Entity::find().count(&self.db).await?),
            ("targets", target::Entity::find().count(&self.db).await?),
            ("follow_ups", follow_up::Entity::find().count(&self.db).await?),
            ("users", user::Entity::find().count(&self.db).await?),
            ("units", unit::Entity::find().count(&self.db).await?),
            ("projects", crate::entities::project::Entity::find().count(&self.db).await?),
            ("stage_changes", crate::entities::stage_change::Entity::find().count(&self.db).await?),
            ("funds_reports", crate::entities::funds_report::Entity::find().count(&self.db).await?),
            ("requests", crate::entities::request::Entity::find().count(&self.db).await?),
        ])
    }
}
