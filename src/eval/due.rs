//! `accord due`: the obligations still to act on at the as-of instant, read
//! off the same judgements `eval` and `explain` make. A lead is due when its
//! judgement is open and something is still missing (no touch yet, calls
//! short of the minimum, no hand-over, no contact); overdue when it was
//! missed and that thing is still missing. A lead touched late is missed,
//! and nothing anyone does now changes that: it is neither.
//!
//! Time left is counted in the rule's own clock (open time for a window
//! `on` a calendar), so "1h left" means what the rule means by an hour.

use chrono::{DateTime, Utc};
use rayon::prelude::*;
use serde::Serialize;

use super::clock::Clock;
use super::model::{RuleProgram, Spec};
use super::outcome::Outcome;
use super::rules::aging::{self, Age};
use super::rules::duty::Handover;
use super::run::{rfc3339, RunError};
use super::{judge, Evaluator, Folds, Judged, RuleRun, States};
use crate::check::suggest::did_you_mean;

/// One obligation: a lead a rule waits on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Due {
    pub rule: String,
    pub kind: &'static str,
    pub lead: String,
    /// The person held to it (the rule's `per` value), or for a rule
    /// without `per` its owner team.
    pub owner: String,
    /// The last instant that still keeps the rule, RFC 3339 in the
    /// agreement's zone.
    pub deadline: String,
    /// Seconds left until the deadline in the rule's clock; negative for
    /// an overdue item: how long overdue, in that clock.
    pub left_s: i64,
    pub overdue: bool,
    /// Past the rule's `warn at`, and not yet overdue.
    pub due_soon: bool,
    /// What would satisfy it: `first touch`, `2 more calls`, `provide status`.
    pub needs: String,
    /// The calendar whose open time `left_s` counts, if any.
    #[serde(skip)]
    pub calendar: Option<String>,
    /// The deadline as an instant, for ordering.
    #[serde(skip)]
    pub at: DateTime<Utc>,
    /// The rule's place in the agreement, for ordering.
    #[serde(skip)]
    pub rule_index: usize,
}

/// What `accord due` lists: the items, and of which agreement as of when.
#[derive(Debug, Clone, PartialEq)]
pub struct Agenda {
    pub agreement: String,
    /// RFC 3339 in the agreement's zone.
    pub as_of: String,
    pub items: Vec<Due>,
    /// Every rule's name, so that `--rule` can tell a typo from a rule with
    /// nothing due.
    pub rules: Vec<String>,
}

/// Which items `accord due` keeps.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Open items with at most this many seconds left (in their clock).
    pub within_s: Option<i64>,
    pub owner: Option<String>,
    pub rule: Option<String>,
    /// Leave overdue items out.
    pub no_overdue: bool,
}

/// `filter.rule` must name a rule of the agreement: a typo would
/// otherwise list nothing, which reads as "nothing to act on".
pub fn check_filter(agenda: &Agenda, filter: &Filter) -> Result<(), RunError> {
    match &filter.rule {
        Some(name) if !agenda.rules.contains(name) => {
            let help = match did_you_mean(name, agenda.rules.iter().map(String::as_str)) {
                Some(close) => format!("did you mean `{close}`?"),
                None => format!("the agreement's rules: {}", quoted(&agenda.rules)),
            };
            Err(RunError::UnknownRule {
                name: name.clone(),
                help,
            })
        }
        _ => Ok(()),
    }
}

/// Names in backticks, comma-separated.
fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The items `filter` keeps, in the order they came.
pub fn select(items: Vec<Due>, filter: &Filter) -> Vec<Due> {
    items
        .into_iter()
        .filter(|d| !(filter.no_overdue && d.overdue))
        .filter(|d| d.overdue || filter.within_s.is_none_or(|w| d.left_s <= w))
        .filter(|d| filter.owner.as_ref().is_none_or(|o| *o == d.owner))
        .filter(|d| filter.rule.as_ref().is_none_or(|r| *r == d.rule))
        .collect()
}

/// Due soon first, then the rest of the open items, then the overdue ones;
/// each by deadline (soonest, or longest overdue, first), then rule order
/// and lead id, so the same data always lists the same way.
pub fn order(items: &mut [Due]) {
    items.sort_by(|a, b| {
        let key = |d: &Due| (d.overdue, !d.due_soon, d.at, d.rule_index);
        key(a).cmp(&key(b)).then_with(|| a.lead.cmp(&b.lead))
    });
}

/// Time from `a` to `b` in a clock's terms; wall-clock seconds without one.
fn elapsed(clock: Option<&Clock>, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    match clock {
        Some(c) => c.elapsed(a, b),
        None => (b - a).num_seconds(),
    }
}

/// Seconds left until `deadline` as of `as_of`, in the clock's terms;
/// once it has passed, minus the time since. Deadlines are inclusive: at
/// the deadline itself nothing is left and nothing is overdue.
pub fn left(clock: Option<&Clock>, as_of: DateTime<Utc>, deadline: DateTime<Utc>) -> i64 {
    if as_of <= deadline {
        elapsed(clock, as_of, deadline)
    } else {
        -elapsed(clock, deadline, as_of)
    }
}

/// Whether an open item is due soon: `warn` percent of its window, from
/// `start` to `deadline` in the clock's terms, has passed as of `as_of`.
pub fn soon(
    clock: Option<&Clock>,
    start: DateTime<Utc>,
    deadline: DateTime<Utc>,
    as_of: DateTime<Utc>,
    warn: Option<f64>,
) -> bool {
    let Some(percent) = warn else {
        return false;
    };
    if as_of > deadline {
        return false;
    }
    let total = elapsed(clock, start, deadline);
    let used = elapsed(clock, start, as_of.max(start));
    // In whole seconds times 100, so `warn at 80%` of an hour is exactly
    // 48 minutes.
    used as f64 * 100.0 >= percent * total as f64
}

/// `first touch`, or the condition spelled out when it is not one word.
fn first(waits_for: &str) -> String {
    if is_word(waits_for) {
        format!("first {waits_for}")
    } else {
        format!("first activity where {waits_for}")
    }
}

/// `2 more calls`, `1 more call`; `2 more attempts` when the counted
/// activities are not named by one word.
pub fn more(n: u64, waits_for: &str) -> String {
    let noun = if is_word(waits_for) {
        waits_for
    } else {
        "attempt"
    };
    let plural = if n == 1 { "" } else { "s" };
    format!("{n} more {noun}{plural}")
}

fn is_word(text: &str) -> bool {
    !text.is_empty() && text.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A lead's window as `due` reads it: when it started, when it ends, the
/// clock it runs on, and what is still missing.
struct Pending<'r> {
    start: DateTime<Utc>,
    deadline: DateTime<Utc>,
    clock: Option<&'r Clock>,
    needs: String,
    overdue: bool,
}

impl Evaluator<'_> {
    /// Every open or overdue item of every rule, ordered (see [`order`]).
    pub fn due(&self, folds: &Folds) -> Vec<Due> {
        let mut items: Vec<Due> = self
            .program
            .rules
            .iter()
            .zip(&self.runs)
            .zip(folds.lock().iter())
            .enumerate()
            .flat_map(|(r, ((rule, run), states))| {
                (0..run.scoped.len())
                    .into_par_iter()
                    .filter_map(|pos| self.due_item(r, rule, run, states, pos))
                    .collect::<Vec<_>>()
            })
            .collect();
        order(&mut items);
        items
    }

    /// Whether an open lead of a percentage rule is past the rule's `warn at`.
    pub(super) fn due_soon(
        &self,
        rule: &RuleProgram,
        run: &RuleRun,
        states: &States,
        pos: usize,
        judged: &Judged,
    ) -> bool {
        rule.warn.is_some()
            && self
                .pending(rule, run, states, pos, judged)
                .is_some_and(|p| {
                    !p.overdue && soon(p.clock, p.start, p.deadline, self.as_of, rule.warn)
                })
    }

    /// Whether an uncontacted lead of an aging rule is past `warn at` of
    /// its breach age, and not breaching yet.
    pub(super) fn aging_soon(&self, rule: &RuleProgram, handoff: DateTime<Utc>) -> bool {
        let (Spec::Aging { breach, .. }, Some(_)) = (&rule.spec, rule.warn) else {
            return false;
        };
        let deadline = self.breach_at(handoff, breach);
        soon(None, handoff, deadline, self.as_of, rule.warn)
    }

    fn breach_at(&self, handoff: DateTime<Utc>, breach: &(i64, i64, String)) -> DateTime<Utc> {
        let age = Age {
            days: breach.0,
            secs: breach.1,
        };
        aging::breach_at(self.program.tz, handoff, age)
    }

    fn due_item(
        &self,
        r: usize,
        rule: &RuleProgram,
        run: &RuleRun,
        states: &States,
        pos: usize,
    ) -> Option<Due> {
        let s = run.scoped.get(pos)?;
        let handoff = self.handoff(s);
        let pending = match (&rule.spec, states) {
            (Spec::Quota { .. }, _) => return None,
            (Spec::Aging { breach, .. }, States::Aging(contacted)) => {
                if contacted.get(pos).copied().unwrap_or(false) {
                    return None;
                }
                let deadline = self.breach_at(handoff, breach);
                Pending {
                    start: handoff,
                    deadline,
                    clock: None,
                    needs: first(&rule.waits_for),
                    overdue: self.as_of > deadline,
                }
            }
            _ => {
                let judged = judge(self.leads, rule, run, states, pos, self.as_of)?;
                self.pending(rule, run, states, pos, &judged)?
            }
        };
        let owner = match &rule.per {
            Some(_) => run.groups.get(s.group as usize)?.clone(),
            None => rule.owner.clone(),
        };
        let calendar = match pending.clock {
            Some(Clock::Open { name, .. }) => Some(name.clone()),
            _ => None,
        };
        Some(Due {
            rule: rule.name.clone(),
            kind: rule.kind.keyword(),
            lead: self.leads.id(s.lead).to_owned(),
            owner,
            deadline: rfc3339(pending.deadline, self.program.tz),
            left_s: left(pending.clock, self.as_of, pending.deadline),
            overdue: pending.overdue,
            due_soon: !pending.overdue
                && soon(
                    pending.clock,
                    pending.start,
                    pending.deadline,
                    self.as_of,
                    rule.warn,
                ),
            needs: pending.needs,
            calendar,
            at: pending.deadline,
            rule_index: r,
        })
    }

    /// What a judged lead of a response, attempts or duty rule still
    /// waits for; `None` when it waits for nothing (met, excluded, missed
    /// for good, or open with enough done).
    fn pending<'r>(
        &self,
        rule: &'r RuleProgram,
        run: &RuleRun,
        states: &States,
        pos: usize,
        judged: &Judged,
    ) -> Option<Pending<'r>> {
        let s = run.scoped.get(pos)?;
        let handoff = self.handoff(s);
        let deadline = judged.deadline?;
        let open = judged.outcome == Outcome::Open;
        let missed = matches!(judged.outcome, Outcome::Missed(_));
        match (&rule.spec, states) {
            (Spec::Response { alts, .. }, States::Response(firsts)) => {
                let alt = alts.get(usize::from(run.clause(pos).alt?))?;
                let untouched = firsts.get(pos).copied().flatten().is_none();
                (open || (missed && untouched)).then(|| Pending {
                    start: handoff,
                    deadline,
                    clock: Some(&alt.clock),
                    needs: first(&rule.waits_for),
                    overdue: missed,
                })
            }
            (
                Spec::Attempts {
                    alts,
                    max_duration_s,
                    ..
                },
                _,
            ) => {
                let alt = alts.get(usize::from(run.clause(pos).alt?))?;
                let count = judged.sample.map_or(0, |n| n as u64);
                let short = alt.value.0.saturating_sub(count);
                // Missed for time spent over the budget: more calls would
                // not mend it.
                let over_budget = max_duration_s
                    .zip(judged.spent_s)
                    .is_some_and(|(budget, spent)| spent > budget as f64);
                let undone = short > 0 && (open || (missed && !over_budget));
                undone.then(|| Pending {
                    start: handoff,
                    deadline,
                    clock: Some(&alt.clock),
                    needs: more(short, &rule.waits_for),
                    overdue: missed,
                })
            }
            (Spec::DutyWithin { clock, anchor, .. }, States::Duty(handovers)) => {
                let none = Handover::default();
                let state = handovers.get(pos).unwrap_or(&none);
                let start = match anchor {
                    None => handoff,
                    Some(_) => state.anchor?,
                };
                // Missed with a hand-over after the anchor: it came late.
                let undone = open || (missed && !judged.late);
                undone.then(|| Pending {
                    start,
                    deadline,
                    clock: Some(clock),
                    needs: format!("provide {}", rule.waits_for),
                    overdue: missed,
                })
            }
            (Spec::DutyAtHandoff { .. }, _) => missed.then(|| Pending {
                start: handoff,
                deadline,
                clock: None,
                needs: format!("provide {}", judged.missing.join(", ")),
                overdue: true,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::calendar::{BusinessCalendar, Interval};
    use crate::time::zone::Zone;
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::Europe::Amsterdam;
    use std::sync::Arc;

    /// A local time in Amsterdam.
    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
        Amsterdam
            .with_ymd_and_hms(y, mo, d, h, mi, s)
            .single()
            .unwrap()
            .with_timezone(&Utc)
    }

    /// mon-fri 09:00-12:30, 13:00-17:30, closed on King's Day 2027-04-27.
    fn office(secs: i64) -> Clock {
        let day = vec![
            Interval {
                start: 9 * 60,
                end: 12 * 60 + 30,
            },
            Interval {
                start: 13 * 60,
                end: 17 * 60 + 30,
            },
        ];
        let mut week: [Vec<Interval>; 7] = Default::default();
        for d in week.iter_mut().take(5) {
            *d = day.clone();
        }
        let closed = vec![NaiveDate::from_ymd_opt(2027, 4, 27).unwrap()];
        Clock::Open {
            calendar: Arc::new(BusinessCalendar::new(Amsterdam, week, closed)),
            name: "office".to_owned(),
            secs,
        }
    }

    fn wall(days: i64, secs: i64) -> Clock {
        let from = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2027, 12, 31).unwrap();
        Clock::Wall {
            zone: Zone::new(Amsterdam, from, to),
            days,
            secs,
        }
    }

    #[test]
    fn at_the_deadline_nothing_is_left_and_a_second_later_it_is_overdue() {
        let clock = wall(0, 3600);
        let deadline = clock.deadline(at(2027, 3, 1, 10, 0, 0)).unwrap();
        assert_eq!(left(Some(&clock), deadline, deadline), 0);
        let later = deadline + chrono::TimeDelta::seconds(1);
        assert_eq!(left(Some(&clock), later, deadline), -1);
        let before = deadline - chrono::TimeDelta::seconds(1);
        assert_eq!(left(Some(&clock), before, deadline), 1);
    }

    #[test]
    fn office_time_left_stops_overnight_and_over_the_weekend() {
        // Friday 17:20 + 1h of office time: Monday 09:50.
        let clock = office(3600);
        let deadline = clock.deadline(at(2027, 1, 8, 17, 20, 0)).unwrap();
        assert_eq!(deadline, at(2027, 1, 11, 9, 50, 0));
        // Friday evening and all weekend: 50 minutes of office time left.
        for now in [
            at(2027, 1, 8, 17, 30, 0),
            at(2027, 1, 8, 23, 0, 0),
            at(2027, 1, 10, 12, 0, 0),
            at(2027, 1, 11, 9, 0, 0),
        ] {
            assert_eq!(left(Some(&clock), now, deadline), 50 * 60, "{now}");
        }
        assert_eq!(left(Some(&clock), at(2027, 1, 11, 9, 49, 59), deadline), 1);
        assert_eq!(left(Some(&clock), at(2027, 1, 11, 9, 50, 1), deadline), -1);
        // Overdue by office time: at Monday 13:10, 2h40m until the lunch
        // break and 10 minutes after it.
        assert_eq!(
            left(Some(&clock), at(2027, 1, 11, 13, 10, 0), deadline),
            -(160 + 10) * 60
        );
    }

    #[test]
    fn a_closed_day_is_skipped_like_a_weekend() {
        // Monday 26 April 17:00 + 1h: 30 minutes that day, King's Day
        // closed, the rest on Wednesday at 09:30.
        let clock = office(3600);
        let deadline = clock.deadline(at(2027, 4, 26, 17, 0, 0)).unwrap();
        assert_eq!(deadline, at(2027, 4, 28, 9, 30, 0));
        assert_eq!(
            left(Some(&clock), at(2027, 4, 27, 12, 0, 0), deadline),
            1800
        );
    }

    #[test]
    fn wall_days_across_the_spring_switch_are_23_hours_long() {
        // Saturday 27 March 2027 12:00 + 1d: Sunday 12:00, 23 hours on.
        let clock = wall(1, 0);
        let start = at(2027, 3, 27, 12, 0, 0);
        let deadline = clock.deadline(start).unwrap();
        assert_eq!(deadline, at(2027, 3, 28, 12, 0, 0));
        assert_eq!(left(Some(&clock), start, deadline), 23 * 3600);
        assert_eq!(
            left(Some(&clock), at(2027, 3, 28, 11, 0, 0), deadline),
            3600
        );
    }

    #[test]
    fn due_soon_from_the_share_of_the_window_in_its_clock() {
        // 1h of office time from Friday 17:20: 10 minutes on Friday, 50 on
        // Monday. 80% is 48 minutes: Monday 09:38.
        let clock = office(3600);
        let start = at(2027, 1, 8, 17, 20, 0);
        let deadline = clock.deadline(start).unwrap();
        let is_soon = |now| soon(Some(&clock), start, deadline, now, Some(80.0));
        assert!(!is_soon(at(2027, 1, 10, 12, 0, 0)));
        assert!(!is_soon(at(2027, 1, 11, 9, 37, 59)));
        assert!(is_soon(at(2027, 1, 11, 9, 38, 0)));
        assert!(is_soon(deadline));
        // Overdue is not due soon; no `warn`, nothing is.
        assert!(!is_soon(deadline + chrono::TimeDelta::seconds(1)));
        assert!(!soon(Some(&clock), start, deadline, deadline, None));
    }

    #[test]
    fn needs_are_worded_from_what_the_rule_counts() {
        assert_eq!(more(2, "call"), "2 more calls");
        assert_eq!(more(1, "call"), "1 more call");
        assert_eq!(more(3, "kind is \"call\""), "3 more attempts");
        assert_eq!(first("touch"), "first touch");
        assert_eq!(
            first("kind is \"call\""),
            "first activity where kind is \"call\""
        );
    }

    fn item(rule: &str, owner: &str, left_s: i64, overdue: bool, soon: bool) -> Due {
        Due {
            rule: rule.to_owned(),
            kind: "response",
            lead: format!("L{left_s}"),
            owner: owner.to_owned(),
            deadline: String::new(),
            left_s,
            overdue,
            due_soon: soon,
            needs: String::new(),
            calendar: None,
            at: at(2027, 1, 1, 0, 0, 0) + chrono::TimeDelta::seconds(left_s),
            rule_index: 0,
        }
    }

    #[test]
    fn due_soon_first_then_open_then_overdue() {
        let mut items = vec![
            item("a", "ann", -60, true, false),
            item("a", "ann", 600, false, false),
            item("a", "bob", 900, false, true),
            item("a", "ann", -3600, true, false),
            item("a", "bob", 60, false, false),
        ];
        order(&mut items);
        let left: Vec<i64> = items.iter().map(|d| d.left_s).collect();
        assert_eq!(left, [900, 60, 600, -3600, -60]);
    }

    #[test]
    fn filters_keep_what_they_name_and_within_keeps_overdue_items() {
        let items = vec![
            item("a", "ann", -60, true, false),
            item("a", "ann", 600, false, false),
            item("b", "bob", 7200, false, false),
        ];
        let within = Filter {
            within_s: Some(3600),
            ..Filter::default()
        };
        let kept: Vec<i64> = select(items.clone(), &within)
            .iter()
            .map(|d| d.left_s)
            .collect();
        assert_eq!(kept, [-60, 600]);
        let no_overdue = Filter {
            no_overdue: true,
            owner: Some("ann".to_owned()),
            ..Filter::default()
        };
        assert_eq!(select(items.clone(), &no_overdue).len(), 1);
        let rule = Filter {
            rule: Some("b".to_owned()),
            ..Filter::default()
        };
        assert_eq!(select(items, &rule).len(), 1);
    }
}
