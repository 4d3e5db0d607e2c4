//! Which of a rule's windows each lead's hand-off falls in.
//!
//! Scoping asks it of every lead for every rule, twice (counting, then
//! writing: see `in_stretches`), and rules mostly share their windows
//! (`each month`): worked out once per distinct list of windows, on every
//! core, it is a load for every rule after that.

use std::ops::Range;

use chrono::{DateTime, Utc};
use rayon::prelude::*;

/// A window number per lead of a range, or [`NONE`].
#[derive(Debug, Default)]
pub struct Placed {
    first: u32,
    windows: Vec<u32>,
}

const NONE: u32 = u32::MAX;

/// Leads per task.
const CHUNK: usize = 1 << 14;

/// When a rule's windows start, in order, and the instants a hand-off
/// must fall between (from the first, before the second) and not after
/// (the evaluation's instant) to be judged at all.
#[derive(Debug, PartialEq)]
pub struct Windows {
    pub starts: Vec<DateTime<Utc>>,
    pub range: Range<DateTime<Utc>>,
    pub as_of: DateTime<Utc>,
}

impl Windows {
    /// The window a hand-off at `t` falls in: the last that starts at or
    /// before it, if it is judged at all.
    pub fn of(&self, t: DateTime<Utc>) -> Option<u32> {
        if !self.range.contains(&t) || t > self.as_of {
            return None;
        }
        let window = self.starts.partition_point(|s| *s <= t).checked_sub(1)?;
        u32::try_from(window).ok().filter(|w| *w != NONE)
    }
}

impl Placed {
    /// [`Windows::of`] each lead of `leads`, whose hand-off is
    /// `handoff(lead)` (none: not judged).
    pub fn new(
        windows: &Windows,
        leads: Range<u32>,
        handoff: impl Fn(u32) -> Option<DateTime<Utc>> + Sync,
    ) -> Placed {
        let mut placed = vec![NONE; leads.len()];
        placed
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(c, chunk)| {
                let first = leads.start.saturating_add((c * CHUNK) as u32);
                for (lead, slot) in (first..).zip(chunk) {
                    *slot = handoff(lead).and_then(|t| windows.of(t)).unwrap_or(NONE);
                }
            });
        Placed {
            first: leads.start,
            windows: placed,
        }
    }

    /// The window of `lead`'s hand-off; none when it is not judged, or
    /// outside the range.
    pub fn window(&self, lead: u32) -> Option<u32> {
        let at = lead.checked_sub(self.first)?;
        self.windows
            .get(at as usize)
            .copied()
            .filter(|w| *w != NONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn each_lead_gets_the_window_its_handoff_falls_in() {
        let windows = Windows {
            starts: vec![utc("2027-01-01T00:00:00Z"), utc("2027-02-01T00:00:00Z")],
            range: utc("2027-01-01T00:00:00Z")..utc("2027-03-01T00:00:00Z"),
            as_of: utc("2027-02-10T00:00:00Z"),
        };
        let handoffs = [
            None,
            Some("2026-12-31T23:59:59Z"),
            Some("2027-01-01T00:00:00Z"),
            Some("2027-01-31T23:59:59Z"),
            Some("2027-02-01T00:00:00Z"),
            Some("2027-02-10T00:00:00Z"),
            Some("2027-02-10T00:00:01Z"),
            Some("2027-03-01T00:00:00Z"),
        ];
        let handoff = |lead: u32| handoffs.get(lead as usize).copied().flatten().map(utc);
        let placed = Placed::new(&windows, 1..8, handoff);
        let got: Vec<Option<u32>> = (0..9).map(|lead| placed.window(lead)).collect();
        let expected = [
            None,
            None,
            Some(0),
            Some(0),
            Some(1),
            Some(1),
            None,
            None,
            None,
        ];
        assert_eq!(got, expected);
        for lead in 1..8 {
            assert_eq!(
                placed.window(lead),
                handoff(lead).and_then(|t| windows.of(t))
            );
        }
    }
}
