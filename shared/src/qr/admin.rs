//! What admins set on QR codes, checked.

use jiff::Timestamp;
use serde::Deserialize;

use super::QrCodeRecord;
use crate::audit::model::{AuditEntry, Change, Subject};
use crate::error::{Error, Result};
use crate::ids::{HotelSlug, QrCode, UserId};
use crate::store::{Store, Write};
use crate::text;

/// A location is part of the listing's sort key, so it keeps to a short, plain text.
const MAX_LOCATION: usize = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    pub label: Option<String>,
    pub location: Option<String>,
    pub active: Option<bool>,
}

impl Changes {
    pub fn checked(self) -> Result<Self> {
        let location = self.location.map(location).transpose()?;
        let label = self
            .label
            .map(|label| text::name("label", label))
            .transpose()?;
        Ok(Self {
            label,
            location,
            active: self.active,
        })
    }

    pub fn apply(self, qr: &mut QrCodeRecord) {
        if let Some(label) = self.label {
            qr.label = label;
        }
        if let Some(location) = self.location {
            qr.location = location;
        }
        if let Some(active) = self.active {
            qr.active = active;
        }
    }
}

fn location(value: String) -> Result<String> {
    text::required("location", value, MAX_LOCATION)
}

/// The QR code of `hotel`, active or not. A code of another hotel is not found.
pub async fn of_hotel(store: &dyn Store, hotel: &HotelSlug, code: &QrCode) -> Result<QrCodeRecord> {
    store
        .qr_code(code)
        .await?
        .filter(|qr| &qr.hotel == hotel)
        .ok_or(Error::NotFound("QR code"))
}

/// The audit entry of a code created (`previous` `None`) or changed by `actor`.
pub fn audited(
    previous: Option<&QrCodeRecord>,
    qr: &QrCodeRecord,
    actor: UserId,
    now: Timestamp,
) -> Result<Option<AuditEntry>> {
    Change {
        subject: Subject::QrCode,
        subject_id: qr.code.to_string(),
        subject_label: qr.label.clone(),
        before: previous,
        after: qr,
        ignore: &["hotel", "code", "scan_count", "created_at"],
    }
    .entry(&qr.hotel, actor, now)
}

/// Writes `qr` over `previous` (if anything changed) with its audit entry, in one transaction.
pub async fn save(
    store: &dyn Store,
    previous: &QrCodeRecord,
    qr: &QrCodeRecord,
    actor: UserId,
    now: Timestamp,
) -> Result<()> {
    let Some(entry) = audited(Some(previous), qr, actor, now)? else {
        return Ok(());
    };
    store
        .transact(&[
            Write::UpdateQrCode { qr, previous },
            Write::InsertAudit(&entry),
        ])
        .await
}
