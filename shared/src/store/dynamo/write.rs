//! Conditional writes, applied together or not at all.

use async_trait::async_trait;

use super::DynamoStore;
use super::errors::transaction_error;
use super::ops::{Op, ops_of};
use crate::error::Result;
use crate::store::Transact;
use crate::store::Write;

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
