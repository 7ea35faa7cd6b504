//! 我的: the user's own account, password change, sign-out everywhere.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};

use store::{audit, passwords};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::{FormData, Query};
use crate::views::{self, Page};
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
    if !passwords::verify(&current, &user.user.password_hash) {
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
        if passwords::verify(&new, &user.user.password_hash) || history.iter().any(|h| passwords::verify(&new, h)) {
            errors.push(format!("新密码不能与最近 {} 次使用过的密码相同", state.config.password.history.max(1)));
        }
    }
    if !errors.is_empty() {
        return render_password_page(&state, &user, errors);
    }
    state.store.set_password(&user.who(), user.user.id, passwords::hash(&new), false, Some(user.session_id)).await?;
    Ok(Redirect::to("/?done=password").into_response())
}

pub async fn sign_out_everywhere(State(state): State<AppState>, user: CurrentUser) -> Result<Response> {
    let ended = state.store.delete_sessions_of(user.user.id).await?;
    state.store.audit(&user.who(), audit::Event::new("logout_everywhere", "user", user.user.id).detail(format!("结束 {ended} 个会话"))).await?;
    let mut response = Redirect::to("/login?bye=1").into_response();
    crate::auth::append_cookie(&mut response, &crate::auth::set_cookie(&state, crate::auth::SESSION_COOKIE, "", true));
    Ok(response)
}
