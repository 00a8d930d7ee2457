//! End-to-end tests of `lede --from kafka://...` against a real broker on loopback.
//!
//! The broker is tansu, a single-binary Kafka-compatible broker, installed by
//! `scripts/install-test-broker.sh` into `target/test-broker/tansu` (or named by
//! `LEDE_TEST_BROKER`). Each test starts its own broker on a free port and stops it by pid.
//! Compiled with `--features kafka` only.

#[cfg(not(feature = "kafka"))]
#[test]
fn kafka_tests_need_the_kafka_feature() {
    eprintln!("SKIPPED: the Kafka tests run with `cargo test --release --features kafka --test kafka`");
}

#[cfg(feature = "kafka")]
mod with_broker {
    use std::collections::{BTreeMap, HashMap};
    use std::io::Write;
    use std::net::{TcpListener, TcpStream};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
    use rdkafka::client::DefaultClientContext;
    use rdkafka::config::ClientConfig;
    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::Message;
    use rdkafka::producer::{FutureProducer, FutureRecord, Producer};

    /// One broker and a few lede processes at a time: the machine may have two cores.
    static SERIAL: Mutex<()> = Mutex::new(());

    const DOCS: usize = 10_000;
    const PARTITIONS: i32 = 4;
    /// The documented uncommitted window per process: 512 markers plus `pipeline.queue`.
    const WINDOW: usize = 512 + 64;

    struct Broker {
        child: Child,
        address: String,
    }

    impl Drop for Broker {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }

    fn broker_binary() -> PathBuf {
        if let Ok(path) = std::env::var("LEDE_TEST_BROKER") {
            return PathBuf::from(path);
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-broker/tansu")
    }

    fn start_broker() -> Broker {
        let binary = broker_binary();
        assert!(binary.exists(), "{} is missing: run scripts/install-test-broker.sh", binary.display());
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let url = format!("tcp://127.0.0.1:{port}");
        let child = Command::new(&binary)
            .args(["broker", "--listener-url", &url, "--advertised-listener-url", &url])
            .args(["--storage-engine", "memory://tansu/"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&address).is_err() {
            assert!(Instant::now() < deadline, "the broker did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        Broker { child, address }
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
    }

    fn create_topics(broker: &Broker, topics: &[(&str, i32)]) {
        let admin: AdminClient<DefaultClientContext> =
            ClientConfig::new().set("bootstrap.servers", &broker.address).create().unwrap();
        let new: Vec<NewTopic> =
            topics.iter().map(|(name, n)| NewTopic::new(name, *n, TopicReplication::Fixed(1))).collect();
        let results = runtime().block_on(admin.create_topics(&new, &AdminOptions::new())).unwrap();
        for result in results {
            result.unwrap();
        }
    }

    /// Produces `values` to `topic` round-robin over its partitions; returns each value's
    /// (partition, offset).
    fn produce(address: &str, topic: &str, values: &[String]) -> Vec<(i32, i64)> {
        let producer: FutureProducer =
            ClientConfig::new().set("bootstrap.servers", address).set("linger.ms", "5").create().unwrap();
        let rt = runtime();
        let places = rt.block_on(async {
            let mut futures = Vec::new();
            for (i, value) in values.iter().enumerate() {
                let record = FutureRecord::<(), _>::to(topic).payload(value).partition(i as i32 % PARTITIONS);
                futures.push(producer.send_result(record).map_err(|(e, _)| e).unwrap());
            }
            let mut places = Vec::new();
            for f in futures {
                let delivery = f.await.unwrap().map_err(|(e, _)| e).unwrap();
                places.push((delivery.partition, delivery.offset));
            }
            places
        });
        producer.flush(Duration::from_secs(10)).unwrap();
        places
    }

    /// Reads `topic` from the start until `until` says enough or `limit` passes, plus a grace
    /// period in which nothing more may arrive; returns the values.
    fn consume_all(broker: &Broker, topic: &str, limit: Duration, until: impl FnMut(&[u8]) -> bool) -> Vec<Vec<u8>> {
        consume(broker, topic, limit, Duration::from_secs(3), until)
    }

    /// As [`consume_all`], with the grace period given.
    fn consume(
        broker: &Broker,
        topic: &str,
        limit: Duration,
        grace_period: Duration,
        mut until: impl FnMut(&[u8]) -> bool,
    ) -> Vec<Vec<u8>> {
        static READERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let reader = READERS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &broker.address)
            .set("group.id", format!("checker-{topic}-{reader}"))
            .set("auto.offset.reset", "earliest")
            .set("enable.auto.commit", "false")
            .set("session.timeout.ms", "6000")
            .create()
            .unwrap();
        consumer.subscribe(&[topic]).unwrap();
        let mut values = Vec::new();
        let deadline = Instant::now() + limit;
        let mut grace: Option<Instant> = None;
        loop {
            let now = Instant::now();
            if let Some(Ok(m)) = consumer.poll(Duration::from_millis(100)) {
                let value = m.payload().unwrap_or_default().to_vec();
                if grace.is_none() && until(&value) {
                    grace = Some(now + grace_period);
                }
                values.push(value);
            }
            if grace.is_some_and(|end| now >= end) {
                break;
            }
            if now >= deadline {
                break;
            }
        }
        values
    }

    /// Enough once records with `n` distinct ids arrived.
    fn distinct_ids(n: usize) -> impl FnMut(&[u8]) -> bool {
        let mut seen = std::collections::HashSet::new();
        move |v| {
            let record: serde_json::Value = serde_json::from_slice(v).unwrap_or_default();
            seen.insert(record["id"].as_str().unwrap_or_default().to_string());
            seen.len() >= n
        }
    }

    /// The whole output topic, read from the start by a fresh reader once every member has
    /// stopped: what the topic holds, which a reader polling while members still produce may
    /// not have seen yet. Says so when the live reader saw fewer documents.
    fn settled_output(broker: &Broker, live: &[Vec<u8>]) -> HashMap<String, usize> {
        let counts = ids(&consume_all(broker, "out", Duration::from_secs(60), distinct_ids(DOCS)));
        let live = ids(live);
        if live.len() < counts.len() {
            eprintln!(
                "the reader polling during the run saw {} documents; the topic holds {}",
                live.len(),
                counts.len()
            );
        }
        counts
    }

    /// Enough once `n` messages arrived.
    fn counter(n: usize) -> impl FnMut(&[u8]) -> bool {
        let mut seen = 0;
        move |_| {
            seen += 1;
            seen >= n
        }
    }

    fn config_file(dir: &Path, dead_letter: &str) -> PathBuf {
        let path = dir.join("lede.toml");
        let mut file = std::fs::File::create(&path).unwrap();
        writeln!(
            file,
            "[log]\nprogress = \"never\"\n[pipeline]\nworkers = 1\n[kafka]\ndead_letter_topic = \"{dead_letter}\"\n\
             lag_interval_seconds = 1\n[kafka.client]\n\"session.timeout.ms\" = \"6000\"\n\
             \"heartbeat.interval.ms\" = \"500\"\n"
        )
        .unwrap();
        path
    }

    fn lede(broker: &Broker, config: &Path, group: &str, log: &Path) -> Child {
        Command::new(env!("CARGO_BIN_EXE_lede"))
            .arg("--from")
            .arg(format!("kafka://{}/in?group={group}", broker.address))
            .arg("--to")
            .arg(format!("kafka://{}/out", broker.address))
            .arg("--config")
            .arg(config)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap()
    }

    fn stop(mut child: Child) {
        // SIGTERM: a clean stop that finishes and commits the documents in flight.
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        let _ = child.wait();
    }

    fn documents(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| format!(r#"{{"id":"doc-{i}","title":"Item {i}","text":"The council met on Tuesday to discuss item {i}. It voted."}}"#))
            .collect()
    }

    fn ids(values: &[Vec<u8>]) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for v in values {
            let record: serde_json::Value = serde_json::from_slice(v).unwrap();
            *counts.entry(record["id"].as_str().unwrap().to_string()).or_insert(0) += 1;
        }
        counts
    }

    /// Names the documents absent from the output, with the input partition each was sent to.
    fn show_missing(counts: &HashMap<String, usize>) {
        let missing: Vec<String> = (0..DOCS)
            .filter(|i| !counts.contains_key(&format!("doc-{i}")))
            .map(|i| format!("doc-{i} (in[{}])", i as i32 % PARTITIONS))
            .collect();
        if !missing.is_empty() {
            eprintln!("missing from the output: {}", missing.join(", "));
        }
    }

    fn show_logs(dir: &Path) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if entry.path().extension().is_some_and(|e| e == "log") {
                let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
                let tail: Vec<&str> = text.lines().rev().take(40).collect();
                eprintln!("--- {}\n{}", entry.path().display(), tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
            }
        }
    }

    #[test]
    fn two_members_write_every_document_exactly_once() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let broker = start_broker();
        create_topics(&broker, &[("in", PARTITIONS), ("out", PARTITIONS), ("dlq", 1)]);
        let dir = tempfile::tempdir().unwrap();
        let config = config_file(dir.path(), "dlq");
        produce(&broker.address, "in", &documents(DOCS));
        // The second member joins while the first is working: a rebalance mid-stream.
        let a = lede(&broker, &config, "g1", &dir.path().join("a.log"));
        std::thread::sleep(Duration::from_millis(1500));
        let b = lede(&broker, &config, "g1", &dir.path().join("b.log"));
        let values = consume_all(&broker, "out", Duration::from_secs(120), counter(DOCS));
        stop(a);
        stop(b);
        let counts = settled_output(&broker, &values);
        if counts.len() != DOCS || counts.values().any(|&n| n != 1) {
            show_logs(dir.path());
            show_missing(&counts);
        }
        assert_eq!(counts.len(), DOCS, "documents missing from the output");
        let duplicated: usize = counts.values().map(|n| n - 1).sum();
        assert_eq!(duplicated, 0, "duplicates without a crash");
        assert!(counts.keys().all(|id| id.starts_with("doc-")));
    }

    #[test]
    fn a_killed_member_loses_nothing_and_duplicates_stay_in_the_window() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let broker = start_broker();
        create_topics(&broker, &[("in", PARTITIONS), ("out", PARTITIONS), ("dlq", 1)]);
        let dir = tempfile::tempdir().unwrap();
        let config = config_file(dir.path(), "dlq");
        let a = lede(&broker, &config, "g2", &dir.path().join("a.log"));
        let b = lede(&broker, &config, "g2", &dir.path().join("b.log"));
        // Wait until both own partitions, so that the kill hits a member with work.
        let deadline = Instant::now() + Duration::from_secs(60);
        let assigned = |name: &str| {
            std::fs::read_to_string(dir.path().join(name)).unwrap_or_default().contains("partitions assigned")
        };
        while !(assigned("a.log") && assigned("b.log")) {
            assert!(Instant::now() < deadline, "the members did not join");
            std::thread::sleep(Duration::from_millis(100));
        }
        let address = broker.address.clone();
        // Feed in slices so that the kill lands mid-stream.
        let feeder = std::thread::spawn(move || {
            for chunk in documents(DOCS).chunks(500) {
                produce(&address, "in", chunk);
                std::thread::sleep(Duration::from_millis(150));
            }
        });
        // Kill once part of the output is there.
        let before = consume(&broker, "out", Duration::from_secs(60), Duration::ZERO, counter(2000)).len();
        let mut a = a;
        a.kill().unwrap();
        a.wait().unwrap();
        let a2 = lede(&broker, &config, "g2", &dir.path().join("a2.log"));
        feeder.join().unwrap();
        let values = consume_all(&broker, "out", Duration::from_secs(180), distinct_ids(DOCS));
        stop(a2);
        stop(b);
        let counts = settled_output(&broker, &values);
        if counts.len() != DOCS {
            show_logs(dir.path());
            show_missing(&counts);
        }
        assert_eq!(counts.len(), DOCS, "documents lost after kill -9");
        let duplicated: usize = counts.values().map(|n| n - 1).sum();
        eprintln!("kill -9 after {before} output records: {duplicated} duplicate records (window {WINDOW})");
        assert!(before < DOCS, "the kill came after the end");
        assert!(duplicated <= WINDOW, "{duplicated} duplicates, over the window of {WINDOW}");
    }

    #[test]
    fn malformed_messages_go_to_the_dead_letter_topic_with_their_place() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let broker = start_broker();
        create_topics(&broker, &[("in", PARTITIONS), ("out", PARTITIONS), ("dlq", 1)]);
        let dir = tempfile::tempdir().unwrap();
        let config = config_file(dir.path(), "dlq");
        let mut values = documents(20);
        let bad = [r#"{"id":"x1","text":"#, r#"{"id":"x2","title":"no body"}"#, r#"{"id":[1],"text":"a b c"}"#];
        for (i, b) in bad.iter().enumerate() {
            values.insert(3 + 5 * i, b.to_string());
        }
        let places = produce(&broker.address, "in", &values);
        let expected: BTreeMap<(i32, i64), &str> =
            bad.iter().map(|b| (places[values.iter().position(|v| v == b).unwrap()], *b)).collect();
        let a = lede(&broker, &config, "g3", &dir.path().join("a.log"));
        let dead = consume_all(&broker, "dlq", Duration::from_secs(60), counter(bad.len()));
        let out = consume_all(&broker, "out", Duration::from_secs(30), counter(20));
        stop(a);
        if dead.len() != bad.len() {
            show_logs(dir.path());
        }
        assert_eq!(ids(&out).len(), 20);
        assert_eq!(dead.len(), bad.len());
        let mut found = BTreeMap::new();
        for v in &dead {
            let record: serde_json::Value = serde_json::from_slice(v).unwrap();
            let source = &record["source"];
            assert_eq!(source["kind"], "kafka");
            assert_eq!(source["topic"], "in");
            assert!(!record["error"].as_str().unwrap().is_empty());
            found.insert((source["partition"].as_i64().unwrap() as i32, source["offset"].as_i64().unwrap()), ());
        }
        assert_eq!(found.keys().collect::<Vec<_>>(), expected.keys().collect::<Vec<_>>());
    }
}
