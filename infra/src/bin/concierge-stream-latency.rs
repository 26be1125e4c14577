//! How long a change takes to show up on the live streams: the local stack in this process
//! (emulator, demo hotels, local API with the deployed stream settings: a read every second),
//! a guest's request stream and a hotel's staff stream open over loopback, and N rounds of a
//! guest asking and staff acknowledging. Each latency runs from the write's response (the change
//! is stored) to the event's arrival.
//!
//! `cargo run --release -p concierge-infra --bin concierge-stream-latency -- --rounds 30`

use std::time::{Duration, Instant};

use clap::Parser as _;
use concierge_infra::emulator::{ENDPOINT_VAR, Emulator};
use concierge_infra::local_api::LocalApi;
use concierge_infra::outbox::Outbox;
use concierge_infra::sse::Parser;
use concierge_infra::{LOCAL_SECRET, LOCAL_WEBHOOK_SECRET, demo, local_app, local_config, login};
use serde_json::{Value, json};

#[derive(clap::Parser)]
#[command(about = "Measure how soon a change reaches the live streams")]
struct Args {
    /// Rounds of ask + acknowledge.
    #[arg(long, default_value_t = 30)]
    rounds: usize,
    /// A running emulator to use instead of starting one.
    #[arg(long, env = ENDPOINT_VAR)]
    emulator: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let origin = format!(
        "http://{}",
        listener.local_addr().map_err(|e| e.to_string())?
    );
    let emulator = Emulator::connect_or_start(args.emulator)?;
    let table = format!("latency-{}", jiff::Timestamp::now().as_millisecond());
    let config = local_config(&table, &origin, LOCAL_SECRET)?;
    let poll = config.streams.poll_interval;
    let app: &'static _ = Box::leak(Box::new(local_app(&emulator.endpoint, config).await?));
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
    let staff = login::staff(&http, &base, "admin@demo.test").await?;
    let room = &summary.hotels[0].qr_codes[0].1;
    let guest = login::guest(
        &http,
        &base,
        &origin,
        room.as_str(),
        "+12125550142",
        "Latency",
    )
    .await?;
    let mut hotel_stream =
        Stream::open(&http, &format!("{base}/hotels/demo/admin/events"), &staff).await?;

    let mut created = Vec::new();
    let mut acknowledged_staff = Vec::new();
    let mut acknowledged_guest = Vec::new();
    for round in 0..args.rounds {
        // Changes land anywhere within a poll interval.
        let phase = poll.mul_f64((round as f64 * 0.618_034).fract());
        tokio::time::sleep(phase).await;
        let (stored, body) = send(
            &http,
            &format!("{base}/hotels/demo/requests"),
            &guest,
            json!({ "department": "housekeeping", "details": "Towels" }),
        )
        .await?;
        let id = body["id"].as_str().ok_or("no request id")?.to_owned();
        created.push(hotel_stream.until(&id, "CREATED", stored).await?);

        let mut request_stream =
            Stream::open(&http, &format!("{base}/me/requests/{id}/events"), &guest).await?;
        tokio::time::sleep(phase).await;
        let (stored, _) = send(
            &http,
            &format!("{base}/hotels/demo/admin/requests/{id}/acknowledge"),
            &staff,
            json!({}),
        )
        .await?;
        acknowledged_staff.push(hotel_stream.until(&id, "ACKNOWLEDGED", stored).await?);
        acknowledged_guest.push(request_stream.until(&id, "ACKNOWLEDGED", stored).await?);
    }

    println!(
        "{} rounds, streams reading every {} ms; from the write's response to the event:",
        args.rounds,
        poll.as_millis()
    );
    println!("| change | stream | median | p90 | max |");
    println!("|---|---|---|---|---|");
    for (change, stream, mut times) in [
        ("request made", "staff (hotel)", created),
        ("acknowledged", "staff (hotel)", acknowledged_staff),
        ("acknowledged", "guest (request)", acknowledged_guest),
    ] {
        times.sort();
        let at = |p: usize| times[((times.len() - 1) * p).div_ceil(100)].as_millis();
        println!(
            "| {change} | {stream} | {} ms | {} ms | {} ms |",
            at(50),
            at(90),
            at(100)
        );
    }
    Ok(())
}

/// POSTs JSON as `token`; when its response came, and its body.
async fn send(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    body: Value,
) -> Result<(Instant, Value), String> {
    let response = http
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let stored = Instant::now();
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: {status} {body}"));
    }
    Ok((stored, body))
}

struct Stream {
    response: reqwest::Response,
    parser: Parser,
}

impl Stream {
    async fn open(http: &reqwest::Client, url: &str, token: &str) -> Result<Self, String> {
        let response = http
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("{url}: {}", response.status()));
        }
        Ok(Self {
            response,
            parser: Parser::default(),
        })
    }

    /// How long after `since` the entry `kind` of `request` arrived.
    async fn until(
        &mut self,
        request: &str,
        kind: &str,
        since: Instant,
    ) -> Result<Duration, String> {
        let deadline = since + Duration::from_secs(30);
        loop {
            while let Some(block) = self.parser.next_block()? {
                let data = block.data.unwrap_or_default();
                // The guest's stream is one request's: its entries do not name it.
                let about = data.get("request").is_none_or(|r| r == request);
                if block.event.as_deref() == Some("activity") && data["kind"] == kind && about {
                    return Ok(since.elapsed());
                }
            }
            let chunk = tokio::time::timeout_at(deadline.into(), self.response.chunk())
                .await
                .map_err(|_| format!("no {kind} of {request} within 30 s"))?
                .map_err(|e| e.to_string())?
                .ok_or("the stream ended")?;
            self.parser
                .push(std::str::from_utf8(&chunk).map_err(|e| e.to_string())?);
        }
    }
}
