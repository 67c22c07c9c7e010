//! The executor: walks a plan's dependency graph as a ready-queue and makes each change with
//! exactly one write, running independent changes concurrently.
//!
//! A change is ready when the changes it depends on are done: a create waits for its pending
//! parent's create (whose returned id it then uses), an event delete waits for the deletes of
//! its properties. A failed change marks everything that depends on it skipped; independent
//! work goes on. Pacing and retries belong to the client behind `send`.

use super::cancel::{Cancel, Stage};
use super::progress::Progress;
use super::report::{Failure, Made, NotMade, Outcome, Report};
use super::write::{write_for, WriteCall};
use crate::api::Id;
use crate::output::count;
use crate::plan::fidelity::Ledger;
use crate::plan::{Action, Change, Kind, ParentRef, Plan, PlanValue};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;

/// How to run a plan.
#[derive(Debug)]
pub struct ExecOptions<'a> {
    /// The integration creates belong to.
    pub integration: &'a Id,
    /// Changes in flight at once (the client paces and caps the calls themselves).
    pub concurrency: usize,
    /// Stops the run early.
    pub cancel: &'a Cancel,
    /// Where progress goes.
    pub progress: &'a Progress,
    /// Property writes carrying a tracking field the workspace refused or dropped are held.
    pub ledger: &'a Ledger,
}

/// Makes every write of `plan` (creates, updates, unblocked deletes) through `send`, which
/// makes one API call per write and returns the resource's id (the new one for a create), or
/// what it adopted instead; a write it refuses as `NotMade::Stopped` is not started, and
/// the run then starts nothing more.
///
/// The plan is consumed: its changes move into the report rather than being copied, which
/// matters at 100,000 changes.
pub async fn execute<F, Fut, M, E>(plan: Plan, opts: &ExecOptions<'_>, send: F) -> Report
where
    F: Fn(WriteCall) -> Fut,
    Fut: Future<Output = Result<M, E>>,
    M: Into<Made>,
    E: Into<NotMade>,
{
    let owned: Vec<Change> = plan
        .changes
        .into_iter()
        .filter(|c| c.action.is_write() && !c.is_blocked())
        .collect();
    let changes: Vec<&Change> = owned.iter().collect();
    let mut graph = Graph::new(&changes);
    let mut outcomes: Vec<Option<Outcome>> = vec![None; changes.len()];
    for (i, err) in std::mem::take(&mut graph.broken) {
        settle(
            &changes,
            &graph,
            &mut outcomes,
            opts.progress,
            i,
            Outcome::Failed(err),
        );
    }
    let mut ready: VecDeque<usize> = (0..changes.len())
        .filter(|&i| graph.waits[i] == 0 && outcomes[i].is_none())
        .collect();

    let start = |i: usize, w: WriteCall| {
        let fut = send(w);
        async move { (i, fut.await) }
    };
    let mut in_flight = FuturesUnordered::new();
    let mut flying: HashSet<usize> = HashSet::new();
    let concurrency = opts.concurrency.max(1);
    let mut stopping = false;
    let mut aborted = false;
    let mut refused = false;
    loop {
        // Checked before starting anything: a call that just finished may have raced a Ctrl-C.
        if !stopping && (refused || opts.cancel.stage() >= Stage::Stopping) {
            stopping = true;
            opts.progress.note(&format!(
                "Stopping: waiting for {} in flight (Ctrl-C again to abandon them)",
                count(in_flight.len(), "change", "changes")
            ));
        }
        while !stopping && in_flight.len() < concurrency {
            let Some(i) = ready.pop_front() else { break };
            if let Some(why) = opts.ledger.holds(changes[i]) {
                settle(
                    &changes,
                    &graph,
                    &mut outcomes,
                    opts.progress,
                    i,
                    Outcome::Held(why),
                );
                continue;
            }
            let parent = match (&changes[i].parent, graph.parent[i]) {
                (_, Some(p)) => match &outcomes[p] {
                    Some(Outcome::Done(id) | Outcome::Adopted(id)) => Some(id.clone()),
                    _ => None,
                },
                (Some(ParentRef::Id(id)), None) => Some(id.clone()),
                _ => None,
            };
            let filled;
            let change = if graph.tags[i].is_empty() {
                changes[i]
            } else {
                filled = with_created_tags(changes[i], &graph.tags[i], &changes, &outcomes);
                &filled
            };
            match write_for(change, opts.integration, parent) {
                Ok(w) => {
                    flying.insert(i);
                    in_flight.push(start(i, w));
                }
                Err(e) => {
                    settle(
                        &changes,
                        &graph,
                        &mut outcomes,
                        opts.progress,
                        i,
                        Outcome::Failed(e.into()),
                    );
                }
            }
        }
        if in_flight.is_empty() {
            break;
        }
        let next_stage = if stopping {
            Stage::Aborting
        } else {
            Stage::Stopping
        };
        tokio::select! {
            biased;
            Some((i, result)) = in_flight.next() => {
                flying.remove(&i);
                let outcome = match result.map(Into::into).map_err(Into::into) {
                    Ok(Made::Adopted(id)) => Outcome::Adopted(id),
                    Ok(Made::Written(id)) => match id.or_else(|| changes[i].id.clone()) {
                        Some(id) => Outcome::Done(id),
                        None => Outcome::Failed(Failure::NoId),
                    },
                    Err(NotMade::Failed(e)) => Outcome::Failed(e),
                    Err(NotMade::Stopped) => {
                        // Not started: left for the end, where it is reported not done.
                        refused = true;
                        continue;
                    }
                };
                let done = outcome.is_made();
                settle(&changes, &graph, &mut outcomes, opts.progress, i, outcome);
                if done {
                    for &j in &graph.dependants[i] {
                        graph.waits[j] -= 1;
                        if graph.waits[j] == 0 && outcomes[j].is_none() {
                            ready.push_back(j);
                        }
                    }
                }
            }
            () = opts.cancel.reached(next_stage) => {
                // Reaching `Stopping` is handled at the top of the loop.
                if next_stage == Stage::Aborting {
                    aborted = true;
                    break;
                }
            }
        }
    }
    drop(in_flight);
    opts.progress.finish();
    drop(changes);
    let entries = owned
        .into_iter()
        .zip(outcomes)
        .enumerate()
        .map(|(i, (c, o))| {
            let o = o.unwrap_or(if aborted && flying.contains(&i) {
                Outcome::Aborted
            } else {
                Outcome::NotStarted
            });
            (c, o)
        })
        .collect();
    Report {
        entries,
        interrupted: opts.cancel.stage() > Stage::Running,
        lease_lost: None,
    }
}

/// Records an outcome; a change that was not done makes its dependants (transitively) skipped.
fn settle(
    changes: &[&Change],
    graph: &Graph,
    outcomes: &mut [Option<Outcome>],
    progress: &Progress,
    i: usize,
    outcome: Outcome,
) {
    progress.finished(changes[i], &outcome);
    let failed = !outcome.is_made();
    outcomes[i] = Some(outcome);
    if !failed {
        return;
    }
    let because = changes[i].key.clone();
    let mut queue: VecDeque<usize> = graph.dependants[i].iter().copied().collect();
    while let Some(j) = queue.pop_front() {
        if outcomes[j].is_some() {
            continue;
        }
        let o = Outcome::Skipped(because.clone());
        progress.finished(changes[j], &o);
        outcomes[j] = Some(o);
        queue.extend(graph.dependants[j].iter().copied());
    }
}

/// `change` with each placeholder of a tag created in this run (`tags`: those creates, all
/// done) replaced by the created tag's id.
fn with_created_tags(
    change: &Change,
    tags: &[usize],
    changes: &[&Change],
    outcomes: &[Option<Outcome>],
) -> Change {
    let ids: HashMap<Id, Id> = tags
        .iter()
        .filter_map(|&t| match &outcomes[t] {
            Some(Outcome::Done(id) | Outcome::Adopted(id)) => {
                Some((Id::pending_tag(changes[t].key.title()), id.clone()))
            }
            _ => None,
        })
        .collect();
    let mut filled = change.clone();
    for f in &mut filled.fields {
        if let PlanValue::Ids(list) = &mut f.after {
            for id in list.iter_mut() {
                if let Some(real) = ids.get(id) {
                    *id = real.clone();
                }
            }
        }
    }
    filled
}

/// The names of the tags `c` carries that are to be created in this run.
fn pending_tags(c: &Change) -> impl Iterator<Item = &str> {
    c.fields.iter().flat_map(|f| match &f.after {
        PlanValue::Ids(ids) => ids.iter().filter_map(Id::pending_tag_name).collect(),
        _ => Vec::new(),
    })
}

/// Dependencies between the executable changes of a plan.
struct Graph {
    /// Unfinished dependencies per change.
    waits: Vec<usize>,
    /// Changes waiting on each change.
    dependants: Vec<Vec<usize>>,
    /// The change creating each create's parent, when it is created in this run.
    parent: Vec<Option<usize>>,
    /// The tag creates of this run each change carries the tag of.
    tags: Vec<Vec<usize>>,
    /// Changes that cannot run at all, with why.
    broken: Vec<(usize, Failure)>,
}

impl Graph {
    fn new(changes: &[&Change]) -> Self {
        let n = changes.len();
        let mut g = Self {
            waits: vec![0; n],
            dependants: vec![Vec::new(); n],
            parent: vec![None; n],
            tags: vec![Vec::new(); n],
            broken: Vec::new(),
        };
        let creates: HashMap<String, usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.action == Action::Create && c.kind != Kind::Tag)
            .map(|(i, c)| (c.key.to_string(), i))
            .collect();
        let tag_creates: HashMap<&str, usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.action == Action::Create && c.kind == Kind::Tag)
            .map(|(i, c)| (c.key.title(), i))
            .collect();
        // A change carrying a tag created in this run waits for that create.
        for (j, c) in changes.iter().enumerate() {
            for name in pending_tags(c) {
                match tag_creates.get(name) {
                    Some(&i) if i != j => {
                        if !g.tags[j].contains(&i) {
                            g.tags[j].push(i);
                            g.dependants[i].push(j);
                            g.waits[j] += 1;
                        }
                    }
                    _ => {
                        if !g.broken.iter().any(|(b, _)| *b == j) {
                            g.broken.push((j, Failure::NoTag(name.to_owned())));
                        }
                    }
                }
            }
        }
        let deletes: HashMap<&crate::plan::Key, usize> = changes
            .iter()
            .enumerate()
            .filter(|(_, c)| c.action == Action::Delete)
            .map(|(i, c)| (&c.key, i))
            .collect();
        for (j, c) in changes.iter().enumerate() {
            match (c.action, &c.parent) {
                (Action::Create, Some(ParentRef::Pending(k))) => match creates.get(k) {
                    Some(&i) if i != j => {
                        g.parent[j] = Some(i);
                        g.dependants[i].push(j);
                        g.waits[j] += 1;
                    }
                    _ if g.broken.iter().any(|(b, _)| *b == j) => {}
                    _ => g.broken.push((j, Failure::NoParent(k.clone()))),
                },
                (Action::Delete, _) => {
                    // A parent's delete waits for its children's deletes.
                    if let Some(&parent) = c.key.parent().as_ref().and_then(|p| deletes.get(p)) {
                        g.dependants[j].push(parent);
                        g.waits[parent] += 1;
                    }
                }
                _ => {}
            }
        }
        g
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testutil::plan_of;
    use crate::plan::Key;
    use std::sync::Mutex;

    fn change(action: Action, key: Key, parent: Option<ParentRef>) -> Change {
        let label = key.title().to_owned();
        Change {
            id: (action != Action::Create).then(|| Id(format!("id-{key}"))),
            parent,
            ..Change::new(action, key, label)
        }
    }

    fn cat(c: &str) -> Key {
        Key::Category(c.into())
    }
    fn ev(c: &str, e: &str) -> Key {
        Key::Event(c.into(), e.into())
    }
    fn prop(c: &str, e: &str, p: &str) -> Key {
        Key::Property(c.into(), e.into(), p.into())
    }

    /// Creates of category `C`, its event `E` and that event's property `p`, each parent
    /// pending.
    fn create_chain() -> Vec<Change> {
        vec![
            change(Action::Create, cat("C"), None),
            change(
                Action::Create,
                ev("C", "E"),
                Some(ParentRef::Pending("C".into())),
            ),
            change(
                Action::Create,
                prop("C", "E", "p"),
                Some(ParentRef::Pending("C/E".into())),
            ),
        ]
    }

    async fn run(plan: Plan, cancel: &Cancel, fail_title: &str) -> (Report, Vec<WriteCall>) {
        let calls = Mutex::new(Vec::new());
        let progress = Progress::hidden();
        let opts = ExecOptions {
            integration: &Id::from("int"),
            concurrency: 1,
            cancel,
            progress: &progress,
            ledger: &Ledger::new(),
        };
        let report = execute(plan, &opts, |w: WriteCall| {
            calls.lock().unwrap().push(w.clone());
            let fail = match &w {
                WriteCall::Create(_, b) => b.title.as_deref() == Some(fail_title),
                _ => false,
            };
            let cancel = cancel.clone();
            async move {
                if fail_title == "cancel" {
                    cancel.request();
                }
                if fail {
                    return Err(Failure::Api("500 boom".to_owned()));
                }
                Ok(match w {
                    WriteCall::Create(_, b) => Some(Id(format!("new-{}", b.title.unwrap()))),
                    WriteCall::CreateTag(t) => Some(Id(format!("new-tag-{}", t.name.unwrap()))),
                    _ => None,
                })
            }
        })
        .await;
        (report, calls.into_inner().unwrap())
    }

    #[tokio::test]
    async fn creates_fill_pending_parents_with_returned_ids() {
        let p = plan_of(create_chain());
        let (report, calls) = run(p, &Cancel::new(), "").await;
        assert!(report.is_complete());
        let parents: Vec<_> = calls
            .iter()
            .map(|w| match w {
                WriteCall::Create(_, b) => b.parent.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            parents,
            vec![None, Some(Id::from("new-C")), Some(Id::from("new-E"))]
        );
    }

    /// An event create carrying the tag `v2` the plan creates, listed before that create.
    fn tagged_event_then_tag() -> Vec<Change> {
        let mut ev = change(
            Action::Create,
            ev("C", "E"),
            Some(ParentRef::Id(Id::from("cat"))),
        );
        ev.fields = vec![crate::plan::FieldChange::new(
            crate::plan::FieldName::parse("tags"),
            PlanValue::Null,
            PlanValue::Ids(vec![Id::from("t-core"), Id::pending_tag("v2")]),
        )];
        vec![ev, change(Action::Create, Key::Tag("v2".into()), None)]
    }

    #[tokio::test]
    async fn a_tag_create_runs_first_and_fills_the_placeholder_of_its_users() {
        let p = plan_of(tagged_event_then_tag());
        let (report, calls) = run(p, &Cancel::new(), "").await;
        assert!(report.is_complete());
        assert!(matches!(calls[0], WriteCall::CreateTag(_)), "{calls:?}");
        let WriteCall::Create(_, body) = &calls[1] else {
            panic!("{calls:?}")
        };
        assert_eq!(
            body.tags,
            Some(vec![Id::from("t-core"), Id::from("new-tag-v2")])
        );
    }

    #[tokio::test]
    async fn a_placeholder_of_a_tag_no_change_creates_fails_its_user_before_any_call() {
        let mut changes = tagged_event_then_tag();
        changes.pop();
        let (report, calls) = run(plan_of(changes), &Cancel::new(), "").await;
        assert!(calls.is_empty(), "{calls:?}");
        assert_eq!(
            report.entries[0].1,
            Outcome::Failed(Failure::NoTag("v2".into()))
        );
    }

    #[tokio::test]
    async fn a_failed_create_skips_its_subtree_and_nothing_else() {
        let mut changes = create_chain();
        changes.push(change(Action::Update, ev("D", "F"), None));
        let p = plan_of(changes);
        let (report, calls) = run(p, &Cancel::new(), "E").await;
        let outcomes: Vec<_> = report.entries.iter().map(|(_, o)| o.clone()).collect();
        assert_eq!(outcomes[0], Outcome::Done(Id::from("new-C")));
        assert_eq!(
            outcomes[1],
            Outcome::Failed(Failure::Api("500 boom".into()))
        );
        assert_eq!(outcomes[2], Outcome::Skipped(ev("C", "E")));
        assert_eq!(outcomes[3], Outcome::Done(Id::from("id-D/F")));
        assert_eq!(calls.len(), 3, "the skipped property made no call");
        let c = report.counts();
        assert_eq!((c.created, c.updated, c.failed, c.skipped), (1, 1, 1, 1));
    }

    #[tokio::test]
    async fn property_deletes_run_before_their_event_delete() {
        let p = plan_of(vec![
            change(Action::Delete, ev("C", "E"), None),
            change(Action::Delete, prop("C", "E", "a"), None),
            change(Action::Delete, prop("C", "E", "b"), None),
        ]);
        let (report, calls) = run(p, &Cancel::new(), "").await;
        assert!(report.is_complete());
        assert_eq!(
            calls.last(),
            Some(&WriteCall::Delete(
                crate::apply::write::Editable::Event,
                Id::from("id-C/E")
            ))
        );
    }

    #[tokio::test]
    async fn cancel_lets_the_call_in_flight_finish_and_starts_nothing_new() {
        let p = plan_of(vec![
            change(Action::Update, ev("C", "A"), None),
            change(Action::Update, ev("C", "B"), None),
            change(Action::Update, ev("C", "C"), None),
        ]);
        let (report, calls) = run(p, &Cancel::new(), "cancel").await;
        assert_eq!(calls.len(), 1);
        assert!(report.interrupted);
        let outcomes: Vec<_> = report.entries.iter().map(|(_, o)| o.clone()).collect();
        assert_eq!(
            outcomes,
            vec![
                Outcome::Done(Id::from("id-C/A")),
                Outcome::NotStarted,
                Outcome::NotStarted
            ]
        );
        let mut text = Vec::new();
        report.render_text(&mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("Interrupted: 1 of 3 changes done, 2 not done."),
            "{text}"
        );
        assert!(text.contains("not done: update event C/B"), "{text}");
    }

    #[tokio::test]
    async fn unsupported_and_blocked_changes_are_never_written() {
        let mut blocked = change(Action::Delete, ev("C", "X"), None);
        blocked.blocked = Some(crate::plan::Block::Cap);
        let p = plan_of(vec![change(Action::Unsupported, cat("C"), None), blocked]);
        let (report, calls) = run(p, &Cancel::new(), "").await;
        assert!(calls.is_empty());
        assert!(report.entries.is_empty());
    }

    #[tokio::test]
    async fn a_second_cancel_abandons_calls_in_flight() {
        let p = plan_of(vec![
            change(Action::Update, ev("C", "A"), None),
            change(Action::Update, ev("C", "B"), None),
        ]);
        let cancel = Cancel::new();
        let progress = Progress::hidden();
        let opts = ExecOptions {
            integration: &Id::from("int"),
            concurrency: 1,
            cancel: &cancel,
            progress: &progress,
            ledger: &Ledger::new(),
        };
        let report = execute(p, &opts, |_w: WriteCall| {
            let cancel = cancel.clone();
            async move {
                cancel.request();
                cancel.request();
                // The server never answers.
                std::future::pending::<Result<Option<Id>, Failure>>().await
            }
        })
        .await;
        let outcomes: Vec<_> = report.entries.iter().map(|(_, o)| o.clone()).collect();
        assert_eq!(outcomes, vec![Outcome::Aborted, Outcome::NotStarted]);
        assert!(report.interrupted);
        assert_eq!(report.counts().not_done, 2);
    }

    #[tokio::test]
    async fn json_result_lists_every_change_with_status_and_id() {
        let p = plan_of(vec![
            change(Action::Create, cat("C"), None),
            change(
                Action::Create,
                ev("C", "E"),
                Some(ParentRef::Pending("C".into())),
            ),
        ]);
        let (report, _) = run(p, &Cancel::new(), "C").await;
        let doc = crate::apply::ApplyDocument::from(&crate::apply::ApplyOutcome::from(report));
        let v = serde_json::to_value(doc).unwrap();
        assert_eq!(v["complete"], false);
        assert_eq!(v["summary"]["failed"], 1);
        assert_eq!(v["summary"]["skipped"], 1);
        assert_eq!(v["changes"][0]["status"], "failed");
        assert_eq!(v["changes"][0]["error"], "500 boom");
        assert_eq!(v["changes"][1]["status"], "skipped");
        assert_eq!(v["changes"][1]["skipped_because"], "C");
    }
}
