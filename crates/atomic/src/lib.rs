//! Atomic file writes (state files, saved plans, exports): write a temp file in the same
//! directory, fsync it, rename it over the target, fsync the directory. A crash at any point
//! leaves either the old or the new file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A fully written, fsynced temp file waiting to replace its target.
///
/// Split from [`StagedWrite::commit`] so a test can stop between the two steps, the way a
/// crash would, and check the old file is intact.
#[derive(Debug)]
#[must_use = "nothing replaces the target until `commit` is called"]
pub struct StagedWrite {
    tmp: PathBuf,
    target: PathBuf,
}

/// The temp file used for `target` (same directory, so the rename cannot cross filesystems).
#[must_use]
pub fn temp_path(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    target.with_file_name(format!(".{name}.tmp"))
}

/// Writes and fsyncs `bytes` to the temp file of `target`; `target` is untouched, and the
/// temp file is removed when the write fails (a full disk leaves no half file behind).
///
/// # Errors
/// When the temp file cannot be created or written.
pub fn stage(target: &Path, bytes: &[u8]) -> std::io::Result<StagedWrite> {
    stage_with(target, |w| w.write_all(bytes))
}

/// Like [`stage`], with the contents streamed by `fill` instead of held in memory; the temp
/// file is removed when `fill` or the flush fails.
///
/// # Errors
/// Whatever `fill` fails with, or the temp file cannot be created, flushed or synced.
pub fn stage_with<E: From<std::io::Error>>(
    target: &Path,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<StagedWrite, E> {
    let tmp = temp_path(target);
    let mut w = std::io::BufWriter::new(File::create(&tmp)?);
    let written = fill(&mut w).and_then(|()| {
        let f = w
            .into_inner()
            .map_err(std::io::IntoInnerError::into_error)?;
        f.sync_all()?;
        Ok(())
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(StagedWrite {
        tmp,
        target: target.to_owned(),
    })
}

impl StagedWrite {
    /// The temp file holding the new contents.
    #[must_use]
    pub fn temp_path(&self) -> &Path {
        &self.tmp
    }

    /// Renames the temp file over the target and fsyncs the directory.
    ///
    /// # Errors
    /// When the rename fails (the target then still holds the old contents, and the temp
    /// file is removed).
    pub fn commit(self) -> std::io::Result<()> {
        if let Err(e) = std::fs::rename(&self.tmp, &self.target) {
            let _ = std::fs::remove_file(&self.tmp);
            return Err(e);
        }
        let dir = match self.target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        // Directory fsync makes the rename durable; not every platform can open a directory.
        if let Ok(d) = File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// Replaces `target` with `bytes` atomically.
///
/// # Errors
/// When staging or the rename fails; `target` then keeps its old contents.
pub fn write_atomic(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    stage(target, bytes)?.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_write_leaves_target_alone_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("state.json");
        std::fs::write(&target, "old").unwrap();
        let staged = stage(&target, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        assert_eq!(std::fs::read_to_string(staged.temp_path()).unwrap(), "new");
        staged.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
        assert!(!temp_path(&target).exists());
    }

    #[test]
    fn a_failed_rename_leaves_no_temp_file_behind() {
        let dir = tempfile::tempdir().unwrap();
        // A directory in the way: the rename of a file over it fails.
        let target = dir.path().join("export");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("keep"), "x").unwrap();
        assert!(write_atomic(&target, b"new").is_err());
        assert!(!temp_path(&target).exists(), "no temp file left behind");
        assert!(target.join("keep").exists());
    }

    #[test]
    fn stage_with_streams_and_cleans_up_after_a_failed_fill() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("plan.yaml");
        std::fs::write(&target, "old").unwrap();
        let failed = stage_with(&target, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("serialiser gave up"))
        });
        assert!(failed.is_err());
        assert!(!temp_path(&target).exists(), "no temp file left behind");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old");
        stage_with::<std::io::Error>(&target, |w| w.write_all(b"new"))
            .unwrap()
            .commit()
            .unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }
}
