//! One agreement through the front end: read, parse, check.

use miette::Diagnostic;
use thiserror::Error;

use crate::check::{self, CheckError};
use crate::source::{LoadError, Source};
use crate::syntax::{self, ast::Agreement, ParseError};

/// Anything found wrong with an agreement file, whichever phase found it.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
pub enum Problem {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Load(#[from] LoadError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Parse(#[from] ParseError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Check(#[from] CheckError),
}

impl Problem {
    pub fn is_warning(&self) -> bool {
        match self {
            Problem::Load(l) => l.is_warning(),
            Problem::Parse(_) => false,
            Problem::Check(c) => c.is_warning(),
        }
    }

    /// The line and column of a problem found before there was any text to
    /// label (1-based): where a file stops being UTF-8.
    pub fn position(&self) -> Option<(usize, usize)> {
        match self {
            Problem::Load(LoadError::NotUtf8 { line, column, .. }) => Some((*line, *column)),
            _ => None,
        }
    }
}

/// What the front end made of one file.
#[derive(Debug)]
pub struct Checked {
    /// `None` when the file could not be read.
    pub source: Option<Source>,
    /// `None` when the text did not parse.
    pub agreement: Option<Agreement>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.problems.iter().filter(|p| !p.is_warning()).count()
    }

    pub fn warnings(&self) -> usize {
        self.problems.len() - self.errors()
    }

    /// The agreement, if it has no errors (warnings allowed).
    pub fn clean(&self) -> Option<&Agreement> {
        self.agreement.as_ref().filter(|_| self.errors() == 0)
    }
}

/// Parses and checks an agreement's text.
pub fn check_source(source: Source, options: &check::Options) -> Checked {
    match syntax::parse(&source.text) {
        Ok(agreement) => {
            let problems = check::check(&agreement, options)
                .into_iter()
                .map(Problem::Check)
                .collect();
            Checked {
                source: Some(source),
                agreement: Some(agreement),
                problems,
            }
        }
        Err(errors) => Checked {
            source: Some(source),
            agreement: None,
            problems: errors.into_iter().map(Problem::Parse).collect(),
        },
    }
}

/// Reads, parses and checks an agreement file.
pub fn check_file(path: &std::path::Path, options: &check::Options) -> Checked {
    match crate::source::read(path) {
        Ok(source) => check_source(source, options),
        Err(e) => Checked {
            source: None,
            agreement: None,
            problems: vec![Problem::Load(e)],
        },
    }
}
