//! Values as the language writes them; shared by the formatter and by
//! messages that quote an agreement back to its reader.

use std::fmt::Write;

use crate::syntax::ast::{Condition, ConditionKind, Duration, Str};

/// A string literal with the language's escapes.
pub fn string(s: &Str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn duration(d: &Duration) -> String {
    d.parts
        .iter()
        .map(|(n, unit)| format!("{n}{}", unit.suffix()))
        .collect()
}

/// A condition as written, parentheses where the author put them.
pub fn condition(c: &Condition) -> String {
    let mut out = String::new();
    write_condition(&mut out, c);
    out
}

fn write_condition(out: &mut String, c: &Condition) {
    match &c.kind {
        ConditionKind::Is {
            field,
            value,
            negated,
        } => {
            let not = if *negated { " not" } else { "" };
            let _ = write!(out, "{} is{not} {}", field.node, string(value));
        }
        ConditionKind::In {
            field,
            values,
            negated,
        } => {
            let not = if *negated { " not" } else { "" };
            let values: Vec<String> = values.iter().map(string).collect();
            let _ = write!(out, "{}{not} in ({})", field.node, values.join(", "));
        }
        ConditionKind::Presence { field, set } => {
            let what = if *set { "set" } else { "empty" };
            let _ = write!(out, "{} is {what}", field.node);
        }
        ConditionKind::Compare { field, op, value } => {
            let _ = write!(out, "{} {} {}", field.node, op.symbol(), value.text);
        }
        ConditionKind::Term(name) => out.push_str(name),
        ConditionKind::Not(inner) => {
            out.push_str("not ");
            write_condition(out, inner);
        }
        ConditionKind::All(parts) | ConditionKind::Any(parts) => {
            let joiner = if matches!(c.kind, ConditionKind::All(_)) {
                " and "
            } else {
                " or "
            };
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    out.push_str(joiner);
                }
                write_condition(out, part);
            }
        }
        ConditionKind::Group(inner) => {
            out.push('(');
            write_condition(out, inner);
            out.push(')');
        }
    }
}
