//! `GET /api/v1/auth/profile`: the caller, with their hotel memberships.

use lambda_http::Request;
use serde::Serialize;

use crate::app::App;
use crate::error::Error;
use crate::http::{self, HandlerResult};
use crate::members::Membership;
use crate::session::Session;
use crate::users::{Profile, UserKind};

#[derive(Serialize)]
struct Me<'a> {
    user: Profile<'a>,
    memberships: Vec<&'a Membership>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let user = app
        .store
        .user(session.user)
        .await?
        .filter(|user| user.active)
        .ok_or(Error::Unauthenticated)?;
    let memberships = match user.kind {
        UserKind::Staff => app.store.memberships_of(user.id).await?,
        UserKind::Guest => Vec::new(),
    };
    http::ok(&Me {
        user: Profile::from(&user),
        memberships: memberships.iter().filter(|m| m.active).collect(),
    })
}
