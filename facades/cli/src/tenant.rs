//! `gatehouse tenant create|list|get`.

use gatehouse_proto::v1;
use serde_json::json;

use crate::cli::{ClientArgs, TenantCommand};
use crate::client::OperatorClient;
use crate::output::{failure, time};

/// Runs one tenant subcommand, printing its result on stdout.
pub async fn main(command: TenantCommand, args: ClientArgs) -> anyhow::Result<()> {
    let client = OperatorClient::connect(&args)?;
    match command {
        TenantCommand::Create { name, json } => create(&client, name, json).await,
        TenantCommand::List { json } => list(&client, json).await,
        TenantCommand::Get { id, json } => get(&client, id, json).await,
    }
}

async fn create(client: &OperatorClient, name: String, json: bool) -> anyhow::Result<()> {
    let request = client.request(v1::CreateTenantRequest { name });
    let created = client
        .core
        .tenants()
        .create_tenant(request)
        .await
        .map_err(failure)?;
    let created = created.into_inner();
    let tenant = created.tenant.unwrap_or_default();
    if json {
        let out = json!({
            "tenant_id": tenant.id,
            "name": tenant.name,
            "admin_client_id": created.admin_client_id,
            "admin_client_secret": created.admin_client_secret,
        });
        println!("{out}");
    } else {
        println!("tenant_id            {}", tenant.id);
        println!("name                 {}", tenant.name);
        println!("admin_client_id      {}", created.admin_client_id);
        println!("admin_client_secret  {}", created.admin_client_secret);
        eprintln!("Store the admin client secret now: it is not shown again.");
    }
    Ok(())
}

async fn list(client: &OperatorClient, json: bool) -> anyhow::Result<()> {
    let mut tenants = Vec::new();
    let mut page_token = String::new();
    loop {
        let request = client.request(v1::ListTenantsRequest {
            page_size: 200,
            page_token,
        });
        let page = client
            .core
            .tenants()
            .list_tenants(request)
            .await
            .map_err(failure)?;
        let page = page.into_inner();
        tenants.extend(page.tenants);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    if json {
        let items: Vec<_> = tenants.iter().map(tenant_json).collect();
        println!("{}", json!({ "tenants": items }));
    } else {
        println!("{:<30}  {:<25}  NAME", "TENANT_ID", "CREATED");
        for tenant in &tenants {
            println!(
                "{:<30}  {:<25}  {}",
                tenant.id,
                created(tenant),
                tenant.name
            );
        }
    }
    Ok(())
}

async fn get(client: &OperatorClient, tenant_id: String, json: bool) -> anyhow::Result<()> {
    let request = client.request(v1::GetTenantRequest { tenant_id });
    let response = client
        .core
        .tenants()
        .get_tenant(request)
        .await
        .map_err(failure)?;
    let tenant = response.into_inner().tenant.unwrap_or_default();
    if json {
        println!("{}", tenant_json(&tenant));
    } else {
        println!("tenant_id  {}", tenant.id);
        println!("name       {}", tenant.name);
        println!("created    {}", created(&tenant));
    }
    Ok(())
}

fn tenant_json(tenant: &v1::Tenant) -> serde_json::Value {
    json!({ "tenant_id": tenant.id, "name": tenant.name, "created_at": created(tenant) })
}

fn created(tenant: &v1::Tenant) -> String {
    time(tenant.create_time.as_ref())
}
