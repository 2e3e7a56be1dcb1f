//! Small hand-made problems shared by the tests.

use carematch_core::{Error, Problem};
use serde_json::{json, Value};

/// A valid haversine problem: two elders, two needs, a staff member and a volunteer.
pub fn base() -> Value {
    json!({
        "elders": [
            {"id": "e1", "location": [116.43, 39.92], "area": "g1",
             "profile": {"age": 84, "ability_level": 2, "lives_alone": true}},
            {"id": "e2", "location": [116.44, 39.93]}
        ],
        "needs": [
            {"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]], "load": 1},
            {"id": "n2", "elder": "e2", "service": "bathing", "windows": [[32400, 39600]]}
        ],
        "providers": [
            {"id": "p1", "kind": "staff", "skills": ["meals", "bathing"], "level": 2,
             "gender": "female", "start": [116.42, 39.92], "shifts": [[28800, 61200]]},
            {"id": "p2", "kind": "volunteer", "skills": ["meals"], "start": [116.43, 39.921],
             "shifts": [[36000, 50400]], "mode": "walk"}
        ]
    })
}

pub fn parse(v: &Value) -> Result<Problem, Error> {
    Problem::from_json(v.to_string().as_bytes())
}

/// A planar problem whose plan is easy to compute by hand (speed 1 unit/s):
/// elders on a line at x = 100, 200, 300; p1 and p2 start at the origin.
///
/// Hand plan: p1 serves n1 (meals, 600 s), n2 (bathing, 2700 s), n3 (check-in, 900 s,
/// two carers) at 1000, 1700, 4500; p2 serves n3 at 4500.
pub fn line() -> Value {
    json!({
        "travel": {"metric": "euclidean", "speed": 1.0},
        "elders": [
            {"id": "e1", "location": [100.0, 0.0]},
            {"id": "e2", "location": [200.0, 0.0]},
            {"id": "e3", "location": [300.0, 0.0]}
        ],
        "needs": [
            {"id": "n1", "elder": "e1", "service": "meals", "windows": [[1000, 2000]], "load": 1},
            {"id": "n2", "elder": "e2", "service": "bathing", "windows": [[1000, 5000]]},
            {"id": "n3", "elder": "e3", "service": "check_in", "windows": [[0, 10000]], "caregivers": 2}
        ],
        "providers": [
            {"id": "p1", "kind": "staff", "skills": ["meals", "bathing", "check_in"], "level": 2,
             "start": [0.0, 0.0], "shifts": [[0, 20000]]},
            {"id": "p2", "kind": "staff", "skills": ["check_in"], "start": [0.0, 0.0],
             "shifts": [[0, 20000]]},
            {"id": "p3", "kind": "volunteer", "skills": ["meals", "check_in"], "start": [0.0, 0.0],
             "shifts": [[0, 20000]]}
        ]
    })
}

/// The hand-computed feasible plan of [`line`].
pub fn line_plan() -> Value {
    json!({
        "summary": {
            "needs": 3, "assigned": 3, "unassigned": 0, "priority_served": 1.0,
            "travel": 1200, "service": 5100, "waiting": 100,
            "objective": {"priority": 60, "served": 3, "travel": 1200},
            "solve_ms": 0, "threads": 1
        },
        "routes": [
            {"provider": "p1", "shift": 0, "depart": 800, "return": 5700,
             "stops": [
                {"need": "n1", "elder": "e1", "arrival": 900, "start": 1000, "end": 1600},
                {"need": "n2", "elder": "e2", "arrival": 1700, "start": 1700, "end": 4400},
                {"need": "n3", "elder": "e3", "arrival": 4500, "start": 4500, "end": 5400}
             ],
             "travel": 600, "service": 4200, "load": 1},
            {"provider": "p2", "shift": 0, "depart": 4200, "return": 5700,
             "stops": [{"need": "n3", "elder": "e3", "arrival": 4500, "start": 4500, "end": 5400}],
             "travel": 600, "service": 900, "load": 0}
        ],
        "unassigned": [],
        "gaps": []
    })
}
