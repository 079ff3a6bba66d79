//! The `gatehouse.v1` gRPC API, and what the core and every facade share to speak it.

pub mod call;
pub mod channel;
pub mod error;
pub mod request_id;

/// Code generated from `proto/gatehouse/v1/*.proto`.
pub mod gatehouse {
    /// Version 1 of the Gatehouse API.
    #[allow(clippy::all, clippy::pedantic, missing_docs)]
    pub mod v1 {
        include!(concat!(env!("OUT_DIR"), "/gatehouse.v1.rs"));
    }
}

pub use gatehouse::v1;

/// Encoded descriptor set of every Gatehouse proto, for gRPC server reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/gatehouse_descriptor.bin"));
