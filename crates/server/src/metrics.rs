//! Prometheus metrics: requests, latencies, solve times and problem sizes — counts and
//! durations only, never per-elder data. Rendered by `GET /metrics` in the text format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

/// Labels of a request: the route template (`/v1/plans/{id}`, never the id) and the
/// status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route, or `unmatched`.
    pub route: String,
    /// The HTTP status code.
    pub status: u16,
}

/// Labels of a request by API key: the key id (never the key) and the status.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KeyLabels {
    /// The key id (`""` without keys).
    pub key: String,
    /// The HTTP status code.
    pub status: u16,
}

/// Labels of a finished job: its key id and how it ended.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct JobLabels {
    /// The key id.
    pub key: String,
    /// `done`, `failed` or `cancelled`.
    pub state: String,
}

/// Labels naming one route.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabel {
    /// The matched route, or `unmatched`.
    pub route: String,
}

type HistogramFamily = Family<RouteLabel, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 0.25 ms to about 2 min.
    Histogram::new(exponential_buckets(0.000_25, 2.0, 20))
}

/// The service's metrics and their registry.
pub struct Metrics {
    registry: Registry,
    /// Requests by route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Request latency by route, seconds.
    pub latency: HistogramFamily,
    /// Engine time per solve or dispatch, seconds (queue wait excluded).
    pub work: HistogramFamily,
    /// Needs per problem received.
    pub problem_needs: Histogram,
    /// Requests refused because every slot and queue place was taken.
    pub shed: Counter,
    /// Engine jobs running or queued now.
    pub in_flight: Gauge,
    /// Panics caught inside engine jobs.
    pub panics: Counter,
    /// Requests by API key id and status.
    pub keys: Family<KeyLabels, Counter>,
    /// Solve jobs finished, by key id and state.
    pub jobs: Family<JobLabels, Counter>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = HistogramFamily::new_with_constructor(latency_histogram);
        let work = HistogramFamily::new_with_constructor(latency_histogram);
        let problem_needs = Histogram::new(exponential_buckets(1.0, 4.0, 10));
        let (shed, in_flight, panics) = (Counter::default(), Gauge::default(), Counter::default());
        let keys = Family::<KeyLabels, Counter>::default();
        let jobs = Family::<JobLabels, Counter>::default();
        registry.register(
            "carematch_key_requests",
            "Requests by API key id and status",
            keys.clone(),
        );
        registry.register(
            "carematch_jobs_finished",
            "Solve jobs finished, by API key id and state",
            jobs.clone(),
        );
        registry.register(
            "carematch_http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "carematch_http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "carematch_engine_seconds",
            "Engine time per solve, check or dispatch (queue wait excluded)",
            work.clone(),
        );
        registry.register(
            "carematch_problem_needs",
            "Needs per problem received",
            problem_needs.clone(),
        );
        registry.register(
            "carematch_shed",
            "Requests refused with 503 because the service was saturated",
            shed.clone(),
        );
        registry.register(
            "carematch_engine_jobs_in_flight",
            "Engine jobs running or waiting for a slot",
            in_flight.clone(),
        );
        registry.register(
            "carematch_engine_panics",
            "Panics caught inside engine jobs (each answered 500)",
            panics.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            work,
            problem_needs,
            shed,
            in_flight,
            panics,
            keys,
            jobs,
        }
    }
}

impl Metrics {
    /// Counts a request of key `key` answered `status`.
    pub fn keyed(&self, key: &str, status: u16) {
        self.keys
            .get_or_create(&KeyLabels {
                key: key.to_owned(),
                status,
            })
            .inc();
    }

    /// Counts a job of key `key` that ended as `state`.
    pub fn job_finished(&self, key: &str, state: &str) {
        self.jobs
            .get_or_create(&JobLabels {
                key: key.to_owned(),
                state: state.to_owned(),
            })
            .inc();
    }

    /// The Prometheus text exposition.
    ///
    /// ```
    /// let m = carematch_server::metrics::Metrics::default();
    /// m.shed.inc();
    /// assert!(m.render().contains("carematch_shed_total 1"));
    /// ```
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
