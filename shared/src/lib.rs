//! Concierge: a hotel guest-request platform. This crate holds all behaviour; the Lambda
//! binaries in `functions/` only wire a handler from here to the runtime.
//!
//! Finding things: a route's handler lives in the module named after its resource
//! (`GET /hotels/{hotel}/experiences` → `experiences::list`), listed in `routes`.

pub mod app;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod error;
pub mod guards;
pub mod http;
pub mod idempotency;
pub mod ids;
pub mod images;
pub mod lambda;
pub mod ratelimit;
pub mod routes;
pub mod secrets;
pub mod session;
pub mod store;
pub mod stream;
pub mod text;
pub mod timers;

pub mod audit;
pub mod auth;
pub mod departments;
pub mod experiences;
pub mod fallback;
pub mod health;
pub mod hotels;
pub mod jobs;
pub mod members;
pub mod notifications;
pub mod operator;
pub mod otp;
pub mod push;
pub mod qr;
pub mod requests;
pub mod stays;
pub mod users;
pub mod webhooks;

pub use app::App;
pub use error::{Error, Result};

#[cfg(test)]
mod module_graph;
