//! Where in a JSON text a decoding error happened, as a path (`items[1].title`): read from the
//! error's line and column by walking the text, so that decoding compiles one deserializer per
//! type (a path-tracking wrapper would compile a second one for every type it reads).

/// `message` without serde_json's " at line L column C", and the path of the value there
/// (`.` for the whole text, where the error names no place).
pub fn locate(text: &[u8], error: &serde_json::Error) -> (String, String) {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) if error.line() > 0 => message[..at].to_string(),
        _ => message,
    };
    if error.line() == 0 {
        return (".".to_string(), message);
    }
    let line_start: usize = text.split_inclusive(|b| *b == b'\n').take(error.line() - 1).map(<[u8]>::len).sum();
    // The column is that of the last byte read (1-based): inside or at the end of the value.
    let mut offset = (line_start + error.column()).saturating_sub(1).min(text.len().saturating_sub(1));
    // An object or array where something else belongs is reported where it was peeked at, on
    // the space or colon before it.
    while offset + 1 < text.len() && matches!(text[offset], b' ' | b'\t' | b'\n' | b'\r' | b':') {
        offset += 1;
    }
    let mut path = Vec::new();
    descend(text, skip_space(text, 0), offset, &mut path);
    (display(&path), message)
}

enum Segment {
    Key(String),
    Index(usize),
}

fn display(path: &[Segment]) -> String {
    if path.is_empty() {
        return ".".to_string();
    }
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Follows the value starting at `start` down to the innermost one holding `offset`.
fn descend(text: &[u8], start: usize, offset: usize, path: &mut Vec<Segment>) {
    let (open, close) = match text.get(start) {
        Some(b'{') => (b'{', b'}'),
        Some(b'[') => (b'[', b']'),
        _ => return,
    };
    let mut i = skip_space(text, start + 1);
    let mut index = 0;
    while i < text.len() && text[i] != close {
        let key = if open == b'{' {
            let end = skip_string(text, i);
            let key = serde_json::from_slice::<String>(&text[i..end.min(text.len())]).unwrap_or_default();
            i = skip_space(text, end);
            i = skip_space(text, i + 1); // the colon
            Some(key)
        } else {
            None
        };
        let end = skip_value(text, i);
        if offset < end {
            if offset >= i {
                path.push(match key {
                    Some(key) => Segment::Key(key),
                    None => Segment::Index(index),
                });
                descend(text, i, offset, path);
            }
            return;
        }
        index += 1;
        i = skip_space(text, end);
        if text.get(i) == Some(&b',') {
            i = skip_space(text, i + 1);
        }
    }
}

fn skip_space(text: &[u8], mut i: usize) -> usize {
    while i < text.len() && matches!(text[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The index just past the string starting at `i` (a `"`).
fn skip_string(text: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < text.len() {
        match text[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

/// The index just past the value starting at `i`.
fn skip_value(text: &[u8], i: usize) -> usize {
    match text.get(i) {
        Some(b'"') => skip_string(text, i),
        Some(b'{') | Some(b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < text.len() {
                match text[j] {
                    b'"' => {
                        j = skip_string(text, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            j
        }
        _ => {
            let mut j = i;
            while j < text.len() && !matches!(text[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            j
        }
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str) -> String {
        let error = serde_json::from_str::<T>(text).unwrap_err();
        locate(text.as_bytes(), &error).0
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        title: String,
        tags: Vec<u32>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        items: Vec<Item>,
        total: u32,
    }

    #[test]
    fn the_path_of_the_value_that_failed() {
        assert_eq!(path_of::<Page>(r#"{"items": [{"title": "a", "tags": [1]}, {"title": 5, "tags": []}], "total": 2}"#), "items[1].title");
        assert_eq!(path_of::<Page>("{\n  \"items\": [],\n  \"total\": \"two\"\n}"), "total");
        assert_eq!(path_of::<Page>(r#"{"items": [{"title": "a", "tags": [1, -2]}], "total": 1}"#), "items[0].tags[1]");
        assert_eq!(path_of::<Page>(r#"{"items": [{"title": "x\"}", "tags": [true]}], "total": 1}"#), "items[0].tags[0]");
        // A missing field is the object's fault.
        assert_eq!(path_of::<Page>(r#"{"items": [{"tags": []}], "total": 1}"#), "items[0]");
        assert_eq!(path_of::<Page>(r#"{"items": []}"#), ".");
        // A struct may be read from an array, its fields in order.
        assert_eq!(path_of::<Page>("[1]"), "[0]");
        assert_eq!(path_of::<Page>("true"), ".");
        assert_eq!(path_of::<Page>(r#"{"items": [{"title": ["a"], "tags": []}], "total": 1}"#), "items[0].title");
        assert_eq!(path_of::<Page>(r#"{"items": [{"title": "a", "tags": {}}], "total": 1}"#), "items[0].tags");
    }

    #[test]
    fn the_message_loses_its_position() {
        let text = r#"{"items": [], "total": "two"}"#;
        let error = serde_json::from_str::<Page>(text).unwrap_err();
        assert_eq!(locate(text.as_bytes(), &error).1, "invalid type: string \"two\", expected u32");
    }
}
