use std::time::Duration;

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use super::StoreError;
use crate::domain::{JobId, OutputInfo, OutputName};

/// An encoded image to store as one of a job's outputs.
#[derive(Debug)]
pub struct OutputImage<'a> {
    pub width: u32,
    pub height: u32,
    pub content_type: &'a str,
    /// The file extension of its key (`jpg`, `png`).
    pub extension: &'a str,
    pub bytes: Vec<u8>,
}

/// Originals and derived images in the private bucket.
#[derive(Debug, Clone)]
pub struct ImageStore {
    client: aws_sdk_s3::Client,
    bucket: String,
}

impl ImageStore {
    pub fn new(client: aws_sdk_s3::Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    fn original_key(id: JobId) -> String {
        format!("originals/{id}")
    }

    fn output_key(id: JobId, name: OutputName, extension: &str) -> String {
        format!("derived/{id}/{name}.{extension}")
    }

    /// The record of a job's original as stored at upload, with the size it was decoded at.
    pub fn original_info(
        id: JobId,
        width: u32,
        height: u32,
        bytes: u64,
        content_type: &str,
    ) -> OutputInfo {
        OutputInfo {
            key: Self::original_key(id),
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
        let key = Self::original_key(id);
        self.put(&key, bytes, content_type).await?;
        Ok(key)
    }

    pub async fn get_original(&self, id: JobId) -> Result<Vec<u8>, StoreError> {
        let key = Self::original_key(id);
        let object = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|err| {
                if err.as_service_error().is_some_and(|e| e.is_no_such_key()) {
                    StoreError::NotFound {
                        what: format!("s3://{}/{key}", self.bucket),
                    }
                } else {
                    StoreError::s3("GetObject", err)
                }
            })?;
        let body = object.body.collect().await.map_err(StoreError::Body)?;
        Ok(body.to_vec())
    }

    /// Removes an original whose job could not be created (compensation at upload).
    pub async fn delete_original(&self, id: JobId) -> Result<(), StoreError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(Self::original_key(id))
            .send()
            .await
            .map_err(|e| StoreError::s3("DeleteObject", e))?;
        Ok(())
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
        self.delete_outputs(id).await?;
        Ok(())
    }

    /// Writes one of a job's derived images and says where it is. Keys are fixed per job
    /// and output, so a repeated write replaces the same object instead of adding another.
    pub async fn put_output(
        &self,
        id: JobId,
        name: OutputName,
        image: OutputImage<'_>,
    ) -> Result<OutputInfo, StoreError> {
        let key = Self::output_key(id, name, image.extension);
        let bytes = image.bytes.len() as u64;
        self.put(&key, image.bytes, image.content_type).await?;
        Ok(OutputInfo {
            key,
            width: image.width,
            height: image.height,
            bytes,
            content_type: image.content_type.to_string(),
        })
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
