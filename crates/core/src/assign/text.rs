//! The spec's assignment kernel file format (`p` / `c` / `u` / `e` records), read and
//! written, for benchmarks against other solvers.

use super::Instance;

/// Reads the spec's assignment kernel file format:
///
/// ```text
/// p NEEDS PROVIDERS EDGES
/// c PROVIDER CAPACITY      # one line per provider
/// u NEED PENALTY           # one line per need
/// e NEED PROVIDER COST     # one line per edge
/// ```
///
/// Needs have demand 1. Edges may come in any order; they are grouped by need,
/// keeping their order within a need. Blank lines and lines starting with `#` are
/// skipped. Sizes are bounded (`limits::MAX_NEEDS` needs, 2^31 edges).
///
/// ```
/// let text = "p 2 1 2\nc 0 1\nu 0 10\nu 1 50\ne 0 0 3\ne 1 0 7\n";
/// let inst = carematch_core::assign::read_text(text).unwrap();
/// assert_eq!(carematch_core::assign::solve(&inst).cost, 17);
/// ```
pub fn read_text(text: &str) -> Result<Instance, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(k, l)| (k + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let num = |k: usize, s: Option<&str>| -> Result<i64, String> {
        s.ok_or_else(|| format!("line {k}: missing number"))?
            .parse::<i64>()
            .map_err(|e| format!("line {k}: {e}"))
    };
    let (k, header) = lines.next().ok_or("empty file")?;
    let mut f = header.split_ascii_whitespace();
    if f.next() != Some("p") {
        return Err(format!("line {k}: expected `p NEEDS PROVIDERS EDGES`"));
    }
    let n = num(k, f.next())?;
    let m = num(k, f.next())?;
    let edges = num(k, f.next())?;
    if !(0..=crate::limits::MAX_NEEDS as i64).contains(&n)
        || !(0..=u32::MAX as i64 / 2).contains(&m)
        || !(0..=i64::from(i32::MAX)).contains(&edges)
    {
        return Err(format!("line {k}: sizes out of range"));
    }
    let (n, m, edges) = (n as usize, m as usize, edges as usize);
    let mut inst = Instance {
        demand: vec![1; n],
        penalty: vec![0; n],
        capacity: vec![0; m],
        ..Default::default()
    };
    let mut raw: Vec<(u32, u32, i64)> = Vec::with_capacity(edges);
    for (k, line) in lines {
        let mut f = line.split_ascii_whitespace();
        let tag = f.next().unwrap_or("");
        let a = num(k, f.next())?;
        let b = num(k, f.next())?;
        let index = |v: i64, len: usize| -> Result<usize, String> {
            usize::try_from(v)
                .ok()
                .filter(|&v| v < len)
                .ok_or_else(|| format!("line {k}: index {v} out of range"))
        };
        match tag {
            "c" => {
                inst.capacity[index(a, m)?] =
                    u32::try_from(b).map_err(|_| format!("line {k}: bad capacity"))?
            }
            "u" => inst.penalty[index(a, n)?] = b,
            "e" => {
                if raw.len() == edges {
                    return Err(format!("line {k}: more edges than the header says"));
                }
                raw.push((index(a, n)? as u32, index(b, m)? as u32, num(k, f.next())?));
            }
            _ => return Err(format!("line {k}: unknown record `{tag}`")),
        }
    }
    if raw.len() != edges {
        return Err(format!(
            "the header says {edges} edges; the file has {}",
            raw.len()
        ));
    }
    raw.sort_by_key(|&(i, _, _)| i); // stable: keeps each need's edge order
    inst.offsets = vec![0; n + 1];
    for &(i, _, _) in &raw {
        inst.offsets[i as usize + 1] += 1;
    }
    for i in 0..n {
        inst.offsets[i + 1] += inst.offsets[i];
    }
    inst.targets = raw.iter().map(|r| r.1).collect();
    inst.costs = raw.iter().map(|r| r.2).collect();
    inst.validate()?;
    Ok(inst)
}

/// Writes `inst` in the kernel file format that [`read_text`] reads (every need's
/// demand must be 1: the format has no demands).
///
/// ```
/// use carematch_core::assign::{read_text, write_text};
/// let inst = read_text("p 2 1 2\nc 0 1\nu 0 10\nu 1 50\ne 0 0 3\ne 1 0 7\n").unwrap();
/// let mut out = Vec::new();
/// write_text(&inst, &mut out).unwrap();
/// assert_eq!(read_text(std::str::from_utf8(&out).unwrap()).unwrap(), inst);
/// ```
pub fn write_text(inst: &Instance, w: &mut impl std::io::Write) -> std::io::Result<()> {
    writeln!(
        w,
        "p {} {} {}",
        inst.needs(),
        inst.providers(),
        inst.edges()
    )?;
    for (j, c) in inst.capacity.iter().enumerate() {
        writeln!(w, "c {j} {c}")?;
    }
    for (i, p) in inst.penalty.iter().enumerate() {
        writeln!(w, "u {i} {p}")?;
    }
    for i in 0..inst.needs() {
        for e in inst.edge_range(i) {
            writeln!(w, "e {i} {} {}", inst.targets[e], inst.costs[e])?;
        }
    }
    Ok(())
}
