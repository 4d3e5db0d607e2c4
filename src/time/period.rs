//! Calendar periods.

use chrono::{Datelike, Months, NaiveDate};

/// `day`, `week` (ISO, Monday first), `month`, `quarter`, `year`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }

    pub fn start_of(self, d: NaiveDate) -> NaiveDate {
        let first_of = |month: u32| NaiveDate::from_ymd_opt(d.year(), month, 1).unwrap_or(d);
        match self {
            Period::Day => d,
            Period::Week => d - chrono::Days::new(u64::from(d.weekday().num_days_from_monday())),
            Period::Month => first_of(d.month()),
            Period::Quarter => first_of((d.month0() / 3) * 3 + 1),
            Period::Year => first_of(1),
        }
    }

    pub fn next_start(self, d: NaiveDate) -> NaiveDate {
        let start = self.start_of(d);
        let next = match self {
            Period::Day => start.checked_add_days(chrono::Days::new(1)),
            Period::Week => start.checked_add_days(chrono::Days::new(7)),
            Period::Month => start.checked_add_months(Months::new(1)),
            Period::Quarter => start.checked_add_months(Months::new(3)),
            Period::Year => start.checked_add_months(Months::new(12)),
        };
        next.unwrap_or(NaiveDate::MAX)
    }

    pub fn days_of(self, d: NaiveDate) -> u32 {
        let days = (self.next_start(d) - self.start_of(d)).num_days();
        u32::try_from(days).unwrap_or(1).max(1)
    }
}
