//! Everything the checker can say about an agreement, errors and warnings.
//!
//! Codes are stable: tools and `docs/errors.md` refer to them. A new problem
//! gets a new code; a code is never reused for something else.

use miette::{Diagnostic, SourceSpan};
use thiserror::Error;

/// A problem the checker found. Warnings carry `severity(Warning)`.
#[derive(Debug, Clone, Error, Diagnostic, PartialEq)]
#[non_exhaustive]
pub enum CheckError {
    #[error("unknown term `{name}`")]
    #[diagnostic(code(accord::E010))]
    UnknownTerm {
        name: String,
        #[label("not defined")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown calendar `{name}`")]
    #[diagnostic(code(accord::E011))]
    UnknownCalendar {
        name: String,
        #[label("not defined")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("unknown team `{name}`")]
    #[diagnostic(code(accord::E012))]
    UnknownTeam {
        name: String,
        #[label("not defined")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("{what} `{name}` is defined twice")]
    #[diagnostic(
        code(accord::E013),
        help("names must be unique so that every rule means one thing; rename or remove one")
    )]
    Duplicate {
        what: &'static str,
        name: String,
        #[label("defined again here")]
        span: SourceSpan,
        #[label("first defined here")]
        first: SourceSpan,
    },

    #[error("weights for `{key}` are given twice")]
    #[diagnostic(
        code(accord::E014),
        help("a value has one weight; remove one of the rows")
    )]
    DuplicateWeight {
        key: String,
        #[label("given again here")]
        span: SourceSpan,
        #[label("first given here")]
        first: SourceSpan,
    },

    #[error("term `{name}` is defined through itself: {cycle}")]
    #[diagnostic(
        code(accord::E015),
        help("a term may use other terms, but the chain must end in field comparisons")
    )]
    TermCycle {
        name: String,
        cycle: String,
        #[label("this term leads back to itself")]
        span: SourceSpan,
    },

    #[error("the rules' conditions, with the terms they use, grow past {limit} comparisons and operators")]
    #[diagnostic(
        code(accord::E036),
        help("each rule's conditions are evaluated with every term they use; define a shared term once and use it in fewer rules, or shorten the chain of terms")
    )]
    ExpandsTooFar {
        limit: usize,
        #[label("the limit is passed here")]
        span: SourceSpan,
    },

    #[error("at least {min} is more than at most {max}")]
    #[diagnostic(
        code(accord::E016),
        help("write the smaller number first: `between {max} and {min}`")
    )]
    MinAboveMax {
        min: u64,
        max: u64,
        #[label("no count can be both")]
        span: SourceSpan,
    },

    #[error("a duration of zero")]
    #[diagnostic(
        code(accord::E017),
        help("give a window some time, such as `5m` or `1h`")
    )]
    ZeroDuration {
        #[label("this is no time at all")]
        span: SourceSpan,
    },

    #[error("`{text}` is longer than 10 years")]
    #[diagnostic(
        code(accord::E037),
        help("a window, bucket or duration is at most 10 years (`3650d`, `520w` or `87600h`); no lead waits longer")
    )]
    DurationTooLong {
        text: String,
        #[label("more than 10 years")]
        span: SourceSpan,
    },

    #[error("{what} is out of range")]
    #[diagnostic(
        code(accord::E038),
        help("amounts, weights and what the funnel derives from them are at most 10^15 (`1_000_000_000_000_000`); {help}")
    )]
    OutOfRange {
        what: String,
        help: &'static str,
        #[label("{label}")]
        span: SourceSpan,
        label: &'static str,
    },

    #[error("`{value}%` is not a percentage between 0% and 100%")]
    #[diagnostic(
        code(accord::E018),
        help("targets and shares are between `0%` and `100%`")
    )]
    PercentOutOfRange {
        value: String,
        #[label("out of range")]
        span: SourceSpan,
    },

    #[error("`warn at {value}%` is not a share between 1% and 99%")]
    #[diagnostic(
        code(accord::E039),
        help("`warn at P%` marks an open item due soon once P% of its window has passed; P is from 1 to 99, such as `warn at 80%`")
    )]
    WarnOutOfRange {
        value: String,
        #[label("out of range")]
        span: SourceSpan,
    },

    #[error("the agreement ends before it starts")]
    #[diagnostic(
        code(accord::E019),
        help("`effective FIRST to LAST` names the first and the last day, in that order")
    )]
    EffectiveBackwards {
        #[label("{last} is before {first}")]
        span: SourceSpan,
        first: String,
        last: String,
    },

    #[error("unknown time zone `{name}`")]
    #[diagnostic(code(accord::E020))]
    UnknownTimezone {
        name: String,
        #[label("not an IANA time zone")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("a `{keyword}` clause after `otherwise` never applies")]
    #[diagnostic(
        code(accord::E021),
        help("clauses are tried in order and `otherwise` takes every lead left; move it last")
    )]
    AfterOtherwise {
        keyword: &'static str,
        #[label("never reached")]
        span: SourceSpan,
        #[label("`otherwise` takes every lead here")]
        otherwise: SourceSpan,
    },

    #[error("open hours overlap on {day}")]
    #[diagnostic(
        code(accord::E022),
        help("each moment of a week is open once; merge or separate the intervals (touching is fine: `09:00-12:00, 12:00-13:00`)")
    )]
    HoursOverlap {
        day: &'static str,
        #[label("overlaps")]
        span: SourceSpan,
        #[label("this interval")]
        other: SourceSpan,
    },

    #[error("open hours end before they start")]
    #[diagnostic(
        code(accord::E023),
        help("write the opening time first, such as `09:00-17:30`; use `24:00` for the end of the day")
    )]
    HoursBackwards {
        #[label("ends at or before its start")]
        span: SourceSpan,
    },

    #[error("money in {found}, but the agreement's currency is {expected}")]
    #[diagnostic(
        code(accord::E024),
        help("every amount uses the agreement's `currency`; convert it, or write a plain number")
    )]
    ForeignCurrency {
        found: String,
        expected: String,
        #[label("not {expected}")]
        span: SourceSpan,
    },

    #[error("money in {found}, but the agreement has no `currency`")]
    #[diagnostic(
        code(accord::E025),
        help("add `currency {found}` to the agreement's settings")
    )]
    NoCurrency {
        found: String,
        #[label("a money amount")]
        span: SourceSpan,
    },

    #[error("`{name}` is used, but the agreement has no funnel")]
    #[diagnostic(
        code(accord::E026),
        help("add a `funnel {{ revenue ... marketing share ... deal size ... lead to customer ... }}` block, or write the number")
    )]
    NoFunnel {
        name: &'static str,
        #[label("nothing to derive it from")]
        span: SourceSpan,
    },

    #[error("the funnel divides by a zero `{what}`")]
    #[diagnostic(
        code(accord::E027),
        help("customers = revenue × share ÷ deal size and leads = customers ÷ lead to customer; neither divisor may be zero")
    )]
    FunnelZero {
        what: &'static str,
        #[label("zero")]
        span: SourceSpan,
    },

    #[error("buckets must increase")]
    #[diagnostic(
        code(accord::E028),
        help("list the ages from young to old, such as `buckets 1w, 2w, 4w`")
    )]
    BucketsNotIncreasing {
        #[label("not longer than the bucket before")]
        span: SourceSpan,
    },

    #[error("calendar days on business calendar `{calendar}`")]
    #[diagnostic(
        code(accord::E029),
        help("on a calendar only open time counts, written in `h`, `m` and `s` (`16h on office` for two 8-hour days); drop `on {calendar}` for calendar days")
    )]
    DaysOnCalendar {
        calendar: String,
        #[label("`d` and `w` are calendar days")]
        span: SourceSpan,
    },

    #[error("{block} has no `{keyword}`")]
    #[diagnostic(code(accord::E030))]
    Missing {
        block: String,
        keyword: &'static str,
        #[label("needs `{keyword}`")]
        span: SourceSpan,
        #[help]
        help: String,
    },

    #[error("`{keyword}` is given twice")]
    #[diagnostic(code(accord::E031), help("a block takes this clause once; remove one"))]
    DuplicateClause {
        keyword: &'static str,
        #[label("again here")]
        span: SourceSpan,
        #[label("first here")]
        first: SourceSpan,
    },

    #[error("weekday range `{text}` runs backwards")]
    #[diagnostic(
        code(accord::E032),
        help("ranges run Monday to Sunday, such as `mon-fri`; for a range over the weekend write `fri-sun, mon`")
    )]
    WeekdaysBackwards {
        text: String,
        #[label("ends before it starts")]
        span: SourceSpan,
    },

    #[error("a count cannot be money")]
    #[diagnostic(
        code(accord::E033),
        help("`count` counts leads; for money use `value >= {text} per ...`")
    )]
    CountInMoney {
        text: String,
        #[label("money")]
        span: SourceSpan,
    },

    #[error("a duty is either `at handoff` or `within ... after ...`, not both")]
    #[diagnostic(
        code(accord::E034),
        help("`at handoff` checks the lead's own fields; `within ... after ...` waits for an activity `by` a term")
    )]
    DutyForms {
        #[label("this")]
        span: SourceSpan,
        #[label("conflicts with this")]
        other: SourceSpan,
    },

    #[error("`by` only applies to a duty with a window")]
    #[diagnostic(
        code(accord::E035),
        help("`at handoff` reads the lead's own fields; remove `by ...`, or use `within D after ...`")
    )]
    ByAtHandoff {
        #[label("no activity is looked for at handoff")]
        span: SourceSpan,
    },

    #[error("rule `{rule}` has `when` clauses but no `otherwise`")]
    #[diagnostic(
        code(accord::W001),
        severity(Warning),
        help("leads no clause applies to are excluded from the rule; add a last clause ending in `otherwise` if every lead should count")
    )]
    NoOtherwise {
        rule: String,
        #[label("some leads may be excluded")]
        span: SourceSpan,
    },

    #[error("closed day {date} is outside the agreement's effective range")]
    #[diagnostic(
        code(accord::W002),
        severity(Warning),
        help("the agreement is in force {first} to {last}; this day changes nothing")
    )]
    ClosedOutsideRange {
        date: String,
        first: String,
        last: String,
        #[label("outside {first} to {last}")]
        span: SourceSpan,
    },

    #[error("the agreement expired on {last}")]
    #[diagnostic(
        code(accord::W003),
        severity(Warning),
        help(
            "as of {today} it is no longer in force; agree on a new period and update `effective`"
        )
    )]
    Expired {
        last: String,
        today: String,
        #[label("ended")]
        span: SourceSpan,
    },

    #[error("the agreement's review is overdue since {due}")]
    #[diagnostic(
        code(accord::W004),
        severity(Warning),
        help("it is reviewed every {every}; after the next review, set `last` to its date")
    )]
    ReviewOverdue {
        due: String,
        every: &'static str,
        #[label("last reviewed here")]
        span: SourceSpan,
    },

    #[error("quota `{rule}` asks {asked} leads, but the funnel needs {needed}")]
    #[diagnostic(
        code(accord::W005),
        severity(Warning),
        help("over the effective range the revenue goal needs `funnel.leads`; ask at least that, or write `count >= funnel.leads`")
    )]
    QuotaBelowFunnel {
        rule: String,
        asked: String,
        needed: String,
        #[label("below what the funnel needs")]
        span: SourceSpan,
    },

    #[error("rule `{rule}` holds each `{field}` to a number, but team `{team}` has no members")]
    #[diagnostic(
        code(accord::W006),
        severity(Warning),
        help("list the team's `members` so that people with no leads show as `no_data` instead of missing from the report")
    )]
    PerWithoutMembers {
        rule: String,
        field: String,
        team: String,
        #[label("per person")]
        span: SourceSpan,
    },

    #[error("calendar `{name}` is never open")]
    #[diagnostic(
        code(accord::W007),
        severity(Warning),
        help("a window on it never ends; add `hours`, such as `hours mon-fri 09:00-17:30`")
    )]
    NeverOpen {
        name: String,
        #[label("no open hours")]
        span: SourceSpan,
    },
}

impl CheckError {
    pub fn is_warning(&self) -> bool {
        matches!(self.severity(), Some(miette::Severity::Warning))
    }

    /// Where the diagnostic points, for sorting and for line-based formats.
    pub fn offset(&self) -> usize {
        self.labels()
            .and_then(|mut labels| labels.next())
            .map_or(0, |l| l.offset())
    }
}
