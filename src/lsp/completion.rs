//! Completion: the words the grammar accepts at the cursor, and where a
//! name may come, the names that fit there: teams after `owner`, `from`
//! and `to`, calendars after `on`, fields after `per` and `provide`, terms
//! and fields in a condition.

use lsp_types::{CompletionItem, CompletionItemKind};

use super::documents::Document;
use crate::syntax::keywords;

/// A field of an export, and which export (`leads` or `activities`).
pub type Field = (String, &'static str);

pub fn complete(document: &Document, offset: usize, fields: &[Field]) -> Vec<CompletionItem> {
    let text = document.text();
    // A comment runs to the end of its line, trailing spaces included.
    let in_comment = crate::syntax::comments(text).iter().any(|c| {
        text.get(c.span.start()..offset)
            .is_some_and(|between| !between.is_empty() && !between.contains('\n'))
    });
    if in_comment {
        return Vec::new();
    }
    let start = word_start(text, offset);
    let Some(expected) = keywords::expected_at(text, start) else {
        return Vec::new();
    };
    let mut items: Vec<CompletionItem> = expected
        .words
        .iter()
        .map(|w| item(w, CompletionItemKind::KEYWORD, None))
        .collect();
    if !expected.name {
        return items;
    }
    let names = &document.names;
    let term = |(name, detail): &(String, String)| {
        item(name, CompletionItemKind::VARIABLE, Some(detail.clone()))
    };
    let field = |(name, export): &Field| {
        item(
            name,
            CompletionItemKind::FIELD,
            Some(format!("{export} field")),
        )
    };
    match previous_word(text, start) {
        "owner" | "from" | "to" => items.extend(
            names
                .teams
                .iter()
                .map(|(name, detail)| item(name, CompletionItemKind::STRUCT, Some(detail.clone()))),
        ),
        "on" => items.extend(
            names
                .calendars
                .iter()
                .map(|(name, detail)| item(name, CompletionItemKind::EVENT, Some(detail.clone()))),
        ),
        // A new name is being written.
        "term" | "calendar" | "team" => {}
        "per" | "provide" | "weights" | "," => items.extend(fields.iter().map(field)),
        _ => {
            items.extend(names.terms.iter().map(term));
            items.extend(fields.iter().map(field));
        }
    }
    items
}

fn item(label: &str, kind: CompletionItemKind, detail: Option<String>) -> CompletionItem {
    CompletionItem {
        label: label.to_owned(),
        kind: Some(kind),
        detail,
        ..CompletionItem::default()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Where the word being typed at `offset` starts.
fn word_start(text: &str, offset: usize) -> usize {
    let before = text.get(..offset).unwrap_or("");
    before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_word_char(*c))
        .last()
        .map_or(before.len(), |(i, _)| i)
}

/// The word (or the one punctuation character) before `at`, past white space.
fn previous_word(text: &str, at: usize) -> &str {
    let before = text.get(..at).unwrap_or("").trim_end();
    let start = word_start(before, before.len());
    if start < before.len() {
        return before.get(start..).unwrap_or("");
    }
    let last = before.chars().last().map_or(0, char::len_utf8);
    before.get(before.len() - last..).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_before_the_cursor() {
        let text = "owner sal";
        assert_eq!(word_start(text, text.len()), 6);
        assert_eq!(previous_word(text, 6), "owner");
        assert_eq!(previous_word("provide a, ", 11), ",");
        assert_eq!(word_start("é", 2), 2);
    }
}
