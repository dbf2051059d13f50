//! The processor binary refuses to start on a bad `VARIANTS`, before it serves anything,
//! with a message that names the entry and the rule (the rules themselves are unit-tested
//! in `crates/variants`).

use std::process::Command;

fn start(variants: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_processor"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("BUCKET_NAME", "images")
        .env("TABLE_NAME", "jobs")
        .env("VARIANTS", variants)
        .output()
        .expect("the processor binary runs")
}

#[test]
fn a_bad_declaration_stops_the_processor_at_start_naming_the_entry_and_the_rule() {
    let output = start(
        r#"[{"name": "thumb", "width": 200, "formats": ["auto"]},
            {"name": "hero", "width": 1200, "fit": "cover", "formats": ["jpeg"]}]"#,
    );
    assert!(!output.status.success(), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    // main's error is printed with Debug, so the name's quotes come escaped.
    assert!(
        stderr.contains("VARIANTS entry 2 (")
            && stderr.contains("hero")
            && stderr.contains("cover needs both width and height"),
        "{stderr}"
    );

    let output = start("not json");
    assert!(!output.status.success(), "{output:?}");
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("VARIANTS"),
        "{output:?}"
    );
}
