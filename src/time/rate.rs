//! Rates spread over days.

use chrono::NaiveDate;

use super::period::Period;

/// A rate "amount per period" on day `d`: amount ÷ the days of `d`'s period.
pub fn day_worth(amount: f64, per: Period, d: NaiveDate) -> f64 {
    amount / f64::from(per.days_of(d))
}

/// Sum of day worths over [first_day, end_day).
pub fn target(amount: f64, per: Period, first_day: NaiveDate, end_day: NaiveDate) -> f64 {
    first_day
        .iter_days()
        .take_while(|d| *d < end_day)
        .map(|d| day_worth(amount, per, d))
        .sum()
}
