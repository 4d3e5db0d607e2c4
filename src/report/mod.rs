//! Rendering what accord found, for people and for tools.

pub mod data;
pub mod diagnostics;
pub mod due;
pub mod explain;
pub mod html;
pub mod issues;
pub mod json;
pub mod notify;
pub mod plan;
pub mod svg;
pub mod table;
pub mod testing;
pub mod verdict;
