//! Reads `template.yaml`, the one declaration of what is deployed: the local stack creates
//! its table from it, and the deployment checks compare it with the route table.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_yaml_ng::Value;

#[derive(Debug, Deserialize)]
pub struct Template {
    #[serde(rename = "Resources")]
    pub resources: BTreeMap<String, Resource>,
    /// SAM's defaults for every resource of a kind (`Globals.Function`, `Globals.HttpApi`).
    #[serde(rename = "Globals", default)]
    pub globals: Value,
    #[serde(rename = "Outputs", default)]
    pub outputs: BTreeMap<String, Value>,
}

#[derive(Debug, Deserialize)]
pub struct Resource {
    #[serde(rename = "Type")]
    pub kind: String,
    #[serde(rename = "Properties", default)]
    pub properties: Value,
    #[serde(rename = "Metadata", default)]
    pub metadata: Value,
}

/// The table as CloudFormation declares it (the field names are CloudFormation's).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableSpec {
    pub attribute_definitions: Vec<AttributeDefinition>,
    pub key_schema: Vec<KeyElement>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<IndexSpec>,
    pub time_to_live_specification: Option<TimeToLive>,
    pub point_in_time_recovery_specification: Option<PointInTimeRecovery>,
    #[serde(rename = "SSESpecification")]
    pub sse_specification: Option<Encryption>,
    pub billing_mode: String,
}

#[derive(Debug, Deserialize)]
pub struct Encryption {
    #[serde(rename = "SSEEnabled")]
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyElement {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexSpec {
    pub index_name: String,
    pub key_schema: Vec<KeyElement>,
    pub projection: Projection,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Projection {
    pub projection_type: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TimeToLive {
    pub attribute_name: String,
    pub enabled: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PointInTimeRecovery {
    pub point_in_time_recovery_enabled: bool,
}

/// An SQS queue as CloudFormation declares it (what the local stack uses of it).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct QueueSpec {
    pub visibility_timeout: Option<u32>,
    pub message_retention_period: Option<u32>,
    pub redrive_policy: Option<RedrivePolicy>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RedrivePolicy {
    pub max_receive_count: u32,
}

/// A Lambda function of the template.
#[derive(Debug)]
pub struct Function<'t> {
    pub logical_id: &'t str,
    /// The cargo-lambda binary (`Metadata.BuildProperties.Binary`).
    pub binary: Option<&'t str>,
    pub resource: &'t Resource,
    /// `Globals.Function`: what the function does not set itself.
    defaults: &'t Value,
}

impl<'t> Function<'t> {
    /// A property as SAM deploys it: the function's own, else the `Globals.Function` one.
    pub fn property(&self, name: &str) -> Option<&'t Value> {
        self.resource
            .properties
            .get(name)
            .or_else(|| self.defaults.get(name))
    }

    /// `Metadata.BuildMethod`: how `sam build` builds it (`rust-cargolambda`).
    pub fn build_method(&self) -> Option<&'t str> {
        self.resource
            .metadata
            .get("BuildMethod")
            .and_then(Value::as_str)
    }

    /// The HTTP API routes of the function as (method, path); `("ANY", "$default")` for the
    /// default route (an HttpApi event without a path).
    pub fn http_routes(&self) -> Vec<(String, String)> {
        self.events()
            .filter(|event| event.get("Type").and_then(Value::as_str) == Some("HttpApi"))
            .map(|event| {
                let properties = event.get("Properties");
                let field = |name: &str| {
                    properties
                        .and_then(|p| p.get(name))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                };
                match (field("Method"), field("Path")) {
                    (Some(method), Some(path)) => (method.to_uppercase(), path),
                    _ => ("ANY".to_owned(), "$default".to_owned()),
                }
            })
            .collect()
    }

    /// The function's event sources, whatever their type.
    pub fn events(&self) -> impl Iterator<Item = &Value> {
        self.resource
            .properties
            .get("Events")
            .and_then(Value::as_mapping)
            .into_iter()
            .flat_map(|events| events.values())
    }
}

impl Template {
    /// Reads and parses `template.yaml` (CloudFormation tags such as `!Ref` are kept as
    /// tagged values).
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        serde_yaml_ng::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The template at the workspace root, read once per process (every test's table and
    /// queues are made from it).
    pub fn load_workspace() -> Result<&'static Self, String> {
        static WORKSPACE: OnceLock<Result<Template, String>> = OnceLock::new();
        WORKSPACE
            .get_or_init(|| Self::load(&crate::emulator::workspace_dir().join("template.yaml")))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The single DynamoDB table.
    pub fn table(&self) -> Result<TableSpec, String> {
        let mut tables = self
            .resources
            .values()
            .filter(|r| r.kind == "AWS::DynamoDB::Table");
        let table = tables
            .next()
            .ok_or("template.yaml declares no DynamoDB table")?;
        if tables.next().is_some() {
            return Err("template.yaml declares more than one table; the design has one".into());
        }
        serde_yaml_ng::from_value(table.properties.clone())
            .map_err(|e| format!("template.yaml table: {e}"))
    }

    /// The properties of the SQS queue `logical_id`.
    pub fn queue(&self, logical_id: &str) -> Result<QueueSpec, String> {
        let queue = self
            .resources
            .get(logical_id)
            .filter(|r| r.kind == "AWS::SQS::Queue")
            .ok_or_else(|| format!("template.yaml declares no queue {logical_id}"))?;
        serde_yaml_ng::from_value(queue.properties.clone())
            .map_err(|e| format!("template.yaml {logical_id}: {e}"))
    }

    pub fn functions(&self) -> Vec<Function<'_>> {
        let defaults = self.globals.get("Function").unwrap_or(&Value::Null);
        self.resources
            .iter()
            .filter(|(_, r)| r.kind == "AWS::Serverless::Function")
            .map(|(logical_id, resource)| Function {
                logical_id,
                binary: resource
                    .metadata
                    .get("BuildProperties")
                    .and_then(|p| p.get("Binary"))
                    .and_then(Value::as_str),
                resource,
                defaults,
            })
            .collect()
    }
}
