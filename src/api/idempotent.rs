//! Creates that survive a lost answer. A POST is the one call that is not safe to repeat:
//! after an ambiguous failure (timeout, broken connection, 5xx) the client lists the kind by
//! its natural key, adopts the twin the lost call made, and only otherwise posts again.

use super::stats::bump;
use super::{
    ApiError, Client, Endpoint, ListFilter, Monitor, MonitorWrite, Resource, ResourceWrite,
};
use futures::stream::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;

impl Client {
    /// Creates an event category; after an ambiguous failure, adopts the category with the
    /// same title (and integration) if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_category_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Categories, body)
            .await
    }

    /// Creates an event; after an ambiguous failure, adopts the event with the same title,
    /// parent and integration if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_event_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Events, body)
            .await
    }

    /// Creates an event property; after an ambiguous failure, adopts the property with the
    /// same title, parent and integration if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_property_idempotent(
        &self,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_resource_idempotent(Endpoint::Properties, body)
            .await
    }

    /// Creates a monitor; after an ambiguous failure, adopts the monitor with the same
    /// target, metric type and metric config if the lost call created it, else tries again.
    ///
    /// # Errors
    /// The last [`ApiError`] when every try failed.
    pub async fn create_monitor_idempotent(
        &self,
        body: &MonitorWrite,
    ) -> Result<Monitor, ApiError> {
        self.create_idempotent(&Endpoint::Monitors, body, || async {
            let monitors: Vec<Monitor> = self.list_monitors().try_collect().await?;
            Ok(monitors.into_iter().find(|m| monitor_matches(m, body)))
        })
        .await
    }

    async fn create_resource_idempotent(
        &self,
        endpoint: Endpoint,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.create_idempotent(&endpoint, body, || async {
            let filter = ListFilter {
                integration_id: body.integration.clone(),
                parent_id: body.parent.clone(),
                title: body.title.clone(),
            };
            // The create endpoint is also the list of its kind.
            let found: Vec<Resource> = self
                .list(endpoint.clone(), filter.query())
                .try_filter(|r| std::future::ready(resource_matches(r, body)))
                .take(1)
                .try_collect()
                .await?;
            Ok(found.into_iter().next())
        })
        .await
    }

    /// POSTs `body`; after an ambiguous failure waits, asks `lookup` whether the lost call
    /// landed, adopts what it finds, and otherwise tries again.
    async fn create_idempotent<T, B, F, Fut>(
        &self,
        endpoint: &Endpoint,
        body: &B,
        lookup: F,
    ) -> Result<T, ApiError>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Option<T>, ApiError>>,
    {
        let retry = self.retry;
        let mut attempt = 1;
        loop {
            match self.post(endpoint, body).await {
                Err(e) if e.is_ambiguous() && attempt < retry.max_tries => {
                    bump(&self.inner.counters.retries);
                    tokio::time::sleep(retry.backoff(attempt)).await;
                    if let Some(found) = lookup().await? {
                        bump(&self.inner.counters.adopted);
                        return Ok(found);
                    }
                    attempt += 1;
                }
                other => return other,
            }
        }
    }
}

/// Whether `r` is what a create of `body` would have made (natural key: title + parent +
/// integration).
fn resource_matches(r: &Resource, body: &ResourceWrite) -> bool {
    !r.archived
        && body.title.as_deref() == Some(r.title.as_str())
        && (body.parent.is_none() || body.parent == r.parent)
        && (body.integration.is_none()
            || r.integration.is_none()
            || body.integration == r.integration)
}

/// Whether `m` is what a create of `body` would have made (natural key: target + metric type
/// + metric config).
fn monitor_matches(m: &Monitor, body: &MonitorWrite) -> bool {
    body.target.is_some()
        && m.target == body.target
        && body.metric_type.as_deref() == Some(m.metric_type.as_str())
        && body.metric_config.clone().unwrap_or_default() == m.metric_config
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Id;

    #[test]
    fn natural_keys_match_title_parent_and_integration() {
        let body = ResourceWrite {
            title: Some("Order Completed".into()),
            parent: Some(Id::from("cat")),
            integration: Some(Id::from("seg")),
            ..ResourceWrite::default()
        };
        let mut r = Resource {
            title: "Order Completed".into(),
            parent: Some(Id::from("cat")),
            integration: Some(Id::from("seg")),
            ..Resource::default()
        };
        assert!(resource_matches(&r, &body));
        r.parent = Some(Id::from("other"));
        assert!(!resource_matches(&r, &body));
        r.parent = Some(Id::from("cat"));
        r.archived = true;
        assert!(!resource_matches(&r, &body));

        let mw = MonitorWrite {
            target: Some(Id::from("t")),
            metric_type: Some("row_count".into()),
            ..MonitorWrite::default()
        };
        let mut m = Monitor {
            target: Some(Id::from("t")),
            metric_type: "row_count".into(),
            ..Monitor::default()
        };
        assert!(monitor_matches(&m, &mw));
        m.metric_config.insert("x".into(), 1.into());
        assert!(!monitor_matches(&m, &mw));
    }
}
