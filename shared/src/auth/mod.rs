//! The auth routes: CSRF token, password and one-time-code login, refresh, logout, profile.
//! The mechanisms they use live in `session` (tokens, cookies, CSRF) and `otp`.

pub mod csrf;
pub mod logout;
pub mod otp_send;
pub mod otp_verify;
pub mod profile_get;
pub mod profile_update;
pub mod refresh;
pub mod token;

use serde::Serialize;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::session::{self, Issued};
use crate::stays::{GuestStay, StayView};
use crate::users::{Profile, User};

#[derive(Serialize)]
struct LoggedIn<'a> {
    user: Profile<'a>,
    stay: Option<StayView<'a>>,
    /// Also set as the `csrftoken` cookie; echo it in `X-CSRFToken`.
    csrf_token: Option<&'a str>,
}

/// The answer to a successful login: who, where (a guest's stay), and the session cookies.
fn logged_in(app: &App, user: &User, stay: Option<&GuestStay>, issued: &Issued) -> HandlerResult {
    let mut response = http::ok(&LoggedIn {
        user: Profile::from(user),
        stay: stay.map(StayView::from),
        csrf_token: issued.csrf.as_deref(),
    })?;
    session::set_cookies(&mut response, &app.config, issued);
    Ok(response)
}
