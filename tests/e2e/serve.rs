//! `gatehouse serve` as an operator runs it: a child process, configured by flags, variables
//! and a file, stopped by a signal.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use gatehouse_core::crypto::KeyEncryptionKey;
use gatehouse_core::testing::TestDatabase;
use serde_json::Value;

use crate::support::process::{ServeProcess, serve_failure};
use crate::support::{GATEHOUSE, http_client};

const EPHEMERAL: [(&str, &str); 2] = [
    ("GATEHOUSE_HTTP", "127.0.0.1:0"),
    ("GATEHOUSE_GRPC", "127.0.0.1:0"),
];

/// Environment for a child server: ephemeral ports, and the test database when it is
/// PostgreSQL (SQLite stays the server's own default, in its data directory).
fn env_for(db: &TestDatabase) -> Vec<(&'static str, String)> {
    let mut env: Vec<_> = EPHEMERAL
        .iter()
        .map(|(k, v)| (*k, (*v).to_owned()))
        .collect();
    if db.is_postgres() {
        env.push(("GATEHOUSE_DATABASE_URL", db.url().to_owned()));
    }
    env
}

fn as_refs<'a>(env: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    env.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

async fn get_json(url: &str) -> (u16, Value) {
    let response = http_client().get(url).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn cli(core_url: &str, token: &str, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(GATEHOUSE)
        .args(args)
        .env_clear()
        .env("GATEHOUSE_CORE_URL", core_url)
        .env("GATEHOUSE_OPERATOR_TOKEN", token)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_first_start_creates_the_data_directory_with_private_key_files_and_becomes_ready() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let env = env_for(&db);

    let server = ServeProcess::start(cwd.path(), &[], &as_refs(&env))
        .await
        .unwrap();

    let data = cwd.path().join("gatehouse-data");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&data.join("operator-token")), 0o600);
    assert_eq!(mode(&data.join("kek")), 0o600);
    if !db.is_postgres() {
        assert!(data.join("gatehouse.db").exists());
    }
    let token = std::fs::read_to_string(data.join("operator-token")).unwrap();
    let (status, body) = get_json(&format!("{}/readyz", server.http.as_ref().unwrap())).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));

    let (exit, logs) = server.stop_with("TERM").await;
    assert!(exit.success(), "exit {exit:?}\n{}", logs.join("\n"));
    let told_where = logs.iter().any(|line| {
        line.contains("operator credential ready") && line.contains("gatehouse-data/operator-token")
    });
    assert!(told_where, "{}", logs.join("\n"));
    assert!(
        logs.iter().all(|line| !line.contains(token.trim())),
        "the credential was logged"
    );
    assert!(
        logs.last().unwrap().contains("stopped"),
        "{}",
        logs.join("\n")
    );
}

#[tokio::test]
async fn a_restart_keeps_the_credential_the_keys_and_the_data_and_sigint_also_stops_it() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let env = env_for(&db);
    let data = cwd.path().join("gatehouse-data");

    let first = ServeProcess::start(cwd.path(), &[], &as_refs(&env))
        .await
        .unwrap();
    let token = std::fs::read_to_string(data.join("operator-token")).unwrap();
    let kek = std::fs::read_to_string(data.join("kek")).unwrap();
    let out = cli(
        first.grpc.as_ref().unwrap(),
        token.trim(),
        &["tenant", "create", "Umbrella", "--json"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (exit, _) = first.stop_with("INT").await;
    assert!(exit.success());

    let second = ServeProcess::start(cwd.path(), &[], &as_refs(&env))
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(data.join("operator-token")).unwrap(),
        token
    );
    assert_eq!(std::fs::read_to_string(data.join("kek")).unwrap(), kek);
    let out = cli(
        second.grpc.as_ref().unwrap(),
        token.trim(),
        &["tenant", "list", "--json"],
    )
    .await;
    let listed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed["tenants"][0]["name"], "Umbrella");
    second.stop_with("TERM").await;
}

#[tokio::test]
async fn flags_beat_environment_which_beats_the_config_file() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let config = cwd.path().join("gatehouse.toml");
    std::fs::write(
        &config,
        "http = \"127.0.0.1:0\"\ngrpc = \"127.0.0.1:0\"\ndata_dir = \"from-file\"\nlog_format = \"json\"\n",
    )
    .unwrap();
    let mut env = vec![
        ("GATEHOUSE_CONFIG", config.display().to_string()),
        ("GATEHOUSE_DATA_DIR", "from-env".to_owned()),
        // One KEK for both starts: on PostgreSQL they share a database, and its keys.
        (
            "GATEHOUSE_KEK",
            KeyEncryptionKey::generate().unwrap().encode().to_string(),
        ),
    ];
    if db.is_postgres() {
        env.push(("GATEHOUSE_DATABASE_URL", db.url().to_owned()));
    }

    let from_env = ServeProcess::start(cwd.path(), &[], &as_refs(&env))
        .await
        .unwrap();
    assert!(cwd.path().join("from-env/operator-token").exists());
    assert!(
        !cwd.path().join("from-env/kek").exists(),
        "GATEHOUSE_KEK is never written down"
    );
    assert!(!cwd.path().join("from-file").exists());
    from_env.stop_with("TERM").await;

    let from_flag = ServeProcess::start(cwd.path(), &["--data-dir", "from-flag"], &as_refs(&env))
        .await
        .unwrap();
    assert!(cwd.path().join("from-flag/operator-token").exists());
    assert!(!cwd.path().join("from-file").exists());
    from_flag.stop_with("TERM").await;
}

#[tokio::test]
async fn an_unknown_config_key_or_an_incomplete_split_stops_the_server_with_a_clear_error() {
    let cwd = tempfile::tempdir().unwrap();
    let config = cwd.path().join("gatehouse.toml");
    std::fs::write(
        &config,
        "http = \"127.0.0.1:0\"\nlisten_adress = \"0.0.0.0:1\"\n",
    )
    .unwrap();

    let (status, stderr) = serve_failure(
        cwd.path(),
        &["--config", config.to_str().unwrap()],
        &EPHEMERAL,
    )
    .await;
    assert!(!status.success());
    assert!(stderr.contains("listen_adress"), "{stderr}");
    assert!(
        !cwd.path().join("gatehouse-data").exists(),
        "nothing started"
    );

    let (status, stderr) = serve_failure(cwd.path(), &["--only", "rest"], &EPHEMERAL).await;
    assert!(!status.success());
    assert!(stderr.contains("--core-url"), "{stderr}");
}

#[tokio::test]
async fn core_and_rest_run_apart_over_real_grpc_and_behave_as_one_process() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let env = env_for(&db);

    let core = ServeProcess::start(cwd.path(), &["--only", "core"], &as_refs(&env))
        .await
        .unwrap();
    assert!(core.http.is_none(), "the core alone serves no HTTP");
    let core_url = core.grpc.clone().unwrap();
    let rest = ServeProcess::start(
        cwd.path(),
        &["--only", "rest", "--core-url", &core_url],
        &EPHEMERAL,
    )
    .await
    .unwrap();
    assert!(rest.grpc.is_none());
    assert!(!cwd.path().join("gatehouse-data/kek").exists() || rest.http.is_some());
    let http = rest.http.clone().unwrap();

    let (status, body) = get_json(&format!("{http}/readyz")).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ready")));
    let (status, body) = get_json(&format!("{http}/v1/unknown")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );

    let token = std::fs::read_to_string(cwd.path().join("gatehouse-data/operator-token")).unwrap();
    let out = cli(
        &core_url,
        token.trim(),
        &["tenant", "create", "Split Co", "--json"],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    core.stop_with("TERM").await;
    let (status, body) = get_json(&format!("{http}/readyz")).await;
    assert_eq!((status, body["status"].as_str()), (503, Some("not_ready")));
    let (status, _) = get_json(&format!("{http}/healthz")).await;
    assert_eq!(status, 200, "the facade itself is alive");
    rest.stop_with("TERM").await;
}

#[tokio::test]
async fn logs_are_json_lines_with_request_ids_and_never_hold_a_secret_token_or_key() {
    let cwd = tempfile::tempdir().unwrap();
    let db = TestDatabase::create().await;
    let mut env = env_for(&db);
    env.push(("RUST_LOG", "trace".to_owned()));
    let server = ServeProcess::start(cwd.path(), &[], &as_refs(&env))
        .await
        .unwrap();
    let (grpc, http) = (server.grpc.clone().unwrap(), server.http.clone().unwrap());
    let token = std::fs::read_to_string(cwd.path().join("gatehouse-data/operator-token")).unwrap();
    let kek = std::fs::read_to_string(cwd.path().join("gatehouse-data/kek")).unwrap();

    let out = cli(
        &grpc,
        token.trim(),
        &["tenant", "create", "Logged", "--json"],
    )
    .await;
    let created: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (client_id, secret) = (
        created["admin_client_id"].as_str().unwrap(),
        created["admin_client_secret"].as_str().unwrap(),
    );
    cli(&grpc, "gop_wrong-guess", &["tenant", "list"]).await;
    let secrets = exercise_every_secret(&http, client_id, secret).await;

    let (_, logs) = server.stop_with("TERM").await;
    assert!(logs.len() > 20, "trace logging is on");
    let mut watched: Vec<(&str, &str)> = vec![
        ("operator token", token.trim()),
        ("client secret", secret),
        ("kek", kek.trim()),
    ];
    watched.extend(secrets.iter().map(|(what, value)| (*what, value.as_str())));
    watched.push(("presented credential", "gop_wrong-guess"));
    watched.push(("wrong client secret", "gcs_not-the-secret"));
    for line in &logs {
        let parsed: Result<Value, _> = serde_json::from_str(line);
        assert!(parsed.is_ok(), "not a JSON line: {line}");
        for (what, value) in &watched {
            assert!(!line.contains(value), "{what} logged: {line}");
        }
    }
    let created_line = logs
        .iter()
        .find(|line| line.contains("tenant created"))
        .unwrap();
    let created_line: Value = serde_json::from_str(created_line).unwrap();
    assert_eq!(created_line["span"]["tenant_id"], created["tenant_id"]);
    assert!(
        logs.iter()
            .any(|line| line.contains("\"request_id\":\"probe-7\""))
    );
}

/// Drives every path that handles a secret over HTTP; returns each secret that came back.
async fn exercise_every_secret(
    http: &str,
    client_id: &str,
    secret: &str,
) -> Vec<(&'static str, String)> {
    let client = http_client();
    let issue = |id: &str, key: &str| {
        client
            .post(format!("{http}/v1/oauth/token"))
            .basic_auth(id, Some(key))
            .form(&[("grant_type", "client_credentials")])
            .send()
    };
    let admin: Value = issue(client_id, secret)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let admin = admin["access_token"].as_str().unwrap().to_owned();
    issue(client_id, "gcs_not-the-secret").await.unwrap();

    let registered: Value = client
        .post(format!("{http}/v1/platform/apps"))
        .bearer_auth(&admin)
        .header("x-request-id", "probe-7")
        .json(&serde_json::json!({"name": "Logged app", "grant_types": ["client_credentials"], "requested_scopes": ["apps:read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_id = registered["client_id"].as_str().unwrap().to_owned();
    let app_secret = registered["client_secret"].as_str().unwrap().to_owned();
    let app_token: Value = issue(&app_id, &app_secret)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let app_token = app_token["access_token"].as_str().unwrap().to_owned();
    client
        .post(format!("{http}/v1/oauth/introspect"))
        .basic_auth(&app_id, Some(&app_secret))
        .form(&[("token", app_token.as_str())])
        .send()
        .await
        .unwrap();

    client
        .patch(format!("{http}/v1/platform/apps/{app_id}/governance"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({"allow_service_tokens": true}))
        .send()
        .await
        .unwrap();
    let service: Value = client
        .post(format!("{http}/v1/platform/apps/{app_id}/service-token"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let rotated: Value = client
        .post(format!("{http}/v1/platform/apps/{app_id}/rotate-secret"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    client
        .post(format!("{http}/v1/oauth/revoke"))
        .basic_auth(&app_id, Some(&app_secret))
        .form(&[("token", app_token.as_str())])
        .send()
        .await
        .unwrap();
    let refused = client
        .get(format!("{http}/v1/platform/scopes"))
        .bearer_auth(&app_token)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401, "the flow really ran");

    vec![
        ("admin access token", admin),
        ("app secret", app_secret),
        ("app access token", app_token),
        (
            "service token",
            service["token"].as_str().unwrap().to_owned(),
        ),
        (
            "rotated secret",
            rotated["client_secret"].as_str().unwrap().to_owned(),
        ),
    ]
}
