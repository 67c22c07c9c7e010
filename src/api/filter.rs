//! The query filters the list calls accept, turned into query pairs in one place.

use super::Id;

/// Filters of the category, event and property lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListFilter {
    /// `integration_id=`.
    pub integration_id: Option<Id>,
    /// `parent_id=` (category of events, event of properties).
    pub parent_id: Option<Id>,
    /// `title=` (exact).
    pub title: Option<String>,
}

impl ListFilter {
    /// The query pairs, in the order the server has always seen them.
    pub(super) fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(id) = &self.integration_id {
            q.push(("integration_id".to_owned(), id.to_string()));
        }
        if let Some(id) = &self.parent_id {
            q.push(("parent_id".to_owned(), id.to_string()));
        }
        if let Some(t) = &self.title {
            q.push(("title".to_owned(), t.clone()));
        }
        q
    }
}

/// Filters of the measurements list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeasurementFilter {
    /// `monitor=`.
    pub monitor: Option<Id>,
    /// `incident_id=`.
    pub incident_id: Option<Id>,
}
