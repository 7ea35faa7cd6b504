//! Password hashing with argon2id (the crate's defaults follow OWASP's recommendation).

use argon2::password_hash::{SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use std::sync::LazyLock;

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_else(|e| unreachable!("argon2 with default parameters cannot fail: {e}"))
}

pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// Verifying against this when the user does not exist keeps the answer time the same,
/// so timing does not reveal which user names exist.
pub fn verify_dummy(password: &str) {
    static DUMMY: LazyLock<String> = LazyLock::new(|| hash("no user has this password"));
    let _ = verify(password, &DUMMY);
}

/// A random token: 32 bytes from the OS, hex-encoded.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("the OS random source failed: {e}"));
    hex::encode(bytes)
}

/// A readable random password that meets the default policy, for new and reset accounts.
pub fn random_password() -> String {
    let mut bytes = [0u8; 12];
    getrandom::fill(&mut bytes).unwrap_or_else(|e| panic!("the OS random source failed: {e}"));
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let body: String = bytes.iter().map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char).collect();
    format!("Zs-{body}7a")
}

pub fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_and_verify() {
        let stored = hash("Hanzhong#2026");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("Hanzhong#2026", &stored));
        assert!(!verify("hanzhong#2026", &stored));
        assert!(!verify("Hanzhong#2026", "not a hash"));
    }

    #[test]
    fn random_passwords_meet_the_default_policy() {
        let policy = domain::password::PasswordPolicy::default();
        for _ in 0..20 {
            let password = random_password();
            assert_eq!(policy.check(&password, "someone"), Ok(()), "{password}");
        }
        assert_ne!(random_token(), random_token());
    }
}
