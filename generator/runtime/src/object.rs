//! Objects that keep the properties the spec does not name: read whole into a JSON map, each
//! named field taken out of it by name, the rest kept. Generated `Deserialize` impls of such
//! structs call these instead of `#[serde(flatten)]`, which buffers every field through serde's
//! `Content` and so compiles a second deserializer for every field's type.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Error as _};
use serde_json::{Map, Value};

/// An object as read, before its named fields are taken out.
pub type Object = Map<String, Value>;

/// Reads an object whole.
pub fn read<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Object, D::Error> {
    Object::deserialize(deserializer)
}

/// A field the struct always has: an absent one is an error, except where the type reads
/// `null` (an `Option`, any JSON value).
pub fn required<T: DeserializeOwned>(object: &mut Object, name: &'static str) -> Result<T, serde_json::Error> {
    match object.shift_remove(name) {
        Some(value) => T::deserialize(value).map_err(|e| in_field(name, e)),
        None => T::deserialize(Value::Null).map_err(|_| serde_json::Error::missing_field(name)),
    }
}

/// A field that may be absent; `null` reads as absent.
pub fn optional<T: DeserializeOwned>(object: &mut Object, name: &str) -> Result<Option<T>, serde_json::Error> {
    match object.shift_remove(name) {
        Some(value) => Option::<T>::deserialize(value).map_err(|e| in_field(name, e)),
        None => Ok(None),
    }
}

/// A field that may be absent, `null` or a value: `None`, `Some(None)`, `Some(Some(value))`.
pub fn nullable<T: DeserializeOwned>(object: &mut Object, name: &str) -> Result<Option<Option<T>>, serde_json::Error> {
    match object.shift_remove(name) {
        Some(value) => Option::<T>::deserialize(value).map(Some).map_err(|e| in_field(name, e)),
        None => Ok(None),
    }
}

/// The properties left once the named fields are out, each of the type the spec gives them.
pub fn rest<T: DeserializeOwned>(object: Object) -> Result<std::collections::BTreeMap<String, T>, serde_json::Error> {
    object.into_iter().map(|(name, value)| T::deserialize(value).map(|v| (name.clone(), v)).map_err(|e| in_field(&name, e))).collect()
}

/// The error of one field, naming it.
fn in_field(name: &str, error: serde_json::Error) -> serde_json::Error {
    serde_json::Error::custom(format!("{name}: {error}"))
}
