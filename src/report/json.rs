//! The JSON verdict document (`accord eval --format json`), byte for byte
//! what `serde_json::to_writer_pretty` writes, but with the windows
//! rendered on every core: at a million leads their breaches run to tens of
//! megabytes, and writing them on one core was the longest serial step of a
//! run after loading.
//!
//! Each window is rendered on its own, as serde_json's pretty printer would
//! nest it (every line after the first indented to its depth). The rule and
//! the document around them are rendered with an empty list in their place,
//! and the list is written there. Strings in JSON hold no raw line breaks,
//! so the empty list's line (`\n      "windows": []`) is found unambiguously.

use std::io::{self, Write};

use rayon::prelude::*;
use serde::Serialize;

use crate::eval::verdict::{RuleVerdict, Verdict};

/// Windows rendered at a time: enough for every core to have some, few
/// enough that their text stays small beside the verdicts themselves.
const WINDOWS_AT_ONCE: usize = 16;

/// Writes the document and a final line break.
pub fn write(v: &Verdict, out: &mut impl Write) -> io::Result<()> {
    let top = Verdict {
        schema: v.schema,
        agreement: v.agreement.clone(),
        version: v.version.clone(),
        as_of: v.as_of.clone(),
        status: v.status,
        data: v.data.clone(),
        rules: Vec::new(),
        issues: v.issues.clone(),
        warnings: v.warnings.clone(),
    };
    let top = nested(&top, 0)?;
    let (head, tail) = around_empty(&top, "rules", 0)?;
    out.write_all(head)?;
    let mut list = List::new(1);
    for rule in &v.rules {
        list.item(out)?;
        write_rule(rule, out)?;
    }
    list.end(out)?;
    out.write_all(tail)?;
    writeln!(out)
}

fn write_rule(rule: &RuleVerdict, out: &mut impl Write) -> io::Result<()> {
    let bare = RuleVerdict {
        name: rule.name.clone(),
        kind: rule.kind,
        owner: rule.owner.clone(),
        line: rule.line,
        status: rule.status,
        windows: Vec::new(),
    };
    let bare = nested(&bare, 2)?;
    let (head, tail) = around_empty(&bare, "windows", 2)?;
    out.write_all(head)?;
    let mut list = List::new(3);
    for windows in rule.windows.chunks(WINDOWS_AT_ONCE) {
        let rendered: Vec<io::Result<Vec<u8>>> = windows.par_iter().map(|w| nested(w, 4)).collect();
        for window in rendered {
            list.item(out)?;
            out.write_all(&window?)?;
        }
    }
    list.end(out)?;
    out.write_all(tail)
}

/// `value` pretty-printed as it would be `depth` levels deep in a document.
fn nested(value: &impl Serialize, depth: usize) -> io::Result<Vec<u8>> {
    let mut text = Vec::new();
    let pretty = Pretty {
        depth,
        has_value: false,
    };
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut text, pretty,
    ))?;
    Ok(text)
}

/// The text before and after the empty list of field `key` of an object
/// rendered at `depth` (the list itself left out).
fn around_empty<'t>(text: &'t [u8], key: &str, depth: usize) -> io::Result<(&'t [u8], &'t [u8])> {
    let field = format!("\n{}\"{key}\": ", "  ".repeat(depth + 1));
    let at = memchr::memmem::find(text, format!("{field}[]").as_bytes())
        .ok_or_else(|| io::Error::other(format!("no empty `{key}` in the rendered document")))?;
    let (head, tail) = text.split_at(at + field.len());
    Ok((head, tail.get(2..).unwrap_or_default()))
}

/// A list written item by item as serde_json's pretty printer writes one:
/// `[]` when empty, else each item on a line of its own.
struct List {
    depth: usize,
    items: usize,
}

impl List {
    fn new(depth: usize) -> List {
        List { depth, items: 0 }
    }

    /// Starts the next item: what goes before it.
    fn item(&mut self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(if self.items == 0 { b"[\n" } else { b",\n" })?;
        self.items += 1;
        indent(out, self.depth + 1)
    }

    fn end(self, out: &mut impl Write) -> io::Result<()> {
        if self.items == 0 {
            return out.write_all(b"[]");
        }
        out.write_all(b"\n")?;
        indent(out, self.depth)?;
        out.write_all(b"]")
    }
}

/// `depth` levels of indentation, two spaces each, in as few writes as
/// the spaces allow.
fn indent<W: ?Sized + Write>(out: &mut W, depth: usize) -> io::Result<()> {
    const SPACES: &[u8] = &[b' '; 64];
    let mut left = depth * 2;
    while left > 0 {
        let n = left.min(SPACES.len());
        out.write_all(SPACES.get(..n).unwrap_or_default())?;
        left -= n;
    }
    Ok(())
}

/// serde_json's `PrettyFormatter` (two spaces a level), starting `depth`
/// levels in: what it writes inside a document, without the document.
/// Written out because `PrettyFormatter` always starts at the left margin;
/// re-indenting its output as it came (a writer that looked for line
/// breaks in every token) cost more than rendering the breaches did.
struct Pretty {
    depth: usize,
    has_value: bool,
}

impl Pretty {
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth = self.depth.saturating_sub(1);
        if self.has_value {
            out.write_all(b"\n")?;
            indent(out, self.depth)?;
        }
        out.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        out.write_all(if first { b"\n" } else { b",\n" })?;
        indent(out, self.depth)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.item(out, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataIssue;
    use crate::eval::verdict::{Breach, Counts, DataSummary, State, Status, WindowVerdict};

    fn window(name: &str, breaches: usize) -> WindowVerdict {
        WindowVerdict {
            window: name.to_owned(),
            start: "2027-01-01T00:00:00+01:00".to_owned(),
            end: "2027-02-01T00:00:00+01:00".to_owned(),
            group: Some("ann \"the\" seller\n".to_owned()),
            state: State::Closed,
            status: Status::Missed,
            target: Some(0.9),
            observed: None,
            expected_to_date: None,
            counts: Counts::Quota { leads: 4 },
            stats: None,
            buckets: Some(Vec::new()),
            missing_fields: None,
            handovers: None,
            breaches: (0..breaches)
                .map(|i| Breach {
                    lead: format!("L{i}"),
                    reason: "first touch after 2h, window 1h".to_owned(),
                })
                .collect(),
        }
    }

    fn rule(name: &str, windows: Vec<WindowVerdict>) -> RuleVerdict {
        RuleVerdict {
            name: name.to_owned(),
            kind: "response",
            owner: "sales".to_owned(),
            line: 3,
            status: Status::Breached,
            windows,
        }
    }

    fn written(v: &Verdict) -> String {
        let mut out = Vec::new();
        write(v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn writes_what_serde_json_writes() {
        let many: Vec<WindowVerdict> = (0..40).map(|i| window(&format!("w{i}"), i % 3)).collect();
        for rules in [
            vec![],
            vec![rule("none", vec![])],
            vec![rule("one", vec![window("2027-01", 0)])],
            vec![
                rule("a \"windows\": []", many),
                rule("b", vec![window("x", 5)]),
            ],
        ] {
            for issues in [
                vec![],
                vec![DataIssue {
                    file: "leads.csv".to_owned(),
                    line: 7,
                    column: None,
                    message: "\n  \"rules\": []".to_owned(),
                }],
            ] {
                let v = Verdict {
                    schema: "accord.verdict/1",
                    agreement: "A".to_owned(),
                    version: None,
                    as_of: "2027-04-15T12:00:00+02:00".to_owned(),
                    status: Status::Breached,
                    data: DataSummary {
                        leads: 1,
                        activities: 2,
                        issues: 3,
                    },
                    rules: rules.clone(),
                    issues,
                    warnings: Vec::new(),
                };
                let expected = serde_json::to_string_pretty(&v).unwrap() + "\n";
                assert_eq!(written(&v), expected);
            }
        }
    }

    #[test]
    fn indents_deeper_than_its_spaces_in_pieces() {
        for depth in [0, 1, 31, 32, 33, 70] {
            let mut out = Vec::new();
            indent(&mut out, depth).unwrap();
            assert_eq!(out, vec![b' '; depth * 2], "depth {depth}");
        }
    }
}
