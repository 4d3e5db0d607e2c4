//! `attempts`: how thoroughly sales works a lead.

use chrono::{DateTime, Utc};
use smallvec::SmallVec;

use crate::eval::clock::Human;
use crate::eval::outcome::Outcome;

/// One counted activity: when, its duration, whether it matches `until`,
/// and its place in the file. A lead's list is kept in time order, and in
/// file order between equal times ([`observe`]): the parts of a file fold
/// their activities in any order, so the place is kept to break ties.
///
/// 28 bytes, as there are millions (a lead's first four in its state, see
/// [`Kept`]): a duration is never negative (`parse_duration` refuses one),
/// so its sign bit holds `until`; it and the place are kept in halves, so
/// that nothing aligns the whole to 8 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counted {
    pub at: DateTime<Utc>,
    /// The duration in milliseconds, low half first; the top bit of the
    /// high half is `until`.
    duration_until: [u32; 2],
    /// The activity's `seq`, low half first.
    seq: [u32; 2],
}

const _: () = assert!(size_of::<Counted>() == 28);

/// `until`'s bit in the high half of [`Counted::duration_until`].
const UNTIL: u32 = 1 << 31;

impl Counted {
    /// A counted activity of `duration_ms`, which is never negative (a
    /// negative one counts as 0), at place `seq` in the file.
    pub fn new(at: DateTime<Utc>, duration_ms: i64, until: bool, seq: u64) -> Counted {
        let ms = u64::try_from(duration_ms).unwrap_or(0);
        // The truncations split the (at most 63-bit) duration and the place
        // in halves.
        let (low, high) = (ms as u32, (ms >> 32) as u32);
        Counted {
            at,
            duration_until: [low, high | if until { UNTIL } else { 0 }],
            seq: [seq as u32, (seq >> 32) as u32],
        }
    }

    /// Its place in the file.
    pub fn seq(&self) -> u64 {
        u64::from(self.seq[1]) << 32 | u64::from(self.seq[0])
    }

    /// What a lead's list is ordered by: time, then place in the file.
    fn order(&self) -> (DateTime<Utc>, u64) {
        (self.at, self.seq())
    }

    pub fn duration_ms(&self) -> i64 {
        let [low, high] = self.duration_until;
        i64::from(high & !UNTIL) << 32 | i64::from(low)
    }

    /// Whether it matches `until`.
    pub fn until(&self) -> bool {
        self.duration_until[1] & UNTIL != 0
    }
}

/// A lead's kept [`Counted`] activities. Most leads get a handful of calls
/// (three in four of the benchmark's, four or fewer): held in the state
/// itself, they need no allocation of their own. A million small lists were
/// a million allocations, most grown once or twice on the way.
pub type Kept = SmallVec<[Counted; 4]>;

/// What the counted activities add up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tally {
    pub count: u64,
    pub spent_ms: i64,
    /// The activity that matched `until` and stopped the count.
    pub stopped_at: Option<DateTime<Utc>>,
}

/// Keeps an activity that counts: from handoff to the deadline, inclusive,
/// in its place in time, and among those at the same time in its place in
/// the file, whatever order they come in. At most `keep` are kept, the
/// earliest: [`judge`] stops at MAX + 1 attempts, so later ones never
/// matter, and memory grows with leads, not with calls. Kept in order as
/// they come, the lists need no sorting later (which was a pass over every
/// lead's list, each a cache miss).
pub fn observe(
    counted: &mut Kept,
    handoff: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    activity: Counted,
    keep: usize,
) {
    if activity.at >= handoff && deadline.is_none_or(|d| activity.at <= d) {
        let at = counted.partition_point(|c| c.order() <= activity.order());
        if at < keep {
            counted.insert(at, activity);
            counted.truncate(keep);
        }
    }
}

/// How many counted activities a lead held to `band` needs kept.
pub fn keep(band_max: Option<u64>) -> usize {
    band_max.map_or(usize::MAX, |max| {
        usize::try_from(max.saturating_add(1)).unwrap_or(usize::MAX)
    })
}

/// The band a lead is held to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub min: u64,
    pub max: Option<u64>,
    pub budget_ms: Option<i64>,
}

/// Walks the counted activities in time order: more than MAX, or time spent
/// above the budget, is missed at once; reaching `until` is met; once the
/// deadline has passed, MIN..MAX is met and fewer is missed; else open.
pub fn judge(
    counted: &mut [Counted],
    band: Band,
    deadline: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
    window: &str,
) -> (Outcome, Tally) {
    sort(counted);
    judge_sorted(counted, band, deadline, as_of, window)
}

/// Puts counted activities in time order, then file order.
pub fn sort(counted: &mut [Counted]) {
    counted.sort_by_key(Counted::order);
}

/// How many leads ahead of the one judged [`prefetch`] asks for a list:
/// enough for a fetch from memory to finish meanwhile.
pub const AHEAD: usize = 8;

/// Asks the processor to fetch the start of a lead's list into its cache,
/// without waiting for it. Lists longer than [`Kept`] holds in place are
/// allocated one by one, all over the heap, and judging them missed the
/// cache on each first read (a fifth of judging the attempts rule, when
/// every list was allocated).
pub fn prefetch(counted: &[Counted]) {
    if let Some(first) = counted.first() {
        crate::prefetch::prefetch(first);
    }
}

/// [`judge`] of activities already in time order (see [`sort`]).
pub fn judge_sorted(
    counted: &[Counted],
    band: Band,
    deadline: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
    window: &str,
) -> (Outcome, Tally) {
    let mut tally = Tally::default();
    for c in counted.iter() {
        tally.count += 1;
        tally.spent_ms = tally.spent_ms.saturating_add(c.duration_ms());
        if let Some(max) = band.max.filter(|max| tally.count > *max) {
            let why = format!("{}, more than {max}", attempts(tally.count));
            return (Outcome::Missed(why), tally);
        }
        if let Some(budget) = band.budget_ms.filter(|b| tally.spent_ms > *b) {
            let why = format!(
                "{} spent, more than the {} a lead is worth",
                Human(tally.spent_ms / 1000),
                Human(budget / 1000)
            );
            return (Outcome::Missed(why), tally);
        }
        if c.until() {
            tally.stopped_at = Some(c.at);
            return (Outcome::Met, tally);
        }
    }
    let outcome = match deadline {
        Some(d) if as_of > d && tally.count >= band.min => Outcome::Met,
        Some(d) if as_of > d => Outcome::Missed(format!(
            "{} within {window}, at least {} expected",
            attempts(tally.count),
            band.min
        )),
        _ => Outcome::Open,
    };
    (outcome, tally)
}

fn attempts(n: u64) -> String {
    match n {
        1 => "1 attempt".to_owned(),
        n => format!("{n} attempts"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::rules::testutil::day;

    /// Calls on these days, in this order in the file.
    fn calls(days: &[u32]) -> Vec<Counted> {
        days.iter()
            .enumerate()
            .map(|(i, d)| Counted::new(day(*d), 600_000, false, i as u64))
            .collect()
    }

    /// The call, matching `until`.
    fn connecting(c: Counted) -> Counted {
        Counted::new(c.at, c.duration_ms(), true, c.seq())
    }

    #[test]
    fn a_counted_activity_keeps_its_duration_until_and_place_apart() {
        for ms in [0, 1, 600_000, (1 << 32) + 7, i64::MAX] {
            for until in [false, true] {
                for seq in [0, 1 << 31, (1 << 32) + 5, u64::MAX] {
                    let c = Counted::new(day(3), ms, until, seq);
                    assert_eq!(
                        (c.at, c.duration_ms(), c.until(), c.seq()),
                        (day(3), ms, until, seq)
                    );
                }
            }
        }
    }

    const SIX_TO_NINE: Band = Band {
        min: 6,
        max: Some(9),
        budget_ms: None,
    };

    #[test]
    fn within_the_band_is_met_only_once_the_deadline_has_passed() {
        let mut c = calls(&[2, 3, 4, 5, 6, 7]);
        let before = judge(&mut c, SIX_TO_NINE, Some(day(15)), day(15), "14d").0;
        assert_eq!(before, Outcome::Open);
        let after = judge(&mut c, SIX_TO_NINE, Some(day(15)), day(16), "14d").0;
        assert_eq!(after, Outcome::Met);
    }

    #[test]
    fn fewer_than_min_after_the_deadline_is_missed() {
        let mut c = calls(&[2, 3]);
        let (o, t) = judge(&mut c, SIX_TO_NINE, Some(day(15)), day(16), "14d");
        assert_eq!(
            o,
            Outcome::Missed("2 attempts within 14d, at least 6 expected".into())
        );
        assert_eq!(t.count, 2);
    }

    #[test]
    fn more_than_max_is_missed_at_once() {
        let mut c = calls(&[2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
        let (o, _) = judge(&mut c, SIX_TO_NINE, Some(day(15)), day(7), "14d");
        assert_eq!(o, Outcome::Missed("10 attempts, more than 9".into()));
    }

    #[test]
    fn until_stops_the_count_in_time_order_whatever_the_file_order() {
        let mut c = calls(&[5, 2, 3]);
        c[2] = connecting(c[2]); // day 3 connects; the day-5 call comes after and is not counted
        let (o, t) = judge(&mut c, SIX_TO_NINE, Some(day(15)), day(4), "14d");
        assert_eq!(o, Outcome::Met);
        assert_eq!((t.count, t.stopped_at), (2, Some(day(3))));
    }

    #[test]
    fn the_time_budget_is_missed_at_once() {
        let band = Band {
            budget_ms: Some(1_500_000),
            ..SIX_TO_NINE
        };
        let mut c = calls(&[2, 3, 4]);
        let (o, t) = judge(&mut c, band, Some(day(15)), day(5), "14d");
        assert_eq!(
            o,
            Outcome::Missed("30m spent, more than the 25m a lead is worth".into())
        );
        assert_eq!(t.count, 3);
    }

    #[test]
    fn only_the_earliest_max_plus_one_are_kept_and_judged_alike() {
        // Twelve calls, out of time order, the connecting one last in time.
        let mut all = calls(&[9, 3, 12, 4, 5, 2, 6, 11, 7, 8, 10, 13]);
        all[11] = connecting(all[11]);
        let mut kept = Kept::new();
        for c in all.iter().copied() {
            observe(&mut kept, day(1), Some(day(15)), c, keep(SIX_TO_NINE.max));
        }
        assert_eq!(kept.len(), 10);
        let days: std::collections::BTreeSet<_> = kept.iter().map(|c| c.at).collect();
        assert!(days.iter().all(|d| *d <= day(11)), "the ten earliest");
        let whole = judge(&mut all, SIX_TO_NINE, Some(day(15)), day(20), "14d");
        let bounded = judge(&mut kept, SIX_TO_NINE, Some(day(15)), day(20), "14d");
        assert_eq!(bounded, whole);
        assert_eq!(
            bounded.0,
            Outcome::Missed("10 attempts, more than 9".into())
        );
    }

    #[test]
    fn equal_times_keep_file_order_whatever_order_they_come_in() {
        let mut c = calls(&[3, 3, 3]);
        c[1] = Counted::new(c[1].at, 1, true, c[1].seq());
        let mut kept = Kept::new();
        for one in [c[2], c[1], c[0]] {
            observe(&mut kept, day(1), None, one, keep(Some(1)));
        }
        assert_eq!(kept.len(), 2, "MAX 1 keeps two");
        assert!(kept[1].until(), "the second in file order stays");
        let (o, t) = judge(&mut kept, SIX_TO_NINE, None, day(4), "14d");
        assert_eq!((o, t.count, t.spent_ms), (Outcome::Met, 2, 600_001));
    }

    proptest::proptest! {
        /// Lists are kept as one would keep them by hand: the activities
        /// from handoff to the deadline, stably sorted by time, the first
        /// `keep`; and the same whatever order they are observed in (as
        /// the parts of a file fold them).
        #[test]
        fn kept_lists_are_the_earliest_in_time_then_file_order(
            days in proptest::collection::vec(0u32..12, 0..40),
            keep in 1usize..12,
            rotate in 0usize..40,
        ) {
            // Each activity's duration is its place in the file.
            let activities: Vec<Counted> = days.iter().enumerate()
                .map(|(i, d)| Counted::new(day(*d), i as i64, false, i as u64))
                .collect();
            let (handoff, deadline) = (day(2), Some(day(9)));
            let mut expected: Vec<Counted> = activities.iter().copied()
                .filter(|c| c.at >= handoff && c.at <= day(9))
                .collect();
            expected.sort_by_key(|c| c.at);
            expected.truncate(keep);

            let observed = |order: &[Counted]| {
                let mut kept = Kept::new();
                for c in order {
                    observe(&mut kept, handoff, deadline, *c, keep);
                }
                kept
            };
            let in_file_order = observed(&activities);
            proptest::prop_assert_eq!(in_file_order.as_slice(), &expected[..]);
            let mut other = activities.clone();
            other.reverse();
            let by = rotate.min(other.len());
            other.rotate_left(by);
            let in_other_order = observed(&other);
            proptest::prop_assert_eq!(in_other_order.as_slice(), &expected[..]);
        }
    }

    #[test]
    fn only_activities_from_handoff_to_the_deadline_count() {
        let mut kept = Kept::new();
        for c in calls(&[1, 2, 15, 16]) {
            observe(&mut kept, day(2), Some(day(15)), c, usize::MAX);
        }
        let days: Vec<_> = kept.iter().map(|c| c.at).collect();
        assert_eq!(days, vec![day(2), day(15)]);
    }
}
