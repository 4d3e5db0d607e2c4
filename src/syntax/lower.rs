//! Lowering: pest's pairs into the spanned AST.
//!
//! The grammar already fixed the shape, so what can go wrong here is a
//! literal's value (a date that does not exist, a clock time past `24:00`, an
//! escape that names no character, a number too large). Every such problem
//! is collected and lowering goes on, so one run reports them all.

use std::sync::LazyLock;

use chrono::NaiveDate;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use super::error::ParseError;
use super::grammar::Rule;

/// `not` binds tighter than `and`, `and` tighter than `or`.
static CONDITION_PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Assoc::Left))
        .op(Op::infix(Rule::op_and, Assoc::Left))
        .op(Op::prefix(Rule::op_not))
});

type P<'i> = Pair<'i, Rule>;

#[derive(Default)]
pub(crate) struct Lower {
    pub errors: Vec<ParseError>,
    /// Where in the file the text pest was given starts: an agreement is
    /// parsed one item at a time, each from its own offset.
    pub offset: usize,
}

/// The pair's span without the white space and comments pest lets a
/// non-atomic rule swallow after its last token (a failed `( ... )*` still
/// consumes the white space before it).
fn span(pair: &P<'_>) -> Span {
    let whole = pair.as_span();
    let (start, text) = (whole.start(), whole.as_str());
    // Usually only white space trails; a `#` on the last line may be a
    // comment (or text in a string), which needs the careful walk below.
    let trimmed = text.trim_end();
    if !trimmed.rsplit('\n').next().unwrap_or("").contains('#') {
        return Span::new(start, start + trimmed.len());
    }
    // Atomic rules (no inner pairs here) match exactly what they consume.
    let Some(last) = pair.clone().into_inner().last() else {
        return whole.into();
    };
    let inner_end = span(&last).end();
    let mut end = inner_end;
    let mut tail = text
        .get(inner_end - start..)
        .unwrap_or("")
        .char_indices()
        .peekable();
    while let Some((i, c)) = tail.next() {
        if c == '#' {
            while tail.next_if(|(_, c)| *c != '\n').is_some() {}
        } else if !c.is_whitespace() {
            end = inner_end + i + c.len_utf8();
        }
    }
    Span::new(start, end.max(start))
}

/// Keywords are pairs so that syntax errors can name them; lowering reads
/// the meaningful parts only. The grammar declares every `kw_*` rule in one
/// run from `kw_agreement` to `kw_empty`, and pest numbers rules in
/// declaration order (a test below holds both true).
fn is_keyword(rule: Rule) -> bool {
    (Rule::kw_agreement as usize..=Rule::kw_empty as usize).contains(&(rule as usize))
}

/// The meaningful children of a pair.
fn parts(pair: P<'_>) -> impl Iterator<Item = P<'_>> {
    pair.into_inner().filter(|p| !is_keyword(p.as_rule()))
}

impl Lower {
    pub fn agreement(&mut self, file: P<'_>) -> Option<Agreement> {
        let agreement = file.into_inner().find(|p| p.as_rule() == Rule::agreement)?;
        self.head(agreement)
    }

    /// An agreement from its keyword, name and items. Also the opening of
    /// a file parsed one item at a time, which has no items; the caller
    /// appends them.
    pub fn head(&mut self, head: P<'_>) -> Option<Agreement> {
        let whole = self.at(&head);
        let mut inner = head.into_inner().filter(|p| p.as_rule() != Rule::EOI);
        let keyword = self.at(&inner.next()?);
        let name = self.string(inner.next()?);
        let items = inner.map(|p| self.item(p)).collect::<Option<Vec<_>>>()?;
        Some(Agreement {
            name,
            items,
            keyword,
            span: whole,
        })
    }

    /// One item of the agreement, however the file is being parsed.
    pub fn item(&mut self, pair: P<'_>) -> Option<Item> {
        let sp = self.at(&pair);
        Some(match pair.as_rule() {
            Rule::version | Rule::effective | Rule::timezone | Rule::currency | Rule::review => {
                Item::Setting(self.setting(pair)?)
            }
            Rule::calendar => Item::Calendar(self.calendar(pair)?),
            Rule::team => Item::Team(self.team(pair)?),
            Rule::term => {
                let mut it = parts(pair);
                let name = self.ident(it.next()?);
                let condition = self.condition(it.next()?)?;
                Item::Term(Term {
                    name,
                    condition,
                    span: sp,
                })
            }
            Rule::weights => Item::Weights(self.weights(pair)?),
            Rule::funnel => Item::Funnel(self.funnel(pair)?),
            Rule::quota | Rule::response | Rule::attempts | Rule::duty | Rule::aging => {
                Item::Rule(self.rule(pair)?)
            }
            _ => return None,
        })
    }

    fn setting(&mut self, pair: P<'_>) -> Option<Setting> {
        let sp = self.at(&pair);
        let rule = pair.as_rule();
        let mut it = parts(pair);
        let kind = match rule {
            Rule::version => SettingKind::Version(self.string(it.next()?)),
            Rule::effective => SettingKind::Effective {
                from: self.date(it.next()?),
                to: self.date(it.next()?),
            },
            Rule::timezone => SettingKind::Timezone(self.string(it.next()?)),
            Rule::currency => SettingKind::Currency(self.ident(it.next()?)),
            Rule::review => SettingKind::Review {
                every: self.period(it.next()?)?,
                last: it.next().map(|d| self.date(d)),
            },
            _ => return None,
        };
        Some(Setting { kind, span: sp })
    }

    fn calendar(&mut self, pair: P<'_>) -> Option<Calendar> {
        let sp = self.at(&pair);
        let mut it = parts(pair);
        let name = self.ident(it.next()?);
        let clauses = it
            .map(|clause| {
                let csp = self.at(&clause);
                match clause.as_rule() {
                    Rule::hours => {
                        let mut days = Vec::new();
                        let mut intervals = Vec::new();
                        for p in parts(clause) {
                            match p.as_rule() {
                                Rule::day_range => days.push(self.day_range(p)?),
                                _ => intervals.push(self.time_range(p)?),
                            }
                        }
                        Some(CalendarClause::Hours {
                            days,
                            intervals,
                            span: csp,
                        })
                    }
                    _ => Some(CalendarClause::Closed {
                        dates: parts(clause).map(|d| self.date(d)).collect(),
                        span: csp,
                    }),
                }
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Calendar {
            name,
            clauses,
            span: sp,
        })
    }

    fn time_range(&mut self, pair: P<'_>) -> Option<TimeRange> {
        let sp = self.at(&pair);
        let mut it = parts(pair);
        let start = self.clock(it.next()?, false);
        let end = self.clock(it.next()?, true);
        Some(TimeRange {
            start,
            end,
            span: sp,
        })
    }

    fn clock(&mut self, pair: P<'_>, may_end_day: bool) -> Spanned<Clock> {
        let sp = self.at(&pair);
        let text = pair.as_str();
        let (h, m) = text.split_once(':').unwrap_or((text, "0"));
        let h: u16 = h.parse().unwrap_or(99);
        let m: u16 = m.parse().unwrap_or(99);
        let reason = if m >= 60 || h > 24 || (h == 24 && m > 0) {
            Some("no such time")
        } else if h == 24 && !may_end_day {
            Some("`24:00` can only end an interval")
        } else {
            None
        };
        if let Some(reason) = reason {
            self.errors.push(ParseError::InvalidClock {
                text: text.to_owned(),
                span: sp.into(),
                reason: reason.to_owned(),
            });
        }
        Spanned::new(Clock(h.min(24) * 60 + m.min(59)), sp)
    }

    fn team(&mut self, pair: P<'_>) -> Option<Team> {
        let sp = self.at(&pair);
        let mut it = parts(pair);
        let name = self.ident(it.next()?);
        let clauses = it
            .map(|clause| {
                let csp = self.at(&clause);
                match clause.as_rule() {
                    Rule::team_lead => {
                        let person = self.string(parts(clause).next()?);
                        Some(TeamClause::Lead { person, span: csp })
                    }
                    _ => Some(TeamClause::Members {
                        people: parts(clause).map(|s| self.string(s)).collect(),
                        span: csp,
                    }),
                }
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Team {
            name,
            clauses,
            span: sp,
        })
    }

    fn weights(&mut self, pair: P<'_>) -> Option<Weights> {
        let sp = self.at(&pair);
        let mut it = parts(pair);
        let field = self.ident(it.next()?);
        let rows = it
            .map(|row| {
                let rsp = self.at(&row);
                let mut inner = row.into_inner();
                let first = inner.next()?;
                let key = (first.as_rule() == Rule::string).then(|| self.string(first));
                let weight = self.number(inner.next()?);
                Some(WeightRow {
                    key,
                    weight,
                    span: rsp,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Weights {
            field,
            rows,
            span: sp,
        })
    }

    fn funnel(&mut self, pair: P<'_>) -> Option<Funnel> {
        let sp = self.at(&pair);
        let clauses = parts(pair)
            .map(|clause| {
                let csp = self.at(&clause);
                let rule = clause.as_rule();
                let mut it = parts(clause);
                Some(match rule {
                    Rule::revenue => FunnelClause::Revenue {
                        amount: self.money(it.next()?)?,
                        per: self.period(it.next()?)?,
                        span: csp,
                    },
                    Rule::marketing_share => FunnelClause::MarketingShare {
                        share: self.percent(it.next()?),
                        span: csp,
                    },
                    Rule::deal_size => FunnelClause::DealSize {
                        amount: self.money(it.next()?)?,
                        span: csp,
                    },
                    _ => FunnelClause::LeadToCustomer {
                        rate: self.percent(it.next()?),
                        span: csp,
                    },
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Funnel { clauses, span: sp })
    }

    fn rule(&mut self, pair: P<'_>) -> Option<Rule_> {
        let sp = self.at(&pair);
        let kind = match pair.as_rule() {
            Rule::quota => RuleKind::Quota,
            Rule::response => RuleKind::Response,
            Rule::attempts => RuleKind::Attempts,
            Rule::duty => RuleKind::Duty,
            _ => RuleKind::Aging,
        };
        let mut inner = pair.into_inner();
        let keyword = self.at(&inner.next()?);
        let name = self.string(inner.next()?);
        let mut clauses = inner.map(|c| self.clause(c)).collect::<Option<Vec<_>>>()?;
        // A clause is a few hundred bytes and a rule has five or six: the
        // doubled capacity was half of a large agreement's tree.
        clauses.shrink_to_fit();
        Some(Rule_ {
            kind: Spanned::new(kind, keyword),
            name,
            clauses,
            span: sp,
        })
    }

    fn clause(&mut self, pair: P<'_>) -> Option<Clause> {
        let sp = self.at(&pair);
        let rule = pair.as_rule();
        let mut it = parts(pair);
        let kind = match rule {
            Rule::owner => ClauseKind::Owner(self.ident(it.next()?)),
            Rule::leads => ClauseKind::Leads(self.condition(it.next()?)?),
            Rule::quota_target => {
                let measure = it.next()?;
                let measure = Spanned::new(
                    if measure.as_str() == "count" {
                        Measure::Count
                    } else {
                        Measure::Value
                    },
                    self.at(&measure),
                );
                let bound = it.next()?;
                let bound = Spanned::new(
                    if bound.as_str() == ">=" {
                        Bound::AtLeast
                    } else {
                        Bound::AtMost
                    },
                    self.at(&bound),
                );
                let rate = self.rate(it.next()?)?;
                let (each, per) = self.each_per(it)?;
                ClauseKind::QuotaTarget {
                    measure,
                    bound,
                    rate: Box::new(rate),
                    each,
                    per,
                }
            }
            Rule::first => ClauseKind::First(self.condition(it.next()?)?),
            Rule::within => {
                let (window, next) = self.window(&mut it)?;
                let applies = self.applies(next)?;
                ClauseKind::Within { window, applies }
            }
            Rule::target => {
                let percent = self.percent(it.next()?);
                let (each, per) = self.each_per(it)?;
                ClauseKind::Target { percent, each, per }
            }
            Rule::count_activities => ClauseKind::Count(self.condition(it.next()?)?),
            Rule::band => {
                let band = self.band(it.next()?)?;
                let (window, next) = self.window(&mut it)?;
                let applies = self.applies(next)?;
                ClauseKind::Band {
                    band: Box::new(band),
                    window,
                    applies,
                }
            }
            Rule::until => ClauseKind::Until(self.condition(it.next()?)?),
            Rule::max_duration => ClauseKind::MaxDuration(self.duration(it.next()?)),
            Rule::from_to => ClauseKind::FromTo {
                from: self.ident(it.next()?),
                to: self.ident(it.next()?),
            },
            Rule::at_handoff => ClauseKind::AtHandoff,
            Rule::duty_within => {
                let (window, anchor) = self.window(&mut it)?;
                let anchor_span = self.at(&anchor);
                let anchor = match parts(anchor).next() {
                    Some(c) => Anchor::First(Box::new(self.condition(c)?)),
                    None => Anchor::Handoff(anchor_span),
                };
                ClauseKind::After { window, anchor }
            }
            Rule::provide => {
                let mut fields = Vec::new();
                let mut by = None;
                for p in it {
                    match p.as_rule() {
                        Rule::ident => fields.push(self.ident(p)),
                        _ => by = Some(Box::new(self.condition(p)?)),
                    }
                }
                ClauseKind::Provide { fields, by }
            }
            Rule::contact => ClauseKind::Contact(self.condition(it.next()?)?),
            Rule::buckets => ClauseKind::Buckets(it.map(|d| self.duration(d)).collect()),
            Rule::breach_after => ClauseKind::BreachAfter(self.duration(it.next()?)),
            Rule::per => ClauseKind::Per(self.ident(it.next()?)),
            Rule::warn => ClauseKind::Warn(self.percent(it.next()?)),
            _ => return None,
        };
        Some(Clause { kind, span: sp })
    }

    fn each_per<'i>(
        &mut self,
        it: impl Iterator<Item = P<'i>>,
    ) -> Option<(Option<Spanned<Period>>, Option<Ident>)> {
        let mut each = None;
        let mut per = None;
        for p in it {
            let rule = p.as_rule();
            let value = parts(p).next()?;
            match rule {
                Rule::each => each = Some(self.period(value)?),
                _ => per = Some(self.ident(value)),
            }
        }
        Some((each, per))
    }

    /// `DURATION [on CAL]`, and the pair that follows it.
    fn window<'i>(&mut self, it: &mut impl Iterator<Item = P<'i>>) -> Option<(Window, P<'i>)> {
        let duration = self.duration(it.next()?);
        let mut next = it.next()?;
        let mut calendar = None;
        if next.as_rule() == Rule::on_calendar {
            calendar = Some(self.ident(parts(next).next()?));
            next = it.next()?;
        }
        Some((Window { duration, calendar }, next))
    }

    fn applies(&mut self, pair: P<'_>) -> Option<Applies> {
        let sp = self.at(&pair);
        match parts(pair).next() {
            Some(when) => Some(Applies::When(Box::new(
                self.condition(parts(when).next()?)?,
            ))),
            None => Some(Applies::Otherwise(sp)),
        }
    }

    fn band(&mut self, pair: P<'_>) -> Option<Band> {
        let rule = pair.as_rule();
        let mut it = parts(pair);
        let first = self.int(it.next()?);
        Some(match rule {
            Rule::between => Band::Between {
                min: first,
                max: self.int(it.next()?),
            },
            Rule::at_least => Band::AtLeast(first),
            _ => Band::AtMost(first),
        })
    }

    fn rate(&mut self, pair: P<'_>) -> Option<Rate> {
        let mut it = parts(pair);
        let first = it.next()?;
        if first.as_rule() == Rule::funnel_ref {
            let r = if first.as_str().ends_with("leads") {
                FunnelRef::Leads
            } else {
                FunnelRef::Customers
            };
            return Some(Rate::Funnel(Spanned::new(r, self.at(&first))));
        }
        Some(Rate::Amount {
            amount: self.money(first)?,
            per: self.period(it.next()?)?,
        })
    }

    fn condition(&mut self, pair: P<'_>) -> Option<Condition> {
        let offset = self.offset;
        CONDITION_PRATT
            .map_primary(|p| self.operand(p))
            .map_prefix(move |op, rhs| {
                let rhs = rhs?;
                Some(Condition {
                    span: shift(span(&op), offset).join(rhs.span),
                    kind: ConditionKind::Not(Box::new(rhs)),
                })
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
                let sp = lhs.span.join(rhs.span);
                let and = op.as_rule() == Rule::op_and;
                let kind = match lhs.kind {
                    ConditionKind::All(mut all) if and => {
                        all.push(rhs);
                        ConditionKind::All(all)
                    }
                    ConditionKind::Any(mut any) if !and => {
                        any.push(rhs);
                        ConditionKind::Any(any)
                    }
                    kind => {
                        let lhs = Condition {
                            kind,
                            span: lhs.span,
                        };
                        if and {
                            ConditionKind::All(vec![lhs, rhs])
                        } else {
                            ConditionKind::Any(vec![lhs, rhs])
                        }
                    }
                };
                Some(Condition { kind, span: sp })
            })
            .parse(pair.into_inner())
    }

    fn operand(&mut self, pair: P<'_>) -> Option<Condition> {
        let sp = self.at(&pair);
        let rule = pair.as_rule();
        let mut it = parts(pair);
        let kind = match rule {
            Rule::group => ConditionKind::Group(Box::new(self.condition(it.next()?)?)),
            Rule::term_ref => ConditionKind::Term(self.ident(it.next()?)),
            Rule::comparison => {
                let field = self.ident(it.next()?);
                let test = it.next()?;
                let rule = test.as_rule();
                let negated = test
                    .clone()
                    .into_inner()
                    .any(|p| p.as_rule() == Rule::kw_not);
                let mut tail = test.into_inner();
                match rule {
                    Rule::test_is => {
                        let last = tail.next_back()?;
                        match last.as_rule() {
                            Rule::kw_set | Rule::kw_empty => ConditionKind::Presence {
                                field,
                                set: last.as_rule() == Rule::kw_set,
                            },
                            _ => ConditionKind::Is {
                                field,
                                value: self.string(last),
                                negated,
                            },
                        }
                    }
                    Rule::test_in | Rule::test_not_in => ConditionKind::In {
                        field,
                        values: parts(tail.next_back()?).map(|s| self.string(s)).collect(),
                        negated,
                    },
                    _ => {
                        let op = match tail.next()?.as_str() {
                            "<" => CompareOp::Lt,
                            "<=" => CompareOp::Le,
                            ">" => CompareOp::Gt,
                            _ => CompareOp::Ge,
                        };
                        ConditionKind::Compare {
                            field,
                            op,
                            value: self.number(tail.next()?),
                        }
                    }
                }
            }
            _ => return None,
        };
        Some(Condition { kind, span: sp })
    }

    /// Decodes escapes; an escape naming no character is an error and reads as U+FFFD.
    fn string(&mut self, pair: P<'_>) -> Str {
        let sp = self.at(&pair);
        let Some(inner) = pair.into_inner().next() else {
            return Spanned::new(Default::default(), sp);
        };
        let raw = inner.as_str();
        let base = self.offset + inner.as_span().start();
        let mut out = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        while let Some((i, c)) = chars.next() {
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, 'n')) => out.push('\n'),
                Some((_, 't')) => out.push('\t'),
                Some((_, 'u')) => {
                    let rest = raw.get(i..).unwrap_or("");
                    let end = rest.find('}').map_or(rest.len(), |e| e + 1);
                    let text = rest.get(..end).unwrap_or(rest);
                    let hex = text.trim_start_matches("\\u{").trim_end_matches('}');
                    match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) => out.push(ch),
                        None => {
                            self.errors.push(ParseError::InvalidEscape {
                                text: text.to_owned(),
                                span: Span::new(base + i, base + i + text.len()).into(),
                            });
                            out.push(char::REPLACEMENT_CHARACTER);
                        }
                    }
                    // Skip the rest of `{...}`; the grammar guarantees it is there.
                    for _ in 0..text.chars().count().saturating_sub(2) {
                        chars.next();
                    }
                }
                Some((_, other)) => out.push(other),
                None => {}
            }
        }
        Spanned::new(out.into(), sp)
    }

    fn date(&mut self, pair: P<'_>) -> Spanned<NaiveDate> {
        let sp = self.at(&pair);
        let text = pair.as_str();
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| {
            self.errors.push(ParseError::InvalidDate {
                text: text.to_owned(),
                span: sp.into(),
            });
            NaiveDate::MIN
        });
        Spanned::new(date, sp)
    }

    fn number(&mut self, pair: P<'_>) -> Number {
        let sp = self.at(&pair);
        let text = pair.as_str().to_owned();
        let value = self.float(&text, sp);
        Number {
            value,
            text,
            span: sp,
        }
    }

    fn float(&mut self, text: &str, sp: Span) -> f64 {
        let value: f64 = text.replace('_', "").parse().unwrap_or(f64::INFINITY);
        if value.is_finite() {
            value
        } else {
            self.errors.push(ParseError::NumberTooLarge {
                text: text.to_owned(),
                span: sp.into(),
            });
            0.0
        }
    }

    fn int(&mut self, pair: P<'_>) -> Spanned<u64> {
        let sp = self.at(&pair);
        let text = pair.as_str();
        Spanned::new(self.whole(text, sp), sp)
    }

    fn whole(&mut self, text: &str, sp: Span) -> u64 {
        text.replace('_', "").parse().unwrap_or_else(|_| {
            self.errors.push(ParseError::NumberTooLarge {
                text: text.to_owned(),
                span: sp.into(),
            });
            0
        })
    }

    fn percent(&mut self, pair: P<'_>) -> Percent {
        let sp = self.at(&pair);
        let text = pair.as_str().trim_end_matches('%').to_owned();
        let value = self.float(&text, sp);
        Percent {
            value,
            text,
            span: sp,
        }
    }

    fn money(&mut self, pair: P<'_>) -> Option<Money> {
        let sp = self.at(&pair);
        let mut currency = None;
        let mut amount = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::currency_code => currency = Some(self.ident(p)),
                _ => amount = Some(self.number(p)),
            }
        }
        Some(Money {
            currency,
            amount: amount?,
            span: sp,
        })
    }

    pub(crate) fn duration(&mut self, pair: P<'_>) -> Duration {
        let sp = self.at(&pair);
        let text = pair.as_str();
        let mut parts = Vec::new();
        let mut from = 0;
        for (i, c) in text.char_indices() {
            let unit = match c {
                's' => DurationUnit::Second,
                'm' => DurationUnit::Minute,
                'h' => DurationUnit::Hour,
                'd' => DurationUnit::Day,
                'w' => DurationUnit::Week,
                _ => continue,
            };
            let amount = text.get(from..i).unwrap_or("");
            let part_span = Span::new(sp.start() + from, sp.start() + i + 1);
            parts.push((self.whole(amount, part_span), unit));
            from = i + 1;
        }
        Duration { parts, span: sp }
    }
}

// `Rule` names the grammar's rules; the AST's rule is aliased to keep both readable.
use super::ast::Rule as Rule_;

impl Lower {
    /// A pair's span in the whole file.
    fn at(&self, pair: &P<'_>) -> Span {
        shift(span(pair), self.offset)
    }

    fn ident(&self, pair: P<'_>) -> Ident {
        Spanned::new(pair.as_str().into(), self.at(&pair))
    }

    fn period(&self, pair: P<'_>) -> Option<Spanned<Period>> {
        let p = match pair.as_str() {
            "day" => Period::Day,
            "week" => Period::Week,
            "month" => Period::Month,
            "quarter" => Period::Quarter,
            "year" => Period::Year,
            _ => return None,
        };
        Some(Spanned::new(p, self.at(&pair)))
    }

    fn weekday(&self, pair: P<'_>) -> Option<Spanned<u8>> {
        let index = WEEKDAYS.iter().position(|d| *d == pair.as_str())?;
        Some(Spanned::new(u8::try_from(index).ok()?, self.at(&pair)))
    }

    fn day_range(&self, pair: P<'_>) -> Option<DayRange> {
        let sp = self.at(&pair);
        let mut it = pair.into_inner();
        let first = self.weekday(it.next()?)?;
        let last = match it.next() {
            Some(p) => Some(self.weekday(p)?),
            None => None,
        };
        Some(DayRange {
            first,
            last,
            span: sp,
        })
    }
}

fn shift(span: Span, by: usize) -> Span {
    Span::new(span.start() + by, span.end() + by)
}

#[cfg(test)]
mod tests {
    use super::{is_keyword, Rule};

    #[test]
    fn keywords_are_exactly_the_kw_rules() {
        for rule in Rule::all_rules() {
            let named = format!("{rule:?}").starts_with("kw_");
            assert_eq!(is_keyword(*rule), named, "{rule:?}");
        }
    }
}
