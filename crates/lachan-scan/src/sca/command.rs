//! Running policy commands: split into argv without a shell, no stdin, `LC_ALL=C`,
//! bounded output, killed after a timeout.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// Output of a finished command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandOutput {
    /// Exit code (`None` when killed by a signal).
    pub status: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Why a command produced no output to test.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("command line is empty")]
    Empty,
    #[error("cannot parse command line: {0}")]
    Syntax(String),
    #[error("command '{0}' not found")]
    NotFound(String),
    #[error("command '{0}' is not executable (permission denied)")]
    PermissionDenied(String),
    #[error("command timed out after {0:?}")]
    Timeout(Duration),
    #[error("cannot run command '{program}': {reason}")]
    Spawn { program: String, reason: String },
}

/// Bytes kept from each of stdout and stderr.
pub const MAX_OUTPUT: usize = 4 << 20;

/// Splits a command line into arguments the way a POSIX shell tokenizes words,
/// without any expansion: single quotes are literal, double quotes honour `\"`,
/// `\\`, `\$` and `` \` ``, and a backslash outside quotes escapes the next char.
pub fn split_command(line: &str) -> Result<Vec<String>, CommandError> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' => {
                if in_word {
                    args.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => cur.push(ch),
                        None => return Err(CommandError::Syntax("unclosed single quote".into())),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.peek() {
                            Some(&n @ ('"' | '\\' | '$' | '`')) => {
                                cur.push(n);
                                chars.next();
                            }
                            _ => cur.push('\\'),
                        },
                        Some(ch) => cur.push(ch),
                        None => return Err(CommandError::Syntax("unclosed double quote".into())),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(n) => cur.push(n),
                    None => cur.push('\\'),
                }
            }
            other => {
                in_word = true;
                cur.push(other);
            }
        }
    }
    if in_word {
        args.push(cur);
    }
    if args.is_empty() {
        return Err(CommandError::Empty);
    }
    Ok(args)
}

fn reader<R: Read + Send + 'static>(mut r: R) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 16 * 1024];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = MAX_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

#[cfg(unix)]
fn kill_tree(child: &mut Child) {
    // The child leads its own process group; kill the group so that
    // grandchildren holding the pipes open go too.
    let pgid = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-KILL", "--", &pgid])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
}

#[cfg(not(unix))]
fn kill_tree(child: &mut Child) {
    let _ = child.kill();
}

/// Runs a command line (no shell) with a timeout.
pub fn run_command(line: &str, timeout: Duration) -> Result<CommandOutput, CommandError> {
    let argv = split_command(line)?;
    let program = argv[0].clone();
    let mut cmd = Command::new(&program);
    cmd.args(&argv[1..])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("LC_ALL", "C")
        .env("LANG", "C");
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    let mut child = cmd.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CommandError::NotFound(program.clone()),
        std::io::ErrorKind::PermissionDenied => CommandError::PermissionDenied(program.clone()),
        _ => CommandError::Spawn {
            program: program.clone(),
            reason: e.to_string(),
        },
    })?;
    let out = child.stdout.take().map(reader);
    let err = child.stderr.take().map(reader);
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) => {}
            Err(e) => {
                kill_tree(&mut child);
                return Err(CommandError::Spawn {
                    program,
                    reason: e.to_string(),
                });
            }
        }
        if start.elapsed() >= timeout {
            kill_tree(&mut child);
            let _ = child.wait();
            return Err(CommandError::Timeout(timeout));
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    let collect = |h: Option<thread::JoinHandle<Vec<u8>>>| {
        h.and_then(|h| h.join().ok())
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    };
    Ok(CommandOutput {
        status: status.code(),
        stdout: collect(out),
        stderr: collect(err),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell_without_expansion() {
        assert_eq!(split_command("a b  c").unwrap(), ["a", "b", "c"]);
        assert_eq!(
            split_command(r#"sh -c 'echo $HOME; ls' "x \"y\"" z\ w"#).unwrap(),
            ["sh", "-c", "echo $HOME; ls", "x \"y\"", "z w"]
        );
        assert_eq!(
            split_command("grep -E '^a|b' /f").unwrap(),
            ["grep", "-E", "^a|b", "/f"]
        );
        assert_eq!(
            split_command("echo a;rm -rf /tmp/x").unwrap(),
            ["echo", "a;rm", "-rf", "/tmp/x"]
        );
        assert!(matches!(split_command("  "), Err(CommandError::Empty)));
        assert!(matches!(
            split_command("echo 'x"),
            Err(CommandError::Syntax(_))
        ));
    }

    #[test]
    fn runs_without_shell_and_times_out() {
        let o = run_command("echo a;b $HOME", Duration::from_secs(5)).unwrap();
        assert_eq!(o.stdout, "a;b $HOME\n");
        assert_eq!(o.status, Some(0));
        let e = run_command("sleep 5", Duration::from_millis(100)).unwrap_err();
        assert!(matches!(e, CommandError::Timeout(_)));
        let e = run_command("/nonexistent/prog", Duration::from_secs(1)).unwrap_err();
        assert!(matches!(e, CommandError::NotFound(_)));
    }
}
