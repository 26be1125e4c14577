//! `POST /api/v1/hotels/{hotel}/admin/members` `{name, phone, email?, role, departments?}`:
//! invites someone (ADMIN invite STAFF; SUPERADMIN anyone). See `onboard::invite` for how an
//! existing account is found and made staff.

use ::http::StatusCode;
use lambda_http::Request;
use serde::Deserialize;

use super::onboard::{self, Invitation, check_departments, check_may_manage};
use super::{MemberView, Role};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug};
use crate::session::Session;
use crate::text;
use crate::users::{Email, Phone};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewMember {
    name: String,
    phone: Option<Phone>,
    email: Option<Email>,
    role: Role,
    #[serde(default)]
    departments: Vec<DepartmentSlug>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let input: NewMember = http::json(&req, app.config.max_json_body_bytes)?;
    // F15: staff always have a phone, so one-time-code login always works.
    let phone = input.phone.ok_or_else(|| {
        Error::field(
            "phone",
            "a member needs a phone number, to log in with a one-time code",
        )
    })?;
    let invitation = Invitation {
        name: text::name("name", input.name)?,
        phone,
        email: input.email,
        role: input.role,
        departments: input.departments,
    };
    check_may_manage(&actor, invitation.role)?;
    let store = app.store.as_ref();
    check_departments(store, &hotel, &invitation.departments, &[]).await?;
    let member = onboard::invite(store, &hotel, invitation, app.clock.now()).await?;
    http::json_response(
        StatusCode::CREATED,
        &MemberView::new(&member.membership, &member.user),
    )
}
