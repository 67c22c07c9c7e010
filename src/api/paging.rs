//! How a list is read: page by page as one stream, and which page to read next. Pages are
//! always fetched as `?page=N` on the configured base URL and the list's own path:
//! `links.next` only tells whether (and which) page follows, because it may name another host,
//! or another path, and the token must never go there.
//!
//! Lists are asked for large pages (`page_size`), which Secoda documents for one list only:
//! the first list whose first page shows whether the server honours it settles it for the run
//! (more items than a default page: honoured; a default page with more to come: ignored, and
//! not asked again). A server that refuses the parameter outright (400 on a first page asked
//! with it) is treated as one that ignores it: that page is asked again without it, and no
//! later list asks.

use super::{ApiError, Client, Endpoint, Id, Page};
use futures::stream::{self, Stream, TryStreamExt};
use serde::de::DeserializeOwned;
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};

/// The `page_size` asked for: the largest page the sandbox gives, after the reference.
pub(crate) const ASKED_PAGE_SIZE: usize = 1000;

/// Items in a page when the server does not honour `page_size` (the reference's examples).
const DEFAULT_PAGE_SIZE: usize = 50;

/// What a run has learnt about `page_size`, shared by every clone of a client.
#[derive(Debug, Default)]
pub(crate) struct PageSizeSeen {
    /// 0 = not known yet, 1 = honoured, 2 = ignored.
    verdict: AtomicU8,
    /// The most items one page held.
    largest: AtomicUsize,
}

impl PageSizeSeen {
    const HONOURED: u8 = 1;
    const IGNORED: u8 = 2;

    /// The `page_size` to ask for: none once the server was seen to ignore it.
    fn to_ask(&self) -> Option<usize> {
        (self.verdict.load(Ordering::Relaxed) != Self::IGNORED).then_some(ASKED_PAGE_SIZE)
    }

    /// Learns from a list's first page, `len` items long, asked with `asked` or not, with
    /// more pages to come (`more`) or not.
    fn first_page(&self, asked: bool, len: usize, more: bool) {
        self.largest.fetch_max(len, Ordering::Relaxed);
        if !asked {
            return;
        }
        if len > DEFAULT_PAGE_SIZE {
            self.verdict.store(Self::HONOURED, Ordering::Relaxed);
        } else if more {
            self.verdict.store(Self::IGNORED, Ordering::Relaxed);
        }
    }

    /// Records a server that answered 400 to a page asked with `page_size`: not asked again.
    fn refused(&self) {
        self.verdict.store(Self::IGNORED, Ordering::Relaxed);
    }

    /// Whether the server honours `page_size` (`None`: no list told yet).
    pub(crate) fn honoured(&self) -> Option<bool> {
        match self.verdict.load(Ordering::Relaxed) {
            Self::HONOURED => Some(true),
            Self::IGNORED => Some(false),
            _ => None,
        }
    }

    /// The most items a page held.
    pub(crate) fn largest(&self) -> usize {
        self.largest.load(Ordering::Relaxed)
    }
}

/// An item of a list, by its id: what tells a repeated page from a new one.
pub(crate) trait Listed {
    /// The item's id.
    fn list_id(&self) -> &Id;
}

macro_rules! listed {
    ($($t:ty),*) => {$(
        impl Listed for $t {
            fn list_id(&self) -> &Id {
                &self.id
            }
        }
    )*};
}

listed!(
    super::Resource,
    super::Monitor,
    super::Incident,
    super::Measurement,
    super::Integration,
    super::Team,
    super::Tag,
    super::User,
    super::Collection
);

/// Pages past the announced `total_pages` tolerated before a list counts as endless: lists
/// grow while they are read, but not by this much.
fn page_margin(total: u64) -> u64 {
    total.max(10)
}

/// What a list has shown so far, to stop one that never ends (a server repeating
/// its last page was read forever).
#[derive(Default)]
struct Seen {
    ids: HashSet<Id>,
    total_pages: Option<u64>,
}

impl Seen {
    /// Records page `n`; `Err` (the reason) when it repeats only ids already read, or runs
    /// far past the first page's `total_pages`.
    fn page<T: Listed>(&mut self, n: u64, page: &Page<T>) -> Result<(), String> {
        if self.total_pages.is_none() {
            self.total_pages = page.total_pages;
        }
        if let Some(total) = self.total_pages {
            if n > total.saturating_add(page_margin(total)) {
                return Err(format!("page {n} of a list of {total} pages"));
            }
        }
        let mut new = false;
        for item in &page.results {
            new |= self.ids.insert(item.list_id().clone());
        }
        if !new && !page.results.is_empty() && n > 1 {
            return Err(format!("page {n} repeats only items already read"));
        }
        Ok(())
    }
}

impl Client {
    /// Streams every item of a list, in page order. After the first page, the pages its
    /// `total_pages` promises are requested a window at a time (up to the concurrency cap), so a
    /// long list is not read one round trip after another; only that window is held in memory.
    pub(super) fn list<T>(
        &self,
        endpoint: Endpoint,
        query: Vec<(String, String)>,
    ) -> impl Stream<Item = Result<T, ApiError>> + Send + 'static
    where
        T: DeserializeOwned + Listed + Send + 'static,
    {
        let client = self.clone();
        // One size for every page of a list: pages of two sizes would skip or repeat items.
        let start = Some((1u64, 1u64, Seen::default(), self.inner.page_size.to_ask()));
        stream::try_unfold(start, move |state| {
            let client = client.clone();
            let endpoint = endpoint.clone();
            let query = query.clone();
            async move {
                let Some((first, width, mut seen, mut asked)) = state else {
                    return Ok(None);
                };
                let fetch = |asked: Option<usize>| {
                    futures::future::try_join_all((first..first + width).map(|n| {
                        let mut query = query.clone();
                        query.push(("page".to_owned(), n.to_string()));
                        if let Some(size) = asked {
                            query.push(("page_size".to_owned(), size.to_string()));
                        }
                        let (client, endpoint) = (&client, &endpoint);
                        async move { client.get::<Page<T>>(endpoint, &query).await }
                    }))
                };
                let pages = match fetch(asked).await {
                    Err(e) if first == 1 && asked.is_some() && e.status() == Some(400) => {
                        client.inner.page_size.refused();
                        asked = None;
                        fetch(None).await?
                    }
                    answer => answer?,
                };
                let mut items = Vec::new();
                let mut state = None;
                for (n, page) in (first..).zip(pages) {
                    seen.page(n, &page).map_err(|why| ApiError::EndlessList {
                        path: endpoint.path(),
                        why,
                    })?;
                    let next = next_page(n, &page);
                    if n == 1 {
                        let seen = &client.inner.page_size;
                        seen.first_page(asked.is_some(), page.results.len(), next.is_some());
                    }
                    let ahead = next.map(|next| read_ahead(next, &page, client.inner.read_ahead));
                    items.extend(page.results);
                    match (next, ahead) {
                        // The window read ahead to exactly this page: go on with it.
                        (Some(next), _) if next == n + 1 && next < first + width => {}
                        (Some(next), Some(ahead)) => {
                            state = Some((next, ahead, std::mem::take(&mut seen), asked));
                            break;
                        }
                        _ => break,
                    }
                }
                Ok(Some((items, state)))
            }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
    }
}

/// The page after page `current`, or `None` when `page` was the last one.
#[must_use]
pub(crate) fn next_page<T>(current: u64, page: &Page<T>) -> Option<u64> {
    // An empty page ends the list even if the server claims more: no endless loop on a
    // server that always says "next".
    if page.results.is_empty() || !page.has_next() {
        return None;
    }
    let from_meta = page.meta.next_page.filter(|n| *n > current);
    let from_link = page
        .links
        .next
        .as_deref()
        .and_then(page_param)
        .filter(|n| *n > current);
    Some(from_meta.or(from_link).unwrap_or(current + 1))
}

/// How many pages, starting at `next`, to request at once after reading `page`: as many as
/// the list's `total_pages` says are left, at most `cap`. Only a hint for reading ahead: which
/// page really comes next is still decided by [`next_page`] on each page.
#[must_use]
pub(crate) fn read_ahead<T>(next: u64, page: &Page<T>, cap: usize) -> u64 {
    let left = page
        .total_pages
        .map_or(1, |total| total.saturating_sub(next) + 1);
    left.clamp(1, cap.max(1) as u64)
}

/// The `page` query parameter of a (possibly relative) URL.
fn page_param(link: &str) -> Option<u64> {
    let query = link.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "page")
        .and_then(|(_, v)| v.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Tag;

    fn page(json: &str) -> Page<Tag> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn follows_meta_next_page() {
        let p = page(
            r#"{"links":{"next":"https://evil.example/resource/all/?page=9","previous":"None"},
                "meta":{"page":1,"previous_page":"None","next_page":2},"results":[{"id":"a"}]}"#,
        );
        assert_eq!(next_page(1, &p), Some(2));
    }

    #[test]
    fn falls_back_to_the_link_page_number_then_to_the_next_number() {
        let p = page(r#"{"links":{"next":"https://x/?a=1&page=3"},"results":[{"id":"a"}]}"#);
        assert_eq!(next_page(2, &p), Some(3));
        let p = page(r#"{"links":{"next":"https://x/next"},"results":[{"id":"a"}]}"#);
        assert_eq!(next_page(2, &p), Some(3));
        let p = page(r#"{"meta":{"next_page":"1"},"results":[{"id":"a"}]}"#);
        assert_eq!(
            next_page(4, &p),
            Some(5),
            "a next page behind us is not followed"
        );
    }

    #[test]
    fn reads_ahead_as_far_as_total_pages_allows_within_the_cap() {
        let p = page(r#"{"total_pages":7,"results":[{"id":"a"}]}"#);
        assert_eq!(read_ahead(2, &p, 8), 6, "pages 2..=7");
        assert_eq!(read_ahead(2, &p, 4), 4);
        assert_eq!(read_ahead(7, &p, 8), 1);
        assert_eq!(
            read_ahead(9, &p, 8),
            1,
            "a list that grew is read a page at a time"
        );
        assert_eq!(
            read_ahead(2, &page(r#"[{"id":"a"}]"#), 8),
            1,
            "no hint, no read-ahead"
        );
    }

    #[test]
    fn a_repeated_page_or_one_far_past_total_pages_ends_the_list() {
        let mut seen = Seen::default();
        let p = page(r#"{"total_pages":2,"results":[{"id":"a"},{"id":"b"}]}"#);
        assert_eq!(seen.page(1, &p), Ok(()));
        let again = page(r#"{"total_pages":2,"results":[{"id":"b"},{"id":"a"}]}"#);
        assert_eq!(
            seen.page(2, &again),
            Err("page 2 repeats only items already read".to_owned())
        );
        let mut seen = Seen::default();
        // A list that grew is read on; one that never ends is not.
        let p = |n: u64| {
            page(&format!(
                r#"{{"total_pages":2,"results":[{{"id":"{n}"}}]}}"#
            ))
        };
        for n in 1..=12 {
            assert_eq!(seen.page(n, &p(n)), Ok(()), "page {n}");
        }
        assert_eq!(
            seen.page(13, &p(13)),
            Err("page 13 of a list of 2 pages".to_owned())
        );
    }

    #[test]
    fn stops_on_none_strings_bare_arrays_and_empty_pages() {
        let p = page(
            r#"{"links":{"next":"None","previous":"None"},
                "meta":{"page":3,"previous_page":2,"next_page":"None"},"results":[{"id":"a"}]}"#,
        );
        assert_eq!(next_page(3, &p), None);
        assert_eq!(next_page(1, &page(r#"[{"id":"a"}]"#)), None);
        let p = page(r#"{"meta":{"next_page":2},"results":[]}"#);
        assert_eq!(next_page(1, &p), None);
    }
}
