//! `accord check`'s problems as the protocol's diagnostics: the same code,
//! severity and message; the range of the first label; the help after the
//! message (the protocol has no place of its own for it); every label as
//! related information, so an editor can show "first defined here".

use lsp_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, Uri,
};
use miette::Diagnostic as _;

use super::documents::Document;
use crate::agreement::Problem;
use crate::syntax::Span;

/// The diagnostics of a document, to publish in full (an empty list
/// clears what the editor shows).
pub fn publish(uri: &Uri, document: &Document) -> PublishDiagnosticsParams {
    let diagnostics = document
        .checked
        .problems
        .iter()
        .map(|p| diagnostic(uri, document, p))
        .collect();
    PublishDiagnosticsParams::new(uri.clone(), diagnostics, Some(document.version))
}

fn diagnostic(uri: &Uri, document: &Document, problem: &Problem) -> Diagnostic {
    let text = document.text();
    let labels: Vec<(Span, Option<String>)> = problem
        .labels()
        .into_iter()
        .flatten()
        .map(|l| {
            let span = Span::new(l.offset(), l.offset() + l.len());
            (span, l.label().map(str::to_owned))
        })
        .collect();
    let span = labels.first().map_or_else(Span::default, |(span, _)| *span);
    let mut message = problem.to_string();
    if let Some(help) = problem.help() {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = labels
        .iter()
        .filter_map(|(span, label)| {
            Some(DiagnosticRelatedInformation {
                location: Location::new(uri.clone(), document.lines.range(text, *span)),
                message: label.clone()?,
            })
        })
        .collect();
    Diagnostic {
        range: document.lines.range(text, span),
        severity: Some(if problem.is_warning() {
            DiagnosticSeverity::WARNING
        } else {
            DiagnosticSeverity::ERROR
        }),
        code: problem
            .code()
            .map(|c| NumberOrString::String(c.to_string())),
        source: Some("accord".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Diagnostic::default()
    }
}
