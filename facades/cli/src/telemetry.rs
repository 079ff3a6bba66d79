//! Structured logs on stderr: text or JSON, Gatehouse at the chosen level, dependencies at warn.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;
use crate::config::LogSettings;

const OUR_CRATES: &[&str] = &[
    "gatehouse_core",
    "gatehouse_rest",
    "gatehouse_cli",
    "gatehouse_proto",
];

/// Installs the global subscriber. `RUST_LOG`, when set, replaces the filter entirely.
pub fn init(settings: &LogSettings) -> Result<(), String> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(directives) if !directives.is_empty() => EnvFilter::try_new(directives),
        _ => EnvFilter::try_new(directives(&settings.level)),
    }
    .map_err(|err| format!("invalid log level: {err}"))?;

    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());
    let installed = match settings.format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
    };
    installed.map_err(|err| format!("cannot install the logger: {err}"))
}

fn directives(level: &str) -> String {
    let mut out = String::from("warn");
    for krate in OUR_CRATES {
        out.push_str(&format!(",{krate}={level}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::directives;

    #[test]
    fn the_level_applies_to_our_crates_only() {
        let text = directives("debug");
        assert!(text.starts_with("warn,"));
        assert!(text.contains("gatehouse_core=debug"));
        assert!(tracing_subscriber::EnvFilter::try_new(text).is_ok());
    }
}
