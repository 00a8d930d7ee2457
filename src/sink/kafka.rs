//! The Kafka sink: an async writer that produces each JSON line it is given as one message,
//! keyed by the record's `id`, to one topic.
//!
//! It plugs in under [`crate::sink::jsonl::JsonlSink`], so the pipeline needs nothing new:
//! a flush returns only once every message produced so far has its delivery report, which is
//! what makes committing the consumer's offsets after a flush at-least-once. A failed delivery
//! fails the flush, so nothing past it is committed.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use rdkafka::types::RDKafkaErrorCode;
use tokio::io::AsyncWrite;

/// Messages awaiting their delivery report, at most; writes wait beyond that.
const MAX_IN_FLIGHT: usize = 20_000;

/// Produces JSON lines to a topic.
pub struct KafkaWriter {
    producer: FutureProducer,
    topic: String,
    /// Bytes of a line not yet complete.
    partial: Vec<u8>,
    /// Complete lines the producer's queue had no room for yet.
    unsent: VecDeque<Vec<u8>>,
    /// Delivery reports to wait for, oldest first.
    in_flight: VecDeque<DeliveryFuture>,
}

impl KafkaWriter {
    /// A writer producing to `topic`.
    pub fn new(producer: FutureProducer, topic: &str) -> Self {
        KafkaWriter {
            producer,
            topic: topic.to_string(),
            partial: Vec::new(),
            unsent: VecDeque::new(),
            in_flight: VecDeque::new(),
        }
    }

    /// Hands unsent lines to the producer until its queue is full.
    fn send_unsent(&mut self) -> std::io::Result<()> {
        while let Some(line) = self.unsent.front() {
            let key = record_key(line);
            let mut record = FutureRecord::to(&self.topic).payload(line.as_slice());
            if let Some(key) = &key {
                record = record.key(key.as_str());
            }
            match self.producer.send_result(record) {
                Ok(delivery) => {
                    self.in_flight.push_back(delivery);
                    self.unsent.pop_front();
                }
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _)) => return Ok(()),
                Err((e, _)) => return Err(std::io::Error::other(format!("kafka produce to {}: {e}", self.topic))),
            }
        }
        Ok(())
    }

    /// Collects finished delivery reports, oldest first; fails on the first failed delivery.
    fn poll_deliveries(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        while let Some(front) = self.in_flight.front_mut() {
            match Pin::new(front).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => {
                    self.in_flight.pop_front();
                    match result {
                        Ok(Ok(_)) => {}
                        Ok(Err((e, _))) => {
                            return Poll::Ready(Err(std::io::Error::other(format!(
                                "kafka delivery to {}: {e}",
                                self.topic
                            ))))
                        }
                        Err(_) => {
                            return Poll::Ready(Err(std::io::Error::other("kafka producer went away")));
                        }
                    }
                }
            }
        }
        Poll::Ready(Ok(()))
    }
}

/// The record's `id`, the message key.
fn record_key(line: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<String>,
    }
    serde_json::from_slice::<Id>(line).ok().and_then(|r| r.id)
}

impl AsyncWrite for KafkaWriter {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        // Backpressure: wait for reports while too many are outstanding or lines are queued.
        while this.in_flight.len() >= MAX_IN_FLIGHT || !this.unsent.is_empty() {
            this.send_unsent()?;
            if this.in_flight.len() < MAX_IN_FLIGHT && this.unsent.is_empty() {
                break;
            }
            match this.poll_deliveries(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                // Everything delivered but the queue still full: try again shortly.
                Poll::Ready(Ok(())) if !this.unsent.is_empty() => {
                    this.send_unsent()?;
                    if !this.unsent.is_empty() {
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                }
                Poll::Ready(Ok(())) => {}
            }
        }
        let mut rest = buf;
        while let Some(at) = memchr::memchr(b'\n', rest) {
            let mut line = std::mem::take(&mut this.partial);
            line.extend_from_slice(&rest[..at]);
            if !line.is_empty() {
                this.unsent.push_back(line);
            }
            rest = &rest[at + 1..];
        }
        this.partial.extend_from_slice(rest);
        this.send_unsent()?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        loop {
            this.send_unsent()?;
            match this.poll_deliveries(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) if this.unsent.is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => {
                    this.send_unsent()?;
                    if !this.unsent.is_empty() {
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                }
            }
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_record_ids() {
        assert_eq!(record_key(br#"{"id":"abc","text":"x"}"#).as_deref(), Some("abc"));
        assert_eq!(record_key(br#"{"id":null,"stage":"parse"}"#), None);
        assert_eq!(record_key(b"not json"), None);
    }
}
