//! API tokens and idempotency keys (m0013). A token is shown once when it is made; the database
//! keeps its SHA-256 only. Making and revoking a token is audited like a sign-in.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect};

use crate::audit::{self, Event};
use crate::entities::{api_token, idempotency_key, user};
use crate::passwords::{random_token, sha256_hex};
use crate::{Result, Store, StoreError, Who};

/// What every token starts with, so that a leaked one is recognisable (secret scanners, logs).
pub const TOKEN_PREFIX: &str = "zs_";
/// The longest a token may live.
pub const MAX_DAYS: i64 = 366;

/// A new token: the secret (shown once) and its record.
pub struct NewToken {
    pub secret: String,
    pub token: api_token::Model,
}

/// Why a presented token was not accepted (for the audit log; the client is told only 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Unknown,
    Revoked,
    Expired,
    UserInactive,
    UserLocked,
}

impl Refused {
    pub fn reason(self) -> &'static str {
        match self {
            Refused::Unknown => "令牌不存在",
            Refused::Revoked => "令牌已吊销",
            Refused::Expired => "令牌已过期",
            Refused::UserInactive => "令牌所属账号已停用",
            Refused::UserLocked => "令牌所属账号已锁定",
        }
    }
}

/// The status of a claimed key whose request has not finished (or whose process died before it
/// could keep the answer).
const IN_PROGRESS: i32 = 0;

/// What a key says about a request about to run.
#[derive(Debug, Clone)]
pub enum Claim {
    /// Not seen before: now taken; run the request and keep its answer.
    Fresh,
    /// Seen with the same request: its first answer.
    Replay(Replay),
    /// Seen with the same request, whose answer is not known (still running, or cut off).
    InProgress,
    /// Seen with another request.
    Mismatch,
}

/// A stored first answer to an idempotent POST.
#[derive(Debug, Clone)]
pub struct Replay {
    pub request_hash: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub location: String,
}

impl Store {
    /// Makes a token for `user_id` that expires after `days` (1 to 366).
    pub async fn create_token(&self, who: &Who, user_id: i64, name: &str, days: i64) -> Result<NewToken> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(StoreError::Invalid("请填写令牌用途（60 字以内），例如「统计局数据交换」".into()));
        }
        if !(1..=MAX_DAYS).contains(&days) {
            return Err(StoreError::Invalid(format!("有效期应为 1 至 {MAX_DAYS} 天")));
        }
        let owner = user::Entity::find_by_id(user_id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个用户".into()))?;
        if !owner.active {
            return Err(StoreError::Invalid("账号已停用，不能创建令牌".into()));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let now = Utc::now();
        let txn = self.begin_write().await?;
        let token = api_token::ActiveModel {
            user_id: Set(user_id),
            name: Set(name.to_string()),
            prefix: Set(secret.chars().take(10).collect()),
            token_hash: Set(sha256_hex(&secret)),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(days)),
            last_used_at: Set(None),
            last_used_ip: Set(String::new()),
            revoked_at: Set(None),
            created_by: Set(who.user_id),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let event = Event::new("create", "api_token", token.id).detail(format!("为 {} 创建令牌「{}」，{} 天后过期", owner.username, token.name, days));
        audit::append(&txn, who, event).await?;
        txn.commit().await?;
        Ok(NewToken { secret, token })
    }

    /// The token behind a presented secret, with its user, or why it is refused.
    pub async fn token_by_secret(&self, secret: &str, now: DateTime<Utc>) -> Result<std::result::Result<(api_token::Model, user::Model), (Refused, Option<api_token::Model>)>> {
        // The token and its owner in one statement: every API request asks this.
        let owned_by: sea_orm::RelationDef = api_token::Entity::belongs_to(user::Entity).from(api_token::Column::UserId).to(user::Column::Id).into();
        let found = api_token::Entity::find()
            .join(JoinType::LeftJoin, owned_by)
            .select_also(user::Entity)
            .filter(api_token::Column::TokenHash.eq(sha256_hex(secret)))
            .one(&self.db)
            .await?;
        let Some((token, owner)) = found else {
            return Ok(Err((Refused::Unknown, None)));
        };
        if token.revoked_at.is_some() {
            return Ok(Err((Refused::Revoked, Some(token))));
        }
        if token.expires_at <= now {
            return Ok(Err((Refused::Expired, Some(token))));
        }
        let Some(owner) = owner else {
            return Ok(Err((Refused::UserInactive, Some(token))));
        };
        if !owner.active {
            return Ok(Err((Refused::UserInactive, Some(token))));
        }
        if owner.locked_until.is_some_and(|t| t > now) {
            return Ok(Err((Refused::UserLocked, Some(token))));
        }
        Ok(Ok((token, owner)))
    }

    /// Notes when and from where a token was last used; at most once a minute per token.
    pub async fn touch_token(&self, token: &api_token::Model, ip: &str, now: DateTime<Utc>) -> Result<()> {
        if token.last_used_at.is_some_and(|t| now - t < Duration::seconds(60)) && token.last_used_ip == ip {
            return Ok(());
        }
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, sea_orm::sea_query::Expr::value(now))
            .col_expr(api_token::Column::LastUsedIp, sea_orm::sea_query::Expr::value(ip.chars().take(64).collect::<String>()))
            .filter(api_token::Column::Id.eq(token.id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn api_token(&self, id: i64) -> Result<api_token::Model> {
        api_token::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个令牌".into()))
    }

    /// A user's tokens, newest first (revoked and expired ones too, for the record).
    pub async fn tokens_of(&self, user_id: i64) -> Result<Vec<api_token::Model>> {
        Ok(api_token::Entity::find().filter(api_token::Column::UserId.eq(user_id)).order_by_desc(api_token::Column::Id).all(&self.db).await?)
    }

    /// Revokes a token at once; revoking a revoked token changes nothing.
    pub async fn revoke_token(&self, who: &Who, id: i64) -> Result<api_token::Model> {
        let txn = self.begin_write().await?;
        let token = api_token::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个令牌".into()))?;
        if token.revoked_at.is_some() {
            return Ok(token);
        }
        let mut active: api_token::ActiveModel = token.clone().into();
        active.revoked_at = Set(Some(Utc::now()));
        let token = active.update(&txn).await?;
        audit::append(&txn, who, Event::new("revoke", "api_token", id).detail(format!("吊销令牌「{}」（{}…）", token.name, token.prefix))).await?;
        txn.commit().await?;
        Ok(token)
    }

    /// Takes a user's idempotency key for a request before it runs. The key is written (as "in
    /// progress") before the request's own transaction, so that no crash, at any moment, lets a
    /// retry run the request a second time: a retry finds the key taken and gets the first answer,
    /// or, if the first run never finished, is told so.
    pub async fn claim_idempotency(&self, user_id: i64, key: &str, method: &str, path: &str, request_hash: &str) -> Result<Claim> {
        let row = idempotency_key::ActiveModel {
            user_id: Set(user_id),
            key: Set(key.to_string()),
            method: Set(method.to_string()),
            path: Set(path.chars().take(255).collect()),
            request_hash: Set(request_hash.to_string()),
            status: Set(IN_PROGRESS),
            content_type: Set(String::new()),
            body: Set(String::new()),
            location: Set(String::new()),
            created_at: Set(Utc::now()),
            ..Default::default()
        };
        match idempotency_key::Entity::insert(row).exec(&self.db).await {
            Ok(_) => return Ok(Claim::Fresh),
            Err(e) if matches!(e.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) => {}
            Err(e) => return Err(e.into()),
        }
        let found = idempotency_key::Entity::find()
            .filter(idempotency_key::Column::UserId.eq(user_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .one(&self.db)
            .await?
            .ok_or_else(|| StoreError::Conflict("同一 Idempotency-Key 的请求正在处理，请稍后重试".into()))?;
        if found.request_hash != request_hash {
            return Ok(Claim::Mismatch);
        }
        if found.status == IN_PROGRESS {
            return Ok(Claim::InProgress);
        }
        Ok(Claim::Replay(Replay {
            request_hash: found.request_hash,
            method: found.method,
            path: found.path,
            status: u16::try_from(found.status).unwrap_or(500),
            content_type: found.content_type,
            body: found.body,
            location: found.location,
        }))
    }

    /// Keeps the answer of a claimed key for the retries to come.
    pub async fn finish_idempotency(&self, user_id: i64, key: &str, replay: &Replay) -> Result<()> {
        idempotency_key::Entity::update_many()
            .col_expr(idempotency_key::Column::Status, sea_orm::sea_query::Expr::value(i32::from(replay.status)))
            .col_expr(idempotency_key::Column::ContentType, sea_orm::sea_query::Expr::value(replay.content_type.clone()))
            .col_expr(idempotency_key::Column::Body, sea_orm::sea_query::Expr::value(replay.body.clone()))
            .col_expr(idempotency_key::Column::Location, sea_orm::sea_query::Expr::value(replay.location.clone()))
            .filter(idempotency_key::Column::UserId.eq(user_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Gives a claimed key back when its answer says "try again" (nothing was done), so that the
    /// retry runs.
    pub async fn release_idempotency(&self, user_id: i64, key: &str) -> Result<()> {
        idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::UserId.eq(user_id))
            .filter(idempotency_key::Column::Key.eq(key))
            .filter(idempotency_key::Column::Status.eq(IN_PROGRESS))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets idempotency keys older than `keep` (a background job).
    pub async fn purge_idempotency(&self, keep: Duration) -> Result<u64> {
        Ok(idempotency_key::Entity::delete_many()
            .filter(idempotency_key::Column::CreatedAt.lt(Utc::now() - keep))
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
