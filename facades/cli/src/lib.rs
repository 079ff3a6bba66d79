//! The `gatehouse` command: `serve` wires the core and the REST facade together; the other
//! subcommands are gRPC clients of the core, authenticated as an operator.

pub mod cli;
pub mod client;
pub mod config;
pub mod keys;
pub mod output;
pub mod scope;
pub mod serve;
pub mod telemetry;
pub mod tenant;
