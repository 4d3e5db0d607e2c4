//! Formatting: exactly `accord fmt`'s layout, sent as the one edit that
//! turns the text into it. The edit spans only the part that changes (the
//! common start and end are left alone), so the editor keeps its cursor
//! and undo history where nothing moved.

use lsp_types::TextEdit;

use super::documents::Document;

/// The edits that format the document: none when it is formatted already,
/// `None` when it does not parse (its diagnostics say why).
pub fn format(document: &Document) -> Option<Vec<TextEdit>> {
    let text = document.text();
    let formatted = crate::format::format(text).ok()?;
    let Some((start, old_end, new_end)) = changed(text, &formatted) else {
        return Some(Vec::new());
    };
    let span = crate::syntax::Span::new(start, old_end);
    Some(vec![TextEdit::new(
        document.lines.range(text, span),
        formatted.get(start..new_end).unwrap_or("").to_owned(),
    )])
}

/// Where `old` and `new` first differ and where each one's differing part
/// ends, on character boundaries; `None` when they are equal.
fn changed(old: &str, new: &str) -> Option<(usize, usize, usize)> {
    if old == new {
        return None;
    }
    let mut start = old
        .bytes()
        .zip(new.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(start) && new.is_char_boundary(start)) {
        start -= 1;
    }
    let room = old.len().min(new.len()) - start;
    let mut tail = old
        .bytes()
        .rev()
        .zip(new.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !(old.is_char_boundary(old.len() - tail) && new.is_char_boundary(new.len() - tail)) {
        tail -= 1;
    }
    Some((start, old.len() - tail, new.len() - tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn apply(old: &str, new: &str) -> String {
        let (start, old_end, new_end) = changed(old, new).unwrap();
        format!(
            "{}{}{}",
            &old[..start],
            &new[start..new_end],
            &old[old_end..]
        )
    }

    #[test]
    fn the_edit_covers_only_what_changes() {
        assert_eq!(changed("abcXdef", "abcYYdef"), Some((3, 4, 5)));
        assert_eq!(changed("same", "same"), None);
        assert_eq!(apply("aaa", "aaaa"), "aaaa");
        assert_eq!(apply("aaaa", "aa"), "aa");
    }

    #[test]
    fn an_edit_never_splits_a_character() {
        // `é` is C3 A9 and `è` C3 A8: they share their first byte.
        assert_eq!(changed("xé", "xè"), Some((1, 3, 3)));
        assert_eq!(apply("é😀é", "é😁é"), "é😁é");
    }
}
