//! The agreement as the evaluator runs it, built from a tree that checked
//! clean: names resolved, terms compiled once, conditions compiled against the
//! fields the data must carry, windows and clocks made concrete.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::clock::Clock;
use super::condition::{Compiler, Cond, Fields, Graph};
use crate::data::Interner;
use crate::format;
use crate::funnel::FunnelNumbers;
use crate::syntax::ast::*;
use crate::syntax::line_col;
use crate::time::calendar::{BusinessCalendar, Interval};
use crate::time::zone::Zone;

/// A checked agreement, ready to run.
#[derive(Debug, Clone)]
pub struct Program {
    pub name: String,
    pub version: Option<String>,
    pub tz: Tz,
    pub effective: (NaiveDate, NaiveDate),
    pub currency: Option<String>,
    pub lead_fields: Fields,
    pub activity_fields: Fields,
    pub weights: Vec<WeightTable>,
    pub funnel: Option<FunnelNumbers>,
    /// Team name → its members.
    pub members: HashMap<String, Vec<String>>,
    pub rules: Vec<RuleProgram>,
}

#[derive(Debug, Clone)]
pub struct WeightTable {
    pub field: String,
    pub slot: usize,
    pub weights: HashMap<u32, f64>,
    pub otherwise: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct RuleProgram {
    pub name: String,
    pub kind: RuleKind,
    pub owner: String,
    pub line: usize,
    pub leads: Cond,
    /// The `leads` condition as written, for explanations.
    pub leads_text: String,
    /// The windows it is judged in (`each`); aging has none.
    pub each: Period,
    /// `per FIELD`: the lead slot and the field's name.
    pub per: Option<(usize, String)>,
    pub spec: Spec,
    /// `warn at P%`, as written (`80`): an open item is due soon once P%
    /// of its window has passed.
    pub warn: Option<f64>,
    /// What the rule waits for, as written: the `first`, `count` or
    /// `contact` condition, or a duty's fields (`status`); for `accord due`.
    pub waits_for: String,
}

/// One alternative of a response or attempts rule.
#[derive(Debug, Clone)]
pub struct Alt<T> {
    /// `None` for `otherwise`.
    pub when: Option<Cond>,
    pub clock: Clock,
    pub value: T,
    /// The window as written (`1h on office`), for reasons.
    pub window: String,
    /// Whom it applies to as written (`when persona is "CEO"`, `otherwise`).
    pub applies: String,
    /// The whole clause as written, for explanations.
    pub text: String,
}

#[derive(Debug, Clone)]
pub enum Spec {
    Quota {
        measure: Measure,
        bound: Bound,
        amount: f64,
        per: Period,
    },
    Response {
        first: Cond,
        alts: Vec<Alt<()>>,
        target: f64,
    },
    Attempts {
        count: Cond,
        alts: Vec<Alt<(u64, Option<u64>)>>,
        until: Option<Cond>,
        max_duration_s: Option<i64>,
        target: f64,
    },
    DutyAtHandoff {
        /// Lead slots of the fields to provide, with their names.
        fields: Vec<(usize, String)>,
        target: f64,
    },
    DutyWithin {
        clock: Clock,
        window_text: String,
        /// `None`: the window starts at handoff.
        anchor: Option<Cond>,
        anchor_text: String,
        /// Activity slots of the fields to provide, with their names.
        fields: Vec<(usize, String)>,
        by: Cond,
        target: f64,
    },
    Aging {
        contact: Cond,
        buckets: Vec<(i64, i64, String)>,
        breach: (i64, i64, String),
    },
}

impl Spec {
    pub fn target(&self) -> f64 {
        match self {
            Spec::Response { target, .. }
            | Spec::Attempts { target, .. }
            | Spec::DutyAtHandoff { target, .. }
            | Spec::DutyWithin { target, .. } => *target,
            Spec::Quota { .. } | Spec::Aging { .. } => 1.0,
        }
    }
}

/// Builds the program of an agreement that checked without errors. The
/// interner receives every string literal, so data values compare by symbol.
pub fn compile(agreement: &Agreement, source: &str, interner: &mut Interner) -> Program {
    let terms: HashMap<&str, &Term> = agreement.terms().map(|t| (t.name.as_str(), t)).collect();
    let mut settings = Settings::default();
    for s in agreement.settings() {
        match &s.kind {
            SettingKind::Version(v) => settings.version = Some(v.node.to_string()),
            SettingKind::Effective { from, to } => settings.effective = (from.node, to.node),
            SettingKind::Timezone(tz) => settings.tz = tz.parse().unwrap_or(Tz::UTC),
            SettingKind::Currency(c) => settings.currency = Some(c.node.to_string()),
            SettingKind::Review { .. } => {}
        }
    }
    let tz = settings.tz;
    let calendars: HashMap<&str, Arc<BusinessCalendar>> = agreement
        .calendars()
        .map(|c| (c.name.as_str(), Arc::new(calendar(c, tz))))
        .collect();
    let members: HashMap<String, Vec<String>> = agreement
        .teams()
        .map(|t| {
            let people = t
                .clauses
                .iter()
                .flat_map(|c| match c {
                    TeamClause::Members { people, .. } => {
                        people.iter().map(|p| p.node.to_string()).collect()
                    }
                    TeamClause::Lead { .. } => Vec::new(),
                })
                .collect();
            (t.name.node.to_string(), people)
        })
        .collect();
    let funnel = agreement.funnels().next().and_then(crate::funnel::derive);
    let mut b = Builder {
        compiler: Compiler {
            terms: &terms,
            interner,
        },
        lead_fields: Fields::default(),
        activity_fields: Fields::default(),
        lead_graph: Graph::default(),
        activity_graph: Graph::default(),
        calendars: &calendars,
        zone: Zone::new(tz, settings.effective.0, settings.effective.1),
    };
    let weights = agreement
        .weights()
        .map(|w| {
            let slot = b
                .lead_fields
                .slot(&w.field, &format!("weights {}", w.field.node));
            let mut weights = HashMap::new();
            for r in &w.rows {
                if let Some(k) = &r.key {
                    let sym = b.compiler.interner.intern(k);
                    b.lead_fields.weighed(slot, k, sym, r.span.start());
                    weights.insert(sym, r.weight.value);
                }
            }
            WeightTable {
                field: w.field.node.to_string(),
                slot,
                weights,
                otherwise: w
                    .rows
                    .iter()
                    .find(|r| r.key.is_none())
                    .map(|r| r.weight.value),
            }
        })
        .collect();
    let rules = agreement
        .rules()
        .map(|r| b.rule(r, source, funnel.as_ref()))
        .collect();
    // The words' offsets become lines, with one pass over the text.
    let breaks: Vec<usize> = source.match_indices('\n').map(|(i, _)| i).collect();
    for word in b
        .lead_fields
        .words
        .iter_mut()
        .chain(&mut b.activity_fields.words)
    {
        word.line = breaks.partition_point(|at| *at < word.line) + 1;
    }
    Program {
        name: agreement.name.node.to_string(),
        version: settings.version,
        tz,
        effective: settings.effective,
        currency: settings.currency,
        lead_fields: b.lead_fields,
        activity_fields: b.activity_fields,
        weights,
        funnel,
        members,
        rules,
    }
}

struct Settings {
    version: Option<String>,
    effective: (NaiveDate, NaiveDate),
    tz: Tz,
    currency: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            version: None,
            effective: (NaiveDate::MIN, NaiveDate::MIN),
            tz: Tz::UTC,
            currency: None,
        }
    }
}

fn calendar(c: &Calendar, tz: Tz) -> BusinessCalendar {
    let mut week: [Vec<Interval>; 7] = Default::default();
    let mut closed = Vec::new();
    for clause in &c.clauses {
        match clause {
            CalendarClause::Hours {
                days, intervals, ..
            } => {
                for range in days {
                    let last = range.last.as_ref().map_or(range.first.node, |l| l.node);
                    for day in range.first.node..=last {
                        if let Some(slot) = week.get_mut(usize::from(day)) {
                            slot.extend(intervals.iter().map(|i| Interval {
                                start: i.start.node.0,
                                end: i.end.node.0,
                            }));
                        }
                    }
                }
            }
            CalendarClause::Closed { dates, .. } => closed.extend(dates.iter().map(|d| d.node)),
        }
    }
    for day in &mut week {
        day.sort_by_key(|i| i.start);
    }
    BusinessCalendar::new(tz, week, closed)
}

struct Builder<'a> {
    compiler: Compiler<'a>,
    lead_fields: Fields,
    activity_fields: Fields,
    lead_graph: Graph,
    activity_graph: Graph,
    calendars: &'a HashMap<&'a str, Arc<BusinessCalendar>>,
    /// Calendar-day clocks' zone, over the agreement's dates.
    zone: Zone,
}

impl Builder<'_> {
    fn lead_cond(&mut self, c: &Condition, rule: &str) -> Cond {
        self.compiler
            .compile(c, &mut self.lead_fields, &mut self.lead_graph, rule)
    }

    fn activity_cond(&mut self, c: &Condition, rule: &str) -> Cond {
        self.compiler
            .compile(c, &mut self.activity_fields, &mut self.activity_graph, rule)
    }

    fn clock(&self, w: &Window) -> Clock {
        match w
            .calendar
            .as_ref()
            .and_then(|c| self.calendars.get(c.as_str()).map(|cal| (c, cal)))
        {
            Some((name, calendar)) => Clock::Open {
                calendar: Arc::clone(calendar),
                name: name.node.to_string(),
                secs: secs(w.duration.exact_seconds()),
            },
            None => Clock::Wall {
                zone: self.zone.clone(),
                days: secs(w.duration.calendar_days()),
                secs: secs(w.duration.exact_seconds()),
            },
        }
    }

    fn when(&mut self, applies: &Applies, rule: &str) -> Option<Cond> {
        match applies {
            Applies::When(c) => Some(self.lead_cond(c, rule)),
            Applies::Otherwise(_) => None,
        }
    }

    fn rule(&mut self, r: &Rule, source: &str, funnel: Option<&FunnelNumbers>) -> RuleProgram {
        let name = r.name.node.to_string();
        let mut owner = String::new();
        let mut leads = Cond::always();
        let mut leads_text = String::new();
        let mut each = None;
        let mut per_field: Option<&Ident> = None;
        let mut target = 1.0;
        let mut quota = None;
        let mut first = Cond::always();
        let mut count = Cond::always();
        let mut until = None;
        let mut max_duration_s = None;
        let mut response_alts = Vec::new();
        let mut attempt_alts = Vec::new();
        let mut at_handoff = false;
        let mut within = None;
        let mut provide: (&[Ident], Option<&Condition>) = (&[], None);
        let mut contact = Cond::always();
        let mut buckets = Vec::new();
        let mut breach = (0, 0, String::new());
        let mut warn = None;
        let mut waits_for = String::new();
        for clause in &r.clauses {
            match &clause.kind {
                ClauseKind::Owner(team) | ClauseKind::FromTo { from: team, .. } => {
                    owner = team.node.to_string()
                }
                ClauseKind::Leads(c) => {
                    leads = self.lead_cond(c, &name);
                    leads_text = format::condition(c);
                }
                ClauseKind::QuotaTarget {
                    measure,
                    bound,
                    rate,
                    each: e,
                    per,
                } => {
                    let (amount, rate_per) = match &**rate {
                        Rate::Amount { amount, per } => (amount.amount.value, per.node),
                        Rate::Funnel(f) => match (f.node, funnel) {
                            (FunnelRef::Leads, Some(n)) => (n.leads, n.per),
                            (FunnelRef::Customers, Some(n)) => (n.customers, n.per),
                            (_, None) => (0.0, Period::Month),
                        },
                    };
                    each = Some(e.as_ref().map_or(rate_per, |e| e.node));
                    per_field = per.as_ref();
                    quota = Some(Spec::Quota {
                        measure: measure.node,
                        bound: bound.node,
                        amount,
                        per: rate_per,
                    });
                }
                ClauseKind::First(c) => {
                    first = self.activity_cond(c, &name);
                    waits_for = format::condition(c);
                }
                ClauseKind::Within { window, applies } => {
                    response_alts.push(Alt {
                        when: self.when(applies, &name),
                        clock: self.clock(window),
                        value: (),
                        window: format::window(window),
                        applies: format::applies(applies),
                        text: format!(
                            "within {} {}",
                            format::window(window),
                            format::applies(applies)
                        ),
                    });
                }
                ClauseKind::Target {
                    percent,
                    each: e,
                    per,
                } => {
                    target = percent.value / 100.0;
                    each = e.as_ref().map(|e| e.node);
                    per_field = per.as_ref();
                }
                ClauseKind::Count(c) => {
                    count = self.activity_cond(c, &name);
                    waits_for = format::condition(c);
                }
                ClauseKind::Band {
                    band,
                    window,
                    applies,
                } => {
                    attempt_alts.push(Alt {
                        when: self.when(applies, &name),
                        clock: self.clock(window),
                        value: (band.min(), band.max()),
                        window: format::window(window),
                        applies: format::applies(applies),
                        text: format!(
                            "{} within {} {}",
                            format::band(band),
                            format::window(window),
                            format::applies(applies)
                        ),
                    });
                }
                ClauseKind::Until(c) => until = Some(self.activity_cond(c, &name)),
                ClauseKind::MaxDuration(d) => max_duration_s = Some(secs(d.total_seconds())),
                ClauseKind::AtHandoff => at_handoff = true,
                ClauseKind::After { window, anchor } => {
                    let (anchor, anchor_text) = match anchor {
                        Anchor::Handoff(_) => (None, "handoff".to_owned()),
                        Anchor::First(c) => (
                            Some(self.activity_cond(c, &name)),
                            format!("the first {}", format::condition(c)),
                        ),
                    };
                    within = Some((
                        self.clock(window),
                        format::window(window),
                        anchor,
                        anchor_text,
                    ));
                }
                ClauseKind::Provide { fields, by } => {
                    provide = (fields, by.as_deref());
                    waits_for = fields
                        .iter()
                        .map(|f| f.as_str())
                        .collect::<Vec<_>>()
                        .join(", ");
                }
                ClauseKind::Contact(c) => {
                    contact = self.activity_cond(c, &name);
                    waits_for = format::condition(c);
                }
                ClauseKind::Buckets(ds) => {
                    buckets = ds
                        .iter()
                        .map(|d| {
                            (
                                secs(d.calendar_days()),
                                secs(d.exact_seconds()),
                                format::duration(d),
                            )
                        })
                        .collect()
                }
                ClauseKind::BreachAfter(d) => {
                    breach = (
                        secs(d.calendar_days()),
                        secs(d.exact_seconds()),
                        format::duration(d),
                    )
                }
                ClauseKind::Per(field) => per_field = Some(field),
                ClauseKind::Warn(p) => warn = Some(p.value),
            }
        }
        let spec = match r.kind.node {
            RuleKind::Quota => quota.unwrap_or(Spec::Quota {
                measure: Measure::Count,
                bound: Bound::AtLeast,
                amount: 0.0,
                per: Period::Month,
            }),
            RuleKind::Response => Spec::Response {
                first,
                alts: response_alts,
                target,
            },
            RuleKind::Attempts => Spec::Attempts {
                count,
                alts: attempt_alts,
                until,
                max_duration_s,
                target,
            },
            RuleKind::Duty => match (at_handoff, within) {
                (true, _) | (false, None) => Spec::DutyAtHandoff {
                    fields: provide
                        .0
                        .iter()
                        .map(|f| (self.lead_fields.presence_slot(f, &name), f.node.to_string()))
                        .collect(),
                    target,
                },
                (false, Some((clock, window_text, anchor, anchor_text))) => Spec::DutyWithin {
                    clock,
                    window_text,
                    anchor,
                    anchor_text,
                    fields: provide
                        .0
                        .iter()
                        .map(|f| {
                            (
                                self.activity_fields.presence_slot(f, &name),
                                f.node.to_string(),
                            )
                        })
                        .collect(),
                    by: provide
                        .1
                        .map_or(Cond::always(), |c| self.activity_cond(c, &name)),
                    target,
                },
            },
            RuleKind::Aging => Spec::Aging {
                contact,
                buckets,
                breach,
            },
        };
        let per = per_field.map(|f| (self.lead_fields.slot(f, &name), f.node.to_string()));
        RuleProgram {
            line: line_col(source, r.kind.span.start()).0,
            name,
            kind: r.kind.node,
            owner,
            leads,
            leads_text,
            each: each.unwrap_or(Period::Month),
            per,
            spec,
            warn,
            waits_for,
        }
    }
}

fn secs(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
