//! Excel exports (one titled, filterable table per workbook) and a plain reader for imports and tests.
//! Rows stream to a temporary file as they are written, so a large export does not hold every cell in memory.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::{NaiveDate, NaiveTime};
use rust_xlsxwriter::{Color, ColNum, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet};

use crate::OfficeError;

/// One cell of an exported table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Always stored as text, even when it looks like a formula or a number.
    Text(String),
    /// Counts and the like. Excel keeps only 15 significant digits, so codes such as
    /// 统一社会信用代码, ID numbers or phone numbers belong in `Text`.
    Int(i64),
    /// 万元 amounts kept as integer hundredths of 万元 to avoid floats in our data
    Wan(i64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub header: String,
    /// In Excel's units: the width of one digit of the default font.
    pub width: f64,
}

impl Column {
    pub fn new(header: impl Into<String>, width: f64) -> Self {
        Column { header: header.into(), width }
    }
}

/// Referenced by name only, never embedded: 宋体 is on every Chinese Windows and in WPS,
/// and other systems substitute a CJK font of their own.
const FONT: &str = "宋体";
/// GB2312, as Chinese Excel writes for 宋体, so Excel picks the font for Chinese text.
const FONT_CHARSET: u8 = 134;
/// Pixel metrics of 宋体 11 in Excel (row height, column width); they must match the default
/// font or column widths given in characters come out wrong.
const DEFAULT_ROW_PX: u32 = 18;
const DEFAULT_COL_PX: u32 = 72;

const TITLE_ROW: RowNum = 0;
const HEADER_ROW: RowNum = 1;
const FIRST_DATA_ROW: RowNum = 2;
/// Excel's last row index (1,048,576 rows in a sheet).
const LAST_EXCEL_ROW: RowNum = 1_048_575;

const WAN_FORMAT: &str = "#,##0.00";
const DATE_FORMAT: &str = "yyyy-mm-dd";

/// Writes a workbook with one sheet: a merged title row, a bold header row, then `rows`.
///
/// The header stays frozen while scrolling and carries an autofilter over the data; printing
/// fits the table to one A4 page wide and repeats the header on every page. Rows shorter than
/// `columns` are padded with empty cells.
pub fn write_table(
    sheet: &str,
    title: &str,
    columns: &[Column],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<Vec<u8>, OfficeError> {
    let mut out = Cursor::new(Vec::new());
    write_table_to(&mut out, sheet, title, columns, rows)?;
    Ok(out.into_inner())
}

/// Like `write_table`, into a file: rows are flushed to temporary files as they come and the
/// workbook is zipped straight into `path`, so memory stays flat however many rows there are.
pub fn write_table_file(
    path: &std::path::Path,
    sheet: &str,
    title: &str,
    columns: &[Column],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<(), OfficeError> {
    let file = std::fs::File::create(path).map_err(|e| OfficeError::XlsxWrite(rust_xlsxwriter::XlsxError::IoError(e)))?;
    let mut out = std::io::BufWriter::new(file);
    write_table_to(&mut out, sheet, title, columns, rows)?;
    use std::io::Write;
    out.flush().map_err(|e| OfficeError::XlsxWrite(rust_xlsxwriter::XlsxError::IoError(e)))?;
    Ok(())
}

fn write_table_to<W: std::io::Write + std::io::Seek + Send>(
    out: &mut W,
    sheet: &str,
    title: &str,
    columns: &[Column],
    rows: impl IntoIterator<Item = Vec<Cell>>,
) -> Result<(), OfficeError> {
    if columns.is_empty() {
        return Err(OfficeError::NoColumns);
    }
    // More than u16::MAX columns is past Excel's 16,384 anyway; the library reports it.
    let last_col = ColNum::try_from(columns.len() - 1).unwrap_or(ColNum::MAX);
    let styles = Styles::new();

    let mut workbook = Workbook::new();
    workbook.set_default_format(&base_format(), DEFAULT_ROW_PX, DEFAULT_COL_PX)?;
    // Constant-memory mode flushes each row to a temporary file once the next row starts, so
    // rows must be written strictly top to bottom; the merged title lies within row 0 alone and
    // is written first, so it fits that order. Strings are stored inline in the cells rather than
    // in a shared table, which makes the file somewhat larger but keeps memory flat.
    let ws = workbook.add_worksheet_with_constant_memory()?;
    ws.set_name(sanitize_sheet_name(sheet))?;

    for (col, column) in (0..).zip(columns) {
        ws.set_column_width(col, column.width)?;
    }

    // A row's height must be set before the row is flushed.
    ws.set_row_height(TITLE_ROW, 30)?;
    if last_col == 0 {
        // Excel refuses a merged range of a single cell.
        ws.write_string_with_format(TITLE_ROW, 0, title, &styles.title)?;
    } else {
        ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last_col, title, &styles.title)?;
    }

    for (col, column) in (0..).zip(columns) {
        ws.write_string_with_format(HEADER_ROW, col, &column.header, &styles.header)?;
    }

    let mut last_row = HEADER_ROW;
    for (index, cells) in rows.into_iter().enumerate() {
        if cells.len() > columns.len() {
            return Err(OfficeError::RowTooWide { row: index + 1, cells: cells.len(), columns: columns.len() });
        }
        if last_row == LAST_EXCEL_ROW {
            return Err(OfficeError::TooManyRows { max: LAST_EXCEL_ROW - HEADER_ROW });
        }
        last_row += 1;
        let padded = cells.into_iter().chain(std::iter::repeat(Cell::Empty));
        for (col, cell) in (0..=last_col).zip(padded) {
            write_cell(ws, last_row, col, cell, &styles)?;
        }
    }

    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    ws.autofilter(HEADER_ROW, 0, last_row, last_col)?;
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW)?;

    workbook.save_to_writer(out)?;
    Ok(())
}

/// One column of an import template: its header, the note shown on the header cell, and the
/// allowed values offered as a drop-down list (empty: free text).
#[derive(Debug, Clone, PartialEq)]
pub struct TemplateColumn {
    pub header: String,
    pub note: String,
    pub width: f64,
    pub options: Vec<String>,
}

/// Rows of a template that carry the drop-down lists.
const TEMPLATE_ROWS: RowNum = 10_000;

/// An import template: the header row with a note on each column, drop-down lists of allowed
/// values (kept on a second sheet, 选项, since Excel limits inline lists to 255 characters), and
/// no example row (an example left in would be imported).
pub fn template(sheet: &str, columns: &[TemplateColumn]) -> Result<Vec<u8>, OfficeError> {
    use rust_xlsxwriter::{DataValidation, Formula, Note};
    if columns.is_empty() {
        return Err(OfficeError::NoColumns);
    }
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    workbook.set_default_format(&base_format(), DEFAULT_ROW_PX, DEFAULT_COL_PX)?;
    let ws = workbook.add_worksheet();
    ws.set_name(sanitize_sheet_name(sheet))?;
    for (col, column) in (0..).zip(columns) {
        ws.set_column_width(col, column.width)?;
        ws.write_string_with_format(0, col, &column.header, &styles.header)?;
        if !column.note.is_empty() {
            ws.insert_note(0, col, &Note::new(&column.note).add_author_prefix(false))?;
        }
    }
    ws.set_freeze_panes(1, 0)?;
    // Lists go to a second sheet, one column each.
    let lists: Vec<(ColNum, &TemplateColumn)> = (0..).zip(columns).filter(|(_, c)| !c.options.is_empty()).collect();
    if !lists.is_empty() {
        let mut rules = Vec::new();
        let options = workbook.add_worksheet();
        options.set_name("选项")?;
        for (i, (col, column)) in (0..).zip(&lists) {
            options.write_string_with_format(0, i, &column.header, &styles.header)?;
            for (r, option) in (1..).zip(&column.options) {
                options.write_string(r, i, option)?;
            }
            let letter = rust_xlsxwriter::utility::column_number_to_name(i);
            let range = format!("=选项!${letter}$2:${letter}${}", column.options.len() + 1);
            rules.push((*col, DataValidation::new().allow_list_formula(Formula::new(range)).ignore_blank(true)));
        }
        let ws = workbook.worksheet_from_index(0)?;
        for (col, rule) in rules {
            ws.add_data_validation(1, col, TEMPLATE_ROWS, col, &rule)?;
        }
    }
    Ok(workbook.save_to_buffer()?)
}

/// Reads the first worksheet as text, one `Vec` per row from row 1, each starting at column A.
///
/// Numbers come back plainly (`12500`, `0.01`), cells formatted as dates as `yyyy-mm-dd`
/// (with the time when there is one), formula cells as their last computed value.
/// Rows above the first used row come back as empty `Vec`s; empty rows after the last value
/// are not returned.
pub fn read_first_sheet(bytes: &[u8]) -> Result<Vec<Vec<String>>, OfficeError> {
    let mut workbook = Xlsx::new(Cursor::new(bytes))?;
    let range = workbook.worksheet_range_at(0).ok_or(OfficeError::NoWorksheet)??;
    // calamine's range starts at the first used cell, not at A1.
    let Some((first_row, first_col)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut out = vec![Vec::new(); first_row as usize];
    for row in range.rows() {
        let mut cells = vec![String::new(); first_col as usize];
        cells.extend(row.iter().map(cell_text));
        out.push(cells);
    }
    Ok(out)
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(n) => n.to_string(),
        // Rust prints f64 without exponent and with the shortest digits that round-trip.
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::Error(e) => e.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(at) if dt.is_datetime() && at.time() == NaiveTime::MIN => at.format("%Y-%m-%d").to_string(),
            Some(at) if dt.is_datetime() => at.format("%Y-%m-%d %H:%M:%S").to_string(),
            // Durations, or serials outside chrono's range: the plain number.
            _ => dt.as_f64().to_string(),
        },
    }
}

fn write_cell(ws: &mut Worksheet, row: RowNum, col: ColNum, cell: Cell, styles: &Styles) -> Result<(), OfficeError> {
    match cell {
        // write_string never interprets its text, so "=1+1" stays text (no formula injection).
        Cell::Text(text) => {
            let format = if editing_would_reinterpret(&text) { &styles.quoted_text } else { &styles.text };
            ws.write_string_with_format(row, col, text, format)?;
        }
        // Excel holds every number as a double; beyond 2^53 an integer loses digits either way.
        Cell::Int(n) => {
            ws.write_number_with_format(row, col, n as f64, &styles.int)?;
        }
        // Our data stays integer; the float exists only inside the file, where Excel needs it.
        Cell::Wan(hundredths) => {
            ws.write_number_with_format(row, col, hundredths as f64 / 100.0, &styles.wan)?;
        }
        Cell::Date(date) if excel_can_hold(date) => {
            ws.write_datetime_with_format(row, col, date, &styles.date)?;
        }
        // A mistyped year (0202-01-01) must not fail the whole export: show it as text instead.
        Cell::Date(date) => {
            ws.write_string_with_format(row, col, date.format("%Y-%m-%d").to_string(), &styles.text)?;
        }
        // Written, not skipped, so the cell keeps its border when printed.
        Cell::Empty => {
            ws.write_blank(row, col, &styles.blank)?;
        }
    }
    Ok(())
}

/// Excel's serial dates run from 1900-01-01 to 9999-12-31.
fn excel_can_hold(date: NaiveDate) -> bool {
    NaiveDate::from_ymd_opt(1900, 1, 1).is_some_and(|first| date >= first)
        && NaiveDate::from_ymd_opt(9999, 12, 31).is_some_and(|last| date <= last)
}

/// Text that Excel would turn into a formula or number if someone opened the cell and pressed
/// Enter. Such cells get Excel's quote prefix (as if typed with a leading '), which keeps them
/// text through edits; the stored value is unchanged.
fn editing_would_reinterpret(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// Excel's rules for sheet names: at most 31 UTF-16 units, none of `[]:*?/\`, no apostrophe at
/// either end, not empty, and not "History", which Excel keeps for change tracking.
fn sanitize_sheet_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '_' } else { c })
        .collect();
    let mut units = 0;
    let truncated: String = replaced
        .trim_matches('\'')
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= 31
        })
        .collect();
    let name = truncated.trim_matches('\'');
    if name.is_empty() {
        "Sheet1".to_string()
    } else if name.eq_ignore_ascii_case("History") {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

fn base_format() -> Format {
    Format::new().set_font_name(FONT).set_font_size(11).set_font_charset(FONT_CHARSET)
}

struct Styles {
    title: Format,
    header: Format,
    text: Format,
    quoted_text: Format,
    int: Format,
    wan: Format,
    date: Format,
    blank: Format,
}

impl Styles {
    fn new() -> Self {
        // Data cells carry borders too, so a printed export reads as a ruled table.
        let cell = base_format().set_border(FormatBorder::Thin).set_align(FormatAlign::VerticalCenter);
        Styles {
            title: base_format()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: cell
                .clone()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: cell.clone(),
            quoted_text: cell.clone().set_quote_prefix(),
            int: cell.clone(),
            wan: cell.clone().set_num_format(WAN_FORMAT),
            date: cell.clone().set_num_format(DATE_FORMAT),
            blank: cell,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn columns(headers: &[&str]) -> Vec<Column> {
        headers.iter().map(|h| Column::new(*h, 14.0)).collect()
    }

    #[test]
    fn round_trip() {
        let cols = columns(&["企业名称", "从业人数", "投资额（万元）", "签约日期", "联系电话", "备注"]);
        let rows = vec![
            vec![
                Cell::text("汉中航空智慧新城建设有限公司"),
                Cell::Int(1_250),
                Cell::Wan(1_250_000),
                Cell::Date(date(2024, 3, 15)),
                Cell::text("+86 139 0916 0000"),
                Cell::text("=1+1"),
            ],
            vec![
                Cell::text("南郑区食品加工厂"),
                Cell::Int(-5),
                Cell::Wan(1),
                Cell::Date(date(1900, 3, 1)),
                Cell::text("-5"),
                Cell::text("@SUM(A1)"),
            ],
            // Short row: padded with empty cells.
            vec![Cell::Empty, Cell::Int(0), Cell::Wan(-123_456_789)],
        ];
        let bytes = write_table("项目清单", "2024年招商引资项目清单", &cols, rows).unwrap();

        let expected: Vec<Vec<&str>> = vec![
            vec!["2024年招商引资项目清单", "", "", "", "", ""],
            vec!["企业名称", "从业人数", "投资额（万元）", "签约日期", "联系电话", "备注"],
            vec!["汉中航空智慧新城建设有限公司", "1250", "12500", "2024-03-15", "+86 139 0916 0000", "=1+1"],
            vec!["南郑区食品加工厂", "-5", "0.01", "1900-03-01", "-5", "@SUM(A1)"],
            vec!["", "0", "-1234567.89", "", "", ""],
        ];
        assert_eq!(read_first_sheet(&bytes).unwrap(), expected);
    }

    /// What rust_xlsxwriter wrote, as calamine sees it: typed values and formulas.
    fn read_typed(bytes: &[u8]) -> (calamine::Range<Data>, calamine::Range<String>, Vec<String>) {
        let mut workbook = Xlsx::new(Cursor::new(bytes)).unwrap();
        let names = workbook.sheet_names();
        let values = workbook.worksheet_range(&names[0]).unwrap();
        let formulas = workbook.worksheet_formula(&names[0]).unwrap();
        (values, formulas, names)
    }

    #[test]
    fn formula_looking_text_is_stored_as_text() {
        let texts = ["=1+1", "+86 139 0916 0000", "-5", "@SUM(A1)", "=HYPERLINK(\"http://x\",\"点我\")", "\t=1"];
        let rows = texts.iter().map(|t| vec![Cell::text(*t)]);
        let bytes = write_table("s", "t", &columns(&["内容"]), rows).unwrap();
        let (values, formulas, _) = read_typed(&bytes);

        for (i, text) in texts.iter().enumerate() {
            let row = FIRST_DATA_ROW + i as u32;
            assert_eq!(values.get_value((row, 0)), Some(&Data::String(text.to_string())), "{text}");
        }
        // No cell anywhere in the sheet carries a formula.
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{formulas:?}");
    }

    #[test]
    fn cells_are_typed() {
        let rows = vec![vec![
            Cell::text("12"),
            Cell::Int(12),
            Cell::Wan(1_250_000),
            Cell::Date(date(2024, 3, 15)),
            Cell::Date(date(202, 1, 1)),
        ]];
        let bytes = write_table("s", "t", &columns(&["a", "b", "c", "d", "e"]), rows).unwrap();
        let (values, _, _) = read_typed(&bytes);
        type Check = fn(&Data) -> bool;
        let cases: &[(u32, Check)] = &[
            (0, |d| *d == Data::String("12".into())),
            (1, |d| *d == Data::Float(12.0)),
            (2, |d| *d == Data::Float(12_500.0)),
            // Only a date number format makes calamine report a date.
            (3, |d| matches!(d, Data::DateTime(dt) if dt.is_datetime())),
            // A year Excel cannot hold is kept as text rather than failing the export.
            (4, |d| *d == Data::String("0202-01-01".into())),
        ];
        for (col, check) in cases {
            let got = values.get_value((FIRST_DATA_ROW, *col)).unwrap();
            assert!(check(got), "column {col}: {got:?}");
        }
    }

    #[test]
    fn wan_amounts() {
        let cases: &[(i64, &str)] = &[
            (1_250_000, "12500"),
            (1, "0.01"),
            (-5, "-0.05"),
            (10, "0.1"),
            (123_456_789, "1234567.89"),
            (0, "0"),
        ];
        let rows = cases.iter().map(|(h, _)| vec![Cell::Wan(*h)]);
        let bytes = write_table("s", "t", &columns(&["投资额（万元）"]), rows).unwrap();
        let read = read_first_sheet(&bytes).unwrap();
        for (i, (hundredths, expected)) in cases.iter().enumerate() {
            assert_eq!(read[FIRST_DATA_ROW as usize + i], vec![*expected], "{hundredths}");
        }
    }

    #[test]
    fn shapes() {
        type Case = (Vec<Column>, Vec<Vec<Cell>>, Vec<Vec<&'static str>>);
        // (columns, data rows, expected grid)
        let cases: Vec<Case> = vec![
            // One column: the title is not merged (Excel refuses single-cell merges).
            (columns(&["名称"]), vec![vec![Cell::text("甲")]], vec![vec!["标题"], vec!["名称"], vec!["甲"]]),
            // No data: title and header only.
            (columns(&["名称", "数量"]), vec![], vec![vec!["标题", ""], vec!["名称", "数量"]]),
            // An empty row is still a row (trailing empty rows are not read back: calamine stops
            // at the last cell with a value).
            (
                columns(&["名称", "数量"]),
                vec![vec![], vec![Cell::text("甲")]],
                vec![vec!["标题", ""], vec!["名称", "数量"], vec!["", ""], vec!["甲", ""]],
            ),
        ];
        for (cols, rows, expected) in cases {
            let bytes = write_table("s", "标题", &cols, rows).unwrap();
            assert_eq!(read_first_sheet(&bytes).unwrap(), expected);
        }
    }

    #[test]
    fn errors() {
        let too_wide = write_table("s", "t", &columns(&["a"]), vec![vec![Cell::Int(1)], vec![Cell::Int(1), Cell::Int(2)]]);
        let cases: Vec<(Result<Vec<u8>, OfficeError>, &str)> = vec![
            (write_table("s", "t", &[], Vec::<Vec<Cell>>::new()), "生成 Excel 文件失败：表格至少需要一列"),
            (too_wide, "生成 Excel 文件失败：第 2 行数据有 2 个单元格，多于表头的 1 列"),
        ];
        for (got, expected) in cases {
            assert_eq!(got.unwrap_err().to_string(), expected);
        }

        let cases: &[(&[u8], &str)] = &[(b"", "无法读取 Excel 文件："), (b"PK not really a zip", "无法读取 Excel 文件：")];
        for (bytes, prefix) in cases {
            let message = read_first_sheet(bytes).unwrap_err().to_string();
            assert!(message.starts_with(prefix), "{message}");
        }
    }

    #[test]
    fn sheet_names() {
        let cases: &[(&str, &str)] = &[
            ("项目清单", "项目清单"),
            ("2024/01 [汇总]: a*b?c\\d", "2024_01 _汇总__ a_b_c_d"),
            ("", "Sheet1"),
            ("''", "Sheet1"),
            ("'引号'", "引号"),
            ("history", "history_"),
            // 31 UTF-16 units at most; 31 Chinese characters fit, the 32nd is cut.
            ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"),
            // An astral character is two units and is not split.
            ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十😀", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"),
            ("abcdefghijklmnopqrstuvwxyz0123'x", "abcdefghijklmnopqrstuvwxyz0123"),
            ("tab\there", "tab_here"),
        ];
        for (input, expected) in cases {
            assert_eq!(sanitize_sheet_name(input), *expected, "{input}");
            // And Excel's rules, as rust_xlsxwriter checks them, accept the result.
            let bytes = write_table(input, "t", &columns(&["a"]), Vec::<Vec<Cell>>::new()).unwrap();
            assert_eq!(read_typed(&bytes).2, vec![expected.to_string()], "{input}");
        }
    }

    #[test]
    fn many_rows() {
        // Enough rows to pass through many constant-memory flushes.
        const N: i64 = 20_000;
        let rows = (0..N).map(|i| vec![Cell::Int(i), Cell::text(format!("企业{i}")), Cell::Wan(i * 100)]);
        let bytes = write_table("s", "t", &columns(&["序号", "名称", "金额"]), rows).unwrap();
        let read = read_first_sheet(&bytes).unwrap();
        assert_eq!(read.len(), FIRST_DATA_ROW as usize + N as usize);
        assert_eq!(read.last().unwrap(), &vec![(N - 1).to_string(), format!("企业{}", N - 1), (N - 1).to_string()]);
    }

    /// Proves LibreOffice opens the file (a stand-in for WPS and Excel) where it is installed.
    #[test]
    fn libreoffice_converts_to_pdf() {
        let Some(office) = find_on_path(&["libreoffice", "soffice"]) else {
            // Straight to stderr: the test harness would swallow println! of a passing test.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "note: libreoffice/soffice not on PATH; PDF conversion check skipped");
            return;
        };
        let dir = std::env::temp_dir().join(format!("office-xlsx-pdf-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rows = vec![vec![Cell::text("汉中市"), Cell::Wan(1_250_000), Cell::Date(date(2024, 3, 15))]];
        let bytes = write_table("项目", "招商项目", &columns(&["地区", "投资额（万元）", "日期"]), rows).unwrap();
        let xlsx = dir.join("table.xlsx");
        std::fs::write(&xlsx, bytes).unwrap();

        // A private profile so a running LibreOffice or a stale lock cannot interfere.
        let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
        let status = std::process::Command::new(&office)
            .args([profile.as_str(), "--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&xlsx)
            .status()
            .unwrap();
        let pdf = std::fs::read(dir.join("table.pdf"));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(status.success(), "{office:?} exited with {status}");
        assert!(pdf.unwrap().starts_with(b"%PDF"));
    }

    fn find_on_path(names: &[&str]) -> Option<std::path::PathBuf> {
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .flat_map(|dir| names.iter().map(move |name| dir.join(name)))
            .find(|candidate| candidate.is_file())
    }
}
