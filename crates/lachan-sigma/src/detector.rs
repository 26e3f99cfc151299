//! The routed detector: rules grouped by input (channel + event ids + field map), one
//! compiled engine per group, so an event is only matched against the rules that can
//! apply to it.
//!
//! [`Detector::detect`] takes `&self` and keeps no state, so a detector is shared by
//! reference between threads; stateful correlation lives in [`crate::Correlator`].

use std::collections::HashMap;

use std::sync::{Mutex, OnceLock};

use rayon::prelude::*;
use rsigma_eval::{CompiledRule, Engine, EvaluationResult};

use crate::event::LogEvent;
use crate::mapping::Mapping;
use crate::renamed::RenamedEvent;
use crate::rules::{RuleMeta, RuleSet};

/// One detection: a rule that matched an event.
#[derive(Debug, Clone)]
pub struct Detection {
    /// Index of the rule in [`Detector::rules`].
    pub rule: usize,
    /// The fields that matched (Sigma field name, value), when known.
    pub matched: Vec<(String, serde_json::Value)>,
    /// The raw engine result (used by correlation).
    pub result: EvaluationResult,
}

/// Channel (lower-case), event ids, field-map name, indexes of the member rules.
type GroupMembers = (String, Vec<u32>, Option<String>, Vec<usize>);

/// A route's rules, compiled into one engine or, for long rule lists, into a few engines
/// of a share each. Routes whose rule lists are identical (process creation in Sysmon and
/// in the Security log, say) share one slot: its indexes and automata are the biggest part
/// of the detector's memory. Engines are built on first use, so rules for inputs a hunt
/// never sees cost neither time nor memory; a slot in parts is built by every thread that
/// needs it at once, each starting with a different part, instead of all but one waiting.
struct EngineSlot {
    parts: Vec<EnginePart>,
}

struct EnginePart {
    pending: Mutex<Vec<CompiledRule>>,
    engine: OnceLock<Engine>,
}

/// Rule lists longer than this are compiled in parts (one per worker thread at most).
const RULES_PER_PART: usize = 300;

impl EnginePart {
    fn engine(&self) -> &Engine {
        self.engine.get_or_init(|| {
            let rules = match self.pending.lock() {
                Ok(mut p) => std::mem::take(&mut *p),
                Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
            };
            let mut engine = Engine::new();
            engine.extend_compiled_rules(rules);
            engine
        })
    }
}

impl EngineSlot {
    fn new(rules: Vec<CompiledRule>) -> Self {
        let threads = rayon::current_num_threads().max(1);
        let parts = (rules.len() / RULES_PER_PART).clamp(1, threads);
        let per = rules.len().div_ceil(parts).max(1);
        let mut rules = rules.into_iter();
        let parts = (0..parts)
            .map(|_| EnginePart {
                pending: Mutex::new(rules.by_ref().take(per).collect()),
                engine: OnceLock::new(),
            })
            .collect();
        EngineSlot { parts }
    }

    /// The built engines, in part order.
    fn engines(&self) -> impl Iterator<Item = &Engine> {
        if self.parts.len() > 1 && self.parts.iter().any(|p| p.engine.get().is_none()) {
            // Build first the part this thread is least likely to find under way.
            let start = rayon::current_thread_index().unwrap_or(0) % self.parts.len();
            for i in 0..self.parts.len() {
                self.parts[(start + i) % self.parts.len()].engine();
            }
        }
        self.parts.iter().map(EnginePart::engine)
    }
}

/// Rules of one route: which events it takes, how their fields are renamed, and the
/// engine that holds its rules.
struct Group {
    event_ids: Vec<u32>,
    fieldmap: Option<HashMap<String, Vec<String>>>,
    slot: usize,
}

/// Routed, compiled rules.
pub struct Detector {
    rules: Vec<RuleMeta>,
    by_key: HashMap<String, usize>,
    groups: Vec<Group>,
    slots: Vec<EngineSlot>,
    by_channel: HashMap<String, Vec<usize>>,
    unrouted: Option<usize>,
    unrouted_rules: usize,
    match_unrouted: bool,
}

impl std::fmt::Debug for Detector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Detector")
            .field("rules", &self.rules.len())
            .field("groups", &self.groups.len())
            .field("engines", &self.slots.len())
            .finish()
    }
}

fn rule_key(id: &str, title: &str) -> String {
    if id.is_empty() {
        format!("title:{title}")
    } else {
        id.to_owned()
    }
}

impl Detector {
    /// Route and compile the rules of `set` with `mapping`. Engines are built on first use (see [`Detector::warm_up`]).
    pub fn new(set: &RuleSet, mapping: &Mapping) -> Self {
        // (channel lower-case, event ids, field map) -> rules
        let mut keys: HashMap<(String, Vec<u32>, Option<String>), usize> = HashMap::new();
        let mut members: Vec<GroupMembers> = Vec::new();
        let mut unrouted_members: Vec<usize> = Vec::new();
        let mut rules = Vec::with_capacity(set.rules.len());
        let mut compiled: Vec<&CompiledRule> = Vec::with_capacity(set.rules.len());
        let mut by_key = HashMap::new();
        for r in &set.rules {
            let key = rule_key(&r.meta.id, &r.meta.title);
            if by_key.contains_key(&key) {
                // Same id twice: keep the first, like the report does.
                continue;
            }
            let index = rules.len();
            by_key.insert(key, index);
            rules.push(r.meta.clone());
            compiled.push(&r.compiled);
            let sources = mapping.sources_for(&r.meta.logsource);
            if sources.is_empty() {
                unrouted_members.push(index);
            }
            for s in sources {
                let mut ids = s.event_ids.clone();
                ids.sort_unstable();
                let k = (s.channel.to_lowercase(), ids, s.fields.clone());
                let idx = *keys.entry(k.clone()).or_insert_with(|| {
                    members.push((k.0, k.1, k.2, Vec::new()));
                    members.len() - 1
                });
                members[idx].3.push(index);
            }
        }
        let unrouted_rules = unrouted_members.len();
        let unrouted_slot = (!unrouted_members.is_empty()).then_some(members.len());
        members.push((String::new(), Vec::new(), None, unrouted_members));
        // One engine per distinct rule list.
        let mut slot_of: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut slots: Vec<EngineSlot> = Vec::new();
        let mut groups = Vec::with_capacity(members.len());
        let mut by_channel: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, (channel, event_ids, fields, member_rules)) in members.into_iter().enumerate() {
            let slot = *slot_of.entry(member_rules).or_insert_with_key(|m| {
                slots.push(EngineSlot::new(
                    m.iter().map(|&r| compiled[r].clone()).collect(),
                ));
                slots.len() - 1
            });
            if Some(i) != unrouted_slot && !channel.is_empty() {
                by_channel.entry(channel).or_default().push(i);
            }
            groups.push(Group {
                event_ids,
                fieldmap: fields.and_then(|f| mapping.fieldmap(&f).cloned()),
                slot,
            });
        }
        Detector {
            rules,
            by_key,
            groups,
            slots,
            by_channel,
            unrouted: unrouted_slot,
            unrouted_rules,
            match_unrouted: true,
        }
    }

    /// Build every group's engine now (in parallel) instead of on first use, so the first
    /// events of a live stream do not wait for compilation.
    /// Do not run rules without a route on events of unmapped or missing channels. A
    /// live pipeline sets this: an unknown JSON event matched against every unmapped
    /// rule (Zeek, cloud audit logs …) fires `not selection` rules on missing fields.
    pub fn without_unrouted_matching(mut self) -> Self {
        self.match_unrouted = false;
        self
    }

    pub fn warm_up(&self) {
        self.slots
            .par_iter()
            .flat_map(|s| s.parts.par_iter())
            .for_each(|p| {
                p.engine();
            });
    }

    /// Metadata of every loaded rule; [`Detection::rule`] indexes into it.
    pub fn rules(&self) -> &[RuleMeta] {
        &self.rules
    }

    /// Number of rules whose log source has no entry in the mapping (they run only on
    /// events without a known channel).
    pub fn unrouted_rule_count(&self) -> usize {
        self.unrouted_rules
    }

    /// Number of rule groups (routes).
    pub fn group_count(&self) -> usize {
        self.groups.len()
    }

    /// Number of compiled engines (routes with identical rule lists share one).
    pub fn engine_count(&self) -> usize {
        self.slots.len()
    }

    /// Match one event against the rules routed to it.
    pub fn detect(&self, event: &LogEvent) -> Vec<Detection> {
        let mut out = Vec::new();
        let channel = event.channel().map(str::to_lowercase);
        let groups: &[usize] = match channel.as_deref().and_then(|c| self.by_channel.get(c)) {
            Some(g) => g,
            None if !self.match_unrouted => &[],
            None => match (&channel, &self.unrouted) {
                // Events of a channel nobody maps, and events with no channel at all, get
                // the rules that have no route.
                (_, Some(u)) => std::slice::from_ref(u),
                (_, None) => &[],
            },
        };
        for &gi in groups {
            let g = &self.groups[gi];
            let id_ok = event
                .event_id()
                .is_some_and(|id| g.event_ids.binary_search(&id).is_ok());
            if !g.event_ids.is_empty() && !id_ok {
                continue;
            }
            let renamed = g.fieldmap.as_ref().map(|map| RenamedEvent::new(event, map));
            for engine in self.slots[g.slot].engines() {
                let results = match &renamed {
                    Some(r) => engine.evaluate(r),
                    None => engine.evaluate(event),
                };
                for r in results {
                    self.push(r, &mut out);
                }
            }
        }
        out
    }

    fn push(&self, result: EvaluationResult, out: &mut Vec<Detection>) {
        let key = rule_key(
            result.header.rule_id.as_deref().unwrap_or(""),
            &result.header.rule_title,
        );
        let Some(&rule) = self.by_key.get(&key) else {
            return;
        };
        if out.iter().any(|d| d.rule == rule) {
            return;
        }
        let matched = result
            .as_detection()
            .map(|d| {
                d.matched_fields
                    .iter()
                    .map(|m| (m.field.clone(), m.value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        out.push(Detection {
            rule,
            matched,
            result,
        });
    }
}
