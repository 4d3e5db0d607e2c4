//! The open documents: each one's text, and what the front end made of it,
//! worked out again on every change (the protocol's full text sync).

use std::collections::HashMap;
use std::path::PathBuf;

use lsp_types::Uri;

use super::position::Lines;
use crate::agreement::{check_source, Checked};
use crate::check::Options;
use crate::source::Source;
use crate::syntax::ast::Agreement;

/// One open document.
#[derive(Debug)]
pub struct Document {
    pub version: i32,
    pub lines: Lines,
    pub checked: Checked,
    /// The names of the last version that parsed, to complete while the
    /// text is half-typed and does not.
    pub names: Names,
}

/// The names an agreement defines, each with a line for the completion list.
#[derive(Debug, Clone, Default)]
pub struct Names {
    pub terms: Vec<(String, String)>,
    pub calendars: Vec<(String, String)>,
    pub teams: Vec<(String, String)>,
}

impl Names {
    fn of(agreement: &Agreement) -> Self {
        Names {
            terms: agreement
                .terms()
                .map(|t| {
                    let means = crate::format::condition(&t.condition);
                    (t.name.node.to_string(), format!("means {means}"))
                })
                .collect(),
            calendars: agreement
                .calendars()
                .map(|c| (c.name.node.to_string(), "calendar".to_owned()))
                .collect(),
            teams: agreement
                .teams()
                .map(|t| (t.name.node.to_string(), "team".to_owned()))
                .collect(),
        }
    }
}

impl Document {
    /// Parses and checks `text`, as `accord check` does with today's date.
    pub fn new(uri: &Uri, text: String, version: i32, previous: Option<Names>) -> Self {
        let options = Options {
            today: Some(chrono::Local::now().date_naive()),
        };
        let lines = Lines::new(&text);
        let checked = check_source(Source::new(uri.as_str(), text), &options);
        let names = match &checked.agreement {
            Some(agreement) => Names::of(agreement),
            None => previous.unwrap_or_default(),
        };
        Document {
            version,
            lines,
            checked,
            names,
        }
    }

    pub fn text(&self) -> &str {
        self.checked.source.as_ref().map_or("", |s| &s.text)
    }

    /// The tree, when the text parses (it may still have check errors).
    pub fn agreement(&self) -> Option<&Agreement> {
        self.checked.agreement.as_ref()
    }
}

/// The documents the client has open, by URI.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) -> &Document {
        let document = Document::new(&uri, text, version, None);
        self.open.entry(uri).insert_entry(document).into_mut()
    }

    /// Replaces a document's text; `None` if it was never opened.
    pub fn change(&mut self, uri: &Uri, text: String, version: i32) -> Option<&Document> {
        let entry = self.open.get_mut(uri)?;
        let names = std::mem::take(&mut entry.names);
        *entry = Document::new(uri, text, version, Some(names));
        Some(entry)
    }

    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri);
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }
}

/// The local file a `file:` URI names, percent-escapes decoded.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // Skip the authority (`localhost`, or nothing).
    let path = rest.get(rest.find('/')?..)?;
    let mut bytes = Vec::with_capacity(path.len());
    let mut raw = path.bytes();
    while let Some(b) = raw.next() {
        if b == b'%' {
            let hex = [raw.next()?, raw.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok().map(PathBuf::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris_decode_to_paths() {
        let uri: Uri = "file:///home/ann/SLA%20drafts/caf%C3%A9.sla"
            .parse()
            .unwrap();
        assert_eq!(
            file_path(&uri),
            Some(PathBuf::from("/home/ann/SLA drafts/café.sla"))
        );
        let untitled: Uri = "untitled:Untitled-1".parse().unwrap();
        assert_eq!(file_path(&untitled), None);
    }
}
