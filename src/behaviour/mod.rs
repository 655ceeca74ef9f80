//! Human behaviour, sampled outside the routing core and fed to it as events: when customers
//! arrive, how long they wait before giving up, how much work their chat is.

pub mod arrivals;
pub mod sampler;
pub mod streams;
