//! Getting things delivered: a message to a phone (WhatsApp through Gupshup, SMS through SNS),
//! a delayed message to ourselves (SQS), an invocation at a set time (EventBridge Scheduler),
//! an image to its bucket (S3). The domain sees small traits; only this module (and the store's
//! `dynamo`) knows the services.

pub mod destinations;
pub mod gupshup;
pub mod queue;
pub mod s3;
pub mod scheduler;
pub mod sns;
pub mod webpush;

use async_trait::async_trait;

use crate::users::Phone;

/// A provider accepted the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The provider's id for the message, which its delivery events refer to.
    pub message_id: Option<String>,
}

/// Why a provider did not take a message; logged, never shown to users.
#[derive(Debug, thiserror::Error)]
#[error("{provider}: {reason}")]
pub struct DeliveryError {
    pub provider: &'static str,
    pub reason: String,
}

#[async_trait]
pub trait WhatsApp: Send + Sync {
    /// Sends a login code with the approved OTP template.
    async fn send_code(&self, to: &Phone, code: &str) -> Result<Accepted, DeliveryError>;
}

#[async_trait]
pub trait Sms: Send + Sync {
    async fn send(&self, to: &Phone, text: &str) -> Result<Accepted, DeliveryError>;
}

/// Used when no WhatsApp provider is configured: every code then goes by SMS.
pub struct NoWhatsApp;

#[async_trait]
impl WhatsApp for NoWhatsApp {
    async fn send_code(&self, _to: &Phone, _code: &str) -> Result<Accepted, DeliveryError> {
        Err(DeliveryError {
            provider: "whatsapp",
            reason: "no WhatsApp provider is configured".into(),
        })
    }
}

/// The SMS text of a login code.
pub fn code_text(code: &str) -> String {
    format!("Your Concierge code is {code}. It expires in 5 minutes. Never share it.")
}
