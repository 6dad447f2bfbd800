//! Recursive types: a type that contains itself by value (directly or through others) has no
//! finite size in Rust, so each by-value edge that closes a cycle is boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::{TypeDef, TypeKind, TypeRef};

/// The named type held by value in `ty`, if any (`Vec` and maps already allocate).
fn by_value(ty: &TypeRef) -> Option<&str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

fn edges(def: &TypeDef) -> Vec<&str> {
    match &def.kind {
        TypeKind::Struct { fields, .. } => fields.iter().filter_map(|f| by_value(&f.ty)).collect(),
        TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| by_value(&v.ty)).collect(),
        TypeKind::Newtype { inner, .. } => by_value(inner).into_iter().collect(),
        TypeKind::Enum { .. } => Vec::new(),
    }
}

fn reaches(types: &BTreeMap<String, TypeDef>, from: &str, target: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(name) = stack.pop() {
        if name == target {
            return true;
        }
        if !seen.insert(name) {
            continue;
        }
        if let Some(def) = types.get(name) {
            stack.extend(edges(def));
        }
    }
    false
}

/// Marks every struct field and union variant whose type leads back to its owner as boxed.
pub fn box_cycles(types: &mut BTreeMap<String, TypeDef>) {
    let mut to_box: Vec<(String, usize)> = Vec::new();
    for (name, def) in types.iter() {
        let targets: Vec<Option<&str>> = match &def.kind {
            TypeKind::Struct { fields, .. } => fields.iter().map(|f| by_value(&f.ty)).collect(),
            TypeKind::Union { variants, .. } => variants.iter().map(|v| by_value(&v.ty)).collect(),
            _ => continue,
        };
        for (i, target) in targets.into_iter().enumerate() {
            if let Some(target) = target
                && reaches(types, target, name)
            {
                to_box.push((name.clone(), i));
            }
        }
    }
    for (name, i) in to_box {
        if let Some(def) = types.get_mut(&name) {
            match &mut def.kind {
                TypeKind::Struct { fields, .. } => fields[i].boxed = true,
                TypeKind::Union { variants, .. } => variants[i].boxed = true,
                _ => {}
            }
        }
    }
}
