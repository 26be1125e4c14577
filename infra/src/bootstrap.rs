//! Creates the stack's resources in the emulator from `template.yaml`'s declarations.

use aws_config::SdkConfig;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType,
    PointInTimeRecoverySpecification, Projection, ProjectionType, ScalarAttributeType,
    SseSpecification, TimeToLiveSpecification,
};

use crate::template::{KeyElement, TableSpec, Template};

/// Creates the table named `name` as the template declares it, unless it exists already.
pub async fn create_table(sdk: &SdkConfig, name: &str) -> Result<(), String> {
    let spec = Template::load_workspace()?.table()?;
    create_table_from(&Client::new(sdk), name, &spec).await
}

pub async fn create_table_from(
    client: &Client,
    name: &str,
    spec: &TableSpec,
) -> Result<(), String> {
    let attributes = spec
        .attribute_definitions
        .iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = spec
        .global_secondary_indexes
        .iter()
        .map(|index| {
            GlobalSecondaryIndex::builder()
                .index_name(&index.index_name)
                .set_key_schema(Some(key_schema(&index.key_schema)?))
                .projection(
                    Projection::builder()
                        .projection_type(ProjectionType::from(
                            index.projection.projection_type.as_str(),
                        ))
                        .build(),
                )
                .build()
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;
    let created = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::from(spec.billing_mode.as_str()))
        .set_attribute_definitions(Some(attributes))
        .set_key_schema(Some(key_schema(&spec.key_schema)?))
        .set_global_secondary_indexes((!indexes.is_empty()).then_some(indexes))
        .set_sse_specification(
            spec.sse_specification
                .as_ref()
                .map(|sse| SseSpecification::builder().enabled(sse.enabled).build()),
        )
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            return Ok(());
        }
        Err(err) => {
            return Err(format!(
                "create table {name}: {}",
                aws_sdk_dynamodb::error::DisplayErrorContext(err)
            ));
        }
    }
    if let Some(ttl) = &spec.time_to_live_specification {
        client
            .update_time_to_live()
            .table_name(name)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .attribute_name(&ttl.attribute_name)
                    .enabled(ttl.enabled)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| format!("time to live of {name}: {e}"))?;
    }
    if let Some(pitr) = &spec.point_in_time_recovery_specification {
        client
            .update_continuous_backups()
            .table_name(name)
            .point_in_time_recovery_specification(
                PointInTimeRecoverySpecification::builder()
                    .point_in_time_recovery_enabled(pitr.point_in_time_recovery_enabled)
                    .build()
                    .map_err(|e| e.to_string())?,
            )
            .send()
            .await
            .map_err(|e| format!("point-in-time recovery of {name}: {e}"))?;
    }
    Ok(())
}

/// Creates the images bucket `name`, unless it exists already (the template's `ImagesBucket`).
pub async fn create_bucket(sdk: &SdkConfig, name: &str) -> Result<(), String> {
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    match client.create_bucket().bucket(name).send().await {
        Ok(_) => Ok(()),
        Err(err)
            if err.as_service_error().is_some_and(|e| {
                e.is_bucket_already_owned_by_you() || e.is_bucket_already_exists()
            }) =>
        {
            Ok(())
        }
        Err(err) => Err(format!(
            "create bucket {name}: {}",
            aws_sdk_s3::error::DisplayErrorContext(err)
        )),
    }
}

fn key_schema(elements: &[KeyElement]) -> Result<Vec<KeySchemaElement>, String> {
    elements
        .iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(|e| e.to_string())
        })
        .collect()
}

/// The queue `logical_id` of the template (`SmsFallbackQueue`, `PushQueue`) and its dead
/// letters, named `name`, as the template declares them (visibility, retention, redrive after
/// N receives); gives the queue's URL.
pub async fn create_queue(sdk: &SdkConfig, logical_id: &str, name: &str) -> Result<String, String> {
    use aws_sdk_sqs::types::QueueAttributeName as Attribute;
    let template = Template::load_workspace()?;
    let spec = template.queue(logical_id)?;
    let client = aws_sdk_sqs::Client::new(sdk);
    let dead_letters = client
        .create_queue()
        .queue_name(format!("{name}-dead-letters"))
        .send()
        .await
        .map_err(|e| {
            format!(
                "creating the dead-letter queue: {}",
                aws_sdk_sqs::error::DisplayErrorContext(e)
            )
        })?;
    let dead_letters_arn = client
        .get_queue_attributes()
        .queue_url(dead_letters.queue_url().unwrap_or_default())
        .attribute_names(Attribute::QueueArn)
        .send()
        .await
        .map_err(|e| {
            format!(
                "reading the dead-letter queue: {}",
                aws_sdk_sqs::error::DisplayErrorContext(e)
            )
        })?
        .attributes()
        .and_then(|a| a.get(&Attribute::QueueArn).cloned())
        .ok_or("the dead-letter queue has no ARN")?;
    let mut create = client.create_queue().queue_name(name);
    if let Some(seconds) = spec.visibility_timeout {
        create = create.attributes(Attribute::VisibilityTimeout, seconds.to_string());
    }
    if let Some(seconds) = spec.message_retention_period {
        create = create.attributes(Attribute::MessageRetentionPeriod, seconds.to_string());
    }
    if let Some(redrive) = spec.redrive_policy {
        let policy = serde_json::json!({
            "deadLetterTargetArn": dead_letters_arn,
            "maxReceiveCount": redrive.max_receive_count,
        });
        create = create.attributes(Attribute::RedrivePolicy, policy.to_string());
    }
    let queue = create.send().await.map_err(|e| {
        format!(
            "creating the queue: {}",
            aws_sdk_sqs::error::DisplayErrorContext(e)
        )
    })?;
    queue
        .queue_url()
        .map(str::to_owned)
        .ok_or_else(|| "the queue has no URL".to_owned())
}

/// The schedule group of one-time request schedules, unless it exists already.
pub async fn create_schedule_group(sdk: &SdkConfig, name: &str) -> Result<(), String> {
    let client = aws_sdk_scheduler::Client::new(sdk);
    match client.create_schedule_group().name(name).send().await {
        Ok(_) => Ok(()),
        Err(err)
            if err
                .as_service_error()
                .is_some_and(|e| e.is_conflict_exception()) =>
        {
            Ok(())
        }
        Err(err) => Err(format!(
            "creating the schedule group: {}",
            aws_sdk_scheduler::error::DisplayErrorContext(err)
        )),
    }
}
