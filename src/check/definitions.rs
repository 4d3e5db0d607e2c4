//! What rules build on: calendars, teams, weights and the funnel.

use std::collections::HashMap;

use super::{CheckError, Checker};
use crate::syntax::ast::{CalendarClause, Clock, FunnelClause, Period, Span, TeamClause, WEEKDAYS};

impl<'a> Checker<'a> {
    pub(super) fn calendars(&mut self) {
        let effective = self.effective();
        for calendar in self.agreement.calendars() {
            // Per weekday, the intervals seen so far: (start, end, span).
            let mut week: [Vec<(Clock, Clock, Span)>; 7] = Default::default();
            let mut reported: Vec<(usize, usize)> = Vec::new();
            let mut open = false;
            for clause in &calendar.clauses {
                match clause {
                    CalendarClause::Hours {
                        days, intervals, ..
                    } => {
                        let mut weekdays = Vec::new();
                        for range in days {
                            let last = range.last.as_ref().map_or(range.first.node, |l| l.node);
                            if last < range.first.node {
                                self.out.push(CheckError::WeekdaysBackwards {
                                    text: format!(
                                        "{}-{}",
                                        WEEKDAYS.get(usize::from(range.first.node)).unwrap_or(&"?"),
                                        WEEKDAYS.get(usize::from(last)).unwrap_or(&"?")
                                    ),
                                    span: range.span.into(),
                                });
                            }
                            weekdays.extend(range.first.node..=last);
                        }
                        for interval in intervals {
                            let (start, end) = (interval.start.node, interval.end.node);
                            if end <= start {
                                self.out.push(CheckError::HoursBackwards {
                                    span: interval.span.into(),
                                });
                                continue;
                            }
                            open = true;
                            for &day in &weekdays {
                                let Some(slot) = week.get_mut(usize::from(day)) else {
                                    continue;
                                };
                                let clash = slot
                                    .iter()
                                    .find(|(s, e, _)| start < *e && *s < end)
                                    .map(|(_, _, other)| *other);
                                if let Some(other) = clash {
                                    let key = (other.start(), interval.span.start());
                                    if !reported.contains(&key) {
                                        reported.push(key);
                                        self.out.push(CheckError::HoursOverlap {
                                            day: WEEKDAYS
                                                .get(usize::from(day))
                                                .copied()
                                                .unwrap_or("?"),
                                            span: interval.span.into(),
                                            other: other.into(),
                                        });
                                    }
                                }
                                slot.push((start, end, interval.span));
                            }
                        }
                    }
                    CalendarClause::Closed { dates, .. } => {
                        let Some((first, last, _)) = effective else {
                            continue;
                        };
                        for date in dates.iter().filter(|d| d.node < first || d.node > last) {
                            self.out.push(CheckError::ClosedOutsideRange {
                                date: date.node.to_string(),
                                first: first.to_string(),
                                last: last.to_string(),
                                span: date.span.into(),
                            });
                        }
                    }
                }
            }
            if !open {
                self.out.push(CheckError::NeverOpen {
                    name: calendar.name.node.to_string(),
                    span: calendar.name.span.into(),
                });
            }
        }
    }

    pub(super) fn teams_blocks(&mut self) {
        for team in self.agreement.teams() {
            let mut lead: Option<Span> = None;
            for clause in &team.clauses {
                if let TeamClause::Lead { span, .. } = clause {
                    match lead {
                        Some(first) => self.out.push(CheckError::DuplicateClause {
                            keyword: "lead",
                            span: (*span).into(),
                            first: first.into(),
                        }),
                        None => lead = Some(*span),
                    }
                }
            }
        }
    }

    pub(super) fn weights(&mut self) {
        for table in self.agreement.weights() {
            let mut seen: HashMap<Option<&str>, Span> = HashMap::new();
            for row in &table.rows {
                self.in_range(&row.weight, "a weight");
                let key = row.key.as_ref().map(|k| k.as_str());
                match seen.get(&key) {
                    Some(first) => self.out.push(CheckError::DuplicateWeight {
                        key: key.unwrap_or("otherwise").to_owned(),
                        span: row.span.into(),
                        first: (*first).into(),
                    }),
                    None => {
                        seen.insert(key, row.span);
                    }
                }
            }
        }
    }

    pub(super) fn funnel_block(&mut self) {
        let Some(funnel) = self.funnel else {
            return;
        };
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for clause in &funnel.clauses {
            let keyword = clause.keyword();
            match seen.iter().find(|(k, _)| *k == keyword) {
                Some((_, first)) => self.out.push(CheckError::DuplicateClause {
                    keyword,
                    span: clause.span().into(),
                    first: (*first).into(),
                }),
                None => seen.push((keyword, clause.span())),
            }
            match clause {
                FunnelClause::Revenue { amount, .. } => self.money(amount),
                FunnelClause::DealSize { amount, .. } => {
                    self.money(amount);
                    if amount.amount.value == 0.0 {
                        self.out.push(CheckError::FunnelZero {
                            what: "deal size",
                            span: amount.span.into(),
                        });
                    }
                }
                FunnelClause::MarketingShare { share, .. } => self.percent(share),
                FunnelClause::LeadToCustomer { rate, .. } => {
                    self.percent(rate);
                    if rate.value == 0.0 {
                        self.out.push(CheckError::FunnelZero {
                            what: "lead to customer",
                            span: rate.span.into(),
                        });
                    }
                }
            }
        }
        let head = Span::new(funnel.span.start(), funnel.span.start() + "funnel".len());
        // Each number in range can still derive one out of it: a tiny deal
        // size or conversion multiplies the revenue.
        if let Some(numbers) = crate::funnel::derive(funnel) {
            // Leads are at least the customers: name only the first too large.
            let too_large = [("customers", numbers.customers), ("leads", numbers.leads)]
                .into_iter()
                .find(|(_, value)| !(value.is_finite() && *value <= super::values::MAX_AMOUNT));
            if let Some((what, _)) = too_large {
                self.out.push(CheckError::OutOfRange {
                        what: format!("the funnel's number of {what}"),
                        help: "the funnel divides the revenue by the deal size and the conversion; check their units",
                        span: head.into(),
                    label: "derives more than 10^15",
                });
            }
        }
        for (keyword, help) in [
            ("revenue", "`revenue EUR 1_200_000 per quarter`"),
            ("marketing share", "`marketing share 60%`"),
            ("deal size", "`deal size EUR 12_000`"),
            ("lead to customer", "`lead to customer 4%`"),
        ] {
            if !seen.iter().any(|(k, _)| *k == keyword) {
                self.out.push(CheckError::Missing {
                    block: "the funnel".to_owned(),
                    keyword,
                    span: head.into(),
                    help: format!("the funnel needs all four numbers; add {help}"),
                });
            }
        }
    }

    /// `funnel.leads` and its period, when the funnel is complete and sound.
    pub(super) fn funnel_leads(&self) -> Option<(f64, Period)> {
        self.funnel
            .and_then(crate::funnel::derive)
            .map(|f| (f.leads, f.per))
    }
}
