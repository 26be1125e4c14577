//! IAM as `template.yaml` grants it to a function, and as the AWS calls a function made need
//! it, in one notation: an action and a resource named after the template's logical ids
//! (`dynamodb:Query` on `Table/index/GSI1`, `sqs:SendMessage` on `PushQueue`), so the two can
//! be compared exactly.

use std::collections::BTreeSet;

use concierge::App;
use concierge_infra::template::Function;
use serde_yaml_ng::Value as Yaml;

use crate::sdk_calls::Call;

/// An action on a resource.
pub type Grant = (String, String);

/// Services whose grants are compared action by action and resource by resource; any other
/// service's actions are compared by action alone (on `*`).
const MODELLED: [&str; 7] = [
    "dynamodb",
    "sqs",
    "sns",
    "s3",
    "scheduler",
    "iam",
    "secretsmanager",
];

/// What every function needs though no test sees it: `App::ready` fetches the secrets on the
/// first invocation, and tests give them instead (`secrets::secrets_are_fetched_on_first_need_and_kept`
/// fetches them from the emulator once).
pub const EVERY_FUNCTION: [(&str, &str); 2] = [
    ("secretsmanager:GetSecretValue", "AppSecrets"),
    ("secretsmanager:GetSecretValue", "OriginSecret"),
];

/// What the app's resources are called in the template.
pub struct Names {
    table: String,
    bucket: String,
    /// (last segment of the queue URL, logical id)
    queues: Vec<(String, &'static str)>,
    schedule_group: Option<String>,
    scheduler_role: Option<String>,
}

impl Names {
    pub fn of(app: &App) -> Self {
        let config = &app.config;
        let queue = |url: &Option<String>, id| {
            url.as_deref()
                .and_then(|url| url.rsplit('/').next())
                .map(|name| (name.to_owned(), id))
        };
        Self {
            table: config.table_name.clone(),
            bucket: config.images.bucket.clone(),
            queues: [
                queue(&config.delivery.sms_fallback_queue_url, "SmsFallbackQueue"),
                queue(&config.delivery.push_queue_url, "PushQueue"),
            ]
            .into_iter()
            .flatten()
            .collect(),
            schedule_group: config.scheduler.as_ref().map(|s| s.group.clone()),
            scheduler_role: config.scheduler.as_ref().map(|s| s.role_arn.clone()),
        }
    }

    fn table(&self, name: Option<&str>) -> String {
        match name {
            Some(name) if name == self.table => "Table".to_owned(),
            other => format!("a table named {other:?}"),
        }
    }

    fn queue(&self, url: Option<&str>) -> String {
        let name = url.and_then(|url| url.rsplit('/').next()).unwrap_or("?");
        self.queues.iter().find(|(n, _)| n == name).map_or_else(
            || format!("a queue named {name}"),
            |(_, id)| (*id).to_owned(),
        )
    }
}

/// The grants `call` needs.
pub fn needed(call: &Call, names: &Names) -> Vec<Grant> {
    let grant = |action: &str, resource: String| (format!("{}:{action}", call.service), resource);
    let body = &call.body;
    match (call.service.as_str(), call.operation.as_str()) {
        ("dynamodb", "TransactWriteItems") => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item.as_object())
            .flat_map(|item| item.iter())
            .map(|(kind, request)| {
                let action = match kind.as_str() {
                    "Put" => "PutItem",
                    "Update" => "UpdateItem",
                    "Delete" => "DeleteItem",
                    "ConditionCheck" => "ConditionCheckItem",
                    other => other,
                };
                grant(action, names.table(request["TableName"].as_str()))
            })
            .collect(),
        ("dynamodb", "TransactGetItems") => body["TransactItems"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|item| grant("GetItem", names.table(item["Get"]["TableName"].as_str())))
            .collect(),
        ("dynamodb", operation @ ("BatchGetItem" | "BatchWriteItem")) => body["RequestItems"]
            .as_object()
            .into_iter()
            .flat_map(|tables| tables.keys())
            .map(|table| grant(operation, names.table(Some(table))))
            .collect(),
        ("dynamodb", operation) => {
            let table = names.table(body["TableName"].as_str());
            let resource = match body["IndexName"].as_str() {
                Some(index) => format!("{table}/index/{index}"),
                None => table,
            };
            vec![grant(operation, resource)]
        }
        ("sqs", operation) => {
            // A batch is authorized as its single operation.
            let action = operation.strip_suffix("Batch").unwrap_or(operation);
            let url = body["QueueUrl"].as_str().or_else(|| call.param("QueueUrl"));
            vec![grant(action, names.queue(url))]
        }
        ("sns", operation) => {
            let action = operation.strip_suffix("Batch").unwrap_or(operation);
            let resource = match call.param("TopicArn").or_else(|| call.param("TargetArn")) {
                Some(topic) => format!("the topic {topic}"),
                None => "*".to_owned(),
            };
            vec![grant(action, resource)]
        }
        ("s3", operation) => {
            let action = if operation == "HeadObject" {
                "GetObject"
            } else {
                operation
            };
            let (bucket, key) = call
                .path
                .trim_start_matches('/')
                .split_once('/')
                .unwrap_or((call.path.as_str(), ""));
            let resource = match key.split_once('/') {
                Some((prefix, _)) if bucket == names.bucket => format!("ImagesBucket/{prefix}/*"),
                _ => format!("{bucket}/{key}"),
            };
            vec![grant(action, resource)]
        }
        ("scheduler", operation) => {
            let group = body["GroupName"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| {
                    call.query
                        .iter()
                        .find(|(k, _)| k == "groupName")
                        .map(|(_, v)| v.clone())
                })
                .unwrap_or_else(|| "default".to_owned());
            let resource = if Some(&group) == names.schedule_group.as_ref() {
                "schedule/RequestSchedules/*".to_owned()
            } else {
                format!("schedule/{group}/*")
            };
            let mut grants = vec![grant(operation, resource)];
            // Creating or changing a schedule hands it the role it will act as.
            if let Some(role) = body["Target"]["RoleArn"].as_str() {
                let role = if Some(role) == names.scheduler_role.as_deref() {
                    "SchedulerRole".to_owned()
                } else {
                    role.to_owned()
                };
                grants.push(("iam:PassRole".to_owned(), role));
            }
            grants
        }
        (_, operation) => vec![grant(operation, "*".to_owned())],
    }
}

/// What a function's `Allow` statements grant, in the same notation. `Deny` statements grant
/// nothing and are left out.
pub fn granted(function: &Function<'_>) -> Result<BTreeSet<Grant>, String> {
    let policies = function
        .resource
        .properties
        .get("Policies")
        .and_then(Yaml::as_sequence)
        .ok_or_else(|| format!("{}: no Policies list", function.logical_id))?;
    let mut grants = BTreeSet::new();
    for policy in policies {
        let statements = policy
            .get("Statement")
            .and_then(Yaml::as_sequence)
            .ok_or_else(|| {
                format!(
                    "{}: a policy that is not a list of Statements: {policy:?}",
                    function.logical_id
                )
            })?;
        for statement in statements {
            if statement.get("Effect").and_then(Yaml::as_str) != Some("Allow") {
                continue;
            }
            let actions = strings(statement.get("Action"));
            let resources = statement
                .get("Resource")
                .map(|r| match r.as_sequence() {
                    Some(list) => list.iter().map(resource).collect(),
                    None => vec![resource(r)],
                })
                .unwrap_or_default();
            for action in &actions {
                let service = action.split(':').next().unwrap_or_default();
                for resource in &resources {
                    if MODELLED.contains(&service) {
                        grants.insert((action.clone(), resource.clone()));
                    } else {
                        grants.insert((action.clone(), "*".to_owned()));
                    }
                }
            }
        }
    }
    Ok(grants)
}

/// Needed grants in the notation `granted` compares them in.
pub fn comparable(grant: Grant) -> Grant {
    let service = grant.0.split(':').next().unwrap_or_default();
    if MODELLED.contains(&service) {
        grant
    } else {
        (grant.0, "*".to_owned())
    }
}

fn strings(value: Option<&Yaml>) -> Vec<String> {
    match value {
        Some(Yaml::String(one)) => vec![one.clone()],
        Some(Yaml::Sequence(many)) => many
            .iter()
            .filter_map(Yaml::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// A resource as the template writes it, named by logical ids: `!GetAtt Table.Arn` → `Table`,
/// `!Sub "${Table.Arn}/index/GSI1"` → `Table/index/GSI1`, a schedule ARN →
/// `schedule/RequestSchedules/*`.
fn resource(value: &Yaml) -> String {
    match value {
        Yaml::String(text) => text.clone(),
        Yaml::Tagged(tagged) if tagged.tag == "GetAtt" => tagged
            .value
            .as_str()
            .map(|attribute| attribute.trim_end_matches(".Arn").to_owned())
            .unwrap_or_else(|| format!("{value:?}")),
        Yaml::Tagged(tagged) if tagged.tag == "Ref" => tagged
            .value
            .as_str()
            .map_or_else(|| format!("{value:?}"), str::to_owned),
        Yaml::Tagged(tagged) if tagged.tag == "Sub" => {
            let text = tagged.value.as_str().unwrap_or_default();
            // `arn:${AWS::Partition}:<service>:${AWS::Region}:${AWS::AccountId}:<rest>`
            let rest = text
                .split_once("${AWS::AccountId}:")
                .map_or(text, |(_, rest)| rest);
            let mut named = String::new();
            let mut parts = rest.split("${");
            named.push_str(parts.next().unwrap_or_default());
            for part in parts {
                let (reference, after) = part.split_once('}').unwrap_or((part, ""));
                named.push_str(reference.trim_end_matches(".Arn"));
                named.push_str(after);
            }
            named
        }
        other => format!("{other:?}"),
    }
}
