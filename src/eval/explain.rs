//! `accord explain`: one lead through every rule, in words a sales manager
//! reads: whether the rule judges it and why, the clause chosen, the
//! deadline, what each of its activities meant, and the outcome.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::clock::human;
use super::condition::Leaf;
use super::model::Spec;
use super::outcome::Outcome;
use super::rules::aging;
use super::run::rfc3339;
use super::{judge, Evaluator, Folds, States};
use crate::data::intern::{BLANK, PRESENT};
use crate::data::{Activity, Interned, OwnedValues, Record};

/// An activity of the explained lead, kept whole (there are few).
#[derive(Debug, Clone)]
pub struct Seen {
    pub at: DateTime<Utc>,
    pub seq: u64,
    pub line: u64,
    pub kind: String,
    pub values: OwnedValues,
}

impl Seen {
    pub fn of(a: &Activity<'_>) -> Seen {
        Seen {
            at: a.at,
            seq: a.seq,
            line: a.line,
            kind: a.kind.to_owned(),
            values: OwnedValues::of(a.values),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Explanation {
    pub lead: String,
    pub handed_off_at: Option<String>,
    pub as_of: String,
    pub rules: Vec<RuleExplanation>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RuleExplanation {
    pub rule: String,
    pub kind: &'static str,
    pub line: usize,
    /// `met`, `missed`, `open`, `excluded`, `counted` (quota), or
    /// `not judged`.
    pub outcome: String,
    /// Why, in a sentence.
    pub reason: String,
    /// The steps that led there, in order.
    pub steps: Vec<String>,
}

impl Evaluator<'_> {
    /// Every rule's judgement of `lead`, given its activities in time order.
    pub fn explain(&self, lead: u32, seen: &[Seen], folds: Folds) -> Explanation {
        let states = folds.into_states();
        let tz = self.program.tz;
        let when = |t: DateTime<Utc>| rfc3339(t, tz);
        let handoff = self.leads.handoff(lead);
        let rules = self
            .program
            .rules
            .iter()
            .zip(&self.runs)
            .zip(&states)
            .map(|((rule, run), states)| {
                let mut out = RuleExplanation {
                    rule: rule.name.clone(),
                    kind: rule.kind.keyword(),
                    line: rule.line,
                    outcome: "not judged".to_owned(),
                    reason: String::new(),
                    steps: Vec::new(),
                };
                // Explaining scopes this one lead only.
                let Some((pos, s)) = run.scoped.iter().enumerate().find(|(_, s)| s.lead == lead)
                else {
                    out.reason = self.not_judged(lead, rule);
                    return out;
                };
                let window = run
                    .windows
                    .get(s.window as usize)
                    .map_or("", |w| w.label.as_str());
                out.steps.push(match rule.spec {
                    Spec::Aging { .. } => format!("handed off {}", when(self.handoff(s))),
                    _ => format!("handed off {}, in window {window}", when(self.handoff(s))),
                });
                if let Some(group) = rule
                    .per
                    .as_ref()
                    .and_then(|_| run.groups.get(s.group as usize))
                {
                    out.steps.push(format!("counted for {group}"));
                }
                let clause = run.clause(pos);
                let alt_text = match (&rule.spec, clause.alt) {
                    (Spec::Response { alts, .. }, Some(a)) => {
                        alts.get(usize::from(a)).map(|a| a.text.clone())
                    }
                    (Spec::Attempts { alts, .. }, Some(a)) => {
                        alts.get(usize::from(a)).map(|a| a.text.clone())
                    }
                    _ => None,
                };
                if let Some(text) = alt_text {
                    out.steps.push(format!("clause that applies: `{text}`"));
                }
                if let Some(d) = clause.deadline {
                    out.steps.push(format!("deadline: {}", when(d)));
                }
                let mut matched = 0;
                for a in seen {
                    if let Some(meaning) = self.meaning(rule, s, &clause, a, &mut matched) {
                        out.steps.push(format!(
                            "{} {} (line {}): {meaning}",
                            when(a.at),
                            display_kind(&a.kind),
                            a.line
                        ));
                    }
                }
                match (&rule.spec, states) {
                    (Spec::Quota { .. }, _) => {
                        out.outcome = "counted".to_owned();
                        out.reason = format!("one of the leads delivered in window {window}");
                    }
                    (
                        Spec::Aging {
                            buckets, breach, ..
                        },
                        States::Aging(contacted),
                    ) => {
                        if contacted.get(pos).copied().unwrap_or(false) {
                            out.outcome = "met".to_owned();
                            out.reason = "contacted".to_owned();
                        } else {
                            let ages: Vec<aging::Age> = buckets
                                .iter()
                                .map(|b| aging::Age {
                                    days: b.0,
                                    secs: b.1,
                                })
                                .collect();
                            let aged = aging::age(
                                tz,
                                self.handoff(s),
                                self.as_of,
                                &ages,
                                aging::Age {
                                    days: breach.0,
                                    secs: breach.1,
                                },
                            );
                            // The last instant it is not breaching, as `accord due` shows it.
                            let breaches = aging::breach_at(
                                tz,
                                self.handoff(s),
                                aging::Age {
                                    days: breach.0,
                                    secs: breach.1,
                                },
                            );
                            out.steps.push(format!("deadline: {}", when(breaches)));
                            let age = human((self.as_of - self.handoff(s)).num_seconds());
                            out.outcome = if aged.breaching { "missed" } else { "open" }.to_owned();
                            out.reason =
                                format!("uncontacted for {age}; breach after {}", breach.2);
                        }
                    }
                    _ => {
                        if let Some(judged) = judge(self.leads, rule, run, states, pos, self.as_of)
                        {
                            if let (
                                None,
                                Some(d),
                                Spec::DutyWithin { .. } | Spec::DutyAtHandoff { .. },
                            ) = (clause.deadline, judged.deadline, &rule.spec)
                            {
                                out.steps.push(format!("deadline: {}", when(d)));
                            }
                            out.outcome = judged.outcome.word().to_owned();
                            out.reason = match judged.outcome {
                                Outcome::Met => "the agreement was kept".to_owned(),
                                Outcome::Open => {
                                    "not decided yet: the deadline has not passed".to_owned()
                                }
                                Outcome::Missed(r) | Outcome::Excluded(r) => r,
                            };
                        }
                    }
                }
                out
            })
            .collect();
        Explanation {
            lead: self.leads.id(lead).to_owned(),
            handed_off_at: handoff.map(when),
            as_of: when(self.as_of),
            rules,
        }
    }

    /// What the lead holds where `failing` expected something else:
    /// `source is "Organic Search", not "marketing"`.
    fn mismatch(&self, failing: Leaf<'_>, record: &Interned<'_>) -> String {
        let Some(slot) = failing.slot() else {
            return String::new();
        };
        let field = self
            .program
            .lead_fields
            .wanted
            .get(slot)
            .map_or("", |w| w.field.as_str());
        let sym = record.symbol(slot);
        let value = match sym {
            BLANK => "blank".to_owned(),
            PRESENT => "set".to_owned(),
            _ => format!("{:?}", self.interner.resolve(sym)),
        };
        let quote = |sym: &u32| format!("{:?}", self.interner.resolve(*sym));
        let wanted = match failing {
            Leaf::Is {
                sym,
                negated: false,
                ..
            } => quote(&sym),
            Leaf::Is { sym, .. } => format!("anything but {}", quote(&sym)),
            Leaf::In {
                syms,
                negated: false,
                ..
            } => format!(
                "one of {}",
                syms.iter().map(quote).collect::<Vec<_>>().join(", ")
            ),
            Leaf::In { syms, .. } => format!(
                "none of {}",
                syms.iter().map(quote).collect::<Vec<_>>().join(", ")
            ),
            Leaf::Present { set: true, .. } => "set".to_owned(),
            Leaf::Present { .. } => "blank".to_owned(),
            Leaf::Compare { op, value, .. } => format!("{} {value}", op.symbol()),
            Leaf::Not { .. } => "otherwise".to_owned(),
        };
        format!("{field} is {value}, not {wanted}")
    }

    /// Why a rule does not judge the lead.
    fn not_judged(&self, lead: u32, rule: &super::model::RuleProgram) -> String {
        let (first, last) = self.program.effective;
        let Some(handoff) = self.leads.handoff(lead) else {
            return "the lead was not handed off (`handed_off_at` is blank)".to_owned();
        };
        let local = handoff.with_timezone(&self.program.tz).date_naive();
        if local < first || local > last {
            return format!(
                "handed off outside the agreement's effective period {first} to {last}"
            );
        }
        if handoff > self.as_of {
            return "handed off after the as-of instant".to_owned();
        }
        let record = self.record(lead);
        if !rule.leads.holds(&record) {
            let mut why = format!("not one of this rule's leads (`leads {}`)", rule.leads_text);
            if let Some(failing) = rule.leads.failing(&record) {
                why.push_str(": ");
                why.push_str(&self.mismatch(failing, &record));
            }
            return why;
        }
        "no window of the rule has started".to_owned()
    }

    /// What an activity means to a rule, given how many earlier ones it
    /// matched; `None` when the rule does not look at activities.
    fn meaning(
        &self,
        rule: &super::model::RuleProgram,
        lead: &super::Scoped,
        clause: &super::Clause,
        a: &Seen,
        matched: &mut usize,
    ) -> Option<String> {
        let v = &a.values.view();
        if matches!(rule.spec, Spec::Quota { .. } | Spec::DutyAtHandoff { .. }) {
            return None;
        }
        if a.at > self.as_of {
            return Some("after the as-of instant: ignored".to_owned());
        }
        if a.at < self.handoff(lead) {
            return Some("before hand-off: ignored".to_owned());
        }
        let nth = |matched: &mut usize, first: &str, later: &str| {
            *matched += 1;
            if *matched == 1 {
                first.to_owned()
            } else {
                later.to_owned()
            }
        };
        Some(match &rule.spec {
            Spec::Response { first, .. } if first.holds(v) => nth(
                matched,
                "the first touch",
                "a later touch (only the first counts)",
            ),
            Spec::Attempts { count, until, .. } if count.holds(v) => {
                if clause.deadline.is_some_and(|d| a.at > d) {
                    "an attempt after the deadline: not counted".to_owned()
                } else {
                    *matched += 1;
                    let stop = until.as_ref().is_some_and(|u| u.holds(v));
                    let tail = if stop {
                        ", which ends the count (`until`)"
                    } else {
                        ""
                    };
                    format!("attempt {}{tail}", matched)
                }
            }
            Spec::DutyWithin {
                anchor: Some(anchor),
                ..
            } if anchor.holds(v) => nth(
                matched,
                "starts the duty's window",
                "a later one: the window had started",
            ),
            Spec::DutyWithin { by, .. } if by.holds(v) => "a hand-over".to_owned(),
            Spec::Aging { contact, .. } if contact.holds(v) => "a contact".to_owned(),
            _ => "not what this rule counts".to_owned(),
        })
    }
}

fn display_kind(kind: &str) -> &str {
    if crate::data::intern::is_blank(kind) {
        "activity"
    } else {
        kind
    }
}
