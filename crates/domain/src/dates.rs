//! Dates as Chinese spreadsheets write them (2024年6月21日, 2024/6/21, 2024.6.21, 20240621,
//! full-width digits, Excel serial numbers that lost their date format), parsed into one NaiveDate.

use chrono::{Datelike, Days, NaiveDate};

/// Years outside this range are typing mistakes (0202, 20240) rather than real dates.
const FIRST_YEAR: i32 = 1900;
const LAST_YEAR: i32 = 2100;

/// Excel's serial numbers run from 1 (1900-01-01) to 2958465 (9999-12-31).
const LAST_SERIAL: u32 = 2_958_465;
/// Serial 60 is 1900-02-29, a day that never was: Lotus 1-2-3 took 1900 for a leap year and
/// Excel kept the mistake for compatibility, so every later serial is one day ahead.
const PHANTOM_LEAP_DAY: u32 = 60;

/// Parses a date the way people and spreadsheets write it; a time after the date is ignored.
///
/// Accepted: `2024年6月21日` (日 or 号 optional), `2024-06-21`, `2024/6/21`, `2024.6.21`,
/// `20240621`, any of these followed by a time (`2024-06-21 00:00:00`, `2024-06-21T08:30`),
/// full-width digits and punctuation, and an Excel serial number such as `45464` or `45464.0`
/// (what a date cell turns into when the column is formatted as text).
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let shown = text.trim();
    let unrecognised = || format!("日期「{shown}」无法识别，请写成 2024-06-21 的形式");

    let normalised = to_half_width(shown);
    let normalised = normalised.trim();
    if normalised.is_empty() {
        return Err("日期不能为空".to_string());
    }
    let date_part = strip_time(normalised).ok_or_else(unrecognised)?;

    if let Some(serial) = excel_serial(&date_part) {
        return from_serial(serial, shown);
    }
    let (year, month, day) = if date_part.len() == 8 && date_part.bytes().all(|b| b.is_ascii_digit()) {
        // yyyymmdd; all ASCII, so byte slicing stays on character boundaries.
        let number = |range: std::ops::Range<usize>| date_part[range].parse::<u32>().ok();
        match (number(0..4), number(4..6), number(6..8)) {
            (Some(y), Some(m), Some(d)) => (y, m, d),
            _ => return Err(unrecognised()),
        }
    } else {
        separated(&date_part).ok_or_else(unrecognised)?
    };

    // Years are at most 4 digits here, so the cast cannot overflow.
    let year = year as i32;
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(format!("日期「{shown}」的年份 {year} 不在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间"));
    }
    if !(1..=12).contains(&month) || day == 0 {
        return Err(unrecognised());
    }
    NaiveDate::from_ymd_opt(year, month, day)
        .ok_or_else(|| format!("日期「{shown}」不存在：{year} 年 {month} 月没有 {day} 日"))
}

/// Full-width ASCII (０-９, ／, ．, －, ：) and the ideographic space become their plain forms.
fn to_half_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{3000}' => ' ',
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// The date without a trailing time ("2024-06-21 00:00:00", "2024-06-21T08:30") and with the
/// spaces people put between parts removed ("2024 年 6 月 21 日"). `None` when what follows the
/// date is not a time.
fn strip_time(text: &str) -> Option<String> {
    let looks_like_time = |s: &str| s.contains(':') && s.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.');

    let mut words: Vec<&str> = text.split_whitespace().collect();
    if words.len() > 1 && words.last().is_some_and(|last| looks_like_time(last)) {
        words.pop();
    }
    let date = words.concat();
    // ISO 8601 joins date and time with a T.
    if let Some((date, time)) = date.split_once(['T', 't']) {
        return looks_like_time(time).then(|| date.to_string());
    }
    if date.contains(':') {
        return None;
    }
    Some(date)
}

/// An Excel serial number written as text: up to 6 digits, optionally followed by ".0", ".00"…
/// (a date cell copied as a number). Longer digit strings are dates like 20240621.
fn excel_serial(text: &str) -> Option<u32> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let is_serial = (1..=6).contains(&whole.len())
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b == b'0')
        && !(text.contains('.') && fraction.is_empty());
    if is_serial { whole.parse().ok() } else { None }
}

fn from_serial(serial: u32, shown: &str) -> Result<NaiveDate, String> {
    if serial == PHANTOM_LEAP_DAY {
        return Err(format!("日期「{shown}」是 Excel 的第 60 天，即并不存在的 1900 年 2 月 29 日，请改写成实际日期"));
    }
    if !(1..=LAST_SERIAL).contains(&serial) {
        return Err(format!("日期「{shown}」无法识别，请写成 2024-06-21 的形式"));
    }
    // Before the phantom leap day, serial 1 is 1900-01-01; after it, every serial is one day ahead.
    let epoch = if serial < PHANTOM_LEAP_DAY { (1899, 12, 31) } else { (1899, 12, 30) };
    let date = NaiveDate::from_ymd_opt(epoch.0, epoch.1, epoch.2)
        .and_then(|epoch| epoch.checked_add_days(Days::new(u64::from(serial))));
    match date {
        Some(date) if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) => Ok(date),
        _ => Err(format!(
            "日期「{shown}」若按 Excel 日期序号理解，年份不在 {FIRST_YEAR} 至 {LAST_YEAR} 年之间，请写成 2024-06-21 的形式"
        )),
    }
}

/// Year, month and day from "2024-6-21", "2024/06/21", "2024.6.21" or "2024年6月21日": a
/// 4-digit year, then 1–2 digit month and day, joined by the same separator (or by 年 and 月).
fn separated(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let after_digits = &rest[digits..];
        let separator = after_digits.len() - after_digits.trim_start_matches(|c: char| !c.is_ascii_digit()).len();
        parts.push((&rest[..digits], &after_digits[..separator]));
        rest = &after_digits[separator..];
    }
    let [(year, sep1), (month, sep2), (day, end)] = parts.as_slice() else {
        return None;
    };
    let separators_agree = match (*sep1, *sep2, *end) {
        ("年", "月", "" | "日" | "号") => true,
        (a, b, "") => a == b && matches!(a, "-" | "/" | "."),
        _ => false,
    };
    let sizes_fit = year.len() == 4 && (1..=2).contains(&month.len()) && (1..=2).contains(&day.len());
    if !separators_agree || !sizes_fit {
        return None;
    }
    Some((year.parse().ok()?, month.parse().ok()?, day.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn parse_table() {
        let june_21 = Ok(date(2024, 6, 21));
        let cases: &[(&str, Result<NaiveDate, &str>)] = &[
            // As typed into 签约日期 and the like.
            ("2024年6月21日", june_21),
            ("2024年06月21日", june_21),
            ("2024年6月21", june_21),
            ("2024年6月21号", june_21),
            ("2024 年 6 月 21 日", june_21),
            ("2024/6/21", june_21),
            ("2024/06/21", june_21),
            ("2024-06-21", june_21),
            ("2024-6-21", june_21),
            ("2024.6.21", june_21),
            ("20240621", june_21),
            // Exported by other systems with a time attached.
            ("2024-06-21 00:00:00", june_21),
            ("2024/6/21 8:30", june_21),
            ("2024-06-21T08:30:00", june_21),
            ("2024年6月21日 00:00:00", june_21),
            // Full-width, from Chinese input methods.
            ("２０２４年６月２１日", june_21),
            ("２０２４－０６－２１", june_21),
            ("２０２４／６／２１", june_21),
            ("  2024-06-21\t", june_21),
            ("\u{3000}2024-06-21\u{3000}", june_21),
            // Excel serial numbers in cells formatted as text.
            ("45464", june_21),
            ("45464.0", june_21),
            ("45464.000", june_21),
            ("1", Ok(date(1900, 1, 1))),
            ("59", Ok(date(1900, 2, 28))),
            ("61", Ok(date(1900, 3, 1))),
            ("2024-02-29", Ok(date(2024, 2, 29))),
            ("1900-01-01", Ok(date(1900, 1, 1))),
            ("2100-12-31", Ok(date(2100, 12, 31))),
            // Bad input, with the message the user sees.
            ("", Err("日期不能为空")),
            ("   ", Err("日期不能为空")),
            ("明年", Err("日期「明年」无法识别，请写成 2024-06-21 的形式")),
            ("2024/13/01", Err("日期「2024/13/01」无法识别，请写成 2024-06-21 的形式")),
            ("2024/2/30", Err("日期「2024/2/30」不存在：2024 年 2 月没有 30 日")),
            ("2023-02-29", Err("日期「2023-02-29」不存在：2023 年 2 月没有 29 日")),
            ("2024-06-00", Err("日期「2024-06-00」无法识别，请写成 2024-06-21 的形式")),
            ("12345678", Err("日期「12345678」的年份 1234 不在 1900 至 2100 年之间")),
            ("2024年6月", Err("日期「2024年6月」无法识别，请写成 2024-06-21 的形式")),
            ("0202-01-01", Err("日期「0202-01-01」的年份 202 不在 1900 至 2100 年之间")),
            ("2101-01-01", Err("日期「2101-01-01」的年份 2101 不在 1900 至 2100 年之间")),
            ("2024-06/21", Err("日期「2024-06/21」无法识别，请写成 2024-06-21 的形式")),
            ("24/6/21", Err("日期「24/6/21」无法识别，请写成 2024-06-21 的形式")),
            ("6/21/2024", Err("日期「6/21/2024」无法识别，请写成 2024-06-21 的形式")),
            ("2024-06-21 下午", Err("日期「2024-06-21 下午」无法识别，请写成 2024-06-21 的形式")),
            ("2024-06-21T", Err("日期「2024-06-21T」无法识别，请写成 2024-06-21 的形式")),
            ("45464.5", Err("日期「45464.5」无法识别，请写成 2024-06-21 的形式")),
            ("45464.", Err("日期「45464.」无法识别，请写成 2024-06-21 的形式")),
            ("0", Err("日期「0」无法识别，请写成 2024-06-21 的形式")),
            ("-45464", Err("日期「-45464」无法识别，请写成 2024-06-21 的形式")),
            ("1234567", Err("日期「1234567」无法识别，请写成 2024-06-21 的形式")),
            ("60", Err("日期「60」是 Excel 的第 60 天，即并不存在的 1900 年 2 月 29 日，请改写成实际日期")),
            (
                "999999",
                Err("日期「999999」若按 Excel 日期序号理解，年份不在 1900 至 2100 年之间，请写成 2024-06-21 的形式"),
            ),
            ("99999999999999999999", Err("日期「99999999999999999999」无法识别，请写成 2024-06-21 的形式")),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_date(input), expected.map_err(str::to_string), "{input:?}");
        }
    }

    #[test]
    fn serials_match_calendar() {
        // Excel's own values for a few landmark days.
        let cases = [(36526, date(2000, 1, 1)), (43831, date(2020, 1, 1)), (73051, date(2100, 1, 1))];
        for (serial, expected) in cases {
            assert_eq!(parse_date(&serial.to_string()), Ok(expected), "{serial}");
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in ".*") {
            let _ = parse_date(&s);
        }

        #[test]
        fn iso_round_trips(days in 0u64..73_000) {
            let day = date(1900, 1, 1) + Days::new(days);
            prop_assert_eq!(parse_date(&day.format("%Y-%m-%d").to_string()), Ok(day));
            prop_assert_eq!(parse_date(&day.format("%Y年%-m月%-d日").to_string()), Ok(day));
            prop_assert_eq!(parse_date(&day.format("%Y%m%d").to_string()), Ok(day));
        }
    }
}
