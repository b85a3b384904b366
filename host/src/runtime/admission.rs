//! Admission control: how many calls run at once, per hook and in total, and how long a call may wait for its turn.
//!
//! Every call needs a permit of its hook's [`CallGate`] and then one of the
//! runtime's instance slots. A call that gets both within its wait runs; one
//! that does not is **shed**: it never runs and its caller sends the hook
//! type's safe answer at once. The wait is bounded so that a call that
//! waited and then used its whole time budget is still answered before
//! [`ANSWER_DEADLINE`], inside Okta's timeout. Queues are therefore bounded
//! in time, and so in length by the arrival rate.

use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, timeout_at};

/// When every answer must have left: Okta's 3 s timeout less 100 ms for the
/// network and the answer's own handling.
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

    /// How long a call with time budget `budget` may wait: the configured
    /// wait, cut so that waiting plus the budget ends by [`ANSWER_DEADLINE`].
    pub(crate) fn wait_for(&self, budget: Duration) -> Duration {
        self.max_wait.min(ANSWER_DEADLINE.saturating_sub(budget))
    }

    /// Waits for a permit of `gate` and then an instance slot, for at most
    /// [`Admission::wait_for`] in total.
    ///
    /// # Errors
    ///
    /// [`Shed`] when either did not come in time.
    pub(crate) async fn admit(&self, gate: &CallGate, budget: Duration) -> Result<Ticket, Shed> {
        let started = Instant::now();
        let deadline = started + self.wait_for(budget);
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

    #[test]
    fn the_wait_never_pushes_an_answer_past_the_deadline() {
        let admission = Admission::new(4, Duration::from_millis(500));
        assert_eq!(admission.wait_for(BUDGET), Duration::from_millis(500));
        assert_eq!(
            admission.wait_for(Duration::from_millis(2700)),
            Duration::from_millis(200)
        );
        assert_eq!(
            admission.wait_for(Duration::from_millis(2999)),
            Duration::ZERO
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_busy_hook_sheds_after_the_wait_without_taking_a_slot() {
        let admission = Admission::new(4, Duration::from_millis(500));
        let gate = CallGate::new(1);
        let first = admission.admit(&gate, BUDGET).await.unwrap();
        assert_eq!((gate.in_flight(), admission.in_flight()), (1, 1));

        let started = Instant::now();
        let shed = admission.admit(&gate, BUDGET).await.unwrap_err();
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
        let _second = admission.admit(&other, BUDGET).await.unwrap();
        drop(first);
        assert_eq!(gate.in_flight(), 0);
        let _third = admission.admit(&gate, BUDGET).await.unwrap();
        assert_eq!(admission.in_flight(), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_server_sheds_and_gives_the_hook_permit_back() {
        let admission = Admission::new(1, Duration::from_millis(300));
        let busy = CallGate::new(8);
        let _held = admission.admit(&busy, BUDGET).await.unwrap();

        let gate = CallGate::new(8);
        let shed = admission.admit(&gate, BUDGET).await.unwrap_err();
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
        let first = admission.admit(&gate, BUDGET).await.unwrap();
        let waiter = {
            let (admission, gate) = (admission.clone(), gate.clone());
            tokio::spawn(async move { admission.admit(&gate, BUDGET).await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(200)).await;
        drop(first);
        assert_eq!(waiter.await.unwrap(), Ok(()));
    }
}
