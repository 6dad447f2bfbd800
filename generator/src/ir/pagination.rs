//! Which operations return one page of a longer list, and how to ask for the next: taken from
//! `x-speakeasy-pagination` or `x-fern-pagination` where the spec carries one, else inferred from
//! the parameters and the success body (page number, offset and limit, cursor, `Link` header).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::{Operation, TypeDef, TypeKind, TypeRef};
use crate::diagnostics::Diagnostic;
use crate::ir::Location;

/// How an operation's pages follow one another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pagination {
    #[serde(flatten)]
    pub scheme: PageScheme,
    /// The JSON names leading to the items in the success body; empty when the body is the
    /// array of items.
    pub items: Vec<String>,
    /// `inferred`, or the extension it was read from.
    pub from: String,
}

/// The parameters named are the wire names of query parameters; paths are JSON names from the
/// success body's root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum PageScheme {
    /// `page=1, 2, …` until the last page (a page count, an item count, a next link or flag
    /// says which) or an empty page.
    PageNumber {
        page: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        total_pages: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        total_items: Option<Vec<String>>,
        /// A field that is absent, null, empty or false on the last page.
        #[serde(skip_serializing_if = "Option::is_none")]
        has_next: Option<Vec<String>>,
    },
    /// `offset` grows by the items received until a short or empty page.
    OffsetLimit {
        offset: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        limit: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        total_items: Option<Vec<String>>,
    },
    /// The answer's next cursor is sent back in a parameter until it is absent or empty.
    Cursor { cursor: String, next_cursor: Vec<String> },
    /// The last item's `field` is sent back in a parameter while `has_more` says so (Stripe's
    /// `starting_after` with `has_more`).
    LastItem { cursor: String, field: String, has_more: Vec<String> },
    /// The URL in `Link: <…>; rel="next"` until there is none.
    Link,
}

impl Pagination {
    /// One line for people: `page number (page; last page: paging.total), items at items`.
    pub fn describe(&self) -> String {
        let path = |path: &[String]| if path.is_empty() { "the body".to_string() } else { path.join(".") };
        let scheme = match &self.scheme {
            PageScheme::PageNumber { page, total_pages, total_items, has_next } => {
                let last = match (total_pages, total_items, has_next) {
                    (Some(pages), _, _) => format!("last page: {}", path(pages)),
                    (None, Some(items), _) => format!("item count: {}", path(items)),
                    (None, None, Some(next)) => format!("more while {} is set", path(next)),
                    (None, None, None) => "until an empty page".to_string(),
                };
                format!("page number ({page}; {last})")
            }
            PageScheme::OffsetLimit { offset, limit, .. } => match limit {
                Some(limit) => format!("offset and limit ({offset}, {limit})"),
                None => format!("offset ({offset})"),
            },
            PageScheme::Cursor { cursor, next_cursor } => format!("cursor ({cursor} ← {})", path(next_cursor)),
            PageScheme::LastItem { cursor, field, has_more } => format!("cursor ({cursor} ← the last item's {field}, while {})", path(has_more)),
            PageScheme::Link => "Link header (rel=\"next\")".to_string(),
        };
        let from = if self.from == "inferred" { String::new() } else { format!(", from {}", self.from) };
        format!("{scheme}, items at {}{from}", path(&self.items))
    }
}

const PAGE_PARAMS: &[&str] = &["page", "page_number", "pagenumber", "page_num", "pagenum"];
const OFFSET_PARAMS: &[&str] = &["offset", "skip", "start"];
const LIMIT_PARAMS: &[&str] = &["limit", "page_size", "pagesize", "per_page", "perpage", "size", "count", "max_results", "maxresults"];
const CURSOR_PARAMS: &[&str] =
    &["cursor", "page_token", "pagetoken", "next_token", "nexttoken", "after", "starting_after", "continuation_token", "continuationtoken", "marker"];
const ITEMS_FIELDS: &[&str] = &["items", "data", "results", "records", "entries", "values", "elements", "list", "content"];
const NEXT_CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "nextcursor",
    "next_page_token",
    "nextpagetoken",
    "next_token",
    "nexttoken",
    "end_cursor",
    "endcursor",
    "continuation_token",
    "continuationtoken",
    "next_marker",
    "nextmarker",
    "cursor",
];
const TOTAL_PAGES_FIELDS: &[&str] = &["total_pages", "totalpages", "page_count", "pagecount", "last_page", "lastpage", "num_pages", "numpages"];
const TOTAL_ITEMS_FIELDS: &[&str] = &["total_count", "totalcount", "total_items", "totalitems", "total_results", "totalresults", "total"];
const HAS_NEXT_FIELDS: &[&str] = &["has_more", "hasmore", "has_next", "hasnext", "has_next_page", "hasnextpage", "next", "next_page", "nextpage"];
/// Objects in the body that hold page metadata.
const META_OBJECTS: &[&str] = &["paging", "pagination", "page_info", "pageinfo", "meta", "response_metadata", "links", "next_page", "nextpage"];
/// Cursor parameters that take the last item's id.
const AFTER_PARAMS: &[&str] = &["starting_after", "after", "after_id", "since_id"];
const MORE_FIELDS: &[&str] = &["has_more", "hasmore", "has_next", "hasnext", "has_next_page", "hasnextpage"];

/// Records the pagination of each operation that has one; diagnoses lists that look paginated
/// and extensions that cannot be followed.
pub fn infer(operations: &mut [Operation], types: &BTreeMap<String, TypeDef>, diagnostics: &mut Vec<Diagnostic>) {
    for op in operations.iter_mut() {
        let hint = op.pagination_hint.take();
        op.pagination = match hint {
            Some((extension, value)) => {
                let pointer = format!("{}/{extension}", op.pointer);
                match from_extension(op, types, &extension, &value) {
                    Ok(pagination) => Some(pagination),
                    Err(message) => {
                        diagnostics.push(Diagnostic::new(pointer, format!("{message}: its pages are not streamed")));
                        None
                    }
                }
            }
            None => inferred(op, types, diagnostics),
        };
    }
}

fn is_success(status: super::Status) -> bool {
    match status {
        super::Status::Code(code) => (200..300).contains(&code),
        super::Status::Class(class) => class == 2,
        super::Status::Default => false,
    }
}

/// The success body: the first 2xx response with a JSON body.
fn success_body(op: &Operation) -> Option<&TypeRef> {
    op.responses.iter().filter(|r| is_success(r.status)).find_map(|r| r.body.as_ref().filter(|b| super::is_json(&b.media_type)).map(|b| &b.ty))
}

fn query_param<'a>(op: &'a Operation, names: &[&str]) -> Option<&'a super::Parameter> {
    op.parameters.iter().find(|p| p.location == Location::Query && names.contains(&normalized(&p.name).as_str()))
}

/// Lower case without `-`: `pageSize`, `page-size` and `page_size` compare as one.
fn normalized(name: &str) -> String {
    name.to_ascii_lowercase().replace('-', "_")
}

/// The fields of a struct type.
fn fields<'a>(types: &'a BTreeMap<String, TypeDef>, ty: &TypeRef) -> Option<&'a [super::Field]> {
    let TypeRef::Named(name) = ty else { return None };
    match &types.get(name)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

/// The type at a path of JSON names below `ty`.
fn at_path<'a>(types: &'a BTreeMap<String, TypeDef>, ty: &'a TypeRef, path: &[String]) -> Option<&'a TypeRef> {
    path.iter().try_fold(ty, |ty, name| fields(types, ty)?.iter().find(|f| f.json_name == *name).map(|f| &f.ty))
}

/// Items are a plain array (the streams take them out as a `Vec`).
fn is_array(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::Array(_))
}

/// A field of the body, or of one of its page-metadata objects, whose name is in `names`.
fn find_field(types: &BTreeMap<String, TypeDef>, body: &TypeRef, names: &[&str]) -> Option<Vec<String>> {
    let top = fields(types, body)?;
    let direct = |fields: &[super::Field]| fields.iter().find(|f| names.contains(&normalized(&f.json_name).as_str())).map(|f| f.json_name.clone());
    if let Some(name) = direct(top) {
        return Some(vec![name]);
    }
    top.iter()
        .filter(|f| META_OBJECTS.contains(&normalized(&f.json_name).as_str()))
        .find_map(|meta| fields(types, &meta.ty).and_then(direct).map(|name| vec![meta.json_name.clone(), name]))
}

/// The items: the body itself when it is an array, else its one array field or the one named
/// like a list.
fn items_path(types: &BTreeMap<String, TypeDef>, body: &TypeRef) -> Option<Vec<String>> {
    if is_array(body) {
        return Some(Vec::new());
    }
    let fields = fields(types, body)?;
    let arrays: Vec<&super::Field> = fields.iter().filter(|f| is_array(&f.ty)).collect();
    let named = arrays.iter().find(|f| ITEMS_FIELDS.contains(&normalized(&f.json_name).as_str()));
    match (named, arrays.as_slice()) {
        (Some(field), _) | (None, [field]) => Some(vec![field.json_name.clone()]),
        _ => None,
    }
}

fn inferred(op: &Operation, types: &BTreeMap<String, TypeDef>, diagnostics: &mut Vec<Diagnostic>) -> Option<Pagination> {
    if op.http_method != super::Method::Get {
        return None;
    }
    let body = success_body(op)?;
    let items = items_path(types, body)?;
    let declares_link = op.responses.iter().filter(|r| is_success(r.status)).any(|r| r.headers.iter().any(|h| h.name.eq_ignore_ascii_case("link")));
    // A string `offset` is a cursor (Asana's, fed from `next_page.offset`).
    let offset_cursor = query_param(op, OFFSET_PARAMS).filter(|p| p.ty == TypeRef::String);
    let offset_next = offset_cursor.and_then(|_| find_field(types, body, &["offset"])).filter(|path| path.len() == 2);
    let scheme = if let Some(cursor) = query_param(op, CURSOR_PARAMS)
        && let Some(next_cursor) = find_field(types, body, NEXT_CURSOR_FIELDS)
    {
        Some(PageScheme::Cursor { cursor: cursor.name.clone(), next_cursor })
    } else if let (Some(cursor), Some(next_cursor)) = (offset_cursor, offset_next) {
        Some(PageScheme::Cursor { cursor: cursor.name.clone(), next_cursor })
    } else if let Some(cursor) = query_param(op, AFTER_PARAMS)
        && let Some(has_more) = find_field(types, body, MORE_FIELDS)
        && let Some(item) = at_path(types, body, &items)
        && let TypeRef::Array(item) = item
        && fields(types, item).is_some_and(|fields| fields.iter().any(|f| f.json_name == "id"))
    {
        Some(PageScheme::LastItem { cursor: cursor.name.clone(), field: "id".to_string(), has_more })
    } else if let Some(page) = query_param(op, PAGE_PARAMS).filter(|p| matches!(p.ty, TypeRef::Integer(_))) {
        let mut total_pages = find_field(types, body, TOTAL_PAGES_FIELDS);
        let mut total_items = find_field(types, body, TOTAL_ITEMS_FIELDS);
        // `total` beside `page` in a metadata object counts pages (Rocket's `paging`).
        if total_pages.is_none()
            && let Some(path) = total_items.clone().filter(|path| path.len() == 2 && normalized(&path[1]) == "total")
        {
            let siblings = at_path(types, body, &path[..1]).and_then(|meta| fields(types, meta));
            if siblings.is_some_and(|fields| fields.iter().any(|f| normalized(&f.json_name) == "page")) {
                total_pages = Some(path);
                total_items = None;
            }
        }
        let has_next = find_field(types, body, HAS_NEXT_FIELDS);
        Some(PageScheme::PageNumber { page: page.name.clone(), total_pages, total_items, has_next })
    } else if let Some(offset) = query_param(op, OFFSET_PARAMS).filter(|p| matches!(p.ty, TypeRef::Integer(_))) {
        let limit = query_param(op, LIMIT_PARAMS).map(|p| p.name.clone());
        Some(PageScheme::OffsetLimit { offset: offset.name.clone(), limit, total_items: find_field(types, body, TOTAL_ITEMS_FIELDS) })
    } else if declares_link {
        Some(PageScheme::Link)
    } else {
        None
    };
    match scheme {
        Some(scheme) => Some(Pagination { scheme, items, from: "inferred".to_string() }),
        None => {
            if let Some(size) = query_param(op, LIMIT_PARAMS).or_else(|| query_param(op, CURSOR_PARAMS)) {
                diagnostics.push(Diagnostic::new(
                    op.pointer.clone(),
                    format!(
                        "a list that looks paginated (query parameter `{}`), but no pagination scheme fits (a page, offset or cursor parameter with what the answer says of the next page): its pages are not streamed",
                        size.name
                    ),
                ));
            }
            None
        }
    }
}

/// `$.data.items`, `$response.data.items` → `["data", "items"]`.
fn json_path(text: &str) -> Option<Vec<String>> {
    let rest = text.strip_prefix("$response").or_else(|| text.strip_prefix('$'))?;
    let rest = rest.strip_prefix('.').unwrap_or(rest);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let names: Vec<String> = rest.split('.').map(str::to_string).collect();
    names.iter().all(|name| !name.is_empty() && !name.contains(['[', ']', '*'])).then_some(names)
}

/// `$request.cursor` → `cursor`, which must be a query parameter.
fn request_param(op: &Operation, text: &str) -> Result<String, String> {
    let name = text.strip_prefix("$request.").unwrap_or(text);
    match op.parameters.iter().find(|p| p.name == name) {
        Some(p) if p.location == Location::Query => Ok(p.name.clone()),
        Some(_) => Err(format!("the parameter `{name}` is not in the query")),
        None => Err(format!("the operation has no parameter `{name}`")),
    }
}

/// A path in the success body, checked against its type.
fn body_path(op: &Operation, types: &BTreeMap<String, TypeDef>, value: Option<&Value>, what: &str) -> Result<Option<Vec<String>>, String> {
    let Some(value) = value else { return Ok(None) };
    let text = value.as_str().ok_or_else(|| format!("`{what}` is not a string"))?;
    let path = json_path(text).ok_or_else(|| format!("`{what}`: `{text}` is not a path of field names"))?;
    let body = success_body(op).ok_or("the operation has no JSON success body")?;
    at_path(types, body, &path).ok_or_else(|| format!("`{what}`: the success body has no `{text}`"))?;
    Ok(Some(path))
}

fn from_extension(op: &Operation, types: &BTreeMap<String, TypeDef>, extension: &str, value: &Value) -> Result<Pagination, String> {
    let body = success_body(op).ok_or("the operation has no JSON success body")?;
    let pagination = |scheme, items: Option<Vec<String>>| -> Result<Pagination, String> {
        let items = match items {
            Some(items) => items,
            None => items_path(types, body).ok_or("no field holds the items")?,
        };
        let ty = at_path(types, body, &items).ok_or("the items' path is not in the success body")?;
        if !is_array(ty) {
            return Err("the items are not an array".to_string());
        }
        Ok(Pagination { scheme, items, from: extension.to_string() })
    };
    match extension {
        "x-speakeasy-pagination" => {
            let kind = value.get("type").and_then(Value::as_str).unwrap_or_default();
            let inputs = value.get("inputs").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
            let input =
                |role: &str| inputs.iter().find(|i| i.get("type").and_then(Value::as_str) == Some(role)).and_then(|i| i.get("name")).and_then(Value::as_str);
            let outputs = value.get("outputs");
            let output = |name: &str| outputs.and_then(|o| o.get(name));
            let items = body_path(op, types, output("results"), "outputs.results")?;
            let scheme = match kind {
                "offsetLimit" => match (input("page"), input("offset")) {
                    (Some(page), _) => PageScheme::PageNumber {
                        page: request_param(op, page)?,
                        total_pages: body_path(op, types, output("numPages"), "outputs.numPages")?,
                        total_items: None,
                        has_next: None,
                    },
                    (None, Some(offset)) => PageScheme::OffsetLimit {
                        offset: request_param(op, offset)?,
                        limit: input("limit").map(|l| request_param(op, l)).transpose()?,
                        total_items: None,
                    },
                    (None, None) => return Err("an offsetLimit pagination without a page or offset input".to_string()),
                },
                "cursor" => PageScheme::Cursor {
                    cursor: request_param(op, input("cursor").ok_or("a cursor pagination without a cursor input")?)?,
                    next_cursor: body_path(op, types, output("nextCursor"), "outputs.nextCursor")?.ok_or("a cursor pagination without outputs.nextCursor")?,
                },
                other => return Err(format!("pagination type `{other}` is not supported")),
            };
            pagination(scheme, items)
        }
        "x-fern-pagination" => {
            let text = |name: &str| value.get(name).and_then(Value::as_str);
            let items = body_path(op, types, value.get("results"), "results")?;
            let scheme = if let Some(cursor) = text("cursor") {
                PageScheme::Cursor {
                    cursor: request_param(op, cursor)?,
                    next_cursor: body_path(op, types, value.get("next_cursor"), "next_cursor")?.ok_or("a cursor pagination without next_cursor")?,
                }
            } else if let Some(offset) = text("offset") {
                let has_next = body_path(op, types, value.get("has-next-page"), "has-next-page")?;
                match text("step") {
                    Some(step) => PageScheme::OffsetLimit { offset: request_param(op, offset)?, limit: Some(request_param(op, step)?), total_items: None },
                    None => PageScheme::PageNumber { page: request_param(op, offset)?, total_pages: None, total_items: None, has_next },
                }
            } else {
                return Err("neither `cursor` nor `offset` is given".to_string());
            };
            pagination(scheme, items)
        }
        other => Err(format!("unknown pagination extension `{other}`")),
    }
}
