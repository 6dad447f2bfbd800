//! What reading an API crate's metadata costs on first use: `cargo run --release -p
//! rocketgen-runtime --example load_meta -- generated/rocket/api/src/meta.json`. Each round
//! reads the document into a fresh graph (a process reads it once; the rounds only steady the
//! figure) and prints the median.

use std::time::Instant;

use rocketgen_runtime::meta::{MetaData, MetaDoc};

fn main() -> Result<(), String> {
    let path = std::env::args().nth(1).ok_or("usage: load_meta <meta.json>")?;
    let text: &'static str = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?.leak();
    let doc = MetaDoc::parse(text).map_err(|e| format!("{path}: {e}"))?;
    let mut times = Vec::new();
    for _ in 0..11 {
        let data: &'static MetaData = Box::leak(Box::new(MetaData::new(text, &[])));
        let start = Instant::now();
        std::hint::black_box(data.types());
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{path}: {} KB, {} types, {} operations: read in {:.2} ms (median of {})",
        text.len() / 1024,
        doc.types.len(),
        doc.operations.len(),
        times[times.len() / 2],
        times.len()
    );
    Ok(())
}
