//! `gatehouse scope add|list`.

use gatehouse_proto::v1;
use serde_json::json;

use crate::cli::{ClientArgs, ScopeCommand};
use crate::client::OperatorClient;
use crate::output::{failure, time};

/// Runs one scope subcommand.
pub async fn main(command: ScopeCommand, args: ClientArgs) -> anyhow::Result<()> {
    let client = OperatorClient::connect(&args)?;
    match command {
        ScopeCommand::Add {
            name,
            description,
            json,
        } => add(&client, name, description, json).await,
        ScopeCommand::List { json } => list(&client, json).await,
    }
}

async fn add(
    client: &OperatorClient,
    name: String,
    description: String,
    json: bool,
) -> anyhow::Result<()> {
    let request = client.request(v1::CreateScopeRequest { name, description });
    let response = client
        .core
        .scopes()
        .create_scope(request)
        .await
        .map_err(failure)?;
    let scope = response.into_inner().scope.unwrap_or_default();
    if json {
        println!("{}", scope_json(&scope));
    } else {
        println!("added {}: {}", scope.name, scope.description);
    }
    Ok(())
}

async fn list(client: &OperatorClient, json: bool) -> anyhow::Result<()> {
    let request = client.request(v1::ListScopesRequest {});
    let response = client
        .core
        .scopes()
        .list_scopes(request)
        .await
        .map_err(failure)?;
    let scopes = response.into_inner().scopes;
    if json {
        let items: Vec<_> = scopes.iter().map(scope_json).collect();
        println!("{}", json!({ "scopes": items }));
    } else {
        println!("{:<24}  DESCRIPTION", "SCOPE");
        for scope in &scopes {
            println!("{:<24}  {}", scope.name, scope.description);
        }
    }
    Ok(())
}

fn scope_json(scope: &v1::Scope) -> serde_json::Value {
    json!({
        "name": scope.name,
        "description": scope.description,
        "created_at": time(scope.create_time.as_ref()),
    })
}
