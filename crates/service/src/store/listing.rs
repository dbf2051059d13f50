//! The list table: the read model `GET /images` pages through, written only by the
//! projector function from the jobs table's stream.
//!
//! One item per job (partition key `id`), so a change is one conditional put that applies
//! only if its stream sequence number is newer than the item's (`seq`): a batch delivered
//! again, or twice, changes nothing. A deleted or erased job leaves a tombstone (its `id`
//! and `seq` only, removed by the TTL) so no older change can bring it back. Lists are
//! read from two sparse indexes that only live entries are in: `by-caller` (partition
//! `caller`) and `by-caller-status` (partition `caller_status`, `{status}#{caller}`), both
//! sorted by [`SortKey`], so a page reads the items it shows and no others, whatever the
//! caller's total.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use time::OffsetDateTime;

use super::{is_condition_failure, StoreError};
use crate::domain::{CallerId, JobId, JobStatus, ListEntry, SortKey, StreamSequence};

/// The attributes the store adds to a [`ListEntry`]'s own.
mod attr {
    pub const ID: &str = "id";
    pub const CALLER: &str = "caller";
    pub const SORT: &str = "entry";
    pub const CALLER_STATUS: &str = "caller_status";
    pub const SEQ: &str = "seq";
    pub const EXPIRES_AT: &str = "expires_at";
}

/// How long a tombstone is kept: longer than a stream keeps a record (24 hours) and than
/// any retry of one, so no change older than the delete can arrive after it is gone.
const TOMBSTONE_LIFETIME: time::Duration = time::Duration::days(15);

/// The list table, partition key `id`.
#[derive(Debug, Clone)]
pub struct ListTable {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

/// Whether a projected change was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Projected {
    Written,
    /// The table holds this change or a newer one already.
    AlreadyNewer,
}

/// Which of a caller's jobs to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub caller: CallerId,
    pub status: Option<JobStatus>,
    /// Created strictly after this (milliseconds since the epoch).
    pub created_after: Option<u64>,
    /// Created strictly before this.
    pub created_before: Option<u64>,
    /// Entries per page: the most the page reads.
    pub limit: u16,
    /// Where the previous page ended: its last entry's key.
    pub start: Option<SortKey>,
}

impl ListQuery {
    /// The first page of `caller`'s entries, `limit` of them, unfiltered.
    pub fn newest(caller: CallerId, limit: u16) -> Self {
        Self {
            caller,
            status: None,
            created_after: None,
            created_before: None,
            limit,
            start: None,
        }
    }
}

/// One page of a caller's list, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    pub entries: Vec<ListEntry>,
    /// The last entry read, where the next page starts; `None` on the last page.
    pub next: Option<SortKey>,
    /// Index items read (DynamoDB's `ScannedCount`): at most the page's limit.
    pub items_read: usize,
}

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

impl ListTable {
    pub const BY_CALLER: &'static str = "by-caller";
    pub const BY_CALLER_STATUS: &'static str = "by-caller-status";
    /// The most entries one page may ask for.
    pub const MAX_LIMIT: u16 = 100;

    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    fn caller_status(status: JobStatus, caller: &CallerId) -> String {
        // A status has no '#', so the caller (which may) is read unambiguously after it.
        format!("{status}#{}", caller.as_str())
    }

    /// Writes `entry` as of the stream record `seq`, unless the table holds a newer change
    /// of the job (or its tombstone).
    pub async fn project(
        &self,
        entry: &ListEntry,
        seq: &StreamSequence,
    ) -> Result<Projected, StoreError> {
        let mut item: HashMap<String, AttributeValue> =
            serde_dynamo::to_item(entry).map_err(StoreError::Record)?;
        item.insert(attr::SORT.into(), s(entry.sort_key().as_str()));
        item.insert(
            attr::CALLER_STATUS.into(),
            s(Self::caller_status(entry.status, &entry.caller)),
        );
        item.insert(attr::SEQ.into(), s(seq.as_str()));
        self.put_if_newer(item, seq).await
    }

    /// Leaves job `id`'s tombstone as of `seq`: the job is out of every list, and no
    /// change older than `seq` can bring it back.
    pub async fn bury(
        &self,
        id: JobId,
        seq: &StreamSequence,
        now: OffsetDateTime,
    ) -> Result<Projected, StoreError> {
        let item = HashMap::from([
            (attr::ID.to_string(), s(id.to_string())),
            (attr::SEQ.to_string(), s(seq.as_str())),
            (
                attr::EXPIRES_AT.to_string(),
                AttributeValue::N((now + TOMBSTONE_LIFETIME).unix_timestamp().to_string()),
            ),
        ]);
        self.put_if_newer(item, seq).await
    }

    async fn put_if_newer(
        &self,
        item: HashMap<String, AttributeValue>,
        seq: &StreamSequence,
    ) -> Result<Projected, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#seq) OR #seq < :seq")
            .expression_attribute_names("#seq", attr::SEQ)
            .expression_attribute_values(":seq", s(seq.as_str()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Projected::Written),
            Err(err) if is_condition_failure(&err) => Ok(Projected::AlreadyNewer),
            Err(err) => Err(StoreError::dynamodb("PutItem", err)),
        }
    }

    /// One page of `query.caller`'s entries, newest first: one query of an index, reading
    /// at most `query.limit` items. Entries past their retention are left out (the TTL
    /// removes them later).
    pub async fn page(
        &self,
        query: &ListQuery,
        now: OffsetDateTime,
    ) -> Result<ListPage, StoreError> {
        let lower = query
            .created_after
            .map(|after| SortKey::floor(after.saturating_add(1)));
        let upper = match query.created_before {
            Some(0) => return Ok(ListPage::empty()),
            Some(before) => Some(SortKey::ceiling(before - 1)),
            None => None,
        };
        if let (Some(lower), Some(upper)) = (&lower, &upper) {
            if lower > upper {
                return Ok(ListPage::empty());
            }
        }
        let (index, partition_attr, partition) = match query.status {
            Some(status) => (
                Self::BY_CALLER_STATUS,
                attr::CALLER_STATUS,
                Self::caller_status(status, &query.caller),
            ),
            None => (
                Self::BY_CALLER,
                attr::CALLER,
                query.caller.as_str().to_string(),
            ),
        };
        let range = match (&lower, &upper) {
            (Some(_), Some(_)) => " AND #sort BETWEEN :lower AND :upper",
            (Some(_), None) => " AND #sort >= :lower",
            (None, Some(_)) => " AND #sort <= :upper",
            (None, None) => "",
        };
        let mut request = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression(format!("#partition = :partition{range}"))
            .filter_expression("attribute_not_exists(#expires) OR #expires > :now")
            .expression_attribute_names("#partition", partition_attr)
            .expression_attribute_names("#expires", attr::EXPIRES_AT)
            .expression_attribute_values(":partition", s(&partition))
            .expression_attribute_values(
                ":now",
                AttributeValue::N(now.unix_timestamp().to_string()),
            )
            .scan_index_forward(false)
            .limit(i32::from(query.limit.clamp(1, Self::MAX_LIMIT)));
        if lower.is_some() || upper.is_some() {
            request = request.expression_attribute_names("#sort", attr::SORT);
        }
        if let Some(lower) = lower {
            request = request.expression_attribute_values(":lower", s(lower.as_str()));
        }
        if let Some(upper) = upper {
            request = request.expression_attribute_values(":upper", s(upper.as_str()));
        }
        // The key a page starts after is the index's and the table's: the entry's sort key
        // and id (its partition is the query's).
        if let Some((start, id)) = query.start.as_ref().and_then(|s| Some((s, s.id()?))) {
            request = request
                .exclusive_start_key(attr::ID, s(id.to_string()))
                .exclusive_start_key(attr::SORT, s(start.as_str()))
                .exclusive_start_key(partition_attr, s(&partition));
        }
        let output = request
            .send()
            .await
            .map_err(|e| StoreError::dynamodb("Query", e))?;
        let entries = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item::<_, ListEntry>(item).map_err(StoreError::Record))
            .collect::<Result<Vec<_>, _>>()?;
        let next = output
            .last_evaluated_key
            .and_then(|key| match key.get(attr::SORT) {
                Some(AttributeValue::S(sort)) => SortKey::parse(sort),
                _ => None,
            });
        Ok(ListPage {
            entries,
            next,
            items_read: output.scanned_count.max(0) as usize,
        })
    }
}

impl ListPage {
    fn empty() -> Self {
        Self {
            entries: Vec::new(),
            next: None,
            items_read: 0,
        }
    }
}
