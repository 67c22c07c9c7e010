//! The paths the sandbox serves, as Secoda's reference names them. The sandbox keeps its own
//! copy rather than the client's: it answers the way the reference shows Secoda answering, and
//! the integration tests (client against sandbox) catch a path the two spell differently.

/// Connectivity check.
pub const HEALTHCHECK: &str = "/healthcheck";
/// Event categories.
pub const CATEGORIES: &str = "/api/v1/event/category";
/// Events.
pub const EVENTS: &str = "/api/v1/event/events";
/// Event properties.
pub const PROPERTIES: &str = "/api/v1/event/event_properties";
/// Monitors.
pub const MONITORS: &str = "/api/v1/monitor/monitors";
/// Run monitors.
pub const MONITORS_RUN: &str = "/api/v1/monitor/monitors/run";
/// Incidents list.
pub const INCIDENTS: &str = "/api/v1/monitor/incidents";
/// One incident (singular in the reference).
pub const INCIDENT: &str = "/api/v1/monitor/incident";
/// Measurements.
pub const MEASUREMENTS: &str = "/api/v1/monitor/measurements";
/// Integrations.
pub const INTEGRATIONS: &str = "/api/v1/integration/integrations";
/// Teams.
pub const TEAMS: &str = "/api/v1/auth/teams/";
/// Tags.
pub const TAGS: &str = "/api/v1/tag";
/// Users.
pub const USERS: &str = "/api/v1/user/";
/// Collections.
pub const COLLECTIONS: &str = "/api/v1/collection/collections/";
/// Resource catalog.
pub const CATALOG: &str = "/api/v1/resource/catalog/";
