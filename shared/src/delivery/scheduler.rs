//! One-time EventBridge schedules: a job invoked at the exact moment a request's deadline or
//! reminder comes, instead of up to a minute later by its recurring schedule.

use async_trait::async_trait;
use aws_sdk_scheduler::Client;
use aws_sdk_scheduler::types::{
    ActionAfterCompletion, FlexibleTimeWindow, FlexibleTimeWindowMode, Target,
};
use jiff::Timestamp;

use super::DeliveryError;
use crate::config::SchedulerSettings;

#[async_trait]
pub trait Schedules: Send + Sync {
    /// Invokes `target_arn` with `input` once at `when`; the schedule deletes itself after.
    async fn once(
        &self,
        name: &str,
        when: Timestamp,
        target_arn: &str,
        input: &str,
    ) -> Result<(), DeliveryError>;

    /// Cancels a schedule that is no longer needed (gone already is fine).
    async fn cancel(&self, name: &str) -> Result<(), DeliveryError>;
}

pub struct EventBridgeSchedules {
    client: Client,
    settings: SchedulerSettings,
}

impl EventBridgeSchedules {
    pub fn new(client: Client, settings: SchedulerSettings) -> Self {
        Self { client, settings }
    }
}

fn failure(reason: String) -> DeliveryError {
    DeliveryError {
        provider: "scheduler",
        reason,
    }
}

#[async_trait]
impl Schedules for EventBridgeSchedules {
    async fn once(
        &self,
        name: &str,
        when: Timestamp,
        target_arn: &str,
        input: &str,
    ) -> Result<(), DeliveryError> {
        let target = Target::builder()
            .arn(target_arn)
            .role_arn(&self.settings.role_arn)
            .input(input)
            .build()
            .map_err(|e| failure(e.to_string()))?;
        let window = FlexibleTimeWindow::builder()
            .mode(FlexibleTimeWindowMode::Off)
            .build()
            .map_err(|e| failure(e.to_string()))?;
        self.client
            .create_schedule()
            .name(name)
            .group_name(&self.settings.group)
            .schedule_expression(format!("at({})", when.strftime("%Y-%m-%dT%H:%M:%S")))
            .schedule_expression_timezone("UTC")
            .flexible_time_window(window)
            .action_after_completion(ActionAfterCompletion::Delete)
            .target(target)
            .send()
            .await
            .map(drop)
            .map_err(|e| failure(aws_sdk_scheduler::error::DisplayErrorContext(e).to_string()))
    }

    async fn cancel(&self, name: &str) -> Result<(), DeliveryError> {
        let result = self
            .client
            .delete_schedule()
            .name(name)
            .group_name(&self.settings.group)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_resource_not_found_exception()) =>
            {
                Ok(())
            }
            Err(err) => Err(failure(
                aws_sdk_scheduler::error::DisplayErrorContext(err).to_string(),
            )),
        }
    }
}
