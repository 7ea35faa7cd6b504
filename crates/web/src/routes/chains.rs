//! The chain map for everyone: clusters and chains with their gaps; one chain's links with local
//! companies, chain leaders and the targets courted to fill each gap; export to .xlsx.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, Response};

use domain::profile::{position_label, strength_label};
use store::chains::{ChainMap, LinkFacts};
use store::profile::LinkNode;

use crate::auth::CurrentUser;
use crate::error::{AppError, Result};
use crate::forms::parse_id;
use crate::views::{Page, escape};
use crate::AppState;

#[derive(Template)]
#[template(path = "chains.html")]
struct ListPage {
    page: Page,
    clusters: Vec<(String, Vec<(i64, String, String, [usize; 3])>)>,
}

pub async fn list(State(state): State<AppState>, user: CurrentUser) -> Result<Html<String>> {
    let tree = state.store.profile_tree().await?;
    let clusters = tree
        .iter()
        .map(|c| {
            let chains = c
                .chains
                .iter()
                .map(|h| {
                    let n = LinkNode::strength_counts(&h.links);
                    (h.chain.id, h.chain.name.clone(), h.lead_unit_name.clone(), n)
                })
                .collect();
            (c.cluster.name.clone(), chains)
        })
        .collect();
    let page = ListPage { page: Page::new(&state, &user, "产业链", "chains"), clusters };
    Ok(Html(page.render()?))
}

#[derive(Template)]
#[template(path = "chain.html")]
struct MapPage {
    page: Page,
    map: ChainMap,
    links_html: String,
}

/// The nested links with their facts, built in Rust (templates do not recurse); all text escaped.
fn render_links(nodes: &[LinkNode], facts: &std::collections::HashMap<i64, LinkFacts>, out: &mut String) {
    out.push_str("<ul>");
    for n in nodes {
        let l = &n.link;
        let f = facts.get(&l.id).cloned().unwrap_or_default();
        out.push_str(&format!(
            "<li class=\"strength-{s}\" id=\"link-{id}\"><span class=\"pos\">{pos}</span><strong>{name}</strong> <span class=\"muted\">· {label}</span>",
            s = escape(&l.strength),
            id = l.id,
            pos = position_label(&l.position),
            name = escape(&l.name),
            label = strength_label(&l.strength),
        ));
        out.push_str("<div class=\"link-facts\">");
        if f.local_total > 0 {
            out.push_str(&format!("<div>本地企业 {} 家：", f.local_total));
            let names: Vec<String> = f
                .local
                .iter()
                .map(|(id, name, leader)| format!("<a href=\"/enterprises/{id}\">{}</a>{}", escape(name), if *leader { "<span class=\"chip chip-ok\">链主</span>" } else { "" }))
                .collect();
            out.push_str(&names.join("、"));
            out.push_str("</div>");
        } else if l.strength != "strong" {
            out.push_str("<div class=\"muted\">本地暂无企业</div>");
        }
        if !f.targets.is_empty() {
            out.push_str(&format!("<div><a href=\"/targets?link_id={}\">目标企业 {} 家</a>：", l.id, f.targets_total));
            let names: Vec<String> = f
                .targets
                .iter()
                .map(|(id, name, unit, status)| format!("<a href=\"/targets/{id}\">{}</a><span class=\"muted\">（{}，{}）</span>", escape(name), escape(unit), crate::routes::targets::status_label(status)))
                .collect();
            out.push_str(&names.join("、"));
            if f.targets_total > f.targets.len() as u64 {
                out.push_str(" 等");
            }
            out.push_str("</div>");
        } else if l.strength != "strong" {
            out.push_str(&format!("<div><a href=\"/targets?link_id={}\">还没有目标企业</a></div>", l.id));
        }
        if l.strength != "strong" {
            out.push_str(&format!("<div><a class=\"btn btn-small\" href=\"/chains/{}/links/{}/matches\">推荐企业</a></div>", l.chain_id, l.id));
        }
        out.push_str("</div>");
        if !n.children.is_empty() {
            render_links(&n.children, facts, out);
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

pub async fn show(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Html<String>> {
    let id = parse_id(&id)?;
    let map = state.store.chain_map(id, user.actor.visibility()).await?;
    let mut links_html = String::new();
    render_links(&map.tree.links, &map.facts, &mut links_html);
    let page = MapPage { page: Page::new(&state, &user, map.tree.chain.name.clone(), "chains"), map, links_html };
    Ok(Html(page.render()?))
}

fn rows_of(nodes: &[LinkNode], depth: usize, facts: &std::collections::HashMap<i64, LinkFacts>, out: &mut Vec<Vec<office::xlsx::Cell>>) {
    use office::xlsx::Cell;
    for n in nodes {
        let f = facts.get(&n.link.id).cloned().unwrap_or_default();
        out.push(vec![
            Cell::Text(format!("{}{}", "　".repeat(depth), n.link.name)),
            Cell::Text(position_label(&n.link.position).into()),
            Cell::Text(strength_label(&n.link.strength).into()),
            Cell::Text(n.link.industry_codes.replace(',', " ")),
            Cell::Int(f.local_total as i64),
            Cell::Text(f.local.iter().map(|(_, name, leader)| if *leader { format!("{name}（链主）") } else { name.clone() }).collect::<Vec<_>>().join("、")),
            Cell::Int(f.targets_total as i64),
            Cell::Text(f.targets.iter().map(|(_, name, unit, _)| format!("{name}（{unit}）")).collect::<Vec<_>>().join("、")),
        ]);
        rows_of(&n.children, depth + 1, facts, out);
    }
}

pub async fn export(State(state): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response> {
    use office::xlsx::Column;
    let id = parse_id(&id)?;
    let map = state.store.chain_map(id, user.actor.visibility()).await?;
    let mut rows = Vec::new();
    rows_of(&map.tree.links, 0, &map.facts, &mut rows);
    let columns: Vec<Column> = [("环节", 28.0), ("位置", 8.0), ("本地强弱", 12.0), ("行业代码", 14.0), ("本地企业数", 10.0), ("本地企业", 40.0), ("目标企业数", 10.0), ("目标企业", 40.0)]
        .into_iter()
        .map(|(h, w)| Column { header: h.to_string(), width: w })
        .collect();
    let title = format!("{} · {} 产业链图谱（牵头：{}）", map.cluster_name, map.tree.chain.name, map.tree.lead_unit_name);
    let bytes = office::xlsx::write_table(&map.tree.chain.name, &title, &columns, rows).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(super::xlsx_download(bytes, &format!("chain-{id}.xlsx"), &format!("{}产业链图谱.xlsx", map.tree.chain.name)))
}
