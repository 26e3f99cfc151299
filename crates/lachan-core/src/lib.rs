//! lachan-core
