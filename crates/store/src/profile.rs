//! The city profile in the database: loading a new version (units upserted by code; clusters,
//! chains and links kept by name, retired when absent, never deleted) and editing links.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use serde::Serialize;

use domain::profile::{Profile, ProfileLink, POSITIONS, STRENGTHS};
use domain::{UnitKind, industry};

use crate::audit::{self, Event};
use crate::entities::{chain, cluster, link, profile_version, unit};
use crate::{Result, Store, StoreError, Who};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadReport {
    pub version_id: i64,
    pub units_added: usize,
    pub units_updated: usize,
    pub clusters: usize,
    pub chains: usize,
    pub links: usize,
    pub retired: usize,
}

/// A chain with its links as a tree, for the profile and chain pages.
#[derive(Debug, Clone, Serialize)]
pub struct ChainTree {
    pub chain: chain::Model,
    pub lead_unit_name: String,
    pub links: Vec<LinkNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkNode {
    pub link: link::Model,
    pub children: Vec<LinkNode>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterTree {
    pub cluster: cluster::Model,
    pub chains: Vec<ChainTree>,
}

/// An active chain of the kept profile; `None` for a retired (or unknown) one.
pub(crate) fn kept_chain(tree: &[ClusterTree], id: i64) -> Option<&chain::Model> {
    tree.iter().flat_map(|c| &c.chains).map(|h| &h.chain).find(|c| c.id == id)
}

impl LinkNode {
    /// Every link of a forest, parents before their children.
    pub fn flatten(nodes: &[LinkNode]) -> Vec<link::Model> {
        let mut out = Vec::new();
        fn walk(nodes: &[LinkNode], out: &mut Vec<link::Model>) {
            for n in nodes {
                out.push(n.link.clone());
                walk(&n.children, out);
            }
        }
        walk(nodes, &mut out);
        out
    }

    /// How many links of a forest are strong, weak and missing.
    pub fn strength_counts(nodes: &[LinkNode]) -> [usize; 3] {
        let mut counts = [0; 3];
        for l in Self::flatten(nodes) {
            let i = match l.strength.as_str() {
                "strong" => 0,
                "weak" => 1,
                _ => 2,
            };
            counts[i] += 1;
        }
        counts
    }
}

/// A link's editable fields, as typed in a form.
#[derive(Debug, Clone, Default)]
pub struct LinkInput {
    pub name: String,
    pub position: String,
    pub strength: String,
    pub industry_codes: String,
    pub keywords: String,
}

impl LinkInput {
    pub fn check(&self) -> Vec<(&'static str, String)> {
        let mut errors = Vec::new();
        if self.name.trim().is_empty() || self.name.chars().count() > 64 {
            errors.push(("name", "环节名称必填，最长 64 个字".to_string()));
        }
        if !POSITIONS.iter().any(|(c, _)| *c == self.position) {
            errors.push(("position", "请选择上游、中游或下游".to_string()));
        }
        if !STRENGTHS.iter().any(|(c, _)| *c == self.strength) {
            errors.push(("strength", "请选择强、弱或缺失".to_string()));
        }
        for code in split_list(&self.industry_codes) {
            if let Err(e) = industry::lookup(&code) {
                errors.push(("industry_codes", e));
            }
        }
        errors
    }
}

/// Splits a list typed with commas (either width), 、 or spaces.
pub fn split_list(text: &str) -> Vec<String> {
    text.split([',', '，', '、', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

impl Store {
    /// Loads a profile as a new version, in one transaction.
    pub async fn load_profile(&self, who: &Who, text: &str) -> Result<LoadReport> {
        let profile = Profile::parse(text).map_err(|problems| StoreError::Invalid(problems.join("\n")))?;
        let txn = self.begin_write().await?;
        let now = Utc::now();
        let version = profile_version::ActiveModel {
            city: Set(profile.profile.city.clone()),
            label: Set(profile.profile.version.clone()),
            note: Set(profile.profile.note.clone()),
            source: Set(text.to_string()),
            loaded_by: Set(who.username.clone()),
            loaded_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut report = LoadReport { version_id: version.id, ..Default::default() };

        // Units: insert or update by code; parents in a second pass, as they may come later.
        let mut unit_ids = HashMap::new();
        for u in &profile.units {
            let kind = UnitKind::parse(&u.kind).map(|k| k.code()).unwrap_or("county").to_string();
            let region = domain::region::lookup(&u.region).map(|r| r.code.to_string()).unwrap_or_default();
            let existing = unit::Entity::find().filter(unit::Column::Code.eq(&u.code)).one(&txn).await?;
            let row = match existing {
                Some(old) => {
                    let mut row = old.into_active_model();
                    row.name = Set(u.name.clone());
                    row.kind = Set(kind);
                    row.region_code = Set(region);
                    row.covers = Set(u.covers.join(","));
                    row.active = Set(true);
                    row.updated_at = Set(now);
                    report.units_updated += 1;
                    row.update(&txn).await?
                }
                None => {
                    report.units_added += 1;
                    unit::ActiveModel {
                        code: Set(u.code.clone()),
                        name: Set(u.name.clone()),
                        kind: Set(kind),
                        region_code: Set(region),
                        parent_id: Set(None),
                        covers: Set(u.covers.join(",")),
                        active: Set(true),
                        created_at: Set(now),
                        updated_at: Set(now),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?
                }
            };
            unit_ids.insert(u.code.clone(), row.id);
        }
        for u in &profile.units {
            let parent_id = u.parent.as_ref().and_then(|p| unit_ids.get(p)).copied();
            unit::Entity::update_many()
                .col_expr(unit::Column::ParentId, sea_orm::sea_query::Expr::value(parent_id))
                .filter(unit::Column::Id.eq(unit_ids[&u.code]))
                .exec(&txn)
                .await?;
        }
        let lead_ids: HashMap<String, i64> = unit::Entity::find().all(&txn).await?.into_iter().map(|u| (u.code, u.id)).collect();

        let mut seen_clusters = Vec::new();
        let mut seen_chains = Vec::new();
        let mut seen_links = Vec::new();
        for (ci, c) in profile.clusters.iter().enumerate() {
            let cluster_row = match cluster::Entity::find().filter(cluster::Column::Name.eq(&c.name)).one(&txn).await? {
                Some(old) => {
                    let mut row = old.into_active_model();
                    row.sort = Set(ci as i32);
                    row.active = Set(true);
                    row.retired_version_id = Set(None);
                    row.update(&txn).await?
                }
                None => {
                    cluster::ActiveModel {
                        name: Set(c.name.clone()),
                        sort: Set(ci as i32),
                        active: Set(true),
                        since_version_id: Set(version.id),
                        retired_version_id: Set(None),
                        ..Default::default()
                    }
                    .insert(&txn)
                    .await?
                }
            };
            seen_clusters.push(cluster_row.id);
            report.clusters += 1;
            for (hi, h) in c.chains.iter().enumerate() {
                let lead = lead_ids.get(&h.lead).copied().ok_or_else(|| StoreError::Invalid(format!("牵头部门「{}」未定义", h.lead)))?;
                let existing = chain::Entity::find()
                    .filter(chain::Column::ClusterId.eq(cluster_row.id))
                    .filter(chain::Column::Name.eq(&h.name))
                    .one(&txn)
                    .await?;
                let chain_row = match existing {
                    Some(old) => {
                        let mut row = old.into_active_model();
                        row.lead_unit_id = Set(lead);
                        row.sort = Set(hi as i32);
                        row.active = Set(true);
                        row.retired_version_id = Set(None);
                        row.update(&txn).await?
                    }
                    None => {
                        chain::ActiveModel {
                            cluster_id: Set(cluster_row.id),
                            name: Set(h.name.clone()),
                            lead_unit_id: Set(lead),
                            sort: Set(hi as i32),
                            active: Set(true),
                            since_version_id: Set(version.id),
                            retired_version_id: Set(None),
                            ..Default::default()
                        }
                        .insert(&txn)
                        .await?
                    }
                };
                seen_chains.push(chain_row.id);
                report.chains += 1;
                upsert_links(&txn, chain_row.id, None, &h.links, version.id, &mut seen_links).await?;
            }
        }
        report.links = seen_links.len();
        report.retired += retire(&txn, cluster::Entity, cluster::Column::Id, cluster::Column::Active, cluster::Column::RetiredVersionId, &seen_clusters, version.id).await?;
        report.retired += retire(&txn, chain::Entity, chain::Column::Id, chain::Column::Active, chain::Column::RetiredVersionId, &seen_chains, version.id).await?;
        report.retired += retire(&txn, link::Entity, link::Column::Id, link::Column::Active, link::Column::RetiredVersionId, &seen_links, version.id).await?;
        let detail = serde_json::to_string(&report).unwrap_or_default();
        audit::append(&txn, who, Event::new("load", "profile", version.id).detail(detail)).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(report)
    }

    pub async fn profile_versions(&self) -> Result<Vec<profile_version::Model>> {
        Ok(profile_version::Entity::find().order_by_desc(profile_version::Column::Id).all(&self.db).await?)
    }

    /// Active clusters → chains → links, in profile order; kept briefly (see [`crate::kept`]).
    pub async fn profile_tree(&self) -> Result<Arc<Vec<ClusterTree>>> {
        self.profile
            .get_or_read(|| async {
                let clusters = cluster::Entity::find().filter(cluster::Column::Active.eq(true)).order_by_asc(cluster::Column::Sort).all(&self.db).await?;
                let chains = chain::Entity::find().filter(chain::Column::Active.eq(true)).order_by_asc(chain::Column::Sort).all(&self.db).await?;
                let links = link::Entity::find().filter(link::Column::Active.eq(true)).order_by_asc(link::Column::Sort).order_by_asc(link::Column::Id).all(&self.db).await?;
                let units = self.unit_names().await?;
                Ok(clusters
                    .into_iter()
                    .map(|c| ClusterTree {
                        chains: chains
                            .iter()
                            .filter(|h| h.cluster_id == c.id)
                            .map(|h| ChainTree {
                                lead_unit_name: units.get(&h.lead_unit_id).cloned().unwrap_or_default(),
                                links: link_forest(&links, h.id, None),
                                chain: h.clone(),
                            })
                            .collect(),
                        cluster: c,
                    })
                    .collect())
            })
            .await
    }

    /// The names of these chains: active ones from the kept profile, retired ones read.
    pub async fn chain_names(&self, ids: impl IntoIterator<Item = i64>) -> Result<HashMap<i64, String>> {
        let tree = self.profile_tree().await?;
        let mut names = HashMap::new();
        let mut retired = Vec::new();
        for id in ids {
            match kept_chain(&tree, id) {
                Some(chain) => {
                    names.insert(id, chain.name.clone());
                }
                None => retired.push(id),
            }
        }
        if !retired.is_empty() {
            let rows: Vec<(i64, String)> = chain::Entity::find().select_only().column(chain::Column::Id).column(chain::Column::Name).filter(chain::Column::Id.is_in(retired)).into_tuple().all(&self.db).await?;
            names.extend(rows);
        }
        Ok(names)
    }

    pub async fn chain(&self, id: i64) -> Result<chain::Model> {
        chain::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条产业链".into()))
    }

    pub async fn link(&self, id: i64) -> Result<link::Model> {
        link::Entity::find_by_id(id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这个环节".into()))
    }

    pub async fn update_link(&self, who: &Who, id: i64, input: &LinkInput) -> Result<link::Model> {
        crate::units::invalid_if(input.check())?;
        let txn = self.begin_write().await?;
        let before = link::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个环节".into()))?;
        let mut row = before.clone().into_active_model();
        row.name = Set(input.name.trim().to_string());
        row.position = Set(input.position.clone());
        row.strength = Set(input.strength.clone());
        row.industry_codes = Set(split_list(&input.industry_codes).join(","));
        row.keywords = Set(split_list(&input.keywords).join(","));
        row.updated_at = Set(Utc::now());
        let after = row.update(&txn).await?;
        audit::append(&txn, who, Event::new("update", "link", id).change(Some(&before), Some(&after))).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(after)
    }

    /// Adds a link to a chain, under `parent_id` when given (which must be of the same chain).
    pub async fn add_link(&self, who: &Who, chain_id: i64, parent_id: Option<i64>, input: &LinkInput) -> Result<link::Model> {
        crate::units::invalid_if(input.check())?;
        let txn = self.begin_write().await?;
        let chain = chain::Entity::find_by_id(chain_id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这条产业链".into()))?;
        if let Some(parent) = parent_id {
            let parent = link::Entity::find_by_id(parent).one(&txn).await?;
            if parent.map(|p| p.chain_id) != Some(chain.id) {
                return Err(StoreError::Invalid("上级环节不属于这条产业链".into()));
            }
        }
        let version = profile_version::Entity::find().order_by_desc(profile_version::Column::Id).one(&txn).await?
            .ok_or_else(|| StoreError::Invalid("还没有加载产业链配置".into()))?;
        let row = link::ActiveModel {
            chain_id: Set(chain.id),
            parent_id: Set(parent_id),
            name: Set(input.name.trim().to_string()),
            position: Set(input.position.clone()),
            strength: Set(input.strength.clone()),
            industry_codes: Set(split_list(&input.industry_codes).join(",")),
            keywords: Set(split_list(&input.keywords).join(",")),
            sort: Set(1000),
            active: Set(true),
            since_version_id: Set(version.id),
            retired_version_id: Set(None),
            updated_at: Set(Utc::now()),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        audit::append(&txn, who, Event::new("create", "link", row.id).change(None, Some(&row))).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(row)
    }

    /// Retires a link and its sub-links: they leave the map but stay in the history.
    pub async fn retire_link(&self, who: &Who, id: i64) -> Result<()> {
        let txn = self.begin_write().await?;
        let target = link::Entity::find_by_id(id).one(&txn).await?.ok_or_else(|| StoreError::NotFound("没有这个环节".into()))?;
        let all = link::Entity::find().filter(link::Column::ChainId.eq(target.chain_id)).all(&txn).await?;
        let mut ids = vec![id];
        let mut i = 0;
        while i < ids.len() {
            let parent = ids[i];
            ids.extend(all.iter().filter(|l| l.parent_id == Some(parent)).map(|l| l.id));
            i += 1;
        }
        link::Entity::update_many()
            .col_expr(link::Column::Active, sea_orm::sea_query::Expr::value(false))
            .filter(link::Column::Id.is_in(ids.clone()))
            .exec(&txn)
            .await?;
        audit::append(&txn, who, Event::new("retire", "link", id).detail(format!("停用环节「{}」及下级 {} 个", target.name, ids.len() - 1))).await?;
        txn.commit().await?;
        self.forget_kept();
        Ok(())
    }
}

fn link_forest(links: &[link::Model], chain_id: i64, parent: Option<i64>) -> Vec<LinkNode> {
    links
        .iter()
        .filter(|l| l.chain_id == chain_id && l.parent_id == parent)
        .map(|l| LinkNode { link: l.clone(), children: link_forest(links, chain_id, Some(l.id)) })
        .collect()
}

async fn upsert_links(
    txn: &DatabaseTransaction,
    chain_id: i64,
    parent_id: Option<i64>,
    links: &[ProfileLink],
    version_id: i64,
    seen: &mut Vec<i64>,
) -> Result<()> {
    for (i, l) in links.iter().enumerate() {
        let mut query = link::Entity::find().filter(link::Column::ChainId.eq(chain_id)).filter(link::Column::Name.eq(&l.name));
        query = match parent_id {
            Some(p) => query.filter(link::Column::ParentId.eq(p)),
            None => query.filter(link::Column::ParentId.is_null()),
        };
        let now = Utc::now();
        let row = match query.one(txn).await? {
            Some(old) => {
                let mut row = old.into_active_model();
                row.position = Set(l.position.clone());
                row.strength = Set(l.strength.clone());
                row.industry_codes = Set(l.industry_codes.join(","));
                row.keywords = Set(l.keywords.join(","));
                row.sort = Set(i as i32);
                row.active = Set(true);
                row.retired_version_id = Set(None);
                row.updated_at = Set(now);
                row.update(txn).await?
            }
            None => {
                link::ActiveModel {
                    chain_id: Set(chain_id),
                    parent_id: Set(parent_id),
                    name: Set(l.name.clone()),
                    position: Set(l.position.clone()),
                    strength: Set(l.strength.clone()),
                    industry_codes: Set(l.industry_codes.join(",")),
                    keywords: Set(l.keywords.join(",")),
                    sort: Set(i as i32),
                    active: Set(true),
                    since_version_id: Set(version_id),
                    retired_version_id: Set(None),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(txn)
                .await?
            }
        };
        seen.push(row.id);
        Box::pin(upsert_links(txn, chain_id, Some(row.id), &l.children, version_id, seen)).await?;
    }
    Ok(())
}

/// Marks active rows not seen in the new version as retired by it.
async fn retire<E, C>(txn: &DatabaseTransaction, _entity: E, id: C, active: C, retired: C, seen: &[i64], version_id: i64) -> Result<usize>
where
    E: EntityTrait<Column = C>,
    C: ColumnTrait,
{
    let mut query = E::update_many()
        .col_expr(active, sea_orm::sea_query::Expr::value(false))
        .col_expr(retired, sea_orm::sea_query::Expr::value(version_id))
        .filter(active.eq(true));
    if !seen.is_empty() {
        query = query.filter(id.is_not_in(seen.to_vec()));
    }
    Ok(query.exec(txn).await?.rows_affected as usize)
}
