//! The `pattern` assertion: ECMA-262 regular expressions, the dialect JSON Schema prescribes,
//! each compiled once per process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Whether `text` matches `pattern`, an ECMA-262 regular expression as JSON Schema prescribes
/// (not anchored: a match anywhere counts). `None` when the pattern itself is not a valid
/// ECMA-262 expression: a spec fault that the generator reports, not the request's.
pub fn matches_pattern(pattern: &str, text: &str) -> Option<bool> {
    compiled(pattern).map(|regex| regex.find(text).is_some())
}

/// Why `pattern` is not a valid ECMA-262 regular expression, if it is not.
pub fn pattern_error(pattern: &str) -> Option<String> {
    // The generator asks at every use of a schema: a pattern that compiled once is not compiled again.
    if compiled(pattern).is_some() {
        return None;
    }
    regress::Regex::new(pattern).err().map(|e| e.to_string())
}

/// Each pattern is compiled once per process: the metadata holds its text.
fn compiled(pattern: &str) -> Option<Arc<regress::Regex>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<Arc<regress::Regex>>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Looked up by reference first: a request's every checked string must not allocate a key.
    if let Some(compiled) = cache.get(pattern) {
        return compiled.clone();
    }
    let compiled = regress::Regex::new(pattern).ok().map(Arc::new);
    cache.insert(pattern.to_string(), compiled.clone());
    compiled
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_ecma_262_and_unanchored() {
        assert_eq!(matches_pattern("^[a-z]+$", "abc"), Some(true));
        assert_eq!(matches_pattern("^[a-z]+$", "abc1"), Some(false));
        assert_eq!(matches_pattern("b", "abc"), Some(true));
        // ECMA-262 classes: `\d` is ASCII only, `\p{L}` needs the `u` flag JSON Schema implies.
        assert_eq!(matches_pattern(r"^\d+$", "١٢٣"), Some(false));
        assert_eq!(matches_pattern(r"^\w+$", "été"), Some(false));
        assert_eq!(matches_pattern("(", "x"), None);
        assert!(pattern_error("(").is_some());
        assert!(pattern_error("^a(?=b)").is_none());
    }
}
