//! Rules compared clause by clause, and the judgement of each difference:
//! stricter or looser, and for whom (the rule's owner; a duty's `from`
//! team).
//!
//! A rule is read into a [`View`] first, so clause order and defaults (a
//! missing `target` is 100%, a missing `each` the rule's default window)
//! make no difference.

use chrono::NaiveDate;

use super::condition::same;
use super::{Change, Direction, Side, Sides, Subject, TargetChange};
use crate::eval::plan::window_targets;
use crate::format;
use crate::report::verdict::number;
use crate::syntax::ast::{
    Anchor, Applies, Band, Bound, ClauseKind, Condition, Duration, FunnelRef, Ident, Measure,
    Period, Rate, Rule, RuleKind, Window,
};

/// Which way a number, a deadline or an amount of open time moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    /// Up for some leads or windows, down for others.
    Both,
}

impl Move {
    /// The direction of this move for a quantity where going up is `up`.
    pub fn judge(self, up: Direction) -> Direction {
        match self {
            Move::Up => up,
            Move::Down => up.reversed(),
            Move::Both => Direction::Changed,
        }
    }

    pub fn reversed(self) -> Move {
        match self {
            Move::Up => Move::Down,
            Move::Down => Move::Up,
            Move::Both => Move::Both,
        }
    }
}

/// How two numbers compare; `None` when equal (up to rounding noise).
pub fn move_of(old: f64, new: f64) -> Option<Move> {
    let scale = old.abs().max(new.abs()).max(1.0);
    if (new - old).abs() <= scale * 1e-9 {
        None
    } else if new > old {
        Some(Move::Up)
    } else {
        Some(Move::Down)
    }
}

/// Several moves together: the same way, or both ways.
pub fn merge_moves(moves: impl IntoIterator<Item = Option<Move>>) -> Option<Move> {
    moves
        .into_iter()
        .flatten()
        .reduce(|a, b| if a == b { a } else { Move::Both })
}

/// Two judgements of one change: agreeing, or `changed`.
pub fn combine(a: Option<Direction>, b: Option<Direction>) -> Option<Direction> {
    match (a, b) {
        (Some(a), Some(b)) if a == b => Some(a),
        (Some(_), Some(_)) => Some(Direction::Changed),
        (a, None) => a,
        (None, b) => b,
    }
}

/// Longest and shortest a span of `days` calendar days can be: a local day
/// lasts 23 to 25 hours, and daylight-saving switches alternate, so a span
/// of days is off its 24-hour count by at most an hour.
fn bounds(d: &Duration) -> (u64, u64) {
    let days = d.calendar_days().saturating_mul(86_400);
    let slack = if d.calendar_days() > 0 { 3600 } else { 0 };
    let secs = d.exact_seconds();
    (
        days.saturating_sub(slack).saturating_add(secs),
        days.saturating_add(slack).saturating_add(secs),
    )
}

/// How a wall-clock duration moved; `1d` against `24h` differs only on the
/// days clocks change, which is a move both ways.
pub fn duration_move(old: &Duration, new: &Duration) -> Option<Move> {
    let (od, os) = (old.calendar_days(), old.exact_seconds());
    let (nd, ns) = (new.calendar_days(), new.exact_seconds());
    if od == nd {
        return move_of(os as f64, ns as f64);
    }
    if os == ns {
        return move_of(od as f64, nd as f64);
    }
    let ((old_lo, old_hi), (new_lo, new_hi)) = (bounds(old), bounds(new));
    Some(if new_lo >= old_hi {
        Move::Up
    } else if new_hi <= old_lo {
        Move::Down
    } else {
        Move::Both
    })
}

/// How a deadline moved. On a calendar only open time counts, which never
/// runs faster than the wall clock: `1h on office` ends no sooner than
/// `1h`. Calendars are compared by name here; what changed inside a
/// calendar is the calendar's own change.
pub fn window_move(old: &Window, new: &Window) -> Option<Move> {
    match (&old.calendar, &new.calendar) {
        (None, None) => duration_move(&old.duration, &new.duration),
        (Some(a), Some(b)) if a.node == b.node => duration_move(&old.duration, &new.duration),
        (None, Some(_)) => Some(if new.duration.exact_seconds() >= bounds(&old.duration).1 {
            Move::Up
        } else {
            Move::Both
        }),
        (Some(_), None) => Some(if bounds(&new.duration).1 <= old.duration.exact_seconds() {
            Move::Down
        } else {
            Move::Both
        }),
        (Some(_), Some(_)) => Some(Move::Both),
    }
}

/// What a later deadline means to a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Something must happen before it (a first touch, a hand-over): later
    /// is more time, looser.
    Due,
    /// Attempts are counted up to it: more time to reach a minimum
    /// (`floor`), but more counted against a maximum or a time budget (`cap`).
    Counts { floor: bool, cap: bool },
}

impl Deadline {
    /// The direction of a deadline that moved.
    pub fn judge(self, m: Move) -> Direction {
        let later = match self {
            Deadline::Due
            | Deadline::Counts {
                floor: true,
                cap: false,
            } => Direction::Looser,
            Deadline::Counts {
                floor: false,
                cap: true,
            } => Direction::Stricter,
            Deadline::Counts { .. } => Direction::Changed,
        };
        m.judge(later)
    }
}

/// How an attempts band moved: a higher minimum or a lower maximum asks
/// more; both ways at once is `changed`.
pub fn band_direction(old: (u64, Option<u64>), new: (u64, Option<u64>)) -> Option<Direction> {
    let min = move_of(old.0 as f64, new.0 as f64).map(|m| m.judge(Direction::Stricter));
    let max = match (old.1, new.1) {
        (Some(a), Some(b)) => move_of(a as f64, b as f64),
        (None, Some(_)) => Some(Move::Down),
        (Some(_), None) => Some(Move::Up),
        (None, None) => None,
    }
    .map(|m| m.judge(Direction::Looser));
    combine(min, max)
}

/// Adding or removing something that asks more of the team (a field to
/// provide, a time budget): `ask_more` is the direction of adding.
pub fn set_direction(added: bool, removed: bool, ask_more: Direction) -> Option<Direction> {
    match (added, removed) {
        (true, true) => Some(Direction::Changed),
        (true, false) => Some(ask_more),
        (false, true) => Some(ask_more.reversed()),
        (false, false) => None,
    }
}

/// What `per FIELD` added or removed does. On a percentage rule each group
/// must reach the target and the whole is a weighted mean of the groups, so
/// splitting can only add misses; on a quota each group is held to the
/// whole number, which asks more of a floor and allows more under a cap.
pub fn per_direction(kind: RuleKind, bound: Option<Bound>, added: bool) -> Direction {
    let split = match (kind, bound) {
        (RuleKind::Aging, _) => Direction::Changed,
        (RuleKind::Quota, Some(Bound::AtMost)) => Direction::Looser,
        _ => Direction::Stricter,
    };
    if added {
        split
    } else {
        split.reversed()
    }
}

/// A rule added (stricter: one more thing to keep) or removed.
pub fn whole_rule(rule: &Rule, added: bool) -> Change {
    let subject = subject(rule);
    let text = Some(format!(
        "{} \"{}\"",
        rule.kind.node.keyword(),
        rule.name.node
    ));
    let (before, after, direction) = if added {
        (None, text, Direction::Stricter)
    } else {
        (text, None, Direction::Looser)
    };
    subject
        .change(None, before, after)
        .judged(direction, owner(rule))
}

/// The team a rule holds to account: its owner, a duty's `from` team.
pub(crate) fn owner(rule: &Rule) -> Option<&str> {
    View::of(rule).owner
}

/// A quota's measure, bound and rate.
pub(crate) fn quota_of(rule: &Rule) -> Option<(Measure, Bound, &Rate)> {
    View::of(rule).quota
}

/// What each of `rule`'s windows on `calendar` bounds.
pub(crate) fn calendar_uses(rule: &Rule, calendar: &str) -> Vec<Deadline> {
    let v = View::of(rule);
    let on = |w: &Window| w.calendar.as_ref().is_some_and(|c| c.node == calendar);
    let mut uses: Vec<Deadline> = v
        .alts
        .iter()
        .filter(|alt| on(alt.window))
        .map(|alt| alt.band.map_or(Deadline::Due, |band| v.counts(band)))
        .collect();
    if v.after.is_some_and(|(w, _)| on(w)) {
        uses.push(Deadline::Due);
    }
    uses
}

fn subject(rule: &Rule) -> Subject {
    Subject {
        rule: true,
        kind: rule.kind.node.keyword(),
        name: Some(rule.name.node.to_string()),
    }
}

/// A rule's clauses by meaning.
#[derive(Default)]
struct View<'a> {
    owner: Option<&'a str>,
    to: Option<&'a str>,
    leads: Option<&'a Condition>,
    quota: Option<(Measure, Bound, &'a Rate)>,
    target: Option<f64>,
    each: Option<Period>,
    per: Option<&'a str>,
    first: Option<&'a Condition>,
    count: Option<&'a Condition>,
    until: Option<&'a Condition>,
    contact: Option<&'a Condition>,
    alts: Vec<Alt<'a>>,
    max_duration: Option<&'a Duration>,
    at_handoff: bool,
    after: Option<(&'a Window, &'a Anchor)>,
    provide: Option<(&'a [Ident], Option<&'a Condition>)>,
    buckets: Option<&'a [Duration]>,
    breach: Option<&'a Duration>,
    warn: Option<f64>,
}

/// One `within` (response) or band (attempts) alternative.
struct Alt<'a> {
    band: Option<&'a Band>,
    window: &'a Window,
    applies: &'a Applies,
}

impl<'a> View<'a> {
    fn of(rule: &'a Rule) -> View<'a> {
        let mut v = View::default();
        for clause in &rule.clauses {
            match &clause.kind {
                ClauseKind::Owner(team) => v.owner = Some(team.as_str()),
                ClauseKind::FromTo { from, to } => {
                    v.owner = Some(from.as_str());
                    v.to = Some(to.as_str());
                }
                ClauseKind::Leads(c) => v.leads = Some(c),
                ClauseKind::QuotaTarget {
                    measure,
                    bound,
                    rate,
                    each,
                    per,
                } => {
                    v.quota = Some((measure.node, bound.node, rate));
                    v.each = each.as_ref().map(|e| e.node);
                    v.per = per.as_ref().map(|p| p.as_str());
                }
                ClauseKind::Target { percent, each, per } => {
                    v.target = Some(percent.value);
                    v.each = each.as_ref().map(|e| e.node);
                    v.per = per.as_ref().map(|p| p.as_str());
                }
                ClauseKind::Per(field) => v.per = Some(field.as_str()),
                ClauseKind::First(c) => v.first = Some(c),
                ClauseKind::Count(c) => v.count = Some(c),
                ClauseKind::Until(c) => v.until = Some(c),
                ClauseKind::Contact(c) => v.contact = Some(c),
                ClauseKind::Within { window, applies } => v.alts.push(Alt {
                    band: None,
                    window,
                    applies,
                }),
                ClauseKind::Band {
                    band,
                    window,
                    applies,
                } => v.alts.push(Alt {
                    band: Some(band),
                    window,
                    applies,
                }),
                ClauseKind::MaxDuration(d) => v.max_duration = Some(d),
                ClauseKind::AtHandoff => v.at_handoff = true,
                ClauseKind::After { window, anchor } => v.after = Some((window, anchor)),
                ClauseKind::Provide { fields, by } => v.provide = Some((fields, by.as_deref())),
                ClauseKind::Buckets(ds) => v.buckets = Some(ds),
                ClauseKind::BreachAfter(d) => v.breach = Some(d),
                ClauseKind::Warn(percent) => v.warn = Some(percent.value),
            }
        }
        v
    }

    /// Whether the attempts' window bounds a minimum, a maximum or both.
    fn counts(&self, band: &Band) -> Deadline {
        Deadline::Counts {
            floor: band.min() > 0,
            cap: band.max().is_some() || self.max_duration.is_some(),
        }
    }
}

/// One rule's two versions, and where their changes go.
struct Pair<'s, 'a> {
    sides: &'s Sides<'a>,
    kind: RuleKind,
    subject: Subject,
    team: Option<&'a str>,
    out: &'s mut Vec<Change>,
}

impl Pair<'_, '_> {
    /// A change to `clause`, for the rule's team unless it is only `changed`.
    fn judged(
        &self,
        clause: &str,
        before: Option<String>,
        after: Option<String>,
        d: Direction,
    ) -> Change {
        self.subject
            .change(Some(clause), before, after)
            .judged(d, self.team.filter(|_| d != Direction::Changed))
    }

    fn push(&mut self, clause: &str, before: Option<String>, after: Option<String>, d: Direction) {
        let change = self.judged(clause, before, after, d);
        self.out.push(change);
    }

    fn same(&self, old: &Condition, new: &Condition) -> bool {
        same(&self.sides.old.glossary, old, &self.sides.new.glossary, new)
    }

    /// An optional condition clause: added, removed or changed.
    fn condition(
        &mut self,
        clause: &str,
        old: Option<&Condition>,
        new: Option<&Condition>,
        added: Direction,
    ) {
        let text = |c: Option<&Condition>| c.map(format::condition);
        let direction = match (old, new) {
            (Some(a), Some(b)) if self.same(a, b) => return,
            (None, None) => return,
            (Some(_), Some(_)) => Direction::Changed,
            (None, Some(_)) => added,
            (Some(_), None) => added.reversed(),
        };
        self.push(clause, text(old), text(new), direction);
    }
}

/// Every difference between two versions of one rule.
pub(crate) fn compare_rule(sides: &Sides<'_>, old: &Rule, new: &Rule, out: &mut Vec<Change>) {
    let (a, b) = (View::of(old), View::of(new));
    let mut p = Pair {
        sides,
        kind: new.kind.node,
        subject: subject(new),
        team: b.owner.or(a.owner),
        out,
    };
    let team_text = |t: Option<&str>| t.map(str::to_owned);
    let owner_clause = if p.kind == RuleKind::Duty {
        "from"
    } else {
        "owner"
    };
    if a.owner != b.owner {
        p.push(
            owner_clause,
            team_text(a.owner),
            team_text(b.owner),
            Direction::Changed,
        );
    }
    if a.to != b.to {
        p.push("to", team_text(a.to), team_text(b.to), Direction::Changed);
    }
    scope(&mut p, a.leads, b.leads);
    match (a.quota, b.quota) {
        (Some(qa), Some(qb)) => quota(&mut p, (qa, a.each), (qb, b.each)),
        _ => percentage(&mut p, &a, &b),
    }
    per(&mut p, a.per, b.per, b.quota.map(|q| q.1));
    p.condition("first", a.first, b.first, Direction::Changed);
    p.condition("count", a.count, b.count, Direction::Changed);
    p.condition("contact", a.contact, b.contact, Direction::Changed);
    // `until` lets a lead be met before its deadline: an easier way out.
    p.condition("until", a.until, b.until, Direction::Looser);
    alternatives(&mut p, &a, &b);
    max_duration(&mut p, a.max_duration, b.max_duration);
    duty(&mut p, &a, &b);
    aging(&mut p, &a, &b);
    warn(&mut p, a.warn, b.warn);
}

/// `warn at P%` changes when an open item shows as due soon, and no
/// verdict: neither stricter nor looser.
fn warn(p: &mut Pair<'_, '_>, old: Option<f64>, new: Option<f64>) {
    let note = match (old, new) {
        (Some(a), Some(b)) => match move_of(a, b) {
            None => return,
            Some(Move::Down) => "warns earlier",
            Some(_) => "warns later",
        },
        (None, Some(_)) => "warns before a breach",
        (Some(_), None) => "no longer warns",
        (None, None) => return,
    };
    let text = |x: Option<f64>| x.map(|x| format!("warn at {}%", number(x)));
    let change = p
        .subject
        .change(Some("warn at"), text(old), text(new))
        .noted(note);
    p.out.push(change);
}

/// `leads`: who the rule is about. Neither stricter nor looser.
fn scope(p: &mut Pair<'_, '_>, old: Option<&Condition>, new: Option<&Condition>) {
    let text =
        |c: Option<&Condition>| Some(c.map_or_else(|| "every lead".to_owned(), format::condition));
    let changed = match (old, new) {
        (Some(a), Some(b)) => !p.same(a, b),
        (None, None) => false,
        _ => true,
    };
    if changed {
        let change = p
            .subject
            .change(Some("leads"), text(old), text(new))
            .noted("scope changed");
        p.out.push(change);
    }
}

/// A percentage rule's `target P% [each P]`; defaults 100% and each month.
fn percentage(p: &mut Pair<'_, '_>, a: &View<'_>, b: &View<'_>) {
    if p.kind == RuleKind::Aging {
        return;
    }
    let (old, new) = (a.target.unwrap_or(100.0), b.target.unwrap_or(100.0));
    if let Some(m) = move_of(old, new) {
        let text = |x: f64| Some(format!("{}%", number(x)));
        p.push("target", text(old), text(new), m.judge(Direction::Stricter));
    }
    let (old, new) = (
        a.each.unwrap_or(Period::Month),
        b.each.unwrap_or(Period::Month),
    );
    if old != new {
        let text = |x: Period| Some(x.name().to_owned());
        p.push("each", text(old), text(new), Direction::Changed);
    }
}

fn per(p: &mut Pair<'_, '_>, old: Option<&str>, new: Option<&str>, bound: Option<Bound>) {
    let direction = match (old, new) {
        (a, b) if a == b => return,
        (None, Some(_)) => per_direction(p.kind, bound, true),
        (Some(_), None) => per_direction(p.kind, bound, false),
        _ => Direction::Changed,
    };
    let text = |f: Option<&str>| {
        Some(f.map_or_else(|| "the whole team".to_owned(), |f| format!("per {f}")))
    };
    p.push("per", text(old), text(new), direction);
}

/// A quota's rate as the evaluator reads it: an amount per period, with
/// `funnel.*` resolved against that version's funnel.
fn rate_value(side: &Side<'_>, rate: &Rate) -> Option<(f64, Period)> {
    match rate {
        Rate::Amount { amount, per } => Some((amount.amount.value, per.node)),
        Rate::Funnel(f) => side.funnel.as_ref().map(|n| match f.node {
            FunnelRef::Leads => (n.leads, n.per),
            FunnelRef::Customers => (n.customers, n.per),
        }),
    }
}

fn rate_text(rate: &Rate, value: Option<(f64, Period)>) -> String {
    match rate {
        Rate::Amount { amount, per } => {
            let currency = amount
                .currency
                .as_ref()
                .map(|c| format!("{} ", c.node))
                .unwrap_or_default();
            format!("{currency}{} per {}", amount.amount.text, per.node.name())
        }
        Rate::Funnel(f) => match value {
            Some((x, per)) => format!("{} ({} per {})", f.node.text(), number(x), per.name()),
            None => f.node.text().to_owned(),
        },
    }
}

type Quota<'a> = ((Measure, Bound, &'a Rate), Option<Period>);

/// `count|value >= RATE [each P]`: the rate compared window by window,
/// with each window's target before and after.
fn quota(p: &mut Pair<'_, '_>, old: Quota<'_>, new: Quota<'_>) {
    let (((m0, b0, r0), e0), ((m1, b1, r1), e1)) = (old, new);
    let (v0, v1) = (rate_value(&p.sides.old, r0), rate_value(&p.sides.new, r1));
    let (Some((amount0, per0)), Some((amount1, per1))) = (v0, v1) else {
        return;
    };
    let each0 = e0.unwrap_or(per0);
    let each1 = e1.unwrap_or(per1);
    let plan0 = (amount0, per0, each0, p.sides.old.effective);
    let plan1 = (amount1, per1, each1, p.sides.new.effective);
    let mut targets = Some(target_table(plan0, plan1));
    let measure = |m: Measure| {
        if m == Measure::Count {
            "count"
        } else {
            "value"
        }
    };
    if (m0, b0) != (m1, b1) {
        let text =
            |m, b: Bound, r, v| Some(format!("{} {} {}", measure(m), b.symbol(), rate_text(r, v)));
        let change = p.judged(
            "quota",
            text(m0, b0, r0, v0),
            text(m1, b1, r1, v1),
            Direction::Changed,
        );
        p.out.push(Change { targets, ..change });
        return;
    }
    // Both rates over the new windows: a move the same way in every window
    // is a higher or lower quota; otherwise it is spread differently.
    let (first, last) = p.sides.new.effective;
    let at = |amount, per| window_targets(amount, per, each1, first, last);
    let moved = merge_moves(
        at(amount0, per0)
            .iter()
            .zip(&at(amount1, per1))
            .map(|(a, b)| move_of(a.target, b.target)),
    );
    let floor = if b1 == Bound::AtLeast {
        Direction::Stricter
    } else {
        Direction::Looser
    };
    if let Some(m) = moved {
        let text = |r, v| Some(format!("{} {}", b1.symbol(), rate_text(r, v)));
        let change = p.judged(measure(m1), text(r0, v0), text(r1, v1), m.judge(floor));
        p.out.push(Change {
            targets: targets.take(),
            ..change
        });
    }
    if each0 != each1 {
        let text = |e: Period| Some(e.name().to_owned());
        let change = p.judged("each", text(each0), text(each1), Direction::Changed);
        p.out.push(Change {
            targets: targets.take(),
            ..change
        });
    }
}

type Plan = (f64, Period, Period, (NaiveDate, NaiveDate));

/// Each window's target in both versions, in time order.
fn target_table(old: Plan, new: Plan) -> Vec<TargetChange> {
    let windows =
        |(amount, per, each, (first, last)): Plan| window_targets(amount, per, each, first, last);
    let mut rows: Vec<(NaiveDate, TargetChange)> = windows(old)
        .into_iter()
        .map(|w| {
            (
                w.first_day,
                TargetChange {
                    window: w.window,
                    before: Some(w.target),
                    after: None,
                },
            )
        })
        .collect();
    for w in windows(new) {
        match rows.iter_mut().find(|(_, r)| r.window == w.window) {
            Some((_, row)) => row.after = Some(w.target),
            None => rows.push((
                w.first_day,
                TargetChange {
                    window: w.window,
                    before: None,
                    after: Some(w.target),
                },
            )),
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.window.cmp(&b.1.window)));
    rows.into_iter().map(|(_, r)| r).collect()
}

fn alt_text(alt: &Alt<'_>) -> String {
    let band = alt
        .band
        .map(|b| format!("{} ", format::band(b)))
        .unwrap_or_default();
    format!(
        "{band}within {} {}",
        format::window(alt.window),
        format::applies(alt.applies)
    )
}

/// `within ... when|otherwise` (response) and bands (attempts), matched by
/// the leads they apply to. Which clause applies is the first that holds,
/// so an added or removed clause or a new order is a change without a
/// direction: it moves leads from one clause to another.
fn alternatives(p: &mut Pair<'_, '_>, a: &View<'_>, b: &View<'_>) {
    let same_applies = |x: &Applies, y: &Applies| match (x, y) {
        (Applies::When(c), Applies::When(d)) => p.same(c, d),
        (Applies::Otherwise(_), Applies::Otherwise(_)) => true,
        _ => false,
    };
    let mut matched = Vec::new();
    let mut added = Vec::new();
    let mut used = vec![false; a.alts.len()];
    for (j, new) in b.alts.iter().enumerate() {
        let found = a.alts.iter().enumerate().find(|(i, old)| {
            !used.get(*i).copied().unwrap_or(true) && same_applies(old.applies, new.applies)
        });
        match found {
            Some((i, _)) => {
                if let Some(u) = used.get_mut(i) {
                    *u = true;
                }
                matched.push((i, j));
            }
            None => added.push(new),
        }
    }
    for new in added {
        let clause = format!("clause {}", format::applies(new.applies));
        p.push(&clause, None, Some(alt_text(new)), Direction::Changed);
    }
    for (i, old) in a.alts.iter().enumerate() {
        if !used.get(i).copied().unwrap_or(false) {
            let clause = format!("clause {}", format::applies(old.applies));
            p.push(&clause, Some(alt_text(old)), None, Direction::Changed);
        }
    }
    if matched
        .windows(2)
        .any(|w| matches!(w, [(i, _), (k, _)] if k < i))
    {
        let order = |v: &View<'_>| {
            Some(
                v.alts
                    .iter()
                    .map(|alt| format::applies(alt.applies))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        };
        p.push("clause order", order(a), order(b), Direction::Changed);
    }
    for (i, j) in matched {
        let (Some(old), Some(new)) = (a.alts.get(i), b.alts.get(j)) else {
            continue;
        };
        let applies = format::applies(new.applies);
        if let (Some(x), Some(y)) = (old.band, new.band) {
            if let Some(d) = band_direction((x.min(), x.max()), (y.min(), y.max())) {
                p.push(
                    &format!("attempts {applies}"),
                    Some(format::band(x)),
                    Some(format::band(y)),
                    d,
                );
            }
        }
        if let Some(m) = window_move(old.window, new.window) {
            let deadline = new.band.map_or(Deadline::Due, |band| b.counts(band));
            p.push(
                &format!("window {applies}"),
                Some(format::window(old.window)),
                Some(format::window(new.window)),
                deadline.judge(m),
            );
        }
    }
}

/// `max duration`: a time budget; less budget, or a new one, asks more.
fn max_duration(p: &mut Pair<'_, '_>, old: Option<&Duration>, new: Option<&Duration>) {
    let direction = match (old, new) {
        (Some(a), Some(b)) => match move_of(a.total_seconds() as f64, b.total_seconds() as f64) {
            Some(m) => m.judge(Direction::Looser),
            None => return,
        },
        _ => match set_direction(new.is_some(), old.is_some(), Direction::Stricter) {
            Some(d) => d,
            None => return,
        },
    };
    let text = |d: Option<&Duration>| d.map(format::duration);
    p.push("max duration", text(old), text(new), direction);
}

fn duty(p: &mut Pair<'_, '_>, a: &View<'_>, b: &View<'_>) {
    if p.kind != RuleKind::Duty {
        return;
    }
    let form = |v: &View<'_>| match (v.at_handoff, v.after) {
        (false, Some((window, anchor))) => {
            let anchor = match anchor {
                Anchor::Handoff(_) => "handoff".to_owned(),
                Anchor::First(c) => format!("first {}", format::condition(c)),
            };
            format!("within {} after {anchor}", format::window(window))
        }
        _ => "at handoff".to_owned(),
    };
    match (
        a.after.filter(|_| !a.at_handoff),
        b.after.filter(|_| !b.at_handoff),
    ) {
        (Some((w0, anchor0)), Some((w1, anchor1))) => {
            let same_anchor = match (anchor0, anchor1) {
                (Anchor::Handoff(_), Anchor::Handoff(_)) => true,
                (Anchor::First(c), Anchor::First(d)) => p.same(c, d),
                _ => false,
            };
            if !same_anchor {
                p.push("after", Some(form(a)), Some(form(b)), Direction::Changed);
            } else if let Some(m) = window_move(w0, w1) {
                p.push(
                    "window",
                    Some(format::window(w0)),
                    Some(format::window(w1)),
                    Deadline::Due.judge(m),
                );
            }
        }
        (None, None) => {}
        _ => p.push("form", Some(form(a)), Some(form(b)), Direction::Changed),
    }
    let (Some((f0, by0)), Some((f1, by1))) = (a.provide, b.provide) else {
        return;
    };
    let names = |fs: &[Ident]| fs.iter().map(|f| f.node.clone()).collect::<Vec<_>>();
    let (n0, n1) = (names(f0), names(f1));
    let added = n1.iter().any(|f| !n0.contains(f));
    let removed = n0.iter().any(|f| !n1.contains(f));
    if let Some(d) = set_direction(added, removed, Direction::Stricter) {
        p.push("provide", Some(n0.join(", ")), Some(n1.join(", ")), d);
    }
    p.condition("by", by0, by1, Direction::Changed);
}

fn aging(p: &mut Pair<'_, '_>, a: &View<'_>, b: &View<'_>) {
    if let (Some(x), Some(y)) = (a.breach, b.breach) {
        if let Some(m) = duration_move(x, y) {
            let text = |d: &Duration| Some(format::duration(d));
            p.push("breach after", text(x), text(y), m.judge(Direction::Looser));
        }
    }
    if let (Some(x), Some(y)) = (a.buckets, b.buckets) {
        let same =
            x.len() == y.len() && x.iter().zip(y).all(|(d, e)| duration_move(d, e).is_none());
        if !same {
            let text = |ds: &[Duration]| {
                Some(
                    ds.iter()
                        .map(format::duration)
                        .collect::<Vec<_>>()
                        .join(", "),
                )
            };
            // Buckets group the uncontacted leads for the report; only
            // `breach after` decides the verdict.
            let change = p
                .subject
                .change(Some("buckets"), text(x), text(y))
                .noted("reporting only");
            p.out.push(change);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::ast::{DurationUnit, Span, Spanned};

    fn d(parts: &[(u64, DurationUnit)]) -> Duration {
        Duration {
            parts: parts.to_vec(),
            span: Span::default(),
        }
    }

    fn w(parts: &[(u64, DurationUnit)], calendar: Option<&str>) -> Window {
        Window {
            duration: d(parts),
            calendar: calendar.map(|c| Spanned::new(c.into(), Span::default())),
        }
    }

    use DurationUnit::{Day, Hour, Minute, Week};

    #[test]
    fn numbers_move_up_down_or_not_at_all() {
        assert_eq!(move_of(95.0, 90.0), Some(Move::Down));
        assert_eq!(move_of(1500.0, 1600.0), Some(Move::Up));
        assert_eq!(move_of(0.1 + 0.2, 0.3), None);
        assert_eq!(
            merge_moves([Some(Move::Up), None, Some(Move::Up)]),
            Some(Move::Up)
        );
        assert_eq!(
            merge_moves([Some(Move::Up), Some(Move::Down)]),
            Some(Move::Both)
        );
        assert_eq!(merge_moves([None, None]), None);
    }

    #[test]
    fn a_floor_going_up_is_stricter_and_a_cap_going_up_looser() {
        assert_eq!(Move::Up.judge(Direction::Stricter), Direction::Stricter);
        assert_eq!(Move::Down.judge(Direction::Stricter), Direction::Looser);
        assert_eq!(Move::Up.judge(Direction::Looser), Direction::Looser);
        assert_eq!(Move::Both.judge(Direction::Stricter), Direction::Changed);
        assert_eq!(Direction::Changed.reversed(), Direction::Changed);
    }

    #[test]
    fn durations_compare_with_days_of_23_to_25_hours() {
        assert_eq!(
            duration_move(&d(&[(1, Hour)]), &d(&[(30, Minute)])),
            Some(Move::Down)
        );
        assert_eq!(
            duration_move(&d(&[(7, Day)]), &d(&[(3, Day)])),
            Some(Move::Down)
        );
        assert_eq!(duration_move(&d(&[(1, Week)]), &d(&[(7, Day)])), None);
        assert_eq!(
            duration_move(&d(&[(1, Hour), (30, Minute)]), &d(&[(90, Minute)])),
            None
        );
        assert_eq!(
            duration_move(&d(&[(1, Day)]), &d(&[(24, Hour)])),
            Some(Move::Both)
        );
        assert_eq!(
            duration_move(&d(&[(1, Day)]), &d(&[(26, Hour)])),
            Some(Move::Up)
        );
        assert_eq!(
            duration_move(&d(&[(1, Day)]), &d(&[(1, Day), (1, Hour)])),
            Some(Move::Up)
        );
    }

    #[test]
    fn open_time_on_a_calendar_never_ends_sooner_than_the_wall_clock() {
        let hour = w(&[(1, Hour)], None);
        let hour_on = w(&[(1, Hour)], Some("office"));
        let half_on = w(&[(30, Minute)], Some("office"));
        assert_eq!(window_move(&hour, &hour_on), Some(Move::Up));
        assert_eq!(window_move(&hour_on, &hour), Some(Move::Down));
        assert_eq!(window_move(&hour, &half_on), Some(Move::Both));
        assert_eq!(window_move(&hour_on, &half_on), Some(Move::Down));
        assert_eq!(
            window_move(&hour_on, &w(&[(1, Hour)], Some("weekend"))),
            Some(Move::Both)
        );
        assert_eq!(window_move(&hour_on, &hour_on.clone()), None);
    }

    #[test]
    fn a_later_deadline_depends_on_what_it_bounds() {
        assert_eq!(Deadline::Due.judge(Move::Down), Direction::Stricter);
        assert_eq!(Deadline::Due.judge(Move::Up), Direction::Looser);
        let floor = Deadline::Counts {
            floor: true,
            cap: false,
        };
        let cap = Deadline::Counts {
            floor: false,
            cap: true,
        };
        let both = Deadline::Counts {
            floor: true,
            cap: true,
        };
        assert_eq!(floor.judge(Move::Down), Direction::Stricter);
        assert_eq!(cap.judge(Move::Down), Direction::Looser);
        assert_eq!(both.judge(Move::Down), Direction::Changed);
    }

    #[test]
    fn bands_judge_minimum_and_maximum_together() {
        assert_eq!(
            band_direction((6, Some(9)), (5, Some(9))),
            Some(Direction::Looser)
        );
        assert_eq!(
            band_direction((6, Some(9)), (7, Some(9))),
            Some(Direction::Stricter)
        );
        assert_eq!(
            band_direction((6, Some(9)), (6, Some(8))),
            Some(Direction::Stricter)
        );
        assert_eq!(
            band_direction((3, None), (3, Some(6))),
            Some(Direction::Stricter)
        );
        assert_eq!(
            band_direction((3, Some(6)), (3, None)),
            Some(Direction::Looser)
        );
        assert_eq!(
            band_direction((6, Some(9)), (7, Some(10))),
            Some(Direction::Changed)
        );
        assert_eq!(band_direction((6, Some(9)), (6, Some(9))), None);
    }

    #[test]
    fn added_and_removed_parts() {
        assert_eq!(
            set_direction(true, false, Direction::Stricter),
            Some(Direction::Stricter)
        );
        assert_eq!(
            set_direction(false, true, Direction::Stricter),
            Some(Direction::Looser)
        );
        assert_eq!(
            set_direction(true, true, Direction::Stricter),
            Some(Direction::Changed)
        );
        assert_eq!(set_direction(false, false, Direction::Stricter), None);
        assert_eq!(
            combine(Some(Direction::Looser), None),
            Some(Direction::Looser)
        );
        assert_eq!(
            combine(Some(Direction::Looser), Some(Direction::Stricter)),
            Some(Direction::Changed)
        );
    }

    #[test]
    fn splitting_per_person_asks_more_of_floors_and_less_of_caps() {
        assert_eq!(
            per_direction(RuleKind::Response, None, true),
            Direction::Stricter
        );
        assert_eq!(
            per_direction(RuleKind::Response, None, false),
            Direction::Looser
        );
        assert_eq!(
            per_direction(RuleKind::Quota, Some(Bound::AtLeast), true),
            Direction::Stricter
        );
        assert_eq!(
            per_direction(RuleKind::Quota, Some(Bound::AtMost), true),
            Direction::Looser
        );
        assert_eq!(
            per_direction(RuleKind::Aging, None, true),
            Direction::Changed
        );
    }
}
