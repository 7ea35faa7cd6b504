//! The industry-chain profile: clusters → chains → links, gaps highlighted. Everyone reads it;
//! bureau and admin edit every link, a chain's lead department edits its own chain's links.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};

use domain::access::{Access, Owner, Power};
use domain::profile::{POSITIONS, STRENGTHS, position_label, strength_label};
use store::entities::{chain, link};
use store::profile::{LinkInput, LinkNode};

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::{FormData, Query, parse_id};
use crate::views::{Page, escape};
use crate::AppState;

pub struct ChainView {
    pub chain: chain::Model,
    pub lead: String,
    pub editable: bool,
    pub links_html: String,
    pub counts: [usize; 3],
}

pub struct ClusterView {
    pub name: String,
    pub chains: Vec<ChainView>,
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    page: Page,
    clusters: Vec<ClusterView>,
    version: String,
}

fn may_edit_chain(user: &CurrentUser, chain: &chain::Model) -> bool {
    user.actor.can(Power::EditProfile).is_ok() || user.actor.may(Access::Write, chain_owner(chain)).is_ok()
}

/// A chain belongs to its lead department.
fn chain_owner(chain: &chain::Model) -> Owner {
    Owner { unit_id: chain.lead_unit_id, chain_lead_unit_id: Some(chain.lead_unit_id) }
}

fn authorize_chain(user: &CurrentUser, chain: &chain::Model, entity: &str, id: i64) -> Result<()> {
    if user.actor.can(Power::EditProfile).is_ok() {
        return Ok(());
    }
    user.may(Access::Write, chain_owner(chain), entity, id)
}

/// Nested list of links, built in Rust because templates do not recurse; every text is escaped.
fn links_html(nodes: &[LinkNode], editable: bool, out: &mut String) {
    out.push_str("<ul>");
    for node in nodes {
        let l = &node.link;
        out.push_str(&format!(
            "<li class=\"strength-{strength}\"><span class=\"pos\">{pos}</span>{name} <span class=\"muted\">· {label}</span>",
            strength = escape(&l.strength),
            pos = position_label(&l.position),
            name = escape(&l.name),
            label = strength_label(&l.strength),
        ));
        if !l.industry_codes.is_empty() {
            out.push_str(&format!(" <span class=\"mono muted\">{}</span>", escape(&l.industry_codes.replace(',', " "))));
        }
        if editable {
            out.push_str(&format!(" <a class=\"btn-link btn-small\" href=\"/profile/links/{}/edit\">修改</a>", l.id));
        }
        if !node.children.is_empty() {
            links_html(&node.children, editable, out);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

pub async fn tree(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let tree = state.store.profile_tree().await?;
    let clusters = tree
        .iter()
        .map(|c| ClusterView {
            name: c.cluster.name.clone(),
            chains: c
                .chains
                .iter()
                .map(|h| {
                    let editable = may_edit_chain(&user, &h.chain);
                    let mut html = String::new();
                    links_html(&h.links, editable, &mut html);
                    let counts = LinkNode::strength_counts(&h.links);
                    ChainView { lead: h.lead_unit_name.clone(), editable, links_html: html, counts, chain: h.chain.clone() }
                })
                .collect(),
        })
        .collect();
    let version = state.store.profile_versions().await?.first().map(|v| format!("{} {} 版", v.city, v.label)).unwrap_or_default();
    let page = ProfilePage { page: Page::new(&state, &user, "产业链", "profile").with_flash(&q.get("done")), clusters, version };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "link_form.html")]
struct LinkForm {
    page: Page,
    action: String,
    chain_name: String,
    form: FormData,
    positions: Vec<(&'static str, &'static str)>,
    strengths: Vec<(&'static str, &'static str)>,
    parents: Vec<link::Model>,
    retire_id: Option<i64>,
    error: Option<String>,
}

fn form_of(l: &link::Model) -> FormData {
    FormData(vec![
        ("name".into(), l.name.clone()),
        ("position".into(), l.position.clone()),
        ("strength".into(), l.strength.clone()),
        ("industry_codes".into(), l.industry_codes.clone()),
        ("keywords".into(), l.keywords.clone()),
    ])
}

fn input_of(form: &FormData) -> LinkInput {
    LinkInput {
        name: form.get("name"),
        position: form.get("position"),
        strength: form.get("strength"),
        industry_codes: form.get("industry_codes"),
        keywords: form.get("keywords"),
    }
}

async fn render_link_form(state: &AppState, user: &CurrentUser, chain: &chain::Model, action: String, form: FormData, retire_id: Option<i64>, error: Option<String>) -> Result<Response> {
    let parents = if retire_id.is_none() {
        state.store.profile_tree().await?.iter().flat_map(|c| &c.chains).filter(|h| h.chain.id == chain.id).flat_map(|h| LinkNode::flatten(&h.links)).collect()
    } else {
        Vec::new()
    };
    let page = LinkForm {
        page: Page::new(state, user, if retire_id.is_some() { "修改环节" } else { "新增环节" }, "profile"),
        action,
        chain_name: chain.name.clone(),
        form,
        positions: POSITIONS.to_vec(),
        strengths: STRENGTHS.to_vec(),
        parents,
        retire_id,
        error,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn edit_link_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let l = state.store.link(id).await?;
    let chain = state.store.chain(l.chain_id).await?;
    authorize_chain(&user, &chain, "link", id)?;
    render_link_form(&state, &user, &chain, format!("/profile/links/{id}/edit"), form_of(&l), Some(id), None).await
}

pub async fn update_link(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let l = state.store.link(id).await?;
    let chain = state.store.chain(l.chain_id).await?;
    authorize_chain(&user, &chain, "link", id)?;
    match state.store.update_link(&user.who(), id, &input_of(&form)).await {
        Ok(_) => Ok(Redirect::to("/profile?done=saved").into_response()),
        Err(store::StoreError::Invalid(message)) => render_link_form(&state, &user, &chain, format!("/profile/links/{id}/edit"), form, Some(id), Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

pub async fn retire_link(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let l = state.store.link(id).await?;
    let chain = state.store.chain(l.chain_id).await?;
    authorize_chain(&user, &chain, "link", id)?;
    state.store.retire_link(&user.who(), id).await?;
    Ok(Redirect::to("/profile?done=retired").into_response())
}

pub async fn new_link_page(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    let id = parse_id(&id)?;
    let chain = state.store.chain(id).await?;
    authorize_chain(&user, &chain, "chain", id)?;
    let form = FormData(vec![("position".into(), "mid".into()), ("strength".into(), "missing".into())]);
    render_link_form(&state, &user, &chain, format!("/profile/chains/{id}/links/new"), form, None, None).await
}

pub async fn create_link(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>, form: FormData) -> Result<Response> {
    let id = parse_id(&id)?;
    let chain = state.store.chain(id).await?;
    authorize_chain(&user, &chain, "chain", id)?;
    let parent = form.id("parent_id", "上级环节")?;
    match state.store.add_link(&user.who(), id, parent, &input_of(&form)).await {
        Ok(_) => Ok(Redirect::to("/profile?done=created").into_response()),
        Err(store::StoreError::Invalid(message)) => render_link_form(&state, &user, &chain, format!("/profile/chains/{id}/links/new"), form, None, Some(message)).await,
        Err(e) => Err(AppError::from(e)),
    }
}
