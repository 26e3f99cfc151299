//! lachan-webcheck
