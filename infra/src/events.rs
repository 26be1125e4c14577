//! `make events`: the samples in `events/` given a real session of a running local stack, so
//! `cargo lambda invoke --data-file events/<function>.json` against `cargo lambda watch` shows
//! each route's real answer. The committed samples carry placeholders (`<access token from a
//! login>`, `<csrf token>`) and ids that name nothing; `refresh` puts in the tokens of a demo
//! login of the right role and ids of things the demo stack has, and leaves everything else
//! (method, body, headers) as written.

use std::collections::BTreeMap;

use concierge::routes;
use serde_json::{Value, json};

use crate::login::{self, Session};

/// The demo logins the samples act as.
pub struct Logins {
    pub superadmin: Session,
    /// A second superadmin session, for the samples that end or rotate theirs.
    pub superadmin_spare: Session,
    /// STAFF of housekeeping, whom a guest's housekeeping request notifies.
    pub staff: Session,
    pub guest: Session,
    pub operator: Session,
}

/// Real values for the samples' path parameters, by name (`request`, `member`, ...).
pub type PathValues = BTreeMap<&'static str, String>;

/// Signs in to the local stack at `origin` (its API under `/api/v1`) as the demo users and
/// makes what the samples need: two requests of a guest (one to work, one to cancel) and a
/// push subscription of the superadmin.
pub async fn prepare(
    http: &reqwest::Client,
    origin: &str,
    push_subscription: &Value,
) -> Result<(Logins, PathValues), String> {
    let base = format!("{origin}/api/v1");
    let superadmin = login::staff_session(http, &base, "admin@demo.test").await?;
    let bearer = |session: &Session| format!("Bearer {}", session.access_token);
    let get = |path: String, session: &Session| {
        let request = http
            .get(format!("{base}{path}"))
            .header("authorization", bearer(session));
        async move { answer(request).await }
    };
    let members = get("/hotels/demo/admin/members".into(), &superadmin).await?;
    let manager = find(&members, |m| m["role"] == "ADMIN", "user")?;
    let qr_codes = get("/hotels/demo/admin/qr-codes".into(), &superadmin).await?;
    let qr = find(&qr_codes, |q| q["active"] == true, "code")?;
    let experiences = get("/hotels/demo/admin/experiences".into(), &superadmin).await?;
    let experience = find(&experiences, |_| true, "id")?;

    // A phone no demo login uses, new each run (codes are rate limited per phone).
    let phone = format!("+1212555{:04}", jiff::Timestamp::now().as_second() % 10_000);
    let guest = login::guest_session(http, &base, origin, &qr, &phone, "Sample Guest").await?;
    let mut requests = Vec::new();
    for _ in 0..2 {
        let created = answer(
            http.post(format!("{base}/hotels/demo/requests"))
                .header("authorization", bearer(&guest))
                .header("idempotency-key", format!("sample-{}", requests.len()))
                .json(&json!({ "department": "housekeeping", "details": "A sample request" })),
        )
        .await?;
        requests.push(field(&created, "id")?);
    }
    let stays = get("/me/stays".into(), &guest).await?;
    let stay = find(&stays, |_| true, "id")?;
    let staff = login::staff_session(http, &base, "staff@demo.test").await?;
    let notifications = get("/notifications".into(), &staff).await?;
    let notification = find(&notifications, |_| true, "id")?;
    // Its pushes go to the local push-service stand-in, never out of the machine.
    let mut push_subscription = push_subscription.clone();
    push_subscription["endpoint"] = Value::String(format!("{origin}/_local/push/sample"));
    let subscription = answer(
        http.post(format!("{base}/push/subscriptions"))
            .header("authorization", bearer(&superadmin))
            .json(&push_subscription),
    )
    .await?;
    let logins = Logins {
        superadmin_spare: login::staff_session(http, &base, "admin@demo.test").await?,
        superadmin,
        staff,
        guest,
        operator: login::staff_session(http, &base, "operator@demo.test").await?,
    };
    let values = PathValues::from([
        ("hotel", "demo".to_owned()),
        ("member", manager),
        ("qr", qr),
        ("experience", experience),
        ("request", requests[0].clone()),
        ("stay", stay),
        ("notification", notification),
        ("subscription", field(&subscription, "id")?),
        ("department", "spa".to_owned()),
        // The guest cancels the second request; the staff samples work the first.
        ("cancelled", requests[1].clone()),
    ]);
    Ok((logins, values))
}

/// Who a function's sample acts as, by its route.
fn session_for<'a>(function: &str, path: &str, logins: &'a Logins) -> &'a Session {
    if path.starts_with("/api/v1/operator/") {
        &logins.operator
    } else if path.starts_with("/api/v1/me/") || function == "requests-create" {
        &logins.guest
    } else if path.starts_with("/api/v1/notifications") {
        &logins.staff
    } else if matches!(function, "auth-logout" | "auth-refresh") {
        &logins.superadmin_spare
    } else {
        &logins.superadmin
    }
}

/// Whether a sample acts in a session: it sends a session cookie.
pub fn needs_session(sample: &Value) -> bool {
    sample["cookies"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|cookie| {
            cookie
                .as_str()
                .is_some_and(|c| c.starts_with("access_token=") || c.starts_with("refresh_token="))
        })
}

/// `sample`, the event of `function` (route `path`), acting as its demo login, naming the things
/// in `values`, from browser `origin` (one the stack trusts).
pub fn refresh(
    function: &str,
    path: &'static str,
    sample: &mut Value,
    logins: &Logins,
    values: &PathValues,
    origin: &str,
) {
    let session = session_for(function, path, logins);
    if let Some(cookies) = sample.get_mut("cookies").and_then(Value::as_array_mut) {
        for cookie in cookies {
            let Some((name, _)) = cookie.as_str().and_then(|c| c.split_once('=')) else {
                continue;
            };
            let value = match name {
                "access_token" => &session.access_token,
                "refresh_token" => &session.refresh_token,
                "csrftoken" => &session.csrf_token,
                _ => continue,
            };
            *cookie = Value::String(format!("{name}={value}"));
        }
    }
    if let Some(headers) = sample.get_mut("headers").and_then(Value::as_object_mut) {
        if let Some(csrf) = headers.get_mut("x-csrftoken") {
            *csrf = Value::String(session.csrf_token.clone());
        }
        if let Some(sent_from) = headers.get_mut("origin") {
            *sent_from = Value::String(origin.to_owned());
        }
    }
    if function == "stays-update" {
        extend_by_a_month(sample);
    }
    let mut values = values.clone();
    if function == "requests-cancel"
        && let Some(cancelled) = values.get("cancelled").cloned()
    {
        values.insert("request", cancelled);
    }
    if let Some(parameters) = sample
        .get_mut("pathParameters")
        .and_then(Value::as_object_mut)
    {
        for (name, value) in parameters.iter_mut() {
            if let Some(real) = values.get(name.as_str()) {
                *value = Value::String(real.clone());
            }
        }
    }
    let raw_path: String = path
        .split('/')
        .map(|segment| {
            segment
                .strip_prefix('{')
                .and_then(|s| s.strip_suffix('}'))
                .and_then(|name| values.get(name).cloned())
                .unwrap_or_else(|| segment.to_owned())
        })
        .collect::<Vec<_>>()
        .join("/");
    if routes::match_path(path, &raw_path).is_some() {
        if let Some(http_path) = sample.pointer_mut("/requestContext/http/path") {
            *http_path = Value::String(raw_path.clone());
        }
        if let Some(raw) = sample.get_mut("rawPath") {
            *raw = Value::String(raw_path);
        }
    }
}

/// A stay extension names a time to come, past the stay's check-out (days away): the sample's,
/// which has passed, moves to a month from now.
fn extend_by_a_month(sample: &mut Value) {
    let Some(body) = sample.get("body").and_then(Value::as_str) else {
        return;
    };
    let old = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|input| input["check_out"].as_str().map(str::to_owned));
    let later = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 30 * 86_400);
    if let (Some(old), Ok(later)) = (old, later) {
        sample["body"] = Value::String(body.replace(&old, &later.to_string()));
    }
}

async fn answer(request: reqwest::RequestBuilder) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{status}: {body}"))
    }
}

fn field(value: &Value, name: &str) -> Result<String, String> {
    value[name]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no `{name}` in {value}"))
}

/// `name` of the first item of a listing that `matches`.
fn find(listing: &Value, matches: impl Fn(&Value) -> bool, name: &str) -> Result<String, String> {
    listing["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|item| matches(item))
        .ok_or_else(|| format!("nothing fits in {listing}"))
        .and_then(|item| field(item, name))
}

/// `refresh` done on a sample's text, so the file keeps its layout and only the tokens, ids and
/// origin change; `None` if the text cannot be carried over exactly (then write the JSON).
pub fn refresh_text(original: &str, refreshed: &Value) -> Option<String> {
    let before: Value = serde_json::from_str(original).ok()?;
    let mut text = original.to_owned();
    let mut swap = |old: &str, new: &str| {
        if old != new {
            text = text.replace(old, new);
        }
    };
    let cookies = |sample: &Value| -> Vec<String> {
        sample["cookies"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect()
    };
    for (old, new) in cookies(&before).iter().zip(cookies(refreshed).iter()) {
        swap(&format!("\"{old}\""), &format!("\"{new}\""));
    }
    for header in ["x-csrftoken", "origin"] {
        if let (Some(old), Some(new)) = (
            before["headers"][header].as_str(),
            refreshed["headers"][header].as_str(),
        ) {
            swap(
                &format!("\"{header}\": \"{old}\""),
                &format!("\"{header}\": \"{new}\""),
            );
        }
    }
    let segments = |sample: &Value| -> Vec<String> {
        sample["rawPath"]
            .as_str()
            .unwrap_or_default()
            .split('/')
            .map(str::to_owned)
            .collect()
    };
    for (old, new) in segments(&before).iter().zip(segments(refreshed).iter()) {
        swap(&format!("/{old}"), &format!("/{new}"));
        swap(&format!("\"{old}\""), &format!("\"{new}\""));
    }
    if let (Some(old), Some(new)) = (before["body"].as_str(), refreshed["body"].as_str()) {
        let escaped = |body: &str| serde_json::to_string(body).unwrap_or_default();
        swap(&escaped(old), &escaped(new));
    }
    (serde_json::from_str::<Value>(&text).ok()? == *refreshed).then_some(text)
}
