//! Command-line arguments.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Gatehouse: app registration, OAuth 2.0 tokens and signing keys for outside systems.
#[derive(Debug, Parser)]
#[command(name = "gatehouse", version, about)]
pub struct Cli {
    /// Logging.
    #[command(flatten)]
    pub log: LogArgs,
    /// How client subcommands reach the core.
    #[command(flatten)]
    pub client: ClientArgs,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server: the core and the REST facade in one process, or one part alone.
    Serve(ServeArgs),
    /// Manage tenants (operator only).
    #[command(subcommand)]
    Tenant(TenantCommand),
    /// Manage the scope catalog (operator only).
    #[command(subcommand)]
    Scope(ScopeCommand),
    /// Manage signing keys (operator only).
    #[command(subcommand)]
    Keys(KeysCommand),
}

/// Log output.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// Log line format.
    #[arg(long, global = true, value_enum, env = "GATEHOUSE_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// Level for Gatehouse's own logs (error, warn, info, debug, trace); dependencies log at
    /// warn. `RUST_LOG`, when set, replaces the whole filter.
    #[arg(long, global = true, env = "GATEHOUSE_LOG_LEVEL")]
    pub log_level: Option<String>,
}

/// Log line formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Where client subcommands find the core and the operator credential.
#[derive(Debug, Clone, Args)]
pub struct ClientArgs {
    /// gRPC address of the core.
    #[arg(long, global = true, env = "GATEHOUSE_CORE_URL")]
    pub core_url: Option<String>,
    /// Data directory holding `operator-token`, used when GATEHOUSE_OPERATOR_TOKEN is unset.
    #[arg(long, global = true, env = "GATEHOUSE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// Which part of Gatehouse a process runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Part {
    /// The gRPC core alone.
    Core,
    /// The REST facade alone, in front of a core at `--core-url`.
    Rest,
}

/// `gatehouse serve`. Each flag overrides its `GATEHOUSE_*` variable, which overrides the
/// config file, which overrides the default.
#[derive(Debug, Clone, Default, Args)]
pub struct ServeArgs {
    /// TOML config file; unknown keys are an error.
    #[arg(long, env = "GATEHOUSE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Database URL, `sqlite://PATH` or `postgres://...` [default: sqlite in the data dir].
    #[arg(long, env = "GATEHOUSE_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// HTTP listen address [default: 127.0.0.1:8080].
    #[arg(long, env = "GATEHOUSE_HTTP")]
    pub http: Option<SocketAddr>,
    /// gRPC listen address [default: 127.0.0.1:50051].
    #[arg(long, env = "GATEHOUSE_GRPC")]
    pub grpc: Option<SocketAddr>,
    /// Issuer identifier for tokens and metadata [default: http://<http address>].
    #[arg(long, env = "GATEHOUSE_ISSUER")]
    pub issuer: Option<String>,
    /// The `aud` of every access token [default: the issuer].
    #[arg(long, env = "GATEHOUSE_AUDIENCE")]
    pub audience: Option<String>,
    /// Lifetime of access tokens from the token endpoint, in seconds [default: 3600].
    #[arg(long, env = "GATEHOUSE_ACCESS_TOKEN_TTL")]
    pub access_token_ttl: Option<u64>,
    /// How long verifiers may cache the JWKS, in seconds [default: 300].
    #[arg(long, env = "GATEHOUSE_JWKS_MAX_AGE")]
    pub jwks_max_age: Option<u64>,
    /// Run one part alone.
    #[arg(long, value_enum, env = "GATEHOUSE_ONLY")]
    pub only: Option<Part>,
    /// Key encryption key file [default: <data dir>/kek, created on first start]. The
    /// GATEHOUSE_KEK variable holds the key itself instead.
    #[arg(long, env = "GATEHOUSE_KEK_FILE")]
    pub kek_file: Option<PathBuf>,
    /// Do not apply database migrations on start.
    #[arg(long)]
    pub no_migrate: bool,
    /// Seconds to let in-flight requests finish after SIGINT or SIGTERM [default: 10].
    #[arg(long, env = "GATEHOUSE_SHUTDOWN_GRACE")]
    pub shutdown_grace: Option<u64>,
}

/// `gatehouse tenant ...`.
#[derive(Debug, Subcommand)]
pub enum TenantCommand {
    /// Create a tenant and its first admin app.
    Create {
        /// Display name, unique across the platform.
        name: String,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List every tenant.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Show one tenant.
    Get {
        /// The tenant id (`ten_...`).
        id: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

/// `gatehouse scope ...`.
#[derive(Debug, Subcommand)]
pub enum ScopeCommand {
    /// Add a requestable scope to the catalog.
    Add {
        /// The scope, e.g. `reports:read`.
        name: String,
        /// What it allows.
        #[arg(long)]
        description: String,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the requestable catalog.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// `gatehouse keys ...`.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Promote the next key to active, retire the active one, publish a new next key.
    Rotate {
        /// Rotate even if the next key was published less than a JWKS cache lifetime ago.
        #[arg(long)]
        force: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List published signing keys and their state.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
