//! `accord lsp`: the Language Server Protocol over standard input and
//! output, for editors. It runs the same front end as the commands (the
//! parser, the checker, the formatter) on the text the editor holds, and
//! answers from the spanned tree; it has no parser of its own.
//!
//! [`server`] reads and answers messages ([`transport`] frames them);
//! [`documents`] keeps each open text with what the checker made of it;
//! [`position`] turns byte spans into the protocol's UTF-16 positions.
//! One module per feature: [`diagnostics`], [`formatting`], [`hover`]
//! (with [`words`] for rules in plain sentences), [`navigation`]
//! (definition, references, rename, over [`names`]), [`completion`] (with
//! [`fields`] for the exports' columns) and [`symbols`] (outline and
//! folding).

pub mod completion;
pub mod diagnostics;
pub mod documents;
pub mod fields;
pub mod formatting;
pub mod hover;
pub mod names;
pub mod navigation;
pub mod position;
pub mod server;
pub mod symbols;
pub mod transport;
pub mod words;

pub use server::{serve, Ended};
