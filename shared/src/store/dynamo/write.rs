//! Conditional writes, applied together or not at all.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::AttributeValue;

use super::errors::transaction_error;
use super::hotels::{department_item, experience_item, hotel_item};
use super::limits::held;
use super::notifications::notification_item;
use super::ops::{
    Condition, NOT_EXISTS, Op, insert, key_map, replace, to_item, with_index, with_key,
};
use super::requests::request_item;
use super::sessions::session_item;
use super::stays::stay_item;
use super::users::{Claim, membership_item};
use super::{DynamoStore, INDEX1, s};
use crate::error::{Error, Result, Unique};
use crate::idempotency::model::State;
use crate::members::{Membership, Role};
use crate::store::{KNOWN_NETWORK_DAYS, Part, Transact, Write, keys};
use crate::users::User;

#[async_trait]
impl Transact for DynamoStore {
    async fn transact(&self, writes: &[Write<'_>]) -> Result<()> {
        let mut ops = Vec::new();
        for (index, write) in writes.iter().enumerate() {
            for (op, part) in ops_of(write)? {
                ops.push((op, index, part));
            }
        }
        // One item needs no transaction, which would cost twice the write capacity.
        if let [(op, _, _)] = ops.as_slice()
            && !matches!(op, Op::Check { .. })
            && let Some((op, index, part)) = ops.pop()
        {
            return self.execute(op, &writes[index], part).await;
        }
        let mut parts = Vec::with_capacity(ops.len());
        let mut items = Vec::with_capacity(ops.len());
        for (op, index, part) in ops {
            items.push(op.into_transact_item(&self.table)?);
            parts.push((index, part));
        }
        let result = self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        result.map(drop).map_err(|err| {
            transaction_error(err, |position| {
                parts
                    .get(position)
                    .map(|(index, part)| writes[*index].conflict(*part))
            })
        })
    }
}

/// The operations of one write.
pub fn ops_of(write: &Write<'_>) -> Result<Vec<(Op, Part)>> {
    Ok(match write {
        Write::InsertHotel(hotel) => insert(hotel_item(hotel)?),
        Write::ReplaceHotel { hotel, previous } => {
            vec![replace(hotel_item(hotel)?, &previous.updated_at)]
        }
        Write::InsertDepartment(department) => insert(department_item(department)?),
        Write::ReplaceDepartment {
            department,
            previous,
        } => vec![replace(department_item(department)?, &previous.updated_at)],
        Write::CheckDepartment(department) => vec![(
            Op::Check {
                key: keys::department(&department.hotel, &department.slug),
                condition: Condition::new("updated_at = :previous")
                    .value(":previous", s(department.updated_at.to_string())),
            },
            Part::Main,
        )],
        Write::ReplaceExperience {
            experience,
            previous,
        } => vec![replace(experience_item(experience)?, &previous.updated_at)],
        Write::UpdateQrCode { qr, previous } => vec![(
            Op::Update {
                key: keys::qr_code(&qr.code),
                update: "SET #label = :label, #location = :location, #active = :active, \
                         GSI1SK = :position"
                    .into(),
                condition: Condition::new(
                    "hotel = :hotel AND #label = :was_label AND #location = :was_location \
                     AND #active = :was_active",
                )
                .name("#label", "label")
                .name("#location", "location")
                .name("#active", "active")
                .value(":label", s(qr.label.clone()))
                .value(":location", s(qr.location.clone()))
                .value(":active", AttributeValue::Bool(qr.active))
                .value(
                    ":position",
                    s(keys::hotel_qr_codes(&qr.hotel, &qr.location, &qr.code).1),
                )
                .value(":hotel", s(qr.hotel.to_string()))
                .value(":was_label", s(previous.label.clone()))
                .value(":was_location", s(previous.location.clone()))
                .value(":was_active", AttributeValue::Bool(previous.active)),
            },
            Part::Main,
        )],
        Write::InsertAudit(entry) => insert(with_key(
            to_item(entry)?,
            keys::audit(&entry.hotel, entry.at, entry.id),
        )),
        Write::ExtendStay { stay, check_out } => vec![(
            Op::Update {
                key: keys::stay(stay.guest, stay.id),
                update: "SET check_out = :new, GSI2SK = :position".into(),
                condition: Condition::new("active = :true AND check_out = :check_out")
                    .value(":true", AttributeValue::Bool(true))
                    .value(":check_out", s(stay.check_out.to_string()))
                    .value(":new", s(check_out.to_string()))
                    .value(":position", s(keys::active_stays(*check_out, stay.id).1)),
            },
            Part::Main,
        )],
        Write::InsertExperience(experience) => insert(experience_item(experience)?),
        Write::InsertQrCode(qr) => insert(with_index(
            with_key(to_item(qr)?, keys::qr_code(&qr.code)),
            INDEX1,
            keys::hotel_qr_codes(&qr.hotel, &qr.location, &qr.code),
        )),
        Write::InsertUser(user) => {
            let mut ops = insert(with_key(to_item(user)?, keys::user(user.id)));
            ops.extend(claims(user, None)?);
            ops
        }
        Write::InsertMembership(membership) => {
            let mut ops = insert(membership_item(membership)?);
            if is_active_superadmin(membership) {
                ops.push(count_superadmin(membership, 1));
            }
            ops
        }
        Write::ReplaceMembership {
            membership,
            previous,
        } => {
            let mut ops = vec![replace(membership_item(membership)?, &previous.updated_at)];
            match (
                is_active_superadmin(previous),
                is_active_superadmin(membership),
            ) {
                (true, false) => ops.push(count_superadmin(membership, -1)),
                (false, true) => ops.push(count_superadmin(membership, 1)),
                _ => {}
            }
            ops
        }
        Write::InsertOtp(otp) => insert(with_key(
            to_item(otp)?,
            keys::otp(&otp.phone, &otp.scope, otp.id),
        )),
        Write::InsertStay(stay) => insert(stay_item(stay)?),
        Write::InsertSession(session) => insert(session_item(session)?),
        Write::ConsumeOtp {
            otp,
            now,
            tries,
            max_attempts,
        } => vec![(
            Op::Update {
                key: keys::otp(&otp.phone, &otp.scope, otp.id),
                update: "SET used = :true, used_at = :now".into(),
                // Expiry is in the condition too: a code read a moment before it expired is
                // not good a moment after.
                condition: Condition::new(
                    "used = :false AND valid_until > :now_secs AND #tries < :max \
                     AND code_hash = :hash",
                )
                .name("#tries", tries.attribute())
                .value(":true", AttributeValue::Bool(true))
                .value(":false", AttributeValue::Bool(false))
                .value(":now", s(now.to_string()))
                .value(":now_secs", AttributeValue::N(now.as_second().to_string()))
                .value(":max", AttributeValue::N(max_attempts.to_string()))
                .value(":hash", s(otp.code_hash.clone())),
            },
            Part::Main,
        )],
        Write::RememberNetwork { phone, network, at } => {
            let mut item = key_map(keys::known_network(phone, network));
            let until = at.as_second() + KNOWN_NETWORK_DAYS * 24 * 3600;
            item.insert("expires_at".into(), AttributeValue::N(until.to_string()));
            vec![(
                Op::Put {
                    item,
                    condition: Condition::default(),
                },
                Part::Main,
            )]
        }
        Write::InsertRequest(request) => insert(request_item(request)?),
        Write::ReplaceRequest {
            request,
            expected_version,
        } => vec![(
            Op::Put {
                item: request_item(request)?,
                condition: Condition::new("version = :expected")
                    .value(":expected", AttributeValue::N(expected_version.to_string())),
            },
            Part::Main,
        )],
        Write::CheckRequest(request) => vec![(
            Op::Check {
                key: keys::request(request.id),
                condition: Condition::new("version = :version")
                    .value(":version", AttributeValue::N(request.version.to_string())),
            },
            Part::Main,
        )],
        Write::InsertActivity(activity) => insert(with_index(
            with_key(
                to_item(activity)?,
                keys::activity(activity.request, activity.id),
            ),
            INDEX1,
            keys::hotel_activity(&activity.hotel, activity.id),
        )),
        Write::InsertNotification(notification) => insert(notification_item(notification)?),
        Write::ClaimIdempotency { record, now } => vec![(
            Op::Put {
                item: with_key(
                    to_item(record)?,
                    keys::idempotency(record.user, &record.key),
                ),
                condition: Condition::new(
                    "attribute_not_exists(PK) OR expires_at < :now \
                     OR (#state = :in_flight AND claimed_at < :abandoned)",
                )
                .name("#state", "state")
                .value(":now", AttributeValue::N(now.as_second().to_string()))
                .value(
                    ":in_flight",
                    serde_dynamo::to_attribute_value(State::InFlight).map_err(Error::internal)?,
                )
                .value(
                    ":abandoned",
                    AttributeValue::N(
                        now.saturating_sub(crate::idempotency::model::ABANDONED_AFTER)
                            .unwrap_or(*now)
                            .as_second()
                            .to_string(),
                    ),
                ),
            },
            Part::Main,
        )],
        Write::FinishIdempotency {
            record,
            status,
            body,
        } => vec![(
            Op::Update {
                key: keys::idempotency(record.user, &record.key),
                update: "SET #state = :done, response_status = :status, response_body = :body"
                    .into(),
                condition: held(record)?
                    .value(
                        ":done",
                        serde_dynamo::to_attribute_value(State::Done).map_err(Error::internal)?,
                    )
                    .value(":status", AttributeValue::N(status.to_string()))
                    .value(":body", s(*body)),
            },
            Part::Main,
        )],
        Write::InsertTimer(timer) => insert(with_key(to_item(timer)?, keys::timer(timer))),
        Write::DeleteTimer(timer) => vec![(
            Op::Delete {
                key: keys::timer(timer),
                condition: Condition::new("attribute_exists(PK)"),
            },
            Part::Main,
        )],
        Write::PutHeartbeat(heartbeat) => vec![(
            Op::Put {
                item: with_key(to_item(heartbeat)?, keys::heartbeat(&heartbeat.job)),
                condition: Condition::default(),
            },
            Part::Main,
        )],
        Write::InsertDigest { hotel, date, at } => {
            let mut item = key_map(keys::digest(hotel, *date));
            item.insert("sent_at".into(), s(at.to_string()));
            let keep = at
                .saturating_add(jiff::SignedDuration::from_hours(30 * 24))
                .unwrap_or(*at);
            item.insert(
                "expires_at".into(),
                AttributeValue::N(keep.as_second().to_string()),
            );
            insert(item)
        }
        Write::ReplacePushSubscriptions {
            subscriptions,
            previous_version,
        } => {
            let item = with_key(
                to_item(subscriptions)?,
                keys::push_subscriptions(subscriptions.user),
            );
            let condition = match previous_version {
                0 => Condition::new(NOT_EXISTS),
                version => Condition::new("version = :previous")
                    .value(":previous", AttributeValue::N(version.to_string())),
            };
            vec![(Op::Put { item, condition }, Part::Main)]
        }
        Write::DeleteOtp(otp) => vec![(
            Op::Delete {
                key: keys::otp(&otp.phone, &otp.scope, otp.id),
                condition: Condition::new("attribute_exists(PK)"),
            },
            Part::Main,
        )],
        Write::CheckStay(stay) => vec![(
            Op::Check {
                key: keys::stay(stay.guest, stay.id),
                condition: Condition::new("active = :true")
                    .value(":true", AttributeValue::Bool(true)),
            },
            Part::Main,
        )],
        Write::EndStay { stay, at } => vec![(
            Op::Update {
                key: keys::stay(stay.guest, stay.id),
                update: "SET active = :false, check_out = :ended REMOVE GSI2PK, GSI2SK".into(),
                condition: Condition::new("active = :true AND check_out = :check_out")
                    .value(":true", AttributeValue::Bool(true))
                    .value(":false", AttributeValue::Bool(false))
                    .value(":check_out", s(stay.check_out.to_string()))
                    .value(":ended", s(at.to_string())),
            },
            Part::Main,
        )],
        Write::ReplaceUser { user, previous } => {
            let mut ops = vec![(
                Op::Put {
                    item: with_key(to_item(user)?, keys::user(user.id)),
                    condition: Condition::new("updated_at = :previous")
                        .value(":previous", s(previous.updated_at.to_string())),
                },
                Part::Main,
            )];
            ops.extend(claims(user, Some(previous))?);
            ops
        }
    })
}

/// The claim items a user needs: new ones inserted, given-up ones deleted (only if still
/// this user's).
fn claims(user: &User, previous: Option<&User>) -> Result<Vec<(Op, Part)>> {
    let claim = to_item(&Claim { user_id: user.id })?;
    let email = |u: &User| u.email.as_ref().map(keys::email_claim);
    let phone = |u: &User| u.phone.as_ref().map(keys::phone_claim);
    let mut ops = Vec::new();
    for (unique, now, before) in [
        (Unique::Email, email(user), previous.and_then(email)),
        (Unique::Phone, phone(user), previous.and_then(phone)),
    ] {
        if now == before {
            continue;
        }
        if let Some(key) = now {
            ops.push((
                Op::Put {
                    item: with_key(claim.clone(), key),
                    condition: Condition::new(NOT_EXISTS),
                },
                Part::Claim(unique),
            ));
        }
        if let Some(key) = before {
            ops.push((
                Op::Delete {
                    key,
                    condition: Condition::new("user_id = :me").value(":me", s(user.id.to_string())),
                },
                Part::Release(unique),
            ));
        }
    }
    Ok(ops)
}

fn is_active_superadmin(membership: &Membership) -> bool {
    membership.active && membership.role == Role::Superadmin
}

/// Adds `delta` to the hotel's active-superadmin counter. Taking one away is conditional on one
/// remaining, so two demotions racing for the last two superadmins cannot both pass.
fn count_superadmin(membership: &Membership, delta: i8) -> (Op, Part) {
    let condition = if delta < 0 {
        Condition::new(&format!("{} > :one", keys::ACTIVE_SUPERADMINS))
            .value(":one", AttributeValue::N("1".into()))
    } else {
        Condition::default()
    }
    .value(":delta", AttributeValue::N(delta.to_string()));
    (
        Op::Update {
            key: keys::superadmins(&membership.hotel),
            update: format!("ADD {} :delta", keys::ACTIVE_SUPERADMINS),
            condition,
        },
        Part::LastSuperadmin,
    )
}
