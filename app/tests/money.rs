//! Money tests against PostgreSQL (filled in below).
