//! Starting the whole stack for a test, and talking to it as users do: gRPC, HTTP and the
//! `gatehouse` binary.

#![allow(dead_code, reason = "each test file uses its own part of the support")]

pub mod process;

use std::path::PathBuf;
use std::process::Output;
use std::sync::Arc;

use gatehouse_cli::cli::{ClientArgs, LogArgs, ServeArgs};
use gatehouse_cli::config::{Settings, Sources};
use gatehouse_cli::serve::Server;
use gatehouse_core::clock::{ManualClock, SharedClock, SystemClock};
use gatehouse_core::testing::TestDatabase;
use gatehouse_proto::call::CallContext;
use gatehouse_proto::channel::{self, CoreClient};
use gatehouse_proto::v1;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// Path of the `gatehouse` binary Cargo built for this test run.
pub const GATEHOUSE: &str = env!("CARGO_BIN_EXE_gatehouse");

/// A running stack on ephemeral ports, with a database and data directory of its own.
pub struct TestApp {
    /// Base URL of the REST facade, without a trailing slash.
    pub http: String,
    /// URL of the core's gRPC listener.
    pub grpc: String,
    /// The operator credential the server created in its data directory.
    pub operator_token: String,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database.
    pub db: TestDatabase,
    shutdown: CancellationToken,
    task: Option<JoinHandle<anyhow::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl TestApp {
    /// The whole stack in this process: core, gRPC listener and REST facade.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// The stack with a clock the test moves.
    pub async fn spawn_with_clock(clock: ManualClock) -> TestApp {
        TestApp::start(|_| {}, Arc::new(clock)).await
    }

    /// The stack with some flags changed first.
    pub async fn spawn_with(configure: impl FnOnce(&mut ServeArgs)) -> TestApp {
        TestApp::start(configure, Arc::new(SystemClock)).await
    }

    async fn start(configure: impl FnOnce(&mut ServeArgs), clock: SharedClock) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db = TestDatabase::create().await;
        let data_dir = dir.path().join("data");
        let mut args = ServeArgs {
            http: Some("127.0.0.1:0".parse().unwrap()),
            grpc: Some("127.0.0.1:0".parse().unwrap()),
            database_url: Some(db.url().to_owned()),
            shutdown_grace: Some(5),
            ..ServeArgs::default()
        };
        configure(&mut args);
        let client = ClientArgs {
            core_url: None,
            data_dir: Some(data_dir.clone()),
        };
        let log = LogArgs {
            log_format: None,
            log_level: None,
        };
        let sources = Sources {
            cwd: dir.path().to_owned(),
            ..Sources::default()
        };
        let settings = Settings::resolve(&args, &client, &log, sources).unwrap();
        let server = Server::start(settings, clock).await.unwrap();

        let http = format!("http://{}", server.http_addr().unwrap());
        let grpc = format!("http://{}", server.grpc_addr().unwrap());
        let operator_token = std::fs::read_to_string(data_dir.join("operator-token")).unwrap();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(server.run(shutdown.clone()));
        TestApp {
            http,
            grpc,
            operator_token: operator_token.trim().to_owned(),
            data_dir,
            db,
            shutdown,
            task: Some(task),
            _dir: dir,
        }
    }

    /// Generated gRPC clients over a real connection to the core.
    pub fn core(&self) -> CoreClient {
        CoreClient::new(channel::connect_lazy(&self.grpc).unwrap())
    }

    /// The operator's call context.
    pub fn operator(&self) -> CallContext {
        CallContext::with_bearer(self.operator_token.clone())
    }

    /// `path` on the REST facade.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.http)
    }

    /// Runs the `gatehouse` binary against this stack as its operator.
    pub async fn cli(&self, args: &[&str]) -> CliOutput {
        let output = tokio::process::Command::new(GATEHOUSE)
            .args(args)
            .env_clear()
            .env("GATEHOUSE_CORE_URL", &self.grpc)
            .env("GATEHOUSE_OPERATOR_TOKEN", &self.operator_token)
            .output()
            .await
            .unwrap();
        CliOutput(output)
    }

    /// Creates a tenant over gRPC as the operator; returns its admin app's credentials.
    pub async fn tenant(&self, name: &str) -> Tenant {
        let request = self
            .operator()
            .request(v1::CreateTenantRequest { name: name.into() });
        let created = self
            .core()
            .tenants()
            .create_tenant(request)
            .await
            .unwrap()
            .into_inner();
        Tenant {
            tenant_id: created.tenant.unwrap().id,
            client_id: created.admin_client_id,
            client_secret: created.admin_client_secret,
        }
    }

    /// A tenant and an access token of its admin app (`platform:admin`).
    pub async fn admin(&self, name: &str) -> (Tenant, String) {
        let tenant = self.tenant(name).await;
        let token = self
            .token(&tenant.client_id, &tenant.client_secret, None)
            .await;
        (tenant, token)
    }

    /// `client_credentials` at the token endpoint with HTTP Basic; panics unless it succeeds.
    pub async fn token(&self, client_id: &str, secret: &str, scope: Option<&str>) -> String {
        let response = self.token_request(client_id, secret, scope).await;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, 200, "token request failed: {body}");
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// `client_credentials` at the token endpoint with HTTP Basic, whatever the outcome.
    pub async fn token_request(
        &self,
        client_id: &str,
        secret: &str,
        scope: Option<&str>,
    ) -> reqwest::Response {
        let mut form = vec![("grant_type", "client_credentials")];
        if let Some(scope) = scope {
            form.push(("scope", scope));
        }
        http_client()
            .post(self.url("/v1/oauth/token"))
            .basic_auth(form_encode(client_id), Some(form_encode(secret)))
            .form(&form)
            .send()
            .await
            .unwrap()
    }

    /// Registers an app with `admin_token`; returns the response body (with `client_secret`).
    pub async fn register(&self, admin_token: &str, body: serde_json::Value) -> serde_json::Value {
        let response = http_client()
            .post(self.url("/v1/platform/apps"))
            .bearer_auth(admin_token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let created: serde_json::Value = response.json().await.unwrap();
        assert_eq!(status, 201, "registration failed: {created}");
        created
    }

    /// Stops the stack and waits for it to drain.
    pub async fn stop(mut self) {
        self.shutdown.cancel();
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

/// A tenant's id and its admin app's credentials.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// `ten_...`.
    pub tenant_id: String,
    /// The admin app's client id.
    pub client_id: String,
    /// The admin app's secret.
    pub client_secret: String,
}

/// `application/x-www-form-urlencoded` encoding of one value (RFC 6749 §2.3.1 Basic parts).
pub fn form_encode(value: &str) -> String {
    url::form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// What a run of the binary printed.
#[derive(Debug)]
pub struct CliOutput(pub Output);

impl CliOutput {
    /// Whether it exited with status 0.
    pub fn success(&self) -> bool {
        self.0.status.success()
    }

    /// Standard output as text.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error as text.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// Standard output parsed as one JSON value.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.0.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}): {}", self.stdout()))
    }
}

/// A plain HTTP client.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder().build().unwrap()
}
