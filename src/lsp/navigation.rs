//! Go to definition, find references and rename, over the names of one
//! document. A field's definition is its `weights` table, so a weights
//! table's references are the field's uses.

use std::collections::HashMap;

use lsp_types::{Location, PrepareRenameResponse, TextEdit, Uri, WorkspaceEdit};

use super::documents::Document;
use super::names::{self, NameKind, Occurrence};
use crate::syntax::Span;

/// Every occurrence of the name under the cursor: (kind, name, spans with
/// whether each defines it).
fn same_name(document: &Document, offset: usize) -> Option<(NameKind, Vec<(Span, bool)>)> {
    let found = names::occurrences(document.agreement()?);
    let here = names::at(&found, offset)?;
    let spans = found
        .iter()
        .filter(|o| o.kind == here.kind && o.name == here.name)
        .map(|o: &Occurrence<'_>| (o.span, o.definition))
        .collect();
    Some((here.kind, spans))
}

pub fn definition(uri: &Uri, document: &Document, offset: usize) -> Option<Location> {
    let (_, spans) = same_name(document, offset)?;
    let (span, _) = spans.into_iter().find(|(_, definition)| *definition)?;
    Some(location(uri, document, span))
}

pub fn references(
    uri: &Uri,
    document: &Document,
    offset: usize,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (_, spans) = same_name(document, offset)?;
    Some(
        spans
            .into_iter()
            .filter(|(_, definition)| include_declaration || !definition)
            .map(|(span, _)| location(uri, document, span))
            .collect(),
    )
}

/// The name under the cursor, if it can be renamed: a term, calendar or
/// team (a field is the export's column, not the agreement's to rename).
pub fn prepare_rename(document: &Document, offset: usize) -> Option<PrepareRenameResponse> {
    let found = names::occurrences(document.agreement()?);
    let here = names::at(&found, offset).filter(|o| o.kind != NameKind::Field)?;
    Some(PrepareRenameResponse::Range(
        document.lines.range(document.text(), here.span),
    ))
}

/// Why a rename cannot be made.
#[derive(Debug, PartialEq, Eq)]
pub enum RenameError {
    NothingToRename,
    NotAName(String),
    Taken(NameKind, String),
}

impl std::fmt::Display for RenameError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RenameError::NothingToRename => {
                write!(f, "only a term, calendar or team can be renamed")
            }
            RenameError::NotAName(name) => write!(
                f,
                "`{name}` is not a name: use a letter or `_`, then letters, digits or `_`, and no word of the language"
            ),
            RenameError::Taken(kind, name) => {
                write!(f, "{} `{name}` is defined already", kind.noun())
            }
        }
    }
}

pub fn rename(
    uri: &Uri,
    document: &Document,
    offset: usize,
    new_name: &str,
) -> Result<WorkspaceEdit, RenameError> {
    let agreement = document.agreement().ok_or(RenameError::NothingToRename)?;
    let found = names::occurrences(agreement);
    let here = names::at(&found, offset)
        .filter(|o| o.kind != NameKind::Field)
        .ok_or(RenameError::NothingToRename)?;
    if !is_name(new_name) {
        return Err(RenameError::NotAName(new_name.to_owned()));
    }
    if new_name != here.name
        && found
            .iter()
            .any(|o| o.kind == here.kind && o.definition && o.name == new_name)
    {
        return Err(RenameError::Taken(here.kind, new_name.to_owned()));
    }
    let text = document.text();
    let edits: Vec<TextEdit> = found
        .iter()
        .filter(|o| o.kind == here.kind && o.name == here.name)
        .map(|o| TextEdit::new(document.lines.range(text, o.span), new_name.to_owned()))
        .collect();
    Ok(WorkspaceEdit::new(HashMap::from([(uri.clone(), edits)])))
}

/// Whether `name` reads as a name where the old one stood: the grammar's
/// `ident`, and no keyword (a keyword there would read as the next clause).
fn is_name(name: &str) -> bool {
    let mut chars = name.chars();
    let starts = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    starts
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !crate::syntax::keywords::all().iter().any(|k| k == name)
}

fn location(uri: &Uri, document: &Document, span: Span) -> Location {
    Location::new(uri.clone(), document.lines.range(document.text(), span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_exclude_keywords_and_odd_characters() {
        assert!(is_name("qualified_lead2"));
        assert!(is_name("_x"));
        assert!(!is_name("2x"));
        assert!(!is_name("café"));
        assert!(!is_name("within"));
        assert!(!is_name("and"));
        assert!(!is_name(""));
    }
}
