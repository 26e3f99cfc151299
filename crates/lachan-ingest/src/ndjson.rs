//! NDJSON request bodies: one JSON object per line, blank lines ignored. Parsing is all
//! or nothing so that a caller can reject a whole body before anything is stored.

use serde_json::{Map, Value};

/// Bounds on one body.
#[derive(Debug, Clone, Copy)]
pub struct NdjsonLimits {
    /// Most events in one body.
    pub max_events: usize,
    /// Longest line in bytes.
    pub max_line_bytes: usize,
}

impl Default for NdjsonLimits {
    fn default() -> Self {
        Self {
            max_events: 100_000,
            max_line_bytes: 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NdjsonError {
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("line {line}: longer than {max} bytes")]
    LineTooLong { line: usize, max: usize },
    #[error("more than {max} events in one body")]
    TooManyEvents { max: usize },
    #[error("the body holds no events")]
    Empty,
}

/// Parse `body` into its JSON objects, in order.
pub fn parse_ndjson(
    body: &[u8],
    limits: NdjsonLimits,
) -> Result<Vec<Map<String, Value>>, NdjsonError> {
    let mut out = Vec::new();
    for (i, raw) in body.split(|b| *b == b'\n').enumerate() {
        let line = i + 1;
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if raw.len() > limits.max_line_bytes {
            return Err(NdjsonError::LineTooLong {
                line,
                max: limits.max_line_bytes,
            });
        }
        if out.len() == limits.max_events {
            return Err(NdjsonError::TooManyEvents {
                max: limits.max_events,
            });
        }
        match serde_json::from_slice::<Value>(raw) {
            Ok(Value::Object(m)) => out.push(m),
            Ok(other) => {
                return Err(NdjsonError::Line {
                    line,
                    reason: format!("expected a JSON object, found {}", kind(&other)),
                });
            }
            Err(e) => {
                return Err(NdjsonError::Line {
                    line,
                    reason: format!("invalid JSON at column {}: {e}", e.column()),
                });
            }
        }
    }
    if out.is_empty() {
        return Err(NdjsonError::Empty);
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_errors() {
        let l = NdjsonLimits::default();
        let v = parse_ndjson(b"{\"a\":1}\r\n\n  \n{\"b\":2}", l).unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(
            parse_ndjson(b"{\"a\":1}\n{\"a\":\n", l),
            Err(NdjsonError::Line {
                line: 2,
                reason: "invalid JSON at column 5: EOF while parsing a value at line 1 column 5"
                    .into()
            })
        );
        assert!(matches!(
            parse_ndjson(b"{}\n[1]", l),
            Err(NdjsonError::Line { line: 2, .. })
        ));
        assert_eq!(parse_ndjson(b"\n\n", l), Err(NdjsonError::Empty));
        let small = NdjsonLimits {
            max_events: 1,
            max_line_bytes: 8,
        };
        assert_eq!(
            parse_ndjson(b"{}\n{}", small),
            Err(NdjsonError::TooManyEvents { max: 1 })
        );
        assert_eq!(
            parse_ndjson(b"{\"long\":\"xxxxxxxx\"}", small),
            Err(NdjsonError::LineTooLong { line: 1, max: 8 })
        );
    }
}
