//! `secoda-sync doctor`: a read-only check of the workspace the connection flags point at.

use super::session::run_in_session;
use crate::cli::{DoctorArgs, DoctorFormat, Region};
use crate::doctor::{self, DoctorOptions};
use crate::error::{Error, Exit, Result};
use crate::output::Printer;
use clap::ValueEnum;
use url::Url;

/// Runs `doctor`.
///
/// # Errors
/// A connection that cannot be made, a refused token, a host that does not answer, or
/// output that cannot be written.
pub(crate) fn run(args: &DoctorArgs, printer: &Printer) -> Result<Exit> {
    let conn = &args.connection;
    let report = run_in_session(conn, printer, async |session| {
        let base = session.client.base_url();
        let opts = DoctorOptions {
            region: if conn.sandbox {
                Some("sandbox".to_owned())
            } else {
                region_of(base).map(|r| format!("{r:?}").to_lowercase())
            },
            trailing_slash: conn.trailing_slash,
            read_pace: session.client.read_pace(),
            concurrency: usize::from(conn.concurrency),
        };
        Ok(doctor::examine(&session.client, &opts).await?)
    })?;
    let mut out = printer.stdout();
    match args.format {
        DoctorFormat::Text => report.render_text(&mut out),
        DoctorFormat::Json => report.render_json(&mut out),
    }
    .map_err(Error::writing("stdout"))?;
    Ok(if report.healthy() {
        Exit::Success
    } else {
        Exit::Failure
    })
}

/// The Secoda region whose host `url` is.
fn region_of(url: &Url) -> Option<Region> {
    Region::value_variants()
        .iter()
        .copied()
        .find(|r| Url::parse(r.base_url()).is_ok_and(|u| u.host_str() == url.host_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_are_told_by_host() {
        let r = |s: &str| region_of(&Url::parse(s).unwrap());
        assert_eq!(r("https://eapi.secoda.co/"), Some(Region::Eu));
        assert_eq!(r("https://api.secoda.co"), Some(Region::Us));
        assert_eq!(r("https://aapi.secoda.co/x"), Some(Region::Apac));
        assert_eq!(r("https://acme.secoda.co"), None);
    }
}
