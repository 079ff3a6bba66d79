//! Every gRPC call is authenticated, except the standard health check.

use gatehouse_proto::call::CallContext;
use gatehouse_proto::channel::{self, CoreChannel};
use gatehouse_proto::v1;
use gatehouse_proto::v1::tenant_service_client::TenantServiceClient;
use tonic::Code;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

use crate::support::TestApp;

/// Calls every TenantService method with `context`, returning each status code.
async fn tenant_calls(
    client: &mut TenantServiceClient<CoreChannel>,
    context: &CallContext,
) -> Vec<Code> {
    let create = client
        .create_tenant(context.request(v1::CreateTenantRequest {
            name: "Intruder".into(),
        }))
        .await;
    let get = client
        .get_tenant(context.request(v1::GetTenantRequest {
            tenant_id: "ten_01m8yq6afde69vg4vt6gvg2qsz".into(),
        }))
        .await;
    let list = client
        .list_tenants(context.request(v1::ListTenantsRequest::default()))
        .await;
    vec![
        create.err().map_or(Code::Ok, |s| s.code()),
        get.err().map_or(Code::Ok, |s| s.code()),
        list.err().map_or(Code::Ok, |s| s.code()),
    ]
}

#[tokio::test]
async fn every_tenant_call_without_a_valid_operator_credential_is_unauthenticated() {
    let app = TestApp::spawn().await;
    let mut tenants = app.core().tenants();
    let forged_operator = format!("{}x", app.operator_token);
    let contexts = [
        CallContext::default(),
        CallContext::with_bearer("gop_not-a-real-credential"),
        CallContext::with_bearer(forged_operator),
        CallContext::with_bearer("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."),
        CallContext::with_bearer(""),
    ];
    for context in &contexts {
        let codes = tenant_calls(&mut tenants, context).await;
        assert_eq!(codes, vec![Code::Unauthenticated; 3], "{context:?}");
    }

    let listed = tenants
        .list_tenants(app.operator().request(v1::ListTenantsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert!(
        listed.tenants.is_empty(),
        "no refused call created anything"
    );
}

#[tokio::test]
async fn a_basic_authorization_header_is_not_a_bearer_credential() {
    let app = TestApp::spawn().await;
    let mut request = tonic::Request::new(v1::ListTenantsRequest::default());
    let basic = format!("Basic {}", app.operator_token);
    request
        .metadata_mut()
        .insert("authorization", basic.parse().unwrap());
    let status = app
        .core()
        .tenants()
        .list_tenants(request)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(status.message(), "missing or invalid credentials");
}

#[tokio::test]
async fn the_health_check_is_open_to_probes_and_reports_serving() {
    let app = TestApp::spawn().await;
    let mut health = app.core().health();

    let whole = health
        .check(HealthCheckRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(whole.status(), ServingStatus::Serving);
    let service = HealthCheckRequest {
        service: "gatehouse.v1.TenantService".into(),
    };
    assert_eq!(
        health.check(service).await.unwrap().into_inner().status(),
        ServingStatus::Serving
    );
    let unknown = HealthCheckRequest {
        service: "no.such.Service".into(),
    };
    assert_eq!(
        health.check(unknown).await.unwrap_err().code(),
        Code::NotFound
    );
}

#[tokio::test]
async fn reflection_lists_the_services_to_an_operator_only() {
    let app = TestApp::spawn().await;
    let channel = channel::connect_lazy(&app.grpc).unwrap();
    let mut reflection = ServerReflectionClient::new(channel);
    let list = || ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };

    let anonymous = reflection
        .server_reflection_info(tokio_stream::iter([list()]))
        .await;
    assert_eq!(anonymous.unwrap_err().code(), Code::Unauthenticated);

    let request = app.operator().request(tokio_stream::iter([list()]));
    let mut responses = reflection
        .server_reflection_info(request)
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().unwrap();
    let Some(MessageResponse::ListServicesResponse(services)) = response.message_response else {
        panic!("unexpected reflection response");
    };
    let names: Vec<_> = services.service.into_iter().map(|s| s.name).collect();
    assert!(
        names.contains(&"gatehouse.v1.TenantService".to_owned()),
        "{names:?}"
    );
    assert!(
        names.contains(&"grpc.health.v1.Health".to_owned()),
        "{names:?}"
    );
}

#[tokio::test]
async fn grpc_responses_carry_the_request_id() {
    let app = TestApp::spawn().await;
    let context = app.operator().request_id("trace-me-42");
    let response = app
        .core()
        .tenants()
        .list_tenants(context.request(v1::ListTenantsRequest::default()))
        .await
        .unwrap();
    assert_eq!(
        response.metadata().get("x-request-id").unwrap(),
        "trace-me-42"
    );

    let refused = app
        .core()
        .tenants()
        .list_tenants(
            CallContext::default()
                .request_id("refused-1")
                .request(v1::ListTenantsRequest::default()),
        )
        .await
        .unwrap_err();
    assert_eq!(refused.metadata().get("x-request-id").unwrap(), "refused-1");
}
