//! HTTP plumbing: the middleware every request passes, the operational endpoints, metrics, and
//! the benchmark's reference handler.

pub mod assets;
pub mod bench;
pub mod metrics;
pub mod middleware;
pub mod ops;
