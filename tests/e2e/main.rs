//! End-to-end tests: the whole stack on ephemeral ports with a fresh database per test,
//! SQLite by default and PostgreSQL when `GATEHOUSE_TEST_DATABASE_URL` is set.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a test fails loudly"
)]

mod auth;
mod http;
mod interop;
mod keys;
mod oauth;
mod platform;
mod serve;
mod support;
mod tenants;
mod tokens;
