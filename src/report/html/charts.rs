//! Chart builders more than one section uses: where each window's bars go,
//! which fill a status gets, the unit for durations, durations per window
//! against reference lines, and the compliance chart (share of leads met
//! against the target) of percentage rules.

use maud::{html, Markup};

use super::{person, rule_title, window_label, Page, Scope};
use crate::eval::verdict::{RuleVerdict, Status, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Mark, Spec, Stroke, Swatch};
use crate::report::verdict::{number, percent, words};

/// Line styles for several reference lines in one chart, told apart in
/// greyscale.
pub const STROKES: [Stroke; 4] = [
    Stroke::Dashed,
    Stroke::Dotted,
    Stroke::DashDot,
    Stroke::Solid,
];

/// Bar positions for windows: one per window, or, when several groups
/// share a window, one per group with the window as a cluster beneath.
pub struct Layout<'a> {
    pub positions: Vec<String>,
    pub clusters: Vec<(String, usize)>,
    /// The window at each position.
    pub windows: Vec<&'a WindowVerdict>,
}

pub fn layout<'a>(windows: &[&'a WindowVerdict]) -> Layout<'a> {
    let mut clusters: Vec<(String, usize)> = Vec::new();
    for w in windows {
        let label = window_label(w);
        match clusters.last_mut() {
            Some((last, n)) if *last == label => *n += 1,
            _ => clusters.push((label, 1)),
        }
    }
    let positions = if clusters.iter().all(|(_, n)| *n == 1) {
        clusters.clear();
        windows.iter().map(|w| window_label(w)).collect()
    } else {
        windows
            .iter()
            .map(|w| short(w.group.as_deref().unwrap_or("")))
            .collect()
    };
    Layout {
        positions,
        clusters,
        windows: windows.to_vec(),
    }
}

/// A person as an axis label under a bar: the part of an email address
/// before the `@` (the tables name them in full).
pub fn short(group: &str) -> String {
    let name = person(group);
    name.split_once('@')
        .map_or(name, |(local, _)| local)
        .to_owned()
}

/// Each status its own fill, so a bar's status reads without colour.
pub fn status_fill(s: Status) -> Fill {
    match s {
        Status::Met => Fill::Light,
        Status::OnTrack => Fill::Dots,
        Status::AtRisk => Fill::Cross,
        Status::Missed | Status::Breached => Fill::Hatch,
        Status::NoData => Fill::Blank,
    }
}

/// Legend entries for the statuses some windows have, in a fixed order.
pub fn status_keys(chart: &mut Chart, windows: &[&WindowVerdict]) {
    for s in [
        Status::Met,
        Status::OnTrack,
        Status::AtRisk,
        Status::Missed,
        Status::NoData,
    ] {
        if windows.iter().any(|w| w.status == s) {
            chart.key(Swatch::Fill(status_fill(s)), words(s));
        }
    }
}

/// A unit for durations that keeps an axis's numbers short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TimeUnit {
    pub name: &'static str,
    pub secs: f64,
}

impl TimeUnit {
    /// The largest unit in which `max_secs` is at least 2 of them.
    pub fn fitting(max_secs: f64) -> TimeUnit {
        [("d", 86_400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)]
            .into_iter()
            .map(|(name, secs)| TimeUnit { name, secs })
            .find(|u| max_secs >= 2.0 * u.secs)
            .unwrap_or(TimeUnit {
                name: "s",
                secs: 1.0,
            })
    }

    pub fn of(self, secs: f64) -> f64 {
        secs / self.secs
    }

    /// As tables show it: the number as the chart labels it, and the unit.
    pub fn format(self, secs: f64) -> String {
        format!("{} {}", number(self.of(secs)), self.name)
    }
}

/// One duration the verdict has per window, drawn as a bar of its own.
pub struct Series {
    /// Its legend entry.
    pub name: &'static str,
    pub fill: Fill,
    pub seconds: fn(&WindowVerdict) -> Option<f64>,
}

/// A duration the agreement sets, drawn as a line across the plot.
pub struct Line {
    pub seconds: f64,
    /// Right of the plot, as the agreement writes it.
    pub label: String,
    pub legend: String,
}

/// Durations side by side per window (and person), against the lines the
/// agreement sets, all in one unit that fits the largest of them.
pub struct Durations {
    pub title: String,
    pub axis: &'static str,
    /// What the bars are, for the description.
    pub bars: String,
    /// What the lines are, for the description.
    pub lines_are: &'static str,
    pub series: Vec<Series>,
    pub lines: Vec<Line>,
}

impl Durations {
    /// The chart, and its unit for the table under it: the one that fits
    /// the bars, as the table gives their numbers (a 2h budget over bars of
    /// minutes would make them `0.14 h`); the lines only when no bar is.
    pub fn render(&self, page: &Page, windows: &[&WindowVerdict]) -> (Markup, TimeUnit) {
        let largest = windows
            .iter()
            .flat_map(|w| self.series.iter().filter_map(|s| (s.seconds)(w)))
            .reduce(f64::max)
            .unwrap_or_else(|| self.lines.iter().map(|l| l.seconds).fold(0.0, f64::max));
        let unit = TimeUnit::fitting(largest);
        let l = layout(windows);
        let mut spec = Spec::new(
            &page.chart_id(),
            &self.title,
            Axis::new("window", None),
            Axis::new(self.axis, Some(unit.name)),
        );
        spec.description = format!(
            "Bars per window{}: {}, in {}{}.",
            if l.clusters.is_empty() {
                ""
            } else {
                " and person"
            },
            self.bars,
            unit.name,
            if self.lines.is_empty() {
                String::new()
            } else {
                format!("; {}", self.lines_are)
            }
        );
        spec.positions = l.positions;
        spec.clusters = l.clusters;
        let mut chart = Chart::new(spec);
        let of = self.series.len();
        for (i, w) in l.windows.iter().enumerate() {
            for (k, series) in self.series.iter().enumerate() {
                if let Some(v) = (series.seconds)(w) {
                    chart.bar_in(i, (k, of), unit.of(v), series.fill, number(unit.of(v)));
                }
            }
        }
        for series in &self.series {
            chart.key(Swatch::Fill(series.fill), series.name);
        }
        for (line, stroke) in self.lines.iter().zip(STROKES.iter().cycle()) {
            chart.mark(Mark::Rule {
                value: unit.of(line.seconds),
                stroke: *stroke,
                label: line.label.clone(),
            });
            chart.key(Swatch::Stroke(*stroke), &line.legend);
        }
        (chart.render(), unit)
    }
}

/// The width of a small chart: two sit side by side on a page.
const SMALL_WIDTH: f64 = 432.0;

/// The spec of one of several small charts, one per window, where one
/// chart of every window's bars side by side would not read. Its drawn
/// title is the window's label alone: the caption above them says the rest.
pub fn small(page: &Page, title: &str, w: &WindowVerdict, x: Axis, y: Axis) -> Spec {
    let mut spec = Spec::new(&page.chart_id(), title, x, y);
    spec.heading = Some(window_label(w));
    spec.width = SMALL_WIDTH;
    spec.plot_height = 150.0;
    spec
}

/// Small charts two to a row under one caption, then what reads them.
pub fn multiples(caption: &str, charts: Vec<Markup>, rest: Markup) -> Markup {
    html! {
        figure.multiples {
            figcaption { (caption) }
            @if charts.is_empty() { p.note { "No window has leads to draw." } }
            @for chart in charts { (chart) }
            (rest)
        }
    }
}

/// Observed share of leads met per window against the target line.
pub fn compliance(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let l = layout(windows);
    let title = format!(
        "{}: share of leads met per window{}",
        rule_title(rule),
        scope.suffix()
    );
    let mut spec = Spec::new(
        &page.chart_id(),
        &title,
        Axis::new("window", None),
        Axis::new("leads met", Some("%")),
    );
    spec.description = format!(
        "One bar per window{}: the share of decided leads that met the rule, filled by the window's status; the line is the target.",
        if l.clusters.is_empty() { "" } else { " and person" }
    );
    spec.positions = l.positions;
    spec.clusters = l.clusters;
    spec.y_top = Some(1.0);
    spec.format = percent;
    let mut chart = Chart::new(spec);
    for (i, w) in l.windows.iter().enumerate() {
        if let Some(o) = w.observed {
            chart.bar(i, o, status_fill(w.status), percent(o));
        }
    }
    status_keys(&mut chart, &l.windows);
    target_lines(&mut chart, windows);
    chart.render()
}

/// A dashed line at each target the windows have (one, unless the
/// agreement changed it), for a chart of shares.
pub fn target_lines(chart: &mut Chart, windows: &[&WindowVerdict]) {
    let targets: Vec<f64> =
        windows
            .iter()
            .filter_map(|w| w.target)
            .fold(Vec::new(), |mut acc, t| {
                if !acc.iter().any(|a: &f64| (a - t).abs() < 1e-12) {
                    acc.push(t);
                }
                acc
            });
    for t in &targets {
        chart.mark(Mark::Rule {
            value: *t,
            stroke: Stroke::Dashed,
            label: percent(*t),
        });
    }
    if !targets.is_empty() {
        chart.key(Swatch::Stroke(Stroke::Dashed), "target");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::verdict::{Counts, State};

    fn window(label: &str, group: Option<&str>) -> WindowVerdict {
        WindowVerdict {
            window: label.to_owned(),
            start: String::new(),
            end: String::new(),
            group: group.map(str::to_owned),
            state: State::Closed,
            status: Status::Met,
            target: Some(0.9),
            observed: Some(1.0),
            expected_to_date: None,
            counts: Counts::Quota { leads: 1 },
            stats: None,
            buckets: None,
            missing_fields: None,
            handovers: None,
            breaches: Vec::new(),
        }
    }

    #[test]
    fn several_groups_in_a_window_make_a_cluster() {
        let ws = [
            window("2027-01", Some("ann@x.example")),
            window("2027-01", Some("bob@x.example")),
            window("2027-02", Some("ann@x.example")),
        ];
        let refs: Vec<&WindowVerdict> = ws.iter().collect();
        let l = layout(&refs);
        assert_eq!(l.positions, vec!["ann", "bob", "ann"]);
        assert_eq!(
            l.clusters,
            vec![("2027-01".to_owned(), 2), ("2027-02".to_owned(), 1)]
        );
    }

    #[test]
    fn one_bar_per_window_needs_no_clusters() {
        let ws = [
            window("2027-01", Some("ann")),
            window("2027-02", Some("ann")),
        ];
        let refs: Vec<&WindowVerdict> = ws.iter().collect();
        let l = layout(&refs);
        assert_eq!(l.positions, vec!["2027-01", "2027-02"]);
        assert!(l.clusters.is_empty());
    }

    #[test]
    fn durations_take_the_largest_unit_they_fill_twice() {
        assert_eq!(TimeUnit::fitting(3180.0).name, "min");
        assert_eq!(TimeUnit::fitting(7200.0).name, "h");
        assert_eq!(TimeUnit::fitting(90.0).name, "s");
        assert_eq!(TimeUnit::fitting(0.0).name, "s");
        assert_eq!(TimeUnit::fitting(3.0 * 86_400.0).name, "d");
        assert_eq!(TimeUnit::fitting(3180.0).format(632.0), "10.53 min");
    }

    #[test]
    fn blank_groups_and_emails_shorten_for_axes() {
        assert_eq!(short("carla@northwind.example"), "carla");
        assert_eq!(short(""), "(blank)");
        assert_eq!(short("team a"), "team a");
    }
}
