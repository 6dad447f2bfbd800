//! Streamed response bodies: server-sent events (`text/event-stream`) and streams of JSON
//! values (JSON Lines / NDJSON, JSON text sequences), typed both ways.
//!
//! A response enum holds a streamed body as a [`Streamed`]: either items already in hand (what
//! the mock answers, what a test builds, what a fixture holds: it can be cloned, compared and
//! serialized like any body) or a live stream, read once, as it arrives. An implementation
//! answers with [`Streamed::from_stream`]; a client reads the items as they come, each
//! decoded by the declared schema.
//!
//! ```
//! use rocketgen_runtime::stream::{Event, Streamed};
//!
//! let events: Streamed<Event<u32>> = vec![Event::new(1).with_id("a"), Event::new(2)].into();
//! let sent = rocketgen_runtime::RawResponse::event_stream(200, "text/event-stream", events);
//! assert_eq!(sent.body, b"data: 1\nid: a\n\ndata: 2\n\n");
//! ```
//!
//! Events are read as the HTML standard says (its `EventSource` parsing): lines end with LF, CR
//! or CRLF, `:` starts a comment, unknown fields are ignored, `data` lines join with newlines,
//! a block without data is not an event. Each event keeps the `event`, `id` and `retry` it
//! was sent with. (The parsers on crates.io refuse lines the standard says to ignore, so this
//! one is written here, beside its encoder.)

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::meta::Framing;

/// A stream of items (or of chunks of bytes) that can be sent between tasks.
pub type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A streamed body: items in hand, or a live stream read once.
///
/// It is a [`Stream`] of `Result<T, Error>` (with `futures::StreamExt`, `.next().await`), and
/// [`read_all`](Self::read_all) collects it. Clones of a live stream share it: each item is
/// read once, by whichever clone reads first; a live stream cannot be serialized and equals only
/// its own clones.
pub struct Streamed<T> {
    source: Source<T>,
}

enum Source<T> {
    Items(VecDeque<T>),
    Live(Arc<Mutex<Option<BoxStream<T>>>>),
}

impl<T> Streamed<T> {
    /// A stream of these items.
    pub fn from_items(items: impl IntoIterator<Item = T>) -> Self {
        Streamed { source: Source::Items(items.into_iter().collect()) }
    }

    /// A live stream: each item is sent as it comes; an error ends the body where it occurs
    /// (the status has been sent by then, so the client sees the body broken off).
    pub fn from_stream(stream: impl Stream<Item = Result<T, Error>> + Send + 'static) -> Self {
        Streamed { source: Source::Live(Arc::new(Mutex::new(Some(Box::pin(stream))))) }
    }

    /// The items in hand, or the live stream back.
    pub(crate) fn into_items(self) -> Result<VecDeque<T>, Self> {
        match self.source {
            Source::Items(items) => Ok(items),
            live => Err(Streamed { source: live }),
        }
    }

    /// Whether the items are read as they arrive rather than already in hand.
    pub fn is_live(&self) -> bool {
        matches!(self.source, Source::Live(_))
    }

    /// The next item once it arrives; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T, Error>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item, in order, once the stream ends; the first error instead if there is one.
    pub async fn read_all(mut self) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

fn lock<T>(slot: &Mutex<T>) -> MutexGuard<'_, T> {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl<T> Stream for Streamed<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match &mut self.get_mut().source {
            Source::Items(items) => Poll::Ready(items.pop_front().map(Ok)),
            Source::Live(shared) => {
                let mut slot = lock(shared);
                let Some(stream) = slot.as_mut() else { return Poll::Ready(None) };
                let next = stream.as_mut().poll_next(cx);
                if let Poll::Ready(None) = next {
                    *slot = None;
                }
                next
            }
        }
    }
}

// Items are never pinned in place: they are moved out of the queue or the boxed stream.
impl<T> Unpin for Streamed<T> {}

impl<T> Default for Streamed<T> {
    fn default() -> Self {
        Streamed::from_items([])
    }
}

impl<T> From<Vec<T>> for Streamed<T> {
    fn from(items: Vec<T>) -> Self {
        Streamed::from_items(items)
    }
}

impl<T> FromIterator<T> for Streamed<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        Streamed::from_items(items)
    }
}

impl<T: Clone> Clone for Streamed<T> {
    fn clone(&self) -> Self {
        let source = match &self.source {
            Source::Items(items) => Source::Items(items.clone()),
            Source::Live(shared) => Source::Live(shared.clone()),
        };
        Streamed { source }
    }
}

impl<T: PartialEq> PartialEq for Streamed<T> {
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Items(a), Source::Items(b)) => a == b,
            (Source::Live(a), Source::Live(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Streamed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.source {
            Source::Items(items) => f.debug_list().entries(items).finish(),
            Source::Live(_) => f.write_str("Streamed(live)"),
        }
    }
}

/// Items in hand serialize as an array; a live stream cannot be serialized before it is read.
impl<T: Serialize> Serialize for Streamed<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.source {
            Source::Items(items) => serializer.collect_seq(items),
            Source::Live(_) => Err(serde::ser::Error::custom("a live stream cannot be serialized: read it first (`read_all`)")),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Streamed<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<T>::deserialize(deserializer).map(Streamed::from)
    }
}

/// A server-sent event: its data, of the type the spec declares, and the fields it was sent
/// with.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Event<T> {
    /// The event type (`event:`); `None` is the default type, `message`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    pub data: T,
    /// The event's id (`id:`), what a reconnecting client sends as `Last-Event-ID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The reconnection time in milliseconds (`retry:`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<u64>,
}

impl<T> Event<T> {
    /// An event of the default type carrying `data`.
    pub fn new(data: T) -> Self {
        Event { event: None, data, id: None, retry: None }
    }

    pub fn with_event(mut self, event: impl Into<String>) -> Self {
        self.event = Some(event.into());
        self
    }

    pub fn with_id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    pub fn with_retry(mut self, milliseconds: u64) -> Self {
        self.retry = Some(milliseconds);
        self
    }
}

/// A streamed body as it travels: chunks of bytes, taken once by whoever sends or reads them.
/// Clones share the chunks, so that a [`RawResponse`](crate::RawResponse) stays `Clone`.
#[derive(Clone)]
pub struct BodyStream {
    chunks: Arc<Mutex<Option<BoxStream<Bytes>>>>,
}

impl BodyStream {
    pub fn new(chunks: impl Stream<Item = Result<Bytes, Error>> + Send + 'static) -> Self {
        BodyStream { chunks: Arc::new(Mutex::new(Some(Box::pin(chunks)))) }
    }

    /// The chunks, unless they were taken already.
    pub fn take(&self) -> Option<BoxStream<Bytes>> {
        lock(&self.chunks).take()
    }
}

impl fmt::Debug for BodyStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BodyStream")
    }
}

impl PartialEq for BodyStream {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.chunks, &other.chunks)
    }
}

impl Eq for BodyStream {}

/// How each item's value is written in its frame: JSON, or (event data only) plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemFormat {
    Json,
    Text,
}

/// The bytes of one item in its frame.
pub fn encode_item<T: Serialize>(framing: Framing, format: ItemFormat, item: &T) -> Result<Vec<u8>, String> {
    let value = serde_json::to_value(item).map_err(|e| e.to_string())?;
    match framing {
        Framing::JsonLines => {
            let mut line = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
            line.push(b'\n');
            Ok(line)
        }
        Framing::JsonSeq => {
            let mut record = vec![0x1e];
            record.extend(serde_json::to_vec(&value).map_err(|e| e.to_string())?);
            record.push(b'\n');
            Ok(record)
        }
        Framing::EventStream => encode_event(format, value),
    }
}

/// An event (in its JSON form, `{event, data, id, retry}`) as `text/event-stream` lines.
fn encode_event(format: ItemFormat, mut event: Value) -> Result<Vec<u8>, String> {
    let data = event.get_mut("data").map(Value::take).unwrap_or(Value::Null);
    let data = match (format, data) {
        (ItemFormat::Text, Value::String(text)) => text,
        (_, data) => data.to_string(),
    };
    let field = |name: &str| event.get(name).filter(|v| !v.is_null()).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string));
    let mut out = String::new();
    if let Some(kind) = field("event") {
        out.push_str(&format!("event: {}\n", single_line("event", &kind)?));
    }
    // Each line of the data is a `data:` line of its own; the reader joins them with newlines.
    for line in data.split('\n').flat_map(|l| l.split('\r')) {
        out.push_str("data: ");
        out.push_str(line);
        out.push('\n');
    }
    if let Some(id) = field("id") {
        out.push_str(&format!("id: {}\n", single_line("id", &id)?));
    }
    if let Some(retry) = field("retry") {
        out.push_str(&format!("retry: {retry}\n"));
    }
    out.push('\n');
    Ok(out.into_bytes())
}

fn single_line<'a>(field: &str, value: &'a str) -> Result<&'a str, String> {
    if value.contains(['\n', '\r']) { Err(format!("an event's `{field}` cannot hold a line break")) } else { Ok(value) }
}

/// Splits a body into its items' texts as chunks arrive: JSON values, or events in their JSON
/// form with the data as text.
#[derive(Debug)]
pub struct Deframer {
    framing: Framing,
    /// Bytes of an unfinished line (or record).
    partial: Vec<u8>,
    /// A CR ended the last chunk: an LF starting the next one belongs to it.
    after_cr: bool,
    at_start: bool,
    event: PendingEvent,
}

#[derive(Debug, Default)]
struct PendingEvent {
    event: Option<String>,
    data: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
}

/// One item's text as framed: a JSON text, or an event with its data as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame {
    Json(Vec<u8>),
    Event { event: Option<String>, data: String, id: Option<String>, retry: Option<u64> },
}

impl Deframer {
    pub fn new(framing: Framing) -> Self {
        Deframer { framing, partial: Vec::new(), after_cr: false, at_start: true, event: PendingEvent::default() }
    }

    /// The frames completed by `chunk`.
    pub fn push(&mut self, mut chunk: &[u8]) -> Result<Vec<Frame>, String> {
        let mut frames = Vec::new();
        if self.framing == Framing::JsonSeq {
            // Records start with RS; a record ends where the next begins.
            while let Some(at) = chunk.iter().position(|b| *b == 0x1e) {
                self.partial.extend_from_slice(&chunk[..at]);
                self.finish_record(&mut frames);
                chunk = &chunk[at + 1..];
            }
            self.partial.extend_from_slice(chunk);
            return Ok(frames);
        }
        if self.after_cr && chunk.first() == Some(&b'\n') {
            chunk = &chunk[1..];
        }
        self.after_cr = false;
        while let Some(at) = chunk.iter().position(|b| matches!(b, b'\n' | b'\r')) {
            self.partial.extend_from_slice(&chunk[..at]);
            let line = std::mem::take(&mut self.partial);
            self.line(&line, &mut frames)?;
            let ended_by_cr = chunk[at] == b'\r';
            chunk = &chunk[at + 1..];
            if ended_by_cr {
                match chunk.first() {
                    Some(b'\n') => chunk = &chunk[1..],
                    None => self.after_cr = true,
                    Some(_) => {}
                }
            }
        }
        self.partial.extend_from_slice(chunk);
        Ok(frames)
    }

    /// The frames left when the body ends: a last line without its line break. An event
    /// not closed by a blank line is dropped, as the standard says.
    pub fn finish(mut self) -> Result<Vec<Frame>, String> {
        let mut frames = Vec::new();
        match self.framing {
            Framing::JsonSeq => self.finish_record(&mut frames),
            Framing::JsonLines => {
                let line = std::mem::take(&mut self.partial);
                self.line(&line, &mut frames)?;
            }
            Framing::EventStream => {}
        }
        Ok(frames)
    }

    fn finish_record(&mut self, frames: &mut Vec<Frame>) {
        let record = std::mem::take(&mut self.partial);
        let text = record.trim_ascii();
        if !text.is_empty() {
            frames.push(Frame::Json(text.to_vec()));
        }
    }

    fn line(&mut self, mut line: &[u8], frames: &mut Vec<Frame>) -> Result<(), String> {
        if std::mem::take(&mut self.at_start) {
            line = line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line);
        }
        if self.framing == Framing::JsonLines {
            let text = line.trim_ascii();
            if !text.is_empty() {
                frames.push(Frame::Json(text.to_vec()));
            }
            return Ok(());
        }
        let line = std::str::from_utf8(line).map_err(|e| format!("an event line is not UTF-8: {e}"))?;
        if line.is_empty() {
            let pending = std::mem::take(&mut self.event);
            if let Some(data) = pending.data {
                frames.push(Frame::Event { event: pending.event, data, id: pending.id, retry: pending.retry });
            }
            return Ok(());
        }
        let (field, value) = match line.split_once(':') {
            Some(("", _)) => return Ok(()),
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "data" => match &mut self.event.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.event.data = Some(value.to_string()),
            },
            "event" => self.event.event = Some(value.to_string()),
            "id" if !value.contains('\0') => self.event.id = Some(value.to_string()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => self.event.retry = value.parse().ok(),
            _ => {}
        }
        Ok(())
    }
}

impl Frame {
    /// The item this frame holds, as `T`: an event's data read as JSON or kept as text. A
    /// failure names the item (`[3]`) and the path within it.
    pub fn decode<T: DeserializeOwned>(self, format: ItemFormat, index: usize) -> Result<T, ItemError> {
        match self {
            Frame::Json(bytes) => decode_json(&bytes, &format!("[{index}]")).map_err(|(path, message)| ItemError { path, message, text: bytes }),
            Frame::Event { event, data, id, retry } => {
                let data = match format {
                    ItemFormat::Text => Value::String(data),
                    ItemFormat::Json => decode_json::<Value>(data.as_bytes(), &format!("[{index}].data")).map_err(|(path, message)| ItemError {
                        path,
                        message,
                        text: data.clone().into_bytes(),
                    })?,
                };
                // The JSON form of `Event`: fields that were not sent are left out.
                let mut form = serde_json::Map::new();
                if let Some(event) = event {
                    form.insert("event".into(), Value::String(event));
                }
                form.insert("data".into(), data);
                if let Some(id) = id {
                    form.insert("id".into(), Value::String(id));
                }
                if let Some(retry) = retry {
                    form.insert("retry".into(), retry.into());
                }
                let text = Value::Object(form).to_string();
                decode_json(text.as_bytes(), &format!("[{index}]")).map_err(|(path, message)| ItemError { path, message, text: text.into_bytes() })
            }
        }
    }
}

/// An item that does not match its type: where, why, and the item's text.
#[derive(Debug)]
pub struct ItemError {
    /// `[3]` for the fourth item, then the path within it.
    pub path: String,
    pub message: String,
    pub text: Vec<u8>,
}

fn decode_json<T: DeserializeOwned>(bytes: &[u8], at: &str) -> Result<T, (String, String)> {
    serde_json::from_slice(bytes).map_err(|e| {
        let (inner, message) = crate::json_path::locate(bytes, &e);
        let path = if inner == "." { at.to_string() } else { format!("{at}.{inner}") };
        (path, message)
    })
}

/// Every item of a body received whole, as JSON (events in their `{event, data, id, retry}`
/// form): what `rocketgen call` and the MCP tools answer for a streamed operation.
pub fn decode_all(framing: Framing, format: ItemFormat, body: &[u8]) -> Result<Vec<Value>, String> {
    let mut deframer = Deframer::new(framing);
    let mut frames = deframer.push(body)?;
    frames.extend(deframer.finish()?);
    frames.into_iter().enumerate().map(|(i, frame)| frame.decode(format, i).map_err(|e| format!("{}: {}", e.path, e.message))).collect()
}

/// The typed items of a body arriving in chunks.
pub(crate) struct Decoded<T> {
    operation: &'static str,
    status: u16,
    format: ItemFormat,
    chunks: Option<BoxStream<Bytes>>,
    deframer: Option<Deframer>,
    ready: VecDeque<Frame>,
    index: usize,
    item: std::marker::PhantomData<fn() -> T>,
}

impl<T> Decoded<T> {
    pub(crate) fn new(operation: &'static str, status: u16, framing: Framing, format: ItemFormat, chunks: BoxStream<Bytes>) -> Self {
        Decoded {
            operation,
            status,
            format,
            chunks: Some(chunks),
            deframer: Some(Deframer::new(framing)),
            ready: VecDeque::new(),
            index: 0,
            item: std::marker::PhantomData,
        }
    }

    fn error(&mut self, path: String, message: String, body: Vec<u8>) -> Error {
        // Nothing after a malformed item is read.
        self.chunks = None;
        self.deframer = None;
        self.ready.clear();
        Error::Decode { operation: self.operation, status: self.status, path, message, body }
    }
}

impl<T: DeserializeOwned> Stream for Decoded<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(frame) = this.ready.pop_front() {
                let index = this.index;
                this.index += 1;
                return Poll::Ready(Some(frame.decode(this.format, index).map_err(|e| this.error(e.path, e.message, e.text))));
            }
            let Some(chunks) = this.chunks.as_mut() else {
                // The body ended: what the deframer still holds, then the end.
                let Some(deframer) = this.deframer.take() else { return Poll::Ready(None) };
                match deframer.finish() {
                    Ok(frames) if frames.is_empty() => return Poll::Ready(None),
                    Ok(frames) => this.ready.extend(frames),
                    Err(message) => return Poll::Ready(Some(Err(this.error(format!("[{}]", this.index), message, Vec::new())))),
                }
                continue;
            };
            match chunks.as_mut().poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.chunks = None,
                Poll::Ready(Some(Err(e))) => {
                    this.chunks = None;
                    this.deframer = None;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(chunk))) => {
                    let Some(deframer) = this.deframer.as_mut() else { return Poll::Ready(None) };
                    match deframer.push(&chunk) {
                        Ok(frames) => this.ready.extend(frames),
                        Err(message) => return Poll::Ready(Some(Err(this.error(format!("[{}]", this.index), message, chunk.to_vec())))),
                    }
                }
            }
        }
    }
}

/// The bytes of a live stream's items, each in its frame, as they come.
pub(crate) struct Encoded<T> {
    items: Streamed<T>,
    framing: Framing,
    format: ItemFormat,
}

impl<T> Encoded<T> {
    pub(crate) fn new(items: Streamed<T>, framing: Framing, format: ItemFormat) -> Self {
        Encoded { items, framing, format }
    }
}

impl<T: Serialize> Stream for Encoded<T> {
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.items).poll_next(cx) {
            Poll::Ready(Some(Ok(item))) => Poll::Ready(Some(
                encode_item(this.framing, this.format, &item)
                    .map(Bytes::from)
                    .map_err(|message| Error::other(format!("a streamed item could not be written: {message}"))),
            )),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(framing: Framing, chunks: &[&[u8]]) -> Vec<Frame> {
        let mut deframer = Deframer::new(framing);
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(deframer.push(chunk).unwrap());
        }
        out.extend(deframer.finish().unwrap());
        out
    }

    fn event(data: &str) -> Frame {
        Frame::Event { event: None, data: data.to_string(), id: None, retry: None }
    }

    #[test]
    fn events_are_read_as_the_standard_says() {
        let body: &[u8] = b"\xef\xbb\xbf: a comment\r\nevent: add\r\ndata: one\r\ndata:two\r\nid: 7\r\nretry: 1500\r\nfoo: ignored\r\n\r\ndata\n\nretry: 10\n\ndata: last, not closed";
        let got = frames(Framing::EventStream, &[body]);
        assert_eq!(got, [Frame::Event { event: Some("add".into()), data: "one\ntwo".into(), id: Some("7".into()), retry: Some(1500) }, event("")]);
        // The same bytes cut anywhere, a CR and its LF apart among them, read the same.
        for cut in 1..body.len() {
            assert_eq!(frames(Framing::EventStream, &[&body[..cut], &body[cut..]]), got, "cut at {cut}");
        }
        assert_eq!(frames(Framing::EventStream, &[b"data: a\rdata: b\r", b"\rdata: c\n\n"]), [event("a\nb"), event("c")]);
    }

    #[test]
    fn json_lines_and_sequences_are_split() {
        let lines = frames(Framing::JsonLines, &[b"{\"a\":1}\r\n\n  [2", b"]\n3"]);
        assert_eq!(lines, [Frame::Json(b"{\"a\":1}".to_vec()), Frame::Json(b"[2]".to_vec()), Frame::Json(b"3".to_vec())]);
        let seq = frames(Framing::JsonSeq, &[b"\x1e{\"a\":1}\n\x1e", b"\"x\"\n"]);
        assert_eq!(seq, [Frame::Json(b"{\"a\":1}".to_vec()), Frame::Json(b"\"x\"".to_vec())]);
    }

    #[test]
    fn what_is_written_reads_back() {
        let sent = [Event::new(serde_json::json!({"text": "two\nlines"})).with_event("note").with_id("1").with_retry(20), Event::new(serde_json::json!(3))];
        let mut body = Vec::new();
        for event in &sent {
            body.extend(encode_item(Framing::EventStream, ItemFormat::Json, event).unwrap());
        }
        let read: Vec<Event<Value>> =
            decode_all(Framing::EventStream, ItemFormat::Json, &body).unwrap().into_iter().map(|v| serde_json::from_value(v).unwrap()).collect();
        assert_eq!(read, sent);
        // Text data keeps its line breaks.
        let text = encode_item(Framing::EventStream, ItemFormat::Text, &Event::new("a\nb")).unwrap();
        assert_eq!(text, b"data: a\ndata: b\n\n");
        assert_eq!(decode_all(Framing::EventStream, ItemFormat::Text, &text).unwrap(), [serde_json::json!({"data": "a\nb"})]);
        assert!(encode_item(Framing::EventStream, ItemFormat::Json, &Event::new(1).with_id("a\nb")).is_err());
    }

    #[test]
    fn a_bad_item_names_its_place() {
        let error = decode_all(Framing::JsonLines, ItemFormat::Json, b"1\n{\"a\": tru}\n").unwrap_err();
        assert!(error.starts_with("[1]"), "{error}");
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Item {
            n: u32,
        }
        let frame = Frame::Event { event: None, data: "{\"n\": \"x\"}".into(), id: None, retry: None };
        let error = frame.decode::<Event<Item>>(ItemFormat::Json, 4).unwrap_err();
        assert_eq!(error.path, "[4].data.n");
    }
}
