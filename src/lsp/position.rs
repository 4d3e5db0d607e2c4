//! Byte offsets (the AST's spans) to protocol positions and back. The
//! protocol counts a line's characters in UTF-16 code units, so an `é`
//! is one and an emoji two, where the source has two and four bytes.

use lsp_types::{Position, Range};

use crate::syntax::Span;

/// Where each line of a text starts, to convert positions in either direction.
#[derive(Debug, Clone)]
pub struct Lines {
    /// The byte offset of each line's first character.
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|at| at + 1));
        Lines { starts }
    }

    /// The position of a byte offset; an offset inside a character or past
    /// the end is taken back to the character's start or the text's end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = offset.min(text.len());
        let line = self
            .starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let column: usize = text
            .get(start..end)
            .map_or(0, |s| s.chars().map(char::len_utf16).sum());
        Position::new(to_u32(line), to_u32(column))
    }

    /// The byte offset of a position; a column past the line's end is the
    /// line's end, a line past the last is the text's end, and a column
    /// inside a surrogate pair is the character's start.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = usize::try_from(position.line).unwrap_or(usize::MAX);
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        let line_text = text.get(start..end).unwrap_or("");
        let wanted = usize::try_from(position.character).unwrap_or(usize::MAX);
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            units += c.len_utf16();
            if units > wanted {
                return start + i;
            }
        }
        end
    }

    pub fn range(&self, text: &str, span: Span) -> Range {
        Range::new(
            self.position(text, span.start()),
            self.position(text, span.end()),
        )
    }

    /// The byte span of a range.
    pub fn span(&self, text: &str, range: Range) -> Span {
        Span::new(self.offset(text, range.start), self.offset(text, range.end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_ascii_before_a_position_counts_in_utf16_units() {
        let text = "team a\n# é😀 x\nend";
        let lines = Lines::new(text);
        let x = text.find('x').unwrap();
        // `# ` 2, `é` 1, `😀` 2, ` ` 1.
        assert_eq!(lines.position(text, x), Position::new(1, 6));
        assert_eq!(lines.offset(text, Position::new(1, 6)), x);
        assert_eq!(
            lines.offset(text, Position::new(2, 0)),
            text.find("end").unwrap()
        );
    }

    #[test]
    fn positions_past_the_text_are_clamped() {
        let text = "ab\ncd";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(text, Position::new(0, 99)), 2);
        assert_eq!(lines.offset(text, Position::new(7, 0)), text.len());
        assert_eq!(lines.position(text, 99), Position::new(1, 2));
    }

    #[test]
    fn half_a_surrogate_pair_is_the_character_start() {
        let text = "😀x";
        let lines = Lines::new(text);
        assert_eq!(lines.offset(text, Position::new(0, 1)), 0);
        assert_eq!(lines.offset(text, Position::new(0, 2)), 4);
    }
}
