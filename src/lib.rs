//! Partner Console: the web console and management API of a cloud database vendor's partner
//! channel. `main.rs` is a thin CLI over [`startup::Application`].

pub mod api;
pub mod app;
pub mod billing;
pub mod clock;
pub mod config;
pub mod credentials;
pub mod demo;
pub mod documents;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod mail;
pub mod metrics;
pub mod paths;
pub mod progress;
pub mod startup;
pub mod state;
pub mod store;
pub mod telemetry;
pub mod tokens;
pub mod web;
pub mod webhooks;

#[cfg(test)]
mod architecture;
