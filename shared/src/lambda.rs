//! Entry points for the function binaries: each `main` hands its handler to one of these.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use lambda_http::{Request, RequestExt, service_fn};
use lambda_runtime::LambdaEvent;

use crate::app::App;
use crate::http::{self, HandlerResult};
use crate::jobs::{Job, JobEvent};
use crate::routes;
use crate::stream::{self, StreamResponse, StreamResult};

pub use lambda_http::Error;

/// Runs an HTTP API handler as a Lambda: builds the `App` once, then serves invocations.
pub fn http<H, F>(handler: H) -> Result<(), Error>
where
    H: Fn(&'static App, Request) -> F + Copy + Send + 'static,
    F: Future<Output = HandlerResult> + Send + 'static,
{
    start(|app| async move {
        lambda_http::run(service_fn(move |req: Request| async move {
            let result = match app.ready().await {
                Ok(()) => handler(app, req).await,
                Err(err) => Err(err),
            };
            Ok::<_, Infallible>(http::respond(result))
        }))
        .await
    })
}

/// Runs a live stream's handler as a Lambda response stream (behind a Function URL). A Function
/// URL does no routing, so the path parameters come from matching the request's path against
/// the stream routes here; a path that is none of them is a 404.
pub fn stream<H, F>(handler: H) -> Result<(), Error>
where
    H: Fn(&'static App, Request) -> F + Copy + Send + 'static,
    F: Future<Output = StreamResult> + Send + 'static,
{
    start(|app| async move {
        lambda_http::run_with_streaming_response(service_fn(move |req: Request| async move {
            Ok::<_, Infallible>(invoke_stream(app, req, handler).await)
        }))
        .await
    })
}

/// One invocation of a stream function: the path parameters from the path, then the handler.
pub async fn invoke_stream<H, F>(app: &'static App, req: Request, handler: H) -> StreamResponse
where
    H: Fn(&'static App, Request) -> F,
    F: Future<Output = StreamResult>,
{
    let result = match routes::find_stream(req.method().as_str(), req.uri().path()) {
        Some(_) if let Err(err) = app.ready().await => Err(err),
        Some((_, params)) => {
            let params: HashMap<String, String> = params
                .into_iter()
                .map(|(name, value)| (name.to_owned(), value))
                .collect();
            handler(app, req.with_path_parameters(params)).await
        }
        None => Err(crate::error::Error::NotFound("Route")),
    };
    stream::respond(result)
}

/// Runs a scheduled job as a Lambda. The payload is the schedule's input (a `JobEvent`; an
/// empty or unknown one is a recurring run). The heartbeat is written whatever happens; a
/// failed run is an error, so EventBridge retries it and finally sends it to the dead letters.
pub fn job(job: Job) -> Result<(), Error> {
    start(move |app| async move {
        lambda_runtime::run(service_fn(
            move |event: LambdaEvent<serde_json::Value>| async move {
                let job_event: JobEvent = serde_json::from_value(event.payload).unwrap_or_default();
                job.run_once(app, job_event).await.map_err(|err| {
                    tracing::error!(%err, job = job.name, "the job failed");
                    Error::from(err.to_string())
                })
            },
        ))
        .await
    })
}

/// Runs an SQS consumer as a Lambda: each message's body is handled on its own, and the ones
/// that failed are reported (partial batch failure), so only they come back, and after five
/// receives go to the dead-letter queue.
pub fn queue<H, F>(consume: H) -> Result<(), Error>
where
    H: Fn(&'static App, String) -> F + Copy + Send + 'static,
    F: Future<Output = crate::error::Result<()>> + Send + 'static,
{
    start(move |app| async move {
        lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| async move {
            Ok::<_, Infallible>(consume_batch(app, event.payload, consume).await)
        }))
        .await
    })
}

/// Handles a batch of messages, all at once (one slow message does not hold up the others),
/// naming the ones that failed.
pub async fn consume_batch<H, F>(app: &'static App, batch: SqsEvent, consume: H) -> SqsBatchResponse
where
    H: Fn(&'static App, String) -> F,
    F: Future<Output = crate::error::Result<()>>,
{
    if let Err(err) = app.ready().await {
        tracing::error!(%err, "the secrets could not be fetched; the batch comes back later");
        let mut response = SqsBatchResponse::default();
        for message in batch.records {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = message.message_id.unwrap_or_default();
            response.batch_item_failures.push(failure);
        }
        return response;
    }
    let handled = batch.records.into_iter().map(|message| {
        let id = message.message_id.clone().unwrap_or_default();
        let outcome = consume(app, message.body.unwrap_or_default());
        async move { (id, outcome.await) }
    });
    let mut response = SqsBatchResponse::default();
    for (id, outcome) in futures_util::future::join_all(handled).await {
        if let Err(err) = outcome {
            tracing::error!(%err, message = %id, "a queue message failed; it comes back later");
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            response.batch_item_failures.push(failure);
        }
    }
    response
}

/// Builds the runtime and the `App` once per cold start, then hands over to `serve`.
fn start<S, F>(serve: S) -> Result<(), Error>
where
    S: FnOnce(&'static App) -> F,
    F: Future<Output = Result<(), Error>>,
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
        serve(app).await
    })
}
