//! Making one [`Write`] through the API client: the only place the executor meets HTTP (and so
//! where a 400 refusing a tracking field is recognised).

use super::halt::HINT;
use super::readback::ReadBack;
use super::write::Write;
use crate::api::{ApiError, Client, Id, Resource, ResourceWrite};
use crate::plan::Kind;

/// Makes `write` with one client call (creates through the idempotent create, so a lost
/// answer is adopted rather than repeated) and returns the resource's id; each create and
/// PATCH answer is checked against its body into `readback`.
///
/// # Errors
/// The call's error as a message; a monitor PATCH or DELETE the workspace does not serve says
/// so and names the monitor.
pub async fn perform(
    client: &Client,
    write: Write,
    readback: &ReadBack,
) -> Result<Option<Id>, String> {
    let property = matches!(
        write,
        Write::Create(Kind::Property, _) | Write::Patch(Kind::Property, ..)
    );
    let checked = |kind: Kind, body: &ResourceWrite, r: Result<Resource, ApiError>| {
        r.inspect(|back| readback.check(kind, body, back))
    };
    let result = match write {
        Write::Create(Kind::Category, body) => checked(
            Kind::Category,
            &body,
            client.create_category_idempotent(&body).await,
        ),
        Write::Create(Kind::Event, body) => checked(
            Kind::Event,
            &body,
            client.create_event_idempotent(&body).await,
        ),
        Write::Create(Kind::Property, body) => checked(
            Kind::Property,
            &body,
            client.create_property_idempotent(&body).await,
        ),
        Write::Patch(Kind::Event, id, body) => {
            checked(Kind::Event, &body, client.patch_event(&id, &body).await)
        }
        Write::Patch(Kind::Property, id, body) => checked(
            Kind::Property,
            &body,
            client.patch_property(&id, &body).await,
        ),
        Write::Delete(Kind::Event, id) => return done(client.delete_event(&id).await),
        Write::Delete(Kind::Property, id) => return done(client.delete_property(&id).await),
        Write::Create(kind, _) | Write::Patch(kind, ..) | Write::Delete(kind, _) => {
            return Err(format!(
                "no such call for a {kind} (this is a bug in secoda-sync; please report it)"
            ));
        }
        Write::CreateMonitor(body) => {
            return client
                .create_monitor_idempotent(&body)
                .await
                .inspect(|m| readback.check_monitor(&body, m))
                .map(|m| Some(m.id))
                .map_err(|e| e.to_string());
        }
        Write::PatchMonitor(id, name, body) => {
            return client
                .patch_monitor(&id, &body)
                .await
                .inspect(|m| readback.check_monitor(&body, m))
                .map(|m| Some(m.id))
                .map_err(|e| monitor_error(&e, "updating", &name));
        }
        Write::DeleteMonitor(id, name) => {
            return client
                .delete_monitor(&id)
                .await
                .map(|()| None)
                .map_err(|e| monitor_error(&e, "deleting", &name));
        }
    };
    result.map(|r| Some(r.id)).map_err(|e| {
        // A 400 naming a tracking field stops the property writes carrying it.
        if property && !readback.halt().refused(&e).is_empty() {
            format!("{e} ({HINT})")
        } else {
            e.to_string()
        }
    })
}

fn done(result: Result<(), ApiError>) -> Result<Option<Id>, String> {
    result.map(|()| None).map_err(|e| e.to_string())
}

/// Secoda does not document monitor PATCH/DELETE; a workspace that lacks them answers 404/405.
fn monitor_error(e: &ApiError, doing: &str, name: &str) -> String {
    if e.is_unsupported() {
        format!("this workspace's API does not support {doing} monitors (monitor `{name}`): {e}")
    } else {
        e.to_string()
    }
}
