//! Files that hold key material: created once, readable by the owner alone.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// What [`write_private_file`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOutcome {
    /// The file did not exist and now holds the contents.
    Created,
    /// Another process created the file first; it was left as it was.
    AlreadyExisted,
}

/// Writes `contents` to `path` with mode 0600, unless the file exists.
///
/// The contents go to a temporary file first and are linked into place, so a reader never sees
/// a half-written file and two processes starting at once cannot both win.
pub fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<WriteOutcome> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(".{}.tmp", uuid::Uuid::new_v4().simple()));

    let written = write_new(&tmp, contents);
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, path));
    let _ = std::fs::remove_file(&tmp);

    match linked {
        Ok(()) => Ok(WriteOutcome::Created),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok(WriteOutcome::AlreadyExisted)
        }
        Err(err) => Err(err),
    }
}

fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

/// Whether a key file can be read by anyone but its owner.
pub(crate) fn is_exposed(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_private_file_is_owner_only_and_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        assert_eq!(
            write_private_file(&path, b"first").unwrap(),
            WriteOutcome::Created
        );
        assert_eq!(
            write_private_file(&path, b"second").unwrap(),
            WriteOutcome::AlreadyExisted
        );
        assert_eq!(std::fs::read(&path).unwrap(), b"first");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(!is_exposed(&path));
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temp file left"
        );
    }
}
