//! The hotel's audit log of configuration changes (SPEC §10, issue 20 item 8): departments,
//! members' roles and access, QR codes and the hotel's settings. Entries are written by the
//! changes themselves, in their transaction (`model::Change`); this module reads them.

pub mod list;
pub mod model;
