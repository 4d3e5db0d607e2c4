//! The outline of a document (the agreement, its settings' neighbours:
//! calendars, teams, terms, weights, the funnel and each rule with its
//! kind) and the blocks and comment runs an editor may fold.

use lsp_types::{DocumentSymbol, FoldingRange, FoldingRangeKind, SymbolKind};

use super::documents::Document;
use crate::syntax::ast::*;

#[expect(
    deprecated,
    reason = "`deprecated` is a required field of the protocol's type"
)]
fn symbol(
    document: &Document,
    name: String,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    let text = document.text();
    DocumentSymbol {
        name,
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: document.lines.range(text, span),
        selection_range: document.lines.range(text, selection),
        children,
    }
}

pub fn outline(document: &Document) -> Option<Vec<DocumentSymbol>> {
    let agreement = document.agreement()?;
    let children = agreement
        .items
        .iter()
        .filter_map(|item| {
            let named = |name: &Ident, detail: &'static str, kind, span| {
                (name.node.to_string(), detail, kind, span, name.span)
            };
            let (name, detail, kind, span, selection) = match item {
                Item::Setting(_) => return None,
                Item::Calendar(c) => named(&c.name, "calendar", SymbolKind::EVENT, c.span),
                Item::Team(t) => named(&t.name, "team", SymbolKind::STRUCT, t.span),
                Item::Term(t) => named(&t.name, "term", SymbolKind::VARIABLE, t.span),
                Item::Weights(w) => named(&w.field, "weights", SymbolKind::ENUM, w.span),
                Item::Funnel(f) => {
                    let name = Ident::new("funnel".into(), f.span);
                    named(&name, "funnel", SymbolKind::OBJECT, f.span)
                }
                Item::Rule(r) => {
                    let kind = r.kind.node.keyword();
                    named(&r.name, kind, SymbolKind::FUNCTION, r.span)
                }
            };
            Some(symbol(
                document,
                name,
                Some(detail.to_owned()),
                kind,
                span,
                selection,
                None,
            ))
        })
        .collect();
    Some(vec![symbol(
        document,
        agreement.name.node.to_string(),
        Some("agreement".to_owned()),
        SymbolKind::NAMESPACE,
        agreement.span,
        agreement.name.span,
        Some(children),
    )])
}

/// Every block over more than one line, folded up to the line before its
/// closing brace so the brace stays in sight; and every run of two or more
/// comment lines.
pub fn folding(document: &Document) -> Vec<FoldingRange> {
    let text = document.text();
    let line = |offset: usize| document.lines.position(text, offset).line;
    let mut out = Vec::new();
    if let Some(agreement) = document.agreement() {
        let blocks = std::iter::once(agreement.span).chain(
            agreement
                .items
                .iter()
                .filter(|i| !matches!(i, Item::Setting(_) | Item::Term(_)))
                .map(Item::span),
        );
        for span in blocks {
            let (first, last) = (line(span.start()), line(span.end()));
            if last > first + 1 {
                out.push(FoldingRange {
                    start_line: first,
                    end_line: last - 1,
                    ..FoldingRange::default()
                });
            }
        }
    }
    let mut run: Option<(u32, u32)> = None;
    let push = |run: Option<(u32, u32)>, out: &mut Vec<FoldingRange>| {
        if let Some((first, last)) = run.filter(|(f, l)| l > f) {
            out.push(FoldingRange {
                start_line: first,
                end_line: last,
                kind: Some(FoldingRangeKind::Comment),
                ..FoldingRange::default()
            });
        }
    };
    for comment in crate::syntax::comments(text) {
        let at = line(comment.span.start());
        let own_line = text
            .get(..comment.span.start())
            .and_then(|before| before.rsplit('\n').next())
            .is_some_and(|s| s.trim().is_empty());
        run = match run {
            Some((first, last)) if own_line && at == last + 1 => Some((first, at)),
            _ => {
                push(run, &mut out);
                own_line.then_some((at, at))
            }
        };
    }
    push(run, &mut out);
    out.sort_by_key(|r| (r.start_line, r.end_line));
    out
}
