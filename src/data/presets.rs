//! The settings of well-known CRM exports (`preset = "hubspot-calls"`),
//! each written as the `accord.toml` table it stands for, so that what a
//! preset sets is read exactly like what a user writes, and `docs/data.md`
//! can show each one verbatim (a test holds the two together).

use super::config::TableConfig;

/// Every preset's name, in the order the docs list them.
pub const NAMES: &[&str] = &[
    "hubspot-contacts",
    "hubspot-calls",
    "hubspot-emails",
    "hubspot-meetings",
    "salesforce-leads",
    "salesforce-leads-report",
    "salesforce-tasks",
    "pipedrive-deals",
    "pipedrive-activities",
];

/// The preset's table, as TOML.
pub fn text(name: &str) -> Option<&'static str> {
    Some(match name {
        "hubspot-contacts" => include_str!("presets/hubspot-contacts.toml"),
        "hubspot-calls" => include_str!("presets/hubspot-calls.toml"),
        "hubspot-emails" => include_str!("presets/hubspot-emails.toml"),
        "hubspot-meetings" => include_str!("presets/hubspot-meetings.toml"),
        "salesforce-leads" => include_str!("presets/salesforce-leads.toml"),
        "salesforce-leads-report" => include_str!("presets/salesforce-leads-report.toml"),
        "salesforce-tasks" => include_str!("presets/salesforce-tasks.toml"),
        "pipedrive-deals" => include_str!("presets/pipedrive-deals.toml"),
        "pipedrive-activities" => include_str!("presets/pipedrive-activities.toml"),
        _ => return None,
    })
}

/// The preset's settings; None for a name that is not a preset.
pub fn settings(name: &str) -> Option<TableConfig> {
    // The texts are part of the binary and parsed by a test below; one
    // that did not parse would be a bug caught there, not a user's error.
    text(name).and_then(|t| toml::from_str(t).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_parses_and_sets_columns() {
        for name in NAMES {
            let text = text(name).unwrap();
            let table: TableConfig = toml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!table.columns.is_empty(), "{name} maps no column");
            assert!(table.path.is_none() && table.preset.is_none(), "{name}");
        }
        assert!(settings("hubspot").is_none());
    }

    #[test]
    fn activity_presets_say_where_the_lead_and_time_are() {
        for name in NAMES
            .iter()
            .filter(|n| !n.contains("contacts") && !n.contains("leads") && !n.contains("deals"))
        {
            let table = settings(name).unwrap();
            assert!(table.columns.contains_key("lead"), "{name}");
            assert!(table.columns.contains_key("at"), "{name}");
            assert!(
                table.kind.is_some() || table.columns.contains_key("kind"),
                "{name}"
            );
        }
    }
}
