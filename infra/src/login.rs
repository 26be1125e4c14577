//! Signing in to a local stack over HTTP, for the benchmarks: staff with the demo password, a
//! guest with a code read from the local outbox. Each gives the access token, which the local
//! stack accepts as a bearer.

use serde_json::{Value, json};

use crate::demo;

/// A staff member's access token, signed in with the demo password.
pub async fn staff(http: &reqwest::Client, base: &str, email: &str) -> Result<String, String> {
    let body = json!({ "email": email, "password": demo::PASSWORD });
    let response = http
        .post(format!("{base}/auth/token"))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    access_token(response)
}

/// A guest's access token: `phone` (E.164) asks for a code from the room of `qr`, reads it from
/// the local outbox at `origin` and verifies it, as `name`.
pub async fn guest(
    http: &reqwest::Client,
    base: &str,
    origin: &str,
    qr: &str,
    phone: &str,
    name: &str,
) -> Result<String, String> {
    let sent = http
        .post(format!("{base}/auth/otp/send"))
        .json(&json!({ "phone": phone, "qr": qr }))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !sent.status().is_success() {
        return Err(format!("otp send: {}", sent.status()));
    }
    let digits = phone.strip_prefix('+').ok_or("a phone in E.164")?;
    let messages: Vec<Value> = http
        .get(format!("{origin}/_local/outbox?to=%2B{digits}"))
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let text = messages
        .last()
        .and_then(|m| m["text"].as_str())
        .ok_or("no code sent")?;
    let code = text
        .split(|c: char| !c.is_ascii_digit())
        .find(|word| word.len() == 6)
        .ok_or("no code in the message")?;
    let body = json!({ "phone": phone, "code": code, "qr": qr, "name": name });
    let response = http
        .post(format!("{base}/auth/otp/verify"))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    access_token(response)
}

/// The access token of a login's `Set-Cookie`.
fn access_token(response: reqwest::Response) -> Result<String, String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix("access_token="))
        .and_then(|rest| rest.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| format!("no access token ({})", response.status()))
}
