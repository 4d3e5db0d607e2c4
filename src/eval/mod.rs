//! Evaluation: an agreement's program, the leads, a stream of activities
//! and an as-of instant in; verdicts per rule, window and group out.
//!
//! The [`Evaluator`] is built over the loaded leads (deciding for each rule
//! which leads it judges, in which window and group, under which clause and
//! by when), folds the activities into small per-lead states ([`Folds`]) as
//! they stream past, a batch at a time sorted by lead ([`Gathered`]), and
//! judges every lead at the end. A file read in parts on several threads
//! folds into one shared [`Folds`]. "Now" comes in as `as_of`; data
//! after it is ignored.

pub mod clock;
pub mod condition;
pub mod due;
pub mod explain;
mod gather;
mod held;
pub mod inspect;
mod looks;
pub mod model;
pub mod outcome;
mod placed;
pub mod plan;
pub mod rules;
pub mod run;
mod sparse;
pub mod stats;
pub mod verdict;
pub mod warnings;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, PoisonError, TryLockError};

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::data::intern::{is_blank_symbol, BLANK};
use crate::data::{Activity, DataIssue, Interned, Interner, Leads, Record, Values};
use crate::syntax::ast::{Bound, Measure, RuleKind};
use crate::time::period::{day_start, windows};
use crate::time::rate;
use clock::{Clock, Human};
use gather::Gather;
pub use gather::Gathered;
use looks::{Looks, ALSO, LOOK};
use model::{Program, RuleProgram, Spec};
use outcome::Outcome;
use rules::attempts::{self, Counted, Kept};
use rules::duty::{self, Handover};
use rules::{aging, response};
use sparse::Sparse;
use verdict::*;

/// Floating-point slack when comparing observed values with targets.
const EPSILON: f64 = 1e-9;

/// Weights tables' values that had no weight: `(table, symbol)` and the
/// line of the first lead with it.
type Unweighed = BTreeMap<(usize, u32), u64>;

/// Leads per task when the folding rows are written on every core.
const ROWS_CHUNK: usize = 1 << 16;

/// Leads a rule is scoped over at a time, on every core (see
/// [`Evaluator::scope`]).
const SCOPE_STRETCH: usize = 1 << 16;

/// A window of a rule as reported: its label and bounds.
#[derive(Debug, Clone)]
pub struct WindowDef {
    pub label: String,
    pub first_day: chrono::NaiveDate,
    pub end_day: chrono::NaiveDate,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl WindowDef {
    fn closed(&self, as_of: DateTime<Utc>) -> bool {
        as_of >= self.end
    }
}

/// A lead as one rule judges it. Kept small (12 bytes): there is one per
/// lead and rule. Its hand-off time is the lead's, in [`Leads`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Scoped {
    pub lead: u32,
    pub window: u32,
    pub group: u32,
}

/// The clause a response or attempts rule holds a scoped lead to, and the
/// deadline it sets from hand-off. Apart from [`Scoped`], as the other
/// rule kinds have none: at a million leads, 16 bytes per lead and rule
/// that were written for nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Clause {
    /// The clause that applies; `None` when none does.
    pub alt: Option<u16>,
    pub deadline: Option<DateTime<Utc>>,
}

// The sizes the comments above give, held to.
const _: () = assert!(size_of::<Scoped>() == 12 && size_of::<Clause>() == 16);

/// The per-lead state each rule kind folds activities into.
#[derive(Debug, Clone)]
enum States {
    Nothing,
    Response(Sparse<Option<DateTime<Utc>>>),
    Attempts(Sparse<Kept>),
    Duty(Sparse<Handover>),
    Aging(Sparse<bool>),
}

impl States {
    /// Asks for the state at `pos` to be fetched into cache.
    fn prefetch(&self, pos: usize) {
        match self {
            States::Nothing => {}
            States::Response(states) => states.prefetch(pos),
            States::Attempts(states) => states.prefetch(pos),
            States::Duty(states) => states.prefetch(pos),
            States::Aging(states) => states.prefetch(pos),
        }
    }
}

#[derive(Debug, Clone)]
struct RuleRun {
    windows: Vec<WindowDef>,
    groups: Vec<String>,
    scoped: Vec<Scoped>,
    /// Each scoped lead's [`Clause`], for response and attempts; empty for
    /// the other kinds.
    clauses: Vec<Clause>,
}

impl RuleRun {
    /// The clause of the lead at `pos` in `scoped` (none for rule kinds
    /// without clauses).
    fn clause(&self, pos: usize) -> Clause {
        self.clauses.get(pos).copied().unwrap_or_default()
    }
}

/// The rules' per-lead states, once judged. At a million leads they hold
/// hundreds of thousands of small lists, freed on the thread pool when this
/// is dropped, as nothing waits for that; a caller about to exit can skip
/// freeing them (`std::mem::forget`), as `accord eval` does.
pub struct Spent(Vec<(RuleRun, States)>);

impl Drop for Spent {
    fn drop(&mut self) {
        let spent = std::mem::take(&mut self.0);
        if !spent.is_empty() {
            rayon::spawn(move || drop(spent));
        }
    }
}

/// What activities fold into: per rule, a state per lead it judges. The
/// parts of a file read on several threads share them, each rule's states
/// behind a lock of its own: a part folds a batch rule by rule
/// ([`Evaluator::fold`]), so two parts fold different rules at once. One
/// set of states whatever the number of threads: memory does not grow
/// with them.
#[derive(Debug)]
pub struct Folds {
    /// Every rule's, under one lock: a batch is folded lead by lead, every
    /// rule of a lead at once.
    states: Mutex<Vec<States>>,
}

impl Folds {
    /// The states, once every part has folded.
    fn into_states(self) -> Vec<States> {
        self.states
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The states, for a look once folding is over (no other thread holds
    /// the lock then).
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<States>> {
        self.states.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Folds activities into per-lead states, then judges.
pub struct Evaluator<'a> {
    program: &'a Program,
    leads: &'a Leads,
    interner: &'a Interner,
    as_of: DateTime<Utc>,
    runs: Vec<RuleRun>,
    /// Per lead, a row with each rule's position of it in `scoped` and its
    /// state, plus one; 0 when the rule folds nothing into it (not scoped,
    /// or no clause applies). An activity reads one row, not an array per
    /// rule.
    folding: Vec<u32>,
    issues: Vec<DataIssue>,
    leads_file: String,
    /// Weights values already reported as having no weight.
    unweighed: BTreeSet<(usize, u32)>,
}

impl<'a> Evaluator<'a> {
    /// Decides, for every rule, which leads it judges and how. `only`
    /// restricts the run to one lead (for `explain`).
    pub fn new(
        program: &'a Program,
        leads: &'a Leads,
        leads_file: &str,
        interner: &'a Interner,
        as_of: DateTime<Utc>,
        only: Option<u32>,
    ) -> Self {
        let mut ev = Evaluator {
            program,
            leads,
            interner,
            as_of,
            runs: Vec::with_capacity(program.rules.len()),
            folding: Vec::new(),
            issues: Vec::new(),
            leads_file: leads_file.to_owned(),
            unweighed: BTreeSet::new(),
        };
        // What rules mostly share, worked out once: which leads their
        // `leads` condition holds for, and which of their windows a lead
        // falls in.
        let range = ev.lead_range(only);
        let (which_held, held) =
            held::once_each(program.rules.iter().map(|rule| &rule.leads), |cond| {
                held::Held::new(cond, range.clone(), |lead| ev.record(lead))
            });
        let defs: Vec<Vec<WindowDef>> = program.rules.iter().map(|r| ev.window_defs(r)).collect();
        let (which_placed, placed) =
            held::once_each(defs.iter().map(|defs| ev.judged_windows(defs)), |windows| {
                placed::Placed::new(windows, range.clone(), |lead| leads.handoff(lead))
            });
        // Rules are scoped independently, so on every core.
        let scoped: Vec<(RuleRun, Vec<DataIssue>)> = program
            .rules
            .par_iter()
            .zip(defs)
            .zip(which_held.into_par_iter().zip(which_placed))
            .map(|((rule, windows), (h, p))| {
                let (no_held, no_placed) = (held::Held::default(), placed::Placed::default());
                let lead_sets = (
                    held.get(h).unwrap_or(&no_held),
                    placed.get(p).unwrap_or(&no_placed),
                );
                ev.scope(rule, only, lead_sets, windows)
            })
            .collect();
        for (run, issues) in scoped {
            ev.runs.push(run);
            ev.issues.extend(issues);
        }
        ev.folding = ev.folding_rows();
        ev
    }

    /// The [`Evaluator::folding`] rows, a stretch of leads per task: each
    /// rule's scoped leads are in lead order, so a stretch finds its own
    /// with a binary search. Zero marks "none" so that the rows start as
    /// zeroed memory, whose pages are first touched on every core, not
    /// filled on one.
    fn folding_rows(&self) -> Vec<u32> {
        let width = self.runs.len();
        let mut rows = vec![0; self.leads.len().saturating_mul(width)];
        if width == 0 {
            return rows;
        }
        let stretch = ROWS_CHUNK.saturating_mul(width);
        rows.par_chunks_mut(stretch)
            .enumerate()
            .for_each(|(c, chunk)| {
                let first = c.saturating_mul(ROWS_CHUNK);
                let end = first.saturating_add(chunk.len() / width);
                for (r, run) in self.runs.iter().enumerate() {
                    let from = run.scoped.partition_point(|s| (s.lead as usize) < first);
                    let mine = run.scoped.iter().enumerate().skip(from);
                    for (pos, s) in mine.take_while(|(_, s)| (s.lead as usize) < end) {
                        // Response and attempts fold nothing for a lead no
                        // clause fits.
                        if run.clauses.get(pos).is_some_and(|c| c.alt.is_none()) {
                            continue;
                        }
                        let at = (s.lead as usize - first) * width + r;
                        if let (Some(slot), Ok(pos)) = (chunk.get_mut(at), u32::try_from(pos)) {
                            *slot = pos.saturating_add(1);
                        }
                    }
                }
            });
        rows
    }

    /// How many leads each rule judges (counts, for a quota), in the
    /// program's order.
    pub fn judged(&self) -> Vec<usize> {
        self.runs.iter().map(|r| r.scoped.len()).collect()
    }

    /// The hand-off time of a lead a rule judges (it always has one).
    fn handoff(&self, s: &Scoped) -> DateTime<Utc> {
        self.leads.handoff(s.lead).unwrap_or_default()
    }

    /// A lead's record, for lead conditions.
    fn record(&self, lead: u32) -> Interned<'a> {
        Interned {
            symbols: self.leads.record(lead),
            interner: self.interner,
        }
    }

    /// The leads a run looks at: all, or the one `only` names.
    fn lead_range(&self, only: Option<u32>) -> std::ops::Range<u32> {
        match only {
            Some(lead) => lead..lead.saturating_add(1),
            None => 0..u32::try_from(self.leads.len()).unwrap_or(u32::MAX),
        }
    }

    /// The rule's windows that have begun by the evaluation's instant.
    fn window_defs(&self, rule: &RuleProgram) -> Vec<WindowDef> {
        let tz = self.program.tz;
        let (first, last) = self.program.effective;
        windows(rule.each, first, last)
            .into_iter()
            .map(|w| WindowDef {
                start: day_start(tz, w.first_day),
                end: day_start(tz, w.end_day),
                label: w.label,
                first_day: w.first_day,
                end_day: w.end_day,
            })
            .filter(|w| w.start <= self.as_of)
            .collect()
    }

    /// Which hand-offs a rule with these windows judges, and in which
    /// window: from the agreement's first day to its end, up to the
    /// evaluation's instant.
    fn judged_windows(&self, defs: &[WindowDef]) -> placed::Windows {
        let tz = self.program.tz;
        let (first, last) = self.program.effective;
        placed::Windows {
            starts: defs.iter().map(|w| w.start).collect(),
            range: day_start(tz, first)..day_start(tz, last.succ_opt().unwrap_or(last)),
            as_of: self.as_of,
        }
    }

    /// Which leads the rule judges, and how: `held` says which leads its
    /// `leads` condition holds for, and `placed` which of its `windows`
    /// each lead falls in.
    fn scope(
        &self,
        rule: &RuleProgram,
        only: Option<u32>,
        (held, placed): (&held::Held, &placed::Placed),
        windows: Vec<WindowDef>,
    ) -> (RuleRun, Vec<DataIssue>) {
        let interner = self.interner;
        let mut issues = Vec::new();
        let has_clauses = matches!(rule.spec, Spec::Response { .. } | Spec::Attempts { .. });
        let lead_range = self.lead_range(only);
        // Which leads the rule judges, and how: a pure function of the lead
        // (its window, its clause and deadline, its `per` value's symbol),
        // so worked out on every core ([`in_stretches`]).
        let judged = |lead: u32| {
            let window = placed.window(lead)?;
            if !held.contains(lead) {
                return None;
            }
            Some((self.leads.handoff(lead)?, self.record(lead), window))
        };
        let scope_lead = |lead: u32| -> Option<(Scoped, Option<Clause>)> {
            let (handoff, record, window) = judged(lead)?;
            let clause = has_clauses.then(|| choose(rule, &record, handoff));
            // Until the groups are numbered below, `group` holds the
            // symbol; every blank value is one group, `""` (LANGUAGE.md §12).
            let group = match &rule.per {
                Some((slot, _)) => match record.symbol(*slot) {
                    sym if is_blank_symbol(sym) => BLANK,
                    sym => sym,
                },
                None => 0,
            };
            Some((
                Scoped {
                    lead,
                    window,
                    group,
                },
                clause,
            ))
        };
        let (mut scoped, clauses) = in_stretches(
            lead_range,
            SCOPE_STRETCH,
            has_clauses,
            |lead| judged(lead).is_some(),
            scope_lead,
        );
        // The `per` field's values, numbered as they first come: each lead's
        // `group` holds that number until the groups are ordered by text.
        let mut seen_symbols: FxHashMap<u32, u32> = FxHashMap::default();
        let mut firsts: Vec<(u32, usize)> = Vec::new();
        if rule.per.is_some() {
            for (at, s) in scoped.iter_mut().enumerate() {
                let sym = s.group;
                s.group = *seen_symbols.entry(sym).or_insert_with(|| {
                    firsts.push((sym, at));
                    u32::try_from(firsts.len() - 1).unwrap_or(0)
                });
            }
        }
        let members: Vec<String> = self
            .program
            .members
            .get(&rule.owner)
            .cloned()
            .unwrap_or_default();
        // The groups ordered by text: the team's members, with or without
        // leads, and every value seen (by symbol first: a string per lead
        // would cost millions of allocations), with its first lead.
        let mut group_of: BTreeMap<String, (Option<usize>, Vec<u32>)> = BTreeMap::new();
        if rule.per.is_some() {
            for m in &members {
                group_of.entry(m.clone()).or_default();
            }
        }
        for (number, (sym, first)) in firsts.iter().enumerate() {
            let value = interner.resolve(*sym).to_owned();
            let (first_lead, numbers) = group_of.entry(value).or_default();
            first_lead.get_or_insert(*first);
            numbers.push(u32::try_from(number).unwrap_or(0));
        }
        let mut groups = Vec::with_capacity(group_of.len());
        let mut renumbered = vec![0; firsts.len()];
        for (g, (value, (first, numbers))) in group_of.into_iter().enumerate() {
            let g = u32::try_from(g).unwrap_or(0);
            // A member's value is no data issue.
            let member = members.contains(&value);
            if let (false, Some(first), Some((_, field))) = (member, first, &rule.per) {
                let lead = scoped.get(first).map_or(0, |s| s.lead);
                let message = if value.is_empty() {
                    format!(
                        "lead {} has no `{field}`; rule \"{}\" reports it under \"\"",
                        self.leads.id(lead),
                        rule.name
                    )
                } else {
                    format!(
                        "`{field}` \"{value}\" is not a member of team {}; rule \"{}\" still evaluates it",
                        rule.owner, rule.name
                    )
                };
                issues.push(DataIssue {
                    file: self.leads_file.clone(),
                    line: self.leads.line(lead),
                    column: Some(field.clone()),
                    message,
                });
            }
            for number in numbers {
                if let Some(slot) = renumbered.get_mut(number as usize) {
                    *slot = g;
                }
            }
            groups.push(value);
        }
        if rule.per.is_some() {
            for s in &mut scoped {
                s.group = renumbered.get(s.group as usize).copied().unwrap_or(0);
            }
        }
        let run = RuleRun {
            windows,
            groups,
            scoped,
            clauses,
        };
        (run, issues)
    }

    /// Empty folds: nothing observed yet.
    pub fn folds(&self) -> Folds {
        let states = self
            .program
            .rules
            .iter()
            .zip(&self.runs)
            .map(|(rule, run)| {
                let n = run.scoped.len();
                match &rule.spec {
                    Spec::Response { .. } => States::Response(Sparse::new(n)),
                    Spec::Attempts { .. } => States::Attempts(Sparse::new(n)),
                    Spec::DutyWithin { .. } => States::Duty(Sparse::new(n)),
                    Spec::Aging { .. } => States::Aging(Sparse::new(n)),
                    Spec::Quota { .. } | Spec::DutyAtHandoff { .. } => States::Nothing,
                }
            });
        Folds {
            states: Mutex::new(states.collect()),
        }
    }

    /// Empties `folds` again, as [`Evaluator::folds`] makes them.
    pub fn reset(&self, folds: &Folds) {
        *folds.lock() = self.folds().into_states();
    }

    /// An empty batch, for one part of a file (see [`Evaluator::observe`]).
    pub fn gathered(&self) -> Gathered {
        let fields = &self.program.activity_fields.wanted;
        let looks = Looks::new(
            self.program.rules.len(),
            fields.len(),
            fields.iter().any(|w| w.numeric),
        );
        // Only a duty handed over `by` an activity reads its values while
        // folding (which of its fields are blank).
        let reads_values = self
            .program
            .rules
            .iter()
            .any(|r| matches!(&r.spec, Spec::DutyWithin { fields, .. } if !fields.is_empty()));
        let width = if reads_values { fields.len() } else { 0 };
        // A batch per thread of the pool: their room is shared out.
        let rows = gather::batch_rows(rayon::current_num_threads());
        Gathered::new(
            looks,
            self.program.rules.len(),
            width,
            self.leads.len(),
            rows,
        )
    }

    /// Gathers one activity into its part's batch, which is folded into
    /// `folds` when full. An activity no rule looks at (a note) is dropped
    /// from its values alone, before any per-lead state is read.
    pub fn observe(&self, folds: &Folds, gathered: &mut Gathered, activity: &Activity<'_>) {
        if activity.at > self.as_of {
            return;
        }
        if !gathered.take(activity, |v, flags| self.looks_at(v, flags)) {
            return;
        }
        if gathered.is_full() {
            // Another part folding holds the states: gather on for a while
            // rather than wait, up to a quarter more than a batch.
            match folds.states.try_lock() {
                Ok(mut states) => self.fold_into(&mut states, gathered),
                Err(TryLockError::Poisoned(poisoned)) => {
                    self.fold_into(&mut poisoned.into_inner(), gathered);
                }
                Err(TryLockError::WouldBlock) if gathered.is_overfull() => {
                    self.fold(folds, gathered);
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
    }

    /// Folds a part's batch into `folds`; leaves it empty.
    pub fn fold(&self, folds: &Folds, gathered: &mut Gathered) {
        self.fold_into(&mut folds.lock(), gathered);
    }

    /// Folds what a part gathered last, once the part is read (on its own
    /// thread, while other parts are still read), and gives the batch's
    /// room back: every part done would otherwise hold one until the end.
    pub fn fold_last(&self, folds: &Folds, gathered: &mut Gathered) {
        self.fold(folds, gathered);
        *gathered = self.gathered();
    }

    /// Folds a batch into the states, sorted by lead so that the states
    /// are swept in order (see [`gather`]), every rule of a lead at once.
    /// The states come out as folding each activity in file order would
    /// leave them, whatever the order of the batches and of the parts:
    /// every fold is a minimum, a union, or keeps a lead's activities in
    /// time and then file order ([`Gather::seq`]).
    fn fold_into(&self, states: &mut [States], gathered: &mut Gathered) {
        gathered.sort();
        let width = self.runs.len();
        let rules = &self.program.rules;
        let positions = |lead: u32| {
            let at = (lead as usize).saturating_mul(width);
            self.folding.get(at..at.saturating_add(width))
        };
        for (k, (row, flags, values)) in gathered.in_lead_order().enumerate() {
            // In two steps: a lead's positions and hand-off, and once those
            // are in cache, its states.
            if let Some(lead) = gathered.lead_at(k + 2 * gather::AHEAD) {
                if let Some(first) = positions(lead).and_then(<[u32]>::first) {
                    crate::prefetch::prefetch(first);
                }
                self.leads.prefetch(lead);
            }
            if let Some(ahead) = gathered.lead_at(k + gather::AHEAD).and_then(positions) {
                for (states, pos) in states.iter().zip(ahead) {
                    if let Some(pos) = pos.checked_sub(1) {
                        states.prefetch(pos as usize);
                    }
                }
            }
            let Some(handoff) = self.leads.handoff(row.lead) else {
                continue;
            };
            let Some(positions) = positions(row.lead) else {
                continue;
            };
            let per_rule = rules.iter().zip(&self.runs).zip(states.iter_mut());
            for ((((rule, run), states), flag), pos) in per_rule.zip(flags).zip(positions) {
                let Some(pos) = pos.checked_sub(1).filter(|_| *flag != 0) else {
                    continue;
                };
                fold_one(
                    rule,
                    run,
                    states,
                    pos as usize,
                    handoff,
                    row,
                    *flag,
                    &values,
                );
            }
        }
        gathered.clear();
    }

    /// Which rules look at an activity with these values, a byte per rule:
    /// [`LOOK`] when the rule folds it at all (the response's first touch,
    /// a counted attempt, the duty's `by`, the aging's contact), and
    /// [`ALSO`] for its second condition (a counted attempt's `until`, the
    /// duty's anchor). A duty's anchor alone is [`ALSO`] without [`LOOK`];
    /// any other rule's byte is 0 unless it has [`LOOK`].
    fn looks_at(&self, values: &Values<'_>, flags: &mut [u8]) {
        for (rule, flag) in self.program.rules.iter().zip(flags) {
            let (look, also) = match &rule.spec {
                Spec::Response { first, .. } => (first.holds(values), false),
                Spec::Attempts { count, until, .. } => {
                    let counted = count.holds(values);
                    let ends = counted && until.as_ref().is_some_and(|u| u.holds(values));
                    (counted, ends)
                }
                Spec::DutyWithin { anchor, by, .. } => (
                    by.holds(values),
                    anchor.as_ref().is_some_and(|a| a.holds(values)),
                ),
                Spec::Aging { contact, .. } => (contact.holds(values), false),
                Spec::Quota { .. } | Spec::DutyAtHandoff { .. } => (false, false),
            };
            *flag = (u8::from(look) * LOOK) | (u8::from(also) * ALSO);
        }
    }

    /// Judges every lead and gathers the verdicts, rule by rule; also the
    /// data issues found on the way (groups, weights), and the states
    /// judged.
    pub fn finish(mut self, folds: Folds) -> (Vec<RuleVerdict>, Vec<DataIssue>, Spent) {
        let runs = std::mem::take(&mut self.runs);
        // Rules are judged independently, so on every core.
        let judged: Vec<(RuleVerdict, Unweighed, (RuleRun, States))> = self
            .program
            .rules
            .par_iter()
            .zip(runs)
            .zip(folds.into_states())
            .map(|((rule, run), states)| {
                let (verdict, unweighed) = self.verdict(rule, &run, &states);
                (verdict, unweighed, (run, states))
            })
            .collect();
        let mut verdicts = Vec::with_capacity(judged.len());
        let mut spent = Vec::with_capacity(judged.len());
        for (verdict, unweighed, used) in judged {
            self.report_unweighed(unweighed);
            verdicts.push(verdict);
            spent.push(used);
        }
        (verdicts, self.issues, Spent(spent))
    }

    /// One issue per table and value, however many value quotas meet it.
    fn report_unweighed(&mut self, unweighed: Unweighed) {
        for ((table, sym), line) in unweighed {
            if !self.unweighed.insert((table, sym)) {
                continue;
            }
            let field = self
                .program
                .weights
                .get(table)
                .map_or("", |t| t.field.as_str());
            self.issues.push(DataIssue {
                file: self.leads_file.clone(),
                line,
                column: Some(field.to_owned()),
                message: format!(
                    "{field} \"{}\" has no weight and `weights {field}` has no `otherwise`; it weighs 0",
                    self.interner.resolve(sym)
                ),
            });
        }
    }

    fn verdict(
        &self,
        rule: &RuleProgram,
        run: &RuleRun,
        states: &States,
    ) -> (RuleVerdict, Unweighed) {
        let mut unweighed = Unweighed::new();
        let windows = match rule.spec {
            Spec::Quota { .. } => self.quota_windows(rule, run, &mut unweighed),
            Spec::Aging { .. } => self.aging_windows(rule, run, states),
            _ => self.percentage_windows(rule, run, states),
        };
        // A rule that judged no lead at all has nothing to say, even with
        // an open window `on_track` (DATA.md: a duty is no exception); a
        // quota's count of none is a count, and stands.
        let judged_none = run.scoped.is_empty() && !matches!(rule.spec, Spec::Quota { .. });
        let verdict = RuleVerdict {
            name: rule.name.clone(),
            kind: rule.kind.keyword(),
            owner: rule.owner.clone(),
            line: rule.line,
            status: if judged_none {
                Status::NoData
            } else {
                rollup(windows.iter().map(|w| w.status))
            },
            windows,
        };
        (verdict, unweighed)
    }

    fn rfc3339(&self, t: DateTime<Utc>) -> String {
        run::rfc3339(t, self.program.tz)
    }

    /// One cell per window and group, in time order then group order.
    fn cells<T: Default + Clone>(&self, rule: &RuleProgram, run: &RuleRun) -> (Vec<T>, usize) {
        let groups = if rule.per.is_some() {
            run.groups.len()
        } else {
            1
        };
        (vec![T::default(); run.windows.len() * groups], groups)
    }

    fn window_verdict(
        &self,
        run: &RuleRun,
        rule: &RuleProgram,
        w: usize,
        g: usize,
    ) -> Option<WindowVerdict> {
        let def = run.windows.get(w)?;
        let group = match rule.per {
            Some(_) => Some(run.groups.get(g)?.clone()),
            None => None,
        };
        let closed = def.closed(self.as_of);
        Some(WindowVerdict {
            window: def.label.clone(),
            start: self.rfc3339(def.start),
            end: self.rfc3339(def.end.min(day_start(self.program.tz, def.end_day))),
            group,
            state: if closed { State::Closed } else { State::Open },
            status: Status::NoData,
            target: None,
            observed: None,
            expected_to_date: None,
            counts: Counts::Quota { leads: 0 },
            stats: None,
            buckets: None,
            missing_fields: None,
            handovers: None,
            breaches: Vec::new(),
        })
    }

    fn quota_windows(
        &self,
        rule: &RuleProgram,
        run: &RuleRun,
        unweighed: &mut Unweighed,
    ) -> Vec<WindowVerdict> {
        let Spec::Quota {
            measure,
            bound,
            amount,
            per,
        } = &rule.spec
        else {
            return Vec::new();
        };
        // Each lead's value is kept, to be summed in an order of the values:
        // summed in row order, the same rows reordered could differ in the
        // last bits.
        let (mut cells, groups) = self.cells::<(u64, Vec<f64>)>(rule, run);
        for s in &run.scoped {
            let index = s.window as usize * groups
                + if rule.per.is_some() {
                    s.group as usize
                } else {
                    0
                };
            if let Some(cell) = cells.get_mut(index) {
                cell.0 += 1;
                if let Measure::Value = measure {
                    cell.1.push(self.value(s.lead, unweighed));
                }
            }
        }
        let mut out = Vec::with_capacity(cells.len());
        for (index, (leads, mut values)) in cells.into_iter().enumerate() {
            values.sort_unstable_by(f64::total_cmp);
            let value: f64 = values.iter().sum();
            let (w, g) = (index / groups, index % groups);
            let Some(mut v) = self.window_verdict(run, rule, w, g) else {
                continue;
            };
            let Some(def) = run.windows.get(w) else {
                continue;
            };
            let target = rate::target(*amount, *per, def.first_day, def.end_day);
            let observed = match measure {
                Measure::Count => leads as f64,
                Measure::Value => value,
            };
            v.status = if def.closed(self.as_of) {
                let kept = match bound {
                    Bound::AtLeast => observed + EPSILON >= target,
                    Bound::AtMost => observed <= target + EPSILON,
                };
                if kept {
                    Status::Met
                } else {
                    Status::Missed
                }
            } else {
                let expected = rate::expected_to_date(
                    *amount,
                    *per,
                    def.first_day,
                    def.end_day,
                    self.program.tz,
                    self.as_of,
                );
                v.expected_to_date = Some(expected);
                let behind = match bound {
                    Bound::AtLeast => observed + EPSILON < expected,
                    Bound::AtMost => observed > expected + EPSILON,
                };
                if behind {
                    Status::AtRisk
                } else {
                    Status::OnTrack
                }
            };
            v.target = Some(target);
            v.observed = Some(observed);
            v.counts = Counts::Quota { leads };
            out.push(v);
        }
        out
    }

    /// A lead's value: the sum of its weights over every table.
    fn value(&self, lead: u32, unweighed: &mut Unweighed) -> f64 {
        let record = self.leads.record(lead);
        self.program
            .weights
            .iter()
            .enumerate()
            .map(|(i, table)| {
                let sym = record.get(table.slot).copied().unwrap_or(0);
                match table.weights.get(&sym).copied().or(table.otherwise) {
                    Some(w) => w,
                    None => {
                        unweighed
                            .entry((i, sym))
                            .or_insert_with(|| self.leads.line(lead));
                        0.0
                    }
                }
            })
            .sum()
    }

    fn percentage_windows(
        &self,
        rule: &RuleProgram,
        run: &RuleRun,
        states: &States,
    ) -> Vec<WindowVerdict> {
        #[derive(Default, Clone)]
        struct Cell {
            leads: u64,
            met: u64,
            missed: u64,
            open: u64,
            excluded: u64,
            samples: Vec<f64>,
            spent: Vec<f64>,
            missing: BTreeMap<String, u64>,
            late: u64,
            due_soon: u64,
            breaches: Vec<Dated>,
        }
        let (mut cells, groups) = self.cells::<Cell>(rule, run);
        // Leads are judged on every core, a slice at a time so that few
        // judgements are held at once, and tallied in order.
        const SLICE: usize = 1 << 14;
        let mut slice = Vec::with_capacity(SLICE);
        for start in (0..run.scoped.len()).step_by(SLICE) {
            let positions = start..run.scoped.len().min(start + SLICE);
            positions
                .clone()
                .into_par_iter()
                .map(|pos| judge(self.leads, rule, run, states, pos, self.as_of))
                .collect_into_vec(&mut slice);
            for (pos, judged) in positions.zip(slice.drain(..)) {
                let (Some(judged), Some(s)) = (judged, run.scoped.get(pos)) else {
                    continue;
                };
                let index = s.window as usize * groups
                    + if rule.per.is_some() {
                        s.group as usize
                    } else {
                        0
                    };
                let Some(cell) = cells.get_mut(index) else {
                    continue;
                };
                cell.leads += 1;
                if judged.outcome == Outcome::Open {
                    let soon = self.due_soon(rule, run, states, pos, &judged);
                    cell.due_soon += u64::from(soon);
                }
                match judged.outcome {
                    Outcome::Met => cell.met += 1,
                    Outcome::Missed(reason) => {
                        cell.missed += 1;
                        let at = judged.deadline.unwrap_or_else(|| self.handoff(s));
                        cell.breaches.push((
                            at,
                            Breach {
                                lead: self.leads.id(s.lead).to_owned(),
                                reason,
                            },
                        ));
                    }
                    Outcome::Open => cell.open += 1,
                    Outcome::Excluded(_) => cell.excluded += 1,
                }
                if let Some(spent) = judged.spent_s {
                    cell.spent.push(spent);
                }
                cell.late += u64::from(judged.late);
                for field in judged.missing {
                    *cell.missing.entry(field).or_default() += 1;
                }
                if let Some(sample) = judged.sample {
                    cell.samples.push(sample);
                }
            }
        }
        let target = rule.spec.target();
        let mut out = Vec::with_capacity(cells.len());
        for (index, mut cell) in cells.into_iter().enumerate() {
            let (w, g) = (index / groups, index % groups);
            let Some(mut v) = self.window_verdict(run, rule, w, g) else {
                continue;
            };
            let closed = v.state == State::Closed;
            let decided = cell.met + cell.missed;
            let observed = (decided > 0).then(|| cell.met as f64 / decided as f64);
            // LANGUAGE.md §10/§12: a group with no leads in the window (a
            // team member, or a value seen only in other windows) is
            // `no_data` open or closed; otherwise nothing decided is
            // `no_data` once closed and `on_track` while open.
            let group_without_leads = rule.per.is_some() && cell.leads == 0;
            v.status = match observed {
                _ if group_without_leads => Status::NoData,
                None if closed => Status::NoData,
                None => Status::OnTrack,
                Some(o) if closed => {
                    if o + EPSILON >= target {
                        Status::Met
                    } else {
                        Status::Missed
                    }
                }
                Some(o) => {
                    if o + EPSILON >= target {
                        Status::OnTrack
                    } else {
                        Status::AtRisk
                    }
                }
            };
            v.target = Some(target);
            v.observed = observed;
            v.counts = Counts::Leads {
                met: cell.met,
                missed: cell.missed,
                open: cell.open,
                due_soon: rule.warn.map(|_| cell.due_soon),
                excluded: cell.excluded,
            };
            v.stats = match rule.kind {
                RuleKind::Response => {
                    let (mean_s, median_s, p90_s) = stats::summary(&mut cell.samples);
                    Some(Stats::Response {
                        mean_s,
                        median_s,
                        p90_s,
                    })
                }
                RuleKind::Attempts => {
                    let mut distribution: BTreeMap<u64, u64> = BTreeMap::new();
                    for n in &cell.samples {
                        *distribution.entry(*n as u64).or_default() += 1;
                    }
                    let (mean_spent_s, median_spent_s, _) = stats::summary(&mut cell.spent);
                    Some(Stats::Attempts {
                        mean_count: stats::mean(&cell.samples),
                        distribution: distribution
                            .into_iter()
                            .map(|(attempts, leads)| AttemptCount { attempts, leads })
                            .collect(),
                        mean_spent_s,
                        median_spent_s,
                    })
                }
                _ => None,
            };
            if let Spec::DutyWithin { .. } = &rule.spec {
                v.handovers = Some(Handovers {
                    on_time: cell.met,
                    late: cell.late,
                    missing: cell.missed - cell.late,
                });
            }
            if let Spec::DutyAtHandoff { fields, .. } = &rule.spec {
                v.missing_fields = Some(
                    fields
                        .iter()
                        .map(|(_, field)| MissingField {
                            field: field.clone(),
                            leads: cell.missing.get(field).copied().unwrap_or(0),
                        })
                        .collect(),
                );
            }
            v.breaches = in_data_order(cell.breaches);
            out.push(v);
        }
        out
    }

    fn aging_windows(
        &self,
        rule: &RuleProgram,
        run: &RuleRun,
        states: &States,
    ) -> Vec<WindowVerdict> {
        let Spec::Aging {
            buckets, breach, ..
        } = &rule.spec
        else {
            return Vec::new();
        };
        let ages: Vec<aging::Age> = buckets
            .iter()
            .map(|(days, secs, _)| aging::Age {
                days: *days,
                secs: *secs,
            })
            .collect();
        let breach_age = aging::Age {
            days: breach.0,
            secs: breach.1,
        };
        let labels = aging::labels(&buckets.iter().map(|b| b.2.clone()).collect::<Vec<_>>());
        let groups = if rule.per.is_some() {
            run.groups.len()
        } else {
            1
        };
        let mut cells: Vec<(u64, Vec<u64>, Vec<Dated>)> =
            vec![(0, vec![0; labels.len()], Vec::new()); groups];
        let mut seen = vec![false; groups];
        let mut soon = vec![0; groups];
        let States::Aging(contacted) = states else {
            return Vec::new();
        };
        for (s, contacted) in run.scoped.iter().zip(contacted.values()) {
            let g = if rule.per.is_some() {
                s.group as usize
            } else {
                0
            };
            if let Some(seen) = seen.get_mut(g) {
                *seen = true;
            }
            if contacted {
                continue;
            }
            let aged = aging::age(
                self.program.tz,
                self.handoff(s),
                self.as_of,
                &ages,
                breach_age,
            );
            let Some(cell) = cells.get_mut(g) else {
                continue;
            };
            cell.0 += 1;
            if let Some(b) = cell.1.get_mut(aged.bucket) {
                *b += 1;
            }
            if !aged.breaching && self.aging_soon(rule, self.handoff(s)) {
                if let Some(soon) = soon.get_mut(g) {
                    *soon += 1;
                }
            }
            if aged.breaching {
                cell.2.push((
                    self.handoff(s),
                    Breach {
                        lead: self.leads.id(s.lead).to_owned(),
                        reason: format!(
                            "uncontacted for {}, breach after {}",
                            Human((self.as_of - self.handoff(s)).num_seconds()),
                            breach.2
                        ),
                    },
                ));
            }
        }
        let start = self.rfc3339(day_start(self.program.tz, self.program.effective.0));
        let as_of = self.rfc3339(self.as_of);
        cells
            .into_iter()
            .enumerate()
            .map(|(g, (uncontacted, counts, breaches))| {
                // Only a member can have no lead in scope: every other
                // group is a value of one.
                let member_without_leads =
                    rule.per.is_some() && !seen.get(g).copied().unwrap_or(false);
                WindowVerdict {
                    window: "as-of".to_owned(),
                    start: start.clone(),
                    end: as_of.clone(),
                    group: rule.per.as_ref().and_then(|_| run.groups.get(g).cloned()),
                    state: State::Closed,
                    status: if member_without_leads {
                        Status::NoData
                    } else if breaches.is_empty() {
                        Status::Met
                    } else {
                        Status::Missed
                    },
                    target: None,
                    observed: None,
                    expected_to_date: None,
                    counts: Counts::Aging {
                        uncontacted,
                        breaching: breaches.len() as u64,
                        due_soon: rule.warn.map(|_| soon.get(g).copied().unwrap_or(0)),
                    },
                    stats: None,
                    buckets: Some(
                        labels
                            .iter()
                            .zip(counts)
                            .map(|(label, count)| Bucket {
                                label: label.clone(),
                                count,
                            })
                            .collect(),
                    ),
                    missing_fields: None,
                    handovers: None,
                    breaches: in_data_order(breaches),
                }
            })
            .collect()
    }
}

/// A breach and the instant it is ordered by.
type Dated = (DateTime<Utc>, Breach);

/// Breaches by their deadline (the handoff when there is none), then lead
/// id, then reason: an order of the data, not of the rows, so that the same
/// rows in another order give the same verdict, and the first few a
/// person is shown are the earliest.
fn in_data_order(mut breaches: Vec<Dated>) -> Vec<Breach> {
    breaches
        .sort_unstable_by(|(a, x), (b, y)| (a, &x.lead, &x.reason).cmp(&(b, &y.lead, &y.reason)));
    breaches.into_iter().map(|(_, breach)| breach).collect()
}

/// A judged lead: its outcome and what it adds to the window's statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Judged {
    pub outcome: Outcome,
    /// Response seconds (response) or attempts counted (attempts).
    pub sample: Option<f64>,
    /// Time spent on the counted attempts, in seconds (attempts).
    pub spent_s: Option<f64>,
    /// The fields the lead lacked (duties at handoff).
    pub missing: Vec<String>,
    /// A hand-over came, but after the deadline (duties within a window).
    pub late: bool,
    /// The deadline the lead was held to, when there is one.
    pub deadline: Option<DateTime<Utc>>,
}

/// How many counted activities to keep for a lead: see [`attempts::keep`].
fn keep_attempts(alts: &[model::Alt<(u64, Option<u64>)>], clause: &Clause) -> usize {
    let alt = clause.alt.and_then(|a| alts.get(usize::from(a)));
    attempts::keep(alt.and_then(|a| a.value.1))
}

/// The clause that applies to a lead, and its deadline from handoff.
fn choose(rule: &RuleProgram, record: &Interned<'_>, handoff: DateTime<Utc>) -> Clause {
    // The first clause whose `when` the lead fits, and its clock.
    fn first_fit<'a, T>(
        alts: &'a [model::Alt<T>],
        record: &Interned<'_>,
    ) -> Option<(usize, &'a Clock)> {
        let fits = |a: &&model::Alt<T>| a.when.as_ref().is_none_or(|c| c.holds(record));
        alts.iter()
            .enumerate()
            .find(|(_, a)| fits(a))
            .map(|(i, a)| (i, &a.clock))
    }
    let chosen = match &rule.spec {
        Spec::Response { alts, .. } => first_fit(alts, record),
        Spec::Attempts { alts, .. } => first_fit(alts, record),
        _ => None,
    };
    match chosen {
        Some((alt, clock)) => Clause {
            alt: Some(u16::try_from(alt).unwrap_or(u16::MAX)),
            deadline: clock.deadline(handoff),
        },
        None => Clause::default(),
    }
}

/// Each lead of `leads` that `keep` keeps, as `scope` maps it (it maps
/// exactly those), in lead order, with the clauses `scope` gives (when
/// `with_clauses`); worked out `stretch` leads at a time on every core.
/// Counted first, so that each stretch writes its own part of lists made
/// once at their size: grown by doubling, each step copied them into pages
/// never touched before, and collected per stretch they were all held
/// twice.
fn in_stretches<S, C>(
    leads: std::ops::Range<u32>,
    stretch: usize,
    with_clauses: bool,
    keep: impl Fn(u32) -> bool + Sync,
    scope: impl Fn(u32) -> Option<(S, Option<C>)> + Sync,
) -> (Vec<S>, Vec<C>)
where
    S: Default + Clone + Send,
    C: Default + Clone + Send,
{
    let stretch = u32::try_from(stretch.max(1)).unwrap_or(u32::MAX);
    let stretches: Vec<std::ops::Range<u32>> = leads
        .clone()
        .step_by(stretch as usize)
        .map(|start| start..leads.end.min(start.saturating_add(stretch)))
        .collect();
    let counts: Vec<usize> = stretches
        .par_iter()
        .map(|leads| leads.clone().filter(|lead| keep(*lead)).count())
        .collect();
    let total: usize = counts.iter().sum();
    let mut scoped = vec![S::default(); total];
    let mut clauses = vec![C::default(); if with_clauses { total } else { 0 }];
    let mut parts = Vec::with_capacity(stretches.len());
    let (mut rest, mut rest_clauses) = (&mut scoped[..], &mut clauses[..]);
    for (leads, count) in stretches.into_iter().zip(counts) {
        // The counts add up to the lists' length, so every split is in
        // range; checked all the same rather than trusted to panic.
        let Some((mine, after)) = rest.split_at_mut_checked(count) else {
            break;
        };
        let Some((my_clauses, clauses_after)) =
            rest_clauses.split_at_mut_checked(if with_clauses { count } else { 0 })
        else {
            break;
        };
        parts.push((leads, mine, my_clauses));
        (rest, rest_clauses) = (after, clauses_after);
    }
    parts.into_par_iter().for_each(|(leads, mine, my_clauses)| {
        let mut clauses_out = my_clauses.iter_mut();
        for ((s, clause), slot) in leads.filter_map(&scope).zip(mine.iter_mut()) {
            *slot = s;
            if let (Some(clause), Some(out)) = (clause, clauses_out.next()) {
                *out = clause;
            }
        }
    });
    (scoped, clauses)
}

/// Folds one gathered activity into a rule's state of its lead, at `pos`
/// in the rule's scoped leads; `flag` is the rule's byte for it.
#[allow(clippy::too_many_arguments)]
fn fold_one(
    rule: &RuleProgram,
    run: &RuleRun,
    states: &mut States,
    pos: usize,
    handoff: DateTime<Utc>,
    row: &Gather,
    flag: u8,
    values: &Values<'_>,
) {
    match (&rule.spec, states) {
        (Spec::Response { .. }, States::Response(states)) => {
            if let Some(state) = states.get_mut(pos) {
                response::observe(state, handoff, row.at);
            }
        }
        (Spec::Attempts { alts, .. }, States::Attempts(states)) => {
            if let (Some(state), Some(clause)) = (states.get_mut(pos), run.clauses.get(pos)) {
                let counted = Counted::new(row.at, row.duration_ms, flag & ALSO != 0, row.seq);
                let keep = keep_attempts(alts, clause);
                attempts::observe(state, handoff, clause.deadline, counted, keep);
            }
        }
        (Spec::DutyWithin { fields, .. }, States::Duty(states)) => {
            if let Some(state) = states.get_mut(pos) {
                if flag & ALSO != 0 {
                    state.observe_anchor(handoff, row.at);
                }
                if flag & LOOK != 0 {
                    let missing: Vec<&str> = fields
                        .iter()
                        .filter(|(slot, _)| is_blank_symbol(values.symbol(*slot)))
                        .map(|(_, name)| name.as_str())
                        .collect();
                    state.observe_by(handoff, row.at, row.seq, &missing);
                }
            }
        }
        (Spec::Aging { .. }, States::Aging(states)) if row.at >= handoff => {
            if let Some(state) = states.get_mut(pos) {
                *state = true;
            }
        }
        _ => {}
    }
}

fn judge(
    leads: &Leads,
    rule: &RuleProgram,
    run: &RuleRun,
    states: &States,
    pos: usize,
    as_of: DateTime<Utc>,
) -> Option<Judged> {
    let s = run.scoped.get(pos)?;
    let clause = run.clause(pos);
    let handoff = leads.handoff(s.lead).unwrap_or_default();
    let excluded = || Judged {
        outcome: Outcome::Excluded("no clause applies to this lead".to_owned()),
        sample: None,
        spent_s: None,
        missing: Vec::new(),
        late: false,
        deadline: None,
    };
    Some(match (&rule.spec, states) {
        (Spec::Response { alts, .. }, States::Response(states)) => {
            let Some(alt) = clause.alt.and_then(|a| alts.get(usize::from(a))) else {
                return Some(excluded());
            };
            let (outcome, took) = response::judge(
                handoff,
                clause.deadline,
                states.get(pos).copied().flatten(),
                as_of,
                &alt.clock,
                &alt.window,
            );
            Judged {
                outcome,
                sample: took.map(|t| t as f64),
                spent_s: None,
                missing: Vec::new(),
                late: false,
                deadline: clause.deadline,
            }
        }
        (
            Spec::Attempts {
                alts,
                max_duration_s,
                ..
            },
            States::Attempts(states),
        ) => {
            let Some(alt) = clause.alt.and_then(|a| alts.get(usize::from(a))) else {
                return Some(excluded());
            };
            let band = attempts::Band {
                min: alt.value.0,
                max: alt.value.1,
                budget_ms: max_duration_s.map(|s| s.saturating_mul(1000)),
            };
            let counted = states.get(pos).map_or(&[][..], Kept::as_slice);
            // Leads are judged in order: the list a few leads on is asked
            // for now, so that it is in cache when its turn comes.
            if let Some(ahead) = states.get(pos + attempts::AHEAD) {
                attempts::prefetch(ahead);
            }
            // Folds keep them in time order (`attempts::observe`, `merge`).
            debug_assert!(counted.is_sorted_by_key(|c| c.at));
            let (outcome, tally) =
                attempts::judge_sorted(counted, band, clause.deadline, as_of, &alt.window);
            Judged {
                outcome,
                sample: Some(tally.count as f64),
                spent_s: Some(tally.spent_ms as f64 / 1000.0),
                missing: Vec::new(),
                late: false,
                deadline: clause.deadline,
            }
        }
        (Spec::DutyAtHandoff { fields, .. }, _) => {
            let record = leads.record(s.lead);
            let missing: Vec<&str> = fields
                .iter()
                .filter(|(slot, _)| record.get(*slot).copied().unwrap_or(0) == 0)
                .map(|(_, name)| name.as_str())
                .collect();
            Judged {
                outcome: duty::judge_at_handoff(&missing),
                sample: None,
                spent_s: None,
                missing: missing.iter().map(|f| (*f).to_owned()).collect(),
                late: false,
                deadline: Some(handoff),
            }
        }
        (
            Spec::DutyWithin {
                clock,
                window_text,
                anchor,
                anchor_text,
                ..
            },
            States::Duty(states),
        ) => {
            let none = Handover::default();
            let state = states.get(pos).unwrap_or(&none);
            let anchor_at = match anchor {
                None => Some(handoff),
                Some(_) => state.anchor,
            };
            let (outcome, deadline) =
                duty::judge_within(state, anchor_at, clock, as_of, anchor_text, window_text);
            // Missed with a complete hand-over after the anchor: it came late.
            let late = matches!(outcome, Outcome::Missed(_))
                && anchor_at.is_some_and(|a| state.complete.iter().any(|t| *t >= a));
            Judged {
                outcome,
                sample: None,
                spent_s: None,
                missing: Vec::new(),
                late,
                deadline,
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::write;
    use crate::data::{LeadSource, Split, TableConfig};

    /// A part whose batch is full while another part folds gathers on
    /// rather than wait, up to a quarter more than a batch; once the states
    /// are free, its next activity folds the whole batch.
    #[test]
    fn a_full_batch_gathers_on_while_the_states_are_taken() {
        let text = r#"agreement "A" {
  effective 2027-01-01 to 2027-12-31
  timezone  "Europe/Amsterdam"
  team sales { lead "s@x.example" }
  term touch means kind is "call"
  response "Speed" {
    owner sales
    first touch
    within 1h otherwise
    target 90% each month
  }
}
"#;
        let checked = crate::agreement::check_source(
            crate::source::Source::new("a.sla", text),
            &crate::check::Options::default(),
        );
        let agreement = checked.clean().unwrap();
        let mut interner = Interner::new();
        let program = model::compile(agreement, text, &mut interner);
        let path = write(
            "gathers-on-leads.csv",
            "id,handed_off_at\nL1,2027-01-04T09:00:00+01:00\n",
        );
        let source = LeadSource {
            path: &path,
            table: &TableConfig::default(),
            tz: program.tz,
            ids: crate::data::config::Ids::Exact,
            needed: &program.lead_fields.needed(),
        };
        let (leads, _) =
            crate::data::load_leads(&source, Split::default(), &mut interner, &mut Vec::new())
                .unwrap();
        let as_of = crate::data::parse_timestamp("2027-02-01T00:00:00+01:00", program.tz).unwrap();
        let ev = Evaluator::new(&program, &leads, "leads.csv", &interner, as_of, None);
        let folds = ev.folds();
        let mut gathered = ev.gathered();
        let call: Vec<u32> = program
            .activity_fields
            .needed()
            .iter()
            .map(|w| w.lookup("call"))
            .collect();
        let first = crate::data::parse_timestamp("2027-01-04T09:10:00+01:00", program.tz).unwrap();
        let activity = |i: usize| Activity {
            lead: 0,
            at: first + chrono::TimeDelta::seconds(i as i64),
            kind: "call",
            duration_ms: 0,
            seq: i as u64,
            line: i as u64 + 2,
            values: Values {
                symbols: &call,
                numbers: &[],
            },
        };
        let batch = gather::batch_rows(rayon::current_num_threads());
        let first_touch = |folds: &Folds| match folds.lock().first() {
            Some(States::Response(states)) => states.get(0).copied().flatten(),
            _ => None,
        };
        {
            // Another part folding: the states are taken.
            let _taken = folds.lock();
            for i in 0..batch + batch / 4 - 1 {
                ev.observe(&folds, &mut gathered, &activity(i));
            }
        }
        assert_eq!(first_touch(&folds), None, "nothing folded while taken");
        ev.observe(&folds, &mut gathered, &activity(batch + batch / 4));
        assert_eq!(first_touch(&folds), Some(first), "the whole batch folded");
    }

    proptest::proptest! {
        /// Stretch by stretch on every core, the leads come out as one pass
        /// in lead order makes them, whatever the stretch's size.
        #[test]
        fn stretches_make_what_one_pass_makes(
            start in 0u32..50,
            len in 0u32..300,
            stretch in 1usize..40,
            with_clauses in proptest::bool::ANY,
        ) {
            let leads = start..start + len;
            let keep = |lead: u32| lead % 3 != 1;
            let scope = |lead: u32| keep(lead).then_some((lead, Some(u64::from(lead) * 2)));
            let (scoped, clauses) = in_stretches(leads.clone(), stretch, with_clauses, keep, scope);
            let expected: Vec<u32> = leads.filter(|lead| keep(*lead)).collect();
            let doubled: Vec<u64> = if with_clauses {
                expected.iter().map(|lead| u64::from(*lead) * 2).collect()
            } else {
                Vec::new()
            };
            proptest::prop_assert_eq!(scoped, expected);
            proptest::prop_assert_eq!(clauses, doubled);
        }
    }
}
