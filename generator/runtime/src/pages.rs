//! Streams of pages and of items for the operations that answer one page of a longer list:
//! each page is asked for when the one before has been read, by the operation's
//! [`PaginationMeta`], until the last page. A page that repeats an earlier one ends the stream
//! with an error rather than a loop.

use std::collections::HashSet;

pub use futures;
use futures::stream::{self, Stream, TryStreamExt};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::client::Client;
use crate::meta::{OperationMeta, PageScheme, PaginationMeta, request_fields};
use crate::{Credential, Error, OperationResponse};

/// The pages of `op` from `request`'s on, each the success variant's body as `success` takes
/// it out of the response enum (`None` for any other answer, which ends the stream with an
/// error).
pub fn pages<R, K, A, P>(
    client: Client,
    op: &'static OperationMeta<'static>,
    pagination: &'static PaginationMeta<'static>,
    request: R,
    credentials: Vec<K>,
    success: fn(A) -> Option<P>,
) -> impl Stream<Item = Result<P, Error>> + Send + 'static
where
    R: Serialize,
    K: Credential + Send + Sync + 'static,
    A: OperationResponse + Send + 'static,
    P: Send + 'static,
{
    let operation = op.tool_name;
    let state = request_fields(&request).map_err(|message| Error::InvalidRequest { operation, message }).map(|fields| Walk {
        client,
        op,
        fields,
        credentials,
        pager: Pager::new(pagination),
        next_url: None,
        done: false,
    });
    stream::once(async move { state }).map_ok(move |walk| stream::try_unfold(walk, move |walk| walk.step(success))).try_flatten()
}

/// The items of a stream of pages, in order: `items` takes them out of a page.
pub fn items<P, T>(
    pages: impl Stream<Item = Result<P, Error>> + Send + 'static,
    items: fn(P) -> Vec<T>,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    P: Send + 'static,
    T: Send + 'static,
{
    pages.map_ok(move |page| stream::iter(items(page).into_iter().map(Ok))).try_flatten()
}

/// Where a walk through the pages is: the request fields and the pager.
struct Walk<K> {
    client: Client,
    op: &'static OperationMeta<'static>,
    /// The request's fields, the page parameter set to the page to ask for.
    fields: Map<String, Value>,
    credentials: Vec<K>,
    pager: Pager<'static>,
    /// A `Link` scheme's next URL.
    next_url: Option<String>,
    done: bool,
}

impl<K: Credential + Send + Sync + 'static> Walk<K> {
    async fn step<A: OperationResponse, P>(mut self, success: fn(A) -> Option<P>) -> Result<Option<(P, Self)>, Error> {
        if self.done {
            return Ok(None);
        }
        let operation = self.op.tool_name;
        let raw = self.client.send_to(self.op, &self.fields, &self.credentials, self.next_url.take()).await?;
        let status = raw.status;
        let link = raw.headers.iter().find(|(name, _)| name == "link").map(|(_, value)| value.clone());
        let body: Value = serde_json::from_slice(&raw.body).unwrap_or(Value::Null);
        let Some(page) = success(A::from_raw(raw)?) else {
            return Err(Error::Pagination { operation, message: format!("page {} was answered {status}", self.pager.pages() + 1) });
        };
        let read = self.pager.read(&mut self.fields, &body, link.as_deref()).map_err(|message| Error::Pagination { operation, message })?;
        // An empty page after the first says only that there are no more.
        if read.items.is_empty() && self.pager.pages() > 1 {
            return Ok(None);
        }
        self.done = read.last;
        self.next_url = read.next_url;
        Ok(Some((page, self)))
    }
}

/// Follows the pages of one operation by its [`PaginationMeta`], over JSON: what the typed
/// streams and `rocketgen call --all-pages` share. Feed it each page's body in turn.
#[derive(Debug)]
pub struct Pager<'a> {
    pagination: &'a PaginationMeta<'a>,
    /// The items of every page so far, as JSON text: a page seen twice is a loop.
    seen_pages: HashSet<String>,
    seen_links: HashSet<String>,
    items: u64,
    pages: u64,
}

/// What a page said.
#[derive(Debug)]
pub struct PageRead<'b> {
    /// Its items.
    pub items: &'b [Value],
    /// It was the last page.
    pub last: bool,
    /// Where the next page is, for the `Link` scheme: its whole URL.
    pub next_url: Option<String>,
}

impl<'a> Pager<'a> {
    pub fn new(pagination: &'a PaginationMeta<'a>) -> Self {
        Pager { pagination, seen_pages: HashSet::new(), seen_links: HashSet::new(), items: 0, pages: 0 }
    }

    /// Pages read so far.
    pub fn pages(&self) -> u64 {
        self.pages
    }

    /// Reads a page's body and `Link` header: its items, whether it was the last, and `fields`
    /// (the request's, by field name) set up for the next. A page whose items repeat an earlier
    /// page's, or a cursor or link followed before, is an error.
    pub fn read<'b>(&mut self, fields: &mut Map<String, Value>, body: &'b Value, link: Option<&str>) -> Result<PageRead<'b>, String> {
        self.pages += 1;
        let items = at(body, self.pagination.items).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
        let count = items.len() as u64;
        if count > 0 && !self.seen_pages.insert(serde_json::to_string(items).unwrap_or_default()) {
            return Err(format!("page {} repeats an earlier page; the server does not seem to follow the pagination", self.pages));
        }
        self.items += count;
        let mut next_url = None;
        let last = count == 0 || self.advance(fields, body, link, count, &mut next_url)?;
        Ok(PageRead { items, last, next_url })
    }

    /// Sets `fields` up for the next page; `true` when this page was the last.
    fn advance(
        &mut self,
        fields: &mut Map<String, Value>,
        body: &Value,
        link: Option<&str>,
        count: u64,
        next_url: &mut Option<String>,
    ) -> Result<bool, String> {
        let number = |field: &str, fields: &Map<String, Value>| fields.get(field).and_then(Value::as_i64);
        let reached = |total: Option<&[&str]>, so_far: u64| {
            total.and_then(|path| at(body, path)).and_then(Value::as_i64).is_some_and(|total| total >= 0 && so_far >= total as u64)
        };
        match self.pagination.scheme {
            PageScheme::PageNumber { page, total_pages, total_items, has_next } => {
                let current = number(page, fields).unwrap_or(1);
                let last = if let Some(pages) = total_pages.and_then(|path| at(body, path)).and_then(Value::as_i64).filter(|total| *total >= 0) {
                    current >= pages
                } else if total_items.is_some_and(|path| at(body, path).is_some()) {
                    reached(total_items, self.items)
                } else if let Some(path) = has_next {
                    !truthy(at(body, path))
                } else {
                    false
                };
                fields.insert(page.to_string(), Value::from(current + 1));
                Ok(last)
            }
            PageScheme::OffsetLimit { offset, limit, total_items } => {
                let from = number(offset, fields).unwrap_or(0);
                let short = limit.and_then(|field| number(field, fields)).is_some_and(|limit| (count as i64) < limit);
                fields.insert(offset.to_string(), Value::from(from + count as i64));
                Ok(short || reached(total_items, self.items))
            }
            PageScheme::Cursor { cursor, next_cursor } => {
                let next = match at(body, next_cursor) {
                    Some(Value::String(text)) if !text.is_empty() => Value::String(text.clone()),
                    Some(Value::Number(n)) => Value::Number(n.clone()),
                    _ => return Ok(true),
                };
                if !self.seen_links.insert(next.to_string()) {
                    return Err(format!("page {} gives a cursor already followed", self.pages));
                }
                fields.insert(cursor.to_string(), next);
                Ok(false)
            }
            PageScheme::LastItem { cursor, field, has_more } => {
                let last = at(body, self.pagination.items).and_then(Value::as_array).and_then(|items| items.last()).and_then(|item| item.get(field));
                let Some(next) = last.filter(|_| truthy(at(body, has_more))).cloned() else { return Ok(true) };
                if !self.seen_links.insert(next.to_string()) {
                    return Err(format!("page {} ends with an item already seen", self.pages));
                }
                fields.insert(cursor.to_string(), next);
                Ok(false)
            }
            PageScheme::Link => {
                let Some(next) = link.and_then(next_link) else { return Ok(true) };
                if !self.seen_links.insert(next.clone()) {
                    return Err(format!("page {} links to a page already read", self.pages));
                }
                *next_url = Some(next);
                Ok(false)
            }
        }
    }
}

/// The value at a path of JSON names.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |value, name| value.get(name))
}

/// Whether a has-next field says there is more: present, and not null, false, 0 or empty.
fn truthy(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => false,
        Some(Value::String(text)) => !text.is_empty(),
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(_) => true,
    }
}

/// The target of `rel="next"` in a `Link` header (RFC 8288).
pub fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|entry| {
        let (target, params) = entry.trim().split_once('>')?;
        let target = target.trim().strip_prefix('<')?;
        let is_next = params.split(';').filter_map(|param| param.trim().split_once('=')).any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("rel") && value.trim().trim_matches('"').split_ascii_whitespace().any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        is_next.then(|| target.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_links_are_read_from_link_headers() {
        let header = r#"<https://api.example.com/items?page=1>; rel="prev", <https://api.example.com/items?page=3>; rel="next""#;
        assert_eq!(next_link(header).as_deref(), Some("https://api.example.com/items?page=3"));
        assert_eq!(next_link(r#"<https://a/x?page=2>; rel="next last""#).as_deref(), Some("https://a/x?page=2"));
        assert_eq!(next_link(r#"<https://a/x?page=1>; rel=first"#), None);
        assert_eq!(next_link("garbage"), None);
    }

    #[test]
    fn has_next_fields_are_read_as_flags_or_links() {
        assert!(truthy(Some(&Value::String("/lists/1?page=2".into()))));
        assert!(!truthy(Some(&Value::String(String::new()))));
        assert!(!truthy(None));
        assert!(!truthy(Some(&Value::Bool(false))));
        assert!(truthy(Some(&Value::Bool(true))));
    }
}
