//! CSV records with the byte offset and physical line where each starts.
//!
//! Written here rather than taken whole from the `csv` crate for two
//! reasons. The crate's `Position::line` of a record is the line where the
//! previous record ended, so blank lines and CRLF endings put it off, and a
//! data issue would name the wrong line; and its byte-at-a-time parser was
//! the largest share of a run at CRM scale. Exports rarely quote: a line
//! with no quote and no carriage return but at its end is split at its
//! commas in place (sixteen bytes at a time, [`scan_line`]), and the line
//! feed that ends it is the one line it counts. Any other record goes to `csv_core`, the `csv` crate's
//! own parser, so quoting, doubled quotes and line breaks inside cells are
//! read exactly as that crate reads them (a test requires the same records
//! on arbitrary input).
//!
//! As in the `csv` crate with its defaults: a line feed, a carriage return
//! or both end a record; blank lines are skipped; a UTF-8 byte-order mark
//! at the start of the file is dropped. Lines are physical lines of any
//! ending: LF, CRLF and a lone CR (Excel's "CSV (Macintosh)") each end one.

use std::io::{self, Read};

use csv_core::ReadRecordResult;

/// How much is read from the file at a time; a longer record grows it.
const CHUNK: usize = 1 << 17;

pub(crate) struct CsvReader<R> {
    inner: R,
    /// Bytes read but not yet parsed are `buf[pos..filled]`.
    buf: Vec<u8>,
    pos: usize,
    filled: usize,
    /// The file offset of `buf[0]`.
    base: u64,
    /// Line breaks before `buf[pos]`, since where the reader started.
    newlines: u64,
    /// The last byte passed over was a carriage return, counted as a line
    /// break already: a line feed next makes it CRLF, no second break.
    after_cr: bool,
    eof: bool,
    /// Nothing read yet of a file read from its first byte, which may be a
    /// byte-order mark.
    at_file_start: bool,
    /// How far one record may run on (see [`CsvReader::limit_rows`]).
    row_limit: Option<u64>,
    /// The cell separator: the in-place splitting knows only the comma,
    /// so a file with another goes to `csv_core` whole.
    delimiter: u8,
    core: csv_core::Reader,
    record: Record,
}

/// The record last read. Its cells are `text[start(i)..ends[i]]`, where a
/// cell starts `sep` bytes after the end of the one before: 1 for a line
/// split in place (the comma), 0 for `csv_core`'s output, which has none.
///
/// In this order (`repr(C)`): `offset` and `line`, written one after the
/// other as a record is read, are not side by side, so the compiler does
/// not read them back as one 16-byte piece, which the processor cannot
/// take from two 8-byte writes still in flight (a stall per row).
#[derive(Default)]
#[repr(C)]
struct Record {
    offset: u64,
    /// Where the text is: the line in `buf`, or `unquoted`.
    in_buf: Option<std::ops::Range<usize>>,
    line: u64,
    unquoted: Vec<u8>,
    ends: Vec<usize>,
    sep: usize,
}

/// A record, borrowed from the reader until the next is read.
#[derive(Clone, Copy)]
pub(crate) struct CsvRecord<'a> {
    /// The file offset of its first byte.
    pub offset: u64,
    /// The 1-based physical line of its first byte, counted from where the
    /// reader started.
    pub line: u64,
    text: &'a [u8],
    ends: &'a [usize],
    sep: usize,
}

/// What a record's text is, checked once for the whole record (mostly
/// ASCII, which is one fast pass) instead of cell by cell.
#[derive(Clone, Copy)]
pub(crate) enum Decoded<'a> {
    Ascii(Ascii<'a>),
    Utf8(&'a str),
    Invalid,
}

/// Bytes that are all ASCII, which only [`CsvRecord::decoded`] makes.
#[derive(Clone, Copy)]
pub(crate) struct Ascii<'a>(&'a [u8]);

impl<'a> Ascii<'a> {
    /// The text of the bytes in `span`; None when out of range.
    #[inline]
    pub fn get(&self, span: std::ops::Range<usize>) -> Option<&'a str> {
        let bytes = self.0.get(span)?;
        // SAFETY: `self.0` passed `is_ascii` in `CsvRecord::decoded`, the
        // only place an `Ascii` is made (its field is private), and any
        // part of ASCII bytes is ASCII, which is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(bytes) })
    }
}

impl<'a> CsvRecord<'a> {
    /// The record's cells, end to end (with the commas between them when
    /// the line was split in place): one UTF-8 check covers them all.
    pub fn text(&self) -> &'a [u8] {
        self.text
    }

    /// [`CsvRecord::text`] as text: all ASCII (nearly every row of an
    /// export), other valid UTF-8, or not valid. The standard library
    /// checks ASCII several bytes at a time, where its UTF-8 check of a
    /// short row cost more per call than that per byte (a twentieth of the
    /// time spent reading it); and ASCII cells need no check of their ends
    /// for character boundaries, which in ASCII every byte is.
    pub fn decoded(&self) -> Decoded<'a> {
        if self.text.is_ascii() {
            Decoded::Ascii(Ascii(self.text))
        } else {
            match std::str::from_utf8(self.text) {
                Ok(text) => Decoded::Utf8(text),
                Err(_) => Decoded::Invalid,
            }
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// Where cell `i` lies in [`CsvRecord::text`].
    pub fn span(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(before) => self.ends.get(before)? + self.sep,
            None => 0,
        };
        Some(start..end)
    }

    pub fn get(&self, i: usize) -> Option<&'a [u8]> {
        self.text.get(self.span(i)?)
    }
}

impl<R: Read> CsvReader<R> {
    /// A reader of a whole file, from its first byte.
    pub fn new(inner: R) -> CsvReader<R> {
        let mut reader = CsvReader::at(inner, 0, 0);
        reader.at_file_start = true;
        reader
    }

    /// For `inner` positioned at byte `offset` of the file, where a record
    /// starts or just after a line feed: offsets stay the file's own, and
    /// lines count on from `newlines` (0 for a part of a file, whose lines
    /// count from where it starts).
    pub fn at(inner: R, offset: u64, newlines: u64) -> CsvReader<R> {
        CsvReader {
            inner,
            buf: vec![0; CHUNK],
            pos: 0,
            filled: 0,
            base: offset,
            newlines,
            after_cr: false,
            eof: false,
            at_file_start: false,
            row_limit: None,
            delimiter: b',',
            core: core_reader(b','),
            record: Record::default(),
        }
    }

    /// Cells separated by `delimiter` instead of commas.
    pub fn with_delimiter(mut self, delimiter: u8) -> CsvReader<R> {
        self.set_delimiter(delimiter);
        self
    }

    /// Cells separated by `delimiter` from the next record on.
    pub fn set_delimiter(&mut self, delimiter: u8) {
        self.delimiter = delimiter;
        self.core = core_reader(delimiter);
    }

    /// The file's first line (up to 64 KiB of it), read ahead without
    /// being consumed: for a pipe, which cannot be read twice, the header
    /// is looked at where it will be read.
    pub fn peek_first_line(&mut self) -> io::Result<&[u8]> {
        const LIMIT: usize = 1 << 16;
        while self.filled < LIMIT
            && memchr::memchr(b'\n', self.buf.get(..self.filled).unwrap_or_default()).is_none()
            && self.fill_more()?
        {}
        let text = self.buf.get(..self.filled).unwrap_or_default();
        let text = text.strip_prefix(b"\xef\xbb\xbf").unwrap_or(text);
        Ok(text.split(|b| *b == b'\n').next().unwrap_or_default())
    }

    /// Fails reading once a record runs on for more than `limit` bytes. A
    /// part that began inside a quoted cell reads quoted and unquoted text
    /// the wrong way round, and may take the rest of the file for one row;
    /// it fails early instead, and is read again from a true row start.
    pub fn limit_rows(mut self, limit: u64) -> CsvReader<R> {
        self.row_limit = Some(limit);
        self
    }

    /// The file offset of the first byte not yet parsed.
    pub fn position(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The next record, or None at the end of the file.
    pub fn next_record(&mut self) -> io::Result<Option<CsvRecord<'_>>> {
        Ok(self.advance()?.then(|| self.record()))
    }

    /// The record last read.
    #[inline]
    pub fn record(&self) -> CsvRecord<'_> {
        let record = &self.record;
        let text = match &record.in_buf {
            Some(range) => self.buf.get(range.clone()).unwrap_or_default(),
            None => record.ends.last().map_or(&[][..], |end| {
                record.unquoted.get(..*end).unwrap_or_default()
            }),
        };
        CsvRecord {
            offset: record.offset,
            line: record.line,
            text,
            ends: &record.ends,
            sep: record.sep,
        }
    }

    /// Reads the next record ([`CsvReader::record`]); false at the end of
    /// the file.
    #[inline(never)]
    pub fn advance(&mut self) -> io::Result<bool> {
        if std::mem::take(&mut self.at_file_start) {
            while self.filled < 3 && self.fill_more()? {}
            if self
                .buf
                .get(..self.filled)
                .is_some_and(|b| b.starts_with(b"\xef\xbb\xbf"))
            {
                self.pos = 3;
            }
        }
        if !self.skip_blank_lines()? {
            return Ok(false);
        }
        let start = self.pos;
        self.record.offset = self.base + start as u64;
        self.record.line = self.newlines + 1;
        if !self.split_line()? {
            self.parse_quoted()?;
        }
        Ok(true)
    }

    /// Moves past line breaks; false at the end of the file.
    fn skip_blank_lines(&mut self) -> io::Result<bool> {
        loop {
            if self.pos == self.filled && !self.fill(self.pos)? {
                return Ok(false);
            }
            match self.buf.get(self.pos) {
                Some(b'\n') => self.newlines += u64::from(!std::mem::take(&mut self.after_cr)),
                Some(b'\r') => {
                    self.newlines += 1;
                    self.after_cr = true;
                }
                _ => {
                    self.after_cr = false;
                    return Ok(true);
                }
            }
            self.pos += 1;
        }
    }

    /// Splits the line at `pos` in place, when nothing in it needs the
    /// full parser; false (having read nothing) when it does.
    fn split_line(&mut self) -> io::Result<bool> {
        let mut start = self.pos;
        loop {
            let rest = self.buf.get(start..self.filled).unwrap_or_default();
            let ends = &mut self.record.ends;
            ends.clear();
            let more = |at: usize| rest.get(at);
            let (len, next) = match scan_line(rest, ends, self.delimiter) {
                Some((at, b'\n')) => (at, at + 1),
                Some((at, b'\r')) => match more(at + 1) {
                    Some(b'\n') => (at, at + 2),
                    // A carriage return alone ends a record too, but then
                    // the next one is on the same line: `csv_core` reads it.
                    Some(_) => return Ok(false),
                    None if self.eof => (at, at + 1),
                    None => {
                        start -= self.read_on(start)?;
                        continue;
                    }
                },
                // A quote: cells quoted whole, as some CRMs write every
                // cell, are read here too; anything else by the full parser.
                Some(_) => return self.split_quoted_line(start),
                None if self.eof => (rest.len(), rest.len()),
                None => {
                    // The line goes on past what was read: read on, and
                    // look at it again from its start.
                    start -= self.read_on(start)?;
                    continue;
                }
            };
            let ending = rest.get(len..next).unwrap_or_default();
            self.newlines += u64::from(ending.ends_with(b"\n"));
            ends.push(len);
            self.record.sep = 1;
            self.record.in_buf = Some(start..start + len);
            self.pos = start + next;
            return Ok(true);
        }
    }

    /// Reads the line at `start` when each cell is either unquoted (no
    /// quote in it) or quoted whole (no quote inside, nothing after the
    /// closing quote), with no carriage return but at its end: cells end
    /// to end in `unquoted`, as `csv_core` writes them. False (having read
    /// nothing) for any other line.
    fn split_quoted_line(&mut self, mut start: usize) -> io::Result<bool> {
        let mut searched = start;
        let (len, next) = loop {
            let rest = self.buf.get(searched..self.filled).unwrap_or_default();
            if let Some(at) = memchr::memchr(b'\n', rest) {
                let len = searched - start + at;
                break (len, len + 1);
            }
            if self.eof {
                let len = self.filled - start;
                break (len, len);
            }
            // Searched so far: what is read of the line, wherever it moves.
            let read = self.filled - start;
            start -= self.read_on(start)?;
            searched = start + read;
        };
        let line = self.buf.get(start..start + len).unwrap_or_default();
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if memchr::memchr(b'\r', line).is_some() {
            return Ok(false);
        }
        let delimiter = self.delimiter;
        let record = &mut self.record;
        record.unquoted.clear();
        record.ends.clear();
        let mut at = 0;
        loop {
            let rest = line.get(at..).unwrap_or_default();
            let after = if let Some(quoted) = rest.strip_prefix(b"\"") {
                let Some(close) = memchr::memchr(b'"', quoted) else {
                    return Ok(false);
                };
                record
                    .unquoted
                    .extend_from_slice(quoted.get(..close).unwrap_or_default());
                at + close + 2
            } else {
                let cell = memchr::memchr2(delimiter, b'"', rest).unwrap_or(rest.len());
                if rest.get(cell) == Some(&b'"') {
                    return Ok(false);
                }
                record
                    .unquoted
                    .extend_from_slice(rest.get(..cell).unwrap_or_default());
                at + cell
            };
            record.ends.push(record.unquoted.len());
            match line.get(after) {
                None => break,
                Some(b) if *b == delimiter => at = after + 1,
                Some(_) => return Ok(false),
            }
        }
        record.in_buf = None;
        record.sep = 0;
        self.pos = start + next;
        self.newlines += u64::from(next > len);
        Ok(true)
    }

    /// Reads the record at `pos` with `csv_core`.
    fn parse_quoted(&mut self) -> io::Result<()> {
        let mut start = self.pos;
        let mut at = start;
        self.record.in_buf = None;
        self.record.sep = 0;
        let (mut written, mut ended) = (0, 0);
        loop {
            let record = &mut self.record;
            if record.unquoted.len() <= written {
                record.unquoted.resize((written * 2).max(256), 0);
            }
            if record.ends.len() <= ended {
                record.ends.resize((ended * 2).max(16), 0);
            }
            let input = self.buf.get(at..self.filled).unwrap_or_default();
            let (result, read, out, ends) = self.core.read_record(
                input,
                record.unquoted.get_mut(written..).unwrap_or_default(),
                record.ends.get_mut(ended..).unwrap_or_default(),
            );
            (at, written, ended) = (at + read, written + out, ended + ends);
            match result {
                ReadRecordResult::InputEmpty if !self.eof => {
                    let shift = self.read_on(start)?;
                    (start, at) = (start - shift, at - shift);
                }
                ReadRecordResult::InputEmpty
                | ReadRecordResult::OutputFull
                | ReadRecordResult::OutputEndsFull => {}
                ReadRecordResult::Record | ReadRecordResult::End => break,
            }
        }
        self.record.ends.truncate(ended);
        let read = self.buf.get(start..at).unwrap_or_default();
        self.newlines += line_breaks(read);
        self.after_cr = read.ends_with(b"\r");
        self.pos = at;
        Ok(())
    }

    /// Makes room to read more, keeping `buf[keep..filled]` (a record being
    /// read); returns how far that moved down.
    fn more(&mut self, keep: usize) -> io::Result<usize> {
        let kept = self.filled - keep;
        if let Some(limit) = self.row_limit {
            if kept as u64 > limit {
                return Err(io::Error::other(format!(
                    "a row runs on for more than {limit} bytes"
                )));
            }
        }
        self.buf.copy_within(keep..self.filled, 0);
        self.base += keep as u64;
        (self.pos, self.filled) = (self.pos.saturating_sub(keep), kept);
        if self.buf.len() - kept < CHUNK / 2 {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        Ok(keep)
    }

    /// Reads into the free end of the buffer; false at the end of the file.
    fn fill_more(&mut self) -> io::Result<bool> {
        let free = self.buf.get_mut(self.filled..).unwrap_or_default();
        let n = loop {
            match self.inner.read(free) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                other => break other?,
            }
        };
        self.filled += n;
        self.eof = n == 0;
        Ok(!self.eof)
    }

    /// Reads on, keeping `buf[keep..filled]` (a record being read): how
    /// far that moved down. At the end of the file, `eof` is set.
    fn read_on(&mut self, keep: usize) -> io::Result<usize> {
        let shift = self.more(keep)?;
        self.fill_more()?;
        Ok(shift)
    }

    /// Reads more, keeping only `buf[keep..filled]`; false at the end.
    fn fill(&mut self, keep: usize) -> io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.read_on(keep)?;
        Ok(!self.eof)
    }
}

/// `csv_core`'s reader for cells separated by `delimiter`.
fn core_reader(delimiter: u8) -> csv_core::Reader {
    let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    // `csv_core` drops a byte-order mark at the start of its first input,
    // which here may be any record: a blank line first makes it a reader
    // that has read (the mark is dropped by `new`).
    let _ = core.read_record(b"\n", &mut [0], &mut [0]);
    core
}

/// The line breaks in `bytes`: each LF, CRLF and lone CR one, a CR at the
/// end counted whatever follows it.
fn line_breaks(bytes: &[u8]) -> u64 {
    let lone_cr = memchr::memchr_iter(b'\r', bytes)
        .filter(|at| bytes.get(at + 1) != Some(&b'\n'))
        .count();
    (bytecount::count(bytes, b'\n') + lone_cr) as u64
}

/// Finds the first line feed, carriage return or quote in `rest`, with
/// where it is, appending where each delimiter (a comma, but for a file
/// that says otherwise) before it is. One pass, where
/// `memchr` for the line end and then for each comma cost more on lines as
/// short as an export's. It stops at the first of the three, so a file of
/// lone carriage returns or of quoted cells is still read in one pass (by
/// `csv_core`, a record at a time).
///
/// Sixteen bytes at a time with SSE2, which every x86-64 processor has (the
/// scan was the largest single share of reading a row); the rest, and
/// other processors, eight at a time ([`scan_words`]).
#[cfg(target_arch = "x86_64")]
fn scan_line(rest: &[u8], ends: &mut Vec<usize>, delimiter: u8) -> Option<(usize, u8)> {
    // SAFETY: SSE2 is part of x86-64 itself: every processor that runs this
    // build has it.
    unsafe { scan_blocks(rest, ends, delimiter) }
}

/// [`scan_line`] sixteen bytes at a time.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn scan_blocks(rest: &[u8], ends: &mut Vec<usize>, delimiter: u8) -> Option<(usize, u8)> {
    use std::arch::x86_64::{
        _mm_cmpeq_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_set_epi64x,
    };
    let byte = |b: u8| i8::from_le_bytes([b]);
    let comma = _mm_set1_epi8(byte(delimiter));
    let (lf, cr, quote) = (
        _mm_set1_epi8(byte(b'\n')),
        _mm_set1_epi8(byte(b'\r')),
        _mm_set1_epi8(byte(b'"')),
    );
    let mut blocks = rest.chunks_exact(16);
    for (k, block) in blocks.by_ref().enumerate() {
        let half = |at: usize| {
            let bytes = block.get(at..at + 8).and_then(|b| b.try_into().ok());
            i64::from_le_bytes(bytes.unwrap_or_default())
        };
        let v = _mm_set_epi64x(half(8), half(0));
        let mut commas = _mm_movemask_epi8(_mm_cmpeq_epi8(v, comma)) as u32;
        let ends_line = _mm_or_si128(_mm_cmpeq_epi8(v, lf), _mm_cmpeq_epi8(v, cr));
        let stops = _mm_movemask_epi8(_mm_or_si128(ends_line, _mm_cmpeq_epi8(v, quote))) as u32;
        if stops != 0 {
            // Only the commas before it.
            commas &= (1 << stops.trailing_zeros()) - 1;
        }
        while commas != 0 {
            ends.push(k * 16 + commas.trailing_zeros() as usize);
            commas &= commas - 1;
        }
        if stops != 0 {
            let at = k * 16 + stops.trailing_zeros() as usize;
            return rest.get(at).map(|byte| (at, *byte));
        }
    }
    let done = rest.len() - blocks.remainder().len();
    scan_words(blocks.remainder(), done, ends, delimiter)
}

#[cfg(not(target_arch = "x86_64"))]
fn scan_line(rest: &[u8], ends: &mut Vec<usize>, delimiter: u8) -> Option<(usize, u8)> {
    scan_words(rest, 0, ends, delimiter)
}

/// [`scan_line`] eight bytes at a time, of `rest` starting `from` bytes
/// into the line (where it finds things are counted from the line's start).
fn scan_words(
    rest: &[u8],
    from: usize,
    ends: &mut Vec<usize>,
    delimiter: u8,
) -> Option<(usize, u8)> {
    let mut words = rest.chunks_exact(8);
    for (k, word) in words.by_ref().enumerate() {
        let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let mut commas = bytes_equal(word, delimiter);
        // The three are the only bytes below `#` but for other control
        // characters, space and `!`: a cheaper test rules most words out.
        let stops = if bytes_below(word, b'#') == 0 {
            0
        } else {
            bytes_equal(word, b'\n') | bytes_equal(word, b'\r') | bytes_equal(word, b'"')
        };
        if stops != 0 {
            // Only the commas before it.
            commas &= (1 << (stops.trailing_zeros() - 7)) - 1;
        }
        while commas != 0 {
            ends.push(from + k * 8 + commas.trailing_zeros() as usize / 8);
            commas &= commas - 1;
        }
        if stops != 0 {
            let at = k * 8 + stops.trailing_zeros() as usize / 8;
            return rest.get(at).map(|byte| (from + at, *byte));
        }
    }
    let done = from + rest.len() - words.remainder().len();
    for (i, byte) in words.remainder().iter().enumerate() {
        match byte {
            b'\n' | b'\r' | b'"' => return Some((done + i, *byte)),
            b if *b == delimiter => ends.push(done + i),
            _ => {}
        }
    }
    None
}

/// Not zero when a byte of `word` is below `limit` (at most 128): the top
/// bit is set of the lowest such byte, and maybe of some above it.
fn bytes_below(word: u64, limit: u8) -> u64 {
    word.wrapping_sub(u64::from_le_bytes([limit; 8])) & !word & 0x8080_8080_8080_8080
}

/// The top bit set of each byte of `word` that equals `byte`, and nothing
/// else (no borrow crosses from one byte to the next, as it does in the
/// shorter `(x - 0x01..) & !x & 0x80..`).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let x = word ^ u64::from_le_bytes([byte; 8]);
    !(((x & LOW) + LOW) | x | LOW)
}

#[cfg(test)]
mod tests {
    use super::{CsvReader, Decoded};
    use proptest::prelude::*;

    /// Every record's cells, offset and line, read `chunk` bytes at a time.
    fn records(data: &[u8], chunk: usize) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        records_by(data, chunk, b',')
    }

    fn records_by(data: &[u8], chunk: usize, delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut reader = CsvReader::new(Chunked(data, chunk)).with_delimiter(delimiter);
        let mut out = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            let cells = (0..record.len())
                .map(|i| record.get(i).unwrap().to_vec())
                .collect();
            out.push((cells, record.offset, record.line));
        }
        out
    }

    /// Hands out at most `n` bytes per read, so records straddle reads.
    struct Chunked<'a>(&'a [u8], usize);

    impl std::io::Read for Chunked<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.0.len().min(self.1).min(buf.len());
            let (head, tail) = self.0.split_at(n);
            buf[..n].copy_from_slice(head);
            self.0 = tail;
            Ok(n)
        }
    }

    /// The cells of every record of `data`, read `chunk` bytes at a time.
    fn cells(data: &[u8], chunk: usize) -> Vec<Vec<Vec<u8>>> {
        records(data, chunk).into_iter().map(|r| r.0).collect()
    }

    fn lines(data: &str) -> Vec<u64> {
        records(data.as_bytes(), 3).iter().map(|r| r.2).collect()
    }

    #[test]
    fn blank_lines_and_line_endings() {
        assert_eq!(lines("id,h\nL1,a\n\nL2,\nL3,x\n"), [1, 2, 4, 5]);
        assert_eq!(lines("id,h\r\nL1,a\r\n\r\nL2,\r\nL3,x\r\n"), [1, 2, 4, 5]);
        assert_eq!(lines("\n\nid,h\nL1,a"), [3, 4]);
        assert_eq!(lines("a\rb\r\nc"), [1, 2, 3], "a lone \\r ends a line");
        // Excel's "CSV (Macintosh)": CR only, blank lines and quoted
        // breaks counted alike.
        assert_eq!(lines("id,h\rL1,a\r\rL2,\"x\ry\"\rL3,x\r"), [1, 2, 4, 6]);
        assert_eq!(lines("a\r\r\nb\n\r\nc"), [1, 3, 5], "CR then CRLF: two");
        assert_eq!(lines("a,\"x\ny\"\nb\n"), [1, 3], "a line feed in a cell");
    }

    #[test]
    fn offsets_skip_the_line_breaks_before_a_record() {
        let read = records(b"a\r\n\nb\n", 2);
        let at: Vec<_> = read.iter().map(|r| (r.1, r.2)).collect();
        assert_eq!(at, [(0, 1), (4, 3)]);
    }

    #[test]
    fn offsets_and_lines_can_start_inside_a_file() {
        let mut reader = CsvReader::at("x\ny".as_bytes(), 100, 7);
        let first = reader.next_record().unwrap().map(|r| (r.offset, r.line));
        assert_eq!(first, Some((100, 8)));
        let second = reader.next_record().unwrap().map(|r| (r.offset, r.line));
        assert_eq!(second, Some((102, 9)));
        assert!(reader.next_record().unwrap().is_none());
    }

    #[test]
    fn a_byte_order_mark_is_dropped_at_the_start_only() {
        let read = records(b"\xef\xbb\xbf\"id\",x\n\xef\xbb\xbfa,b\n", 64);
        assert_eq!(read[0].0, [b"id".to_vec(), b"x".to_vec()]);
        assert_eq!(read[0].1, 3);
        assert_eq!(read[1].0[0], b"\xef\xbb\xbfa");
    }

    #[test]
    fn a_record_is_text_when_it_is_valid_utf8() {
        let data = b"ascii,only\nd\xc3\xa9j\xc3\xa0,vu\n\"\xc3\xa9\",x\nbad\xc3,x\n\"bad\xff\",x\n";
        let mut reader = CsvReader::new(Chunked(data, 5));
        let mut texts = Vec::new();
        while let Some(record) = reader.next_record().unwrap() {
            texts.push(match record.decoded() {
                Decoded::Ascii(ascii) => ascii.get(0..record.text().len()).map(str::to_owned),
                Decoded::Utf8(text) => Some(format!("{text} (not ASCII)")),
                Decoded::Invalid => None,
            });
        }
        let texts: Vec<Option<&str>> = texts.iter().map(Option::as_deref).collect();
        assert_eq!(
            texts,
            [
                Some("ascii,only"),
                Some("déjà,vu (not ASCII)"),
                Some("éx (not ASCII)"),
                None,
                None
            ]
        );
    }

    #[test]
    fn ascii_cells_are_cut_by_position() {
        let mut reader = CsvReader::new(Chunked(b"ab,cde\n", 64));
        let record = reader.next_record().unwrap().unwrap();
        let Decoded::Ascii(ascii) = record.decoded() else {
            panic!("an ASCII record");
        };
        assert_eq!(ascii.get(3..6), Some("cde"));
        assert_eq!(ascii.get(2..2), Some(""));
        assert_eq!(ascii.get(4..9), None);
    }

    #[test]
    fn quoted_cells_are_unquoted() {
        let text = "a,\"b,\"\"c\"\"\r\nd\",e\r\nf\n";
        assert_eq!(
            cells(text.as_bytes(), 4),
            [
                vec![b"a".to_vec(), b"b,\"c\"\r\nd".to_vec(), b"e".to_vec()],
                vec![b"f".to_vec()],
            ]
        );
        assert_eq!(lines(text)[1], 3);
    }

    #[test]
    fn cells_quoted_whole_are_read_on_the_quick_path() {
        let text = "\"a\",\"\",b,\"c,d\"\r\n\"e\"\n\"f\"x,g\n";
        assert_eq!(
            cells(text.as_bytes(), 5),
            [
                vec![b"a".to_vec(), vec![], b"b".to_vec(), b"c,d".to_vec()],
                vec![b"e".to_vec()],
                // Text after a closing quote: the full parser's reading.
                vec![b"fx".to_vec(), b"g".to_vec()],
            ]
        );
        assert_eq!(lines(text), [1, 2, 3]);
    }

    #[test]
    fn a_row_longer_than_the_limit_fails() {
        let long = format!("a,b\n1,\"{}\"\n2,x\n", "x".repeat(100));
        let rows = |limit, quoted: bool| {
            let text = if quoted {
                long.clone()
            } else {
                long.replace('"', "")
            };
            let mut reader = CsvReader::new(Chunked(text.as_bytes(), 8)).limit_rows(limit);
            let mut rows = 0;
            loop {
                match reader.next_record() {
                    Ok(Some(_)) => rows += 1,
                    Ok(None) => return Ok(rows),
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        for quoted in [false, true] {
            assert_eq!(rows(200, quoted), Ok(3));
            let err = rows(50, quoted).unwrap_err();
            assert!(err.contains("more than 50 bytes"), "{err}");
        }
    }

    #[test]
    fn lone_carriage_returns_are_read_a_record_at_a_time() {
        let text = "id,x\r".to_owned() + &"L1,a\r".repeat(1000);
        let mut reader = CsvReader::new(Chunked(text.as_bytes(), 64)).limit_rows(100);
        let mut rows = 0;
        while let Some(record) = reader.next_record().unwrap() {
            assert_eq!((record.len(), record.line), (2, rows + 1));
            rows += 1;
        }
        assert_eq!(rows, 1001);
    }

    /// What the `csv` crate reads, with each record's offset past the line
    /// breaks before it and the physical line of that offset.
    fn csv_crate(data: &[u8]) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        csv_crate_by(data, b',')
    }

    fn csv_crate_by(data: &[u8], delimiter: u8) -> Vec<(Vec<Vec<u8>>, u64, u64)> {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(data);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let mut at = record.position().unwrap().byte() as usize;
            while matches!(data.get(at), Some(b'\r' | b'\n')) {
                at += 1;
            }
            // Physical lines: LF, CRLF and a lone CR each end one.
            let breaks = (0..at).filter(|&i| match data[i] {
                b'\n' => true,
                b'\r' => data.get(i + 1) != Some(&b'\n'),
                _ => false,
            });
            let line = 1 + breaks.count() as u64;
            out.push((record.iter().map(<[u8]>::to_vec).collect(), at as u64, line));
        }
        out
    }

    proptest! {
        #[test]
        fn bytes_below_a_limit_are_found(bytes in proptest::array::uniform8(any::<u8>()), limit in 1u8..=128) {
            let found = super::bytes_below(u64::from_le_bytes(bytes), limit) != 0;
            prop_assert_eq!(found, bytes.iter().any(|b| *b < limit));
        }

        #[test]
        fn a_line_is_scanned_a_word_at_a_time(
            line in "[a,;|\t+\\-\"\r\né\\x7f\\x80-\\xffĬ]{0,40}",
            delimiter in prop_oneof![Just(b','), Just(b';'), Just(b'\t'), Just(b'|')],
        ) {
            let bytes = line.as_bytes();
            let mut ends = Vec::new();
            let found = super::scan_line(bytes, &mut ends, delimiter);
            let stop = bytes.iter().position(|b| matches!(b, b'\n' | b'\r' | b'"'));
            let before = &bytes[..stop.unwrap_or(bytes.len())];
            let commas: Vec<usize> = before.iter().enumerate()
                .filter(|(_, b)| **b == delimiter).map(|(i, _)| i).collect();
            let expected = (commas, stop.map(|at| (at, bytes[at])));
            prop_assert_eq!((ends, found), expected.clone());
            // The eight-byte scan too, which other processors use.
            let mut ends = Vec::new();
            let found = super::scan_words(bytes, 0, &mut ends, delimiter);
            prop_assert_eq!((ends, found), expected);
        }

        #[test]
        fn reads_what_the_csv_crate_reads_with_other_delimiters(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b','), Just(b';'), Just(b'\t'), Just(b'|'), Just(b'"'),
                    Just(b'\r'), Just(b'\n'), Just(b' '), Just(0xc3), Just(0xa9),
                ],
                0..80,
            ),
            chunk in 1usize..9,
            delimiter in prop_oneof![Just(b';'), Just(b'\t'), Just(b'|')],
        ) {
            let mut data = b"h\n".to_vec();
            data.extend(bytes);
            prop_assert_eq!(records_by(&data, chunk, delimiter), csv_crate_by(&data, delimiter));
        }

        #[test]
        fn reads_what_the_csv_crate_reads(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'a'), Just(b','), Just(b'"'), Just(b'\r'), Just(b'\n'),
                    Just(b' '), Just(0xc3), Just(0xa9), Just(0xef),
                ],
                0..80,
            ),
            chunk in 1usize..9,
        ) {
            // Not at the start: both drop a byte-order mark there, in
            // ways the test above pins.
            let mut data = b"h\n".to_vec();
            data.extend(bytes);
            prop_assert_eq!(records(&data, chunk), csv_crate(&data));
        }
    }
}
