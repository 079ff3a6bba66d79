//! One report per scenario, printed as a table row or a JSON object.

use std::io::Write;

use anyhow::Context;

use crate::load::Measurement;
use crate::stats::{self, Percentiles};

/// Column headings of the text table.
const HEADER: [&str; 8] = [
    "scenario", "requests", "errors", "rps", "p50_ms", "p90_ms", "p99_ms", "max_ms",
];

/// What one scenario measured. `requests` counts successes only; latencies are theirs.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    scenario: &'static str,
    requests: usize,
    errors: u64,
    http_errors: u64,
    transport_errors: u64,
    seconds: f64,
    rps: f64,
    p50_ms: Option<f64>,
    p90_ms: Option<f64>,
    p99_ms: Option<f64>,
    max_ms: Option<f64>,
    first_error: Option<String>,
}

impl Report {
    /// The report of `scenario` from what the load generator saw.
    pub fn new(scenario: &'static str, measurement: Measurement) -> Report {
        let requests = measurement.latencies_us.len();
        let percentiles = Percentiles::of(measurement.latencies_us);
        let ms =
            |pick: fn(&Percentiles) -> u32| percentiles.as_ref().map(|p| stats::millis(pick(p)));
        Report {
            scenario,
            requests,
            errors: measurement.http_errors + measurement.transport_errors,
            http_errors: measurement.http_errors,
            transport_errors: measurement.transport_errors,
            seconds: measurement.elapsed.as_secs_f64(),
            rps: stats::per_second(requests, measurement.elapsed),
            p50_ms: ms(|p| p.p50),
            p90_ms: ms(|p| p.p90),
            p99_ms: ms(|p| p.p99),
            max_ms: ms(|p| p.max),
            first_error: measurement.first_error,
        }
    }

    /// Whether not one request succeeded.
    pub fn all_failed(&self) -> bool {
        self.requests == 0
    }

    fn row(&self) -> [String; 8] {
        let ms = |value: Option<f64>| value.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
        [
            self.scenario.to_owned(),
            self.requests.to_string(),
            self.errors.to_string(),
            format!("{:.1}", self.rps),
            ms(self.p50_ms),
            ms(self.p90_ms),
            ms(self.p99_ms),
            ms(self.max_ms),
        ]
    }

    fn error_note(&self) -> Option<String> {
        let first = self.first_error.as_deref()?;
        Some(format!(
            "{}: {} errors ({} http, {} transport); first: {first}",
            self.scenario, self.errors, self.http_errors, self.transport_errors
        ))
    }
}

/// Prints `reports` on stdout, as a table or one JSON object a line; in a table, each
/// scenario's first error follows on stderr.
pub fn print(reports: &[Report], json: bool) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        for report in reports {
            let line = serde_json::to_string(report).context("Failed to encode a report")?;
            writeln!(out, "{line}").context("Failed to write the report")?;
        }
        return Ok(());
    }

    let rows: Vec<[String; 8]> = reports.iter().map(Report::row).collect();
    write!(out, "{}", table(&rows)).context("Failed to write the report")?;
    for note in reports.iter().filter_map(Report::error_note) {
        eprintln!("{note}");
    }
    Ok(())
}

/// The header and `rows`, the first column left-aligned and the numbers right-aligned.
fn table(rows: &[[String; 8]]) -> String {
    let header = HEADER.map(str::to_owned);
    let mut widths = header.clone().map(|cell| cell.len());
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }

    let mut text = String::new();
    for row in std::iter::once(&header).chain(rows) {
        let mut cells = row.iter().zip(widths);
        if let Some((name, width)) = cells.next() {
            text.push_str(&format!("{name:<width$}"));
        }
        for (cell, width) in cells {
            text.push_str(&format!("  {cell:>width$}"));
        }
        text.push('\n');
    }
    text
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn measurement(latencies_us: Vec<u32>, http_errors: u64) -> Measurement {
        Measurement {
            latencies_us,
            http_errors,
            transport_errors: 0,
            first_error: (http_errors > 0).then(|| "HTTP 404 Not Found: {}".to_owned()),
            elapsed: Duration::from_secs(2),
        }
    }

    #[test]
    fn a_table_row_lines_up_under_its_header() {
        let report = Report::new("jwks", measurement(vec![1_000, 2_000, 3_000, 4_000], 1));

        let text = table(&[report.row()]);

        assert_eq!(
            text,
            "scenario  requests  errors  rps  p50_ms  p90_ms  p99_ms  max_ms\n\
             jwks             4       1  2.0   2.000   4.000   4.000   4.000\n"
        );
    }

    #[test]
    fn a_scenario_where_every_request_failed_says_so() {
        let report = Report::new("token", measurement(Vec::new(), 7));

        assert!(report.all_failed());
        assert_eq!(report.row()[4], "-");
        assert_eq!(
            report.error_note().unwrap(),
            "token: 7 errors (7 http, 0 transport); first: HTTP 404 Not Found: {}"
        );
    }
}
