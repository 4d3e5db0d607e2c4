//! The leads table, loaded whole: every rule starts from the leads, and the
//! activities are matched to them by id.
//!
//! A lead row is kept when it has an id not seen before and a readable
//! `handed_off_at` (blank means not handed off: kept, with no hand-off time).
//! Ids are compared exactly as written; blank ids are missing. Of several rows
//! with one id the first is the lead, even when that first row was itself
//! rejected: which of two conflicting rows is right cannot be known, so a
//! later one never silently stands in for it. Activities of a rejected lead
//! are issues too (see [`Leads::rejected_line`]).

use std::collections::HashMap;

use std::path::Path;

use compact_str::CompactString;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::config::{Ids, TableConfig};
use super::ids::{as_text, normalize};
use super::index::{hash, IdIndex};
use super::intern::{is_blank, is_blank_symbol, Interner, BLANK};
use super::issue::{quoted, DataError, DataIssue, RowProblems};
use super::numbered::NumberedIds;
use super::parts::{in_parts, Split, Stretch};
use super::table::{FieldSpec, Table};
use super::timestamp::TimeForm;
use super::{RowCounts, Wanted};

/// The loaded leads, in file order; a lead is its index (`u32`).
#[derive(Debug, Default)]
pub struct Leads {
    /// Ids of up to 24 bytes (most CRM ids) are stored inline, without an
    /// allocation each.
    ids: Vec<CompactString>,
    /// Every activity row looks its lead up here, ten million times in a
    /// large export. It holds lead numbers and compares ids in `ids`.
    by_id: IdIndex,
    /// Ids that are numbers, found by number rather than through `by_id`.
    numbered: Option<NumberedIds>,
    /// Ids whose first row was rejected, with that row's line.
    rejected: HashMap<Box<str>, u64>,
    handoff: Vec<Option<DateTime<Utc>>>,
    line: Vec<u64>,
    /// The agreement's lead fields, deduplicated, in the order first asked for.
    fields: Vec<String>,
    /// Row-major: `values[lead * fields.len() + field]`.
    values: Vec<u32>,
    /// How ids compare: as written, or as Salesforce ids.
    ids_are: Ids,
}

impl Leads {
    /// How many leads were loaded.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no lead was loaded.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// A lead's id; empty for an index out of range.
    pub fn id(&self, lead: u32) -> &str {
        at(&self.ids, lead).map_or("", |id| id)
    }

    /// The lead with this id.
    pub fn index_of(&self, id: &str) -> Option<u32> {
        let by_id = |id: &str| match self.numbered.as_ref().and_then(|n| n.get(id)) {
            Some(found) => found,
            None => self.by_id.get(id, &self.ids),
        };
        match normalize(self.ids_are, id) {
            Some(canonical) => by_id(as_text(&canonical)),
            None => by_id(id),
        }
    }

    /// How ids compare.
    pub fn ids_are(&self) -> Ids {
        self.ids_are
    }

    /// The lead of every id, in order, into `found`: many lookups at once
    /// are much faster than one by one (see `IdIndex::get_all` and
    /// `NumberedIds::get_all`).
    pub fn index_all<'k>(
        &self,
        ids: impl Iterator<Item = &'k str> + Clone,
        found: &mut Vec<Option<u32>>,
    ) {
        // Hashed here, not where the rows are read: ids that are numbers
        // need no hash.
        let hashed = |ids: &mut dyn Iterator<Item = &'k str>| -> Vec<(&'k str, u64)> {
            ids.map(|id| (id, hash(id))).collect()
        };
        let Some(numbered) = &self.numbered else {
            let keys = hashed(&mut ids.clone());
            return self.by_id.get_all(keys.iter().copied(), &self.ids, found);
        };
        let mut others = Vec::new();
        numbered.get_all(ids.clone(), found, &mut others);
        if others.is_empty() {
            return;
        }
        // Ids not of the numbers' form (an unknown id, or a file of mixed
        // ids) go through the index, still together.
        let mut not_numbered = ids
            .enumerate()
            .filter(|(i, _)| others.binary_search(i).is_ok())
            .map(|(_, id)| id);
        let keys = hashed(&mut not_numbered);
        let mut theirs = Vec::with_capacity(others.len());
        self.by_id
            .get_all(keys.iter().copied(), &self.ids, &mut theirs);
        for (at, lead) in others.into_iter().zip(theirs) {
            if let Some(slot) = found.get_mut(at) {
                *slot = lead;
            }
        }
    }

    /// The line of the first row with this id, when that row was rejected.
    pub fn rejected_line(&self, id: &str) -> Option<u64> {
        match normalize(self.ids_are, id) {
            Some(canonical) => self.rejected.get(as_text(&canonical)).copied(),
            None => self.rejected.get(id).copied(),
        }
    }

    /// When marketing handed the lead over; None when not handed off.
    pub fn handoff(&self, lead: u32) -> Option<DateTime<Utc>> {
        at(&self.handoff, lead).copied().flatten()
    }

    /// Asks for the lead's hand-off to be fetched into cache (see
    /// [`crate::prefetch`]).
    pub fn prefetch(&self, lead: u32) {
        if let Some(handoff) = at(&self.handoff, lead) {
            crate::prefetch::prefetch(handoff);
        }
    }

    /// The line of the lead's row in its file.
    pub fn line(&self, lead: u32) -> u64 {
        at(&self.line, lead).copied().unwrap_or(0)
    }

    /// The agreement's lead fields, as [`Leads::value`] numbers them.
    pub fn fields(&self) -> &[String] {
        &self.fields
    }

    /// The position of a field among [`Leads::fields`].
    pub fn field_index(&self, name: &str) -> Option<usize> {
        self.fields.iter().position(|f| f == name)
    }

    /// The lead's values of all [`Leads::fields`], in that order: the record
    /// lead conditions are evaluated over.
    pub fn record(&self, lead: u32) -> &[u32] {
        let width = self.fields.len();
        usize::try_from(lead)
            .ok()
            .and_then(|lead| lead.checked_mul(width))
            .and_then(|start| self.values.get(start..start.checked_add(width)?))
            .unwrap_or_default()
    }

    /// The lead's value of field `field`, as an interned symbol (blank: 0).
    pub fn value(&self, lead: u32, field: usize) -> u32 {
        let Ok(lead) = usize::try_from(lead) else {
            return 0;
        };
        lead.checked_mul(self.fields.len())
            .and_then(|row| row.checked_add(field))
            .filter(|_| field < self.fields.len())
            .and_then(|i| self.values.get(i))
            .copied()
            .unwrap_or(0)
    }
}

fn at<T>(items: &[T], index: u32) -> Option<&T> {
    usize::try_from(index).ok().and_then(|i| items.get(i))
}

/// The leads table and how to read it.
pub struct LeadSource<'a> {
    pub path: &'a Path,
    /// How the file is written (`[leads]` in `accord.toml`).
    pub table: &'a TableConfig,
    /// The zone of local times.
    pub tz: Tz,
    /// How ids compare (`ids` of any table: they compare across tables).
    pub ids: Ids,
    /// Each lead field the agreement uses, with a rule that uses it (named
    /// when the file lacks it).
    pub needed: &'a [Wanted],
}

/// Load the leads table: values are interned into `interner`; rows that
/// cannot be used are appended to `issues`.
///
/// A large file is parsed in parts on several threads (see
/// [`super::parts`]). Each id's first row is then found with the index,
/// filled a shard per thread; which rows are kept, and the symbols of
/// values, are settled row by row in file order, so the outcome is that of
/// one pass.
pub fn load_leads(
    source: &LeadSource<'_>,
    split: Split,
    interner: &mut Interner,
    issues: &mut Vec<DataIssue>,
) -> Result<(Leads, RowCounts), DataError> {
    let mut specs = vec![
        FieldSpec::required("id"),
        FieldSpec::required("handed_off_at"),
    ];
    specs.extend(source.needed.iter().map(FieldSpec::used));
    let mut table = Table::open(source.path, source.table, "leads", &specs)?;
    let mut leads = Leads {
        ids_are: source.ids,
        ..Leads::default()
    };
    let mut wanted: Vec<&Wanted> = Vec::new();
    for w in source.needed {
        match wanted.iter_mut().find(|seen| seen.field == w.field) {
            Some(seen) if w.compared => *seen = w,
            Some(_) => {}
            None => {
                leads.fields.push(w.field.clone());
                wanted.push(w);
            }
        }
    }
    let parser = Parser {
        names: table.column_names(),
        id: table.slot("id"),
        handoff: table.slot("handed_off_at"),
        fields: wanted.iter().map(|w| (table.slot(&w.field), *w)).collect(),
        times: TimeForm::with_formats(
            source.tz,
            source.table.time_format.as_deref().unwrap_or_default(),
        ),
        ids: source.ids,
        unreadable: table.unreadable(),
    };
    let parse = |part: &mut Table, stretch| parser.parse(part, stretch);
    // Lines as the file numbers them (each part counts from its start).
    // A part read again is dropped whole: each part's rows are its own.
    let mut parts: Vec<ParsedPart> = in_parts(&mut table, split, parse, parse)?
        .parts
        .into_iter()
        .map(|(mut part, base)| {
            for line in &mut part.line {
                *line += base;
            }
            part
        })
        .collect();
    // Each id's first row, found on every core: the index's probes are
    // cache misses, a fifth of a second at a million leads on one core.
    let starts: Vec<usize> = parts
        .iter()
        .scan(0, |start, part| {
            let this = *start;
            *start += part.ids.len();
            Some(this)
        })
        .collect();
    let row_at = |row: u32| {
        let part = starts
            .partition_point(|s| *s <= row as usize)
            .checked_sub(1)?;
        let start = starts.get(part)?;
        Some((parts.get(part)?, row as usize - start))
    };
    let numbered = || {
        parts.iter().zip(&starts).flat_map(|(part, start)| {
            let rows = part.ids.iter().zip(&part.hashes).enumerate();
            rows.filter(|(_, (id, _))| !id.is_empty())
                .map(move |(i, (_, hash))| ((start + i) as u32, *hash))
        })
    };
    leads.by_id = IdIndex::new(|| numbered().map(|(_, h)| h), split.threads);
    let id_of = |row| {
        row_at(row)
            .and_then(|(part, i)| part.ids.get(i))
            .map_or("", |id| id.as_str())
    };
    let line_of = |row| row_at(row).and_then(|(part, i)| part.line.get(i).copied());
    let repeats: Vec<(usize, u64)> = leads
        .by_id
        .insert_rows(numbered, id_of)
        .into_iter()
        .map(|(row, first)| (row as usize, line_of(first).unwrap_or(0)))
        .collect();
    // Then the rows are settled in file order, so that issues and symbols
    // come out as in one pass.
    let file = table.file().to_owned();
    let mut counts = RowCounts::default();
    let mut repeats = repeats.into_iter().peekable();
    let width = leads.fields.len();
    // The rows rejected, by their number in the file, in order.
    let mut rejected: Vec<u32> = Vec::new();
    let mut number = 0;
    for part in &mut parts {
        let mut symbols = Symbols::new(&part.local);
        let mut problems = std::mem::take(&mut part.problems).into_iter().peekable();
        let mut dropped = Vec::new();
        for (i, (id, line)) in part.ids.iter().zip(&part.line).enumerate() {
            let this = number;
            number += 1;
            counts.read += 1;
            let mut row_problems = RowProblems::default();
            let first = repeats.next_if(|(at, _)| *at == this).map(|(_, line)| line);
            if let Some(first) = first {
                row_problems.add(
                    None,
                    format!("duplicate lead id {}, first on line {first}", quoted(id)),
                );
            }
            if let Some((_, more)) = problems.next_if(|(at, _)| *at == i) {
                row_problems.extend(more);
            }
            let issue = row_problems.take_issue(&file, *line);
            // A row without a usable id always has a problem.
            if issue.is_some() || id.is_empty() {
                dropped.push(i);
                rejected.push(u32::try_from(this).unwrap_or(u32::MAX));
            }
            if let Some(issue) = issue {
                if !id.is_empty() && first.is_none() {
                    leads.rejected.insert(id.as_str().into(), *line);
                }
                issues.push(issue);
                counts.issues += 1;
                continue;
            }
            if id.is_empty() {
                continue;
            }
            let values = part.values.get_mut(i * width..(i + 1) * width);
            for value in values.unwrap_or_default() {
                *value = symbols.global(*value, interner);
            }
            counts.used += 1;
        }
        part.drop_rows(&dropped, width);
    }
    // The first part's columns become the leads' (moved, not copied: most
    // of the pages are never touched again); the others' are appended, the
    // ids beside the rest (copies into fresh pages, mostly page faults).
    for part in parts {
        if leads.ids.is_empty() {
            (leads.ids, leads.handoff, leads.line, leads.values) =
                (part.ids, part.handoff, part.line, part.values);
            continue;
        }
        let Leads {
            ids,
            handoff,
            line,
            values,
            ..
        } = &mut leads;
        rayon::join(
            || ids.extend(part.ids),
            || {
                handoff.extend(part.handoff);
                line.extend(part.line);
                values.extend(part.values);
            },
        );
    }
    // The index holds row numbers, which are the leads' unless a row was
    // rejected.
    if !rejected.is_empty() {
        leads
            .by_id
            .relabel(|row| match rejected.binary_search(&row) {
                Ok(_) => None,
                Err(before) => Some(row - before as u32),
            });
    }
    leads.numbered = NumberedIds::new(&leads.ids);
    table.finish()?;
    Ok((leads, counts))
}

/// Where each field sits, for parsing rows.
struct Parser<'w> {
    names: Vec<String>,
    id: Option<usize>,
    handoff: Option<usize>,
    fields: Vec<(Option<usize>, &'w Wanted)>,
    times: TimeForm,
    ids: Ids,
    unreadable: String,
}

/// A part's rows, as columns laid out as the leads' own (see
/// [`load_leads`]): everything but what depends on the rows before them
/// (whether an id repeats one) and on the shared interner. Their values
/// are symbols of the part's own interner, one per field and row.
struct ParsedPart {
    /// Empty where a row has no usable id (a problem says why): an id that
    /// is there is never blank.
    ids: Vec<CompactString>,
    /// Each id's hash in the index (0 for no id).
    hashes: Vec<u64>,
    handoff: Vec<Option<DateTime<Utc>>>,
    line: Vec<u64>,
    /// The rows with problems, by their number in the part, in order: few
    /// rows have any, and a list each made every row 24 bytes longer.
    problems: Vec<(usize, RowProblems)>,
    values: Vec<u32>,
    local: Interner,
}

impl ParsedPart {
    /// Leaves out the rows `dropped` (their numbers in the part, in order)
    /// of the columns that become the leads' (the hashes were for the
    /// index only).
    fn drop_rows(&mut self, dropped: &[usize], width: usize) {
        if dropped.is_empty() {
            return;
        }
        fn drop<T>(column: &mut Vec<T>, width: usize, dropped: &[usize]) {
            let mut at = 0;
            column.retain(|_| {
                let row = at / width.max(1);
                at += 1;
                dropped.binary_search(&row).is_err()
            });
        }
        drop(&mut self.ids, 1, dropped);
        drop(&mut self.handoff, 1, dropped);
        drop(&mut self.line, 1, dropped);
        drop(&mut self.values, width, dropped);
    }
}

impl Parser<'_> {
    fn column(&self, slot: usize) -> Option<&str> {
        self.names.get(slot).map(String::as_str)
    }

    fn parse(
        &self,
        table: &mut Table,
        mut stretch: Stretch,
    ) -> Result<(ParsedPart, Stretch), DataError> {
        let mut part = ParsedPart {
            ids: Vec::new(),
            hashes: Vec::new(),
            handoff: Vec::new(),
            line: Vec::new(),
            problems: Vec::new(),
            values: Vec::new(),
            local: Interner::new(),
        };
        while stretch.advance(table)? {
            let row = table.row();
            let mut problems = RowProblems::default();
            if let Some(reason) = row.broken() {
                problems.add(None, reason.to_owned());
            }

            let mut id = None;
            match self.id.map(|s| (s, row.text(s))) {
                Some((s, None)) => problems.add(self.column(s), self.unreadable.clone()),
                Some((s, Some(text))) if is_blank(text) && row.broken().is_none() => {
                    problems.add(self.column(s), "missing lead id".to_owned());
                }
                Some((_, Some(text))) if is_blank(text) => {}
                Some((_, Some(text))) => {
                    id = Some(match normalize(self.ids, text) {
                        Some(canonical) => CompactString::from(as_text(&canonical)),
                        None => CompactString::from(text),
                    })
                }
                None => {}
            }

            let mut handoff = None;
            if let Some(s) = self.handoff {
                match row.text(s) {
                    None => problems.add(self.column(s), self.unreadable.clone()),
                    Some(text) if is_blank(text) => {}
                    Some(text) => match self.times.parse(text) {
                        Ok(t) => handoff = Some(t),
                        Err(reason) => problems.add(
                            self.column(s),
                            format!("invalid time {}: {reason}", quoted(text)),
                        ),
                    },
                }
            }

            for (slot, wanted) in &self.fields {
                let text = match slot.map(|s| (s, row.text(s))) {
                    Some((s, None)) => {
                        problems.add(self.column(s), self.unreadable.clone());
                        ""
                    }
                    Some((_, Some(text))) => text,
                    None => "",
                };
                part.values.push(wanted.symbol(text, &mut part.local));
            }
            if !problems.is_empty() {
                part.problems.push((part.ids.len(), problems));
            }
            part.hashes.push(id.as_deref().map_or(0, hash));
            part.ids.push(id.unwrap_or_default());
            part.handoff.push(handoff);
            part.line.push(row.line);
        }
        Ok((part, stretch))
    }
}

/// A part's symbols, interned into the shared interner the first time a
/// kept row uses them: symbols are then numbered as in one pass.
struct Symbols<'p> {
    local: &'p Interner,
    global: Vec<Option<u32>>,
}

impl<'p> Symbols<'p> {
    fn new(local: &'p Interner) -> Symbols<'p> {
        Symbols {
            local,
            global: vec![None; local.len()],
        }
    }

    fn global(&mut self, sym: u32, interner: &mut Interner) -> u32 {
        match self.global.get_mut(sym as usize).filter(|_| sym != BLANK) {
            Some(slot) => *slot.get_or_insert_with(|| interner.intern(self.local.resolve(sym))),
            // White space is numbered apart, and rare enough to look up
            // each time.
            None if is_blank_symbol(sym) => interner.intern(self.local.resolve(sym)),
            // Empty and set-but-not-compared are the same everywhere.
            None => sym,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::testutil::{issue, write};
    use chrono_tz::Europe::Amsterdam;
    use std::collections::BTreeMap;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    struct Loaded {
        leads: Leads,
        counts: RowCounts,
        issues: Vec<DataIssue>,
        interner: Interner,
    }

    fn load_with(
        path: &Path,
        columns: &[(&str, &str)],
        needed: &[(&str, &str)],
    ) -> Result<Loaded, DataError> {
        let columns: BTreeMap<String, String> = columns
            .iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect();
        let needed = crate::data::testutil::wanted(needed);
        let table = TableConfig {
            columns,
            ..TableConfig::default()
        };
        let source = LeadSource {
            path,
            table: &table,
            tz: Amsterdam,
            ids: Ids::Exact,
            needed: &needed,
        };
        let load = |threads| {
            let mut interner = Interner::new();
            let mut issues = Vec::new();
            let split = Split {
                threads,
                min_bytes: 1,
            };
            load_leads(&source, split, &mut interner, &mut issues)
                .map(|(leads, counts)| (leads, counts, issues, interner))
        };
        let (leads, counts, issues, interner) = load(1)?;
        // Every test also loads its file in parts, as a large file is, and
        // must find the same: leads, symbols, issues.
        for threads in [2, 3, 7] {
            let (parts, part_counts, part_issues, part_interner) = load(threads)?;
            assert_eq!(
                (part_counts, &part_issues),
                (counts, &issues),
                "{threads} parts"
            );
            assert_eq!(part_interner.len(), interner.len(), "{threads} parts");
            assert_eq!(parts.len(), leads.len());
            for lead in 0..leads.len() as u32 {
                // The index finds every lead, past rejected rows too.
                assert_eq!(leads.index_of(leads.id(lead)), Some(lead));
                assert_eq!(
                    parts.index_of(parts.id(lead)),
                    Some(lead),
                    "{threads} parts"
                );
                let one = (leads.id(lead), leads.handoff(lead), leads.line(lead));
                let other = (parts.id(lead), parts.handoff(lead), parts.line(lead));
                assert_eq!(other, one, "{threads} parts");
                assert_eq!(parts.record(lead), leads.record(lead), "{threads} parts");
            }
        }
        assert_eq!(counts.read, counts.used + counts.issues);
        assert_eq!(counts.issues, issues.len() as u64);
        assert_eq!(counts.used, leads.len() as u64);
        Ok(Loaded {
            leads,
            counts,
            issues,
            interner,
        })
    }

    fn load(name: &str, text: &str, needed: &[(&str, &str)]) -> Loaded {
        load_with(&write(name, text), &[], needed).unwrap()
    }

    #[test]
    fn loads_ids_handoffs_and_fields() {
        let l = load(
            "leads.csv",
            "id,handed_off_at,persona,score\n\
             L1,2027-01-04T09:13:27+01:00,CEO,50\n\
             L2,,Manager,\n\
             L3,2027-01-04 09:13,  ,7.5\n",
            &[("persona", "Speed to lead"), ("score", "Hot leads")],
        );
        assert_eq!(
            l.counts,
            RowCounts {
                read: 3,
                used: 3,
                issues: 0
            }
        );
        assert!(l.issues.is_empty());
        let leads = &l.leads;
        assert_eq!(leads.id(0), "L1");
        assert_eq!(leads.index_of("L3"), Some(2));
        assert_eq!(leads.index_of("L4"), None);
        assert_eq!(leads.handoff(0), Some(utc("2027-01-04T08:13:27Z")));
        assert_eq!(leads.handoff(1), None);
        assert_eq!(leads.handoff(2), Some(utc("2027-01-04T08:13:00Z")));
        assert_eq!(leads.line(0), 2);
        assert_eq!(leads.line(2), 4);
        assert_eq!(leads.fields(), ["persona", "score"]);
        let persona = leads.field_index("persona").unwrap();
        let score = leads.field_index("score").unwrap();
        assert_eq!(l.interner.resolve(leads.value(0, persona)), "CEO");
        assert_eq!(l.interner.resolve(leads.value(1, persona)), "Manager");
        let spaces = leads.value(2, persona);
        assert!(is_blank_symbol(spaces), "blank, and kept as written");
        assert_eq!(l.interner.resolve(spaces), "  ");
        assert_eq!(l.interner.number(leads.value(2, score)), Some(7.5));
        assert_eq!(leads.value(1, score), 0);
        // Out of range reads as blank, never a panic.
        assert_eq!(leads.value(9, 0), 0);
        assert_eq!(leads.value(0, 9), 0);
        assert_eq!(leads.id(9), "");
        assert_eq!(leads.handoff(9), None);
    }

    #[test]
    fn ids_that_are_numbers_and_others_are_found_alike_in_a_batch() {
        // Most ids are numbers of three digits under `L` (found by number);
        // `X-9` and `L0011` are not of that form (found through the index);
        // `L003`'s row is rejected.
        let l = load(
            "leads.csv",
            "id,handed_off_at\n\
             L001,2027-01-04 09:00\n\
             L002,2027-01-04 09:00\n\
             X-9,2027-01-04 09:00\n\
             L003,soon\n\
             L010,2027-01-04 09:00\n\
             L0011,2027-01-04 09:00\n",
            &[],
        );
        let asked = [
            "L010", "X-9", "L003", "L0011", "L001", "L004", "L01", "L1", " L001", "X-8", "L002",
        ];
        assert!(l.leads.numbered.is_some(), "three ids of five are numbers");
        let mut found = Vec::new();
        l.leads.index_all(asked.iter().copied(), &mut found);
        let single: Vec<Option<u32>> = asked.iter().map(|id| l.leads.index_of(id)).collect();
        assert_eq!(found, single);
        let named: Vec<Option<&str>> = found
            .iter()
            .map(|f| f.map(|lead| l.leads.id(lead)))
            .collect();
        assert_eq!(
            named,
            [
                Some("L010"),
                Some("X-9"),
                None,
                Some("L0011"),
                Some("L001"),
                None,
                None,
                None,
                None,
                None,
                Some("L002"),
            ]
        );
        assert_eq!(l.leads.rejected_line("L003"), Some(5));
    }

    #[test]
    fn bad_rows_are_issues_and_counts_add_up() {
        let path = write(
            "leads.csv",
            "id,handed_off_at\n\
             L1,2027-01-04 09:00\n\
             ,2027-01-04 09:00\n\
             L2,2027-01-04\n\
             L3,2027-03-28 02:30\n\
             L1,2027-01-05 09:00\n\
             L2,2027-01-05 09:00\n\
             ,soon\n\
             L4,2027-10-31 02:30\n",
        );
        let l = load_with(&path, &[], &[]).unwrap();
        assert_eq!(
            l.counts,
            RowCounts {
                read: 8,
                used: 2,
                issues: 6
            }
        );
        assert_eq!(
            l.issues,
            vec![
                issue(&path, 3, Some("id"), "missing lead id"),
                issue(
                    &path,
                    4,
                    Some("handed_off_at"),
                    "invalid time \"2027-01-04\": a date without a time"
                ),
                issue(
                    &path,
                    5,
                    Some("handed_off_at"),
                    "invalid time \"2027-03-28 02:30\": 2027-03-28 02:30 does not exist \
                     in Europe/Amsterdam (daylight-saving gap)"
                ),
                issue(&path, 6, None, "duplicate lead id \"L1\", first on line 2"),
                // The first L2 row was rejected; this one does not replace it.
                issue(&path, 7, None, "duplicate lead id \"L2\", first on line 4"),
                issue(
                    &path,
                    8,
                    None,
                    "`id`: missing lead id; `handed_off_at`: invalid time \"soon\": \
                     expected a date such as 2027-01-04"
                ),
            ]
        );
        assert_eq!(l.leads.len(), 2);
        assert_eq!(l.leads.index_of("L2"), None);
        assert_eq!(l.leads.rejected_line("L2"), Some(4));
        assert_eq!(l.leads.rejected_line("L3"), Some(5));
        assert_eq!(l.leads.rejected_line("L1"), None);
        // The repeated hour takes the earlier instant.
        let l4 = l.leads.index_of("L4").unwrap();
        assert_eq!(l.leads.handoff(l4), Some(utc("2027-10-31T00:30:00Z")));
    }

    #[test]
    fn columns_are_mapped_through_accord_toml() {
        let path = write(
            "hubspot.csv",
            "Record ID,Became a Marketing Qualified Lead Date,Job function\n\
             101,2027-01-04 09:00,CEO\n",
        );
        let l = load_with(
            &path,
            &[
                ("id", "Record ID"),
                ("handed_off_at", "Became a Marketing Qualified Lead Date"),
                ("persona", "Job function"),
            ],
            &[("persona", "Speed to lead")],
        )
        .unwrap();
        assert_eq!(l.leads.id(0), "101");
        let persona = l.leads.field_index("persona").unwrap();
        assert_eq!(l.interner.resolve(l.leads.value(0, persona)), "CEO");

        // Issues name the column as the file does.
        let path = write(
            "hubspot.csv",
            "Record ID,Became a Marketing Qualified Lead Date\n101,never\n",
        );
        let l = load_with(
            &path,
            &[
                ("id", "Record ID"),
                ("handed_off_at", "Became a Marketing Qualified Lead Date"),
            ],
            &[],
        )
        .unwrap();
        assert_eq!(
            l.issues[0].column.as_deref(),
            Some("Became a Marketing Qualified Lead Date")
        );
    }

    #[test]
    fn quoted_newlines_keep_physical_lines() {
        let path = write(
            "leads.csv",
            "id,handed_off_at,note\n\
             L1,2027-01-04 09:00,\"two\nlines\"\n\
             L2,2027-01-04 09:00,\"three\r\nmore\nlines\"\n\
             L3,bad,x\n",
        );
        let l = load_with(&path, &[], &[("note", "Notes")]).unwrap();
        assert_eq!(l.leads.line(0), 2);
        assert_eq!(l.leads.line(1), 4);
        assert_eq!(l.issues[0].line, 7);
        let note = l.leads.field_index("note").unwrap();
        assert_eq!(l.interner.resolve(l.leads.value(0, note)), "two\nlines");
    }

    #[test]
    fn carriage_return_line_endings_count_lines() {
        // Excel's "CSV (Macintosh)" and a JSON Lines file saved alike:
        // every issue named line 1 when only line feeds counted.
        let csv = "id,handed_off_at,note\rL1,2027-01-04 09:00,a\r\rL2,bad,\"b\rc\"\rL3,bad,d\r";
        let jsonl =
            "{\"id\": \"L1\", \"handed_off_at\": \"2027-01-04T09:00:00Z\", \"note\": \"a\"}\r\r\
                     {\"id\": \"L2\", \"handed_off_at\": \"bad\", \"note\": \"b\"}\r\n\
                     {\"id\": \"L3\", \"handed_off_at\": \"bad\", \"note\": \"d\"}\r";
        for (name, text, lines) in [
            ("leads.csv", csv, [2, 4, 6]),
            ("leads.jsonl", jsonl, [1, 3, 4]),
        ] {
            let l = load_with(&write(name, text), &[], &[("note", "Notes")]).unwrap();
            assert_eq!(l.leads.len(), 1, "{name}");
            let found: Vec<u64> = std::iter::once(l.leads.line(0))
                .chain(l.issues.iter().map(|i| i.line))
                .collect();
            assert_eq!(found, lines, "{name}");
        }
    }

    #[test]
    fn bom_crlf_and_padded_header() {
        let path = write(
            "leads.csv",
            "\u{feff}id , handed_off_at\r\nL1,2027-01-04 09:00\r\n\r\nL2,\r\nL3,x\r\n",
        );
        let l = load_with(&path, &[], &[]).unwrap();
        assert_eq!(l.leads.len(), 2);
        assert_eq!(l.leads.line(1), 4);
        assert_eq!(l.issues[0].line, 5);
        assert_eq!(l.issues[0].column.as_deref(), Some("handed_off_at"));
    }

    #[test]
    fn rows_of_the_wrong_width_are_issues() {
        let path = write(
            "leads.csv",
            "id,handed_off_at,persona\nL1,2027-01-04 09:00\nL2,,CEO,extra\nL3,,CEO\n",
        );
        let l = load_with(&path, &[], &[]).unwrap();
        assert_eq!(
            l.issues,
            vec![
                issue(&path, 2, None, "the row has 2 cells, the header has 3"),
                issue(&path, 3, None, "the row has 4 cells, the header has 3"),
            ]
        );
        assert_eq!(l.leads.len(), 1);
    }

    #[test]
    fn invalid_utf8_in_a_used_cell_is_an_issue() {
        let path = crate::data::testutil::temp_dir().join("latin1.csv");
        std::fs::write(
            &path,
            b"id,handed_off_at,persona\nL1,,D\xe9cideur\nL2,,CEO\n",
        )
        .unwrap();
        let l = load_with(&path, &[], &[("persona", "R")]).unwrap();
        assert_eq!(
            l.issues,
            vec![issue(&path, 2, Some("persona"), "not valid UTF-8 text")]
        );
        // Unused columns are never looked at.
        let l = load_with(&path, &[], &[]).unwrap();
        assert!(l.issues.is_empty());
        // An empty cell between the halves of one character: the record's
        // text is valid (`é`), and so is the empty cell.
        std::fs::write(
            &path,
            b"id,handed_off_at,a,persona,b\nL1,,\"\xc3\",,\"\xa9\"\n",
        )
        .unwrap();
        let l = load_with(&path, &[], &[("persona", "R")]).unwrap();
        assert_eq!(l.issues, vec![]);
    }

    #[test]
    fn header_without_required_column_is_fatal() {
        // Matched ignoring case and spaces when no name is exact...
        let path = write("leads.csv", " ID ,Handed_Off_At\nL1,\n");
        assert_eq!(load_with(&path, &[], &[]).unwrap().leads.id(0), "L1");
        // ...unless two names would match.
        let path = write("leads.csv", "ID,Id,handed_off_at\nL1,L2,\n");
        assert!(load_with(&path, &[], &[]).is_err());

        let path = write("leads.csv", "idd,handed_off_at\nL1,\n");
        let err = load_with(&path, &[], &[]).err().unwrap();
        let DataError::MissingColumn {
            field,
            column,
            help,
            ..
        } = &err
        else {
            panic!("{err:?}")
        };
        assert_eq!((field.as_str(), column.as_str()), ("id", "id"));
        assert!(help.starts_with("for `id`, did you mean `idd`?"), "{help}");
        assert!(
            help.contains("[leads] columns = { id = \"idd\" }"),
            "{help}"
        );
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E111"
        );

        let path = write("leads.csv", "id,Record ID\nL1,\n");
        let err = load_with(&path, &[("handed_off_at", "MQL date")], &[])
            .err()
            .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "`{}` has no column `MQL date` (mapped to `handed_off_at` in accord.toml)",
                path.display()
            )
        );
    }

    #[test]
    fn header_without_used_field_names_the_rule() {
        let path = write("leads.csv", "id,handed_off_at,Persona\nL1,\n");
        let err = load_with(
            &path,
            &[],
            &[("owner", "Speed to lead"), ("persona", "Fit")],
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "rule `Speed to lead` uses `owner`, but `{}` has no column `owner`",
                path.display()
            )
        );
        assert_eq!(
            miette::Diagnostic::code(&err).unwrap().to_string(),
            "accord::E112"
        );
    }

    #[test]
    fn empty_and_unreadable_files_are_fatal() {
        let path = write("leads.csv", "");
        let err = load_with(&path, &[], &[]).err().unwrap();
        assert!(matches!(err, DataError::Malformed { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            format!("`{}` is empty: it has no header row", path.display())
        );

        let path = crate::data::testutil::temp_dir().join("nope.csv");
        let err = load_with(&path, &[], &[]).err().unwrap();
        assert!(matches!(err, DataError::Unreadable { .. }), "{err:?}");
        assert!(err.to_string().starts_with("cannot read `"), "{err}");

        // A header alone is an empty table, not an error.
        let l = load("leads.csv", "id,handed_off_at\n", &[]);
        assert_eq!(l.counts, RowCounts::default());
    }

    #[test]
    fn json_lines_leads() {
        let path = write(
            "leads.jsonl",
            "{\"id\": \"L1\", \"handed_off_at\": \"2027-01-04T09:00:00Z\", \"score\": 50, \"vip\": true}\n\
             \n\
             {\"id\": \"L2\", \"handed_off_at\": null, \"score\": 1.50, \"vip\": false, \"persona\": \"CEO\"}\n\
             {\"id\": 3, \"score\": null}\r\n\
             [1, 2]\n\
             {\"id\": \"L4\", \"handed_off_at\": \"2027-01-04T09:00:00Z\"} trailing\n\
             {\"id\": \"L5\", \"persona\": [\"a\"]}\n\
             {\"id\": \"L6\"\n",
        );
        let l = load_with(
            &path,
            &[],
            &[("score", "Hot"), ("vip", "VIP"), ("persona", "Fit")],
        )
        .unwrap();
        let (leads, i) = (&l.leads, &l.interner);
        let value = |lead: u32, field: &str| {
            i.resolve(leads.value(lead, leads.field_index(field).unwrap()))
                .to_owned()
        };
        assert_eq!(leads.len(), 3);
        assert_eq!(leads.line(1), 3, "the blank line still counts");
        assert_eq!(value(0, "score"), "50");
        assert_eq!(value(0, "vip"), "true");
        assert_eq!(value(0, "persona"), "", "a missing key is blank");
        assert_eq!(value(1, "score"), "1.5");
        assert_eq!(value(1, "vip"), "false");
        assert_eq!(leads.handoff(1), None, "null is blank");
        assert_eq!(leads.id(2), "3", "numbers read as their text");
        assert_eq!(value(2, "score"), "");
        assert_eq!(
            l.issues,
            vec![
                issue(&path, 5, None, "not a JSON object"),
                issue(
                    &path,
                    6,
                    None,
                    "not valid JSON (trailing characters at column 55)"
                ),
                issue(
                    &path,
                    7,
                    Some("persona"),
                    "a list or an object, not a single value"
                ),
                issue(
                    &path,
                    8,
                    None,
                    "not valid JSON (EOF while parsing an object at column 11)"
                ),
            ]
        );
    }

    #[test]
    fn two_columns_for_one_field_the_agreement_reads_are_an_error() {
        let err = |header: &str| {
            let path = write("leads.csv", &format!("{header}\nL1,2027-01-04 09:00,a,b\n"));
            load_with(&path, &[], &[("owner", "Speed to lead")])
                .err()
                .map(|e| e.to_string().replace(&path.display().to_string(), "LEADS"))
        };
        assert_eq!(
            err("id,handed_off_at,owner,owner").as_deref(),
            Some("`LEADS` has two columns that could be `owner`: `owner` (column 3) and `owner` (column 4)")
        );
        assert_eq!(
            err("id,handed_off_at,Owner,OWNER ").as_deref(),
            Some("`LEADS` has two columns that could be `owner`: `Owner` (column 3) and `OWNER` (column 4)")
        );
        // Exact wins over loose, and a column nothing reads may repeat.
        assert_eq!(err("id,handed_off_at,owner,Owner"), None);
        assert_eq!(err("id,handed_off_at,owner,notes,notes").map(|_| ()), None);
    }

    #[test]
    fn json_lines_columns_count_when_any_line_has_them() {
        let text = "{\"id\": \"L1\"}\n{\"id\": \"L2\", \"handed_off_at\": \"2027-01-04T09:00:00Z\", \"persona\": \"CEO\"}\n";
        let l = load("leads.jsonl", text, &[("persona", "Fit")]);
        assert_eq!(l.leads.len(), 2);

        let err = load_with(
            &write("leads.jsonl", text),
            &[],
            &[("owner", "Speed to lead")],
        )
        .err()
        .unwrap();
        assert!(matches!(err, DataError::MissingField { .. }), "{err:?}");
        assert!(err
            .to_string()
            .starts_with("rule `Speed to lead` uses `owner`"));

        let err = load_with(&write("leads.jsonl", "{\"ID\": 1}\n"), &[], &[])
            .err()
            .unwrap();
        let DataError::MissingColumn { field, help, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(field, "id");
        assert!(help.contains("its columns: `ID`"), "{help}");
    }

    #[test]
    fn json_lines_must_start_with_an_object() {
        for text in [
            "[{\"id\": \"L1\"}]\n",
            "{\n  \"id\": \"L1\"\n}\n",
            "id,handed_off_at\n",
        ] {
            let err = load_with(&write("leads.json", text), &[], &[])
                .err()
                .unwrap();
            assert!(matches!(err, DataError::Malformed { .. }), "{err:?}");
            assert_eq!(
                miette::Diagnostic::code(&err).unwrap().to_string(),
                "accord::E113"
            );
        }
        let err = load_with(&write("leads.json", "\n[1]\n"), &[], &[])
            .err()
            .unwrap();
        assert!(
            err.to_string()
                .ends_with("is not JSON Lines: line 2 is not a JSON object"),
            "{err}"
        );
        // No lines at all is an empty table.
        let l = load("leads.jsonl", "\n\n", &[("persona", "Fit")]);
        assert_eq!(l.counts, RowCounts::default());
        // A byte-order mark before the first object is ignored.
        let l = load(
            "leads.jsonl",
            "\u{feff}{\"id\": \"L1\", \"handed_off_at\": null}\n",
            &[],
        );
        assert_eq!(l.leads.id(0), "L1");
    }
}
