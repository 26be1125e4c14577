//! CSRF protection for cookie-authenticated unsafe requests (F21): a signed double-submit
//! token bound to the session, echoed in `X-CSRFToken` and compared in constant time, plus an
//! `Origin` the deployment trusts.

use data_encoding::BASE64URL_NOPAD;
use http::header::ORIGIN;
use lambda_http::Request;
use rand::RngExt;

use super::cookies;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::secrets::{Keys, constant_time_eq};

pub const HEADER: &str = "x-csrftoken";
/// What an anonymous caller's token is bound to.
pub const ANONYMOUS: &str = "anonymous";

/// A fresh token bound to `binding` (the session id, or `ANONYMOUS`): `nonce.mac`.
pub fn token(keys: &Keys, binding: &str) -> String {
    let nonce: [u8; 16] = rand::rng().random();
    let nonce = BASE64URL_NOPAD.encode(&nonce);
    let mac = keys.csrf_mac(signed_data(binding, &nonce).as_bytes());
    format!("{nonce}.{}", BASE64URL_NOPAD.encode(&mac))
}

fn signed_data(binding: &str, nonce: &str) -> String {
    format!("csrf|{binding}|{nonce}")
}

/// Checks an unsafe request authenticated by the session cookie of `binding`.
pub fn check(config: &Config, req: &Request, binding: &str) -> Result<()> {
    check_origin(config, req, true)?;
    let refused = || {
        Error::denied(
            "csrf_failed",
            "Security check failed: reload the page and try again.",
        )
    };
    let header = req
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(refused)?;
    let cookie = cookies::read(req, cookies::CSRF).ok_or_else(refused)?;
    if !constant_time_eq(header.as_bytes(), cookie.as_bytes()) {
        return Err(refused());
    }
    let (nonce, mac) = header.split_once('.').ok_or_else(refused)?;
    let mac = BASE64URL_NOPAD
        .decode(mac.as_bytes())
        .map_err(|_| refused())?;
    if !config
        .keys()?
        .csrf_verify(signed_data(binding, nonce).as_bytes(), &mac)
    {
        return Err(refused());
    }
    Ok(())
}

/// Refuses a request whose `Origin` is not trusted. A missing `Origin` is refused when
/// `required` (browsers send one with every unsafe request; tools can set it).
pub fn check_origin(config: &Config, req: &Request, required: bool) -> Result<()> {
    match req.headers().get(ORIGIN).map(|origin| origin.to_str()) {
        None if !required => Ok(()),
        Some(Ok(origin))
            if config
                .allowed_origins
                .iter()
                .any(|trusted| trusted == origin) =>
        {
            Ok(())
        }
        _ => Err(Error::denied(
            "untrusted_origin",
            "This request did not come from a trusted page.",
        )),
    }
}
