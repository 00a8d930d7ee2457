//! The Kafka source: a consumer-group member whose messages become [`Work`] items, each
//! document followed by a marker naming its (topic, partition, offset).
//!
//! librdkafka is polled on a thread of its own, so that a rebalance callback may block while
//! the pipeline finishes the revoked partitions' documents and commits them (see [`Tracker`]).
//! The thread hands messages over a small bounded channel: a slow sink fills it, the thread
//! stops polling, and consumption pauses.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use futures::Stream;
use rdkafka::consumer::{BaseConsumer, ConsumerContext, Rebalance};
use rdkafka::message::{Message, OwnedMessage};
use rdkafka::statistics::Statistics;
use rdkafka::{ClientContext, TopicPartitionList};

use crate::error::DocError;
use crate::model::{Document, Format, Origin, OriginKind};
use crate::pipeline::Work;
use crate::source::framing::sniff_format;
use crate::source::FrameError;

/// Messages handed from the polling thread to the pipeline, at most.
const CHANNEL: usize = 256;
/// How long a revocation waits for the revoked partitions' documents to be committed.
const REVOKE_WAIT: Duration = Duration::from_secs(30);

/// A topic and partition.
pub type TopicPartition = (String, i32);

/// What `kafka://HOST:PORT[,HOST:PORT]/TOPIC[,TOPIC][?group=G]` says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaUrl {
    /// Bootstrap brokers, comma-separated.
    pub brokers: String,
    /// Topics (for a sink, the first is the target).
    pub topics: Vec<String>,
    /// The `group` parameter.
    pub group: Option<String>,
}

impl KafkaUrl {
    /// Parses a `kafka://` URL.
    ///
    /// # Errors
    /// A message saying which part is missing or unknown.
    pub fn parse(url: &str) -> Result<KafkaUrl, String> {
        let rest = url.strip_prefix("kafka://").ok_or_else(|| format!("not a kafka:// URL: {url}"))?;
        let (path, query) = match rest.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rest, None),
        };
        let (brokers, topics) = path.split_once('/').ok_or_else(|| format!("{url}: no /TOPIC after the brokers"))?;
        if brokers.is_empty() {
            return Err(format!("{url}: no broker"));
        }
        let topics: Vec<String> = topics.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect();
        if topics.is_empty() {
            return Err(format!("{url}: no topic"));
        }
        let mut group = None;
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("group", g)) if !g.is_empty() => group = Some(g.to_string()),
                _ => return Err(format!("{url}: unknown parameter \"{pair}\" (known: group)")),
            }
        }
        Ok(KafkaUrl { brokers: brokers.to_string(), topics, group })
    }
}

/// The marker after each document: its message's place, committed as `offset + 1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaMarker {
    /// Topic.
    pub topic: String,
    /// Partition.
    pub partition: i32,
    /// Offset of the message.
    pub offset: i64,
}

/// State shared by the polling thread, the source stream and the committer.
///
/// The rule that keeps a rebalance from duplicating: a revoked partition's documents that the
/// pipeline already has are written and committed before the revocation returns (or
/// [`REVOKE_WAIT`] passes); those still in the channel are dropped, as the partition's next
/// owner reads them again from the committed offset.
#[derive(Default)]
pub struct Tracker {
    state: Mutex<TrackerState>,
    changed: Condvar,
}

#[derive(Default)]
struct TrackerState {
    /// Bumped at each revocation of a partition; a message polled under an older epoch is stale.
    epoch: HashMap<TopicPartition, u64>,
    /// Next offset after the last message handed to the pipeline.
    handed: HashMap<TopicPartition, i64>,
    /// Next offset after the last committed message.
    committed: HashMap<TopicPartition, i64>,
    /// Partitions this member owns.
    assigned: HashSet<TopicPartition>,
    /// The last consumer lag reported per partition.
    lag: HashMap<TopicPartition, i64>,
    /// The run is over: revocations no longer wait.
    closing: bool,
}

impl Tracker {
    fn lock(&self) -> MutexGuard<'_, TrackerState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Whether this member still owns the partition (commits of others are skipped).
    pub fn is_assigned(&self, tp: &TopicPartition) -> bool {
        self.lock().assigned.contains(tp)
    }

    /// Records a commit and wakes a waiting revocation.
    pub fn committed(&self, offsets: &HashMap<TopicPartition, i64>) {
        let mut state = self.lock();
        for (tp, next) in offsets {
            let slot = state.committed.entry(tp.clone()).or_insert(*next);
            *slot = (*slot).max(*next);
        }
        drop(state);
        self.changed.notify_all();
    }

    /// Revocations stop waiting from now on.
    pub fn close(&self) {
        self.lock().closing = true;
        self.changed.notify_all();
    }

    /// The last reported consumer lag per partition, sorted.
    pub fn lag(&self) -> Vec<(TopicPartition, i64)> {
        let mut lag: Vec<_> = self.lock().lag.iter().map(|(tp, n)| (tp.clone(), *n)).collect();
        lag.sort();
        lag
    }

    fn epoch(&self, tp: &TopicPartition) -> u64 {
        self.lock().epoch.get(tp).copied().unwrap_or(0)
    }

    /// Takes a message for the pipeline unless its partition was revoked since it was polled.
    fn hand_over(&self, tp: &TopicPartition, epoch: u64, offset: i64) -> bool {
        let mut state = self.lock();
        if state.epoch.get(tp).copied().unwrap_or(0) != epoch || !state.assigned.contains(tp) {
            return false;
        }
        state.handed.insert(tp.clone(), offset + 1);
        true
    }

    fn assign(&self, list: &TopicPartitionList) {
        let mut state = self.lock();
        for e in list.elements() {
            let tp = (e.topic().to_string(), e.partition());
            // The next owner may have moved the partition on: forget what this member knew.
            state.handed.remove(&tp);
            state.committed.remove(&tp);
            state.assigned.insert(tp);
        }
    }

    fn revoke(&self, list: &TopicPartitionList) {
        let tps: Vec<TopicPartition> = list.elements().iter().map(|e| (e.topic().to_string(), e.partition())).collect();
        let mut state = self.lock();
        for tp in &tps {
            *state.epoch.entry(tp.clone()).or_insert(0) += 1;
        }
        let deadline = Instant::now() + REVOKE_WAIT;
        loop {
            let behind: Vec<&TopicPartition> = tps
                .iter()
                .filter(|tp| {
                    state.handed.get(*tp).copied().unwrap_or(-1) > state.committed.get(*tp).copied().unwrap_or(-1)
                })
                .collect();
            if behind.is_empty() || state.closing {
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                tracing::warn!(
                    "revocation: {} partition(s) not committed after {} s; their last documents may be read again",
                    behind.len(),
                    REVOKE_WAIT.as_secs()
                );
                break;
            }
            state = match self.changed.wait_timeout(state, deadline - now) {
                Ok((guard, _)) => guard,
                Err(poisoned) => poisoned.into_inner().0,
            };
        }
        for tp in &tps {
            state.assigned.remove(tp);
        }
        drop(state);
        tracing::info!("partitions revoked: {}", describe(&tps));
    }
}

fn describe(tps: &[TopicPartition]) -> String {
    tps.iter().map(|(t, p)| format!("{t}[{p}]")).collect::<Vec<_>>().join(", ")
}

/// The consumer's callbacks: rebalances and statistics (consumer lag).
pub struct GroupContext {
    tracker: Arc<Tracker>,
}

impl GroupContext {
    /// A context reporting to `tracker`.
    pub fn new(tracker: Arc<Tracker>) -> Self {
        GroupContext { tracker }
    }
}

impl ClientContext for GroupContext {
    fn stats(&self, statistics: Statistics) {
        let mut lags = Vec::new();
        {
            let mut state = self.tracker.lock();
            for (topic, t) in &statistics.topics {
                for (partition, p) in &t.partitions {
                    let tp = (topic.clone(), *partition);
                    if *partition >= 0 && state.assigned.contains(&tp) && p.consumer_lag >= 0 {
                        state.lag.insert(tp.clone(), p.consumer_lag);
                        lags.push((tp, p.consumer_lag));
                    }
                }
            }
        }
        if !lags.is_empty() {
            lags.sort();
            let text: Vec<String> = lags.iter().map(|((t, p), n)| format!("{t}[{p}]={n}")).collect();
            tracing::info!("consumer lag: {}", text.join(" "));
        }
    }
}

impl ConsumerContext for GroupContext {
    fn commit_callback(&self, result: rdkafka::error::KafkaResult<()>, _offsets: &TopicPartitionList) {
        if let Err(e) = result {
            tracing::warn!("offset commit failed (the messages may be read again): {e}");
        }
    }

    fn pre_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        if let Rebalance::Revoke(list) = rebalance {
            self.tracker.revoke(list);
        }
    }

    fn post_rebalance(&self, _consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(list) => {
                self.tracker.assign(list);
                let tps: Vec<TopicPartition> =
                    list.elements().iter().map(|e| (e.topic().to_string(), e.partition())).collect();
                tracing::info!("partitions assigned: {}", describe(&tps));
            }
            Rebalance::Error(e) => tracing::warn!("rebalance error: {e}"),
            Rebalance::Revoke(_) => {}
        }
    }
}

/// The group member.
pub type GroupConsumer = BaseConsumer<GroupContext>;

/// A polled message and the epoch of its partition when it was polled.
struct Polled {
    message: OwnedMessage,
    epoch: u64,
}

/// Frames one message value as one document: `{` is a JSON line, `<` HTML, else text; the
/// configured format wins over sniffing.
// The result is the pipeline's `Frame`, whose error side is what every source yields.
#[allow(clippy::result_large_err)]
pub fn frame_message(
    value: Option<&[u8]>,
    origin: Origin,
    format: Option<Format>,
    max_document_bytes: u64,
) -> Result<Document, FrameError> {
    let bytes = value.unwrap_or_default();
    if bytes.len() as u64 > max_document_bytes {
        return Err(FrameError {
            origin,
            error: DocError::TooLarge { size: bytes.len() as u64, limit: max_document_bytes },
        });
    }
    let format = format.unwrap_or_else(|| sniff_format(bytes));
    let mut bytes = bytes.to_vec();
    if format == Format::Jsonl {
        // One JSON object is one line: a trailing line break is not part of it.
        while bytes.last().is_some_and(u8::is_ascii_whitespace) {
            bytes.pop();
        }
    }
    Ok(Document { origin, format, bytes })
}

/// The origin of a message.
pub fn message_origin(topic: &str, partition: i32, offset: i64, key: Option<&[u8]>) -> Origin {
    Origin {
        kind: OriginKind::Kafka,
        topic: Some(topic.to_string()),
        partition: Some(partition),
        offset: Some(offset),
        key: key.map(|k| String::from_utf8_lossy(k).into_owned()),
        ..Origin::default()
    }
}

/// The running source: its stream and the polling thread behind it.
pub struct KafkaSource {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl KafkaSource {
    /// Starts polling `consumer` (already subscribed) and returns the source and its stream.
    pub fn start(
        consumer: Arc<GroupConsumer>,
        tracker: Arc<Tracker>,
        format: Option<Format>,
        max_document_bytes: u64,
    ) -> (KafkaSource, impl Stream<Item = Work<KafkaMarker>>) {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Polled>(CHANNEL);
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let thread = {
            let stop = stop.clone();
            let tracker = tracker.clone();
            std::thread::spawn(move || poll_loop(&consumer, &tracker, &tx, &stop))
        };
        let stream = async_stream::stream! {
            while let Some(Polled { message, epoch }) = rx.recv().await {
                let tp = (message.topic().to_string(), message.partition());
                let offset = message.offset();
                if !tracker.hand_over(&tp, epoch, offset) {
                    continue;
                }
                let origin = message_origin(&tp.0, tp.1, offset, message.key());
                yield Work::Frame(frame_message(message.payload(), origin, format, max_document_bytes));
                yield Work::Marker(KafkaMarker { topic: tp.0, partition: tp.1, offset });
            }
        };
        (KafkaSource { stop, thread: Some(thread) }, stream)
    }

    /// Stops the polling thread and waits for it; the consumer leaves the group when its last
    /// handle is dropped.
    pub fn stop(mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!("the Kafka polling thread panicked");
            }
        }
    }
}

fn poll_loop(
    consumer: &GroupConsumer,
    tracker: &Tracker,
    tx: &tokio::sync::mpsc::Sender<Polled>,
    stop: &std::sync::atomic::AtomicBool,
) {
    use std::sync::atomic::Ordering;
    while !stop.load(Ordering::SeqCst) {
        let Some(result) = consumer.poll(Duration::from_millis(100)) else { continue };
        let message = match result {
            Ok(message) => message.detach(),
            Err(e) => {
                tracing::warn!("kafka: {e}");
                continue;
            }
        };
        let epoch = tracker.epoch(&(message.topic().to_string(), message.partition()));
        let mut item = Polled { message, epoch };
        // Wait for room without blocking forever, so that a stop is seen.
        loop {
            match tx.try_send(item) {
                Ok(()) => break,
                Err(tokio::sync::mpsc::error::TrySendError::Closed(_)) => return,
                Err(tokio::sync::mpsc::error::TrySendError::Full(back)) => {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    item = back;
                    std::thread::sleep(Duration::from_millis(2));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        let url = KafkaUrl::parse("kafka://127.0.0.1:9092,h2:9093/news,wire?group=g1").unwrap();
        assert_eq!(url.brokers, "127.0.0.1:9092,h2:9093");
        assert_eq!(url.topics, vec!["news".to_string(), "wire".to_string()]);
        assert_eq!(url.group.as_deref(), Some("g1"));
        assert_eq!(KafkaUrl::parse("kafka://h:1/t").unwrap().group, None);
        assert!(KafkaUrl::parse("kafka://h:1").is_err());
        assert!(KafkaUrl::parse("kafka:///t").is_err());
        assert!(KafkaUrl::parse("kafka://h:1/").is_err());
        assert!(KafkaUrl::parse("kafka://h:1/t?grp=x").is_err());
        assert!(KafkaUrl::parse("http://h:1/t").is_err());
    }

    #[test]
    fn messages_frame_by_their_first_byte() {
        let origin = message_origin("t", 2, 7, Some(b"k"));
        let doc = frame_message(Some(b"{\"text\":\"a\"}\n"), origin.clone(), None, 100).unwrap();
        assert_eq!((doc.format, doc.bytes.as_slice()), (Format::Jsonl, &b"{\"text\":\"a\"}"[..]));
        assert_eq!(doc.origin.partition, Some(2));
        assert_eq!(doc.origin.offset, Some(7));
        assert_eq!(doc.origin.key.as_deref(), Some("k"));
        assert_eq!(frame_message(Some(b" <html>"), origin.clone(), None, 100).unwrap().format, Format::Html);
        assert_eq!(frame_message(Some(b"Words.\n"), origin.clone(), None, 100).unwrap().bytes, b"Words.\n");
        assert_eq!(frame_message(None, origin.clone(), None, 100).unwrap().format, Format::Text);
        assert_eq!(frame_message(Some(b"<p>"), origin.clone(), Some(Format::Text), 100).unwrap().format, Format::Text);
        assert!(frame_message(Some(b"0123456789"), origin, None, 4).is_err());
    }

    #[test]
    fn stale_messages_are_not_handed_over() {
        let tracker = Tracker::default();
        let tp = ("t".to_string(), 0);
        // Not assigned: dropped.
        assert!(!tracker.hand_over(&tp, 0, 0));
        tracker.lock().assigned.insert(tp.clone());
        assert!(tracker.hand_over(&tp, 0, 5));
        assert_eq!(tracker.lock().handed.get(&tp), Some(&6));
        // A revocation bumps the epoch: a message polled before it is stale.
        tracker.lock().epoch.insert(tp.clone(), 1);
        assert!(!tracker.hand_over(&tp, 0, 6));
        assert!(tracker.hand_over(&tp, 1, 6));
    }
}
