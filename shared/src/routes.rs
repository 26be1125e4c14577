//! The route table: every HTTP endpoint, its handler, and so its Lambda function.
//!
//! One line per route. A test (`tests/integration/deployment.rs`) checks that `template.yaml`,
//! `functions/` and `events/` agree with this table, and says what is missing. The function of
//! a route is named after its handler: `hotels::get` → `hotels-get`.

use std::future::Future;
use std::pin::Pin;

use lambda_http::Request;

use crate::app::App;
use crate::http::HandlerResult;
use crate::stream::StreamResult;

/// An endpoint: method, path template as API Gateway writes it, and handler module.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    /// The handler's module path inside this crate, e.g. `hotels::get`.
    pub handler: &'static str,
}

impl Route {
    /// The Lambda function's name (and binary name): the handler path in kebab case.
    pub fn function_name(&self) -> String {
        function_name(self.handler)
    }
}

/// `hotels::get` → `hotels-get`.
pub fn function_name(handler: &str) -> String {
    handler.replace("::", "-").replace('_', "-")
}

/// A handler, uniformly typed so the local API can hold them all.
pub type Handler = fn(&'static App, Request) -> Pin<Box<dyn Future<Output = HandlerResult> + Send>>;

/// A live stream's handler.
pub type StreamHandler =
    fn(&'static App, Request) -> Pin<Box<dyn Future<Output = StreamResult> + Send>>;

macro_rules! routes {
    (
        $(#[$routes_doc:meta])* $routes:ident,
        $(#[$handlers_doc:meta])* $handlers:ident: $handler:ty;
        $($method:ident $path:literal => $first:ident $(:: $rest:ident)*;)*
    ) => {
        $(#[$routes_doc])*
        pub const $routes: &[Route] = &[
            $(Route {
                method: stringify!($method),
                path: $path,
                handler: concat!(stringify!($first) $(, "::", stringify!($rest))*),
            },)*
        ];

        $(#[$handlers_doc])*
        pub static $handlers: &[$handler] = &[
            $(|app, req| Box::pin(crate::$first $(::$rest)*::handle(app, req)),)*
        ];
    };
}

routes! {
    /// Every route of the HTTP API, without its handler (so that using the table links no
    /// handler code).
    ROUTES,
    /// The handler of each route, in the order of `ROUTES`.
    HANDLERS: Handler;
    GET "/api/v1/auth/csrf" => auth::csrf;
    POST "/api/v1/auth/token" => auth::token;
    POST "/api/v1/auth/token/refresh" => auth::refresh;
    POST "/api/v1/auth/otp/send" => auth::otp_send;
    POST "/api/v1/auth/otp/verify" => auth::otp_verify;
    POST "/api/v1/auth/logout" => auth::logout;
    GET "/api/v1/auth/profile" => auth::profile_get;
    PATCH "/api/v1/auth/profile" => auth::profile_update;
    GET "/api/v1/health" => health;
    GET "/api/v1/hotels/{hotel}" => hotels::get;
    GET "/api/v1/hotels/{hotel}/departments" => departments::list;
    GET "/api/v1/hotels/{hotel}/experiences" => experiences::list;
    GET "/api/v1/hotels/{hotel}/experiences/{experience}" => experiences::get;
    GET "/api/v1/qr/{code}" => qr::get;
    POST "/api/v1/hotels/{hotel}/requests" => requests::create;
    GET "/api/v1/me/stays" => stays::mine;
    GET "/api/v1/me/requests" => requests::mine;
    GET "/api/v1/me/requests/{request}" => requests::mine_detail;
    POST "/api/v1/me/requests/{request}/cancel" => requests::cancel;
    GET "/api/v1/hotels/{hotel}/admin/requests" => requests::list;
    GET "/api/v1/hotels/{hotel}/admin/requests/{request}" => requests::detail;
    PATCH "/api/v1/hotels/{hotel}/admin/requests/{request}" => requests::update;
    POST "/api/v1/hotels/{hotel}/admin/requests/{request}/acknowledge" => requests::acknowledge;
    POST "/api/v1/hotels/{hotel}/admin/requests/{request}/notes" => requests::notes;
    GET "/api/v1/notifications" => notifications::list;
    GET "/api/v1/notifications/unread-count" => notifications::unread_count;
    POST "/api/v1/notifications/{notification}/read" => notifications::read;
    POST "/api/v1/notifications/read-all" => notifications::read_all;
    GET "/api/v1/operator/health" => health::operator;
    POST "/api/v1/webhooks/gupshup" => webhooks::gupshup;
    GET "/api/v1/push/vapid-public-key" => push::vapid_key;
    POST "/api/v1/push/subscriptions" => push::subscribe;
    DELETE "/api/v1/push/subscriptions/{subscription}" => push::unsubscribe;
    PATCH "/api/v1/hotels/{hotel}/admin/settings" => hotels::settings;
    POST "/api/v1/hotels/{hotel}/admin/logo" => hotels::logo;
    GET "/api/v1/hotels/{hotel}/admin/departments" => departments::admin_list;
    POST "/api/v1/hotels/{hotel}/admin/departments" => departments::create;
    PATCH "/api/v1/hotels/{hotel}/admin/departments/{department}" => departments::update;
    DELETE "/api/v1/hotels/{hotel}/admin/departments/{department}" => departments::deactivate;
    GET "/api/v1/hotels/{hotel}/admin/experiences" => experiences::admin_list;
    POST "/api/v1/hotels/{hotel}/admin/experiences" => experiences::create;
    PATCH "/api/v1/hotels/{hotel}/admin/experiences/{experience}" => experiences::update;
    DELETE "/api/v1/hotels/{hotel}/admin/experiences/{experience}" => experiences::deactivate;
    POST "/api/v1/hotels/{hotel}/admin/experiences/{experience}/image" => experiences::image;
    GET "/api/v1/hotels/{hotel}/admin/members" => members::list;
    POST "/api/v1/hotels/{hotel}/admin/members" => members::create;
    PATCH "/api/v1/hotels/{hotel}/admin/members/{member}" => members::update;
    DELETE "/api/v1/hotels/{hotel}/admin/members/{member}" => members::deactivate;
    GET "/api/v1/hotels/{hotel}/admin/qr-codes" => qr::list;
    POST "/api/v1/hotels/{hotel}/admin/qr-codes" => qr::create;
    PATCH "/api/v1/hotels/{hotel}/admin/qr-codes/{qr}" => qr::update;
    DELETE "/api/v1/hotels/{hotel}/admin/qr-codes/{qr}" => qr::deactivate;
    GET "/api/v1/hotels/{hotel}/admin/qr-codes/{qr}/image" => qr::image;
    GET "/api/v1/hotels/{hotel}/admin/stays" => stays::list;
    PATCH "/api/v1/hotels/{hotel}/admin/stays/{stay}" => stays::update;
    GET "/api/v1/operator/hotels" => operator::hotels_list;
    POST "/api/v1/operator/hotels" => operator::hotels_create;
    PATCH "/api/v1/operator/hotels/{hotel}" => operator::hotels_update;
    GET "/api/v1/hotels/{hotel}/admin/dashboard" => requests::dashboard;
    GET "/api/v1/hotels/{hotel}/admin/audit" => audit::list;
}

routes! {
    /// The live streams (SSE). API Gateway's HTTP API does not stream, so each is a Lambda
    /// response stream behind a Function URL (`template.yaml`), on the site's domain.
    STREAMS,
    /// The handler of each stream, in the order of `STREAMS`.
    STREAM_HANDLERS: StreamHandler;
    GET "/api/v1/me/requests/{request}/events" => requests::mine_events;
    GET "/api/v1/hotels/{hotel}/admin/events" => requests::events;
    GET "/api/v1/hotels/{hotel}/admin/exports/requests" => requests::export;
}

/// The handler of the API's `$default` route, which answers what no route matched.
pub const FALLBACK: &str = "fallback";

/// An SQS consumer: the module whose `consume` takes the messages of `queue` (the queue's
/// logical id in `template.yaml`). The other functions outside the HTTP API are the scheduled
/// jobs, `jobs::JOBS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Consumer {
    pub handler: &'static str,
    pub queue: &'static str,
}

impl Consumer {
    pub fn function_name(&self) -> String {
        function_name(self.handler)
    }
}

/// A consumer's handler of one message's body.
pub type ConsumerHandler =
    fn(&'static App, String) -> Pin<Box<dyn Future<Output = crate::error::Result<()>> + Send>>;

macro_rules! consumers {
    ($($first:ident $(:: $rest:ident)* <= $queue:literal;)*) => {
        /// Every queue consumer, each its own function.
        pub const CONSUMERS: &[Consumer] = &[
            $(Consumer {
                handler: concat!(stringify!($first) $(, "::", stringify!($rest))*),
                queue: $queue,
            },)*
        ];

        /// The `consume` of each consumer, in the order of `CONSUMERS`.
        pub static CONSUMER_HANDLERS: &[ConsumerHandler] = &[
            $(|app, message| Box::pin(crate::$first $(::$rest)*::consume(app, message)),)*
        ];
    };
}

consumers! {
    otp::fallback <= "SmsFallbackQueue";
    push::deliver <= "PushQueue";
}

/// Matches a concrete path against a template such as `/api/v1/hotels/{hotel}`, giving the
/// path parameters. Segments must match one to one; a parameter takes one whole non-empty
/// segment.
pub fn match_path<'p>(
    template: &'static str,
    path: &'p str,
) -> Option<Vec<(&'static str, &'p str)>> {
    let mut params = Vec::new();
    let mut template_segments = template.split('/');
    let mut path_segments = path.split('/');
    loop {
        match (template_segments.next(), path_segments.next()) {
            (None, None) => return Some(params),
            (Some(expected), Some(actual)) => {
                if let Some(name) = expected.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    if actual.is_empty() {
                        return None;
                    }
                    params.push((name, actual));
                } else if expected != actual {
                    return None;
                }
            }
            _ => return None,
        }
    }
}

/// The route of `ROUTES` and its index for a method and path, with the path parameters.
pub fn find(method: &str, path: &str) -> Option<(usize, Vec<(&'static str, String)>)> {
    find_in(ROUTES, method, path)
}

/// `find` in `STREAMS`.
pub fn find_stream(method: &str, path: &str) -> Option<(usize, Vec<(&'static str, String)>)> {
    find_in(STREAMS, method, path)
}

fn find_in(
    table: &[Route],
    method: &str,
    path: &str,
) -> Option<(usize, Vec<(&'static str, String)>)> {
    table.iter().enumerate().find_map(|(index, route)| {
        if route.method != method {
            return None;
        }
        match_path(route.path, path).map(|params| {
            let owned = params.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
            (index, owned)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_templates_segment_by_segment() {
        let params = match_path(
            "/api/v1/hotels/{hotel}/experiences/{experience}",
            "/api/v1/hotels/demo/experiences/01abc",
        )
        .unwrap();
        assert_eq!(params, vec![("hotel", "demo"), ("experience", "01abc")]);
        assert!(match_path("/api/v1/hotels/{hotel}", "/api/v1/hotels/").is_none());
        assert!(match_path("/api/v1/hotels/{hotel}", "/api/v1/hotels/demo/").is_none());
        assert!(match_path("/api/v1/hotels/{hotel}", "/api/v1/hotels/demo/departments").is_none());
        assert!(match_path("/api/v1/health", "/api/v1/healthz").is_none());
    }

    #[test]
    fn routes_are_unique_and_handlers_line_up() {
        assert_eq!(ROUTES.len(), HANDLERS.len());
        assert_eq!(STREAMS.len(), STREAM_HANDLERS.len());
        let all: Vec<&Route> = ROUTES.iter().chain(STREAMS).collect();
        for (i, a) in all.iter().enumerate() {
            for b in &all[i + 1..] {
                assert!(!(a.method == b.method && a.path == b.path), "{a:?} twice");
                assert_ne!(a.handler, b.handler, "one handler serves two routes");
            }
        }
    }

    #[test]
    fn function_names_are_kebab_case_handler_paths() {
        let route = find("GET", "/api/v1/qr/abc").unwrap().0;
        assert_eq!(ROUTES[route].function_name(), "qr-get");
        assert_eq!(function_name("auth::otp_send"), "auth-otp-send");
    }
}
