//! Every name an agreement defines or uses, with its span: what
//! definition, references, rename, hover and symbols are answered from.

use crate::syntax::ast::*;

/// What a name names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Term,
    Calendar,
    Team,
    /// A lead or activity field; defined only by a `weights` table.
    Field,
}

impl NameKind {
    pub fn noun(self) -> &'static str {
        match self {
            NameKind::Term => "term",
            NameKind::Calendar => "calendar",
            NameKind::Team => "team",
            NameKind::Field => "field",
        }
    }
}

/// One place a name is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence<'a> {
    pub kind: NameKind,
    pub name: &'a str,
    pub span: Span,
    /// The name being defined (`term NAME`, `weights FIELD`) rather than used.
    pub definition: bool,
}

/// Every name of `agreement`, in source order.
pub fn occurrences(agreement: &Agreement) -> Vec<Occurrence<'_>> {
    let mut out = Walk::default();
    for item in &agreement.items {
        match item {
            Item::Term(t) => {
                out.define(NameKind::Term, &t.name);
                out.condition(&t.condition);
            }
            Item::Calendar(c) => out.define(NameKind::Calendar, &c.name),
            Item::Team(t) => out.define(NameKind::Team, &t.name),
            Item::Weights(w) => out.define(NameKind::Field, &w.field),
            Item::Rule(r) => r.clauses.iter().for_each(|c| out.clause(&c.kind)),
            Item::Setting(_) | Item::Funnel(_) => {}
        }
    }
    out.found.sort_by_key(|o| o.span.start());
    out.found
}

/// The occurrence under a cursor at `offset`: one that contains it or ends
/// there, as a cursor just after a word is still on it.
pub fn at<'o, 'a>(found: &'o [Occurrence<'a>], offset: usize) -> Option<&'o Occurrence<'a>> {
    found
        .iter()
        .find(|o| o.span.start() <= offset && offset <= o.span.end())
}

#[derive(Default)]
struct Walk<'a> {
    found: Vec<Occurrence<'a>>,
}

impl<'a> Walk<'a> {
    fn define(&mut self, kind: NameKind, name: &'a Ident) {
        self.push(kind, name, true);
    }

    fn use_(&mut self, kind: NameKind, name: &'a Ident) {
        self.push(kind, name, false);
    }

    fn push(&mut self, kind: NameKind, name: &'a Ident, definition: bool) {
        self.found.push(Occurrence {
            kind,
            name: &name.node,
            span: name.span,
            definition,
        });
    }

    fn condition(&mut self, condition: &'a Condition) {
        match &condition.kind {
            ConditionKind::Is { field, .. }
            | ConditionKind::In { field, .. }
            | ConditionKind::Presence { field, .. }
            | ConditionKind::Compare { field, .. } => self.use_(NameKind::Field, field),
            ConditionKind::Term(name) => self.use_(NameKind::Term, name),
            ConditionKind::Not(inner) | ConditionKind::Group(inner) => self.condition(inner),
            ConditionKind::All(all) | ConditionKind::Any(all) => {
                all.iter().for_each(|c| self.condition(c));
            }
        }
    }

    fn window(&mut self, window: &'a Window) {
        if let Some(calendar) = &window.calendar {
            self.use_(NameKind::Calendar, calendar);
        }
    }

    fn applies(&mut self, applies: &'a Applies) {
        if let Applies::When(condition) = applies {
            self.condition(condition);
        }
    }

    fn clause(&mut self, clause: &'a ClauseKind) {
        match clause {
            ClauseKind::Owner(team) => self.use_(NameKind::Team, team),
            ClauseKind::FromTo { from, to } => {
                self.use_(NameKind::Team, from);
                self.use_(NameKind::Team, to);
            }
            ClauseKind::Leads(c)
            | ClauseKind::First(c)
            | ClauseKind::Count(c)
            | ClauseKind::Until(c)
            | ClauseKind::Contact(c) => self.condition(c),
            ClauseKind::QuotaTarget { per, .. } | ClauseKind::Target { per, .. } => {
                if let Some(field) = per {
                    self.use_(NameKind::Field, field);
                }
            }
            ClauseKind::Per(field) => self.use_(NameKind::Field, field),
            ClauseKind::Within { window, applies }
            | ClauseKind::Band {
                window, applies, ..
            } => {
                self.window(window);
                self.applies(applies);
            }
            ClauseKind::After { window, anchor } => {
                self.window(window);
                if let Anchor::First(c) = anchor {
                    self.condition(c);
                }
            }
            ClauseKind::Provide { fields, by } => {
                fields.iter().for_each(|f| self.use_(NameKind::Field, f));
                if let Some(c) = by {
                    self.condition(c);
                }
            }
            ClauseKind::AtHandoff
            | ClauseKind::MaxDuration(_)
            | ClauseKind::Buckets(_)
            | ClauseKind::BreachAfter(_)
            | ClauseKind::Warn(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_and_uses_in_source_order() {
        let text = "agreement \"a\" {\n  team sales { lead \"s\" }\n  calendar office { hours mon-fri 09:00-17:00 }\n  term call means kind is \"call\"\n  weights persona { \"CEO\" 10 }\n  response \"r\" {\n    owner sales\n    first call\n    within 1h on office when persona is \"CEO\"\n    target 90% per owner\n  }\n}\n";
        let agreement = crate::syntax::parse(text).unwrap();
        let found: Vec<(NameKind, &str, bool, &str)> = occurrences(&agreement)
            .iter()
            .map(|o| {
                let written = &text[o.span.start()..o.span.end()];
                (o.kind, o.name, o.definition, written)
            })
            .collect();
        use NameKind::*;
        assert_eq!(
            found,
            [
                (Team, "sales", true, "sales"),
                (Calendar, "office", true, "office"),
                (Term, "call", true, "call"),
                (Field, "kind", false, "kind"),
                (Field, "persona", true, "persona"),
                (Team, "sales", false, "sales"),
                (Term, "call", false, "call"),
                (Calendar, "office", false, "office"),
                (Field, "persona", false, "persona"),
                (Field, "owner", false, "owner"),
            ]
        );
    }
}
