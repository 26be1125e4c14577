//! An entry of a hotel's audit log: who changed which of its settings, when, from what to what.
//! Each is written in the same transaction as the change it records.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::ids::{AuditId, HotelSlug, UserId};

/// How long an entry is kept: a little over a year, so that a season can be compared with the
/// last. DynamoDB's TTL deletes it after that; reads skip it from then on.
pub const AUDIT_RETENTION_DAYS: i64 = 400;

/// What was changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Hotel,
    Department,
    Member,
    QrCode,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Created,
    Updated,
    Deactivated,
}

/// One field's move.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: String,
    /// `null` when the thing was created.
    pub before: Value,
    pub after: Value,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub hotel: HotelSlug,
    pub id: AuditId,
    pub at: Timestamp,
    /// Who made the change (a member, or the platform operator).
    pub actor: UserId,
    pub subject: Subject,
    /// The department's slug, the member's user id, the QR code, or the hotel's slug.
    pub subject_id: String,
    /// What the subject was called when it changed (its name, label, or the hotel's name).
    pub subject_label: String,
    pub action: Action,
    pub changes: Vec<FieldChange>,
    /// Epoch seconds: the TTL.
    pub expires_at: i64,
}

/// Describes a change of one thing; `entry` makes it an entry when anything moved.
pub struct Change<'a, T> {
    pub subject: Subject,
    pub subject_id: String,
    pub subject_label: String,
    pub before: Option<&'a T>,
    pub after: &'a T,
    /// Fields that are bookkeeping, not settings (`updated_at`, counters, keys).
    pub ignore: &'a [&'a str],
}

impl<T: Serialize> Change<'_, T> {
    /// The entry of this change by `actor` at `at`, or `None` when no audited field moved.
    pub fn entry(
        self,
        hotel: &HotelSlug,
        actor: UserId,
        at: Timestamp,
    ) -> Result<Option<AuditEntry>> {
        let changes = field_changes(self.before, self.after, self.ignore)?;
        if changes.is_empty() {
            return Ok(None);
        }
        let action = match self.before {
            None => Action::Created,
            Some(_) if deactivates(&changes) => Action::Deactivated,
            Some(_) => Action::Updated,
        };
        let keep = at
            .saturating_add(SignedDuration::from_hours(AUDIT_RETENTION_DAYS * 24))
            .unwrap_or(at);
        Ok(Some(AuditEntry {
            hotel: hotel.clone(),
            id: AuditId::generate(),
            at,
            actor,
            subject: self.subject,
            subject_id: self.subject_id,
            subject_label: self.subject_label,
            action,
            changes,
            expires_at: keep.as_second(),
        }))
    }
}

impl AuditEntry {
    pub fn is_expired(&self, now: Timestamp) -> bool {
        self.expires_at <= now.as_second()
    }
}

fn deactivates(changes: &[FieldChange]) -> bool {
    changes.iter().any(|c| {
        c.field == "active" && c.before == Value::Bool(true) && c.after == Value::Bool(false)
    })
}

/// The top-level fields of `after` that differ from `before`'s (all of them when there is no
/// `before`), in field order, except `ignore`d ones. Nested values are compared whole.
pub fn field_changes<T: Serialize>(
    before: Option<&T>,
    after: &T,
    ignore: &[&str],
) -> Result<Vec<FieldChange>> {
    let fields = |value: &T| match serde_json::to_value(value).map_err(Error::internal)? {
        Value::Object(map) => Ok(map),
        _ => Err(Error::internal_msg(
            "an audited record is not a JSON object",
        )),
    };
    let after = fields(after)?;
    let before = before.map(fields).transpose()?.unwrap_or_default();
    let mut names: Vec<&String> = after.keys().chain(before.keys()).collect();
    names.sort();
    names.dedup();
    Ok(names
        .into_iter()
        .filter(|name| !ignore.contains(&name.as_str()))
        .filter_map(|name| {
            let was = before.get(name).cloned().unwrap_or(Value::Null);
            let now = after.get(name).cloned().unwrap_or(Value::Null);
            (was != now).then(|| FieldChange {
                field: name.clone(),
                before: was,
                after: now,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Thing {
        name: &'static str,
        minutes: u32,
        active: bool,
        updated_at: u32,
    }

    const THING: Thing = Thing {
        name: "Spa",
        minutes: 10,
        active: true,
        updated_at: 1,
    };

    fn change<'a>(before: Option<&'a Thing>, after: &'a Thing) -> Change<'a, Thing> {
        Change {
            subject: Subject::Department,
            subject_id: "spa".into(),
            subject_label: "Spa".into(),
            before,
            after,
            ignore: &["updated_at"],
        }
    }

    fn entry(before: Option<&Thing>, after: &Thing) -> Option<AuditEntry> {
        let hotel: HotelSlug = "demo".parse().unwrap();
        change(before, after)
            .entry(&hotel, UserId::generate(), Timestamp::UNIX_EPOCH)
            .unwrap()
    }

    #[test]
    fn only_moved_fields_are_recorded_and_bookkeeping_is_not() {
        let after = Thing {
            minutes: 15,
            updated_at: 2,
            ..THING
        };
        let entry = entry(Some(&THING), &after).unwrap();
        assert_eq!(entry.action, Action::Updated);
        assert_eq!(
            entry.changes,
            vec![FieldChange {
                field: "minutes".into(),
                before: 10.into(),
                after: 15.into(),
            }]
        );
        assert_eq!(entry.expires_at, AUDIT_RETENTION_DAYS * 24 * 3600);
        let touched = Thing {
            updated_at: 3,
            ..THING
        };
        assert!(
            self::entry(Some(&THING), &touched).is_none(),
            "nothing audited moved"
        );
    }

    #[test]
    fn creation_and_deactivation_are_named() {
        let created = entry(None, &THING).unwrap();
        assert_eq!(created.action, Action::Created);
        assert_eq!(created.changes.len(), 3);
        assert!(created.changes.iter().all(|c| c.before.is_null()));
        let closed = Thing {
            active: false,
            ..THING
        };
        assert_eq!(
            entry(Some(&THING), &closed).unwrap().action,
            Action::Deactivated
        );
    }
}
