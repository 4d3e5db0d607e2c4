//! `accord due --post URL`: one HTTP POST of a chat message to a webhook.
//!
//! A webhook's URL is its secret (Slack's and Teams' carry the token in
//! the path), so messages name only its host.

use std::time::Duration;

/// How long a post may take in all, unless `ACCORD_POST_TIMEOUT_MS` says
/// otherwise (tests use a short one).
pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The characters of a refusing answer's body shown at most.
const BODY_CHARS: usize = 2000;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PostError {
    #[error("cannot post to `{host}`: {reason}")]
    #[diagnostic(
        code(accord::E160),
        help("check the webhook URL and that this machine can reach it; a post gives up after {timeout}")
    )]
    Unreachable {
        host: String,
        reason: String,
        timeout: String,
    },

    #[error("`{host}` answered {status} to the post")]
    #[diagnostic(
        code(accord::E161),
        help("the webhook refused the message; its answer: {body}")
    )]
    Refused {
        host: String,
        status: u16,
        body: String,
    },
}

/// The timeout: [`TIMEOUT`], or `ACCORD_POST_TIMEOUT_MS` milliseconds.
pub fn timeout() -> Duration {
    std::env::var("ACCORD_POST_TIMEOUT_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(TIMEOUT, Duration::from_millis)
}

/// Posts `body` as JSON; the status of a 2xx answer.
pub fn post(url: &str, body: &str, timeout: Duration) -> Result<u16, PostError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let mut answer = agent
        .post(url)
        .header("Content-Type", "application/json")
        .send(body)
        .map_err(|e| PostError::Unreachable {
            host: host(url),
            reason: e.to_string(),
            timeout: format!("{} s", timeout.as_secs_f64()),
        })?;
    let status = answer.status();
    if status.is_success() {
        return Ok(status.as_u16());
    }
    let text = answer.body_mut().read_to_string().unwrap_or_default();
    let mut shown: String = text.trim().chars().take(BODY_CHARS).collect();
    if shown.is_empty() {
        shown = "(empty)".to_owned();
    }
    Err(PostError::Refused {
        host: host(url),
        status: status.as_u16(),
        body: shown,
    })
}

/// `hooks.slack.com` of `https://hooks.slack.com/services/T0/B0/XXXX`.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end).unwrap_or(rest);
    // Credentials before `@` are a secret too.
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::host;

    #[test]
    fn only_the_host_of_a_webhook_is_shown() {
        assert_eq!(
            host("https://hooks.slack.com/services/T0/B0/secret"),
            "hooks.slack.com"
        );
        assert_eq!(host("http://user:pw@127.0.0.1:8080/x?y"), "127.0.0.1:8080");
    }
}
