//! Validation of a parsed agreement: names, ranges, currencies, the shape of
//! each block, and the warnings a careful reviewer would raise.
//!
//! [`check`] walks the whole tree and returns every problem at once, sorted
//! by position; it never stops at the first.

mod definitions;
mod diagnostic;
mod names;
mod rules;
mod settings;
pub(crate) mod suggest;
mod values;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use diagnostic::CheckError;
pub use suggest::did_you_mean;

use crate::syntax::ast::{Agreement, Calendar, Funnel, Team, Term};

/// What the checker needs besides the agreement.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The day to judge expiry and review dates against; `None` skips those warnings.
    pub today: Option<NaiveDate>,
}

/// Every problem of `agreement`, errors and warnings, in source order.
pub fn check(agreement: &Agreement, options: &Options) -> Vec<CheckError> {
    let mut checker = Checker::new(agreement, options);
    checker.run();
    let mut out = checker.out;
    out.sort_by_key(CheckError::offset);
    out
}

/// The names an agreement defines (first definition wins) and what has been found so far.
struct Checker<'a> {
    agreement: &'a Agreement,
    options: &'a Options,
    terms: HashMap<&'a str, &'a Term>,
    calendars: HashMap<&'a str, &'a Calendar>,
    teams: HashMap<&'a str, &'a Team>,
    funnel: Option<&'a Funnel>,
    out: Vec<CheckError>,
    /// The nodes the rules' conditions compile to so far (see
    /// `Checker::expansion`).
    expanded: usize,
}

impl<'a> Checker<'a> {
    fn new(agreement: &'a Agreement, options: &'a Options) -> Self {
        Checker {
            agreement,
            options,
            terms: HashMap::new(),
            calendars: HashMap::new(),
            teams: HashMap::new(),
            funnel: None,
            out: Vec::new(),
            expanded: 0,
        }
    }

    fn run(&mut self) {
        self.define_names();
        self.settings();
        self.term_conditions();
        self.term_cycles();
        self.calendars();
        self.teams_blocks();
        self.weights();
        self.funnel_block();
        self.rules();
    }
}
