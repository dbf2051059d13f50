//! `multipart/form-data` bodies (RFC 7578) built byte by byte, so that a broken one is as
//! easy to write as a good one.

/// One part of a `multipart/form-data` body.
pub struct Part<'a> {
    pub name: &'a str,
    /// `Some` for a file part.
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

/// A `multipart/form-data` body with these parts.
pub fn multipart(boundary: &str, parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
        if let Some(filename) = part.filename {
            disposition.push_str(&format!("; filename=\"{filename}\""));
        }
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(b"\r\n");
        if let Some(content_type) = part.content_type {
            body.extend_from_slice(format!("Content-Type: {content_type}\r\n").as_bytes());
        }
        body.extend_from_slice(b"\r\n");
        body.extend_from_slice(part.data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_multipart_body_frames_each_part_with_the_boundary() {
        let body = multipart(
            "XX",
            &[
                Part {
                    name: "caption",
                    filename: None,
                    content_type: None,
                    data: b"hello",
                },
                Part {
                    name: "file",
                    filename: Some("a.jpg"),
                    content_type: Some("image/jpeg"),
                    data: &[0xff, 0xd8],
                },
            ],
        );
        let mut expected =
            b"--XX\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhello\r\n\
            --XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\
            Content-Type: image/jpeg\r\n\r\n"
                .to_vec();
        expected.extend_from_slice(&[0xff, 0xd8]);
        expected.extend_from_slice(b"\r\n--XX--\r\n");
        assert_eq!(body, expected);
    }
}
