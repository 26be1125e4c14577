//! Sending a login code: WhatsApp first, SMS at once when WhatsApp fails. A send that reaches
//! no channel is a 502; its record is kept (burned) and it still counts against the limits
//! (F22, F25).

use jiff::SignedDuration;

use crate::app::App;
use crate::delivery::code_text;
use crate::error::{Error, Result};
use crate::ids::{HotelSlug, QrCode, UserId};
use crate::otp::{
    Channel, DeliveryStatus, OtpCode, OtpScope, VALIDITY, generate_code, resolve_target,
};
use crate::ratelimit;
use crate::store::{OtpDelivery, Write};
use crate::timers::{Timer, TimerKind};
use crate::users::Phone;

pub struct SendRequest {
    pub phone: Phone,
    pub purpose: Purpose,
    /// From the API Gateway request context only (F39).
    pub client_ip: String,
}

/// What the code will be good for.
pub enum Purpose {
    /// Logging in: to a hotel (named, or by a room's QR code), or as staff without one.
    Login {
        hotel: Option<HotelSlug>,
        qr: Option<QrCode>,
    },
    /// A signed-in user proving that a new phone is theirs before it replaces their own.
    NewPhone(UserId),
}

/// The same answer whether or not the phone belongs to anyone.
pub struct Sent {
    pub channel: Channel,
    pub expires_in_secs: i64,
}

pub async fn send(app: &App, request: SendRequest) -> Result<Sent> {
    let store = app.store.as_ref();
    let now = app.clock.now();
    let limits = &app.config.rate_limits;
    // Every attempt counts, before anything else happens.
    tokio::try_join!(
        ratelimit::hit(
            store,
            now,
            "otp-send-ip",
            &limits.otp_send_per_ip,
            &request.client_ip
        ),
        ratelimit::hit(
            store,
            now,
            "otp-send-phone",
            &limits.otp_send_per_phone,
            request.phone.as_str()
        ),
    )?;
    let scope = match &request.purpose {
        Purpose::Login { hotel, qr } => {
            resolve_target(store, hotel.as_ref(), qr.as_ref())
                .await?
                .scope
        }
        Purpose::NewPhone(user) => OtpScope::PhoneOf(*user),
    };
    let code = generate_code();
    let record = OtpCode::new(
        &app.config.keys,
        request.phone.clone(),
        scope,
        &code,
        Channel::Whatsapp,
        now,
    );
    // The sweep's backstop for the fallback and the cleanup come with the record itself; if
    // WhatsApp is not what takes the code, the sweep finds nothing to do.
    let delay = SignedDuration::try_from(app.config.delivery.sms_fallback_delay)
        .map_err(Error::internal)?;
    let sweep_at = now.saturating_add(delay + SWEEP_GRACE).unwrap_or(now);
    let sweep = Timer::new(TimerKind::SmsFallback, sweep_at, record.key());
    let cleanup = Timer::new(TimerKind::OtpCleanup, record.expires_at, record.key());
    store
        .transact(&[
            Write::InsertOtp(&record),
            Write::InsertTimer(&sweep),
            Write::InsertTimer(&cleanup),
        ])
        .await?;
    let delivery = deliver(app, &request.phone, &code).await;
    store.record_otp_delivery(&record, &delivery).await?;
    if delivery.channel == Channel::Whatsapp {
        queue_fallback(app, &record).await;
    }
    if delivery.status == DeliveryStatus::Failed {
        return Err(Error::BadGateway(
            "We could not send your code just now. Request a new code in a moment.",
        ));
    }
    Ok(Sent {
        channel: delivery.channel,
        expires_in_secs: VALIDITY.as_secs(),
    })
}

/// How long after the fallback delay the sweep steps in, if the queue has not.
const SWEEP_GRACE: SignedDuration = SignedDuration::from_secs(30);

/// Asks for the SMS fallback after the delay. Losing the message is not fatal: the sweep
/// timer written with the code does the same a little later.
async fn queue_fallback(app: &App, record: &OtpCode) {
    let Some(queue) = app.fallback_queue() else {
        return;
    };
    let body = serde_json::json!({ "otp": record.key() }).to_string();
    if let Err(err) = queue
        .send_delayed(&body, app.config.delivery.sms_fallback_delay)
        .await
    {
        tracing::warn!(%err, "the SMS fallback was not queued; the sweep will catch it");
    }
}

/// Tries WhatsApp, then SMS; says which channel took the code, or that none did.
async fn deliver(app: &App, phone: &Phone, code: &str) -> OtpDelivery {
    let whatsapp_error = match app.whatsapp().send_code(phone, code).await {
        Ok(accepted) => {
            return OtpDelivery {
                channel: Channel::Whatsapp,
                provider_message_id: accepted.message_id,
                status: DeliveryStatus::Submitted,
                burn: false,
            };
        }
        Err(err) => err,
    };
    tracing::warn!(error = %whatsapp_error, "WhatsApp did not take the code; sending SMS");
    match app.sms().send(phone, &code_text(code)).await {
        Ok(accepted) => OtpDelivery {
            channel: Channel::Sms,
            provider_message_id: accepted.message_id,
            status: DeliveryStatus::Submitted,
            burn: false,
        },
        Err(sms_error) => {
            tracing::error!(error = %sms_error, "SMS did not take the code either");
            OtpDelivery {
                channel: Channel::Sms,
                provider_message_id: None,
                status: DeliveryStatus::Failed,
                burn: true,
            }
        }
    }
}
