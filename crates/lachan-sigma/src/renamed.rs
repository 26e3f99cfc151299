//! An event seen through a field map: Sigma field names resolve to the input's own
//! field names (Security 4688 `NewProcessName` answers for Sigma `Image`).
//!
//! rsigma's `MappedEvent` renames lookups but reports only the input's own top-level
//! keys, and its candidate index probes only fields under those keys, so a renamed
//! field never makes its rules candidates. This view reports the Sigma names whose
//! targets are present as keys too.

use std::borrow::Cow;
use std::collections::HashMap;

use rsigma_eval::{Event, EventValue};
use serde_json::Value;

use crate::event::LogEvent;

pub(crate) struct RenamedEvent<'a> {
    inner: &'a LogEvent,
    /// Sigma field name -> input field names, first present wins.
    map: &'a HashMap<String, Vec<String>>,
}

impl<'a> RenamedEvent<'a> {
    pub(crate) fn new(inner: &'a LogEvent, map: &'a HashMap<String, Vec<String>>) -> Self {
        Self { inner, map }
    }

    fn target_present(&self, targets: &[String]) -> bool {
        targets.iter().any(|t| self.inner.get_field(t).is_some())
    }
}

impl Event for RenamedEvent<'_> {
    fn get_field(&self, path: &str) -> Option<EventValue<'_>> {
        if let Some(targets) = self.map.get(path) {
            for t in targets {
                if let Some(v) = self.inner.get_field(t) {
                    return Some(v);
                }
            }
        }
        self.inner.get_field(path)
    }

    fn any_string_value(&self, pred: &dyn Fn(&str) -> bool) -> bool {
        self.inner.any_string_value(pred)
    }

    fn all_string_values(&self) -> Vec<Cow<'_, str>> {
        self.inner.all_string_values()
    }

    fn visit_string_values(&self, visit: &mut dyn FnMut(&str)) {
        self.inner.visit_string_values(visit)
    }

    fn to_json(&self) -> Value {
        self.inner.to_json()
    }

    fn top_level_keys(&self) -> Option<Vec<Cow<'_, str>>> {
        let mut keys = self.inner.top_level_keys()?;
        for (sigma, targets) in self.map {
            if self.target_present(targets) {
                keys.push(Cow::Borrowed(sigma.as_str()));
            }
        }
        Some(keys)
    }

    fn visit_top_level_keys(&self, visit: &mut dyn FnMut(&str)) -> bool {
        if !self.inner.visit_top_level_keys(visit) {
            return false;
        }
        for (sigma, targets) in self.map {
            if self.target_present(targets) {
                visit(sigma);
            }
        }
        true
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn renamed_fields_resolve_and_are_reported_as_keys() {
        let ev = LogEvent::from_json(json!({"Channel": "Security", "EventID": 4688,
            "NewProcessName": "C:\\x.exe"}));
        let map = HashMap::from([
            ("Image".to_string(), vec!["NewProcessName".to_string()]),
            (
                "ParentImage".to_string(),
                vec!["ParentProcessName".to_string()],
            ),
        ]);
        let r = RenamedEvent::new(&ev, &map);
        assert_eq!(
            r.get_field("Image")
                .and_then(|v| v.as_str().map(|s| s.to_string())),
            Some("C:\\x.exe".to_owned())
        );
        let mut keys = Vec::new();
        assert!(r.visit_top_level_keys(&mut |k| keys.push(k.to_owned())));
        assert!(keys.contains(&"Image".to_owned()));
        assert!(keys.contains(&"NewProcessName".to_owned()));
        assert!(!keys.contains(&"ParentImage".to_owned()), "{keys:?}");
    }
}
