//! `PATCH /api/v1/auth/profile` `{name?, email?}`: the caller changes their own name or email.

use lambda_http::Request;
use serde::{Deserialize, Serialize};

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::operator::required_text;
use crate::session::Session;
use crate::store::Write;
use crate::users::{Email, Profile};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    name: Option<String>,
    email: Option<Email>,
}

#[derive(Serialize)]
struct Updated<'a> {
    user: Profile<'a>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let changes: Changes = http::json(&req, app.config.max_json_body_bytes)?;
    if changes.name.is_none() && changes.email.is_none() {
        return Err(Error::invalid("Send a name or an email to change."));
    }
    let previous = app
        .store
        .user(session.user)
        .await?
        .filter(|user| user.active)
        .ok_or(Error::Unauthenticated)?;
    let mut user = previous.clone();
    if let Some(name) = changes.name {
        user.name = required_text("name", name)?;
    }
    if let Some(email) = changes.email {
        user.email = Some(email);
    }
    user.updated_at = app.clock.now();
    app.store
        .transact(&[Write::ReplaceUser {
            user: &user,
            previous: &previous,
        }])
        .await?;
    http::ok(&Updated {
        user: Profile::from(&user),
    })
}
