//! The API's `$default` route: any request no route matched. A known path with another method
//! is a 405 naming the allowed ones; anything else a 404, both in the JSON error shape.

use lambda_http::Request;

use crate::app::App;
use crate::error::Error;
use crate::http::HandlerResult;
use crate::routes;

pub async fn handle(_app: &App, req: Request) -> HandlerResult {
    Err(unmatched(req.uri().path()))
}

/// The error for a request no route took.
pub fn unmatched(path: &str) -> Error {
    let allow: Vec<&'static str> = routes::ROUTES
        .iter()
        .filter(|route| routes::match_path(route.path, path).is_some())
        .map(|route| route.method)
        .collect();
    if allow.is_empty() {
        Error::NotFound("Route")
    } else {
        Error::MethodNotAllowed { allow }
    }
}
