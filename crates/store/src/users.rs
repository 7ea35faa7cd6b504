//! Accounts: creation, changes, sign-in bookkeeping (failures, lockout) and passwords.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, EntityTrait, FromQueryResult, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};

use domain::Role;

use crate::audit::{self, Event};
use crate::entities::{password_history, session, unit, user};
use crate::units::invalid_if;
use crate::{Result, Store, StoreError, Who};

/// An account as a picker shows it.
#[derive(Debug, Clone, FromQueryResult)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub display_name: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub unit_id: i64,
    pub roles: Vec<Role>,
    pub password_hash: String,
    pub must_change_password: bool,
}

/// Fields an administrator can change.
#[derive(Debug, Clone)]
pub struct UserChanges {
    pub display_name: String,
    pub phone: String,
    pub unit_id: i64,
    pub roles: Vec<Role>,
    pub active: bool,
}

pub fn check_username(username: &str) -> Option<String> {
    let ok = (2..=64).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
    (!ok).then(|| "用户名为 2–64 位小写字母、数字或 . _ -".to_string())
}

fn check_profile(display_name: &str, phone: &str, roles: &[Role]) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    if display_name.trim().is_empty() || display_name.chars().count() > 32 {
        errors.push(("display_name", "姓名必填，最长 32 个字".to_string()));
    }
    if !phone.is_empty() && !(phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())) {
        errors.push(("phone", "手机号应为 11 位数字，以 1 开头".to_string()));
    }
    if roles.is_empty() {
        errors.push(("roles", "至少选择一个角色".to_string()));
    }
    errors
}

/// A new account's row: active, unlocked, its password set now.
fn new_row(new: &NewUser, now: DateTime<Utc>) -> user::ActiveModel {
    user::ActiveModel {
        username: Set(new.username.clone()),
        display_name: Set(new.display_name.trim().to_string()),
        phone: Set(new.phone.clone()),
        unit_id: Set(new.unit_id),
        roles: Set(Role::join(&new.roles)),
        password_hash: Set(new.password_hash.clone()),
        password_changed_at: Set(now),
        must_change_password: Set(new.must_change_password),
        failed_logins: Set(0),
        locked_until: Set(None),
        active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
}

/// What happened to a sign-in attempt's bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    Counted(i32),
    LockedUntil(DateTime<Utc>),
}

impl Store {
    pub async fn user(&self, id: i64) -> Result<user::Model> {
        user::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))
    }

    /// The display names of these accounts. Pages name the people behind follow-ups, targets and
    /// projects; a province has a few thousand accounts, so their names are read together and kept
    /// briefly (as the unit directory is), and an account newer than what is kept is read itself.
    /// A rename through this instance is shown at once, through another within seconds.
    pub async fn user_names(&self, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>> {
        let names_of = |which: Condition| user::Entity::find().select_only().columns([user::Column::Id, user::Column::DisplayName]).filter(which).into_tuple::<(i64, String)>();
        let kept = self.user_names.get_or_read(|| async { Ok(names_of(Condition::all()).all(&self.db).await?.into_iter().collect()) }).await?;
        let mut names = HashMap::new();
        let mut newer = Vec::new();
        for id in ids {
            match kept.get(&id) {
                Some(name) => {
                    names.insert(id, name.clone());
                }
                None => newer.push(id),
            }
        }
        newer.sort_unstable();
        newer.dedup();
        for chunk in newer.chunks(500) {
            names.extend(names_of(Condition::all().add(user::Column::Id.is_in(chunk.to_vec()))).all(&self.db).await?);
        }
        Ok(names)
    }

    pub async fn user_by_name(&self, username: &str) -> Result<Option<user::Model>> {
        Ok(user::Entity::find().filter(user::Column::Username.eq(username.trim())).one(&self.db).await?)
    }

    /// The active accounts of some units, by unit and user name, in one query, as a picker shows
    /// them: a project's page offers a hundred or so, and reads only these three columns of each.
    pub async fn active_people_of(&self, unit_ids: &[i64]) -> Result<Vec<Person>> {
        Ok(user::Entity::find()
            .select_only()
            .columns([user::Column::Id, user::Column::Username, user::Column::DisplayName])
            .filter(user::Column::UnitId.is_in(unit_ids.iter().copied()))
            .filter(user::Column::Active.eq(true))
            .order_by_asc(user::Column::UnitId)
            .order_by_asc(user::Column::Username)
            .limit(2000)
            .into_model::<Person>()
            .all(&self.db)
            .await?)
    }

    /// Users, optionally of one unit, with a name filter.
    pub async fn users(&self, unit_id: Option<i64>, query: &str) -> Result<Vec<user::Model>> {
        let mut cond = Condition::all();
        if let Some(unit_id) = unit_id {
            cond = cond.add(user::Column::UnitId.eq(unit_id));
        }
        let query = query.trim();
        if !query.is_empty() {
            cond = cond.add(
                Condition::any()
                    .add(user::Column::Username.contains(query))
                    .add(user::Column::DisplayName.contains(query))
                    .add(user::Column::Phone.contains(query)),
            );
        }
        Ok(user::Entity::find().filter(cond).order_by_asc(user::Column::UnitId).order_by_asc(user::Column::Username).limit(2000).all(&self.db).await?)
    }

    /// Accounts locked right now (after failed passwords or by an admin).
    pub async fn count_locked_users(&self) -> Result<u64> {
        Ok(user::Entity::find().filter(user::Column::LockedUntil.gt(Utc::now())).count(&self.db).await?)
    }

    pub async fn count_users(&self) -> Result<u64> {
        Ok(user::Entity::find().count(&self.db).await?)
    }

    /// The accounts of one unit, counted without reading them.
    pub async fn count_users_of(&self, unit_id: i64) -> Result<u64> {
        Ok(user::Entity::find().filter(user::Column::UnitId.eq(unit_id)).count(&self.db).await?)
    }

    pub async fn create_user(&self, who: &Who, new: NewUser) -> Result<user::Model> {
        let mut errors = check_profile(&new.display_name, &new.phone, &new.roles);
        if let Some(e) = check_username(&new.username) {
            errors.insert(0, ("username", e));
        }
        invalid_if(errors)?;
        let txn = self.begin_write().await?;
        if unit::Entity::find_by_id(new.unit_id).one(&txn).await?.is_none() {
            return Err(StoreError::Invalid("所选单位不存在".into()));
        }
        if user::Entity::find().filter(user::Column::Username.eq(&new.username)).one(&txn).await?.is_some() {
            return Err(StoreError::Invalid(format!("用户名「{}」已存在", new.username)));
        }
        let now = Utc::now();
        let row = new_row(&new, now).insert(&txn).await?;
        password_history::ActiveModel {
            user_id: Set(row.id),
            password_hash: Set(new.password_hash),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "user", row.id).change(None, Some(&row))).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn update_user(&self, who: &Who, id: i64, changes: UserChanges) -> Result<user::Model> {
        invalid_if(check_profile(&changes.display_name, &changes.phone, &changes.roles))?;
        let txn = self.begin_write().await?;
        let before = user::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))?;
        if unit::Entity::find_by_id(changes.unit_id).one(&txn).await?.is_none() {
            return Err(StoreError::Invalid("所选单位不存在".into()));
        }
        let mut row = before.clone().into_active_model();
        row.display_name = Set(changes.display_name.trim().to_string());
        row.phone = Set(changes.phone);
        row.unit_id = Set(changes.unit_id);
        row.roles = Set(Role::join(&changes.roles));
        row.active = Set(changes.active);
        row.updated_at = Set(Utc::now());
        let after = row.update(&txn).await?;
        if !after.active || after.roles != before.roles || after.unit_id != before.unit_id {
            // New rights or none: existing sessions must sign in again.
            session::Entity::delete_many().filter(session::Column::UserId.eq(id)).exec(&txn).await?;
        }
        audit::append(&txn, who, Event::new("update", "user", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        self.user_names.forget();
        Ok(after)
    }

    /// Counts a failed password; the `threshold`-th failure locks the account.
    pub async fn record_login_failure(&self, who: &Who, user_id: i64, threshold: i32, lock_minutes: i64) -> Result<FailureOutcome> {
        let txn = self.begin_write().await?;
        let before = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))?;
        let failures = before.failed_logins + 1;
        let mut row = before.into_active_model();
        let outcome = if failures >= threshold {
            let until = Utc::now() + Duration::minutes(lock_minutes);
            row.failed_logins = Set(0);
            row.locked_until = Set(Some(until));
            FailureOutcome::LockedUntil(until)
        } else {
            row.failed_logins = Set(failures);
            FailureOutcome::Counted(failures)
        };
        row.update(&txn).await?;
        let detail = match outcome {
            FailureOutcome::Counted(n) => format!("密码错误，连续第 {n} 次"),
            FailureOutcome::LockedUntil(until) => format!("密码连续错误 {threshold} 次，账号锁定至 {}", until.format("%Y-%m-%d %H:%M UTC")),
        };
        audit::append(&txn, who, Event::new("login", "user", user_id).outcome(audit::FAILED).detail(detail)).await?;
        txn.commit().await?;
        Ok(outcome)
    }

    pub async fn record_login_success(&self, who: &Who, user_id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        user::Entity::update_many()
            .col_expr(user::Column::FailedLogins, sea_orm::sea_query::Expr::value(0))
            .col_expr(user::Column::LockedUntil, sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(user::Column::LastLoginAt, sea_orm::sea_query::Expr::value(Some(Utc::now())))
            .filter(user::Column::Id.eq(user_id))
            .exec(&txn)
            .await?;
        audit::append(&txn, who, Event::new("login", "user", user_id)).await?;
        txn.commit().await?;
        Ok(())
    }

    pub async fn set_locked(&self, who: &Who, user_id: i64, until: Option<DateTime<Utc>>) -> Result<()> {
        let txn = self.begin_write().await?;
        let before = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))?;
        let mut row = before.clone().into_active_model();
        row.locked_until = Set(until);
        row.failed_logins = Set(0);
        let after = row.update(&txn).await?;
        if until.is_some() {
            session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(&txn).await?;
        }
        let action = if until.is_some() { "lock" } else { "unlock" };
        audit::append(&txn, who, Event::new(action, "user", user_id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The last `n` password hashes of a user, newest first.
    pub async fn password_history(&self, user_id: i64, n: usize) -> Result<Vec<String>> {
        Ok(password_history::Entity::find()
            .filter(password_history::Column::UserId.eq(user_id))
            .order_by_desc(password_history::Column::Id)
            .limit(n as u64)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|h| h.password_hash)
            .collect())
    }

    /// Sets a new password hash. `keep_session` is the session that stays signed in (the
    /// one that changed its own password); every other session of the user ends.
    pub async fn set_password(&self, who: &Who, user_id: i64, hash: String, must_change: bool, keep_session: Option<i64>) -> Result<()> {
        let txn = self.begin_write().await?;
        let before = user::Entity::find_by_id(user_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))?;
        let now = Utc::now();
        let mut row = before.into_active_model();
        row.password_hash = Set(hash.clone());
        row.password_changed_at = Set(now);
        row.must_change_password = Set(must_change);
        row.failed_logins = Set(0);
        row.locked_until = Set(None);
        row.updated_at = Set(now);
        row.update(&txn).await?;
        password_history::ActiveModel { user_id: Set(user_id), password_hash: Set(hash), created_at: Set(now), ..Default::default() }
            .insert(&txn)
            .await?;
        let mut others = session::Entity::delete_many().filter(session::Column::UserId.eq(user_id));
        if let Some(keep) = keep_session {
            others = others.filter(session::Column::Id.ne(keep));
        }
        others.exec(&txn).await?;
        let action = if who.user_id == Some(user_id) { "change_password" } else { "reset_password" };
        audit::append(&txn, who, Event::new(action, "user", user_id)).await?;
        txn.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Inserts many accounts in one transaction with a single audit entry (generated data).
    pub async fn insert_users_bulk(&self, who: &Who, users: Vec<NewUser>, note: &str) -> Result<usize> {
        let count = users.len();
        let txn = self.begin_write().await?;
        let now = Utc::now();
        for chunk in users.chunks(500) {
            let rows = chunk.iter().map(|new| new_row(new, now));
            user::Entity::insert_many(rows).exec(&txn).await?;
        }
        audit::append(&txn, who, Event::new("create", "user", "").detail(format!("{note}：批量创建 {count} 个账号"))).await?;
        txn.commit().await?;
        Ok(count)
    }
}

impl Store {
    /// Gives every account the same password: for demo databases only, refused otherwise.
    pub async fn demo_set_all_passwords(&self, hash: &str) -> Result<u64> {
        if crate::settings::get(&self.db, crate::settings::DEMO_DATA).await?.as_deref() != Some("true") {
            return Err(StoreError::Invalid("只有演示数据库可以统一设置密码".into()));
        }
        let txn = self.begin_write().await?;
        let n = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, sea_orm::sea_query::Expr::value(hash.to_string()))
            .col_expr(user::Column::MustChangePassword, sea_orm::sea_query::Expr::value(false))
            .col_expr(user::Column::PasswordChangedAt, sea_orm::sea_query::Expr::value(Utc::now()))
            .exec(&txn)
            .await?
            .rows_affected;
        audit::append(&txn, &Who::system("demo"), Event::new("reset_password", "user", "").detail(format!("演示数据库：{n} 个账号使用统一密码"))).await?;
        txn.commit().await?;
        Ok(n)
    }
}
