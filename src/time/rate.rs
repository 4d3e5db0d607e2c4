//! Target rates ("N per period") spread evenly over the days of each period
//! instance, so that clipped windows and windows in progress get a fair share
//! and no window is asked for more than its days can give.

use super::period::{day_start, Period};
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// What a rate of `amount` per `per` is worth on day `d`.
pub fn day_worth(amount: f64, per: Period, d: NaiveDate) -> f64 {
    amount / f64::from(per.days_of(d))
}

/// Sum of day worths over `[first_day, end_day)`.
pub fn target(amount: f64, per: Period, first_day: NaiveDate, end_day: NaiveDate) -> f64 {
    // Days of one period instance are worth the same: sum instance by instance.
    let mut total = 0.0;
    let mut day = first_day;
    while day < end_day {
        let next = per.next_start(day).min(end_day);
        let days = next.signed_duration_since(day).num_days() as f64;
        total += day_worth(amount, per, day) * days;
        day = next;
    }
    total
}

/// For a window in progress at `as_of`: Σ over its days of the day's worth ×
/// the fraction of that local day elapsed, each day measured by its real length.
pub fn expected_to_date(
    amount: f64,
    per: Period,
    first_day: NaiveDate,
    end_day: NaiveDate,
    tz: Tz,
    as_of: DateTime<Utc>,
) -> f64 {
    let today = as_of.with_timezone(&tz).date_naive();
    // Every date before as_of's local date has ended by then.
    let partial_from = today.clamp(first_day, end_day.max(first_day));
    let mut expected = target(amount, per, first_day, partial_from);
    // Usually only today is partial, but a fall-back across midnight can start
    // the next date before today's wall clock ends: go on while days have begun.
    let mut day = partial_from;
    while day < end_day {
        let fraction = elapsed_fraction(tz, day, as_of);
        if fraction <= 0.0 {
            break;
        }
        expected += day_worth(amount, per, day) * fraction;
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    expected
}

fn elapsed_fraction(tz: Tz, day: NaiveDate, as_of: DateTime<Utc>) -> f64 {
    let start = day_start(tz, day);
    let end = day
        .succ_opt()
        .map_or(DateTime::<Utc>::MAX_UTC, |next| day_start(tz, next));
    // Compared before dividing, so a date skipped whole (zero length) is 0 or 1.
    if as_of >= end {
        1.0
    } else if as_of <= start {
        0.0
    } else {
        (as_of - start).as_seconds_f64() / (end - start).as_seconds_f64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::period::windows;
    use crate::time::testutil::{at, date};
    use chrono_tz::Europe::Amsterdam;

    fn cents(x: f64) -> f64 {
        (x * 100.0).round() / 100.0
    }

    fn assert_close(got: f64, want: f64) {
        assert!((got - want).abs() < 1e-9, "got {got}, want {want}");
    }

    #[test]
    fn quarterly_rate_split_by_month() {
        let months: Vec<f64> = windows(Period::Month, date("2027-01-01"), date("2027-03-31"))
            .iter()
            .map(|w| target(1500.0, Period::Quarter, w.first_day, w.end_day))
            .collect();
        assert_eq!(
            months.iter().copied().map(cents).collect::<Vec<_>>(),
            [516.67, 466.67, 516.67]
        );
        assert_close(months.iter().sum(), 1500.0);
    }

    #[test]
    fn daily_rate_per_month() {
        assert_close(
            target(17.0, Period::Day, date("2027-02-01"), date("2027-03-01")),
            476.0,
        );
        assert_close(
            target(17.0, Period::Day, date("2027-03-01"), date("2027-04-01")),
            527.0,
        );
    }

    #[test]
    fn day_worth_follows_the_instance_length() {
        assert_close(
            day_worth(1500.0, Period::Quarter, date("2027-02-10")),
            1500.0 / 90.0,
        );
        assert_close(
            day_worth(1500.0, Period::Quarter, date("2027-05-10")),
            1500.0 / 91.0,
        );
        assert_close(day_worth(70.0, Period::Week, date("2027-05-10")), 10.0);
    }

    #[test]
    fn clipped_window_target_shrinks() {
        let first = &windows(Period::Month, date("2027-01-15"), date("2027-06-30"))[0];
        assert_close(
            target(1500.0, Period::Quarter, first.first_day, first.end_day),
            1500.0 / 90.0 * 17.0,
        );
        // A range across a quarter boundary uses each quarter's own day count.
        assert_close(
            target(
                1500.0,
                Period::Quarter,
                date("2027-03-31"),
                date("2027-04-02"),
            ),
            1500.0 / 90.0 + 1500.0 / 91.0,
        );
        assert_close(
            target(
                1500.0,
                Period::Quarter,
                date("2027-04-02"),
                date("2027-03-31"),
            ),
            0.0,
        );
    }

    #[test]
    fn expected_at_noon_of_the_second_day() {
        // 31 per month in January: one per day; 2027-01-02 12:00 CET is 11:00Z.
        let got = expected_to_date(
            31.0,
            Period::Month,
            date("2027-01-01"),
            date("2027-02-01"),
            Amsterdam,
            at("2027-01-02T11:00:00Z"),
        );
        assert_close(got, 1.5);
    }

    #[test]
    fn expected_before_and_after_the_window() {
        let window = |as_of| {
            expected_to_date(
                1500.0,
                Period::Quarter,
                date("2027-01-15"),
                date("2027-02-01"),
                Amsterdam,
                at(as_of),
            )
        };
        assert_close(window("2027-01-14T22:59:59Z"), 0.0);
        assert_close(window("2027-01-14T23:00:00Z"), 0.0);
        assert_close(window("2027-01-31T23:00:00Z"), 1500.0 / 90.0 * 17.0);
        assert_close(window("2027-06-01T00:00:00Z"), 1500.0 / 90.0 * 17.0);
    }

    #[test]
    fn fall_back_across_midnight_counts_the_begun_date() {
        // Sitka, 1867: Oct 19 began at 09:01:13Z on Oct 18 and lasts 48 h because
        // the clock went back a day; as_of reads Oct 18 on the wall clock.
        let got = expected_to_date(
            1.0,
            Period::Day,
            date("1867-10-18"),
            date("1867-10-21"),
            chrono_tz::America::Sitka,
            at("1867-10-19T06:00:00Z"),
        );
        assert_close(got, 1.0 + 75_527.0 / 172_800.0);
    }

    #[test]
    fn dst_days_are_measured_by_their_real_length() {
        let one_day = |d: &str, as_of: &str| {
            let d = date(d);
            expected_to_date(
                1.0,
                Period::Day,
                d,
                d.succ_opt().unwrap(),
                Amsterdam,
                at(as_of),
            )
        };
        // 2027-03-28 12:00 CEST: 11 of 23 hours.
        assert_close(one_day("2027-03-28", "2027-03-28T10:00:00Z"), 11.0 / 23.0);
        // 2027-10-31 12:00 CET: 13 of 25 hours.
        assert_close(one_day("2027-10-31", "2027-10-31T11:00:00Z"), 13.0 / 25.0);
    }
}
