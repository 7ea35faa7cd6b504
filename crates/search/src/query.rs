//! One box, four kinds of record, facets: what a user may see, counted after that filter.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::fmt::Debug;
use std::ops::Bound;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, ColumnIndex, ColumnValues};
use tantivy::index::SegmentId;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery, Weight};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, Executor, Score, Searcher, SegmentOrdinal, SegmentReader, Term};

use domain::access::Visibility;
use store::search_feed::Kind;

use crate::index::{CAPITAL_BANDS, Fields, Freshness, Search, capital_band_index, industry_of_number, kind_number, kind_of, status_codes};
use crate::text::{fold, grams, query_words};
use crate::Result;

/// Facet filters, as facet paths ("/C/38", "/32/3205", "/ge10e", "/listed", "/e/operating").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filters {
    pub industry: Option<String>,
    pub region: Option<String>,
    pub capital: Option<String>,
    pub tag: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Request {
    pub q: String,
    /// Only this kind (a tab), or all four.
    pub kind: Option<Kind>,
    pub filters: Filters,
    /// Hits kept per kind.
    pub limit: usize,
    pub visibility: Visibility,
    /// Chains the viewer's unit leads (departments see what is tied to them).
    pub led_chains: Vec<i64>,
    /// Companies found another way (a contact's phone the viewer may see).
    pub also_enterprises: Vec<i64>,
    /// The account searching: when that account has written since the index last caught up,
    /// the changes waiting are read from the database for its search (see
    /// [`Search::fresh_for`]). `None` waits for every change committed before it.
    pub asker: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hit {
    pub id: i64,
    pub score: f32,
}

/// (facet path, label, count) per dimension, largest first.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facets {
    pub industry: Vec<(String, String, u64)>,
    pub region: Vec<(String, String, u64)>,
    pub capital: Vec<(String, String, u64)>,
    pub tags: Vec<(String, String, u64)>,
    pub status: Vec<(String, String, u64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub hits: HashMap<&'static str, Vec<Hit>>,
    pub counts: HashMap<&'static str, u64>,
    pub facets: Facets,
    /// False when the index could not answer and the caller should search the database.
    pub from_index: bool,
    pub micros: u128,
}

impl Outcome {
    pub fn hits(&self, kind: Kind) -> &[Hit] {
        self.hits.get(kind.code()).map_or(&[], Vec::as_slice)
    }

    pub fn count(&self, kind: Kind) -> u64 {
        self.counts.get(kind.code()).copied().unwrap_or(0)
    }
}

fn term_u64(field: Field, v: u64) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_u64(field, v), IndexRecordOption::Basic))
}

/// The facet roots of each dimension (see `Search::document`).
const ROOTS: [&str; 5] = ["i", "r", "c", "g", "s"];

/// A user's facet path ("/C/38") under its dimension's root ("/i/C/38").
fn rooted(root: &str, path: &str) -> Option<Facet> {
    let path = path.trim();
    if !path.starts_with('/') || path.len() > 64 {
        return None;
    }
    Facet::from_text(&format!("/{root}{}", path.trim_end_matches('/'))).ok()
}

fn facet_term(field: Field, root: &str, path: &str) -> Option<Box<dyn Query>> {
    let facet = rooted(root, path)?;
    Some(Box::new(TermQuery::new(Term::from_facet(field, &facet), IndexRecordOption::Basic)))
}

/// A phrase of 2-grams (a substring of a name), or the one term.
fn name_query(field: Field, text: &str) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = grams(text).into_iter().map(|(t, _, _)| Term::from_field_text(field, &t)).collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(terms[0].clone(), IndexRecordOption::WithFreqs))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

impl Search {
    /// The collector of a search over `searcher`, whose segments' columns `columns` keeps.
    fn tally<'a>(&self, r: &Request, searcher: &Searcher, columns: &'a ColumnCache) -> Result<Tally<'a>> {
        let permitted = match self.permitted(r) {
            Some(q) => Some(q.weight(EnableScoring::disabled_from_searcher(searcher))?),
            None => None,
        };
        Ok(Tally { limit: r.limit.max(1), fields: self.fields, columns, permitted, industry: parent_parts("i", &r.filters.industry), region: parent_parts("r", &r.filters.region) })
    }

    /// Who may see what: the universe (every company) is shared; targets, projects and
    /// follow-ups belong to units (and, for departments, to the chains they lead). `None` when
    /// the viewer sees everything; otherwise the records of the other kinds the viewer may see,
    /// as a query. It is not a clause of the search: companies are let through by their kind in
    /// [`Tally`], and this query's few documents are read once per segment, where a clause
    /// "company, or one of mine" made every search walk the million companies' posting list.
    fn permitted(&self, r: &Request) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let (unit, chains) = match r.visibility {
            Visibility::All => return None,
            Visibility::Unit(u) => (u, Vec::new()),
            Visibility::UnitAndLedChains(u) => (u, r.led_chains.clone()),
        };
        let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, term_u64(f.viewers, unit as u64))];
        if !chains.is_empty() {
            // Follow-ups are never shared through chains: they belong to the unit that wrote them.
            let tied = BooleanQuery::new(vec![
                (Occur::Must, Box::new(TermSetQuery::new(chains.iter().map(|c| Term::from_field_u64(f.chains, *c as u64)))) as Box<dyn Query>),
                (Occur::MustNot, term_u64(f.kind, kind_number(Kind::FollowUp))),
            ]);
            any.push((Occur::Should, Box::new(tied)));
        }
        Some(Box::new(BooleanQuery::new(any)))
    }

    /// What one word of the box matches.
    fn part_query(&self, part: &str, r: &Request) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(q) = name_query(f.name, part) {
            any.push((Occur::Should, Box::new(BoostQuery::new(q, 3.0))));
        }
        if let Some(q) = name_query(f.private, part) {
            // A confidential project's real name matches only for the units that own it.
            let owners: Box<dyn Query> = match r.visibility {
                Visibility::All => Box::new(AllQuery),
                Visibility::Unit(u) | Visibility::UnitAndLedChains(u) => term_u64(f.viewers, u as u64),
            };
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, owners)])), 3.0))));
        }
        let folded: String = fold(part).chars().filter(|c| !c.is_whitespace()).collect();
        let len = folded.chars().count();
        if (2..=4).contains(&len) {
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(TermQuery::new(Term::from_field_text(f.lead, &folded), IndexRecordOption::Basic)), 6.0))));
        }
        let words = query_words(&self.jieba, part);
        if !words.is_empty() {
            let all: Vec<(Occur, Box<dyn Query>)> = words.iter().map(|w| (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.words, w), IndexRecordOption::WithFreqs)) as Box<dyn Query>)).collect();
            any.push((Occur::Should, Box::new(BooleanQuery::new(all))));
        }
        let code = part.trim().to_uppercase();
        if code.len() >= 6 && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            let mut upper = code.clone();
            upper.push('\u{10FFFF}');
            any.push((Occur::Should, Box::new(BoostQuery::new(Box::new(RangeQuery::new(Bound::Included(Term::from_field_text(f.code, &code)), Bound::Excluded(Term::from_field_text(f.code, &upper)))), 10.0))));
        }
        if any.is_empty() { None } else { Some(Box::new(BooleanQuery::new(any))) }
    }

    /// The query of `r`, and the indexed fields it has no terms in: the record's key, the facets
    /// not filtered on, and the text fields when there is no text to match ([`Search::pending`]
    /// leaves them out of its small index).
    fn build(&self, r: &Request) -> (Box<dyn Query>, Vec<Field>) {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut unread = vec![f.key];
        let parts: Vec<Box<dyn Query>> = r.q.split_whitespace().filter_map(|p| self.part_query(p, r)).collect();
        if parts.is_empty() {
            unread.extend([f.name, f.private, f.lead, f.words, f.code]);
        }
        let text: Option<Box<dyn Query>> = if parts.is_empty() { None } else { Some(Box::new(BooleanQuery::new(parts.into_iter().map(|q| (Occur::Must, q)).collect()))) };
        let found: Option<Box<dyn Query>> = if r.also_enterprises.is_empty() {
            None
        } else {
            Some(Box::new(BooleanQuery::new(vec![
                (Occur::Must, term_u64(f.kind, kind_number(Kind::Enterprise))),
                (Occur::Must, Box::new(TermSetQuery::new(r.also_enterprises.iter().map(|id| Term::from_field_u64(f.id, *id as u64))))),
            ])))
        };
        match (text, found) {
            (Some(t), Some(x)) => must.push((Occur::Must, Box::new(BooleanQuery::new(vec![(Occur::Should, t), (Occur::Should, x)])))),
            (Some(t), None) => must.push((Occur::Must, t)),
            (None, Some(x)) => must.push((Occur::Must, x)),
            (None, None) => must.push((Occur::Must, Box::new(AllQuery))),
        }
        for ((field, value), root) in [(f.industry, &r.filters.industry), (f.region, &r.filters.region), (f.capital, &r.filters.capital), (f.tags, &r.filters.tag), (f.status, &r.filters.status)].into_iter().zip(ROOTS) {
            match value.as_deref().and_then(|p| facet_term(field, root, p)) {
                Some(q) => must.push((Occur::Must, q)),
                None => unread.push(field),
            }
        }
        if let Some(k) = r.kind {
            must.push((Occur::Must, term_u64(f.kind, kind_number(k))));
        }
        (Box::new(BooleanQuery::new(must)), unread)
    }

    /// Searches the index. `from_index` is false (and nothing found) when there is no index or it
    /// is too far behind to be trusted: the caller then asks the database.
    pub async fn search(&self, r: &Request) -> Result<Outcome> {
        let started = Instant::now();
        let empty = |from_index| Outcome { hits: HashMap::new(), counts: HashMap::new(), facets: Facets::default(), from_index, micros: started.elapsed().as_micros() };
        let (query, unread) = self.build(r);
        let pending = match self.fresh_for(r.asker, &unread).await? {
            Freshness::Behind => return Ok(empty(false)),
            Freshness::Current => None,
            Freshness::Pending { stale, current } => Some((stale, current)),
        };
        let fresh_at = started.elapsed();
        let Some(engine) = self.engine() else { return Ok(empty(false)) };
        let searcher = engine.reader.searcher();
        let tally = self.tally(r, &searcher, &self.columns)?;
        let fruit = match &pending {
            None => searcher.search(query.as_ref(), &tally)?,
            // The records waiting: their versions in the index left out, their versions in the
            // database matched in the small index beside it, scored with the index's statistics.
            Some((stale, current)) => {
                let rest = BooleanQuery::new(vec![(Occur::Must, query.box_clone()), (Occur::MustNot, Box::new(TermSetQuery::new(stale.iter().cloned())))]);
                let indexed = searcher.search(&rest, &tally)?;
                match current {
                    None => indexed,
                    Some(current) => {
                        let columns = ColumnCache::default();
                        let beside = self.tally(r, current, &columns)?;
                        let waiting = current.search_with_executor(query.as_ref(), &beside, &Executor::single_thread(), EnableScoring::enabled_from_statistics_provider(&searcher, current))?;
                        tally.merge_fruits(vec![indexed, waiting])?
                    }
                }
            }
        };
        tally.columns.keep_only(&searcher);
        let mut hits = HashMap::new();
        let mut counts = HashMap::new();
        for (i, top) in fruit.tops.into_iter().enumerate() {
            let Some(k) = kind_of(i as u64) else { continue };
            counts.insert(k.code(), fruit.counts[i]);
            hits.insert(k.code(), top.into_iter().map(|(score, id)| Hit { id, score }).collect());
        }
        let facets = Facets {
            industry: labelled(industry_children(&fruit.industry, &tally.industry), |code| domain::industry::lookup(code).map(|i| i.name.to_string()).unwrap_or_else(|_| "其他".into())),
            region: labelled(region_children(&fruit.region, &tally.region), |code| {
                let padded = format!("{code:0<6}");
                domain::region::lookup(&padded).map(|x| x.name.to_string()).unwrap_or_else(|_| "其他".into())
            }),
            capital: labelled(
                CAPITAL_BANDS.iter().zip(fruit.capital).filter(|(_, n)| *n > 0).map(|(b, n)| (format!("/{}", b.0), n)).collect(),
                |code| CAPITAL_BANDS.iter().find(|b| b.0 == code).map_or(code.to_string(), |b| b.1.to_string()),
            ),
            tags: labelled(
                domain::target::Tag::ALL.iter().zip(fruit.tags).filter(|(_, n)| *n > 0).map(|(t, n)| (format!("/{}", t.code()), n)).collect(),
                |code| domain::target::Tag::parse(code).map_or(code.to_string(), |t| t.label().to_string()),
            ),
            status: status_facets(&fruit.status),
        };
        tracing::debug!(fresh_ms = fresh_at.as_secs_f64() * 1000.0, ms = started.elapsed().as_secs_f64() * 1000.0, "searched");
        Ok(Outcome { hits, counts, facets, from_index: true, micros: started.elapsed().as_micros() })
    }
}

/// The parts of a facet filter's path below its dimension's root ("/C/38" → ["C", "38"]), or
/// none when there is no filter or it is not a facet path (the query then ignores it too).
fn parent_parts(root: &str, filter: &Option<String>) -> Vec<String> {
    filter.as_deref().and_then(|p| rooted(root, p)).map(|f| f.to_path().into_iter().skip(1).map(str::to_string).collect()).unwrap_or_default()
}

/// The child of `parent` on a record's facet path, as the facet path shown ("/C/38"); `None`
/// when the path does not run below the parent.
fn child_of(path: &[&str], parent: &[String]) -> Option<String> {
    if path.len() <= parent.len() || !path.iter().zip(parent).all(|(a, b)| a == b) {
        return None;
    }
    Some(format!("/{}", path[..=parent.len()].join("/")))
}

/// Industry counts by slot ([`INDUSTRY`]), as counts of the parent's children.
fn industry_children(by_slot: &Counter, parent: &[String]) -> Vec<(String, u64)> {
    let mut out: HashMap<String, u64> = HashMap::new();
    for (slot, count) in by_slot.nonzero() {
        if let Some(child) = INDUSTRY.path.get(slot as usize).and_then(|path| child_of(path, parent)) {
            *out.entry(child).or_default() += count;
        }
    }
    out.into_iter().collect()
}

/// Region counts (keys from [`region_key`]) as counts of the parent's children.
fn region_children(by_key: &Counter, parent: &[String]) -> Vec<(String, u64)> {
    let mut out: HashMap<String, u64> = HashMap::new();
    for (key, count) in by_key.nonzero() {
        let code = region_of_key(key, parent.len());
        let path: Vec<&str> = match &code {
            Some(c) => vec![&c[..2], &c[..4], c.as_str()],
            None => vec!["-"],
        };
        if let Some(child) = child_of(&path[..path.len().min(parent.len() + 1)], parent) {
            *out.entry(child).or_default() += count;
        }
    }
    out.into_iter().collect()
}

/// What a record's region (the `reg` fast field: its GB/T 2260 code, which has six digits and no
/// leading zero, or 0) is counted under, for a parent this deep: the province's two digits at the
/// top, the city's four below a province (so a table counts them), the whole code below a city;
/// 0 for no region (the facet's "-").
fn region_key(code: u64, depth: usize) -> u64 {
    match (code, depth) {
        (c, _) if !(100_000..=999_999).contains(&c) => 0,
        (c, 0) => 1 + c / 10_000,
        (c, 1) => 1 + c / 100,
        (c, _) => c,
    }
}

/// The region code a [`region_key`] stands for (a city's four digits padded with "00"); `None` for "-".
fn region_of_key(key: u64, depth: usize) -> Option<String> {
    match (key, depth) {
        (0, _) => None,
        (k, 0) => Some(format!("{:02}0000", k - 1)),
        (k, 1) => Some(format!("{:04}00", k - 1)),
        (k, _) => Some(k.to_string()),
    }
}

/// Industry numbers ([`crate::index::industry_number`], below 20,000) as dense slots from 1 (0 is
/// "-"), and each slot's facet path: a segment counts ~1,800 slots, not 20,000 numbers.
struct IndustrySlots {
    slot: Vec<u16>,
    path: Vec<Vec<&'static str>>,
}

static INDUSTRY: LazyLock<IndustrySlots> = LazyLock::new(|| {
    let mut slots = IndustrySlots { slot: vec![0; 20_000], path: vec![vec!["-"]] };
    for n in 1..20_000u64 {
        let Some(code) = industry_of_number(n) else { continue };
        let lineage = domain::industry::lineage(&code);
        if lineage.last().is_some_and(|i| i.code == code) {
            slots.slot[n as usize] = slots.path.len() as u16;
            slots.path.push(lineage.iter().map(|i| i.code).collect());
        }
    }
    slots
});

/// Counts by a small number: a table when the numbers are below `dense`, a map otherwise.
#[derive(Default)]
struct Counter {
    dense: Vec<u64>,
    sparse: HashMap<u64, u64>,
}

impl Counter {
    fn new(dense: usize) -> Counter {
        Counter { dense: vec![0; dense], sparse: HashMap::new() }
    }

    #[inline]
    fn add(&mut self, key: u64) {
        match self.dense.get_mut(key as usize) {
            Some(n) => *n += 1,
            None => *self.sparse.entry(key).or_default() += 1,
        }
    }

    fn merge(&mut self, other: Counter) {
        if self.dense.len() < other.dense.len() {
            self.dense.resize(other.dense.len(), 0);
        }
        for (a, b) in self.dense.iter_mut().zip(other.dense) {
            *a += b;
        }
        for (k, n) in other.sparse {
            *self.sparse.entry(k).or_default() += n;
        }
    }

    fn nonzero(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.dense.iter().enumerate().filter(|(_, n)| **n > 0).map(|(k, n)| (k as u64, *n)).chain(self.sparse.iter().map(|(k, n)| (*k, *n)))
    }
}

/// The children counted, largest first (then by path), the first 12, with labels.
fn labelled(children: Vec<(String, u64)>, label: impl Fn(&str) -> String) -> Vec<(String, String, u64)> {
    let mut out: Vec<(String, String, u64)> = children
        .into_iter()
        .map(|(path, n)| {
            let last = path.rsplit('/').next().unwrap_or("").to_string();
            let shown = if last == "-" { "未知".to_string() } else { label(&last) };
            (path, shown, n)
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    out.truncate(12);
    out
}

/// Status counts per kind ([`crate::index::status_number`]), each kind's in the order of their codes.
fn status_facets(counts: &[[u64; STATUSES]; 4]) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        let codes = status_codes(kind);
        let mut found: Vec<(&str, u64)> = codes.iter().zip(&counts[kind_number(kind) as usize][1..]).filter(|(_, n)| **n > 0).map(|(c, n)| (*c, *n)).collect();
        found.sort_by(|a, b| a.0.cmp(b.0));
        for (code, n) in found {
            let label = match kind {
                Kind::Enterprise => if code == "operating" { "存续经营".to_string() } else { "注销/吊销等".to_string() },
                Kind::Target => domain::target::Engagement::parse(code).map_or(code.to_string(), |e| e.label().to_string()),
                Kind::Project => domain::project::Stage::parse(code).map_or(code.to_string(), |s| s.label().to_string()),
                Kind::FollowUp => code.to_string(),
            };
            out.push((format!("/{}/{code}", kind.code()), format!("{}·{label}", kind.label()), n));
        }
    }
    out
}

/// Status numbers counted per kind (0 is "none").
const STATUSES: usize = 32;

/// The fast fields a search reads of each document, opened once per segment: opening a column
/// of a million documents decodes its block table, which cost as much as counting the matches.
pub(crate) struct Columns {
    kind: Values<u64>,
    id: Values<u64>,
    ind: Values<u64>,
    reg: Values<u64>,
    cap: Values<i64>,
    tagbits: Values<u64>,
    fs: Values<u64>,
}

/// A fast field's values by document. Every document has each of these fields, so the column
/// is nearly always full and read directly, without asking its index where a document's value is.
enum Values<T> {
    Full(Arc<dyn ColumnValues<T>>),
    Indexed(Column<T>),
}

impl<T: PartialOrd + Copy + Debug + Send + Sync + 'static + Default> Values<T> {
    fn of(column: Column<T>) -> Values<T> {
        match column.index {
            ColumnIndex::Full => Values::Full(column.values),
            _ => Values::Indexed(column),
        }
    }

    #[inline]
    fn get(&self, doc: DocId) -> T {
        match self {
            Values::Full(values) => values.get_val(doc),
            Values::Indexed(column) => column.first(doc).unwrap_or_default(),
        }
    }
}

/// [`Columns`] by segment, for the segments of the index in use.
#[derive(Default)]
pub(crate) struct ColumnCache(Mutex<HashMap<SegmentId, Arc<Columns>>>);

impl ColumnCache {
    fn open(&self, reader: &SegmentReader, f: &Fields) -> tantivy::Result<Arc<Columns>> {
        let id = reader.segment_id();
        if let Some(c) = self.0.lock().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Ok(c.clone());
        }
        let ff = reader.fast_fields();
        let name = |field: Field| reader.schema().get_field_name(field).to_string();
        let u = |field: Field| ff.u64(&name(field)).map(Values::of);
        let columns = Arc::new(Columns { kind: u(f.kind)?, id: u(f.id)?, ind: u(f.ind)?, reg: u(f.reg)?, cap: Values::of(ff.i64(&name(f.cap))?), tagbits: u(f.tagbits)?, fs: u(f.fs)? });
        self.0.lock().unwrap_or_else(|e| e.into_inner()).insert(id, columns.clone());
        Ok(columns)
    }

    /// Forgets the segments the index no longer has (merged away, or another index).
    fn keep_only(&self, searcher: &tantivy::Searcher) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() > searcher.segment_readers().len() {
            let live: std::collections::HashSet<SegmentId> = searcher.segment_readers().iter().map(|r| r.segment_id()).collect();
            map.retain(|id, _| live.contains(id));
        }
    }
}

/// One pass over what matched: counts and the best `limit` hits per kind, and every facet's
/// counts, read from fast fields (tantivy's facet collector, five of them, cost half the search).
struct Tally<'a> {
    limit: usize,
    fields: Fields,
    columns: &'a ColumnCache,
    /// The records other than companies the viewer may see ([`Search::permitted`]); `None`: all.
    permitted: Option<Box<dyn Weight>>,
    /// The industry and region filters' paths: their children are counted.
    industry: Vec<String>,
    region: Vec<String>,
}

#[derive(Default)]
struct TallyFruit {
    counts: [u64; 4],
    tops: [Vec<(f32, i64)>; 4],
    industry: Counter,
    region: Counter,
    capital: [u64; CAPITAL_BANDS.len()],
    /// By bit of [`crate::index::tag_bits`] (fewer than 32 tags).
    tags: [u64; 32],
    status: [[u64; STATUSES]; 4],
}

struct TallySegment {
    limit: usize,
    columns: Arc<Columns>,
    /// The segment's documents [`Tally::permitted`] lets through, in order; `None`: all.
    permitted: Option<Vec<DocId>>,
    region_depth: usize,
    fruit: TallyFruit,
    heaps: [BinaryHeap<Reverse<(Ordered, i64)>>; 4],
}

/// f32 with a total order for the heap.
#[derive(Clone, Copy, PartialEq)]
struct Ordered(f32);
impl Eq for Ordered {}
impl PartialOrd for Ordered {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ordered {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl Collector for Tally<'_> {
    type Fruit = TallyFruit;
    type Child = TallySegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<TallySegment> {
        let regions = match self.region.len() {
            0 => 101,
            1 => 10_001,
            _ => 0,
        };
        let fruit = TallyFruit { industry: Counter::new(INDUSTRY.path.len()), region: Counter::new(regions), ..Default::default() };
        let permitted = match &self.permitted {
            Some(weight) => {
                let mut docs = Vec::new();
                weight.for_each_no_score(reader, &mut |found| docs.extend_from_slice(found))?;
                Some(docs)
            }
            None => None,
        };
        Ok(TallySegment { limit: self.limit, columns: self.columns.open(reader, &self.fields)?, permitted, region_depth: self.region.len(), fruit, heaps: Default::default() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<TallyFruit>) -> tantivy::Result<TallyFruit> {
        let mut out = TallyFruit::default();
        for fruit in fruits {
            for k in 0..4 {
                out.counts[k] += fruit.counts[k];
                out.tops[k].extend(fruit.tops[k].iter().copied());
                for (a, b) in out.status[k].iter_mut().zip(fruit.status[k]) {
                    *a += b;
                }
            }
            out.industry.merge(fruit.industry);
            out.region.merge(fruit.region);
            for (a, b) in out.capital.iter_mut().zip(fruit.capital) {
                *a += b;
            }
            for (a, b) in out.tags.iter_mut().zip(fruit.tags) {
                *a += b;
            }
        }
        for top in out.tops.iter_mut() {
            // Best first; equal scores in id order, so results do not shuffle between requests.
            top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            top.truncate(self.limit);
        }
        Ok(out)
    }
}

impl SegmentCollector for TallySegment {
    type Fruit = TallyFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let c = &self.columns;
        let k = c.kind.get(doc).min(3) as usize;
        if k != kind_number(Kind::Enterprise) as usize
            && let Some(permitted) = &self.permitted
            && permitted.binary_search(&doc).is_err()
        {
            return;
        }
        let f = &mut self.fruit;
        f.counts[k] += 1;
        let id = c.id.get(doc) as i64;
        let heap = &mut self.heaps[k];
        // Reverse(score, -id): the heap's top is the weakest hit kept.
        let entry = Reverse((Ordered(score), -id));
        if heap.len() < self.limit {
            heap.push(entry);
        } else if let Some(weakest) = heap.peek()
            && entry < *weakest
        {
            heap.pop();
            heap.push(entry);
        }
        let s = c.fs.get(doc) as usize;
        if s > 0 && s < STATUSES {
            f.status[k][s] += 1;
        }
        // Follow-ups carry no industry, region, capital or tag facet.
        if k == kind_number(Kind::FollowUp) as usize {
            return;
        }
        f.industry.add(INDUSTRY.slot.get(c.ind.get(doc) as usize).copied().unwrap_or(0).into());
        f.region.add(region_key(c.reg.get(doc), self.region_depth));
        f.capital[capital_band_index(Some(c.cap.get(doc)))] += 1;
        let mut bits = c.tagbits.get(doc);
        while bits != 0 {
            if let Some(n) = f.tags.get_mut(bits.trailing_zeros() as usize) {
                *n += 1;
            }
            bits &= bits - 1;
        }
    }

    fn harvest(mut self) -> TallyFruit {
        for (i, heap) in std::mem::take(&mut self.heaps).into_iter().enumerate() {
            self.fruit.tops[i] = heap.into_iter().map(|Reverse((s, neg))| (s.0, -neg)).collect();
        }
        self.fruit
    }
}
