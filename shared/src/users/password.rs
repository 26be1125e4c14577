//! Password hashing with Argon2id (OWASP parameters: 19 MiB, 2 passes, 1 lane).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Shortest password we accept.
pub const MIN_LEN: usize = 10;
/// Longest password we hash (Argon2 accepts more, but nobody types it and it costs CPU).
pub const MAX_LEN: usize = 128;

pub fn hash(password: &str) -> Result<String> {
    let length = password.chars().count();
    if !(MIN_LEN..=MAX_LEN).contains(&length) {
        return Err(Error::field(
            "password",
            format!("use {MIN_LEN} to {MAX_LEN} characters"),
        ));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| Error::internal_msg(format!("argon2 hash: {e}")))
}

/// Whether `password` matches the stored PHC string. A malformed stored hash never matches.
pub fn verify(stored: &str, password: &str) -> bool {
    if password.len() > MAX_LEN * 4 {
        return false;
    }
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("concierge-demo").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify(&stored, "concierge-demo"));
        assert!(!verify(&stored, "concierge-dem0"));
        assert!(!verify("not a hash", "concierge-demo"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(hash("short").is_err());
    }
}
