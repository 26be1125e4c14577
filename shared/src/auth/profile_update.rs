//! `PATCH /api/v1/auth/profile` `{name?, email?, phone?, code?}`: the caller changes their own
//! name, gives an email, or moves to a new phone they prove is theirs (SPEC §11).
//!
//! An email given here is kept as unverified: shown back to its owner, never claimed, never
//! matched by onboarding, never used to log in, so nobody can squat another person's address
//! or learn whether it has an account. A new phone needs the code `POST /auth/otp/send`
//! `{"phone", "purpose": "new_phone"}` sent to it; the code is used in the same transaction
//! that moves the phone.

use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::{Error, Result, Unique};
use crate::http::{self, HandlerResult};
use crate::otp::verify::{check_code, count_try, not_right};
use crate::otp::{MAX_ATTEMPTS, OtpScope, parse_code};
use crate::ratelimit;
use crate::session::Session;
use crate::store::Write;
use crate::text;
use crate::users::{Email, Phone, Profile, User};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    name: Option<String>,
    email: Option<Email>,
    phone: Option<Phone>,
    code: Option<String>,
}

#[derive(Serialize)]
struct Updated<'a> {
    user: Profile<'a>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let changes: Changes = http::changes(&req, app.config.max_json_body_bytes)?;
    if changes.name.is_none() && changes.email.is_none() && changes.phone.is_none() {
        return Err(Error::invalid(
            "Send a name, an email or a phone to change.",
        ));
    }
    let code = match (&changes.phone, &changes.code) {
        (Some(_), Some(code)) => Some(parse_code(code)?),
        (Some(_), None) => {
            return Err(Error::field(
                "code",
                "enter the 6 digits we sent to the new phone (ask for them with purpose new_phone)",
            ));
        }
        (None, Some(_)) => return Err(Error::field("code", "send it with the new phone")),
        (None, None) => None,
    };
    let previous = app
        .store
        .user(session.user)
        .await?
        .filter(|user| user.active)
        .ok_or(Error::Unauthenticated)?;
    let mut user = previous.clone();
    if let Some(name) = changes.name {
        user.name = text::name("name", name)?;
    }
    if let Some(email) = changes.email {
        user.unverified_email = (user.email.as_ref() != Some(&email)).then_some(email);
    }
    user.updated_at = app.clock.now();
    match (changes.phone, code) {
        (Some(phone), Some(code)) => {
            user.phone = Some(phone);
            user.managed_by = None;
            move_phone(
                app,
                &previous,
                &user,
                &code,
                &http::client_ip(&req, app.config.origin_secret()),
            )
            .await?;
        }
        _ => {
            app.store
                .transact(&[Write::ReplaceUser {
                    user: &user,
                    previous: &previous,
                }])
                .await?;
        }
    }
    http::ok(&Updated {
        user: Profile::from(&user),
    })
}

/// Uses the code sent to the new phone for this user and writes the user on it, in one
/// transaction: a code that is wrong, used or expired changes nothing.
async fn move_phone(
    app: &App,
    previous: &User,
    user: &User,
    code: &str,
    client_ip: &str,
) -> Result<()> {
    let store = app.store.as_ref();
    let now = app.clock.now();
    let phone = user
        .phone
        .as_ref()
        .ok_or_else(|| Error::field("phone", "required"))?;
    count_try(app, phone, client_ip).await?;
    let otp = store
        .latest_otp(phone, &OtpScope::PhoneOf(user.id))
        .await?
        .ok_or_else(not_right)?;
    let tries = otp.tries_from(&ratelimit::network(client_ip));
    check_code(app, &otp, code, tries, now).await?;
    let writes = [
        Write::ConsumeOtp {
            otp: &otp,
            now,
            tries,
            max_attempts: MAX_ATTEMPTS,
        },
        Write::ReplaceUser { user, previous },
    ];
    match store.transact(&writes).await {
        Err(Error::Taken(Unique::Phone)) => Err(Error::field(
            "phone",
            "this number belongs to another account; log in with it instead",
        )),
        outcome => outcome,
    }
}
