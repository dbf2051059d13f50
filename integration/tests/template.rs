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
