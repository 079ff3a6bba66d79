//! Domain types and rules, free of transport and storage types.

pub mod app;
pub mod page;
pub mod principal;
pub mod scope;
pub mod service_token;
pub mod signing_key;
pub mod tenant;
