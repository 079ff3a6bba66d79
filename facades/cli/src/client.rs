//! Reaching the core as an operator from the command line.

use std::path::PathBuf;

use anyhow::Context;
use gatehouse_core::OPERATOR_TOKEN_FILE;
use gatehouse_core::secret::Secret;
use gatehouse_proto::call::CallContext;
use gatehouse_proto::channel::{self, CoreClient};
use gatehouse_proto::request_id;

use crate::cli::ClientArgs;
use crate::config::{DEFAULT_DATA_DIR, DEFAULT_GRPC};

/// Environment variable that holds an operator credential.
pub const OPERATOR_TOKEN_ENV: &str = "GATEHOUSE_OPERATOR_TOKEN";

/// A core client and the operator context to call it with.
pub struct OperatorClient {
    /// Generated clients.
    pub core: CoreClient,
    token: Secret,
}

impl OperatorClient {
    /// Connects to `--core-url` with the credential from the environment or the data directory.
    pub fn connect(args: &ClientArgs) -> anyhow::Result<OperatorClient> {
        let url = args
            .core_url
            .clone()
            .unwrap_or_else(|| format!("http://{DEFAULT_GRPC}"));
        let channel = channel::connect_lazy(&url)?;
        Ok(OperatorClient {
            core: CoreClient::new(channel),
            token: operator_token(args)?,
        })
    }

    /// A request carrying the operator credential and a fresh request id.
    pub fn request<T>(&self, message: T) -> tonic::Request<T> {
        CallContext::with_bearer(self.token.expose())
            .request_id(request_id::generate())
            .request(message)
    }
}

fn operator_token(args: &ClientArgs) -> anyhow::Result<Secret> {
    if let Ok(token) = std::env::var(OPERATOR_TOKEN_ENV)
        && !token.trim().is_empty()
    {
        return Ok(Secret::new(token.trim()));
    }
    let dir = args
        .data_dir
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
    let path = dir.join(OPERATOR_TOKEN_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "no operator credential: set {OPERATOR_TOKEN_ENV} or point --data-dir at the \
             server's data directory (tried {})",
            path.display()
        )
    })?;
    Ok(Secret::new(text.trim()))
}
