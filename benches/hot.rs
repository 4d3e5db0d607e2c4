//! Micro-benchmarks of the pieces evaluation runs once per row or per lead.
//!
//! Run with `cargo bench --bench hot` (add `-- GROUP` to run one group, e.g.
//! `-- calendar`). The groups:
//!
//! - `timestamp`: `parse_timestamp` on an RFC 3339 value with an offset (in
//!   exports' fixed shape, and padded so that the general parser reads it), a
//!   local time, and a local time on the Europe/Amsterdam DST day (the zone
//!   lookup near a transition). Runs once per row of every data file.
//! - `calendar`: deadlines (`BusinessCalendar::add_open`) and open time
//!   elapsed (`open_between`) on an office calendar, over an ordinary weekend
//!   and over the weekend of the 2027-03-28 DST switch; calendar days
//!   (`add_calendar`, and `Zone::add_calendar` from a zone's offsets over
//!   the agreement's dates) across the switch; rate targets (`rate::target`,
//!   `rate::expected_to_date`). A deadline is computed once per lead and
//!   rule; elapsed open time once per responded lead.
//! - `condition`: `Cond::holds` on an activity's values (`All[In, Is,
//!   Not(Present)]`, matching and rejected early) and on a lead's interned
//!   record (`All[Is, Any[In, Compare]]`, the number read via the interner).
//!   Runs once per activity (or lead) and rule.
//! - `lead`: per-lead evaluation. `attempts`: folding twelve activities into
//!   a lead's state (`observe`, keeping MAX + 1 = 10), judging the folded
//!   state, and both. `response`: folding the same touches, and judging on a
//!   wall clock and on a business-calendar clock (whose response time is
//!   open time elapsed).
//!
//! Fixtures are built once, up front, through the library itself; a fixture
//! that fails to build stops the run with a message instead of measuring
//! nothing.

use std::hint::black_box;
use std::sync::Arc;

use accord::data::intern::Interner;
use accord::data::{parse_timestamp, Interned, Values};
use accord::eval::clock::Clock;
use accord::eval::condition::{Compiler, Cond, Fields, Graph};
use accord::eval::rules::attempts::{self, Band, Counted, Kept};
use accord::eval::rules::response;
use accord::time::calendar::{add_calendar, BusinessCalendar, Interval};
use accord::time::period::Period;
use accord::time::rate;
use accord::time::zone::Zone;
use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Europe::Amsterdam;
use chrono_tz::Tz;
use criterion::{BatchSize, Criterion};

/// The zone every fixture is in.
const TZ: Tz = Amsterdam;

/// An instant, written with its offset.
fn at(text: &str) -> Result<DateTime<Utc>, String> {
    parse_timestamp(text, TZ).map_err(|e| format!("fixture {text:?}: {e}"))
}

fn date(text: &str) -> Result<NaiveDate, String> {
    text.parse()
        .map_err(|e| format!("fixture date {text:?}: {e}"))
}

fn iv(start: u16, end: u16) -> Interval {
    Interval { start, end }
}

/// `mon-fri 09:00-12:30, 13:00-17:30`, closed 2027-04-27 and 2027-05-05:
/// the calendar of the generated agreement in `benches/check.rs`.
fn office() -> Result<BusinessCalendar, String> {
    let day = vec![iv(540, 750), iv(780, 1050)];
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        vec![],
        vec![],
    ];
    let closed = [date("2027-04-27")?, date("2027-05-05")?];
    Ok(BusinessCalendar::new(TZ, week, closed))
}

/// Everything the benchmarks read, built before any is timed.
struct Fixtures {
    office: Arc<BusinessCalendar>,
    /// Fri 17:20 CET, and the Monday an hour of open time later.
    weekend: (DateTime<Utc>, DateTime<Utc>),
    /// Fri 2027-03-26 17:00 CET, and Mon 2027-03-29 (CEST) two hours later.
    dst_weekend: (DateTime<Utc>, DateTime<Utc>),
    /// Sat 2027-03-20 12:00 CET, 14 calendar days before 2027-04-03 (CEST).
    fortnight_start: DateTime<Utc>,
    /// Midday on the DST day, for a month's expected-to-date.
    dst_midday: DateTime<Utc>,
    march: (NaiveDate, NaiveDate),
    activity: Activity,
    lead: Lead,
}

/// An activity record and the conditions a rule asks of it.
struct Activity {
    /// Slots: kind, outcome, note.
    symbols: Vec<u32>,
    numbers: Vec<Option<f64>>,
    /// `kind in ("call", "email", "meeting") and outcome is "connected" and
    /// not note is set`.
    matching: Cond,
    /// The same with another outcome: `kind` (the last alternative) passes
    /// the full `In` scan, then `Is` rejects.
    rejected: Cond,
}

/// A lead record, its interner, its condition and the activities of a lead.
struct Lead {
    /// Slots: source, persona, score.
    symbols: Vec<u32>,
    interner: Interner,
    /// `source is "s1" and (persona in ("CEO", "Director") or score >= 50)`,
    /// where the persona misses, so the number decides.
    term: Cond,
    handoff: DateTime<Utc>,
    deadline: Option<DateTime<Utc>>,
    /// Twelve calls over a fortnight, out of time order; the eighth in time
    /// (day 11) connects, so judging walks eight and meets the rule, while
    /// folding keeps ten and trims two.
    calls: Vec<Counted>,
    band: Band,
    /// After the deadline: the judgement is final.
    as_of: DateTime<Utc>,
}

impl Fixtures {
    fn new() -> Result<Fixtures, String> {
        let office = Arc::new(office()?);
        let weekend_start = at("2027-01-08T17:20:00+01:00")?;
        let dst_start = at("2027-03-26T17:00:00+01:00")?;
        let Some(weekend_end) = office.add_open(weekend_start, 3600) else {
            return Err("the office never opens".to_owned());
        };
        let Some(dst_end) = office.add_open(dst_start, 2 * 3600) else {
            return Err("the office never opens".to_owned());
        };
        Ok(Fixtures {
            weekend: (weekend_start, weekend_end),
            dst_weekend: (dst_start, dst_end),
            office,
            fortnight_start: at("2027-03-20T12:00:00+01:00")?,
            dst_midday: at("2027-03-28T12:00:00+02:00")?,
            march: (date("2027-03-01")?, date("2027-04-01")?),
            activity: activity()?,
            lead: lead()?,
        })
    }
}

fn activity() -> Result<Activity, String> {
    let mut interner = Interner::new();
    let [meeting, connected] = ["meeting", "connected"].map(|v| interner.intern(v));
    let mut when = |outcome: &str| {
        compiled(
            &format!(
                "kind in (\"call\", \"email\", \"meeting\") and outcome is \"{outcome}\" \
                 and not status is set"
            ),
            &mut interner,
        )
    };
    let (matching, rejected) = (when("connected")?, when("voicemail")?);
    Ok(Activity {
        symbols: vec![meeting, connected, accord::data::intern::BLANK],
        numbers: vec![None; 3],
        matching,
        rejected,
    })
}

/// `condition` compiled as the evaluator does, its fields given slots in
/// the order they are met.
fn compiled(condition: &str, interner: &mut Interner) -> Result<Cond, String> {
    let text = format!(
        "agreement \"b\" {{ effective 2027-01-01 to 2027-12-31 timezone \"UTC\" \
         term x means {condition} }}"
    );
    let agreement = accord::syntax::parse(&text).map_err(|e| format!("{e:?}"))?;
    let term = agreement.terms().next().ok_or("no term")?;
    let terms = Default::default();
    let mut compiler = Compiler {
        terms: &terms,
        interner,
    };
    Ok(compiler.compile(
        &term.condition,
        &mut Fields::default(),
        &mut Graph::default(),
        "bench",
    ))
}

fn lead() -> Result<Lead, String> {
    let mut interner = Interner::new();
    let [s1, manager, score] = ["s1", "Manager", "72"].map(|v| interner.intern(v));
    let term = compiled(
        "source is \"s1\" and (persona in (\"CEO\", \"Director\") or score >= 50)",
        &mut interner,
    )?;
    let handoff = at("2027-01-04T09:00:00+01:00")?;
    let fortnight = Clock::Wall {
        zone: Zone::new(TZ, handoff.date_naive(), handoff.date_naive()),
        days: 14,
        secs: 0,
    };
    let days = [9, 5, 12, 6, 7, 4, 8, 11, 13, 10, 14, 15];
    let mut calls = Vec::with_capacity(days.len());
    for (i, d) in days.into_iter().enumerate() {
        let when = at(&format!("2027-01-{d:02}T10:{:02}:00+01:00", i * 3))?;
        calls.push(Counted::new(when, 300_000, d == 11, i as u64));
    }
    Ok(Lead {
        symbols: vec![s1, manager, score],
        interner,
        term,
        handoff,
        deadline: fortnight.deadline(handoff),
        calls,
        band: Band {
            min: 6,
            max: Some(9),
            budget_ms: Some(2 * 3600 * 1000),
        },
        as_of: at("2027-01-20T12:00:00+01:00")?,
    })
}

fn timestamps(c: &mut Criterion) {
    let mut g = c.benchmark_group("timestamp");
    for (name, text) in [
        ("rfc3339_offset", "2027-03-28T02:30:00+01:00"),
        // A leading space leaves exports' fixed shape: the general parser.
        ("rfc3339_general_path", " 2027-03-28T02:30:00+01:00"),
        ("local", "2027-01-04 09:13"),
        ("local_dst_day", "2027-03-28 03:30"),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| parse_timestamp(black_box(text), black_box(TZ)))
        });
    }
    g.finish();
}

fn calendar(c: &mut Criterion, fx: &Fixtures) {
    let mut g = c.benchmark_group("calendar");
    let office = fx.office.as_ref();
    for (name, (start, end), open_secs) in [
        ("weekend", fx.weekend, 3600),
        ("dst_weekend", fx.dst_weekend, 2 * 3600),
    ] {
        g.bench_function(format!("add_open/{name}"), |b| {
            b.iter(|| office.add_open(black_box(start), black_box(open_secs)))
        });
        g.bench_function(format!("open_between/{name}"), |b| {
            b.iter(|| office.open_between(black_box(start), black_box(end)))
        });
    }
    g.bench_function("add_calendar/14d_dst", |b| {
        b.iter(|| add_calendar(TZ, black_box(fx.fortnight_start), black_box(14), 0))
    });
    // The same through the zone's offsets over an agreement's dates, as
    // evaluation works deadlines out (found before timing starts).
    let day = fx.fortnight_start.date_naive();
    let zone = Zone::new(TZ, day, day);
    zone.add_calendar(fx.fortnight_start, 14, 0);
    g.bench_function("zone_add_calendar/14d_dst", |b| {
        b.iter(|| zone.add_calendar(black_box(fx.fortnight_start), black_box(14), 0))
    });
    let (first, end) = fx.march;
    g.bench_function("rate/target_quarter_in_month", |b| {
        b.iter(|| rate::target(black_box(1500.0), Period::Quarter, first, end))
    });
    g.bench_function("rate/expected_to_date_dst", |b| {
        b.iter(|| {
            rate::expected_to_date(
                black_box(1500.0),
                Period::Quarter,
                first,
                end,
                TZ,
                black_box(fx.dst_midday),
            )
        })
    });
    g.finish();
}

fn conditions(c: &mut Criterion, fx: &Fixtures) {
    let mut g = c.benchmark_group("condition");
    let a = &fx.activity;
    let values = Values {
        symbols: &a.symbols,
        numbers: &a.numbers,
    };
    g.bench_function("activity/matching", |b| {
        b.iter(|| a.matching.holds(black_box(&values)))
    });
    g.bench_function("activity/rejected", |b| {
        b.iter(|| a.rejected.holds(black_box(&values)))
    });
    let l = &fx.lead;
    let record = Interned {
        symbols: &l.symbols,
        interner: &l.interner,
    };
    g.bench_function("lead/term_by_number", |b| {
        b.iter(|| l.term.holds(black_box(&record)))
    });
    g.finish();
}

/// A lead's attempts state after folding all its calls.
fn fold_attempts(lead: &Lead, calls: &[Counted]) -> Kept {
    let keep = attempts::keep(lead.band.max);
    let mut counted = Kept::new();
    for call in calls {
        attempts::observe(&mut counted, lead.handoff, lead.deadline, *call, keep);
    }
    counted
}

/// A lead's first touch after folding all its calls.
fn fold_response(lead: &Lead, calls: &[Counted]) -> Option<DateTime<Utc>> {
    let mut first = None;
    for call in calls {
        response::observe(&mut first, lead.handoff, call.at);
    }
    first
}

fn per_lead(c: &mut Criterion, fx: &Fixtures) {
    let mut g = c.benchmark_group("lead");
    let lead = &fx.lead;
    let judge = |counted: &mut [Counted]| {
        attempts::judge(counted, lead.band, lead.deadline, lead.as_of, "14d")
    };
    g.bench_function("attempts/observe_12", |b| {
        b.iter(|| fold_attempts(lead, black_box(&lead.calls)))
    });
    let folded = fold_attempts(lead, &lead.calls);
    g.bench_function("attempts/judge", |b| {
        b.iter_batched_ref(|| folded.clone(), |c| judge(c), BatchSize::SmallInput)
    });
    g.bench_function("attempts/observe_12_and_judge", |b| {
        b.iter(|| judge(&mut fold_attempts(lead, black_box(&lead.calls))))
    });

    g.bench_function("response/observe_12", |b| {
        b.iter(|| fold_response(lead, black_box(&lead.calls)))
    });
    let first = fold_response(lead, &lead.calls);
    let wall = Clock::Wall {
        zone: Zone::new(TZ, lead.handoff.date_naive(), lead.handoff.date_naive()),
        days: 0,
        secs: 2 * 3600,
    };
    let open = Clock::Open {
        calendar: Arc::clone(&fx.office),
        name: "office".to_owned(),
        secs: 2 * 3600,
    };
    // The first touch comes 1h15m after handoff: met within 2h either way.
    for (name, clock) in [("wall_clock", &wall), ("open_clock", &open)] {
        let deadline = clock.deadline(lead.handoff);
        g.bench_function(format!("response/judge_{name}"), |b| {
            b.iter(|| {
                response::judge(
                    lead.handoff,
                    deadline,
                    black_box(first),
                    lead.as_of,
                    clock,
                    "2h",
                )
            })
        });
    }
    g.finish();
}

fn main() {
    let fixtures = match Fixtures::new() {
        Ok(fixtures) => fixtures,
        Err(e) => {
            eprintln!("hot: {e}");
            std::process::exit(2);
        }
    };
    let mut c = Criterion::default().configure_from_args();
    timestamps(&mut c);
    calendar(&mut c, &fixtures);
    conditions(&mut c, &fixtures);
    per_lead(&mut c, &fixtures);
    c.final_summary();
}
