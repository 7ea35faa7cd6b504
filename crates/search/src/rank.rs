//! Ranking the universe against a chain's weak or missing link (domain::matching), over the
//! index's fast fields: every company in the link's 大类 or mentioning one of its keywords is
//! scored; only the best are explained.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::time::Instant;

use serde::Serialize;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::{Facet, IndexRecordOption};
use tantivy::{BitSet, DocId, DocSet, Score, SegmentOrdinal, SegmentReader, TERMINATED, Term};

use domain::matching::{Company, Exclusion, Gap, MatchWeights, Reach, Verdict};
use store::search_feed::Kind;

use crate::index::{Search, industry_of_number, kind_number, tags_of};
use crate::text::query_words;
use crate::{Error, Result};

#[derive(Debug, Clone)]
pub struct RankRequest {
    pub gap: Gap,
    pub weights: MatchWeights,
    pub reach: Reach,
    /// Only companies in these provinces (two-digit prefixes), when not empty.
    pub provinces: Vec<String>,
    /// Only companies with registered capital of at least this many 万元.
    pub min_capital_wan: Option<i64>,
    /// Only companies with this tag.
    pub tag: Option<domain::target::Tag>,
    pub limit: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Ranked {
    pub enterprise_id: i64,
    /// Hundredths of a point.
    pub score: i64,
    pub factors: Vec<domain::matching::Factor>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Ranking {
    pub ranked: Vec<Ranked>,
    /// Companies scored (in the link's industries or mentioning its keywords).
    pub considered: u64,
    /// Left out, by reason.
    pub excluded: Vec<(Exclusion, u64)>,
    pub micros: u128,
}

/// What is kept of a scored company until the best are explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Kept {
    score: i64,
    /// Negated id: equal scores keep the lower id.
    neg_id: i64,
    keywords: u64,
    ind: u64,
    cap: i64,
    tagbits: u64,
    reg: u64,
    natives: u64,
}

impl Search {
    /// Ranks the universe for a gap. Needs the index; without one the caller says so.
    pub async fn rank(&self, r: &RankRequest) -> Result<Ranking> {
        let started = Instant::now();
        // A ranking may be a little behind (no permissions depend on it), but not needlessly.
        self.fresh().await?;
        let Some(engine) = self.engine() else { return Err(Error::Invalid("搜索索引尚未建好，请稍后再试（管理员可运行 zhaoshang reindex）".into())) };
        // Scoring is synchronous and holds the searcher; nothing here waits.
        let Some((kept, considered, excluded)) = self.collect_ranked(&engine, r)? else { return Ok(Ranking::default()) };
        // The index may be a moment behind: a company targeted since is left out here too.
        let mut kept = kept;
        kept.sort_by(|a, b| b.cmp(a));
        let ids: Vec<i64> = kept.iter().map(|k| -k.neg_id).collect();
        let targeted: HashSet<i64> = self.store.targeted_among(&ids).await?.into_iter().collect();
        let mut ranked = Vec::new();
        for k in kept {
            let id = -k.neg_id;
            if targeted.contains(&id) {
                continue;
            }
            let found: Vec<String> = r.gap.keywords.iter().take(64).enumerate().filter(|(i, _)| k.keywords & (1 << i) != 0).map(|(_, w)| w.clone()).collect();
            let industry = industry_of_number(k.ind).unwrap_or_default();
            let region = k.reg.to_string();
            let company = Company { industry_code: &industry, keywords_found: found, capital_wan: Some(k.cap), tags: tags_of(k.tagbits), region_code: &region, native_contacts: k.natives as u32, status: "存续", is_local: false, targeted: false };
            if let Verdict::Scored { score, factors } = domain::matching::score(&r.weights, &r.gap, &r.reach, &company) {
                debug_assert_eq!(score, k.score);
                ranked.push(Ranked { enterprise_id: id, score, factors });
            }
            if ranked.len() >= r.limit {
                break;
            }
        }
        let mut excluded: Vec<(Exclusion, u64)> = excluded.into_iter().collect();
        excluded.sort_by_key(|(e, _)| e.label());
        Ok(Ranking { ranked, considered, excluded, micros: started.elapsed().as_micros() })
    }
}

impl Search {
    fn collect_ranked(&self, engine: &crate::index::Engine, r: &RankRequest) -> Result<Option<RankFruit>> {
        let searcher = engine.reader.searcher();
        let f = self.fields;
        let keyword_queries: Vec<Box<dyn Query>> = r
            .gap
            .keywords
            .iter()
            .take(64)
            .map(|k| {
                let words = query_words(&self.jieba, k);
                Box::new(BooleanQuery::new(words.iter().map(|w| (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(f.words, w), IndexRecordOption::Basic)) as Box<dyn Query>)).collect())) as Box<dyn Query>
            })
            .collect();
        let mut wide: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut divisions: Vec<String> = r.gap.industry_codes.iter().filter_map(|c| domain::industry::lineage(c).into_iter().find(|i| i.code.len() == 2).map(|i| format!("/i{}", crate::index::industry_path(i.code)))).collect();
        divisions.sort();
        divisions.dedup();
        for path in &divisions {
            if let Ok(facet) = Facet::from_text(path) {
                wide.push((Occur::Should, Box::new(TermQuery::new(Term::from_facet(f.industry, &facet), IndexRecordOption::Basic))));
            }
        }
        for q in &keyword_queries {
            wide.push((Occur::Should, q.box_clone()));
        }
        if wide.is_empty() {
            return Ok(None);
        }
        let mut must: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(TermQuery::new(Term::from_field_u64(f.kind, kind_number(Kind::Enterprise)), IndexRecordOption::Basic))),
            (Occur::Must, Box::new(BooleanQuery::new(wide))),
        ];
        if !r.provinces.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = r.provinces.iter().filter_map(|p| Facet::from_text(&format!("/r/{p}")).ok()).map(|facet| (Occur::Should, Box::new(TermQuery::new(Term::from_facet(f.region, &facet), IndexRecordOption::Basic)) as Box<dyn Query>)).collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(t) = r.tag {
            let facet = Facet::from_text(&format!("/g/{}", t.code())).map_err(|e| Error::Invalid(e.to_string()))?;
            must.push((Occur::Must, Box::new(TermQuery::new(Term::from_facet(f.tags, &facet), IndexRecordOption::Basic))));
        }
        let query = BooleanQuery::new(must);
        let scoring = EnableScoring::disabled_from_searcher(&searcher);
        let weights = keyword_queries.iter().map(|q| q.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
        let keep = r.limit * 2 + 50;
        let collector = RankCollector { request: std::sync::Arc::new(r.clone()), weights, keep };
        Ok(Some(searcher.search(&query, &collector)?))
    }
}

struct RankCollector {
    request: std::sync::Arc<RankRequest>,
    weights: Vec<Box<dyn Weight>>,
    keep: usize,
}

type RankFruit = (Vec<Kept>, u64, HashMap<Exclusion, u64>);

struct RankSegment {
    request: std::sync::Arc<RankRequest>,
    keep: usize,
    keywords: Vec<BitSet>,
    cols: [Column<u64>; 7],
    cap: Column<i64>,
    eid: Column<u64>,
    heap: BinaryHeap<Reverse<Kept>>,
    considered: u64,
    excluded: HashMap<Exclusion, u64>,
}

impl Collector for RankCollector {
    type Fruit = RankFruit;
    type Child = RankSegment;

    fn for_segment(&self, _: SegmentOrdinal, reader: &SegmentReader) -> tantivy::Result<RankSegment> {
        let mut keywords = Vec::new();
        for w in &self.weights {
            let mut set = BitSet::with_max_value(reader.max_doc().max(1));
            let mut scorer = w.scorer(reader, 1.0)?;
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                set.insert(doc);
                doc = scorer.advance();
            }
            keywords.push(set);
        }
        let ff = reader.fast_fields();
        let cols = [ff.u64("ind")?, ff.u64("tagbits")?, ff.u64("reg")?, ff.u64("natives")?, ff.u64("targeted")?, ff.u64("local")?, ff.u64("live")?];
        Ok(RankSegment { request: self.request.clone(), keep: self.keep, keywords, cols, cap: ff.i64("cap")?, eid: ff.u64("eid")?, heap: BinaryHeap::new(), considered: 0, excluded: HashMap::new() })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<RankFruit>) -> tantivy::Result<RankFruit> {
        let mut kept = Vec::new();
        let mut considered = 0;
        let mut excluded: HashMap<Exclusion, u64> = HashMap::new();
        for (k, c, e) in fruits {
            kept.extend(k);
            considered += c;
            for (reason, n) in e {
                *excluded.entry(reason).or_default() += n;
            }
        }
        kept.sort_by(|a, b| b.cmp(a));
        kept.truncate(self.keep);
        Ok((kept, considered, excluded))
    }
}

impl SegmentCollector for RankSegment {
    type Fruit = RankFruit;

    fn collect(&mut self, doc: DocId, _: Score) {
        self.considered += 1;
        let v = |i: usize| self.cols[i].first(doc).unwrap_or(0);
        let (ind, tagbits, reg, natives, targeted, local, live) = (v(0), v(1), v(2), v(3), v(4), v(5), v(6));
        let cap = self.cap.first(doc).unwrap_or(0);
        let r = &*self.request;
        if let Some(min) = r.min_capital_wan
            && cap / 100 < min
        {
            self.considered -= 1;
            return;
        }
        let mut mask = 0u64;
        for (i, set) in self.keywords.iter().enumerate() {
            if set.contains(doc) {
                mask |= 1 << i;
            }
        }
        let industry = industry_of_number(ind).unwrap_or_default();
        let region = reg.to_string();
        let company = Company {
            industry_code: &industry,
            keywords_found: Vec::new(),
            capital_wan: Some(cap),
            tags: tags_of(tagbits),
            region_code: &region,
            native_contacts: natives as u32,
            status: if live == 1 { "存续" } else { "注销" },
            is_local: local == 1,
            targeted: targeted > 0,
        };
        match domain::matching::quick_score(&r.weights, &r.gap, &r.reach, &company, mask.count_ones() as usize) {
            Err(e) => *self.excluded.entry(e).or_default() += 1,
            Ok(score) => {
                let id = self.id_of(doc);
                let kept = Kept { score, neg_id: -id, keywords: mask, ind, cap, tagbits, reg, natives };
                if self.heap.len() < self.keep {
                    self.heap.push(Reverse(kept));
                } else if let Some(Reverse(weakest)) = self.heap.peek()
                    && kept > *weakest
                {
                    self.heap.pop();
                    self.heap.push(Reverse(kept));
                }
            }
        }
    }

    fn harvest(self) -> RankFruit {
        (self.heap.into_iter().map(|Reverse(k)| k).collect(), self.considered, self.excluded)
    }
}

impl RankSegment {
    fn id_of(&self, doc: DocId) -> i64 {
        self.eid.first(doc).unwrap_or(0) as i64
    }
}
