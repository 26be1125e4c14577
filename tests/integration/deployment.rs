//! The deployment agrees with the code: the route table, `template.yaml`'s functions and their
//! events, the binaries in `functions/` and the samples in `events/` correspond one to one.
//! Each failure says exactly what to add or remove.

use std::collections::BTreeSet;
use std::path::PathBuf;

use aws_lambda_events::sqs::SqsEvent;
use concierge::http::respond;
use concierge::jobs::{JOBS, Job, JobEvent};
use concierge::lambda::{consume_batch, invoke_stream};
use concierge::routes::{
    self, CONSUMER_HANDLERS, CONSUMERS, FALLBACK, HANDLERS, ROUTES, STREAM_HANDLERS, STREAMS,
};
use concierge_infra::emulator::{venv_dir, workspace_dir};
use concierge_infra::events;
use concierge_infra::template::{Function, Template};
use serde_json::Value;

use crate::support::{Stack, unique_table};

/// What invokes a function.
enum Trigger {
    /// Its HTTP API route, (method, path); `("ANY", "$default")` for the fallback.
    Http(String, String),
    /// A live stream's route, served by its Function URL through the site's distribution.
    Stream(String, String),
    /// Its recurring schedule.
    Schedule(Job),
    /// Its queue (the queue's logical id in the template).
    Queue(&'static str),
}

/// A Lambda function the code expects to be deployed.
struct Expected {
    name: String,
    handler: String,
    trigger: Trigger,
}

impl Expected {
    fn logical_id(&self) -> String {
        let pascal: String = self
            .name
            .split('-')
            .map(|word| {
                let mut chars = word.chars();
                chars
                    .next()
                    .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            })
            .collect();
        format!("{pascal}Function")
    }

    fn main_rs(&self) -> String {
        let call = match &self.trigger {
            Trigger::Http(..) => format!("http(concierge::{}::handle)", self.handler),
            Trigger::Stream(..) => format!("stream(concierge::{}::handle)", self.handler),
            Trigger::Schedule(_) => format!("job(concierge::{}::JOB)", self.handler),
            Trigger::Queue(_) => format!("queue(concierge::{}::consume)", self.handler),
        };
        format!(
            "fn main() -> Result<(), concierge::lambda::Error> {{\n    concierge::lambda::{call}\n}}\n"
        )
    }

    fn events_snippet(&self) -> String {
        match &self.trigger {
            Trigger::Http(method, path) => format!(
                "      Events:\n        Api:\n          Type: HttpApi\n          Properties:\n            ApiId: !Ref HttpApi\n            Method: {method}\n            Path: {path}"
            ),
            Trigger::Schedule(job) => format!(
                "      Events:\n        Schedule:\n          Type: ScheduleV2\n          Properties:\n            ScheduleExpression: {}\n            RoleArn: !GetAtt SchedulerRole.Arn\n            RetryPolicy: {{ MaximumRetryAttempts: 2 }}\n            DeadLetterConfig: {{ Arn: !GetAtt JobDeadLetters.Arn }}",
                job.rate_expression()
            ),
            Trigger::Stream(..) => "      Timeout: 330\n      FunctionUrlConfig:\n        AuthType: AWS_IAM\n        InvokeMode: RESPONSE_STREAM".to_owned(),
            Trigger::Queue(queue) => format!("      Events:\n        Queue:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt {queue}.Arn\n            FunctionResponseTypes: [ReportBatchItemFailures]"),
        }
    }

    fn template_snippet(&self) -> String {
        format!(
            "  {id}:\n    Type: AWS::Serverless::Function\n    Metadata:\n      BuildMethod: rust-cargolambda\n      BuildProperties:\n        Binary: {name}\n    Properties:\n{events}\n      Policies:\n        - Statement:\n            - Effect: Allow\n              Action: [dynamodb:GetItem]   # exactly the calls the handler makes\n              Resource: !GetAtt Table.Arn",
            id = self.logical_id(),
            name = self.name,
            events = self.events_snippet(),
        )
    }

    /// What is wrong with the function's events, if anything.
    fn event_problem(&self, function: &Function<'_>) -> Option<String> {
        let events: Vec<&serde_yaml_ng::Value> = function.events().collect();
        let field = |event: &serde_yaml_ng::Value, name: &str| {
            event.get("Properties").and_then(|p| p.get(name)).cloned()
        };
        let kind = |event: &serde_yaml_ng::Value| {
            event
                .get("Type")
                .and_then(|t| t.as_str())
                .unwrap_or("")
                .to_owned()
        };
        let right = match &self.trigger {
            Trigger::Http(method, path) => {
                function.http_routes() == [(method.clone(), path.clone())] && events.len() == 1
            }
            Trigger::Stream(..) => {
                let url = function.resource.properties.get("FunctionUrlConfig");
                let setting = |name: &str| {
                    url.and_then(|u| u.get(name))
                        .and_then(|v| v.as_str())
                        .map(str::to_owned)
                };
                events.is_empty()
                    && setting("InvokeMode").as_deref() == Some("RESPONSE_STREAM")
                    && setting("AuthType").as_deref() == Some("AWS_IAM")
            }
            Trigger::Schedule(job) => {
                events.len() == 1
                    && kind(events[0]) == "ScheduleV2"
                    && field(events[0], "ScheduleExpression")
                        .and_then(|e| e.as_str().map(str::to_owned))
                        == Some(job.rate_expression())
                    && field(events[0], "RetryPolicy").is_some()
                    && field(events[0], "DeadLetterConfig").is_some()
            }
            Trigger::Queue(queue) => {
                events.len() == 1
                    && kind(events[0]) == "SQS"
                    && field(events[0], "Queue")
                        .and_then(|q| serde_yaml_ng::to_string(&q).ok())
                        .is_some_and(|q| q.trim() == format!("!GetAtt {queue}.Arn"))
                    && field(events[0], "FunctionResponseTypes")
                        .and_then(|t| t.as_sequence().cloned())
                        .is_some_and(|t| {
                            t.iter()
                                .any(|v| v.as_str() == Some("ReportBatchItemFailures"))
                        })
            }
        };
        (!right).then(|| {
            format!(
                "template.yaml: {} must have exactly this one event:\n{}",
                function.logical_id,
                self.events_snippet()
            )
        })
    }
}

fn expected() -> Vec<Expected> {
    let mut all: Vec<Expected> = ROUTES
        .iter()
        .map(|route| Expected {
            name: route.function_name(),
            handler: route.handler.to_owned(),
            trigger: Trigger::Http(route.method.to_owned(), route.path.to_owned()),
        })
        .collect();
    all.extend(STREAMS.iter().map(|route| Expected {
        name: route.function_name(),
        handler: route.handler.to_owned(),
        trigger: Trigger::Stream(route.method.to_owned(), route.path.to_owned()),
    }));
    all.push(Expected {
        name: routes::function_name(FALLBACK),
        handler: FALLBACK.to_owned(),
        trigger: Trigger::Http("ANY".into(), "$default".into()),
    });
    all.extend(JOBS.iter().map(|job| Expected {
        name: job.function_name(),
        handler: format!("jobs::{}", job.name.replace('-', "_")),
        trigger: Trigger::Schedule(*job),
    }));
    all.extend(CONSUMERS.iter().map(|consumer| Expected {
        name: consumer.function_name(),
        handler: consumer.handler.to_owned(),
        trigger: Trigger::Queue(consumer.queue),
    }));
    all
}

#[track_caller]
fn assert_no_problems(problems: Vec<String>) {
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn the_template_declares_each_function_with_its_route_and_policy() {
    let template = Template::load_workspace().unwrap();
    let functions = template.functions();
    let expected = expected();
    let mut problems = Vec::new();
    for want in &expected {
        let Some(function) = functions
            .iter()
            .find(|f| f.binary == Some(want.name.as_str()))
        else {
            problems.push(format!(
                "template.yaml: add the function of {}:\n{}",
                want.handler,
                want.template_snippet()
            ));
            continue;
        };
        if function.logical_id != want.logical_id() {
            problems.push(format!(
                "template.yaml: rename {} to {}",
                function.logical_id,
                want.logical_id()
            ));
        }
        if let Some(problem) = want.event_problem(function) {
            problems.push(problem);
        }
        if function.resource.properties.get("Policies").is_none() {
            problems.push(format!(
                "template.yaml: {} needs Policies naming exactly the actions it uses (`Policies: []` for none)",
                function.logical_id
            ));
        }
    }
    let names: BTreeSet<String> = expected.iter().map(|e| e.name.clone()).collect();
    for function in &functions {
        match function.binary {
            Some(binary) if names.contains(binary) => {}
            Some(binary) => problems.push(format!(
                "template.yaml: {} builds `{binary}`, which is no route of shared/src/routes.rs, job of jobs::JOBS or consumer of routes::CONSUMERS; add it or remove the function",
                function.logical_id
            )),
            None => problems.push(format!("template.yaml: {} has no Metadata.BuildProperties.Binary", function.logical_id)),
        }
    }
    assert_no_problems(problems);
}

/// What `make package` builds and the bench measures: `cargo lambda build --release --arm64`
/// of the functions package, for Lambda's OS-only runtime. What `sam build` deploys must be the
/// same.
const ARCHITECTURE: &str = "arm64";
const RUNTIME: &str = "provided.al2023";
const PACKAGE_COMMAND: &str = "cargo lambda build --release --arm64";

/// The workspace's packages (`cargo metadata`): manifest directory → names of its binaries.
fn workspace_binaries() -> Vec<(PathBuf, Vec<String>)> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(workspace_dir())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata's JSON");
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    packages
        .iter()
        .map(|package| {
            let manifest = PathBuf::from(package["manifest_path"].as_str().unwrap_or_default());
            let bins = package["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|t| {
                    t["kind"]
                        .as_array()
                        .is_some_and(|k| k.iter().any(|k| k == "bin"))
                })
                .filter_map(|t| t["name"].as_str().map(str::to_owned))
                .collect();
            (
                manifest.parent().map(PathBuf::from).unwrap_or_default(),
                bins,
            )
        })
        .collect()
}

/// `sam build` runs `cargo lambda build --bin <Binary>` in each function's `CodeUri`, so that
/// folder must be the package holding the binary (issue 19: the workspace root's default
/// members leave `functions/` out, and every build failed).
#[test]
fn sam_builds_each_function_from_the_package_that_holds_its_binary() {
    let template = Template::load_workspace().unwrap();
    let packages = workspace_binaries();
    let root = workspace_dir();
    let mut problems = Vec::new();
    for function in template.functions() {
        let id = function.logical_id;
        if function.build_method() != Some("rust-cargolambda") {
            problems.push(format!(
                "template.yaml: {id} needs `Metadata: BuildMethod: rust-cargolambda` (sam build runs cargo-lambda)"
            ));
        }
        let Some(code_uri) = function.property("CodeUri").and_then(|v| v.as_str()) else {
            problems.push(format!(
                "template.yaml: {id} has no CodeUri (Globals.Function.CodeUri is functions/)"
            ));
            continue;
        };
        let dir = root.join(code_uri);
        let dir = dir.canonicalize().unwrap_or(dir);
        let Some((_, bins)) = packages.iter().find(|(path, _)| *path == dir) else {
            problems.push(format!(
                "template.yaml: {id}'s CodeUri `{code_uri}` is no package of the workspace \
                 (cargo metadata); the function binaries are in functions/"
            ));
            continue;
        };
        if let Some(binary) = function.binary
            && !bins.iter().any(|b| b == binary)
        {
            problems.push(format!(
                "template.yaml: {id} builds `{binary}`, which the package at CodeUri `{code_uri}` \
                 has no binary of (cargo metadata); declare it in its Cargo.toml or fix the name"
            ));
        }
        if function.property("Runtime").and_then(|v| v.as_str()) != Some(RUNTIME) {
            problems.push(format!(
                "template.yaml: {id} must run on {RUNTIME}, as make package and the bench build it"
            ));
        }
        let architectures = function
            .property("Architectures")
            .and_then(|v| v.as_sequence())
            .map(|list| list.iter().filter_map(|a| a.as_str()).collect::<Vec<_>>());
        if architectures != Some(vec![ARCHITECTURE]) {
            problems.push(format!(
                "template.yaml: {id} must run on Architectures [{ARCHITECTURE}], as make package builds it"
            ));
        }
    }
    let makefile = std::fs::read_to_string(root.join("Makefile")).expect("the Makefile");
    if !makefile.contains(PACKAGE_COMMAND) {
        problems.push(format!(
            "Makefile: `make package` must build what template.yaml deploys: {PACKAGE_COMMAND}"
        ));
    }
    assert_no_problems(problems);
}

#[test]
fn each_consumers_queue_parks_what_keeps_failing_in_dead_letters() {
    let template = Template::load_workspace().unwrap();
    let mut problems = Vec::new();
    for consumer in CONSUMERS {
        let queue = consumer.queue;
        let redrive = template
            .resources
            .get(queue)
            .filter(|r| r.kind == "AWS::SQS::Queue")
            .and_then(|q| q.properties.get("RedrivePolicy"));
        let target = redrive
            .and_then(|r| r.get("deadLetterTargetArn"))
            .and_then(|t| serde_yaml_ng::to_string(t).ok())
            .and_then(|t| {
                let target = t.trim().strip_prefix("!GetAtt ")?.strip_suffix(".Arn")?;
                Some(target.to_owned())
            });
        let parks = target.as_deref().is_some_and(|target| {
            target != queue
                && template
                    .resources
                    .get(target)
                    .is_some_and(|r| r.kind == "AWS::SQS::Queue")
        }) && redrive.is_some_and(|r| r.get("maxReceiveCount").is_some());
        if !parks {
            problems.push(format!(
                "template.yaml: {queue} (of {}) must be an AWS::SQS::Queue with\n      RedrivePolicy:\n        deadLetterTargetArn: !GetAtt <its dead-letter queue>.Arn\n        maxReceiveCount: 5\nthe dead-letter queue another AWS::SQS::Queue",
                consumer.handler
            ));
        }
    }
    assert_no_problems(problems);
}

/// The text of a template value (tags such as `!GetAtt` included), to look for names in.
fn text(value: Option<&serde_yaml_ng::Value>) -> String {
    value
        .map(|v| serde_yaml_ng::to_string(v).unwrap_or_default())
        .unwrap_or_default()
}

#[test]
fn the_site_distribution_serves_the_app_the_api_the_streams_and_the_images() {
    let template = Template::load_workspace().unwrap();
    let config = template
        .resources
        .get("SiteDistribution")
        .and_then(|d| d.properties.get("DistributionConfig"))
        .expect("template.yaml: a SiteDistribution (AWS::CloudFront::Distribution)");
    let list = |name: &str| {
        config
            .get(name)
            .and_then(|v| v.as_sequence())
            .cloned()
            .unwrap_or_default()
    };
    let origins = list("Origins");
    let origin_of = |domain: &str| {
        origins
            .iter()
            .find(|o| text(o.get("DomainName")).contains(domain))
            .map(|o| text(o.get("Id")))
    };
    let behaviours = list("CacheBehaviors");
    let position = |pattern: &str| {
        behaviours
            .iter()
            .position(|b| text(b.get("PathPattern")).trim() == pattern)
    };
    let mut problems = Vec::new();
    let expect_route = |problems: &mut Vec<String>, pattern: &str, domain: &str, what: &str| {
        let origin = origin_of(domain);
        let at = position(pattern);
        let routed = at.is_some_and(|i| Some(text(behaviours[i].get("TargetOriginId"))) == origin);
        if origin.is_none() || !routed {
            problems.push(format!(
                "template.yaml: SiteDistribution needs an origin whose DomainName is {domain} \
                 ({what}), and a CacheBehavior with PathPattern {pattern} to that origin"
            ));
        }
        at
    };

    let api = expect_route(
        &mut problems,
        "/api/v1/*",
        "${HttpApi}.execute-api",
        "the HTTP API",
    );
    for route in STREAMS {
        let want = Expected {
            name: route.function_name(),
            handler: route.handler.to_owned(),
            trigger: Trigger::Stream(route.method.to_owned(), route.path.to_owned()),
        };
        let url = format!("{}Url.FunctionUrl", want.logical_id());
        let pattern: String = route
            .path
            .split('/')
            .map(|s| if s.starts_with('{') { "*" } else { s })
            .collect::<Vec<_>>()
            .join("/");
        let stream = expect_route(
            &mut problems,
            &pattern,
            &url,
            "the host of the stream's Function URL",
        );
        if let (Some(stream), Some(api)) = (stream, api)
            && stream > api
        {
            problems.push(format!(
                "template.yaml: SiteDistribution's {pattern} must come before /api/v1/* (the first match wins)"
            ));
        }
    }
    if let Some(images) = expect_route(
        &mut problems,
        "/images/*",
        "ImagesBucket.RegionalDomainName",
        "the images bucket",
    ) {
        let functions = text(behaviours[images].get("FunctionAssociations"));
        if !functions.contains("ImagesPath") {
            problems.push(
                "template.yaml: /images/* needs the ImagesPath function (it strips /images)".into(),
            );
        }
    }
    if let Some(api) = api {
        let methods = text(behaviours[api].get("AllowedMethods"));
        if !["POST", "PATCH", "DELETE"]
            .iter()
            .all(|m| methods.contains(m))
        {
            problems.push("template.yaml: /api/v1/* must allow every method".into());
        }
    }
    let default = config.get("DefaultCacheBehavior");
    let site = origin_of("SiteBucket.RegionalDomainName");
    let default_text = text(default);
    if site.is_none()
        || default
            .and_then(|d| d.get("TargetOriginId"))
            .map(|id| text(Some(id)))
            != site
        || !default_text.contains("SiteRoutes")
        || !default_text.contains("SiteHeaders")
    {
        problems.push(
            "template.yaml: SiteDistribution's default behaviour serves the SiteBucket origin, with \
             the SiteRoutes function and the SiteHeaders policy"
                .into(),
        );
    }
    for origin in &origins {
        if text(origin.get("DomainName")).contains("RegionalDomainName")
            && origin.get("OriginAccessControlId").is_none()
        {
            problems.push(format!(
                "template.yaml: origin {} reads a bucket without origin access control",
                text(origin.get("Id")).trim()
            ));
        }
    }
    for output in ["SiteUrl", "SiteBucketName", "SiteDistributionId"] {
        if !template.outputs.contains_key(output) {
            problems.push(format!(
                "template.yaml: output {output} (make deploy reads it)"
            ));
        }
    }
    assert_no_problems(problems);
}

#[test]
fn the_site_sends_the_security_headers_the_local_api_sends() {
    let template = Template::load_workspace().unwrap();
    let headers = template
        .resources
        .get("SiteHeaders")
        .and_then(|p| p.properties.get("ResponseHeadersPolicyConfig"))
        .and_then(|c| c.get("SecurityHeadersConfig"))
        .expect("template.yaml: SiteHeaders (AWS::CloudFront::ResponseHeadersPolicy)");
    let field = |path: &[&str]| {
        path.iter()
            .try_fold(headers, |v, key| v.get(*key))
            .map(|v| text(Some(v)).trim().trim_matches('"').to_owned())
            .unwrap_or_default()
    };
    use concierge_infra::site;
    assert_eq!(
        field(&["ContentSecurityPolicy", "ContentSecurityPolicy"]),
        site::CONTENT_SECURITY_POLICY
    );
    assert!(!site::CONTENT_SECURITY_POLICY.contains("unsafe-inline"));
    assert!(site::CONTENT_SECURITY_POLICY.contains("frame-ancestors 'none'"));
    let hsts = format!(
        "max-age={}; includeSubDomains",
        field(&["StrictTransportSecurity", "AccessControlMaxAgeSec"])
    );
    assert_eq!(hsts, site::STRICT_TRANSPORT_SECURITY);
    assert_eq!(
        field(&["StrictTransportSecurity", "IncludeSubdomains"]),
        "true"
    );
    assert_eq!(field(&["ContentTypeOptions", "Override"]), "true");
    assert_eq!(
        field(&["ReferrerPolicy", "ReferrerPolicy"]),
        site::REFERRER_POLICY
    );
    assert_eq!(field(&["FrameOptions", "FrameOption"]), "DENY");
}

#[test]
fn each_function_has_a_binary_that_only_wires_its_handler() {
    let root = workspace_dir().join("functions");
    let manifest: toml::Table = std::fs::read_to_string(root.join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let bins: Vec<&toml::Table> = manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .map(|bins| bins.iter().filter_map(|b| b.as_table()).collect())
        .unwrap_or_default();
    let expected = expected();
    let mut problems = Vec::new();
    for want in &expected {
        let path = format!("src/bin/{}.rs", want.name);
        let entry = bins
            .iter()
            .find(|b| b.get("name").and_then(|n| n.as_str()) == Some(want.name.as_str()));
        let declared_right = entry.is_some_and(|b| {
            b.get("path").and_then(|p| p.as_str()) == Some(path.as_str())
                && b.get("test").and_then(|t| t.as_bool()) == Some(false)
        });
        if !declared_right {
            problems.push(format!(
                "functions/Cargo.toml: declare\n[[bin]]\nname = \"{}\"\npath = \"{path}\"\ntest = false",
                want.name
            ));
        }
        let source = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
        if source != want.main_rs() {
            problems.push(format!(
                "functions/{path} must be exactly:\n{}",
                want.main_rs()
            ));
        }
    }
    let names: BTreeSet<String> = expected.iter().map(|e| e.name.clone()).collect();
    for bin in &bins {
        let name = bin.get("name").and_then(|n| n.as_str()).unwrap_or("?");
        if !names.contains(name) {
            problems.push(format!(
                "functions/Cargo.toml: binary `{name}` is no route, job or consumer"
            ));
        }
    }
    for file in std::fs::read_dir(root.join("src/bin")).unwrap() {
        let file = file.unwrap().path();
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        if !names.contains(&stem) {
            problems.push(format!(
                "functions/src/bin/{stem}.rs belongs to no function; remove it"
            ));
        }
    }
    assert_no_problems(problems);
}

fn events_dir() -> PathBuf {
    workspace_dir().join("events")
}

fn sample(name: &str) -> Option<String> {
    std::fs::read_to_string(events_dir().join(format!("{name}.json"))).ok()
}

#[test]
fn each_function_has_a_sample_event_for_its_route() {
    let expected = expected();
    let mut problems = Vec::new();
    for want in &expected {
        let Some(text) = sample(&want.name) else {
            problems.push(format!(
                "events/{}.json: add a sample event ({})",
                want.name,
                match &want.trigger {
                    Trigger::Http(method, path) => format!(
                        "an API Gateway HTTP API payload 2.0 event for {method} {path}; \
                         `sam local generate-event apigateway http-api-proxy` gives a starting point"
                    ),
                    Trigger::Stream(method, path) => format!(
                        "a Lambda Function URL event (payload 2.0, routeKey $default, no path \
                         parameters) for {method} {path}"
                    ),
                    Trigger::Schedule(_) => "the schedule's input: `{}` for a recurring run".into(),
                    Trigger::Queue(queue) => format!("an SQS event with a message of {queue}"),
                }
            ));
            continue;
        };
        match &want.trigger {
            Trigger::Http(method, path) => {
                http_sample_problems(&want.name, method, path, &text, &mut problems)
            }
            Trigger::Stream(method, path) => {
                stream_sample_problems(&want.name, method, path, &text, &mut problems)
            }
            Trigger::Schedule(_) => {
                if serde_json::from_str::<JobEvent>(&text).is_err() {
                    problems.push(format!("events/{}.json is not a job event", want.name));
                }
            }
            Trigger::Queue(_) => {
                if serde_json::from_str::<SqsEvent>(&text).map_or(true, |e| e.records.is_empty()) {
                    problems.push(format!(
                        "events/{}.json is not an SQS event with records",
                        want.name
                    ));
                }
            }
        }
    }
    let names: BTreeSet<String> = expected.iter().map(|e| e.name.clone()).collect();
    for file in std::fs::read_dir(events_dir()).unwrap() {
        let file = file.unwrap().path();
        let stem = file
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_owned();
        if !names.contains(&stem) {
            problems.push(format!(
                "events/{stem}.json belongs to no function; remove it"
            ));
        }
    }
    assert_no_problems(problems);
}

/// A sample as JSON, noting when it is not JSON or not what `lambda_http` reads as `kind`.
fn http_event(name: &str, text: &str, kind: &str, problems: &mut Vec<String>) -> Option<Value> {
    let event = serde_json::from_str(text)
        .map_err(|err| problems.push(format!("events/{name}.json is not JSON: {err}")))
        .ok()?;
    if lambda_http::request::from_str(text).is_err() {
        problems.push(format!("events/{name}.json is not {kind}"));
    }
    Some(event)
}

fn http_sample_problems(
    name: &str,
    method: &str,
    path: &str,
    text: &str,
    problems: &mut Vec<String>,
) {
    let Some(event) = http_event(name, text, "an API Gateway HTTP API event", problems) else {
        return;
    };
    let route_key = if path == "$default" {
        path.to_owned()
    } else {
        format!("{method} {path}")
    };
    if event["routeKey"] != route_key.as_str() {
        problems.push(format!(
            "events/{name}.json: routeKey must be \"{route_key}\""
        ));
    }
    let raw_path = event["rawPath"].as_str().unwrap_or("");
    let path_matches = path == "$default"
        || ROUTES
            .iter()
            .any(|r| r.path == path && routes::match_path(r.path, raw_path).is_some());
    if !path_matches || (path != "$default" && event["requestContext"]["http"]["method"] != method)
    {
        problems.push(format!("events/{name}.json: rawPath and requestContext.http.method must be a {method} of {path}"));
    }
}

fn stream_sample_problems(
    name: &str,
    method: &str,
    path: &str,
    text: &str,
    problems: &mut Vec<String>,
) {
    let Some(event) = http_event(name, text, "a Function URL event", problems) else {
        return;
    };
    let raw_path = event["rawPath"].as_str().unwrap_or("");
    let url_shaped = event["routeKey"] == "$default"
        && event.get("pathParameters").is_none()
        && event["requestContext"]["http"]["method"] == method
        && STREAMS
            .iter()
            .any(|r| r.path == path && routes::match_path(r.path, raw_path).is_some());
    if !url_shaped {
        problems.push(format!(
            "events/{name}.json: a Function URL event has routeKey \"$default\", no \
             pathParameters, and a rawPath and requestContext.http.method of {method} {path}"
        ));
    }
}

/// Samples that need a live session or a code just sent show the request's shape; with the
/// placeholders they carry, they get these answers.
const PLACEHOLDER_ANSWERS: [(&str, u16); 53] = [
    ("auth-refresh", 401),
    ("auth-otp-verify", 400),
    ("auth-logout", 204),
    ("auth-profile-get", 401),
    ("auth-profile-update", 401),
    ("requests-create", 401),
    ("stays-mine", 401),
    ("requests-mine", 401),
    ("requests-mine-detail", 401),
    ("requests-cancel", 401),
    ("requests-list", 401),
    ("requests-detail", 401),
    ("requests-update", 401),
    ("requests-acknowledge", 401),
    ("requests-notes", 401),
    ("notifications-list", 401),
    ("notifications-unread-count", 401),
    ("notifications-read", 401),
    ("notifications-read-all", 401),
    ("health-operator", 401),
    ("webhooks-gupshup", 403),
    ("push-subscribe", 401),
    ("push-unsubscribe", 401),
    ("hotels-settings", 401),
    ("hotels-logo", 401),
    ("departments-admin-list", 401),
    ("departments-create", 401),
    ("departments-update", 401),
    ("departments-deactivate", 401),
    ("experiences-admin-list", 401),
    ("experiences-create", 401),
    ("experiences-update", 401),
    ("experiences-deactivate", 401),
    ("experiences-image", 401),
    ("members-list", 401),
    ("members-create", 401),
    ("members-update", 401),
    ("members-deactivate", 401),
    ("qr-list", 401),
    ("qr-create", 401),
    ("qr-update", 401),
    ("qr-deactivate", 401),
    ("qr-image", 401),
    ("stays-list", 401),
    ("stays-update", 401),
    ("operator-hotels-list", 401),
    ("operator-hotels-create", 401),
    ("operator-hotels-update", 401),
    ("requests-dashboard", 401),
    ("audit-list", 401),
    ("requests-export", 401),
    ("requests-mine-events", 401),
    ("requests-events", 401),
];

#[tokio::test]
async fn sample_events_succeed_against_the_demo_hotels() {
    let stack = Stack::demo().await;
    for (route, handler) in ROUTES.iter().zip(HANDLERS) {
        let name = route.function_name();
        let request =
            lambda_http::request::from_str(&sample(&name).expect("sample")).expect("event");
        let response = respond(handler(stack.app, request).await);
        let expected = PLACEHOLDER_ANSWERS
            .iter()
            .find(|(function, _)| *function == name)
            .map_or(200, |(_, status)| *status);
        let body = String::from_utf8_lossy(response.body().as_ref()).into_owned();
        assert_eq!(response.status(), expected, "events/{name}.json: {body}");
    }
    for (route, handler) in STREAMS.iter().zip(STREAM_HANDLERS) {
        let name = route.function_name();
        let request =
            lambda_http::request::from_str(&sample(&name).expect("sample")).expect("event");
        let response = invoke_stream(stack.app, request, handler).await;
        let expected = PLACEHOLDER_ANSWERS
            .iter()
            .find(|(function, _)| *function == name)
            .map_or(200, |(_, status)| *status);
        assert_eq!(response.status(), expected, "events/{name}.json");
    }
    let request =
        lambda_http::request::from_str(&sample(FALLBACK).expect("sample")).expect("event");
    let response = respond(concierge::fallback::handle(stack.app, request).await);
    assert_eq!(response.status(), 404);
    for job in &JOBS {
        let name = job.function_name();
        let event: JobEvent = serde_json::from_str(&sample(&name).expect("sample")).expect("event");
        let report = job.run_once(stack.app, event).await;
        assert!(report.is_ok(), "events/{name}.json: {report:?}");
    }
    for (consumer, consume) in CONSUMERS.iter().zip(CONSUMER_HANDLERS) {
        let name = consumer.function_name();
        let batch: SqsEvent = serde_json::from_str(&sample(&name).expect("sample")).expect("event");
        let answer = consume_batch(stack.app, batch, consume).await;
        assert!(answer.batch_item_failures.is_empty(), "events/{name}.json");
    }
}

/// Runs `script` with the venv's Python against the emulator; its standard output.
fn python_against_emulator(args: &[&str], dir: &std::path::Path) -> (bool, String) {
    let output = std::process::Command::new(venv_dir().join("bin/python"))
        .args(args)
        .current_dir(dir)
        .env("AWS_ENDPOINT_URL", crate::support::emulator())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("python runs");
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), text)
}

/// `make publish-site` finds the site bucket and distribution in the stack's outputs, uploads
/// the build with the right types and caching, and invalidates the distribution.
#[test]
fn publishing_the_site_uploads_the_build_and_invalidates_the_distribution() {
    let dir = std::env::temp_dir().join(unique_table());
    let dist = dir.join("dist");
    std::fs::create_dir_all(dist.join("assets")).unwrap();
    std::fs::write(
        dist.join("index.html"),
        "<!doctype html><title>Concierge</title>",
    )
    .unwrap();
    std::fs::write(dist.join("assets/app-3f9a1c.js"), "export {};").unwrap();
    std::fs::write(dist.join("manifest.webmanifest"), "{}").unwrap();
    let stack = format!("site-{}", unique_table());
    // The stack as the site's template declares it: a bucket and a distribution, named in outputs.
    let setup = format!(
        r#"
import boto3, json
s3, cloudfront, cloudformation = (boto3.client(s) for s in ("s3", "cloudfront", "cloudformation"))
bucket = "{stack}"
s3.create_bucket(Bucket=bucket)
origin = {{"Id": "site", "DomainName": bucket + ".s3.amazonaws.com", "S3OriginConfig": {{"OriginAccessIdentity": ""}}}}
distribution = cloudfront.create_distribution(DistributionConfig={{
    "CallerReference": bucket, "Comment": "", "Enabled": True,
    "Origins": {{"Quantity": 1, "Items": [origin]}},
    "DefaultCacheBehavior": {{"TargetOriginId": "site", "ViewerProtocolPolicy": "redirect-to-https",
        "MinTTL": 0, "ForwardedValues": {{"QueryString": False, "Cookies": {{"Forward": "none"}}}}}},
}})["Distribution"]["Id"]
outputs = {{"SiteBucketName": {{"Value": bucket}}, "SiteDistributionId": {{"Value": distribution}},
    "SiteUrl": {{"Value": "https://concierge.example.com"}}}}
cloudformation.create_stack(StackName="{stack}", TemplateBody=json.dumps({{
    "Resources": {{"Placeholder": {{"Type": "AWS::SQS::Queue"}}}}, "Outputs": outputs}}))
print(distribution)
"#
    );
    let (ok, distribution) = python_against_emulator(&["-c", &setup], &dir);
    assert!(ok, "{distribution}");
    let distribution = distribution.trim().to_owned();
    let script = workspace_dir().join("infra/publish_site.py");
    let script = script.to_str().unwrap();

    let (ok, output) =
        python_against_emulator(&[script, "--stack", &stack, "--dist", "dist"], &dir);
    assert!(ok, "{output}");
    assert!(output.contains("3 files"), "{output}");

    let check = format!(
        r#"
import boto3, json
s3, cloudfront = boto3.client("s3"), boto3.client("cloudfront")
objects = {{}}
for key in ("index.html", "assets/app-3f9a1c.js", "manifest.webmanifest"):
    head = s3.head_object(Bucket="{stack}", Key=key)
    objects[key] = [head["ContentType"], head.get("CacheControl")]
invalidations = cloudfront.list_invalidations(DistributionId="{distribution}")["InvalidationList"]
print(json.dumps({{"objects": objects, "invalidations": invalidations.get("Quantity", 0)}}))
"#
    );
    let (ok, found) = python_against_emulator(&["-c", &check], &dir);
    assert!(ok, "{found}");
    let found: Value = serde_json::from_str(&found).expect("JSON");
    assert_eq!(
        found["objects"]["index.html"],
        serde_json::json!(["text/html", "no-cache"])
    );
    assert_eq!(
        found["objects"]["assets/app-3f9a1c.js"],
        serde_json::json!(["text/javascript", "public, max-age=31536000, immutable"])
    );
    assert_eq!(
        found["objects"]["manifest.webmanifest"][0],
        "application/manifest+json"
    );
    assert_eq!(found["invalidations"], 1);

    // A stack without the site's outputs is named, and nothing is invalidated.
    let bare = format!(
        r#"
import boto3, json
boto3.client("cloudformation").create_stack(StackName="{stack}-bare", TemplateBody=json.dumps({{
    "Resources": {{"Placeholder": {{"Type": "AWS::SQS::Queue"}}}}}}))
"#
    );
    assert!(python_against_emulator(&["-c", &bare], &dir).0);
    let bare_stack = format!("{stack}-bare");
    let (ok, output) =
        python_against_emulator(&[script, "--stack", &bare_stack, "--dist", "dist"], &dir);
    assert!(!ok);
    assert!(
        output.contains("has no output SiteBucketName, SiteDistributionId"),
        "{output}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// Where a sample goes when all are invoked in turn: the acknowledgement before the other
/// moves of the request, and what ends a session or deactivates something last.
fn invocation_rank(function: &str) -> u8 {
    if function == "requests-acknowledge" {
        0
    } else if function.ends_with("-deactivate")
        || matches!(
            function,
            "requests-cancel" | "push-unsubscribe" | "auth-logout"
        )
    {
        2
    } else {
        1
    }
}

/// `make events`' samples, made against `stack` (a demo stack), all invoked: every one that
/// acts in a session gets a 2xx, its route's real answer. What is wrong, by function.
pub async fn refreshed_sample_problems(stack: &Stack) -> Vec<String> {
    let origin = concierge_infra::LOCAL_ORIGINS[2];
    let subscribe: Value =
        serde_json::from_str(&sample("push-subscribe").expect("sample")).unwrap();
    let body: Value = serde_json::from_str(subscribe["body"].as_str().unwrap()).unwrap();
    let (logins, values) = events::prepare(&stack.http, &stack.origin(), &body)
        .await
        .expect("the demo logins and things the samples name");
    let refreshed = |name: &str, path: &'static str| {
        let original = sample(name).expect("sample");
        let mut event: Value = serde_json::from_str(&original).unwrap();
        if !events::needs_session(&event) {
            return None;
        }
        events::refresh(name, path, &mut event, &logins, &values, origin);
        assert!(
            events::refresh_text(&original, &event).is_some(),
            "events/{name}.json: refreshing its text loses something"
        );
        Some(lambda_http::request::from_str(&event.to_string()).expect("an event"))
    };
    let mut problems = Vec::new();
    let mut http: Vec<_> = ROUTES.iter().zip(HANDLERS).collect();
    http.sort_by_key(|(route, _)| invocation_rank(&route.function_name()));
    for (route, handler) in http {
        let name = route.function_name();
        let Some(request) = refreshed(&name, route.path) else {
            continue;
        };
        let response = respond(handler(stack.app, request).await);
        if !response.status().is_success() {
            let body = String::from_utf8_lossy(response.body().as_ref()).into_owned();
            problems.push(format!("events/{name}.json: {} {body}", response.status()));
        }
    }
    for (route, handler) in STREAMS.iter().zip(STREAM_HANDLERS) {
        let name = route.function_name();
        let Some(request) = refreshed(&name, route.path) else {
            continue;
        };
        let response = invoke_stream(stack.app, request, handler).await;
        if !response.status().is_success() {
            problems.push(format!("events/{name}.json: {}", response.status()));
        }
    }
    problems
}

/// The development path of the design: `make events` gives the samples a real session, so
/// each one shows its route's real answer (not the committed placeholders' 401).
#[tokio::test]
async fn refreshed_samples_get_each_routes_real_answer() {
    let stack = Stack::demo().await;
    assert_no_problems(refreshed_sample_problems(&stack).await);
}
