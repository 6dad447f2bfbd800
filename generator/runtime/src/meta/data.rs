//! Metadata as data. The generator writes the spec's types, schemes and operations as one JSON
//! document (`meta.json` beside an API crate's `meta.rs`); the crate embeds it and reads it once,
//! on first use, into the same [`OperationMeta`] and [`TypeMeta`] graph the rules work on. A
//! spec of thousands of types then costs the compiler a string, not thousands of statics.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{
    Additional, BodyKind, BodyMeta, Constraints, FieldMeta, Framing, HeaderMeta, Location, Method, OperationMeta, ParamMeta, PartMeta, ResponseMeta,
    SchemeKind, SchemeMeta, Status, Style, Ty, TypeMeta, TypeMetaKind,
};

/// The document: each list in the spec's order. Constraints are listed once each and named
/// by their index, as schemes are by theirs and types by their names.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetaDoc {
    pub constraints: Vec<ConstraintsDoc>,
    pub schemes: Vec<SchemeDoc>,
    pub types: Vec<TypeDoc>,
    pub operations: Vec<OperationDoc>,
}

#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConstraintsDoc {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    #[serde(skip_serializing_if = "is_false")]
    pub exclusive_minimum: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub exclusive_maximum: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_items: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    #[serde(skip_serializing_if = "is_false")]
    pub unique_items: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub multiple_of: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_properties: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_properties: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeDoc {
    pub name: String,
    pub kind: SchemeKindDoc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeKindDoc {
    Bearer,
    Basic,
    ApiKey { location: Location, param: String },
}

/// A type use; arrays and maps carry their items' constraints (an index), if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TyDoc {
    String,
    Integer(u8),
    Number,
    Boolean,
    Binary,
    Any,
    Array(Box<TyDoc>, Option<usize>),
    Map(Box<TyDoc>, Option<usize>),
    Named(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TypeDoc {
    pub name: String,
    pub pointer: String,
    pub kind: KindDoc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KindDoc {
    Struct { fields: Vec<FieldDoc>, additional: AdditionalDoc },
    Enum(Vec<String>),
    Newtype(TyDoc, Option<usize>),
    Union(Vec<TyDoc>),
    Tagged { property: String, variants: Vec<TyDoc>, values: Vec<(String, usize)> },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdditionalDoc {
    Forbidden,
    Any,
    Typed(TyDoc),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDoc {
    pub name: String,
    pub ty: TyDoc,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub nullable: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub read_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub write_only: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub undeclared: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<usize>,
    /// The spec's default and example, as JSON text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OperationDoc {
    pub tool_name: String,
    pub http_method: Method,
    pub path: String,
    /// The cargo feature the operation is compiled under; empty: always.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub feature: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<ParamDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<BodyDoc>,
    /// Alternatives of scheme sets, each scheme by its index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<Vec<usize>>,
    pub responses: Vec<ResponseDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ParamDoc {
    pub name: String,
    pub field: String,
    pub location: Location,
    pub style: Style,
    pub explode: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    pub ty: TyDoc,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub json: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub idempotency_key: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BodyDoc {
    pub media_type: String,
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<(String, BodyKind)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub encoding: Vec<PartDoc>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    pub ty: TyDoc,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartDoc {
    pub property: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explode: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseDoc {
    pub status: Status,
    pub variant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(default = "json_kind", skip_serializing_if = "is_json")]
    pub kind: BodyKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<TyDoc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stream: Option<Framing>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<HeaderDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeaderDoc {
    pub name: String,
    pub field: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    pub ty: TyDoc,
}

fn is_false(value: &bool) -> bool {
    !value
}

fn json_kind() -> BodyKind {
    BodyKind::Json
}

fn is_json(kind: &BodyKind) -> bool {
    *kind == BodyKind::Json
}

impl MetaDoc {
    /// The document as text: JSON with each entry of each list on a line of its own, so that a
    /// change to the spec shows as a change to the lines of what it touches.
    pub fn to_text(&self) -> Result<String, serde_json::Error> {
        let mut text = String::from("{\n");
        list(&mut text, "constraints", &self.constraints)?;
        text.push_str(",\n");
        list(&mut text, "schemes", &self.schemes)?;
        text.push_str(",\n");
        list(&mut text, "types", &self.types)?;
        text.push_str(",\n");
        list(&mut text, "operations", &self.operations)?;
        text.push_str("\n}\n");
        Ok(text)
    }

    /// Reads a document and checks that everything it names exists.
    pub fn parse(text: &str) -> Result<MetaDoc, String> {
        let doc: MetaDoc = serde_json::from_str(text).map_err(|e| e.to_string())?;
        doc.check()?;
        Ok(doc)
    }

    /// That every type, scheme and constraints index named exists, and type names are unique;
    /// errors name the place as a JSON pointer into the document.
    pub fn check(&self) -> Result<(), String> {
        let mut names = HashMap::new();
        for (i, ty) in self.types.iter().enumerate() {
            if names.insert(ty.name.as_str(), i).is_some() {
                return Err(format!("/types/{i}: the type name `{}` is used twice", ty.name));
            }
        }
        let check = Checker { doc: self, names: &names };
        for (i, ty) in self.types.iter().enumerate() {
            match &ty.kind {
                KindDoc::Struct { fields, additional } => {
                    for (j, field) in fields.iter().enumerate() {
                        within(check.ty(&field.ty), || format!("/types/{i}/kind/struct/fields/{j}/ty"))?;
                        within(check.constraints(field.constraints), || format!("/types/{i}/kind/struct/fields/{j}/constraints"))?;
                    }
                    if let AdditionalDoc::Typed(ty) = additional {
                        within(check.ty(ty), || format!("/types/{i}/kind/struct/additional/typed"))?;
                    }
                }
                KindDoc::Enum(_) => {}
                KindDoc::Newtype(inner, constraints) => {
                    within(check.ty(inner), || format!("/types/{i}/kind/newtype/0"))?;
                    within(check.constraints(*constraints), || format!("/types/{i}/kind/newtype/1"))?;
                }
                KindDoc::Union(variants) => {
                    for (j, variant) in variants.iter().enumerate() {
                        within(check.ty(variant), || format!("/types/{i}/kind/union/{j}"))?;
                    }
                }
                KindDoc::Tagged { variants, values, .. } => {
                    for (j, variant) in variants.iter().enumerate() {
                        within(check.ty(variant), || format!("/types/{i}/kind/tagged/variants/{j}"))?;
                    }
                    if let Some((j, _)) = values.iter().enumerate().find(|(_, (_, index))| *index >= variants.len()) {
                        return Err(format!("/types/{i}/kind/tagged/values/{j}: no such variant"));
                    }
                }
            }
        }
        for (i, op) in self.operations.iter().enumerate() {
            for (j, param) in op.params.iter().enumerate() {
                within(check.ty(&param.ty), || format!("/operations/{i}/params/{j}/ty"))?;
                within(check.constraints(param.constraints), || format!("/operations/{i}/params/{j}/constraints"))?;
            }
            if let Some(body) = &op.body {
                within(check.ty(&body.ty), || format!("/operations/{i}/body/ty"))?;
            }
            for (j, alternative) in op.security.iter().enumerate() {
                if let Some(k) = alternative.iter().position(|&scheme| scheme >= self.schemes.len()) {
                    return Err(format!("/operations/{i}/security/{j}/{k}: no such scheme"));
                }
            }
            for (j, response) in op.responses.iter().enumerate() {
                if let Some(body) = &response.body {
                    within(check.ty(body), || format!("/operations/{i}/responses/{j}/body"))?;
                }
                for (k, header) in response.headers.iter().enumerate() {
                    within(check.ty(&header.ty), || format!("/operations/{i}/responses/{j}/headers/{k}/ty"))?;
                }
            }
        }
        Ok(())
    }
}

fn list<T: Serialize>(text: &mut String, name: &str, items: &[T]) -> Result<(), serde_json::Error> {
    text.push_str(&format!("{name:?}: ["));
    for (i, item) in items.iter().enumerate() {
        text.push_str(if i == 0 { "\n" } else { ",\n" });
        text.push_str(&serde_json::to_string(item)?);
    }
    text.push_str(if items.is_empty() { "]" } else { "\n]" });
    Ok(())
}

struct Checker<'d> {
    doc: &'d MetaDoc,
    names: &'d HashMap<&'d str, usize>,
}

impl Checker<'_> {
    fn ty(&self, ty: &TyDoc) -> Result<(), String> {
        match ty {
            TyDoc::Array(item, constraints) | TyDoc::Map(item, constraints) => {
                self.constraints(*constraints)?;
                self.ty(item)
            }
            TyDoc::Named(name) if !self.names.contains_key(name.as_str()) => Err(format!("no type is named `{name}`")),
            _ => Ok(()),
        }
    }

    fn constraints(&self, index: Option<usize>) -> Result<(), String> {
        match index {
            Some(index) if index >= self.doc.constraints.len() => Err(format!("no constraints have index {index}")),
            _ => Ok(()),
        }
    }
}

/// A check's error at its place in the document (written only when there is an error).
fn within(checked: Result<(), String>, place: impl FnOnce() -> String) -> Result<(), String> {
    checked.map_err(|e| format!("{}: {e}", place()))
}

/// An API crate's metadata: its embedded document, read on first use.
pub struct MetaData {
    text: &'static str,
    /// The features the crate was compiled with: operations under other features are left out.
    enabled: &'static [&'static str],
    loaded: OnceLock<Loaded>,
}

struct Loaded {
    /// Every operation of the document, in its order, as [`OperationRef`]s index them.
    all_operations: &'static [OperationMeta<'static>],
    operations: Vec<&'static OperationMeta<'static>>,
    schemes: Vec<&'static SchemeMeta<'static>>,
    types: Vec<&'static TypeMeta<'static>>,
    /// Each type's index in `types`, by its name.
    by_name: HashMap<&'static str, usize>,
}

impl MetaData {
    pub const fn new(text: &'static str, enabled: &'static [&'static str]) -> MetaData {
        MetaData { text, enabled, loaded: OnceLock::new() }
    }

    /// The operations compiled in, in the spec's order.
    pub fn operations(&'static self) -> &'static [&'static OperationMeta<'static>] {
        &self.loaded().operations
    }

    /// Every security scheme, in the spec's order.
    pub fn security_schemes(&'static self) -> &'static [&'static SchemeMeta<'static>] {
        &self.loaded().schemes
    }

    /// Every named type, in the spec's order.
    pub fn types(&'static self) -> &'static [&'static TypeMeta<'static>] {
        &self.loaded().types
    }

    /// The type named `name` (its Rust name, as in the models).
    pub fn type_named(&'static self, name: &str) -> Option<&'static TypeMeta<'static>> {
        let loaded = self.loaded();
        loaded.by_name.get(name).map(|&index| loaded.types[index])
    }

    /// The operation at `index` in the document.
    pub const fn operation(&'static self, index: usize) -> OperationRef {
        OperationRef { data: self, index }
    }

    fn loaded(&'static self) -> &'static Loaded {
        self.loaded.get_or_init(|| match MetaDoc::parse(self.text) {
            Ok(doc) => build(doc, self.enabled),
            // The document is the generator's output, checked when it was written; a crate
            // whose `meta.json` was edited by hand cannot serve or send anything.
            Err(e) => panic!("the API crate's meta.json is not what rocketgen writes ({e}); run `rocketgen generate`"),
        })
    }
}

/// One operation of an API crate's metadata, read on first use: a static the generated code
/// names, usable wherever an [`OperationMeta`] is.
pub struct OperationRef {
    data: &'static MetaData,
    index: usize,
}

impl Deref for OperationRef {
    type Target = OperationMeta<'static>;

    fn deref(&self) -> &OperationMeta<'static> {
        &self.data.loaded().all_operations[self.index]
    }
}

impl std::fmt::Debug for OperationRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.deref().fmt(f)
    }
}

fn leak_str(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn leak_slice<T>(items: Vec<T>) -> &'static [T] {
    Box::leak(items.into_boxed_slice())
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// The graph of a checked document. Types come first, each with its kind to be set, so that a
/// type can refer to any other, itself included.
fn build(doc: MetaDoc, enabled: &[&str]) -> Loaded {
    let constraints: &'static [Constraints<'static>] = leak_slice(doc.constraints.into_iter().map(constraints).collect());
    let cells: &'static [OnceLock<TypeMetaKind<'static>>] = leak_slice(doc.types.iter().map(|_| OnceLock::new()).collect());
    let types: &'static [TypeMeta<'static>] =
        leak_slice(doc.types.iter().zip(cells).map(|(ty, cell)| TypeMeta::to_load(leak_str(ty.name.clone()), leak_str(ty.pointer.clone()), cell)).collect());
    let builder = Builder {
        constraints,
        by_name: types.iter().enumerate().map(|(i, ty)| (ty.name, i)).collect(),
        named: types.iter().map(|meta| leak(Ty::Named(meta))).collect(),
    };
    for (ty, cell) in doc.types.into_iter().zip(cells) {
        let _ = cell.set(builder.kind(ty.kind));
    }
    let schemes: &'static [SchemeMeta<'static>] = leak_slice(doc.schemes.into_iter().map(scheme).collect());
    let compiled: Vec<bool> = doc.operations.iter().map(|op| op.feature.is_empty() || enabled.contains(&op.feature.as_str())).collect();
    let all_operations: &'static [OperationMeta<'static>] = leak_slice(doc.operations.into_iter().map(|op| builder.operation(op, schemes)).collect());
    let operations = all_operations.iter().zip(compiled).filter(|(_, compiled)| *compiled).map(|(op, _)| op).collect();
    Loaded { all_operations, operations, schemes: schemes.iter().collect(), types: types.iter().collect(), by_name: builder.by_name }
}

struct Builder {
    constraints: &'static [Constraints<'static>],
    by_name: HashMap<&'static str, usize>,
    /// `Ty::Named` of each type, by index: one per type, however often it is used.
    named: Vec<&'static Ty<'static>>,
}

impl Builder {
    fn constraints(&self, index: Option<usize>) -> &'static Constraints<'static> {
        index.and_then(|index| self.constraints.get(index)).unwrap_or(&Constraints::NONE)
    }

    fn ty(&self, ty: TyDoc) -> &'static Ty<'static> {
        match ty {
            TyDoc::String => &Ty::String,
            TyDoc::Integer(32) => &Ty::Integer { bits: 32 },
            TyDoc::Integer(64) => &Ty::Integer { bits: 64 },
            TyDoc::Integer(bits) => leak(Ty::Integer { bits }),
            TyDoc::Number => &Ty::Number,
            TyDoc::Boolean => &Ty::Boolean,
            TyDoc::Binary => &Ty::Binary,
            TyDoc::Any => &Ty::Any,
            TyDoc::Array(item, constraints) => leak(Ty::Array(self.ty(*item), self.constraints(constraints))),
            TyDoc::Map(value, constraints) => leak(Ty::Map(self.ty(*value), self.constraints(constraints))),
            // Checked: every name is a type's.
            TyDoc::Named(name) => self.by_name.get(name.as_str()).map_or(&Ty::Any, |&index| self.named[index]),
        }
    }

    fn kind(&self, kind: KindDoc) -> TypeMetaKind<'static> {
        match kind {
            KindDoc::Struct { fields, additional } => TypeMetaKind::Struct {
                fields: leak_slice(fields.into_iter().map(|field| self.field(field)).collect()),
                additional: match additional {
                    AdditionalDoc::Forbidden => Additional::Forbidden,
                    AdditionalDoc::Any => Additional::Any,
                    AdditionalDoc::Typed(ty) => Additional::Typed(self.ty(ty)),
                },
            },
            KindDoc::Enum(values) => TypeMetaKind::Enum { values: leak_slice(values.into_iter().map(leak_str).collect()) },
            KindDoc::Newtype(inner, constraints) => TypeMetaKind::Newtype(self.ty(inner), self.constraints(constraints)),
            KindDoc::Union(variants) => TypeMetaKind::Union(leak_slice(variants.into_iter().map(|ty| self.ty(ty)).collect())),
            KindDoc::Tagged { property, variants, values } => TypeMetaKind::Tagged {
                property: leak_str(property),
                variants: leak_slice(variants.into_iter().map(|ty| self.ty(ty)).collect()),
                values: leak_slice(values.into_iter().map(|(value, index)| (leak_str(value), index)).collect()),
            },
        }
    }

    fn field(&self, field: FieldDoc) -> FieldMeta<'static> {
        FieldMeta {
            name: leak_str(field.name),
            ty: self.ty(field.ty),
            required: field.required,
            nullable: field.nullable,
            read_only: field.read_only,
            write_only: field.write_only,
            undeclared: field.undeclared,
            constraints: self.constraints(field.constraints),
            default: field.default.map(leak_str),
            example: field.example.map(leak_str),
        }
    }

    fn operation(&self, op: OperationDoc, schemes: &'static [SchemeMeta<'static>]) -> OperationMeta<'static> {
        let params = op.params.into_iter().map(|param| ParamMeta {
            name: leak_str(param.name),
            field: leak_str(param.field),
            location: param.location,
            style: param.style,
            explode: param.explode,
            required: param.required,
            ty: self.ty(param.ty),
            constraints: self.constraints(param.constraints),
            default: param.default.map(leak_str),
            json: param.json,
            idempotency_key: param.idempotency_key,
        });
        let body = op.body.map(|body| BodyMeta {
            media_type: leak_str(body.media_type),
            kind: body.kind,
            also: leak_slice(body.also.into_iter().map(|(media_type, kind)| (leak_str(media_type), kind)).collect()),
            encoding: leak_slice(
                body.encoding
                    .into_iter()
                    .map(|part| PartMeta {
                        property: leak_str(part.property),
                        content_type: part.content_type.map(leak_str),
                        style: part.style,
                        explode: part.explode,
                    })
                    .collect(),
            ),
            required: body.required,
            ty: self.ty(body.ty),
        });
        // Checked: every index is a scheme's.
        let security = op.security.into_iter().map(|alternative| leak_slice(alternative.into_iter().filter_map(|index| schemes.get(index)).collect()));
        let responses = op.responses.into_iter().map(|response| ResponseMeta {
            status: response.status,
            variant: leak_str(response.variant),
            media_type: response.media_type.map(leak_str),
            kind: response.kind,
            body: response.body.map(|ty| self.ty(ty)),
            stream: response.stream,
            headers: leak_slice(
                response
                    .headers
                    .into_iter()
                    .map(|header| HeaderMeta { name: leak_str(header.name), field: leak_str(header.field), required: header.required, ty: self.ty(header.ty) })
                    .collect(),
            ),
        });
        OperationMeta {
            tool_name: leak_str(op.tool_name),
            http_method: op.http_method,
            path: leak_str(op.path),
            params: leak_slice(params.collect()),
            body,
            security: leak_slice(security.collect()),
            responses: leak_slice(responses.collect()),
        }
    }
}

fn constraints(doc: ConstraintsDoc) -> Constraints<'static> {
    Constraints {
        minimum: doc.minimum,
        maximum: doc.maximum,
        exclusive_minimum: doc.exclusive_minimum,
        exclusive_maximum: doc.exclusive_maximum,
        min_length: doc.min_length,
        max_length: doc.max_length,
        min_items: doc.min_items,
        max_items: doc.max_items,
        unique_items: doc.unique_items,
        format: doc.format.map(leak_str),
        pattern: doc.pattern.map(leak_str),
        multiple_of: doc.multiple_of,
        min_properties: doc.min_properties,
        max_properties: doc.max_properties,
    }
}

fn scheme(doc: SchemeDoc) -> SchemeMeta<'static> {
    SchemeMeta {
        name: leak_str(doc.name),
        kind: match doc.kind {
            SchemeKindDoc::Bearer => SchemeKind::Bearer,
            SchemeKindDoc::Basic => SchemeKind::Basic,
            SchemeKindDoc::ApiKey { location, param } => SchemeKind::ApiKey { location, param: leak_str(param) },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree node that holds its children: a type that refers to itself.
    fn document() -> MetaDoc {
        let node = TypeDoc {
            name: "Node".into(),
            pointer: "#/components/schemas/Node".into(),
            kind: KindDoc::Struct {
                fields: vec![
                    FieldDoc {
                        name: "label".into(),
                        ty: TyDoc::String,
                        required: true,
                        nullable: false,
                        read_only: false,
                        write_only: false,
                        undeclared: false,
                        constraints: Some(0),
                        default: None,
                        example: Some("\"root\"".into()),
                    },
                    FieldDoc {
                        name: "children".into(),
                        ty: TyDoc::Array(Box::new(TyDoc::Named("Node".into())), None),
                        required: false,
                        nullable: false,
                        read_only: false,
                        write_only: false,
                        undeclared: false,
                        constraints: None,
                        default: None,
                        example: None,
                    },
                ],
                additional: AdditionalDoc::Forbidden,
            },
        };
        let operation = |tool: &str, feature: &str| OperationDoc {
            tool_name: tool.into(),
            http_method: Method::Get,
            path: "/nodes".into(),
            feature: feature.into(),
            params: Vec::new(),
            body: None,
            security: vec![vec![0]],
            responses: vec![ResponseDoc {
                status: Status::Class(2),
                variant: "Success".into(),
                media_type: Some("application/json".into()),
                kind: BodyKind::Json,
                body: Some(TyDoc::Named("Node".into())),
                stream: None,
                headers: Vec::new(),
            }],
        };
        MetaDoc {
            constraints: vec![ConstraintsDoc { min_length: Some(1), ..ConstraintsDoc::default() }],
            schemes: vec![SchemeDoc { name: "key".into(), kind: SchemeKindDoc::ApiKey { location: Location::Query, param: "api_key".into() } }],
            types: vec![node],
            operations: vec![operation("nodes.list", "nodes"), operation("admin.list", "admin")],
        }
    }

    #[test]
    fn a_document_reads_back_as_written() {
        let text = document().to_text().unwrap();
        assert_eq!(MetaDoc::parse(&text).unwrap(), document());
        // One entry per line.
        assert!(text.lines().any(|line| line.starts_with("{\"name\":\"Node\"")));
    }

    #[test]
    fn the_graph_refers_to_itself_and_leaves_out_operations_not_compiled() {
        static DATA: OnceLock<MetaData> = OnceLock::new();
        let text: &'static str = leak_str(document().to_text().unwrap());
        let data = DATA.get_or_init(|| MetaData::new(text, &["nodes"]));
        let tools: Vec<&str> = data.operations().iter().map(|op| op.tool_name).collect();
        assert_eq!(tools, ["nodes.list"]);
        // Named by index, an operation left out is still there.
        assert_eq!(data.operation(1).tool_name, "admin.list");
        let node = data.types()[0];
        assert!(data.type_named("Node").is_some_and(|named| std::ptr::eq(named, node)));
        let TypeMetaKind::Struct { fields, .. } = node.kind() else { panic!("Node is a struct") };
        assert_eq!(fields[0].constraints.min_length, Some(1));
        assert_eq!(fields[0].example, Some("\"root\""));
        let Ty::Array(Ty::Named(child), _) = fields[1].ty else { panic!("children are nodes") };
        assert!(std::ptr::eq(*child, node));
        let op = data.operation(0);
        assert!(matches!(op.security[0][0].kind, SchemeKind::ApiKey { location: Location::Query, param: "api_key" }));
        assert_eq!(op.response(204).map(|r| r.variant), Some("Success"));
    }

    #[test]
    fn what_a_document_names_must_exist() {
        let mut doc = document();
        doc.operations[0].responses[0].body = Some(TyDoc::Named("Leaf".into()));
        assert_eq!(doc.check().unwrap_err(), "/operations/0/responses/0/body: no type is named `Leaf`");
        let mut doc = document();
        doc.operations[1].security = vec![vec![3]];
        assert_eq!(doc.check().unwrap_err(), "/operations/1/security/0/0: no such scheme");
        let mut doc = document();
        doc.types.push(doc.types[0].clone());
        assert_eq!(doc.check().unwrap_err(), "/types/1: the type name `Node` is used twice");
        assert!(MetaDoc::parse("{\"types\": 3}").is_err());
    }
}
