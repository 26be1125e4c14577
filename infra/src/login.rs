//! Signing in to a local stack over HTTP, for the benchmarks and `make events`: staff with the
//! demo password, a guest with a code read from the local outbox. Each gives the access token,
//! which the local stack accepts as a bearer, or the whole session.

use serde_json::{Value, json};

use concierge::session::cookies::{ACCESS, CSRF, REFRESH};

use crate::demo;

/// What a login sets: the session's cookies, as a browser would send them back.
#[derive(Debug, Clone)]
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub csrf_token: String,
}

impl Session {
    fn of(response: &reqwest::Response) -> Result<Self, String> {
        let status = response.status();
        let set = |name: &str| cookie(response, name);
        match (set(ACCESS), set(REFRESH), set(CSRF)) {
            (Some(access_token), Some(refresh_token), Some(csrf_token)) => Ok(Self {
                access_token,
                refresh_token,
                csrf_token,
            }),
            _ => Err(format!("the login set no session ({status})")),
        }
    }
}

/// A staff member's access token, signed in with the demo password.
pub async fn staff(http: &reqwest::Client, base: &str, email: &str) -> Result<String, String> {
    staff_session(http, base, email)
        .await
        .map(|session| session.access_token)
}

/// A staff member's session, signed in with the demo password.
pub async fn staff_session(
    http: &reqwest::Client,
    base: &str,
    email: &str,
) -> Result<Session, String> {
    let body = json!({ "email": email, "password": demo::PASSWORD });
    let response = http
        .post(format!("{base}/auth/token"))
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    Session::of(&response)
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
    guest_session(http, base, origin, qr, phone, name)
        .await
        .map(|session| session.access_token)
}

/// `guest`, the whole session.
pub async fn guest_session(
    http: &reqwest::Client,
    base: &str,
    origin: &str,
    qr: &str,
    phone: &str,
    name: &str,
) -> Result<Session, String> {
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
    Session::of(&response)
}

/// The value of cookie `name` a response sets.
fn cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    let prefix = format!("{name}=");
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|cookie| cookie.strip_prefix(prefix.as_str()))
        .and_then(|rest| rest.split(';').next())
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}
