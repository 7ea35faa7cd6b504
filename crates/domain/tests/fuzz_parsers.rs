//! Property tests of every parser of user text in `domain`: hostile input (any Unicode, full-width
//! forms, control and invisible characters, huge numbers, mutated valid values) never panics, what
//! is accepted holds its invariants, and what can be written back reads back the same.
//! ZS_FUZZ_CASES=<n> sets the cases per target (default 2000); ZS_FUZZ_SEED=<n> fixes the RNG.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::{Config, RngSeed};

use domain::aftercare::{fmt2, parse_hundredths};
use domain::approvals::ProjectCode;
use domain::assessment::{check_schedule, scheduled_target};
use domain::dates::parse_date;
use domain::dispatch::{DispatchRules, parse_week, week_of};
use domain::matching::MatchWeights;
use domain::money::{AmountUnit, Currency, MAX_HUNDREDTHS, check_amount, format_wan, parse_wan, parse_wan_in};
use domain::names::normalize_name;
use domain::notify::{self, ChannelKind, ReminderRules, Rule};
use domain::password::PasswordPolicy;
use domain::profile::Profile;
use domain::project::{EligibilityRules, HealthRules, parse_month};
use domain::target::{Tag, join_tags, parse_tags};
use domain::uscc::{Uscc, UsccError, org_code_check};
use domain::webhook::{self, EventType};
use domain::{Role, UnitKind, industry, region};

// ---------------------------------------------------------------------------------------------
// Configuration and generators.

/// The cases per target: `ZS_FUZZ_CASES`, else 2000 (a few seconds for the whole file).
fn cases() -> u32 {
    std::env::var("ZS_FUZZ_CASES").ok().and_then(|v| v.trim().parse().ok()).unwrap_or(2000)
}

/// Failures are not persisted into the source tree; the shrunk input is printed instead. Set
/// `ZS_FUZZ_SEED` (or proptest's own `PROPTEST_RNG_SEED`) to replay a run.
fn config_with(cases: u32) -> Config {
    let mut config = Config { cases: cases.max(1), failure_persistence: None, ..Config::default() };
    if let Some(seed) = std::env::var("ZS_FUZZ_SEED").ok().and_then(|v| v.trim().parse().ok()) {
        config.rng_seed = RngSeed::Fixed(seed);
    }
    config
}

fn config() -> Config {
    config_with(cases())
}

/// Characters that break parsers: separators and units the parsers look for, their full-width
/// forms, controls, invisibles, dashes, combining marks, letters whose case mapping changes the
/// length, other scripts' digits and 4-byte characters.
const POOL: &[char] = &[
    '0', '1', '2', '5', '9', 'A', 'B', 'I', 'O', 'S', 'X', 'Z', 'a', 'q', 'z', 'T', 't', 'e', 'E',
    '-', '/', '.', ',', ':', ';', '+', '*', '_', '=', '?', '&', '%', '#', '@', '\'', '"', '<', '>', '\\', '[', ']', '`', '(', ')',
    ' ', '\t', '\n', '\r',
    '０', '１', '９', 'Ａ', 'Ｚ', 'ａ', 'ｑ', '－', '／', '．', '，', '：', '（', '）', '\u{3000}',
    '年', '月', '日', '号', '万', '亿', '千', '百', '元', '美', '港', '欧', '人', '民', '币', '单', '位', '亩', '、', '，', '统',
    '\u{0}', '\u{1}', '\u{7}', '\u{8}', '\u{1b}', '\u{7f}', '\u{85}', '\u{9f}',
    '\u{200B}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{202E}', '\u{AD}',
    '\u{2010}', '\u{2013}', '\u{2212}', '\u{FE63}',
    '\u{301}', '\u{20DD}',
    'ß', 'İ', 'ǅ', 'ﬀ', 'Ⅻ', '٣', '𝟘', '😀', 'é',
];

/// Text from the pool, any Unicode, or long digit runs.
fn noise() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::collection::vec(select(POOL), 0..48).prop_map(String::from_iter),
        2 => any::<String>(),
        1 => "[0-9]{12,64}",
        1 => "-?[0-9]{1,24}(\\.[0-9]{0,12})?",
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
    Repeat(usize),
    Cut(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), select(POOL)).prop_map(|(i, c)| Edit::Insert(i, c)),
        2 => any::<usize>().prop_map(Edit::Delete),
        3 => (any::<usize>(), select(POOL)).prop_map(|(i, c)| Edit::Replace(i, c)),
        1 => any::<usize>().prop_map(Edit::Repeat),
        1 => any::<usize>().prop_map(Edit::Cut),
    ]
}

fn apply(seed: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = seed.chars().collect();
    for e in edits {
        let n = chars.len();
        match *e {
            Edit::Insert(i, c) => chars.insert(i % (n + 1), c),
            Edit::Delete(i) if n > 0 => {
                chars.remove(i % n);
            }
            Edit::Replace(i, c) if n > 0 => chars[i % n] = c,
            Edit::Repeat(i) if n > 0 => {
                let at = i % n;
                let piece: Vec<char> = chars[at..].iter().take(8).copied().collect();
                chars.splice(at..at, piece);
            }
            Edit::Cut(i) => chars.truncate(i % (n + 1)),
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// A valid example of what the parser takes, lightly damaged.
fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    (select(seeds), proptest::collection::vec(edit(), 0..6)).prop_map(|(seed, edits)| apply(&seed, &edits))
}

/// Noise or damaged valid input, half and half.
fn hostile(seeds: &[&str]) -> impl Strategy<Value = String> {
    let seeds: Vec<String> = seeds.iter().map(|s| s.to_string()).collect();
    prop_oneof![noise(), mutated(seeds)]
}

/// ASCII made full-width, as Chinese input methods type it.
fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' ' => '\u{3000}',
            '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
            c => c,
        })
        .collect()
}

fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码.

const USCC_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

fn charset_char() -> impl Strategy<Value = char> {
    select(USCC_CHARSET.chars().collect::<Vec<char>>())
}

/// A valid code: type and authority characters, a 6-digit region, an organisation code with its
/// check character, and the final check character.
fn valid_uscc() -> impl Strategy<Value = Uscc> {
    (proptest::collection::vec(charset_char(), 2), "[0-9]{6}", proptest::collection::vec(charset_char(), 8)).prop_map(|(head, region, org)| {
        let org: String = org.into_iter().collect();
        let check = org_code_check(&org).expect("charset characters are GB 11714 characters");
        let head: String = head.into_iter().collect();
        Uscc::complete(&format!("{head}{region}{org}{check}")).expect("a well-formed body completes")
    })
}

const USCC_SEEDS: &[&str] = &["91110108551385082Q", "9161070371000003XX", "91610703MA6Y8LHQ0W", "９１１１０１０８５５１３８５０８２Ｑ", "9111 0108 5513 8508 2Q", "91-110108-551385082-Q"];

fn check_uscc_error(input: &str, e: &UsccError) {
    let message = e.to_string();
    assert!(has_cjk(&message), "{input:?}: {message}");
    if let Some(p) = e.position() {
        assert!((1..=18).contains(&p), "{input:?}: position {p}");
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn uscc_never_panics_and_what_it_accepts_is_valid(s in hostile(USCC_SEEDS)) {
        let normal = Uscc::normalize(&s);
        prop_assert_eq!(Uscc::normalize(&normal), normal.clone(), "normalize is idempotent");
        let parsed = Uscc::parse(&s);
        prop_assert_eq!(&parsed, &Uscc::parse(&normal), "parse sees only the normalized code");
        match parsed {
            Ok(code) => {
                let text = code.as_str();
                prop_assert_eq!(text.len(), 18);
                prop_assert!(text.chars().all(|c| USCC_CHARSET.contains(c)), "{}", text);
                prop_assert!(code.region_code().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(org_code_check(&text[8..16]), text.chars().nth(16));
                prop_assert_eq!(Uscc::parse(text), Ok(code.clone()));
                prop_assert_eq!(Uscc::complete(&text[..17]), Ok(code.clone()));
            }
            Err(e) => check_uscc_error(&s, &e),
        }
        match Uscc::complete(&s) {
            Ok(code) => {
                prop_assert_eq!(&code.as_str()[..17], normal.as_str());
                prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
            }
            Err(e) => check_uscc_error(&s, &e),
        }
        let _ = org_code_check(&s);
    }

    #[test]
    fn uscc_reads_back_however_it_is_pasted(code in valid_uscc(), sep in select(vec![" ", "-", "\u{2013}", "\u{200B}", "\u{3000}", "－", "\t"]), at in proptest::collection::vec(0usize..18, 0..4)) {
        let text = code.as_str();
        prop_assert_eq!(Uscc::parse(text), Ok(code.clone()));
        prop_assert_eq!(Uscc::parse(&text.to_lowercase()), Ok(code.clone()));
        prop_assert_eq!(Uscc::parse(&full_width(text)), Ok(code.clone()));
        prop_assert_eq!(Uscc::parse(&full_width(&text.to_lowercase())), Ok(code.clone()));
        let mut grouped = String::new();
        for (i, c) in text.chars().enumerate() {
            if at.contains(&i) {
                grouped.push_str(sep);
            }
            grouped.push(c);
        }
        prop_assert_eq!(Uscc::parse(&format!("\u{3000}{grouped}\r\n")), Ok(code.clone()));
        prop_assert_eq!(code.to_string().parse::<Uscc>(), Ok(code));
    }
}

// ---------------------------------------------------------------------------------------------
// Amounts.

const AMOUNT_SEEDS: &[&str] = &["5000", "5000万元人民币", "1.2亿", "300万美元", "1,234.5", "１２００万", "500000元", "0.005", "12,500.00万港元", "人民币3000万元", "99999999999999.999999亿"];
const UNIT_HEADERS: &[&str] = &["万元", "亿元", "元", "千元", "百万元", "万美元", "美元", "万元人民币", "人民币万元", "单位：万元", "单位:万港元", " 万 元 ", "欧元", "万日元"];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn amounts_never_panic_and_are_never_negative(s in hostile(AMOUNT_SEEDS), header in hostile(UNIT_HEADERS)) {
        let unit = AmountUnit::parse(&header);
        if let Some(unit) = unit {
            prop_assert_eq!(parse_wan_in("1", unit).map(|w| w.currency), Ok(unit.currency), "a unit read from a header takes a plain number");
        }
        for result in [parse_wan(&s), parse_wan_in(&s, unit.unwrap_or(AmountUnit::WAN))] {
            match result {
                Ok(w) => {
                    prop_assert!(w.hundredths >= 0, "{:?} → {:?}", s, w);
                    match check_amount(w.hundredths, "总投资") {
                        Ok(h) => prop_assert!(h <= MAX_HUNDREDTHS),
                        Err(m) => prop_assert!(w.hundredths > MAX_HUNDREDTHS && m.contains("超过 10 万亿元"), "{}", m),
                    }
                }
                Err(m) => prop_assert!(has_cjk(&m), "{:?}: {}", s, m),
            }
        }
    }

    #[test]
    fn formatted_amounts_read_back(h in 0..=MAX_HUNDREDTHS) {
        let cny = |h| Ok(domain::money::Wan { hundredths: h, currency: Currency::Cny });
        let shown = format_wan(h);
        prop_assert_eq!(parse_wan(&shown), cny(h), "{}", shown);
        prop_assert_eq!(parse_wan(&format!("{shown}万元")), cny(h));
        prop_assert_eq!(parse_wan(&full_width(&shown)), cny(h));
        prop_assert_eq!(parse_wan(&format!("{}.{:06}亿", h / 1_000_000, h % 1_000_000)), cny(h));
        prop_assert_eq!(parse_wan(&format!("{}元", i128::from(h) * 100)), cny(h));
        prop_assert_eq!(parse_wan(&format!("{shown}万美元")).map(|w| (w.hundredths, w.currency)), Ok((h, Currency::Usd)));
        prop_assert_eq!(check_amount(h, "总投资"), Ok(h));
    }

    #[test]
    fn yuan_round_half_up_to_the_hundredth(yuan in 0i64..1_000_000_000_000_000) {
        let expected = (yuan + 50) / 100;
        prop_assert_eq!(parse_wan(&format!("{yuan}元")).map(|w| w.hundredths), Ok(expected));
    }

    #[test]
    fn format_never_panics(h in any::<i64>()) {
        let shown = format_wan(h);
        prop_assert_eq!(shown.starts_with('-'), h < 0);
        let _ = check_amount(h, "x");
        let _ = Currency::parse(&shown);
    }
}

// ---------------------------------------------------------------------------------------------
// Dates, months and weeks.

const DATE_SEEDS: &[&str] = &["2024年6月21日", "2024-06-21", "2024/6/21", "2024.6.21", "20240621", "2024-06-21 00:00:00", "2024-06-21T08:30", "２０２４年６月２１日", "45464", "45464.0", "2024 年 6 月 21 号"];

/// A day the parsers accept: 1900-01-01 to 2100-12-31.
fn day() -> impl Strategy<Value = NaiveDate> {
    (0u64..=73_048).prop_map(|n| NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + Days::new(n))
}

fn excel_serial(d: NaiveDate) -> i64 {
    let epoch = if d < NaiveDate::from_ymd_opt(1900, 3, 1).unwrap() { NaiveDate::from_ymd_opt(1899, 12, 31) } else { NaiveDate::from_ymd_opt(1899, 12, 30) };
    (d - epoch.unwrap()).num_days()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dates_never_panic_and_stay_in_range(s in hostile(DATE_SEEDS)) {
        match parse_date(&s) {
            Ok(d) => {
                prop_assert!((1900..=2100).contains(&d.year()), "{:?} → {}", s, d);
                prop_assert_eq!(parse_date(&d.to_string()), Ok(d));
            }
            Err(m) => prop_assert!(has_cjk(&m), "{:?}: {}", s, m),
        }
        if let Ok(m) = parse_month(&s) {
            prop_assert_eq!(m.day(), 1);
            prop_assert!((2000..=2100).contains(&m.year()));
        }
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap();
        match parse_week(&s, now) {
            Ok(w) => prop_assert_eq!(w.weekday(), Weekday::Mon),
            Err(m) => prop_assert!(has_cjk(&m)),
        }
    }

    #[test]
    fn dates_read_back_in_every_written_form(d in day(), h in 0u32..24, m in 0u32..60) {
        let forms = [
            d.format("%Y-%m-%d").to_string(),
            d.format("%Y-%-m-%-d").to_string(),
            d.format("%Y/%-m/%-d").to_string(),
            d.format("%Y.%m.%d").to_string(),
            d.format("%Y年%-m月%-d日").to_string(),
            d.format("%Y年%m月%d号").to_string(),
            d.format("%Y 年 %-m 月 %-d 日").to_string(),
            d.format("%Y%m%d").to_string(),
            format!("{} {h:02}:{m:02}:00", d.format("%Y-%m-%d")),
            format!("{}T{h:02}:{m:02}", d.format("%Y-%m-%d")),
            format!("{} {h}:{m:02}", d.format("%Y/%-m/%-d")),
        ];
        for form in forms {
            prop_assert_eq!(parse_date(&form), Ok(d), "{}", form);
            prop_assert_eq!(parse_date(&full_width(&form)), Ok(d), "full-width {}", form);
            prop_assert_eq!(parse_date(&format!("\u{3000}{form}\t")), Ok(d));
        }
        // Serial 60 is Excel's phantom 1900-02-29, which no real day maps to.
        let serial = excel_serial(d);
        prop_assert_eq!(parse_date(&serial.to_string()), Ok(d), "serial {}", serial);
        prop_assert_eq!(parse_date(&format!("{serial}.0")), Ok(d));
        let now = Utc.with_ymd_and_hms(2026, 11, 27, 3, 0, 0).unwrap();
        prop_assert_eq!(parse_week(&d.to_string(), now), Ok(week_of(d)));
    }

    #[test]
    fn months_read_back(y in 2000i32..=2100, mo in 1u32..=12) {
        let first = NaiveDate::from_ymd_opt(y, mo, 1).unwrap();
        for form in [format!("{y}-{mo:02}"), format!("{y}/{mo}"), format!("{y}年{mo}月"), format!("{y}.{mo:02}"), format!(" {y}-{mo}-15 ")] {
            prop_assert_eq!(parse_month(&form), Ok(first), "{}", form);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Codes: 投资项目统一代码, regions, industries.

const PROJECT_CODE_SEEDS: &[&str] = &["2403-610702-04-01-123456", "24036107020401123456", "２４０３－６１０７０２－０４－０１－１２３４５６", "2403 610702 04 01 123456"];
const REGION_CODES: &[&str] = &["610702", "610703", "610722", "610700", "110101", "440305", "320506", "610721"];

/// The GB/T 2260 province codes.
const PROVINCES: &[&str] = &["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"];

fn project_code_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2030, 12, 31).unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn project_codes_never_panic_and_reread(s in hostile(PROJECT_CODE_SEEDS)) {
        match ProjectCode::parse(&s, project_code_today()) {
            Ok(code) => {
                let text = code.as_str();
                prop_assert_eq!(text.len(), 24, "{}", text);
                prop_assert_eq!(ProjectCode::parse(text, project_code_today()), Ok(code.clone()));
                prop_assert!(region::lookup(code.region()).is_ok());
            }
            Err(m) => prop_assert!(has_cjk(&m), "{:?}: {}", s, m),
        }
    }

    #[test]
    fn valid_project_codes_read_back_in_any_form(yy in 14u32..=30, mm in 1u32..=12, region in select(REGION_CODES), kind in 1u32..=99, industry in 1u32..=99, serial in 1u32..=999_999) {
        let text = format!("{yy:02}{mm:02}-{region}-{kind:02}-{industry:02}-{serial:06}");
        let code = ProjectCode::parse(&text, project_code_today());
        prop_assert_eq!(code.as_ref().map(ProjectCode::as_str), Ok(text.as_str()));
        prop_assert_eq!(&ProjectCode::parse(&text.replace('-', ""), project_code_today()), &code);
        prop_assert_eq!(&ProjectCode::parse(&full_width(&text), project_code_today()), &code);
        prop_assert_eq!(&ProjectCode::parse(&text.replace('-', " - "), project_code_today()), &code);
    }

    /// A region found by its code is found again by the names an export gives for it.
    #[test]
    fn regions_are_found_by_their_names(province in select(PROVINCES), city in 0u32..=30, county in 0u32..=40) {
        let code = format!("{province}{city:02}{county:02}");
        let Ok(r) = region::lookup(&code) else { return Ok(()) };
        let full = region::full_name(r.code).unwrap();
        let parts: Vec<&str> = full.split(' ').collect();
        let found = match (parts.as_slice(), r.level) {
            ([p], _) => region::by_names(p, "", ""),
            ([p, c], region::RegionLevel::Prefecture) => region::by_names(p, c, ""),
            ([p, d], _) => region::by_names(p, "", d),
            ([p, c, d], _) => region::by_names(p, c, d),
            _ => None,
        };
        prop_assert_eq!(found.map(|f| f.name), Some(r.name), "{} ({})", full, r.code);
    }

    #[test]
    fn industries_never_panic_and_form_a_tree(s in hostile(&["3741", "C", "37", "374", "0111", "9999", "A"]), limit in 0usize..60) {
        match industry::lookup(&s) {
            Ok(i) => {
                prop_assert_eq!(industry::lookup(i.code), Ok(i));
                let chain = industry::lineage(i.code);
                prop_assert_eq!(chain.last().map(|x| x.code), Some(i.code));
                prop_assert_eq!(chain.first().map(|x| x.level), Some(industry::IndustryLevel::Section));
                for pair in chain.windows(2) {
                    prop_assert_eq!(pair[1].parent, Some(pair[0].code));
                }
            }
            Err(m) => prop_assert!(has_cjk(&m)),
        }
        let q = s.trim();
        let found = industry::search(&s, limit);
        prop_assert!(found.len() <= limit);
        for i in found {
            prop_assert!(i.code.starts_with(q) || i.name.contains(q), "{:?} found {}", q, i.code);
        }
    }

    #[test]
    fn industry_codes_by_shape(code in "[A-U]|[0-9]{2,4}") {
        if let Ok(i) = industry::lookup(&code) {
            prop_assert_eq!(i.code, code.as_str());
            prop_assert!(!i.name.is_empty());
            prop_assert!(industry::search(&code, 5000).iter().any(|x| x.code == code));
        }
    }
}

proptest! {
    // Finding a region by its names walks the whole table three times: a quarter of the cases.
    #![proptest_config(config_with(cases() / 4))]

    #[test]
    fn regions_never_panic_and_resolve_to_themselves(s in hostile(REGION_CODES), province in hostile(&["陕西省", "广东", "北京市"]), city in hostile(&["汉中市", "深圳", ""]), county in hostile(&["南郑区", "南山", ""])) {
        match region::lookup(&s) {
            Ok(r) => {
                prop_assert!(r.code.len() == 6 && r.code.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(region::lookup(r.code), Ok(r));
                let full = region::full_name(r.code).expect("a region has a name");
                prop_assert!(full.ends_with(r.name), "{} / {}", full, r.name);
            }
            Err(m) => prop_assert!(has_cjk(&m)),
        }
        if let Some(r) = region::by_names(&province, &city, &county) {
            prop_assert_eq!(region::lookup(r.code).map(|x| x.code), Ok(r.code));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Names, lists of codes, numbers with two decimals.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn company_names_fold_once(s in hostile(&["秦岭航空零部件（汉中）有限公司", "ＡＢＣ科技", "  陕西 汉江 机床  "])) {
        let folded = normalize_name(&s);
        prop_assert_eq!(normalize_name(&folded), folded.clone(), "folding is idempotent");
        prop_assert!(!folded.chars().any(char::is_whitespace));
    }

    #[test]
    fn ascii_names_fold_like_their_full_width_forms(s in "[ -~]{0,40}") {
        prop_assert_eq!(normalize_name(&full_width(&s)), normalize_name(&s));
    }

    #[test]
    fn tags_roles_events_and_rules_read_back(s in hostile(&["china500,listed", "上市、专精特新", "链主, 链主", "admin,officer", "next_step_due,digest", "project.created"]), list in proptest::collection::vec(hostile(&["project.created", "ping", "request.overdue"]), 0..5)) {
        if let Ok(tags) = parse_tags(&s) {
            prop_assert!(tags.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
            prop_assert_eq!(parse_tags(&join_tags(&tags)), Ok(tags));
        }
        if let Ok(roles) = Role::parse_list(&s) {
            prop_assert!(roles.windows(2).all(|w| w[0] < w[1]));
            prop_assert_eq!(Role::parse_list(&Role::join(&roles)), Ok(roles));
        }
        if let Ok(rules) = notify::parse_rule_list(&s) {
            let stored = rules.iter().map(|r| r.code()).collect::<Vec<_>>().join(",");
            prop_assert_eq!(rules.iter().collect::<BTreeSet<_>>().len(), rules.len());
            for r in &rules {
                prop_assert!(notify::accepts(&stored, *r));
            }
        }
        match webhook::parse_events(&list) {
            Ok(events) => {
                prop_assert!(!events.is_empty() && !events.contains(&EventType::Ping));
                prop_assert!(events.windows(2).all(|w| w[0] < w[1]));
                prop_assert_eq!(webhook::stored_events(&webhook::event_list(&events)), events);
            }
            Err(m) => prop_assert!(has_cjk(&m)),
        }
        let _ = webhook::stored_events(&s);
        let _ = (UnitKind::parse(&s), Role::parse(&s), Tag::parse_any(&s), Rule::parse(&s), ChannelKind::parse_any(&s), Currency::parse(&s), EventType::parse(&s));
    }

    #[test]
    fn coded_values_read_back_by_code_and_label(i in 0usize..64) {
        let tag = Tag::ALL[i % Tag::ALL.len()];
        prop_assert_eq!(Tag::parse_any(tag.code()), Some(tag));
        prop_assert_eq!(Tag::parse_any(&format!(" {} ", tag.label())), Some(tag));
        let rule = Rule::ALL[i % Rule::ALL.len()];
        prop_assert_eq!(Rule::parse(rule.code()), Some(rule));
        let role = Role::ALL[i % Role::ALL.len()];
        prop_assert_eq!(Role::parse(role.code()), Some(role));
    }

    #[test]
    fn hundredths_never_panic_and_read_back(s in hostile(&["80", "80.5", "80.25亩", "1,200人", "12，000.5"]), v in 0i64..100_000_000_000_000) {
        match parse_hundredths(&s, "用地面积") {
            Ok(h) => prop_assert!(h >= 0, "{:?} → {}", s, h),
            Err(m) => prop_assert!(m.contains("用地面积"), "{}", m),
        }
        prop_assert_eq!(parse_hundredths(&fmt2(v), "x"), Ok(v));
        prop_assert_eq!(parse_hundredths(&format!("{}亩", fmt2(v)), "x"), Ok(v));
        let _ = domain::aftercare::percent1(v.wrapping_neg());
    }

    #[test]
    fn schedules_never_panic(schedule in proptest::collection::vec(prop_oneof![0i64..=100, any::<i64>()], 0..14), annual in any::<i64>(), month in any::<u32>()) {
        if check_schedule(&schedule).is_ok() {
            prop_assert_eq!(schedule.len(), 12);
            prop_assert!(schedule.windows(2).all(|w| w[0] <= w[1]) && schedule[11] == 100);
            let fixed: [i64; 12] = schedule.clone().try_into().unwrap();
            let t = scheduled_target(annual, &fixed, month);
            if annual >= 0 {
                prop_assert!((0..=annual).contains(&t), "{} of {}", t, annual);
            }
        }
        let _ = scheduled_target(annual, &domain::assessment::even_schedule(), month);
    }

    #[test]
    fn passwords_are_checked_without_panicking(password in noise(), username in noise()) {
        let policy = PasswordPolicy::default();
        if let Err(problems) = policy.check(&password, &username) {
            prop_assert!(!problems.is_empty() && problems.len() <= 4);
            prop_assert!(problems.iter().all(|p| has_cjk(p)));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Addresses and texts going to other systems.

proptest! {
    #![proptest_config(config())]

    #[test]
    fn webhook_addresses_are_checked_once_and_for_all(s in hostile(&["https://example.gov.cn/hooks/zhaoshang", "http://10.0.0.5:8080/in?key=1", "https://[::1]:443/x", "https://user@evil.example/", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc", "http://127.0.0.1:9/x"])) {
        if let Ok(url) = webhook::check_url(&s) {
            let lower = url.to_ascii_lowercase();
            prop_assert!(lower.starts_with("http://") || lower.starts_with("https://"), "{}", url);
            prop_assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()) && !url.contains('#'));
            prop_assert!(url.chars().count() <= webhook::MAX_URL_CHARS);
            let authority = lower.split("://").nth(1).unwrap_or_default().split(['/', '?', '#']).next().unwrap_or_default();
            prop_assert!(!authority.contains('@') && !authority.is_empty(), "{}", url);
            prop_assert_eq!(webhook::check_url(&url), Ok(url.clone()));
            let redacted = webhook::redact_url(&url);
            prop_assert!(!redacted.contains('?') || redacted.ends_with("?…"));
        }
        if let Ok(url) = notify::check_webhook(&s) {
            let lower = url.to_ascii_lowercase();
            prop_assert!(lower.starts_with("https://") || lower.starts_with("http://127.0.0.1") || lower.starts_with("http://localhost") || lower.starts_with("http://[::1]"), "{}", url);
            prop_assert_eq!(notify::check_webhook(&url), Ok(url.clone()));
            let _ = notify::mask_address(ChannelKind::Wecom, &url);
            let _ = notify::dingtalk_url(&url, "SEC0123456789abcdef", 1_700_000_000_000);
        }
        let _ = notify::mask_address(ChannelKind::Dingtalk, &s);
    }

    #[test]
    fn emails_secrets_and_descriptions(s in hostile(&["zhangsan@example.gov.cn", "a@b.c", "SEC0123456789abcdef0123", "说明文字"])) {
        if let Ok(a) = notify::check_email(&s) {
            prop_assert!(a.len() <= 254 && a.matches('@').count() == 1);
            prop_assert!(!a.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c)));
        }
        if let Ok(secret) = notify::check_secret(&s) {
            prop_assert!(secret.is_empty() || (secret.starts_with("SEC") && secret.chars().all(|c| c.is_ascii_alphanumeric())));
        }
        if let Ok(d) = webhook::check_description(&s) {
            prop_assert!(d.chars().count() <= webhook::MAX_DESCRIPTION_CHARS);
        }
        let masked = notify::mask_secret(&s);
        let n = s.chars().count();
        let expected_len = match n {
            0 => 0,
            1..=10 => 4,
            _ => 8,
        };
        prop_assert_eq!(masked.chars().count(), expected_len, "{}", masked);
    }

    #[test]
    fn chat_markdown_is_inert_and_within_the_platforms_limits(title in noise(), body in (proptest::collection::vec(noise(), 0..8), 1usize..100).prop_map(|(lines, times)| lines.join("\n").repeat(times))) {
        let escaped = notify::md_escape(&body);
        prop_assert!(!escaped.contains(['<', '>', '[', ']', '*', '`', '#', '\r', '\n']), "{}", escaped);
        let wecom = notify::wecom_markdown(&title, &body, Some("https://zs.example.gov.cn/projects/1"));
        prop_assert!(wecom["markdown"]["content"].as_str().unwrap().len() <= 4096);
        let ding = notify::dingtalk_markdown(&title, &body, None);
        prop_assert!(ding["markdown"]["text"].as_str().unwrap().len() <= 4000);
        prop_assert!(ding["markdown"]["title"].as_str().unwrap().len() <= 300);
        let (subject, _) = notify::email_text(&title, &body, None);
        prop_assert!(!subject.contains(['\r', '\n']));
        let cut = webhook::truncate(&body, 50);
        prop_assert!(cut.chars().count() <= 51);
        let _ = notify::absolute_link(&title, &body);
        let _ = notify::robot_reply(200, &body);
    }

    #[test]
    fn url_encoding_is_reversible(s in noise()) {
        let encoded = notify::url_encode(&s);
        prop_assert!(encoded.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)));
        let mut bytes = Vec::new();
        let raw = encoded.as_bytes();
        let mut i = 0;
        while i < raw.len() {
            if raw[i] == b'%' {
                bytes.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).unwrap(), 16).unwrap());
                i += 3;
            } else {
                bytes.push(raw[i]);
                i += 1;
            }
        }
        prop_assert_eq!(String::from_utf8(bytes).unwrap(), s);
    }

    #[test]
    fn webhook_signatures_verify_and_hostile_headers_are_refused(secret in noise(), body in noise(), header in hostile(&["t=1700000000,v1=00ff", "t=,v1=", "v1=abc", "t=99999999999999999999", "t=1700000000,v1=,v1=00,t=1"]), t in -10_000_000_000i64..10_000_000_000) {
        let signed = webhook::signature(&secret, t, &body);
        prop_assert_eq!(webhook::verify(&secret, &signed, &body, t + 10, 300), Ok(()));
        let tampered = format!("{body}x");
        prop_assert!(webhook::verify(&secret, &signed, &tampered, t, 300).is_err());
        prop_assert!(webhook::verify(&secret, &header, &body, t, 300).is_err() || header.contains(signed.rsplit("v1=").next().unwrap()));
        let _ = notify::dingtalk_sign(&secret, t);
    }
}

/// A receiver's check of a signature whose time is at either end of i64 must say no, not panic:
/// `now - timestamp` overflows there (the fuzz target above found it with t=9223372036854775807
/// and now=-1).
#[test]
fn a_signature_time_at_the_ends_of_i64_is_refused_not_a_panic() {
    let now = 1_700_000_000;
    for header in ["t=-9223372036854775808,v1=00", "t=9223372036854775807,v1=00"] {
        let result = std::panic::catch_unwind(|| webhook::verify("secret", header, "{}", now, 300));
        assert!(matches!(result, Ok(Err(_))), "{header}: {result:?}");
    }
    let result = std::panic::catch_unwind(|| webhook::verify("secret", "t=9223372036854775807,v1=00", "{}", -1, 300));
    assert!(matches!(result, Ok(Err(_))), "{result:?}");
}

// ---------------------------------------------------------------------------------------------
// Settings kept as TOML: every rule set, and the city profile.

fn toml_seeds() -> Vec<String> {
    vec![
        EligibilityRules::default().to_toml(),
        HealthRules::default().to_toml(),
        MatchWeights::default().to_toml(),
        DispatchRules::default().to_toml(),
        ReminderRules::default().to_toml(),
        "industrial_min_wan = 9223372036854775807\nother_min_wan = -1".into(),
        "a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]".into(),
        "x = \"\\uD800\"\ny = 1979-05-27T07:32:00Z".into(),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rule_settings_never_panic_and_reread_as_they_were(s in prop_oneof![noise(), mutated(toml_seeds())]) {
        if let Ok(r) = EligibilityRules::parse(&s) {
            let limit = MAX_HUNDREDTHS / 100;
            prop_assert!((0..=limit).contains(&r.industrial_min_wan) && (0..=limit).contains(&r.other_min_wan));
            prop_assert_eq!(EligibilityRules::parse(&r.to_toml()), Ok(r));
        }
        if let Ok(r) = HealthRules::parse(&s) {
            prop_assert!(r.stalled_amber_days > 0 && r.stalled_red_days >= r.stalled_amber_days);
            prop_assert_eq!(HealthRules::parse(&r.to_toml()), Ok(r));
        }
        if let Ok(w) = MatchWeights::parse(&s) {
            prop_assert!(w.total() > 0);
            prop_assert_eq!(MatchWeights::parse(&w.to_toml()).map(|x| x.total()), Ok(w.total()));
        }
        if let Ok(r) = DispatchRules::parse(&s) {
            prop_assert!((1..=7).contains(&r.deadline_weekday) && r.deadline_hour <= 23);
            let _ = (r.deadline_text(), r.deadline(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
            prop_assert_eq!(DispatchRules::parse(&r.to_toml()), Ok(r));
        }
        if let Ok(r) = ReminderRules::parse(&s) {
            prop_assert_eq!(r.check(), Ok(()));
            prop_assert_eq!(ReminderRules::parse(&r.to_toml()), Ok(r));
        }
    }
}

const PROFILE: &str = include_str!("../../../profiles/hanzhong.toml");

proptest! {
    // A parse of the whole city profile is slow unoptimised: a twentieth of the cases.
    #![proptest_config(config_with(cases() / 20))]

    #[test]
    fn the_city_profile_never_panics_when_damaged(s in mutated(vec![PROFILE.to_string()])) {
        match Profile::parse(&s) {
            Ok(p) => prop_assert!(region::lookup(&p.profile.region).is_ok()),
            Err(problems) => prop_assert!(!problems.is_empty() && problems.iter().all(|p| has_cjk(p))),
        }
    }
}

#[test]
fn the_city_profile_itself_parses() {
    assert!(Profile::parse(PROFILE).is_ok());
}
