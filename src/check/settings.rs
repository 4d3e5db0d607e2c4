//! The agreement's settings: its range, zone and currency, and whether it is
//! still in force and reviewed as of today.

use chrono::{Months, NaiveDate};

use super::suggest::did_you_mean;
use super::{CheckError, Checker};
use crate::syntax::ast::{Period, SettingKind, Span, Spanned};

impl<'a> Checker<'a> {
    pub(super) fn settings(&mut self) {
        let mut seen: Vec<(&'static str, Span)> = Vec::new();
        for setting in self.agreement.settings() {
            let keyword = setting.kind.keyword();
            match seen.iter().find(|(k, _)| *k == keyword) {
                Some((_, first)) => self.out.push(CheckError::DuplicateClause {
                    keyword,
                    span: setting.span.into(),
                    first: (*first).into(),
                }),
                None => seen.push((keyword, setting.span)),
            }
            match &setting.kind {
                SettingKind::Effective { from, to } if to.node < from.node => {
                    self.out.push(CheckError::EffectiveBackwards {
                        span: from.span.join(to.span).into(),
                        first: from.node.to_string(),
                        last: to.node.to_string(),
                    })
                }
                SettingKind::Timezone(name) if name.parse::<chrono_tz::Tz>().is_err() => {
                    let help = match did_you_mean(
                        name,
                        chrono_tz::TZ_VARIANTS.iter().map(|t| t.name()),
                    ) {
                        Some(zone) => format!("did you mean `{zone}`?"),
                        None => {
                            "use an IANA zone name such as `Europe/Amsterdam` or `America/New_York`"
                                .to_owned()
                        }
                    };
                    self.out.push(CheckError::UnknownTimezone {
                        name: name.node.to_string(),
                        span: name.span.into(),
                        help,
                    });
                }
                SettingKind::Review {
                    every,
                    last: Some(last),
                } => self.review(every, last),
                _ => {}
            }
        }
        let head = self.agreement.keyword.join(self.agreement.name.span);
        for (keyword, help) in [
            (
                "effective",
                "say when it is in force: `effective 2027-01-01 to 2027-12-31`",
            ),
            (
                "timezone",
                "name the zone days and hours are counted in: `timezone \"Europe/Amsterdam\"`",
            ),
        ] {
            if !seen.iter().any(|(k, _)| *k == keyword) {
                self.out.push(CheckError::Missing {
                    block: "the agreement".to_owned(),
                    keyword,
                    span: head.into(),
                    help: help.to_owned(),
                });
            }
        }
        if let (Some(today), Some((_, last, span))) = (self.options.today, self.effective()) {
            if today > last {
                self.out.push(CheckError::Expired {
                    last: last.to_string(),
                    today: today.to_string(),
                    span: span.into(),
                });
            }
        }
    }

    fn review(&mut self, every: &Spanned<Period>, last: &Spanned<NaiveDate>) {
        let Some(today) = self.options.today else {
            return;
        };
        let due = match every.node {
            Period::Day => last.node.succ_opt(),
            Period::Week => last.node.checked_add_days(chrono::Days::new(7)),
            Period::Month => last.node.checked_add_months(Months::new(1)),
            Period::Quarter => last.node.checked_add_months(Months::new(3)),
            Period::Year => last.node.checked_add_months(Months::new(12)),
        };
        if let Some(due) = due.filter(|due| today > *due) {
            self.out.push(CheckError::ReviewOverdue {
                due: due.to_string(),
                every: every.node.name(),
                span: last.span.into(),
            });
        }
    }

    /// The first `effective` setting: first day, last day, and where it is written.
    pub(super) fn effective(&self) -> Option<(NaiveDate, NaiveDate, Span)> {
        self.agreement.settings().find_map(|s| match &s.kind {
            SettingKind::Effective { from, to } => Some((from.node, to.node, s.span)),
            _ => None,
        })
    }

    pub(super) fn currency(&self) -> Option<&'a str> {
        self.agreement.settings().find_map(|s| match &s.kind {
            SettingKind::Currency(code) => Some(code.as_str()),
            _ => None,
        })
    }
}
