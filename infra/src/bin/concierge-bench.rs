//! Cold start and package size of every function binary (SPEC §8), printed as Markdown.
//!
//! A minimal Lambda Runtime API on loopback hands each release binary in `target/release/` its
//! sample event (`events/<function>.json`) and times, from just before the process is spawned:
//! its first `GET …/invocation/next` (ready), its first response (or error) POSTed, and its peak
//! resident memory (`VmHWM`, read from `/proc/<pid>/status` when the response arrives, before
//! the process is killed). AWS calls go to the emulator (moto, started as `make dev` starts it)
//! through a counting TCP relay, so a connection opened before the first `GET next` (network
//! at start-up, which SPEC §8 forbids) shows in the table. Each run gets its own Runtime API
//! and relay ports, so nothing the previous process sent late is taken for this one's. A Python baseline
//! (`infra/bench/baseline.py`: a boto3 session and the five clients at import, the health
//! route's query per event) is measured the same way. Runs go round-robin over the functions
//! after one unmeasured warm-up round, so the page cache is warm for all and background load
//! spreads evenly. Then each binary is zipped as `bootstrap` (deflate, as Lambda packages are),
//! and arm64 zips built by `make package` are listed when they exist.
//!
//! `make bench`, or after `cargo build --release --locked -p concierge-functions`:
//! `cargo run --release -p concierge-infra --bin concierge-bench -- --runs 20`

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser as _;
use concierge::jobs::JOBS;
use concierge::routes::{self, CONSUMERS, FALLBACK, ROUTES, STREAMS};
use concierge_infra::emulator::{self, ENDPOINT_VAR, Emulator};
use concierge_infra::package::zip_bootstrap;
use concierge_infra::{LOCAL_SECRET, LOCAL_VAPID_PRIVATE_KEY, bootstrap, local_function_arn};
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

#[derive(clap::Parser)]
#[command(about = "Cold start and zip size of every function binary, with a Python baseline")]
struct Args {
    /// Measured runs per function (after one warm-up run).
    #[arg(long, default_value_t = 20)]
    runs: usize,
    /// The release binaries: `$CARGO_TARGET_DIR/release`, else `target/release`.
    #[arg(long)]
    bin_dir: Option<PathBuf>,
    /// Measure only these functions (comma-separated); all by default.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Skip the Python baseline.
    #[arg(long)]
    no_python: bool,
    /// A running emulator to use instead of starting one.
    #[arg(long, env = ENDPOINT_VAR)]
    emulator: Option<String>,
    /// Where the Markdown report goes too: `target/bench/report.md` by default.
    #[arg(long)]
    out: Option<PathBuf>,
}

/// How long one process gets from spawn to its first response.
const PATIENCE: Duration = Duration::from_secs(10);
/// The name the Python baseline goes by in the tables.
const PYTHON: &str = "python-baseline";

/// One process to measure: a function binary, or the Python baseline.
struct Target {
    name: String,
    program: PathBuf,
    args: Vec<String>,
    event: Bytes,
}

/// What one run of a target measured.
#[derive(Clone, Debug, Default)]
struct Sample {
    ready: Option<Duration>,
    responded: Option<Duration>,
    /// `VmHWM` in KiB.
    hwm_kib: Option<u64>,
    /// The HTTP status answered (`statusCode` of the response), "ok" for a non-HTTP response,
    /// "error" / "init error" for what the function reported as failed, "timeout".
    answer: String,
    aws_connections: u32,
    aws_connections_before_ready: u32,
}

/// The run in progress; runs go one at a time.
struct Run {
    request_id: String,
    event: Bytes,
    function_arn: String,
    started: Instant,
    pid: Option<u32>,
    sample: Sample,
    finished: Option<oneshot::Sender<()>>,
}

#[derive(Clone)]
struct Bench {
    run: Arc<Mutex<Option<Run>>>,
    /// Bumped after each run, releasing the `GET next` calls still waiting.
    generation: Arc<watch::Sender<u64>>,
    /// The emulator's address, where the AWS relay sends connections.
    upstream: Arc<str>,
}

impl Bench {
    fn with_run<T>(&self, f: impl FnOnce(&mut Run) -> T) -> Option<T> {
        let mut run = self.run.lock().unwrap_or_else(|e| e.into_inner());
        run.as_mut().map(f)
    }

    /// `with_run` for the run `token` names only: each run has its own ports, so what arrives
    /// late from the process before (killed by then) is never taken for this one's.
    fn with_own_run<T>(&self, token: &str, f: impl FnOnce(&mut Run) -> T) -> Option<T> {
        let mut run = self.run.lock().unwrap_or_else(|e| e.into_inner());
        run.as_mut().filter(|run| run.request_id == token).map(f)
    }

    async fn handle(self, token: Arc<str>, req: Request<Incoming>) -> Response<Full<Bytes>> {
        let at = Instant::now();
        let path = req.uri().path().to_owned();
        let Some(rest) = path.strip_prefix("/2018-06-01/runtime/") else {
            return plain(StatusCode::NOT_FOUND, "not a Runtime API path");
        };
        match (req.method(), rest) {
            (&Method::GET, "invocation/next") => self.next(&token, at).await,
            (&Method::POST, "init/error") => {
                let body = read_body(req.into_body()).await;
                self.finish(&token, at, None, format!("init error: {}", snippet(&body)));
                plain(StatusCode::ACCEPTED, "")
            }
            (&Method::POST, rest) => {
                let Some((id, kind)) = rest
                    .strip_prefix("invocation/")
                    .and_then(|rest| rest.split_once('/'))
                else {
                    return plain(StatusCode::NOT_FOUND, "no such path");
                };
                if id != &*token {
                    return plain(StatusCode::BAD_REQUEST, "no such invocation");
                }
                // The peak resident memory now, while the process waits for this answer.
                let hwm = self
                    .with_own_run(&token, |run| run.pid.and_then(vm_hwm_kib))
                    .flatten();
                let body = read_body(req.into_body()).await;
                let answer = match kind {
                    "response" => answer_of(&body),
                    _ => format!("error: {}", snippet(&body)),
                };
                self.finish(&token, at, hwm, answer);
                plain(StatusCode::ACCEPTED, "")
            }
            _ => plain(StatusCode::NOT_FOUND, "no such path"),
        }
    }

    async fn next(&self, token: &str, at: Instant) -> Response<Full<Bytes>> {
        let first = self.with_own_run(token, |run| {
            if run.sample.ready.is_some() {
                return None;
            }
            run.sample.ready = Some(at.duration_since(run.started));
            Some((
                run.request_id.clone(),
                run.event.clone(),
                run.function_arn.clone(),
            ))
        });
        match first.flatten() {
            Some((request_id, event, arn)) => {
                let deadline = jiff::Timestamp::now().as_millisecond() + 30_000;
                Response::builder()
                    .header("content-type", "application/json")
                    .header("lambda-runtime-aws-request-id", &request_id)
                    .header("lambda-runtime-deadline-ms", deadline.to_string())
                    .header("lambda-runtime-invoked-function-arn", arn)
                    .header(
                        "lambda-runtime-trace-id",
                        "Root=1-6751e2c0-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0",
                    )
                    .body(Full::new(event))
                    .unwrap_or_else(|_| plain(StatusCode::INTERNAL_SERVER_ERROR, "header"))
            }
            None => {
                // The second `next` of a process, or a stray: it waits for the end of the run
                // (the process is killed by then), as Lambda freezes an idle environment.
                let mut generation = self.generation.subscribe();
                let _ = tokio::time::timeout(PATIENCE * 2, generation.changed()).await;
                plain(StatusCode::GONE, "the run is over")
            }
        }
    }

    fn finish(&self, token: &str, at: Instant, hwm: Option<u64>, answer: String) {
        self.with_own_run(token, |run| {
            if run.sample.responded.is_none() {
                run.sample.responded = Some(at.duration_since(run.started));
                run.sample.hwm_kib = hwm.or_else(|| run.pid.and_then(vm_hwm_kib));
                run.sample.answer = answer;
            }
            if let Some(finished) = run.finished.take() {
                let _ = finished.send(());
            }
        });
    }

    /// Counts a connection to AWS for the run `token` names.
    fn count_aws_connection(&self, token: &str) {
        self.with_own_run(token, |run| {
            run.sample.aws_connections += 1;
            if run.sample.ready.is_none() {
                run.sample.aws_connections_before_ready += 1;
            }
        });
    }

    /// Runs `target` once: spawn, wait for its first response, read what it measured, kill it.
    async fn measure(&self, target: &Target, env: &[(String, String)], log: &Path) -> Sample {
        let (finished, done) = oneshot::channel();
        let request_id = format!(
            "bench-{}-{}",
            target.name,
            jiff::Timestamp::now().as_nanosecond()
        );
        let token: Arc<str> = Arc::from(request_id.as_str());
        let (runtime_api, aws) = match (bind().await, bind().await) {
            (Ok(runtime_api), Ok(aws)) => (runtime_api, aws),
            (Err(err), _) | (_, Err(err)) => {
                return Sample {
                    answer: format!("cannot listen: {err}"),
                    ..Sample::default()
                };
            }
        };
        let runtime_addr = runtime_api.1;
        let aws_addr = aws.1;
        let servers = [
            tokio::spawn(serve_runtime_api(
                runtime_api.0,
                self.clone(),
                token.clone(),
            )),
            tokio::spawn(relay(aws.0, self.clone(), token)),
        ];
        let log = std::fs::File::create(log).ok();
        let mut command = Command::new(&target.program);
        command
            .args(&target.args)
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .env("AWS_LAMBDA_RUNTIME_API", runtime_addr.to_string())
            .env("AWS_ENDPOINT_URL", format!("http://{aws_addr}"))
            .env("AWS_LAMBDA_FUNCTION_NAME", &target.name)
            .env(
                "AWS_LAMBDA_LOG_STREAM_NAME",
                format!("2026/12/02/[$LATEST]{request_id}"),
            )
            .env(
                "AWS_LAMBDA_LOG_GROUP_NAME",
                format!("/aws/lambda/{}", target.name),
            )
            .stdin(Stdio::null());
        match log
            .as_ref()
            .and_then(|log| Some((log.try_clone().ok()?, log.try_clone().ok()?)))
        {
            Some((out, err)) => command.stdout(out).stderr(err),
            None => command.stdout(Stdio::null()).stderr(Stdio::null()),
        };
        *self.run.lock().unwrap_or_else(|e| e.into_inner()) = Some(Run {
            request_id,
            event: target.event.clone(),
            function_arn: format!(
                "arn:aws:lambda:{}:000000000000:function:{}",
                emulator::REGION,
                target.name
            ),
            started: Instant::now(),
            pid: None,
            sample: Sample::default(),
            finished: Some(finished),
        });
        let mut child = match command.spawn() {
            Ok(child) => child,
            Err(err) => {
                self.run.lock().unwrap_or_else(|e| e.into_inner()).take();
                return Sample {
                    answer: format!("cannot start: {err}"),
                    ..Sample::default()
                };
            }
        };
        let pid = child.id();
        self.with_run(|run| run.pid = Some(pid));
        let timed_out = tokio::time::timeout(PATIENCE, done).await.is_err();
        // It may have exited already; either way we only reap it.
        let _ = child.kill();
        let _ = child.wait();
        let run = self.run.lock().unwrap_or_else(|e| e.into_inner()).take();
        self.generation.send_modify(|g| *g += 1);
        for server in servers {
            server.abort();
        }
        let mut sample = run.map(|run| run.sample).unwrap_or_default();
        if timed_out && sample.responded.is_none() {
            sample.answer = "timeout".into();
        }
        sample
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

/// The body of a POST, up to the end of a streaming response's prelude (a stream may go on):
/// all of it, or what came within a second.
async fn read_body(mut body: Incoming) -> Vec<u8> {
    let mut bytes = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(1);
    while let Ok(Some(Ok(frame))) = tokio::time::timeout_at(deadline, body.frame()).await {
        if let Ok(data) = frame.into_data() {
            bytes.extend_from_slice(&data);
            if bytes.windows(8).any(|w| w == [0; 8]) {
                break;
            }
        }
    }
    bytes
}

/// The `statusCode` of an HTTP response (buffered, or a stream's prelude), else "ok".
fn answer_of(body: &[u8]) -> String {
    let prelude = body
        .windows(8)
        .position(|w| w == [0; 8])
        .map_or(body, |end| &body[..end]);
    serde_json::from_slice::<serde_json::Value>(prelude)
        .ok()
        .and_then(|v| v.get("statusCode").and_then(serde_json::Value::as_u64))
        .map_or_else(|| "ok".to_owned(), |status| status.to_string())
}

fn snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body).chars().take(120).collect()
}

/// `VmHWM` of a process, in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// Every function of the deployment, by its binary's name, as tests/integration/deployment.rs
/// lists them: the routes, the streams, the fallback, the jobs and the queue consumers.
fn function_names() -> Vec<String> {
    let mut names: Vec<String> = ROUTES.iter().map(routes::Route::function_name).collect();
    names.extend(STREAMS.iter().map(routes::Route::function_name));
    names.push(routes::function_name(FALLBACK));
    names.extend(JOBS.iter().map(concierge::jobs::Job::function_name));
    names.extend(CONSUMERS.iter().map(routes::Consumer::function_name));
    names
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| emulator::workspace_dir().join("target"))
}

async fn bind() -> std::io::Result<(TcpListener, std::net::SocketAddr)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// Relays connections from `listener` to the emulator, counting each for the run `token`.
async fn relay(listener: TcpListener, bench: Bench, token: Arc<str>) {
    while let Ok((mut inbound, _)) = listener.accept().await {
        bench.count_aws_connection(&token);
        let upstream = bench.upstream.clone();
        tokio::spawn(async move {
            if let Ok(mut outbound) = TcpStream::connect(&*upstream).await {
                let _ = inbound.set_nodelay(true);
                let _ = outbound.set_nodelay(true);
                let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
            }
        });
    }
}

/// The Runtime API of the run `token`.
async fn serve_runtime_api(listener: TcpListener, bench: Bench, token: Arc<str>) {
    while let Ok((stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        let bench = bench.clone();
        let token = token.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let bench = bench.clone();
                let token = token.clone();
                async move { Ok::<_, Infallible>(bench.handle(token, req).await) }
            });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The environment of every function, as template.yaml's globals set it, with local values.
/// (`measure` adds the run's `AWS_LAMBDA_RUNTIME_API` and `AWS_ENDPOINT_URL`.)
fn environment(table: &str, queue_url: &str, push_queue_url: &str) -> Vec<(String, String)> {
    let home = target_dir().join("bench/home");
    let _ = std::fs::create_dir_all(&home);
    let secret = String::from_utf8_lossy(LOCAL_SECRET).into_owned();
    [
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("LANG", "C.UTF-8"),
        ("TZ", ":UTC"),
        ("HOME", &home.display().to_string()),
        ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128"),
        ("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST"),
        ("AWS_REGION", emulator::REGION),
        ("AWS_DEFAULT_REGION", emulator::REGION),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("AWS_SESSION_TOKEN", "bench"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("TABLE_NAME", table),
        ("SECRET_KEY", &secret),
        ("ALLOWED_ORIGINS", "https://app.concierge.example.com"),
        ("IMAGES_BUCKET", &format!("{table}-images")),
        ("S3_PATH_STYLE", "true"),
        ("GUEST_ENTRY_URL", "https://app.concierge.example.com/scan"),
        ("RUST_LOG", "info"),
        ("SMS_FALLBACK_QUEUE_URL", queue_url),
        ("SMS_FALLBACK_DELAY_SECS", "30"),
        ("PUSH_QUEUE_URL", push_queue_url),
        ("SCHEDULE_GROUP", table),
        (
            "SCHEDULER_ROLE_ARN",
            "arn:aws:iam::000000000000:role/bench-scheduler",
        ),
        ("ESCALATION_FUNCTION_ARN", &local_function_arn("escalation")),
        ("REMINDER_FUNCTION_ARN", &local_function_arn("reminder")),
        ("VAPID_PRIVATE_KEY", LOCAL_VAPID_PRIVATE_KEY),
        ("VAPID_SUBJECT", "mailto:bench@concierge.test"),
        // Gupshup at a closed loopback port: a WhatsApp send fails at once and goes by SMS.
        ("GUPSHUP_API_KEY", "bench"),
        ("GUPSHUP_API_URL", "http://127.0.0.1:9"),
        ("GUPSHUP_SOURCE", "15550000000"),
        ("GUPSHUP_APP_NAME", "concierge-bench"),
        ("GUPSHUP_OTP_TEMPLATE_ID", "bench-otp-template"),
        ("GUPSHUP_WEBHOOK_SECRET", "bench-webhook-secret"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

/// One target's runs, summarised.
struct Summary {
    name: String,
    ready_ms: Option<f64>,
    ready_min_max: Option<(f64, f64)>,
    response_ms: Option<f64>,
    hwm_mib: Option<f64>,
    answers: BTreeSet<String>,
    failed: usize,
    aws_before_ready: u32,
    zip: Option<u64>,
    zip_arm64: Option<u64>,
}

fn summarise(name: &str, samples: &[Sample]) -> Summary {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mut ready: Vec<f64> = samples.iter().filter_map(|s| s.ready.map(ms)).collect();
    let mut response: Vec<f64> = samples.iter().filter_map(|s| s.responded.map(ms)).collect();
    let mut hwm: Vec<f64> = samples
        .iter()
        .filter_map(|s| s.hwm_kib.map(|kib| kib as f64 / 1024.0))
        .collect();
    let ready_min_max = ready
        .iter()
        .copied()
        .fold(None, |acc: Option<(f64, f64)>, v| {
            Some(acc.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))))
        });
    Summary {
        name: name.to_owned(),
        ready_ms: median(&mut ready),
        ready_min_max,
        response_ms: median(&mut response),
        hwm_mib: median(&mut hwm),
        answers: samples.iter().map(|s| s.answer.clone()).collect(),
        failed: samples
            .iter()
            .filter(|s| s.responded.is_none() || s.answer.contains("error"))
            .count(),
        aws_before_ready: samples.iter().map(|s| s.aws_connections_before_ready).sum(),
        zip: None,
        zip_arm64: None,
    }
}

fn f1(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

fn mb(bytes: Option<u64>) -> String {
    bytes.map_or_else(|| "–".to_owned(), |b| format!("{:.2}", b as f64 / 1e6))
}

fn ratio(python: Option<f64>, rust: Option<f64>) -> String {
    match (python, rust) {
        (Some(p), Some(r)) if r > 0.0 => format!("{:.0}×", p / r),
        _ => "–".to_owned(),
    }
}

/// The median, min and max of one column across functions.
fn spread(values: impl Iterator<Item = f64>) -> (Option<f64>, Option<f64>, Option<f64>) {
    let mut values: Vec<f64> = values.collect();
    let med = median(&mut values);
    (med, values.first().copied(), values.last().copied())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let kib: f64 = info
                .lines()
                .find_map(|l| l.strip_prefix("MemTotal:"))?
                .trim()
                .trim_end_matches("kB")
                .trim()
                .parse()
                .ok()?;
            Some(format!("{:.0} GiB", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_default();
    format!(
        "{cores} cores ({model}, {}), {memory}",
        std::env::consts::ARCH
    )
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let workspace = emulator::workspace_dir();
    let bin_dir = args
        .bin_dir
        .clone()
        .unwrap_or_else(|| target_dir().join("release"));
    let mut names = function_names();
    if !args.only.is_empty() {
        names.retain(|name| args.only.contains(name));
    }
    let mut targets = Vec::new();
    for name in &names {
        let program = bin_dir.join(name);
        if !program.exists() {
            return Err(format!(
                "{} is missing: run `cargo build --release --locked -p concierge-functions`",
                program.display()
            ));
        }
        let event_path = workspace.join(format!("events/{name}.json"));
        let event =
            std::fs::read(&event_path).map_err(|e| format!("{}: {e}", event_path.display()))?;
        targets.push(Target {
            name: name.clone(),
            program,
            args: Vec::new(),
            event: Bytes::from(event),
        });
    }
    let python = emulator::venv_dir().join("bin/python");
    if !args.no_python {
        let event =
            std::fs::read(workspace.join("events/health.json")).map_err(|e| e.to_string())?;
        targets.push(Target {
            name: PYTHON.to_owned(),
            program: python.clone(),
            args: vec![
                workspace
                    .join("infra/bench/baseline.py")
                    .display()
                    .to_string(),
            ],
            event: Bytes::from(event),
        });
    }

    // The emulator logs to the workspace's `target/`, which a shared CARGO_TARGET_DIR leaves
    // uncreated.
    let _ = std::fs::create_dir_all(workspace.join("target"));
    let emulator = Emulator::connect_or_start(args.emulator.clone())?;
    let sdk = emulator::sdk_config(&emulator.endpoint).await;
    let table = format!("bench-{}", jiff::Timestamp::now().as_millisecond());
    bootstrap::create_table(&sdk, &table).await?;
    let queue_url = bootstrap::create_queue(&sdk, "SmsFallbackQueue", &table).await?;
    let push_queue_url =
        bootstrap::create_queue(&sdk, "PushQueue", &format!("{table}-push")).await?;
    bootstrap::create_schedule_group(&sdk, &table).await?;
    bootstrap::create_bucket(&sdk, &format!("{table}-images")).await?;

    let (generation, _) = watch::channel(0);
    let bench = Bench {
        run: Arc::new(Mutex::new(None)),
        generation: Arc::new(generation),
        upstream: Arc::from(emulator.endpoint.trim_start_matches("http://")),
    };
    let env = environment(&table, &queue_url, &push_queue_url);

    let logs = target_dir().join("bench/logs");
    std::fs::create_dir_all(&logs).map_err(|e| e.to_string())?;
    let load_before = load_average();
    let began = Instant::now();
    let mut samples: Vec<Vec<Sample>> = targets.iter().map(|_| Vec::new()).collect();
    for round in 0..=args.runs {
        for (target, samples) in targets.iter().zip(samples.iter_mut()) {
            let log = logs.join(format!("{}.log", target.name));
            let sample = bench.measure(target, &env, &log).await;
            // Round 0 warms the page cache (and Python's bytecode cache); it is not counted.
            if round > 0 {
                samples.push(sample);
            }
        }
        eprint!("\rround {round}/{} done", args.runs);
    }
    eprintln!(" in {:.0} s", began.elapsed().as_secs_f64());
    let load_after = load_average();

    let zips = target_dir().join("bench/zip");
    let arm64 = target_dir().join("lambda");
    let mut summaries = Vec::new();
    for (target, samples) in targets.iter().zip(&samples) {
        let mut summary = summarise(&target.name, samples);
        if target.name != PYTHON {
            summary.zip = Some(zip_bootstrap(
                &target.program,
                &zips.join(&target.name).join("bootstrap.zip"),
            )?);
            summary.zip_arm64 = std::fs::metadata(arm64.join(&target.name).join("bootstrap.zip"))
                .ok()
                .map(|m| m.len());
        }
        summaries.push(summary);
    }
    let report = report(&summaries, &args, &load_before, &load_after);
    print!("{report}");
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| target_dir().join("bench/report.md"));
    std::fs::write(&out, &report).map_err(|e| format!("{}: {e}", out.display()))?;
    eprintln!("the report is in {}", out.display());
    Ok(())
}

fn report(summaries: &[Summary], args: &Args, load_before: &str, load_after: &str) -> String {
    let (rust, python): (Vec<&Summary>, Vec<&Summary>) =
        summaries.iter().partition(|s| s.name != PYTHON);
    let python = python.first();
    let health = rust.iter().find(|s| s.name == "health");
    let ready = spread(rust.iter().filter_map(|s| s.ready_ms));
    let response = spread(rust.iter().filter_map(|s| s.response_ms));
    let hwm = spread(rust.iter().filter_map(|s| s.hwm_mib));
    let zip = spread(rust.iter().filter_map(|s| s.zip.map(|b| b as f64)));
    let zip_arm64 = spread(rust.iter().filter_map(|s| s.zip_arm64.map(|b| b as f64)));
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Cold start: {} functions × {} runs (after a warm-up run), medians; {}; load average {load_before} before, {load_after} after.\n",
        rust.len(),
        args.runs,
        machine(),
    );
    let _ = writeln!(
        out,
        "| | ready (ms) | first response (ms) | peak resident (MiB) |\n|---|---|---|---|"
    );
    let row = |out: &mut String, label: &str, s: &Summary| {
        let _ = writeln!(
            out,
            "| {label} | {} | {} | {} |",
            f1(s.ready_ms),
            f1(s.response_ms),
            f1(s.hwm_mib)
        );
    };
    let _ = writeln!(
        out,
        "| Rust, median of the {} functions' medians | {} | {} | {} |",
        rust.len(),
        f1(ready.0),
        f1(response.0),
        f1(hwm.0)
    );
    let _ = writeln!(
        out,
        "| Rust, min – max of the functions' medians | {} – {} | {} – {} | {} – {} |",
        f1(ready.1),
        f1(ready.2),
        f1(response.1),
        f1(response.2),
        f1(hwm.1),
        f1(hwm.2)
    );
    if let Some(health) = health {
        row(&mut out, "Rust `health`", health);
    }
    if let Some(python) = python {
        row(
            &mut out,
            "Python baseline (boto3 + 5 clients, the health query)",
            python,
        );
        if let Some(health) = health {
            let _ = writeln!(
                out,
                "| Python ÷ Rust `health` | {} | {} | {} |",
                ratio(python.ready_ms, health.ready_ms),
                ratio(python.response_ms, health.response_ms),
                ratio(python.hwm_mib, health.hwm_mib)
            );
        }
        let _ = writeln!(
            out,
            "| Python ÷ Rust median | {} | {} | {} |",
            ratio(python.ready_ms, ready.0),
            ratio(python.response_ms, response.0),
            ratio(python.hwm_mib, hwm.0)
        );
    }
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "Zips (`bootstrap`, deflate), MB = 10⁶ bytes: host ({}) median {} MB, {} – {}; arm64 (`make package`) {}.\n",
        std::env::consts::ARCH,
        mb(zip.0.map(|b| b as u64)),
        mb(zip.1.map(|b| b as u64)),
        mb(zip.2.map(|b| b as u64)),
        match zip_arm64.0 {
            Some(med) => format!(
                "median {} MB, {} – {}",
                mb(Some(med as u64)),
                mb(zip_arm64.1.map(|b| b as u64)),
                mb(zip_arm64.2.map(|b| b as u64))
            ),
            None => "not built".to_owned(),
        }
    );
    let count = |f: &dyn Fn(&Summary) -> bool| rust.iter().filter(|s| f(s)).count();
    let _ = writeln!(
        out,
        "SPEC §8: ready ≤ 15 ms (median) for {} of {}; peak resident ≤ 25 MB for {} of {}; host zip ≤ 5 MB for {} of {}; arm64 zip ≤ 5 MB for {} of {}; connections to AWS before ready: {}; failed runs: {}.\n",
        count(&|s| s.ready_ms.is_some_and(|v| v <= 15.0)),
        rust.len(),
        count(&|s| s.hwm_mib.is_some_and(|v| v * 1024.0 * 1024.0 <= 25e6)),
        rust.len(),
        count(&|s| s.zip.is_some_and(|b| b <= 5_000_000)),
        rust.len(),
        count(&|s| s.zip_arm64.is_some_and(|b| b <= 5_000_000)),
        rust.len(),
        rust.iter().map(|s| s.aws_before_ready).sum::<u32>(),
        summaries.iter().map(|s| s.failed).sum::<usize>(),
    );
    let _ = writeln!(
        out,
        "| function | ready (ms), median (min – max) | first response (ms) | answered | peak resident (MiB) | zip {} (MB) | zip arm64 (MB) |\n|---|---|---|---|---|---|---|",
        std::env::consts::ARCH
    );
    for s in summaries {
        let range = s
            .ready_min_max
            .map_or_else(String::new, |(lo, hi)| format!(" ({lo:.1} – {hi:.1})"));
        let mut answered = s.answers.iter().cloned().collect::<Vec<_>>().join(", ");
        if s.aws_before_ready > 0 {
            let _ = write!(
                answered,
                "; {} AWS connections before ready",
                s.aws_before_ready
            );
        }
        let _ = writeln!(
            out,
            "| `{}` | {}{range} | {} | {answered} | {} | {} | {} |",
            s.name,
            f1(s.ready_ms),
            f1(s.response_ms),
            f1(s.hwm_mib),
            mb(s.zip),
            mb(s.zip_arm64)
        );
    }
    out
}
