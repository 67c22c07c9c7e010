//! Every path the tool calls, in one table, exactly as Secoda's reference documents them.

use super::types::Id;

/// One documented endpoint (collection or single object).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Endpoint {
    /// `GET /healthcheck`.
    Healthcheck,
    /// Event categories: list, create.
    Categories,
    /// One event category.
    Category(Id),
    /// Events: list, create.
    Events,
    /// One event.
    Event(Id),
    /// Event properties: list, create.
    Properties,
    /// One event property.
    Property(Id),
    /// Monitors: list, create.
    Monitors,
    /// One monitor.
    Monitor(Id),
    /// Run monitors (a background job).
    MonitorsRun,
    /// Incidents list.
    Incidents,
    /// One incident.
    Incident(Id),
    /// Measurements list.
    Measurements,
    /// Integrations list.
    Integrations,
    /// Teams list.
    Teams,
    /// Tags: list, create (creating one is assumed, as for other resources).
    Tags,
    /// One tag (PATCH, DELETE assumed as for other resources).
    Tag(Id),
    /// Users list.
    Users,
    /// Collections list.
    Collections,
    /// Resource catalog search (`filter=<JSON>`).
    Catalog,
}

/// Collection paths, as documented (some carry a trailing slash in the reference itself).
pub(crate) mod paths {
    /// Connectivity check.
    pub(crate) const HEALTHCHECK: &str = "/healthcheck";
    /// Event categories.
    pub(crate) const CATEGORIES: &str = "/api/v1/event/category";
    /// Events.
    pub(crate) const EVENTS: &str = "/api/v1/event/events";
    /// Event properties.
    pub(crate) const PROPERTIES: &str = "/api/v1/event/event_properties";
    /// Monitors.
    pub(crate) const MONITORS: &str = "/api/v1/monitor/monitors";
    /// Run monitors.
    pub(crate) const MONITORS_RUN: &str = "/api/v1/monitor/monitors/run";
    /// Incidents list.
    pub(crate) const INCIDENTS: &str = "/api/v1/monitor/incidents";
    /// One incident (singular in the reference).
    pub(crate) const INCIDENT: &str = "/api/v1/monitor/incident";
    /// Measurements.
    pub(crate) const MEASUREMENTS: &str = "/api/v1/monitor/measurements";
    /// Integrations.
    pub(crate) const INTEGRATIONS: &str = "/api/v1/integration/integrations";
    /// Teams.
    pub(crate) const TEAMS: &str = "/api/v1/auth/teams/";
    /// Tags.
    pub(crate) const TAGS: &str = "/api/v1/tag";
    /// Users.
    pub(crate) const USERS: &str = "/api/v1/user/";
    /// Collections.
    pub(crate) const COLLECTIONS: &str = "/api/v1/collection/collections/";
    /// Resource catalog.
    pub(crate) const CATALOG: &str = "/api/v1/resource/catalog/";
}

impl Endpoint {
    /// The documented path (no trailing slash unless the reference has one).
    #[must_use]
    pub(crate) fn path(&self) -> String {
        use paths::*;
        match self {
            Self::Healthcheck => HEALTHCHECK.to_owned(),
            Self::Categories => CATEGORIES.to_owned(),
            Self::Category(id) => format!("{CATEGORIES}/{id}"),
            Self::Events => EVENTS.to_owned(),
            Self::Event(id) => format!("{EVENTS}/{id}"),
            Self::Properties => PROPERTIES.to_owned(),
            Self::Property(id) => format!("{PROPERTIES}/{id}"),
            Self::Monitors => MONITORS.to_owned(),
            Self::Monitor(id) => format!("{MONITORS}/{id}"),
            Self::MonitorsRun => MONITORS_RUN.to_owned(),
            Self::Incidents => INCIDENTS.to_owned(),
            Self::Incident(id) => format!("{INCIDENT}/{id}"),
            Self::Measurements => MEASUREMENTS.to_owned(),
            Self::Integrations => INTEGRATIONS.to_owned(),
            Self::Teams => TEAMS.to_owned(),
            Self::Tags => TAGS.to_owned(),
            Self::Tag(id) => format!("{TAGS}/{id}"),
            Self::Users => USERS.to_owned(),
            Self::Collections => COLLECTIONS.to_owned(),
            Self::Catalog => CATALOG.to_owned(),
        }
    }

    /// The path in the form the deployment wants: with `trailing_slash`, always `/path/`.
    #[must_use]
    pub(crate) fn path_with(&self, trailing_slash: bool) -> String {
        let mut p = self.path();
        if trailing_slash && !p.ends_with('/') {
            p.push('/');
        }
        p
    }
}
