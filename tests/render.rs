//! `lede render` end to end: the real binary renders the fixture records
//! (`tests/fixtures/render/records.jsonl`, written by `make_records.py` beside it, offsets in
//! code points) and records lede itself extracts from `tests/fixtures/article.txt`; then a real
//! headless Chromium loads the page and its self-check compares every highlight's text with the
//! surface text the record gives. The browser tests skip, saying so, when Chromium is absent.
//!
//! `LEDE_UPDATE_SCREENSHOT=1 cargo test --test render` rewrites `docs/render-example.png`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const FIXTURE: &str = "tests/fixtures/render/records.jsonl";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn lede(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lede"))
        .args(args)
        .current_dir(root())
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lede runs");
    if let Some(bytes) = stdin {
        use std::io::Write;
        let mut pipe = child.stdin.take().expect("stdin");
        pipe.write_all(bytes).expect("write stdin");
    }
    child.wait_with_output().expect("lede finishes")
}

fn render_fixture() -> String {
    let out = lede(&["render", FIXTURE], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 page")
}

/// The Chromium binary, if one is installed.
fn chromium() -> Option<PathBuf> {
    let names = ["chromium", "chromium-browser", "google-chrome"];
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).flat_map(|dir| names.map(|n| dir.join(n))).find(|p| p.is_file())
}

/// Runs headless Chromium on `page` with `args`; returns stdout and stderr.
fn browse(chrome: &Path, page: &str, args: &[&str]) -> (String, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(page)
        .output()
        .expect("chromium runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn write_page(dir: &Path, html: &str) -> String {
    let file = dir.join("report.html");
    std::fs::write(&file, html).expect("write page");
    format!("file://{}", file.display())
}

/// The `data-ok` and `data-bad` counts the page's self-check wrote.
fn check_counts(dom: &str) -> (usize, usize) {
    let at = dom.find("<output id=\"lede-check\"").expect("the self-check ran");
    let tag = &dom[at..at + dom[at..].find('>').expect("tag end")];
    let attr = |name: &str| -> usize {
        let from = tag.find(&format!("{name}=\"")).expect(name) + name.len() + 2;
        tag[from..from + tag[from..].find('"').expect("quote")].parse().expect("number")
    };
    (attr("data-ok"), attr("data-bad"))
}

fn console_errors(stderr: &str) -> Vec<&str> {
    stderr.lines().filter(|l| l.contains(":CONSOLE") && (l.contains("Uncaught") || l.contains("Error"))).collect()
}

#[test]
fn renders_the_fixture_records() {
    let html = render_fixture();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</body></html>"));
    assert_eq!(html.matches("<article class=\"rec\"").count(), 3);
    // Self-contained: nothing is fetched.
    for needle in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!html.contains(needle), "page refers outside itself: {needle}");
    }
    // The article's own markup is text.
    assert_eq!(html.matches("<script").count(), 1);
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; “"));
    assert!(html.contains("<h2>Ferry between Kiel &amp; Oslo &lt;approved&gt;</h2>"));
    assert!(html.contains("title=\"direct quote, said by Anna Müller (cue: said)\""));
    // Offsets counted in code points: the mention after the emoji is where it should be.
    assert!(html.contains("data-x=\"about 15%\">about 15%</span><small class=\"lbl\">NUM</small>"));
    assert!(html.contains("⚠ 1 span(s) not drawn: outside the text, empty or reversed"));
    assert!(html.contains("Near-duplicate groups (1)"));
}

#[test]
fn reads_stdin_and_reports_bad_lines() {
    let mut input = std::fs::read(root().join(FIXTURE)).expect("fixture");
    input.extend_from_slice(b"{\"not\": \"a record\"}\n");
    let out = lede(&["render"], Some(&input));
    assert_eq!(out.status.code(), Some(2), "a bad line is reported with exit code 2");
    let html = String::from_utf8(out.stdout).expect("utf-8 page");
    assert_eq!(html.matches("<article class=\"rec\"").count(), 3);
    assert!(html.contains("⚠ line 4 is not a record"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 4 is not a record"));
}

#[test]
fn renders_what_lede_extracts_from_the_example_article() {
    let records = lede(&["tests/fixtures/article.txt"], None);
    assert!(records.status.success());
    let out = lede(&["render", "-"], Some(&records.stdout));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = String::from_utf8(out.stdout).expect("utf-8 page");
    assert_eq!(html.matches("<article class=\"rec\"").count(), 1);
    assert!(html.contains("has warned that trust between"));
    // The entities lede found are highlighted where the offsets say.
    assert!(html.contains(">Rex Tillerson<"), "Tillerson is highlighted");
}

#[test]
fn highlights_hold_their_surface_text_in_a_browser() {
    let Some(chrome) = chromium() else {
        eprintln!("SKIPPED highlights_hold_their_surface_text_in_a_browser: chromium is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let page = write_page(dir.path(), &render_fixture());
    let (dom, stderr) = browse(&chrome, &format!("{page}#lede-check"), &["--dump-dom"]);
    // 13 + 4 + 2 spans in range in the three records; the one past the end is not drawn.
    assert_eq!(check_counts(&dom), (19, 0), "{}", &dom[dom.find("<output").unwrap_or(0)..][..400.min(dom.len())]);
    assert!(console_errors(&stderr).is_empty(), "{:?}", console_errors(&stderr));
    // The script moved the index, written last, above the records.
    let (index, records) = (dom.find("id=\"index\"").expect("index"), dom.find("id=\"records\"").expect("records"));
    assert!(index < records);

    let shot = if std::env::var_os("LEDE_UPDATE_SCREENSHOT").is_some() {
        root().join("docs/render-example.png")
    } else {
        dir.path().join("shot.png")
    };
    browse(&chrome, &page, &[&format!("--screenshot={}", shot.display()), "--window-size=1100,1250"]);
    let png = std::fs::read(&shot).expect("screenshot written");
    assert!(png.starts_with(b"\x89PNG"), "a PNG");
}

#[test]
fn pages_through_many_records_in_a_browser() {
    let Some(chrome) = chromium() else {
        eprintln!("SKIPPED pages_through_many_records_in_a_browser: chromium is not installed");
        return;
    };
    let fixture = std::fs::read_to_string(root().join(FIXTURE)).expect("fixture");
    let many: String = (0..15).map(|_| fixture.as_str()).collect();
    let out = lede(&["render", "--page-size", "20"], Some(many.as_bytes()));
    assert!(out.status.success());
    let html = String::from_utf8(out.stdout).expect("utf-8 page");
    let dir = tempfile::tempdir().expect("temp dir");
    let page = write_page(dir.path(), &html);
    let (dom, stderr) = browse(&chrome, &format!("{page}#lede-check"), &["--dump-dom"]);
    assert!(console_errors(&stderr).is_empty(), "{:?}", console_errors(&stderr));
    assert_eq!(check_counts(&dom), (19 * 15, 0));
    let articles = dom.matches("<article class=\"rec\"").count();
    let hidden = dom
        .split("<article class=\"rec\"")
        .skip(1)
        .filter(|tag| tag.split('>').next().is_some_and(|attrs| attrs.contains(" hidden")))
        .count();
    assert_eq!(articles, 45);
    assert_eq!(hidden, 25, "20 shown on page 1 of 3");
    assert!(dom.contains("page 1 of 3"));
    // A link to record 44 opens its page.
    let (dom, _) = browse(&chrome, &format!("{page}#r-44"), &["--dump-dom"]);
    assert!(dom.contains("page 3 of 3"), "the link turned to the last page");
}
