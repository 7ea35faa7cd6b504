//! `zhaoshang universe FILE`: loads the enterprise universe (millions of companies exported from a
//! company-data service) in batches, each its own transaction and its own entry in the import
//! history, with progress shown. Killed half-way, the same command resumes after the last batch
//! that committed: the history is the checkpoint, written in the batch's own transaction. The
//! rows go through the same importer as the pages (header synonyms, amounts, dates, checks,
//! update by 统一社会信用代码). Companies come into the universe only; none becomes a target.
//!
//! CSV and tab-separated text are streamed: the file is cut at line ends outside quotes, and
//! each batch is read with the file's own title and header lines in front, its lines kept at
//! their numbers (blank lines stand in for the rest), so errors name the file's real rows.
//! A workbook (.xlsx, at most 1,048,576 rows) is read once and then applied in batches.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use domain::imports::ImportKind;
use store::imports::{ImportFile, ImportRow, Scope};
use store::{Store, Who};

/// The lines of a text file, cut where a record ends: at a newline outside double quotes.
/// Returns byte ranges, newline included.
fn records(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                out.push((start, i + 1));
                start = i + 1;
            }
            _ => {}
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// The batch label in the import history: the file's name, the start of its SHA-256, the lines.
fn label(name: &str, sha: &str, from: usize, to: usize) -> String {
    format!("{name} [{}] 第 {from}–{to} 行", &sha[..12])
}

/// The last line of this file already imported by an earlier run (0: none).
async fn resume_point(store: &Store, name: &str, sha: &str) -> anyhow::Result<usize> {
    let prefix = format!("{name} [{}] 第 ", &sha[..12]);
    let done = store.imports_named(&prefix).await?;
    Ok(done.iter().filter(|(_, status)| status == "applied").filter_map(|(file_name, _)| file_name.rsplit('–').next().and_then(|t| t.trim_end_matches(" 行").parse::<usize>().ok())).max().unwrap_or(0))
}

pub struct Options<'a> {
    pub file: &'a Path,
    pub batch: usize,
    pub unit: Option<&'a str>,
    pub limits: office::table::Limits,
    /// Stop after this many batches (a load spread over nights); the next run resumes.
    pub max_batches: Option<usize>,
}

pub async fn load(store: &Store, who: &Who, o: Options<'_>) -> anyhow::Result<ExitCode> {
    if o.batch == 0 || o.batch > 50_000 {
        bail!("--batch 应在 1 到 50000 之间");
    }
    let bytes = std::fs::read(o.file).with_context(|| format!("无法读取 {}", o.file.display()))?;
    let name = o.file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let sha = hex::encode(Sha256::digest(&bytes));
    let units = store.units().await?;
    let unit = match o.unit {
        Some(code) => units.iter().find(|u| u.code == code).with_context(|| format!("没有代码为「{code}」的单位"))?,
        None => units.iter().find(|u| u.kind == "bureau").context("还没有单位：请先加载产业链配置（profile load）")?,
    };
    let local_prefix: String = units.iter().find(|u| u.kind == "bureau").map(|u| u.region_code.chars().take(4).collect()).unwrap_or_default();
    let scope = Scope { unit_id: unit.id, writable_units: None, local_prefix };
    let resume = resume_point(store, &name, &sha).await?;
    if resume > 0 {
        println!("续传：第 {resume} 行及以前已在此前导入，从其后继续");
    }
    let started = Instant::now();
    let is_workbook = bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let mut totals = (0usize, 0usize, 0usize, 0usize);
    let mut batches = 0usize;
    let budget = o.max_batches.unwrap_or(usize::MAX);
    let mut report = |outcome: &store::imports::Outcome, to: usize, last: usize| {
        totals.0 += outcome.inserted;
        totals.1 += outcome.updated;
        totals.2 += outcome.unchanged;
        totals.3 += outcome.rejected;
        for e in outcome.errors.iter().take(20) {
            println!("  第 {} 行「{}」：{}", e.row, e.column, e.message);
        }
        let elapsed = started.elapsed().as_secs_f64();
        let share = to as f64 / last.max(1) as f64;
        println!("已处理到第 {to}/{last} 行（{:.1}%）：新增 {}，更新 {}，未变 {}，拒绝 {}；用时 {:.0} 秒", share * 100.0, totals.0, totals.1, totals.2, totals.3, elapsed);
    };
    if is_workbook {
        let limits = office::table::Limits { max_bytes: o.limits.max_bytes, max_rows: 1_048_576 };
        let rows = web::routes::imports::read_rows(ImportKind::Enterprises, &name, &bytes, &limits).map_err(anyhow::Error::msg)?;
        let last = rows.last().map_or(0, |r| r.number);
        let rest: Vec<ImportRow> = rows.into_iter().filter(|r| r.number > resume).collect();
        for chunk in rest.chunks(o.batch).take(budget) {
            batches += 1;
            let (from, to) = (chunk[0].number, chunk[chunk.len() - 1].number);
            let file = ImportFile { name: label(&name, &sha, from, to), bytes: Vec::new() };
            let (outcome, _) = store.run_import(who, ImportKind::Enterprises, &file, chunk, &scope, false, None).await?;
            report(&outcome, to, last);
        }
    } else {
        let lines = records(&bytes);
        let last = lines.len();
        // The title and header lines: whatever the importer finds the header in, among the first.
        let head_end = lines.iter().take(31).last().map_or(0, |l| l.1);
        let probe = web::routes::imports::read_rows(ImportKind::Enterprises, &name, &bytes[..head_end], &office::table::Limits { max_bytes: usize::MAX, max_rows: 100 });
        let first_data = match probe {
            Ok(rows) => rows.first().map_or(lines.len() + 1, |r| r.number),
            Err(message) => bail!("{message}"),
        };
        let head = &bytes[..lines.get(first_data.saturating_sub(2)).map_or(0, |l| l.1)];
        let mut at = first_data.max(resume + 1);
        while at <= last && batches < budget {
            batches += 1;
            let to = (at + o.batch - 1).min(last);
            let body = &bytes[lines[at - 1].0..lines[to - 1].1];
            // Blank lines keep each line at its number in the file (they carry no cells).
            let mut text = Vec::with_capacity(head.len() + (at - first_data) + body.len());
            text.extend_from_slice(head);
            text.resize(text.len() + (at - first_data), b'\n');
            text.extend_from_slice(body);
            let rows = web::routes::imports::read_rows(ImportKind::Enterprises, &name, &text, &office::table::Limits { max_bytes: usize::MAX, max_rows: o.batch + 31 }).map_err(anyhow::Error::msg)?;
            let mut stored = head.to_vec();
            stored.extend_from_slice(body);
            let file = ImportFile { name: label(&name, &sha, at, to), bytes: stored };
            let (outcome, _) = store.run_import(who, ImportKind::Enterprises, &file, &rows, &scope, false, None).await?;
            report(&outcome, to, last);
            at = to + 1;
        }
    }
    if batches >= budget {
        println!("已按 --max-batches 停在 {batches} 批；再次运行同一命令即从断点继续");
        return Ok(ExitCode::SUCCESS);
    }
    println!("导入完成：新增 {}，更新 {}，未变 {}，拒绝 {}；用时 {:.1} 秒。这些企业只进入企业库，不会自动成为目标企业。", totals.0, totals.1, totals.2, totals.3, started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_end_at_newlines_outside_quotes() {
        let text = b"a,b\n\"x\ny\",2\n3,4";
        let r = records(text);
        assert_eq!(r, vec![(0, 4), (4, 12), (12, 15)]);
        assert_eq!(&text[r[1].0..r[1].1], b"\"x\ny\",2\n");
    }
}
