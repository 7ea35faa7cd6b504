//! Reading a table someone hands in (.xlsx, .xls, CSV in UTF-8 or GBK, tab-separated text) into
//! rows keyed by field, wherever its header sits below titles and blank rows.
//! The format is told from the bytes, never from the file name: 导出 systems routinely mislabel.

use std::collections::BTreeMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use calamine::{Data, DataRef, DataType, Reader, Xls, XlsError, Xlsx, XlsxError};

/// A column the caller wants, recognised in the header by its label or any synonym.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// How the caller asks for the value ([`Row::get`]).
    pub key: &'static str,
    /// The column name in our own templates; shown in error messages.
    pub label: &'static str,
    /// Other names the same column goes by in files from elsewhere (公司名称 for 企业名称).
    pub synonyms: &'static [&'static str],
    pub required: bool,
}

/// Bounds on what one upload may cost; checked before and while parsing, not after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    /// Data rows, not counting titles, the header or blank rows.
    pub max_rows: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 50 * 1024 * 1024, max_rows: 200_000 }
    }
}

/// The table found in a file: which sheet, where its header was, and its data rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// The worksheet's name; for text files the file name without its extension, as Excel shows it.
    pub sheet: String,
    /// 1-based row number of the header in the sheet.
    pub header_row: usize,
    /// Field key and the 0-based column it was found in, in column order.
    pub columns: Vec<(&'static str, usize)>,
    /// Header cells that matched no field (or a field already matched further left), as written.
    pub ignored_headers: Vec<String>,
    /// The unit a field's header names in brackets, as written there: 亿元 for 总投资（亿元）,
    /// 万元 for 金额(单位：万元). Only fields whose header names one.
    pub units: Vec<(&'static str, String)>,
    pub rows: Vec<Row>,
}

impl Table {
    /// The 0-based column of a field, `None` when the file has no such column.
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().find(|(k, _)| *k == key).map(|(_, col)| *col)
    }

    /// The unit written in a field's header (see [`Table::units`]).
    pub fn unit(&self, key: &str) -> Option<&str> {
        self.units.iter().find(|(k, _)| *k == key).map(|(_, unit)| unit.as_str())
    }
}

/// One data row; never entirely empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based row number as the user sees it in Excel, for messages like 第 12 行.
    pub number: usize,
    /// Trimmed cell texts from column A up to the last column of a field.
    cells: Vec<String>,
}

impl Row {
    /// The trimmed text of a field's cell; "" when the cell is empty or the file lacks the column.
    pub fn get(&self, table: &Table, key: &str) -> &str {
        // Cells are kept for the matched columns only, in the order of `table.columns`.
        table.columns.iter().position(|(k, _)| *k == key).and_then(|i| self.cells.get(i)).map_or("", |cell| cell.trim())
    }

    /// The trimmed cell texts, one for each of `table.columns` in that order ("" when empty).
    pub fn into_cells(self) -> Vec<String> {
        self.cells
    }
}

/// Why a file could not be read as a table; the Display text is shown to users, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("文件超过 {} 上限", size_text(*max_bytes))]
    TooLarge { max_bytes: usize },
    #[error("文件是空的，没有任何数据")]
    Empty,
    #[error("文件不是 Excel（.xlsx/.xls）或 CSV 表格")]
    NotATable,
    /// Many systems "export to Excel" as an HTML page or XML Spreadsheet 2003 named .xls.
    #[error("文件是网页或 XML 格式，并不是真正的 Excel 表格：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")]
    Markup,
    /// A zip archive without a workbook inside: a .docx, .xlsb, .ods or plain .zip.
    #[error("文件是压缩包而不是 Excel 工作簿（可能是 Word 文档或 .zip 文件）：请用 Excel 或 WPS 另存为 .xlsx 后再导入")]
    NotAWorkbook,
    #[error("文件设有打开密码：请在 Excel 中取消密码后再导入")]
    Encrypted,
    /// `detail` is for the log; users only need to know the file cannot be read.
    #[error("文件已损坏或不是有效的 Excel 文件：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入")]
    Corrupt { detail: String },
    #[error("找不到表头：请确认第一行或标题下方有{}等列名", quoted(examples))]
    NoHeader { examples: Vec<&'static str> },
    #[error("缺少必填列：{}", labels.join("、"))]
    MissingColumns { labels: Vec<&'static str> },
    #[error("数据超过 {max} 行上限，请分批导入")]
    TooManyRows { max: usize },
}

/// The header is looked for among this many non-empty rows at the top of a sheet.
const HEADER_SCAN_ROWS: usize = 30;

const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// Compound File Binary, the container of .xls (and of password-protected .xlsx).
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Reads the table in `bytes` whose columns are `fields`.
///
/// In a workbook the first sheet with a recognisable header is used (normally the first sheet
/// with data; an instructions sheet in front is passed over). Text is CSV, or tab-separated when
/// its first line has tabs and no commas. `file_name` only names the "sheet" of a text file.
pub fn read_table(bytes: &[u8], file_name: &str, fields: &[Field], limits: &Limits) -> Result<Table, TableError> {
    if bytes.len() > limits.max_bytes {
        return Err(TableError::TooLarge { max_bytes: limits.max_bytes });
    }
    if bytes.is_empty() {
        return Err(TableError::Empty);
    }
    if bytes.starts_with(ZIP_MAGIC) {
        guard_panics(|| read_xlsx(bytes, fields, limits))
    } else if bytes.starts_with(OLE_MAGIC) {
        guard_panics(|| read_xls(bytes, fields, limits))
    } else {
        read_text(bytes, file_name, fields, limits)
    }
}

/// calamine parses untrusted binary formats; should a malformed file find a panic in it, the user
/// gets "file is damaged" rather than a failed request.
/// Excel's last column is XFD, the 16,384th.
const MAX_COLUMNS: usize = 16_384;

fn guard_panics(read: impl FnOnce() -> Result<Table, TableError>) -> Result<Table, TableError> {
    catch_unwind(AssertUnwindSafe(read))
        .unwrap_or_else(|_| Err(TableError::Corrupt { detail: "spreadsheet reader panicked".to_string() }))
}

fn corrupt(error: impl std::fmt::Display) -> TableError {
    TableError::Corrupt { detail: error.to_string() }
}

/// calamine reserves memory for what a file claims before it reads what is there: the shared
/// strings a workbook says it holds, the cells an .xls sheet says it spans. A 2 KB file claiming
/// billions aborts the process (a failed allocation is no panic), so the claims are checked first.
const MAX_CLAIMED_CELLS: u64 = 5_000_000;

/// The shared-string count an .xlsx claims must be one its own part could hold (a string takes at
/// least 10 bytes of XML) and within what an import can use.
fn check_xlsx_claims(bytes: &[u8]) -> Result<(), TableError> {
    use std::io::Read;
    let Ok(mut archive) = zip::ZipArchive::new(Cursor::new(bytes)) else { return Ok(()) };
    let Ok(part) = archive.by_name("xl/sharedStrings.xml") else { return Ok(()) };
    let declared = part.size();
    let mut head = String::new();
    if part.take(4096).read_to_string(&mut head).is_err() {
        return Ok(());
    }
    let claim = |name: &str| -> u64 {
        head.split(&format!(" {name}=\"")).nth(1).and_then(|rest| rest.split('"').next()).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let claimed = claim("uniqueCount").max(claim("count"));
    if claimed > MAX_CLAIMED_CELLS || claimed > declared / 10 + 1000 {
        return Err(TableError::Corrupt { detail: format!("sharedStrings claims {claimed} strings in {declared} bytes") });
    }
    Ok(())
}

/// Every DIMENSIONS record (type 0x0200, 14 bytes) of an .xls must claim a range a real sheet has.
fn check_xls_claims(bytes: &[u8]) -> Result<(), TableError> {
    for at in bytes.windows(4).enumerate().filter(|(_, w)| *w == [0x00, 0x02, 0x0E, 0x00]).map(|(i, _)| i) {
        let Some(record) = bytes.get(at + 4..at + 16) else { continue };
        let rows = u64::from(u32::from_le_bytes([record[4], record[5], record[6], record[7]])).saturating_sub(u64::from(u32::from_le_bytes([record[0], record[1], record[2], record[3]])));
        let cols = u64::from(u16::from_le_bytes([record[10], record[11]])).saturating_sub(u64::from(u16::from_le_bytes([record[8], record[9]])));
        if rows.saturating_mul(cols) > MAX_CLAIMED_CELLS {
            return Err(TableError::Corrupt { detail: format!(".xls DIMENSIONS claims {rows} rows × {cols} columns") });
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8], fields: &[Field], limits: &Limits) -> Result<Table, TableError> {
    check_xlsx_claims(bytes)?;
    // Zip entry names are stored uncompressed, so a workbook shows its main part in plain bytes.
    // calamine's errors alone cannot tell: it reads a .docx's word/styles.xml as a workbook's.
    let is_workbook = || contains(bytes, b"xl/workbook");
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(|error| match error {
        // The archive itself is broken (cut short, bytes changed): whatever it was, it is damaged.
        XlsxError::Zip(_) => corrupt(error),
        _ if is_workbook() => corrupt(error),
        _ => TableError::NotAWorkbook,
    })?;
    let names = workbook.sheet_names();
    if names.is_empty() && !is_workbook() {
        return Err(TableError::NotAWorkbook);
    }
    first_table(names, fields, limits, |name| {
        let mut cells = match workbook.worksheet_cells_reader(name) {
            Ok(cells) => cells,
            // A chart sheet holds no cells.
            Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
            Err(error) => return Err(corrupt(error)),
        };
        // Streamed cell by cell, so a sheet far over the row limit stops early.
        let mut grid = Grid::new(limits);
        while let Some(cell) = cells.next_cell().map_err(corrupt)? {
            let (row, col) = cell.get_position();
            // Text, most cells of a list, is taken as it is; other values as Excel shows them.
            let text = match cell.get_value() {
                DataRef::SharedString(text) => text.trim().to_string(),
                DataRef::String(text) => text.trim().to_string(),
                value => cell_text(&Data::from(value.clone())),
            };
            grid.put(row as usize, col as usize, text)?;
        }
        Ok(grid.into_rows())
    })
}

fn read_xls(bytes: &[u8], fields: &[Field], limits: &Limits) -> Result<Table, TableError> {
    check_xls_claims(bytes)?;
    let mut workbook = Xls::new(Cursor::new(bytes)).map_err(|error| match error {
        XlsError::Password => TableError::Encrypted,
        // A password-protected .xlsx is an OLE container holding an encrypted package, with no
        // workbook stream for calamine to find.
        _ if contains(bytes, &utf16le("EncryptedPackage")) => TableError::Encrypted,
        other => corrupt(other),
    })?;
    let names = workbook.sheet_names();
    first_table(names, fields, limits, |name| {
        // calamine parsed every sheet when opening; a missing one is a chart or macro sheet.
        let Ok(range) = workbook.worksheet_range(name) else {
            return Ok(Vec::new());
        };
        let (first_row, first_col) = range.start().unwrap_or((0, 0));
        let mut grid = Grid::new(limits);
        for (row, col, value) in range.used_cells() {
            grid.put(first_row as usize + row, first_col as usize + col, cell_text(value))?;
        }
        Ok(grid.into_rows())
    })
}

fn read_text(bytes: &[u8], file_name: &str, fields: &[Field], limits: &Limits) -> Result<Table, TableError> {
    let text = decode_text(bytes).ok_or(TableError::NotATable)?;
    if looks_like_markup(&text) {
        return Err(TableError::Markup);
    }
    let mut grid = Grid::new(limits);
    for (row, record) in parse_delimited(&text, delimiter_of(&text)).into_iter().enumerate() {
        for (col, field) in record.into_iter().enumerate() {
            grid.put(row, col, field)?;
        }
    }
    let mut rows = Some(grid.into_rows());
    // Excel names the single sheet of a CSV file after the file.
    let sheet = Path::new(file_name).file_stem().map_or_else(String::new, |stem| stem.to_string_lossy().into_owned());
    first_table(vec![sheet], fields, limits, |_| Ok(rows.take().unwrap_or_default()))
}

/// The non-empty cells of one sheet row, by 0-based column, in column order.
#[derive(Debug, Clone)]
struct SheetRow {
    /// 1-based, as Excel shows it.
    number: usize,
    cells: Vec<(usize, String)>,
}

/// Collects the non-empty cells of a sheet, row by row, refusing once the row limit is certainly
/// passed: the header lies within the first [`HEADER_SCAN_ROWS`] non-empty rows, so beyond
/// `max_rows + HEADER_SCAN_ROWS` of them there are more than `max_rows` data rows.
struct Grid {
    /// Rows in the order first seen, by 0-based row index.
    rows: Vec<(usize, Vec<(usize, String)>)>,
    /// Where each row is in `rows`, made only once a cell comes out of row order (files are
    /// written row by row, so normally the last row is the one written to).
    index: Option<BTreeMap<usize, usize>>,
    max_rows: usize,
}

impl Grid {
    fn new(limits: &Limits) -> Self {
        Grid { rows: Vec::new(), index: None, max_rows: limits.max_rows }
    }

    fn put(&mut self, row: usize, col: usize, mut text: String) -> Result<(), TableError> {
        let trimmed = text.trim();
        // Nothing real lies past Excel's last column (XFD); a file claiming otherwise is noise.
        if trimmed.is_empty() || col >= MAX_COLUMNS {
            return Ok(());
        }
        if trimmed.len() != text.len() {
            text = trimmed.to_string();
        }
        let last = self.rows.last().map(|(r, _)| *r);
        if self.index.is_none() && last.is_some_and(|last| last > row) {
            self.index = Some(self.rows.iter().enumerate().map(|(at, (r, _))| (*r, at)).collect());
        }
        let at = match &self.index {
            None => (last == Some(row)).then(|| self.rows.len() - 1),
            Some(index) => index.get(&row).copied(),
        };
        if let Some(at) = at {
            self.rows[at].1.push((col, text));
            return Ok(());
        }
        if self.rows.len() >= self.max_rows.saturating_add(HEADER_SCAN_ROWS) {
            return Err(TableError::TooManyRows { max: self.max_rows });
        }
        if let Some(index) = &mut self.index {
            index.insert(row, self.rows.len());
        }
        self.rows.push((row, vec![(col, text)]));
        Ok(())
    }

    fn into_rows(mut self) -> Vec<SheetRow> {
        if self.index.is_some() {
            self.rows.sort_by_key(|(row, _)| *row);
        }
        self.rows
            .into_iter()
            .map(|(row, mut cells)| {
                // Stable, so for a cell written twice the earlier value stays first.
                if !cells.is_sorted_by_key(|(col, _)| *col) {
                    cells.sort_by_key(|(col, _)| *col);
                }
                SheetRow { number: row + 1, cells }
            })
            .collect()
    }
}

/// Reads sheets in order until one holds a header; a header without required columns is an error
/// at once, since that sheet is plainly the one meant.
fn first_table(
    sheets: Vec<String>,
    fields: &[Field],
    limits: &Limits,
    mut read_sheet: impl FnMut(&str) -> Result<Vec<SheetRow>, TableError>,
) -> Result<Table, TableError> {
    let mut no_header = None;
    for sheet in sheets {
        let rows = read_sheet(&sheet)?;
        if rows.is_empty() {
            continue;
        }
        match build_table(sheet, rows, fields, limits) {
            Err(error @ TableError::NoHeader { .. }) => no_header = no_header.or(Some(error)),
            other => return other,
        }
    }
    Err(no_header.unwrap_or(TableError::Empty))
}

fn build_table(sheet: String, rows: Vec<SheetRow>, fields: &[Field], limits: &Limits) -> Result<Table, TableError> {
    let names: Vec<Vec<String>> = fields
        .iter()
        .map(|field| std::iter::once(field.label).chain(field.synonyms.iter().copied()).map(normalise_header).collect())
        .collect();
    // Two matching cells tell a header from a title that happens to contain a column name.
    let needed = fields.len().clamp(1, 2);
    let found = rows
        .iter()
        .take(HEADER_SCAN_ROWS)
        .enumerate()
        .map(|(index, row)| (index, match_header(row, fields, &names)))
        .find(|(_, header)| header.columns.len() >= needed);
    let Some((header_index, header)) = found else {
        let mut examples: Vec<&'static str> = fields.iter().filter(|f| f.required).map(|f| f.label).collect();
        if examples.is_empty() {
            examples = fields.iter().map(|f| f.label).collect();
        }
        examples.truncate(2);
        return Err(TableError::NoHeader { examples });
    };

    let missing: Vec<&'static str> = fields
        .iter()
        .filter(|field| field.required && !header.columns.iter().any(|(key, _)| *key == field.key))
        .map(|field| field.label)
        .collect();
    if !missing.is_empty() {
        return Err(TableError::MissingColumns { labels: missing });
    }

    let header_row = rows[header_index].number;
    if rows.len() - header_index - 1 > limits.max_rows {
        return Err(TableError::TooManyRows { max: limits.max_rows });
    }
    // Only the matched columns are kept, however far right they stand: memory follows the data.
    // Each cell's text is moved, not copied; a column's place among the fields is looked up by
    // its sheet column.
    let width = header.columns.iter().map(|(_, col)| col + 1).max().unwrap_or(0);
    let mut place = vec![usize::MAX; width];
    for (at, (_, col)) in header.columns.iter().enumerate() {
        place[*col] = at;
    }
    let data_rows = rows
        .into_iter()
        .skip(header_index + 1)
        .map(|row| {
            let mut cells = vec![String::new(); header.columns.len()];
            for (col, text) in row.cells {
                match place.get(col).and_then(|at| cells.get_mut(*at)) {
                    // A cell written twice: the first value stays, as Excel shows it.
                    Some(cell) if cell.is_empty() => *cell = text,
                    _ => {}
                }
            }
            Row { number: row.number, cells }
        })
        .collect();

    Ok(Table { sheet, header_row, columns: header.columns, ignored_headers: header.ignored, units: header.units, rows: data_rows })
}

/// Which fields a row's cells name, and which cells named nothing we know.
struct HeaderMatch {
    columns: Vec<(&'static str, usize)>,
    ignored: Vec<String>,
    units: Vec<(&'static str, String)>,
}

/// Each cell names at most one field and each field is taken by its leftmost column, so a
/// repeated column (two 企业名称) cannot silently override the first.
fn match_header(row: &SheetRow, fields: &[Field], names: &[Vec<String>]) -> HeaderMatch {
    let mut taken = vec![false; fields.len()];
    let mut columns = Vec::new();
    let mut ignored = Vec::new();
    let mut units = Vec::new();
    for (col, text) in &row.cells {
        let (name, unit) = split_header(text);
        let field = (0..fields.len()).find(|&i| !taken[i] && !name.is_empty() && names[i].contains(&name));
        match field {
            Some(i) => {
                taken[i] = true;
                columns.push((fields[i].key, *col));
                if let Some(unit) = unit {
                    units.push((fields[i].key, unit));
                }
            }
            None => ignored.push(text.clone()),
        }
    }
    HeaderMatch { columns, ignored, units }
}

/// A header as compared, so that "投资额（万元）", "*投资额" and "投资额 (万元)" are one name: no
/// spaces or line breaks, full-width forms made plain, ASCII in lower case, and without required
/// marks (*), trailing colons or a trailing unit in brackets.
fn normalise_header(text: &str) -> String {
    split_header(text).0
}

/// The name a header is compared by (see `normalise_header`) and the amount unit it names in a
/// bracket, if any: "总投资（亿元）" → ("总投资", 亿元), "金额(单位：万元)(含税)" → ("金额", 万元).
fn split_header(text: &str) -> (String, Option<String>) {
    let mut name: String = text
        .chars()
        .filter_map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            '【' | '〔' => Some('['),
            '】' | '〕' => Some(']'),
            '\u{200B}' | '\u{FEFF}' => None,
            c if c.is_whitespace() => None,
            c => Some(c),
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut unit = None;
    loop {
        let trimmed = name.trim_matches(['*', ':']);
        let stripped = without_bracket_suffix(trimmed);
        if stripped.len() == name.len() {
            return (name, unit);
        }
        // The bracket nearest the name wins: 金额(万元)(含税) is in 万元.
        let bracket = &trimmed[stripped.len()..];
        if let Some(found) = bracket.get(1..bracket.len().saturating_sub(1)).and_then(unit_in) {
            unit = Some(found);
        }
        name = stripped.to_string();
    }
}

/// The text in a header's bracket when it names an amount unit (元, 万元, 亿元, 万美元, 单位:万元…):
/// made only of magnitudes and currency words, ending in 元 or 币. What it means is the caller's.
fn unit_in(bracket: &str) -> Option<String> {
    let unit = bracket.strip_prefix("单位").unwrap_or(bracket).trim_start_matches(':');
    let words_of_units = unit.chars().all(|c| "千百万亿元人民币美港欧日".contains(c));
    (words_of_units && (unit.ends_with('元') || unit.ends_with('币'))).then(|| unit.to_string())
}

/// "投资额(万元)" → "投资额"; a name that is only a bracket stays as it is.
fn without_bracket_suffix(name: &str) -> &str {
    let open = match name.chars().last() {
        Some(')') => '(',
        Some(']') => '[',
        _ => return name,
    };
    match name.rfind(open) {
        Some(at) if at > 0 => &name[..at],
        _ => name,
    }
}

/// A cell as the user reads it in Excel.
fn cell_text(cell: &Data) -> String {
    let iso = |date: chrono::NaiveDate| date.format("%Y-%m-%d").to_string();
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DurationIso(text) => text.trim().to_string(),
        Data::DateTimeIso(text) => cell.as_date().map_or_else(|| text.trim().to_string(), iso),
        Data::Int(n) => n.to_string(),
        Data::Float(x) => number_text(*x),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(at) if at.is_duration() => number_text(at.as_f64()),
        // Dates are what importers want; a time of day on a 签约日期 is noise.
        Data::DateTime(at) => cell.as_date().map_or_else(|| number_text(at.as_f64()), iso),
    }
}

/// A number as Excel shows it in a General cell: integers in full (phone numbers, 1e15), other
/// values to 15 significant digits, so 0.1 + 0.2 reads 0.3; never in exponent form.
fn number_text(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x.fract() == 0.0 {
        // `{:.0}` prints -0.0 as "-0".
        return if x == 0.0 { "0".to_string() } else { format!("{x:.0}") };
    }
    // d.dddddddddddddde±x: 15 significant digits and the power of ten of the first.
    let scientific = format!("{:.14e}", x.abs());
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return x.to_string();
    };
    let Ok(exponent) = exponent.parse::<i64>() else {
        return x.to_string();
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let point = exponent + 1; // digits before the decimal point
    let mut text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{whole}.{fraction}")
    };
    if text.contains('.') {
        text.truncate(text.trim_end_matches('0').trim_end_matches('.').len());
    }
    if x < 0.0 && text != "0" {
        text.insert(0, '-');
    }
    text
}

/// Text from UTF-8 (BOM or not), UTF-16 with a BOM (Excel's "Unicode 文本") or GBK/GB18030
/// (Excel's CSV on Chinese Windows); `None` for bytes that are not text in any of these.
fn decode_text(bytes: &[u8]) -> Option<String> {
    let text = if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(bytes) {
        encoding.decode_without_bom_handling_and_without_replacement(&bytes[bom_length..])?.into_owned()
    } else if bytes.contains(&0) {
        return None;
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        text.to_string()
    } else {
        encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes)?.into_owned()
    };
    // Binary data decodes to control characters that no table contains.
    let binary = text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}'));
    (!binary).then_some(text)
}

fn looks_like_markup(text: &str) -> bool {
    let start = text.trim_start();
    let head: String = start.chars().take(2048).collect::<String>().to_ascii_lowercase();
    head.starts_with('<') && ["<html", "<table", "<?xml", "<!doctype"].iter().any(|tag| head.contains(tag))
}

/// Tab-separated when the first non-empty line has tabs and no commas (what Excel writes as
/// "文本文件（制表符分隔）"), otherwise comma-separated.
fn delimiter_of(text: &str) -> char {
    let first = text.lines().find(|line| !line.trim().is_empty()).unwrap_or("");
    if first.contains('\t') && !first.contains(',') { '\t' } else { ',' }
}

/// RFC 4180 records: quoted fields may hold delimiters, line breaks and doubled quotes; lines
/// end in CRLF, LF or a lone CR. Lenient like Excel: a quote inside an unquoted field is
/// literal, text after a closing quote is kept, and an unclosed quote runs to the end.
fn parse_delimited(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            _ if c == delimiter => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    // The last line, unless the text ended with a line break.
    if !at_field_start || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|window| window == needle)
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn size_text(bytes: usize) -> String {
    const MB: usize = 1024 * 1024;
    match bytes {
        b if b >= MB && b % MB == 0 => format!("{} MB", b / MB),
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b if b >= 1024 && b % 1024 == 0 => format!("{} KB", b / 1024),
        b => format!("{b} 字节"),
    }
}

/// “企业名称”“统一社会信用代码”
fn quoted(labels: &[&str]) -> String {
    labels.iter().map(|label| format!("“{label}”")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
    use chrono::NaiveDate;
    use rust_xlsxwriter::{Format, Workbook};

    const FIELDS: &[Field] = &[
        Field { key: "uscc", label: "统一社会信用代码", synonyms: &["信用代码", "USCC"], required: true },
        Field { key: "name", label: "企业名称", synonyms: &["公司名称", "单位名称"], required: true },
        Field {
            key: "investment", label: "投资额（万元）", synonyms: &["总投资", "计划总投资"], required: false
        },
        Field { key: "signed_on", label: "签约日期", synonyms: &["签约时间"], required: false },
        Field { key: "contact", label: "联系人", synonyms: &[], required: false },
    ];

    fn read(bytes: &[u8]) -> Result<Table, TableError> {
        read_table(bytes, "上传.xlsx", FIELDS, &Limits::default())
    }

    /// Each data row as (row number, the cells of `keys`).
    fn values<'t>(table: &'t Table, keys: &[&str]) -> Vec<(usize, Vec<&'t str>)> {
        table.rows.iter().map(|row| (row.number, keys.iter().map(|key| row.get(table, key)).collect())).collect()
    }

    /// A 台账 as bureaus send it: merged title, blank row, a note, the header, data with a gap.
    fn ledger_workbook() -> Vec<u8> {
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.set_name("项目台账").unwrap();
        ws.merge_range(0, 0, 0, 5, "2024年招商引资项目台账", &Format::new().set_bold()).unwrap();
        ws.merge_range(2, 0, 2, 2, "填报单位：汉台区商务局", &Format::new()).unwrap();
        let headers = ["序号", "企业名称", "统一社会信用代码", "总投资\n（万元）", "签约日期", "备注"];
        for (col, header) in (0..).zip(headers) {
            ws.write_string(3, col, header).unwrap();
        }
        let date_format = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_number(4, 0, 1).unwrap();
        ws.write_string(4, 1, " 汉中航空智慧新城建设有限公司 ").unwrap();
        ws.write_string(4, 2, "91610700MA6YU0XX1R").unwrap();
        ws.write_number(4, 3, 12_500).unwrap();
        ws.write_datetime_with_format(4, 4, NaiveDate::from_ymd_opt(2024, 6, 21).unwrap(), &date_format).unwrap();
        ws.write_string(4, 5, "重点项目").unwrap();
        ws.write_number(6, 0, 2).unwrap();
        ws.write_string(6, 1, "南郑区食品加工厂").unwrap();
        ws.write_string(6, 2, "91610721MA6YU0XX2T").unwrap();
        ws.write_number(6, 3, 0.1 + 0.2).unwrap();
        ws.write_string(6, 4, "2024年6月21日").unwrap();
        workbook.save_to_buffer().unwrap()
    }

    fn docx() -> Vec<u8> {
        use docx_rs::{Docx, Paragraph, Run};
        let mut out = Cursor::new(Vec::new());
        Docx::new()
            .add_paragraph(Paragraph::new().add_run(Run::new().add_text("企业名称，统一社会信用代码")))
            .build()
            .pack(&mut out)
            .unwrap();
        out.into_inner()
    }

    #[test]
    fn xlsx_below_title_rows() {
        let table = read(&ledger_workbook()).unwrap();
        assert_eq!(table.sheet, "项目台账");
        assert_eq!(table.header_row, 4);
        assert_eq!(table.columns, vec![("name", 1), ("uscc", 2), ("investment", 3), ("signed_on", 4)]);
        assert_eq!(table.ignored_headers, vec!["序号", "备注"]);
        assert_eq!(
            values(&table, &["name", "uscc", "investment", "signed_on", "contact"]),
            vec![
                (5, vec!["汉中航空智慧新城建设有限公司", "91610700MA6YU0XX1R", "12500", "2024-06-21", ""]),
                (7, vec!["南郑区食品加工厂", "91610721MA6YU0XX2T", "0.3", "2024年6月21日", ""]),
            ]
        );
    }

    #[test]
    fn workbook_uses_first_sheet_with_a_table() {
        let mut workbook = Workbook::new();
        workbook.add_worksheet().set_name("空白").unwrap();
        let notes = workbook.add_worksheet();
        notes.set_name("填表说明").unwrap();
        notes.write_string(0, 0, "1. 企业名称请填写营业执照上的全称").unwrap();
        notes.write_string(1, 0, "2. 统一社会信用代码为 18 位").unwrap();
        let data = workbook.add_worksheet();
        data.set_name("数据").unwrap();
        for (col, header) in (0..).zip(["统一社会信用代码", "企业名称"]) {
            data.write_string(0, col, header).unwrap();
        }
        data.write_string(1, 0, "91610700MA6YU0XX1R").unwrap();
        data.write_string(1, 1, "汉中航空智慧新城建设有限公司").unwrap();
        let table = read(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(table.sheet, "数据");
        assert_eq!(values(&table, &["name"]), vec![(2, vec!["汉中航空智慧新城建设有限公司"])]);
    }

    #[test]
    fn text_formats() {
        let gbk = |text: &str| encoding_rs::GBK.encode(text).0.into_owned();
        let utf16 = |text: &str| [&[0xFF, 0xFE][..], &utf16le(text)].concat();
        type Rows = Vec<(usize, Vec<&'static str>)>;
        let cases: Vec<(&str, Vec<u8>, Rows)> = vec![
            (
                "UTF-8 with BOM, CRLF",
                "\u{FEFF}企业名称,统一社会信用代码,总投资\r\n甲公司,91610700MA6YU0XX1R,5000\r\n".into(),
                vec![(2, vec!["甲公司", "91610700MA6YU0XX1R", "5000"])],
            ),
            (
                "GBK from Excel on Chinese Windows",
                gbk("企业名称,统一社会信用代码,总投资\r\n汉中市食品厂,91610700MA6YU0XX1R,1200\r\n"),
                vec![(2, vec!["汉中市食品厂", "91610700MA6YU0XX1R", "1200"])],
            ),
            (
                "quoted commas, line breaks and quotes",
                "企业名称,统一社会信用代码,总投资\n\"汉中\"\"新城\"\"公司\",\"9161,0700\",\"1,200\"\n\"多行\n名称\",X,\n乙公司,Y,3"
                    .into(),
                vec![
                    (2, vec!["汉中\"新城\"公司", "9161,0700", "1,200"]),
                    (3, vec!["多行\n名称", "X", ""]),
                    (4, vec!["乙公司", "Y", "3"]),
                ],
            ),
            (
                "tab-separated, commas inside cells",
                "单位名称\t信用代码\t计划总投资\n甲公司\tX\t1,200\n".into(),
                vec![(2, vec!["甲公司", "X", "1,200"])],
            ),
            (
                "Excel's Unicode text (UTF-16, tabs)",
                utf16("公司名称\tUSCC\n丙公司\tZ\n"),
                vec![(2, vec!["丙公司", "Z", ""])],
            ),
            (
                "title line, blank lines, lone CR",
                "2024年项目清单,,\n,,\n\n企业名称,统一社会信用代码\r甲,X\n\n\n乙,Y".into(),
                vec![(5, vec!["甲", "X", ""]), (8, vec!["乙", "Y", ""])],
            ),
        ];
        for (name, bytes, expected) in cases {
            let table = read_table(&bytes, "2024 项目.csv", FIELDS, &Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(table.sheet, "2024 项目", "{name}");
            assert_eq!(values(&table, &["name", "uscc", "investment"]), expected, "{name}");
        }
    }

    #[test]
    fn header_synonyms_and_decorations() {
        let headers = [
            "企业名称",
            "公司名称",
            "单位名称",
            "*企业名称",
            "企业名称*",
            "企 业 名 称",
            "企业名称（必填）",
            "企业名称：",
            "企业名称【全称】",
        ];
        for header in headers {
            let csv = format!("{header},统一社会信用代码\n甲公司,X\n");
            let table = read(csv.as_bytes()).unwrap_or_else(|e| panic!("{header}: {e}"));
            assert_eq!(values(&table, &["name"]), vec![(2, vec!["甲公司"])], "{header}");
        }
    }

    #[test]
    fn normalise_table() {
        let cases = [
            ("投资额（万元）", "投资额"),
            ("投资额(万元)", "投资额"),
            ("投资额 （万元）*", "投资额"),
            ("总投资【亿元】", "总投资"),
            ("金额(万元)(含税)", "金额"),
            ("*企业名称", "企业名称"),
            (" 企业\n名称 ", "企业名称"),
            ("ＵＳＣＣ", "uscc"),
            ("Uscc", "uscc"),
            ("企业名称：", "企业名称"),
            ("(备注)", "(备注)"),
            ("*", ""),
        ];
        for (raw, expected) in cases {
            assert_eq!(normalise_header(raw), expected, "{raw}");
        }
    }

    #[test]
    fn units_in_headers_table() {
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("总投资（亿元）", "总投资", Some("亿元")),
            ("总投资(亿元)", "总投资", Some("亿元")),
            ("注册资本(万元)", "注册资本", Some("万元")),
            ("投资额（元）", "投资额", Some("元")),
            ("金额（千元）", "金额", Some("千元")),
            ("注册资本（万美元）", "注册资本", Some("万美元")),
            ("注册资本【万元人民币】", "注册资本", Some("万元人民币")),
            ("总投资（单位：万元）", "总投资", Some("万元")),
            ("总投资\n（ 亿元 ）*", "总投资", Some("亿元")),
            ("金额(万元)(含税)", "金额", Some("万元")),
            ("金额(含税)(万元)", "金额", Some("万元")),
            ("注册资本（人民币）", "注册资本", Some("人民币")),
            ("企业名称（必填）", "企业名称", None),
            ("总投资", "总投资", None),
            ("(万元)", "(万元)", None),
        ];
        for (header, name, unit) in cases {
            assert_eq!(split_header(header), (name.to_string(), unit.map(str::to_string)), "{header}");
        }
        // The unit goes with the matched field; its cells stay as written.
        let table = read("企业名称,统一社会信用代码,总投资（亿元）\n甲,X,5\n".as_bytes()).unwrap();
        assert_eq!(table.unit("investment"), Some("亿元"));
        assert_eq!(table.unit("name"), None);
        assert_eq!(values(&table, &["investment"]), vec![(2, vec!["5"])]);
    }

    #[test]
    fn cells_out_of_row_order() {
        // A sheet whose cells come column by column reads the same as one written row by row.
        let mut grid = Grid::new(&Limits::default());
        for (row, col, text) in [(0, 0, "企业名称"), (1, 0, "甲"), (2, 0, "乙"), (0, 1, "统一社会信用代码"), (1, 1, "X"), (2, 1, " Y ")] {
            grid.put(row, col, text.to_string()).unwrap();
        }
        let rows = grid.into_rows();
        let cells: Vec<(usize, Vec<(usize, &str)>)> = rows.iter().map(|r| (r.number, r.cells.iter().map(|(c, t)| (*c, t.as_str())).collect())).collect();
        assert_eq!(cells, vec![(1, vec![(0, "企业名称"), (1, "统一社会信用代码")]), (2, vec![(0, "甲"), (1, "X")]), (3, vec![(0, "乙"), (1, "Y")])]);
        // Out of order, the row limit still counts rows, not visits.
        let mut grid = Grid::new(&Limits { max_bytes: 1024, max_rows: 1 });
        for (row, col) in [(0, 0), (1, 0), (0, 1), (1, 1), (0, 2), (1, 2)] {
            grid.put(row, col, "x".into()).unwrap();
        }
        assert_eq!(grid.into_rows().len(), 2);
    }

    #[test]
    fn repeated_column_keeps_the_first() {
        let table = read("企业名称,统一社会信用代码,公司名称\n甲,X,乙\n".as_bytes()).unwrap();
        assert_eq!(table.columns, vec![("name", 0), ("uscc", 1)]);
        assert_eq!(table.ignored_headers, vec!["公司名称"]);
        assert_eq!(values(&table, &["name"]), vec![(2, vec!["甲"])]);
    }

    #[test]
    fn row_limit() {
        let limits = Limits { max_bytes: 1024, max_rows: 3 };
        let three = "企业名称,统一社会信用代码\n甲,1\n\n乙,2\n,\n丙,3\n";
        assert_eq!(read_table(three.as_bytes(), "a.csv", FIELDS, &limits).unwrap().rows.len(), 3);
        let four = format!("{three}丁,4\n");
        let error = read_table(four.as_bytes(), "a.csv", FIELDS, &limits).unwrap_err();
        assert_eq!(error.to_string(), "数据超过 3 行上限，请分批导入");

        // A large sheet is refused while streaming, long before its end.
        let mut workbook = Workbook::new();
        let ws = workbook.add_worksheet();
        ws.write_string(0, 0, "企业名称").unwrap();
        ws.write_string(0, 1, "统一社会信用代码").unwrap();
        for row in 1..=500 {
            ws.write_string(row, 0, format!("企业{row}")).unwrap();
            ws.write_string(row, 1, format!("{row}")).unwrap();
        }
        let bytes = workbook.save_to_buffer().unwrap();
        let limits = Limits { max_bytes: usize::MAX, max_rows: 5 };
        let error = read_table(&bytes, "a.xlsx", FIELDS, &limits).unwrap_err();
        assert!(matches!(error, TableError::TooManyRows { max: 5 }), "{error:?}");
    }

    #[test]
    fn errors_users_see() {
        let xlsx = ledger_workbook();
        let mut encrypted = OLE_MAGIC.to_vec();
        encrypted.extend(vec![0u8; 512]);
        encrypted.extend(utf16le("EncryptedPackage"));
        let random: Vec<u8> = {
            let mut rng = XorShift(7);
            (0..4096).map(|_| rng.next() as u8).collect()
        };
        let damaged = "文件已损坏或不是有效的 Excel 文件：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入";
        let not_a_table = "文件不是 Excel（.xlsx/.xls）或 CSV 表格";
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            ("empty file", vec![], "文件是空的，没有任何数据"),
            ("only a BOM and blank lines", "\u{FEFF}\r\n , \r\n".into(), "文件是空的，没有任何数据"),
            ("NUL bytes", vec![0; 64], not_a_table),
            ("random bytes", random, not_a_table),
            ("PNG image", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(), not_a_table),
            ("xlsx cut in half", xlsx[..xlsx.len() / 2].to_vec(), damaged),
            ("zip magic only", ZIP_MAGIC.to_vec(), damaged),
            ("OLE magic then garbage", [OLE_MAGIC, &[0x42; 600]].concat(), damaged),
            ("password-protected xlsx", encrypted, "文件设有打开密码：请在 Excel 中取消密码后再导入"),
            (
                "Word document",
                docx(),
                "文件是压缩包而不是 Excel 工作簿（可能是 Word 文档或 .zip 文件）：请用 Excel 或 WPS 另存为 .xlsx 后再导入",
            ),
            (
                "HTML table named .xls",
                "<html><body><table><tr><td>企业名称</td></tr></table></body></html>".into(),
                "文件是网页或 XML 格式，并不是真正的 Excel 表格：请用 Excel 或 WPS 打开后另存为 .xlsx 再导入",
            ),
            (
                "no header",
                "名称,代码\n甲,1\n".into(),
                "找不到表头：请确认第一行或标题下方有“统一社会信用代码”“企业名称”等列名",
            ),
            ("a required column missing", "企业名称,总投资\n甲,1\n".into(), "缺少必填列：统一社会信用代码"),
            (
                "both required columns missing",
                "总投资,签约日期,联系人\n1,2,3\n".into(),
                "缺少必填列：统一社会信用代码、企业名称",
            ),
        ];
        for (name, bytes, expected) in cases {
            match read(&bytes) {
                Ok(table) => panic!("{name}: read as {table:?}"),
                Err(error) => assert_eq!(error.to_string(), expected, "{name}: {error:?}"),
            }
        }
    }

    #[test]
    fn size_limit_comes_first() {
        let limits = Limits::default();
        let too_big = vec![b'a'; limits.max_bytes + 1];
        let error = read_table(&too_big, "a.csv", FIELDS, &limits).unwrap_err();
        assert_eq!(error.to_string(), "文件超过 50 MB 上限");
        let small = Limits { max_bytes: 10, max_rows: 10 };
        let error = read_table(&ledger_workbook(), "a.xlsx", FIELDS, &small).unwrap_err();
        assert_eq!(error.to_string(), "文件超过 10 字节 上限");
    }

    #[test]
    fn cell_text_table() {
        let date =
            |serial: f64, is_1904| Data::DateTime(ExcelDateTime::new(serial, ExcelDateTimeType::DateTime, is_1904));
        let cases: Vec<(Data, &str)> = vec![
            (Data::String("  汉中  ".into()), "汉中"),
            (Data::Int(42), "42"),
            (Data::Float(1.0), "1"),
            (Data::Float(-0.0), "0"),
            (Data::Float(12_500.0), "12500"),
            (Data::Float(13_912_345_678.0), "13912345678"),
            (Data::Float(1e15), "1000000000000000"),
            (Data::Float(0.1 + 0.2), "0.3"),
            (Data::Float(1234.5), "1234.5"),
            (Data::Float(-0.05), "-0.05"),
            (Data::Float(0.000_012_5), "0.0000125"),
            (Data::Float(2.0 / 3.0), "0.666666666666667"),
            (Data::Float(123_456_789.123_456_78), "123456789.123457"),
            (Data::Float(f64::NAN), ""),
            (Data::Bool(true), "是"),
            (Data::Bool(false), "否"),
            (Data::Error(CellErrorType::NA), ""),
            (Data::Empty, ""),
            (date(45464.0, false), "2024-06-21"),
            (date(45464.75, false), "2024-06-21"),
            (date(45464.0 - 1462.0, true), "2024-06-21"),
            (Data::DateTimeIso("2024-06-21T08:30:00".into()), "2024-06-21"),
            (Data::DateTimeIso("2024-06-21".into()), "2024-06-21"),
        ];
        for (cell, expected) in cases {
            assert_eq!(cell_text(&cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn delimited_edge_cases() {
        let cases: &[(&str, &[&[&str]])] = &[
            ("", &[]),
            ("a", &[&["a"]]),
            ("a,", &[&["a", ""]]),
            ("\"\"", &[&[""]]),
            ("a\r\nb\r\n", &[&["a"], &["b"]]),
            ("a\n\nb", &[&["a"], &[""], &["b"]]),
            ("x\"y,z", &[&["x\"y", "z"]]),
            ("\"ab\"c,d", &[&["abc", "d"]]),
            ("\"open,\nnever closed", &[&["open,\nnever closed"]]),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_delimited(text, ','), *expected, "{text:?}");
        }
    }

    /// Deterministic stand-in for a property test (proptest is not a dev-dependency of office).
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
    }

    #[test]
    fn never_panics_on_arbitrary_bytes() {
        let xlsx = ledger_workbook();
        let prefixes: [&[u8]; 5] =
            [b"", ZIP_MAGIC, OLE_MAGIC, "\u{FEFF}企业名称,统一社会信用代码\n".as_bytes(), &[0xFF, 0xFE]];
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        for round in 0..2000 {
            let bytes = match round % 4 {
                // Noise behind each format's magic.
                0 => {
                    let mut bytes = prefixes[rng.below(prefixes.len())].to_vec();
                    let length = rng.below(600);
                    bytes.extend((0..length).map(|_| rng.next() as u8));
                    bytes
                }
                // Printable noise, to reach the CSV parser and header matching.
                1 => {
                    let alphabet = "企业名称,统一社会信用代码\"\r\n\t 甲X1（万元）*".chars().collect::<Vec<_>>();
                    (0..rng.below(300)).map(|_| alphabet[rng.below(alphabet.len())]).collect::<String>().into_bytes()
                }
                // A real workbook with a few bytes changed.
                2 => {
                    let mut bytes = xlsx.clone();
                    for _ in 0..=rng.below(8) {
                        let at = rng.below(bytes.len());
                        bytes[at] = rng.next() as u8;
                    }
                    bytes
                }
                // A real workbook cut short or with a slice removed.
                _ => {
                    let cut = rng.below(xlsx.len());
                    let mut bytes = xlsx[..cut].to_vec();
                    if rng.below(2) == 0 {
                        bytes.extend_from_slice(&xlsx[(cut + rng.below(64)).min(xlsx.len())..]);
                    }
                    bytes
                }
            };
            let _ = read(&bytes);
        }
    }
}
