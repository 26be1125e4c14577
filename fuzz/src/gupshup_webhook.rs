//! The Gupshup webhook: any configured secret against any presented header, and any body posted
//! as a delivery event. Only the exact, non-empty configured secret is authentic; a body is
//! either refused with a 4xx or read as an event whose delivery, when it has one, names a
//! message.

use super::{assert_client_error, request, split_line};
use ::http::Method;
use concierge::http;
use concierge::webhooks::gupshup::{self, Event};

/// The handler's own limit on a delivery event's size.
const MAX_BODY_BYTES: usize = 16 * 1024;

// A flags byte (bit 0: a secret is configured, bit 1: one is presented, bit 2: the configured
// one itself), a line with the configured secret, a line with the presented one, and the body.
pub fn run(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let (configured, rest) = split_line(rest);
    let (presented, body) = split_line(rest);
    let Ok(configured) = std::str::from_utf8(configured) else {
        return;
    };
    let configured = (flags & 1 != 0).then_some(configured);
    let presented = match configured {
        Some(secret) if flags & 4 != 0 => Some(secret.as_bytes()),
        _ => (flags & 2 != 0).then_some(presented),
    };
    let mut headers = vec![("content-type", b"application/json".as_slice())];
    if let Some(value) = presented {
        headers.push((gupshup::SECRET_HEADER, value));
    }
    let req = request(Method::POST, &headers, body);

    // As the handler reads it: the header's bytes, if it made it into the request.
    let arrived = req
        .headers()
        .get(gupshup::SECRET_HEADER)
        .map(|v| v.as_bytes());
    let expected = match (configured, arrived) {
        (Some(secret), Some(arrived)) => !secret.is_empty() && secret.as_bytes() == arrived,
        _ => false,
    };
    assert_eq!(gupshup::authentic(configured, arrived), expected);

    match http::json::<Event>(&req, MAX_BODY_BYTES) {
        Ok(event) => {
            if let Some((message, _status)) = event.delivery() {
                assert!(!message.is_empty(), "a delivery names its message");
                assert_eq!(event.kind, "message-event");
            }
        }
        Err(err) => assert_client_error(&err),
    }
}
