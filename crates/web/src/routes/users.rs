//! Accounts: admins manage them; others see their own unit's people; reading someone of
//! another unit is refused and audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};

use domain::Role;
use domain::access::{Access, Owner, Power};
use store::entities::{unit, user};
use store::passwords;
use store::users::{NewUser, UserChanges};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::{self, Page};
use crate::AppState;

pub struct UserRow {
    pub user: user::Model,
    pub unit_name: String,
    pub roles: String,
    pub locked: bool,
}

fn to_rows(users: Vec<user::Model>, units: &[unit::Model]) -> Vec<UserRow> {
    let now = Utc::now();
    users
        .into_iter()
        .map(|u| UserRow {
            unit_name: units.iter().find(|x| x.id == u.unit_id).map(|x| x.name.clone()).unwrap_or_default(),
            roles: views::role_labels(&u.roles),
            locked: u.locked_until.is_some_and(|t| t > now),
            user: u,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    page: Page,
    rows: Vec<UserRow>,
    q: String,
    unit_id: String,
    locked_only: bool,
    units: Vec<unit::Model>,
    see_all: bool,
    can_manage: bool,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let see_all = user.actor.can(Power::SeeAllUnits).is_ok();
    let unit_filter = if see_all { q.id("unit_id", "单位")? } else { Some(user.unit.id) };
    let units = state.store.units().await?;
    let mut rows = to_rows(state.store.users(unit_filter, &q.get("q")).await?, &units);
    let locked_only = q.get("locked") == "1";
    if locked_only {
        rows.retain(|r| r.locked);
    }
    let title = if see_all { "用户" } else { "本单位人员" };
    let page = UsersPage {
        page: Page::new(&state, &user, title, "users").with_flash(&q.get("done")),
        rows,
        q: q.get("q"),
        unit_id: unit_filter.map(|u| u.to_string()).unwrap_or_default(),
        locked_only,
        units,
        see_all,
        can_manage: user.actor.can(Power::ManageUsers).is_ok(),
    };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    page: Page,
    row: UserRow,
    can_manage: bool,
    last_login: String,
    locked_until: String,
    new_password: Option<String>,
}

async fn load_readable(state: &AppState, viewer: &CurrentUser, raw_id: &str) -> Result<user::Model> {
    let id = parse_id(raw_id)?;
    let target = state.store.user(id).await?;
    viewer.may(Access::Read, Owner::unit(target.unit_id), "user", id)?;
    Ok(target)
}

async fn render_user(state: &AppState, viewer: &CurrentUser, target: user::Model, flash: &str, new_password: Option<String>) -> Result<Response> {
    let units = state.store.units().await?;
    let last_login = views::local_time_opt(&target.last_login_at);
    let locked_until = views::local_time_opt(&target.locked_until.filter(|t| *t > Utc::now()));
    let row = to_rows(vec![target], &units).pop().ok_or_else(|| AppError::NotFound("没有这个用户".into()))?;
    let page = UserPage {
        page: Page::new(state, viewer, row.user.display_name.clone(), "users").with_flash(flash),
        row,
        can_manage: viewer.actor.can(Power::ManageUsers).is_ok(),
        last_login,
        locked_until,
        new_password,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, Query(q): Query) -> Result<Response> {
    let target = load_readable(&state, &user, &id).await?;
    render_user(&state, &user, target, &q.get("done"), None).await
}

#[derive(Template)]
#[template(path = "user_form.html")]
struct UserForm {
    page: Page,
    action: String,
    creating: bool,
    form: FormData,
    units: Vec<unit::Model>,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
}

async fn render_form(state: &AppState, viewer: &CurrentUser, creating: bool, action: String, form: FormData, error: Option<String>) -> Result<Response> {
    let page = UserForm {
        page: Page::new(state, viewer, if creating { "新建账号" } else { "修改账号" }, "users"),
        action,
        creating,
        form,
        units: state.store.units().await?,
        roles: Role::ALL.iter().map(|r| (r.code(), r.label())).collect(),
        error,
    };
    Ok(Html(page.render()?).into_response())
}

fn roles_from(form: &FormData) -> Result<Vec<Role>> {
    Role::parse_list(&form.all("roles").join(",")).map_err(AppError::BadRequest)
}

fn unit_from(form: &FormData) -> Result<i64> {
    form.id("unit_id", "单位")?.ok_or_else(|| AppError::BadRequest("请选择单位".into()))
}

pub async fn new_page(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Response> {
    user.can(Power::ManageUsers, "create", "user", "")?;
    let form = FormData(vec![("unit_id".into(), q.get("unit_id")), ("roles".into(), "officer".into())]);
    render_form(&state, &user, true, "/users/new".into(), form, None).await
}

pub async fn create(State(state): State<AppState>, user: CurrentUser, form: FormData) -> Result<Response> {
    user.can(Power::ManageUsers, "create", "user", "")?;
    let password = passwords::random_password();
    let attempt = async {
        let new = NewUser {
            username: form.get("username").to_lowercase(),
            display_name: form.get("display_name"),
            phone: form.get("phone"),
            unit_id: unit_from(&form)?,
            roles: roles_from(&form)?,
            password_hash: passwords::hash(&password),
            must_change_password: true,
        };
        Ok::<_, AppError>(state.store.create_user(&user.who(), new).await?)
    };
    match attempt.await {
        Ok(created) => render_user(&state, &user, created, "created", Some(password)).await,
        Err(AppError::BadRequest(message)) => render_form(&state, &user, true, "/users/new".into(), form, Some(message)).await,
        Err(e) => Err(e),
    }
}

pub async fn edit_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUsers, "update", "user", id)?;
    let target = state.store.user(id).await?;
    let mut fields = vec![
        ("username".to_string(), target.username.clone()),
        ("display_name".to_string(), target.display_name.clone()),
        ("phone".to_string(), target.phone.clone()),
        ("unit_id".to_string(), target.unit_id.to_string()),
        ("active".to_string(), if target.active { "1".into() } else { String::new() }),
    ];
    fields.extend(Role::parse_list(&target.roles).unwrap_or_default().iter().map(|r| ("roles".to_string(), r.code().to_string())));
    render_form(&state, &user, false, format!("/users/{id}/edit"), FormData(fields), None).await
}

pub async fn update(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUsers, "update", "user", id)?;
    let target = state.store.user(id).await?;
    let attempt = async {
        let changes = UserChanges {
            display_name: form.get("display_name"),
            phone: form.get("phone"),
            unit_id: unit_from(&form)?,
            roles: roles_from(&form)?,
            active: form.checked("active"),
        };
        if id == user.user.id && (!changes.active || !changes.roles.contains(&Role::Admin)) {
            return Err(AppError::BadRequest("不能停用自己的账号或取消自己的管理员角色".into()));
        }
        Ok(state.store.update_user(&user.who(), id, changes).await?)
    };
    match attempt.await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{id}?done=saved")).into_response()),
        Err(AppError::BadRequest(message)) => {
            let mut form = form;
            form.0.push(("username".into(), target.username));
            render_form(&state, &user, false, format!("/users/{id}/edit"), form, Some(message)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn reset_password(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUsers, "reset_password", "user", id)?;
    let password = passwords::random_password();
    state.store.set_password(&user.who(), id, passwords::hash(&password), true, None).await?;
    let target = state.store.user(id).await?;
    render_user(&state, &user, target, "reset", Some(password)).await
}

pub async fn lock(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUsers, "lock", "user", id)?;
    if id == user.user.id {
        return Err(AppError::BadRequest("不能锁定自己的账号".into()));
    }
    state.store.set_locked(&user.who(), id, Some(Utc::now() + Duration::days(3650))).await?;
    Ok(Redirect::to(&format!("/users/{id}?done=locked")).into_response())
}

pub async fn unlock(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    user.can(Power::ManageUsers, "unlock", "user", id)?;
    state.store.set_locked(&user.who(), id, None).await?;
    Ok(Redirect::to(&format!("/users/{id}?done=unlocked")).into_response())
}
