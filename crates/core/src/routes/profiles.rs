//! Route profiles: provider shifts that are interchangeable for every need — the same
//! start, end, shift window, speed, skills, level, kind, gender, capacity and limits.
//!
//! When many carers leave from one station, the nearest providers by start point are
//! an arbitrary few of them, and a need must still be able to open a route of any of
//! the others: a need may always try the first empty route of each profile among its
//! candidate slots ([`super::Builder::first_empty`]), one route standing for all the
//! empty ones that would cost the same. Computed once, at validation.

use std::collections::HashMap;

use crate::model::{Problem, Provider, Window};

/// The profile of every slot, in slot order (provider, then shift).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Profiles {
    /// Slot index → profile.
    pub(crate) of: Vec<u32>,
    /// Number of profiles.
    pub(crate) count: usize,
}

impl Profiles {
    /// The profiles of `providers`' shifts.
    pub(crate) fn new(providers: &[Provider]) -> Self {
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut of = Vec::new();
        for p in providers {
            for shift in &p.shifts {
                let next = ids.len() as u32;
                of.push(*ids.entry(key(p, shift)).or_insert(next));
            }
        }
        Self {
            of,
            count: ids.len(),
        }
    }
}

/// What makes two shifts interchangeable.
fn key(p: &Provider, shift: &Window) -> String {
    format!(
        "{:?}|{:?}|{:?}|{}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{:?}",
        p.start,
        p.end,
        shift,
        p.speed.to_bits(),
        p.skills,
        p.level,
        p.kind,
        p.gender,
        p.capacity,
        p.max_visits,
        p.max_work,
    )
}

impl Problem {
    /// The profile of route `ri` (slot order).
    pub(crate) fn profile_of(&self, ri: usize) -> u32 {
        self.profiles.of[ri]
    }
}
