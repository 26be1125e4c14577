//! Keys derived from the deployment's one secret (`SECRET_KEY`), each for one purpose, so a
//! value made for one use can never be passed off as another.

use std::fmt;

use aws_lc_rs::{constant_time, hmac};

use crate::error::BoxError;

/// Shortest master secret we accept.
pub const MIN_SECRET_BYTES: usize = 32;

pub struct Keys {
    /// Signs session tokens (HS256).
    pub jwt: Vec<u8>,
    csrf: hmac::Key,
    otp: hmac::Key,
}

impl Keys {
    pub fn derive(master: &[u8]) -> Result<Self, BoxError> {
        if master.len() < MIN_SECRET_BYTES {
            return Err(format!("SECRET_KEY must be at least {MIN_SECRET_BYTES} bytes").into());
        }
        let master = hmac::Key::new(hmac::HMAC_SHA256, master);
        let derive = |purpose: &str| hmac::sign(&master, purpose.as_bytes()).as_ref().to_vec();
        Ok(Self {
            jwt: derive("concierge/jwt/v1"),
            csrf: hmac::Key::new(hmac::HMAC_SHA256, &derive("concierge/csrf/v1")),
            otp: hmac::Key::new(hmac::HMAC_SHA256, &derive("concierge/otp/v1")),
        })
    }

    /// MAC of a CSRF token's contents.
    pub fn csrf_mac(&self, data: &[u8]) -> Vec<u8> {
        hmac::sign(&self.csrf, data).as_ref().to_vec()
    }

    /// Whether `tag` is the CSRF MAC of `data`, compared in constant time.
    pub fn csrf_verify(&self, data: &[u8], tag: &[u8]) -> bool {
        hmac::verify(&self.csrf, data, tag).is_ok()
    }

    /// The keyed hash a one-time code is stored as (never the code itself).
    pub fn otp_hash(&self, data: &[u8]) -> Vec<u8> {
        hmac::sign(&self.otp, data).as_ref().to_vec()
    }
}

/// Equality in time independent of where the inputs differ (of inputs of one length: a
/// length that differs returns at once, so compare secrets with `secret_eq`).
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    constant_time::verify_slices_are_equal(a, b).is_ok()
}

/// Whether a presented value is the secret, in time that depends on neither's contents nor
/// length: their SHA-256 digests are compared, which are always 32 bytes.
pub fn secret_eq(secret: &[u8], presented: &[u8]) -> bool {
    let digest = |value: &[u8]| aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, value);
    constant_time_eq(digest(secret).as_ref(), digest(presented).as_ref())
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Keys(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purposes_get_different_keys_and_short_secrets_are_refused() {
        let keys = Keys::derive(&[7u8; 32]).unwrap();
        assert_ne!(keys.csrf_mac(b"x"), keys.otp_hash(b"x"));
        assert!(keys.csrf_verify(b"x", &keys.csrf_mac(b"x")));
        assert!(!keys.csrf_verify(b"y", &keys.csrf_mac(b"x")));
        assert!(Keys::derive(&[7u8; 31]).is_err());
        assert_eq!(format!("{keys:?}"), "Keys(..)");
        assert!(secret_eq(b"s3cret", b"s3cret"));
        assert!(!secret_eq(b"s3cret", b"s3cre"));
        assert!(!secret_eq(b"s3cret", b"s3cret-and-more"));
    }
}
