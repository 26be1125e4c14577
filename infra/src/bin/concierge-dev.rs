//! `make dev`: the whole local stack in one process. Starts (or joins) the AWS emulator,
//! creates the table from template.yaml, seeds the demo hotels and serves every route on
//! 127.0.0.1. Ctrl-C stops everything it started.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use clap::Parser;
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator};
use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::runner::{OffsetClock, Runner};
use concierge_infra::{LOCAL_SECRET, LOCAL_WEBHOOK_SECRET, demo, local_app, local_config};

#[derive(Parser)]
#[command(about = "Run the Concierge local stack")]
struct Args {
    /// Port of the local API.
    #[arg(long, env = "CONCIERGE_PORT", default_value_t = 3000)]
    port: u16,
    /// A running emulator to use instead of starting one, e.g. http://127.0.0.1:5000.
    #[arg(long, env = ENDPOINT_VAR)]
    emulator: Option<String>,
    /// The DynamoDB table to use.
    #[arg(long, env = "CONCIERGE_TABLE", default_value = "concierge-local")]
    table: String,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    lambda_http::tracing::init_default_subscriber();
    let args = Args::parse();
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
        format!("cannot listen on {addr}: {e} (set CONCIERGE_PORT to use another port)")
    })?;
    let emulator = Emulator::connect_or_start(args.emulator)?;
    let config = local_config(&args.table, &format!("http://{addr}"), LOCAL_SECRET)?;
    let mut app = local_app(&emulator.endpoint, config).await?;
    let clock = Arc::new(OffsetClock::default());
    app.clock = clock.clone();
    let app: &'static _ = Box::leak(Box::new(app));
    let summary = demo::seed(app.store.as_ref(), app.clock.as_ref())
        .await
        .map_err(|e| format!("seeding the demo hotels failed: {e} ({e:?})"))?;
    print_welcome(&addr, &emulator.endpoint, &summary);

    let shutdown = async {
        // If the signal handler cannot be installed, the process still stops on SIGINT.
        let _ = tokio::signal::ctrl_c().await;
    };
    let runner = Arc::new(Runner::new(app, &emulator.endpoint, Some(clock)).await);
    tokio::spawn(Arc::clone(&runner).run());
    let outbox = Outbox::new(&emulator.endpoint).with_webhook(
        format!("http://{addr}/api/v1/webhooks/gupshup"),
        LOCAL_WEBHOOK_SECRET,
    );
    LocalApi::new(app, outbox, &emulator.endpoint)
        .with_runner(runner)
        .serve(listener, shutdown)
        .await;
    println!("\nStopped. The emulator started with the stack stops with it.");
    drop(emulator);
    Ok(())
}

fn print_welcome(addr: &SocketAddr, emulator: &str, summary: &demo::Summary) {
    let base = format!("http://{addr}/api/v1");
    println!("\nConcierge local stack is up.");
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
        println!("  QR codes (guests scan these):");
        for (room, code) in &hotel.qr_codes {
            println!("    {room:<9} curl {base}/qr/{code}");
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
