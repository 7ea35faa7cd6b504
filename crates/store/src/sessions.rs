//! Sign-in sessions in the database, so that several instances share them.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult, JoinType, QueryFilter, QuerySelect, QueryTrait};

use crate::entities::{notification, session, user};
use crate::passwords::{random_token, sha256_hex};
use crate::{Result, Store};

/// The column of the unread count in [`Store::live_session`]'s statement.
const UNREAD: &str = "unread";

/// A live session, its user and (for a page view) their unread notifications.
pub struct LiveSession {
    pub session: session::Model,
    pub user: user::Model,
    pub unread: u64,
}

/// A new session: the cookie token (shown to the browser once, stored only as a hash).
pub struct NewSession {
    pub token: String,
    pub session: session::Model,
}

impl Store {
    pub async fn create_session(&self, user_id: i64, ip: &str, user_agent: &str) -> Result<NewSession> {
        let token = random_token();
        let now = Utc::now();
        let session = session::ActiveModel {
            token_hash: Set(sha256_hex(&token)),
            user_id: Set(user_id),
            csrf_token: Set(random_token()),
            created_at: Set(now),
            last_seen_at: Set(now),
            ip: Set(ip.chars().take(64).collect()),
            user_agent: Set(user_agent.chars().take(255).collect()),
            ..Default::default()
        }
        .insert(&self.db)
        .await?;
        Ok(NewSession { token, session })
    }

    /// The live session behind a cookie token, with its user; expired sessions are removed.
    pub async fn session_by_token(&self, token: &str, idle: Duration, absolute: Duration) -> Result<Option<(session::Model, user::Model)>> {
        Ok(self.live_session(token, idle, absolute, false).await?.map(|s| (s.session, s.user)))
    }

    /// [`Store::session_by_token`], and with `count_unread` (a page view, which shows them) the
    /// user's unread notifications too: one statement for all three, as every page asks them.
    pub async fn live_session(&self, token: &str, idle: Duration, absolute: Duration, count_unread: bool) -> Result<Option<LiveSession>> {
        let owner: sea_orm::RelationDef = session::Entity::belongs_to(user::Entity).from(session::Column::UserId).to(user::Column::Id).into();
        let mut select = session::Entity::find().join(JoinType::InnerJoin, owner).select_also(user::Entity).filter(session::Column::TokenHash.eq(sha256_hex(token))).limit(1);
        if count_unread {
            let unread = Query::select()
                .expr(Expr::col((notification::Entity, notification::Column::Id)).count())
                .from(notification::Entity)
                .and_where(Expr::col((notification::Entity, notification::Column::UserId)).equals((user::Entity, user::Column::Id)))
                .and_where(Expr::col((notification::Entity, notification::Column::ReadAt)).is_null())
                .to_owned();
            select = select.expr_as(Expr::SubQuery(None, Box::new(unread.into())), UNREAD);
        }
        let Some(row) = self.db.query_one_raw(select.build(self.backend())).await? else {
            return Ok(None);
        };
        let session = session::Model::from_query_result(&row, "A_")?;
        let user = user::Model::from_query_result(&row, "B_")?;
        let unread = if count_unread { u64::try_from(row.try_get::<i64>("", UNREAD)?).unwrap_or(0) } else { 0 };
        let now = Utc::now();
        if now - session.last_seen_at > idle || now - session.created_at > absolute || !user.active {
            session::Entity::delete_by_id(session.id).exec(&self.db).await?;
            return Ok(None);
        }
        Ok(Some(LiveSession { session, user, unread }))
    }

    /// Marks the session as used now; skipped when it was marked within the last minute.
    pub async fn touch_session(&self, session: &session::Model) -> Result<()> {
        let now = Utc::now();
        if now - session.last_seen_at > Duration::seconds(60) {
            session::Entity::update_many()
                .col_expr(session::Column::LastSeenAt, sea_orm::sea_query::Expr::value(now))
                .filter(session::Column::Id.eq(session.id))
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }

    pub async fn delete_session(&self, id: i64) -> Result<()> {
        session::Entity::delete_by_id(id).exec(&self.db).await?;
        Ok(())
    }

    pub async fn delete_sessions_of(&self, user_id: i64) -> Result<u64> {
        Ok(session::Entity::delete_many().filter(session::Column::UserId.eq(user_id)).exec(&self.db).await?.rows_affected)
    }

    /// Removes sessions past either timeout (a background job).
    pub async fn purge_sessions(&self, idle: Duration, absolute: Duration) -> Result<u64> {
        let now: DateTime<Utc> = Utc::now();
        Ok(session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::LastSeenAt.lt(now - idle))
                    .add(session::Column::CreatedAt.lt(now - absolute)),
            )
            .exec(&self.db)
            .await?
            .rows_affected)
    }
}
