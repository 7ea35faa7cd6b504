//! Office documents for zhaoshang: xlsx read/write now, docx and SVG charts later.
//! No database and no web here: callers hand in rows and get bytes back.

pub mod chart;
pub mod docx;
pub mod table;
pub mod xlsx;

/// Everything that can go wrong in this crate; the Display text is shown to users, in Chinese.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    #[error("生成 Excel 文件失败：{0}")]
    XlsxWrite(#[from] rust_xlsxwriter::XlsxError),
    #[error("无法读取 Excel 文件：{0}")]
    XlsxRead(#[from] calamine::XlsxError),
    #[error("无法读取 Excel 文件：文件中没有工作表")]
    NoWorksheet,
    #[error("生成 Excel 文件失败：表格至少需要一列")]
    NoColumns,
    /// A caller bug rather than bad user input, but still worth a readable message.
    #[error("生成 Excel 文件失败：第 {row} 行数据有 {cells} 个单元格，多于表头的 {columns} 列")]
    RowTooWide { row: usize, cells: usize, columns: usize },
    #[error("导出的数据超过 Excel 单个工作表的上限（{max} 行），请缩小查询范围后分批导出")]
    TooManyRows { max: u32 },
}
