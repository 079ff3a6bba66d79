//! The Gatehouse core: tenants, apps, credentials and every authorization decision, served
//! over gRPC.

mod bootstrap;
pub mod clock;
pub mod crypto;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod ids;
pub mod secret;
pub mod service;
pub mod storage;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;

pub use bootstrap::{Core, CoreConfig, KEK_FILE, KekSource, OPERATOR_TOKEN_FILE, StartError};
