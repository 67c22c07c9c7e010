//! Deterministic failures aimed at one HTTP method (`sandbox serve --fail-method PATCH:500:3`):
//! the first N calls of that method are answered with a status (or their connection is cut
//! without an answer), and nothing is done. Unlike the fault dice of `--fail-rate`, a test can
//! say exactly what a client saw, e.g. that a PATCH answered 500 is tried again.

use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};

/// What a targeted call gets instead of being served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MethodAnswer {
    /// This status (400 to 599), with a JSON `detail`.
    Status(u16),
    /// The connection is cut without an answer (a lost answer, as a client sees a reset).
    Reset,
}

/// The first `count` calls of `method` are answered with `answer` and not served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MethodFault {
    /// The HTTP method.
    pub method: Method,
    /// What they get.
    pub answer: MethodAnswer,
    /// How many calls, from the first.
    pub count: u32,
}

/// The methods a fault can target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PATCH.
    Patch,
    /// PUT.
    Put,
    /// DELETE.
    Delete,
}

impl Method {
    fn of(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "GET" => Self::Get,
            "POST" => Self::Post,
            "PATCH" => Self::Patch,
            "PUT" => Self::Put,
            "DELETE" => Self::Delete,
            _ => return None,
        })
    }
}

/// A `--fail-method` value that is not `METHOD:STATUS:N` or `METHOD:reset:N`.
#[derive(Debug, thiserror::Error)]
#[error(
    "invalid method fault `{0}` (expected METHOD:STATUS:N or METHOD:reset:N, e.g. `PATCH:500:3`; \
     METHOD is GET, POST, PATCH, PUT or DELETE, STATUS 400 to 599)"
)]
pub struct MethodFaultError(String);

impl FromStr for MethodFault {
    type Err = MethodFaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || MethodFaultError(s.to_owned());
        let mut parts = s.trim().split(':');
        let (Some(method), Some(answer), Some(count), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(err());
        };
        let method = Method::of(method.trim()).ok_or_else(err)?;
        let answer = match answer.trim() {
            a if a.eq_ignore_ascii_case("reset") => MethodAnswer::Reset,
            a => match a.parse::<u16>() {
                Ok(status @ 400..=599) => MethodAnswer::Status(status),
                _ => return Err(err()),
            },
        };
        let count = count.trim().parse().map_err(|_| err())?;
        Ok(Self {
            method,
            answer,
            count,
        })
    }
}

/// The faults of a running sandbox, each with the calls it has left to fail.
#[derive(Debug, Default)]
pub(crate) struct MethodFaults(Vec<(MethodFault, AtomicU32)>);

impl MethodFaults {
    pub(crate) fn new(faults: &[MethodFault]) -> Self {
        Self(
            faults
                .iter()
                .map(|f| (*f, AtomicU32::new(f.count)))
                .collect(),
        )
    }

    /// What this call of `method` gets instead of being served, if a fault still targets it
    /// (the first fault of the method with calls left; each call uses one up).
    pub(crate) fn take(&self, method: &str) -> Option<MethodAnswer> {
        let method = Method::of(method)?;
        self.0.iter().find_map(|(f, left)| {
            (f.method == method
                && left
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                    .is_ok())
            .then_some(f.answer)
        })
    }
}

/// The answer a targeted call gets, and the fault the log records.
pub(crate) fn answer(
    answer: MethodAnswer,
    conn: &super::gate::ConnHandle,
) -> (axum::response::Response, Option<super::Fault>) {
    use axum::http::StatusCode;
    match answer {
        MethodAnswer::Status(status) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let resp = super::gate::detail(status, "A server error occurred.");
            (resp, Some(super::Fault::Failed))
        }
        MethodAnswer::Reset => {
            conn.kill();
            let resp = super::gate::detail(StatusCode::BAD_GATEWAY, "Bad gateway.");
            (resp, Some(super::Fault::Reset))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_method_answer_and_count_and_refuses_the_rest() {
        let f: MethodFault = "patch:500:3".parse().unwrap();
        assert_eq!(
            f,
            MethodFault {
                method: Method::Patch,
                answer: MethodAnswer::Status(500),
                count: 3
            }
        );
        let f: MethodFault = "DELETE:reset:1".parse().unwrap();
        assert_eq!(f.answer, MethodAnswer::Reset);
        for bad in [
            "PATCH:500",
            "PATCH:200:1",
            "HEAD:500:1",
            "PATCH:500:-1",
            "PATCH:x:1",
            "a:b:c:d",
        ] {
            assert!(bad.parse::<MethodFault>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_first_n_calls_of_the_method_fail_and_no_others() {
        let faults = MethodFaults::new(&[
            "PATCH:500:2".parse().unwrap(),
            "PATCH:reset:1".parse().unwrap(),
        ]);
        assert_eq!(faults.take("GET"), None);
        assert_eq!(faults.take("PATCH"), Some(MethodAnswer::Status(500)));
        assert_eq!(faults.take("DELETE"), None);
        assert_eq!(faults.take("PATCH"), Some(MethodAnswer::Status(500)));
        assert_eq!(faults.take("PATCH"), Some(MethodAnswer::Reset));
        assert_eq!(faults.take("PATCH"), None);
    }
}
