//! The `gatehouse-bench` binary: parse arguments, run each scenario, print the reports.

mod cli;
mod load;
mod report;
mod scenario;
mod stats;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::load::Plan;
use crate::report::Report;
use crate::scenario::Scenario;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(usize::from(cli.load.threads))
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };

    let json = cli.load.json;
    let outcome = runtime
        .block_on(run(cli))
        .and_then(|reports| report::print(&reports, json).map(|()| reports));
    match outcome {
        Ok(reports) if reports.iter().any(Report::all_failed) => ExitCode::FAILURE,
        Ok(_) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<Vec<Report>> {
    let plan = Plan {
        concurrency: cli.load.concurrency,
        warmup: Duration::from_secs(cli.load.warmup),
        duration: Duration::from_secs(cli.load.duration),
    };

    let mut reports = Vec::new();
    for scenario in scenarios(&cli)? {
        eprintln!(
            "{}: {} connections, {} s warm-up, {} s measured",
            scenario.name, plan.concurrency, cli.load.warmup, cli.load.duration
        );
        let name = scenario.name;
        let measurement = load::run(Arc::new(scenario), plan).await?;
        reports.push(Report::new(name, measurement));
    }
    Ok(reports)
}

fn scenarios(cli: &Cli) -> anyhow::Result<Vec<Scenario>> {
    let url = &cli.load.url;
    Ok(match &cli.command {
        Command::Token(token) => vec![Scenario::token(url, token)?],
        Command::Jwks(jwks) => vec![Scenario::jwks(url, jwks)?],
        Command::All { token, jwks } => {
            vec![Scenario::token(url, token)?, Scenario::jwks(url, jwks)?]
        }
    })
}
