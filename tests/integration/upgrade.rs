//! Upgrades keep data: a table as an earlier release wrote it, upgraded by its backfill, works
//! with this release (docs/deploy.md, "Updates").

use aws_sdk_dynamodb::types::AttributeValue;
use concierge::ids::HotelSlug;
use concierge::store::keys;
use concierge_infra::backfill::{self, Outcome, Progress};
use concierge_infra::emulator::sdk_config;
use http::Method;
use serde_json::{Value, json};

use crate::support::{Browser, Stack, assert_error, emulator};

/// Runs the superadmin-counter backfill over the stack's table; each hotel's outcome.
async fn backfill_counters(stack: &Stack) -> Vec<(String, Outcome)> {
    let client = aws_sdk_dynamodb::Client::new(&sdk_config(emulator()).await);
    let mut outcomes = Vec::new();
    let hotels = backfill::superadmin_counters(
        &client,
        stack.app.store.as_ref(),
        &stack.app.config.table_name,
        None,
        |progress| {
            if let Progress::Hotel(hotel, outcome) = progress {
                outcomes.push((hotel.to_string(), outcome));
            }
        },
    )
    .await
    .expect("the backfill runs");
    assert_eq!(hotels, outcomes.len());
    outcomes.sort_by(|a, b| a.0.cmp(&b.0));
    outcomes
}

async fn change_role(superadmin: &mut Browser, member: &str, role: &str) -> (u16, Value) {
    superadmin
        .send(
            Method::PATCH,
            &format!("/hotels/demo/admin/members/{member}"),
            json!({ "role": role }),
        )
        .await
}

/// Releases before hotel administration kept no per-hotel superadmin counter. On such a table
/// the new release refuses to demote any superadmin (the counter is missing, or was started at
/// 1 by a promotion); the backfill counts them, after which the table behaves as if it had
/// always had the counter, and running it again changes nothing.
#[tokio::test]
async fn a_table_from_before_the_superadmin_counter_is_backfilled() {
    let stack = Stack::demo().await;
    let client = aws_sdk_dynamodb::Client::new(&sdk_config(emulator()).await);
    let slugs: Vec<String> = stack
        .demo
        .as_ref()
        .unwrap()
        .hotels
        .iter()
        .map(|h| h.slug.clone())
        .collect();
    // The previous release's table: everything but the counters.
    for slug in &slugs {
        let (pk, sk) = keys::superadmins(&slug.parse::<HotelSlug>().unwrap());
        client
            .delete_item()
            .table_name(&stack.app.config.table_name)
            .key("PK", AttributeValue::S(pk))
            .key("SK", AttributeValue::S(sk))
            .condition_expression("attribute_exists(PK)")
            .send()
            .await
            .expect("the demo seeded a counter to remove");
    }

    let mut superadmin = stack.staff("admin@demo.test").await;
    let (status, members) = superadmin.get("/hotels/demo/admin/members").await;
    assert_eq!(status, 200, "{members}");
    let manager = members["items"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|m| m["role"] == "ADMIN")
        .and_then(|m| m["user"].as_str())
        .expect("the demo's ADMIN")
        .to_owned();
    // Served by the new release before the backfill ran: the promotion starts the counter at 1,
    // though the hotel now has two superadmins, so neither can be demoted.
    let (status, body) = change_role(&mut superadmin, &manager, "SUPERADMIN").await;
    assert_eq!(status, 200, "{body}");
    let refused = change_role(&mut superadmin, &manager, "ADMIN").await;
    assert_error(&refused, 409, "last_superadmin");

    let outcomes = backfill_counters(&stack).await;
    let expected: Vec<(String, Outcome)> = slugs
        .iter()
        .map(|slug| {
            let count = if slug == "demo" { 2 } else { 1 };
            (slug.clone(), Outcome::Written(count))
        })
        .collect();
    let mut expected = expected;
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(outcomes, expected);

    let (status, body) = change_role(&mut superadmin, &manager, "ADMIN").await;
    assert_eq!(status, 200, "{body}");
    // The last superadmin holds again.
    let (status, profile) = superadmin.get("/auth/profile").await;
    assert_eq!(status, 200, "{profile}");
    let me = profile["user"]["id"]
        .as_str()
        .expect("the profile's id")
        .to_owned();
    let refused = change_role(&mut superadmin, &me, "ADMIN").await;
    assert_error(&refused, 409, "last_superadmin");

    // Every route still answers, in a real session.
    let problems = crate::deployment::refreshed_sample_problems(&stack).await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Idempotent: a second run finds every counter right.
    let again = backfill_counters(&stack).await;
    assert!(
        again
            .iter()
            .all(|(_, outcome)| *outcome == Outcome::Unchanged(1)),
        "{again:?}"
    );
}
