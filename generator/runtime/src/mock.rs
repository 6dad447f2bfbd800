//! The programmable mock: per operation a fixed answer, a sequence or a closure; every call
//! recorded; otherwise an answer synthesized from the spec (fixtures file, `Prefer: code=…`, or
//! the first success status), deterministic for a seed.

use std::any::Any;
use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use serde_json::Value;

use crate::meta::{Constraints, Framing, OperationMeta, fields_of};
use crate::response_json::raw_from_json;
use crate::synth::{Fill, Synth};
use crate::validate::{Strictness, validate};
use crate::{Error, OperationResponse, RawResponse};

tokio::task_local! {
    /// The status a request asked for (`Prefer: code=404`), set by the mock server.
    pub static PREFERRED_STATUS: u16;
}

/// What the fixtures file says an operation answers.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub status: u16,
    /// The response in its JSON form (see [`crate::response_json`]).
    pub response: Value,
}

/// How many calls a mock remembers (per operation, and in its log); older ones are dropped, so
/// that a long-running mock server does not grow without bound.
pub const REMEMBERED_CALLS: usize = 10_000;

/// An operation's tool name and a status.
type AnswerKey = (&'static str, u16);

/// A value of an operation's request type, whatever the operation: what is recorded is kept
/// this way, so that the mock's machinery is compiled once rather than once per operation.
type Boxed = Box<dyn Any + Send>;

/// Answers a request (its request type's value) by putting a response into the caller's slot
/// (an `Option` of its response type): a programmed closure with its types. The types are
/// checked where the mock is programmed, so a served call needs no downcast of its own.
type Responder = Arc<dyn Fn(&(dyn Any + Send), &mut dyn Any) -> Result<(), Error> + Send + Sync>;

/// One programmed response, put into the caller's slot when its turn comes.
type Queued = Box<dyn FnOnce(&mut dyn Any) -> Result<(), Error> + Send>;

/// What an operation was told to answer.
enum Programmed {
    Always(Responder),
    Sequence(VecDeque<Queued>),
}

#[derive(Default)]
struct OperationState {
    programmed: Option<Programmed>,
    /// The requests received (the last [`REMEMBERED_CALLS`]), each a clone of the operation's
    /// request type.
    calls: VecDeque<Boxed>,
}

/// The state behind a mock; clones of a mock share it.
pub struct MockState {
    seed: u64,
    fixtures: HashMap<String, Fixture>,
    /// Every operation of the spec (stateful mode reads the collections off their paths).
    all: &'static [&'static OperationMeta<'static>],
    operations: Mutex<HashMap<&'static str, OperationState>>,
    log: Mutex<VecDeque<(String, Value)>>,
    /// Default answers already made, by operation and status: they depend on nothing else, so
    /// each is synthesized once.
    answers: Mutex<HashMap<AnswerKey, RawResponse>>,
    /// Set in stateful mode: what clients write, they read back.
    store: Option<crate::stateful::Store>,
}

impl MockState {
    /// The state of a mock of the API whose operations are `all`.
    pub fn new(all: &'static [&'static OperationMeta<'static>], seed: u64, fixtures: HashMap<String, Fixture>, stateful: bool) -> Self {
        MockState {
            all,
            store: stateful.then(crate::stateful::Store::default),
            seed,
            fixtures,
            operations: Mutex::new(HashMap::new()),
            log: Mutex::new(VecDeque::new()),
            answers: Mutex::new(HashMap::new()),
        }
    }

    fn operations(&self) -> MutexGuard<'_, HashMap<&'static str, OperationState>> {
        self.operations.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The calls so far (the last [`REMEMBERED_CALLS`]), in order: tool name and request as JSON.
    pub fn log(&self) -> Vec<(String, Value)> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).iter().cloned().collect()
    }

    /// Records the call and answers it: as programmed, else from the fixtures or `Prefer`,
    /// else synthesized.
    ///
    /// Only the typing is per operation; recording and the default answer (as a
    /// [`RawResponse`], read with the enum's own `from_raw`) are compiled once. The answer is
    /// worked out when the future is first polled (within the served request's context), by a
    /// future that is no state machine of its own.
    pub fn answer<Req, Resp>(&self, op: &'static OperationMeta<'static>, request: Req) -> impl Future<Output = Result<Resp, Error>> + Send + '_
    where
        Req: Clone + Serialize + Send + 'static,
        Resp: OperationResponse + Clone + Send + 'static,
    {
        futures::future::lazy(move |_| self.answer_now(op, request))
    }

    // Per operation, so kept to the typing: no closures, `?`, `map` or downcast of its own.
    fn answer_now<Req, Resp>(&self, op: &'static OperationMeta<'static>, request: Req) -> Result<Resp, Error>
    where
        Req: Clone + Serialize + Send + 'static,
        Resp: OperationResponse + Clone + Send + 'static,
    {
        // Written as JSON text, as a response body is: the request's fields serialize with the
        // instances the API crate already compiled for bodies, none for `serde_json::Value`.
        let as_json = fields_of(serde_json::to_vec(&request)).map_or(Value::Null, Value::Object);
        let mut answer: Option<Resp> = None;
        match self.find_answer(op, as_json, Box::new(request.clone()), &request, &mut answer, read_raw::<Resp>) {
            Ok(()) => match answer {
                Some(answer) => Ok(answer),
                None => Err(does_not_fit(op.tool_name, "no answer was given")),
            },
            Err(e) => Err(e),
        }
    }

    /// [`Self::answer_now`] without the types: records the call (`typed`, the request kept)
    /// and puts its answer into `slot` (an `Option` of its response type): as programmed, with
    /// `request` as what a programmed closure is called with, else read by `read` from
    /// stateful mode's answer or the default one.
    fn find_answer(
        &self,
        op: &'static OperationMeta<'static>,
        as_json: Value,
        typed: Boxed,
        request: &(dyn Any + Send),
        slot: &mut dyn Any,
        read: fn(RawResponse, &mut dyn Any) -> Result<(), Error>,
    ) -> Result<(), Error> {
        let stateful = self.record(op, as_json, typed);
        let responder = {
            let mut operations = self.operations();
            match operations.get_mut(op.tool_name).and_then(|state| state.programmed.as_mut()) {
                Some(Programmed::Always(f)) => Some(Arc::clone(f)),
                Some(Programmed::Sequence(queue)) => match queue.pop_front() {
                    Some(next) => return next(slot),
                    None => None,
                },
                None => None,
            }
        };
        // Called with the lock released: a responder may use the mock.
        if let Some(responder) = responder {
            return responder(request, slot);
        }
        // A stateful answer that does not fit the response type falls back to the default one.
        if let Some(raw) = stateful
            && read(raw, slot).is_ok()
        {
            return Ok(());
        }
        read(self.default_answer(op)?, slot).map_err(|e| does_not_fit(op.tool_name, e))
    }

    /// Logs a call and keeps its request (`typed`, a clone of the request type's value);
    /// in stateful mode, the store's answer to it.
    fn record(&self, op: &'static OperationMeta<'static>, request: Value, typed: Boxed) -> Option<RawResponse> {
        let stateful = self.store.as_ref().and_then(|store| store.answer(op, &request, self.all, self.seed));
        {
            let mut log = self.log.lock().unwrap_or_else(|p| p.into_inner());
            if log.len() == REMEMBERED_CALLS {
                log.pop_front();
            }
            log.push_back((op.tool_name.to_string(), request));
        }
        let mut operations = self.operations();
        let state = operations.entry(op.tool_name).or_default();
        if state.calls.len() == REMEMBERED_CALLS {
            state.calls.pop_front();
        }
        state.calls.push_back(typed);
        stateful.and_then(|answer| raw_from_json(op, &answer).ok())
    }

    /// The answer when nothing was programmed, as HTTP carries it.
    pub fn default_answer(&self, op: &'static OperationMeta<'static>) -> Result<RawResponse, Error> {
        let preferred = PREFERRED_STATUS.try_with(|s| *s).ok();
        let fixture = self.fixtures.get(op.tool_name);
        let status = preferred.or(fixture.map(|f| f.status)).unwrap_or_else(|| Synth::success_status(op));
        let key = (op.tool_name, status);
        if let Some(answer) = self.answers.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(answer.clone());
        }
        let response = match fixture {
            Some(fixture) if fixture.status == status => fixture.response.clone(),
            _ => self.synthesized(op, status),
        };
        let answer = raw_from_json(op, &response).map_err(|e| does_not_fit(op.tool_name, e))?;
        self.answers.lock().unwrap_or_else(|p| p.into_inner()).insert(key, answer.clone());
        Ok(answer)
    }

    fn synthesized(&self, op: &'static OperationMeta<'static>, status: u16) -> Value {
        Synth::new(Fill::Full, self.seed)
            .response(op, status)
            .unwrap_or_else(|| serde_json::json!({ "Undeclared": { "status": status, "headers": [], "body": [] } }))
    }

    fn set(&self, tool: &'static str, programmed: Option<Programmed>) {
        self.operations().entry(tool).or_default().programmed = programmed;
    }
}

/// Reads a response of HTTP's form into a served call's slot, an `Option` of its response
/// type: how [`MockState::find_answer`] reads one.
fn read_raw<Resp: OperationResponse + 'static>(raw: RawResponse, slot: &mut dyn Any) -> Result<(), Error> {
    match Resp::from_raw(raw) {
        Ok(response) => put(slot, response),
        Err(e) => Err(e),
    }
}

/// Puts a response (programmed, or read by [`read_raw`]) into a served call's slot, an `Option`
/// of its response type. A slot of another type would be the mock's own fault: a programming
/// handle or a served call typed for another operation.
fn put<Resp: 'static>(slot: &mut dyn Any, response: Resp) -> Result<(), Error> {
    match slot.downcast_mut::<Option<Resp>>() {
        Some(slot) => {
            *slot = Some(response);
            Ok(())
        }
        None => Err(Error::other("the mock's answer does not fit: a response of another operation's type")),
    }
}

/// The error of an answer (programmed, a fixture's or synthesized) its response type cannot hold.
fn does_not_fit(tool: &str, e: impl std::fmt::Display) -> Error {
    Error::other(format!("{tool}: the mock's answer does not fit: {e}"))
}

/// Programs one operation of a mock and reads its calls.
pub struct Handle<'a, Req, Resp> {
    state: &'a MockState,
    tool: &'static str,
    types: std::marker::PhantomData<fn(Req) -> Resp>,
}

impl<'a, Req, Resp> Handle<'a, Req, Resp>
where
    Req: Clone + Send + 'static,
    Resp: Clone + Send + Sync + 'static,
{
    pub fn new(state: &'a MockState, tool: &'static str) -> Self {
        Handle { state, tool, types: std::marker::PhantomData }
    }

    /// Answer every call with `response`.
    pub fn respond(&self, response: Resp) -> &Self {
        self.state.set(self.tool, Some(Programmed::Always(Arc::new(move |_, slot: &mut dyn Any| put(slot, response.clone())))));
        self
    }

    /// Answer the next calls with these responses in turn, then as if nothing was programmed.
    pub fn respond_sequence(&self, responses: impl IntoIterator<Item = Resp>) -> &Self {
        let responses = responses.into_iter().map(|response| Box::new(move |slot: &mut dyn Any| put(slot, response)) as Queued).collect();
        self.state.set(self.tool, Some(Programmed::Sequence(responses)));
        self
    }

    /// Answer each call with what `responder` makes of its request.
    pub fn respond_with(&self, responder: impl Fn(&Req) -> Result<Resp, Error> + Send + Sync + 'static) -> &Self {
        let tool = self.tool;
        let erased = move |request: &(dyn Any + Send), slot: &mut dyn Any| match request.downcast_ref::<Req>() {
            Some(request) => put(slot, responder(request)?),
            None => Err(Error::other(format!("{tool}: the mock was called with another operation's request"))),
        };
        self.state.set(self.tool, Some(Programmed::Always(Arc::new(erased))));
        self
    }

    /// Forget what was programmed: answer from the spec again.
    pub fn reset(&self) -> &Self {
        self.state.set(self.tool, None);
        self
    }

    /// The requests received so far, oldest first.
    pub fn calls(&self) -> Vec<Req> {
        let operations = self.state.operations();
        operations.get(self.tool).map(|state| state.calls.iter().filter_map(|c| c.downcast_ref::<Req>().cloned()).collect()).unwrap_or_default()
    }
}

/// Reads and checks a fixtures file (JSON or YAML): a map from tool name to `{status, body}`.
/// Every entry must name an operation and a status it declares, and its body must be valid
/// against the spec; errors name the entry.
pub fn load_fixtures(path: &Path, operations: &[&'static OperationMeta<'static>]) -> Result<HashMap<String, Fixture>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let document: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| format!("{}: not valid JSON: {e}", path.display()))?
    } else {
        serde_yaml::from_str(&text).map_err(|e| format!("{}: not valid YAML: {e}", path.display()))?
    };
    let Value::Object(entries) = document else {
        return Err(format!("{}: expected a map from tool name to {{status, body}}", path.display()));
    };
    let mut fixtures = HashMap::new();
    for (tool, entry) in entries {
        let at = format!("{}: {tool}", path.display());
        let op = operations.iter().find(|op| op.tool_name == tool).ok_or_else(|| format!("{at}: no such operation"))?;
        let status = match entry.get("status") {
            Some(Value::Number(n)) => n.as_u64().and_then(|n| u16::try_from(n).ok()).filter(|n| (100..600).contains(n)),
            None => Some(Synth::success_status(op)),
            _ => None,
        }
        .ok_or_else(|| format!("{at}: `status` must be an HTTP status code"))?;
        let declared = op.response(status).ok_or_else(|| format!("{at}: status {status} is not declared for this operation"))?;
        let mut response = Synth::new(Fill::Full, 1).response(op, status).ok_or_else(|| format!("{at}: status {status} is not declared for this operation"))?;
        if let Some(body) = entry.get("body") {
            let ty = declared.body.ok_or_else(|| format!("{at}: status {status} has no body in the spec"))?;
            match declared.stream {
                // A streamed body is given as an array of its items (events as `{data, event, id, retry}`).
                Some(framing) => {
                    let items = body.as_array().ok_or_else(|| format!("{at}: a streamed body is given as an array of its items"))?;
                    for (i, item) in items.iter().enumerate() {
                        let value = if framing == Framing::EventStream {
                            item.get("data").ok_or_else(|| format!("{at}: body[{i}]: an event needs its `data`"))?
                        } else {
                            item
                        };
                        let place = if framing == Framing::EventStream { format!("body[{i}].data") } else { format!("body[{i}]") };
                        validate(value, ty, &Constraints::NONE, &place, Strictness::Request).map_err(|e| format!("{at}: {e}"))?;
                    }
                }
                None => validate(body, ty, &Constraints::NONE, "body", Strictness::Request).map_err(|e| format!("{at}: {e}"))?,
            }
            match response.as_object_mut().and_then(|o| o.values_mut().next()) {
                Some(Value::Object(fields)) if fields.contains_key("body") => {
                    fields.insert("body".into(), body.clone());
                }
                Some(slot) => *slot = body.clone(),
                None => return Err(format!("{at}: status {status} has no body in the spec")),
            }
        }
        fixtures.insert(tool, Fixture { status, response });
    }
    Ok(fixtures)
}
