//! lachan-store
