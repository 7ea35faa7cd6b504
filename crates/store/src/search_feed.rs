//! What the search index is fed from: the outbox that triggers fill (migration m0012) and the
//! searched records, read in id ranges for a rebuild or by id for a change.
//!
//! The outbox position ("cursor") means the outbox id on SQLite, where one writer at a time makes
//! ids follow commits, and a transaction id on PostgreSQL, where they do not: there it is the oldest
//! transaction still running, below which everything has ended; committed transactions above it
//! are read as they become visible (see [`Store::outbox_after`]), so a slow transaction is waited for
//! rather than skipped, and holds back nobody else's changes.

use std::collections::{BTreeSet, HashMap, HashSet};

use domain::access::Visibility;

use sea_orm::{ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult, QueryFilter, QueryOrder, QuerySelect, Statement};

use crate::entities::{contact, credit_share, enterprise, follow_up, link, project, target, target_link};
use crate::{Result, Store};

/// The kinds of record the index holds, as noted in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Enterprise,
    Target,
    Project,
    FollowUp,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Enterprise, Kind::Target, Kind::Project, Kind::FollowUp];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Enterprise => "e",
            Kind::Target => "t",
            Kind::Project => "p",
            Kind::FollowUp => "f",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Kind::Enterprise => "企业",
            Kind::Target => "目标企业",
            Kind::Project => "项目",
            Kind::FollowUp => "对接记录",
        }
    }
}

/// One record as the index sees it.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    pub id: i64,
    pub enterprise_id: i64,
    /// Names anyone who may see the record may search by (company name, former names, a project's
    /// public name).
    pub names: Vec<String>,
    /// Names only `viewers` may search by: a confidential project's real name.
    pub private_names: Vec<String>,
    /// Free text: business scope, notes, a follow-up's summary and next step.
    pub text: String,
    /// Exact codes: 统一社会信用代码, project code.
    pub codes: Vec<String>,
    /// Units whose users see the record; empty for enterprises (the universe is shared).
    pub viewers: Vec<i64>,
    /// Chains the record is tied to (departments leading them see it).
    pub chains: Vec<i64>,
    pub confidential: bool,
    // The company's facts, for facets, filters and ranking.
    pub industry_code: String,
    pub region_code: String,
    pub capital_wan: Option<i64>,
    pub tags: String,
    pub status: String,
    pub is_local: bool,
    pub native_contacts: u32,
    pub targeted: u32,
}

#[derive(Debug, FromQueryResult)]
struct OutboxRow {
    id: i64,
    kind: String,
    record_id: i64,
    writer: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct PgOutboxRow {
    txid: i64,
    kind: String,
    record_id: i64,
    writer: Option<i64>,
}

/// `AND txid NOT IN (…)` for the transactions already applied, or nothing. Transaction ids are
/// numbers the feed read from the database itself: safe to put in the text.
fn not_in_txids(skip: &BTreeSet<i64>) -> String {
    if skip.is_empty() {
        return String::new();
    }
    format!(" AND txid NOT IN ({})", skip.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// A batch of outbox notes and the cursor after it.
#[derive(Debug, Default)]
pub struct Batch {
    pub changes: Vec<(Kind, i64)>,
    /// The account that wrote each change, where one is known ([`writing_as`]).
    pub writers: Vec<Option<i64>>,
    pub cursor: i64,
    /// Whether more is waiting after this batch.
    pub more: bool,
    /// PostgreSQL: transactions at or above the new cursor that this batch applied.
    pub applied_above: Vec<i64>,
}

impl Batch {
    /// The changes `user` wrote, and those no account is known to have written.
    pub fn changes_by(&self, user: i64) -> Vec<(Kind, i64)> {
        self.changes.iter().zip(&self.writers).filter(|(_, w)| w.is_none_or(|w| w == user)).map(|(c, _)| *c).collect()
    }
}

tokio::task_local! {
    static WRITER: Option<i64>;
}

/// Runs `work` as `user`'s: the outbox notes the changes its write transactions make as that
/// account's (migration m0018), so that the account's next search can read them from the
/// database before the index has them. Tasks `work` spawns write as no one in particular.
pub async fn writing_as<F: Future>(user: Option<i64>, work: F) -> F::Output {
    WRITER.scope(user, work).await
}

/// The account the current task writes for ([`writing_as`]).
pub(crate) fn writer() -> Option<i64> {
    WRITER.try_with(|w| *w).ok().flatten()
}

type EnterpriseCols = (i64, Option<String>, String, String, String, String, String, Option<i64>, String, String, bool);

/// A project as a search result shows it (the public name outside its owners).
#[derive(Debug, Clone)]
pub struct ProjectLine {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub stage: String,
    pub unit_name: String,
}

/// A follow-up as a search result shows it.
#[derive(Debug, Clone)]
pub struct FollowUpLine {
    pub id: i64,
    pub enterprise_id: i64,
    pub target_id: Option<i64>,
    pub enterprise_name: String,
    pub happened_on: chrono::NaiveDate,
    pub summary: String,
    pub unit_name: String,
}

impl Store {
    /// Which of these records the viewer may see, asked of the database (never of the index).
    pub async fn visible_among(&self, kind: Kind, ids: &[i64], visibility: Visibility) -> Result<HashSet<i64>> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let ids = ids.to_vec();
        let found: Vec<i64> = match kind {
            Kind::Enterprise => enterprise::Entity::find().select_only().column(enterprise::Column::Id).filter(enterprise::Column::Id.is_in(ids)).filter(enterprise::Column::MergedIntoId.is_null()).into_tuple().all(&self.db).await?,
            Kind::Target => target::Entity::find().select_only().column(target::Column::Id).filter(target::Column::Id.is_in(ids)).filter(crate::targets::visible(self, visibility).await?).into_tuple().all(&self.db).await?,
            Kind::Project => project::Entity::find().select_only().column(project::Column::Id).filter(project::Column::Id.is_in(ids)).filter(crate::projects::visible(self, visibility).await?).into_tuple().all(&self.db).await?,
            Kind::FollowUp => {
                let q = follow_up::Entity::find().select_only().column(follow_up::Column::Id).filter(follow_up::Column::Id.is_in(ids));
                let q = match visibility {
                    Visibility::All => q,
                    Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => q.filter(follow_up::Column::UnitId.eq(u)),
                };
                q.into_tuple().all(&self.db).await?
            }
        };
        Ok(found.into_iter().collect())
    }

    /// Projects by id, in the order given, with the name the viewer may see.
    pub async fn project_lines(&self, ids: &[i64], viewer_unit: i64, sees_all: bool) -> Result<Vec<ProjectLine>> {
        let rows = project::Entity::find().filter(project::Column::Id.is_in(ids.to_vec())).all(&self.db).await?;
        let units = self.unit_names().await?;
        let shared: HashSet<i64> = credit_share::Entity::find().select_only().column(credit_share::Column::ProjectId).filter(credit_share::Column::ProjectId.is_in(ids.to_vec())).filter(credit_share::Column::UnitId.eq(viewer_unit)).into_tuple::<i64>().all(&self.db).await?.into_iter().collect();
        let by_id: HashMap<i64, project::Model> = rows.into_iter().map(|p| (p.id, p)).collect();
        Ok(ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|p| {
                let owner = sees_all || p.landing_unit_id == viewer_unit || p.source_unit_id == viewer_unit || shared.contains(&p.id);
                ProjectLine { id: p.id, code: p.code.clone(), name: if owner { p.name.clone() } else { crate::projects::public_name(p) }, stage: p.stage.clone(), unit_name: units.get(&p.landing_unit_id).cloned().unwrap_or_default() }
            })
            .collect())
    }

    /// Follow-ups by id, in the order given.
    pub async fn follow_up_lines(&self, ids: &[i64]) -> Result<Vec<FollowUpLine>> {
        let rows = follow_up::Entity::find().filter(follow_up::Column::Id.is_in(ids.to_vec())).all(&self.db).await?;
        let names = self.enterprise_names(rows.iter().map(|f| f.enterprise_id).collect()).await?;
        let units = self.unit_names().await?;
        let by_id: HashMap<i64, follow_up::Model> = rows.into_iter().map(|f| (f.id, f)).collect();
        Ok(ids
            .iter()
            .filter_map(|id| by_id.get(id))
            .map(|f| FollowUpLine {
                id: f.id,
                enterprise_id: f.enterprise_id,
                target_id: f.target_id,
                enterprise_name: names.get(&f.enterprise_id).cloned().unwrap_or_default(),
                happened_on: f.happened_on,
                summary: f.summary.chars().take(80).collect(),
                unit_name: units.get(&f.unit_id).cloned().unwrap_or_default(),
            })
            .collect())
    }

    /// Companies whose folded name contains `q`, counted by SQL `LIKE` (the benchmark's yardstick).
    pub async fn count_enterprises_like(&self, q: &str) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        let folded = domain::names::normalize_name(q);
        Ok(enterprise::Entity::find().filter(enterprise::Column::NameNorm.contains(&folded)).count(&self.db).await?)
    }

    /// Chains a unit leads (its department users see what is tied to them).
    pub async fn chains_led_by(&self, unit_id: i64) -> Result<Vec<i64>> {
        Ok(crate::entities::chain::Entity::find().select_only().column(crate::entities::chain::Column::Id).filter(crate::entities::chain::Column::LeadUnitId.eq(unit_id)).into_tuple().all(&self.db).await?)
    }

    /// Companies whose contacts (among those the viewer may see) have this phone number.
    pub async fn enterprises_by_phone(&self, digits: &str, visibility: Visibility) -> Result<Vec<i64>> {
        if digits.len() < 7 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Vec::new());
        }
        let q = contact::Entity::find().select_only().column(contact::Column::EnterpriseId).filter(contact::Column::Phone.contains(digits));
        let q = match visibility {
            Visibility::All => q,
            Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => q.filter(contact::Column::UnitId.eq(u)),
        };
        Ok(q.limit(200).into_tuple().all(&self.db).await?)
    }

    fn postgres(&self) -> bool {
        self.db.get_database_backend() == DbBackend::Postgres
    }

    /// This database's identity for search indexes (made by migration, not carried by backups).
    pub async fn search_source(&self) -> Result<String> {
        let row = self.db.query_one_raw(Statement::from_string(self.db.get_database_backend(), "SELECT id FROM search_source")).await?;
        Ok(row.and_then(|r| r.try_get::<String>("", "id").ok()).unwrap_or_default())
    }

    /// The cursor of "everything committed so far": a rebuild that starts here misses nothing.
    pub async fn outbox_head(&self) -> Result<i64> {
        let sql = if self.postgres() { "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS v" } else { "SELECT COALESCE(MAX(id), 0) AS v FROM search_outbox" };
        let row = self.db.query_one_raw(Statement::from_string(self.db.get_database_backend(), sql)).await?;
        Ok(row.and_then(|r| r.try_get::<i64>("", "v").ok()).unwrap_or(0))
    }

    /// Notes after `cursor`, at most about `limit` of them (a transaction is never split).
    ///
    /// On PostgreSQL `cursor` is a transaction id below which every transaction has ended and
    /// been applied; transactions at or above it that committed while an older one still ran are
    /// read as soon as they are visible, and named in `applied_above` so that the caller passes
    /// them back in `skip` until the cursor moves past them.
    pub async fn outbox_after(&self, cursor: i64, skip: &BTreeSet<i64>, limit: u64) -> Result<Batch> {
        let backend = self.db.get_database_backend();
        if self.postgres() {
            // Read before the notes: every transaction below it has ended, so none of them can
            // still add a note once the notes are read.
            let horizon = self.outbox_head().await?;
            let not_skipped = not_in_txids(skip);
            let read = |sql: String, values: Vec<sea_orm::Value>| async move {
                Ok::<_, crate::StoreError>(PgOutboxRow::find_by_statement(Statement::from_sql_and_values(backend, &sql, values)).all(&self.db).await?)
            };
            let mut rows = read(format!("SELECT txid, kind, record_id, writer FROM search_outbox WHERE txid >= $1{not_skipped} ORDER BY txid, id LIMIT $2"), vec![cursor.into(), (limit as i64 + 1).into()]).await?;
            // The first transaction not read, when the limit cut the notes short; a transaction
            // is never split, so the one the limit cut into is left for the next batch, or read
            // whole when it is the only one.
            let (mut first_left, mut more) = (None, false);
            if rows.len() as u64 > limit {
                let last = rows.last().map_or(cursor, |r| r.txid);
                if rows.first().is_some_and(|r| r.txid == last) {
                    rows = read("SELECT txid, kind, record_id, writer FROM search_outbox WHERE txid = $1 ORDER BY id".to_string(), vec![last.into()]).await?;
                    first_left = Some(last + 1);
                    more = !read(format!("SELECT txid, kind, record_id, writer FROM search_outbox WHERE txid > $1{not_skipped} LIMIT 1"), vec![last.into()]).await?.is_empty();
                } else {
                    rows.retain(|r| r.txid != last);
                    first_left = Some(last);
                    more = true;
                }
            }
            let mut applied_above: Vec<i64> = rows.iter().map(|r| r.txid).filter(|t| *t >= horizon).collect();
            applied_above.dedup();
            let (changes, writers) = rows.iter().filter_map(|r| Kind::parse(&r.kind).map(|k| ((k, r.record_id), r.writer))).unzip();
            return Ok(Batch {
                changes,
                writers,
                // Below the horizon every transaction has ended: the cursor moves up to it, or to
                // the first transaction left for the next batch.
                cursor: first_left.map_or(horizon, |t| t.min(horizon)).max(cursor),
                more,
                applied_above,
            });
        }
        let rows = OutboxRow::find_by_statement(Statement::from_sql_and_values(backend, "SELECT id, kind, record_id, writer FROM search_outbox WHERE id > ? ORDER BY id LIMIT ?", [cursor.into(), (limit as i64 + 1).into()])).all(&self.db).await?;
        let more = rows.len() as u64 > limit;
        let rows: Vec<OutboxRow> = rows.into_iter().take(limit as usize).collect();
        let next = rows.last().map(|r| r.id).unwrap_or(cursor);
        let (changes, writers) = rows.iter().filter_map(|r| Kind::parse(&r.kind).map(|k| ((k, r.record_id), r.writer))).unzip();
        Ok(Batch { changes, writers, cursor: next, more, applied_above: Vec::new() })
    }

    /// How many notes wait after `cursor` (not counting the transactions in `skip`), up to `cap`.
    pub async fn outbox_pending(&self, cursor: i64, skip: &BTreeSet<i64>, cap: u64) -> Result<u64> {
        let backend = self.db.get_database_backend();
        let sql = if self.postgres() {
            format!("SELECT COUNT(*) AS v FROM (SELECT 1 FROM search_outbox WHERE txid >= $1{} LIMIT $2) x", not_in_txids(skip))
        } else {
            "SELECT COUNT(*) AS v FROM (SELECT 1 FROM search_outbox WHERE id > ? LIMIT ?) x".to_string()
        };
        let row = self.db.query_one_raw(Statement::from_sql_and_values(backend, &sql, [cursor.into(), (cap as i64).into()])).await?;
        Ok(row.and_then(|r| r.try_get::<i64>("", "v").ok()).unwrap_or(0) as u64)
    }

    /// The oldest cursor still in the outbox: an index older than that must be rebuilt.
    pub async fn outbox_tail(&self) -> Result<Option<i64>> {
        let sql = if self.postgres() { "SELECT MIN(txid) AS v FROM search_outbox" } else { "SELECT MIN(id) AS v FROM search_outbox" };
        let row = self.db.query_one_raw(Statement::from_string(self.db.get_database_backend(), sql)).await?;
        Ok(row.and_then(|r| r.try_get::<Option<i64>>("", "v").ok()).flatten())
    }

    /// Forgets notes older than `days`; instances further behind rebuild their index.
    pub async fn prune_outbox(&self, days: i64) -> Result<u64> {
        let before = chrono::Utc::now() - chrono::Duration::days(days);
        let backend = self.db.get_database_backend();
        let sql = if self.postgres() { "DELETE FROM search_outbox WHERE created_at < $1" } else { "DELETE FROM search_outbox WHERE created_at < ?" };
        let stamp = if self.postgres() { sea_orm::Value::from(before) } else { sea_orm::Value::from(before.format("%Y-%m-%d %H:%M:%S+00:00").to_string()) };
        Ok(self.db.execute_raw(Statement::from_sql_and_values(backend, sql, [stamp])).await?.rows_affected())
    }

    /// Empties the outbox, after a bulk load that is followed by a full rebuild.
    pub async fn clear_outbox(&self) -> Result<()> {
        self.db.execute_unprepared("DELETE FROM search_outbox").await?;
        Ok(())
    }

    /// The highest id of a kind, for walking it in ranges.
    pub async fn search_max_id(&self, kind: Kind) -> Result<i64> {
        let max: Option<Option<i64>> = match kind {
            Kind::Enterprise => enterprise::Entity::find().select_only().column_as(enterprise::Column::Id.max(), "m").into_tuple().one(&self.db).await?,
            Kind::Target => target::Entity::find().select_only().column_as(target::Column::Id.max(), "m").into_tuple().one(&self.db).await?,
            Kind::Project => project::Entity::find().select_only().column_as(project::Column::Id.max(), "m").into_tuple().one(&self.db).await?,
            Kind::FollowUp => follow_up::Entity::find().select_only().column_as(follow_up::Column::Id.max(), "m").into_tuple().one(&self.db).await?,
        };
        Ok(max.flatten().unwrap_or(0))
    }

    /// Records of a kind with ids in `from..=to` (merged-away companies are left out).
    pub async fn search_docs_range(&self, kind: Kind, from: i64, to: i64) -> Result<Vec<SearchDoc>> {
        match kind {
            Kind::Enterprise => self.enterprise_docs(Some((from, to)), &[]).await,
            Kind::Target => self.target_docs(Some((from, to)), &[]).await,
            Kind::Project => self.project_docs(Some((from, to)), &[]).await,
            Kind::FollowUp => self.follow_up_docs(Some((from, to)), &[]).await,
        }
    }

    /// The current records of these ids; an id without a record is gone (deleted or merged).
    pub async fn search_docs(&self, kind: Kind, ids: &[i64]) -> Result<Vec<SearchDoc>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(1000) {
            out.extend(match kind {
                Kind::Enterprise => self.enterprise_docs(None, chunk).await?,
                Kind::Target => self.target_docs(None, chunk).await?,
                Kind::Project => self.project_docs(None, chunk).await?,
                Kind::FollowUp => self.follow_up_docs(None, chunk).await?,
            });
        }
        Ok(out)
    }

    /// Which of these companies are in some unit's target library.
    pub async fn targeted_among(&self, ids: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(1000) {
            let found: Vec<i64> = target::Entity::find().select_only().column(target::Column::EnterpriseId).filter(target::Column::EnterpriseId.is_in(chunk.to_vec())).distinct().into_tuple().all(&self.db).await?;
            out.extend(found);
        }
        Ok(out)
    }

    /// The companies of these targets and projects, whose 'targeted' count may have changed.
    pub async fn enterprises_of(&self, kind: Kind, ids: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for chunk in ids.chunks(1000) {
            let found: Vec<i64> = match kind {
                Kind::Target => target::Entity::find().select_only().column(target::Column::EnterpriseId).filter(target::Column::Id.is_in(chunk.to_vec())).into_tuple().all(&self.db).await?,
                Kind::Project => project::Entity::find().select_only().column(project::Column::EnterpriseId).filter(project::Column::Id.is_in(chunk.to_vec())).into_tuple().all(&self.db).await?,
                _ => Vec::new(),
            };
            out.extend(found);
        }
        Ok(out)
    }

    async fn enterprise_docs(&self, range: Option<(i64, i64)>, ids: &[i64]) -> Result<Vec<SearchDoc>> {
        use enterprise::Column as C;
        let mut q = enterprise::Entity::find()
            .select_only()
            .columns([C::Id, C::Uscc, C::Name, C::FormerNames, C::BusinessScope, C::IndustryCode, C::RegionCode, C::CapitalWan, C::Tags, C::Status, C::IsLocal])
            .filter(C::MergedIntoId.is_null());
        q = match range {
            Some((a, b)) => q.filter(C::Id.between(a, b)),
            None => q.filter(C::Id.is_in(ids.to_vec())),
        };
        let rows: Vec<EnterpriseCols> = q.order_by_asc(C::Id).into_tuple().all(&self.db).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        // A range is read as a range; a few ids from the feed are scattered over the whole
        // library, and their lowest to highest would span most of it (about a second under load).
        let natives = contact::Entity::find().select_only().column(contact::Column::EnterpriseId).filter(contact::Column::IsNative.eq(true));
        let targeted = target::Entity::find().select_only().column(target::Column::EnterpriseId);
        let (natives, targeted) = match range {
            Some((a, b)) => (natives.filter(contact::Column::EnterpriseId.between(a, b)), targeted.filter(target::Column::EnterpriseId.between(a, b))),
            None => {
                let found: Vec<i64> = rows.iter().map(|r| r.0).collect();
                (natives.filter(contact::Column::EnterpriseId.is_in(found.clone())), targeted.filter(target::Column::EnterpriseId.is_in(found)))
            }
        };
        let natives: Vec<i64> = natives.into_tuple().all(&self.db).await?;
        let targeted: Vec<i64> = targeted.into_tuple().all(&self.db).await?;
        let mut native_count: HashMap<i64, u32> = HashMap::new();
        for e in natives {
            *native_count.entry(e).or_default() += 1;
        }
        let mut target_count: HashMap<i64, u32> = HashMap::new();
        for e in targeted {
            *target_count.entry(e).or_default() += 1;
        }
        Ok(rows
            .into_iter()
            .map(|(id, uscc, name, former, scope, industry, region, capital, tags, status, local)| {
                let mut names = vec![name];
                names.extend(former.split(['、', ',', '，']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
                SearchDoc {
                    id,
                    enterprise_id: id,
                    names,
                    text: scope,
                    codes: uscc.into_iter().collect(),
                    industry_code: industry,
                    region_code: region,
                    capital_wan: capital,
                    tags,
                    status,
                    is_local: local,
                    native_contacts: native_count.get(&id).copied().unwrap_or(0),
                    targeted: target_count.get(&id).copied().unwrap_or(0),
                    ..Default::default()
                }
            })
            .collect())
    }

    /// The company facts copied onto targets' and projects' documents.
    async fn company_facts(&self, ids: Vec<i64>) -> Result<HashMap<i64, EnterpriseCols>> {
        use enterprise::Column as C;
        let mut out = HashMap::new();
        let mut ids = ids;
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(1000) {
            let rows: Vec<EnterpriseCols> = enterprise::Entity::find()
                .select_only()
                .columns([C::Id, C::Uscc, C::Name, C::FormerNames, C::Address, C::IndustryCode, C::RegionCode, C::CapitalWan, C::Tags, C::Status, C::IsLocal])
                .filter(C::Id.is_in(chunk.to_vec()))
                .into_tuple()
                .all(&self.db)
                .await?;
            out.extend(rows.into_iter().map(|r| (r.0, r)));
        }
        Ok(out)
    }

    async fn link_chains(&self) -> Result<HashMap<i64, i64>> {
        Ok(link::Entity::find().select_only().columns([link::Column::Id, link::Column::ChainId]).into_tuple::<(i64, i64)>().all(&self.db).await?.into_iter().collect())
    }

    async fn target_docs(&self, range: Option<(i64, i64)>, ids: &[i64]) -> Result<Vec<SearchDoc>> {
        let q = match range {
            Some((a, b)) => target::Entity::find().filter(target::Column::Id.between(a, b)),
            None => target::Entity::find().filter(target::Column::Id.is_in(ids.to_vec())),
        };
        let rows = q.order_by_asc(target::Column::Id).all(&self.db).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|t| t.id).collect();
        let chains_of_link = self.link_chains().await?;
        let mut chains: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in ids.chunks(1000) {
            for tl in target_link::Entity::find().filter(target_link::Column::TargetId.is_in(chunk.to_vec())).all(&self.db).await? {
                if let Some(c) = chains_of_link.get(&tl.link_id) {
                    chains.entry(tl.target_id).or_default().push(*c);
                }
            }
        }
        let facts = self.company_facts(rows.iter().map(|t| t.enterprise_id).collect()).await?;
        Ok(rows
            .into_iter()
            .filter_map(|t| {
                let f = facts.get(&t.enterprise_id)?;
                let mut names = vec![f.2.clone()];
                names.extend(f.3.split(['、', ',', '，']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string));
                let mut c = chains.remove(&t.id).unwrap_or_default();
                c.sort_unstable();
                c.dedup();
                Some(SearchDoc {
                    id: t.id,
                    enterprise_id: t.enterprise_id,
                    names,
                    text: format!("{} {}", t.note, t.source),
                    codes: f.1.clone().into_iter().collect(),
                    viewers: vec![t.owner_unit_id],
                    chains: c,
                    industry_code: f.5.clone(),
                    region_code: f.6.clone(),
                    capital_wan: f.7,
                    tags: f.8.clone(),
                    status: t.status.clone(),
                    is_local: f.10,
                    ..Default::default()
                })
            })
            .collect())
    }

    async fn project_docs(&self, range: Option<(i64, i64)>, ids: &[i64]) -> Result<Vec<SearchDoc>> {
        let q = match range {
            Some((a, b)) => project::Entity::find().filter(project::Column::Id.between(a, b)),
            None => project::Entity::find().filter(project::Column::Id.is_in(ids.to_vec())),
        };
        let rows = q.order_by_asc(project::Column::Id).all(&self.db).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
        let mut shares: HashMap<i64, Vec<i64>> = HashMap::new();
        for chunk in ids.chunks(1000) {
            for s in credit_share::Entity::find().filter(credit_share::Column::ProjectId.is_in(chunk.to_vec())).all(&self.db).await? {
                shares.entry(s.project_id).or_default().push(s.unit_id);
            }
        }
        let facts = self.company_facts(rows.iter().map(|p| p.enterprise_id).collect()).await?;
        Ok(rows
            .into_iter()
            .filter_map(|p| {
                let f = facts.get(&p.enterprise_id)?;
                let mut viewers = vec![p.landing_unit_id, p.source_unit_id];
                viewers.extend(shares.remove(&p.id).unwrap_or_default());
                viewers.sort_unstable();
                viewers.dedup();
                let secret = p.confidential && !p.codename.is_empty();
                let (names, private_names) = if secret { (vec![p.codename.clone()], vec![p.name.clone(), f.2.clone()]) } else { (vec![p.name.clone(), f.2.clone()], Vec::new()) };
                Some(SearchDoc {
                    id: p.id,
                    enterprise_id: p.enterprise_id,
                    names,
                    private_names,
                    text: if secret { String::new() } else { p.state_reason.clone() },
                    codes: vec![p.code.clone()],
                    viewers,
                    chains: p.chain_id.into_iter().collect(),
                    confidential: secret,
                    industry_code: p.industry_code.clone(),
                    region_code: f.6.clone(),
                    capital_wan: f.7,
                    tags: f.8.clone(),
                    status: p.stage.clone(),
                    is_local: f.10,
                    ..Default::default()
                })
            })
            .collect())
    }

    async fn follow_up_docs(&self, range: Option<(i64, i64)>, ids: &[i64]) -> Result<Vec<SearchDoc>> {
        use follow_up::Column as C;
        let q = follow_up::Entity::find().select_only().columns([C::Id, C::EnterpriseId, C::UnitId, C::Place, C::Participants, C::Summary, C::NextStep]);
        let q = match range {
            Some((a, b)) => q.filter(C::Id.between(a, b)),
            None => q.filter(C::Id.is_in(ids.to_vec())),
        };
        let rows: Vec<(i64, i64, i64, String, String, String, String)> = q.order_by_asc(C::Id).into_tuple().all(&self.db).await?;
        Ok(rows
            .into_iter()
            .map(|(id, enterprise_id, unit, place, people, summary, next)| SearchDoc {
                id,
                enterprise_id,
                text: format!("{summary} {next} {place} {people}"),
                viewers: vec![unit],
                ..Default::default()
            })
            .collect())
    }
}
