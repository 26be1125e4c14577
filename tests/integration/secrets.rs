//! SPEC §11: the secrets come from Secrets Manager, fetched on the first invocation (never at
//! start-up), kept for the life of the process, and never printed.

use concierge::secrets::SecretStore;
use concierge_infra::emulator::sdk_config;
use serde_json::json;

use crate::support::{Browser, Stack, emulator, unique_table};

fn stored(secret_key: &str) -> String {
    json!({
        "secret_key": secret_key,
        "gupshup_api_key": "",
        "vapid_private_key": "",
        "gupshup_webhook_secret": "hook-secret-in-the-store",
    })
    .to_string()
}

#[tokio::test]
async fn secrets_are_fetched_on_first_need_and_kept() {
    let name = format!("{}-secrets", unique_table());
    let origin = format!("{name}-origin");
    let (adjusted, adjusted_origin) = (name.clone(), origin.clone());
    let stack = Stack::demo_with(
        move |config| {
            config.secrets =
                SecretStore::in_secrets_manager(adjusted).with_origin_secret(adjusted_origin)
        },
        |app| app,
    )
    .await;
    let client = aws_sdk_secretsmanager::Client::new(&sdk_config(emulator()).await);
    client
        .create_secret()
        .name(&origin)
        .secret_string("origin-secret-in-the-store")
        .send()
        .await
        .unwrap();
    // The stack started and seeded with no secret in the store: nothing was fetched yet.
    let browser = Browser::new(&stack);
    let (status, body) = browser.get("/auth/csrf").await;
    assert_eq!(status, 503, "no secret to fetch yet: {body}");
    assert!(!body.to_string().contains(&name), "{body}");

    client
        .create_secret()
        .name(&name)
        .secret_string(stored("first-master-secret-of-at-least-32-bytes"))
        .send()
        .await
        .unwrap();
    let staff = stack.staff("staff@demo.test").await;
    let (status, me) = staff.get("/auth/profile").await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        stack.app.config.origin_secret().map(|s| s.expose()),
        Some("origin-secret-in-the-store"),
        "the origin secret is fetched beside the others"
    );

    // Changed in the store, the secret is not fetched again: the session still checks out.
    client
        .put_secret_value()
        .secret_id(&name)
        .secret_string(stored("second-master-secret-of-at-least-32-bytes"))
        .send()
        .await
        .unwrap();
    let (status, _) = staff.get("/auth/profile").await;
    assert_eq!(status, 200, "the keys were kept, not fetched again");

    let printed = format!("{:?}", stack.app.config);
    for secret in [
        "first-master-secret",
        "hook-secret-in-the-store",
        "origin-secret-in-the-store",
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

#[tokio::test]
async fn no_secret_is_in_debug_output() {
    let stack = Stack::empty().await;
    let printed = format!("{:?}", stack.app.config);
    for secret in [
        concierge_infra::LOCAL_WEBHOOK_SECRET,
        concierge_infra::LOCAL_VAPID_PRIVATE_KEY,
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("SecretStore"), "{printed}");
}
