//! `POST /api/v1/auth/token`: staff login with email and password.

use std::sync::LazyLock;

use lambda_http::Request;
use serde::Deserialize;

use super::logged_in;
use crate::app::App;
use crate::error::{Error, Result};
use crate::http::{self, HandlerResult};
use crate::otp::verify::disabled;
use crate::ratelimit;
use crate::session::{self, csrf};
use crate::store::Write;
use crate::users::{Email, User, password};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    email: String,
    password: String,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    csrf::check_origin(&app.config, &req, false)?;
    let credentials: Credentials = http::json(&req, app.config.max_json_body_bytes)?;
    let client_ip = http::client_ip(&req, app.config.origin_secret());
    let user = login(app, &credentials, &client_ip).await?;
    let now = app.clock.now();
    let (family, issued) = session::start(&app.config, &user, now)?;
    let owned = user.signed_in(now);
    let mut writes = vec![Write::InsertSession(&family)];
    let network = ratelimit::network(&client_ip);
    if let Some(phone) = &user.phone {
        writes.push(Write::RememberNetwork {
            phone,
            network: &network,
            at: now,
        });
    }
    if let Some(owned) = &owned {
        writes.push(Write::ReplaceUser {
            user: owned,
            previous: &user,
        });
    }
    app.store.transact(&writes).await?;
    logged_in(app, owned.as_ref().unwrap_or(&user), None, &issued)
}

/// Verified against when there is no account, so an unknown email costs the same time as a
/// wrong password.
static NO_ACCOUNT_HASH: LazyLock<Option<String>> =
    LazyLock::new(|| password::hash("no account has this password").ok());

fn wrong() -> Error {
    Error::Denied {
        code: "invalid_credentials",
        message: "The email or password is not right.".into(),
    }
}

async fn login(app: &App, credentials: &Credentials, client_ip: &str) -> Result<User> {
    // A blank email or password is a 400 naming the field, never a lookup (F19).
    if credentials.email.trim().is_empty() {
        return Err(Error::field("email", "enter your email"));
    }
    if credentials.password.is_empty() {
        return Err(Error::field("password", "enter your password"));
    }
    let email = Email::parse(&credentials.email)?;
    let (store, now, limits) = (app.store.as_ref(), app.clock.now(), &app.config.rate_limits);
    let network = ratelimit::network(client_ip);
    let network_email = format!("{network}|{email}");
    // Per network and email, per network, and per account from anywhere: guessing spread
    // over many networks is slowed too, while the owner waits minutes at most (and can
    // always log in by code instead).
    tokio::try_join!(
        ratelimit::hit(
            store,
            now,
            "password-login",
            &limits.password_login,
            &network_email
        ),
        ratelimit::hit(
            store,
            now,
            "password-login-ip",
            &limits.password_login_per_ip,
            &network
        ),
        ratelimit::hit(
            store,
            now,
            "password-login-account",
            &limits.password_login_per_account,
            email.as_str()
        ),
    )?;
    let user = app.store.user_by_email(&email).await?;
    let stored = user.as_ref().and_then(|user| user.password_hash.as_deref());
    let matches = match stored {
        Some(stored) => password::verify(stored, &credentials.password),
        None => {
            if let Some(dummy) = NO_ACCOUNT_HASH.as_deref() {
                password::verify(dummy, &credentials.password);
            }
            false
        }
    };
    match user {
        Some(user) if matches && user.active => Ok(user),
        Some(_) if matches => Err(disabled()),
        _ => Err(wrong()),
    }
}
