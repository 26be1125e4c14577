//! The SMS fallback: a code sent by WhatsApp that has not reached the phone in time is replaced
//! by a fresh code sent by SMS. Three things can ask for it — the delayed queue message, the
//! Gupshup webhook reporting a failure, and the sweep job — and only one ever sends: each must
//! first claim the code with one conditional write (a claim older than 60 s may be taken again,
//! F36, F41, F42). The old code keeps working until the SMS has gone out (F9); only then are the
//! new hash, the channel and the flags stored, in one update (F2, F29).

use jiff::{SignedDuration, Timestamp};

use super::{Channel, OtpCode, VALIDITY, generate_code, hash, parse_key};
use crate::app::App;
use crate::delivery::code_text;
use crate::error::{Conflict, Error, Result};

/// A claim older than this was abandoned (its holder died) and may be taken again.
pub const CLAIM_TIMEOUT: SignedDuration = SignedDuration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// This call sent the SMS.
    Sent,
    /// Nothing to do: used, delivered, expired, already fallen back, or not a WhatsApp code.
    NotNeeded,
    /// Someone else holds a fresh claim and is sending right now.
    Busy,
}

/// Whether a code still needs its SMS fallback at `now`.
pub fn needed(otp: &OtpCode, now: Timestamp) -> bool {
    otp.channel == Channel::Whatsapp
        && !otp.used
        && !otp.sms_fallback_sent
        && !otp.delivery_status.reached()
        && !otp.is_expired(now)
}

/// Falls back to SMS for the code `key` (see `OtpCode::key`), if it still needs it.
pub async fn fall_back(app: &App, key: &str) -> Result<Fallback> {
    let (phone, scope, id) = parse_key(key)?;
    let store = app.store.as_ref();
    let Some(otp) = store.otp(&phone, &scope, id).await? else {
        return Ok(Fallback::NotNeeded);
    };
    let now = app.clock.now();
    if !needed(&otp, now) {
        return Ok(Fallback::NotNeeded);
    }
    if !store.claim_sms_fallback(&otp, now, CLAIM_TIMEOUT).await? {
        return Ok(Fallback::Busy);
    }
    let code = generate_code();
    match app.sms().send(&otp.phone, &code_text(&code)).await {
        Ok(accepted) => {
            let new_hash = hash(app.config.keys()?, &otp.phone, &otp.scope, &code);
            let valid_until = app.clock.now().saturating_add(VALIDITY).unwrap_or(now);
            let stored = store
                .complete_sms_fallback(
                    &otp,
                    now,
                    &new_hash,
                    accepted.message_id.as_deref(),
                    valid_until,
                )
                .await?;
            if !stored {
                // The old code was used while the SMS went out: the login happened, the SMS is moot.
                tracing::info!(otp = %otp.id, "the code was used before its SMS fallback was stored");
            }
            Ok(Fallback::Sent)
        }
        Err(err) => {
            tracing::error!(%err, otp = %otp.id, "the SMS fallback was not sent; its claim is released");
            store.release_sms_fallback(&otp, now).await?;
            Err(Error::BadGateway(
                "The SMS provider did not take the message.",
            ))
        }
    }
}

/// The SQS consumer of delayed fallbacks: `{"otp": "<key>"}`. A message whose code someone else
/// is sending right now fails, to come back after its visibility timeout.
pub async fn consume(app: &App, body: String) -> Result<()> {
    #[derive(serde::Deserialize)]
    struct Body {
        otp: String,
    }
    let body: Body =
        serde_json::from_str(&body).map_err(|_| Error::invalid("not an SMS fallback message"))?;
    match fall_back(app, &body.otp).await? {
        Fallback::Sent | Fallback::NotNeeded => Ok(()),
        Fallback::Busy => Err(Error::conflict(
            Conflict::FallbackBusy,
            "another worker is sending this SMS",
        )),
    }
}
