//! Charts as inline SVG for the HTML report: bars, waterfall steps,
//! reference lines and bands over a categorical x axis and a linear y axis.
//!
//! Our own rather than a plotting crate because the report needs little and
//! must stay self-contained: no scripts, no fonts, nothing fetched. All text
//! goes through maud, so names from an agreement or a CRM export are
//! escaped. Every fill is a grey or a pattern and every line has its own
//! dash, so a chart printed in black and white says the same; every chart
//! carries a `<title>` and a `<desc>` for screen readers.

use std::fmt::Write;

use maud::{html, Markup, Render};

/// Font size of axis and value labels, in px.
const FONT: f64 = 11.0;
/// Average advance of one character at [`FONT`] in a sans-serif. Only a
/// guess (no font metrics without a browser), used to keep labels apart.
const CHAR_W: f64 = 6.2;
/// Share of a position's width its bars take; the rest separates positions.
const FILL_SHARE: f64 = 0.72;
const TITLE_H: f64 = 34.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 16.0;
const LINE_H: f64 = 16.0;

/// A coordinate, written to a tenth of a pixel so the markup stays short.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Px(pub f64);

impl std::fmt::Display for Px {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        write!(f, "{v:.1}")
    }
}

impl Render for Px {
    fn render_to(&self, buffer: &mut String) {
        let _ = write!(buffer, "{self}");
    }
}

/// A linear map from data values to pixels; values outside the domain are
/// held at its ends so a mark never leaves the plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Linear {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Linear {
    pub fn at(&self, v: f64) -> f64 {
        let ((d0, d1), (r0, r1)) = (self.domain, self.range);
        if d1 <= d0 || !v.is_finite() {
            return if v == f64::INFINITY { r1 } else { r0 };
        }
        r0 + ((v - d0) / (d1 - d0)).clamp(0.0, 1.0) * (r1 - r0)
    }
}

/// The top of an axis that holds `max`, and its tick step: 1, 2 or 5 times
/// a power of ten, giving about `ticks` steps. Counts get whole steps.
pub fn nice(max: f64, ticks: usize, integer: bool) -> (f64, f64) {
    let max = if max.is_finite() && max > 0.0 {
        max
    } else {
        1.0
    };
    let raw = max / ticks.max(1) as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * magnitude);
    let step = if integer { step.max(1.0) } else { step };
    let top = (max / step - 1e-9).ceil() * step;
    (top.max(step), step)
}

/// How an area is filled: greys and patterns that stay apart in greyscale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fill {
    Dark,
    Mid,
    Light,
    Blank,
    /// Diagonal lines.
    Hatch,
    Dots,
    /// Crossed diagonal lines.
    Cross,
}

impl Fill {
    fn paint(self, id: &str) -> String {
        match self {
            Fill::Dark => "#333".to_owned(),
            Fill::Mid => "#8c8c8c".to_owned(),
            Fill::Light => "#d4d4d4".to_owned(),
            Fill::Blank => "#fff".to_owned(),
            Fill::Hatch => format!("url(#{id}-hatch)"),
            Fill::Dots => format!("url(#{id}-dots)"),
            Fill::Cross => format!("url(#{id}-cross)"),
        }
    }
}

/// How a line is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stroke {
    Solid,
    Dashed,
    Dotted,
    DashDot,
}

impl Stroke {
    fn dash(self) -> Option<&'static str> {
        match self {
            Stroke::Solid => None,
            Stroke::Dashed => Some("7 4"),
            Stroke::Dotted => Some("2 3"),
            Stroke::DashDot => Some("9 3 2 3"),
        }
    }
}

/// What a legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    Fill(Fill),
    Stroke(Stroke),
}

/// An axis: what it measures and in which unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    pub label: String,
    pub unit: Option<String>,
}

impl Axis {
    pub fn new(label: &str, unit: Option<&str>) -> Self {
        Axis {
            label: label.to_owned(),
            unit: unit.map(str::to_owned),
        }
    }

    pub fn text(&self) -> String {
        match &self.unit {
            Some(unit) => format!("{} ({unit})", self.label),
            None => self.label.clone(),
        }
    }
}

/// What a chart is about and how its axes are laid out.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Unique in the page: it prefixes the ids of the title and patterns.
    pub id: String,
    pub title: String,
    /// The title as drawn, when shorter than `title` because the page says
    /// the rest above the chart (one of several small charts under one
    /// caption); `title` stays whole for screen readers and the outline.
    pub heading: Option<String>,
    pub description: String,
    pub x: Axis,
    pub y: Axis,
    /// One label per bar position, left to right.
    pub positions: Vec<String>,
    /// Consecutive runs of positions labelled on a second line (the window
    /// several people's bars belong to); empty for none.
    pub clusters: Vec<(String, usize)>,
    /// A fixed top for the y axis (1.0 for percentages); else one that
    /// holds every mark.
    pub y_top: Option<f64>,
    /// Tick labels.
    pub format: fn(f64) -> String,
    /// Whole-number ticks, for counts.
    pub integer: bool,
    pub width: f64,
    pub plot_height: f64,
}

impl Spec {
    pub fn new(id: &str, title: &str, x: Axis, y: Axis) -> Self {
        Spec {
            id: id.to_owned(),
            title: title.to_owned(),
            heading: None,
            description: String::new(),
            x,
            y,
            positions: Vec::new(),
            clusters: Vec::new(),
            y_top: None,
            format: super::verdict::number,
            integer: false,
            width: 880.0,
            plot_height: 220.0,
        }
    }
}

/// One thing drawn in the plot.
#[derive(Debug, Clone, PartialEq)]
pub enum Mark {
    /// A bar at a position from one value to another: from 0 for a plain
    /// bar, from the running total for a waterfall step. `slot` is
    /// (index, count) of bars side by side at the position; `width` the
    /// share of the slot it takes, narrower bars drawn over wider ones.
    Bar {
        pos: usize,
        slot: (usize, usize),
        width: f64,
        from: f64,
        to: f64,
        fill: Fill,
        label: Option<String>,
    },
    /// A thin line from the end of one step to the start of the next.
    Connector { from: usize, to: usize, value: f64 },
    /// A horizontal line across the plot: a target, a deadline.
    Rule {
        value: f64,
        stroke: Stroke,
        label: String,
    },
    /// A horizontal band across the plot, drawn under the bars: a range
    /// that is fine. `to` may be infinite (no upper bound).
    Band {
        from: f64,
        to: f64,
        fill: Fill,
        label: String,
    },
    /// A vertical band over the positions `from` to `to` (inclusive), drawn
    /// under the bars and labelled above the plot: a range of categories
    /// that is fine, as a band of counts on a histogram's x axis.
    Span {
        from: usize,
        to: usize,
        fill: Fill,
        label: String,
    },
}

/// A chart being built: its spec, marks and legend.
#[derive(Debug, Clone)]
pub struct Chart {
    spec: Spec,
    marks: Vec<Mark>,
    legend: Vec<(Swatch, String)>,
}

/// Where the plot area is and how values map into it.
struct Frame {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
    y: Linear,
    step: f64,
    top_value: f64,
    positions: usize,
}

impl Frame {
    fn band(&self) -> f64 {
        (self.right - self.left) / self.positions.max(1) as f64
    }

    /// Left edge and width of a bar.
    fn bar_x(&self, pos: usize, (k, of): (usize, usize), width: f64) -> (f64, f64) {
        let band = self.band();
        let inner = band * FILL_SHARE;
        let slot = inner / of.max(1) as f64;
        let w = slot * width.clamp(0.05, 1.0);
        let x = self.left + pos as f64 * band + (band - inner) / 2.0 + k as f64 * slot;
        (x + (slot - w) / 2.0, w)
    }

    fn centre(&self, pos: usize) -> f64 {
        self.left + (pos as f64 + 0.5) * self.band()
    }
}

impl Chart {
    pub fn new(spec: Spec) -> Self {
        Chart {
            spec,
            marks: Vec::new(),
            legend: Vec::new(),
        }
    }

    /// A bar from 0 to `value`, alone at its position, labelled with it.
    pub fn bar(&mut self, pos: usize, value: f64, fill: Fill, label: String) {
        self.bar_in(pos, (0, 1), value, fill, label);
    }

    /// A bar from 0 in one of several slots side by side at a position.
    pub fn bar_in(
        &mut self,
        pos: usize,
        slot: (usize, usize),
        value: f64,
        fill: Fill,
        label: String,
    ) {
        self.mark(Mark::Bar {
            pos,
            slot,
            width: 1.0,
            from: 0.0,
            to: value,
            fill,
            label: Some(label),
        });
    }

    /// A waterfall step: a bar floating from `from` to `to`.
    pub fn step(&mut self, pos: usize, from: f64, to: f64, fill: Fill, label: String) {
        self.mark(Mark::Bar {
            pos,
            slot: (0, 1),
            width: 1.0,
            from,
            to,
            fill,
            label: Some(label),
        });
    }

    /// Any mark; those with a value that is not a number are left out, as
    /// there is nowhere to draw them.
    pub fn mark(&mut self, mark: Mark) {
        let drawable = match &mark {
            Mark::Bar { pos, from, to, .. } => {
                from.is_finite() && to.is_finite() && *pos < self.spec.positions.len()
            }
            Mark::Connector { from, to, value } => {
                value.is_finite()
                    && *from < self.spec.positions.len()
                    && *to < self.spec.positions.len()
            }
            Mark::Rule { value, .. } => value.is_finite(),
            Mark::Band { from, to, .. } => from.is_finite() && !to.is_nan(),
            Mark::Span { from, to, .. } => from <= to && *to < self.spec.positions.len(),
        };
        if drawable {
            self.marks.push(mark);
        }
    }

    pub fn key(&mut self, swatch: Swatch, label: &str) {
        self.legend.push((swatch, label.to_owned()));
    }

    pub fn marks(&self) -> &[Mark] {
        &self.marks
    }

    /// The largest value a mark reaches, for the top of the axis.
    fn max_value(&self) -> f64 {
        self.marks
            .iter()
            .map(|m| match m {
                Mark::Bar { from, to, .. } => from.max(*to),
                Mark::Connector { value, .. } | Mark::Rule { value, .. } => *value,
                Mark::Band { from, to, .. } => {
                    if to.is_finite() {
                        from.max(*to)
                    } else {
                        *from
                    }
                }
                Mark::Span { .. } => 0.0,
            })
            .fold(0.0, f64::max)
    }

    /// Legend entries laid out in rows that fit the width: (row, x,
    /// swatch, label). A label too long for a row of its own is cut short
    /// with an ellipsis rather than run off the drawing; the page around a
    /// chart says at length what its legend names (a clause, a field).
    fn legend_layout(&self) -> Vec<(usize, f64, Swatch, String)> {
        let room = ((self.spec.width - RIGHT - LEFT - 26.0) / CHAR_W).max(2.0) as usize;
        let mut out = Vec::new();
        let (mut row, mut x) = (0, LEFT);
        for (swatch, label) in &self.legend {
            let label = if label.chars().count() > room {
                label.chars().take(room - 1).chain(['…']).collect()
            } else {
                label.clone()
            };
            let w = 28.0 + label.chars().count() as f64 * CHAR_W + 18.0;
            if x + w > self.spec.width - RIGHT && x > LEFT {
                row += 1;
                x = LEFT;
            }
            out.push((row, x, *swatch, label));
            x += w;
        }
        out
    }

    fn frame(&self) -> Frame {
        let (top_value, step) = match self.spec.y_top {
            Some(top) => nice(top, 5, self.spec.integer),
            None => nice(self.max_value() * 1.08, 5, self.spec.integer),
        };
        let top = TITLE_H + 12.0;
        let bottom = top + self.spec.plot_height;
        // Reference lines are labelled in a margin of their own, where no
        // bar or value label can sit on the text.
        let labels = self
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Rule { label, .. } if !label.is_empty() => {
                    Some(label.chars().count() as f64 * CHAR_W + 10.0)
                }
                _ => None,
            })
            .fold(0.0, f64::max);
        Frame {
            left: LEFT,
            top,
            right: self.spec.width - RIGHT - labels,
            bottom,
            y: Linear {
                domain: (0.0, top_value),
                range: (bottom, top),
            },
            step,
            top_value,
            positions: self.spec.positions.len(),
        }
    }

    /// The height of the whole drawing.
    pub fn height(&self) -> f64 {
        let frame = self.frame();
        let rows = self.legend_layout().last().map_or(0, |(row, ..)| row + 1);
        let clusters = if self.spec.clusters.is_empty() {
            0.0
        } else {
            LINE_H
        };
        frame.bottom + 22.0 + clusters + 22.0 + rows as f64 * LINE_H + 6.0
    }

    pub fn render(&self) -> Markup {
        let s = &self.spec;
        let f = self.frame();
        let id = &s.id;
        let (width, height) = (s.width, self.height());
        let ticks: Vec<f64> = (0..)
            .map(|i| f64::from(i) * f.step)
            .take_while(|v| *v <= f.top_value * (1.0 + 1e-9))
            .take(50)
            .collect();
        let cluster_line = f.bottom + 18.0 + LINE_H;
        let x_title = f.bottom + 34.0 + if s.clusters.is_empty() { 0.0 } else { LINE_H };
        let legend_top = x_title + 20.0;
        html! {
            svg id=(id) class="chart" role="img"
                aria-labelledby=(format!("{id}-title {id}-desc"))
                width=(Px(width)) height=(Px(height))
                viewBox=(format!("0 0 {} {}", Px(width), Px(height)))
                font-family="system-ui, sans-serif" font-size=(FONT) {
                title id=(format!("{id}-title")) { (s.title) }
                desc id=(format!("{id}-desc")) { (s.description) }
                defs { (patterns(id)) }
                rect x="0" y="0" width=(Px(width)) height=(Px(height)) fill="#fff" {}
                text x=(Px(f.left)) y="20" font-size="14" font-weight="600" { (s.heading.as_ref().unwrap_or(&s.title)) }
                g class="grid" {
                    @for v in &ticks {
                        @let y = f.y.at(*v);
                        line x1=(Px(f.left)) x2=(Px(f.right)) y1=(Px(y)) y2=(Px(y))
                            stroke=(if *v == 0.0 { "#222" } else { "#ddd" }) stroke-width="1" {}
                        text x=(Px(f.left - 6.0)) y=(Px(y + 4.0)) text-anchor="end" { ((s.format)(*v)) }
                    }
                    text transform=(format!("translate(16 {}) rotate(-90)", Px((f.top + f.bottom) / 2.0)))
                        text-anchor="middle" { (s.y.text()) }
                }
                g class="bands" {
                    @for m in &self.marks {
                        @if let Mark::Band { from, to, fill, .. } = m {
                            @let (y0, y1) = (f.y.at(*from), f.y.at(*to));
                            rect x=(Px(f.left)) y=(Px(y1.min(y0))) width=(Px(f.right - f.left))
                                height=(Px((y0 - y1).abs())) fill=(fill.paint(id))
                                fill-opacity="0.55" stroke="#777" stroke-width="0.5" {}
                        }
                        @if let Mark::Span { from, to, fill, .. } = m {
                            @let (x0, x1) = (f.left + *from as f64 * f.band(), f.left + (*to + 1) as f64 * f.band());
                            rect x=(Px(x0)) y=(Px(f.top)) width=(Px(x1 - x0)) height=(Px(f.bottom - f.top))
                                fill=(fill.paint(id)) fill-opacity="0.55" stroke="#777" stroke-width="0.5" {}
                        }
                    }
                }
                (self.clusters(&f, cluster_line))
                g class="bars" {
                    @for m in &self.marks {
                        @if let Mark::Bar { pos, slot, width, from, to, fill, .. } = m {
                            @let (x, w) = f.bar_x(*pos, *slot, *width);
                            @let (y0, y1) = (f.y.at(*from), f.y.at(*to));
                            rect x=(Px(x)) y=(Px(y0.min(y1))) width=(Px(w)) height=(Px((y0 - y1).abs()))
                                fill=(fill.paint(id)) stroke="#222" stroke-width="1" {}
                        }
                    }
                    @for m in &self.marks {
                        @if let Mark::Connector { from, to, value } = m {
                            @let (a, aw) = f.bar_x(*from, (0, 1), 1.0);
                            @let (b, _) = f.bar_x(*to, (0, 1), 1.0);
                            line x1=(Px(a + aw)) x2=(Px(b)) y1=(Px(f.y.at(*value))) y2=(Px(f.y.at(*value)))
                                stroke="#555" stroke-width="1" stroke-dasharray="3 2" {}
                        }
                    }
                }
                (self.rules(&f))
                g class="labels" {
                    @for m in &self.marks {
                        @if let Mark::Bar { pos, slot, width, from, to, label: Some(label), .. } = m {
                            @let (x, w) = f.bar_x(*pos, *slot, *width);
                            // Bars side by side touch, so a label wider than
                            // its bar would sit on its neighbour's; a lone bar
                            // has some of the gap between positions to spare.
                            @let room = if slot.1 > 1 { w } else { w + 6.0 };
                            (value_label(x + w / 2.0, f.y.at(from.max(*to)), room, label))
                        }
                    }
                    @for m in &self.marks {
                        @if let Mark::Band { to, label, .. } = m {
                            text x=(Px(f.left + 6.0)) y=(Px(f.y.at(*to) + 13.0)) paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round" { (label) }
                        }
                    }
                }
                (self.span_labels(&f))
                g class="x-axis" {
                    @for (i, label) in s.positions.iter().enumerate() {
                        text x=(Px(f.centre(i))) y=(Px(f.bottom + 16.0)) text-anchor="middle" { (label) }
                    }
                    text x=(Px((f.left + f.right) / 2.0)) y=(Px(x_title)) text-anchor="middle" { (s.x.text()) }
                }
                g class="legend" {
                    @for (row, x, swatch, label) in self.legend_layout() {
                        @let y = legend_top + row as f64 * LINE_H;
                        @match swatch {
                            Swatch::Fill(fill) => {
                                rect x=(Px(x)) y=(Px(y - 10.0)) width="20" height="12"
                                    fill=(fill.paint(id)) stroke="#222" stroke-width="1" {}
                            }
                            Swatch::Stroke(stroke) => {
                                line x1=(Px(x)) x2=(Px(x + 20.0)) y1=(Px(y - 4.0)) y2=(Px(y - 4.0))
                                    stroke="#222" stroke-width="2" stroke-dasharray=[stroke.dash()] {}
                            }
                        }
                        text x=(Px(x + 26.0)) y=(Px(y)) { (label) }
                    }
                }
            }
        }
    }

    /// Second-line labels under runs of positions, with separators.
    fn clusters(&self, f: &Frame, y: f64) -> Markup {
        let mut start = 0;
        let runs: Vec<(usize, usize, &String)> = self
            .spec
            .clusters
            .iter()
            .map(|(label, n)| {
                let run = (start, *n, label);
                start += n;
                run
            })
            .collect();
        let band = f.band();
        html! {
            g class="clusters" {
                @for (first, n, label) in runs {
                    @let x0 = f.left + first as f64 * band;
                    @if first > 0 {
                        line x1=(Px(x0)) x2=(Px(x0)) y1=(Px(f.top)) y2=(Px(y + 4.0)) stroke="#bbb" stroke-width="1" {}
                    }
                    text x=(Px(x0 + n as f64 * band / 2.0)) y=(Px(y)) text-anchor="middle" font-weight="600" { (label) }
                }
            }
        }
    }

    /// Span labels above the plot, where no bar reaches (the tallest bar's
    /// value would sit on one inside it), each centred over its span; one
    /// that would overlap the one before is moved right until it does not.
    fn span_labels(&self, f: &Frame) -> Markup {
        let mut labels: Vec<(f64, f64, &String)> = self
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Span {
                    from, to, label, ..
                } => Some((
                    (f.centre(*from) + f.centre(*to)) / 2.0,
                    label.chars().count() as f64 * CHAR_W,
                    label,
                )),
                _ => None,
            })
            .collect();
        labels.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut next = f64::NEG_INFINITY;
        let placed: Vec<(f64, &String)> = labels
            .into_iter()
            .map(|(centre, wide, label)| {
                let x = (centre - wide / 2.0).max(next);
                next = x + wide + CHAR_W;
                (x, label)
            })
            .collect();
        html! {
            g class="spans" {
                @for (x, label) in placed {
                    text x=(Px(x)) y=(Px(f.top - 5.0)) { (label) }
                }
            }
        }
    }

    /// Reference lines, each labelled right of the plot; labels that
    /// would overlap are moved down until they do not.
    fn rules(&self, f: &Frame) -> Markup {
        let mut lines: Vec<(f64, Stroke, &String)> = self
            .marks
            .iter()
            .filter_map(|m| match m {
                Mark::Rule {
                    value,
                    stroke,
                    label,
                } => Some((f.y.at(*value), *stroke, label)),
                _ => None,
            })
            .collect();
        lines.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut next = f64::NEG_INFINITY;
        let labelled: Vec<(f64, Stroke, &String, f64)> = lines
            .into_iter()
            .map(|(y, stroke, label)| {
                let at = (y + 4.0).max(next);
                if !label.is_empty() {
                    next = at + LINE_H - 2.0;
                }
                (y, stroke, label, at)
            })
            .collect();
        html! {
            g class="rules" {
                @for (y, stroke, label, at) in labelled {
                    line x1=(Px(f.left)) x2=(Px(f.right)) y1=(Px(y)) y2=(Px(y))
                        stroke="#000" stroke-width="2" stroke-dasharray=[stroke.dash()] {}
                    @if !label.is_empty() {
                        text x=(Px(f.right + 6.0)) y=(Px(at)) { (label) }
                    }
                }
            }
        }
    }
}

/// A bar's value above it; turned upright when wider than the `room` it
/// may take.
fn value_label(cx: f64, top: f64, room: f64, label: &str) -> Markup {
    let wide = label.chars().count() as f64 * CHAR_W;
    if wide <= room {
        html! {
            text x=(Px(cx)) y=(Px(top - 4.0)) text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round" { (label) }
        }
    } else {
        let (x, y) = (Px(cx + FONT / 3.0), Px(top - 4.0));
        html! {
            text transform=(format!("translate({x} {y}) rotate(-90)")) paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round" { (label) }
        }
    }
}

/// The patterns of [`Fill`], named after the chart so that several charts
/// in one page do not share ids.
fn patterns(id: &str) -> Markup {
    html! {
        pattern id=(format!("{id}-hatch")) width="6" height="6" patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)" {
            rect width="6" height="6" fill="#fff" {}
            line x1="0" y1="0" x2="0" y2="6" stroke="#222" stroke-width="2.2" {}
        }
        pattern id=(format!("{id}-dots")) width="6" height="6" patternUnits="userSpaceOnUse" {
            rect width="6" height="6" fill="#fff" {}
            circle cx="3" cy="3" r="1.3" fill="#222" {}
        }
        pattern id=(format!("{id}-cross")) width="7" height="7" patternUnits="userSpaceOnUse"
            patternTransform="rotate(45)" {
            rect width="7" height="7" fill="#fff" {}
            line x1="0" y1="0" x2="0" y2="7" stroke="#222" stroke-width="1.4" {}
            line x1="0" y1="0" x2="7" y2="0" stroke="#222" stroke-width="1.4" {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(positions: &[&str]) -> Spec {
        let mut s = Spec::new(
            "c1",
            "Leads <per> window & more",
            Axis::new("window", None),
            Axis::new("leads", Some("count")),
        );
        s.positions = positions.iter().map(|p| (*p).to_owned()).collect();
        s.integer = true;
        s
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn a_linear_scale_maps_ends_to_ends_and_holds_outliers() {
        let y = Linear {
            domain: (0.0, 100.0),
            range: (200.0, 0.0),
        };
        assert_eq!(y.at(0.0), 200.0);
        assert_eq!(y.at(100.0), 0.0);
        assert_eq!(y.at(25.0), 150.0);
        assert_eq!(y.at(-5.0), 200.0);
        assert_eq!(y.at(1e9), 0.0);
        assert_eq!(y.at(f64::INFINITY), 0.0);
        assert_eq!(y.at(f64::NAN), 200.0);
        let flat = Linear {
            domain: (0.0, 0.0),
            range: (200.0, 0.0),
        };
        assert_eq!(flat.at(3.0), 200.0);
    }

    #[test]
    fn nice_axes_end_on_a_round_step_above_the_maximum() {
        assert_eq!(nice(347.8, 5, false), (400.0, 100.0));
        assert_eq!(nice(600.0, 5, false), (600.0, 200.0));
        assert_eq!(nice(0.93, 5, false).0, 1.0);
        assert_eq!(nice(3.0, 5, true), (3.0, 1.0));
        assert_eq!(nice(0.0, 5, true), (1.0, 1.0));
        assert_eq!(nice(f64::NAN, 5, false), (1.0, 0.2));
        assert_eq!(nice(10290.0, 5, false), (15000.0, 5000.0));
        assert_eq!(nice(64800.0, 5, false), (80000.0, 20000.0));
    }

    #[test]
    fn text_is_escaped_and_the_chart_has_a_title_and_description() {
        let mut s = spec(&["<a>"]);
        s.description = "x & y".to_owned();
        let mut chart = Chart::new(s);
        chart.bar(0, 3.0, Fill::Light, "3 <leads>".to_owned());
        let svg = chart.render().into_string();
        assert!(svg.starts_with("<svg id=\"c1\""));
        assert!(svg.contains("<title id=\"c1-title\">Leads &lt;per&gt; window &amp; more</title>"));
        assert!(svg.contains("<desc id=\"c1-desc\">x &amp; y</desc>"));
        assert!(svg.contains("&lt;a&gt;"));
        assert!(svg.contains("3 &lt;leads&gt;"));
        assert!(!svg.contains("<leads>"));
    }

    #[test]
    fn every_element_is_closed_so_html_parsers_do_not_nest_shapes() {
        let mut chart = Chart::new(spec(&["a", "b"]));
        chart.bar(0, 2.0, Fill::Hatch, "2".to_owned());
        chart.mark(Mark::Rule {
            value: 1.0,
            stroke: Stroke::Dashed,
            label: "target".to_owned(),
        });
        chart.key(Swatch::Fill(Fill::Hatch), "missed");
        let svg = chart.render().into_string();
        for tag in ["rect", "line", "text", "circle", "pattern", "g"] {
            assert_eq!(
                count(&svg, &format!("<{tag} ")) + count(&svg, &format!("<{tag}>")),
                count(&svg, &format!("</{tag}>")),
                "{tag}"
            );
        }
    }

    #[test]
    fn patterns_are_named_after_the_chart() {
        let mut chart = Chart::new(spec(&["a"]));
        chart.bar(0, 1.0, Fill::Dots, "1".to_owned());
        let svg = chart.render().into_string();
        assert!(svg.contains("id=\"c1-dots\""));
        assert!(svg.contains("fill=\"url(#c1-dots)\""));
        assert!(!svg.contains("url(#dots)"));
    }

    #[test]
    fn bars_share_a_position_side_by_side_and_stay_inside_it() {
        let mut chart = Chart::new(spec(&["a", "b"]));
        chart.bar_in(1, (0, 2), 4.0, Fill::Dark, "4".to_owned());
        chart.bar_in(1, (1, 2), 2.0, Fill::Light, "2".to_owned());
        let f = chart.frame();
        let (x0, w0) = f.bar_x(1, (0, 2), 1.0);
        let (x1, w1) = f.bar_x(1, (1, 2), 1.0);
        let mid = (f.left + f.right) / 2.0;
        assert!(x0 >= mid && x1 >= x0 + w0 - 1e-9);
        assert!(x1 + w1 <= f.right);
        assert!((w0 - w1).abs() < 1e-9);
        // the axis holds the tallest bar
        assert!(f.top_value >= 4.0);
        assert!(f.y.at(4.0) >= f.top);
    }

    #[test]
    fn a_step_floats_between_its_ends_whichever_way_it_goes() {
        let mut chart = Chart::new(spec(&["a", "b"]));
        chart.step(0, 10.0, 30.0, Fill::Light, "20".to_owned());
        chart.step(1, 30.0, 25.0, Fill::Hatch, "-5".to_owned());
        let svg = chart.render().into_string();
        let f = chart.frame();
        let height = |a: f64, b: f64| format!("height=\"{:.1}\"", (f.y.at(a) - f.y.at(b)).abs());
        assert!(svg.contains(&height(10.0, 30.0)));
        assert!(svg.contains(&height(30.0, 25.0)));
    }

    #[test]
    fn marks_without_a_number_or_a_position_are_left_out() {
        let mut chart = Chart::new(spec(&["a"]));
        chart.bar(0, f64::NAN, Fill::Light, "?".to_owned());
        chart.bar(3, 1.0, Fill::Light, "1".to_owned());
        chart.mark(Mark::Rule {
            value: f64::INFINITY,
            stroke: Stroke::Solid,
            label: "never".to_owned(),
        });
        assert!(chart.marks().is_empty());
        chart.mark(Mark::Band {
            from: 3.0,
            to: f64::INFINITY,
            fill: Fill::Dots,
            label: "at least 3".to_owned(),
        });
        assert_eq!(chart.marks().len(), 1);
        let f = chart.frame();
        assert!(f.top_value >= 3.0, "an open band still shows its floor");
    }

    #[test]
    fn a_span_covers_its_positions_whole_and_is_labelled_above_the_plot() {
        let mut chart = Chart::new(spec(&["0", "1", "2", "3"]));
        chart.bar(1, 5.0, Fill::Mid, "5".to_owned());
        chart.mark(Mark::Span {
            from: 1,
            to: 2,
            fill: Fill::Dots,
            label: "1–2".to_owned(),
        });
        chart.mark(Mark::Span {
            from: 2,
            to: 4,
            fill: Fill::Hatch,
            label: "past the axis".to_owned(),
        });
        assert_eq!(chart.marks().len(), 2, "a span beyond the axis is left out");
        let f = chart.frame();
        assert!(
            f.top_value >= 5.0 && f.top_value < 10.0,
            "a span has no height"
        );
        let svg = chart.render().into_string();
        let rect = format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"url(#c1-dots)\"",
            Px(f.left + f.band()),
            Px(f.top),
            Px(2.0 * f.band()),
            Px(f.bottom - f.top)
        );
        assert!(svg.contains(&rect), "{svg}");
        let label = format!(
            "<text x=\"{}\" y=\"{}\">1–2</text>",
            Px(f.left + 2.0 * f.band() - 1.5 * CHAR_W),
            Px(f.top - 5.0)
        );
        assert!(svg.contains(&label), "{svg}");
    }

    #[test]
    fn span_labels_over_the_same_middle_are_set_side_by_side() {
        let mut chart = Chart::new(spec(&["0", "1", "2", "3", "4"]));
        for (from, to, label) in [(0, 4, "≥ 0"), (1, 3, "1–3"), (2, 2, "2")] {
            chart.mark(Mark::Span {
                from,
                to,
                fill: Fill::Dots,
                label: label.to_owned(),
            });
        }
        let f = chart.frame();
        let svg = chart.span_labels(&f).into_string();
        // (x, label) left to right, as drawn.
        let placed: Vec<(f64, String)> = svg
            .split("<text x=\"")
            .skip(1)
            .map(|t| {
                let x = t[..t.find('"').unwrap()].parse().unwrap();
                let label = &t[t.find('>').unwrap() + 1..t.find('<').unwrap()];
                (x, label.to_owned())
            })
            .collect();
        assert_eq!(placed.len(), 3);
        // All three spans have one middle: the first label stays centred
        // on it, the others follow.
        let (x, first) = &placed[0];
        let wide = first.chars().count() as f64 * CHAR_W;
        assert!((x - (f.centre(2) - wide / 2.0)).abs() < 0.06, "{placed:?}");
        for pair in placed.windows(2) {
            let ((x0, l0), (x1, _)) = (&pair[0], &pair[1]);
            let end = x0 + l0.chars().count() as f64 * CHAR_W;
            assert!(*x1 >= end + CHAR_W - 0.1, "{placed:?}");
        }
    }

    #[test]
    fn a_heading_replaces_the_drawn_title_only() {
        let mut s = spec(&["a"]);
        s.heading = Some("2027-01".to_owned());
        let mut chart = Chart::new(s);
        chart.bar(0, 1.0, Fill::Light, "1".to_owned());
        let svg = chart.render().into_string();
        assert!(svg.contains("font-weight=\"600\">2027-01</text>"));
        assert!(svg.contains("<title id=\"c1-title\">Leads &lt;per&gt; window &amp; more</title>"));
    }

    #[test]
    fn the_y_axis_carries_its_unit_and_a_fixed_top_when_asked() {
        let mut s = spec(&["a"]);
        s.y = Axis::new("observed", Some("%"));
        s.y_top = Some(1.0);
        s.format = crate::report::verdict::percent;
        s.integer = false;
        let mut chart = Chart::new(s);
        chart.bar(0, 0.5, Fill::Light, "50%".to_owned());
        let svg = chart.render().into_string();
        assert!(svg.contains("observed (%)"));
        assert!(svg.contains(">100%</text>"));
        assert!(svg.contains(">0%</text>"));
    }

    #[test]
    fn a_narrow_bar_turns_its_label_upright() {
        let narrow = value_label(10.0, 50.0, 8.0, "123.45").into_string();
        assert!(narrow.contains("rotate(-90)"));
        let wide = value_label(10.0, 50.0, 80.0, "123.45").into_string();
        assert!(!wide.contains("rotate"));
        // A label a little wider than its bar fits over a lone bar, not
        // between two side by side.
        let mut chart = Chart::new(spec(&["a"]));
        let (_, w) = chart.frame().bar_x(0, (0, 2), 1.0);
        let label = "8".repeat((w / CHAR_W).floor() as usize + 1);
        chart.bar_in(0, (0, 2), 1.0, Fill::Light, label.clone());
        chart.bar_in(0, (1, 2), 1.0, Fill::Mid, label.clone());
        // Both labels, and the y axis's title.
        assert_eq!(count(&chart.render().into_string(), "rotate(-90)"), 3);
        let mut lone = Chart::new(spec(&["a", "b"]));
        let (_, w) = lone.frame().bar_x(0, (0, 1), 1.0);
        lone.bar(
            0,
            1.0,
            Fill::Light,
            "8".repeat((w / CHAR_W).floor() as usize + 1),
        );
        assert_eq!(count(&lone.render().into_string(), "rotate(-90)"), 1);
    }

    #[test]
    fn legend_entries_wrap_to_new_rows_and_the_drawing_grows() {
        let mut chart = Chart::new(spec(&["a"]));
        chart.bar(0, 1.0, Fill::Light, "1".to_owned());
        let one_row = chart.height();
        for i in 0..12 {
            chart.key(
                Swatch::Fill(Fill::Light),
                &format!("a long legend entry {i}"),
            );
        }
        let rows = chart.legend_layout().last().map_or(0, |(row, ..)| *row);
        assert!(rows >= 2);
        assert!(chart.height() > one_row + 2.0 * LINE_H - 1e-9);
        for (_, x, _, label) in chart.legend_layout() {
            assert!(x + label.len() as f64 * CHAR_W <= 880.0);
        }
        let mut s = spec(&["a"]);
        s.width = 300.0;
        let mut narrow = Chart::new(s);
        narrow.key(Swatch::Fill(Fill::Dots), &"between 3 and 6 ".repeat(8));
        narrow.key(Swatch::Fill(Fill::Mid), "leads");
        let laid = narrow.legend_layout();
        let (row, x, _, label) = &laid[0];
        assert_eq!((*row, *x), (0, LEFT));
        assert!(label.ends_with('…'));
        assert!(x + 26.0 + label.chars().count() as f64 * CHAR_W <= 300.0 - RIGHT);
        assert_eq!(laid[1].3, "leads", "short labels stay whole");
    }

    #[test]
    fn rule_labels_sit_right_of_the_plot_and_apart() {
        let mut chart = Chart::new(spec(&["a"]));
        chart.bar(0, 100.0, Fill::Light, "100".to_owned());
        let without = chart.frame().right;
        for (value, label) in [(50.0, "first"), (51.0, "second"), (90.0, "")] {
            chart.mark(Mark::Rule {
                value,
                stroke: Stroke::Dashed,
                label: label.to_owned(),
            });
        }
        let f = chart.frame();
        assert!(f.right < without, "room is made for the labels");
        assert!(f.right + 6.0 + "second".len() as f64 * CHAR_W <= 880.0);
        let svg = chart.render().into_string();
        let y_of = |label: &str| -> f64 {
            let end = svg.find(&format!(">{label}<")).unwrap();
            let tag = &svg[svg[..end].rfind("<text").unwrap()..end];
            let y = tag.split("y=\"").nth(1).unwrap();
            y[..y.find('"').unwrap()].parse().unwrap()
        };
        assert!((y_of("first") - y_of("second")).abs() >= LINE_H - 2.0);
        assert_eq!(
            count(&svg, "stroke-dasharray=\"7 4\""),
            3,
            "every line drawn"
        );
    }
}
