//! The deployment's secrets: the master secret and the keys derived from it (each for one
//! purpose, so a value made for one use can never be passed off as another), and the provider
//! credentials. Deployed, they are one JSON object in Secrets Manager, fetched on the first
//! invocation and kept for the life of the process (start-up makes no network call); locally
//! and in tests they are given. Nothing here prints a secret: every `Debug` is redacted.

use std::fmt;
use std::future::Future;

use aws_lc_rs::{constant_time, hmac};
use serde::Deserialize;
use tokio::sync::OnceCell;

use crate::error::{BoxError, Error, Result};

/// A secret value. It prints as `Secret(..)`; `expose` is the one way to read it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(..)")
    }
}

/// Every secret the service uses.
pub struct Secrets {
    pub keys: Keys,
    /// Gupshup's API key; without it codes go by SMS.
    pub gupshup_api_key: Option<Secret>,
    /// The VAPID P-256 private key, base64url; without it nothing is pushed.
    pub vapid_private_key: Option<Secret>,
    /// What the Gupshup subscription sends in `x-concierge-webhook-secret`; without it the
    /// webhook refuses everything (F30).
    pub gupshup_webhook_secret: Option<Secret>,
    /// What the site's distribution sends in `x-concierge-origin` (`ORIGIN_SECRET_ID`, a secret
    /// of its own, which CloudFront reads too): a request carrying it came through the
    /// distribution, so its `CloudFront-Viewer-Address` is the caller's. Without it the caller
    /// is always API Gateway's source address.
    pub origin_secret: Option<Secret>,
}

impl Secrets {
    /// The master secret alone (development and tests add the others as they need them).
    pub fn new(secret_key: &[u8]) -> Result<Self, BoxError> {
        Ok(Self {
            keys: Keys::derive(secret_key)?,
            gupshup_api_key: None,
            vapid_private_key: None,
            gupshup_webhook_secret: None,
            origin_secret: None,
        })
    }

    /// The JSON object kept in Secrets Manager: `secret_key` (at least 32 bytes) and, each
    /// optional (absent or empty meaning none), `gupshup_api_key`, `vapid_private_key` and
    /// `gupshup_webhook_secret`.
    pub fn from_json(text: &str) -> Result<Self, BoxError> {
        #[derive(Deserialize)]
        struct Stored {
            secret_key: String,
            #[serde(default)]
            gupshup_api_key: String,
            #[serde(default)]
            vapid_private_key: String,
            #[serde(default)]
            gupshup_webhook_secret: String,
        }
        // serde's error would quote the text it choked on: say only what is wrong.
        let stored: Stored = serde_json::from_str(text).map_err(|err| {
            format!(
                "the secrets are not a JSON object with a secret_key string (line {}, column {})",
                err.line(),
                err.column()
            )
        })?;
        let given = |value: String| (!value.trim().is_empty()).then(|| Secret::new(value.trim()));
        Ok(Self {
            keys: Keys::derive(stored.secret_key.as_bytes())?,
            gupshup_api_key: given(stored.gupshup_api_key),
            vapid_private_key: given(stored.vapid_private_key),
            gupshup_webhook_secret: given(stored.gupshup_webhook_secret),
            origin_secret: None,
        })
    }
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets(..)")
    }
}

/// Where the secrets come from, and, once there, the secrets themselves.
pub struct SecretStore {
    /// The Secrets Manager secret (`SECRETS_ID`) to fetch them from; `None` when given.
    secret_id: Option<String>,
    /// The secret holding the origin secret alone (`ORIGIN_SECRET_ID`), fetched beside it.
    origin_secret_id: Option<String>,
    resolved: OnceCell<Secrets>,
}

impl SecretStore {
    /// Secrets already at hand: nothing to fetch.
    pub fn given(secrets: Secrets) -> Self {
        Self {
            secret_id: None,
            origin_secret_id: None,
            resolved: OnceCell::new_with(Some(secrets)),
        }
    }

    /// Secrets to fetch from Secrets Manager on first need.
    pub fn in_secrets_manager(secret_id: impl Into<String>) -> Self {
        Self {
            secret_id: Some(secret_id.into()),
            origin_secret_id: None,
            resolved: OnceCell::new(),
        }
    }

    /// Fetches the origin secret too, from the secret `secret_id` (its whole value).
    pub fn with_origin_secret(mut self, secret_id: impl Into<String>) -> Self {
        self.origin_secret_id = Some(secret_id.into());
        self
    }

    pub fn secret_id(&self) -> Option<&str> {
        self.secret_id.as_deref()
    }

    /// The secrets, once resolved (every entry point resolves them before its handler runs).
    pub fn get(&self) -> Result<&Secrets> {
        self.resolved
            .get()
            .ok_or_else(|| Error::internal_msg("the secrets were used before they were fetched"))
    }

    /// Resolves the secrets with `fetch` (which returns a secret's stored text, given its id)
    /// the first time, the two secrets at once, and only once however many callers wait at
    /// once; a failed fetch is tried again next time. Given secrets are resolved already.
    pub async fn resolve<F, Fut>(&self, fetch: F) -> Result<&Secrets>
    where
        F: Fn(String) -> Fut,
        Fut: Future<Output = Result<String>>,
    {
        self.resolved
            .get_or_try_init(|| async {
                let id = self.secret_id.clone().ok_or_else(|| {
                    Error::internal_msg("no secrets were given and none is named to fetch")
                })?;
                let origin = async {
                    match &self.origin_secret_id {
                        Some(id) => fetch(id.clone()).await.map(Some),
                        None => Ok(None),
                    }
                };
                let (text, origin) = tokio::try_join!(fetch(id), origin)?;
                let mut secrets = Secrets::from_json(&text).map_err(Error::Internal)?;
                secrets.origin_secret = origin
                    .filter(|value| !value.trim().is_empty())
                    .map(|value| Secret::new(value.trim()));
                Ok(secrets)
            })
            .await
    }
}

impl fmt::Debug for SecretStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretStore")
            .field("secret_id", &self.secret_id)
            .field("origin_secret_id", &self.origin_secret_id)
            .field("resolved", &self.resolved.initialized())
            .finish()
    }
}

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

    #[test]
    fn stored_secrets_parse_and_never_print() {
        let secrets = Secrets::from_json(
            r#"{"secret_key": "0123456789abcdef0123456789abcdef", "gupshup_api_key": "gk-1",
                "vapid_private_key": " ", "gupshup_webhook_secret": "hook"}"#,
        )
        .unwrap();
        assert_eq!(secrets.gupshup_api_key.as_ref().unwrap().expose(), "gk-1");
        assert!(secrets.vapid_private_key.is_none(), "blank means none");
        let printed = format!("{secrets:?} {:?}", secrets.gupshup_webhook_secret);
        assert!(
            !printed.contains("hook") && !printed.contains("gk-1"),
            "{printed}"
        );
        for bad in [
            "",
            "[]",
            r#"{"secret_key": "short"}"#,
            r#"{"gupshup_api_key": "gk-1"}"#,
        ] {
            let err = Secrets::from_json(bad).unwrap_err().to_string();
            assert!(!err.contains("gk-1"), "{err}");
        }
    }
}
