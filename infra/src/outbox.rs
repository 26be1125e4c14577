//! The local stand-in for Gupshup's WhatsApp API, and the outbox that shows every message the
//! stack sent: WhatsApp messages the stand-in took, and SMS the SNS emulator kept.
//!
//! `GET /_local/outbox[?to=+E164]` lists them as `[{to, channel, text, at}]`;
//! `POST /_local/outbox/mode {"whatsapp": "deliver"|"undeliverable"|"fail"|"silent"|"timeout"}`
//! changes how the stand-in answers. Like Gupshup, it reports what became of each message to
//! our webhook (`sent` then `delivered`, or `failed`), with the configured secret.
//!
//! It also stands in for browsers' push services: `POST /_local/push/<anything>` takes a push
//! (`/_local/push/gone/<anything>` answers 410, as for an expired subscription;
//! `/_local/push/fail/<anything>` 500; `/_local/push/redirect/<anything>` redirects to
//! `/_local/push/<anything>`, which a push client must not follow), and `GET /_local/pushes`
//! lists what arrived. `POST /_local/pushes/hold` makes every push wait, unanswered, until
//! `POST /_local/pushes/release`; `GET /_local/pushes/held` counts those waiting. None of this
//! exists in `template.yaml`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::StatusCode;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Where the stand-in's API lives under the local API (`GUPSHUP_API_URL` points here).
pub const GUPSHUP_PREFIX: &str = "/_local/gupshup";

/// How the stand-in answers a send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Accepts the message and reports it sent, then delivered.
    Deliver,
    /// Accepts the message, then reports that it failed (the phone has no WhatsApp).
    Undeliverable,
    /// Refuses with a 500, as Gupshup does when it is down.
    Fail,
    /// Accepts the message and never reports anything about it.
    Silent,
    /// Answers only after the client has given up.
    Timeout,
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub to: String,
    pub channel: &'static str,
    pub text: String,
    pub at: Timestamp,
}

/// A push a browser's push service would have received.
#[derive(Debug, Clone, Serialize)]
pub struct Push {
    pub path: String,
    /// `Content-Encoding`: `aes128gcm` for an encrypted payload.
    pub encoding: Option<String>,
    /// The `Authorization` header: `vapid t=<JWT>, k=<our public key>`.
    pub authorization: Option<String>,
    pub bytes: usize,
    /// The body as sent (encrypted for the subscription), for a test holding its keys to
    /// decrypt and hand to a service worker.
    pub body: Vec<u8>,
    pub status: u16,
    pub at: Timestamp,
}

#[derive(Clone)]
pub struct Outbox {
    emulator: String,
    http: reqwest::Client,
    state: Arc<Mutex<State>>,
    /// Whether pushes are held until released.
    holding: Arc<tokio::sync::watch::Sender<bool>>,
    /// Our webhook's URL and secret, for delivery reports.
    webhook: Option<(String, String)>,
}

struct State {
    mode: Mode,
    pushes: Vec<Push>,
    /// Pushes waiting to be released.
    held: usize,
    whatsapp: Vec<Message>,
    /// When each SNS message was first seen (the emulator keeps no time).
    sms_seen: HashMap<String, Timestamp>,
}

/// An answer of the stand-in: status and JSON body.
pub type Answer = (StatusCode, Value);

impl Outbox {
    pub fn new(emulator: &str) -> Self {
        Self {
            emulator: emulator.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            state: Arc::new(Mutex::new(State {
                mode: Mode::Deliver,
                pushes: Vec::new(),
                held: 0,
                whatsapp: Vec::new(),
                sms_seen: HashMap::new(),
            })),
            holding: Arc::new(tokio::sync::watch::channel(false).0),
            webhook: None,
        }
    }

    /// Reports deliveries to the webhook at `url` with `secret`.
    pub fn with_webhook(mut self, url: String, secret: &str) -> Self {
        self.webhook = Some((url, secret.to_owned()));
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Serves a request under `/_local/`; `None` when the path is not one of ours.
    pub async fn handle(
        &self,
        method: &http::Method,
        path: &str,
        query: Option<&str>,
        headers: &http::HeaderMap,
        body: &[u8],
    ) -> Option<Answer> {
        let answer = match (method.as_str(), path) {
            ("GET", "/_local/outbox") => self.list(query).await,
            ("POST", "/_local/outbox/mode") => self.set_mode(body),
            ("GET", "/_local/pushes") => (StatusCode::OK, json!(self.lock().pushes)),
            ("GET", "/_local/pushes/held") => (StatusCode::OK, json!({ "held": self.lock().held })),
            ("POST", "/_local/pushes/hold") => self.hold(true),
            ("POST", "/_local/pushes/release") => self.hold(false),
            ("POST", p) if p.starts_with("/_local/push/") => self.push(p, headers, body).await,
            ("POST", p) if p == format!("{GUPSHUP_PREFIX}/wa/api/v1/template/msg") => {
                self.gupshup_send(headers, body).await
            }
            _ => return None,
        };
        Some(answer)
    }

    fn set_mode(&self, body: &[u8]) -> Answer {
        #[derive(Deserialize)]
        struct Change {
            whatsapp: Mode,
        }
        match serde_json::from_slice::<Change>(body) {
            Ok(change) => {
                self.lock().mode = change.whatsapp;
                (StatusCode::OK, json!({ "whatsapp": change.whatsapp }))
            }
            Err(err) => (
                StatusCode::BAD_REQUEST,
                json!({ "error": { "code": "invalid", "message": format!("send {{\"whatsapp\": \"deliver\"|\"fail\"|\"silent\"|\"timeout\"}}: {err}") } }),
            ),
        }
    }

    /// Gupshup's `POST /wa/api/v1/template/msg`, checked for the fields the real API requires.
    async fn gupshup_send(&self, headers: &http::HeaderMap, body: &[u8]) -> Answer {
        let refuse = |message: &str| {
            (
                StatusCode::BAD_REQUEST,
                json!({ "status": "error", "message": message }),
            )
        };
        if headers.get("apikey").is_none_or(|key| key.is_empty()) {
            return (
                StatusCode::UNAUTHORIZED,
                json!({ "status": "error", "message": "Authentication Failed" }),
            );
        }
        let form: HashMap<String, String> = form_urlencoded::parse(body).into_owned().collect();
        for field in ["channel", "source", "destination", "src.name", "template"] {
            if form.get(field).is_none_or(|value| value.is_empty()) {
                return refuse(&format!("Missing {field}"));
            }
        }
        if form["channel"] != "whatsapp" {
            return refuse("Invalid channel");
        }
        let template: Value = match serde_json::from_str(&form["template"]) {
            Ok(template) => template,
            Err(_) => return refuse("Invalid template"),
        };
        let Some(code) = template["params"].get(0).and_then(Value::as_str) else {
            return refuse("Template params missing");
        };
        let mode = self.lock().mode;
        match mode {
            Mode::Fail => {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    json!({ "status": "error", "message": "stand-in told to fail" }),
                );
            }
            Mode::Timeout => tokio::time::sleep(Duration::from_secs(60)).await,
            Mode::Deliver | Mode::Undeliverable | Mode::Silent => {}
        }
        let message_id = format!("local-{}", Timestamp::now().as_nanosecond());
        let reports: &[&str] = match mode {
            Mode::Deliver => &["sent", "delivered"],
            Mode::Undeliverable => &["failed"],
            Mode::Fail | Mode::Silent | Mode::Timeout => &[],
        };
        if let Some((url, secret)) = self.webhook.clone().filter(|_| !reports.is_empty()) {
            let events: Vec<Value> = reports
                .iter()
                .map(|kind| delivery_event(&message_id, kind, &form["destination"]))
                .collect();
            tokio::spawn(report(self.http.clone(), url, secret, events));
        }
        self.lock().whatsapp.push(Message {
            to: format!("+{}", form["destination"]),
            channel: "whatsapp",
            text: concierge::delivery::code_text(code),
            at: Timestamp::now(),
        });
        (
            StatusCode::ACCEPTED,
            json!({ "status": "submitted", "messageId": message_id }),
        )
    }

    /// Holds every push from now on until released, or releases those held.
    fn hold(&self, holding: bool) -> Answer {
        self.holding.send_replace(holding);
        (StatusCode::OK, json!({ "holding": holding }))
    }

    /// A push service taking a push (or saying the subscription is gone, failing, redirecting).
    async fn push(&self, path: &str, headers: &http::HeaderMap, body: &[u8]) -> Answer {
        let mut holding = self.holding.subscribe();
        if *holding.borrow_and_update() {
            self.lock().held += 1;
            // The sender lives as long as the outbox, so this ends only on a release.
            let _ = holding.wait_for(|holding| !*holding).await;
            self.lock().held -= 1;
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let rest = |prefix: &str| path.strip_prefix(prefix).map(str::to_owned);
        let (status, answer) = if path.starts_with("/_local/push/gone/") {
            (StatusCode::GONE, json!({}))
        } else if path.starts_with("/_local/push/fail/") {
            (StatusCode::INTERNAL_SERVER_ERROR, json!({}))
        } else if let Some(target) = rest("/_local/push/redirect/") {
            (
                StatusCode::TEMPORARY_REDIRECT,
                json!({ "location": format!("/_local/push/{target}") }),
            )
        } else {
            (StatusCode::CREATED, json!({}))
        };
        self.lock().pushes.push(Push {
            path: path.to_owned(),
            encoding: header("content-encoding"),
            authorization: header("authorization"),
            bytes: body.len(),
            body: body.to_vec(),
            status: status.as_u16(),
            at: Timestamp::now(),
        });
        (status, answer)
    }

    /// Every message sent, WhatsApp and SMS, oldest first; only those to `to` when the query
    /// names one.
    async fn list(&self, query: Option<&str>) -> Answer {
        let to = query.and_then(|query| {
            form_urlencoded::parse(query.as_bytes())
                .find(|(name, _)| name == "to")
                .map(|(_, value)| value.into_owned())
        });
        let sms = match self.sms().await {
            Ok(sms) => sms,
            Err(err) => {
                return (
                    StatusCode::BAD_GATEWAY,
                    json!({ "error": { "code": "bad_gateway", "message": format!("the emulator's SMS are unreadable: {err}") } }),
                );
            }
        };
        let mut messages: Vec<Message> = self.lock().whatsapp.clone();
        messages.extend(sms);
        messages.retain(|message| to.as_ref().is_none_or(|to| &message.to == to));
        messages.sort_by_key(|message| message.at);
        (StatusCode::OK, json!(messages))
    }

    /// The SMS the SNS emulator has kept.
    async fn sms(&self) -> Result<Vec<Message>, String> {
        let sent: Vec<Value> = self
            .http
            .get(format!("{}/_emulator/sms", self.emulator))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let mut state = self.lock();
        Ok(sent
            .iter()
            .map(|sms| {
                let id = sms["message_id"].as_str().unwrap_or_default().to_owned();
                let at = *state.sms_seen.entry(id).or_insert_with(Timestamp::now);
                Message {
                    to: sms["phone_number"].as_str().unwrap_or_default().to_owned(),
                    channel: "sms",
                    text: sms["message"].as_str().unwrap_or_default().to_owned(),
                    at,
                }
            })
            .collect())
    }
}

/// A Gupshup v2 delivery event about our message `message_id`.
fn delivery_event(message_id: &str, kind: &str, destination: &str) -> Value {
    let (id, gs_id) = if kind == "failed" {
        (message_id.to_owned(), None)
    } else {
        (format!("wamid.{message_id}"), Some(message_id.to_owned()))
    };
    let details = if kind == "failed" {
        json!({ "code": 1002, "reason": "Number does not exist on WhatsApp" })
    } else {
        json!({ "ts": Timestamp::now().as_second() })
    };
    json!({
        "app": "concierge-local",
        "timestamp": Timestamp::now().as_millisecond(),
        "version": 2,
        "type": "message-event",
        "payload": { "id": id, "gsId": gs_id, "type": kind, "destination": destination, "payload": details },
    })
}

/// Posts delivery events to our webhook a moment after the send, in order, as Gupshup would.
async fn report(http: reqwest::Client, url: String, secret: String, events: Vec<Value>) {
    tokio::time::sleep(Duration::from_millis(100)).await;
    for event in events {
        let sent = http
            .post(&url)
            .header(concierge::webhooks::gupshup::SECRET_HEADER, &secret)
            .json(&event)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => {}
            Ok(response) => {
                tracing::warn!(status = %response.status(), "the webhook refused a delivery event")
            }
            Err(err) => tracing::warn!(%err, "a delivery event could not be posted"),
        }
    }
}
