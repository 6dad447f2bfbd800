//! Cargo features by tag: each operation is compiled under its tag's feature, and each type
//! under the features of the operations that reach it, so a crate built with one tag compiles
//! only that tag's operations and the types they use.

use std::collections::{BTreeMap, BTreeSet};

use super::{Namer, Operation, TypeDef, TypeKind, TypeRef, rust_field_name};

/// Sets each operation's `feature` (its tag in snake_case, unique, never `default` nor [`ALL`]) and
/// each type's `features`: the features under which it compiles, empty where every feature
/// reaches it. Schemas no operation uses have a feature of their own, [`STANDALONE_SCHEMAS`].
/// Returns every feature, tags in the order of their first operation.
pub fn assign(operations: &mut [Operation], types: &mut BTreeMap<String, TypeDef>) -> Vec<String> {
    let mut namer = Namer::new();
    // Cargo's own `default`, ours, the client's `rustls`, and the generated crates' dependencies
    // (a feature named like a dependency reads as that dependency's).
    namer.reserve_all(&["default", ALL, OVERLAY, "rustls", "api", "server", "client", "serde", "serde_json", "axum", "tokio", "chrono", "uuid"]);
    // Each tag's feature, by its index in `order`; each operation's index, for the roots below.
    let mut by_tag: BTreeMap<String, usize> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut indices = Vec::with_capacity(operations.len());
    for op in operations.iter_mut() {
        let index = *by_tag.entry(op.tag.clone()).or_insert_with(|| {
            order.push(namer.claim(rust_field_name(&op.tag).unraw().bare()));
            order.len() - 1
        });
        op.feature = order[index].clone();
        indices.push(index);
    }

    // Which features reach each type: from each operation's own types through the type graph,
    // and from the schemas no operation uses (webhook payloads, say) for their own feature.
    let roots: Vec<(usize, Vec<&str>)> = operations
        .iter()
        .zip(indices)
        .map(|(op, index)| {
            let mut names = Vec::new();
            operation_types(op).for_each(|ty| named_in(ty, &mut names));
            (index, names)
        })
        .collect();
    let mut reached = reach(types, roots);
    let standalone: Vec<&str> = types.keys().map(String::as_str).filter(|name| !reached.contains_key(name)).collect();
    if !standalone.is_empty() {
        order.push(STANDALONE_SCHEMAS.to_string());
        for (name, features) in reach(types, vec![(order.len() - 1, standalone)]) {
            reached.entry(name).or_default().extend(features);
        }
    }
    let gates: Vec<(String, Vec<String>)> = reached
        .into_iter()
        .filter(|(_, features)| features.len() < order.len())
        .map(|(name, features)| (name.to_string(), features.into_iter().map(|i| order[i].clone()).collect()))
        .collect();
    for (name, features) in gates {
        if let Some(def) = types.get_mut(&name) {
            def.features = features;
        }
    }
    order
}

/// The feature that turns on every tag's (each crate's default); not [`OVERLAY`] nor
/// [`STANDALONE_SCHEMAS`].
pub const ALL: &str = "all";

/// The API crate's feature of the overlay trait, which only a remix uses: off by default, so
/// that a crate that does not remix does not compile a forwarding method per operation.
pub const OVERLAY: &str = "overlay";

/// The API crate's feature of `PartialEq` on each operation's request and response types: off
/// by default, for the tests that compare them whole. Those derives were 6% of Rocket's API
/// crate build (0.17 of 2.61 s), and a client, server or mock never compares them; the models
/// derive it always.
pub const PARTIAL_EQ: &str = "partial-eq";

/// The feature of the component schemas no operation uses, and of the types only they use: off
/// by default (GitHub has 4,428 such types, webhook payloads, beside 1,279 its operations use).
pub const STANDALONE_SCHEMAS: &str = "standalone-schemas";

/// Each type reached from the roots (a feature's index, the types it uses directly), with the
/// features that reach it.
fn reach<'a>(types: &'a BTreeMap<String, TypeDef>, roots: Vec<(usize, Vec<&'a str>)>) -> BTreeMap<&'a str, BTreeSet<usize>> {
    let mut reached: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for (feature, mut stack) in roots {
        while let Some(name) = stack.pop() {
            if reached.entry(name).or_default().insert(feature)
                && let Some(def) = types.get(name)
            {
                type_edges(def, &mut stack);
            }
        }
    }
    reached
}

/// Every type an operation's request and responses hold.
fn operation_types(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    let parameters = op.parameters.iter().map(|p| &p.ty);
    let body = op.request_body.iter().map(|b| &b.ty);
    let responses = op.responses.iter().flat_map(|r| r.body.iter().map(|b| &b.ty).chain(r.headers.iter().map(|h| &h.ty)));
    parameters.chain(body).chain(responses)
}

/// The types a type definition refers to.
fn type_edges<'a>(def: &'a TypeDef, out: &mut Vec<&'a str>) {
    match &def.kind {
        TypeKind::Struct { fields, additional, .. } => {
            fields.iter().for_each(|f| named_in(&f.ty, out));
            if let super::Additional::Typed(ty) = additional {
                named_in(ty, out);
            }
        }
        TypeKind::Union { variants, .. } => variants.iter().for_each(|v| named_in(&v.ty, out)),
        TypeKind::Newtype { inner, .. } => named_in(inner, out),
        TypeKind::Enum { .. } => {}
    }
}

fn named_in<'a>(ty: &'a TypeRef, out: &mut Vec<&'a str>) {
    match ty {
        TypeRef::Named(name) => out.push(name),
        TypeRef::Array(inner) | TypeRef::Map(inner) => named_in(inner, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn each_type_compiles_under_the_tags_that_reach_it() {
        let spec = r##"{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {
            "/a": {"get": {"operationId": "getA", "tags": ["Pet Store"], "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}},
            "/b": {"get": {"operationId": "getB", "tags": ["rustls"], "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/B"}}}}}}},
            "/c": {"get": {"operationId": "getC", "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}}},
            "/d": {"get": {"operationId": "getD", "tags": ["Overlay"], "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}}}}}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"shared": {"$ref": "#/components/schemas/Shared"}}},
                "B": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Shared"}}}},
                "Shared": {"type": "object", "properties": {"n": {"type": "integer"}}},
                "Hook": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}}}}"##;
        let api = crate::ir::build(&crate::load::load_str(spec).unwrap()).unwrap();
        // A tag named like a feature of ours (`overlay`) or a dependency's gets a feature of its own.
        assert_eq!(api.features, ["pet_store", "rustls_", "default_", "overlay_", super::STANDALONE_SCHEMAS]);
        let features = |name: &str| api.types[name].features.clone();
        assert_eq!(features("A"), ["pet_store", super::STANDALONE_SCHEMAS]);
        assert_eq!(features("B"), ["rustls_"]);
        // Every feature reaches it: never gated.
        assert!(features("Shared").is_empty(), "{:?}", features("Shared"));
        assert_eq!(features("Hook"), [super::STANDALONE_SCHEMAS]);
    }
}
