//! `gatehouse keys rotate|list`.

use gatehouse_proto::v1;
use serde_json::json;

use crate::cli::{ClientArgs, KeysCommand};
use crate::client::OperatorClient;
use crate::output::{failure, time};

/// Runs one keys subcommand.
pub async fn main(command: KeysCommand, args: ClientArgs) -> anyhow::Result<()> {
    let client = OperatorClient::connect(&args)?;
    match command {
        KeysCommand::Rotate { force, json } => rotate(&client, force, json).await,
        KeysCommand::List { json } => list(&client, json).await,
    }
}

async fn rotate(client: &OperatorClient, force: bool, json: bool) -> anyhow::Result<()> {
    let request = client.request(v1::RotateSigningKeyRequest { force });
    let rotation = client
        .core
        .keys()
        .rotate_signing_key(request)
        .await
        .map_err(failure)?;
    let rotation = rotation.into_inner();
    let [active, next, retired] =
        [rotation.active, rotation.next, rotation.retired].map(Option::unwrap_or_default);
    if json {
        let out = json!({
            "active": key_json(&active),
            "next": key_json(&next),
            "retired": key_json(&retired),
        });
        println!("{out}");
    } else {
        println!("active   {}", active.kid);
        println!(
            "next     {}  (published, signs after the next rotation)",
            next.kid
        );
        println!(
            "retired  {}  (published until {})",
            retired.kid,
            time(retired.unpublish_time.as_ref())
        );
    }
    Ok(())
}

async fn list(client: &OperatorClient, json: bool) -> anyhow::Result<()> {
    let request = client.request(v1::ListSigningKeysRequest {});
    let keys = client
        .core
        .keys()
        .list_signing_keys(request)
        .await
        .map_err(failure)?;
    let keys = keys.into_inner().keys;
    if json {
        let items: Vec<_> = keys.iter().map(key_json).collect();
        println!("{}", json!({ "keys": items }));
    } else {
        println!(
            "{:<20}  {:<8}  {:<21}  UNPUBLISHED",
            "KID", "STATE", "CREATED"
        );
        for key in &keys {
            println!(
                "{:<20}  {:<8}  {:<21}  {}",
                key.kid,
                state(key),
                time(key.create_time.as_ref()),
                time(key.unpublish_time.as_ref())
            );
        }
    }
    Ok(())
}

fn state(key: &v1::SigningKey) -> &'static str {
    match key.state() {
        v1::SigningKeyState::Next => "next",
        v1::SigningKeyState::Active => "active",
        v1::SigningKeyState::Retired => "retired",
        v1::SigningKeyState::Unspecified => "unknown",
    }
}

fn key_json(key: &v1::SigningKey) -> serde_json::Value {
    json!({
        "kid": key.kid,
        "alg": key.alg,
        "state": state(key),
        "created_at": time(key.create_time.as_ref()),
        "activated_at": time(key.activate_time.as_ref()),
        "retired_at": time(key.retire_time.as_ref()),
        "unpublish_at": time(key.unpublish_time.as_ref()),
    })
}
