//! `duty`: what each side hands the other.

use chrono::{DateTime, Utc};

use crate::eval::clock::{Clock, Human};
use crate::eval::outcome::Outcome;

/// `at handoff`: the lead itself must carry every field.
pub fn judge_at_handoff(missing: &[&str]) -> Outcome {
    if missing.is_empty() {
        Outcome::Met
    } else {
        Outcome::Missed(format!("missing at handoff: {}", missing.join(", ")))
    }
}

/// What a lead's activities say about a windowed duty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handover {
    /// The earliest anchor activity at or after handoff (`after first ...`).
    pub anchor: Option<DateTime<Utc>>,
    /// Complete hand-overs (a `by` activity carrying every field) at or after handoff.
    pub complete: Vec<DateTime<Utc>>,
    /// The earliest incomplete one (the first in the file among those at
    /// one instant: its place, `seq`, is kept to tell), and the fields it
    /// lacked.
    pub incomplete: Option<(DateTime<Utc>, u64, String)>,
}

impl Handover {
    pub fn observe_anchor(&mut self, handoff: DateTime<Utc>, at: DateTime<Utc>) {
        if at >= handoff && self.anchor.is_none_or(|a| at < a) {
            self.anchor = Some(at);
        }
    }

    /// A `by` activity at `at`, place `seq` in the file, lacking `missing`;
    /// any order of them gives the same state (but for the order of
    /// `complete`, which judging does not read).
    pub fn observe_by(
        &mut self,
        handoff: DateTime<Utc>,
        at: DateTime<Utc>,
        seq: u64,
        missing: &[&str],
    ) {
        if at < handoff {
            return;
        }
        if missing.is_empty() {
            self.complete.push(at);
        } else if self
            .incomplete
            .as_ref()
            .is_none_or(|(t, s, _)| (at, seq) < (*t, *s))
        {
            self.incomplete = Some((at, seq, missing.join(", ")));
        }
    }
}

/// A lead whose anchor has not happened is excluded; a complete hand-over
/// within the window after the anchor (the anchor instant included) is met;
/// a late one, or none once the deadline has passed, is missed; else open.
pub fn judge_within(
    state: &Handover,
    anchor: Option<DateTime<Utc>>,
    clock: &Clock,
    as_of: DateTime<Utc>,
    anchor_text: &str,
    window: &str,
) -> (Outcome, Option<DateTime<Utc>>) {
    let Some(anchor) = anchor else {
        return (
            Outcome::Excluded(format!("{anchor_text} has not happened")),
            None,
        );
    };
    let deadline = clock.deadline(anchor);
    let given = state
        .complete
        .iter()
        .filter(|t| **t >= anchor)
        .min()
        .copied();
    let outcome = match (given, deadline) {
        (Some(t), Some(d)) if t <= d => Outcome::Met,
        (Some(t), _) => Outcome::Missed(format!(
            "handed over late, {} after {anchor_text}, window {window}",
            Human((t - anchor).num_seconds())
        )),
        (None, Some(d)) if as_of > d => {
            let mut why = format!("nothing handed over within {window} after {anchor_text}");
            if let Some((_, _, missing)) = &state.incomplete {
                why.push_str(&format!(" (a hand-over lacked {missing})"));
            }
            Outcome::Missed(why)
        }
        (None, _) => Outcome::Open,
    };
    (outcome, deadline)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::rules::testutil::day;

    fn week() -> Clock {
        Clock::Wall {
            zone: crate::time::zone::Zone::new(
                chrono_tz::UTC,
                day(1).date_naive(),
                day(1).date_naive(),
            ),
            days: 7,
            secs: 0,
        }
    }

    #[test]
    fn at_handoff_lists_what_is_missing() {
        assert_eq!(judge_at_handoff(&[]), Outcome::Met);
        assert_eq!(
            judge_at_handoff(&["phone", "persona"]),
            Outcome::Missed("missing at handoff: phone, persona".into())
        );
    }

    #[test]
    fn a_hand_over_at_the_anchor_instant_and_at_the_deadline_counts() {
        let mut s = Handover::default();
        s.observe_by(day(1), day(4), 0, &[]);
        let (o, _) = judge_within(&s, Some(day(4)), &week(), day(20), "the first touch", "7d");
        assert_eq!(o, Outcome::Met);
        let mut s = Handover::default();
        s.observe_by(day(1), day(11), 0, &[]);
        assert_eq!(
            judge_within(&s, Some(day(4)), &week(), day(20), "x", "7d").0,
            Outcome::Met
        );
    }

    #[test]
    fn late_and_missing_feedback_are_missed_with_different_reasons() {
        let mut late = Handover::default();
        late.observe_by(day(1), day(12), 0, &[]);
        let (o, _) = judge_within(
            &late,
            Some(day(4)),
            &week(),
            day(20),
            "the first touch",
            "7d",
        );
        assert!(matches!(o, Outcome::Missed(ref why) if why.starts_with("handed over late")));
        let mut missing = Handover::default();
        missing.observe_by(day(1), day(5), 0, &["status"]);
        let (o, _) = judge_within(
            &missing,
            Some(day(4)),
            &week(),
            day(20),
            "the first touch",
            "7d",
        );
        assert_eq!(
            o,
            Outcome::Missed(
                "nothing handed over within 7d after the first touch (a hand-over lacked status)"
                    .into()
            )
        );
        let (open, _) = judge_within(
            &missing,
            Some(day(4)),
            &week(),
            day(11),
            "the first touch",
            "7d",
        );
        assert_eq!(open, Outcome::Open);
    }

    #[test]
    fn the_first_incomplete_hand_over_in_the_file_wins_a_tie_whatever_the_order_folded() {
        // Places 7 and 9 in the file, at one instant: 7 is the one named,
        // whichever part folds first.
        let (first, second) = ((7, ["status"]), (9, ["outcome"]));
        for order in [[first, second], [second, first]] {
            let mut s = Handover::default();
            for (seq, missing) in order {
                s.observe_by(day(1), day(5), seq, &missing);
            }
            assert_eq!(s.incomplete, Some((day(5), 7, "status".to_owned())));
        }
        let mut s = Handover::default();
        s.observe_by(day(1), day(6), 1, &["status"]);
        s.observe_by(day(1), day(5), 9, &["outcome"]);
        assert_eq!(
            s.incomplete.map(|i| i.2),
            Some("outcome".to_owned()),
            "earlier in time"
        );
    }

    #[test]
    fn no_anchor_yet_is_excluded_and_the_earliest_anchor_wins() {
        let s = Handover::default();
        let (o, _) = judge_within(&s, None, &week(), day(20), "the first touch", "7d");
        assert_eq!(
            o,
            Outcome::Excluded("the first touch has not happened".into())
        );
        let mut s = Handover::default();
        for d in [9, 3, 6, 1] {
            s.observe_anchor(day(2), day(d));
        }
        assert_eq!(s.anchor, Some(day(3)));
    }
}
