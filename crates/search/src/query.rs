//! One box, four kinds of record, facets: what a user may see, counted after that filter.

use std::collections::{BinaryHeap, HashMap};
use std::cmp::Reverse;
use std::ops::Bound;
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, FacetCollector, FacetCounts, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{Facet, Field, IndexRecordOption};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

use domain::access::Visibility;
use store::search_feed::Kind;

use crate::index::{CAPITAL_BANDS, Search, kind_number, kind_of};
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
    /// The account searching: the search waits for the index only to hold that account's own
    /// writes (see [`Search::fresh_for`]). `None` waits for every change committed before it.
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
    /// Who may see what, as a query: the universe is shared; targets, projects and follow-ups
    /// belong to units (and, for departments, to the chains they lead).
    fn permitted(&self, r: &Request) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let (unit, chains) = match r.visibility {
            Visibility::All => return None,
            Visibility::Unit(u) => (u, Vec::new()),
            Visibility::UnitAndLedChains(u) => (u, r.led_chains.clone()),
        };
        let mut any: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, term_u64(f.kind, kind_number(Kind::Enterprise))), (Occur::Should, term_u64(f.viewers, unit as u64))];
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

    fn build(&self, r: &Request) -> Box<dyn Query> {
        let f = &self.fields;
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let parts: Vec<Box<dyn Query>> = r.q.split_whitespace().filter_map(|p| self.part_query(p, r)).collect();
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
            if let Some(q) = value.as_deref().and_then(|p| facet_term(field, root, p)) {
                must.push((Occur::Must, q));
            }
        }
        if let Some(k) = r.kind {
            must.push((Occur::Must, term_u64(f.kind, kind_number(k))));
        }
        if let Some(p) = self.permitted(r) {
            must.push((Occur::Must, p));
        }
        Box::new(BooleanQuery::new(must))
    }

    /// Searches the index. `from_index` is false (and nothing found) when there is no index or it
    /// is too far behind to be trusted: the caller then asks the database.
    pub async fn search(&self, r: &Request) -> Result<Outcome> {
        let started = Instant::now();
        let empty = |from_index| Outcome { hits: HashMap::new(), counts: HashMap::new(), facets: Facets::default(), from_index, micros: started.elapsed().as_micros() };
        if !self.fresh_for(r.asker).await? {
            return Ok(empty(false));
        }
        let fresh_at = started.elapsed();
        let Some(engine) = self.engine() else { return Ok(empty(false)) };
        let searcher = engine.reader.searcher();
        let query = self.build(r);
        let f = &self.fields;
        let facet = |field: &str, root: &str, filter: &Option<String>| {
            let mut c = FacetCollector::for_field(field);
            c.add_facet(filter.as_deref().and_then(|p| rooted(root, p)).unwrap_or_else(|| Facet::from_text(&format!("/{root}")).unwrap_or_else(|_| Facet::root())));
            c
        };
        let mut status_collector = FacetCollector::for_field("status");
        for k in Kind::ALL {
            status_collector.add_facet(format!("/s/{}", k.code()).as_str());
        }
        let collectors = (
            (PerKind { limit: r.limit.max(1), kind: f.kind, id: f.id }, facet("industry", "i", &r.filters.industry), facet("region", "r", &r.filters.region)),
            (facet("capital", "c", &None), facet("tags", "g", &None), status_collector),
        );
        let ((per_kind, ind, reg), (cap, tags, status)) = searcher.search(query.as_ref(), &collectors)?;
        let mut hits = HashMap::new();
        let mut counts = HashMap::new();
        for (k, (count, top)) in per_kind {
            counts.insert(k.code(), count);
            hits.insert(k.code(), top.into_iter().map(|(score, id)| Hit { id, score }).collect());
        }
        let facets = Facets {
            industry: labelled(&ind, "i", r.filters.industry.as_deref(), |code| domain::industry::lookup(code).map(|i| i.name.to_string()).unwrap_or_else(|_| "其他".into())),
            region: labelled(&reg, "r", r.filters.region.as_deref(), |code| {
                let padded = format!("{code:0<6}");
                domain::region::lookup(&padded).map(|x| x.name.to_string()).unwrap_or_else(|_| "其他".into())
            }),
            capital: labelled(&cap, "c", None, |code| CAPITAL_BANDS.iter().find(|b| b.0 == code).map_or(code.to_string(), |b| b.1.to_string())),
            tags: labelled(&tags, "g", None, |code| domain::target::Tag::parse(code).map_or(code.to_string(), |t| t.label().to_string())),
            status: status_facets(&status),
        };
        tracing::debug!(fresh_ms = fresh_at.as_secs_f64() * 1000.0, ms = started.elapsed().as_secs_f64() * 1000.0, "searched");
        Ok(Outcome { hits, counts, facets, from_index: true, micros: started.elapsed().as_micros() })
    }
}

/// The children of the filtered facet (or of the root), largest first, with labels.
fn labelled(counts: &FacetCounts, root: &str, under: Option<&str>, label: impl Fn(&str) -> String) -> Vec<(String, String, u64)> {
    let parent = under.and_then(|p| rooted(root, p)).unwrap_or_else(|| Facet::from_text(&format!("/{root}")).unwrap_or_else(|_| Facet::root()));
    let strip = format!("/{root}");
    let mut out: Vec<(String, String, u64)> = counts
        .get(parent)
        .map(|(facet, n)| {
            let full = facet.to_string();
            let path = full.strip_prefix(&strip).unwrap_or(&full).to_string();
            let last = path.rsplit('/').next().unwrap_or("").to_string();
            (path, if last == "-" { "未知".to_string() } else { label(&last) }, n)
        })
        .collect();
    out.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    out.truncate(12);
    out
}

fn status_facets(counts: &FacetCounts) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for (facet, n) in counts.get(format!("/s/{}", kind.code()).as_str()) {
            let full = facet.to_string();
            let path = full.strip_prefix("/s").unwrap_or(&full).to_string();
            let code = path.rsplit('/').next().unwrap_or("").to_string();
            let label = match kind {
                Kind::Enterprise => if code == "operating" { "存续经营".to_string() } else { "注销/吊销等".to_string() },
                Kind::Target => domain::target::Engagement::parse(&code).map_or(code.clone(), |e| e.label().to_string()),
                Kind::Project => domain::project::Stage::parse(&code).map_or(code.clone(), |s| s.label().to_string()),
                Kind::FollowUp => code.clone(),
            };
            out.push((path, format!("{}·{label}", kind.label()), n));
        }
    }
    out
}

/// Counts per kind and the best `limit` hits of each, in one pass.
struct PerKind {
    limit: usize,
    kind: Field,
    id: Field,
}

type KindFruit = HashMap<Kind, (u64, Vec<(f32, i64)>)>;

struct PerKindSegment {
    limit: usize,
    kind: Column<u64>,
    id: Column<u64>,
    counts: [u64; 4],
    tops: [BinaryHeap<Reverse<(Ordered, i64)>>; 4],
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

impl Collector for PerKind {
    type Fruit = KindFruit;
    type Child = PerKindSegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<PerKindSegment> {
        let name = |f: Field| reader.schema().get_field_name(f).to_string();
        Ok(PerKindSegment { limit: self.limit, kind: reader.fast_fields().u64(&name(self.kind))?, id: reader.fast_fields().u64(&name(self.id))?, counts: [0; 4], tops: Default::default() })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<KindFruit>) -> tantivy::Result<KindFruit> {
        let mut out: KindFruit = HashMap::new();
        for fruit in fruits {
            for (k, (n, top)) in fruit {
                let e = out.entry(k).or_default();
                e.0 += n;
                e.1.extend(top);
            }
        }
        for (_, top) in out.values_mut() {
            // Best first; equal scores in id order, so results do not shuffle between requests.
            top.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            top.truncate(self.limit);
        }
        Ok(out)
    }
}

impl SegmentCollector for PerKindSegment {
    type Fruit = KindFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let k = self.kind.first(doc).unwrap_or(0).min(3) as usize;
        self.counts[k] += 1;
        let id = self.id.first(doc).unwrap_or(0) as i64;
        let heap = &mut self.tops[k];
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
    }

    fn harvest(self) -> KindFruit {
        let mut out = HashMap::new();
        for (i, heap) in self.tops.into_iter().enumerate() {
            if let Some(kind) = kind_of(i as u64) {
                out.insert(kind, (self.counts[i], heap.into_iter().map(|Reverse((s, neg))| (s.0, -neg)).collect()));
            }
        }
        out
    }
}
