//! Generation of the Rocket API crate by stage: load (parse and check), IR, emit (tokens and
//! templates, formatted), and the whole. `cargo bench -p rocketgen --bench generate`; another
//! spec with `ROCKETGEN_BENCH_SPEC=path/to/spec.json`.

use std::path::{Path, PathBuf};

use rocketgen::manifest::{CrateKind, Source};
use rocketgen::{emit, ir, load, output};

fn main() {
    divan::main();
}

fn rocket_spec() -> PathBuf {
    match std::env::var_os("ROCKETGEN_BENCH_SPEC") {
        Some(path) => PathBuf::from(path),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs/rocket/openapi.json"),
    }
}

fn rocket_source() -> Source {
    Source::new("rocket", "specs/rocket/openapi.json", vec![CrateKind::Api])
}

#[divan::bench]
fn read_and_parse_json(bencher: divan::Bencher) {
    let text = std::fs::read_to_string(rocket_spec()).unwrap();
    bencher.bench(|| serde_json::from_str::<serde_json::Value>(divan::black_box(&text)).unwrap());
}

#[divan::bench]
fn load(bencher: divan::Bencher) {
    let text = std::fs::read_to_string(rocket_spec()).unwrap();
    bencher.bench(|| load::load_str(divan::black_box(&text)).unwrap());
}

#[divan::bench]
fn build_ir(bencher: divan::Bencher) {
    let spec = load::load_path(&rocket_spec()).unwrap();
    bencher.bench(|| ir::build(divan::black_box(&spec)).unwrap());
}

#[divan::bench]
fn emit_tokens_only(bencher: divan::Bencher) {
    let spec = load::load_path(&rocket_spec()).unwrap();
    let api = ir::build(&spec).unwrap();
    bencher.bench(|| emit::token_streams(divan::black_box(&api), "rocket"));
}

#[divan::bench]
fn emit_and_format(bencher: divan::Bencher) {
    let spec = load::load_path(&rocket_spec()).unwrap();
    let api = ir::build(&spec).unwrap();
    let source = rocket_source();
    bencher.bench(|| output::emit_source(divan::black_box(&api), &source, &Default::default()).unwrap());
}

#[divan::bench]
fn whole(bencher: divan::Bencher) {
    let source = rocket_source();
    bencher.bench(|| {
        let spec = load::load_path(&rocket_spec()).unwrap();
        let api = ir::build(&spec).unwrap();
        output::emit_source(&api, &source, &Default::default()).unwrap()
    });
}
