//! Experiences: what a hotel offers through a department (a massage, airport transfer…).

pub mod admin;
pub mod admin_list;
pub mod create;
pub mod deactivate;
pub mod get;
pub mod image;
pub mod list;
pub mod update;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Experience {
    pub hotel: HotelSlug,
    pub id: ExperienceId,
    pub department: DepartmentSlug,
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub category: String,
    pub image_url: Option<String>,
    /// Free text such as "€45 per person".
    pub price_text: Option<String>,
    /// Staff confirm or decline these requests before working them.
    pub requires_confirmation: bool,
    /// Lower comes first in listings.
    pub sort_order: u32,
    pub active: bool,
    /// Mirrors the department's state, so a closed department's experiences vanish with it.
    pub department_active: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Experience {
    /// Shown on public routes: active itself and in an active department.
    pub fn is_listed(&self) -> bool {
        self.active && self.department_active
    }
}

/// What anyone may see of an experience.
#[derive(Debug, Serialize)]
pub struct PublicExperience<'a> {
    pub id: ExperienceId,
    pub department: &'a DepartmentSlug,
    pub name: &'a str,
    pub description: &'a str,
    pub category: &'a str,
    pub image_url: Option<&'a str>,
    pub price_text: Option<&'a str>,
    pub requires_confirmation: bool,
}

impl<'a> From<&'a Experience> for PublicExperience<'a> {
    fn from(e: &'a Experience) -> Self {
        Self {
            id: e.id,
            department: &e.department,
            name: &e.name,
            description: &e.description,
            category: &e.category,
            image_url: e.image_url.as_deref(),
            price_text: e.price_text.as_deref(),
            requires_confirmation: e.requires_confirmation,
        }
    }
}
