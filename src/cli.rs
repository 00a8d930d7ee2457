//! The command line: flags, subcommands, and how they become a [`Config`].
//!
//! Precedence: defaults, then `--config FILE`, then flags.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::Config;
use crate::error::Error;
use crate::shutdown::{listen_for_signals, Shutdown};
use crate::source::stdin::Input;

const EXIT_CODES: &str = "\
Exit codes:
  0    every document was written (or filtered)
  2    the run completed, but some documents failed: see the error records
  1    fatal error: bad configuration, unreadable input, failed output
  130  stopped by SIGINT, 143 stopped by SIGTERM (documents in flight were finished)

Records go to stdout, one JSON object per line; error records, logs, progress and the
summary go to stderr.";

/// Turns raw news articles into structured JSON lines.
#[derive(Debug, Parser)]
#[command(name = "lede", version, about, after_help = EXIT_CODES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the JSON Schema of the output record.
    Schema,
    /// Validate a configuration file, reporting every problem at once.
    CheckConfig {
        /// The file to check.
        file: PathBuf,
    },
    /// Watch a folder: process every file dropped in, exactly once in effect, until stopped.
    Watch(Box<WatchArgs>),
    /// Render records (JSON lines) as one self-contained HTML page on stdout.
    Render {
        /// The records; stdin when absent or `-`.
        file: Option<PathBuf>,
        /// Records shown per page.
        #[arg(long, value_name = "N", default_value_t = 20)]
        page_size: usize,
    },
}

/// Flags of a pipe run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Input files (JSON lines, text or HTML, optionally .gz); `-` or none for stdin.
    files: Vec<String>,
    /// Consume a Kafka topic as a consumer-group member: kafka://HOST:PORT/TOPIC?group=G
    /// (needs a build with `--features kafka`).
    #[arg(long, value_name = "URL", conflicts_with = "files")]
    from: Option<String>,
    /// With --from: where records go: kafka://HOST:PORT/TOPIC, a file, or stdout (the default).
    #[arg(long, value_name = "TARGET", requires = "from")]
    to: Option<String>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Flags of `lede watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// The folder to watch.
    dir: PathBuf,
    /// Also watch subfolders.
    #[arg(short, long)]
    recursive: bool,
    /// Where records go: a file (appended, crash-safe), a folder ending in `/` (one output per
    /// input), or `-` for stdout (the default).
    #[arg(short, long, value_name = "PATH")]
    out: Option<String>,
    /// Process what is there (and what an earlier run left unfinished), then exit.
    #[arg(long)]
    once: bool,
    /// State folder (default: .lede-state inside the folder).
    #[arg(long, value_name = "DIR")]
    state_dir: Option<String>,
    /// How long a complete file must stay unchanged, in milliseconds.
    #[arg(long, value_name = "MS")]
    settle_ms: Option<u64>,
    /// Safety rescan interval, in seconds.
    #[arg(long, value_name = "SECONDS")]
    rescan_seconds: Option<u64>,
    /// After a file is committed: keep, delete or move:DIR.
    #[arg(long, value_name = "ACTION")]
    on_done: Option<String>,
    /// After a file fails: keep, delete or move:DIR.
    #[arg(long, value_name = "ACTION")]
    on_fail: Option<String>,
    /// Follow symbolic links that lead outside the folder.
    #[arg(long)]
    follow_symlinks: bool,
    /// Replace a corrupt state store by a new, empty one (records may then be written again).
    #[arg(long)]
    rebuild_state: bool,
    #[command(flatten)]
    common: CommonArgs,
}

/// Flags shared by pipe and watch runs.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Input format; auto sniffs each input.
    #[arg(short, long, value_enum)]
    format: Option<FormatArg>,
    /// Configuration file (TOML); see config/default.toml for every key.
    #[arg(short, long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// CPU workers (default: one per core).
    #[arg(short, long, value_name = "N")]
    workers: Option<usize>,
    /// Documents in flight (bounds memory).
    #[arg(long, value_name = "N")]
    queue: Option<usize>,
    /// Anchor for relative dates when a document has no published date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    reference_date: Option<String>,
    /// Where error records go: a file (appended) instead of stderr.
    #[arg(long, value_name = "PATH")]
    errors: Option<String>,
    /// Largest document accepted, in bytes.
    #[arg(long, value_name = "BYTES")]
    max_document_bytes: Option<u64>,
    /// Drop documents with fewer words (counted as filtered).
    #[arg(long, value_name = "N")]
    min_words: Option<usize>,
    /// More logging (-v debug, -vv trace).
    #[arg(short, long, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Less logging: errors only, no summary.
    #[arg(short, long)]
    quiet: bool,
    /// Log format on stderr.
    #[arg(long, value_enum)]
    log_format: Option<LogFormatArg>,
    /// Progress bar on stderr.
    #[arg(long, value_enum)]
    progress: Option<ProgressArg>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Auto,
    Jsonl,
    Text,
    Html,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum LogFormatArg {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum ProgressArg {
    Auto,
    Always,
    Never,
}

impl CommonArgs {
    /// The configuration: defaults, then the file, then the flags.
    ///
    /// # Errors
    /// When the file cannot be read or the result is invalid.
    pub fn config(&self) -> Result<Config, Error> {
        let mut config = match &self.config {
            Some(path) => Config::from_file(path)?,
            None => Config::default(),
        };
        if let Some(format) = self.format {
            config.input.format = format!("{format:?}").to_lowercase();
        }
        if let Some(workers) = self.workers {
            config.pipeline.workers = workers;
        }
        if let Some(queue) = self.queue {
            config.pipeline.queue = queue;
        }
        if let Some(date) = &self.reference_date {
            config.input.reference_date = date.clone();
        }
        if let Some(errors) = &self.errors {
            config.output.errors = errors.clone();
        }
        if let Some(max) = self.max_document_bytes {
            config.input.max_document_bytes = max;
        }
        if let Some(min_words) = self.min_words {
            config.filter.min_words = min_words;
        }
        if let Some(format) = self.log_format {
            config.log.format = format!("{format:?}").to_lowercase();
        }
        if let Some(progress) = self.progress {
            config.log.progress = format!("{progress:?}").to_lowercase();
        }
        if self.quiet {
            config.log.level = "error".into();
            config.log.progress = "never".into();
        }
        const LEVELS: [&str; 5] = ["error", "warn", "info", "debug", "trace"];
        if self.verbose > 0 {
            let at = LEVELS.iter().position(|l| *l == config.log.level).unwrap_or(2);
            config.log.level = LEVELS[(at + self.verbose as usize).min(LEVELS.len() - 1)].into();
        }
        let problems = config.validate();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Error::ConfigInvalid { origin: None, problems })
        }
    }
}

/// Starts tracing on stderr with the configured level and format; `RUST_LOG` overrides the
/// level.
fn init_logging(config: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&config.log.level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    let _ = if config.log.format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// Runs the command line; the exit code follows the table in `--help`.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Schema) => {
            println!("{}", crate::record_schema());
            ExitCode::SUCCESS
        }
        Some(Command::CheckConfig { file }) => match Config::from_file(&file) {
            Ok(_) => {
                println!("{}: ok", file.display());
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("lede: {e}");
                ExitCode::from(1)
            }
        },
        Some(Command::Watch(args)) => run_watch(&args),
        Some(Command::Render { file, page_size }) => run_render(file, page_size),
        None if cli.run.from.is_some() => run_kafka(&cli.run),
        None => run_pipe(&cli.run),
    }
}

/// `lede render`: exit 0, or 2 when some input lines were not records, 1 on a read or write
/// failure; a closed stdout (`| head`) ends it quietly.
fn run_render(file: Option<PathBuf>, page_size: usize) -> ExitCode {
    use crate::render::{render, RenderError, RenderOptions};
    let mut options = RenderOptions { page_size, ..RenderOptions::default() };
    let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = match file.filter(|f| f.as_os_str() != "-") {
        None => render(std::io::stdin().lock(), stdout, &options),
        Some(path) => match std::fs::File::open(&path) {
            Ok(f) => {
                options.title = format!("lede report: {}", path.display());
                render(std::io::BufReader::with_capacity(1 << 16, f), stdout, &options)
            }
            Err(e) => {
                eprintln!("lede: cannot open {}: {e}", path.display());
                return ExitCode::from(1);
            }
        },
    };
    match result {
        Ok(summary) => {
            for (line, error) in &summary.invalid_lines {
                eprintln!("lede: line {line} is not a record: {error}");
            }
            if summary.span_warnings > 0 {
                eprintln!(
                    "lede: {} spans out of range or not matching their text (marked on the page)",
                    summary.span_warnings
                );
            }
            if summary.invalid_lines.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            }
        }
        Err(RenderError::Write(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lede: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(feature = "kafka")]
fn run_kafka(args: &RunArgs) -> ExitCode {
    let config = match args.common.config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("lede: {e}");
            return ExitCode::from(1);
        }
    };
    init_logging(&config);
    let options = crate::kafka::KafkaOptions { from: args.from.clone(), to: args.to.clone() };
    execute(&config, |config, shutdown| async move { crate::kafka::run_kafka(&config, options, shutdown).await })
}

#[cfg(not(feature = "kafka"))]
fn run_kafka(_args: &RunArgs) -> ExitCode {
    eprintln!("lede: --from kafka://... needs a build with `cargo build --release --features kafka`");
    ExitCode::from(1)
}

fn run_pipe(args: &RunArgs) -> ExitCode {
    let config = match args.common.config() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("lede: {e}");
            return ExitCode::from(1);
        }
    };
    init_logging(&config);
    let inputs: Vec<Input> = if args.files.is_empty() {
        vec![Input::Stdin]
    } else {
        args.files.iter().map(|f| Input::from_arg(f)).collect()
    };
    execute(&config, |config, shutdown| async move { crate::run_pipe(&config, inputs, shutdown).await })
}

fn run_watch(args: &WatchArgs) -> ExitCode {
    let configured = args.common.config().and_then(|mut config| {
        let watch = &mut config.watch;
        watch.recursive |= args.recursive;
        watch.follow_symlinks |= args.follow_symlinks;
        if let Some(v) = &args.state_dir {
            watch.state_dir = v.clone();
        }
        if let Some(v) = args.settle_ms {
            watch.settle_ms = v;
        }
        if let Some(v) = args.rescan_seconds {
            watch.rescan_seconds = v;
        }
        if let Some(v) = &args.on_done {
            watch.on_done = v.clone();
        }
        if let Some(v) = &args.on_fail {
            watch.on_fail = v.clone();
        }
        let problems = config.validate();
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(Error::ConfigInvalid { origin: None, problems })
        }
    });
    let config = match configured {
        Ok(config) => config,
        Err(e) => {
            eprintln!("lede: {e}");
            return ExitCode::from(1);
        }
    };
    init_logging(&config);
    let options = crate::watch::WatchOptions {
        dir: args.dir.clone(),
        out: crate::watch::OutTarget::parse(args.out.as_deref()),
        once: args.once,
        rebuild_state: args.rebuild_state,
    };
    execute(&config, |config, shutdown| async move { crate::watch::run_watch(&config, options, shutdown).await })
}

/// Runs `job` on a fresh runtime with signal handling, prints the summary and maps the outcome
/// to an exit code.
fn execute<F, Fut>(config: &Config, job: F) -> ExitCode
where
    F: FnOnce(Config, Shutdown) -> Fut,
    Fut: std::future::Future<Output = Result<crate::stats::Summary, Error>>,
{
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("lede: cannot start the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let quiet = config.log.level == "error";
    let result = runtime.block_on(async {
        let (shutdown, trigger) = Shutdown::new();
        if let Err(e) = listen_for_signals(trigger) {
            tracing::warn!("cannot listen for signals: {e}");
        }
        job(config.clone(), shutdown).await
    });
    // Documents still queued in the blocking pool after a broken pipe are not waited for.
    runtime.shutdown_background();
    match result {
        Err(e) => {
            eprintln!("lede: {e}");
            ExitCode::from(1)
        }
        Ok(summary) => {
            if summary.output_closed {
                return ExitCode::SUCCESS;
            }
            if !quiet {
                eprintln!("{}", summary.line());
            }
            if let Some(signal) = summary.interrupted {
                return ExitCode::from(signal.exit_code() as u8);
            }
            if summary.counts.errors > 0 {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
