//! `rocketgen mcp`: an MCP server whose tools are the operations of every registered source,
//! plus `openapi.previewSpec` and `openapi.addSource`. Tool lists and input schemas come from
//! `preview`; calls are built and sent by `call`, so the server holds no per-spec code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock, RwLock};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject, ListToolsResult, PaginatedRequestParams,
    ServerCapabilities, ServerConfig, Tool, ToolAnnotations,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{Value, json};

use crate::error::Error;
use crate::ir::{Api, Method};
use crate::manifest::{self, Manifest};
use crate::{call, ir, load, preview, source, tool_search};

/// The argument of paginated tools that asks for every page.
const ALL_PAGES: &str = "all_pages";
pub const PREVIEW_TOOL: &str = "openapi.previewSpec";
pub const ADD_SOURCE_TOOL: &str = "openapi.addSource";
/// The tools of the search mode, in place of one tool per operation.
pub const SEARCH_TOOL: &str = "search";
pub const DESCRIBE_TOOL: &str = "describe";
pub const CALL_TOOL: &str = "call";

/// Which tools the server lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ToolMode {
    /// One tool per operation, and the control tools.
    #[default]
    All,
    /// `search`, `describe` and `call` over the operations, and the control tools: a list of a
    /// few kilobytes whatever the number of operations.
    Search,
}

/// Where each source's requests go and with which credentials; read from options and the
/// environment once, at start. Secrets never appear in output or errors.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The workspace whose `sources.toml` is served (and written by `persist`), if any.
    pub root: Option<PathBuf>,
    /// Base URL per source name; the entry under `""` applies to every source.
    pub base_urls: BTreeMap<String, String>,
    /// A bearer token per source name (`""`: every source), for its bearer/OAuth2/OIDC schemes.
    pub tokens: BTreeMap<String, String>,
    /// Secrets per source name (`""`: every source) and security scheme name.
    pub credentials: BTreeMap<String, BTreeMap<String, String>>,
}

impl Settings {
    /// Base URL and credentials (by security scheme name) of one source. Options given on the
    /// command line win over the environment: `ROCKETGEN_<NAME>_BASE_URL`,
    /// `ROCKETGEN_<NAME>_TOKEN` (name upper-cased, `-` → `_`), then `ROCKETGEN_TOKEN`. The base
    /// URL defaults to the spec's first absolute server URL.
    fn connection(&self, name: &str, api: &Api) -> (Option<String>, BTreeMap<String, String>) {
        let key = name.to_ascii_uppercase().replace('-', "_");
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // The source's own option, its variable, the option for every source, in that order.
        let pick = |given: &BTreeMap<String, String>, suffix: &str| {
            given.get(name).cloned().or_else(|| var(&format!("ROCKETGEN_{key}_{suffix}"))).or_else(|| given.get("").cloned())
        };
        let base = pick(&self.base_urls, "BASE_URL").or_else(|| api.default_base_url().map(str::to_string));
        let token = pick(&self.tokens, "TOKEN").or_else(|| var("ROCKETGEN_TOKEN"));
        let mut credentials = token.map(|t| call::bearer_credentials(api, &t)).unwrap_or_default();
        for scope in ["", name] {
            if let Some(given) = self.credentials.get(scope) {
                credentials.extend(given.iter().filter(|(k, _)| api.security_schemes.iter().any(|s| &s.name == *k)).map(|(k, v)| (k.clone(), v.clone())));
            }
        }
        (base, credentials)
    }
}

/// How a source is served beyond its spec (what `openapi.addSource` may say).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct SourceOptions {
    /// Its tools are named `namespace.tag.operationId`.
    namespace: Option<String>,
    /// Where its requests go, instead of the settings' or the spec's.
    base_url: Option<String>,
    /// Sent with every request of the source.
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
}

/// One source being served.
struct Served {
    name: String,
    hash: String,
    options: SourceOptions,
    api: Arc<Api>,
    /// The runtime client its calls go through (keep-alive, retries), or why there is none.
    sender: Result<call::Sender, String>,
    credentials: BTreeMap<String, String>,
}

/// A tool's input check, compiled once when first needed (or why it could not be), shared by
/// its calls.
type LazyCheck = Arc<OnceLock<Result<call::InputCheck, String>>>;

/// An operation tool: which source and which operation it calls.
struct Entry {
    tool: Tool,
    source: usize,
    operation: usize,
    /// Its input schema, compiled at its first call and kept for the others.
    check: LazyCheck,
}

#[derive(Default)]
struct Registry {
    sources: Vec<Served>,
    /// Operation tools by name, in registration order.
    tools: indexmap::IndexMap<String, Entry>,
    /// The search index of `tools`, in the same order; rebuilt when they change.
    index: Option<tool_search::Index>,
}

impl Registry {
    /// Serves `api` as `name`, replacing a source of that name. Tool names are the preview's;
    /// one already taken by another source is qualified with this source's name.
    fn register(&mut self, settings: &Settings, name: &str, hash: String, api: Api, options: SourceOptions) -> Vec<String> {
        let (base_url, credentials) = settings.connection(name, &api);
        let sender = match options.base_url.clone().or(base_url) {
            Some(base_url) => call::Sender::with_extras(&base_url, call::RetryPolicy::default(), &options.headers, &options.query).map_err(|e| e.to_string()),
            None => {
                let key = name.to_ascii_uppercase().replace('-', "_");
                Err(format!("source {name:?} has no absolute server URL: pass --base-url {name}=URL or set ROCKETGEN_{key}_BASE_URL"))
            }
        };
        let served = Served { name: name.to_string(), hash, options, api: Arc::new(api), sender, credentials };
        let index = match self.sources.iter().position(|s| s.name == name) {
            Some(old) => {
                self.index = None;
                self.tools.retain(|_, e| e.source != old);
                self.sources[old] = served;
                old
            }
            None => {
                self.sources.push(served);
                self.sources.len() - 1
            }
        };
        self.add_tools(index)
    }

    /// The search index, built on first use after the tools changed.
    fn index(&mut self) -> &tool_search::Index {
        let (tools, sources) = (&self.tools, &self.sources);
        self.index.get_or_insert_with(|| {
            let documents: Vec<tool_search::Document<'_>> = tools
                .iter()
                .map(|(name, entry)| {
                    let op = &sources[entry.source].api.operations[entry.operation];
                    tool_search::Document {
                        name,
                        summary: op.summary.as_deref(),
                        description: entry.tool.description.as_deref().unwrap_or(""),
                        tag: &op.tag,
                        path: &op.path,
                    }
                })
                .collect();
            tool_search::Index::new(&documents)
        })
    }

    fn add_tools(&mut self, index: usize) -> Vec<String> {
        self.index = None;
        let served = &self.sources[index];
        let shown = preview::preview(&served.api);
        let mut names = Vec::new();
        for (operation, (tool, op)) in shown.tools.into_iter().zip(&served.api.operations).enumerate() {
            let mut name = match &served.options.namespace {
                Some(namespace) => preview::legal_tool_name(&format!("{namespace}.{}", tool.name)),
                None => tool.name.clone(),
            };
            if self.tools.contains_key(&name) || name == PREVIEW_TOOL || name == ADD_SOURCE_TOOL {
                name = preview::legal_tool_name(&format!("{}.{}", served.name, tool.name));
            }
            let mut n = 2;
            while self.tools.contains_key(&name) {
                name = preview::legal_tool_name(&format!("{}.{}_{n}", served.name, tool.name));
                n += 1;
            }
            let mut schema = match tool.input_schema {
                Value::Object(map) => map,
                _ => JsonObject::new(),
            };
            if op.pagination.is_some()
                && let Some(Value::Object(properties)) = schema.get_mut("properties")
                && !properties.contains_key(ALL_PAGES)
            {
                properties.insert(
                    ALL_PAGES.to_string(),
                    json!({"type": "boolean", "description": "Fetch every page from this one on and answer all their items as one array."}),
                );
            }
            let mut description = tool.description;
            if description.is_empty() {
                description = format!("{} {}", tool.method, tool.path);
            }
            let output = match tool.result_schema {
                Value::Object(map) => map,
                _ => JsonObject::new(),
            };
            let mcp_tool = Tool::new(name.clone(), description, Arc::new(schema))
                .with_raw_output_schema(Arc::new(output))
                .annotate(annotations(op.http_method, op.summary.as_deref()));
            self.tools.insert(name.clone(), Entry { tool: mcp_tool, source: index, operation, check: Arc::default() });
            names.push(name);
        }
        names
    }
}

/// Hints from the HTTP method: safe methods only read, DELETE destroys, PUT and DELETE may be
/// repeated. Every operation reaches outside the server (open world).
fn annotations(method: Method, summary: Option<&str>) -> ToolAnnotations {
    let base = match summary {
        Some(s) if !s.trim().is_empty() => ToolAnnotations::with_title(s.trim()),
        _ => ToolAnnotations::new(),
    }
    .open_world(true);
    match method {
        Method::Get | Method::Head | Method::Options | Method::Trace => base.read_only(true),
        Method::Delete => base.read_only(false).destructive(true).idempotent(true),
        Method::Put => base.read_only(false).destructive(true).idempotent(true),
        Method::Post | Method::Patch => base.read_only(false).destructive(false).idempotent(false),
    }
}

/// The MCP server. Cloned per connection; all clones share one registry.
#[derive(Clone)]
pub struct McpServer {
    registry: Arc<RwLock<Registry>>,
    settings: Arc<Settings>,
    mode: ToolMode,
}

impl McpServer {
    /// Serves the sources in `settings.root`'s manifest: those named in `only`, else every one
    /// that is not a test fixture.
    pub fn from_workspace(settings: Settings, only: &[String]) -> Result<McpServer, Error> {
        let mut registry = Registry::default();
        if let Some(root) = &settings.root {
            let manifest = Manifest::read(root)?;
            for name in only {
                if !manifest.sources.iter().any(|s| &s.name == name) {
                    return Err(Error::new(format!("no source named {name:?} in {}", root.join(manifest::MANIFEST_FILE).display())));
                }
            }
            // Test fixtures are served only when named.
            let served = |s: &&manifest::Source| if only.is_empty() { !s.fixture } else { only.contains(&s.name) };
            for entry in manifest.sources.iter().filter(served) {
                let path = root.join(&entry.spec);
                let loaded = load::load_path(&path)?;
                let api = ir::build(&loaded).map_err(|e| e.in_file(&path))?;
                registry.register(&settings, &entry.name, fingerprint(&loaded), api, SourceOptions::default());
            }
        }
        Ok(McpServer { registry: Arc::new(RwLock::new(registry)), settings: Arc::new(settings), mode: ToolMode::All })
    }

    /// The server listing `mode`'s tools.
    pub fn with_mode(mut self, mode: ToolMode) -> Self {
        self.mode = mode;
        self
    }

    /// Every tool listed: the operation tools (or, in search mode, `search`, `describe` and
    /// `call`), then the two control tools.
    pub fn tools(&self) -> Vec<Tool> {
        let mut tools: Vec<Tool> = match self.mode {
            ToolMode::All => self.operation_tools(),
            ToolMode::Search => search_tools(),
        };
        tools.extend(own_tools());
        tools
    }

    /// One tool per operation of every source, whatever the mode.
    pub fn operation_tools(&self) -> Vec<Tool> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        registry.tools.values().map(|e| e.tool.clone()).collect()
    }

    /// Runs one tool. Failures of the tool itself (bad arguments, an HTTP error status, an
    /// unreachable server) are error results, not protocol errors.
    pub async fn call(&self, name: &str, args: Value) -> Result<(CallToolResult, bool), ErrorData> {
        match name {
            PREVIEW_TOOL => Ok((blocking(move || preview_spec(&args)).await, false)),
            ADD_SOURCE_TOOL => {
                let server = self.clone();
                let result = blocking(move || server.add_source(&args)).await;
                let changed = result.is_error != Some(true);
                Ok((result, changed))
            }
            SEARCH_TOOL if self.mode == ToolMode::Search => Ok((self.search(&args), false)),
            DESCRIBE_TOOL if self.mode == ToolMode::Search => Ok((self.describe(&args), false)),
            CALL_TOOL if self.mode == ToolMode::Search => {
                let Some(operation) = args.get("name").and_then(Value::as_str) else {
                    return Ok((CallToolResult::error(vec![ContentBlock::text("name: the tool to call is required (a name `search` answers)")]), false));
                };
                let arguments = match args.get("arguments") {
                    None | Some(Value::Null) => json!({}),
                    Some(Value::Object(map)) => Value::Object(map.clone()),
                    Some(_) => return Ok((CallToolResult::error(vec![ContentBlock::text("arguments: expected an object")]), false)),
                };
                Ok((self.call_operation(operation, arguments).await?, false))
            }
            _ => Ok((self.call_operation(name, args).await?, false)),
        }
    }

    /// `search`: the operation tools that match a query, best first.
    fn search(&self, args: &Value) -> CallToolResult {
        let Some(query) = args.get("query").and_then(Value::as_str).filter(|q| !q.trim().is_empty()) else {
            return CallToolResult::error(vec![ContentBlock::text("query: what to look for is required")]);
        };
        let limit = args.get("limit").and_then(Value::as_u64).map_or(10, |l| l.clamp(1, 50)) as usize;
        let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
        let found = registry.index().search(query, limit);
        let tools: Vec<Value> = found
            .into_iter()
            .filter_map(|(i, score)| {
                let (name, entry) = registry.tools.get_index(i)?;
                let description = entry.tool.description.as_deref().unwrap_or("");
                let line = description.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
                Some(json!({"name": name, "description": line, "score": (score * 1000.0).round() / 1000.0}))
            })
            .collect();
        CallToolResult::structured(json!({"tools": tools}))
    }

    /// `describe`: the named tools whole, input and output schemas included.
    fn describe(&self, args: &Value) -> CallToolResult {
        let Some(names) = args.get("names").and_then(Value::as_array).filter(|n| !n.is_empty()) else {
            return CallToolResult::error(vec![ContentBlock::text("names: the tools to describe are required")]);
        };
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        let mut tools = Vec::new();
        for name in names {
            let name = name.as_str().unwrap_or("");
            let Some(entry) = registry.tools.get(name) else {
                return CallToolResult::error(vec![ContentBlock::text(format!("no tool named {name:?}"))]);
            };
            tools.push(serde_json::to_value(&entry.tool).unwrap_or(Value::Null));
        }
        CallToolResult::structured(json!({"tools": tools}))
    }

    /// Calls an operation tool by name: what both modes do.
    async fn call_operation(&self, name: &str, args: Value) -> Result<CallToolResult, ErrorData> {
        let request = {
            let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
            let Some(entry) = registry.tools.get(name) else {
                return Err(ErrorData::invalid_params(format!("no tool named {name:?}"), None));
            };
            let served = &registry.sources[entry.source];
            Outgoing {
                api: served.api.clone(),
                operation: entry.operation,
                check: entry.check.clone(),
                args,
                sender: served.sender.clone(),
                credentials: served.credentials.clone(),
            }
        };
        Ok(perform(request).await.map_or_else(|message| CallToolResult::error(vec![ContentBlock::text(message)]), CallToolResult::structured))
    }

    /// Registers a source: today's input (`spec`, `name`, `upgrade`, `persist`) or
    /// Executor's (`spec` as `{kind: "url", url}` or `{kind: "blob", value}`, `namespace`,
    /// `baseUrl`, `headers`, `queryParams`). Answers `{sourceId, toolCount}` among the rest.
    fn add_source(&self, args: &Value) -> Result<Value, String> {
        let given = spec_argument(args)?;
        let api = &given.api;
        let namespace = optional_str(args, "namespace")?.filter(|n| !n.trim().is_empty()).map(str::to_string);
        let name = match optional_str(args, "name")? {
            Some(name) if manifest::is_valid_source_name(name) => name.to_string(),
            // Executor's `name` is a display name: the source is then named from the namespace.
            Some(name) if namespace.is_none() => {
                return Err(format!("source name {name:?} must be lowercase letters, digits and dashes, starting with a letter"));
            }
            Some(_) | None => source::name_from_title(namespace.as_deref().unwrap_or(&api.title)),
        };
        if !manifest::is_valid_source_name(&name) {
            return Err(format!("source name {name:?} must be lowercase letters, digits and dashes, starting with a letter"));
        }
        let options = SourceOptions {
            namespace,
            base_url: optional_str(args, "baseUrl")?.map(|url| url.trim_end_matches('/').to_string()),
            headers: string_map(args, "headers")?,
            query: string_map(args, "queryParams")?,
        };
        if let Some(url) = &options.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!("baseUrl: {url:?} must start with http:// or https://"));
        }
        let upgrade = args.get("upgrade").and_then(Value::as_bool).unwrap_or(false);
        let persist = args.get("persist").and_then(Value::as_bool).unwrap_or(false);
        let hash = fingerprint(&given.loaded);
        {
            let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
            if let Some(existing) = registry.sources.iter().find(|s| s.name == name) {
                if existing.hash == hash && existing.options == options && !persist {
                    let tools: Vec<&String> = registry.tools.iter().filter(|(_, e)| registry.sources[e.source].name == name).map(|(n, _)| n).collect();
                    return Ok(json!({"sourceId": name, "toolCount": tools.len(), "name": name, "unchanged": true, "tools": tools}));
                }
                if existing.hash != hash && !upgrade {
                    let report = crate::diff::diff(&existing.api, api);
                    return Err(format!(
                        "source {name:?} is served with a different spec ({} → {}: {} operation(s) added, {} removed, {} changed); pass \"upgrade\": true to replace it",
                        report.old_version,
                        report.new_version,
                        report.summary.operations_added,
                        report.summary.operations_removed,
                        report.summary.operations_changed
                    ));
                }
            }
        }
        if persist {
            let root = self.settings.root.as_deref().ok_or("`persist` needs a workspace (run the server inside one, or pass --root)")?;
            write_source(root, &name, &given, upgrade).map_err(|e| e.to_string())?;
        }
        let mut registry = self.registry.write().unwrap_or_else(|e| e.into_inner());
        let tools = registry.register(&self.settings, &name, hash, given.api, options);
        Ok(json!({"sourceId": name, "toolCount": tools.len(), "name": name, "tools": tools, "persisted": persist}))
    }
}

/// An optional string argument; any other type is an error naming it.
fn optional_str<'a>(args: &'a Value, key: &str) -> Result<Option<&'a str>, String> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("{key}: expected a string, got {other}")),
    }
}

/// An object of string values (`headers`, `queryParams`), in order.
fn string_map(args: &Value, key: &str) -> Result<Vec<(String, String)>, String> {
    match args.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, value)| match value {
                Value::String(text) => Ok((name.clone(), text.clone())),
                _ => Err(format!("{key}.{name}: expected a string (the value itself)")),
            })
            .collect(),
        Some(_) => Err(format!("{key}: expected an object of names to strings")),
    }
}

/// `add-source` into the workspace; an inline spec is first written to a scratch file.
fn write_source(root: &Path, name: &str, given: &GivenSpec, upgrade: bool) -> Result<(), Error> {
    let loaded = &given.loaded;
    let spec = match &loaded.path {
        Some(path) => path.clone(),
        None => {
            // Inline text as given; a fetched spec as the document it parsed to.
            let (contents, extension) = match &given.inline {
                Some(text) if text.trim_start().starts_with('{') => (text.clone(), "json"),
                Some(text) => (text.clone(), "yaml"),
                None => (loaded.raw.to_string(), "json"),
            };
            let scratch = std::env::temp_dir().join(format!("rocketgen-mcp-{}-{name}.{extension}", std::process::id()));
            std::fs::write(&scratch, contents).map_err(|e| Error::io(&scratch, e))?;
            scratch
        }
    };
    let request = source::AddSource { spec: spec.clone(), name: Some(name.to_string()), upgrade };
    let outcome = source::add_source(root, &request);
    if loaded.path.is_none() {
        let _ = std::fs::remove_file(&spec);
    }
    outcome.map(|_| ())
}

/// Whether a `spec` argument is the spec's text rather than a path or URL.
fn is_inline(text: &str) -> bool {
    text.trim_start().starts_with('{') || text.contains('\n')
}

/// A `spec` argument, loaded and built.
struct GivenSpec {
    /// The text, when it was given inline.
    inline: Option<String>,
    loaded: load::LoadedSpec,
    api: Api,
}

/// The `spec` argument — a path, an http(s) URL, inline JSON/YAML text, `{kind: "url", url}`
/// or `{kind: "blob", value}` — fetched with `specFetchCredentials` (headers, queryParams)
/// where it is a URL.
fn spec_argument(args: &Value) -> Result<GivenSpec, String> {
    // A client that passes every argument as text sends `{kind, …}` as its JSON text.
    let wrapped = match args.get("spec") {
        Some(Value::String(text)) if text.trim_start().starts_with('{') => serde_json::from_str::<Value>(text)
            .ok()
            .filter(|v| matches!(v.get("kind").and_then(Value::as_str), Some("url" | "blob")) && v.get("openapi").is_none()),
        _ => None,
    };
    let (text, inline) = match wrapped.as_ref().or(args.get("spec")) {
        Some(Value::String(text)) => (text.as_str(), is_inline(text)),
        Some(Value::Object(spec)) => match spec.get("kind").and_then(Value::as_str) {
            Some("url") => (spec.get("url").and_then(Value::as_str).ok_or("spec.url: the spec's URL is required")?, false),
            Some("blob") => (spec.get("value").and_then(Value::as_str).ok_or("spec.value: the spec's text is required")?, true),
            _ => return Err("spec.kind: expected \"url\" or \"blob\"".to_string()),
        },
        _ => return Err("`spec` (a path, URL or the spec's text, or {kind, url|value}) is required".to_string()),
    };
    let credentials = args.get("specFetchCredentials").cloned().unwrap_or(Value::Null);
    let (headers, query) = (string_map(&credentials, "headers")?, string_map(&credentials, "queryParams")?);
    let is_url = text.starts_with("http://") || text.starts_with("https://");
    let loaded = if inline {
        load::load_str(text)
    } else if is_url {
        load::fetch_with(text, &headers, &query)
    } else {
        load::load_source(text)
    }
    .map_err(|e| e.to_string())?;
    let api = ir::build(&loaded).map_err(|e| e.to_string())?;
    Ok(GivenSpec { inline: inline.then(|| text.to_string()), loaded, api })
}

/// What identifies a served spec: its document, whatever its formatting or where it came from.
fn fingerprint(loaded: &load::LoadedSpec) -> String {
    source::content_hash(loaded.raw.to_string().as_bytes())
}

/// The spec's summary and its tools; their schemas only when asked for (`schemas`), since
/// they are most of a preview's size (Rocket's: 1.6 MB with them, beyond what some clients take
/// as one answer) and the tools list has them once the source is added.
fn preview_spec(args: &Value) -> Result<Value, String> {
    let given = spec_argument(args)?;
    let schemas = match args.get("schemas") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => return Err(format!("schemas: expected a boolean, got {other}")),
    };
    let mut shown = serde_json::to_value(preview::preview(&given.api)).map_err(|e| e.to_string())?;
    if !schemas && let Some(tools) = shown.get_mut("tools").and_then(Value::as_array_mut) {
        for tool in tools.iter_mut().filter_map(Value::as_object_mut) {
            tool.remove("input_schema");
            tool.remove("output_schema");
        }
    }
    Ok(shown)
}

/// One operation tool's call: the source's IR, the operation, its arguments and connection.
struct Outgoing {
    api: Arc<Api>,
    operation: usize,
    check: LazyCheck,
    args: Value,
    sender: Result<call::Sender, String>,
    credentials: BTreeMap<String, String>,
}

/// Sends one operation's request; the answer is `{status, body}`, an error result when the
/// status is not 2xx/3xx. With `all_pages`, every page's items as one array: `{status: 200,
/// body: [...]}`. Secrets never appear in an error.
async fn perform(Outgoing { api, operation, check, mut args, sender, credentials }: Outgoing) -> Result<Value, String> {
    let op = &api.operations[operation];
    let check = check.get_or_init(|| call::InputCheck::new(&api, op).map_err(|e| e.to_string())).as_ref().map_err(String::clone)?;
    let redact = |text: String| credentials.values().filter(|s| !s.is_empty()).fold(text, |t, s| t.replace(s.as_str(), "***"));
    let all_pages = match args.as_object_mut().filter(|_| op.pagination.is_some()).and_then(|args| args.remove(ALL_PAGES)) {
        None | Some(Value::Bool(false)) => false,
        Some(Value::Bool(true)) => true,
        Some(other) => return Err(format!("{ALL_PAGES}: expected a boolean, got {other}")),
    };
    check.check(op, &args).map_err(|e| e.to_string())?;
    let sender = sender?;
    if all_pages {
        let items = sender.all_pages(&api, op, &args, &credentials).await.map_err(|e| redact(e.to_string()))?;
        return Ok(json!({"status": 200, "body": items}));
    }
    let prepared = call::build(&api, op, &args, &credentials).map_err(|e| e.to_string())?;
    let answer = sender.send(op, &prepared).await.map_err(|e| redact(e.to_string()))?;
    let body = answer.json(op).map_err(|e| redact(e.to_string()))?;
    let result = json!({"status": answer.status, "body": body});
    if (200..400).contains(&answer.status) { Ok(result) } else { Err(redact(result.to_string())) }
}

/// Runs blocking work (file and network I/O, generation) off the protocol's threads.
async fn blocking(work: impl FnOnce() -> Result<Value, String> + Send + 'static) -> CallToolResult {
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(value)) => CallToolResult::structured(value),
        Ok(Err(message)) => CallToolResult::error(vec![ContentBlock::text(message)]),
        Err(e) => CallToolResult::error(vec![ContentBlock::text(format!("the tool failed: {e}"))]),
    }
}

/// A schema written as JSON, as the tool types hold it.
fn object(schema: Value) -> Arc<JsonObject> {
    Arc::new(if let Value::Object(map) = schema { map } else { JsonObject::new() })
}

/// The search mode's tools over the operations.
fn search_tools() -> Vec<Tool> {
    let search_in = json!({
        "type": "object",
        "properties": {
            "query": {"type": "string", "description": "What the operation does, in a few words."},
            "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "At most this many tools (default 10)."}
        },
        "required": ["query"],
        "additionalProperties": false
    });
    let search_out = json!({
        "type": "object",
        "properties": {"tools": {"type": "array", "items": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "description": {"type": "string"}, "score": {"type": "number"}},
            "required": ["name", "description", "score"]
        }}},
        "required": ["tools"]
    });
    let describe_in = json!({
        "type": "object",
        "properties": {"names": {"type": "array", "items": {"type": "string"}, "minItems": 1, "description": "Tool names, as `search` gives them."}},
        "required": ["names"],
        "additionalProperties": false
    });
    let describe_out = json!({
        "type": "object",
        "properties": {"tools": {"type": "array", "items": {"type": "object", "required": ["name", "inputSchema"]}}},
        "required": ["tools"]
    });
    let call_in = json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "The tool to call."},
            "arguments": {"type": "object", "description": "Its arguments, as its input schema (`describe`) says."}
        },
        "required": ["name"],
        "additionalProperties": false
    });
    let call_out = json!({
        "type": "object",
        "properties": {"status": {"type": "integer", "description": "The HTTP status."}, "body": {"description": "The body, as the tool's output schema says."}},
        "required": ["status", "body"]
    });
    vec![
        Tool::new(SEARCH_TOOL, "Finds the operations that do something: their names and one-line descriptions, best match first.", object(search_in))
            .with_raw_output_schema(object(search_out))
            .annotate(ToolAnnotations::with_title("Search the operations").read_only(true).open_world(false)),
        Tool::new(DESCRIBE_TOOL, "The named operations whole: description, input and output schemas, hints.", object(describe_in))
            .with_raw_output_schema(object(describe_out))
            .annotate(ToolAnnotations::with_title("Describe operations").read_only(true).open_world(false)),
        Tool::new(
            CALL_TOOL,
            "Calls an operation by name with its arguments; answers {status, body} as the operation's own tool would, and fails as it would.",
            object(call_in),
        )
        .with_raw_output_schema(object(call_out))
        .annotate(ToolAnnotations::with_title("Call an operation").read_only(false).open_world(true)),
    ]
}

fn own_tools() -> Vec<Tool> {
    let location = json!({"type": "string", "description": "A file path, an http(s) URL, or the spec's JSON/YAML text."});
    let spec = json!({"anyOf": [
        location,
        {"type": "object", "properties": {"kind": {"const": "url"}, "url": {"type": "string"}}, "required": ["kind", "url"], "additionalProperties": false},
        {"type": "object", "properties": {"kind": {"const": "blob"}, "value": {"type": "string", "description": "The spec's JSON/YAML text."}}, "required": ["kind", "value"], "additionalProperties": false}
    ]});
    let strings = |description: &str| json!({"type": "object", "additionalProperties": {"type": "string"}, "description": description});
    let fetch = json!({
        "type": "object",
        "description": "Sent when the spec is fetched from a URL (a private spec's credentials).",
        "properties": {"headers": strings("Headers to send."), "queryParams": strings("Query parameters to add.")},
        "additionalProperties": false
    });
    let preview = json!({
        "type": "object",
        "properties": {
            "spec": spec,
            "specFetchCredentials": fetch,
            "schemas": {"type": "boolean", "description": "Also answer each tool's input and output schemas (large; the tools list has them once the source is added)."}
        },
        "required": ["spec"],
        "additionalProperties": false
    });
    let add = json!({
        "type": "object",
        "properties": {
            "spec": spec,
            "specFetchCredentials": fetch,
            "name": {"type": "string", "description": "The source name (default: from the namespace or the spec's title); lowercase letters, digits and dashes. Any other text is taken as a display name when a namespace is given."},
            "namespace": {"type": "string", "description": "The tools are named namespace.tag.operationId."},
            "baseUrl": {"type": "string", "description": "Where the source's requests go (default: the spec's first absolute server URL)."},
            "headers": strings("Headers sent with every request of the source."),
            "queryParams": strings("Query parameters added to every request of the source."),
            "scope": {"type": "string", "description": "Accepted for compatibility; every source is served to every client of this server."},
            "upgrade": {"type": "boolean", "description": "Replace a source of that name that has a different spec."},
            "persist": {"type": "boolean", "description": "Also register it in the workspace: copy the spec, record it in sources.toml, generate its crates."}
        },
        "required": ["spec"],
        "additionalProperties": false
    });
    let servers = json!({"type": "array", "items": {
        "type": "object",
        "properties": {
            "url": {"type": "string"},
            "description": {"type": "string"},
            "variables": {"type": "object", "additionalProperties": {
                "type": "object",
                "properties": {"default": {"type": "string"}, "enum": {"type": "array", "items": {"type": "string"}}, "description": {"type": "string"}},
                "required": ["default"]
            }}
        },
        "required": ["url"]
    }});
    let preview_out = json!({
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "version": {"type": "string"},
            "servers": servers,
            "operationCount": {"type": "integer"},
            "tags": {"type": "array", "items": {"type": "string"}},
            "securitySchemes": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "type": {"enum": ["http", "apiKey", "oauth2", "openIdConnect"]},
                    "scheme": {"type": "string"},
                    "in": {"enum": ["header", "query", "cookie"]},
                    "headerName": {"type": "string"},
                    "description": {"type": "string"},
                    "flows": {"type": "object"},
                    "openIdConnectUrl": {"type": "string"}
                },
                "required": ["name", "type"]
            }},
            "authStrategies": {"type": "array", "items": {
                "type": "object", "properties": {"schemes": {"type": "array", "items": {"type": "string"}}}, "required": ["schemes"]
            }},
            "headerPresets": {"type": "array", "items": {"type": "object", "required": ["label", "headers", "secretHeaders"]}},
            "oauth2Presets": {"type": "array", "items": {"type": "object", "required": ["securitySchemeName", "flow", "scopes"]}},
            "counts": {"type": "object"},
            "tools": {"type": "array", "items": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "description": {"type": "string"},
                    "method": {"type": "string"},
                    "path": {"type": "string"},
                    "input_schema": {"type": "object"},
                    "output_schema": {"type": "object"},
                    "pagination": {"type": "object"}
                },
                "required": ["name", "description", "method", "path"]
            }},
            "renamed": {"type": "object", "additionalProperties": {"type": "string"}},
            "diagnostics": {"type": "array", "items": {"type": "object"}}
        },
        "required": ["title", "version", "servers", "operationCount", "tags", "securitySchemes", "authStrategies", "headerPresets", "oauth2Presets", "counts", "tools", "diagnostics"]
    });
    let add_out = json!({
        "type": "object",
        "properties": {
            "sourceId": {"type": "string", "description": "The source's name."},
            "toolCount": {"type": "integer"},
            "name": {"type": "string"},
            "tools": {"type": "array", "items": {"type": "string"}},
            "persisted": {"type": "boolean"},
            "unchanged": {"type": "boolean", "description": "The same spec was already served under this name."}
        },
        "required": ["sourceId", "toolCount", "name", "tools"]
    });
    vec![
        Tool::new(
            PREVIEW_TOOL,
            "What adding an OpenAPI spec would give: title, version, servers with their variables, operation count, tags, security schemes, auth strategies and presets, its tools (name, description, method, path, input and output schemas) and the diagnostics. Writes nothing.",
            object(preview),
        )
        .with_raw_output_schema(object(preview_out))
        .annotate(ToolAnnotations::with_title("Preview an OpenAPI spec").read_only(true).open_world(true)),
        Tool::new(
            ADD_SOURCE_TOOL,
            "Registers an OpenAPI spec as a source for this server's life (optionally in the workspace too); its operations become tools, named namespace.tag.operationId when a namespace is given.",
            object(add),
        )
        .with_raw_output_schema(object(add_out))
        .annotate(ToolAnnotations::with_title("Add an OpenAPI spec as a source").read_only(false).destructive(false).idempotent(true).open_world(true)),
    ]
}

impl ServerHandler for McpServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().enable_tool_list_changed().build())
            .with_server_info(Implementation::new("rocketgen", env!("CARGO_PKG_VERSION")))
            .with_instructions("Each tool is one operation of a registered OpenAPI source, named `tag.operationId`; its arguments are the operation's parameters by name and `body`. openapi.previewSpec shows a spec's tools; openapi.addSource registers one.")
    }

    async fn list_tools(&self, _request: Option<PaginatedRequestParams>, _context: RequestContext<RoleServer>) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(self.tools()))
    }

    async fn call_tool(&self, request: CallToolRequestParams, context: RequestContext<RoleServer>) -> Result<CallToolResponse, ErrorData> {
        let args = Value::Object(request.arguments.unwrap_or_default());
        let (result, tools_changed) = self.call(&request.name, args).await?;
        if tools_changed {
            // The client may not listen; the call succeeded either way.
            let _ = context.peer.notify_tool_list_changed().await;
        }
        Ok(result.into())
    }

    /// Any tool by name, listed or not: an operation is callable by its own name in search
    /// mode too.
    fn get_tool(&self, name: &str) -> Option<Tool> {
        let registry = self.registry.read().unwrap_or_else(|e| e.into_inner());
        if let Some(entry) = registry.tools.get(name) {
            return Some(entry.tool.clone());
        }
        drop(registry);
        own_tools().into_iter().chain(if self.mode == ToolMode::Search { search_tools() } else { Vec::new() }).find(|t| t.name == name)
    }
}

/// Serves on stdio until the client closes it, or streamable HTTP at `/mcp` on `http`.
pub async fn serve(server: McpServer, http: Option<std::net::SocketAddr>) -> Result<(), Error> {
    use rmcp::ServiceExt;
    match http {
        None => {
            let running = server.serve(rmcp::transport::stdio_pipes()).await.map_err(|e| Error::new(format!("MCP start-up failed: {e}")))?;
            running.waiting().await.map_err(|e| Error::new(format!("MCP server failed: {e}")))?;
        }
        Some(address) => {
            use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService, session::local::LocalSessionManager};
            let service =
                StreamableHttpService::new(move || Ok(server.clone()), Arc::new(LocalSessionManager::default()), StreamableHttpServerConfig::default());
            let router = axum::Router::new().nest_service("/mcp", service);
            let listener = tokio::net::TcpListener::bind(address).await.map_err(|e| Error::new(format!("cannot listen on {address}: {e}")))?;
            eprintln!("MCP (streamable HTTP) at http://{}/mcp", listener.local_addr().map_err(|e| Error::new(e.to_string()))?);
            // An answer goes out as several small SSE writes: with Nagle's algorithm on, each
            // call waited for the client's delayed ACK (40 ms).
            let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
                let _ = tcp.set_nodelay(true);
            });
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
                .map_err(|e| Error::new(format!("MCP server failed: {e}")))?;
        }
    }
    Ok(())
}
