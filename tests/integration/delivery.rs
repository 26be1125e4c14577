//! Delivery: the SMS fallback (queue, webhook, sweep — one SMS whoever asks) and the Gupshup
//! webhook (web push is `push.rs`). Faults are real: the SNS client points at a closed port,
//! the stand-in reports failures.

use std::sync::Arc;
use std::time::Duration;

use concierge::clock::ManualClock;
use concierge::delivery::sns::SnsSms;
use concierge::jobs::JobEvent;
use concierge::jobs::otp_sweep;
use concierge::otp::fallback::consume;
use concierge::otp::{Channel, DeliveryStatus, OtpCode, OtpScope};
use concierge::users::Phone;
use concierge::webhooks::gupshup::SECRET_HEADER;
use concierge_infra::LOCAL_WEBHOOK_SECRET;
use futures::future::join_all;
use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};

use crate::sdk_calls::{Call, SdkCalls};
use crate::support::{Browser, Stack, assert_error, emulator, random_secret, read, unique_phone};

/// A stack whose fallback messages are visible at once, on a clock the test moves.
async fn fallback_stack() -> (Stack, Arc<ManualClock>) {
    Stack::clocked(|config| config.delivery.sms_fallback_delay = Duration::ZERO).await
}

/// Sends a guest login code (room 101 of `demo`) to a fresh phone by WhatsApp; the phone and
/// its record.
async fn whatsapp_code(stack: &Stack) -> (String, OtpCode) {
    let phone = unique_phone();
    let qr = stack.demo_qr("demo", "101");
    let (status, body) = Browser::new(stack)
        .post("/auth/otp/send", json!({ "phone": phone, "qr": qr }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["channel"], "WHATSAPP");
    (phone.clone(), record(stack, &phone).await)
}

async fn record(stack: &Stack, phone: &str) -> OtpCode {
    stack
        .app
        .store
        .latest_otp(
            &Phone::parse(phone).unwrap(),
            &OtpScope::Hotel("demo".parse().unwrap()),
        )
        .await
        .unwrap()
        .expect("a code record")
}

fn sms_count(messages: &[Value]) -> usize {
    messages.iter().filter(|m| m["channel"] == "sms").count()
}

/// Posts a Gupshup v2 delivery event about `message_id` to the webhook.
async fn gupshup_event(
    stack: &Stack,
    secret: Option<&str>,
    message_id: &str,
    kind: &str,
) -> (u16, Value) {
    let mut request = stack
        .http
        .post(stack.url("/webhooks/gupshup"))
        .json(&json!({
            "app": "concierge", "timestamp": 1, "version": 2, "type": "message-event",
            "payload": { "id": format!("wamid.{message_id}"), "gsId": message_id, "type": kind,
                         "destination": "12025550100", "payload": {} },
        }));
    if let Some(secret) = secret {
        request = request.header(SECRET_HEADER, secret);
    }
    read(request.send().await.unwrap()).await
}

async fn verify(stack: &Stack, phone: &str, code: &str) -> u16 {
    let qr = stack.demo_qr("demo", "101");
    Browser::new(stack)
        .post(
            "/auth/otp/verify",
            json!({ "phone": phone, "code": code, "qr": qr, "name": "Sam" }),
        )
        .await
        .0
}

#[tokio::test]
async fn a_whatsapp_code_that_did_not_arrive_is_replaced_by_one_sms() {
    let (stack, _) = fallback_stack().await;
    stack.whatsapp_mode("silent").await;
    let (phone, _) = whatsapp_code(&stack).await;
    let whatsapp_code = stack.last_code(&phone).await;

    // The queue's consumer, through the local poller, as Lambda's would.
    assert_eq!(stack.runner.poll_queue().await.unwrap(), 1);
    let sent = stack.outbox(&phone).await;
    assert_eq!(sms_count(&sent), 1, "{sent:?}");
    let sms_code = stack.last_code(&phone).await;
    assert_ne!(sms_code, whatsapp_code, "a fresh code (F2)");

    // Hash, channel and flags were stored together (F29); the SMS code now works, once.
    let after = record(&stack, &phone).await;
    assert_eq!(after.channel, Channel::Sms);
    assert!(after.sms_fallback_sent);
    assert_eq!(verify(&stack, &phone, &whatsapp_code).await, 400);
    assert_eq!(verify(&stack, &phone, &sms_code).await, 200);

    // The sweep finds nothing left to do.
    let report = otp_sweep::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("sent"), 0, "{report:?}");
    assert_eq!(sms_count(&stack.outbox(&phone).await), 1);
}

/// The DynamoDB writes among `calls`, with their positions.
fn table_writes(calls: &[Call]) -> Vec<(usize, &Call)> {
    calls
        .iter()
        .enumerate()
        .filter(|(_, call)| {
            call.service == "dynamodb"
                && matches!(
                    call.operation.as_str(),
                    "PutItem"
                        | "UpdateItem"
                        | "DeleteItem"
                        | "TransactWriteItems"
                        | "BatchWriteItem"
                )
        })
        .collect()
}

#[tokio::test]
async fn the_fallback_stores_hash_channel_and_flags_in_one_update_after_the_sms() {
    let calls = SdkCalls::start(emulator()).await;
    let (stack, _) = Stack::clocked_at(&calls.endpoint, |config| {
        config.delivery.sms_fallback_delay = Duration::ZERO;
    })
    .await;
    stack.whatsapp_mode("silent").await;
    let (phone, _) = whatsapp_code(&stack).await;
    calls.reset();
    assert_eq!(stack.runner.poll_queue().await.unwrap(), 1);

    // On the wire: the claim, the SMS, then one write with everything the new code needs
    // (F29). Nothing about the code changes before the SMS is out (F9).
    let seen = calls.calls();
    let publishes: Vec<usize> = seen
        .iter()
        .enumerate()
        .filter(|(_, call)| call.service == "sns" && call.operation == "Publish")
        .map(|(at, _)| at)
        .collect();
    assert_eq!(publishes.len(), 1, "{seen:#?}");
    let (before, after): (Vec<_>, Vec<_>) = table_writes(&seen)
        .into_iter()
        .map(|(at, call)| (at < publishes[0], call))
        .partition(|(early, _)| *early);
    let expression = |call: &Call| {
        call.body["UpdateExpression"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(
        before.len(),
        1,
        "only the claim before the SMS: {before:#?}"
    );
    let claim = before[0].1;
    assert_eq!(claim.operation, "UpdateItem");
    assert!(
        !expression(claim).contains("code_hash") && !expression(claim).contains("channel"),
        "the claim leaves the old code alone: {}",
        expression(claim)
    );
    assert_eq!(after.len(), 1, "one write after the SMS: {after:#?}");
    let stored = after[0].1;
    assert_eq!(stored.operation, "UpdateItem");
    assert_eq!(
        stored.body["Key"], claim.body["Key"],
        "the same code's item"
    );
    let set = expression(stored);
    for attribute in [
        "code_hash",
        "channel",
        "sms_fallback_sent",
        "provider_message_id",
    ] {
        assert!(set.contains(attribute), "{attribute} in {set}");
    }
    assert!(
        stored.body["ConditionExpression"].is_string(),
        "conditional: {stored:?}"
    );

    let after = record(&stack, &phone).await;
    assert_eq!(
        (after.channel, after.sms_fallback_sent),
        (Channel::Sms, true)
    );
    assert_eq!(
        verify(&stack, &phone, &stack.last_code(&phone).await).await,
        200
    );
}

#[tokio::test]
async fn sweep_queue_and_webhook_racing_on_one_code_send_exactly_one_sms() {
    let (stack, clock) = fallback_stack().await;
    stack.whatsapp_mode("silent").await;
    let mut codes = Vec::new();
    for _ in 0..4 {
        codes.push(whatsapp_code(&stack).await);
    }
    // Past every sweep timer, still inside the codes' validity.
    clock.advance(SignedDuration::from_mins(2));
    for (phone, otp) in &codes {
        let message_id = otp
            .provider_message_id
            .clone()
            .expect("Gupshup's message id");
        let (sweep, polled, webhook) = tokio::join!(
            otp_sweep::JOB.run_once(stack.app, JobEvent::default()),
            stack.runner.poll_queue(),
            gupshup_event(&stack, Some(LOCAL_WEBHOOK_SECRET), &message_id, "failed"),
        );
        sweep.unwrap();
        polled.unwrap();
        assert_eq!(webhook.0, 200, "{webhook:?}");
        let sent = stack.outbox(phone).await;
        assert_eq!(sms_count(&sent), 1, "{phone}: {sent:?}");
    }
    // Whatever was left (a busy claim, a message not yet visible) finds nothing to do.
    otp_sweep::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    stack.runner.poll_queue().await.unwrap();
    for (phone, _) in &codes {
        assert_eq!(sms_count(&stack.outbox(phone).await), 1);
    }
}

#[tokio::test]
async fn one_queue_message_delivered_ten_times_sends_one_sms() {
    let (stack, _) = fallback_stack().await;
    stack.whatsapp_mode("silent").await;
    let (phone, otp) = whatsapp_code(&stack).await;
    let message = || json!({ "otp": otp.key() }).to_string();
    let outcomes = join_all((0..10).map(|_| consume(stack.app, message()))).await;
    assert!(outcomes.iter().any(Result::is_ok));
    // Copies that found the claim held fail, to come back later; when they do, nothing is left.
    for _ in 0..10 {
        consume(stack.app, message()).await.unwrap();
    }
    assert_eq!(sms_count(&stack.outbox(&phone).await), 1);
}

#[tokio::test]
async fn a_failed_sms_releases_the_claim_and_the_old_code_keeps_working() {
    let dead_sns = concierge_infra::emulator::sdk_config("http://127.0.0.1:9").await;
    let stack = Stack::demo_with(
        |config| config.delivery.sms_fallback_delay = Duration::ZERO,
        move |app| {
            app.with_sms(Arc::new(SnsSms::new(
                aws_sdk_sns::Client::new(&dead_sns),
                None,
            )))
        },
    )
    .await;
    stack.whatsapp_mode("silent").await;
    let (phone, _) = whatsapp_code(&stack).await;
    let whatsapp_code = stack.last_code(&phone).await;

    // SNS down: the message fails (and would come back), nothing is marked sent (F2).
    assert_eq!(stack.runner.poll_queue().await.unwrap(), 1);
    let after = record(&stack, &phone).await;
    assert!(!after.sms_fallback_sent);
    assert_eq!(
        after.sms_fallback_claimed_at, None,
        "the claim was released"
    );
    assert_eq!(after.channel, Channel::Whatsapp);
    // The code that did go out still logs in (F9).
    assert_eq!(verify(&stack, &phone, &whatsapp_code).await, 200);
}

#[tokio::test]
async fn an_undeliverable_whatsapp_message_brings_one_sms_at_once_and_no_later_duplicate() {
    let delay = Duration::from_secs(1);
    let (stack, clock) = Stack::clocked(|config| config.delivery.sms_fallback_delay = delay).await;
    stack.whatsapp_mode("undeliverable").await;
    let (phone, otp) = whatsapp_code(&stack).await;
    // The stand-in reports `failed` to the webhook, which falls back without waiting (F42).
    // The SMS goes out first and the code's record follows it: wait for both.
    let mut sent = Vec::new();
    for _ in 0..100 {
        sent = stack.outbox(&phone).await;
        if sms_count(&sent) == 1 && record(&stack, &phone).await.channel == Channel::Sms {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(sms_count(&sent), 1, "{sent:?}");
    assert_eq!(record(&stack, &phone).await.channel, Channel::Sms);

    // Everything else that asks for this code's SMS still comes: the queue's message once the
    // fallback delay is past, Gupshup retrying its report, and the sweep once its timer is due.
    // None of them may send another.
    tokio::time::sleep(delay).await;
    let mut delivered = 0;
    for _ in 0..50 {
        delivered += stack.runner.poll_queue().await.unwrap();
        if delivered > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        delivered, 1,
        "the delayed fallback message came and was handled"
    );
    let message_id = otp
        .provider_message_id
        .clone()
        .expect("Gupshup's message id");
    let retried = gupshup_event(&stack, Some(LOCAL_WEBHOOK_SECRET), &message_id, "failed").await;
    assert_eq!(retried.0, 200, "{retried:?}");
    clock.advance(SignedDuration::from_mins(2));
    let report = otp_sweep::JOB
        .run_once(stack.app, JobEvent::default())
        .await
        .unwrap();
    assert_eq!(report.get("sent"), 0, "{report:?}");
    let sent = stack.outbox(&phone).await;
    assert_eq!(sms_count(&sent), 1, "exactly one SMS: {sent:?}");
}

#[tokio::test]
async fn delivery_reports_move_forward_only_and_a_delivered_code_needs_no_sms() {
    let (stack, _) = fallback_stack().await;
    stack.whatsapp_mode("silent").await;
    let (phone, otp) = whatsapp_code(&stack).await;
    let id = otp.provider_message_id.clone().unwrap();
    for kind in ["enqueued", "delivered", "delivered", "sent", "failed"] {
        let answer = gupshup_event(&stack, Some(LOCAL_WEBHOOK_SECRET), &id, kind).await;
        assert_eq!(answer.0, 200, "{kind}: {answer:?}");
    }
    assert_eq!(
        record(&stack, &phone).await.delivery_status,
        DeliveryStatus::Delivered
    );
    stack.runner.poll_queue().await.unwrap();
    assert_eq!(
        sms_count(&stack.outbox(&phone).await),
        0,
        "delivered: no SMS"
    );
    // An event about a message that is not ours changes nothing and is still a 200.
    let unknown = gupshup_event(&stack, Some(LOCAL_WEBHOOK_SECRET), "not-ours", "failed").await;
    assert_eq!(unknown.0, 200);
}

#[tokio::test]
async fn the_webhook_refuses_a_wrong_or_missing_secret_and_bad_bodies() {
    let stack = Stack::demo().await;
    let (_, otp) = whatsapp_code(&stack).await;
    let id = otp.provider_message_id.clone().unwrap();
    for secret in [None, Some(""), Some("local-webhook-secreT"), Some("x")] {
        assert_error(
            &gupshup_event(&stack, secret, &id, "delivered").await,
            403,
            "forbidden",
        );
    }
    let malformed = stack
        .http
        .post(stack.url("/webhooks/gupshup"))
        .header(SECRET_HEADER, LOCAL_WEBHOOK_SECRET)
        .header("content-type", "application/json")
        .body("{\"type\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(read(malformed).await.0, 400);

    // No secret configured: everything is refused (F30).
    let open = Stack::with_config(|config| {
        let without_webhook = concierge::secrets::Secrets::new(&random_secret()).unwrap();
        config.secrets = concierge::secrets::SecretStore::given(without_webhook);
    })
    .await;
    assert_error(
        &gupshup_event(&open, Some(LOCAL_WEBHOOK_SECRET), "x", "failed").await,
        403,
        "forbidden",
    );
    assert_error(
        &gupshup_event(&open, None, "x", "failed").await,
        403,
        "forbidden",
    );
}

#[tokio::test]
async fn a_fallback_claim_is_exclusive_until_it_is_sixty_seconds_old() {
    let stack = Stack::demo().await;
    stack.whatsapp_mode("silent").await;
    let (_, otp) = whatsapp_code(&stack).await;
    let store = stack.app.store.as_ref();
    let timeout = concierge::otp::fallback::CLAIM_TIMEOUT;
    let at = |seconds: i64| {
        Timestamp::now()
            .saturating_add(SignedDuration::from_secs(seconds))
            .unwrap()
    };
    let claims = join_all((0..10).map(|_| store.claim_sms_fallback(&otp, at(0), timeout))).await;
    assert_eq!(
        claims.iter().filter(|c| matches!(c, Ok(true))).count(),
        1,
        "{claims:?}"
    );
    assert!(
        !store
            .claim_sms_fallback(&otp, at(59), timeout)
            .await
            .unwrap(),
        "still held"
    );
    // Its holder died: after 60 s the claim may be taken again (F36, F41).
    assert!(
        store
            .claim_sms_fallback(&otp, at(61), timeout)
            .await
            .unwrap()
    );
}
