//! The API contract: `docs/openapi.yaml` describes every route of the route table, and the
//! local stack answers as it says (schemathesis, from the project's venv, fuzzes every
//! operation: no 5xx, no status, content type, header or body the document does not allow).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use concierge::jobs::{JOBS, JobEvent};
use concierge::routes::{ROUTES, STREAMS};
use concierge_infra::emulator::venv_dir;
use serde_json::Value;

use crate::support::{Browser, Stack};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The reference of the one error schema every error response uses.
const ERROR_SCHEMA: &str = "#/components/schemas/Error";

/// `docs/openapi.yaml` of the workspace under test (`cargo test` names the package's directory
/// at run time; the build-time one may be another checkout's when a target dir is shared).
fn document_path() -> PathBuf {
    tests_dir().join("../docs/openapi.yaml")
}

/// This crate's directory, `tests/`.
fn tests_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn document() -> Value {
    let path = document_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    serde_yaml_ng::from_str(&text)
        .unwrap_or_else(|err| panic!("{} is not valid YAML: {err}", path.display()))
}

/// What a local reference (`#/a/b`) points at.
fn resolve<'d>(doc: &'d Value, reference: &str) -> Option<&'d Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

/// A value, or what it refers to when it is a `$ref`.
fn follow<'d>(doc: &'d Value, value: &'d Value) -> &'d Value {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => resolve(doc, reference).unwrap_or(&Value::Null),
        None => value,
    }
}

/// Every `$ref` in the document, with where it is.
fn references(value: &Value, at: &str, found: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                if key == "$ref"
                    && let Some(reference) = inner.as_str()
                {
                    found.push((at.to_owned(), reference.to_owned()));
                }
                references(inner, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                references(inner, &format!("{at}/{index}"), found);
            }
        }
        _ => {}
    }
}

/// Whether a response's JSON schema is the Error schema (or offers it, for a status whose body
/// is either the route's own shape or an error).
fn uses_error_schema(doc: &Value, response: &Value) -> bool {
    let response = follow(doc, response);
    let Some(schema) = response.pointer("/content/application~1json/schema") else {
        return false;
    };
    let is_error =
        |schema: &Value| schema.get("$ref").and_then(Value::as_str) == Some(ERROR_SCHEMA);
    is_error(schema)
        || ["oneOf", "anyOf"].iter().any(|key| {
            schema
                .get(*key)
                .and_then(Value::as_array)
                .is_some_and(|options| options.iter().any(is_error))
        })
}

#[test]
fn the_openapi_document_describes_every_route_and_no_other() {
    let doc = document();
    assert_eq!(doc["openapi"], "3.1.0", "an OpenAPI 3.1.0 document");

    let expected: BTreeMap<(String, String), String> = ROUTES
        .iter()
        .chain(STREAMS)
        .map(|route| {
            (
                (route.method.to_owned(), route.path.to_owned()),
                route.function_name(),
            )
        })
        .collect();
    let mut documented: BTreeMap<(String, String), &Value> = BTreeMap::new();
    let paths = doc["paths"].as_object().expect("a paths object");
    for (path, item) in paths {
        for method in METHODS {
            if let Some(operation) = item.get(method) {
                documented.insert((method.to_uppercase(), path.clone()), operation);
            }
        }
    }

    let name = |(method, path): &(String, String)| format!("{method} {path}");
    let missing: Vec<String> = expected
        .iter()
        .filter(|(key, _)| !documented.contains_key(*key))
        .map(|(key, function)| format!("{} ({function})", name(key)))
        .collect();
    let extra: Vec<String> = documented
        .keys()
        .filter(|key| !expected.contains_key(*key))
        .map(name)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/openapi.yaml and the route table disagree.\n  routes not documented: {missing:#?}\n  documented, not routes: {extra:#?}"
    );

    let mut problems = Vec::new();
    for (key, operation) in &documented {
        let route = name(key);
        let function = &expected[key];
        if operation["operationId"].as_str() != Some(function.as_str()) {
            problems.push(format!(
                "{route}: operationId {} is not the function name {function}",
                operation["operationId"]
            ));
        }
        let responses = operation["responses"].as_object();
        if responses.is_none_or(|r| !r.keys().any(|status| status.starts_with('2'))) {
            problems.push(format!("{route}: no success response"));
        }
        for (status, response) in responses.into_iter().flatten() {
            let is_error = status.starts_with('4') || status.starts_with('5');
            if is_error && !uses_error_schema(&doc, response) {
                problems.push(format!("{route}: {status} does not use {ERROR_SCHEMA}"));
            }
        }
        // Every `{name}` of the path is a declared path parameter, and nothing else is.
        let in_path: BTreeSet<&str> = key
            .1
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
            .collect();
        let declared: BTreeSet<&str> = paths[&key.1]
            .get("parameters")
            .into_iter()
            .chain(operation.get("parameters"))
            .flat_map(|list| list.as_array().into_iter().flatten())
            .map(|parameter| follow(&doc, parameter))
            .filter(|parameter| parameter["in"] == "path")
            .filter_map(|parameter| parameter["name"].as_str())
            .collect();
        if in_path != declared {
            problems.push(format!(
                "{route}: path parameters {in_path:?}, declared {declared:?}"
            ));
        }
    }
    for stream in STREAMS {
        let operation = documented[&(stream.method.to_owned(), stream.path.to_owned())];
        let ok = follow(&doc, &operation["responses"]["200"]);
        if ok.pointer("/content/text~1event-stream").is_none()
            && ok.pointer("/content/text~1csv").is_none()
        {
            problems.push(format!(
                "{} {}: a stream answers text/event-stream (an export, text/csv)",
                stream.method, stream.path
            ));
        }
    }

    let mut found = Vec::new();
    references(&doc, "#", &mut found);
    for (at, reference) in &found {
        if resolve(&doc, reference).is_none() {
            problems.push(format!("{at}: $ref {reference} resolves to nothing"));
        }
    }
    assert!(
        !found.is_empty() && resolve(&doc, ERROR_SCHEMA).is_some(),
        "the shared Error schema is defined"
    );
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The schemathesis of the project's venv; the test fails, never skips, without it.
fn schemathesis() -> PathBuf {
    let program = venv_dir().join("bin/schemathesis");
    assert!(
        program.exists(),
        "{} is missing: run `make venv` (infra/requirements.txt pins schemathesis)",
        program.display()
    );
    program
}

/// The checks of every run: "zero 5xx and zero schema violations" (the first five), and that
/// invalid input is refused, required headers are required, other methods get 405 with
/// `Allow`, and what was deleted or created is gone or there. Not `positive_data_acceptance`:
/// valid-looking ids of things that do not exist are rightly 404s.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,negative_data_rejection,\
missing_required_header,unsupported_method,allow_header_conformance,use_after_free,\
ensure_resource_availability";

/// Anonymous runs also check that no protected route answers without credentials (with a
/// bearer header on every request this check cannot tell good credentials from generated ones).
const ANONYMOUS_CHECKS: &str = "ignored_auth";

/// The settings of every run (`tests/schemathesis/schemathesis.toml`) with the dictionaries of
/// the ids this stack made, written where schemathesis reads them.
fn config_file(ids: &BTreeMap<&str, Vec<String>>) -> PathBuf {
    let settings_path = tests_dir().join("schemathesis/schemathesis.toml");
    let mut settings = std::fs::read_to_string(&settings_path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", settings_path.display()));
    for (name, values) in ids {
        assert!(!values.is_empty(), "no {name} to fuzz with");
        // A JSON array of strings is a TOML array of strings.
        let values = serde_json::to_string(values).expect("JSON");
        settings.push_str(&format!("\n[dictionaries.{name}]\nvalues = {values}\n"));
    }
    let dir = std::env::temp_dir().join(format!(
        "concierge-contract-{}-{}",
        std::process::id(),
        jiff::Timestamp::now().as_nanosecond()
    ));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let path = dir.join("schemathesis.toml");
    std::fs::write(&path, settings).expect("the schemathesis settings");
    path
}

/// Runs schemathesis against `base` (the origin; the document's paths carry `/api/v1`) with
/// the settings of `config`, sending `headers` with every request (`anonymous`: none of them
/// authenticates a user). Its output, and whether it passed.
async fn fuzz(
    who: &'static str,
    config: PathBuf,
    base: String,
    headers: Vec<String>,
    anonymous: bool,
) -> (bool, String) {
    let program = schemathesis();
    let checks = if anonymous {
        format!("{CHECKS},{ANONYMOUS_CHECKS}")
    } else {
        CHECKS.to_owned()
    };
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut command = Command::new(&program);
        command
            .arg("--config-file")
            .arg(&config)
            .arg("run")
            .arg(document_path())
            .args(["--url", &base])
            .args(["--checks", &checks])
            .args(["--phases", "examples,coverage,fuzzing"])
            .args(["--max-examples", "8", "--seed", "20261202"])
            // One worker each: the four runs go at once, against an emulator that serves one
            // request at a time; and schemathesis' generation races in Python 3.11 threads.
            .args(["--workers", "1", "--request-timeout", "20"])
            .args(["--suppress-health-check", "all"])
            .args(["--generation-database", "none", "--no-color"])
            .args(["--output-truncate", "false"]);
        for header in &headers {
            command.args(["-H", header]);
        }
        let output = command
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", program.display()));
        let text = format!(
            "schemathesis as {who}: {} in {:.1} s\n{}\n{}",
            output.status,
            started.elapsed().as_secs_f64(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), text)
    })
    .await
    .expect("the schemathesis thread")
}

/// The strings at `field` of each item of a listing's `items`.
fn listed(listing: &Value, field: &str) -> Vec<String> {
    listing["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|item| item[field].as_str())
        .map(str::to_owned)
        .collect()
}

/// The access token a browser's login left in its cookies, as a bearer header.
fn bearer(stack: &Stack, browser: &Browser) -> String {
    let token = browser
        .cookie(&stack.url("/auth/profile"), "access_token")
        .expect("an access token cookie");
    format!("Authorization: Bearer {token}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn schemathesis_finds_no_server_error_and_no_contract_violation() {
    let program = schemathesis();
    let stack = Stack::demo_with(
        |config| {
            config.allow_bearer = true;
            config.streams.max_duration = Duration::from_secs(1);
        },
        |app| app,
    )
    .await;
    // Every job runs now and then again while schemathesis does, as their schedules run them
    // on a live stack: the health routes answer 200 however long the runs take.
    let run_jobs = || async {
        for job in JOBS {
            stack
                .runner
                .run_job(job.name, JobEvent::default())
                .await
                .expect("a job of JOBS")
                .unwrap_or_else(|err| panic!("job {}: {err}", job.name));
        }
    };
    run_jobs().await;
    let admin = stack.staff("admin@demo.test").await;
    let superadmin = bearer(&stack, &admin);
    let operator = bearer(&stack, &stack.staff("operator@demo.test").await);
    let mut guest_browser = stack.guest("demo", "101").await;
    let guest = bearer(&stack, &guest_browser);

    // Real ids for the generated requests to hit, besides the random ones.
    let (status, departments) = stack.get("/hotels/demo/departments").await;
    assert_eq!(status, 200, "{departments}");
    let departments = listed(&departments, "slug");
    let (status, experiences) = stack.get("/hotels/demo/experiences?limit=100").await;
    assert_eq!(status, 200, "{experiences}");
    let (status, members) = admin.get("/hotels/demo/admin/members").await;
    assert_eq!(status, 200, "{members}");
    // Not the superadmin whose token fuzzes: a run that locks itself out tests little.
    let members = members["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|member| member["role"] != "SUPERADMIN")
        .filter_map(|member| member["user"].as_str().map(str::to_owned))
        .collect();
    let mut requests = Vec::new();
    for _ in 0..2 {
        requests.push(guest_browser.ask(&departments[0]).await);
    }
    let (status, stays) = guest_browser.get("/me/stays").await;
    assert_eq!(status, 200, "{stays}");
    let qr_codes = stack.demo.as_ref().expect("a demo stack").hotels[0]
        .qr_codes
        .iter()
        .map(|(_, code)| code.to_string())
        .collect();
    let config = config_file(&BTreeMap::from([
        ("departments", departments),
        ("experiences", listed(&experiences, "id")),
        ("members", members),
        ("requests", requests),
        ("stays", listed(&stays, "id")),
        ("qr_codes", qr_codes),
    ]));
    // Gupshup's own header, so the webhook's events are fuzzed too, not only its refusals; in
    // a run that does not check `ignored_auth`, which would take the header for a bypass.
    let secret = stack
        .app
        .config
        .secrets
        .get()
        .ok()
        .and_then(|secrets| secrets.gupshup_webhook_secret.as_ref())
        .map(concierge::secrets::Secret::expose);
    let gupshup = format!(
        "{}: {}",
        concierge::webhooks::gupshup::SECRET_HEADER,
        secret.expect("a webhook secret")
    );
    let origin = stack.origin();
    assert!(program.exists());

    let started = Instant::now();
    let schedules = async {
        loop {
            tokio::time::sleep(Duration::from_secs(20)).await;
            run_jobs().await;
        }
    };
    let runs = futures::future::join_all([
        fuzz("anonymous", config.clone(), origin.clone(), vec![], true),
        fuzz(
            "a superadmin",
            config.clone(),
            origin.clone(),
            vec![superadmin, gupshup],
            false,
        ),
        fuzz(
            "a guest",
            config.clone(),
            origin.clone(),
            vec![guest],
            false,
        ),
        fuzz(
            "the operator",
            config.clone(),
            origin.clone(),
            vec![operator],
            false,
        ),
    ]);
    let runs = tokio::select! {
        runs = runs => runs,
        () = schedules => unreachable!("the schedules run until the runs end"),
    };
    let elapsed = started.elapsed();
    if let Some(dir) = config.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    let failed: Vec<&String> = runs
        .iter()
        .filter(|(passed, _)| !passed)
        .map(|(_, output)| output)
        .collect();
    for (_, output) in &runs {
        // Who, how long, and how many cases, for the log of a passing run.
        let mut lines = output.lines();
        let first = lines.next().unwrap_or_default();
        let cases = lines
            .skip_while(|line| !line.starts_with("Test cases:"))
            .nth(1)
            .unwrap_or_default();
        eprintln!("{first}:{cases}");
    }
    eprintln!("schemathesis runs took {:.1} s", elapsed.as_secs_f64());
    assert!(
        failed.is_empty(),
        "schemathesis found contract violations:\n{}",
        failed
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n\n")
    );
}
