//! Time as the agreement counts it: calendar periods and their windows,
//! rates spread over days, business calendars, and a time zone's offsets
//! over the agreement's dates. Pure functions of their inputs; nothing here
//! reads the clock.

pub mod calendar;
pub mod period;
pub mod rate;
pub mod zone;

#[cfg(test)]
pub(crate) mod testutil {
    //! Instants and dates written as text, for the tests of calendar
    //! arithmetic.

    use chrono::{DateTime, NaiveDate, Utc};

    /// An RFC 3339 instant.
    pub fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A `YYYY-MM-DD` date.
    pub fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
}
