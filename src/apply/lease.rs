//! The lease that keeps applies to one integration one at a time.
//!
//! Secoda has no lock, idempotency key or conditional write, so the lease is built from what
//! it has: an event titled [`LEASE_TITLE`] in the tool's own category ([`LEASE_HOME_TITLE`]),
//! whose description holds the run id, host, start and expiry. Each contender creates its own
//! lease event, then lists them: the oldest live one by `created_at` (ties by id) wins, and
//! the losers delete theirs. Any list made after a create sees every older create, so every
//! contender agrees on the winner; each lists after a short settle, in case a slower create
//! started before its own. The holder renews the expiry while it runs; a lease
//! not renewed for [`TTL`] is dead and ignored (and removed by the next contender). Only
//! events inside the tool's own category are leases: a user's event of that title elsewhere
//! is the user's. Keeping the lease while the apply runs is [`super::renewal`].

use super::cancel::{Cancel, Stage};
use super::renewal::{Lost, Renewal, Watch};
use crate::api::{ApiError, Client, Id, ListFilter, Rate, Resource, ResourceWrite};
use crate::output::Printer;
use crate::plan::reserved::{
    is_lease, is_lease_home, oldest_lease_home, LeasesSeen, LEASE_HOME_TITLE, LEASE_TITLE,
};
use chrono::{DateTime, SecondsFormat, Utc};
use futures::TryStreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// A lease not renewed for this long is dead: a crashed holder frees the integration within 15
/// minutes.
pub(crate) const TTL: Duration = Duration::from_secs(900);

/// How often the holder renews: every 7 minutes, so that at Secoda's 30 writes a minute the
/// renewals cost under 0.5% of an apply's writes (one per 210), while a failed renewal still
/// leaves 8 minutes of [`TTL`] to retry in.
pub(crate) const RENEW_EVERY: Duration = Duration::from_secs(420);

/// The longest random pause before making the lease category.
const HOME_JITTER_MS: u64 = 1500;

/// How recent a plan's look at the leases (one that found none live) must be to stand in for
/// the apply's first look. An older one would only make a lost race likelier (a create and a
/// delete), never a second holder: the look after the settle decides.
const SEEN_FRESH: Duration = Duration::from_secs(10);

/// How a contender takes the lease.
#[derive(Debug, Clone)]
pub struct LeaseOptions {
    /// The integration the lease is for.
    pub integration: Id,
    /// How long to wait for a live lease to go (`--lock-timeout`; zero = fail at once).
    pub timeout: Duration,
    /// How often to look again while waiting.
    pub poll: Duration,
    /// Pause between a contender's create and its look for the winner.
    pub settle: Duration,
    /// How often the holder renews (`RENEW_EVERY`).
    pub renew_every: Duration,
    /// How long a lease lives unless renewed (`TTL`).
    pub ttl: Duration,
    /// The lease home and leases the plan's read found (its first look, when recent).
    pub seen: Option<LeasesSeen>,
}

impl LeaseOptions {
    /// Options for `integration`, waiting up to `timeout`.
    #[must_use]
    pub fn new(integration: Id, timeout: Duration) -> Self {
        Self {
            integration,
            timeout,
            poll: Duration::from_secs(2),
            settle: Duration::from_millis(300),
            renew_every: RENEW_EVERY,
            ttl: TTL,
            seen: None,
        }
    }

    /// The same options with other lease timings (tests shorten them to seconds).
    ///
    /// # Errors
    /// When the renewal interval is zero or does not fit well inside the time to live (at
    /// most half of it), which would let the lease lapse between renewals.
    pub fn with_timings(mut self, ttl: Duration, renew_every: Duration) -> Result<Self, String> {
        if renew_every.is_zero() || renew_every * 2 > ttl {
            return Err(format!(
                "the lease renewal interval ({}s) must be more than zero and at most half its \
                 time to live ({}s)",
                renew_every.as_secs(),
                ttl.as_secs()
            ));
        }
        self.ttl = ttl;
        self.renew_every = renew_every;
        Ok(self)
    }
}

/// Why the lease could not be taken or kept.
#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    /// Another run holds a live lease (after `--lock-timeout`, if one was given).
    #[error(
        "another apply holds the lease: run {run}, started {started} on {host} (wait for it \
         with --lock-timeout 10m; if that run died, `secoda-sync unlock {unlock}` removes its \
         lease, or it expires 15 minutes after its last renewal)"
    )]
    Held {
        /// The holder's run id.
        run: String,
        /// What `unlock` takes to remove it: the run id, or the event id of a lease whose
        /// description cannot be read.
        unlock: String,
        /// When it started.
        started: String,
        /// Where it runs.
        host: String,
    },
    /// Ctrl-C while waiting for the lease.
    #[error("interrupted while waiting for the lease: nothing was written")]
    Interrupted,
    /// The lease category was created but the category list does not show it.
    #[error("the `secoda-sync` category made to hold the lease is not listed by the API")]
    HomeMissing,
    /// A call failed.
    #[error("could not take the lease on the integration: {0}")]
    Api(#[from] ApiError),
}

/// What a lease event's description says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Holder {
    /// The run id (what `unlock` takes).
    pub run: String,
    /// The host the run is on.
    pub host: String,
    /// When it started (RFC 3339).
    pub started: String,
    /// When it expires unless renewed (RFC 3339).
    pub expires: String,
}

impl Holder {
    /// The description written on the lease event.
    #[must_use]
    pub(crate) fn description(&self) -> String {
        format!(
            "secoda-sync apply lease: run={} host={} started={} expires={}. Held while an apply \
             writes to this integration; removed when it ends.",
            self.run, self.host, self.started, self.expires
        )
    }

    /// Reads a description written by [`Holder::description`].
    #[must_use]
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let field = |name: &str| {
            text.split_whitespace()
                .find_map(|w| w.strip_prefix(name)?.strip_prefix('='))
                .map(|v| v.trim_end_matches('.').to_owned())
        };
        Some(Self {
            run: field("run")?,
            host: field("host")?,
            started: field("started")?,
            expires: field("expires")?,
        })
    }
}

/// A lease event as listed.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub(super) id: Id,
    pub(super) created_at: String,
    pub(super) holder: Option<Holder>,
    pub(super) updated_at: String,
}

impl Seen {
    fn of(r: Resource) -> Self {
        Self {
            holder: Holder::parse(&r.description),
            id: r.id,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }

    /// Dead: its expiry passed (an unreadable description counts from its last update).
    fn expired(&self, now: DateTime<Utc>, ttl: Duration) -> bool {
        let expires = self
            .holder
            .as_ref()
            .and_then(|h| time(&h.expires))
            .or_else(|| time(&self.updated_at).map(|t| t + ttl));
        expires.is_some_and(|e| e < now)
    }

    /// Order of precedence: oldest `created_at`, then id.
    fn rank(&self) -> (Option<DateTime<Utc>>, &str, &str) {
        (time(&self.created_at), &self.created_at, self.id.as_str())
    }

    fn held(&self) -> LeaseError {
        let unlock = match &self.holder {
            Some(h) => h.run.clone(),
            None => self.id.to_string(),
        };
        let h = self.holder.clone().unwrap_or_else(|| Holder {
            run: format!("(unreadable lease event {})", self.id),
            host: "an unknown host".into(),
            started: self.created_at.clone(),
            expires: String::new(),
        });
        LeaseError::Held {
            unlock,
            run: h.run,
            started: h.started,
            host: h.host,
        }
    }
}

fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

pub(super) fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// An expiry as written in the lease: rounded up to the whole second, never down. Rounded
/// down it could name a moment before the holder's own deadline, and then the holder, looking
/// at its lease before a write, would take it for a dead one and delete it.
pub(super) fn expiry_stamp(t: DateTime<Utc>) -> String {
    stamp(t + chrono::Duration::nanoseconds(999_999_999))
}

/// A held lease: renewed in the background until [`Lease::release`].
#[derive(Debug)]
pub struct Lease {
    /// The lease event.
    pub id: Id,
    /// This run's id.
    pub run: String,
    client: Client,
    watch: Arc<Watch>,
    renewer: tokio::task::JoinHandle<()>,
}

impl Lease {
    /// Why the lease was lost while running, if it was: the apply was then stopped.
    #[must_use]
    pub fn lost(&self) -> Option<Lost> {
        self.watch.lost()
    }

    /// What the run knows about its lease: the pre-write check and the stop token.
    #[must_use]
    pub fn watch(&self) -> Arc<Watch> {
        self.watch.clone()
    }

    /// Stops renewing a lease that is no longer this run's, without touching its event.
    pub fn abandon(self) {
        self.renewer.abort();
    }

    /// Gives the lease back (one DELETE).
    ///
    /// # Errors
    /// When the DELETE fails; the lease then expires on its own.
    pub async fn release(self) -> Result<(), ApiError> {
        self.renewer.abort();
        self.client.delete_event(&self.id).await
    }
}

/// Writes the lease costs an apply of `change_writes` writes at `rate`: its create and delete,
/// plus a renewal every [`RENEW_EVERY`] of the apply's duration; none when nothing is written.
/// (The first apply on an integration also creates the lease's category, once.)
#[must_use]
pub(crate) fn planned_writes(change_writes: usize, rate: Rate) -> usize {
    if change_writes == 0 {
        return 0;
    }
    let eta = rate.time_for(change_writes + 2);
    let renewals = eta.as_secs() / RENEW_EVERY.as_secs();
    2 + usize::try_from(renewals).unwrap_or(usize::MAX - 2)
}

/// Lists the integration's lease events: those of that title in the lease category `home`
/// (`None`: in any category, for a look made while the category is still being found).
async fn list_leases(
    client: &Client,
    integration: &Id,
    home: Option<&Id>,
) -> Result<Vec<Resource>, ApiError> {
    let filter = ListFilter {
        integration_id: Some(integration.clone()),
        title: Some(LEASE_TITLE.to_owned()),
        parent_id: home.cloned(),
    };
    client
        .list_events(&filter)
        .try_filter(|r| std::future::ready(is_lease(r, integration)))
        .try_collect()
        .await
}

/// The lease events among `listed` that are in the lease category `home`.
fn in_home(listed: Vec<Resource>, home: &Id) -> Vec<Seen> {
    listed
        .into_iter()
        .filter(|r| r.parent.as_ref() == Some(home))
        .map(Seen::of)
        .collect()
}

/// The live leases (the dead ones are removed, best effort) sorted oldest first.
pub(super) async fn live_leases(
    client: &Client,
    integration: &Id,
    home: &Id,
    ttl: Duration,
) -> Result<Vec<Seen>, ApiError> {
    let listed = list_leases(client, integration, Some(home)).await?;
    Ok(live_of(client, in_home(listed, home), ttl).await)
}

/// The live ones of `leases` (the dead ones are removed, best effort), oldest first.
async fn live_of(client: &Client, leases: Vec<Seen>, ttl: Duration) -> Vec<Seen> {
    let now = Utc::now();
    let (dead, mut live): (Vec<Seen>, Vec<Seen>) =
        leases.into_iter().partition(|s| s.expired(now, ttl));
    for d in dead {
        let _ = client.delete_event(&d.id).await;
    }
    live.sort_by(|a, b| a.rank().cmp(&b.rank()));
    live
}

/// The integration's lease category: the oldest of that title, made when there is none.
pub(super) async fn home(client: &Client, integration: &Id) -> Result<Id, LeaseError> {
    let find = || async {
        // The category list documents only `title`; the integration is checked here.
        let filter = ListFilter {
            title: Some(LEASE_HOME_TITLE.to_owned()),
            ..ListFilter::default()
        };
        let found: Vec<Resource> = client.list_categories(&filter).try_collect().await?;
        Ok::<_, ApiError>(oldest_lease_home(&found, integration).map(|r| r.id.clone()))
    };
    if let Some(id) = find().await? {
        return Ok(id);
    }
    // Categories cannot be deleted, so two first applies racing here would each leave one;
    // a random pause and a second look (once per integration, ever) make that rare.
    let pause = Duration::from_millis(rand::random::<u64>() % HOME_JITTER_MS);
    tokio::time::sleep(pause).await;
    if let Some(id) = find().await? {
        return Ok(id);
    }
    let body = ResourceWrite {
        title: Some(LEASE_HOME_TITLE.to_owned()),
        integration: Some(integration.clone()),
        ..ResourceWrite::default()
    };
    match client.create_category(&body).await {
        Ok(_) => {}
        // The create may have landed; the look below tells.
        Err(e) if e.is_ambiguous() => {}
        Err(e) => return Err(e.into()),
    }
    // Two first applies may both have made one: all of them use the oldest.
    find().await?.ok_or(LeaseError::HomeMissing)
}

/// This machine's name, for the lease's description.
fn host_name() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && !h.contains(char::is_whitespace))
        .unwrap_or_else(|| "unknown-host".to_owned())
}

/// The plan's look at the leases when it may stand in for the apply's first: under
/// [`SEEN_FRESH`] old and with no lease live at `now`.
fn plans_look(opts: &LeaseOptions, now: DateTime<Utc>) -> Option<&LeasesSeen> {
    opts.seen.as_ref().filter(|s| {
        s.read_at.elapsed() < SEEN_FRESH
            && in_home(s.leases.clone(), &s.home)
                .iter()
                .all(|l| l.expired(now, opts.ttl))
    })
}

/// Takes the lease on the integration, waiting up to `opts.timeout` for a live one to go.
///
/// Failed renewals are warned about on `printer`.
///
/// # Errors
/// `LeaseError::Held` when another run keeps it past the timeout, `Interrupted` on Ctrl-C,
/// or a failed call.
pub async fn acquire(
    client: &Client,
    opts: &LeaseOptions,
    cancel: &Cancel,
    printer: &Printer,
) -> Result<Lease, LeaseError> {
    let deadline = Instant::now() + opts.timeout;
    let integration = &opts.integration;
    // The first look at the leases is the plan's, when it is recent and found none live (a
    // lease it saw may be gone by now: that is for a look of our own to tell); else it is
    // made while the category is found, and read for the category once it is. Either way a
    // lease created since is one ours races with, which the look after the settle decides.
    let (mut home_id, first_look) = match plans_look(opts, Utc::now()) {
        Some(seen) => (seen.home.clone(), seen.leases.clone()),
        None => {
            let (home_id, first_look) = tokio::join!(
                home(client, integration),
                list_leases(client, integration, None)
            );
            (home_id?, first_look?)
        }
    };
    let mut first_look = Some(first_look);
    let started = Utc::now();
    let mut me = Holder {
        run: uuid::Uuid::new_v4().to_string(),
        host: host_name(),
        started: stamp(started),
        expires: String::new(),
    };
    let mut lost_creates = 0;
    let mut rehomed = 0;
    loop {
        let home = home_id.clone();
        // Waiting costs reads only: no lease of ours is made while another is live.
        let live = match first_look.take() {
            Some(listed) => live_of(client, in_home(listed, &home), opts.ttl).await,
            None => live_leases(client, integration, &home, opts.ttl).await?,
        };
        if let Some(first) = live.first() {
            wait_or_give_up(first, deadline, opts.poll, cancel).await?;
            continue;
        }
        let written = Instant::now();
        me.expires = expiry_stamp(Utc::now() + opts.ttl);
        let body = ResourceWrite {
            title: Some(LEASE_TITLE.to_owned()),
            parent: Some(home.clone()),
            integration: Some(integration.clone()),
            description: Some(me.description()),
            ..ResourceWrite::default()
        };
        let mine = match client.create_event(&body).await {
            Ok(r) => r.id,
            // The answer was lost: the lease may exist all the same, and must not linger.
            Err(e) if e.is_ambiguous() && lost_creates < 3 => {
                lost_creates += 1;
                let leases = list_leases(client, integration, Some(&home)).await?;
                let ours = in_home(leases, &home)
                    .into_iter()
                    .find(|s| s.holder.as_ref().is_some_and(|h| h.run == me.run));
                match ours {
                    Some(s) => s.id,
                    None => continue,
                }
            }
            // The category was deleted (in Secoda's UI) since it was found: find or make it again.
            Err(e) if e.status() == Some(400) && rehomed < 3 => {
                rehomed += 1;
                home_id = self::home(client, integration).await?;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let winner = winner(client, (integration, &home), &mine, opts).await;
        match winner {
            Ok(None) => {
                let ids = (mine.clone(), home.clone(), integration.clone());
                let watch = Watch::new(ids, me.run.clone(), opts.ttl, written);
                let watch = Arc::new(watch);
                let renewal = Renewal {
                    client: client.single_try(),
                    watch: watch.clone(),
                    me: me.clone(),
                    every: opts.renew_every,
                    printer: printer.clone(),
                };
                return Ok(Lease {
                    id: mine,
                    run: me.run,
                    client: client.clone(),
                    renewer: tokio::spawn(renewal.run()),
                    watch,
                });
            }
            Ok(Some(other)) => {
                client.delete_event(&mine).await?;
                wait_or_give_up(&other, deadline, opts.poll, cancel).await?;
            }
            Err(e) => {
                let _ = client.delete_event(&mine).await;
                return Err(e.into());
            }
        }
    }
}

/// `None` when `mine` is the oldest live lease on a look `settle` after its create, else the
/// lease that goes first.
///
/// One look, after the settle, decides: it sees every lease an earlier look would have seen
/// (a lease it no longer shows was given back or died), plus a slower create that started
/// before ours. A look right after the create would only tell a loser sooner, and it cost
/// every winner one read before its first write.
async fn winner(
    client: &Client,
    (integration, home): (&Id, &Id),
    mine: &Id,
    opts: &LeaseOptions,
) -> Result<Option<Seen>, ApiError> {
    tokio::time::sleep(opts.settle).await;
    let live = live_leases(client, integration, home, opts.ttl).await?;
    Ok(live.into_iter().next().filter(|first| &first.id != mine))
}

/// Sleeps one poll before looking again, or gives up (timeout passed, or Ctrl-C).
async fn wait_or_give_up(
    holder: &Seen,
    deadline: Instant,
    poll: Duration,
    cancel: &Cancel,
) -> Result<(), LeaseError> {
    let now = Instant::now();
    if now >= deadline {
        return Err(holder.held());
    }
    tokio::select! {
        () = tokio::time::sleep(poll.min(deadline - now)) => Ok(()),
        () = cancel.reached(Stage::Stopping) => Err(LeaseError::Interrupted),
    }
}

/// What `unlock` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Unlocked {
    /// This many lease events were removed.
    Removed(usize),
    /// No lease of that run (or event id) exists.
    NoLease,
    /// The lease's holder still renews it: nothing was removed (pass `force` to).
    Live {
        /// The holder's run id.
        run: String,
        /// Where it runs.
        host: String,
        /// When it last renewed (RFC 3339).
        renewed: String,
    },
}

/// Removes the lease of run `run` (or the lease event of that id) on any integration
/// (`secoda-sync unlock`). A lease renewed within the last renewal interval and a half
/// (`renew_every`) belongs to a run that is still going: it is removed only with `force`.
///
/// # Errors
/// A failed call.
pub(crate) async fn unlock(
    client: &Client,
    run: &str,
    renew_every: Duration,
    force: bool,
) -> Result<Unlocked, ApiError> {
    let homes = ListFilter {
        title: Some(LEASE_HOME_TITLE.to_owned()),
        ..ListFilter::default()
    };
    let homes: Vec<Id> = client
        .list_categories(&homes)
        .try_filter(|r| std::future::ready(is_lease_home(r)))
        .map_ok(|r| r.id)
        .try_collect()
        .await?;
    let filter = ListFilter {
        title: Some(LEASE_TITLE.to_owned()),
        ..ListFilter::default()
    };
    let found: Vec<Resource> = client.list_events(&filter).try_collect().await?;
    let ours: Vec<Resource> = found
        .into_iter()
        .filter(|r| {
            let held_by_run = Holder::parse(&r.description).is_some_and(|h| h.run == run);
            r.title == LEASE_TITLE
                && r.parent.as_ref().is_some_and(|p| homes.contains(p))
                && (held_by_run || r.id.as_str() == run)
        })
        .collect();
    if !force {
        let fresh = Utc::now() - renew_every * 3 / 2;
        let live = ours
            .iter()
            .find(|r| time(&r.updated_at).is_some_and(|t| t > fresh));
        if let Some(r) = live {
            let h = Holder::parse(&r.description);
            return Ok(Unlocked::Live {
                run: h.as_ref().map_or_else(|| run.to_owned(), |h| h.run.clone()),
                host: h.map_or_else(|| "an unknown host".to_owned(), |h| h.host),
                renewed: r.updated_at.clone(),
            });
        }
    }
    if ours.is_empty() {
        return Ok(Unlocked::NoLease);
    }
    for r in &ours {
        client.delete_event(&r.id).await?;
    }
    Ok(Unlocked::Removed(ours.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_expiry_is_written_rounded_up_to_the_second() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(
            expiry_stamp(at("2026-12-02T06:00:02.100Z")),
            "2026-12-02T06:00:03Z"
        );
        assert_eq!(
            expiry_stamp(at("2026-12-02T06:00:02Z")),
            "2026-12-02T06:00:02Z"
        );
        let written = at("2026-12-02T06:00:02.999Z");
        let seen = Seen {
            id: Id::from("mine"),
            created_at: String::new(),
            updated_at: String::new(),
            holder: Some(Holder {
                run: "r".into(),
                host: "h".into(),
                started: String::new(),
                expires: expiry_stamp(written),
            }),
        };
        assert!(
            !seen.expired(written, Duration::from_secs(300)),
            "a lease is live until the moment its holder computed"
        );
    }

    #[test]
    fn a_description_round_trips_and_names_run_host_start_and_expiry() {
        let h = Holder {
            run: "r-1".into(),
            host: "ci-runner".into(),
            started: "2026-12-02T06:00:00Z".into(),
            expires: "2026-12-02T06:05:00Z".into(),
        };
        assert_eq!(Holder::parse(&h.description()), Some(h));
        assert_eq!(Holder::parse("edited by hand"), None);
    }

    #[test]
    fn expiry_comes_from_the_description_or_else_the_last_update() {
        let now = time("2026-12-02T06:10:00Z").unwrap();
        let seen = |expires: &str, updated: &str| Seen {
            id: Id::from("x"),
            created_at: updated.into(),
            updated_at: updated.into(),
            holder: Holder::parse(&format!("run=r host=h started=s expires={expires}")),
        };
        assert!(seen("2026-12-02T06:09:59Z", "2026-12-02T06:09:00Z").expired(now, TTL));
        assert!(!seen("2026-12-02T06:11:00Z", "2026-12-02T06:00:00Z").expired(now, TTL));
        let mut unreadable = seen("", "2026-12-02T05:56:00Z");
        unreadable.holder = None;
        assert!(!unreadable.expired(now, TTL), "updated 14 minutes ago");
        unreadable.updated_at = "2026-12-02T05:54:00Z".into();
        assert!(unreadable.expired(now, TTL), "updated 16 minutes ago");
    }

    #[test]
    fn the_plans_look_serves_when_recent_and_no_lease_in_it_is_live() {
        let (home, integration) = (Id::from("home"), Id::from("seg"));
        let now = time("2026-12-06T04:00:00Z").unwrap();
        let lease = |expires: &str, parent: &Id| Resource {
            title: LEASE_TITLE.into(),
            parent: Some(parent.clone()),
            integration: Some(integration.clone()),
            description: Holder {
                run: "r".into(),
                host: "h".into(),
                started: "2026-12-06T03:00:00Z".into(),
                expires: expires.into(),
            }
            .description(),
            ..Resource::default()
        };
        let opts = |leases: Vec<Resource>, age: Duration| {
            let mut opts = LeaseOptions::new(integration.clone(), Duration::ZERO);
            opts.seen = Some(LeasesSeen {
                home: home.clone(),
                leases,
                read_at: Instant::now().checked_sub(age).unwrap(),
            });
            opts
        };
        let (live, dead) = ("2026-12-06T04:10:00Z", "2026-12-06T03:50:00Z");
        let elsewhere = Id::from("ops");
        let fresh = Duration::ZERO;
        assert!(plans_look(&opts(Vec::new(), fresh), now).is_some());
        assert!(plans_look(&opts(vec![lease(dead, &home)], fresh), now).is_some());
        assert!(
            plans_look(&opts(vec![lease(live, &elsewhere)], fresh), now).is_some(),
            "a user's event outside the tool's category"
        );
        assert!(
            plans_look(&opts(vec![lease(live, &home)], fresh), now).is_none(),
            "a live lease is looked at again"
        );
        assert!(
            plans_look(&opts(Vec::new(), SEEN_FRESH), now).is_none(),
            "too old"
        );
        let mut unplanned = opts(Vec::new(), fresh);
        unplanned.seen = None;
        assert!(plans_look(&unplanned, now).is_none());
    }

    #[test]
    fn oldest_wins_and_ties_go_by_id() {
        let s = |id: &str, at: &str| Seen {
            id: Id::from(id),
            created_at: at.into(),
            updated_at: at.into(),
            holder: None,
        };
        let mut v = [
            s("b", "2026-12-02T06:00:00.000002Z"),
            s("c", "2026-12-02T06:00:00.000001Z"),
            s("a", "2026-12-02T06:00:00.000002Z"),
        ];
        v.sort_by(|a, b| a.rank().cmp(&b.rank()));
        let ids: Vec<&str> = v.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
    }

    #[test]
    fn lease_writes_are_two_plus_a_renewal_every_seven_minutes_under_half_a_percent() {
        assert_eq!(planned_writes(0, Rate::SECODA_WRITES), 0);
        assert_eq!(planned_writes(7, Rate::SECODA_WRITES), 2);
        // 185 + 2 writes at 30/min take 6m14s: no renewal yet.
        assert_eq!(planned_writes(185, Rate::SECODA_WRITES), 2);
        // 300 + 2 take 10m04s: one.
        assert_eq!(planned_writes(300, Rate::SECODA_WRITES), 3);
        // A 100,000-resource apply runs ~57 hours: its lease costs under 0.5% of its writes.
        let long = planned_writes(100_000, Rate::SECODA_WRITES);
        assert!(long * 200 <= 100_000 + long, "{long} lease writes");
    }
}
