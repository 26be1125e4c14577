//! `POST /api/v1/webhooks/gupshup`: WhatsApp delivery events (Gupshup's v2 format).
//!
//! Gupshup signs nothing, so the subscription carries our secret in a header, compared in
//! constant time by digest (so not even its length shows); with no secret configured every call is refused (F30). Events arrive out of
//! order and more than once, so each only ever moves a code's status forward, and a `failed`
//! event asks for the SMS fallback through the same claim as the queue and the sweep, which
//! lets exactly one of them send (F42). Gupshup retries anything but a quick 2xx, so the answer
//! is an empty 200 whatever the event turns out to mean.

use lambda_http::Request;
use lambda_http::http::StatusCode;
use serde::Deserialize;

use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{self, HandlerResult};
use crate::otp::DeliveryStatus;
use crate::otp::fallback::{self, Fallback};
use crate::secrets::{Secret, secret_eq};

/// The header the Gupshup subscription sets (its `meta` headers) to our shared secret.
pub const SECRET_HEADER: &str = "x-concierge-webhook-secret";

/// Delivery events are small; anything larger is not one.
const MAX_BODY_BYTES: usize = 16 * 1024;

#[derive(Debug, Deserialize)]
pub struct Event {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub payload: Option<EventPayload>,
}

#[derive(Debug, Deserialize)]
pub struct EventPayload {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default, rename = "gsId")]
    pub gs_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
}

impl Event {
    /// Our send's message id and the status the event reports, for the delivery events we
    /// track; `None` for anything else (user events, billing, unknown types).
    pub fn delivery(&self) -> Option<(&str, DeliveryStatus)> {
        if self.kind != "message-event" {
            return None;
        }
        let payload = self.payload.as_ref()?;
        let status = match payload.kind.as_str() {
            "enqueued" => DeliveryStatus::Submitted,
            "sent" => DeliveryStatus::Sent,
            "delivered" => DeliveryStatus::Delivered,
            "read" => DeliveryStatus::Read,
            "failed" => DeliveryStatus::Failed,
            _ => return None,
        };
        // `enqueued` and a synchronous `failed` carry the send's id in `id`; later events
        // carry WhatsApp's id there and ours in `gsId`.
        let id = payload.gs_id.as_deref().or(payload.id.as_deref())?;
        (!id.is_empty()).then_some((id, status))
    }
}

/// Whether the caller presented the configured secret.
pub fn authentic(configured: Option<&str>, presented: Option<&[u8]>) -> bool {
    match (configured, presented) {
        (Some(secret), Some(presented)) if !secret.is_empty() => {
            secret_eq(secret.as_bytes(), presented)
        }
        _ => false,
    }
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let presented = req.headers().get(SECRET_HEADER).map(|v| v.as_bytes());
    if !authentic(
        app.config
            .secrets
            .get()?
            .gupshup_webhook_secret
            .as_ref()
            .map(Secret::expose),
        presented,
    ) {
        return Err(Error::Forbidden);
    }
    let event: Event = http::json(&req, MAX_BODY_BYTES)?;
    if let Some((message_id, status)) = event.delivery() {
        apply(app, message_id, status).await?;
    }
    http::empty(StatusCode::OK)
}

/// Records a delivery status; on failure, falls back to SMS now.
pub async fn apply(app: &App, message_id: &str, status: DeliveryStatus) -> Result<()> {
    let Some(otp) = app.store.otp_by_message(message_id).await? else {
        // Not one of our codes, or deleted since.
        return Ok(());
    };
    app.store.advance_delivery(&otp, status).await?;
    if status == DeliveryStatus::Failed {
        match fallback::fall_back(app, &otp.key()).await {
            Ok(Fallback::Sent | Fallback::NotNeeded | Fallback::Busy) => {}
            // The claim was released; the sweep tries again within a minute.
            Err(err) => {
                tracing::error!(%err, otp = %otp.id, "the SMS fallback after a failed WhatsApp message was not sent")
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Event {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn our_message_id_is_gs_id_when_present_else_id() {
        let enqueued = event(
            r#"{"app":"a","timestamp":1,"version":2,"type":"message-event","payload":{"id":"ours","type":"enqueued","destination":"1","payload":{}}}"#,
        );
        assert_eq!(
            enqueued.delivery(),
            Some(("ours", DeliveryStatus::Submitted))
        );
        let delivered = event(
            r#"{"type":"message-event","payload":{"id":"wamid","gsId":"ours","type":"delivered"}}"#,
        );
        assert_eq!(
            delivered.delivery(),
            Some(("ours", DeliveryStatus::Delivered))
        );
    }

    #[test]
    fn other_events_are_ignored() {
        for json in [
            r#"{"type":"user-event","payload":{"type":"opted-in"}}"#,
            r#"{"type":"message-event","payload":{"id":"x","type":"mismatch"}}"#,
            r#"{"type":"message-event","payload":{"id":"","type":"sent"}}"#,
            r#"{"type":"message-event"}"#,
        ] {
            assert_eq!(event(json).delivery(), None, "{json}");
        }
    }

    #[test]
    fn only_the_configured_secret_is_authentic() {
        assert!(authentic(Some("s3cret"), Some(b"s3cret")));
        assert!(!authentic(Some("s3cret"), Some(b"s3cre")));
        assert!(!authentic(Some("s3cret"), None));
        assert!(!authentic(None, Some(b"")));
        assert!(!authentic(Some(""), Some(b"")));
        assert!(!authentic(None, None));
    }
}
