//! Documents the console hands to people outside it: an MSP's invoice as its customer reads it
//! (`invoice`, one model for the HTML page and the PDF) and its PDF (`pdf`). No HTTP, no SQL.

pub mod invoice;
pub mod pdf;
