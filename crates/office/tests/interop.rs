//! Interoperability with the tools on the other side of a bureau's desk: files written by
//! openpyxl and LibreOffice import correctly, and our .xlsx and .docx exports open in them.
//! A missing python3 + openpyxl or LibreOffice skips a check, unless ZS_REQUIRE_OFFICE_TOOLS=1
//! (as in CI), where it fails the test instead.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use office::docx::{Block, Document};
use office::table::{Field, Limits, Table, read_table};
use office::xlsx::{Cell, Column, read_first_sheet, write_table};

/// The columns of a company ledger, as an import asks for them: our labels, other files' synonyms.
const FIELDS: &[Field] = &[
    Field { key: "name", label: "企业名称", synonyms: &["公司名称", "单位名称"], required: true },
    Field { key: "uscc", label: "统一社会信用代码", synonyms: &["信用代码"], required: true },
    Field { key: "founded_on", label: "注册日期", synonyms: &["成立日期", "成立时间"], required: false },
    Field { key: "capital", label: "注册资本（万元）", synonyms: &[], required: false },
    Field { key: "province", label: "省份", synonyms: &["所属省份"], required: false },
    Field { key: "phone", label: "联系电话", synonyms: &["电话"], required: false },
];

/// LibreOffice's first start in a fresh profile takes seconds; a hung one must not hang CI.
const OFFICE_TIMEOUT: Duration = Duration::from_secs(180);
const PYTHON_TIMEOUT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Files written elsewhere import correctly.

/// A 台账 as openpyxl writes it (and so many Python scripts in bureaus): a merged title, a blank
/// row, headers under other names than ours, dates as serials with Chinese formats, a number
/// stored as a number, formulas without a cached value (openpyxl never computes them).
const OPENPYXL_LEDGER: &str = r##"
import datetime, sys
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

out, dates = sys.argv[1], sys.argv[2]
# iso_dates=True writes t="d" cells with ISO text instead of serial numbers.
wb = Workbook(iso_dates=(dates == "iso"))
ws = wb.active
ws.title = "企业台账"
ws["A1"] = "2024年汉中市招商引资企业台账"
ws["A1"].font = Font(bold=True, size=16)
ws["A1"].alignment = Alignment(horizontal="center")
ws.merge_cells("A1:F1")
for col, header in enumerate(["序号", "公司名称", "统一社会信用代码", "成立日期", "注册资本", "所属省份"], start=1):
    ws.cell(row=3, column=col, value=header)
rows = [
    [1, "汉中航空智慧新城建设有限公司", "91610700MA6YU0XX1R", datetime.date(2019, 3, 15), "5000万元人民币", "陕西省"],
    [2, "南郑区食品加工厂", "91610721MA6YU0XX2T", datetime.datetime(2024, 6, 21, 9, 30), 12500, "陕西"],
    ["=1+1", " （筹）汉中绿色循环产业园 ", "91610702MA6YU0XX3U", 45464, "=1+1", "四川省"],
]
for r, values in enumerate(rows, start=4):
    for c, value in enumerate(values, start=1):
        ws.cell(row=r, column=c, value=value)
ws["D5"].number_format = 'yyyy"年"m"月"d"日"'
ws["D6"].number_format = "yyyy/m/d"
ws["E5"].number_format = "#,##0.00"
wb.save(out)
"##;

#[test]
fn a_ledger_written_by_openpyxl_imports() {
    let Some(python) = require(openpyxl_python(), "python3 with openpyxl") else { return };
    let scratch = Scratch::new("openpyxl-ledger");
    let script = scratch.write("ledger.py", OPENPYXL_LEDGER.as_bytes());
    for dates in ["serial", "iso"] {
        let path = scratch.path().join(format!("台账-{dates}.xlsx"));
        run(Command::new(&python).arg("-I").arg(&script).arg(&path).arg(dates), &scratch, PYTHON_TIMEOUT)
            .expect_success();

        let table = read_table(&std::fs::read(&path).unwrap(), "台账.xlsx", FIELDS, &Limits::default())
            .unwrap_or_else(|e| panic!("{dates}: {e}"));
        assert_eq!(table.sheet, "企业台账", "{dates}");
        assert_eq!(table.header_row, 3, "{dates}");
        assert_eq!(
            table.columns,
            vec![("name", 1), ("uscc", 2), ("founded_on", 3), ("capital", 4), ("province", 5)],
            "{dates}"
        );
        assert_eq!(table.ignored_headers, vec!["序号"], "{dates}");
        let rows = values(&table, &["name", "uscc", "founded_on", "province"]);
        assert_eq!(
            rows,
            vec![
                (4, vec!["汉中航空智慧新城建设有限公司", "91610700MA6YU0XX1R", "2019-03-15", "陕西省"]),
                (5, vec!["南郑区食品加工厂", "91610721MA6YU0XX2T", "2024-06-21", "陕西"]),
                (6, vec!["（筹）汉中绿色循环产业园", "91610702MA6YU0XX3U", "2024-06-21", "四川省"]),
            ],
            "{dates}"
        );
        let capital: Vec<&str> = table.rows.iter().map(|row| row.get(&table, "capital")).collect();
        assert_eq!(capital[..2], ["5000万元人民币", "12500"], "{dates}");
        // openpyxl stores =1+1 with an empty cached value: whatever a reader makes of it, it
        // must not be the formula's text, which an import would take for the company's capital.
        assert!(matches!(capital[2], "" | "2"), "{dates}: formula cell read as {:?}", capital[2]);
    }
}

/// A UTF-8 CSV as a bureau might keep it, opened and saved by LibreOffice as .xls (BIFF8, the
/// legacy path through calamine's Xls reader) and as .xlsx.
const LEDGER_CSV: &str = "\u{FEFF}2024年企业名单,,,,,\n\
,,,,,\n\
公司名称,统一社会信用代码,成立日期,注册资本,所属省份,联系电话\n\
汉中航空智慧新城建设有限公司,91610700MA6YU0XX1R,2019-03-15,5000万元人民币,陕西省,13912345678\n\
\"南郑区食品加工厂,二分厂\",91610721MA6YU0XX2T,2024-06-21,12500.5,陕西,\n\
\"城固县\"\"橘园\"\"合作社\",91610722MA6YU0XX4W,,0,四川省,09162345678\n";

#[test]
fn a_csv_saved_by_libreoffice_as_xls_and_xlsx_imports_alike() {
    let Some(office) = require(libreoffice(), "LibreOffice (soffice)") else { return };
    let scratch = Scratch::new("libreoffice-xls");
    let csv = scratch.write("ledger.csv", LEDGER_CSV.as_bytes());
    // Comma-separated, double quotes, UTF-8 (76), from line 1.
    let xls = convert(&office, &scratch, &csv, "xls", Some("CSV:44,34,76,1"));
    let xlsx = convert(&office, &scratch, &csv, "xlsx", Some("CSV:44,34,76,1"));

    let expected = vec![
        (
            4,
            vec![
                "汉中航空智慧新城建设有限公司",
                "91610700MA6YU0XX1R",
                "2019-03-15",
                "5000万元人民币",
                "陕西省",
                "13912345678",
            ],
        ),
        (5, vec!["南郑区食品加工厂,二分厂", "91610721MA6YU0XX2T", "2024-06-21", "12500.5", "陕西", ""]),
        (6, vec!["城固县\"橘园\"合作社", "91610722MA6YU0XX4W", "", "0", "四川省", "09162345678"]),
    ];
    let keys = ["name", "uscc", "founded_on", "capital", "province", "phone"];
    for path in [&csv, &xls, &xlsx] {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let table = read_table(&bytes, &name, FIELDS, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(table.header_row, 3, "{name}");
        assert_eq!(
            table.columns,
            vec![("name", 0), ("uscc", 1), ("founded_on", 2), ("capital", 3), ("province", 4), ("phone", 5)],
            "{name}"
        );
        let mut rows = values(&table, &keys);
        if path != &csv {
            // LibreOffice reads 09162345678 as the number 9162345678, as Excel does; the leading
            // zero of an area code is lost before our reader sees the file.
            assert_eq!(rows[2].1[5], "9162345678", "{name}");
            rows[2].1[5] = "09162345678";
        }
        assert_eq!(rows, expected, "{name}");
    }
    assert!(std::fs::read(&xls).unwrap().starts_with(&[0xD0, 0xCF, 0x11, 0xE0]), "a BIFF .xls in an OLE container");
}

// ---------------------------------------------------------------------------------------------
// Our exports open elsewhere.

const HYPERLINK: &str = "=HYPERLINK(\"http://example.com/x\",\"点我\")";

fn export() -> Vec<u8> {
    let columns = ["企业名称", "投资额（万元）", "签约日期", "所属省份", "备注"].map(|h| Column::new(h, 16.0));
    let date = |y, m, d| Cell::Date(NaiveDate::from_ymd_opt(y, m, d).unwrap());
    let rows = vec![
        vec![
            Cell::text("汉中航空智慧新城建设有限公司"),
            Cell::Wan(1_250_050),
            date(2024, 3, 15),
            Cell::text("陕西省"),
            Cell::text(HYPERLINK),
        ],
        vec![
            Cell::text("南郑区食品加工厂"),
            Cell::Wan(1),
            date(1999, 12, 31),
            Cell::text("陕西"),
            Cell::text("+86 139 0916 0000"),
        ],
        vec![Cell::text("城固县\"橘园\"合作社"), Cell::Empty, Cell::Empty, Cell::text("四川省")],
    ];
    write_table("项目清单", "2024年招商引资项目清单", &columns, rows).unwrap()
}

#[test]
fn our_xlsx_export_reads_back() {
    let bytes = export();
    let grid = read_first_sheet(&bytes).unwrap();
    assert_eq!(
        grid,
        vec![
            vec!["2024年招商引资项目清单", "", "", "", ""],
            vec!["企业名称", "投资额（万元）", "签约日期", "所属省份", "备注"],
            vec!["汉中航空智慧新城建设有限公司", "12500.5", "2024-03-15", "陕西省", HYPERLINK],
            vec!["南郑区食品加工厂", "0.01", "1999-12-31", "陕西", "+86 139 0916 0000"],
            vec!["城固县\"橘园\"合作社", "", "", "四川省", ""],
        ]
    );
    // An export edited and sent back imports: the title row is passed over.
    let fields = [
        FIELDS[0],
        Field { key: "investment", label: "投资额（万元）", synonyms: &[], required: false },
        Field { key: "signed_on", label: "签约日期", synonyms: &[], required: false },
        FIELDS[4],
    ];
    let table = read_table(&bytes, "项目清单.xlsx", &fields, &Limits::default()).unwrap();
    assert_eq!((table.sheet.as_str(), table.header_row), ("项目清单", 2));
    assert_eq!(
        values(&table, &["name", "investment", "signed_on", "province"]),
        vec![
            (3, vec!["汉中航空智慧新城建设有限公司", "12500.5", "2024-03-15", "陕西省"]),
            (4, vec!["南郑区食品加工厂", "0.01", "1999-12-31", "陕西"]),
            (5, vec!["城固县\"橘园\"合作社", "", "", "四川省"]),
        ]
    );
}

/// openpyxl reads the workbook as Excel would see it: one `key<TAB>value` line per fact.
const OPENPYXL_INSPECT: &str = r##"
import sys
from openpyxl import load_workbook

wb = load_workbook(sys.argv[1])
ws = wb.active
facts = {
    "sheets": ",".join(wb.sheetnames),
    "title": ws["A1"].value,
    "merged": ",".join(sorted(str(r) for r in ws.merged_cells.ranges)),
    "freeze": ws.freeze_panes,
    "filter": ws.auto_filter.ref,
    # Written $2:$2 or 2:2, depending on the openpyxl version.
    "print_titles": (ws.print_title_rows or "").replace("$", ""),
    "A2": ws["A2"].value,
}
for coord in ["A3", "B3", "C3", "E3", "B4", "C4", "E4"]:
    cell = ws[coord]
    value = cell.value.isoformat() if hasattr(cell.value, "isoformat") else repr(cell.value)
    facts[coord] = "|".join([cell.data_type, value, cell.number_format, str(cell.quotePrefix)])
for key, value in facts.items():
    print(f"{key}\t{value}")
"##;

#[test]
fn our_xlsx_export_opens_in_openpyxl() {
    let Some(python) = require(openpyxl_python(), "python3 with openpyxl") else { return };
    let scratch = Scratch::new("openpyxl-export");
    let xlsx = scratch.write("项目清单.xlsx", &export());
    let script = scratch.write("openpyxl_facts.py", OPENPYXL_INSPECT.as_bytes());
    let out = run(Command::new(&python).arg("-I").arg(&script).arg(&xlsx), &scratch, PYTHON_TIMEOUT).expect_success();
    let facts: BTreeMap<&str, &str> = out.stdout.lines().filter_map(|line| line.split_once('\t')).collect();
    let expected: BTreeMap<&str, &str> = [
        ("sheets", "项目清单"),
        ("title", "2024年招商引资项目清单"),
        ("merged", "A1:E1"),
        ("freeze", "A3"),
        ("filter", "A2:E5"),
        ("print_titles", "2:2"),
        ("A2", "企业名称"),
        ("A3", "s|'汉中航空智慧新城建设有限公司'|General|False"),
        ("B3", "n|12500.5|#,##0.00|False"),
        ("C3", "d|2024-03-15T00:00:00|yyyy-mm-dd|False"),
        // A string with Excel's quote prefix, not a formula (data_type 'f'): opening the cell
        // and pressing Enter keeps it text too.
        ("E3", "s|'=HYPERLINK(\"http://example.com/x\",\"点我\")'|General|True"),
        ("B4", "n|0.01|#,##0.00|False"),
        ("C4", "d|1999-12-31T00:00:00|yyyy-mm-dd|False"),
        ("E4", "s|'+86 139 0916 0000'|General|True"),
    ]
    .into_iter()
    .collect();
    assert_eq!(facts, expected, "openpyxl printed:\n{}", out.stdout);
}

#[test]
fn our_xlsx_export_opens_in_libreoffice() {
    let Some(office) = require(libreoffice(), "LibreOffice (soffice)") else { return };
    let scratch = Scratch::new("libreoffice-export-xlsx");
    let xlsx = scratch.write("export.xlsx", &export());

    let pdf = convert(&office, &scratch, &xlsx, "pdf", None);
    assert_pdf(&pdf);

    // Saved as CSV, LibreOffice writes each cell as it shows it: had it taken the HYPERLINK
    // text for a formula, the cell would read 点我.
    let csv = convert(&office, &scratch, &xlsx, "csv:Text - txt - csv (StarCalc):44,34,76,1", None);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().next().map(|line| line.replace('"', "")).as_deref(), Some("2024年招商引资项目清单,,,,"));
    let fields = [
        FIELDS[0],
        Field { key: "investment", label: "投资额（万元）", synonyms: &[], required: false },
        Field { key: "signed_on", label: "签约日期", synonyms: &[], required: false },
        FIELDS[4],
        Field { key: "note", label: "备注", synonyms: &[], required: false },
    ];
    let table = read_table(text.as_bytes(), "export.csv", &fields, &Limits::default()).unwrap();
    assert_eq!(table.header_row, 2);
    assert_eq!(
        values(&table, &["name", "investment", "signed_on", "province", "note"]),
        vec![
            (3, vec!["汉中航空智慧新城建设有限公司", "12,500.50", "2024-03-15", "陕西省", HYPERLINK]),
            (4, vec!["南郑区食品加工厂", "0.01", "1999-12-31", "陕西", "+86 139 0916 0000"]),
            (5, vec!["城固县\"橘园\"合作社", "", "", "四川省", ""]),
        ],
        "LibreOffice's CSV:\n{text}"
    );
}

fn report() -> Document {
    let counties = [("南郑区", 12.5), ("城固县", 30.0), ("洋县", 7.25), ("勉县", 18.0)];
    let chart: Vec<(String, f64)> = counties.iter().map(|(name, value)| (name.to_string(), *value)).collect();
    let rows = counties.iter().map(|(name, value)| vec![name.to_string(), format!("{value}")]).collect();
    Document {
        title: "关于2026年第一季度招商引资\n工作进展情况的通报".into(),
        issuer: Some("汉中市经济合作局".into()),
        doc_number: Some("汉经合发〔2026〕12号".into()),
        blocks: vec![
            Block::Heading1("一、总体情况".into()),
            Block::Paragraph("一季度全市新签约项目42个，总投资186.5亿元。".into()),
            Block::Table { header: vec!["县区".into(), "总投资（亿元）".into()], rows, widths_mm: None },
            Block::Image {
                png: office::chart::bar_chart_png(&chart, 600, 360),
                width_px: 600,
                height_px: 360,
                caption: "图1 各县区签约项目总投资".into(),
            },
        ],
        signature: Some(("汉中市经济合作局".into(), NaiveDate::from_ymd_opt(2026, 4, 18).unwrap())),
    }
}

#[test]
fn our_docx_reads_back_with_docx_rs() {
    use docx_rs::{DocumentChild, TableCellContent, TableChild, TableRowChild};
    let bytes = office::docx::write(&report()).unwrap();
    let read = docx_rs::read_docx(&bytes).expect("docx-rs reads the document");

    let paragraphs: Vec<String> = read
        .document
        .children
        .iter()
        .filter_map(|child| match child {
            DocumentChild::Paragraph(p) => Some(p.raw_text()),
            _ => None,
        })
        .filter(|text| !text.is_empty())
        .collect();
    for expected in [
        "汉经合发〔2026〕12号",
        "一、总体情况",
        "一季度全市新签约项目42个，总投资186.5亿元。",
        "图1 各县区签约项目总投资",
    ] {
        assert!(paragraphs.iter().any(|p| p == expected), "{expected} in {paragraphs:?}");
    }

    let tables: Vec<Vec<Vec<String>>> = read
        .document
        .children
        .iter()
        .filter_map(|child| match child {
            DocumentChild::Table(table) => Some(
                table
                    .rows
                    .iter()
                    .map(|TableChild::TableRow(row)| {
                        row.cells
                            .iter()
                            .map(|TableRowChild::TableCell(cell)| {
                                cell.children
                                    .iter()
                                    .filter_map(|content| match content {
                                        TableCellContent::Paragraph(p) => Some(p.raw_text()),
                                        _ => None,
                                    })
                                    .collect::<String>()
                            })
                            .collect()
                    })
                    .collect(),
            ),
            _ => None,
        })
        .collect();
    let strings = |row: &[&str]| row.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        tables,
        vec![vec![
            strings(&["县区", "总投资（亿元）"]),
            strings(&["南郑区", "12.5"]),
            strings(&["城固县", "30"]),
            strings(&["洋县", "7.25"]),
            strings(&["勉县", "18"]),
        ]]
    );

    let chart = office::chart::bar_chart_png(
        &[("南郑区".into(), 12.5), ("城固县".into(), 30.0), ("洋县".into(), 7.25), ("勉县".into(), 18.0)],
        600,
        360,
    );
    assert_eq!(read.images.len(), 1);
    assert!(read.images[0].2.0 == chart, "the chart's PNG is stored unchanged");
}

#[test]
fn our_docx_opens_in_libreoffice() {
    let Some(office) = require(libreoffice(), "LibreOffice (soffice)") else { return };
    let scratch = Scratch::new("libreoffice-export-docx");
    let docx = scratch.write("通报.docx", &office::docx::write(&report()).unwrap());

    assert_pdf(&convert(&office, &scratch, &docx, "pdf", None));

    // The text LibreOffice found in the document: front matter, body, table cells and caption.
    let txt = convert(&office, &scratch, &docx, "txt:Text (encoded):UTF8", None);
    let text = std::fs::read_to_string(&txt).unwrap();
    let lines: Vec<&str> =
        text.lines().map(|line| line.trim_start_matches('\u{FEFF}').trim()).filter(|l| !l.is_empty()).collect();
    for expected in [
        "汉中市经济合作局",
        "汉经合发〔2026〕12号",
        "一、总体情况",
        "一季度全市新签约项目42个，总投资186.5亿元。",
        "总投资（亿元）",
        "城固县",
        "7.25",
        "图1 各县区签约项目总投资",
    ] {
        assert!(lines.contains(&expected), "{expected:?} in LibreOffice's text:\n{text}");
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Each data row as (row number, the cells of `keys`).
fn values<'t>(table: &'t Table, keys: &[&str]) -> Vec<(usize, Vec<&'t str>)> {
    table.rows.iter().map(|row| (row.number, keys.iter().map(|key| row.get(table, key)).collect())).collect()
}

/// A missing tool fails the test when CI demands the tools, and skips the check otherwise.
fn require<T>(found: Option<T>, what: &str) -> Option<T> {
    if found.is_none() {
        if std::env::var("ZS_REQUIRE_OFFICE_TOOLS").is_ok_and(|v| v == "1") {
            panic!("{what} is not installed, and ZS_REQUIRE_OFFICE_TOOLS=1 requires it (.ci/run installs it)");
        }
        // Straight to stderr: the test harness swallows the output of a passing test.
        let _ = writeln!(std::io::stderr(), "skipped: {what} is not installed");
    }
    found
}

/// A Python that imports openpyxl. Debian's python3-openpyxl installs for /usr/bin/python3,
/// which need not be the python3 first on PATH (pyenv, a venv); ZS_PYTHON names another.
fn openpyxl_python() -> Option<PathBuf> {
    static FOUND: OnceLock<Option<PathBuf>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let named = std::env::var_os("ZS_PYTHON").map(PathBuf::from);
            let candidates = named.into_iter().chain(["python3", "/usr/bin/python3"].map(PathBuf::from));
            candidates.into_iter().find(|python| {
                Command::new(python)
                    .args(["-c", "import openpyxl"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success())
            })
        })
        .clone()
}

fn libreoffice() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["soffice", "libreoffice"].map(|name| dir.join(name)))
        .find(|candidate| candidate.is_file())
}

/// Converts `file` with LibreOffice into the scratch directory and returns the new file.
/// `to` is LibreOffice's `--convert-to` argument: an extension, optionally with a filter.
fn convert(office: &Path, scratch: &Scratch, file: &Path, to: &str, infilter: Option<&str>) -> PathBuf {
    let outdir = scratch.path().join("out");
    let mut command = Command::new(office);
    // A profile of its own, so tests converting in parallel, a desktop LibreOffice or a stale
    // lock cannot interfere; HOME too, for what LibreOffice writes beside the profile.
    command
        .arg(format!("-env:UserInstallation=file://{}", scratch.path().join("profile").display()))
        .args(["--headless", "--norestore", "--nolockcheck"])
        .env("HOME", scratch.path());
    if let Some(infilter) = infilter {
        command.arg(format!("--infilter={infilter}"));
    }
    command.args(["--convert-to", to, "--outdir"]).arg(&outdir).arg(file);
    let output = run(&mut command, scratch, OFFICE_TIMEOUT).expect_success();
    let extension = to.split(':').next().unwrap();
    let converted = outdir.join(file.file_stem().unwrap()).with_extension(extension);
    assert!(
        converted.is_file(),
        "LibreOffice wrote no {}\nstdout: {}\nstderr: {}",
        converted.display(),
        output.stdout,
        output.stderr
    );
    converted
}

fn assert_pdf(path: &Path) {
    let pdf = std::fs::read(path).unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "{} is not a PDF", path.display());
    let pages = pdf.windows(10).filter(|w| w == b"/Type/Page" || w == b"/Type /Pag").count();
    assert!(pages >= 1, "{} has no pages", path.display());
}

struct Output {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    command: String,
}

impl Output {
    fn expect_success(self) -> Output {
        assert!(
            self.status.success(),
            "{} exited with {}\nstdout: {}\nstderr: {}",
            self.command,
            self.status,
            self.stdout,
            self.stderr
        );
        self
    }
}

/// Runs a command to its end or kills it after `timeout`. Output goes to files, so a chatty
/// child cannot block on a full pipe while we wait.
fn run(command: &mut Command, scratch: &Scratch, timeout: Duration) -> Output {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (out, err) = (scratch.path().join(format!("run{n}.out")), scratch.path().join(format!("run{n}.err")));
    let described = format!("{command:?}");
    let mut child = command
        .stdin(Stdio::null())
        .stdout(File::create(&out).unwrap())
        .stderr(File::create(&err).unwrap())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {described}: {e}"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{described} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let read = |path: &Path| String::from_utf8_lossy(&std::fs::read(path).unwrap_or_default()).into_owned();
    Output { status, stdout: read(&out), stderr: read(&err), command: described }
}

/// A directory of one test's files, removed afterwards unless the test failed.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
        let dir = std::env::temp_dir().join(format!("zs-interop-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = writeln!(std::io::stderr(), "files of the failed test kept in {}", self.0.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
