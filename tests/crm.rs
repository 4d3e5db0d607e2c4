#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
use accord::eval::run::{evaluate, Options};
use accord::project::{resolve, Overrides};
use std::path::PathBuf;

fn dir(s: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/crm")
        .join(s)
}

fn ev(cfg: PathBuf) -> Result<accord::eval::verdict::Verdict, String> {
    let p = resolve(&Overrides {
        config: Some(cfg),
        ..Overrides::default()
    })
    .unwrap();
    evaluate(
        &p,
        Options {
            as_of: Some("2027-04-15T12:00:00+02:00".into()),
            ..Options::default()
        },
    )
    .map(|e| e.verdict)
    .map_err(|e| format!("{e}"))
}

#[test]
fn explore() {
    for s in [
        "hubspot",
        "salesforce-report",
        "salesforce-dataloader",
        "pipedrive",
        "excel-eu",
    ] {
        let crm = if s == "pipedrive" {
            dir(s).join("accord.toml")
        } else {
            PathBuf::from("/tmp/crmp/out").join(s).join("accord.toml")
        };
        let n = ev(dir(s).join("native/accord.toml")).unwrap();
        match ev(crm) {
            Err(e) => println!("{s}: ERR {e}"),
            Ok(v) => {
                let a = serde_json::to_string_pretty(&v.rules).unwrap();
                let b = serde_json::to_string_pretty(&n.rules).unwrap();
                println!(
                    "{s}: equal={} leads {} {} acts {} {} issues {} {}",
                    a == b,
                    v.data.leads,
                    n.data.leads,
                    v.data.activities,
                    n.data.activities,
                    v.data.issues,
                    n.data.issues
                );
                for i in &v.issues {
                    println!(
                        "   {}:{} {:?} {}",
                        i.file.rsplit('/').next().unwrap(),
                        i.line,
                        i.column,
                        i.message
                    );
                }
                if a != b {
                    std::fs::write(format!("/tmp/crmp/{s}.crm.json"), &a).unwrap();
                    std::fs::write(format!("/tmp/crmp/{s}.native.json"), &b).unwrap();
                }
            }
        }
    }
}
