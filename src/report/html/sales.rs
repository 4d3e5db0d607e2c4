//! Sales: speed of follow-up (median and p90 response time against each
//! clause's window), depth (mean attempts against each clause's band) and
//! the aging of leads nobody has reached yet.

use maud::{html, Markup};

use super::charts::{compliance, layout, short, TimeUnit};
use super::{breaches_table, grouped, person, rule_heading, rule_title, window_table, Page, Scope};
use crate::eval::clock::Clock;
use crate::eval::model::Spec as RuleSpec;
use crate::eval::verdict::{Counts, RuleVerdict, Stats, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Mark, Spec, Stroke, Swatch};
use crate::report::verdict::number;

/// Line styles for several deadlines in one chart, told apart in greyscale.
const STROKES: [Stroke; 4] = [
    Stroke::Dashed,
    Stroke::Dotted,
    Stroke::DashDot,
    Stroke::Solid,
];

pub(super) fn section(page: &Page) -> Markup {
    let rules: Vec<&RuleVerdict> = page.rules(&["response", "attempts", "aging"]).collect();
    html! {
        section #sales .team {
            h2 { "Sales" }
            @if rules.is_empty() {
                p { "The agreement sets no response, attempts or aging rules." }
            }
            @for rule in rules {
                (rule_heading(page, rule))
                (super::view(page, rule, Scope::Team))
            }
        }
    }
}

/// In the team's section, a rule split per person lists its breaches in
/// each person's section instead, where the rep looks for them.
fn breaches(rule: &RuleVerdict, windows: &[&WindowVerdict], scope: Scope) -> Markup {
    if scope == Scope::Team && grouped(windows) {
        html! { p.note { "The leads missed are listed per person under " a href="#people" { "People" } "." } }
    } else {
        breaches_table(rule, windows)
    }
}

/// A deadline in seconds: calendar days counted as 24 hours, open time as
/// it is (response times are measured on the same clock).
fn window_secs(clock: &Clock) -> f64 {
    match clock {
        Clock::Wall { days, secs, .. } => (*days as f64) * 86_400.0 + *secs as f64,
        Clock::Open { secs, .. } => *secs as f64,
    }
}

pub(super) fn response(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let deadlines: Vec<(f64, &str, &str)> = match page.rule_program(rule).map(|r| &r.spec) {
        Some(RuleSpec::Response { alts, .. }) => alts
            .iter()
            .map(|a| (window_secs(&a.clock), a.window.as_str(), a.text.as_str()))
            .collect(),
        _ => Vec::new(),
    };
    let times = |w: &WindowVerdict| match &w.stats {
        Some(Stats::Response {
            median_s, p90_s, ..
        }) => (*median_s, *p90_s),
        _ => (None, None),
    };
    let largest = windows
        .iter()
        .flat_map(|w| {
            let (m, p) = times(w);
            [m, p]
        })
        .flatten()
        .chain(deadlines.iter().map(|d| d.0))
        .fold(0.0, f64::max);
    let unit = TimeUnit::fitting(largest);
    let l = layout(windows);
    let mut spec = Spec::new(
        &page.chart_id(),
        &format!(
            "{}: median and p90 time to first touch{}",
            rule_title(rule),
            scope.suffix()
        ),
        Axis::new("window", None),
        Axis::new("time to first touch", Some(unit.name)),
    );
    spec.description = format!(
        "Two bars per window{}: the median and the 90th percentile of the time from handoff to the first touch, in {}; each horizontal line is a clause's window.",
        if l.clusters.is_empty() { "" } else { " and person" },
        unit.name
    );
    spec.positions = l.positions;
    spec.clusters = l.clusters;
    let mut chart = Chart::new(spec);
    for (i, w) in l.windows.iter().enumerate() {
        let (median, p90) = times(w);
        for (k, (value, fill)) in [(median, Fill::Mid), (p90, Fill::Hatch)]
            .into_iter()
            .enumerate()
        {
            if let Some(v) = value {
                chart.bar_in(i, (k, 2), unit.of(v), fill, number(unit.of(v)));
            }
        }
    }
    chart.key(Swatch::Fill(Fill::Mid), "median");
    chart.key(Swatch::Fill(Fill::Hatch), "p90 (nearest rank)");
    for ((secs, window, text), stroke) in deadlines.iter().zip(STROKES.iter().cycle()) {
        chart.mark(Mark::Rule {
            value: unit.of(*secs),
            stroke: *stroke,
            label: (*window).to_owned(),
        });
        chart.key(Swatch::Stroke(*stroke), text);
    }
    let caption = format!(
        "{}{}: every window's verdict, times in {}",
        rule.name,
        scope.suffix(),
        unit.name
    );
    html! {
        figure {
            (chart.render())
            p.note {
                "Times are on each clause's own clock: open time of the calendar for a window " code { "on" } " a calendar, "
                "elapsed time otherwise. The median and p90 are over the leads with a first touch, whatever clause applied to them; "
                "the table gives the deadline verdicts as well."
            }
            @if scope == Scope::Team { (compliance(page, rule, windows, scope)) }
            (window_table(rule, windows, Some(unit), &caption))
        }
        (breaches(rule, windows, scope))
    }
}

pub(super) fn attempts(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let bands: Vec<(u64, Option<u64>, String)> = match page.rule_program(rule).map(|r| &r.spec) {
        Some(RuleSpec::Attempts { alts, .. }) => alts
            .iter()
            .map(|a| (a.value.0, a.value.1, a.text.clone()))
            .collect(),
        _ => Vec::new(),
    };
    let l = layout(windows);
    let mut spec = Spec::new(
        &page.chart_id(),
        &format!(
            "{}: mean attempts per lead against the agreed band{}",
            rule_title(rule),
            scope.suffix()
        ),
        Axis::new("window", None),
        Axis::new("mean attempts per lead", Some("attempts")),
    );
    spec.description = format!(
        "One bar per window{}: the mean number of attempts per lead; the shaded bands are each clause's agreed range, from its minimum to its maximum.",
        if l.clusters.is_empty() { "" } else { " and person" }
    );
    spec.positions = l.positions;
    spec.clusters = l.clusters;
    let mut chart = Chart::new(spec);
    let fills = [Fill::Dots, Fill::Hatch, Fill::Cross];
    for ((min, max, text), fill) in bands.iter().zip(fills.iter().cycle()) {
        chart.mark(Mark::Band {
            from: *min as f64,
            to: max.map_or(f64::INFINITY, |m| m as f64),
            fill: *fill,
            label: text.clone(),
        });
        chart.key(Swatch::Fill(*fill), text);
    }
    for (i, w) in l.windows.iter().enumerate() {
        if let Some(Stats::Attempts {
            mean_count: Some(mean),
            ..
        }) = &w.stats
        {
            chart.bar(i, *mean, Fill::Mid, number(*mean));
        }
    }
    chart.key(Swatch::Fill(Fill::Mid), "mean attempts per lead");
    let caption = format!("{}{}: every window's verdict", rule.name, scope.suffix());
    html! {
        figure {
            (chart.render())
            p.note {
                "The mean is over every lead the rule judged in the window, whatever clause applied to it, and stops at "
                code { "until" } " when the agreement has one; compare it with the band of the clause most leads fall under. "
                "The spread of attempts per lead and the time spent per lead are not in the verdict and not drawn."
            }
            @if scope == Scope::Team { (compliance(page, rule, windows, scope)) }
            (window_table(rule, windows, None, &caption))
        }
        (breaches(rule, windows, scope))
    }
}

pub(super) fn aging(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    // The lower edge of each bucket, in seconds: 0 for the youngest.
    let (edges, breach, breach_text) = match page.rule_program(rule).map(|r| &r.spec) {
        Some(RuleSpec::Aging {
            buckets, breach, ..
        }) => (
            std::iter::once(0.0)
                .chain(
                    buckets
                        .iter()
                        .map(|(d, s, _)| (*d as f64) * 86_400.0 + *s as f64),
                )
                .collect::<Vec<f64>>(),
            (breach.0 as f64) * 86_400.0 + breach.1 as f64,
            breach.2.clone(),
        ),
        _ => (Vec::new(), f64::INFINITY, String::new()),
    };
    let past = |k: usize| edges.get(k).is_some_and(|e| *e >= breach);
    let several = windows.len() > 1;
    let mut positions = Vec::new();
    let mut clusters = Vec::new();
    let mut bars = Vec::new();
    for w in windows {
        let buckets = w.buckets.as_deref().unwrap_or_default();
        for (k, b) in buckets.iter().enumerate() {
            bars.push((positions.len(), b.count, past(k)));
            positions.push(b.label.clone());
        }
        if several {
            clusters.push((short(w.group.as_deref().unwrap_or("")), buckets.len()));
        }
    }
    let mut spec = Spec::new(
        &page.chart_id(),
        &format!(
            "{}: uncontacted leads by age{}",
            rule_title(rule),
            scope.suffix()
        ),
        Axis::new("age since handoff", None),
        Axis::new("uncontacted leads", Some("leads")),
    );
    spec.description = format!(
        "One bar per age bucket{}: how many leads nobody has contacted yet; hatched buckets are past the breach age of {breach_text}.",
        if several { " and person" } else { "" }
    );
    spec.positions = positions;
    spec.clusters = clusters;
    spec.integer = true;
    let mut chart = Chart::new(spec);
    for (pos, count, past) in bars {
        let fill = if past { Fill::Hatch } else { Fill::Light };
        chart.bar(pos, count as f64, fill, count.to_string());
    }
    chart.key(
        Swatch::Fill(Fill::Light),
        &format!("younger than the breach age ({breach_text})"),
    );
    chart.key(Swatch::Fill(Fill::Hatch), "past the breach age");
    let caption = match scope {
        Scope::Team => format!("{}: uncontacted leads per person and age", rule.name),
        Scope::Person(who) => format!("{}: {}'s uncontacted leads by age", rule.name, person(who)),
    };
    let uncontacted: u64 = windows
        .iter()
        .map(|w| match w.counts {
            Counts::Aging { uncontacted, .. } => uncontacted,
            _ => 0,
        })
        .sum();
    html! {
        figure {
            (chart.render())
            @if uncontacted == 0 { p.note { "Every lead has been contacted." } }
            (window_table(rule, windows, None, &caption))
        }
        (breaches(rule, windows, scope))
    }
}
