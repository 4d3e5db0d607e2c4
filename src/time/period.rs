//! Calendar periods (day, ISO week, month, quarter, year), their labels, and
//! the calendar-aligned windows that rules are evaluated over.

use super::calendar::resolve_local;
use chrono::{DateTime, Datelike, Days, Months, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    /// First date of the instance containing `d`; weeks are ISO weeks, Monday first.
    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        let first_of_month = |month: u32| NaiveDate::from_ymd_opt(d.year(), month, 1);
        let start = match self {
            Period::Day => Some(d),
            Period::Week => {
                d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
            }
            Period::Month => first_of_month(d.month()),
            Period::Quarter => first_of_month(d.month0() / 3 * 3 + 1),
            Period::Year => first_of_month(1),
        };
        // Only the first week of chrono's date range starts before it.
        start.unwrap_or(NaiveDate::MIN)
    }

    /// Start of the following instance: the exclusive end of `d`'s instance.
    pub fn next_start(self, d: NaiveDate) -> NaiveDate {
        let start = self.start_of(d);
        let next = match self {
            Period::Day => start.checked_add_days(Days::new(1)),
            Period::Week => start.checked_add_days(Days::new(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Quarter => start.checked_add_months(Months::new(3)),
            Period::Year => start.checked_add_months(Months::new(12)),
        };
        // Saturating keeps the end of chrono's date range from panicking.
        next.unwrap_or(NaiveDate::MAX)
    }

    /// Number of days in the instance containing `d`.
    pub fn days_of(self, d: NaiveDate) -> u32 {
        let days = self
            .next_start(d)
            .signed_duration_since(self.start_of(d))
            .num_days();
        // At least one, so rates never divide by zero at the end of the date range.
        u32::try_from(days).unwrap_or(1).max(1)
    }

    /// "2027-01-05", "2027-W01" (ISO week-numbering year), "2027-01", "2027-Q1", "2027".
    pub fn label(self, start: NaiveDate) -> String {
        match self {
            Period::Day => start.to_string(),
            Period::Week => {
                let week = start.iso_week();
                format!("{:04}-W{:02}", week.year(), week.week())
            }
            Period::Month => format!("{:04}-{:02}", start.year(), start.month()),
            Period::Quarter => format!("{:04}-Q{}", start.year(), start.month0() / 3 + 1),
            Period::Year => format!("{:04}", start.year()),
        }
    }

    /// The keyword used in `.sla` files.
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// One evaluation window: dates `[first_day, end_day)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub label: String,
    pub first_day: NaiveDate,
    pub end_day: NaiveDate,
}

/// Calendar-aligned windows of `each` covering `[first, last]` (inclusive
/// dates), clipped to it; a clipped window keeps its whole instance's label.
pub fn windows(each: Period, first: NaiveDate, last: NaiveDate) -> Vec<Window> {
    let stop = last.succ_opt().unwrap_or(NaiveDate::MAX);
    let mut out = Vec::new();
    let mut day = first;
    while day < stop {
        let next = each.next_start(day);
        out.push(Window {
            label: each.label(each.start_of(day)),
            first_day: day,
            end_day: next.min(stop),
        });
        day = next;
    }
    out
}

/// The instant a local date begins in `tz`; a midnight skipped by DST begins
/// the date when the clock jumps.
pub fn day_start(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    resolve_local(tz, d.and_time(NaiveTime::MIN))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::testutil::{at, date};
    use chrono_tz::{America::Santiago, Europe::Amsterdam};

    const ALL: [Period; 5] = [
        Period::Day,
        Period::Week,
        Period::Month,
        Period::Quarter,
        Period::Year,
    ];

    #[test]
    fn instances_around_a_date() {
        let d = date("2027-02-14"); // a Sunday
        let expected = [
            ("2027-02-14", "2027-02-15", 1, "2027-02-14"),
            ("2027-02-08", "2027-02-15", 7, "2027-W06"),
            ("2027-02-01", "2027-03-01", 28, "2027-02"),
            ("2027-01-01", "2027-04-01", 90, "2027-Q1"),
            ("2027-01-01", "2028-01-01", 365, "2027"),
        ];
        for (period, (start, next, days, label)) in ALL.into_iter().zip(expected) {
            assert_eq!(period.start_of(d), date(start), "{period:?}");
            assert_eq!(period.next_start(d), date(next), "{period:?}");
            assert_eq!(period.days_of(d), days, "{period:?}");
            assert_eq!(period.label(period.start_of(d)), label, "{period:?}");
        }
    }

    #[test]
    fn quarters_and_leap_years() {
        assert_eq!(
            Period::Quarter.start_of(date("2027-12-31")),
            date("2027-10-01")
        );
        assert_eq!(
            Period::Quarter.next_start(date("2027-12-31")),
            date("2028-01-01")
        );
        assert_eq!(Period::Quarter.label(date("2027-10-01")), "2027-Q4");
        assert_eq!(Period::Quarter.days_of(date("2028-02-10")), 91);
        assert_eq!(Period::Month.days_of(date("2028-02-10")), 29);
        assert_eq!(Period::Year.days_of(date("2028-06-30")), 366);
    }

    #[test]
    fn iso_weeks_around_new_year() {
        // 2026 starts on a Thursday, so it has 53 ISO weeks.
        assert_eq!(Period::Week.label(date("2026-12-28")), "2026-W53");
        assert_eq!(
            Period::Week.start_of(date("2027-01-01")),
            date("2026-12-28")
        );
        assert_eq!(Period::Week.label(date("2027-01-01")), "2026-W53");
        assert_eq!(Period::Week.label(date("2027-01-04")), "2027-W01");
        // 2027-12-31 is a Friday: still 2027-W52.
        assert_eq!(Period::Week.label(date("2027-12-31")), "2027-W52");
        // 2024-12-30 (Monday) already belongs to 2025-W01.
        assert_eq!(Period::Week.label(date("2024-12-30")), "2025-W01");
    }

    #[test]
    fn names() {
        let names: Vec<&str> = ALL.into_iter().map(Period::name).collect();
        assert_eq!(names, ["day", "week", "month", "quarter", "year"]);
    }

    #[test]
    fn monthly_windows_are_clipped_to_the_effective_range() {
        let got = windows(Period::Month, date("2027-01-15"), date("2027-06-30"));
        assert_eq!(got.len(), 6);
        assert_eq!(
            got[0],
            Window {
                label: "2027-01".into(),
                first_day: date("2027-01-15"),
                end_day: date("2027-02-01"),
            }
        );
        assert_eq!(
            got[5],
            Window {
                label: "2027-06".into(),
                first_day: date("2027-06-01"),
                end_day: date("2027-07-01"),
            }
        );
        let labels: Vec<&str> = got.iter().map(|w| w.label.as_str()).collect();
        assert_eq!(
            labels,
            ["2027-01", "2027-02", "2027-03", "2027-04", "2027-05", "2027-06"]
        );
    }

    #[test]
    fn weekly_windows_across_new_year() {
        let got = windows(Period::Week, date("2026-12-30"), date("2027-01-05"));
        assert_eq!(
            got,
            vec![
                Window {
                    label: "2026-W53".into(),
                    first_day: date("2026-12-30"),
                    end_day: date("2027-01-04"),
                },
                Window {
                    label: "2027-W01".into(),
                    first_day: date("2027-01-04"),
                    end_day: date("2027-01-06"),
                },
            ]
        );
    }

    #[test]
    fn single_day_and_empty_ranges() {
        let one = windows(Period::Quarter, date("2027-05-05"), date("2027-05-05"));
        assert_eq!(
            one,
            vec![Window {
                label: "2027-Q2".into(),
                first_day: date("2027-05-05"),
                end_day: date("2027-05-06"),
            }]
        );
        assert!(windows(Period::Day, date("2027-05-06"), date("2027-05-05")).is_empty());
    }

    #[test]
    fn day_starts_in_the_zone() {
        assert_eq!(
            day_start(Amsterdam, date("2027-01-08")),
            at("2027-01-07T23:00:00Z")
        );
        assert_eq!(
            day_start(Amsterdam, date("2027-03-28")),
            at("2027-03-27T23:00:00Z")
        );
        assert_eq!(
            day_start(Amsterdam, date("2027-03-29")),
            at("2027-03-28T22:00:00Z")
        );
        // Santiago skips 2027-09-05 00:00-01:00: the date begins at 01:00 -03.
        assert_eq!(
            day_start(Santiago, date("2027-09-05")),
            at("2027-09-05T04:00:00Z")
        );
    }
}
