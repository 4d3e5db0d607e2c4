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
//!   second (`0:05:30`, `01:05:30.250`, `100:00:00`). A two-part reading is
//!   refused unless `duration_format` says which two parts it has (`h:mm`,
//!   Pipedrive's `00:30`, or `mm:ss`): `5:30` could be minutes or hours,
//!   and guessing wrong is silent.
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
    /// Minutes.
    #[serde(rename = "min")]
    Minutes,
}

impl DurationUnit {
    fn millis(self) -> i64 {
        match self {
            DurationUnit::Seconds => 1000,
            DurationUnit::Millis => 1,
            DurationUnit::Minutes => 60_000,
        }
    }

    fn name(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "seconds",
            DurationUnit::Millis => "milliseconds",
            DurationUnit::Minutes => "minutes",
        }
    }
}

/// The clock form of a duration cell (`duration_format`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum DurationFormat {
    /// `0:05:30` (the default).
    #[default]
    #[serde(rename = "h:mm:ss")]
    HoursMinutesSeconds,
    /// `00:30`: thirty minutes (Pipedrive).
    #[serde(rename = "h:mm")]
    HoursMinutes,
    /// `05:30`: five and a half minutes.
    #[serde(rename = "mm:ss")]
    MinutesSeconds,
}

/// How a file writes durations: the unit of plain numbers and the clock
/// form.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DurationForm {
    pub unit: DurationUnit,
    pub clock: DurationFormat,
}

impl From<DurationUnit> for DurationForm {
    fn from(unit: DurationUnit) -> Self {
        DurationForm {
            unit,
            clock: DurationFormat::default(),
        }
    }
}

/// Parse one duration cell into milliseconds; the error is a lower-case
/// reason without the value itself.
#[inline]
pub fn parse_duration(text: &str, form: impl Into<DurationForm>) -> Result<i64, String> {
    let DurationForm { unit, clock: shape } = form.into();
    // Most cells are empty (an e-mail, a note) or a few digits: read them
    // at once (each activity row has one).
    if text.is_empty() {
        return Ok(0);
    }
    if let Some(n) = plain_digits(text) {
        return n.checked_mul(unit.millis()).ok_or_else(too_large);
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
        clock(s, shape)
    } else {
        number(s, unit)
    }
}

/// `H:MM:SS[.fff]`, or the two-part form `shape` names.
fn clock(s: &str, shape: DurationFormat) -> Result<i64, String> {
    let parts: Vec<&str> = s.split(':').collect();
    let (h, m, sec) = match (parts.as_slice(), shape) {
        ([h, m, sec], _) => (*h, *m, *sec),
        ([h, m], DurationFormat::HoursMinutes) => (*h, *m, "00"),
        ([m, sec], DurationFormat::MinutesSeconds) => ("0", *m, *sec),
        ([_, _], DurationFormat::HoursMinutesSeconds) => {
            return Err("expected hours, minutes and seconds such as 0:05:30 \
                 (set `duration_format` to \"h:mm\" or \"mm:ss\" for two parts)"
                .to_owned())
        }
        _ => return Err(clock_shape(shape)),
    };
    let wrong = || clock_shape(shape);
    let (hours, minutes) = if parts.len() == 2 && shape == DurationFormat::MinutesSeconds {
        (0, whole(m, wrong)?)
    } else {
        (whole(h, wrong)?, two_digits(m).ok_or_else(wrong)?)
    };
    let (sec, frac) = sec.split_once('.').unwrap_or((sec, "0"));
    let seconds = two_digits(sec).ok_or_else(wrong)?;
    let millis = millis_of_fraction(frac).ok_or_else(wrong)?;
    let minutes_bounded = parts.len() == 3 || shape == DurationFormat::HoursMinutes;
    if (minutes_bounded && minutes > 59) || seconds > 59 {
        return Err("minutes and seconds must be below 60".to_owned());
    }
    hours
        .checked_mul(3_600_000)
        .and_then(|ms| ms.checked_add(minutes.checked_mul(60_000)?))
        .and_then(|ms| ms.checked_add(seconds * 1000 + millis))
        .ok_or_else(too_large)
}

fn clock_shape(shape: DurationFormat) -> String {
    match shape {
        DurationFormat::HoursMinutesSeconds => {
            "expected hours, minutes and seconds such as 0:05:30".to_owned()
        }
        DurationFormat::HoursMinutes => {
            "expected hours and minutes such as 0:30, or 0:05:30".to_owned()
        }
        DurationFormat::MinutesSeconds => {
            "expected minutes and seconds such as 5:30, or 0:05:30".to_owned()
        }
    }
}

/// A plain number of units, with an optional fraction.
fn number(s: &str, unit: DurationUnit) -> Result<i64, String> {
    let shape = || format!("expected whole {} or H:MM:SS", unit.name());
    let (int, frac) = s.split_once('.').unwrap_or((s, "0"));
    let int = whole(int, shape)?;
    if frac.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(shape());
    }
    // The fraction to the millisecond: a tenth of a minute is 6,000 ms.
    let scale = unit.millis();
    let mut fraction = 0;
    let mut place = scale;
    for digit in frac.bytes().take(9) {
        place /= 10;
        fraction += i64::from(digit - b'0') * place;
        if place == 0 {
            break;
        }
    }
    int.checked_mul(scale)
        .and_then(|ms| ms.checked_add(fraction))
        .ok_or_else(too_large)
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
        assert_eq!(
            parse_duration("5:30", Seconds),
            Err("expected hours, minutes and seconds such as 0:05:30 \
                 (set `duration_format` to \"h:mm\" or \"mm:ss\" for two parts)"
                .to_owned())
        );
        let clock = Err("expected hours, minutes and seconds such as 0:05:30".to_owned());
        for bad in [
            "1:2:3",
            "0:01:30,5",
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

    #[test]
    fn minutes_and_two_part_clocks() {
        use super::{DurationForm, DurationFormat::*};
        assert_eq!(parse_duration("3", Minutes), Ok(180_000));
        assert_eq!(parse_duration("2.5", Minutes), Ok(150_000));
        assert_eq!(parse_duration("0.05", Minutes), Ok(3_000));
        assert_eq!(
            parse_duration("7", Minutes),
            Ok(7 * 60_000),
            "the unit scales plain numbers only"
        );
        assert_eq!(
            parse_duration("x", Minutes),
            Err("expected whole minutes or H:MM:SS".to_owned())
        );
        let form = |clock| DurationForm {
            unit: Seconds,
            clock,
        };
        // Pipedrive: hours and minutes.
        assert_eq!(parse_duration("00:30", form(HoursMinutes)), Ok(1_800_000));
        assert_eq!(parse_duration("1:05", form(HoursMinutes)), Ok(3_900_000));
        assert_eq!(parse_duration("26:00", form(HoursMinutes)), Ok(93_600_000));
        assert_eq!(
            parse_duration("0:75", form(HoursMinutes)),
            Err("minutes and seconds must be below 60".to_owned())
        );
        // Minutes and seconds, minutes unbounded.
        assert_eq!(parse_duration("05:30", form(MinutesSeconds)), Ok(330_000));
        assert_eq!(
            parse_duration("75:30.5", form(MinutesSeconds)),
            Ok(4_530_500)
        );
        assert_eq!(
            parse_duration("5:75", form(MinutesSeconds)),
            Err("minutes and seconds must be below 60".to_owned())
        );
        // Three parts are hours, minutes and seconds whatever the form.
        for clock in [HoursMinutesSeconds, HoursMinutes, MinutesSeconds] {
            assert_eq!(parse_duration("0:05:30", form(clock)), Ok(330_000));
        }
        assert_eq!(
            parse_duration("1:2:3:4", form(HoursMinutes)),
            Err("expected hours and minutes such as 0:30, or 0:05:30".to_owned())
        );
        assert_eq!(
            parse_duration("a:30", form(MinutesSeconds)),
            Err("expected minutes and seconds such as 5:30, or 0:05:30".to_owned())
        );
    }
}
