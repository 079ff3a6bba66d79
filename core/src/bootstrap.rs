//! Starting the core: data directory, keys, database, operator credential, gRPC router.

use std::future::Future;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use gatehouse_proto::channel::{self, CoreChannel};
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tower::Layer;

use crate::clock::SharedClock;
use crate::crypto::{KeyEncryptionKey, KeyError};
use crate::grpc::{self, CoreHealth, EdgeLayer, Services};
use crate::secret::Secret;
use crate::service::auth::Authenticator;
use crate::service::operators::{OperatorCredentialError, ensure_operator_credential};
use crate::service::tenants::Tenants;
use crate::storage::{StorageError, Store};

/// File name of the operator credential inside the data directory.
pub const OPERATOR_TOKEN_FILE: &str = "operator-token";
/// File name of the generated key encryption key inside the data directory.
pub const KEK_FILE: &str = "kek";

/// Where the key encryption key comes from.
#[derive(Debug, Clone)]
pub enum KekSource {
    /// A file, created with a fresh key on first start.
    File(PathBuf),
    /// A value from the environment; never written anywhere.
    Inline(Secret),
}

/// What the core needs to start.
#[derive(Debug, Clone)]
pub struct CoreConfig {
    /// Directory for key material (and the SQLite database by default).
    pub data_dir: PathBuf,
    /// `sqlite://...` or `postgres://...`.
    pub database_url: String,
    /// The key encryption key.
    pub kek: KekSource,
    /// Apply pending migrations on start.
    pub migrate: bool,
}

/// Why the core could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory cannot be created.
    #[error("data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The key encryption key cannot be loaded.
    #[error("key encryption key: {0}")]
    Key(#[from] KeyError),
    /// The database cannot be reached or migrated.
    #[error("database: {0}")]
    Storage(#[from] StorageError),
    /// The operator credential cannot be set up.
    #[error(transparent)]
    OperatorCredential(#[from] OperatorCredentialError),
    /// The reflection service rejected the descriptors.
    #[error("gRPC reflection: {0}")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// A started core, ready to serve gRPC on a socket or in-process.
pub struct Core {
    store: Store,
    routes: Routes,
    edge: EdgeLayer,
    operator_token_path: PathBuf,
}

impl Core {
    /// Starts the core: everything that can fail at start-up fails here.
    pub async fn start(config: CoreConfig, clock: SharedClock) -> Result<Core, StartError> {
        create_private_dir(&config.data_dir)?;
        let kek = load_kek(&config.kek)?;
        let hasher = kek.secret_hasher();

        let store = Store::connect(&config.database_url).await?;
        if config.migrate {
            store.migrate().await?;
        }

        let operator_token_path = config.data_dir.join(OPERATOR_TOKEN_FILE);
        let outcome =
            ensure_operator_credential(&store, &hasher, clock.as_ref(), &operator_token_path)
                .await?;
        tracing::info!(path = %operator_token_path.display(), ?outcome, "operator credential ready");

        let services = Services {
            tenants: Tenants::new(store.clone(), hasher.clone(), clock),
            health: CoreHealth::new(store.clone()),
        };
        Ok(Core {
            routes: grpc::routes(services)?,
            edge: EdgeLayer::new(Authenticator::new(store.clone(), hasher)),
            store,
            operator_token_path,
        })
    }

    /// A channel that reaches this core without a socket, through the same edge as the network.
    pub fn channel(&self) -> CoreChannel {
        channel::in_process(self.edge.layer(self.routes.clone()))
    }

    /// Serves gRPC on `listener` until `shutdown` completes, then drains in-flight calls.
    pub async fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), tonic::transport::Error> {
        tonic::transport::Server::builder()
            .tcp_nodelay(true)
            .layer(self.edge.clone())
            .add_routes(self.routes.clone())
            .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
            .await
    }

    /// Where the operator credential is kept.
    pub fn operator_token_path(&self) -> &Path {
        &self.operator_token_path
    }

    /// Closes the database pool.
    pub async fn close(&self) {
        if let Err(err) = self.store.close().await {
            tracing::warn!(error = %err, "closing the database pool failed");
        }
    }
}

fn create_private_dir(path: &Path) -> Result<(), StartError> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(path)
        .map_err(|source| StartError::DataDir {
            path: path.display().to_string(),
            source,
        })
}

fn load_kek(source: &KekSource) -> Result<KeyEncryptionKey, KeyError> {
    match source {
        KekSource::Inline(value) => KeyEncryptionKey::parse(value.expose()),
        KekSource::File(path) => {
            let (kek, created) = KeyEncryptionKey::load_or_create(path)?;
            if created {
                tracing::info!(path = %path.display(), "created a key encryption key; back it up");
            }
            Ok(kek)
        }
    }
}
