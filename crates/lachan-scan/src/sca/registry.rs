//! Windows registry rules, read through `reg.exe query` (no shell, no unsafe
//! code). DWORD/QWORD data is compared in decimal, as Wazuh policies expect
//! (`-> Start -> 4`, `n:^(\d+) compare <= 900`).

use super::command::CommandOutput;

/// Data of one registry value as `reg query` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegValue {
    pub name: String,
    pub kind: String,
    /// Decimal for REG_DWORD/REG_QWORD; `\0`-separated items become lines for
    /// REG_MULTI_SZ; other types as printed.
    pub data: String,
}

/// Parses `reg query KEY` / `reg query KEY /v NAME` output into values.
pub fn parse_reg_query(output: &str) -> Vec<RegValue> {
    let mut out = Vec::new();
    for line in output.lines() {
        // Value lines are indented by four spaces: NAME    TYPE    DATA
        let Some(rest) = line.strip_prefix("    ") else {
            continue;
        };
        let parts: Vec<&str> = rest.splitn(3, "    ").collect();
        if parts.len() < 2 || !parts[1].starts_with("REG_") {
            continue;
        }
        let kind = parts[1].trim().to_string();
        let raw = parts.get(2).map_or("", |s| s.trim());
        let data = match kind.as_str() {
            "REG_DWORD" | "REG_QWORD" => raw
                .strip_prefix("0x")
                .and_then(|h| u64::from_str_radix(h, 16).ok())
                .map_or_else(|| raw.to_string(), |v| v.to_string()),
            "REG_MULTI_SZ" => raw.replace("\\0", "\n"),
            _ => raw.to_string(),
        };
        let name = parts[0].trim();
        let name = if name == "(Default)" { "" } else { name };
        out.push(RegValue {
            name: name.to_string(),
            kind,
            data,
        });
    }
    out
}

/// Interprets a `reg query` result: `None` when the key does not exist.
pub fn key_exists(out: &CommandOutput) -> bool {
    out.status == Some(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_reg_query_output() {
        let text = "\r\nHKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\USBSTOR\r\n    Start    REG_DWORD    0x4\r\n    ImagePath    REG_EXPAND_SZ    \\SystemRoot\\System32\\drivers\\USBSTOR.SYS\r\n    DependOnService    REG_MULTI_SZ    a\\0b\r\n    (Default)    REG_SZ    x y\r\n";
        let v = parse_reg_query(text);
        assert_eq!(v.len(), 4);
        assert_eq!(
            v[0],
            RegValue {
                name: "Start".into(),
                kind: "REG_DWORD".into(),
                data: "4".into()
            }
        );
        assert_eq!(v[2].data, "a\nb");
        assert_eq!(v[3].name, "");
        assert_eq!(v[3].data, "x y");
        let big = parse_reg_query("    NoDriveTypeAutoRun    REG_DWORD    0xff\n");
        assert_eq!(big[0].data, "255");
    }
}
