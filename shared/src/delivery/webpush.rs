//! Web push (RFC 8030) to browsers: the payload encrypted for the subscription (aes128gcm,
//! RFC 8291) and signed for the push service with our VAPID key (RFC 8292).

use async_trait::async_trait;
use data_encoding::BASE64URL_NOPAD;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

use super::DeliveryError;
use crate::config::PushSettings;

/// What became of one push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// The push service took it.
    Accepted,
    /// The subscription no longer exists (404 or 410): forget it.
    Gone,
}

/// Where a browser asked us to push, and the keys to encrypt for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint<'a> {
    pub url: &'a str,
    /// The browser's P-256 public key, base64url.
    pub p256dh: &'a str,
    /// The browser's 16-byte authentication secret, base64url.
    pub auth: &'a str,
}

#[async_trait]
pub trait Push: Send + Sync {
    /// The VAPID public key browsers subscribe with (uncompressed P-256 point, base64url).
    fn public_key(&self) -> &str;

    async fn push(&self, to: &Endpoint<'_>, payload: &[u8]) -> Result<Pushed, DeliveryError>;
}

pub struct WebPush {
    key_pair: ES256KeyPair,
    public_key: String,
    subject: String,
    http: reqwest::Client,
}

fn failure(reason: impl ToString) -> DeliveryError {
    DeliveryError {
        provider: "webpush",
        reason: reason.to_string(),
    }
}

/// A browser's subscription keys, decoded and checked.
pub fn browser_keys(p256dh: &str, auth: &str) -> Option<(PublicKey, Auth)> {
    let public = BASE64URL_NOPAD
        .decode(p256dh.trim_end_matches('=').as_bytes())
        .ok()?;
    let public = PublicKey::from_sec1_bytes(&public).ok()?;
    let auth = BASE64URL_NOPAD
        .decode(auth.trim_end_matches('=').as_bytes())
        .ok()?;
    (auth.len() == 16).then(|| (public, Auth::clone_from_slice(&auth)))
}

impl WebPush {
    pub fn new(settings: &PushSettings) -> Result<Self, DeliveryError> {
        let private = BASE64URL_NOPAD
            .decode(settings.vapid_private_key.trim().as_bytes())
            .map_err(|_| failure("VAPID_PRIVATE_KEY is not base64url"))?;
        let key_pair = ES256KeyPair::from_bytes(&private)
            .map_err(|_| failure("VAPID_PRIVATE_KEY is not a P-256 private key"))?;
        let public_key =
            BASE64URL_NOPAD.encode(&key_pair.public_key().public_key().to_bytes_uncompressed());
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(2)))
            .build()
            .map_err(failure)?;
        Ok(Self {
            key_pair,
            public_key,
            subject: settings.subject.clone(),
            http,
        })
    }
}

#[async_trait]
impl Push for WebPush {
    fn public_key(&self) -> &str {
        &self.public_key
    }

    async fn push(&self, to: &Endpoint<'_>, payload: &[u8]) -> Result<Pushed, DeliveryError> {
        let (public, auth) =
            browser_keys(to.p256dh, to.auth).ok_or_else(|| failure("unusable browser keys"))?;
        let uri = to.url.parse().map_err(failure)?;
        let request = WebPushBuilder::new(uri, public, auth)
            .with_valid_duration(std::time::Duration::from_secs(12 * 3600))
            .with_vapid(&self.key_pair, &self.subject)
            .build(payload.to_vec())
            .map_err(|e| failure(format!("{e:?}")))?;
        let (parts, body) = request.into_parts();
        let response = self
            .http
            .post(to.url)
            .headers(parts.headers)
            .body(body)
            .send()
            .await
            .map_err(failure)?;
        match response.status().as_u16() {
            200..=299 => Ok(Pushed::Accepted),
            404 | 410 => Ok(Pushed::Gone),
            status => Err(failure(format!("push service answered {status}"))),
        }
    }
}
