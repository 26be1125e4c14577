//! Reading the one uploaded file out of a `multipart/form-data` body.

use std::convert::Infallible;

use futures_util::stream;
use multer::{Constraints, Multipart, SizeLimit};

use crate::error::{Error, Result};

/// Room in the body for the multipart framing and small text fields around the file.
const FRAMING_BYTES: usize = 64 * 1024;

/// The bytes of the file sent in the form field `field_name`.
///
/// Refuses a body that is not `multipart/form-data` (415); a missing boundary, a malformed
/// body, a missing field or more than one file (400); a file over `max_file_bytes`, or a body
/// over that plus a little framing (413).
pub async fn read_file_field(
    content_type: &str,
    body: &[u8],
    field_name: &str,
    max_file_bytes: usize,
) -> Result<Vec<u8>> {
    if body.len() > max_file_bytes.saturating_add(FRAMING_BYTES) {
        return Err(Error::PayloadTooLarge);
    }
    let essence = content_type.split(';').next().unwrap_or("").trim();
    if !essence.eq_ignore_ascii_case("multipart/form-data") {
        return Err(Error::UnsupportedMediaType(
            "Send the image as multipart/form-data.",
        ));
    }
    let boundary = multer::parse_boundary(content_type)
        .ok()
        .filter(|boundary| !boundary.is_empty())
        .ok_or_else(|| Error::invalid("The multipart Content-Type has no boundary."))?;

    let per_field = u64::try_from(max_file_bytes).unwrap_or(u64::MAX);
    let constraints = Constraints::new().size_limit(SizeLimit::new().per_field(per_field));
    // Lambda hands us the whole body at once: the stream has a single chunk.
    let chunks = stream::iter([Ok::<_, Infallible>(body.to_vec())]);
    let mut form = Multipart::with_constraints(chunks, boundary, constraints);

    let mut file = None;
    let mut files_seen = 0;
    while let Some(field) = form.next_field().await.map_err(malformed)? {
        let wanted = field.name() == Some(field_name);
        if wanted || field.file_name().is_some() {
            files_seen += 1;
            if files_seen > 1 {
                return Err(Error::field(field_name, "send exactly one file."));
            }
        }
        if wanted {
            file = Some(field.bytes().await.map_err(malformed)?);
        }
    }
    file.map(Vec::from).ok_or_else(|| {
        Error::field(
            field_name,
            "missing; attach the image file to this form field.",
        )
    })
}

fn malformed(err: multer::Error) -> Error {
    match err {
        multer::Error::FieldSizeExceeded { .. } => Error::PayloadTooLarge,
        _ => Error::invalid("The multipart body is malformed."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDARY: &str = "----concierge-test-boundary";
    const CONTENT_TYPE: &str = "multipart/form-data; boundary=----concierge-test-boundary";

    /// A form body with one part per `(name, file name, content)`.
    fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, file_name, content) in parts {
            body.extend(format!("--{BOUNDARY}\r\n").into_bytes());
            let disposition = match file_name {
                Some(file_name) => {
                    format!("form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n")
                        + "Content-Type: image/jpeg"
                }
                None => format!("form-data; name=\"{name}\""),
            };
            body.extend(format!("Content-Disposition: {disposition}\r\n\r\n").into_bytes());
            body.extend_from_slice(content);
            body.extend(b"\r\n");
        }
        body.extend(format!("--{BOUNDARY}--\r\n").into_bytes());
        body
    }

    async fn read(content_type: &str, body: &[u8]) -> Result<Vec<u8>> {
        read_file_field(content_type, body, "image", 1024).await
    }

    #[tokio::test]
    async fn the_named_file_is_read_and_text_fields_are_ignored() {
        let body = form(&[
            ("alt", None, b"Spa at dusk"),
            (
                "image",
                Some("spa.jpg"),
                b"\xFF\xD8\xFF\r\n--not-the-boundary",
            ),
        ]);
        let file = read(CONTENT_TYPE, &body).await.unwrap();
        assert_eq!(file, b"\xFF\xD8\xFF\r\n--not-the-boundary");
    }

    #[tokio::test]
    async fn a_body_that_is_not_multipart_is_unsupported() {
        let body = form(&[("image", Some("a.jpg"), b"x")]);
        assert_eq!(
            read("application/json", &body).await.unwrap_err().status(),
            415
        );
        assert_eq!(read("", &body).await.unwrap_err().status(), 415);
    }

    #[tokio::test]
    async fn a_missing_or_empty_boundary_is_a_bad_request() {
        let body = form(&[("image", Some("a.jpg"), b"x")]);
        for content_type in ["multipart/form-data", "multipart/form-data; boundary=\"\""] {
            let err = read(content_type, &body).await.unwrap_err();
            assert_eq!(err.status(), 400, "{content_type}");
        }
    }

    #[tokio::test]
    async fn a_missing_field_is_named() {
        let body = form(&[("photo", Some("a.jpg"), b"x")]);
        let err = read(CONTENT_TYPE, &body).await.unwrap_err();
        assert_eq!(err.status(), 400);
        let body = serde_json::to_value(err.body()).unwrap();
        assert!(body["error"]["fields"]["image"].is_string(), "{body}");
    }

    #[tokio::test]
    async fn more_than_one_file_is_refused() {
        let twice = form(&[
            ("image", Some("a.jpg"), b"x"),
            ("image", Some("b.jpg"), b"y"),
        ]);
        let alongside = form(&[
            ("image", Some("a.jpg"), b"x"),
            ("other", Some("b.jpg"), b"y"),
        ]);
        for body in [twice, alongside] {
            assert_eq!(read(CONTENT_TYPE, &body).await.unwrap_err().status(), 400);
        }
    }

    #[tokio::test]
    async fn oversized_bodies_and_files_are_too_large() {
        let huge_body = vec![b'x'; 1024 + FRAMING_BYTES + 1];
        assert_eq!(
            read(CONTENT_TYPE, &huge_body).await.unwrap_err().status(),
            413
        );
        let big_file = form(&[("image", Some("a.jpg"), &[b'x'; 1025])]);
        assert_eq!(
            read(CONTENT_TYPE, &big_file).await.unwrap_err().status(),
            413
        );
    }

    #[tokio::test]
    async fn a_malformed_body_is_a_bad_request() {
        let mut unterminated = form(&[("image", Some("a.jpg"), b"x")]);
        unterminated.truncate(unterminated.len() - 10);
        for body in [unterminated, b"no parts here".to_vec(), Vec::new()] {
            assert_eq!(read(CONTENT_TYPE, &body).await.unwrap_err().status(), 400);
        }
    }
}
