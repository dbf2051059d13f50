//! The upload's compensation under injected faults: it undoes only what is safe. When the
//! SQS send fails on our side after SQS had the message and a processor took the job before
//! the upload could take its `queued` record back, the original must stay (and the job
//! runs); when the record is taken back, the original goes with it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use aws_sdk_s3::config::interceptors::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;
use ferrotype_samples as samples;
use ferrotype_service::aws::Clients;
use ferrotype_service::domain::{JobId, JobStatus};
use ferrotype_service::store::{JobQueue, JobTable};
use image::DynamicImage;
use integration::faults::{intercepted, FaultInjector, InjectedFault, Matcher};
use integration::{json, post_image, TestStack};
use time::OffsetDateTime;

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 240)))
}

/// Lets every SQS response arrive, then reports a failure: the message is on the queue but
/// the caller believes the send failed (a connection lost while the answer was on its way).
#[derive(Debug, Clone, Default)]
struct AnswerLost {
    lost: Arc<AtomicUsize>,
}

impl Intercept for AnswerLost {
    fn name(&self) -> &'static str {
        "AnswerLost"
    }

    fn read_before_deserialization(
        &self,
        _: &BeforeDeserializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.lost.fetch_add(1, Ordering::Relaxed);
        Err(Box::new(InjectedFault))
    }
}

/// Just before the upload's DynamoDB `DeleteItem` (its undo) is sent, a processor takes the
/// job: the undo then finds the record no longer `queued`.
#[derive(Debug, Clone)]
struct ProcessorTakesJobFirst {
    table: String,
    taken: Arc<AtomicUsize>,
}

impl Intercept for ProcessorTakesJobFirst {
    fn name(&self) -> &'static str {
        "ProcessorTakesJobFirst"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        if request.headers().get("x-amz-target") != Some("DynamoDB_20120810.DeleteItem") {
            return Ok(());
        }
        let body: serde_json::Value = serde_json::from_slice(request.body().bytes().unwrap())?;
        let id = JobId::parse(body["Key"]["id"]["S"].as_str().unwrap())?;
        let table = self.table.clone();
        // Interceptors are synchronous: the "processor" runs on a thread of its own, with its
        // own runtime and clients, and is done before the undo goes out.
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(async {
                    let clients = Clients::from_env().await;
                    JobTable::new(clients.dynamodb, table)
                        .start_processing(id, OffsetDateTime::now_utc(), Duration::from_secs(1))
                        .await
                })
        })
        .join()
        .unwrap()?;
        self.taken.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[tokio::test]
async fn a_lost_send_answer_after_a_processor_took_the_job_keeps_the_original_and_the_job_runs() {
    let stack = TestStack::new().await;
    let lost = AnswerLost::default();
    let taker = ProcessorTakesJobFirst {
        table: stack.stack.table.clone(),
        taken: Arc::default(),
    };
    let mut app = stack.upload_app();
    let sqs = intercepted(&stack.clients, lost.clone()).sqs;
    app.queue = JobQueue::new(sqs, stack.stack.queue_url.clone());
    let dynamodb = intercepted(&stack.clients, taker.clone()).dynamodb;
    app.jobs = JobTable::new(dynamodb, &stack.stack.table);

    let response = upload::handle(&app, post_image("image/jpeg", photo())).await;
    assert!(
        lost.lost.load(Ordering::Relaxed) >= 1,
        "the fault was injected"
    );
    assert_eq!(
        taker.taken.load(Ordering::Relaxed),
        1,
        "the undo was attempted"
    );
    assert_eq!(response.status(), 202, "the job runs, so it is accepted");
    let id = json(&response)["id"].as_str().unwrap().to_string();
    let job = JobId::parse(&id).unwrap();
    assert!(
        stack
            .object_keys()
            .await
            .contains(&format!("originals/{id}")),
        "the original stays while the job exists"
    );

    // The other processor's one-second lease runs out; the message SQS did get runs the job.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let processor = stack.processor_app();
    stack.bridge(&processor).await.poll_once().await.unwrap();
    let record = stack.jobs().get(job).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Completed, "{record:?}");
}

#[tokio::test]
async fn a_lost_send_whose_record_is_taken_back_removes_the_original_and_answers_503() {
    let stack = TestStack::new().await;
    let lost = AnswerLost::default();
    let mut app = stack.upload_app();
    let sqs = intercepted(&stack.clients, lost.clone()).sqs;
    app.queue = JobQueue::new(sqs, stack.stack.queue_url.clone());

    let response = upload::handle(&app, post_image("image/jpeg", photo())).await;
    assert!(lost.lost.load(Ordering::Relaxed) >= 1);
    assert_eq!(response.status(), 503);
    assert_eq!(stack.job_count().await, 0, "the record was taken back");
    assert!(
        stack.object_keys().await.is_empty(),
        "and the original with it"
    );

    // The message SQS did get names a job that no longer exists: it is dropped, harmlessly.
    let processor = stack.processor_app();
    let report = stack.bridge(&processor).await.poll_once().await.unwrap();
    assert_eq!(report.failed, 0, "{report:?}");
}

#[tokio::test]
async fn a_failed_send_whose_undo_fails_too_is_accepted_and_the_sweeper_runs_the_job() {
    let stack = TestStack::new().await;
    // Every SQS send and every DynamoDB DeleteItem fails before it leaves.
    let faults = FaultInjector::new(
        vec![
            Matcher::SQS_SEND,
            Matcher {
                method: "POST",
                target: Some("DynamoDB_20120810.DeleteItem"),
            },
        ],
        1.0,
    );
    let faulty = intercepted(&stack.clients, faults.clone());
    let mut app = stack.upload_app();
    app.queue = JobQueue::new(faulty.sqs, stack.stack.queue_url.clone());
    app.jobs = JobTable::new(faulty.dynamodb, &stack.stack.table);

    let response = upload::handle(&app, post_image("image/jpeg", photo())).await;
    assert!(faults.injected() >= 2, "the send and the undo both failed");
    assert_eq!(
        response.status(),
        202,
        "the job will run, so it is accepted"
    );
    let id = JobId::parse(json(&response)["id"].as_str().unwrap()).unwrap();
    assert!(stack
        .object_keys()
        .await
        .contains(&format!("originals/{id}")));
    assert_eq!(stack.queued_messages().await, 0, "no message was sent");

    let sweeper = stack.sweeper_app(Duration::ZERO);
    let sweep = sweeper::sweep(&sweeper, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(sweep.requeued, 1);
    let processor = stack.processor_app();
    stack.bridge(&processor).await.poll_once().await.unwrap();
    let record = stack.jobs().get(id).await.unwrap().unwrap();
    assert_eq!(record.status, JobStatus::Completed, "{record:?}");
}
