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

/// A response enum's `status()` and its [`OperationResponse`] implementation, from a table of
/// its variants:
///
/// ```text
/// impl_response!(GetPetResponse, "pets.getPet",
///     Ok(200, json("application/json")),
///     NotFound(404, empty),
///     Found(302, empty, location = required("Location")),
///     ServerError((500..=599), text("text/plain")),
///     Default(default, json("application/json")),
/// );
/// ```
///
/// Each variant: its status (a code, a class as a range, or `default`), how its body is
/// carried (`empty`, or a [`RawResponse`] constructor with the media type: `json`, `text`,
/// `binary`, `event_stream`, `text_event_stream`, `json_lines`, `json_seq`), then its headers
/// (field = `required` or `optional`, with the header's name). Codes come first, then
/// classes, then `default`: statuses are matched in that order. A variant with a code and a
/// body alone holds the body (`Ok(T)`); with a code alone, nothing; any other has named
/// fields: `status` unless a code fixes it, `body`, and the headers. A status no variant
/// declares is `Undeclared`, kept whole.
#[macro_export]
macro_rules! impl_response {
    ($name:ident, $operation:literal, $($variant:ident($status:tt, $kind:ident $(($media:literal))? $(, $header:ident = $presence:ident($header_name:literal))* $(,)?)),* $(,)?) => {
        $crate::impl_response!(@impl $name, $operation, raw, status, body, [$($variant $status $kind ($($media)?) [$($header $presence $header_name)*])*]);
    };
    // `raw`, `status` and `body` come from the first expansion, so that the bindings the
    // helpers write and the expressions they write name the same variables.
    (@impl $name:ident, $operation:literal, $raw:ident, $s:ident, $b:ident, [$($v:ident $st:tt $kind:ident $media:tt [$($h:ident $p:ident $hn:literal)*])*]) => {
        impl $name {
            /// The HTTP status of this response.
            #[inline]
            pub fn status(&self) -> u16 {
                match self {
                    $($crate::impl_response!(@status_pattern $v $st $s) => $crate::impl_response!(@code $st *$s),)*
                    Self::Undeclared($raw) => $raw.status,
                }
            }
        }

        impl $crate::OperationResponse for $name {
            const OPERATION: &'static str = $operation;

            // Compiled where it is called (a server, the mock), not in every API crate: a
            // client never sends a response, and this is where a body's serializer is compiled.
            #[inline]
            fn into_raw(self) -> $crate::RawResponse {
                match self {
                    $($crate::impl_response!(@pattern $v $st $kind [$($h)*] $s $b) => $crate::impl_response!(@headers ($crate::impl_response!(@write $st $kind $media $s $b)) $($h $p $hn)*),)*
                    Self::Undeclared($raw) => $raw,
                }
            }

            // Compiled where it is called too: in the crate that awaits a client's call (the
            // call's future is compiled where it is polled), for the operations it calls. A
            // server never reads a response, and this is where a body's deserializer is
            // compiled: in every API crate, it was a quarter of Rocket's build.
            #[inline]
            fn from_raw($raw: $crate::RawResponse) -> Result<Self, $crate::Error> {
                // Tests in the table's order rather than a match, whose last arm a `default`
                // variant would leave unreachable.
                let $s = $raw.status;
                $(if $crate::impl_response!(@received $st $s) {
                    return $crate::impl_response!(@read $raw $v $st $kind $media $s [$($h $p $hn)*]);
                })*
                Ok(Self::Undeclared($raw))
            }
        }
    };
    // The status a variant is sent with: its code, or the status it carries.
    (@code $c:literal $s:expr) => { $c };
    (@code $st:tt $s:expr) => { $s };
    (@status_pattern $v:ident $c:literal $s:ident) => { Self::$v { .. } };
    (@status_pattern $v:ident $st:tt $s:ident) => { Self::$v { $s, .. } };
    // A variant's fields bound by name (a tuple variant's body as `body`).
    (@pattern $v:ident $c:literal empty [] $s:ident $b:ident) => { Self::$v };
    (@pattern $v:ident $c:literal $kind:ident [] $s:ident $b:ident) => { Self::$v($b) };
    (@pattern $v:ident $c:literal empty [$($h:ident)*] $s:ident $b:ident) => { Self::$v { $($h),* } };
    (@pattern $v:ident $c:literal $kind:ident [$($h:ident)*] $s:ident $b:ident) => { Self::$v { $b, $($h),* } };
    (@pattern $v:ident $st:tt empty [$($h:ident)*] $s:ident $b:ident) => { Self::$v { $s, $($h),* } };
    (@pattern $v:ident $st:tt $kind:ident [$($h:ident)*] $s:ident $b:ident) => { Self::$v { $s, $b, $($h),* } };
    (@write $st:tt empty () $s:ident $b:ident) => { $crate::RawResponse::empty($crate::impl_response!(@code $st $s)) };
    (@write $st:tt json ($media:literal) $s:ident $b:ident) => { $crate::RawResponse::json($crate::impl_response!(@code $st $s), $media, &$b) };
    (@write $st:tt $kind:ident ($media:literal) $s:ident $b:ident) => { $crate::RawResponse::$kind($crate::impl_response!(@code $st $s), $media, $b) };
    (@headers ($($e:tt)*)) => { $($e)* };
    (@headers ($($e:tt)*) $h:ident required $hn:literal $($rest:tt)*) => {
        $crate::impl_response!(@headers ($($e)*.with_header($hn, &$h)) $($rest)*)
    };
    (@headers ($($e:tt)*) $h:ident optional $hn:literal $($rest:tt)*) => {
        $crate::impl_response!(@headers ($($e)*.with_optional_header($hn, $h.as_ref())) $($rest)*)
    };
    // Whether a received status is the variant's.
    (@received default $s:ident) => { true };
    (@received $c:literal $s:ident) => { $s == $c };
    (@received ($lo:literal ..= $hi:literal) $s:ident) => { ($lo..=$hi).contains(&$s) };
    // A variant that holds its body alone wraps the read (`?`, not `map(Self::Variant)`,
    // which would compile one `map` and one closure call per variant).
    (@read $raw:ident $v:ident $c:literal empty () $s:ident []) => { Ok(Self::$v) };
    (@read $raw:ident $v:ident $c:literal $kind:ident $m:tt $s:ident []) => { Ok(Self::$v($crate::impl_response!(@body $raw $kind $m))) };
    (@read $raw:ident $v:ident $c:literal empty () $s:ident [$($h:ident $p:ident $hn:literal)*]) => {
        Ok(Self::$v { $($h: $crate::impl_response!(@header $raw $p $hn),)* })
    };
    (@read $raw:ident $v:ident $c:literal $kind:ident $m:tt $s:ident [$($h:ident $p:ident $hn:literal)*]) => {
        Ok(Self::$v { body: $crate::impl_response!(@body $raw $kind $m), $($h: $crate::impl_response!(@header $raw $p $hn),)* })
    };
    (@read $raw:ident $v:ident $st:tt empty () $s:ident [$($h:ident $p:ident $hn:literal)*]) => {
        Ok(Self::$v { status: $s, $($h: $crate::impl_response!(@header $raw $p $hn),)* })
    };
    (@read $raw:ident $v:ident $st:tt $kind:ident $m:tt $s:ident [$($h:ident $p:ident $hn:literal)*]) => {
        Ok(Self::$v { status: $s, body: $crate::impl_response!(@body $raw $kind $m), $($h: $crate::impl_response!(@header $raw $p $hn),)* })
    };
    (@body $raw:ident json $m:tt) => { $raw.read_json(Self::OPERATION)? };
    (@body $raw:ident text $m:tt) => { $raw.read_text(Self::OPERATION)? };
    (@body $raw:ident binary ($m:literal)) => { $raw.read_binary($m) };
    (@body $raw:ident event_stream $m:tt) => { $raw.read_event_stream(Self::OPERATION)? };
    (@body $raw:ident text_event_stream $m:tt) => { $raw.read_text_event_stream(Self::OPERATION)? };
    (@body $raw:ident json_lines $m:tt) => { $raw.read_json_lines(Self::OPERATION)? };
    (@body $raw:ident json_seq $m:tt) => { $raw.read_json_seq(Self::OPERATION)? };
    (@header $raw:ident required $n:literal) => { $raw.read_header(Self::OPERATION, $n)? };
    (@header $raw:ident optional $n:literal) => { $raw.read_optional_header(Self::OPERATION, $n)? };
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

    /// Every shape `impl_response!` writes: a body alone, nothing, headers, a class, `default`.
    #[derive(Clone, Debug, PartialEq)]
    enum PetResponse {
        Ok(Vec<u32>),
        NoContent,
        Found { location: String },
        Created { body: String, etag: Option<String> },
        ServerError { status: u16, body: Binary },
        Default { status: u16, body: Value },
        Undeclared(RawResponse),
    }

    impl_response!(
        PetResponse,
        "pets.getPet",
        Ok(200, json("application/json")),
        NoContent(204, empty),
        Found(302, empty, location = required("location")),
        Created(201, text("text/plain"), etag = optional("etag")),
        ServerError((500..=599), binary("application/octet-stream")),
        Default(default, json("application/json")),
    );

    /// Like `PetResponse`, without `default`: a status it does not declare is kept whole.
    #[derive(Debug, PartialEq)]
    enum NoDefaultResponse {
        Ok(String),
        Undeclared(RawResponse),
    }

    impl_response!(NoDefaultResponse, "pets.ping", Ok(200, text("text/plain")));

    fn round_trip(response: PetResponse) -> (u16, PetResponse) {
        let status = response.status();
        let raw = response.into_raw();
        assert_eq!(raw.status, status);
        (status, PetResponse::from_raw(raw).unwrap())
    }

    #[test]
    fn impl_response_writes_and_reads_every_shape() {
        let binary = Binary { bytes: vec![7], ..Binary::default() };
        for response in [
            PetResponse::Ok(vec![1, 2]),
            PetResponse::NoContent,
            PetResponse::Found { location: "/pets/1".into() },
            PetResponse::Created { body: "made".into(), etag: Some("v1".into()) },
            PetResponse::Created { body: "made".into(), etag: None },
            PetResponse::ServerError { status: 503, body: binary },
            PetResponse::Default { status: 418, body: serde_json::json!({"teapot": true}) },
        ] {
            let (_, read) = round_trip(response.clone());
            assert_eq!(read, response);
        }
        assert_eq!(PetResponse::Found { location: "/".into() }.status(), 302);
        assert_eq!(PetResponse::Default { status: 418, body: Value::Null }.status(), 418);
        let found = PetResponse::Found { location: "/pets/1".into() }.into_raw();
        assert_eq!(found.header_value("location"), Some("/pets/1"));
        // A declared status whose body does not match is an error naming the operation.
        let wrong = RawResponse::text(200, "application/json", "no".into());
        assert!(PetResponse::from_raw(wrong).unwrap_err().to_string().starts_with("pets.getPet"));
        // A code is matched before the class and `default`.
        assert!(matches!(PetResponse::from_raw(RawResponse::empty(204)), Ok(PetResponse::NoContent)));
        let missing = PetResponse::from_raw(RawResponse::empty(302)).unwrap_err();
        assert!(missing.to_string().contains("location"), "{missing}");
    }

    #[test]
    fn impl_response_keeps_an_undeclared_status_whole() {
        let teapot = RawResponse::text(418, "text/plain", "short and stout".into());
        let read = NoDefaultResponse::from_raw(teapot).unwrap();
        assert_eq!(read.status(), 418);
        let NoDefaultResponse::Undeclared(raw) = read else { panic!("{read:?}") };
        assert_eq!(raw.read_text("pets.ping").unwrap(), "short and stout");
        assert_eq!(NoDefaultResponse::from_raw(RawResponse::text(200, "text/plain", "pong".into())).unwrap(), NoDefaultResponse::Ok("pong".into()));
    }

    #[test]
    fn text_that_is_not_utf8_is_a_decode_error() {
        let raw = RawResponse { status: 200, headers: Vec::new(), body: vec![0xff], stream: None };
        assert!(matches!(raw.read_text("op"), Err(Error::Decode { status: 200, .. })));
        assert_eq!(RawResponse::text(200, "text/plain", "hi".into()).read_text("op").unwrap(), "hi");
    }
}
