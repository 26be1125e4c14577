//! Integration tests. Each test gets its own table in one shared emulator, and talks to the
//! local API over HTTP, so every request takes the path a deployed request takes.

mod admin;
mod auth;
mod catalogue;
mod contract;
mod dashboard;
mod delivery;
mod deployment;
mod emulator;
mod guards;
mod images;
mod jobs;
mod matrix;
mod members;
mod requests;
mod round_trips;
mod store;
mod streams;
mod support;
