//! What `template.yaml` promises about the data and the functions, checked against the
//! workspace.

fn template() -> serde_norway::Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
        .expect("reading template.yaml");
    serde_norway::from_str(&text).expect("valid YAML")
}

#[test]
fn the_images_and_jobs_are_kept_by_default_and_the_jobs_can_be_restored() {
    let template = template();
    let resources = &template["Resources"];
    for name in ["ImageBucket", "JobTable"] {
        for policy in ["DeletionPolicy", "UpdateReplacePolicy"] {
            let value = format!("{:?}", resources[name][policy]);
            assert!(
                value.contains("DataDeletionPolicy"),
                "{name}.{policy}: {value}"
            );
        }
    }
    let parameter = &template["Parameters"]["DataDeletionPolicy"];
    assert_eq!(parameter["Default"].as_str(), Some("Retain"));
    // Intrinsic functions in DeletionPolicy need the language extensions.
    let transforms = format!("{:?}", template["Transform"]);
    assert!(
        transforms.contains("AWS::LanguageExtensions"),
        "{transforms}"
    );
    assert_eq!(
        resources["JobTable"]["Properties"]["PointInTimeRecoverySpecification"]
            ["PointInTimeRecoveryEnabled"]
            .as_bool(),
        Some(true)
    );
}

#[test]
fn every_function_crate_is_a_function_of_the_template() {
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let binaries: Vec<&str> = resources
        .values()
        .filter(|r| r["Type"].as_str() == Some("AWS::Serverless::Function"))
        .filter_map(|r| r["Metadata"]["BuildProperties"]["Binary"].as_str())
        .collect();
    let functions = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap());
    let mut count = 0;
    for function in functions {
        assert!(
            binaries.contains(&function.as_str()),
            "{function} is not deployed"
        );
        count += 1;
    }
    assert_eq!(binaries.len(), count, "{binaries:?}");
}

#[test]
fn every_function_checks_its_log_filter_before_it_logs() {
    let functions = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../functions"))
        .unwrap()
        .map(|entry| entry.unwrap().path());
    let mut count = 0;
    for function in functions {
        let main = std::fs::read_to_string(function.join("src/main.rs")).unwrap();
        assert!(
            main.contains("logging::init(") && !main.contains("init_default_subscriber"),
            "{} installs an unchecked log filter (a trace level logs raw events)",
            function.display()
        );
        count += 1;
    }
    assert!(count >= 12, "{count} functions");
}

/// The statements of the inline policy of `role`.
fn statements<'a>(template: &'a serde_norway::Value, role: &str) -> &'a Vec<serde_norway::Value> {
    template["Resources"][role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        .as_sequence()
        .unwrap_or_else(|| panic!("{role} has an inline policy"))
}

fn actions(statement: &serde_norway::Value) -> Vec<String> {
    match &statement["Action"] {
        serde_norway::Value::String(one) => vec![one.clone()],
        many => many
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_string())
            .collect(),
    }
}

#[test]
fn the_job_table_has_the_sweepers_sparse_index_as_the_store_queries_it() {
    use ferrotype_service::store::JobTable;
    let template = template();
    let table = &template["Resources"]["JobTable"]["Properties"];
    let indexes = table["GlobalSecondaryIndexes"].as_sequence().unwrap();
    assert_eq!(indexes.len(), JobTable::SWEEP_INDEXES.len());
    let types: Vec<(&str, &str)> = table["AttributeDefinitions"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["AttributeName"].as_str().unwrap(),
                d["AttributeType"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(types.contains(&("status", "S")), "{types:?}");
    for expected in JobTable::SWEEP_INDEXES {
        let index = indexes
            .iter()
            .find(|i| i["IndexName"].as_str() == Some(expected.name))
            .unwrap_or_else(|| panic!("{} is declared", expected.name));
        let keys: Vec<(&str, &str)> = index["KeySchema"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["AttributeName"].as_str().unwrap(),
                    k["KeyType"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(keys, [("status", "HASH"), (expected.sort_key, "RANGE")]);
        assert_eq!(
            index["Projection"]["ProjectionType"].as_str(),
            Some("KEYS_ONLY")
        );
        // Epoch seconds, compared as numbers.
        assert!(types.contains(&(expected.sort_key, "N")), "{types:?}");
    }
}

#[test]
fn only_the_sweeper_queries_the_jobs_and_only_through_its_index_and_none_scans() {
    use ferrotype_service::store::JobTable;
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::IAM::Role") {
            continue;
        }
        let name = name.as_str().unwrap();
        for statement in statements(&template, name) {
            let actions = actions(statement);
            assert!(
                !actions.iter().any(|a| a == "dynamodb:Scan"),
                "{name} may scan"
            );
            let resources = format!("{:?}", statement["Resource"]);
            // The live channel's connections table is queried by job and by connection.
            if !actions.iter().any(|a| a == "dynamodb:Query") || !resources.contains("JobTable") {
                continue;
            }
            assert_eq!(name, "SweeperRole", "only the sweeper queries");
            assert_eq!(actions, ["dynamodb:Query"], "Query on its own statement");
            for index in JobTable::SWEEP_INDEXES {
                assert!(
                    resources.contains(&format!("${{JobTable.Arn}}/index/{}", index.name)),
                    "{resources}"
                );
            }
            assert_eq!(
                statement["Resource"].as_sequence().unwrap().len(),
                JobTable::SWEEP_INDEXES.len(),
                "the index only, not the table: {resources}"
            );
        }
    }
}

#[test]
fn the_sweeper_waits_until_a_message_can_no_longer_be_in_flight_before_resending() {
    let template = template();
    let resources = &template["Resources"];
    let queue = &resources["JobQueue"]["Properties"];
    let visibility = queue["VisibilityTimeout"].as_u64().unwrap();
    let receives = queue["RedrivePolicy"]["maxReceiveCount"].as_u64().unwrap();
    let resend_after: u64 = resources["SweeperFunction"]["Properties"]["Environment"]["Variables"]
        ["RESEND_AFTER_SECONDS"]
        .as_str()
        .expect("RESEND_AFTER_SECONDS is set")
        .parse()
        .unwrap();
    assert!(
        resend_after >= visibility * receives,
        "{resend_after} s < {visibility} s x {receives} receives"
    );
    // The dead-letter function keeps the dead letter of a job held under a lease, to try
    // again later: nothing may move it on.
    let dlq = &resources["JobDeadLetterQueue"]["Properties"];
    assert!(
        dlq["RedrivePolicy"].is_null(),
        "dead letters are never dropped by a redrive"
    );
}

/// The logical id a `!GetAtt X.Arn` (or `Fn::GetAtt: [X, Arn]`) names.
fn get_att_resource(value: &serde_norway::Value) -> Option<String> {
    use serde_norway::Value;
    let target = match value {
        Value::Tagged(tagged) if tagged.tag == "GetAtt" => tagged.value.clone(),
        Value::Mapping(map) => map.get("Fn::GetAtt")?.clone(),
        _ => return None,
    };
    match target {
        Value::String(dotted) => dotted.split('.').next().map(str::to_string),
        Value::Sequence(parts) => parts.first()?.as_str().map(str::to_string),
        _ => None,
    }
}

#[test]
fn every_queue_a_function_consumes_hides_a_message_for_six_times_its_timeout() {
    // AWS's guidance for SQS event sources: a message in a batch that is still being
    // handled (or retried by the poller) must not become visible to a second invocation.
    let template = template();
    let resources = template["Resources"].as_mapping().unwrap();
    let default_timeout = template["Globals"]["Function"]["Timeout"]
        .as_u64()
        .unwrap_or(3);
    let mut checked = Vec::new();
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let name = name.as_str().unwrap();
        let timeout = resource["Properties"]["Timeout"]
            .as_u64()
            .unwrap_or(default_timeout);
        let Some(events) = resource["Properties"]["Events"].as_mapping() else {
            continue;
        };
        for event in events
            .values()
            .filter(|e| e["Type"].as_str() == Some("SQS"))
        {
            let queue = get_att_resource(&event["Properties"]["Queue"])
                .unwrap_or_else(|| panic!("{name}: its SQS source names a queue of the stack"));
            let properties = &resources[queue.as_str()]["Properties"];
            // SQS's default, when the template sets none.
            let visibility = properties["VisibilityTimeout"].as_u64().unwrap_or(30);
            assert!(
                visibility >= 6 * timeout,
                "{queue}: VisibilityTimeout {visibility} s < 6 x {name}'s Timeout {timeout} s"
            );
            checked.push(queue);
        }
    }
    for queue in [
        "JobQueue",
        "JobDeadLetterQueue",
        "UploadEventsQueue",
        "WebhookQueue",
    ] {
        assert!(
            checked.iter().any(|q| q == queue),
            "{queue} not checked: {checked:?}"
        );
    }
}

#[test]
fn the_log_level_offers_nothing_that_logs_credentials() {
    let template = template();
    let parameter = &template["Parameters"]["LogLevel"];
    let allowed: Vec<&str> = parameter["AllowedValues"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!allowed.contains(&"trace"), "{allowed:?}");
    for level in &allowed {
        let env = ferrotype_service::config::Env::from_pairs(&[("RUST_LOG", level)]);
        ferrotype_service::logging::check(&env)
            .unwrap_or_else(|e| panic!("LogLevel {level} is refused at start: {e}"));
    }
    assert!(allowed.contains(&parameter["Default"].as_str().unwrap()));
}

#[test]
fn the_list_table_has_the_indexes_the_store_queries_and_only_the_status_function_reads_them() {
    use ferrotype_service::store::ListTable;
    let template = template();
    let table = &template["Resources"]["ListTable"]["Properties"];
    let key = |index: &serde_norway::Value| -> Vec<(String, String)> {
        index["KeySchema"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|k| {
                (
                    k["AttributeName"].as_str().unwrap().to_string(),
                    k["KeyType"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(key(table), [("id".to_string(), "HASH".to_string())]);
    let indexes = table["GlobalSecondaryIndexes"].as_sequence().unwrap();
    let declared: Vec<(&str, Vec<(String, String)>)> = indexes
        .iter()
        .map(|i| (i["IndexName"].as_str().unwrap(), key(i)))
        .collect();
    let pair = |a: &str, b: &str| {
        vec![
            (a.to_string(), "HASH".to_string()),
            (b.to_string(), "RANGE".to_string()),
        ]
    };
    assert_eq!(
        declared,
        [
            (ListTable::BY_CALLER, pair("caller", "entry")),
            (ListTable::BY_CALLER_STATUS, pair("caller_status", "entry")),
        ]
    );
    for index in indexes {
        // A page is served from the index alone.
        assert_eq!(index["Projection"]["ProjectionType"].as_str(), Some("ALL"));
    }

    // The status function queries the two indexes and nothing else of the table; the
    // projector only puts items.
    let list_statements = |role: &str| -> Vec<(Vec<String>, String)> {
        statements(&template, role)
            .iter()
            .filter(|s| format!("{:?}", s["Resource"]).contains("ListTable"))
            .map(|s| (actions(s), format!("{:?}", s["Resource"])))
            .collect()
    };
    let status = list_statements("StatusRole");
    assert_eq!(status.len(), 1, "{status:?}");
    assert_eq!(status[0].0, ["dynamodb:Query"]);
    for index in [ListTable::BY_CALLER, ListTable::BY_CALLER_STATUS] {
        assert!(
            status[0]
                .1
                .contains(&format!("${{ListTable.Arn}}/index/{index}")),
            "{}",
            status[0].1
        );
    }
    let projector = list_statements("ProjectorRole");
    assert_eq!(projector.len(), 1, "{projector:?}");
    assert_eq!(projector[0].0, ["dynamodb:PutItem"]);
    let resources = template["Resources"].as_mapping().unwrap();
    for (name, resource) in resources {
        if resource["Type"].as_str() != Some("AWS::IAM::Role") {
            continue;
        }
        let name = name.as_str().unwrap();
        if name != "StatusRole" && name != "ProjectorRole" {
            assert!(
                list_statements(name).is_empty(),
                "{name} touches the list table"
            );
        }
    }
}
