//! Integration tests. Each test gets its own table in one shared emulator, and talks to the
//! local API over HTTP, so every request takes the path a deployed request takes.

mod abuse;
mod admin;
mod audit;
mod auth;
mod catalogue;
mod contract;
mod dashboard;
mod delivery;
mod deployment;
mod emulator;
mod export;
mod guards;
mod hardening;
mod iam;
mod identity;
mod images;
mod jobs;
mod lifecycle;
mod matrix;
mod members;
mod polish;
mod push;
mod requests;
mod round_trips;
mod sdk_calls;
mod secrets;
mod site;
mod store;
mod streams;
mod support;
mod three_days;
mod upgrade;
