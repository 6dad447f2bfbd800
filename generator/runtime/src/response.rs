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

use crate::meta::{binary_content_type, received_binary};
use crate::{Binary, Error};

/// A response as HTTP carries it: also what a response enum keeps of a status the spec does
/// not declare for the operation.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawResponse {
    pub status: u16,
    /// Header names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
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
        RawResponse { status, headers: Vec::new(), body: Vec::new() }
    }

    /// A JSON body of the declared media type. A body that cannot be serialized (a map with
    /// keys JSON cannot hold, a `Serialize` that fails) is a 500 that says so.
    pub fn json<T: Serialize>(status: u16, media_type: &str, body: &T) -> Self {
        match serde_json::to_vec(body) {
            Ok(body) => RawResponse { status, headers: vec![content_type(media_type)], body },
            Err(e) => {
                let message = format!("the response body could not be serialized: {e}");
                let body = serde_json::json!({ "code": 500, "message": message }).to_string().into_bytes();
                RawResponse { status: 500, headers: vec![content_type("application/json")], body }
            }
        }
    }

    /// A text body of the declared media type.
    pub fn text(status: u16, media_type: &str, body: String) -> Self {
        RawResponse { status, headers: vec![content_type(media_type)], body: body.into_bytes() }
    }

    /// A body of raw bytes, with their own content type where they carry one.
    pub fn binary(status: u16, media_type: &str, body: Binary) -> Self {
        let headers = vec![content_type(binary_content_type(&body, Some(media_type)))];
        RawResponse { status, headers, body: body.bytes }
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
        // The plain path is the fast one; the path of a failure is worked out only when there is one.
        if let Ok(value) = serde_json::from_slice(&self.body) {
            return Ok(value);
        }
        let mut deserializer = serde_json::Deserializer::from_slice(&self.body);
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| self.decode_error(operation, e.path().to_string(), e.inner().to_string()))
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
        let raw = RawResponse { status: 200, headers: Vec::new(), body: br#"{"items": [1, "two"]}"#.to_vec() };
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
        let raw = RawResponse { status: 200, headers: Vec::new(), body: vec![0xff] };
        assert!(matches!(raw.read_text("op"), Err(Error::Decode { status: 200, .. })));
        assert_eq!(RawResponse::text(200, "text/plain", "hi".into()).read_text("op").unwrap(), "hi");
    }
}
