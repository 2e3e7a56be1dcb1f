//! The job pool: CPU work (solves, checks, dispatches) off the async runtime, with
//! load shedding and panic isolation. The work runs on the runtime's blocking threads,
//! never on a rayon pool's: a solve runs a rayon pool of its own, and a rayon worker
//! waiting for another pool would steal the next solve onto its stack, so that the
//! first could not return before the second ended.

use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::metrics::{Metrics, RouteLabel};

/// Runs CPU work off the async runtime: a fixed number of slots and a bounded queue. Work beyond slots + queue is refused at once (load shedding);
/// a panic inside the work becomes [`ApiError::Internal`] for that request only.
pub struct JobPool {
    slots: Arc<Semaphore>,
    capacity: usize,
    wait: Duration,
    in_flight: Arc<AtomicUsize>,
}

/// Decrements the in-flight count (and gauge) when a job ends or is abandoned.
struct InFlight {
    count: Arc<AtomicUsize>,
    gauge: prometheus_client::metrics::gauge::Gauge,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.count.fetch_sub(1, Ordering::SeqCst);
        self.gauge.dec();
    }
}

impl JobPool {
    /// A pool with `slots` jobs at once and `queue` waiting.
    pub fn new(slots: usize, queue: usize, wait: Duration) -> Self {
        let slots = slots.max(1);
        Self {
            slots: Arc::new(Semaphore::new(slots)),
            capacity: slots + queue,
            wait,
            in_flight: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A slot of the pool, when one frees (for work that waits its turn instead of
    /// being shed: solve jobs).
    pub async fn slot(&self) -> tokio::sync::OwnedSemaphorePermit {
        match self.slots.clone().acquire_owned().await {
            Ok(p) => p,
            // The semaphore is never closed.
            Err(_) => std::future::pending().await,
        }
    }

    /// Runs `work` on the pool in the slot `permit` holds, freed when it ends; a panic
    /// inside it is `None`.
    pub fn spawn<T, F>(
        &self,
        permit: tokio::sync::OwnedSemaphorePermit,
        work: F,
    ) -> tokio::sync::oneshot::Receiver<Option<T>>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::task::spawn_blocking(move || {
            let result = std::panic::catch_unwind(AssertUnwindSafe(work)).ok();
            drop(permit);
            let _ = tx.send(result);
        });
        rx
    }

    /// Jobs running or waiting.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Runs `work` on the pool and awaits its result.
    pub async fn run<T, F>(&self, metrics: &Metrics, what: &str, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        if self.in_flight.fetch_add(1, Ordering::SeqCst) >= self.capacity {
            self.in_flight.fetch_sub(1, Ordering::SeqCst);
            metrics.shed.inc();
            return Err(ApiError::Saturated);
        }
        metrics.in_flight.inc();
        let guard = InFlight {
            count: self.in_flight.clone(),
            gauge: metrics.in_flight.clone(),
        };
        let permit = match tokio::time::timeout(self.wait, self.slots.clone().acquire_owned()).await
        {
            Ok(Ok(p)) => p,
            _ => {
                metrics.shed.inc();
                return Err(ApiError::Saturated);
            }
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The slot and the in-flight count stay taken until the work ends, even when
        // the client has gone.
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let result = std::panic::catch_unwind(AssertUnwindSafe(work));
            let took = started.elapsed();
            // Free the slot before answering, so that the next request finds it.
            drop(permit);
            drop(guard);
            let _ = tx.send((result, took));
        });
        match rx.await {
            Ok((Ok(v), took)) => {
                metrics
                    .work
                    .get_or_create(&RouteLabel { route: what.into() })
                    .observe(took.as_secs_f64());
                Ok(v)
            }
            _ => {
                metrics.panics.inc();
                tracing::error!(job = what, "engine job panicked");
                Err(ApiError::Internal)
            }
        }
    }
}
