//! Units (单位).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder};

use domain::{UnitKind, region};

use crate::audit::{self, Event};
use crate::entities::unit;
use crate::{Result, Store, StoreError, Who};

/// What a form or the profile gives for a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub kind: UnitKind,
    pub region_code: String,
    pub parent_id: Option<i64>,
    pub covers: Vec<String>,
    pub active: bool,
}

impl UnitInput {
    /// Checks the fields; the errors are per field (name, message), in Chinese.
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        let code = self.code.trim();
        if code.is_empty() || code.len() > 32 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errors.push(("code", "单位代码必填，只能由字母、数字和 - 组成，最长 32 位".to_string()));
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 64 {
            errors.push(("name", "单位名称必填，最长 64 个字".to_string()));
        }
        if let Err(e) = region::lookup(&self.region_code) {
            errors.push(("region_code", e));
        }
        for cover in &self.covers {
            if let Err(e) = region::lookup(cover) {
                errors.push(("covers", e));
            }
        }
        errors
    }
}

/// The units by id and their names, as kept by [`crate::kept::Kept`].
#[derive(Debug)]
pub(crate) struct Directory {
    units: Vec<unit::Model>,
    names: Arc<HashMap<i64, String>>,
}

impl Store {
    /// Every unit, by id.
    pub async fn units(&self) -> Result<Vec<unit::Model>> {
        Ok(self.unit_directory().await?.units.clone())
    }

    /// Every unit's name by its id.
    pub async fn unit_names(&self) -> Result<Arc<HashMap<i64, String>>> {
        Ok(self.unit_directory().await?.names.clone())
    }

    async fn unit_directory(&self) -> Result<Arc<Directory>> {
        self.units
            .get_or_read(|| async {
                let units = unit::Entity::find().order_by_asc(unit::Column::Id).all(&self.db).await?;
                let names = Arc::new(units.iter().map(|u| (u.id, u.name.clone())).collect());
                Ok(Directory { units, names })
            })
            .await
    }

    pub async fn unit(&self, id: i64) -> Result<unit::Model> {
        let directory = self.unit_directory().await?;
        if let Ok(at) = directory.units.binary_search_by_key(&id, |u| u.id) {
            return Ok(directory.units[at].clone());
        }
        // Made by another instance since this one read the directory.
        unit::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个单位".into()))
    }

    pub async fn unit_by_code(&self, code: &str) -> Result<Option<unit::Model>> {
        Ok(unit::Entity::find().filter(unit::Column::Code.eq(code.trim())).one(&self.db).await?)
    }

    pub async fn create_unit(&self, who: &Who, input: &UnitInput) -> Result<unit::Model> {
        invalid_if(input.check())?;
        let txn = self.begin_write().await?;
        if unit::Entity::find().filter(unit::Column::Code.eq(input.code.trim())).one(&txn).await?.is_some() {
            return Err(StoreError::Invalid(format!("单位代码「{}」已被使用", input.code.trim())));
        }
        check_parent(&txn, input.parent_id, None).await?;
        let now = Utc::now();
        let row = unit::ActiveModel {
            code: Set(input.code.trim().to_string()),
            name: Set(input.name.trim().to_string()),
            kind: Set(input.kind.code().to_string()),
            region_code: Set(region::lookup(&input.region_code).map(|r| r.code.to_string()).unwrap_or_default()),
            parent_id: Set(input.parent_id),
            covers: Set(input.covers.join(",")),
            active: Set(input.active),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "unit", row.id).change(None, Some(&row))).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(row)
    }

    pub async fn update_unit(&self, who: &Who, id: i64, input: &UnitInput) -> Result<unit::Model> {
        invalid_if(input.check())?;
        let txn = self.begin_write().await?;
        let before = unit::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个单位".into()))?;
        if let Some(other) = unit::Entity::find().filter(unit::Column::Code.eq(input.code.trim())).one(&txn).await? {
            if other.id != id {
                return Err(StoreError::Invalid(format!("单位代码「{}」已被「{}」使用", input.code.trim(), other.name)));
            }
        }
        check_parent(&txn, input.parent_id, Some(id)).await?;
        let mut row = before.clone().into_active_model();
        row.code = Set(input.code.trim().to_string());
        row.name = Set(input.name.trim().to_string());
        row.kind = Set(input.kind.code().to_string());
        row.region_code = Set(region::lookup(&input.region_code).map(|r| r.code.to_string()).unwrap_or_default());
        row.parent_id = Set(input.parent_id);
        row.covers = Set(input.covers.join(","));
        row.active = Set(input.active);
        row.updated_at = Set(Utc::now());
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "unit", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(after)
    }
}

/// A parent must exist and must not be the unit itself or one of its descendants.
async fn check_parent(conn: &impl sea_orm::ConnectionTrait, parent_id: Option<i64>, this: Option<i64>) -> Result<()> {
    let mut next = parent_id;
    let mut steps = 0;
    while let Some(id) = next {
        if Some(id) == this {
            return Err(StoreError::Invalid("上级单位不能是本单位或其下级单位".into()));
        }
        let parent = unit::Entity::find_by_id(id).one(conn).await?.ok_or_else(|| StoreError::Invalid("上级单位不存在".into()))?;
        next = parent.parent_id;
        steps += 1;
        if steps > 32 {
            return Err(StoreError::Invalid("单位层级过深".into()));
        }
    }
    Ok(())
}

/// A unit a record is being given to: it must exist and be active. Read inside the writing
/// transaction, so that a unit made inactive a moment ago is refused and an id that names no unit
/// gets a message instead of the database's foreign-key error.
pub(crate) async fn active_unit(conn: &impl sea_orm::ConnectionTrait, id: i64, what: &str) -> Result<unit::Model> {
    unit::Entity::find_by_id(id).one(conn).await?.filter(|u| u.active).ok_or_else(|| StoreError::Invalid(format!("所选{what}不存在或已停用")))
}

pub(crate) fn invalid_if(errors: Vec<(&'static str, String)>) -> Result<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors.into_iter().map(|(_, m)| m).collect::<Vec<_>>().join("；")))
    }
}
