//! What admins change on experiences, checked.

use serde::Deserialize;

use super::Experience;
use crate::error::{Error, Result};
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug};
use crate::store::Store;
use crate::text;

/// The settable fields; each left out stays as it is. `price_text` may be `""` to clear it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    pub department: Option<DepartmentSlug>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub price_text: Option<String>,
    pub requires_confirmation: Option<bool>,
    pub sort_order: Option<u32>,
    pub active: Option<bool>,
}

/// Checked changes: text trimmed; `price_text` `Some(None)` clears it.
pub struct Checked {
    pub department: Option<DepartmentSlug>,
    name: Option<String>,
    description: Option<String>,
    category: Option<String>,
    price_text: Option<Option<String>>,
    requires_confirmation: Option<bool>,
    sort_order: Option<u32>,
    active: Option<bool>,
}

impl Changes {
    pub fn checked(self) -> Result<Checked> {
        let words = |field: &str, value: Option<String>, max: usize, form: text::Form| {
            value
                .map(|value| {
                    text::optional(field, Some(value), max, form).map(Option::unwrap_or_default)
                })
                .transpose()
        };
        if self.sort_order.is_some_and(|order| order > 1_000_000) {
            return Err(Error::field("sort_order", "use 0 to 1000000"));
        }
        Ok(Checked {
            department: self.department,
            name: self.name.map(|name| text::name("name", name)).transpose()?,
            description: words("description", self.description, 2000, text::Form::Lines)?,
            category: words("category", self.category, 50, text::Form::Line)?,
            price_text: self
                .price_text
                .map(|price| text::optional("price_text", Some(price), 100, text::Form::Line))
                .transpose()?,
            requires_confirmation: self.requires_confirmation,
            sort_order: self.sort_order,
            active: self.active,
        })
    }
}

impl Checked {
    /// Applies the changes; `department_active` is the state of the experience's department
    /// after them.
    pub fn apply(self, experience: &mut Experience, department_active: bool) {
        if let Some(department) = self.department {
            experience.department = department;
        }
        if let Some(name) = self.name {
            experience.name = name;
        }
        if let Some(description) = self.description {
            experience.description = description;
        }
        if let Some(category) = self.category {
            experience.category = category;
        }
        if let Some(price) = self.price_text {
            experience.price_text = price;
        }
        if let Some(requires) = self.requires_confirmation {
            experience.requires_confirmation = requires;
        }
        if let Some(order) = self.sort_order {
            experience.sort_order = order;
        }
        if let Some(active) = self.active {
            experience.active = active;
        }
        experience.department_active = department_active;
    }
}

/// The experience of `hotel`, active or not.
pub async fn of_hotel(
    store: &dyn Store,
    hotel: &HotelSlug,
    id: ExperienceId,
) -> Result<Experience> {
    store
        .experience(hotel, id)
        .await?
        .ok_or(Error::NotFound("Experience"))
}
