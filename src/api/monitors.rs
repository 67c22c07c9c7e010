//! Calls on monitors and what they produce: monitors (list, get, create, patch, delete),
//! monitor runs, incidents and measurements. The retry-safe create lives in `idempotent`.

use super::{
    ApiError, Client, Endpoint, Id, Incident, Job, Measurement, MeasurementFilter, Monitor,
    MonitorWrite,
};
use futures::stream::Stream;

impl Client {
    /// Monitors, streamed page by page.
    pub fn list_monitors(&self) -> impl Stream<Item = Result<Monitor, ApiError>> + Send + 'static {
        self.list(Endpoint::Monitors, Vec::new())
    }

    /// One monitor.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_monitor(&self, id: &Id) -> Result<Monitor, ApiError> {
        self.get(&Endpoint::Monitor(id.clone()), &[]).await
    }

    /// Creates a monitor (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_monitor(&self, body: &MonitorWrite) -> Result<Monitor, ApiError> {
        self.post(&Endpoint::Monitors, body).await
    }

    /// Updates a monitor with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_unsupported`] when the workspace cannot patch monitors.
    pub async fn patch_monitor(&self, id: &Id, body: &MonitorWrite) -> Result<Monitor, ApiError> {
        self.patch(&Endpoint::Monitor(id.clone()), body).await
    }

    /// Deletes a monitor; one already gone counts as deleted. Not documented by Secoda: a
    /// workspace that does not serve it answers 405.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404; [`ApiError::is_unsupported`] tells a 405/501 apart.
    pub async fn delete_monitor(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Monitor(id.clone())).await
    }

    /// Starts a run of the given monitors (a background job).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn run_monitors(&self, ids: &[Id]) -> Result<Job, ApiError> {
        self.post(
            &Endpoint::MonitorsRun,
            &serde_json::json!({ "monitors": ids }),
        )
        .await
    }

    /// Incidents, streamed page by page.
    pub fn list_incidents(
        &self,
    ) -> impl Stream<Item = Result<Incident, ApiError>> + Send + 'static {
        self.list(Endpoint::Incidents, Vec::new())
    }

    /// One incident.
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_not_found`] when it does not exist.
    pub async fn get_incident(&self, id: &Id) -> Result<Incident, ApiError> {
        self.get(&Endpoint::Incident(id.clone()), &[]).await
    }

    /// Measurements of a monitor or an incident, streamed page by page.
    pub fn list_measurements(
        &self,
        f: &MeasurementFilter,
    ) -> impl Stream<Item = Result<Measurement, ApiError>> + Send + 'static {
        self.list(Endpoint::Measurements, f.query())
    }
}
