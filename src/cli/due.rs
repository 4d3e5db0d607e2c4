//! `accord due`: who must act now. The open obligations at the as-of
//! instant, soonest deadline first, then the overdue ones; as a table, a
//! document, or one chat message, printed or posted to a webhook.

use std::io::Write;

use super::inputs::{self, DataArgs};
use super::post::{self, PostError};
use super::Exit;
use crate::eval::due::{check_filter, select, Agenda, Filter};
use crate::report::{diagnostics, due, notify};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub data: DataArgs,
    /// Keep the open items due within this time, in each rule's clock (`2h`, `1d`); overdue items stay
    #[arg(long, value_name = "DURATION", value_parser = within)]
    pub within: Option<i64>,
    /// Keep one person's items (or a team's, for rules without `per`)
    #[arg(long, value_name = "ID")]
    pub owner: Option<String>,
    /// Keep one rule's items
    #[arg(long, value_name = "NAME")]
    pub rule: Option<String>,
    /// Leave out the items whose deadline has passed
    #[arg(long)]
    pub no_overdue: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Render the list as one chat message instead (default with --post: slack)
    #[arg(long, value_enum, value_name = "CHAT")]
    pub notify: Option<Chat>,
    /// Send the message with an HTTP POST to this webhook instead of printing it
    #[arg(long, value_name = "URL")]
    pub post: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
    Markdown,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Chat {
    /// Slack Block Kit
    Slack,
    /// A Microsoft Teams Adaptive Card
    Teams,
    /// Plain text (posted as `{"text": ...}`)
    Text,
}

/// `--within`: a duration as the language writes it, in seconds.
fn within(text: &str) -> Result<i64, String> {
    crate::syntax::duration(text)
        .map(|d| i64::try_from(d.total_seconds()).unwrap_or(i64::MAX))
        .ok_or_else(|| format!("`{text}` is not a duration such as `30m`, `2h` or `1d`"))
}

/// Exit 0 once the list is printed or posted, whatever it holds; 2 when
/// it could not be made or the post failed.
pub fn run(args: &Args) -> Exit {
    let result = args.data.project().and_then(|project| {
        let mut progress = inputs::progress();
        let hook = progress.as_mut().map(|p| p as &mut dyn FnMut(u64));
        let agenda = crate::eval::run::due(&project, args.data.options(hook));
        inputs::end_progress();
        agenda
    });
    let agenda = match result {
        Ok(agenda) => agenda,
        Err(e) => return inputs::fail(e),
    };
    let filter = Filter {
        within_s: args.within,
        owner: args.owner.clone(),
        rule: args.rule.clone(),
        no_overdue: args.no_overdue,
    };
    if let Err(e) = check_filter(&agenda, &filter) {
        return inputs::fail(e);
    }
    if let Some(note) = filter
        .owner
        .as_deref()
        .and_then(|o| unseen_owner(&agenda, o))
    {
        eprintln!("{note}");
    }
    let agenda = Agenda {
        items: select(agenda.items, &filter),
        ..agenda
    };
    if let Some(url) = &args.post {
        let chat = args.notify.unwrap_or(Chat::Slack);
        return send(url, &payload(&agenda, chat).to_string(), agenda.items.len());
    }
    let pretty = |v: serde_json::Value| serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    let text = match (args.notify, args.format) {
        (Some(Chat::Text), _) => notify::text(&agenda),
        (Some(chat), _) => pretty(payload(&agenda, chat)),
        (None, Format::Human) => due::human(&agenda),
        // The items themselves, so the fields keep their documented order.
        (None, Format::Json) => {
            serde_json::to_string_pretty(&agenda.items).unwrap_or_default() + "\n"
        }
        (None, Format::Markdown) => due::markdown(&agenda),
        (None, Format::Csv) => due::csv(&agenda),
    };
    // A reader that stops early (`| head`) is no error.
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Exit::Ok
}

/// A word about `--owner ID` when no item at all, before filtering, is
/// that person's: a misspelt id and a person with nothing to do both list
/// nothing, and only this tells them apart.
fn unseen_owner(agenda: &Agenda, owner: &str) -> Option<String> {
    let mut owners: Vec<&str> = agenda.items.iter().map(|d| d.owner.as_str()).collect();
    if owners.contains(&owner) {
        return None;
    }
    owners.sort_unstable();
    owners.dedup();
    let hint = match crate::check::suggest::did_you_mean(owner, owners.iter().copied()) {
        Some(close) => format!("; did you mean `{close}`?"),
        None => format!("; {} owner(s) have items", owners.len()),
    };
    Some(format!(
        "note: no open or overdue item is `{owner}`'s{hint}"
    ))
}

/// The chat message as the JSON a webhook takes; plain text as Slack's
/// (and most chats') simplest payload, `{"text": ...}`.
fn payload(agenda: &Agenda, chat: Chat) -> serde_json::Value {
    match chat {
        Chat::Slack => notify::slack(agenda),
        Chat::Teams => notify::teams(agenda),
        Chat::Text => serde_json::json!({ "text": notify::text(agenda) }),
    }
}

fn send(url: &str, body: &str, items: usize) -> Exit {
    match post::post(url, body, post::timeout()) {
        Ok(status) => {
            eprintln!("posted {items} item(s): the webhook answered {status}");
            Exit::Ok
        }
        Err(e) => {
            report(&e);
            Exit::Trouble
        }
    }
}

fn report(error: &PostError) {
    let colour = super::colour_for(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let mut out = String::new();
    let _ = diagnostics::handler(colour).render_report(&mut out, error);
    eprint!("{out}");
}
