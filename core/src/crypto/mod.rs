//! Key material: the key encryption key from configuration and the keys derived from it.

mod files;
mod hasher;
mod kek;
mod seal;

pub use files::{WriteOutcome, write_private_file};
pub use hasher::{SecretHash, SecretHasher};
pub use kek::{KeyEncryptionKey, KeyError};
pub use seal::{OpenError, Sealer};
