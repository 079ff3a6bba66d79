//! `grpc.health.v1`: serving when the database answers now and the keys are loaded.

use std::time::Duration;

use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_server::{Health, HealthServer};
use tonic_health::pb::{HealthCheckRequest, HealthCheckResponse};

use crate::storage::Store;

/// Service names a health check may ask about; the empty name is the whole server.
const KNOWN_SERVICES: &[&str] = &[
    "",
    "gatehouse.v1.TenantService",
    "gatehouse.v1.ScopeService",
    "gatehouse.v1.AppService",
    "gatehouse.v1.OauthService",
    "gatehouse.v1.KeyService",
];

const PING_TIMEOUT: Duration = Duration::from_secs(2);
const WATCH_INTERVAL: Duration = Duration::from_secs(1);

/// Live health of the core.
#[derive(Debug, Clone)]
pub struct CoreHealth {
    store: Store,
}

impl CoreHealth {
    /// Health of a core whose keys are loaded (they are loaded before the core starts serving).
    pub fn new(store: Store) -> CoreHealth {
        CoreHealth { store }
    }

    /// Serving if the database answers within two seconds.
    pub async fn status(&self) -> ServingStatus {
        match tokio::time::timeout(PING_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => ServingStatus::Serving,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "health check: database unreachable");
                ServingStatus::NotServing
            }
            Err(_) => {
                tracing::warn!("health check: database did not answer in time");
                ServingStatus::NotServing
            }
        }
    }

    async fn status_of(&self, service: &str) -> ServingStatus {
        if KNOWN_SERVICES.contains(&service) {
            self.status().await
        } else {
            ServingStatus::ServiceUnknown
        }
    }
}

pub(super) fn server(health: CoreHealth) -> HealthServer<CoreHealth> {
    HealthServer::new(health)
}

#[tonic::async_trait]
impl Health for CoreHealth {
    async fn check(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<HealthCheckResponse>, Status> {
        let service = &request.get_ref().service;
        if !KNOWN_SERVICES.contains(&service.as_str()) {
            return Err(Status::not_found("unknown service"));
        }
        let status = self.status().await;
        Ok(Response::new(HealthCheckResponse {
            status: status.into(),
        }))
    }

    type WatchStream = ReceiverStream<Result<HealthCheckResponse, Status>>;

    async fn watch(
        &self,
        request: Request<HealthCheckRequest>,
    ) -> Result<Response<Self::WatchStream>, Status> {
        let service = request.into_inner().service;
        let (tx, rx) = tokio::sync::mpsc::channel(4);
        let health = self.clone();
        tokio::spawn(async move {
            let mut last = None;
            loop {
                let status = health.status_of(&service).await;
                if last != Some(status) {
                    let update = HealthCheckResponse {
                        status: status.into(),
                    };
                    if tx.send(Ok(update)).await.is_err() {
                        return;
                    }
                    last = Some(status);
                }
                tokio::select! {
                    () = tx.closed() => return,
                    () = tokio::time::sleep(WATCH_INTERVAL) => {}
                }
            }
        });
        Ok(Response::new(ReceiverStream::new(rx)))
    }
}
