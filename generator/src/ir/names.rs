//! Turning spec names into legal, stable Rust names.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Serialize, Serializer};

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore.
const STRICT_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// `name` in snake_case, as heck writes it.
fn snake_case(name: &str) -> String {
    if !name.is_ascii() {
        return name.to_snake_case();
    }
    let mut out = Vec::with_capacity(name.len() + 4);
    ascii_words(name, |word| {
        if !out.is_empty() {
            out.push(b'_');
        }
        out.extend(word.bytes().map(|b| b.to_ascii_lowercase()));
    });
    String::from_utf8(out).unwrap_or_default()
}

/// `name` in UpperCamelCase, as heck writes it.
fn upper_camel_case(name: &str) -> String {
    if !name.is_ascii() {
        return name.to_upper_camel_case();
    }
    let mut out = Vec::with_capacity(name.len());
    ascii_words(name, |word| {
        out.extend(word.bytes().enumerate().map(|(i, b)| if i == 0 { b.to_ascii_uppercase() } else { b.to_ascii_lowercase() }));
    });
    // ASCII in, ASCII out.
    String::from_utf8(out).unwrap_or_default()
}

/// The words of an ASCII name, as heck splits them: at anything but a letter or a digit, before
/// an uppercase letter that follows a lowercase one (a digit keeps the case before it), and
/// before the last capital of a run that a lowercase letter follows (`HTTPServer` → `HTTP`,
/// `Server`). heck does the same for any text, writing each character through `fmt`: on
/// Rocket that was a third of building the IR, where the names are ASCII by then.
fn ascii_words<'a>(name: &'a str, mut word: impl FnMut(&'a str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        None,
        Lower,
        Upper,
    }
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let (mut start, mut case) = (0, Case::None);
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let case_with = if c.is_ascii_lowercase() {
                Case::Lower
            } else if c.is_ascii_uppercase() {
                Case::Upper
            } else {
                case
            };
            if case_with == Case::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                (start, case) = (i + 1, Case::None);
            } else if case == Case::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                (start, case) = (i, Case::None);
            } else {
                case = case_with;
            }
        }
    }
}

/// Keeps ASCII letters, digits and underscores, writes other letters in ASCII (`café` → `cafe`,
/// `名前` → `Ming Qian`); everything else becomes a word break.
fn words_only(name: &str) -> String {
    let ascii = in_ascii(name);
    if !ascii.is_ascii() {
        return ascii.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    }
    // Byte by byte, each a letter, a digit or `_`: always UTF-8.
    let bytes: Vec<u8> = ascii.bytes().map(|b| if b.is_ascii_alphanumeric() { b } else { b'_' }).collect();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The name with each non-ASCII character written in ASCII, as a word of its own where it
/// follows another (`名前` → `Ming Qian`, `café` → `cafe`).
pub fn in_ascii(name: &str) -> std::borrow::Cow<'_, str> {
    if name.is_ascii() {
        return name.into();
    }
    let mut out = String::new();
    let mut after_written = false;
    for c in name.chars() {
        if c.is_ascii() {
            out.push(c);
            after_written = false;
            continue;
        }
        let written = deunicode::deunicode_char(c).unwrap_or("").trim();
        // Letters of alphabets join the word they are in; syllables and ideographs are words.
        let is_word = written.len() > 1 && !c.is_lowercase();
        if is_word && after_written {
            out.push(' ');
        }
        out.push_str(written);
        after_written = is_word;
    }
    out.into()
}

/// A PascalCase type name: `item_summary` → `ItemSummary`, `1st` → `T1st`, `` → `Unnamed`.
pub fn rust_type_name(name: &str) -> String {
    let pascal = upper_camel_case(&words_only(name));
    if pascal.is_empty() {
        "Unnamed".to_string()
    } else if pascal.starts_with(|c: char| c.is_ascii_digit()) {
        format!("T{pascal}")
    } else if pascal == "Self" {
        "Self_".to_string()
    } else {
        pascal
    }
}

/// A snake_case Rust identifier (a field, a method, a module): its bare text, and whether it
/// is a keyword that must be written raw (`r#type`). Names derived from it (`with_type`,
/// `TYPE`) start from the bare text; only the emitter writes the raw form.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RustIdent {
    bare: String,
    raw: bool,
}

impl RustIdent {
    /// A name that is not a keyword (`location`, `type_2`).
    pub fn plain(name: impl Into<String>) -> Self {
        let bare = name.into();
        debug_assert!(!RAW_KEYWORDS.contains(&bare.as_str()), "{bare} is a keyword");
        RustIdent { bare, raw: false }
    }

    /// The text without `r#`: `type` for `r#type`.
    pub fn bare(&self) -> &str {
        &self.bare
    }

    /// The name without the raw form: a keyword takes a trailing underscore (`type_`), for
    /// places a raw identifier would read badly (module names, `use` paths).
    pub fn unraw(self) -> RustIdent {
        if self.raw { RustIdent::plain(format!("{}_", self.bare)) } else { self }
    }

    /// Whether it is written `r#…`.
    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

/// The form written in Rust source: `r#type`, `location`.
impl fmt::Display for RustIdent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.bare)
    }
}

impl Serialize for RustIdent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A snake_case field or method name: `type` → `r#type`, `self` → `self_`, `1st` → `field_1st`,
/// `$ref` → `r#ref`, `@type` → `r#type`.
pub fn rust_field_name(name: &str) -> RustIdent {
    let snake = snake_case(&words_only(name));
    if snake.is_empty() {
        RustIdent::plain("field")
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        RustIdent::plain(format!("field_{snake}"))
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        RustIdent { bare: snake, raw: true }
    } else if STRICT_KEYWORDS.contains(&snake.as_str()) {
        RustIdent::plain(format!("{snake}_"))
    } else {
        RustIdent::plain(snake)
    }
}

/// The operation part of a tool name for an operation without an operationId: the HTTP method
/// then the path's segments in PascalCase, braces dropped (`GET /itv/plans/{platform}` →
/// `getItvPlansPlatform`).
pub fn derived_operation_name(method: &str, path: &str) -> String {
    let mut name = method.to_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let bare: String = segment.chars().filter(|c| *c != '{' && *c != '}').collect();
        name.push_str(&upper_camel_case(&words_only(&bare)));
    }
    name
}

/// A tool-name part made of `[A-Za-z0-9_-]`: an operationId as it is, unless it has other
/// characters, which are dropped at word breaks (`get user` → `getUser`).
pub fn tool_safe(name: &str) -> String {
    if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        name.to_string()
    } else {
        let camel = words_only(name).to_lower_camel_case();
        if camel.is_empty() { "operation".to_string() } else { camel }
    }
}

/// Names that generated code writes unqualified where the types of `models` are defined: the
/// std prelude's types, traits and variants, and `Future`. A schema of such a name is `String_`,
/// since `models::String` would shadow `String` in every type of the module.
pub const PRELUDE_NAMES: &[&str] = &[
    "String",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "Vec",
    "Box",
    "Default",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "Hash",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "ToString",
    "ToOwned",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Future",
    "IntoFuture",
];

/// Hands out names, never the same one twice. A reserved name (one that generated code already
/// uses) gets a trailing underscore, as keywords do (`body` → `body_`); a name taken by an
/// earlier claim gets the first free numeric suffix.
#[derive(Debug, Default)]
pub struct Namer {
    used: BTreeSet<String>,
    reserved: BTreeSet<String>,
}

impl Namer {
    pub fn new() -> Self {
        Namer::default()
    }

    /// Reserves a name no generated name may take.
    pub fn reserve(&mut self, name: &str) {
        self.reserved.insert(name.to_string());
    }

    pub fn reserve_all(&mut self, names: &[&str]) {
        names.iter().for_each(|name| self.reserve(name));
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.used.contains(name) || self.reserved.contains(name)
    }

    /// `base` if free, otherwise `base2`, `base3`, …
    pub fn claim(&mut self, base: &str) -> String {
        let owned;
        let base = if self.reserved.contains(base) {
            owned = format!("{base}_");
            owned.as_str()
        } else {
            base
        };
        if self.used.insert(base.to_string()) {
            return base.to_string();
        }
        self.claim_suffixed(base)
    }

    /// [`claim`](Namer::claim) for an identifier. A raw one that is taken gets its suffix after
    /// the keyword, `r#type` → `type_2`, since `type2` is not a keyword any more.
    pub fn claim_ident(&mut self, base: RustIdent) -> RustIdent {
        if !base.raw {
            return RustIdent::plain(self.claim(&base.bare));
        }
        if self.reserved.contains(&base.bare) {
            RustIdent::plain(self.claim(&format!("{}_", base.bare)))
        } else if self.used.insert(base.bare.clone()) {
            base
        } else {
            RustIdent::plain(self.claim_suffixed(&format!("{}_", base.bare)))
        }
    }

    /// The first of `stem2`, `stem3`, … not taken yet.
    fn claim_suffixed(&mut self, stem: &str) -> String {
        let mut n = 2;
        loop {
            let candidate = format!("{stem}{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_names_are_cased_as_heck_cases_them() {
        // Every string of up to six characters from each class heck tells apart (lowercase,
        // uppercase, digit, separator), two of each where a run matters.
        let alphabet = ['a', 'b', 'A', 'B', '1', '_'];
        let mut names = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..6 {
            last = last.iter().flat_map(|name| alphabet.iter().map(move |c| format!("{name}{c}"))).collect();
            names.extend(last.iter().cloned());
        }
        names.extend(["HTTPServer", "getHTTPResponseCode2", "x-rate-limit", "item__id", "ABC", "v2Beta", "_private"].map(String::from));
        for name in &names {
            assert_eq!(snake_case(name), name.to_snake_case(), "{name}");
            assert_eq!(upper_camel_case(name), name.to_upper_camel_case(), "{name}");
        }
    }

    #[test]
    fn field_names_are_legal_rust() {
        let written = |name: &str| rust_field_name(name).to_string();
        assert_eq!(written("type"), "r#type");
        assert_eq!(rust_field_name("type").bare(), "type");
        assert_eq!(written("format"), "format");
        assert_eq!(written("ref"), "r#ref");
        assert_eq!(written("$ref"), "r#ref");
        assert_eq!(written("@type"), "r#type");
        assert_eq!(written("self"), "self_");
        assert_eq!(written("1st"), "field_1st");
        assert_eq!(written(""), "field");
        assert_eq!(written("availableEpisodeCount"), "available_episode_count");
    }

    #[test]
    fn type_names_are_legal_rust() {
        assert_eq!(rust_type_name("ItemSummary"), "ItemSummary");
        assert_eq!(rust_type_name("user_info"), "UserInfo");
        assert_eq!(rust_type_name("1st"), "T1st");
        assert_eq!(rust_type_name("Self"), "Self_");
        assert_eq!(rust_type_name("a-z"), "AZ");
        assert_eq!(rust_type_name("名前"), "MingQian");
        assert_eq!(rust_field_name("café").to_string(), "cafe");
    }

    #[test]
    fn derived_names_follow_method_and_path() {
        assert_eq!(derived_operation_name("GET", "/itv/plans/{platform}"), "getItvPlansPlatform");
        assert_eq!(derived_operation_name("delete", "/itv/purchase/{platform}"), "deleteItvPurchasePlatform");
        assert_eq!(derived_operation_name("get", "/itv/itemsummary/{externalId}"), "getItvItemsummaryExternalId");
    }

    #[test]
    fn namer_suffixes_clashes() {
        let mut namer = Namer::new();
        assert_eq!(namer.claim("UserInfo"), "UserInfo");
        assert_eq!(namer.claim("UserInfo"), "UserInfo2");
        assert_eq!(namer.claim_ident(rust_field_name("type")).to_string(), "r#type");
        assert_eq!(namer.claim_ident(rust_field_name("type")).to_string(), "type_2");
        assert_eq!(namer.claim_ident(rust_field_name("type")).to_string(), "type_3");
    }

    #[test]
    fn reserved_names_take_a_trailing_underscore() {
        let mut namer = Namer::new();
        namer.reserve_all(&["body", "String"]);
        assert_eq!(namer.claim("body"), "body_");
        assert_eq!(namer.claim("body"), "body_2");
        assert_eq!(namer.claim("String"), "String_");
        assert!(namer.is_taken("body"));
    }
}
