//! The five rule kinds: which clauses each must have, and what their values
//! must satisfy.

use super::{CheckError, Checker};
use crate::syntax::ast::{
    Applies, Band, Bound, ClauseKind, Ident, Measure, Rate, Rule, RuleKind, Span,
};

/// The clauses a rule kind requires, with an example for the help line.
fn required(kind: RuleKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        RuleKind::Quota => &[
            ("owner", "name the team held to it: `owner marketing`"),
            ("count", "say what is delivered: `count >= 1500 per quarter` or `value >= EUR 40_000 per month`"),
        ],
        RuleKind::Response => &[
            ("owner", "name the team held to it: `owner sales`"),
            ("first", "name the activities that count as a touch: `first touch`"),
            ("within", "give the window: `within 1h otherwise`"),
        ],
        RuleKind::Attempts => &[
            ("owner", "name the team held to it: `owner sales`"),
            ("count", "name the activities counted: `count call`"),
            ("between", "give the attempts expected: `between 6 and 9 within 14d otherwise`"),
        ],
        RuleKind::Duty => &[
            ("from", "say who hands over to whom: `from marketing to sales`"),
            ("provide", "list what is handed over: `provide company, email, phone`"),
            ("at handoff", "say by when: `at handoff`, or `within 7d after first touch`"),
        ],
        RuleKind::Aging => &[
            ("owner", "name the team held to it: `owner sales`"),
            ("contact", "name the activities that reach a lead: `contact touch`"),
            ("buckets", "give the age buckets: `buckets 1w, 2w, 4w`"),
            ("breach after", "say when an uncontacted lead breaches: `breach after 2w`"),
        ],
    }
}

/// Clause keywords that may repeat: the alternatives of a rule.
fn repeats(keyword: &str) -> bool {
    matches!(keyword, "within" | "between" | "at least" | "at most")
}

/// Groups clause keywords that fill the same slot (a quota measures `count`
/// or `value`; an attempts band is `between`, `at least` or `at most`).
fn slot(kind: RuleKind, keyword: &'static str) -> &'static str {
    match (kind, keyword) {
        (RuleKind::Quota, "value") => "count",
        (RuleKind::Attempts, "at least" | "at most") => "between",
        (RuleKind::Duty, "within") => "at handoff",
        _ => keyword,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn rules(&mut self) {
        for rule in self.agreement.rules() {
            self.rule_shape(rule);
            self.rule_values(rule);
        }
    }

    fn rule_shape(&mut self, rule: &Rule) {
        let kind = rule.kind.node;
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for clause in &rule.clauses {
            let keyword = slot(kind, clause.kind.keyword());
            match seen.iter().find(|(k, _)| *k == keyword) {
                Some((_, first)) if !repeats(keyword) => {
                    let conflict = kind == RuleKind::Duty && keyword == "at handoff";
                    self.out.push(if conflict {
                        CheckError::DutyForms {
                            span: clause.span.into(),
                            other: (*first).into(),
                        }
                    } else {
                        CheckError::DuplicateClause {
                            keyword: clause.kind.keyword(),
                            span: clause.span.into(),
                            first: (*first).into(),
                        }
                    });
                }
                Some(_) => {}
                None => seen.push((keyword, clause.span)),
            }
        }
        let head = rule.kind.span.join(rule.name.span);
        for (keyword, help) in required(kind) {
            if !seen.iter().any(|(k, _)| k == keyword) {
                self.out.push(CheckError::Missing {
                    block: format!("{} \"{}\"", kind.keyword(), rule.name.node),
                    keyword,
                    span: head.into(),
                    help: (*help).to_owned(),
                });
            }
        }
        if kind == RuleKind::Duty {
            self.duty_form(rule);
        }
        self.alternatives(rule);
    }

    /// A duty with a window needs `by`; one at handoff must not have it.
    fn duty_form(&mut self, rule: &Rule) {
        let windowed = rule
            .clauses
            .iter()
            .any(|c| matches!(c.kind, ClauseKind::After { .. }));
        for clause in &rule.clauses {
            let ClauseKind::Provide { by, .. } = &clause.kind else {
                continue;
            };
            match by {
                Some(by) if !windowed => self.out.push(CheckError::ByAtHandoff {
                    span: by.span.into(),
                }),
                None if windowed => self.out.push(CheckError::Missing {
                    block: format!("duty \"{}\"", rule.name.node),
                    keyword: "by",
                    span: clause.span.into(),
                    help: "name the activity that carries the fields: `provide status by feedback`"
                        .to_owned(),
                }),
                _ => {}
            }
        }
    }

    /// `when`/`otherwise` alternatives: nothing after `otherwise`, and a
    /// warning when no `otherwise` catches the leads no clause applies to.
    fn alternatives(&mut self, rule: &Rule) {
        let mut otherwise: Option<Span> = None;
        let mut any = false;
        for clause in &rule.clauses {
            let applies = match &clause.kind {
                ClauseKind::Within { applies, .. } | ClauseKind::Band { applies, .. } => applies,
                _ => continue,
            };
            any = true;
            if let Some(otherwise) = otherwise {
                self.out.push(CheckError::AfterOtherwise {
                    keyword: clause.kind.keyword(),
                    span: clause.span.into(),
                    otherwise: otherwise.into(),
                });
            } else if let Applies::Otherwise(span) = applies {
                otherwise = Some(*span);
            }
        }
        if any && otherwise.is_none() {
            self.out.push(CheckError::NoOtherwise {
                rule: rule.name.node.to_string(),
                span: rule.kind.span.join(rule.name.span).into(),
            });
        }
    }

    fn rule_values(&mut self, rule: &Rule) {
        let owner = rule.clauses.iter().find_map(|c| match &c.kind {
            ClauseKind::Owner(team) | ClauseKind::FromTo { from: team, .. } => Some(team),
            _ => None,
        });
        for clause in &rule.clauses {
            match &clause.kind {
                ClauseKind::Owner(team) => self.team_ref(team),
                ClauseKind::FromTo { from, to } => {
                    self.team_ref(from);
                    self.team_ref(to);
                }
                ClauseKind::Leads(c)
                | ClauseKind::First(c)
                | ClauseKind::Count(c)
                | ClauseKind::Until(c)
                | ClauseKind::Contact(c) => self.rule_condition(c),
                ClauseKind::QuotaTarget {
                    measure,
                    bound,
                    rate,
                    per,
                    ..
                } => {
                    self.rate(rule, measure.node, bound.node, rate);
                    if let Some(per) = per {
                        self.per(rule, owner, per);
                    }
                }
                ClauseKind::Within { window, applies } => {
                    self.window(window);
                    if let Applies::When(c) = applies {
                        self.rule_condition(c);
                    }
                }
                ClauseKind::Band {
                    band,
                    window,
                    applies,
                } => {
                    if let Band::Between { min, max } = &**band {
                        if min.node > max.node {
                            self.out.push(CheckError::MinAboveMax {
                                min: min.node,
                                max: max.node,
                                span: min.span.join(max.span).into(),
                            });
                        }
                    }
                    self.window(window);
                    if let Applies::When(c) = applies {
                        self.rule_condition(c);
                    }
                }
                ClauseKind::Target { percent, per, .. } => {
                    self.percent(percent);
                    if let Some(per) = per {
                        self.per(rule, owner, per);
                    }
                }
                ClauseKind::Per(per) => self.per(rule, owner, per),
                ClauseKind::Warn(percent) => self.warn(percent),
                ClauseKind::MaxDuration(d) | ClauseKind::BreachAfter(d) => self.duration(d),
                ClauseKind::After { window, anchor } => {
                    self.window(window);
                    if let crate::syntax::ast::Anchor::First(c) = anchor {
                        self.rule_condition(c);
                    }
                }
                ClauseKind::Provide { by, .. } => {
                    if let Some(by) = by {
                        self.rule_condition(by);
                    }
                }
                ClauseKind::Buckets(buckets) => {
                    for d in buckets {
                        self.duration(d);
                    }
                    for pair in buckets.windows(2) {
                        if let [a, b] = pair {
                            if b.total_seconds() <= a.total_seconds() {
                                self.out.push(CheckError::BucketsNotIncreasing {
                                    span: b.span.into(),
                                });
                            }
                        }
                    }
                }
                ClauseKind::AtHandoff => {}
            }
        }
    }

    fn rate(&mut self, rule: &Rule, measure: Measure, bound: Bound, rate: &Rate) {
        match rate {
            Rate::Funnel(name) => {
                if self.funnel.is_none() {
                    self.out.push(CheckError::NoFunnel {
                        name: name.node.text(),
                        span: name.span.into(),
                    });
                }
            }
            Rate::Amount { amount, per } => {
                match (&amount.currency, measure) {
                    (Some(_), Measure::Count) => self.out.push(CheckError::CountInMoney {
                        text: format!(
                            "{} {}",
                            amount.currency.as_ref().map_or("", |c| c.as_str()),
                            amount.amount.text
                        ),
                        span: amount.span.into(),
                    }),
                    _ => self.money(amount),
                }
                if measure == Measure::Count && bound == Bound::AtLeast {
                    self.below_funnel(rule, amount.amount.value, per.node, amount.span);
                }
            }
        }
    }

    /// A `per FIELD` verdict needs the owner team's members to list people with no leads.
    fn per(&mut self, rule: &Rule, owner: Option<&Ident>, per: &Ident) {
        let Some(team) = owner.and_then(|o| self.teams.get(o.as_str())) else {
            return;
        };
        let has_members = team.clauses.iter().any(|c| {
            matches!(c, crate::syntax::ast::TeamClause::Members { people, .. } if !people.is_empty())
        });
        if !has_members {
            self.out.push(CheckError::PerWithoutMembers {
                rule: rule.name.node.to_string(),
                field: per.node.to_string(),
                team: team.name.node.to_string(),
                span: per.span.into(),
            });
        }
    }
}

impl<'a> Checker<'a> {
    /// Compares a count floor with what the funnel needs over the whole
    /// effective range, so rates of different periods compare fairly.
    fn below_funnel(
        &mut self,
        rule: &Rule,
        amount: f64,
        per: crate::time::period::Period,
        span: crate::syntax::ast::Span,
    ) {
        let (Some((needed, funnel_per)), Some((first, last, _))) =
            (self.funnel_leads(), self.effective())
        else {
            return;
        };
        let Some(end) = last.succ_opt() else {
            return;
        };
        let asked = crate::time::rate::target(amount, per, first, end);
        let needed = crate::time::rate::target(needed, funnel_per, first, end);
        if asked + 1e-9 < needed {
            self.out.push(CheckError::QuotaBelowFunnel {
                rule: rule.name.node.to_string(),
                asked: format!("{asked:.0}"),
                needed: format!("{needed:.0}"),
                span: span.into(),
            });
        }
    }
}
