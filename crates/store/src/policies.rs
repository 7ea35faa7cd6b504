//! Policy delivery (政策兑现): for each item of a project's policy package, the conditions tied to
//! its commitments, whether the latest reported year meets them, and what was paid when.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;

use domain::access::Visibility;
use domain::aftercare::{self as rules, Figures, Indicator, PolicyCondition};
use domain::project::Review;

use crate::audit::{self, Event};
use crate::entities::{policy_condition, policy_item, policy_payment, project, yearly_result};
use crate::{Result, Store, StoreError, Who};

#[derive(Debug, Clone, Serialize)]
pub struct ConditionView {
    pub condition: policy_condition::Model,
    pub met: bool,
    pub text: String,
}

/// One incentive with its conditions and payments.
#[derive(Debug, Clone, Serialize)]
pub struct Delivery {
    pub item: policy_item::Model,
    pub conditions: Vec<ConditionView>,
    pub payments: Vec<policy_payment::Model>,
    pub paid_wan: i64,
    pub last_paid_on: Option<NaiveDate>,
}

impl Delivery {
    pub fn all_met(&self) -> bool {
        self.conditions.iter().all(|c| c.met)
    }
}

/// A project's package as the city list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PackageRow {
    pub project: project::Model,
    pub landing_unit: String,
    pub items: usize,
    pub promised_wan: i64,
    pub paid_wan: i64,
    pub unmet_conditions: usize,
    pub last_paid_on: Option<NaiveDate>,
}

async fn latest_year(conn: &impl sea_orm::ConnectionTrait, project_id: i64) -> Result<Option<(i32, Figures)>> {
    Ok(yearly_result::Entity::find()
        .filter(yearly_result::Column::ProjectId.eq(project_id))
        .order_by_desc(yearly_result::Column::Year)
        .one(conn)
        .await?
        .map(|r| (r.year, crate::aftercare::figures_of_result(&r))))
}

fn condition_of(c: &policy_condition::Model) -> Option<PolicyCondition> {
    Some(PolicyCondition { indicator: Indicator::parse(&c.indicator)?, threshold: c.threshold })
}

fn view(c: policy_condition::Model, latest: Option<&(i32, Figures)>) -> ConditionView {
    let (met, text) = match condition_of(&c) {
        Some(pc) => rules::condition_met(&pc, latest.map(|(y, f)| (*y, f))),
        None => (false, format!("未知的条件指标「{}」", c.indicator)),
    };
    ConditionView { condition: c, met, text }
}

impl Store {
    /// Every item of a project's package with its conditions (read against the latest reported
    /// year) and payments.
    pub async fn policy_delivery(&self, project_id: i64) -> Result<Vec<Delivery>> {
        let items = self.policy_items(project_id).await?;
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let conditions = policy_condition::Entity::find().filter(policy_condition::Column::PolicyItemId.is_in(ids.clone())).order_by_asc(policy_condition::Column::Id).all(&self.db).await?;
        let payments = policy_payment::Entity::find().filter(policy_payment::Column::PolicyItemId.is_in(ids)).order_by_asc(policy_payment::Column::PaidOn).order_by_asc(policy_payment::Column::Id).all(&self.db).await?;
        let latest = latest_year(&self.db, project_id).await?;
        Ok(items
            .into_iter()
            .map(|item| {
                let paid: Vec<policy_payment::Model> = payments.iter().filter(|p| p.policy_item_id == item.id).cloned().collect();
                Delivery {
                    conditions: conditions.iter().filter(|c| c.policy_item_id == item.id).cloned().map(|c| view(c, latest.as_ref())).collect(),
                    paid_wan: paid.iter().map(|p| p.amount_wan).sum(),
                    last_paid_on: paid.iter().map(|p| p.paid_on).max(),
                    payments: paid,
                    item,
                }
            })
            .collect())
    }

    /// Ties an item to a commitment: the indicator must reach `threshold` before paying.
    pub async fn add_policy_condition(&self, who: &Who, item_id: i64, indicator: Indicator, threshold: i64) -> Result<policy_condition::Model> {
        if indicator.is_amount() {
            domain::money::check_amount(threshold, "条件数值").map_err(StoreError::Invalid)?;
        } else if !(0..=1_000_000).contains(&threshold) {
            return Err(StoreError::Invalid("「条件数值」应在 0–1000000 人之间".into()));
        }
        if threshold <= 0 {
            return Err(StoreError::Invalid("「条件数值」应大于 0".into()));
        }
        let txn = self.begin_write().await?;
        let item = policy_item::Entity::find_by_id(item_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项政策".into()))?;
        let row = policy_condition::ActiveModel {
            policy_item_id: Set(item_id),
            indicator: Set(indicator.code().into()),
            threshold: Set(threshold),
            created_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "policy_condition", row.id).change(None, Some(&row)).detail(format!("政策「{}」兑现条件：{} ≥ {}", item.title, indicator.label(), indicator.show(threshold)))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn policy_condition(&self, id: i64) -> Result<policy_condition::Model> {
        policy_condition::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这项兑现条件".into()))
    }

    pub async fn remove_policy_condition(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let c = policy_condition::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项兑现条件".into()))?;
        policy_condition::Entity::delete_by_id(id).exec(&txn).await?;
        audit::append(&txn, who, Event::new("delete", "policy_condition", id).change(Some(&c), None)).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Records a payment: only of a reviewed item whose conditions are met, within what was promised.
    pub async fn record_policy_payment(&self, who: &Who, item_id: i64, paid_on: NaiveDate, amount_wan: i64, document: &str, note: &str) -> Result<policy_payment::Model> {
        if paid_on > Utc::now().date_naive() {
            return Err(StoreError::Invalid("兑现日期不能晚于今天".into()));
        }
        domain::money::check_amount(amount_wan, "兑现金额").map_err(StoreError::Invalid)?;
        if document.chars().count() > 200 || note.chars().count() > 1000 {
            return Err(StoreError::Invalid("文号最长 200 字，说明最长 1000 字".into()));
        }
        let txn = self.begin_write().await?;
        let item = policy_item::Entity::find_by_id(item_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这项政策".into()))?;
        let paid: i64 = policy_payment::Entity::find().filter(policy_payment::Column::PolicyItemId.eq(item_id)).all(&txn).await?.iter().map(|p| p.amount_wan).sum();
        let latest = latest_year(&txn, item.project_id).await?;
        let conditions: Vec<(bool, String)> = policy_condition::Entity::find()
            .filter(policy_condition::Column::PolicyItemId.eq(item_id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|c| {
                let v = view(c, latest.as_ref());
                (v.met, v.text)
            })
            .collect();
        rules::check_payment(item.amount_wan, paid, amount_wan, item.review == Review::Passed.code(), &conditions).map_err(StoreError::Invalid)?;
        let row = policy_payment::ActiveModel {
            policy_item_id: Set(item_id),
            paid_on: Set(paid_on),
            amount_wan: Set(amount_wan),
            document: Set(document.trim().to_string()),
            note: Set(note.trim().to_string()),
            created_by: Set(who.user_id),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "policy_payment", row.id).change(None, Some(&row)).detail(format!("政策「{}」兑现 {} 万元", item.title, domain::money::format_wan(amount_wan)))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Every project with a policy package that `visibility` may see: promised, paid, unmet conditions.
    pub async fn policy_packages(&self, visibility: Visibility, limit: u64) -> Result<Vec<PackageRow>> {
        let items = policy_item::Entity::find().order_by_asc(policy_item::Column::ProjectId).all(&self.db).await?;
        let mut project_ids: Vec<i64> = items.iter().map(|i| i.project_id).collect();
        project_ids.dedup();
        let projects = project::Entity::find().filter(project::Column::Id.is_in(project_ids)).filter(crate::projects::visible(self, visibility).await?).order_by_desc(project::Column::UpdatedAt).all(&self.db).await?;
        let item_ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        let payments = policy_payment::Entity::find().filter(policy_payment::Column::PolicyItemId.is_in(item_ids.clone())).all(&self.db).await?;
        let conditions = policy_condition::Entity::find().filter(policy_condition::Column::PolicyItemId.is_in(item_ids)).all(&self.db).await?;
        let mut latest: HashMap<i64, (i32, Figures)> = HashMap::new();
        for r in yearly_result::Entity::find().filter(yearly_result::Column::ProjectId.is_in(projects.iter().map(|p| p.id).collect::<Vec<_>>())).order_by_asc(yearly_result::Column::Year).all(&self.db).await? {
            latest.insert(r.project_id, (r.year, crate::aftercare::figures_of_result(&r)));
        }
        let units = self.unit_names().await?;
        Ok(projects
            .into_iter()
            .take(limit as usize)
            .map(|p| {
                let mine: Vec<&policy_item::Model> = items.iter().filter(|i| i.project_id == p.id).collect();
                let ids: Vec<i64> = mine.iter().map(|i| i.id).collect();
                let paid: Vec<&policy_payment::Model> = payments.iter().filter(|x| ids.contains(&x.policy_item_id)).collect();
                PackageRow {
                    landing_unit: units.get(&p.landing_unit_id).cloned().unwrap_or_default(),
                    items: mine.len(),
                    promised_wan: mine.iter().filter(|i| i.review != Review::Failed.code()).map(|i| i.amount_wan).sum(),
                    paid_wan: paid.iter().map(|x| x.amount_wan).sum(),
                    last_paid_on: paid.iter().map(|x| x.paid_on).max(),
                    unmet_conditions: conditions.iter().filter(|c| ids.contains(&c.policy_item_id)).filter(|c| !view((*c).clone(), latest.get(&p.id)).met).count(),
                    project: p,
                }
            })
            .collect())
    }
}
