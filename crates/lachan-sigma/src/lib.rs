//! lachan-sigma
