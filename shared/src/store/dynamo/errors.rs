//! From SDK failures to the domain's errors.

use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;

use crate::error::{Conflict, Error};

/// Maps an SDK failure: throttling and unreachable service become `Unavailable` (the caller may
/// retry), anything else `Internal`. Details are logged by the HTTP edge, never returned.
pub(super) fn sdk_error<E, R>(err: SdkError<E, R>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    let retryable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ServiceError(service) => matches!(
            service.err().code(),
            Some(
                "ProvisionedThroughputExceededException"
                    | "ThrottlingException"
                    | "RequestLimitExceeded"
                    | "InternalServerError"
            )
        ),
        _ => false,
    };
    let source = aws_sdk_dynamodb::error::DisplayErrorContext(err).to_string();
    if retryable {
        Error::Unavailable(source.into())
    } else {
        Error::internal_msg(source)
    }
}

/// Maps a failed transaction: the first item whose condition failed decides the error (via
/// `conflict_at`); items held by a concurrent transaction give a retryable conflict.
pub(super) fn transaction_error<R>(
    err: SdkError<TransactWriteItemsError, R>,
    conflict_at: impl Fn(usize) -> Option<Error>,
) -> Error
where
    R: std::fmt::Debug + Send + Sync + 'static,
{
    if let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) =
        err.as_service_error()
    {
        let reasons = cancelled.cancellation_reasons();
        let failed = reasons
            .iter()
            .position(|reason| reason.code() == Some("ConditionalCheckFailed"));
        if let Some(error) = failed.and_then(&conflict_at) {
            return error;
        }
        if reasons
            .iter()
            .any(|reason| reason.code() == Some("TransactionConflict"))
        {
            return Error::conflict(
                Conflict::ConcurrentUpdate,
                "Someone changed this at the same time. Try again.",
            );
        }
    }
    sdk_error(err)
}
