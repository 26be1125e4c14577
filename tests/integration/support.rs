//! The harness: one emulator for the whole run (started here unless `CONCIERGE_EMULATOR`
//! names one), and for each test its own table and its own local API on a free port.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};

use async_trait::async_trait;
use concierge::App;
use concierge::config::Config;
use concierge::departments::Department;
use concierge::error::Result;
use concierge::experiences::Experience;
use concierge::hotels::Hotel;
use concierge::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode, UserId};
use concierge::jobs::Heartbeat;
use concierge::members::Membership;
use concierge::qr::QrCodeRecord;
use concierge::store::{Page, PageRequest, Store, Write};
use concierge::users::{Email, Phone, User};
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator};
use concierge_infra::local_api::LocalApi;
use concierge_infra::{demo, local_app, local_config};
use serde_json::Value;

static EMULATOR: OnceLock<String> = OnceLock::new();

/// The emulator's endpoint, starting it on first use.
pub fn emulator() -> &'static str {
    EMULATOR.get_or_init(|| {
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

/// One test's stack: an `App` on its own table, served by its own local API.
pub struct Stack {
    pub app: &'static App,
    /// Every store call the app made, by method.
    pub calls: Arc<CountingStore>,
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
        let mut stack = Self::empty().await;
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

    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let mut config = local_config(&unique_table());
        adjust(&mut config);
        let mut app = local_app(emulator(), config).await.expect("local app");
        let calls = Arc::new(CountingStore::new(app.store.clone()));
        app.store = calls.clone();
        Self::serve(Box::leak(Box::new(app)), calls).await
    }

    /// Serves `app` on a free port for the rest of the test.
    pub async fn serve(app: &'static App, calls: Arc<CountingStore>) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}/api/v1", listener.local_addr().expect("address"));
        tokio::spawn(LocalApi::new(app).serve(listener, std::future::pending()));
        Self {
            app,
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

/// A store that counts each call before passing it to the real one: tests assert how many
/// round trips a route makes, and that bad input makes none.
pub struct CountingStore {
    inner: Arc<dyn Store>,
    calls: Mutex<BTreeMap<&'static str, usize>>,
}

impl CountingStore {
    pub fn new(inner: Arc<dyn Store>) -> Self {
        Self {
            inner,
            calls: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn total(&self) -> usize {
        self.lock().values().sum()
    }

    pub fn reset(&self) {
        self.lock().clear();
    }

    fn count(&self, method: &'static str) {
        *self.lock().entry(method).or_default() += 1;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, usize>> {
        self.calls
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[async_trait]
impl Store for CountingStore {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>> {
        self.count("hotel");
        self.inner.hotel(slug).await
    }

    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>> {
        self.count("departments");
        self.inner.departments(hotel).await
    }

    async fn listed_experiences(
        &self,
        hotel: &HotelSlug,
        department: Option<&DepartmentSlug>,
        page: &PageRequest,
    ) -> Result<Page<Experience>> {
        self.count("listed_experiences");
        self.inner.listed_experiences(hotel, department, page).await
    }

    async fn experience(&self, hotel: &HotelSlug, id: ExperienceId) -> Result<Option<Experience>> {
        self.count("experience");
        self.inner.experience(hotel, id).await
    }

    async fn scan_qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>> {
        self.count("scan_qr_code");
        self.inner.scan_qr_code(code).await
    }

    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.count("user");
        self.inner.user(id).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        self.count("user_by_email");
        self.inner.user_by_email(email).await
    }

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>> {
        self.count("user_by_phone");
        self.inner.user_by_phone(phone).await
    }

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>> {
        self.count("membership");
        self.inner.membership(hotel, user).await
    }

    async fn heartbeats(&self) -> Result<Vec<Heartbeat>> {
        self.count("heartbeats");
        self.inner.heartbeats().await
    }

    async fn transact(&self, writes: &[Write<'_>]) -> Result<()> {
        self.count("transact");
        self.inner.transact(writes).await
    }
}
