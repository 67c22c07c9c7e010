//! Secrets and servers that misbehave, through the binary: a token a server echoes back in
//! any spelling is never printed, and a server that never answers fails in bounded time.

use crate::util::{bin, Out};
use std::path::Path;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token with characters that JSON and URLs escape.
const TOKEN: &str = "Sk/Live+7f3a9c2e-b41d";

/// A one-event manifest.
const PLAN: &str = "version: 1\nintegration: Segment\ncategories:\n  - title: Checkout\n    \
                    events:\n      - title: Order Completed\n";

fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(char::from(ABC[(n >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// Every spelling of [`TOKEN`] a server has been seen to echo.
fn spellings() -> Vec<(&'static str, String)> {
    let unicode: String = TOKEN
        .chars()
        .map(|c| format!("\\u{:04x}", c as u32))
        .collect();
    vec![
        ("lower-cased", TOKEN.to_lowercase()),
        ("base64", base64(format!("Bearer {TOKEN}").as_bytes())),
        ("json \\u escaped", unicode),
        ("json \\/ escaped", TOKEN.replace('/', "\\/")),
        ("url-encoded", TOKEN.replace('/', "%2F").replace('+', "%2B")),
        (
            "split across a line break",
            format!("{}\n{}", &TOKEN[..9], &TOKEN[9..]),
        ),
        (
            "split across an escaped line break",
            format!("{}\\n  {}", &TOKEN[..5], &TOKEN[5..]),
        ),
    ]
}

/// A server answering every call 400 with a body quoting the token in every spelling.
async fn echoing_server() -> MockServer {
    let server = MockServer::start().await;
    let body: String = spellings()
        .iter()
        .map(|(what, s)| format!("{what}: {s}\n"))
        .collect();
    Mock::given(any())
        .respond_with(ResponseTemplate::new(400).set_body_string(body))
        .mount(&server)
        .await;
    server
}

fn run_against(server: &MockServer, dir: &Path, args: &[&str]) -> Out {
    Out::of(
        bin()
            .current_dir(dir)
            .env("SECODA_API_TOKEN", TOKEN)
            .args(args)
            .args(["--api-url", &server.uri(), "--max-tries", "1"])
            .output()
            .unwrap(),
    )
}

#[test]
fn a_token_the_server_echoes_in_any_spelling_is_never_printed() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(echoing_server());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.yaml"), PLAN).unwrap();
    for args in [
        &["plan", "plan.yaml"][..],
        // doctor reports statuses, not bodies; `-vv` logs the bodies.
        &["doctor", "-vv"],
        &["export", "--integration", "Segment", "--out", "out"],
        &["audit", "--integration", "Segment"],
    ] {
        let out = run_against(&server, dir.path(), args);
        assert_ne!(
            out.code, 0,
            "{args:?} against a server that refuses everything"
        );
        let shown = format!("{}\n{}", out.stdout, out.stderr);
        assert!(
            shown.contains("[redacted]"),
            "{args:?} did not show the echoing body:\n{shown}"
        );
        for (what, spelling) in spellings() {
            assert!(
                !shown.contains(&spelling),
                "{args:?} printed the token {what}:\n{shown}"
            );
        }
        // The tail of the token in any case, whatever came before it.
        assert!(
            !shown.to_lowercase().contains("7f3a9c2e-b41d"),
            "{args:?} printed the token:\n{shown}"
        );
    }
    assert!(!rt.block_on(server.received_requests()).unwrap().is_empty());
}

#[test]
fn a_server_that_never_answers_fails_naming_the_tries_and_the_total() {
    // Accepts connections and never answers; the thread ends with the test binary.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let open: Vec<_> = listener.incoming().collect();
        drop(open);
    });
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("plan.yaml"), PLAN).unwrap();
    let out = Out::of(
        bin()
            .current_dir(dir.path())
            .env("SECODA_API_TOKEN", TOKEN)
            .args(["plan", "plan.yaml", "--api-url", &url])
            .args(["--request-timeout", "0.3", "--max-tries", "3"])
            .output()
            .unwrap(),
    );
    assert_ne!(out.code, 0);
    let shown = format!("{}\n{}", out.stdout, out.stderr);
    assert!(
        shown.contains("no answer within 0.3s, the last of 3 tries, "),
        "{shown}"
    );
    assert!(
        shown.contains("s in all (see --request-timeout / --connect-timeout / --max-tries)"),
        "{shown}"
    );
}

#[test]
fn doctor_against_a_server_that_never_answers_names_the_timeout() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let open: Vec<_> = listener.incoming().collect();
        drop(open);
    });
    let out = Out::of(
        bin()
            .env("SECODA_API_TOKEN", TOKEN)
            .args(["doctor", "--api-url", &url, "--request-timeout", "0.3"])
            .output()
            .unwrap(),
    );
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains(
            "GET /api/v1/integration/integrations: no answer within 0.3s (see --request-timeout)"
        ),
        "{}",
        out.stderr
    );
}
