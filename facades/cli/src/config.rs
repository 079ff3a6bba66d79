//! Server configuration: defaults, then a TOML file, then `GATEHOUSE_*` variables, then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use gatehouse_core::secret::Secret;
use gatehouse_core::{KEK_FILE, KekSource};
use serde::Deserialize;

use crate::cli::{ClientArgs, LogArgs, LogFormat, Part, ServeArgs};

/// Default data directory, relative to where the server starts.
pub const DEFAULT_DATA_DIR: &str = "gatehouse-data";
/// Default HTTP listen address.
pub const DEFAULT_HTTP: &str = "127.0.0.1:8080";
/// Default gRPC listen address.
pub const DEFAULT_GRPC: &str = "127.0.0.1:50051";
/// Environment variable holding the key encryption key itself.
pub const KEK_ENV: &str = "GATEHOUSE_KEK";

const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 10;

/// Why the configuration cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The config file cannot be read.
    #[error("config file {path}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The config file is not valid TOML or has unknown keys.
    #[error("config file {path}: {message}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message, naming the key.
        message: String,
    },
    /// A value is out of range or inconsistent with another.
    #[error("{0}")]
    Invalid(String),
}

/// The config file. Every key is optional; unknown keys are an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    http: Option<SocketAddr>,
    grpc: Option<SocketAddr>,
    issuer: Option<String>,
    audience: Option<String>,
    access_token_ttl_secs: Option<u64>,
    jwks_max_age_secs: Option<u64>,
    only: Option<Part>,
    core_url: Option<String>,
    kek_file: Option<PathBuf>,
    migrate: Option<bool>,
    shutdown_grace_secs: Option<u64>,
    log_format: Option<LogFormat>,
    log_level: Option<String>,
}

impl FileConfig {
    /// Reads and parses `path`.
    pub fn load(path: &Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        FileConfig::parse(&text).map_err(|message| ConfigError::Parse {
            path: path.display().to_string(),
            message,
        })
    }

    fn parse(text: &str) -> Result<FileConfig, String> {
        toml::from_str(text).map_err(|err| err.message().to_owned())
    }
}

/// Log settings, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogSettings {
    /// Line format.
    pub format: LogFormat,
    /// Level of Gatehouse's own logs.
    pub level: String,
}

/// Everything `gatehouse serve` runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Data directory (absolute).
    pub data_dir: PathBuf,
    /// Database URL; may hold a password, so log [`Settings::database_display`] instead.
    pub database_url: Secret,
    /// HTTP listen address.
    pub http: SocketAddr,
    /// gRPC listen address.
    pub grpc: SocketAddr,
    /// Issuer identifier, if configured; see [`Settings::issuer_for`].
    pub issuer: Option<String>,
    /// Audience of access tokens, if configured; the issuer otherwise.
    pub audience: Option<String>,
    /// Lifetime of access tokens.
    pub access_token_ttl: Duration,
    /// How long verifiers may cache the JWKS.
    pub jwks_max_age: Duration,
    /// The part to run alone, if any.
    pub only: Option<Part>,
    /// The core a lone REST facade talks to.
    pub core_url: Option<String>,
    /// The key encryption key.
    pub kek: KekSource,
    /// Apply migrations on start.
    pub migrate: bool,
    /// Grace period for in-flight requests at shutdown.
    pub shutdown_grace: Duration,
    /// Logging.
    pub log: LogSettings,
}

/// The layers below the flags: a config file and one variable that has no flag.
#[derive(Debug, Default)]
pub struct Sources {
    /// The parsed config file, if one was given.
    pub file: FileConfig,
    /// `GATEHOUSE_KEK`, if set.
    pub kek_env: Option<Secret>,
    /// The directory relative paths are resolved against.
    pub cwd: PathBuf,
}

impl Sources {
    /// Reads the config file named by the arguments and the process environment.
    pub fn from_environment(args: &ServeArgs) -> Result<Sources, ConfigError> {
        let file = match &args.config {
            Some(path) => FileConfig::load(path)?,
            None => FileConfig::default(),
        };
        let kek_env = std::env::var(KEK_ENV)
            .ok()
            .filter(|v| !v.is_empty())
            .map(Secret::new);
        let cwd = std::env::current_dir()
            .map_err(|err| ConfigError::Invalid(format!("current directory: {err}")))?;
        Ok(Sources { file, kek_env, cwd })
    }
}

impl Settings {
    /// Resolves flags and environment (already merged by clap) over the file over defaults.
    pub fn resolve(
        args: &ServeArgs,
        client: &ClientArgs,
        log: &LogArgs,
        sources: Sources,
    ) -> Result<Settings, ConfigError> {
        let Sources { file, kek_env, cwd } = sources;
        let data_dir = cwd.join(pick(
            client.data_dir.clone(),
            file.data_dir,
            DEFAULT_DATA_DIR.into(),
        ));
        let http = pick(args.http, file.http, parse_addr(DEFAULT_HTTP)?);
        let grpc = pick(args.grpc, file.grpc, parse_addr(DEFAULT_GRPC)?);
        let database_url = args
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("gatehouse.db").display()));
        let issuer = args.issuer.clone().or(file.issuer);
        let kek = match kek_env {
            Some(value) => KekSource::Inline(value),
            None => KekSource::File(
                args.kek_file
                    .clone()
                    .or(file.kek_file)
                    .map(|path| cwd.join(path))
                    .unwrap_or_else(|| data_dir.join(KEK_FILE)),
            ),
        };
        let issuer = issuer.as_deref().map(validate_issuer).transpose()?;
        let audience = args.audience.clone().or(file.audience);
        let access_token_ttl = pick(args.access_token_ttl, file.access_token_ttl_secs, 3600);
        let jwks_max_age = pick(args.jwks_max_age, file.jwks_max_age_secs, 300);
        if !(60..=86_400).contains(&access_token_ttl) {
            return Err(ConfigError::Invalid(
                "access token lifetime must be between 60 and 86400 seconds".into(),
            ));
        }
        if jwks_max_age > 86_400 {
            return Err(ConfigError::Invalid(
                "JWKS max age must be at most 86400 seconds".into(),
            ));
        }
        let settings = Settings {
            database_url: Secret::new(database_url),
            audience,
            access_token_ttl: Duration::from_secs(access_token_ttl),
            jwks_max_age: Duration::from_secs(jwks_max_age),
            issuer,
            only: args.only.or(file.only),
            core_url: client.core_url.clone().or(file.core_url),
            migrate: !args.no_migrate && file.migrate.unwrap_or(true),
            shutdown_grace: Duration::from_secs(pick(
                args.shutdown_grace,
                file.shutdown_grace_secs,
                DEFAULT_SHUTDOWN_GRACE_SECS,
            )),
            log: LogSettings {
                format: pick(log.log_format, file.log_format, LogFormat::Text),
                level: pick(log.log_level.clone(), file.log_level, "info".to_owned()),
            },
            data_dir,
            http,
            grpc,
            kek,
        };
        settings.check()
    }

    fn check(self) -> Result<Settings, ConfigError> {
        if self.only == Some(Part::Rest) && self.core_url.is_none() {
            return Err(ConfigError::Invalid(
                "--only rest needs --core-url (or GATEHOUSE_CORE_URL) naming the core".into(),
            ));
        }
        let url = self.database_url.expose();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::Invalid(
                "database URL must start with sqlite:// or postgres://".into(),
            ));
        }
        Ok(self)
    }

    /// The issuer: the configured one, or `http://` and the address the REST facade listens on.
    pub fn issuer_for(&self, http: SocketAddr) -> String {
        self.issuer
            .clone()
            .unwrap_or_else(|| format!("http://{http}"))
    }

    /// The audience of access tokens: the configured one, or the issuer.
    pub fn audience_for(&self, issuer: &str) -> String {
        self.audience.clone().unwrap_or_else(|| issuer.to_owned())
    }

    /// The database URL without its password, fit for a log line.
    pub fn database_display(&self) -> String {
        redact_url(self.database_url.expose())
    }
}

fn pick<T>(flag_or_env: Option<T>, file: Option<T>, default: T) -> T {
    flag_or_env.or(file).unwrap_or(default)
}

fn parse_addr(text: &str) -> Result<SocketAddr, ConfigError> {
    text.parse()
        .map_err(|_| ConfigError::Invalid(format!("bad address {text}")))
}

/// An issuer is an `https` URL, or `http` for development, with no query or fragment
/// (RFC 8414 §2); a trailing slash is dropped so `iss` compares exactly.
fn validate_issuer(issuer: &str) -> Result<String, ConfigError> {
    let invalid = |why: &str| ConfigError::Invalid(format!("issuer {issuer:?}: {why}"));
    let parsed = url::Url::parse(issuer).map_err(|_| invalid("not an absolute URL"))?;
    if !matches!(parsed.scheme(), "https" | "http") {
        return Err(invalid("must be https (or http for development)"));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("must have no query or fragment"));
    }
    Ok(issuer.trim_end_matches('/').to_owned())
}

/// `url` with any password replaced by `***`.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        Err(_) => "<unparseable URL>".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(args: ServeArgs, client: ClientArgs, file: &str) -> Result<Settings, ConfigError> {
        let sources = Sources {
            file: FileConfig::parse(file).map_err(ConfigError::Invalid)?,
            kek_env: None,
            cwd: PathBuf::from("/srv"),
        };
        let log = LogArgs {
            log_format: None,
            log_level: None,
        };
        Settings::resolve(&args, &client, &log, sources)
    }

    fn no_client() -> ClientArgs {
        ClientArgs {
            core_url: None,
            data_dir: None,
        }
    }

    #[test]
    fn with_nothing_set_the_defaults_apply() {
        let settings = resolve(ServeArgs::default(), no_client(), "").unwrap();
        assert_eq!(settings.data_dir, PathBuf::from("/srv/gatehouse-data"));
        assert_eq!(settings.http.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.grpc.to_string(), "127.0.0.1:50051");
        assert_eq!(
            settings.database_url.expose(),
            "sqlite:///srv/gatehouse-data/gatehouse.db"
        );
        assert_eq!(settings.issuer_for(settings.http), "http://127.0.0.1:8080");
        assert_eq!(
            settings.audience_for("http://127.0.0.1:8080"),
            "http://127.0.0.1:8080"
        );
        assert!(
            matches!(settings.kek, KekSource::File(ref p) if p == Path::new("/srv/gatehouse-data/kek"))
        );
        assert!(settings.migrate);
        assert_eq!(settings.shutdown_grace, Duration::from_secs(10));
        assert_eq!(settings.log.format, LogFormat::Text);
    }

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let file = r#"
            http = "127.0.0.1:9000"
            grpc = "127.0.0.1:9001"
            issuer = "https://auth.example.com/"
            log_format = "json"
            migrate = false
        "#;
        let args = ServeArgs {
            http: Some("0.0.0.0:7000".parse().unwrap()),
            ..ServeArgs::default()
        };
        let settings = resolve(args, no_client(), file).unwrap();
        assert_eq!(settings.http.to_string(), "0.0.0.0:7000");
        assert_eq!(settings.grpc.to_string(), "127.0.0.1:9001");
        assert_eq!(
            settings.issuer_for(settings.http),
            "https://auth.example.com"
        );
        assert_eq!(settings.log.format, LogFormat::Json);
        assert!(!settings.migrate);
    }

    #[test]
    fn an_unknown_key_in_the_file_is_an_error_that_names_it() {
        let err = FileConfig::parse("htpp = \"127.0.0.1:1\"").unwrap_err();
        assert!(err.contains("htpp"), "{err}");
    }

    #[test]
    fn a_lone_rest_facade_needs_a_core_url() {
        let args = ServeArgs {
            only: Some(Part::Rest),
            ..ServeArgs::default()
        };
        assert!(resolve(args.clone(), no_client(), "").is_err());
        let client = ClientArgs {
            core_url: Some("http://127.0.0.1:50051".into()),
            data_dir: None,
        };
        assert!(resolve(args, client, "").is_ok());
    }

    #[test]
    fn bad_issuers_and_database_urls_are_refused() {
        assert!(resolve(ServeArgs::default(), no_client(), "issuer = \"ftp://x\"").is_err());
        assert!(
            resolve(
                ServeArgs::default(),
                no_client(),
                "issuer = \"https://x/?a=1\""
            )
            .is_err()
        );
        assert!(
            resolve(
                ServeArgs::default(),
                no_client(),
                "database_url = \"mysql://x\""
            )
            .is_err()
        );
    }

    #[test]
    fn passwords_never_reach_the_display_form() {
        let shown = redact_url("postgres://gate:hunter2@db.internal:5432/gatehouse");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("db.internal"));
    }
}
