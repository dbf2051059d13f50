//! The web page in a real headless Chromium (`integration/browser/page_test.py`, Playwright
//! on Debian's chromium: `make browser`), on the stack's API and live channel.

use tokio::process::Command;

/// Where the browser test leaves its screenshots (`page.png`, `placeholder.png`: the real
/// photo's item while its thumbnail's AVIF is held, `picture.png`: once loaded,
/// `history.png`: the caller's photos after a reload) and photos, in the checkout.
const ARTIFACTS: &str = "target/test-artifacts/page";

#[tokio::test]
async fn photos_dropped_on_the_page_in_chromium_end_as_pictures_loading_avif_over_their_placeholders(
) -> anyhow::Result<()> {
    let (env, _) = crate::stack()?;
    let token_file = env.work.join("page-token");
    std::fs::write(&token_file, &env.api_key)?;
    let artifacts = env.root.join(ARTIFACTS);
    std::fs::create_dir_all(&artifacts)?;
    let output = Command::new(env.python())
        .arg(env.root.join("integration/browser/page_test.py"))
        .arg("--url")
        .arg(format!("{}/", env.api))
        .arg("--token-file")
        .arg(&token_file)
        .arg("--artifacts")
        .arg(&artifacts)
        .output()
        .await?;
    // cargo test shows it when the test fails.
    println!("{}", String::from_utf8_lossy(&output.stdout));
    println!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "page_test.py {} (screenshot and photos in {ARTIFACTS}; its output above)",
        output.status
    );
    Ok(())
}
