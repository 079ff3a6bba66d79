//! Use cases of the core: authorization first, then validation, then storage. No transport types.

pub mod auth;
pub mod operators;
pub mod tenants;
