//! Password policy (等保 2.0 level 3): length, character classes, rotation, no reuse.
//! The numbers are settings; the rule that applies them lives here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordPolicy {
    /// Minimum length in characters.
    pub min_length: usize,
    /// How many of the four classes (lower case, upper case, digits, symbols) must appear.
    pub min_classes: usize,
    /// Days after which a password must be changed; 0 turns rotation off.
    pub rotation_days: i64,
    /// How many previous passwords may not be reused.
    pub history: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        PasswordPolicy { min_length: 10, min_classes: 3, rotation_days: 90, history: 5 }
    }
}

impl PasswordPolicy {
    /// Checks a new password; every failed requirement is listed, in Chinese.
    pub fn check(&self, password: &str, username: &str) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        let length = password.chars().count();
        if length < self.min_length {
            problems.push(format!("密码至少需要 {} 个字符（现在 {} 个）", self.min_length, length));
        }
        if length > 128 {
            problems.push("密码不能超过 128 个字符".to_string());
        }
        let classes = [
            password.chars().any(|c| c.is_ascii_lowercase()),
            password.chars().any(|c| c.is_ascii_uppercase()),
            password.chars().any(|c| c.is_ascii_digit()),
            password.chars().any(|c| !c.is_ascii_alphanumeric()),
        ]
        .into_iter()
        .filter(|present| *present)
        .count();
        if classes < self.min_classes {
            problems.push(format!(
                "密码需包含小写字母、大写字母、数字、符号中的至少 {} 类（现在 {} 类）",
                self.min_classes, classes
            ));
        }
        if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
            problems.push("密码不能包含用户名".to_string());
        }
        if problems.is_empty() { Ok(()) } else { Err(problems) }
    }

    /// Whether a password set `age_days` ago must now be changed.
    pub fn expired(&self, age_days: i64) -> bool {
        self.rotation_days > 0 && age_days >= self.rotation_days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_table() {
        let policy = PasswordPolicy::default();
        // (password, username, number of problems)
        let cases: &[(&str, &str, usize)] = &[
            ("Hanzhong#2026", "officer-610703", 0),
            ("hanzhong2026x", "bob", 1),      // lower case and digits: only two classes
            ("short1A", "bob", 1),            // too short
            ("alllowercaseletters", "bob", 1), // one class
            ("abc", "bob", 2),                // short and one class
            ("Xofficer-610703!", "officer-610703", 1), // contains the user name
            ("汉中招商引资2026Ab", "bob", 0),   // Chinese characters count as symbols
        ];
        for (password, username, expected) in cases {
            let problems = policy.check(password, username).err().unwrap_or_default();
            assert_eq!(problems.len(), *expected, "{password}: {problems:?}");
        }
    }

    #[test]
    fn problems_name_the_requirement() {
        let policy = PasswordPolicy::default();
        let problems = policy.check("abc", "bob").unwrap_err();
        assert_eq!(problems[0], "密码至少需要 10 个字符（现在 3 个）");
        assert_eq!(problems[1], "密码需包含小写字母、大写字母、数字、符号中的至少 3 类（现在 1 类）");
    }

    #[test]
    fn rotation_table() {
        let policy = PasswordPolicy::default();
        assert!(!policy.expired(89));
        assert!(policy.expired(90));
        let off = PasswordPolicy { rotation_days: 0, ..policy };
        assert!(!off.expired(10_000));
    }
}
