//! Admission control: how many calls run at once, per hook and in total, and how long a call may wait for its turn.
//!
//! Every call needs a permit of its hook's [`CallGate`] and then one of the
//! runtime's instance slots. A call that gets both within its wait runs; one
//! that does not is **shed**: it never runs and its caller sends the hook
//! type's safe answer at once. The wait ends at the configured maximum or at
//! the call's own deadline (its arrival plus its time budget), whichever
//! comes first, so a call that waited still ends by that deadline and is
//! answered before [`ANSWER_DEADLINE`], inside Okta's timeout. Queues are
//! therefore bounded in time, and so in length by the arrival rate.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, timeout_at};

/// When every answer has left, counted from the request's arrival: the
/// longest time budget (`limits::MAX_TIME_BUDGET_MS`, 2800 ms) plus
/// the host's answer handling (`limits::ANSWER_HANDLING`, 100 ms):
/// 2900 ms, leaving 100 ms of Okta's 3 s timeout for the network.
pub const ANSWER_DEADLINE: Duration = Duration::from_millis(2900);

/// The per-hook bound on calls in flight. Cloning shares the bound.
#[derive(Debug, Clone)]
pub struct CallGate {
    permits: Arc<Semaphore>,
    limit: u32,
}

impl CallGate {
    /// A gate letting `limit` calls through at once (at least one).
    pub fn new(limit: u32) -> CallGate {
        let limit = limit.max(1);
        CallGate {
            permits: Arc::new(Semaphore::new(limit as usize)),
            limit,
        }
    }

    /// Calls of this hook in flight now.
    pub fn in_flight(&self) -> u32 {
        self.limit - self.permits.available_permits() as u32
    }
}

/// Why a call was shed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Shed {
    /// Its hook already had its maximum of calls in flight for the whole wait.
    #[error("overloaded: this hook already runs {limit} calls at once; waited {waited_ms} ms")]
    HookBusy {
        /// The hook's bound.
        limit: u32,
        /// How long the call waited.
        waited_ms: u64,
    },
    /// Every instance slot of the server was taken for the whole wait.
    #[error("overloaded: all {limit} instance slots are busy; waited {waited_ms} ms")]
    ServerBusy {
        /// The server's bound.
        limit: u32,
        /// How long the call waited.
        waited_ms: u64,
    },
}

/// The permits of one admitted call; dropping it lets the next call in.
#[derive(Debug)]
pub struct Ticket {
    _hook: OwnedSemaphorePermit,
    _slot: OwnedSemaphorePermit,
}

/// The server-wide bound: instance slots and the longest wait.
#[derive(Debug)]
pub(crate) struct Admission {
    slots: Arc<Semaphore>,
    limit: u32,
    max_wait: Duration,
}

impl Admission {
    /// `limit` calls in flight in total, each waiting at most `max_wait`.
    pub(crate) fn new(limit: u32, max_wait: Duration) -> Admission {
        Admission {
            slots: Arc::new(Semaphore::new(limit as usize)),
            limit,
            max_wait,
        }
    }

    /// Calls in flight now, over all hooks.
    pub(crate) fn in_flight(&self) -> u32 {
        self.limit - self.slots.available_permits() as u32
    }

    /// When a call that starts waiting now with deadline `call_deadline`
    /// stops waiting: after the configured wait, or at its deadline if that
    /// comes first.
    pub(crate) fn wait_until(&self, now: Instant, call_deadline: Instant) -> Instant {
        (now + self.max_wait).min(call_deadline)
    }

    /// Waits for a permit of `gate` and then an instance slot, until
    /// [`Admission::wait_until`] in total.
    ///
    /// # Errors
    ///
    /// [`Shed`] when either did not come in time.
    pub(crate) async fn admit(
        &self,
        gate: &CallGate,
        call_deadline: Instant,
    ) -> Result<Ticket, Shed> {
        let started = Instant::now();
        let deadline = self.wait_until(started, call_deadline);
        let waited_ms = || started.elapsed().as_millis() as u64;
        let hook = match gate.permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => timeout_at(deadline, gate.permits.clone().acquire_owned())
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or_else(|| Shed::HookBusy {
                    limit: gate.limit,
                    waited_ms: waited_ms(),
                })?,
        };
        let slot = match self.slots.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => timeout_at(deadline, self.slots.clone().acquire_owned())
                .await
                .ok()
                .and_then(Result::ok)
                .ok_or_else(|| Shed::ServerBusy {
                    limit: self.limit,
                    waited_ms: waited_ms(),
                })?,
        };
        Ok(Ticket {
            _hook: hook,
            _slot: slot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: Duration = Duration::from_millis(2000);

    /// The deadline of a call arriving now with the default budget.
    fn budget() -> Instant {
        Instant::now() + BUDGET
    }

    #[tokio::test(start_paused = true)]
    async fn the_wait_never_runs_past_the_calls_deadline() {
        let admission = Admission::new(4, Duration::from_millis(500));
        let now = Instant::now();
        let ms = Duration::from_millis;
        assert_eq!(admission.wait_until(now, now + BUDGET), now + ms(500));
        assert_eq!(admission.wait_until(now, now + ms(200)), now + ms(200));
        assert_eq!(admission.wait_until(now, now), now);
        // A call whose deadline passed (its body was slow) does not wait.
        assert_eq!(admission.wait_until(now + ms(300), now), now);
    }

    #[tokio::test(start_paused = true)]
    async fn a_call_close_to_its_deadline_is_shed_at_the_deadline() {
        let admission = Admission::new(1, Duration::from_millis(500));
        let gate = CallGate::new(1);
        let _first = admission.admit(&gate, budget()).await.unwrap();
        let started = Instant::now();
        let shed = admission
            .admit(&gate, started + Duration::from_millis(120))
            .await
            .unwrap_err();
        assert_eq!(started.elapsed(), Duration::from_millis(120));
        assert!(
            matches!(shed, Shed::HookBusy { waited_ms: 120, .. }),
            "{shed:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_hook_sheds_after_the_wait_without_taking_a_slot() {
        let admission = Admission::new(4, Duration::from_millis(500));
        let gate = CallGate::new(1);
        let first = admission.admit(&gate, budget()).await.unwrap();
        assert_eq!((gate.in_flight(), admission.in_flight()), (1, 1));

        let started = Instant::now();
        let shed = admission.admit(&gate, budget()).await.unwrap_err();
        assert_eq!(
            shed,
            Shed::HookBusy {
                limit: 1,
                waited_ms: 500
            }
        );
        assert_eq!(started.elapsed(), Duration::from_millis(500));
        assert_eq!(admission.in_flight(), 1, "a shed call holds no slot");

        // Another hook is not affected.
        let other = CallGate::new(1);
        let _second = admission.admit(&other, budget()).await.unwrap();
        drop(first);
        assert_eq!(gate.in_flight(), 0);
        let _third = admission.admit(&gate, budget()).await.unwrap();
        assert_eq!(admission.in_flight(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_server_sheds_and_gives_the_hook_permit_back() {
        let admission = Admission::new(1, Duration::from_millis(300));
        let busy = CallGate::new(8);
        let _held = admission.admit(&busy, budget()).await.unwrap();

        let gate = CallGate::new(8);
        let shed = admission.admit(&gate, budget()).await.unwrap_err();
        assert_eq!(
            shed,
            Shed::ServerBusy {
                limit: 1,
                waited_ms: 300
            }
        );
        assert_eq!(gate.in_flight(), 0, "the hook permit is released");
    }

    #[tokio::test(start_paused = true)]
    async fn a_waiting_call_gets_the_slot_a_finishing_call_frees() {
        let admission = Arc::new(Admission::new(1, Duration::from_millis(500)));
        let gate = CallGate::new(1);
        let first = admission.admit(&gate, budget()).await.unwrap();
        let waiter = {
            let (admission, gate) = (admission.clone(), gate.clone());
            tokio::spawn(async move { admission.admit(&gate, budget()).await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }
}
