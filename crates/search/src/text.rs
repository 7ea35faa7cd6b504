//! How Chinese text becomes index terms.
//!
//! Two tokenizers, used for indexing and for queries alike:
//! - `zh` (words): jieba segmentation in search mode, with a user dictionary of the city's chain
//!   terms, link keywords, park and place names, so that 复合材料 or 汉中经济技术开发区 stay whole;
//! - `gram` (names): every two adjacent Chinese characters, so that any part of a company name of
//!   two characters or more matches, even a name jieba has never seen; a phrase of 2-grams is a
//!   substring match.
//!
//! Both fold first: full-width Latin and digits to half-width, Latin to lower case, （）to ().
//! Latin and digit runs are kept whole ("abc", "5g").

use std::sync::{Arc, Mutex};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Full-width ASCII → half-width, ideographic space → space, Latin lower case (spaces kept).
pub fn fold(text: &str) -> String {
    text.chars().map(domain::names::half_width).flat_map(char::to_lowercase).collect()
}

/// CJK ideographs (the basic block and extension A), which are paired into 2-grams.
fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// The 2-gram terms of a text with their byte offsets, in order. A lone Chinese character between
/// non-Chinese ones is kept as a 1-gram so that it is not lost.
pub fn grams(text: &str) -> Vec<(String, usize, usize)> {
    let folded = fold(text);
    let chars: Vec<(usize, char)> = folded.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        if is_han(c) {
            let mut j = i;
            while j < chars.len() && is_han(chars[j].1) {
                j += 1;
            }
            if j - i == 1 {
                out.push((c.to_string(), start, start + c.len_utf8()));
            } else {
                for k in i..j - 1 {
                    let (a, ca) = chars[k];
                    let (_, cb) = chars[k + 1];
                    out.push((format!("{ca}{cb}"), a, a + ca.len_utf8() + cb.len_utf8()));
                }
            }
            i = j;
        } else if is_word(c) {
            let mut j = i;
            while j < chars.len() && is_word(chars[j].1) {
                j += 1;
            }
            let end = if j < chars.len() { chars[j].0 } else { folded.len() };
            out.push((folded[start..end].to_string(), start, end));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The last dictionary built and the words it was built with: one copy in memory, and tests
/// that open many indexes over the same profile load it once.
static LAST: Mutex<Option<(Vec<String>, Arc<Jieba>)>> = Mutex::new(None);

/// jieba with its bundled dictionary plus `words` (chain terms, keywords, place names).
pub fn jieba_with(words: &[String]) -> Arc<Jieba> {
    let mut last = LAST.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((w, j)) = last.as_ref()
        && w.as_slice() == words
    {
        return j.clone();
    }
    let mut j = Jieba::new();
    for w in words {
        let w = fold(w.trim());
        if w.chars().count() >= 2 && !j.has_word(&w) {
            // A high frequency makes the term win over its parts when segmenting.
            j.add_word(&w, Some(100_000), None);
        }
    }
    let j = Arc::new(j);
    *last = Some((words.to_vec(), j.clone()));
    j
}

/// The word terms of a text: jieba's search-mode cut of each Chinese run, Latin/digit runs whole.
pub fn words(jieba: &Jieba, text: &str) -> Vec<(String, usize, usize)> {
    let folded = fold(text);
    let mut out = Vec::new();
    for tok in jieba.cut_for_search(&folded, true) {
        let w = tok.word.trim();
        // jieba yields Latin runs whole and punctuation alone; keep what carries meaning.
        if w.is_empty() || !w.chars().any(|c| is_han(c) || is_word(c)) {
            continue;
        }
        out.push((w.to_string(), tok.byte_start, tok.byte_end));
    }
    out
}

/// The query terms of a text for the word field: the precise cut (no overlapping sub-words).
pub fn query_words(jieba: &Jieba, text: &str) -> Vec<String> {
    let folded = fold(text);
    jieba.cut(&folded, true).into_iter().map(|t| t.word.trim()).filter(|w| !w.is_empty() && w.chars().any(|c| is_han(c) || is_word(c))).map(str::to_string).collect()
}

/// A token stream over terms computed up front.
pub struct Terms {
    tokens: Vec<Token>,
    at: usize,
}

impl Terms {
    fn new(terms: Vec<(String, usize, usize)>) -> Terms {
        let tokens = terms.into_iter().enumerate().map(|(position, (text, from, to))| Token { offset_from: from, offset_to: to, position, text, position_length: 1 }).collect();
        Terms { tokens, at: 0 }
    }
}

impl TokenStream for Terms {
    fn advance(&mut self) -> bool {
        if self.at < self.tokens.len() {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.at - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.at - 1]
    }
}

/// The `gram` tokenizer.
#[derive(Clone, Default)]
pub struct GramTokenizer;

impl Tokenizer for GramTokenizer {
    type TokenStream<'a> = Terms;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms {
        Terms::new(grams(text))
    }
}

/// The `zh` tokenizer.
#[derive(Clone)]
pub struct WordTokenizer(pub Arc<Jieba>);

impl Tokenizer for WordTokenizer {
    type TokenStream<'a> = Terms;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> Terms {
        Terms::new(words(&self.0, text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gram_texts(text: &str) -> Vec<String> {
        grams(text).into_iter().map(|(t, _, _)| t).collect()
    }

    #[test]
    fn grams_table() {
        let cases: &[(&str, &[&str])] = &[
            ("汉江机床", &["汉江", "江机", "机床"]),
            ("ＡＢＣ科技（汉中）有限公司", &["abc", "科技", "汉中", "有限", "限公", "公司"]),
            ("比亚迪BYD汽车", &["比亚", "亚迪", "byd", "汽车"]),
            ("5G通信", &["5g", "通信"]),
            ("中 国", &["中", "国"]),
            ("", &[]),
            ("——、。", &[]),
        ];
        for (text, expected) in cases {
            assert_eq!(gram_texts(text), expected.iter().map(|s| s.to_string()).collect::<Vec<_>>(), "{text}");
        }
    }

    #[test]
    fn offsets_point_into_the_folded_text() {
        let text = "陕西ABC钛业";
        let folded = fold(text);
        for (term, from, to) in grams(text) {
            assert_eq!(&folded[from..to], term);
        }
    }

    #[test]
    fn user_dictionary_keeps_chain_terms_whole() {
        let plain = jieba_with(&[]);
        let custom = jieba_with(&["预浸料".to_string(), "汉中经济技术开发区".to_string()]);
        let text = "碳纤维预浸料研发，落户汉中经济技术开发区";
        assert!(query_words(&custom, text).contains(&"预浸料".to_string()), "{:?}", query_words(&custom, text));
        assert!(query_words(&custom, text).contains(&"汉中经济技术开发区".to_string()));
        assert!(!query_words(&plain, text).contains(&"汉中经济技术开发区".to_string()));
        // Search mode also yields the parts, so 开发区 alone still finds it.
        let indexed: Vec<String> = words(&custom, text).into_iter().map(|(w, _, _)| w).collect();
        assert!(indexed.contains(&"开发区".to_string()) || indexed.contains(&"开发".to_string()), "{indexed:?}");
    }

    #[test]
    fn words_fold_full_width_and_case() {
        let j = jieba_with(&[]);
        let got: Vec<String> = words(&j, "ＡＢＣ 新能源 Lithium").into_iter().map(|(w, _, _)| w).collect();
        assert!(got.contains(&"abc".to_string()), "{got:?}");
        assert!(got.contains(&"lithium".to_string()), "{got:?}");
        assert!(got.iter().any(|w| w.contains("能源")), "{got:?}");
    }
}
