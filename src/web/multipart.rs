//! Reading a multipart form (the forms that upload logos) with a limit per field, so a large
//! upload is reported as too large instead of being held in memory.

use std::collections::HashMap;

use actix_multipart::Multipart;
use futures_util::StreamExt;

use crate::web::error::AppError;

const MAX_TEXT: usize = 16 * 1024;
/// Past this much in total the request is refused outright.
const MAX_TOTAL: usize = 4 * 1024 * 1024;

pub use crate::app::logos::Upload;

#[derive(Debug, Default)]
pub struct FormParts {
    texts: HashMap<String, String>,
    files: HashMap<String, Upload>,
}

impl FormParts {
    pub fn text(&self, name: &str) -> String {
        self.texts.get(name).cloned().unwrap_or_default()
    }

    pub fn file(&self, name: &str) -> Upload {
        self.files.get(name).cloned().unwrap_or_default()
    }

    /// Reads every part; files are kept up to `file_limit` bytes each.
    pub async fn read(mut mp: Multipart, file_limit: usize) -> Result<FormParts, AppError> {
        let mut parts = FormParts::default();
        let mut total = 0usize;
        while let Some(field) = mp.next().await {
            let mut field = field.map_err(|_| AppError::BadRequest)?;
            let name = field.name().unwrap_or_default().to_string();
            let is_file = field
                .content_disposition()
                .and_then(|cd| cd.get_filename())
                .is_some();
            let limit = if is_file { file_limit } else { MAX_TEXT };
            let mut buf = Vec::new();
            let mut too_large = false;
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| AppError::BadRequest)?;
                total += chunk.len();
                if total > MAX_TOTAL {
                    return Err(AppError::PayloadTooLarge);
                }
                if buf.len() + chunk.len() > limit {
                    too_large = true;
                } else {
                    buf.extend_from_slice(&chunk);
                }
            }
            if is_file {
                parts.files.insert(
                    name,
                    Upload {
                        bytes: if too_large { Vec::new() } else { buf },
                        too_large,
                    },
                );
            } else {
                parts
                    .texts
                    .insert(name, String::from_utf8_lossy(&buf).into_owned());
            }
        }
        Ok(parts)
    }
}
