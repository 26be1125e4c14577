//! Verifying a login code. Everything that can refuse the login without being the code's fault
//! (unknown hotel or QR code, disabled account, no membership) is checked before the code is
//! used, so the person can fix it and try the same code again (F23, F33, F37). The code is then
//! used in the same transaction that creates the guest, the stay and the session: of any number
//! of concurrent verifies exactly one logs in (F27), and one phone never becomes two users (F28).

use jiff::Timestamp;

use crate::app::App;
use crate::error::{Error, Result, Unique};
use crate::ids::{HotelSlug, QrCode, UserId};
use crate::members::Role;
use crate::otp::{MAX_ATTEMPTS, OtpCode, Target, Tries, parse_code, resolve_target};
use crate::session::Issued;
use crate::stays::GuestStay;
use crate::store::Write;
use crate::users::{Phone, User, UserKind};
use crate::{ratelimit, session};

pub struct VerifyRequest {
    pub phone: Phone,
    pub code: String,
    pub hotel: Option<HotelSlug>,
    pub qr: Option<QrCode>,
    /// A new guest's name, checked as free text (`text`).
    pub name: Option<String>,
    /// From the API Gateway request context only (F39).
    pub client_ip: String,
}

pub struct Verified {
    pub user: User,
    /// The guest's stay, for a login from a room's QR code.
    pub stay: Option<GuestStay>,
    pub issued: Issued,
}

/// How many times a login is retried when a concurrent one changed what it read.
const ATTEMPTS: usize = 3;

pub fn not_right() -> Error {
    Error::bad_request(
        "otp_invalid",
        "That code is not right. Check it and try again, or request a new code.",
    )
}

fn locked() -> Error {
    Error::bad_request("otp_locked", "Too many wrong tries. Request a new code.")
}

pub fn disabled() -> Error {
    Error::denied("account_disabled", "Account is disabled.")
}

pub async fn verify(app: &App, request: VerifyRequest) -> Result<Verified> {
    let store = app.store.as_ref();
    let code = parse_code(&request.code)?;
    count_try(app, &request.phone, &request.client_ip).await?;
    let target = resolve_target(store, request.hotel.as_ref(), request.qr.as_ref()).await?;
    let mut last_error = None;
    for _ in 0..ATTEMPTS {
        match attempt(app, &request, &code, &target).await {
            // Someone created this phone's user, or used the code, meanwhile: look again.
            Err(err @ (Error::Taken(Unique::Phone) | Error::Conflict(..))) => {
                last_error = Some(err);
            }
            outcome => return outcome,
        }
    }
    Err(last_error.unwrap_or_else(not_right))
}

async fn attempt(
    app: &App,
    request: &VerifyRequest,
    code: &str,
    target: &Target,
) -> Result<Verified> {
    let store = app.store.as_ref();
    let now = app.clock.now();
    let otp = store
        .latest_otp(&request.phone, &target.scope)
        .await?
        .ok_or_else(not_right)?;
    let network = ratelimit::network(&request.client_ip);
    let tries = otp.tries_from(&network);
    check_code(app, &otp, code, tries, now).await?;

    let existing = store.user_by_phone(&request.phone).await?;
    if existing.as_ref().is_some_and(|user| !user.active) {
        return Err(disabled());
    }
    let (user, is_new, stay) = match (&target.qr, &target.hotel) {
        (Some(qr), Some(hotel)) => {
            let (user, is_new) = match existing {
                Some(user) => (user, false),
                None => (
                    new_guest(&request.phone, request.name.as_deref(), now),
                    true,
                ),
            };
            let current = if is_new {
                None
            } else {
                store.stays_of(user.id).await?.into_iter().find(|stay| {
                    stay.hotel == hotel.slug && stay.location == qr.location && stay.is_current(now)
                })
            };
            let stay = match current {
                Some(stay) => (stay, false),
                None => (
                    GuestStay::begin(user.id, hotel, &qr.location, &qr.code, now)?,
                    true,
                ),
            };
            (user, is_new, Some(stay))
        }
        _ => {
            let user = existing
                .filter(|user| user.kind == UserKind::Staff)
                .ok_or_else(|| {
                    Error::bad_request(
                        "no_staff_account",
                        "No staff account uses this phone. Guests: scan the QR code in your room.",
                    )
                })?;
            if let Some(hotel) = &target.hotel {
                let membership = store.membership(&hotel.slug, user.id).await?;
                if !membership.is_some_and(|m| m.active && m.role >= Role::Staff) {
                    return Err(Error::denied(
                        "not_a_member",
                        "You are not a member of this hotel.",
                    ));
                }
            }
            (user, false, None)
        }
    };

    let (family, issued) = session::start(&app.config, &user, now)?;
    let mut writes = vec![
        Write::ConsumeOtp {
            otp: &otp,
            now,
            tries,
            max_attempts: MAX_ATTEMPTS,
        },
        Write::RememberNetwork {
            phone: &request.phone,
            network: &network,
            at: now,
        },
    ];
    let owned = user.signed_in(now);
    if is_new {
        writes.push(Write::InsertUser(&user));
    } else if let Some(owned) = &owned {
        writes.push(Write::ReplaceUser {
            user: owned,
            previous: &user,
        });
    }
    if let Some((stay, true)) = &stay {
        writes.push(Write::InsertStay(stay));
    }
    writes.push(Write::InsertSession(&family));
    store.transact(&writes).await?;
    Ok(Verified {
        user: owned.unwrap_or(user),
        stay: stay.map(|(stay, _)| stay),
        issued,
    })
}

/// Counts a verify of a code for `phone` against the limit of the caller's network (one
/// network's tries never stop another's).
pub(crate) async fn count_try(app: &App, phone: &Phone, client_ip: &str) -> Result<()> {
    let network = ratelimit::network(client_ip);
    ratelimit::hit(
        app.store.as_ref(),
        app.clock.now(),
        "otp-verify-phone",
        &app.config.rate_limits.otp_verify_per_phone,
        &format!("{phone}|{network}"),
    )
    .await
}

/// Refuses a code that cannot log in; a wrong one counts as a try of the caller's kind.
pub(crate) async fn check_code(
    app: &App,
    otp: &OtpCode,
    code: &str,
    tries: Tries,
    now: Timestamp,
) -> Result<()> {
    if otp.used {
        return Err(Error::bad_request(
            "otp_used",
            "That code was already used. Request a new code.",
        ));
    }
    if otp.attempts_of(tries) >= MAX_ATTEMPTS {
        return Err(locked());
    }
    if otp.is_expired(now) {
        return Err(Error::bad_request(
            "otp_expired",
            "That code has expired. Request a new code.",
        ));
    }
    if otp.matches(app.config.keys()?, code) {
        return Ok(());
    }
    match app.store.count_wrong_otp(otp, tries, MAX_ATTEMPTS).await? {
        Some(attempts) if attempts < MAX_ATTEMPTS => Err(not_right()),
        _ => Err(locked()),
    }
}

fn new_guest(phone: &Phone, name: Option<&str>, now: Timestamp) -> User {
    let name = name.unwrap_or("Guest").to_owned();
    User {
        id: UserId::generate(),
        kind: UserKind::Guest,
        name,
        email: None,
        phone: Some(phone.clone()),
        password_hash: None,
        active: true,
        is_operator: false,
        unverified_email: None,
        managed_by: None,
        created_at: now,
        updated_at: now,
    }
}
