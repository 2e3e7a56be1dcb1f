//! The wire format v1 and v1.1 (`docs/wire-format.md` in the repository): serde types for the problem a
//! caller sends and the plan the engine returns.
//!
//! These types are the contract. They are parsed as written (`deny_unknown_fields`, so a
//! typo is an error) and carry no meaning of their own: [`crate::Problem`] validates a
//! [`ProblemInput`] into the engine's indexed model. Numbers that must be bounded are
//! parsed as `i64`/`f64` here so that validation, not serde, reports a negative or absurd
//! value with its field path.

//!
//! One concept per file: the problem's top level, travel, services and options
//! (`problem.rs`), needs and links (`needs.rs`), elders (`elders.rs`), providers
//! (`providers.rs`), venues (`venues.rs`); the plan (`plan.rs`), its summary
//! (`summary.rs`), its funding report (`funding.rs`), and booking answers
//! (`booking.rs`), events of the day and the changes they made (`events.rs`), the
//! rescue circle's coverage (`coverage.rs`). Every type is re-exported here: `carematch_core::wire::NeedInput`.

mod booking;
mod coverage;
mod elders;
mod events;
mod funding;
mod needs;
mod plan;
mod problem;
mod providers;
mod summary;
mod venues;

pub use booking::{BookingOption, Recommendation};
pub use coverage::{AreaCoverage, Coverage, CoverageSlot};
pub use elders::{ElderInput, Gender, ProfileInput};
pub use events::{Event, EventBatch, Placement, PlanChange};
pub use funding::{
    Funding, FundingByArea, FundingByGroup, FundingByProvider, FundingFigures, Quality, QualityRow,
};
pub use needs::{LinkInput, LinkKind, LinkProvider, NeedInput, PinnedInput};
pub use plan::{BreakTaken, LedgerEntry, Plan, Reason, Route, Stop, Unassigned, VenueVisit};
pub use problem::{
    HistoryEntry, Location, Metric, OptionsInput, Outcome, ProblemInput, ServiceInput, TravelInput,
    WeightsInput,
};
pub use providers::{BreakInput, Mode, ProviderInput, ProviderKind};
pub use summary::{
    Bound, CarersPerElder, ElderCounts, Gap, KindWork, Objective, OperatorStats, SearchSummary,
    Stopped, Summary, Trust, Workload,
};
pub use venues::{SessionInput, VenueInput};
