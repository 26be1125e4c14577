//! Concierge: a hotel guest-request platform. This crate holds all behaviour; the Lambda
//! binaries in `functions/` only wire a handler from here to the runtime.
//!
//! Finding things: a route's handler lives in the module named after its resource
//! (`GET /hotels/{hotel}/experiences` → `experiences::list`), listed in `routes`.

pub mod app;
pub mod clock;
pub mod config;
pub mod error;
pub mod http;
pub mod ids;
pub mod images;
pub mod lambda;
pub mod routes;
pub mod store;

pub mod departments;
pub mod experiences;
pub mod fallback;
pub mod health;
pub mod hotels;
pub mod jobs;
pub mod members;
pub mod operator;
pub mod qr;
pub mod users;

pub use app::App;
pub use error::{Error, Result};
