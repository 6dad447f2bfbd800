//! Diagnostics: constructs modelled approximately, each with where it is and what was chosen.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// JSON pointer into the spec, e.g. `#/components/schemas/Account/required`.
    pub pointer: String,
    /// What the spec says and what the generator chose instead.
    pub message: String,
}

impl Diagnostic {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { pointer: pointer.into(), message: message.into() }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.pointer, self.message)
    }
}
