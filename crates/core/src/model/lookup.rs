//! What validation looked up (service rules, elder ids, interned skills), kept so that a
//! need added later is validated the same way.
use super::ElderIdx;
use super::SkillId;
use crate::catalogue;
use std::collections::HashMap;

/// What validation looked up, kept so that a need added later
/// ([`Problem::push_need`]) is validated the same way.
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookup {
    /// Service rules: catalogue entries and the problem's overrides.
    pub(crate) services: Services,
    /// Elder ids.
    pub(crate) elder_ids: HashMap<String, ElderIdx>,
    /// Interned skill names.
    pub(crate) skills: Interner,
}

/// Skill names to ids, in order of first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Interner {
    ids: HashMap<String, SkillId>,
    pub(crate) names: Vec<String>,
}

impl Interner {
    /// The id of skill `s`, interned on first use.
    pub(crate) fn get(&mut self, s: &str) -> SkillId {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = SkillId(self.names.len() as u32);
        self.ids.insert(s.to_owned(), id);
        self.names.push(s.to_owned());
        id
    }
}

/// What a service requires: an override of the problem's, else the catalogue's.
#[derive(Debug, Clone)]
pub(crate) struct ServiceRule {
    /// Default duration, when known.
    pub(crate) duration: Option<i64>,
    /// Minimum provider level.
    pub(crate) min_level: u32,
    /// Whether volunteers may do it.
    pub(crate) volunteer_ok: bool,
    /// v1.1: price per visit.
    pub(crate) price: i64,
}

/// The problem's service overrides, by id.
#[derive(Debug, Clone, Default)]
pub(crate) struct Services(pub(crate) HashMap<String, ServiceRule>);

impl Services {
    /// The effective rule for `service`: override, else catalogue, else custom defaults
    /// (no duration, level 0, volunteers not allowed).
    pub(crate) fn resolve(&self, service: &str) -> ServiceRule {
        let base = catalogue::lookup(service);
        let over = self.0.get(service);
        ServiceRule {
            duration: over.and_then(|o| o.duration).or(base.map(|b| b.duration)),
            min_level: over
                .map(|o| o.min_level)
                .or(base.map(|b| b.min_level))
                .unwrap_or(0),
            volunteer_ok: over
                .map(|o| o.volunteer_ok)
                .or(base.map(|b| b.volunteer_ok))
                .unwrap_or(false),
            price: over.map_or(0, |o| o.price),
        }
    }
}
