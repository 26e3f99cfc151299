//! lachan-server
