//! Users, and their memberships of hotels.

use async_trait::async_trait;
use serde::Serialize;

use super::errors::sdk_error;
use super::ops::{key_map, to_item, with_index, with_key};
use super::{DynamoStore, INDEX1, Item, from_item};
use crate::error::{Error, Result};
use crate::ids::{HotelSlug, UserId};
use crate::members::Membership;
use crate::store::keys::{Key, SK};
use crate::store::{UserStore, keys};
use crate::users::{Email, Phone, User};

#[async_trait]
impl UserStore for DynamoStore {
    async fn user(&self, id: UserId) -> Result<Option<User>> {
        self.get_consistent(keys::user(id)).await
    }

    async fn user_by_email(&self, email: &Email) -> Result<Option<User>> {
        self.user_by_claim(keys::email_claim(email)).await
    }

    async fn user_by_phone(&self, phone: &Phone) -> Result<Option<User>> {
        self.user_by_claim(keys::phone_claim(phone)).await
    }

    async fn membership(&self, hotel: &HotelSlug, user: UserId) -> Result<Option<Membership>> {
        self.get_consistent(keys::membership(hotel, user)).await
    }

    async fn membership_and_user(
        &self,
        hotel: &HotelSlug,
        user: UserId,
    ) -> Result<(Option<Membership>, Option<User>)> {
        let wanted = aws_sdk_dynamodb::types::KeysAndAttributes::builder()
            .keys(key_map(keys::membership(hotel, user)))
            .keys(key_map(keys::user(user)))
            .consistent_read(true)
            .build()
            .map_err(Error::internal)?;
        let mut request = Some(wanted);
        let (mut membership, mut account) = (None, None);
        // BatchGetItem may leave keys unprocessed under load; they are asked for again.
        while let Some(wanted) = request.take() {
            let output = self
                .client
                .batch_get_item()
                .request_items(&self.table, wanted)
                .send()
                .await
                .map_err(sdk_error)?;
            for item in output
                .responses
                .and_then(|mut r| r.remove(&self.table))
                .unwrap_or_default()
            {
                let is_user = item
                    .get(SK)
                    .and_then(|sk| sk.as_s().ok())
                    .map(String::as_str)
                    == Some("USER");
                if is_user {
                    account = Some(from_item(item)?);
                } else {
                    membership = Some(from_item(item)?);
                }
            }
            request = output
                .unprocessed_keys
                .and_then(|mut unprocessed| unprocessed.remove(&self.table));
        }
        Ok((membership, account))
    }

    async fn memberships_of(&self, user: UserId) -> Result<Vec<Membership>> {
        self.query_all(Some(INDEX1), keys::user_pk(user), Some(keys::MEMBER_PREFIX))
            .await
    }

    async fn members(&self, hotel: &HotelSlug) -> Result<Vec<Membership>> {
        self.query_all(None, keys::hotel_pk(hotel), Some(keys::MEMBER_PREFIX))
            .await
    }

    async fn users(&self, ids: &[UserId]) -> Result<Vec<User>> {
        let mut users = Vec::with_capacity(ids.len());
        // BatchGetItem takes at most 100 keys; it may leave some unprocessed, to ask again.
        for chunk in ids.chunks(100) {
            let keys = chunk.iter().map(|id| key_map(keys::user(*id))).collect();
            let mut request = Some(
                aws_sdk_dynamodb::types::KeysAndAttributes::builder()
                    .set_keys(Some(keys))
                    .build()
                    .map_err(Error::internal)?,
            );
            while let Some(wanted) = request.take() {
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, wanted)
                    .send()
                    .await
                    .map_err(sdk_error)?;
                if let Some(items) = output.responses.and_then(|mut r| r.remove(&self.table)) {
                    for item in items {
                        users.push(from_item(item)?);
                    }
                }
                request = output
                    .unprocessed_keys
                    .and_then(|mut unprocessed| unprocessed.remove(&self.table));
            }
        }
        Ok(users)
    }
}

impl DynamoStore {
    /// The user an email or phone claim points at.
    async fn user_by_claim(&self, key: Key) -> Result<Option<User>> {
        let claim: Option<Claim> = self.get_consistent(key).await?;
        match claim {
            Some(claim) => self.user(claim.user_id).await,
            None => Ok(None),
        }
    }
}

/// A uniqueness claim: the email or phone item pointing at its user.
#[derive(Serialize, serde::Deserialize)]
pub struct Claim {
    pub user_id: UserId,
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
