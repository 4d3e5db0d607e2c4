//! One row reader over CSV and JSON Lines, so the leads and activities
//! loaders see named cells and never the format.
//!
//! The caller names the fields it wants, in accord's names; each is looked up
//! in the file under its mapped name (`columns` in `accord.toml`) or its own.
//! Only those cells are ever looked at, and nothing is allocated per row: the
//! CSV record and the JSON line buffers are reused, and a cell is handed out
//! as a `&str` into them.
//!
//! CSV: the first record is the header (a UTF-8 byte-order mark and white
//! space around names are ignored; of two equal names the first counts). A
//! record's line is the physical line where it starts, which differs from its
//! record number once a quoted cell holds line breaks. A row whose number of
//! cells differs from the header's is one problem: its cells cannot be
//! trusted to be in their columns.
//!
//! JSON Lines: each non-blank line is an object; strings are taken as they
//! are, numbers as their shortest text (`1.50` reads `1.5`), `true`/`false`
//! as those words, and `null` or a missing key as blank. Exports commonly
//! leave out keys whose value is null, so there is no header to check up
//! front: a column counts as present if any line has its key, and a needed
//! column that no line has is reported by [`Table::finish`], after the last
//! row. Only the first non-blank line must be an object, or the file is
//! taken not to be JSON Lines at all (a JSON array, pretty-printed JSON, a
//! misnamed CSV).
//!
//! A large file can be read in parts on several threads: [`Table::starts`]
//! picks byte offsets just after line feeds and [`Opener::open`] reads from
//! one (see `data::parts` for how the parts are checked to line up).

use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

use std::sync::Arc;

use tempfile::TempPath;

use super::config::TableConfig;
use super::csv_reader::{CsvReader, CsvRecord, Decoded};
use super::encoding::TextEncoding;
use super::issue::{lower_first, DataError, Matching, Missing};
use super::{Format, Wanted};

/// How much a loader needs a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Need {
    /// Every file of this kind has it (E111 when absent).
    Required,
    /// The agreement uses it, in the named rule (E112 when absent).
    Used { rule: String },
    /// Read when present, blank when not (`duration`).
    Optional,
}

impl Need {
    fn rank(&self) -> u8 {
        match self {
            Need::Required => 2,
            Need::Used { .. } => 1,
            Need::Optional => 0,
        }
    }
}

/// A field the loader asks for, in accord's name.
#[derive(Debug, Clone)]
pub(crate) struct FieldSpec {
    pub name: String,
    pub need: Need,
}

impl FieldSpec {
    pub fn required(name: &str) -> FieldSpec {
        FieldSpec {
            name: name.to_owned(),
            need: Need::Required,
        }
    }

    pub fn optional(name: &str) -> FieldSpec {
        FieldSpec {
            name: name.to_owned(),
            need: Need::Optional,
        }
    }

    /// A field the agreement uses, named in the error if the file lacks it.
    pub fn used(wanted: &Wanted) -> FieldSpec {
        FieldSpec {
            name: wanted.field.clone(),
            need: Need::Used {
                rule: wanted.rule.clone(),
            },
        }
    }
}

/// A requested field, resolved against the file.
#[derive(Debug, Clone)]
struct Field {
    name: String,
    /// The name in the file: the mapping, or `name`.
    column: String,
    need: Need,
    /// CSV: the header position; JSON Lines: the position among the distinct
    /// column names looked for. None: a CSV column that is absent.
    index: Option<usize>,
}

/// What [`Table::columns`] holds for a field the file lacks: no cell.
const ABSENT: usize = usize::MAX;

fn columns_of(fields: &[Field]) -> Vec<usize> {
    fields.iter().map(|f| f.index.unwrap_or(ABSENT)).collect()
}

/// An open data file, positioned before its first data row.
pub(crate) struct Table {
    /// The file read: the export itself, or its UTF-8 decoding.
    path: PathBuf,
    /// The decoding of a file in another encoding, removed when the last
    /// table or opener that reads it is dropped.
    decoded: Option<Arc<TempPath>>,
    encoding: TextEncoding,
    file: String,
    section: &'static str,
    fields: Vec<Field>,
    /// Each field's [`Field::index`], or [`ABSENT`]: what a row looks up
    /// for every cell, without the rest of the field.
    columns: Vec<usize>,
    /// The CSV header, or the keys of the first JSON object (for help texts).
    header: Vec<String>,
    source: Source,
    /// The reason a row is broken, reused.
    broken: String,
    /// Where the reading is (see [`Table::advance`]).
    current: Current,
}

enum Source {
    Csv {
        reader: Box<CsvReader<File>>,
        width: usize,
        delimiter: u8,
    },
    Jsonl(Box<JsonLines>),
}

struct JsonLines {
    reader: BufReader<File>,
    buf: Vec<u8>,
    /// The physical line last read.
    line: u64,
    /// Bytes of the file consumed, and where the row last read starts.
    offset: u64,
    start: u64,
    /// The distinct column names looked for; cells and `seen` follow it.
    names: Vec<String>,
    cells: Vec<Cell>,
    seen: Vec<bool>,
    /// Whether any line was an object (the first non-blank line must be).
    any_object: bool,
    /// The first line's outcome, parsed during `open` and handed out first.
    pending: Option<(u64, Result<(), String>)>,
}

#[derive(Debug, Default)]
struct Cell {
    text: String,
    state: CellState,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum CellState {
    #[default]
    Missing,
    Value,
    /// An array or object: not one value a condition could compare.
    Nested,
}

/// The row a table is at.
#[derive(Debug, Default, Clone, Copy)]
struct Current {
    line: u64,
    offset: u64,
    /// The whole row is unusable, for the reason in `Table::broken`.
    broken: bool,
}

/// One data row: its cells by slot, or why it cannot be read at all.
pub(crate) struct Row<'a> {
    /// Its first line, counted from where the table was opened (see
    /// [`Opener::open`]).
    pub line: u64,
    /// The file offset of its first byte: orders rows as the file does.
    pub offset: u64,
    cells: Cells<'a>,
}

enum Cells<'a> {
    Csv {
        record: CsvRecord<'a>,
        text: Decoded<'a>,
        columns: &'a [usize],
    },
    Jsonl {
        cells: &'a [Cell],
        columns: &'a [usize],
    },
    Broken(&'a str),
}

impl<'a> Row<'a> {
    /// Why the row as a whole cannot be read, if so.
    pub fn broken(&self) -> Option<&'a str> {
        match self.cells {
            Cells::Broken(reason) => Some(reason),
            _ => None,
        }
    }

    /// The cell of the field in `slot`; blank when the column is absent;
    /// None when it cannot be read ([`Row::unreadable`] says why). An
    /// `Option` of text comes back in registers, where a `Result` with the
    /// reason was written to memory and read back in wider pieces: a stall
    /// per cell.
    #[inline]
    pub fn text(&self, slot: usize) -> Option<&'a str> {
        match &self.cells {
            Cells::Csv {
                record,
                text,
                columns,
            } => {
                let Some(span) = columns.get(slot).and_then(|i| record.span(*i)) else {
                    return Some("");
                };
                match text {
                    Decoded::Ascii(ascii) => ascii.get(span),
                    // A cell's bounds are character boundaries exactly when
                    // it is valid text on its own, or it is empty: an empty
                    // cell between two halves of one character (`csv_core`
                    // writes cells end to end) lies inside it.
                    Decoded::Utf8(text) => match text.get(span.start..span.end) {
                        Some(cell) => Some(cell),
                        None if span.is_empty() => Some(""),
                        None => None,
                    },
                    Decoded::Invalid => {
                        std::str::from_utf8(record.text().get(span).unwrap_or_default()).ok()
                    }
                }
            }
            Cells::Jsonl { cells, columns } => {
                let cell = columns.get(slot).and_then(|i| cells.get(*i));
                match cell {
                    Some(Cell {
                        text,
                        state: CellState::Value,
                    }) => Some(text),
                    Some(Cell {
                        state: CellState::Nested,
                        ..
                    }) => None,
                    _ => Some(""),
                }
            }
            Cells::Broken(_) => Some(""),
        }
    }
}

impl Table {
    /// Open `path` and resolve the fields against its header. Fields are
    /// deduplicated by name (the strongest need wins); slots follow the order
    /// of first mention. `section` is the `accord.toml` table for help texts.
    pub fn open(
        path: &Path,
        config: &TableConfig,
        section: &'static str,
        specs: &[FieldSpec],
    ) -> Result<Table, DataError> {
        let file = path.display().to_string();
        let columns = &config.columns;
        let format = Format::resolve(path, config.format);
        let mut fields: Vec<Field> = Vec::new();
        for spec in specs {
            if let Some(f) = fields.iter_mut().find(|f| f.name == spec.name) {
                if spec.need.rank() > f.need.rank() {
                    f.need = spec.need.clone();
                }
                continue;
            }
            let column = columns
                .get(&spec.name)
                .filter(|c| !c.trim().is_empty())
                .unwrap_or(&spec.name);
            fields.push(Field {
                name: spec.name.clone(),
                column: column.trim().to_owned(),
                need: spec.need.clone(),
                index: None,
            });
        }
        let configured = TextEncoding::from_label(config.encoding.as_deref());
        let (decoded, encoding) = configured.decode(path, &file)?;
        let decoded = decoded.map(Arc::new);
        let read = decoded.as_deref().map_or(path, |temp| temp.as_ref());
        let handle = File::open(read).map_err(|e| DataError::unreadable(&file, &e))?;
        let (source, header) = match format {
            Format::Csv => open_csv(handle, &file, section, config.delimiter, &mut fields)?,
            Format::Jsonl => open_jsonl(handle, &file, &mut fields)?,
        };
        Ok(Table {
            path: read.to_owned(),
            decoded,
            encoding,
            file,
            section,
            columns: columns_of(&fields),
            fields,
            header,
            source,
            broken: String::new(),
            current: Current::default(),
        })
    }

    /// The file as named, for issues.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Why a cell that [`Row::text`] gives no text for cannot be read: the
    /// one reason each format has.
    pub fn unreadable(&self) -> String {
        match self.source {
            Source::Jsonl(_) => "a list or an object, not a single value".to_owned(),
            Source::Csv { .. } => format!("not valid {} text", self.encoding.name()),
        }
    }

    /// Where to start reading each of up to `parts` parts of the rows not
    /// yet read, about `min_bytes` at least (no more parts than that size
    /// allows), cut equal (see [`part_ends`]): the first is where the rows
    /// begin, the others just after a line feed. A pipe or other stream that cannot be
    /// read twice is one part.
    pub fn starts(&self, parts: usize, min_bytes: u64) -> Result<Vec<u64>, DataError> {
        let unreadable = |e: std::io::Error| DataError::unreadable(&self.file, &e);
        let from = match &self.source {
            Source::Csv { reader, .. } => reader.position(),
            Source::Jsonl(json) => json.start,
        };
        let metadata = std::fs::metadata(&self.path).map_err(unreadable)?;
        if !metadata.is_file() {
            return Ok(vec![from]);
        }
        let mut handle = File::open(&self.path).map_err(unreadable)?;
        let len = metadata.len();
        let size = len.saturating_sub(from);
        let parts = parts.min(usize::try_from(size / min_bytes.max(1)).unwrap_or(usize::MAX));
        let mut cuts: Vec<u64> = vec![from];
        for end in part_ends(size, parts.max(1)) {
            let aim = (from + end).max(cuts.last().map_or(from, |c| *c));
            if let Some(cut) = line_after(&mut handle, aim, len).map_err(unreadable)? {
                if cuts.last().is_none_or(|c| *c < cut) {
                    cuts.push(cut);
                }
            }
        }
        Ok(cuts)
    }

    /// What opening the file again at another offset needs, for the
    /// parts after the first (see [`Opener::open`]).
    pub fn opener(&self) -> Result<Opener, DataError> {
        let metadata =
            std::fs::metadata(&self.path).map_err(|e| DataError::unreadable(&self.file, &e))?;
        Ok(Opener {
            stamp: (metadata.len(), metadata.modified().ok()),
            path: self.path.clone(),
            decoded: self.decoded.clone(),
            encoding: self.encoding,
            file: self.file.clone(),
            section: self.section,
            fields: self.fields.clone(),
            header: self.header.clone(),
            format: match &self.source {
                Source::Csv {
                    width, delimiter, ..
                } => Reopen::Csv {
                    width: *width,
                    delimiter: *delimiter,
                },
                Source::Jsonl(json) => Reopen::Jsonl {
                    names: json.names.clone(),
                },
            },
        })
    }

    /// Takes in what a part read saw of the JSON Lines columns, before
    /// [`Table::finish`].
    pub fn absorb(&mut self, part: &Table) {
        if let (Source::Jsonl(json), Source::Jsonl(other)) = (&mut self.source, &part.source) {
            json.any_object |= other.any_object;
            for (seen, other) in json.seen.iter_mut().zip(&other.seen) {
                *seen |= *other;
            }
        }
    }

    /// The slot of a field by accord's name.
    pub fn slot(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.name == name)
    }

    /// Whether the file has the column of the field in `slot`: in a CSV
    /// header, or (JSON Lines) in any line read so far.
    pub fn has(&self, slot: usize) -> bool {
        let index = self.fields.get(slot).and_then(|f| f.index);
        match (&self.source, index) {
            (_, None) => false,
            (Source::Csv { .. }, Some(_)) => true,
            (Source::Jsonl(json), Some(i)) => json.seen.get(i).copied().unwrap_or(false),
        }
    }

    /// The CSV delimiter in use (None for JSON Lines), and the encoding.
    pub fn dialect(&self) -> (Option<u8>, &'static str) {
        let delimiter = match &self.source {
            Source::Csv { delimiter, .. } => Some(*delimiter),
            Source::Jsonl(_) => None,
        };
        (delimiter, self.encoding.name())
    }

    /// The CSV header, or the keys of the first JSON object.
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The file's name for each slot's column, for issues.
    pub fn column_names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.column.clone()).collect()
    }

    /// Moves to the next data row ([`Table::row`]); false at the end. An
    /// error here is the file becoming unreadable part-way.
    ///
    /// The row is not handed back from here: a row, borrowed from the
    /// reader, is a hundred bytes, and handing it back through a `Result`
    /// (and then through the part's own) copied it three times, read back
    /// in wider pieces than it was written in, which stalls the processor.
    /// [`Table::row`] puts it together where it is used.
    pub fn advance(&mut self) -> Result<bool, DataError> {
        match &mut self.source {
            Source::Csv { reader, width, .. } => {
                let more = reader
                    .advance()
                    .map_err(|e| DataError::unreadable(&self.file, &e))?;
                if !more {
                    return Ok(false);
                }
                let record = reader.record();
                let (cells, offset, line) = (record.len(), record.offset, record.line);
                let broken = cells != *width;
                if broken {
                    self.broken.clear();
                    let _ = write!(
                        self.broken,
                        "the row has {cells} cell{}, the header has {width}",
                        if cells == 1 { "" } else { "s" }
                    );
                }
                self.current = Current {
                    line,
                    offset,
                    broken,
                };
            }
            Source::Jsonl(json) => {
                let (line, parsed) = match json.pending.take() {
                    Some(first) => first,
                    None => {
                        if !json.next_line(&self.file)? {
                            return Ok(false);
                        }
                        (json.line, json.parse(None))
                    }
                };
                let broken = parsed.is_err();
                if let Err(reason) = parsed {
                    self.broken = reason;
                }
                self.current = Current {
                    line,
                    offset: json.start,
                    broken,
                };
            }
        }
        Ok(true)
    }

    /// Where the row [`Table::advance`] moved to starts in the file, and
    /// its line (counted from where the table was opened, see
    /// [`Opener::open`]).
    pub fn row_start(&self) -> (u64, u64) {
        (self.current.offset, self.current.line)
    }

    /// The row [`Table::advance`] moved to, once it has returned true.
    #[inline]
    pub fn row(&self) -> Row<'_> {
        let Current {
            line,
            offset,
            broken,
        } = self.current;
        debug_assert!(line > 0, "a row asked for before `Table::advance`");
        let cells = match &self.source {
            _ if broken => Cells::Broken(&self.broken),
            Source::Csv { reader, .. } => {
                let record = reader.record();
                Cells::Csv {
                    record,
                    text: record.decoded(),
                    columns: &self.columns,
                }
            }
            Source::Jsonl(json) => Cells::Jsonl {
                cells: &json.cells,
                columns: &self.columns,
            },
        };
        Row {
            line,
            offset,
            cells,
        }
    }

    /// After the last row: JSON Lines columns that no line had are now
    /// known to be absent. (A file without a single object has nothing to
    /// judge and passes.)
    pub fn finish(&self) -> Result<(), DataError> {
        match &self.source {
            Source::Csv { .. } => Ok(()),
            Source::Jsonl(json) if !json.any_object => Ok(()),
            Source::Jsonl(json) => check_present(
                &self.file,
                self.section,
                &self.fields,
                &self.header,
                Matching::Exact,
                |f| {
                    f.index
                        .and_then(|i| json.seen.get(i))
                        .copied()
                        .unwrap_or(false)
                },
            ),
        }
    }
}

/// Read the CSV header and find each field's column in it.
fn open_csv(
    handle: File,
    file: &str,
    section: &str,
    delimiter: Option<u8>,
    fields: &mut [Field],
) -> Result<(Source, Vec<String>), DataError> {
    let mut reader = Box::new(CsvReader::new(handle));
    let delimiter = match delimiter {
        Some(d) => d,
        None => delimiter_of(
            reader
                .peek_first_line()
                .map_err(|e| DataError::unreadable(file, &e))?,
        ),
    };
    reader.set_delimiter(delimiter);
    let record = reader
        .next_record()
        .map_err(|e| DataError::unreadable(file, &e))?;
    let Some(record) = record else {
        return Err(DataError::Malformed {
            file: file.to_owned(),
            reason: "is empty: it has no header row".to_owned(),
            help: "a CSV export starts with a header row naming its columns, \
                   such as `id,handed_off_at`"
                .to_owned(),
        });
    };
    let header: Vec<String> = (0..record.len())
        .map(|i| {
            let cell = record.get(i).unwrap_or_default();
            let name = String::from_utf8_lossy(cell);
            name.trim_start_matches('\u{feff}').trim().to_owned()
        })
        .collect();
    for field in fields.iter_mut() {
        field.index = find_column(&header, &field.column)
            .map_err(|columns| DataError::duplicate(file, &field.column, &header, columns))?;
    }
    check_present(file, section, fields, &header, Matching::Loose, |f| {
        f.index.is_some()
    })?;
    let width = header.len();
    Ok((
        Source::Csv {
            reader,
            width,
            delimiter,
        },
        header,
    ))
}

/// Number the distinct column names and read the first non-blank line, which
/// decides whether this is JSON Lines at all.
fn open_jsonl(
    handle: File,
    file: &str,
    fields: &mut [Field],
) -> Result<(Source, Vec<String>), DataError> {
    let mut names: Vec<String> = Vec::new();
    for field in fields.iter_mut() {
        let i = match names.iter().position(|n| *n == field.column) {
            Some(i) => i,
            None => {
                names.push(field.column.clone());
                names.len() - 1
            }
        };
        field.index = Some(i);
    }
    let mut json = JsonLines::new(handle, names);
    let mut keys = Vec::new();
    if json.next_line(file)? {
        let first = json.parse(Some(&mut keys));
        if let Err(reason) = &first {
            return Err(DataError::Malformed {
                file: file.to_owned(),
                reason: format!("is not JSON Lines: line {} is {reason}", json.line),
                help: "JSON Lines holds one object per line, such as \
                       {\"id\": \"L1\", \"handed_off_at\": \"2027-01-04T09:13:00+01:00\"}; \
                       convert a JSON array first, e.g. with `jq -c '.[]'`"
                    .to_owned(),
            });
        }
        json.pending = Some((json.line, first));
    }
    Ok((Source::Jsonl(Box::new(json)), keys))
}

/// Opens a table's file again at another offset: a part after the first.
pub(crate) struct Opener {
    /// The file's size and time of change when the parts were planned: a
    /// file replaced meanwhile must not be read as the same file.
    stamp: (u64, Option<std::time::SystemTime>),
    path: PathBuf,
    decoded: Option<Arc<TempPath>>,
    encoding: TextEncoding,
    file: String,
    section: &'static str,
    fields: Vec<Field>,
    header: Vec<String>,
    format: Reopen,
}

enum Reopen {
    Csv { width: usize, delimiter: u8 },
    Jsonl { names: Vec<String> },
}

impl Opener {
    /// The file's length when the parts were planned.
    pub fn len(&self) -> u64 {
        self.stamp.0
    }

    /// Where the first line after byte `aim` begins: a place to cut a part
    /// in two (see [`super::parts`]); None past the end of the file.
    pub fn cut(&self, aim: u64) -> Option<u64> {
        let mut handle = File::open(&self.path).ok()?;
        line_after(&mut handle, aim, self.stamp.0).ok().flatten()
    }

    /// The table read from `start`, where a row begins or just after a line
    /// feed (see [`Table::starts`]), with lines counted from there: the
    /// line feed before `start` is line 0's. The part before knows where
    /// these lines fall in the file once it has stopped (see
    /// `data::parts`); counting the line feeds before `start` here re-read
    /// up to the whole file first. With `row_limit`, a CSV row that runs on
    /// for more bytes fails the reading (see [`CsvReader::limit_rows`]).
    pub fn open(&self, start: u64, row_limit: Option<u64>) -> Result<Table, DataError> {
        let unreadable = |e: std::io::Error| DataError::unreadable(&self.file, &e);
        let mut handle = File::open(&self.path).map_err(unreadable)?;
        let metadata = handle.metadata().map_err(unreadable)?;
        if (metadata.len(), metadata.modified().ok()) != self.stamp {
            let changed = std::io::Error::other("the file changed while it was being read");
            return Err(unreadable(changed));
        }
        handle.seek(SeekFrom::Start(start)).map_err(unreadable)?;
        let source = match &self.format {
            Reopen::Csv { width, delimiter } => {
                let mut reader = CsvReader::at(handle, start, 0).with_delimiter(*delimiter);
                if let Some(limit) = row_limit {
                    reader = reader.limit_rows(limit);
                }
                Source::Csv {
                    reader: Box::new(reader),
                    width: *width,
                    delimiter: *delimiter,
                }
            }
            Reopen::Jsonl { names } => {
                let mut part = JsonLines::new(handle, names.clone());
                (part.offset, part.start, part.line) = (start, start, 0);
                Source::Jsonl(Box::new(part))
            }
        };
        Ok(Table {
            path: self.path.clone(),
            decoded: self.decoded.clone(),
            encoding: self.encoding,
            file: self.file.clone(),
            section: self.section,
            fields: self.fields.clone(),
            columns: columns_of(&self.fields),
            header: self.header.clone(),
            source,
            broken: String::new(),
            current: Current::default(),
        })
    }
}

/// Where each of `parts` equal parts of `size` bytes ends, but the last.
pub(crate) fn part_ends(size: u64, parts: usize) -> Vec<u64> {
    let n = parts.max(1) as u64;
    (1..n).map(|k| size / n * k + size % n * k / n).collect()
}

/// Where the first line after byte `aim` begins, if before `len`.
fn line_after(handle: &mut File, aim: u64, len: u64) -> std::io::Result<Option<u64>> {
    handle.seek(SeekFrom::Start(aim))?;
    // A line longer than the buffer leaves this part with the next.
    let mut buf = vec![0; 1 << 16];
    let n = handle.read(&mut buf)?;
    let read = buf.get(..n).unwrap_or_default();
    Ok(memchr::memchr(b'\n', read)
        .map(|at| aim + at as u64 + 1)
        .filter(|cut| *cut < len))
}

/// The E111/E112 error naming every field `present` says is absent, so
/// that an export is mapped in one run rather than one per column: E111
/// when a column every file of its kind has is among them.
fn check_present(
    file: &str,
    section: &str,
    fields: &[Field],
    header: &[String],
    matching: Matching,
    present: impl Fn(&Field) -> bool,
) -> Result<(), DataError> {
    let mut absent: Vec<&Field> = fields
        .iter()
        .filter(|f| f.need != Need::Optional && !present(f))
        .collect();
    if absent.is_empty() {
        return Ok(());
    }
    absent.sort_by_key(|f| std::cmp::Reverse(f.need.rank()));
    let missing: Vec<Missing> = absent
        .iter()
        .map(|f| Missing {
            field: f.name.clone(),
            column: f.column.clone(),
            rule: match &f.need {
                Need::Used { rule } => Some(rule.clone()),
                _ => None,
            },
        })
        .collect();
    Err(DataError::missing(file, section, missing, header, matching))
}

/// Where `column` is in the header: the name exactly, or else the one name
/// that equals it ignoring case and surrounding spaces (Data Loader writes
/// `OWNERID` where the API says `OwnerId`). Two columns that match alike
/// are the positions of both: which one holds the data is not ours to guess.
fn find_column(header: &[String], column: &str) -> Result<Option<usize>, (usize, usize)> {
    let exact = |h: &String| h == column;
    let wanted = column.trim().to_lowercase();
    let loose = |h: &String| h.trim().to_lowercase() == wanted;
    for matches in [&exact as &dyn Fn(&String) -> bool, &loose] {
        let mut found = header.iter().enumerate().filter(|(_, h)| matches(h));
        match (found.next(), found.next()) {
            (Some((i, _)), None) => return Ok(Some(i)),
            (Some((i, _)), Some((j, _))) => return Err((i, j)),
            _ => {}
        }
    }
    Ok(None)
}

/// The delimiter of `,` `;` tab `|` that splits the file's first line
/// into the most cells (outside quotes); a tie, or a line with none, is `,`.
fn delimiter_of(line: &[u8]) -> u8 {
    let mut counts = [0usize; 4];
    const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
    let mut quoted = false;
    for b in line {
        if *b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(i) = CANDIDATES.iter().position(|c| c == b) {
                if let Some(n) = counts.get_mut(i) {
                    *n += 1;
                }
            }
        }
    }
    let mut best = (0, b',');
    for (n, c) in counts.iter().zip(CANDIDATES) {
        if *n > best.0 {
            best = (*n, c);
        }
    }
    best.1
}

impl JsonLines {
    fn new(handle: File, names: Vec<String>) -> JsonLines {
        JsonLines {
            reader: BufReader::with_capacity(1 << 16, handle),
            buf: Vec::new(),
            line: 0,
            offset: 0,
            start: 0,
            cells: names.iter().map(|_| Cell::default()).collect(),
            seen: vec![false; names.len()],
            names,
            any_object: false,
            pending: None,
        }
    }

    /// Read up to the next non-blank line into `buf`; false at the end.
    fn next_line(&mut self, file: &str) -> Result<bool, DataError> {
        loop {
            self.buf.clear();
            let n = read_line(&mut self.reader, &mut self.buf)
                .map_err(|e| DataError::unreadable(file, &e))?;
            if n == 0 {
                return Ok(false);
            }
            self.start = self.offset;
            self.offset += n as u64;
            self.line += 1;
            // A byte-order mark only at the file's first byte: a part
            // counts its lines from where it starts.
            if self.start == 0 && self.buf.starts_with(b"\xEF\xBB\xBF") {
                self.buf.drain(..3);
            }
            // The line break is not part of the object: without it, an
            // unfinished object's error points at this line's end.
            while self.buf.last().is_some_and(u8::is_ascii_whitespace) {
                self.buf.pop();
            }
            if !self.buf.is_empty() {
                return Ok(true);
            }
        }
    }

    /// Parse `buf` into the cells; the error is why the line is unusable.
    fn parse(&mut self, keys: Option<&mut Vec<String>>) -> Result<(), String> {
        for cell in &mut self.cells {
            cell.text.clear();
            cell.state = CellState::Missing;
        }
        let mut de = serde_json::Deserializer::from_slice(&self.buf);
        let seed = ObjectSeed {
            names: &self.names,
            cells: &mut self.cells,
            keys,
        };
        let result = seed.deserialize(&mut de).and_then(|()| de.end());
        match result {
            Ok(()) => {
                self.any_object = true;
                for (seen, cell) in self.seen.iter_mut().zip(&self.cells) {
                    *seen |= cell.state != CellState::Missing;
                }
                Ok(())
            }
            Err(e) if e.is_data() => Err("not a JSON object".to_owned()),
            Err(e) => {
                let mut what = lower_first(&e.to_string());
                if let Some(at) = what.rfind(" at line ") {
                    what.truncate(at);
                }
                Err(format!("not valid JSON ({what} at column {})", e.column()))
            }
        }
    }
}

/// Reads one physical line into `buf`, its break included: up to a line
/// feed, a CRLF or a lone carriage return (a file saved with old Mac line
/// endings is otherwise one line). The number of bytes read; 0 at the end.
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut n = 0;
    loop {
        let available = reader.fill_buf()?;
        let Some(at) = memchr::memchr2(b'\n', b'\r', available) else {
            let len = available.len();
            buf.extend_from_slice(available);
            reader.consume(len);
            n += len;
            if len == 0 {
                return Ok(n);
            }
            continue;
        };
        let cr = available.get(at) == Some(&b'\r');
        buf.extend_from_slice(available.get(..=at).unwrap_or_default());
        reader.consume(at + 1);
        n += at + 1;
        if cr && reader.fill_buf()?.first() == Some(&b'\n') {
            buf.push(b'\n');
            reader.consume(1);
            n += 1;
        }
        return Ok(n);
    }
}

/// Reads one JSON object, keeping only the looked-for keys' values.
struct ObjectSeed<'t> {
    names: &'t [String],
    cells: &'t mut [Cell],
    keys: Option<&'t mut Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for ObjectSeed<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ObjectSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        loop {
            let key = KeySeed {
                names: self.names,
                keys: self.keys.as_deref_mut(),
            };
            let Some(found) = map.next_key_seed(key)? else {
                return Ok(());
            };
            match found.and_then(|i| self.cells.get_mut(i)) {
                Some(cell) => {
                    // A repeated key: the last one counts, as in most readers.
                    cell.text.clear();
                    cell.state = map.next_value_seed(ValueSeed(&mut cell.text))?;
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
    }
}

/// Matches a key against the looked-for names without allocating; collects
/// every key when asked (the first line, for help texts).
struct KeySeed<'t> {
    names: &'t [String],
    keys: Option<&'t mut Vec<String>>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        if let Some(keys) = self.keys {
            keys.push(key.to_owned());
        }
        Ok(self.names.iter().position(|n| n == key))
    }
}

/// Writes one value's text into a reused buffer.
struct ValueSeed<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = CellState;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<CellState, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = CellState;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<CellState, E> {
        self.0.push_str(v);
        Ok(CellState::Value)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<CellState, E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(CellState::Value)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<CellState, E> {
        let _ = write!(self.0, "{v}");
        Ok(CellState::Value)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<CellState, E> {
        let _ = write!(self.0, "{v}");
        Ok(CellState::Value)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<CellState, E> {
        let _ = write!(self.0, "{v}");
        Ok(CellState::Value)
    }

    fn visit_unit<E: de::Error>(self) -> Result<CellState, E> {
        Ok(CellState::Value)
    }

    fn visit_none<E: de::Error>(self) -> Result<CellState, E> {
        Ok(CellState::Value)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CellState, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(CellState::Nested)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<CellState, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(CellState::Nested)
    }
}

#[cfg(test)]
mod tests {
    use super::part_ends;

    #[test]
    fn parts_are_equal() {
        for (size, parts) in [
            (600_000_000, 2),
            (600_000_001, 3),
            (1_000_007, 8),
            (100, 1),
            (5, 8),
        ] {
            let ends = part_ends(size, parts);
            assert_eq!(ends.len(), parts - 1);
            let bounds: Vec<u64> = [0].into_iter().chain(ends).chain([size]).collect();
            let lengths: Vec<u64> = bounds.windows(2).map(|w| w[1] - w[0]).collect();
            let (lo, hi) = (lengths.iter().min().unwrap(), lengths.iter().max().unwrap());
            assert!(hi - lo <= 1, "{size} bytes in {parts}: {lengths:?}");
        }
    }
}
