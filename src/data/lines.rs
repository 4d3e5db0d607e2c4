//! Physical line numbers for CSV records.
//!
//! The `csv` crate's `Position::line` of a record is the line where the
//! previous record ended, so blank lines and CRLF endings put it off by one
//! or more, and a data issue would name the wrong line. No crate offers the
//! right number, so this reader, placed under the CSV parser, notes where the
//! line breaks fall as bytes pass through, and [`LineCounting::locate`]
//! turns a record's byte position into the line its first cell is on.

use std::collections::VecDeque;
use std::io::{self, Read};

pub(crate) struct LineCounting<R> {
    inner: R,
    /// Bytes passed through so far.
    offset: u64,
    /// Offsets and bytes (`\r` or `\n`) of the line breaks not yet behind
    /// the parser; it stays as short as the parser's read-ahead buffer.
    breaks: VecDeque<(u64, u8)>,
    /// `\n`s dropped from `breaks`: the lines wholly behind the parser.
    lines_behind: u64,
    /// Where the record last located starts, and how far past it reading
    /// may go (see [`LineCounting::limit_rows`]).
    row_start: u64,
    row_limit: Option<u64>,
}

impl<R> LineCounting<R> {
    pub fn new(inner: R) -> LineCounting<R> {
        LineCounting::at(inner, 0, 0)
    }

    /// For `inner` positioned at byte `offset` of the file, after
    /// `newlines` line feeds: offsets and lines stay the file's own.
    pub fn at(inner: R, offset: u64, newlines: u64) -> LineCounting<R> {
        LineCounting {
            inner,
            offset,
            breaks: VecDeque::new(),
            lines_behind: newlines,
            row_start: offset,
            row_limit: None,
        }
    }

    /// Fails reading once a record runs on for more than `limit` bytes. A
    /// part that began inside a quoted cell reads quoted and unquoted text
    /// the wrong way round, and may take the rest of the file for one row;
    /// it fails early instead, and is read again from a true row start.
    pub fn limit_rows(mut self, limit: u64) -> LineCounting<R> {
        self.row_limit = Some(limit);
        self
    }

    /// Where a record whose reported position is `from` starts: the first
    /// byte at or after `from` that is not a line break, and its 1-based
    /// line. Calls must come with non-decreasing `from`.
    pub fn locate(&mut self, from: u64) -> (u64, u64) {
        self.row_start = from;
        while let Some(&(at, byte)) = self.breaks.front() {
            if at >= from {
                break;
            }
            self.lines_behind += u64::from(byte == b'\n');
            self.breaks.pop_front();
        }
        let run = (from..).zip(&self.breaks);
        let (mut start, mut blank_lines) = (from, 0);
        for (next, (at, byte)) in run {
            if *at != next {
                break;
            }
            start = next + 1;
            blank_lines += u64::from(*byte == b'\n');
        }
        (start, self.lines_behind + 1 + blank_lines)
    }
}

impl<R: Read> Read for LineCounting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(limit) = self.row_limit {
            if self.offset.saturating_sub(self.row_start) > limit {
                return Err(io::Error::other(format!(
                    "a row runs on for more than {limit} bytes"
                )));
            }
        }
        let n = self.inner.read(buf)?;
        let read = buf.get(..n).unwrap_or_default();
        for i in memchr::memchr2_iter(b'\r', b'\n', read) {
            let byte = read.get(i).copied().unwrap_or_default();
            self.breaks.push_back((self.offset + i as u64, byte));
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::LineCounting;

    /// The line of every record, as the table reads them.
    fn lines(data: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(8)
            .from_reader(LineCounting::new(data.as_bytes()));
        let mut record = csv::ByteRecord::new();
        let mut out = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            let from = record.position().unwrap().byte();
            out.push(reader.get_mut().locate(from).1);
        }
        out
    }

    #[test]
    fn blank_lines_and_line_endings() {
        assert_eq!(lines("id,h\nL1,a\n\nL2,\nL3,x\n"), [1, 2, 4, 5]);
        assert_eq!(lines("id,h\r\nL1,a\r\n\r\nL2,\r\nL3,x\r\n"), [1, 2, 4, 5]);
        assert_eq!(lines("\n\nid,h\nL1,a"), [3, 4]);
    }

    #[test]
    fn a_record_starts_after_the_line_breaks_before_it() {
        let mut counting = LineCounting::new("a\r\n\nb\n".as_bytes());
        std::io::Read::read_to_end(&mut counting, &mut Vec::new()).unwrap();
        assert_eq!(counting.locate(0), (0, 1));
        assert_eq!(
            counting.locate(1),
            (4, 3),
            "from the \\r, past the blank line"
        );
    }

    #[test]
    fn offsets_and_lines_can_start_inside_a_file() {
        let mut counting = LineCounting::at("x\ny".as_bytes(), 100, 7);
        std::io::Read::read_to_end(&mut counting, &mut Vec::new()).unwrap();
        assert_eq!(counting.locate(100), (100, 8));
        assert_eq!(counting.locate(101), (102, 9));
    }

    #[test]
    fn a_row_longer_than_the_limit_fails() {
        let long = format!("a,b\n1,\"{}\"\n", "x".repeat(100));
        let lines = |limit| {
            let counting = LineCounting::new(long.as_bytes()).limit_rows(limit);
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .buffer_capacity(8)
                .from_reader(counting);
            let mut record = csv::ByteRecord::new();
            let mut rows = 0;
            loop {
                match reader.read_byte_record(&mut record) {
                    Ok(true) => {
                        let from = record.position().unwrap().byte();
                        reader.get_mut().locate(from);
                        rows += 1;
                    }
                    Ok(false) => return Ok(rows),
                    Err(e) => return Err(e.to_string()),
                }
            }
        };
        assert_eq!(lines(200), Ok(2));
        assert!(lines(50).unwrap_err().contains("more than 50 bytes"));
    }

    #[test]
    fn quoted_line_breaks_count() {
        assert_eq!(lines("id,h\r\nL1,\"a\r\nb\"\r\nL2,c\r\n"), [1, 2, 4]);
        assert_eq!(lines("id,h\nL1,\"a\n\nb\"\n\nL2,c"), [1, 2, 6]);
    }
}
