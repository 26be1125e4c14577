//! `Idempotency-Key` for creating requests: the same key and body give the same response; the
//! same key with another body is a 422; a key still in flight is a 409. Records expire after
//! 24 hours. The record is claimed before the work and completed in the same transaction as the
//! work, so a retry can never create a second request.

pub mod model;
use aws_lc_rs::digest;
use data_encoding::BASE64URL_NOPAD;
use jiff::Timestamp;
use lambda_http::Request;

use crate::error::{Conflict, Error, Result};
use crate::ids::UserId;
use crate::store::{Store, Write};

pub use model::{ABANDONED_AFTER, IdempotencyRecord, RETENTION, State};

pub const HEADER: &str = "idempotency-key";

/// The request's `Idempotency-Key`, if it sent one: 1 to 255 visible ASCII characters.
pub fn key(req: &Request) -> Result<Option<String>> {
    let Some(value) = req.headers().get(HEADER) else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::field(
            "Idempotency-Key",
            "use 1 to 255 visible ASCII characters",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// What to do with a request carrying a key.
pub enum Claim {
    /// Do the work; complete the record in the work's transaction (`Write::FinishIdempotency`).
    Proceed(IdempotencyRecord),
    /// The same request was done before: answer what it answered.
    Replay { status: u16, body: String },
}

/// Claims `key` for `body` on behalf of `user`.
pub async fn claim(
    store: &dyn Store,
    user: UserId,
    key: String,
    body: &[u8],
    now: Timestamp,
) -> Result<Claim> {
    let record = IdempotencyRecord {
        user,
        key,
        body_hash: BASE64URL_NOPAD.encode(digest::digest(&digest::SHA256, body).as_ref()),
        state: State::InFlight,
        claimed_at: now,
        response_status: None,
        response_body: None,
        expires_at: now.saturating_add(RETENTION).unwrap_or(now),
    };
    match store
        .transact(&[Write::ClaimIdempotency {
            record: &record,
            now,
        }])
        .await
    {
        Ok(()) => return Ok(Claim::Proceed(record)),
        Err(Error::Conflict(Conflict::IdempotencyTaken, _)) => {}
        Err(err) => return Err(err),
    }
    let existing = store
        .idempotency_record(user, &record.key)
        .await?
        .ok_or_else(|| Error::conflict(Conflict::IdempotencyInFlight, "Try again in a moment."))?;
    if existing.body_hash != record.body_hash {
        return Err(Error::Unprocessable(
            "This Idempotency-Key was already used with a different request.",
        ));
    }
    match (
        existing.state,
        existing.response_status,
        existing.response_body,
    ) {
        (State::Done, Some(status), Some(body)) => Ok(Claim::Replay { status, body }),
        _ => Err(Error::conflict(
            Conflict::IdempotencyInFlight,
            "A request with this Idempotency-Key is still being processed. Try again in a moment.",
        )),
    }
}
