//! The activities table, streamed: each usable row is handed to a visitor
//! and forgotten, so memory stays flat however many activities there are.
//! The visitor keeps what its rules need (first touch per lead, counts, time
//! spent) and nothing else.
//!
//! A row is used when its lead is a loaded lead and its `at` time and
//! `duration` are readable. A blank `kind` is kept (it is just a value a
//! condition may test); a blank or absent `duration` is 0.
//!
//! A large file is read in parts, one thread each (see [`super::parts`]):
//! each part folds into a state of its own and the caller merges them, in
//! file order. Values are looked up among the agreement's literals, not
//! interned ([`Wanted::lookup`]), so nothing is shared but read-only tables.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::config::{Ids, TableConfig};
use super::duration::{parse_duration, DurationForm};
use super::ids;
use super::intern::{is_blank, parse_number};
use super::issue::{quoted, DataError, DataIssue, RowProblems};
use super::leads::Leads;
use super::parts::{in_parts, Split, Stretch};
use super::record::Values;
use super::table::{FieldSpec, Need, Row, Table};
use super::timestamp::TimeForm;
use super::{Format, RowCounts, Wanted};

/// One usable activity row, valid only during the visit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Activity<'a> {
    /// The lead it belongs to (an index into [`Leads`]).
    pub lead: u32,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Its `kind`, as written.
    pub kind: &'a str,
    /// How long it took, in milliseconds (0 when not given). Never
    /// negative: the reader refuses a negative duration as an issue, and a
    /// counted attempt keeps its flag in the sign bit (`attempts::Counted`).
    pub duration_ms: i64,
    /// The file offset where its row starts: orders activities as the file
    /// does, the tie-break between activities of one lead at one instant.
    pub seq: u64,
    /// The physical line where its record starts, counted from the start
    /// of the part of the file it was read in: add the part's base, which
    /// [`stream_activities`] returns with the part's state, for the file's.
    pub line: u64,
    /// One value per entry of `needed`, in that order.
    pub values: Values<'a>,
}

/// The activities table and what reading it needs.
pub struct ActivitySource<'a> {
    pub path: &'a Path,
    /// How the file is written (its `[activities]` table).
    pub table: &'a TableConfig,
    /// The zone of local times.
    pub tz: Tz,
    /// How lead ids compare.
    pub ids: Ids,
    /// A rule that reads `duration` (`max duration`), which makes the
    /// column needed: without it every duration would silently be 0.
    pub duration_rule: Option<&'a str>,
    /// Added to every activity's `seq`: the sizes of the files read before
    /// this one, so that several files order as one stream.
    pub seq_base: u64,
    /// Fields of the agreement (and `duration`) this file may lack: with
    /// several files (calls, e-mails, meetings), one that has the column
    /// is enough, and the others' rows hold it blank.
    pub may_lack: &'a [String],
    /// Each activity field the agreement uses, with a rule that uses it;
    /// [`Activity::values`] follow it entry for entry.
    pub needed: &'a [Wanted],
    pub leads: &'a Leads,
}

/// How often `progress` hears, in rows (per part).
const PROGRESS_EVERY: u64 = 1 << 16;

/// Stream the activities through `visit`, which folds each into the state
/// of its part (`init` makes one, `done` has it once the part is read, on
/// the part's thread); the states come back in file order, each
/// with what to add to its activities' lines for the file's (see
/// [`Activity::line`]; the issues' lines are the file's already).
/// Rows that cannot be used are appended to `issues`, in file order.
/// `progress` hears the number of rows read so far, every so often.
///
/// For JSON Lines a needed column that no line has is only known at the end,
/// so the error comes after the rows were visited: on `Err`, throw away what
/// the visitor gathered. The same when [`Streamed::read_again`].
pub fn stream_activities<S: Send>(
    source: &ActivitySource<'_>,
    split: Split,
    init: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, &Activity<'_>) + Sync,
    done: impl Fn(&mut S) + Sync,
    issues: &mut Vec<DataIssue>,
    progress: Option<&mut dyn FnMut(u64)>,
) -> Result<Streamed<S>, DataError> {
    let constant_kind = source.table.kind.is_some();
    let mut specs = vec![FieldSpec::required("lead"), FieldSpec::required("at")];
    if !constant_kind {
        specs.push(FieldSpec::required("kind"));
    }
    let may_lack = |field: &str| source.may_lack.iter().any(|f| f == field);
    specs.push(match source.duration_rule {
        Some(rule) if !may_lack("duration") => FieldSpec {
            name: "duration".to_owned(),
            need: Need::Used {
                rule: rule.to_owned(),
            },
        },
        _ => FieldSpec::optional("duration"),
    });
    // A file of one kind has no kind column to look for.
    specs.extend(
        source
            .needed
            .iter()
            .filter(|w| !(constant_kind && w.field == "kind"))
            .map(|w| {
                if may_lack(&w.field) {
                    FieldSpec::optional(&w.field)
                } else {
                    FieldSpec::used(w)
                }
            }),
    );
    let mut table = Table::open(source.path, source.table, "activities", &specs)?;
    let reader = Reader::new(&table, source);
    let read = AtomicU64::new(0);
    let (init, visit, done) = (&init, &visit, &done);
    let parts = in_parts(
        &mut table,
        split,
        |part, stretch| reader.read(part, stretch, (init(), visit, done), &read, progress),
        |part, stretch| reader.read(part, stretch, (init(), visit, done), &read, None),
    )?;
    let read_again = parts.read_again;
    let mut counts = RowCounts::default();
    let mut states = Vec::with_capacity(parts.parts.len());
    for ((state, part), base) in parts.parts {
        counts.read += part.counts.read;
        counts.used += part.counts.used;
        counts.issues += part.counts.issues;
        issues.extend(part.issues.into_iter().map(|mut issue| {
            issue.line += base;
            issue
        }));
        states.push((state, base));
    }
    table.finish()?;
    Ok(Streamed {
        parts: states,
        counts,
        read_again,
    })
}

/// What [`stream_activities`] read.
pub struct Streamed<S> {
    /// Each part's state, in file order, with what to add to its
    /// activities' lines for the file's.
    pub parts: Vec<(S, u64)>,
    pub counts: RowCounts,
    /// A part was read and then dropped, its rows read again: the file was
    /// cut inside a quoted cell, say, which the part that started there
    /// read as rows until it was found out. Its own state is gone, but
    /// what `visit` did with those rows to state shared between parts is
    /// not the file's: read it again in one part.
    pub read_again: bool,
}

/// Whether the file's header has the column of each of `fields`: None
/// where that is only known once the file is read (JSON Lines, whose lines
/// may leave keys out), and for `kind` of a file of one kind.
pub fn columns_present(
    path: &Path,
    table: &TableConfig,
    fields: &[String],
) -> Result<Vec<Option<bool>>, DataError> {
    let specs: Vec<FieldSpec> = fields.iter().map(|f| FieldSpec::optional(f)).collect();
    let t = Table::open(path, table, "activities", &specs)?;
    let json = Format::resolve(path, table.format) == Format::Jsonl;
    Ok(fields
        .iter()
        .map(|f| {
            if json || (f == "kind" && table.kind.is_some()) {
                return None;
            }
            Some(t.slot(f).is_some_and(|slot| t.has(slot)))
        })
        .collect())
}

/// Turns rows into activities: where each field sits, and what to look up.
struct Reader<'s> {
    source: &'s ActivitySource<'s>,
    file: String,
    times: TimeForm,
    durations: DurationForm,
    /// `kind` of `accord.toml`: every row's kind.
    constant_kind: Option<&'s str>,
    /// The separator of a `lead` cell that lists several leads.
    split: Option<&'s str>,
    unreadable: String,
    names: Vec<String>,
    lead: Option<usize>,
    at: Option<usize>,
    kind: Option<usize>,
    duration: Option<usize>,
    needed: Vec<Option<usize>>,
    /// Whether any needed field is compared as a number: if none is, the
    /// numbers are left empty (`Values::numbers`), not a `None` per field.
    numeric: bool,
}

impl<'s> Reader<'s> {
    fn new(table: &Table, source: &'s ActivitySource<'s>) -> Reader<'s> {
        let config = source.table;
        let constant_kind = config.kind.as_ref().map(|k| k.get_ref().as_str());
        // A file of one kind reads it from no column: the kind's slot and
        // every needed `kind` point at a slot no column has, which
        // `decode` answers with the constant.
        let kind = match constant_kind {
            Some(_) => Some(CONSTANT_KIND),
            None => table.slot("kind"),
        };
        let slot = |field: &str| match constant_kind {
            Some(_) if field == "kind" => kind,
            _ => table.slot(field),
        };
        Reader {
            source,
            file: table.file().to_owned(),
            times: TimeForm::with_formats(
                source.tz,
                config.time_format.as_deref().unwrap_or_default(),
            ),
            durations: DurationForm {
                unit: config.duration_unit.unwrap_or_default(),
                clock: config.duration_format.unwrap_or_default(),
            },
            constant_kind,
            split: config.split_of("lead"),
            unreadable: table.unreadable(),
            names: table.column_names(),
            lead: table.slot("lead"),
            at: table.slot("at"),
            kind,
            duration: table.slot("duration"),
            needed: source.needed.iter().map(|w| slot(&w.field)).collect(),
            numeric: source.needed.iter().any(|w| w.numeric),
        }
    }

    fn column(&self, slot: Option<usize>) -> Option<&str> {
        slot.and_then(|s| self.names.get(s)).map(String::as_str)
    }

    /// Reads the rows of one part.
    fn read<S>(
        &self,
        table: &mut Table,
        mut stretch: Stretch,
        (mut state, visit, done): (S, &impl Fn(&mut S, &Activity<'_>), &impl Fn(&mut S)),
        read: &AtomicU64,
        mut progress: Option<&mut dyn FnMut(u64)>,
    ) -> Result<((S, Outcome), Stretch), DataError> {
        let mut out = Outcome::default();
        let mut problems = RowProblems::default();
        let mut batch = Batch::new(self.needed.len());
        let mut rows = 0u64;
        while stretch.advance(table)? {
            let row = table.row();
            out.counts.read += 1;
            rows += 1;
            if rows.is_multiple_of(PROGRESS_EVERY) {
                let total = read.fetch_add(PROGRESS_EVERY, Ordering::Relaxed) + PROGRESS_EVERY;
                if let Some(report) = progress.as_mut() {
                    report(total);
                }
            }
            let added = self.decode(&row, &mut problems, &mut batch, Lookup::Later);
            if added > 0 && problems.is_empty() {
                // Each lead a split cell lists is a row of its own.
                out.counts.read += added as u64 - 1;
                if batch.is_full() {
                    self.flush(&mut batch, &mut state, visit, &mut out);
                }
                continue;
            }
            // A row with problems: the batch before it goes first, so that
            // issues stay in file order; then the row again, whole.
            for _ in 0..added {
                batch.pop();
            }
            self.flush(&mut batch, &mut state, visit, &mut out);
            problems.clear();
            self.decode(&row, &mut problems, &mut batch, Lookup::Now);
            if let Some(issue) = problems.take_issue(&self.file, row.line) {
                out.issues.push(issue);
                out.counts.issues += 1;
            }
            batch.clear();
        }
        self.flush(&mut batch, &mut state, visit, &mut out);
        done(&mut state);
        Ok(((state, out), stretch))
    }

    /// Looks the batch's leads up, all together, then visits its rows in
    /// order (or reports an unknown lead).
    fn flush<S>(
        &self,
        batch: &mut Batch,
        state: &mut S,
        visit: &impl Fn(&mut S, &Activity<'_>),
        out: &mut Outcome,
    ) {
        let leads = self.source.leads;
        // All lookups at once: the processor overlaps their cache misses,
        // which one lookup per row would queue.
        let ids = batch
            .rows
            .iter()
            .map(|p| batch.text.get(p.id.clone()).unwrap_or(""));
        leads.index_all(ids, &mut batch.found);
        let width = self.needed.len();
        for (i, (p, found)) in batch.rows.iter().zip(&batch.found).enumerate() {
            let Some(lead) = found else {
                let id = batch.text.get(p.id.clone()).unwrap_or("");
                let mut problems = RowProblems::default();
                self.unknown_lead(id, &mut problems);
                if let Some(issue) = problems.take_issue(&self.file, p.line) {
                    out.issues.push(issue);
                    out.counts.issues += 1;
                }
                continue;
            };
            let values = i * width..(i + 1) * width;
            let activity = Activity {
                lead: *lead,
                at: p.at,
                kind: batch.text.get(p.kind.clone()).unwrap_or(""),
                duration_ms: p.duration_ms,
                seq: p.seq,
                line: p.line,
                values: Values {
                    symbols: batch.symbols.get(values.clone()).unwrap_or_default(),
                    numbers: batch.numbers.get(values).unwrap_or_default(),
                },
            };
            visit(state, &activity);
            out.counts.used += 1;
        }
        batch.clear();
    }

    fn unknown_lead(&self, id: &str, problems: &mut RowProblems) {
        match self.source.leads.rejected_line(id) {
            Some(line) => problems.add(
                None,
                format!(
                    "activity of lead {}, whose own row (line {line}) was rejected",
                    quoted(id)
                ),
            ),
            None => problems.add(None, format!("activity of unknown lead {}", quoted(id))),
        }
    }

    /// Decodes the row onto the end of the batch, noting what is wrong with
    /// it in `problems`; how many activities were added: one, one per lead
    /// of a split `lead` cell, or none. With [`Lookup::Later`] its leads
    /// are left for [`Reader::flush`].
    fn decode(
        &self,
        row: &Row<'_>,
        problems: &mut RowProblems,
        batch: &mut Batch,
        lookup: Lookup,
    ) -> usize {
        let source = self.source;
        if let Some(reason) = row.broken() {
            problems.add(None, reason.to_owned());
        }
        let cell = |slot: Option<usize>| slot.map_or(Some(""), |s| row.text(s));

        let mut id = None;
        match cell(self.lead) {
            None => problems.add(self.column(self.lead), self.unreadable.clone()),
            Some(text) if no_piece(self.split, text) => {
                if row.broken().is_none() {
                    problems.add(self.column(self.lead), "missing lead id".to_owned());
                }
            }
            Some(text) => match lookup {
                Lookup::Later => id = Some(text),
                Lookup::Now => {
                    for piece in pieces(self.split, text) {
                        // Quoted as the flush quotes it: the canonical form.
                        let mut canonical = [0; 18];
                        let piece = ids::canonical(source.ids, piece, &mut canonical);
                        if source.leads.index_of(piece).is_some() {
                            id = Some(text);
                        } else {
                            self.unknown_lead(piece, problems);
                        }
                    }
                }
            },
        }

        let mut at = None;
        match cell(self.at) {
            None => problems.add(self.column(self.at), self.unreadable.clone()),
            Some(text) if is_blank(text) => {
                if row.broken().is_none() {
                    problems.add(self.column(self.at), "missing time".to_owned());
                }
            }
            Some(text) => match self.times.parse(text) {
                Ok(t) => at = Some(t),
                Err(reason) => problems.add(
                    self.column(self.at),
                    format!("invalid time {}: {reason}", quoted(text)),
                ),
            },
        }

        let mut duration_ms = 0;
        match cell(self.duration) {
            None => problems.add(self.column(self.duration), self.unreadable.clone()),
            Some(text) => match parse_duration(text, self.durations) {
                Ok(ms) => duration_ms = ms,
                Err(reason) => problems.add(
                    self.column(self.duration),
                    format!("invalid duration {}: {reason}", quoted(text)),
                ),
            },
        }

        let kind_cell = match self.constant_kind {
            Some(kind) => Some(kind),
            None => cell(self.kind),
        };
        let kind = match kind_cell {
            Some(text) => text,
            None => {
                problems.add(self.column(self.kind), self.unreadable.clone());
                ""
            }
        };
        // Conditions mostly test the kind: its cell is read once, and named
        // once when it cannot be read.
        let cell = |slot: Option<usize>| {
            if slot == self.kind {
                Some(kind)
            } else {
                cell(slot)
            }
        };
        let (Some(id), Some(at)) = (id, at) else {
            // Still look at every cell, so that every problem is named.
            for slot in &self.needed {
                if cell(*slot).is_none() {
                    problems.add(self.column(*slot), self.unreadable.clone());
                }
            }
            return 0;
        };
        let (symbols, numbers) = (batch.symbols.len(), batch.numbers.len());
        for (slot, wanted) in self.needed.iter().zip(source.needed) {
            let text = match cell(*slot) {
                Some(text) => text,
                None => {
                    problems.add(self.column(*slot), self.unreadable.clone());
                    ""
                }
            };
            batch.symbols.push(wanted.lookup(text));
            if self.numeric {
                batch
                    .numbers
                    .push(wanted.numeric.then(|| parse_number(text)).flatten());
            }
        }
        let (width, numeric) = (batch.symbols.len() - symbols, batch.numbers.len() - numbers);
        let seq = row.offset + source.seq_base;
        let mut added = 0;
        let mut add = |piece: &str| {
            if added > 0 {
                batch.symbols.extend_from_within(symbols..symbols + width);
                batch.numbers.extend_from_within(numbers..numbers + numeric);
            }
            let mut canonical = [0; 18];
            let piece = ids::canonical(source.ids, piece, &mut canonical);
            batch.push(piece, kind, at, duration_ms, seq, row.line);
            added += 1;
        };
        match self.split {
            // The cell is the id (it is not blank, or `id` would be None).
            None => add(id),
            Some(_) => pieces(self.split, id).for_each(add),
        }
        added
    }
}

/// The leads a `lead` cell names: the cell, or the non-blank pieces of a
/// cell split at `split`.
fn pieces<'t>(split: Option<&'t str>, text: &'t str) -> impl Iterator<Item = &'t str> {
    let (whole, listed) = match split {
        Some(sep) => (None, Some(text.split(sep).map(str::trim))),
        None => (Some(text).filter(|t| !is_blank(t)), None),
    };
    whole
        .into_iter()
        .chain(listed.into_iter().flatten())
        .filter(|piece| !piece.is_empty())
}

/// Whether a `lead` cell names no lead: [`pieces`] finds none, which
/// without a separator is a blank cell (the common case, tested per row).
fn no_piece(split: Option<&str>, text: &str) -> bool {
    match split {
        None => is_blank(text),
        Some(_) => pieces(split, text).next().is_none(),
    }
}

/// A slot no column has: the kind of a file of one kind (see
/// [`Reader::new`]).
const CONSTANT_KIND: usize = usize::MAX;

/// Whether [`Reader::decode`] looks a row's lead up at once.
#[derive(Clone, Copy)]
enum Lookup {
    Now,
    Later,
}

/// What a part has read so far.
#[derive(Default)]
struct Outcome {
    counts: RowCounts,
    issues: Vec<DataIssue>,
}

/// Rows decoded but for their lead, whose lookups are done together (see
/// [`Reader::flush`]); their text lives in one reused buffer.
struct Batch {
    text: String,
    rows: Vec<Pending>,
    width: usize,
    symbols: Vec<u32>,
    numbers: Vec<Option<f64>>,
    found: Vec<Option<u32>>,
}

/// A row of a [`Batch`].
struct Pending {
    id: std::ops::Range<usize>,
    kind: std::ops::Range<usize>,
    at: DateTime<Utc>,
    duration_ms: i64,
    seq: u64,
    line: u64,
}

impl Batch {
    /// Rows per batch: enough lookups in flight to hide memory latency, few
    /// enough that the batch stays in cache.
    const ROWS: usize = 256;

    fn new(width: usize) -> Batch {
        Batch {
            text: String::new(),
            rows: Vec::with_capacity(Self::ROWS),
            width,
            symbols: Vec::with_capacity(Self::ROWS * width),
            numbers: Vec::with_capacity(Self::ROWS * width),
            found: Vec::with_capacity(Self::ROWS),
        }
    }

    fn push(
        &mut self,
        id: &str,
        kind: &str,
        at: DateTime<Utc>,
        duration_ms: i64,
        seq: u64,
        line: u64,
    ) {
        let mut keep = |s: &str| {
            let from = self.text.len();
            self.text.push_str(s);
            from..self.text.len()
        };
        let (id, kind) = (keep(id), keep(kind));
        self.rows.push(Pending {
            id,
            kind,
            at,
            duration_ms,
            seq,
            line,
        });
    }

    /// Takes the last row back out.
    fn pop(&mut self) {
        if let Some(p) = self.rows.pop() {
            self.text.truncate(p.id.start);
        }
        let keep = self.rows.len() * self.width;
        self.symbols.truncate(keep);
        self.numbers.truncate(keep);
    }

    fn is_full(&self) -> bool {
        self.rows.len() >= Self::ROWS
    }

    fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.symbols.clear();
        self.numbers.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::config::TableConfig;
    use crate::data::duration::DurationUnit;
    use crate::data::intern::{Interner, UNSEEN};
    use crate::data::leads::load_leads;
    use crate::data::table::part_ends;
    use crate::data::testutil::{issue, write};
    use chrono_tz::Europe::Amsterdam;
    use std::collections::BTreeMap;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    /// An activity as owned data, to compare after the visit.
    #[derive(Debug, PartialEq)]
    struct Seen {
        lead: String,
        at: DateTime<Utc>,
        kind: String,
        duration_ms: i64,
        seq: u64,
        line: u64,
        values: Vec<String>,
    }

    struct Run {
        seen: Vec<Seen>,
        counts: RowCounts,
        issues: Vec<DataIssue>,
    }

    /// The values the tests' agreements name as literals.
    const LITERALS: [&str; 7] = [
        "true",
        "false",
        "ann",
        "bob",
        "Connected",
        "left a\r\nvoicemail",
        "a \"quoted\"\nword",
    ];

    const LEADS: &str = "id,handed_off_at\n\
                         L1,2027-01-04 09:00\n\
                         L2,2027-01-04 09:00\n\
                         L3,not a time\n";

    fn run_with(
        path: &Path,
        columns: &[(&str, &str)],
        unit: DurationUnit,
        needed: &[(&str, &str)],
    ) -> Result<Run, DataError> {
        run_split(path, columns, unit, needed, Split::default())
    }

    fn run_split(
        path: &Path,
        columns: &[(&str, &str)],
        unit: DurationUnit,
        needed: &[(&str, &str)],
        split: Split,
    ) -> Result<Run, DataError> {
        let mut interner = Interner::new();
        let mut issues = Vec::new();
        let leads_path = write("leads.csv", LEADS);
        let lead_source = crate::data::LeadSource {
            path: &leads_path,
            table: &TableConfig::default(),
            tz: Amsterdam,
            ids: Ids::Exact,
            needed: &[],
        };
        let (leads, _) =
            load_leads(&lead_source, Split::default(), &mut interner, &mut issues).unwrap();
        issues.clear();
        let columns: BTreeMap<String, String> = columns
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        // The tests' agreements compare every field with every literal.
        let mut needed = crate::data::testutil::wanted(needed);
        for wanted in &mut needed {
            wanted.literals = LITERALS
                .iter()
                .map(|l| ((*l).to_owned(), interner.intern(l)))
                .collect();
        }
        let known = interner.len();
        let table = TableConfig {
            columns,
            duration_unit: Some(unit),
            ..TableConfig::default()
        };
        let source = ActivitySource {
            path,
            table: &table,
            tz: Amsterdam,
            ids: Ids::Exact,
            duration_rule: None,
            seq_base: 0,
            may_lack: &[],
            needed: &needed,
            leads: &leads,
        };
        let Streamed { parts, counts, .. } = stream_activities(
            &source,
            split,
            Vec::new,
            |raw, a| {
                raw.push((
                    a.lead,
                    a.at,
                    a.kind.to_owned(),
                    a.duration_ms,
                    a.seq,
                    a.line,
                    a.values.symbols.to_vec(),
                ))
            },
            |_| {},
            &mut issues,
            None,
        )?;
        assert_eq!(interner.len(), known, "reading activities interns nothing");
        let raw: Vec<_> = parts
            .into_iter()
            .flat_map(|(raw, base)| {
                raw.into_iter()
                    .map(move |(lead, at, kind, ms, seq, line, values)| {
                        (lead, at, kind, ms, seq, line + base, values)
                    })
            })
            .collect();
        assert_eq!(counts.read, counts.used + counts.issues);
        assert_eq!(counts.issues, issues.len() as u64);
        assert_eq!(counts.used, raw.len() as u64);
        let seen = raw
            .into_iter()
            .map(|(lead, at, kind, duration_ms, seq, line, values)| Seen {
                lead: leads.id(lead).to_owned(),
                at,
                kind,
                duration_ms,
                seq,
                line,
                values: values
                    .iter()
                    .map(|&v| match v {
                        UNSEEN => "(unseen)".to_owned(),
                        v => interner.resolve(v).to_owned(),
                    })
                    .collect(),
            })
            .collect();
        Ok(Run {
            seen,
            counts,
            issues,
        })
    }

    fn run(name: &str, text: &str, needed: &[(&str, &str)]) -> (Run, std::path::PathBuf) {
        let path = write(name, text);
        (
            run_with(&path, &[], DurationUnit::Seconds, needed).unwrap(),
            path,
        )
    }

    #[test]
    fn good_rows_are_visited_in_file_order() {
        let text = "lead,at,kind,duration,actor\n\
                    L2,2027-01-05T10:00:00+01:00,call,90,ann\n\
                    L1,2027-01-04 09:30,email,,\n\
                    L1,2027-01-04 09:30,meeting,0:30:00,carl\n";
        let offset = |row: &str| text.find(row).unwrap() as u64;
        let (r, _) = run("activities.csv", text, &[("actor", "Speed to lead")]);
        assert_eq!(
            r.counts,
            RowCounts {
                read: 3,
                used: 3,
                issues: 0
            }
        );
        assert_eq!(
            r.seen,
            vec![
                Seen {
                    lead: "L2".into(),
                    at: utc("2027-01-05T09:00:00Z"),
                    kind: "call".into(),
                    duration_ms: 90_000,
                    seq: offset("L2,"),
                    line: 2,
                    values: vec!["ann".into()],
                },
                Seen {
                    lead: "L1".into(),
                    at: utc("2027-01-04T08:30:00Z"),
                    kind: "email".into(),
                    duration_ms: 0,
                    seq: offset("L1,2027-01-04 09:30,email"),
                    line: 3,
                    values: vec!["".into()],
                },
                Seen {
                    lead: "L1".into(),
                    at: utc("2027-01-04T08:30:00Z"),
                    kind: "meeting".into(),
                    duration_ms: 1_800_000,
                    seq: offset("L1,2027-01-04 09:30,meeting"),
                    line: 4,
                    values: vec!["(unseen)".into()],
                },
            ]
        );
    }

    #[test]
    fn unusable_rows_are_issues() {
        let (r, path) = run(
            "activities.csv",
            "lead,at,kind,duration\n\
             L9,2027-01-04 09:30,call,\n\
             L3,2027-01-04 09:30,call,\n\
             ,2027-01-04 09:30,call,\n\
             L1,,call,\n\
             L1,2027-03-28 02:30,call,\n\
             L1,2027-01-04 09:30,call,-5\n\
             L1,2027-01-04 09:30,call,5:30\n\
             L9,2027-01-04,call,abc\n\
             L1,2027-01-04 09:30,,\n\
             L1,2027-01-04 09:30\n",
            &[],
        );
        assert_eq!(
            r.counts,
            RowCounts {
                read: 10,
                used: 1,
                issues: 9
            }
        );
        assert_eq!(r.seen[0].line, 10, "a blank kind is kept");
        assert_eq!(
            r.issues,
            vec![
                issue(&path, 2, None, "activity of unknown lead \"L9\""),
                issue(
                    &path,
                    3,
                    None,
                    "activity of lead \"L3\", whose own row (line 4) was rejected"
                ),
                issue(&path, 4, Some("lead"), "missing lead id"),
                issue(&path, 5, Some("at"), "missing time"),
                issue(
                    &path,
                    6,
                    Some("at"),
                    "invalid time \"2027-03-28 02:30\": 2027-03-28 02:30 does not exist \
                     in Europe/Amsterdam (daylight-saving gap)"
                ),
                issue(
                    &path,
                    7,
                    Some("duration"),
                    "invalid duration \"-5\": a duration cannot be negative"
                ),
                issue(
                    &path,
                    8,
                    Some("duration"),
                    "invalid duration \"5:30\": expected hours, minutes and seconds such as 0:05:30 \
                     (set `duration_format` to \"h:mm\" or \"mm:ss\" for two parts)"
                ),
                issue(
                    &path,
                    9,
                    None,
                    "activity of unknown lead \"L9\"; \
                     `at`: invalid time \"2027-01-04\": a date without a time; \
                     `duration`: invalid duration \"abc\": expected whole seconds or H:MM:SS"
                ),
                issue(&path, 11, None, "the row has 2 cells, the header has 4"),
            ]
        );
    }

    #[test]
    fn mapped_columns_and_milliseconds() {
        let path = write(
            "hubspot.csv",
            "Associated Contact ID,Activity date,Activity type,Call duration (ms),Outcome\n\
             L1,2027-01-04 09:30,CALL,90500,Connected\n\
             L1,2027-01-04 09:31,CALL,x,Connected\n",
        );
        let r = run_with(
            &path,
            &[
                ("lead", "Associated Contact ID"),
                ("at", "Activity date"),
                ("kind", "Activity type"),
                ("duration", "Call duration (ms)"),
                ("outcome", "Outcome"),
            ],
            DurationUnit::Millis,
            &[("outcome", "Connected calls")],
        )
        .unwrap();
        assert_eq!(r.seen.len(), 1);
        assert_eq!(r.seen[0].duration_ms, 90_500);
        assert_eq!(r.seen[0].kind, "CALL");
        assert_eq!(r.seen[0].values, ["Connected"]);
        assert_eq!(
            r.issues,
            vec![issue(
                &path,
                3,
                Some("Call duration (ms)"),
                "invalid duration \"x\": expected whole milliseconds or H:MM:SS"
            )]
        );
    }

    #[test]
    fn embedded_newlines_crlf_and_bom() {
        let (r, path) = run(
            "activities.csv",
            "\u{feff}lead,at,kind,note\r\n\
             L1,2027-01-04 09:30,call,\"left a\r\nvoicemail\"\r\n\
             L1,2027-01-04 09:31,email,\"a \"\"quoted\"\"\nword\"\r\n\
             L9,2027-01-04 09:32,call,x\r\n",
            &[("note", "Notes")],
        );
        assert_eq!(r.seen[0].line, 2);
        assert_eq!(r.seen[0].values, ["left a\r\nvoicemail"]);
        assert_eq!(r.seen[1].line, 4);
        assert_eq!(r.seen[1].values, ["a \"quoted\"\nword"]);
        assert_eq!(
            r.issues,
            vec![issue(&path, 6, None, "activity of unknown lead \"L9\"")]
        );
    }

    #[test]
    fn missing_columns_are_fatal() {
        let path = write("activities.csv", "lead,when,kind\n");
        let err = run_with(&path, &[], DurationUnit::Seconds, &[])
            .err()
            .unwrap();
        assert!(
            matches!(&err, DataError::MissingColumn { field, .. } if field == "at"),
            "{err:?}"
        );
        let DataError::MissingColumn { help, .. } = &err else {
            unreachable!()
        };
        assert!(help.contains("[activities] columns = { at = "), "{help}");

        let path = write("activities.csv", "lead,at,kind\n");
        let err = run_with(
            &path,
            &[],
            DurationUnit::Seconds,
            &[("actor", "Speed to lead")],
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "rule `Speed to lead` uses `actor`, but `{}` has no column `actor`",
                path.display()
            )
        );
        // A needed `duration` must be there; an unneeded one may be absent.
        let err = run_with(
            &path,
            &[],
            DurationUnit::Seconds,
            &[("duration", "Time spent")],
        )
        .err()
        .unwrap();
        assert!(matches!(err, DataError::MissingField { .. }), "{err:?}");
    }

    #[test]
    fn unreadable_cells_are_issues_naming_their_column() {
        // A byte that is no UTF-8 in the kind, which a condition tests too,
        // and in the outcome; then a list where one value belongs.
        let csv = std::env::temp_dir().join("accord-unreadable-activities.csv");
        std::fs::write(
            &csv,
            b"lead,at,kind,duration,outcome\n\
              L1,2027-01-04 09:30,c\xffll,,ok\n\
              L1,2027-01-04 09:31,call,,n\xffo\n\
              L1,2027-01-04 09:32,call,,ok\n",
        )
        .unwrap();
        let needed = [("kind", "Speed to lead"), ("outcome", "Depth")];
        let r = run_with(&csv, &[], DurationUnit::Seconds, &needed).unwrap();
        assert_eq!((r.counts.used, r.seen[0].line), (1, 4));
        let invalid = "not valid UTF-8 text";
        assert_eq!(
            r.issues,
            vec![
                issue(&csv, 2, Some("kind"), invalid),
                issue(&csv, 3, Some("outcome"), invalid),
            ]
        );
        let (r, jsonl) = run(
            "unreadable-activities.jsonl",
            "{\"lead\": \"L1\", \"at\": \"2027-01-04T09:30:00+01:00\", \"kind\": \"call\", \"outcome\": [\"ok\"]}\n",
            &needed,
        );
        assert_eq!(
            r.issues,
            vec![issue(
                &jsonl,
                1,
                Some("outcome"),
                "a list or an object, not a single value"
            )]
        );
    }

    #[test]
    fn json_lines_activities() {
        let (r, path) = run(
            "activities.jsonl",
            "{\"lead\": \"L1\", \"at\": \"2027-01-04T09:30:00+01:00\", \"kind\": \"call\", \"duration\": 60, \"connected\": true}\n\
             {\"lead\": \"L1\", \"at\": \"2027-01-04T09:31:00+01:00\", \"kind\": \"call\", \"duration\": null}\n\
             {\"lead\": \"L2\", \"at\": \"2027-01-04T09:32:00+01:00\", \"kind\": null, \"duration\": \"0:01:00\", \"connected\": false}\n\
             {\"lead\": \"L1\", \"kind\": \"call\"}\n\
             not json\n",
            &[("connected", "Connects")],
        );
        assert_eq!(
            r.counts,
            RowCounts {
                read: 5,
                used: 3,
                issues: 2
            }
        );
        assert_eq!(r.seen[0].values, ["true"]);
        assert_eq!(r.seen[0].duration_ms, 60_000);
        assert_eq!(r.seen[1].values, [""]);
        assert_eq!(r.seen[1].duration_ms, 0);
        assert_eq!(r.seen[2].kind, "");
        assert_eq!(r.seen[2].values, ["false"]);
        assert_eq!(r.seen[2].duration_ms, 60_000);
        assert_eq!(
            r.issues,
            vec![
                issue(&path, 4, Some("at"), "missing time"),
                issue(
                    &path,
                    5,
                    None,
                    "not valid JSON (expected ident at column 2)"
                ),
            ]
        );
    }

    #[test]
    fn json_lines_field_absent_everywhere_is_fatal_after_the_rows() {
        let path = write(
            "activities.jsonl",
            "{\"lead\": \"L1\", \"at\": \"2027-01-04T09:30:00+01:00\", \"kind\": \"call\"}\n",
        );
        let visited = std::sync::atomic::AtomicUsize::new(0);
        let source = ActivitySource {
            path: &path,
            table: &TableConfig::default(),
            tz: Amsterdam,
            ids: Ids::Exact,
            duration_rule: None,
            seq_base: 0,
            may_lack: &[],
            needed: &crate::data::testutil::wanted(&[("actor", "Speed to lead")]),
            leads: &Leads::default(),
        };
        let err = stream_activities(
            &source,
            Split::default(),
            || (),
            |_, _| {
                visited.fetch_add(1, Ordering::Relaxed);
            },
            |_| {},
            &mut Vec::new(),
            None,
        )
        .err()
        .unwrap();
        assert!(matches!(err, DataError::MissingField { .. }), "{err:?}");
        assert_eq!(
            visited.into_inner(),
            0,
            "L1 is unknown to an empty lead table"
        );
    }

    /// Rows of every shape a cut can land in: quoted cells with line breaks
    /// (a cut inside one must not split the row), CRLF endings, blank
    /// lines, and bad rows whose lines must stay right.
    fn awkward_rows(rows: usize, crlf: bool) -> String {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut text = format!("lead,at,kind,duration,actor{nl}");
        for i in 0..rows {
            let row = match i % 7 {
                0 => format!("L1,2027-01-04 09:{:02},call,{i},\"ann{nl}{nl}x\"", i % 60),
                1 => format!("L2,2027-01-04 10:{:02},email,,bob", i % 60),
                2 => "L9,2027-01-04 10:00,call,,ann".to_owned(),
                3 => String::new(),
                4 => format!("L1,not a time,call,,\"a \"\"quoted\"\"{nl}word\""),
                5 => "L2,2027-01-05T10:00:00+01:00,meeting,0:30:00,ann".to_owned(),
                _ => format!("L1,2027-01-06 11:00,call,5,\"{}\"", "long ".repeat(i % 13)),
            };
            text.push_str(&row);
            text.push_str(nl);
        }
        text
    }

    /// Reading `path` in 2, 3, 5 and 16 parts, as small as a byte allows,
    /// sees what one pass (`one`) saw.
    fn assert_parts_agree(path: &Path, one: &Run, what: &str) {
        for threads in [2, 3, 5, 16] {
            let split = Split {
                threads,
                min_bytes: 1,
            };
            let parts =
                run_split(path, &[], DurationUnit::Seconds, &[("actor", "r")], split).unwrap();
            assert_eq!(parts.counts, one.counts, "{what}, {threads} parts");
            assert_eq!(parts.seen, one.seen, "{what}, {threads} parts");
            assert_eq!(parts.issues, one.issues, "{what}, {threads} parts");
        }
    }

    #[test]
    fn reading_in_parts_sees_what_one_pass_sees() {
        for (crlf, name) in [(false, "activities.csv"), (true, "crlf.csv")] {
            let path = write(name, &awkward_rows(400, crlf));
            let one = run_with(&path, &[], DurationUnit::Seconds, &[("actor", "r")]).unwrap();
            assert!(one.counts.issues > 0 && one.counts.used > 0);
            assert_parts_agree(&path, &one, name);
        }
    }

    #[test]
    fn a_cut_inside_a_quoted_cell_is_read_again_from_the_true_row() {
        // One row whose quoted cell is most of the file: every cut falls in
        // it, so the parts after the first begin inside a row.
        let text = format!(
            "lead,at,kind,duration,actor\nL1,2027-01-04 09:00,call,,\"{}\"\nL2,2027-01-04 09:01,call,,ann\n",
            "x\ny,z\n".repeat(500)
        );
        let path = write("activities.csv", &text);
        let split = Split {
            threads: 4,
            min_bytes: 1,
        };
        let r = run_split(&path, &[], DurationUnit::Seconds, &[("actor", "r")], split).unwrap();
        assert_eq!(
            r.counts,
            RowCounts {
                read: 2,
                used: 2,
                issues: 0
            }
        );
        assert_eq!(r.seen[1].lead, "L2");
        assert_eq!(r.seen[1].line, 1003);
    }

    #[test]
    fn a_part_lost_in_a_huge_quoted_cell_gives_up_and_is_read_again() {
        // A cell of about 8 MiB ending in a line feed, then 17 MiB of rows
        // without a quote: the first cut falls just after that line feed, so the part
        // after it begins with the cell's closing quote, reads it as an
        // opening one, and would take the rest of the file for one row. It
        // gives up at the row limit, and is read again from the true row.
        let header = "lead,at,kind,duration,actor\n";
        let before = "L1,2027-01-04 09:00,call,,ann\nL2,2027-01-04 09:01,call,,\"";
        let after = format!("L1,2027-01-04 09:02,call,,{}\n", "y".repeat(1000)).repeat(17 << 10);
        // Cuts aim at about thirds of the rows' bytes (see `part_ends`) and
        // fall after the next line feed: size the cell so that the first aim
        // lands 1,000 bytes before the line feed that ends it.
        let share = part_ends(1 << 40, 3)[0] as f64 / (1u64 << 40) as f64;
        let (b, a) = (before.len() as f64, after.len() as f64);
        let x = ((share * (b + 3.0 + a) - b + 1000.0) / (1.0 - share)) as usize;
        let rows = before.len() + x + 3 + after.len();
        let aim = part_ends(rows as u64, 3)[0] as usize;
        assert!(
            (before.len()..before.len() + x).contains(&aim),
            "the first cut must fall inside the cell: {aim}"
        );
        let text = format!("{header}{before}{}\n\"\n{after}", "x".repeat(x));
        let path = write("activities.csv", &text);
        let split = |threads| Split {
            threads,
            min_bytes: 1,
        };
        let needed = [("actor", "r")];
        let one = run_split(&path, &[], DurationUnit::Seconds, &needed, split(1)).unwrap();
        let parts = run_split(&path, &[], DurationUnit::Seconds, &needed, split(3)).unwrap();
        assert_eq!(one.counts.used, 2 + (17 << 10));
        assert_eq!(
            (parts.counts, parts.seen, parts.issues),
            (one.counts, one.seen, one.issues)
        );
    }

    #[test]
    fn json_lines_in_parts() {
        let mut text = String::new();
        for i in 0..300 {
            text.push_str(&match i % 4 {
                0 => format!("{{\"lead\": \"L1\", \"at\": \"2027-01-04 09:00\", \"kind\": \"call\", \"duration\": {i}}}\n"),
                1 if i % 8 == 1 => "\n".to_owned(),
                // A byte-order mark is one only at the start of the file:
                // here, wherever a part starts, the line is not JSON.
                1 => "\u{feff}{\"lead\": \"L1\", \"at\": \"2027-01-04 09:00\", \"kind\": \"note\"}\n".to_owned(),
                2 => "{\"lead\": \"L2\", \"at\": \"broken\"}\n".to_owned(),
                _ => "{\"lead\": \"L2\", \"at\": \"2027-01-04 09:00\", \"kind\": \"email\", \"actor\": \"bob\"}\n".to_owned(),
            });
        }
        let path = write("activities.jsonl", &text);
        let one = run_with(&path, &[], DurationUnit::Seconds, &[("actor", "r")]).unwrap();
        assert!(one
            .issues
            .iter()
            .any(|i| i.message.contains("not valid JSON")));
        assert_parts_agree(&path, &one, "JSON Lines");
    }
}
