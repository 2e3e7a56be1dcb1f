//! Links (v1.1, "Linked visits"): needs served together or in order, whole or not at
//! all (rule 7).
//!
//! Rules, with their paths: ids unique among links (`links[i].id`); `together` has 2
//! to 4 needs, `sequence` exactly 2 (`links[i].needs`); every need known, not twice in
//! one link, in no other link, with `caregivers` 1, one visit and no pin
//! (`links[i].needs[j]`);
//! `min_gap`, `max_gap` and `provider` only for a sequence, `0 <= min_gap <= max_gap`
//! (`links[i].min_gap`, `links[i].max_gap`). A need in at most one link, and no need
//! twice in a link, leave no room for a cycle.

use std::collections::HashMap;

use super::fields::{bounded, new_id, too_many};
use super::R;
use crate::error::{Error, FieldPath};
use crate::limits::{MAX_LINKS, MAX_TIME, MAX_TOGETHER};
use crate::model::{Link, LinkIdx, LinkRule, Need, NeedIdx};
use crate::wire::{LinkInput, LinkKind};

/// The links of `list`, numbered from `first` on (ids unique among `ids`, which
/// gains them), each need marked with its link. On error, the links before the one at
/// fault are marked already: the caller drops what it was building.
pub(super) fn links(
    root: &FieldPath,
    list: Vec<LinkInput>,
    first: usize,
    ids: &mut HashMap<String, LinkIdx>,
    need_ids: &HashMap<String, NeedIdx>,
    needs: &mut [Need],
) -> R<Vec<Link>> {
    let lpath = root.key("links");
    too_many(&lpath, first + list.len(), MAX_LINKS)?;
    let mut out = Vec::with_capacity(list.len());
    for (k, l) in list.into_iter().enumerate() {
        let i = first + k;
        let path = lpath.index(i);
        new_id(&path.key("id"), &l.id, ids, "link")?;
        let rule = rule(&path, &l)?;
        let members = members(&path, &l, need_ids, needs)?;
        ids.insert(l.id.clone(), LinkIdx(i as u32));
        for &n in &members {
            needs[n.ix()].link = Some(LinkIdx(i as u32));
        }
        out.push(Link {
            id: l.id,
            rule,
            needs: members,
        });
    }
    Ok(out)
}

/// What the link asks, with its size checked.
fn rule(path: &FieldPath, l: &LinkInput) -> R<LinkRule> {
    let count = l.needs.len();
    match l.kind {
        LinkKind::Together => {
            for (key, given) in [
                ("min_gap", l.min_gap.is_some()),
                ("max_gap", l.max_gap.is_some()),
                ("provider", l.provider.is_some()),
            ] {
                if given {
                    return Err(Error::invalid(
                        &path.key(key),
                        format!("`{key}` is for a sequence link only"),
                    ));
                }
            }
            if !(2..=MAX_TOGETHER).contains(&count) {
                return Err(Error::invalid(
                    &path.key("needs"),
                    format!("a together link has 2 to {MAX_TOGETHER} needs, not {count}"),
                ));
            }
            Ok(LinkRule::Together)
        }
        LinkKind::Sequence => {
            if count != 2 {
                return Err(Error::invalid(
                    &path.key("needs"),
                    format!("a sequence link has exactly 2 needs, not {count}"),
                ));
            }
            let min_gap = bounded(&path.key("min_gap"), l.min_gap.unwrap_or(0), 0, MAX_TIME)?;
            let max_gap = bounded(
                &path.key("max_gap"),
                l.max_gap.unwrap_or(MAX_TIME),
                0,
                MAX_TIME,
            )?;
            if min_gap > max_gap {
                return Err(Error::invalid(
                    &path.key("max_gap"),
                    format!("max_gap {max_gap} is below min_gap {min_gap}"),
                ));
            }
            Ok(LinkRule::Sequence {
                min_gap,
                max_gap,
                provider: l.provider.unwrap_or_default(),
            })
        }
    }
}

/// The link's needs: known, each once, in no other link, one carer, no pin.
fn members(
    path: &FieldPath,
    l: &LinkInput,
    need_ids: &HashMap<String, NeedIdx>,
    needs: &[Need],
) -> R<Vec<NeedIdx>> {
    let mut out: Vec<NeedIdx> = Vec::with_capacity(l.needs.len());
    for (j, id) in l.needs.iter().enumerate() {
        let at = path.key("needs").index(j);
        let n = *need_ids
            .get(id)
            .ok_or_else(|| Error::invalid(&at, format!("unknown need '{id}'")))?;
        let need = &needs[n.ix()];
        if out.contains(&n) {
            return Err(Error::invalid(
                &at,
                format!("need '{id}' is twice in this link"),
            ));
        }
        if need.link.is_some() {
            return Err(Error::invalid(
                &at,
                format!("need '{id}' is already in another link (a need is in at most one)"),
            ));
        }
        if need.caregivers != 1 {
            return Err(Error::invalid(
                &at,
                format!("need '{id}' has caregivers 2; in a link each need has one carer (a together link of two needs asks for two)"),
            ));
        }
        if need.pinned.is_some() {
            return Err(Error::invalid(
                &at,
                format!("need '{id}' is pinned; a pinned need cannot be in a link"),
            ));
        }
        if need.series.is_some() {
            return Err(Error::invalid(
                &at,
                format!("need '{id}' has several visits; a link joins needs of one visit"),
            ));
        }
        out.push(n);
    }
    Ok(out)
}
