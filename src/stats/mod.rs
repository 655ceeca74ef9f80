//! Statistics: streamed per replication (`collector`), combined over replications (`summary`).

pub mod collector;
pub mod histogram;
pub mod metrics;
pub mod pooled;
pub mod summary;
