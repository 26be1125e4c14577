//! Hotels, their departments, experiences and QR codes.

use async_trait::async_trait;

use super::page::{Page, PageRequest};
use crate::audit::model::AuditEntry;
use crate::departments::Department;
use crate::error::Result;
use crate::experiences::Experience;
use crate::hotels::model::Hotel;
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode};
use crate::qr::QrCodeRecord;

#[async_trait]
pub trait HotelStore: Send + Sync {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>>;

    /// All departments of a hotel, active or not, by slug.
    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>>;

    async fn department(
        &self,
        hotel: &HotelSlug,
        slug: &DepartmentSlug,
    ) -> Result<Option<Department>>;

    /// Experiences shown to the public (see `Experience::is_listed`), in display order,
    /// optionally of one department.
    async fn listed_experiences(
        &self,
        hotel: &HotelSlug,
        department: Option<&DepartmentSlug>,
        page: &PageRequest,
    ) -> Result<Page<Experience>>;

    async fn experience(&self, hotel: &HotelSlug, id: ExperienceId) -> Result<Option<Experience>>;

    /// Counts a scan of an active QR code and returns it; `None` when unknown or inactive.
    async fn scan_qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>>;

    /// A QR code, active or not, without counting a scan.
    async fn qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>>;

    /// Every hotel, active or not, by slug.
    async fn all_hotels(&self, page: &PageRequest) -> Result<Page<Hotel>>;

    /// Every experience of a hotel, active or not, by id (admin listing).
    async fn experiences(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<Experience>>;

    /// Every QR code of a hotel, active or not, by location.
    async fn qr_codes(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<QrCodeRecord>>;

    /// A hotel's audit log, newest first; entries past their retention are left out (a page
    /// may come back short).
    async fn audit(
        &self,
        hotel: &HotelSlug,
        page: &PageRequest,
        now: jiff::Timestamp,
    ) -> Result<Page<AuditEntry>>;
}
