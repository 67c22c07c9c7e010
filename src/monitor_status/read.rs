//! What `monitors status` reads from the workspace: every monitor, the titles of targets the
//! monitor objects do not label, the latest measurements and (on request) the incidents.

use super::document::target_label;
use crate::api::{ApiError, Client, Id, Incident, Measurement, MeasurementFilter, Monitor};
use futures::{StreamExt, TryStreamExt};
use std::collections::{HashMap, HashSet};

/// What the workspace was read as, before it is shaped into a
/// [`StatusDocument`](super::StatusDocument).
#[derive(Debug, Clone, Default)]
pub(crate) struct Observed {
    /// Every monitor.
    pub monitors: Vec<Monitor>,
    /// Target id -> title, for targets the monitor objects carry no label for.
    pub titles: HashMap<Id, String>,
    /// Monitor id -> its latest measurement, for monitors without `last_measurement_value`.
    pub latest: HashMap<Id, Measurement>,
    /// Every incident; `None` when incidents were not asked for.
    pub incidents: Option<Vec<Incident>>,
}

/// Reads every monitor (all pages), the titles of targets the monitors do not label, the
/// latest measurement of monitors that lack a last value, and (with `incidents`) every
/// incident.
///
/// # Errors
/// The first failed call.
pub(crate) async fn read(
    client: &Client,
    incidents: bool,
    concurrency: usize,
) -> Result<Observed, ApiError> {
    let concurrency = concurrency.max(1);
    let all_incidents = async {
        if incidents {
            client.list_incidents().try_collect().await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (monitors, incidents) = tokio::try_join!(
        client.list_monitors().try_collect::<Vec<_>>(),
        all_incidents
    )?;
    let unlabelled: HashSet<Id> = monitors
        .iter()
        .filter(|m| target_label(m).is_none())
        .filter_map(|m| m.target.clone())
        .collect();
    let unlabelled: Vec<Id> = unlabelled.into_iter().collect();
    let titles = async {
        crate::workspace::catalog_by_ids(client, &unlabelled, concurrency)
            .await
            .map(|rs| {
                rs.into_iter()
                    .map(|r| (r.id, r.title_full))
                    .collect::<HashMap<_, _>>()
            })
    };
    let latest = futures::stream::iter(
        monitors
            .iter()
            .filter(|m| m.last_measurement_value.is_none()),
    )
    .map(|m| async move {
        let filter = MeasurementFilter {
            monitor: Some(m.id.clone()),
            ..MeasurementFilter::default()
        };
        let latest = client
            .list_measurements(&filter)
            .try_fold(None, |best, x| async move { Ok(later(best, x)) })
            .await?;
        Ok::<_, ApiError>(latest.map(|x| (m.id.clone(), x)))
    })
    .buffer_unordered(concurrency)
    .try_filter_map(|x| async move { Ok(x) })
    .try_collect::<HashMap<_, _>>();
    let (titles, latest) = tokio::try_join!(titles, latest)?;
    Ok(Observed {
        monitors,
        titles,
        latest,
        incidents,
    })
}

/// Of the best so far and the next measurement, the one with a value taken last (by
/// `created_at`; RFC 3339 UTC strings sort in time order). Folded over the pages, so a
/// monitor's whole history is never held at once.
fn later(best: Option<Measurement>, next: Measurement) -> Option<Measurement> {
    match best {
        _ if next.value.is_none() => best,
        Some(b) if b.created_at >= next.created_at => Some(b),
        _ => Some(next),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_measurement_with_a_value_wins_whatever_the_page_order() {
        let m = |value: Option<f64>, at: &str| Measurement {
            value,
            created_at: Some(at.into()),
            ..Measurement::default()
        };
        let pages = [
            m(Some(1.0), "2026-01-02T00:00:00Z"),
            m(None, "2026-01-04T00:00:00Z"),
            m(Some(3.0), "2026-01-03T00:00:00Z"),
            m(Some(0.5), "2026-01-01T00:00:00Z"),
        ];
        let latest = pages.into_iter().fold(None, later).unwrap();
        assert_eq!(latest.value, Some(3.0), "no value is no measurement");
        assert_eq!(later(None, m(None, "2026-01-05T00:00:00Z")), None);
    }
}
