//! Marketing: the funnel derivation and a waterfall per quota — the target
//! for the whole effective period, what each window delivered stacked on
//! the last, and the gap still to close (or the surplus).

use maud::{html, Markup};

use super::charts::{status_fill, status_keys};
use super::{rule_heading, rule_title, status, window_label, Page, Scope};
use crate::eval::plan::QuotaPlan;
use crate::eval::verdict::{Counts, RuleVerdict, State, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Mark, Spec, Stroke, Swatch};
use crate::report::verdict::{number, percent};

pub(super) fn section(page: &Page) -> Markup {
    let quotas: Vec<&RuleVerdict> = page.rules(&["quota"]).collect();
    html! {
        section #marketing .team {
            h2 { "Marketing" }
            (funnel(page))
            @if quotas.is_empty() {
                p { "The agreement sets no quotas." }
            }
            @for rule in quotas {
                (rule_heading(page, rule))
                (super::view(page, rule, Scope::Team))
            }
        }
    }
}

fn funnel(page: &Page) -> Markup {
    let money = |x: f64| match page.program.currency.as_deref() {
        Some(c) => format!("{c} {}", number(x)),
        None => number(x),
    };
    html! {
        h3 #funnel { "Funnel" }
        @match &page.plan.funnel {
            None => p { "The agreement has no funnel." },
            Some(f) => {
                p.note { "How many leads marketing must deliver, derived from the revenue goal. Quotas may refer to it as "
                    code { "funnel.leads" } "." }
                table.data.funnel {
                    caption { "The funnel derivation, per " (f.per) }
                    tbody {
                        tr { th { "revenue per " (f.per) } td.num data-field="funnel.revenue" { (money(f.revenue)) } }
                        tr { th { "× marketing share" } td.num data-field="funnel.marketing_share" { (percent(f.marketing_share)) } }
                        tr { th { "÷ deal size" } td.num data-field="funnel.deal_size" { (money(f.deal_size)) } }
                        tr { th { "= customers" } td.num data-field="funnel.customers" { (number(f.customers)) } }
                        tr { th { "÷ lead to customer" } td.num data-field="funnel.lead_to_customer" { (percent(f.lead_to_customer)) } }
                        tr { th { "= leads (funnel.leads)" } td.num data-field="funnel.leads" { (number(f.leads)) } }
                    }
                }
            }
        }
    }
}

/// What is left between what was delivered and the target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Remainder {
    /// Still to deliver (for an upper bound: room left under it).
    Gap(f64),
    /// Delivered beyond the target (for an upper bound: over it).
    Surplus(f64),
    Exact,
}

/// A waterfall: each delivery as a step from the running total.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Waterfall {
    pub steps: Vec<(f64, f64)>,
    pub delivered: f64,
    pub remainder: Remainder,
}

pub(super) fn waterfall(target: f64, deliveries: &[f64]) -> Waterfall {
    let mut steps = Vec::with_capacity(deliveries.len());
    let mut total = 0.0;
    for d in deliveries {
        steps.push((total, total + d));
        total += d;
    }
    let left = target - total;
    // Targets are prorated by days, so sums carry float dust.
    let remainder = if left.abs() < 1e-9 {
        Remainder::Exact
    } else if left > 0.0 {
        Remainder::Gap(left)
    } else {
        Remainder::Surplus(-left)
    };
    Waterfall {
        steps,
        delivered: total,
        remainder,
    }
}

/// Words for the remainder: a quota of at least is short of its target,
/// one of at most has room under its cap.
fn remainder_words(r: Remainder, at_most: bool) -> (&'static str, f64) {
    match (r, at_most) {
        (Remainder::Gap(x), false) => ("gap left", x),
        (Remainder::Gap(x), true) => ("room left", x),
        (Remainder::Surplus(x), false) => ("surplus", x),
        (Remainder::Surplus(x), true) => ("over the cap", x),
        (Remainder::Exact, _) => ("on target", 0.0),
    }
}

/// What should have been delivered by the as-of instant: closed windows'
/// targets and the open window's expected share.
fn expected_to_date(windows: &[&WindowVerdict]) -> f64 {
    windows
        .iter()
        .map(|w| match w.state {
            State::Closed => w.target.unwrap_or(0.0),
            State::Open => w.expected_to_date.or(w.target).unwrap_or(0.0),
        })
        .sum()
}

/// A quota's waterfall and table for one group (or none); several groups
/// get one each.
pub(super) fn quota(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let mut groups: Vec<Option<&str>> = Vec::new();
    for w in windows {
        if !groups.contains(&w.group.as_deref()) {
            groups.push(w.group.as_deref());
        }
    }
    let plan = page.plan.quotas.iter().find(|q| q.name == rule.name);
    html! {
        @for g in groups {
            @let mine: Vec<&WindowVerdict> = windows.iter().copied().filter(|w| w.group.as_deref() == g).collect();
            (one_quota(page, rule, plan, &mine, g, scope))
        }
    }
}

fn one_quota(
    page: &Page,
    rule: &RuleVerdict,
    plan: Option<&QuotaPlan>,
    windows: &[&WindowVerdict],
    group: Option<&str>,
    scope: Scope,
) -> Markup {
    let value = plan.is_some_and(|q| q.measure == "value");
    let at_most = plan.is_some_and(|q| q.bound == "<=");
    let unit = match (value, page.program.currency.as_deref()) {
        (true, Some(c)) => c.to_owned(),
        (true, None) => "weight".to_owned(),
        (false, _) => "leads".to_owned(),
    };
    let total = plan.map_or_else(
        || windows.iter().filter_map(|w| w.target).sum(),
        |q| q.total,
    );
    let delivered: Vec<f64> = windows.iter().map(|w| w.observed.unwrap_or(0.0)).collect();
    let fall = waterfall(total, &delivered);
    let (rest, rest_amount) = remainder_words(fall.remainder, at_most);
    let expected = expected_to_date(windows);
    let who = match (group, scope) {
        (Some(g), Scope::Team) => format!(" — {}", super::person(g)),
        _ => scope.suffix(),
    };
    let title = format!(
        "{}: delivered per window against the whole period's target{who}",
        rule_title(rule)
    );
    let mut spec = Spec::new(
        &page.chart_id(),
        &title,
        Axis::new("window", None),
        Axis::new(
            if value {
                "value delivered"
            } else {
                "leads delivered"
            },
            Some(&unit),
        ),
    );
    spec.description = format!(
        "The first bar is the target for the whole effective period ({}); each window's delivery is a step up from the running total, filled by the window's status; the last bar is the {rest} ({}). The line marks what was expected by the as-of instant ({}).",
        number(total),
        number(rest_amount),
        number(expected)
    );
    spec.integer = !value;
    spec.positions = std::iter::once("target".to_owned())
        .chain(windows.iter().map(|w| window_label(w)))
        .chain(std::iter::once(rest.to_owned()))
        .collect();
    let last = windows.len() + 1;
    let mut chart = Chart::new(spec);
    chart.bar(0, total, Fill::Dark, number(total));
    for (i, (w, (from, to))) in windows.iter().zip(&fall.steps).enumerate() {
        chart.step(i + 1, *from, *to, status_fill(w.status), number(to - from));
        chart.mark(Mark::Connector {
            from: i + 1,
            to: i + 2,
            value: *to,
        });
    }
    let rest_fill = match fall.remainder {
        Remainder::Surplus(_) => Fill::Mid,
        _ => Fill::Blank,
    };
    // Down from the delivered total for a surplus, up for a gap: either
    // way the last step ends on the target.
    chart.step(last, fall.delivered, total, rest_fill, number(rest_amount));
    chart.mark(Mark::Rule {
        value: expected,
        stroke: Stroke::Dashed,
        label: number(expected),
    });
    chart.key(Swatch::Fill(Fill::Dark), "target, whole period");
    status_keys(&mut chart, windows);
    chart.key(Swatch::Fill(rest_fill), rest);
    chart.key(
        Swatch::Stroke(Stroke::Dashed),
        "expected by the as-of instant",
    );
    let later: Vec<_> = plan
        .map(|q| {
            q.windows
                .iter()
                .filter(|p| !windows.iter().any(|w| w.window == p.window))
                .collect()
        })
        .unwrap_or_default();
    let grouped = group.is_some();
    html! {
        figure {
            (chart.render())
            table.data.quota data-rule=(rule.name) data-group=[group] {
                caption { (rule.name) (who) ": target and delivery per window (" (unit) ")" }
                thead {
                    tr {
                        th { "window" } @if grouped { th { "group" } } th { "status" }
                        th.num { "target" } th.num { "delivered" } th.num { "expected to date" }
                        th.num { "leads" } th.num { "running total" }
                    }
                }
                tbody {
                    @for (w, (_, running)) in windows.iter().zip(&fall.steps) {
                        @let leads = match w.counts { Counts::Quota { leads } => Some(leads), _ => None };
                        tr data-rule=(rule.name) data-window=(w.window) data-group=[w.group.as_deref()] {
                            td { (window_label(w)) }
                            @if grouped { td { (w.group.as_deref().map(super::person).unwrap_or("")) } }
                            td { (status(w.status)) }
                            td.num data-field="target" { (w.target.map(number).unwrap_or_default()) }
                            td.num data-field="observed" { (w.observed.map_or_else(|| "—".to_owned(), number)) }
                            td.num data-field="expected_to_date" { (w.expected_to_date.map_or_else(|| "—".to_owned(), number)) }
                            td.num data-field="counts.leads" { (leads.map(|l| l.to_string()).unwrap_or_default()) }
                            td.num { (number(*running)) }
                        }
                    }
                    @for p in later {
                        tr data-rule=(rule.name) data-plan-window=(p.window) {
                            td { (p.window) } @if grouped { td {} } td { "not started" }
                            td.num data-field="plan.target" { (number(p.target)) }
                            td.num { "—" } td.num { "—" } td.num { "—" } td.num { "—" }
                        }
                    }
                }
                tfoot {
                    tr { th colspan=(if grouped { 3 } else { 2 }) { "target for the whole period" }
                         td.num data-field="plan.total" { (number(total)) } td colspan="4" {} }
                    tr { th colspan=(if grouped { 3 } else { 2 }) { "expected by the as-of instant" }
                         td.num data-field="expected" { (number(expected)) } td colspan="4" {} }
                    tr { th colspan=(if grouped { 3 } else { 2 }) { "delivered so far" }
                         td {} td.num data-field="delivered" { (number(fall.delivered)) } td colspan="3" {} }
                    tr { th colspan=(if grouped { 3 } else { 2 }) { (rest) }
                         td.num data-field="remainder" { (number(rest_amount)) } td colspan="4" {} }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delivery_steps_up_from_the_last_and_the_gap_closes_the_target() {
        let w = waterfall(600.0, &[79.0, 76.0, 113.0, 61.0]);
        assert_eq!(
            w.steps,
            vec![(0.0, 79.0), (79.0, 155.0), (155.0, 268.0), (268.0, 329.0)]
        );
        assert_eq!(w.delivered, 329.0);
        assert_eq!(w.remainder, Remainder::Gap(271.0));
    }

    #[test]
    fn delivering_more_than_the_target_is_a_surplus() {
        let w = waterfall(100.0, &[60.0, 70.0]);
        assert_eq!(w.remainder, Remainder::Surplus(30.0));
        assert_eq!(remainder_words(w.remainder, false), ("surplus", 30.0));
        assert_eq!(remainder_words(w.remainder, true), ("over the cap", 30.0));
    }

    #[test]
    fn prorated_targets_that_add_up_leave_nothing() {
        let thirds = [100.0 / 3.0; 3];
        assert_eq!(waterfall(100.0, &thirds).remainder, Remainder::Exact);
        assert_eq!(waterfall(0.0, &[]).remainder, Remainder::Exact);
    }
}
