//! Enterprises (企业): create, edit with optimistic locking, find by name / former name /
//! 统一社会信用代码 / contact phone, merge duplicates, contacts.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use domain::access::Visibility;
use domain::money::Wan;
use domain::names::normalize_name;
use domain::target::{Tag, join_tags};
use domain::uscc::Uscc;
use domain::{industry, region};

use crate::audit::{self, Event};
use crate::entities::{contact, enterprise, follow_up, project, request, service_member, target};
use crate::{Result, Store, StoreError, Who};

/// What a form or an import gives for an enterprise.
#[derive(Debug, Clone, Default)]
pub struct EnterpriseInput {
    pub uscc: String,
    /// Bureau may keep a code that fails its check, saying why.
    pub uscc_override_reason: String,
    pub name: String,
    pub former_names: String,
    pub legal_rep: String,
    pub established_on: Option<NaiveDate>,
    pub capital: Option<Wan>,
    pub status: String,
    pub company_type: String,
    pub industry_code: String,
    pub region_code: String,
    pub address: String,
    pub business_scope: String,
    pub revenue_wan: Option<i64>,
    pub employees: Option<i32>,
    pub tags: Vec<Tag>,
    pub listing: String,
    pub is_local: bool,
}

/// A field and what is wrong with it, in Chinese.
pub type FieldErrors = Vec<(&'static str, String)>;

/// The code to store, whether it passed its check, and the errors found.
pub struct Checked {
    pub uscc: Option<String>,
    pub uscc_valid: bool,
    pub errors: FieldErrors,
}

impl EnterpriseInput {
    pub fn check(&self, may_override: bool) -> Checked {
        let mut errors = Vec::new();
        let mut uscc = None;
        let mut uscc_valid = true;
        let raw = Uscc::normalize(&self.uscc);
        if !raw.is_empty() {
            match Uscc::parse(&raw) {
                Ok(code) => uscc = Some(code.as_str().to_string()),
                Err(_) if may_override && !self.uscc_override_reason.trim().is_empty() => {
                    uscc = Some(raw.clone());
                    uscc_valid = false;
                }
                Err(e) if may_override => errors.push(("uscc", format!("{e}；如确认无误，请在「保留原因」中写明理由"))),
                Err(e) => errors.push(("uscc", format!("{e}（只有市局可以保留校验不通过的代码）"))),
            }
        }
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(("name", "企业名称必填，最长 100 个字".to_string()));
        }
        if !self.industry_code.trim().is_empty() {
            if let Err(e) = industry::lookup(&self.industry_code) {
                errors.push(("industry_code", e));
            }
        }
        if !self.region_code.trim().is_empty() {
            if let Err(e) = region::lookup(&self.region_code) {
                errors.push(("region_code", e));
            }
        }
        if self.employees.is_some_and(|n| n < 0) {
            errors.push(("employees", "从业人数不能为负数".to_string()));
        }
        Checked { uscc, uscc_valid, errors }
    }
}

fn fail(errors: FieldErrors) -> StoreError {
    StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；"))
}

pub(crate) fn fill(row: &mut enterprise::ActiveModel, input: &EnterpriseInput, checked: &Checked) {
    row.uscc = Set(checked.uscc.clone());
    row.uscc_valid = Set(checked.uscc_valid);
    row.uscc_note = Set(if checked.uscc_valid { String::new() } else { input.uscc_override_reason.trim().to_string() });
    row.name = Set(input.name.trim().to_string());
    row.name_norm = Set(normalize_name(&input.name));
    row.former_names = Set(input.former_names.trim().to_string());
    row.legal_rep = Set(input.legal_rep.trim().to_string());
    row.established_on = Set(input.established_on);
    row.capital_wan = Set(input.capital.map(|w| w.hundredths));
    row.capital_currency = Set(input.capital.map_or("CNY", |w| w.currency.code()).to_string());
    row.status = Set(input.status.trim().to_string());
    row.company_type = Set(input.company_type.trim().to_string());
    row.industry_code = Set(industry::lookup(&input.industry_code).map(|i| i.code.to_string()).unwrap_or_default());
    row.region_code = Set(region::lookup(&input.region_code).map(|r| r.code.to_string()).unwrap_or_default());
    row.address = Set(input.address.trim().to_string());
    row.business_scope = Set(input.business_scope.trim().to_string());
    row.revenue_wan = Set(input.revenue_wan);
    row.employees = Set(input.employees);
    row.tags = Set(join_tags(&input.tags));
    row.listing = Set(input.listing.trim().to_string());
    row.is_local = Set(input.is_local);
}

async fn duplicate_of(conn: &impl ConnectionTrait, uscc: &Option<String>, except: Option<i64>) -> Result<()> {
    let Some(code) = uscc else { return Ok(()) };
    let mut query = enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(code.as_str()));
    if let Some(id) = except {
        query = query.filter(enterprise::Column::Id.ne(id));
    }
    if let Some(existing) = query.one(conn).await? {
        return Err(StoreError::Duplicate { message: format!("统一社会信用代码 {code} 已登记为「{}」", existing.name), id: existing.id });
    }
    Ok(())
}

/// What a target list's name filter looks in: the folded name, former names and the code.
pub fn search_text(e: &enterprise::Model) -> String {
    format!("{}|{}|{}", e.name_norm, normalize_name(&e.former_names), e.uscc.as_deref().unwrap_or(""))
}

/// Targets and projects carry their company's region, tags and names for fast lists; keep them equal.
pub(crate) async fn copy_to_targets(conn: &impl ConnectionTrait, e: &enterprise::Model) -> Result<()> {
    target::Entity::update_many()
        .col_expr(target::Column::RegionCode, sea_orm::sea_query::Expr::value(e.region_code.clone()))
        .col_expr(target::Column::Tags, sea_orm::sea_query::Expr::value(e.tags.clone()))
        .col_expr(target::Column::SearchText, sea_orm::sea_query::Expr::value(search_text(e)))
        .filter(target::Column::EnterpriseId.eq(e.id))
        .exec(conn)
        .await?;
    project::Entity::update_many()
        .col_expr(project::Column::RegionCode, sea_orm::sea_query::Expr::value(e.region_code.clone()))
        .col_expr(project::Column::Tags, sea_orm::sea_query::Expr::value(e.tags.clone()))
        .col_expr(project::Column::SearchText, sea_orm::sea_query::Expr::value(crate::projects::project_search_text(e)))
        .filter(project::Column::EnterpriseId.eq(e.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// A contact as a page shows it.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub name: String,
    pub title: String,
    pub phone: String,
    pub wechat: String,
    pub is_native: bool,
    pub home_county: String,
    pub note: String,
}

impl Store {
    /// Companies' names by id, for lists that show a name beside each record.
    pub(crate) async fn enterprise_names(&self, ids: Vec<i64>) -> Result<std::collections::HashMap<i64, String>> {
        let mut names = std::collections::HashMap::new();
        for chunk in ids.chunks(5000) {
            let rows: Vec<(i64, String)> = enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(chunk.to_vec())).into_tuple().all(&self.db).await?;
            names.extend(rows);
        }
        Ok(names)
    }
}

impl Store {
    /// Companies by id in one query per 1,000, in the order given; ids without a row are skipped.
    pub async fn enterprises_in_order(&self, ids: &[i64]) -> Result<Vec<enterprise::Model>> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(1000) {
            found.extend(enterprise::Entity::find().filter(enterprise::Column::Id.is_in(chunk.to_vec())).all(&self.db).await?.into_iter().map(|e| (e.id, e)));
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    pub async fn enterprise(&self, id: i64) -> Result<enterprise::Model> {
        enterprise::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这家企业".into()))
    }

    pub async fn enterprise_by_uscc(&self, uscc: &str) -> Result<Option<enterprise::Model>> {
        Ok(enterprise::Entity::find().filter(enterprise::Column::Uscc.eq(uscc)).one(&self.db).await?)
    }

    pub async fn create_enterprise(&self, who: &Who, input: &EnterpriseInput, may_override: bool) -> Result<enterprise::Model> {
        let checked = input.check(may_override);
        if !checked.errors.is_empty() {
            return Err(fail(checked.errors));
        }
        let txn = self.begin_write().await?;
        duplicate_of(&txn, &checked.uscc, None).await?;
        let now = Utc::now();
        let mut row = enterprise::ActiveModel {
            merged_into_id: Set(None),
            created_by_unit_id: Set(who.unit_id),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
            ..Default::default()
        };
        fill(&mut row, input, &checked);
        let saved = row.insert(&txn).await?;
        audit::append(&txn, who, Event::new("create", "enterprise", saved.id).change(None, Some(&saved))).await?;
        txn.commit().await?;
        Ok(saved)
    }

    /// Saves changes made from `version`; a concurrent edit in between is a conflict, not an overwrite.
    pub async fn update_enterprise(&self, who: &Who, id: i64, version: i32, input: &EnterpriseInput, may_override: bool) -> Result<enterprise::Model> {
        let checked = input.check(may_override);
        if !checked.errors.is_empty() {
            return Err(fail(checked.errors));
        }
        let txn = self.begin_write().await?;
        let before = enterprise::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这家企业".into()))?;
        if before.version != version {
            return Err(StoreError::Conflict(format!("这家企业在您打开之后已被他人修改（现在是第 {} 版），请刷新后再改", before.version)));
        }
        // Keeping an unchecked code needs bureau only when the code changes.
        duplicate_of(&txn, &checked.uscc, Some(id)).await?;
        let mut row = before.clone().into_active_model();
        fill(&mut row, input, &checked);
        row.updated_at = Set(Utc::now());
        row.version = Set(before.version + 1);
        let after = row.update(&txn).await?;
        if after.region_code != before.region_code || after.tags != before.tags || search_text(&after) != search_text(&before) {
            copy_to_targets(&txn, &after).await?;
        }
        audit::append(&txn, who, Event::new("update", "enterprise", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// Finds enterprises by any part of the name or a former name, by code, or by a contact's phone
    /// among the contacts `contacts_of` may see. Merged-away duplicates are left out.
    /// The library in id order after `after`, for exports that walk all of it without offsets.
    pub async fn enterprises_after(&self, after: i64, limit: u64) -> Result<Vec<enterprise::Model>> {
        use sea_orm::{QueryOrder, QuerySelect};
        Ok(enterprise::Entity::find().filter(enterprise::Column::Id.gt(after)).filter(enterprise::Column::MergedIntoId.is_null()).order_by_asc(enterprise::Column::Id).limit(limit).all(&self.db).await?)
    }

    pub async fn find_enterprises(&self, query: &str, contacts_of: Visibility, limit: u64) -> Result<Vec<enterprise::Model>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let folded = normalize_name(q);
        let code = Uscc::normalize(q);
        let mut cond = Condition::any()
            .add(enterprise::Column::NameNorm.contains(&folded))
            .add(enterprise::Column::FormerNames.contains(q));
        if code.len() >= 6 && code.chars().all(|c| c.is_ascii_alphanumeric()) {
            cond = cond.add(enterprise::Column::Uscc.starts_with(&code));
        }
        let digits: String = q.chars().filter(char::is_ascii_digit).collect();
        if digits.len() >= 7 && digits.len() == q.chars().filter(|c| !c.is_whitespace() && *c != '-').count() {
            let mut phones = contact::Entity::find().select_only().column(contact::Column::EnterpriseId).filter(contact::Column::Phone.contains(&digits));
            phones = match contacts_of {
                Visibility::All => phones,
                Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => phones.filter(contact::Column::UnitId.eq(u)),
            };
            let ids: Vec<i64> = phones.limit(200).into_tuple().all(&self.db).await?;
            if !ids.is_empty() {
                cond = cond.add(enterprise::Column::Id.is_in(ids));
            }
        }
        // Names that begin with what was typed come first, then shorter names.
        let mut found = enterprise::Entity::find()
            .filter(enterprise::Column::NameNorm.starts_with(&folded))
            .filter(enterprise::Column::MergedIntoId.is_null())
            .order_by_asc(enterprise::Column::NameNorm)
            .limit(limit)
            .all(&self.db)
            .await?;
        if (found.len() as u64) < limit {
            let more = enterprise::Entity::find()
                .filter(cond)
                .filter(enterprise::Column::MergedIntoId.is_null())
                .order_by_asc(enterprise::Column::NameNorm)
                .limit(limit * 2)
                .all(&self.db)
                .await?;
            let mut rest: Vec<_> = more.into_iter().filter(|e| !found.iter().any(|f| f.id == e.id)).collect();
            rest.sort_by_key(|e| (!e.name_norm.contains(&folded), e.name_norm.chars().count()));
            found.extend(rest);
            found.truncate(limit as usize);
        }
        Ok(found)
    }

    pub async fn count_enterprises(&self) -> Result<u64> {
        Ok(enterprise::Entity::find().filter(enterprise::Column::MergedIntoId.is_null()).count(&self.db).await?)
    }

    /// Recently changed enterprises, for the list page before anything is searched.
    pub async fn recent_enterprises(&self, limit: u64) -> Result<Vec<enterprise::Model>> {
        Ok(enterprise::Entity::find()
            .filter(enterprise::Column::MergedIntoId.is_null())
            .order_by_desc(enterprise::Column::UpdatedAt)
            .limit(limit)
            .all(&self.db)
            .await?)
    }

    pub async fn add_contact(&self, who: &Who, enterprise_id: i64, unit_id: i64, c: &NewContact) -> Result<contact::Model> {
        let mut errors = Vec::new();
        if c.name.trim().is_empty() {
            errors.push(("name", "联系人姓名必填".to_string()));
        }
        if !c.phone.is_empty() && !(7..=20).contains(&c.phone.len()) {
            errors.push(("phone", "电话号码应为 7–20 位".to_string()));
        }
        if !c.home_county.is_empty() {
            if let Err(e) = region::lookup(&c.home_county) {
                errors.push(("home_county", e));
            }
        }
        if !errors.is_empty() {
            return Err(fail(errors));
        }
        let txn = self.begin_write().await?;
        enterprise::Entity::find_by_id(enterprise_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这家企业".into()))?;
        let row = contact::ActiveModel {
            enterprise_id: Set(enterprise_id),
            unit_id: Set(unit_id),
            name: Set(c.name.trim().to_string()),
            title: Set(c.title.trim().to_string()),
            phone: Set(c.phone.trim().to_string()),
            wechat: Set(c.wechat.trim().to_string()),
            is_native: Set(c.is_native),
            home_county: Set(c.home_county.trim().to_string()),
            note: Set(c.note.trim().to_string()),
            created_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "contact", row.id).change(None, Some(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The contacts of an enterprise that `visibility` may see, and how many others there are.
    pub async fn contacts_of(&self, enterprise_id: i64, visibility: Visibility) -> Result<(Vec<contact::Model>, usize)> {
        let all = contact::Entity::find().filter(contact::Column::EnterpriseId.eq(enterprise_id)).order_by_asc(contact::Column::Id).all(&self.db).await?;
        let total = all.len();
        let visible: Vec<_> = all
            .into_iter()
            .filter(|c| match visibility {
                Visibility::All => true,
                Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => c.unit_id == u,
            })
            .collect();
        let hidden = total - visible.len();
        Ok((visible, hidden))
    }

    /// Folds `duplicate` into `keep`: its targets, contacts and follow-ups move over, its names
    /// become former names, and it stays as a record pointing at `keep`.
    pub async fn merge_enterprises(&self, who: &Who, keep_id: i64, duplicate_id: i64) -> Result<enterprise::Model> {
        if keep_id == duplicate_id {
            return Err(StoreError::Invalid("不能把企业合并到它自己".into()));
        }
        let txn = self.begin_write().await?;
        let keep = enterprise::Entity::find_by_id(keep_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有要保留的企业".into()))?;
        let dup = enterprise::Entity::find_by_id(duplicate_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有要合并的企业".into()))?;
        if keep.merged_into_id.is_some() || dup.merged_into_id.is_some() {
            return Err(StoreError::Invalid("已合并过的企业不能再合并".into()));
        }
        let keep_targets = target::Entity::find().filter(target::Column::EnterpriseId.eq(keep_id)).all(&txn).await?;
        let dup_targets = target::Entity::find().filter(target::Column::EnterpriseId.eq(duplicate_id)).all(&txn).await?;
        for t in &dup_targets {
            if keep_targets.iter().any(|k| k.owner_unit_id == t.owner_unit_id) {
                return Err(StoreError::Conflict("两家企业都是同一单位的目标企业：请该单位先放弃其中一个目标，再合并".into()));
            }
        }
        target::Entity::update_many()
            .col_expr(target::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(target::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        contact::Entity::update_many()
            .col_expr(contact::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(contact::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        follow_up::Entity::update_many()
            .col_expr(follow_up::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(follow_up::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        project::Entity::update_many()
            .col_expr(project::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(project::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        request::Entity::update_many()
            .col_expr(request::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(request::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        service_member::Entity::update_many()
            .col_expr(service_member::Column::EnterpriseId, sea_orm::sea_query::Expr::value(keep_id))
            .filter(service_member::Column::EnterpriseId.eq(duplicate_id))
            .exec(&txn)
            .await?;
        let mut former: Vec<String> = keep.former_names.split('、').filter(|s| !s.is_empty()).map(str::to_string).collect();
        for name in std::iter::once(dup.name.as_str()).chain(dup.former_names.split('、')) {
            if !name.is_empty() && name != keep.name && !former.iter().any(|f| f == name) {
                former.push(name.to_string());
            }
        }
        let mut row = keep.clone().into_active_model();
        row.former_names = Set(former.join("、"));
        if keep.uscc.is_none() && dup.uscc.is_some() {
            // The code moves to the survivor: clear it on the duplicate first (it is unique).
            let mut d = dup.clone().into_active_model();
            d.uscc = Set(None);
            d.update(&txn).await?;
            row.uscc = Set(dup.uscc.clone());
            row.uscc_valid = Set(dup.uscc_valid);
        }
        row.version = Set(keep.version + 1);
        row.updated_at = Set(Utc::now());
        let kept = row.update(&txn).await?;
        copy_to_targets(&txn, &kept).await?;
        let mut d = enterprise::Entity::find_by_id(duplicate_id).one(&txn).await?.expect("read above").into_active_model();
        d.merged_into_id = Set(Some(keep_id));
        d.version = Set(dup.version + 1);
        d.update(&txn).await?;
        audit::append(&txn, who, Event::new("merge", "enterprise", keep_id).detail(format!("并入「{}」（{}）", dup.name, duplicate_id))).await?;
        txn.commit().await?;
        Ok(kept)
    }
}
