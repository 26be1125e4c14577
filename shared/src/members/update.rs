//! `PATCH /api/v1/hotels/{hotel}/admin/members/{member}` `{name?, email?, phone?, role?,
//! departments?, active?}` (ADMIN for STAFF members, SUPERADMIN for everyone). A hotel keeps
//! at least one active SUPERADMIN; deactivating someone ends their sessions.

use lambda_http::Request;
use serde::Deserialize;

use super::onboard::{self, MemberChanges};
use super::{MemberView, Role};
use crate::app::App;
use crate::error::Error;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::ids::{DepartmentSlug, HotelSlug, UserId};
use crate::session::Session;
use crate::text;
use crate::users::{Email, Phone};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Changes {
    name: Option<String>,
    email: Option<Email>,
    phone: Option<Phone>,
    role: Option<Role>,
    departments: Option<Vec<DepartmentSlug>>,
    active: Option<bool>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let hotel: HotelSlug = http::path(&req, "hotel")?;
    let member: UserId = http::path(&req, "member")?;
    let session = Session::required(&app.config, &req)?;
    let actor = guards::member(app, &session, &hotel, Role::Admin).await?;
    let input: Changes = http::changes(&req, app.config.max_json_body_bytes)?;
    let changes = MemberChanges {
        name: input
            .name
            .map(|name| text::name("name", name))
            .transpose()?,
        email: input.email,
        phone: input.phone,
        role: input.role,
        departments: input.departments,
        active: input.active,
    };
    if changes.name.is_none()
        && changes.email.is_none()
        && changes.phone.is_none()
        && changes.role.is_none()
        && changes.departments.is_none()
        && changes.active.is_none()
    {
        return Err(Error::invalid("Send at least one field to change."));
    }
    let changed = onboard::change(
        app.store.as_ref(),
        &actor,
        &hotel,
        member,
        changes,
        app.clock.now(),
    )
    .await?;
    http::ok(&MemberView::new(&changed.membership, &changed.user))
}
