//! Timestamps in data files: RFC 3339 with an offset, or a local wall-clock
//! time read in the agreement's time zone.
//!
//! Hand-written rather than chrono's `parse_from_rfc3339` or a format string:
//! it runs once per row of files with millions of rows, where chrono's
//! general-purpose parsers dominate the load time, and chrono's RFC 3339
//! parser does not take local times at all. The grammar is small enough to
//! check byte by byte:
//!
//! ```text
//! YYYY-MM-DD ('T' | 't' | ' ') HH:MM [':' SS ['.' FRACTION]] [OFFSET]
//! OFFSET = 'Z' | 'z' | ('+' | '-') HH [[':'] MM]
//! ```
//!
//! Surrounding white space is ignored. Without an offset the time is local:
//! one that falls in a daylight-saving gap is an error, one that occurs twice
//! takes the earlier instant.

use chrono::format::{Fixed, Item, Numeric, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::time::calendar::resolve_local_strict;

/// Parse one timestamp; the error is a plain, lower-case reason suitable for
/// a data issue (without the value itself, which the caller quotes).
///
/// The shape exports write is read inline ([`parse_exported`]), anything
/// else in a call ([`parse_general`]). A reader of millions of rows calls
/// [`parse_exported`] first on its own (see there).
#[inline]
pub fn parse_timestamp(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    match parse_exported(text) {
        Some(t) => Ok(t),
        None => parse_general(text, tz),
    }
}

/// How a file writes its times: the zone of local times, and the strftime
/// patterns of `time_format`, tried in order before the ISO forms.
#[derive(Debug, Clone)]
pub struct TimeForm {
    pub tz: Tz,
    formats: Vec<(String, Vec<Item<'static>>)>,
}

impl TimeForm {
    /// ISO forms only, local times in `tz`.
    pub fn iso(tz: Tz) -> TimeForm {
        TimeForm {
            tz,
            formats: Vec::new(),
        }
    }

    /// With `formats` tried first; each was checked with [`check_format`]
    /// when `accord.toml` was read (one that does not parse is left out).
    pub fn with_formats(tz: Tz, formats: &[String]) -> TimeForm {
        let formats = formats
            .iter()
            .filter_map(|f| {
                let items = StrftimeItems::new(f).parse_to_owned().ok()?;
                Some((f.clone(), items))
            })
            .collect();
        TimeForm { tz, formats }
    }

    /// One cell's instant; the error is a lower-case reason without the
    /// value.
    #[inline]
    pub fn parse(&self, text: &str) -> Result<DateTime<Utc>, String> {
        if !self.formats.is_empty() {
            return self.parse_formatted(text);
        }
        match parse_exported(text) {
            Some(t) => Ok(t),
            None => parse_general(text, self.tz),
        }
    }

    #[inline(never)]
    fn parse_formatted(&self, text: &str) -> Result<DateTime<Utc>, String> {
        // Salesforce's newer locale formats put a narrow or non-breaking
        // space before AM/PM; the patterns are written with a plain one.
        let spaced;
        let mut s = text.trim();
        if !s.is_ascii() {
            spaced = s.replace(['\u{202f}', '\u{a0}'], " ");
            s = &spaced;
        }
        for (_, items) in &self.formats {
            let mut parsed = Parsed::new();
            if chrono::format::parse(&mut parsed, s, items.iter()).is_err() {
                continue;
            }
            if let Ok(t) = parsed.to_datetime() {
                return Ok(t.to_utc());
            }
            if let Ok(local) = parsed.to_naive_datetime_with_offset(0) {
                return resolve_local_strict(self.tz, local).ok_or_else(|| {
                    format!(
                        "{} does not exist in {} (daylight-saving gap)",
                        local.format("%Y-%m-%d %H:%M:%S"),
                        self.tz.name()
                    )
                });
            }
        }
        match parse_exported(s) {
            Some(t) => Ok(t),
            None => parse_general(s, self.tz).map_err(|_| {
                let names: Vec<String> =
                    self.formats.iter().map(|(f, _)| format!("`{f}`")).collect();
                format!(
                    "matches no time_format ({}) and is not an ISO 8601 time",
                    names.join(", ")
                )
            }),
        }
    }
}

/// Whether `format` is a strftime pattern chrono can read a date and time
/// with; the error says what is wrong with it.
pub fn check_format(format: &str) -> Result<(), String> {
    let items = StrftimeItems::new(format).parse().map_err(|_| {
        "not a strftime pattern chrono reads (see `%Y`, `%m`, `%d`, `%H`, `%M`, `%p`)".to_owned()
    })?;
    let has = |wanted: &[Numeric]| {
        items.iter().any(|item| match item {
            Item::Numeric(n, _) => wanted.contains(n),
            Item::Fixed(Fixed::RFC3339 | Fixed::RFC2822) => true,
            _ => false,
        })
    };
    if !has(&[Numeric::Day, Numeric::Ordinal, Numeric::Timestamp]) {
        return Err("it has no day (`%d`, `%e`)".to_owned());
    }
    if !has(&[Numeric::Hour, Numeric::Hour12, Numeric::Timestamp]) {
        return Err("it has no hour (`%H`, `%I`): a date alone is no instant".to_owned());
    }
    Ok(())
}

/// The instant of a timestamp in the shape exports write (see
/// [`exported`]); None for any other text, which [`parse_timestamp`] reads.
/// For a reader of millions of rows: tried first on its own, the instant
/// stays in registers, where a `Result` shared with the general parser's
/// is put together in memory and read back in wider pieces (a stall).
#[inline]
pub fn parse_exported(text: &str) -> Option<DateTime<Utc>> {
    exported(text.as_bytes()).and_then(|(date, secs)| utc(date, secs))
}

/// [`parse_timestamp`] of anything [`exported`] does not read (a reader
/// that has tried [`parse_exported`] goes on here).
#[inline(never)]
pub fn parse_general(text: &str, tz: Tz) -> Result<DateTime<Utc>, String> {
    let s = text.trim().as_bytes();
    if s.is_empty() {
        return Err("empty".to_owned());
    }
    let mut p = Cursor { s, at: 0 };

    let date = p.date()?;
    if p.done() {
        return Err("a date without a time".to_owned());
    }
    if !p.eat_any(b"Tt ") {
        return Err(expected_date_time());
    }
    let time = p.time()?;

    if p.done() {
        let local = NaiveDate::from_ymd_opt(date.year, date.month, date.day)
            .zip(NaiveTime::from_hms_nano_opt(
                time.hour,
                time.minute,
                time.second,
                time.nano,
            ))
            .map(|(d, t)| NaiveDateTime::new(d, t))
            .ok_or_else(expected_date_time)?;
        return resolve_local_strict(tz, local).ok_or_else(|| {
            format!(
                "{} does not exist in {} (daylight-saving gap)",
                local.format(if time.second == 0 && time.nano == 0 {
                    "%Y-%m-%d %H:%M"
                } else {
                    "%Y-%m-%d %H:%M:%S%.f"
                }),
                tz.name()
            )
        });
    }
    let offset_secs = p.offset()?;
    if !p.done() {
        return Err("unexpected text after the time".to_owned());
    }
    // Straight to seconds since the epoch: chrono's calendar arithmetic
    // was a tenth of the time spent reading an activity.
    let secs = date.days_since_epoch() * 86_400 + time.seconds_of_day() - offset_secs;
    DateTime::from_timestamp(secs, time.nano).ok_or_else(|| "out of range".to_owned())
}

/// The shape exports write, `2027-01-04T09:13:27+01:00` or
/// `2027-01-04T09:13:27Z`, read by position, as the date written and the
/// UTC seconds since its midnight (a pair that comes back in a register;
/// see [`utc`]): a third of the time of the general parser, which takes
/// everything else (and anything out of range here, to name the problem).
fn exported(s: &[u8]) -> Option<(NaiveDate, i32)> {
    // `YYYY-MM-DDTHH:MM:SS` as three words: `YYYY-MM-`, `DDTHH:MM` and
    // `HH:MM:SS`, each checked and split into numbers a word at a time.
    let (head, rest) = s.split_first_chunk::<19>()?;
    let word = |at: usize| {
        let bytes: &[u8; 8] = head.get(at..at + 8)?.try_into().ok()?;
        Some(u64::from_le_bytes(*bytes))
    };
    let (date, day_time, time_of_day) = (word(0)?, word(8)?, word(11)?);
    const DATE: u64 = 0x00ff_ff00_ffff_ffff; // the digits of YYYY-MM-
    const DAY_TIME: u64 = 0xffff_00ff_ff00_ffff; // of DDTHH:MM, and HH:MM:SS
    let dashes = date & 0xff00_00ff_0000_0000 == 0x2d00_002d_0000_0000;
    let colons = time_of_day & 0x0000_ff00_00ff_0000 == 0x0000_3a00_003a_0000;
    let t = matches!((day_time >> 16) as u8, b'T' | b't' | b' ');
    if !(dashes && colons && t) {
        return None;
    }
    if !(digits(date, DATE) && digits(day_time, DAY_TIME) && digits(time_of_day, DAY_TIME)) {
        return None;
    }
    let offset_secs = match rest {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), oh0, oh1, b':', om0, om1] => {
            let (hours, minutes) = (two(*oh0, *oh1)?, two(*om0, *om1)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let secs = i64::from(hours * 3600 + minutes * 60);
            if *sign == b'-' {
                -secs
            } else {
                secs
            }
        }
        _ => return None,
    };
    let (date, day_time, time_of_day) = (pairs(date), pairs(day_time), pairs(time_of_day));
    let year = i32::try_from(lane(date, 0) * 100 + lane(date, 2)).ok()?;
    let date = calendar_date(year, lane(date, 5), lane(day_time, 0))?;
    let time = Time {
        hour: lane(day_time, 3),
        minute: lane(day_time, 6),
        second: lane(time_of_day, 6),
        nano: 0,
    };
    if time.hour > 23 || time.minute > 59 || time.second > 59 {
        return None;
    }
    let secs = i32::try_from(time.seconds_of_day() - offset_secs).ok()?;
    Some((date, secs))
}

/// The years [`calendar_date`] keeps a table of.
const TABLE_YEARS: std::ops::Range<i32> = 2000..2100;

/// Every date of [`TABLE_YEARS`] by year, month and day (32 to a month,
/// None where there is no such day), built by the compiler: 150 KB.
static DATES: [Option<NaiveDate>; 100 * 12 * 32] = {
    let mut dates = [None; 100 * 12 * 32];
    let (mut rest, mut i): (&mut [Option<NaiveDate>], usize) = (&mut dates, 0);
    while let [date, after @ ..] = rest {
        let (year, month, day) = (i / (12 * 32), i / 32 % 12, i % 32);
        *date = NaiveDate::from_ymd_opt(
            TABLE_YEARS.start + year as i32,
            month as u32 + 1,
            day as u32,
        );
        (rest, i) = (after, i + 1);
    }
    dates
};

/// `NaiveDate::from_ymd_opt`, from a table for the years data comes from:
/// chrono finds a year's leap flags and the day of the year in two tables
/// of its own and checks the result, about 40 instructions, which was 1.8%
/// of an evaluation's (every activity's time goes through here).
#[inline]
fn calendar_date(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    // Wrapped, a year before the table's or month 0 is out of range too.
    let years = TABLE_YEARS.end.abs_diff(TABLE_YEARS.start);
    let (y, m) = (
        year.wrapping_sub(TABLE_YEARS.start) as u32,
        month.wrapping_sub(1),
    );
    if y < years && m < 12 && day < 32 {
        DATES
            .get(((y * 12 + m) * 32 + day) as usize)
            .copied()
            .flatten()
    } else {
        NaiveDate::from_ymd_opt(year, month, day)
    }
}

/// The instant `secs` seconds (UTC) after the midnight starting `date`, for
/// `secs` within a day of it.
fn utc(date: NaiveDate, secs: i32) -> Option<DateTime<Utc>> {
    const DAY: i32 = 86_400;
    let (date, secs) = match secs {
        ..0 => (date.pred_opt()?, secs + DAY),
        DAY.. => (date.succ_opt()?, secs - DAY),
        _ => (date, secs),
    };
    let time = NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(secs).ok()?, 0)?;
    Some(date.and_time(time).and_utc())
}

/// Whether the bytes of `word` that `lanes` selects (0xff each) are all
/// ASCII digits. Each selected byte, less `'0'`, must be at most 9: no
/// bit of its high half set, nor once 6 is added (10 to 15 become 16 to
/// 21). A carry out of a byte only comes from one that fails already.
fn digits(word: u64, lanes: u64) -> bool {
    let d = (word ^ u64::from_le_bytes([b'0'; 8])) & lanes;
    (d | d.wrapping_add(u64::from_le_bytes([6; 8]) & lanes)) & 0xf0f0_f0f0_f0f0_f0f0 == 0
}

/// Each byte of `word` with the next, as two digits of a number: 10 times
/// its low half plus the next byte's (at most 165, so no byte carries into
/// the next). For the bytes of a two-digit number, its value.
fn pairs(word: u64) -> u64 {
    let d = word & 0x0f0f_0f0f_0f0f_0f0f;
    d * 10 + (d >> 8)
}

/// Byte `i` of `word`.
fn lane(word: u64, i: u32) -> u32 {
    u32::from((word >> (8 * i)) as u8)
}

/// Two ASCII digits as a number.
fn two(tens: u8, ones: u8) -> Option<u32> {
    let (tens, ones) = (tens.wrapping_sub(b'0'), ones.wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
}

/// A valid calendar date.
struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl Date {
    /// Days from 1970-01-01, proleptic Gregorian (Howard Hinnant's
    /// `days_from_civil`: years counted from March, so the leap day ends
    /// the year).
    fn days_since_epoch(&self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let year_of_era = y - era * 400;
        let day_of_year = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A valid time of day.
struct Time {
    hour: u32,
    minute: u32,
    second: u32,
    nano: u32,
}

impl Time {
    fn seconds_of_day(&self) -> i64 {
        i64::from(self.hour * 3600 + self.minute * 60 + self.second)
    }
}

fn expected_date_time() -> String {
    "expected a date and time such as 2027-01-04 09:13 or 2027-01-04T09:13:27+01:00".to_owned()
}

/// A position in the bytes being parsed.
struct Cursor<'a> {
    s: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    fn done(&self) -> bool {
        self.at >= self.s.len()
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    /// Consume one byte if it is one of `set`.
    fn eat_any(&mut self, set: &[u8]) -> bool {
        match self.peek() {
            Some(b) if set.contains(&b) => {
                self.at += 1;
                true
            }
            _ => false,
        }
    }

    /// Exactly `n` ASCII digits as a number (n ≤ 9, so no overflow).
    fn digits(&mut self, n: usize) -> Option<u32> {
        let mut value = 0u32;
        for _ in 0..n {
            let b = self.peek().filter(u8::is_ascii_digit)?;
            value = value * 10 + u32::from(b - b'0');
            self.at += 1;
        }
        Some(value)
    }

    fn date(&mut self) -> Result<Date, String> {
        let shape = || "expected a date such as 2027-01-04".to_owned();
        let year = self.digits(4).ok_or_else(shape)?;
        if !self.eat_any(b"-") {
            return Err(shape());
        }
        let month = self.digits(2).ok_or_else(shape)?;
        if !self.eat_any(b"-") {
            return Err(shape());
        }
        let day = self.digits(2).ok_or_else(shape)?;
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} does not exist"));
        }
        // Four digits always fit chrono's year range.
        let year = i32::try_from(year).map_err(|_| shape())?;
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("{year:04}-{month:02} has no day {day}"));
        }
        Ok(Date { year, month, day })
    }

    fn time(&mut self) -> Result<Time, String> {
        let shape = || "expected a time such as 09:13 or 09:13:27".to_owned();
        let hour = self.digits(2).ok_or_else(shape)?;
        if !self.eat_any(b":") {
            return Err(shape());
        }
        let minute = self.digits(2).ok_or_else(shape)?;
        let mut second = 0;
        let mut nano = 0;
        if self.eat_any(b":") {
            second = self.digits(2).ok_or_else(shape)?;
            if self.eat_any(b".,") {
                nano = self.fraction()?;
            }
        }
        if hour > 23 || minute > 59 || second > 59 {
            return Err(format!(
                "{hour:02}:{minute:02}:{second:02} is not a time of day"
            ));
        }
        Ok(Time {
            hour,
            minute,
            second,
            nano,
        })
    }

    /// Digits after the decimal point as nanoseconds; digits past the ninth
    /// are below chrono's resolution and dropped.
    fn fraction(&mut self) -> Result<u32, String> {
        let start = self.at;
        let mut nano = 0u32;
        let mut scale = 100_000_000u32;
        while let Some(b) = self.peek().filter(u8::is_ascii_digit) {
            nano += u32::from(b - b'0') * scale;
            scale /= 10;
            self.at += 1;
        }
        if self.at == start {
            return Err("expected digits after the decimal point".to_owned());
        }
        Ok(nano)
    }

    /// The UTC offset in seconds east of Greenwich.
    fn offset(&mut self) -> Result<i64, String> {
        if self.eat_any(b"Zz") {
            return Ok(0);
        }
        let shape = || "expected an offset such as +01:00 or Z after the time".to_owned();
        let sign = match self.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return Err(shape()),
        };
        self.at += 1;
        let hours = self.digits(2).ok_or_else(shape)?;
        let colon = self.eat_any(b":");
        let minutes = match self.peek() {
            Some(b) if b.is_ascii_digit() => self.digits(2).ok_or_else(shape)?,
            _ if colon => return Err(shape()),
            _ => 0,
        };
        if hours > 23 || minutes > 59 {
            return Err(format!("offset {hours:02}:{minutes:02} is out of range"));
        }
        Ok(sign * (i64::from(hours) * 3600 + i64::from(minutes) * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_timestamp;
    use chrono::{DateTime, Utc};
    use chrono_tz::{Europe::Amsterdam, UTC};

    fn ok(text: &str) -> DateTime<Utc> {
        parse_timestamp(text, Amsterdam).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
    }

    fn err(text: &str) -> String {
        parse_timestamp(text, Amsterdam).expect_err(text)
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn the_date_table_agrees_with_chrono() {
        // Around and inside the table's years, every month and day two
        // digits can write, valid or not.
        let years = (1999..2002).chain(2026..2030).chain(2098..2102);
        for year in years {
            for month in 0..100 {
                for day in 0..100 {
                    assert_eq!(
                        super::calendar_date(year, month, day),
                        chrono::NaiveDate::from_ymd_opt(year, month, day),
                        "{year}-{month}-{day}"
                    );
                }
            }
        }
    }

    #[test]
    fn rfc3339_with_offsets() {
        assert_eq!(ok("2027-01-04T09:13:27+01:00"), utc("2027-01-04T08:13:27Z"));
        assert_eq!(ok("2027-01-04T09:13:27Z"), utc("2027-01-04T09:13:27Z"));
        assert_eq!(ok("2027-01-04t09:13:27z"), utc("2027-01-04T09:13:27Z"));
        assert_eq!(ok("2027-01-04T09:13:27-05:30"), utc("2027-01-04T14:43:27Z"));
        assert_eq!(ok("2027-01-04T09:13:27+0100"), utc("2027-01-04T08:13:27Z"));
        assert_eq!(ok("2027-01-04T09:13:27+01"), utc("2027-01-04T08:13:27Z"));
        assert_eq!(ok("2027-01-04 09:13+01:00"), utc("2027-01-04T08:13:00Z"));
        // An offset that crosses midnight moves the date.
        assert_eq!(ok("2027-01-01T00:30:00+01:00"), utc("2026-12-31T23:30:00Z"));
    }

    #[test]
    fn fractions() {
        assert_eq!(
            ok("2027-01-04T09:13:27.250Z"),
            utc("2027-01-04T09:13:27.250Z")
        );
        assert_eq!(
            ok("2027-01-04T09:13:27.123456789+01:00"),
            utc("2027-01-04T08:13:27.123456789Z")
        );
        // Below a nanosecond is dropped.
        assert_eq!(
            ok("2027-01-04T09:13:27.1234567891Z"),
            utc("2027-01-04T09:13:27.123456789Z")
        );
        assert_eq!(
            ok("2027-01-04T09:13:27.250"),
            utc("2027-01-04T08:13:27.250Z")
        );
        assert_eq!(ok("2027-01-04 09:13:27,5"), utc("2027-01-04T08:13:27.5Z"));
        assert_eq!(
            err("2027-01-04T09:13:27.Z"),
            "expected digits after the decimal point"
        );
    }

    #[test]
    fn local_times_in_the_zone() {
        assert_eq!(ok("2027-01-04 09:13"), utc("2027-01-04T08:13:00Z"));
        assert_eq!(ok("2027-01-04T09:13:27"), utc("2027-01-04T08:13:27Z"));
        assert_eq!(ok("2027-07-04 09:13"), utc("2027-07-04T07:13:00Z"));
        assert_eq!(ok("  2027-01-04 09:13 \t"), utc("2027-01-04T08:13:00Z"));
        assert_eq!(
            parse_timestamp("2027-01-04 09:13", UTC).unwrap(),
            utc("2027-01-04T09:13:00Z")
        );
    }

    #[test]
    fn spring_forward_gap_is_an_error() {
        // 2027-03-28: clocks go from 02:00 to 03:00 in Amsterdam.
        assert_eq!(
            err("2027-03-28 02:30"),
            "2027-03-28 02:30 does not exist in Europe/Amsterdam (daylight-saving gap)"
        );
        assert_eq!(
            err("2027-03-28T02:00:00.5"),
            "2027-03-28 02:00:00.500 does not exist in Europe/Amsterdam (daylight-saving gap)"
        );
        assert_eq!(ok("2027-03-28 01:59:59"), utc("2027-03-28T00:59:59Z"));
        assert_eq!(ok("2027-03-28 03:00"), utc("2027-03-28T01:00:00Z"));
        // With an offset the instant is explicit, so no gap applies.
        assert_eq!(ok("2027-03-28T02:30:00+01:00"), utc("2027-03-28T01:30:00Z"));
    }

    #[test]
    fn fall_back_repeat_takes_the_earlier() {
        // 2027-10-31: 02:00-03:00 happens twice (CEST then CET).
        assert_eq!(ok("2027-10-31 02:30"), utc("2027-10-31T00:30:00Z"));
        assert_eq!(ok("2027-10-31 01:59"), utc("2027-10-30T23:59:00Z"));
        assert_eq!(ok("2027-10-31 03:00"), utc("2027-10-31T02:00:00Z"));
    }

    #[test]
    fn impossible_dates_and_times() {
        assert_eq!(err("2027-02-30 10:00"), "2027-02 has no day 30");
        // In exports' own shape too, which a faster path reads.
        assert_eq!(err("2027-02-30T10:00:00+01:00"), "2027-02 has no day 30");
        assert_eq!(err("2027-04-31T10:00:00Z"), "2027-04 has no day 31");
        assert_eq!(
            err("2027-01-04T23:59:60+01:00"),
            "23:59:60 is not a time of day"
        );
        assert_eq!(
            err("2027-01-4xT10:00:00Z"),
            "expected a date such as 2027-01-04"
        );
        assert_eq!(err("2027-02-29 10:00"), "2027-02 has no day 29");
        assert_eq!(ok("2028-02-29 10:00"), utc("2028-02-29T09:00:00Z"));
        assert_eq!(err("2027-13-01 10:00"), "month 13 does not exist");
        assert_eq!(err("2027-00-01 10:00"), "month 0 does not exist");
        assert_eq!(err("2027-01-00 10:00"), "2027-01 has no day 0");
        assert_eq!(err("2027-01-04 24:00"), "24:00:00 is not a time of day");
        assert_eq!(err("2027-01-04 23:60"), "23:60:00 is not a time of day");
        assert_eq!(err("2027-01-04 23:59:60"), "23:59:60 is not a time of day");
        assert_eq!(
            err("2027-01-04T10:00:00+24:00"),
            "offset 24:00 is out of range"
        );
        // The same in exports' shape.
        assert_eq!(err("2027-01-04T24:00:00Z"), "24:00:00 is not a time of day");
        assert_eq!(err("2027-01-04T23:60:00Z"), "23:60:00 is not a time of day");
        assert_eq!(err("2027-02-29T10:00:00Z"), "2027-02 has no day 29");
        assert_eq!(ok("2028-02-29T10:00:00Z"), utc("2028-02-29T10:00:00Z"));
    }

    #[test]
    fn the_autumn_hour_written_twice_is_told_apart_by_its_offset() {
        // 2027-10-31 in Amsterdam: 02:30 comes once at +02:00, once at +01:00.
        assert_eq!(ok("2027-10-31T02:30:00+02:00"), utc("2027-10-31T00:30:00Z"));
        assert_eq!(ok("2027-10-31T02:30:00+01:00"), utc("2027-10-31T01:30:00Z"));
    }

    #[test]
    fn dates_without_times_and_garbage() {
        assert_eq!(err("2027-01-04"), "a date without a time");
        assert_eq!(err(" 2027-01-04 "), "a date without a time");
        assert_eq!(err(""), "empty");
        assert_eq!(err("   "), "empty");
        let date = "expected a date such as 2027-01-04";
        assert_eq!(err("yesterday"), date);
        assert_eq!(err("04/01/2027 09:13"), date);
        assert_eq!(err("27-01-04 09:13"), date);
        assert_eq!(err("2027-1-4 09:13"), date);
        assert_eq!(err("２０２７-01-04 09:13"), date);
        let time = "expected a time such as 09:13 or 09:13:27";
        assert_eq!(err("2027-01-04 9:13"), time);
        assert_eq!(err("2027-01-04 09"), time);
        assert_eq!(err("2027-01-04 09:1"), time);
        assert_eq!(err("2027-01-04T"), time);
        assert_eq!(
            err("2027-01-04X09:13"),
            "expected a date and time such as 2027-01-04 09:13 or 2027-01-04T09:13:27+01:00"
        );
        let offset = "expected an offset such as +01:00 or Z after the time";
        assert_eq!(err("2027-01-04 09:13:27 CET"), offset);
        assert_eq!(err("2027-01-04 09:13:27+1"), offset);
        assert_eq!(err("2027-01-04 09:13:27+01:"), offset);
        assert_eq!(
            err("2027-01-04 09:13:27Zulu"),
            "unexpected text after the time"
        );
        assert_eq!(
            err("2027-01-04 09:13:27+01:00:00"),
            "unexpected text after the time"
        );
    }

    #[test]
    fn never_panics_on_prefixes_of_valid_input() {
        let full = "2027-01-04T09:13:27.250+01:00";
        for end in 0..=full.len() {
            let _ = parse_timestamp(&full[..end], Amsterdam);
        }
        for text in [
            "\u{feff}2027",
            "9999-12-31T23:59:59-23:59",
            "0000-01-01T00:00:00+23:59",
        ] {
            let _ = parse_timestamp(text, Amsterdam);
        }
    }

    #[test]
    fn leap_days_by_the_century_rule() {
        assert_eq!(err("1900-02-29 10:00"), "1900-02 has no day 29");
        assert_eq!(ok("2000-02-29T10:00:00Z"), utc("2000-02-29T10:00:00Z"));
        assert_eq!(ok("2400-02-29T10:00:00Z"), utc("2400-02-29T10:00:00Z"));
        assert_eq!(err("2100-02-29T10:00:00Z"), "2100-02 has no day 29");
        assert_eq!(ok("2027-12-31T23:59:59-01:00"), utc("2028-01-01T00:59:59Z"));
    }

    proptest::proptest! {
        /// A byte of an export's timestamp changed to any other: the fast
        /// path reads what the general parser reads (a leading space sends
        /// the text there), or leaves it to it.
        #[test]
        fn the_fast_path_accepts_only_what_the_general_parser_accepts(
            at in 0usize..25,
            byte in proptest::num::u8::ANY,
            zulu in proptest::bool::ANY,
        ) {
            let mut text = if zulu { b"2027-03-28T02:30:00Z".to_vec() } else { b"2027-03-28T02:30:00+01:00".to_vec() };
            if let Some(b) = text.get_mut(at) {
                *b = byte;
            }
            if let Ok(text) = std::str::from_utf8(&text) {
                let general = parse_timestamp(&format!(" {text}"), Amsterdam).ok();
                if let Some((date, secs)) = super::exported(text.as_bytes()) {
                    proptest::prop_assert_eq!(super::utc(date, secs), general, "{}", text);
                }
                proptest::prop_assert_eq!(parse_timestamp(text, Amsterdam).ok(), general, "{}", text);
            }
        }

        /// The arithmetic from date, time and offset to an instant agrees
        /// with chrono's over the whole four-digit range, on the fast path
        /// for exports' shape (no fraction) and on the general one.
        #[test]
        fn instants_agree_with_chrono(
            year in 0i32..=9999,
            month in 1u32..=12,
            day in 1u32..=31,
            second_of_day in 0u32..86_400,
            nano in proptest::option::of(0u32..1_000_000_000),
            offset_minutes in -1439i32..=1439,
        ) {
            let (hour, minute, second) = (second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60);
            let sign = if offset_minutes < 0 { '-' } else { '+' };
            let fraction = nano.map(|n| format!(".{n:09}")).unwrap_or_default();
            let offset = match offset_minutes {
                0 => "Z".to_owned(),
                m => format!("{sign}{:02}:{:02}", m.abs() / 60, m.abs() % 60),
            };
            let text = format!(
                "{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{offset}"
            );
            let expected = chrono::NaiveDate::from_ymd_opt(year, month, day)
                .and_then(|d| d.and_hms_nano_opt(hour, minute, second, nano.unwrap_or(0)))
                .and_then(|t| t.checked_sub_signed(chrono::TimeDelta::minutes(offset_minutes.into())))
                .map(|t| t.and_utc());
            proptest::prop_assert_eq!(parse_timestamp(&text, Amsterdam).ok(), expected, "{}", text);
        }
    }
}
