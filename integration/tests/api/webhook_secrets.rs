//! Each caller's webhook secret against the emulator (DynamoDB and KMS in moto): read and
//! rotated through the webhook-secret function behind a real gate (API keys), jobs signed
//! with their owner's secrets only, verified with the Standard Webhooks reference library
//! on a receiver on loopback; and the attacks: another caller's receiver, another caller's
//! secret, a ciphertext moved between callers.

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use ferrotype_access::Limits;
use ferrotype_notify::schedule::RetrySchedule;
use ferrotype_notify::secrets::{SigningSecrets, CONTEXT_KEY, PARTITION_KEY};
use ferrotype_samples as samples;
use ferrotype_service::domain::CallerId;
use image::DynamicImage;
use integration::notifications::{verify_with_reference, Notifications, Receiver};
use integration::{bearer, header_of, json, post_image, TestStack};
use lambda_http::http::Method;
use lambda_http::{Body, Request, RequestExt, Response};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use webhook_secret::settings::SecretSettings;

/// A stack whose upload and webhook-secret functions require callers (the stack's API
/// keys), with two callers, alice and bob.
struct Callers {
    stack: TestStack,
    notify: Notifications,
    upload: upload::App,
    secrets: webhook_secret::App,
    alice: String,
    bob: String,
}

impl Callers {
    async fn new(overlap: Duration) -> Self {
        let stack = TestStack::new().await;
        let notify = Notifications::provision(&stack).await;
        let access = || stack.access(Vec::new(), Limits::NONE);
        let mut upload = stack.upload_app();
        upload.gate = stack.gate(access());
        let secrets = webhook_secret::App {
            gate: stack.gate(access()),
            secrets: notify.webhook_secrets(),
            settings: SecretSettings {
                overlap,
                unavailable_retry_after: Duration::from_secs(5),
            },
        };
        let key = |caller: &'static str| {
            let keys = stack.api_keys();
            async move {
                let (key, _) = keys
                    .create(caller, "test", OffsetDateTime::now_utc())
                    .await
                    .unwrap();
                key.expose().to_string()
            }
        };
        let alice = key("alice").await;
        let bob = key("bob").await;
        Self {
            stack,
            notify,
            upload,
            secrets,
            alice,
            bob,
        }
    }

    async fn get(&self, credential: Option<&str>) -> Response<Body> {
        self.call(Method::GET, "/webhook-secret", credential).await
    }

    async fn rotate(&self, credential: &str) -> Response<Body> {
        self.call(Method::POST, "/webhook-secret/rotate", Some(credential))
            .await
    }

    async fn call(&self, method: Method, path: &str, credential: Option<&str>) -> Response<Body> {
        let mut request = Request::new(Body::Empty);
        *request.method_mut() = method;
        *request.uri_mut() = path.parse().unwrap();
        let request = match credential {
            Some(credential) => bearer(request, credential),
            None => request,
        };
        webhook_secret::handle(&self.secrets, request).await
    }

    /// The current secret of `credential`'s caller, through the API.
    async fn secret_of(&self, credential: &str) -> String {
        let response = self.get(Some(credential)).await;
        assert_eq!(response.status(), 200, "{:?}", response.body());
        json(&response)["secret"].as_str().unwrap().to_string()
    }

    /// Uploads as `credential`, telling `callback_url`; the job's id.
    async fn job_of(&self, credential: &str, callback_url: &str) -> String {
        let request = post_image(
            "image/jpeg",
            samples::jpeg(&DynamicImage::ImageRgb8(samples::two_halves(64, 48))),
        )
        .with_query_string_parameters(HashMap::from([(
            "callback_url".to_string(),
            callback_url.to_string(),
        )]));
        let response = upload::handle(&self.upload, bearer(request, credential)).await;
        assert_eq!(response.status(), 202, "{:?}", response.body());
        json(&response)["id"].as_str().unwrap().to_string()
    }

    /// Runs the processor, the notifier and the webhook function until the jobs' webhooks
    /// are sent.
    async fn settle(&self) {
        let notifier = self.notify.notifier_app(&self.stack);
        let webhook = self.notify.webhook_app(
            &self.stack,
            RetrySchedule::standard(),
            Duration::from_secs(5),
        );
        self.notify
            .settle(&self.stack, &notifier, Some(&webhook), 30)
            .await;
    }

    async fn stored_item(&self, caller: &str) -> HashMap<String, AttributeValue> {
        self.stack
            .clients
            .dynamodb
            .get_item()
            .table_name(&self.notify.resources.webhook_secrets_table)
            .key(PARTITION_KEY, AttributeValue::S(caller.into()))
            .consistent_read(true)
            .send()
            .await
            .unwrap()
            .item
            .expect("the caller has an item")
    }
}

/// The signatures of a webhook's `webhook-signature` header.
fn signatures(delivery: &integration::notifications::Received) -> usize {
    delivery.headers["webhook-signature"]
        .to_str()
        .unwrap()
        .split(' ')
        .count()
}

fn validator(schema: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../api/openapi.yaml"))
        .expect("reading api/openapi.yaml");
    let mut document: serde_json::Value = serde_norway::from_str(&text).expect("valid YAML");
    document.as_object_mut().unwrap().insert(
        "$ref".into(),
        format!("#/components/schemas/{schema}").into(),
    );
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&document)
        .unwrap_or_else(|e| panic!("schema {schema}: {e}"))
}

fn assert_conforms(schema: &str, body: &serde_json::Value) {
    let errors: Vec<String> = validator(schema)
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{body}");
}

#[tokio::test]
async fn each_caller_reads_its_own_secret_and_never_another_callers() {
    let callers = Callers::new(Duration::from_secs(3600)).await;

    let first = callers.get(Some(&callers.alice)).await;
    assert_eq!(first.status(), 200, "{:?}", first.body());
    assert_eq!(header_of(&first, "cache-control"), Some("no-store"));
    assert_eq!(header_of(&first, "content-type"), Some("application/json"));
    let document = json(&first);
    assert_conforms("WebhookSecret", &document);
    let alice = document["secret"].as_str().unwrap().to_string();
    assert!(alice.starts_with("whsec_"), "{alice}");
    assert!(document.get("previous").is_none(), "{document}");
    OffsetDateTime::parse(document["created_at"].as_str().unwrap(), &Rfc3339).unwrap();
    // Made once: a second read gives the same secret.
    assert_eq!(callers.secret_of(&callers.alice).await, alice);

    // Bob gets his own, and rotating it leaves alice's alone.
    let bob = callers.secret_of(&callers.bob).await;
    assert_ne!(bob, alice);
    assert_eq!(callers.rotate(&callers.bob).await.status(), 200);
    assert_eq!(callers.secret_of(&callers.alice).await, alice);

    // No credential, or a forged one, gets no secret at all.
    let forged = format!("{}x", &callers.alice[..callers.alice.len() - 1]);
    for credential in [None, Some(forged.as_str()), Some("ftk_0_x")] {
        let response = callers.get(credential).await;
        assert_eq!(response.status(), 401, "{credential:?}");
        assert_conforms("Problem", &json(&response));
        let body = String::from_utf8_lossy(response.body().as_ref()).to_string();
        assert!(!body.contains(&alice) && !body.contains(&bob), "{body}");
        let response = callers
            .call(Method::POST, "/webhook-secret/rotate", credential)
            .await;
        assert_eq!(response.status(), 401, "{credential:?}");
    }
    assert_eq!(callers.secret_of(&callers.alice).await, alice);

    // Each route serves its one method.
    let response = callers
        .call(Method::POST, "/webhook-secret", Some(&callers.alice))
        .await;
    assert_eq!(response.status(), 405);
    assert_eq!(header_of(&response, "allow"), Some("GET"));
    let response = callers
        .call(Method::GET, "/webhook-secret/rotate", Some(&callers.alice))
        .await;
    assert_eq!(response.status(), 405);
    assert_eq!(header_of(&response, "allow"), Some("POST"));
    assert_eq!(callers.secret_of(&callers.alice).await, alice);
}

#[tokio::test]
async fn first_uses_at_once_agree_on_one_secret() {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    let caller = CallerId::of_key("carol").unwrap();
    let store = callers.notify.webhook_secrets();
    let now = OffsetDateTime::now_utc();
    let made =
        futures_util::future::join_all((0..6).map(|_| store.get_or_create(&caller, now))).await;
    let secrets: Vec<String> = made
        .into_iter()
        .map(|made| made.unwrap().current.expose())
        .collect();
    assert!(secrets.iter().all(|s| *s == secrets[0]), "{secrets:?}");
}

#[tokio::test]
async fn a_job_pointed_at_another_callers_receiver_verifies_only_with_its_owners_secret() {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    // Bob's receiver, and bob's secret, which his receiver checks.
    let bobs_receiver = Receiver::start().await;
    let bob = callers.secret_of(&callers.bob).await;
    let alice = callers.secret_of(&callers.alice).await;

    // Alice points her job at bob's receiver.
    let id = callers
        .job_of(&callers.alice, &format!("{}/hook", bobs_receiver.url))
        .await;
    callers.settle().await;

    let received = bobs_receiver.received();
    assert_eq!(received.len(), 2, "processing and completed");
    for delivery in &received {
        assert_eq!(signatures(delivery), 1, "alice has one secret");
        let body = verify_with_reference(&alice, delivery)
            .expect("alice's secret verifies her job's webhooks");
        assert_eq!(body["data"]["id"], id.as_str());
        let refused = verify_with_reference(&bob, delivery);
        assert!(
            refused.is_err(),
            "bob's secret must reject alice's webhook: {refused:?}"
        );
    }
}

#[tokio::test]
async fn after_a_rotation_webhooks_carry_both_signatures_until_the_overlap_ends() {
    let overlap = Duration::from_secs(4);
    let callers = Callers::new(overlap).await;
    let receiver = Receiver::start().await;
    let url = format!("{}/hook", receiver.url);
    let old = callers.secret_of(&callers.alice).await;

    let before = OffsetDateTime::now_utc();
    let rotated = callers.rotate(&callers.alice).await;
    assert_eq!(rotated.status(), 200, "{:?}", rotated.body());
    assert_eq!(header_of(&rotated, "cache-control"), Some("no-store"));
    let document = json(&rotated);
    assert_conforms("WebhookSecret", &document);
    let new = document["secret"].as_str().unwrap().to_string();
    assert_ne!(new, old);
    assert_eq!(document["previous"]["secret"], old.as_str());
    let expires_at = OffsetDateTime::parse(
        document["previous"]["expires_at"].as_str().unwrap(),
        &Rfc3339,
    )
    .unwrap();
    assert!(expires_at >= before + overlap && expires_at <= OffsetDateTime::now_utc() + overlap);
    // A read during the overlap shows the same two.
    let read = json(&callers.get(Some(&callers.alice)).await);
    assert_eq!(read["secret"], new.as_str());
    assert_eq!(read["previous"]["secret"], old.as_str());

    // During the overlap: two signatures, each verifying with one of the two secrets.
    callers.job_of(&callers.alice, &url).await;
    callers.settle().await;
    let during = receiver.received();
    assert_eq!(during.len(), 2);
    for delivery in &during {
        assert_eq!(signatures(delivery), 2, "new and previous");
        verify_with_reference(&new, delivery).expect("the new secret verifies");
        verify_with_reference(&old, delivery).expect("the previous secret still verifies");
        assert!(verify_with_reference(&callers.secret_of(&callers.bob).await, delivery).is_err());
    }

    // After the overlap: the new secret alone.
    let wait = expires_at - OffsetDateTime::now_utc();
    if wait.is_positive() {
        tokio::time::sleep(wait.unsigned_abs() + Duration::from_millis(200)).await;
    }
    let read = json(&callers.get(Some(&callers.alice)).await);
    assert!(read.get("previous").is_none(), "{read}");
    let second = callers.job_of(&callers.alice, &url).await;
    callers.settle().await;
    // A new stream bridge reads the stream from its start, so the first job's webhooks
    // may come again (at least once); the second job's are the ones to look at.
    let after: Vec<_> = receiver
        .received()
        .into_iter()
        .filter(|delivery| delivery.body.contains(&second))
        .collect();
    assert_eq!(after.len(), 2);
    for delivery in &after {
        assert_eq!(signatures(delivery), 1);
        verify_with_reference(&new, delivery).expect("the new secret verifies");
        assert!(
            verify_with_reference(&old, delivery).is_err(),
            "the expired secret no longer verifies"
        );
    }
}

#[tokio::test]
async fn a_rotation_during_an_overlap_drops_the_oldest_secret() {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    let first = callers.secret_of(&callers.alice).await;
    let second = json(&callers.rotate(&callers.alice).await)["secret"]
        .as_str()
        .unwrap()
        .to_string();
    let third = json(&callers.rotate(&callers.alice).await);
    assert_ne!(third["secret"], second.as_str());
    assert_ne!(third["secret"], first.as_str());
    assert_eq!(third["previous"]["secret"], second.as_str());
    let keys = callers
        .notify
        .webhook_secrets()
        .get_or_create(
            &CallerId::of_key("alice").unwrap(),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap()
        .signing_keys(OffsetDateTime::now_utc());
    assert_eq!(keys.len(), 2, "the first secret signs no more");
}

#[tokio::test]
async fn a_rotation_reaches_signing_within_the_cache_bound() {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    let alice = CallerId::of_key("alice").unwrap();
    let bound = Duration::from_secs(1);
    let signing = SigningSecrets::new(callers.notify.webhook_secrets(), bound, 10);
    let now = OffsetDateTime::now_utc;
    let before = signing.keys(&alice, now()).await.unwrap();
    assert_eq!(before.len(), 1);
    assert_eq!(callers.rotate(&callers.alice).await.status(), 200);
    // Within the bound the cached keys may still sign ...
    assert_eq!(signing.keys(&alice, now()).await.unwrap(), before);
    tokio::time::sleep(bound + Duration::from_millis(100)).await;
    // ... and after it the rotation has reached signing: the new secret and the previous.
    let after = signing.keys(&alice, now()).await.unwrap();
    assert_eq!(after.len(), 2);
    assert_ne!(after, before);
}

#[tokio::test]
async fn the_table_holds_no_secret_in_clear_and_a_ciphertext_moved_to_another_caller_does_not_decrypt(
) {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    let alice = callers.secret_of(&callers.alice).await;
    let bob = callers.secret_of(&callers.bob).await;
    assert_eq!(callers.rotate(&callers.alice).await.status(), 200);
    let alice_now = callers.secret_of(&callers.alice).await;

    // Neither the secrets' text nor their key bytes are anywhere in the stored items.
    let mut stored = Vec::new();
    for caller in ["key:alice", "key:bob"] {
        for value in callers.stored_item(caller).await.into_values() {
            match value {
                AttributeValue::S(text) => stored.push(text.into_bytes()),
                AttributeValue::B(blob) => stored.push(blob.into_inner()),
                AttributeValue::N(n) => stored.push(n.into_bytes()),
                other => panic!("unexpected attribute {other:?}"),
            }
        }
    }
    for secret in [&alice, &bob, &alice_now] {
        let key = base64::engine::general_purpose::STANDARD
            .decode(secret.trim_start_matches("whsec_"))
            .unwrap();
        let encoded = secret.trim_start_matches("whsec_").as_bytes();
        for value in &stored {
            for needle in [secret.as_bytes(), encoded, key.as_slice()] {
                assert!(
                    !value.windows(needle.len()).any(|w| w == needle),
                    "a secret is stored in clear"
                );
            }
        }
    }

    // Alice's ciphertext copied into bob's item: KMS refuses it under bob's name.
    let mut item = callers.stored_item("key:alice").await;
    item.insert(PARTITION_KEY.into(), AttributeValue::S("key:bob".into()));
    item.remove("previous");
    item.remove("previous_expires_at");
    callers
        .stack
        .clients
        .dynamodb
        .put_item()
        .table_name(&callers.notify.resources.webhook_secrets_table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap();
    let err = callers
        .notify
        .webhook_secrets()
        .get_or_create(&CallerId::of_key("bob").unwrap(), OffsetDateTime::now_utc())
        .await
        .expect_err("a ciphertext of alice's must not decrypt as bob's");
    assert!(err.is_invalid_ciphertext(), "{err:?}");
    // Through the API bob gets a 503, never alice's secret.
    let response = callers.get(Some(&callers.bob)).await;
    assert_eq!(response.status(), 503);
    let body = String::from_utf8_lossy(response.body().as_ref()).to_string();
    assert!(!body.contains(&alice_now), "{body}");

    // The same bytes decrypt under alice's name, and only there: the encryption context
    // names the caller.
    let kms = aws_sdk_kms::Client::new(&callers.notify.config);
    let blob = match callers.stored_item("key:bob").await.remove("secret") {
        Some(AttributeValue::B(blob)) => blob.into_inner(),
        other => panic!("{other:?}"),
    };
    let decrypt = |caller: &'static str| {
        kms.decrypt()
            .ciphertext_blob(aws_sdk_kms::primitives::Blob::new(blob.clone()))
            .encryption_context(CONTEXT_KEY, caller)
            .send()
    };
    let plain = decrypt("key:alice").await.unwrap().plaintext.unwrap();
    assert_eq!(plain.as_ref(), alice_now.as_bytes());
    assert!(decrypt("key:bob").await.is_err());
}

#[tokio::test]
async fn the_sample_rotate_event_rotates_the_callers_secret() {
    let callers = Callers::new(Duration::from_secs(3600)).await;
    // The sample has no credential: an open gate, as with AUTH_MODE=none.
    let app = webhook_secret::App {
        gate: ferrotype_access::Gate::open(),
        secrets: callers.notify.webhook_secrets(),
        settings: callers.secrets.settings.clone(),
    };
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../events/webhook-secret-rotate.json"
    ))
    .unwrap();
    let event = || lambda_http::request::from_str(&text).expect("an API Gateway request");
    let first = webhook_secret::handle(&app, event()).await;
    assert_eq!(first.status(), 200, "{:?}", first.body());
    let first = json(&first);
    assert!(first.get("previous").is_none(), "the first secret has none");
    let second = json(&webhook_secret::handle(&app, event()).await);
    assert_eq!(second["previous"]["secret"], first["secret"]);
    assert_eq!(
        callers.notify.secret_of(&CallerId::anonymous()).await,
        second["secret"].as_str().unwrap()
    );
}
