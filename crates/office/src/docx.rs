//! Word documents in the layout of Chinese official documents (公文, GB/T 9704-2012): the 通报
//! and weekly reports. Fonts are referenced by name only; the reader's machine supplies them.

use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE, InstrText, LineSpacing,
    LineSpacingType, PageMargin, Paragraph, Pic, Run, RunFonts, SpecialIndentType, Table, TableAlignmentType,
    TableBorder, TableBorderPosition, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

/// A document ready to be written; text is used as given (numbering such as 「一、」 included).
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// Several lines are allowed: each `\n` starts a new, still centred, line.
    pub title: String,
    /// 发文机关标志, above the document number; printed black, not in the standard's red.
    pub issuer: Option<String>,
    /// 发文字号 such as 汉经合发〔2026〕12号, centred under the issuer.
    pub doc_number: Option<String>,
    pub blocks: Vec<Block>,
    /// 发文机关署名 and 成文日期, laid out for a sealed document.
    pub signature: Option<(String, NaiveDate)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// First level (一、…), 黑体.
    Heading1(String),
    /// Second level (（一）…), 楷体.
    Heading2(String),
    /// Body text, 仿宋; each non-empty line becomes its own indented paragraph.
    Paragraph(String),
    /// Rows shorter than the header are padded; `\n` in a cell breaks the line. Column widths
    /// are scaled down when they add up to more than the text width (156 mm); without them
    /// the columns share the text width equally.
    Table { header: Vec<String>, rows: Vec<Vec<String>>, widths_mm: Option<Vec<f32>> },
    /// A PNG picture shrunk to fit the text area, with its caption centred below it.
    Image { png: Vec<u8>, width_px: u32, height_px: u32, caption: String },
}

/// Why a document could not be written. Apart from `Pack` these are bugs in the caller's data,
/// but the message still says which table or picture is wrong.
#[derive(Debug, thiserror::Error)]
pub enum DocxError {
    #[error("生成 Word 文件失败：第 {table} 个表格没有表头，表格至少需要一列")]
    EmptyTableHeader { table: usize },
    #[error("生成 Word 文件失败：第 {table} 个表格第 {row} 行数据有 {cells} 个单元格，多于表头的 {columns} 列")]
    RowTooWide { table: usize, row: usize, cells: usize, columns: usize },
    #[error("生成 Word 文件失败：第 {table} 个表格给出 {widths} 个列宽，但表头有 {columns} 列")]
    ColumnWidthCount { table: usize, widths: usize, columns: usize },
    #[error("生成 Word 文件失败：第 {table} 个表格第 {column} 列的列宽 {width} 毫米无效，应为正数")]
    ColumnWidth { table: usize, column: usize, width: f32 },
    #[error("生成 Word 文件失败：图片「{caption}」不是 PNG 格式，请先转换为 PNG")]
    NotPng { caption: String },
    #[error("生成 Word 文件失败：图片「{caption}」的尺寸 {width_px}×{height_px} 像素与图片本身不符")]
    ImageSize { caption: String, width_px: u32, height_px: u32 },
    #[error("生成 Word 文件失败：打包 .docx 时出错（{0}）")]
    Pack(#[from] docx_rs::DocxError),
}

/// The finished .docx file.
pub fn write(doc: &Document) -> Result<Vec<u8>, DocxError> {
    let mut out = Cursor::new(Vec::new());
    build(doc)?.pack(&mut out).map_err(docx_rs::DocxError::from)?;
    Ok(out.into_inner())
}

// Page geometry of GB/T 9704-2012 in twips (1 mm = 1440 / 25.4 ≈ 56.69 twips). The 版心 is
// 156 × 225 mm and holds 22 lines of 28 characters.
const PAGE_WIDTH: u32 = 11906; // 210 mm
const PAGE_HEIGHT: u32 = 16838; // 297 mm
const MARGIN_TOP: i32 = 2098; // 37 mm
const MARGIN_BOTTOM: i32 = 1984; // 35 mm
const MARGIN_LEFT: i32 = 1587; // 28 mm
const MARGIN_RIGHT: i32 = 1474; // 26 mm
const TEXT_WIDTH: i32 = PAGE_WIDTH as i32 - MARGIN_LEFT - MARGIN_RIGHT;
const TEXT_HEIGHT: i32 = PAGE_HEIGHT as i32 - MARGIN_TOP - MARGIN_BOTTOM;
const LINES_PER_PAGE: i32 = 22;
const CHARS_PER_LINE: i32 = 28;
/// 579 twips ≈ 28.95 pt; rounded down so the 22nd line still fits.
const LINE_PITCH: i32 = TEXT_HEIGHT / LINES_PER_PAGE;

/// Body characters advance 315 twips instead of 320 (16 pt), so 28 of them fit the 156 mm
/// line: they are condensed by 5 twips (0.25 pt).
const CHAR_ADVANCE: i32 = TEXT_WIDTH / CHARS_PER_LINE;
const CHAR_SPACING: i32 = CHAR_ADVANCE - BODY_SIZE as i32 * 10;

/// Indents and offsets counted in body characters.
fn chars(n: f64) -> i32 {
    (n * f64::from(CHAR_ADVANCE)).round() as i32
}

const FANGSONG: &str = "仿宋_GB2312";
const HEITI: &str = "黑体";
const KAITI: &str = "楷体_GB2312";
const XIAOBIAOSONG: &str = "方正小标宋简体";
const SONGTI: &str = "宋体";

// Font sizes in half-points, named after the Chinese 号 sizes.
const SIZE_1: usize = 52; // 一号, 26 pt
const SIZE_2: usize = 44; // 二号, 22 pt
const SIZE_3: usize = 32; // 三号, 16 pt
const SIZE_4: usize = 28; // 四号, 14 pt
const BODY_SIZE: usize = SIZE_3;

/// Page numbers: 4号 宋体; their 一字线 sit 7 mm below the text area, so the footer's lower
/// edge is that far up minus the height of the (exactly one 四号 high) footer line.
const PAGE_NUMBER_LINE: i32 = 280;
const FOOTER_DISTANCE: i32 = MARGIN_BOTTOM - 397 /* 7 mm */ - PAGE_NUMBER_LINE;
/// Table cells: 四号 text on an exact 18 pt line.
const TABLE_LINE: i32 = 360;
/// Pictures keep this many body lines free for the caption and a line of text on their page.
const IMAGE_MAX_LINES: i32 = LINES_PER_PAGE - 4;
const EMU_PER_TWIP: u64 = 635;
const EMU_PER_PX: u64 = 9525; // at 96 dpi

fn build(doc: &Document) -> Result<Docx, DocxError> {
    let mut docx = Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .footer(FOOTER_DISTANCE)
                .gutter(0),
        )
        .default_fonts(fonts(FANGSONG))
        .default_size(BODY_SIZE)
        // Odd pages number on the right and even pages on the left, one character in.
        .footer(page_number_footer(Page::Odd))
        .even_footer(page_number_footer(Page::Even));
    // A line grid only, so Word's page setup shows 22 lines. A character grid would be the
    // usual way to get 28 characters a line, but LibreOffice lays 三号 text on it two cells a
    // character; condensed body text (CHAR_SPACING) gives 28 everywhere.
    docx.document =
        docx.document.doc_grid(DocGrid::new().grid_type(DocGridType::Lines).line_pitch(LINE_PITCH as usize));

    for paragraph in front_matter(doc) {
        docx = docx.add_paragraph(paragraph);
    }
    let mut tables = 0;
    for block in &doc.blocks {
        match block {
            Block::Heading1(text) => docx = docx.add_paragraph(heading(text, HEITI, 0)),
            Block::Heading2(text) => docx = docx.add_paragraph(heading(text, KAITI, 1)),
            Block::Paragraph(text) => {
                for line in clean(text).lines().filter(|l| !l.trim().is_empty()) {
                    docx = docx.add_paragraph(body_text(line));
                }
            }
            Block::Table { header, rows, widths_mm } => {
                tables += 1;
                // The empty line after a table keeps the next table from merging into it, and
                // Word wants a paragraph between a table and the end of the document anyway.
                docx = docx.add_table(table(tables, header, rows, widths_mm.as_deref())?).add_paragraph(blank_line());
            }
            Block::Image { png, width_px, height_px, caption } => {
                let [picture, caption] = image(png, *width_px, *height_px, caption)?;
                docx = docx.add_paragraph(picture).add_paragraph(caption);
            }
        }
    }
    if let Some((issuer, date)) = &doc.signature {
        for paragraph in signature(issuer, *date) {
            docx = docx.add_paragraph(paragraph);
        }
    }
    Ok(docx)
}

/// 版头 and title: issuer, two empty lines, document number, two empty lines, title, one empty
/// line (GB/T 9704 7.2 and 7.3.1). Without issuer and number the title opens the page.
fn front_matter(doc: &Document) -> Vec<Paragraph> {
    let mut out = Vec::new();
    if let Some(issuer) = &doc.issuer {
        // Two grid lines tall, so the larger type neither clips nor shifts the grid.
        out.push(
            centred(run(&clean(issuer), XIAOBIAOSONG, SIZE_1)).line_spacing(exact(2 * LINE_PITCH)).snap_to_grid(false),
        );
    }
    if let Some(number) = &doc.doc_number {
        if doc.issuer.is_some() {
            out.extend([blank_line(), blank_line()]);
        }
        out.push(centred(body_run(&clean(number), FANGSONG)));
    }
    if doc.issuer.is_some() || doc.doc_number.is_some() {
        out.extend([blank_line(), blank_line()]);
    }
    let mut title = Run::new().fonts(fonts(XIAOBIAOSONG)).size(SIZE_2);
    for (i, line) in clean(&doc.title).lines().enumerate() {
        if i > 0 {
            title = title.add_break(BreakType::TextWrapping);
        }
        title = title.add_text(line);
    }
    out.push(centred(title).snap_to_grid(false).keep_lines(true).keep_next(true));
    out.push(blank_line());
    out
}

fn heading(text: &str, font: &str, level: usize) -> Paragraph {
    body_paragraph(body_run(&clean(text).replace('\n', ""), font)).outline_lvl(level).keep_next(true)
}

fn body_text(text: &str) -> Paragraph {
    body_paragraph(body_run(text, FANGSONG))
}

fn body_paragraph(run: Run) -> Paragraph {
    Paragraph::new()
        .add_run(run)
        .align(AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(chars(2.0))), None, None)
        .line_spacing(exact(LINE_PITCH))
}

fn centred(run: Run) -> Paragraph {
    Paragraph::new().add_run(run).align(AlignmentType::Center).line_spacing(exact(LINE_PITCH))
}

fn blank_line() -> Paragraph {
    Paragraph::new().line_spacing(exact(LINE_PITCH))
}

fn table(index: usize, header: &[String], rows: &[Vec<String>], widths_mm: Option<&[f32]>) -> Result<Table, DocxError> {
    let columns = header.len();
    if columns == 0 {
        return Err(DocxError::EmptyTableHeader { table: index });
    }
    let widths = column_widths(index, columns, widths_mm)?;
    if let Some((row, cells)) = rows.iter().enumerate().find(|(_, cells)| cells.len() > columns) {
        return Err(DocxError::RowTooWide { table: index, row: row + 1, cells: cells.len(), columns });
    }

    let row = |texts: &[String], bold: bool| {
        let cells = widths
            .iter()
            .enumerate()
            .map(|(i, width)| {
                let text = texts.get(i).map(String::as_str).unwrap_or("");
                TableCell::new()
                    .width(*width as usize, WidthType::Dxa)
                    .vertical_align(VAlignType::Center)
                    .add_paragraph(cell_paragraph(text, bold))
            })
            .collect();
        // A row split over two pages is hard to read in print.
        TableRow::new(cells).cant_split()
    };
    let mut table_rows = vec![row(header, true)];
    table_rows.extend(rows.iter().map(|cells| row(cells, false)));

    let mut table = Table::new(table_rows)
        .set_grid(widths.iter().map(|w| *w as usize).collect())
        .layout(TableLayoutType::Fixed)
        .width(widths.iter().sum::<i32>() as usize, WidthType::Dxa)
        .align(TableAlignmentType::Center);
    for position in [
        TableBorderPosition::Top,
        TableBorderPosition::Left,
        TableBorderPosition::Bottom,
        TableBorderPosition::Right,
        TableBorderPosition::InsideH,
        TableBorderPosition::InsideV,
    ] {
        // Half a point (sizes are in eighths), the usual hairline of printed 公文 tables.
        table = table.set_border(TableBorder::new(position).size(4));
    }
    Ok(table)
}

/// Column widths in twips, never wider than the text area together.
fn column_widths(index: usize, columns: usize, widths_mm: Option<&[f32]>) -> Result<Vec<i32>, DocxError> {
    let Some(widths_mm) = widths_mm else {
        return Ok(vec![TEXT_WIDTH / columns as i32; columns]);
    };
    if widths_mm.len() != columns {
        return Err(DocxError::ColumnWidthCount { table: index, widths: widths_mm.len(), columns });
    }
    if let Some((i, width)) = widths_mm.iter().enumerate().find(|(_, w)| !(w.is_finite() && **w > 0.0)) {
        return Err(DocxError::ColumnWidth { table: index, column: i + 1, width: *width });
    }
    let twips: Vec<f64> = widths_mm.iter().map(|mm| f64::from(*mm) * 1440.0 / 25.4).collect();
    let scale = (f64::from(TEXT_WIDTH) / twips.iter().sum::<f64>()).min(1.0);
    Ok(twips.iter().map(|w| ((w * scale).floor() as i32).max(1)).collect())
}

fn cell_paragraph(text: &str, bold: bool) -> Paragraph {
    let mut run = Run::new().fonts(fonts(FANGSONG)).size(SIZE_4);
    if bold {
        run = run.bold();
    }
    for (i, line) in clean(text).lines().enumerate() {
        if i > 0 {
            run = run.add_break(BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    // Off the line grid, which would stretch every 18 pt table line to a 28.95 pt body line.
    Paragraph::new().add_run(run).align(AlignmentType::Center).line_spacing(exact(TABLE_LINE)).snap_to_grid(false)
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];

/// The picture, shrunk to the text area, and its caption (仿宋 4号, centred).
fn image(png: &[u8], width_px: u32, height_px: u32, caption: &str) -> Result<[Paragraph; 2], DocxError> {
    let caption = clean(caption).replace('\n', "");
    if !png.starts_with(&PNG_SIGNATURE) {
        return Err(DocxError::NotPng { caption });
    }
    // The IHDR chunk always comes first; its size must agree with what we were told.
    let ihdr_size = (png.len() >= 24 && &png[12..16] == b"IHDR").then(|| {
        let be = |at: usize| u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]);
        (be(16), be(20))
    });
    if width_px == 0 || height_px == 0 || ihdr_size.is_some_and(|size| size != (width_px, height_px)) {
        return Err(DocxError::ImageSize { caption, width_px, height_px });
    }

    let (width, height) = (u64::from(width_px) * EMU_PER_PX, u64::from(height_px) * EMU_PER_PX);
    let max_width = TEXT_WIDTH as u64 * EMU_PER_TWIP;
    let max_height = (IMAGE_MAX_LINES * LINE_PITCH) as u64 * EMU_PER_TWIP;
    let scale = (max_width as f64 / width as f64).min(max_height as f64 / height as f64).min(1.0);
    let emu = |v: u64| ((v as f64 * scale).round() as u32).max(1);
    let picture = Pic::new_with_dimensions(png.to_vec(), width_px, height_px).size(emu(width), emu(height));

    // Single (auto) spacing: an exact line height would crop the picture to one line.
    let picture = Paragraph::new()
        .add_run(Run::new().add_image(picture))
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Auto).line(240))
        .snap_to_grid(false)
        .keep_next(true);
    let caption = centred(run(&caption, FANGSONG, SIZE_4)).snap_to_grid(false);
    Ok([picture, caption])
}

/// 发文机关署名 and 成文日期 of a sealed document (GB/T 9704 7.3.5.1): the date four characters
/// from the right edge, the issuer centred above it, two empty lines under the text so the
/// seal presses on both and its top stays within a line of the text.
fn signature(issuer: &str, date: NaiveDate) -> Vec<Paragraph> {
    let issuer = clean(issuer).replace('\n', "");
    let date = format!("{}年{}月{}日", date.year(), date.month(), date.day());
    let (issuer_right, date_right) = signature_offsets(&issuer, &date);
    let line = |text: &str, right: f64| {
        Paragraph::new()
            .add_run(body_run(text, FANGSONG))
            .align(AlignmentType::Right)
            .indent(None, None, Some(chars(right)), None)
            .line_spacing(exact(LINE_PITCH))
    };
    vec![
        blank_line().keep_next(true),
        blank_line().keep_next(true),
        line(&issuer, issuer_right).keep_next(true),
        line(&date, date_right),
    ]
}

/// Right indents of the issuer and date lines, in characters.
fn signature_offsets(issuer: &str, date: &str) -> (f64, f64) {
    let date_right = 4.0;
    let issuer_right = date_right + (text_width(date) - text_width(issuer)) / 2.0;
    (issuer_right.max(0.0), date_right)
}

/// Width in characters: ASCII (the digits of a date) is half as wide as Chinese.
fn text_width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 0.5 } else { 1.0 }).sum()
}

enum Page {
    Odd,
    Even,
}

/// 「— 3 —」 in 4号 宋体, one character in from the outer edge: right on odd pages, left on even.
fn page_number_footer(page: Page) -> Footer {
    let one_char = PAGE_NUMBER_LINE; // a 四号 character is 14 pt wide
    let (side, left, right) = match page {
        Page::Odd => (AlignmentType::Right, None, Some(one_char)),
        Page::Even => (AlignmentType::Left, Some(one_char), None),
    };
    let page = Run::new()
        .fonts(fonts(SONGTI))
        .size(SIZE_4)
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false);
    Footer::new().add_paragraph(
        Paragraph::new()
            .add_run(run("— ", SONGTI, SIZE_4))
            .add_run(page)
            .add_run(run(" —", SONGTI, SIZE_4))
            .align(side)
            .indent(left, None, right, None)
            .line_spacing(exact(PAGE_NUMBER_LINE))
            .snap_to_grid(false),
    )
}

fn run(text: &str, font: &str, size: usize) -> Run {
    Run::new().add_text(text).fonts(fonts(font)).size(size)
}

/// 三号 text condensed to 28 characters a line.
fn body_run(text: &str, font: &str) -> Run {
    run(text, font, SIZE_3).character_spacing(CHAR_SPACING)
}

/// The same name for Chinese and Latin text, so digits and letters match the Chinese type.
fn fonts(name: &str) -> RunFonts {
    RunFonts::new().ascii(name).hi_ansi(name).east_asia(name).cs(name)
}

fn exact(twips: i32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Exact).line(twips)
}

/// Drops control characters XML cannot carry (pasted text sometimes has them); keeps line
/// breaks, which the callers turn into paragraphs or line breaks.
fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").chars().filter(|c| !c.is_control() || matches!(c, '\n' | '\t')).collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    use docx_rs::DocumentChild;

    use super::*;
    use crate::chart::bar_chart_png;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn sample() -> Document {
        let counties = [("南郑区", 12.5), ("城固县", 30.0), ("洋县", 7.25), ("勉县", 18.0)];
        let chart: Vec<(String, f64)> = counties.iter().map(|(n, v)| (n.to_string(), *v)).collect();
        Document {
            title: "关于2026年3月招商引资工作\n进展情况的通报".into(),
            issuer: Some("汉中市经济合作局".into()),
            doc_number: Some("汉经合发〔2026〕12号".into()),
            blocks: vec![
                Block::Paragraph("各县区招商局，市级各有关部门：".into()),
                Block::Heading1("一、总体情况".into()),
                Block::Paragraph(
                    "3月份，全市新签约项目42个，总投资186.5亿元，同比增长12.3%。\n\n到位资金<省外>&市外合计58.2亿元。"
                        .into(),
                ),
                Block::Heading2("（一）签约项目".into()),
                Block::Table {
                    header: strings(&["序号", "县区", "签约项目（个）", "总投资（亿元）"]),
                    rows: vec![
                        strings(&["1", "南郑区", "8", "12.5"]),
                        strings(&["2", "城固县", "11", "30.0"]),
                        strings(&["3", "洋县\n（含经开区）"]),
                    ],
                    widths_mm: Some(vec![15.0, 50.0, 45.0, 46.0]),
                },
                Block::Image {
                    png: bar_chart_png(&chart, 600, 360),
                    width_px: 600,
                    height_px: 360,
                    caption: "图1 各县区签约项目总投资（亿元）".into(),
                },
                Block::Table {
                    header: strings(&["县区", "得分"]),
                    rows: vec![strings(&["勉县", "96.5"])],
                    widths_mm: None,
                },
            ],
            signature: Some(("汉中市经济合作局".into(), date(2026, 4, 18))),
        }
    }

    fn xml(doc: &Document) -> docx_rs::XMLDocx {
        build(doc).expect("sample document builds").build()
    }

    #[test]
    fn docx_writes_a_readable_package() {
        let bytes = write(&sample()).unwrap();
        assert!(bytes.starts_with(b"PK"), "a zip file");

        let read = docx_rs::read_docx(&bytes).expect("docx-rs reads its own output");
        let texts: Vec<String> = read
            .document
            .children
            .iter()
            .filter_map(|child| match child {
                DocumentChild::Paragraph(p) => Some(p.raw_text()),
                _ => None,
            })
            .collect();
        assert!(texts.iter().any(|t| t.contains("关于2026年3月招商引资工作")), "title: {texts:?}");
        assert!(texts.iter().any(|t| t == "到位资金<省外>&市外合计58.2亿元。"), "escaped text survives");
        let tables = read.document.children.iter().filter(|c| matches!(c, DocumentChild::Table(_))).count();
        assert_eq!(tables, 2);
        assert_eq!(read.images.len(), 1, "the chart is embedded");
    }

    #[test]
    fn docx_page_setup_follows_gb_t_9704() {
        let out = xml(&sample());
        let document = String::from_utf8(out.document).unwrap();
        for expected in [
            r#"<w:pgSz w:w="11906" w:h="16838" />"#,
            r#"<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1587" w:header="851" w:footer="1307" w:gutter="0" />"#,
            r#"<w:docGrid w:type="lines" w:linePitch="579" />"#,
            r#"<w:spacing w:val="-5" />"#,
            r#"<w:spacing w:line="579" w:lineRule="exact" />"#,
            r#"w:eastAsia="方正小标宋简体""#,
            r#"w:eastAsia="黑体""#,
            r#"w:eastAsia="楷体_GB2312""#,
            r#"w:ascii="仿宋_GB2312""#,
            r#"<w:sz w:val="44" />"#,
            r#"<w:tblLayout w:type="fixed" />"#,
            r#"<w:gridCol w:w="850" w:type="dxa" />"#,
            r#"<w:tblW w:w="8842" w:type="dxa" />"#,
            r#"<w:ind w:left="0" w:right="0" w:firstLine="630" />"#,
            "汉经合发〔2026〕12号",
            "2026年4月18日",
        ] {
            assert!(document.contains(expected), "document.xml lacks {expected}");
        }
        assert!(!document.contains("<w:embedTrueTypeFonts"), "fonts are never embedded");

        assert_eq!(out.footers.len(), 2, "odd and even footers");
        let footers: Vec<String> = out.footers.into_iter().map(|f| String::from_utf8(f).unwrap()).collect();
        for footer in &footers {
            assert!(footer.contains("PAGE") && footer.contains("— ") && footer.contains(" —"), "{footer}");
            assert!(footer.contains(r#"w:eastAsia="宋体""#) && footer.contains(r#"<w:sz w:val="28" />"#));
        }
        assert!(footers[0].contains(r#"<w:jc w:val="right" />"#) && footers[0].contains(r#"w:right="280""#));
        assert!(footers[1].contains(r#"<w:jc w:val="left" />"#) && footers[1].contains(r#"w:left="280""#));
        assert!(String::from_utf8(out.settings).unwrap().contains("evenAndOddHeaders"));
        assert!(!String::from_utf8(out.font_table).unwrap().contains("embed"));
    }

    #[test]
    fn docx_geometry_constants() {
        let twips = |mm: f64| (mm * 1440.0 / 25.4).round() as i32;
        assert_eq!(
            (MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT),
            (twips(37.0), twips(35.0), twips(28.0), twips(26.0))
        );
        assert_eq!((PAGE_WIDTH as i32, PAGE_HEIGHT as i32), (twips(210.0), twips(297.0)));
        assert_eq!((LINE_PITCH, CHAR_ADVANCE, CHAR_SPACING), (579, 315, -5));
        assert_eq!(FOOTER_DISTANCE + PAGE_NUMBER_LINE + twips(7.0), MARGIN_BOTTOM);
    }

    #[test]
    fn docx_signature_table() {
        // (署名, 成文日期, right indent of 署名, right indent of 日期), in characters.
        let cases = [
            ("汉中市经济合作局", "2026年4月18日", 3.25, 4.0),
            ("汉中市投资促进局", "2026年12月1日", 3.25, 4.0),
            ("市招商局", "2026年4月18日", 5.25, 4.0),
            ("汉中市招商引资领导小组办公室", "2026年4月18日", 0.25, 4.0),
            ("汉中市人民政府招商引资工作领导小组办公室", "2026年4月18日", 0.0, 4.0),
        ];
        for (issuer, date, issuer_right, date_right) in cases {
            assert_eq!(signature_offsets(issuer, date), (issuer_right, date_right), "{issuer}");
        }
    }

    #[test]
    fn docx_image_is_scaled_to_the_text_width() {
        let png = bar_chart_png(&[], 2000, 500);
        let [picture, _] = image(&png, 2000, 500, "图").unwrap();
        let xml = String::from_utf8(docx_rs::BuildXML::build(&picture)).unwrap();
        let width = TEXT_WIDTH as u64 * EMU_PER_TWIP;
        assert!(xml.contains(&format!(r#"cx="{width}""#)), "{xml}");
        let quarter = (width as f64 / 4.0).round();
        assert!(xml.contains(&format!(r#"cy="{quarter}""#)), "aspect ratio kept");

        // A small picture keeps its size; a tall one is limited by the page height.
        let small = bar_chart_png(&[], 300, 200);
        let xml = String::from_utf8(docx_rs::BuildXML::build(&image(&small, 300, 200, "图").unwrap()[0])).unwrap();
        assert!(xml.contains(&format!(r#"cx="{}""#, 300 * EMU_PER_PX)));
        let tall = bar_chart_png(&[], 100, 4000);
        let xml = String::from_utf8(docx_rs::BuildXML::build(&image(&tall, 100, 4000, "图").unwrap()[0])).unwrap();
        let max_height = (IMAGE_MAX_LINES * LINE_PITCH) as u64 * EMU_PER_TWIP;
        assert!(xml.contains(&format!(r#"cy="{max_height}""#)), "{xml}");
    }

    #[test]
    fn docx_rejects_bad_blocks() {
        let png = bar_chart_png(&[], 60, 40);
        let table_block = |header: &[&str], rows: Vec<Vec<String>>, widths_mm: Option<Vec<f32>>| Block::Table {
            header: strings(header),
            rows,
            widths_mm,
        };
        let image_block =
            |png: Vec<u8>, width_px, height_px| Block::Image { png, width_px, height_px, caption: "图1".into() };
        let cases = [
            (table_block(&[], vec![], None), "第 1 个表格没有表头，表格至少需要一列"),
            (
                table_block(&["县区"], vec![strings(&["勉县"]), strings(&["洋县", "多余"])], None),
                "第 1 个表格第 2 行数据有 2 个单元格，多于表头的 1 列",
            ),
            (table_block(&["县区", "得分"], vec![], Some(vec![30.0])), "第 1 个表格给出 1 个列宽，但表头有 2 列"),
            (table_block(&["县区", "得分"], vec![], Some(vec![30.0, -1.0])), "第 1 个表格第 2 列的列宽 -1 毫米无效"),
            (table_block(&["县区"], vec![], Some(vec![f32::NAN])), "第 1 列的列宽 NaN 毫米无效"),
            (image_block(b"GIF89a".to_vec(), 60, 40), "图片「图1」不是 PNG 格式"),
            (image_block(png.clone(), 0, 40), "图片「图1」的尺寸 0×40 像素与图片本身不符"),
            (image_block(png, 40, 60), "图片「图1」的尺寸 40×60 像素与图片本身不符"),
        ];
        for (block, message) in cases {
            let doc = Document { blocks: vec![block], ..sample() };
            let err = write(&doc).expect_err(message).to_string();
            assert!(err.starts_with("生成 Word 文件失败：") && err.contains(message), "{err}");
        }
    }

    #[test]
    fn docx_column_widths() {
        type Case = (&'static str, Option<&'static [f32]>, Vec<i32>);
        let cases: [Case; 4] = [
            ("equal shares", None, vec![2948; 3]),
            ("given widths kept", Some(&[20.0, 40.0, 30.0]), vec![1133, 2267, 1700]),
            ("exactly the text width", Some(&[52.0, 52.0, 52.0]), vec![2948, 2948, 2948]),
            ("too wide, scaled down", Some(&[100.0, 100.0, 112.0]), vec![2834, 2834, 3175]),
        ];
        for (name, widths_mm, expected) in cases {
            let widths = column_widths(1, 3, widths_mm).unwrap();
            assert_eq!(widths, expected, "{name}");
            assert!(widths.iter().sum::<i32>() <= TEXT_WIDTH, "{name}");
        }
    }

    #[test]
    fn docx_minimal_document_and_control_characters() {
        let doc = Document {
            title: "通报\u{7}".into(),
            issuer: None,
            doc_number: None,
            blocks: vec![Block::Paragraph("正文\u{0}一\r\n正文二".into())],
            signature: None,
        };
        let read = docx_rs::read_docx(&write(&doc).unwrap()).unwrap();
        let texts: Vec<String> = read
            .document
            .children
            .iter()
            .filter_map(|child| match child {
                DocumentChild::Paragraph(p) => Some(p.raw_text()),
                _ => None,
            })
            .filter(|t| !t.is_empty())
            .collect();
        assert_eq!(texts, ["通报", "正文一", "正文二"]);
    }

    /// Renders the sample with LibreOffice when it is installed, as a check that a real word
    /// processor opens the file; skipped otherwise.
    #[test]
    fn docx_converts_to_pdf_with_libreoffice() {
        let Some(soffice) = find_soffice() else {
            // Straight to stderr: the harness captures eprintln! of a passing test.
            use std::io::Write;
            let _ =
                writeln!(std::io::stderr(), "note: LibreOffice (soffice) not found; docx PDF conversion check skipped");
            return;
        };
        let dir = std::env::temp_dir().join(format!("zhaoshang-docx-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let input = dir.join("通报.docx");
        std::fs::write(&input, write(&sample()).unwrap()).unwrap();

        // A private profile, so a LibreOffice already running on this machine does not interfere.
        let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
        let mut child = Command::new(soffice)
            .arg(profile)
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(&dir)
            .arg(&input)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if Instant::now() > deadline {
                child.kill().ok();
                child.wait().ok();
                panic!("LibreOffice did not convert the document within 120 s");
            }
            std::thread::sleep(Duration::from_millis(200));
        };
        let pdf = dir.join("通报.pdf");
        let converted = pdf.metadata().map(|m| m.len() > 0).unwrap_or(false);
        std::fs::remove_dir_all(&dir).ok();
        assert!(status.success() && converted, "LibreOffice failed to convert the .docx ({status})");
    }

    fn find_soffice() -> Option<PathBuf> {
        let on_path = std::env::var_os("PATH").into_iter().flat_map(|paths| {
            std::env::split_paths(&paths)
                .flat_map(|dir| [dir.join("soffice"), dir.join("libreoffice")])
                .collect::<Vec<_>>()
        });
        std::iter::once(PathBuf::from("/usr/bin/soffice")).chain(on_path).find(|p| Path::new(p).is_file())
    }
}
