//! Synthesizes JSON instances of IR types: deterministic for a seed, valid against the schema
//! they come from (formats, enums, bounds, lengths, item counts), the spec's own examples and
//! defaults first. Used for round-trip tests and mock data.

use serde_json::{Map, Number, Value, json};

use crate::ir::{Additional, Api, Constraints, Field, IntWidth, TypeKind, TypeRef};

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
/// so recursive schemas give finite instances.
const MAX_DEPTH: usize = 4;

pub struct Synth<'a> {
    api: &'a Api,
    fill: Fill,
    seed: u64,
}

impl<'a> Synth<'a> {
    pub fn new(api: &'a Api, fill: Fill, seed: u64) -> Self {
        Synth { api, fill, seed }
    }

    /// An instance of the named type. The same seed gives the same instance, whatever else
    /// was synthesized before.
    pub fn named(&self, name: &str) -> Value {
        let mut rng = Rng::new(self.seed ^ fnv(name));
        self.named_at(name, 0, &mut rng)
    }

    /// An instance of any type use.
    pub fn value(&self, ty: &TypeRef, constraints: &Constraints, context: &str) -> Value {
        let mut rng = Rng::new(self.seed ^ fnv(context));
        self.of(ty, constraints, 0, &mut rng)
    }

    fn named_at(&self, name: &str, depth: usize, rng: &mut Rng) -> Value {
        let Some(def) = self.api.types.get(name) else { return Value::Null };
        match &def.kind {
            TypeKind::Struct { fields, additional, .. } => self.object(fields, additional, depth, rng),
            TypeKind::Enum { variants, .. } => match variants.len() {
                0 => Value::String("value".into()),
                n => Value::String(variants[rng.below(n as u64) as usize].value.clone()),
            },
            TypeKind::Newtype { inner, constraints } => self.of(inner, constraints, depth, rng),
            TypeKind::Union { variants } => match variants.first() {
                Some(v) => self.of(&v.ty, &Constraints::default(), depth + 1, rng),
                None => Value::Null,
            },
        }
    }

    fn object(&self, fields: &[Field], additional: &Additional, depth: usize, rng: &mut Rng) -> Value {
        let mut map = Map::new();
        let shallow = depth >= MAX_DEPTH;
        for field in fields {
            let include = field.required || field.undeclared || (self.fill != Fill::Minimal && !shallow && !(field.boxed && depth >= 1));
            if !include {
                continue;
            }
            let value = if self.fill == Fill::Nulls && field.nullable {
                Value::Null
            } else if let Some(example) = field.example.clone().filter(|_| self.fill != Fill::Minimal) {
                example
            } else if let Some(default) = field.default.clone() {
                default
            } else if field.undeclared {
                json!("value")
            } else {
                self.of(&field.ty, &field.constraints, depth + 1, rng)
            };
            map.insert(field.json_name.clone(), value);
        }
        if self.fill != Fill::Minimal && !shallow {
            let key = free_key(&map);
            match additional {
                Additional::Forbidden => {}
                Additional::Any => {
                    map.insert(key, json!("extra"));
                }
                Additional::Typed(ty) => {
                    let value = self.of(ty, &Constraints::default(), depth + 1, rng);
                    map.insert(key, value);
                }
            }
        }
        Value::Object(map)
    }

    fn of(&self, ty: &TypeRef, c: &Constraints, depth: usize, rng: &mut Rng) -> Value {
        match ty {
            TypeRef::String => Value::String(string(c, rng)),
            TypeRef::Integer(width) => Value::Number(integer(c, *width, rng).into()),
            TypeRef::Number => Number::from_f64(number(c, rng)).map(Value::Number).unwrap_or(Value::Null),
            TypeRef::Boolean => Value::Bool(rng.below(2) == 1),
            TypeRef::Any => json!({ "any": "value" }),
            TypeRef::Array(item) => {
                let min = c.min_items.unwrap_or(0);
                let wanted = if self.fill == Fill::Minimal || depth >= MAX_DEPTH { min } else { min.max(2) };
                let count = c.max_items.map_or(wanted, |max| wanted.min(max));
                let item_constraints = c.items.as_deref().cloned().unwrap_or_default();
                let items: Vec<Value> = (0..count).map(|_| self.of(item, &item_constraints, depth + 1, rng)).collect();
                let items = if c.unique_items { dedup(items) } else { items };
                Value::Array(items)
            }
            TypeRef::Map(value) => {
                let mut map = Map::new();
                if self.fill != Fill::Minimal && depth < MAX_DEPTH {
                    let value_constraints = c.items.as_deref().cloned().unwrap_or_default();
                    map.insert("key1".into(), self.of(value, &value_constraints, depth + 1, rng));
                }
                Value::Object(map)
            }
            TypeRef::Named(name) => self.named_at(name, depth, rng),
        }
    }
}

fn free_key(map: &Map<String, Value>) -> String {
    let mut key = "x-extra".to_string();
    while map.contains_key(&key) {
        key.push('_');
    }
    key
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

fn string(c: &Constraints, rng: &mut Rng) -> String {
    let n = rng.below(1000);
    let text = match c.format.as_deref() {
        Some("date-time") => format!("2024-{:02}-{:02}T{:02}:{:02}:00Z", 1 + n % 12, 1 + n % 28, n % 24, n % 60),
        Some("date") => format!("2024-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
        Some("uri") | Some("url") => format!("https://example.com/resource/{n}"),
        Some("email") => format!("user{n}@example.com"),
        Some("uuid") => format!("00000000-0000-4000-8000-{n:012}"),
        Some("byte") => "cm9ja2V0Z2Vu".to_string(),
        Some("ipv4") => format!("192.0.2.{}", n % 255),
        _ => format!("text-{n}"),
    };
    let min = c.min_length.unwrap_or(0);
    let mut text = text;
    while text.chars().count() < min {
        text.push('x');
    }
    if let Some(max) = c.max_length {
        text = text.chars().take(max).collect();
    }
    text
}

fn bounds(c: &Constraints, low: f64, high: f64) -> (f64, f64) {
    let mut min = c.minimum.unwrap_or(low);
    let mut max = c.maximum.unwrap_or(high.max(min + 100.0));
    if c.exclusive_minimum {
        min += 1.0;
    }
    if c.exclusive_maximum {
        max -= 1.0;
    }
    if max < min { (min, min) } else { (min, max) }
}

fn integer(c: &Constraints, width: IntWidth, rng: &mut Rng) -> i64 {
    let limit = match width {
        IntWidth::I32 => i32::MAX as f64,
        IntWidth::I64 => 1e15,
    };
    let (min, max) = bounds(c, 0.0, 100.0);
    let (min, max) = (min.clamp(-limit, limit).ceil() as i64, max.clamp(-limit, limit).floor() as i64);
    let span = (max - min).clamp(0, 100) as u64;
    min + rng.below(span + 1) as i64
}

fn number(c: &Constraints, rng: &mut Rng) -> f64 {
    let (min, max) = bounds(c, 0.0, 100.0);
    let span = (max - min).min(100.0);
    // Whole numbers, written as JSON integers by the spec's servers and as floats by Rust; a
    // half keeps the value away from exclusive bounds.
    let value = min + (rng.below(span.max(0.0) as u64 + 1) as f64);
    if value + 0.5 <= max { value + 0.5 } else { value }
}

/// splitmix64: tiny, fast and the same everywhere.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed)
    }

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

/// FNV-1a, to seed each named type independently of the order of synthesis.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}
