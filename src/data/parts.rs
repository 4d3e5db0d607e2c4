//! Reading one table in parts, one thread each: the leads and the
//! activities loaders both do, each with its own per-row work.
//!
//! [`Table::starts`] cuts the file just after line feeds. In CSV a line feed
//! may fall inside a quoted cell, so a part is only kept when the part before
//! it stopped exactly at the row where it began; when not, or when the part
//! could not be read as a part (a row longer than [`PART_ROW_LIMIT`], or
//! any error), that part and the ones after it are dropped and the rows from
//! where the earlier part stopped are read again, on this thread, as one
//! pass would: a real error shows there. JSON Lines has no such cells: its
//! parts always line up.
//!
//! On a shared machine one core may run much slower than another, so a
//! thread done with its part takes over the second half of what is left of
//! the slowest one ([`Running::take_over`]): that part's end moves to a
//! line start, and the taken stretch is a part of its own, after it. The
//! same lining-up check applies to it.
//!
//! A part after the first counts its lines from where it starts (see
//! `Opener::open`); the part before it knows, once it has stopped, which of
//! its own lines that start is, and so the file's line of each of the
//! next part's (see [`in_parts`]).

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use super::issue::DataError;
use super::table::{Opener, Table};

/// How far to split the reading of a large file.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// At most this many parts, one thread each.
    pub threads: usize,
    /// No part smaller than this: a thread costs more than a small part.
    pub min_bytes: u64,
}

impl Default for Split {
    /// A part per thread of the pool (one per core, unless `--threads`
    /// says otherwise), of at least 4 MiB.
    fn default() -> Self {
        Split {
            threads: rayon::current_num_threads(),
            min_bytes: 4 << 20,
        }
    }
}

/// A take-over takes about this share of the file at least (see
/// [`Running::take_over`]).
const PART_SHARE: u64 = 64;

/// Take-overs a read may make per part it starts with.
const TAKE_OVERS: usize = 8;

/// How long a CSV row of a part after the first may run on. A part that
/// began inside a quoted cell may otherwise take the rest of the file for
/// one row before it is found out.
const PART_ROW_LIMIT: u64 = 16 << 20;

/// One part's stretch of the file: its rows are those that start at or
/// after where it was opened and before its end. The end may move closer
/// while the part is read, when a thread that has finished takes the rest
/// of it over (see [`in_parts`]).
pub(crate) struct Stretch {
    bounds: Arc<Bounds>,
    /// Where its first row starts, and where the row it stopped before does
    /// (None: the end of the file), each with its line as the part counts
    /// them (blank lines before the first row count too).
    first: Option<u64>,
    first_line: u64,
    stopped: Option<u64>,
    stopped_line: u64,
}

/// A stretch's end and how far reading it has come, shared with the
/// threads that may take its rest over. Each on cache lines of its own:
/// `at` is written for every row, and two stretches' bounds side by side
/// had the threads that read them take the line from each other.
#[repr(align(128))]
struct Bounds {
    end: AtomicU64,
    at: AtomicU64,
}

impl Stretch {
    fn new(start: u64, end: u64) -> Stretch {
        Stretch {
            bounds: Arc::new(Bounds {
                end: AtomicU64::new(end),
                at: AtomicU64::new(start),
            }),
            first: None,
            first_line: 0,
            stopped: None,
            stopped_line: 0,
        }
    }

    /// Nothing is left of it to take over.
    fn done(&self) {
        self.bounds.at.store(u64::MAX, Ordering::Relaxed);
    }

    /// Moves `table` to the next row of the part ([`Table::row`]); false
    /// past its end.
    #[inline]
    pub fn advance(&mut self, table: &mut Table) -> Result<bool, DataError> {
        if self.stopped.is_some() {
            return Ok(false);
        }
        if !table.advance().inspect_err(|_| self.done())? {
            self.done();
            return Ok(false);
        }
        let (offset, line) = table.row_start();
        if offset >= self.bounds.end.load(Ordering::Acquire) {
            self.stopped = Some(offset);
            self.stopped_line = line;
            self.done();
            return Ok(false);
        }
        self.bounds.at.store(offset, Ordering::Relaxed);
        if self.first.is_none() {
            (self.first, self.first_line) = (Some(offset), line);
        }
        Ok(true)
    }
}

/// What reading a part gathered, where it stopped, and its table (None for
/// the first part, read from `table` itself).
type Read<P> = (P, Stretch, Option<Table>);

/// The stretches being read, for a thread that has finished its own to
/// take the rest of the one with most left over.
struct Running {
    stretches: Mutex<Vec<Arc<Bounds>>>,
    /// How many more parts may be made: each holds a state until the end
    /// (the leads' its rows, which the parts share out; the activities'
    /// little once its last batch is folded).
    more: AtomicUsize,
    min_bytes: u64,
    /// The file's length: the last part's end is past it.
    len: u64,
}

impl Running {
    fn add(&self, stretch: &Stretch) {
        if let Ok(mut all) = self.stretches.lock() {
            all.push(Arc::clone(&stretch.bounds));
        }
    }

    /// Takes the second half of what is left of the stretch with most left,
    /// as a stretch of its own; None when none is worth it.
    fn take_over(&self, opener: &Opener) -> Option<(u64, Stretch)> {
        let mut all = self.stretches.lock().ok()?;
        let end = |b: &Bounds| b.end.load(Ordering::Relaxed).min(self.len);
        let left = |b: &Bounds| end(b).saturating_sub(b.at.load(Ordering::Relaxed));
        let most = all.iter().max_by_key(|b| left(b))?;
        let (left, end) = (left(most), most.end.load(Ordering::Relaxed));
        if left < self.min_bytes.saturating_mul(2) {
            return None;
        }
        // A part of its own has a cost of its own: the file opened again, a
        // state to make and a batch folded at its end. Less than a share
        // of the file is left to the part itself: with a sixteenth, the
        // last tenth of a second of a run had one core idle.
        if left / 2 < self.len / PART_SHARE {
            return None;
        }
        let cut = opener
            .cut(end.min(self.len) - left / 2)
            .filter(|cut| *cut < end)?;
        self.more
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .ok()?;
        // The part stops before its first row at or after the cut. Should
        // it already have read past the cut, the parts do not line up and
        // the rows are read again (see `in_parts`).
        most.end.store(cut, Ordering::Release);
        let stretch = Stretch::new(cut, end);
        all.push(Arc::clone(&stretch.bounds));
        Some((cut, stretch))
    }
}

/// Reads `table` in parts: `first` reads the first part, from `table`
/// itself, on this thread (it may report progress); `rest` reads each other
/// part on a thread of its own, from the file opened again. A thread that
/// is done takes over the second half of what is left of the slowest part,
/// while that is worth it and the budget of parts lasts: on a shared
/// machine one core may run much slower than the other.
/// The results come in file order, each with what to add to its lines for
/// the file's (0 for the first, read from `table` itself; see the module's
/// comment); what the other parts' tables saw is absorbed into `table`.
/// Also whether some part was read and then dropped, its rows read again
/// ([`Parts::read_again`]).
pub(crate) fn in_parts<P: Send>(
    table: &mut Table,
    split: Split,
    first: impl FnOnce(&mut Table, Stretch) -> Result<(P, Stretch), DataError>,
    rest: impl Fn(&mut Table, Stretch) -> Result<(P, Stretch), DataError> + Sync,
) -> Result<Parts<P>, DataError> {
    let starts = table.starts(split.threads, split.min_bytes)?;
    let ends: Vec<u64> = starts.iter().skip(1).copied().chain([u64::MAX]).collect();
    let opener = table.opener()?;
    let running = Running {
        stretches: Mutex::new(Vec::new()),
        more: AtomicUsize::new(starts.len().saturating_mul(TAKE_OVERS)),
        min_bytes: split.min_bytes.max(1),
        len: opener.len(),
    };
    let read_rest = |start: u64, stretch: Stretch, limit| -> Result<Read<P>, DataError> {
        let mut part = opener.open(start, limit)?;
        let (gathered, stretch) = rest(&mut part, stretch)?;
        Ok((gathered, stretch, Some(part)))
    };
    // Parts taken over once a thread's own is done, by where they start.
    let take_over = || -> Vec<(u64, Result<Read<P>, DataError>)> {
        let mut taken = Vec::new();
        while let Some((start, stretch)) = running.take_over(&opener) {
            taken.push((start, read_rest(start, stretch, Some(PART_ROW_LIMIT))));
        }
        taken
    };
    let mut parts: Vec<Read<P>> = Vec::new();
    let mut bases: Vec<u64> = Vec::new();
    let mut read_again = false;
    std::thread::scope(|scope| -> Result<(), DataError> {
        let (read_rest, take_over, running) = (&read_rest, &take_over, &running);
        // Every part's stretch is known before any thread starts, so that one
        // done early can take over any of them, the first too.
        let own = starts
            .first()
            .zip(ends.first())
            .map(|(&start, &end)| Stretch::new(start, end));
        if let Some(stretch) = &own {
            running.add(stretch);
        }
        let spawned: Vec<_> = starts
            .iter()
            .zip(&ends)
            .skip(1)
            .map(|(&start, &end)| {
                let stretch = Stretch::new(start, end);
                running.add(&stretch);
                scope.spawn(move || {
                    let own = read_rest(start, stretch, Some(PART_ROW_LIMIT));
                    let mut read = vec![(start, own)];
                    read.extend(take_over());
                    read
                })
            })
            .collect();
        let mut later = Vec::new();
        if let Some(stretch) = own {
            let (gathered, stretch) = first(table, stretch)?;
            parts.push((gathered, stretch, None));
            bases.push(0);
            later.extend(take_over());
        }
        for handle in spawned {
            // A part that panicked is a bug: pass its panic on.
            later.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        later.sort_by_key(|(start, _)| *start);
        // A part not kept below was read for nothing: whatever its reading
        // did with its rows (folded them, say) is not the file's.
        for (_, part) in later {
            // The part before read to the end of the file: nothing is left.
            let Some((at, line)) = parts
                .last()
                .and_then(|(_, previous, _)| Some((previous.stopped?, previous.stopped_line)))
            else {
                read_again = true;
                break;
            };
            // The next part's first row is the one the part before stopped
            // at: what the two count its line as tells the next part's base.
            let base = bases.last().copied().unwrap_or(0) + line;
            match part {
                Ok(part) if part.1.first == Some(at) => {
                    debug_assert!(base >= part.1.first_line);
                    bases.push(base.saturating_sub(part.1.first_line));
                    parts.push(part);
                }
                // The part began inside a row, or failed, or the part before
                // read past where this one began: the one before knows where
                // the next row really starts; read on from there, as one
                // pass would.
                _ => {
                    read_again = true;
                    let rest_of_file = Stretch::new(at, u64::MAX);
                    let part = read_rest(at, rest_of_file, None)?;
                    debug_assert!(base >= part.1.first_line);
                    bases.push(base.saturating_sub(part.1.first_line));
                    parts.push(part);
                    break;
                }
            }
        }
        Ok(())
    })?;
    let parts = parts
        .into_iter()
        .zip(bases)
        .map(|((gathered, _, part), base)| {
            if let Some(part) = part {
                table.absorb(&part);
            }
            (gathered, base)
        })
        .collect();
    Ok(Parts { parts, read_again })
}

/// What [`in_parts`] read.
pub(crate) struct Parts<P> {
    /// Each part's result, in file order, with what to add to its lines.
    pub parts: Vec<(P, u64)>,
    /// Some part was read and dropped, its rows read again: a reader that
    /// acted on rows as they came (folding them into state shared between
    /// parts) acted on some that are not the file's, or on some twice.
    pub read_again: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::table::FieldSpec;
    use crate::data::testutil::write;
    use crate::data::TableConfig;

    /// A running stretch over a 100-line file, and the file's opener.
    fn setup(min_bytes: u64, more: usize) -> (Running, Stretch, Opener, u64) {
        let text: String = (0..100).map(|i| format!("L{i:03},x\n")).collect();
        let path = write("take-over.csv", &format!("lead,kind\n{text}"));
        let table = Table::open(
            &path,
            &TableConfig::default(),
            "activities",
            &[FieldSpec::required("lead")],
        )
        .unwrap();
        let opener = table.opener().unwrap();
        let len = opener.len();
        let running = Running {
            stretches: Mutex::new(Vec::new()),
            more: AtomicUsize::new(more),
            min_bytes,
            len,
        };
        let stretch = Stretch::new(10, u64::MAX);
        running.add(&stretch);
        (running, stretch, opener, len)
    }

    #[test]
    fn takes_the_second_half_of_what_is_left_at_a_line_start() {
        let (running, victim, opener, len) = setup(8, 2);
        let (cut, taken) = running.take_over(&opener).unwrap();
        // Lines are 7 bytes after a 10-byte header: a cut is a line start.
        assert_eq!((cut - 10) % 7, 0, "{cut}");
        // The first line after the middle of what is left.
        let middle = len - (len - 10) / 2;
        assert!(
            (middle + 1..=middle + 7).contains(&cut),
            "{cut} after {middle}"
        );
        assert_eq!(victim.bounds.end.load(Ordering::Relaxed), cut);
        assert_eq!(taken.bounds.end.load(Ordering::Relaxed), u64::MAX);
        // The next take goes to the stretch with most left: the taken one,
        // which has not started, while the victim has one line to go.
        victim.bounds.at.store(cut - 7, Ordering::Relaxed);
        let (second, _) = running.take_over(&opener).unwrap();
        assert!(second > cut, "{second} after {cut}");
    }

    #[test]
    fn no_take_over_past_the_budget_below_twice_the_minimum_or_of_a_finished_part() {
        let (running, _, opener, _) = setup(8, 0);
        assert!(running.take_over(&opener).is_none(), "no budget");
        let (running, _, opener, len) = setup(len_of_file() / 2 + 1, 1);
        assert!(
            running.take_over(&opener).is_none(),
            "{len} bytes are too few"
        );
        let (running, victim, opener, _) = setup(8, 1);
        victim.done();
        assert!(running.take_over(&opener).is_none(), "finished");
    }

    #[test]
    fn no_take_over_of_less_than_a_share_of_the_file() {
        // 20 bytes left of 710: half of it is less than a 64th.
        let (running, victim, opener, _) = setup(8, 1);
        victim.bounds.at.store(690, Ordering::Relaxed);
        assert!(running.take_over(&opener).is_none());
        victim.bounds.at.store(660, Ordering::Relaxed);
        assert!(running.take_over(&opener).is_some(), "50 bytes left");
    }

    #[test]
    fn a_part_that_read_past_its_lowered_end_does_not_line_up() {
        let (_, mut stretch, opener, _) = setup(8, 1);
        let mut table = opener.open(10, None).unwrap();
        let mut offsets = Vec::new();
        for _ in 0..5 {
            assert!(stretch.advance(&mut table).unwrap());
            offsets.push(table.row().offset);
        }
        // Lowered to the third row's start after the fifth was read: the part
        // stops at its next row, not at the cut, so the part taken from the
        // cut is not kept and the rows are read again from where it stopped.
        stretch.bounds.end.store(offsets[2], Ordering::Relaxed);
        assert!(!stretch.advance(&mut table).unwrap());
        assert_eq!(stretch.stopped, Some(offsets[4] + 7));
        assert_ne!(stretch.stopped, Some(offsets[2]));
        assert_eq!(stretch.bounds.at.load(Ordering::Relaxed), u64::MAX, "done");
    }

    /// The first part's thread waits, so the other, done with its own,
    /// takes the second half of the first part over: three parts, each
    /// counting lines from where it starts, the third's base from the first
    /// (blank lines among the rows count too), must give the file's lines.
    #[test]
    fn a_part_taken_over_numbers_its_lines_as_the_file_does() {
        let text: String = (0..3000)
            .map(|i| {
                if i % 7 == 3 {
                    "\n".to_owned()
                } else {
                    format!("L{i:04},x\n")
                }
            })
            .collect();
        let path = write("taken-over.csv", &format!("lead,kind\n{text}"));
        let open = || {
            let specs = [FieldSpec::required("lead")];
            Table::open(&path, &TableConfig::default(), "activities", &specs).unwrap()
        };
        let rows = |table: &mut Table, mut stretch: Stretch| {
            let mut seen = Vec::new();
            while stretch.advance(table)? {
                let row = table.row();
                seen.push((row.offset, row.line));
            }
            Ok((seen, stretch))
        };
        let in_file = |parts: Vec<(Vec<(u64, u64)>, u64)>| -> Vec<(u64, u64)> {
            let rebased = parts.into_iter().flat_map(|(seen, base)| {
                seen.into_iter()
                    .map(move |(offset, line)| (offset, line + base))
            });
            rebased.collect()
        };
        let one_pass = Split {
            threads: 1,
            min_bytes: 1,
        };
        let one = in_file(in_parts(&mut open(), one_pass, rows, rows).unwrap().parts);
        assert_eq!(one.len(), (0..3000).filter(|i| i % 7 != 3).count());
        // The first part waits until the other thread has started on the
        // part it took over (its second call), or gives up after 10 s.
        let calls = AtomicUsize::new(0);
        let counted = |table: &mut Table, stretch| {
            calls.fetch_add(1, Ordering::SeqCst);
            rows(table, stretch)
        };
        let late = |table: &mut Table, stretch| {
            for _ in 0..1000 {
                if calls.load(Ordering::SeqCst) >= 2 {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            rows(table, stretch)
        };
        let two = Split {
            threads: 2,
            min_bytes: 1,
        };
        let parts = in_parts(&mut open(), two, late, counted).unwrap().parts;
        assert!(parts.len() >= 3, "the first part's rest taken over");
        assert_eq!(in_file(parts), one);
    }

    fn len_of_file() -> u64 {
        10 + 100 * 7
    }
}
