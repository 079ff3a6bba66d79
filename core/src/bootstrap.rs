//! Starting the core: data directory, keys, database, operator credential, gRPC router.

use std::future::Future;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};

use gatehouse_proto::channel::{self, CoreChannel};
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::transport::server::TcpIncoming;
use tower::Layer;

use std::sync::Arc;

use chrono::Duration;
use tokio_util::sync::CancellationToken;

use crate::clock::SharedClock;
use crate::crypto::{KeyEncryptionKey, KeyError};
use crate::error::CoreError;
use crate::grpc::{self, CoreHealth, EdgeLayer, Services};
use crate::secret::Secret;
use crate::service::apps::Apps;
use crate::service::auth::Authenticator;
use crate::service::clients::ClientCache;
use crate::service::keys::{KeyPolicy, SigningKeys};
use crate::service::oauth::OAuth;
use crate::service::operators::{OperatorCredentialError, ensure_operator_credential};
use crate::service::scopes::Scopes;
use crate::service::tenants::Tenants;
use crate::service::throttle::Throttle;
use crate::service::tokens::{TokenProfile, TokenService};
use crate::storage::{StorageError, Store};

/// How often each core re-reads the signing keys.
const KEY_REFRESH: Duration = Duration::seconds(10);
/// How often expired revocations and unpublished private keys are cleaned up.
const CLEANUP_EVERY: Duration = Duration::hours(1);
/// Window in which failed client authentications are counted.
const THROTTLE_WINDOW: Duration = Duration::seconds(60);

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
    /// Who tokens are from and for, and how long they live.
    pub tokens: TokenProfile,
    /// How long verifiers may cache the JWKS.
    pub jwks_max_age: Duration,
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
    #[error("data directory {path}")]
    DataDir {
        /// The directory.
        path: String,
        /// What went wrong.
        source: std::io::Error,
    },
    /// The key encryption key cannot be loaded.
    #[error("key encryption key")]
    Key(#[from] KeyError),
    /// The database cannot be reached or migrated.
    #[error("database")]
    Storage(#[from] StorageError),
    /// The operator credential cannot be set up.
    #[error(transparent)]
    OperatorCredential(#[from] OperatorCredentialError),
    /// The scope catalog or the signing keys cannot be set up.
    #[error(transparent)]
    Setup(#[from] CoreError),
    /// The reflection service rejected the descriptors.
    #[error("gRPC reflection")]
    Reflection(#[from] tonic_reflection::server::Error),
}

/// A started core, ready to serve gRPC on a socket or in-process.
pub struct Core {
    store: Store,
    routes: Routes,
    edge: EdgeLayer,
    operator_token_path: PathBuf,
    background: CancellationToken,
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

        let scopes = Scopes::new(store.clone(), clock.clone());
        scopes.ensure_builtins().await?;
        let policy = KeyPolicy {
            access_ttl: config.tokens.access_ttl,
            jwks_max_age: config.jwks_max_age,
            refresh_interval: KEY_REFRESH,
        };
        let sealer = kek.sealer("signing-key")?;
        let keys = SigningKeys::start(store.clone(), sealer, clock.clone(), policy).await?;
        // Opening the signing keys proves the KEK is the right one: only then write anything
        // derived from it.
        let operator_token_path = config.data_dir.join(OPERATOR_TOKEN_FILE);
        let outcome =
            ensure_operator_credential(&store, &hasher, clock.as_ref(), &operator_token_path)
                .await?;
        tracing::info!(path = %operator_token_path.display(), ?outcome, "operator credential ready");

        let tokens = TokenService::new(keys.ring(), clock.clone(), config.tokens);
        let throttle = Arc::new(Throttle::new(clock.clone(), THROTTLE_WINDOW));
        let clients = Arc::new(ClientCache::new(store.clone()));

        let services = Services {
            tenants: Tenants::new(store.clone(), hasher.clone(), clock.clone()),
            apps: Apps::new(
                store.clone(),
                clients.clone(),
                hasher.clone(),
                tokens.clone(),
                scopes.clone(),
                clock.clone(),
            ),
            oauth: OAuth::new(
                store.clone(),
                clients,
                hasher.clone(),
                tokens.clone(),
                scopes.clone(),
                throttle,
                clock.clone(),
            ),
            scopes,
            keys: keys.clone(),
            health: CoreHealth::new(store.clone()),
        };
        let background = CancellationToken::new();
        tokio::spawn(maintain(store.clone(), keys, clock, background.clone()));
        Ok(Core {
            routes: grpc::routes(services)?,
            edge: EdgeLayer::new(Authenticator::new(store.clone(), hasher, tokens)),
            store,
            operator_token_path,
            background,
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

    /// Stops background work and closes the database pool.
    pub async fn close(&self) {
        self.background.cancel();
        if let Err(err) = self.store.close().await {
            tracing::warn!(error = %err, "closing the database pool failed");
        }
    }
}

/// Background upkeep: follow key rotations made by other cores, and clean up what has expired.
async fn maintain(store: Store, keys: SigningKeys, clock: SharedClock, stop: CancellationToken) {
    let refresh = KEY_REFRESH
        .to_std()
        .unwrap_or(std::time::Duration::from_secs(10));
    let mut last_cleanup = clock.now();
    loop {
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(refresh) => {}
        }
        if let Err(err) = keys.reload().await {
            tracing::warn!(error = %err, "reloading signing keys failed");
        }
        let now = clock.now();
        if now - last_cleanup < CLEANUP_EVERY {
            continue;
        }
        last_cleanup = now;
        match store.delete_expired_revocations(now).await {
            Ok(count) if count > 0 => tracing::info!(count, "expired revocations removed"),
            Ok(_) => {}
            Err(err) => tracing::warn!(error = %err, "cleaning up revocations failed"),
        }
        if let Err(err) = store.scrub_unpublished_keys(now).await {
            tracing::warn!(error = %err, "scrubbing unpublished keys failed");
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
