//! Integration tests of `lede watch`: the real binary on temporary folders, with short settle
//! times. They assert outcomes, never durations: each waits for an outcome with a generous
//! deadline and fails only if it never comes.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;
use common::gzip_stored;

const SETTLE_MS: &str = "200";
const DEADLINE: Duration = Duration::from_secs(60);

fn lede() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lede"));
    cmd.env_remove("RUST_LOG");
    cmd
}

/// Starts a watcher on `dir` writing to `out`, with extra flags.
fn start_watch(dir: &Path, out: &Path, extra: &[&str]) -> Child {
    lede()
        .arg("watch")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(["--settle-ms", SETTLE_MS, "--rescan-seconds", "1", "-q"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lede watch starts")
}

/// Runs `lede watch --once` to completion; returns (exit code, stderr).
fn watch_once(dir: &Path, out: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let output = lede()
        .arg("watch")
        .arg(dir)
        .arg("--out")
        .arg(out)
        .args(["--once", "--settle-ms", SETTLE_MS])
        .args(extra)
        .output()
        .expect("lede watch runs");
    (output.status.code(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn stop(mut child: Child) -> String {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let _ = child.wait();
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
    }
    stderr
}

/// Every record of an output file; panics on a line that is not whole JSON.
fn read_records(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out).unwrap_or_default();
    assert!(text.is_empty() || text.ends_with('\n'), "output ends in a torn line");
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("invalid JSON line {l:?}: {e}"))).collect()
}

/// The complete records of an output file that is still being written: a large write can be
/// seen half-way by a concurrent reader, as with any file that grows, so a trailing partial line
/// is left for the next look. Whatever is complete must be whole JSON.
fn read_complete_records(out: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(out).unwrap_or_default();
    let complete = &text[..text.rfind('\n').map_or(0, |end| end + 1)];
    complete
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("invalid JSON line {l:?}: {e}")))
        .collect()
}

/// Waits until `done` holds for the output's records.
fn wait_for(out: &Path, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let started = Instant::now();
    loop {
        let records = read_complete_records(out);
        if done(&records) {
            return records;
        }
        assert!(started.elapsed() < DEADLINE, "timed out; have {} records", records.len());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn ids(records: &[Value]) -> Vec<String> {
    records.iter().map(|r| r["id"].as_str().unwrap_or_default().to_string()).collect()
}

fn doc_line(id: &str, text: &str) -> String {
    format!("{}\n", serde_json::json!({"id": id, "text": text}))
}

struct Folder {
    _root: tempfile::TempDir,
    inbox: PathBuf,
    out: PathBuf,
    outside: PathBuf,
}

fn folder() -> Folder {
    let root = tempfile::tempdir().unwrap();
    let inbox = root.path().join("inbox");
    let outside = root.path().join("outside");
    std::fs::create_dir_all(&inbox).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let out = root.path().join("out.jsonl");
    Folder { inbox, out, outside, _root: root }
}

#[test]
fn slowly_written_file_is_read_once_complete() {
    let f = folder();
    let child = start_watch(&f.inbox, &f.out, &[]);
    // A first file proves that the watcher is up before the slow writer starts.
    std::fs::write(f.inbox.join("ready.jsonl"), doc_line("ready", "Ready.")).unwrap();
    wait_for(&f.out, |r| r.len() == 1);
    let path = f.inbox.join("slow.txt");
    let mut file = std::fs::File::create(&path).unwrap();
    let pieces = ["First part of the story. ", "Second part arrives later. ", "And the end."];
    for piece in pieces {
        file.write_all(piece.as_bytes()).unwrap();
        file.flush().unwrap();
        // Longer than the settle time: only the open file handle says the writer is not done.
        std::thread::sleep(Duration::from_millis(600));
        assert_eq!(read_records(&f.out).len(), 1, "a file still being written was read");
    }
    drop(file);
    let records = wait_for(&f.out, |r| r.len() > 1);
    std::thread::sleep(Duration::from_millis(800));
    let records_after = read_records(&f.out);
    stop(child);
    assert_eq!(records.len(), 2);
    assert_eq!(records_after.len(), 2, "emitted once");
    assert_eq!(records[1]["text"], pieces.concat());
}

#[test]
fn moved_files_duplicates_renames_and_rewrites() {
    let f = folder();
    let child = start_watch(&f.inbox, &f.out, &[]);
    // Moved in from outside.
    let staged = f.outside.join("moved.jsonl");
    std::fs::write(&staged, doc_line("moved", "Moved into place.")).unwrap();
    std::fs::rename(&staged, f.inbox.join("moved.jsonl")).unwrap();
    wait_for(&f.out, |r| ids(r) == ["moved"]);
    // The same content twice, under two names.
    std::fs::write(f.inbox.join("copy1.jsonl"), doc_line("copy", "Same content.")).unwrap();
    std::fs::write(f.inbox.join("copy2.jsonl"), doc_line("copy", "Same content.")).unwrap();
    // A rename of a processed file.
    std::fs::rename(f.inbox.join("moved.jsonl"), f.inbox.join("renamed.jsonl")).unwrap();
    // A marker file, to know when everything before it was seen.
    std::fs::write(f.inbox.join("zz-marker.jsonl"), doc_line("marker-1", "Marker.")).unwrap();
    wait_for(&f.out, |r| ids(r).contains(&"marker-1".to_string()));
    // A file rewritten with new content is a new version.
    std::fs::write(f.inbox.join("copy1.jsonl"), doc_line("copy-v2", "New content.")).unwrap();
    std::fs::write(f.inbox.join("zz-marker2.jsonl"), doc_line("marker-2", "Marker two.")).unwrap();
    let records =
        wait_for(&f.out, |r| ids(r).contains(&"marker-2".to_string()) && ids(r).contains(&"copy-v2".to_string()));
    std::thread::sleep(Duration::from_millis(1500)); // a rescan passes
    let records_after = read_records(&f.out);
    stop(child);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in ids(&records_after) {
        *counts.entry(id).or_default() += 1;
    }
    assert_eq!(records.len(), records_after.len());
    for id in ["moved", "copy", "marker-1", "copy-v2", "marker-2"] {
        assert_eq!(counts.get(id), Some(&1), "{id}: {counts:?}");
    }
    assert_eq!(counts.len(), 5, "{counts:?}");
}

#[test]
fn a_burst_of_ten_thousand_files() {
    let f = folder();
    for i in 0..10_000 {
        std::fs::write(f.inbox.join(format!("burst-{i:05}.jsonl")), doc_line(&format!("b{i}"), &format!("Story {i}.")))
            .unwrap();
    }
    let child = start_watch(&f.inbox, &f.out, &[]);
    // More while it runs.
    for i in 10_000..10_500 {
        std::fs::write(f.inbox.join(format!("burst-{i:05}.jsonl")), doc_line(&format!("b{i}"), &format!("Story {i}.")))
            .unwrap();
    }
    let records = wait_for(&f.out, |r| r.len() >= 10_500);
    std::thread::sleep(Duration::from_millis(1500));
    let records_after = read_records(&f.out);
    stop(child);
    assert_eq!(records.len(), 10_500);
    assert_eq!(records_after.len(), 10_500);
    let mut seen: Vec<String> = ids(&records_after);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 10_500);
}

#[test]
fn kill_nine_loop_loses_nothing_and_duplicates_nothing() {
    let f = folder();
    for i in 0..1000 {
        let body = "A sentence of the story. ".repeat(1 + i % 30);
        std::fs::write(f.inbox.join(format!("doc-{i:04}.jsonl")), doc_line(&format!("d{i}"), &body)).unwrap();
    }
    // A large multi-document file too, resumed from checkpoints.
    let big: String = (0..3000).map(|i| doc_line(&format!("big{i}"), "Part of a large file.")).collect();
    std::fs::write(f.inbox.join("big.jsonl"), big).unwrap();
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    for _round in 0..20 {
        let child = start_watch(&f.inbox, &f.out, &[]);
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_millis(30 + rng % 400));
        let _ = Command::new("kill").args(["-KILL", &child.id().to_string()]).status();
        let mut child = child;
        let _ = child.wait();
    }
    let (code, stderr) = watch_once(&f.inbox, &f.out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let records = read_records(&f.out);
    let mut counts: HashMap<String, usize> = HashMap::new();
    for id in ids(&records) {
        *counts.entry(id).or_default() += 1;
    }
    let duplicated: Vec<_> = counts.iter().filter(|(_, &n)| n > 1).collect();
    assert!(duplicated.is_empty(), "duplicates: {duplicated:?}");
    assert_eq!(counts.len(), 4000, "every input id exactly once");
}

#[test]
fn another_output_file_is_never_truncated_to_the_first_ones_length() {
    let f = folder();
    std::fs::write(f.inbox.join("one.jsonl"), doc_line("one", "The first story of the day.")).unwrap();
    let (code, stderr) = watch_once(&f.inbox, &f.out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let other = f.outside.join("other.jsonl");
    let existing = "{\"kept\":\"a line that belongs to someone else, longer than the first output\"}\n".repeat(20);
    std::fs::write(&other, &existing).unwrap();
    std::fs::write(f.inbox.join("two.jsonl"), doc_line("two", "The second story of the day.")).unwrap();
    let (code, stderr) = watch_once(&f.inbox, &other, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let text = std::fs::read_to_string(&other).unwrap();
    assert!(text.starts_with(&existing), "the other file lost its content");
    assert_eq!(ids(&read_records(&other)[20..]), ["two"]);
}

#[test]
fn corrupt_state_store_is_refused() {
    let f = folder();
    let state = f.inbox.join(".lede-state");
    std::fs::create_dir_all(&state).unwrap();
    std::fs::write(state.join("state.redb"), b"not a database at all, just garbage").unwrap();
    std::fs::write(f.inbox.join("a.txt"), "Some text.").unwrap();
    let (code, stderr) = watch_once(&f.inbox, &f.out, &[]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("state.redb") && stderr.contains("--rebuild-state"), "{stderr}");
    assert!(read_records(&f.out).is_empty());
    let (code, stderr) = watch_once(&f.inbox, &f.out, &["--rebuild-state"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(read_records(&f.out).len(), 1);
}

#[test]
fn unreadable_and_broken_files_become_error_records() {
    let f = folder();
    std::fs::write(f.inbox.join("good.txt"), "Readable text.").unwrap();
    std::fs::write(f.inbox.join("broken.jsonl.gz"), b"\x1f\x8b\x08\x00 this is not really gzip").unwrap();
    let failed = f.outside.join("failed");
    let (code, stderr) = watch_once(&f.inbox, &f.out, &["--on-fail", &format!("move:{}", failed.display())]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("broken.jsonl.gz") && stderr.contains("\"stage\":\"read\""), "{stderr}");
    assert_eq!(read_records(&f.out).len(), 1);
    assert!(failed.join("broken.jsonl.gz").exists(), "moved by --on-fail");
}

#[test]
fn file_without_read_permission_is_an_error_record() {
    // Root reads every file: run the watcher as an unprivileged user where that is possible.
    let f = folder();
    let secret = f.inbox.join("secret.txt");
    std::fs::write(&secret, "No one may read this.").unwrap();
    let is_root = Command::new("id").arg("-u").output().map(|o| o.stdout.starts_with(b"0")).unwrap_or(false);
    let mut cmd = if is_root {
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_lede")]);
        cmd
    } else {
        Command::new(env!("CARGO_BIN_EXE_lede"))
    };
    let root = f.inbox.parent().unwrap();
    let _ = Command::new("chmod").args(["-R", "a+rwx"]).arg(root).status();
    let _ = Command::new("chmod").arg("000").arg(&secret).status();
    let output =
        cmd.arg("watch").arg(&f.inbox).arg("--out").arg(&f.out).args(["--once", "--settle-ms", SETTLE_MS]).output();
    let Ok(output) = output else {
        eprintln!("skipped: cannot run lede as an unprivileged user here");
        return;
    };
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("secret.txt") && stderr.to_lowercase().contains("permission denied"), "{stderr}");
}

#[test]
fn symlinks_out_of_the_folder_are_not_followed() {
    let f = folder();
    let target = f.outside.join("elsewhere.txt");
    std::fs::write(&target, "Outside the watched folder.").unwrap();
    std::os::unix::fs::symlink(&target, f.inbox.join("link.txt")).unwrap();
    std::fs::write(f.inbox.join("inside.txt"), "Inside the folder.").unwrap();
    let (code, stderr) = watch_once(&f.inbox, &f.out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    let records = read_records(&f.out);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["text"], "Inside the folder.");
    let (code, _) = watch_once(&f.inbox, &f.out, &["--follow-symlinks", "--rebuild-state"]);
    assert_eq!(code, Some(0));
    assert!(read_records(&f.out).iter().any(|r| r["text"] == "Outside the watched folder."));
}

#[test]
fn outputs_per_input_in_a_folder_and_inputs_moved_when_done() {
    let f = folder();
    let outdir = f.outside.join("records/");
    let done = f.outside.join("done");
    std::fs::write(f.inbox.join("one.jsonl"), doc_line("1", "One.") + &doc_line("2", "Two.")).unwrap();
    std::fs::write(f.inbox.join("three.txt"), "Three.").unwrap();
    let output = lede()
        .arg("watch")
        .arg(&f.inbox)
        .args(["--once", "--settle-ms", SETTLE_MS, "--out", outdir.to_str().unwrap()])
        .args(["--on-done", &format!("move:{}", done.display())])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let one = read_records(&outdir.join("one.jsonl.jsonl"));
    assert_eq!(ids(&one), ["1", "2"]);
    assert_eq!(read_records(&outdir.join("three.txt.jsonl")).len(), 1);
    assert!(done.join("one.jsonl").exists() && done.join("three.txt").exists());
    assert!(!f.inbox.join("one.jsonl").exists());
}

#[test]
fn gzip_inputs_and_temporary_names() {
    let f = folder();
    let gz = gzip_stored(doc_line("gz", "Compressed story.").as_bytes());
    std::fs::write(f.inbox.join("feed.jsonl.gz"), &gz).unwrap();
    std::fs::write(f.inbox.join("partial.txt.part"), "Not yet.").unwrap();
    std::fs::write(f.inbox.join(".hidden.txt"), "Hidden.").unwrap();
    std::fs::write(f.inbox.join("notes.pdf"), "Not a format lede reads.").unwrap();
    let (code, stderr) = watch_once(&f.inbox, &f.out, &[]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(ids(&read_records(&f.out)), ["gz"]);
}
