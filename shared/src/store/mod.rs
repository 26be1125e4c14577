//! The store: every read and write the domain needs, behind one trait.
//!
//! Domain code sees this trait and domain types only; `dynamo` is the one implementation and
//! the only module that knows DynamoDB. Invariants live in the writes themselves: every
//! `Write` carries a condition, and `transact` applies a list of them atomically or not at all.

pub mod dynamo;
pub mod keys;
mod page;

use async_trait::async_trait;

use crate::departments::Department;
use crate::error::{Error, Result, Unique};
use crate::experiences::Experience;
use crate::hotels::Hotel;
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode, UserId};
use crate::jobs::Heartbeat;
use crate::members::Membership;
use crate::qr::QrCodeRecord;
use crate::users::{Email, Phone, User};

pub use page::{Cursor, Page, PageRequest};

#[async_trait]
pub trait Store: Send + Sync {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>>;

    /// All departments of a hotel, active or not, by slug.
    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>>;

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

    async fn user(&self, id: UserId) -> Result<Option<User>>;
    async fn user_by_email(&self, email: &Email) -> Result<Option<User>>;
    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>>;

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>>;

    /// Every job's last heartbeat.
    async fn heartbeats(&self) -> Result<Vec<Heartbeat>>;

    /// Applies all writes or none. When a write's condition fails, the error is that
    /// write's `conflict`.
    async fn transact(&self, writes: &[Write<'_>]) -> Result<()>;
}

/// One conditional write. Inserts require that the thing does not exist yet; a user insert
/// also claims the user's email and phone, which must be free.
#[derive(Debug, Clone, Copy)]
pub enum Write<'a> {
    InsertHotel(&'a Hotel),
    InsertDepartment(&'a Department),
    InsertExperience(&'a Experience),
    InsertQrCode(&'a QrCodeRecord),
    InsertUser(&'a User),
    InsertMembership(&'a Membership),
}

/// Which item of a write failed its condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The thing itself.
    Main,
    /// A uniqueness claim on one of its values.
    Claim(Unique),
}

impl Write<'_> {
    /// The error a failed condition means, for the caller.
    pub fn conflict(&self, part: Part) -> Error {
        match (self, part) {
            (_, Part::Claim(unique)) => Error::Taken(unique),
            (Write::InsertHotel(_), Part::Main) => {
                Error::conflict("hotel_exists", "A hotel with this slug already exists.")
            }
            (Write::InsertDepartment(_), Part::Main) => Error::conflict(
                "department_exists",
                "A department with this slug already exists in this hotel.",
            ),
            (Write::InsertExperience(_), Part::Main) => {
                Error::conflict("experience_exists", "This experience already exists.")
            }
            (Write::InsertQrCode(_), Part::Main) => {
                Error::conflict("qr_code_exists", "This QR code already exists.")
            }
            (Write::InsertUser(_), Part::Main) => {
                Error::conflict("user_exists", "This user already exists.")
            }
            (Write::InsertMembership(_), Part::Main) => Error::conflict(
                "member_exists",
                "This person is already a member of this hotel.",
            ),
        }
    }
}
