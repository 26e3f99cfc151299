//! Syslog over TCP (RFC 6587): each message is either octet-counted (`LEN SP MSG`) or
//! ends with a line feed (non-transparent framing; NUL is accepted as a terminator too).
//! The framer decides per message, so a sender may mix both, and it never buffers more
//! than one message of at most `max_frame` bytes.

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum FrameError {
    #[error("syslog frame longer than {max} bytes")]
    TooLong { max: usize },
    #[error("bad octet count '{0}'")]
    BadCount(String),
}

/// Incremental decoder: feed it bytes as they arrive, take whole messages out.
#[derive(Debug)]
pub struct SyslogFramer {
    buf: Vec<u8>,
    max_frame: usize,
}

impl SyslogFramer {
    pub fn new(max_frame: usize) -> Self {
        Self {
            buf: Vec::new(),
            max_frame,
        }
    }

    /// Append `bytes` and return every message now complete (without terminators).
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<Vec<u8>>, FrameError> {
        self.buf.extend_from_slice(bytes);
        let mut out = Vec::new();
        let mut start = 0;
        loop {
            let rest = &self.buf[start..];
            // Skip terminators left between messages.
            let skip = rest
                .iter()
                .take_while(|b| matches!(b, b'\n' | b'\r' | 0))
                .count();
            start += skip;
            let rest = &self.buf[start..];
            if rest.is_empty() {
                break;
            }
            let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits > 0 && rest.get(digits) == Some(&b' ') {
                let text = std::str::from_utf8(&rest[..digits]).unwrap_or("");
                let len: usize = text
                    .parse()
                    .map_err(|_| FrameError::BadCount(text.to_string()))?;
                if len > self.max_frame {
                    return Err(FrameError::TooLong {
                        max: self.max_frame,
                    });
                }
                let body = digits + 1;
                if rest.len() < body + len {
                    break;
                }
                out.push(rest[body..body + len].to_vec());
                start += body + len;
            } else if digits > 0 && digits == rest.len() && digits < 10 {
                // The count itself may still be arriving.
                break;
            } else {
                match rest.iter().position(|b| matches!(b, b'\n' | 0)) {
                    Some(end) if end > self.max_frame => {
                        return Err(FrameError::TooLong {
                            max: self.max_frame,
                        });
                    }
                    Some(end) => {
                        let msg = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
                        out.push(msg.to_vec());
                        start += end + 1;
                    }
                    None => {
                        if rest.len() > self.max_frame {
                            return Err(FrameError::TooLong {
                                max: self.max_frame,
                            });
                        }
                        break;
                    }
                }
            }
        }
        self.buf.drain(..start);
        Ok(out)
    }

    /// What is left when the sender closes: a last message without terminator.
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let rest = std::mem::take(&mut self.buf);
        let trimmed: &[u8] = {
            let mut r = rest.as_slice();
            while let [head @ .., b'\n' | b'\r' | 0] = r {
                r = head;
            }
            r
        };
        (!trimmed.is_empty()).then(|| trimmed.to_vec())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn octet_counted_split_across_reads() {
        let mut f = SyslogFramer::new(1000);
        assert!(f.push(b"1").unwrap().is_empty());
        assert!(f.push(b"1 <13>1 - h").unwrap().is_empty());
        let got = f.push(b" x5 hel").unwrap();
        assert_eq!(got, vec![b"<13>1 - h x".to_vec()]);
        let got = f.push(b"lo\n").unwrap();
        assert_eq!(got, vec![b"hello".to_vec()]);
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn mixed_and_lf() {
        let mut f = SyslogFramer::new(1000);
        let got = f
            .push(b"<13>Jan  1 00:00:00 a b: one\r\n5 abcde<13>two\n\n<1>three")
            .unwrap();
        assert_eq!(
            got,
            vec![
                b"<13>Jan  1 00:00:00 a b: one".to_vec(),
                b"abcde".to_vec(),
                b"<13>two".to_vec()
            ]
        );
        assert_eq!(f.finish(), Some(b"<1>three".to_vec()));
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn limits() {
        let mut f = SyslogFramer::new(10);
        assert_eq!(f.push(b"11 x"), Err(FrameError::TooLong { max: 10 }));
        let mut f = SyslogFramer::new(10);
        assert_eq!(
            f.push(b"<13>01234567890"),
            Err(FrameError::TooLong { max: 10 })
        );
        let mut f = SyslogFramer::new(10);
        assert_eq!(
            f.push(b"<13>0123456789 too long\nok\n"),
            Err(FrameError::TooLong { max: 10 })
        );
        let mut f = SyslogFramer::new(10);
        assert_eq!(
            f.push(b"99999999999999999999999 x"),
            Err(FrameError::BadCount("99999999999999999999999".into()))
        );
    }
}
