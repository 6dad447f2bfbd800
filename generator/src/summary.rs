//! A spec's summary for whoever sets it up as a source of tools: its servers with their
//! variables, tags, security schemes, the combinations of them an operation accepts, and
//! presets for the headers and OAuth2 flows a credential takes. The field names are those of
//! Executor's OpenAPI plugin (`operationCount`, `securitySchemes`, `authStrategies`…), so a
//! client written for its `openapi.previewSpec` reads ours.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::ir::{Api, Location, SecurityKind, SecurityRequirement};

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub operation_count: usize,
    /// Every operation's tag, sorted, once.
    pub tags: Vec<String>,
    pub security_schemes: Vec<SchemeSummary>,
    /// The sets of schemes that authorize a request together: the root's `security`, else
    /// each distinct alternative the operations declare.
    pub auth_strategies: Vec<AuthStrategy>,
    /// The headers each strategy needs (a value of `null` is the secret to fill in).
    pub header_presets: Vec<HeaderPreset>,
    /// Each OAuth2 flow a scheme declares.
    pub oauth2_presets: Vec<OAuth2Preset>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SchemeSummary {
    pub name: String,
    /// `http`, `apiKey`, `oauth2` or `openIdConnect`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The HTTP scheme (`bearer`, `basic`…).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bearer_format: Option<String>,
    /// Where an API key goes: `header`, `query` or `cookie`.
    #[serde(rename = "in", skip_serializing_if = "Option::is_none")]
    pub location: Option<&'static str>,
    /// The header, query parameter or cookie an API key is sent as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub flows: BTreeMap<String, FlowSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_id_connect_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_url: Option<String>,
    pub scopes: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuthStrategy {
    pub schemes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HeaderPreset {
    pub label: String,
    pub headers: BTreeMap<String, Option<String>>,
    pub secret_headers: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OAuth2Preset {
    pub security_scheme_name: String,
    pub flow: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_url: Option<String>,
    pub scopes: Vec<String>,
}

pub fn summary(api: &Api) -> Summary {
    let mut tags: Vec<String> = api.operations.iter().map(|op| op.tag.clone()).collect();
    tags.sort();
    tags.dedup();
    let security_schemes: Vec<SchemeSummary> = api.security_schemes.iter().map(scheme_summary).collect();
    let auth_strategies = auth_strategies(api);
    let header_presets = auth_strategies.iter().filter_map(|strategy| header_preset(&security_schemes, strategy)).collect();
    let oauth2_presets = api
        .security_schemes
        .iter()
        .flat_map(|scheme| {
            scheme.details.flows.iter().map(|flow| OAuth2Preset {
                security_scheme_name: scheme.name.clone(),
                flow: flow.flow.clone(),
                authorization_url: flow.authorization_url.clone(),
                token_url: flow.token_url.clone(),
                scopes: flow.scopes.keys().cloned().collect(),
            })
        })
        .collect();
    Summary { operation_count: api.operations.len(), tags, security_schemes, auth_strategies, header_presets, oauth2_presets }
}

fn scheme_summary(scheme: &crate::ir::SecurityScheme) -> SchemeSummary {
    let details = &scheme.details;
    let (kind, location, header_name) = match &scheme.kind {
        SecurityKind::ApiKey { location, param } => {
            let location = match location {
                Location::Header => "header",
                Location::Query => "query",
                Location::Cookie => "cookie",
                Location::Path => "path",
            };
            ("apiKey", Some(location), Some(param.clone()))
        }
        SecurityKind::HttpBearer | SecurityKind::HttpBasic => ("http", None, None),
        SecurityKind::OAuth2 { .. } => ("oauth2", None, None),
        SecurityKind::OpenIdConnect => ("openIdConnect", None, None),
    };
    let flows = details
        .flows
        .iter()
        .map(|f| {
            let flow = FlowSummary {
                authorization_url: f.authorization_url.clone(),
                token_url: f.token_url.clone(),
                refresh_url: f.refresh_url.clone(),
                scopes: f.scopes.clone(),
            };
            (f.flow.clone(), flow)
        })
        .collect();
    SchemeSummary {
        name: scheme.name.clone(),
        kind,
        scheme: details.http_scheme.clone(),
        bearer_format: details.bearer_format.clone(),
        location,
        header_name,
        description: scheme.description.clone(),
        flows,
        open_id_connect_url: details.open_id_connect_url.clone(),
    }
}

/// The root's alternatives, else every distinct alternative of the operations, in order.
fn auth_strategies(api: &Api) -> Vec<AuthStrategy> {
    let strategy = |requirement: &SecurityRequirement| AuthStrategy { schemes: requirement.schemes.iter().map(|s| s.scheme.clone()).collect() };
    let listed: Vec<AuthStrategy> = if api.security.is_empty() {
        api.operations.iter().flat_map(|op| op.security.iter().map(strategy)).collect()
    } else {
        api.security.iter().map(strategy).collect()
    };
    let mut out: Vec<AuthStrategy> = Vec::new();
    for s in listed {
        if !s.schemes.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The headers a strategy's credentials are sent in; a label naming what they are.
fn header_preset(schemes: &[SchemeSummary], strategy: &AuthStrategy) -> Option<HeaderPreset> {
    let mut headers = BTreeMap::new();
    let mut secret_headers = Vec::new();
    let mut label = Vec::new();
    for name in &strategy.schemes {
        let scheme = schemes.iter().find(|s| &s.name == name)?;
        match (scheme.kind, scheme.scheme.as_deref().map(str::to_ascii_lowercase).as_deref(), scheme.location) {
            ("http", Some("basic"), _) => {
                headers.insert("Authorization".to_string(), None);
                secret_headers.push("Authorization".to_string());
                label.push("Basic Auth".to_string());
            }
            ("http", _, _) | ("oauth2", _, _) | ("openIdConnect", _, _) => {
                headers.insert("Authorization".to_string(), None);
                secret_headers.push("Authorization".to_string());
                label.push(if scheme.kind == "http" { "Bearer Token".to_string() } else { format!("{} (bearer token)", scheme.name) });
            }
            ("apiKey", _, Some("header")) => {
                let header = scheme.header_name.clone().unwrap_or_else(|| scheme.name.clone());
                headers.insert(header.clone(), None);
                secret_headers.push(header);
                label.push(scheme.name.clone());
            }
            (_, _, location) => label.push(format!("{} ({})", scheme.name, location.unwrap_or("elsewhere"))),
        }
    }
    secret_headers.dedup();
    Some(HeaderPreset { label: label.join(" + "), headers, secret_headers })
}
