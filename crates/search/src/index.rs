//! The index itself: its fields, where it lives, how it is rebuilt and kept up with the outbox.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use jieba_rs::Jieba;
use serde::{Deserialize, Serialize};
use tantivy::directory::RamDirectory;
use tantivy::schema::{FacetOptions, Field, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};

use domain::target::Tag;
use store::Store;
use store::search_feed::{Kind, SearchDoc};

use crate::text::{GramTokenizer, WordTokenizer, fold, jieba_with};
use crate::{Error, Result};

/// Bumped when the schema or the tokenizers change: an index of another version is rebuilt.
const VERSION: u32 = 5;
/// Changes an index may lag behind and still answer (after catching up on them first).
pub const TRUSTED_LAG: u64 = 2_000;
/// Records read from the database per step of a rebuild.
const STEP: i64 = 5_000;

/// How a search may use the index ([`Search::fresh_for`]).
pub(crate) enum Freshness {
    /// As it stands.
    Current,
    /// With the records waiting in the outbox taken from the database: their versions in the
    /// index (`stale`, their keys) left out, and `current`, their versions now, added (`None`
    /// when none is left: all were deleted).
    Pending { stale: Vec<Term>, current: Option<Searcher> },
    /// Not at all: there is no index, or it is too far behind to be trusted.
    Behind,
}

#[derive(Clone, Copy)]
pub struct Fields {
    /// kind × 2^40 + id: one term per record, for replacing it.
    pub key: Field,
    pub kind: Field,
    pub id: Field,
    pub eid: Field,
    pub name: Field,
    pub private: Field,
    pub lead: Field,
    pub words: Field,
    pub code: Field,
    pub viewers: Field,
    pub chains: Field,
    pub industry: Field,
    pub region: Field,
    pub capital: Field,
    pub tags: Field,
    pub status: Field,
    pub ind: Field,
    pub cap: Field,
    pub tagbits: Field,
    pub reg: Field,
    pub natives: Field,
    pub targeted: Field,
    pub local: Field,
    pub live: Field,
    /// The status facet again as a number ([`status_number`]), for counting it from a fast field
    /// (query.rs) as the other facets are counted from `ind`, `reg`, `cap` and `tagbits`.
    pub fs: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // Indexed: what a query matches on (`num` also counted or ranked from its column). `fast`:
    // only read from its column (query.rs, rank.rs). A segment builds a term dictionary for each
    // indexed field it has terms in, with a table of some 1 MB whatever the field holds.
    let num = || NumericOptions::default().set_indexed().set_fast();
    let fast = || NumericOptions::default().set_fast();
    let gram = TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer("gram").set_index_option(IndexRecordOption::WithFreqsAndPositions));
    let words = TextOptions::default().set_indexing_options(TextFieldIndexing::default().set_tokenizer("zh").set_index_option(IndexRecordOption::WithFreqs));
    let fields = Fields {
        key: b.add_u64_field("key", NumericOptions::default().set_indexed()),
        kind: b.add_u64_field("kind", num()),
        id: b.add_u64_field("id", num()),
        eid: b.add_u64_field("eid", fast()),
        name: b.add_text_field("name", gram.clone()),
        private: b.add_text_field("private", gram),
        lead: b.add_text_field("lead", STRING),
        words: b.add_text_field("words", words),
        code: b.add_text_field("code", STRING),
        viewers: b.add_u64_field("viewers", NumericOptions::default().set_indexed()),
        chains: b.add_u64_field("chains", NumericOptions::default().set_indexed()),
        industry: b.add_facet_field("industry", FacetOptions::default()),
        region: b.add_facet_field("region", FacetOptions::default()),
        capital: b.add_facet_field("capital", FacetOptions::default()),
        tags: b.add_facet_field("tags", FacetOptions::default()),
        status: b.add_facet_field("status", FacetOptions::default()),
        ind: b.add_u64_field("ind", fast()),
        cap: b.add_i64_field("cap", fast()),
        tagbits: b.add_u64_field("tagbits", fast()),
        reg: b.add_u64_field("reg", fast()),
        natives: b.add_u64_field("natives", fast()),
        targeted: b.add_u64_field("targeted", fast()),
        local: b.add_u64_field("local", fast()),
        live: b.add_u64_field("live", fast()),
        fs: b.add_u64_field("fs", fast()),
    };
    (b.build(), fields)
}

pub fn kind_number(kind: Kind) -> u64 {
    match kind {
        Kind::Enterprise => 0,
        Kind::Target => 1,
        Kind::Project => 2,
        Kind::FollowUp => 3,
    }
}

/// The one term that names a record in the index.
pub fn record_key(kind: Kind, id: i64) -> u64 {
    (kind_number(kind) << 40) | (id as u64 & ((1 << 40) - 1))
}

pub fn kind_of(n: u64) -> Option<Kind> {
    Kind::ALL.into_iter().find(|k| kind_number(*k) == n)
}

/// Registered-capital bands for the facet: (code, label, lower bound in 万元).
pub const CAPITAL_BANDS: [(&str, &str, i64); 5] = [("ge10e", "10 亿元及以上", 100_000), ("1e", "1–10 亿元", 10_000), ("1000w", "1000 万–1 亿元", 1_000), ("lt1000w", "1000 万元以下", 0), ("unknown", "未知", -1)];

pub fn capital_band(capital: Option<i64>) -> &'static str {
    CAPITAL_BANDS[capital_band_index(capital)].0
}

/// The place of a capital's band among [`CAPITAL_BANDS`].
pub fn capital_band_index(capital: Option<i64>) -> usize {
    let unknown = CAPITAL_BANDS.len() - 1;
    match capital {
        Some(c) if c > 0 => CAPITAL_BANDS.iter().position(|(_, _, lo)| *lo >= 0 && c / 100 >= *lo).unwrap_or(unknown - 1),
        _ => unknown,
    }
}

/// GB/T 4754 path: /门类/大类/中类/小类.
pub fn industry_path(code: &str) -> String {
    let parts: Vec<&str> = domain::industry::lineage(code).iter().map(|i| i.code).collect();
    if parts.is_empty() { "/-".into() } else { format!("/{}", parts.join("/")) }
}

/// GB/T 2260 path: /省/地/县.
pub fn region_path(code: &str) -> String {
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return "/-".into();
    }
    format!("/{}/{}/{}", &code[..2], &code[..4], code)
}

/// An industry code as a number (the `ind` fast field): a section letter as 1–26, a 2–4-digit
/// code as "1" followed by it, which keeps its leading zeros and its length (0111 → 10111, so
/// below 20,000); 0 for a code not in GB/T 4754 (the facet's "-").
pub fn industry_number(code: &str) -> u64 {
    match domain::industry::lookup(code) {
        Ok(i) if i.code.len() == 1 => u64::from(i.code.as_bytes()[0].saturating_sub(b'A')) + 1,
        Ok(i) => format!("1{}", i.code).parse().unwrap_or(0),
        Err(_) => 0,
    }
}

/// The code an [`industry_number`] stands for; `None` for 0.
pub fn industry_of_number(n: u64) -> Option<String> {
    match n {
        1..=26 => Some(char::from(b'A' + (n - 1) as u8).to_string()),
        100.. => n.to_string().get(1..).map(str::to_string),
        _ => None,
    }
}

/// The status codes of a kind's facet, in the order [`status_number`] counts them from 1.
pub fn status_codes(kind: Kind) -> Vec<&'static str> {
    match kind {
        Kind::Enterprise => vec!["operating", "closed"],
        Kind::Target => domain::target::Engagement::ALL.iter().map(|e| e.code()).collect(),
        Kind::Project => domain::project::Stage::ALL.iter().map(|s| s.code()).collect(),
        Kind::FollowUp => Vec::new(),
    }
}

/// A status facet's code as a number: its place among [`status_codes`] from 1; 0 when the
/// record has no status facet or one outside the vocabulary.
pub fn status_number(kind: Kind, status: &str) -> u64 {
    status_codes(kind).iter().position(|c| *c == status).map_or(0, |i| i as u64 + 1)
}

pub fn tag_bits(tags: &str) -> u64 {
    tags.split(',').filter_map(Tag::parse).map(|t| 1u64 << Tag::ALL.iter().position(|x| *x == t).unwrap_or(63)).fold(0, |a, b| a | b)
}

pub fn tags_of(bits: u64) -> Vec<Tag> {
    Tag::ALL.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, t)| *t).collect()
}

/// The name prefixes a short query matches exactly (2 to 4 characters), for ranking names that
/// begin with what was typed first.
pub fn leads(name: &str) -> Vec<String> {
    let folded: String = fold(name).chars().filter(|c| !c.is_whitespace()).collect();
    let chars: Vec<char> = folded.chars().collect();
    (2..=4.min(chars.len())).map(|n| chars[..n].iter().collect()).collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Payload {
    version: u32,
    /// The database it was built from (store::search_source).
    #[serde(default)]
    source: String,
    cursor: i64,
    /// Seconds since the epoch of this commit.
    at: i64,
}

/// Memory of the writer that follows the outbox: the smallest tantivy takes. Under writes the feed
/// commits about every second, a few dozen changes each time, and every commit starts a new segment
/// writer whose tables tantivy sizes from this budget and clears up front; with 50 MB that came to
/// 2.4 % of the server's time under the province load (docs/performance.md).
const FEED_BUDGET: usize = 15_000_000;
/// Memory of the one-segment index the changes waiting are laid over the index with (a few
/// hundred records).
const PENDING_BUDGET: usize = 2_000_000;

/// An open index and its position in the outbox.
pub(crate) struct Engine {
    pub reader: IndexReader,
    writer: Mutex<IndexWriter>,
    pub cursor: AtomicI64,
    pub at: AtomicI64,
    source: String,
    /// PostgreSQL: transactions at or above the cursor already applied (committed while an
    /// older one still ran). Not saved: after a restart they are applied again, which is harmless.
    above: Mutex<BTreeSet<i64>>,
}

impl Engine {
    fn new(index: Index, payload: Option<Payload>, threads: usize, budget: usize) -> Result<Engine> {
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let writer = index.writer_with_num_threads(threads, budget)?;
        let p = payload.unwrap_or(Payload { version: VERSION, source: String::new(), cursor: 0, at: 0 });
        Ok(Engine { reader, writer: Mutex::new(writer), cursor: AtomicI64::new(p.cursor), at: AtomicI64::new(p.at), source: p.source, above: Mutex::new(BTreeSet::new()) })
    }

    fn commit(&self, cursor: i64) -> Result<()> {
        let started = Instant::now();
        let at = chrono_now();
        let mut w = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut prepared = w.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&Payload { version: VERSION, source: self.source.clone(), cursor, at }).unwrap_or_default());
        prepared.commit()?;
        drop(w);
        self.reader.reload()?;
        self.cursor.store(cursor, Ordering::SeqCst);
        self.at.store(at, Ordering::SeqCst);
        tracing::debug!(cursor, ms = started.elapsed().as_secs_f64() * 1000.0, "search index committed");
        Ok(())
    }
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Where the index stands, for the pages and `zhaoshang reindex`.
#[derive(Debug, Clone, Serialize)]
pub enum Status {
    /// Answers from the index, holding this many documents in this many segments.
    Ready { docs: u64, segments: usize },
    /// Being built: records done of about how many.
    Building { done: u64, total: u64 },
    /// No usable index: searches go to the database.
    Missing,
}

/// The search service of one instance.
pub struct Search {
    pub(crate) store: Store,
    dir: Option<PathBuf>,
    pub(crate) fields: Fields,
    schema: Schema,
    pub(crate) jieba: Arc<Jieba>,
    /// The tokenizers of every index this instance opens or builds ("gram", "zh").
    tokenizers: TokenizerManager,
    /// The database this instance serves (see store::search_source).
    source: String,
    engine: RwLock<Option<Arc<Engine>>>,
    building: AtomicBool,
    built: AtomicU64,
    to_build: AtomicU64,
    feeding: tokio::sync::Mutex<()>,
    /// When the latest catch-up that applied the whole outbox first read it: every change
    /// committed before then is in the index (see [`Search::covers`]).
    covered_since: Mutex<Option<Instant>>,
    /// When each account was last answered a write, until a catch-up covers it.
    writes: Mutex<HashMap<i64, Instant>>,
    /// The fast fields searches read, opened once per segment.
    pub(crate) columns: crate::query::ColumnCache,
}

/// The tokenizers the schema names, with the city's dictionary for words.
fn tokenizers(jieba: &Arc<Jieba>) -> TokenizerManager {
    let tokenizers = TokenizerManager::default();
    tokenizers.register("gram", GramTokenizer);
    tokenizers.register("zh", WordTokenizer(jieba.clone()));
    tokenizers
}

/// The user dictionary: chain, link and cluster names, link keywords, unit (park, county) names
/// and the names of regions.
async fn dictionary(store: &Store) -> Result<Vec<String>> {
    let mut words = Vec::new();
    for c in store.profile_tree().await?.iter() {
        words.push(c.cluster.name.clone());
        for chain in &c.chains {
            words.push(chain.chain.name.clone());
            for l in store::profile::LinkNode::flatten(&chain.links) {
                words.push(l.name.clone());
                words.extend(l.keywords.split([',', '，', '、']).map(str::trim).filter(|k| !k.is_empty()).map(str::to_string));
            }
        }
    }
    for u in store.units().await? {
        words.push(u.name.clone());
    }
    words.extend(domain::region::names().into_iter().map(str::to_string));
    words.sort();
    words.dedup();
    Ok(words)
}

impl Search {
    /// Opens the index under `dir` (or keeps it in memory when `None`: tests, small demos). An
    /// index that is missing, of another version or too old to catch up is marked missing; call
    /// [`Search::rebuild`] (the server does it in the background).
    pub async fn open(store: Store, dir: Option<PathBuf>) -> Result<Arc<Search>> {
        let (schema, fields) = schema();
        let jieba = jieba_with(&dictionary(&store).await?);
        let source = store.search_source().await?;
        let search = Arc::new(Search {
            store,
            dir,
            fields,
            schema,
            tokenizers: tokenizers(&jieba),
            jieba,
            source,
            engine: RwLock::new(None),
            building: AtomicBool::new(false),
            built: AtomicU64::new(0),
            to_build: AtomicU64::new(0),
            feeding: tokio::sync::Mutex::new(()),
            covered_since: Mutex::new(None),
            writes: Mutex::new(HashMap::new()),
            columns: Default::default(),
        });
        if let Some(dir) = &search.dir
            && let Some(current) = current_generation(dir)
        {
            match search.open_dir(&current) {
                Ok(Some(engine)) => *search.engine.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(engine)),
                Ok(None) => tracing::info!(dir = %current.display(), "search index of another version or too old; it will be rebuilt"),
                Err(e) => tracing::warn!(error = %e, "search index unreadable; it will be rebuilt"),
            }
        }
        Ok(search)
    }

    fn open_dir(&self, dir: &Path) -> Result<Option<Engine>> {
        let mut index = Index::open_in_dir(dir)?;
        index.set_tokenizers(self.tokenizers.clone());
        let payload: Option<Payload> = index.load_metas()?.payload.and_then(|p| serde_json::from_str(&p).ok());
        let Some(p) = payload else { return Ok(None) };
        // The outbox keeps 30 days; an index not committed for 25 is not trusted to catch up.
        if p.version != VERSION || p.source != self.source || chrono_now() - p.at > 25 * 86_400 {
            return Ok(None);
        }
        Ok(Some(Engine::new(index, Some(p), 1, FEED_BUDGET)?))
    }

    pub(crate) fn engine(&self) -> Option<Arc<Engine>> {
        self.engine.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn status(&self) -> Status {
        if self.building.load(Ordering::SeqCst) {
            return Status::Building { done: self.built.load(Ordering::SeqCst), total: self.to_build.load(Ordering::SeqCst) };
        }
        match self.engine() {
            Some(e) => {
                let searcher = e.reader.searcher();
                Status::Ready { docs: searcher.num_docs(), segments: searcher.segment_readers().len() }
            }
            None => Status::Missing,
        }
    }

    /// Whether a rebuild is needed (no usable index and none being built).
    pub fn needs_rebuild(&self) -> bool {
        self.engine().is_none() && !self.building.load(Ordering::SeqCst)
    }

    pub(crate) fn document(&self, kind: Kind, d: &SearchDoc) -> TantivyDocument {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.key, record_key(kind, d.id));
        doc.add_u64(f.kind, kind_number(kind));
        doc.add_u64(f.id, d.id as u64);
        doc.add_u64(f.eid, d.enterprise_id as u64);
        for n in &d.names {
            doc.add_text(f.name, n);
            for l in leads(n) {
                doc.add_text(f.lead, &l);
            }
        }
        for n in &d.private_names {
            doc.add_text(f.private, n);
        }
        let mut words = d.names.join(" ");
        words.push(' ');
        words.push_str(&d.text);
        doc.add_text(f.words, &words);
        for c in &d.codes {
            doc.add_text(f.code, c.to_uppercase());
        }
        for v in &d.viewers {
            doc.add_u64(f.viewers, *v as u64);
        }
        for c in &d.chains {
            doc.add_u64(f.chains, *c as u64);
        }
        // Facet paths sit under a named root: tantivy counts the children of "/" wrongly.
        let facet = |root: &str, path: &str| tantivy::schema::Facet::from(format!("/{root}{path}").as_str());
        if kind != Kind::FollowUp {
            doc.add_facet(f.industry, facet("i", &industry_path(&d.industry_code)));
            doc.add_facet(f.region, facet("r", &region_path(&d.region_code)));
            doc.add_facet(f.capital, facet("c", &format!("/{}", capital_band(d.capital_wan))));
            for t in d.tags.split(',').filter_map(Tag::parse) {
                doc.add_facet(f.tags, facet("g", &format!("/{}", t.code())));
            }
        }
        let status = match kind {
            Kind::Enterprise => if domain::matching::operating(&d.status) { "operating" } else { "closed" }.to_string(),
            _ => d.status.clone(),
        };
        if !status.is_empty() {
            doc.add_facet(f.status, facet("s", &format!("/{}/{}", kind.code(), status)));
        }
        doc.add_u64(f.ind, industry_number(&d.industry_code));
        doc.add_i64(f.cap, d.capital_wan.unwrap_or(0));
        doc.add_u64(f.tagbits, tag_bits(&d.tags));
        doc.add_u64(f.reg, d.region_code.parse().unwrap_or(0));
        doc.add_u64(f.natives, d.native_contacts as u64);
        doc.add_u64(f.targeted, d.targeted as u64);
        doc.add_u64(f.local, d.is_local as u64);
        doc.add_u64(f.live, domain::matching::operating(&d.status) as u64);
        doc.add_u64(f.fs, status_number(kind, &status));
        doc
    }

    /// Builds a whole new index from the database and puts it in place of the old one; searches
    /// go on meanwhile (from the old index, or the database). Returns the documents indexed.
    pub async fn rebuild(&self, progress: &(dyn Fn(Kind, i64, i64) + Sync)) -> Result<u64> {
        if self.building.swap(true, Ordering::SeqCst) {
            return Err(Error::Invalid("索引正在重建中".into()));
        }
        let outcome = self.rebuild_inner(progress).await;
        self.building.store(false, Ordering::SeqCst);
        outcome
    }

    async fn rebuild_inner(&self, progress: &(dyn Fn(Kind, i64, i64) + Sync)) -> Result<u64> {
        let started = Instant::now();
        // Everything committed before this point is read below; later changes come from the outbox.
        let cursor = self.store.outbox_head().await?;
        let (mut index, generation) = match &self.dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| Error::Invalid(format!("无法创建索引目录 {}：{e}", dir.display())))?;
                let generation = dir.join(format!("g{}", chrono_now_nanos()));
                std::fs::create_dir_all(&generation).map_err(|e| Error::Invalid(format!("无法创建索引目录：{e}")))?;
                (Index::create_in_dir(&generation, self.schema.clone())?, Some(generation))
            }
            None => (Index::create_in_ram(self.schema.clone()), None),
        };
        index.set_tokenizers(self.tokenizers.clone());
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4);
        let writer: IndexWriter = index.writer_with_num_threads(threads, 64_000_000 * threads)?;
        let mut total_docs = 0u64;
        let mut maxes = Vec::new();
        for kind in Kind::ALL {
            maxes.push((kind, self.store.search_max_id(kind).await?));
        }
        self.to_build.store(maxes.iter().map(|(_, m)| *m as u64).sum(), Ordering::SeqCst);
        self.built.store(0, Ordering::SeqCst);
        for (kind, max) in maxes {
            let mut from = 1;
            while from <= max {
                let to = (from + STEP - 1).min(max);
                let docs = self.store.search_docs_range(kind, from, to).await?;
                for d in &docs {
                    writer.add_document(self.document(kind, d))?;
                }
                total_docs += docs.len() as u64;
                self.built.fetch_add((to - from + 1) as u64, Ordering::SeqCst);
                progress(kind, to, max);
                from = to + 1;
                tokio::task::yield_now().await;
            }
        }
        // Commit, then let the merges that commit starts finish: a new index answers from a few
        // large segments rather than dozens of small ones.
        let payload = Payload { version: VERSION, source: self.source.clone(), cursor, at: chrono_now() };
        let text = serde_json::to_string(&payload).unwrap_or_default();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let mut writer = writer;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&text);
            prepared.commit()?;
            writer.wait_merging_threads()?;
            Ok(())
        })
        .await
        .map_err(|e| Error::Invalid(e.to_string()))??;
        // Searched from now on, and kept current by a small writer.
        let engine = match (&generation, &self.dir) {
            (Some(generation), Some(dir)) => {
                write_current(dir, generation)?;
                let reopened = self.open_dir(generation)?.ok_or_else(|| Error::Invalid("新建的索引无法打开".into()))?;
                remove_old_generations(dir, generation);
                Arc::new(reopened)
            }
            _ => Arc::new(Engine::new(index, Some(payload), 1, FEED_BUDGET)?),
        };
        let segments = engine.reader.searcher().segment_readers().len();
        *self.engine.write().unwrap_or_else(|e| e.into_inner()) = Some(engine);
        tracing::info!(docs = total_docs, segments, seconds = started.elapsed().as_secs_f64(), "search index rebuilt");
        Ok(total_docs)
    }

    /// Applies the outbox to the index until it is current (or `budget` changes were applied).
    /// Returns the changes applied.
    pub async fn catch_up(&self, budget: u64) -> Result<u64> {
        store::release_connection().await;
        let _feeding = self.feeding.lock().await;
        self.catch_up_locked(budget).await
    }

    /// [`Search::catch_up`] with the feeding lock held.
    async fn catch_up_locked(&self, budget: u64) -> Result<u64> {
        let Some(engine) = self.engine() else { return Ok(0) };
        // Searches that arrived before the outbox is first read below are served by this catch-up,
        // and so is every write that had been answered by then.
        let began = Instant::now();
        let mut applied = 0u64;
        loop {
            let cursor = engine.cursor.load(Ordering::SeqCst);
            let skip = engine.above.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let batch = self.store.outbox_after(cursor, &skip, 1_000).await?;
            // Remembered once applied (below, after the commit), forgotten once below the cursor.
            let remember = |engine: &Engine| {
                let mut above = engine.above.lock().unwrap_or_else(|e| e.into_inner());
                above.extend(batch.applied_above.iter().copied());
                above.retain(|t| *t >= batch.cursor);
            };
            if batch.changes.is_empty() {
                remember(&engine);
                if batch.cursor != cursor {
                    engine.cursor.store(batch.cursor, Ordering::SeqCst);
                }
                // Commit at least daily so that an idle index still proves it is current.
                if chrono_now() - engine.at.load(Ordering::SeqCst) > 86_400 {
                    let e = engine.clone();
                    let c = batch.cursor;
                    tokio::task::spawn_blocking(move || e.commit(c)).await.map_err(|e| Error::Invalid(e.to_string()))??;
                }
                self.covered_up_to(began);
                return Ok(applied);
            }
            let records = self.records_of(&batch.changes).await?;
            let docs = self.documents_of(&records).await?;
            let e = engine.clone();
            let keys = self.keys_of(&records);
            let next = batch.cursor;
            let count = batch.changes.len() as u64;
            tokio::task::spawn_blocking(move || -> Result<()> {
                {
                    let w = e.writer.lock().unwrap_or_else(|e| e.into_inner());
                    for t in keys {
                        w.delete_term(t);
                    }
                    for d in docs {
                        w.add_document(d)?;
                    }
                }
                e.commit(next)
            })
            .await
            .map_err(|e| Error::Invalid(e.to_string()))??;
            remember(&engine);
            applied += count;
            if !batch.more {
                self.covered_up_to(began);
                return Ok(applied);
            }
            if applied >= budget {
                return Ok(applied);
            }
        }
    }

    /// The records `changes` touch, by kind, each id once. A target or project made or removed
    /// changes its company's "already targeted", so the company comes too.
    async fn records_of(&self, changes: &[(Kind, i64)]) -> Result<Vec<(Kind, Vec<i64>)>> {
        let mut by_kind: HashMap<Kind, Vec<i64>> = HashMap::new();
        for (k, id) in changes {
            by_kind.entry(*k).or_default().push(*id);
        }
        for k in [Kind::Target, Kind::Project] {
            if let Some(ids) = by_kind.get(&k).cloned() {
                let companies = self.store.enterprises_of(k, &ids).await?;
                by_kind.entry(Kind::Enterprise).or_default().extend(companies);
            }
        }
        Ok(by_kind
            .into_iter()
            .map(|(kind, mut ids)| {
                ids.sort_unstable();
                ids.dedup();
                (kind, ids)
            })
            .collect())
    }

    /// The terms naming these records in the index.
    fn keys_of(&self, records: &[(Kind, Vec<i64>)]) -> Vec<Term> {
        records.iter().flat_map(|(k, ids)| ids.iter().map(|id| Term::from_field_u64(self.fields.key, record_key(*k, *id)))).collect()
    }

    /// These records' documents as the database now has them (a record deleted since has none).
    async fn documents_of(&self, records: &[(Kind, Vec<i64>)]) -> Result<Vec<TantivyDocument>> {
        let mut out = Vec::new();
        for (kind, ids) in records {
            out.extend(self.store.search_docs(*kind, ids).await?.iter().map(|d| self.document(*kind, d)));
        }
        Ok(out)
    }

    /// The changes waiting in the outbox that `asker` wrote (or that no account is known to have
    /// written), as the database now has them: the keys of the records they touch, whose versions
    /// in the index are out of date, and those records' current versions in a small index in
    /// memory, built with the same schema and tokenizers. A search that leaves the keys out of the
    /// index and adds what the small index matches shows the asker's own changes as an index
    /// caught up would (only the scores' document statistics differ, by the few records waiting),
    /// without waiting for an index commit and the one in progress (decision 0004). Others'
    /// changes reach the index through the feed. [`Freshness::Behind`] when there is no index or
    /// more than [`TRUSTED_LAG`] changes wait. The small index leaves out the values of the
    /// fields in `unread` (fields the search's query has no terms in): each field a segment holds
    /// terms of costs it a term dictionary, built and dropped at every such search.
    async fn pending(&self, asker: i64, unread: &[Field]) -> Result<Freshness> {
        let Some(engine) = self.engine() else { return Ok(Freshness::Behind) };
        // The cursor before the searcher: the index holds at least everything below it.
        let cursor = engine.cursor.load(Ordering::SeqCst);
        let skip = engine.above.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let batch = self.store.outbox_after(cursor, &skip, TRUSTED_LAG).await?;
        if batch.more {
            return Ok(Freshness::Behind);
        }
        // The asker's own changes; others' reach the index through the feed.
        let changes = batch.changes_by(asker);
        if changes.is_empty() {
            return Ok(Freshness::Current);
        }
        let records = self.records_of(&changes).await?;
        let keys = self.keys_of(&records);
        let docs = self.documents_of(&records).await?;
        if docs.is_empty() {
            return Ok(Freshness::Pending { stale: keys, current: None });
        }
        // One segment written in this thread: an index writer would start its threads and clear
        // a table sized for 15 MB first.
        let mut writer = Index::builder().schema(self.schema.clone()).tokenizers(self.tokenizers.clone()).single_segment_index_writer(RamDirectory::create(), PENDING_BUDGET)?;
        for d in docs {
            let mut kept = TantivyDocument::default();
            for (field, value) in d.field_values().filter(|(field, _)| !unread.contains(field)) {
                kept.add_field_value(field, value);
            }
            writer.add_document(kept)?;
        }
        let index = writer.finalize()?;
        let current = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into().map(|r: IndexReader| r.searcher())?;
        Ok(Freshness::Pending { stale: keys, current: Some(current) })
    }

    /// Brings the index up to date when only a few changes wait; false when there is no index or
    /// it is too far behind to be trusted (a rebuild or a bulk load is under way).
    ///
    /// Searches that arrive together share one catch-up: a search waits for the catch-up in
    /// progress, and then runs its own only when that one had read the outbox before it arrived.
    /// Under a steady stream of writes a search so waits for at most two index commits, not for
    /// one per search queued ahead of it.
    pub async fn fresh(&self) -> Result<bool> {
        match self.lag(TRUSTED_LAG + 1).await? {
            None => Ok(false),
            Some(lag) if lag > TRUSTED_LAG => Ok(false),
            Some(0) => Ok(true),
            Some(_) => {
                let started = Instant::now();
                // The catch-up in progress may need a connection to finish.
                store::release_connection().await;
                let _feeding = self.feeding.lock().await;
                let waited = started.elapsed();
                if !self.covers(started) {
                    let applied = self.catch_up_locked(TRUSTED_LAG).await?;
                    tracing::debug!(applied, waited_ms = waited.as_secs_f64() * 1000.0, ms = started.elapsed().as_secs_f64() * 1000.0, "search caught up before answering");
                }
                Ok(true)
            }
        }
    }

    /// Records that a catch-up which first read the outbox at `began` has applied all of it.
    fn covered_up_to(&self, began: Instant) {
        let mut since = self.covered_since.lock().unwrap_or_else(|e| e.into_inner());
        if since.is_none_or(|s| s < began) {
            *since = Some(began);
        }
        drop(since);
        self.writes.lock().unwrap_or_else(|e| e.into_inner()).retain(|_, at| *at >= began);
    }

    /// Whether a complete catch-up began reading the outbox after `moment`, so that the index holds
    /// every change committed before it.
    fn covers(&self, moment: Instant) -> bool {
        self.covered_since.lock().unwrap_or_else(|e| e.into_inner()).is_some_and(|since| since > moment)
    }

    /// Notes that `user` has just been answered a request that may have written: until the index
    /// has caught up past this moment, that account's searches wait for it (see
    /// [`Search::fresh_for`]). The web layer calls it after every answered write.
    pub fn note_write(&self, user: i64) {
        self.writes.lock().unwrap_or_else(|e| e.into_inner()).insert(user, Instant::now());
    }

    /// Whether and how the index may answer `asker` now.
    ///
    /// An account sees its own writes at once: when it wrote after the last catch-up began
    /// reading the outbox, the search is answered with the changes waiting laid over the index
    /// ([`Search::pending`]): someone who has just logged a follow-up and now searches finds it
    /// without waiting for the index to take it. Other accounts' changes reach the index through
    /// the feed, within about a second, and are not read for this search: under a steady stream
    /// of writes there is nearly always one waiting. What a search shows is checked against the
    /// database by the caller, so an index a moment behind never shows more than the asker may
    /// see. `None` waits for every change committed before the call ([`Search::fresh`]).
    /// `unread`: the fields the search's query has no terms in ([`Search::pending`]).
    pub(crate) async fn fresh_for(&self, asker: Option<i64>, unread: &[Field]) -> Result<Freshness> {
        let Some(user) = asker else { return Ok(if self.fresh().await? { Freshness::Current } else { Freshness::Behind }) };
        let wrote = self.writes.lock().unwrap_or_else(|e| e.into_inner()).get(&user).copied();
        if wrote.is_some_and(|at| !self.covers(at)) {
            let started = Instant::now();
            let pending = self.pending(user, unread).await?;
            let records = match &pending {
                Freshness::Pending { current, .. } => current.as_ref().map_or(0, Searcher::num_docs),
                _ => 0,
            };
            tracing::debug!(records, ms = started.elapsed().as_secs_f64() * 1000.0, "search read the changes waiting");
            return Ok(pending);
        }
        Ok(if matches!(self.lag(TRUSTED_LAG + 1).await?, Some(lag) if lag <= TRUSTED_LAG) { Freshness::Current } else { Freshness::Behind })
    }

    /// Changes waiting for the index, counted up to `cap`; `None` when there is no index.
    pub async fn lag(&self, cap: u64) -> Result<Option<u64>> {
        let Some(engine) = self.engine() else { return Ok(None) };
        let skip = engine.above.lock().unwrap_or_else(|e| e.into_inner()).clone();
        Ok(Some(self.store.outbox_pending(engine.cursor.load(Ordering::SeqCst), &skip, cap).await?))
    }

    /// Keeps the index current: every `every`, apply the outbox; rebuild when there is no index.
    /// Also prunes outbox notes older than 30 days once a day.
    pub async fn run_feed(self: Arc<Self>, every: Duration) {
        let mut last_prune = Instant::now() - Duration::from_secs(86_400);
        loop {
            if self.needs_rebuild() {
                if let Err(e) = self.rebuild(&|_, _, _| {}).await {
                    tracing::error!(error = %e, "search index rebuild failed");
                }
            } else if let Err(e) = self.catch_up(50_000).await {
                tracing::warn!(error = %e, "search index catch-up failed");
            }
            if last_prune.elapsed() > Duration::from_secs(86_400) {
                last_prune = Instant::now();
                match self.store.prune_outbox(30).await {
                    Ok(n) if n > 0 => tracing::info!(rows = n, "search outbox pruned"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "search outbox prune failed"),
                }
            }
            tokio::time::sleep(every).await;
        }
    }
}

fn chrono_now_nanos() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
}

/// The generation in use, named in `CURRENT`.
fn current_generation(dir: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(dir.join("CURRENT")).ok()?;
    let path = dir.join(name.trim());
    path.is_dir().then_some(path)
}

fn write_current(dir: &Path, generation: &Path) -> Result<()> {
    let name = generation.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
    let tmp = dir.join("CURRENT.tmp");
    std::fs::write(&tmp, &name).and_then(|_| std::fs::rename(&tmp, dir.join("CURRENT"))).map_err(|e| Error::Invalid(format!("无法更新索引目录：{e}")))
}

fn remove_old_generations(dir: &Path, keep: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() && p != keep && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('g')) {
                let _ = std::fs::remove_dir_all(&p);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_bands() {
        assert_eq!(region_path("320506"), "/32/3205/320506");
        assert_eq!(region_path("32"), "/-");
        assert!(industry_path("3062").starts_with("/C/30/306/3062"), "{}", industry_path("3062"));
        assert_eq!(capital_band(Some(200_000 * 100)), "ge10e");
        assert_eq!(capital_band(Some(10_000 * 100)), "1e");
        assert_eq!(capital_band(Some(5_000 * 100)), "1000w");
        assert_eq!(capital_band(Some(999 * 100)), "lt1000w");
        assert_eq!(capital_band(None), "unknown");
        assert_eq!(tags_of(tag_bits("global500,listed")), vec![Tag::Global500, Tag::Listed]);
        assert_eq!(leads("汉江 机床"), vec!["汉江", "汉江机", "汉江机床"]);
    }
}
