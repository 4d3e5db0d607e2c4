//! Files in another encoding than UTF-8 (`encoding = "windows-1252"`):
//! decoded with `encoding_rs` once, into a temporary UTF-8 file that the
//! readers then take as they take any export, in parts on every core.
//!
//! The decoded file keeps every line break where it was, so issues name the
//! original file's lines. A byte sequence the encoding does not define is
//! written as the byte 0xFF, which is never valid UTF-8: the reader finds
//! the cell it falls in unreadable and reports it, naming the encoding,
//! rather than keeping a replacement character that matches nothing.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::Path;

use encoding_rs::{DecoderResult, Encoding, UTF_8};
use tempfile::TempPath;

use super::issue::DataError;

/// How a file's bytes are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextEncoding {
    encoding: &'static Encoding,
    /// `utf-16` without an endianness: the byte-order mark says which.
    sniff_utf16: bool,
}

impl TextEncoding {
    /// The encoding a WHATWG label names (checked when `accord.toml` was
    /// read); UTF-8 for none.
    pub fn from_label(label: Option<&str>) -> TextEncoding {
        let label = label.unwrap_or("utf-8").trim();
        TextEncoding {
            encoding: Encoding::for_label(label.as_bytes()).unwrap_or(UTF_8),
            sniff_utf16: label.eq_ignore_ascii_case("utf-16"),
        }
    }

    /// The encoding's name, for messages (`windows-1252`, `UTF-8`).
    pub fn name(&self) -> &'static str {
        if self.sniff_utf16 {
            "UTF-16"
        } else {
            self.encoding.name()
        }
    }

    pub fn is_utf8(&self) -> bool {
        self.encoding == UTF_8 && !self.sniff_utf16
    }

    /// The file decoded into a temporary UTF-8 file, or None when it is
    /// UTF-8 already and is read as it is; and the encoding it was read
    /// in: a byte-order mark decides over the configured one.
    pub fn decode(
        &self,
        path: &Path,
        file: &str,
    ) -> Result<(Option<TempPath>, TextEncoding), DataError> {
        if self.is_utf8() {
            return Ok((None, *self));
        }
        let unreadable = |e: std::io::Error| DataError::unreadable(file, &e);
        let mut input = File::open(path).map_err(unreadable)?;
        // The first bytes, for a byte-order mark.
        let mut head = Vec::with_capacity(3);
        (&mut input)
            .take(3)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        let head = head.as_slice();
        let encoding = match Encoding::for_bom(head) {
            Some((found, _)) => found,
            None if self.sniff_utf16 => {
                return Err(DataError::Malformed {
                    file: file.to_owned(),
                    reason: "has no byte-order mark, which `encoding = \"utf-16\"` needs"
                        .to_owned(),
                    help: "name the byte order: `encoding = \"utf-16le\"` (Windows, Excel's \
                           \"Unicode text\") or `encoding = \"utf-16be\"`"
                        .to_owned(),
                })
            }
            None => self.encoding,
        };
        let mut decoder = encoding.new_decoder_with_bom_removal();
        let temp = tempfile::Builder::new()
            .prefix("accord-decoded-")
            .tempfile()
            .map_err(unreadable)?;
        let (out, temp_path) = temp.into_parts();
        let mut out = BufWriter::with_capacity(1 << 20, out);
        let mut input_buf = vec![0u8; 1 << 20];
        let mut output_buf = vec![0u8; (1 << 20) * 3 + 16];
        let mut pending = head.to_vec();
        loop {
            let n = input.read(&mut input_buf).map_err(unreadable)?;
            let last = n == 0;
            pending.extend_from_slice(input_buf.get(..n).unwrap_or_default());
            let mut src: &[u8] = &pending;
            loop {
                let (result, read, written) =
                    decoder.decode_to_utf8_without_replacement(src, &mut output_buf, last);
                out.write_all(output_buf.get(..written).unwrap_or_default())
                    .map_err(unreadable)?;
                src = src.get(read..).unwrap_or_default();
                match result {
                    DecoderResult::InputEmpty => break,
                    DecoderResult::OutputFull => {}
                    DecoderResult::Malformed(_, _) => {
                        out.write_all(&[0xFF]).map_err(unreadable)?;
                    }
                }
            }
            pending.clear();
            if last {
                break;
            }
        }
        out.flush().map_err(unreadable)?;
        let used = TextEncoding {
            encoding,
            sniff_utf16: false,
        };
        Ok((Some(temp_path), used))
    }
}
