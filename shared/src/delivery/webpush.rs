//! Web push (RFC 8030) to browsers: the payload encrypted for the subscription (aes128gcm,
//! RFC 8291) and signed for the push service with our VAPID key (RFC 8292). The endpoint is
//! chosen by whoever subscribed, so the client follows no redirect, uses no proxy, and reaches
//! only addresses `destinations::Guard` allows.

use std::sync::Arc;

use async_trait::async_trait;
use data_encoding::BASE64URL_NOPAD;
use web_push_native::jwt_simple::algorithms::{ECDSAP256PublicKeyLike, ES256KeyPair};
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

use super::DeliveryError;
use super::destinations::{Guard, Refusal, Resolver, SystemResolver};
use crate::config::PushSettings;
use crate::secrets::Secret;

/// What became of one push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// The push service took it.
    Accepted,
    /// The subscription no longer exists (404 or 410): forget it.
    Gone,
    /// The endpoint is somewhere we never connect to (it resolves to a private address, say):
    /// nothing was sent; forget it.
    Refused,
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

    /// Whether the endpoint's host may be pushed to now (it resolves only to allowed
    /// addresses). The push itself checks again as it connects.
    async fn check_destination(&self, host: &str) -> Result<(), Refusal>;

    async fn push(&self, to: &Endpoint<'_>, payload: &[u8]) -> Result<Pushed, DeliveryError>;
}

pub struct WebPush {
    key_pair: ES256KeyPair,
    public_key: String,
    subject: String,
    guard: Guard,
    /// The longest a push (or a check of where it would go) may take.
    timeout: std::time::Duration,
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
    pub fn new(settings: &PushSettings, vapid_private_key: &Secret) -> Result<Self, DeliveryError> {
        Self::with_resolver(settings, vapid_private_key, Arc::new(SystemResolver))
    }

    /// Resolves endpoint hosts with `resolver` (tests make names resolve where they need).
    pub fn with_resolver(
        settings: &PushSettings,
        vapid_private_key: &Secret,
        resolver: Arc<dyn Resolver>,
    ) -> Result<Self, DeliveryError> {
        let private = BASE64URL_NOPAD
            .decode(vapid_private_key.expose().trim().as_bytes())
            .map_err(|_| failure("VAPID_PRIVATE_KEY is not base64url"))?;
        let key_pair = ES256KeyPair::from_bytes(&private)
            .map_err(|_| failure("VAPID_PRIVATE_KEY is not a P-256 private key"))?;
        let public_key =
            BASE64URL_NOPAD.encode(&key_pair.public_key().public_key().to_bytes_uncompressed());
        let guard = Guard::new(resolver, settings.allow_loopback_endpoints);
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(2)))
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would resolve the endpoint's name itself, past the guard.
            .no_proxy()
            .https_only(!settings.allow_loopback_endpoints)
            .dns_resolver(guard.clone())
            .build()
            .map_err(failure)?;
        Ok(Self {
            key_pair,
            public_key,
            subject: settings.subject.clone(),
            guard,
            timeout: settings.timeout,
            http,
        })
    }
}

/// Whether a failed send was the guard refusing the destination.
fn refused_by_guard(err: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = cause {
        if current.is::<Refusal>() {
            return true;
        }
        cause = current.source();
    }
    false
}

#[async_trait]
impl Push for WebPush {
    fn public_key(&self) -> &str {
        &self.public_key
    }

    async fn check_destination(&self, host: &str) -> Result<(), Refusal> {
        match tokio::time::timeout(self.timeout, self.guard.addresses(host)).await {
            Ok(checked) => checked.map(drop),
            Err(_) => Err(Refusal::Unresolved {
                host: host.to_owned(),
                reason: "the lookup timed out".into(),
            }),
        }
    }

    async fn push(&self, to: &Endpoint<'_>, payload: &[u8]) -> Result<Pushed, DeliveryError> {
        let (public, auth) =
            browser_keys(to.p256dh, to.auth).ok_or_else(|| failure("unusable browser keys"))?;
        let uri: http::Uri = to.url.parse().map_err(failure)?;
        // An IP literal is connected to without a lookup, so the guard judges it here.
        let literal = uri
            .host()
            .map(|host| host.trim_start_matches('[').trim_end_matches(']'))
            .and_then(|host| host.parse().ok());
        if literal.is_some_and(|ip| !self.guard.allows(ip)) {
            return Ok(Pushed::Refused);
        }
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
            .await;
        let response = match response {
            Ok(response) => response,
            Err(err) if refused_by_guard(&err) => return Ok(Pushed::Refused),
            Err(err) => return Err(failure(err)),
        };
        // A redirect (3xx) is not followed: it fails like any other unexpected answer.
        match response.status().as_u16() {
            200..=299 => Ok(Pushed::Accepted),
            404 | 410 => Ok(Pushed::Gone),
            status => Err(failure(format!("push service answered {status}"))),
        }
    }
}
