//! Trains the named-entity tagger and writes `data/ner.model`.
//!
//! ```text
//! cargo run --release --bin train-ner -- --train TRAIN.conll --dev DEV.conll \
//!     --unlabelled CORPUS.jsonl --out data/ner.model
//! ```
//! Deterministic: the same inputs and options give the same file.

use std::process::ExitCode;
use std::time::Instant;

use lede::text::ner::tags::EntityKind;
use lede::text::ner::train::{self, ClusterConfig, TrainConfig};

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("train-ner: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (mut train_path, mut dev_path, mut unl_path, mut out) = (None, None, None, String::from("data/ner.model"));
    let mut eval_path = None;
    let mut cfg = TrainConfig::default();
    let mut ccfg = ClusterConfig::default();
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        let num = |s: String| s.parse::<f64>().map_err(|_| format!("bad number {s}"));
        match a.as_str() {
            "--train" => train_path = Some(val()?),
            "--dev" => dev_path = Some(val()?),
            "--unlabelled" => unl_path = Some(val()?),
            "--out" => out = val()?,
            "--eval" => eval_path = Some(val()?),
            "--epochs" => cfg.epochs = num(val()?)? as usize,
            "--bits" => cfg.bits = num(val()?)? as u32,
            "--case-augment" => cfg.case_augment = num(val()?)?,
            "--seed" => cfg.seed = num(val()?)? as u64,
            "--clusters" => {
                let v = val()?;
                let ks: Vec<usize> = v.split(',').filter_map(|x| x.parse().ok()).collect();
                ccfg.ks = ks.try_into().map_err(|_| format!("--clusters needs 4 sizes, got {v}"))?;
            }
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    let read = |p: &str| std::fs::read_to_string(p).map_err(|e| format!("cannot read {p}: {e}"));
    if let Some(m) = eval_path {
        // score an existing model on the dev set, with and without harmonising
        let bytes = std::fs::read(&m).map_err(|e| format!("cannot read {m}: {e}"))?;
        let model = lede::text::ner::model::Model::from_bytes(&bytes).map_err(|e| format!("{m}: {e}"))?;
        let dev = train::read_conll(&read(dev_path.as_deref().ok_or("--dev is required with --eval")?)?);
        for h in [false, true] {
            let s = train::evaluate_opts(&model, &dev, h);
            let per: Vec<String> =
                EntityKind::ALL.iter().map(|&k| format!("{} {:.4}", k.as_str(), s.prf(Some(k)).2)).collect();
            eprintln!("train-ner: harmonise {h}: dev f1 {:.4} ({})", s.prf(None).2, per.join(", "));
        }
        return Ok(());
    }
    let train_path = train_path.ok_or("--train is required")?;
    let t0 = Instant::now();
    let docs = train::read_conll(&read(&train_path)?);
    let dev = match &dev_path {
        Some(p) => train::read_conll(&read(p)?),
        None => Vec::new(),
    };
    let mut corpus: Vec<Vec<String>> =
        docs.iter().flat_map(|d| d.sentences.iter().map(|s| d.words[s.clone()].to_vec())).collect();
    if let Some(p) = &unl_path {
        corpus.extend(train::unlabelled_sentences(&read(p)?));
    }
    eprintln!(
        "train-ner: {} training documents, {} dev documents, {} sentences for clustering",
        docs.len(),
        dev.len(),
        corpus.len()
    );
    let clusters = train::induce_clusters(&corpus, &ccfg);
    eprintln!("train-ner: {} words clustered ({:.1} s)", clusters.len(), t0.elapsed().as_secs_f64());
    let model = train::train(&docs, clusters, &cfg, |epoch, m| {
        if !dev.is_empty() {
            let raw = train::evaluate_opts(m, &dev, false).prf(None).2;
            let s = train::evaluate(m, &dev);
            eprintln!("train-ner: epoch {epoch}: without harmonising {raw:.4}");
            let per: Vec<String> =
                EntityKind::ALL.iter().map(|&k| format!("{} {:.4}", k.as_str(), s.prf(Some(k)).2)).collect();
            let (p, r, f) = s.prf(None);
            eprintln!(
                "train-ner: epoch {epoch}: dev f1 {f:.4} (p {p:.4} r {r:.4}; {}) {:.1} s",
                per.join(", "),
                t0.elapsed().as_secs_f64()
            );
        } else {
            eprintln!("train-ner: epoch {epoch} ({:.1} s)", t0.elapsed().as_secs_f64());
        }
    });
    let bytes = model.to_bytes();
    std::fs::write(&out, &bytes).map_err(|e| format!("cannot write {out}: {e}"))?;
    eprintln!("train-ner: wrote {out} ({} bytes) in {:.1} s", bytes.len(), t0.elapsed().as_secs_f64());
    Ok(())
}
