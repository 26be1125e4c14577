//! Integration tests. Each test gets its own table in one shared emulator, and talks to the
//! local API over HTTP, so every request takes the path a deployed request takes.

mod auth;
mod catalogue;
mod delivery;
mod deployment;
mod guards;
mod jobs;
mod requests;
mod store;
mod support;
