//! Rendering what accord found, for people and for tools.

pub mod diagnostics;
