//! The HTTP side of the checks: one client, answers kept whole (status, headers, body),
//! and request bodies the checks send (multipart forms built byte by byte, so a broken one
//! is as easy to write as a good one).

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;

/// A client for the local API: no redirects followed (a `Location` is checked, not
/// visited), generous timeouts for a function's first start.
pub fn client(timeout: Duration) -> reqwest::Result<Client> {
    Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// As [`client`], sending `Authorization: Bearer <token>` with every request: for the API
/// only (presigned S3 links carry their own authority).
pub fn client_of(timeout: Duration, token: &str) -> anyhow::Result<Client> {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse()?,
    );
    Ok(Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers(headers)
        .build()?)
}

/// An HTTP answer, or why there was none.
#[derive(Debug)]
pub struct Answer {
    /// 0 when there was no HTTP answer at all (curl's "000").
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub error: Option<String>,
}

impl Answer {
    /// Send `request` and keep whatever comes back.
    pub fn of(request: RequestBuilder) -> Self {
        let outcome = request.send().and_then(|response| {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            Ok((status, headers, response.bytes()?.to_vec()))
        });
        match outcome {
            Ok((status, headers, body)) => Self {
                status,
                headers,
                body,
                error: None,
            },
            Err(error) => Self {
                status: 0,
                headers: HeaderMap::new(),
                body: Vec::new(),
                error: Some(format!("{:#}", anyhow::Error::from(error))),
            },
        }
    }

    /// A header's value ("" when absent or not text).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The start of the body, for a failure message.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let mut excerpt: String = text.chars().take(600).collect();
        if let Some(error) = &self.error {
            excerpt.push_str(error);
        }
        excerpt
    }
}

/// One part of a `multipart/form-data` body.
pub struct Part<'a> {
    pub name: &'a str,
    /// `Some` for a file part.
    pub filename: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

/// A `multipart/form-data` body with these parts (RFC 7578).
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

    #[test]
    fn no_answer_is_status_zero_with_the_reason() {
        let port = crate::ports::free_port().unwrap();
        let client = client(Duration::from_secs(2)).unwrap();
        let answer = Answer::of(client.get(format!("http://127.0.0.1:{port}/")));
        assert_eq!(answer.status, 0);
        assert!(answer.error.is_some());
        assert_eq!(answer.header("location"), "");
        assert_eq!(answer.json(), serde_json::Value::Null);
    }
}
