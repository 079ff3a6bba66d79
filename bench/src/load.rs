//! The load generator: workers on kept-alive connections, a warm-up, then a measured period.
//! Each worker owns one HTTP/1.1 connection, as wrk does, so that no pool is shared.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::task::JoinSet;

use crate::scenario::{Rejection, Scenario};

/// A response slower than this counts as a transport error, so a stuck server ends the run.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Latency samples a worker makes room for up front.
const SAMPLES_RESERVED: usize = 16 * 1024;

/// How hard and how long to load the server.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    /// Workers, each with one request in flight.
    pub concurrency: u32,
    /// Load before measuring.
    pub warmup: Duration,
    /// Load measured.
    pub duration: Duration,
}

/// What the server answered during the measured period.
///
/// A response counts when it arrives after the warm-up; workers send no request after the
/// measured period, and `elapsed` runs to the last response counted.
#[derive(Debug)]
pub struct Measurement {
    /// Latency of each success, in microseconds, unordered. Failures are left out.
    pub latencies_us: Vec<u32>,
    /// Responses that arrived but were not a success.
    pub http_errors: u64,
    /// Requests that got no response: connection failures, resets, timeouts.
    pub transport_errors: u64,
    /// The earliest failure, described once.
    pub first_error: Option<String>,
    /// From the end of the warm-up to the last response counted.
    pub elapsed: Duration,
}

/// Loads the server with `scenario` as `plan` says.
pub async fn run(scenario: Arc<Scenario>, plan: Plan) -> anyhow::Result<Measurement> {
    let measure_from = Instant::now() + plan.warmup;
    let window = Window {
        measure_from,
        stop_at: measure_from + plan.duration,
    };

    let mut workers = JoinSet::new();
    for _ in 0..plan.concurrency {
        workers.spawn(worker(Arc::clone(&scenario), window));
    }
    let mut tally = Tally::default();
    while let Some(joined) = workers.join_next().await {
        tally.merge(joined.context("Failed to run a load worker")?);
    }

    let elapsed = tally.last_response.map_or(plan.duration, |last| {
        last.saturating_duration_since(measure_from)
    });
    Ok(Measurement {
        latencies_us: tally.latencies_us,
        http_errors: tally.http_errors,
        transport_errors: tally.transport_errors,
        first_error: tally.first_error.map(|(_, description)| description),
        elapsed,
    })
}

#[derive(Debug, Clone, Copy)]
struct Window {
    measure_from: Instant,
    stop_at: Instant,
}

async fn worker(scenario: Arc<Scenario>, window: Window) -> Tally {
    let mut tally = Tally::with_room();
    let mut connection = Connection::default();
    loop {
        let sent = Instant::now();
        if sent >= window.stop_at {
            return tally;
        }

        let exchange = connection.exchange(&scenario);
        let outcome = tokio::time::timeout(REQUEST_TIMEOUT, exchange)
            .await
            .unwrap_or_else(|_| Err(Failure::Transport(timed_out())));
        let received = Instant::now();

        if matches!(outcome, Err(Failure::Transport(_))) {
            connection.close();
        }
        if received >= window.measure_from {
            tally.record(outcome, sent, received);
        }
    }
}

/// A worker's connection, opened on first use and again after a transport failure.
#[derive(Default)]
struct Connection {
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Connection {
    async fn exchange(&mut self, scenario: &Scenario) -> Result<(), Failure> {
        let sender = self.ready(scenario.address()).await?;
        let response = sender
            .send_request(scenario.request())
            .await
            .map_err(transport)?;
        let status = response.status();

        let body = response
            .into_body()
            .collect()
            .await
            .map_err(transport)?
            .to_bytes();
        scenario.judge(status, &body).map_err(Failure::Rejected)
    }

    async fn ready(&mut self, address: &str) -> Result<&mut SendRequest<Full<Bytes>>, Failure> {
        let sender = match self.sender.take() {
            Some(sender) if !sender.is_closed() => sender,
            _ => open(address).await?,
        };
        let sender = self.sender.insert(sender);
        sender.ready().await.map_err(transport)?;
        Ok(sender)
    }

    fn close(&mut self) {
        self.sender = None;
    }
}

async fn open(address: &str) -> Result<SendRequest<Full<Bytes>>, Failure> {
    let stream = tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(address))
        .await
        .map_err(|_| Failure::Transport(format!("no connection within {CONNECT_TIMEOUT:?}")))?
        .map_err(transport)?;
    stream.set_nodelay(true).map_err(transport)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(transport)?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Why one request was not a success.
enum Failure {
    Rejected(Rejection),
    Transport(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Rejected(rejection) => rejection.fmt(f),
            Failure::Transport(description) => write!(f, "transport: {description}"),
        }
    }
}

fn transport(err: impl std::error::Error) -> Failure {
    Failure::Transport(error_chain(&err))
}

fn timed_out() -> String {
    format!("no response within {} s", REQUEST_TIMEOUT.as_secs())
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut description = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        description.push_str(": ");
        description.push_str(&cause.to_string());
        source = cause.source();
    }
    description
}

/// One worker's counts; merged into one at the end.
#[derive(Default)]
struct Tally {
    latencies_us: Vec<u32>,
    http_errors: u64,
    transport_errors: u64,
    first_error: Option<(Instant, String)>,
    last_response: Option<Instant>,
}

impl Tally {
    fn with_room() -> Tally {
        Tally {
            latencies_us: Vec::with_capacity(SAMPLES_RESERVED),
            ..Tally::default()
        }
    }

    fn record(&mut self, outcome: Result<(), Failure>, sent: Instant, received: Instant) {
        self.last_response = Some(received);
        let failure = match outcome {
            Ok(()) => {
                let micros = received.duration_since(sent).as_micros();
                self.latencies_us
                    .push(u32::try_from(micros).unwrap_or(u32::MAX));
                return;
            }
            Err(failure) => failure,
        };

        match failure {
            Failure::Rejected(_) => self.http_errors += 1,
            Failure::Transport(_) => self.transport_errors += 1,
        }
        if self.first_error.is_none() {
            self.first_error = Some((received, failure.to_string()));
        }
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend_from_slice(&other.latencies_us);
        self.http_errors += other.http_errors;
        self.transport_errors += other.transport_errors;
        self.last_response = self.last_response.max(other.last_response);
        if let Some((at, description)) = other.first_error
            && self
                .first_error
                .as_ref()
                .is_none_or(|(first, _)| at < *first)
        {
            self.first_error = Some((at, description));
        }
    }
}
