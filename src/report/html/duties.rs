//! Duties: what one team hands the other, per window — the share of leads
//! handed over complete (at handoff) or on time (within a window after an
//! event), against the target, and for hand-overs at handoff how complete
//! each field the duty names was.

use maud::{html, Markup};

use super::charts::{compliance, multiples, small, target_lines};
use super::{
    breaches_table, grouped, person, rule_heading, rule_title, under_people, window_label,
    window_table, Page, Scope,
};
use crate::eval::verdict::{Counts, MissingField, RuleVerdict, WindowVerdict};
use crate::report::svg::{Axis, Chart, Fill, Swatch};
use crate::report::verdict::percent;

pub(super) fn section(page: &Page) -> Markup {
    let rules: Vec<&RuleVerdict> = page.rules(&["duty"]).collect();
    html! {
        section #duties .team {
            h2 { "Duties" }
            @if rules.is_empty() {
                p { "The agreement sets no duties." }
            }
            @for rule in rules {
                (rule_heading(page, rule))
                (super::view(page, rule, Scope::Team))
            }
        }
    }
}

pub(super) fn duty(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let caption = format!("{}{}: every window's verdict", rule.name, scope.suffix());
    let at_handoff = windows.iter().any(|w| w.missing_fields.is_some());
    // Fields per window and person would bury the team's section; each
    // person's section has theirs.
    let per_person = scope == Scope::Team && grouped(windows);
    html! {
        figure {
            (compliance(page, rule, windows, scope))
            p.note {
                "A lead meets a duty when every field it names was provided"
                @if scope == Scope::Team { " (the reasons below name the fields missing)" }
                "; the share is over the leads decided so far."
            }
            (window_table(rule, windows, None, &caption))
        }
        @if windows.iter().any(|w| w.handovers.is_some()) {
            (handovers(rule, windows, scope))
        }
        @if at_handoff {
            @if per_person {
                (under_people("Hand-over completeness by field is drawn"))
            } @else {
                (completeness(page, rule, windows, scope))
            }
        }
        @if per_person {
            (under_people("The leads missed are listed"))
        } @else {
            (breaches_table(rule, windows))
        }
    }
}

/// Hand-overs within a window after an event: on time, late, or missing.
fn handovers(rule: &RuleVerdict, windows: &[&WindowVerdict], scope: Scope) -> Markup {
    let grouped = grouped(windows);
    html! {
        table {
            caption { (rule.name) (scope.suffix()) ": hand-overs on time, late and missing (decided leads)" }
            thead {
                tr {
                    th { "window" }
                    @if grouped { th { "person" } }
                    th.num { "on time" }
                    th.num { "late" }
                    th.num { "missing" }
                }
            }
            tbody {
                @for w in windows {
                    @if let Some(h) = &w.handovers {
                        tr data-rule=(rule.name) data-window=(w.window) data-group=[w.group.as_deref()] {
                            td { (window_label(w)) }
                            @if grouped { td { (w.group.as_deref().map(person).unwrap_or("")) } }
                            td.num data-field="handovers.on_time" { (h.on_time) }
                            td.num data-field="handovers.late" { (h.late) }
                            td.num data-field="handovers.missing" { (h.missing) }
                        }
                    }
                }
            }
        }
    }
}

/// The leads a window judged: the base of its shares per field.
fn judged(w: &WindowVerdict) -> u64 {
    match w.counts {
        Counts::Leads {
            met, missed, open, ..
        } => met + missed + open,
        _ => 0,
    }
}

/// Each field the duty names and how many of a window's leads lacked it.
fn missing(w: &WindowVerdict) -> &[MissingField] {
    w.missing_fields.as_deref().unwrap_or_default()
}

/// The share of a window's leads that had a field, when it had leads.
fn had(w: &WindowVerdict, missing: &MissingField) -> Option<f64> {
    let leads = judged(w);
    (leads > 0).then(|| leads.saturating_sub(missing.leads) as f64 / leads as f64)
}

/// Hand-over completeness: a small chart per window of the share of leads
/// that had each field, against the target, and the table of what was
/// lacking.
fn completeness(
    page: &Page,
    rule: &RuleVerdict,
    windows: &[&WindowVerdict],
    scope: Scope,
) -> Markup {
    let names: Vec<&str> = windows
        .iter()
        .find_map(|w| w.missing_fields.as_deref())
        .unwrap_or_default()
        .iter()
        .map(|m| m.field.as_str())
        .collect();
    let charts: Vec<Markup> = windows
        .iter()
        .filter(|w| judged(w) > 0)
        .map(|w| {
            let mut spec = small(
                page,
                &format!(
                    "{}: leads that had each field at handoff in {}{}",
                    rule_title(rule),
                    window_label(w),
                    scope.suffix()
                ),
                w,
                Axis::new("field", None),
                Axis::new("leads that had it", Some("%")),
            );
            spec.description = "One bar per field the duty names: the share of the window's leads that had it at handoff, hatched when some lacked it; the line is the target, which a lead meets only with every field.".to_owned();
            spec.positions = missing(w).iter().map(|m| m.field.clone()).collect();
            spec.y_top = Some(1.0);
            spec.format = percent;
            let mut chart = Chart::new(spec);
            for (pos, m) in missing(w).iter().enumerate() {
                if let Some(share) = had(w, m) {
                    let fill = if m.leads > 0 { Fill::Hatch } else { Fill::Light };
                    chart.bar(pos, share, fill, percent(share));
                }
            }
            chart.key(Swatch::Fill(Fill::Light), "every lead had it");
            chart.key(Swatch::Fill(Fill::Hatch), "some lacked it");
            target_lines(&mut chart, &[w]);
            chart.render()
        })
        .collect();
    let grouped = grouped(windows);
    let caption = format!(
        "Leads that had each field at handoff, per window{}",
        scope.suffix()
    );
    let rest = html! {
        p.note {
            "A lead lacking any one field misses the duty, so a field under the target line is enough for its window to miss it."
        }
        table.data {
            caption { (rule.name) (scope.suffix()) ": leads lacking each field at handoff" }
            thead {
                tr {
                    th rowspan="2" { "window" }
                    @if grouped { th rowspan="2" { "group" } }
                    th.num rowspan="2" { "target" }
                    th.num rowspan="2" { "leads" }
                    @for name in &names { th.num colspan="2" { (name) } }
                }
                tr { @for _ in &names { th.num { "lacking" } th.num { "had it" } } }
            }
            tbody {
                @for w in windows {
                    tr data-rule=(rule.name) data-window=(w.window) data-group=[w.group.as_deref()] {
                        td { (window_label(w)) }
                        @if grouped { td { (w.group.as_deref().map(person).unwrap_or("")) } }
                        td.num data-field="target" { (w.target.map(percent).unwrap_or_default()) }
                        td.num { (judged(w)) }
                        @for m in missing(w) {
                            td.num data-field=(format!("missing_fields.{}", m.field)) { (m.leads) }
                            td.num data-field=(format!("complete.{}", m.field)) {
                                (had(w, m).map_or_else(|| "—".to_owned(), percent))
                            }
                        }
                    }
                }
            }
        }
    };
    multiples(&caption, charts, rest)
}
