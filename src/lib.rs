//! accord: service level agreements between marketing and sales, as code.
//!
//! An agreement (`.sla` text) flows one way: [`syntax`] parses it into a
//! spanned tree, [`check`] validates it, and the command line renders what
//! they found.

pub mod syntax;
