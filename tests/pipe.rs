//! Integration tests of pipe mode: the real binary on real files and streams.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

mod common;

fn lede() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lede"));
    cmd.env_remove("RUST_LOG");
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Runs lede with `args`, feeding `stdin`.
fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = lede()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("lede starts");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().expect("lede runs");
    writer.join().unwrap();
    output
}

fn records(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .expect("stdout is UTF-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("every stdout line is a JSON record"))
        .collect()
}

fn error_records(output: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("error records are JSON"))
        .collect()
}

/// Checks the span contract on every span of a record.
fn assert_offsets_exact(record: &Value) {
    let chars: Vec<char> = record["text"].as_str().unwrap().chars().collect();
    let slice = |s: usize, e: usize| chars[s..e].iter().collect::<String>();
    for key in ["paragraphs", "sentences"] {
        for pair in record[key].as_array().unwrap() {
            let (s, e) = (pair[0].as_u64().unwrap() as usize, pair[1].as_u64().unwrap() as usize);
            assert!(s < e && e <= chars.len(), "{key} span {s}..{e} out of range");
            let text = slice(s, e);
            assert_eq!(text.trim(), text, "{key} span has outer whitespace");
        }
    }
    let mut spans: Vec<&Value> = Vec::new();
    for entity in record["entities"].as_array().unwrap() {
        spans.extend(entity["mentions"].as_array().unwrap());
    }
    for key in ["quotes", "dates", "amounts"] {
        spans.extend(record[key].as_array().unwrap());
    }
    for span in spans {
        let (s, e) = (span["start"].as_u64().unwrap() as usize, span["end"].as_u64().unwrap() as usize);
        assert_eq!(slice(s, e), span["text"].as_str().unwrap(), "span text differs from text[start..end]");
    }
}

#[test]
fn example_article_gives_one_record() {
    let output = lede().arg(fixture("article.txt")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let records = records(&output);
    assert_eq!(records.len(), 1);
    let record = &records[0];
    assert!(record["text"].as_str().unwrap().starts_with("US Secretary of State Rex Tillerson"));
    assert_eq!(record["source"]["kind"], "file");
    assert!(record["stats"]["sentences"].as_u64().unwrap() > 40);
    for field in ["entities", "quotes", "dates", "amounts", "media", "keywords", "near_duplicates"] {
        assert!(record[field].is_array(), "{field} is a list from day one");
    }
    assert_offsets_exact(record);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("read 1 documents = 1 written + 0 errors + 0 filtered"), "{stderr}");
}

#[test]
fn json_lines_feed_keeps_fields_and_order() {
    let output = lede().arg(fixture("feed.jsonl")).output().unwrap();
    assert!(output.status.success());
    let records = records(&output);
    let ids: Vec<&str> = records.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["harbour-1", "council-2", "3"]);
    assert_eq!(records[0]["title"], "Harbour bridge reopens after repairs");
    assert_eq!(records[0]["published"], "2024-03-05");
    assert_eq!(records[0]["site"], "Example News");
    assert_eq!(records[0]["source"]["line"], 1);
    assert_eq!(records[2]["lang"]["code"], "en");
    assert_eq!(records[2]["meta"]["category"], "weather");
    records.iter().for_each(assert_offsets_exact);
}

#[test]
fn html_page_becomes_text_without_scripts_or_styles() {
    let html = std::fs::read(fixture("page.html")).unwrap();
    let output = run(&["--format", "html"], &html);
    assert!(output.status.success());
    let record = &records(&output)[0];
    let text = record["text"].as_str().unwrap();
    assert!(text.contains("Apple and pear growers"), "{text}");
    assert!(!text.contains("analytics") && !text.contains("font-family"), "{text}");
    assert!(record["title"].as_str().unwrap().contains("Orchard growers count frost damage"));
    // Sniffed without --format too.
    let sniffed = run(&[], &html);
    assert_eq!(records(&sniffed)[0]["text"], record["text"]);
}

#[test]
fn encodings_are_decoded() {
    let text = "Zürich’s café – “quoted” façade.";
    let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
    utf8_bom.extend(text.as_bytes());
    let mut utf16le = vec![0xFF, 0xFE];
    utf16le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    for (name, bytes) in
        [("utf-8", text.as_bytes().to_vec()), ("utf-8 bom", utf8_bom), ("utf-16le", utf16le), ("utf-16be", utf16be)]
    {
        let output = run(&["--format", "text"], &bytes);
        assert!(output.status.success(), "{name}");
        assert_eq!(records(&output)[0]["text"], text, "{name}");
    }
    // windows-1252: "Le café coûte 3 € et le thé est là."
    let legacy = b"Le caf\xe9 co\xfbte 3 \x80 et le th\xe9 est l\xe0, dit-il \x93hier\x94.";
    let output = run(&[], legacy);
    assert_eq!(records(&output)[0]["text"], "Le café coûte 3 € et le thé est là, dit-il “hier”.");
    // UTF-16 JSON lines.
    let mut feed = vec![0xFF, 0xFE];
    feed.extend(
        "{\"id\":\"a\",\"text\":\"Ünïcode\"}\n{\"id\":\"b\",\"text\":\"two\"}\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    let output = run(&[], &feed);
    let ids: Vec<Value> = records(&output).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn gzipped_files_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("feed.jsonl.gz");
    std::fs::write(&path, common::gzip_stored(b"{\"id\":\"z\",\"text\":\"Zipped.\"}\n")).unwrap();
    let output = lede().arg(&path).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(records(&output)[0]["text"], "Zipped.");
}

#[test]
fn empty_input_is_a_clean_run() {
    let output = run(&[], b"");
    assert!(output.status.success());
    assert!(output.stdout.is_empty());
    assert!(String::from_utf8_lossy(&output.stderr).contains("read 0 documents"));
}

#[test]
fn invalid_utf8_never_panics() {
    let output = run(&["--format", "text"], &[b'O', b'k', 0xFF, 0xFE, 0xC3, 0x28, b' ', b'e', b'n', b'd']);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(records(&output).len(), 1);
    let output = run(&["--format", "jsonl"], b"{\"id\":\"x\",\"text\":\"caf\xe9 cr\xe8me\"}\n");
    assert_eq!(records(&output)[0]["text"], "café crème");
}

#[test]
fn bad_lines_become_error_records_and_the_stream_goes_on() {
    let feed = b"{\"id\":\"a\",\"text\":\"First.\"}\nnot json at all\n{\"id\":\"b\",\"text\":\"Second.\"}\n{\"id\":\"c\"}\n[1,2]\n{\"id\":\"d\",\"text\":\"Last, no newline.\"}";
    let output = run(&[], feed);
    assert_eq!(output.status.code(), Some(2));
    let ids: Vec<Value> = records(&output).iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, ["a", "b", "d"]);
    let errors = error_records(&output);
    let lines: Vec<u64> = errors.iter().map(|e| e["source"]["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 4, 5]);
    assert!(errors.iter().all(|e| e["stage"] == "parse" && e["error"].as_str().is_some_and(|s| !s.is_empty())));
    assert_eq!(errors[1]["id"], "c", "the id is kept when it could be read");
    assert!(String::from_utf8_lossy(&output.stderr).contains("read 6 documents = 3 written + 3 errors + 0 filtered"));
}

#[test]
fn oversize_documents_become_error_records() {
    let big = format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n{{\"id\":\"ok\",\"text\":\"fine\"}}\n", "word ".repeat(400));
    let output = run(&["--max-document-bytes", "1000"], big.as_bytes());
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(records(&output).len(), 1);
    assert!(error_records(&output)[0]["error"].as_str().unwrap().contains("over the limit"));
}

#[test]
fn eight_workers_keep_input_order() {
    let feed: String = (0..1000)
        .map(|i| {
            // Uneven sizes so that workers finish out of order.
            let body = "Sentence number one is here. ".repeat(1 + (i * 7919) % 97);
            format!("{{\"id\":\"doc-{i}\",\"text\":\"{body}\"}}\n")
        })
        .collect();
    let output = run(&["--workers", "8", "--queue", "32"], feed.as_bytes());
    assert!(output.status.success());
    let ids: Vec<String> = records(&output).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let expected: Vec<String> = (0..1000).map(|i| format!("doc-{i}")).collect();
    assert_eq!(ids, expected);
}

#[test]
fn config_file_and_flags_combine() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("lede.toml");
    std::fs::write(&config, "[filter]\nmin_words = 3\n").unwrap();
    let feed = b"{\"id\":\"short\",\"text\":\"Too short\"}\n{\"id\":\"long\",\"text\":\"Long enough to keep here.\"}\n";
    let output = run(&["--config", config.to_str().unwrap()], feed);
    assert!(output.status.success());
    assert_eq!(records(&output).len(), 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("2 documents = 1 written + 0 errors + 1 filtered"));
    // The flag overrides the file.
    let output = run(&["--config", config.to_str().unwrap(), "--min-words", "0"], feed);
    assert_eq!(records(&output).len(), 2);
}

#[test]
fn unknown_config_keys_are_refused_with_their_names() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[input]\nformatt = \"jsonl\"\n[pipeline]\nworkers = \"two\"\n").unwrap();
    let output = lede().args(["check-config", config.to_str().unwrap()]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("input.formatt") && stderr.contains("pipeline.workers"), "{stderr}");
    assert!(stderr.contains("bad.toml"), "{stderr}");
    let output = run(&["--config", config.to_str().unwrap()], b"");
    assert_eq!(output.status.code(), Some(1));
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
    let output = lede().args(["check-config", shipped.to_str().unwrap()]).output().unwrap();
    assert!(output.status.success());
}

#[test]
fn schema_describes_the_record() {
    let output = lede().arg("schema").output().unwrap();
    assert!(output.status.success());
    let schema: Value = serde_json::from_slice(&output.stdout).unwrap();
    let properties = schema["properties"].as_object().unwrap();
    for field in ["id", "source", "content_hash", "text", "paragraphs", "sentences", "entities", "quotes", "dates"] {
        assert!(properties.contains_key(field), "schema lacks {field}");
    }
}

#[test]
fn help_documents_exit_codes() {
    let output = lede().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("Exit codes") && help.contains("143"), "{help}");
}

#[test]
fn missing_input_file_is_fatal() {
    let output = lede().arg("/nonexistent/feed.jsonl").output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open input"));
}

/// A writer of an endless feed into a child's stdin, until the pipe closes.
fn feed_forever(child: &mut Child) -> std::thread::JoinHandle<()> {
    let mut stdin = child.stdin.take().unwrap();
    std::thread::spawn(move || {
        for i in 0.. {
            let line = format!("{{\"id\":\"n{i}\",\"text\":\"Story number {i}. It has two sentences.\"}}\n");
            if stdin.write_all(line.as_bytes()).is_err() {
                return;
            }
            if i % 64 == 0 {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
    })
}

#[test]
fn sigterm_finishes_in_flight_documents_and_prints_the_summary() {
    let mut child = lede().stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let writer = feed_forever(&mut child);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.ends_with('\n'));
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let exit = child.wait().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    drop(stdout);
    writer.join().unwrap();
    assert_eq!(exit.code(), Some(143), "{stderr}");
    assert!(rest.is_empty() || rest.ends_with('\n'), "no partial line on stdout");
    for line in first.lines().chain(rest.lines()) {
        serde_json::from_str::<Value>(line).expect("every line is whole JSON");
    }
    let written = 1 + rest.lines().count();
    assert!(stderr.contains(&format!("= {written} written + 0 errors")), "{stderr}");
    assert!(stderr.contains("stopped by Terminate"), "{stderr}");
}

#[test]
fn closed_stdout_ends_the_run_quietly() {
    let mut child = lede().stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let writer = feed_forever(&mut child);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    drop(stdout); // as `| head -1` does
    let exit = child.wait().unwrap();
    writer.join().unwrap();
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    assert_eq!(exit.code(), Some(0), "{stderr}");
    assert!(!stderr.to_lowercase().contains("error"), "{stderr}");
    serde_json::from_str::<Value>(&first).unwrap();
}

/// Peak resident memory of a running process, in KiB.
fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn memory_stays_flat_on_a_200_mb_stream() {
    const TOTAL: usize = 200 * 1024 * 1024;
    // The streaming machinery is under test, not the models: with the analysis steps off, the
    // run is fast and its memory is the framing, the queue and the sinks alone.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("parse-only.toml");
    std::fs::write(
        &config,
        "[extract]\nentities = false\nquotes = false\ndates = false\namounts = false\n\
         [enrich]\nlanguage = false\nplaces = false\nkeywords = 0\ntone = false\nnear_duplicates = false\n",
    )
    .unwrap();
    let mut child = lede()
        .args(["--workers", "2", "--config", config.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut stdin = child.stdin.take().unwrap();
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut count = 0usize;
        for line in BufReader::new(stdout).lines() {
            line.unwrap();
            count += 1;
        }
        count
    });
    let paragraph = "The committee met on Monday to discuss the budget, and members said the talks went well. ";
    let mut sent = 0usize;
    let mut docs = 0usize;
    let started = Instant::now();
    while sent < TOTAL {
        let body = paragraph.repeat(20 + docs % 40);
        let line = format!("{{\"id\":\"m{docs}\",\"text\":\"{body}\"}}\n");
        stdin.write_all(line.as_bytes()).unwrap();
        sent += line.len();
        docs += 1;
    }
    // Measure while the process is still alive and has seen the whole stream.
    stdin.flush().unwrap();
    let peak = peak_rss_kib(pid);
    drop(stdin);
    let count = reader.join().unwrap();
    let exit = child.wait().unwrap();
    assert!(exit.success());
    assert_eq!(count, docs);
    let peak = peak.expect("VmHWM readable on Linux");
    eprintln!("200 MB stream: {docs} documents, peak RSS {} MiB, {:?}", peak / 1024, started.elapsed());
    assert!(peak < 50 * 1024, "peak RSS {peak} KiB on a 200 MB stream");
}
