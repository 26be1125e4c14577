//! `DELETE /api/v1/hotels/{hotel}/admin/members/{member}`: ends a membership (ADMIN for STAFF
//! members, SUPERADMIN for everyone) and the member's sessions; never the hotel's last active
//! SUPERADMIN. The account and its history stay.

use lambda_http::Request;

use super::Role;
use super::onboard::{self, MemberChanges};
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{HotelSlug, UserId};
use crate::session::Session;

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let member: UserId = http::path(&req, "member")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let changes = MemberChanges {
        active: Some(false),
        ..MemberChanges::default()
    };
    onboard::change(
        app.store.as_ref(),
        &actor,
        &hotel,
        member,
        changes,
        app.clock.now(),
    )
    .await?;
    http::no_content()
}
