//! The lists that names in a manifest resolve against: integrations, teams, tags, users,
//! collections, and catalog resources (monitor targets).

use super::{
    ApiError, Client, Collection, Endpoint, Id, Integration, Resource, Tag, TagWrite, Team, User,
};
use futures::stream::Stream;

impl Client {
    /// Integrations, streamed page by page.
    pub fn list_integrations(
        &self,
    ) -> impl Stream<Item = Result<Integration, ApiError>> + Send + 'static {
        self.list(Endpoint::Integrations, Vec::new())
    }

    /// Teams, streamed page by page.
    pub fn list_teams(&self) -> impl Stream<Item = Result<Team, ApiError>> + Send + 'static {
        self.list(Endpoint::Teams, Vec::new())
    }

    /// Tags, streamed page by page.
    pub fn list_tags(&self) -> impl Stream<Item = Result<Tag, ApiError>> + Send + 'static {
        self.list(Endpoint::Tags, Vec::new())
    }

    /// Creates a tag (one POST; assumed to answer like the other resources' creates).
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn create_tag(&self, body: &TagWrite) -> Result<Tag, ApiError> {
        self.post(&Endpoint::Tags, body).await
    }

    /// Updates a tag with exactly the fields set in `body`.
    ///
    /// # Errors
    /// Any [`ApiError`].
    pub async fn patch_tag(&self, id: &Id, body: &TagWrite) -> Result<Tag, ApiError> {
        self.patch(&Endpoint::Tag(id.clone()), body).await
    }

    /// Users, streamed page by page.
    pub fn list_users(&self) -> impl Stream<Item = Result<User, ApiError>> + Send + 'static {
        self.list(Endpoint::Users, Vec::new())
    }

    /// Collections, streamed page by page; `title` filters by substring on the server (match
    /// exactly on the caller's side).
    pub fn list_collections(
        &self,
        title: Option<&str>,
    ) -> impl Stream<Item = Result<Collection, ApiError>> + Send + 'static {
        let q = title
            .map(|t| vec![("title".to_owned(), t.to_owned())])
            .unwrap_or_default();
        self.list(Endpoint::Collections, q)
    }

    /// Catalog resources matching a filter such as
    /// `{"operator":"exact","field":"title","value":"orders"}`, streamed page by page.
    pub fn catalog(
        &self,
        filter: &serde_json::Value,
    ) -> impl Stream<Item = Result<Resource, ApiError>> + Send + 'static {
        self.list(
            Endpoint::Catalog,
            vec![("filter".to_owned(), filter.to_string())],
        )
    }
}
