//! The shell installer the release attaches (`scripts/install.sh`), run against a mirror of
//! a release in a directory (`SECODA_SYNC_DOWNLOAD_URL=file://...`): it installs the archive
//! whose checksum matches and refuses one whose checksum does not.

use std::path::Path;
use std::process::Command;

/// The target the installer picks on this machine, as the release names its archives.
fn target() -> Option<String> {
    let arch = std::env::consts::ARCH;
    match std::env::consts::OS {
        "linux" => Some(format!("{arch}-unknown-linux-musl")),
        "macos" => Some(format!("{arch}-apple-darwin")),
        _ => None,
    }
}

/// A release mirror in `dir` holding this machine's archive, with a fake binary, and its
/// checksum file (`checksum` replaces the real one when given).
fn mirror(dir: &Path, target: &str, checksum: Option<&str>) {
    let name = format!("secoda-sync-{target}");
    std::fs::create_dir_all(dir.join(&name)).unwrap();
    std::fs::write(
        dir.join(&name).join("secoda-sync"),
        "#!/bin/sh\necho fake secoda-sync\n",
    )
    .unwrap();
    let archive = format!("{name}.tar.gz");
    let ok = Command::new("tar")
        .current_dir(dir)
        .args(["-czf", &archive, &name])
        .status()
        .unwrap()
        .success();
    assert!(ok, "tar failed");
    let sum = Command::new("sh")
        .current_dir(dir)
        .args([
            "-c",
            &format!("sha256sum {archive} || shasum -a 256 {archive}"),
        ])
        .output()
        .unwrap();
    let line = String::from_utf8(sum.stdout).unwrap();
    let line = match checksum {
        Some(c) => format!("{c}  {archive}\n"),
        None => line,
    };
    std::fs::write(dir.join(format!("{archive}.sha256")), line).unwrap();
}

fn install(home: &Path, mirror: &Path) -> std::process::Output {
    Command::new("sh")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/install.sh"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("SECODA_SYNC_VERSION", "0.1.0")
        .env(
            "SECODA_SYNC_DOWNLOAD_URL",
            format!("file://{}", mirror.display()),
        )
        .output()
        .unwrap()
}

fn has_tools() -> bool {
    ["curl", "tar"].iter().all(|tool| {
        Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}

#[test]
fn the_installer_installs_the_archive_its_checksum_vouches_for() {
    let (Some(target), true) = (target(), has_tools()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    mirror(&release, &target, None);
    let out = install(dir.path(), &release);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let installed = dir.path().join(".local/bin/secoda-sync");
    let ran = Command::new(&installed).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&ran.stdout), "fake secoda-sync\n");
}

#[test]
fn the_installer_refuses_an_archive_whose_checksum_does_not_match() {
    let (Some(target), true) = (target(), has_tools()) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let release = dir.path().join("release");
    mirror(&release, &target, Some(&"0".repeat(64)));
    let out = install(dir.path(), &release);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(!dir.path().join(".local/bin/secoda-sync").exists());
}
