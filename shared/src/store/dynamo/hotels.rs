//! Hotels, their departments, experiences and QR codes.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::errors::sdk_error;
use super::ops::{Condition, Conditional, key_map, to_item, with_index, with_key};
use super::{DynamoStore, INDEX1, INDEX2, Item, failed_condition, from_item, n};
use crate::audit::model::AuditEntry;
use crate::departments::Department;
use crate::error::Result;
use crate::experiences::Experience;
use crate::hotels::model::Hotel;
use crate::ids::{DepartmentSlug, ExperienceId, HotelSlug, QrCode};
use crate::qr::QrCodeRecord;
use crate::store::{HotelStore, Page, PageRequest, keys};

#[async_trait]
impl HotelStore for DynamoStore {
    async fn hotel(&self, slug: &HotelSlug) -> Result<Option<Hotel>> {
        self.get(keys::hotel(slug)).await
    }

    async fn departments(&self, hotel: &HotelSlug) -> Result<Vec<Department>> {
        self.query_all(None, keys::hotel_pk(hotel), Some(keys::DEPARTMENT_PREFIX))
            .await
    }

    async fn department(
        &self,
        hotel: &HotelSlug,
        slug: &DepartmentSlug,
    ) -> Result<Option<Department>> {
        self.get(keys::department(hotel, slug)).await
    }

    async fn listed_experiences(
        &self,
        hotel: &HotelSlug,
        department: Option<&DepartmentSlug>,
        page: &PageRequest,
    ) -> Result<Page<Experience>> {
        match department {
            None => {
                self.query_page(
                    Some(INDEX1),
                    keys::listed_experiences(hotel),
                    None,
                    page,
                    false,
                )
                .await
            }
            Some(department) => {
                let partition = keys::listed_department_experiences(hotel, department);
                self.query_page(Some(INDEX2), partition, None, page, false)
                    .await
            }
        }
    }

    async fn experience(&self, hotel: &HotelSlug, id: ExperienceId) -> Result<Option<Experience>> {
        self.get(keys::experience(hotel, id)).await
    }

    async fn scan_qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_map(keys::qr_code(code))))
            .update_expression("ADD scan_count :one")
            .condition(
                Condition::new("attribute_exists(PK) AND active = :active")
                    .value(":one", n(1))
                    .value(":active", AttributeValue::Bool(true)),
            )
            .return_values(ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => output.attributes.map(from_item).transpose(),
            Err(err) if err.as_service_error().is_some_and(failed_condition) => Ok(None),
            Err(err) => Err(sdk_error(err)),
        }
    }

    async fn qr_code(&self, code: &QrCode) -> Result<Option<QrCodeRecord>> {
        self.get_consistent(keys::qr_code(code)).await
    }

    async fn all_hotels(&self, page: &PageRequest) -> Result<Page<Hotel>> {
        self.query_page(Some(INDEX1), keys::HOTELS_PK.into(), None, page, false)
            .await
    }

    async fn experiences(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<Experience>> {
        self.query_page(
            None,
            keys::hotel_pk(hotel),
            Some(keys::EXPERIENCE_PREFIX),
            page,
            false,
        )
        .await
    }

    async fn qr_codes(&self, hotel: &HotelSlug, page: &PageRequest) -> Result<Page<QrCodeRecord>> {
        self.query_page(
            Some(INDEX1),
            keys::hotel_qr_codes_pk(hotel),
            None,
            page,
            false,
        )
        .await
    }

    async fn audit(
        &self,
        hotel: &HotelSlug,
        page: &PageRequest,
        now: jiff::Timestamp,
    ) -> Result<Page<AuditEntry>> {
        let mut listed: Page<AuditEntry> = self
            .query_page(None, keys::audit_pk(hotel), None, page, true)
            .await?;
        listed.items.retain(|entry| !entry.is_expired(now));
        Ok(listed)
    }
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
