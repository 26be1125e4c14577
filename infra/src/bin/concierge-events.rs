//! `make events`: gives the samples in events/ a real session of the running local stack
//! (`make dev`), so `cargo lambda invoke --data-file events/<function>.json` shows each route's
//! real answer. Tokens expire (access tokens after 10 minutes): run it again when they do. The
//! committed samples keep their placeholders: `git checkout events/` puts them back.

use std::path::PathBuf;

use clap::Parser;
use concierge::routes::{ROUTES, STREAMS};
use concierge_infra::emulator::workspace_dir;
use concierge_infra::events;
use serde_json::Value;

#[derive(Parser)]
#[command(about = "Refresh events/ with a real session of the local stack")]
struct Args {
    /// The local stack (`make dev`).
    #[arg(long, env = "CONCIERGE_URL", default_value = "http://127.0.0.1:3000")]
    origin: String,
    /// The browser origin the samples come from; one the stack trusts.
    #[arg(long, default_value = "http://localhost:5173")]
    browser_origin: String,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let dir = workspace_dir().join("events");
    let read = |name: &str| -> Result<(PathBuf, String, Value), String> {
        let path = dir.join(format!("{name}.json"));
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let sample = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((path, text, sample))
    };
    let (_, _, subscribe) = read("push-subscribe")?;
    let body: Value = subscribe["body"]
        .as_str()
        .and_then(|b| serde_json::from_str(b).ok())
        .ok_or("events/push-subscribe.json has no JSON body")?;
    let http = reqwest::Client::new();
    let (logins, values) = events::prepare(&http, &args.origin, &body)
        .await
        .map_err(|e| format!("{e} (is `make dev` running at {}?)", args.origin))?;
    let mut refreshed = 0;
    for route in ROUTES.iter().chain(STREAMS.iter()) {
        let name = route.function_name();
        let (path, original, mut sample) = read(&name)?;
        if !events::needs_session(&sample) {
            continue;
        }
        events::refresh(
            &name,
            route.path,
            &mut sample,
            &logins,
            &values,
            &args.browser_origin,
        );
        let text = match events::refresh_text(&original, &sample) {
            Some(text) => text,
            None => serde_json::to_string_pretty(&sample).map_err(|e| e.to_string())? + "\n",
        };
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        refreshed += 1;
    }
    println!(
        "{refreshed} samples in events/ now carry a demo session (git checkout events/ undoes it)"
    );
    Ok(())
}
