//! Large files are parsed on two threads: pest parses about 6 MB/s here,
//! so a 10,000-rule agreement (1.7 MB) takes a third of a second on one
//! core. The text is split between two items near its middle; each half is
//! parsed and lowered on its own thread and the items are joined. Whenever
//! a half fails to parse, the caller parses the whole file again on one
//! thread, so syntax errors read exactly as they do without the split.

use pest::Parser;

use super::ast::Agreement;
use super::error::ParseError;
use super::grammar::{AccordParser, Rule};
use super::lower::Lower;
use super::skip_string;

/// Below this size one thread is fast enough.
pub const MIN_SPLIT_BYTES: usize = 256 * 1024;

/// The parse of both halves; `None` when the text has no split point or a
/// half does not parse.
pub fn parse_in_two(source: &str) -> Option<Result<Agreement, Vec<ParseError>>> {
    let split = split_point(source)?;
    let head_text = source.get(..split)?;
    // The tail keeps its offsets into the whole file (spans, line numbers)
    // by standing behind as many spaces as the head has bytes; pest skips
    // them as white space in a few milliseconds.
    let tail_text = format!("{}{}", " ".repeat(split), source.get(split..)?);
    std::thread::scope(|scope| {
        let tail = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(scope, || {
                let pairs = AccordParser::parse(Rule::file_tail, &tail_text).ok()?;
                let mut lower = Lower::default();
                let items = pairs.into_iter().next().and_then(|p| lower.tail(p));
                Some((items, lower.errors))
            })
            .ok()?;
        let pairs = AccordParser::parse(Rule::file_head, head_text).ok()?;
        let mut lower = Lower::default();
        let head = pairs.into_iter().next().and_then(|p| lower.head(p));
        let (tail_items, tail_errors) = tail.join().ok()??;
        lower.errors.extend(tail_errors);
        Some(match (head, tail_items) {
            (Some(mut agreement), Some((items, end))) if lower.errors.is_empty() => {
                agreement.items.extend(items);
                agreement.span = super::Span::new(agreement.span.start, end);
                Ok(agreement)
            }
            _ if !lower.errors.is_empty() => Err(lower.errors),
            _ => Err(vec![ParseError::Internal {
                span: (0, 0).into(),
            }]),
        })
    })
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
    use super::{parse_in_two, split_point};
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
                "  # rule {r} {{\n  response \"r{r} }}\" {{\n    owner sales\n    first call\n    within 5m when x is \"{{\"\n  }}\n  calendar c{r} {{ hours mon-fri 09:00-17:00\n closed {date} }}\n"
            ));
        }
        s.push_str("}\n");
        s
    }

    #[test]
    fn both_halves_make_the_same_tree_and_errors_as_one_pass() {
        let text = large(2000, None);
        assert!(text.len() > super::MIN_SPLIT_BYTES);
        let split = parse_in_two(&text).unwrap().unwrap();
        assert_eq!(split, parse_whole(&text).unwrap());
        assert_eq!(split.span, parse_whole(&text).unwrap().span);
        assert_eq!(
            split.items.last().map(|i| i.span()),
            parse_whole(&text).unwrap().items.last().map(|i| i.span())
        );

        let bad = large(2000, Some(1900));
        assert_eq!(
            parse_in_two(&bad).unwrap().unwrap_err(),
            parse_whole(&bad).unwrap_err()
        );
    }

    #[test]
    fn a_syntax_error_leaves_the_split_to_the_single_pass() {
        let text = large(2000, None).replace(
            "owner sales\n    first call\n    within 5m when x is \"{\"\n  }\n  calendar c1990",
            "owner sales first\n  }\n  calendar c1990",
        );
        assert!(parse_in_two(&text).is_none());
        assert!(parse_whole(&text).is_err());
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
