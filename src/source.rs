//! Reading agreements from disk: which files, and their text.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{Diagnostic, NamedSource};
use thiserror::Error;

/// An agreement's text and the name it is reported under.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub text: Arc<str>,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Self {
        Source {
            name: name.into(),
            text: text.into(),
        }
    }

    /// The text in the form miette renders snippets from.
    pub fn named(&self) -> NamedSource<Arc<str>> {
        NamedSource::new(&self.name, Arc::clone(&self.text))
    }
}

/// A file that could not be read as an agreement at all.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum LoadError {
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(accord::E090), help("check that the path exists and is readable"))]
    Unreadable { path: String, reason: String },

    #[error("`{path}` is not UTF-8 text (invalid byte at line {line}, column {column})")]
    #[diagnostic(
        code(accord::E091),
        help("agreements are UTF-8 text; re-save the file as UTF-8")
    )]
    NotUtf8 {
        path: String,
        line: usize,
        column: usize,
    },

    #[error("no `.sla` files in `{path}`")]
    #[diagnostic(
        code(accord::E092),
        help("name agreement files, or a folder that holds `*.sla` files")
    )]
    NoAgreements { path: String },
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads one file as UTF-8.
pub fn read(path: &Path) -> Result<Source, LoadError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| LoadError::Unreadable {
        path: name.clone(),
        reason: e.to_string().to_lowercase(),
    })?;
    from_bytes(name, bytes)
}

/// Text from bytes, naming where they stop being UTF-8. A leading UTF-8
/// byte-order mark (Windows editors write one) is no part of the text, as
/// for data files and `accord.toml`. A lone carriage return (old Mac line
/// endings) is read as the line feed it means: byte for byte, so spans
/// stay the file's own, and the grammar, the comment finders and line
/// numbers need know of one line break only (CRLF already ends in one).
pub fn from_bytes(name: String, mut bytes: Vec<u8>) -> Result<Source, LoadError> {
    if bytes.starts_with(BOM) {
        bytes.drain(..BOM.len());
    }
    let lone_cr: Vec<usize> = memchr::memchr_iter(b'\r', &bytes)
        .filter(|at| bytes.get(at + 1) != Some(&b'\n'))
        .collect();
    for at in lone_cr {
        if let Some(b) = bytes.get_mut(at) {
            *b = b'\n';
        }
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Source::new(name, text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let before = e.as_bytes().get(..valid).unwrap_or(&[]);
            let line = before.iter().filter(|b| **b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1);
            let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or(&[]))
                .chars()
                .count()
                + 1;
            Err(LoadError::NotUtf8 {
                path: name,
                line,
                column,
            })
        }
    }
}

/// The agreement files named by `paths`: files as given, folders searched
/// recursively for `*.sla`, in sorted order. A folder with none is an error.
pub fn agreement_files(paths: &[PathBuf]) -> Vec<Result<PathBuf, LoadError>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            if let Err(e) = walk(path, ".sla", &mut found) {
                out.push(Err(e));
                continue;
            }
            if found.is_empty() {
                out.push(Err(LoadError::NoAgreements {
                    path: path.display().to_string(),
                }));
            }
            found.sort();
            out.extend(found.into_iter().map(Ok));
        } else {
            out.push(Ok(path.clone()));
        }
    }
    out
}

/// Every file under `dir` whose name ends with `suffix`, sorted.
pub fn files_ending(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>, LoadError> {
    let mut found = Vec::new();
    walk(dir, suffix, &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, suffix: &str, found: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Unreadable {
        path: dir.display().to_string(),
        reason: e.to_string().to_lowercase(),
    })?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, suffix, found)?;
        } else if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.ends_with(suffix))
        {
            found.push(path);
        }
    }
    Ok(())
}
