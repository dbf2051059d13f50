use std::time::Duration;

use aws_sdk_s3::config::SharedCredentialsProvider;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::StoreError;
use ferrotype_variants::{Encoding, VariantName};

use crate::domain::{JobId, OutputInfo, UploadSource, VariantFile};

/// Where clients put direct uploads (`originals/direct/{id}`). The bucket's event
/// notification watches this prefix only, so an inline upload's original never starts a
/// job twice.
pub const DIRECT_UPLOAD_PREFIX: &str = "originals/direct/";

/// A presigned request the client makes itself: the method, the URL and the headers it must
/// send exactly as given (they are signed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignedPut {
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// Originals and derived images in the private bucket.
#[derive(Debug, Clone)]
pub struct ImageStore {
    client: aws_sdk_s3::Client,
    bucket: String,
    /// The provider of the credentials that sign presigned URLs, to learn when they
    /// expire (the client does not expose its own).
    credentials: Option<SharedCredentialsProvider>,
}

impl ImageStore {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
            credentials: None,
        }
    }

    /// The same store, bounding its presigned URLs by the expiry of `credentials` (the
    /// provider the client was built with): see [`ImageStore::link_lifetime`].
    pub fn signed_with(mut self, credentials: Option<SharedCredentialsProvider>) -> Self {
        self.credentials = credentials;
        self
    }

    /// The bucket's name.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    fn original_key(id: JobId, source: UploadSource) -> String {
        match source {
            UploadSource::Inline => format!("originals/{id}"),
            UploadSource::Direct => format!("{DIRECT_UPLOAD_PREFIX}{id}"),
        }
    }

    /// The job a direct upload's object key belongs to (`None` for any other key).
    pub fn direct_upload_job(key: &str) -> Option<JobId> {
        JobId::parse(key.strip_prefix(DIRECT_UPLOAD_PREFIX)?).ok()
    }

    /// A variant's file: one key per job, variant and encoding.
    fn variant_key(id: JobId, variant: &VariantName, encoding: Encoding) -> String {
        format!("derived/{id}/{variant}.{}", encoding.extension())
    }

    /// The record of a job's original as stored at upload, with the size it was decoded at.
    pub fn original_info(
        id: JobId,
        source: UploadSource,
        width: u32,
        height: u32,
        bytes: u64,
        content_type: &str,
    ) -> OutputInfo {
        OutputInfo {
            key: Self::original_key(id, source),
            width,
            height,
            bytes,
            content_type: content_type.to_string(),
        }
    }

    pub async fn put_original(
        &self,
        id: JobId,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<String, StoreError> {
        let key = Self::original_key(id, UploadSource::Inline);
        self.put(&key, bytes, content_type).await?;
        Ok(key)
    }

    pub async fn get_original(
        &self,
        id: JobId,
        source: UploadSource,
    ) -> Result<Vec<u8>, StoreError> {
        self.get_bytes(&Self::original_key(id, source), None).await
    }

    /// An object's bytes, or only those of `range` (an HTTP range such as `bytes=0-31`).
    async fn get_bytes(&self, key: &str, range: Option<String>) -> Result<Vec<u8>, StoreError> {
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .set_range(range)
            .send()
            .await
            .map_err(|err| self.get_error(key, err))?;
        let body = object.body.collect().await.map_err(StoreError::Body)?;
        Ok(body.to_vec())
    }

    /// A failed GetObject: `NotFound` (with the object's address, for logs only) when there
    /// is no such key.
    fn get_error(
        &self,
        key: &str,
        err: aws_sdk_s3::error::SdkError<
            aws_sdk_s3::operation::get_object::GetObjectError,
            aws_sdk_s3::config::http::HttpResponse,
        >,
    ) -> StoreError {
        if err.as_service_error().is_some_and(|e| e.is_no_such_key()) {
            StoreError::NotFound {
                what: format!("s3://{}/{key}", self.bucket),
            }
        } else {
            StoreError::s3("GetObject", err)
        }
    }

    /// Removes an inline original whose job could not be created (compensation at upload).
    pub async fn delete_original(&self, id: JobId) -> Result<(), StoreError> {
        self.delete_key(&Self::original_key(id, UploadSource::Inline))
            .await
    }

    /// Removes a direct upload's object: one that was not what its upload declared, or
    /// came for a job that no longer waits for it.
    pub async fn delete_direct_upload(&self, id: JobId) -> Result<(), StoreError> {
        self.delete_key(&Self::original_key(id, UploadSource::Direct))
            .await
    }

    async fn delete_key(&self, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| StoreError::s3("DeleteObject", e))?;
        Ok(())
    }

    /// The stored size of a job's original, or `None` if there is no such object.
    pub async fn original_size(
        &self,
        id: JobId,
        source: UploadSource,
    ) -> Result<Option<u64>, StoreError> {
        let result = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(Self::original_key(id, source))
            .send()
            .await;
        match result {
            Ok(head) => Ok(Some(head.content_length().unwrap_or(0).max(0) as u64)),
            Err(err) if err.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(err) => Err(StoreError::s3("HeadObject", err)),
        }
    }

    /// The first `count` bytes of a job's original (fewer if it is shorter): enough to
    /// sniff its type without reading the whole object.
    pub async fn original_prefix(
        &self,
        id: JobId,
        source: UploadSource,
        count: u64,
    ) -> Result<Vec<u8>, StoreError> {
        let range = format!("bytes=0-{}", count.saturating_sub(1));
        let mut bytes = self
            .get_bytes(&Self::original_key(id, source), Some(range))
            .await?;
        // An emulator that ignores the range still answers with the whole object.
        bytes.truncate(count as usize);
        Ok(bytes)
    }

    /// A presigned `PUT` of a direct upload's object, signed for this one key, this content
    /// type and this exact length: S3 refuses any other header values, and the URL after
    /// `ttl`. `If-None-Match: *` is signed in too (an S3 conditional write), so the URL
    /// writes the object once: a second `PUT` gets `412 Precondition Failed` and cannot
    /// replace bytes ingest has already checked, and one without the header fails the
    /// signature (`403`).
    pub async fn presign_direct_upload(
        &self,
        id: JobId,
        content_type: &str,
        content_length: u64,
        ttl: Duration,
    ) -> Result<PresignedPut, StoreError> {
        let config = PresigningConfig::expires_in(ttl).map_err(StoreError::Presign)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(Self::original_key(id, UploadSource::Direct))
            .content_type(content_type)
            .content_length(content_length as i64)
            .if_none_match("*")
            .presigned(config)
            .await
            .map_err(|e| StoreError::s3("PutObject (presign)", e))?;
        let url = request.uri().to_string();
        // Only the signed headers: the SDK also adds ones it does not sign (a trace id in
        // Lambda) that are not the client's to send.
        let signed = signed_headers(&url);
        let headers = request
            .headers()
            .filter(|(name, _)| signed.iter().any(|s| s.eq_ignore_ascii_case(name)))
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
            .collect();
        Ok(PresignedPut { url, headers })
    }

    /// Erases every derived image of a job (all keys under its prefix, whatever outputs it
    /// had). Returns how many objects were removed.
    pub async fn delete_outputs(&self, id: JobId) -> Result<usize, StoreError> {
        let prefix = format!("derived/{id}/");
        let mut pages = self
            .client
            .list_objects_v2()
            .bucket(&self.bucket)
            .prefix(&prefix)
            .into_paginator()
            .send();
        let mut removed = 0;
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| StoreError::s3("ListObjectsV2", e))?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                self.client
                    .delete_object()
                    .bucket(&self.bucket)
                    .key(key)
                    .send()
                    .await
                    .map_err(|e| StoreError::s3("DeleteObject", e))?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Erases a job's original and every derived image. Deleting what is already gone
    /// succeeds, so this can be repeated.
    pub async fn delete_job_objects(&self, id: JobId) -> Result<(), StoreError> {
        self.delete_original(id).await?;
        self.delete_direct_upload(id).await?;
        self.delete_outputs(id).await?;
        Ok(())
    }

    /// Writes one file of a job's variant and says where it is. Keys are fixed per job,
    /// variant and encoding, so a repeated write replaces the same object instead of
    /// adding another; delete and retention erase them all by the job's prefix.
    pub async fn put_variant_file(
        &self,
        id: JobId,
        variant: &VariantName,
        encoding: Encoding,
        bytes: Vec<u8>,
    ) -> Result<VariantFile, StoreError> {
        let key = Self::variant_key(id, variant, encoding);
        let size = bytes.len() as u64;
        self.put(&key, bytes, encoding.content_type()).await?;
        Ok(VariantFile {
            encoding,
            key,
            bytes: size,
        })
    }

    /// How long a presigned URL signed now can really work: `ttl`, or less when the
    /// credentials that sign it expire sooner (S3 refuses a URL whose credentials have
    /// expired, whatever its `X-Amz-Expires` says). Credentials that do not say when they
    /// expire leave `ttl` as it is; the settings cap it (`PRESIGN_TTL_SECONDS`,
    /// `UPLOAD_URL_TTL_SECONDS`).
    pub async fn link_lifetime(&self, ttl: Duration) -> Result<Duration, StoreError> {
        use aws_sdk_s3::config::ProvideCredentials;
        let Some(provider) = &self.credentials else {
            return Ok(ttl);
        };
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(StoreError::Credentials)?;
        let left = credentials.expiry().map(|expiry| {
            expiry
                .duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO)
        });
        // A URL needs at least a second; credentials that have just expired are refreshed
        // by the SDK on its next call.
        Ok(left.map_or(ttl, |left| ttl.min(left).max(Duration::from_secs(1))))
    }

    /// A presigned GET link for one object, signed now.
    pub async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, StoreError> {
        let config = PresigningConfig::expires_in(ttl).map_err(StoreError::Presign)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(config)
            .await
            .map_err(|e| StoreError::s3("GetObject (presign)", e))?;
        Ok(request.uri().to_string())
    }

    async fn put(&self, key: &str, bytes: Vec<u8>, content_type: &str) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map_err(|e| StoreError::s3("PutObject", e))?;
        Ok(())
    }
}

/// The header names a presigned URL's `X-Amz-SignedHeaders` lists.
fn signed_headers(url: &str) -> Vec<String> {
    let query = url.split_once('?').map_or("", |(_, query)| query);
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("X-Amz-SignedHeaders="))
        .map(|list| {
            list.replace("%3B", ";")
                .replace("%3b", ";")
                .split(';')
                .filter(|name| !name.is_empty() && *name != "host")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_headers_are_read_from_a_presigned_url() {
        let url = "http://s3/b/k?x-id=PutObject&X-Amz-Expires=900\
                   &X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost&X-Amz-Signature=ab";
        assert_eq!(signed_headers(url), ["content-length", "content-type"]);
        assert!(signed_headers("http://s3/b/k").is_empty());
    }

    #[test]
    fn only_direct_upload_keys_name_a_job() {
        let id = JobId::new_random();
        assert_eq!(
            ImageStore::direct_upload_job(&format!("originals/direct/{id}")),
            Some(id)
        );
        for other in [
            format!("originals/{id}"),
            format!("derived/{id}/thumbnail.jpg"),
            format!("originals/direct/{id}/x"),
            "originals/direct/".to_string(),
        ] {
            assert_eq!(ImageStore::direct_upload_job(&other), None, "{other}");
        }
    }
}
