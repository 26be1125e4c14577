//! SMS through Amazon SNS, as transactional messages (the class for codes).

use async_trait::async_trait;
use aws_sdk_sns::Client;
use aws_sdk_sns::types::MessageAttributeValue;

use super::{Accepted, DeliveryError, Sms};
use crate::users::Phone;

pub struct SnsSms {
    client: Client,
    sender_id: Option<String>,
}

impl SnsSms {
    pub fn new(client: Client, sender_id: Option<String>) -> Self {
        Self { client, sender_id }
    }
}

fn attribute(value: &str) -> Result<MessageAttributeValue, DeliveryError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| DeliveryError {
            provider: "sns",
            reason: e.to_string(),
        })
}

#[async_trait]
impl Sms for SnsSms {
    async fn send(&self, to: &Phone, text: &str) -> Result<Accepted, DeliveryError> {
        let mut publish = self
            .client
            .publish()
            .phone_number(to.as_str())
            .message(text)
            .message_attributes("AWS.SNS.SMS.SMSType", attribute("Transactional")?);
        if let Some(sender) = &self.sender_id {
            publish = publish.message_attributes("AWS.SNS.SMS.SenderID", attribute(sender)?);
        }
        let output = publish.send().await.map_err(|e| DeliveryError {
            provider: "sns",
            reason: aws_sdk_sns::error::DisplayErrorContext(e).to_string(),
        })?;
        Ok(Accepted {
            message_id: output.message_id,
        })
    }
}
