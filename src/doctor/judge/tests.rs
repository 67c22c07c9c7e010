use super::*;
use crate::api::Id;
use serde_json::json;

fn answer(path: &str, status: Option<u16>) -> Answer {
    Answer {
        path: path.into(),
        status,
        ms: 1.0,
        json: true,
        location: None,
        error: None,
    }
}

fn endpoint(name: &str, plain: Option<u16>, slash: Option<u16>) -> EndpointCheck {
    EndpointCheck {
        name: name.into(),
        path: format!("/api/v1/{name}"),
        sent: "plain".into(),
        plain: answer(&format!("/api/v1/{name}"), plain),
        slash: answer(&format!("/api/v1/{name}/"), slash),
    }
}

fn integration(id: &str, name: &str) -> Integration {
    Integration {
        id: Id::from(id),
        name: name.into(),
        integration_type: name.to_lowercase(),
    }
}

#[test]
fn a_list_answering_only_with_the_slash_fails_and_names_the_flag() {
    let f = endpoints(&[endpoint("categories", Some(404), Some(200))]);
    assert_eq!(f[0].level, FindingLevel::Fail);
    assert!(f[0].message.contains("pass --trailing-slash"), "{f:?}");
    let f = endpoints(&[endpoint("tags", Some(404), Some(404))]);
    assert_eq!(
        f[0].level,
        FindingLevel::Warn,
        "tags are needed only by manifests naming tags"
    );
    let f = endpoints(&[endpoint("tags", Some(200), Some(404))]);
    assert_eq!(f[0].level, FindingLevel::Ok);
    assert!(f[0].message.contains("0 of them also"), "{f:?}");
}

#[test]
fn a_redirect_to_the_other_form_is_a_warning_about_writes() {
    let mut e = endpoint("categories", Some(301), Some(200));
    e.plain.location = Some("/api/v1/categories/".into());
    let f = endpoints(&[e]);
    assert_eq!(f[0].level, FindingLevel::Warn);
    assert!(
        f[0].message.contains("writes are never redirected"),
        "{f:?}"
    );
}

#[test]
fn the_category_filter_is_judged_by_the_categories_own_integration() {
    let all = [
        integration("seg", "Segment"),
        integration("amp", "Amplitude"),
    ];
    let unfiltered = json!({"results": [{"integration": "amp"}]});
    let asked = filter_probe(Some(&unfiltered), &all).unwrap();
    assert_eq!(asked.name, "Segment", "ask for one the list did not show");
    let ignored = category_filter(asked, Some(&json!({"results": [{"integration": "amp"}]})));
    assert_eq!((ignored.honoured, ignored.foreign), (Some(false), 1));
    assert_eq!(category(&ignored, &all).level, FindingLevel::Note);
    let kept = category_filter(asked, Some(&json!({"results": []})));
    assert_eq!(kept.honoured, Some(true));
    let mixed = json!({"results": [{"integration": "amp"}, {"integration": "seg"}]});
    assert_eq!(filter_probe(Some(&mixed), &all).unwrap().name, "Amplitude");
    assert!(filter_probe(Some(&json!({"results": []})), &all).is_none());
}

#[test]
fn events_fall_back_to_the_deprecated_list_and_may_find_it_gone() {
    let check = |r, d| EventsCheck {
        resource_list: answer("/r", Some(r)),
        deprecated_list: answer("/d", Some(d)),
        used: None,
    };
    assert_eq!(events(&check(200, 200), None)[0].level, FindingLevel::Ok);
    let gone = events(&check(200, 410), None);
    assert_eq!(gone[0].level, FindingLevel::Note);
    assert!(gone[0].message.contains("is gone (410)"), "{gone:?}");
    assert_eq!(events(&check(404, 200), None)[0].level, FindingLevel::Warn);
    assert_eq!(events(&check(404, 404), None)[0].level, FindingLevel::Fail);
    let tables = json!({"results": [{"entity_type": "table"}, {"entity_type": "event"}]});
    let f = events(&check(200, 200), Some(&tables));
    assert!(f[1].message.contains("1 of its first page"), "{f:?}");
}

#[test]
fn monitors_must_answer_on_the_api_v1_path() {
    let m = |w, wo| MonitorsCheck {
        with_prefix: answer("/api/v1/monitor/monitors", Some(w)),
        without_prefix: answer("/monitor/monitors", Some(wo)),
    };
    assert_eq!(monitors(&m(200, 404)).level, FindingLevel::Ok);
    assert_eq!(monitors(&m(404, 200)).level, FindingLevel::Fail);
}

#[test]
fn a_plan_estimate_is_paced_by_the_read_rate_or_the_latency() {
    let sized = [IntegrationSeen {
        id: "seg".into(),
        name: "Segment".into(),
        integration_type: "segment".into(),
        events: Some(1000),
        properties: Some(4000),
    }];
    let opts = DoctorOptions {
        read_pace: crate::api::ReadPace::Fixed("10/s".parse().unwrap()),
        concurrency: 8,
        ..DoctorOptions::default()
    };
    // 7 lookup lists of one page, 20 event pages, 80 property pages.
    let l = latency(&[100.0; 10], &opts, &sized, &[Some(3); 7], Some(50));
    let e = &l.plan_estimates[0];
    assert_eq!(e.pages, 107);
    assert_eq!(e.bound_by, "read_rate");
    assert!((e.seconds - 10.7).abs() < 1e-9, "{e:?}");
    let slow = latency(&[2000.0; 10], &opts, &sized, &[Some(3); 7], Some(50));
    assert_eq!(slow.plan_estimates[0].bound_by, "latency");
    let f = latency_finding(&l, &sized);
    assert!(f.message.contains("1000 events, 4000 properties"), "{f:?}");
}
