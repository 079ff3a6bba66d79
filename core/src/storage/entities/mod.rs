//! Table rows as sea-orm sees them. Nothing outside `storage` uses these types.

pub mod apps;
pub mod client_secrets;
pub mod operator_credentials;
pub mod tenants;
