//! Handler CPU per request: the CPU time our own thread spends on one invocation of a route's
//! handler — the handler, and the SDK building, signing and sending its DynamoDB requests and
//! parsing the answers — measured in this process on a current-thread runtime (as a Lambda runs
//! one invocation at a time). The emulator runs in another process, so its CPU is not counted.
//!
//! The local stack is set up as the stream benchmark does (emulator, demo hotels, local API for
//! the logins); each measured request is then built as API Gateway would deliver it and handed
//! to the route's handler directly, N times over.
//!
//! `cargo run --release -p concierge-infra --bin concierge-cpu -- --iterations 200`

use std::time::{Duration, Instant};

use clap::Parser as _;
use concierge::App;
use concierge::http::respond;
use concierge::routes::{self, HANDLERS};
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator};
use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::{LOCAL_SECRET, LOCAL_WEBHOOK_SECRET, demo, local_app, local_config, login};
use serde_json::{Value, json};

#[derive(clap::Parser)]
#[command(about = "Measure each typical route's handler CPU time per request")]
struct Args {
    /// Invocations per route.
    #[arg(long, default_value_t = 200)]
    iterations: usize,
    /// Send the app's AWS calls through a proxy on another thread that keeps connections
    /// open (the emulator closes each after one answer; DynamoDB does not).
    #[arg(long)]
    keep_alive: bool,
    /// Stop after the bare SDK calls.
    #[arg(long)]
    sdk_only: bool,
    /// A running emulator to use instead of starting one.
    #[arg(long, env = ENDPOINT_VAR)]
    emulator: Option<String>,
}

/// This thread's CPU time so far.
fn thread_cpu() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill in.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID)");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?
        .block_on(run(args))
}

/// Who sends a request.
#[derive(Clone, Copy)]
enum Caller<'a> {
    Anonymous,
    Bearer(&'a str),
}

/// One invocation's figures.
struct Sample {
    parse_cpu: Duration,
    cpu: Duration,
    wall: Duration,
}

async fn run(args: Args) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let origin = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let emulator = Emulator::connect_or_start(args.emulator)?;
    let table = format!("cpu-{}", jiff::Timestamp::now().as_millisecond());
    let mut config = local_config(&table, &origin, LOCAL_SECRET)?;
    // The run outlasts an access token (the emulator slows as the table grows); a longer
    // one costs the same to check.
    config.sessions.access_ttl = Duration::from_secs(4 * 3600);
    let aws = if args.keep_alive {
        keep_alive_stub(Some(emulator.endpoint.clone()), Duration::ZERO)?
    } else {
        emulator.endpoint.clone()
    };
    let app: &'static App = Box::leak(Box::new(local_app(&aws, config).await?));
    let summary = demo::seed(app.store.as_ref(), app.clock.as_ref())
        .await
        .map_err(|e| format!("seeding: {e}"))?;
    let base = format!("{origin}/api/v1");
    let outbox = Outbox::new(&emulator.endpoint)
        .with_webhook(format!("{base}/webhooks/gupshup"), LOCAL_WEBHOOK_SECRET);
    tokio::spawn(
        LocalApi::new(app, outbox, &emulator.endpoint).serve(listener, std::future::pending()),
    );

    let http = reqwest::Client::new();
    let admin = login::staff(&http, &base, "admin@demo.test").await?;
    let staff = login::staff(&http, &base, "staff@demo.test").await?;
    let qr = summary.hotels[0].qr_codes[0].1.to_string();
    let guest = login::guest(&http, &base, &origin, &qr, "+12125550143", "CPU").await?;
    // Let the delivery reports of the guest's code reach the webhook before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;

    let n = args.iterations;
    println!(
        "{n} invocations per route, current-thread runtime; CPU is this thread's \
         (CLOCK_THREAD_CPUTIME_ID) over the handler call and its response's conversion:"
    );
    println!("| route | CPU median | CPU p90 | wall median | event parsing CPU median |");
    println!("|---|---|---|---|---|");
    let started = Instant::now();
    let measure = |label: &str, samples: Vec<Sample>| {
        let cpu = percentiles(samples.iter().map(|s| s.cpu));
        let wall = percentiles(samples.iter().map(|s| s.wall));
        let parse = percentiles(samples.iter().map(|s| s.parse_cpu));
        println!(
            "| {label} | {} µs | {} µs | {} µs | {} µs |",
            cpu.0.as_micros(),
            cpu.1.as_micros(),
            wall.0.as_micros(),
            parse.0.as_micros()
        );
        eprintln!("{label}: done at {} s", started.elapsed().as_secs());
    };
    let ask = json!({ "department": "housekeeping", "details": "Towels, please" });

    let anonymous = Caller::Anonymous;
    let (admin, staff, guest) = (
        Caller::Bearer(&admin),
        Caller::Bearer(&staff),
        Caller::Bearer(&guest),
    );
    let experiences = invoke(
        app,
        anonymous,
        "GET",
        "/api/v1/hotels/demo/experiences",
        None,
    )
    .await?
    .1;
    let experience = experiences["items"][0]["id"]
        .as_str()
        .ok_or("no experience")?
        .to_owned();

    // Where the time goes: a route that calls nothing, and one bare SDK `GetItem` against the
    // emulator (which closes every connection, so each call connects anew) and against a stub
    // on another thread that keeps its connections open (as DynamoDB does).
    let csrf = repeat(app, n, anonymous, "GET", "/api/v1/auth/csrf", None).await?;
    measure("GET /auth/csrf (no DynamoDB call)", csrf);
    let sdk = concierge_infra::emulator::sdk_config(&emulator.endpoint).await;
    let moto = aws_sdk_dynamodb::Client::new(&sdk);
    measure(
        "one SDK GetItem, emulator (a new connection each)",
        bare_get_items(&moto, &table, n).await?,
    );
    for delay in [0, 10] {
        let stub = keep_alive_stub(None, Duration::from_millis(delay))?;
        let stubbed = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&sdk)
                .endpoint_url(stub)
                .build(),
        );
        measure(
            &format!("one SDK GetItem, keep-alive stub answering after {delay} ms"),
            bare_get_items(&stubbed, &table, n).await?,
        );
    }
    if args.sdk_only {
        return Ok(());
    }

    let get = |caller, path: String| (caller, "GET", path, None::<Value>);
    let reads = [
        (
            "GET /hotels/{hotel}",
            get(anonymous, "/api/v1/hotels/demo".into()),
        ),
        (
            "GET /hotels/{hotel}/departments",
            get(anonymous, "/api/v1/hotels/demo/departments".into()),
        ),
        (
            "GET /hotels/{hotel}/experiences",
            get(anonymous, "/api/v1/hotels/demo/experiences".into()),
        ),
        (
            "GET /hotels/{hotel}/experiences/{id}",
            get(
                anonymous,
                format!("/api/v1/hotels/demo/experiences/{experience}"),
            ),
        ),
        ("GET /qr/{code}", get(anonymous, format!("/api/v1/qr/{qr}"))),
        (
            "GET /auth/profile (staff)",
            get(staff, "/api/v1/auth/profile".into()),
        ),
    ];
    for (label, (caller, method, path, body)) in reads {
        let samples = repeat(app, n, caller, method, &path, body.as_ref()).await?;
        measure(label, samples);
    }

    // The guest asks N times; the N requests are then acknowledged, one each.
    let created = repeat(
        app,
        n,
        guest,
        "POST",
        "/api/v1/hotels/demo/requests",
        Some(&ask),
    )
    .await?;
    measure("POST /hotels/{hotel}/requests", created);
    let mine = repeat(app, n, guest, "GET", "/api/v1/me/requests", None).await?;
    measure("GET /me/requests (50 of them)", mine);
    let listing = repeat(
        app,
        n,
        staff,
        "GET",
        "/api/v1/hotels/demo/admin/requests",
        None,
    )
    .await?;
    measure("GET …/admin/requests (STAFF, 50 a page)", listing);
    let listing = repeat(
        app,
        n,
        admin,
        "GET",
        "/api/v1/hotels/demo/admin/requests",
        None,
    )
    .await?;
    measure("GET …/admin/requests (admin, 50 a page)", listing);

    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    while ids.len() < n {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/me/requests?limit=100&cursor={cursor}"),
            None => "/api/v1/me/requests?limit=100".to_owned(),
        };
        let (_, page) = invoke(app, guest, "GET", &path, None).await?;
        for item in page["items"].as_array().ok_or("no items")? {
            ids.push(item["id"].as_str().ok_or("no id")?.to_owned());
        }
        cursor = page["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
    }
    let mut acknowledged = Vec::new();
    for id in ids.iter().take(n) {
        let path = format!("/api/v1/hotels/demo/admin/requests/{id}/acknowledge");
        acknowledged.push(once(app, staff, "POST", &path, Some(&json!({}))).await?);
    }
    measure("POST …/acknowledge", acknowledged);
    let detail = format!("/api/v1/hotels/demo/admin/requests/{}", ids[0]);
    let details = repeat(app, n, staff, "GET", &detail, None).await?;
    measure("GET …/admin/requests/{id}", details);
    let unread = repeat(
        app,
        n,
        staff,
        "GET",
        "/api/v1/notifications/unread-count",
        None,
    )
    .await?;
    measure("GET /notifications/unread-count", unread);
    let notifications = repeat(app, n, staff, "GET", "/api/v1/notifications", None).await?;
    measure("GET /notifications (50 a page)", notifications);
    let dashboard = repeat(
        app,
        n,
        admin,
        "GET",
        "/api/v1/hotels/demo/admin/dashboard",
        None,
    )
    .await?;
    measure(
        &format!("GET …/admin/dashboard ({n} requests this week)"),
        dashboard,
    );

    Ok(())
}

/// `n` bare `GetItem`s of the demo hotel, after one to warm up.
async fn bare_get_items(
    client: &aws_sdk_dynamodb::Client,
    table: &str,
    n: usize,
) -> Result<Vec<Sample>, String> {
    use aws_sdk_dynamodb::types::AttributeValue;
    let get = || {
        client
            .get_item()
            .table_name(table)
            .key("PK", AttributeValue::S("HOTEL#demo".into()))
            .key("SK", AttributeValue::S("HOTEL".into()))
            .send()
    };
    get().await.map_err(|e| e.to_string())?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        let wall_started = Instant::now();
        let cpu_started = thread_cpu();
        get().await.map_err(|e| e.to_string())?;
        samples.push(Sample {
            parse_cpu: Duration::ZERO,
            cpu: thread_cpu() - cpu_started,
            wall: wall_started.elapsed(),
        });
    }
    Ok(samples)
}

/// A server on its own thread that keeps connections open and forwards each request to
/// `target`, or without one answers every call as an empty `GetItem` after `delay`; its
/// endpoint.
fn keep_alive_stub(target: Option<String>, delay: Duration) -> Result<String, String> {
    use hyper::server::conn::http1;
    use hyper::service::service_fn;
    use hyper_util::rt::TokioIo;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let endpoint = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime for the stub");
        runtime.block_on(async move {
            let listener =
                tokio::net::TcpListener::from_std(listener).expect("the stub's listener");
            let http = reqwest::Client::new();
            while let Ok((stream, _)) = listener.accept().await {
                let (http, target) = (http.clone(), target.clone());
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let (http, target) = (http.clone(), target.clone());
                        async move {
                            let response = match target {
                                Some(target) => forward(&http, &target, req).await,
                                None => {
                                    tokio::time::sleep(delay).await;
                                    let mut response =
                                        hyper::Response::new(http_body_util::Full::new(
                                            hyper::body::Bytes::from_static(b"{}"),
                                        ));
                                    response.headers_mut().insert(
                                        http::header::CONTENT_TYPE,
                                        http::HeaderValue::from_static(
                                            "application/x-amz-json-1.0",
                                        ),
                                    );
                                    response
                                }
                            };
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    Ok(endpoint)
}

/// `req` sent on to `target`, and its answer.
async fn forward(
    http: &reqwest::Client,
    target: &str,
    req: hyper::Request<hyper::body::Incoming>,
) -> hyper::Response<http_body_util::Full<hyper::body::Bytes>> {
    use http_body_util::BodyExt;
    let (parts, body) = req.into_parts();
    let answer = async {
        let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
        let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        let mut request = http
            .request(parts.method, format!("{target}{path}"))
            .body(body);
        for (name, value) in &parts.headers {
            if name != http::header::HOST && name != http::header::CONTENT_LENGTH {
                request = request.header(name, value);
            }
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let mut answer = hyper::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            if name == http::header::CONTENT_TYPE || name.as_str().starts_with("x-amz") {
                answer = answer.header(name, value);
            }
        }
        let bytes = response.bytes().await.map_err(|e| e.to_string())?;
        answer
            .body(http_body_util::Full::new(bytes))
            .map_err(|e| e.to_string())
    };
    answer.await.unwrap_or_else(|err| {
        let mut response = hyper::Response::new(http_body_util::Full::new(err.into()));
        *response.status_mut() = http::StatusCode::BAD_GATEWAY;
        response
    })
}

/// Median and p90.
fn percentiles(values: impl Iterator<Item = Duration>) -> (Duration, Duration) {
    let mut values: Vec<Duration> = values.collect();
    values.sort();
    if values.is_empty() {
        return (Duration::ZERO, Duration::ZERO);
    }
    let at = |p: usize| values[((values.len() - 1) * p).div_ceil(100)];
    (at(50), at(90))
}

/// `n` invocations of one request.
async fn repeat(
    app: &'static App,
    n: usize,
    caller: Caller<'_>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Vec<Sample>, String> {
    // One unmeasured call first: the connection pool and lazily built parts warm up, as they
    // are after a function's first invocation.
    invoke(app, caller, method, path, body).await?;
    let mut samples = Vec::with_capacity(n);
    for _ in 0..n {
        samples.push(once(app, caller, method, path, body).await?);
    }
    Ok(samples)
}

/// One measured invocation.
async fn once(
    app: &'static App,
    caller: Caller<'_>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<Sample, String> {
    let event = event(caller, method, path, body).to_string();
    let (index, _) = routes::find(method, path.split('?').next().unwrap_or(path))
        .ok_or_else(|| format!("no route {method} {path}"))?;
    let parse_started = thread_cpu();
    let request = lambda_http::request::from_str(&event).map_err(|e| e.to_string())?;
    let parse_cpu = thread_cpu() - parse_started;
    let wall_started = Instant::now();
    let cpu_started = thread_cpu();
    let response = respond(HANDLERS[index](app, request).await);
    let cpu = thread_cpu() - cpu_started;
    let wall = wall_started.elapsed();
    if !response.status().is_success() {
        return Err(format!(
            "{method} {path}: {} {:?}",
            response.status(),
            response.body()
        ));
    }
    Ok(Sample {
        parse_cpu,
        cpu,
        wall,
    })
}

/// An unmeasured invocation; its status and JSON body.
async fn invoke(
    app: &'static App,
    caller: Caller<'_>,
    method: &str,
    path: &str,
    body: Option<&Value>,
) -> Result<(u16, Value), String> {
    let event = event(caller, method, path, body).to_string();
    let (index, _) = routes::find(method, path.split('?').next().unwrap_or(path))
        .ok_or_else(|| format!("no route {method} {path}"))?;
    let request = lambda_http::request::from_str(&event).map_err(|e| e.to_string())?;
    let response = respond(HANDLERS[index](app, request).await);
    let status = response.status().as_u16();
    let bytes = concierge::http::body_bytes(response.into_body());
    if !(200..300).contains(&status) {
        return Err(format!(
            "{method} {path}: {status} {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    Ok((
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    ))
}

/// The API Gateway HTTP API (payload 2.0) event of a request.
fn event(caller: Caller<'_>, method: &str, path: &str, body: Option<&Value>) -> Value {
    let (raw_path, query) = path.split_once('?').unwrap_or((path, ""));
    let (index, params) = routes::find(method, raw_path).unwrap_or((0, Vec::new()));
    let route = &routes::ROUTES[index];
    let mut headers = json!({
        "content-type": "application/json",
        "origin": "http://localhost:5173",
        "user-agent": "concierge-cpu",
        "x-forwarded-for": "127.0.0.1",
        "x-forwarded-proto": "https",
    });
    if let Caller::Bearer(token) = caller {
        headers["authorization"] = Value::from(format!("Bearer {token}"));
    }
    let route_key = format!("{} {}", route.method, route.path);
    let now = jiff::Timestamp::now();
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "cpu",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": raw_path,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "concierge-cpu",
            },
            "requestId": format!("cpu-{}", now.as_nanosecond()),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.as_millisecond(),
        },
        "isBase64Encoded": false,
    });
    if !params.is_empty() {
        event["pathParameters"] = params
            .into_iter()
            .map(|(name, value)| (name.to_owned(), Value::from(value)))
            .collect::<serde_json::Map<_, _>>()
            .into();
    }
    if let Some(body) = body {
        event["body"] = Value::from(body.to_string());
    }
    event
}
