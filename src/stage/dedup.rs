//! Near-duplicate links across the stream.
//!
//! Unlike the other steps this one has state (an index of earlier documents), so it runs in
//! the sink's loop, in input order, where "earlier" is well defined and the output is the same
//! whatever the number of workers. The index is bounded (the oldest documents are forgotten
//! first) and, in watch mode, persisted beside the state store.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Written;
use crate::config::EnrichConfig;
use crate::model::NearDuplicate;
use crate::text::simhash::SimhashIndex;

/// Saves of a persisted index are at least this far apart.
const SAVE_EVERY: Duration = Duration::from_secs(30);

/// The in-order near-duplicate step.
pub struct Deduplicator {
    index: SimhashIndex,
    max_links: usize,
    persist: Option<PathBuf>,
    dirty: bool,
    last_saved: Instant,
}

impl Deduplicator {
    /// The step as configured, or `None` when it is off. With `persist`, the index is loaded
    /// from that file when it exists (an unreadable one is replaced, with a warning: losing
    /// near-duplicate links is not worth refusing to start).
    pub fn new(config: &EnrichConfig, persist: Option<PathBuf>) -> Option<Deduplicator> {
        if !config.near_duplicates {
            return None;
        }
        let fresh = || SimhashIndex::try_new(config.near_duplicate_capacity, config.near_duplicate_distance).ok();
        let loaded = persist.as_ref().and_then(|path| match std::fs::read(path) {
            Ok(bytes) => match SimhashIndex::deserialize(&bytes) {
                Ok(index) => Some(index),
                Err(e) => {
                    tracing::warn!("{}: near-duplicate index unreadable ({e}); starting a new one", path.display());
                    None
                }
            },
            Err(_) => None,
        });
        let index = loaded.or_else(fresh)?;
        Some(Deduplicator {
            index,
            max_links: config.near_duplicate_links,
            persist,
            dirty: false,
            last_saved: Instant::now(),
        })
    }

    /// The earlier documents `written` nearly duplicates; remembers it for later ones.
    pub fn links(&mut self, written: &Written) -> Vec<NearDuplicate> {
        let Some(fingerprint) = written.fingerprint else { return Vec::new() };
        self.dirty = true;
        self.index
            .check_and_insert_closest(written.id.clone(), fingerprint, self.max_links)
            .into_iter()
            .map(|d| NearDuplicate { id: d.id, similarity: d.similarity })
            .collect()
    }

    /// Writes a persisted index to disk (atomically) if it changed; with `force`, whatever the
    /// time since the last save.
    pub fn save(&mut self, force: bool) {
        let Some(path) = &self.persist else { return };
        if !self.dirty || (!force && self.last_saved.elapsed() < SAVE_EVERY) {
            return;
        }
        let tmp = path.with_extension("tmp");
        let result = std::fs::write(&tmp, self.index.serialize()).and_then(|()| std::fs::rename(&tmp, path));
        match result {
            Ok(()) => {
                self.dirty = false;
                self.last_saved = Instant::now();
            }
            Err(e) => tracing::warn!("{}: cannot save the near-duplicate index: {e}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(id: &str, fingerprint: u64) -> Written {
        Written { id: id.into(), json: Vec::new(), fingerprint: Some(fingerprint) }
    }

    #[test]
    fn links_are_capped_closest_first() {
        let config = EnrichConfig { near_duplicate_links: 2, ..EnrichConfig::default() };
        let mut dedup = Deduplicator::new(&config, None).unwrap();
        for (id, fingerprint) in [("far", 0b111), ("near", 0b1), ("same", 0), ("also-near", 0b10)] {
            assert!(dedup.links(&written(id, fingerprint)).len() <= 2);
        }
        let links: Vec<String> = dedup.links(&written("probe", 0)).into_iter().map(|d| d.id).collect();
        assert_eq!(links, ["same", "near"]);
    }

    #[test]
    fn documents_without_a_fingerprint_are_not_indexed() {
        let mut dedup = Deduplicator::new(&EnrichConfig::default(), None).unwrap();
        let mut plain = written("plain", 5);
        plain.fingerprint = None;
        assert!(dedup.links(&plain).is_empty());
        assert!(dedup.links(&written("next", 5)).is_empty());
    }
}
