//! Golden (snapshot) test of the example article's whole record.
//!
//! Review a change with `cargo insta review` (or `INSTA_UPDATE=always cargo test --release
//! --test golden` and read the diff of `tests/snapshots/`).

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn example_article_record() {
    let article = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/article.txt")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(["--format", "text", "--reference-date", "2017-04-12", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&article).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let record: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    insta::assert_json_snapshot!("example_article", record);
}
