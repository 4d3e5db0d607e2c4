//! Business calendars and local-time arithmetic in an agreement's IANA zone.
//!
//! Open time is a weekly pattern of wall-clock intervals, turned into instants
//! one local date at a time, so daylight-saving days carry an hour more or less
//! of it. Every local time goes through [`resolve_local`], the one place where
//! gaps and repeated hours are decided. Weeks with no closed date and no
//! change of offset all hold the same open time, so long stretches of them are
//! counted at once: a window's cost grows with the closed dates and offset
//! changes it spans, not with its length.

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone, Timelike,
    Utc,
};
use chrono_tz::Tz;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

/// Minutes after local midnight, `0..=1440`; 1440 is 24:00, the end of the day.
pub type Minutes = u16;

const DAY_END: Minutes = 1440;

const WHOLE_DAY: Interval = Interval {
    start: 0,
    end: DAY_END,
};

/// Once the closed dates are behind, a week with open intervals yields open time
/// within days; this long without any means every interval sits in a DST gap.
const MAX_QUIET_DAYS: i64 = 4000;

const DAY: i64 = 86_400;

const WEEK: i64 = 7 * DAY;

/// The stretch of time whose offset changes are looked up (1800-01-01 to
/// 2101-01-01, UTC seconds). chrono-tz lists every zone's changes inside it:
/// before it each zone's first offset holds, after it its last (a test
/// checks both ends for every zone).
const CHANGES_FROM: i64 = -5_364_662_400;
const CHANGES_TO: i64 = 4_133_980_800;

/// How often the offset is read when its changes are looked for: no zone
/// changes its offset and back within six hours (the shortest switches last
/// weeks), and a year is 1,460 readings.
const CHANGES_STEP: i64 = 6 * 3600;

/// Below this much open time a walk day by day is quicker than looking up
/// where whole weeks may be skipped.
const SKIP_FROM_WEEKS: i64 = 2;

/// One open stretch of a weekday, `[start, end)` in local wall-clock minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub start: Minutes,
    pub end: Minutes,
}

/// Weekly business hours in one time zone, minus closed dates.
#[derive(Debug, Clone)]
pub struct BusinessCalendar {
    tz: Tz,
    week: [Vec<Interval>; 7],
    /// Sorted and deduplicated, for binary search.
    closed: Vec<NaiveDate>,
    /// 24/7 with no closed dates: open time is exact time, no day walk needed.
    always_open: bool,
    /// Open seconds of any seven days in a row without a closed date or
    /// an offset change.
    week_secs: i64,
    /// When the zone changes its offset, looked up on the first long stretch.
    changes: OnceLock<Arc<[i64]>>,
}

impl BusinessCalendar {
    /// `week[0]` is Monday … `week[6]` Sunday; each list sorted, non-overlapping,
    /// start < end. Bad input is repaired rather than trusted: intervals are
    /// clipped to 24:00, empty ones dropped, and the rest sorted and merged.
    pub fn new(
        tz: Tz,
        week: [Vec<Interval>; 7],
        closed: impl IntoIterator<Item = NaiveDate>,
    ) -> Self {
        let week = week.map(normalize);
        let mut closed: Vec<NaiveDate> = closed.into_iter().collect();
        closed.sort_unstable();
        closed.dedup();
        let always_open = closed.is_empty() && week.iter().all(|day| day.as_slice() == [WHOLE_DAY]);
        let week_secs = week
            .iter()
            .flatten()
            .map(|interval| i64::from(interval.end - interval.start) * 60)
            .sum();
        Self {
            tz,
            week,
            closed,
            always_open,
            week_secs,
            changes: OnceLock::new(),
        }
    }

    /// Always open (24/7, no closed days): adding open time is adding exact time.
    pub fn always(tz: Tz) -> Self {
        Self::new(tz, std::array::from_fn(|_| vec![WHOLE_DAY]), [])
    }

    /// The instant at which `open_secs` seconds of open time starting at `start`
    /// are used up; None if the calendar has no open time at all, so the deadline
    /// never comes. `open_secs <= 0` gives the next opening at or after `start`
    /// (`start` itself when open).
    pub fn add_open(&self, start: DateTime<Utc>, open_secs: i64) -> Option<DateTime<Utc>> {
        let mut remaining = TimeDelta::try_seconds(open_secs.max(0))?;
        if self.always_open {
            return start.checked_add_signed(remaining);
        }
        if self.week.iter().all(Vec::is_empty) {
            return None;
        }
        // Spans of earlier dates end by this date's midnight, which is not after `start`.
        let mut date = local_date(self.tz, start);
        let mut quiet_since = self.closed.last().map_or(date, |&last| last.max(date));
        loop {
            // Whole weeks that end before the deadline, at once: the
            // deadline is then found by the walk in the week it falls in.
            let before_deadline = (remaining.num_seconds() - 1) / self.week_secs;
            if before_deadline >= SKIP_FROM_WEEKS {
                let weeks = self.plain_weeks(date, start).min(before_deadline);
                if weeks > 0 {
                    date = date.checked_add_days(Days::new(u64::try_from(weeks * 7).ok()?))?;
                    remaining -= TimeDelta::try_seconds(weeks * self.week_secs)?;
                    quiet_since = quiet_since.max(date);
                    continue;
                }
            }
            let mut open_today = false;
            for (open, close) in self.spans(date) {
                open_today = true;
                if close <= start {
                    continue;
                }
                let from = open.max(start);
                let available = close - from;
                // `<=`: the deadline is the earliest instant, so an exact fit ends at closing.
                if remaining <= available {
                    return from.checked_add_signed(remaining);
                }
                remaining -= available;
            }
            if open_today {
                quiet_since = quiet_since.max(date);
            } else if date.signed_duration_since(quiet_since).num_days() > MAX_QUIET_DAYS {
                return None;
            }
            date = date.succ_opt()?;
        }
    }

    /// Seconds of open time inside `[a, b]`; zero when `b < a`.
    pub fn open_between(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        if self.always_open {
            return (b - a).num_seconds();
        }
        if self.week_secs == 0 {
            return 0;
        }
        let last = local_date(self.tz, b);
        let mut total = TimeDelta::zero();
        let mut date = local_date(self.tz, a);
        // The midnight check catches a zone falling back across midnight, where
        // the next date has begun before `b`'s wall clock says so.
        while date <= last || self.midnight_before(date, b) {
            // Whole weeks that end before `b`, at once.
            let within = (last - date).num_days() / 7 - 1;
            if within >= SKIP_FROM_WEEKS {
                let weeks = self.plain_weeks(date, a).min(within);
                if weeks > 0 {
                    let Some(next) = u64::try_from(weeks * 7)
                        .ok()
                        .and_then(|days| date.checked_add_days(Days::new(days)))
                    else {
                        break;
                    };
                    total += TimeDelta::seconds(weeks * self.week_secs);
                    date = next;
                    continue;
                }
            }
            for (open, close) in self.spans(date) {
                let (from, to) = (open.max(a), close.min(b));
                if from < to {
                    total += to - from;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total.num_seconds()
    }

    /// How many whole weeks from local date `date` on are plain: no closed
    /// date, no change of the zone's offset, and all after `not_before`.
    /// Each has [`Self::week_secs`] of open time, as the walk would find.
    fn plain_weeks(&self, date: NaiveDate, not_before: DateTime<Utc>) -> i64 {
        let midnight = resolve_local(self.tz, date.and_time(NaiveTime::MIN));
        if midnight < not_before {
            return 0;
        }
        let next_closed = self.closed.partition_point(|c| *c < date);
        let by_closed = self
            .closed
            .get(next_closed)
            .map_or(i64::MAX, |c| (*c - date).num_days() / 7);
        // With one offset throughout, each midnight is exactly a day after
        // the one before; two days either side keep every boundary of the
        // weeks (24:00 included) clear of a change (no offset reaches a day).
        let from = midnight.timestamp() - 2 * DAY;
        let changes = self.changes.get_or_init(|| changes(self.tz));
        let next_change = changes.partition_point(|c| *c <= from);
        let by_change = changes
            .get(next_change)
            .map_or(i64::MAX, |c| (c - from - 4 * DAY).max(0) / WEEK);
        by_closed.min(by_change)
    }

    /// The open instants of one local date as UTC `[start, end)` pairs (empty on
    /// closed dates), DST-resolved with [`resolve_local`].
    pub fn open_spans(&self, date: NaiveDate) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
        self.spans(date).collect()
    }

    /// Lazy so the deadline search allocates nothing.
    fn spans(&self, date: NaiveDate) -> impl Iterator<Item = (DateTime<Utc>, DateTime<Utc>)> + '_ {
        let intervals = if self.closed.binary_search(&date).is_ok() {
            &[]
        } else {
            self.intervals_on(date)
        };
        let midnight = date.and_time(NaiveTime::MIN);
        intervals.iter().filter_map(move |interval| {
            let open = self.boundary(midnight, interval.start)?;
            let close = self.boundary(midnight, interval.end)?;
            // An interval inside a DST gap resolves to nothing.
            (open < close).then_some((open, close))
        })
    }

    fn intervals_on(&self, date: NaiveDate) -> &[Interval] {
        let weekday = date.weekday().num_days_from_monday() as usize;
        self.week.get(weekday).map_or(&[], Vec::as_slice)
    }

    /// 24:00 is counted on from midnight, so it lands on the next date's start.
    fn boundary(&self, midnight: NaiveDateTime, at: Minutes) -> Option<DateTime<Utc>> {
        let local = midnight.checked_add_signed(TimeDelta::minutes(i64::from(at)))?;
        Some(resolve_local(self.tz, local))
    }

    fn midnight_before(&self, date: NaiveDate, t: DateTime<Utc>) -> bool {
        resolve_local(self.tz, date.and_time(NaiveTime::MIN)) < t
    }
}

/// The UTC seconds at which `tz` changes its offset, found once per zone
/// and process.
fn changes(tz: Tz) -> Arc<[i64]> {
    static FOUND: OnceLock<Mutex<HashMap<Tz, Arc<[i64]>>>> = OnceLock::new();
    let found = FOUND.get_or_init(Mutex::default);
    if let Some(known) = found
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&tz)
    {
        return Arc::clone(known);
    }
    let spans = super::zone::scan(tz, CHANGES_FROM, CHANGES_TO, CHANGES_STEP);
    let changes: Arc<[i64]> = spans.iter().skip(1).map(|span| span.from).collect();
    found
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .insert(tz, Arc::clone(&changes));
    changes
}

fn normalize(mut day: Vec<Interval>) -> Vec<Interval> {
    for interval in &mut day {
        interval.end = interval.end.min(DAY_END);
    }
    day.retain(|interval| interval.start < interval.end);
    day.sort_unstable_by_key(|interval| interval.start);
    let mut merged: Vec<Interval> = Vec::with_capacity(day.len());
    for interval in day {
        match merged.last_mut() {
            // Touching intervals are one stretch of open time; merging them also
            // saves two time-zone conversions per day.
            Some(last) if interval.start <= last.end => last.end = last.end.max(interval.end),
            _ => merged.push(interval),
        }
    }
    merged
}

fn local_date(tz: Tz, t: DateTime<Utc>) -> NaiveDate {
    t.with_timezone(&tz).date_naive()
}

/// Resolve a local wall-clock time in `tz`: a time in a DST gap moves forward
/// to the first instant after the gap, a repeated time takes the earlier instant.
pub fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    resolve_local_strict(tz, local).unwrap_or_else(|| gap_end(tz, local))
}

/// For data validation: None for a local time that does not exist (DST gap),
/// the earlier instant for a repeated one.
pub fn resolve_local_strict(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    tz.from_local_datetime(&local)
        .earliest()
        .map(|t| t.to_utc())
}

/// The transition that skipped `local`: the earliest instant whose wall clock
/// has reached it. chrono-tz exposes no transition list, so bisect for it.
fn gap_end(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let wall = |utc: NaiveDateTime| tz.from_utc_datetime(&utc).naive_local();
    // No offset reaches 26 h, so the bracket holds the transition: the wall
    // clock is before `local` at `lo` and past it at `hi`. Transitions fall on
    // whole seconds, so the search runs on them.
    let reach = TimeDelta::hours(26);
    let base = local.with_nanosecond(0).unwrap_or(local);
    let mut lo = base.checked_sub_signed(reach).unwrap_or(NaiveDateTime::MIN);
    let mut hi = base.checked_add_signed(reach).unwrap_or(NaiveDateTime::MAX);
    while (hi - lo).num_seconds() > 1 {
        let mid = lo + TimeDelta::seconds((hi - lo).num_seconds() / 2);
        if wall(mid) >= local {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi.and_utc()
}

/// Calendar arithmetic: `days` calendar days (the same local clock time,
/// resolved with [`resolve_local`]), then `exact_secs` of elapsed time.
/// Results beyond chrono's range saturate at its ends.
pub fn add_calendar(tz: Tz, t: DateTime<Utc>, days: i64, exact_secs: i64) -> DateTime<Utc> {
    // No calendar days: no wall clock to go through. (Going through it would
    // also move an instant in the repeated hour of an autumn switch to the
    // hour's first pass.)
    if days == 0 {
        return TimeDelta::try_seconds(exact_secs)
            .and_then(|exact| t.checked_add_signed(exact))
            .unwrap_or_else(|| saturated(exact_secs));
    }
    let local = t.with_timezone(&tz).naive_local();
    let step = Days::new(days.unsigned_abs());
    let shifted = if days < 0 {
        local.checked_sub_days(step)
    } else {
        local.checked_add_days(step)
    };
    let Some(shifted) = shifted else {
        return saturated(days);
    };
    TimeDelta::try_seconds(exact_secs)
        .and_then(|exact| resolve_local(tz, shifted).checked_add_signed(exact))
        .unwrap_or_else(|| saturated(exact_secs))
}

fn saturated(direction: i64) -> DateTime<Utc> {
    if direction < 0 {
        DateTime::<Utc>::MIN_UTC
    } else {
        DateTime::<Utc>::MAX_UTC
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testutil::{at, date};
    use chrono_tz::Europe::Amsterdam;
    use proptest::prelude::*;

    fn local(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn iv(start: Minutes, end: Minutes) -> Interval {
        Interval { start, end }
    }

    const H: i64 = 3600;

    fn weekdays(day: Vec<Interval>) -> [Vec<Interval>; 7] {
        [
            day.clone(),
            day.clone(),
            day.clone(),
            day.clone(),
            day,
            vec![],
            vec![],
        ]
    }

    /// mon-fri 09:00-17:30, Europe/Amsterdam.
    fn office() -> BusinessCalendar {
        BusinessCalendar::new(Amsterdam, weekdays(vec![iv(540, 1050)]), [])
    }

    fn sundays(intervals: Vec<Interval>) -> BusinessCalendar {
        let mut week: [Vec<Interval>; 7] = Default::default();
        week[6] = intervals;
        BusinessCalendar::new(Amsterdam, week, [])
    }

    #[test]
    fn friday_evening_hour_is_due_monday() {
        // Fri 2027-01-08 17:20 CET -> Mon 2027-01-11 09:50 CET.
        let due = office().add_open(at("2027-01-08T16:20:00Z"), H);
        assert_eq!(due, Some(at("2027-01-11T08:50:00Z")));
    }

    #[test]
    fn hour_spilling_past_closing_continues_next_open_day() {
        // Thu 2027-01-07 16:45 CET -> Fri 09:15 CET.
        let due = office().add_open(at("2027-01-07T15:45:00Z"), H);
        assert_eq!(due, Some(at("2027-01-08T08:15:00Z")));
    }

    #[test]
    fn exact_fit_ends_at_closing_time() {
        // Thu 16:30 + 1h is Thu 17:30 CET, not the next opening.
        let due = office().add_open(at("2027-01-07T15:30:00Z"), H);
        assert_eq!(due, Some(at("2027-01-07T16:30:00Z")));
    }

    #[test]
    fn weekend_start_waits_for_monday_opening() {
        // Sat 2027-01-09 10:00 CET + 2h -> Mon 11:00 CET.
        let due = office().add_open(at("2027-01-09T09:00:00Z"), 2 * H);
        assert_eq!(due, Some(at("2027-01-11T10:00:00Z")));
    }

    #[test]
    fn zero_open_time_is_the_next_opening() {
        let cal = office();
        // Open at Thu 10:00 CET: the start itself.
        let open = at("2027-01-07T09:00:00Z");
        assert_eq!(cal.add_open(open, 0), Some(open));
        // At closing time 17:30 the office is closed: Fri 09:00 CET.
        let closing = at("2027-01-07T16:30:00Z");
        assert_eq!(cal.add_open(closing, 0), Some(at("2027-01-08T08:00:00Z")));
        assert_eq!(cal.add_open(closing, -5), Some(at("2027-01-08T08:00:00Z")));
    }

    #[test]
    fn closed_date_is_skipped() {
        let cal = BusinessCalendar::new(
            Amsterdam,
            weekdays(vec![iv(540, 1050)]),
            [date("2027-04-27")],
        );
        // Mon 2027-04-26 17:00 CEST + 1h: 30 min Monday, Tuesday closed, Wed 09:30 CEST.
        let due = cal.add_open(at("2027-04-26T15:00:00Z"), H);
        assert_eq!(due, Some(at("2027-04-28T07:30:00Z")));
        assert!(cal.open_spans(date("2027-04-27")).is_empty());
        assert_eq!(
            cal.open_between(at("2027-04-26T22:00:00Z"), at("2027-04-27T22:00:00Z")),
            0
        );
    }

    #[test]
    fn lunch_break_is_not_open_time() {
        let cal = BusinessCalendar::new(Amsterdam, weekdays(vec![iv(540, 720), iv(780, 1020)]), []);
        // Thu 11:30 CET + 1h -> 13:30 CET.
        let due = cal.add_open(at("2027-01-07T10:30:00Z"), H);
        assert_eq!(due, Some(at("2027-01-07T12:30:00Z")));
        assert_eq!(
            cal.open_spans(date("2027-01-07")),
            vec![
                (at("2027-01-07T08:00:00Z"), at("2027-01-07T11:00:00Z")),
                (at("2027-01-07T12:00:00Z"), at("2027-01-07T16:00:00Z")),
            ]
        );
    }

    #[test]
    fn touching_intervals_are_continuous() {
        let cal = BusinessCalendar::new(Amsterdam, weekdays(vec![iv(540, 720), iv(720, 780)]), []);
        // Thu 11:30 CET + 1h -> 12:30 CET.
        assert_eq!(
            cal.add_open(at("2027-01-07T10:30:00Z"), H),
            Some(at("2027-01-07T11:30:00Z"))
        );
        // 12:00 is open: it starts the second interval.
        let noon = at("2027-01-07T11:00:00Z");
        assert_eq!(cal.add_open(noon, 0), Some(noon));
        assert_eq!(
            cal.open_spans(date("2027-01-07")),
            vec![(at("2027-01-07T08:00:00Z"), at("2027-01-07T12:00:00Z"))]
        );
    }

    #[test]
    fn messy_intervals_are_repaired_not_trusted() {
        let cal = BusinessCalendar::new(
            Amsterdam,
            weekdays(vec![
                iv(780, 900),
                iv(600, 500),
                iv(540, 800),
                iv(1400, 2000),
            ]),
            [],
        );
        // 09:00-15:00 merged, 23:20-24:00 clipped, the backwards one dropped.
        assert_eq!(
            cal.open_spans(date("2027-01-07")),
            vec![
                (at("2027-01-07T08:00:00Z"), at("2027-01-07T14:00:00Z")),
                (at("2027-01-07T22:20:00Z"), at("2027-01-07T23:00:00Z")),
            ]
        );
    }

    #[test]
    fn always_open_adds_exact_time_across_dst() {
        let cal = BusinessCalendar::always(Amsterdam);
        assert_eq!(
            cal.add_open(at("2027-03-27T12:00:00Z"), 48 * H),
            Some(at("2027-03-29T12:00:00Z"))
        );
        assert_eq!(
            cal.open_between(at("2027-03-27T12:00:00Z"), at("2027-03-29T12:00:00Z")),
            48 * H
        );
    }

    #[test]
    fn whole_days_follow_the_real_day_length() {
        // A far closed date keeps this off the 24/7 shortcut, through the day walk.
        let cal = BusinessCalendar::new(
            Amsterdam,
            [(); 7].map(|()| vec![iv(0, 1440)]),
            [date("2030-01-01")],
        );
        let spring = cal.open_spans(date("2027-03-28"));
        assert_eq!(
            spring,
            vec![(at("2027-03-27T23:00:00Z"), at("2027-03-28T22:00:00Z"))]
        );
        let autumn = cal.open_spans(date("2027-10-31"));
        assert_eq!(
            autumn,
            vec![(at("2027-10-30T22:00:00Z"), at("2027-10-31T23:00:00Z"))]
        );
        assert_eq!(
            cal.open_between(at("2027-03-27T23:00:00Z"), at("2027-03-28T22:00:00Z")),
            23 * H
        );
        assert_eq!(
            cal.open_between(at("2027-10-30T22:00:00Z"), at("2027-10-31T23:00:00Z")),
            25 * H
        );
        // 24 h of open time from local midnight on the 23 h day ends at 01:00 the next day.
        assert_eq!(
            cal.add_open(at("2027-03-27T23:00:00Z"), 24 * H),
            Some(at("2027-03-28T23:00:00Z"))
        );
    }

    #[test]
    fn fall_back_across_midnight_still_counts_the_next_date() {
        // Sitka left Russian time in 1867: at 00:31:13Z on Oct 19 the wall clock
        // went from Oct 19 15:29:59 back to Oct 18 15:30:00, so `b` reads Oct 18
        // although Oct 19 began hours before it.
        let whole_days = [(); 7].map(|()| vec![iv(0, 1440)]);
        let cal =
            BusinessCalendar::new(chrono_tz::America::Sitka, whole_days, [date("2030-01-01")]);
        let (a, b) = (at("1867-10-18T00:00:00Z"), at("1867-10-19T06:00:00Z"));
        assert_eq!(cal.open_between(a, b), 30 * H);
    }

    #[test]
    fn sunday_night_hours_on_dst_switches() {
        let cal = sundays(vec![iv(60, 240)]);
        // 01:00 CET -> 04:00 CEST: two hours of open time.
        assert_eq!(
            cal.open_spans(date("2027-03-28")),
            vec![(at("2027-03-28T00:00:00Z"), at("2027-03-28T02:00:00Z"))]
        );
        // 01:00 CEST -> 04:00 CET: four.
        assert_eq!(
            cal.open_spans(date("2027-10-31")),
            vec![(at("2027-10-30T23:00:00Z"), at("2027-10-31T03:00:00Z"))]
        );
        assert_eq!(
            cal.add_open(at("2027-03-28T00:00:00Z"), 2 * H + 60),
            Some(at("2027-04-03T23:01:00Z"))
        );
    }

    #[test]
    fn interval_inside_the_gap_is_empty() {
        let cal = sundays(vec![iv(120, 180)]);
        assert!(cal.open_spans(date("2027-03-28")).is_empty());
        // Sun 2027-03-28 00:00 CET: the next opening is a week later, 02:00 CEST.
        assert_eq!(
            cal.add_open(at("2027-03-27T23:00:00Z"), 0),
            Some(at("2027-04-04T00:00:00Z"))
        );
        // When the hour repeats, 02:00 takes the first and 03:00 exists once.
        assert_eq!(
            cal.open_spans(date("2027-10-31")),
            vec![(at("2027-10-31T00:00:00Z"), at("2027-10-31T02:00:00Z"))]
        );
    }

    #[test]
    fn boundary_in_the_gap_moves_forward() {
        let cal = sundays(vec![iv(150, 300)]);
        // 02:30 does not exist: it opens at 03:00 CEST.
        assert_eq!(
            cal.open_spans(date("2027-03-28")),
            vec![(at("2027-03-28T01:00:00Z"), at("2027-03-28T03:00:00Z"))]
        );
    }

    #[test]
    fn open_between_counts_only_open_time() {
        let cal = office();
        // Fri 2027-01-08 17:00 CET to Mon 10:00 CET: 30 min + 1 h.
        assert_eq!(
            cal.open_between(at("2027-01-08T16:00:00Z"), at("2027-01-11T09:00:00Z")),
            90 * 60
        );
        assert_eq!(
            cal.open_between(at("2027-01-11T09:00:00Z"), at("2027-01-08T16:00:00Z")),
            0
        );
    }

    #[test]
    fn empty_week_never_comes_due() {
        let cal = BusinessCalendar::new(Amsterdam, Default::default(), [date("2027-01-01")]);
        assert_eq!(cal.add_open(at("2027-01-08T16:20:00Z"), H), None);
        assert_eq!(cal.add_open(at("2027-01-08T16:20:00Z"), 0), None);
        assert_eq!(
            cal.open_between(at("2027-01-01T00:00:00Z"), at("2028-01-01T00:00:00Z")),
            0
        );
    }

    #[test]
    fn long_runs_of_closed_dates_are_waited_out() {
        // More closed days than the give-up horizon, all before the open time.
        let first = date("2027-01-01");
        let closed: Vec<NaiveDate> = first.iter_days().take(5000).collect();
        let cal = BusinessCalendar::new(Amsterdam, weekdays(vec![iv(540, 1050)]), closed);
        // The closed run ends Sat 2040-09-08, so Mon 2040-09-10 09:00 CEST opens first.
        assert_eq!(
            cal.add_open(at("2027-01-01T00:00:00Z"), 0),
            Some(at("2040-09-10T07:00:00Z"))
        );
    }

    #[test]
    fn fourteen_days_across_dst_are_335_or_337_hours() {
        // 2027-03-20 12:00 CET -> 2027-04-03 12:00 CEST.
        let spring = add_calendar(Amsterdam, at("2027-03-20T11:00:00Z"), 14, 0);
        assert_eq!(spring, at("2027-04-03T10:00:00Z"));
        assert_eq!((spring - at("2027-03-20T11:00:00Z")).num_hours(), 335);
        // 2027-10-24 12:00 CEST -> 2027-11-07 12:00 CET.
        let autumn = add_calendar(Amsterdam, at("2027-10-24T10:00:00Z"), 14, 0);
        assert_eq!(autumn, at("2027-11-07T11:00:00Z"));
        assert_eq!((autumn - at("2027-10-24T10:00:00Z")).num_hours(), 337);
    }

    #[test]
    fn a_day_landing_in_the_gap_moves_forward() {
        // 2027-03-27 02:30 CET + 1d -> 2027-03-28 02:30 (missing) -> 03:00 CEST.
        assert_eq!(
            add_calendar(Amsterdam, at("2027-03-27T01:30:00Z"), 1, 0),
            at("2027-03-28T01:00:00Z")
        );
    }

    #[test]
    fn a_day_landing_on_the_repeated_hour_takes_the_earlier() {
        // 2027-10-30 02:30 CEST + 1d -> 2027-10-31 02:30 CEST, not CET.
        assert_eq!(
            add_calendar(Amsterdam, at("2027-10-30T00:30:00Z"), 1, 0),
            at("2027-10-31T00:30:00Z")
        );
    }

    #[test]
    fn hours_alone_are_elapsed_time_even_in_the_repeated_hour() {
        // 2027-10-31 02:30 CET, the second 02:30 (01:30 UTC), + 1h is 03:30
        // CET: one hour later, not the hour's first pass plus one.
        assert_eq!(
            add_calendar(Amsterdam, at("2027-10-31T01:30:00Z"), 0, 3600),
            at("2027-10-31T02:30:00Z")
        );
        // Across the spring gap too: 01:30 CET + 1h is 03:30 CEST.
        assert_eq!(
            add_calendar(Amsterdam, at("2027-03-28T00:30:00Z"), 0, 3600),
            at("2027-03-28T01:30:00Z")
        );
        assert_eq!(
            add_calendar(Amsterdam, at("2027-01-01T00:00:00Z"), 0, i64::MAX),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn exact_time_follows_the_calendar_days() {
        // 1d then 1h30m from Sat 2027-03-27 01:00 CET: Sun 01:00 CET + 1h30m = 03:30 CEST.
        assert_eq!(
            add_calendar(Amsterdam, at("2027-03-27T00:00:00Z"), 1, 90 * 60),
            at("2027-03-28T01:30:00Z")
        );
        assert_eq!(
            add_calendar(Amsterdam, at("2027-04-03T10:00:00Z"), -14, 0),
            at("2027-03-20T11:00:00Z")
        );
        assert_eq!(
            add_calendar(Amsterdam, at("2027-01-01T00:00:00Z"), i64::MAX, 0),
            DateTime::<Utc>::MAX_UTC
        );
    }

    #[test]
    fn local_resolution() {
        assert_eq!(
            resolve_local(Amsterdam, local("2027-03-28T02:30:00")),
            at("2027-03-28T01:00:00Z")
        );
        assert_eq!(
            resolve_local(Amsterdam, local("2027-10-31T02:30:00")),
            at("2027-10-31T00:30:00Z")
        );
        assert_eq!(
            resolve_local_strict(Amsterdam, local("2027-03-28T02:30:00")),
            None
        );
        assert_eq!(
            resolve_local_strict(Amsterdam, local("2027-10-31T02:30:00")),
            Some(at("2027-10-31T00:30:00Z"))
        );
        assert_eq!(
            resolve_local_strict(Amsterdam, local("2027-01-08T17:20:00")),
            Some(at("2027-01-08T16:20:00Z"))
        );
    }

    /// Mon-fri with a lunch break, a Saturday morning and a Sunday night that
    /// straddles both DST switches, plus holidays.
    fn busy_office() -> BusinessCalendar {
        let mut week = weekdays(vec![iv(540, 720), iv(750, 1050)]);
        week[5] = vec![iv(600, 780)];
        week[6] = vec![iv(60, 240)];
        let closed = [
            "2027-01-01",
            "2027-04-27",
            "2027-05-05",
            "2027-12-25",
            "2027-12-27",
        ];
        BusinessCalendar::new(Amsterdam, week, closed.map(date))
    }

    const YEAR_2027: std::ops::Range<i64> = 1_798_761_600..1_830_297_600;

    proptest! {
        #[test]
        fn open_time_adds_up(start in YEAR_2027, a in 0..200 * H, b in 1..200 * H) {
            let cal = busy_office();
            let t = DateTime::from_timestamp(start, 0).unwrap();
            let first = cal.add_open(t, a).unwrap();
            prop_assert_eq!(cal.add_open(first, b), cal.add_open(t, a + b));
        }

        #[test]
        fn elapsed_open_time_inverts_the_deadline(start in YEAR_2027, d in 0..200 * H) {
            let cal = busy_office();
            let t = DateTime::from_timestamp(start, 0).unwrap();
            let due = cal.add_open(t, d).unwrap();
            prop_assert_eq!(cal.open_between(t, due), d);
        }
    }

    /// The day-by-day walk the week-skipping arithmetic replaced, kept as
    /// its oracle: every date's spans, one after the other.
    fn walked_add_open(
        cal: &BusinessCalendar,
        start: DateTime<Utc>,
        open_secs: i64,
    ) -> Option<DateTime<Utc>> {
        let mut remaining = TimeDelta::try_seconds(open_secs.max(0))?;
        if cal.always_open {
            return start.checked_add_signed(remaining);
        }
        if cal.week.iter().all(Vec::is_empty) {
            return None;
        }
        let mut date = local_date(cal.tz, start);
        let mut quiet_since = cal.closed.last().map_or(date, |&last| last.max(date));
        loop {
            let mut open_today = false;
            for (open, close) in cal.spans(date) {
                open_today = true;
                if close <= start {
                    continue;
                }
                let from = open.max(start);
                let available = close - from;
                if remaining <= available {
                    return from.checked_add_signed(remaining);
                }
                remaining -= available;
            }
            if open_today {
                quiet_since = quiet_since.max(date);
            } else if date.signed_duration_since(quiet_since).num_days() > MAX_QUIET_DAYS {
                return None;
            }
            date = date.succ_opt()?;
        }
    }

    fn walked_open_between(cal: &BusinessCalendar, a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
        if b <= a {
            return 0;
        }
        if cal.always_open {
            return (b - a).num_seconds();
        }
        let last = local_date(cal.tz, b);
        let mut total = TimeDelta::zero();
        let mut date = local_date(cal.tz, a);
        while date <= last || cal.midnight_before(date, b) {
            for (open, close) in cal.spans(date) {
                let (from, to) = (open.max(a), close.min(b));
                if from < to {
                    total += to - from;
                }
            }
            match date.succ_opt() {
                Some(next) => date = next,
                None => break,
            }
        }
        total.num_seconds()
    }

    /// Up to three intervals a weekday, on quarter hours, some touching
    /// midnight and some inside the DST switch hours.
    fn any_week() -> impl Strategy<Value = [Vec<Interval>; 7]> {
        let interval = (0u16..=96, 1u16..=40)
            .prop_map(|(start, len)| iv(start * 15, (start + len).min(96) * 15));
        proptest::array::uniform7(proptest::collection::vec(interval, 0..=3))
    }

    fn any_zone() -> impl Strategy<Value = Tz> {
        prop_oneof![Just(Amsterdam), Just(chrono_tz::America::New_York),]
    }

    /// 2025 to 2031, and a few closed dates in it.
    const YEARS: std::ops::Range<i64> = 1_735_689_600..1_924_992_000;

    fn any_closed() -> impl Strategy<Value = Vec<NaiveDate>> {
        proptest::collection::vec(YEARS, 0..30).prop_map(|secs| {
            secs.into_iter()
                .map(|s| DateTime::from_timestamp(s, 0).unwrap().date_naive())
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn skipping_weeks_adds_open_time_as_the_day_walk_does(
            week in any_week(),
            tz in any_zone(),
            closed in any_closed(),
            start in YEARS,
            subsec in 0u32..1_000_000_000,
            open in 0..3_000 * H,
        ) {
            let cal = BusinessCalendar::new(tz, week, closed);
            let t = DateTime::from_timestamp(start, subsec).unwrap();
            prop_assert_eq!(cal.add_open(t, open), walked_add_open(&cal, t, open));
        }

        #[test]
        fn skipping_weeks_counts_open_time_as_the_day_walk_does(
            week in any_week(),
            tz in any_zone(),
            closed in any_closed(),
            a in YEARS,
            b in YEARS,
        ) {
            let cal = BusinessCalendar::new(tz, week, closed);
            let (a, b) = (DateTime::from_timestamp(a, 0).unwrap(), DateTime::from_timestamp(b, 0).unwrap());
            prop_assert_eq!(cal.open_between(a, b), walked_open_between(&cal, a, b));
        }
    }

    #[test]
    fn a_window_of_a_million_years_takes_no_time() {
        // A billion hours on office hours runs past the last instant chrono
        // can hold. The day walk took 95 s (a debug build) to find that out.
        let cal = office();
        let t = at("2027-01-08T16:20:00Z");
        let started = std::time::Instant::now();
        assert_eq!(cal.add_open(t, 1_000_000_000 * H), None);
        // A hundred thousand years of open time, counted and spent again.
        let far = t + TimeDelta::days(100_000 * 365);
        let open = cal.open_between(t, far);
        assert_eq!(open / cal.week_secs, (far - t).num_days() / 7);
        let due = cal.add_open(t, open).unwrap();
        assert!(due <= far);
        assert_eq!(cal.open_between(t, due), open);
        let took = started.elapsed();
        assert!(took < std::time::Duration::from_secs(2), "{took:?}");
    }

    #[test]
    fn every_zone_changes_its_offset_only_inside_the_stretch_looked_at() {
        let offset = |tz: Tz, at: i64| {
            let utc = DateTime::from_timestamp(at, 0).unwrap().naive_utc();
            chrono::Offset::fix(&tz.offset_from_utc_datetime(&utc)).local_minus_utc()
        };
        let year = 366 * DAY;
        for tz in chrono_tz::TZ_VARIANTS {
            for far in [1, 2, 100, 5_000] {
                assert_eq!(
                    offset(tz, CHANGES_FROM),
                    offset(tz, CHANGES_FROM - far * year),
                    "{tz}"
                );
                assert_eq!(
                    offset(tz, CHANGES_TO),
                    offset(tz, CHANGES_TO + far * year),
                    "{tz}"
                );
                // Half a year on: a zone still switching would show it.
                assert_eq!(
                    offset(tz, CHANGES_TO),
                    offset(tz, CHANGES_TO + far * year + year / 2),
                    "{tz}"
                );
            }
        }
    }
}
