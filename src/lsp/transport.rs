//! Messages in and out, framed by `Content-Length` headers. lsp-server's
//! own reader gives up on the first malformed message; this one answers it
//! with the protocol's error and reads on, so that no input ends the server.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::{json, Value};

/// What one frame held.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not a message: the error to answer with, and the request's id when
    /// the text was JSON with one.
    Malformed {
        id: Value,
        code: ErrorCode,
        reason: String,
    },
}

/// The next frame, or `None` at the end of the input.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length: Option<Result<u64, String>> = None;
    let mut headers = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.read_until(b'\n', &mut line)? == 0 {
            return Ok(None);
        }
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if headers > 0 {
                break;
            }
            // Blank lines before a message's headers are passed over.
            continue;
        }
        headers += 1;
        if let Some((name, value)) = header.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = Some(
                    value
                        .trim()
                        .parse()
                        .map_err(|_| format!("`{}` is not a content length", value.trim())),
                );
            }
        }
    }
    let length = match length {
        Some(Ok(length)) => length,
        Some(Err(reason)) => {
            return Ok(Some(malformed(Value::Null, ErrorCode::ParseError, reason)))
        }
        None => {
            let reason = "no `Content-Length` header".to_owned();
            return Ok(Some(malformed(Value::Null, ErrorCode::ParseError, reason)));
        }
    };
    // Read through `take`: a claimed length is not allocated up front.
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if u64::try_from(body.len()).ok() != Some(length) {
        return Ok(None);
    }
    Ok(Some(parse(&body)))
}

fn malformed(id: Value, code: ErrorCode, reason: String) -> Incoming {
    Incoming::Malformed { id, code, reason }
}

/// A message from its JSON text: a request, a notification or a response.
fn parse(body: &[u8]) -> Incoming {
    if let Ok(message) = serde_json::from_slice::<Message>(body) {
        return Incoming::Message(message);
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => {
            let id = value
                .get("id")
                .filter(|id| id.is_number() || id.is_string())
                .cloned()
                .unwrap_or(Value::Null);
            malformed(
                id,
                ErrorCode::InvalidRequest,
                "not a JSON-RPC request, notification or response".to_owned(),
            )
        }
        Err(e) => malformed(Value::Null, ErrorCode::ParseError, format!("not JSON: {e}")),
    }
}

pub fn write(output: &mut impl Write, message: Message) -> io::Result<()> {
    message.write(output)
}

/// The error answer to a malformed frame, written by hand: its id may be
/// `null`, which lsp-server's responses cannot carry.
pub fn write_error(
    output: &mut impl Write,
    id: Value,
    code: ErrorCode,
    reason: &str,
) -> io::Result<()> {
    let text = json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": reason },
    })
    .to_string();
    write!(output, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut input = input.as_bytes();
        let mut out = Vec::new();
        while let Some(frame) = read(&mut input).unwrap() {
            out.push(match frame {
                Incoming::Message(Message::Request(r)) => format!("request {}", r.method),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(_)) => "response".to_owned(),
                Incoming::Malformed { id, code, .. } => format!("malformed {id} {code:?}"),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn bad_frames_are_answered_and_reading_goes_on() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"a"}"#),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":3}"#),
            "Content-Type: x\r\n\r\n".to_owned(),
            "Content-Length: lots\r\n\r\n".to_owned(),
            frame(r#"{"jsonrpc":"2.0","method":"b"}"#),
        ]
        .concat();
        assert_eq!(
            frames(&input),
            [
                "request a",
                "malformed null ParseError",
                "malformed 7 InvalidRequest",
                "malformed null ParseError",
                "malformed null ParseError",
                "notification b",
            ]
        );
    }

    #[test]
    fn a_huge_claimed_length_is_not_allocated() {
        let input = "Content-Length: 99999999999999\r\n\r\n{}";
        assert!(frames(input).is_empty());
    }
}
