//! Configuration: `config/default.toml` lists every key with its default.
//!
//! Loading is two steps, in the manner of "raw settings, then validated settings": the file is
//! first read as a TOML table and checked key by key against the defaults (so that every unknown
//! key and every wrongly typed value is reported at once, with its full dotted name), then
//! deserialised and checked for values out of range. Flags override the file afterwards, in
//! `crate::cli`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::Error;

/// The defaults, as shipped. A test checks that they equal `Config::default()`.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Every setting of a run.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Reading and framing input.
    pub input: InputConfig,
    /// The worker pool and the channels between stages.
    pub pipeline: PipelineConfig,
    /// Where records and error records go.
    pub output: OutputConfig,
    /// Which documents are dropped on purpose (counted as `filtered`).
    pub filter: FilterConfig,
    /// Logging and progress on stderr.
    pub log: LogConfig,
    /// `lede watch`.
    pub watch: WatchConfig,
    /// The extract stage.
    pub extract: ExtractConfig,
    /// The enrich stage.
    pub enrich: EnrichConfig,
    /// `--from kafka://...` and `--to kafka://...` (feature `kafka`).
    pub kafka: KafkaConfig,
}

/// `[extract]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ExtractConfig {
    /// Take boilerplate (galleries, share lines, bylines, ...) out of plain text.
    pub boilerplate: bool,
    /// Repair mojibake (UTF-8 read as windows-1252 or Latin-1).
    pub mojibake: bool,
    /// Named entities, merged per referent, with roles and salience.
    pub entities: bool,
    /// Quotes with their speakers.
    pub quotes: bool,
    /// Also list scare quotes and quoted titles (kind "scare", no speaker).
    pub scare_quotes: bool,
    /// Temporal expressions with TimeML values.
    pub dates: bool,
    /// Amounts and counts.
    pub amounts: bool,
}

impl Default for ExtractConfig {
    fn default() -> Self {
        ExtractConfig {
            boilerplate: true,
            mojibake: true,
            entities: true,
            quotes: true,
            scare_quotes: false,
            dates: true,
            amounts: true,
        }
    }
}

/// `[enrich]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EnrichConfig {
    /// Identify the language of documents that do not state it, and of foreign paragraphs.
    pub language: bool,
    /// Geocode places from the built-in gazetteer and find the article's focus.
    pub places: bool,
    /// Keyphrases per document (0 = off).
    pub keywords: usize,
    /// Tone of the document, its quotes and its entities.
    pub tone: bool,
    /// Near-duplicate links to earlier documents of the stream.
    pub near_duplicates: bool,
    /// Documents the near-duplicate index remembers (oldest forgotten first).
    pub near_duplicate_capacity: usize,
    /// Largest Hamming distance between SimHashes that counts as a near-duplicate (0 to 7).
    pub near_duplicate_distance: u32,
    /// Most near-duplicate links listed per record, closest first.
    pub near_duplicate_links: usize,
}

impl Default for EnrichConfig {
    fn default() -> Self {
        EnrichConfig {
            language: true,
            places: true,
            keywords: 10,
            tone: true,
            near_duplicates: true,
            near_duplicate_capacity: 100_000,
            near_duplicate_distance: 6,
            near_duplicate_links: 10,
        }
    }
}

/// `[kafka]`: the consumer group and producer settings; `--from`/`--to` URLs override them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// Bootstrap brokers, `host:port[,host:port...]`.
    pub brokers: String,
    /// Topics to consume.
    pub topics: Vec<String>,
    /// Consumer group id.
    pub group_id: String,
    /// Where a group with no committed offset starts: `earliest` or `latest`.
    pub start_offset: String,
    /// Output topic ("" = the `--to` target, stdout by default).
    pub output_topic: String,
    /// Topic for error records ("" = the error sink of `[output]`).
    pub dead_letter_topic: String,
    /// Consumer lag is logged every this many seconds (0 = never).
    pub lag_interval_seconds: u64,
    /// librdkafka client properties passed through as they are (`"session.timeout.ms" = "6000"`).
    pub client: std::collections::BTreeMap<String, String>,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        KafkaConfig {
            brokers: String::new(),
            topics: Vec::new(),
            group_id: "lede".into(),
            start_offset: "earliest".into(),
            output_topic: String::new(),
            dead_letter_topic: String::new(),
            lag_interval_seconds: 10,
            client: std::collections::BTreeMap::new(),
        }
    }
}

/// `[watch]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// Also watch subfolders.
    pub recursive: bool,
    /// A complete file must stay unchanged this long before it is read, in milliseconds.
    pub settle_ms: u64,
    /// Safety rescan of the folder, in seconds (covers lost events).
    pub rescan_seconds: u64,
    /// State folder; "" = `.lede-state` inside the watched folder.
    pub state_dir: String,
    /// Inside a large JSON-lines file, commit progress every this many documents.
    pub checkpoint_every: u64,
    /// Forget processed files after this many days.
    pub retention_days: u64,
    /// After a file is committed: `keep`, `delete` or `move:DIR`.
    pub on_done: String,
    /// After a file fails to be read: `keep`, `delete` or `move:DIR`.
    pub on_fail: String,
    /// Follow symbolic links that lead outside the folder.
    pub follow_symlinks: bool,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            recursive: false,
            settle_ms: 1000,
            rescan_seconds: 30,
            state_dir: String::new(),
            checkpoint_every: 1000,
            retention_days: 365,
            on_done: "keep".into(),
            on_fail: "keep".into(),
            follow_symlinks: false,
        }
    }
}

/// `[input]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// `auto`, `jsonl`, `text` or `html`. `auto` sniffs each input.
    pub format: String,
    /// Largest document accepted, in bytes; a larger one becomes an error record.
    pub max_document_bytes: u64,
    /// Longest JSON line accepted, in bytes; a longer one becomes an error record.
    pub max_line_bytes: u64,
    /// Anchor for relative dates when a document has no `published` date ("" = none).
    pub reference_date: String,
}

/// `[pipeline]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PipelineConfig {
    /// CPU workers running the stages; 0 means one per core.
    pub workers: usize,
    /// Documents in flight between the source and the sink (the bound on memory).
    pub queue: usize,
}

/// `[output]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputConfig {
    /// Where error records go: `stderr`, or a file path (appended).
    pub errors: String,
}

/// `[filter]`
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilterConfig {
    /// Documents whose clean text has fewer words are dropped and counted as filtered.
    pub min_words: usize,
}

/// `[log]`
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `error`, `warn`, `info`, `debug` or `trace`; `-v` and `-q` move it.
    pub level: String,
    /// `text` or `json`.
    pub format: String,
    /// Progress bar on stderr: `auto` (when stderr is a terminal), `always` or `never`.
    pub progress: String,
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            format: "auto".into(),
            max_document_bytes: 16 * 1024 * 1024,
            max_line_bytes: 16 * 1024 * 1024,
            reference_date: String::new(),
        }
    }
}

impl Default for PipelineConfig {
    fn default() -> Self {
        PipelineConfig { workers: 0, queue: 64 }
    }
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig { errors: "stderr".into() }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { level: "info".into(), format: "text".into(), progress: "auto".into() }
    }
}

impl Config {
    /// Reads and validates a config file.
    ///
    /// # Errors
    /// [`Error::ConfigRead`] if the file cannot be read, [`Error::ConfigInvalid`] listing every
    /// problem found in it.
    pub fn from_file(path: &Path) -> Result<Config, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::ConfigRead { path: path.to_path_buf(), source })?;
        Config::from_toml(&text).map_err(|problems| Error::ConfigInvalid { origin: Some(path.to_path_buf()), problems })
    }

    /// Parses and validates TOML text, returning every problem at once.
    ///
    /// # Errors
    /// One message per problem: syntax, unknown keys, wrong types, values out of range.
    pub fn from_toml(text: &str) -> Result<Config, Vec<String>> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| vec![e.message().trim().to_string()])?;
        let defaults = toml::Table::try_from(Config::default()).map_err(|e| vec![e.to_string()])?;
        let mut problems = Vec::new();
        check_keys("", &table, &defaults, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        let config: Config = table.try_into().map_err(|e: toml::de::Error| vec![e.message().trim().to_string()])?;
        let problems = config.validate();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(problems)
        }
    }

    /// Checks values that the types alone do not constrain. Returns one message per problem.
    pub fn validate(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut check = |ok: bool, message: String| {
            if !ok {
                problems.push(message);
            }
        };
        let format = self.input.format.as_str();
        check(
            matches!(format, "auto" | "jsonl" | "text" | "html"),
            format!("input.format must be one of auto, jsonl, text, html (found \"{format}\")"),
        );
        check(self.input.max_document_bytes > 0, "input.max_document_bytes must be greater than 0".into());
        check(self.input.max_line_bytes > 0, "input.max_line_bytes must be greater than 0".into());
        let reference = self.input.reference_date.as_str();
        check(
            reference.is_empty() || looks_like_iso_date(reference),
            format!("input.reference_date must be a date like 2017-04-12 (found \"{reference}\")"),
        );
        let start = self.kafka.start_offset.as_str();
        check(
            matches!(start, "earliest" | "latest"),
            format!("kafka.start_offset must be earliest or latest (found \"{start}\")"),
        );
        check(self.pipeline.workers <= 1024, "pipeline.workers must be at most 1024".into());
        check(self.pipeline.queue >= 1, "pipeline.queue must be at least 1".into());
        check(self.pipeline.queue <= 65_536, "pipeline.queue must be at most 65536".into());
        let level = self.log.level.as_str();
        check(
            matches!(level, "error" | "warn" | "info" | "debug" | "trace"),
            format!("log.level must be one of error, warn, info, debug, trace (found \"{level}\")"),
        );
        let log_format = self.log.format.as_str();
        check(
            matches!(log_format, "text" | "json"),
            format!("log.format must be text or json (found \"{log_format}\")"),
        );
        let progress = self.log.progress.as_str();
        check(
            matches!(progress, "auto" | "always" | "never"),
            format!("log.progress must be auto, always or never (found \"{progress}\")"),
        );
        check(!self.output.errors.is_empty(), "output.errors must be \"stderr\" or a file path".into());
        for (key, value) in [("watch.on_done", &self.watch.on_done), ("watch.on_fail", &self.watch.on_fail)] {
            if let Err(e) = crate::watch::FileAction::parse(value) {
                problems.push(format!("{key}: {e}"));
            }
        }
        if self.enrich.near_duplicate_distance > 7 {
            problems.push("enrich.near_duplicate_distance must be from 0 to 7".into());
        }
        if self.enrich.near_duplicate_capacity == 0 {
            problems.push("enrich.near_duplicate_capacity must be at least 1".into());
        }
        if self.watch.checkpoint_every == 0 {
            problems.push("watch.checkpoint_every must be at least 1".into());
        }
        problems
    }

    /// The number of CPU workers to run: the configured one, or one per core.
    pub fn worker_count(&self) -> usize {
        match self.pipeline.workers {
            0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            n => n,
        }
    }

    /// Where error records go: `None` for stderr.
    pub fn error_path(&self) -> Option<PathBuf> {
        (self.output.errors != "stderr").then(|| PathBuf::from(&self.output.errors))
    }
}

/// `YYYY-MM-DD`, optionally followed by a time.
pub(crate) fn looks_like_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
}

/// Compares `table` against the defaults' shape, key by key.
fn check_keys(prefix: &str, table: &toml::Table, defaults: &toml::Table, problems: &mut Vec<String>) {
    for (key, value) in table {
        let name = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        let Some(default) = defaults.get(key) else {
            let known: Vec<&str> = defaults.keys().map(String::as_str).collect();
            problems.push(format!("unknown key `{name}` (known here: {})", known.join(", ")));
            continue;
        };
        match (value, default) {
            // Client properties pass through to librdkafka, which checks them itself.
            (toml::Value::Table(_), toml::Value::Table(_)) if name == "kafka.client" => {}
            (toml::Value::Table(t), toml::Value::Table(d)) => check_keys(&name, t, d, problems),
            (v, d) if v.type_str() != d.type_str() => {
                problems.push(format!("`{name}` must be {}, found {}", article(d.type_str()), article(v.type_str())));
            }
            _ => {}
        }
    }
}

fn article(type_name: &str) -> String {
    match type_name {
        "integer" | "array" => format!("an {type_name}"),
        other => format!("a {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_defaults_equal_the_code_defaults() {
        assert_eq!(Config::from_toml(DEFAULT_TOML).unwrap(), Config::default());
    }

    #[test]
    fn default_file_lists_every_key() {
        let shipped: toml::Table = DEFAULT_TOML.parse().unwrap();
        let code = toml::Table::try_from(Config::default()).unwrap();
        for (section, keys) in &code {
            let shipped_keys = shipped[section].as_table().unwrap();
            for key in keys.as_table().unwrap().keys() {
                assert!(shipped_keys.contains_key(key), "config/default.toml lacks {section}.{key}");
            }
        }
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let problems =
            Config::from_toml("[input]\nformat = 3\nbogus = true\n[pipeline]\nqueue = \"many\"\n[nope]\nx = 1\n")
                .unwrap_err();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("unknown key `input.bogus`")));
        assert!(problems.iter().any(|p| p.contains("unknown key `nope`")));
        assert!(problems.iter().any(|p| p.contains("`input.format` must be a string")));
        assert!(problems.iter().any(|p| p.contains("`pipeline.queue` must be an integer")));
    }

    #[test]
    fn values_out_of_range_are_refused() {
        let problems = Config::from_toml("[input]\nformat = \"pdf\"\n[pipeline]\nqueue = 0\n[log]\nlevel = \"loud\"\n")
            .unwrap_err();
        assert_eq!(problems.len(), 3, "{problems:?}");
    }

    #[test]
    fn partial_files_keep_other_defaults() {
        let config = Config::from_toml("[pipeline]\nworkers = 3\n").unwrap();
        assert_eq!(config.pipeline.workers, 3);
        assert_eq!(config.input, InputConfig::default());
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(Config::from_toml("[input\n").is_err());
    }
}
