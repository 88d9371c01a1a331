//! Live updates in the browser: one `EventSource` on `/api/events` per page, opened by the first
//! island that asks for [`Live`] (the navigation's unread counts, an open conversation: both
//! shown only to a logged-in member). Each event bumps a counter that those islands use as a
//! source, so they fetch again: nothing is pushed but "look again", so a missed event only
//! delays, and a reconnection (after a network drop or a server restart) makes every island look
//! again. Without JavaScript nothing of this runs: pages show what the server rendered.

use leptos::prelude::*;

/// What changed, as counters islands can depend on.
#[derive(Clone)]
pub struct Live {
    /// Bumped by a message or a read receipt in any of the member's conversations.
    pub messages: ArcRwSignal<u32>,
    /// Bumped by a notification (or notifications read elsewhere).
    pub notifications: ArcRwSignal<u32>,
}

impl Live {
    fn new() -> Live {
        Live {
            messages: ArcRwSignal::new(0),
            notifications: ArcRwSignal::new(0),
        }
    }

    /// The page's counters. In the browser they are shared by every island of the page (islands
    /// share no context) and the first call opens the event stream; on the server they stay at
    /// zero.
    pub fn get() -> Live {
        #[cfg(feature = "hydrate")]
        {
            thread_local! {
                static LIVE: Live = {
                    let live = Live::new();
                    open(live.clone());
                    live
                };
            }
            LIVE.with(Live::clone)
        }
        #[cfg(not(feature = "hydrate"))]
        Live::new()
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn bump_all(&self) {
        self.messages.update(|n| *n = n.wrapping_add(1));
        self.notifications.update(|n| *n = n.wrapping_add(1));
    }
}

#[cfg(feature = "hydrate")]
fn open(live: Live) {
    use crate::types::notifications::LiveEvent;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Ok(es) = web_sys::EventSource::new("/api/events") else {
        return;
    };
    let on_message = {
        let live = live.clone();
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
            let Some(text) = e.data().as_string() else {
                return;
            };
            match serde_json::from_slice::<LiveEvent>(text.as_bytes()) {
                Ok(LiveEvent::Message { .. }) | Ok(LiveEvent::Read { .. }) => {
                    live.messages.update(|n| *n = n.wrapping_add(1));
                }
                Ok(LiveEvent::Notification) => {
                    live.notifications.update(|n| *n = n.wrapping_add(1))
                }
                Ok(LiveEvent::Resync) | Err(_) => live.bump_all(),
            }
        })
    };
    es.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // "ready" comes first on every (re)connection: fetch what may have been missed before it
    // (between the page's rendering and the stream's opening, or while disconnected).
    let on_ready = Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
        live.bump_all();
    });
    let _ = es.add_event_listener_with_callback("ready", on_ready.as_ref().unchecked_ref());
    on_ready.forget();
    // The stream lives as long as the page.
    std::mem::forget(es);
}
