//! Checks on single values wherever they appear: money, percentages, durations.

use super::{CheckError, Checker};
use crate::syntax::ast::{Duration, Money, Percent, Window};

impl<'a> Checker<'a> {
    pub(super) fn money(&mut self, money: &Money) {
        let Some(code) = &money.currency else {
            return;
        };
        match self.currency() {
            None => self.out.push(CheckError::NoCurrency {
                found: code.node.clone(),
                span: code.span.into(),
            }),
            Some(currency) if currency != code.as_str() => {
                self.out.push(CheckError::ForeignCurrency {
                    found: code.node.clone(),
                    expected: currency.to_owned(),
                    span: code.span.into(),
                })
            }
            Some(_) => {}
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

    pub(super) fn duration(&mut self, duration: &Duration) {
        if duration.total_seconds() == 0 {
            self.out.push(CheckError::ZeroDuration {
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
                    calendar: calendar.node.clone(),
                    span: window.duration.span.into(),
                });
            }
        }
    }
}
