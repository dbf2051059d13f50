//! A job's life: the one table of the status changes a job may make, and the lease that
//! lets a processor finish one. The store builds each conditional write's starting states
//! from this table ([`Move::starts`]), so what is allowed here is what the store does.
//!
//! ```text
//!                  Uploaded                 Start                  Complete
//! awaiting_upload ─────────▶ queued ──────────────▶ processing ──────────────▶ completed
//!        │                     │                    │   ▲  │ Fail
//!        │ UploadFailed        │ Abandon            │   │  ▼
//!        └─────────────────────┴──────────▶ failed ◀┘   │  (lease held)
//!                                      (Abandon: no    Start again once
//!                                       live lease)    the lease expired
//! any state but deleted ── Delete ──▶ deleted (a tombstone; never moves again)
//! processing ── Release ──▶ processing, lease given up (the holder ran out of time: a
//!                           later delivery takes the job at once)
//! ```
//!
//! Outside the table, because they are not moves of an existing job: creating a job
//! (`queued` or `awaiting_upload`), and the upload function taking back a `queued` record
//! it could not enqueue (the record is removed, not moved).

use std::fmt;

use time::OffsetDateTime;
use uuid::Uuid;

use super::{JobId, JobStatus};

/// Every status change a job can make, named by what makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Move {
    /// Ingest: a direct upload's object is in S3 and is what was declared.
    Uploaded,
    /// Ingest or the sweeper: the object never came, or is not what was declared.
    UploadFailed,
    /// A processor takes the job under a lease.
    Start,
    /// The lease holder stored every output.
    Complete,
    /// The lease holder found the image cannot be processed.
    Fail,
    /// The lease holder gives the job up unfinished (it could not finish before its
    /// invocation's deadline): the job stays `processing` with its lease expired, so the
    /// next delivery starts it again at once instead of waiting out the lease.
    Release,
    /// The dead-letter function: the job's message was given up on.
    Abandon,
    /// The owner deleted the job.
    Delete,
}

/// What must hold, beside the status, for a move to start from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guard {
    /// Nothing more.
    None,
    /// The lease of whoever took the job has expired: that processor died or gave up.
    LeaseExpired,
    /// No lease is live: none was ever taken, or the last one expired.
    NoLiveLease,
    /// The mover holds the job's lease ([`Lease`]).
    LeaseHeld,
}

/// One starting point of a move: a status, and what else must hold there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Start {
    pub status: JobStatus,
    pub guard: Guard,
}

const fn from(status: JobStatus, guard: Guard) -> Start {
    Start { status, guard }
}

impl Move {
    pub const ALL: [Move; 8] = [
        Move::Uploaded,
        Move::UploadFailed,
        Move::Start,
        Move::Complete,
        Move::Fail,
        Move::Release,
        Move::Abandon,
        Move::Delete,
    ];

    /// The states the move may start from, each with its guard.
    pub const fn starts(self) -> &'static [Start] {
        use Guard::*;
        use JobStatus::*;
        const FROM_UPLOAD: &[Start] = &[from(AwaitingUpload, None)];
        // Re-entering `processing`: a processor that died leaves the job there until its
        // lease expires.
        const START: &[Start] = &[from(Queued, None), from(Processing, LeaseExpired)];
        const BY_HOLDER: &[Start] = &[from(Processing, LeaseHeld)];
        // A live lease means another delivery holds the job and will finish it, or let its
        // lease lapse.
        const ABANDON: &[Start] = &[from(Queued, None), from(Processing, NoLiveLease)];
        const DELETE: &[Start] = &[
            from(AwaitingUpload, None),
            from(Queued, None),
            from(Processing, None),
            from(Completed, None),
            from(Failed, None),
        ];
        match self {
            Move::Uploaded | Move::UploadFailed => FROM_UPLOAD,
            Move::Start => START,
            Move::Complete | Move::Fail | Move::Release => BY_HOLDER,
            Move::Abandon => ABANDON,
            Move::Delete => DELETE,
        }
    }

    /// The state the move ends in.
    pub const fn to(self) -> JobStatus {
        match self {
            Move::Uploaded => JobStatus::Queued,
            Move::Start | Move::Release => JobStatus::Processing,
            Move::Complete => JobStatus::Completed,
            Move::UploadFailed | Move::Fail | Move::Abandon => JobStatus::Failed,
            Move::Delete => JobStatus::Deleted,
        }
    }
}

impl fmt::Display for Move {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

impl JobStatus {
    /// Whether some [`Move`] takes a job from `self` to `next` (guards aside).
    pub fn can_move_to(self, next: JobStatus) -> bool {
        Move::ALL
            .iter()
            .any(|m| m.to() == next && m.starts().iter().any(|s| s.status == self))
    }
}

/// The secret part of a lease: only the processor that took the job knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeaseToken(Uuid);

impl LeaseToken {
    pub(crate) fn new_random() -> Self {
        Self(Uuid::new_v4())
    }
}

impl fmt::Display for LeaseToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.as_hyphenated().fmt(f)
    }
}

/// A processor's hold on one job, until [`Lease::expires_at`]. Only the store makes one
/// (`JobTable::start_processing`), and completing or failing the job takes it, so only
/// the holder can finish a job, once.
#[derive(Debug, PartialEq, Eq)]
pub struct Lease {
    job: JobId,
    token: LeaseToken,
    expires_at: OffsetDateTime,
}

impl Lease {
    pub(crate) fn new(job: JobId, expires_at: OffsetDateTime) -> Self {
        Self {
            job,
            token: LeaseToken::new_random(),
            expires_at,
        }
    }

    pub fn job(&self) -> JobId {
        self.job
    }

    pub fn token(&self) -> LeaseToken {
        self.token
    }

    pub fn expires_at(&self) -> OffsetDateTime {
        self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use JobStatus::*;

    const STATUSES: [JobStatus; 6] = JobStatus::ALL;

    #[test]
    fn terminal_states_never_move_except_to_deleted() {
        for from in [Completed, Failed] {
            for to in STATUSES.into_iter().filter(|&to| to != Deleted) {
                assert!(!from.can_move_to(to), "{from} -> {to}");
            }
            assert!(from.can_move_to(Deleted), "{from} can be deleted");
        }
        for to in STATUSES {
            assert!(
                !Deleted.can_move_to(to),
                "a deleted job never comes back: {to}"
            );
        }
    }

    #[test]
    fn a_job_moves_forward_only() {
        assert!(Queued.can_move_to(Processing));
        assert!(Processing.can_move_to(Processing), "after an expired lease");
        assert!(Processing.can_move_to(Completed));
        assert!(!Queued.can_move_to(Completed));
        assert!(!Processing.can_move_to(Queued));
    }

    #[test]
    fn a_queued_job_whose_message_was_given_up_on_fails() {
        // What the dead-letter function does (`JobTable::fail_unfinished`).
        assert!(Queued.can_move_to(Failed));
        assert!(Move::Abandon.starts().contains(&from(Queued, Guard::None)));
    }

    #[test]
    fn a_direct_upload_waits_then_is_queued_or_fails_and_never_waits_again() {
        assert!(AwaitingUpload.can_move_to(Queued));
        assert!(AwaitingUpload.can_move_to(Failed));
        assert!(AwaitingUpload.can_move_to(Deleted));
        assert!(!AwaitingUpload.can_move_to(Processing));
        assert!(!AwaitingUpload.can_move_to(Completed));
        for from in STATUSES {
            assert!(
                !from.can_move_to(AwaitingUpload),
                "{from} -> awaiting_upload"
            );
        }
        assert!(!AwaitingUpload.is_terminal());
    }

    #[test]
    fn only_moves_from_processing_check_the_lease() {
        for m in Move::ALL {
            for start in m.starts() {
                if start.guard != Guard::None {
                    assert_eq!(start.status, Processing, "{m}");
                }
            }
        }
    }

    #[test]
    fn every_state_but_deleted_can_be_deleted() {
        let mut starts: Vec<_> = Move::Delete.starts().iter().map(|s| s.status).collect();
        starts.sort_by_key(|s| s.as_str());
        let mut expected: Vec<_> = STATUSES.into_iter().filter(|&s| s != Deleted).collect();
        expected.sort_by_key(|s| s.as_str());
        assert_eq!(starts, expected);
    }

    #[test]
    fn two_leases_on_one_job_have_different_tokens() {
        let job = JobId::new_random();
        let at = OffsetDateTime::UNIX_EPOCH;
        assert_ne!(Lease::new(job, at).token(), Lease::new(job, at).token());
    }
}
