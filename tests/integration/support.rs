//! The harness: one emulator for the whole run (started here unless `CONCIERGE_EMULATOR`
//! names one), and for each test its own table and its own local API on a free port.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use concierge::App;
use concierge::clock::ManualClock;
use concierge::config::Config;
use concierge::ids::QrCode;
use concierge::store::Store;
use concierge::store::dynamo::DynamoStore;
use concierge::users::{Email, User};
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator};
use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::runner::{MovableClock, Runner};
use concierge_infra::{demo, local_app, local_config};
use jiff::Timestamp;
use serde_json::Value;

static EMULATOR: OnceLock<String> = OnceLock::new();

/// The emulator's endpoint, starting it on first use.
pub fn emulator() -> &'static str {
    EMULATOR.get_or_init(|| {
        // Handler logs (errors by default, `RUST_LOG` for more) appear with a failing test.
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("error")),
            )
            .with_test_writer()
            .try_init();
        if let Ok(endpoint) = std::env::var(ENDPOINT_VAR) {
            return endpoint;
        }
        // The emulator is stopped by the kernel when the thread that started it ends, so it
        // is started from a thread that lives as long as the test process.
        let (started, endpoint) = mpsc::channel();
        std::thread::spawn(move || match Emulator::start() {
            Ok(emulator) => {
                let _ = started.send(Ok(emulator.endpoint.clone()));
                loop {
                    std::thread::park();
                }
            }
            Err(err) => {
                let _ = started.send(Err(err));
            }
        });
        match endpoint.recv() {
            Ok(Ok(endpoint)) => endpoint,
            Ok(Err(err)) => panic!("cannot start the emulator: {err}"),
            Err(_) => panic!("the emulator thread died"),
        }
    })
}

/// A table name no other test (or earlier run against the same emulator) uses.
pub fn unique_table() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let now = jiff::Timestamp::now().as_millisecond();
    format!(
        "test-{}-{now}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A secret no other test shares.
pub fn random_secret() -> Vec<u8> {
    format!(
        "test-secret-{}-{}",
        unique_table(),
        jiff::Timestamp::now().as_nanosecond()
    )
    .into_bytes()
}

/// One test's stack: an `App` on its own table, served by its own local API.
pub struct Stack {
    pub app: &'static App,
    /// Does what AWS does around the functions: the queue poller, the one-time schedules.
    pub runner: Arc<Runner>,
    /// Every call the app's store sent to DynamoDB.
    pub calls: StoreCalls,
    pub base: String,
    pub http: reqwest::Client,
    /// The demo hotels, when the stack was seeded with them.
    pub demo: Option<demo::Summary>,
}

impl Stack {
    /// A stack on an empty table.
    pub async fn empty() -> Self {
        Self::with_config(|_| {}).await
    }

    /// A stack with the demo hotels seeded.
    pub async fn demo() -> Self {
        Self::demo_with(|_| {}, |app| app).await
    }

    /// A stack with the demo hotels seeded, whose configuration and app the test adjusts.
    pub async fn demo_with(
        adjust: impl FnOnce(&mut Config),
        finish: impl FnOnce(App) -> App,
    ) -> Self {
        Self::demo_at(emulator(), adjust, finish).await
    }

    /// `demo_with`, the app's AWS clients talking to `endpoint` (a recording proxy in front of
    /// the emulator, say).
    pub async fn demo_at(
        endpoint: &str,
        adjust: impl FnOnce(&mut Config),
        finish: impl FnOnce(App) -> App,
    ) -> Self {
        Self::demo_on_clock(endpoint, adjust, finish, None).await
    }

    /// `demo_at`, with the clock `POST /_local/clock` moves, when it can move.
    async fn demo_on_clock(
        endpoint: &str,
        adjust: impl FnOnce(&mut Config),
        finish: impl FnOnce(App) -> App,
        movable: Option<Arc<dyn MovableClock>>,
    ) -> Self {
        let mut stack = Self::with_app_at(endpoint, adjust, finish, movable).await;
        let summary = demo::seed(stack.app.store.as_ref(), stack.app.clock.as_ref())
            .await
            .expect("seeding the demo hotels");
        stack.demo = Some(summary);
        stack.calls.reset();
        stack
    }

    /// The demo QR code of a room of a demo hotel.
    pub fn demo_qr(&self, hotel: &str, room: &str) -> QrCode {
        let summary = self.demo.as_ref().expect("a demo stack");
        let hotel = summary
            .hotels
            .iter()
            .find(|h| h.slug == hotel)
            .expect("demo hotel");
        hotel
            .qr_codes
            .iter()
            .find(|(r, _)| r == room)
            .map(|(_, code)| code.clone())
            .expect("demo room")
    }

    /// A demo stack on a clock that stands still until the test moves it.
    pub async fn clocked(adjust: impl FnOnce(&mut Config)) -> (Self, Arc<ManualClock>) {
        Self::clocked_at(emulator(), adjust).await
    }

    /// `clocked`, the app's AWS clients talking to `endpoint`.
    pub async fn clocked_at(
        endpoint: &str,
        adjust: impl FnOnce(&mut Config),
    ) -> (Self, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::at(Timestamp::now()));
        let app_clock = clock.clone();
        let stack = Self::demo_on_clock(
            endpoint,
            adjust,
            move |mut app| {
                app.clock = app_clock;
                app
            },
            Some(clock.clone()),
        )
        .await;
        (stack, clock)
    }

    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::with_app(adjust, |app| app).await
    }

    /// A stack whose configuration and app the test adjusts (e.g. to make a provider fail).
    pub async fn with_app(
        adjust: impl FnOnce(&mut Config),
        finish: impl FnOnce(App) -> App,
    ) -> Self {
        Self::with_app_at(emulator(), adjust, finish, None).await
    }

    async fn with_app_at(
        endpoint: &str,
        adjust: impl FnOnce(&mut Config),
        finish: impl FnOnce(App) -> App,
        movable: Option<Arc<dyn MovableClock>>,
    ) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let mut config = local_config(&unique_table(), &origin, &random_secret()).expect("config");
        adjust(&mut config);
        let mut app = finish(local_app(endpoint, config).await.expect("local app"));
        let calls = StoreCalls::default();
        let sdk = concierge_infra::emulator::sdk_config(endpoint).await;
        app.store = calls.store(&sdk, &app.config.table_name);
        Self::serve_on(listener, Box::leak(Box::new(app)), calls, movable).await
    }

    /// Serves `app` on a free port for the rest of the test.
    pub async fn serve(app: &'static App, calls: StoreCalls) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        Self::serve_on(listener, app, calls, None).await
    }

    async fn serve_on(
        listener: tokio::net::TcpListener,
        app: &'static App,
        calls: StoreCalls,
        movable: Option<Arc<dyn MovableClock>>,
    ) -> Self {
        let origin = format!("http://{}", listener.local_addr().expect("address"));
        let base = format!("{origin}/api/v1");
        let outbox = Outbox::new(emulator()).with_webhook(
            format!("{base}/webhooks/gupshup"),
            app.config
                .secrets
                .get()
                .ok()
                .and_then(|secrets| secrets.gupshup_webhook_secret.as_ref())
                .map(concierge::secrets::Secret::expose)
                .unwrap_or_default(),
        );
        let runner = Arc::new(Runner::new(app, emulator(), movable).await);
        let api = LocalApi::new(app, outbox, emulator()).with_runner(runner.clone());
        tokio::spawn(api.serve(listener, std::future::pending()));
        Self {
            app,
            runner,
            calls,
            base,
            http: reqwest::Client::new(),
            demo: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET a path under `/api/v1`; the status and the JSON body.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        read(self.http.get(self.url(path)).send().await.expect("request")).await
    }

    /// `get` for an owned path, to run many at once.
    pub async fn get_owned(&self, path: String) -> (u16, Value) {
        self.get(&path).await
    }
}

/// Status and JSON body of a response (`Value::Null` when the body is not JSON).
pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body");
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// Asserts the JSON error shape with this status and code.
#[track_caller]
pub fn assert_error(got: &(u16, Value), status: u16, code: &str) {
    let (got_status, body) = got;
    assert_eq!(*got_status, status, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

/// Every DynamoDB call an app's store transmits, seen by an interceptor on its SDK client:
/// tests assert how many round trips a route makes (retries included) and that bad input makes
/// none, and make chosen calls fail as an unavailable table would.
#[derive(Clone, Default)]
pub struct StoreCalls(Arc<Recorded>);

#[derive(Default)]
struct Recorded {
    calls: Mutex<Vec<StoreCall>>,
    /// The calls that fail (the table unavailable) until cleared.
    failing: Mutex<Option<Fault>>,
}

/// Which calls fail.
pub type Fault = fn(&StoreCall) -> bool;

/// One call: its operation (`GetItem`, `Query`, `BatchGetItem`, `TransactWriteItems`, ...) and
/// the partition it names first.
#[derive(Debug, Clone)]
pub struct StoreCall {
    pub operation: String,
    pub partition: Option<String>,
}

impl StoreCall {
    fn of(operation: &str, body: &Value) -> Self {
        let partition = [
            &body["Key"]["PK"]["S"],
            &body["Item"]["PK"]["S"],
            &body["ExpressionAttributeValues"][":pk"]["S"],
        ]
        .into_iter()
        .find_map(Value::as_str)
        .or_else(|| {
            let requests = body["RequestItems"].as_object()?;
            requests.values().next()?["Keys"][0]["PK"]["S"].as_str()
        })
        .map(str::to_owned);
        StoreCall {
            operation: operation.to_owned(),
            partition,
        }
    }

    /// Whether the call writes (any write, in a transaction or not).
    pub fn is_write(&self) -> bool {
        matches!(
            self.operation.as_str(),
            "PutItem" | "UpdateItem" | "DeleteItem" | "TransactWriteItems" | "BatchWriteItem"
        )
    }

    /// Whether this is an `operation` on a partition starting with `prefix`.
    pub fn is(&self, operation: &str, prefix: &str) -> bool {
        self.operation == operation
            && self
                .partition
                .as_deref()
                .is_some_and(|partition| partition.starts_with(prefix))
    }
}

impl StoreCalls {
    /// A store on `table` whose calls these record.
    pub fn store(&self, sdk: &aws_config::SdkConfig, table: &str) -> Arc<dyn Store> {
        let config = aws_sdk_dynamodb::config::Builder::from(sdk)
            .interceptor(self.clone())
            .build();
        Arc::new(DynamoStore::new(
            aws_sdk_dynamodb::Client::from_conf(config),
            table,
        ))
    }

    /// Makes every call `fault` picks fail as an unavailable table would (`None`: none fails).
    pub fn fail(&self, fault: Option<Fault>) {
        *lock(&self.0.failing) = fault;
    }

    pub fn total(&self) -> usize {
        lock(&self.0.calls).len()
    }

    pub fn reset(&self) {
        lock(&self.0.calls).clear();
    }

    /// Calls of one operation since the last reset.
    pub fn count_of(&self, operation: &str) -> usize {
        self.count_where(|call| call.operation == operation)
    }

    /// Calls since the last reset that match.
    pub fn count_where(&self, matches: impl Fn(&StoreCall) -> bool) -> usize {
        lock(&self.0.calls)
            .iter()
            .filter(|call| matches(call))
            .count()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl fmt::Debug for StoreCalls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(lock(&self.0.calls).iter()).finish()
    }
}

impl Intercept for StoreCalls {
    fn name(&self) -> &'static str {
        "StoreCalls"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> std::result::Result<(), BoxError> {
        let request = context.request();
        // `x-amz-target: DynamoDB_20120810.GetItem`
        let operation = request
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or("?");
        let body = request
            .body()
            .bytes()
            .and_then(|bytes| serde_json::from_slice(bytes).ok())
            .unwrap_or(Value::Null);
        let call = StoreCall::of(operation, &body);
        let fails = lock(&self.0.failing).is_some_and(|fault| fault(&call));
        lock(&self.0.calls).push(call);
        if fails {
            return Err("the table is unavailable".into());
        }
        Ok(())
    }
}

/// A valid phone number (New York, +1 212) that no other test of the run uses.
pub fn unique_phone() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = u64::from(std::process::id()) * 1_000_003 + NEXT.fetch_add(1, Ordering::Relaxed);
    format!("+1212{:03}{:04}", 200 + seed % 800, (seed / 800) % 10_000)
}

/// The trusted browser origin of the test stacks.
pub const ORIGIN: &str = "http://localhost:5173";

/// A browser: keeps cookies, sends the trusted `Origin`, and echoes the CSRF token it was given.
pub struct Browser {
    pub http: reqwest::Client,
    jar: Arc<reqwest::cookie::Jar>,
    base: String,
    pub csrf: Option<String>,
}

impl Browser {
    pub fn new(stack: &Stack) -> Self {
        Self::on_network(stack, "127.0.0.1")
    }

    /// A browser whose connections come from `address` (any of 127.0.0.0/8), so the local API
    /// sees it as another client network, as API Gateway would.
    pub fn on_network(stack: &Stack, address: &str) -> Self {
        let jar = Arc::new(reqwest::cookie::Jar::default());
        let address: std::net::IpAddr = address.parse().expect("an IP address");
        Self {
            http: reqwest::Client::builder()
                .cookie_provider(jar.clone())
                .local_address(address)
                .build()
                .expect("client"),
            jar,
            base: stack.base.clone(),
            csrf: None,
        }
    }

    /// The value of cookie `name` the browser would send to `url`.
    pub fn cookie(&self, url: &str, name: &str) -> Option<String> {
        use reqwest::cookie::CookieStore;
        let header = self.jar.cookies(&url.parse().ok()?)?;
        header
            .to_str()
            .ok()?
            .split("; ")
            .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
    }

    pub fn request(&self, method: http::Method, path: &str) -> reqwest::RequestBuilder {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("origin", ORIGIN);
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrftoken", csrf);
        }
        request
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        read(
            self.request(http::Method::GET, path)
                .send()
                .await
                .expect("request"),
        )
        .await
    }

    /// Sends JSON; remembers a CSRF token the answer carries.
    pub async fn send(&mut self, method: http::Method, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .request(method, path)
            .json(&body)
            .send()
            .await
            .expect("request");
        let answer = read(response).await;
        if let Some(token) = answer.1["csrf_token"].as_str() {
            self.csrf = Some(token.to_owned());
        }
        answer
    }

    pub async fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        self.send(http::Method::POST, path, body).await
    }

    /// As a guest of the demo hotel, asks `department` for something; the new request's id.
    pub async fn ask(&mut self, department: &str) -> String {
        let body = serde_json::json!({ "department": department, "details": "Please" });
        let (status, created) = self.post("/hotels/demo/requests", body).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_str().expect("an id").to_owned()
    }
}

impl Stack {
    /// The origin (scheme, host and port) of this stack's local API.
    pub fn origin(&self) -> String {
        self.base.trim_end_matches("/api/v1").to_owned()
    }

    /// Every message the stack sent to `phone`, oldest first.
    pub async fn outbox(&self, phone: &str) -> Vec<Value> {
        let url = format!("{}/_local/outbox", self.origin());
        let response = self
            .http
            .get(url)
            .query(&[("to", phone)])
            .send()
            .await
            .expect("outbox");
        let (status, body) = read(response).await;
        assert_eq!(status, 200, "{body}");
        body.as_array().cloned().unwrap_or_default()
    }

    /// The code in the last message sent to `phone`.
    pub async fn last_code(&self, phone: &str) -> String {
        let messages = self.outbox(phone).await;
        let text = messages
            .last()
            .and_then(|m| m["text"].as_str())
            .expect("a message was sent")
            .to_owned();
        text.split(|c: char| !c.is_ascii_digit())
            .find(|word| word.len() == 6)
            .expect("a six-digit code in the message")
            .to_owned()
    }

    /// Tells the Gupshup stand-in how to answer.
    pub async fn whatsapp_mode(&self, mode: &str) {
        let url = format!("{}/_local/outbox/mode", self.origin());
        let response = self
            .http
            .post(url)
            .json(&serde_json::json!({ "whatsapp": mode }))
            .send()
            .await
            .expect("mode");
        assert_eq!(response.status(), 200);
    }
}

impl Stack {
    /// The user with this email (a demo user, say).
    pub async fn user(&self, email: &str) -> User {
        self.app
            .store
            .user_by_email(&Email::parse(email).expect("an email"))
            .await
            .expect("a read")
            .expect("a user with this email")
    }

    /// A guest logged in from room `room` of demo hotel `hotel`, with a fresh phone.
    pub async fn guest(&self, hotel: &str, room: &str) -> Browser {
        let mut browser = Browser::new(self);
        let phone = unique_phone();
        let qr = self.demo_qr(hotel, room);
        let (status, body) = browser
            .post(
                "/auth/otp/send",
                serde_json::json!({ "phone": phone, "qr": qr }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        let code = self.last_code(&phone).await;
        let (status, body) = browser
            .post("/auth/otp/verify", serde_json::json!({ "phone": phone, "code": code, "qr": qr, "name": "Guest Tester" }))
            .await;
        assert_eq!(status, 200, "{body}");
        browser
    }

    /// A demo staff member logged in with their password.
    pub async fn staff(&self, email: &str) -> Browser {
        let mut browser = Browser::new(self);
        let (status, body) = browser
            .post(
                "/auth/token",
                serde_json::json!({ "email": email, "password": demo::PASSWORD }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        browser
    }
}
