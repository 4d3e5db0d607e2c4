//! The typed tree of an agreement: plain data, every node with its span.
//!
//! Blocks keep their clauses in file order (clause order is free in the
//! language and the formatter keeps the author's order); the checker decides
//! which clauses a block must have, and `eval` builds its own typed rules
//! from a tree that checked clean.

use chrono::NaiveDate;

pub use super::span::{Span, Spanned};
pub use crate::time::period::Period;

pub type Ident = Spanned<compact_str::CompactString>;
pub type Str = Spanned<compact_str::CompactString>;

/// A whole `.sla` file.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub name: Str,
    pub items: Vec<Item>,
    /// The `agreement` keyword.
    pub keyword: Span,
    pub span: Span,
}

/// What may stand in an agreement block.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Setting(Setting),
    Calendar(Calendar),
    Team(Team),
    Term(Term),
    Weights(Weights),
    Funnel(Funnel),
    Rule(Rule),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Setting(s) => s.span,
            Item::Calendar(c) => c.span,
            Item::Team(t) => t.span,
            Item::Term(t) => t.span,
            Item::Weights(w) => w.span,
            Item::Funnel(f) => f.span,
            Item::Rule(r) => r.span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub kind: SettingKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SettingKind {
    Version(Str),
    Effective {
        from: Spanned<NaiveDate>,
        to: Spanned<NaiveDate>,
    },
    Timezone(Str),
    Currency(Ident),
    Review {
        every: Spanned<Period>,
        last: Option<Spanned<NaiveDate>>,
    },
}

impl SettingKind {
    pub fn keyword(&self) -> &'static str {
        match self {
            SettingKind::Version(_) => "version",
            SettingKind::Effective { .. } => "effective",
            SettingKind::Timezone(_) => "timezone",
            SettingKind::Currency(_) => "currency",
            SettingKind::Review { .. } => "review",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub name: Ident,
    pub clauses: Vec<CalendarClause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CalendarClause {
    Hours {
        days: Vec<DayRange>,
        intervals: Vec<TimeRange>,
        span: Span,
    },
    Closed {
        dates: Vec<Spanned<NaiveDate>>,
        span: Span,
    },
}

/// Monday is 0, Sunday 6.
#[derive(Debug, Clone, PartialEq)]
pub struct DayRange {
    pub first: Spanned<u8>,
    pub last: Option<Spanned<u8>>,
    pub span: Span,
}

pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// A clock time in minutes after midnight; `24:00` is 1440.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Clock(pub u16);

#[derive(Debug, Clone, PartialEq)]
pub struct TimeRange {
    pub start: Spanned<Clock>,
    pub end: Spanned<Clock>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Team {
    pub name: Ident,
    pub clauses: Vec<TeamClause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TeamClause {
    Lead { person: Str, span: Span },
    Members { people: Vec<Str>, span: Span },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub name: Ident,
    pub condition: Condition,
    pub span: Span,
}

/// A condition over a lead's or an activity's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub kind: ConditionKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConditionKind {
    /// `FIELD is "v"` (or `is not` when `negated`).
    Is {
        field: Ident,
        value: Str,
        negated: bool,
    },
    /// `FIELD in (...)` (or `not in`).
    In {
        field: Ident,
        values: Vec<Str>,
        negated: bool,
    },
    /// `FIELD is set` (`set: true`) or `FIELD is empty`.
    Presence {
        field: Ident,
        set: bool,
    },
    /// `FIELD >= 50` and friends.
    Compare {
        field: Ident,
        op: CompareOp,
        value: Number,
    },
    /// A term used by name.
    Term(Ident),
    Not(Box<Condition>),
    /// `a and b and c`, flattened.
    All(Vec<Condition>),
    /// `a or b or c`, flattened.
    Any(Vec<Condition>),
    /// Parentheses as written, kept so the formatter keeps them.
    Group(Box<Condition>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

/// A number as written: its value and its text (`1_200_000` stays grouped).
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub value: f64,
    pub text: String,
    pub span: Span,
}

/// A percentage; `value` is as written (`95` for `95%`).
#[derive(Debug, Clone, PartialEq)]
pub struct Percent {
    pub value: f64,
    pub text: String,
    pub span: Span,
}

/// An amount of money; `currency` is `None` for a plain number.
#[derive(Debug, Clone, PartialEq)]
pub struct Money {
    pub currency: Option<Ident>,
    pub amount: Number,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DurationUnit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
}

impl DurationUnit {
    pub fn suffix(self) -> char {
        match self {
            DurationUnit::Second => 's',
            DurationUnit::Minute => 'm',
            DurationUnit::Hour => 'h',
            DurationUnit::Day => 'd',
            DurationUnit::Week => 'w',
        }
    }
}

/// A duration as written, part by part (`1h30m`).
#[derive(Debug, Clone, PartialEq)]
pub struct Duration {
    pub parts: Vec<(u64, DurationUnit)>,
    pub span: Span,
}

impl Duration {
    /// Whole calendar days (`d` and `w` parts).
    pub fn calendar_days(&self) -> u64 {
        self.parts
            .iter()
            .map(|&(n, unit)| match unit {
                DurationUnit::Day => n,
                DurationUnit::Week => n.saturating_mul(7),
                _ => 0,
            })
            .fold(0, u64::saturating_add)
    }

    /// Exact seconds of the `h`, `m` and `s` parts.
    pub fn exact_seconds(&self) -> u64 {
        self.parts
            .iter()
            .map(|&(n, unit)| match unit {
                DurationUnit::Hour => n.saturating_mul(3600),
                DurationUnit::Minute => n.saturating_mul(60),
                DurationUnit::Second => n,
                _ => 0,
            })
            .fold(0, u64::saturating_add)
    }

    /// The duration as an amount, days counted as 24 hours (`max duration`, bucket order).
    pub fn total_seconds(&self) -> u64 {
        self.calendar_days()
            .saturating_mul(86_400)
            .saturating_add(self.exact_seconds())
    }

    /// Whether any part is in calendar days (`d` or `w`), which a business calendar cannot count.
    pub fn uses_days(&self) -> bool {
        self.parts
            .iter()
            .any(|(_, u)| matches!(u, DurationUnit::Day | DurationUnit::Week))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Weights {
    pub field: Ident,
    pub rows: Vec<WeightRow>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WeightRow {
    /// `None` for `otherwise`.
    pub key: Option<Str>,
    pub weight: Number,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub clauses: Vec<FunnelClause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FunnelClause {
    Revenue {
        amount: Money,
        per: Spanned<Period>,
        span: Span,
    },
    MarketingShare {
        share: Percent,
        span: Span,
    },
    DealSize {
        amount: Money,
        span: Span,
    },
    LeadToCustomer {
        rate: Percent,
        span: Span,
    },
}

impl FunnelClause {
    pub fn span(&self) -> Span {
        match self {
            FunnelClause::Revenue { span, .. }
            | FunnelClause::MarketingShare { span, .. }
            | FunnelClause::DealSize { span, .. }
            | FunnelClause::LeadToCustomer { span, .. } => *span,
        }
    }

    pub fn keyword(&self) -> &'static str {
        match self {
            FunnelClause::Revenue { .. } => "revenue",
            FunnelClause::MarketingShare { .. } => "marketing share",
            FunnelClause::DealSize { .. } => "deal size",
            FunnelClause::LeadToCustomer { .. } => "lead to customer",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleKind {
    Quota,
    Response,
    Attempts,
    Duty,
    Aging,
}

impl RuleKind {
    pub fn keyword(self) -> &'static str {
        match self {
            RuleKind::Quota => "quota",
            RuleKind::Response => "response",
            RuleKind::Attempts => "attempts",
            RuleKind::Duty => "duty",
            RuleKind::Aging => "aging",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub kind: Spanned<RuleKind>,
    pub name: Str,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

/// Clauses sit in one vector per rule, each as large as the largest kind,
/// so the rare large parts (a rate, a band, a condition after `when`,
/// `first` or `by`) are boxed: a clause is 88 bytes, not 192, and parsing
/// memory is mostly clauses.
#[derive(Debug, Clone, PartialEq)]
pub enum ClauseKind {
    Owner(Ident),
    Leads(Condition),
    /// quota: `count >= RATE [each P] [per F]`.
    QuotaTarget {
        measure: Spanned<Measure>,
        bound: Spanned<Bound>,
        rate: Box<Rate>,
        each: Option<Spanned<Period>>,
        per: Option<Ident>,
    },
    /// response: `first CONDITION`.
    First(Condition),
    /// response: `within D [on CAL] (when C | otherwise)`.
    Within {
        window: Window,
        applies: Applies,
    },
    /// `target P% [each P] [per F]`.
    Target {
        percent: Percent,
        each: Option<Spanned<Period>>,
        per: Option<Ident>,
    },
    /// attempts: `count CONDITION`.
    Count(Condition),
    /// attempts: `between MIN and MAX within D [on CAL] (when C | otherwise)`.
    Band {
        band: Box<Band>,
        window: Window,
        applies: Applies,
    },
    Until(Condition),
    MaxDuration(Duration),
    /// duty: `from A to B`.
    FromTo {
        from: Ident,
        to: Ident,
    },
    /// duty: `at handoff`.
    AtHandoff,
    /// duty: `within D [on CAL] after (handoff | first C)`.
    After {
        window: Window,
        anchor: Anchor,
    },
    /// duty: `provide F, ... [by C]`.
    Provide {
        fields: Vec<Ident>,
        by: Option<Box<Condition>>,
    },
    /// aging: `contact CONDITION`.
    Contact(Condition),
    Buckets(Vec<Duration>),
    BreachAfter(Duration),
    /// aging: `per FIELD` on its own line.
    Per(Ident),
    /// response, attempts, duty, aging: `warn at P%`, when an open item is due soon.
    Warn(Percent),
}

impl ClauseKind {
    /// The clause's keyword, as the checker names it in messages.
    pub fn keyword(&self) -> &'static str {
        match self {
            ClauseKind::Owner(_) => "owner",
            ClauseKind::Leads(_) => "leads",
            ClauseKind::QuotaTarget { measure, .. } => match measure.node {
                Measure::Count => "count",
                Measure::Value => "value",
            },
            ClauseKind::First(_) => "first",
            ClauseKind::Within { .. } => "within",
            ClauseKind::Target { .. } => "target",
            ClauseKind::Count(_) => "count",
            ClauseKind::Band { band, .. } => match &**band {
                Band::Between { .. } => "between",
                Band::AtLeast(_) => "at least",
                Band::AtMost(_) => "at most",
            },
            ClauseKind::Until(_) => "until",
            ClauseKind::MaxDuration(_) => "max duration",
            ClauseKind::FromTo { .. } => "from",
            ClauseKind::AtHandoff => "at handoff",
            ClauseKind::After { .. } => "within",
            ClauseKind::Provide { .. } => "provide",
            ClauseKind::Contact(_) => "contact",
            ClauseKind::Buckets(_) => "buckets",
            ClauseKind::BreachAfter(_) => "breach after",
            ClauseKind::Per(_) => "per",
            ClauseKind::Warn(_) => "warn at",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Count,
    Value,
}

/// `>=` (a floor) or `<=` (a cap).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    AtLeast,
    AtMost,
}

impl Bound {
    pub fn symbol(self) -> &'static str {
        match self {
            Bound::AtLeast => ">=",
            Bound::AtMost => "<=",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Rate {
    /// `1500 per quarter`, `EUR 40_000 per month`.
    Amount { amount: Money, per: Spanned<Period> },
    /// `funnel.leads` or `funnel.customers`.
    Funnel(Spanned<FunnelRef>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FunnelRef {
    Leads,
    Customers,
}

impl FunnelRef {
    pub fn text(self) -> &'static str {
        match self {
            FunnelRef::Leads => "funnel.leads",
            FunnelRef::Customers => "funnel.customers",
        }
    }
}

/// `within D [on CAL]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub duration: Duration,
    pub calendar: Option<Ident>,
}

/// `when C` or `otherwise`.
#[derive(Debug, Clone, PartialEq)]
pub enum Applies {
    When(Box<Condition>),
    Otherwise(Span),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Band {
    Between {
        min: Spanned<u64>,
        max: Spanned<u64>,
    },
    AtLeast(Spanned<u64>),
    AtMost(Spanned<u64>),
}

impl Band {
    pub fn min(&self) -> u64 {
        match self {
            Band::Between { min, .. } | Band::AtLeast(min) => min.node,
            Band::AtMost(_) => 0,
        }
    }

    pub fn max(&self) -> Option<u64> {
        match self {
            Band::Between { max, .. } | Band::AtMost(max) => Some(max.node),
            Band::AtLeast(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Anchor {
    Handoff(Span),
    First(Box<Condition>),
}

impl Agreement {
    pub fn settings(&self) -> impl Iterator<Item = &Setting> {
        self.items.iter().filter_map(|i| match i {
            Item::Setting(s) => Some(s),
            _ => None,
        })
    }

    pub fn calendars(&self) -> impl Iterator<Item = &Calendar> {
        self.items.iter().filter_map(|i| match i {
            Item::Calendar(c) => Some(c),
            _ => None,
        })
    }

    pub fn teams(&self) -> impl Iterator<Item = &Team> {
        self.items.iter().filter_map(|i| match i {
            Item::Team(t) => Some(t),
            _ => None,
        })
    }

    pub fn terms(&self) -> impl Iterator<Item = &Term> {
        self.items.iter().filter_map(|i| match i {
            Item::Term(t) => Some(t),
            _ => None,
        })
    }

    pub fn weights(&self) -> impl Iterator<Item = &Weights> {
        self.items.iter().filter_map(|i| match i {
            Item::Weights(w) => Some(w),
            _ => None,
        })
    }

    pub fn funnels(&self) -> impl Iterator<Item = &Funnel> {
        self.items.iter().filter_map(|i| match i {
            Item::Funnel(f) => Some(f),
            _ => None,
        })
    }

    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.items.iter().filter_map(|i| match i {
            Item::Rule(r) => Some(r),
            _ => None,
        })
    }
}
