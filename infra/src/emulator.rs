//! The local AWS emulator: moto, from the project's virtual environment (`make venv` creates
//! it), served by `infra/emulator.py`, which handles one request at a time so that DynamoDB
//! conditions and transactions are as atomic as the real service. Either we connect to one that
//! is already running, or we start one on a free loopback port and it dies with us.

use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// The environment variable naming a running emulator, e.g. `http://127.0.0.1:5000`.
pub const ENDPOINT_VAR: &str = "CONCIERGE_EMULATOR";

/// The emulator's region and account are fixed: nothing local depends on them.
pub const REGION: &str = "us-east-1";

pub struct Emulator {
    pub endpoint: String,
    child: Option<Child>,
}

impl Emulator {
    /// Uses `endpoint` when given, else starts moto on a free port. A given endpoint that does
    /// not answer is an error, not a reason to start another.
    pub fn connect_or_start(endpoint: Option<String>) -> Result<Self, String> {
        match endpoint {
            Some(endpoint) => {
                wait_until_listening(&endpoint, Duration::from_secs(5))?;
                Ok(Self {
                    endpoint,
                    child: None,
                })
            }
            None => Self::start(),
        }
    }

    /// Starts moto on a free loopback port. Its output goes to `target/emulator-<port>.log`.
    pub fn start() -> Result<Self, String> {
        let python = venv_dir().join("bin/python");
        if !python.exists() {
            return Err(format!(
                "{} is missing: run `make venv` (it installs the emulator from PyPI)",
                python.display()
            ));
        }
        let script = workspace_dir().join("infra/emulator.py");
        let port = free_port()?;
        let log_path = workspace_dir().join(format!("target/emulator-{port}.log"));
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot write {}: {e}", log_path.display()))?;
        let log_err = log.try_clone().map_err(|e| e.to_string())?;
        let mut command = Command::new(&python);
        command
            .arg(&script)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        // SAFETY: prctl is async-signal-safe and touches only the child's own state. It asks
        // the kernel to stop the emulator when the thread that started it ends, so no emulator
        // outlives its stack, whatever way we exit.
        unsafe {
            command.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
                Ok(())
            });
        }
        let child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", script.display()))?;
        let endpoint = format!("http://127.0.0.1:{port}");
        let mut emulator = Self {
            endpoint,
            child: Some(child),
        };
        if let Err(e) = wait_until_listening(&emulator.endpoint, Duration::from_secs(30)) {
            emulator.stop();
            return Err(format!("{e}; see {}", log_path.display()));
        }
        Ok(emulator)
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // It may already be gone; either way we only reap it.
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

/// AWS SDK configuration for an emulator endpoint: fixed region, dummy credentials.
pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(Credentials::new("local", "local", None, None, "emulator"))
        .endpoint_url(endpoint)
        .load()
        .await
}

/// The workspace root (this crate lives in `infra/`).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The virtual environment with the emulator: `CONCIERGE_VENV`, else `.venv` in the workspace.
pub fn venv_dir() -> PathBuf {
    std::env::var_os("CONCIERGE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_dir().join(".venv"))
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| e.to_string())
}

fn wait_until_listening(endpoint: &str, patience: Duration) -> Result<(), String> {
    let authority = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let addr: SocketAddr = authority.parse().map_err(|_| {
        format!("{ENDPOINT_VAR} must look like http://127.0.0.1:5000, not {endpoint}")
    })?;
    let deadline = Instant::now() + patience;
    while Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("the emulator at {endpoint} did not answer"))
}
