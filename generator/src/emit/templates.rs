//! Non-Rust files (Cargo.toml, README) from the minijinja templates in `templates/`, compiled
//! into the binary so that it runs anywhere.

use minijinja::Environment;
use serde::Serialize;

use crate::error::Error;

const TEMPLATES: &[(&str, &str)] = &[
    ("api/Cargo.toml", include_str!("../../../templates/api/Cargo.toml.j2")),
    ("api/README.md", include_str!("../../../templates/api/README.md.j2")),
    ("server/Cargo.toml", include_str!("../../../templates/server/Cargo.toml.j2")),
    ("server/README.md", include_str!("../../../templates/server/README.md.j2")),
    ("client/Cargo.toml", include_str!("../../../templates/client/Cargo.toml.j2")),
    ("client/README.md", include_str!("../../../templates/client/README.md.j2")),
    ("mock/Cargo.toml", include_str!("../../../templates/mock/Cargo.toml.j2")),
    ("mock/README.md", include_str!("../../../templates/mock/README.md.j2")),
];

/// Renders the template `name` (e.g. `api/Cargo.toml`) with `context`.
pub fn render(name: &str, context: impl Serialize) -> Result<String, Error> {
    // No template includes another: only the one rendered is compiled.
    let source = TEMPLATES.iter().find(|(template_name, _)| *template_name == name).map(|(_, source)| *source);
    let source = source.ok_or_else(|| Error::new(format!("internal error: no template {name}")))?;
    let mut env = Environment::new();
    env.set_keep_trailing_newline(true);
    env.add_template(name, source).map_err(|e| Error::new(format!("internal error: template {name}: {e}")))?;
    let template = env.get_template(name).map_err(|e| Error::new(format!("internal error: no template {name}: {e}")))?;
    template.render(context).map_err(|e| Error::new(format!("internal error: rendering {name}: {e}")))
}

/// What the templates of every generated crate may use.
#[derive(Serialize)]
pub struct CrateContext<'a> {
    /// This crate's package, e.g. `rocket-server`.
    pub package: String,
    pub api_package: String,
    pub server_package: String,
    /// The client crate's package, where the source has one.
    pub client_package: Option<String>,
    /// The mock server binary.
    pub binary: String,
    pub version: &'a str,
    /// The keys of the `rocketgen-runtime` dependency (`version = "…", path = "…"`).
    pub runtime: &'a str,
    pub title: &'a str,
    pub spec_version: &'a str,
    pub description: Option<&'a str>,
    pub trait_name: String,
    pub operations: usize,
    pub types: usize,
    pub diagnostics: usize,
    pub base_path: &'a str,
    /// The API crate's types include chrono's (typed `date-time` or `date`).
    pub chrono: bool,
    /// … or uuid's.
    pub uuid: bool,
    /// The crates' Cargo features: one per tag, then `standalone-schemas` where there is one.
    pub features: &'a [String],
    /// Whether some schemas no operation uses have their own feature.
    pub standalone: bool,
    /// The tags' features alone: the default ones.
    pub tag_features: Vec<&'a str>,
    /// The feature that turns on every tag's, the default.
    pub all_feature: &'static str,
    /// The API crate's feature of the overlay trait, and the trait's name.
    pub overlay_feature: &'static str,
    pub overlay_name: String,
    /// The API crate's feature of `PartialEq` on requests and responses.
    pub partial_eq_feature: &'static str,
}

impl<'a> CrateContext<'a> {
    /// The context of the `kind` crate (`api`, `server`, …) of a source.
    pub fn new(api: &'a crate::ir::Api, settings: &'a super::CrateSettings, kind: &str) -> Self {
        let source = &settings.source;
        let tag_features: Vec<&str> = api.features.iter().map(String::as_str).filter(|f| *f != crate::ir::STANDALONE_SCHEMAS).collect();
        CrateContext {
            package: format!("{source}-{kind}"),
            api_package: format!("{source}-api"),
            server_package: format!("{source}-server"),
            client_package: settings.with_client.then(|| format!("{source}-client")),
            binary: format!("{source}-mock-server"),
            version: &settings.version,
            runtime: &settings.runtime,
            title: &api.title,
            spec_version: &api.version,
            description: api.description.as_deref(),
            trait_name: super::trait_name(source),
            operations: api.operations.len(),
            types: api.types.len(),
            diagnostics: api.diagnostics.len(),
            base_path: &api.base_path,
            chrono: api.uses_format(crate::ir::StringFormat::DateTime) || api.uses_format(crate::ir::StringFormat::Date),
            uuid: api.uses_format(crate::ir::StringFormat::Uuid),
            features: &api.features,
            standalone: tag_features.len() < api.features.len(),
            tag_features,
            all_feature: crate::ir::ALL_FEATURES,
            overlay_feature: crate::ir::OVERLAY_FEATURE,
            overlay_name: super::overlay::overlay_name(source),
            partial_eq_feature: crate::ir::PARTIAL_EQ_FEATURE,
        }
    }
}
