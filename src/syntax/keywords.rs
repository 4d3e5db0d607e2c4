//! The words of the language, read from the grammar itself, and which of
//! them may come next at a point of a file: what an editor completes.
//!
//! The words are the literals the grammar's rules can start with, found by
//! reading `grammar/accord.pest` with pest's own meta-parser, so a keyword
//! added to the grammar is offered without being listed again here.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use pest::Parser;
use pest_meta::ast::Expr;

use super::grammar::{AccordParser, Rule};

const GRAMMAR: &str = include_str!("../../grammar/accord.pest");

/// The grammar's rules by name; empty if the grammar cannot be read, which
/// a test rules out.
static RULES: LazyLock<HashMap<String, Expr>> = LazyLock::new(|| {
    pest_meta::parser::parse(pest_meta::parser::Rule::grammar_rules, GRAMMAR)
        .ok()
        .and_then(|pairs| pest_meta::parser::consume_rules(pairs).ok())
        .map(|rules| rules.into_iter().map(|r| (r.name, r.expr)).collect())
        .unwrap_or_default()
});

/// Every keyword: the word of each `kw_*` rule, sorted.
pub fn all() -> Vec<String> {
    let mut words: BTreeSet<String> = BTreeSet::new();
    for (name, expr) in RULES.iter() {
        if name.starts_with("kw_") {
            words.extend(first_words(expr, &mut HashSet::new()).0);
        }
    }
    words.into_iter().collect()
}

/// The words the grammar accepts at `offset` of `source` (keywords,
/// periods, weekdays, `count`/`value`), or `None` when the text before
/// `offset` stops parsing earlier, so nothing can be said about the
/// cursor. Whether a name may come is [`Expected::name`].
pub fn expected_at(source: &str, offset: usize) -> Option<Expected> {
    let before = source.get(..offset)?;
    // As for a whole parse: nesting past the limit is not handed to pest.
    if super::too_deep(before).is_some() {
        return None;
    }
    let error = match AccordParser::parse(Rule::file, before) {
        Ok(_) => return None,
        Err(e) => e,
    };
    let at = match error.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    // The parse must have got as far as the cursor: only white space and
    // comments may lie between where it stopped and the cursor.
    if before.get(at..).is_none_or(|rest| !rest.trim().is_empty()) {
        return None;
    }
    let positives = match error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => positives,
        pest::error::ErrorVariant::CustomError { .. } => return None,
    };
    let mut expected = Expected::default();
    for rule in positives {
        let name = format!("{rule:?}");
        if let Some(expr) = RULES.get(&name) {
            expected
                .words
                .extend(first_words(expr, &mut HashSet::new()).0);
        }
        expected.name |= matches!(
            rule,
            Rule::ident | Rule::condition | Rule::comparison | Rule::term_ref | Rule::operand
        );
    }
    Some(expected)
}

/// What may follow at a point of a file.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// Words, sorted.
    pub words: BTreeSet<String>,
    /// Whether a name (of a term, team, calendar or field) may come.
    pub name: bool,
}

/// The words `expr` can start with, and whether it can match nothing.
/// `seen` guards against rules that call themselves through others.
fn first_words(expr: &Expr, seen: &mut HashSet<String>) -> (BTreeSet<String>, bool) {
    match expr {
        Expr::Str(s) if is_word(s) => (BTreeSet::from([s.clone()]), false),
        Expr::Ident(name) => match RULES.get(name) {
            Some(inner) if seen.insert(name.clone()) => {
                let found = first_words(inner, seen);
                seen.remove(name);
                found
            }
            _ => (BTreeSet::new(), false),
        },
        Expr::Seq(a, b) => {
            let (mut words, empty) = first_words(a, seen);
            if !empty {
                return (words, false);
            }
            let (more, rest_empty) = first_words(b, seen);
            words.extend(more);
            (words, rest_empty)
        }
        Expr::Choice(a, b) => {
            let (mut words, a_empty) = first_words(a, seen);
            let (more, b_empty) = first_words(b, seen);
            words.extend(more);
            (words, a_empty || b_empty)
        }
        Expr::Opt(inner) | Expr::Rep(inner) | Expr::RepMax(inner, _) => {
            (first_words(inner, seen).0, true)
        }
        Expr::RepOnce(inner) | Expr::Push(inner) => first_words(inner, seen),
        Expr::RepExact(inner, n) | Expr::RepMin(inner, n) | Expr::RepMinMax(inner, n, _) => {
            let (words, empty) = first_words(inner, seen);
            (words, empty || *n == 0)
        }
        Expr::PosPred(_) | Expr::NegPred(_) => (BTreeSet::new(), true),
        _ => (BTreeSet::new(), false),
    }
}

/// A literal that reads as a word: `within`, `mon`; not `{`, `funnel.` or `<=`.
fn is_word(s: &str) -> bool {
    s.len() > 1 && s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words_at(source: &str) -> Vec<String> {
        expected_at(source, source.len())
            .unwrap()
            .words
            .into_iter()
            .collect()
    }

    #[test]
    fn every_kw_rule_gives_its_word() {
        let all = all();
        let rules = GRAMMAR.lines().filter(|l| l.starts_with("kw_")).count();
        assert_eq!(all.len(), rules, "{all:?}");
        for word in ["agreement", "within", "otherwise", "handoff", "empty"] {
            assert!(all.iter().any(|w| w == word), "{word}");
        }
    }

    #[test]
    fn an_agreement_block_expects_items() {
        let words = words_at("agreement \"x\" {\n  ");
        for word in ["calendar", "team", "term", "quota", "response", "version"] {
            assert!(words.iter().any(|w| w == word), "{word} in {words:?}");
        }
        assert!(!words.iter().any(|w| w == "within"));
    }

    #[test]
    fn a_response_block_expects_its_clauses_only() {
        let words = words_at("agreement \"x\" {\n response \"r\" {\n owner sales\n ");
        assert_eq!(
            words,
            ["first", "leads", "owner", "target", "warn", "within"].map(String::from)
        );
    }

    #[test]
    fn after_each_come_the_periods() {
        let words = words_at("agreement \"x\" { response \"r\" { target 95% each ");
        assert_eq!(
            words,
            ["day", "month", "quarter", "week", "year"].map(String::from)
        );
    }

    #[test]
    fn after_owner_comes_a_name() {
        let source = "agreement \"x\" { quota \"q\" { owner ";
        assert!(expected_at(source, source.len()).unwrap().name);
    }

    #[test]
    fn nesting_past_the_limit_says_nothing() {
        let source = format!("agreement \"x\" {{ term t means {} ", "(".repeat(200));
        assert_eq!(expected_at(&source, source.len()), None);
    }

    #[test]
    fn an_error_before_the_cursor_says_nothing() {
        assert_eq!(expected_at("agreement \"x\" { bogus \n ", 24), None);
    }
}
