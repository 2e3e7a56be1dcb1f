//! Field-level checks shared by every part of validation: ids, sizes, bounds,
//! intervals, provider references. Each names the field path it was given.

use std::collections::{HashMap, HashSet};

use super::R;
use crate::error::{Error, FieldPath};
use crate::limits::*;
use crate::model::{ProviderIdx, Window};

/// `s` is a valid id (non-empty, bounded) not among `known` ids of `what`s.
pub(super) fn new_id<T>(
    path: &FieldPath,
    s: &str,
    known: &HashMap<String, T>,
    what: &str,
) -> R<()> {
    id(path, s)?;
    if known.contains_key(s) {
        return Err(Error::invalid(path, format!("duplicate {what} id '{s}'")));
    }
    Ok(())
}

pub(super) fn id(path: &FieldPath, s: &str) -> R<()> {
    if s.is_empty() {
        return Err(Error::invalid(path, "must be a non-empty string"));
    }
    if s.len() > MAX_ID_LEN {
        return Err(Error::invalid(
            path,
            format!("is {} bytes long; the limit is {MAX_ID_LEN}", s.len()),
        ));
    }
    Ok(())
}

pub(super) fn too_many(path: &FieldPath, len: usize, max: usize) -> R<()> {
    if len > max {
        Err(Error::invalid(
            path,
            format!("has {len} entries; the limit is {max}"),
        ))
    } else {
        Ok(())
    }
}

pub(super) fn bounded(path: &FieldPath, v: i64, lo: i64, hi: i64) -> R<i64> {
    if v < lo || v > hi {
        Err(Error::invalid(path, format!("{v} is not in [{lo}, {hi}]")))
    } else {
        Ok(v)
    }
}

pub(super) fn opt_bounded(path: &FieldPath, v: Option<i64>, lo: i64, hi: i64) -> R<Option<i64>> {
    v.map(|v| bounded(path, v, lo, hi)).transpose()
}

pub(super) fn only_haversine(path: &FieldPath, present: bool) -> R<()> {
    if present {
        Err(Error::invalid(
            path,
            "`speed_kmh` is for the haversine metric only",
        ))
    } else {
        Ok(())
    }
}

pub(super) fn provider_refs(
    path: &FieldPath,
    ids: &[String],
    known: &HashMap<String, ProviderIdx>,
) -> R<Vec<ProviderIdx>> {
    too_many(path, ids.len(), MAX_PREFERENCES)?;
    let mut seen = HashSet::with_capacity(ids.len());
    let mut out = Vec::with_capacity(ids.len());
    for (i, s) in ids.iter().enumerate() {
        let p = *known
            .get(s)
            .ok_or_else(|| Error::invalid(&path.index(i), format!("unknown provider '{s}'")))?;
        if seen.insert(p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// Windows or shifts: at least one, none inverted, in `[0, MAX_TIME]`; returned sorted
/// and, when `merge`, with overlapping or touching intervals merged (shifts keep the
/// caller's order because routes refer to them by index).
pub(super) fn intervals(
    path: &FieldPath,
    list: &[[i64; 2]],
    max: usize,
    merge: bool,
) -> R<Vec<Window>> {
    if list.is_empty() {
        return Err(Error::invalid(
            path,
            "needs at least one [start, end] interval",
        ));
    }
    too_many(path, list.len(), max)?;
    let mut out = Vec::with_capacity(list.len());
    for (i, &[a, b]) in list.iter().enumerate() {
        let p = path.index(i);
        bounded(&p.index(0), a, 0, MAX_TIME)?;
        bounded(&p.index(1), b, 0, MAX_TIME)?;
        if a > b {
            return Err(Error::invalid(&p, format!("start {a} is after end {b}")));
        }
        out.push(Window { open: a, close: b });
    }
    if merge {
        out.sort_unstable();
        let mut merged: Vec<Window> = Vec::with_capacity(out.len());
        for w in out {
            match merged.last_mut() {
                Some(last) if w.open <= last.close.saturating_add(1) => {
                    last.close = last.close.max(w.close)
                }
                _ => merged.push(w),
            }
        }
        out = merged;
    }
    Ok(out)
}
