//! Any bytes as a spec: loading, building the IR and emitting the API crate's tokens must end
//! in a value or an error, never a panic, a hang or unbounded memory.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(spec) = rocketgen::load::load_str(text) else { return };
    let Ok(api) = rocketgen::ir::build(&spec) else { return };
    let _ = rocketgen::emit::token_streams(&api, "fuzz");
});
