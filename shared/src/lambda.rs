//! Entry points for the function binaries: each `main` hands its handler to one of these.

use std::convert::Infallible;
use std::future::Future;

use lambda_http::{Request, service_fn};

use crate::app::App;
use crate::http::{self, HandlerResult};

pub use lambda_http::Error;

/// Runs an HTTP API handler as a Lambda: builds the `App` once, then serves invocations.
pub fn http<H, F>(handler: H) -> Result<(), Error>
where
    H: Fn(&'static App, Request) -> F + Copy + Send + 'static,
    F: Future<Output = HandlerResult> + Send + 'static,
{
    // One invocation at a time per execution environment: a single-threaded runtime starts
    // faster and needs no cross-thread synchronisation.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        lambda_http::tracing::init_default_subscriber();
        // Lives as long as the process, shared by every invocation.
        let app: &'static App = Box::leak(Box::new(App::from_env().await?));
        lambda_http::run(service_fn(move |req: Request| async move {
            Ok::<_, Infallible>(http::respond(handler(app, req).await))
        }))
        .await
    })
}
