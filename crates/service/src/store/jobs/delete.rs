//! The owner's delete ([`Move::Delete`]) and the tombstone it leaves.

use time::OffsetDateTime;

use super::condition::{Condition, Context, STATUS};
use super::{attr, n, s, timestamp, JobTable, StoreError, Transition};
use crate::domain::{CallerId, JobId, JobRecord, Move};

/// How long a deleted job's tombstone is kept: longer than SQS keeps any message (14 days
/// at most), so no delivery can outlive it.
const TOMBSTONE_LIFETIME: time::Duration = time::Duration::days(15);

impl JobTable {
    /// [`Move::Delete`]: its outputs, error and lease are removed and only a tombstone stays,
    /// so that a late SQS delivery finds the job finished (and a processor holding it loses
    /// its lease). Only `caller`'s job is deleted: another caller's is `Rejected` like a
    /// tombstone, with the record as `current`, so the caller can be told it does not exist.
    /// Deleting a deleted job is `Rejected` with the tombstone as `current`; an unknown id
    /// is `Rejected` with no record.
    pub async fn mark_deleted(
        &self,
        id: JobId,
        caller: &CallerId,
        now: OffsetDateTime,
    ) -> Result<Transition, StoreError> {
        let step = Move::Delete;
        // Jobs from before callers existed have no owner; they are the anonymous caller's.
        let owned = if caller.is_anonymous() {
            "(attribute_not_exists(#owner) OR #owner = :caller)"
        } else {
            "#owner = :caller"
        };
        let request = self
            .update(id)
            .update_expression(format!(
                "SET {STATUS} = :to, {updated} = :now, {ttl} = :forget \
                 REMOVE {outputs}, #error, {token}, {expires}, {sweep}, {notify}, {webhooks}",
                updated = attr::UPDATED_AT,
                ttl = JobRecord::TTL_ATTRIBUTE,
                outputs = attr::OUTPUTS,
                token = attr::LEASE_TOKEN,
                expires = attr::LEASE_EXPIRES_AT,
                sweep = attr::SWEEP_FROM,
                notify = attr::NOTIFY,
                webhooks = attr::WEBHOOKS,
            ))
            .expression_attribute_names("#error", attr::ERROR)
            .expression_attribute_names("#owner", attr::OWNER)
            .expression_attribute_values(":now", timestamp(now))
            .expression_attribute_values(":forget", n((now + TOMBSTONE_LIFETIME).unix_timestamp()));
        let result = Condition::of(step, Context { now, lease: None })
            .and(owned, vec![(":caller", s(caller.as_str()))])
            .apply(step, request)
            .send()
            .await;
        self.transition(id, result).await
    }
}
