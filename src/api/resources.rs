//! Calls on the tracking plan's resources: event categories, events and event properties
//! (list, get, create, patch, delete). Their retry-safe creates live in `idempotent`.

use super::{ApiError, Client, Endpoint, Id, ListFilter, Resource, ResourceWrite};
use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};

/// A tracking-plan resource kind: what the resource calls take (monitors have calls of their
/// own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    /// An event category.
    Category,
    /// An event.
    Event,
    /// An event property.
    Property,
}

impl ResourceKind {
    /// The endpoint of one resource of this kind.
    fn one(self, id: &Id) -> Endpoint {
        match self {
            Self::Category => Endpoint::Category(id.clone()),
            Self::Event => Endpoint::Event(id.clone()),
            Self::Property => Endpoint::Property(id.clone()),
        }
    }
}

impl Client {
    /// Resources of `kind`, streamed page by page; only those [`ListFilter::keeps`] (events
    /// as [`Client::list_events`] reads them).
    pub fn list_resources(
        &self,
        kind: ResourceKind,
        f: &ListFilter,
    ) -> BoxStream<'static, Result<Resource, ApiError>> {
        match kind {
            ResourceKind::Category => self.list_categories(f).boxed(),
            ResourceKind::Event => self.list_events(f).boxed(),
            ResourceKind::Property => self.list_properties(f).boxed(),
        }
    }

    /// One resource of `kind`.
    ///
    /// # Errors
    /// Any [`ApiError`]; 404 when it does not exist.
    pub async fn get_resource(&self, kind: ResourceKind, id: &Id) -> Result<Resource, ApiError> {
        self.get(&kind.one(id), &[]).await
    }

    /// Event categories, streamed page by page; only those [`ListFilter::keeps`].
    pub fn list_categories(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        self.list(Endpoint::Categories, f.query())
            .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// Events, streamed page by page; only those [`ListFilter::keeps`]. Read through the
    /// resource list with the `type` filter; where that list does not answer (400, 404, 405),
    /// through the deprecated events list.
    pub fn list_events(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        let catalog = self.catalog(&f.events_filter());
        let deprecated = self.list::<Resource>(Endpoint::Events, f.query());
        let client = self.clone();
        stream::once(async move {
            let mut catalog = Box::pin(catalog);
            match catalog.next().await {
                Some(Err(e)) if e.is_unsupported() || e.status() == Some(400) => {
                    client.log_note(&format!(
                        "events: the resource list did not answer ({e}); reading the deprecated events list"
                    ));
                    deprecated.boxed()
                }
                first => {
                    client.log_note("events: read through the resource list (type = event)");
                    stream::iter(first).chain(catalog).boxed()
                }
            }
        })
        .flatten()
        .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// Event properties, streamed page by page; only those [`ListFilter::keeps`].
    pub fn list_properties(
        &self,
        f: &ListFilter,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        let keep = f.clone();
        self.list(Endpoint::Properties, f.query())
            .try_filter(move |r| std::future::ready(keep.keeps(r)))
    }

    /// Creates an event category (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_category(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Categories, body).await
    }

    /// Creates an event (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_event(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Events, body).await
    }

    /// Creates an event property (one POST; not repeated after an ambiguous failure).
    ///
    /// # Errors
    /// Any [`ApiError`]; [`ApiError::is_ambiguous`] when it may have been created anyway.
    pub async fn create_property(&self, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.post(&Endpoint::Properties, body).await
    }

    /// Updates an event with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn patch_event(&self, id: &Id, body: &ResourceWrite) -> Result<Resource, ApiError> {
        self.patch(&Endpoint::Event(id.clone()), body).await
    }

    /// Updates an event property with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn patch_property(
        &self,
        id: &Id,
        body: &ResourceWrite,
    ) -> Result<Resource, ApiError> {
        self.patch(&Endpoint::Property(id.clone()), body).await
    }

    /// Deletes an event; one already gone (404) counts as deleted.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404.
    pub async fn delete_event(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Event(id.clone())).await
    }

    /// Deletes an event property; one already gone (404) counts as deleted.
    ///
    /// # Errors
    /// Any [`ApiError`] but 404.
    pub async fn delete_property(&self, id: &Id) -> Result<(), ApiError> {
        self.delete(&Endpoint::Property(id.clone())).await
    }
}
