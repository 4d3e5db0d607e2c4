//! What can be wrong with an agreement's text before any check runs.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

use super::grammar::Rule;

/// A problem found while reading an agreement's text.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum ParseError {
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(accord::E001))]
    Syntax {
        expected: String,
        found: String,
        #[label("expected {expected}")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{text}` is not a date")]
    #[diagnostic(
        code(accord::E002),
        help("dates are written YYYY-MM-DD and must exist, such as `2027-02-28`")
    )]
    InvalidDate {
        text: String,
        #[label("no such day")]
        span: SourceSpan,
    },

    #[error("`{text}` is not a clock time")]
    #[diagnostic(
        code(accord::E003),
        help("clock times run from `00:00` to `23:59`; `24:00` may only end an interval")
    )]
    InvalidClock {
        text: String,
        #[label("{reason}")]
        span: SourceSpan,
        reason: String,
    },

    #[error("`{text}` is not a character")]
    #[diagnostic(
        code(accord::E004),
        help("`\\u{{...}}` takes the hexadecimal code of a Unicode scalar value, such as `\\u{{e9}}` for `é`")
    )]
    InvalidEscape {
        text: String,
        #[label("no such character")]
        span: SourceSpan,
    },

    #[error("`{text}` is too large")]
    #[diagnostic(
        code(accord::E005),
        help(
            "numbers, durations and counts must fit in 64 bits; nothing in an agreement needs more"
        )
    )]
    NumberTooLarge {
        text: String,
        #[label("too large")]
        span: SourceSpan,
    },

    #[error("the parser went wrong on this file")]
    #[diagnostic(
        code(accord::E000),
        help("this is a bug in accord; please report it with the file")
    )]
    Internal {
        #[label("here")]
        span: SourceSpan,
    },

    #[error("conditions nested more than {limit} deep")]
    #[diagnostic(
        code(accord::E006),
        help("split the condition into named terms (`term x means ...`) and use their names")
    )]
    TooDeep {
        limit: usize,
        #[label("nested too deeply here")]
        span: SourceSpan,
    },
}

/// Builds the syntax diagnostic from pest's error: the expected rules in
/// words a user recognises, never a grammar rule's name. Pest was given
/// the text from `start` of `source` on.
pub(crate) fn syntax_error(
    source: &str,
    start: usize,
    error: &pest::error::Error<Rule>,
) -> ParseError {
    let offset = start
        + match error.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
    let mut expected: Vec<&'static str> = match &error.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().map(|r| describe(*r)).collect()
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    expected.sort_unstable();
    expected.dedup();
    // A condition starts with a name; saying both reads as two choices.
    if expected.contains(&"a condition") {
        expected.retain(|e| *e != "a name");
    }
    let expected = match expected.as_slice() {
        [] => "something else".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    };
    let (found, len) = found_at(source, offset);
    ParseError::Syntax {
        help: help_for(&expected),
        expected,
        found,
        span: (offset, len).into(),
    }
}

/// The token a user would see at `offset`, and its length in bytes.
fn found_at(source: &str, offset: usize) -> (String, usize) {
    let rest = source.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return ("the end of the file".to_owned(), 0);
    };
    if first.is_alphanumeric() || first == '_' {
        let word: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.' || *c == ':')
            .take(40)
            .collect();
        let len = word.len();
        (format!("`{word}`"), len)
    } else if first.is_whitespace() {
        ("white space".to_owned(), first.len_utf8())
    } else {
        (format!("`{}`", first.escape_debug()), first.len_utf8())
    }
}

fn help_for(expected: &str) -> String {
    if expected.contains("duration") {
        "a duration is whole numbers with units: `30s`, `5m`, `1h30m`, `14d`, `2w`".to_owned()
    } else if expected.contains("condition") {
        "a condition compares a field (`persona is \"CEO\"`, `score >= 50`) or names a term"
            .to_owned()
    } else {
        "every clause starts with a keyword; docs/language.md lists what each block may hold"
            .to_owned()
    }
}

/// A grammar rule in the words of the language reference.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the file",
        Rule::WHITESPACE | Rule::COMMENT | Rule::ident_char | Rule::reserved => "white space",
        Rule::item => "a setting, calendar, team, term, weights, funnel or rule",
        Rule::infix => "`and` or `or`",
        Rule::operand => "a condition",
        Rule::ident => "a name",
        Rule::string | Rule::string_inner => "a string in double quotes",
        Rule::escape => "an escape such as `\\n`",
        Rule::number_raw | Rule::number => "a number such as `1500`",
        Rule::int => "a whole number such as `6`",
        Rule::percent => "a percentage such as `95%`",
        Rule::currency_code => "a currency code such as `EUR`",
        Rule::money => "an amount such as `EUR 12_000`",
        Rule::duration => "a duration such as `5m`",
        Rule::date => "a date such as `2027-01-08`",
        Rule::clock => "a clock time such as `09:00`",
        Rule::time_range => "hours such as `09:00-17:30`",
        Rule::weekday | Rule::day_range => "weekdays such as `mon-fri`",
        Rule::period => "a period (`day`, `week`, `month`, `quarter` or `year`)",
        Rule::funnel_ref => "`funnel.leads` or `funnel.customers`",
        Rule::kw_agreement | Rule::file | Rule::file_open | Rule::agreement => "`agreement`",
        Rule::file_rest | Rule::file_next => "an item",
        Rule::file_close => "`}`",
        Rule::kw_version | Rule::version => "`version`",
        Rule::kw_effective | Rule::effective => "`effective`",
        Rule::kw_to => "`to`",
        Rule::kw_timezone | Rule::timezone => "`timezone`",
        Rule::kw_currency | Rule::currency => "`currency`",
        Rule::kw_review | Rule::review => "`review`",
        Rule::kw_every => "`every`",
        Rule::kw_last => "`last`",
        Rule::kw_calendar | Rule::calendar => "`calendar`",
        Rule::kw_hours | Rule::hours => "`hours`",
        Rule::kw_closed | Rule::closed => "`closed`",
        Rule::kw_team | Rule::team => "`team`",
        Rule::kw_lead | Rule::team_lead => "`lead`",
        Rule::kw_members | Rule::members => "`members`",
        Rule::kw_term | Rule::term => "`term`",
        Rule::kw_means => "`means`",
        Rule::kw_weights | Rule::weights => "`weights`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_funnel | Rule::funnel => "`funnel`",
        Rule::kw_revenue | Rule::revenue => "`revenue`",
        Rule::kw_per | Rule::per => "`per`",
        Rule::kw_marketing | Rule::marketing_share => "`marketing share`",
        Rule::kw_share => "`share`",
        Rule::kw_deal | Rule::deal_size => "`deal size`",
        Rule::kw_size => "`size`",
        Rule::lead_to_customer => "`lead to customer`",
        Rule::kw_customer => "`customer`",
        Rule::kw_quota | Rule::quota => "`quota`",
        Rule::kw_response | Rule::response => "`response`",
        Rule::kw_attempts | Rule::attempts => "`attempts`",
        Rule::kw_duty | Rule::duty => "`duty`",
        Rule::kw_aging | Rule::aging => "`aging`",
        Rule::kw_owner | Rule::owner => "`owner`",
        Rule::kw_leads | Rule::leads => "`leads`",
        Rule::kw_count | Rule::count_activities => "`count`",
        Rule::quota_target | Rule::measure => "`count` or `value`",
        Rule::bound => "`>=` or `<=`",
        Rule::rate => "a rate such as `1500 per quarter`",
        Rule::kw_each | Rule::each => "`each`",
        Rule::kw_first | Rule::first => "`first`",
        Rule::kw_within | Rule::within | Rule::duty_within => "`within`",
        Rule::kw_on | Rule::on_calendar => "`on`",
        Rule::kw_when | Rule::when => "`when`",
        Rule::applies => "`when` or `otherwise`",
        Rule::kw_target | Rule::target => "`target`",
        Rule::kw_between | Rule::between => "`between`",
        Rule::band => "`between`, `at least` or `at most`",
        Rule::kw_and | Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::kw_at => "`at`",
        Rule::at_least | Rule::kw_least => "`at least`",
        Rule::at_most | Rule::kw_most => "`at most`",
        Rule::kw_until | Rule::until => "`until`",
        Rule::kw_max | Rule::max_duration => "`max duration`",
        Rule::kw_duration => "`duration`",
        Rule::kw_from | Rule::from_to => "`from`",
        Rule::kw_handoff => "`handoff`",
        Rule::at_handoff => "`at handoff`",
        Rule::kw_after => "`after`",
        Rule::anchor => "`handoff` or `first`",
        Rule::kw_provide | Rule::provide => "`provide`",
        Rule::kw_by => "`by`",
        Rule::kw_contact | Rule::contact => "`contact`",
        Rule::kw_buckets | Rule::buckets => "`buckets`",
        Rule::kw_breach | Rule::breach_after => "`breach after`",
        Rule::kw_warn | Rule::warn => "`warn at`",
        Rule::kw_is => "`is`",
        Rule::kw_not => "`not`",
        Rule::kw_in => "`in`",
        Rule::kw_set => "`set`",
        Rule::kw_empty => "`empty`",
        Rule::condition | Rule::op_not | Rule::term_ref | Rule::group | Rule::comparison => {
            "a condition"
        }
        Rule::test_is | Rule::test_in | Rule::test_not_in | Rule::test_compare => {
            "a test such as `is \"v\"`, `in (\"a\", \"b\")` or `>= 50`"
        }
        Rule::compare_op => "a comparison (`is`, `in`, `>=` ...)",
        Rule::string_list => "a list such as `(\"a\", \"b\")`",
        Rule::weight_row => "a weight such as `\"CEO\" 100`",
    }
}
