//! `GET /api/v1/me/stays`: the caller's stays, newest first.

use lambda_http::Request;
use serde::Serialize;

use super::StayView;
use crate::app::App;
use crate::guards;
use crate::http::{self, HandlerResult};
use crate::session::Session;

#[derive(Serialize)]
struct Stays<'a> {
    items: Vec<StayView<'a>>,
}

pub async fn handle(app: &App, req: Request) -> HandlerResult {
    let session = Session::required(&app.config, &req)?;
    let (stays, _) = tokio::try_join!(
        app.store.stays_of(session.user),
        guards::active_user(app, &session),
    )?;
    let now = app.clock.now();
    let mut items: Vec<StayView> = stays.iter().map(StayView::from).collect();
    items
        .iter_mut()
        .for_each(|view| view.active = view.active && now < view.check_out);
    items.sort_by_key(|view| std::cmp::Reverse(view.check_in));
    http::ok(&Stays { items })
}
