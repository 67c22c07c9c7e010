//! Reading a large manifest as it is parsed: its file a block of whole lines at a time, and
//! the hand-out of those blocks (or of any pieces of a file) to threads, their results taken
//! back in file order. A 100,000-property file is then never held whole: what is held at once
//! is a few blocks besides what they declare.

use crate::manifest::diagnostics::ContentDigest;
use sha2::{Digest as _, Sha256};
use std::borrow::Cow;
use std::fs::File;
use std::io::Read as _;
use std::panic::AssertUnwindSafe;
use std::path::Path;

/// A file at least this large is large: read on several threads where the machine has the
/// cores (below it threads cost more than they save), read from disk as it is parsed, and left
/// there once parsed.
pub(crate) const LARGE_FILE_BYTES: usize = 1 << 20;

/// Bytes read from disk at a time: a block is this and the end of its last line.
const BLOCK_BYTES: usize = 128 << 10;

/// The threads a manifest file of `len` bytes is read on: a small file on one, a large one on
/// up to 4 where the machine has the cores.
pub(crate) fn reading_threads(len: usize) -> usize {
    if len < LARGE_FILE_BYTES {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// A run of whole lines of a file, and the number of lines before it.
pub(crate) type Piece<'a> = (Cow<'a, str>, u32);

/// A file read a block of whole lines at a time, hashing what it reads as the loader hashes a
/// file it holds. It ends early, and [`FileBlocks::finish`] says so, when the file cannot be
/// read to the end this way: it is not UTF-8, a read fails, or it is not the length it had when
/// opened. The loader then reads the file whole, which reports what is wrong with it.
pub(crate) struct FileBlocks {
    file: File,
    /// The bytes after the last newline read, which start the next block.
    carry: Vec<u8>,
    /// Lines in the blocks handed out.
    lines_before: u32,
    /// The length the file had when opened.
    len: u64,
    read: u64,
    fingerprint: Sha256,
    digest: ContentDigest,
    at_start: bool,
    ended: bool,
    spoiled: bool,
}

/// What reading a file to its end in blocks gives the loader.
pub(crate) struct Finished {
    /// The loader's fingerprint with the file's length and bytes added.
    pub(crate) fingerprint: Sha256,
    /// The file's length.
    pub(crate) len: usize,
    /// Its bytes' digest, to quote its lines later only while it is unchanged.
    pub(crate) digest: u64,
}

impl FileBlocks {
    /// Opens `path`, to add its length and bytes to `fingerprint` as they are read.
    pub(crate) fn open(path: &Path, mut fingerprint: Sha256) -> std::io::Result<Self> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        fingerprint.update(len.to_le_bytes());
        Ok(Self {
            file,
            carry: Vec::new(),
            lines_before: 0,
            len,
            read: 0,
            fingerprint,
            digest: ContentDigest::default(),
            at_start: true,
            ended: false,
            spoiled: false,
        })
    }

    /// The length the file had when opened.
    pub(crate) fn len(&self) -> usize {
        usize::try_from(self.len).unwrap_or(usize::MAX)
    }

    /// The fingerprint and the file's digest once every block was read; `None` when the file
    /// must be read whole instead (it is not UTF-8, a read failed, it changed length, or its
    /// reader stopped early).
    pub(crate) fn finish(self) -> Option<Finished> {
        (self.ended && !self.spoiled).then(|| Finished {
            fingerprint: self.fingerprint,
            len: usize::try_from(self.read).unwrap_or(usize::MAX),
            digest: self.digest.finish(),
        })
    }

    /// Appends to `block` the next [`BLOCK_BYTES`] of the file, fewer only at its end; how
    /// many it read.
    fn fill(&mut self, block: &mut Vec<u8>) -> std::io::Result<usize> {
        // `read_to_end` retries an interrupted read and reads into the spare capacity without
        // zeroing it first.
        (&mut self.file).take(BLOCK_BYTES as u64).read_to_end(block)
    }

    fn spoil(&mut self) -> Option<Piece<'static>> {
        self.spoiled = true;
        None
    }
}

impl Iterator for FileBlocks {
    type Item = Piece<'static>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.ended || self.spoiled {
            return None;
        }
        let mut block = std::mem::take(&mut self.carry);
        loop {
            let start = block.len();
            block.reserve(BLOCK_BYTES);
            let Ok(n) = self.fill(&mut block) else {
                return self.spoil();
            };
            self.fingerprint.update(&block[start..]);
            self.digest.update(&block[start..]);
            self.read += n as u64;
            if n < BLOCK_BYTES {
                self.ended = true;
                if self.read != self.len {
                    return self.spoil();
                }
                break;
            }
            // A line longer than a block: read on to its end.
            if let Some(newline) = block.iter().rposition(|&b| b == b'\n') {
                self.carry = block.split_off(newline + 1);
                break;
            }
        }
        if std::mem::take(&mut self.at_start) && block.starts_with(b"\xef\xbb\xbf") {
            block.drain(..3);
        }
        if block.is_empty() {
            return None;
        }
        let Ok(text) = String::from_utf8(block) else {
            return self.spoil();
        };
        let lines_before = self.lines_before;
        let newlines = text.bytes().filter(|&b| b == b'\n').count();
        self.lines_before =
            lines_before.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX));
        Some((Cow::Owned(text), lines_before))
    }
}

/// Runs `work` on each of `inputs` on up to `threads` threads, this one handing the inputs out
/// as it takes them from the iterator (to whichever thread is free), and gives `take` each
/// result in input order; stops at the first `false` from `take`, and then says `false`. At
/// most two inputs per thread are handed out and not yet taken back, so inputs read from a
/// file as they are handed out are never all held at once.
pub(crate) fn map_in_order<I: Send, R: Send>(
    inputs: impl Iterator<Item = I>,
    threads: usize,
    work: impl Fn(I) -> R + Sync,
    mut take: impl FnMut(R) -> bool,
) -> bool {
    let mut inputs = inputs;
    if threads < 2 {
        return inputs.all(|input| take(work(input)));
    }
    let work = &work;
    let in_flight_max = 2 * threads;
    let (to_workers, inbox) = std::sync::mpsc::sync_channel::<(usize, I)>(threads);
    let inbox = std::sync::Mutex::new(inbox);
    let (outbox, from_workers) = std::sync::mpsc::channel::<(usize, std::thread::Result<R>)>();
    std::thread::scope(|scope| {
        let inbox = &inbox;
        let mut spawned = 0;
        for _ in 0..threads.min(64) {
            let outbox = outbox.clone();
            let worker = std::thread::Builder::new().spawn_scoped(scope, move || loop {
                // The lock is held only to take the next input, never while working.
                let next = inbox.lock().ok().and_then(|inbox| inbox.recv().ok());
                let Some((index, input)) = next else {
                    break;
                };
                // A panic goes to this thread, which resumes it: a worker that only ended
                // would leave the others waiting for inputs and this one for its result.
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| work(input)));
                if outbox.send((index, result)).is_err() {
                    break;
                }
            });
            // No thread to be had: the ones there are do the work.
            if worker.is_err() {
                break;
            }
            spawned += 1;
        }
        drop(outbox);
        if spawned == 0 {
            drop(to_workers);
            return inputs.all(|input| take(work(input)));
        }
        // Results that came back before those ahead of them, by how far past `taken` they are.
        let mut early: std::collections::VecDeque<Option<R>> = std::collections::VecDeque::new();
        let (mut sent, mut taken) = (0usize, 0usize);
        // Takes every result that is next in order; `wait`: first waits for one to come.
        let mut take_ready = |wait: bool, taken: &mut usize| -> Option<bool> {
            if wait {
                let (index, result) = from_workers.recv().ok()?;
                let result = result.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                let at = index - *taken;
                if early.len() <= at {
                    early.resize_with(at + 1, || None);
                }
                early[at] = Some(result);
            }
            while let Some(Some(_)) = early.front() {
                let result = early.pop_front().flatten()?;
                *taken += 1;
                if !take(result) {
                    return Some(false);
                }
            }
            Some(true)
        };
        for input in inputs.by_ref() {
            while sent - taken >= in_flight_max {
                if take_ready(true, &mut taken) != Some(true) {
                    return false;
                }
            }
            if to_workers.send((sent, input)).is_err() {
                return false;
            }
            sent += 1;
        }
        drop(to_workers);
        while taken < sent {
            if take_ready(true, &mut taken) != Some(true) {
                return false;
            }
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks_of(bytes: &[u8]) -> (Vec<Piece<'static>>, Option<Finished>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, bytes).unwrap();
        let mut blocks = FileBlocks::open(&path, Sha256::new()).unwrap();
        let pieces: Vec<_> = blocks.by_ref().collect();
        (pieces, blocks.finish())
    }

    #[test]
    fn blocks_are_whole_lines_numbered_and_hashed_as_the_whole_file_is() {
        let line = "x".repeat(999) + "\n";
        let long_line = "y".repeat(3 * BLOCK_BYTES) + "\n";
        let text = format!(
            "\u{feff}{}{long_line}{}last",
            line.repeat(1500),
            line.repeat(10)
        );
        let (pieces, done) = blocks_of(text.as_bytes());
        let done = done.expect("read to the end");
        let joined: String = pieces.iter().map(|(p, _)| p.as_ref()).collect();
        assert_eq!(joined, text.trim_start_matches('\u{feff}'));
        let mut lines = 0;
        for (piece, before) in &pieces {
            assert_eq!(*before, lines);
            assert!(piece.ends_with('\n') || piece.ends_with("last"));
            lines += u32::try_from(piece.matches('\n').count()).unwrap();
        }
        assert!(pieces.len() >= 3);
        let mut whole = Sha256::new();
        whole.update((text.len() as u64).to_le_bytes());
        whole.update(text.as_bytes());
        assert_eq!(done.fingerprint.finalize(), whole.finalize());
        assert_eq!(done.len, text.len());
        assert_eq!(done.digest, ContentDigest::of(text.as_bytes()));
    }

    #[test]
    fn a_file_that_is_not_utf8_is_left_to_the_whole_read() {
        let mut bytes = "ok\n".repeat(BLOCK_BYTES).into_bytes();
        bytes.extend(b"\xff\n");
        let (_, done) = blocks_of(&bytes);
        assert!(done.is_none());
        let (pieces, done) = blocks_of(b"");
        assert!(pieces.is_empty() && done.is_some());
    }

    #[test]
    fn a_file_that_grows_while_it_is_read_is_left_to_the_whole_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, "a\n".repeat(BLOCK_BYTES)).unwrap();
        let mut blocks = FileBlocks::open(&path, Sha256::new()).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(&mut file, b"b\n").unwrap();
        assert!(blocks.by_ref().count() > 0);
        assert!(blocks.finish().is_none());
    }

    #[test]
    fn a_reader_that_stops_early_leaves_the_file_to_the_whole_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.jsonl");
        std::fs::write(&path, "a\n".repeat(BLOCK_BYTES)).unwrap();
        let mut blocks = FileBlocks::open(&path, Sha256::new()).unwrap();
        assert!(blocks.next().is_some());
        assert!(blocks.finish().is_none());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        for threads in [1, 2, 4] {
            let run = std::panic::catch_unwind(|| {
                map_in_order(0..100, threads, |i| assert_ne!(i, 5), |()| true)
            });
            assert!(run.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn results_come_back_in_input_order_and_a_refusal_stops_the_run() {
        for threads in [1, 2, 3, 8] {
            let mut got = Vec::new();
            let whole = map_in_order(
                0..100u64,
                threads,
                |i| i * i,
                |r| {
                    got.push(r);
                    true
                },
            );
            assert!(whole);
            assert_eq!(got, (0..100).map(|i| i * i).collect::<Vec<_>>());
            let handed = std::sync::atomic::AtomicUsize::new(0);
            let inputs = (0..1000).inspect(|_| {
                handed.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            });
            let whole = map_in_order(inputs, threads, |i| i, |r| r < 10);
            assert!(!whole);
            assert!(
                handed.load(std::sync::atomic::Ordering::Relaxed) <= 11 + 2 * threads,
                "inputs stop being handed out"
            );
        }
    }
}
