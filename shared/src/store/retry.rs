//! Read, decide, write with a condition on what was read, and again when the write lost to a
//! concurrent change: the one loop behind every optimistic change.

use crate::error::{Conflict, Error, Result};

/// How a change is retried: on which conflict, how many attempts, and what the caller is told
/// when every attempt lost.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    lost: Conflict,
    attempts: usize,
    exhausted: &'static str,
}

/// Every move of a request: its version changed since it was read.
pub const REQUEST_MOVE: Retry = Retry::on(
    Conflict::RequestChanged,
    "This request keeps changing. Reload it and try again.",
);

impl Retry {
    /// Three attempts on `lost`, then `lost` with `exhausted` as its message.
    pub const fn on(lost: Conflict, exhausted: &'static str) -> Self {
        Self {
            lost,
            attempts: 3,
            exhausted,
        }
    }

    pub const fn attempts(self, attempts: usize) -> Self {
        Self { attempts, ..self }
    }

    /// The attempts of one change: call `settle` with each attempt's outcome.
    pub fn begin(self) -> Attempts {
        Attempts {
            retry: self,
            made: 0,
        }
    }
}

/// The attempts made so far of one change.
#[derive(Debug)]
pub struct Attempts {
    retry: Retry,
    made: usize,
}

impl Attempts {
    /// What one attempt's outcome means: `Some` is the answer; `None` says read, decide and
    /// write again (the write lost to the conflict retried on, and attempts are left). Any other
    /// error, and the conflict once attempts run out, is the caller's error.
    pub fn settle<T>(&mut self, outcome: Result<T>) -> Result<Option<T>> {
        self.made += 1;
        match outcome {
            Ok(done) => Ok(Some(done)),
            Err(Error::Conflict(conflict, _)) if conflict == self.retry.lost => {
                if self.made < self.retry.attempts {
                    Ok(None)
                } else {
                    Err(Error::conflict(conflict, self.retry.exhausted))
                }
            }
            Err(err) => Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    const RETRY: Retry = Retry::on(Conflict::RequestChanged, "keeps changing");

    /// Runs `attempt` as a change's loop does.
    fn changed(retry: Retry, mut attempt: impl FnMut(usize) -> Result<usize>) -> Result<usize> {
        let mut attempts = retry.begin();
        let mut made = 0;
        loop {
            made += 1;
            if let Some(done) = attempts.settle(attempt(made))? {
                return Ok(done);
            }
        }
    }

    #[test]
    fn a_lost_write_is_tried_again_and_other_outcomes_end_the_loop() {
        let lost = || Err(Error::conflict(Conflict::RequestChanged, "lost"));
        let won = changed(RETRY, |made| if made < 3 { lost() } else { Ok(made) });
        assert_eq!(won.ok(), Some(3));

        let tries = Cell::new(0);
        let other = changed(RETRY, |made| {
            tries.set(made);
            Err(Error::conflict(Conflict::TimerGone, "gone"))
        });
        assert!(matches!(
            other,
            Err(Error::Conflict(Conflict::TimerGone, _))
        ));
        assert_eq!(tries.get(), 1, "a different conflict is not retried");

        let exhausted = changed(RETRY.attempts(5), |made| {
            tries.set(made);
            lost()
        });
        assert_eq!(tries.get(), 5);
        assert!(
            matches!(&exhausted, Err(Error::Conflict(Conflict::RequestChanged, m)) if m == "keeps changing"),
            "{exhausted:?}"
        );
    }
}
