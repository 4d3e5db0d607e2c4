//! A deterministic generator of CRM-like data for accord: a leads table and
//! an activities table, shaped to exercise `rules/b2b-inbound.sla`. The
//! bundled sample in `rules/data/` is its output (see the README there):
//!
//! ```text
//! cargo run --release --example generate -- --leads 400 --seed 8 \
//!     --from 2027-01-01 --to 2027-04-15 --bad-rows 1 --out rules/data \
//!     --order lead --columns sample --owners 3
//! ```
//!
//! Options: `--leads N` (required), `--seed S` (default 1), `--format csv|jsonl`
//! (default csv), `--out DIR` (default `.`), `--from DATE` and `--to DATE`
//! (hand-offs fall in [from, to), local days in Europe/Amsterdam; defaults
//! 2027-01-01 and 2027-04-15), `--bad-rows K` (default 0), `--order
//! time|lead|shuffled` (default time), `--columns wide|sample` (default
//! wide), `--owners N` (default 26). It writes `DIR/leads.EXT` and
//! `DIR/activities.EXT`.
//!
//! The same arguments always give the same bytes, and the three orders the
//! same rows. Leads are written in id order, which is hand-off order.
//! Activities come sorted by time (as most CRMs export them, ties in the
//! order they were made), by lead (through a bounded shuffle buffer, so
//! that neighbouring leads' rows mix while memory stays flat), or shuffled
//! whole. The data is an export taken at the start of `--to`: no activity at
//! or after it is written.
//!
//! The wide columns are those of a real CRM's export: the lead's persona,
//! offer, source, owner, company, e-mail, phone and a free-text status; an
//! activity's lead, time, kind, actor (the lead's owner), duration and
//! outcome. The sample's columns put the status on feedback activities
//! instead.
//!
//! Each lead has its own random stream (seeded from the seed and its number),
//! so changing how one lead is generated does not reshuffle every other one.
//!
//! The sales reps behave differently on purpose: ann is quick and thorough,
//! bob is close to the agreement's targets, carla is slower, calls less and
//! forgets feedback more often (with more than three, each further rep
//! works as one of these). Hand-offs come mostly in office hours on
//! weekdays, a little more often as the range goes on (marketing ramps up);
//! first touches mostly within minutes to an hour of office time, with a
//! long tail of days. About 5% of leads are never touched: 2% are not handed
//! off at all, the rest are left alone by their rep.
//!
//! `--bad-rows K` adds, K times each: a duplicate lead id (leads file), an
//! activity of a lead that is not in the leads file, and a bad timestamp
//! (alternately in the activities and the leads file, activities first). A
//! lead whose hand-off time is bad gets no activities, so each bad row is
//! one data issue: 3K in all. (A lead without owner, which is rare, adds
//! issues of its own when rules are split per owner.)

use std::fmt::{self, Write as _};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeDelta,
    TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;

/// The sample agreement's time zone: hand-offs, office hours and written
/// offsets are all in it.
const TZ: Tz = chrono_tz::Europe::Amsterdam;

/// The sales reps' names, `--owners` of them from the first: owner k works
/// as [`PROFILES`]`[k % 3]` does. The sample's three come first.
const OWNER_NAMES: [&str; 26] = [
    "ann", "bob", "carla", "dirk", "eva", "finn", "greta", "hugo", "iris", "joost", "kim", "lars",
    "mia", "niels", "olga", "piet", "quinn", "rosa", "sem", "tess", "ugo", "vera", "wim", "xander",
    "yara", "zoe",
];

/// Owner `k`'s address: a name of [`OWNER_NAMES`], numbered past 26.
fn owner_address(k: usize) -> String {
    let name = OWNER_NAMES.get(k % 26).copied().unwrap_or("rep");
    match k / 26 {
        0 => format!("{name}@northwind.example"),
        n => format!("{name}{n}@northwind.example"),
    }
}

/// Rows held back by the shuffle buffer of the activities file.
const SHUFFLE_ROWS: usize = 8192;

/// The office calendar of `rules/b2b-inbound.sla`: open seconds of the day
/// (mon-fri 09:00-12:30, 13:00-17:30) and closed days.
const HOURS: [(i64, i64); 2] = [(9 * 3600, 12 * 3600 + 1800), (13 * 3600, 17 * 3600 + 1800)];
const OPEN_SECS: i64 = 8 * 3600;
const CLOSED: [(i32, u32, u32); 2] = [(2027, 4, 27), (2027, 5, 5)];

/// The columns of the sample (`--columns sample`).
const SAMPLE_LEAD_COLUMNS: [&str; 9] = [
    "id",
    "handed_off_at",
    "source",
    "email",
    "phone",
    "company",
    "persona",
    "offer",
    "owner",
];
const SAMPLE_ACTIVITY_COLUMNS: [&str; 6] = ["lead", "at", "kind", "duration", "outcome", "status"];

/// The columns of a wider export (`--columns wide`, the default): the lead's
/// own status as free text, and who did each activity.
const WIDE_LEAD_COLUMNS: [&str; 10] = [
    "id",
    "handed_off_at",
    "persona",
    "offer",
    "source",
    "owner",
    "company",
    "email",
    "phone",
    "status",
];
const WIDE_ACTIVITY_COLUMNS: [&str; 6] = ["lead", "at", "kind", "actor", "duration", "outcome"];

/// Bad timestamps for `--bad-rows`, used in turn: a local time in the
/// 2027 daylight-saving gap, a European day-first date, a day that does not
/// exist, a date without a time.
const BAD_TIMES: [&str; 4] = [
    "2027-03-28 02:30",
    "14/02/2027 10:15",
    "2027-02-30T10:00:00+01:00",
    "2027-01-15",
];

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------
// Arguments

/// The order of the activities file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    /// By time, ties in the order they were made: as most CRMs export.
    Time,
    /// A lead's activities close together (a bounded shuffle buffer mixes
    /// neighbouring leads' rows), as an export sorted by lead would be.
    Lead,
    /// Every row anywhere.
    Shuffled,
}

/// Which columns the files have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Columns {
    Sample,
    Wide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Jsonl,
}

impl Format {
    fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
        }
    }
}

struct Args {
    leads: u64,
    seed: u64,
    format: Format,
    out: PathBuf,
    from: NaiveDate,
    to: NaiveDate,
    bad_rows: u64,
    order: Order,
    columns: Columns,
    owners: usize,
}

const USAGE: &str = "usage: generate --leads N [--seed S] [--format csv|jsonl] [--out DIR] \
                     [--from 2027-01-01] [--to 2027-04-15] [--bad-rows K] \
                     [--order time|lead|shuffled] [--columns wide|sample] [--owners 26]";

fn parse_args() -> Result<Option<Args>, String> {
    let mut leads = None;
    let mut seed = 1;
    let mut format = Format::Csv;
    let mut out = PathBuf::from(".");
    let mut from = date("2027-01-01")?;
    let mut to = date("2027-04-15")?;
    let mut bad_rows = 0;
    let mut order = Order::Time;
    let mut columns = Columns::Wide;
    let mut owners = 26;

    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            return Ok(None);
        }
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        match name.as_str() {
            "--leads" => leads = Some(number(&name, &value()?)?),
            "--seed" => seed = number(&name, &value()?)?,
            "--format" => {
                format = match value()?.as_str() {
                    "csv" => Format::Csv,
                    "jsonl" => Format::Jsonl,
                    other => return Err(format!("--format must be csv or jsonl, not {other:?}")),
                }
            }
            "--out" => out = PathBuf::from(value()?),
            "--from" => from = date(&value()?)?,
            "--to" => to = date(&value()?)?,
            "--bad-rows" => bad_rows = number(&name, &value()?)?,
            "--order" => {
                order = match value()?.as_str() {
                    "time" => Order::Time,
                    "lead" => Order::Lead,
                    "shuffled" => Order::Shuffled,
                    other => {
                        return Err(format!(
                            "--order must be time, lead or shuffled, not {other:?}"
                        ))
                    }
                }
            }
            "--columns" => {
                columns = match value()?.as_str() {
                    "wide" => Columns::Wide,
                    "sample" => Columns::Sample,
                    other => {
                        return Err(format!("--columns must be wide or sample, not {other:?}"))
                    }
                }
            }
            "--owners" => {
                owners = usize::try_from(number(&name, &value()?)?).unwrap_or(usize::MAX);
                if owners == 0 {
                    return Err("--owners must be at least 1".to_owned());
                }
            }
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    let leads = leads.ok_or_else(|| format!("--leads is required\n{USAGE}"))?;
    if to <= from {
        return Err(format!("--to ({to}) must come after --from ({from})"));
    }
    Ok(Some(Args {
        leads,
        seed,
        format,
        out,
        from,
        to,
        bad_rows,
        order,
        columns,
        owners,
    }))
}

fn number(name: &str, text: &str) -> Result<u64, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("{name} takes a whole number, not {text:?}"))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| format!("expected a date such as 2027-01-01, not {text:?}"))
}

// ---------------------------------------------------------------------------
// Randomness

/// SplitMix64, written out rather than taken from `rand`: the sample must be
/// byte-identical forever, and `rand` does not promise stable seeded streams
/// across versions.
struct Rng(u64);

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Stream numbers of the generator-wide streams; leads use their number.
const STREAM_ARRIVALS: u64 = u64::MAX;
const STREAM_SHUFFLE: u64 = u64::MAX - 1;
const STREAM_BAD: u64 = u64::MAX - 2;
/// Mixed into the seed of each lead's stream of free-text status, so that
/// the wide columns change nothing else a lead draws.
const STATUS_SALT: u64 = 0x5747_4154_5553;

impl Rng {
    /// An independent stream for `(seed, stream)`: the state is hashed, so
    /// neighbouring streams are not shifted copies of each other.
    fn stream(seed: u64, stream: u64) -> Rng {
        Rng(mix(
            mix(seed) ^ mix(stream.wrapping_mul(GOLDEN).wrapping_add(1))
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        mix(self.0)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [0, n) (0 when n is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in [lo, hi).
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below(hi.saturating_sub(lo).max(0) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Exponential with mean 1.
    fn exp(&mut self) -> f64 {
        -(1.0 - self.unit()).ln()
    }

    fn pick<T: Copy + Default>(&mut self, items: &[T]) -> T {
        items
            .get(self.below(items.len() as u64) as usize)
            .copied()
            .unwrap_or_default()
    }

    fn weighted<T: Copy + Default>(&mut self, items: &[(T, u32)]) -> T {
        let total: u64 = items.iter().map(|&(_, w)| u64::from(w)).sum();
        let mut x = self.below(total);
        for &(item, w) in items {
            if x < u64::from(w) {
                return item;
            }
            x -= u64::from(w);
        }
        T::default()
    }
}

// ---------------------------------------------------------------------------
// Time: local wall-clock times in TZ and the office calendar

fn local(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&TZ).naive_local()
}

/// The instant of a local time; the earlier of a repeated one, and a time in
/// a daylight-saving gap moves forward by the gap.
fn instant(l: NaiveDateTime) -> DateTime<Utc> {
    TZ.from_local_datetime(&l)
        .earliest()
        .or_else(|| {
            TZ.from_local_datetime(&(l + TimeDelta::hours(1)))
                .earliest()
        })
        .map_or_else(|| l.and_utc(), |t| t.with_timezone(&Utc))
}

fn seconds_of_day(l: NaiveDateTime) -> i64 {
    i64::from(l.num_seconds_from_midnight())
}

fn at_seconds(day: NaiveDate, seconds: i64) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN) + TimeDelta::seconds(seconds)
}

fn is_office_day(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
        && !CLOSED.contains(&(day.year(), day.month(), day.day()))
}

fn is_open(l: NaiveDateTime) -> bool {
    let s = seconds_of_day(l);
    is_office_day(l.date()) && HOURS.iter().any(|&(a, b)| (a..b).contains(&s))
}

fn days_later(day: NaiveDate, days: i64) -> NaiveDate {
    day.checked_add_signed(TimeDelta::days(days)).unwrap_or(day)
}

/// The first office day on or after `day`.
fn office_day_from(mut day: NaiveDate) -> NaiveDate {
    for _ in 0..30 {
        if is_office_day(day) {
            break;
        }
        day = days_later(day, 1);
    }
    day
}

/// `seconds` of open office time after `from` (from the next opening if the
/// office is closed then).
fn add_office(from: NaiveDateTime, seconds: i64) -> NaiveDateTime {
    let mut left = seconds;
    let mut day = from.date();
    let mut time = seconds_of_day(from);
    for _ in 0..3660 {
        if is_office_day(day) {
            for &(open, close) in &HOURS {
                if time < close {
                    let start = time.max(open);
                    if left <= close - start {
                        return at_seconds(day, start + left);
                    }
                    left -= close - start;
                    time = close;
                }
            }
        }
        day = days_later(day, 1);
        time = 0;
    }
    from + TimeDelta::seconds(seconds)
}

/// A random office time on the first office day on or after `day`.
fn office_time(day: NaiveDate, rng: &mut Rng) -> NaiveDateTime {
    let day = office_day_from(day);
    let mut s = rng.between(0, OPEN_SECS);
    for &(open, close) in &HOURS {
        if s < close - open {
            return at_seconds(day, open + s);
        }
        s -= close - open;
    }
    at_seconds(day, HOURS[0].0)
}

/// A random evening time (18:00-22:00) on `day`.
fn evening_time(day: NaiveDate, rng: &mut Rng) -> NaiveDateTime {
    at_seconds(day, rng.between(18 * 3600, 22 * 3600))
}

// ---------------------------------------------------------------------------
// Hand-off times: exactly N sorted instants in [from, to), dense in office
// hours. The range is cut into local hours with a weight each; N sorted
// uniform points over the total weight (normalised exponential spacings,
// drawn twice from the same stream so nothing is stored) land in the hours
// in proportion to their weight, with Poisson-like gaps.

struct Hour {
    start: DateTime<Utc>,
    weight: f64,
}

fn hour_weight(day: NaiveDate, hour: u32) -> f64 {
    const WEEKDAY: [f64; 24] = [
        0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.3, 0.8, 3.0, 10.0, 11.0, 11.0, 8.0, 9.0, 10.0, 10.0, 9.0,
        6.0, 2.5, 2.0, 2.0, 1.5, 0.6, 0.3,
    ];
    const WEEKEND: [f64; 24] = [
        0.2, 0.2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.6, 1.0, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.0,
        1.0, 1.2, 1.2, 1.0, 0.6, 0.3,
    ];
    let table = if is_office_day(day) { WEEKDAY } else { WEEKEND };
    table.get(hour as usize).copied().unwrap_or(0.0)
}

/// Every local hour in [from, to) with its weight. Marketing ramps up: the
/// weights grow from 0.8× at the start to 1.2× at the end of the range.
fn hours_between(from: NaiveDate, to: NaiveDate) -> Vec<Hour> {
    let span = (to - from).num_days().max(1) as f64;
    let mut hours = Vec::new();
    let mut day = from;
    while day < to {
        for hour in 0..24 {
            let l = at_seconds(day, i64::from(hour) * 3600);
            // An hour that does not exist (the daylight-saving gap) gets no
            // hand-offs; a repeated one is counted once.
            if let LocalResult::Single(t) | LocalResult::Ambiguous(t, _) =
                TZ.from_local_datetime(&l)
            {
                let elapsed = (day - from).num_days() as f64 + f64::from(hour) / 24.0;
                hours.push(Hour {
                    start: t.with_timezone(&Utc),
                    weight: hour_weight(day, hour) * (0.8 + 0.4 * elapsed / span),
                });
            }
        }
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    hours
}

struct Arrivals {
    hours: Vec<Hour>,
    at: usize,
    before: f64,
    spacing: Rng,
    position: f64,
    scale: f64,
}

impl Arrivals {
    fn new(seed: u64, leads: u64, from: NaiveDate, to: NaiveDate) -> Arrivals {
        let hours = hours_between(from, to);
        let weight: f64 = hours.iter().map(|h| h.weight).sum();
        let mut spacing = Rng::stream(seed, STREAM_ARRIVALS);
        let total: f64 = (0..=leads).map(|_| spacing.exp()).sum();
        Arrivals {
            hours,
            at: 0,
            before: 0.0,
            spacing: Rng::stream(seed, STREAM_ARRIVALS),
            position: 0.0,
            scale: weight / total,
        }
    }

    /// The next hand-off instant, never earlier than the previous one.
    fn next(&mut self) -> Option<DateTime<Utc>> {
        self.position += self.spacing.exp() * self.scale;
        loop {
            let hour = self.hours.get(self.at)?;
            if self.position < self.before + hour.weight || self.at + 1 == self.hours.len() {
                let fraction = ((self.position - self.before) / hour.weight).clamp(0.0, 0.9999);
                let millis = (fraction * 3_600_000.0) as i64;
                return Some(hour.start + TimeDelta::seconds(millis / 1000));
            }
            self.before += hour.weight;
            self.at += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Leads

const FIRST_NAMES: [&str; 32] = [
    "Anouk", "Bram", "Daan", "Emma", "Femke", "Joris", "Lotte", "Milan", "Noah", "Sanne", "Sophie",
    "Thijs", "Lars", "Fleur", "Ruben", "Eva", "Jeroen", "Inge", "Pieter", "Maud", "Wouter",
    "Lieke", "Koen", "Nina", "Hugo", "Elise", "Arthur", "Louise", "Mathis", "Chloé", "Luc",
    "Marie",
];
const LAST_NAMES: [&str; 26] = [
    "de Vries",
    "Jansen",
    "van Dijk",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Peeters",
    "Maes",
    "Janssens",
    "Claes",
    "Willems",
    "Goossens",
    "Wouters",
    "Schmit",
    "Muller",
    "Weber",
];
const COMPANY_STEMS: [&str; 24] = [
    "Noord", "Zuid", "Oost", "West", "Delta", "Polder", "Haven", "Duin", "Brug", "Molen", "Tulp",
    "Kanaal", "Dijk", "Zee", "Berg", "Vliet", "Linde", "Eik", "Rijn", "Maas", "Schelde", "Kempen",
    "Veluwe", "Amstel",
];
const COMPANY_TRADES: [&str; 15] = [
    "Logistics",
    "Systems",
    "Foods",
    "Bouw",
    "Tech",
    "Energie",
    "Zorg",
    "Media",
    "Consult",
    "Robotics",
    "Pharma",
    "Finance",
    "Retail",
    "Metaal",
    "Agri",
];
/// Legal forms; one has a comma, so CSV quoting is exercised.
const COMPANY_FORMS: [(&str, u32); 7] = [
    (" B.V.", 40),
    (" BV", 15),
    (" N.V.", 5),
    ("", 20),
    (" SA", 8),
    (" S.à r.l.", 4),
    (", Benelux branch", 3),
];
const PERSONAS: [(&str, u32); 5] = [
    ("CEO", 8),
    ("Director", 17),
    ("Manager", 35),
    ("Engineer", 25),
    ("Other", 15),
];
const OFFERS: [(&str, u32); 4] = [
    ("demo request", 20),
    ("webinar", 30),
    ("ebook", 35),
    ("pricing", 15),
];
const SOURCES: [(&str, u32); 3] = [("marketing", 86), ("partner", 8), ("event", 6)];

struct Lead {
    number: u64,
    handoff: Option<DateTime<Utc>>,
    /// Write the hand-off as a local time without offset.
    local: bool,
    source: &'static str,
    email: String,
    phone: String,
    company: String,
    persona: &'static str,
    offer: &'static str,
    owner: Option<usize>,
}

/// The lead's own status, as a CRM user types it: a word, and most often a
/// note with a date or a number, so that few are alike. Drawn from a stream
/// of its own (see [`STATUS_SALT`]).
fn lead_status(seed: u64, number: u64) -> String {
    const WORDS: [&str; 5] = ["Open", "Working", "Nurturing", "Qualified", "Unqualified"];
    const NOTES: [&str; 6] = [
        "call back on",
        "asked for pricing,",
        "budget next quarter, ref",
        "wrong contact, try",
        "demo planned",
        "left voicemail #",
    ];
    let mut rng = Rng::stream(seed ^ STATUS_SALT, number);
    let word = rng.pick(&WORDS);
    if rng.chance(0.2) {
        return word.to_owned();
    }
    let note = rng.pick(&NOTES);
    let day = rng.between(1, 29);
    let month = rng.between(1, 7);
    match rng.below(3) {
        0 => format!("{word} - {note} 2027-{month:02}-{day:02}"),
        1 => format!("{word} - {note} {}", rng.below(100_000)),
        _ => format!("{word}: {note} {day}/{month}"),
    }
}

/// A name part as it appears in an e-mail address.
fn email_part(name: &str, out: &mut String) {
    for c in name.chars() {
        match c {
            'é' => out.push('e'),
            'à' => out.push('a'),
            c if c.is_ascii_alphanumeric() => out.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
}

fn make_lead(number: u64, handoff: Option<DateTime<Utc>>, owners: usize, rng: &mut Rng) -> Lead {
    // ~2% not handed off (yet): marketing still nurtures them.
    let mut handoff = handoff.filter(|_| !rng.chance(0.02));
    // Some CRMs (and hand-made imports) write local times without offset, to
    // the minute; only where the local time is unambiguous.
    let mut local_format = false;
    if let Some(t) = handoff {
        let l = local(t);
        let minute = at_seconds(l.date(), seconds_of_day(l) / 60 * 60);
        if rng.chance(0.08) {
            if let LocalResult::Single(m) = TZ.from_local_datetime(&minute) {
                local_format = true;
                handoff = Some(m.with_timezone(&Utc));
            }
        }
    }
    let source = rng.weighted(&SOURCES);
    let first = rng.pick(&FIRST_NAMES);
    let last = rng.pick(&LAST_NAMES);
    let stem = rng.pick(&COMPANY_STEMS);
    let trade = rng.pick(&COMPANY_TRADES);
    let form = rng.weighted(&COMPANY_FORMS);

    let company = if rng.chance(0.04) {
        String::new()
    } else {
        format!(
            "{stem}{} {trade}{form}",
            if rng.chance(0.5) { "" } else { "land" }
        )
    };
    let mut email = String::new();
    if !rng.chance(0.03) {
        email_part(first, &mut email);
        email.push('.');
        email_part(last, &mut email);
        email.push('@');
        if company.is_empty() {
            email.push_str("mail.example");
        } else {
            email_part(stem, &mut email);
            email_part(trade, &mut email);
            email.push_str(".example");
        }
    }
    let phone = if rng.chance(0.07) {
        String::new()
    } else {
        let n = rng.below(100_000_000);
        match rng.weighted(&[(0u8, 70), (1, 25), (2, 5)]) {
            0 => format!("+31 6 {:04} {:04}", n / 10_000, n % 10_000),
            1 => format!(
                "+32 47{} {:02} {:02} {:02}",
                n % 10,
                n / 10 % 100,
                n / 1000 % 100,
                n / 100_000 % 100
            ),
            _ => format!("+352 621 {:03} {:03}", n % 1000, n / 1000 % 1000),
        }
    };
    let persona = rng.weighted(&PERSONAS);
    let offer = rng.weighted(&OFFERS);
    let owner = if rng.chance(0.002) {
        None
    } else if owners == 3 {
        // The sample's three reps, as it always drew them.
        Some(rng.weighted(&[(0usize, 36), (1, 34), (2, 30)]))
    } else {
        Some(rng.below(owners as u64) as usize)
    };
    Lead {
        number,
        handoff,
        local: local_format,
        source,
        email,
        phone,
        company,
        persona,
        offer,
        owner,
    }
}

// ---------------------------------------------------------------------------
// Activities

/// How a sales rep works leads. Shares are of leads unless said otherwise.
struct Profile {
    /// Never touched at all.
    never: f64,
    /// First touch within the hour of office time.
    fast: f64,
    /// A CEO lead handed off in office hours called within 5 minutes.
    ceo_fast: f64,
    /// A CEO lead handed off out of hours picked up at once anyway.
    after_hours: f64,
    /// Called fewer times than the agreement asks.
    under: f64,
    /// Called more times than the agreement allows.
    over: f64,
    /// Days over which calls are spread (at most).
    span: f64,
    /// Calls spread past the two weeks the agreement counts.
    spill: f64,
    /// Chance that one call connects.
    connect: f64,
    /// Feedback later than 7 days after the first touch.
    feedback_late: f64,
    /// No usable feedback at all.
    feedback_missing: f64,
}

const PROFILES: [Profile; 3] = [
    // ann: quick and thorough.
    Profile {
        never: 0.01,
        fast: 0.995,
        ceo_fast: 0.98,
        after_hours: 0.8,
        under: 0.02,
        over: 0.005,
        span: 11.0,
        spill: 0.01,
        connect: 0.22,
        feedback_late: 0.003,
        feedback_missing: 0.0,
    },
    // bob: right at the targets.
    Profile {
        never: 0.03,
        fast: 0.99,
        ceo_fast: 0.95,
        after_hours: 0.6,
        under: 0.06,
        over: 0.01,
        span: 12.0,
        spill: 0.03,
        connect: 0.20,
        feedback_late: 0.02,
        feedback_missing: 0.015,
    },
    // carla: slower, fewer calls, patchy feedback.
    Profile {
        never: 0.06,
        fast: 0.98,
        ceo_fast: 0.85,
        after_hours: 0.35,
        under: 0.09,
        over: 0.01,
        span: 13.0,
        spill: 0.08,
        connect: 0.18,
        feedback_late: 0.05,
        feedback_missing: 0.04,
    },
];

#[derive(Clone, Copy)]
enum Duration {
    None,
    Seconds(i64),
    /// Written `H:MM:SS`.
    Clock(i64),
}

struct Activity {
    at: DateTime<Utc>,
    kind: &'static str,
    duration: Duration,
    outcome: &'static str,
    status: &'static str,
}

impl Activity {
    fn plain(at: DateTime<Utc>, kind: &'static str) -> Activity {
        Activity {
            at,
            kind,
            duration: Duration::None,
            outcome: "",
            status: "",
        }
    }
}

fn call(at: DateTime<Utc>, outcome: &'static str, rng: &mut Rng) -> Activity {
    let seconds = match outcome {
        "connected" if rng.chance(0.004) => rng.between(7300, 9000),
        "connected" => (120.0 + rng.exp() * 540.0).min(3600.0) as i64,
        "voicemail" => rng.between(20, 80),
        _ => rng.between(4, 35),
    };
    let duration = if rng.chance(0.03) {
        Duration::Clock(seconds)
    } else {
        Duration::Seconds(seconds)
    };
    Activity {
        at,
        kind: "call",
        duration,
        outcome,
        status: "",
    }
}

/// A time on a random day in [first day + lo, first day + hi): office hours,
/// or with chance `evening` an evening, and always after `after`.
fn later(
    base: NaiveDate,
    lo: i64,
    hi: i64,
    evening: f64,
    after: DateTime<Utc>,
    rng: &mut Rng,
) -> DateTime<Utc> {
    let day = days_later(base, rng.between(lo, hi));
    let l = if rng.chance(evening) {
        evening_time(day, rng)
    } else {
        office_time(day, rng)
    };
    let t = instant(l);
    if t > after {
        t
    } else {
        instant(add_office(local(after), rng.between(600, 3 * 3600)))
    }
}

/// Everything sales did with one lead before `end`, roughly in the order it
/// was generated (calls, e-mails, meeting, feedback, notes), not by time.
fn make_activities(
    lead: &Lead,
    rng: &mut Rng,
    end: DateTime<Utc>,
    acts: &mut Vec<Activity>,
    days: &mut Vec<f64>,
) {
    acts.clear();
    let Some(handoff) = lead.handoff else {
        return;
    };
    let p = PROFILES
        .get(lead.owner.unwrap_or(1) % PROFILES.len())
        .unwrap_or(&PROFILES[1]);
    let hl = local(handoff);
    let start_day = hl.date();

    if rng.chance(p.never) {
        if rng.chance(0.4) {
            let t = later(start_day, 1, 10, 0.0, handoff, rng);
            acts.push(Activity::plain(t, "note"));
        }
        acts.retain(|a| a.at < end);
        return;
    }

    // First touch.
    let ceo = lead.persona == "CEO";
    let open = is_open(hl);
    let first = if ceo && open && rng.chance(p.ceo_fast) {
        handoff + TimeDelta::seconds(rng.between(30, 270))
    } else if ceo && !open && rng.chance(p.after_hours) {
        handoff + TimeDelta::seconds(rng.between(60, 270))
    } else if rng.chance(p.fast) {
        let delay = if rng.chance(0.6) {
            rng.between(60, 900)
        } else {
            rng.between(900, 3420)
        };
        instant(add_office(hl, delay))
    } else if rng.chance(0.7) {
        instant(add_office(hl, rng.between(3720, 6 * 3600)))
    } else {
        later(start_day, 1, 7, 0.0, handoff, rng)
    };
    let first_day = local(first).date();
    let first_is_call = rng.chance(0.7);

    // Calls: a planned number spread over about two weeks, mostly stopping
    // once someone picks up.
    let decision_maker = matches!(lead.persona, "CEO" | "Director");
    let (min, max) = if decision_maker { (6, 9) } else { (3, 6) };
    let planned = if rng.chance(p.over) {
        max + 1 + rng.between(0, 2)
    } else if rng.chance(p.under) {
        (min - 1 - rng.between(0, 2)).max(1)
    } else {
        rng.between(min, max + 1)
    };
    let span = if rng.chance(p.spill) {
        15.0 + rng.unit() * 6.0
    } else {
        p.span * (0.6 + 0.4 * rng.unit())
    };
    days.clear();
    days.extend((1..planned).map(|_| rng.unit() * span));
    days.sort_by(f64::total_cmp);

    let mut at = if first_is_call {
        first
    } else {
        instant(add_office(local(first), rng.between(1800, 8 * 3600)))
    };
    let mut connected = None;
    let mut follow_ups = 0;
    let mut offsets = days.iter();
    loop {
        let outcome = if rng.chance(p.connect) {
            "connected"
        } else if rng.chance(0.35) {
            "voicemail"
        } else {
            "no answer"
        };
        acts.push(call(at, outcome, rng));
        if connected.is_some() {
            follow_ups -= 1;
            if follow_ups <= 0 {
                break;
            }
        } else if outcome == "connected" {
            connected = Some(at);
            if rng.chance(0.85) {
                break;
            }
            follow_ups = rng.between(1, 3);
        }
        let Some(&offset) = offsets.next() else {
            break;
        };
        let candidate = instant(office_time(days_later(first_day, offset as i64), rng));
        at = if candidate > at + TimeDelta::minutes(20) {
            candidate
        } else {
            instant(add_office(local(at), rng.between(1800, 3 * 3600)))
        };
    }

    // E-mails: the first touch may be one; more over three weeks, a few
    // written in the evening.
    let mut emails = 2 + rng.between(0, 6);
    if !first_is_call {
        acts.push(Activity::plain(first, "email"));
        emails -= 1;
    }
    for _ in 0..emails {
        let t = later(first_day, 0, 21, 0.06, first, rng);
        acts.push(Activity::plain(t, "email"));
    }

    // A meeting (demo) for some who picked up.
    if let Some(c) = connected {
        if rng.chance(0.45) {
            let t = later(local(c).date(), 1, 10, 0.0, c, rng);
            acts.push(Activity::plain(t, "meeting"));
        }
    }

    // Feedback to marketing, due within 7 days of the first touch.
    let status = |rng: &mut Rng| {
        if connected.is_some() {
            rng.weighted(&[("qualified", 45), ("disqualified", 30), ("nurture", 25)])
        } else {
            rng.weighted(&[("qualified", 5), ("disqualified", 40), ("nurture", 55)])
        }
    };
    let roll = rng.unit();
    let feedback = if roll < p.feedback_missing {
        // Forgotten, or logged without a status.
        if rng.chance(0.4) {
            Some((later(first_day, 0, 5, 0.0, first, rng), ""))
        } else {
            None
        }
    } else if roll < p.feedback_missing + p.feedback_late {
        Some((later(first_day, 8, 21, 0.0, first, rng), status(rng)))
    } else {
        let due = first + TimeDelta::days(7) - TimeDelta::hours(1);
        let mut chosen = None;
        for _ in 0..4 {
            let t = instant(office_time(days_later(first_day, rng.between(0, 7)), rng));
            if t > first && t < due {
                chosen = Some(t);
                break;
            }
        }
        let t = chosen
            .unwrap_or_else(|| instant(add_office(local(first), rng.between(1800, 4 * 3600))));
        Some((t, status(rng)))
    };
    if let Some((t, s)) = feedback {
        acts.push(Activity {
            status: s,
            ..Activity::plain(t, "feedback")
        });
        // Sometimes the status changes later.
        if !s.is_empty() && rng.chance(0.08) {
            let t2 = later(local(t).date(), 3, 30, 0.0, t, rng);
            acts.push(Activity {
                status: status(rng),
                ..Activity::plain(t2, "feedback")
            });
        }
    }

    // Notes, some typed up in the evening.
    let notes = rng.between(0, 4) + i64::from(connected.is_some());
    for _ in 0..notes {
        let t = later(first_day, 0, 14, 0.12, first, rng);
        acts.push(Activity::plain(t, "note"));
    }

    // The export is taken at `end`.
    acts.retain(|a| a.at < end);
}

// ---------------------------------------------------------------------------
// Writing rows

#[derive(Clone, Copy)]
enum Cell<'a> {
    Blank,
    Text(&'a str),
    Int(i64),
    /// Seconds written `H:MM:SS`.
    Clock(i64),
    /// A lead id, `L0000001`.
    Id(u64),
    /// RFC 3339 with the offset of TZ.
    At(DateTime<Utc>),
    /// Local time in TZ, to the minute, no offset.
    Local(DateTime<Utc>),
}

impl Cell<'_> {
    fn text(s: &str) -> Cell<'_> {
        if s.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(s)
        }
    }

    /// Write the value itself (no quoting); `Text` is written by the caller.
    fn write_plain(self, out: &mut String) -> fmt::Result {
        match self {
            Cell::Blank | Cell::Text(_) => Ok(()),
            Cell::Int(n) => write!(out, "{n}"),
            Cell::Clock(s) => write!(out, "{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60),
            Cell::Id(n) => write!(out, "L{n:07}"),
            Cell::At(t) => {
                let l = t.with_timezone(&TZ);
                let offset = l.offset().fix().local_minus_utc();
                let (sign, offset) = if offset < 0 {
                    ('-', -offset)
                } else {
                    ('+', offset)
                };
                write!(
                    out,
                    "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{sign}{:02}:{:02}",
                    l.year(),
                    l.month(),
                    l.day(),
                    l.hour(),
                    l.minute(),
                    l.second(),
                    offset / 3600,
                    offset / 60 % 60
                )
            }
            Cell::Local(t) => {
                let l = local(t);
                write!(
                    out,
                    "{:04}-{:02}-{:02} {:02}:{:02}",
                    l.year(),
                    l.month(),
                    l.day(),
                    l.hour(),
                    l.minute()
                )
            }
        }
    }
}

fn write_csv_text(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

fn write_json_text(out: &mut String, s: &str) -> fmt::Result {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => write!(out, "\\u{:04x}", u32::from(c))?,
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(())
}

/// One row, ending in a newline, replacing what `out` held.
fn write_row(out: &mut String, format: Format, names: &[&str], cells: &[Cell]) -> fmt::Result {
    out.clear();
    if format == Format::Jsonl {
        out.push('{');
    }
    for (k, (name, cell)) in names.iter().zip(cells).enumerate() {
        if k > 0 {
            out.push(',');
        }
        match format {
            Format::Csv => match *cell {
                Cell::Text(s) => write_csv_text(out, s),
                other => other.write_plain(out)?,
            },
            Format::Jsonl => {
                write_json_text(out, name)?;
                out.push(':');
                match *cell {
                    Cell::Blank => out.push_str("null"),
                    Cell::Text(s) => write_json_text(out, s)?,
                    Cell::Int(n) => write!(out, "{n}")?,
                    other => {
                        out.push('"');
                        other.write_plain(out)?;
                        out.push('"');
                    }
                }
            }
        }
    }
    if format == Format::Jsonl {
        out.push('}');
    }
    out.push('\n');
    Ok(())
}

fn header(format: Format, names: &[&str]) -> String {
    match format {
        Format::Csv => format!("{}\n", names.join(",")),
        Format::Jsonl => String::new(),
    }
}

fn lead_row(out: &mut String, args: &Args, lead: &Lead, handoff: Cell) -> fmt::Result {
    let owner = lead.owner.map(owner_address).unwrap_or_default();
    match args.columns {
        Columns::Sample => write_row(
            out,
            args.format,
            &SAMPLE_LEAD_COLUMNS,
            &[
                Cell::Id(lead.number),
                handoff,
                Cell::text(lead.source),
                Cell::text(&lead.email),
                Cell::text(&lead.phone),
                Cell::text(&lead.company),
                Cell::text(lead.persona),
                Cell::text(lead.offer),
                Cell::text(&owner),
            ],
        ),
        Columns::Wide => write_row(
            out,
            args.format,
            &WIDE_LEAD_COLUMNS,
            &[
                Cell::Id(lead.number),
                handoff,
                Cell::text(lead.persona),
                Cell::text(lead.offer),
                Cell::text(lead.source),
                Cell::text(&owner),
                Cell::text(&lead.company),
                Cell::text(&lead.email),
                Cell::text(&lead.phone),
                Cell::text(&lead_status(args.seed, lead.number)),
            ],
        ),
    }
}

fn handoff_cell(lead: &Lead) -> Cell<'static> {
    match lead.handoff {
        None => Cell::Blank,
        Some(t) if lead.local => Cell::Local(t),
        Some(t) => Cell::At(t),
    }
}

/// An activity's row; `at` is its time, or a bad one (`--bad-rows`), and
/// `actor` the rep who did it (wide columns only).
fn activity_row(
    out: &mut String,
    args: &Args,
    lead: u64,
    actor: &str,
    at: Cell,
    a: &Activity,
) -> fmt::Result {
    let duration = match a.duration {
        Duration::None => Cell::Blank,
        Duration::Seconds(s) => Cell::Int(s),
        Duration::Clock(s) => Cell::Clock(s),
    };
    match args.columns {
        Columns::Sample => write_row(
            out,
            args.format,
            &SAMPLE_ACTIVITY_COLUMNS,
            &[
                Cell::Id(lead),
                at,
                Cell::text(a.kind),
                duration,
                Cell::text(a.outcome),
                Cell::text(a.status),
            ],
        ),
        Columns::Wide => write_row(
            out,
            args.format,
            &WIDE_ACTIVITY_COLUMNS,
            &[
                Cell::Id(lead),
                at,
                Cell::text(a.kind),
                Cell::text(actor),
                duration,
                Cell::text(a.outcome),
            ],
        ),
    }
}

/// Holds back up to [`SHUFFLE_ROWS`] rows and writes a random one of them for
/// each new one, so rows leave in a different order than they came. Row
/// buffers are swapped, not reallocated.
struct Shuffler<W: Write> {
    rows: Vec<String>,
    rng: Rng,
    out: W,
}

impl<W: Write> Shuffler<W> {
    /// Take the row in `row`, leaving `row` empty for reuse.
    fn push(&mut self, row: &mut String) -> io::Result<()> {
        if self.rows.len() < SHUFFLE_ROWS {
            self.rows.push(std::mem::take(row));
            return Ok(());
        }
        let k = self.rng.below(self.rows.len() as u64) as usize;
        if let Some(slot) = self.rows.get_mut(k) {
            self.out.write_all(slot.as_bytes())?;
            std::mem::swap(slot, row);
        }
        row.clear();
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        while !self.rows.is_empty() {
            let k = self.rng.below(self.rows.len() as u64) as usize;
            let row = self.rows.swap_remove(k);
            self.out.write_all(row.as_bytes())?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Where activity rows go, in the order `--order` asks for. By time and
/// shuffled, every row is held until the end (about a gigabyte for ten
/// million: a generator's, not accord's, memory).
enum Rows<W: Write> {
    Lead(Shuffler<W>),
    /// Each row with its time in seconds (ties keep the order rows came in:
    /// the sort is stable).
    Time(Vec<(i64, String)>, W),
    Shuffled(Vec<String>, Rng, W),
}

impl<W: Write> Rows<W> {
    fn new(order: Order, seed: u64, out: W) -> Rows<W> {
        let rng = Rng::stream(seed, STREAM_SHUFFLE);
        match order {
            Order::Lead => Rows::Lead(Shuffler {
                rows: Vec::with_capacity(SHUFFLE_ROWS),
                rng,
                out,
            }),
            Order::Time => Rows::Time(Vec::new(), out),
            Order::Shuffled => Rows::Shuffled(Vec::new(), rng, out),
        }
    }

    /// Take the row in `row`, at time `at`, leaving `row` empty for reuse.
    fn push(&mut self, at: DateTime<Utc>, row: &mut String) -> io::Result<()> {
        match self {
            Rows::Lead(shuffler) => shuffler.push(row),
            Rows::Time(rows, _) => {
                rows.push((at.timestamp(), std::mem::take(row)));
                Ok(())
            }
            Rows::Shuffled(rows, _, _) => {
                rows.push(std::mem::take(row));
                Ok(())
            }
        }
    }

    fn finish(self) -> io::Result<()> {
        let (rows, mut out): (Vec<String>, W) = match self {
            Rows::Lead(shuffler) => return shuffler.finish().map(drop),
            Rows::Time(mut rows, out) => {
                rows.sort_by_key(|&(at, _)| at);
                (rows.into_iter().map(|(_, row)| row).collect(), out)
            }
            Rows::Shuffled(mut rows, mut rng, out) => {
                // Fisher-Yates.
                for i in (1..rows.len()).rev() {
                    let j = rng.below(i as u64 + 1) as usize;
                    rows.swap(i, j);
                }
                (rows, out)
            }
        };
        for row in rows {
            out.write_all(row.as_bytes())?;
        }
        out.flush()
    }
}

// ---------------------------------------------------------------------------
// Bad rows

#[derive(Debug, Clone, Copy)]
enum BadRow {
    /// The lead's row is written again, re-imported a little later.
    DuplicateLead,
    /// The lead's hand-off time is unreadable (and it gets no activities).
    Handoff(&'static str),
    /// An activity of the lead with an unreadable time.
    At(&'static str),
    /// An activity of a lead that is not in the leads file.
    UnknownLead(u64),
}

/// Where each bad row goes: after the lead at that position, sorted.
fn plan_bad_rows(seed: u64, leads: u64, k: u64) -> Vec<(u64, BadRow)> {
    let mut rng = Rng::stream(seed, STREAM_BAD);
    let mut plan = Vec::new();
    if leads == 0 {
        return plan;
    }
    for i in 0..k {
        let bad_time = BAD_TIMES
            .get(i as usize % BAD_TIMES.len())
            .copied()
            .unwrap_or("");
        plan.push((rng.below(leads), BadRow::DuplicateLead));
        plan.push((rng.below(leads), BadRow::UnknownLead(leads + 1 + i)));
        let timestamp = if i % 2 == 0 {
            BadRow::At(bad_time)
        } else {
            BadRow::Handoff(bad_time)
        };
        plan.push((rng.below(leads), timestamp));
    }
    plan.sort_by_key(|&(at, _)| at);
    plan
}

// ---------------------------------------------------------------------------

fn run() -> Result<(), String> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    let ext = args.format.extension();
    let leads_path = args.out.join(format!("leads.{ext}"));
    let activities_path = args.out.join(format!("activities.{ext}"));
    let (leads, activities) = generate(&args, &leads_path, &activities_path)?;
    eprintln!(
        "wrote {leads} leads to {} and {activities} activities to {}",
        leads_path.display(),
        activities_path.display()
    );
    Ok(())
}

fn create(path: &Path) -> Result<BufWriter<File>, String> {
    File::create(path)
        .map(|f| BufWriter::with_capacity(1 << 20, f))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Write both files; the number of lead and activity rows written.
fn generate(args: &Args, leads_path: &Path, activities_path: &Path) -> Result<(u64, u64), String> {
    let io_error = |path: &Path| {
        let path = path.display().to_string();
        move |e: io::Error| format!("cannot write {path}: {e}")
    };
    let fmt_error = |_: fmt::Error| "formatting failed".to_owned();

    let (lead_columns, activity_columns): (&[&str], &[&str]) = match args.columns {
        Columns::Sample => (&SAMPLE_LEAD_COLUMNS, &SAMPLE_ACTIVITY_COLUMNS),
        Columns::Wide => (&WIDE_LEAD_COLUMNS, &WIDE_ACTIVITY_COLUMNS),
    };
    let mut leads_out = create(leads_path)?;
    leads_out
        .write_all(header(args.format, lead_columns).as_bytes())
        .map_err(io_error(leads_path))?;
    let mut activities_out = create(activities_path)?;
    activities_out
        .write_all(header(args.format, activity_columns).as_bytes())
        .map_err(io_error(activities_path))?;
    let mut rows = Rows::new(args.order, args.seed, activities_out);

    let end = instant(at_seconds(args.to, 0));
    let mut arrivals = Arrivals::new(args.seed, args.leads, args.from, args.to);
    let plan = plan_bad_rows(args.seed, args.leads, args.bad_rows);
    let mut plan = plan.iter().peekable();

    let mut row = String::new();
    let mut acts = Vec::new();
    let mut days = Vec::new();
    // Duplicate lead rows waiting for the lead number after which they go.
    let mut duplicates: Vec<(u64, String)> = Vec::new();
    let mut lead_rows = 0u64;
    let mut activity_rows = 0u64;
    for i in 0..args.leads {
        let number = i + 1;
        let mut rng = Rng::stream(args.seed, number);
        let lead = make_lead(number, arrivals.next(), args.owners, &mut rng);
        let actor = lead.owner.map(owner_address).unwrap_or_default();

        let mut bad = Vec::new();
        while let Some(&(_, b)) = plan.next_if(|&&(at, _)| at == i) {
            bad.push(b);
        }
        let bad_handoff = bad.iter().find_map(|b| match b {
            BadRow::Handoff(text) => Some(*text),
            _ => None,
        });

        let handoff = bad_handoff.map_or_else(|| handoff_cell(&lead), Cell::Text);
        lead_row(&mut row, args, &lead, handoff).map_err(fmt_error)?;
        leads_out
            .write_all(row.as_bytes())
            .map_err(io_error(leads_path))?;
        lead_rows += 1;
        for (_, duplicate) in duplicates.iter().filter(|(due, _)| *due == i) {
            leads_out
                .write_all(duplicate.as_bytes())
                .map_err(io_error(leads_path))?;
            lead_rows += 1;
        }
        duplicates.retain(|(due, _)| *due > i);

        if bad_handoff.is_none() {
            make_activities(&lead, &mut rng, end, &mut acts, &mut days);
            for a in &acts {
                activity_row(&mut row, args, number, &actor, Cell::At(a.at), a)
                    .map_err(fmt_error)?;
                rows.push(a.at, &mut row)
                    .map_err(io_error(activities_path))?;
                activity_rows += 1;
            }
        }

        for b in bad {
            let near = lead.handoff.unwrap_or(end) + TimeDelta::minutes(rng.between(5, 600));
            match b {
                BadRow::Handoff(_) => {}
                BadRow::DuplicateLead => {
                    // The same form submitted again: a later hand-off, and the
                    // round-robin gave it to someone else.
                    let again = Lead {
                        handoff: lead
                            .handoff
                            .map(|t| t + TimeDelta::seconds(rng.between(60, 86_400))),
                        owner: Some(rng.between(0, args.owners as i64) as usize),
                        email: lead.email.clone(),
                        phone: lead.phone.clone(),
                        company: lead.company.clone(),
                        ..lead
                    };
                    lead_row(&mut row, args, &again, handoff_cell(&again)).map_err(fmt_error)?;
                    // Written some leads further down, as a later import.
                    duplicates.push((i + rng.between(1, 40) as u64, row.clone()));
                }
                BadRow::At(text) => {
                    let a = Activity {
                        duration: Duration::Seconds(rng.between(4, 35)),
                        outcome: "no answer",
                        ..Activity::plain(near, "call")
                    };
                    activity_row(&mut row, args, number, &actor, Cell::Text(text), &a)
                        .map_err(fmt_error)?;
                    rows.push(near, &mut row)
                        .map_err(io_error(activities_path))?;
                    activity_rows += 1;
                }
                BadRow::UnknownLead(missing) => {
                    let a = Activity::plain(near.min(end - TimeDelta::minutes(1)), "email");
                    activity_row(&mut row, args, missing, &actor, Cell::At(a.at), &a)
                        .map_err(fmt_error)?;
                    rows.push(a.at, &mut row)
                        .map_err(io_error(activities_path))?;
                    activity_rows += 1;
                }
            }
        }
    }
    for (_, duplicate) in &duplicates {
        leads_out
            .write_all(duplicate.as_bytes())
            .map_err(io_error(leads_path))?;
        lead_rows += 1;
    }
    leads_out.flush().map_err(io_error(leads_path))?;
    rows.finish().map_err(io_error(activities_path))?;
    Ok((lead_rows, activity_rows))
}
