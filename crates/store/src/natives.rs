//! The 汉商 network: contacts who are natives of the city, by home county and by where they work
//! now, the out-of-town office whose provinces cover them, their visits and the projects they
//! brought home (source channel 汉商回归).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;

use domain::project::{SourceChannel, Stage};

use crate::entities::{contact, enterprise, follow_up, project, unit};
use crate::{Result, Store};

/// At most this many people listed at once; the summaries count everyone.
pub const MAX_LISTED: usize = 300;

#[derive(Debug, Clone, Default)]
pub struct NativeFilter {
    /// A home county's GB/T 2260 code.
    pub home_county: Option<String>,
    /// Two-digit province code of where they work now.
    pub province: Option<String>,
    pub office_id: Option<i64>,
    /// Name, company or title contains.
    pub q: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Native {
    pub contact_id: i64,
    pub name: String,
    pub title: String,
    pub phone: String,
    /// The unit that keeps the contact (the phone number is theirs to share).
    pub unit_id: i64,
    pub enterprise_id: i64,
    pub enterprise: String,
    pub home_county: String,
    pub works_in: String,
    pub province: String,
    pub office: Option<(i64, String)>,
    pub visits: i64,
    pub last_visit: Option<NaiveDate>,
    /// Projects of their company that came through 汉商回归, and how many of them are signed or beyond.
    pub projects: i64,
    pub projects_signed: i64,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct NativeNetwork {
    pub people: Vec<Native>,
    pub total: usize,
    /// (home county, people), most first.
    pub by_home: Vec<(String, usize)>,
    /// (province where they work, people), most first.
    pub by_province: Vec<(String, usize)>,
    /// (office, people it covers), most first; people in provinces no office covers under 「未覆盖」.
    pub by_office: Vec<(String, usize)>,
    pub projects: i64,
    pub projects_signed: i64,
}

fn province_of(region: &str) -> String {
    region.get(..2).map(|p| format!("{p}0000")).unwrap_or_default()
}

fn region_name(code: &str) -> String {
    domain::region::lookup(code).map(|r| r.name.to_string()).unwrap_or_default()
}

fn ranked(counts: HashMap<String, usize>) -> Vec<(String, usize)> {
    let mut v: Vec<(String, usize)> = counts.into_iter().filter(|(k, _)| !k.is_empty()).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v
}

impl Store {
    pub async fn native_network(&self, f: &NativeFilter) -> Result<NativeNetwork> {
        let offices: Vec<unit::Model> = unit::Entity::find().filter(unit::Column::Kind.eq("office")).filter(unit::Column::Active.eq(true)).order_by_asc(unit::Column::Code).all(&self.db).await?;
        let office_of = |province: &str| offices.iter().find(|o| o.covers.split(',').any(|c| c.trim() == province)).map(|o| (o.id, o.name.clone()));
        let contacts = contact::Entity::find().filter(contact::Column::IsNative.eq(true)).order_by_asc(contact::Column::Id).all(&self.db).await?;
        let ids: Vec<i64> = contacts.iter().map(|c| c.enterprise_id).collect();
        let mut companies: HashMap<i64, enterprise::Model> = HashMap::new();
        for chunk in ids.chunks(5000) {
            for e in enterprise::Entity::find().filter(enterprise::Column::Id.is_in(chunk.to_vec())).all(&self.db).await? {
                companies.insert(e.id, e);
            }
        }
        let mut visits: HashMap<i64, (i64, Option<NaiveDate>)> = HashMap::new();
        let mut brought: HashMap<i64, (i64, i64)> = HashMap::new();
        for chunk in ids.chunks(5000) {
            let rows: Vec<(i64, i64, Option<NaiveDate>)> = follow_up::Entity::find()
                .select_only()
                .column(follow_up::Column::EnterpriseId)
                .column_as(follow_up::Column::Id.count(), "n")
                .column_as(follow_up::Column::HappenedOn.max(), "last")
                .filter(follow_up::Column::EnterpriseId.is_in(chunk.to_vec()))
                .group_by(follow_up::Column::EnterpriseId)
                .into_tuple()
                .all(&self.db)
                .await?;
            for (e, n, last) in rows {
                visits.insert(e, (n, last));
            }
            let projects: Vec<(i64, String)> = project::Entity::find()
                .select_only()
                .columns([project::Column::EnterpriseId, project::Column::Stage])
                .filter(project::Column::EnterpriseId.is_in(chunk.to_vec()))
                .filter(project::Column::SourceChannel.eq(SourceChannel::Native.code()))
                .filter(project::Column::State.ne(domain::project::State::Dropped.code()))
                .into_tuple()
                .all(&self.db)
                .await?;
            for (e, stage) in projects {
                let entry = brought.entry(e).or_default();
                entry.0 += 1;
                if Stage::parse(&stage).is_some_and(|s| s >= Stage::Signed) {
                    entry.1 += 1;
                }
            }
        }
        let q = f.q.trim();
        let mut net = NativeNetwork::default();
        let (mut by_home, mut by_province, mut by_office) = (HashMap::new(), HashMap::new(), HashMap::new());
        let mut seen_companies = std::collections::HashSet::new();
        let mut people: BTreeMap<(std::cmp::Reverse<Option<NaiveDate>>, i64), Native> = BTreeMap::new();
        for c in contacts {
            let Some(e) = companies.get(&c.enterprise_id) else { continue };
            let province = province_of(&e.region_code);
            let office = office_of(&province);
            if f.home_county.as_deref().is_some_and(|h| h != c.home_county)
                || f.province.as_deref().is_some_and(|p| !e.region_code.starts_with(p))
                || f.office_id.is_some_and(|o| office.as_ref().map(|x| x.0) != Some(o))
                || (!q.is_empty() && !c.name.contains(q) && !e.name.contains(q) && !c.title.contains(q))
            {
                continue;
            }
            net.total += 1;
            *by_home.entry(region_name(&c.home_county)).or_insert(0) += 1;
            *by_province.entry(region_name(&province)).or_insert(0) += 1;
            *by_office.entry(office.as_ref().map_or_else(|| "未覆盖".to_string(), |o| o.1.clone())).or_insert(0) += 1;
            let (projects, projects_signed) = brought.get(&e.id).copied().unwrap_or_default();
            if seen_companies.insert(e.id) {
                net.projects += projects;
                net.projects_signed += projects_signed;
            }
            let (visit_count, last_visit) = visits.get(&e.id).copied().unwrap_or_default();
            people.insert(
                (std::cmp::Reverse(last_visit), c.id),
                Native {
                    contact_id: c.id,
                    name: c.name,
                    title: c.title,
                    phone: c.phone,
                    unit_id: c.unit_id,
                    enterprise_id: e.id,
                    enterprise: e.name.clone(),
                    home_county: region_name(&c.home_county),
                    works_in: domain::region::full_name(&e.region_code).unwrap_or_default(),
                    province: region_name(&province),
                    office,
                    visits: visit_count,
                    last_visit,
                    projects,
                    projects_signed,
                },
            );
        }
        net.people = people.into_values().take(MAX_LISTED).collect();
        net.by_home = ranked(by_home);
        net.by_province = ranked(by_province);
        net.by_office = ranked(by_office);
        Ok(net)
    }
}
