//! Tenants and their admin apps, through the CLI and gRPC.

use gatehouse_proto::v1;
use sea_orm::{ConnectionTrait, Database, Statement};
use tonic::Code;

use crate::support::TestApp;

#[tokio::test]
async fn the_cli_creates_a_tenant_and_prints_its_admin_credentials_as_json() {
    let app = TestApp::spawn().await;

    let out = app.cli(&["tenant", "create", "Acme Corp", "--json"]).await;

    assert!(out.success(), "{}", out.stderr());
    let created = out.json();
    let tenant_id = created["tenant_id"].as_str().unwrap();
    let client_id = created["admin_client_id"].as_str().unwrap();
    let secret = created["admin_client_secret"].as_str().unwrap();
    assert!(tenant_id.starts_with("ten_"), "{created}");
    assert!(client_id.starts_with("app_"), "{created}");
    assert!(
        secret.starts_with("gcs_") && secret.len() >= 4 + 43,
        "256 bits at least: {created}"
    );
    assert_eq!(created["name"], "Acme Corp");
}

#[tokio::test]
async fn the_cli_prints_text_by_default_and_lists_and_gets_what_it_created() {
    let app = TestApp::spawn().await;
    let created = app.cli(&["tenant", "create", "Globex"]).await;
    assert!(created.success(), "{}", created.stderr());
    let text = created.stdout();
    let tenant_id = text
        .lines()
        .find_map(|line| line.strip_prefix("tenant_id"))
        .map(str::trim)
        .unwrap();
    assert!(text.contains("admin_client_secret  gcs_"), "{text}");
    assert!(created.stderr().contains("not shown again"));

    let listed = app.cli(&["tenant", "list"]).await;
    assert!(listed.stdout().contains(tenant_id) && listed.stdout().contains("Globex"));
    let listed = app.cli(&["tenant", "list", "--json"]).await.json();
    assert_eq!(listed["tenants"][0]["tenant_id"], tenant_id);

    let got = app
        .cli(&["tenant", "get", tenant_id, "--json"])
        .await
        .json();
    assert_eq!(got["tenant_id"], tenant_id);
    assert_eq!(got["name"], "Globex");
    assert!(got["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn an_unknown_tenant_is_not_found_and_a_malformed_id_is_invalid() {
    let app = TestApp::spawn().await;
    let mut tenants = app.core().tenants();

    let unknown = "ten_01m8yq6afde69vg4vt6gvg2qsz";
    let request = app.operator().request(v1::GetTenantRequest {
        tenant_id: unknown.into(),
    });
    let status = tenants.get_tenant(request).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_eq!(status.message(), "tenant not found");

    let request = app.operator().request(v1::GetTenantRequest {
        tenant_id: "1 OR 1=1".into(),
    });
    assert_eq!(
        tenants.get_tenant(request).await.unwrap_err().code(),
        Code::InvalidArgument
    );

    let out = app.cli(&["tenant", "get", unknown]).await;
    assert!(!out.success());
    assert!(
        out.stderr().contains("tenant not found (not_found)"),
        "{}",
        out.stderr()
    );
}

#[tokio::test]
async fn tenant_names_are_validated_and_unique_regardless_of_case() {
    let app = TestApp::spawn().await;
    let mut tenants = app.core().tenants();
    let create = |name: &str| {
        app.operator()
            .request(v1::CreateTenantRequest { name: name.into() })
    };

    tenants.create_tenant(create("Initech")).await.unwrap();
    let duplicate = tenants
        .create_tenant(create("  INITECH "))
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), Code::AlreadyExists);

    for bad in ["", "   ", "tab\there", &"x".repeat(101)] {
        let status = tenants.create_tenant(create(bad)).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{bad:?}");
        assert!(
            status.message().starts_with("name: "),
            "{}",
            status.message()
        );
    }
    let out = app.cli(&["tenant", "create", "initech"]).await;
    assert!(!out.success());
    assert!(out.stderr().contains("already_exists"), "{}", out.stderr());
}

#[tokio::test]
async fn listing_pages_through_every_tenant_in_creation_order() {
    let app = TestApp::spawn().await;
    let mut tenants = app.core().tenants();
    let mut created = Vec::new();
    for i in 0..5 {
        let request = app.operator().request(v1::CreateTenantRequest {
            name: format!("T{i}"),
        });
        let response = tenants.create_tenant(request).await.unwrap().into_inner();
        created.push(response.tenant.unwrap().id);
    }

    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = app.operator().request(v1::ListTenantsRequest {
            page_size: 2,
            page_token,
        });
        let page = tenants.list_tenants(request).await.unwrap().into_inner();
        assert!(page.tenants.len() <= 2);
        seen.extend(page.tenants.into_iter().map(|t| t.id));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(seen, created);

    let request = app.operator().request(v1::ListTenantsRequest {
        page_size: 500,
        page_token: String::new(),
    });
    assert_eq!(
        tenants.list_tenants(request).await.unwrap_err().code(),
        Code::InvalidArgument
    );
    let request = app.operator().request(v1::ListTenantsRequest {
        page_size: 2,
        page_token: "forged".into(),
    });
    assert_eq!(
        tenants.list_tenants(request).await.unwrap_err().code(),
        Code::InvalidArgument
    );
}

#[tokio::test]
async fn secrets_are_stored_only_as_keyed_hashes() {
    let app = TestApp::spawn().await;
    let created = app
        .cli(&["tenant", "create", "Hooli", "--json"])
        .await
        .json();
    let secret = created["admin_client_secret"].as_str().unwrap().to_owned();

    let db = Database::connect(app.db.url()).await.unwrap();
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT secret_hash FROM client_secrets",
        ))
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    let hash: Vec<u8> = rows[0].try_get("", "secret_hash").unwrap();
    assert_eq!(hash.len(), 32, "an HMAC-SHA256 tag");
    assert!(!contains(&hash, secret.as_bytes()));

    if app.db.is_postgres() {
        // Every row of every table, as PostgreSQL prints it.
        for table in ["tenants", "apps", "client_secrets", "operator_credentials"] {
            let sql = format!("SELECT CAST(t AS text) AS row_text FROM {table} t");
            let rows = db
                .query_all_raw(Statement::from_string(backend, sql))
                .await
                .unwrap();
            for row in rows {
                let text: String = row.try_get("", "row_text").unwrap();
                assert!(!text.contains(&secret), "client secret found in {table}");
                assert!(
                    !text.contains(&app.operator_token),
                    "operator token in {table}"
                );
            }
        }
    } else {
        // Every byte SQLite wrote, including its write-ahead log.
        let path = app.db.url().trim_start_matches("sqlite://").to_owned();
        for file in [path.clone(), format!("{path}-wal")] {
            let bytes = std::fs::read(&file).unwrap_or_default();
            assert!(
                !contains(&bytes, secret.as_bytes()),
                "client secret found in {file}"
            );
            assert!(
                !contains(&bytes, app.operator_token.as_bytes()),
                "operator token in {file}"
            );
        }
    }
    db.close().await.unwrap();
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}
