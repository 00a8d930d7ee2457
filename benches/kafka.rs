//! Kafka throughput and consumer lag, topic to topic, against a local tansu broker.
//!
//! 1. Throughput: the BBC articles are produced to a 4-partition topic (repeated up to
//!    `--docs`), then 1 and then 2 lede processes in one group read it into an output topic;
//!    prints documents per second from the first output record to the last, and from start.
//! 2. Lag: documents are produced at a steady `--rate` per second for `--seconds` while one lede
//!    process consumes; prints the consumer lag lede logs (summed over partitions).
//!
//! ```text
//! cargo build --release --features kafka && scripts/install-test-broker.sh
//! cargo bench --features kafka --bench kafka -- [--data ../shared/data/bbc/bbc.jsonl]
//!     [--docs 20000] [--rate 200] [--seconds 20]
//! ```

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::config::ClientConfig;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};

const PARTITIONS: i32 = 4;

struct Args {
    data: PathBuf,
    docs: usize,
    rate: usize,
    seconds: u64,
}

fn args() -> Args {
    let mut args = Args { data: PathBuf::from("../shared/data/bbc/bbc.jsonl"), docs: 20_000, rate: 200, seconds: 20 };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next();
        match flag.as_str() {
            "--data" => args.data = PathBuf::from(value().expect("--data PATH")),
            "--docs" => args.docs = value().and_then(|v| v.parse().ok()).expect("--docs N"),
            "--rate" => args.rate = value().and_then(|v| v.parse().ok()).expect("--rate N"),
            "--seconds" => args.seconds = value().and_then(|v| v.parse().ok()).expect("--seconds N"),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

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

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn start_broker() -> Broker {
    let binary = root().join("target/test-broker/tansu");
    assert!(binary.exists(), "run scripts/install-test-broker.sh first");
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("tcp://127.0.0.1:{port}");
    let child = Command::new(binary)
        .args([
            "broker",
            "--listener-url",
            &url,
            "--advertised-listener-url",
            &url,
            "--storage-engine",
            "memory://tansu/",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let address = format!("127.0.0.1:{port}");
    while TcpStream::connect(&address).is_err() {
        std::thread::sleep(Duration::from_millis(50));
    }
    Broker { child, address }
}

fn create_topics(address: &str, names: &[&str]) {
    let admin: AdminClient<DefaultClientContext> =
        ClientConfig::new().set("bootstrap.servers", address).create().unwrap();
    let topics: Vec<NewTopic> =
        names.iter().map(|n| NewTopic::new(n, PARTITIONS, TopicReplication::Fixed(1))).collect();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    for r in rt.block_on(admin.create_topics(&topics, &AdminOptions::new())).unwrap() {
        r.unwrap();
    }
}

fn producer(address: &str) -> ThreadedProducer<DefaultProducerContext> {
    ClientConfig::new().set("bootstrap.servers", address).set("linger.ms", "5").create().unwrap()
}

fn send(producer: &ThreadedProducer<DefaultProducerContext>, topic: &str, value: &str) {
    let mut record = BaseRecord::<(), str>::to(topic).payload(value);
    loop {
        match producer.send(record) {
            Ok(()) => return,
            Err((_, back)) => {
                record = back;
                std::thread::sleep(Duration::from_millis(1));
            }
        }
    }
}

fn config(dir: &Path) -> PathBuf {
    let path = dir.join("lede.toml");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        "[log]\nprogress = \"never\"\n[kafka]\nlag_interval_seconds = 1\n[kafka.client]\n\
         \"session.timeout.ms\" = \"6000\"\n\"heartbeat.interval.ms\" = \"500\""
    )
    .unwrap();
    path
}

fn lede(address: &str, config: &Path, group: &str, input: &str, out: &str, log: &Path) -> Child {
    Command::new(root().join("target/release/lede"))
        .arg("--from")
        .arg(format!("kafka://{address}/{input}?group={group}"))
        .arg("--to")
        .arg(format!("kafka://{address}/{out}"))
        .arg("--config")
        .arg(config)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap()
}

fn stop(mut child: Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let _ = child.wait();
}

/// A reader of `topic` that has joined its group, so that it sees records as they come.
fn reader(address: &str, topic: &str) -> BaseConsumer {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", address)
        .set("group.id", format!("bench-count-{topic}"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()
        .unwrap();
    consumer.subscribe(&[topic]).unwrap();
    while consumer.assignment().map(|a| a.count()).unwrap_or(0) == 0 {
        assert!(consumer.poll(Duration::from_millis(100)).is_none(), "output before lede started");
    }
    consumer
}

/// Waits until the reader saw `n` messages; returns the times of the first and the last.
fn count(consumer: &BaseConsumer, n: usize, limit: Duration) -> (Instant, Instant, usize) {
    let deadline = Instant::now() + limit;
    let (mut first, mut last, mut seen) = (None, Instant::now(), 0);
    while seen < n && Instant::now() < deadline {
        if let Some(Ok(_)) = consumer.poll(Duration::from_millis(100)) {
            seen += 1;
            last = Instant::now();
            first.get_or_insert(last);
        }
    }
    (first.unwrap_or(last), last, seen)
}

fn throughput(broker: &Broker, dir: &Path, lines: &[String], docs: usize, members: usize) {
    let (input, out, group) = (format!("in{members}"), format!("out{members}"), format!("bench{members}"));
    create_topics(&broker.address, &[&input, &out]);
    let p = producer(&broker.address);
    for i in 0..docs {
        send(&p, &input, &lines[i % lines.len()]);
    }
    p.flush(Duration::from_secs(60)).unwrap();
    let config = config(dir);
    let reader = reader(&broker.address, &out);
    let started = Instant::now();
    let procs: Vec<Child> = (0..members)
        .map(|m| lede(&broker.address, &config, &group, &input, &out, &dir.join(format!("t{members}-{m}.log"))))
        .collect();
    let (first, last, seen) = count(&reader, docs, Duration::from_secs(600));
    for c in procs {
        stop(c);
    }
    let steady = seen as f64 / last.duration_since(first).as_secs_f64().max(1e-9);
    let total = seen as f64 / last.duration_since(started).as_secs_f64();
    println!(
        "throughput, {members} process(es), {seen} docs: {steady:.0} docs/s first-to-last record, \
         {total:.0} docs/s from start (group join included)"
    );
}

fn lag(broker: &Broker, dir: &Path, lines: &[String], rate: usize, seconds: u64) {
    create_topics(&broker.address, &["lagin", "lagout"]);
    let config = config(dir);
    let log = dir.join("lag.log");
    let proc = lede(&broker.address, &config, "lag", "lagin", "lagout", &log);
    std::thread::sleep(Duration::from_secs(3));
    let p = producer(&broker.address);
    let started = Instant::now();
    let mut sent = 0usize;
    while started.elapsed() < Duration::from_secs(seconds) {
        let due = (started.elapsed().as_secs_f64() * rate as f64) as usize;
        while sent < due {
            send(&p, "lagin", &lines[sent % lines.len()]);
            sent += 1;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    p.flush(Duration::from_secs(30)).unwrap();
    std::thread::sleep(Duration::from_secs(3));
    stop(proc);
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let mut totals: Vec<i64> = text
        .lines()
        .filter_map(|l| l.split_once("consumer lag: ").map(|(_, rest)| rest))
        .map(|rest| rest.split_whitespace().filter_map(|kv| kv.rsplit_once('=')?.1.parse::<i64>().ok()).sum())
        .collect();
    let samples = totals.len();
    totals.sort_unstable();
    let median = totals.get(samples / 2).copied().unwrap_or(-1);
    let max = totals.last().copied().unwrap_or(-1);
    println!(
        "lag at {rate} docs/s for {seconds} s ({sent} docs): median {median}, max {max} messages over {PARTITIONS} \
         partitions ({samples} one-second samples)"
    );
}

fn main() {
    let args = args();
    let text = std::fs::read_to_string(&args.data).unwrap_or_else(|e| panic!("{}: {e}", args.data.display()));
    let lines: Vec<String> = text.lines().filter(|l| !l.trim().is_empty()).map(str::to_string).collect();
    assert!(!lines.is_empty(), "no documents in {}", args.data.display());
    let broker = start_broker();
    let dir = tempfile::tempdir().unwrap();
    for members in [1, 2] {
        throughput(&broker, dir.path(), &lines, args.docs, members);
    }
    lag(&broker, dir.path(), &lines, args.rate, args.seconds);
}
