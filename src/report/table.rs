//! Plain-text tables for terminal output: columns padded to their widest
//! cell. Hand-written because it is twenty lines; the table crates bring
//! styling, wrapping and borders accord does not use.

use std::fmt::Write;

/// Renders `rows` (the first is the header) indented by `indent` spaces;
/// columns listed in `right` are right-aligned (numbers).
pub fn render(rows: &[Vec<String>], indent: usize, right: &[usize]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = " ".repeat(indent);
        for (c, (cell, width)) in row.iter().zip(&widths).enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            if right.contains(&c) {
                let _ = write!(line, "{cell:>width$}");
            } else {
                let _ = write!(line, "{cell:<width$}");
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_are_padded_to_the_widest_cell() {
        let rows = vec![
            vec!["window".to_owned(), "n".to_owned()],
            vec!["2027-01".to_owned(), "12".to_owned()],
        ];
        assert_eq!(
            super::render(&rows, 2, &[1]),
            "  window    n\n  2027-01  12\n"
        );
    }
}
