//! The chain map (产业链图谱): for each link of a chain, its strength, the local companies in its
//! industries (chain leaders first) and the targets courted to fill it, within what a viewer may see.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::access::Visibility;
use domain::target::Tag;

use crate::entities::{enterprise, target, target_link};
use crate::profile::{ChainTree, LinkNode};
use crate::{Result, Store, StoreError};

#[derive(Debug, Clone, Default, Serialize)]
pub struct LinkFacts {
    /// (enterprise id, name, is chain leader), leaders first, at most 10.
    pub local: Vec<(i64, String, bool)>,
    pub local_total: u64,
    /// (target id, enterprise name, unit name, status code) of the first ten.
    pub targets: Vec<(i64, String, String, String)>,
    pub targets_total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChainMap {
    pub tree: ChainTree,
    pub cluster_name: String,
    pub facts: HashMap<i64, LinkFacts>,
}

fn industry_condition(codes: &str) -> Option<Condition> {
    let codes: Vec<&str> = codes.split(',').map(str::trim).filter(|c| !c.is_empty()).collect();
    if codes.is_empty() {
        return None;
    }
    let mut cond = Condition::any();
    for code in codes {
        cond = if code.len() == 4 { cond.add(enterprise::Column::IndustryCode.eq(code)) } else { cond.add(enterprise::Column::IndustryCode.starts_with(code)) };
    }
    Some(cond)
}

impl Store {
    pub async fn chain_map(&self, chain_id: i64, visibility: Visibility) -> Result<ChainMap> {
        let tree = self.profile_tree().await?;
        let (cluster_name, chain) = tree
            .iter()
            .find_map(|c| c.chains.iter().find(|h| h.chain.id == chain_id).map(|h| (c.cluster.name.clone(), h.clone())))
            .ok_or_else(|| StoreError::NotFound("没有这条产业链（或已停用）".into()))?;
        let links = LinkNode::flatten(&chain.links);
        let mut facts: HashMap<i64, LinkFacts> = HashMap::new();
        let leader = Tag::ChainLeader.code();
        for l in &links {
            let mut f = LinkFacts::default();
            if let Some(cond) = industry_condition(&l.industry_codes) {
                let local = enterprise::Entity::find().filter(enterprise::Column::IsLocal.eq(true)).filter(enterprise::Column::MergedIntoId.is_null()).filter(cond);
                f.local_total = local.clone().count(&self.db).await?;
                // Only the columns shown: company rows are wide (business scope, address).
                let mut rows: Vec<(i64, String, String)> = local
                    .select_only()
                    .columns([enterprise::Column::Id, enterprise::Column::Name, enterprise::Column::Tags])
                    .order_by_desc(enterprise::Column::CapitalWan)
                    .limit(50)
                    .into_tuple()
                    .all(&self.db)
                    .await?;
                rows.sort_by_key(|(_, _, tags)| !tags.contains(leader));
                f.local = rows.into_iter().take(10).map(|(id, name, tags)| (id, name, tags.contains(leader))).collect();
            }
            facts.insert(l.id, f);
        }
        // Targets tied to these links, visible to the viewer: all counted, the first ten named.
        let link_ids: Vec<i64> = links.iter().map(|l| l.id).collect();
        let ties = target_link::Entity::find().filter(target_link::Column::LinkId.is_in(link_ids)).all(&self.db).await?;
        let tied: Vec<i64> = ties.iter().map(|t| t.target_id).collect();
        let visible: std::collections::HashSet<i64> = target::Entity::find()
            .select_only()
            .column(target::Column::Id)
            .filter(target::Column::Id.is_in(tied))
            .filter(crate::targets::visible(self, visibility).await?)
            .into_tuple::<i64>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        let mut shown: HashMap<i64, Vec<i64>> = HashMap::new();
        for tie in ties.iter().filter(|t| visible.contains(&t.target_id)) {
            let f = facts.entry(tie.link_id).or_default();
            f.targets_total += 1;
            let list = shown.entry(tie.link_id).or_default();
            if list.len() < 10 {
                list.push(tie.target_id);
            }
        }
        let detail_ids: Vec<i64> = shown.values().flatten().copied().collect();
        let targets = target::Entity::find().filter(target::Column::Id.is_in(detail_ids)).all(&self.db).await?;
        let ent_ids: Vec<i64> = targets.iter().map(|t| t.enterprise_id).collect();
        let names: HashMap<i64, String> = enterprise::Entity::find().select_only().columns([enterprise::Column::Id, enterprise::Column::Name]).filter(enterprise::Column::Id.is_in(ent_ids)).into_tuple::<(i64, String)>().all(&self.db).await?.into_iter().collect();
        let units = self.unit_names().await?;
        for (link_id, ids) in shown {
            let f = facts.entry(link_id).or_default();
            for id in ids {
                if let Some(t) = targets.iter().find(|t| t.id == id) {
                    f.targets.push((t.id, names.get(&t.enterprise_id).cloned().unwrap_or_default(), units.get(&t.owner_unit_id).cloned().unwrap_or_default(), t.status.clone()));
                }
            }
        }
        Ok(ChainMap { tree: chain, cluster_name, facts })
    }
}
