//! The canonical layout of an agreement: `accord fmt`.
//!
//! The tree is printed anew, so the layout depends on the meaning alone;
//! comments (which the tree does not hold) are placed back by position: a
//! comment on a line of its own stays above the line that followed it, a
//! comment at the end of a line stays at the end of that line. One blank
//! line is kept wherever the author left one or more.
//!
//! Layout: two-space indent, one clause per line; keywords padded to a
//! common column in settings, teams, calendars and the funnel; term names
//! aligned in a run of terms; weights with keys aligned and numbers flush
//! right; the `when`/`otherwise` of a rule's alternatives aligned. A team or
//! calendar with one clause and no comments stays on one line.

mod text;

use crate::syntax::ast::*;
use crate::syntax::{self, Comment, ParseError};

pub use text::{condition, duration, string};

/// Formats an agreement's source, or says why it cannot be read.
pub fn format(source: &str) -> Result<String, Vec<ParseError>> {
    let agreement = syntax::parse(source)?;
    let mut printer = Printer {
        source,
        comments: syntax::comments(source),
        next: 0,
        last_end: 0,
        out: String::with_capacity(source.len() + source.len() / 8),
    };
    printer.agreement(&agreement);
    Ok(printer.out)
}

const INDENT: &str = "  ";
/// Blocks with one clause stay on one line up to this width.
const ONE_LINE: usize = 100;

struct Printer<'s> {
    source: &'s str,
    comments: Vec<Comment>,
    next: usize,
    /// End of the last thing printed, in the source.
    last_end: usize,
    out: String,
}

impl<'s> Printer<'s> {
    fn agreement(&mut self, a: &Agreement) {
        let header = format!("agreement {}", string(&a.name));
        let brace = self.open_at(a.name.span.end());
        self.line(0, &header, a.span.start(), a.keyword.start(), brace);
        self.opened(brace);
        self.items(&a.items);
        self.close(0, a.span.end());
        // Comments after the agreement block.
        self.flush_before(self.source.len() + 1, 0);
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
    }

    fn items(&mut self, items: &[Item]) {
        let widths = self.alignment(items);
        for (item, width) in items.iter().zip(widths) {
            match item {
                Item::Setting(s) => {
                    let text = format!("{:width$} {}", s.kind.keyword(), setting(&s.kind));
                    self.single(1, &text, s.span);
                }
                Item::Term(t) => {
                    let text = format!(
                        "term {:width$} means {}",
                        t.name.node,
                        condition(&t.condition)
                    );
                    self.single(1, &text, t.span);
                }
                Item::Calendar(c) => self.calendar(c),
                Item::Team(t) => self.team(t),
                Item::Weights(w) => self.weights(w),
                Item::Funnel(f) => self.funnel(f),
                Item::Rule(r) => self.rule(r),
            }
        }
    }

    /// The padding of each item: settings pad their keyword and terms their
    /// name to the widest in a run not broken by a blank line.
    fn alignment(&self, items: &[Item]) -> Vec<usize> {
        let key = |item: &Item| match item {
            Item::Setting(s) => Some((0, s.kind.keyword().len())),
            Item::Term(t) => Some((1, t.name.chars().count())),
            _ => None,
        };
        let mut widths = vec![0; items.len()];
        let mut start = 0;
        while start < items.len() {
            let Some((kind, _)) = items.get(start).and_then(key) else {
                start += 1;
                continue;
            };
            let mut end = start + 1;
            while let Some(item) = items.get(end) {
                let same = key(item).is_some_and(|(k, _)| k == kind);
                let prev_end = items.get(end - 1).map_or(0, |p| p.span().end());
                if !same || self.blank_between(prev_end, item.span().start()) {
                    break;
                }
                end += 1;
            }
            let run = items.get(start..end).unwrap_or(&[]);
            let width = run
                .iter()
                .filter_map(key)
                .map(|(_, w)| w)
                .max()
                .unwrap_or(0);
            for w in widths.iter_mut().take(end).skip(start) {
                *w = width;
            }
            start = end;
        }
        widths
    }

    fn calendar(&mut self, c: &Calendar) {
        let header = format!("calendar {}", c.name.node);
        let clauses: Vec<(&str, String, Span)> = c
            .clauses
            .iter()
            .map(|clause| match clause {
                CalendarClause::Hours {
                    days,
                    intervals,
                    span,
                } => {
                    let days: Vec<String> = days.iter().map(day_range).collect();
                    let times: Vec<String> = intervals
                        .iter()
                        .map(|t| format!("{}-{}", clock(t.start.node), clock(t.end.node)))
                        .collect();
                    (
                        "hours",
                        format!("{} {}", days.join(", "), times.join(", ")),
                        *span,
                    )
                }
                CalendarClause::Closed { dates, span } => {
                    let dates: Vec<String> = dates.iter().map(|d| d.node.to_string()).collect();
                    ("closed", dates.join(", "), *span)
                }
            })
            .collect();
        self.keyword_block(&header, c.name.span.end(), c.span, &clauses, true);
    }

    fn team(&mut self, t: &Team) {
        let header = format!("team {}", t.name.node);
        let clauses: Vec<(&str, String, Span)> = t
            .clauses
            .iter()
            .map(|clause| match clause {
                TeamClause::Lead { person, span } => ("lead", string(person), *span),
                TeamClause::Members { people, span } => {
                    let people: Vec<String> = people.iter().map(string).collect();
                    ("members", people.join(", "), *span)
                }
            })
            .collect();
        self.keyword_block(&header, t.name.span.end(), t.span, &clauses, true);
    }

    fn funnel(&mut self, f: &Funnel) {
        let clauses: Vec<(&str, String, Span)> = f
            .clauses
            .iter()
            .map(|clause| {
                let value = match clause {
                    FunnelClause::Revenue { amount, per, .. } => {
                        format!("{} per {}", money(amount), per.node.name())
                    }
                    FunnelClause::MarketingShare { share, .. } => percent(share),
                    FunnelClause::DealSize { amount, .. } => money(amount),
                    FunnelClause::LeadToCustomer { rate, .. } => percent(rate),
                };
                (clause.keyword(), value, clause.span())
            })
            .collect();
        self.keyword_block(
            "funnel",
            f.span.start() + "funnel".len(),
            f.span,
            &clauses,
            false,
        );
    }

    /// A block of `keyword value` clauses with the values aligned.
    fn keyword_block(
        &mut self,
        header: &str,
        header_end: usize,
        span: Span,
        clauses: &[(&str, String, Span)],
        may_inline: bool,
    ) {
        let brace = self.open_at(header_end);
        if may_inline {
            if let [(keyword, value, _)] = clauses {
                let one = format!("{header} {{ {keyword} {value} }}");
                let quiet = !self.has_comment_within(span);
                if quiet && INDENT.len() + one.len() <= ONE_LINE {
                    self.single(1, &one, span);
                    return;
                }
            }
        }
        self.line(1, header, span.start(), span.start(), brace);
        self.opened(brace);
        let width = clauses.iter().map(|(k, _, _)| k.len()).max().unwrap_or(0);
        for (keyword, value, clause_span) in clauses {
            self.single(2, &format!("{keyword:width$} {value}"), *clause_span);
        }
        self.close(1, span.end());
    }

    fn weights(&mut self, w: &Weights) {
        let brace = self.open_at(w.field.span.end());
        self.line(
            1,
            &format!("weights {}", w.field.node),
            w.span.start(),
            w.span.start(),
            brace,
        );
        self.opened(brace);
        let keys: Vec<String> = w
            .rows
            .iter()
            .map(|r| {
                r.key
                    .as_ref()
                    .map_or_else(|| "otherwise".to_owned(), string)
            })
            .collect();
        let key_width = keys.iter().map(|k| k.chars().count()).max().unwrap_or(0);
        let num_width = w
            .rows
            .iter()
            .map(|r| r.weight.text.len())
            .max()
            .unwrap_or(0);
        for (row, key) in w.rows.iter().zip(&keys) {
            let pad = key_width - key.chars().count();
            let text = format!("{key}{:pad$} {:>num_width$}", "", row.weight.text);
            self.single(2, &text, row.span);
        }
        self.close(1, w.span.end());
    }

    fn rule(&mut self, r: &Rule) {
        let brace = self.open_at(r.name.span.end());
        let header = format!("{} {}", r.kind.node.keyword(), string(&r.name));
        self.line(1, &header, r.span.start(), r.span.start(), brace);
        self.opened(brace);
        let lines: Vec<(String, Option<String>)> =
            r.clauses.iter().map(|c| clause(&c.kind)).collect();
        // Alternatives line up their `when`/`otherwise`.
        let width = lines
            .iter()
            .filter(|(_, applies)| applies.is_some())
            .map(|(head, _)| head.chars().count())
            .max()
            .unwrap_or(0);
        for (c, (head, applies)) in r.clauses.iter().zip(lines) {
            let text = match applies {
                Some(applies) => format!("{head:width$} {applies}"),
                None => head,
            };
            self.single(2, &text, c.span);
        }
        self.close(1, r.span.end());
    }

    // ------------------------------------------------------------ placement

    /// A one-line item: its own comments first, then the line, then a comment
    /// that shared its last line.
    fn single(&mut self, depth: usize, text: &str, span: Span) {
        self.line(depth, text, span.start(), span.end(), span.end());
        self.trailing(span.end());
    }

    /// Starts a line for something spanning `start..end` in the source:
    /// comments before `before` go above it (after a blank line if the author
    /// left one).
    fn line(&mut self, depth: usize, text: &str, start: usize, before: usize, end: usize) {
        self.flush_before(before, depth);
        if self.blank_between(self.last_end, start) && !self.just_opened() {
            self.out.push('\n');
        }
        self.indent(depth);
        self.out.push_str(text);
        self.last_end = end;
    }

    /// Own-line comments that start before `offset`.
    fn flush_before(&mut self, offset: usize, depth: usize) {
        while let Some(comment) = self.comments.get(self.next).cloned() {
            if comment.span.start() >= offset {
                break;
            }
            if self.blank_between(self.last_end, comment.span.start()) && !self.just_opened() {
                self.out.push('\n');
            }
            self.indent(depth);
            self.out.push_str(&comment.text);
            self.out.push('\n');
            self.last_end = comment.span.end();
            self.next += 1;
        }
    }

    /// Ends a block's opening line: ` {`, and a comment that followed the brace.
    fn opened(&mut self, brace: usize) {
        self.out.push_str(" {");
        self.trailing(brace);
    }

    /// A comment that directly follows `end` on its source line (nothing but
    /// spaces between) goes at the end of the printed line.
    fn trailing(&mut self, end: usize) {
        if let Some(comment) = self.comments.get(self.next) {
            let gap = self.source.get(end..comment.span.start()).unwrap_or("\n");
            if comment.span.start() >= end && gap.chars().all(|c| c == ' ' || c == '\t') {
                self.out.push_str("  ");
                self.out.push_str(&comment.text);
                self.last_end = comment.span.end();
                self.next += 1;
            }
        }
        self.out.push('\n');
    }

    fn close(&mut self, depth: usize, block_end: usize) {
        let brace = block_end.saturating_sub(1);
        self.flush_before(brace, depth + 1);
        self.indent(depth);
        self.out.push('}');
        self.last_end = block_end;
        self.trailing(block_end);
    }

    /// The offset just after the `{` that follows `from`.
    fn open_at(&self, from: usize) -> usize {
        self.source
            .get(from..)
            .and_then(|rest| rest.find('{'))
            .map_or(from, |i| from + i + 1)
    }

    fn has_comment_within(&self, span: Span) -> bool {
        self.comments
            .get(self.next..)
            .unwrap_or(&[])
            .iter()
            .take_while(|c| c.span.start() < span.end())
            .any(|c| c.span.start() >= span.start())
    }

    fn blank_between(&self, from: usize, to: usize) -> bool {
        let gap = self.source.get(from..to).unwrap_or("");
        let mut lines = gap.split('\n');
        lines.next();
        let inner: Vec<&str> = lines.collect();
        // Lines strictly between the first and the last of the gap.
        inner.len() > 1
            && inner
                .iter()
                .take(inner.len() - 1)
                .any(|l| l.trim().is_empty())
    }

    fn just_opened(&self) -> bool {
        self.out.is_empty() || self.out.ends_with("{\n") || self.out.trim_end().ends_with('{')
    }

    fn indent(&mut self, depth: usize) {
        for _ in 0..depth {
            self.out.push_str(INDENT);
        }
    }
}

fn setting(kind: &SettingKind) -> String {
    match kind {
        SettingKind::Version(v) => string(v),
        SettingKind::Effective { from, to } => format!("{} to {}", from.node, to.node),
        SettingKind::Timezone(tz) => string(tz),
        SettingKind::Currency(code) => code.node.to_string(),
        SettingKind::Review { every, last } => match last {
            Some(last) => format!("every {}, last {}", every.node.name(), last.node),
            None => format!("every {}", every.node.name()),
        },
    }
}

/// A rule clause: its text, and for alternatives the `when`/`otherwise` part
/// separately so that it can be aligned.
fn clause(kind: &ClauseKind) -> (String, Option<String>) {
    let each_per = |each: &Option<Spanned<Period>>, per: &Option<Ident>| {
        let mut s = String::new();
        if let Some(each) = each {
            s.push_str(" each ");
            s.push_str(each.node.name());
        }
        if let Some(per) = per {
            s.push_str(" per ");
            s.push_str(per);
        }
        s
    };
    let text = match kind {
        ClauseKind::Owner(team) => format!("owner {}", team.node),
        ClauseKind::Leads(c) => format!("leads {}", condition(c)),
        ClauseKind::QuotaTarget {
            measure,
            bound,
            rate,
            each,
            per,
        } => {
            let rate = match &**rate {
                Rate::Amount { amount, per } => {
                    format!("{} per {}", money(amount), per.node.name())
                }
                Rate::Funnel(f) => f.node.text().to_owned(),
            };
            let measure = match measure.node {
                Measure::Count => "count",
                Measure::Value => "value",
            };
            format!(
                "{measure} {} {rate}{}",
                bound.node.symbol(),
                each_per(each, per)
            )
        }
        ClauseKind::First(c) => format!("first {}", condition(c)),
        ClauseKind::Within { window: w, applies } => {
            return (
                format!("within {}", window(w)),
                Some(self::applies(applies)),
            )
        }
        ClauseKind::Target {
            percent: p,
            each,
            per,
        } => {
            format!("target {}{}", percent(p), each_per(each, per))
        }
        ClauseKind::Count(c) => format!("count {}", condition(c)),
        ClauseKind::Band {
            band,
            window: w,
            applies,
        } => {
            return (
                format!("{} within {}", self::band(band), window(w)),
                Some(self::applies(applies)),
            );
        }
        ClauseKind::Until(c) => format!("until {}", condition(c)),
        ClauseKind::MaxDuration(d) => format!("max duration {}", duration(d)),
        ClauseKind::FromTo { from, to } => format!("from {} to {}", from.node, to.node),
        ClauseKind::AtHandoff => "at handoff".to_owned(),
        ClauseKind::After { window: w, anchor } => {
            let anchor = match anchor {
                Anchor::Handoff(_) => "handoff".to_owned(),
                Anchor::First(c) => format!("first {}", condition(c)),
            };
            format!("within {} after {anchor}", window(w))
        }
        ClauseKind::Provide { fields, by } => {
            let fields: Vec<&str> = fields.iter().map(|f| f.as_str()).collect();
            match by {
                Some(by) => format!("provide {} by {}", fields.join(", "), condition(by)),
                None => format!("provide {}", fields.join(", ")),
            }
        }
        ClauseKind::Contact(c) => format!("contact {}", condition(c)),
        ClauseKind::Buckets(ds) => {
            let ds: Vec<String> = ds.iter().map(duration).collect();
            format!("buckets {}", ds.join(", "))
        }
        ClauseKind::BreachAfter(d) => format!("breach after {}", duration(d)),
        ClauseKind::Per(field) => format!("per {}", field.node),
        ClauseKind::Warn(p) => format!("warn at {}", percent(p)),
    };
    (text, None)
}

/// A window as written: `1h on office`, `14d`.
pub fn window(w: &Window) -> String {
    match &w.calendar {
        Some(cal) => format!("{} on {}", duration(&w.duration), cal.node),
        None => duration(&w.duration),
    }
}

/// An attempts band as written: `between 6 and 9`, `at least 3`.
pub fn band(b: &Band) -> String {
    match b {
        Band::Between { min, max } => format!("between {} and {}", min.node, max.node),
        Band::AtLeast(min) => format!("at least {}", min.node),
        Band::AtMost(max) => format!("at most {}", max.node),
    }
}

/// Whom a window clause applies to: `when persona is "CEO"` or `otherwise`.
pub fn applies(a: &Applies) -> String {
    match a {
        Applies::When(c) => format!("when {}", condition(c)),
        Applies::Otherwise(_) => "otherwise".to_owned(),
    }
}

fn money(m: &Money) -> String {
    match &m.currency {
        Some(code) => format!("{} {}", code.node, m.amount.text),
        None => m.amount.text.clone(),
    }
}

fn percent(p: &Percent) -> String {
    format!("{}%", p.text)
}

fn clock(c: Clock) -> String {
    format!("{:02}:{:02}", c.0 / 60, c.0 % 60)
}

fn day_range(r: &DayRange) -> String {
    let name = |d: u8| WEEKDAYS.get(usize::from(d)).copied().unwrap_or("mon");
    match &r.last {
        Some(last) => format!("{}-{}", name(r.first.node), name(last.node)),
        None => name(r.first.node).to_owned(),
    }
}
