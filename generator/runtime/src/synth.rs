//! Synthesizes JSON values from the metadata: deterministic for a seed, valid against the
//! schema they come from (formats, enums, bounds, lengths, item counts), the spec's own
//! examples and defaults first. Mocks answer with these; tests round-trip them.

use serde_json::{Map, Number, Value, json};

use crate::meta::{Additional, Constraints, FieldMeta, Framing, OperationMeta, Ty, TypeMeta, TypeMetaKind};

/// How much of an object to fill in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    /// Required properties only.
    Minimal,
    /// Every property, and one extra property where the schema allows extras.
    Full,
    /// Every property, with `null` for each that is nullable.
    Nulls,
}

/// Beyond this depth only required properties are filled and arrays stay as short as allowed,
/// so recursive schemas give finite values.
const MAX_DEPTH: usize = 4;

/// How many items a synthesized stream holds.
pub const STREAMED_ITEMS: usize = 3;

#[derive(Debug, Clone, Copy)]
pub struct Synth {
    pub fill: Fill,
    pub seed: u64,
}

impl Synth {
    pub fn new(fill: Fill, seed: u64) -> Self {
        Synth { fill, seed }
    }

    /// A value of a named type. The same seed gives the same value, whatever was made before.
    pub fn named(&self, meta: &TypeMeta<'_>) -> Value {
        let mut rng = Rng(self.seed ^ fnv(meta.name));
        self.named_at(meta, 0, &mut rng)
    }

    /// A value of a type use; `context` (an operation and place, say) varies it.
    pub fn value(&self, ty: &Ty<'_>, constraints: &Constraints<'_>, context: &str) -> Value {
        let mut rng = Rng(self.seed ^ fnv(context));
        self.of(ty, constraints, 0, &mut rng)
    }

    /// The fields of a request of `op`, as its request type serializes: each parameter under
    /// its field, the body under `body`; valid against the spec, so a server accepts it.
    pub fn request(&self, op: &OperationMeta<'_>) -> Map<String, Value> {
        let mut request = Map::new();
        for param in op.params {
            request.insert(param.field.to_string(), self.value(param.ty, param.constraints, param.name));
        }
        if let Some(body) = &op.body {
            request.insert("body".into(), self.value(body.ty, &Constraints::NONE, "body"));
        }
        request
    }

    /// The JSON form of a response of `op` (see [`crate::response_json`]; a streamed body:
    /// [`STREAMED_ITEMS`] items) with status `status`, or `None` if the operation declares no
    /// such status.
    pub fn response(&self, op: &OperationMeta<'_>, status: u16) -> Option<Value> {
        let meta = op.response(status)?;
        let context = format!("{}/{}", op.tool_name, meta.variant);
        let body = meta.body.map(|ty| match meta.stream {
            // A finite stream of a few items, events numbered by their id.
            Some(framing) => Value::Array(
                (1..=STREAMED_ITEMS)
                    .map(|n| {
                        let item = self.value(ty, &Constraints::NONE, &format!("{context}/{n}"));
                        if framing == Framing::EventStream { json!({ "data": item, "id": n.to_string() }) } else { item }
                    })
                    .collect(),
            ),
            None => self.value(ty, &Constraints::NONE, &context),
        });
        let has_status = meta.status.code().is_none();
        if !has_status && meta.headers.is_empty() {
            return Some(match body {
                Some(body) => json!({ meta.variant: body }),
                None => json!(meta.variant),
            });
        }
        let mut fields = Map::new();
        if has_status {
            fields.insert("status".into(), json!(status));
        }
        if let Some(body) = body {
            fields.insert("body".into(), body);
        }
        for header in meta.headers {
            let value = if header.name == "location" {
                json!("https://example.com/elsewhere")
            } else {
                self.value(header.ty, &Constraints::NONE, &format!("{context}/{}", header.name))
            };
            fields.insert(header.field.into(), value);
        }
        Some(json!({ meta.variant: fields }))
    }

    /// The first success status an operation declares (else its first status, else 200).
    pub fn success_status(op: &OperationMeta<'_>) -> u16 {
        let codes = || op.responses.iter().filter_map(|r| r.status.code());
        codes().find(|code| (200..300).contains(code)).or_else(|| codes().next()).unwrap_or(200)
    }

    fn named_at(&self, meta: &TypeMeta<'_>, depth: usize, rng: &mut Rng) -> Value {
        match meta.kind() {
            TypeMetaKind::Struct { fields, additional } => self.object(fields, additional, depth, rng),
            TypeMetaKind::Enum { values } => match values.len() {
                0 => Value::String("value".into()),
                n => Value::String(values[rng.below(n as u64) as usize].to_string()),
            },
            TypeMetaKind::Newtype(inner, constraints) => self.of(inner, constraints, depth, rng),
            TypeMetaKind::Union(variants) => match variants.first() {
                Some(ty) => self.of(ty, &Constraints::NONE, depth + 1, rng),
                None => Value::Null,
            },
            // A variant by its tag value, with the tag set to that value.
            TypeMetaKind::Tagged { property, variants, values } => match values.get(rng.below(values.len().max(1) as u64) as usize) {
                Some(&(tag, index)) => {
                    let mut value = self.of(variants[index], &Constraints::NONE, depth + 1, rng);
                    if let Value::Object(map) = &mut value {
                        map.insert(property.to_string(), Value::String(tag.to_string()));
                    }
                    value
                }
                None => variants.first().map_or(Value::Null, |ty| self.of(ty, &Constraints::NONE, depth + 1, rng)),
            },
        }
    }

    fn object(&self, fields: &[FieldMeta<'_>], additional: &Additional<'_>, depth: usize, rng: &mut Rng) -> Value {
        let mut map = Map::new();
        let shallow = depth >= MAX_DEPTH;
        for field in fields {
            let recursive = matches!(field.ty, Ty::Named(_)) && depth >= 2;
            let include = field.required || field.undeclared || (self.fill != Fill::Minimal && !shallow && !recursive);
            if !include {
                continue;
            }
            let parsed = |text: Option<&str>| text.and_then(|t| serde_json::from_str::<Value>(t).ok());
            let value = if self.fill == Fill::Nulls && field.nullable {
                Value::Null
            } else if let Some(example) = parsed(field.example).filter(|_| self.fill != Fill::Minimal) {
                example
            } else if let Some(default) = parsed(field.default) {
                default
            } else if field.undeclared {
                json!("value")
            } else {
                self.of(field.ty, field.constraints, depth + 1, rng)
            };
            map.insert(field.name.to_string(), value);
        }
        if self.fill != Fill::Minimal && !shallow {
            let mut key = "x-extra".to_string();
            while map.contains_key(&key) {
                key.push('_');
            }
            match additional {
                Additional::Forbidden => {}
                Additional::Any => {
                    map.insert(key, json!("extra"));
                }
                Additional::Typed(ty) => {
                    let value = self.of(ty, &Constraints::NONE, depth + 1, rng);
                    map.insert(key, value);
                }
            }
        }
        Value::Object(map)
    }

    fn of(&self, ty: &Ty<'_>, c: &Constraints<'_>, depth: usize, rng: &mut Rng) -> Value {
        match ty {
            Ty::String => Value::String(string(c, rng)),
            Ty::Integer { bits } => Value::Number(integer(c, *bits, rng).into()),
            Ty::Number => Number::from_f64(number(c, rng)).map(Value::Number).unwrap_or(Value::Null),
            Ty::Boolean => Value::Bool(rng.below(2) == 1),
            Ty::Binary => {
                // Bytes that are not UTF-8 and look like multipart delimiters, to prove they pass.
                const BYTES: &[u8] = b"\x00\xff\r\n--=;\"a";
                let count = if self.fill == Fill::Minimal { 0 } else { 1 + rng.below(6) as usize };
                let bytes: Vec<u8> = (0..count).map(|_| BYTES[rng.below(BYTES.len() as u64) as usize]).collect();
                Value::String(crate::meta::Binary::new(bytes).to_text())
            }
            Ty::Any => json!({ "any": "value" }),
            Ty::Array(item, item_constraints) => {
                let min = c.min_items.unwrap_or(0);
                let wanted = if self.fill == Fill::Minimal || depth >= MAX_DEPTH { min } else { min.max(2) };
                let count = c.max_items.map_or(wanted, |max| wanted.min(max));
                let items: Vec<Value> = (0..count).map(|_| self.of(item, item_constraints, depth + 1, rng)).collect();
                Value::Array(if c.unique_items { dedup(items) } else { items })
            }
            Ty::Map(value, value_constraints) => {
                let mut map = Map::new();
                if self.fill != Fill::Minimal && depth < MAX_DEPTH {
                    map.insert("key1".into(), self.of(value, value_constraints, depth + 1, rng));
                }
                Value::Object(map)
            }
            Ty::Named(meta) => self.named_at(meta, depth, rng),
        }
    }
}

fn dedup(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

fn string(c: &Constraints<'_>, rng: &mut Rng) -> String {
    let n = rng.below(1000);
    let mut text = match c.format {
        Some("date-time") => format!("2024-{:02}-{:02}T{:02}:{:02}:00Z", 1 + n % 12, 1 + n % 28, n % 24, n % 60),
        Some("date") => format!("2024-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
        Some("time") => format!("{:02}:{:02}:00Z", n % 24, n % 60),
        Some("uri") | Some("url") => format!("https://example.com/resource/{n}"),
        Some("email") => format!("user{n}@example.com"),
        Some("uuid") => format!("00000000-0000-4000-8000-{n:012}"),
        Some("byte") => "cm9ja2V0Z2Vu".to_string(),
        Some("ipv4") => format!("192.0.2.{}", n % 255),
        Some("ipv6") => format!("2001:db8::{n:x}"),
        _ => format!("text-{n}"),
    };
    if let Some(matching) = pattern_candidate(c, &text) {
        text = matching;
    }
    let min = c.min_length.unwrap_or(0);
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = c.max_length {
        text = text.chars().take(max).collect();
    }
    text
}

/// A text matching the string's `pattern` when the format's text does not: the first of a few
/// plain shapes that fits (`None` keeps the text; a pattern none fits is left unmet).
#[cfg(feature = "pattern")]
fn pattern_candidate(c: &Constraints<'_>, text: &str) -> Option<String> {
    use crate::pattern::matches_pattern;
    let pattern = c.pattern?;
    if matches_pattern(pattern, text) != Some(false) {
        return None;
    }
    const SHAPES: &[&str] = &["a", "abc", "A", "ABC", "1", "123", "a1", "A1", "abc-123", "abc_123", "ABC123", "abc.def", "0", "x@y.z"];
    SHAPES.iter().find(|shape| matches_pattern(pattern, shape) == Some(true)).map(|shape| shape.to_string())
}

#[cfg(not(feature = "pattern"))]
fn pattern_candidate(_: &Constraints<'_>, _: &str) -> Option<String> {
    None
}

/// The multiple of `multipleOf` nearest to `value` within the bounds (`value` without one).
fn step(c: &Constraints<'_>, value: f64) -> f64 {
    let Some(step) = c.multiple_of.filter(|s| *s > 0.0) else { return value };
    let (min, max) = bounds(c);
    let nearest = (value / step).round() * step;
    if nearest < min {
        (min / step).ceil() * step
    } else if nearest > max {
        (max / step).floor() * step
    } else {
        nearest
    }
}

fn bounds(c: &Constraints<'_>) -> (f64, f64) {
    let mut min = c.minimum.unwrap_or(0.0);
    let mut max = c.maximum.unwrap_or(min + 100.0);
    if c.exclusive_minimum {
        min += 1.0;
    }
    if c.exclusive_maximum {
        max -= 1.0;
    }
    if max < min { (min, min) } else { (min, max) }
}

fn integer(c: &Constraints<'_>, bits: u8, rng: &mut Rng) -> i64 {
    let limit = if bits == 32 { i32::MAX as f64 } else { 1e15 };
    let (min, max) = bounds(c);
    let (min, max) = (min.clamp(-limit, limit).ceil() as i64, max.clamp(-limit, limit).floor() as i64);
    let span = (max - min).clamp(0, 100) as u64;
    let value = min + rng.below(span + 1) as i64;
    if c.multiple_of.is_some() { step(c, value as f64) as i64 } else { value }
}

fn number(c: &Constraints<'_>, rng: &mut Rng) -> f64 {
    let (min, max) = bounds(c);
    let span = (max - min).clamp(0.0, 100.0);
    // Whole numbers where the spec says int32 on a number; otherwise a half, which keeps the
    // value off exclusive bounds and round-trips exactly.
    let value = min + rng.below(span as u64 + 1) as f64;
    let value = if matches!(c.format, Some("int32") | Some("int64") | Some("integer")) || value + 0.5 > max { value } else { value + 0.5 };
    step(c, value)
}

/// splitmix64: tiny, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

/// FNV-1a, to seed each type and place independently of the order of synthesis.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}
