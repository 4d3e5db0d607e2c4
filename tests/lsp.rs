//! `accord lsp` driven as an editor drives it: the real binary, JSON-RPC
//! messages framed by `Content-Length`, on the example agreements and
//! broken variants of them. Positions are computed from the text (UTF-16
//! columns, as the protocol counts), so every range asserted is exact.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;
#[path = "common/lsp_client.rs"]
mod lsp_client;

use std::io::Write;
use std::process::{Command, Stdio};

use lsp_client::{frame, Client};
use serde_json::{json, Value};

/// The protocol position (UTF-16 column) of byte `offset` of `text`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let character = before[start..].encode_utf16().count();
    json!({ "line": line, "character": character })
}

/// The byte offset of the `nth` (from 0) occurrence of `needle`.
fn find_nth(text: &str, needle: &str, nth: usize) -> usize {
    text.match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} not in the text"))
        .0
}

/// The range of the `nth` occurrence of `needle`.
fn range_of(text: &str, needle: &str, nth: usize) -> Value {
    let start = find_nth(text, needle, nth);
    json!({ "start": position(text, start), "end": position(text, start + needle.len()) })
}

/// The range of `word` inside the first occurrence of `context`.
fn range_in(text: &str, context: &str, word: &str) -> Value {
    let start = find_nth(text, context, 0) + context.find(word).unwrap();
    json!({ "start": position(text, start), "end": position(text, start + word.len()) })
}

/// A position inside `word`, in the first occurrence of `context`.
fn on(text: &str, context: &str, word: &str) -> Value {
    position(
        text,
        find_nth(text, context, 0) + context.find(word).unwrap() + 1,
    )
}

/// The position just inside the `nth` occurrence of `needle`.
fn inside(text: &str, needle: &str, nth: usize) -> Value {
    position(text, find_nth(text, needle, nth) + 1)
}

/// The byte offset of a protocol position.
fn offset(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the edits applied (the protocol's edits never overlap).
fn apply(text: &str, edits: &Value) -> String {
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_owned();
    for (start, end, new) in edits {
        out.replace_range(start..end, &new);
    }
    out
}

fn example(name: &str) -> String {
    std::fs::read_to_string(common::root().join("rules").join(name)).unwrap()
}

const URI: &str = "file:///nowhere/agreement.sla";

// ------------------------------------------------------------ diagnostics

#[test]
fn diagnostics_are_accord_checks_and_clear_when_fixed() {
    let good = example("b2b-inbound.sla");
    let broken = good
        .replace("leads mql\n    first touch", "leads mql\n    first tuoch")
        .replacen("owner sales", "owner salse", 1);
    let mut client = Client::start();
    let diagnostics = client.open(URI, &broken);
    assert_eq!(
        diagnostics,
        [
            json!({
                "range": range_of(&broken, "salse", 0),
                "severity": 1,
                "code": "accord::E012",
                "source": "accord",
                "message": "unknown team `salse`\nhelp: did you mean `sales`?",
                "relatedInformation": [{
                    "location": { "uri": URI, "range": range_of(&broken, "salse", 0) },
                    "message": "not defined",
                }],
            }),
            json!({
                "range": range_of(&broken, "tuoch", 0),
                "severity": 1,
                "code": "accord::E010",
                "source": "accord",
                "message": "unknown term `tuoch`\nhelp: did you mean `touch`?",
                "relatedInformation": [{
                    "location": { "uri": URI, "range": range_of(&broken, "tuoch", 0) },
                    "message": "not defined",
                }],
            }),
        ]
    );
    // Fixed: an empty list clears the editor's.
    assert_eq!(client.change(URI, 2, &good), Vec::<Value>::new());
    // Broken again by a syntax error.
    let syntax = good.replace("within 5m ", "within 5 minutes ");
    let diagnostics = client.change(URI, 3, &syntax);
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "accord::E001");
    assert_eq!(
        diagnostics[0]["range"],
        range_in(&syntax, "within 5 minutes", "5")
    );
    assert_eq!(client.shutdown(), 0);
}

/// Every diagnostic of a file with several problems has the code,
/// severity, message, help and position `accord check --format json` gives.
#[test]
fn diagnostics_agree_with_accord_check_json() {
    let broken = example("saas-velocity.sla")
        .replace("within 2m ", "within 0m ")
        .replace("between 4 and 7", "between 7 and 4")
        .replace(
            "currency  USD",
            "currency  USD\n  timezone  \"Mars/Olympus\"",
        );
    let dir = common::temp_dir("lsp", "agree");
    let file = dir.join("broken.sla");
    std::fs::write(&file, &broken).unwrap();
    let (json_out, _, _) = common::run(&["check", "--format", "json", file.to_str().unwrap()]);
    let checked: Value = serde_json::from_str(&json_out).unwrap();
    let expected = checked["files"][0]["diagnostics"].as_array().unwrap();
    assert!(expected.len() >= 4, "{expected:?}");

    let mut client = Client::start();
    let got = client.open(URI, &broken);
    assert_eq!(got.len(), expected.len());
    for (lsp, cli) in got.iter().zip(expected) {
        assert_eq!(lsp["code"], cli["code"]);
        let severity = if cli["severity"] == "warning" { 2 } else { 1 };
        assert_eq!(lsp["severity"], severity);
        let message = format!(
            "{}\nhelp: {}",
            cli["message"].as_str().unwrap(),
            cli["help"].as_str().unwrap()
        );
        assert_eq!(lsp["message"], message);
        // accord check counts from 1 and in characters; the protocol from 0
        // in UTF-16 units (the same here: the text is ASCII).
        let line = |v: &Value| v.as_u64().unwrap() - 1;
        assert_eq!(lsp["range"]["start"]["line"], line(&cli["line"]));
        assert_eq!(lsp["range"]["start"]["character"], line(&cli["column"]));
        assert_eq!(lsp["range"]["end"]["line"], line(&cli["end_line"]));
        assert_eq!(lsp["range"]["end"]["character"], line(&cli["end_column"]));
    }
    // The second label of a duplicate, for instance, is related information.
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_second_label_is_related_information() {
    let broken = example("minimal.sla").replace(
        "  term call means kind is \"call\"",
        "  term call means kind is \"call\"\n  term call means kind is \"phone\"",
    );
    let mut client = Client::start();
    let diagnostics = client.open(URI, &broken);
    assert_eq!(diagnostics.len(), 1);
    let d = &diagnostics[0];
    assert_eq!(d["code"], "accord::E013");
    assert_eq!(d["range"], range_of(&broken, "call", 3));
    assert_eq!(
        d["relatedInformation"],
        json!([
            { "location": { "uri": URI, "range": range_of(&broken, "call", 3) }, "message": "defined again here" },
            { "location": { "uri": URI, "range": range_of(&broken, "call", 1) }, "message": "first defined here" },
        ])
    );
    client.shutdown();
}

#[test]
fn closing_a_document_clears_its_diagnostics() {
    let mut client = Client::start();
    let broken = example("minimal.sla").replace("owner sales", "owner nobody");
    assert_eq!(client.open(URI, &broken).len(), 1);
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(client.diagnostics(URI), Vec::<Value>::new());
    client.shutdown();
}

// ------------------------------------------------------------ formatting

#[test]
fn formatting_gives_exactly_accord_fmts_text() {
    let messy = example("b2b-inbound.sla")
        .replace("  version   \"2027.1\"", "version \"2027.1\"")
        .replace(
            "    owner sales\n    leads mql\n    first touch",
            "owner   sales leads mql\n\tfirst touch",
        )
        .replace("\"Director\"  50", "\"Director\" 50");
    let (fmt, _, code) = {
        let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
            .args(["fmt", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(messy.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            String::from_utf8(out.stdout).unwrap(),
            (),
            out.status.code().unwrap(),
        )
    };
    assert_eq!(code, 0);
    assert_ne!(fmt, messy);

    let mut client = Client::start();
    client.open(URI, &messy);
    let format = |client: &mut Client| {
        let answer = client.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
        );
        answer["result"].clone()
    };
    let edits = format(&mut client);
    assert_eq!(apply(&messy, &edits), fmt);
    // The edit starts where the text first differs, not at the top.
    assert_eq!(
        edits[0]["range"]["start"],
        position(&messy, find_nth(&messy, "version", 0))
    );

    client.change(URI, 2, &fmt);
    assert_eq!(format(&mut client), json!([]), "formatted already");
    client.change(URI, 3, "agreement \"x\" {");
    assert_eq!(format(&mut client), Value::Null, "does not parse");
    client.shutdown();
}

// ------------------------------------------------------------ hover

fn hover(client: &mut Client, at: Value) -> Value {
    client.at("textDocument/hover", URI, at, json!({}))
}

fn hover_text(result: &Value) -> String {
    assert_eq!(result["contents"]["kind"], "markdown");
    result["contents"]["value"].as_str().unwrap().to_owned()
}

#[test]
fn hover_explains_terms_rules_durations_and_teams() {
    let text = example("b2b-inbound.sla");
    let mut client = Client::start();
    client.open(URI, &text);

    // A term where it is used: its definition as written.
    let term = hover(&mut client, inside(&text, "mql", 1));
    assert_eq!(
        hover_text(&term),
        "```accord\nterm mql            means source is \"marketing\" and email is set\n```"
    );
    assert_eq!(term["range"], range_of(&text, "mql", 1));

    // A rule: one sentence of what it requires.
    let rule = hover(&mut client, inside(&text, "Speed to lead", 0));
    assert_eq!(
        hover_text(&rule),
        "**response `Speed to lead`**\n\nsales must touch each mql lead within 5 minutes when \
         `persona is \"CEO\"` and within 1 hour of office time otherwise; 95% per owner per month"
    );
    let start = find_nth(&text, "response \"Speed to lead\"", 0);
    let end = find_nth(&text, "  }\n\n  attempts", 0) + 3;
    assert_eq!(
        rule["range"],
        json!({ "start": position(&text, start), "end": position(&text, end) })
    );

    // A duration on a calendar: what it counts.
    let window = hover(&mut client, inside(&text, "1h on office", 0));
    assert_eq!(
        hover_text(&window),
        "`1h` on `office`: 1 hour of open time. The clock runs only in the calendar's hours \
         (`hours  mon-fri 09:00-12:30, 13:00-17:30`) and stops on its closed days \
         (`closed 2027-04-27, 2027-05-05`); a lead handed off while it is closed starts at the next opening"
    );
    assert_eq!(window["range"], range_of(&text, "1h", 0));
    // And one without: wall-clock time.
    let plain = hover(&mut client, inside(&text, "14d", 0));
    assert_eq!(
        hover_text(&plain),
        "`14d`: 14 days of wall-clock time; nights, weekends and holidays count"
    );

    // A team: its lead and members.
    let team = hover(&mut client, on(&text, "owner sales", "sales"));
    assert_eq!(hover_text(&team), "team `sales`\n- lead: sander@northwind.example\n- members: ann@northwind.example, bob@northwind.example, carla@northwind.example");
    let team = hover(&mut client, inside(&text, "marketing {", 0));
    assert_eq!(
        hover_text(&team),
        "team `marketing`\n- lead: marloes@northwind.example\n- no members listed"
    );

    // Outside the agreement's items there is nothing to say.
    let nothing = hover(&mut client, json!({ "line": 0, "character": 3 }));
    assert_eq!(nothing, Value::Null);
    client.shutdown();
}

// ------------------------------------------------------------ navigation

#[test]
fn definition_of_terms_calendars_teams_and_weights_tables() {
    let text = example("b2b-inbound.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    let cases = [
        // (a use, the definition's name)
        (inside(&text, "mql", 2), range_of(&text, "mql", 0)),
        (
            on(&text, "owner sales", "sales"),
            range_in(&text, "team sales", "sales"),
        ),
        (
            inside(&text, "persona is", 0),
            range_of(&text, "persona", 1),
        ),
    ];
    for (at, definition) in cases {
        let found = client.at("textDocument/definition", URI, at, json!({}));
        assert_eq!(found, json!({ "uri": URI, "range": definition }));
    }
    // `office` in the on clause, the cursor just after the word.
    let at = position(&text, find_nth(&text, "on office", 0) + "on office".len());
    let found = client.at("textDocument/definition", URI, at, json!({}));
    assert_eq!(found["range"], range_in(&text, "calendar office", "office"));
    // A field without a weights table has no definition.
    let email = client.at(
        "textDocument/definition",
        URI,
        inside(&text, "email is set", 0),
        json!({}),
    );
    assert_eq!(email, Value::Null);
    client.shutdown();
}

#[test]
fn references_list_every_use() {
    let text = example("b2b-inbound.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    let found = client.at(
        "textDocument/references",
        URI,
        inside(&text, "mql", 0),
        json!({ "context": { "includeDeclaration": true } }),
    );
    let expected: Vec<Value> = (0..8)
        .map(|n| json!({ "uri": URI, "range": range_of(&text, " mql", n) }))
        .map(|mut v| {
            // The occurrence without its leading space.
            let start = &mut v["range"]["start"]["character"];
            *start = json!(start.as_u64().unwrap() + 1);
            v
        })
        .collect();
    assert_eq!(found, json!(expected));
    let without = client.at(
        "textDocument/references",
        URI,
        inside(&text, "mql", 0),
        json!({ "context": { "includeDeclaration": false } }),
    );
    assert_eq!(without.as_array().unwrap().len(), 7);
    // A weights table's references are its field's uses.
    let persona = client.at(
        "textDocument/references",
        URI,
        on(&text, "weights persona", "persona"),
        json!({ "context": { "includeDeclaration": false } }),
    );
    let ranges: Vec<Value> = persona
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"].clone())
        .collect();
    assert_eq!(
        ranges,
        [
            range_of(&text, "persona", 0),
            range_of(&text, "persona", 2),
            range_of(&text, "persona", 3),
        ]
    );
    client.shutdown();
}

#[test]
fn rename_updates_every_use_and_refuses_bad_names() {
    let text = example("b2b-inbound.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    let prepared = client.at(
        "textDocument/prepareRename",
        URI,
        on(&text, "on office", "office"),
        json!({}),
    );
    assert_eq!(prepared, range_in(&text, "on office", "office"));
    let edit = client.at(
        "textDocument/rename",
        URI,
        inside(&text, "mql", 3),
        json!({ "newName": "qualified" }),
    );
    let renamed = apply(&text, &edit["changes"][URI]);
    assert_eq!(renamed, text.replace(" mql", " qualified"));
    assert_eq!(
        client.change(URI, 2, &renamed),
        Vec::<Value>::new(),
        "checks clean"
    );

    for (bad, message) in [
        ("within", "`within` is not a name"),
        ("2fast", "`2fast` is not a name"),
        ("touch", "term `touch` is defined already"),
    ] {
        let answer = client.request(
            "textDocument/rename",
            json!({ "textDocument": { "uri": URI }, "position": inside(&renamed, "qualified", 1), "newName": bad }),
        );
        assert_eq!(answer["error"]["code"], -32602, "{answer}");
        assert!(
            answer["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{answer}"
        );
    }
    // A field is the export's name, not the agreement's to rename.
    let field = client.at(
        "textDocument/prepareRename",
        URI,
        inside(&renamed, "email is set", 0),
        json!({}),
    );
    assert_eq!(field, Value::Null);
    client.shutdown();
}

// ------------------------------------------------------------ completion

fn labels(items: &Value) -> Vec<String> {
    let mut labels: Vec<String> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap().to_owned())
        .collect();
    labels.sort();
    labels
}

#[test]
fn completion_offers_what_fits_at_the_cursor() {
    let text = example("b2b-inbound.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    // A new line in the response rule: its clause keywords.
    let at = position(&text, find_nth(&text, "    leads mql\n    first touch", 0));
    let items = client.at("textDocument/completion", URI, at, json!({}));
    assert_eq!(
        labels(&items),
        ["first", "leads", "owner", "target", "warn", "within"]
    );
    assert!(
        items.as_array().unwrap().iter().all(|i| i["kind"] == 14),
        "keywords"
    );
}

#[test]
fn completion_names_teams_calendars_terms_and_the_exports_fields() {
    let dir = common::temp_dir("lsp", "fields");
    std::fs::write(
        dir.join("accord.toml"),
        "agreement = \"deal.sla\"\n[leads]\npath = \"leads.csv\"\ncolumns = { persona = \"Job title\" }\n[activities]\npath = \"activities.csv\"\n",
    )
    .unwrap();
    std::fs::write(dir.join("leads.csv"), "id,handed_off_at,Job title,region\n").unwrap();
    std::fs::write(dir.join("activities.csv"), "lead,at,kind,channel\n").unwrap();
    let uri = format!("file://{}", dir.join("deal.sla").display());
    // Half-typed: the text does not parse, the names of the last version that did are offered.
    let good = example("minimal.sla").replace(
        "  term call",
        "  calendar office { hours mon-fri 09:00-17:00 }\n  term call",
    );
    let mut client = Client::start();
    client.open(&uri, &good);
    let typing = good.replace(
        "    within 1d otherwise\n",
        "    within 1d otherwise\n    target 90% per re\n",
    );
    client.change(&uri, 2, &typing);
    let after_per = position(&typing, find_nth(&typing, "per re", 0) + 6);
    let items = client.at("textDocument/completion", &uri, after_per, json!({}));
    assert_eq!(
        labels(&items),
        [
            "at",
            "channel",
            "handed_off_at",
            "id",
            "kind",
            "lead",
            "persona",
            "region"
        ]
    );
    let region = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "region")
        .unwrap();
    assert_eq!(region["detail"], "leads field");
    assert_eq!(region["kind"], 5);

    let owner = typing.replace("owner sales", "owner ");
    client.change(&uri, 3, &owner);
    let at = position(&owner, find_nth(&owner, "owner ", 0) + 6);
    assert_eq!(
        labels(&client.at("textDocument/completion", &uri, at, json!({}))),
        ["sales"]
    );

    let on = typing.replace("within 1d otherwise", "within 8h on ");
    client.change(&uri, 4, &on);
    let at = position(&on, find_nth(&on, "8h on ", 0) + 6);
    assert_eq!(
        labels(&client.at("textDocument/completion", &uri, at, json!({}))),
        ["office"]
    );

    let first = typing.replace("first call", "first ");
    client.change(&uri, 5, &first);
    let at = position(&first, find_nth(&first, "    first ", 0) + 10);
    let names = labels(&client.at("textDocument/completion", &uri, at, json!({})));
    assert_eq!(
        names,
        [
            "at",
            "call",
            "channel",
            "handed_off_at",
            "id",
            "kind",
            "lead",
            "not",
            "persona",
            "region"
        ]
    );
    // Nothing is offered inside a comment.
    let at = position(&first, find_nth(&first, "a first ", 0) + 8);
    assert_eq!(
        client.at("textDocument/completion", &uri, at, json!({})),
        json!([])
    );
    client.shutdown();
}

// ------------------------------------------------------------ symbols and folding

#[test]
fn the_outline_lists_the_agreement_and_its_items() {
    let text = example("saas-velocity.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    let answer = client.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": URI } }),
    );
    let top = &answer["result"][0];
    assert_eq!(top["name"], "Cloudpeak trial follow-up");
    assert_eq!(top["kind"], 3, "namespace");
    assert_eq!(
        top["selectionRange"],
        range_of(&text, "\"Cloudpeak trial follow-up\"", 0)
    );
    let children: Vec<(String, String, u64)> = top["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["detail"].as_str().unwrap().to_owned(),
                c["kind"].as_u64().unwrap(),
            )
        })
        .collect();
    let expect = |name: &str, detail: &str, kind: u64| (name.to_owned(), detail.to_owned(), kind);
    assert_eq!(
        children,
        [
            expect("always", "calendar", 24),
            expect("growth", "team", 23),
            expect("desk", "team", 23),
            expect("trial", "term", 13),
            expect("enterprise", "term", 13),
            expect("touch", "term", 13),
            expect("live_touch", "term", 13),
            expect("qualification", "term", 13),
            expect("plan", "weights", 10),
            expect("Trials per week", "quota", 12),
            expect("Pipeline value", "quota", 12),
            expect("Trial cap", "quota", 12),
            expect("Live touch on trials", "response", 12),
            expect("Trial sequence", "attempts", 12),
            expect("Qualification notes", "duty", 12),
            expect("Untouched trials", "aging", 12),
        ]
    );
    let rule = &top["children"][12];
    assert_eq!(
        rule["selectionRange"],
        range_of(&text, "\"Live touch on trials\"", 0)
    );
    client.shutdown();
}

#[test]
fn blocks_and_comment_runs_fold() {
    let text = example("minimal.sla");
    let mut client = Client::start();
    client.open(URI, &text);
    let answer = client.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(
        answer["result"],
        json!([
            { "startLine": 0, "endLine": 1, "kind": "comment" },
            { "startLine": 2, "endLine": 14 },
            { "startLine": 10, "endLine": 13 },
        ])
    );
    client.shutdown();
}

// ------------------------------------------------------------ UTF-16

#[test]
fn positions_count_utf16_units_after_non_ascii_text() {
    // `é` is one unit and two bytes, `😀` two units and four bytes: a
    // server counting bytes or characters would be off on this line.
    let text = example("minimal.sla").replace(
        "  response \"Called within a day\" {\n    owner sales\n",
        "  response \"Réponse 😀\" { owner salez\n",
    );
    let mut client = Client::start();
    let diagnostics = client.open(URI, &text);
    assert_eq!(diagnostics.len(), 1);
    let range = range_of(&text, "salez", 0);
    assert_eq!(
        range["start"]["character"], 32,
        "UTF-16 units, not bytes (35)"
    );
    assert_eq!(diagnostics[0]["range"], range);

    let fixed = text.replace("salez", "sales");
    client.change(URI, 2, &fixed);
    let at = on(&fixed, "owner sales", "sales");
    let found = client.at("textDocument/definition", URI, at.clone(), json!({}));
    assert_eq!(found["range"], range_of(&fixed, "sales", 0));
    let hover = hover(&mut client, at);
    assert_eq!(hover["range"], range_in(&fixed, "owner sales", "sales"));
    client.shutdown();
}

// ------------------------------------------------------------ robustness

#[test]
fn unknown_methods_and_malformed_input_are_answered_not_fatal() {
    let mut client = Client::start();
    let answer = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert_eq!(answer["error"]["code"], -32601);

    // Not JSON, JSON that is no message, a frame with no length, bad params.
    client.send_raw(&frame("{\"jsonrpc\": \"2.0\", \"id\": 99, "));
    assert_eq!(client.response(Value::Null)["error"]["code"], -32700);
    client.send_raw(&frame(r#"{"jsonrpc":"2.0","id":98,"method":17}"#));
    assert_eq!(client.response(json!(98))["error"]["code"], -32600);
    client.send_raw(b"Content-Type: text/plain\r\n\r\n");
    assert_eq!(client.response(Value::Null)["error"]["code"], -32700);
    let bad = client.request("textDocument/hover", json!({ "textDocument": 5 }));
    assert_eq!(bad["error"]["code"], -32602);
    // Requests on a document never opened, and positions far outside one.
    let closed = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///not/open.sla" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(closed["error"]["code"], -32602);
    let text = example("minimal.sla");
    client.open(URI, &text);
    let far = hover(&mut client, json!({ "line": 4000, "character": 4000 }));
    assert_eq!(far, Value::Null);
    // Garbage text and notifications with broken params.
    client.notify("textDocument/didChange", json!({ "textDocument": 1 }));
    let garbage = "agreement \"x\" { ((((((( \u{0} \"unterminated\n}}}}";
    assert_eq!(client.change(URI, 2, garbage)[0]["code"], "accord::E001");
    let items = client.at(
        "textDocument/completion",
        URI,
        json!({ "line": 0, "character": 999 }),
        json!({}),
    );
    assert!(items.is_array());

    // Still serving.
    let symbols = client.request(
        "textDocument/foldingRange",
        json!({ "textDocument": { "uri": URI } }),
    );
    assert!(symbols.get("error").is_none());
    assert_eq!(client.shutdown(), 0);
}

#[test]
fn a_request_before_initialize_is_refused() {
    let mut client = Client::spawn();
    let answer = client.request("textDocument/hover", json!({}));
    assert_eq!(answer["error"]["code"], -32002);
    client.notify("exit", Value::Null);
    assert_eq!(client.wait(), 1, "exit without shutdown");
}

#[test]
fn shutdown_then_exit_ends_with_code_0() {
    let client = Client::start();
    assert_eq!(client.shutdown(), 0);
}
