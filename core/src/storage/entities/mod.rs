//! Table rows as sea-orm sees them. Nothing outside `storage` uses these types.

pub mod apps;
pub mod client_secrets;
pub mod operator_credentials;
pub mod revoked_tokens;
pub mod scopes;
pub mod service_tokens;
pub mod signing_keys;
pub mod tenants;
