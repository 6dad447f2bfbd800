//! Turning spec names into legal, stable Rust names.

use std::collections::BTreeSet;

use heck::{ToLowerCamelCase, ToSnakeCase, ToUpperCamelCase};

/// Keywords that can be written as raw identifiers (`r#type`).
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod",
    "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract", "become", "box", "do",
    "final", "gen", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; these get a trailing underscore.
const STRICT_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern", "_"];

/// Keeps ASCII letters, digits and underscores, writes other letters in ASCII (`café` → `cafe`,
/// `名前` → `Ming Qian`); everything else becomes a word break.
fn words_only(name: &str) -> String {
    in_ascii(name).chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
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
    let pascal = words_only(name).to_upper_camel_case();
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

/// A snake_case field or method name: `type` → `r#type`, `self` → `self_`, `1st` → `field_1st`,
/// `$ref` → `r#ref`, `@type` → `r#type`.
pub fn rust_field_name(name: &str) -> String {
    let snake = words_only(name).to_snake_case();
    if snake.is_empty() {
        "field".to_string()
    } else if snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{snake}")
    } else if RAW_KEYWORDS.contains(&snake.as_str()) {
        format!("r#{snake}")
    } else if STRICT_KEYWORDS.contains(&snake.as_str()) {
        format!("{snake}_")
    } else {
        snake
    }
}

/// The operation part of a tool name for an operation without an operationId: the HTTP method
/// then the path's segments in PascalCase, braces dropped (`GET /itv/plans/{platform}` →
/// `getItvPlansPlatform`).
pub fn derived_operation_name(method: &str, path: &str) -> String {
    let mut name = method.to_lowercase();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let bare: String = segment.chars().filter(|c| *c != '{' && *c != '}').collect();
        name.push_str(&words_only(&bare).to_upper_camel_case());
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

    /// `base` if free, otherwise `base2`, `base3`, … (for raw identifiers the suffix goes after the
    /// keyword, `r#type` → `type_2`, since `r#type2` is not a keyword any more).
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
        let stem = base.strip_prefix("r#").map(|k| format!("{k}_")).unwrap_or_else(|| base.to_string());
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
    fn field_names_are_legal_rust() {
        assert_eq!(rust_field_name("type"), "r#type");
        assert_eq!(rust_field_name("format"), "format");
        assert_eq!(rust_field_name("ref"), "r#ref");
        assert_eq!(rust_field_name("$ref"), "r#ref");
        assert_eq!(rust_field_name("@type"), "r#type");
        assert_eq!(rust_field_name("self"), "self_");
        assert_eq!(rust_field_name("1st"), "field_1st");
        assert_eq!(rust_field_name(""), "field");
        assert_eq!(rust_field_name("availableEpisodeCount"), "available_episode_count");
    }

    #[test]
    fn type_names_are_legal_rust() {
        assert_eq!(rust_type_name("ItemSummary"), "ItemSummary");
        assert_eq!(rust_type_name("user_info"), "UserInfo");
        assert_eq!(rust_type_name("1st"), "T1st");
        assert_eq!(rust_type_name("Self"), "Self_");
        assert_eq!(rust_type_name("a-z"), "AZ");
        assert_eq!(rust_type_name("名前"), "MingQian");
        assert_eq!(rust_field_name("café"), "cafe");
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
        assert_eq!(namer.claim("r#type"), "r#type");
        assert_eq!(namer.claim("r#type"), "type_2");
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
