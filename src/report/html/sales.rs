//! Sales: speed of follow-up (median and p90 response time against each
//! clause's window), depth (mean attempts and how many leads got each
//! number of them against each clause's band, and the time spent per lead
//! against the max duration) and the aging of leads nobody has reached yet.

use maud::{html, Markup};

use super::charts::{compliance, layout, multiples, short, small, Durations, Line, Series};
use super::{
    breaches_table, grouped, person, rule_heading, rule_title, under_people, window_label,
    window_table, Page, Scope,
};
use crate::eval::clock::{human, Clock};
use crate::eval::model::Spec as RuleSpec;
use crate::eval::verdict::{AttemptCount, Counts, RuleVerdict, State, Stats, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Mark, Spec, Swatch};
use crate::report::verdict::number;

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
        under_people("The leads missed are listed")
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
    let lines = match page.rule_program(rule).map(|r| &r.spec) {
        Some(RuleSpec::Response { alts, .. }) => alts
            .iter()
            .map(|a| Line {
                seconds: window_secs(&a.clock),
                label: a.window.clone(),
                legend: a.text.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };
    let (chart, unit) = Durations {
        title: format!(
            "{}: median and p90 time to first touch{}",
            rule_title(rule),
            scope.suffix()
        ),
        axis: "time to first touch",
        bars: "the median and the 90th percentile of the time from handoff to the first touch"
            .to_owned(),
        lines_are: "each horizontal line is a clause's window",
        series: vec![
            Series {
                name: "median",
                fill: Fill::Mid,
                seconds: |w| match &w.stats {
                    Some(Stats::Response { median_s, .. }) => *median_s,
                    _ => None,
                },
            },
            Series {
                name: "p90 (nearest rank)",
                fill: Fill::Hatch,
                seconds: |w| match &w.stats {
                    Some(Stats::Response { p90_s, .. }) => *p90_s,
                    _ => None,
                },
            },
        ],
        lines,
    }
    .render(page, windows);
    let caption = format!(
        "{}{}: every window's verdict, times in {}",
        rule.name,
        scope.suffix(),
        unit.name
    );
    html! {
        figure {
            (chart)
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

/// The agreed range of attempts, shared by the clauses that agree on it.
struct ClauseBand {
    min: u64,
    max: Option<u64>,
    fill: Fill,
    /// The clauses as written, for the legend of a wide chart.
    text: String,
    /// Whom they apply to (`when C`, `otherwise`), for a small chart's.
    applies: String,
}

impl ClauseBand {
    /// The range as a histogram's axis names it: `6–9`, `≥ 3`, `≤ 4`.
    fn range(&self) -> String {
        match (self.min, self.max) {
            (min, None) => format!("≥ {min}"),
            (0, Some(max)) => format!("≤ {max}"),
            (min, Some(max)) if min == max => min.to_string(),
            (min, Some(max)) => format!("{min}–{max}"),
        }
    }

    fn short(&self) -> String {
        format!("{} attempts {}", self.range(), self.applies)
    }

    /// The last number of attempts the band names: a histogram's axis
    /// must reach it even when no lead did.
    fn reach(&self) -> u64 {
        self.max.unwrap_or(self.min)
    }
}

/// The bands of an attempts rule's clauses, one per distinct range so that
/// clauses agreeing on it are not drawn over each other.
fn clause_bands(page: &Page, rule: &RuleVerdict) -> Vec<ClauseBand> {
    let Some(RuleSpec::Attempts { alts, .. }) = page.rule_program(rule).map(|r| &r.spec) else {
        return Vec::new();
    };
    let mut bands: Vec<ClauseBand> = Vec::new();
    for a in alts {
        let applies = a.applies.as_str();
        match bands.iter_mut().find(|b| (b.min, b.max) == a.value) {
            Some(b) => {
                b.text = format!("{}; {}", b.text, a.text);
                b.applies = format!("{}; {applies}", b.applies);
            }
            None => bands.push(ClauseBand {
                min: a.value.0,
                max: a.value.1,
                fill: Fill::Dots,
                text: a.text.clone(),
                applies: applies.to_owned(),
            }),
        }
    }
    for (band, fill) in bands
        .iter_mut()
        .zip([Fill::Dots, Fill::Hatch, Fill::Cross].iter().cycle())
    {
        band.fill = *fill;
    }
    bands
}

/// Counted attempts per lead as the verdict gives them: only the numbers
/// some lead got.
fn distribution(w: &WindowVerdict) -> &[AttemptCount] {
    match &w.stats {
        Some(Stats::Attempts { distribution, .. }) => distribution,
        _ => &[],
    }
}

pub(super) fn attempts(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let bands = clause_bands(page, rule);
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
    for band in &bands {
        chart.mark(Mark::Band {
            from: band.min as f64,
            to: band.max.map_or(f64::INFINITY, |m| m as f64),
            fill: band.fill,
            label: band.text.clone(),
        });
        chart.key(Swatch::Fill(band.fill), &band.text);
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
    let budget = match page.rule_program(rule).map(|r| &r.spec) {
        Some(RuleSpec::Attempts {
            max_duration_s: Some(s),
            ..
        }) => Some(*s),
        _ => None,
    };
    let (spent, unit) = Durations {
        title: format!(
            "{}: time spent per lead{}",
            rule_title(rule),
            scope.suffix()
        ),
        axis: "time spent per lead",
        bars: "the mean and the median time spent per lead on the attempts counted (the sum of their durations)"
            .to_owned(),
        lines_are: "the line is the max duration, the time a lead is worth",
        series: vec![
            Series {
                name: "mean",
                fill: Fill::Light,
                seconds: |w| match &w.stats {
                    Some(Stats::Attempts { mean_spent_s, .. }) => *mean_spent_s,
                    _ => None,
                },
            },
            Series {
                name: "median",
                fill: Fill::Mid,
                seconds: |w| match &w.stats {
                    Some(Stats::Attempts { median_spent_s, .. }) => *median_spent_s,
                    _ => None,
                },
            },
        ],
        lines: budget
            .map(|s| Line {
                seconds: s as f64,
                label: human(s),
                legend: format!("max duration {}", human(s)),
            })
            .into_iter()
            .collect(),
    }
    .render(page, windows);
    let caption = format!(
        "{}{}: every window's verdict, time spent in {}",
        rule.name,
        scope.suffix(),
        unit.name
    );
    html! {
        figure {
            (chart.render())
            (spent)
            p.note {
                "The mean attempts and the time spent are over every lead the rule judged in the window, whatever clause applied to it, "
                "and stop at " code { "until" } " when the agreement has one; compare the mean with the band of the clause most leads fall under. "
                "Time spent is the sum of the " code { "duration" } " of a lead's attempts counted"
                @if budget.is_some() { "; a lead that goes over the max duration is missed at once" }
                "."
            }
            @if scope == Scope::Team { (compliance(page, rule, windows, scope)) }
            (window_table(rule, windows, Some(unit), &caption))
        }
        (spread(page, rule, windows, scope, &bands))
        (breaches(rule, windows, scope))
    }
}

/// How many leads got each number of attempts: a small histogram per
/// window with the clauses' bands shaded, and the table of every count.
fn spread(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
    bands: &[ClauseBand],
) -> Markup {
    // A chart per window and person would bury the team's section; each
    // person's section has theirs.
    if scope == Scope::Team && grouped(windows) {
        return under_people("Leads by the number of attempts counted are drawn");
    }
    let reach = windows
        .iter()
        .flat_map(|w| distribution(w).iter().map(|d| d.attempts))
        .chain(bands.iter().map(ClauseBand::reach))
        .max()
        .unwrap_or(0);
    let tallest = windows
        .iter()
        .flat_map(|w| distribution(w).iter().map(|d| d.leads))
        .max()
        .unwrap_or(0);
    let leads = |w: &WindowVerdict, n: u64| {
        distribution(w)
            .iter()
            .find(|d| d.attempts == n)
            .map_or(0, |d| d.leads)
    };
    let grouped = grouped(windows);
    let charts: Vec<Markup> = windows
        .iter()
        .filter(|w| !distribution(w).is_empty())
        .map(|w| {
            let mut spec = small(
                page,
                &format!(
                    "{}: leads by attempts in {}{}",
                    rule_title(rule),
                    window_label(w),
                    scope.suffix()
                ),
                w,
                Axis::new("attempts counted", None),
                Axis::new("leads", Some("count")),
            );
            spec.description = "One bar per number of attempts: how many of the window's leads got that many; the shaded columns are each clause's band, from its minimum to its maximum.".to_owned();
            if w.state == State::Open {
                spec.description.push_str(" The window is still running: leads still open show the attempts so far.");
            }
            spec.positions = (0..=reach).map(|n| n.to_string()).collect();
            // One scale for every window, so a taller bar is more leads;
            // the headroom keeps the tallest bar's value under the bands'
            // labels above the plot.
            spec.y_top = Some(tallest as f64 * 1.08);
            spec.integer = true;
            let mut chart = Chart::new(spec);
            for band in bands {
                chart.mark(Mark::Span {
                    from: usize::try_from(band.min).unwrap_or(usize::MAX),
                    to: usize::try_from(band.max.unwrap_or(reach)).unwrap_or(usize::MAX),
                    fill: band.fill,
                    label: band.range(),
                });
            }
            for d in distribution(w) {
                if let Ok(pos) = usize::try_from(d.attempts) {
                    chart.bar(pos, d.leads as f64, Fill::Mid, d.leads.to_string());
                }
            }
            chart.key(Swatch::Fill(Fill::Mid), "leads");
            for band in bands {
                chart.key(Swatch::Fill(band.fill), &band.short());
            }
            chart.render()
        })
        .collect();
    let caption = format!(
        "Leads by the number of attempts counted, per window{}",
        scope.suffix()
    );
    let rest = html! {
        @if windows.iter().any(|w| w.state == State::Open) {
            p.note { "In a window still running, a lead still open shows the attempts so far." }
        }
        table.data {
            caption { (rule.name) (scope.suffix()) ": leads by the number of attempts counted" }
            thead {
                tr {
                    th rowspan="2" { "window" }
                    @if grouped { th rowspan="2" { "group" } }
                    th.num colspan=(reach + 1) { "attempts counted" }
                }
                tr { @for n in 0..=reach { th.num { (n) } } }
            }
            tbody {
                @for w in windows {
                    tr data-rule=(rule.name) data-window=(w.window) data-group=[w.group.as_deref()] {
                        td { (window_label(w)) }
                        @if grouped { td { (w.group.as_deref().map(person).unwrap_or("")) } }
                        @for n in 0..=reach {
                            td.num data-field=(format!("stats.distribution.{n}")) { (leads(w, n)) }
                        }
                    }
                }
            }
        }
    };
    multiples(&caption, charts, rest)
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
