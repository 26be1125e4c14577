//! `make dev`: the whole local stack in one process. Starts (or joins) the AWS emulator,
//! creates the table from template.yaml, seeds the demo hotels and serves every route on
//! 127.0.0.1, with the built web app beside them. Ctrl-C (or SIGTERM) stops everything it
//! started. The web app's end-to-end tests start it too (`--port 0 --ready-file ...`).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use concierge::config::Config;
use concierge::config::Rule;
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator, workspace_dir};
use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::runner::{OffsetClock, Runner};
use concierge_infra::site::Site;
use concierge_infra::{
    LOCAL_SECRET, LOCAL_WEBHOOK_SECRET, demo, lambda_environment, local_app, local_config,
};
use serde_json::json;

#[derive(Parser)]
#[command(about = "Run the Concierge local stack")]
struct Args {
    /// Port of the local API; 0 takes a free one.
    #[arg(long, env = "CONCIERGE_PORT", default_value_t = 3000)]
    port: u16,
    /// A running emulator to use instead of starting one, e.g. http://127.0.0.1:5000.
    #[arg(long, env = ENDPOINT_VAR)]
    emulator: Option<String>,
    /// The DynamoDB table to use.
    #[arg(long, env = "CONCIERGE_TABLE", default_value = "concierge-local")]
    table: String,
    /// The built web app to serve (`make web-build` builds it).
    #[arg(long, default_value_os_t = Site::workspace().dir().to_path_buf())]
    site: PathBuf,
    /// Once serving, write the stack's address and demo logins here as JSON (for scripts).
    #[arg(long)]
    ready_file: Option<PathBuf>,
    /// The longest a live stream lasts before the browser reconnects (STREAM_MAX_SECS).
    #[arg(long, default_value_t = 300)]
    stream_max_secs: u64,
    /// Codes one client IP may ask for, as `hits/seconds[,...]` (RATE_OTP_SEND_IP); every
    /// browser of the local stack is 127.0.0.1, so end-to-end runs raise it.
    #[arg(long)]
    rate_otp_send_ip: Option<String>,
    /// Password logins allowed per account, per email and per client IP, as
    /// `hits/seconds[,...]` (RATE_PASSWORD_LOGIN*); end-to-end runs log the same staff in
    /// from 127.0.0.1 many times.
    #[arg(long)]
    rate_password_login: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    lambda_http::tracing::init_default_subscriber();
    let args = Args::parse();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        format!("cannot listen on {addr}: {e} (set CONCIERGE_PORT to use another port)")
    })?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let emulator = Emulator::connect_or_start(args.emulator)?;
    let mut config = local_config(&args.table, &format!("http://{addr}"), LOCAL_SECRET)?;
    config.streams.max_duration = Duration::from_secs(args.stream_max_secs);
    if let Some(rules) = &args.rate_otp_send_ip {
        config.rate_limits.otp_send_per_ip =
            Rule::parse_list(rules).map_err(|e| format!("--rate-otp-send-ip: {e}"))?;
    }
    if let Some(rules) = &args.rate_password_login {
        let rules = Rule::parse_list(rules).map_err(|e| format!("--rate-password-login: {e}"))?;
        let limits = &mut config.rate_limits;
        limits.password_login = rules.clone();
        limits.password_login_per_ip = rules.clone();
        limits.password_login_per_account = rules;
    }
    let mut app = local_app(&emulator.endpoint, config).await?;
    let clock = Arc::new(OffsetClock::default());
    app.clock = clock.clone();
    let env_file = write_lambda_env(&app.config, &emulator.endpoint)?;
    let app: &'static _ = Box::leak(Box::new(app));
    let summary = demo::seed(app.store.as_ref(), app.clock.as_ref())
        .await
        .map_err(|e| format!("seeding the demo hotels failed: {e} ({e:?})"))?;
    let site = Site::new(&args.site);
    print_welcome(&addr, &emulator.endpoint, &summary, &site);
    println!(
        "\nOne function at a time, as Lambda runs it: `make events`, then\n  \
         cargo lambda watch --env-file {} -p concierge-functions\n  \
         cargo lambda invoke hotels-get --data-file events/hotels-get.json",
        env_file.display()
    );

    let shutdown = async {
        // If a handler cannot be installed, the process still stops on the signal.
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let terminated = async {
            match terminate.as_mut() {
                Some(signal) => signal.recv().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {},
            _ = terminated => {},
        }
    };
    let runner = Arc::new(Runner::new(app, &emulator.endpoint, Some(clock)).await);
    tokio::spawn(Arc::clone(&runner).run());
    let outbox = Outbox::new(&emulator.endpoint).with_webhook(
        format!("http://{addr}/api/v1/webhooks/gupshup"),
        LOCAL_WEBHOOK_SECRET,
    );
    if let Some(path) = &args.ready_file {
        write_ready_file(path, &addr, &emulator.endpoint, &summary)?;
    }
    LocalApi::new(app, outbox, &emulator.endpoint)
        .with_runner(runner)
        .with_site(site)
        .serve(listener, shutdown)
        .await;
    println!("\nStopped. The emulator started with the stack stops with it.");
    drop(emulator);
    Ok(())
}

/// The stack's settings for `cargo lambda watch`, in `target/local/lambda.env`.
fn write_lambda_env(config: &Config, endpoint: &str) -> Result<PathBuf, String> {
    let dir = workspace_dir().join("target/local");
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let path = dir.join("lambda.env");
    let text: String = lambda_environment(config, LOCAL_SECRET, endpoint)
        .into_iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect();
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}

/// What a script needs to drive the stack: where it is and the demo's logins and room codes.
fn write_ready_file(
    path: &std::path::Path,
    addr: &SocketAddr,
    emulator: &str,
    summary: &demo::Summary,
) -> Result<(), String> {
    let hotels: Vec<_> = summary
        .hotels
        .iter()
        .map(|hotel| {
            json!({
                "slug": hotel.slug,
                "logins": hotel.logins.iter().map(|(role, email, phone)| json!({
                    "role": format!("{role:?}").to_uppercase(), "email": email, "phone": phone,
                })).collect::<Vec<_>>(),
                "rooms": hotel.qr_codes.iter().map(|(room, code)| json!({
                    "room": room, "code": code.to_string(),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let ready = json!({
        "origin": format!("http://{addr}"),
        "emulator": emulator,
        "password": demo::PASSWORD,
        "operator": summary.operator,
        "hotels": hotels,
    });
    std::fs::write(path, ready.to_string())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn print_welcome(addr: &SocketAddr, emulator: &str, summary: &demo::Summary, site: &Site) {
    let base = format!("http://{addr}/api/v1");
    println!("\nConcierge local stack is up.");
    if site.is_built() {
        println!("  Guest app http://{addr}/   (open a room's /scan/... URL below)");
    } else {
        println!(
            "  Guest app not built ({} is missing): `make web-build`, or `make dev` builds it",
            site.dir().display()
        );
    }
    println!("  API       {base}   (every route of template.yaml)");
    println!("  Emulator  {emulator}   (DynamoDB, SQS, SNS, S3, Scheduler)");
    println!("\nTry:");
    println!("  curl {base}/hotels/demo");
    println!("  curl {base}/hotels/demo/departments");
    println!("  curl {base}/hotels/demo/experiences");
    for hotel in &summary.hotels {
        println!(
            "\nHotel `{}` (password for every login: {}):",
            hotel.slug,
            demo::PASSWORD
        );
        for (role, email, phone) in &hotel.logins {
            println!(
                "  {:<11} {email:<24} {phone}",
                format!("{role:?}").to_uppercase()
            );
        }
        println!("  Rooms (their QR codes open these):");
        for (room, code) in &hotel.qr_codes {
            println!("    {room:<9} http://{addr}/scan/{code}");
        }
    }
    println!("\nPlatform operator: {} (same password)", summary.operator);
    println!("\nLogin codes (WhatsApp and SMS) land in http://{addr}/_local/outbox");
    println!(
        "  POST /_local/outbox/mode {{\"whatsapp\": \"undeliverable\"}} makes WhatsApp fail (SMS follows)"
    );
    println!("Web pushes land in http://{addr}/_local/pushes");
    println!(
        "\nJobs run on their schedules; the SMS fallback queue and one-time schedules every second."
    );
    println!("  curl -X POST http://{addr}/_local/jobs/escalation          run a job now");
    println!(
        "  curl -X POST http://{addr}/_local/clock -d '{{\"advance_minutes\": 30}}'   fast-forward"
    );
    println!("\nCtrl-C stops the stack.");
}
