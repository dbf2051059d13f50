//! Getting the image out of a request body: the raw body, or the `file` part of a
//! `multipart/form-data` body.

use bytes::Bytes;
use multer::{Constraints, Multipart, SizeLimit};

/// Why a body holds no usable image.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the request body is empty")]
    Empty,
    #[error("the image is larger than the {limit}-byte limit")]
    TooLarge { limit: usize },
    #[error("the multipart body is malformed")]
    Multipart(#[source] multer::Error),
    #[error("the multipart body has no part named \"file\"")]
    NoFilePart,
}

/// Returns the image bytes of a request. The size limit applies to the image itself; a
/// multipart body may be a little larger for its framing.
pub async fn extract_image(
    content_type: Option<&str>,
    body: &[u8],
    limit: usize,
) -> Result<Vec<u8>, BodyError> {
    let boundary = content_type
        .filter(|ct| {
            ct.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
        .map(multer::parse_boundary);
    let image = match boundary {
        None => body.to_vec(),
        Some(Err(err)) => return Err(BodyError::Multipart(err)),
        Some(Ok(boundary)) => file_part(body, boundary, limit).await?,
    };
    if image.is_empty() {
        return Err(BodyError::Empty);
    }
    if image.len() > limit {
        return Err(BodyError::TooLarge { limit });
    }
    Ok(image)
}

async fn file_part(body: &[u8], boundary: String, limit: usize) -> Result<Vec<u8>, BodyError> {
    if body.is_empty() {
        return Err(BodyError::Empty);
    }
    let body = Bytes::copy_from_slice(body);
    let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
    let constraints =
        Constraints::new().size_limit(SizeLimit::new().for_field("file", limit as u64));
    let mut multipart = Multipart::with_constraints(stream, boundary, constraints);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(multipart_error(limit))?
    {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(multipart_error(limit))?;
            return Ok(bytes.to_vec());
        }
    }
    Err(BodyError::NoFilePart)
}

fn multipart_error(limit: usize) -> impl Fn(multer::Error) -> BodyError {
    move |err| match err {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            BodyError::TooLarge { limit }
        }
        other => BodyError::Multipart(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1024;

    fn multipart(boundary: &str, parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, data) in parts {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"x\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    #[tokio::test]
    async fn a_raw_body_is_the_image() {
        let image = extract_image(Some("image/png"), b"\x89PNG....", LIMIT)
            .await
            .unwrap();
        assert_eq!(image, b"\x89PNG....");
    }

    #[tokio::test]
    async fn the_file_part_of_a_multipart_body_is_the_image() {
        let body = multipart(
            "XyZ",
            &[("caption", b"hello"), ("file", b"\xFF\xD8\xFFdata")],
        );
        let image = extract_image(Some("multipart/form-data; boundary=XyZ"), &body, LIMIT)
            .await
            .unwrap();
        assert_eq!(image, b"\xFF\xD8\xFFdata");
    }

    #[tokio::test]
    async fn empty_bodies_are_rejected() {
        assert!(matches!(
            extract_image(None, b"", LIMIT).await,
            Err(BodyError::Empty)
        ));
        let body = multipart("b", &[("file", b"")]);
        assert!(matches!(
            extract_image(Some("multipart/form-data; boundary=b"), &body, LIMIT).await,
            Err(BodyError::Empty)
        ));
    }

    #[tokio::test]
    async fn oversized_images_are_rejected_raw_or_multipart() {
        let big = vec![7u8; LIMIT + 1];
        assert!(matches!(
            extract_image(Some("image/jpeg"), &big, LIMIT).await,
            Err(BodyError::TooLarge { .. })
        ));
        let body = multipart("b", &[("file", &big)]);
        assert!(matches!(
            extract_image(Some("multipart/form-data; boundary=b"), &body, LIMIT).await,
            Err(BodyError::TooLarge { .. })
        ));
    }

    #[tokio::test]
    async fn broken_multipart_is_a_client_error() {
        // No boundary parameter.
        let err = extract_image(Some("multipart/form-data"), b"abc", LIMIT)
            .await
            .unwrap_err();
        assert!(matches!(err, BodyError::Multipart(_)), "{err:?}");
        // A boundary that the body never uses.
        let err = extract_image(Some("multipart/form-data; boundary=zz"), b"garbage", LIMIT)
            .await
            .unwrap_err();
        assert!(matches!(err, BodyError::Multipart(_)), "{err:?}");
        // Well formed, but without a `file` part.
        let body = multipart("b", &[("photo", b"\xFF\xD8\xFF")]);
        assert!(matches!(
            extract_image(Some("multipart/form-data; boundary=b"), &body, LIMIT).await,
            Err(BodyError::NoFilePart)
        ));
    }
}
