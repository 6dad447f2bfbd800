//! Schemas → Rust types. Every component schema becomes a named type; inline objects and enums
//! are named from where they stand (`ItemSummary.type` → `ItemSummaryType`).

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, IntegerFormat, NumberFormat, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
use serde_json::Value;

use super::names::{Namer, rust_field_name, rust_type_name};
use super::{Additional, Constraints, EnumVariant, Field, IntWidth, TypeDef, TypeKind, TypeRef, UnionTag, UnionVariant};
use crate::diagnostics::Diagnostic;
use crate::error::Error;
use crate::load::LoadedSpec;
use crate::pointer;

const SCHEMAS_PREFIX: &str = "#/components/schemas/";
/// The field that keeps unknown properties of open objects.
pub const ADDITIONAL_FIELD: &str = "additional_properties";

/// What a use of a schema says beyond its type.
#[derive(Debug, Clone, Default)]
pub struct UseInfo {
    pub nullable: bool,
    pub description: Option<String>,
    pub default: Option<Value>,
    pub example: Option<Value>,
    pub deprecated: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub constraints: Constraints,
}

/// All named types of one spec, built up as schemas are met.
pub struct TypeSpace<'a> {
    spec: &'a LoadedSpec,
    pub diagnostics: &'a mut Vec<Diagnostic>,
    pub namer: Namer,
    component_names: HashMap<String, String>,
    types: BTreeMap<String, TypeDef>,
    /// Inline schemas already converted, by the pointer where they stand.
    by_pointer: HashMap<String, TypeRef>,
    /// What references name, already read, by reference and Rust type.
    resolved: RefCell<HashMap<(TypeId, String), Rc<dyn Any>>>,
    /// `date-time`, `date` and `uuid` strings become [`TypeRef::Formatted`].
    pub typed_formats: bool,
}

impl<'a> TypeSpace<'a> {
    pub fn new(spec: &'a LoadedSpec, diagnostics: &'a mut Vec<Diagnostic>) -> Self {
        let mut namer = Namer::new();
        namer.reserve_all(super::names::PRELUDE_NAMES);
        TypeSpace {
            spec,
            diagnostics,
            namer,
            component_names: HashMap::new(),
            types: BTreeMap::new(),
            by_pointer: HashMap::new(),
            resolved: RefCell::new(HashMap::new()),
            typed_formats: false,
        }
    }

    pub fn openapi(&self) -> &'a OpenAPI {
        &self.spec.openapi
    }

    pub fn spec(&self) -> &'a LoadedSpec {
        self.spec
    }

    pub fn diagnose(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.diagnostics.push(Diagnostic::new(pointer, message));
    }

    pub fn finish(self) -> BTreeMap<String, TypeDef> {
        self.types
    }

    /// Names every component schema first, so that their names win over inline ones, then
    /// defines each.
    pub fn define_components(&mut self) -> Result<(), Error> {
        let Some(components) = &self.spec.openapi.components else { return Ok(()) };
        for name in components.schemas.keys() {
            let rust = self.namer.claim(&rust_type_name(name));
            self.component_names.insert(name.clone(), rust);
        }
        for (name, schema) in &components.schemas {
            let pointer = format!("{SCHEMAS_PREFIX}{}", pointer::escape(name));
            let rust = self.component_names[name].clone();
            match schema {
                ReferenceOr::Item(schema) => self.define_component(&rust, name, schema, &pointer)?,
                // A schema that is only a reference names another: a newtype around it.
                ReferenceOr::Reference { reference } => {
                    let (inner, _) = self.type_of_reference(reference, &rust, &pointer)?;
                    let target = self.lookup_schema(reference, &pointer)?;
                    let kind = TypeKind::Newtype { inner, constraints: Constraints::default() };
                    self.insert(&rust, Some(name), &target, &pointer, kind);
                }
            }
        }
        Ok(())
    }

    fn define_component(&mut self, rust: &str, schema_name: &str, schema: &Schema, pointer: &str) -> Result<(), Error> {
        let kind = match self.definable_kind(schema, rust, pointer)? {
            Some(kind) => kind,
            None => {
                // A primitive, array or map schema: a newtype keeps its name in the API.
                let (inner, info) = self.convert_inline(schema, &format!("{rust}Inner"), pointer)?;
                TypeKind::Newtype { inner, constraints: info.constraints }
            }
        };
        self.insert(rust, Some(schema_name), schema, pointer, kind);
        Ok(())
    }

    fn insert(&mut self, rust: &str, schema_name: Option<&str>, schema: &Schema, pointer: &str, kind: TypeKind) {
        let data = &schema.schema_data;
        self.types.insert(
            rust.to_string(),
            TypeDef {
                name: rust.to_string(),
                schema_name: schema_name.map(str::to_string),
                pointer: pointer.to_string(),
                description: data.description.clone().or_else(|| data.title.clone()),
                deprecated: data.deprecated,
                kind,
                examples: data.example.iter().cloned().collect(),
                features: Vec::new(),
            },
        );
    }

    /// The kind of a schema that needs a type of its own (object, enum, union), or `None` for
    /// one that maps onto an existing Rust type.
    fn definable_kind(&mut self, schema: &Schema, rust: &str, pointer: &str) -> Result<Option<TypeKind>, Error> {
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => Some(self.enum_kind(s.enumeration.iter().flatten().cloned().collect(), pointer)),
            SchemaKind::Type(Type::Object(obj)) if !is_plain_map(obj) => {
                Some(self.struct_kind(rust, &[(obj.clone(), pointer.to_string())], &schema.schema_data, pointer)?)
            }
            SchemaKind::AllOf { all_of } => {
                let mut parts = Vec::new();
                for (i, member) in all_of.iter().enumerate() {
                    self.collect_all_of(member, &format!("{pointer}/allOf/{i}"), &mut parts, 0)?;
                }
                Some(self.struct_kind(rust, &parts, &schema.schema_data, pointer)?)
            }
            SchemaKind::OneOf { one_of } => Some(self.union_kind(rust, one_of, schema.schema_data.discriminator.as_ref(), &format!("{pointer}/oneOf"))?),
            SchemaKind::AnyOf { any_of } => Some(self.union_kind(rust, any_of, schema.schema_data.discriminator.as_ref(), &format!("{pointer}/anyOf"))?),
            SchemaKind::Any(any) if any_is_object(any) => {
                let obj = object_of_any(any);
                Some(self.struct_kind(rust, &[(obj, pointer.to_string())], &schema.schema_data, pointer)?)
            }
            _ => None,
        })
    }

    /// The type of a schema use (a property, item, parameter or body), with what the use says.
    pub fn type_of(&mut self, schema: &ReferenceOr<Schema>, context: &str, pointer: &str) -> Result<(TypeRef, UseInfo), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_reference(reference, context, pointer),
            ReferenceOr::Item(schema) => self.convert_inline(schema, context, pointer),
        }
    }

    pub fn type_of_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, context: &str, pointer: &str) -> Result<(TypeRef, UseInfo), Error> {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_reference(reference, context, pointer),
            ReferenceOr::Item(schema) => self.convert_inline(schema, context, pointer),
        }
    }

    fn type_of_reference(&mut self, reference: &str, context: &str, pointer: &str) -> Result<(TypeRef, UseInfo), Error> {
        if let Some(name) = pointer::schema_component(reference)
            && let Some(rust) = self.component_names.get(&name).cloned()
        {
            // Only `nullable` is read: a component parsed already is looked at, not cloned.
            let nullable = match self.parsed_component(reference) {
                Some(target) => target.schema_data.nullable,
                None => self.lookup_schema(reference, pointer)?.schema_data.nullable,
            };
            return Ok((TypeRef::Named(rust), UseInfo { nullable, ..UseInfo::default() }));
        }
        // A reference somewhere else (into a property, a parameter…): convert what it points at,
        // once, named from its last segment.
        let target = self.lookup_schema(reference, pointer)?;
        let target_pointer = reference.to_string();
        let name = pointer::last_segment(reference).unwrap_or_else(|| context.to_string());
        self.convert_inline(&target, &rust_type_name(&name), &target_pointer)
    }

    /// What `resolve` makes of `reference`, computed once per reference and type.
    pub fn cached<T: Clone + 'static>(&self, reference: &str, resolve: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        self.cached_shared(reference, resolve).map(|value| T::clone(&value))
    }

    /// [`cached`](Self::cached), the value shared rather than copied.
    pub fn cached_shared<T: 'static>(&self, reference: &str, resolve: impl FnOnce() -> Result<T, Error>) -> Result<Rc<T>, Error> {
        let key = (TypeId::of::<T>(), reference.to_string());
        if let Some(hit) = self.resolved.borrow().get(&key).and_then(|v| v.clone().downcast::<T>().ok()) {
            return Ok(hit);
        }
        let value = Rc::new(resolve()?);
        self.resolved.borrow_mut().insert(key, value.clone());
        Ok(value)
    }

    /// Reads the schema a reference points at, following chains of references.
    pub fn lookup_schema(&self, reference: &str, pointer: &str) -> Result<Schema, Error> {
        if let Some(schema) = self.parsed_component(reference) {
            return Ok(schema.clone());
        }
        self.cached(reference, || self.spec.referenced::<Schema>(reference, pointer).map(|(schema, _)| schema))
    }

    /// The component schema a reference names, as parsed with the spec (a name with `~` or
    /// `%` escapes, or a schema that is itself a reference, goes the long way).
    fn parsed_component(&self, reference: &str) -> Option<&Schema> {
        let name = reference.strip_prefix(SCHEMAS_PREFIX).filter(|n| !n.contains(['~', '%', '/']))?;
        match self.spec.openapi.components.as_ref()?.schemas.get(name)? {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    /// Converts a schema written in place; object, enum and union schemas become named types.
    fn convert_inline(&mut self, schema: &Schema, context: &str, pointer: &str) -> Result<(TypeRef, UseInfo), Error> {
        let info = self.use_info(schema, pointer);
        if let Some(done) = self.by_pointer.get(pointer) {
            return Ok((done.clone(), info));
        }
        let ty = self.convert_uncached(schema, context, pointer)?;
        self.by_pointer.insert(pointer.to_string(), ty.clone());
        Ok((ty, info))
    }

    fn convert_uncached(&mut self, schema: &Schema, context: &str, pointer: &str) -> Result<TypeRef, Error> {
        // allOf with one member besides annotations (a description, an `xml` name) is how specs
        // attach those to a reference, also to one of a string or an integer (AWS specs).
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            let mut typed = all_of.iter().enumerate().filter(|(_, member)| !is_annotation_only(member));
            if let (Some((i, member)), None) = (typed.next(), typed.next())
                && (matches!(member, ReferenceOr::Reference { .. }) || all_of.len() > 1)
            {
                return Ok(self.type_of(member, context, &format!("{pointer}/allOf/{i}"))?.0);
            }
        }
        if let SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } = &schema.schema_kind
            && let [member] = members.as_slice()
        {
            self.diagnose(pointer, "a union with a single member: generated as that member's type");
            return Ok(self.type_of(member, context, &format!("{pointer}/0"))?.0);
        }
        // Named kinds are defined under a fresh name; the name is claimed before the body is
        // converted so that a recursive inline schema refers to itself.
        if self.needs_definition(schema) {
            let rust = self.namer.claim(&rust_type_name(context));
            self.by_pointer.insert(pointer.to_string(), TypeRef::Named(rust.clone()));
            if let Some(kind) = self.definable_kind(schema, &rust, pointer)? {
                self.insert(&rust, None, schema, pointer, kind);
                return Ok(TypeRef::Named(rust));
            }
            return Err(Error::at(pointer, "internal error: a schema that needs a type of its own got none"));
        }
        Ok(match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Binary) => TypeRef::Binary,
            SchemaKind::Type(Type::String(s)) if self.typed_formats => match &s.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::DateTime) => TypeRef::Formatted(super::StringFormat::DateTime),
                VariantOrUnknownOrEmpty::Item(openapiv3::StringFormat::Date) => TypeRef::Formatted(super::StringFormat::Date),
                VariantOrUnknownOrEmpty::Unknown(format) if format == "uuid" => TypeRef::Formatted(super::StringFormat::Uuid),
                _ => TypeRef::String,
            },
            SchemaKind::Type(Type::String(_)) => TypeRef::String,
            SchemaKind::Type(Type::Boolean(_)) => TypeRef::Boolean,
            SchemaKind::Type(Type::Number(n)) => {
                if let VariantOrUnknownOrEmpty::Unknown(format) = &n.format {
                    self.diagnose(
                        format!("{pointer}/format"),
                        format!("format {format:?} on a number: generated as f64, which accepts any number a server sends"),
                    );
                }
                if !n.enumeration.is_empty() {
                    self.diagnose(format!("{pointer}/enum"), "an enum of numbers: generated as f64, values not checked by type");
                }
                TypeRef::Number
            }
            SchemaKind::Type(Type::Integer(i)) => {
                if !i.enumeration.is_empty() {
                    self.diagnose(format!("{pointer}/enum"), "an enum of integers: generated as an integer, values not checked by type");
                }
                match &i.format {
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => TypeRef::Integer(IntWidth::I32),
                    VariantOrUnknownOrEmpty::Item(IntegerFormat::Int64) | VariantOrUnknownOrEmpty::Empty => TypeRef::Integer(IntWidth::I64),
                    VariantOrUnknownOrEmpty::Unknown(format) => {
                        self.diagnose(format!("{pointer}/format"), format!("unknown integer format {format:?}: generated as i64"));
                        TypeRef::Integer(IntWidth::I64)
                    }
                }
            }
            SchemaKind::Type(Type::Array(array)) => TypeRef::Array(Box::new(match &array.items {
                Some(items) => self.type_of_boxed(items, &format!("{context}Item"), &format!("{pointer}/items"))?.0,
                None => {
                    self.diagnose(pointer, "an array without `items`: its items are generated as serde_json::Value");
                    TypeRef::Any
                }
            })),
            SchemaKind::Type(Type::Object(obj)) => self.map_type(obj.additional_properties.as_ref(), context, pointer)?,
            SchemaKind::Not { .. } => {
                self.diagnose(pointer, "`not` cannot be expressed as a Rust type: generated as serde_json::Value");
                TypeRef::Any
            }
            SchemaKind::Any(any) => self.any_type(any, context, pointer)?,
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
                return Err(Error::at(pointer, "internal error: a composed schema was not given a type of its own"));
            }
        })
    }

    fn needs_definition(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
            SchemaKind::Type(Type::Object(obj)) => !is_plain_map(obj),
            SchemaKind::AllOf { .. } | SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => true,
            SchemaKind::Any(any) => any_is_object(any),
            _ => false,
        }
    }

    /// A schema without `type`: a bare `{}` is any value; a few keywords still imply a type.
    fn any_type(&mut self, any: &AnySchema, context: &str, pointer: &str) -> Result<TypeRef, Error> {
        if let Some(items) = &any.items {
            let item = self.type_of_boxed(items, &format!("{context}Item"), &format!("{pointer}/items"))?.0;
            return Ok(TypeRef::Array(Box::new(item)));
        }
        match any.typ.as_deref() {
            None if any.additional_properties.is_some() => self.map_type(any.additional_properties.as_ref(), context, pointer),
            None => Ok(TypeRef::Any),
            Some(other) => {
                self.diagnose(pointer, format!("a schema of type {other:?} with keywords that do not fit it: generated as serde_json::Value"));
                Ok(TypeRef::Any)
            }
        }
    }

    /// An object without properties: a map from string keys.
    fn map_type(&mut self, additional: Option<&AdditionalProperties>, context: &str, pointer: &str) -> Result<TypeRef, Error> {
        Ok(TypeRef::Map(Box::new(match additional {
            Some(AdditionalProperties::Schema(values)) => self.type_of(values, &format!("{context}Value"), &format!("{pointer}/additionalProperties"))?.0,
            _ => TypeRef::Any,
        })))
    }

    fn use_info(&mut self, schema: &Schema, pointer: &str) -> UseInfo {
        self.diagnose_patterns(schema, pointer);
        let data = &schema.schema_data;
        UseInfo {
            nullable: data.nullable,
            description: data.description.clone().or_else(|| data.title.clone()),
            default: data.default.clone(),
            example: data.example.clone(),
            deprecated: data.deprecated,
            read_only: data.read_only,
            write_only: data.write_only,
            constraints: constraints_of(schema, pointer),
        }
    }

    /// A `pattern` that is no ECMA-262 regular expression cannot be checked: say so where it
    /// stands (items and map values included), instead of a server that silently skips it.
    fn diagnose_patterns(&mut self, schema: &Schema, pointer: &str) {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if let Some(pattern) = &s.pattern
                    && let Some(error) = rocketgen_runtime::pattern::pattern_error(pattern)
                {
                    self.diagnose(
                        format!("{pointer}/pattern"),
                        format!("{pattern:?} is not an ECMA-262 regular expression ({error}): values are not checked against it"),
                    );
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(ReferenceOr::Item(item)) = &a.items {
                    self.diagnose_patterns(item, &format!("{pointer}/items"));
                }
            }
            SchemaKind::Type(Type::Object(obj)) if is_plain_map(obj) => {
                if let Some(AdditionalProperties::Schema(values)) = &obj.additional_properties
                    && let ReferenceOr::Item(values) = values.as_ref()
                {
                    self.diagnose_patterns(values, &format!("{pointer}/additionalProperties"));
                }
            }
            _ => {}
        }
    }

    fn enum_kind(&mut self, values: Vec<String>, _pointer: &str) -> TypeKind {
        let mut namer = Namer::new();
        let mut variants = Vec::new();
        for value in values {
            if variants.iter().any(|v: &EnumVariant| v.value == value) {
                continue;
            }
            let base = if value.is_empty() { "Empty".to_string() } else { rust_type_name(&value) };
            variants.push(EnumVariant { rust_name: namer.claim(&base), value });
        }
        let catch_all =
            ["Other", "UnknownValue", "OtherValue"].into_iter().find(|name| !namer.is_taken(name)).map(str::to_string).unwrap_or_else(|| namer.claim("Other"));
        TypeKind::Enum { variants, catch_all }
    }

    /// Follows allOf members into a flat list of object parts (each with where it stands).
    fn collect_all_of(&mut self, member: &ReferenceOr<Schema>, pointer: &str, parts: &mut Vec<(ObjectType, String)>, depth: usize) -> Result<(), Error> {
        if depth > 32 {
            return Err(Error::at(pointer, "allOf nests more than 32 levels deep (a cycle of allOf?)"));
        }
        let (schema, at) = match member {
            ReferenceOr::Item(s) => (s.clone(), pointer.to_string()),
            ReferenceOr::Reference { reference } => (self.lookup_schema(reference, pointer)?, reference.clone()),
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(obj)) => parts.push((obj.clone(), at)),
            SchemaKind::Any(any) if any_is_object(any) || any.all_of.is_empty() && any.typ.is_none() => parts.push((object_of_any(any), at)),
            SchemaKind::AllOf { all_of } => {
                for (i, inner) in all_of.iter().enumerate() {
                    self.collect_all_of(inner, &format!("{at}/allOf/{i}"), parts, depth + 1)?;
                }
            }
            _ => self.diagnose(at, "an allOf member that is not an object: left out of the merged type"),
        }
        Ok(())
    }

    /// A struct from one or more object parts (several for allOf), properties in order of
    /// appearance, a later part's property replacing an earlier one of the same name.
    fn struct_kind(&mut self, rust: &str, parts: &[(ObjectType, String)], data: &SchemaData, pointer: &str) -> Result<TypeKind, Error> {
        let mut properties: IndexMap<String, (ReferenceOr<Box<Schema>>, String)> = IndexMap::new();
        let mut required: Vec<String> = Vec::new();
        let mut additional: Option<AdditionalProperties> = None;
        let mut forbidden = false;
        for (obj, at) in parts {
            for (name, prop) in &obj.properties {
                let prop_pointer = format!("{at}/properties/{}", pointer::escape(name));
                properties.insert(name.clone(), (prop.clone(), prop_pointer));
            }
            for name in &obj.required {
                if !required.contains(name) {
                    required.push(name.clone());
                }
            }
            match &obj.additional_properties {
                Some(AdditionalProperties::Any(false)) => forbidden = true,
                Some(other) => additional = Some(other.clone()),
                None => {}
            }
        }

        let mut namer = Namer::new();
        namer.reserve(ADDITIONAL_FIELD);
        let mut fields = Vec::new();
        for (json_name, (prop, prop_pointer)) in &properties {
            // A property inherited through allOf is named after the schema that declares it.
            let owner = self.component_owner(prop_pointer).unwrap_or_else(|| rust.to_string());
            let context = format!("{owner}{}", rust_type_name(json_name));
            let (ty, info) = self.type_of_boxed(prop, &context, prop_pointer)?;
            fields.push(Field {
                json_name: json_name.clone(),
                rust_name: namer.claim_ident(rust_field_name(json_name)),
                ty,
                required: required.contains(json_name),
                nullable: info.nullable,
                boxed: false,
                description: info.description,
                default: info.default,
                deprecated: info.deprecated,
                read_only: info.read_only,
                write_only: info.write_only,
                constraints: info.constraints,
                example: info.example,
                undeclared: false,
            });
        }
        for name in &required {
            if !properties.contains_key(name) {
                let at = parts.iter().find(|(obj, _)| obj.required.contains(name)).map(|(_, at)| at.as_str()).unwrap_or(pointer);
                self.diagnose(
                    format!("{at}/required"),
                    format!("required property {name:?} is not defined in `properties`: generated as an optional field of any JSON value, so both a server that sends it and one that omits it are accepted"),
                );
                fields.push(Field {
                    json_name: name.clone(),
                    rust_name: namer.claim_ident(rust_field_name(name)),
                    ty: TypeRef::Any,
                    required: false,
                    nullable: false,
                    boxed: false,
                    description: None,
                    default: None,
                    deprecated: false,
                    read_only: false,
                    write_only: false,
                    constraints: Constraints::default(),
                    example: None,
                    undeclared: true,
                });
            }
        }

        let additional = if forbidden {
            Additional::Forbidden
        } else {
            match additional {
                Some(AdditionalProperties::Schema(values)) => {
                    Additional::Typed(self.type_of(&values, &format!("{rust}Value"), &format!("{pointer}/additionalProperties"))?.0)
                }
                _ => Additional::Any,
            }
        };
        let discriminator = data.discriminator.as_ref().map(|d| d.property_name.clone());
        Ok(TypeKind::Struct { fields, additional, discriminator })
    }

    /// The Rust name of the component schema a pointer lies in, if it lies in one.
    fn component_owner(&self, pointer: &str) -> Option<String> {
        let rest = pointer.strip_prefix(SCHEMAS_PREFIX)?;
        let name = rest.split('/').next()?;
        self.component_names.get(&pointer::unescape(name)).cloned()
    }

    fn union_kind(
        &mut self,
        rust: &str,
        members: &[ReferenceOr<Schema>],
        discriminator: Option<&openapiv3::Discriminator>,
        pointer: &str,
    ) -> Result<TypeKind, Error> {
        let mut namer = Namer::new();
        namer.reserve("Other");
        let mut variants = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let (ty, _) = self.type_of(member, &format!("{rust}Variant{i}"), &format!("{pointer}/{i}"))?;
            let base = match &ty {
                TypeRef::Named(name) => name.clone(),
                other => variant_name_of(other),
            };
            variants.push(UnionVariant { rust_name: namer.claim(&base), ty, boxed: false });
        }
        let tag = discriminator.map(|d| self.union_tag(d, members, pointer));
        Ok(TypeKind::Union { variants, tag })
    }

    /// Which tag value selects which member: the mapping first (to a `$ref` or a bare schema
    /// name), then each `$ref` member's schema name for members the mapping leaves out.
    fn union_tag(&mut self, discriminator: &openapiv3::Discriminator, members: &[ReferenceOr<Schema>], pointer: &str) -> UnionTag {
        let reference_of = |member: &ReferenceOr<Schema>| match member {
            ReferenceOr::Reference { reference } => Some(reference.clone()),
            ReferenceOr::Item(_) => None,
        };
        let mut values: Vec<(String, usize)> = Vec::new();
        let at = pointer.rsplit_once('/').map_or(pointer, |(parent, _)| parent);
        for (value, target) in &discriminator.mapping {
            let target = if target.contains('/') { target.clone() } else { format!("{SCHEMAS_PREFIX}{target}") };
            let names_target = |reference: &str| {
                reference == target || pointer::schema_component(reference).is_some_and(|name| pointer::schema_component(&target) == Some(name))
            };
            match members.iter().position(|m| reference_of(m).as_deref().is_some_and(names_target)) {
                Some(i) => values.push((value.clone(), i)),
                None => self.diagnose(
                    format!("{at}/discriminator/mapping/{}", pointer::escape(value)),
                    format!("the mapping names {target}, which is not a member: tag value {value:?} is kept as an unknown variant"),
                ),
            }
        }
        for (i, member) in members.iter().enumerate() {
            if values.iter().any(|(_, j)| *j == i) {
                continue;
            }
            match reference_of(member).as_deref().and_then(pointer::schema_component) {
                Some(name) => values.push((name, i)),
                None => self.diagnose(
                    format!("{pointer}/{i}"),
                    "an inline member of a discriminated union has no tag value: it is chosen only when no tag matches and it accepts the value",
                ),
            }
        }
        UnionTag { property: discriminator.property_name.clone(), values }
    }
}

fn variant_name_of(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Integer(_) => "Integer".into(),
        TypeRef::Number => "Number".into(),
        TypeRef::Boolean => "Boolean".into(),
        TypeRef::Binary => "Binary".into(),
        TypeRef::Any => "Value".into(),
        TypeRef::Array(inner) => format!("{}List", variant_name_of(inner)),
        TypeRef::Map(inner) => format!("{}Map", variant_name_of(inner)),
        TypeRef::Named(name) => name.clone(),
        TypeRef::Formatted(super::StringFormat::DateTime) => "DateTime".into(),
        TypeRef::Formatted(super::StringFormat::Date) => "Date".into(),
        TypeRef::Formatted(super::StringFormat::Uuid) => "Uuid".into(),
    }
}

/// An object that declares no properties is a map (or a free-form object).
fn is_plain_map(obj: &ObjectType) -> bool {
    obj.properties.is_empty() && obj.required.is_empty()
}

fn any_is_object(any: &AnySchema) -> bool {
    !any.properties.is_empty() && any.items.is_none()
}

fn object_of_any(any: &AnySchema) -> ObjectType {
    ObjectType {
        properties: any.properties.clone(),
        required: any.required.clone(),
        additional_properties: any.additional_properties.clone(),
        min_properties: any.min_properties,
        max_properties: any.max_properties,
    }
}

fn format_name<T: std::fmt::Debug>(format: &VariantOrUnknownOrEmpty<T>, known: impl Fn(&T) -> &'static str) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known(item).to_string()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn constraints_of(schema: &Schema, _pointer: &str) -> Constraints {
    let mut c = Constraints::default();
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            c.min_length = s.min_length;
            c.max_length = s.max_length;
            c.pattern = s.pattern.clone();
            c.format = format_name(&s.format, |f| match f {
                StringFormat::Date => "date",
                StringFormat::DateTime => "date-time",
                StringFormat::Password => "password",
                StringFormat::Byte => "byte",
                StringFormat::Binary => "binary",
            });
        }
        SchemaKind::Type(Type::Number(n)) => {
            c.minimum = n.minimum;
            c.maximum = n.maximum;
            c.exclusive_minimum = n.exclusive_minimum;
            c.exclusive_maximum = n.exclusive_maximum;
            c.multiple_of = n.multiple_of;
            c.format = format_name(&n.format, |f| match f {
                NumberFormat::Float => "float",
                NumberFormat::Double => "double",
            });
        }
        SchemaKind::Type(Type::Integer(i)) => {
            c.minimum = i.minimum.map(|v| v as f64);
            c.maximum = i.maximum.map(|v| v as f64);
            c.exclusive_minimum = i.exclusive_minimum;
            c.exclusive_maximum = i.exclusive_maximum;
            c.multiple_of = i.multiple_of.map(|v| v as f64);
            c.format = format_name(&i.format, |f| match f {
                IntegerFormat::Int32 => "int32",
                IntegerFormat::Int64 => "int64",
            });
        }
        SchemaKind::Type(Type::Array(a)) => {
            c.min_items = a.min_items;
            c.max_items = a.max_items;
            c.unique_items = a.unique_items;
            if let Some(ReferenceOr::Item(item)) = &a.items {
                c.items = Some(Box::new(constraints_of(item, _pointer))).filter(|c| !c.is_empty());
            }
        }
        SchemaKind::Type(Type::Object(obj)) if is_plain_map(obj) => {
            c.min_properties = obj.min_properties;
            c.max_properties = obj.max_properties;
            if let Some(AdditionalProperties::Schema(values)) = &obj.additional_properties
                && let ReferenceOr::Item(values) = values.as_ref()
            {
                c.items = Some(Box::new(constraints_of(values, _pointer))).filter(|c| !c.is_empty());
            }
        }
        SchemaKind::Type(Type::Object(obj)) => {
            c.min_properties = obj.min_properties;
            c.max_properties = obj.max_properties;
        }
        _ => {}
    }
    c
}

/// A schema that only annotates (`description`, `xml`, `title`, examples): no type, no keywords
/// that constrain or shape a value.
fn is_annotation_only(schema: &ReferenceOr<Schema>) -> bool {
    match schema {
        ReferenceOr::Item(schema) => {
            schema.schema_kind == SchemaKind::Any(openapiv3::AnySchema::default()) && !schema.schema_data.nullable && schema.schema_data.discriminator.is_none()
        }
        ReferenceOr::Reference { .. } => false,
    }
}
