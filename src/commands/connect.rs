//! Turns the connection flags (`ConnectionArgs`) and the environment into a [`Client`]: base
//! URL, token, pacing, retries and logging. Shared by every command that talks to the API.

use crate::api::{
    Client, ClientConfig, LogLevel, LogSink, Rate, ReadPace, ReadRateChoice, RetryPolicy, Token,
};
use crate::cli::ConnectionArgs;
use crate::error::{Error, Result};
use crate::output::{Printer, Verbosity};
use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;
use url::Url;

/// The US host, used when neither `--api-url`, `SECODA_API_URL` nor `--region` says otherwise.
pub(crate) const DEFAULT_API_URL: &str = "https://api.secoda.co";

/// The environment variable holding the API token.
pub(crate) const TOKEN_ENV: &str = "SECODA_API_TOKEN";

/// Builds the client for a real Secoda workspace from the flags and the environment.
///
/// # Errors
/// A missing or unreadable token, a bad URL or timeout, or a refused plain-http host.
pub(crate) fn connect(args: &ConnectionArgs, printer: &Printer) -> Result<Client> {
    Ok(Client::new(client_config(args, printer.verbosity())?)?)
}

/// The client configuration for a real Secoda workspace: base URL, token (from
/// `--token-file` or `SECODA_API_TOKEN`), write pace (default 30/min) and the tuning flags.
///
/// # Errors
/// As [`connect`].
pub(crate) fn client_config(args: &ConnectionArgs, verbosity: Verbosity) -> Result<ClientConfig> {
    let variable = args.token_env.as_deref().unwrap_or(TOKEN_ENV);
    let token = read_token(args.token_file.as_deref(), std::env::var_os(variable))
        .map_err(|e| match e {
            // The message names SECODA_API_TOKEN; the config file named another variable.
            Error::Api(crate::api::ApiError::MissingToken) if variable != TOKEN_ENV => Error::Usage(format!(
                "no Secoda API token: the config file's `token_env` names `{variable}`, which is not set"
            )),
            other => other,
        })?;
    let mut config = ClientConfig::new(base_url(args)?, token);
    tune(&mut config, args, verbosity)?;
    config.write_rate = Some(args.write_rate.unwrap_or(Rate::SECODA_WRITES));
    config.read_pace = read_pace(args, ReadRateChoice::Auto);
    Ok(config)
}

/// The read pace `args` ask for, `unset` when `--read-rate` is not given.
fn read_pace(args: &ConnectionArgs, unset: ReadRateChoice) -> ReadPace {
    match args.read_rate.unwrap_or(unset) {
        ReadRateChoice::Auto => ReadPace::Auto {
            max: args.read_rate_max.unwrap_or(ReadPace::DEFAULT_MAX),
        },
        ReadRateChoice::Fixed(r) => ReadPace::Fixed(r),
    }
}

/// Applies the tuning flags (rates, concurrency, trailing slash, timeouts, retries, logging)
/// to a configuration whose address and token come from elsewhere, e.g. the sandbox. The
/// write and read paces are set only when `--write-rate` / `--read-rate` are given.
///
/// # Errors
/// A timeout that is not a positive number of seconds.
pub(crate) fn tune(
    config: &mut ClientConfig,
    args: &ConnectionArgs,
    verbosity: Verbosity,
) -> Result<()> {
    config.write_rate = args.write_rate;
    config.read_pace = match args.read_rate {
        None => ReadPace::Unpaced,
        Some(choice) => read_pace(args, choice),
    };
    config.concurrency = usize::from(args.concurrency);
    config.trailing_slash = args.trailing_slash;
    config.connect_timeout = seconds("--connect-timeout", args.connect_timeout)?;
    config.request_timeout = seconds("--request-timeout", args.request_timeout)?;
    config.retry = RetryPolicy {
        max_tries: args.max_tries,
        base: Duration::from_millis(args.retry_base_ms),
        cap: Duration::from_secs(args.retry_cap_secs),
        ..RetryPolicy::default()
    };
    config.log = log_level(verbosity);
    config.log_sink = LogSink::stderr();
    Ok(())
}

/// `-v` logs calls, `-vv` bodies.
#[must_use]
pub(crate) fn log_level(verbosity: Verbosity) -> LogLevel {
    match verbosity {
        Verbosity::Quiet | Verbosity::Normal => LogLevel::Off,
        Verbosity::Verbose => LogLevel::Calls,
        Verbosity::Debug => LogLevel::Bodies,
    }
}

/// The base URL: `--api-url` / `SECODA_API_URL`, else `--region`'s host, else the US host.
///
/// # Errors
/// A URL that does not parse.
pub(crate) fn base_url(args: &ConnectionArgs) -> Result<Url> {
    let raw = match (&args.api_url, args.region) {
        (Some(url), _) => url.trim(),
        (None, Some(region)) => region.base_url(),
        (None, None) => DEFAULT_API_URL,
    };
    Url::parse(raw).map_err(|e| {
        Error::Usage(format!(
            "invalid API URL `{}` (from --api-url, SECODA_API_URL or the config file): {e}",
            crate::config_file::hide_password(raw)
        ))
    })
}

/// The token: the contents of `token_file` if given, else `env` (`SECODA_API_TOKEN`), trimmed.
///
/// # Errors
/// An unreadable or empty token file, or no token at all (the message names both ways).
pub(crate) fn read_token(token_file: Option<&Path>, env: Option<OsString>) -> Result<Token> {
    if let Some(path) = token_file {
        // Read at most a bound (`/dev/zero` grew without one), BOM stripped.
        let text = crate::api::token::read_bounded(path).map_err(|source| Error::Io {
            action: "read token file",
            path: path.display().to_string(),
            source,
        })?;
        let token = Token::new(text);
        if token.is_empty() {
            return Err(Error::Usage(format!(
                "token file `{}` is empty",
                path.display()
            )));
        }
        return Ok(token);
    }
    let token = env
        .map(|v| Token::new(v.to_string_lossy()))
        .filter(|t| !t.is_empty());
    token.ok_or_else(|| crate::api::ApiError::MissingToken.into())
}

fn seconds(flag: &str, secs: f64) -> Result<Duration> {
    Duration::try_from_secs_f64(secs)
        .ok()
        .filter(|d| !d.is_zero())
        .ok_or_else(|| {
            Error::Usage(format!(
                "{flag} must be a positive number of seconds, got {secs}"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Region;
    use clap::Parser;

    #[derive(Parser)]
    struct Cmd {
        #[command(flatten)]
        conn: ConnectionArgs,
    }

    fn args(argv: &[&str]) -> ConnectionArgs {
        let mut full = vec!["x"];
        full.extend_from_slice(argv);
        Cmd::try_parse_from(full).unwrap().conn
    }

    #[test]
    fn base_url_prefers_the_flag_then_the_region_then_the_us_host() {
        let a = args(&["--api-url", "https://acme.secoda.co"]);
        assert_eq!(base_url(&a).unwrap().as_str(), "https://acme.secoda.co/");
        let mut a = args(&[]);
        a.api_url = None;
        a.region = Some(Region::Eu);
        assert_eq!(base_url(&a).unwrap().as_str(), "https://eapi.secoda.co/");
        a.region = None;
        assert_eq!(base_url(&a).unwrap().as_str(), "https://api.secoda.co/");
        a.api_url = Some("not a url".into());
        assert!(base_url(&a).unwrap_err().to_string().contains("not a url"));
    }

    #[test]
    fn token_file_wins_and_is_trimmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        std::fs::write(&path, "  abc123\n").unwrap();
        let t = read_token(Some(&path), Some("from-env".into())).unwrap();
        assert_eq!(t, Token::new("abc123"));
        assert_eq!(
            read_token(None, Some("e\n".into())).unwrap(),
            Token::new("e")
        );
    }

    #[test]
    fn missing_token_names_both_ways_to_set_it() {
        for env in [None, Some(OsString::from("  "))] {
            let msg = read_token(None, env).unwrap_err().to_string();
            assert!(
                msg.contains("SECODA_API_TOKEN") && msg.contains("--token-file"),
                "{msg}"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty");
        std::fs::write(&empty, "\n").unwrap();
        let msg = read_token(Some(&empty), None).unwrap_err().to_string();
        assert!(msg.contains("is empty"), "{msg}");
        let msg = read_token(Some(&dir.path().join("nope")), None)
            .unwrap_err()
            .to_string();
        assert!(msg.contains("failed to read token file"), "{msg}");
    }

    #[test]
    fn tuning_flags_reach_the_config() {
        let a = args(&[
            "--write-rate",
            "20/s",
            "--read-rate",
            "5/s",
            "--concurrency",
            "16",
            "--trailing-slash",
            "--connect-timeout",
            "2.5",
            "--max-tries",
            "3",
        ]);
        let mut c = ClientConfig::new(Url::parse("http://127.0.0.1:1").unwrap(), Token::new("t"));
        tune(&mut c, &a, Verbosity::Verbose).unwrap();
        assert_eq!(c.write_rate, Some("20/s".parse().unwrap()));
        assert_eq!(c.read_pace, ReadPace::Fixed("5/s".parse().unwrap()));
        assert_eq!(c.concurrency, 16);
        assert!(c.trailing_slash);
        assert_eq!(c.connect_timeout, Duration::from_millis(2500));
        assert_eq!(c.retry.max_tries, 3);
        assert_eq!(c.log, LogLevel::Calls);
        let mut zero = a.clone();
        zero.request_timeout = 0.0;
        assert!(tune(&mut c, &zero, Verbosity::Normal).is_err());
    }

    #[test]
    fn reads_find_their_pace_against_a_server_and_go_unpaced_in_the_sandbox_unless_told() {
        let server = |flags: &[&str]| {
            let a = args(flags);
            read_pace(&a, ReadRateChoice::Auto)
        };
        assert_eq!(server(&[]), ReadPace::AUTO);
        let max = ["--read-rate-max", "120/s"];
        assert_eq!(
            server(&max),
            ReadPace::Auto {
                max: "120/s".parse().unwrap()
            }
        );
        assert_eq!(
            server(&["--read-rate", "3/s"]),
            ReadPace::Fixed("3/s".parse().unwrap())
        );
        let mut c = ClientConfig::new(Url::parse("http://127.0.0.1:1").unwrap(), Token::new("t"));
        tune(&mut c, &args(&[]), Verbosity::Normal).unwrap();
        assert_eq!(c.read_pace, ReadPace::Unpaced);
        tune(&mut c, &args(&["--read-rate", "auto"]), Verbosity::Normal).unwrap();
        assert_eq!(c.read_pace, ReadPace::AUTO);
    }
}
