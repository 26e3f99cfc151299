//! The last central settings fetched from the server, kept in the data directory
//! (`settings.json`) so that an agent started while the server is away runs its
//! group's settings all the same.

use std::path::Path;

use crate::sender::CentralSettings;

const FILE: &str = "settings.json";

/// The saved settings, or none (version `none`) when there are none or they are damaged.
pub fn load(data: &Path) -> CentralSettings {
    let none = || CentralSettings {
        version: "none".into(),
        ..Default::default()
    };
    let Ok(text) = std::fs::read_to_string(data.join(FILE)) else {
        return none();
    };
    match serde_json::from_str::<CentralSettings>(&text) {
        Ok(c) if c.settings.validate().is_ok() => c,
        Ok(_) | Err(_) => {
            tracing::warn!(
                file = FILE,
                "saved central settings unreadable; ignoring them"
            );
            none()
        }
    }
}

/// Save `c` (written to a temporary file, then renamed into place).
pub fn save(data: &Path, c: &CentralSettings) {
    let tmp = data.join(format!("{FILE}.tmp"));
    let body = serde_json::to_vec_pretty(c).unwrap_or_default();
    if let Err(e) = std::fs::write(&tmp, body).and_then(|()| std::fs::rename(&tmp, data.join(FILE)))
    {
        tracing::warn!(error = %e, "cannot save the central settings");
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_come_back_and_damage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).version, "none");
        let c: CentralSettings = serde_json::from_str(
            r#"{"version":"g1r2","group":"d06","settings":{"fim":["/etc"],"usb":true}}"#,
        )
        .unwrap();
        save(dir.path(), &c);
        assert_eq!(load(dir.path()), c);
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        assert_eq!(load(dir.path()).version, "none");
    }
}
