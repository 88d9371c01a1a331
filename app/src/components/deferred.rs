//! A view built when it is rendered, not before.
//!
//! On the server, a `<Suspense>` walks its children before rendering them (`dry_resolve`) to
//! find the resources they read, and again once they have loaded to find any that the loaded
//! data led to; each walk runs the children's closures, and so builds every view the loaded data
//! make (on a search page, twenty result cards, with their prices, dates and texts formatted)
//! only to drop it. A [`Deferred`] view is skipped by those walks: it is built once, when the
//! page is rendered (or, in the browser, when it is hydrated or mounted).
//!
//! A view that makes resources of its own (the booking page's chat) reads them inside a
//! `<Suspense>` or `<Transition>` of its own: the walks do not look inside a deferred view, so the
//! outer one would not wait for them.

use leptos::prelude::*;
use leptos::tachys::html::attribute::any_attribute::AnyAttribute;
use leptos::tachys::html::attribute::Attribute;
use leptos::tachys::hydration::Cursor;
use leptos::tachys::ssr::StreamBuilder;
use leptos::tachys::view::add_attr::AddAnyAttr;
use leptos::tachys::view::any_view::AnyViewState;
use leptos::tachys::view::{Position, PositionState, Render, RenderHtml};

/// A view made by a function when it is rendered (see the module's comment).
pub struct Deferred(Box<dyn FnOnce() -> AnyView + Send>);

/// `make` is called once, when the view is rendered, hydrated or mounted.
/// It runs under the reactive owner of the place it was written, as if it had been built there.
pub fn deferred(make: impl FnOnce() -> AnyView + Send + 'static) -> AnyView {
    let owner = Owner::current();
    Deferred(Box::new(move || match owner {
        Some(owner) => owner.with(make),
        None => make(),
    }))
    .into_any()
}

impl Render for Deferred {
    type State = AnyViewState;

    fn build(self) -> Self::State {
        (self.0)().build()
    }

    fn rebuild(self, state: &mut Self::State) {
        (self.0)().rebuild(state)
    }
}

impl AddAnyAttr for Deferred {
    type Output<SomeNewAttr: Attribute> = <AnyView as AddAnyAttr>::Output<SomeNewAttr>;

    fn add_any_attr<NewAttr: Attribute>(self, attr: NewAttr) -> Self::Output<NewAttr>
    where
        Self::Output<NewAttr>: RenderHtml,
    {
        (self.0)().add_any_attr(attr)
    }
}

impl RenderHtml for Deferred {
    type AsyncOutput = AnyView;
    type Owned = Self;

    const MIN_LENGTH: usize = 0;

    /// The point of the type: the walks looking for resources do not build the view.
    fn dry_resolve(&mut self) {}

    async fn resolve(self) -> Self::AsyncOutput {
        (self.0)().resolve().await
    }

    fn to_html_with_buf(
        self,
        buf: &mut String,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        (self.0)().to_html_with_buf(buf, position, escape, mark_branches, extra_attrs)
    }

    fn to_html_async_with_buf<const OUT_OF_ORDER: bool>(
        self,
        buf: &mut StreamBuilder,
        position: &mut Position,
        escape: bool,
        mark_branches: bool,
        extra_attrs: Vec<AnyAttribute>,
    ) {
        (self.0)().to_html_async_with_buf::<OUT_OF_ORDER>(
            buf,
            position,
            escape,
            mark_branches,
            extra_attrs,
        )
    }

    fn hydrate<const FROM_SERVER: bool>(
        self,
        cursor: &Cursor,
        position: &PositionState,
    ) -> Self::State {
        (self.0)().hydrate::<FROM_SERVER>(cursor, position)
    }

    fn into_owned(self) -> Self::Owned {
        self
    }
}
