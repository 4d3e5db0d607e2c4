//! The per-lead semantics of each rule kind: what a lead's activities add
//! up to, and whether that keeps the rule. Pure functions of their inputs.

pub mod aging;
pub mod attempts;
pub mod duty;
pub mod response;
