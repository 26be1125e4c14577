//! The local API: an HTTP server that does what API Gateway does for the deployed stack. It
//! turns each request into the API Gateway (HTTP API, payload 2.0) event a Lambda would
//! receive, parses it with `lambda_http` exactly as the Lambda runtime does, routes it by the
//! route table (or to the `$default` fallback) and calls the very handler the function binary
//! runs. CORS is answered here, as API Gateway's CORS configuration does in the cloud.
//!
//! Beside the API it serves what the site's distribution does: uploaded images at
//! `/images/<key>` and, with a site, the built web app at every other path (see `site`).
//!
//! Paths under `/_local/` are the local stack's own (the Gupshup and push stand-ins and the
//! outbox, see `outbox`; and, with a runner, `POST /_local/jobs/<job>` to run a job now,
//! `POST /_local/clock {"advance_minutes": n}` to fast-forward (running the periodic jobs it
//! owes), `POST /_local/tick` to poll
//! the queues and fire due schedules now); they exist only here.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use concierge::App;
use concierge::error::Error;
use concierge::http::{HandlerResult, body_bytes, respond};
use concierge::routes::{self, HANDLERS, STREAM_HANDLERS};
use concierge::stream;
use data_encoding::BASE64;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use http_body_util::{BodyExt, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use lambda_http::{Body, RequestExt};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use crate::outbox::{Answer, Outbox};
use crate::runner::Runner;
use crate::site::{IMAGES_PATH, Images, Site};

/// Largest request body API Gateway accepts (10 MB); ours is the same.
pub const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Methods and headers allowed cross-origin, as `template.yaml`'s CorsConfiguration says.
const CORS_METHODS: &str = "GET, POST, PATCH, DELETE";
const CORS_HEADERS: &str = "content-type, x-csrftoken, idempotency-key, last-event-id";

#[derive(Clone)]
pub struct LocalApi {
    app: &'static App,
    outbox: Outbox,
    images: Images,
    runner: Option<Arc<Runner>>,
    site: Option<Site>,
}

impl LocalApi {
    /// Serves the API, the local stack's own endpoints and the images of `app`'s bucket in the
    /// emulator at `emulator`.
    pub fn new(app: &'static App, outbox: Outbox, emulator: &str) -> Self {
        Self {
            app,
            outbox,
            images: Images::new(emulator, &app.config.images.bucket),
            runner: None,
            site: None,
        }
    }

    /// Serves the built web app at every path outside `/api/`, as the site's distribution does.
    pub fn with_site(mut self, site: Site) -> Self {
        self.site = Some(site);
        self
    }

    /// Serves the runner's endpoints too.
    pub fn with_runner(mut self, runner: Arc<Runner>) -> Self {
        self.runner = Some(runner);
        self
    }

    /// Serves connections from `listener` until `shutdown` completes.
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let (stream, peer) = tokio::select! {
                () = &mut shutdown => return,
                accepted = listener.accept() => match accepted {
                    Ok(accepted) => accepted,
                    Err(err) => {
                        tracing::warn!(%err, "accept failed");
                        continue;
                    }
                },
            };
            let api = self.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| {
                    let api = api.clone();
                    async move { Ok::<_, Infallible>(api.handle(peer, req).await) }
                });
                if let Err(err) = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await
                {
                    tracing::debug!(%err, "connection ended with an error");
                }
            });
        }
    }

    async fn handle(
        &self,
        peer: SocketAddr,
        req: hyper::Request<Incoming>,
    ) -> hyper::Response<stream::Body> {
        let started = Instant::now();
        let (parts, body) = req.into_parts();
        let origin = allowed_origin(&self.app.config.allowed_origins, &parts.headers);
        let path = parts.uri.path();
        if path.starts_with("/_local/") {
            return self.local(&parts, body).await;
        }
        if path.starts_with(&format!("{IMAGES_PATH}/")) {
            return self.images.serve(&parts.method, path).await;
        }
        if let Some(site) = self.site.as_ref().filter(|_| !path.starts_with("/api/")) {
            return site.serve(&parts.method, path, &parts.headers).await;
        }
        let mut response = if parts.method == Method::OPTIONS
            && parts
                .headers
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
        {
            to_hyper(preflight(origin.is_some()))
        } else if let Some((index, params)) =
            routes::find_stream(parts.method.as_str(), parts.uri.path())
        {
            // What the Function URL gives the stream function: the same event, unrouted.
            let event = api_gateway_event(peer, &parts, "$default", Map::new(), &[]);
            match lambda_http::request::from_str(&event.to_string()) {
                Ok(request) => {
                    let request = request.with_path_parameters(
                        params
                            .into_iter()
                            .map(|(name, value)| (name.to_owned(), value))
                            .collect::<HashMap<_, _>>(),
                    );
                    match self.app.ready().await {
                        Ok(()) => stream::respond(STREAM_HANDLERS[index](self.app, request).await),
                        Err(err) => stream::respond(Err(err)),
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, "the request did not make a valid Function URL event");
                    to_hyper(respond(Err(Error::invalid(
                        "The request could not be read.",
                    ))))
                }
            }
        } else {
            let response = match Limited::new(body, MAX_BODY_BYTES).collect().await {
                Ok(collected) => self.invoke(peer, &parts, collected.to_bytes()).await,
                Err(_) => respond(Err(Error::PayloadTooLarge)),
            };
            to_hyper(response)
        };
        if let Some(origin) = origin {
            let headers = response.headers_mut();
            headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_CREDENTIALS,
                HeaderValue::from_static("true"),
            );
            headers.append(header::VARY, HeaderValue::from_static("origin"));
        }
        tracing::info!(
            method = %parts.method,
            path = parts.uri.path(),
            status = response.status().as_u16(),
            ms = started.elapsed().as_millis() as u64,
            "request"
        );
        response
    }

    /// The local stack's own endpoints.
    async fn local(
        &self,
        parts: &http::request::Parts,
        body: Incoming,
    ) -> hyper::Response<stream::Body> {
        let body = match Limited::new(body, MAX_BODY_BYTES).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => return to_hyper(respond(Err(Error::PayloadTooLarge))),
        };
        let answer = match &self.runner {
            Some(runner) => runner_endpoint(runner, &parts.method, parts.uri.path(), &body).await,
            None => None,
        };
        let answer = match answer {
            Some(answer) => Some(answer),
            None => {
                self.outbox
                    .handle(
                        &parts.method,
                        parts.uri.path(),
                        parts.uri.query(),
                        &parts.headers,
                        &body,
                    )
                    .await
            }
        };
        let (status, json) = answer.unwrap_or_else(|| {
            let error = Error::NotFound("Route");
            (
                error.status(),
                serde_json::to_value(error.body()).unwrap_or_default(),
            )
        });
        let mut response = hyper::Response::new(stream::full(Bytes::from(json.to_string())));
        *response.status_mut() = status;
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        // A redirecting answer names its target in `location`.
        let location = json["location"]
            .as_str()
            .filter(|_| status.is_redirection());
        if let Some(Ok(location)) = location.map(HeaderValue::from_str) {
            response.headers_mut().insert(header::LOCATION, location);
        }
        response
    }

    /// Does what API Gateway and the Lambda runtime do between them for one request.
    async fn invoke(
        &self,
        peer: SocketAddr,
        parts: &http::request::Parts,
        body: Bytes,
    ) -> lambda_http::Response<Body> {
        let path = parts.uri.path();
        let matched = routes::find(parts.method.as_str(), path);
        let route_key = match &matched {
            Some((index, _)) => {
                let route = &routes::ROUTES[*index];
                format!("{} {}", route.method, route.path)
            }
            None => "$default".to_owned(),
        };
        let params: Map<String, Value> = matched
            .as_ref()
            .map(|(_, params)| {
                params
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), Value::from(value.as_str())))
                    .collect()
            })
            .unwrap_or_default();
        let event = api_gateway_event(peer, parts, &route_key, params, &body);
        let request = match lambda_http::request::from_str(&event.to_string()) {
            Ok(request) => request,
            Err(err) => {
                tracing::warn!(%err, "the request did not make a valid API Gateway event");
                return respond(Err(Error::invalid("The request could not be read.")));
            }
        };
        // As the Lambda runtime does (`concierge::lambda`): the secrets before the handler.
        let result: HandlerResult = match matched {
            Some(_) if let Err(err) = self.app.ready().await => Err(err),
            Some((index, _)) => HANDLERS[index](self.app, request).await,
            None => concierge::fallback::handle(self.app, request).await,
        };
        respond(result)
    }
}

/// The API Gateway HTTP API (payload format 2.0) event for a request.
fn api_gateway_event(
    peer: SocketAddr,
    parts: &http::request::Parts,
    route_key: &str,
    path_parameters: Map<String, Value>,
    body: &[u8],
) -> Value {
    let mut headers = Map::new();
    let mut cookies = Vec::new();
    for (name, value) in &parts.headers {
        let Ok(value) = value.to_str() else { continue };
        if name == header::COOKIE {
            cookies.extend(
                value
                    .split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(Value::from),
            );
            continue;
        }
        headers
            .entry(name.as_str())
            .and_modify(|joined| {
                if let Value::String(joined) = joined {
                    joined.push(',');
                    joined.push_str(value);
                }
            })
            .or_insert_with(|| Value::from(value));
    }
    headers.insert("x-forwarded-for".into(), peer.ip().to_string().into());
    headers.insert("x-forwarded-proto".into(), "http".into());
    let now = jiff::Timestamp::now();
    let (body, is_base64) = match std::str::from_utf8(body) {
        Ok(text) => (text.to_owned(), false),
        Err(_) => (BASE64.encode(body), true),
    };
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": parts.uri.query().unwrap_or(""),
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost"),
            "domainPrefix": "local",
            "http": {
                "method": parts.method.as_str(),
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": peer.ip().to_string(),
                "userAgent": parts.headers.get(header::USER_AGENT).and_then(|h| h.to_str().ok()).unwrap_or(""),
            },
            "requestId": format!("local-{}", now.as_nanosecond()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.as_millisecond(),
        },
        "isBase64Encoded": is_base64,
    });
    if !cookies.is_empty() {
        event["cookies"] = Value::Array(cookies);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = Value::Object(path_parameters);
    }
    if !body.is_empty() {
        event["body"] = Value::from(body);
    }
    event
}

/// The request's `Origin` when it is one the configuration allows.
fn allowed_origin(allowed: &[String], headers: &HeaderMap) -> Option<HeaderValue> {
    let origin = headers.get(header::ORIGIN)?;
    let text = origin.to_str().ok()?;
    allowed.iter().any(|a| a == text).then(|| origin.clone())
}

fn preflight(allowed: bool) -> lambda_http::Response<Body> {
    let mut response = lambda_http::Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    if allowed {
        let headers = response.headers_mut();
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static(CORS_METHODS),
        );
        headers.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static(CORS_HEADERS),
        );
        headers.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("600"),
        );
    }
    response
}

fn to_hyper(response: lambda_http::Response<Body>) -> hyper::Response<stream::Body> {
    let (parts, body) = response.into_parts();
    hyper::Response::from_parts(parts, stream::full(body_bytes(body)))
}

/// The runner's endpoints; `None` when the path is not one of them.
async fn runner_endpoint(
    runner: &Runner,
    method: &Method,
    path: &str,
    body: &[u8],
) -> Option<Answer> {
    let refused = |status: StatusCode, code: &str, message: String| {
        (
            status,
            json!({ "error": { "code": code, "message": message } }),
        )
    };
    // The details are in the stack's log; a body never carries an SDK's words.
    let emulator_failed = |err: crate::runner::RunnerError| {
        refused(
            StatusCode::BAD_GATEWAY,
            "emulator_failed",
            format!("{err}; the stack's log has the details. Try again."),
        )
    };
    let answer = match (method.as_str(), path) {
        ("POST", "/_local/tick") => {
            let messages = runner.poll_queue().await;
            let pushes = runner.poll_push_queue().await;
            let schedules = runner.fire_due_schedules().await;
            match (messages, pushes, schedules) {
                (Ok(messages), Ok(pushes), Ok(schedules)) => (
                    StatusCode::OK,
                    json!({ "messages": messages, "push_messages": pushes, "schedules": schedules }),
                ),
                (Err(err), _, _) | (_, Err(err), _) | (_, _, Err(err)) => emulator_failed(err),
            }
        }
        ("POST", "/_local/clock") => {
            #[derive(serde::Deserialize)]
            struct Advance {
                advance_minutes: u32,
            }
            match serde_json::from_slice::<Advance>(body) {
                Ok(advance) => {
                    let by = jiff::SignedDuration::from_mins(i64::from(advance.advance_minutes));
                    match runner.advance(by).await {
                        Some((now, jobs)) => {
                            (StatusCode::OK, json!({ "now": now, "jobs_run": jobs }))
                        }
                        None => refused(
                            StatusCode::CONFLICT,
                            "clock_fixed",
                            "This stack's clock cannot move.".into(),
                        ),
                    }
                }
                Err(_) => refused(
                    StatusCode::BAD_REQUEST,
                    "invalid",
                    "Send {\"advance_minutes\": n}, n a whole number of minutes from 0.".into(),
                ),
            }
        }
        ("POST", p) if p.starts_with("/_local/jobs/") => {
            let name = &p["/_local/jobs/".len()..];
            match runner
                .run_job(name, concierge::jobs::JobEvent::default())
                .await
            {
                Some(Ok(report)) => (StatusCode::OK, json!(report)),
                Some(Err(err)) => {
                    tracing::warn!(%err, job = name, "a job run asked for failed");
                    refused(
                        StatusCode::BAD_GATEWAY,
                        "job_failed",
                        format!(
                            "The job failed ({}); the stack's log has the details.",
                            err.code()
                        ),
                    )
                }
                None => refused(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    format!(
                        "There is no job {name:?}; the jobs are {}.",
                        concierge::jobs::JOBS.map(|job| job.name).join(", ")
                    ),
                ),
            }
        }
        _ => return None,
    };
    Some(answer)
}
