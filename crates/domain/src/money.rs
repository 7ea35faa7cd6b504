//! Amounts as people type them (5000万元人民币, 1.2亿, 300万美元, 1,234.5), parsed into fixed-point
//! 万元 hundredths with the original currency kept. Never floating point.

use serde::{Deserialize, Serialize};

/// An amount in hundredths of 万元 (1 = 100 元), with the currency it was given in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Wan {
    pub hundredths: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Currency {
    Cny,
    Usd,
    Hkd,
    Eur,
    Jpy,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Usd => "USD",
            Currency::Hkd => "HKD",
            Currency::Eur => "EUR",
            Currency::Jpy => "JPY",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Currency::Cny => "人民币",
            Currency::Usd => "美元",
            Currency::Hkd => "港币",
            Currency::Eur => "欧元",
            Currency::Jpy => "日元",
        }
    }

    pub fn parse(code: &str) -> Option<Currency> {
        [Currency::Cny, Currency::Usd, Currency::Hkd, Currency::Eur, Currency::Jpy].into_iter().find(|c| c.code() == code)
    }
}

/// The largest amount the system takes: 10 万亿元 (1,000,000,000 万元), in hundredths of 万元.
/// Far above any real project, and small enough that sums and percentages never overflow.
pub const MAX_HUNDREDTHS: i64 = 100_000_000_000;

/// Checks an amount against the bounds, naming the field.
pub fn check_amount(hundredths: i64, label: &str) -> Result<i64, String> {
    if hundredths < 0 {
        return Err(format!("「{label}」不能为负数"));
    }
    if hundredths > MAX_HUNDREDTHS {
        return Err(format!("「{label}」超过 10 万亿元，请检查单位（金额以万元计）"));
    }
    Ok(hundredths)
}

/// Parses an amount; a bare number is taken to be in 万元 (the unit of every ledger).
pub fn parse_wan(input: &str) -> Result<Wan, String> {
    let original = input.trim();
    let mut text: String = original
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '．' => '.',
            '，' => ',',
            c => c,
        })
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect();
    if text.is_empty() {
        return Err("金额不能为空".into());
    }
    let mut currency = Currency::Cny;
    for (suffix, c) in [("人民币", Currency::Cny), ("美元", Currency::Usd), ("港币", Currency::Hkd), ("港元", Currency::Hkd), ("欧元", Currency::Eur), ("日元", Currency::Jpy)] {
        if let Some(rest) = text.strip_suffix(suffix) {
            text = rest.to_string();
            currency = c;
            break;
        }
    }
    // Unit multipliers, in hundredths of 万元 per unit.
    let (number, scale_num, scale_den): (&str, i64, i64) = if let Some(n) = text.strip_suffix("亿元").or_else(|| text.strip_suffix("亿")) {
        (n, 1_000_000, 1)
    } else if let Some(n) = text.strip_suffix("万元").or_else(|| text.strip_suffix("万")) {
        (n, 100, 1)
    } else if let Some(n) = text.strip_suffix("元") {
        (n, 1, 100)
    } else {
        (text.as_str(), 100, 1)
    };
    let value = parse_decimal(number).ok_or_else(|| format!("「{original}」不是有效的金额（例：5000、5000万元、1.2亿、300万美元）"))?;
    // value is in millionths; hundredths of 万元 = value * scale_num / scale_den / 1e6, rounded half up.
    let scaled = value.checked_mul(scale_num as i128).ok_or_else(|| format!("「{original}」金额过大"))? / scale_den as i128;
    let hundredths = (scaled + 500_000) / 1_000_000;
    let hundredths = i64::try_from(hundredths).map_err(|_| format!("「{original}」金额过大"))?;
    if hundredths < 0 {
        return Err(format!("「{original}」金额不能为负数"));
    }
    Ok(Wan { hundredths, currency })
}

/// A decimal number as millionths, or None.
fn parse_decimal(text: &str) -> Option<i128> {
    let (int, frac) = text.split_once('.').unwrap_or((text, ""));
    if int.is_empty() && frac.is_empty() || int.len() > 15 || frac.len() > 6 {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let int: i128 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let frac_value: i128 = if frac.is_empty() { 0 } else { format!("{frac:0<6}").parse().ok()? };
    Some(int * 1_000_000 + frac_value)
}

/// 12,500.00 style: thousands separators, two decimals, trailing zeros dropped.
pub fn format_wan(hundredths: i64) -> String {
    let negative = hundredths < 0;
    let abs = hundredths.unsigned_abs();
    let int = abs / 100;
    let frac = abs % 100;
    let digits = int.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let frac = match frac {
        0 => String::new(),
        f if f % 10 == 0 => format!(".{}", f / 10),
        f => format!(".{f:02}"),
    };
    format!("{}{grouped}{frac}", if negative { "-" } else { "" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_table() {
        let cases: &[(&str, Result<(i64, Currency), &str>)] = &[
            ("5000", Ok((500_000, Currency::Cny))),
            ("5000万元人民币", Ok((500_000, Currency::Cny))),
            ("5000万元", Ok((500_000, Currency::Cny))),
            ("1.2亿", Ok((1_200_000, Currency::Cny))),
            ("1.2亿元", Ok((1_200_000, Currency::Cny))),
            ("300万美元", Ok((30_000, Currency::Usd))),
            ("1,234.5", Ok((123_450, Currency::Cny))),
            ("１２００万", Ok((120_000, Currency::Cny))),
            ("500000元", Ok((5_000, Currency::Cny))),
            ("0.005", Ok((1, Currency::Cny))), // 50 元 rounds half up to 100 元
            ("", Err("金额不能为空")),
            ("五千万", Err("「五千万」不是有效的金额（例：5000、5000万元、1.2亿、300万美元）")),
            ("1.2.3", Err("「1.2.3」不是有效的金额（例：5000、5000万元、1.2亿、300万美元）")),
        ];
        for (input, expected) in cases {
            let got = parse_wan(input).map(|w| (w.hundredths, w.currency));
            assert_eq!(got, expected.map_err(str::to_string), "{input}");
        }
    }

    #[test]
    fn format_table() {
        let cases = [(1_250_000, "12,500"), (123_450, "1,234.5"), (1, "0.01"), (0, "0"), (100_000_000, "1,000,000")];
        for (hundredths, expected) in cases {
            assert_eq!(format_wan(hundredths), expected);
        }
    }

    #[test]
    fn amounts_are_bounded() {
        assert_eq!(check_amount(0, "总投资"), Ok(0));
        assert_eq!(check_amount(MAX_HUNDREDTHS, "总投资"), Ok(MAX_HUNDREDTHS));
        assert_eq!(check_amount(-1, "总投资"), Err("「总投资」不能为负数".into()));
        assert_eq!(check_amount(MAX_HUNDREDTHS + 1, "总投资"), Err("「总投资」超过 10 万亿元，请检查单位（金额以万元计）".into()));
    }
}
