//! Words that match nothing and rules that judge nothing: the silent
//! outcomes of an agreement read against an export that words things its
//! own way. A literal of the agreement that no row holds is W301 (with the
//! values the field does hold, and a near one); a rule whose leads matched
//! none is W302; a `[values.FIELD]` of `accord.toml` that maps nothing
//! the agreement reads is W303. Warnings never change a verdict or the
//! exit code.

use std::collections::HashMap;

use serde::Serialize;

use super::condition::{Fields, Word};
use super::model::{Program, Spec};
use crate::check::did_you_mean;
use crate::data::intern::{FIRST_SPACE, PRESENT, UNSEEN};
use crate::data::{Config, Interner, Leads};

/// How many of a field's values a warning lists.
const SHOWN: usize = 5;

/// A warning about the agreement against this data (`warnings` in the
/// verdict document).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
    /// The agreement's line.
    pub line: Option<usize>,
    pub field: Option<String>,
    pub literal: Option<String>,
    /// The field's most frequent values, with how many rows hold each.
    pub seen: Vec<SeenValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SeenValue {
    pub value: String,
    pub rows: u64,
}

/// How many activity rows hold each literal, counted as they stream by:
/// per field slot, a counter per symbol up to the largest literal's. A
/// literal of white space, numbered far above the others, is counted
/// apart.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    counts: Vec<Vec<u64>>,
    /// Slot, symbol and rows of each white-space literal.
    spaces: Vec<(usize, u32, u64)>,
}

impl Hits {
    pub fn new(fields: &Fields) -> Hits {
        let mut counts = vec![Vec::new(); fields.wanted.len()];
        let mut spaces = Vec::new();
        for word in &fields.words {
            if word.sym >= FIRST_SPACE {
                spaces.push((word.slot, word.sym, 0));
            } else if let Some(c) = counts.get_mut(word.slot) {
                let len = (word.sym as usize + 1).max(c.len());
                c.resize(len, 0);
            }
        }
        Hits { counts, spaces }
    }

    /// Counts a row's symbols (one per field slot).
    #[inline]
    pub fn add(&mut self, symbols: &[u32]) {
        for (slot, (counts, sym)) in self.counts.iter_mut().zip(symbols).enumerate() {
            if let Some(n) = counts.get_mut(*sym as usize) {
                *n += 1;
            } else if *sym >= FIRST_SPACE {
                for (s, space, n) in &mut self.spaces {
                    if (*s, *space) == (slot, *sym) {
                        *n += 1;
                    }
                }
            }
        }
    }

    pub fn merge(&mut self, other: &Hits) {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        for (mine, theirs) in self.spaces.iter_mut().zip(&other.spaces) {
            mine.2 += theirs.2;
        }
    }

    fn rows(&self, slot: usize, sym: u32) -> u64 {
        let space = self
            .spaces
            .iter()
            .find(|(s, space, _)| (*s, *space) == (slot, sym));
        match space {
            Some((_, _, n)) => *n,
            None => self
                .counts
                .get(slot)
                .and_then(|c| c.get(sym as usize))
                .copied()
                .unwrap_or(0),
        }
    }
}

/// W301 for every literal of a lead field that no lead holds.
pub fn unheld_lead_words(program: &Program, leads: &Leads, interner: &Interner) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut slots: Vec<usize> = program.lead_fields.words.iter().map(|w| w.slot).collect();
    slots.sort_unstable();
    slots.dedup();
    for slot in slots {
        let mut held: HashMap<u32, u64> = HashMap::new();
        for lead in 0..u32::try_from(leads.len()).unwrap_or(u32::MAX) {
            *held.entry(leads.value(lead, slot)).or_default() += 1;
        }
        let unheld_words: Vec<&Word> = program
            .lead_fields
            .words
            .iter()
            .filter(|w| w.slot == slot && held.get(&w.sym).copied().unwrap_or(0) == 0)
            .collect();
        if unheld_words.is_empty() {
            continue;
        }
        let values = held
            .iter()
            .filter(|(sym, _)| !matches!(**sym, PRESENT | UNSEEN))
            .map(|(sym, rows)| (interner.resolve(*sym).to_owned(), *rows));
        let field = field_name(&program.lead_fields, slot);
        out.extend(unheld_of_field(&unheld_words, field, "lead", &top(values)));
    }
    out
}

/// W301 for every literal of an activity field that no activity holds;
/// `values` reads the field's values from the exports (a second look,
/// only for a field with such a literal).
pub fn unheld_activity_words(
    program: &Program,
    hits: &Hits,
    mut values: impl FnMut(&str) -> Vec<(String, u64)>,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut slots: Vec<usize> = program
        .activity_fields
        .words
        .iter()
        .map(|w| w.slot)
        .collect();
    slots.sort_unstable();
    slots.dedup();
    for slot in slots {
        let unheld_words: Vec<&Word> = program
            .activity_fields
            .words
            .iter()
            .filter(|w| w.slot == slot && hits.rows(w.slot, w.sym) == 0)
            .collect();
        if unheld_words.is_empty() {
            continue;
        }
        let field = field_name(&program.activity_fields, slot);
        let seen = top(values(field).into_iter());
        out.extend(unheld_of_field(&unheld_words, field, "activity", &seen));
    }
    out
}

/// How many literals of one field get a warning each: an `in` list of
/// thousands of values no row holds says what it has to in a few, and one
/// more warning counts the rest.
const PER_FIELD: usize = 10;

fn unheld_of_field(words: &[&Word], field: &str, table: &str, seen: &[SeenValue]) -> Vec<Warning> {
    let mut out: Vec<Warning> = words
        .iter()
        .take(PER_FIELD)
        .map(|w| unheld(w, field, table, seen.to_vec()))
        .collect();
    if let Some(first) = words.get(PER_FIELD) {
        let more = words.len() - PER_FIELD;
        out.push(Warning {
            code: "W301",
            message: format!(
                "and {more} more literals of `{field}` that no {table} has, the first {:?} (line {})",
                first.text, first.line
            ),
            line: Some(first.line),
            field: Some(field.to_owned()),
            literal: None,
            seen: seen.to_vec(),
        });
    }
    out
}

/// W302 for every rule whose `leads` matched no lead; `judged` holds, per
/// rule, how many leads it judged.
pub fn unjudged_rules(program: &Program, judged: &[usize], leads: usize) -> Vec<Warning> {
    program
        .rules
        .iter()
        .zip(judged)
        .filter(|(_, n)| **n == 0)
        .map(|(rule, _)| {
            let what = match rule.spec {
                Spec::Quota { .. } => "counted",
                _ => "judged",
            };
            let message = if rule.leads_text.trim().is_empty() {
                format!(
                    "rule `{}` {what} no lead: none of the {leads} leads was handed off in its windows",
                    rule.name
                )
            } else {
                format!(
                    "rule `{}` {what} no lead: of the {leads} leads, none handed off in its \
                     windows matches `leads {}`",
                    rule.name, rule.leads_text
                )
            };
            Warning {
                code: "W302",
                message,
                line: Some(rule.line),
                field: None,
                literal: None,
                seen: Vec::new(),
            }
        })
        .collect()
}

/// W303 for each `[values.FIELD]` that maps nothing the agreement reads: a
/// field no rule uses, or a word no condition or weights table of the
/// field names but one of them nearly (a typo in `accord.toml` would
/// otherwise do nothing).
pub fn unused_values(config: &Config, program: &Program) -> Vec<Warning> {
    let mut out = Vec::new();
    for (field, words) in &config.values {
        let words_of = |fields: &Fields| -> Option<Vec<String>> {
            let slot = fields.get(field)?;
            Some(
                fields
                    .words
                    .iter()
                    .filter(|w| w.slot == slot)
                    .map(|w| w.text.clone())
                    .collect(),
            )
        };
        let used = match (
            words_of(&program.lead_fields),
            words_of(&program.activity_fields),
        ) {
            (None, None) => {
                out.push(w303(
                    format!(
                        "[values.{field}] in accord.toml maps a field the agreement does not use"
                    ),
                    field,
                    None,
                ));
                continue;
            }
            (lead, activity) => [lead.unwrap_or_default(), activity.unwrap_or_default()].concat(),
        };
        // A word no condition compares may still name a group or a value
        // shown in reports; only one next to a compared word is a typo.
        for word in words.keys().filter(|w| !used.contains(w)) {
            if let Some(near) = did_you_mean(word, used.iter().map(String::as_str)) {
                let message = format!(
                    "[values.{field}] in accord.toml maps labels to {word:?}, a word no \
                     condition of the agreement compares `{field}` with; did you mean {near:?}?"
                );
                out.push(w303(message, field, Some(word)));
            }
        }
    }
    out
}

fn w303(message: String, field: &str, word: Option<&str>) -> Warning {
    Warning {
        code: "W303",
        message,
        line: None,
        field: Some(field.to_owned()),
        literal: word.map(str::to_owned),
        seen: Vec::new(),
    }
}

fn field_name(fields: &Fields, slot: usize) -> &str {
    fields.wanted.get(slot).map_or("", |w| w.field.as_str())
}

/// The most frequent values, most first, then by text.
fn top(values: impl Iterator<Item = (String, u64)>) -> Vec<SeenValue> {
    let mut all: Vec<(String, u64)> = values.collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.into_iter()
        .take(SHOWN)
        .map(|(value, rows)| SeenValue { value, rows })
        .collect()
}

fn unheld(word: &Word, field: &str, table: &str, seen: Vec<SeenValue>) -> Warning {
    let mut message = format!(
        "no {table} has `{field}` {:?} (line {})",
        word.text, word.line
    );
    if seen.is_empty() || seen.iter().all(|s| s.value.is_empty()) {
        message.push_str(&format!("; every `{field}` is blank"));
    } else {
        let listed: Vec<String> = seen
            .iter()
            .map(|s| {
                let value = if s.value.is_empty() {
                    "(blank)".to_owned()
                } else {
                    format!("{:?}", s.value)
                };
                format!("{value} ({})", s.rows)
            })
            .collect();
        message.push_str(&format!("; it holds {}", listed.join(", ")));
        if let Some(near) = near(&word.text, &seen) {
            message.push_str(&format!("; did you mean {near:?}?"));
        } else {
            message.push_str(&format!(
                "; map the export's labels to it with [values.{field}] in accord.toml"
            ));
        }
    }
    Warning {
        code: "W301",
        message,
        line: Some(word.line),
        field: Some(field.to_owned()),
        literal: Some(word.text.clone()),
        seen,
    }
}

/// A value that differs from `literal` only in case or spacing, or else by
/// a typo's distance.
fn near<'s>(literal: &str, seen: &'s [SeenValue]) -> Option<&'s str> {
    let squash = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let wanted = squash(literal);
    seen.iter()
        .map(|s| s.value.as_str())
        .find(|v| squash(v) == wanted)
        .or_else(|| did_you_mean(literal, seen.iter().map(|s| s.value.as_str())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::intern::BLANK;

    fn seen(pairs: &[(&str, u64)]) -> Vec<SeenValue> {
        pairs
            .iter()
            .map(|(v, r)| SeenValue {
                value: (*v).to_owned(),
                rows: *r,
            })
            .collect()
    }

    fn word(text: &str) -> Word {
        Word {
            slot: 0,
            text: text.to_owned(),
            sym: 3,
            line: 24,
        }
    }

    #[test]
    fn a_word_no_row_holds_names_what_the_field_holds() {
        let w = unheld(
            &word("marketing"),
            "source",
            "lead",
            seen(&[("Organic Search", 412), ("Paid Search", 80)]),
        );
        assert_eq!(w.code, "W301");
        assert_eq!(
            w.message,
            "no lead has `source` \"marketing\" (line 24); it holds \"Organic Search\" (412), \
             \"Paid Search\" (80); map the export's labels to it with [values.source] in accord.toml"
        );
        let w = unheld(
            &word("connected"),
            "outcome",
            "activity",
            seen(&[("Connected", 9), ("", 3)]),
        );
        assert!(
            w.message.ends_with("did you mean \"Connected\"?"),
            "{}",
            w.message
        );
        assert!(w.message.contains("(blank) (3)"), "{}", w.message);
        let w = unheld(
            &word("demo request"),
            "offer",
            "lead",
            seen(&[("Demo  Request", 2)]),
        );
        assert!(
            w.message.ends_with("did you mean \"Demo  Request\"?"),
            "{}",
            w.message
        );
        let w = unheld(&word("x"), "offer", "lead", seen(&[("", 2)]));
        assert!(
            w.message.ends_with("every `offer` is blank"),
            "{}",
            w.message
        );
    }

    #[test]
    fn a_long_list_of_unheld_literals_is_ten_warnings_and_a_count() {
        let words: Vec<Word> = (0..25)
            .map(|i| Word {
                slot: 0,
                text: format!("v{i}"),
                sym: i,
                line: 7,
            })
            .collect();
        let refs: Vec<&Word> = words.iter().collect();
        let out = unheld_of_field(&refs, "persona", "lead", &seen(&[("CEO", 3)]));
        assert_eq!(out.len(), PER_FIELD + 1);
        assert_eq!(out[9].literal.as_deref(), Some("v9"));
        assert_eq!(out[10].literal, None);
        assert_eq!(
            out[10].message,
            "and 15 more literals of `persona` that no lead has, the first \"v10\" (line 7)"
        );
        let few = unheld_of_field(&refs[..3], "persona", "lead", &[]);
        assert_eq!(few.len(), 3);
    }

    #[test]
    fn the_most_frequent_values_first() {
        let values = [("b", 2), ("a", 2), ("c", 9), ("d", 1), ("e", 1), ("f", 1)]
            .into_iter()
            .map(|(v, n)| (v.to_owned(), n));
        let shown: Vec<(String, u64)> =
            top(values).into_iter().map(|s| (s.value, s.rows)).collect();
        assert_eq!(
            shown,
            [("c", 9), ("a", 2), ("b", 2), ("d", 1), ("e", 1)].map(|(v, n)| (v.to_owned(), n))
        );
    }

    #[test]
    fn hits_count_only_the_literals() {
        let mut fields = Fields::default();
        fields
            .wanted
            .push(crate::data::testutil::wanted(&[("kind", "r")]).remove(0));
        fields.words.push(Word {
            slot: 0,
            text: "call".to_owned(),
            sym: 4,
            line: 1,
        });
        let mut hits = Hits::new(&fields);
        hits.add(&[4]);
        hits.add(&[4]);
        hits.add(&[UNSEEN]);
        hits.add(&[BLANK]);
        let mut more = Hits::new(&fields);
        more.add(&[4]);
        hits.merge(&more);
        assert_eq!(hits.rows(0, 4), 3);
        assert_eq!(hits.rows(0, 5), 0);
    }
}
