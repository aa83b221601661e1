//! A stream wrapper that fails when no item arrives for too long.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tokio::time::{Instant, Sleep};

use crate::{Error, Result};

pin_project_lite::pin_project! {
    /// Yields the items of `S`; when `S` delivers nothing for `timeout`, yields a
    /// [`Timeout`](crate::ErrorKind::Timeout) error and ends. The clock runs while the
    /// caller waits for the next item: it restarts when, after an item was delivered, `S`
    /// is first found with nothing ready. So only waiting counts, not the caller's own time
    /// between polls, nor input that yields no item (keep-alive comments inside an SSE
    /// body), and the clock is read once per wait rather than once per item (items that
    /// arrive together cost no clock read).
    ///
    /// ```
    /// use futures_util::StreamExt;
    /// use llm_core::IdleTimeout;
    /// use std::time::Duration;
    ///
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let items = futures_util::stream::iter([Ok::<_, llm_core::Error>(1), Ok(2)]);
    /// let mut s = std::pin::pin!(IdleTimeout::new(items, Duration::from_secs(5)));
    /// assert_eq!(s.next().await.unwrap().unwrap(), 1);
    /// # }
    /// ```
    #[derive(Debug)]
    pub struct IdleTimeout<S> {
        #[pin]
        inner: S,
        #[pin]
        sleep: Sleep,
        timeout: Duration,
        // When the current wait for an item began.
        waiting_since: Instant,
        // An item was delivered since `waiting_since`: the next wait starts the clock anew.
        delivered: bool,
        done: bool,
    }
}

impl<S> IdleTimeout<S> {
    /// Wraps `inner` with an idle `timeout` (`Duration::MAX`, or any timeout too large to
    /// represent, means no idle limit; it never panics).
    pub fn new(inner: S, timeout: Duration) -> Self {
        let now = Instant::now();
        Self {
            inner,
            sleep: tokio::time::sleep_until(far(now, timeout)),
            timeout,
            waiting_since: now,
            delivered: false,
            done: false,
        }
    }
}

/// `start + timeout`, or a point about thirty years away when that overflows.
fn far(start: Instant, timeout: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(30 * 365 * 24 * 3600);
    start
        .checked_add(timeout)
        .or_else(|| start.checked_add(FAR))
        .unwrap_or(start)
}

impl<S, T> Stream for IdleTimeout<S>
where
    S: Stream<Item = Result<T>>,
{
    type Item = Result<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let mut this = self.project();
        if *this.done {
            return Poll::Ready(None);
        }
        match this.inner.poll_next(cx) {
            Poll::Ready(Some(item)) => {
                *this.delivered = true;
                if item.is_err() {
                    *this.done = true;
                }
                return Poll::Ready(Some(item));
            }
            Poll::Ready(None) => {
                *this.done = true;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        if *this.delivered {
            *this.delivered = false;
            *this.waiting_since = Instant::now();
        }
        // The timer is re-armed only when it fires early (a new wait began meanwhile), not
        // on every wait: resetting a tokio timer costs more than the check.
        loop {
            match this.sleep.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(()) => {
                    let deadline = far(*this.waiting_since, *this.timeout);
                    if Instant::now() >= deadline {
                        *this.done = true;
                        return Poll::Ready(Some(Err(Error::timeout(format!(
                            "no streamed event for {:?} (stream idle timeout)",
                            this.timeout
                        )))));
                    }
                    this.sleep.as_mut().reset(deadline);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test(start_paused = true)]
    async fn fires_after_silence_and_resets_on_items() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<u32>>(4);
        let inner = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        let mut s = Box::pin(IdleTimeout::new(inner, Duration::from_secs(10)));
        let producer = tokio::spawn(async move {
            for i in 0..3 {
                tokio::time::sleep(Duration::from_secs(8)).await;
                tx.send(Ok(i)).await.unwrap();
            }
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(tx);
        });
        let start = Instant::now();
        for i in 0..3 {
            assert_eq!(s.next().await.unwrap().unwrap(), i);
        }
        let err = s.next().await.unwrap().unwrap_err();
        assert!(err.is_timeout());
        assert_eq!(start.elapsed(), Duration::from_secs(34));
        assert!(s.next().await.is_none());
        producer.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn only_waiting_counts_not_the_callers_time_between_polls() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<u32>>(4);
        let inner = futures_util::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        });
        let mut s = Box::pin(IdleTimeout::new(inner, Duration::from_secs(10)));
        let start = Instant::now();
        tx.send(Ok(0)).await.unwrap();
        assert_eq!(s.next().await.unwrap().unwrap(), 0);
        // The caller spends 8 s on the item; the next one comes 5 s after it asks again,
        // 13 s after the first was delivered: a wait of 5 s, not a silence of 13 s.
        tokio::time::sleep(Duration::from_secs(8)).await;
        let producer = tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(5)).await;
            tx.send(Ok(1)).await.unwrap();
            tokio::time::sleep(Duration::from_secs(60)).await;
        });
        assert_eq!(s.next().await.unwrap().unwrap(), 1);
        assert_eq!(start.elapsed(), Duration::from_secs(13));
        // The next wait gets the whole 10 s from when it starts.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let err = s.next().await.unwrap().unwrap_err();
        assert!(err.is_timeout());
        assert_eq!(start.elapsed(), Duration::from_secs(26));
        producer.abort();
    }

    #[tokio::test(start_paused = true)]
    async fn duration_max_means_no_limit_and_never_panics() {
        let items = futures_util::stream::pending::<Result<u32>>();
        let mut s = Box::pin(IdleTimeout::new(items, Duration::MAX));
        let waited = tokio::time::timeout(Duration::from_secs(3600), s.next()).await;
        assert!(waited.is_err(), "still waiting after an hour");
    }
}
