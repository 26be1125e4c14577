//! `Idempotency-Key` for creating requests: the same key and body give the same response; the
//! same key with another body is a 422; a key still in flight is a 409. Records expire after
//! 24 hours. The record is claimed before the work and completed in the same transaction as the
//! work, so a retry can never create a second request.

use aws_lc_rs::digest;
use data_encoding::BASE64URL_NOPAD;
use jiff::{SignedDuration, Timestamp};
use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::error::{Conflict, Error, Result};
use crate::ids::UserId;
use crate::store::{Store, Write};

pub const HEADER: &str = "idempotency-key";
/// How long a key is remembered.
pub const RETENTION: SignedDuration = SignedDuration::from_hours(24);
/// A claim older than this was left by an invocation that died; it may be taken over.
pub const ABANDONED_AFTER: SignedDuration = SignedDuration::from_secs(30);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum State {
    InFlight,
    Done,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    pub user: UserId,
    pub key: String,
    /// SHA-256 of the request body.
    pub body_hash: String,
    pub state: State,
    /// When this claim was taken (epoch seconds); also proves who holds it.
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub claimed_at: Timestamp,
    pub response_status: Option<u16>,
    pub response_body: Option<String>,
    /// DynamoDB's TTL attribute (epoch seconds).
    #[serde(with = "jiff::fmt::serde::timestamp::second::required")]
    pub expires_at: Timestamp,
}

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
