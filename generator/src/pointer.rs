//! JSON pointers (RFC 6901) as specs write them in `$ref`s and as errors and diagnostics name
//! places: one segment escaped or unescaped, and a reference's fragment resolved in a document.

use serde_json::Value;

/// Escapes one segment (`~` → `~0`, `/` → `~1`).
pub fn escape(segment: &str) -> std::borrow::Cow<'_, str> {
    // Most segments (names, status codes) have nothing to escape: no copy for them.
    if segment.contains(['~', '/']) { segment.replace('~', "~0").replace('/', "~1").into() } else { segment.into() }
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

/// The name of the component schema a local reference points at (`#/components/schemas/My%20Type`
/// → `My Type`, `…/a~1b` → `a/b`), if it points at one.
pub fn schema_component(reference: &str) -> Option<String> {
    let fragment = percent_decode(reference.strip_prefix('#')?);
    let name = fragment.strip_prefix("/components/schemas/")?;
    (!name.is_empty() && !name.contains('/')).then(|| unescape(name))
}

/// The last segment of a local reference, decoded (`#/definitions/My%20Type` → `My Type`).
pub fn last_segment(reference: &str) -> Option<String> {
    let fragment = percent_decode(reference.strip_prefix('#')?);
    fragment.rsplit('/').next().filter(|s| !s.is_empty()).map(unescape)
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
    fn references_name_their_component_decoded() {
        assert_eq!(schema_component("#/components/schemas/My%20Type").as_deref(), Some("My Type"));
        assert_eq!(schema_component("#/components/schemas/a~1b").as_deref(), Some("a/b"));
        assert_eq!(schema_component("#/components/schemas/A/properties/b"), None);
        assert_eq!(schema_component("#/components/parameters/A"), None);
        assert_eq!(last_segment("#/components/schemas/A/properties/my%20b").as_deref(), Some("my b"));
    }

    #[test]
    fn percent_decoding_of_pointers() {
        assert_eq!(percent_decode("/paths/~1a%7Bb%7D"), "/paths/~1a{b}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%é9"), "%é9");
    }
}
