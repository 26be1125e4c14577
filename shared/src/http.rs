//! The HTTP edge: reading typed input out of a `lambda_http::Request`, and building responses.
//! `respond` is the one place a handler's result becomes a response, for the Lambdas and the
//! local API alike.

use std::net::IpAddr;
use std::str::FromStr;

use http::{HeaderValue, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::error::Category;

use crate::error::{Error, Result};
use crate::secrets::{Secret, secret_eq};
use crate::store::PageRequest;

pub type Response = lambda_http::Response<Body>;

/// A handler's result before `respond` turns errors into the JSON error shape.
pub type HandlerResult = Result<Response>;

/// A path parameter, parsed into its id type (a bad one is a 400 naming the parameter).
pub fn path<T: FromStr<Err = Error>>(req: &Request, name: &str) -> Result<T> {
    req.path_parameters_ref()
        .and_then(|params| params.first(name))
        .ok_or_else(|| Error::field(name, "missing from the path"))?
        .parse()
}

/// A query string parameter, if present. Every parameter of ours takes one value (a list is
/// comma-separated), so one given twice is a 400 rather than a guess at which was meant.
pub fn query<'r>(req: &'r Request, name: &str) -> Result<Option<&'r str>> {
    let Some(values) = req
        .query_string_parameters_ref()
        .and_then(|params| params.all(name))
    else {
        return Ok(None);
    };
    match values.as_slice() {
        [] => Ok(None),
        [value] => Ok(Some(value)),
        _ => Err(Error::field(
            name,
            "give it once (a list is comma-separated)",
        )),
    }
}

/// A query string parameter parsed into its type, if present.
pub fn query_as<T: FromStr<Err = Error>>(req: &Request, name: &str) -> Result<Option<T>> {
    query(req, name)?.map(str::parse).transpose()
}

/// What the site's distribution adds to each request it forwards to the API, valued with the
/// origin secret: the mark of a request that came through it.
pub const ORIGIN_HEADER: &str = "x-concierge-origin";

/// The viewer's address and port, as CloudFront saw the connection (`198.51.100.7:46532`,
/// `2001:db8::1:46532`); CloudFront sets it, replacing any a client sends.
pub const VIEWER_ADDRESS_HEADER: &str = "cloudfront-viewer-address";

/// The caller's IP address. API Gateway's source address, unless the request carries the
/// origin secret (`origin_secret`) in `x-concierge-origin`, compared in constant time: then it
/// came through the site's distribution, whose edge is the source, and the caller is the
/// viewer address CloudFront set. Never from a header a client can set (F39, F43): without the
/// secret, `CloudFront-Viewer-Address` and `X-Forwarded-For` are ignored.
pub fn client_ip(req: &Request, origin_secret: Option<&Secret>) -> String {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    let through_site = origin_secret.is_some_and(|secret| {
        header(ORIGIN_HEADER)
            .is_some_and(|sent| secret_eq(secret.expose().as_bytes(), sent.as_bytes()))
    });
    if through_site && let Some(viewer) = header(VIEWER_ADDRESS_HEADER).and_then(viewer_ip) {
        return viewer.to_string();
    }
    match req.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.http.source_ip.clone(),
        _ => None,
    }
    .unwrap_or_else(|| "unknown".to_owned())
}

/// The address of a `CloudFront-Viewer-Address` value: what is before its last colon (the
/// port follows it).
fn viewer_ip(value: &str) -> Option<IpAddr> {
    let (address, port) = value.trim().rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    address.parse().ok()
}

/// The `limit` and `cursor` query parameters.
pub fn page(req: &Request) -> Result<PageRequest> {
    PageRequest::parse(query(req, "limit")?, query(req, "cursor")?)
}

/// The JSON body as `T`: `application/json`, at most `max_bytes`, UTF-8, well formed, of the
/// right shape. Each failure is a 4xx that says what to fix.
pub fn json<T: DeserializeOwned>(req: &Request, max_bytes: usize) -> Result<T> {
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("application/json") {
        return Err(Error::UnsupportedMediaType(
            "Send the body as JSON with Content-Type: application/json.",
        ));
    }
    let bytes = req.body().as_ref();
    if bytes.len() > max_bytes {
        return Err(Error::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(Error::invalid(
            "The request body is empty; send a JSON object.",
        ));
    }
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::invalid("The request body must be UTF-8."))?;
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            Category::Data => shape_error(&path, &json_problem(&inner)),
            _ => Error::invalid(
                "The request body is not valid JSON: check its quotes, commas and brackets.",
            ),
        }
    })?;
    deserializer
        .end()
        .map_err(|_| Error::invalid("The request body has trailing characters after the JSON."))?;
    Ok(value)
}

/// A PATCH body: `json`, and at least one field. An empty object means the same on every
/// PATCH route: a 400 saying there is nothing to change, before anything is read or written.
pub fn changes<T: DeserializeOwned>(req: &Request, max_bytes: usize) -> Result<T> {
    let fields: std::collections::HashMap<String, serde::de::IgnoredAny> = json(req, max_bytes)?;
    if fields.is_empty() {
        return Err(Error::invalid(
            "Nothing to change: send at least one of the fields this route changes.",
        ));
    }
    json(req, max_bytes)
}

/// serde_json's message without its "at line 1 column 7" position, which only confuses.
fn json_problem(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rfind(" at line ") {
        Some(position) => text[..position].to_owned(),
        None => text,
    }
}

/// A body of the wrong shape, said as what to send instead: the field at fault and what it
/// must be, never the decoder's or a type's own words.
fn shape_error(path: &str, problem: &str) -> Error {
    let named = |prefix: &str| {
        let name = problem.strip_prefix(prefix)?.split('`').next()?;
        Some(if path == "." {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        })
    };
    if let Some(field) = named("missing field `") {
        return Error::field(&field, "is required");
    }
    if let Some(field) = named("duplicate field `") {
        return Error::field(&field, "is given twice; send it once");
    }
    if path == "." || path.starts_with('[') {
        return Error::invalid("The request body must be a JSON object of the documented fields.");
    }
    let field = path;
    // Our own types explain themselves as "Invalid <field>: <problem>"; keep the problem.
    if let Some((head, rest)) = problem.split_once(": ")
        && head.starts_with("Invalid ")
    {
        return Error::field(field, rest);
    }
    let quoted = |text: &str| {
        text.split('`')
            .skip(1)
            .step_by(2)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let explanation = if problem.starts_with("unknown field") {
        match problem.split_once("expected") {
            Some((_, expected)) => format!("is not a field here; send only {}", quoted(expected)),
            None => "is not a field here".to_owned(),
        }
    } else if problem.starts_with("unknown variant") {
        let expected = problem.split_once("expected").map_or("", |(_, e)| e);
        format!("must be one of {}", quoted(expected))
    } else if let Some((_, expected)) = problem.split_once("expected ")
        && (problem.starts_with("invalid type") || problem.starts_with("invalid value"))
    {
        let wanted = match expected {
            "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" => {
                if problem.starts_with("invalid value") {
                    "a whole number in range"
                } else {
                    "a whole number"
                }
            }
            "f32" | "f64" => "a number",
            "a string" | "a borrowed string" => "text",
            "a boolean" => "true or false",
            "a sequence" => "a list",
            "a timestamp string" => "a date and time such as 2026-12-06T14:30:00Z",
            other if other.starts_with("struct ") || other == "a map" => "an object",
            _ => "a value of the documented type",
        };
        format!("must be {wanted}")
    } else if problem.starts_with("invalid length") {
        "has the wrong number of items".to_owned()
    } else if problem.starts_with("failed to parse") {
        // The time library's words: every time we take is RFC 3339.
        "must be a date and time such as 2026-12-06T14:30:00Z".to_owned()
    } else {
        "is not in the documented form".to_owned()
    };
    Error::field(field, explanation)
}

/// A JSON response.
pub fn json_response<T: Serialize>(status: StatusCode, value: &T) -> HandlerResult {
    let body = serde_json::to_vec(value).map_err(Error::internal)?;
    lambda_http::Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::Binary(body))
        .map_err(Error::internal)
}

/// 200 with a JSON body.
pub fn ok<T: Serialize>(value: &T) -> HandlerResult {
    json_response(StatusCode::OK, value)
}

/// 204 with no body.
pub fn no_content() -> HandlerResult {
    empty(StatusCode::NO_CONTENT)
}

/// A response without a body.
pub fn empty(status: StatusCode) -> HandlerResult {
    lambda_http::Response::builder()
        .status(status)
        .body(Body::Empty)
        .map_err(Error::internal)
}

/// Lets shared caches and browsers keep a public response for `seconds`.
pub fn cache_publicly(mut response: Response, seconds: u32) -> Response {
    if let Ok(value) = HeaderValue::from_str(&format!("public, max-age={seconds}")) {
        response.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    response
}

/// A handler's result as the response to send: errors become the JSON error shape (internal
/// ones logged with their cause first), and every response gets the headers all share.
pub fn respond(result: HandlerResult) -> Response {
    let mut response = result.unwrap_or_else(|err| error_response(&err));
    let headers = response.headers_mut();
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The bytes of a buffered body.
pub fn body_bytes(body: Body) -> bytes::Bytes {
    match body {
        Body::Empty => bytes::Bytes::new(),
        Body::Text(text) => bytes::Bytes::from(text),
        Body::Binary(bytes) => bytes::Bytes::from(bytes),
        _ => bytes::Bytes::new(),
    }
}

fn error_response(err: &Error) -> Response {
    match err {
        Error::Internal(source) | Error::Unavailable(source) => {
            tracing::error!(error = %source, status = err.status().as_u16(), "request failed");
        }
        _ => tracing::info!(
            code = err.code(),
            status = err.status().as_u16(),
            "request refused"
        ),
    }
    let body = serde_json::to_vec(&err.body()).unwrap_or_default();
    let mut response = lambda_http::Response::new(Body::Binary(body));
    *response.status_mut() = err.status();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(seconds) = err.retry_after() {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    if let Error::MethodNotAllowed { allow } = err
        && let Ok(value) = HeaderValue::from_str(&allow.join(", "))
    {
        headers.insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Greeting {
        name: String,
        times: u8,
    }

    fn post(content_type: &str, body: &[u8]) -> Request {
        let mut req = Request::new(Body::Binary(body.to_vec()));
        req.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(content_type).unwrap(),
        );
        req
    }

    /// A request from `source` (API Gateway's view) with `headers`.
    fn from(source: &str, headers: &[(&'static str, &str)]) -> Request {
        let mut event: serde_json::Value =
            serde_json::from_str(include_str!("../../events/auth-otp-send.json")).unwrap();
        event["requestContext"]["http"]["sourceIp"] = source.into();
        event["headers"] = serde_json::json!({});
        for (name, value) in headers {
            event["headers"][*name] = (*value).into();
        }
        lambda_http::request::from_str(&event.to_string()).unwrap()
    }

    #[test]
    fn the_viewer_address_counts_only_beside_the_origin_secret() {
        let secret = Secret::new("origin-secret-of-the-site");
        let edge = "130.176.0.10";
        let viewer = [(VIEWER_ADDRESS_HEADER, "198.51.100.7:46532")];
        let through_site = |address: &'static str| {
            [
                (VIEWER_ADDRESS_HEADER, address),
                (ORIGIN_HEADER, "origin-secret-of-the-site"),
            ]
        };
        // Through the site: the viewer, IPv4 or IPv6.
        let req = from(edge, &through_site("198.51.100.7:46532"));
        assert_eq!(client_ip(&req, Some(&secret)), "198.51.100.7");
        let req = from(edge, &through_site("2001:db8::1:46532"));
        assert_eq!(client_ip(&req, Some(&secret)), "2001:db8::1");
        // A viewer address without the secret, with a wrong one, or where no secret is
        // configured is a client's claim: the source address counts.
        assert_eq!(client_ip(&from(edge, &viewer), Some(&secret)), edge);
        let wrong = [viewer[0], (ORIGIN_HEADER, "origin-secret-of-the-sit")];
        assert_eq!(client_ip(&from(edge, &wrong), Some(&secret)), edge);
        assert_eq!(
            client_ip(&from(edge, &through_site("198.51.100.7:1")), None),
            edge
        );
        let forwarded = [
            ("x-forwarded-for", "203.0.113.1"),
            (ORIGIN_HEADER, "origin-secret-of-the-site"),
        ];
        assert_eq!(client_ip(&from(edge, &forwarded), Some(&secret)), edge);
        // A viewer address that is not one is no address.
        for malformed in ["198.51.100.7", "not-an-ip:443", "198.51.100.7:port", ""] {
            let req = from(edge, &through_site(malformed));
            assert_eq!(client_ip(&req, Some(&secret)), edge, "{malformed}");
        }
    }

    fn refused(req: &Request) -> Error {
        json::<Greeting>(req, 64).unwrap_err()
    }

    #[test]
    fn json_bodies_of_the_right_shape_parse() {
        let req = post(
            "application/json; charset=utf-8",
            br#"{"name":"Ana","times":2}"#,
        );
        let greeting = json::<Greeting>(&req, 64).unwrap();
        assert_eq!((greeting.name.as_str(), greeting.times), ("Ana", 2));
    }

    #[test]
    fn bad_bodies_are_clear_client_errors() {
        assert_eq!(refused(&post("text/plain", b"{}")).status(), 415);
        assert_eq!(
            refused(&post("application/json", &[b' '; 65])).status(),
            413
        );
        assert_eq!(refused(&post("application/json", b"")).status(), 400);
        assert_eq!(
            refused(&post("application/json", b"{\"name\":\"\xff\"}")).status(),
            400
        );
        assert_eq!(
            refused(&post("application/json", b"{\"name\":")).status(),
            400
        );
        assert_eq!(refused(&post("application/json", b"{} {}")).status(), 400);
        let unknown = refused(&post(
            "application/json",
            br#"{"name":"Ana","times":2,"x":1}"#,
        ));
        assert_eq!(unknown.status(), 400);
    }

    fn fields_of(body: &[u8]) -> serde_json::Value {
        let err = json::<Greeting>(&post("application/json", body), 256).unwrap_err();
        let body = serde_json::to_value(err.body()).unwrap();
        assert!(
            !body.to_string().contains('`') && !body.to_string().contains("u8"),
            "no decoder words: {body}"
        );
        body["error"]["fields"].clone()
    }

    #[test]
    fn a_body_of_the_wrong_shape_says_what_to_send_per_field() {
        assert_eq!(fields_of(br#"{"times":2}"#)["name"], "is required");
        assert_eq!(
            fields_of(br#"{"name":"A","times":"2"}"#)["times"],
            "must be a whole number"
        );
        assert_eq!(
            fields_of(br#"{"name":"A","times":300}"#)["times"],
            "must be a whole number in range"
        );
        assert_eq!(
            fields_of(br#"{"name":7,"times":2}"#)["name"],
            "must be text"
        );
        assert_eq!(
            fields_of(br#"{"name":"A","times":2,"x":1}"#)["x"],
            "is not a field here; send only name, times"
        );
        assert_eq!(
            fields_of(br#"{"name":"A","name":"B","times":2}"#)["name"],
            "is given twice; send it once"
        );
        let err = json::<Greeting>(&post("application/json", b"[1]"), 256).unwrap_err();
        assert!(err.to_string().contains("JSON object"), "{err}");
    }

    #[test]
    fn errors_become_the_json_shape_with_their_headers() {
        let response = respond(Err(Error::RateLimited {
            retry_after_secs: 30,
        }));
        assert_eq!(response.status(), 429);
        assert_eq!(response.headers()[header::RETRY_AFTER], "30");
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let body: serde_json::Value = serde_json::from_slice(response.body()).unwrap();
        assert_eq!(body["error"]["code"], "rate_limited");
        let response = respond(Err(Error::MethodNotAllowed {
            allow: vec!["GET", "PATCH"],
        }));
        assert_eq!(response.headers()[header::ALLOW], "GET, PATCH");
    }
}
