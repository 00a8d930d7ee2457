//! Prints the amounts found in text read from stdin, one per line, with
//! the dates excluded first: `cargo run --release --example amounts_demo < FILE`.

use lede::text::{amounts, timex};
use std::io::Read;

fn main() {
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        return;
    }
    let exclude: Vec<_> = timex::find(&text, None).iter().map(|t| t.start..t.end).collect();
    for a in amounts::find(&text, &exclude) {
        let line_start = text[..a.start].rfind('\n').map_or(0, |p| p + 1);
        let before = &text[line_start..a.start];
        let mut cut = before.len().saturating_sub(30);
        while !before.is_char_boundary(cut) {
            cut += 1;
        }
        let before = &before[cut..];
        println!(
            "{before:>30} [[{}]] value={} unit={:?} mod={:?} count_of={:?}",
            &text[a.start..a.end],
            a.value,
            a.unit,
            a.modifier,
            a.count_of
        );
    }
}
