//! What each `Write` does to the table: the items it puts, updates or deletes, each with its
//! condition, and the part of the write it is (to name the failure).

use std::collections::HashMap;

use aws_sdk_dynamodb::operation::delete_item::builders::DeleteItemFluentBuilder;
use aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder;
use aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder;
use aws_sdk_dynamodb::types::builders::{
    ConditionCheckBuilder, DeleteBuilder, PutBuilder, UpdateBuilder,
};
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, TransactWriteItem, Update,
};
use serde::Serialize;

use super::{INDEX1, INDEX2, INDEX3, INDEX4, Index, Item};
use crate::departments::Department;
use crate::error::{Error, Result, Unique};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::idempotency::{IdempotencyRecord, State};
use crate::ids::UserId;
use crate::members::{Membership, Role};
use crate::notifications::Notification;
use crate::requests::ServiceRequest;
use crate::session::SessionFamily;
use crate::stays::GuestStay;
use crate::store::keys::{self, Key, PK, SK};
use crate::store::{KNOWN_NETWORK_DAYS, Part, Write};
use crate::users::User;

pub const NOT_EXISTS: &str = "attribute_not_exists(PK)";

/// A condition expression with its names and values (an update's values ride along with them);
/// `Condition::default()` is no condition. It reaches a request only through `Conditional`.
#[derive(Debug, Clone, Default)]
pub struct Condition {
    expression: String,
    names: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Condition {
    pub fn new(expression: &str) -> Self {
        Self {
            expression: expression.to_owned(),
            ..Self::default()
        }
    }

    pub fn value(mut self, placeholder: &str, value: AttributeValue) -> Self {
        self.values.insert(placeholder.to_owned(), value);
        self
    }

    /// Names an attribute whose name DynamoDB reserves (`status`, `state`, `read`…).
    pub fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names
            .insert(placeholder.to_owned(), attribute.to_owned());
        self
    }
}

/// A request that can carry a condition: the one way a `Condition` reaches DynamoDB, in and out
/// of transactions. DynamoDB refuses an empty expression and empty name or value maps, so an
/// empty condition sends no expression and empty maps are left out.
pub trait Conditional: Sized {
    fn condition(self, condition: Condition) -> Self;
}

macro_rules! conditional {
    ($($request:ty),*) => {$(
        impl Conditional for $request {
            fn condition(self, condition: Condition) -> Self {
                let Condition { expression, names, values } = condition;
                self.set_condition_expression((!expression.is_empty()).then_some(expression))
                    .set_expression_attribute_names((!names.is_empty()).then_some(names))
                    .set_expression_attribute_values((!values.is_empty()).then_some(values))
            }
        }
    )*};
}

conditional!(
    PutItemFluentBuilder,
    UpdateItemFluentBuilder,
    DeleteItemFluentBuilder,
    PutBuilder,
    UpdateBuilder,
    DeleteBuilder,
    ConditionCheckBuilder
);

/// One item operation.
#[derive(Debug, Clone)]
pub enum Op {
    Put {
        item: Item,
        condition: Condition,
    },
    /// `update` is an update expression; its values share the map with the condition's.
    Update {
        key: Key,
        update: String,
        condition: Condition,
    },
    Delete {
        key: Key,
        condition: Condition,
    },
    /// Only a condition on an item, inside a transaction.
    Check {
        key: Key,
        condition: Condition,
    },
}

impl Op {
    pub fn into_transact_item(self, table: &str) -> Result<TransactWriteItem> {
        let built = match self {
            Op::Put { item, condition } => TransactWriteItem::builder().put(
                Put::builder()
                    .table_name(table)
                    .set_item(Some(item))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            Op::Update {
                key,
                update,
                condition,
            } => TransactWriteItem::builder().update(
                Update::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .update_expression(update)
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            Op::Delete { key, condition } => TransactWriteItem::builder().delete(
                Delete::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
            // Without an expression the builder refuses to build: a check needs a condition.
            Op::Check { key, condition } => TransactWriteItem::builder().condition_check(
                ConditionCheck::builder()
                    .table_name(table)
                    .set_key(Some(key_map(key)))
                    .condition(condition)
                    .build()
                    .map_err(Error::internal)?,
            ),
        };
        Ok(built.build())
    }
}

pub fn key_map((pk, sk): Key) -> Item {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(pk)),
        (SK.to_owned(), AttributeValue::S(sk)),
    ])
}

pub fn to_item<T: Serialize>(value: &T) -> Result<Item> {
    serde_dynamo::to_item(value).map_err(|e| Error::internal_msg(format!("unwritable item: {e}")))
}

pub fn with_key(mut item: Item, (pk, sk): Key) -> Item {
    item.insert(PK.into(), AttributeValue::S(pk));
    item.insert(SK.into(), AttributeValue::S(sk));
    item
}

pub fn with_index(mut item: Item, index: Index, (pk, sk): Key) -> Item {
    item.insert(index.pk.into(), AttributeValue::S(pk));
    item.insert(index.sk.into(), AttributeValue::S(sk));
    item
}

/// A uniqueness claim: the email or phone item pointing at its user.
#[derive(Serialize, serde::Deserialize)]
pub struct Claim {
    pub user_id: UserId,
}

fn insert(item: Item) -> Vec<(Op, Part)> {
    vec![(
        Op::Put {
            item,
            condition: Condition::new(NOT_EXISTS),
        },
        Part::Main,
    )]
}

/// A put of `item` on condition that the stored one is unchanged since it was read.
fn replace(item: Item, previous_updated_at: &jiff::Timestamp) -> (Op, Part) {
    (
        Op::Put {
            item,
            condition: Condition::new("updated_at = :previous")
                .value(":previous", s(previous_updated_at.to_string())),
        },
        Part::Main,
    )
}

fn is_active_superadmin(membership: &Membership) -> bool {
    membership.active && membership.role == Role::Superadmin
}

/// Adds `delta` to the hotel's active-superadmin counter. Taking one away is conditional on one
/// remaining, so two demotions racing for the last two superadmins cannot both pass.
fn count_superadmin(membership: &Membership, delta: i8) -> (Op, Part) {
    let mut condition = Condition::default().value(":delta", AttributeValue::N(delta.to_string()));
    if delta < 0 {
        condition = Condition {
            expression: format!("{} > :one", keys::ACTIVE_SUPERADMINS),
            ..condition
        }
        .value(":one", AttributeValue::N("1".into()));
    }
    (
        Op::Update {
            key: keys::superadmins(&membership.hotel),
            update: format!("ADD {} :delta", keys::ACTIVE_SUPERADMINS),
            condition,
        },
        Part::LastSuperadmin,
    )
}

fn s(text: impl Into<String>) -> AttributeValue {
    AttributeValue::S(text.into())
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
        Write::UpdateQrCode(qr) => vec![(
            Op::Update {
                key: keys::qr_code(&qr.code),
                update: "SET #label = :label, #location = :location, #active = :active, \
                         GSI1SK = :position"
                    .into(),
                condition: Condition::new("attribute_exists(PK) AND hotel = :hotel")
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
                    .value(":hotel", s(qr.hotel.to_string())),
            },
            Part::Main,
        )],
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
                        now.saturating_sub(crate::idempotency::ABANDONED_AFTER)
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
        Write::EndStay(stay) => vec![(
            Op::Update {
                key: keys::stay(stay.guest, stay.id),
                update: "SET active = :false REMOVE GSI2PK, GSI2SK".into(),
                condition: Condition::new("active = :true AND check_out = :check_out")
                    .value(":true", AttributeValue::Bool(true))
                    .value(":false", AttributeValue::Bool(false))
                    .value(":check_out", s(stay.check_out.to_string())),
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

/// A hotel, in the index of all hotels.
pub fn hotel_item(hotel: &Hotel) -> Result<Item> {
    Ok(with_index(
        with_key(to_item(hotel)?, keys::hotel(&hotel.slug)),
        INDEX1,
        keys::hotels_index(&hotel.slug),
    ))
}

pub fn department_item(department: &Department) -> Result<Item> {
    Ok(with_key(
        to_item(department)?,
        keys::department(&department.hotel, &department.slug),
    ))
}

/// An experience, in the listing indexes only while it is listed (sparse indexes).
pub fn experience_item(experience: &Experience) -> Result<Item> {
    let item = with_key(
        to_item(experience)?,
        keys::experience(&experience.hotel, experience.id),
    );
    if !experience.is_listed() {
        return Ok(item);
    }
    let order = keys::experience_order(experience.sort_order, experience.id);
    let item = with_index(
        item,
        INDEX1,
        (keys::listed_experiences(&experience.hotel), order.clone()),
    );
    Ok(with_index(
        item,
        INDEX2,
        (
            keys::listed_department_experiences(&experience.hotel, &experience.department),
            order,
        ),
    ))
}

/// A membership, in its hotel's partition and its user's hotels (GSI1).
pub fn membership_item(membership: &Membership) -> Result<Item> {
    Ok(with_index(
        with_key(
            to_item(membership)?,
            keys::membership(&membership.hotel, membership.user),
        ),
        INDEX1,
        keys::user_memberships(membership.user, &membership.hotel),
    ))
}

/// A stay, in its hotel's stays, by its id and, while active, in the active stays.
pub fn stay_item(stay: &GuestStay) -> Result<Item> {
    let item = with_index(
        with_index(
            with_key(to_item(stay)?, keys::stay(stay.guest, stay.id)),
            INDEX1,
            keys::hotel_stays(&stay.hotel, stay.check_in, stay.id),
        ),
        INDEX3,
        keys::stay_by_id(stay.id),
    );
    Ok(if stay.active {
        with_index(item, INDEX2, keys::active_stays(stay.check_out, stay.id))
    } else {
        item
    })
}

pub fn session_item(session: &SessionFamily) -> Result<Item> {
    Ok(with_index(
        with_key(to_item(session)?, keys::session(session.id)),
        INDEX1,
        keys::user_sessions(session.user, session.id),
    ))
}

/// The condition that an idempotency claim is still the one `record` took.
pub fn held(record: &IdempotencyRecord) -> Result<Condition> {
    Ok(
        Condition::new("#state = :in_flight AND claimed_at = :claimed")
            .name("#state", "state")
            .value(
                ":in_flight",
                serde_dynamo::to_attribute_value(State::InFlight).map_err(Error::internal)?,
            )
            .value(
                ":claimed",
                AttributeValue::N(record.claimed_at.as_second().to_string()),
            ),
    )
}

/// A request, in its hotel's, its department's and its guest's listings, with the lowercase
/// text its search filter looks in.
pub fn request_item(request: &ServiceRequest) -> Result<Item> {
    let position = keys::request_position(request.created_at.as_millisecond(), request.id);
    let mut item = with_key(to_item(request)?, keys::request(request.id));
    item = with_index(
        item,
        INDEX1,
        (keys::hotel_requests(&request.hotel), position.clone()),
    );
    item = with_index(
        item,
        INDEX2,
        (
            keys::department_requests(&request.hotel, &request.department),
            position.clone(),
        ),
    );
    item = with_index(
        item,
        INDEX3,
        (keys::guest_requests(request.guest), position.clone()),
    );
    if !request.status.is_final() {
        item = with_index(
            item,
            INDEX4,
            (keys::open_requests(&request.hotel), position),
        );
    }
    let search = [
        request.details.as_str(),
        request.guest_name.as_str(),
        request.location.as_str(),
        request.experience_name.as_deref().unwrap_or(""),
    ]
    .join(" ")
    .to_lowercase();
    item.insert("search_text".into(), s(search));
    Ok(item)
}

/// A notification, in its recipient's unread index while unread.
pub fn notification_item(notification: &Notification) -> Result<Item> {
    let item = with_key(
        to_item(notification)?,
        keys::notification(notification.recipient, notification.id),
    );
    Ok(if notification.read {
        item
    } else {
        with_index(
            item,
            INDEX2,
            (
                keys::unread_notifications(notification.recipient),
                notification.id.to_string(),
            ),
        )
    })
}
