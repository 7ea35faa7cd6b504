//! Company names folded for search and duplicate checks: the same company typed with full-width
//! brackets, spaces or Latin case differences must match.

/// Full-width ASCII → half-width, （）→ (), ideographic space → space.
pub fn half_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '（' => '(',
        '）' => ')',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Full-width ASCII → half-width, （）→ (), whitespace removed, Latin lower case.
pub fn normalize_name(name: &str) -> String {
    name.chars().map(half_width).filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_table() {
        let cases = [
            ("秦岭航空零部件（汉中）有限公司", "秦岭航空零部件(汉中)有限公司"),
            ("秦岭航空零部件 (汉中) 有限公司", "秦岭航空零部件(汉中)有限公司"),
            ("ＡＢＣ科技", "abc科技"),
            ("  陕西 汉江 机床  ", "陕西汉江机床"),
        ];
        for (input, expected) in cases {
            assert_eq!(normalize_name(input), expected, "{input}");
        }
    }
}
