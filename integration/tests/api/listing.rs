//! `GET /images` against the emulator: the read model kept from the jobs table's stream by
//! the projector, paged with sealed cursors. Real uploads, processing and deletes feed the
//! stream; the thousands of entries of the paging tests are projected straight into the
//! list table, as the projector writes them.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use ferrotype_access::Limits;
use ferrotype_local::bridge::InvokeError;
use ferrotype_local::stream::InvokeStream;
use ferrotype_samples as samples;
use ferrotype_service::domain::{
    CallerId, FailureCode, JobId, JobStatus, ListEntry, StreamSequence,
};
use ferrotype_service::store::{ListQuery, ListTable};
use futures_util::stream::{self, StreamExt};
use image::DynamicImage;
use integration::{bearer, delete_job, header_of, json, post_image, TestStack};
use lambda_http::{Body, Request, RequestExt};
use status::cursor::{CursorKeys, Scope};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

fn photo() -> Vec<u8> {
    samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(320, 240)))
}

/// `GET /images?…` as API Gateway delivers it: the query string parsed into parameters.
fn get_list(params: &[(&str, &str)]) -> Request {
    let mut request = Request::new(Body::Empty);
    *request.uri_mut() = "/images".parse().unwrap();
    let mut query: HashMap<String, Vec<String>> = HashMap::new();
    for (name, value) in params {
        query
            .entry(name.to_string())
            .or_default()
            .push(value.to_string());
    }
    request.with_query_string_parameters(query)
}

/// The projector, invoked in this process, keeping every batch it was given.
struct Recording<'a> {
    app: &'a projector::App,
    batches: Mutex<Vec<Event>>,
}

impl InvokeStream for &Recording<'_> {
    async fn invoke(&self, event: Event) -> Result<DynamoDbEventResponse, InvokeError> {
        self.batches.lock().unwrap().push(event.clone());
        Ok(projector::handle(self.app, event).await)
    }
}

/// The ids and statuses of a list body, in order.
fn listed(body: &serde_json::Value) -> Vec<(String, String)> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            (
                item["id"].as_str().unwrap().to_string(),
                item["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_stream_projects_a_callers_jobs_and_a_batch_delivered_again_twice_changes_nothing() {
    let stack = TestStack::new().await;
    let access = || stack.gate(stack.access(Vec::new(), Limits::NONE));
    let mut upload = stack.upload_app();
    upload.gate = access();
    let mut delete = stack.delete_app();
    delete.gate = access();
    let mut status = stack.status_app();
    status.gate = access();
    let alice = stack.api_key("alice").await;
    let bob = stack.api_key("bob").await;

    let mut ids = Vec::new();
    for (who, image) in [
        (&alice, photo()),
        (&alice, photo()),
        (&alice, photo()),
        (&bob, photo()),
    ] {
        let response = upload::handle(&upload, bearer(post_image("image/jpeg", image), who)).await;
        assert_eq!(response.status(), 202);
        ids.push(json(&response)["id"].as_str().unwrap().to_string());
    }
    let whole = photo();
    let truncated = whole[..whole.len() / 2].to_vec();
    let response =
        upload::handle(&upload, bearer(post_image("image/jpeg", truncated), &alice)).await;
    assert_eq!(response.status(), 202);
    let failed = json(&response)["id"].as_str().unwrap().to_string();
    let processor = stack.processor_app();
    stack.bridge(&processor).await.poll_once().await.unwrap();
    let deleted = &ids[1];
    let response = delete::handle(&delete, bearer(delete_job(deleted), &alice)).await;
    assert_eq!(response.status(), 204);

    let app = stack.projector_app();
    let recording = Recording {
        app: &app,
        batches: Mutex::new(Vec::new()),
    };
    let mut bridge = stack.projection_bridge_with(&recording).await;
    while bridge.poll_once().await.unwrap() > 0 {}
    assert_eq!(bridge.redelivered(), 0);

    let response = status::handle(&status, bearer(get_list(&[]), &alice)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header_of(&response, "cache-control"), Some("no-store"));
    let body = json(&response);
    crate::openapi::assert_body_conforms("ImageList", &body);
    // Newest first; the deleted job and bob's are not alice's to see.
    let expected = vec![
        (failed.clone(), "failed".to_string()),
        (ids[2].clone(), "completed".to_string()),
        (ids[0].clone(), "completed".to_string()),
    ];
    assert_eq!(listed(&body), expected, "{body}");
    assert!(body.get("next_cursor").is_none());
    let newest_done = &body["items"][1];
    assert_eq!(newest_done["source"]["content_type"], "image/jpeg");
    assert_eq!(newest_done["source"]["bytes"], whole.len() as u64);
    assert!(newest_done["placeholder"]["thumbhash"].is_string());
    assert_eq!(newest_done["thumbnail"]["variant"], "thumbnail");
    assert_eq!(newest_done["thumbnail"]["width"], 200);
    // Each format's link downloads the thumbnail.
    for format in ["avif", "webp", "jpeg"] {
        let url = newest_done["thumbnail"]["formats"][format]["url"]
            .as_str()
            .unwrap_or_else(|| panic!("no {format} link in {newest_done}"));
        let download = reqwest::get(url).await.unwrap();
        assert_eq!(download.status(), 200, "{format}");
        assert_eq!(
            download.bytes().await.unwrap().len() as u64,
            newest_done["thumbnail"]["formats"][format]["bytes"]
                .as_u64()
                .unwrap()
        );
    }
    assert_eq!(body["items"][0]["error"]["code"], "corrupt_image");
    assert!(body["items"][0].get("thumbnail").is_none());
    assert!(body["expires_at"].is_string());

    let response = status::handle(&status, bearer(get_list(&[]), &bob)).await;
    assert_eq!(
        listed(&json(&response)),
        vec![(ids[3].clone(), "completed".to_string())]
    );

    // Every batch the stream gave, delivered again twice over, in order: nothing changes,
    // and the deleted job stays out although older records of it are among them.
    let query = ListQuery::newest(CallerId::of_key("alice").unwrap(), 100);
    let before = stack
        .list()
        .page(&query, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let batches = recording.batches.lock().unwrap().clone();
    let records: usize = batches.iter().map(|b| b.records.len()).sum();
    assert!(
        records >= 12,
        "creates, starts, ends and a delete: {records}"
    );
    for _ in 0..2 {
        for batch in &batches {
            let answer = projector::handle(&app, batch.clone()).await;
            assert!(answer.batch_item_failures.is_empty());
        }
    }
    let after = stack
        .list()
        .page(&query, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(after.entries, before.entries);

    // The status filter reads its own index.
    let response = status::handle(&status, bearer(get_list(&[("status", "failed")]), &alice)).await;
    assert_eq!(
        listed(&json(&response)),
        vec![(failed, "failed".to_string())]
    );
    let response = status::handle(
        &status,
        bearer(get_list(&[("status", "processing")]), &alice),
    )
    .await;
    assert_eq!(listed(&json(&response)), Vec::new());
}

/// Two callers on a fresh stack, and the status function behind a real gate (API keys).
struct Callers {
    stack: TestStack,
    status: status::App,
    alice: String,
    bob: String,
    alice_id: CallerId,
    bob_id: CallerId,
}

impl Callers {
    async fn new() -> Self {
        let stack = TestStack::new().await;
        let mut status = stack.status_app();
        status.gate = stack.gate(stack.access(Vec::new(), Limits::NONE));
        let alice = stack.api_key("alice").await;
        let bob = stack.api_key("bob").await;
        Self {
            stack,
            status,
            alice,
            bob,
            alice_id: CallerId::of_key("alice").unwrap(),
            bob_id: CallerId::of_key("bob").unwrap(),
        }
    }
}

/// An entry as the projector writes it, created at `created`.
fn entry(caller: &CallerId, created: OffsetDateTime, status: JobStatus) -> ListEntry {
    ListEntry {
        id: JobId::new_random(),
        caller: caller.clone(),
        status,
        created_at: created,
        updated_at: created,
        source_bytes: 1000,
        source_content_type: "image/jpeg".into(),
        placeholder: None,
        thumbnail: None,
        failure: (status == JobStatus::Failed).then_some(FailureCode::CorruptImage),
        expires_at: None,
    }
}

fn seq(n: u64) -> StreamSequence {
    StreamSequence::parse(&n.to_string()).unwrap()
}

/// Projects `entries` into the list table, 16 writes at a time.
async fn project_all(list: &ListTable, entries: &[ListEntry]) {
    stream::iter(entries)
        .map(|entry| async move { list.project(entry, &seq(1)).await.unwrap() })
        .buffer_unordered(16)
        .collect::<Vec<_>>()
        .await;
}

/// Follows `next_cursor` from the first page to the last; every item's id, and the pages.
async fn every_page(
    status: &status::App,
    key: &str,
    params: &[(&str, &str)],
) -> (Vec<(String, String)>, usize) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut with = params.to_vec();
        if let Some(cursor) = &cursor {
            with.push(("cursor", cursor));
        }
        let response = status::handle(status, bearer(get_list(&with), key)).await;
        assert_eq!(response.status(), 200, "{:?}", response.body());
        let body = json(&response);
        pages += 1;
        items.extend(listed(&body));
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return (items, pages),
        }
    }
}

#[tokio::test]
async fn thousands_of_jobs_page_at_reads_per_page_not_per_total_and_filters_use_their_index() {
    let Callers {
        stack,
        status,
        alice,
        bob,
        alice_id,
        bob_id,
    } = Callers::new().await;
    let start = OffsetDateTime::now_utc() - Duration::days(1);
    let total = 2_000;
    // One a second, every tenth failed.
    let entries: Vec<ListEntry> = (0..total)
        .map(|i| {
            let status = if i % 10 == 0 {
                JobStatus::Failed
            } else {
                JobStatus::Completed
            };
            entry(&alice_id, start + Duration::seconds(i), status)
        })
        .chain((0..25).map(|i| entry(&bob_id, start + Duration::seconds(i), JobStatus::Completed)))
        .collect();
    project_all(&stack.list(), &entries).await;

    let (items, pages) = every_page(&status, &alice, &[("limit", "100")]).await;
    assert_eq!(items.len(), total as usize);
    // 20 full pages, and perhaps an empty last one (DynamoDB cannot tell that a full
    // page was the last).
    assert!((20..=21).contains(&pages), "{pages} pages");
    let unique: HashSet<&String> = items.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), items.len());
    let expected: Vec<String> = entries[..total as usize]
        .iter()
        .rev()
        .map(|e| e.id.to_string())
        .collect();
    let got: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(got, expected, "newest first");

    // What a page reads: at most its limit, for the caller with 2,000 as for the one
    // with 25, and for a filtered list as for the whole.
    let list = stack.list();
    let mut reads = Vec::new();
    for (caller, status) in [
        (&alice_id, None),
        (&bob_id, None),
        (&alice_id, Some(JobStatus::Failed)),
    ] {
        let query = ListQuery {
            status,
            ..ListQuery::newest(caller.clone(), 20)
        };
        let page = list.page(&query, OffsetDateTime::now_utc()).await.unwrap();
        assert_eq!(page.entries.len(), 20);
        reads.push(page.items_read);
    }
    println!(
        "items read per 20-entry page: alice (2,000 jobs) {}, bob (25 jobs) {}, alice's failed {}",
        reads[0], reads[1], reads[2]
    );
    assert_eq!(reads, vec![20, 20, 20]);

    let (bob_items, _) = every_page(&status, &bob, &[]).await;
    assert_eq!(bob_items.len(), 25);

    let (failed, _) = every_page(&status, &alice, &[("status", "failed"), ("limit", "100")]).await;
    assert_eq!(failed.len(), total as usize / 10);
    assert!(failed.iter().all(|(_, status)| status == "failed"));

    // A creation range: strictly after the 100th second, strictly before the 200th.
    let format = |at: OffsetDateTime| at.format(&Rfc3339).unwrap();
    let after = format(start + Duration::seconds(100));
    let before = format(start + Duration::seconds(200));
    let (ranged, _) = every_page(
        &status,
        &alice,
        &[("created_after", &after), ("created_before", &before)],
    )
    .await;
    assert_eq!(ranged.len(), 99);
    assert_eq!(ranged[0].0, entries[199].id.to_string());
    assert_eq!(ranged[98].0, entries[101].id.to_string());
    let (empty, _) = every_page(
        &status,
        &alice,
        &[("created_after", &before), ("created_before", &after)],
    )
    .await;
    assert!(empty.is_empty());
}

#[tokio::test]
async fn a_cursor_of_another_caller_or_query_or_altered_or_forged_is_refused() {
    let Callers {
        stack,
        status,
        alice,
        bob,
        alice_id,
        bob_id,
    } = Callers::new().await;
    let start = OffsetDateTime::now_utc() - Duration::hours(1);
    let entries: Vec<ListEntry> = (0..30)
        .map(|i| {
            entry(
                &alice_id,
                start + Duration::seconds(i),
                JobStatus::Completed,
            )
        })
        .chain((0..30).map(|i| entry(&bob_id, start + Duration::seconds(i), JobStatus::Completed)))
        .collect();
    project_all(&stack.list(), &entries).await;

    let response = status::handle(&status, bearer(get_list(&[("limit", "10")]), &alice)).await;
    let first = json(&response);
    let cursor = first["next_cursor"].as_str().unwrap().to_string();
    let refused = |response: lambda_http::Response<Body>| {
        assert_eq!(response.status(), 400);
        let body = json(&response);
        assert_eq!(
            body["type"], "urn:ferrotype:problem:invalid-cursor",
            "{body}"
        );
        assert!(body.get("items").is_none());
    };

    // Bob, with alice's cursor.
    let with_cursor = |extra: &[(&'static str, &str)], cursor: &str| {
        let mut params = vec![("limit", "10"), ("cursor", cursor)];
        params.extend_from_slice(extra);
        get_list(&params)
    };
    refused(status::handle(&status, bearer(with_cursor(&[], &cursor), &bob)).await);
    // Alice, with her cursor on another query.
    refused(
        status::handle(
            &status,
            bearer(with_cursor(&[("status", "completed")], &cursor), &alice),
        )
        .await,
    );
    // Every single-character change of it.
    for i in 0..cursor.len() {
        let mut bytes = cursor.clone().into_bytes();
        bytes[i] = if bytes[i] == b'x' { b'y' } else { b'x' };
        let altered = String::from_utf8(bytes).unwrap();
        refused(status::handle(&status, bearer(with_cursor(&[], &altered), &alice)).await);
    }
    // One sealed with a key the stack does not hold, pointing into bob's list.
    let bob_page = stack
        .list()
        .page(
            &ListQuery::newest(bob_id.clone(), 10),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    let scope = Scope {
        caller: &alice_id,
        status: None,
        created_after: None,
        created_before: None,
    };
    let forged = CursorKeys::parse("a key an attacker made up of 32 bytes or more")
        .unwrap()
        .seal(&scope, bob_page.next.as_ref().unwrap());
    refused(status::handle(&status, bearer(with_cursor(&[], &forged), &alice)).await);

    // Alice's own cursor gives her next page, with nothing repeated.
    let response = status::handle(&status, bearer(with_cursor(&[], &cursor), &alice)).await;
    assert_eq!(response.status(), 200);
    let second = listed(&json(&response));
    assert_eq!(second.len(), 10);
    let first_ids: HashSet<String> = listed(&first).into_iter().map(|(id, _)| id).collect();
    assert!(second.iter().all(|(id, _)| !first_ids.contains(id)));
    assert_eq!(second[0].0, entries[19].id.to_string());
}

#[tokio::test]
async fn deleted_and_expired_jobs_are_never_listed_even_when_an_older_change_comes_late() {
    let stack = TestStack::new().await;
    let status = stack.status_app();
    let anyone = CallerId::anonymous();
    let now = OffsetDateTime::now_utc();
    let live = entry(&anyone, now - Duration::minutes(3), JobStatus::Completed);
    let mut expired = entry(&anyone, now - Duration::minutes(2), JobStatus::Completed);
    expired.expires_at = Some(now - Duration::seconds(1));
    let buried = entry(&anyone, now - Duration::minutes(1), JobStatus::Queued);
    let list = stack.list();
    for entry in [&live, &expired, &buried] {
        list.project(entry, &seq(10)).await.unwrap();
    }
    list.bury(buried.id, &seq(20), now).await.unwrap();
    // A change older than the delete, delivered after it (a replay), is not applied.
    let mut late = buried.clone();
    late.status = JobStatus::Completed;
    assert_eq!(
        list.project(&late, &seq(15)).await.unwrap(),
        ferrotype_service::store::Projected::AlreadyNewer
    );
    let response = status::handle(&status, get_list(&[])).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        listed(&json(&response)),
        vec![(live.id.to_string(), "completed".to_string())]
    );
}

#[tokio::test]
async fn a_bad_query_is_a_400_naming_the_parameter_and_no_caller_is_a_401() {
    let Callers { status, alice, .. } = Callers::new().await;
    for (name, value) in [
        ("limit", "0"),
        ("limit", "1000"),
        ("status", "deleted"),
        ("created_after", "last week"),
        ("sort", "oldest"),
    ] {
        let response = status::handle(&status, bearer(get_list(&[(name, value)]), &alice)).await;
        assert_eq!(response.status(), 400, "{name}={value}");
        let body = json(&response);
        assert_eq!(body["type"], "urn:ferrotype:problem:invalid-query");
        assert!(body["detail"].as_str().unwrap().contains(name), "{body}");
    }
    let response = status::handle(&status, get_list(&[])).await;
    assert_eq!(response.status(), 401);
    let response = status::handle(&status, bearer(get_list(&[]), "not-a-key")).await;
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_backfill_lists_jobs_from_before_the_projector_and_never_undoes_its_writes() {
    use ferrotype_local::backfill::{list_existing_jobs, Listed};
    use ferrotype_service::domain::OriginalUpload;
    let stack = TestStack::new().await;
    let status = stack.status_app();
    let jobs = stack.jobs();
    let now = OffsetDateTime::now_utc();
    let mut ids = Vec::new();
    for i in 0..3 {
        let id = JobId::new_random();
        let upload = OriginalUpload::inline("image/jpeg", 100 + i);
        jobs.create(&ferrotype_service::domain::JobRecord::queued(
            id,
            upload,
            now - Duration::minutes(3 - i as i64),
        ))
        .await
        .unwrap();
        ids.push(id);
    }
    jobs.mark_deleted(ids[2], &CallerId::anonymous(), now)
        .await
        .unwrap();
    // The projector has seen a newer change of the second job than the table shows.
    let mut newer = ListEntry::of(&jobs.get(ids[1]).await.unwrap().unwrap()).unwrap();
    newer.status = JobStatus::Processing;
    stack.list().project(&newer, &seq(7)).await.unwrap();

    let done = list_existing_jobs(&stack.clients.dynamodb, &stack.stack.table, &stack.list())
        .await
        .unwrap();
    assert_eq!(
        done,
        Listed {
            listed: 1,
            present: 1,
            deleted: 1
        }
    );
    let response = status::handle(&status, get_list(&[])).await;
    assert_eq!(
        listed(&json(&response)),
        vec![
            (ids[1].to_string(), "processing".to_string()),
            (ids[0].to_string(), "queued".to_string()),
        ]
    );

    // The stream's records, read afterwards, are applied over the backfill's (and bury
    // the deleted job); run again, the backfill writes nothing.
    let app = stack.projector_app();
    let mut bridge = stack.projection_bridge(&app).await;
    while bridge.poll_once().await.unwrap() > 0 {}
    let again = list_existing_jobs(&stack.clients.dynamodb, &stack.stack.table, &stack.list())
        .await
        .unwrap();
    assert_eq!(again.listed, 0);
    let response = status::handle(&status, get_list(&[])).await;
    let statuses: Vec<String> = listed(&json(&response))
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        statuses,
        ["queued", "queued"],
        "the stream's own view of both jobs"
    );
}
