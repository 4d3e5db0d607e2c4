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

use super::issue::DataError;
use super::table::{Row, Table};

/// How far to split the reading of a large file.
#[derive(Debug, Clone, Copy)]
pub struct Split {
    /// At most this many parts, one thread each.
    pub threads: usize,
    /// No part smaller than this: a thread costs more than a small part.
    pub min_bytes: u64,
}

impl Default for Split {
    /// A part per core, of at least 4 MiB.
    fn default() -> Self {
        Split {
            threads: std::thread::available_parallelism().map_or(1, usize::from),
            min_bytes: 4 << 20,
        }
    }
}

/// How long a CSV row of a part after the first may run on. A part that
/// began inside a quoted cell may otherwise take the rest of the file for
/// one row before it is found out.
const PART_ROW_LIMIT: u64 = 16 << 20;

/// One part's stretch of the file: its rows are those that start at or
/// after where it was opened and before `end`.
pub(crate) struct Stretch {
    end: u64,
    /// Where its first row starts, and where the row it stopped before does
    /// (None: the end of the file).
    first: Option<u64>,
    stopped: Option<u64>,
}

impl Stretch {
    /// The next row of the part, or None past its end.
    pub fn next<'t>(&mut self, table: &'t mut Table) -> Result<Option<Row<'t>>, DataError> {
        if self.stopped.is_some() {
            return Ok(None);
        }
        let Some(row) = table.next_row()? else {
            return Ok(None);
        };
        if row.offset >= self.end {
            self.stopped = Some(row.offset);
            return Ok(None);
        }
        self.first.get_or_insert(row.offset);
        Ok(Some(row))
    }
}

/// What reading a part gathered, where it stopped, and its table (None for
/// the first part, read from `table` itself).
type Read<P> = (P, Stretch, Option<Table>);

/// Reads `table` in parts: `first` reads the first part, from `table`
/// itself, on this thread (it may report progress); `rest` reads each other
/// part on a thread of its own, from the file opened again. The results
/// come in file order; what the other parts' tables saw is absorbed into
/// `table`.
pub(crate) fn in_parts<P: Send>(
    table: &mut Table,
    split: Split,
    first: impl FnOnce(&mut Table, Stretch) -> Result<(P, Stretch), DataError>,
    rest: impl Fn(&mut Table, Stretch) -> Result<(P, Stretch), DataError> + Sync,
) -> Result<Vec<P>, DataError> {
    let starts = table.starts(split.threads, split.min_bytes)?;
    let ends: Vec<u64> = starts.iter().skip(1).copied().chain([u64::MAX]).collect();
    let stretch = |end| Stretch {
        end,
        first: None,
        stopped: None,
    };
    let opener = table.opener()?;
    let read_rest = |start: u64, end: u64, limit| -> Result<Read<P>, DataError> {
        let mut part = opener.open(start, limit)?;
        let (gathered, stretch) = rest(&mut part, stretch(end))?;
        Ok((gathered, stretch, Some(part)))
    };
    let mut parts: Vec<Read<P>> = Vec::new();
    std::thread::scope(|scope| -> Result<(), DataError> {
        let read_rest = &read_rest;
        let spawned: Vec<_> = starts
            .iter()
            .zip(&ends)
            .skip(1)
            .map(|(&start, &end)| scope.spawn(move || read_rest(start, end, Some(PART_ROW_LIMIT))))
            .collect();
        if let Some(&end) = ends.first() {
            let (gathered, stretch) = first(table, stretch(end))?;
            parts.push((gathered, stretch, None));
        }
        for handle in spawned {
            // A part that panicked is a bug: pass its panic on.
            let part = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // The part before read to the end of the file: nothing is left.
            let Some(at) = parts.last().and_then(|(_, previous, _)| previous.stopped) else {
                break;
            };
            match part {
                Ok(part) if part.1.first == Some(at) => parts.push(part),
                // The part began inside a row, or failed: the one before it
                // knows where the next row really starts; read on from
                // there, as one pass would.
                _ => {
                    parts.push(read_rest(at, u64::MAX, None)?);
                    break;
                }
            }
        }
        Ok(())
    })?;
    Ok(parts
        .into_iter()
        .map(|(gathered, _, part)| {
            if let Some(part) = part {
                table.absorb(&part);
            }
            gathered
        })
        .collect())
}
