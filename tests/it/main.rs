//! One integration-test binary with a module per topic.

mod apply;
