//! The `gatehouse` binary: parse arguments, hand over to the command.

use std::process::ExitCode;

use clap::Parser;
use gatehouse_cli::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => gatehouse_cli::serve::main(args, cli.client, cli.log).await,
            Command::Tenant(command) => gatehouse_cli::tenant::main(command, cli.client).await,
            Command::Scope(command) => gatehouse_cli::scope::main(command, cli.client).await,
            Command::Keys(command) => gatehouse_cli::keys::main(command, cli.client).await,
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
