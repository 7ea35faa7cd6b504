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

/// The unit a bare number is in: a magnitude (元, 千元, 万元, 亿元…) and a currency. A column
/// headed 总投资（亿元） gives its plain numbers in 亿元.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AmountUnit {
    /// Hundredths of 万元 per unit, as a fraction: 元 is 1/100, 万元 100/1, 亿元 1,000,000/1.
    scale: (i64, i64),
    pub currency: Currency,
}

/// Magnitudes as written after a number or in a header, longest first, in hundredths of 万元.
const MAGNITUDES: &[(&str, (i64, i64))] = &[
    ("千万元", (100_000, 1)),
    ("千万", (100_000, 1)),
    ("百万元", (10_000, 1)),
    ("百万", (10_000, 1)),
    ("亿元", (1_000_000, 1)),
    ("亿", (1_000_000, 1)),
    ("万元", (100, 1)),
    ("万", (100, 1)),
    ("千元", (10, 1)),
    ("元", (1, 100)),
];

const CURRENCIES: &[(&str, Currency)] =
    &[("人民币", Currency::Cny), ("美元", Currency::Usd), ("港币", Currency::Hkd), ("港元", Currency::Hkd), ("欧元", Currency::Eur), ("日元", Currency::Jpy)];

impl AmountUnit {
    /// 万元 人民币, the unit of every ledger and of a number written alone.
    pub const WAN: AmountUnit = AmountUnit { scale: (100, 1), currency: Currency::Cny };

    /// A unit as a header writes it: 亿元, 万元, 元, 千元, 万美元, 美元, 万元人民币, 人民币万元,
    /// 单位：万元. `None` for anything else (必填, 含税, or a bare 人民币 that names no magnitude).
    pub fn parse(text: &str) -> Option<AmountUnit> {
        let plain = plain_text(text);
        let plain = plain.strip_prefix("单位").unwrap_or(&plain).trim_start_matches(':');
        let (rest, currency) = split_currency(plain);
        let scale = match MAGNITUDES.iter().find(|(word, _)| *word == rest) {
            Some((_, scale)) => *scale,
            // 美元, 港元: the currency's own unit.
            None if rest.is_empty() && currency.is_some_and(|c| c.label().ends_with('元')) => (1, 100),
            None => return None,
        };
        Some(AmountUnit { scale, currency: currency.unwrap_or(Currency::Cny) })
    }
}

/// Full-width digits and punctuation made plain, spaces and thousands separators dropped.
fn plain_text(input: &str) -> String {
    input
        .trim()
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .filter(|c| !c.is_whitespace() && *c != ',')
        .collect()
}

/// The text without a currency written before or after it, and that currency.
fn split_currency(text: &str) -> (&str, Option<Currency>) {
    for (word, currency) in CURRENCIES {
        if let Some(rest) = text.strip_suffix(word).or_else(|| text.strip_prefix(word)) {
            return (rest, Some(*currency));
        }
    }
    (text, None)
}

/// Parses an amount; a bare number is taken to be in 万元 (the unit of every ledger).
pub fn parse_wan(input: &str) -> Result<Wan, String> {
    parse_wan_in(input, AmountUnit::WAN)
}

/// Parses an amount whose column gives `unit` (总投资（亿元）): a bare number is in that unit;
/// what the cell writes itself (1.2亿, 300万美元) wins, its magnitude and its currency each.
pub fn parse_wan_in(input: &str, unit: AmountUnit) -> Result<Wan, String> {
    let original = input.trim();
    let text = plain_text(original);
    if text.is_empty() {
        return Err("金额不能为空".into());
    }
    let (text, currency) = split_currency(&text);
    let written = MAGNITUDES.iter().find_map(|(word, scale)| text.strip_suffix(word).map(|number| (number, *scale)));
    let (number, (scale_num, scale_den)) = written.unwrap_or((text, unit.scale));
    let currency = currency.unwrap_or(unit.currency);
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
    fn units_from_headers_table() {
        let wan = |h| Some(AmountUnit { scale: (100, 1), currency: h });
        let cases: &[(&str, Option<AmountUnit>)] = &[
            ("万元", wan(Currency::Cny)),
            ("亿元", Some(AmountUnit { scale: (1_000_000, 1), currency: Currency::Cny })),
            ("元", Some(AmountUnit { scale: (1, 100), currency: Currency::Cny })),
            ("千元", Some(AmountUnit { scale: (10, 1), currency: Currency::Cny })),
            ("百万元", Some(AmountUnit { scale: (10_000, 1), currency: Currency::Cny })),
            ("万美元", wan(Currency::Usd)),
            ("美元", Some(AmountUnit { scale: (1, 100), currency: Currency::Usd })),
            ("万元人民币", wan(Currency::Cny)),
            ("人民币万元", wan(Currency::Cny)),
            ("单位：万元", wan(Currency::Cny)),
            ("单位:万港元", wan(Currency::Hkd)),
            (" 万 元 ", wan(Currency::Cny)),
            ("人民币", None),
            ("必填", None),
            ("含税", None),
            ("", None),
        ];
        for (header, expected) in cases {
            assert_eq!(AmountUnit::parse(header), *expected, "{header}");
        }
    }

    #[test]
    fn parse_in_a_columns_unit_table() {
        let unit = |h| AmountUnit::parse(h).unwrap();
        let cases: &[(&str, &str, Result<(i64, Currency), &str>)] = &[
            // 总投资（亿元） 5: 5 亿元 is 50,000 万元.
            ("亿元", "5", Ok((5_000_000, Currency::Cny))),
            ("万元", "300", Ok((30_000, Currency::Cny))),
            // 12,345,678 元 is 1,234.5678 万元, kept to the hundredth (100 元), half up.
            ("元", "12345678", Ok((123_457, Currency::Cny))),
            ("元", "12,345,678", Ok((123_457, Currency::Cny))),
            ("千元", "2500", Ok((25_000, Currency::Cny))),
            ("万美元", "300", Ok((30_000, Currency::Usd))),
            ("美元", "3000000", Ok((30_000, Currency::Usd))),
            // What the cell writes wins over the header.
            ("亿元", "1.2亿", Ok((1_200_000, Currency::Cny))),
            ("亿元", "5000万元", Ok((500_000, Currency::Cny))),
            ("元", "300万美元", Ok((30_000, Currency::Usd))),
            ("万美元", "5亿", Ok((5_000_000, Currency::Usd))),
            ("万元", "5000万元人民币", Ok((500_000, Currency::Cny))),
            ("亿元", "abc", Err("「abc」不是有效的金额（例：5000、5000万元、1.2亿、300万美元）")),
        ];
        for (header, cell, expected) in cases {
            let got = parse_wan_in(cell, unit(header)).map(|w| (w.hundredths, w.currency));
            assert_eq!(got, expected.map_err(str::to_string), "{header} {cell}");
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
