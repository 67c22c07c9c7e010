//! The query filters the list calls accept, turned into query pairs in one place.

use super::{Id, Resource};

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

    /// Whether a listed resource is what the filter asks for, judged by its own fields: the
    /// reference documents only `title` for the category list, so a server may answer other
    /// integrations' resources whatever filter was sent.
    #[must_use]
    pub fn keeps(&self, r: &Resource) -> bool {
        let same = |want: &Option<Id>, have: &Option<Id>| want.is_none() || want == have;
        same(&self.integration_id, &r.integration)
            && same(&self.parent_id, &r.parent)
            && self.title.as_ref().is_none_or(|t| *t == r.title)
    }

    /// The resource-list filter for events, which the reference names as the replacement of
    /// the deprecated events list.
    pub(super) fn events_filter(&self) -> serde_json::Value {
        let exact = |field: &str, value: &str| serde_json::json!({"operator": "exact", "field": field, "value": value});
        let mut operands = vec![exact("type", "event")];
        if let Some(id) = &self.integration_id {
            operands.push(exact("integration", id.as_str()));
        }
        if let Some(id) = &self.parent_id {
            operands.push(exact("parent", id.as_str()));
        }
        if let Some(t) = &self.title {
            operands.push(exact("title", t));
        }
        serde_json::json!({"operator": "and", "operands": operands})
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

impl MeasurementFilter {
    /// The query pairs: `monitor` first, then `incident_id`.
    pub(super) fn query(&self) -> Vec<(String, String)> {
        let mut q = Vec::new();
        if let Some(id) = &self.monitor {
            q.push(("monitor".to_owned(), id.to_string()));
        }
        if let Some(id) = &self.incident_id {
            q.push(("incident_id".to_owned(), id.to_string()));
        }
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_send_only_what_is_set_in_a_fixed_order() {
        assert!(ListFilter::default().query().is_empty());
        let f = ListFilter {
            integration_id: Some(Id::from("seg")),
            parent_id: Some(Id::from("cat")),
            title: Some("A&B".into()),
        };
        let q = f.query();
        let pairs: Vec<(&str, &str)> = q.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("integration_id", "seg"),
                ("parent_id", "cat"),
                ("title", "A&B")
            ]
        );
        let m = MeasurementFilter {
            monitor: Some(Id::from("m")),
            incident_id: Some(Id::from("i")),
        };
        assert_eq!(m.query()[0].0, "monitor");
        assert_eq!(m.query()[1].0, "incident_id");
    }
}
