//! `lede --from kafka://...`: a member of a Kafka consumer group, at least once.
//!
//! Each message becomes a document followed by a marker with its (topic, partition, offset);
//! the pipeline hands markers to [`KafkaCommitter`] only after the sinks were flushed, and a
//! Kafka sink's flush returns only once every message produced so far was acknowledged by the
//! broker (stdout is flushed, a file fsynced). The committer then commits `offset + 1` per
//! partition (asynchronously: a commit the broker rejects only widens the window below). So an offset is never committed before its record (or error record) is out.
//!
//! The uncommitted window: a `kill -9` can make the partition's next owner emit again the
//! records written since the last commit. Commits happen whenever the stream pauses and at
//! least every 512 markers (one marker per message), so the window is at most 512 messages per
//! process, over all its partitions, plus those of asynchronous commits not yet sent when the
//! process died (librdkafka sends them at once).
//! A clean stop (SIGINT, SIGTERM) finishes the documents in flight, commits, and leaves the
//! group; a rebalance waits for the revoked partitions' documents to be committed (see
//! [`crate::source::kafka::Tracker`]), so neither duplicates in the absence of a crash.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use rdkafka::config::ClientConfig;
use rdkafka::consumer::{CommitMode, Consumer};
use rdkafka::producer::FutureProducer;
use rdkafka::{Offset, TopicPartitionList};

use crate::config::Config;
use crate::error::Error;
use crate::pipeline::{self, Committer, Sinks};
use crate::shutdown::Shutdown;
use crate::sink::jsonl::JsonlSink;
use crate::sink::kafka::KafkaWriter;
use crate::source::kafka::{GroupConsumer, GroupContext, KafkaMarker, KafkaSource, KafkaUrl, TopicPartition, Tracker};
use crate::stats::{Progress, Summary};

/// Where the records of a Kafka run go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KafkaOut {
    /// Standard output.
    Stdout,
    /// A file, appended to and fsynced before each commit.
    File(PathBuf),
    /// A topic: `kafka://HOST:PORT/TOPIC` (the brokers may differ from the source's).
    Topic {
        /// Bootstrap brokers.
        brokers: String,
        /// The topic.
        topic: String,
    },
}

impl KafkaOut {
    /// `-`, `stdout` or nothing is stdout; `kafka://...` a topic; anything else a file.
    ///
    /// # Errors
    /// A malformed `kafka://` URL.
    pub fn parse(arg: Option<&str>) -> Result<KafkaOut, String> {
        match arg {
            None | Some("-") | Some("stdout") => Ok(KafkaOut::Stdout),
            Some(url) if url.starts_with("kafka://") => {
                let url = KafkaUrl::parse(url)?;
                Ok(KafkaOut::Topic { brokers: url.brokers, topic: url.topics[0].clone() })
            }
            Some(path) => Ok(KafkaOut::File(PathBuf::from(path))),
        }
    }
}

/// Options of a Kafka run from the command line; they override `[kafka]`.
#[derive(Clone, Debug, Default)]
pub struct KafkaOptions {
    /// `--from kafka://...`.
    pub from: Option<String>,
    /// `--to ...`.
    pub to: Option<String>,
}

/// Commits `offset + 1` per partition once the markers' records are out.
struct KafkaCommitter {
    consumer: Arc<GroupConsumer>,
    tracker: Arc<Tracker>,
}

impl Committer<KafkaMarker> for KafkaCommitter {
    async fn commit(&mut self, markers: Vec<KafkaMarker>, _records_written: u64) -> Result<(), Error> {
        let mut next: HashMap<TopicPartition, i64> = HashMap::new();
        for m in markers {
            let slot = next.entry((m.topic, m.partition)).or_insert(m.offset + 1);
            *slot = (*slot).max(m.offset + 1);
        }
        // A partition that moved to another member is not committed: its new owner reads the
        // uncommitted messages again (the documented window), and a commit from here could
        // move its offset backwards.
        next.retain(|tp, _| self.tracker.is_assigned(tp));
        if next.is_empty() {
            return Ok(());
        }
        let mut list = TopicPartitionList::new();
        for ((topic, partition), offset) in &next {
            list.add_partition_offset(topic, *partition, Offset::Offset(*offset))
                .map_err(|e| kafka_error("cannot build the offset list", e))?;
        }
        // Asynchronous: the records are already acknowledged, so waiting for the broker's answer
        // would only stall the output. The commit is queued before anything later, and before
        // a revocation that waits for it returns; a failure is logged by the consumer context.
        match self.consumer.commit(&list, CommitMode::Async) {
            Ok(()) => self.tracker.committed(&next),
            Err(e) => tracing::warn!("offset commit failed (the messages may be read again): {e}"),
        }
        Ok(())
    }
}

fn kafka_error(context: &str, e: rdkafka::error::KafkaError) -> Error {
    Error::Io { context: context.to_string(), source: std::io::Error::other(e) }
}

fn invalid(problem: String) -> Error {
    Error::ConfigInvalid { origin: None, problems: vec![problem] }
}

/// A client configuration with the pass-through properties of `[kafka.client]`.
fn client_config(config: &Config, brokers: &str) -> ClientConfig {
    let mut client = ClientConfig::new();
    client.set("bootstrap.servers", brokers);
    for (key, value) in &config.kafka.client {
        client.set(key, value);
    }
    client
}

/// A producer writing JSON lines to `topic`, as a sink.
fn topic_sink(config: &Config, brokers: &str, topic: &str) -> Result<JsonlSink, Error> {
    let mut client = client_config(config, brokers);
    // Retries must not reorder or duplicate within a partition.
    client.set("enable.idempotence", "true");
    // Each commit waits for the delivery reports: a long linger would stall the output.
    client.set("linger.ms", "1");
    let producer: FutureProducer = client.create().map_err(|e| kafka_error("cannot create the Kafka producer", e))?;
    Ok(JsonlSink::from_writer(Box::pin(KafkaWriter::new(producer, topic))))
}

/// Consumes until `shutdown` fires, writing records to `--to` and error records to the
/// dead-letter topic (or the configured error sink), committing offsets after the output.
///
/// # Errors
/// Bad settings, a client that cannot be created, a failed write or delivery.
pub async fn run_kafka(config: &Config, options: KafkaOptions, shutdown: Shutdown) -> Result<Summary, Error> {
    let kafka = &config.kafka;
    let (mut brokers, mut topics, mut group) = (kafka.brokers.clone(), kafka.topics.clone(), kafka.group_id.clone());
    if let Some(from) = &options.from {
        let url = KafkaUrl::parse(from).map_err(invalid)?;
        brokers = url.brokers;
        topics = url.topics;
        if let Some(g) = url.group {
            group = g;
        }
    }
    if brokers.is_empty() || topics.is_empty() || group.is_empty() {
        return Err(invalid(
            "kafka: brokers, topics and a group id are needed (--from kafka://HOST:PORT/TOPIC?group=G)".into(),
        ));
    }
    let to = match (&options.to, kafka.output_topic.is_empty()) {
        (Some(to), _) => KafkaOut::parse(Some(to)).map_err(invalid)?,
        (None, false) => KafkaOut::Topic { brokers: brokers.clone(), topic: kafka.output_topic.clone() },
        (None, true) => KafkaOut::Stdout,
    };

    let tracker = Arc::new(Tracker::default());
    let mut client = client_config(config, &brokers);
    client
        .set("group.id", &group)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", &kafka.start_offset)
        .set("statistics.interval.ms", (kafka.lag_interval_seconds * 1000).to_string());
    let consumer: GroupConsumer = client
        .create_with_context(GroupContext::new(tracker.clone()))
        .map_err(|e| kafka_error("cannot create the Kafka consumer", e))?;
    let names: Vec<&str> = topics.iter().map(String::as_str).collect();
    consumer.subscribe(&names).map_err(|e| kafka_error("cannot subscribe", e))?;
    let consumer = Arc::new(consumer);

    let records = match &to {
        KafkaOut::Stdout => JsonlSink::stdout(),
        KafkaOut::File(path) => JsonlSink::append_to(path)
            .await
            .map_err(|source| Error::Io { context: format!("cannot open {}", path.display()), source })?,
        KafkaOut::Topic { brokers, topic } => topic_sink(config, brokers, topic)?,
    };
    let errors = if kafka.dead_letter_topic.is_empty() {
        crate::error_sink(config).await?
    } else {
        topic_sink(config, &brokers, &kafka.dead_letter_topic)?
    };
    let sinks = Sinks { records, errors, progress: Progress::new(crate::progress_enabled(config)) };
    tracing::info!("consuming {} from {brokers} in group {group}", topics.join(","));

    let format = crate::format_setting(&config.input.format);
    let (source, work) = KafkaSource::start(consumer.clone(), tracker.clone(), format, config.input.max_document_bytes);
    let mut committer = KafkaCommitter { consumer: consumer.clone(), tracker: tracker.clone() };
    let dedup = crate::stage::dedup::Deduplicator::new(&config.enrich, None);
    let result = pipeline::run(config, work, sinks, &mut committer, dedup, shutdown).await;
    // Everything handed over is committed by now: leaving the group must not wait for more.
    tracker.close();
    let lag = tracker.lag();
    if !lag.is_empty() {
        let text: Vec<String> = lag.iter().map(|((t, p), n)| format!("{t}[{p}]={n}")).collect();
        tracing::info!("consumer lag at exit: {}", text.join(" "));
    }
    drop(committer);
    tokio::task::spawn_blocking(move || {
        source.stop();
        // Leaves the group (its revocation no longer waits), so the partitions move at once.
        consumer.unsubscribe();
        let _ = consumer.poll(Duration::from_millis(100));
        drop(consumer);
    })
    .await
    .ok();
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outputs_parse() {
        assert_eq!(KafkaOut::parse(None), Ok(KafkaOut::Stdout));
        assert_eq!(KafkaOut::parse(Some("-")), Ok(KafkaOut::Stdout));
        assert_eq!(KafkaOut::parse(Some("out.jsonl")), Ok(KafkaOut::File("out.jsonl".into())));
        assert_eq!(
            KafkaOut::parse(Some("kafka://h:1/out")),
            Ok(KafkaOut::Topic { brokers: "h:1".into(), topic: "out".into() })
        );
        assert!(KafkaOut::parse(Some("kafka://h:1")).is_err());
    }
}
