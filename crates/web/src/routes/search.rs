//! One box: enterprises by any part of the name or a former name, by 统一社会信用代码, by a
//! contact's phone; and the viewer's targets among them. Results respect permissions.

use askama::Template;
use axum::Json;
use axum::extract::State;
use axum::response::Html;

use store::targets::{TargetFilter, TargetRow};

use crate::auth::CurrentUser;
use crate::error::Result;
use crate::forms::Query;
use crate::routes::enterprises::{EnterpriseLine, line};
use crate::views::Page;
use crate::AppState;

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    page: Page,
    q: String,
    enterprises: Vec<EnterpriseLine>,
    targets: Vec<TargetRow>,
}

pub async fn search(State(state): State<AppState>, user: CurrentUser, Query(q): Query) -> Result<Html<String>> {
    let query = q.get("q");
    let visibility = user.actor.visibility();
    let enterprises = state.store.find_enterprises(&query, visibility, 50).await?;
    let targets = if query.is_empty() {
        Vec::new()
    } else {
        let ids: Vec<i64> = enterprises.iter().map(|e| e.id).collect();
        let (rows, _) = state.store.list_targets(visibility, &TargetFilter { q: query.clone(), per_page: 50, ..Default::default() }).await?;
        // Also targets found through a contact's phone (the enterprise matched, the name did not).
        let mut rows = rows;
        if rows.is_empty() && !ids.is_empty() {
            for id in ids.iter().take(20) {
                if let Some(t) = state.store.target_for(*id, user.unit.id).await? {
                    rows.push(state.store.target_row(t.id).await?);
                }
            }
        }
        rows
    };
    let page = SearchPage { page: Page::new(&state, &user, "搜索", ""), q: query, enterprises: enterprises.into_iter().map(line).collect(), targets };
    Ok(Html(page.render()?))
}

/// GB/T 4754 codes by name or code, for the industry picker.
pub async fn industries(_user: CurrentUser, Query(q): Query) -> Json<serde_json::Value> {
    let items: Vec<_> = domain::industry::search(&q.get("q"), 20)
        .into_iter()
        .map(|i| serde_json::json!({ "code": i.code, "name": i.name, "path": domain::industry::lineage(i.code).iter().map(|x| x.name).collect::<Vec<_>>().join(" › ") }))
        .collect();
    Json(serde_json::json!({ "items": items }))
}
