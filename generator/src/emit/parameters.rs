//! Parameters the spec shares between operations by `$ref` (`#/components/parameters`) and
//! describes at length: each is documented once, on a type alias in the API crate's
//! `parameters` module, which the field of every request that takes it names. The field keeps
//! the description's first paragraph, what an editor shows on hover, and links to the rest.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::rust::{cfg_union, doc_lines, ident, type_tokens};
use crate::ir::{Api, Namer, Parameter, rust_type_name};

/// The shared parameters of an API, by component name.
pub struct SharedParameters<'a> {
    by_component: BTreeMap<&'a str, Shared<'a>>,
}

struct Shared<'a> {
    /// The alias's name in `parameters`.
    alias: String,
    /// The parameter as the first operation that takes it has it (every one has it the same).
    param: &'a Parameter,
    /// The features of the operations that take it: the alias is compiled with any of them.
    features: BTreeSet<&'a String>,
}

impl<'a> SharedParameters<'a> {
    /// The component parameters that more than one operation takes and whose description is
    /// longer than a line; repeating those on every field is what the module saves.
    pub fn of(api: &'a Api) -> Self {
        let mut uses: BTreeMap<&str, Vec<(&Parameter, &String)>> = BTreeMap::new();
        for op in &api.operations {
            for param in &op.parameters {
                if let Some(component) = &param.component {
                    uses.entry(component).or_default().push((param, &op.feature));
                }
            }
        }
        let mut namer = Namer::new();
        let by_component = uses
            .into_iter()
            .filter(|(_, takers)| takers.len() > 1 && takers[0].0.description.as_deref().is_some_and(|d| d.trim().contains('\n')))
            .map(|(component, takers)| {
                let shared = Shared {
                    alias: namer.claim(&rust_type_name(component)),
                    param: takers[0].0,
                    features: takers.iter().map(|(_, feature)| *feature).filter(|f| !f.is_empty()).collect(),
                };
                (component, shared)
            })
            .collect();
        SharedParameters { by_component }
    }

    pub fn is_empty(&self) -> bool {
        self.by_component.is_empty()
    }

    fn shared(&self, param: &Parameter) -> Option<&Shared<'a>> {
        self.by_component.get(param.component.as_deref()?)
    }

    /// The type of a parameter's value: its alias where it is shared.
    pub fn value_type(&self, param: &Parameter) -> TokenStream {
        match self.shared(param) {
            Some(shared) => {
                let alias = ident(shared.alias.as_str());
                quote! { crate::parameters::#alias }
            }
            None => type_tokens(&param.ty, &quote! { crate::models:: }),
        }
    }

    /// A parameter field's description: the whole of it, or, where it is shared, its first
    /// paragraph (the rest is on the alias, which [`link`](Self::link) names). A blank line
    /// follows, before the line that says what parameter the field is.
    pub fn field_doc(&self, param: &Parameter) -> Vec<String> {
        let Some(description) = param.description.as_deref().map(str::trim).filter(|d| !d.is_empty()) else {
            return Vec::new();
        };
        let lines = description.lines();
        let mut lines: Vec<String> = match self.shared(param) {
            Some(_) => lines.take_while(|l| !l.trim().is_empty()).map(str::to_string).collect(),
            None => lines.map(str::to_string).collect(),
        };
        lines.push(String::new());
        lines
    }

    /// Where a shared parameter's whole description is, as the end of a sentence.
    pub fn link(&self, param: &Parameter) -> Option<String> {
        self.shared(param).map(|shared| format!(", described in full at [`{0}`](crate::parameters::{0})", shared.alias))
    }
}

/// `parameters.rs`: each shared parameter's type under its own name, with its description.
pub fn parameters_module(api: &Api, shared: &SharedParameters<'_>) -> TokenStream {
    let aliases = shared.by_component.iter().map(|(component, shared)| {
        let alias = ident(shared.alias.as_str());
        let ty = type_tokens(&shared.param.ty, &quote! { crate::models:: });
        let mut lines: Vec<String> = shared.param.description.as_deref().unwrap_or("").trim().lines().map(str::to_string).collect();
        lines.push(String::new());
        lines.push(format!("The `{}` parameter (`#/components/parameters/{component}`).", shared.param.name));
        let docs = doc_lines(lines.iter().map(String::as_str));
        let cfg = cfg_union(api, shared.features.iter().copied());
        quote! {
            #docs
            #cfg
            pub type #alias = #ty;
        }
    });
    quote! {
        //! The parameters that operations share, each documented once: the field of a request
        //! that takes one has its type under the parameter's name.

        #(#aliases)*
    }
}
