//! `accord due --notify`: the list as one chat message. Slack gets Block
//! Kit, Teams an Adaptive Card in the envelope its incoming webhooks take,
//! and anything else plain text. A message shows the first [`MAX_ITEMS`]
//! items in `due`'s order (due soon first), grouped by owner, and says how
//! many more there are: a channel reads a reminder, not a report.

use serde_json::{json, Value};

use super::due::{local, summary, time};
use crate::eval::due::{Agenda, Due};

/// Items a message shows at most.
pub const MAX_ITEMS: usize = 50;

/// Slack: characters in a section's text, and blocks in a message, at most.
pub const SLACK_SECTION_CHARS: usize = 3000;
pub const SLACK_MAX_BLOCKS: usize = 50;
/// Slack: characters in a header's plain text at most.
const SLACK_HEADER_CHARS: usize = 150;
/// A line per item, at most (a very long lead id or rule name is cut).
const LINE_CHARS: usize = 500;

/// The owners of the items shown, in order of their first item, each with
/// their items; and how many items were left off.
pub fn grouped(items: &[Due]) -> (Vec<(&str, Vec<&Due>)>, usize) {
    let shown = items.get(..MAX_ITEMS).unwrap_or(items);
    let mut groups: Vec<(&str, Vec<&Due>)> = Vec::new();
    for d in shown {
        match groups.iter_mut().find(|(owner, _)| *owner == d.owner) {
            Some((_, list)) => list.push(d),
            None => groups.push((&d.owner, vec![d])),
        }
    }
    (groups, items.len() - shown.len())
}

/// One item in words: `12m left (due soon): Speed to lead, L1: first touch`.
pub fn line(d: &Due) -> String {
    let soon = if d.due_soon { " (due soon)" } else { "" };
    let text = format!("{}{soon}: {}, {}: {}", time(d), d.rule, d.lead, d.needs);
    cut(&text, LINE_CHARS)
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

fn title(agenda: &Agenda) -> String {
    format!("Due now: {}", agenda.agreement)
}

fn subtitle(agenda: &Agenda) -> String {
    format!(
        "As of {} · {}",
        local(&agenda.as_of),
        summary(&agenda.items)
    )
}

fn rest(more: usize) -> String {
    format!("…and {more} more: `accord due` lists them all")
}

/// The message as plain text, also the cards' fallback.
pub fn text(agenda: &Agenda) -> String {
    let mut out = format!("{}\n{}\n", title(agenda), subtitle(agenda));
    let (groups, more) = grouped(&agenda.items);
    for (owner, items) in groups {
        out.push('\n');
        out.push_str(owner);
        out.push('\n');
        for d in items {
            out.push_str("  - ");
            out.push_str(&line(d));
            out.push('\n');
        }
    }
    if agenda.items.is_empty() {
        out.push_str("\nNothing to act on.\n");
    }
    if more > 0 {
        out.push('\n');
        out.push_str(&rest(more));
        out.push('\n');
    }
    out
}

/// Slack's mrkdwn treats `&`, `<` and `>` as markup.
fn mrkdwn(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Pieces of text joined by newlines into as few sections as fit `limit`
/// characters each, in order; a piece longer than that is cut.
fn pack(pieces: Vec<String>, limit: usize) -> Vec<String> {
    let mut sections: Vec<String> = Vec::new();
    let mut current = String::new();
    for piece in pieces {
        let piece = cut(&piece, limit);
        let grown = current.chars().count() + 1 + piece.chars().count();
        if !current.is_empty() && grown > limit {
            sections.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(&piece);
    }
    if !current.is_empty() {
        sections.push(current);
    }
    sections
}

/// A Slack message: a header, the as-of line, the items per owner in
/// sections of at most 3000 characters, and the count of the rest.
pub fn slack(agenda: &Agenda) -> Value {
    let (groups, more) = grouped(&agenda.items);
    let mut pieces = Vec::new();
    for (owner, items) in groups {
        // The owner's name stays with their first item in one piece, so a
        // section never ends on a name.
        let mut lines = items.iter().map(|d| {
            let marker = if d.overdue {
                ":red_circle:"
            } else if d.due_soon {
                ":warning:"
            } else {
                ":large_blue_circle:"
            };
            format!("{marker} {}", mrkdwn(&line(d)))
        });
        let first = lines.next().unwrap_or_default();
        pieces.push(format!("*{}*\n{first}", mrkdwn(owner)));
        pieces.extend(lines);
    }
    if agenda.items.is_empty() {
        pieces.push("Nothing to act on.".to_owned());
    }
    let mut blocks = vec![
        json!({
            "type": "header",
            "text": { "type": "plain_text", "text": cut(&title(agenda), SLACK_HEADER_CHARS) }
        }),
        json!({
            "type": "context",
            "elements": [ { "type": "mrkdwn", "text": mrkdwn(&subtitle(agenda)) } ]
        }),
    ];
    for text in pack(pieces, SLACK_SECTION_CHARS) {
        blocks.push(json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } }));
    }
    // Fifty items at 500 characters fill nine sections at most: the cap
    // on blocks is never reached, but is kept all the same.
    blocks.truncate(SLACK_MAX_BLOCKS - 1);
    if more > 0 {
        blocks.push(json!({
            "type": "context",
            "elements": [ { "type": "mrkdwn", "text": rest(more) } ]
        }));
    }
    json!({
        "text": format!("{}: {}", title(agenda), summary(&agenda.items)),
        "blocks": blocks,
    })
}

/// A Teams message: an Adaptive Card in the envelope of an incoming
/// webhook (or a Workflows "post to a channel when a webhook request is
/// received" flow), a fact set per owner.
pub fn teams(agenda: &Agenda) -> Value {
    let (groups, more) = grouped(&agenda.items);
    let mut body = vec![
        json!({ "type": "TextBlock", "text": title(agenda), "size": "Large", "weight": "Bolder", "wrap": true }),
        json!({ "type": "TextBlock", "text": subtitle(agenda), "isSubtle": true, "spacing": "None", "wrap": true }),
    ];
    for (owner, items) in groups {
        body.push(json!({
            "type": "TextBlock", "text": owner, "weight": "Bolder", "wrap": true, "separator": true
        }));
        let facts: Vec<Value> = items
            .iter()
            .map(|d| {
                let soon = if d.due_soon { " (due soon)" } else { "" };
                json!({
                    "title": format!("{}{soon}", time(d)),
                    "value": cut(&format!("{}, {}: {}", d.rule, d.lead, d.needs), LINE_CHARS),
                })
            })
            .collect();
        body.push(json!({ "type": "FactSet", "facts": facts }));
    }
    if agenda.items.is_empty() {
        body.push(json!({ "type": "TextBlock", "text": "Nothing to act on.", "wrap": true }));
    }
    if more > 0 {
        body.push(
            json!({ "type": "TextBlock", "text": rest(more), "isSubtle": true, "wrap": true }),
        );
    }
    json!({
        "type": "message",
        "attachments": [ {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": "1.4",
                "fallbackText": text(agenda),
                "body": body,
            }
        } ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_pack_pieces_in_order_under_the_limit() {
        let pieces = vec!["a".repeat(6), "b".repeat(3), "c".repeat(8), "d".repeat(20)];
        let packed = pack(pieces, 10);
        assert_eq!(packed, ["aaaaaa\nbbb", "cccccccc", "ddddddddd…"]);
        assert!(packed.iter().all(|s| s.chars().count() <= 10));
    }

    #[test]
    fn slack_markup_characters_are_escaped() {
        assert_eq!(mrkdwn("<a> & b"), "&lt;a&gt; &amp; b");
    }
}
