//! Which redirects the client follows: only a GET's, only to the configured origin, at most
//! five in a row. Everything else fails with the reason, because a redirect is how a token
//! would reach a host the user never named. (reqwest's own redirect handling is off.)

use url::Url;

/// Redirects a GET may follow (same origin only).
const MAX_REDIRECTS: usize = 5;

/// The URL to request next after a redirect from `from` to `location`, or why it is not
/// followed. `followed` counts the redirects this call has already taken.
pub(super) fn follow(
    write: bool,
    from: &Url,
    location: &str,
    base: &Url,
    followed: usize,
) -> Result<Url, &'static str> {
    let next = from.join(location).ok();
    if write {
        return Err("writes are never redirected");
    }
    match next {
        Some(next) if next.origin() == base.origin() => {
            if followed >= MAX_REDIRECTS {
                Err("too many redirects")
            } else {
                Ok(next)
            }
        }
        _ => Err("it leads to another host"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn only_gets_to_the_same_origin_are_followed_a_few_times() {
        let base = url("https://acme.secoda.co/prefix/");
        let from = url("https://acme.secoda.co/prefix/api/v1/tag");
        assert_eq!(
            follow(false, &from, "/prefix/api/v1/tag/", &base, 0),
            Ok(url("https://acme.secoda.co/prefix/api/v1/tag/"))
        );
        assert_eq!(
            follow(true, &from, "/prefix/api/v1/tag/", &base, 0),
            Err("writes are never redirected")
        );
        assert_eq!(
            follow(false, &from, "https://evil.example/x", &base, 0),
            Err("it leads to another host")
        );
        assert_eq!(
            follow(false, &from, "http://acme.secoda.co/x", &base, 0),
            Err("it leads to another host"),
            "a downgrade to http is another origin"
        );
        assert_eq!(
            follow(false, &from, "/prefix/api/v1/tag/", &base, MAX_REDIRECTS),
            Err("too many redirects")
        );
    }
}
