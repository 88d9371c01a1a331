//! Live updates in the browser: one `EventSource` on `/api/events` while a member is logged in.
//! Each event bumps a counter that the pages showing that kind of data use as a source, so they
//! fetch it again: nothing is pushed but "look again", so a missed event only delays, and a
//! reconnection (after a network drop or a server restart) makes every page look again.
//! Without JavaScript nothing of this runs: pages show what the server rendered.

use crate::components::layout::AuthState;
use crate::types::chat::ConversationId;
use leptos::prelude::*;

/// What changed, as counters pages can depend on.
#[derive(Clone, Copy)]
pub struct Live {
    /// Bumped by a message or a read receipt in any of the member's conversations.
    pub messages: RwSignal<u32>,
    /// Bumped by a notification (or notifications read elsewhere).
    pub notifications: RwSignal<u32>,
    /// The conversation of the last message event.
    pub conversation: RwSignal<Option<ConversationId>>,
}

impl Live {
    pub fn get() -> Live {
        expect_context::<Live>()
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn bump_all(&self) {
        self.messages.update(|n| *n = n.wrapping_add(1));
        self.notifications.update(|n| *n = n.wrapping_add(1));
    }
}

impl Live {
    /// Provides `Live` to the whole app and, in the browser, keeps the event stream open while
    /// someone is logged in (call it once, in `App`, after `AuthState::provide`).
    pub fn provide() {
        provide()
    }
}

fn provide() {
    let live = Live {
        messages: RwSignal::new(0),
        notifications: RwSignal::new(0),
        conversation: RwSignal::new(None),
    };
    provide_context(live);
    #[cfg(feature = "hydrate")]
    {
        let auth = AuthState::get();
        let source = StoredValue::new_local(None::<web_sys::EventSource>);
        Effect::new(move |_| {
            let logged_in = auth.user.get().flatten().is_some();
            match (logged_in, source.with_value(Option::is_some)) {
                (true, false) => source.set_value(open(live)),
                (false, true) => {
                    source.with_value(|s| s.as_ref().map(web_sys::EventSource::close));
                    source.set_value(None);
                }
                _ => {}
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = AuthState::get;
}

#[cfg(feature = "hydrate")]
fn open(live: Live) -> Option<web_sys::EventSource> {
    use crate::types::notifications::LiveEvent;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let es = web_sys::EventSource::new("/api/events").ok()?;
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match serde_json::from_slice::<LiveEvent>(text.as_bytes()) {
                Ok(LiveEvent::Message { conversation, .. })
                | Ok(LiveEvent::Read { conversation }) => {
                    live.conversation.set(Some(conversation));
                    live.messages.update(|n| *n = n.wrapping_add(1));
                }
                Ok(LiveEvent::Notification) => {
                    live.notifications.update(|n| *n = n.wrapping_add(1))
                }
                Ok(LiveEvent::Resync) | Err(_) => live.bump_all(),
            }
        });
    es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // "ready" comes first on every (re)connection: fetch what may have been missed before it
    // (between the page's rendering and the stream's opening, or while disconnected).
    let on_ready = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        live.bump_all();
    });
    let _ = es.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
    on_ready.forget();
    Some(es)
}
