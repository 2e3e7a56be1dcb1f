//! A carematch plan for people rather than programs, shared by the command line and
//! the HTTP service: [`view`] writes one self-contained HTML page (map, timeline per
//! carer, unserved needs and gaps), [`export`] the plan as CSV (one row per visit, for
//! printing) or GeoJSON (for a map).
//!
//! ```
//! use carematch_core::{solve, Problem};
//! let problem = Problem::from_json(br#"{
//!   "elders": [{"id": "e1", "location": [116.43, 39.92]}],
//!   "needs": [{"id": "n1", "elder": "e1", "service": "meals", "windows": [[39600, 43200]]}],
//!   "providers": [{"id": "p1", "kind": "volunteer", "skills": ["meals"],
//!                  "start": [116.42, 39.92], "shifts": [[36000, 50400]]}]
//! }"#)?;
//! let plan = solve(&problem)?;
//! let page = carematch_present::view::page(&problem, &plan)?;
//! assert!(page.contains("<svg") && page.contains("\"n1\""));
//! let map = carematch_present::export::geojson(&problem, &plan)?;
//! assert_eq!(map["type"], "FeatureCollection");
//! let mut rows = Vec::new();
//! carematch_present::export::csv(&plan, &mut rows).unwrap();
//! assert_eq!(String::from_utf8(rows).unwrap().lines().count(), 2);
//! # Ok::<(), carematch_core::Error>(())
//! ```

pub mod export;
pub mod view;
