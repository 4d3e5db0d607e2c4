//! A time zone with its UTC offsets over the stretch of time an agreement
//! looks at, for calendar arithmetic on millions of instants.
//!
//! chrono-tz finds an offset by a binary search of the zone's whole history,
//! and a calendar deadline takes two or three (the start's wall clock, then
//! the shifted wall clock resolved back, with its neighbours checked for a
//! repeated hour): about a hundred nanoseconds, once per lead and rule. Over
//! an agreement's months a zone changes its offset a handful of times, so the
//! changes are found once and each deadline is worked out from them.
//!
//! chrono-tz does not list a zone's transitions. They are found by reading
//! the offset every [`STEP`] and bisecting each change to the second. That
//! would miss a change and its reversal within one step: no zone of the time
//! zone database has one since 1970 (offsets change by law, months apart).

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, NaiveDate, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use super::calendar::add_calendar;

/// How often the offset is read when the changes are looked for.
const STEP: i64 = 3600;

const DAY: i64 = 86_400;

/// Days covered past the last day of the agreement, for deadlines of leads
/// handed off near its end (further ones are worked out through chrono-tz).
const AFTER: i64 = 62;

/// Years covered at most.
const MAX_YEARS: i64 = 10;

/// A zone, and its offsets between two dates (found on first use).
#[derive(Debug, Clone)]
pub struct Zone {
    tz: Tz,
    first: NaiveDate,
    last: NaiveDate,
    offsets: Arc<OnceLock<Offsets>>,
}

/// A zone's offsets over `[start, end)` (UTC seconds).
#[derive(Debug)]
struct Offsets {
    start: i64,
    end: i64,
    /// From which second on each offset holds, in order; the first from
    /// `start`.
    spans: Vec<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Span {
    /// The first second the offset holds.
    pub(super) from: i64,
    /// Seconds east of UTC.
    pub(super) offset: i64,
}

/// `tz`'s offsets over `[start, end]` (UTC seconds), the first from `start`:
/// read every `step` seconds, each change bisected to its first second. A
/// change and its reversal within one step go unseen. Empty when chrono
/// cannot hold an end.
pub(super) fn scan(tz: Tz, start: i64, end: i64, step: i64) -> Vec<Span> {
    let offset = |at: i64| {
        let utc = DateTime::from_timestamp(at, 0)?.naive_utc();
        Some(i64::from(
            tz.offset_from_utc_datetime(&utc).fix().local_minus_utc(),
        ))
    };
    let (Some(first_offset), Some(_)) = (offset(start), offset(end)) else {
        return Vec::new();
    };
    let offset = |at: i64| offset(at).unwrap_or(first_offset);
    let mut spans = vec![Span {
        from: start,
        offset: first_offset,
    }];
    let mut at = start;
    while at < end {
        let next = at.saturating_add(step.max(1)).min(end);
        let now = offset(next);
        if spans.last().is_some_and(|s| s.offset != now) {
            // The first second of the new offset, in (at, next].
            let (mut lo, mut hi) = (at, next);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset(mid) == now {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            spans.push(Span {
                from: hi,
                offset: now,
            });
        }
        at = next;
    }
    spans
}

impl Zone {
    /// `tz`, its offsets read from two days before `first` to [`AFTER`] + 2
    /// days after `last`: a deadline whose wall clock lies a day inside
    /// that is worked out from them, anything else through chrono-tz
    /// alone.
    pub fn new(tz: Tz, first: NaiveDate, last: NaiveDate) -> Zone {
        Zone {
            tz,
            first,
            last,
            offsets: Arc::default(),
        }
    }

    /// [`add_calendar`]: `days` calendar days, then `exact_secs` of elapsed
    /// time, equal to it to the nanosecond.
    pub fn add_calendar(&self, t: DateTime<Utc>, days: i64, exact_secs: i64) -> DateTime<Utc> {
        let offsets = self
            .offsets
            .get_or_init(|| Offsets::find(self.tz, self.first, self.last));
        let shifted = (days != 0).then(|| offsets.shift(t, days)).flatten();
        match shifted {
            Some(shifted) => add_calendar(self.tz, shifted, 0, exact_secs),
            None => add_calendar(self.tz, t, days, exact_secs),
        }
    }
}

impl Offsets {
    fn find(tz: Tz, first: NaiveDate, last: NaiveDate) -> Offsets {
        let midnight = |d: NaiveDate| d.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
        let start = midnight(first).saturating_sub(2 * DAY);
        // A long agreement is covered for its first years: a year is 8,760
        // readings.
        let end = midnight(last)
            .saturating_add((AFTER + 2) * DAY)
            .min(start.saturating_add(MAX_YEARS * 366 * DAY));
        let spans = scan(tz, start, end, STEP);
        // Instants chrono cannot hold are not covered.
        if spans.is_empty() {
            return Offsets {
                start: 0,
                end: 0,
                spans,
            };
        }
        Offsets { start, end, spans }
    }

    /// The span holding second `at`, and when the next one starts.
    fn span(&self, at: i64) -> Option<(Span, i64)> {
        if !(self.start..self.end).contains(&at) {
            return None;
        }
        let i = self
            .spans
            .partition_point(|s| s.from <= at)
            .checked_sub(1)?;
        let until = self.spans.get(i + 1).map_or(self.end, |s| s.from);
        Some((*self.spans.get(i)?, until))
    }

    /// `t`'s wall clock moved by `days` calendar days, resolved as
    /// `calendar::resolve_local` does: the earlier of a repeated time, the
    /// end of the gap for a skipped one. None when outside what is covered.
    fn shift(&self, t: DateTime<Utc>, days: i64) -> Option<DateTime<Utc>> {
        let (secs, nanos) = (t.timestamp(), t.timestamp_subsec_nanos());
        if nanos >= 1_000_000_000 {
            return None; // a leap second
        }
        let (span, _) = self.span(secs)?;
        let wall = secs
            .checked_add(span.offset)?
            .checked_add(days.checked_mul(DAY)?)?;
        // Every span a day around it is covered: no offset reaches a day.
        if !(wall.checked_sub(DAY)? >= self.start && wall.checked_add(DAY)? < self.end) {
            return None;
        }
        // The spans are in time order, and so are the instants that would
        // show `wall` in each: the first that does is the earliest. None
        // does in a gap: then the first whole second whose wall clock has
        // reached it, the transition that skipped it (as `resolve_local`
        // finds it).
        let first = self.spans.partition_point(|s| s.from <= wall - DAY);
        let near = self.spans.get(first.saturating_sub(1)..)?;
        let until = |i: usize| near.get(i + 1).map_or(self.end, |s| s.from);
        let shown = near.iter().enumerate().find_map(|(i, span)| {
            let at = wall - span.offset;
            (span.from..until(i)).contains(&at).then_some(at)
        });
        if let Some(at) = shown {
            return DateTime::from_timestamp(at, nanos);
        }
        let reached = near.iter().enumerate().find_map(|(i, span)| {
            let at = span.from.max(wall - span.offset + i64::from(nanos > 0));
            (at < until(i)).then_some(at)
        })?;
        DateTime::from_timestamp(reached, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testutil::{at, date};
    use chrono::NaiveDateTime;
    use chrono_tz::{America, Australia, Europe, Pacific};
    use proptest::prelude::*;

    /// An agreement's year, in zones with and without daylight saving,
    /// switching forward or back by an hour or half an hour, north and
    /// south, and with negative daylight saving (Dublin's winter time).
    const ZONES: [Tz; 8] = [
        Europe::Amsterdam,
        Europe::Dublin,
        America::New_York,
        America::Sao_Paulo,
        Australia::Lord_Howe,
        Australia::Sydney,
        Pacific::Chatham,
        Tz::UTC,
    ];

    fn year() -> (NaiveDate, NaiveDate) {
        (date("2027-01-01"), date("2027-12-31"))
    }

    #[test]
    fn finds_the_switches_to_the_second() {
        let (first, last) = year();
        let offsets = Offsets::find(Europe::Amsterdam, first, last);
        let changes: Vec<(DateTime<Utc>, i64)> = offsets
            .spans
            .iter()
            .map(|s| (DateTime::from_timestamp(s.from, 0).unwrap(), s.offset))
            .collect();
        assert_eq!(
            changes,
            [
                (at("2026-12-30T00:00:00Z"), 3600),
                (at("2027-03-28T01:00:00Z"), 7200),
                (at("2027-10-31T01:00:00Z"), 3600),
            ]
        );
        // Lord Howe Island moves its clocks by half an hour.
        let offsets = Offsets::find(Australia::Lord_Howe, first, last);
        let moves: Vec<i64> = offsets.spans.iter().map(|s| s.offset).collect();
        assert_eq!(moves, [39_600, 37_800, 39_600]);
    }

    #[test]
    fn into_the_spring_gap_and_the_autumn_repeat() {
        let (first, last) = year();
        let zone = Zone::new(Europe::Amsterdam, first, last);
        // 2027-03-14 02:30 local plus 14 days is 02:30 on the 28th, which
        // the switch skips: the deadline is the switch itself.
        let into_gap = at("2027-03-14T01:30:00.25Z");
        assert_eq!(
            zone.add_calendar(into_gap, 14, 0),
            at("2027-03-28T01:00:00Z")
        );
        // 2027-10-17 02:30 (summer time) plus 14 days is 02:30 on the 31st,
        // which comes twice: the first.
        let into_repeat = at("2027-10-17T00:30:00Z");
        assert_eq!(
            zone.add_calendar(into_repeat, 14, 0),
            at("2027-10-31T00:30:00Z")
        );
        // From the repeated hour's second pass back into summer time.
        let from_repeat = at("2027-10-31T01:30:00Z");
        assert_eq!(
            zone.add_calendar(from_repeat, -14, 0),
            at("2027-10-17T00:30:00Z")
        );
        for t in [into_gap, into_repeat, from_repeat] {
            for days in [-14, 14] {
                assert_eq!(
                    zone.add_calendar(t, days, 90),
                    add_calendar(Europe::Amsterdam, t, days, 90)
                );
            }
        }
    }

    #[test]
    fn every_minute_around_every_switch() {
        let (first, last) = year();
        for tz in ZONES {
            let zone = Zone::new(tz, first, last);
            let offsets = Offsets::find(tz, first, last);
            for span in offsets.spans.iter().skip(1) {
                // Starts whose wall clock lands around the switch, and
                // starts around it.
                for days in [-14, -1, 1, 7, 14] {
                    for minute in -3 * 24 * 60..3 * 24 * 60 {
                        let secs = span.from - days * DAY + minute * 60 + 17;
                        let t = DateTime::from_timestamp(secs, 500).unwrap();
                        assert_eq!(
                            zone.add_calendar(t, days, 0),
                            add_calendar(tz, t, days, 0),
                            "{tz} {t} {days}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn beyond_the_dates_it_is_chrono_tz_alone() {
        let (first, last) = year();
        let zone = Zone::new(Europe::Amsterdam, first, last);
        for t in [at("1990-03-11T01:30:00Z"), at("2031-03-16T01:30:00Z")] {
            assert_eq!(
                zone.add_calendar(t, 14, 0),
                add_calendar(Europe::Amsterdam, t, 14, 0)
            );
        }
        // An agreement at the end of time covers nothing and still works.
        let end = NaiveDateTime::MAX.date();
        let zone = Zone::new(Europe::Amsterdam, end, end);
        let t = at("2027-03-14T01:30:00Z");
        assert_eq!(
            zone.add_calendar(t, 14, 0),
            add_calendar(Europe::Amsterdam, t, 14, 0)
        );
    }

    proptest! {
        #[test]
        fn equals_chrono_tz(
            zone in 0..ZONES.len(),
            secs in -5 * DAY..400 * DAY,
            nanos in prop_oneof![Just(0u32), 0u32..1_000_000_000],
            days in -40i64..70,
            exact in prop_oneof![Just(0i64), -7200i64..7200],
        ) {
            let (first, last) = year();
            let tz = ZONES[zone];
            let start = first.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
            let t = DateTime::from_timestamp(start + secs, nanos).unwrap();
            let zone = Zone::new(tz, first, last);
            prop_assert_eq!(zone.add_calendar(t, days, exact), add_calendar(tz, t, days, exact));
        }
    }
}
