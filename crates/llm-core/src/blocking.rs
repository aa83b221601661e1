//! The runtime behind the provider crates' blocking clients.

use std::fmt;
use std::future::Future;

use crate::{Error, ErrorKind, Result};

/// An owned current-thread tokio runtime for a blocking facade.
///
/// [`block_on`](Self::block_on) returns a typed error, instead of tokio's panic, when it is
/// called inside an async runtime, and dropping it there does not panic either.
///
/// ```
/// use llm_core::BlockingRuntime;
///
/// let runtime = BlockingRuntime::new("the blocking example client")?;
/// assert_eq!(runtime.block_on(async { 1 + 1 })?, 2);
/// # Ok::<(), llm_core::Error>(())
/// ```
pub struct BlockingRuntime {
    runtime: Option<tokio::runtime::Runtime>,
    client: &'static str,
}

impl fmt::Debug for BlockingRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingRuntime")
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

impl BlockingRuntime {
    /// Starts the runtime; `client` names the blocking client in error messages.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when the runtime cannot start.
    pub fn new(client: &'static str) -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| {
                Error::with_source(ErrorKind::Config, "the blocking runtime could not start", e)
            })?;
        Ok(Self {
            runtime: Some(runtime),
            client,
        })
    }

    /// Runs `future` to completion on this thread.
    ///
    /// # Errors
    /// [`ErrorKind::Config`] when called inside an async runtime (where blocking would
    /// stall it), including from `spawn_blocking` threads, which tokio cannot tell apart.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let runtime = llm_core::BlockingRuntime::new("the blocking example client").unwrap();
    /// let err = runtime.block_on(async {}).unwrap_err();
    /// assert_eq!(err.kind(), llm_core::ErrorKind::Config);
    /// # drop(runtime); // dropping inside a runtime does not panic
    /// # }
    /// ```
    pub fn block_on<F: Future>(&self, future: F) -> Result<F::Output> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::with_message(
                ErrorKind::Config,
                format!(
                    "{} was called inside an async runtime; use the async client there",
                    self.client
                ),
            ));
        }
        match &self.runtime {
            Some(runtime) => Ok(runtime.block_on(future)),
            None => Err(Error::with_message(
                ErrorKind::Config,
                "the blocking runtime has shut down",
            )),
        }
    }
}

impl Drop for BlockingRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            if tokio::runtime::Handle::try_current().is_ok() {
                runtime.shutdown_background();
            }
        }
    }
}
