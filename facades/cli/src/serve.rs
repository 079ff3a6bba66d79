//! `gatehouse serve`: the core and the REST facade in one process, or one part alone.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use axum::Router;
use gatehouse_core::clock::{SharedClock, SystemClock};
use gatehouse_core::service::tokens::TokenProfile;
use gatehouse_core::{Core, CoreConfig};
use gatehouse_proto::channel::{self, CoreClient};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::cli::{ClientArgs, LogArgs, Part, ServeArgs};
use crate::config::{Settings, Sources};
use crate::telemetry;

/// Entry point of `gatehouse serve`: configure, start, run until SIGINT or SIGTERM.
pub async fn main(args: ServeArgs, client: ClientArgs, log: LogArgs) -> anyhow::Result<()> {
    let sources = Sources::from_environment(&args)?;
    let settings = Settings::resolve(&args, &client, &log, sources)?;
    telemetry::init(&settings.log).map_err(anyhow::Error::msg)?;

    let server = Server::start(settings, Arc::new(SystemClock)).await?;
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    server.run(shutdown).await
}

/// A started server: listeners bound, core ready, not yet accepting.
pub struct Server {
    settings: Settings,
    core: Option<Arc<Core>>,
    grpc: Option<TcpListener>,
    http: Option<(TcpListener, Router)>,
}

impl Server {
    /// Starts the parts `settings` asks for and binds their listeners.
    pub async fn start(settings: Settings, clock: SharedClock) -> anyhow::Result<Server> {
        let started = Instant::now();
        let http_listener = match settings.only {
            Some(Part::Core) => None,
            _ => Some(bind(settings.http, "HTTP").await?),
        };
        let (core, grpc) = match settings.only {
            Some(Part::Rest) => (None, None),
            _ => {
                let http = match &http_listener {
                    Some(listener) => listener.local_addr()?,
                    None => settings.http,
                };
                let core = start_core(&settings, http, clock).await?;
                let listener = bind(settings.grpc, "gRPC").await?;
                (Some(Arc::new(core)), Some(listener))
            }
        };
        let http = match http_listener {
            None => None,
            Some(listener) => {
                let channel = match (&core, &settings.core_url) {
                    (Some(core), _) => core.channel(),
                    (None, Some(url)) => channel::connect_lazy(url)?,
                    (None, None) => anyhow::bail!("the REST facade needs a core"),
                };
                Some((listener, gatehouse_rest::router(CoreClient::new(channel))))
            }
        };
        let server = Server {
            settings,
            core,
            grpc,
            http,
        };
        tracing::info!(
            http = %display_addr(server.http_addr()),
            grpc = %display_addr(server.grpc_addr()),
            elapsed_ms = started.elapsed().as_millis(),
            "gatehouse is ready"
        );
        Ok(server)
    }

    /// Where the REST facade listens, if this process runs it.
    pub fn http_addr(&self) -> Option<SocketAddr> {
        self.http
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
    }

    /// Where the core listens for gRPC, if this process runs it.
    pub fn grpc_addr(&self) -> Option<SocketAddr> {
        self.grpc
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    /// Serves until `shutdown` is cancelled (or a listener fails), then lets in-flight requests
    /// finish within the grace period.
    pub async fn run(self, shutdown: CancellationToken) -> anyhow::Result<()> {
        let mut tasks = JoinSet::new();
        if let (Some(core), Some(listener)) = (self.core.clone(), self.grpc) {
            let stop = shutdown.clone().cancelled_owned();
            tasks.spawn(async move { core.serve(listener, stop).await.context("gRPC server") });
        }
        if let Some((listener, router)) = self.http {
            let stop = shutdown.clone().cancelled_owned();
            tasks.spawn(async move {
                let service = router.into_make_service_with_connect_info::<SocketAddr>();
                axum::serve(listener, service)
                    .with_graceful_shutdown(stop)
                    .await
                    .context("HTTP server")
            });
        }

        let failure = tokio::select! {
            () = shutdown.cancelled() => None,
            Some(joined) = tasks.join_next() => Some(flatten(joined)),
        };
        shutdown.cancel();
        tracing::info!(
            grace_secs = self.settings.shutdown_grace.as_secs(),
            "shutting down"
        );

        let drained = tokio::time::timeout(self.settings.shutdown_grace, async {
            while let Some(joined) = tasks.join_next().await {
                if let Err(err) = flatten(joined) {
                    tracing::warn!(error = %err, "server stopped with an error");
                }
            }
        })
        .await;
        if drained.is_err() {
            tracing::warn!("grace period over, cutting in-flight requests");
            tasks.abort_all();
        }
        if let Some(core) = &self.core {
            core.close().await;
        }
        tracing::info!("stopped");
        match failure {
            Some(Err(err)) => Err(err),
            _ => Ok(()),
        }
    }
}

/// Starts the core. Without a configured issuer, tokens name the REST facade's address.
async fn start_core(
    settings: &Settings,
    http: SocketAddr,
    clock: SharedClock,
) -> anyhow::Result<Core> {
    let issuer = settings.issuer_for(http);
    tracing::info!(
        data_dir = %settings.data_dir.display(),
        database = %settings.database_display(),
        issuer = %issuer,
        "starting the core"
    );
    if settings.issuer.is_none() && (http.ip().is_unspecified() || settings.only.is_some()) {
        tracing::warn!(%issuer, "no --issuer set: tokens name an address clients may not use");
    }
    let config = CoreConfig {
        tokens: TokenProfile {
            audience: settings.audience_for(&issuer),
            issuer,
            access_ttl: chrono_duration(settings.access_token_ttl),
        },
        jwks_max_age: chrono_duration(settings.jwks_max_age),
        data_dir: settings.data_dir.clone(),
        database_url: settings.database_url.expose().to_owned(),
        kek: settings.kek.clone(),
        migrate: settings.migrate,
    };
    Core::start(config, clock)
        .await
        .context("starting the core")
}

async fn bind(addr: SocketAddr, what: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen for {what} on {addr}"))
}

fn chrono_duration(duration: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

fn display_addr(addr: Option<SocketAddr>) -> String {
    addr.map_or_else(|| "off".to_owned(), |addr| addr.to_string())
}

fn flatten(joined: Result<anyhow::Result<()>, tokio::task::JoinError>) -> anyhow::Result<()> {
    joined.context("server task panicked")?
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => tracing::info!(signal = "SIGINT", "signal received"),
        () = terminate => tracing::info!(signal = "SIGTERM", "signal received"),
    }
    shutdown.cancel();
}
