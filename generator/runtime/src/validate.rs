//! Values checked against their declared types and constraints: strictly for requests (what a
//! server accepts), tolerantly for responses (what a client reads). Every refusal names the
//! place: a parameter, or a JSON path such as `body.items[2].type`.

use serde_json::Value;

use crate::formats::check_format;
use crate::meta::{Additional, Constraints, Invalid, Ty, TypeMeta, TypeMetaKind, invalid};
use crate::pattern::matches_pattern;

/// How strictly to validate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strictness {
    /// Requests: enums are closed and `additionalProperties: false` refuses unknown fields.
    Request,
    /// Responses: unknown enum values and fields are tolerated, as the generated types do.
    Response,
}

/// Checks `value` against a type use and its constraints.
pub fn validate(value: &Value, ty: &Ty, constraints: &Constraints, path: &str, strictness: Strictness) -> Result<(), Invalid> {
    match (ty, value) {
        (Ty::Any, _) => Ok(()),
        (Ty::String, Value::String(s)) => check_string(s, constraints, path),
        (Ty::Integer { bits }, Value::Number(n)) => {
            let Some(i) = n.as_i64() else { return Err(invalid(path, "must be an integer")) };
            if *bits == 32 && i32::try_from(i).is_err() {
                return Err(invalid(path, "must be a 32-bit integer"));
            }
            check_number(i as f64, constraints, path)
        }
        (Ty::Number, Value::Number(n)) => check_number(n.as_f64().unwrap_or(f64::NAN), constraints, path),
        (Ty::Boolean, Value::Bool(_)) => Ok(()),
        (Ty::Binary, Value::String(_)) => Ok(()),
        (Ty::Array(item, item_constraints), Value::Array(items)) => {
            if let Some(min) = constraints.min_items
                && items.len() < min
            {
                return Err(invalid(path, format!("must have at least {min} item(s)")));
            }
            if let Some(max) = constraints.max_items
                && items.len() > max
            {
                return Err(invalid(path, format!("must have at most {max} item(s)")));
            }
            if constraints.unique_items {
                for (i, a) in items.iter().enumerate() {
                    if items[..i].contains(a) {
                        return Err(invalid(&format!("{path}[{i}]"), "repeats an earlier item; items must be unique"));
                    }
                }
            }
            for (i, v) in items.iter().enumerate() {
                validate(v, item, item_constraints, &format!("{path}[{i}]"), strictness)?;
            }
            Ok(())
        }
        (Ty::Map(inner, inner_constraints), Value::Object(map)) => {
            check_property_count(map.len(), constraints, path)?;
            for (k, v) in map {
                validate(v, inner, inner_constraints, &format!("{path}.{k}"), strictness)?;
            }
            Ok(())
        }
        (Ty::Named(meta), _) => {
            if let Value::Object(map) = value {
                check_property_count(map.len(), constraints, path)?;
            }
            validate_named(value, meta, path, strictness)
        }
        (_, Value::Null) => Err(invalid(path, format!("must not be null; expected {}", describe(ty)))),
        _ => Err(invalid(path, format!("expected {}", describe(ty)))),
    }
}

fn validate_named(value: &Value, meta: &TypeMeta, path: &str, strictness: Strictness) -> Result<(), Invalid> {
    match meta.kind() {
        TypeMetaKind::Enum { values } => match value {
            Value::String(s) if values.contains(&s.as_str()) || strictness == Strictness::Response => Ok(()),
            Value::String(s) => Err(invalid(path, format!("{s:?} is not one of {}", values.join(", ")))),
            _ => Err(invalid(path, format!("expected a string, one of {}", values.join(", ")))),
        },
        TypeMetaKind::Newtype(inner, constraints) => validate(value, inner, constraints, path, strictness),
        TypeMetaKind::Union(variants) => {
            let mut first_error = None;
            for variant in *variants {
                match validate(value, variant, &Constraints::NONE, path, strictness) {
                    Ok(()) => return Ok(()),
                    Err(e) => {
                        first_error.get_or_insert(e);
                    }
                }
            }
            Err(first_error.unwrap_or_else(|| invalid(path, "matches no variant")))
        }
        TypeMetaKind::Tagged { property, variants, values } => {
            let tag = value.get(*property).and_then(Value::as_str);
            if let Some(&(_, index)) = tag.and_then(|t| values.iter().find(|(v, _)| *v == t)) {
                return validate(value, variants[index], &Constraints::NONE, path, strictness);
            }
            // Members without a tag value are tried as in an untagged union.
            let untagged = variants.iter().enumerate().filter(|(i, _)| !values.iter().any(|(_, j)| j == i));
            for (_, variant) in untagged {
                if validate(value, variant, &Constraints::NONE, path, strictness).is_ok() {
                    return Ok(());
                }
            }
            let known: Vec<&str> = values.iter().map(|(v, _)| *v).collect();
            match (tag, strictness) {
                // Answers may carry variants added since the spec was written.
                (Some(_), Strictness::Response) => Ok(()),
                (Some(t), _) => Err(invalid(&join(path, property), format!("{t:?} is not one of {}", known.join(", ")))),
                (None, _) => Err(invalid(&join(path, property), format!("is required, one of {}", known.join(", ")))),
            }
        }
        TypeMetaKind::Struct { fields, additional } => {
            let Value::Object(map) = value else {
                return Err(invalid(path, format!("expected an object ({})", meta.name)));
            };
            for field in *fields {
                let field_path = join(path, field.name);
                match map.get(field.name) {
                    None if field.required
                        && !(strictness == Strictness::Request && field.read_only)
                        && !(strictness == Strictness::Response && field.write_only) =>
                    {
                        return Err(invalid(&field_path, "is required"));
                    }
                    None => {}
                    Some(Value::Null) if field.nullable => {}
                    Some(v) => validate(v, field.ty, field.constraints, &field_path, strictness)?,
                }
            }
            for (key, v) in map {
                if fields.iter().any(|f| f.name == key) {
                    continue;
                }
                match additional {
                    Additional::Forbidden if strictness == Strictness::Request => {
                        return Err(invalid(&join(path, key), "is not a known field"));
                    }
                    Additional::Typed(ty) => validate(v, ty, &Constraints::NONE, &join(path, key), strictness)?,
                    _ => {}
                }
            }
            Ok(())
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn describe(ty: &Ty) -> String {
    match ty {
        Ty::String => "a string".into(),
        Ty::Integer { .. } => "an integer".into(),
        Ty::Number => "a number".into(),
        Ty::Boolean => "a boolean".into(),
        Ty::Binary => "bytes (base64 text)".into(),
        Ty::Any => "any value".into(),
        Ty::Array(..) => "an array".into(),
        Ty::Map(..) => "an object".into(),
        Ty::Named(meta) => match meta.kind() {
            TypeMetaKind::Enum { values } => format!("one of {}", values.join(", ")),
            TypeMetaKind::Newtype(inner, _) => describe(inner),
            _ => format!("{} (an object)", meta.name),
        },
    }
}

/// Length, `pattern` and `format` of a string.
fn check_string(s: &str, c: &Constraints, path: &str) -> Result<(), Invalid> {
    check_length(s, c, path)?;
    if let Some(pattern) = c.pattern
        && matches_pattern(pattern, s) == Some(false)
    {
        return Err(invalid(path, format!("must match the pattern {pattern}")));
    }
    if let Some(format) = c.format {
        check_format(format, s).map_err(|expected| invalid(path, expected))?;
    }
    Ok(())
}

fn check_length(s: &str, c: &Constraints, path: &str) -> Result<(), Invalid> {
    let len = s.chars().count();
    if let Some(min) = c.min_length
        && len < min
    {
        return Err(invalid(path, format!("must be at least {min} character(s) long")));
    }
    if let Some(max) = c.max_length
        && len > max
    {
        return Err(invalid(path, format!("must be at most {max} character(s) long")));
    }
    Ok(())
}

/// Bounds and `multipleOf` of a number.
fn check_number(x: f64, c: &Constraints, path: &str) -> Result<(), Invalid> {
    check_range(x, c, path)?;
    if let Some(step) = c.multiple_of
        && step > 0.0
        && !is_multiple(x, step)
    {
        return Err(invalid(path, format!("must be a multiple of {step}")));
    }
    Ok(())
}

/// Whether `x / step` is an integer, allowing for the rounding of decimal steps (`0.3` is a
/// multiple of `0.1`, though `0.3 / 0.1` is 2.9999999999999996 in binary).
fn is_multiple(x: f64, step: f64) -> bool {
    let quotient = x / step;
    quotient.is_finite() && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// `minProperties` and `maxProperties` of an object.
fn check_property_count(count: usize, c: &Constraints, path: &str) -> Result<(), Invalid> {
    if let Some(min) = c.min_properties
        && count < min
    {
        return Err(invalid(path, format!("must have at least {min} propert{}", if min == 1 { "y" } else { "ies" })));
    }
    if let Some(max) = c.max_properties
        && count > max
    {
        return Err(invalid(path, format!("must have at most {max} propert{}", if max == 1 { "y" } else { "ies" })));
    }
    Ok(())
}

fn check_range(x: f64, c: &Constraints, path: &str) -> Result<(), Invalid> {
    if let Some(min) = c.minimum
        && (x < min || (c.exclusive_minimum && x == min))
    {
        let op = if c.exclusive_minimum { ">" } else { ">=" };
        return Err(invalid(path, format!("must be {op} {min}")));
    }
    if let Some(max) = c.maximum
        && (x > max || (c.exclusive_maximum && x == max))
    {
        let op = if c.exclusive_maximum { "<" } else { "<=" };
        return Err(invalid(path, format!("must be {op} {max}")));
    }
    Ok(())
}
