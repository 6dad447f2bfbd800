//! Responses as HTTP carries them, and the typed response enums of an API crate, which know
//! how to become one and how to be read from one ([`OperationResponse`]): the mapping between
//! statuses and variants is written once per operation, in the API crate, and the server and
//! the client each make one call.
//!
//! ```
//! use rocketgen_runtime::RawResponse;
//!
//! let sent = RawResponse::json(200, "application/json", &serde_json::json!({"id": 7})).with_header("x-total", &3);
//! assert_eq!(sent.read_header::<u32>("items.getItem", "X-Total").unwrap(), 3);
//! let item: serde_json::Value = sent.read_json("items.getItem").unwrap();
//! assert_eq!(item["id"], 7);
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::meta::{Framing, binary_content_type, received_binary};
use crate::stream::{BodyStream, Decoded, Encoded, Event, Frame, ItemFormat, Streamed, encode_item};
use crate::{Binary, Error};

/// A response as HTTP carries it: also what a response enum keeps of a status the spec does
/// not declare for the operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// A streamed body still arriving (or still to be sent), in place of `body`.
    #[serde(skip)]
    pub stream: Option<BodyStream>,
}

/// A response enum of an API crate: one variant per status the spec declares for an operation.
pub trait OperationResponse: Sized {
    /// The operation's tool name, e.g. `account.getAccount`, as errors name it.
    const OPERATION: &'static str;

    /// The response as it is sent: status, headers (the content type among them) and body.
    fn into_raw(self) -> RawResponse;

    /// The variant a received response is: a declared status whose body or headers do not
    /// match the spec is an [`Error::Decode`] naming where.
    fn from_raw(raw: RawResponse) -> Result<Self, Error>;
}

impl RawResponse {
    /// A response without a body.
    pub fn empty(status: u16) -> Self {
        RawResponse { status, headers: Vec::new(), body: Vec::new(), stream: None }
    }

    /// A JSON body of the declared media type. A body that cannot be serialized (a map with
    /// keys JSON cannot hold, a `Serialize` that fails) is a 500 that says so.
    pub fn json<T: Serialize>(status: u16, media_type: &str, body: &T) -> Self {
        // Per body type only the serialization; the rest is compiled once.
        RawResponse::json_text(status, media_type, serde_json::to_vec(body))
    }

    fn json_text(status: u16, media_type: &str, text: Result<Vec<u8>, serde_json::Error>) -> Self {
        match text {
            Ok(body) => RawResponse { status, headers: vec![content_type(media_type)], body, stream: None },
            Err(e) => RawResponse::unserializable(format!("the response body could not be serialized: {e}")),
        }
    }

    fn unserializable(message: String) -> Self {
        let body = serde_json::json!({ "code": 500, "message": message }).to_string().into_bytes();
        RawResponse { status: 500, headers: vec![content_type("application/json")], body, stream: None }
    }

    /// Server-sent events whose data is JSON.
    pub fn event_stream<T: Serialize + Send + 'static>(status: u16, media_type: &str, events: Streamed<Event<T>>) -> Self {
        RawResponse::streamed(status, media_type, Framing::EventStream, ItemFormat::Json, events)
    }

    /// Server-sent events whose data is plain text.
    pub fn text_event_stream(status: u16, media_type: &str, events: Streamed<Event<String>>) -> Self {
        RawResponse::streamed(status, media_type, Framing::EventStream, ItemFormat::Text, events)
    }

    /// JSON values one per line (`application/x-ndjson`, `application/jsonl`).
    pub fn json_lines<T: Serialize + Send + 'static>(status: u16, media_type: &str, items: Streamed<T>) -> Self {
        RawResponse::streamed(status, media_type, Framing::JsonLines, ItemFormat::Json, items)
    }

    /// JSON values each after a record separator (`application/json-seq`).
    pub fn json_seq<T: Serialize + Send + 'static>(status: u16, media_type: &str, items: Streamed<T>) -> Self {
        RawResponse::streamed(status, media_type, Framing::JsonSeq, ItemFormat::Json, items)
    }

    /// Items in hand are written at once (an item that cannot be serialized is a 500 that says
    /// so); a live stream is written item by item as it is sent.
    fn streamed<T: Serialize + Send + 'static>(status: u16, media_type: &str, framing: Framing, format: ItemFormat, items: Streamed<T>) -> Self {
        let headers = vec![content_type(media_type)];
        match items.into_items() {
            Ok(items) => {
                let mut body = Vec::new();
                for item in &items {
                    match encode_item(framing, format, item) {
                        Ok(bytes) => body.extend(bytes),
                        Err(e) => return RawResponse::unserializable(format!("a streamed item could not be serialized: {e}")),
                    }
                }
                RawResponse { status, headers, body, stream: None }
            }
            Err(live) => RawResponse { status, headers, body: Vec::new(), stream: Some(BodyStream::new(Encoded::new(live, framing, format))) },
        }
    }

    /// Server-sent events whose data is JSON of type `T`.
    pub fn read_event_stream<T: DeserializeOwned + Send + 'static>(&self, operation: &'static str) -> Result<Streamed<Event<T>>, Error> {
        self.read_streamed(operation, Framing::EventStream, ItemFormat::Json)
    }

    /// Server-sent events whose data is plain text.
    pub fn read_text_event_stream(&self, operation: &'static str) -> Result<Streamed<Event<String>>, Error> {
        self.read_streamed(operation, Framing::EventStream, ItemFormat::Text)
    }

    /// JSON values one per line.
    pub fn read_json_lines<T: DeserializeOwned + Send + 'static>(&self, operation: &'static str) -> Result<Streamed<T>, Error> {
        self.read_streamed(operation, Framing::JsonLines, ItemFormat::Json)
    }

    /// JSON values each after a record separator.
    pub fn read_json_seq<T: DeserializeOwned + Send + 'static>(&self, operation: &'static str) -> Result<Streamed<T>, Error> {
        self.read_streamed(operation, Framing::JsonSeq, ItemFormat::Json)
    }

    /// A body still arriving is decoded item by item as it comes (a bad item ends the stream
    /// with an [`Error::Decode`] naming it); a body received whole is decoded at once.
    fn read_streamed<T: DeserializeOwned + Send + 'static>(&self, operation: &'static str, framing: Framing, format: ItemFormat) -> Result<Streamed<T>, Error> {
        if let Some(stream) = &self.stream {
            let chunks = stream.take().ok_or_else(|| Error::other(format!("{operation}: the streamed body was read already")))?;
            return Ok(Streamed::from_stream(Decoded::<T>::new(operation, self.status, framing, format, chunks)));
        }
        let mut deframer = crate::stream::Deframer::new(framing);
        let framed = |result: Result<Vec<Frame>, String>| result.map_err(|message| self.decode_error(operation, String::new(), message));
        let mut frames = framed(deframer.push(&self.body))?;
        frames.extend(framed(deframer.finish())?);
        let items = frames.into_iter().enumerate().map(|(i, frame)| frame.decode(format, i).map_err(|e| self.decode_error(operation, e.path, e.message)));
        items.collect::<Result<Vec<T>, Error>>().map(Streamed::from)
    }

    /// A text body of the declared media type.
    pub fn text(status: u16, media_type: &str, body: String) -> Self {
        RawResponse::bytes(status, media_type, body.into_bytes())
    }

    /// Bytes already encoded as `media_type` says.
    pub(crate) fn bytes(status: u16, media_type: &str, body: Vec<u8>) -> Self {
        RawResponse { status, headers: vec![content_type(media_type)], body, stream: None }
    }

    /// A body of raw bytes, with their own content type where they carry one.
    pub fn binary(status: u16, media_type: &str, body: Binary) -> Self {
        let headers = vec![content_type(binary_content_type(&body, Some(media_type)))];
        RawResponse { status, headers, body: body.bytes, stream: None }
    }

    /// The response with a header whose value is any serializable value, written as text.
    pub fn with_header<T: Serialize>(mut self, name: &str, value: &T) -> Self {
        self.headers.push((name.to_ascii_lowercase(), header_text(value)));
        self
    }

    /// The response with a header where there is a value.
    pub fn with_optional_header<T: Serialize>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.with_header(name, value),
            None => self,
        }
    }

    /// The JSON body, or a decoding error naming the JSON path that failed.
    pub fn read_json<T: DeserializeOwned>(&self, operation: &'static str) -> Result<T, Error> {
        // Per body type only the read (a match: `map_err` and a closure would be two more
        // instances per type); the path of a failure is worked out only when there is one.
        match serde_json::from_slice(&self.body) {
            Ok(value) => Ok(value),
            Err(e) => Err(self.json_error(operation, &e)),
        }
    }

    /// The decoding error of a JSON body, naming the JSON path where `e` happened.
    fn json_error(&self, operation: &'static str, e: &serde_json::Error) -> Error {
        let (path, message) = crate::json_path::locate(&self.body, e);
        self.decode_error(operation, path, message)
    }

    /// The body as text.
    pub fn read_text(&self, operation: &'static str) -> Result<String, Error> {
        String::from_utf8(self.body.clone()).map_err(|e| self.decode_error(operation, String::new(), format!("not UTF-8 text: {e}")))
    }

    /// The body as raw bytes, with its content type where it says more than the spec's.
    pub fn read_binary(&self, media_type: &str) -> Binary {
        received_binary(self.body.clone(), None, self.header_value("content-type"), Some(media_type))
    }

    /// A header's value, read as the type the spec gives it.
    pub fn read_header<T: DeserializeOwned>(&self, operation: &'static str, name: &str) -> Result<T, Error> {
        self.read_optional_header(operation, name)?.ok_or_else(|| self.decode_error(operation, format!("header `{name}`"), "is missing".to_string()))
    }

    /// A header's value if present, read as the type the spec gives it.
    pub fn read_optional_header<T: DeserializeOwned>(&self, operation: &'static str, name: &str) -> Result<Option<T>, Error> {
        let Some(text) = self.header_value(name) else { return Ok(None) };
        // A number or a boolean is read as such; anything else, and a text type, as the text.
        let value = serde_json::from_str::<Value>(text).ok().filter(|v| !v.is_string()).unwrap_or_else(|| Value::String(text.to_string()));
        let parsed = serde_json::from_value(value).or_else(|_| serde_json::from_value(Value::String(text.to_string())));
        parsed.map(Some).map_err(|e| self.decode_error(operation, format!("header `{name}`"), e.to_string()))
    }

    /// The first value of a header, its name in any case.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn decode_error(&self, operation: &'static str, path: String, message: String) -> Error {
        Error::Decode { operation, status: self.status, path, message, body: self.body.clone() }
    }
}

fn content_type(media_type: &str) -> (String, String) {
    ("content-type".to_string(), media_type.to_string())
}

/// The text of a header value given as any serializable value: a string as it is, anything else
/// as its JSON text.
fn header_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_read_as_their_types() {
        let raw = RawResponse::empty(204).with_header("X-Count", &12).with_header("x-flag", &true).with_header("x-id", &"007");
        assert_eq!(raw.headers[0], ("x-count".to_string(), "12".to_string()));
        assert_eq!(raw.read_header::<i64>("op", "x-count").unwrap(), 12);
        assert!(raw.read_header::<bool>("op", "x-flag").unwrap());
        // A text header that looks like a number stays text.
        assert_eq!(raw.read_header::<String>("op", "x-id").unwrap(), "007");
        assert_eq!(raw.read_optional_header::<String>("op", "x-missing").unwrap(), None);
        let missing = raw.read_header::<String>("op", "x-missing").unwrap_err();
        assert_eq!(missing.to_string(), "op: response 204 does not match the spec at header `x-missing`: is missing");
    }

    #[test]
    fn a_body_that_does_not_match_names_the_path() {
        let raw = RawResponse { status: 200, headers: Vec::new(), body: br#"{"items": [1, "two"]}"#.to_vec(), stream: None };
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Page {
            items: Vec<u32>,
        }
        let err = raw.read_json::<Page>("op").unwrap_err();
        assert!(matches!(&err, Error::Decode { path, .. } if path == "items[1]"), "{err}");
    }

    #[test]
    fn binary_bodies_keep_their_own_content_type() {
        let sent = RawResponse::binary(200, "image/*", Binary { bytes: vec![1, 2], content_type: Some("image/png".into()), ..Binary::default() });
        assert_eq!(sent.header_value("Content-Type"), Some("image/png"));
        let received = sent.read_binary("image/*");
        assert_eq!((received.bytes, received.content_type.as_deref()), (vec![1, 2], Some("image/png")));
    }

    #[test]
    fn a_body_that_cannot_be_serialized_is_a_500() {
        let body: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let sent = RawResponse::json(200, "application/json", &body);
        assert_eq!(sent.status, 500);
        let error: Value = sent.read_json("op").unwrap();
        assert!(error["message"].as_str().unwrap().starts_with("the response body could not be serialized"), "{error}");
    }

    #[test]
    fn text_that_is_not_utf8_is_a_decode_error() {
        let raw = RawResponse { status: 200, headers: Vec::new(), body: vec![0xff], stream: None };
        assert!(matches!(raw.read_text("op"), Err(Error::Decode { status: 200, .. })));
        assert_eq!(RawResponse::text(200, "text/plain", "hi".into()).read_text("op").unwrap(), "hi");
    }
}
