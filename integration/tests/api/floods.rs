//! Anonymous floods against the emulator: a credential whose form shows it cannot be valid
//! is refused with `401` before the gate reads or counts anything, so junk `Bearer` headers
//! cost no DynamoDB call. Every DynamoDB request the gate makes goes through a counting
//! interceptor on the real SDK client.

use std::time::Duration;

use base64::Engine;
use ferrotype_access::gate::MAX_CREDENTIAL_LEN;
use ferrotype_access::{Gate, Limits};
use integration::faults::{intercepted, OperationCounter};
use integration::{bearer, get_status, json, TestStack};
use time::OffsetDateTime;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn jwt(header: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        B64.encode(header),
        B64.encode(r#"{"iss":"https://id.example","sub":"mallory","exp":4102444800}"#)
    )
}

#[tokio::test]
async fn credentials_whose_form_is_wrong_are_refused_without_any_dynamodb_call() {
    let stack = TestStack::new().await;
    let calls = OperationCounter::default();
    let clients = intercepted(&stack.clients, calls.clone());
    // Every limit on, so a counted request would show as an UpdateItem.
    let limits = Limits {
        requests: 1000,
        window: Duration::from_secs(60),
        daily_uploads: 1000,
        daily_bytes: 1 << 30,
        daily_emails: 100,
    };
    let gate = Gate::new(
        stack.access(Vec::new(), limits),
        &clients.dynamodb,
        Duration::from_secs(5),
    );
    let mut status = stack.status_app();
    status.gate = gate;
    let lookup = |credential: String| {
        status::handle(
            &status,
            bearer(get_status(&uuid::Uuid::new_v4().to_string()), &credential),
        )
    };

    let (real, _) = stack
        .api_keys()
        .create("alice", "test", OffsetDateTime::now_utc())
        .await
        .unwrap();
    let real = real.expose().to_string();
    let key_id = &real[4..20];
    let junk = [
        ("x".to_string(), "invalid-token"),
        ("Bearer".to_string(), "invalid-token"),
        ("not.a.jwt!".to_string(), "invalid-token"),
        ("a.b".to_string(), "invalid-token"),
        (jwt(r#"{"alg":"HS256","kid":"k"}"#), "invalid-token"),
        (jwt(r#"{"alg":"none"}"#), "invalid-token"),
        (jwt(r#"{"alg":"RS256","kid":""}"#), "invalid-token"),
        ("e".repeat(MAX_CREDENTIAL_LEN + 1), "invalid-token"),
        // A real key's id with a secret of the wrong length or alphabet, or a key of the
        // right shape with upper-case hex: none can be ours.
        (format!("ftk_{key_id}_short"), "invalid-api-key"),
        (
            format!("ftk_{key_id}_{}", "*".repeat(43)),
            "invalid-api-key",
        ),
        (format!("{real}A"), "invalid-api-key"),
        (
            format!("ftk_ABCDEF0123456789_{}", &real[21..]),
            "invalid-api-key",
        ),
        ("ftk_".to_string(), "invalid-api-key"),
    ];
    calls.take_in_order();
    for (credential, problem) in &junk {
        let response = lookup(credential.clone()).await;
        assert_eq!(response.status(), 401, "{credential}");
        assert_eq!(
            json(&response)["type"],
            format!("urn:ferrotype:problem:{problem}"),
            "{credential}"
        );
    }
    let sent = calls.take_in_order();
    assert!(
        sent.is_empty(),
        "junk credentials made DynamoDB calls: {sent:?}"
    );

    // The counter sees what the gate does read: a key of the right form is looked up
    // (refused, not counted), and the real key is looked up and its request counted.
    let forged = format!("ftk_{key_id}_{}", "A".repeat(43));
    assert_eq!(lookup(forged).await.status(), 401);
    assert_eq!(calls.take_in_order(), ["GetItem"]);
    assert_eq!(lookup(real).await.status(), 404);
    let sent = calls.take_in_order();
    assert!(
        sent.starts_with(&["GetItem".into(), "UpdateItem".into()]),
        "{sent:?}"
    );
}

/// A `!Ref X` (or `Ref: X`)'s target.
fn ref_of(value: &serde_norway::Value) -> Option<&str> {
    use serde_norway::Value;
    match value {
        Value::Tagged(tagged) if tagged.tag == "Ref" => tagged.value.as_str(),
        Value::Mapping(map) => map.get("Ref")?.as_str(),
        _ => None,
    }
}

#[test]
fn the_template_offers_a_per_ip_rate_limit_at_the_edge_off_by_default_and_only_in_us_east_1() {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml")).unwrap();
    let template: serde_norway::Value = serde_norway::from_str(&text).unwrap();
    let parameter = &template["Parameters"]["PerIpRateLimiting"];
    assert_eq!(parameter["Default"], "off");
    let resources = template["Resources"].as_mapping().unwrap();
    let edge: Vec<&str> = resources
        .iter()
        .filter(|(_, resource)| resource["Condition"] == "LimitsPerIp")
        .map(|(name, _)| name.as_str().unwrap())
        .collect();
    assert_eq!(
        edge,
        ["EdgeWebAcl", "EdgeCachePolicy", "EdgeDistribution"],
        "made only when turned on"
    );

    let acl = &template["Resources"]["EdgeWebAcl"]["Properties"];
    assert_eq!(acl["Scope"], "CLOUDFRONT");
    let rule = &acl["Rules"][0];
    assert!(rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429);
    let rate = &rule["Statement"]["RateBasedStatement"];
    assert_eq!(rate["AggregateKeyType"], "IP");
    assert_eq!(rate["EvaluationWindowSec"], 300);
    assert_eq!(ref_of(&rate["Limit"]), Some("PerIpRateLimit"));

    let distribution =
        &template["Resources"]["EdgeDistribution"]["Properties"]["DistributionConfig"];
    let web_acl = match &distribution["WebACLId"] {
        serde_norway::Value::Tagged(tagged) => tagged.value.as_str().unwrap().to_string(),
        other => panic!("{other:?}"),
    };
    assert_eq!(web_acl, "EdgeWebAcl.Arn");
    // Authorization reaches the API: a cache policy must carry it (an origin request
    // policy may not), and nothing is kept longer than a second.
    let cache = &template["Resources"]["EdgeCachePolicy"]["Properties"]["CachePolicyConfig"];
    assert_eq!(
        cache["ParametersInCacheKeyAndForwardedToOrigin"]["HeadersConfig"]["Headers"][0],
        "Authorization"
    );
    assert_eq!(
        (&cache["DefaultTTL"], &cache["MaxTTL"]),
        (&0.into(), &1.into())
    );

    // CloudFront's web ACLs exist only in us-east-1: a rule says so at deploy time.
    let rule = &template["Rules"]["PerIpRateLimitingNeedsUsEast1"];
    assert!(
        format!("{:?}", rule["Assertions"][0]["Assert"]).contains("us-east-1"),
        "{rule:?}"
    );
    assert!(template["Outputs"]["EdgeApiUrl"]["Condition"] == "LimitsPerIp");
}
