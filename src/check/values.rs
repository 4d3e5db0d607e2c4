//! Checks on single values wherever they appear: money, percentages, durations.

use super::{CheckError, Checker};
use crate::syntax::ast::{Duration, Money, Number, Percent, Window};

/// The largest amount, weight or funnel number: sums of them over every lead
/// and table, and rates stretched over a window, stay far from overflowing
/// (a verdict of `inf`), and no revenue or lead count comes near it.
pub(super) const MAX_AMOUNT: f64 = 1e15;

/// The longest duration: open-time arithmetic and windows stay within
/// years the time zone data describes.
const MAX_DURATION_SECS: u64 = 3650 * 86_400;

impl<'a> Checker<'a> {
    pub(super) fn money(&mut self, money: &Money) {
        self.in_range(&money.amount, "an amount");
        let Some(code) = &money.currency else {
            return;
        };
        match self.currency() {
            None => self.out.push(CheckError::NoCurrency {
                found: code.node.to_string(),
                span: code.span.into(),
            }),
            Some(currency) if currency != code.as_str() => {
                self.out.push(CheckError::ForeignCurrency {
                    found: code.node.to_string(),
                    expected: currency.to_owned(),
                    span: code.span.into(),
                })
            }
            Some(_) => {}
        }
    }

    /// A number that is summed or multiplied: at most [`MAX_AMOUNT`].
    pub(super) fn in_range(&mut self, number: &Number, what: &'static str) {
        if !(number.value.is_finite() && number.value.abs() <= MAX_AMOUNT) {
            self.out.push(CheckError::OutOfRange {
                what: format!("`{}`", number.text),
                help: match what {
                    "a weight" => "weights are added up over every table and lead",
                    _ => "amounts are added up and spread over windows",
                },
                span: number.span.into(),
                label: "larger than 10^15",
            });
        }
    }

    pub(super) fn percent(&mut self, percent: &Percent) {
        if !(0.0..=100.0).contains(&percent.value) {
            self.out.push(CheckError::PercentOutOfRange {
                value: percent.text.clone(),
                span: percent.span.into(),
            });
        }
    }

    /// `warn at P%`: 0% would warn at once and 100% only at the deadline,
    /// which `accord due` lists anyway.
    pub(super) fn warn(&mut self, percent: &Percent) {
        if !(1.0..=99.0).contains(&percent.value) {
            self.out.push(CheckError::WarnOutOfRange {
                value: percent.text.clone(),
                span: percent.span.into(),
            });
        }
    }

    pub(super) fn duration(&mut self, duration: &Duration) {
        let secs = duration.total_seconds();
        if secs == 0 {
            self.out.push(CheckError::ZeroDuration {
                span: duration.span.into(),
            });
        } else if secs > MAX_DURATION_SECS {
            self.out.push(CheckError::DurationTooLong {
                text: duration
                    .parts
                    .iter()
                    .map(|(n, unit)| format!("{n}{}", unit.suffix()))
                    .collect(),
                span: duration.span.into(),
            });
        }
    }

    /// `within D [on CAL]`: a real duration, a known calendar, no calendar days on it.
    pub(super) fn window(&mut self, window: &Window) {
        self.duration(&window.duration);
        if let Some(calendar) = &window.calendar {
            self.calendar_ref(calendar);
            if window.duration.uses_days() {
                self.out.push(CheckError::DaysOnCalendar {
                    calendar: calendar.node.to_string(),
                    span: window.duration.span.into(),
                });
            }
        }
    }
}
