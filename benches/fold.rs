//! Folding a batch of activities into per-lead states, as `accord eval`
//! does a batch at a time (`Evaluator::observe` gathers, `Evaluator::fold`
//! sorts the batch by lead and sweeps each rule's states).
//!
//! Run with `cargo bench --bench fold`. The agreement is the end-to-end
//! benchmark's (`benches/e2e.sla`: response, attempts and aging fold; a
//! quota and a duty at handoff do not), over 1,000,000 leads handed off
//! one every nine seconds, like the generator's. A batch is 65,536 calls,
//! e-mails and notes of the leads in play over one stretch of time (those
//! handed off in the two weeks before it), in three orders:
//!
//! - `time_order`: by time, as most CRMs export;
//! - `lead_order`: the same activities sorted by lead;
//! - `shuffled`: the same, in no order.
//!
//! Each iteration folds the next batch, a little later in time, into the
//! states the batches before it made, as in a run; after the last of the
//! prepared batches the states start afresh (untimed), so that a lead's
//! list of attempts holds what a run's would (a handful of calls), not
//! every round's.
//!
//! Fixtures are built once, up front, through the library itself; a fixture
//! that fails to build stops the run with a message instead of measuring
//! nothing.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use accord::agreement::check_file;
use accord::check::Options as CheckOptions;
use accord::data::config::{Ids, TableConfig};
use accord::data::intern::Interner;
use accord::data::leads::{load_leads, LeadSource};
use accord::data::{parse_timestamp, Activity, Split, Values};
use accord::eval::model::compile;
use accord::eval::Evaluator;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Europe::Amsterdam;
use criterion::Criterion;

const LEADS: u32 = 1_000_000;
/// Seconds between two hand-offs.
const EVERY: i64 = 9;
/// Activities per batch (`eval::gather::batch_rows` folds up to four
/// times as many on two threads).
const BATCH: usize = 1 << 16;
/// Batches prepared; iterations go round them.
const BATCHES: usize = 24;
/// Leads in play at an instant: those handed off in the two weeks before.
const IN_PLAY: u32 = (14 * 86_400 / EVERY) as u32;

/// SplitMix64: the same activities every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((u128::from(z ^ (z >> 31)) * u128::from(n)) >> 64) as u64
    }
}

/// An activity, its values' symbols (kind and outcome, in the agreement's
/// order of activity fields) held apart.
#[derive(Clone)]
struct Row {
    lead: u32,
    at: DateTime<Utc>,
    seq: u64,
    symbols: Vec<u32>,
}

struct Fixture {
    program: accord::eval::model::Program,
    interner: Interner,
    leads: accord::data::leads::Leads,
    as_of: DateTime<Utc>,
    /// Per batch, its rows in time order.
    batches: Vec<Vec<Row>>,
}

fn leads_file(dir: &Path, start: DateTime<Utc>) -> Result<PathBuf, String> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    let path = dir.join("leads.csv");
    let file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
    let mut out = std::io::BufWriter::new(file);
    let owners = ["ann", "bob", "carla"];
    let fail = |e: std::io::Error| e.to_string();
    writeln!(out, "id,handed_off_at,source,owner,email,phone").map_err(fail)?;
    for i in 0..LEADS {
        let at = start + TimeDelta::seconds(i64::from(i) * EVERY);
        let owner = owners.get(i as usize % 3).copied().unwrap_or("ann");
        writeln!(
            out,
            "L{i:07},{},marketing,{owner}@northwind.example,x@y.example,+31 6",
            at.to_rfc3339()
        )
        .map_err(fail)?;
    }
    out.flush().map_err(fail)?;
    Ok(path)
}

impl Fixture {
    fn new() -> Result<Fixture, String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let checked = check_file(&root.join("benches/e2e.sla"), &CheckOptions { today: None });
        let (Some(agreement), Some(source)) = (checked.clean(), checked.source.as_ref()) else {
            return Err("benches/e2e.sla does not check".to_owned());
        };
        let mut interner = Interner::new();
        let program = compile(agreement, &source.text, &mut interner);
        let start = parse_timestamp("2027-01-01T00:00:00+01:00", Amsterdam)?;
        let path = leads_file(&root.join("target/fold-bench"), start)?;
        let needed = program.lead_fields.needed();
        let table = TableConfig::default();
        let source = LeadSource {
            path: &path,
            table: &table,
            tz: Amsterdam,
            ids: Ids::Exact,
            needed: &needed,
        };
        let (leads, _) = load_leads(&source, Split::default(), &mut interner, &mut Vec::new())
            .map_err(|e| e.to_string())?;

        let wanted = program.activity_fields.needed();
        let symbols = |kind: &str, outcome: &str| -> Vec<u32> {
            wanted
                .iter()
                .map(|w| match w.field.as_str() {
                    "kind" => w.lookup(kind),
                    "outcome" => w.lookup(outcome),
                    _ => w.lookup(""),
                })
                .collect()
        };
        let kinds = [
            symbols("call", "no answer"),
            symbols("call", "connected"),
            symbols("email", ""),
            symbols("note", ""),
        ];
        let mut rng = Rng(1);
        let mut batches = Vec::with_capacity(BATCHES);
        let mut seq = 0;
        for b in 0..BATCHES {
            // A stretch of time late enough that two weeks of leads are in
            // play; the batch's activities spread over it, in time order.
            let first = IN_PLAY + (b as u32) * (BATCH as u32 / 8);
            let mut rows = Vec::with_capacity(BATCH);
            for k in 0..BATCH {
                let now = i64::from(first) * EVERY + (k as i64) * EVERY / 8;
                let newest = u32::try_from(now / EVERY).unwrap_or(LEADS - 1);
                let lead = newest - rng.below(u64::from(IN_PLAY)) as u32;
                let kind = kinds.get(rng.below(kinds.len() as u64) as usize);
                rows.push(Row {
                    lead,
                    at: start + TimeDelta::seconds(now),
                    seq,
                    symbols: kind.cloned().unwrap_or_default(),
                });
                seq += 1;
            }
            batches.push(rows);
        }
        Ok(Fixture {
            program,
            interner,
            leads,
            as_of: parse_timestamp("2027-06-30T00:00:00+02:00", Amsterdam)?,
            batches,
        })
    }
}

fn activity(row: &Row) -> Activity<'_> {
    Activity {
        lead: row.lead,
        at: row.at,
        kind: "",
        duration_ms: 60_000,
        seq: row.seq,
        line: row.seq,
        values: Values {
            symbols: &row.symbols,
            numbers: &[],
        },
    }
}

/// Puts a batch's rows (in time order) in another order.
type Reorder = fn(&mut Vec<Row>, &mut Rng);

fn fold(c: &mut Criterion, fx: &Fixture) {
    let ev = Evaluator::new(
        &fx.program,
        &fx.leads,
        "leads.csv",
        &fx.interner,
        fx.as_of,
        None,
    );
    let mut g = c.benchmark_group("fold");
    g.sample_size(20);
    let orders: [(&str, Reorder); 3] = [
        ("time_order", |_, _| {}),
        ("lead_order", |rows, _| rows.sort_by_key(|r| r.lead)),
        ("shuffled", |rows, rng| {
            for i in (1..rows.len()).rev() {
                rows.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }),
    ];
    for (name, reorder) in orders {
        let mut rng = Rng(2);
        let batches: Vec<Vec<Row>> = fx
            .batches
            .iter()
            .map(|b| {
                let mut rows = b.clone();
                reorder(&mut rows, &mut rng);
                rows
            })
            .collect();
        let mut folds = ev.folds();
        let mut gathered = ev.gathered();
        let mut next = 0;
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    if next == batches.len() {
                        folds = ev.folds();
                        next = 0;
                    }
                    let start = Instant::now();
                    for row in batches.get(next).into_iter().flatten() {
                        ev.observe(&folds, &mut gathered, black_box(&activity(row)));
                    }
                    ev.fold(&folds, &mut gathered);
                    spent += start.elapsed();
                    next += 1;
                }
                spent
            })
        });
    }
    g.finish();
}

fn main() {
    let fixture = match Fixture::new() {
        Ok(fixture) => fixture,
        Err(e) => {
            eprintln!("fold: {e}");
            std::process::exit(2);
        }
    };
    let mut c = Criterion::default().configure_from_args();
    fold(&mut c, &fixture);
    c.final_summary();
}
