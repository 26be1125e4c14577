//! What an app asks of AWS, seen on the wire: a recording proxy between the app's SDK clients
//! (DynamoDB, SQS, SNS, S3, Scheduler alike) and the emulator. Every request the SDK transmits
//! (retries included) is kept with its service, operation and body, so a test can assert the
//! calls a route makes, and compare them with the IAM actions `template.yaml` grants.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// One request an SDK client transmitted.
#[derive(Debug, Clone)]
pub struct Call {
    /// The signing name: `dynamodb`, `sqs`, `sns`, `s3`, `scheduler`.
    pub service: String,
    /// The API operation: `GetItem`, `SendMessage`, `Publish`, `PutObject`, `CreateSchedule`.
    pub operation: String,
    /// The path of the request (S3's bucket and key, Scheduler's schedule).
    pub path: String,
    /// The JSON body (`Value::Null` when the body is not JSON).
    pub body: Value,
    /// The parameters of a form-encoded (query protocol) body.
    pub form: Vec<(String, String)>,
    /// The query string's parameters.
    pub query: Vec<(String, String)>,
}

impl Call {
    fn of(parts: &http::request::Parts, body: &[u8]) -> Self {
        let header = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        // `Credential=<key>/<date>/<region>/<service>/aws4_request`
        let service = header("authorization")
            .split("Credential=")
            .nth(1)
            .and_then(|scope| scope.split('/').nth(3))
            .unwrap_or("?")
            .to_owned();
        let form: Vec<(String, String)> =
            if header("content-type").starts_with("application/x-www-form-urlencoded") {
                form_urlencoded::parse(body).into_owned().collect()
            } else {
                Vec::new()
            };
        let path = parts.uri.path().to_owned();
        let target = header("x-amz-target");
        let operation = if let Some(operation) = target.rsplit('.').next().filter(|o| !o.is_empty())
        {
            operation.to_owned()
        } else if let Some((_, action)) = form.iter().find(|(k, _)| k == "Action") {
            action.clone()
        } else {
            rest_operation(&service, parts.method.as_str(), &path)
        };
        Call {
            service,
            operation,
            path,
            body: serde_json::from_slice(body).unwrap_or(Value::Null),
            form,
            query: form_urlencoded::parse(parts.uri.query().unwrap_or_default().as_bytes())
                .into_owned()
                .collect(),
        }
    }

    /// A parameter of a form-encoded body.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.form
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The operation of a REST-style request (S3, Scheduler), from its method and path.
fn rest_operation(service: &str, method: &str, path: &str) -> String {
    let segments = path.trim_matches('/').split('/').count();
    let operation = match (service, method) {
        ("s3", "PUT") if segments > 1 => "PutObject",
        ("s3", "GET") if segments > 1 => "GetObject",
        ("s3", "HEAD") if segments > 1 => "HeadObject",
        ("s3", "DELETE") if segments > 1 => "DeleteObject",
        ("s3", "PUT") => "CreateBucket",
        ("scheduler", "POST") if path.starts_with("/schedules/") => "CreateSchedule",
        ("scheduler", "PUT") if path.starts_with("/schedules/") => "UpdateSchedule",
        ("scheduler", "GET") if path.starts_with("/schedules/") => "GetSchedule",
        ("scheduler", "DELETE") if path.starts_with("/schedules/") => "DeleteSchedule",
        ("scheduler", "POST") if path.starts_with("/schedule-groups/") => "CreateScheduleGroup",
        _ => "?",
    };
    if operation == "?" {
        format!("{method} {path}")
    } else {
        operation.to_owned()
    }
}

#[derive(Debug, Default)]
struct Log {
    calls: Vec<Call>,
    /// Calls in flight now, and the most there were at once, by service.
    in_flight: BTreeMap<String, usize>,
    most_in_flight: BTreeMap<String, usize>,
}

/// The recording proxy: give the app `endpoint` instead of the emulator's.
#[derive(Debug, Clone)]
pub struct SdkCalls {
    log: Arc<Mutex<Log>>,
    pub endpoint: String,
}

impl SdkCalls {
    /// Starts a proxy to `upstream` (the emulator) on a free loopback port, for the rest of
    /// the test.
    pub async fn start(upstream: &str) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let endpoint = format!("http://{}", listener.local_addr().expect("address"));
        let calls = Self {
            log: Arc::default(),
            endpoint,
        };
        let proxy = Proxy {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::new(),
            log: calls.log.clone(),
        };
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let proxy = proxy.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let proxy = proxy.clone();
                        async move { Ok::<_, Infallible>(proxy.forward(req).await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        calls
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets what was recorded so far.
    pub fn reset(&self) {
        *self.lock() = Log::default();
    }

    /// The calls since the last reset, in the order they were sent.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The most calls to `service` that were in flight at once since the last reset.
    pub fn most_in_flight(&self, service: &str) -> usize {
        self.lock()
            .most_in_flight
            .get(service)
            .copied()
            .unwrap_or(0)
    }
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    log: Arc<Mutex<Log>>,
}

impl Proxy {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    async fn forward(&self, req: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let body = match body.collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(err) => return failure(&format!("reading the request: {err}")),
        };
        let call = Call::of(&parts, &body);
        let service = call.service.clone();
        {
            let mut log = self.lock();
            log.calls.push(call);
            let in_flight = log.in_flight.entry(service.clone()).or_default();
            *in_flight += 1;
            let now = *in_flight;
            let most = log.most_in_flight.entry(service.clone()).or_default();
            *most = (*most).max(now);
        }
        let answer = self.send(&parts, body).await;
        if let Some(in_flight) = self.lock().in_flight.get_mut(&service) {
            *in_flight = in_flight.saturating_sub(1);
        }
        answer.unwrap_or_else(|err| failure(&err))
    }

    async fn send(
        &self,
        parts: &http::request::Parts,
        body: Bytes,
    ) -> Result<hyper::Response<Full<Bytes>>, String> {
        let url = format!(
            "{}{}",
            self.upstream,
            parts.uri.path_and_query().map_or("/", |p| p.as_str())
        );
        let mut headers = parts.headers.clone();
        // The emulator names its queues after the host it was asked at: the upstream.
        for hop in ["host", "content-length", "connection", "transfer-encoding"] {
            headers.remove(hop);
        }
        let response = self
            .http
            .request(parts.method.clone(), url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .map_err(|err| err.to_string())?;
        let mut answer = hyper::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            if !matches!(
                name.as_str(),
                "content-length" | "transfer-encoding" | "connection"
            ) {
                answer = answer.header(name, value);
            }
        }
        let bytes = response.bytes().await.map_err(|err| err.to_string())?;
        answer.body(Full::new(bytes)).map_err(|err| err.to_string())
    }
}

fn failure(why: &str) -> hyper::Response<Full<Bytes>> {
    let mut response = hyper::Response::new(Full::new(Bytes::from(why.to_owned())));
    *response.status_mut() = http::StatusCode::BAD_GATEWAY;
    response
}
