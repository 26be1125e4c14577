//! Web push: a signed-in browser registers where it can be pushed to (at most ten per user, the
//! oldest replaced), and each notification written for its user is queued (`enqueue`) for the
//! push queue's consumer (`deliver`), which pushes it there: a slow push service never delays
//! the request that notified. A subscription the push service says is gone (404/410), or whose
//! endpoint turns out to point somewhere we never connect to, is deleted.

pub mod deliver;
pub mod model;
pub mod subscribe;
pub mod unsubscribe;
pub mod vapid_key;

use data_encoding::BASE64URL_NOPAD;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::delivery::destinations::Refusal;
use crate::delivery::webpush::{Push, browser_keys};
use crate::error::{Conflict, Error, Result};
use crate::ids::{NotificationId, UserId};
use crate::notifications::model::Notification;
use crate::store::{Retry, Write};

pub use model::{MAX_SUBSCRIPTIONS, PushClaim, PushSubscription, SubscriptionId, Subscriptions};

/// Longest endpoint URL accepted (browsers' are a few hundred characters).
const MAX_ENDPOINT_LEN: usize = 1024;

/// Each failed attempt at a change means another change of the same user's subscriptions
/// succeeded meanwhile, so this many attempts see through that many changes racing at once.
const MAX_ATTEMPTS: usize = 32;

/// The id of the subscription at `endpoint`: 16 bytes of its SHA-256, base64url.
pub fn subscription_id(endpoint: &str) -> String {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, endpoint.as_bytes());
    BASE64URL_NOPAD.encode(&digest.as_ref()[..16])
}

/// Checks an endpoint's form: an `https` URL with a host (or, when allowed, `http` on
/// loopback). Where the host resolves is `check_destination`'s.
pub fn check_endpoint(raw: &str, allow_loopback: bool) -> Result<http::Uri> {
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
        Some("https") if !host.is_empty() => Ok(uri),
        Some("http") if allow_loopback && loopback => Ok(uri),
        _ => bad("must be an https URL of a push service"),
    }
}

/// Checks that an endpoint's host resolves only to addresses we may push to (a private,
/// loopback or link-local one is refused), as the push client checks again when it connects.
pub async fn check_destination(push: &dyn Push, endpoint: &http::Uri) -> Result<()> {
    match push.check_destination(endpoint.host().unwrap_or("")).await {
        Ok(()) => Ok(()),
        Err(Refusal::Forbidden { .. }) => Err(Error::field(
            "endpoint",
            "must be a push service on the public internet",
        )),
        Err(Refusal::Unresolved { .. }) => Err(Error::field(
            "endpoint",
            "names a host that cannot be found",
        )),
    }
}

/// Adds (or refreshes) a subscription as the user's newest; beyond `MAX_SUBSCRIPTIONS` the
/// oldest goes.
pub async fn add(app: &App, user: UserId, subscription: PushSubscription) -> Result<()> {
    change(app, user, |list| {
        list.retain(|s| s.id != subscription.id);
        list.push(subscription.clone());
        let excess = list.len().saturating_sub(MAX_SUBSCRIPTIONS);
        list.drain(..excess);
    })
    .await
}

/// Removes the subscriptions with these ids, if there.
pub async fn remove(app: &App, user: UserId, ids: &[&str]) -> Result<()> {
    change(app, user, |list| {
        list.retain(|s| !ids.contains(&s.id.as_str()))
    })
    .await
}

/// Applies `edit` to the user's subscriptions and stores the result, from a fresh read each
/// time another change got in first; nothing is written when `edit` changes nothing.
async fn change(app: &App, user: UserId, edit: impl Fn(&mut Vec<PushSubscription>)) -> Result<()> {
    let exhausted = "Your push subscriptions are changing too often at once. Try again.";
    let retry = Retry::on(Conflict::PushSubscriptionsChanged, exhausted).attempts(MAX_ATTEMPTS);
    let mut attempts = retry.begin();
    loop {
        let current = app.store.push_subscriptions(user).await?;
        let mut subscriptions = current.subscriptions.clone();
        edit(&mut subscriptions);
        if subscriptions == current.subscriptions {
            return Ok(());
        }
        let next = Subscriptions {
            user,
            version: current.version + 1,
            subscriptions,
        };
        let write = Write::ReplacePushSubscriptions {
            subscriptions: &next,
            previous_version: current.version,
        };
        if attempts
            .settle(app.store.transact(&[write]).await)?
            .is_some()
        {
            return Ok(());
        }
    }
}

/// What the push queue carries: which notification to push (its recipient's browsers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushMessage {
    pub user: UserId,
    pub notification: NotificationId,
}

/// Queues the push of each notification, one message each, when this deployment pushes. A
/// failure is logged: the in-app notifications are already written.
pub async fn enqueue(app: &App, notices: &[Notification]) {
    if app.config.push.is_none() || notices.is_empty() {
        return;
    }
    let Some(queue) = app.push_queue() else {
        tracing::error!("no push queue is configured (PUSH_QUEUE_URL): nothing is pushed");
        return;
    };
    let bodies: Vec<String> = notices
        .iter()
        .map(|notice| PushMessage {
            user: notice.recipient,
            notification: notice.id,
        })
        .filter_map(|message| serde_json::to_string(&message).ok())
        .collect();
    if let Err(err) = queue.send_all(&bodies).await {
        tracing::error!(%err, "web pushes were not queued; the notifications stay in the app");
    }
}

/// Checks a browser's keys: a P-256 point and a 16-byte secret, base64url.
pub fn check_keys(p256dh: &str, auth: &str) -> Result<()> {
    browser_keys(p256dh, auth)
        .map(drop)
        .ok_or_else(|| Error::field("keys", "must be the browser's p256dh and auth keys"))
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
