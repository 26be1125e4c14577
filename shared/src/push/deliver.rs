//! The push queue's consumer: a message `{"user", "notification"}` pushes that notification to
//! each of the user's browsers, all at once.
//!
//! A message may arrive twice (SQS delivers at least once), so the notification is claimed
//! first with one conditional write, as the SMS fallback claims its code: a copy that finds it
//! pushed does nothing, a copy that finds a fresh claim fails and comes back later, and a claim
//! older than `CLAIM_TIMEOUT` (its holder died) may be taken again. The claim's release records
//! the subscriptions already pushed to, so a message that failed for one browser pushes only to
//! the ones left when it comes back. A browser pushes twice only when its holder died between
//! the push and that record.

use jiff::SignedDuration;
use serde::Serialize;

use super::model::PushClaim;
use super::{PushMessage, PushSubscription, remove};
use crate::app::App;
use crate::delivery::webpush::Pushed;
use crate::error::{Conflict, Error, Result};
use crate::ids::HotelSlug;
use crate::notifications::model::NotificationKind;

/// A claim older than this was abandoned and may be taken again (well past the consumer's
/// longest run: one push timeout, the pushes at once).
pub const CLAIM_TIMEOUT: SignedDuration = SignedDuration::from_secs(60);

/// What the service worker receives (docs/data-model.md, "Web push payload"): the hotel and
/// the request together name the page a click opens.
#[derive(Serialize)]
struct Payload<'a> {
    title: &'a str,
    body: &'a str,
    kind: NotificationKind,
    hotel: &'a HotelSlug,
    request: Option<String>,
    notification: String,
}

pub async fn consume(app: &App, body: String) -> Result<()> {
    let PushMessage { user, notification } =
        serde_json::from_str(&body).map_err(|_| Error::invalid("not a push message"))?;
    let Some(push) = app.push() else {
        tracing::warn!("web push is not configured: a queued push is dropped");
        return Ok(());
    };
    let subscriptions = app.store.push_subscriptions(user).await?.subscriptions;
    if subscriptions.is_empty() {
        return Ok(());
    }
    let claimed_at = app.clock.now();
    let claim = app
        .store
        .claim_push(user, notification, claimed_at, CLAIM_TIMEOUT)
        .await?;
    let (notice, mut pushed_to) = match claim {
        PushClaim::Claimed {
            notification,
            pushed_to,
        } => (notification, pushed_to),
        PushClaim::Done => return Ok(()),
        PushClaim::Busy => {
            return Err(Error::conflict(
                Conflict::PushBusy,
                "another worker is pushing this notification",
            ));
        }
    };
    let payload = serde_json::to_vec(&Payload {
        title: &notice.title,
        body: &notice.body,
        kind: notice.kind,
        hotel: &notice.hotel,
        request: notice.request.map(|r| r.to_string()),
        notification: notice.id.to_string(),
    })
    .map_err(Error::internal)?;
    let targets: Vec<&PushSubscription> = subscriptions
        .iter()
        .filter(|s| !pushed_to.contains(&s.id))
        .collect();
    let pushes = targets
        .iter()
        .map(|s| async { push.push(&s.target(), &payload).await });
    let outcomes = futures_util::future::join_all(pushes).await;
    let mut unusable = Vec::new();
    let mut failed = 0;
    for (subscription, outcome) in targets.iter().zip(outcomes) {
        match outcome {
            Ok(Pushed::Accepted) => pushed_to.push(subscription.id.clone()),
            Ok(Pushed::Gone) => unusable.push(subscription.id.as_str()),
            Ok(Pushed::Refused) => {
                tracing::warn!(%user, "a push endpoint leads to a forbidden address; it is deleted");
                unusable.push(subscription.id.as_str());
            }
            Err(err) => {
                tracing::warn!(%err, %user, "a push was not delivered; it is tried again");
                failed += 1;
            }
        }
    }
    if !unusable.is_empty() {
        match remove(app, user, &unusable).await {
            Ok(()) => {
                tracing::info!(%user, count = unusable.len(), "gone push subscriptions were deleted")
            }
            Err(err) => {
                tracing::error!(%err, %user, "gone push subscriptions could not be deleted")
            }
        }
    }
    app.store
        .finish_push(user, notification, claimed_at, &pushed_to, failed == 0)
        .await?;
    if failed > 0 {
        return Err(Error::BadGateway("A push service did not take the push."));
    }
    Ok(())
}
