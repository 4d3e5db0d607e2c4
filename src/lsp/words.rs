//! What a rule or a duration means, in one plain sentence: the text of a
//! hover. Written from the tree alone, so it says what the agreement says
//! (defaults included), not what the data did.

use crate::format::condition as condition_text;
use crate::syntax::ast::*;

/// `1h30m` as `1 hour 30 minutes`.
pub fn duration(d: &Duration) -> String {
    let words: Vec<String> = d
        .parts
        .iter()
        .map(|&(n, unit)| {
            let name = match unit {
                DurationUnit::Second => "second",
                DurationUnit::Minute => "minute",
                DurationUnit::Hour => "hour",
                DurationUnit::Day => "day",
                DurationUnit::Week => "week",
            };
            format!("{n} {name}{}", if n == 1 { "" } else { "s" })
        })
        .collect();
    words.join(" ")
}

/// `1 hour of office time`, or `5 minutes`.
fn window(w: &Window) -> String {
    match &w.calendar {
        Some(calendar) => format!("{} of {} time", duration(&w.duration), calendar.node),
        None => duration(&w.duration),
    }
}

/// A condition as a phrase: a term by its name, anything else as written.
fn condition(c: &Condition) -> String {
    match &c.kind {
        ConditionKind::Term(name) => name.node.to_string(),
        _ => format!("`{}`", condition_text(c)),
    }
}

/// What an activity condition does, as a verb: a term's name (`touch`,
/// `call`), or reaching the lead with such an activity.
fn act(c: Option<&Condition>) -> String {
    match c.map(|c| &c.kind) {
        Some(ConditionKind::Term(name)) => name.node.to_string(),
        Some(_) => format!("reach with {}", c.map(condition).unwrap_or_default()),
        None => "reach".to_owned(),
    }
}

/// `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn applies(a: &Applies) -> String {
    match a {
        Applies::When(c) => format!("when {}", condition(c)),
        Applies::Otherwise(_) => "otherwise".to_owned(),
    }
}

/// The clauses of one rule, found by what they are.
struct Clauses<'a>(&'a [Clause]);

impl<'a> Clauses<'a> {
    fn find<T>(&self, f: impl Fn(&'a ClauseKind) -> Option<T>) -> Option<T> {
        self.0.iter().find_map(|c| f(&c.kind))
    }

    fn all<T>(&self, f: impl Fn(&'a ClauseKind) -> Option<T>) -> Vec<T> {
        self.0.iter().filter_map(|c| f(&c.kind)).collect()
    }

    fn owner(&self) -> String {
        self.find(|c| match c {
            ClauseKind::Owner(team) => Some(team.node.to_string()),
            ClauseKind::FromTo { from, .. } => Some(from.node.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "the owner".to_owned())
    }

    fn leads(&self) -> Option<&'a Condition> {
        self.find(|c| match c {
            ClauseKind::Leads(c) => Some(c),
            _ => None,
        })
    }

    /// `; 95% per owner per month`: the share of leads that must be met.
    fn target(&self) -> String {
        let (percent, each, per) = self
            .find(|c| match c {
                ClauseKind::Target { percent, each, per } => {
                    Some((percent.text.as_str(), each.as_ref(), per.as_ref()))
                }
                _ => None,
            })
            .unwrap_or(("100", None, None));
        let per = per.map_or(String::new(), |f| format!(" per {}", f.node));
        let each = each.map_or("month", |p| p.node.name());
        format!("; {percent}%{per} per {each}")
    }
}

/// The leads a rule is about: `each mql lead` (or, for a quota's count,
/// `mql leads`), `each lead where ...`, or `each lead`.
fn leads(c: Option<&Condition>, each: bool) -> String {
    let (one, many) = match c.map(|c| &c.kind) {
        Some(ConditionKind::Term(name)) => (
            format!("each {} lead", name.node),
            format!("{} leads", name.node),
        ),
        Some(_) => {
            let c = c.map(condition).unwrap_or_default();
            (format!("each lead where {c}"), format!("leads where {c}"))
        }
        None => ("each lead".to_owned(), "leads".to_owned()),
    };
    if each {
        one
    } else {
        many
    }
}

/// What `rule` requires, in one sentence.
pub fn rule(rule: &Rule) -> String {
    let clauses = Clauses(&rule.clauses);
    let owner = clauses.owner();
    let leads = leads(clauses.leads(), true);
    let warn = clauses.find(|c| match c {
        ClauseKind::Warn(p) => Some(p.text.as_str()),
        _ => None,
    });
    let sentence = match rule.kind.node {
        RuleKind::Quota => quota(&clauses, &owner),
        RuleKind::Response => {
            let first = clauses.find(|c| match c {
                ClauseKind::First(c) => Some(c),
                _ => None,
            });
            let windows = clauses.all(|c| match c {
                ClauseKind::Within {
                    window: w,
                    applies: a,
                } => Some(format!("within {} {}", window(w), applies(a))),
                _ => None,
            });
            let windows = match windows.as_slice() {
                [one] if one.ends_with(" otherwise") => {
                    one.trim_end_matches(" otherwise").to_owned()
                }
                _ => list(&windows),
            };
            format!(
                "{owner} must {} {leads} {windows}{}",
                act(first),
                clauses.target()
            )
        }
        RuleKind::Attempts => {
            let count = clauses.find(|c| match c {
                ClauseKind::Count(c) => Some(c),
                _ => None,
            });
            let bands = clauses.all(|c| match c {
                ClauseKind::Band {
                    band,
                    window: w,
                    applies: a,
                } => {
                    let times = match &**band {
                        Band::Between { min, max } => {
                            format!("between {} and {} times", min.node, max.node)
                        }
                        Band::AtLeast(n) => format!("at least {} times", n.node),
                        Band::AtMost(n) => format!("at most {} times", n.node),
                    };
                    Some(format!("{times} within {} {}", window(w), applies(a)))
                }
                _ => None,
            });
            let mut sentence = format!("{owner} must {} {leads} {}", act(count), list(&bands));
            if let Some(until) = clauses.find(|c| match c {
                ClauseKind::Until(c) => Some(c),
                _ => None,
            }) {
                sentence.push_str(&format!(", stopping at {}", condition(until)));
            }
            if let Some(max) = clauses.find(|c| match c {
                ClauseKind::MaxDuration(d) => Some(d),
                _ => None,
            }) {
                sentence.push_str(&format!(", in at most {} in all", duration(max)));
            }
            sentence + &clauses.target()
        }
        RuleKind::Duty => duty(&clauses, &owner, &leads),
        RuleKind::Aging => {
            let contact = clauses.find(|c| match c {
                ClauseKind::Contact(c) => Some(c),
                _ => None,
            });
            let breach = clauses
                .find(|c| match c {
                    ClauseKind::BreachAfter(d) => Some(duration(d)),
                    _ => None,
                })
                .unwrap_or_else(|| "the breach age".to_owned());
            let buckets = clauses
                .find(|c| match c {
                    ClauseKind::Buckets(b) => Some(b.iter().map(duration).collect::<Vec<_>>()),
                    _ => None,
                })
                .unwrap_or_default();
            let per = clauses
                .find(|c| match c {
                    ClauseKind::Per(f) => Some(format!(" per {}", f.node)),
                    _ => None,
                })
                .unwrap_or_default();
            format!(
                "{owner} must {} {leads} within {breach}; leads not reached yet are counted by age ({}){per}",
                act(contact),
                list(&buckets)
            )
        }
    };
    match warn {
        // LANGUAGE.md §10: aging counts its warning on `breach after`.
        Some(p) if rule.kind.node == RuleKind::Aging => {
            format!("{sentence}; due soon at {p}% of the breach age")
        }
        Some(p) => format!("{sentence}; due soon once {p}% of the time has passed"),
        None => sentence,
    }
}

fn quota(clauses: &Clauses<'_>, owner: &str) -> String {
    let leads = leads(clauses.leads(), false);
    let Some((measure, bound, rate, each, per)) = clauses.find(|c| match c {
        ClauseKind::QuotaTarget {
            measure,
            bound,
            rate,
            each,
            per,
        } => Some((measure.node, bound.node, rate, each.as_ref(), per.as_ref())),
        _ => None,
    }) else {
        return format!("{owner} delivers {leads}");
    };
    let bound = match bound {
        Bound::AtLeast => "at least",
        Bound::AtMost => "at most",
    };
    let rate = match &**rate {
        Rate::Amount { amount, per } => {
            let money = match &amount.currency {
                Some(code) => format!("{} {}", code.node, amount.amount.text),
                None => amount.amount.text.clone(),
            };
            format!("{money} per {}", per.node.name())
        }
        Rate::Funnel(r) => format!("the funnel's `{}`", r.node.text()),
    };
    let mut sentence = match measure {
        Measure::Count => format!("{owner} must deliver {bound} {rate} {leads}"),
        Measure::Value => format!("{owner} must deliver {leads} worth {bound} {rate}"),
    };
    if let Some(each) = each {
        sentence.push_str(&format!(", judged each {}", each.node.name()));
    }
    if let Some(per) = per {
        sentence.push_str(&format!(", per {}", per.node));
    }
    sentence
}

fn duty(clauses: &Clauses<'_>, owner: &str, leads: &str) -> String {
    let to = clauses
        .find(|c| match c {
            ClauseKind::FromTo { to, .. } => Some(to.node.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| "the other team".to_owned());
    let (fields, by) = clauses
        .find(|c| match c {
            ClauseKind::Provide { fields, by } => Some((
                fields
                    .iter()
                    .map(|f| f.node.to_string())
                    .collect::<Vec<_>>(),
                by.as_ref(),
            )),
            _ => None,
        })
        .unwrap_or_default();
    let mut sentence = format!("{owner} must give {to} {}", list(&fields));
    if let Some(by) = by {
        sentence.push_str(&format!(" by {}", condition(by)));
    }
    let after = clauses.find(|c| match c {
        ClauseKind::After { window: w, anchor } => Some((w, anchor)),
        _ => None,
    });
    match after {
        Some((w, anchor)) => {
            let anchor = match anchor {
                Anchor::Handoff(_) => "handoff".to_owned(),
                Anchor::First(c) => format!("the first {}", condition(c)),
            };
            sentence.push_str(&format!(" on {leads} within {} after {anchor}", window(w)));
            sentence + &clauses.target()
        }
        None => format!("{sentence} on {leads} at handoff"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(path: &str) -> Vec<String> {
        let text = std::fs::read_to_string(path).unwrap();
        let agreement = crate::syntax::parse(&text).unwrap();
        agreement.rules().map(rule).collect()
    }

    #[test]
    fn the_example_rules_read_as_sentences() {
        assert_eq!(
            sentences("rules/b2b-inbound.sla"),
            [
                "marketing must deliver at least the funnel's `funnel.leads` mql leads, judged each month",
                "marketing must deliver mql leads worth at least EUR 10_000 per month",
                "sales must touch each mql lead within 5 minutes when `persona is \"CEO\"` and within 1 hour of office time otherwise; 95% per owner per month",
                "sales must call each mql lead between 6 and 9 times within 14 days when decision_maker and between 3 and 6 times within 14 days otherwise, stopping at `outcome is \"connected\"`, in at most 2 hours in all; 90% per owner per month",
                "marketing must give sales company, email, phone, persona and offer on each mql lead at handoff",
                "sales must give marketing status by feedback on each mql lead within 7 days after the first touch; 100% per owner per month",
                "sales must touch each mql lead within 2 weeks; leads not reached yet are counted by age (1 week, 2 weeks and 4 weeks) per owner",
            ]
        );
    }

    #[test]
    fn a_single_otherwise_window_reads_without_it() {
        assert_eq!(
            sentences("rules/minimal.sla"),
            ["sales must call each lead within 1 day; 100% per month"]
        );
    }

    #[test]
    fn a_warning_point_ends_the_sentence() {
        let text = "agreement \"a\" { team s { lead \"x\" } term touch means kind is \"call\"\n response \"r\" { owner s first touch within 1h otherwise warn at 80% }\n aging \"g\" { owner s contact touch buckets 1d breach after 2d warn at 50% } }";
        let agreement = crate::syntax::parse(text).unwrap();
        let said: Vec<String> = agreement.rules().map(rule).collect();
        assert_eq!(
            said,
            [
                "s must touch each lead within 1 hour; 100% per month; due soon once 80% of the time has passed",
                "s must touch each lead within 2 days; leads not reached yet are counted by age (1 day); due soon at 50% of the breach age",
            ]
        );
    }

    #[test]
    fn durations_in_words() {
        let text = "agreement \"a\" { aging \"x\" { buckets 1h30m, 1w, 2d } }";
        let agreement = crate::syntax::parse(text).unwrap();
        let Some(ClauseKind::Buckets(b)) =
            agreement.rules().next().map(|r| r.clauses[0].kind.clone())
        else {
            panic!("no buckets")
        };
        let words: Vec<String> = b.iter().map(duration).collect();
        assert_eq!(words, ["1 hour 30 minutes", "1 week", "2 days"]);
    }
}
