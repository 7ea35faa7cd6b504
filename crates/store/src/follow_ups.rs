//! Follow-ups (对接记录) with their attachments, the next steps they set, and saved list views.
//! Logging one updates its target: the date of last contact, and 未接触 → 已接触.

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, Query as SqlQuery};
use sea_orm::{ActiveModelTrait, ConnectionTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::target::{Engagement, FollowUpKind};

use crate::audit::{self, Event};
use crate::entities::{attachment, enterprise, follow_up, project, saved_view, target};
use crate::{Result, Store, StoreError, Who};

#[derive(Debug, Clone)]
pub struct NewFollowUp {
    pub enterprise_id: i64,
    pub target_id: Option<i64>,
    /// The project the contact was about, if any (checked by the caller).
    pub project_id: Option<i64>,
    pub happened_on: NaiveDate,
    pub kind: FollowUpKind,
    pub place: String,
    pub latitude_e6: Option<i64>,
    pub longitude_e6: Option<i64>,
    pub participants: String,
    pub summary: String,
    pub next_step: String,
    pub next_due: Option<NaiveDate>,
    /// Chosen by the client; the same key twice is the same follow-up.
    pub client_key: String,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Which follow-ups a list asks for.
#[derive(Debug, Clone, Default)]
pub struct FollowUpFilter {
    pub enterprise_id: Option<i64>,
    pub target_id: Option<i64>,
    pub project_id: Option<i64>,
    pub since: Option<NaiveDate>,
    pub page: u64,
    pub per_page: u64,
}

/// A follow-up as the timeline shows it.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpView {
    pub follow_up: follow_up::Model,
    pub user_name: String,
    pub unit_name: String,
    pub enterprise_name: String,
    /// (id, file name, content type, size) of each attachment.
    pub attachments: Vec<(i64, String, String, i64)>,
}

impl NewFollowUp {
    pub fn check(&self, today: NaiveDate) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        if self.summary.trim().is_empty() {
            errors.push(("summary", "请写下这次对接的情况".to_string()));
        }
        if self.summary.chars().count() > 5000 {
            errors.push(("summary", "情况记录最长 5000 字".to_string()));
        }
        if self.happened_on > today + chrono::Duration::days(1) {
            errors.push(("happened_on", "对接日期不能晚于今天".to_string()));
        }
        if let Some(due) = self.next_due {
            if self.next_step.trim().is_empty() {
                errors.push(("next_step", "设了期限，请写下一步要做什么".to_string()));
            }
            if due < self.happened_on {
                errors.push(("next_due", "下一步的期限不能早于对接日期".to_string()));
            }
        }
        let lat_ok = self.latitude_e6.is_none_or(|v| v.abs() <= 90_000_000);
        let lng_ok = self.longitude_e6.is_none_or(|v| v.abs() <= 180_000_000);
        if !lat_ok || !lng_ok {
            errors.push(("place", "位置坐标无效".to_string()));
        }
        let key_ok = (8..=64).contains(&self.client_key.len()) && self.client_key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !key_ok {
            errors.push(("client_key", "表单已失效，请刷新页面后重新填写".to_string()));
        }
        errors
    }
}

impl Store {
    /// Saves a follow-up and its files in one transaction. Returns the follow-up and whether it
    /// is new (false when the same client key was already saved: a resend after lost signal).
    pub async fn create_follow_up(&self, who: &Who, user_id: i64, unit_id: i64, new: &NewFollowUp, files: Vec<NewAttachment>) -> Result<(follow_up::Model, bool)> {
        if let Some(existing) = follow_up::Entity::find().filter(follow_up::Column::ClientKey.eq(&new.client_key)).one(&self.db).await? {
            if existing.user_id == user_id {
                return Ok((existing, false));
            }
        }
        let errors = new.check(Utc::now().date_naive());
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")));
        }
        let txn = self.begin_write().await?;
        let ent = enterprise::Entity::find_by_id(new.enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选企业不存在".into()))?;
        let enterprise_id = ent.merged_into_id.unwrap_or(ent.id);
        // The target: the one given (checked by the caller), or the unit's own target for this company.
        let target = match new.target_id {
            Some(id) => {
                let t = target::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选目标企业不存在".into()))?;
                if t.enterprise_id != enterprise_id {
                    return Err(StoreError::Invalid("目标企业与所选企业不一致".into()));
                }
                Some(t)
            }
            None => target::Entity::find().filter(target::Column::EnterpriseId.eq(enterprise_id)).filter(target::Column::OwnerUnitId.eq(unit_id)).one(&txn).await?,
        };
        if let Some(p) = new.project_id {
            let p = project::Entity::find_by_id(p).one(&txn).await?.ok_or_else(|| StoreError::Invalid("所选项目不存在".into()))?;
            if p.enterprise_id != enterprise_id {
                return Err(StoreError::Invalid("项目的投资方与所选企业不一致".into()));
            }
        }
        let row = follow_up::ActiveModel {
            enterprise_id: Set(enterprise_id),
            target_id: Set(target.as_ref().map(|t| t.id)),
            project_id: Set(new.project_id),
            unit_id: Set(unit_id),
            user_id: Set(user_id),
            happened_on: Set(new.happened_on),
            kind: Set(new.kind.code().into()),
            place: Set(new.place.trim().chars().take(200).collect()),
            latitude_e6: Set(new.latitude_e6),
            longitude_e6: Set(new.longitude_e6),
            participants: Set(new.participants.trim().chars().take(200).collect()),
            summary: Set(new.summary.trim().to_string()),
            next_step: Set(new.next_step.trim().to_string()),
            next_due: Set(new.next_due),
            next_done: Set(false),
            client_key: Set(new.client_key.clone()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                // The same entry sent twice at once (a phone flushing its queue): the first wins.
                drop(txn);
                if let Some(existing) = follow_up::Entity::find().filter(follow_up::Column::ClientKey.eq(&new.client_key)).one(&self.db).await? {
                    if existing.user_id == user_id {
                        return Ok((existing, false));
                    }
                }
                return Err(e.into());
            }
        };
        for file in files {
            use sha2::Digest;
            attachment::ActiveModel {
                follow_up_id: Set(row.id),
                unit_id: Set(unit_id),
                file_name: Set(file.file_name.chars().take(200).collect()),
                content_type: Set(file.content_type),
                size: Set(file.data.len() as i64),
                sha256: Set(hex::encode(sha2::Sha256::digest(&file.data))),
                data: Set(file.data),
                uploaded_by: Set(user_id),
                created_at: Set(Utc::now()),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
        if let Some(t) = target {
            let last = t.last_contact_on.map_or(new.happened_on, |d| d.max(new.happened_on));
            let status = Engagement::parse(&t.status).unwrap_or(Engagement::NotContacted).after_follow_up();
            let mut tr = t.into_active_model();
            tr.last_contact_on = Set(Some(last));
            tr.status = Set(status.code().into());
            tr.updated_at = Set(Utc::now());
            tr.update(&txn).await?;
        }
        if let Some(p) = new.project_id {
            crate::projects::after_follow_up(&txn, p, new.happened_on).await?;
        }
        audit::append(&txn, who, Event::new("create", "follow_up", row.id).detail(format!("{}：{}", ent.name, FollowUpKind::parse(&row.kind).map_or("", FollowUpKind::label)))).await?;
        txn.commit().await?;
        Ok((row, true))
    }

    pub async fn follow_up(&self, id: i64) -> Result<follow_up::Model> {
        follow_up::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条对接记录".into()))
    }

    /// The follow-ups on an enterprise (or one target) that `visibility` may see, newest first.
    pub async fn follow_ups(&self, enterprise_id: Option<i64>, target_id: Option<i64>, visibility: Visibility, limit: u64) -> Result<Vec<FollowUpView>> {
        let mut query = follow_up::Entity::find();
        if let Some(e) = enterprise_id {
            query = query.filter(follow_up::Column::EnterpriseId.eq(e));
        }
        if let Some(t) = target_id {
            query = query.filter(follow_up::Column::TargetId.eq(t));
        }
        query = match visibility {
            Visibility::All => query,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => query.filter(follow_up::Column::UnitId.eq(u)),
        };
        let rows = query.order_by_desc(follow_up::Column::HappenedOn).order_by_desc(follow_up::Column::Id).limit(limit).all(&self.db).await?;
        self.follow_up_views(rows).await
    }

    /// A page of the follow-ups `visibility` may see, newest first, optionally of one
    /// enterprise, target or project and from a date on.
    pub async fn follow_ups_page(&self, f: &FollowUpFilter, visibility: Visibility) -> Result<Vec<FollowUpView>> {
        let mut query = follow_up::Entity::find();
        if let Some(e) = f.enterprise_id {
            query = query.filter(follow_up::Column::EnterpriseId.eq(e));
        }
        if let Some(t) = f.target_id {
            query = query.filter(follow_up::Column::TargetId.eq(t));
        }
        if let Some(p) = f.project_id {
            query = query.filter(follow_up::Column::ProjectId.eq(p));
        }
        if let Some(since) = f.since {
            query = query.filter(follow_up::Column::HappenedOn.gte(since));
        }
        query = match visibility {
            Visibility::All => query,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => query.filter(follow_up::Column::UnitId.eq(u)),
        };
        let rows = query
            .order_by_desc(follow_up::Column::HappenedOn)
            .order_by_desc(follow_up::Column::Id)
            .offset(f.page.saturating_mul(f.per_page))
            .limit(f.per_page.clamp(1, 1000))
            .all(&self.db)
            .await?;
        self.follow_up_views(rows).await
    }

    /// One follow-up with the names around it.
    pub async fn follow_up_view(&self, id: i64) -> Result<FollowUpView> {
        let row = self.follow_up(id).await?;
        self.follow_up_views(vec![row]).await?.pop().ok_or_else(|| StoreError::NotFound("没有这条对接记录".into()))
    }

    async fn follow_up_views(&self, rows: Vec<follow_up::Model>) -> Result<Vec<FollowUpView>> {
        let ids: Vec<i64> = rows.iter().map(|f| f.id).collect();
        let files: Vec<(i64, i64, String, String, i64)> = attachment::Entity::find()
            .select_only()
            .columns([attachment::Column::Id, attachment::Column::FollowUpId, attachment::Column::FileName, attachment::Column::ContentType, attachment::Column::Size])
            .filter(attachment::Column::FollowUpId.is_in(ids))
            .into_tuple()
            .all(&self.db)
            .await?;
        let user_ids: Vec<i64> = rows.iter().map(|f| f.user_id).collect();
        let users = self.user_names(user_ids).await?;
        let units = self.unit_names().await?;
        let ent_ids: Vec<i64> = rows.iter().map(|f| f.enterprise_id).collect();
        let names: HashMap<i64, String> = enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(ent_ids)).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
        Ok(rows
            .into_iter()
            .map(|f| FollowUpView {
                user_name: users.get(&f.user_id).cloned().unwrap_or_default(),
                unit_name: units.get(&f.unit_id).cloned().unwrap_or_default(),
                enterprise_name: names.get(&f.enterprise_id).cloned().unwrap_or_default(),
                attachments: files.iter().filter(|a| a.1 == f.id).map(|a| (a.0, a.2.clone(), a.3.clone(), a.4)).collect(),
                follow_up: f,
            })
            .collect())
    }

    /// A user's open next steps, earliest due first (those without a date last).
    pub async fn next_steps(&self, user_id: i64, limit: u64) -> Result<Vec<FollowUpView>> {
        let rows = follow_up::Entity::find()
            .filter(follow_up::Column::UserId.eq(user_id))
            .filter(follow_up::Column::NextDone.eq(false))
            .filter(follow_up::Column::NextDue.is_not_null())
            .order_by_asc(follow_up::Column::NextDue)
            .limit(limit)
            .all(&self.db)
            .await?;
        self.follow_up_views(rows).await
    }

    pub async fn mark_next_step_done(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let row = follow_up::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条对接记录".into()))?;
        let mut active = row.into_active_model();
        active.next_done = Set(true);
        active.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "follow_up", id).detail("下一步已完成")).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn attachment(&self, id: i64) -> Result<attachment::Model> {
        attachment::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个附件".into()))
    }

    pub async fn saved_views(&self, user_id: i64, page: &str) -> Result<Vec<saved_view::Model>> {
        Ok(saved_view::Entity::find().filter(saved_view::Column::UserId.eq(user_id)).filter(saved_view::Column::Page.eq(page)).order_by_asc(saved_view::Column::Name).all(&self.db).await?)
    }

    pub async fn save_view(&self, user_id: i64, page: &str, name: &str, query: &str) -> Result<saved_view::Model> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 30 {
            return Err(StoreError::Invalid("视图名称必填，最长 30 个字".into()));
        }
        Ok(saved_view::ActiveModel {
            user_id: Set(user_id),
            page: Set(page.to_string()),
            name: Set(name.to_string()),
            query: Set(query.chars().take(2000).collect()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?)
    }

    /// One saved view, whoever's it is: the caller checks that it is theirs, so that someone
    /// else's is refused (and audited) rather than not found.
    pub async fn saved_view(&self, id: i64) -> Result<saved_view::Model> {
        saved_view::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个视图".into()))
    }

    /// Deletes a saved view; only its owner's (`user_id`) views are found.
    pub async fn delete_view(&self, user_id: i64, id: i64) -> Result<()> {
        let deleted = saved_view::Entity::delete_many().filter(saved_view::Column::Id.eq(id)).filter(saved_view::Column::UserId.eq(user_id)).exec(&self.db).await?;
        if deleted.rows_affected == 0 {
            return Err(StoreError::NotFound("没有这个视图".into()));
        }
        Ok(())
    }
}

/// Per unit, its follow-ups over a period and the distinct targets they reached (units with none
/// are absent).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactCounts {
    pub follow_ups: BTreeMap<i64, i64>,
    pub targets: BTreeMap<i64, i64>,
}

impl Store {
    /// The units' follow-ups and targets reached from `from` to `to`. A period from 1 January to a
    /// day of the same year (the assessment's) is read from the counts triggers keep (m0017), a
    /// few hundred rows a unit at most; any other is counted from the follow-ups themselves.
    pub async fn contact_counts(&self, unit_ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<ContactCounts> {
        let kept = from.ordinal() == 1 && to.year() == from.year();
        self.count_contacts(unit_ids, from, to, kept).await
    }

    /// The same, always counted from the follow-ups: what the kept counts must equal.
    pub async fn contact_counts_grouped(&self, unit_ids: &[i64], from: NaiveDate, to: NaiveDate) -> Result<ContactCounts> {
        self.count_contacts(unit_ids, from, to, false).await
    }

    async fn count_contacts(&self, unit_ids: &[i64], from: NaiveDate, to: NaiveDate, kept: bool) -> Result<ContactCounts> {
        if unit_ids.is_empty() || from > to {
            return Ok(ContactCounts::default());
        }
        use sea_orm::sea_query::ExprTrait;
        let ids = unit_ids.to_vec();
        let unit = || Expr::col(Alias::new("unit_id"));
        let (follow_ups, targets): (Vec<(i64, i64)>, Vec<(i64, i64)>) = if kept {
            let per_day = SqlQuery::select()
                .column(Alias::new("unit_id"))
                .expr(Expr::cust("CAST(SUM(follow_ups) AS BIGINT)"))
                .from(Alias::new("follow_up_day_counts"))
                .and_where(unit().is_in(ids.clone()))
                .and_where(Expr::col(Alias::new("day")).gte(from))
                .and_where(Expr::col(Alias::new("day")).lte(to))
                .group_by_col(Alias::new("unit_id"))
                .to_owned();
            let first = SqlQuery::select()
                .column(Alias::new("unit_id"))
                .expr(Expr::cust("COUNT(*)"))
                .from(Alias::new("target_first_contacts"))
                .and_where(unit().is_in(ids))
                .and_where(Expr::col(Alias::new("year")).eq(from.year()))
                .and_where(Expr::col(Alias::new("first_on")).lte(to))
                .group_by_col(Alias::new("unit_id"))
                .to_owned();
            let pairs = |rows: Vec<sea_orm::QueryResult>| rows.iter().map(|r| r.try_get_many_by_index()).collect::<std::result::Result<Vec<(i64, i64)>, _>>();
            (pairs(self.db.query_all(&per_day).await?)?, pairs(self.db.query_all(&first).await?)?)
        } else {
            // One pass over the (unit, day, target) index gives both.
            let rows: Vec<(i64, i64, i64)> = follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::UnitId)
                .column_as(follow_up::Column::Id.count(), "n")
                .column_as(Expr::cust("COUNT(DISTINCT target_id)"), "t")
                .filter(follow_up::Column::HappenedOn.gte(from))
                .filter(follow_up::Column::HappenedOn.lte(to))
                .filter(follow_up::Column::UnitId.is_in(ids))
                .group_by(follow_up::Column::UnitId)
                .into_tuple()
                .all(&self.db)
                .await?;
            (rows.iter().map(|(u, n, _)| (*u, *n)).collect(), rows.iter().map(|(u, _, t)| (*u, *t)).collect())
        };
        let some = |pairs: Vec<(i64, i64)>| pairs.into_iter().filter(|(_, n)| *n > 0).collect();
        Ok(ContactCounts { follow_ups: some(follow_ups), targets: some(targets) })
    }
}
