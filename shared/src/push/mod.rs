//! Web push subscriptions: a signed-in browser registers where it can be pushed to, and each
//! notification written for its user is also pushed there. A subscription the push service
//! says is gone (404/410) is deleted.

pub mod subscribe;
pub mod unsubscribe;
pub mod vapid_key;

use std::collections::BTreeMap;

use data_encoding::BASE64URL_NOPAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::delivery::webpush::{Endpoint, Pushed, browser_keys};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::notifications::Notification;
use crate::store::Write;

/// Longest endpoint URL accepted (browsers' are a few hundred characters).
const MAX_ENDPOINT_LEN: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSubscription {
    pub user: UserId,
    /// Derived from the endpoint, so subscribing the same browser twice keeps one record.
    pub id: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
    pub created_at: Timestamp,
}

impl PushSubscription {
    pub fn target(&self) -> Endpoint<'_> {
        Endpoint {
            url: &self.endpoint,
            p256dh: &self.p256dh,
            auth: &self.auth,
        }
    }
}

/// The id of the subscription at `endpoint`: 16 bytes of its SHA-256, base64url.
pub fn subscription_id(endpoint: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, endpoint.as_bytes());
    BASE64URL_NOPAD.encode(&digest.as_ref()[..16])
}

/// A subscription id from a path: what `subscription_id` makes, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionId(String);

impl SubscriptionId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::str::FromStr for SubscriptionId {
    type Err = Error;

    fn from_str(raw: &str) -> Result<Self> {
        match BASE64URL_NOPAD.decode(raw.as_bytes()) {
            Ok(bytes) if bytes.len() == 16 => Ok(Self(raw.to_owned())),
            _ => Err(Error::field("subscription", "not a subscription id")),
        }
    }
}

/// Checks an endpoint: an `https` URL with a host (or, when allowed, `http` on loopback).
pub fn check_endpoint(raw: &str, allow_loopback: bool) -> Result<()> {
    let bad = |problem: &str| Err(Error::field("endpoint", problem.to_owned()));
    if raw.len() > MAX_ENDPOINT_LEN {
        return bad("is too long");
    }
    let Ok(uri) = raw.parse::<http::Uri>() else {
        return bad("is not a URL");
    };
    let host = uri.host().unwrap_or("");
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => Ok(()),
        Some("http") if allow_loopback && loopback => Ok(()),
        _ => bad("must be an https URL of a push service"),
    }
}

/// Checks a browser's keys: a P-256 point and a 16-byte secret, base64url.
pub fn check_keys(p256dh: &str, auth: &str) -> Result<()> {
    browser_keys(p256dh, auth)
        .map(drop)
        .ok_or_else(|| Error::field("keys", "must be the browser's p256dh and auth keys"))
}

/// What the service worker receives.
#[derive(Serialize)]
struct Payload<'a> {
    title: &'a str,
    body: &'a str,
    kind: &'a crate::notifications::NotificationKind,
    request: Option<String>,
    notification: String,
}

/// Pushes each notification to its recipient's browsers, all at once; forgets subscriptions
/// that are gone. Failures are logged: the in-app notification is already written.
pub async fn notify(app: &App, notices: &[Notification]) {
    let Some(push) = app.push() else {
        return;
    };
    let mut by_user: BTreeMap<UserId, Vec<&Notification>> = BTreeMap::new();
    for notice in notices {
        by_user.entry(notice.recipient).or_default().push(notice);
    }
    let sends = by_user.into_iter().map(|(user, notices)| async move {
        let subscriptions = match app.store.push_subscriptions(user).await {
            Ok(subscriptions) => subscriptions,
            Err(err) => {
                tracing::error!(%err, %user, "push subscriptions could not be read");
                return;
            }
        };
        for subscription in &subscriptions {
            for notice in &notices {
                let payload = Payload {
                    title: &notice.title,
                    body: &notice.body,
                    kind: &notice.kind,
                    request: notice.request.map(|r| r.to_string()),
                    notification: notice.id.to_string(),
                };
                let Ok(bytes) = serde_json::to_vec(&payload) else {
                    continue;
                };
                match push.push(&subscription.target(), &bytes).await {
                    Ok(Pushed::Accepted) => {}
                    Ok(Pushed::Gone) => {
                        forget(app, subscription).await;
                        break;
                    }
                    Err(err) => tracing::warn!(%err, %user, "a push was not delivered"),
                }
            }
        }
    });
    futures_util::future::join_all(sends).await;
}

async fn forget(app: &App, subscription: &PushSubscription) {
    let write = Write::DeletePushSubscription {
        user: subscription.user,
        id: &subscription.id,
    };
    match app.store.transact(&[write]).await {
        Ok(()) => tracing::info!(user = %subscription.user, "a gone push subscription was deleted"),
        Err(err) => tracing::error!(%err, "a gone push subscription could not be deleted"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_must_be_https_unless_loopback_is_allowed() {
        assert!(check_endpoint("https://fcm.googleapis.com/fcm/send/abc", false).is_ok());
        assert!(check_endpoint("http://push.example.com/x", false).is_err());
        assert!(check_endpoint("http://127.0.0.1:3000/_local/push/a", false).is_err());
        assert!(check_endpoint("http://127.0.0.1:3000/_local/push/a", true).is_ok());
        assert!(check_endpoint("http://10.0.0.1/x", true).is_err());
        assert!(check_endpoint("file:///etc/passwd", true).is_err());
        assert!(check_endpoint("not a url", false).is_err());
        assert!(check_endpoint(&format!("https://a.example/{}", "x".repeat(1100)), false).is_err());
    }

    #[test]
    fn ids_come_from_the_endpoint_and_only_they_parse() {
        let id = subscription_id("https://push.example/one");
        assert_eq!(id, subscription_id("https://push.example/one"));
        assert_ne!(id, subscription_id("https://push.example/two"));
        assert!(id.parse::<SubscriptionId>().is_ok());
        assert!("abc".parse::<SubscriptionId>().is_err());
        assert!(format!("{id}AA").parse::<SubscriptionId>().is_err());
    }

    #[test]
    fn browser_keys_must_be_a_point_and_sixteen_bytes() {
        let p256dh = "BLn9b-VR0ca83knDNZ32dCHGyjJp-1riX9ZTN40MqV8K_LpQmLqxC_DoHvqvFXO_nGdAB4W9dogZb_sM-uV4JbY";
        assert!(check_keys(p256dh, "_ordMnz7uTCmrpBTeUV4Bw").is_ok());
        assert!(check_keys(p256dh, "_ordMnz7uTCmrpBTeUV4").is_err());
        assert!(check_keys("BLn9b", "_ordMnz7uTCmrpBTeUV4Bw").is_err());
    }
}
