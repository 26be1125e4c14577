//! Sending a login code: WhatsApp first, SMS at once when WhatsApp fails. A send that reaches
//! no channel is a 502; its record is kept (burned) and it still counts against the limits
//! (F22, F25).

use jiff::SignedDuration;

use crate::app::App;
use crate::delivery::code_text;
use crate::error::{Error, Result};
use crate::hotels::Hotel;
use crate::ids::{HotelSlug, QrCode, UserId};
use crate::otp::{
    Channel, DeliveryStatus, OtpCode, OtpScope, VALIDITY, generate_code, resolve_target,
};
use crate::ratelimit;
use crate::store::{OtpDelivery, Store, Write};
use crate::timers::{Timer, TimerKind};
use crate::users::{Phone, UserKind};
use futures_util::future::try_join_all;

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

/// Whom a send is for, once the request is resolved.
enum Recipient {
    /// A guest logging in from a room's QR code: the hotel's accepted countries apply.
    Guest(Hotel),
    /// A staff login, to a hotel or without one: only a member's phone gets a code.
    Staff(Option<Hotel>),
    /// A signed-in user proving a new phone.
    NewPhone(UserId),
}

/// Sends a code, under the limits of `docs/security.md`: the requester's network and the
/// phone (with a ceiling that spares networks the phone logged in from), a signed-in user's
/// new-phone codes, and then, for a code about to go out, the hotel's and the platform's
/// budgets. A staff login for a phone that is no member sends nothing and answers as if it had.
pub async fn send(app: &App, request: SendRequest) -> Result<Sent> {
    let store = app.store.as_ref();
    let now = app.clock.now();
    let limits = &app.config.rate_limits;
    let network = ratelimit::network(&request.client_ip);
    let phone = request.phone.as_str();
    let (recipient, known) = tokio::try_join!(
        recipient(store, request.purpose),
        store.known_network(&request.phone, &network, now),
    )?;
    let per_network = match &recipient {
        Recipient::Guest(_) => ("otp-send-ip-qr", &limits.otp_send_per_ip_with_qr),
        _ => ("otp-send-ip", &limits.otp_send_per_ip),
    };
    let phone_network = format!("{phone}|{network}");
    let new_phone_of = match &recipient {
        Recipient::NewPhone(user) => Some(user.to_string()),
        _ => None,
    };
    let mut hits = vec![
        ratelimit::hit(store, now, per_network.0, per_network.1, &network),
        ratelimit::hit(
            store,
            now,
            "otp-send-phone",
            &limits.otp_send_per_phone,
            &phone_network,
        ),
    ];
    if !known {
        hits.push(ratelimit::hit(
            store,
            now,
            "otp-send-phone-ceiling",
            &limits.otp_send_phone_ceiling,
            phone,
        ));
    }
    if let Some(user) = &new_phone_of {
        hits.push(ratelimit::hit(
            store,
            now,
            "otp-send-new-phone",
            &limits.otp_send_new_phone,
            user,
        ));
    }
    // Every attempt counts, refused ones too; whether the phone is a member's is looked up
    // meanwhile.
    let (counted, member) = tokio::join!(
        try_join_all(hits),
        is_member(store, &recipient, &request.phone)
    );
    counted?;
    let scope = match &recipient {
        Recipient::Guest(hotel) => {
            if !hotel.accepts_phone_of(&request.phone, &app.config.otp_countries) {
                return Err(Error::field(
                    "phone",
                    "this hotel cannot send codes to numbers of that country; ask reception \
                     to log you in",
                ));
            }
            OtpScope::Hotel(hotel.slug.clone())
        }
        Recipient::Staff(hotel) => {
            if !member? {
                return Ok(silent(app));
            }
            hotel
                .as_ref()
                .map_or(OtpScope::Staff, |hotel| OtpScope::Hotel(hotel.slug.clone()))
        }
        Recipient::NewPhone(user) => OtpScope::PhoneOf(*user),
    };
    spend_budgets(app, &scope, now).await?;

    let code = generate_code();
    let record = OtpCode::new(
        app.config.keys()?,
        request.phone.clone(),
        scope,
        &code,
        Channel::Whatsapp,
        &network,
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

/// What a send to a phone that is nobody's staff account answers: what a send would.
fn silent(app: &App) -> Sent {
    Sent {
        channel: if app.config.gupshup.is_some() {
            Channel::Whatsapp
        } else {
            Channel::Sms
        },
        expires_in_secs: VALIDITY.as_secs(),
    }
}

async fn recipient(store: &dyn Store, purpose: Purpose) -> Result<Recipient> {
    Ok(match purpose {
        Purpose::Login { hotel, qr } => {
            let target = resolve_target(store, hotel.as_ref(), qr.as_ref()).await?;
            match (target.qr, target.hotel) {
                (Some(_), Some(hotel)) => Recipient::Guest(hotel),
                (_, hotel) => Recipient::Staff(hotel),
            }
        }
        Purpose::NewPhone(user) => Recipient::NewPhone(user),
    })
}

/// For a staff login: whether `phone` is an active staff account (and a member of the hotel,
/// when one is named). Other recipients need no such check.
async fn is_member(store: &dyn Store, recipient: &Recipient, phone: &Phone) -> Result<bool> {
    let Recipient::Staff(hotel) = recipient else {
        return Ok(true);
    };
    let Some(user) = store.user_by_phone(phone).await? else {
        return Ok(false);
    };
    if !user.active || user.kind != UserKind::Staff {
        return Ok(false);
    }
    match hotel {
        Some(hotel) => Ok(store
            .membership(&hotel.slug, user.id)
            .await?
            .is_some_and(|m| m.active)),
        None => Ok(true),
    }
}

/// Spends one code of the hotel's budget (for a hotel's code) and of the platform's.
async fn spend_budgets(app: &App, scope: &OtpScope, now: jiff::Timestamp) -> Result<()> {
    let store = app.store.as_ref();
    let limits = &app.config.rate_limits;
    let hotel = async {
        match scope {
            OtpScope::Hotel(hotel) => {
                ratelimit::spend(
                    store,
                    now,
                    "otp-budget-hotel",
                    &limits.otp_send_per_hotel,
                    hotel.as_str(),
                )
                .await
            }
            _ => Ok(()),
        }
    };
    let global = ratelimit::spend(
        store,
        now,
        "otp-budget-global",
        &limits.otp_send_global,
        "all",
    );
    tokio::try_join!(hotel, global).map(drop)
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
