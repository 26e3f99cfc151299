//! Log-source routing and field mapping.
//!
//! A [`Mapping`] says, for each Sigma log source (product / category / service), which
//! inputs carry such events (a channel, optionally some event ids) and how Sigma field
//! names translate to the input's field names. The default mapping is embedded from
//! `mappings/default.yml`; another file can replace it with [`Mapping::from_file`].

use std::collections::HashMap;
use std::path::Path;

use rsigma_parser::LogSource;
use serde::Deserialize;

use crate::SigmaError;

/// The mapping shipped with the crate.
pub const DEFAULT_MAPPING: &str = include_str!("../mappings/default.yml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    #[serde(default)]
    logsources: Vec<LogSourceEntry>,
    #[serde(default)]
    fieldmaps: HashMap<String, HashMap<String, Vec<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LogSourceEntry {
    #[serde(rename = "match")]
    selector: Selector,
    sources: Vec<Source>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Selector {
    product: Option<String>,
    category: Option<String>,
    service: Option<String>,
}

/// One input that carries events of a log source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Channel name (Windows event log channel, or a pseudo channel such as `syslog`).
    pub channel: String,
    /// Event ids; empty means every event of the channel.
    #[serde(default)]
    pub event_ids: Vec<u32>,
    /// Name of the field map to apply, if any.
    #[serde(default)]
    pub fields: Option<String>,
}

/// Routing and field-mapping tables.
#[derive(Debug)]
pub struct Mapping {
    entries: Vec<LogSourceEntry>,
    fieldmaps: HashMap<String, HashMap<String, Vec<String>>>,
}

impl Mapping {
    /// The embedded default mapping.
    pub fn builtin() -> Result<Self, SigmaError> {
        Self::parse(DEFAULT_MAPPING, "built-in")
    }

    /// Read a mapping file.
    pub fn from_file(path: &Path) -> Result<Self, SigmaError> {
        let text = std::fs::read_to_string(path).map_err(|source| SigmaError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parse mapping YAML; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Self, SigmaError> {
        let file: MappingFile = serde_saphyr::from_str(text).map_err(|e| SigmaError::Mapping {
            origin: origin.into(),
            reason: e.to_string(),
        })?;
        for (i, e) in file.logsources.iter().enumerate() {
            for s in &e.sources {
                if let Some(f) = &s.fields
                    && !file.fieldmaps.contains_key(f)
                {
                    return Err(SigmaError::Mapping {
                        origin: origin.into(),
                        reason: format!(
                            "logsources[{i}] (channel {}): unknown field map `{f}`",
                            s.channel
                        ),
                    });
                }
            }
            if e.selector.product.is_none()
                && e.selector.category.is_none()
                && e.selector.service.is_none()
            {
                return Err(SigmaError::Mapping {
                    origin: origin.into(),
                    reason: format!("logsources[{i}]: `match` needs product, category or service"),
                });
            }
        }
        Ok(Mapping {
            entries: file.logsources,
            fieldmaps: file.fieldmaps,
        })
    }

    /// The inputs that carry events of a rule's log source. Empty when the log source
    /// has no entry (such rules run on events without a known channel).
    pub fn sources_for(&self, ls: &LogSource) -> Vec<Source> {
        let eq = |want: &Option<String>, have: &Option<String>| match want {
            None => true,
            Some(w) => have.as_deref().is_some_and(|h| h.eq_ignore_ascii_case(w)),
        };
        let mut best: Vec<(usize, &LogSourceEntry)> = self
            .entries
            .iter()
            .filter(|e| {
                eq(&e.selector.product, &ls.product)
                    && eq(&e.selector.category, &ls.category)
                    && eq(&e.selector.service, &ls.service)
            })
            .map(|e| {
                let spec = usize::from(e.selector.category.is_some())
                    + usize::from(e.selector.service.is_some());
                (spec, e)
            })
            .collect();
        let top = best.iter().map(|(s, _)| *s).max().unwrap_or(0);
        best.retain(|(s, _)| *s == top);
        let mut out: Vec<Source> = Vec::new();
        for (_, e) in best {
            for s in &e.sources {
                if !out.contains(s) {
                    out.push(s.clone());
                }
            }
        }
        out
    }

    /// A named field map (Sigma field -> event fields).
    pub fn fieldmap(&self, name: &str) -> Option<&HashMap<String, Vec<String>>> {
        self.fieldmaps.get(name)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ls(p: Option<&str>, c: Option<&str>, s: Option<&str>) -> LogSource {
        LogSource {
            product: p.map(Into::into),
            category: c.map(Into::into),
            service: s.map(Into::into),
            ..Default::default()
        }
    }

    #[test]
    fn builtin_routes_process_creation_to_sysmon_and_security() {
        let m = Mapping::builtin().unwrap();
        let s = m.sources_for(&ls(Some("windows"), Some("process_creation"), None));
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].event_ids, vec![1]);
        assert_eq!(s[1].channel, "Security");
        assert!(
            m.fieldmap(s[1].fields.as_deref().unwrap())
                .unwrap()
                .contains_key("Image")
        );
        let sec = m.sources_for(&ls(Some("windows"), None, Some("security")));
        assert_eq!(
            sec,
            vec![Source {
                channel: "Security".into(),
                event_ids: vec![],
                fields: None
            }]
        );
        assert!(
            m.sources_for(&ls(Some("aws"), None, Some("cloudtrail")))
                .is_empty()
        );
    }

    #[test]
    fn bad_mapping_names_the_problem() {
        let e = Mapping::parse(
            "logsources:\n  - match: {product: x}\n    sources: [{channel: a, fields: nope}]\n",
            "m.yml",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("m.yml") && e.contains("nope"), "{e}");
        let e = Mapping::parse("logsources: 3", "m.yml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("m.yml"), "{e}");
    }
}
