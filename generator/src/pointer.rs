//! JSON pointers (RFC 6901) as specs write them in `$ref`s and as errors and diagnostics name
//! places: one segment escaped or unescaped, and a reference's fragment resolved in a document.

use serde_json::Value;

/// Escapes one segment (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one segment (`~1` → `/`, `~0` → `~`).
pub fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Resolves the fragment of a local reference (`/components/schemas/A`), percent-decoding it.
pub fn resolve<'a>(raw: &'a Value, fragment: &str) -> Option<&'a Value> {
    if fragment.is_empty() {
        return Some(raw);
    }
    raw.pointer(&percent_decode(fragment))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(high), Some(low)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_escape_and_unescape() {
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
        assert_eq!(unescape(&escape("~1/~0")), "~1/~0");
    }

    #[test]
    fn fragments_resolve_percent_decoded() {
        let doc = serde_json::json!({ "paths": { "/a{b}": { "get": 1 } } });
        assert_eq!(resolve(&doc, "/paths/~1a%7Bb%7D/get"), Some(&serde_json::json!(1)));
        assert_eq!(resolve(&doc, ""), Some(&doc));
        assert_eq!(resolve(&doc, "/paths/missing"), None);
    }

    #[test]
    fn percent_decoding_of_pointers() {
        assert_eq!(percent_decode("/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%é9"), "%é9");
    }
}
