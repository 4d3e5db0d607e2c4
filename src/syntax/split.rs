//! An agreement is parsed one item at a time: pest keeps two 40-byte
//! tokens per pair until a parse ends, about 40 times the text, so parsing
//! the whole file at once held 1.7 GB for a 50 MB agreement. Each item is
//! parsed from where the last one ended and lowered at once, and only the
//! tree is kept.
//!
//! Large files are also parsed on two threads: pest parses about 6 MB/s
//! here, so a 10,000-rule agreement (1.7 MB) takes a third of a second on
//! one core. The text is split between two items near its middle and each
//! half's items are parsed on their own thread. Whenever an item does not
//! parse, its syntax error is taken from a parse of the rest of the file
//! as one (or of the whole file, when its opening does not parse), so
//! errors read exactly as they do from one parse of the whole file.

use pest::Parser;

use super::ast::{Agreement, Item};
use super::error::{syntax_error, ParseError};
use super::grammar::{AccordParser, Rule};
use super::lower::Lower;
use super::skip_string;

/// Below this size one thread is fast enough.
pub const MIN_SPLIT_BYTES: usize = 256 * 1024;

/// Why the items stopped before the agreement's end.
enum Stop {
    /// An item does not parse; where the item before it starts, if this
    /// run read one (that item may have tried to go on where this fails).
    Syntax(Option<usize>),
    /// The grammar and lowering disagree, or the halves do not meet.
    Internal,
}

/// Parses an agreement item by item, on two threads when it is large.
pub fn parse(source: &str) -> Result<Agreement, Vec<ParseError>> {
    let mut lower = Lower::default();
    let opened = AccordParser::parse(Rule::file_open, source)
        .ok()
        .and_then(|pairs| pairs.into_iter().next())
        .and_then(|open| {
            let end = open.as_span().end();
            Some((lower.head(open)?, end))
        });
    let Some((mut agreement, from)) = opened else {
        // The opening is a few tokens: the whole file's parse stops there.
        return super::parse_whole(source);
    };
    let split = (source.len() >= MIN_SPLIT_BYTES)
        .then(|| split_point(source))
        .flatten()
        .filter(|at| *at > from);
    let parsed = match split {
        Some(split) => in_two(source, from, split, &mut lower),
        None => items(source, from, None, &mut lower),
    };
    match parsed {
        Ok((mut items, end, _)) if lower.errors.is_empty() => {
            items.shrink_to_fit();
            agreement.items = items;
            agreement.span = super::Span::new(agreement.keyword.start(), end);
            Ok(agreement)
        }
        Ok(_) => Err(lower.errors),
        Err(Stop::Syntax(before)) => Err(vec![rest_error(source, before.unwrap_or(from))]),
        Err(Stop::Internal) => Err(vec![ParseError::Internal {
            span: (0, 0).into(),
        }]),
    }
}

/// The items before `split` on this thread and those after it on another,
/// joined; literal errors in file order.
fn in_two(source: &str, from: usize, split: usize, lower: &mut Lower) -> Result<Read, Stop> {
    std::thread::scope(|scope| {
        let tail = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(scope, || {
                let mut lower = Lower::default();
                items(source, split, None, &mut lower).map(|found| (found, lower.errors))
            })
            .map_err(|_| Stop::Internal)?;
        let head = items(source, from, Some(split), lower);
        let tail = tail.join().map_err(|_| Stop::Internal);
        // An error in the head comes first, as one pass meets it first.
        let (mut head, _, last) = head?;
        let ((tail, end, tail_last), errors) = match tail? {
            Err(Stop::Syntax(None)) => return Err(Stop::Syntax(last)),
            tail => tail?,
        };
        head.reserve_exact(tail.len());
        head.extend(tail);
        lower.errors.extend(errors);
        Ok((head, end, tail_last.or(last)))
    })
}

/// Items read, where the last ends and where the last starts.
type Read = (Vec<Item>, usize, Option<usize>);

/// Parses and lowers the items from `from`, one at a time, up to `until`
/// (where an item must end) or else the agreement's closing brace; with
/// where the last one read ends.
fn items(source: &str, from: usize, until: Option<usize>, lower: &mut Lower) -> Result<Read, Stop> {
    let mut found = Vec::new();
    let mut at = from;
    let mut last = None;
    loop {
        if let Some(until) = until {
            if at >= until {
                return if at == until {
                    Ok((found, at, last))
                } else {
                    Err(Stop::Internal)
                };
            }
        }
        let rest = source.get(at..).ok_or(Stop::Internal)?;
        let pair = AccordParser::parse(Rule::file_next, rest)
            .map_err(|_| Stop::Syntax(last))?
            .next()
            .ok_or(Stop::Internal)?;
        lower.offset = at;
        let end = at + pair.as_span().end();
        if pair.as_rule() == Rule::file_close {
            return match until {
                None => Ok((found, at + pair.as_span().start() + 1, last)),
                Some(_) => Err(Stop::Internal),
            };
        }
        found.push(lower.item(pair).ok_or(Stop::Internal)?);
        last = Some(at);
        at = end;
    }
}

/// The syntax error of a file whose items parse up to the one after `at`:
/// the one a parse of the whole file gives, which stops where the rest of
/// the file from `at` stops. Pest reports what it tried where it got
/// farthest, and nothing read before `at` tried to go that far.
fn rest_error(source: &str, at: usize) -> ParseError {
    let rest = source.get(at..).unwrap_or_default();
    match AccordParser::parse(Rule::file_rest, rest) {
        Err(e) => syntax_error(source, at, &e),
        Ok(_) => ParseError::Internal {
            span: (at, 0).into(),
        },
    }
}

/// Just after the first `}` past the middle of the text that closes a block
/// inside the agreement (brace depth 2 to 1), outside strings and comments.
fn split_point(source: &str) -> Option<usize> {
    let middle = source.len() / 2;
    let mut depth = 0usize;
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => skip_string(&mut chars),
            '#' => while chars.next_if(|(_, c)| *c != '\n').is_some() {},
            '{' => depth += 1,
            '}' => {
                if depth == 2 && i >= middle {
                    return Some(i + 1);
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{parse, split_point};
    use crate::syntax::parse_whole;

    /// A large agreement whose rules carry comments, strings with braces and
    /// a literal error far into the second half.
    fn large(rules: usize, bad_date_at: Option<usize>) -> String {
        let mut s = String::from("agreement \"big\" {\n  effective 2027-01-01 to 2027-12-31\n  timezone \"UTC\"\n  team sales { lead \"s\" }\n  term call means kind is \"call\"\n");
        for r in 0..rules {
            let date = if bad_date_at == Some(r) {
                "2027-02-30"
            } else {
                "2027-01-01"
            };
            s.push_str(&format!(
                "  # rule {r} {{\n  response \"r{r} }}\" {{\n    owner sales\n    first call\n    within 5m when x is \"{{\"\n  }}\n  calendar c{r} {{ hours mon-fri 09:00-17:00\n closed {date} }}\n  term t{r} means a is \"b\" and not c in (\"d\") # {{\n"
            ));
        }
        s.push_str("} # the end\n");
        s
    }

    #[test]
    fn item_by_item_makes_the_same_tree_and_errors_as_one_pass() {
        for rules in [3, 2000] {
            let text = large(rules, None);
            let items = parse(&text).unwrap();
            let whole = parse_whole(&text).unwrap();
            assert_eq!(items, whole);
            assert_eq!(format!("{:?}", items.span), format!("{:?}", whole.span));
            let spans = |a: &crate::syntax::ast::Agreement| {
                a.items
                    .iter()
                    .map(|i| format!("{:?}", i.span()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(spans(&items), spans(&whole));

            let bad = large(rules, Some(rules * 9 / 10));
            assert_eq!(parse(&bad).unwrap_err(), parse_whole(&bad).unwrap_err());
        }
    }

    #[test]
    fn a_syntax_error_reads_as_the_whole_files_parse_gives_it() {
        let small = large(3, None);
        let big = large(2000, None);
        let broken = [
            small.replacen("within 5m", "within 5x", 2),
            small.replace(
                "closed 2027-01-01 }\n  term t2",
                "closed 2027-01-01 }\n  tern t2",
            ),
            small.replace("term t1 means a is", "term t1 means a iz"),
            small.replace("} # the end", "}} # the end"),
            small.replace("} # the end", "# the end"),
            small.replace("agreement \"big\"", "agreement big"),
            big.replace(
                "owner sales\n    first call\n    within 5m when x is \"{\"\n  }\n  calendar c1990",
                "owner sales first\n  }\n  calendar c1990",
            ),
            big.replace(
                "closed 2027-01-01 }\n  term t10 ",
                "closed 2027-01-01 }\n  tern t10 ",
            ),
            big.replace("} # the end", "# the end"),
        ];
        for text in &broken {
            assert_ne!(text, &small);
            assert_ne!(text, &big);
            let whole = parse_whole(text).unwrap_err();
            assert!(matches!(
                whole[..],
                [crate::syntax::ParseError::Syntax { .. }]
            ));
            assert_eq!(
                format!("{:?}", parse(text).unwrap_err()),
                format!("{whole:?}")
            );
        }
    }

    #[test]
    fn splits_after_a_block_past_the_middle_ignoring_strings_and_comments() {
        let text = "agreement \"a{\" {\n  team a { lead \"}\" }\n  # }\n  team b { lead \"x\" }\n  term t means x is \"y\"\n}\n";
        let at = split_point(text).unwrap();
        assert!(
            text[..at].ends_with("team b { lead \"x\" }"),
            "{:?}",
            &text[..at]
        );
        assert_eq!(
            split_point("agreement \"a\" { term t means x is \"y\" }"),
            None
        );
    }
}
