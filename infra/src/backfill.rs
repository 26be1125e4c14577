//! Backfills: what an upgrade runs once so that items an earlier release wrote carry what this
//! one reads (docs/deploy.md, "Updates"). Each is idempotent (what is already right is left
//! alone) and resumable (run it again, or from the cursor it printed last); its writes are
//! conditional, so it is safe beside live traffic.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::AttributeValue;
use concierge::ids::HotelSlug;
use concierge::members::{Membership, Role};
use concierge::store::{Cursor, PageRequest, Store, keys};

/// What the backfill did to one hotel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The counter already held the count.
    Unchanged(u32),
    /// The counter was missing or wrong, and now holds the count.
    Written(u32),
}

/// The per-hotel counter of active superadmins (`HOTEL#<slug>` / `SUPERADMINS`), which
/// releases before hotel administration did not write: without it, no superadmin can be
/// demoted or deactivated, and a new one would start it at 1. Each hotel's counter is set to
/// its active superadmins, counted by a consistent query of its memberships, on condition
/// that the counter is still as read (absent, or the value seen). Every membership write that
/// adds or removes an active superadmin moves the counter in the same transaction, so a change
/// racing the backfill fails its write, and the hotel is counted again.
///
/// Hotels are read a page at a time (the listing index, no Scan) from `cursor`; `progress`
/// hears of each hotel and of each page's cursor, from which a later run can go on.
pub async fn superadmin_counters(
    client: &Client,
    store: &dyn Store,
    table: &str,
    mut cursor: Option<Cursor>,
    mut progress: impl FnMut(Progress<'_>),
) -> Result<usize, String> {
    let mut hotels = 0;
    loop {
        let page = store
            .all_hotels(&PageRequest {
                limit: 100,
                cursor: cursor.take(),
            })
            .await
            .map_err(|e| format!("listing hotels: {e}"))?;
        for hotel in &page.items {
            let outcome = recount_superadmins(client, table, &hotel.slug).await?;
            progress(Progress::Hotel(&hotel.slug, outcome));
            hotels += 1;
        }
        match page.next_cursor {
            Some(next) => {
                progress(Progress::Page(&next));
                cursor = Some(next);
            }
            None => return Ok(hotels),
        }
    }
}

/// What `superadmin_counters` reports as it goes.
pub enum Progress<'a> {
    Hotel(&'a HotelSlug, Outcome),
    /// Every hotel before this cursor is done.
    Page(&'a Cursor),
}

/// Sets one hotel's counter to its active superadmins, retrying while memberships change.
async fn recount_superadmins(
    client: &Client,
    table: &str,
    hotel: &HotelSlug,
) -> Result<Outcome, String> {
    let (pk, sk) = keys::superadmins(hotel);
    let key = [
        ("PK".to_owned(), AttributeValue::S(pk)),
        ("SK".to_owned(), AttributeValue::S(sk)),
    ];
    for _ in 0..10 {
        let stored = client
            .get_item()
            .table_name(table)
            .set_key(Some(key.clone().into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| format!("{hotel}: reading the counter: {e:?}"))?
            .item
            .and_then(|item| item.get(keys::ACTIVE_SUPERADMINS).cloned());
        let count = active_superadmins(client, table, hotel).await?;
        if stored == Some(number(count)) {
            return Ok(Outcome::Unchanged(count));
        }
        let update = client
            .update_item()
            .table_name(table)
            .set_key(Some(key.clone().into()))
            .update_expression("SET #count = :count")
            .expression_attribute_names("#count", keys::ACTIVE_SUPERADMINS)
            .expression_attribute_values(":count", number(count));
        let update = match stored {
            Some(seen) => update
                .condition_expression("#count = :seen")
                .expression_attribute_values(":seen", seen),
            None => update.condition_expression("attribute_not_exists(PK)"),
        };
        match update.send().await {
            Ok(_) => return Ok(Outcome::Written(count)),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                continue;
            }
            Err(err) => return Err(format!("{hotel}: writing the counter: {err:?}")),
        }
    }
    Err(format!(
        "{hotel}: its memberships kept changing; run the backfill again"
    ))
}

/// The hotel's active superadmins, read consistently, a page at a time.
async fn active_superadmins(
    client: &Client,
    table: &str,
    hotel: &HotelSlug,
) -> Result<u32, String> {
    let mut count = 0;
    let mut start = None;
    loop {
        let output = client
            .query()
            .table_name(table)
            .consistent_read(true)
            .key_condition_expression("PK = :pk AND begins_with(SK, :prefix)")
            .expression_attribute_values(":pk", AttributeValue::S(keys::hotel_pk(hotel)))
            .expression_attribute_values(":prefix", AttributeValue::S(keys::MEMBER_PREFIX.into()))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| format!("{hotel}: reading its members: {e:?}"))?;
        for item in output.items.unwrap_or_default() {
            let membership: Membership = serde_dynamo::from_item(item)
                .map_err(|e| format!("{hotel}: a membership that does not read: {e}"))?;
            if membership.active && membership.role == Role::Superadmin {
                count += 1;
            }
        }
        start = output.last_evaluated_key;
        if start.is_none() {
            return Ok(count);
        }
    }
}

fn number(n: u32) -> AttributeValue {
    AttributeValue::N(n.to_string())
}
