//! What ranking needs from the database: the weights (a setting, audited when changed), the
//! chains' weak and missing links, and which provinces each out-of-town office covers.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use domain::matching::{MatchWeights, Reach};

use crate::audit::{self, Event};
use crate::entities::{chain, link, unit};
use crate::{Result, Store, StoreError, Who, settings};

pub const MATCH_WEIGHTS: &str = "match_weights";

/// A link worth filling, with its chain.
#[derive(Debug, Clone)]
pub struct GapLink {
    pub link: link::Model,
    pub chain: chain::Model,
}

/// An out-of-town office and the provinces (six-digit codes) it covers.
#[derive(Debug, Clone)]
pub struct Office {
    pub id: i64,
    pub name: String,
    pub covers: Vec<String>,
}

impl Store {
    pub async fn match_weights(&self) -> Result<MatchWeights> {
        match settings::get(&self.db, MATCH_WEIGHTS).await? {
            Some(text) => MatchWeights::parse(&text).map_err(StoreError::Invalid),
            None => Ok(MatchWeights::default()),
        }
    }

    pub async fn set_match_weights(&self, who: &Who, weights: &MatchWeights) -> Result<()> {
        MatchWeights::parse(&weights.to_toml()).map_err(StoreError::Invalid)?;
        let before = self.match_weights().await?;
        let txn = self.begin_write().await?;
        settings::set(&txn, MATCH_WEIGHTS, &weights.to_toml()).await?;
        audit::append(&txn, who, Event::new("update", "match_weights", "").change(Some(&before), Some(weights))).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Active weak and missing links, chain by chain.
    pub async fn gap_links(&self) -> Result<Vec<GapLink>> {
        let chains = chain::Entity::find().filter(chain::Column::Active.eq(true)).order_by_asc(chain::Column::Sort).all(&self.db).await?;
        let links = link::Entity::find().filter(link::Column::Active.eq(true)).filter(link::Column::Strength.is_in(["weak", "missing"])).order_by_asc(link::Column::Sort).order_by_asc(link::Column::Id).all(&self.db).await?;
        let mut out = Vec::new();
        for c in chains {
            for l in links.iter().filter(|l| l.chain_id == c.id) {
                out.push(GapLink { link: l.clone(), chain: c.clone() });
            }
        }
        Ok(out)
    }

    /// One active link with its chain.
    pub async fn link_with_chain(&self, link_id: i64) -> Result<GapLink> {
        let link = link::Entity::find_by_id(link_id).one(&self.db).await?.filter(|l| l.active).ok_or_else(|| StoreError::NotFound("没有这个环节（或已停用）".into()))?;
        let chain = chain::Entity::find_by_id(link.chain_id).one(&self.db).await?.ok_or_else(|| StoreError::NotFound("没有这条产业链".into()))?;
        Ok(GapLink { link, chain })
    }

    /// Active out-of-town offices and what they cover.
    pub async fn offices(&self) -> Result<Vec<Office>> {
        let units = unit::Entity::find().filter(unit::Column::Kind.eq("office")).filter(unit::Column::Active.eq(true)).order_by_asc(unit::Column::Id).all(&self.db).await?;
        Ok(units.into_iter().map(|u| Office { id: u.id, name: u.name, covers: u.covers.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect() }).collect())
    }
}

/// The offices as the scoring rule sees them: names and two-digit province prefixes.
pub fn reach(offices: &[Office]) -> Reach {
    Reach { offices: offices.iter().map(|o| (o.name.clone(), o.covers.iter().filter_map(|c| c.get(..2)).map(str::to_string).collect())).collect() }
}
