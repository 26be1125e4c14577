//! Gupshup's WhatsApp API: a template message carrying the code. A call counts as accepted
//! only on a 2xx answer with a non-empty `messageId`.

use async_trait::async_trait;
use serde::Deserialize;

use super::{Accepted, DeliveryError, WhatsApp};
use crate::config::GupshupSettings;
use crate::secrets::Secret;
use crate::users::Phone;

pub struct Gupshup {
    http: reqwest::Client,
    settings: GupshupSettings,
    api_key: Secret,
}

impl Gupshup {
    pub fn new(settings: GupshupSettings, api_key: Secret) -> Result<Self, DeliveryError> {
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(std::time::Duration::from_secs(2)))
            .build()
            .map_err(|e| failure(format!("client: {e}")))?;
        Ok(Self {
            http,
            settings,
            api_key,
        })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Answer {
    message_id: Option<String>,
    message: Option<String>,
}

fn failure(reason: String) -> DeliveryError {
    DeliveryError {
        provider: "gupshup",
        reason,
    }
}

#[async_trait]
impl WhatsApp for Gupshup {
    async fn send_code(&self, to: &Phone, code: &str) -> Result<Accepted, DeliveryError> {
        let template = serde_json::json!({
            "id": self.settings.otp_template_id,
            "params": [code],
        })
        .to_string();
        let url = format!(
            "{}/wa/api/v1/template/msg",
            self.settings.api_url.trim_end_matches('/')
        );
        let response = self
            .http
            .post(url)
            .header("apikey", self.api_key.expose())
            .form(&[
                ("channel", "whatsapp"),
                ("source", self.settings.source.as_str()),
                ("destination", to.digits()),
                ("src.name", self.settings.app_name.as_str()),
                ("template", template.as_str()),
            ])
            .send()
            .await
            .map_err(|e| failure(format!("request failed: {e}")))?;
        let status = response.status();
        let answer: Option<Answer> = response.json().await.ok();
        let message_id = answer
            .as_ref()
            .and_then(|a| a.message_id.clone())
            .filter(|id| !id.trim().is_empty());
        match message_id {
            Some(id) if status.is_success() => Ok(Accepted {
                message_id: Some(id),
            }),
            _ => Err(failure(format!(
                "refused with {status}: {}",
                answer
                    .and_then(|a| a.message)
                    .unwrap_or_else(|| "no message id".into())
            ))),
        }
    }
}
