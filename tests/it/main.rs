//! The integration suite: one binary, one module per area. Every test starts the real
//! application on a random port with a fresh database (see `helpers::spawn_app`).

mod api_calls;
mod api_keys;
mod digest_client;
mod helpers;
mod ingest;
mod msp_api;
mod smtp;
mod vendor_msp;

mod auth;
mod billing;
mod browser;
mod budgets;
mod cli;
mod closed_months;
mod confirmations;
mod customers;
mod dashboard;
mod focus;
mod forms;
mod headers;
mod invoices;
mod languages;
mod links;
mod onboarding;
mod ops;
mod outbox;
mod password_reset;
mod price_plans;
mod rate_limits;
mod resale;
mod security;
mod sessions;
mod statements;
mod support;
mod team;
mod two_factor;
mod upgrade;
mod usage;
mod v1_api;
mod webhook_events;
mod webhooks;
