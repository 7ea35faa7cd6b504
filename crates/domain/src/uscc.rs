//! 统一社会信用代码 (GB 32100-2015) as a type that is valid by construction, so an enterprise
//! record never carries a code that fails its own check characters.

use std::fmt;
use std::str::FromStr;

/// The 31 characters a code may use, in value order; I, O, S, V, Z are left out so that they
/// cannot be mistaken for 1, 0, 5, U, 2.
const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// GB 11714 weights for the 8 body characters of the embedded organisation code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// A 统一社会信用代码 that has passed every check in GB 32100: 18 characters from the allowed
/// set, a numeric region part, a correct organisation-code check and a correct final check.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("统一社会信用代码为空，请填写 18 位代码")]
    Empty,
    #[error("统一社会信用代码应为 18 位，现在是 {found} 位")]
    WrongLength { found: usize },
    /// Only from [`Uscc::complete`], which takes the code without its last character.
    #[error("补全校验位需要统一社会信用代码的前 17 位，现在是 {found} 位")]
    WrongBodyLength { found: usize },
    #[error("第 {position} 位「{}」不是统一社会信用代码允许的字符（{}）", shown(found), charset_hint(found))]
    ForbiddenChar { position: usize, found: char },
    #[error("第 3–8 位是登记管理机关行政区划码，应为 6 位数字，现在是「{found}」")]
    RegionNotDigits { found: String },
    #[error("组织机构代码校验位错误：第 17 位应为「{expected}」，实为「{found}」")]
    OrgCheck { expected: char, found: char },
    #[error("校验位错误：第 18 位应为「{expected}」，实为「{found}」")]
    Check { expected: char, found: char },
}

impl UsccError {
    /// The character a check position should have held, so a form can offer the correction.
    pub fn expected_check(&self) -> Option<char> {
        match self {
            UsccError::OrgCheck { expected, .. } | UsccError::Check { expected, .. } => Some(*expected),
            _ => None,
        }
    }

    /// The 1-based position the error points at, for highlighting it in the input.
    pub fn position(&self) -> Option<usize> {
        match self {
            UsccError::ForbiddenChar { position, .. } => Some(*position),
            UsccError::OrgCheck { .. } => Some(17),
            UsccError::Check { .. } => Some(18),
            _ => None,
        }
    }
}

/// Control characters would vanish inside 「」, so they are shown by code point.
fn shown(c: &char) -> String {
    if c.is_control() { format!("U+{:04X}", u32::from(*c)) } else { c.to_string() }
}

fn charset_hint(c: &char) -> &'static str {
    if matches!(c, 'I' | 'O' | 'S' | 'V' | 'Z') {
        "不使用 I、O、S、V、Z"
    } else {
        "只能是数字和大写字母，且不使用 I、O、S、V、Z"
    }
}

/// Dashes that word processors and PDFs put where a hyphen was typed.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}')
}

/// Invisible characters that come along when a code is copied from a web page.
fn is_invisible(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

fn charset_value(c: char) -> Option<u32> {
    CHARSET.iter().position(|&b| char::from(b) == c).map(|i| i as u32)
}

/// GB 11714: letters count as A=10 … Z=35 here, not as their position in CHARSET.
fn org_check_of(body8: &[char]) -> Option<char> {
    if body8.len() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body8.iter().zip(ORG_WEIGHTS) {
        if !(c.is_ascii_digit() || c.is_ascii_uppercase()) {
            return None;
        }
        sum += c.to_digit(36)? * w;
    }
    match 11 - sum % 11 {
        10 => Some('X'),
        11 => Some('0'),
        c => char::from_digit(c, 10),
    }
}

/// GB 32100: weight of position i (1-based) is 3^(i−1) mod 31; the caller has checked that
/// all 17 characters are in CHARSET.
fn final_check_of(body17: &[char]) -> char {
    let mut weight = 1;
    let mut sum = 0;
    for &c in body17 {
        sum += charset_value(c).unwrap_or(0) * weight;
        weight = weight * 3 % 31;
    }
    let index = (31 - sum % 31) % 31;
    char::from(CHARSET[index as usize])
}

/// Checks everything except the final check character, on the first 17 or all 18 characters.
fn check_body(chars: &[char]) -> Result<(), UsccError> {
    if let Some((i, &c)) = chars.iter().enumerate().find(|(_, c)| charset_value(**c).is_none()) {
        return Err(UsccError::ForbiddenChar { position: i + 1, found: c });
    }
    let region = &chars[2..8];
    if !region.iter().all(char::is_ascii_digit) {
        return Err(UsccError::RegionNotDigits { found: region.iter().collect() });
    }
    // Never None here: every character has just passed the CHARSET check.
    match org_check_of(&chars[8..16]) {
        Some(expected) if expected != chars[16] => Err(UsccError::OrgCheck { expected, found: chars[16] }),
        _ => Ok(()),
    }
}

/// The GB 11714 check character for the first 8 characters of an organisation code (digits and
/// upper-case letters); `None` if `body8` is not 8 such characters. A USCC additionally forbids
/// I, O, S, V, Z, which this function does not look at.
pub fn org_code_check(body8: &str) -> Option<char> {
    org_check_of(&body8.chars().collect::<Vec<_>>())
}

impl Uscc {
    /// What people actually paste: full-width digits from Chinese input methods, spaces or
    /// hyphens used to group the code, lower case. None of these change which code is meant.
    /// Only ASCII is upper-cased, so a non-ASCII letter stays itself and is reported as such.
    pub fn normalize(input: &str) -> String {
        input
            .chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
                _ => c,
            })
            .filter(|&c| !is_invisible(c) && !is_hyphen(c))
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }

    pub fn parse(input: &str) -> Result<Uscc, UsccError> {
        let code = Self::normalize(input);
        let chars: Vec<char> = code.chars().collect();
        if chars.is_empty() {
            return Err(UsccError::Empty);
        }
        if chars.len() != 18 {
            return Err(UsccError::WrongLength { found: chars.len() });
        }
        check_body(&chars)?;
        let expected = final_check_of(&chars[..17]);
        if expected != chars[17] {
            return Err(UsccError::Check { expected, found: chars[17] });
        }
        Ok(Uscc(code))
    }

    /// Appends the final check character to the first 17 characters, whose organisation code
    /// must already be valid (see [`org_code_check`]). For generating synthetic data.
    pub fn complete(first17: &str) -> Result<Uscc, UsccError> {
        let mut code = Self::normalize(first17);
        let chars: Vec<char> = code.chars().collect();
        if chars.is_empty() {
            return Err(UsccError::Empty);
        }
        if chars.len() != 17 {
            return Err(UsccError::WrongBodyLength { found: chars.len() });
        }
        check_body(&chars)?;
        code.push(final_check_of(&chars));
        Ok(Uscc(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Positions 3–8: the GB/T 2260 code of the registering authority (not checked against
    /// the table here; a code registered under a since-retired division is still valid).
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the GB 11714 organisation code, check character included.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = UsccError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const XIAOMI: &str = "91110108551385082Q";

    #[test]
    fn valid_codes_table() {
        // (who, code, region part, organisation code)
        let cases: &[(&str, &str, &str, &str)] = &[
            ("小米科技有限责任公司（公开信息）", XIAOMI, "110108", "551385082"),
            ("华为技术有限公司（公开信息）", "914403001922038216", "440300", "192203821"),
            ("深圳市腾讯计算机系统有限公司（公开信息）", "91440300708461136T", "440300", "708461136"),
            ("南郑区企业，组织机构代码校验位为 X", "9161070371000003XX", "610703", "71000003X"),
            ("南郑区企业，组织机构代码校验位 X、末位校验位 0", "9161070371000118X0", "610703", "71000118X"),
            ("南郑区企业，末位校验位 0", "916107037100002160", "610703", "710000216"),
            ("南郑区企业，新式 MA 组织机构代码", "91610703MA6Y8LHQ0W", "610703", "MA6Y8LHQ0"),
            ("南郑区企业，末位校验位 Y", "91610703MA6Y00076Y", "610703", "MA6Y00076"),
            ("汉中市机关", "1161070001624953X2", "610700", "01624953X"),
            ("城固县事业单位", "126107224352106724", "610722", "435210672"),
            ("南郑区社会团体", "51610703MJY123458D", "610703", "MJY123458"),
            ("南郑区民办非企业单位", "52610703MJY2031830", "610703", "MJY203183"),
            ("南郑区个体工商户", "92610703MA6YH7T211", "610703", "MA6YH7T21"),
            ("城固县农民专业合作社", "93610722MA6YJ0B10A", "610722", "MA6YJ0B10"),
        ];
        for (who, code, region, org) in cases {
            let parsed = Uscc::parse(code).unwrap_or_else(|e| panic!("{who} {code}: {e}"));
            assert_eq!(parsed.as_str(), *code, "{who}");
            assert_eq!(parsed.to_string(), *code, "{who}");
            assert_eq!(parsed.region_code(), *region, "{who}");
            assert_eq!(parsed.org_code(), *org, "{who}");
            assert_eq!(Uscc::complete(&code[..17]), Ok(parsed.clone()), "{who}: complete agrees with parse");
            assert_eq!(org_code_check(&code[8..16]), code.chars().nth(16), "{who}: org_code_check");
            assert_eq!(code.parse::<Uscc>(), Ok(parsed), "{who}: FromStr");
        }
    }

    #[test]
    fn rejections_table() {
        use UsccError::*;
        // (what went wrong, input, error)
        let cases: Vec<(&str, &str, UsccError)> = vec![
            ("没填", "", Empty),
            ("只有空格", " \u{3000} ", Empty),
            ("漏了最后一位", "91110108551385082", WrongLength { found: 17 }),
            ("多打了一位", "91110108551385082QQ", WrongLength { found: 19 }),
            ("误填 15 位旧营业执照注册号", "110108012660422", WrongLength { found: 15 }),
            ("1 写成 I", "9I110108551385082Q", ForbiddenChar { position: 2, found: 'I' }),
            ("0 写成 O", "911101O8551385082Q", ForbiddenChar { position: 7, found: 'O' }),
            ("0 写成小写 o（转大写后仍是 O）", "91110108551385o82Q", ForbiddenChar { position: 15, found: 'O' }),
            ("5 写成 S", "91110108S51385082Q", ForbiddenChar { position: 9, found: 'S' }),
            ("字母 V 不使用", "92610703MA6YH7TV11", ForbiddenChar { position: 16, found: 'V' }),
            ("2 写成 Z", "9111010855138508ZQ", ForbiddenChar { position: 17, found: 'Z' }),
            ("混进汉字", "91110108551385082号", ForbiddenChar { position: 18, found: '号' }),
            ("混进星号", "911101085*1385082Q", ForbiddenChar { position: 10, found: '*' }),
            ("行政区划码里有字母", "9111A108551385082Q", RegionNotDigits { found: "11A108".into() }),
            ("组织机构代码校验位抄错", "91110108551385083Q", OrgCheck { expected: '2', found: '3' }),
            ("组织机构代码两位颠倒", "91110108515385082Q", OrgCheck { expected: '5', found: '2' }),
            ("组织机构代码校验位 X 抄成 0", "91610703710000030X", OrgCheck { expected: 'X', found: '0' }),
            ("行政区划码两位颠倒", "91110180551385082Q", Check { expected: '1', found: 'Q' }),
            ("机构类别 1 错成 2", "92110108551385082Q", Check { expected: 'M', found: 'Q' }),
            ("末位校验位抄错", "91110108551385082R", Check { expected: 'Q', found: 'R' }),
        ];
        for (what, input, expected) in &cases {
            assert_eq!(Uscc::parse(input).as_ref(), Err(expected), "{what}: {input}");
        }
    }

    #[test]
    fn every_wrong_check_character_is_rejected() {
        let body = &XIAOMI[..17];
        let wrong: Vec<char> = CHARSET.iter().map(|&b| char::from(b)).filter(|&c| c != 'Q').collect();
        assert_eq!(wrong.len(), 30);
        for c in wrong {
            let err = Uscc::parse(&format!("{body}{c}")).unwrap_err();
            assert_eq!(err, UsccError::Check { expected: 'Q', found: c });
            assert_eq!(err.expected_check(), Some('Q'));
            assert_eq!(err.position(), Some(18));
        }
    }

    #[test]
    fn messages_table() {
        let cases: &[(&str, &str)] = &[
            ("", "统一社会信用代码为空，请填写 18 位代码"),
            ("91110108551385082", "统一社会信用代码应为 18 位，现在是 17 位"),
            ("9111I108551385082Q", "第 5 位「I」不是统一社会信用代码允许的字符（不使用 I、O、S、V、Z）"),
            (
                "911101085*1385082Q",
                "第 10 位「*」不是统一社会信用代码允许的字符（只能是数字和大写字母，且不使用 I、O、S、V、Z）",
            ),
            (
                "911101085\u{7}1385082Q",
                "第 10 位「U+0007」不是统一社会信用代码允许的字符（只能是数字和大写字母，且不使用 I、O、S、V、Z）",
            ),
            ("9111A108551385082Q", "第 3–8 位是登记管理机关行政区划码，应为 6 位数字，现在是「11A108」"),
            ("91110108551385084Q", "组织机构代码校验位错误：第 17 位应为「2」，实为「4」"),
            ("91110108551385082Y", "校验位错误：第 18 位应为「Q」，实为「Y」"),
        ];
        for (input, message) in cases {
            assert_eq!(Uscc::parse(input).unwrap_err().to_string(), *message, "{input}");
        }
        assert_eq!(
            Uscc::complete("9111010855138508").unwrap_err().to_string(),
            "补全校验位需要统一社会信用代码的前 17 位，现在是 16 位"
        );
    }

    #[test]
    fn expected_check_table() {
        // (input, expected character, position)
        let cases: &[(&str, Option<char>, Option<usize>)] = &[
            ("91110108551385084Q", Some('2'), Some(17)),
            ("91110108551385082Y", Some('Q'), Some(18)),
            ("9111I108551385082Q", None, Some(5)),
            ("9111A108551385082Q", None, None),
            ("9111", None, None),
        ];
        for (input, expected, position) in cases {
            let err = Uscc::parse(input).unwrap_err();
            assert_eq!(err.expected_check(), *expected, "{input}");
            assert_eq!(err.position(), *position, "{input}");
        }
    }

    #[test]
    fn normalisation_table() {
        let cases: &[(&str, &str)] = &[
            ("全角（中文输入法）", "９１１１０１０８５５１３８５０８２Ｑ"),
            ("全角小写", "９１１１０１０８５５１３８５０８２ｑ"),
            ("半角全角混排", "9111０１０８551385082Ｑ"),
            ("小写", "91110108551385082q"),
            ("分组空格", "9111 0108 5513 8508 2Q"),
            ("连字符", "91-110108-551385082-Q"),
            ("全角连字符", "91－110108－551385082－Q"),
            ("Word 自动替换的短横", "91\u{2013}110108\u{2010}551385082Q"),
            ("首尾全角空格", "\u{3000}91110108551385082Q\u{3000}"),
            ("首尾空白和换行", " \t91110108551385082Q\r\n"),
            ("网页复制带零宽空格", "\u{FEFF}91110108551385082Q\u{200B}"),
        ];
        for (what, input) in cases {
            assert_eq!(Uscc::parse(input).map(|u| u.0), Ok(XIAOMI.to_string()), "{what}: {input}");
        }
        assert_eq!(Uscc::normalize("ａｂ－ｃ　d\u{3000}e"), "ABCDE");
        // Only ASCII is upper-cased: 'ß' must not turn into "SS" and change the length.
        assert_eq!(Uscc::normalize("ß"), "ß");
    }

    #[test]
    fn org_code_check_table() {
        // (first 8 characters, check character)
        let cases: &[(&str, Option<char>)] = &[
            ("55138508", Some('2')),
            ("71000003", Some('X')),
            ("71000021", Some('6')),
            ("MA6Y8LHQ", Some('0')),
            ("5513850", None),
            ("551385081", None),
            ("ma6y8lhq", None),
            ("5513850-", None),
        ];
        for (body8, expected) in cases {
            assert_eq!(org_code_check(body8), *expected, "{body8}");
        }
    }

    fn charset_char() -> impl Strategy<Value = char> {
        (0..CHARSET.len()).prop_map(|i| char::from(CHARSET[i]))
    }

    /// A valid 17-character body: any type and authority characters, a 6-digit region, an 8-character
    /// organisation-code body and its check character.
    fn valid_body() -> impl Strategy<Value = String> {
        (proptest::collection::vec(charset_char(), 2), "[0-9]{6}", proptest::collection::vec(charset_char(), 8))
            .prop_map(|(head, region, org)| {
                let org: String = org.into_iter().collect();
                let check = org_code_check(&org).expect("charset characters are valid GB 11714 characters");
                format!("{}{region}{org}{check}", head.into_iter().collect::<String>())
            })
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_any_string(s in any::<String>()) {
            let _ = Uscc::parse(&s).map_err(|e| e.to_string());
            let _ = Uscc::complete(&s);
        }

        #[test]
        fn parse_never_panics_on_near_codes(
            s in "[0-9A-HJ-NP-RT-UW-Ya-zIOSVZ０-９Ａ-Ｚｑ \u{3000}\\-号*]{0,40}"
        ) {
            match Uscc::parse(&s) {
                Ok(code) => {
                    prop_assert_eq!(code.as_str().len(), 18);
                    prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
                    prop_assert_eq!(Uscc::complete(&code.as_str()[..17]), Ok(code));
                }
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }

        #[test]
        fn completed_codes_round_trip(body in valid_body()) {
            let code = Uscc::complete(&body).unwrap();
            prop_assert_eq!(&code.as_str()[..17], body.as_str());
            prop_assert_eq!(Uscc::parse(code.as_str()), Ok(code.clone()));
            prop_assert_eq!(Uscc::parse(&code.as_str().to_lowercase()), Ok(code));
        }

        /// The weights 3^(i−1) mod 31 are all non-zero mod the prime 31, so changing any one
        /// character to another allowed character must always be caught.
        #[test]
        fn any_single_substitution_is_caught(
            body in valid_body(),
            position in 0..18usize,
            replacement in charset_char(),
        ) {
            let code = Uscc::complete(&body).unwrap();
            let mut chars: Vec<char> = code.as_str().chars().collect();
            prop_assume!(chars[position] != replacement);
            chars[position] = replacement;
            let altered: String = chars.into_iter().collect();
            prop_assert!(Uscc::parse(&altered).is_err(), "{} accepted", altered);
        }
    }
}
