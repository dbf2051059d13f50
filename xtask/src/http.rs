//! The HTTP side of the reliability suite and the latency bench: one blocking client, and
//! answers kept whole. Multipart forms are built by the `e2e` crate's [`multipart`], which
//! the end-to-end tests send too.

use std::time::Duration;

use reqwest::blocking::{Client, RequestBuilder};
use reqwest::header::HeaderMap;

pub use ::e2e::multipart::{multipart, Part};

/// A client for the local API, sending `Authorization: Bearer <token>` with every request:
/// no redirects followed, generous timeouts for a function's first start.
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
    pub body: Vec<u8>,
    pub error: Option<String>,
}

impl Answer {
    /// Send `request` and keep whatever comes back.
    pub fn of(request: RequestBuilder) -> Self {
        let outcome = request.send().and_then(|response| {
            let status = response.status().as_u16();
            Ok((status, response.bytes()?.to_vec()))
        });
        match outcome {
            Ok((status, body)) => Self {
                status,
                body,
                error: None,
            },
            Err(error) => Self {
                status: 0,
                body: Vec::new(),
                error: Some(format!("{:#}", anyhow::Error::from(error))),
            },
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_is_status_zero_with_the_reason() {
        let port = crate::ports::free_port().unwrap();
        let client = client_of(Duration::from_secs(2), "key").unwrap();
        let answer = Answer::of(client.get(format!("http://127.0.0.1:{port}/")));
        assert_eq!(answer.status, 0);
        assert!(answer.error.is_some());
        assert!(
            answer.excerpt().contains("127.0.0.1"),
            "{}",
            answer.excerpt()
        );
    }
}
