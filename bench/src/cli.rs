//! Command-line arguments.

use clap::{Args, Parser, Subcommand};

/// Load benchmark for a running Gatehouse server: requests per second and latency percentiles.
#[derive(Debug, Parser)]
#[command(name = "gatehouse-bench", version, about)]
pub struct Cli {
    /// How hard and how long to load the server.
    #[command(flatten)]
    pub load: LoadArgs,
    /// The scenario to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Scenarios.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Client-credentials token requests: POST /v1/oauth/token.
    Token(TokenArgs),
    /// Signing-key set requests: GET /.well-known/jwks.json.
    Jwks(JwksArgs),
    /// The token scenario, then the jwks scenario.
    All {
        /// The token scenario.
        #[command(flatten)]
        token: TokenArgs,
        /// The jwks scenario.
        #[command(flatten)]
        jwks: JwksArgs,
    },
}

/// Settings shared by every scenario.
#[derive(Debug, Clone, Args)]
pub struct LoadArgs {
    /// Base URL of the server's HTTP surface (plain http).
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Requests in flight at once, one worker and one kept-alive connection each.
    #[arg(long, global = true, default_value_t = 32, value_parser = clap::value_parser!(u32).range(1..))]
    pub concurrency: u32,
    /// Seconds measured, after the warm-up.
    #[arg(long, global = true, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    pub duration: u64,
    /// Seconds of load before measuring, so connections and caches are warm.
    #[arg(long, global = true, default_value_t = 2)]
    pub warmup: u64,
    /// Runtime worker threads; the default leaves a core to a server on the same machine.
    #[arg(long, global = true, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: u16,
    /// Print one JSON object per scenario instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

/// The client presenting its credentials to the token endpoint.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// The client id (`app_...`).
    #[arg(long)]
    pub client_id: String,
    /// The client secret; prefer the variable, which keeps it out of the process list.
    #[arg(long, env = "GATEHOUSE_BENCH_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: ClientSecret,
    /// Scope to request, space-separated [default: none, the server's default].
    #[arg(long)]
    pub scope: Option<String>,
}

/// Where the signing-key set is published.
#[derive(Debug, Clone, Args)]
pub struct JwksArgs {
    /// Path of the key set on the server.
    #[arg(long, default_value = "/.well-known/jwks.json")]
    pub path: String,
}

/// A client secret; its `Debug` prints `***`.
#[derive(Clone)]
pub struct ClientSecret(String);

impl ClientSecret {
    /// The value itself, for the one place that encodes it into a header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for ClientSecret {
    fn from(value: String) -> ClientSecret {
        ClientSecret(value)
    }
}

impl std::fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn common_flags_may_follow_the_scenario_and_the_secret_never_prints() {
        let cli = Cli::try_parse_from([
            "gatehouse-bench",
            "token",
            "--client-id",
            "app_1",
            "--client-secret",
            "gcs_very-secret",
            "--concurrency",
            "4",
        ])
        .unwrap();

        assert_eq!(cli.load.concurrency, 4);
        assert!(!format!("{cli:?}").contains("gcs_very-secret"));
    }
}
