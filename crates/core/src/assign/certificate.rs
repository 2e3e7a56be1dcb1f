//! The dual certificate: a solution's optimality checked in `O(E)` from its potentials.

use super::{Instance, Solution};

/// What [`certify`] proves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Certificate {
    /// Primal cost (edges plus penalties).
    pub primal: i128,
    /// Dual objective of the LP relaxation built from the potentials.
    pub dual: i128,
    /// `primal − dual`: 0 proves the solution optimal.
    pub gap: i128,
}

/// Verifies feasibility and the dual certificate in `O(E)`.
///
/// Fails with a description of the first broken condition.
#[allow(clippy::needless_range_loop)] // parallel arrays indexed together
pub fn certify(inst: &Instance, sol: &Solution) -> Result<Certificate, String> {
    let (n, m) = (inst.needs(), inst.providers());
    if sol.flow.len() != inst.edges()
        || sol.skipped.len() != n
        || sol.need_pot.len() != n
        || sol.provider_pot.len() != m
    {
        return Err("solution sizes do not match the instance".into());
    }
    let mut load = vec![0u32; m];
    let mut primal: i128 = 0;
    let mut dual: i128 = 0;
    let v = |j: usize| sol.provider_pot[j].min(0);
    for i in 0..n {
        let mut units = u32::from(sol.skipped[i]);
        let pi = sol.need_pot[i];
        for e in inst.edge_range(i) {
            let j = inst.targets[e] as usize;
            let f = sol.flow[e];
            if f > 1 {
                return Err(format!("edge {e}: flow {f} above 1"));
            }
            let rc = inst.costs[e] as i128 + pi as i128 - sol.provider_pot[j] as i128;
            if f == 0 && rc < 0 {
                return Err(format!("edge {e} unused with negative reduced cost {rc}"));
            }
            if f == 1 {
                if rc > 0 {
                    return Err(format!("edge {e} used with positive reduced cost {rc}"));
                }
                units += 1;
                load[j] += 1;
                primal += inst.costs[e] as i128;
            }
        }
        if units != u32::from(inst.demand[i]) {
            return Err(format!(
                "need {i}: {units} units for demand {}",
                inst.demand[i]
            ));
        }
        let rc_skip = inst.penalty[i] as i128 + pi as i128;
        if sol.skipped[i] < inst.demand[i] && rc_skip < 0 {
            return Err(format!(
                "need {i}: skip arc free with negative reduced cost"
            ));
        }
        if sol.skipped[i] > 0 && rc_skip > 0 {
            return Err(format!("need {i}: skipped with positive reduced cost"));
        }
        primal += inst.penalty[i] as i128 * i128::from(sol.skipped[i]);
        // Dual: u_i = min(P_i, −π_i); w_ij = min(0, c − u − v).
        let u = (inst.penalty[i] as i128).min(-(pi as i128));
        dual += i128::from(inst.demand[i]) * u;
        for e in inst.edge_range(i) {
            let j = inst.targets[e] as usize;
            dual += (inst.costs[e] as i128 - u - v(j) as i128).min(0);
        }
    }
    for j in 0..m {
        if load[j] > inst.capacity[j] {
            return Err(format!(
                "provider {j}: load {} above capacity {}",
                load[j], inst.capacity[j]
            ));
        }
        let p = sol.provider_pot[j];
        if load[j] < inst.capacity[j] && p < 0 {
            return Err(format!(
                "provider {j}: spare capacity but potential {p} < 0"
            ));
        }
        if load[j] > 0 && p > 0 {
            return Err(format!("provider {j}: used but potential {p} > 0"));
        }
        dual += i128::from(inst.capacity[j]) * v(j) as i128;
    }
    if primal != sol.cost {
        return Err(format!(
            "reported cost {} but the solution costs {primal}",
            sol.cost
        ));
    }
    Ok(Certificate {
        primal,
        dual,
        gap: primal - dual,
    })
}
