//! 我的: the user's own account, password change, sign-out everywhere.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};

use store::{audit, passwords};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{FormData, Query};
use crate::views::{self, Page};
use crate::routes::session::hashing;
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    page: Page,
    user: store::entities::user::Model,
    roles: String,
    password_changed: String,
}

pub async fn account(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let page = AccountPage {
        page: Page::new(&state, &user, "我的", "account").with_flash(&q.get("done")),
        roles: views::role_labels(&user.user.roles),
        password_changed: views::local_time(&user.user.password_changed_at),
        user: user.user,
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    page: Page,
    forced: bool,
    rules: String,
    errors: Vec<String>,
}

fn rules(state: &AppState) -> String {
    let p = &state.config.password;
    format!("至少 {} 个字符，包含小写字母、大写字母、数字、符号中的至少 {} 类，不能包含用户名，不能与最近 {} 次密码相同。", p.min_length, p.min_classes, p.history)
}

fn render_password_page(state: &AppState, user: &CurrentUser, errors: Vec<String>) -> Result<Response> {
    let page = PasswordPage { page: Page::new(state, user, "修改密码", "account"), forced: user.must_change_password, rules: rules(state), errors };
    Ok(Html(page.render()?).into_response())
}

pub async fn password_page(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    render_password_page(&state, &user, Vec::new())
}

pub async fn change_password(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let current = form.raw("current_password");
    let new = form.raw("new_password");
    let confirm = form.raw("confirm_password");
    let stored = user.user.password_hash.clone();
    if !hashing(move || passwords::verify(&current, &stored)).await? {
        state.store.audit(&user.who(), audit::Event::new("change_password", "user", user.user.id).outcome(audit::FAILED).detail("当前密码错误")).await?;
        return render_password_page(&state, &user, vec!["当前密码不正确".into()]);
    }
    let mut errors = Vec::new();
    if new != confirm {
        errors.push("两次输入的新密码不一致".to_string());
    }
    if let Err(problems) = state.config.password.check(&new, &user.user.username) {
        errors.extend(problems);
    }
    if errors.is_empty() {
        let history = state.store.password_history(user.user.id, state.config.password.history.max(1)).await?;
        let (candidate, stored) = (new.clone(), user.user.password_hash.clone());
        if hashing(move || passwords::verify(&candidate, &stored) || history.iter().any(|h| passwords::verify(&candidate, h))).await? {
            errors.push(format!("新密码不能与最近 {} 次使用过的密码相同", state.config.password.history.max(1)));
        }
    }
    if !errors.is_empty() {
        return render_password_page(&state, &user, errors);
    }
    let hash = hashing(move || passwords::hash(&new)).await?;
    state.store.set_password(&user.who(), user.user.id, hash, false, Some(user.session_id)).await?;
    Ok(Redirect::to("/?done=password").into_response())
}

pub async fn sign_out_everywhere(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let ended = state.store.delete_sessions_of(user.user.id).await?;
    state.store.audit(&user.who(), audit::Event::new("logout_everywhere", "user", user.user.id).detail(format!("结束 {ended} 个会话"))).await?;
    let mut response = Redirect::to("/login?bye=1").into_response();
    crate::auth::append_cookie(&mut response, &crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", true));
    Ok(response)
}

// ---- API tokens ---------------------------------------------------------------------------

struct TokenLine {
    token: store::entities::api_token::Model,
    created: String,
    expires: String,
    last_used: String,
    /// 有效 / 已过期 / 已吊销
    status: &'static str,
    live: bool,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    page: Page,
    tokens: Vec<TokenLine>,
    /// The secret of a token just made: shown once, here.
    secret: Option<String>,
    error: Option<String>,
    name: String,
    days: String,
    max_days: i64,
}

async fn render_tokens(state: &AppState, user: &CurrentUser, secret: Option<String>, error: Option<String>, form: &FormData, flash: &str) -> Result<Response> {
    let now = chrono::Utc::now();
    let tokens = state
        .store
        .tokens_of(user.user.id)
        .await?
        .into_iter()
        .map(|t| {
            let (status, live) = match (t.revoked_at, t.expires_at <= now) {
                (Some(_), _) => ("已吊销", false),
                (None, true) => ("已过期", false),
                (None, false) => ("有效", true),
            };
            TokenLine {
                created: views::local_time(&t.created_at),
                expires: views::local_time(&t.expires_at),
                last_used: t.last_used_at.map(|at| format!("{}（{}）", views::local_time(&at), t.last_used_ip)).unwrap_or_else(|| "从未使用".into()),
                status,
                live,
                token: t,
            }
        })
        .collect();
    let days = form.get("days");
    let page = TokensPage {
        page: Page::new(state, user, "接口令牌", "account").with_flash(flash),
        tokens,
        secret,
        error,
        name: form.get("name"),
        days: if days.is_empty() { "90".into() } else { days },
        max_days: store::api_tokens::MAX_DAYS,
    };
    Ok(Html(page.render()?).into_response())
}

/// The user's API tokens, and the form to make one.
pub async fn tokens(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    render_tokens(&state, &user, None, None, &FormData::default(), &q.get("done")).await
}

/// Makes a token for the signed-in user and shows it once.
pub async fn create_token(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    let days = match form.get("days").parse::<i64>() {
        Ok(d) => d,
        Err(_) => return render_tokens(&state, &user, None, Some("有效期应为天数，例如 90".into()), &form, "").await,
    };
    match state.store.create_token(&user.who(), user.user.id, &form.get("name"), days).await {
        Ok(made) => render_tokens(&state, &user, Some(made.secret), None, &FormData::default(), "").await,
        Err(store::StoreError::Invalid(m)) => render_tokens(&state, &user, None, Some(m), &form, "").await,
        Err(e) => Err(e.into()),
    }
}

/// Revokes one of the user's own tokens (an administrator may revoke anyone's).
pub async fn revoke_token(State(state): State<AppState>, user: CurrentUser, axum::extract::Path(id): axum::extract::Path<String>) -> Result<Response> {
    let id = crate::forms::parse_id(&id)?;
    let token = state.store.api_token(id).await?;
    if token.user_id != user.user.id {
        user.can(domain::access::Power::ManageUsers, "revoke", "api_token", id)?;
    }
    state.store.revoke_token(&user.who(), id).await?;
    Ok(Redirect::to("/account/tokens?done=revoked").into_response())
}
