//! Text to tree: the pest grammar, lowering into the spanned AST, and the
//! lexical helpers the formatter needs. Nothing outside this module touches pest.

pub mod ast;
mod error;
mod grammar;
pub mod keywords;
mod lower;
mod span;
mod split;

pub use error::ParseError;
pub use span::{line_col, Span, Spanned};

use pest::Parser;

/// How deep parentheses and `not`s may nest. The parser, the checker and the
/// evaluator all recurse over conditions, so the depth is bounded before
/// pest sees the text rather than trusting the stack.
pub const MAX_NESTING: usize = 64;

/// Parses one agreement, reporting every problem it can find.
pub fn parse(source: &str) -> Result<ast::Agreement, Vec<ParseError>> {
    if let Some(span) = too_deep(source) {
        return Err(vec![ParseError::TooDeep {
            limit: MAX_NESTING,
            span: span.into(),
        }]);
    }
    split::parse(source)
}

/// A duration as the language writes it (`2h`, `1h30m`, `3d`), given on
/// its own (`accord due --within`); `None` when it is not one.
pub fn duration(text: &str) -> Option<ast::Duration> {
    let mut pairs = grammar::AccordParser::parse(grammar::Rule::duration, text).ok()?;
    let pair = pairs.next()?;
    if pair.as_str().len() != text.len() {
        return None;
    }
    let mut lower = lower::Lower::default();
    let duration = lower.duration(pair);
    lower.errors.is_empty().then_some(duration)
}

/// Parses the whole file at once: the reference the item-by-item parse
/// must agree with, and the error of a file whose opening does not parse.
fn parse_whole(source: &str) -> Result<ast::Agreement, Vec<ParseError>> {
    let file = grammar::AccordParser::parse(grammar::Rule::file, source)
        .map_err(|e| vec![error::syntax_error(source, 0, &e)])?;
    let mut lower = lower::Lower::default();
    let agreement = file
        .into_iter()
        .next()
        .and_then(|file| lower.agreement(file));
    match agreement {
        Some(agreement) if lower.errors.is_empty() => Ok(agreement),
        _ if !lower.errors.is_empty() => Err(lower.errors),
        _ => Err(vec![ParseError::Internal {
            span: (0, 0).into(),
        }]),
    }
}

/// A comment as written, `#` included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

/// Every comment of a file, in order. Strings are skipped, so a `#` inside
/// quotes is text, as the grammar reads it.
pub fn comments(source: &str) -> Vec<Comment> {
    let mut found = Vec::new();
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => skip_string(&mut chars),
            '#' => {
                let end = source
                    .get(i..)
                    .and_then(|rest| rest.find('\n'))
                    .map_or(source.len(), |n| i + n);
                let text = source.get(i..end).unwrap_or("").trim_end().to_owned();
                found.push(Comment {
                    span: Span::new(i, i + text.len()),
                    text,
                });
                while chars.next_if(|&(j, _)| j < end).is_some() {}
            }
            _ => {}
        }
    }
    found
}

/// The first place where parentheses and `not`s nest deeper than
/// [`MAX_NESTING`], outside strings and comments.
fn too_deep(source: &str) -> Option<Span> {
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => {
                skip_string(&mut chars);
                nots = 0;
            }
            '#' => {
                while chars.peek().is_some_and(|(_, c)| *c != '\n') {
                    chars.next();
                }
            }
            '(' => depth += 1,
            ')' => {
                depth = depth.saturating_sub(1);
                nots = 0;
            }
            c if c.is_alphanumeric() || c == '_' => {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                if source.get(i..end) == Some("not") {
                    nots += 1;
                } else if source.get(i..end) != Some("in") {
                    nots = 0;
                }
            }
            _ => {}
        }
        if depth + nots > MAX_NESTING {
            return Some(Span::new(i, i + c.len_utf8()));
        }
    }
    None
}

/// Moves past a string's closing quote (or the end of its line, where the
/// grammar will report it unterminated).
pub(crate) fn skip_string(chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>) {
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '"' | '\n' => return,
            _ => {}
        }
    }
}
