//! An activity's `duration` cell: a number of seconds (or milliseconds, by
//! `duration_unit`), or a clock reading `H:MM:SS`.
//!
//! Durations are kept as whole milliseconds in an `i64`: exact to compare
//! and add up (time spent per lead sums many of them), fine enough for the
//! millisecond exports of HubSpot, and far beyond any call's length in range.
//!
//! Accepted, after trimming white space:
//! - empty: no duration, 0;
//! - a number of units, `90` or `90.5` (warehouse exports of float columns
//!   write `90.0`); parts below a millisecond are dropped;
//! - `H:MM:SS` with any number of hour digits and an optional fraction of a
//!   second (`0:05:30`, `01:05:30.250`, `100:00:00`). Two-part `MM:SS` is
//!   refused: `5:30` could be minutes or hours, and guessing wrong is silent.
//!
//! Anything else, and anything negative, is an error whose reason the caller
//! turns into a data issue.

use serde::Deserialize;

/// What a plain number in the `duration` column counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum DurationUnit {
    /// Seconds (the default).
    #[default]
    #[serde(rename = "s")]
    Seconds,
    /// Milliseconds, as HubSpot exports call durations.
    #[serde(rename = "ms")]
    Millis,
}

/// Parse one duration cell into milliseconds; the error is a lower-case
/// reason without the value itself.
pub fn parse_duration(text: &str, unit: DurationUnit) -> Result<i64, String> {
    // Most cells are empty (an e-mail, a note) or a few digits: read them
    // at once (each activity row has one).
    if text.is_empty() {
        return Ok(0);
    }
    if let Some(n) = plain_digits(text) {
        return match unit {
            DurationUnit::Seconds => n.checked_mul(1000).ok_or_else(too_large),
            DurationUnit::Millis => Ok(n),
        };
    }
    let s = text.trim();
    if s.is_empty() {
        return Ok(0);
    }
    if let Some(rest) = s.strip_prefix('-') {
        if rest.starts_with(|c: char| c.is_ascii_digit()) {
            return Err("a duration cannot be negative".to_owned());
        }
    }
    if s.contains(':') {
        clock(s)
    } else {
        number(s, unit)
    }
}

/// `H:MM:SS[.fff]`.
fn clock(s: &str) -> Result<i64, String> {
    let shape = || "expected hours, minutes and seconds such as 0:05:30".to_owned();
    let mut parts = s.split(':');
    let (Some(h), Some(m), Some(sec), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(shape());
    };
    let hours = whole(h, shape)?;
    let minutes = two_digits(m).ok_or_else(shape)?;
    let (sec, frac) = sec.split_once(['.', ',']).unwrap_or((sec, "0"));
    let seconds = two_digits(sec).ok_or_else(shape)?;
    let millis = millis_of_fraction(frac).ok_or_else(shape)?;
    if minutes > 59 || seconds > 59 {
        return Err("minutes and seconds must be below 60".to_owned());
    }
    hours
        .checked_mul(3_600_000)
        .and_then(|ms| ms.checked_add(minutes * 60_000 + seconds * 1000 + millis))
        .ok_or_else(too_large)
}

/// A plain number of units, with an optional fraction.
fn number(s: &str, unit: DurationUnit) -> Result<i64, String> {
    let shape = || match unit {
        DurationUnit::Seconds => "expected whole seconds or H:MM:SS".to_owned(),
        DurationUnit::Millis => "expected whole milliseconds or H:MM:SS".to_owned(),
    };
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let int = whole(int, shape)?;
    match unit {
        DurationUnit::Seconds => {
            let millis = millis_of_fraction(frac).ok_or_else(shape)?;
            int.checked_mul(1000)
                .and_then(|ms| ms.checked_add(millis))
                .ok_or_else(too_large)
        }
        DurationUnit::Millis => {
            if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                return Err(shape());
            }
            Ok(int)
        }
    }
}

/// One to eighteen ASCII digits (which cannot overflow) as a number.
fn plain_digits(s: &str) -> Option<i64> {
    if s.is_empty() || s.len() > 18 {
        return None;
    }
    s.bytes().try_fold(0, |n: i64, b| {
        b.is_ascii_digit().then(|| n * 10 + i64::from(b - b'0'))
    })
}

fn too_large() -> String {
    "too large".to_owned()
}

/// One or more ASCII digits as a number.
fn whole(s: &str, shape: impl Fn() -> String) -> Result<i64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(shape());
    }
    s.parse().map_err(|_| too_large())
}

fn two_digits(s: &str) -> Option<i64> {
    let digits = s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| s.parse().ok()).flatten()
}

/// The digits after a decimal point as whole milliseconds (the first three
/// digits; the rest is below a millisecond).
fn millis_of_fraction(frac: &str) -> Option<i64> {
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut millis = 0;
    let mut digits = frac.bytes();
    for _ in 0..3 {
        millis = millis * 10 + digits.next().map_or(0, |b| i64::from(b - b'0'));
    }
    Some(millis)
}

#[cfg(test)]
mod tests {
    use super::{parse_duration, DurationUnit::*};

    #[test]
    fn plain_digits_read_as_the_general_path_reads_them() {
        for text in [
            "0",
            "7",
            "90",
            "007",
            "123456789012345678",
            "1234567890123456789",
            "9223372036854775807",
            "9223372036854776",
        ] {
            for unit in [Seconds, Millis] {
                let general = parse_duration(&format!(" {text}"), unit);
                assert_eq!(parse_duration(text, unit), general, "{text}");
            }
        }
        assert_eq!(
            parse_duration("9223372036854776", Seconds),
            Err("too large".to_owned())
        );
    }

    #[test]
    fn seconds_and_milliseconds() {
        assert_eq!(parse_duration("90", Seconds), Ok(90_000));
        assert_eq!(parse_duration(" 90 ", Seconds), Ok(90_000));
        assert_eq!(parse_duration("0", Seconds), Ok(0));
        assert_eq!(parse_duration("90.0", Seconds), Ok(90_000));
        assert_eq!(parse_duration("90.25", Seconds), Ok(90_250));
        assert_eq!(parse_duration("1.0005", Seconds), Ok(1000));
        assert_eq!(parse_duration("90500", Millis), Ok(90_500));
        assert_eq!(parse_duration("90500.9", Millis), Ok(90_500));
    }

    #[test]
    fn clock_readings() {
        assert_eq!(parse_duration("0:05:30", Seconds), Ok(330_000));
        assert_eq!(parse_duration("01:05:30", Seconds), Ok(3_930_000));
        // The unit is for plain numbers only; a clock reading is a clock reading.
        assert_eq!(parse_duration("01:05:30", Millis), Ok(3_930_000));
        assert_eq!(parse_duration("100:00:00", Seconds), Ok(360_000_000));
        assert_eq!(parse_duration("0:00:01.250", Seconds), Ok(1250));
    }

    #[test]
    fn empty_is_zero() {
        assert_eq!(parse_duration("", Seconds), Ok(0));
        assert_eq!(parse_duration("  ", Millis), Ok(0));
    }

    #[test]
    fn refusals() {
        let neg = Err("a duration cannot be negative".to_owned());
        assert_eq!(parse_duration("-5", Seconds), neg);
        assert_eq!(parse_duration("-0:00:05", Seconds), neg);
        let secs = Err("expected whole seconds or H:MM:SS".to_owned());
        for bad in ["abc", "5s", "1e3", "1.", ".5", "+5", "-x", "5 min", "1_000"] {
            assert_eq!(parse_duration(bad, Seconds), secs, "{bad}");
        }
        assert_eq!(
            parse_duration("5.5.5", Millis),
            Err("expected whole milliseconds or H:MM:SS".to_owned())
        );
        let clock = Err("expected hours, minutes and seconds such as 0:05:30".to_owned());
        for bad in [
            "5:30",
            "1:2:3",
            "1:02:03:04",
            ":05:30",
            "1:05:3x",
            "1:05:30.",
        ] {
            assert_eq!(parse_duration(bad, Seconds), clock, "{bad}");
        }
        assert_eq!(
            parse_duration("0:60:00", Seconds),
            Err("minutes and seconds must be below 60".to_owned())
        );
        let big = Err("too large".to_owned());
        assert_eq!(parse_duration("99999999999999999999", Seconds), big);
        assert_eq!(parse_duration("9223372036854775807", Seconds), big);
        assert_eq!(parse_duration("9223372036854775:00:00", Seconds), big);
    }
}
