//! Shared pieces for emitting Rust: identifiers, doc comments, type expressions, `#[cfg]` gates.

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::ir::{Field, IntWidth, Presence, RustIdent, StringFormat, TypeRef};

/// The recursion limit of generated crates, as its attribute line reads once formatted.
pub const RECURSION_LIMIT_LINE: &str = "#![recursion_limit = \"512\"]\n";

/// The inner attributes each generated crate root starts with. The crate wires up deprecated
/// types and operations like any other (the deprecation is for the code that uses them), and
/// real specs nest types deeply (auto traits of Stripe's types need more than 128 steps).
pub fn crate_root_attributes() -> TokenStream {
    quote! {
        #![doc = include_str!("../README.md")]
        #![allow(deprecated)]
        #![recursion_limit = "512"]
    }
}

/// The check that stops a build against another runtime than the one the crate was generated
/// for, with a message naming both versions.
pub fn runtime_check() -> TokenStream {
    let version = rocketgen_runtime::VERSION;
    quote! { rocketgen_runtime::generated_for!(#version); }
}

/// What an identifier is made from: a name that is never a keyword (a type, a variant), or
/// an IR identifier that may have to be raw.
pub trait IdentName {
    fn to_ident(&self) -> Ident;
}

impl IdentName for str {
    fn to_ident(&self) -> Ident {
        Ident::new(self, Span::call_site())
    }
}

impl IdentName for String {
    fn to_ident(&self) -> Ident {
        self.as_str().to_ident()
    }
}

impl IdentName for RustIdent {
    fn to_ident(&self) -> Ident {
        if self.is_raw() { Ident::new_raw(self.bare(), Span::call_site()) } else { Ident::new(self.bare(), Span::call_site()) }
    }
}

/// `#[cfg(feature = "…")]` for an item compiled under any one of `features`; nothing for none.
pub fn cfg_any(features: &[String]) -> TokenStream {
    match features {
        [] => TokenStream::new(),
        [one] => {
            let one = lit(one);
            quote! { #[cfg(feature = #one)] }
        }
        many => {
            let many = many.iter().map(|feature| lit(feature));
            quote! { #[cfg(any(#(feature = #many),*))] }
        }
    }
}

/// A string literal: the same token `quote!` makes of a `&str`, made faster where nothing in
/// the text needs escaping (most names and doc lines): proc-macro2 escapes a string character
/// by character through `fmt`, which was a twentieth of the generation's work.
pub fn lit(text: &str) -> Literal {
    if text.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\') {
        let mut quoted = String::with_capacity(text.len() + 2);
        quoted.push('"');
        quoted.push_str(text);
        quoted.push('"');
        if let Ok(literal) = quoted.parse() {
            return literal;
        }
    }
    Literal::string(text)
}

/// `#[cfg(…)]` for what any of `features` needs (a `use` line, a module shared by several
/// tags), in the crate's order of features; gated even where every feature needs it, since
/// with none on nothing would.
pub fn cfg_union<'a>(api: &crate::ir::Api, features: impl IntoIterator<Item = &'a String>) -> TokenStream {
    let wanted: std::collections::BTreeSet<&String> = features.into_iter().collect();
    let ordered: Vec<String> = api.features.iter().filter(|f| wanted.contains(f)).cloned().collect();
    cfg_any(&ordered)
}

/// `#[cfg(…)]` for what every operation shares (imports, a module of handlers): any tag.
pub fn any_operation_cfg(api: &crate::ir::Api) -> TokenStream {
    cfg_union(api, api.operations.iter().map(|op| &op.feature))
}

/// `#[cfg(feature = "…")]` for an operation's items: its tag's feature.
pub fn operation_cfg(op: &crate::ir::Operation) -> TokenStream {
    if op.feature.is_empty() {
        return TokenStream::new();
    }
    cfg_any(std::slice::from_ref(&op.feature))
}

/// An identifier from an IR name; `type` becomes the raw identifier `r#type`.
pub fn ident<N: IdentName + ?Sized>(name: &N) -> Ident {
    name.to_ident()
}

/// `#[doc = "…"]` lines for a description. Spec prose is Markdown meant for other renderers; it
/// is kept as written (the crates turn off doctests so that indented text is never compiled).
pub fn doc(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return TokenStream::new() };
    doc_lines(text.lines())
}

/// `///` lines, one per line given. They travel through the tokens as one placeholder
/// attribute per block (see `format::doc_blocks`), put back once the file is printed.
pub fn doc_lines<'a>(lines: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let (mut block, mut count) = (String::new(), 0);
    for line in lines {
        count += 1;
        if count > 1 {
            block.push('\n');
        }
        // A bare carriage return is not allowed in a doc comment.
        let line = line.replace('\r', "");
        let line = line.trim_end();
        if !line.is_empty() {
            block.push(' ');
            block.push_str(line);
        }
    }
    match (count, block.is_empty()) {
        (0, _) => return TokenStream::new(),
        (1, true) => return quote! { #[doc = ""] },
        _ => {}
    }
    let placeholder = super::format::doc_blocks::placeholder(block);
    quote! { #[doc = #placeholder] }
}

/// A type expression; `models` is the path prefix of named types (empty inside `models`).
pub fn type_tokens(ty: &TypeRef, models: &TokenStream) -> TokenStream {
    // Crates beside the API crate (`api::models::…`) reach its dependencies through it.
    let beside = models.to_string().starts_with("api");
    match ty {
        TypeRef::Binary if beside => quote! { api::runtime::Binary },
        TypeRef::Any if beside => quote! { api::runtime::serde_json::Value },
        TypeRef::String => quote! { String },
        TypeRef::Integer(IntWidth::I32) => quote! { i32 },
        TypeRef::Integer(IntWidth::I64) => quote! { i64 },
        TypeRef::Number => quote! { f64 },
        TypeRef::Boolean => quote! { bool },
        TypeRef::Binary => quote! { crate::runtime::Binary },
        TypeRef::Any => quote! { serde_json::Value },
        TypeRef::Array(item) => {
            let item = type_tokens(item, models);
            quote! { Vec<#item> }
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, models);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #models #name }
        }
        TypeRef::Formatted(format) => {
            // The API crate depends on chrono and uuid; crates beside it reach them through it.
            let krate = if models.to_string().starts_with("api") {
                quote! { api:: }
            } else {
                TokenStream::new()
            };
            match format {
                StringFormat::DateTime => quote! { #krate chrono::DateTime<#krate chrono::FixedOffset> },
                StringFormat::Date => quote! { #krate chrono::NaiveDate },
                StringFormat::Uuid => quote! { #krate uuid::Uuid },
            }
        }
    }
}

/// The full type of a struct field: boxed and wrapped in `Option` as its presence says.
pub fn field_type(field: &Field, models: &TokenStream) -> TokenStream {
    let inner = type_tokens(&field.ty, models);
    let inner = if field.boxed {
        quote! { Box<#inner> }
    } else {
        inner
    };
    match field.presence() {
        Presence::Required => inner,
        Presence::Optional | Presence::RequiredNullable => quote! { Option<#inner> },
        Presence::OptionalNullable => quote! { Option<Option<#inner>> },
    }
}

/// A short rendering of a JSON value for documentation.
pub fn json_inline(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 120 { format!("{}…", &text[..text.char_indices().nth(117).map(|(i, _)| i).unwrap_or(text.len())]) } else { text }
}

/// A `macro_rules!` definition laid out as a person would (no formatter lays out the bodies of
/// rules): its doc, then each rule's matcher and the item it writes, given at column 0.
/// `cfg` gates it as the items that use it are gated, so that it is never left unused.
pub fn macro_rules_text(doc: &str, cfg: &TokenStream, name: &str, rules: &[(String, String)]) -> super::Part {
    let mut text = String::new();
    for line in doc.lines() {
        text.push_str(&format!("/// {line}\n").replace("/// \n", "///\n"));
    }
    if !cfg.is_empty() {
        // The attribute as prettyplease lays it out on any other item.
        match syn::parse2::<syn::File>(quote::quote! { #cfg macro_rules! m {} }) {
            Ok(file) => prettyplease::unparse(&file).lines().take_while(|line| !line.starts_with("macro_rules!")).for_each(|line| {
                text.push_str(line);
                text.push('\n');
            }),
            Err(_) => text.push_str(&format!("{cfg}\n")),
        }
    }
    text.push_str(&format!("macro_rules! {name} {{\n"));
    for (matcher, item) in rules {
        text.push_str(&format!("    ({matcher}) => {{\n"));
        for line in item.lines() {
            if line.is_empty() {
                text.push('\n');
            } else {
                text.push_str(&format!("        {line}\n"));
            }
        }
        text.push_str("    };\n");
    }
    text.push_str("}\n");
    super::Part::Macro { name: name.to_string(), text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_is_the_one_quote_makes_of_the_text() {
        for text in ["", "id", " A doc line: `code`, (parens) and 'quotes'.", "a\"b", "back\\slash", "tab\there", "café", "\u{1}mark", "line\nbreak", "~{}"] {
            assert_eq!(lit(text).to_string(), quote! { #text }.to_string(), "{text:?}");
        }
    }
}
