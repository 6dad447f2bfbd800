//! Mutation fuzzing of the loader, the IR builder and the emitters: documents derived from
//! real specs by random, seeded mutations (keys dropped, values swapped for other types,
//! references redirected, arrays emptied, schemas nested into themselves) must each give
//! generated crates or a clear error, never a panic.
//!
//! `ROCKETGEN_FUZZ_ITERATIONS=100000 cargo test --release -p rocketgen --test mutations` runs
//! longer; `ROCKETGEN_FUZZ_SEED` picks another sequence. A failure prints the seed and the
//! mutated document's path to reproduce it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use rocketgen::manifest::{CrateKind, Source};
use serde_json::{Value, json};

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Every node's pointer, so that a mutation can pick one at random.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| pointers(v, format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")), out)),
        Value::Array(items) => items.iter().enumerate().for_each(|(i, v)| pointers(v, format!("{at}/{i}"), out)),
        _ => {}
    }
}

fn mutate(doc: &mut Value, rng: &mut Rng) {
    let mut all = Vec::new();
    pointers(doc, String::new(), &mut all);
    let at = all[rng.below(all.len())].clone();
    let replacement = match rng.below(9) {
        0 => Value::Null,
        1 => json!(rng.next() as i64),
        2 => json!("x{y}/~"),
        3 => json!([]),
        4 => json!({}),
        5 => json!({"$ref": "#/components/schemas/Missing"}),
        6 => json!({"$ref": format!("#{}", all[rng.below(all.len())])}),
        7 => json!({"type": "object", "properties": {"self": {"$ref": format!("#{at}")}}, "allOf": [{"$ref": format!("#{at}")}]}),
        _ => {
            // Drop the node from its parent.
            if let Some((parent, key)) = at.rsplit_once('/')
                && let Some(container) = doc.pointer_mut(parent)
            {
                match container {
                    Value::Object(map) => {
                        map.remove(&key.replace("~1", "/").replace("~0", "~"));
                    }
                    Value::Array(items) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
            return;
        }
    };
    if let Some(node) = doc.pointer_mut(&at) {
        *node = replacement;
    }
}

#[test]
fn mutated_specs_never_panic() {
    let iterations: usize = std::env::var("ROCKETGEN_FUZZ_ITERATIONS").ok().and_then(|v| v.parse().ok()).unwrap_or(300);
    let seed: u64 = std::env::var("ROCKETGEN_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bases: Vec<Value> = [
        "tests/corpus/openai.com.json",
        "tests/corpus/azure.com-advisor.json",
        "specs/typemodel/openapi.yaml",
        "specs/constructs/openapi.yaml",
        "tests/corpus/discourse.local.json",
    ]
    .iter()
    .map(|p| rocketgen::load::load_path(&root.join(p)).map(|s| s.raw).unwrap_or_else(|e| panic!("{p}: {e}")))
    .collect();
    let source = Source::new("fuzz", "spec", CrateKind::ALL.to_vec());
    std::panic::set_hook(Box::new(|_| {}));
    let mut rng = Rng(seed);
    let (mut generated, mut refused) = (0, 0);
    for iteration in 0..iterations {
        let mut doc = bases[iteration % bases.len()].clone();
        for _ in 0..1 + rng.below(4) {
            mutate(&mut doc, &mut rng);
        }
        let text = serde_json::to_string(&doc).unwrap();
        let outcome = catch_unwind(AssertUnwindSafe(|| -> Result<(), String> {
            let spec = rocketgen::load::load_str(&text).map_err(|e| e.to_string())?;
            let api = rocketgen::ir::build(&spec).map_err(|e| e.to_string())?;
            rocketgen::output::emit_source(&api, &source, &Default::default()).map_err(|e| e.to_string())?;
            Ok(())
        }));
        match outcome {
            Ok(Ok(())) => generated += 1,
            Ok(Err(message)) => {
                assert!(!message.is_empty(), "an empty error message");
                refused += 1;
            }
            Err(_) => {
                let _ = std::panic::take_hook();
                let saved = std::env::temp_dir().join(format!("rocketgen-fuzz-{seed}-{iteration}.json"));
                std::fs::write(&saved, &text).unwrap();
                panic!("iteration {iteration} (seed {seed}) panicked; the document is {}", saved.display());
            }
        }
    }
    let _ = std::panic::take_hook();
    println!("{iterations} mutated specs: {generated} generated, {refused} refused with an error, none panicked");
}
