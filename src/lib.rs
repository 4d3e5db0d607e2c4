//! accord: service level agreements between marketing and sales, as code.
//!
//! An agreement (`.sla` text) flows one way: [`syntax`] parses it into a
//! spanned tree, [`check`] validates it, and [`report`] and [`cli`] render
//! what they found. [`format`] prints a tree in the canonical layout;
//! [`time`] holds the calendar arithmetic. [`agreement`] runs the front end
//! on one file, as every command does.

pub mod agreement;
pub mod check;
pub mod cli;
pub mod data;
pub mod diff;
pub mod eval;
pub mod format;
pub mod funnel;
pub mod init;
pub mod lsp;
mod prefetch;
pub mod project;
pub mod report;
pub mod source;
pub mod syntax;
pub mod testing;
pub mod time;
