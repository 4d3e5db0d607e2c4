//! Everything but rules: settings, calendars, teams, terms, weights and the
//! funnel. These ask nothing by themselves; a change to one is stricter or
//! looser through the rules that use it (a calendar through the windows on
//! it, weights through value quotas, the funnel through `funnel.*` quotas),
//! judged per team.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use chrono::NaiveDate;

use super::clause::{calendar_uses, move_of, owner, quota_of, Move};
use super::condition::{same, terms_used, Glossary, Norm};
use super::{Change, Direction, Sides, Subject};
use crate::format;
use crate::report::verdict::number;
use crate::syntax::ast::{
    Agreement, Anchor, Applies, Bound, Calendar, CalendarClause, ClauseKind, Condition, Funnel,
    FunnelClause, FunnelRef, Measure, Money, Period, Rate, SettingKind, Span, Spanned, Team,
    TeamClause, Weights, WEEKDAYS,
};

fn subject(kind: &'static str, name: Option<&str>) -> Subject {
    Subject {
        rule: false,
        kind,
        name: name.map(str::to_owned),
    }
}

/// One change per team the rules make it matter to, each judged by that
/// team's rules; a change no rule feels is pushed once with `unused`.
fn per_team(out: &mut Vec<Change>, change: Change, uses: Vec<(String, Direction)>, unused: &str) {
    if uses.is_empty() {
        out.push(change.noted(unused));
        return;
    }
    let mut teams: BTreeMap<String, Direction> = BTreeMap::new();
    for (team, d) in uses {
        teams
            .entry(team)
            .and_modify(|e| {
                if *e != d {
                    *e = Direction::Changed;
                }
            })
            .or_insert(d);
    }
    for (team, d) in teams {
        let team = Some(team.as_str()).filter(|_| d != Direction::Changed);
        out.push(change.clone().judged(d, team));
    }
}

/// Old term name → new name, for terms that disappeared while a term with
/// the same meaning appeared.
pub(super) fn term_renames(old: &Agreement, new: &Agreement) -> HashMap<String, String> {
    let none = HashMap::new();
    let (g0, g1) = (
        Glossary::new(old.terms(), &none),
        Glossary::new(new.terms(), &none),
    );
    // Each removed term's meaning once, by meaning in the order written.
    let mut removed: BTreeMap<Norm, VecDeque<&str>> = BTreeMap::new();
    for t in old
        .terms()
        .filter(|t| !g1.terms.contains_key(t.name.as_str()))
    {
        if let Some(meaning) = g0.meaning(&t.condition) {
            removed
                .entry(meaning)
                .or_default()
                .push_back(t.name.as_str());
        }
    }
    let mut renames = HashMap::new();
    for added in new
        .terms()
        .filter(|t| !g0.terms.contains_key(t.name.as_str()))
    {
        let Some(meaning) = g1.meaning(&added.condition) else {
            continue;
        };
        let found = removed.get_mut(&meaning).and_then(|names| {
            while let Some(name) = names.pop_front() {
                if !renames.contains_key(name) {
                    return Some(name);
                }
            }
            None
        });
        if let Some(name) = found {
            renames.insert(name.to_owned(), added.name.node.to_string());
        }
    }
    renames
}

fn setting_text(kind: &SettingKind) -> String {
    match kind {
        SettingKind::Version(v) => format::string(v),
        SettingKind::Effective { from, to } => format!("{} to {}", from.node, to.node),
        SettingKind::Timezone(tz) => format::string(tz),
        SettingKind::Currency(c) => c.node.to_string(),
        SettingKind::Review { every, last } => match last {
            Some(d) => format!("every {}, last {}", every.node.name(), d.node),
            None => format!("every {}", every.node.name()),
        },
    }
}

/// Settings by keyword. The effective range, time zone and the rest change
/// every rule alike, so they are changes without a direction.
pub(super) fn settings(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let texts = |a: &Agreement| -> Vec<(&'static str, String)> {
        a.settings()
            .map(|s| (s.kind.keyword(), setting_text(&s.kind)))
            .collect()
    };
    let (old, new) = (texts(sides.old.agreement), texts(sides.new.agreement));
    let find = |list: &[(&'static str, String)], k: &str| {
        list.iter()
            .find(|(key, _)| *key == k)
            .map(|(_, t)| t.clone())
    };
    let s = subject("setting", None);
    let mut keys: Vec<&'static str> = new.iter().map(|(k, _)| *k).collect();
    keys.extend(
        old.iter()
            .map(|(k, _)| *k)
            .filter(|k| find(&new, k).is_none()),
    );
    for key in keys {
        let (before, after) = (find(&old, key), find(&new, key));
        if before != after {
            out.push(s.change(Some(key), before, after));
        }
    }
}

/// A calendar's open hours per weekday (Monday first), as minute ranges
/// merged where they touch or overlap.
type Week = [Vec<(u16, u16)>; 7];

fn week(c: &Calendar) -> Week {
    let mut week: Week = Default::default();
    for clause in &c.clauses {
        if let CalendarClause::Hours {
            days, intervals, ..
        } = clause
        {
            for range in days {
                let last = range.last.as_ref().map_or(range.first.node, |l| l.node);
                for day in range.first.node..=last {
                    if let Some(slot) = week.get_mut(usize::from(day)) {
                        slot.extend(intervals.iter().map(|i| (i.start.node.0, i.end.node.0)));
                    }
                }
            }
        }
    }
    for day in &mut week {
        day.retain(|(a, b)| a < b);
        day.sort_unstable();
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(day.len());
        for &(start, end) in day.iter() {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        *day = merged;
    }
    week
}

fn closed(c: &Calendar) -> BTreeSet<NaiveDate> {
    c.clauses
        .iter()
        .flat_map(|clause| match clause {
            CalendarClause::Closed { dates, .. } => dates.iter().map(|d| d.node).collect(),
            CalendarClause::Hours { .. } => Vec::new(),
        })
        .collect()
}

/// Whether every open minute of `inner` is open in `outer`.
fn within(inner: &Week, outer: &Week) -> bool {
    inner.iter().zip(outer).all(|(i, o)| {
        i.iter()
            .all(|&(s, e)| o.iter().any(|&(os, oe)| os <= s && e <= oe))
    })
}

fn hours_text(week: &Week) -> String {
    let clock = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    let mut parts: Vec<String> = Vec::new();
    let mut day = 0;
    while day < week.len() {
        let Some(hours) = week.get(day).filter(|h| !h.is_empty()) else {
            day += 1;
            continue;
        };
        let mut last = day;
        while week.get(last + 1) == Some(hours) {
            last += 1;
        }
        let name = |d: usize| WEEKDAYS.get(d).copied().unwrap_or("?");
        let days = if last == day {
            name(day).to_owned()
        } else {
            format!("{}-{}", name(day), name(last))
        };
        let spans: Vec<String> = hours
            .iter()
            .map(|&(s, e)| format!("{}-{}", clock(s), clock(e)))
            .collect();
        parts.push(format!("{days} {}", spans.join(", ")));
        day = last + 1;
    }
    if parts.is_empty() {
        "never open".to_owned()
    } else {
        parts.join("; ")
    }
}

fn dates_text(dates: &BTreeSet<NaiveDate>) -> String {
    if dates.is_empty() {
        return "none".to_owned();
    }
    dates
        .iter()
        .map(NaiveDate::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Calendars by name. More open time makes every deadline on the calendar
/// come sooner; what that means depends on the window (see
/// [`super::clause::Deadline`]).
pub(super) fn calendars(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let summary = |c: &Calendar| {
        let closed = closed(c);
        let mut text = hours_text(&week(c));
        if !closed.is_empty() {
            text.push_str(&format!("; closed {}", dates_text(&closed)));
        }
        text
    };
    let uses = |name: &str, deadline: Move| -> Vec<(String, Direction)> {
        sides
            .new
            .agreement
            .rules()
            .flat_map(|r| {
                let team = owner(r).unwrap_or_default().to_owned();
                calendar_uses(r, name)
                    .into_iter()
                    .map(move |u| (team.clone(), u.judge(deadline)))
            })
            .collect()
    };
    matched(
        sides.old.agreement.calendars().collect(),
        sides.new.agreement.calendars().collect(),
        |c| c.name.node.to_string(),
        |name, old, new| {
            let s = subject("calendar", Some(name));
            let (Some(old), Some(new)) = (old, new) else {
                out.push(s.change(None, old.map(summary), new.map(summary)));
                return;
            };
            let (w0, w1) = (week(old), week(new));
            if w0 != w1 {
                let deadline = match (within(&w0, &w1), within(&w1, &w0)) {
                    (true, _) => Move::Down,
                    (_, true) => Move::Up,
                    _ => Move::Both,
                };
                let change = s.change(Some("hours"), Some(hours_text(&w0)), Some(hours_text(&w1)));
                per_team(out, change, uses(name, deadline), "no rule runs on it");
            }
            let (c0, c1) = (closed(old), closed(new));
            if c0 != c1 {
                let added = c1.iter().any(|d| !c0.contains(d));
                let removed = c0.iter().any(|d| !c1.contains(d));
                let deadline = match (added, removed) {
                    (true, false) => Move::Up,
                    (false, true) => Move::Down,
                    _ => Move::Both,
                };
                let change = s.change(Some("closed"), Some(dates_text(&c0)), Some(dates_text(&c1)));
                per_team(out, change, uses(name, deadline), "no rule runs on it");
            }
        },
    );
}

/// Pairs items of two versions by key: `visit(key, old, new)` in the new
/// order, then the removed ones in the old order.
fn matched<'a, T>(
    old: Vec<&'a T>,
    new: Vec<&'a T>,
    key: impl Fn(&T) -> String,
    mut visit: impl FnMut(&str, Option<&'a T>, Option<&'a T>),
) {
    for n in &new {
        let k = key(n);
        visit(&k, old.iter().find(|o| key(o) == k).copied(), Some(n));
    }
    for o in &old {
        let k = key(o);
        if !new.iter().any(|n| key(n) == k) {
            visit(&k, Some(o), None);
        }
    }
}

fn team_lead(t: &Team) -> Option<String> {
    t.clauses.iter().find_map(|c| match c {
        TeamClause::Lead { person, .. } => Some(person.node.to_string()),
        TeamClause::Members { .. } => None,
    })
}

fn members(t: &Team) -> Vec<String> {
    t.clauses
        .iter()
        .flat_map(|c| match c {
            TeamClause::Members { people, .. } => {
                people.iter().map(|p| p.node.to_string()).collect()
            }
            TeamClause::Lead { .. } => Vec::new(),
        })
        .collect()
}

/// Teams by name: who leads them and who is in them (order aside).
pub(super) fn teams(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let list = |people: &[String]| {
        if people.is_empty() {
            "none".to_owned()
        } else {
            people.join(", ")
        }
    };
    matched(
        sides.old.agreement.teams().collect(),
        sides.new.agreement.teams().collect(),
        |t| t.name.node.to_string(),
        |name, old, new| {
            let s = subject("team", Some(name));
            let (Some(old), Some(new)) = (old, new) else {
                let text = |t: Option<&Team>| {
                    t.map(|t| {
                        let lead = team_lead(t).unwrap_or_else(|| "none".to_owned());
                        format!("lead {lead}; members {}", list(&members(t)))
                    })
                };
                out.push(s.change(None, text(old), text(new)));
                return;
            };
            let (l0, l1) = (team_lead(old), team_lead(new));
            if l0 != l1 {
                out.push(s.change(Some("lead"), l0, l1));
            }
            let (m0, m1) = (members(old), members(new));
            let set = |m: &[String]| m.iter().cloned().collect::<BTreeSet<_>>();
            if set(&m0) != set(&m1) {
                out.push(s.change(Some("members"), Some(list(&m0)), Some(list(&m1))));
            }
        },
    );
}

/// Terms by name, renames followed. A term's meaning is felt through the
/// rules that use it, which are named; whether it widens or narrows what
/// they count is not judged.
pub(super) fn terms(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let (g0, g1) = (&sides.old.glossary, &sides.new.glossary);
    // The rules using each term, worked out once rather than per term.
    let mut users: HashMap<&str, Vec<&str>> = HashMap::new();
    for r in sides.new.agreement.rules() {
        let used: HashSet<&str> = terms_used(
            r.clauses.iter().flat_map(|c| clause_conditions(&c.kind)),
            &g1.terms,
        );
        for name in used {
            users.entry(name).or_default().push(r.name.as_str());
        }
    }
    let used_by = |name: &str| {
        users
            .get(name)
            .map(|rules| format!("used by {}", rules.join(", ")))
    };
    let renamed_to: BTreeSet<&str> = g0.renames.values().map(String::as_str).collect();
    for new in sides.new.agreement.terms() {
        let name = new.name.as_str();
        if renamed_to.contains(name) {
            continue;
        }
        let s = subject("term", Some(name));
        let after = Some(format::condition(&new.condition));
        let change = match g0.terms.get(name) {
            Some(old) if same(g0, &old.condition, g1, &new.condition) => continue,
            Some(old) => s.change(
                Some("means"),
                Some(format::condition(&old.condition)),
                after,
            ),
            None => s.change(None, None, after),
        };
        out.push(match used_by(name) {
            Some(note) => change.noted(note),
            None => change,
        });
    }
    for old in sides.old.agreement.terms() {
        let name = old.name.as_str();
        if !g1.terms.contains_key(name) && !g0.renames.contains_key(name) {
            let s = subject("term", Some(name));
            out.push(s.change(None, Some(format::condition(&old.condition)), None));
        }
    }
}

/// The conditions a clause holds.
fn clause_conditions(kind: &ClauseKind) -> Vec<&Condition> {
    use ClauseKind as K;
    match kind {
        K::Leads(c) | K::First(c) | K::Count(c) | K::Until(c) | K::Contact(c) => vec![c],
        K::Within { applies, .. } | K::Band { applies, .. } => match applies {
            Applies::When(c) => vec![c],
            Applies::Otherwise(_) => Vec::new(),
        },
        K::After {
            anchor: Anchor::First(c),
            ..
        } => vec![c],
        K::Provide { by: Some(c), .. } => vec![c],
        _ => Vec::new(),
    }
}

/// How going up in a quantity feels to each team whose quotas use it:
/// `(team, direction)` per quota `uses` picks.
fn quota_uses(
    sides: &Sides<'_>,
    m: Move,
    picks: impl Fn(Measure, &Rate) -> bool,
    up_for_floor: Direction,
) -> Vec<(String, Direction)> {
    sides
        .new
        .agreement
        .rules()
        .filter_map(|r| {
            let (measure, bound, rate) = quota_of(r)?;
            if !picks(measure, rate) {
                return None;
            }
            let up = match bound {
                Bound::AtLeast => up_for_floor,
                Bound::AtMost => up_for_floor.reversed(),
            };
            Some((owner(r).unwrap_or_default().to_owned(), m.judge(up)))
        })
        .collect()
}

/// Weights by field, row by row. A lead's value is the sum of its weights,
/// so a higher weight makes a value floor easier to reach and a value cap
/// easier to exceed.
pub(super) fn weights(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let rows = |w: &Weights| -> Vec<(Option<String>, f64, String)> {
        w.rows
            .iter()
            .map(|r| {
                (
                    r.key.as_ref().map(|k| k.node.to_string()),
                    r.weight.value,
                    r.weight.text.clone(),
                )
            })
            .collect()
    };
    matched(
        sides.old.agreement.weights().collect(),
        sides.new.agreement.weights().collect(),
        |w| w.field.node.to_string(),
        |field, old, new| {
            let s = subject("weights", Some(field));
            let (Some(old), Some(new)) = (old, new) else {
                let text = |w: Option<&Weights>| {
                    w.map(|w| {
                        rows(w)
                            .iter()
                            .map(|(key, _, weight)| match key {
                                Some(k) => format!("{} {weight}", quoted(k)),
                                None => format!("otherwise {weight}"),
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                };
                out.push(
                    s.change(None, text(old), text(new))
                        .noted("lead values change"),
                );
                return;
            };
            let (r0, r1) = (rows(old), rows(new));
            let row = |rows: &[(Option<String>, f64, String)], key: &Option<String>| {
                rows.iter()
                    .find(|(k, _, _)| k == key)
                    .map(|(_, v, t)| (*v, t.clone()))
            };
            // A value without a row weighs what `otherwise` says, else 0.
            let weight = |rows: &[(Option<String>, f64, String)], key: &Option<String>| {
                row(rows, key)
                    .or_else(|| row(rows, &None))
                    .map_or(0.0, |(v, _)| v)
            };
            let text = |rows: &[(Option<String>, f64, String)], key: &Option<String>| match (
                row(rows, key),
                row(rows, &None),
            ) {
                (Some((_, t)), _) => t,
                (None, Some((_, t))) => format!("{t} (otherwise)"),
                (None, None) => "0 (no row)".to_owned(),
            };
            let mut keys: Vec<Option<String>> = r1.iter().map(|(k, _, _)| k.clone()).collect();
            keys.extend(
                r0.iter()
                    .map(|(k, _, _)| k.clone())
                    .filter(|k| row(&r1, k).is_none()),
            );
            for key in keys {
                let Some(m) = move_of(weight(&r0, &key), weight(&r1, &key)) else {
                    continue;
                };
                let clause = key
                    .as_deref()
                    .map_or_else(|| "otherwise".to_owned(), quoted);
                let change = s.change(Some(&clause), Some(text(&r0, &key)), Some(text(&r1, &key)));
                let uses = quota_uses(
                    sides,
                    m,
                    |measure, _| measure == Measure::Value,
                    Direction::Looser,
                );
                per_team(out, change, uses, "no value quota uses it");
            }
        },
    );
}

/// A weights key as the language writes it.
fn quoted(key: &str) -> String {
    format::string(&Spanned::new(key.into(), Span::default()))
}

fn money_text(m: &Money) -> String {
    match &m.currency {
        Some(c) => format!("{} {}", c.node, m.amount.text),
        None => m.amount.text.clone(),
    }
}

/// A funnel clause's value and text.
fn funnel_clause(c: &FunnelClause) -> (f64, Option<Period>, String) {
    match c {
        FunnelClause::Revenue { amount, per, .. } => (
            amount.amount.value,
            Some(per.node),
            format!("{} per {}", money_text(amount), per.node.name()),
        ),
        FunnelClause::MarketingShare { share: p, .. }
        | FunnelClause::LeadToCustomer { rate: p, .. } => {
            (p.value, None, format!("{}%", number(p.value)))
        }
        FunnelClause::DealSize { amount, .. } => (amount.amount.value, None, money_text(amount)),
    }
}

/// The funnel clause by clause. `leads = revenue × share ÷ deal size ÷
/// lead to customer` and `customers` the same without the last step, so
/// each clause moves them one known way, felt by the `funnel.*` quotas.
pub(super) fn funnel(sides: &Sides<'_>, out: &mut Vec<Change>) {
    let s = subject("funnel", None);
    let text = |f: Option<&Funnel>| {
        f.map(|f| {
            f.clauses
                .iter()
                .map(|c| format!("{} {}", c.keyword(), funnel_clause(c).2))
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    let (old, new) = (
        sides.old.agreement.funnels().next(),
        sides.new.agreement.funnels().next(),
    );
    let (Some(old), Some(new)) = (old, new) else {
        if old.is_some() || new.is_some() {
            out.push(s.change(None, text(old), text(new)));
        }
        return;
    };
    for c1 in &new.clauses {
        let Some(c0) = old.clauses.iter().find(|c| c.keyword() == c1.keyword()) else {
            continue;
        };
        let ((v0, per0, t0), (v1, per1, t1)) = (funnel_clause(c0), funnel_clause(c1));
        if per0 != per1 {
            out.push(s.change(Some(c1.keyword()), Some(t0), Some(t1)));
            continue;
        }
        let Some(m) = move_of(v0, v1) else {
            continue;
        };
        // (leads, customers) for the clause going up.
        let (leads, customers) = match c1 {
            FunnelClause::Revenue { .. } | FunnelClause::MarketingShare { .. } => {
                (Some(m), Some(m))
            }
            FunnelClause::DealSize { .. } => (Some(m.reversed()), Some(m.reversed())),
            FunnelClause::LeadToCustomer { .. } => (Some(m.reversed()), None),
        };
        let moves = |r: FunnelRef| match r {
            FunnelRef::Leads => leads,
            FunnelRef::Customers => customers,
        };
        let change = s.change(Some(c1.keyword()), Some(t0), Some(t1));
        let uses: Vec<(String, Direction)> = [FunnelRef::Leads, FunnelRef::Customers]
            .into_iter()
            .filter_map(|r| moves(r).map(|m| (r, m)))
            .flat_map(|(r, m)| {
                quota_uses(
                    sides,
                    m,
                    |_, rate| matches!(rate, Rate::Funnel(f) if f.node == r),
                    Direction::Stricter,
                )
            })
            .collect();
        per_team(out, change, uses, "no quota uses the funnel");
    }
}
