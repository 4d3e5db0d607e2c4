//! Chart builders more than one section uses: where each window's bars go,
//! which fill a status gets, the unit for durations, and the compliance
//! chart (share of leads met against the target) of percentage rules.

use maud::Markup;

use super::{person, rule_title, window_label, Page, Scope};
use crate::eval::verdict::{RuleVerdict, Status, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Mark, Spec, Stroke, Swatch};
use crate::report::verdict::{number, percent, words};

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
    status_keys(&mut chart, &l.windows);
    if !targets.is_empty() {
        chart.key(Swatch::Stroke(Stroke::Dashed), "target");
    }
    chart.render()
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
