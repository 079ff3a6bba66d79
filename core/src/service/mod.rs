//! Use cases of the core: authorization first, then validation, then storage. No transport types.

pub mod apps;
pub mod auth;
pub mod clients;
pub mod keys;
pub mod oauth;
pub mod operators;
pub mod scopes;
pub mod tenants;
pub mod throttle;
pub mod tokens;
