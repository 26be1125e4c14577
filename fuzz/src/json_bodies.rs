//! Request bodies: any bytes, posted as JSON into the real input type of each route that reads
//! one, through `http::json` as the handlers call it. Every refusal must be a 4xx; phone numbers
//! and emails that parse must come out in a form that parses to itself.

use super::{assert_client_error, post};
use concierge::auth::{otp_send, otp_verify, profile_update, token};
use concierge::http;
use concierge::requests::{create, notes, update};
use concierge::users::{Email, Phone};
use serde::de::DeserializeOwned;

/// `Config::new`'s `max_json_body_bytes`.
const MAX_BYTES: usize = 64 * 1024;

const CONTENT_TYPES: [&[u8]; 4] = [
    b"application/json",
    b"application/json; charset=utf-8",
    b" Application/JSON ;x=1",
    b"text/plain",
];

fn parse<T: DeserializeOwned>(content_type: &[u8], body: &[u8]) -> Option<T> {
    http::json::<T>(&post(content_type, body), MAX_BYTES)
        .inspect_err(assert_client_error)
        .ok()
}

pub fn run(data: &[u8]) {
    // The first byte picks the input type (low bits) and the Content-Type (high bits).
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let content_type = CONTENT_TYPES[usize::from(selector >> 6)];
    match (selector & 0x3F) % 9 {
        0 => drop(parse::<create::NewRequest>(content_type, body)),
        1 => drop(parse::<update::Changes>(content_type, body)),
        2 => drop(parse::<notes::Note>(content_type, body)),
        3 => drop(parse::<otp_send::Body>(content_type, body)),
        4 => drop(parse::<otp_verify::Body>(content_type, body)),
        5 => drop(parse::<token::Credentials>(content_type, body)),
        6 => drop(parse::<profile_update::Changes>(content_type, body)),
        7 => {
            if let Some(phone) = parse::<Phone>(content_type, body) {
                let again = Phone::parse(phone.as_str());
                assert_eq!(again.ok().as_ref(), Some(&phone), "E.164 is a fixed point");
                assert!(phone.digits().bytes().all(|b| b.is_ascii_digit()));
            }
        }
        8 => {
            if let Some(email) = parse::<Email>(content_type, body) {
                let again = Email::parse(email.as_str());
                assert_eq!(
                    again.ok().as_ref(),
                    Some(&email),
                    "emails are stored normalised"
                );
            }
        }
        _ => {}
    }
}
