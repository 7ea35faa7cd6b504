//! Bounded fuzzing of the importer: for ZS_FUZZ_SECONDS seconds (default 3) hostile files go to
//! `read_table`, which must answer each with Ok or Err, never panic nor hang. The seed is
//! printed; ZS_FUZZ_SEED=<seed> replays a run, ZS_FUZZ_CASE=<case seed> one input of it, and
//! ZS_FUZZ_FILE=<path> reads one saved input (a failure saves its input to a file).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell as StdCell, RefCell};
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use office::table::{Field, Limits, TableError, read_table};
use office::xlsx::{Cell, Column, write_table};

const FIELDS: &[Field] = &[
    Field { key: "uscc", label: "统一社会信用代码", synonyms: &["信用代码", "USCC"], required: true },
    Field { key: "name", label: "企业名称", synonyms: &["公司名称", "单位名称"], required: true },
    Field { key: "investment", label: "投资额（万元）", synonyms: &["总投资"], required: false },
    Field { key: "signed_on", label: "签约日期", synonyms: &["签约时间"], required: false },
];

/// One input that takes longer than this is taken for a hang.
const STALL: Duration = Duration::from_secs(60);
/// Memory one read of a fuzzed input may take at its peak. Generous: the point is to catch an
/// input that makes the reader allocate out of all proportion to the file.
const PEAK_BYTES: usize = 1 << 30;

#[test]
fn the_reader_survives_hostile_files_for_a_bounded_time() {
    let seconds: f64 = env_number("ZS_FUZZ_SECONDS").unwrap_or(3.0);
    let seed = env_number::<u64>("ZS_FUZZ_SEED").unwrap_or_else(clock_seed).max(1);
    let replay = match (env_number::<u64>("ZS_FUZZ_CASE"), std::env::var_os("ZS_FUZZ_FILE")) {
        (Some(case_seed), _) => Some(Replay::Case(case_seed)),
        (None, Some(path)) => Some(Replay::File(std::fs::read(&path).expect("ZS_FUZZ_FILE names a readable file"))),
        (None, None) => None,
    };
    let replaying = replay.is_some();
    note(&format!("fuzz_table: seed {seed} for {seconds} s (replay with ZS_FUZZ_SEED={seed})"));

    // The loop runs on a thread of its own, so a read that never returns is reported (with its
    // case seed) instead of hanging the test run.
    let current: Arc<Mutex<Option<(Instant, String)>>> = Arc::default();
    let worker = {
        let current = Arc::clone(&current);
        std::thread::spawn(move || fuzz(seed, Duration::from_secs_f64(seconds), replay, &current))
    };
    while !worker.is_finished() {
        std::thread::sleep(Duration::from_millis(200));
        if let Some((started, case)) = current.lock().unwrap().as_ref()
            && started.elapsed() > STALL
        {
            panic!("read_table has not returned after {STALL:?} on {case}");
        }
    }
    let stats = match worker.join().unwrap() {
        Ok(stats) => stats,
        Err(failure) => panic!("{failure}"),
    };
    let kinds: Vec<String> = stats.kinds.iter().map(|(kind, (n, ok))| format!("{kind} {n} ({ok} read)")).collect();
    note(&format!(
        "fuzz_table: {} inputs ({} read as tables, {} refused; {} reader panics caught inside read_table): {}; \
         slowest {:?} ({}), largest peak memory {} KiB ({})",
        stats.iterations,
        stats.ok,
        stats.iterations - stats.ok,
        stats.guarded_panics,
        kinds.join(", "),
        stats.slowest.0,
        stats.slowest.1,
        stats.peak.0 / 1024,
        stats.peak.1,
    ));
    for (site, count) in &stats.panic_sites {
        note(&format!("fuzz_table: caught {count} × {site}"));
    }
    if !replaying {
        assert!(stats.iterations > 100, "only {} inputs in {seconds} s", stats.iterations);
    }
}

/// Dimension says a billion rows; only three exist. The reader streams what is there.
#[test]
fn a_billion_row_claim_reads_the_rows_that_exist() {
    let sheet = sheet_xml(
        "A1:Z1000000000",
        &[
            row(1, &[("A1", "企业名称"), ("B1", "统一社会信用代码")]),
            row(2, &[("A2", "甲公司"), ("B2", "91610700MA6YU0XX1R")]),
            row(1_000_000_000, &[("A1000000000", "乙公司"), ("B1000000000", "X"), ("Z1000000000", "尾")]),
        ]
        .concat(),
    );
    let started = Instant::now();
    let table = read_table(&workbook(&sheet), "a.xlsx", FIELDS, &Limits::default()).unwrap();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let rows: Vec<(usize, &str)> = table.rows.iter().map(|row| (row.number, row.get(&table, "name"))).collect();
    assert_eq!(rows, vec![(2, "甲公司"), (1_000_000_000, "乙公司")]);
}

/// 300,000 tiny rows against a limit of 200,000: refused, as CSV and as a workbook whose
/// dimension claims far more rows than it holds.
#[test]
fn too_many_rows_are_refused() {
    let limits = Limits { max_bytes: 64 * 1024 * 1024, max_rows: 200_000 };
    let mut csv = String::from("企业名称,统一社会信用代码\n");
    for i in 0..300_000 {
        csv.push_str(&format!("{i},{i}\n"));
    }
    let error = read_table(csv.as_bytes(), "a.csv", FIELDS, &limits).unwrap_err();
    assert!(matches!(error, TableError::TooManyRows { max: 200_000 }), "{error:?}");

    let mut rows = row(1, &[("A1", "企业名称"), ("B1", "统一社会信用代码")]);
    for r in 2..=300_001 {
        rows.push_str(&format!("<row r=\"{r}\"><c r=\"A{r}\"><v>{r}</v></c></row>"));
    }
    let bytes = workbook(&sheet_xml("A1:B1000000000", &rows));
    let error = read_table(&bytes, "a.xlsx", FIELDS, &limits).unwrap_err();
    assert!(matches!(error, TableError::TooManyRows { max: 200_000 }), "{error:?}");
}

/// A header cell far to the right makes every data row as wide: a small file must not cost
/// memory out of proportion to its size.
///
/// Rows keep only the matched columns and cells past column XFD are dropped, so a header far to
/// the right (column 16,001 of a CSV, past XFD in a workbook) costs no more than the data. (Before
/// this, each data row was as wide as the rightmost field's column: 480 MB for a 24 KB CSV.)
#[test]
fn a_far_right_header_costs_memory_in_proportion_to_the_file() {
    // Column 16,001: still inside Excel's XFD, so the header is found and the memory must stay flat.
    let mut csv = format!("企业名称{}统一社会信用代码\n", ",".repeat(16_000));
    csv.push_str(&"甲\n".repeat(1_000));
    let (result, peak) = measured(|| read_table(csv.as_bytes(), "a.csv", FIELDS, &Limits::default()));
    assert!(result.is_ok(), "{result:?}");
    assert!(peak < 64 << 20, "{} KB of CSV took {} MB", csv.len() / 1024, peak >> 20);

    // Column XFE, one past Excel's last (XFD): no real sheet has a cell there.
    let mut rows = row(1, &[("A1", "企业名称"), ("XFE1", "统一社会信用代码")]);
    for r in 2..=1_000 {
        rows.push_str(&row(r, &[(&format!("A{r}"), "甲")]));
    }
    let bytes = workbook(&sheet_xml("A1:B2", &rows));
    let (result, peak) = measured(|| read_table(&bytes, "a.xlsx", FIELDS, &Limits::default()));
    assert!(peak < 64 << 20, "{} KB of xlsx took {} MB ({result:?})", bytes.len() / 1024, peak >> 20);
}

/// A workbook's shared-string table says how many strings it holds before it holds them.
///
/// read_table checks the claim against the part's size first and refuses the file. (calamine 0.38
/// alone reserves room for
/// `uniqueCount` strings when it opens the workbook (`self.strings.reserve(n)`, 24 bytes each),
/// so a 2 KB file claiming 200 million strings reserves 4.8 GB, and one claiming 4 billion makes
/// the reservation fail, which aborts the process: a failed allocation is no panic that
/// read_table's guard could catch.)
#[test]
fn a_claimed_shared_string_count_costs_nothing_until_the_strings_come() {
    let mut parts = WorkbookParts::new(sheet_xml("A1:B2", &row(1, &[("A1", "企业名称"), ("B1", "统一社会信用代码")])));
    parts.shared_strings = Some(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="200000000" uniqueCount="200000000"><si><t>甲公司</t></si></sst>"#
            .to_string(),
    );
    let bytes = stored_zip(&parts.entries());
    let (result, peak) = measured(|| read_table(&bytes, "a.xlsx", FIELDS, &Limits::default()));
    assert!(peak < 64 << 20, "{} KB of xlsx took {} MB ({result:?})", bytes.len() / 1024, peak >> 20);
}

/// A legacy .xls as LibreOffice 7.4 saves a small CSV (title line, blank line, header, two rows).
const LEDGER_XLS: &[u8] = include_bytes!("data/ledger-libreoffice.xls");

/// The DIMENSIONS record of the .xls's one sheet: type 0x0200, 14 bytes of data.
fn xls_dimensions_at(xls: &[u8]) -> usize {
    let header = [0x00, 0x02, 0x0E, 0x00];
    xls.windows(4).position(|window| window == header).expect("the .xls has a DIMENSIONS record")
}

#[test]
fn the_legacy_xls_reads() {
    let table = read_table(LEDGER_XLS, "a.xls", FIELDS, &Limits::default()).unwrap();
    assert_eq!(table.header_row, 3);
    let rows: Vec<(usize, &str, &str)> =
        table.rows.iter().map(|row| (row.number, row.get(&table, "name"), row.get(&table, "investment"))).collect();
    assert_eq!(rows, vec![(4, "汉中航空智慧新城建设有限公司", "12500"), (5, "南郑区食品加工厂", "0.5")]);
    // The claim the test below inflates: rows 0..5, columns 0..3.
    let at = xls_dimensions_at(LEDGER_XLS);
    assert_eq!(&LEDGER_XLS[at + 4..at + 16], &[0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 3, 0]);
}

/// An .xls sheet says in its DIMENSIONS record how many rows and columns it spans.
///
/// read_table refuses a claim of more than five million cells before calamine sees it. (calamine
/// 0.38 alone reserves room for
/// rows × columns cells as soon as it meets the record (`cells.reserve(rows * cols)`, 40 bytes
/// a cell), so this 6 KB file claiming 200,000 rows of 256 columns reserves 2 GB, and one
/// claiming 2,000,000,000 rows asks for 20 TB, which aborts the process.)
#[test]
fn an_xls_dimension_claim_costs_nothing_until_the_cells_come() {
    let mut xls = LEDGER_XLS.to_vec();
    let at = xls_dimensions_at(&xls);
    xls[at + 8..at + 12].copy_from_slice(&200_000u32.to_le_bytes()); // last row + 1
    xls[at + 14..at + 16].copy_from_slice(&256u16.to_le_bytes()); // last column + 1
    let (result, peak) = measured(|| read_table(&xls, "a.xls", FIELDS, &Limits::default()));
    assert!(peak < 64 << 20, "{} KB of xls took {} MB ({result:?})", xls.len() / 1024, peak >> 20);
}

// ---------------------------------------------------------------------------------------------
// The loop.

#[derive(Default)]
struct Stats {
    iterations: usize,
    ok: usize,
    /// read_table catches panics in calamine and answers "damaged file"; counted, not failed.
    guarded_panics: usize,
    /// Where those panics happened, as file:line: message.
    panic_sites: std::collections::BTreeMap<String, usize>,
    /// Inputs and tables read, by kind of input.
    kinds: std::collections::BTreeMap<&'static str, (usize, usize)>,
    slowest: (Duration, String),
    peak: (usize, String),
}

/// One input instead of a run: a case seed of the run, or a file a failure saved.
enum Replay {
    Case(u64),
    File(Vec<u8>),
}

fn fuzz(
    seed: u64,
    budget: Duration,
    replay: Option<Replay>,
    current: &Mutex<Option<(Instant, String)>>,
) -> Result<Stats, String> {
    quiet_panics();
    let corpus = Corpus::new();
    let mut master = XorShift(seed);
    let mut stats = Stats::default();
    let started = Instant::now();
    while if replay.is_some() { stats.iterations == 0 } else { started.elapsed() < budget } {
        let case_seed = match replay {
            Some(Replay::Case(case_seed)) => case_seed,
            _ => master.next().max(1),
        };
        let mut rng = XorShift(case_seed);
        let (kind, input) = match &replay {
            Some(Replay::File(bytes)) => {
                ("saved input", Input { bytes: bytes.clone(), file_name: "上传.xlsx", limits: Limits::default() })
            }
            _ => corpus.generate(&mut rng),
        };
        let described = format!(
            "iteration {} ({kind}, {} bytes, {} as {:?}, max_rows {}): replay with ZS_FUZZ_SEED={seed} or ZS_FUZZ_CASE={case_seed}",
            stats.iterations,
            input.bytes.len(),
            input.file_name,
            input.file_name,
            input.limits.max_rows
        );
        if let Some(Replay::Case(_)) = replay {
            note(&format!("fuzz_table: the input of case {case_seed} is in {}", save(&input.bytes, case_seed)));
        }
        *current.lock().unwrap() = Some((Instant::now(), described.clone()));
        CASE.with(|case| case.replace(described.clone()));

        let call_started = Instant::now();
        LAST_PANIC.with(|last| last.borrow_mut().take());
        let (outcome, peak) = measured(|| {
            catch_unwind(AssertUnwindSafe(|| read_table(&input.bytes, input.file_name, FIELDS, &input.limits)))
        });
        let elapsed = call_started.elapsed();
        *current.lock().unwrap() = None;
        CASE.with(|case| case.borrow_mut().clear());

        let counts = stats.kinds.entry(kind).or_default();
        counts.0 += 1;
        match outcome {
            Ok(Ok(_)) => {
                stats.ok += 1;
                counts.1 += 1;
            }
            Ok(Err(TableError::Corrupt { detail })) if detail.contains("panicked") => {
                stats.guarded_panics += 1;
                let site = LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_default();
                *stats.panic_sites.entry(site).or_default() += 1;
            }
            Ok(Err(_)) => {}
            Err(_) => {
                let message = LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_default();
                let saved = save(&input.bytes, case_seed);
                return Err(format!("read_table panicked on {described}: {message}\ninput saved to {saved}"));
            }
        }
        if peak > PEAK_BYTES {
            let saved = save(&input.bytes, case_seed);
            return Err(format!("read_table took {} MB on {described}\ninput saved to {saved}", peak >> 20));
        }
        if elapsed > stats.slowest.0 {
            stats.slowest = (elapsed, format!("{kind}, {} bytes", input.bytes.len()));
        }
        if peak > stats.peak.0 {
            stats.peak = (peak, format!("{kind}, {} bytes", input.bytes.len()));
        }
        stats.iterations += 1;
    }
    Ok(stats)
}

struct Input {
    bytes: Vec<u8>,
    file_name: &'static str,
    limits: Limits,
}

/// Valid files to start from, made once.
struct Corpus {
    exports: Vec<Vec<u8>>,
}

impl Corpus {
    fn new() -> Self {
        let columns: Vec<Column> = ["序号", "企业名称", "统一社会信用代码", "投资额（万元）", "签约日期", "备注"]
            .map(|h| Column::new(h, 14.0))
            .into();
        let date = |y, m, d| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
        let ledger = (1..=40).map(|i| {
            vec![
                Cell::Int(i),
                Cell::text(format!("汉中第{i}食品有限公司")),
                Cell::text(format!("91610700MA6YU0{i:04}")),
                Cell::Wan(i * 12_345),
                date(2024, 1 + (i % 12) as u32, 1 + (i % 28) as u32),
                Cell::text(if i % 3 == 0 { "=1+1" } else { "重点项目" }),
            ]
        });
        let exports = vec![
            write_table("项目台账", "2024年招商引资项目台账", &columns, ledger).unwrap(),
            write_table("空表", "标题", &columns, Vec::<Vec<Cell>>::new()).unwrap(),
            write_table("一行", "", &columns[1..3], vec![vec![Cell::text("甲"), Cell::text("X")]]).unwrap(),
        ];
        Corpus { exports }
    }

    fn generate(&self, rng: &mut XorShift) -> (&'static str, Input) {
        let limits = match rng.below(8) {
            0 if rng.below(2) == 0 => Limits { max_bytes: rng.below(4096), max_rows: rng.below(50) },
            1 => Limits { max_bytes: usize::MAX, max_rows: rng.below(5) },
            _ => Limits::default(),
        };
        let file_name = *rng.pick(&["上传.xlsx", "a.csv", "台账.xls", "", "无扩展名", "..", "a.b.c.txt"]);
        let (kind, bytes) = match rng.below(10) {
            0 => ("random bytes", random_bytes(rng)),
            1..=3 => ("damaged export", self.damaged_export(rng)),
            4..=6 => ("hand-made workbook", hand_made_workbook(rng)),
            _ => ("hostile text", hostile_text(rng)),
        };
        (kind, Input { bytes, file_name, limits })
    }

    fn damaged_export(&self, rng: &mut XorShift) -> Vec<u8> {
        let mut bytes = rng.pick(&self.exports).clone();
        for _ in 0..=rng.below(3) {
            match rng.below(5) {
                0 => flip_bytes(rng, &mut bytes),
                1 => bytes.truncate(rng.below(bytes.len() + 1)),
                2 => {
                    let other = rng.pick(&self.exports);
                    bytes = splice(rng, &bytes, other);
                }
                _ => garble_zip_entries(rng, &mut bytes),
            }
        }
        bytes
    }
}

// ---------------------------------------------------------------------------------------------
// Generators.

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn random_bytes(rng: &mut XorShift) -> Vec<u8> {
    let prefixes: [&[u8]; 7] = [b"", ZIP_MAGIC, OLE_MAGIC, b"\xEF\xBB\xBF", b"\xFF\xFE", b"\xFE\xFF", b"<html>"];
    let mut bytes = rng.pick(&prefixes).to_vec();
    let length = if rng.below(20) == 0 { rng.below(1 << 20) } else { rng.below(2048) };
    bytes.extend((0..length).map(|_| rng.next() as u8));
    bytes
}

fn flip_bytes(rng: &mut XorShift, bytes: &mut [u8]) {
    if bytes.is_empty() {
        return;
    }
    for _ in 0..=rng.below(16) {
        let at = rng.below(bytes.len());
        match rng.below(3) {
            0 => bytes[at] = rng.next() as u8,
            1 => bytes[at] ^= 1 << rng.below(8),
            _ => bytes[at] = *rng.pick(&[0, 0xFF, 0x7F, 0x80, b'<', b'"', b'&']),
        }
    }
}

/// A piece of one file, then a piece of another (or of itself), then maybe some noise.
fn splice(rng: &mut XorShift, a: &[u8], b: &[u8]) -> Vec<u8> {
    let cut_a = rng.below(a.len() + 1);
    let cut_b = rng.below(b.len() + 1);
    let mut out = a[..cut_a].to_vec();
    out.extend_from_slice(&b[cut_b..]);
    if rng.below(3) == 0 {
        let at = rng.below(out.len() + 1);
        let noise: Vec<u8> = (0..rng.below(256)).map(|_| rng.next() as u8).collect();
        out.splice(at..at, noise);
    }
    out
}

/// Rewrites a field of a zip entry's local or central header: compression method, sizes, CRC,
/// name, the offset of its data, or the archive's entry count.
fn garble_zip_entries(rng: &mut XorShift, bytes: &mut [u8]) {
    let entries = central_directory(bytes);
    if entries.is_empty() {
        return flip_bytes(rng, bytes);
    }
    let (central, local) = *rng.pick(&entries);
    let hostile_u32 = [0, 1, 0xFFFF_FFFF, 0x7FFF_FFFF, rng.next() as u32, bytes.len() as u32];
    let hostile_u16 = [0, 8, 12, 14, 93, 99, 0xFFFF, rng.next() as u16];
    match rng.below(9) {
        // Compression method.
        0 => put_u16(bytes, central + 10, *rng.pick(&hostile_u16)),
        1 => put_u16(bytes, local + 8, *rng.pick(&hostile_u16)),
        // CRC, compressed and uncompressed size, in either header.
        2 => put_u32(bytes, central + 16 + 4 * rng.below(3), *rng.pick(&hostile_u32)),
        3 => put_u32(bytes, local + 14 + 4 * rng.below(3), *rng.pick(&hostile_u32)),
        // Where the entry's local header is.
        4 => put_u32(bytes, central + 42, *rng.pick(&hostile_u32)),
        // Name length, or a byte of the name (sheet1.xml becomes sheet1.xmk, and so on).
        5 => put_u16(bytes, central + 28, *rng.pick(&hostile_u16)),
        6 => {
            let name_length = get_u16(bytes, central + 28) as usize;
            if name_length > 0 {
                let at = central + 46 + rng.below(name_length);
                if at < bytes.len() {
                    let noise = rng.next() as u8;
                    bytes[at] = *rng.pick(&[b'/', b'.', b'\\', 0, b'x', noise]);
                }
            }
        }
        // Entry counts in the end record.
        7 => {
            if let Some(end) = end_of_central_directory(bytes) {
                put_u16(bytes, end + 8 + 2 * rng.below(2), *rng.pick(&hostile_u16));
            }
        }
        // Two entries swap their data.
        _ => {
            let (other, _) = *rng.pick(&entries);
            let offset = get_u32(bytes, other + 42);
            put_u32(bytes, central + 42, offset);
        }
    }
}

/// A workbook written out by hand with stored (uncompressed) entries and correct checksums, so
/// the damage reaches calamine's XML parsing rather than stopping at the zip layer.
fn hand_made_workbook(rng: &mut XorShift) -> Vec<u8> {
    let references = [
        "A1",
        "XFD1048576",
        "XFE1",
        "A1048577",
        "A0",
        "",
        "1",
        "A",
        "$A$1",
        "a1",
        "Ω1",
        "A-1",
        "AAAA1",
        "A4294967295",
        "A4294967296",
        "A99999999999",
    ];
    let texts = [
        "企业名称",
        "统一社会信用代码",
        "公司名称",
        "总投资",
        "签约日期",
        "甲公司",
        "91610700MA6YU0XX1R",
        "",
        " ",
        "&amp;",
        "&#0;",
        "&#xD800;",
        "&#x1F600;",
        "&undefined;",
        "<",
        "]]>",
        "\u{FEFF}",
        "\u{0}",
    ];
    let numbers =
        ["0", "-0", "45464", "45464.75", "1e308", "1e999", "-1e-320", "NaN", "inf", "abc", "", "2958466", "-1"];
    let types = ["s", "n", "str", "inlineStr", "b", "e", "d", "x", ""];
    // A third of the workbooks are well-formed, with values of every type but no lies, so that
    // header matching and cell conversion get exercised and not only the parser's error paths.
    let hostile = rng.below(3) != 0;
    let with_strings = rng.below(2) == 0;
    let with_styles = rng.below(2) == 0;
    let calm_texts =
        ["企业名称", "公司名称", "总投资", "甲公司", "91610700MA6YU0XX1R", "", " ", "&amp;", "&#x1F600;", "汉中"];

    let mut sheet = String::new();
    let header_at = 1 + rng.below(40);
    let rows = 1 + rng.below(25);
    for r in 1..=header_at + rows {
        let number = match rng.below(30) {
            _ if !hostile => r.to_string(),
            0 => "0".to_string(),
            1 => rng.pick(&references).to_string(),
            2 => (rng.next() as u32).to_string(),
            _ => r.to_string(),
        };
        sheet.push_str(&format!("<row r=\"{number}\">"));
        for col in 0..=rng.below(6) {
            let letter = (b'A' + col as u8) as char;
            // Mostly right, sometimes hostile; columns of five letters and more are left to the
            // far-right-header test above (calamine itself may still size its grid by them).
            let reference =
                if hostile && rng.below(20) == 0 { rng.pick(&references).to_string() } else { format!("{letter}{r}") };
            let style = match rng.below(5) {
                0 if hostile => format!(" s=\"{}\"", rng.below(6) as i64 - 1),
                0 if with_styles => format!(" s=\"{}\"", rng.below(5)),
                _ => String::new(),
            };
            let cell = if r == header_at && col < 2 {
                format!(
                    "<c r=\"{reference}\" t=\"inlineStr\"><is><t>{}</t></is></c>",
                    ["企业名称", "统一社会信用代码"][col]
                )
            } else if hostile {
                match rng.below(6) {
                    0 => {
                        format!("<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t>{}</t></is></c>", rng.pick(&texts))
                    }
                    1 => format!("<c r=\"{reference}\"{style} t=\"s\"><v>{}</v></c>", rng.below(8) as i64 - 1),
                    2 => format!(
                        "<c r=\"{reference}\"{style}><f>1+1</f>{}</c>",
                        if rng.below(2) == 0 { "<v></v>" } else { "" }
                    ),
                    3 => format!(
                        "<c r=\"{reference}\"{style} t=\"{}\"><v>{}</v></c>",
                        rng.pick(&types),
                        rng.pick(&numbers)
                    ),
                    4 => format!(
                        "<c r=\"{reference}\" t=\"d\"><v>{}</v></c>",
                        rng.pick(&["2024-06-21", "2024-06-21T08:30:00", "2024-13-45", "x"])
                    ),
                    _ => format!("<c r=\"{reference}\"{style}><v>{}</v></c>", rng.pick(&numbers)),
                }
            } else {
                let (kind, value) = match rng.below(8) {
                    0 if with_strings => (" t=\"s\"", rng.below(CALM_STRINGS).to_string()),
                    1 => {
                        (" t=\"n\"", rng.pick(&["0", "-0", "45464", "45464.75", "1e15", "0.1", "-1e-320"]).to_string())
                    }
                    2 => (" t=\"b\"", rng.pick(&["0", "1"]).to_string()),
                    3 => (" t=\"e\"", rng.pick(&["#N/A", "#DIV/0!", "#REF!"]).to_string()),
                    4 => (
                        " t=\"d\"",
                        rng.pick(&["2024-06-21", "2024-06-21T08:30:00", "1900-01-01T00:00:00"]).to_string(),
                    ),
                    5 => (" t=\"str\"", rng.pick(&calm_texts).to_string()),
                    6 => {
                        let cached = if rng.below(2) == 0 { "<v>2</v>" } else { "" };
                        sheet.push_str(&format!("<c r=\"{reference}\"{style}><f>1+1</f>{cached}</c>"));
                        continue;
                    }
                    _ => {
                        let text = rng.pick(&calm_texts);
                        sheet.push_str(&format!(
                            "<c r=\"{reference}\"{style} t=\"inlineStr\"><is><t>{text}</t></is></c>"
                        ));
                        continue;
                    }
                };
                format!("<c r=\"{reference}\"{style}{kind}><v>{value}</v></c>")
            };
            sheet.push_str(&cell);
        }
        sheet.push_str("</row>");
    }
    let dimension = if hostile {
        *rng.pick(&["A1:F60", "A1:Z1000000000", "A1", "", "Z9:A1", "A1:B2:C3", "XFD1048576"])
    } else {
        *rng.pick(&["A1:F70", "A1:Z1000000000", "A1"])
    };
    let mut parts = WorkbookParts::new(sheet_xml(dimension, &sheet));
    if with_strings {
        parts.shared_strings = Some(shared_strings(rng, hostile));
    }
    if with_styles {
        parts.styles = Some(STYLES.to_string());
    }
    if !hostile {
        return stored_zip(&parts.entries());
    }
    if rng.below(8) == 0 {
        parts.workbook = rng
            .pick(&[
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>"#,
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId9"/></sheets></workbook>"#,
                r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr date1904="1"/><sheets><sheet name="a" sheetId="1" r:id="rId1"/><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
                r#"<workbook><sheets><sheet name="" r:id="rId1"/></sheets>"#,
            ])
            .to_string();
    }
    if rng.below(8) == 0 {
        let target = rng.pick(&[
            "/xl/worksheets/sheet1.xml",
            "../../../../etc/passwd",
            "worksheets/none.xml",
            "",
            "worksheets/sheet1.xml#x",
        ]);
        parts.workbook_rels = workbook_rels(target);
    }

    // Then damage at the level of text, in one of the parts. Not in the shared strings: their
    // claimed count is covered by its own test above.
    let mut entries = parts.entries();
    for _ in 0..rng.below(4) {
        let index = rng.below(entries.len());
        if entries[index].0 == "xl/sharedStrings.xml" {
            continue;
        }
        let data = &mut entries[index].1;
        match rng.below(6) {
            0 => data.truncate(rng.below(data.len() + 1)),
            1 => {
                let at = rng.below(data.len() + 1);
                let junk = *rng.pick(&[
                    b"<".as_slice(),
                    b"</row>",
                    b"<row>",
                    b"&",
                    b"&#0;",
                    b"<![CDATA[",
                    b"<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;\">]>",
                    b"\xFF\xFE",
                    b"\0",
                    b"<c r=\"A1\" t=\"s\"><v>99999999999</v></c>",
                ]);
                data.splice(at..at, junk.iter().copied());
            }
            2 => {
                // Deep nesting.
                let at = rng.below(data.len() + 1);
                let depth = rng.below(20_000);
                data.splice(at..at, "<is>".repeat(depth).into_bytes());
            }
            3 => {
                let (start, end) = ordered(rng.below(data.len() + 1), rng.below(data.len() + 1));
                data.drain(start..end);
            }
            4 => {
                let (start, end) = ordered(rng.below(data.len() + 1), rng.below(data.len() + 1));
                let copy = data[start..end].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, copy);
            }
            _ => {
                // Byte flips, but no letters or digits: a digit turned letter in a reference
                // could make a column of 5 letters (see above).
                for _ in 0..=rng.below(4) {
                    if !data.is_empty() {
                        let at = rng.below(data.len());
                        data[at] = *rng.pick(&[b'<', b'>', b'"', b'/', b'&', b' ', 0, 0xFF, 0xE4]);
                    }
                }
            }
        }
    }
    if rng.below(10) == 0 {
        entries.remove(rng.below(entries.len()));
    }
    stored_zip(&entries)
}

/// Strings in a well-formed table.
const CALM_STRINGS: usize = 4;

fn shared_strings(rng: &mut XorShift, hostile: bool) -> String {
    let count = if hostile { rng.below(6) } else { CALM_STRINGS };
    let items: String = (0..count)
        .map(|i| match rng.below(4) {
            0 => format!("<si><t>字符串{i}</t></si>"),
            1 => "<si><r><t>企业</t></r><r><rPr><b/></rPr><t>名称</t></r></si>".to_string(),
            2 => "<si><t xml:space=\"preserve\"> 统一社会信用代码 </t><rPh><t>ふりがな</t></rPh></si>".to_string(),
            _ => "<si/>".to_string(),
        })
        .collect();
    // Counts that lie a little (read_table refuses large claims before calamine sees them, see the
    // test above); usize::MAX is refused the same way.
    let claimed = if hostile { *rng.pick(&[count, 0, count + 1000, usize::MAX]) } else { count };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{claimed}" uniqueCount="{claimed}">{items}</sst>"#
    )
}

/// Styles 0..=4: general, a date, a custom Chinese date, a duration, and a number format that
/// is not there.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/><numFmt numFmtId="165" formatCode="[h]:mm:ss"/></numFmts><cellXfs count="5"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="999" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// Text files as they come: CSV and tab-separated, in UTF-8, GBK or UTF-16, sometimes mixed
/// within one file, with wild quoting, huge fields or thousands of columns.
fn hostile_text(rng: &mut XorShift) -> Vec<u8> {
    let pieces = [
        "企业名称",
        "统一社会信用代码",
        "公司名称",
        "USCC",
        "总投资",
        "签约日期",
        "甲公司",
        "91610700MA6YU0XX1R",
        "1,200",
        "\"",
        "\"\"",
        "\"a\"b",
        "'",
        "\r",
        "\n",
        "\r\n",
        "\t",
        ",",
        ",,,,",
        " ",
        "　",
        "\u{FEFF}",
        "\u{200B}",
        "😀",
        "=1+1",
        "<html>",
        "汉中市南郑区",
        "（万元）",
        "*",
        "：",
    ];
    let delimiter = *rng.pick(&[",", "\t", ";", "|"]);
    let mut text = String::new();
    if rng.below(3) == 0 {
        text.push_str("2024年招商引资项目台账\n\n");
    }
    text.push_str(&["企业名称", "统一社会信用代码", "总投资"].join(delimiter));
    text.push('\n');
    let shape = rng.below(40);
    let (rows, columns) = match shape {
        // Thousands of columns, in a few rows.
        0 => (1 + rng.below(5), 1_000 + rng.below(8_000)),
        _ => (rng.below(60), 1 + rng.below(8)),
    };
    for _ in 0..rows {
        for col in 0..columns {
            if col > 0 {
                text.push_str(delimiter);
            }
            let quoted = rng.below(4) == 0;
            if quoted {
                text.push('"');
            }
            for _ in 0..rng.below(4) {
                let piece = *rng.pick(&pieces);
                text.push_str(piece);
            }
            if quoted && rng.below(4) != 0 {
                text.push('"');
            }
        }
        let line_end = *rng.pick(&["\n", "\r\n", "\r", ""]);
        text.push_str(line_end);
    }
    if shape == 1 {
        // One huge field, quoted or not, 1 to 3 MB.
        let field = "汉".repeat((1 << 20) / 3 * (1 + rng.below(3)));
        let at = floor_char_boundary(&text, rng.below(text.len() + 1));
        text.insert_str(at, &if rng.below(2) == 0 { format!("\"{field}\"") } else { field });
    }

    // Encoded whole or in pieces of different encodings, as when files are pasted together.
    let mut bytes = Vec::new();
    let mut rest = text.as_str();
    while !rest.is_empty() {
        let cut = if rng.below(3) == 0 { floor_char_boundary(rest, rng.below(rest.len()) + 1) } else { rest.len() };
        let cut = if cut == 0 { rest.len() } else { cut };
        let (piece, tail) = rest.split_at(cut);
        match rng.below(6) {
            // Not for megabytes: the GBK encoder is slow in a debug build and would eat the budget.
            0 if piece.len() < 1 << 18 => bytes.extend_from_slice(&encoding_rs::GBK.encode(piece).0),
            1 => {
                if bytes.is_empty() {
                    bytes.extend_from_slice(&[0xFF, 0xFE]);
                }
                bytes.extend(piece.encode_utf16().flat_map(u16::to_le_bytes));
            }
            2 => {
                if bytes.is_empty() {
                    bytes.extend_from_slice(&[0xFE, 0xFF]);
                }
                bytes.extend(piece.encode_utf16().flat_map(u16::to_be_bytes));
            }
            3 if bytes.is_empty() => {
                bytes.extend_from_slice(b"\xEF\xBB\xBF");
                bytes.extend_from_slice(piece.as_bytes());
            }
            _ => bytes.extend_from_slice(piece.as_bytes()),
        }
        rest = tail;
    }
    if rng.below(10) == 0 {
        flip_bytes(rng, &mut bytes);
    }
    bytes
}

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ordered(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

// ---------------------------------------------------------------------------------------------
// Workbooks by hand.

struct WorkbookParts {
    workbook: String,
    workbook_rels: String,
    sheet: String,
    shared_strings: Option<String>,
    styles: Option<String>,
}

impl WorkbookParts {
    fn new(sheet: String) -> Self {
        WorkbookParts {
            workbook: r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_string(),
            workbook_rels: workbook_rels("worksheets/sheet1.xml"),
            sheet,
            shared_strings: None,
            styles: None,
        }
    }

    fn entries(self) -> Vec<(String, Vec<u8>)> {
        let mut entries = vec![
            ("[Content_Types].xml".to_string(), CONTENT_TYPES.as_bytes().to_vec()),
            ("_rels/.rels".to_string(), ROOT_RELS.as_bytes().to_vec()),
            ("xl/workbook.xml".to_string(), self.workbook.into_bytes()),
            ("xl/_rels/workbook.xml.rels".to_string(), self.workbook_rels.into_bytes()),
            ("xl/worksheets/sheet1.xml".to_string(), self.sheet.into_bytes()),
        ];
        if let Some(strings) = self.shared_strings {
            entries.push(("xl/sharedStrings.xml".to_string(), strings.into_bytes()));
        }
        if let Some(styles) = self.styles {
            entries.push(("xl/styles.xml".to_string(), styles.into_bytes()));
        }
        entries
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#;
const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

fn workbook_rels(sheet_target: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{sheet_target}"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#
    )
}

fn sheet_xml(dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// A row of text cells.
fn row(number: usize, cells: &[(&str, &str)]) -> String {
    let cells: String = cells
        .iter()
        .map(|(reference, text)| format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#))
        .collect();
    format!(r#"<row r="{number}">{cells}</row>"#)
}

/// A well-formed workbook with one sheet.
fn workbook(sheet: &str) -> Vec<u8> {
    stored_zip(&WorkbookParts::new(sheet.to_string()).entries())
}

// ---------------------------------------------------------------------------------------------
// Zip archives, stored without compression (the format needs no library for that).

fn stored_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        // version 2.0, UTF-8 names, stored, 1980-01-01 00:00
        let common = |out: &mut Vec<u8>| {
            out.extend(20u16.to_le_bytes());
            out.extend(0x0800u16.to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(0u16.to_le_bytes());
            out.extend(0x21u16.to_le_bytes());
            out.extend(crc.to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend(0u16.to_le_bytes());
        };
        out.extend(0x0403_4b50u32.to_le_bytes());
        common(&mut out);
        out.extend(name.as_bytes());
        out.extend(data);

        central.extend(0x0201_4b50u32.to_le_bytes());
        central.extend(20u16.to_le_bytes());
        common(&mut central);
        central.extend([0; 6]); // comment length, disk, internal attributes
        central.extend(0u32.to_le_bytes()); // external attributes
        central.extend(offset.to_le_bytes());
        central.extend(name.as_bytes());
    }
    let central_offset = out.len() as u32;
    let central_size = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(central_size.to_le_bytes());
    out.extend(central_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

fn end_of_central_directory(bytes: &[u8]) -> Option<usize> {
    (0..bytes.len().saturating_sub(21)).rev().find(|&at| bytes[at..].starts_with(&0x0605_4b50u32.to_le_bytes()))
}

/// (central header offset, local header offset) of each entry that lies within the file.
fn central_directory(bytes: &[u8]) -> Vec<(usize, usize)> {
    let Some(end) = end_of_central_directory(bytes) else {
        return Vec::new();
    };
    let mut at = get_u32(bytes, end + 16) as usize;
    let mut entries = Vec::new();
    while at + 46 <= bytes.len() && bytes[at..].starts_with(&0x0201_4b50u32.to_le_bytes()) {
        let local = get_u32(bytes, at + 42) as usize;
        if local + 30 <= bytes.len() {
            entries.push((at, local));
        }
        let skip =
            46 + get_u16(bytes, at + 28) as usize + get_u16(bytes, at + 30) as usize + get_u16(bytes, at + 32) as usize;
        at += skip;
    }
    entries
}

fn get_u16(bytes: &[u8], at: usize) -> u16 {
    bytes.get(at..at + 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
}

fn get_u32(bytes: &[u8], at: usize) -> u32 {
    bytes.get(at..at + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn put_u16(bytes: &mut [u8], at: usize, value: u16) {
    if let Some(slot) = bytes.get_mut(at..at + 2) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

fn put_u32(bytes: &mut [u8], at: usize, value: u32) {
    if let Some(slot) = bytes.get_mut(at..at + 4) {
        slot.copy_from_slice(&value.to_le_bytes());
    }
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

// ---------------------------------------------------------------------------------------------
// Randomness, panics, memory, output.

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn clock_seed() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    (now.as_nanos() as u64) ^ u64::from(std::process::id()).rotate_left(32)
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    Some(value.trim().parse().unwrap_or_else(|_| panic!("{name}={value:?} is not a number")))
}

/// Straight to stderr: the test harness swallows the output of a passing test.
fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

fn save(bytes: &[u8], case_seed: u64) -> String {
    let path = std::env::temp_dir().join(format!("zs-fuzz-table-{case_seed}.bin"));
    match std::fs::write(&path, bytes) {
        Ok(()) => path.display().to_string(),
        Err(error) => format!("nowhere ({error})"),
    }
}

thread_local! {
    /// Set on the fuzzing thread: panics there are expected (read_table catches calamine's),
    /// so they are recorded rather than printed.
    static QUIET: StdCell<bool> = const { StdCell::new(false) };
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

fn quiet_panics() {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if QUIET.with(StdCell::get) {
                let message = match info.location() {
                    Some(at) => format!(
                        "{}:{}: {}",
                        at.file().rsplit("/src/").next().unwrap_or(at.file()),
                        at.line(),
                        info.payload_as_str().unwrap_or("")
                    ),
                    None => format!("{info}"),
                };
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
            } else {
                default(info);
            }
        }));
    });
    QUIET.with(|quiet| quiet.set(true));
}

/// Counts the bytes each thread has allocated, to measure one call's peak.
struct CountingAllocator;

thread_local! {
    static LIVE: StdCell<isize> = const { StdCell::new(0) };
    static PEAK: StdCell<isize> = const { StdCell::new(0) };
    /// The input being read, for the one report that cannot wait for a panic: a failed
    /// allocation aborts the process.
    static CASE: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Says which input made an allocation fail, just before the process aborts. Formatting
/// numbers and writing to unbuffered stderr allocate nothing.
fn report_failed_allocation(size: usize) {
    let _ = CASE.try_with(|case| {
        if let Ok(case) = case.try_borrow()
            && !case.is_empty()
        {
            let _ = writeln!(std::io::stderr(), "fuzz_table: allocating {size} bytes failed on {case}");
        }
    });
}

fn account(delta: isize) {
    let _ = LIVE.try_with(|live| {
        let now = live.get() + delta;
        live.set(now);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
    });
}

// SAFETY: every call is passed on to the system allocator unchanged; only sizes are counted.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc(layout) };
        if pointer.is_null() {
            report_failed_allocation(layout.size());
        } else {
            account(layout.size() as isize);
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = unsafe { System.alloc_zeroed(layout) };
        if pointer.is_null() {
            report_failed_allocation(layout.size());
        } else {
            account(layout.size() as isize);
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        unsafe { System.dealloc(pointer, layout) };
        account(-(layout.size() as isize));
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if moved.is_null() {
            report_failed_allocation(new_size);
        } else {
            account(new_size as isize - layout.size() as isize);
        }
        moved
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Runs `f` and returns its result with the most memory it held at once, in bytes.
fn measured<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let base = LIVE.with(StdCell::get);
    PEAK.with(|peak| peak.set(base));
    let result = f();
    let peak = PEAK.with(StdCell::get) - base;
    (result, peak.max(0) as usize)
}
