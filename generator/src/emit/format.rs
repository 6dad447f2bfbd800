//! Formatting generated Rust: prettyplease item by item, items whose layout is fixed printed
//! directly, doc comments carried through as placeholders, and the layout a person gives
//! macro tables, macro rows and the blank lines between items.

use std::collections::HashMap;
use std::fmt::Write as _;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use crate::error::Error;

/// Doc comments held aside while a file is formatted. syn parses, and prettyplease prints, a
/// `#[doc = "…"]` attribute per line of prose: on Rocket, a third of the generation time. A
/// block goes through them as one short attribute, `#[doc = "\u{1}rocketgen-doc-17"]` (no
/// doc line begins so: the lines begin with a space or are empty), and
/// [`restore`](doc_blocks::restore) writes its lines where that attribute was printed. Blocks
/// are kept for the life of the process, each distinct text once, since tokens may be cloned
/// or formatted on another thread than the one that made them.
pub(crate) mod doc_blocks {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, PoisonError};

    /// A control character (never in prose; ASCII, so that escaping it into a literal is
    /// cheap, where a noncharacter cost a lookup in Unicode's tables) and a name.
    const MARK: &str = "\u{1}rocketgen-doc-";
    /// `MARK` as a string literal prints it.
    const MARK_ESCAPED: &str = "\\u{1}rocketgen-doc-";

    #[derive(Default)]
    struct Blocks {
        ids: HashMap<Arc<str>, usize>,
        texts: Vec<Arc<str>>,
    }

    static BLOCKS: Mutex<Option<Blocks>> = Mutex::new(None);

    /// The attribute value standing for `block` (its lines joined by `\n`): a string literal.
    pub fn placeholder(block: String) -> proc_macro2::Literal {
        let mut guard = BLOCKS.lock().unwrap_or_else(PoisonError::into_inner);
        let blocks = guard.get_or_insert_with(Blocks::default);
        let id = match blocks.ids.get(block.as_str()) {
            Some(id) => *id,
            None => {
                let text: Arc<str> = Arc::from(block);
                blocks.texts.push(text.clone());
                blocks.ids.insert(text, blocks.texts.len() - 1);
                blocks.texts.len() - 1
            }
        };
        // Read from its escaped text, as it prints: escaping it would cost more.
        let escaped = format!("\"{MARK_ESCAPED}{id}\"");
        escaped.parse().unwrap_or_else(|_| proc_macro2::Literal::string(&format!("{MARK}{id}")))
    }

    /// The line prettyplease prints for a placeholder attribute, given its value as the
    /// literal prints (`"\u{1}rocketgen-doc-17"`).
    pub fn printed_placeholder(literal: &str) -> Option<String> {
        let id = literal.strip_prefix('"')?.strip_prefix(MARK_ESCAPED)?.strip_suffix('"')?;
        id.bytes().all(|b| b.is_ascii_digit()).then(|| format!("///{MARK}{id}"))
    }

    #[cfg(test)]
    #[test]
    fn the_escaped_mark_is_the_mark_as_a_literal_prints_it() {
        assert_eq!(proc_macro2::Literal::string(MARK).to_string(), format!("\"{MARK_ESCAPED}\""));
    }

    /// `text` with each printed placeholder, `///\u{1}rocketgen-doc-17` at some indent, replaced by the
    /// block's lines at that indent. `None` if a placeholder names no block, or was printed
    /// otherwise than as a doc comment (inside a macro's arguments, say).
    pub fn restore(text: &str) -> Option<String> {
        let marker = format!("///{MARK}");
        if !text.contains(MARK) && !text.contains(MARK_ESCAPED) {
            return Some(text.to_string());
        }
        if text.matches(MARK).count() + text.matches(MARK_ESCAPED).count() != text.matches(marker.as_str()).count() {
            return None;
        }
        let guard = BLOCKS.lock().unwrap_or_else(PoisonError::into_inner);
        let texts = guard.as_ref().map(|blocks| blocks.texts.as_slice()).unwrap_or_default();
        let mut out = String::with_capacity(text.len() * 2);
        for line in text.lines() {
            let code = line.trim_start_matches(' ');
            match code.strip_prefix(marker.as_str()) {
                Some(id) => {
                    let block = texts.get(id.parse::<usize>().ok()?)?;
                    let margin = &line[..line.len() - code.len()];
                    for doc in block.split('\n') {
                        out.push_str(margin);
                        out.push_str("///");
                        out.push_str(doc);
                        out.push('\n');
                    }
                }
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
        Some(out)
    }
}

/// Formats a token stream as a Rust source file, with a header saying where it comes from.
pub fn format_file(tokens: TokenStream, what: &str) -> Result<String, Error> {
    format_items(std::iter::once(super::Part::Tokens(tokens)), what)
}

/// Formats the parts of a file, in order, as one Rust source file.
pub fn format_items(parts: impl Iterator<Item = super::Part>, what: &str) -> Result<String, Error> {
    let mut text = String::new();
    // The calls of the file's own macros, `handler!(` and the like: rows of a table.
    let mut rows: Vec<String> = Vec::new();
    // Long attributes as prettyplease prints them, each once in the file (a `derive` list is
    // on every enum of the models).
    let mut attributes = HashMap::new();
    for part in parts {
        match part {
            super::Part::Tokens(tokens) => {
                let printed =
                    unparse_by_item(tokens, &mut attributes).map_err(|e| Error::new(format!("internal error: generated {what} is not valid Rust: {e}")))?;
                text.push_str(&printed);
            }
            super::Part::Macro { name, text: laid_out } => {
                rows.push(format!("{name}!("));
                text.push_str(&laid_out);
            }
        }
    }
    let text = doc_blocks::restore(&text).ok_or_else(|| Error::new(format!("internal error: generated {what} lost a doc comment")))?;
    let body = join_macro_rows(&space_items(&lay_out_table_macros(&text, &rows)), &rows);
    Ok(format!("// Generated by rocketgen from the OpenAPI spec. Do not edit: run `rocketgen generate`.\n\n{body}"))
}

/// Parses and prints a file item by item. syn copies a token stream into one buffer before
/// parsing it, and a big file's syntax tree is tens of megabytes: touching that much fresh
/// memory cost more than the parsing (Rocket's four crates: peak memory 98 → 74 MB). An item's
/// buffer and tree are small, and their memory is reused. Should a cut between items ever be
/// wrong, the rest of the file is parsed whole.
fn unparse_by_item(tokens: TokenStream, attributes: &mut HashMap<String, String>) -> syn::Result<String> {
    let mut text = String::new();
    let mut piece: Vec<TokenTree> = Vec::new();
    // The stream is this function's alone: walked by value, it is not copied.
    let mut rest = tokens.into_iter().peekable();
    while let Some(token) = rest.next() {
        let (ends_item, ends_attribute) = match &token {
            TokenTree::Punct(p) => (p.as_char() == ';', false),
            TokenTree::Group(g) => (g.delimiter() == Delimiter::Brace, g.delimiter() == Delimiter::Bracket),
            _ => (false, false),
        };
        piece.push(token);
        if ends_attribute
            && piece.len() == 3
            && let Some(line) = inner_doc_text(&piece)
        {
            // `#![doc = "…"]` at the head of a file: its own item, so that the next one may be
            // printed directly.
            text.push_str(&line);
            piece.clear();
            continue;
        }
        // An item ends at a `;`, or at a brace group that the next item's attributes or
        // keywords follow (in `{ … } as T` or `{ … };` the brace belongs to an expression).
        let next_starts_item = match rest.peek() {
            None => true,
            Some(TokenTree::Punct(p)) => p.as_char() == '#',
            Some(TokenTree::Ident(word)) => word != "as" && word != "else",
            Some(_) => false,
        };
        if ends_item && next_starts_item {
            let item = std::mem::take(&mut piece);
            let item: TokenStream = match item_head(&item) {
                Some(head) => {
                    let item = take_apart(item);
                    let direct = match head {
                        ItemHead::Crate => table_call_text(&item, attributes),
                        ItemHead::PubStruct => struct_text(&item, attributes),
                        ItemHead::PubEnum => enum_text(&item, attributes),
                        ItemHead::PubStatic => static_text(&item, attributes),
                        ItemHead::PubTrait => trait_text(&item, attributes),
                        ItemHead::Impl => impl_rows_text(&item, attributes),
                    };
                    if let Some(printed) = direct {
                        text.push_str(&printed);
                        continue;
                    }
                    put_together(item)
                }
                None => item.into_iter().collect(),
            };
            // A clone shares the tokens: the item stays whole for the rare fallback.
            match syn::parse2::<syn::File>(item.clone()) {
                Ok(file) => text.push_str(&prettyplease::unparse(&file)),
                Err(_) => {
                    let whole: TokenStream = item.into_iter().chain(rest).collect();
                    text.push_str(&prettyplease::unparse(&syn::parse2(whole)?));
                    return Ok(text);
                }
            }
        }
    }
    if !piece.is_empty() {
        text.push_str(&prettyplease::unparse(&syn::parse2(piece.into_iter().collect())?));
    }
    Ok(text)
}

/// A token tree taken apart once, by value, for the printers to walk by reference: walking a
/// `TokenStream` copies it, since proc-macro2 walks a stream by value and clones one that is
/// shared (as a group's is, while the group lives). On Rocket, those copies were a tenth of
/// the generation's work.
#[derive(Clone)]
enum Tok {
    Ident(proc_macro2::Ident),
    Punct(proc_macro2::Punct),
    Literal(proc_macro2::Literal),
    Group(Delimiter, Vec<Tok>),
}

/// `tokens` as a tree of [`Tok`], without copying any.
fn take_apart(tokens: impl IntoIterator<Item = TokenTree>) -> Vec<Tok> {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Group(group) => {
                let (delimiter, stream) = (group.delimiter(), group.stream());
                // Once the group is gone its stream is no longer shared, and is not copied.
                drop(group);
                Tok::Group(delimiter, take_apart(stream))
            }
            TokenTree::Ident(ident) => Tok::Ident(ident),
            TokenTree::Punct(punct) => Tok::Punct(punct),
            TokenTree::Literal(literal) => Tok::Literal(literal),
        })
        .collect()
}

/// The tokens of a tree, for prettyplease.
fn put_together(tokens: Vec<Tok>) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            Tok::Group(delimiter, inside) => TokenTree::Group(proc_macro2::Group::new(delimiter, put_together(inside))),
            Tok::Ident(ident) => TokenTree::Ident(ident),
            Tok::Punct(punct) => TokenTree::Punct(punct),
            Tok::Literal(literal) => TokenTree::Literal(literal),
        })
        .collect()
}

/// A copy of the tokens of a tree, where the tree is still needed.
fn copied(tokens: &[Tok]) -> TokenStream {
    put_together(tokens.to_vec())
}

fn is_punct(token: Option<&Tok>, c: char) -> bool {
    matches!(token, Some(Tok::Punct(punct)) if punct.as_char() == c)
}

/// What an item that may be printed directly begins with, after its attributes.
enum ItemHead {
    /// `crate::…`: perhaps a call of one of the runtime's table macros.
    Crate,
    /// `pub struct`.
    PubStruct,
    /// `pub enum`.
    PubEnum,
    /// `pub static`.
    PubStatic,
    /// `pub trait`.
    PubTrait,
    /// `impl`: perhaps a block of macro rows.
    Impl,
}

/// The head of `item` past its attributes, looked at before any attribute is printed, so
/// that an item prettyplease will print anyway costs no more than this look.
fn item_head(item: &[TokenTree]) -> Option<ItemHead> {
    let mut tokens = item.iter();
    loop {
        match tokens.next()? {
            TokenTree::Punct(hash) if hash.as_char() == '#' => {
                tokens.next()?;
            }
            TokenTree::Ident(word) if word == "crate" => return Some(ItemHead::Crate),
            TokenTree::Ident(word) if word == "impl" => return Some(ItemHead::Impl),
            TokenTree::Ident(word) if word == "pub" => {
                let TokenTree::Ident(keyword) = tokens.next()? else { return None };
                return match keyword.to_string().as_str() {
                    "struct" => Some(ItemHead::PubStruct),
                    "enum" => Some(ItemHead::PubEnum),
                    "static" => Some(ItemHead::PubStatic),
                    "trait" => Some(ItemHead::PubTrait),
                    _ => None,
                };
            }
            _ => return None,
        }
    }
}

/// A call of one of the runtime's table macros, `#[cfg(…)] crate::runtime::impl_object!(…);`,
/// printed directly: its arguments are laid out again anyway (see `lay_out_table_macros`),
/// and on Rocket these calls were a fifth of what syn parsed and prettyplease printed. `None`
/// for any other item.
fn table_call_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let mut text = String::new();
    let mut tokens = item.iter().peekable();
    attributes_text(&mut tokens, "", attributes, &mut text)?;
    // `crate::runtime::name!(args);`
    let [Tok::Ident(krate), _, _, Tok::Ident(runtime), _, _, Tok::Ident(name), Tok::Punct(bang), Tok::Group(Delimiter::Parenthesis, args), Tok::Punct(semi)] =
        &item[item.len() - tokens.len()..]
    else {
        return None;
    };
    let is_table = krate == "crate" && runtime == "runtime" && name.to_string().starts_with("impl_");
    if !is_table || bang.as_char() != '!' || semi.as_char() != ';' {
        return None;
    }
    let _ = write!(text, "crate::runtime::{name}!(");
    print_tokens(args, &mut text);
    text.push_str(");\n");
    Some(text)
}

type Tokens<'a> = std::iter::Peekable<std::slice::Iter<'a, Tok>>;

/// The outer attributes at the head of `tokens`, printed at `margin` as prettyplease prints
/// them: a doc block's placeholder as its `///` line, a short one (`#[cfg(feature = "a")]`,
/// `#[derive(…)]`) as its tokens print, any other by prettyplease, each distinct one once
/// (`printed` keeps them).
fn attributes_text(tokens: &mut Tokens<'_>, margin: &str, printed: &mut HashMap<String, String>, out: &mut String) -> Option<()> {
    while is_punct(tokens.peek().copied(), '#') {
        tokens.next();
        let Some(Tok::Group(Delimiter::Bracket, attribute)) = tokens.next() else { return None };
        match attribute.as_slice() {
            [Tok::Ident(word), Tok::Punct(_), Tok::Literal(value)] if word == "doc" => {
                if let Some(line) = doc_line(&value.to_string()) {
                    out.push_str(margin);
                    out.push_str(&line);
                    out.push('\n');
                    continue;
                }
            }
            [Tok::Ident(word), ..] if word != "doc" => {
                // `#[cfg(feature = "a")]`, `#[derive(…)]`: one line as tokens print, where short.
                let mut line = format!("{margin}#[");
                print_tokens(attribute, &mut line);
                line.push(']');
                if line.len() < 60 {
                    out.push_str(&line);
                    out.push('\n');
                    continue;
                }
            }
            _ => {}
        }
        let attribute = copied(attribute);
        let key = attribute.to_string();
        if !printed.contains_key(&key) {
            let file = syn::parse2::<syn::File>(quote! { #[#attribute] struct S; }).ok()?;
            let text = prettyplease::unparse(&file);
            printed.insert(key.clone(), text.strip_suffix("struct S;\n")?.to_string());
        }
        for line in printed[&key].lines() {
            out.push_str(margin);
            out.push_str(line);
            out.push('\n');
        }
    }
    Some(())
}

/// The `///` line prettyplease prints for `#[doc = literal]`, where the literal is a
/// placeholder or plain text. `None` for any other: prettyplease prints it.
fn doc_line(literal: &str) -> Option<String> {
    if let Some(line) = doc_blocks::printed_placeholder(literal) {
        return Some(line);
    }
    doc_text(literal).filter(|text| !text.starts_with('/')).map(|text| format!("///{text}"))
}

/// The text of a doc literal as prettyplease prints it, trailing spaces trimmed: `" text"` with
/// no escapes, or a raw string (`r" text"`, `r#" text "#`), on one line. `None` for others.
fn doc_text(literal: &str) -> Option<&str> {
    let text = match literal.strip_prefix('r') {
        Some(raw) => {
            let hashes = raw.len() - raw.trim_start_matches('#').len();
            raw.get(hashes..raw.len().checked_sub(hashes)?)?.strip_prefix('"')?.strip_suffix('"')?
        }
        None => {
            let text = literal.strip_prefix('"')?.strip_suffix('"')?;
            if text.contains(['\\', '"']) {
                return None;
            }
            text
        }
    };
    (!text.contains(['\n', '\r'])).then(|| text.trim_end_matches(' '))
}

/// `//! text` for a file's inner doc attribute, `#![doc = "…"]`, alone in `piece`.
fn inner_doc_text(piece: &[TokenTree]) -> Option<String> {
    let [TokenTree::Punct(hash), TokenTree::Punct(bang), TokenTree::Group(attribute)] = piece else {
        return None;
    };
    if hash.as_char() != '#' || bang.as_char() != '!' || attribute.delimiter() != Delimiter::Bracket {
        return None;
    }
    // Walked once, at the head of a file: the copy costs nothing to speak of.
    let mut inside = attribute.stream().into_iter();
    let (Some(TokenTree::Ident(doc)), Some(TokenTree::Punct(equals)), Some(TokenTree::Literal(value)), None) =
        (inside.next(), inside.next(), inside.next(), inside.next())
    else {
        return None;
    };
    if doc != "doc" || equals.as_char() != '=' {
        return None;
    }
    Some(format!("//!{}\n", doc_text(&value.to_string())?))
}

/// A line at least this long is broken by prettyplease whatever its last few characters; a
/// shorter one over the margin may be kept whole, which only prettyplease decides.
const WELL_OVER_THE_MARGIN: usize = 95;

/// The lines prettyplease would break (its margin is 89 columns) are left to it.
fn fits(line: &str) -> bool {
    line.chars().count() < 89
}

/// `line` and a line break, where it fits; `None` where prettyplease would break it.
fn push_line(text: &mut String, line: &str) -> Option<()> {
    if !fits(line) {
        return None;
    }
    text.push_str(line);
    text.push('\n');
    Some(())
}

/// An enum, `pub enum Name { Unit, Tuple(Type), Struct { field: Type } }` (with its and its
/// variants' and fields' attributes), printed directly: response enums and the models'
/// enums are the most common item prettyplease would lay out. `None` for anything else
/// (generics, discriminants) or a line too long: prettyplease lays those out.
fn enum_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let (mut text, body) = braced_item_head(item, "enum", attributes)?;
    let Some(body) = body else { return Some(text) };
    let mut variants = body.iter().peekable();
    while variants.peek().is_some() {
        attributes_text(&mut variants, "    ", attributes, &mut text)?;
        let Some(Tok::Ident(variant)) = variants.next() else { return None };
        match variants.next() {
            None => {
                let _ = writeln!(text, "    {variant},");
            }
            Some(Tok::Punct(comma)) if comma.as_char() == ',' => {
                let _ = writeln!(text, "    {variant},");
            }
            Some(Tok::Group(Delimiter::Parenthesis, fields)) if !has_attributes(fields) => {
                let mut line = format!("    {variant}(");
                print_tokens(fields, &mut line);
                line.push_str("),");
                push_line(&mut text, &line)?;
                variants.next_if(|token| is_punct(Some(token), ','));
            }
            Some(Tok::Group(Delimiter::Brace, fields)) if !fields.is_empty() => {
                let _ = writeln!(text, "    {variant} {{");
                named_fields_text(fields, "        ", "", &mut text, attributes)?;
                text.push_str("    },\n");
                variants.next_if(|token| is_punct(Some(token), ','));
            }
            Some(_) => return None,
        }
    }
    text.push_str("}\n");
    Some(text)
}

/// Whether a tuple variant's fields carry attributes, which `print_tokens` does not lay out.
fn has_attributes(fields: &[Tok]) -> bool {
    fields.iter().any(|token| is_punct(Some(token), '#'))
}

/// `pub static NAME: Type = expression;` (with its attributes) on one line, printed directly,
/// or on two where the expression is a method call (`DATA.operation(47)`). `None` for anything
/// longer, or with a block in it.
fn static_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let mut text = String::new();
    let mut tokens = item.iter().peekable();
    attributes_text(&mut tokens, "", attributes, &mut text)?;
    let rest = &item[item.len() - tokens.len()..];
    if rest.iter().any(|token| matches!(token, Tok::Group(delimiter, _) if *delimiter != Delimiter::Parenthesis)) {
        return None;
    }
    let [Tok::Ident(vis), Tok::Ident(keyword), Tok::Ident(name), Tok::Punct(colon), rest @ ..] = rest else {
        return None;
    };
    let [body @ .., Tok::Punct(semi)] = rest else { return None };
    let equals = body.iter().position(|token| matches!(token, Tok::Punct(p) if p.as_char() == '=' && p.spacing() == proc_macro2::Spacing::Alone))?;
    if vis != "pub" || keyword != "static" || colon.as_char() != ':' || semi.as_char() != ';' {
        return None;
    }
    let (ty, value) = (printed(&body[..equals]), &body[equals + 1..]);
    let line = format!("pub static {name}: {ty} = {};", printed(value));
    if fits(&line) {
        push_line(&mut text, &line)?;
        return Some(text);
    }
    // `= path.method(…)` well over the margin: broken before the method, as prettyplease
    // breaks it. Near the margin, where a `;` can make the difference, prettyplease decides.
    let [Tok::Ident(path), Tok::Punct(dot), Tok::Ident(method), Tok::Group(Delimiter::Parenthesis, args)] = value else { return None };
    if dot.as_char() != '.' || line.chars().count() <= WELL_OVER_THE_MARGIN {
        return None;
    }
    push_line(&mut text, &format!("pub static {name}: {ty} = {path}"))?;
    push_line(&mut text, &format!("    .{method}({});", printed(args)))?;
    Some(text)
}

/// A trait whose items are associated types and methods with simple signatures, each method
/// without a body or with one expression for a body (a default): `pub trait Name: A + B { … }`
/// as the service trait and the overlay are. `None` for anything else, or a line too long.
fn trait_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let mut text = String::new();
    let mut tokens = item.iter().peekable();
    attributes_text(&mut tokens, "", attributes, &mut text)?;
    let rest = &item[item.len() - tokens.len()..];
    let [Tok::Ident(vis), Tok::Ident(keyword), Tok::Ident(name), bounds @ .., Tok::Group(Delimiter::Brace, body)] = rest else { return None };
    if vis != "pub" || keyword != "trait" || body.is_empty() {
        return None;
    }
    let mut header = format!("pub trait {name}");
    if let [Tok::Punct(colon), bounds @ ..] = bounds {
        if colon.as_char() != ':' || bounds.is_empty() || bounds.iter().any(|token| matches!(token, Tok::Group(..))) {
            return None;
        }
        // `A + B`, each bound as its tokens print.
        let bounds: Vec<String> = bounds.split(|token| is_punct(Some(token), '+')).map(printed).collect();
        header.push_str(": ");
        header.push_str(&bounds.join(" + "));
    } else if !bounds.is_empty() {
        return None;
    }
    header.push_str(" {");
    push_line(&mut text, &header)?;
    let mut items = body.iter().peekable();
    while items.peek().is_some() {
        attributes_text(&mut items, "    ", attributes, &mut text)?;
        match items.next()? {
            Tok::Ident(word) if word == "type" => {
                let start = body.len() - items.len();
                let length = items.by_ref().take_while(|token| !is_punct(Some(token), ';')).count();
                let mut line = "    type ".to_string();
                print_tokens(&body[start..start + length], &mut line);
                line.push(';');
                push_line(&mut text, &line)?;
            }
            Tok::Ident(word) if word == "fn" => method_text(body, &mut items, "", &mut text)?,
            _ => return None,
        }
    }
    text.push_str("}\n");
    Some(text)
}

/// A method after its `fn` (`items` walks `within`): `name(params) -> Type;`, or with a body
/// of one simple expression (see `simple_expression`), at an indent of 4 with `vis` before
/// `fn`. The signature on one line where it fits, else one parameter per line, as
/// prettyplease lays them out.
fn method_text(within: &[Tok], items: &mut Tokens<'_>, vis: &str, text: &mut String) -> Option<()> {
    let (Some(Tok::Ident(name)), Some(Tok::Group(Delimiter::Parenthesis, params))) = (items.next(), items.next()) else { return None };
    let start = within.len() - items.len();
    let body = loop {
        match items.next()? {
            Tok::Punct(semi) if semi.as_char() == ';' => break None,
            Tok::Group(Delimiter::Brace, body) => break Some(body),
            _ => {}
        }
    };
    // What is between the parameters and the `;` or the body.
    let output = &within[start..within.len() - items.len() - 1];
    let returns = match output {
        [] => String::new(),
        [Tok::Punct(dash), Tok::Punct(arrow), output @ ..] if dash.as_char() == '-' && arrow.as_char() == '>' => {
            let mut returns = " -> ".to_string();
            print_tokens(output, &mut returns);
            returns
        }
        _ => return None,
    };
    let params: Vec<String> = split_commas(params)?.into_iter().map(printed).collect();
    let end = if body.is_some() { " {" } else { ";" };
    let line = format!("    {vis}fn {name}({}){returns}{end}", params.join(", "));
    // A signature may reach the margin itself.
    if line.chars().count() <= 89 {
        text.push_str(&line);
        text.push('\n');
    } else {
        let _ = writeln!(text, "    {vis}fn {name}(");
        for param in &params {
            let line = format!("        {param},");
            push_line(text, &line)?;
        }
        let line = format!("    ){returns}{end}");
        push_line(text, &line)?;
    }
    if let Some(body) = body {
        if body.is_empty() || !simple_expression(body, true) {
            return None;
        }
        body_text(body, text)?;
        text.push_str("    }\n");
    }
    Some(())
}

/// A method's body of one simple expression, at an indent of 8. A struct literal at its head
/// is laid out as prettyplease lays one out: on one line up to 34 columns wide, else a field
/// per line.
fn body_text(tokens: &[Tok], text: &mut String) -> Option<()> {
    let expression = printed(tokens);
    let literal = match tokens {
        [path @ .., Tok::Group(Delimiter::Brace, fields)] => Some((path, fields)),
        _ => None,
    };
    match literal {
        Some(_) if expression.len() <= 33 => push_line(text, &format!("        {expression}")),
        None => push_line(text, &format!("        {expression}")),
        Some((path, fields)) if expression.len() >= 36 => {
            let _ = writeln!(text, "        {} {{", printed(path));
            for field in split_commas(fields)? {
                push_line(text, &format!("            {},", printed(field)))?;
            }
            text.push_str("        }\n");
            Some(())
        }
        // Near the width where prettyplease breaks a literal: left to it.
        Some(_) => None,
    }
}

/// Tokens split at the commas outside angle brackets (`a: Map<K, V>, b: T`), empty pieces
/// (after a trailing comma) left out. `None` if the brackets do not balance.
fn split_commas(tokens: &[Tok]) -> Option<Vec<&[Tok]>> {
    let (mut pieces, mut start, mut depth) = (Vec::new(), 0, 0usize);
    for (at, token) in tokens.iter().enumerate() {
        let Tok::Punct(punct) = token else { continue };
        let after_dash = at > 0 && is_punct(Some(&tokens[at - 1]), '-');
        match punct.as_char() {
            '<' => depth += 1,
            // `->` is an arrow, not a closing bracket.
            '>' if !after_dash => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => {
                pieces.push(&tokens[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    pieces.push(&tokens[start..]);
    pieces.retain(|piece| !piece.is_empty());
    (depth == 0).then_some(pieces)
}

/// An expression prettyplease prints on one line where it fits: paths, calls, method calls,
/// literals and (where `literal_allowed`, at the top) a struct literal of such expressions.
/// No block, statement, closure or control flow.
fn simple_expression(tokens: &[Tok], literal_allowed: bool) -> bool {
    let mut after_word = false;
    for token in tokens {
        let is_word = matches!(token, Tok::Ident(_));
        let simple = match token {
            Tok::Group(delimiter, inside) => match delimiter {
                Delimiter::Parenthesis | Delimiter::Bracket => simple_expression(inside, false),
                // `Self { a: None, b }`: fields as they print on one line.
                Delimiter::Brace => literal_allowed && after_word && simple_expression(inside, false),
                Delimiter::None => false,
            },
            Tok::Punct(punct) => !matches!(punct.as_char(), ';' | '|' | '{' | '}'),
            Tok::Ident(word) => {
                !matches!(word.to_string().as_str(), "if" | "match" | "let" | "loop" | "while" | "for" | "return" | "async" | "move" | "unsafe")
            }
            Tok::Literal(_) => true,
        };
        if !simple {
            return false;
        }
        after_word = is_word;
    }
    true
}

/// An impl block of macro rows and simple methods, `impl Name { row!(…); pub fn new() -> Self
/// { Self::default() } … }` (the client's, the mock's and the overlay's implementations of
/// the service trait, the tag groups, the requests' constructors): each row on one line here,
/// laid out as a table row afterwards. `None` for any other impl block.
fn impl_rows_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let mut text = String::new();
    let mut tokens = item.iter().peekable();
    attributes_text(&mut tokens, "", attributes, &mut text)?;
    let rest = &item[item.len() - tokens.len()..];
    let [Tok::Ident(keyword), header @ .., Tok::Group(Delimiter::Brace, body)] = rest else { return None };
    if keyword != "impl" || body.is_empty() || header.is_empty() {
        return None;
    }
    if header.iter().any(|token| matches!(token, Tok::Group(..))) {
        return None;
    }
    let mut line = "impl".to_string();
    // `impl<T: Bound> Trait for T`: the generics, then a space.
    let mut rest = header;
    if is_punct(header.first(), '<') {
        let mut depth = 0usize;
        let close = header.iter().position(|token| {
            match token {
                Tok::Punct(p) if p.as_char() == '<' => depth += 1,
                Tok::Punct(p) if p.as_char() == '>' => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0
        })?;
        line.push_str(&printed(&header[..=close]));
        rest = &header[close + 1..];
    }
    line.push(' ');
    if rest.iter().any(|token| matches!(token, Tok::Ident(word) if word == "where")) {
        return None;
    }
    // `Trait for Type`: `print_tokens` would not space a `for` after a `>`.
    match rest.iter().position(|token| matches!(token, Tok::Ident(word) if word == "for")) {
        Some(at) => {
            let _ = write!(line, "{} for {}", printed(&rest[..at]), printed(&rest[at + 1..]));
        }
        None => line.push_str(&printed(rest)),
    }
    line.push_str(" {");
    push_line(&mut text, &line)?;
    // An impl of rows may hold a method the printers do not lay out: prettyplease lays out
    // that one alone. An impl of no row at all is prettyplease's whole.
    let has_rows = body.iter().any(|token| is_punct(Some(token), '!'));
    let mut members = body.iter().peekable();
    while members.peek().is_some() {
        let (start, printed_before) = (body.len() - members.len(), text.len());
        if impl_member_text(body, &mut members, attributes, &mut text).is_none() {
            if !has_rows {
                return None;
            }
            text.truncate(printed_before);
            let end = member_end(body, start)?;
            text.push_str(&member_by_prettyplease(&body[start..end])?);
            members = body[end..].iter().peekable();
        }
    }
    text.push_str("}\n");
    Some(text)
}

/// One member of an impl block: a simple method, or a macro row on one line (laid out as a
/// table row afterwards).
fn impl_member_text(body: &[Tok], members: &mut Tokens<'_>, attributes: &mut HashMap<String, String>, text: &mut String) -> Option<()> {
    attributes_text(members, "    ", attributes, text)?;
    let vis = match members.peek() {
        Some(Tok::Ident(word)) if word == "pub" => "pub ",
        Some(Tok::Ident(word)) if word == "fn" => "",
        _ => return macro_row_text(members, text),
    };
    if !vis.is_empty() {
        members.next();
    }
    if !matches!(members.next(), Some(Tok::Ident(word)) if word == "fn") {
        return None;
    }
    method_text(body, members, vis, text)
}

/// `name!(…);` on one line, as a row of the file's table.
fn macro_row_text(members: &mut Tokens<'_>, text: &mut String) -> Option<()> {
    let (Some(Tok::Ident(name)), Some(Tok::Punct(bang)), Some(Tok::Group(Delimiter::Parenthesis, args)), Some(Tok::Punct(semi))) =
        (members.next(), members.next(), members.next(), members.next())
    else {
        return None;
    };
    if bang.as_char() != '!' || semi.as_char() != ';' {
        return None;
    }
    let _ = write!(text, "    {name}!(");
    print_tokens(args, text);
    text.push_str(");\n");
    Some(())
}

/// Where the impl member that begins at `start` ends: after its body (and a `;` that follows
/// it), or after its `;`.
fn member_end(body: &[Tok], start: usize) -> Option<usize> {
    let mut at = start;
    while is_punct(body.get(at), '#') && matches!(body.get(at + 1), Some(Tok::Group(Delimiter::Bracket, _))) {
        at += 2;
    }
    let end = at + body[at..].iter().position(|token| matches!(token, Tok::Group(Delimiter::Brace, _)) || is_punct(Some(token), ';'))? + 1;
    Some(if is_punct(body.get(end), ';') { end + 1 } else { end })
}

/// An impl member as prettyplease lays it out in an impl block, at the block's indent.
fn member_by_prettyplease(member: &[Tok]) -> Option<String> {
    let tokens = copied(member);
    let file: syn::File = syn::parse2(quote::quote! { impl Member { #tokens } }).ok()?;
    let printed = prettyplease::unparse(&file);
    let inner = printed.strip_prefix("impl Member {\n")?.strip_suffix("}\n")?;
    Some(inner.to_string())
}

/// A struct with named public fields, `pub struct Name { pub field: Type, … }` (with its and
/// its fields' attributes), printed directly: models and requests are most of what the
/// crates hold, and their layout is fixed. `None` for anything else (generics, private
/// fields) or a field too long for one line: prettyplease lays those out.
fn struct_text(item: &[Tok], attributes: &mut HashMap<String, String>) -> Option<String> {
    let (mut text, fields) = braced_item_head(item, "struct", attributes)?;
    if let Some(fields) = fields {
        named_fields_text(fields, "    ", "pub ", &mut text, attributes)?;
        text.push_str("}\n");
    }
    Some(text)
}

/// `pub {keyword} Name { … }`, its attributes and first line printed, and the tokens of its
/// body; an empty body is printed whole (`pub struct Name {}`), with no tokens left.
fn braced_item_head<'a>(item: &'a [Tok], keyword: &str, attributes: &mut HashMap<String, String>) -> Option<(String, Option<&'a [Tok]>)> {
    let mut text = String::new();
    let mut tokens = item.iter().peekable();
    attributes_text(&mut tokens, "", attributes, &mut text)?;
    let [Tok::Ident(vis), Tok::Ident(word), Tok::Ident(name), Tok::Group(Delimiter::Brace, body)] = &item[item.len() - tokens.len()..] else {
        return None;
    };
    if vis != "pub" || word != keyword {
        return None;
    }
    if body.is_empty() {
        let _ = writeln!(text, "pub {keyword} {name} {{}}");
        return Some((text, None));
    }
    let _ = writeln!(text, "pub {keyword} {name} {{");
    Some((text, Some(body)))
}

/// Named fields, `vis name: Type,` one per line at `margin` (with their attributes). `None`
/// where a field has another visibility, or its line is too long.
fn named_fields_text(within: &[Tok], margin: &str, vis: &str, text: &mut String, attributes: &mut HashMap<String, String>) -> Option<()> {
    let mut fields = within.iter().peekable();
    while fields.peek().is_some() {
        attributes_text(&mut fields, margin, attributes, text)?;
        if let Some(word) = vis.strip_suffix(' ') {
            let Some(Tok::Ident(visibility)) = fields.next() else { return None };
            if visibility != word {
                return None;
            }
        }
        let (Some(Tok::Ident(field)), Some(Tok::Punct(colon))) = (fields.next(), fields.next()) else {
            return None;
        };
        if colon.as_char() != ':' {
            return None;
        }
        let mut line = format!("{margin}{vis}{field}: ");
        // The type runs to the next `,` outside angle brackets.
        let (start, mut length, mut depth) = (within.len() - fields.len(), 0, 0usize);
        for token in fields.by_ref() {
            match token {
                Tok::Punct(p) if p.as_char() == ',' && depth == 0 => break,
                Tok::Punct(p) if p.as_char() == '<' => depth += 1,
                Tok::Punct(p) if p.as_char() == '>' => depth = depth.checked_sub(1)?,
                _ => {}
            }
            length += 1;
        }
        print_tokens(&within[start..start + length], &mut line);
        line.push(',');
        push_line(text, &line)?;
    }
    Some(())
}

/// `tokens` as `print_tokens` prints them.
fn printed(tokens: &[Tok]) -> String {
    let mut text = String::new();
    print_tokens(tokens, &mut text);
    text
}

/// Tokens as a person writes the arguments of a table macro: `a = kind("x"), f(x: Vec<T>)`,
/// `Variant((500..=599), json("…"))`.
fn print_tokens(tokens: &[Tok], out: &mut String) {
    // Whether the last token was a word (identifier or literal), and whether the last
    // punctuation joins the next (as the dots of `..=` do).
    let (mut after_word, mut joined) = (false, false);
    for token in tokens {
        match token {
            Tok::Ident(ident) => {
                if after_word {
                    out.push(' ');
                }
                // Written in place: `to_string` would allocate a string per token.
                let _ = write!(out, "{ident}");
                (after_word, joined) = (true, false);
            }
            Tok::Literal(literal) => {
                if after_word {
                    out.push(' ');
                }
                let _ = write!(out, "{literal}");
                (after_word, joined) = (true, false);
            }
            Tok::Group(delimiter, inside) => {
                let (open, close) = match delimiter {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => (" { ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                print_tokens(inside, out);
                out.push_str(close);
                (after_word, joined) = (true, false);
            }
            Tok::Punct(punct) => {
                let c = punct.as_char();
                let spaced = !joined && punct.spacing() == proc_macro2::Spacing::Alone;
                match c {
                    ',' | ';' => {
                        out.push(c);
                        out.push(' ');
                    }
                    '=' if spaced => out.push_str(" = "),
                    ':' if spaced => out.push_str(": "),
                    _ => out.push(c),
                }
                after_word = false;
                joined = punct.spacing() == proc_macro2::Spacing::Joint;
            }
        }
    }
    // No space before a closing delimiter.
    if out.ends_with(' ') {
        out.pop();
    }
}

/// prettyplease lays out the arguments of a macro it does not know as flowing text, breaking
/// lines anywhere; the runtime's table macros (`impl_object!`, `impl_open_enum!`,
/// `impl_response!`, `impl_setters!`) read best as a call does, one entry per line, and a
/// file's own macros (one invocation per operation) as rows of a table, one line each where
/// it fits.
fn lay_out_table_macros(text: &str, rows: &[String]) -> String {
    const CALLS: [&str; 5] = [
        "crate::runtime::impl_object!(",
        "crate::runtime::impl_open_enum!(",
        "crate::runtime::impl_operations!(",
        "crate::runtime::impl_response!(",
        "crate::runtime::impl_setters!(",
    ];
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let code = line.trim_start_matches(' ');
        let fits = code.ends_with(");") && line.len() <= 100;
        if !fits && rows.iter().any(|call| code.starts_with(call.as_str())) {
            // A row of a table of invocations: on one line where it fits in 100 columns.
            let mut rows = vec![line];
            while !rows.last().is_some_and(|row| row.trim_end().ends_with(");")) {
                let Some(next) = lines.next() else { break };
                rows.push(next);
            }
            let joined = rows.iter().map(|row| row.trim()).fold(String::new(), |mut joined, row| {
                if !(joined.is_empty() || joined.ends_with('(') || row.starts_with(')')) {
                    joined.push(' ');
                }
                joined.push_str(row);
                joined
            });
            let margin = &line[..indent(line)];
            if margin.len() + joined.len() <= 100 {
                out.push_str(&format!("{margin}{joined}\n"));
            } else {
                out.push_str(&fill_macro_row(margin, &joined));
            }
            continue;
        }
        let Some(call) = CALLS.into_iter().find(|call| code.starts_with(call)) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        if fits {
            out.push_str(line);
            out.push('\n');
            continue;
        }
        let margin = &line[..indent(line)];
        let mut args = code[call.len()..].trim().to_string();
        while !args.ends_with(");") {
            let Some(next) = lines.next() else { break };
            args.push(' ');
            args.push_str(next.trim());
        }
        let args = args.trim_end_matches(");").trim_end_matches('(').trim();
        out.push_str(&format!("{margin}{call}\n"));
        for arg in split_top_level(args) {
            if margin.len() + 4 + arg.len() > 100 {
                // An entry too long for a line, such as `new(…)` with many fields: filled.
                let (call, close) = arg.strip_suffix(',').map_or((arg, ""), |call| (call, ","));
                out.push_str(&fill_call(&format!("{margin}    "), call, close));
            } else {
                out.push_str(margin);
                out.push_str("    ");
                out.push_str(arg);
                out.push('\n');
            }
        }
        out.push_str(&format!("{margin});\n"));
    }
    out
}

/// A row too long for one line, `name!(a, b, …);`, its arguments filled into lines of up
/// to 100 columns below the call, as rustfmt lays out a long call's arguments that fit
/// several to a line.
fn fill_macro_row(margin: &str, row: &str) -> String {
    fill_call(margin, row.trim_end().trim_end_matches(';'), ";")
}

/// `name(a, b, …)` (a row's call, or a table entry such as `new(…)`), its arguments filled into
/// lines of up to 100 columns below it, and `close` after its closing parenthesis.
fn fill_call(margin: &str, call: &str, close: &str) -> String {
    let (Some(open), Some(args)) = (call.find('('), call.strip_suffix(')')) else { return format!("{margin}{call}{close}\n") };
    let args = &args[open + 1..];
    let inner = format!("{margin}    ");
    let mut out = format!("{margin}{}\n", &call[..=open]);
    let mut line = inner.clone();
    for arg in split_top_level(args) {
        if line.len() > inner.len() && line.len() + 1 + arg.len() > 100 {
            out.push_str(line.trim_end());
            out.push('\n');
            line = inner.clone();
        }
        if line.len() > inner.len() {
            line.push(' ');
        }
        line.push_str(arg);
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out.push_str(&format!("{margin}){close}\n"));
    out
}

/// Rows of a file's own macro (`handler!(…);`, each under its operation's `#[cfg]`) as one
/// table: no blank line between one row and the next.
fn join_macro_rows(text: &str, rows: &[String]) -> String {
    if rows.is_empty() {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let row_of = |line: &str| rows.iter().map(String::as_str).find(|call| line.trim_start_matches(' ').starts_with(call));
    let mut out = String::with_capacity(text.len());
    // The macro of the row that the last line ended, if it ended one.
    let mut row_ended: Option<&str> = None;
    let mut current: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        if line.is_empty() {
            let next = lines.get(i + 1).copied().unwrap_or("");
            let next_row = if next.trim_start_matches(' ').starts_with("#[cfg(") && next.trim_end().ends_with(")]") {
                lines.get(i + 2).copied().and_then(row_of)
            } else {
                row_of(next)
            };
            if row_ended.is_some() && row_ended == next_row {
                continue;
            }
        }
        if let Some(call) = row_of(line) {
            current = Some(call);
        }
        row_ended = if line.trim_end().ends_with(");") { current.take() } else { None };
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Splits macro arguments after each `,` outside parentheses and string literals,
/// keeping the separator with the piece before it; each piece without its leading spaces.
fn split_top_level(args: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    // Where the piece being read starts, once past its leading spaces. Bytes suffice: no
    // byte of a multi-byte character is ASCII.
    let mut start = None;
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, byte) in args.bytes().enumerate() {
        if start.is_none() {
            if byte == b' ' {
                continue;
            }
            start = Some(i);
        }
        match byte {
            _ if in_string => match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            },
            b'"' => in_string = true,
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => pieces.extend(start.take().map(|from| &args[from..=i])),
            _ => {}
        }
    }
    if let Some(last) = start.map(|from| args[from..].trim())
        && !last.is_empty()
    {
        pieces.push(last);
    }
    pieces
}

/// prettyplease writes items back to back; a person leaves a blank line between them. Puts one
/// between two items at the same depth (after the inner attributes and the module docs too),
/// but keeps `use` declarations together, and `mod` declarations (with their re-exports).
fn space_items(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    // The first line of the item last begun at each depth, by its keyword.
    let mut item_begun: Vec<(usize, &str)> = Vec::new();
    let mut in_inner_attribute = false;
    for (i, line) in lines.iter().enumerate() {
        out.push_str(line);
        out.push('\n');
        let (depth, code) = (indent(line), line.trim_start_matches(' '));
        if code.starts_with("#![") {
            in_inner_attribute = true;
        }
        let inner_attributes_end = in_inner_attribute && depth == 0 && code.ends_with(']');
        if inner_attributes_end {
            in_inner_attribute = false;
        }
        if starts_with_keyword(code) {
            item_begun.retain(|(d, _)| *d < depth);
            item_begun.push((depth, code));
        }
        let Some(next) = lines.get(i + 1) else { continue };
        let (next_depth, next_code) = (indent(next), next.trim_start_matches(' '));
        let blank = if inner_attributes_end {
            next_code.starts_with("//!") || (starts_item(next_code) && !next_code.starts_with("#!"))
        } else if code.starts_with("//!") {
            !next_code.starts_with("//!") && !next_code.is_empty()
        } else if starts_item(next_code) && ((next_depth == depth && ends_item(code)) || ends_continued_item(code, depth, next_depth)) {
            let begun = item_begun.iter().rev().find(|(d, _)| *d == next_depth).map_or("", |(_, first)| *first);
            let is_use = |c: &str| c.starts_with("use ") || c.starts_with("pub use ");
            let together = (is_use(begun) && is_use(next_code))
                || (is_module_declaration(begun) && (next_code.starts_with("pub use ") || is_module_declaration(next_code)));
            !together
        } else {
            false
        };
        if blank {
            out.push('\n');
        }
    }
    out
}

/// Whether a line ends an item: its closing brace, a `;`, or the whole item on one line with an
/// empty body (`pub struct Empty {}`).
fn ends_item(code: &str) -> bool {
    code == "}" || code == "};" || ends_with_semicolon(code) || (code.ends_with(" {}") && starts_with_keyword(code))
}

/// A line of code (not a comment) that ends in `;`.
fn ends_with_semicolon(code: &str) -> bool {
    code.ends_with(';') && !code.starts_with("//")
}

/// Whether a line ends an item that began less indented, on a line before it: the last line
/// of a `pub static` whose value is broken onto a second line. Inside a block, a `;` line is
/// followed by more of the block or its `}`, never by an item less indented.
fn ends_continued_item(code: &str, depth: usize, next_depth: usize) -> bool {
    next_depth < depth && ends_with_semicolon(code)
}

/// The columns of a line's margin: the printed code is indented with spaces alone.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Whether a line begins an item: its docs, an attribute, or the item's keywords.
fn starts_item(code: &str) -> bool {
    code.starts_with("///") || code.starts_with("#[") || code.starts_with("#!") || code.starts_with("crate::runtime::impl_") || starts_with_keyword(code)
}

fn starts_with_keyword(code: &str) -> bool {
    // By the first byte: every line of every file is asked, most of them prose or code.
    let keywords: &[&str] = match code.as_bytes().first() {
        Some(b'p') => &["pub ", "pub("],
        Some(b'f') => &["fn "],
        Some(b'a') => &["async fn "],
        Some(b'c') => &["const "],
        Some(b's') => &["static ", "struct "],
        Some(b'e') => &["enum ", "extern "],
        Some(b'i') => &["impl ", "impl<"],
        Some(b't') => &["trait ", "type "],
        Some(b'm') => &["mod ", "macro_rules!"],
        Some(b'u') => &["use ", "unsafe "],
        _ => &[],
    };
    keywords.iter().any(|k| code.starts_with(k)) || (code.ends_with(");") && code.contains("!(") && !code.contains(' '))
}

fn is_module_declaration(code: &str) -> bool {
    (code.starts_with("mod ") || code.starts_with("pub mod ")) && code.ends_with(';')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::rust::{doc_lines, macro_rules_text};

    #[test]
    fn a_file_printed_item_by_item_reads_as_printed_whole() {
        let tokens = quote! {
            #![allow(dead_code)]
            //! Module docs.
            use std::fmt;
            /// A struct.
            pub struct S { a: u8 }
            pub struct T(u8);
            const X: u8 = { 1 } as u8;
            const Y: S = S { a: 1 };
            static Z: u8 = if true { 1 } else { 2 };
            impl fmt::Debug for S where S: Sized {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str("S") }
            }
            macro_rules! m { () => {}; }
            crate::runtime::impl_object!(S, none, a = required("a"));
        };
        let whole = prettyplease::unparse(&syn::parse2(tokens.clone()).unwrap());
        assert_eq!(unparse_by_item(tokens, &mut HashMap::new()).unwrap(), whole);
    }

    #[test]
    fn items_printed_directly_read_as_prettyplease_prints_them() {
        // Each kind of item with a layout of its own, at lengths on both sides of where
        // prettyplease breaks a line.
        let tokens = quote! {
            #![doc = r" Module docs."]
            /// An enum.
            #[derive(Clone, Debug)]
            pub enum E {
                /// A unit.
                A,
                B(crate::models::Something),
                C { status: u16, body: std::collections::BTreeMap<String, Vec<crate::models::Item>> },
                D(std::collections::BTreeMap<String, Vec<crate::models::AnItemWithAVeryLongNameIndeed>>),
            }
            pub enum Empty {}
            pub static SHORT: crate::runtime::meta::OperationRef = DATA.operation(0);
            pub static A_NAME_LONG_ENOUGH_TO_BREAK: crate::runtime::meta::OperationRef = DATA.operation(1);
            pub static A_NAME_WELL_OVER_THE_MARGIN_TOO: crate::runtime::meta::OperationRef = DATA.operation(2);
            #[doc = r" A trait."]
            pub trait T: Send + Sync {
                /// Where to.
                type Upstream: T;
                fn upstream(&self) -> &Self::Upstream;
                #[cfg(feature = "a")]
                fn short(&self, request: crate::ShortRequest) -> impl crate::runtime::Answer<crate::R> {
                    crate::runtime::not_implemented("short")
                }
                fn a_longer_method(&self, request: crate::ALongerMethodRequest) -> impl crate::runtime::Answer<crate::ALongerMethodResponse> {
                    T::a_longer_method(self.upstream(), request)
                }
            }
            impl<T: Bound> Other for T {
                #[cfg(feature = "a")]
                row!(a, ARequest, AResponse);
                row!(b, BRequest, BResponse);
            }
            impl Mock {
                /// A longer method among rows.
                pub fn with_options(seed: u64, fixtures: HashMap<String, runtime::Fixture>, stateful: bool) -> Self {
                    Mock { state: Arc::new(runtime::MockState::new(api::meta::operations(), seed, fixtures, stateful)) }
                }
                #[cfg(feature = "a")]
                handle!(on_a, "a.a", ARequest, AResponse);
            }
            impl From<rocketgen_runtime::client::Client> for Client {
                fn from(client: rocketgen_runtime::client::Client) -> Self {
                    Client(client)
                }
            }
            impl ARequest {
                /// A constructor.
                pub fn new(id: String, map: std::collections::BTreeMap<String, String>) -> Self {
                    Self { id, map, lang: None, credentials: Vec::new() }
                }
                pub fn short() -> Self {
                    Self { a: None }
                }
                pub fn at_the_margin(id: String, body: crate::models::AModelOfSomeLengthXY) -> Self {
                    Self::default()
                }
                pub fn past_the_margin(id: String, body: crate::models::AModelOfSomeLengthX) -> Self {
                    Self::default()
                }
            }
        };
        let whole = prettyplease::unparse(&syn::parse2(tokens.clone()).unwrap());
        assert_eq!(unparse_by_item(tokens, &mut HashMap::new()).unwrap(), whole);
        // And they were printed directly, not handed to prettyplease.
        let attributes = &mut HashMap::new();
        assert!(enum_text(&take_apart(quote! { pub enum E { A, B(u8), C { d: u8 } } }), attributes).is_some());
        assert!(static_text(&take_apart(quote! { pub static S: u8 = D.f(0); }), attributes).is_some());
        assert!(trait_text(&take_apart(quote! { pub trait T: Send { type U: T; fn f(&self) -> u8 { g() } } }), attributes).is_some());
        assert!(impl_rows_text(&take_apart(quote! { impl<T: B> O for T { row!(a); pub fn new() -> Self { Self { a: None } } } }), attributes).is_some());
        let longer = quote! { impl M { pub fn f(a: u8) -> Self { let b = g(a); M { b: Arc::new(b) } } row!(a); } };
        assert!(impl_rows_text(&take_apart(longer), attributes).is_some());
        let long_static = quote! { pub static A_NAME_WELL_OVER_THE_MARGIN_TOO: crate::runtime::meta::OperationRef = DATA.operation(2); };
        assert!(static_text(&take_apart(long_static), attributes).is_some());
        assert!(inner_doc_text(&quote! { #![doc = r" Docs."] }.into_iter().collect::<Vec<_>>()).is_some());
    }

    #[test]
    fn items_are_spaced_as_a_person_writes_them() {
        let tokens = quote! {
            #![allow(deprecated)]
            //! Module docs.
            mod a;
            pub use a::*;
            mod b;
            use std::sync::Arc;
            use std::fmt;
            /// A struct.
            #[derive(Debug)]
            pub struct S { x: i32, y: i32 }
            impl S {
                fn one(&self) -> i32 { if self.x > 0 { 1 } else { 2 } }
                fn two(&self) -> i32 { 2 }
            }
            pub const C: i32 = 1;
        };
        let text = format_file(tokens, "test").unwrap();
        let expected = "\
#![allow(deprecated)]

//! Module docs.

mod a;
pub use a::*;

mod b;

use std::sync::Arc;
use std::fmt;

/// A struct.
#[derive(Debug)]
pub struct S {
    x: i32,
    y: i32,
}

impl S {
    fn one(&self) -> i32 {
        if self.x > 0 { 1 } else { 2 }
    }

    fn two(&self) -> i32 {
        2
    }
}

pub const C: i32 = 1;
";
        assert_eq!(text.split_once("\n\n").unwrap().1, expected);
    }

    #[test]
    fn a_files_own_macro_reads_as_a_table_after_its_definition() {
        let rules = [("$name:ident".to_string(), "fn $name() {}".to_string())];
        let definition = macro_rules_text("`call!(name)`: a function.", &quote! { #[cfg(feature = "a")] }, "call", &rules);
        let rows = quote! {
            #[cfg(feature = "a")]
            call!(short);
            #[cfg(feature = "a")]
            call!(a_name_long_enough, to_make, the_row_wider, than_prettyplease_lays_out, but_not_a_hundred);
            #[cfg(feature = "a")]
            call!(a_name_so_long_that_the_row, cannot_fit, in_a_hundred_columns, even_when_joined, on_one, line);
        };
        let parts = [definition, super::super::Part::Tokens(rows)];
        let text = format_items(parts.into_iter(), "test").unwrap();
        let expected = "\
/// `call!(name)`: a function.
#[cfg(feature = \"a\")]
macro_rules! call {
    ($name:ident) => {
        fn $name() {}
    };
}

#[cfg(feature = \"a\")]
call!(short);
#[cfg(feature = \"a\")]
call!(a_name_long_enough, to_make, the_row_wider, than_prettyplease_lays_out, but_not_a_hundred);
#[cfg(feature = \"a\")]
call!(
    a_name_so_long_that_the_row, cannot_fit, in_a_hundred_columns, even_when_joined, on_one, line
);
";
        assert_eq!(text.split_once("\n\n").unwrap().1, expected);
    }

    #[test]
    fn doc_blocks_are_put_back_as_the_lines_they_were() {
        let outer = doc_lines(["A struct.", "", "    indented\r", "trailing   "]);
        let inner = doc_lines(["A field."]);
        let blank = doc_lines([""]);
        let tokens = quote! {
            #outer
            pub struct S {
                #inner
                #blank
                pub a: i32,
            }
        };
        let text = format_file(tokens, "test").unwrap();
        let expected = "/// A struct.\n///\n///     indented\n/// trailing\npub struct S {\n    /// A field.\n    ///\n    pub a: i32,\n}\n";
        assert_eq!(text.split_once("\n\n").unwrap().1, expected);
        // A placeholder printed anywhere but as a doc comment is an error, never output.
        let stray = doc_lines(["lost"]);
        let error = format_file(quote! { m!(#stray); }, "test").unwrap_err();
        assert!(error.to_string().contains("lost a doc comment"), "{error}");
    }

    #[test]
    fn a_table_macros_call_is_printed_as_a_person_writes_it() {
        let tokens = quote! {
            #[cfg(feature = "a")]
            crate::runtime::impl_response!(R, "t", Range((500..=599), json("x")), Found(302, empty, location = required("l")));
            crate::runtime::impl_setters!(S, with_ids(ids: std::collections::HashMap<String, Vec<crate::models::Id>>) = optional("ids"));
        };
        let text = format_file(tokens, "test").unwrap();
        let expected = "\
#[cfg(feature = \"a\")]
crate::runtime::impl_response!(
    R,
    \"t\",
    Range((500..=599), json(\"x\")),
    Found(302, empty, location = required(\"l\"))
);

crate::runtime::impl_setters!(
    S,
    with_ids(ids: std::collections::HashMap<String, Vec<crate::models::Id>>) = optional(\"ids\")
);
";
        assert_eq!(text.split_once("\n\n").unwrap().1, expected);
    }
}
