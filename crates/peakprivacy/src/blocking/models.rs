//! The blocking models resource.

use super::PeakPrivacy;
use crate::{Model, RequestOptions, Result};

/// The blocking models resource, from [`PeakPrivacy::models`].
///
/// ```
/// let client = peakprivacy::blocking::PeakPrivacy::new("t")?;
/// let models = client.models();
/// # let _ = models; Ok::<(), peakprivacy::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Models<'a> {
    client: &'a PeakPrivacy,
}

impl<'a> Models<'a> {
    pub(super) fn new(client: &'a PeakPrivacy) -> Self {
        Self { client }
    }

    /// Lists the models the account can use; see [`crate::Models::list`].
    ///
    /// # Errors
    /// As [`crate::Models::list`], or [`ErrorKind::Config`](crate::ErrorKind::Config) when
    /// called inside an async runtime.
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// for model in client.models().list()? {
    ///     println!("{}", model.id);
    /// }
    /// # Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list(&self) -> Result<Vec<Model>> {
        self.list_with(RequestOptions::new())
    }

    /// [`list`](Self::list) with per-call options.
    ///
    /// # Errors
    /// As [`list`](Self::list).
    ///
    /// ```no_run
    /// let client = peakprivacy::blocking::PeakPrivacy::from_env()?;
    /// let models = client.models().list_with(peakprivacy::RequestOptions::new().max_retries(0))?;
    /// # let _ = models; Ok::<(), peakprivacy::Error>(())
    /// ```
    pub fn list_with(&self, options: RequestOptions) -> Result<Vec<Model>> {
        self.client.run(self.client.inner.models().list_with(options))
    }
}
