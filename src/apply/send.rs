//! Making one `WriteCall` through the API client: the only place the executor meets HTTP
//! (and so where a 400 refusing a tracking field is recognised).

use super::report::Failure;
use super::write::{Editable, WriteCall};
use crate::api::{ApiError, Client, Id, Resource, ResourceKind, ResourceWrite};
use crate::plan::fidelity::Ledger;
use crate::plan::Kind;

/// Makes `write` with one client call (creates through the idempotent create, so a lost
/// answer is adopted rather than repeated) and returns the resource's id; each create and
/// PATCH answer is checked against its body into `ledger`.
///
/// # Errors
/// The call's `Failure`: a tracking field the workspace refused, a monitor PATCH or DELETE
/// it does not serve (naming the monitor), or the API's error.
pub async fn send(
    client: &Client,
    write: WriteCall,
    ledger: &Ledger,
) -> Result<Option<Id>, Failure> {
    let property = matches!(
        write,
        WriteCall::Create(ResourceKind::Property, _) | WriteCall::Patch(Editable::Property, ..)
    );
    // Secoda does not document `title` among PATCH's fields: only the answer tells whether a
    // rename was made.
    let rename = match &write {
        WriteCall::Patch(_, _, body) => body.title.clone(),
        _ => None,
    };
    let checked = |kind: Kind, body: &ResourceWrite, r: Result<Resource, ApiError>| {
        r.inspect(|back| ledger.check(kind, body, back))
    };
    let result = match write {
        WriteCall::Create(ResourceKind::Category, body) => checked(
            Kind::Category,
            &body,
            client.create_category_idempotent(&body).await,
        ),
        WriteCall::Create(ResourceKind::Event, body) => checked(
            Kind::Event,
            &body,
            client.create_event_idempotent(&body).await,
        ),
        WriteCall::Create(ResourceKind::Property, body) => checked(
            Kind::Property,
            &body,
            client.create_property_idempotent(&body).await,
        ),
        WriteCall::Patch(Editable::Event, id, body) => {
            checked(Kind::Event, &body, client.patch_event(&id, &body).await)
        }
        WriteCall::Patch(Editable::Property, id, body) => checked(
            Kind::Property,
            &body,
            client.patch_property(&id, &body).await,
        ),
        WriteCall::Delete(Editable::Event, id) => return done(client.delete_event(&id).await),
        WriteCall::Delete(Editable::Property, id) => {
            return done(client.delete_property(&id).await)
        }
        WriteCall::CreateMonitor(body) => {
            return client
                .create_monitor_idempotent(&body)
                .await
                .inspect(|m| ledger.check_monitor(&body, m))
                .map(|m| Some(m.id))
                .map_err(|e| Failure::Api(e.to_string()));
        }
        WriteCall::PatchMonitor(id, name, body) => {
            return client
                .patch_monitor(&id, &body)
                .await
                .inspect(|m| ledger.check_monitor(&body, m))
                .map(|m| Some(m.id))
                .map_err(|e| monitor_error(&e, "updating", &name));
        }
        WriteCall::CreateTag(body) => {
            return client
                .create_tag(&body)
                .await
                .map(|t| Some(t.id))
                .map_err(|e| Failure::Api(e.to_string()));
        }
        WriteCall::PatchTag(id, body) => {
            return client
                .patch_tag(&id, &body)
                .await
                .map(|t| Some(t.id))
                .map_err(|e| Failure::Api(e.to_string()));
        }
        WriteCall::DeleteMonitor(id, name) => {
            return client
                .delete_monitor(&id)
                .await
                .map(|()| None)
                .map_err(|e| monitor_error(&e, "deleting", &name));
        }
    };
    let back = result.map_err(|e| {
        // A 400 naming a tracking field stops the property writes carrying it.
        if property && !ledger.refused(&e).is_empty() {
            Failure::Refused(e.to_string())
        } else {
            Failure::Api(e.to_string())
        }
    })?;
    match rename {
        Some(title) if title != back.title => Err(Failure::RenameNotKept {
            title,
            kept: back.title,
        }),
        _ => Ok(Some(back.id)),
    }
}

fn done(result: Result<(), ApiError>) -> Result<Option<Id>, Failure> {
    result
        .map(|()| None)
        .map_err(|e| Failure::Api(e.to_string()))
}

/// Secoda does not document monitor PATCH/DELETE; a workspace that lacks them answers 404/405.
fn monitor_error(e: &ApiError, doing: &'static str, name: &str) -> Failure {
    if e.is_unsupported() {
        Failure::Unsupported {
            doing,
            name: name.to_owned(),
            error: e.to_string(),
        }
    } else {
        Failure::Api(e.to_string())
    }
}
